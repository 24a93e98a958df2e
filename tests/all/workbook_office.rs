//! Champions' workbooks against real spreadsheet software. Our writer makes
//! the .xlsx; openpyxl (an independent .xlsx writer) fills it in as a
//! champion would; headless LibreOffice re-saves it as .xlsx and .ods and
//! renders it to PDF, then PNG (target/workbook-artifacts/); read_workbook
//! must get back every value. The office parts are skipped, saying why, when
//! LibreOffice, pdftoppm or openpyxl is missing, unless GROUNDS_REQUIRE_OFFICE=1
//! (set by .ci/run after .ci/office-setup.sh). The rest needs nothing.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::Command;

use chrono::DateTime;
use grounds::assess::fields::{parse_cells, Cells};
use grounds::assess::import::parse_worksheet;
use grounds::assess::workbook::{
    column_letter, read_workbook, workbook_header, write_workbook, ReadSheet, SearchedAt,
    WorkbookContent, WorkbookError, WorkbookRow, DEFAULT_RETENTION_DAYS, VOCABULARIES,
};
use grounds::assess::Grounds;

use crate::common::*;
use crate::office::{artifacts, check_not_blank, office, run};

/// `count` searches from a real export (in file order), as a workbook for `month`.
fn real_content(export: &str, month: &str, count: usize, pick: &[&str]) -> WorkbookContent {
    let mut reader = csv::Reader::from_path(real(export)).expect("the real export");
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let records: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .filter(|fields: &Vec<String>| pick.is_empty() || pick.contains(&fields[1].as_str()))
        .take(count)
        .collect();
    assert_eq!(records.len(), count, "{export} has the searches asked for");
    let rows = records
        .into_iter()
        .enumerate()
        .map(|(i, fields)| WorkbookRow {
            record_id: format!("h{:016x}-1", 0xfeed_0000 + i),
            role: if i < count - 1 { "sample" } else { "reserve" }.to_string(),
            position: if i < count - 1 { i + 1 } else { 1 },
            searched_at: Some(SearchedAt::Instant(
                DateTime::parse_from_rfc3339(&fields[1]).unwrap().to_utc(),
            )),
            fields,
            answers: Vec::new(),
            no_suspicion: false,
        })
        .collect();
    WorkbookContent {
        champion: "PC Ben Hartley".to_string(),
        month: month.parse().unwrap(),
        timezone: "Europe/London".parse().unwrap(),
        retention_days: DEFAULT_RETENTION_DAYS,
        export_header: header,
        rows,
    }
}

/// The A1 column letter of a header in the written workbook.
fn letter(content: &WorkbookContent, name: &str) -> String {
    let index = workbook_header(content)
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("{name} is a workbook column"));
    column_letter(index as u32 + 1)
}

fn xml_part(xlsx: &Path, part: &str) -> String {
    let mut archive = zip::ZipArchive::new(fs::File::open(xlsx).unwrap()).unwrap();
    let mut text = String::new();
    archive
        .by_name(part)
        .unwrap_or_else(|_| panic!("{part} in {}", xlsx.display()))
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn written_workbook_has_drop_downs_a_date_check_protection_and_frozen_panes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("PC_Ben_Hartley.xlsx");
    let content = real_content(
        "2018-10-city-of-london-stop-and-search.csv",
        "2018-10",
        6,
        &[],
    );
    write_workbook(&path, &content).unwrap();
    let sheet = xml_part(&path, "xl/worksheets/sheet1.xml");
    let last = content.rows.len() + 1;
    for vocabulary in &VOCABULARIES {
        let column = letter(&content, vocabulary.column);
        let list = format!("<formula1>\"{}\"</formula1>", vocabulary.values.join(","));
        let range = format!("sqref=\"{column}2:{column}{last}\"");
        let found = sheet
            .split("<dataValidation ")
            .skip(1)
            .any(|v| v.contains("type=\"list\"") && v.contains(&range) && v.contains(&list));
        assert!(found, "no drop-down {list} on {range} in {sheet}");
    }
    // reviewed_on: a date, on or after 1 October 2018 (serial 43374).
    let column = letter(&content, "reviewed_on");
    let date_check = sheet
        .split("<dataValidation ")
        .skip(1)
        .find(|v| v.contains(&format!("sqref=\"{column}2:{column}{last}\"")))
        .expect("a validation on reviewed_on");
    assert!(date_check.contains("type=\"date\""), "{date_check}");
    assert!(
        date_check.contains("operator=\"greaterThanOrEqual\""),
        "{date_check}"
    );
    assert!(
        date_check.contains("<formula1>43374</formula1>"),
        "{date_check}"
    );
    assert!(sheet.contains("<sheetProtection"), "protected");
    assert!(
        sheet.contains("xSplit=\"1\"") && sheet.contains("ySplit=\"1\""),
        "frozen header and first column"
    );
    assert!(sheet.contains("state=\"frozen\""));
    let book = xml_part(&path, "xl/workbook.xml");
    assert!(
        book.contains("name=\"Worksheet\"") && book.contains("name=\"How to fill this in\""),
        "{book}"
    );
    let styles = xml_part(&path, "xl/styles.xml");
    assert!(
        styles.contains("locked=\"0\""),
        "the assessment cells are unlocked"
    );

    // Assessment columns straight after record_id, role, position.
    let header = workbook_header(&content);
    assert_eq!(
        header[..5],
        ["record_id", "role", "position", "grounds", "bwv"]
    );
    assert_eq!(header[11], "reviewed_on");
    assert_eq!(&header[header.len() - 15], "Type");

    // Read back untouched: every export field exactly, nothing assessed.
    let read = read_workbook(&path).unwrap();
    assert_eq!(read.sheet, "Worksheet");
    assert_eq!(read.rows.len(), content.rows.len());
    for (row, written) in read.rows.iter().zip(&content.rows) {
        assert_eq!(read.cell(row, "record_id"), written.record_id);
        assert_eq!(read.cell(row, "month"), "2018-10");
        let exported: Vec<&str> = content
            .export_header
            .iter()
            .map(|name| read.cell(row, name))
            .collect();
        assert_eq!(exported, written.fields);
        assert_eq!(parse_cells(|f| read.cell(row, f)), Cells::Empty);
    }
    assert!(
        content.rows[0].fields.iter().any(|f| f.starts_with('-')),
        "a negative longitude"
    );
}

