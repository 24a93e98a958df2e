//! Review dates with two-digit years. A spreadsheet set to UK dates (en-GB
//! LibreOffice, Excel) saves a typed `03/02/2018` back to CSV as `03/02/18`.
//! Such a date is read as 20yy, but only when that is a date a review could
//! have happened on: not after today and not before the month drawn.
//! Anything else is refused with what to type instead.

use std::borrow::Cow;

use chrono::NaiveDate;

use super::model::{parse_review_date, InvalidValue};
use crate::export::YearMonth;

/// A review date as typed, for a search of `month_drawn`, judged on `today`:
/// four-digit years as [`parse_review_date`] reads them; `dd/mm/yy` and
/// `d/m/yy` as 20yy within the month drawn and today.
pub fn parse_review_date_in(
    text: &str,
    month_drawn: YearMonth,
    today: NaiveDate,
) -> Result<NaiveDate, InvalidValue> {
    let text = text.trim();
    let four_digits = parse_review_date(text);
    let Some((day, month, year)) = two_digit_year(text) else {
        return four_digits;
    };
    let refuse = |why: String| InvalidValue {
        field: "reviewed_on",
        value: text.to_string(),
        allowed: format!("a date with a four-digit year, such as 03/11/2026 ({why})"),
    };
    let Some(date) = NaiveDate::from_ymd_opt(2000 + year, month, day) else {
        return Err(refuse(format!("{text} is not a day of the calendar")));
    };
    let shown = date.format("%d/%m/%Y");
    let first_day = month_drawn.first_day();
    if date > today {
        return Err(refuse(format!(
            "{text} would be {shown}, after today; type the year in full"
        )));
    }
    if date < first_day {
        return Err(refuse(format!(
            "{text} would be {shown}, before {month_drawn}, the month drawn; type the year in full"
        )));
    }
    Ok(date)
}

/// The cell's text as the CSV import reads it: unchanged, unless it is a
/// two-digit-year date this accepts, which becomes `YYYY-MM-DD`.
pub fn normalise_review_date<'a>(
    text: &'a str,
    month_drawn: YearMonth,
    today: NaiveDate,
) -> Result<Cow<'a, str>, InvalidValue> {
    if text.trim().is_empty() || two_digit_year(text.trim()).is_none() {
        return Ok(Cow::Borrowed(text));
    }
    parse_review_date_in(text, month_drawn, today)
        .map(|date| Cow::Owned(date.format("%Y-%m-%d").to_string()))
}

/// Why a review date cannot be the date of a review of a search drawn for
/// `month_drawn`, judged on `today`: after today, or before the month's
/// first day. `None` when it can. (`--allow-date` lets such a date through,
/// for a clock that is wrong or a review done ahead of the draw.)
pub fn implausible_review_date(
    date: NaiveDate,
    month_drawn: YearMonth,
    today: NaiveDate,
) -> Option<String> {
    let shown = date.format("%d/%m/%Y");
    if date > today {
        return Some(format!(
            "{shown} is after today ({}): type the day the review happened, or give --allow-date \
             if it is right",
            today.format("%d/%m/%Y")
        ));
    }
    if date < month_drawn.first_day() {
        return Some(format!(
            "{shown} is before {month_drawn}, the month drawn: type the day the review happened, \
             or give --allow-date if it is right"
        ));
    }
    None
}

/// `dd/mm/yy` or `d/m/yy` (one or two digits for day and month, exactly two
/// for the year) as (day, month, yy).
fn two_digit_year(text: &str) -> Option<(u32, u32, i32)> {
    let mut parts = text.split('/');
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let digits = |s: &str, lengths: std::ops::RangeInclusive<usize>| -> Option<u32> {
        if lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    Some((
        digits(day, 1..=2)?,
        digits(month, 1..=2)?,
        i32::try_from(digits(year, 2..=2)?).ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn read(text: &str) -> Result<NaiveDate, InvalidValue> {
        // A February 2018 draw, reviewed in early March.
        parse_review_date_in(text, "2018-02".parse().unwrap(), day(2018, 3, 5))
    }

    #[test]
    fn two_digit_years_within_the_review_window_are_20yy() {
        assert_eq!(read("03/02/18").unwrap(), day(2018, 2, 3));
        assert_eq!(read("3/2/18").unwrap(), day(2018, 2, 3));
        assert_eq!(
            read("01/02/18").unwrap(),
            day(2018, 2, 1),
            "the month's first day"
        );
        assert_eq!(read("05/03/18").unwrap(), day(2018, 3, 5), "today");
        assert_eq!(read(" 28/2/18 ").unwrap(), day(2018, 2, 28));
        // Four-digit years read as before.
        assert_eq!(read("03/02/2018").unwrap(), day(2018, 2, 3));
        assert_eq!(read("2018-02-03").unwrap(), day(2018, 2, 3));
    }

    #[test]
    fn out_of_range_or_impossible_dates_are_refused_saying_what_to_type() {
        let after = read("06/03/18").unwrap_err().to_string();
        assert!(
            after.contains("06/03/18 would be 06/03/2018, after today"),
            "{after}"
        );
        assert!(after.contains("type the year in full"), "{after}");
        let before = read("31/01/18").unwrap_err().to_string();
        assert!(
            before.contains("before 2018-02, the month drawn"),
            "{before}"
        );
        // 1999 or 2099? Neither is a review of a 2018 search.
        assert!(read("03/02/99").is_err());
        let impossible = read("30/02/18").unwrap_err().to_string();
        assert!(
            impossible.contains("not a day of the calendar"),
            "{impossible}"
        );
        for malformed in [
            "03/02/018",
            "003/02/18",
            "03-02-18",
            "3/2/1",
            "a/b/cd",
            "03/02/18/1",
        ] {
            assert!(read(malformed).is_err(), "{malformed} accepted");
        }
        assert!(read("").is_err());
    }

    #[test]
    fn review_dates_outside_the_review_window_are_implausible() {
        let month: YearMonth = "2018-02".parse().unwrap();
        let today = day(2018, 3, 5);
        assert_eq!(implausible_review_date(day(2018, 2, 1), month, today), None);
        assert_eq!(implausible_review_date(today, month, today), None);
        let future = implausible_review_date(day(2018, 3, 6), month, today).unwrap();
        assert!(
            future.contains("06/03/2018 is after today (05/03/2018)"),
            "{future}"
        );
        let early = implausible_review_date(day(2018, 1, 31), month, today).unwrap();
        assert!(early.contains("before 2018-02, the month drawn"), "{early}");
        assert!(early.contains("--allow-date"), "{early}");
    }

    #[test]
    fn padded_two_digit_years_are_never_accepted() {
        for text in ["0026-11-03", "03/11/0026", "0018-02-03"] {
            assert!(read(text).is_err(), "{text} accepted");
        }
    }

    #[test]
    fn normalising_leaves_all_but_short_years_alone() {
        let month: YearMonth = "2018-02".parse().unwrap();
        let today = day(2018, 3, 5);
        assert_eq!(
            normalise_review_date("03/02/18", month, today).unwrap(),
            "2018-02-03"
        );
        for unchanged in ["", "03/02/2018", "2018-02-03", "not a date"] {
            assert_eq!(
                normalise_review_date(unchanged, month, today).unwrap(),
                unchanged
            );
        }
        assert!(normalise_review_date("03/02/19", month, today).is_err());
    }
}
