//! Writing a champion's workbook with rust_xlsxwriter.
//!
//! Every value from the export (and the record id and champion's name) is
//! written as a string cell. An .xlsx string cell is never evaluated, so
//! `=HYPERLINK(...)` in an export field stays text without the leading `'`
//! the CSV worksheet needs, and `-0.087760` keeps its trailing zero.

use std::path::Path;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, ExcelDateTime, Format, FormatAlign, FormatBorder,
    Note, ProtectionOptions, Workbook, Worksheet, XlsxError,
};

use super::{
    search_times, searched_local_header, vocabulary, WorkbookContent, WorkbookError,
    FOOTAGE_DELETED_AFTER, FREE_COLUMNS, GUIDE_SHEET, SEARCHED_UTC, WORKSHEET_SHEET,
};
use crate::assess::worksheet::{self, ASSESSMENT_COLUMNS, IDENTITY_COLUMNS};

/// The note on the grounds cell of a search made under a power that needs
/// no suspicion.
pub const NO_SUSPICION_NOTE: &str = "Made under a power that needs no suspicion (section 60, \
     section 47A): there are no grounds to judge, so give not_required. Conduct, body-worn video \
     and GOWISELY are still reviewed and counted.";

/// Where a column's cells come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    RecordId,
    Role,
    Position,
    /// A column the champion fills in.
    Assessment(&'static str),
    SearchedLocal,
    SearchedUtc,
    FootageDeletedAfter,
    Champion,
    Month,
    /// The export's column at this index.
    Export(usize),
}

/// The workbook's columns, in order: what identifies the row, what the
/// champion fills in, when the search was and until when its footage is
/// kept, then everything else.
fn columns(content: &WorkbookContent) -> Vec<(String, Source)> {
    let mut columns = vec![
        ("record_id".to_string(), Source::RecordId),
        ("role".to_string(), Source::Role),
        ("position".to_string(), Source::Position),
    ];
    columns.extend(
        ASSESSMENT_COLUMNS
            .iter()
            .map(|c| (c.to_string(), Source::Assessment(c))),
    );
    let local = searched_local_header(content.timezone);
    columns.push((local.clone(), Source::SearchedLocal));
    columns.push((SEARCHED_UTC.to_string(), Source::SearchedUtc));
    columns.push((
        FOOTAGE_DELETED_AFTER.to_string(),
        Source::FootageDeletedAfter,
    ));
    columns.push(("champion".to_string(), Source::Champion));
    columns.push(("month".to_string(), Source::Month));
    // The CSV worksheet's names for the export's columns (`export:NAME` on a
    // clash with ours), and the same for a clash with the helper columns.
    let csv_header = worksheet::header(&content.export_header);
    let export_names =
        &csv_header[IDENTITY_COLUMNS.len()..csv_header.len() - ASSESSMENT_COLUMNS.len()];
    for (index, name) in export_names.iter().enumerate() {
        let clashes = [local.as_str(), SEARCHED_UTC, FOOTAGE_DELETED_AFTER]
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name.trim()));
        let name = if clashes {
            format!("export:{name}")
        } else {
            name.clone()
        };
        columns.push((name, Source::Export(index)));
    }
    columns
}

/// The headers `write_workbook` gives `content`, in order.
pub fn workbook_header(content: &WorkbookContent) -> Vec<String> {
    columns(content).into_iter().map(|(name, _)| name).collect()
}

/// Writes one champion's workbook to `path` (replacing any file there).
pub fn write_workbook(path: &Path, content: &WorkbookContent) -> Result<(), WorkbookError> {
    let mut workbook = Workbook::new();
    let built = write_worksheet(workbook.add_worksheet(), content)
        .and_then(|_| write_guide(workbook.add_worksheet(), content))
        .and_then(|_| workbook.save(path));
    built.map_err(|source| WorkbookError::Write {
        path: path.display().to_string(),
        source,
    })
}

struct Formats {
    header: Format,
    fill_header: Format,
    locked: Format,
    fill: Format,
    fill_date: Format,
    date_time: Format,
    date: Format,
}