#[test]
fn formula_text_stays_text_and_the_guide_lists_every_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.xlsx");
    let mut content = real_content(
        "2018-10-city-of-london-stop-and-search.csv",
        "2018-10",
        2,
        &[],
    );
    content.rows[0].fields[3] = "=HYPERLINK(\"http://example.invalid\",\"x\")".to_string();
    write_workbook(&path, &content).unwrap();
    let sheet = xml_part(&path, "xl/worksheets/sheet1.xml");
    assert!(!sheet.contains("<f>"), "no formula cells");
    let read = read_workbook(&path).unwrap();
    assert_eq!(
        read.cell(&read.rows[0], "Policing operation"),
        content.rows[0].fields[3]
    );
    let strings = xml_part(&path, "xl/sharedStrings.xml");
    for vocabulary in &VOCABULARIES {
        assert!(
            strings.contains(&vocabulary.values.join(", ")),
            "{} in the guide",
            vocabulary.column
        );
    }
    assert!(strings.contains("footage deleted after") && strings.contains("+ 31 days"));
}

#[test]
fn london_time_and_footage_deadline_on_the_bst_edge() {
    let dir = tempfile::tempdir().unwrap();
    // Real City of London searches: late Saturday in UTC is early Sunday in
    // London (BST), the 6 October one likewise; 31 October is after the
    // clocks went back, so London is UTC again.
    let september = real_content(
        "2018-09-city-of-london-stop-and-search.csv",
        "2018-09",
        1,
        &["2018-09-29T23:54:42+00:00"],
    );
    let october = real_content(
        "2018-10-city-of-london-stop-and-search.csv",
        "2018-10",
        2,
        &["2018-10-06T23:59:59+00:00", "2018-10-31T05:50:40+00:00"],
    );
    let mut seen = Vec::new();
    for (name, content) in [("sep.xlsx", &september), ("oct.xlsx", &october)] {
        let path = dir.path().join(name);
        write_workbook(&path, content).unwrap();
        let read = read_workbook(&path).unwrap();
        for row in &read.rows {
            seen.push([
                read.cell(row, "searched (Europe/London)").to_string(),
                read.cell(row, "searched (UTC)").to_string(),
                read.cell(row, "footage deleted after").to_string(),
            ]);
        }
    }
    assert_eq!(
        seen,
        [
            ["30/09/2018 00:54:42", "29/09/2018 23:54:42", "31/10/2018"],
            ["07/10/2018 00:59:59", "06/10/2018 23:59:59", "07/11/2018"],
            ["31/10/2018 05:50:40", "31/10/2018 05:50:40", "01/12/2018"],
        ]
    );
    // The deadline follows the retention period given.
    let mut short = september.clone();
    short.retention_days = 7;
    let path = dir.path().join("short.xlsx");
    write_workbook(&path, &short).unwrap();
    let read = read_workbook(&path).unwrap();
    assert_eq!(
        read.cell(&read.rows[0], "footage deleted after"),
        "07/10/2018"
    );
}

