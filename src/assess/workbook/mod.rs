//! Worksheets as spreadsheet workbooks: one .xlsx per champion, written with
//! drop-down lists, London times and footage deadlines ([`write_workbook`]),
//! and read back from .xlsx or .ods whatever program saved them last
//! ([`read_workbook`]) as rows of cell text the CSV import already reads.
//!
//! The column set is the CSV worksheet's (`record_id`, `role`, `position`,
//! `champion`, `month`, the export's columns, the assessment columns), plus
//! three read-only helper columns; only the order differs: what a champion
//! fills in comes first.

mod read;
mod write;

use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::export::{NaiveDates, Stamp, YearMonth};

pub use read::{column_letter, read_workbook, ReadRow, ReadSheet};
pub use write::{workbook_header, write_workbook};

/// The sheet champions fill in; found by this name when reading.
pub const WORKSHEET_SHEET: &str = "Worksheet";
/// The second sheet: every column, its allowed values and what they mean.
pub const GUIDE_SHEET: &str = "How to fill this in";
/// How long forces commonly keep body-worn video that is not retained as evidence.
pub const DEFAULT_RETENTION_DAYS: u32 = 31;

/// Headers of the helper columns (read-only; import ignores them).
pub const SEARCHED_UTC: &str = "searched (UTC)";
pub const FOOTAGE_DELETED_AFTER: &str = "footage deleted after";

/// The local-time header names the zone: `searched (Europe/London)`.
pub fn searched_local_header(zone: Tz) -> String {
    format!("searched ({})", zone.name())
}

/// Everything one champion's workbook shows: plain data, no I/O.
#[derive(Debug, Clone)]
pub struct WorkbookContent {
    pub champion: String,
    pub month: YearMonth,
    /// The review's time zone: search times are shown in it.
    pub timezone: Tz,
    /// Days after the search's (local) date that its footage is deleted.
    pub retention_days: u32,
    pub export_header: Vec<String>,
    pub rows: Vec<WorkbookRow>,
}

/// One sampled or reserve search.
#[derive(Debug, Clone)]
pub struct WorkbookRow {
    pub record_id: String,
    /// `sample`, `reserve`, or `second` (a blind second review).
    pub role: String,
    /// 1-based position within the role.
    pub position: usize,
    /// When the search happened; `None` leaves the time and deadline cells blank.
    pub searched_at: Option<SearchedAt>,
    /// The export's fields, in `export_header` order.
    pub fields: Vec<String>,
    /// Made under a power that needs no suspicion (section 60, 47A, or one
    /// the mapping lists): its grounds cell carries a note saying
    /// `not_required` is the verdict for it.
    pub no_suspicion: bool,
    /// Answers already given, in `ASSESSMENT_COLUMNS` order (`grounds demo`
    /// fills workbooks so); empty for a blank row.
    pub answers: Vec<String>,
}

impl WorkbookRow {
    /// The answer given for an assessment column, if any.
    pub fn answer(&self, column: &str) -> Option<&str> {
        crate::assess::worksheet::ASSESSMENT_COLUMNS
            .iter()
            .position(|c| *c == column)
            .and_then(|i| self.answers.get(i))
            .map(String::as_str)
    }
}

/// When a search happened, as precisely as the export says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchedAt {
    /// An instant: the export gave a UTC offset (data.police.uk does).
    Instant(DateTime<Utc>),
    /// A wall-clock time in the review's zone (force exports without offsets).
    LocalTime(NaiveDateTime),
    /// Only the local date is known.
    LocalDate(NaiveDate),
}

impl SearchedAt {
    /// From a timestamp the export reader parsed (`export::parse_iso`,
    /// `export::month::parse_with_format`). A [`Stamp::Local`] carries only
    /// its date; give [`SearchedAt::LocalTime`] directly to keep a time.
    pub fn from_stamp(stamp: Stamp) -> Option<Self> {
        match stamp {
            Stamp::Instant(seconds) => DateTime::from_timestamp(seconds, 0).map(Self::Instant),
            Stamp::Local(date) => Some(Self::LocalDate(date)),
        }
    }
}

