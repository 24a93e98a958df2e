//! `grounds interval` and `grounds compare`: output for people and machines,
//! batch mode against the statsmodels / scipy oracle, and bad input.

use std::fs;

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{data, grounds};

fn stdout_of(args: &[&str]) -> String {
    let out = grounds().args(args).assert().success().get_output().clone();
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}

fn json_of(args: &[&str]) -> Value {
    serde_json::from_str(&stdout_of(args)).expect("stdout is JSON")
}

/// Rows of a CSV text as header → field maps.
fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (headers, rows)
}

fn num(s: &str) -> f64 {
    s.parse()
        .unwrap_or_else(|_| panic!("'{s}' is not a number"))
}

#[test]
fn interval_text_for_people() {
    assert_eq!(
        stdout_of(&["interval", "17/20"]),
        "17/20 = 85.0% (95% Wilson CI 64.0% to 94.8%)\n"
    );
    assert_eq!(
        stdout_of(&[
            "interval",
            "25/28",
            "--method",
            "clopper-pearson",
            "-c",
            "0.9"
        ]),
        "25/28 = 89.3% (90% Clopper–Pearson CI 74.6% to 97.0%)\n"
    );
}

#[test]
fn interval_with_population_is_wald_fpc() {
    let out = stdout_of(&["interval", "161/184", "--population", "5612"]);
    assert_eq!(
        out,
        "161/184 = 87.5% (95% Wald CI 82.8% to 92.2%, with finite population correction \
         for N = 5612)\n"
    );
    let census = stdout_of(&["interval", "161/184", "--population", "184"]);
    assert!(census.contains("87.5% to 87.5%"), "{census}");
    assert!(census.contains("whole population"), "{census}");
}

#[test]
fn wald_at_the_boundary_carries_a_warning() {
    let out = stdout_of(&["interval", "20/20", "--method", "wald"]);
    assert!(
        out.starts_with("20/20 = 100.0% (95% Wald CI 100.0% to 100.0%)\n"),
        "{out}"
    );
    assert!(
        out.contains("Note: the Wald interval has zero width"),
        "{out}"
    );
    assert!(!stdout_of(&["interval", "20/20"]).contains("Note"));
}

#[test]
fn interval_json_for_machines() {
    let v = json_of(&["interval", "17/20", "--format", "json"]);
    assert_eq!(v["x"], 17);
    assert_eq!(v["n"], 20);
    assert_eq!(v["estimate"], 0.85);
    assert_eq!(v["confidence"], 0.95);
    let rows = v["intervals"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["method"], "wilson");
    assert_eq!(rows[0]["label"], "Wilson");
    let lower = rows[0]["lower"].as_f64().unwrap();
    let upper = rows[0]["upper"].as_f64().unwrap();
    // The oracle's Wilson row for 17/20 at α = 0.05.
    assert!((lower - 0.639581135259243).abs() < 1e-12, "{lower}");
    assert!((upper - 0.9476312541037833).abs() < 1e-12, "{upper}");
    assert!(rows[0].get("population").is_none());
}

