//! `grounds report` on a workspace built from real Kent exports through the
//! same commands a coordinator runs: sample, fill worksheets, import.

use std::fs;
use std::sync::OnceLock;

use predicates::prelude::*;

use grounds::ethnicity::{broad_group, Group, Scheme};

use crate::common::*;
use crate::worksheets::Sheet;

const THIRTEEN: [&str; 13] = [
    "A Ahmed", "B Brown", "C Clarke", "D Davies", "E Evans", "F Fraser", "G Green", "H Hughes",
    "I Iqbal", "J Jones", "K Khan", "L Lewis", "M Morgan",
];

/// Kent January, one pool and one month (so the sample is self-weighting
/// and the design-based figures are the raw ones), 13 champions x 20,
/// assessed so that
/// 161 of 184 judged searches had reasonable grounds: 26 of 28 for people
/// from minority ethnic groups (self-defined) and 135 of 156 for White
/// people; every other sampled search is `insufficient_info`.
struct Inspection {
    ws: Workspace,
    insufficient: usize,
}

fn inspection() -> &'static Inspection {
    static BUILT: OnceLock<Inspection> = OnceLock::new();
    BUILT.get_or_init(|| {
        let ws = Workspace::new();
        ws.champions(&THIRTEEN);
        ws.sample(&[shipped(KENT_JAN)], "2019-01", "inspection-jan", &[]);
        let (mut minority, mut white, mut insufficient) = (0, 0, 0);
        let mut sheets = Vec::new();
        for month in ["2019-01"] {
            for entry in fs::read_dir(ws.path(&format!("worksheets/{month}"))).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "csv") {
                    sheets.push(path);
                }
            }
        }
        sheets.sort();
        for path in &sheets {
            let mut sheet = Sheet::load(path);
            for row in sheet.with_role("sample") {
                let group = broad_group(
                    Scheme::SelfDefined,
                    sheet.get(row, "Self-defined ethnicity"),
                );
                let verdict = match group.is_minority() {
                    Some(true) if minority < 28 => {
                        minority += 1;
                        if minority <= 26 {
                            "reasonable"
                        } else {
                            "not_reasonable"
                        }
                    }
                    Some(false) if white < 156 => {
                        white += 1;
                        match white {
                            ..=135 => "reasonable",
                            136..=150 => "not_reasonable",
                            _ => "none_recorded",
                        }
                    }
                    _ => {
                        insufficient += 1;
                        "insufficient_info"
                    }
                };
                let note = if row == 3 {
                    "Grounds text copied from another record <script>alert(1)</script>"
                } else {
                    ""
                };
                sheet.assess(row, verdict, note);
            }
            sheet.save(path);
        }
        assert_eq!(
            (minority, white),
            (28, 156),
            "the draw has enough searches of each group"
        );
        ws.grounds().arg("import").args(&sheets).assert().success();
        Inspection { ws, insufficient }
    })
}

