//! Reading filled worksheets back, and deciding what an import stores.
//!
//! A worksheet comes back from a spreadsheet changed in ways that mean
//! nothing: a byte-order mark, CRLF, cells quoted differently, a leading `'`,
//! columns reordered or added, dates in the UK format, perhaps `;` between
//! cells. Reading tolerates all of that; anything that changes what a row
//! says is a [`Problem`] naming file, line and column.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use chrono::NaiveDate;

use super::fields::{changes, clean, describe_changes, parse_cells, Cells, REQUIRED};
use super::review_date::normalise_review_date;
use super::targets::{DrawTargets, Review, TargetState};
use super::workbook::read_workbook;
use super::worksheet::{ASSESSMENT_COLUMNS, IDENTITY_COLUMNS};
use super::Assessment;
use crate::export::YearMonth;

/// Why a worksheet, or one of its rows, cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    /// 1-based line in the file; `None` for the file as a whole.
    pub line: Option<u64>,
    pub column: Option<String>,
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column {column}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// An assessed row of a worksheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowAssessment {
    pub file: String,
    pub line: u64,
    pub month: String,
    pub champion: String,
    pub record_id: String,
    /// The worksheet's `role` cell (`sample`, `reserve`, `second`), empty
    /// when the sheet has no such column.
    pub role: String,
    pub assessment: Assessment,
}

/// What one worksheet holds.
#[derive(Debug, Clone, Default)]
pub struct Worksheet {
    pub file: String,
    pub rows: Vec<RowAssessment>,
    /// Rows with every assessment cell empty: `(month, record_id, champion)`.
    pub empty: Vec<(String, String, String)>,
    pub problems: Vec<Problem>,
}

/// Reads a worksheet file, CSV or workbook (.xlsx, .ods), judging review
/// dates on `today`; an unreadable file is a problem, not an error, so that
/// every file's problems are reported together.
pub fn read_worksheet(path: &Path, today: NaiveDate) -> Worksheet {
    let file = path.display().to_string();
    let whole_file = |reason: String| Worksheet {
        problems: vec![Problem {
            file: file.clone(),
            line: None,
            column: None,
            reason,
        }],
        file: file.clone(),
        ..Worksheet::default()
    };
    match std::fs::read(path) {
        Ok(bytes) if is_workbook(path, &bytes) => match read_workbook(path) {
            // The workbook's rows as CSV text on the lines of their sheet
            // rows: problems name the row a spreadsheet shows.
            Ok(sheet) => parse_worksheet(&file, &sheet.to_csv(), today),
            Err(err) => whole_file(err.detail()),
        },
        Ok(bytes) => parse_worksheet(&file, &bytes, today),
        Err(err) => whole_file(format!("cannot be read: {err}")),
    }
}

/// A workbook is a zip file (.xlsx and .ods both are); the extension
/// decides for a file too short or damaged to tell.
fn is_workbook(path: &Path, bytes: &[u8]) -> bool {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    bytes.starts_with(b"PK\x03\x04") || matches!(extension.as_str(), "xlsx" | "xlsm" | "ods")
}

/// The separator a spreadsheet saved the file with: `,` unless the header
/// line plainly uses `;` or tabs (as spreadsheets in some locales do).
fn delimiter(bytes: &[u8]) -> u8 {
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let count = |c: u8| first_line.iter().filter(|&&b| b == c).count();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&c| (count(c), c == b','))
        .unwrap_or(b',')
}