#[test]
fn interval_all_methods() {
    let out = stdout_of(&["interval", "17/20", "--all-methods"]);
    assert!(
        out.starts_with("17/20 = 85.0%, 95% confidence intervals:\n"),
        "{out}"
    );
    for label in [
        "Wilson (default)",
        "Clopper–Pearson",
        "Jeffreys",
        "Agresti–Coull",
        "Wald",
    ] {
        assert_eq!(out.matches(label).count(), 1, "{label} in\n{out}");
    }
    assert!(out.contains("64.0%") && out.contains("94.8%"), "{out}");

    let v = json_of(&[
        "interval",
        "17/20",
        "--all-methods",
        "--population",
        "400",
        "--format",
        "json",
    ]);
    let methods: Vec<&str> = v["intervals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["method"].as_str().unwrap())
        .collect();
    assert_eq!(
        methods,
        [
            "wilson",
            "beta",
            "jeffreys",
            "agresti_coull",
            "normal",
            "normal"
        ]
    );
    assert_eq!(v["intervals"][5]["population"], 400);
}

/// Runs `--batch` over an oracle file and checks every output row against it.
fn batch_matches_oracle(command: &str, file: &str, columns: &[(&str, f64)]) {
    let path = data(&format!("oracle/{file}"));
    let expected = fs::read_to_string(&path).unwrap();
    let got = stdout_of(&[command, "--batch", path.to_str().unwrap()]);
    let (want_headers, want_rows) = csv_rows(&expected);
    let (got_headers, got_rows) = csv_rows(&got);
    for (column, _) in columns {
        if !want_headers.iter().any(|h| h == column) {
            // An output column the oracle file lacks is appended.
            assert_eq!(got_headers.last().map(String::as_str), Some(*column));
        }
    }
    assert_eq!(got_rows.len(), want_rows.len());
    for (got, want) in got_rows.iter().zip(&want_rows) {
        for (i, header) in want_headers.iter().enumerate() {
            match columns.iter().find(|(c, _)| c == header) {
                Some((_, tol)) => assert!(
                    (num(&got[i]) - num(&want[i])).abs() <= *tol,
                    "{file} {header}: got {got:?}, want {want:?}"
                ),
                None => assert_eq!(got[i], want[i], "input fields are echoed"),
            }
        }
    }
}

#[test]
fn interval_batch_reproduces_binomial_oracle() {
    // Beta quantiles get the looser tolerance; closed forms are checked to
    // 1e-12 in the library's own oracle test.
    batch_matches_oracle(
        "interval",
        "binomial_ci.csv",
        &[("lower", 1e-9), ("upper", 1e-9)],
    );
}

#[test]
fn interval_batch_reproduces_fpc_oracle() {
    batch_matches_oracle(
        "interval",
        "fpc_normal.csv",
        &[("lower", 1e-12), ("upper", 1e-12)],
    );
}

#[test]
fn compare_batch_reproduces_newcombe_oracle() {
    batch_matches_oracle(
        "compare",
        "diff_ci.csv",
        &[("lower", 1e-12), ("upper", 1e-12)],
    );
}

#[test]
fn batch_appends_columns_and_reads_stdin() {
    let input = "method,alpha,x,n,N\nwilson,0.05,17,20,\nwald,0.05,161,184,5612\n";
    let out = grounds()
        .args(["interval", "--batch", "-"])
        .write_stdin(input)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let (headers, rows) = csv_rows(std::str::from_utf8(&out).unwrap());
    assert_eq!(
        headers,
        ["method", "alpha", "x", "n", "N", "lower", "upper"]
    );
    assert_eq!(rows[0][..5], ["wilson", "0.05", "17", "20", ""]);
    assert!((num(&rows[0][5]) - 0.639581135259243).abs() < 1e-12);
    let half = (num(&rows[1][6]) - num(&rows[1][5])) / 2.0;
    assert!((half * 100.0 - 4.70).abs() < 0.005, "{half}");

    let dir = tempfile::tempdir().unwrap();
    let pairs = dir.path().join("pairs.csv");
    fs::write(&pairs, "x1,n1,x2,n2,alpha\n26,28,135,156,0.05\n").unwrap();
    let out = stdout_of(&["compare", "--batch", pairs.to_str().unwrap()]);
    let (headers, rows) = csv_rows(&out);
    assert_eq!(
        headers,
        ["x1", "n1", "x2", "n2", "alpha", "lower", "upper", "p_fisher"]
    );
    assert!((num(&rows[0][5]) * 100.0 + 9.8).abs() < 0.05);
    assert!((num(&rows[0][6]) * 100.0 - 14.4).abs() < 0.05);
    assert!((num(&rows[0][7]) - 0.537).abs() < 0.0005);
}

#[test]
fn compare_text_never_overclaims() {
    let out = stdout_of(&["compare", "26/28", "135/156"]);
    assert!(
        out.contains("Group 1: 26/28 = 92.9% (95% Wilson CI 77.4% to 98.0%)"),
        "{out}"
    );
    assert!(out.contains("Group 2: 135/156 = 86.5%"), "{out}");
    assert!(
        out.contains("+6.3 points (95% Newcombe CI -9.8 to +14.4 points)"),
        "{out}"
    );
    assert!(out.contains("p = 0.537"), "{out}");
    assert!(
        out.contains(
            "The difference is not statistically distinguishable from zero at the 95% level: \
             the data are consistent with group 1 being anywhere from 9.8 points lower to \
             14.4 points higher than group 2."
        ),
        "{out}"
    );
    let clear = stdout_of(&["compare", "18/20", "5/20"]);
    assert!(
        clear.contains("The proportion for group 1 is higher than for group 2"),
        "{clear}"
    );
}

#[test]
fn compare_json() {
    let v = json_of(&["compare", "26/28", "135/156", "--format", "json"]);
    assert_eq!(v["group1"]["x"], 26);
    assert_eq!(v["group2"]["n"], 156);
    assert_eq!(v["distinguishable_from_zero"], false);
    assert_eq!(v["difference_method"], "newcombe");
    let d = &v["difference"];
    let (est, lo, hi) = (
        d["estimate"].as_f64().unwrap(),
        d["lower"].as_f64().unwrap(),
        d["upper"].as_f64().unwrap(),
    );
    assert!(lo < 0.0 && 0.0 < est && est < hi, "{d}");
    assert!((v["p_fisher"].as_f64().unwrap() - 0.537).abs() < 0.0005);
    assert!(v["summary"]
        .as_str()
        .unwrap()
        .starts_with("The difference is not"));
}

/// Bad input: exit code 2, a message that says what is wrong, nothing on stdout.
fn rejects(args: &[&str], message: &str) {
    grounds()
        .args(args)
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(message));
}