impl Formats {
    fn new() -> Self {
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_background_color(Color::RGB(0xD9D9D9))
            .set_border(FormatBorder::Thin);
        // Yellow marks where to type: the cells that are not protected.
        let fill = Format::new()
            .set_unlocked()
            .set_background_color(Color::RGB(0xFFF2CC))
            .set_border(FormatBorder::Thin);
        Self {
            fill_header: header.clone().set_background_color(Color::RGB(0xFFD966)),
            header,
            locked: Format::new(),
            fill_date: fill.clone().set_num_format("dd/mm/yyyy"),
            fill,
            date_time: Format::new().set_num_format("dd/mm/yyyy hh:mm:ss"),
            date: Format::new().set_num_format("dd/mm/yyyy"),
        }
    }
}

fn excel_date(date: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let year =
        u16::try_from(date.year()).map_err(|_| XlsxError::DateTimeRangeError(date.to_string()))?;
    ExcelDateTime::from_ymd(year, date.month() as u8, date.day() as u8)
}

/// A cell a champion fills in: blank, or an answer already given (a date
/// cell for `reviewed_on` when it reads as one).
fn write_answer(
    sheet: &mut Worksheet,
    r: u32,
    c: u16,
    answer: Option<&str>,
    column: &str,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let format = if column == "reviewed_on" {
        &formats.fill_date
    } else {
        &formats.fill
    };
    match answer.filter(|a| !a.is_empty()) {
        None => sheet.write_blank(r, c, format).map(drop),
        Some(text) if column == "reviewed_on" => {
            match crate::assess::model::parse_review_date(text) {
                Ok(date) => sheet
                    .write_datetime_with_format(r, c, excel_date(date)?, format)
                    .map(drop),
                Err(_) => sheet.write_string_with_format(r, c, text, format).map(drop),
            }
        }
        Some(text) => sheet.write_string_with_format(r, c, text, format).map(drop),
    }
}

fn excel_date_time(at: NaiveDateTime) -> Result<ExcelDateTime, XlsxError> {
    excel_date(at.date())?.and_hms(at.hour() as u16, at.minute() as u8, at.second())
}

