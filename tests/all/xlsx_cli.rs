//! Workbooks end to end through the command line: `sample` writes .xlsx by
//! default, `import` reads them back (also after LibreOffice re-saved them),
//! `status` warns about footage deadlines, and import's counting and date
//! rules (issue 15, items 11, 12 and 17).

use std::fs;

use crate::common::*;
use crate::office::office;
use crate::worksheets::{status, CHAMPIONS};
use grounds::assess::workbook::read_workbook;

fn draw(ws: &Workspace, extra: &[&str]) -> String {
    ws.champions(&CHAMPIONS);
    let mut args = vec!["--per-champion", "3", "--reserves", "1"];
    args.extend_from_slice(extra);
    ws.sample(&[shipped(KENT_JAN)], "2019-01", "xlsx-tests", &args)
}

#[test]
fn sample_writes_xlsx_by_default_and_csv_with_the_flag() {
    let ws = Workspace::new();
    ws.champions(&CHAMPIONS);
    ws.grounds()
        .args(["sample", "--month", "2019-01", "--seed", "s", "--export"])
        .arg(shipped(KENT_JAN))
        .arg("--champions")
        .arg(ws.path("champions.csv"))
        .assert()
        .success();
    let book = ws.path("worksheets/2019-01/PC_Ben_Hartley.xlsx");
    assert!(fs::read(&book).unwrap().starts_with(b"PK\x03\x04"));
    let manifest = ws.manifest("2019-01");
    assert_eq!(manifest["parameters"]["worksheet_format"], "xlsx");
    assert_eq!(manifest["parameters"]["bwv_retention_days"], 31);
    let sheet = read_workbook(&book).unwrap();
    assert_eq!(sheet.rows.len(), 25);

    let csv = Workspace::new();
    draw(
        &csv,
        &["--worksheet-format", "csv", "--bwv-retention-days", "14"],
    );
    assert!(csv.path("worksheets/2019-01/PC_Ben_Hartley.csv").is_file());
    assert!(!csv.path("worksheets/2019-01/PC_Ben_Hartley.xlsx").exists());
    let manifest = csv.manifest("2019-01");
    assert_eq!(manifest["parameters"]["worksheet_format"], "csv");
    assert_eq!(manifest["parameters"]["bwv_retention_days"], 14);
}

#[test]
fn a_manifest_from_before_workbooks_still_verifies() {
    let ws = Workspace::new();
    draw(&ws, &[]);
    let mut manifest = ws.manifest("2019-01");
    let parameters = manifest["parameters"].as_object_mut().unwrap();
    parameters.remove("worksheet_format");
    parameters.remove("bwv_retention_days");
    let old = ws.write("old-manifest.json", manifest.to_string());
    ws.grounds()
        .arg("verify")
        .arg(old)
        .arg("--export")
        .arg(shipped(KENT_JAN))
        .assert()
        .success();
}

