//! Reading a filled workbook (.xlsx or .ods, from any spreadsheet program)
//! as rows of cell text, the same text a CSV worksheet would hold.

use std::collections::HashMap;
use std::path::Path;

use calamine::{open_workbook_auto, Data, ExcelDateTime, ExcelDateTimeType, Reader};
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

use super::{WorkbookError, WORKSHEET_SHEET};
use crate::assess::fields::REQUIRED;
use crate::assess::worksheet::{ASSESSMENT_COLUMNS, IDENTITY_COLUMNS};
use crate::spreadsheet::formula_safe;

/// Columns whose numbers are dates: a spreadsheet may keep a typed date as
/// its serial number without a date format.
const DATE_COLUMNS: [&str; 2] = ["reviewed_on", "month"];

/// The worksheet sheet of a workbook, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadSheet {
    pub file: String,
    pub sheet: String,
    /// The header row's cells, as written (trailing empty cells dropped).
    pub header: Vec<String>,
    /// The 1-based sheet column of each header cell.
    pub columns: Vec<u32>,
    /// The 1-based sheet row of the header.
    pub header_row: u32,
    /// The rows below the header that hold anything, in sheet order.
    pub rows: Vec<ReadRow>,
}

/// One non-blank row: a cell's text for each header column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadRow {
    /// The 1-based sheet row, as the spreadsheet numbers it.
    pub row: u32,
    pub cells: Vec<String>,
}

impl ReadSheet {
    /// The index of a header column (trimmed, any case). A workbook cell
    /// holds its text without a formula guard, so a leading `'` is part of
    /// the name: an export column `'notes` is not our `notes`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    }

    /// A row's text in the named column, "" when there is no such column.
    pub fn cell<'a>(&self, row: &'a ReadRow, name: &str) -> &'a str {
        self.index_of(name)
            .and_then(|i| row.cells.get(i))
            .map_or("", String::as_str)
    }

    /// The A1 name of a row's cell in the `index`th header column (`D12`).
    pub fn cell_name(&self, row: &ReadRow, index: usize) -> String {
        let column = self.columns.get(index).copied().unwrap_or(1);
        format!("{}{}", column_letter(column), row.row)
    }

    /// The sheet as CSV text that `import::parse_worksheet` reads like a
    /// worksheet saved by a spreadsheet: each row on the line of its sheet
    /// row (blank lines fill the gaps, and CSV readers skip them), so the
    /// import's "line N" is the spreadsheet's row N. Every cell is guarded
    /// as a CSV worksheet's cells are, because the import strips one leading
    /// `'`: text that starts with `'` in the workbook comes back whole.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut line = 1;
        let mut put = |row: u32, cells: &[String], out: &mut Vec<u8>| {
            while line < row {
                out.push(b'\n');
                line += 1;
            }
            let mut writer = csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(Vec::new());
            // Writing to memory cannot fail; an empty record would be a blank line.
            let _ = writer.write_record(cells.iter().map(|c| formula_safe(c).into_owned()));
            let bytes = writer.into_inner().unwrap_or_default();
            line += bytes.iter().filter(|&&b| b == b'\n').count() as u32;
            out.extend(bytes);
        };
        put(self.header_row, &self.header, &mut out);
        for row in &self.rows {
            put(row.row, &row.cells, &mut out);
        }
        out
    }
}