fn write_worksheet(sheet: &mut Worksheet, content: &WorkbookContent) -> Result<(), XlsxError> {
    sheet.set_name(WORKSHEET_SHEET)?;
    let formats = Formats::new();
    let columns = columns(content);
    let mut widths: Vec<usize> = columns
        .iter()
        .map(|(name, _)| name.chars().count())
        .collect();
    for (col, (name, source)) in columns.iter().enumerate() {
        let format = match source {
            Source::Assessment(_) => &formats.fill_header,
            _ => &formats.header,
        };
        sheet.write_string_with_format(0, col as u16, name, format)?;
    }
    for (index, row) in content.rows.iter().enumerate() {
        let r = index as u32 + 1;
        let times = row
            .searched_at
            .map(|at| search_times(at, content.timezone, content.retention_days));
        for (col, (_, source)) in columns.iter().enumerate() {
            let c = col as u16;
            let text = match source {
                Source::RecordId => Some(row.record_id.as_str()),
                Source::Role => Some(row.role.as_str()),
                Source::Champion => Some(content.champion.as_str()),
                Source::Export(i) => Some(row.fields.get(*i).map_or("", String::as_str)),
                _ => None,
            };
            if let Some(text) = text {
                sheet.write_string_with_format(r, c, text, &formats.locked)?;
                widths[col] = widths[col].max(text.chars().count());
                continue;
            }
            match (source, times) {
                (Source::Position, _) => {
                    sheet.write_number_with_format(r, c, row.position as f64, &formats.locked)?;
                }
                (Source::Month, _) => {
                    // Text, not a date: `2019-01` must come back as `2019-01`.
                    sheet.write_string_with_format(
                        r,
                        c,
                        content.month.to_string(),
                        &formats.locked,
                    )?;
                }
                (Source::Assessment(column), _) => {
                    write_answer(sheet, r, c, row.answer(column), column, &formats)?;
                    if *column == "grounds" && row.no_suspicion {
                        sheet.insert_note(
                            r,
                            c,
                            &Note::new(NO_SUSPICION_NOTE).set_author("grounds"),
                        )?;
                    }
                }
                (Source::SearchedLocal, Some(t)) if t.has_time => {
                    sheet.write_datetime_with_format(
                        r,
                        c,
                        excel_date_time(t.local)?,
                        &formats.date_time,
                    )?;
                }
                (Source::SearchedLocal, Some(t)) => {
                    sheet.write_datetime_with_format(
                        r,
                        c,
                        excel_date(t.local.date())?,
                        &formats.date,
                    )?;
                }
                (Source::SearchedUtc, Some(t)) => {
                    if let Some(utc) = t.utc {
                        sheet.write_datetime_with_format(
                            r,
                            c,
                            excel_date_time(utc)?,
                            &formats.date_time,
                        )?;
                    }
                }
                (Source::FootageDeletedAfter, Some(t)) => {
                    sheet.write_datetime_with_format(
                        r,
                        c,
                        excel_date(t.footage_deleted_after)?,
                        &formats.date,
                    )?;
                }
                _ => {}
            }
        }
    }
    for (col, (_, source)) in columns.iter().enumerate() {
        let width = match source {
            Source::Assessment("notes") => 40,
            Source::Assessment("themes") => 28,
            Source::Assessment("reviewer") => 20,
            Source::Assessment("reviewed_on") => 12,
            Source::Assessment(name) => {
                vocabulary(name)
                    .and_then(|v| v.values.iter().map(|s| s.len()).max())
                    .unwrap_or(12)
                    .max(name.len())
                    + 3
            }
            Source::SearchedLocal | Source::SearchedUtc => 19,
            Source::FootageDeletedAfter => 12,
            _ => widths[col].clamp(8, 40) + 2,
        };
        sheet.set_column_width(col as u16, width as f64)?;
    }
    let last_row = content.rows.len() as u32;
    let last_col = columns.len().saturating_sub(1) as u16;
    if last_row >= 1 {
        add_validations(sheet, content, &columns, last_row)?;
        sheet.autofilter(0, 0, last_row, last_col)?;
    }
    sheet.set_row_height(0, 30)?;
    sheet.set_freeze_panes(1, 1)?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_repeat_rows(0, 0)?;
    // A printout is for reviewing on paper: what to fill in and when the
    // search was, one page wide. The export's columns stay on screen.
    if let Some(last_printed) = columns
        .iter()
        .position(|(_, source)| *source == Source::FootageDeletedAfter)
    {
        sheet.set_print_area(0, 0, last_row.max(1), last_printed as u16)?;
        sheet.set_print_fit_to_pages(1, 0);
    }
    // No password: this guards against slips, not against anyone; columns
    // can still be widened and rows filtered.
    let options = ProtectionOptions {
        format_columns: true,
        format_rows: true,
        use_autofilter: true,
        ..ProtectionOptions::default()
    };
    sheet.protect_with_options(&options);
    Ok(())
}

/// A drop-down on every fixed-vocabulary column, a date check on
/// `reviewed_on`, for the data rows. Blank stays allowed: a search not yet
/// assessed is a row left empty.
fn add_validations(
    sheet: &mut Worksheet,
    content: &WorkbookContent,
    columns: &[(String, Source)],
    last_row: u32,
) -> Result<(), XlsxError> {
    for (col, (_, source)) in columns.iter().enumerate() {
        let Source::Assessment(name) = source else {
            continue;
        };
        let c = col as u16;
        if let Some(vocabulary) = vocabulary(name) {
            let allowed = vocabulary.values.join(", ");
            let validation = DataValidation::new()
                .allow_list_strings(vocabulary.values)?
                .set_input_title(*name)?
                .set_input_message(format!("{}\nOne of: {allowed}", vocabulary.meaning))?
                .set_error_title(format!("Not a {name} value"))?
                .set_error_message(format!("Choose one of: {allowed}"))?;
            sheet.add_data_validation(1, c, last_row, c, &validation)?;
        } else if *name == "reviewed_on" {
            let first_day = excel_date(content.month.first_day())?;
            let validation = DataValidation::new()
                .allow_date(DataValidationRule::GreaterThanOrEqualTo(first_day))
                .set_input_title("reviewed_on")?
                .set_input_message("The day you reviewed the search, e.g. 03/11/2026")?
                .set_error_title("Not a review date")?
                .set_error_message(format!(
                    "Type a date such as 03/11/2026, not before {} (the month drawn)",
                    content.month.first_day().format("%d/%m/%Y")
                ))?;
            sheet.add_data_validation(1, c, last_row, c, &validation)?;
        }
    }
    Ok(())
}

