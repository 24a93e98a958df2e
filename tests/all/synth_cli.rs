//! `grounds synth`: synthetic monthly exports.

use std::fs;

use predicates::prelude::*;
use predicates::str::contains;

use crate::common::grounds;

const HEADER_START: &str = "Type,Date,Part of a policing operation,";

#[test]
fn writes_one_file_per_month_with_the_requested_rows() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("new/sub");
    grounds()
        .args(["synth", "--start", "2019-11", "--months", "3"])
        .args(["--rows-per-month", "250", "--seed", "4", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stderr(contains("3 file(s), 750 rows"));

    let mut names: Vec<_> = fs::read_dir(&out)
        .expect("the output directory was created")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .into_string()
                .expect("UTF-8")
        })
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "2019-11-synthetic-stop-and-search.csv",
            "2019-12-synthetic-stop-and-search.csv",
            "2020-01-synthetic-stop-and-search.csv",
        ]
    );
    for name in &names {
        let bytes = fs::read(out.join(name)).expect("a written file");
        assert!(bytes.starts_with(HEADER_START.as_bytes()), "{name}");
        let mut reader = csv::Reader::from_reader(&bytes[..]);
        let rows = reader.records().map(|r| r.expect("a 15-field record"));
        assert_eq!(rows.count(), 250, "{name}");
    }
}

#[test]
fn same_seed_gives_the_same_files() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let run = |sub: &str, seed: &str| {
        grounds()
            .args(["synth", "--start", "2018-06", "--months", "1"])
            .args(["--rows-per-month", "400", "--seed", seed, "--out"])
            .arg(dir.path().join(sub))
            .assert()
            .success();
        fs::read(
            dir.path()
                .join(sub)
                .join("2018-06-synthetic-stop-and-search.csv"),
        )
        .expect("a written file")
    };
    let first = run("a", "9");
    assert_eq!(first, run("b", "9"));
    assert_ne!(first, run("c", "10"));
}

#[test]
fn bad_arguments_are_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for bad in [
        ["--start", "2019-13"],
        ["--start", "1990-01"],
        ["--months", "0"],
    ] {
        grounds()
            .arg("synth")
            .args(bad)
            .arg("--out")
            .arg(dir.path().join("out"))
            .assert()
            .code(2);
    }
    assert!(!dir.path().join("out").exists());
}

#[test]
fn synth_is_hidden_from_help() {
    grounds()
        .arg("--help")
        .assert()
        .success()
        .stdout(contains("synth").not());
}