/// Parses a worksheet's bytes; `file` names it in problems. Review dates
/// with two-digit years are read as [`normalise_review_date`] reads them on
/// `today`.
pub fn parse_worksheet(file: &str, bytes: &[u8], today: NaiveDate) -> Worksheet {
    let mut sheet = Worksheet {
        file: file.to_string(),
        ..Worksheet::default()
    };
    let problem = |line: Option<u64>, column: Option<&str>, reason: String| Problem {
        file: file.to_string(),
        line,
        column: column.map(str::to_string),
        reason,
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter(bytes))
        .from_reader(bytes);
    let header = match reader.byte_headers() {
        Ok(header) => header.clone(),
        Err(err) => {
            sheet.problems.push(problem(
                Some(1),
                None,
                format!("not a readable CSV file: {err}"),
            ));
            return sheet;
        }
    };
    let wanted: Vec<&str> = IDENTITY_COLUMNS
        .iter()
        .chain(ASSESSMENT_COLUMNS.iter())
        .copied()
        .collect();
    let mut columns: HashMap<&str, usize> = HashMap::new();
    for (index, name) in header.iter().enumerate() {
        let name = String::from_utf8_lossy(name);
        let name = clean(&name).to_lowercase();
        if let Some(&ours) = wanted.iter().find(|w| **w == name) {
            if columns.insert(ours, index).is_some() {
                sheet.problems.push(problem(
                    Some(1),
                    Some(ours),
                    "appears twice in the header: keep one".to_string(),
                ));
            }
        }
    }
    let needed = ["record_id", "champion", "month"]
        .into_iter()
        .chain(REQUIRED);
    let missing: Vec<&str> = needed.filter(|c| !columns.contains_key(c)).collect();
    if !missing.is_empty() {
        sheet.problems.push(problem(
            Some(1),
            Some(&missing.join(", ")),
            "missing from the header: is this a worksheet written by `grounds sample`?".to_string(),
        ));
    }
    if !sheet.problems.is_empty() {
        return sheet;
    }

    let mut record = csv::ByteRecord::new();
    let mut lines = LineCounter::default();
    loop {
        let line = lines.line_at(bytes, reader.position().byte());
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(err) => {
                sheet.problems.push(problem(
                    Some(line),
                    None,
                    format!("not readable CSV: {err}"),
                ));
                break;
            }
        }
        let line = record
            .position()
            .map_or(line, |p| lines.line_at(bytes, p.byte()));
        let mut values: HashMap<&str, &str> = HashMap::new();
        let mut not_utf8 = None;
        for &column in &wanted {
            let bytes = columns
                .get(column)
                .and_then(|&i| record.get(i))
                .unwrap_or_default();
            match std::str::from_utf8(bytes) {
                Ok(text) => {
                    values.insert(column, text);
                }
                Err(_) => {
                    not_utf8.get_or_insert(column);
                }
            }
        }
        if let Some(column) = not_utf8 {
            sheet.problems.push(problem(
                Some(line),
                Some(column),
                "is not UTF-8 text: save the worksheet as \"CSV UTF-8\"".to_string(),
            ));
            continue;
        }
        let cell = |column: &str| values.get(column).copied().unwrap_or_default();
        let (record_id, champion, month) = (
            clean(cell("record_id")).to_string(),
            clean(cell("champion")).to_string(),
            worksheet_month(clean(cell("month"))),
        );
        // A spreadsheet set to UK dates saves 03/02/2018 as 03/02/18: read
        // it as the review's date when only one date makes sense.
        let typed_date = cell("reviewed_on");
        let reviewed_on = match month.parse::<YearMonth>() {
            Ok(drawn) => match normalise_review_date(typed_date, drawn, today) {
                Ok(text) => text.into_owned(),
                Err(err) => {
                    sheet
                        .problems
                        .push(problem(Some(line), Some("reviewed_on"), err.to_string()));
                    continue;
                }
            },
            Err(_) => typed_date.to_string(),
        };
        let verdict = parse_cells(|column| {
            if column == "reviewed_on" {
                reviewed_on.as_str()
            } else {
                cell(column)
            }
        });
        let assessment = match verdict {
            Cells::Empty => {
                if record
                    .iter()
                    .any(|c| !clean(&String::from_utf8_lossy(c)).is_empty())
                {
                    sheet.empty.push((month, record_id, champion));
                }
                continue;
            }
            Cells::Invalid(problems) => {
                for p in problems {
                    sheet
                        .problems
                        .push(problem(Some(line), Some(&p.column), p.reason));
                }
                continue;
            }
            Cells::Assessed(assessment) => assessment,
        };
        let mut identified = true;
        for (column, value) in [
            ("record_id", &record_id),
            ("champion", &champion),
            ("month", &month),
        ] {
            if value.is_empty() {
                identified = false;
                sheet.problems.push(problem(
                    Some(line),
                    Some(column),
                    "is empty, but the row has an assessment: which search is it?".to_string(),
                ));
            }
        }
        if identified {
            sheet.rows.push(RowAssessment {
                file: file.to_string(),
                line,
                month,
                champion,
                record_id,
                role: clean(cell("role")).to_string(),
                assessment,
            });
        }
    }
    sheet
}

/// The month column as `YYYY-MM`. A spreadsheet that opens the worksheet
/// takes `2019-01` for a date and may save it as `Jan-19`, `Jan-2019`,
/// `01/01/2019` or `2019-01-01`: all mean the month. Anything else is kept
/// as typed, to be reported as a month with no draw.
fn worksheet_month(text: &str) -> String {
    use chrono::{Datelike, NaiveDate};
    if let Ok(month) = text.parse::<YearMonth>() {
        return month.to_string();
    }
    let as_date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .or_else(|_| NaiveDate::parse_from_str(&format!("01-{text}"), "%d-%b-%y"))
        .or_else(|_| NaiveDate::parse_from_str(&format!("01-{text}"), "%d-%b-%Y"));
    match as_date {
        Ok(date) if date.day() == 1 => YearMonth::of_date(date).to_string(),
        _ => text.to_string(),
    }
}

