//! `grounds plan`: sample sizes for a margin, a design's expected intervals
//! (by hand and from the real Kent export), JSON keys, and refusals.

use serde_json::Value;

use grounds::stats::plan::{detectable_difference, wilson_half_width};

use crate::common::{grounds, real, shipped, Workspace, KENT_JAN};

fn json_of(args: &[&str]) -> Value {
    let out = grounds()
        .arg("plan")
        .args(args)
        .args(["--format", "json"])
        .assert()
        .success()
        .get_output()
        .clone();
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

fn num(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("{value} is not a number"))
}

/// The Kent-sized month of the issue: 534 searches, 80 minority ethnic, 5 champions.
const KENT_LIKE: [&str; 8] = [
    "--champions",
    "5",
    "--per-champion",
    "20",
    "--searches",
    "534",
    "--minority-share",
    "0.149812734",
];

#[test]
fn judged_for_a_margin_as_the_issue_computes_them() {
    for (args, judged, draws) in [
        (vec![], 49, 55),
        (vec!["--margin", "0.10"], 49, 55),
        (vec!["--margin", "0.05"], 196, 218),
        (vec!["--proportion", "0.80", "--margin", "0.10"], 60, 67),
        (vec!["--margin", "0.10", "--insufficient", "0"], 49, 49),
    ] {
        let plan = json_of(&args);
        assert_eq!(plan["judged"], judged, "{args:?}");
        assert_eq!(plan["draws"], draws, "{args:?}");
        assert!(plan.get("design").is_none(), "{args:?}");
    }
}

#[test]
fn the_table_says_the_numbers_in_words() {
    let out = grounds()
        .args(["plan", "--margin", "0.05"])
        .assert()
        .success()
        .get_output()
        .clone();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("±5.0 points") && text.contains("196 judged searches"),
        "{text}"
    );
    assert!(text.contains("218 draws"), "{text}");
}

#[test]
fn a_design_in_json_has_every_figure_for_every_scheme_and_period() {
    let mut args = KENT_LIKE.to_vec();
    args.extend(["--minority-per-champion", "0,5,10", "--months", "1,3"]);
    let plan = json_of(&args);
    assert_eq!(plan["judged"], 49);
    assert_eq!(plan["draws_per_champion"], 11);
    let design = &plan["design"];
    assert_eq!(design["champions"], 5);
    assert_eq!(design["per_champion"], 20);
    assert_eq!(design["composition"]["searches"], 534);
    assert_eq!(design["composition"]["minority"], 80);
    let schemes = design["schemes"].as_array().unwrap();
    let ks: Vec<u64> = schemes
        .iter()
        .map(|s| s["minority_per_champion"].as_u64().unwrap())
        .collect();
    assert_eq!(ks, [0, 5, 10], "K = 0 is the random draw, shown once");
    assert_eq!(schemes[0]["scheme"], "random");
    assert_eq!(schemes[2]["scheme"], "stratified");
    assert_eq!(schemes[2]["minority_draws"], 50);
    for scheme in schemes {
        let periods = scheme["periods"].as_array().unwrap();
        assert_eq!(periods.len(), 2);
        for (period, months) in periods.iter().zip([1, 3]) {
            assert_eq!(period["months"], months);
            for domain in ["all", "minority", "white"] {
                for key in ["judged", "effective_n", "half_width"] {
                    assert!(period[domain][key].is_f64(), "{domain}.{key}: {period}");
                }
            }
            assert!(period["detectable_difference"].is_f64());
        }
    }

    // The random month: 90 judged, 13.5 of them minority ethnic.
    let random = &schemes[0]["periods"][0];
    let n_minority = 90.0 * 80.0 / 534.0;
    let expected = wilson_half_width(0.85, n_minority, 0.95).unwrap();
    assert!((num(&random["minority"]["half_width"]) - expected).abs() < 1e-12);
    let n_white = 90.0 * 454.0 / 534.0;
    let gap = detectable_difference(0.85, n_white, n_minority, 0.95, 0.8).unwrap();
    assert!((num(&random["detectable_difference"]) - gap).abs() < 1e-12);

    // K = 10 of 20: about ±10 points for minority ethnic people, not ±18.
    let without = num(&random["minority"]["half_width"]);
    let with = num(&schemes[2]["periods"][0]["minority"]["half_width"]);
    assert!((0.17..0.20).contains(&without), "{without}");
    assert!((0.09..0.11).contains(&with), "{with}");
    // A quarter narrows it again.
    let quarter = num(&schemes[2]["periods"][1]["minority"]["half_width"]);
    assert!(quarter < with * 0.6, "{quarter} {with}");
}

/// Officer-defined ethnicity of the real Kent January export, counted here
/// with the csv crate: Black, Asian, Mixed and Other are minority ethnic.
fn kent_officer_defined() -> (u64, u64, u64) {
    let mut reader = csv::Reader::from_path(real(KENT_JAN)).unwrap();
    let column = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "Officer-defined ethnicity")
        .unwrap();
    let (mut all, mut minority, mut white) = (0, 0, 0);
    for record in reader.records() {
        let value = record.unwrap()[column].trim().to_lowercase();
        all += 1;
        match value.as_str() {
            "black" | "asian" | "mixed" | "other" => minority += 1,
            "white" => white += 1,
            _ => {}
        }
    }
    (all, minority, white)
}