impl SearchedAt {
    /// From an export's date field as the export reader reads it (the
    /// mapping's `date_format` and `naive` setting), keeping the time of day
    /// that a [`Stamp::Local`] drops. `None` when the field is not a date.
    pub fn from_export_field(
        text: &str,
        date_format: Option<&str>,
        naive: NaiveDates,
    ) -> Option<Self> {
        let text = text.trim();
        let wall = |at: NaiveDateTime| match naive {
            NaiveDates::Local => Self::LocalTime(at),
            NaiveDates::Utc => Self::Instant(at.and_utc()),
        };
        if let Some(format) = date_format {
            if let Ok(at) = DateTime::parse_from_str(text, format) {
                return Some(Self::Instant(at.to_utc()));
            }
            if let Ok(at) = NaiveDateTime::parse_from_str(text, format) {
                return Some(wall(at));
            }
            return NaiveDate::parse_from_str(text, format)
                .ok()
                .map(Self::LocalDate);
        }
        match crate::export::month::parse_iso(text.as_bytes(), naive).ok()? {
            stamp @ Stamp::Instant(_) => Self::from_stamp(stamp),
            Stamp::Local(date) => Some(iso_wall(text).map_or(Self::LocalDate(date), wall)),
        }
    }
}

/// The wall-clock date and time of an ISO timestamp without an offset.
fn iso_wall(text: &str) -> Option<NaiveDateTime> {
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
}

/// What the helper columns show for one search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchTimes {
    /// Wall-clock time in the review's zone (midnight when only a date is known).
    pub local: NaiveDateTime,
    /// `None` when only a local date is known, or the local time does not exist.
    pub utc: Option<NaiveDateTime>,
    pub footage_deleted_after: NaiveDate,
    /// Whether `local` carries a time of day.
    pub has_time: bool,
}

/// The local time, UTC and footage deadline of a search. The deadline counts
/// from the local date, the date a force's retention policy goes by.
pub fn search_times(at: SearchedAt, zone: Tz, retention_days: u32) -> SearchTimes {
    let (local, utc, has_time) = match at {
        SearchedAt::Instant(instant) => (
            instant.with_timezone(&zone).naive_local(),
            Some(instant.naive_utc()),
            true,
        ),
        SearchedAt::LocalTime(wall) => (
            wall,
            // In the autumn's repeated hour the earlier instant is as good a
            // guess as any; a time skipped in spring has no UTC at all.
            zone.from_local_datetime(&wall)
                .earliest()
                .map(|t| t.naive_utc()),
            true,
        ),
        SearchedAt::LocalDate(date) => (date.and_time(chrono::NaiveTime::MIN), None, false),
    };
    let footage_deleted_after = local
        .date()
        .checked_add_days(Days::new(u64::from(retention_days)))
        .unwrap_or(NaiveDate::MAX);
    SearchTimes {
        local,
        utc,
        footage_deleted_after,
        has_time,
    }
}

/// A fixed-vocabulary column: its values (as `grounds import` stores them)
/// and what each means.
#[derive(Debug, Clone, Copy)]
pub struct Vocabulary {
    pub column: &'static str,
    pub values: &'static [&'static str],
    pub meaning: &'static str,
}

/// The assessment columns with a fixed vocabulary, in worksheet order. The
/// values are the model's own (see the test below), meanings the README's.
pub const VOCABULARIES: [Vocabulary; 5] = [
    Vocabulary {
        column: "grounds",
        values: &[
            "reasonable",
            "not_reasonable",
            "none_recorded",
            "insufficient_info",
            "not_required",
        ],
        meaning: "Were reasonable grounds evident? insufficient_info: counted apart; \
                  not_required: only for a search under a power needing no suspicion (s60, s47A)",
    },
    Vocabulary {
        column: "bwv",
        values: &["reviewed", "not_available", "not_reviewed"],
        meaning: "Was body-worn video of the search reviewed?",
    },
    Vocabulary {
        column: "gowisely",
        values: &["yes", "partial", "no", "not_visible"],
        meaning: "Did the officer explain the search (GOWISELY)?",
    },
    Vocabulary {
        column: "conduct",
        values: &["good", "adequate", "concern"],
        meaning: "How was the search conducted?",
    },
    Vocabulary {
        column: "referral",
        values: &["none", "feedback", "supervisor", "professional_standards"],
        meaning: "What follow-up did the review lead to?",
    },
];

