use chrono::{DateTime, Datelike, NaiveDate};
use chrono_tz::Europe::London;

use super::*;

fn spec(start: (i32, u32), rows_per_month: u64, seed: u64) -> SynthSpec {
    SynthSpec {
        start,
        months: 1,
        rows_per_month,
        seed,
    }
}

fn month_bytes(spec: &SynthSpec, index: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let rows = write_month(spec, index, &mut out).expect("writing to memory");
    assert_eq!(rows, spec.rows_per_month);
    out
}

/// Header and rows as parsed by the `csv` crate, which must find exactly 15
/// fields in every record.
fn parse(bytes: &[u8]) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let header = reader.headers().expect("header").clone();
    let rows: Vec<_> = reader.records().map(|r| r.expect("a record")).collect();
    (header, rows)
}

fn lines_of(bytes: &[u8]) -> Vec<&str> {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    text.strip_suffix('\n')
        .expect("ends in LF")
        .split('\n')
        .collect()
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = month_bytes(&spec((2019, 7), 3_000, 7), 0);
    assert_eq!(a, month_bytes(&spec((2019, 7), 3_000, 7), 0));
    assert_ne!(a, month_bytes(&spec((2019, 7), 3_000, 8), 0));
}

#[test]
fn a_month_does_not_depend_on_where_the_spec_starts() {
    let from_2018 = SynthSpec {
        months: 20,
        ..spec((2018, 1), 500, 3)
    };
    assert_eq!(from_2018.year_month(18), (2019, 7));
    assert_eq!(
        month_bytes(&from_2018, 18),
        month_bytes(&spec((2019, 7), 500, 3), 0)
    );
    assert_ne!(month_bytes(&from_2018, 17), month_bytes(&from_2018, 18));
}

#[test]
fn output_is_the_archive_format() {
    let bytes = month_bytes(&spec((2019, 1), 5_000, 1), 0);
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "no BOM");
    assert!(!bytes.contains(&b'\r'), "LF line ends only");
    let lines = lines_of(&bytes);
    assert_eq!(lines[0], HEADER);
    let (header, rows) = parse(&bytes);
    assert_eq!(header.len(), 15);
    assert_eq!(rows.len(), 5_000);
    assert!(rows.iter().all(|r| r.len() == 15));
    for row in &rows {
        DateTime::parse_from_rfc3339(&row[1]).expect("an RFC 3339 date");
        assert!(row[1].ends_with("+00:00"), "{}", &row[1]);
        for bool_field in [2, 13, 14] {
            assert!(matches!(&row[bool_field], "True" | "False" | ""));
        }
        // Latitude and longitude are blank together or both have 6 decimals.
        match (&row[4], &row[5]) {
            ("", "") => {}
            (lat, lon) => {
                for value in [lat, lon] {
                    let decimals = value.split_once('.').expect("a decimal point").1;
                    assert_eq!(decimals.len(), 6, "{value}");
                    value.parse::<f64>().expect("a number");
                }
            }
        }
    }
}

#[test]
fn dates_are_sorted_and_fall_in_the_london_month() {
    // Months around both clock changes and a leap February.
    for (year, month) in [(2019, 3), (2019, 7), (2019, 10), (2019, 12), (2020, 2)] {
        let (_, rows) = parse(&month_bytes(&spec((year, month), 3_000, 5), 0));
        let dates: Vec<_> = rows.iter().map(|r| r[1].to_string()).collect();
        assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{year}-{month}");
        for date in &dates {
            let local = DateTime::parse_from_rfc3339(date)
                .expect("a date")
                .with_timezone(&London);
            assert_eq!((local.year(), local.month()), (year, month), "{date}");
        }
    }
}

#[test]
fn summer_months_start_with_rows_from_the_utc_evening_before() {
    let bytes = month_bytes(&spec((2019, 7), 2_000, 1), 0);
    let (_, rows) = parse(&bytes);
    assert!(rows[0][1].starts_with("2019-06-30T23:"), "{}", &rows[0][1]);
    let winter = month_bytes(&spec((2019, 1), 2_000, 1), 0);
    let (_, rows) = parse(&winter);
    assert!(rows.iter().all(|r| r[1].starts_with("2019-01-")));
}

#[test]
fn date_only_records_and_duplicates_exist() {
    let bytes = month_bytes(&spec((2019, 5), 50, 11), 0);
    let lines = lines_of(&bytes);
    assert!(lines.iter().any(|l| l.contains("T00:00:00+00:00")));
    assert!(lines.windows(2).skip(1).any(|w| w[0] == w[1]));

    // At scale the identical rows come at about 2%.
    let bytes = month_bytes(&spec((2019, 5), 20_000, 11), 0);
    let lines = lines_of(&bytes);
    let identical = lines.windows(2).filter(|w| w[0] == w[1]).count();
    assert!((300..=500).contains(&identical), "{identical} duplicates");
}