fn report_json(args: &[&str]) -> serde_json::Value {
    let output = inspection()
        .ws
        .grounds()
        .args(["report", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn close(value: &serde_json::Value, expected: f64, tolerance: f64) -> bool {
    (value.as_f64().unwrap() - expected).abs() < tolerance
}

#[test]
fn json_gives_the_inspection_figures() {
    let json = report_json(&[]);
    assert_eq!(json["period"]["from"], "2019-01");
    assert_eq!(json["period"]["to"], "2019-01");
    assert_eq!(json["method"], "wilson");
    assert_eq!(json["confidence"], 0.95);
    let overall = &json["overall"];
    assert_eq!(overall["assessed"], 184);
    assert_eq!(overall["reasonable"], 161);
    assert_eq!(
        overall["insufficient_info"],
        inspection().insufficient as u64
    );
    assert!(close(&overall["proportion"], 0.875, 1e-12));
    assert!(
        close(&overall["lower"], 0.8194, 5e-5),
        "{}",
        overall["lower"]
    );
    assert!(
        close(&overall["upper"], 0.9152, 5e-5),
        "{}",
        overall["upper"]
    );
    let comparison = &json["comparison"];
    assert_eq!(comparison["group"], "Minority ethnic");
    assert_eq!(comparison["reference"], "White");
    assert!(
        close(&comparison["difference"], 0.063, 5e-4),
        "{}",
        comparison["difference"]
    );
    assert!(
        close(&comparison["lower"], -0.098, 5e-4),
        "{}",
        comparison["lower"]
    );
    assert!(
        close(&comparison["upper"], 0.144, 5e-4),
        "{}",
        comparison["upper"]
    );
    assert!(
        close(&comparison["p_fisher"], 0.537, 5e-4),
        "{}",
        comparison["p_fisher"]
    );
    assert_eq!(comparison["test"], "fisher");
    assert_eq!(comparison["p_value"], comparison["p_fisher"]);
    assert!(comparison["detectable_difference"].as_f64().unwrap() > 0.1);
    assert_eq!(overall["weighted"], false);
    assert_eq!(overall["effective_n"], 184.0);
    assert_eq!(overall["not_required"], 0);
    let design = &json["design"];
    assert_eq!(design["self_weighting"], true);
    assert_eq!(design["strata"].as_array().unwrap().len(), 1);
    assert_eq!(design["strata"][0]["judged"], 184);
    let groups = json["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 6);
    let white = groups.iter().find(|g| g["group"] == "White").unwrap();
    assert_eq!(
        (white["reasonable"].as_u64(), white["assessed"].as_u64()),
        (Some(135), Some(156))
    );
    assert_eq!(json["by_month"].as_array().unwrap().len(), 1);
    assert_eq!(json["by_champion"].as_array().unwrap().len(), 13);
    assert_eq!(json["completeness"]["outstanding"], 0);
}

#[test]
fn insufficient_info_is_never_in_a_denominator() {
    let json = report_json(&[]);
    let judged: u64 = json["by_month"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["assessed"].as_u64().unwrap())
        .sum();
    assert_eq!(judged, 184);
    let not_stated = json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == Group::NotStated.label())
        .unwrap();
    assert_eq!(
        not_stated["assessed"], 0,
        "only insufficient_info rows are Not stated here"
    );
    assert!(not_stated["proportion"].is_null());
}

#[test]
fn other_methods_levels_and_filters() {
    let beta = report_json(&["--method", "beta", "--confidence", "0.9"]);
    assert_eq!(beta["method"], "beta");
    assert!(
        beta["overall"]["lower"].as_f64() > Some(0.8194),
        "a 90% interval is narrower"
    );
    // --fpc is a deprecated no-op: the same figures, and a note saying so.
    let plain = report_json(&[]);
    let fpc = report_json(&["--fpc"]);
    assert_eq!(fpc, plain);
    inspection()
        .ws
        .grounds()
        .args(["report", "--fpc"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "--fpc is deprecated and does nothing",
        ));
    let january = report_json(&["--from", "2019-01", "--to", "2019-01"]);
    assert_eq!(january["by_month"].as_array().unwrap().len(), 1);
    let one = report_json(&["--champion", "C Clarke"]);
    assert_eq!(one["by_champion"].as_array().unwrap().len(), 1);
    let officer = report_json(&["--ethnicity", "officer"]);
    assert_eq!(officer["ethnicity"], "officer-defined");
}

#[test]
fn table_csv_and_markdown_carry_the_same_figures() {
    let ws = &inspection().ws;
    ws.grounds()
        .arg("report")
        .assert()
        .success()
        .stdout(predicate::str::contains("Reasonable grounds were evident in 161 of the 184 searches assessed (87.5%; 95% interval 81.9% to 91.5%)"))
        .stdout(predicate::str::contains("too few to judge"));
    let csv_text = String::from_utf8(
        ws.grounds()
            .args(["report", "--format", "csv"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let overall = csv_text
        .lines()
        .find(|l| l.starts_with("overall,"))
        .unwrap();
    assert!(
        overall.starts_with("overall,All searches,184,161,"),
        "{overall}"
    );
    ws.grounds()
        .args(["report", "--format", "markdown", "--out", "report.md"])
        .assert()
        .success();
    let markdown = fs::read_to_string(ws.path("report.md")).unwrap();
    assert!(markdown.contains("| **All searches** | 184 | 161 | 87.5% | 81.9% to 91.5% |"));
    assert!(
        markdown.contains("+6.3 points (95% interval −9.8 to +14.4")
            || markdown.contains("+6.3 points (95% interval -9.8 to +14.4"),
        "{markdown}"
    );
}

#[test]
fn bad_requests_get_clear_messages() {
    let ws = &inspection().ws;
    ws.grounds()
        .args(["report", "--from", "2019-03", "--to", "2019-01"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is empty"));
    ws.grounds()
        .args(["report", "--from", "2020-01", "--to", "2020-03"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no draws in 2020-01"));
    ws.grounds()
        .args(["report", "--champion", "Nobody"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no champion named \"Nobody\""))
        .stderr(predicate::str::contains("A Ahmed"));
    grounds()
        .args(["report", "--db", "/nonexistent/grounds.db"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no workspace at /nonexistent/grounds.db",
        ));
    ws.grounds()
        .args(["report", "--confidence", "1.5"])
        .assert()
        .code(2);
    ws.grounds()
        .args(["report", "--method", "bogus"])
        .assert()
        .code(2);
}

#[test]
fn a_partial_period_says_how_much_is_outstanding() {
    let ws = Workspace::new();
    ws.champions(&["A", "B"]);
    ws.sample(&[shipped(KENT_JAN)], "2019-01", "partial", &[]);
    ws.grounds()
        .args(["report"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no assessments recorded for 2019-01 to 2019-01",
        ))
        .stderr(predicate::str::contains(
            "40 searches are drawn and waiting for review",
        ));
    let path = ws.path("worksheets/2019-01/A.csv");
    let mut sheet = Sheet::load(&path);
    sheet.assess(0, "reasonable", "");
    sheet.assess(1, "not_reasonable", "");
    sheet.save(&path);
    ws.grounds().arg("import").arg(&path).assert().success();
    ws.grounds()
        .arg("report")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "NOT FINAL: 38 of the 40 searches drawn for review are still outstanding",
        ));
    let json: serde_json::Value = serde_json::from_slice(
        &ws.grounds()
            .args(["report", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(json["completeness"]["complete"], false);
    assert_eq!(json["completeness"]["outstanding"], 38);
}

#[test]
fn ethnicity_values_grounds_cannot_place_are_named_not_hidden() {
    let ws = Workspace::new();
    ws.champions(&["A"]);
    ws.write(
        "mapping.toml",
        "[columns]\nid = \"Ref\"\ndate = \"When\"\nself_defined_ethnicity = \"Ethnicity\"\n",
    );
    ws.write("x.csv", "Ref,When,Ethnicity\nR1,2025-01-02T10:00:00Z,White British\nR2,2025-01-03T10:00:00Z,Asian/Asian British - Indian\n");
    ws.grounds()
        .args([
            "sample",
            "--worksheet-format",
            "csv",
            "--month",
            "2025-01",
            "--champions",
            "champions.csv",
            "--seed",
            "s",
            "--export",
            "x.csv",
        ])
        .args([
            "--columns",
            "mapping.toml",
            "--per-champion",
            "2",
            "--reserves",
            "0",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "\"White British\", which grounds does not recognise",
        ));
    let path = ws.path("worksheets/2025-01/A.csv");
    let mut sheet = Sheet::load(&path);
    sheet.assess_sample("reasonable", "");
    sheet.save(&path);
    ws.grounds().arg("import").arg(&path).assert().success();
    ws.grounds()
        .args(["report", "--format", "markdown"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"White British\" (1)"));
    let json: serde_json::Value = serde_json::from_slice(
        &ws.grounds()
            .args(["report", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(json["unrecognised_ethnicity"][0]["value"], "White British");
}
