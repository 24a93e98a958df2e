//! Months and timestamps: which calendar month (in a local time zone) a
//! search belongs to.
//!
//! data.police.uk timestamps are UTC (`2019-03-31T23:30:00+00:00`), but a
//! force reviews its searches by the local calendar month, so a search at
//! 23:30 UTC on 31 March 2019 (00:30 BST) belongs to April. Rather than
//! converting every row, the month is turned once into a half-open UTC window
//! and rows are compared against it.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// A calendar month, written `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl YearMonth {
    pub fn new(year: i32, month: u32) -> Option<Self> {
        ((1..=12).contains(&month) && (1000..=9999).contains(&year)).then_some(Self { year, month })
    }

    pub fn of_date(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("validated month")
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn previous(self) -> Self {
        if self.month == 1 {
            Self {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Self {
                year: self.year,
                month: self.month - 1,
            }
        }
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for YearMonth {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || format!("'{text}' is not a month: write it as YYYY-MM, e.g. 2019-01");
        let (year, month) = text.trim().split_once('-').ok_or_else(invalid)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(invalid());
        }
        let year: i32 = year.parse().map_err(|_| invalid())?;
        let month: u32 = month.parse().map_err(|_| invalid())?;
        YearMonth::new(year, month).ok_or_else(invalid)
    }
}

impl Serialize for YearMonth {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for YearMonth {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A parsed timestamp from an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp {
    /// An instant: the value carried a UTC offset. Seconds since the epoch.
    Instant(i64),
    /// A wall-clock date (and maybe time) in the force's local time zone.
    Local(NaiveDate),
}

/// What a timestamp without a UTC offset means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NaiveDates {
    /// Local wall-clock time in the review's time zone (what force systems write).
    #[default]
    Local,
    /// UTC.
    Utc,
}

/// The half-open UTC window `[start, end)` of a local calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthWindow {
    pub month: YearMonth,
    pub start_utc: i64,
    pub end_utc: i64,
    pub naive: NaiveDates,
}

impl MonthWindow {
    pub fn new(month: YearMonth, zone: Tz, naive: NaiveDates) -> Self {
        Self {
            month,
            start_utc: local_midnight_utc(month.first_day(), zone),
            end_utc: local_midnight_utc(month.next().first_day(), zone),
            naive,
        }
    }

    pub fn contains(&self, stamp: Stamp) -> bool {
        match stamp {
            Stamp::Instant(seconds) => (self.start_utc..self.end_utc).contains(&seconds),
            Stamp::Local(date) => YearMonth::of_date(date) == self.month,
        }
    }
}

/// The local month of a timestamp, for messages ("the exports cover ...").
pub fn month_of(stamp: Stamp, zone: Tz) -> YearMonth {
    match stamp {
        Stamp::Instant(seconds) => match zone.timestamp_opt(seconds, 0) {
            chrono::LocalResult::Single(local) | chrono::LocalResult::Ambiguous(local, _) => {
                YearMonth::of_date(local.date_naive())
            }
            chrono::LocalResult::None => YearMonth::of_date(
                chrono::DateTime::from_timestamp(seconds, 0)
                    .unwrap_or_default()
                    .date_naive(),
            ),
        },
        Stamp::Local(date) => YearMonth::of_date(date),
    }
}

/// The UTC instant of the first moment of a local date. Midnight can be
/// skipped by a DST change in some zones; then the first valid minute counts.
fn local_midnight_utc(date: NaiveDate, zone: Tz) -> i64 {
    for minutes in 0..(24 * 60) {
        let time =
            NaiveTime::from_num_seconds_from_midnight_opt(minutes * 60, 0).expect("in range");
        if let Some(instant) = zone.from_local_datetime(&date.and_time(time)).earliest() {
            return instant.timestamp();
        }
    }
    date.and_time(NaiveTime::MIN).and_utc().timestamp()
}

/// Why a timestamp could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadTimestamp;

/// Parses an ISO 8601 timestamp as data.police.uk and most force systems write
/// it: `YYYY-MM-DD`, optionally `T` or space and `HH:MM[:SS[.fraction]]`,
/// optionally `Z` or `±HH:MM`/`±HHMM`. Hand-written because it runs on every
/// row of exports with millions of rows.
pub fn parse_iso(text: &[u8], naive: NaiveDates) -> Result<Stamp, BadTimestamp> {
    let text = trim_ascii(text);
    let date = parse_date(text.get(..10).ok_or(BadTimestamp)?)?;
    let rest = &text[10..];
    if rest.is_empty() {
        return Ok(Stamp::Local(date));
    }
    if !matches!(rest[0], b'T' | b't' | b' ') {
        return Err(BadTimestamp);
    }
    let rest = &rest[1..];
    let hour = two_digits(rest.get(0..2))?;
    if rest.get(2) != Some(&b':') {
        return Err(BadTimestamp);
    }
    let minute = two_digits(rest.get(3..5))?;
    let mut rest = &rest[5..];
    let mut second = 0;
    if rest.first() == Some(&b':') {
        second = two_digits(rest.get(1..3))?;
        rest = &rest[3..];
        if rest.first() == Some(&b'.') {
            let digits = rest[1..].iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 {
                return Err(BadTimestamp);
            }
            rest = &rest[1 + digits..];
        }
    }
    // 24:00 and leap seconds are not something these systems write.
    if hour > 23 || minute > 59 || second > 59 {
        return Err(BadTimestamp);
    }
    let wall = date.and_hms_opt(hour, minute, second).ok_or(BadTimestamp)?;
    let offset_seconds = match rest {
        [] => return Ok(naive_stamp(wall, naive)),
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), offset @ ..] => {
            let (hours, minutes) = match offset {
                [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => (
                    two_digits(Some(&[*h1, *h2]))?,
                    two_digits(Some(&[*m1, *m2]))?,
                ),
                [h1, h2] => (two_digits(Some(&[*h1, *h2]))?, 0),
                _ => return Err(BadTimestamp),
            };
            if hours > 23 || minutes > 59 {
                return Err(BadTimestamp);
            }
            let magnitude = i64::from(hours * 3600 + minutes * 60);
            if *sign == b'+' {
                magnitude
            } else {
                -magnitude
            }
        }
        _ => return Err(BadTimestamp),
    };
    Ok(Stamp::Instant(wall.and_utc().timestamp() - offset_seconds))
}

