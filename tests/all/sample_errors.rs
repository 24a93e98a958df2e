//! Bad input to `grounds sample`: a clear message naming file, line and
//! column, exit code 2, and nothing written.

use std::fs;
use std::path::PathBuf;

use predicates::prelude::*;

use crate::common::*;

const HEADER: &str = "Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,Age range,Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,Outcome,Outcome linked to object of search,Removal of more than just outer clothing";
const ROW: &str = "Person search,2019-01-04T21:13:00+00:00,,,51.27,1.08,Male,18-24,White - Irish,White,Misuse of Drugs Act 1971 (section 23),Controlled drugs,Arrest,True,";

/// Runs sample on `exports` in a fresh workspace, expects exit 2 with every
/// `expected` fragment on stderr, and checks that nothing was written.
fn refused(exports: &[(&str, Vec<u8>)], champions: &str, extra: &[&str], expected: &[&str]) {
    let ws = Workspace::new();
    let champions = ws.write("champions.csv", champions);
    let paths: Vec<PathBuf> = exports
        .iter()
        .map(|(name, bytes)| ws.write(name, bytes))
        .collect();
    let before = ws.files();
    let mut cmd = ws.grounds();
    cmd.args(["sample", "--month", "2019-01", "--seed", "s", "--champions"])
        .arg(&champions)
        .arg("--export");
    cmd.args(&paths).args(extra);
    let mut assert = cmd.assert().code(2);
    for fragment in expected {
        assert = assert.stderr(predicate::str::contains(*fragment));
    }
    assert_eq!(ws.files(), before, "a refused draw wrote files");
    assert!(!ws.db().exists());
}

fn export(rows: &[&str]) -> Vec<u8> {
    format!("{HEADER}\n{}\n", rows.join("\n")).into_bytes()
}

const CHAMPIONS: &str = "champion\nA\nB\n";

#[test]
fn excel_damaged_file_is_refused_with_the_reason() {
    let damaged = fs::read(real(
        "modified-by-uploader/2017-12-north-yorkshire-stop-and-search.csv",
    ))
    .unwrap();
    let ws = Workspace::new();
    ws.champions(&["A"]);
    let path = ws.write("north-yorkshire.csv", damaged);
    ws.grounds()
        .args([
            "sample",
            "--month",
            "2017-12",
            "--champions",
            "champions.csv",
            "--export",
        ])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "north-yorkshire.csv, line 3, column 14 (Outcome linked to object of search)",
        ))
        .stderr(predicate::str::contains("re-saved by a spreadsheet"));
    assert!(!ws.db().exists());
    assert!(!ws.path("worksheets").exists());
}

#[test]
fn age_range_turned_into_a_date_is_named() {
    let bad = ROW.replace("18-24", "Oct-17");
    refused(
        &[("x.csv", export(&[ROW, &bad]))],
        CHAMPIONS,
        &[],
        &["x.csv, line 3, column 8 (Age range)", "10-17 into a date"],
    );
}

#[test]
fn missing_required_column() {
    let header = HEADER.replace("Date,", "When,");
    let bytes = format!("{header}\n{ROW}\n").into_bytes();
    refused(
        &[("x.csv", bytes)],
        CHAMPIONS,
        &[],
        &["x.csv: no column named \"Date\"", "--columns"],
    );
}

#[test]
fn wrong_delimiter() {
    let bytes = format!("{}\n{}\n", HEADER.replace(',', ";"), ROW.replace(',', ";")).into_bytes();
    refused(
        &[("x.csv", bytes)],
        CHAMPIONS,
        &[],
        &["semicolon-separated"],
    );
}

#[test]
fn ragged_row() {
    let short = ROW.rsplit_once(',').unwrap().0;
    refused(
        &[("x.csv", export(&[ROW, ROW, short]))],
        CHAMPIONS,
        &[],
        &["x.csv, line 4", "14 fields but the header has 15"],
    );
}

#[test]
fn invalid_utf8() {
    let mut bytes = export(&[ROW]);
    let at = bytes.len() - 20;
    bytes[at] = 0xFF;
    refused(
        &[("x.csv", bytes)],
        CHAMPIONS,
        &[],
        &[
            "x.csv, line 2, column 12 (Object of search)",
            "not valid UTF-8",
        ],
    );
}

#[test]
fn unparseable_date() {
    let bad = ROW.replace("2019-01-04T21:13:00+00:00", "04/01/2019 21:13");
    refused(
        &[("x.csv", export(&[ROW, ROW, bad.as_str()]))],
        CHAMPIONS,
        &[],
        &[
            "x.csv, line 4, column 2 (Date)",
            "\"04/01/2019 21:13\" is not a date",
        ],
    );
}

#[test]
fn empty_file() {
    refused(
        &[("x.csv", Vec::new())],
        CHAMPIONS,
        &[],
        &["x.csv: the file is empty"],
    );
}