#[test]
fn a_workbook_of_the_wrong_shape_says_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Type").unwrap();
    sheet.write_string(0, 1, "Date").unwrap();
    book.save(&path).unwrap();
    let err = read_workbook(&path).unwrap_err();
    assert!(matches!(err, WorkbookError::NoWorksheet { .. }));
    let shown = err.to_string();
    assert!(shown.starts_with(&path.display().to_string()), "{shown}");
    assert!(
        shown.contains("no sheet named \"Worksheet\"") && shown.contains("\"Sheet1\""),
        "{shown}"
    );

    let path = dir.path().join("cut.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Worksheet").unwrap();
    for (col, name) in ["record_id", "champion", "month", "grounds", "bwv"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    book.save(&path).unwrap();
    let shown = read_workbook(&path).unwrap_err().to_string();
    assert!(
        shown.contains(
            "missing from the header row: gowisely, conduct, referral, reviewer, reviewed_on"
        ),
        "{shown}"
    );

    let path = dir.path().join("text.xlsx");
    fs::write(&path, "record_id,champion\n").unwrap();
    let shown = read_workbook(&path).unwrap_err().to_string();
    assert!(shown.contains("cannot be opened as a workbook"), "{shown}");
}

// ---- with real office software (tests/all/office.rs) ----

/// One cell a champion types: column, openpyxl's cell spec, the text expected back.
type Fill = (String, serde_json::Value, String);

/// What the champion types, per sheet row.
fn fills(content: &WorkbookContent) -> Vec<(u32, Vec<Fill>)> {
    use serde_json::json;
    let mut rows = Vec::new();
    for row in 2..=5u32 {
        let i = (row - 2) as usize;
        let pick = |column: &str| {
            let v = VOCABULARIES.iter().find(|v| v.column == column).unwrap();
            v.values[i % v.values.len()].to_string()
        };
        let mut cells = Vec::new();
        for column in ["grounds", "bwv", "gowisely", "conduct", "referral"] {
            let value = pick(column);
            cells.push((column.to_string(), json!({ "text": value }), value));
        }
        cells.push((
            "themes".into(),
            json!({"text": "grounds wording; BWV"}),
            "grounds wording; BWV".into(),
        ));
        cells.push((
            "reviewer".into(),
            json!({"text": "PC Ben Hartley"}),
            "PC Ben Hartley".into(),
        ));
        let (notes, notes_back) = match row {
            2 => (
                json!({"text": "+44 20 7946 0000 rang: '=not a formula"}),
                "+44 20 7946 0000 rang: '=not a formula",
            ),
            3 => (json!({"number": 42}), "42"),
            4 => (json!({"number": -1.5}), "-1.5"),
            _ => (
                json!({"text": "Siân O'Brien – “quoted”"}),
                "Siân O'Brien – “quoted”",
            ),
        };
        cells.push(("notes".into(), notes, notes_back.into()));
        let (date, date_back) = match row {
            2 => (json!({"date": "2018-11-02"}), "02/11/2018"),
            3 => (json!({"number": 43407}), "03/11/2018"),
            4 => (json!({"text": "04/11/2018"}), "04/11/2018"),
            _ => (json!({"date": "2019-01-31"}), "31/01/2019"),
        };
        cells.push(("reviewed_on".into(), date, date_back.into()));
        let cells = cells
            .into_iter()
            .map(|(column, spec, back)| {
                let mut spec = spec;
                spec["cell"] = json!(format!("{}{row}", letter(content, &column)));
                (column, spec, back)
            })
            .collect();
        rows.push((row, cells));
    }
    rows
}