/// Guide column widths, in characters.
const ALLOWED_WIDTH: usize = 48;
const MEANING_WIDTH: usize = 72;

/// The guide: every column, what it allows, what it means.
fn write_guide(sheet: &mut Worksheet, content: &WorkbookContent) -> Result<(), XlsxError> {
    sheet.set_name(GUIDE_SHEET)?;
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xD9D9D9))
        .set_border(FormatBorder::Thin);
    // Top-aligned: a wrapped neighbour makes a row tall.
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let intro = format!(
        "{} · {} · Fill in the yellow columns of the {WORKSHEET_SHEET} sheet (one row per search), \
         save, and hand the file back for `grounds import`. Leave a row empty until you review it. \
         Reserves (role reserve) are reviewed only when the coordinator brings one in. \
         Rows with role second are other champions' searches for you to review blind, on your own judgement.",
        content.champion, content.month
    );
    sheet.merge_range(0, 0, 0, 2, &intro, &wrap)?;
    sheet.set_row_height(0, 48)?;
    for (col, title) in ["column", "allowed values", "what it means"]
        .iter()
        .enumerate()
    {
        sheet.write_string_with_format(2, col as u16, *title, &header)?;
    }
    let local = searched_local_header(content.timezone);
    let retention = format!(
        "The last day the body-worn video is kept: the search's local date + {} days. Review before it.",
        content.retention_days
    );
    let mut lines: Vec<(String, String, String)> = vec![
        line("record_id", "(filled in)", "The search's id in this draw"),
        line(
            "role",
            "sample, reserve, second",
            "sample: review it; reserve: only when the coordinator substitutes it in; \
             second: another champion's search, for you to review blind (their answers are not shown)",
        ),
        line(
            "position",
            "(filled in)",
            "Order within the role: reserves are used in this order",
        ),
    ];
    for column in ASSESSMENT_COLUMNS {
        if let Some(v) = vocabulary(column) {
            lines.push(line(column, &v.values.join(", "), v.meaning));
        } else if let Some((_, allowed, meaning)) = FREE_COLUMNS.iter().find(|f| f.0 == column) {
            lines.push(line(column, allowed, meaning));
        }
    }
    lines.extend([
        line(
            &local,
            "(filled in)",
            &format!(
                "When the search happened, local time in {}",
                content.timezone.name()
            ),
        ),
        line(
            SEARCHED_UTC,
            "(filled in)",
            "The same moment in UTC, as the export gives it",
        ),
        line(FOOTAGE_DELETED_AFTER, "(filled in)", &retention),
        line("champion", "(filled in)", "Whose worksheet this is"),
        line("month", "(filled in)", "The month drawn, YYYY-MM"),
        line(
            "the export's columns",
            "(filled in)",
            "The search as the force's export records it",
        ),
    ]);
    for (index, (column, allowed, meaning)) in lines.iter().enumerate() {
        let r = index as u32 + 3;
        sheet.write_string_with_format(r, 0, column, &wrap)?;
        sheet.write_string_with_format(r, 1, allowed, &wrap)?;
        sheet.write_string_with_format(r, 2, meaning, &wrap)?;
        // Wrapped rows keep the default height unless told: estimate the lines.
        let lines = (allowed.chars().count().div_ceil(ALLOWED_WIDTH))
            .max(meaning.chars().count().div_ceil(MEANING_WIDTH))
            .max(1);
        sheet.set_row_height(r, 15 * lines as u32)?;
    }
    sheet.set_column_width(0, 26)?;
    sheet.set_column_width(1, ALLOWED_WIDTH as f64)?;
    sheet.set_column_width(2, MEANING_WIDTH as f64)?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    Ok(())
}

fn line(column: &str, allowed: &str, meaning: &str) -> (String, String, String) {
    (column.to_string(), allowed.to_string(), meaning.to_string())
}
