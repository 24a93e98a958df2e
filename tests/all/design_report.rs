//! `grounds report` when the sample is not self-weighting: two Kent months
//! of different sizes, each sampled by the same number of reviews. The JSON
//! must equal a direct stratified computation (Cochran 1977, ch. 5) made
//! here from the judged searches alone.

use std::fs;

use crate::common::*;
use crate::worksheets::Sheet;

/// (searches in the month N_h, judged n_h, reasonable x_h) per month, and the report.
fn two_months() -> (Vec<(f64, f64, f64)>, serde_json::Value) {
    let ws = Workspace::new();
    ws.champions(&["A Ahmed", "B Brown"]);
    ws.sample(&[shipped(KENT_JAN)], "2019-01", "weights-jan", &[]);
    ws.sample(&[shipped(KENT_FEB)], "2019-02", "weights-feb", &[]);
    let mut counts = Vec::new();
    let mut sheets = Vec::new();
    for (m, month) in ["2019-01", "2019-02"].iter().enumerate() {
        let (mut judged, mut reasonable) = (0.0, 0.0);
        let mut paths: Vec<_> = fs::read_dir(ws.path(&format!("worksheets/{month}")))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "csv"))
            .collect();
        paths.sort();
        for path in paths {
            let mut sheet = Sheet::load(&path);
            for (i, row) in sheet.with_role("sample").into_iter().enumerate() {
                // January mostly reasonable, February much less so; every
                // seventh search could not be judged.
                let verdict = if i % 7 == 6 {
                    "insufficient_info"
                } else if (m == 0 && i % 5 != 0) || (m == 1 && i % 2 == 0) {
                    "reasonable"
                } else {
                    "not_reasonable"
                };
                if verdict != "insufficient_info" {
                    judged += 1.0;
                    reasonable += f64::from(u8::from(verdict == "reasonable"));
                }
                sheet.assess(row, verdict, "");
            }
            sheet.save(&path);
            sheets.push(path);
        }
        counts.push((0.0, judged, reasonable));
    }
    ws.grounds().arg("import").args(&sheets).assert().success();
    let output = ws
        .grounds()
        .args(["report", "--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    for (h, month) in json["by_month"].as_array().unwrap().iter().enumerate() {
        counts[h].0 = month["population"].as_f64().unwrap();
    }
    (counts, json)
}

#[test]
fn months_of_different_sizes_are_weighted_by_their_searches() {
    let (strata, json) = two_months();
    let total: f64 = strata.iter().map(|s| s.0).sum();
    let p: f64 = strata.iter().map(|&(n, j, x)| n / total * x / j).sum();
    // v = Σ W_h² (1 − n_h/N_h) p_h (1 − p_h) / (n_h − 1)
    let v: f64 = strata
        .iter()
        .map(|&(n, j, x)| {
            let ph = x / j;
            (n / total).powi(2) * (1.0 - j / n) * ph * (1.0 - ph) / (j - 1.0)
        })
        .sum();
    let overall = &json["overall"];
    let close = |a: &serde_json::Value, b: f64| (a.as_f64().unwrap() - b).abs() < 1e-12;
    assert!(
        close(&overall["proportion"], p),
        "{} vs {p}",
        overall["proportion"]
    );
    assert!(
        close(&overall["standard_error"], v.sqrt()),
        "{} vs {}",
        overall["standard_error"],
        v.sqrt()
    );
    let judged: f64 = strata.iter().map(|s| s.1).sum();
    let raw: f64 = strata.iter().map(|s| s.2).sum::<f64>() / judged;
    assert!(
        (raw - p).abs() > 0.01,
        "the months differ, so weighting matters"
    );
    assert_eq!(overall["weighted"], true);
    assert!(close(
        &overall["effective_n"],
        judged.min(p * (1.0 - p) / v)
    ));
    // Within a month every search weighs the same: the month's figure is raw.
    for (h, month) in json["by_month"].as_array().unwrap().iter().enumerate() {
        assert!(close(&month["proportion"], strata[h].2 / strata[h].1));
    }
    let design = &json["design"];
    assert_eq!(design["self_weighting"], false);
    assert_eq!(design["strata"].as_array().unwrap().len(), 2);
    assert!(
        design["strata_from_snapshot"]
            .as_array()
            .unwrap()
            .is_empty(),
        "the draws kept their strata in the manifest"
    );
    for (h, stratum) in design["strata"].as_array().unwrap().iter().enumerate() {
        assert!(close(&stratum["weight"], strata[h].0 / strata[h].1));
    }
    if let Some(comparison) = json["comparison"].as_object() {
        assert_eq!(comparison["test"], "design_wald");
        assert!(comparison["p_fisher"].is_null());
    }
}