fn check_filled(read: &ReadSheet, content: &WorkbookContent, cleared: u32, what: &str) {
    let fills = fills(content);
    // As the CSV import will read it: the filled rows, on their sheet rows.
    let imported = parse_worksheet(&read.file, &read.to_csv(), chrono::Utc::now().date_naive());
    assert!(
        imported.problems.is_empty(),
        "{what}: {:?}",
        imported.problems
    );
    let lines: Vec<u64> = imported.rows.iter().map(|r| r.line).collect();
    let filled: Vec<u64> = fills.iter().map(|(row, _)| u64::from(*row)).collect();
    assert_eq!(lines, filled, "{what}");
    assert_eq!(
        imported.empty.len(),
        content.rows.len() - filled.len() - 1,
        "{what}"
    );
    let expected_rows: Vec<u32> = (2..=content.rows.len() as u32 + 1)
        .filter(|r| *r != cleared)
        .collect();
    let rows: Vec<u32> = read.rows.iter().map(|r| r.row).collect();
    assert_eq!(
        rows, expected_rows,
        "{what}: the cleared row is skipped, no other"
    );
    for row in &read.rows {
        let written = &content.rows[row.row as usize - 2];
        assert_eq!(read.cell(row, "record_id"), written.record_id, "{what}");
        assert_eq!(read.cell(row, "champion"), "PC Ben Hartley", "{what}");
        assert_eq!(read.cell(row, "month"), "2018-10", "{what}");
        assert_eq!(
            read.cell(row, "position"),
            written.position.to_string(),
            "{what}"
        );
        let exported: Vec<&str> = content
            .export_header
            .iter()
            .map(|n| read.cell(row, n))
            .collect();
        assert_eq!(
            exported, written.fields,
            "{what}: export fields of row {}",
            row.row
        );
        let local = read.cell(row, "searched (Europe/London)");
        assert_eq!(local.len(), "01/10/2018 22:53:28".len(), "{what}: {local}");
        match fills.iter().find(|(r, _)| *r == row.row) {
            Some((_, cells)) => {
                for (column, _, back) in cells {
                    assert_eq!(
                        read.cell(row, column),
                        back,
                        "{what}: {column} of row {}",
                        row.row
                    );
                }
                let Cells::Assessed(assessment) = parse_cells(|f| read.cell(row, f)) else {
                    panic!(
                        "{what}: row {} does not import: {:?}",
                        row.row,
                        parse_cells(|f| read.cell(row, f))
                    );
                };
                assert_eq!(assessment.reviewer, "PC Ben Hartley");
                if row.row == 2 {
                    assert_eq!(assessment.grounds, Grounds::Reasonable);
                    assert_eq!(assessment.reviewed_on.to_string(), "2018-11-02");
                }
            }
            None => assert_eq!(
                parse_cells(|f| read.cell(row, f)),
                Cells::Empty,
                "{what}: row {}",
                row.row
            ),
        }
    }
}

#[test]
fn filled_by_openpyxl_resaved_by_libreoffice_nothing_is_lost() {
    let Some(office) = office() else { return };
    let dir = tempfile::tempdir().unwrap();
    let content = real_content(
        "2018-10-city-of-london-stop-and-search.csv",
        "2018-10",
        8,
        &[],
    );
    let written = dir.path().join("PC_Ben_Hartley.xlsx");
    write_workbook(&written, &content).unwrap();
    let cleared = 7;
    let cells: Vec<serde_json::Value> = fills(&content)
        .into_iter()
        .flat_map(|(_, cells)| cells.into_iter().map(|(_, spec, _)| spec))
        .collect();
    let filled = dir.path().join("filled").join("PC_Ben_Hartley.xlsx");
    fs::create_dir_all(filled.parent().unwrap()).unwrap();
    office.fill(
        &written,
        &filled,
        &serde_json::json!({"sheet": "Worksheet", "cells": cells, "clear_rows": [cleared], "extra_sheet_first": "Notes"}),
    );
    check_filled(
        &read_workbook(&filled).unwrap(),
        &content,
        cleared,
        "openpyxl",
    );

    let xlsx = office.convert(
        &filled,
        "xlsx:Calc MS Excel 2007 XML",
        &dir.path().join("resaved"),
    );
    let read = read_workbook(&xlsx).unwrap();
    assert_eq!(
        read.sheet, "Worksheet",
        "found by name behind the extra sheet"
    );
    check_filled(&read, &content, cleared, "LibreOffice .xlsx");
    // LibreOffice keeps the drop-downs and the protection.
    let sheets: Vec<String> = (1..=2)
        .map(|n| xml_part(&xlsx, &format!("xl/worksheets/sheet{n}.xml")))
        .collect();
    let ours = sheets
        .iter()
        .find(|s| s.contains("<dataValidation"))
        .expect("drop-downs kept");
    assert!(ours.contains("<sheetProtection"));

    let ods = office.convert(&filled, "ods", &dir.path().join("ods"));
    check_filled(
        &read_workbook(&ods).unwrap(),
        &content,
        cleared,
        "LibreOffice .ods",
    );

    // Our sheet renamed, behind another: found by its record_id header.
    let renamed = dir.path().join("renamed.xlsx");
    office.fill(
        &written,
        &renamed,
        &serde_json::json!({"sheet": "Worksheet", "cells": [], "extra_sheet_first": "Notes", "rename_sheet": "Sheet1"}),
    );
    let read = read_workbook(&renamed).unwrap();
    assert_eq!(
        (read.sheet.as_str(), read.rows.len()),
        ("Sheet1", content.rows.len())
    );

    // A picture of it filled in, as a champion sees it (without the extra
    // sheet, which would be page one).
    let shown = artifacts().join("worksheet.xlsx");
    office.fill(
        &written,
        &shown,
        &serde_json::json!({"sheet": "Worksheet", "cells": cells, "clear_rows": [cleared]}),
    );
    let pdf = office.convert(&shown, "pdf", &artifacts());
    let stem = artifacts().join("worksheet");
    run(
        Command::new(&office.pdftoppm)
            .args(["-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile"])
            .arg(&pdf)
            .arg(&stem),
        "pdftoppm",
    );
    check_not_blank(&stem.with_extension("png"));
}