/// One line per free-text assessment column (the README's table).
pub const FREE_COLUMNS: [(&str, &str, &str); 4] = [
    (
        "themes",
        "text (optional)",
        "Learning themes, separated by ;",
    ),
    ("notes", "text (optional)", "Anything else worth recording"),
    ("reviewer", "text", "Who reviewed the search"),
    (
        "reviewed_on",
        "a date, e.g. 03/11/2026",
        "The day of the review (not before the month drawn)",
    ),
];

/// The vocabulary of `column`, if it has one.
pub fn vocabulary(column: &str) -> Option<&'static Vocabulary> {
    VOCABULARIES.iter().find(|v| v.column == column)
}

/// Why a workbook cannot be written or read.
#[derive(Debug, thiserror::Error)]
pub enum WorkbookError {
    #[error("{path}: cannot write the workbook: {source}")]
    Write {
        path: String,
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
    #[error("{path}: cannot be opened as a workbook (.xlsx or .ods): {reason}")]
    Open { path: String, reason: String },
    #[error(
        "{path}: no sheet named {WORKSHEET_SHEET:?} and no sheet with record_id in its first row \
         (sheets: {sheets}): is this a workbook written by `grounds sample`?"
    )]
    NoWorksheet { path: String, sheets: String },
    #[error(
        "{path}, sheet {sheet:?}: missing from the header row: {missing}: is this a worksheet written by \
         `grounds sample`?"
    )]
    MissingColumns {
        path: String,
        sheet: String,
        missing: String,
    },
    #[error("{path}, sheet {sheet:?}: {column} appears twice in the header row ({first} and {second}): keep one")]
    DuplicateColumn {
        path: String,
        sheet: String,
        column: String,
        first: String,
        second: String,
    },
}

impl WorkbookError {
    /// The file the error is about.
    pub fn path(&self) -> &str {
        match self {
            Self::Write { path, .. }
            | Self::Open { path, .. }
            | Self::NoWorksheet { path, .. }
            | Self::MissingColumns { path, .. }
            | Self::DuplicateColumn { path, .. } => path,
        }
    }

