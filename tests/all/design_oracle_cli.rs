//! `grounds report` on a force export with districts of very different
//! sizes (70% / 20% / 10% of each month's searches) across two months, one
//! champion per district: every figure equals samplics' (an independent
//! survey library) computed from the judged searches, to 1e-9. The judged
//! searches are written to `tests/data/oracle/design_workspace_units.csv`
//! (the test checks the committed file is this workspace's) and
//! `make_design_oracle.py workspace` made `design_workspace_expected.csv`.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use grounds::ethnicity::{broad_group, Scheme};

use crate::common::*;
use crate::worksheets::Sheet;

const DISTRICTS: [&str; 3] = ["North", "East", "West"];

fn district(row: usize) -> &'static str {
    match row % 10 {
        0..=6 => DISTRICTS[0],
        7 | 8 => DISTRICTS[1],
        _ => DISTRICTS[2],
    }
}

fn oracle(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/oracle")
        .join(name)
}

/// The Kent months with a District column; (month, district) -> searches.
fn force_export(ws: &Workspace) -> (PathBuf, BTreeMap<(String, String), u64>) {
    let mut populations = BTreeMap::new();
    let mut text = String::new();
    for (month, file) in [("2019-01", KENT_JAN), ("2019-02", KENT_FEB)] {
        let source = fs::read_to_string(shipped(file)).unwrap();
        let mut lines = source.lines();
        let header = lines.next().unwrap();
        if text.is_empty() {
            text = format!("{header},District\n");
        }
        for (i, line) in lines.filter(|l| !l.trim().is_empty()).enumerate() {
            let d = district(i);
            text.push_str(&format!("{line},{d}\n"));
            *populations
                .entry((month.to_string(), d.to_string()))
                .or_default() += 1;
        }
    }
    (ws.write("districts.csv", text), populations)
}

#[test]
fn districts_of_different_sizes_match_samplics() {
    let ws = Workspace::new();
    let (export, populations) = force_export(&ws);
    let mapping = ws.write(
        "mapping.toml",
        "[columns]\ndate = \"Date\"\nself_defined_ethnicity = \"Self-defined ethnicity\"\n\
         officer_defined_ethnicity = \"Officer-defined ethnicity\"\nlegislation = \"Legislation\"\n\
         object_of_search = \"Object of search\"\narea = \"District\"\n",
    );
    let champions = ws.write(
        "champions.csv",
        "champion,area\nNorth Champion,North\nEast Champion,East\nWest Champion,West\n",
    );
    let mut sheets = Vec::new();
    let mut units = String::from("month,district,population,group,reasonable\n");
    for month in ["2019-01", "2019-02"] {
        ws.grounds()
            .args([
                "sample",
                "--worksheet-format",
                "csv",
                "--month",
                month,
                "--seed",
                "districts",
            ])
            .arg("--export")
            .arg(&export)
            .arg("--columns")
            .arg(&mapping)
            .arg("--champions")
            .arg(&champions)
            .assert()
            .success();
        for (c, d) in DISTRICTS.iter().enumerate() {
            let path = ws.path(&format!("worksheets/{month}/{d}_Champion.csv"));
            let mut sheet = Sheet::load(&path);
            for (i, row) in sheet.with_role("sample").into_iter().enumerate() {
                let verdict = if i % 9 == 8 {
                    "insufficient_info"
                } else if i % [6, 3, 2][c] == 0 {
                    "not_reasonable"
                } else {
                    "reasonable"
                };
                sheet.assess(row, verdict, "");
                if verdict != "insufficient_info" {
                    let group = broad_group(
                        Scheme::SelfDefined,
                        sheet.get(row, "Self-defined ethnicity"),
                    );
                    let group = match group.is_minority() {
                        Some(true) => "minority",
                        Some(false) => "white",
                        None => "other",
                    };
                    let population = populations[&(month.to_string(), d.to_string())];
                    units.push_str(&format!(
                        "{month},{d},{population},{group},{}\n",
                        u8::from(verdict == "reasonable")
                    ));
                }
            }
            sheet.save(&path);
            sheets.push(path);
        }
    }
    ws.grounds().arg("import").args(&sheets).assert().success();
    if std::env::var_os("GROUNDS_WRITE_ORACLE_INPUT").is_some() {
        fs::write(oracle("design_workspace_units.csv"), &units).unwrap();
    }
    assert_eq!(
        fs::read_to_string(oracle("design_workspace_units.csv")).unwrap(),
        units,
        "the committed judged searches are this workspace's (regenerate both oracle files if the draw changed)"
    );
    let output = ws
        .grounds()
        .args(["report", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();

    // The strata are the districts of each month, with the export's sizes.
    let strata = json["design"]["strata"].as_array().unwrap();
    assert_eq!(strata.len(), 6);
    for s in strata {
        let key = (
            s["month"].as_str().unwrap().to_string(),
            s["area"].as_str().unwrap().to_string(),
        );
        assert_eq!(s["population"].as_u64(), Some(populations[&key]), "{key:?}");
    }
    assert_eq!(json["design"]["self_weighting"], false);

    let expected = fs::read_to_string(oracle("design_workspace_expected.csv")).unwrap();
    let mut rows = expected.lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    let mut checked = 0;
    for line in rows {
        let cells: BTreeMap<&str, &str> = header.iter().copied().zip(line.split(',')).collect();
        let figure = match cells["domain"] {
            "all" => json["overall"].clone(),
            "minority" => json["minority"].clone(),
            "white" => find(&json["groups"], "group", "White"),
            "comparison" => json["comparison"].clone(),
            other if other.starts_with("2019-") => find(&json["by_month"], "month", other),
            other => find(
                &json["by_champion"],
                "champion",
                &format!("{other} Champion"),
            ),
        };
        for (key, value) in &cells {
            if *key == "domain" || value.is_empty() {
                continue;
            }
            let want: f64 = value.parse().unwrap();
            let got = figure[*key].as_f64().unwrap_or(f64::NAN);
            assert!(
                (got - want).abs() < 1e-9,
                "{} {key}: report {got}, samplics {want}",
                cells["domain"]
            );
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} values checked");
    assert_eq!(json["comparison"]["test"], "design_wald");
    assert!(json["comparison"]["p_fisher"].is_null());
}

fn find(rows: &serde_json::Value, key: &str, value: &str) -> serde_json::Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r[key] == value)
        .unwrap_or_else(|| panic!("no {key} {value}"))
        .clone()
}