/// Line numbers from byte offsets. The csv crate's own line count is one
/// short after CRLF line endings (a record "starts" at the previous line's
/// `\n`), and spreadsheets write CRLF, so count newlines before the first
/// byte of the record instead. Offsets only grow, so counting is incremental.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    newlines: u64,
}

impl LineCounter {
    fn line_at(&mut self, bytes: &[u8], offset: u64) -> u64 {
        let mut start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start >= self.offset {
            self.newlines += bytes[self.offset..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            self.offset = start;
        }
        self.newlines + 1
    }
}

/// What an import does with one assessed row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The search's first assessment.
    New,
    /// A new version; the one it replaces stays in the history.
    Amend,
    /// Already stored exactly so (or repeated in this import).
    Unchanged,
}

/// The decision for one row of [`plan`]'s input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Planned {
    /// Index into the rows given to [`plan`].
    pub row: usize,
    pub draw_id: i64,
    /// A row in the worksheet of the search's second champion is its
    /// second review.
    pub review: Review,
    pub action: Action,
}

/// Checks every row against the draws (by month) and decides what to store.
/// `draws` holds the current draw of each month the rows name; a month
/// missing from it has no draw. Any problem means nothing should be stored.
pub fn plan(
    rows: &[RowAssessment],
    draws: &HashMap<String, DrawTargets>,
    amend: bool,
) -> (Vec<Planned>, Vec<Problem>) {
    let mut planned = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashMap<(&str, &str, Review), usize> = HashMap::new();
    let mut no_draw: HashMap<(&str, &str), (usize, usize)> = HashMap::new();
    for (index, row) in rows.iter().enumerate() {
        let mut refuse = |column: &str, reason: String| {
            problems.push(Problem {
                file: row.file.clone(),
                line: Some(row.line),
                column: Some(column.to_string()),
                reason,
            });
            problems.len() - 1
        };
        let Some(draw) = draws.get(&row.month) else {
            // Said once per file and month: every row would say the same.
            let key = (row.file.as_str(), row.month.as_str());
            if let Some(more) = no_draw.get_mut(&key) {
                more.1 += 1;
                continue;
            }
            let at = refuse(
                "month",
                format!(
                    "this workspace has no draw for {:?}: was the worksheet drawn in another workspace (--db)?",
                    row.month
                ),
            );
            no_draw.insert(key, (at, 0));
            continue;
        };
        let (review, target) = match draw
            .assessable_review(&row.record_id, &row.champion)
            .and_then(|(review, target)| {
                target
                    .accepts(&row.record_id, row.assessment.grounds)
                    .map(|()| (review, target))
            }) {
            Ok(found) => found,
            Err(why) => {
                refuse(why.column(), why.to_string());
                continue;
            }
        };
        // The role cell must agree with the draw: a second review's row
        // copied into the first reviewer's sheet (or the reverse) would
        // otherwise be stored as the other review and counted, or not.
        let says_second = row.role.eq_ignore_ascii_case("second");
        if !row.role.is_empty() && says_second != (review == Review::Second) {
            refuse(
                "role",
                format!(
                    "{} is {}'s {} in this draw, but this row says role {:?}: was it copied from another \
                     champion's worksheet? Enter it in the worksheet grounds wrote for {}",
                    row.record_id,
                    target.champion,
                    if review == Review::Second { "blind second review" } else { "own search (first review)" },
                    row.role,
                    target.champion
                ),
            );
            continue;
        }
        if let Some(&first) = seen.get(&(row.month.as_str(), row.record_id.as_str(), review)) {
            let earlier = &rows[first];
            if earlier.assessment != row.assessment {
                let differences = changes(&earlier.assessment, &row.assessment);
                refuse(
                    &field_list(&differences),
                    format!(
                        "{} is also at {} line {} with different values ({}): keep one",
                        row.record_id,
                        earlier.file,
                        earlier.line,
                        describe_changes(&differences)
                    ),
                );
            }
            continue;
        }
        seen.insert((row.month.as_str(), row.record_id.as_str(), review), index);
        let action = match &target.current {
            None => Action::New,
            Some(current) if current.assessment == row.assessment => Action::Unchanged,
            Some(_) if amend => Action::Amend,
            Some(current) => {
                let differences = changes(&current.assessment, &row.assessment);
                refuse(
                    &field_list(&differences),
                    format!(
                        "{} already has {} (version {}, from {}, recorded {} by {}) and this row \
                         changes it ({}): give --amend to store the change as version {} (version {} is kept)",
                        row.record_id,
                        match review {
                            Review::First => "an assessment",
                            Review::Second => "a second review",
                        },
                        current.version,
                        current.source,
                        current.recorded_at,
                        current.recorded_by,
                        describe_changes(&differences),
                        current.version + 1,
                        current.version
                    ),
                );
                continue;
            }
        };
        planned.push(Planned {
            row: index,
            draw_id: draw.draw_id,
            review,
            action,
        });
    }
    for (at, more) in no_draw.into_values() {
        if more > 0 {
            problems[at].reason.push_str(&format!(
                " ({more} more row(s) of this file name the same month)"
            ));
        }
    }
    (planned, problems)
}