#[test]
fn the_real_kent_export_gives_the_month_composition() {
    let export = real(KENT_JAN);
    let champions = shipped("champions.csv");
    let plan = json_of(&[
        "--champions",
        champions.to_str().unwrap(),
        "--export",
        export.to_str().unwrap(),
        "--month",
        "2019-01",
        "--minority-per-champion",
        "10",
    ]);
    let (all, minority, white) = kent_officer_defined();
    let composition = &plan["design"]["composition"];
    assert_eq!(composition["month"], "2019-01");
    assert_eq!(composition["searches"], all);
    assert_eq!(composition["minority"], minority);
    assert_eq!(composition["white"], white);
    assert_eq!(
        plan["design"]["champions"], 5,
        "the shipped file lists five"
    );
    let random = &plan["design"]["schemes"][0]["periods"][0];
    let share = minority as f64 / all as f64;
    let expected = wilson_half_width(0.85, 90.0 * share, 0.95).unwrap();
    assert!((num(&random["minority"]["half_width"]) - expected).abs() < 1e-12);

    // The same design as a table for people.
    let out = grounds()
        .args(["plan", "--champions", "5", "--export"])
        .arg(&export)
        .args(["--month", "2019-01", "--minority-per-champion", "10"])
        .assert()
        .success()
        .get_output()
        .clone();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("{all} searches in 2019-01")),
        "{text}"
    );
    assert!(
        text.contains("K = 10 of 20") && text.contains("quarter"),
        "{text}"
    );
}

#[test]
fn a_small_minority_stratum_is_reported() {
    let out = grounds()
        .args(["plan", "--champions", "5", "--searches", "200"])
        .args(["--minority-share", "0.05", "--minority-per-champion", "5"])
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("only 10 minority-ethnic searches a month for 25 places"),
        "{stderr}"
    );
}

#[test]
fn bad_input_is_refused_with_exit_2_and_nothing_printed() {
    let kent = |extra: &[&'static str]| {
        let mut args = KENT_LIKE.to_vec();
        args.extend_from_slice(extra);
        args
    };
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            kent(&["--minority-per-champion", "21"]),
            "--minority-per-champion 21 is more than --per-champion 20",
        ),
        (vec!["--proportion", "1.2"], "--proportion"),
        (vec!["--proportion", "0"], "--proportion"),
        (vec!["--proportion", "-0.85"], "--proportion"),
        (vec!["--proportion", "eighty"], "--proportion"),
        (vec!["--margin", "0"], "--margin"),
        (vec!["--margin", "-0.1"], "--margin"),
        (vec!["--margin", "ten"], "--margin"),
        (vec!["--insufficient", "1"], "--insufficient"),
        (vec!["--insufficient", "-0.1"], "--insufficient"),
        (kent(&["--per-champion", "-20"]), "--per-champion"),
        (
            kent(&["--minority-per-champion", "-5"]),
            "--minority-per-champion",
        ),
        (kent(&["--months", "0"]), "--months"),
        (
            vec![
                "--champions",
                "-5",
                "--searches",
                "534",
                "--minority-share",
                "0.15",
            ],
            "--champions",
        ),
        (
            vec![
                "--champions",
                "5",
                "--searches",
                "-534",
                "--minority-share",
                "0.15",
            ],
            "--searches",
        ),
        (
            vec![
                "--champions",
                "5",
                "--searches",
                "534",
                "--minority-share",
                "1.5",
            ],
            "--minority-share",
        ),
        (
            vec![
                "--champions",
                "no-such-file.csv",
                "--searches",
                "534",
                "--minority-share",
                "0.15",
            ],
            "no-such-file.csv",
        ),
        (vec!["--champions", "5"], "--export FILE --month YYYY-MM"),
        (vec!["--minority-per-champion", "5"], "--champions"),
    ];
    for (args, expected) in cases {
        let out = grounds()
            .arg("plan")
            .args(&args)
            .assert()
            .code(2)
            .get_output()
            .clone();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn an_export_without_officer_defined_ethnicity_is_refused() {
    let ws = Workspace::new();
    ws.write(
        "mapping.toml",
        "[columns]\ndate = \"When\"\nself_defined_ethnicity = \"Ethnicity\"\n",
    );
    ws.write(
        "x.csv",
        "Ref,When,Ethnicity\nR1,2025-01-02T10:00:00Z,White - English/Welsh/Scottish/Northern Irish/British\n",
    );
    let out = ws
        .grounds()
        .args([
            "plan",
            "--champions",
            "5",
            "--export",
            "x.csv",
            "--month",
            "2025-01",
        ])
        .args(["--columns", "mapping.toml"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("officer_defined_ethnicity"), "{stderr}");
    // A month the export does not hold is refused too.
    ws.grounds()
        .args(["plan", "--champions", "5", "--export"])
        .arg(real(KENT_JAN))
        .args(["--month", "2019-03"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no searches in 2019-03"));
}
