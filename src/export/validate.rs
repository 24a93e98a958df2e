//! Checks on data.police.uk values that catch a file damaged by a spreadsheet
//! before it is sampled. Excel, opening and re-saving the CSV, turns the age
//! range `10-17` into the date `Oct-17` and `True`/`False` into
//! `TRUE`/`FALSE`; a sample drawn from such a file would not match the
//! published export, and nobody could verify it.

use super::records::Fields;

const AGE_RANGE: usize = 7;
const BOOLEAN_COLUMNS: [usize; 3] = [2, 13, 14];
const AGE_RANGES: [&[u8]; 6] = [b"", b"under 10", b"10-17", b"18-24", b"25-34", b"over 34"];

const RESAVED: &str =
    "The file looks opened and re-saved by a spreadsheet program, which changes values; \
use the file exactly as downloaded from data.police.uk.";

const COORDINATES: [usize; 2] = [4, 5];

/// The first coordinate column (Latitude, Longitude) whose value does not
/// have exactly six decimals, as data.police.uk writes them all. A
/// spreadsheet re-saving the file writes `-0.193440` as `-0.19344`: nothing
/// a reviewer reads changes, but the record ids (hashes of the row) no
/// longer match the published file. Only a warning: the file can still be
/// reviewed, it just cannot be matched to the published data.
pub fn reformatted_coordinate(record: &Fields<'_>) -> Option<usize> {
    COORDINATES.into_iter().find(|&column| {
        let value = record.get(column).unwrap_or_default();
        !value.is_empty()
            && memchr::memchr(b'.', value).is_none_or(|dot| value.len() - dot - 1 != 6)
    })
}

/// The first damaged value of a row: its 0-based column and what is wrong.
pub fn check_police_uk_row(record: &Fields<'_>) -> Result<(), (usize, String)> {
    let age = record.get(AGE_RANGE).unwrap_or_default();
    if !AGE_RANGES.contains(&age) {
        let cause = if looks_like_month_name(age) {
            " (a spreadsheet turned an age range such as 10-17 into a date)"
        } else {
            ""
        };
        return Err((
            AGE_RANGE,
            format!("is not an age range: expected under 10, 10-17, 18-24, 25-34, over 34 or empty{cause}. {RESAVED}"),
        ));
    }
    for column in BOOLEAN_COLUMNS {
        let value = record.get(column).unwrap_or_default();
        if !matches!(value, b"" | b"True" | b"False") {
            let cause = if value.eq_ignore_ascii_case(b"true")
                || value.eq_ignore_ascii_case(b"false")
            {
                " (data.police.uk writes True and False; TRUE and FALSE are how Excel saves them)"
            } else {
                ""
            };
            return Err((
                column,
                format!("is not True, False or empty{cause}. {RESAVED}"),
            ));
        }
    }
    Ok(())
}

fn looks_like_month_name(value: &[u8]) -> bool {
    const MONTHS: [&[u8]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    value.len() >= 3 && MONTHS.iter().any(|m| value[..3].eq_ignore_ascii_case(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks a row whose age range and "outcome linked" fields are given.
    fn check(age: &str, linked: &str) -> Result<(), (usize, String)> {
        let mut fields = vec![""; 15];
        fields[AGE_RANGE] = age;
        fields[13] = linked;
        let line = format!("header\n{}\n", fields.join(","));
        let mut reader = super::super::records::RecordReader::new(line.as_bytes(), &|_| {});
        reader.next_record().unwrap();
        let (_, record) = reader.next_record().unwrap().unwrap();
        check_police_uk_row(&record)
    }

    #[test]
    fn accepts_data_police_uk_values() {
        for age in ["", "under 10", "10-17", "18-24", "25-34", "over 34"] {
            for linked in ["", "True", "False"] {
                assert!(check(age, linked).is_ok());
            }
        }
    }

    #[test]
    fn names_excel_damage() {
        let (column, reason) = check("Oct-17", "").unwrap_err();
        assert_eq!(column, AGE_RANGE);
        assert!(reason.contains("10-17 into a date"), "{reason}");
        let (column, reason) = check("18-24", "FALSE").unwrap_err();
        assert_eq!(column, 13);
        assert!(reason.contains("Excel"), "{reason}");
        assert!(check("18 to 24", "").is_err());
    }

    fn coordinates(latitude: &str, longitude: &str) -> Option<usize> {
        let mut fields = vec![""; 15];
        fields[4] = latitude;
        fields[5] = longitude;
        let line = format!("header\n{}\n", fields.join(","));
        let mut reader = super::super::records::RecordReader::new(line.as_bytes(), &|_| {});
        reader.next_record().unwrap();
        let (_, record) = reader.next_record().unwrap().unwrap();
        reformatted_coordinate(&record)
    }

    #[test]
    fn coordinates_without_six_decimals_look_resaved() {
        assert_eq!(coordinates("51.512345", "-0.193440"), None);
        assert_eq!(coordinates("", ""), None);
        assert_eq!(coordinates("51.512345", "-0.19344"), Some(5));
        assert_eq!(coordinates("51.5", "-0.193440"), Some(4));
        assert_eq!(coordinates("51", "-0.193440"), Some(4));
    }
}