/// The spreadsheet's letters for a 1-based column: 1 is A, 27 is AA.
pub fn column_letter(column: u32) -> String {
    let mut n = column.max(1);
    let mut letters = Vec::new();
    while n > 0 {
        let rest = (n - 1) % 26;
        letters.push(b'A' + rest as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// Reads the worksheet sheet of `path`: the sheet named "Worksheet", else the
/// first whose first row has a `record_id` column. Other sheets are ignored.
pub fn read_workbook(path: &Path) -> Result<ReadSheet, WorkbookError> {
    let file = path.display().to_string();
    let mut workbook = open_workbook_auto(path).map_err(|err| WorkbookError::Open {
        path: file.clone(),
        reason: err.to_string(),
    })?;
    let names = workbook.sheet_names();
    let mut ordered: Vec<&String> = names
        .iter()
        .filter(|n| n.eq_ignore_ascii_case(WORKSHEET_SHEET))
        .collect();
    ordered.extend(
        names
            .iter()
            .filter(|n| !n.eq_ignore_ascii_case(WORKSHEET_SHEET)),
    );
    for name in ordered {
        let range = workbook
            .worksheet_range(name)
            .map_err(|err| WorkbookError::Open {
                path: file.clone(),
                reason: format!("sheet {name:?}: {err}"),
            })?;
        let by_name = name.eq_ignore_ascii_case(WORKSHEET_SHEET);
        if let Some(sheet) = sheet_text(&file, name, &range, by_name)? {
            return Ok(sheet);
        }
    }
    Err(WorkbookError::NoWorksheet {
        path: file,
        sheets: names
            .iter()
            .map(|n| format!("{n:?}"))
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// The sheet as text, or `None` when it does not look like a worksheet and
/// was not asked for by name.
fn sheet_text(
    file: &str,
    name: &str,
    range: &calamine::Range<Data>,
    by_name: bool,
) -> Result<Option<ReadSheet>, WorkbookError> {
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let mut rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| (first_row + i as u32 + 1, cells));
    let Some((header_row, header_cells)) = rows.find(|(_, cells)| cells.iter().any(|c| !blank(c)))
    else {
        return missing(
            file,
            name,
            by_name,
            "record_id, champion, month".to_string(),
        );
    };
    let mut header: Vec<String> = header_cells.iter().map(|c| cell_text(c, false)).collect();
    while header.last().is_some_and(|h| h.trim().is_empty()) {
        header.pop();
    }
    let wanted: Vec<&str> = IDENTITY_COLUMNS
        .iter()
        .chain(ASSESSMENT_COLUMNS.iter())
        .copied()
        .collect();
    let mut found: HashMap<&str, usize> = HashMap::new();
    let columns: Vec<u32> = (0..header.len())
        .map(|i| first_col + i as u32 + 1)
        .collect();
    for (index, text) in header.iter().enumerate() {
        let key = text.trim().to_lowercase();
        let Some(&ours) = wanted.iter().find(|w| **w == key) else {
            continue;
        };
        if let Some(first) = found.insert(ours, index) {
            return Err(WorkbookError::DuplicateColumn {
                path: file.to_string(),
                sheet: name.to_string(),
                column: ours.to_string(),
                first: format!("{}{header_row}", column_letter(columns[first])),
                second: format!("{}{header_row}", column_letter(columns[index])),
            });
        }
    }
    if !found.contains_key("record_id") && !by_name {
        return Ok(None);
    }
    let lacking: Vec<&str> = ["record_id", "champion", "month"]
        .into_iter()
        .chain(REQUIRED)
        .filter(|c| !found.contains_key(c))
        .collect();
    if !lacking.is_empty() {
        return missing(file, name, true, lacking.join(", "));
    }
    let as_date: Vec<bool> = header
        .iter()
        .map(|h| {
            DATE_COLUMNS
                .iter()
                .any(|d| h.trim().eq_ignore_ascii_case(d))
        })
        .collect();
    let rows = rows
        .filter(|(_, cells)| cells.iter().take(header.len()).any(|c| !blank(c)))
        .map(|(row, cells)| ReadRow {
            row,
            cells: (0..header.len())
                .map(|i| {
                    cells
                        .get(i)
                        .map_or_else(String::new, |c| cell_text(c, as_date[i]))
                })
                .collect(),
        })
        .collect();
    Ok(Some(ReadSheet {
        file: file.to_string(),
        sheet: name.to_string(),
        header,
        columns,
        header_row,
        rows,
    }))
}

fn missing(
    file: &str,
    sheet: &str,
    report: bool,
    columns: String,
) -> Result<Option<ReadSheet>, WorkbookError> {
    if !report {
        return Ok(None);
    }
    Err(WorkbookError::MissingColumns {
        path: file.to_string(),
        sheet: sheet.to_string(),
        missing: columns,
    })
}

/// Empty, or only spaces.
fn blank(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(text) => text.trim().is_empty(),
        _ => false,
    }
}

/// A cell as the text a CSV worksheet would hold. Dates (and, in date
/// columns, numbers) become `dd/mm/yyyy`, with ` hh:mm:ss` when they carry a
/// time; numbers their plain decimal text (`3`, not `3.0`).
pub(super) fn cell_text(cell: &Data, date_column: bool) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) => text.clone(),
        Data::Bool(true) => "TRUE".to_string(),
        Data::Bool(false) => "FALSE".to_string(),
        Data::Error(err) => err.to_string(),
        Data::DurationIso(text) => text.clone(),
        Data::DateTimeIso(text) => iso_text(text),
        Data::DateTime(date) if date.is_datetime() => serial_text(date),
        Data::DateTime(duration) => number_text(duration.as_f64()),
        Data::Int(n) if date_column => serial_number_text(*n as f64),
        Data::Int(n) => n.to_string(),
        Data::Float(x) if date_column => serial_number_text(*x),
        Data::Float(x) => number_text(*x),
    }
}

/// `3` for 3.0, `-0.08776` for -0.08776: the shortest text that reads back
/// as the same number, never in exponent form.
pub(super) fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// A plain number in a date column: a serial date when it is one (1900
/// system, 1901 to 9999), else the number.
fn serial_number_text(x: f64) -> String {
    if (367.0..2_958_466.0).contains(&x) {
        serial_text(&ExcelDateTime::new(x, ExcelDateTimeType::DateTime, false))
    } else {
        number_text(x)
    }
}

fn serial_text(date: &ExcelDateTime) -> String {
    let (year, month, day, hour, minute, second, milli) = date.to_ymd_hms_milli();
    let at = NaiveDate::from_ymd_opt(year.into(), month.into(), day.into())
        .and_then(|d| d.and_hms_opt(hour.into(), minute.into(), second.into()));
    match at {
        // A time saved as a fraction of a day can come back a hair short.
        Some(at) if milli >= 500 => date_time_text(at + TimeDelta::seconds(1)),
        Some(at) => date_time_text(at),
        None => number_text(date.as_f64()),
    }
}

/// ODS keeps dates as ISO text: `2026-11-03` or `2026-11-03T10:15:00`.
fn iso_text(text: &str) -> String {
    let parsed = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").or_else(|_| {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").map(|d| d.and_time(chrono::NaiveTime::MIN))
    });
    parsed.map_or_else(|_| text.to_string(), date_time_text)
}