#[test]
fn the_same_file_twice() {
    // Same content under two names, and the same path twice.
    refused(
        &[("a.csv", export(&[ROW])), ("b.csv", export(&[ROW]))],
        CHAMPIONS,
        &[],
        &["b.csv is the same file as", "a.csv"],
    );
    let ws = Workspace::new();
    ws.champions(&["A"]);
    let path = ws.write("a.csv", export(&[ROW]));
    ws.grounds()
        .args([
            "sample",
            "--month",
            "2019-01",
            "--champions",
            "champions.csv",
            "--export",
        ])
        .args([&path, &path])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("same file"));
    assert!(!ws.db().exists());
}

#[test]
fn duplicate_id_in_an_id_column() {
    let ws = Workspace::new();
    ws.champions(&["A"]);
    ws.write("mapping.toml", "[columns]\nid = \"Ref\"\ndate = \"When\"\n");
    ws.write(
        "x.csv",
        "Ref,When\nR1,2019-01-02T10:00:00Z\nR2,2019-01-03T10:00:00Z\n R1 ,2019-01-04T10:00:00Z\n",
    );
    ws.grounds()
        .args([
            "sample",
            "--month",
            "2019-01",
            "--champions",
            "champions.csv",
            "--export",
            "x.csv",
            "--columns",
            "mapping.toml",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "x.csv, line 4, column 1 (Ref): record id \"R1\" appears twice (first at x.csv, line 2, column 1 (Ref))",
        ));
    assert!(!ws.db().exists());
    assert!(!ws.path("worksheets").exists());
}

#[test]
fn unknown_month() {
    let ws = Workspace::new();
    ws.champions(&["A"]);
    ws.grounds()
        .args([
            "sample",
            "--month",
            "2019-05",
            "--champions",
            "champions.csv",
            "--export",
        ])
        .arg(shipped(KENT_JAN))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no searches in 2019-05"))
        .stderr(predicate::str::contains("they cover 2019-01 to 2019-01"));
    assert!(!ws.db().exists());
    ws.grounds()
        .args([
            "sample",
            "--month",
            "2019-13",
            "--champions",
            "champions.csv",
            "--export",
        ])
        .arg(shipped(KENT_JAN))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("YYYY-MM"));
}

#[test]
fn empty_champions_file() {
    refused(
        &[("x.csv", export(&[ROW]))],
        "",
        &[],
        &["champions.csv: no champions listed"],
    );
    refused(
        &[("x.csv", export(&[ROW]))],
        "champion\n",
        &[],
        &["no champions listed"],
    );
}

#[test]
fn duplicate_champion_names() {
    refused(
        &[("x.csv", export(&[ROW]))],
        "champion\nPC Ada\nPC Ben\npc ada\n",
        &[],
        &["champions.csv, line 4: champion \"pc ada\" is listed twice (first on line 2)"],
    );
}

#[test]
fn areas_without_an_area_column() {
    refused(
        &[("x.csv", export(&[ROW]))],
        "champion,area\nA,North\n",
        &[],
        &["no area column"],
    );
}

#[test]
fn bad_mapping_file() {
    let ws = Workspace::new();
    ws.champions(&["A"]);
    ws.write(
        "mapping.toml",
        "[columns]\nidd = \"Ref\"\ndate = \"When\"\n",
    );
    ws.write("x.csv", "Ref,When\nR1,2019-01-02T10:00:00Z\n");
    ws.grounds()
        .args([
            "sample",
            "--month",
            "2019-01",
            "--champions",
            "champions.csv",
            "--export",
            "x.csv",
            "--columns",
            "mapping.toml",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("mapping.toml"))
        .stderr(predicate::str::contains("idd"));
}

#[test]
fn bom_crlf_and_quoted_fields_are_read() {
    let ws = Workspace::new();
    ws.champions(&["A"]);
    let quoted = ROW.replace("Controlled drugs", "\"Controlled drugs, \"\"class A\"\"\"");
    let body = format!("\u{feff}{HEADER}\r\n{ROW}\r\n{quoted}\r\n");
    ws.write("x.csv", body);
    ws.sample(
        &[ws.path("x.csv")],
        "2019-01",
        "s",
        &["--per-champion", "2", "--reserves", "0"],
    );
    let sheet = fs::read_to_string(ws.path("worksheets/2019-01/A.csv")).unwrap();
    assert!(sheet.contains("\"Controlled drugs, \"\"class A\"\"\""));
    // The BOM is not part of the first field's value: the id equals the one
    // computed from the same rows without BOM and with LF.
    let plain = Workspace::new();
    plain.champions(&["A"]);
    plain.write("x.csv", format!("{HEADER}\n{ROW}\n{quoted}\n"));
    plain.sample(
        &[plain.path("x.csv")],
        "2019-01",
        "s",
        &["--per-champion", "2", "--reserves", "0"],
    );
    let ids = |ws: &Workspace| {
        let mut ids = strings(&ws.manifest("2019-01")["champions"][0]["sample"]);
        ids.sort();
        ids
    };
    assert_eq!(ids(&ws), ids(&plain));
}