#[test]
fn bad_input_exits_2_with_a_message() {
    rejects(&["interval", "21/20"], "21 out of 20 is impossible");
    rejects(&["interval", "0/0"], "n is 0");
    rejects(&["interval", "-3/20"], "cannot be negative");
    rejects(&["interval", "17-20"], "not a proportion");
    rejects(&["interval", "17/twenty"], "not a whole number");
    rejects(
        &["interval", "17/20", "--confidence", "1.5"],
        "strictly between 0 and 1",
    );
    rejects(
        &["interval", "17/20", "--confidence", "-0.5"],
        "strictly between 0 and 1",
    );
    rejects(
        &["interval", "17/20", "--confidence", "95"],
        "did you mean 0.95?",
    );
    rejects(&["interval", "17/20", "--method", "bayes"], "bayes");
    rejects(
        &["interval", "17/20", "--population", "10"],
        "smaller than the sample",
    );
    rejects(&["compare", "26/28", "30/20"], "30 out of 20 is impossible");
    rejects(&["compare", "26/28", "0/0"], "n is 0");
    rejects(
        &["compare", "26/28", "135/156", "-c", "0"],
        "strictly between 0 and 1",
    );
}

#[test]
fn bad_batch_rows_name_file_and_line_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let rows = dir.path().join("rows.csv");
    fs::write(
        &rows,
        "method,alpha,x,n\n\
         wilson,0.05,17,20\n\
         wilson,0.05,21,20\n\
         bayes,0.05,1,2\n\
         wilson,5,1,2\n\
         wilson,0.05,,20\n\
         wilson,0.05,-1,20\n\
         wilson,0.05,1\n",
    )
    .unwrap();
    let name = rows.to_str().unwrap();
    let assert = grounds()
        .args(["interval", "--batch", name])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty());
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("6 bad rows"), "{stderr}");
    for (line, says) in [
        (3, "21 out of 20 is impossible"),
        (4, "unknown interval method 'bayes'"),
        (5, "alpha = 5 is outside (0, 1)"),
        (6, "x is missing"),
        (7, "negative"),
        (8, "3 fields where the header has 4"),
    ] {
        let expected = format!("{name}, line {line}: ");
        let found = stderr
            .lines()
            .find(|l| l.contains(&expected))
            .unwrap_or_else(|| panic!("no error for line {line} in\n{stderr}"));
        assert!(found.contains(says), "line {line}: {found}");
    }
    assert!(!stderr.contains(", line 2:"), "{stderr}");

    let pairs = dir.path().join("pairs.csv");
    fs::write(
        &pairs,
        "x1,n1,x2,n2,alpha\n26,28,135,156,0.05\n1,0,1,2,0.05\n",
    )
    .unwrap();
    rejects(
        &["compare", "--batch", pairs.to_str().unwrap()],
        &format!("{}, line 3: the number of trials n is 0", pairs.display()),
    );

    let no_column = dir.path().join("no_alpha.csv");
    fs::write(&no_column, "method,x,n\nwilson,1,2\n").unwrap();
    rejects(
        &["interval", "--batch", no_column.to_str().unwrap()],
        "no column 'alpha'",
    );
    rejects(
        &["interval", "--batch", "/no/such/file.csv"],
        "cannot read /no/such/file.csv",
    );
}