/// Parses with a strftime-style format from a column mapping (e.g.
/// `%d/%m/%Y %H:%M`). A format with `%z`/`%:z` gives an instant; one
/// without a time gives a date.
pub fn parse_with_format(
    text: &str,
    format: &str,
    naive: NaiveDates,
) -> Result<Stamp, BadTimestamp> {
    let text = text.trim();
    if let Ok(instant) = chrono::DateTime::parse_from_str(text, format) {
        return Ok(Stamp::Instant(instant.timestamp()));
    }
    if let Ok(wall) = NaiveDateTime::parse_from_str(text, format) {
        return Ok(naive_stamp(wall, naive));
    }
    NaiveDate::parse_from_str(text, format)
        .map(Stamp::Local)
        .map_err(|_| BadTimestamp)
}

fn naive_stamp(wall: NaiveDateTime, naive: NaiveDates) -> Stamp {
    match naive {
        NaiveDates::Local => Stamp::Local(wall.date()),
        NaiveDates::Utc => Stamp::Instant(wall.and_utc().timestamp()),
    }
}

fn parse_date(text: &[u8]) -> Result<NaiveDate, BadTimestamp> {
    if text.len() != 10 || text[4] != b'-' || text[7] != b'-' {
        return Err(BadTimestamp);
    }
    let year = two_digits(text.get(0..2))? * 100 + two_digits(text.get(2..4))?;
    let month = two_digits(text.get(5..7))?;
    let day = two_digits(text.get(8..10))?;
    NaiveDate::from_ymd_opt(year as i32, month, day).ok_or(BadTimestamp)
}