    /// The message without the leading file name, for a report that names
    /// the file itself (as import's problems do).
    pub fn detail(&self) -> String {
        let shown = self.to_string();
        let path = self.path();
        shown
            .strip_prefix(path)
            .map(|rest| rest.trim_start_matches([':', ',', ' ']).to_string())
            .unwrap_or(shown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::worksheet::ASSESSMENT_COLUMNS;
    use crate::assess::{Bwv, Conduct, Gowisely, Grounds, Referral};

    /// The model's canonical values: the drop-downs must not drift from what import accepts.
    fn model_values(column: &str) -> Vec<&'static str> {
        match column {
            "grounds" => Grounds::ALL.iter().map(|v| v.as_str()).collect(),
            "bwv" => Bwv::ALL.iter().map(|v| v.as_str()).collect(),
            "gowisely" => Gowisely::ALL.iter().map(|v| v.as_str()).collect(),
            "conduct" => Conduct::ALL.iter().map(|v| v.as_str()).collect(),
            "referral" => Referral::ALL.iter().map(|v| v.as_str()).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn vocabularies_match_the_model_and_the_column_order() {
        for vocabulary in &VOCABULARIES {
            assert_eq!(vocabulary.values, model_values(vocabulary.column));
        }
        let described: Vec<&str> = ASSESSMENT_COLUMNS
            .iter()
            .copied()
            .filter(|c| vocabulary(c).is_some() || FREE_COLUMNS.iter().any(|f| f.0 == *c))
            .collect();
        assert_eq!(described, ASSESSMENT_COLUMNS);
        let in_order: Vec<&str> = ASSESSMENT_COLUMNS
            .iter()
            .copied()
            .filter(|c| vocabulary(c).is_some())
            .collect();
        let ours: Vec<&str> = VOCABULARIES.iter().map(|v| v.column).collect();
        assert_eq!(in_order, ours);
    }

    fn at(text: &str) -> SearchedAt {
        SearchedAt::Instant(DateTime::parse_from_rfc3339(text).unwrap().to_utc())
    }

    #[test]
    fn london_time_and_deadline_across_the_bst_edge() {
        let london: Tz = "Europe/London".parse().unwrap();
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        // Real City of London record: Saturday night in UTC, Sunday in London (BST).
        let bst = search_times(at("2018-09-29T23:54:42+00:00"), london, 31);
        assert_eq!(bst.local, date(2018, 9, 30).and_hms_opt(0, 54, 42).unwrap());
        assert_eq!(
            bst.utc,
            Some(date(2018, 9, 29).and_hms_opt(23, 54, 42).unwrap())
        );
        assert_eq!(bst.footage_deleted_after, date(2018, 10, 31));
        // After the clocks went back on 28 October 2018, London is UTC.
        let gmt = search_times(at("2018-10-31T05:50:40+00:00"), london, 31);
        assert_eq!(
            gmt.local,
            date(2018, 10, 31).and_hms_opt(5, 50, 40).unwrap()
        );
        assert_eq!(gmt.footage_deleted_after, date(2018, 12, 1));
        // A wall-clock time is taken as London time; UTC is an hour earlier in BST.
        let wall = date(2018, 10, 1).and_hms_opt(0, 30, 0).unwrap();
        let local = search_times(SearchedAt::LocalTime(wall), london, 7);
        assert_eq!(
            local.utc,
            Some(date(2018, 9, 30).and_hms_opt(23, 30, 0).unwrap())
        );
        assert_eq!(local.footage_deleted_after, date(2018, 10, 8));
        // The hour skipped in spring has no UTC time.
        let skipped = date(2019, 3, 31).and_hms_opt(1, 30, 0).unwrap();
        assert_eq!(
            search_times(SearchedAt::LocalTime(skipped), london, 31).utc,
            None
        );
        let day_only = search_times(SearchedAt::LocalDate(date(2019, 1, 31)), london, 31);
        assert!(!day_only.has_time && day_only.utc.is_none());
        assert_eq!(day_only.footage_deleted_after, date(2019, 3, 3));
    }

    #[test]
    fn export_fields_keep_their_time_of_day() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let police_uk =
            SearchedAt::from_export_field("2018-09-29T23:54:42+00:00", None, NaiveDates::Local);
        assert_eq!(police_uk, Some(at("2018-09-29T23:54:42+00:00")));
        let wall = date(2018, 10, 1).and_hms_opt(0, 30, 0).unwrap();
        for text in ["2018-10-01T00:30:00", "2018-10-01 00:30"] {
            assert_eq!(
                SearchedAt::from_export_field(text, None, NaiveDates::Local),
                Some(SearchedAt::LocalTime(wall)),
                "{text}"
            );
            assert_eq!(
                SearchedAt::from_export_field(text, None, NaiveDates::Utc),
                Some(SearchedAt::Instant(wall.and_utc())),
                "{text}"
            );
        }
        assert_eq!(
            SearchedAt::from_export_field("2018-10-01", None, NaiveDates::Local),
            Some(SearchedAt::LocalDate(date(2018, 10, 1)))
        );
        assert_eq!(
            SearchedAt::from_export_field(
                "01/10/2018 00:30",
                Some("%d/%m/%Y %H:%M"),
                NaiveDates::Local
            ),
            Some(SearchedAt::LocalTime(wall))
        );
        assert_eq!(
            SearchedAt::from_export_field("01/10/2018", Some("%d/%m/%Y"), NaiveDates::Local),
            Some(SearchedAt::LocalDate(date(2018, 10, 1)))
        );
        assert_eq!(
            SearchedAt::from_export_field("soon", None, NaiveDates::Local),
            None
        );
    }

    #[test]
    fn errors_name_the_file_once() {
        let err = WorkbookError::MissingColumns {
            path: "w/PC_Ben.xlsx".to_string(),
            sheet: "Worksheet".to_string(),
            missing: "grounds".to_string(),
        };
        assert!(err
            .to_string()
            .starts_with("w/PC_Ben.xlsx, sheet \"Worksheet\": missing"));
        assert!(err
            .detail()
            .starts_with("sheet \"Worksheet\": missing from the header row: grounds"));
        assert_eq!(err.path(), "w/PC_Ben.xlsx");
    }

    #[test]
    fn stamps_from_the_export_reader() {
        let stamp = crate::export::month::parse_iso(
            b"2018-09-29T23:54:42+00:00",
            crate::export::NaiveDates::Local,
        )
        .unwrap();
        assert_eq!(
            SearchedAt::from_stamp(stamp),
            Some(at("2018-09-29T23:54:42+00:00"))
        );
    }
}
