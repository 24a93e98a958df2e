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
    assert_eq!(design["strata_from_snapshot"].as_array().unwrap().len(), 2);
    for (h, stratum) in design["strata"].as_array().unwrap().iter().enumerate() {
        assert!(close(&stratum["weight"], strata[h].0 / strata[h].1));
    }
    if let Some(comparison) = json["comparison"].as_object() {
        assert_eq!(comparison["test"], "design_wald");
        assert!(comparison["p_fisher"].is_null());
    }
}