fn two_digits(bytes: Option<&[u8]>) -> Result<u32, BadTimestamp> {
    match bytes {
        Some([a, b]) if a.is_ascii_digit() && b.is_ascii_digit() => {
            Ok(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
        }
        _ => Err(BadTimestamp),
    }
}

fn trim_ascii(mut bytes: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = bytes {
        if first.is_ascii_whitespace() {
            bytes = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = bytes {
        if last.is_ascii_whitespace() {
            bytes = rest;
        } else {
            break;
        }
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn london() -> Tz {
        "Europe/London".parse().unwrap()
    }

    fn window(month: &str) -> MonthWindow {
        MonthWindow::new(month.parse().unwrap(), london(), NaiveDates::Local)
    }

    fn stamp(text: &str) -> Stamp {
        parse_iso(text.as_bytes(), NaiveDates::Local).unwrap()
    }

    #[test]
    fn bst_edge_belongs_to_the_next_month() {
        // 23:30 UTC on 31 March 2019 is 00:30 BST on 1 April.
        let late_march = stamp("2019-03-31T23:30:00+00:00");
        assert!(window("2019-04").contains(late_march));
        assert!(!window("2019-03").contains(late_march));
        assert_eq!(month_of(late_march, london()), "2019-04".parse().unwrap());
    }

    #[test]
    fn gmt_edge_stays_in_its_month() {
        // In January London is on GMT = UTC.
        let late_january = stamp("2019-01-31T23:30:00+00:00");
        assert!(window("2019-01").contains(late_january));
        assert!(!window("2019-02").contains(late_january));
    }

    #[test]
    fn october_end_is_still_bst_at_the_start_of_the_last_day() {
        // BST ends 01:00 UTC on 27 October 2019; 31 October is GMT again.
        assert!(window("2019-10").contains(stamp("2019-10-31T23:59:59Z")));
        assert!(window("2019-10").contains(stamp("2019-09-30T23:00:00+00:00")));
        assert!(window("2019-09").contains(stamp("2019-09-30T22:59:59+00:00")));
    }

    #[test]
    fn other_zones_and_offsets() {
        let utc: Tz = "UTC".parse().unwrap();
        let utc_window = MonthWindow::new("2019-04".parse().unwrap(), utc, NaiveDates::Local);
        assert!(!utc_window.contains(stamp("2019-03-31T23:30:00+00:00")));
        assert_eq!(
            stamp("2019-04-01T00:30:00+01:00"),
            stamp("2019-03-31T23:30:00Z")
        );
        assert_eq!(
            stamp("2019-04-01T00:30:00+0100"),
            stamp("2019-03-31T23:30:00Z")
        );
        assert_eq!(
            stamp("2019-04-01 00:30:00.123-01:00"),
            stamp("2019-04-01T01:30:00Z")
        );
    }

    #[test]
    fn naive_values_are_local_unless_told_otherwise() {
        assert_eq!(
            stamp("2019-03-31T23:30:00"),
            Stamp::Local(NaiveDate::from_ymd_opt(2019, 3, 31).unwrap())
        );
        assert_eq!(
            stamp("2019-03-31"),
            Stamp::Local(NaiveDate::from_ymd_opt(2019, 3, 31).unwrap())
        );
        let as_utc = parse_iso(b"2019-03-31T23:30:00", NaiveDates::Utc).unwrap();
        assert!(window("2019-04").contains(as_utc));
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "2019-13-01",
            "2019-02-30T00:00:00Z",
            "01/02/2019",
            "2019-01-01T25:00:00Z",
            "2019-01-01T10:00:00+0",
            "2019-01-01X10:00",
            "Oct-17",
            "2019-01-01T10:00:00 junk",
        ] {
            assert!(
                parse_iso(bad.as_bytes(), NaiveDates::Local).is_err(),
                "{bad:?} parsed"
            );
        }
    }

    #[test]
    fn custom_formats() {
        let local =
            parse_with_format("03/11/2026 14:05", "%d/%m/%Y %H:%M", NaiveDates::Local).unwrap();
        assert_eq!(
            local,
            Stamp::Local(NaiveDate::from_ymd_opt(2026, 11, 3).unwrap())
        );
        let date_only = parse_with_format("03/11/2026", "%d/%m/%Y", NaiveDates::Local).unwrap();
        assert_eq!(date_only, local);
        let instant = parse_with_format(
            "2026-11-03 14:05 +0000",
            "%Y-%m-%d %H:%M %z",
            NaiveDates::Local,
        );
        assert!(matches!(instant, Ok(Stamp::Instant(_))));
        assert!(parse_with_format("3rd Nov", "%d/%m/%Y", NaiveDates::Local).is_err());
    }

    #[test]
    fn months_parse_and_print() {
        let month: YearMonth = "2019-01".parse().unwrap();
        assert_eq!(month.to_string(), "2019-01");
        assert_eq!(month.previous().to_string(), "2018-12");
        assert_eq!(
            "2019-12".parse::<YearMonth>().unwrap().next().to_string(),
            "2020-01"
        );
        for bad in ["2019-13", "2019-1", "19-01", "2019/01", "January", ""] {
            assert!(bad.parse::<YearMonth>().is_err(), "{bad:?} parsed");
        }
    }
}