/// Whether an empty row is a search still to assess (`true`), or a reserve
/// not in use or a search substituted away (`false`). A row the draw does
/// not know counts as still to assess: nothing is hidden.
pub fn awaits_assessment(
    draws: &HashMap<String, DrawTargets>,
    month: &str,
    record_id: &str,
) -> bool {
    draws
        .get(month)
        .and_then(|d| d.targets.get(record_id))
        .is_none_or(|t| t.state == TargetState::Active)
}

fn field_list(changes: &[super::fields::Change]) -> String {
    changes
        .iter()
        .map(|c| c.field.name())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    const HEADER: &str = "record_id,role,position,champion,month,Date,export:Notes,grounds,bwv,gowisely,conduct,themes,referral,notes,reviewer,reviewed_on";

    #[test]
    fn a_spreadsheet_round_trip_reads_the_same() {
        let plain = format!(
            "{HEADER}\nh1-1,sample,1,PS Ada,2019-01,2019-01-01,x,reasonable,reviewed,yes,good,,none,,Ada,2026-11-03\n\
             h2-1,sample,2,PS Ada,2019-01,2019-01-02,y,,,,,,,,,\n"
        );
        let saved = "\u{feff}\"month\";\"record_id\";extra;champion;reviewed_on;reviewer;referral;notes;themes;conduct;gowisely;bwv;grounds\r\n\
             '2019-01;'h1-1;z;\"PS Ada\";03/11/2026;Ada;None;;;Good;Yes;Reviewed;Reasonable\r\n\
             2019-01;h2-1;;PS Ada;;;;;;;;;\r\n\r\n";
        let a = parse_worksheet("a.csv", plain.as_bytes(), today());
        let b = parse_worksheet("b.csv", saved.as_bytes(), today());
        assert!(
            a.problems.is_empty() && b.problems.is_empty(),
            "{:?}",
            b.problems
        );
        assert_eq!((a.rows.len(), a.empty.len()), (1, 1));
        assert_eq!(
            b.empty,
            [(
                "2019-01".to_string(),
                "h2-1".to_string(),
                "PS Ada".to_string()
            )]
        );
        assert_eq!(a.rows[0].assessment, b.rows[0].assessment);
        assert_eq!(b.rows[0].record_id, "h1-1");
        assert_eq!(b.rows[0].month, "2019-01");
        assert_eq!(b.rows[0].line, 2);
    }

    #[test]
    fn problems_name_line_and_column() {
        let text = format!(
            "{HEADER}\nh1-1,sample,1,A,2019-01,d,\"multi\nline\",reasonable,reviewed,yes,good,,none,,A,2026-11-03\n\
             h2-1,sample,2,A,2019-01,d,,perhaps,reviewed,yes,good,,none,,A,2026-11-03\n\
             h3-1,sample,3,A,2019-01,d,,reasonable,,,,,,,,\n"
        );
        let sheet = parse_worksheet("w.csv", text.as_bytes(), today());
        assert_eq!(sheet.rows.len(), 1);
        let shown: Vec<String> = sheet.problems.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert!(shown[0].starts_with("w.csv, line 4, column grounds: \"perhaps\""));
        assert!(shown[1].starts_with(
            "w.csv, line 5, column bwv, gowisely, conduct, referral, reviewer, reviewed_on: missing"
        ));
    }

    #[test]
    fn months_a_spreadsheet_made_into_dates() {
        for text in ["2019-01", "Jan-19", "jan-2019", "01/01/2019", "2019-01-01"] {
            assert_eq!(worksheet_month(text), "2019-01", "{text}");
        }
        assert_eq!(worksheet_month("15/01/2019"), "15/01/2019");
        assert_eq!(worksheet_month("January"), "January");
    }

    #[test]
    fn a_file_that_is_not_a_worksheet_is_one_problem() {
        let sheet = parse_worksheet("x.csv", b"Type,Date\nPerson search,2019-01-01\n", today());
        assert_eq!(sheet.problems.len(), 1);
        assert_eq!(sheet.problems[0].line, Some(1));
        assert!(sheet.problems[0]
            .column
            .as_deref()
            .unwrap()
            .starts_with("record_id, champion, month, grounds"));
    }
}