/// Kent January with every fifth search under section 60 (both
/// data.police.uk spellings): reviewed for conduct, counted apart, in no
/// grounds proportion whatever verdict the reviewer gave.
/// Kent January with every fifth search under section 60, in both
/// data.police.uk spellings.
fn kent_with_section_60(ws: &Workspace) -> std::path::PathBuf {
    let source = fs::read_to_string(shipped(KENT_JAN)).unwrap();
    let mut text = String::new();
    for (i, line) in source.lines().enumerate() {
        let line = match (i, i % 5) {
            (0, _) => line.to_string(),
            (_, 0) => line.replace(
                "Police and Criminal Evidence Act 1984 (section 1)",
                if i % 2 == 0 {
                    "Criminal Justice and Public Order Act 1994 (section 60)"
                } else {
                    "section 60 Criminal Justice and Public Order Act 1994"
                },
            ),
            _ => line.to_string(),
        };
        text.push_str(&line);
        text.push('\n');
    }
    ws.write("s60.csv", text)
}

#[test]
fn section_60_searches_are_counted_apart() {
    let ws = Workspace::new();
    let export = kent_with_section_60(&ws);
    ws.champions(&["A Ahmed", "B Brown"]);
    ws.sample(&[export], "2019-01", "section-60", &[]);
    let (mut s60, mut judged, mut reasonable) = (0u64, 0u64, 0u64);
    let mut sheets = Vec::new();
    for name in ["A_Ahmed", "B_Brown"] {
        let path = ws.path(&format!("worksheets/2019-01/{name}.csv"));
        let mut sheet = Sheet::load(&path);
        for (i, row) in sheet.with_role("sample").into_iter().enumerate() {
            let no_suspicion = sheet.get(row, "Legislation").contains("section 60");
            // Section 60 searches get "not_reasonable": were they counted,
            // the proportion would fall.
            let verdict = if no_suspicion || i % 4 == 0 {
                "not_reasonable"
            } else {
                "reasonable"
            };
            if no_suspicion {
                s60 += 1;
            } else {
                judged += 1;
                reasonable += u64::from(verdict == "reasonable");
            }
            sheet.assess(row, verdict, "");
        }
        sheet.save(&path);
        sheets.push(path);
    }
    assert!(s60 > 0, "the draw took some section 60 searches");
    ws.grounds().arg("import").args(&sheets).assert().success();
    let output = ws
        .grounds()
        .args(["report", "--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let overall = &json["overall"];
    assert_eq!(overall["not_required"].as_u64(), Some(s60));
    assert_eq!(overall["assessed"].as_u64(), Some(judged));
    assert_eq!(overall["reasonable"].as_u64(), Some(reasonable));
    let p = overall["proportion"].as_f64().unwrap();
    assert!((p - reasonable as f64 / judged as f64).abs() < 1e-12);
    let not_required: u64 = json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["not_required"].as_u64().unwrap())
        .sum();
    assert_eq!(not_required, s60, "each group counts its own apart");
    let verdicts = json["breakdowns"]["verdicts"].as_array().unwrap();
    let counted = verdicts
        .iter()
        .find(|v| v["value"] == "not_required")
        .unwrap();
    assert_eq!(counted["count"].as_u64(), Some(s60));
    for row in json["by_legislation"].as_array().unwrap() {
        if row["value"].as_str().unwrap().contains("section 60") {
            assert_eq!(row["assessed"], 0);
            assert!(row["proportion"].is_null());
        }
    }
    ws.grounds()
        .arg("report")
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "under a power that needs no reasonable grounds",
        ))
        // Its "By legislation" row says why it has no figure, not "none assessed".
        .stdout(predicates::str::contains("power needs no grounds"));
}