#[test]
fn quoted_operation_names_round_trip() {
    for (written, parsed) in OPERATION_NAMES {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record([parsed]).expect("in memory");
        let quoted = writer.into_inner().expect("in memory");
        assert_eq!(
            std::str::from_utf8(&quoted),
            Ok(format!("{written}\n").as_str())
        );
    }
    let bytes = month_bytes(&spec((2019, 2), 300, 2), 0);
    assert!(lines_of(&bytes)
        .iter()
        .any(|l| l.contains(r#","Operation ""Sceptre"", phase 2","#)));
    let (_, rows) = parse(&bytes);
    let named: Vec<_> = rows.iter().filter(|r| !r[3].is_empty()).collect();
    assert!(named
        .iter()
        .any(|r| &r[3] == r#"Operation "Sceptre", phase 2"#));
    for row in named {
        assert_eq!(&row[2], "True");
        assert!(OPERATION_NAMES.iter().any(|(_, name)| *name == &row[3]));
    }
}

#[test]
fn frequencies_are_near_the_real_files() {
    let (_, rows) = parse(&month_bytes(&spec((2019, 4), 40_000, 9), 0));
    let share = |keep: &dyn Fn(&csv::StringRecord) -> bool| {
        rows.iter().filter(|r| keep(r)).count() as f64 / rows.len() as f64
    };
    let near = |value: f64, target: f64, tolerance: f64| {
        assert!(
            (value - target).abs() <= tolerance,
            "{value} is not within {tolerance} of {target}"
        );
    };
    near(
        share(&|r| &r[8] == "Other ethnic group - Not stated"),
        0.12,
        0.01,
    );
    near(share(&|r| r[4].is_empty() && r[5].is_empty()), 0.11, 0.01);
    near(share(&|r| r[7].is_empty()), 0.055, 0.01);
    near(share(&|r| r[8].is_empty()), 0.017, 0.005);
    near(share(&|r| r[13].is_empty()), 0.78, 0.02);
    near(share(&|r| &r[0] == "Person search"), 0.71, 0.02);
    assert!(rows.iter().all(|r| r[4].is_empty() == r[5].is_empty()));
}

#[test]
fn tiny_and_empty_months_work() {
    assert_eq!(lines_of(&month_bytes(&spec((2019, 7), 0, 1), 0)), [HEADER]);
    for n in 1..12 {
        let (_, rows) = parse(&month_bytes(&spec((2019, 7), n, 1), 0));
        assert_eq!(rows.len() as u64, n);
    }
}

#[test]
fn bad_specs_are_refused() {
    assert_eq!(
        spec((2019, 13), 1, 1).validate(),
        Err(SynthError::BadMonth(13))
    );
    assert_eq!(
        spec((1995, 12), 1, 1).validate(),
        Err(SynthError::BadYear(1995))
    );
    let too_long = SynthSpec {
        months: 12 * 8_000,
        ..spec((2019, 1), 1, 1)
    };
    assert!(matches!(too_long.validate(), Err(SynthError::BadYear(_))));
    let too_big = spec((2019, 1), MAX_ROWS_PER_MONTH + 1, 1);
    assert!(matches!(
        too_big.validate(),
        Err(SynthError::TooManyRows(_))
    ));
    let err = write_month(&spec((2019, 1), 1, 1), 1, Vec::new()).expect_err("index 1 of 1 month");
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
}

#[test]
fn file_names_and_month_arithmetic() {
    assert_eq!(
        month_file_name(2019, 7),
        "2019-07-synthetic-stop-and-search.csv"
    );
    let s = SynthSpec {
        months: 36,
        ..spec((2017, 11), 1, 1)
    };
    assert_eq!(s.year_month(0), (2017, 11));
    assert_eq!(s.year_month(2), (2018, 1));
    assert_eq!(s.year_month(35), (2020, 10));
}

#[test]
fn numbers_and_dates_are_formatted_without_floats() {
    let formatted = |v: i32| {
        let mut out = Vec::new();
        write_micro_degrees(&mut out, v);
        String::from_utf8(out).expect("ASCII")
    };
    assert_eq!(formatted(-127_800), "-0.127800");
    assert_eq!(formatted(563), "0.000563");
    assert_eq!(formatted(-5_930_100), "-5.930100");
    assert_eq!(formatted(51_507_400), "51.507400");
    for days in -800_000..800_000 {
        let (y, m, d) = civil_from_days(days);
        assert_eq!(days_from_civil(y, m, d), days);
    }
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date");
    let leap_day = NaiveDate::from_ymd_opt(2024, 2, 29).expect("a date");
    assert_eq!(days_from_civil(2024, 2, 29), (leap_day - epoch).num_days());
}
