//! A CSV worksheet the way a UK champion's LibreOffice returns it: dates typed
//! as 03/11/2018 come back as 03/11/18. Skipped like workbook_office when no
//! LibreOffice is installed (unless GROUNDS_REQUIRE_OFFICE=1).

use std::fs;

use chrono::NaiveDate;
use grounds::assess::fields::clean;
use grounds::assess::import::parse_worksheet;
use grounds::assess::worksheet::{write_worksheet, WorksheetRow};

use crate::common::*;
use crate::office::office;

#[test]
fn libreoffice_en_gb_short_years_read_as_the_dates_typed() {
    let Some(office) = office() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut reader =
        csv::Reader::from_path(real("2018-10-city-of-london-stop-and-search.csv")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let records: Vec<Vec<String>> = reader
        .records()
        .take(5)
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let ids: Vec<String> = (1..=5).map(|i| format!("h{i:016x}-1")).collect();
    let rows: Vec<WorksheetRow<'_>> = records
        .iter()
        .zip(&ids)
        .enumerate()
        .map(|(i, (fields, id))| WorksheetRow {
            record_id: id,
            role: "sample",
            position: i + 1,
            fields,
        })
        .collect();
    let mut blank = Vec::new();
    write_worksheet(&mut blank, "PC Ben Hartley", "2018-10", &header, &rows).unwrap();

    // Typed in: four searches assessed, dates in the UK way, one left.
    let typed = ["03/11/2018", "4/11/2018", "30/10/2018", "1/10/2018"];
    let mut csv_reader = csv::Reader::from_reader(&blank[3..]);
    let columns: Vec<String> = csv_reader
        .headers()
        .unwrap()
        .iter()
        .map(String::from)
        .collect();
    let at = |name: &str| columns.iter().position(|c| c == name).unwrap();
    let mut filled = csv::Writer::from_writer(Vec::new());
    filled.write_record(&columns).unwrap();
    for (i, record) in csv_reader.records().enumerate() {
        let mut cells: Vec<String> = record.unwrap().iter().map(String::from).collect();
        if let Some(date) = typed.get(i) {
            for (column, value) in [
                ("grounds", "reasonable"),
                ("bwv", "reviewed"),
                ("gowisely", "yes"),
                ("conduct", "good"),
                ("referral", "none"),
                ("reviewer", "PC Ben Hartley"),
                ("reviewed_on", date),
            ] {
                cells[at(column)] = value.to_string();
            }
        }
        filled.write_record(&cells).unwrap();
    }
    let path = dir.path().join("PC_Ben_Hartley.csv");
    fs::write(&path, filled.into_inner().unwrap()).unwrap();

    let resaved = office.resave_csv_en_gb(&path, &dir.path().join("resaved"));
    let bytes = fs::read(&resaved).unwrap();
    let mut back = csv::Reader::from_reader(&bytes[..]);
    let back_header: Vec<String> = back.headers().unwrap().iter().map(String::from).collect();
    let back_at = |name: &str| back_header.iter().position(|c| c == name).unwrap();
    let back_rows: Vec<Vec<String>> = back
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let saved_dates: Vec<&str> = back_rows
        .iter()
        .map(|r| r[back_at("reviewed_on")].as_str())
        .collect();
    assert_eq!(
        saved_dates,
        ["03/11/18", "04/11/18", "30/10/18", "01/10/18", ""],
        "LibreOffice (en-GB) saves typed dates with two-digit years"
    );
    for (row, original) in back_rows.iter().zip(&records) {
        // A plain negative number is read as a number (LibreOffice may drop
        // a trailing zero on saving): the same value comes back.
        let (back, sent) = (clean(&row[back_at("Longitude")]), original[5].trim());
        assert_eq!(
            back.parse::<f64>().ok(),
            sent.parse::<f64>().ok(),
            "{back} {sent}"
        );
        assert_eq!(back.is_empty(), sent.is_empty());
    }

    // Import reads the short years as the dates typed, straight from the re-saved bytes.
    let today = chrono::Utc::now().date_naive();
    let sheet = parse_worksheet("resaved.csv", &bytes, today);
    assert!(sheet.problems.is_empty(), "{:?}", sheet.problems);
    let dates: Vec<NaiveDate> = sheet
        .rows
        .iter()
        .map(|r| r.assessment.reviewed_on)
        .collect();
    let expected: Vec<NaiveDate> = [(11, 3), (11, 4), (10, 30), (10, 1)]
        .iter()
        .map(|&(m, d)| NaiveDate::from_ymd_opt(2018, m, d).unwrap())
        .collect();
    assert_eq!(dates, expected);
    let ids_back: Vec<&str> = sheet.rows.iter().map(|r| r.record_id.as_str()).collect();
    assert_eq!(ids_back, ids[..4]);
    assert_eq!(sheet.empty.len(), 1);
}