/// `not_required` is the verdict for a search under a no-suspicion power and
/// is refused, naming the line and the power, for any other search.
#[test]
fn not_required_is_accepted_for_section_60_and_refused_elsewhere() {
    let ws = Workspace::new();
    let export = kent_with_section_60(&ws);
    ws.champions(&["A Ahmed"]);
    ws.sample(&[export], "2019-01", "not-required", &[]);
    let path = ws.path("worksheets/2019-01/A_Ahmed.csv");
    let original = fs::read_to_string(&path).unwrap();
    let mut sheet = Sheet::load(&path);
    let rows = sheet.with_role("sample");
    let (mut s60, mut judged) = (0u64, 0u64);
    let mut wrong_line = None;
    let mut wrong_power = String::new();
    for (i, row) in rows.into_iter().enumerate() {
        if sheet.get(row, "Legislation").contains("section 60") {
            s60 += 1;
            sheet.assess(row, "not_required", "");
        } else {
            judged += 1;
            if wrong_line.is_none() {
                // A data row's line: the header is line 1.
                wrong_line = Some(i + 2);
                wrong_power = sheet.get(row, "Legislation").to_string();
                sheet.assess(row, "not_required", "");
            } else {
                sheet.assess(row, "reasonable", "");
            }
        }
    }
    assert!(s60 > 0 && judged > 0);
    sheet.save(&path);
    let refused = ws.grounds().arg("import").arg(&path).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("not_required is only for a search under a power that needs no suspicion"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("made under \"{wrong_power}\"")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("line {}", wrong_line.unwrap())),
        "names the line: {stderr}"
    );

    // `record` applies the same rule, and saves the other answers.
    let mut s60_id = String::new();
    let mut other_id = String::new();
    for row in sheet.with_role("sample") {
        let id = sheet.get(row, "record_id").to_string();
        if sheet.get(row, "Legislation").contains("section 60") {
            s60_id = id;
        } else if other_id.is_empty() {
            other_id = id;
        }
    }
    let record = |id: &str| {
        ws.grounds()
            .args([
                "record",
                "--month",
                "2019-01",
                "--champion",
                "A Ahmed",
                "--record-id",
                id,
            ])
            .args([
                "--grounds",
                "not_required",
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
                "A Ahmed",
            ])
            .args(["--reviewed-on", "2019-02-04"])
            .output()
            .unwrap()
    };
    let refused = record(&other_id);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("not_required is only for"), "{stderr}");
    // Answers given as flags are not saved: the message must not say so.
    assert!(!stderr.contains("answers are saved"), "{stderr}");
    let saved = record(&s60_id);
    assert!(
        saved.status.success(),
        "{}",
        String::from_utf8_lossy(&saved.stderr)
    );

    // The same worksheet with a judged verdict on that row imports.
    fs::write(&path, &original).unwrap();
    let mut sheet = Sheet::load(&path);
    for row in sheet.with_role("sample") {
        let verdict = if sheet.get(row, "Legislation").contains("section 60") {
            "not_required"
        } else {
            "reasonable"
        };
        sheet.assess(row, verdict, "");
    }
    sheet.save(&path);
    // --amend: the section 60 search recorded above differs from its row.
    ws.grounds()
        .args(["import", "--amend"])
        .arg(&path)
        .assert()
        .success();
    let output = ws
        .grounds()
        .args(["report", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["overall"]["not_required"].as_u64(), Some(s60));
    assert_eq!(json["overall"]["assessed"].as_u64(), Some(judged));
    assert_eq!(json["overall"]["proportion"].as_f64(), Some(1.0));
}

/// In the workbook, the grounds cell of each section 60 search carries a
/// note saying `not_required` is its verdict; no other search has one.
#[test]
fn workbook_rows_under_section_60_say_so() {
    use std::io::Read;
    let ws = Workspace::new();
    let export = kent_with_section_60(&ws);
    ws.champions(&["A Ahmed"]);
    ws.sample(
        &[export],
        "2019-01",
        "not-required",
        &["--worksheet-format", "xlsx"],
    );
    let xlsx = ws.path("worksheets/2019-01/A_Ahmed.xlsx");
    let mut archive = zip::ZipArchive::new(fs::File::open(&xlsx).unwrap()).unwrap();
    let mut comments = String::new();
    archive
        .by_name("xl/comments1.xml")
        .expect("the workbook has notes")
        .read_to_string(&mut comments)
        .unwrap();
    let notes = comments.matches("needs no suspicion").count();

    // The same draw as CSV, in a workspace of its own, to read the powers.
    ws.sample(
        &[ws.path("s60.csv")],
        "2019-01",
        "not-required",
        &["--db", "csv.db", "--out", "csv-worksheets"],
    );
    let sheet = Sheet::load(&ws.path("csv-worksheets/2019-01/A_Ahmed.csv"));
    let s60 = (0..sheet.rows.len())
        .filter(|&r| sheet.get(r, "Legislation").contains("section 60"))
        .count();
    assert!(s60 > 0);
    assert_eq!(
        notes, s60,
        "one note per section 60 search, sample and reserves"
    );
}