/// `grounds import FILES`, with its exit code, stdout and stderr.
fn import(ws: &Workspace, args: &[&str]) -> (i32, String, String) {
    let output = ws.grounds().arg("import").args(args).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Replaces the assessment cells of the first `rows` rows of a CSV worksheet.
fn fill_csv(path: &std::path::Path, rows: usize, notes: &str, reviewed_on: &str) {
    let text = fs::read_to_string(path).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    for (i, record) in reader.records().enumerate() {
        let mut row: Vec<String> = record.unwrap().iter().map(String::from).collect();
        if i < rows {
            for (column, value) in [
                ("grounds", "reasonable"),
                ("bwv", "reviewed"),
                ("gowisely", "yes"),
                ("conduct", "good"),
                ("referral", "none"),
                ("notes", notes),
                ("reviewer", "PC Ben Hartley"),
                ("reviewed_on", reviewed_on),
            ] {
                row[at(column)] = value.to_string();
            }
        }
        writer.write_record(&row).unwrap();
    }
    fs::write(path, writer.into_inner().unwrap()).unwrap();
}

#[test]
fn review_dates_in_the_future_before_the_month_or_in_year_0026_are_refused() {
    let ws = Workspace::new();
    draw(&ws, &["--worksheet-format", "csv"]);
    let sheet = ws.path("worksheets/2019-01/PC_Ben_Hartley.csv");
    let file = sheet.to_str().unwrap();
    for (date, message) in [
        ("03/11/2999", "is after today"),
        ("31/12/2018", "before 2019-01, the month drawn"),
        ("0026-02-03", "four-digit year from 2000 on"),
    ] {
        let before = fs::read(&sheet).unwrap();
        fill_csv(&sheet, 1, "", date);
        let (code, _, stderr) = import(&ws, &[file]);
        assert_eq!(code, 2, "{date}: {stderr}");
        assert!(stderr.contains(message), "{date}: {stderr}");
        assert!(stderr.contains("column reviewed_on"), "{stderr}");
        fs::write(&sheet, before).unwrap();
    }
    fill_csv(&sheet, 1, "", "31/12/2018");
    let (code, stdout, stderr) = import(&ws, &["--allow-date", file]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("1 new"), "{stdout}");
}

#[test]
fn import_counts_honestly() {
    let ws = Workspace::new();
    draw(&ws, &["--worksheet-format", "csv"]);
    let sheet = ws.path("worksheets/2019-01/PC_Ben_Hartley.csv");
    let file = sheet.to_str().unwrap();
    // The same file twice is refused, whatever the path says.
    let other_path = format!(
        "{}/./PC_Ben_Hartley.csv",
        ws.path("worksheets/2019-01").display()
    );
    let (code, _, stderr) = import(&ws, &[file, &other_path]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is the same file as"), "{stderr}");

    // A search recorded with `record`: its blank row is not "not assessed yet".
    let manifest = ws.manifest("2019-01");
    let ben = &manifest["champions"][1];
    let first = strings(&ben["sample"])[0].clone();
    ws.grounds()
        .args([
            "record",
            "--month",
            "2019-01",
            "--champion",
            "PC Ben Hartley",
        ])
        .args([
            "--record-id",
            &first,
            "--grounds",
            "reasonable",
            "--bwv",
            "reviewed",
        ])
        .args([
            "--gowisely",
            "yes",
            "--conduct",
            "good",
            "--referral",
            "none",
        ])
        .args([
            "--reviewer",
            "PC Ben Hartley",
            "--reviewed-on",
            "2019-02-04",
        ])
        .assert()
        .success();
    let (code, stdout, stderr) = import(&ws, &[file]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("2 not assessed yet"), "{stdout}");
    assert!(
        stdout.contains("1 blank row(s) are of searches already assessed"),
        "{stdout}"
    );

    // A worksheet from another workspace: one problem, not one per row.
    let elsewhere = Workspace::new();
    draw(&elsewhere, &["--worksheet-format", "csv"]);
    fill_csv(&sheet, 3, "", "2019-02-04");
    let other_month = fs::read_to_string(&sheet)
        .unwrap()
        .replace(",2019-01,", ",2019-03,");
    let moved = ws.write("moved.csv", other_month);
    let (code, _, stderr_month) = import(&elsewhere, &[moved.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr_month}");
    assert_eq!(
        stderr_month.matches("has no draw for").count(),
        1,
        "{stderr_month}"
    );
    assert!(stderr_month.contains("2 more row(s)"), "{stderr_month}");
}

#[test]
fn text_starting_with_an_apostrophe_survives_the_round_trip() {
    let ws = Workspace::new();
    ws.write("champions.csv", "champion\n'Tis Officer\nPC Ben Hartley\n");
    ws.sample(
        &[shipped(KENT_JAN)],
        "2019-01",
        "apostrophes",
        &["--per-champion", "2", "--reserves", "0"],
    );
    let sheet = ws.path("worksheets/2019-01/Tis_Officer.csv");
    // In a CSV file one leading ' always means "text" (spreadsheets read it
    // so, and grounds' guard is one): a note that begins with ' has two.
    fill_csv(&sheet, 2, "''quoted' and =not a formula", "2019-02-04");
    let (code, stdout, stderr) = import(&ws, &[sheet.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("2 new"), "{stdout}");
    let id = strings(&ws.manifest("2019-01")["champions"][0]["sample"])[0].clone();
    let history = ws
        .grounds()
        .args(["history", "--record-id", &id])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&history.stdout);
    assert!(shown.contains("'quoted' and =not a formula"), "{shown}");
}

#[test]
fn status_warns_when_footage_deadlines_have_passed() {
    let ws = Workspace::new();
    draw(&ws, &[]);
    let output = ws.grounds().args(["status"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Footage deadlines"), "{stdout}");
    assert!(
        stdout.contains("PC Ben Hartley: 3 past the deadline"),
        "{stdout}"
    );
    let check = ws.grounds().args(["status", "--check"]).output().unwrap();
    assert_eq!(check.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(
        stderr.contains("footage deadline has passed for 9 search(es)"),
        "{stderr}"
    );
    let json = status(&ws);
    assert_eq!(json["footage_deadlines"].as_array().unwrap().len(), 9);
}

#[test]
fn sample_fill_resave_import_report_loses_nothing() {
    let Some(office) = office() else { return };
    let ws = Workspace::new();
    draw(&ws, &["--worksheet-format", "xlsx"]);
    let written = ws.path("worksheets/2019-01/PC_Ben_Hartley.xlsx");
    let sheet = read_workbook(&written).unwrap();
    let letter = |name: &str| {
        let index = sheet.index_of(name).unwrap();
        grounds::assess::workbook::column_letter(sheet.columns[index])
    };
    let mut cells = Vec::new();
    for row in 2..=4u32 {
        for (column, value) in [
            ("grounds", "not_reasonable"),
            ("bwv", "reviewed"),
            ("gowisely", "partial"),
            ("conduct", "adequate"),
            ("referral", "feedback"),
            ("notes", "'Tis a note: =SUM(1)"),
            ("reviewer", "PC Ben Hartley"),
        ] {
            cells.push(
                serde_json::json!({"cell": format!("{}{row}", letter(column)), "text": value}),
            );
        }
        cells.push(serde_json::json!({"cell": format!("{}{row}", letter("reviewed_on")), "date": "2019-02-05"}));
    }
    let filled = ws.path("filled/PC_Ben_Hartley.xlsx");
    fs::create_dir_all(filled.parent().unwrap()).unwrap();
    office.fill(
        &written,
        &filled,
        &serde_json::json!({"sheet": "Worksheet", "cells": cells}),
    );
    let resaved = office.convert(&filled, "xlsx:Calc MS Excel 2007 XML", &ws.path("resaved"));
    let (code, stdout, stderr) = import(&ws, &[resaved.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("3 new"), "{stdout}");
    assert!(stdout.contains("0 not assessed yet"), "{stdout}");
    assert!(stdout.contains("1 row(s) not for review"), "{stdout}");
    let report = ws
        .grounds()
        .args(["report", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    let text = report.to_string();
    assert!(
        text.contains("\"assessed\":3") || text.contains("\"assessed\": 3"),
        "{text}"
    );
    let id = strings(&ws.manifest("2019-01")["champions"][1]["sample"])[0].clone();
    let history = ws
        .grounds()
        .args(["history", "--record-id", &id])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&history.stdout);
    assert!(shown.contains("'Tis a note: =SUM(1)"), "{shown}");
    assert!(shown.contains("not_reasonable"), "{shown}");
    assert!(shown.contains("2019-02-05"), "{shown}");
}

#[test]
fn a_workbook_of_the_wrong_shape_is_one_problem_saying_so() {
    let ws = Workspace::new();
    draw(&ws, &[]);
    let path = ws.path("not-a-worksheet.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Type").unwrap();
    sheet.write_string(1, 0, "Person search").unwrap();
    book.save(&path).unwrap();
    let (code, _, stderr) = import(&ws, &[path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr.matches("not-a-worksheet.xlsx").count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("is this a workbook written by `grounds sample`?"),
        "{stderr}"
    );
    // A file named .xlsx that is not one says it cannot be opened.
    let fake = ws.write("fake.xlsx", "record_id,champion\n");
    let (code, _, stderr) = import(&ws, &[fake.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot be opened as a workbook"),
        "{stderr}"
    );
}

#[test]
fn record_refuses_a_review_date_after_today_unless_allowed() {
    let ws = Workspace::new();
    draw(&ws, &[]);
    let record = |extra: &[&str]| {
        ws.grounds()
            .args([
                "record",
                "--month",
                "2019-01",
                "--champion",
                "PC Ben Hartley",
            ])
            .args([
                "--grounds",
                "reasonable",
                "--bwv",
                "reviewed",
                "--gowisely",
                "yes",
            ])
            .args([
                "--conduct",
                "good",
                "--referral",
                "none",
                "--reviewer",
                "PC Ben",
            ])
            .args(["--reviewed-on", "01/01/2999"])
            .args(extra)
            .output()
            .unwrap()
    };
    let refused = record(&[]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("01/01/2999 is after today"), "{stderr}");
    assert_eq!(status(&ws)["months"][0]["totals"]["assessed"], 0);
    assert!(record(&["--allow-date"]).status.success());
    assert_eq!(status(&ws)["months"][0]["totals"]["assessed"], 1);
}