fn date_time_text(at: NaiveDateTime) -> String {
    if at.time() == chrono::NaiveTime::MIN {
        at.format("%d/%m/%Y").to_string()
    } else {
        at.format("%d/%m/%Y %H:%M:%S").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        let letters: Vec<String> = [1, 2, 26, 27, 28, 52, 53, 702, 703]
            .map(column_letter)
            .into();
        assert_eq!(
            letters,
            ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]
        );
    }

    #[test]
    fn cells_become_the_text_a_csv_would_hold() {
        assert_eq!(number_text(3.0), "3");
        assert_eq!(number_text(-0.08776), "-0.08776");
        assert_eq!(number_text(51.517149), "51.517149");
        assert_eq!(number_text(1e-7), "0.0000001");
        assert_eq!(cell_text(&Data::Int(-4), false), "-4");
        assert_eq!(cell_text(&Data::Bool(true), false), "TRUE");
        assert_eq!(cell_text(&Data::String("=x".into()), false), "=x");
        // 45599 is 2024-11-03 in the 1900 system; 45599.5 is noon.
        let date = ExcelDateTime::new(45599.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(date), false), "03/11/2024");
        let noon = ExcelDateTime::new(45599.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(
            cell_text(&Data::DateTime(noon), false),
            "03/11/2024 12:00:00"
        );
        // 00:54:42 stored as a fraction of a day, a hair short.
        let short = 43373.0 + (54.0 * 60.0 + 42.0) / 86400.0 - 1e-9;
        let short = ExcelDateTime::new(short, ExcelDateTimeType::DateTime, false);
        assert_eq!(
            cell_text(&Data::DateTime(short), false),
            "30/09/2018 00:54:42"
        );
        // The same day in the 1904 system, as old Mac workbooks count.
        let mac = ExcelDateTime::new(45599.0 - 1462.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(cell_text(&Data::DateTime(mac), false), "03/11/2024");
        // A date kept as a plain number: a date only in a date column.
        assert_eq!(cell_text(&Data::Float(45599.0), true), "03/11/2024");
        assert_eq!(cell_text(&Data::Float(45599.0), false), "45599");
        assert_eq!(cell_text(&Data::Float(12.0), true), "12");
        assert_eq!(
            cell_text(&Data::DateTimeIso("2026-11-03".into()), false),
            "03/11/2026"
        );
        assert_eq!(
            cell_text(&Data::DateTimeIso("2018-09-30T00:54:42".into()), false),
            "30/09/2018 00:54:42"
        );
    }

    #[test]
    fn as_csv_the_import_names_the_sheet_row() {
        let header: Vec<String> = crate::assess::worksheet::header(&["Type".to_string()]);
        let mut filled = vec![String::new(); header.len()];
        let set = |cells: &mut Vec<String>, name: &str, value: &str| {
            let at = header.iter().position(|h| h == name).unwrap();
            cells[at] = value.to_string();
        };
        for (name, value) in [
            ("record_id", "h1-1"),
            ("champion", "PC Ben Hartley"),
            ("month", "2018-10"),
            ("Type", "Person search"),
            ("grounds", "reasonable"),
            ("bwv", "reviewed"),
            ("gowisely", "yes"),
            ("conduct", "good"),
            ("referral", "none"),
            ("notes", "two\nlines, \"quoted\""),
            ("reviewer", "PC Ben Hartley"),
            ("reviewed_on", "03/11/2018"),
        ] {
            set(&mut filled, name, value);
        }
        let mut wrong = filled.clone();
        set(&mut wrong, "record_id", "h2-1");
        set(&mut wrong, "grounds", "perhaps");
        let sheet = ReadSheet {
            file: "w.xlsx".to_string(),
            sheet: "Worksheet".to_string(),
            columns: (1..=header.len() as u32).collect(),
            header,
            header_row: 1,
            rows: vec![
                ReadRow {
                    row: 2,
                    cells: filled,
                },
                ReadRow {
                    row: 7,
                    cells: wrong,
                },
            ],
        };
        let parsed = crate::assess::import::parse_worksheet(
            &sheet.file,
            &sheet.to_csv(),
            NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(),
        );
        assert_eq!(parsed.rows.len(), 1);
        assert_eq!(parsed.rows[0].line, 2);
        assert_eq!(parsed.rows[0].assessment.notes, "two\nlines, \"quoted\"");
        assert_eq!(parsed.problems.len(), 1, "{:?}", parsed.problems);
        assert_eq!(
            (
                parsed.problems[0].line,
                parsed.problems[0].column.as_deref()
            ),
            (Some(7), Some("grounds"))
        );
    }

    #[test]
    fn dates_read_back_parse_as_review_dates() {
        let date = ExcelDateTime::new(45599.0, ExcelDateTimeType::DateTime, false);
        let text = cell_text(&Data::DateTime(date), true);
        assert_eq!(
            crate::assess::model::parse_review_date(&text).unwrap(),
            NaiveDate::from_ymd_opt(2024, 11, 3).unwrap()
        );
    }
}
