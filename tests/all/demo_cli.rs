//! `grounds demo`, `--help` on every command, completions and the man page.

use std::fs;

use predicates::prelude::*;

use crate::common::*;

const COMMANDS: [&str; 13] = [
    "sample",
    "verify",
    "import",
    "record",
    "substitute",
    "status",
    "history",
    "report",
    "interval",
    "compare",
    "demo",
    "completions",
    "man",
];

#[test]
fn demo_runs_the_whole_cycle_and_says_simulated() {
    let ws = Workspace::new();
    let output = ws
        .grounds()
        .args(["demo", "--dir", "demo"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "SIMULATED DEMO",
        "Seed: grounds-demo-2019-01",
        "Imported 5 file(s): 110 new",
        "10 of the new or amended rows are blind second reviews",
        "second reviews (blind, apart from the searches above; they count in no figure): 10 of 10 done",
        "2019-01: complete",
        "Reasonable grounds were evident in",
        "Verified: the 2019-01 draw",
        "grounds sample --export 2019-02-kent-stop-and-search.csv --month 2019-02 --champions champions.csv",
    ] {
        assert!(stdout.contains(expected), "missing {expected:?} in:\n{stdout}");
    }
    assert!(
        stdout.matches("SIMULATED").count() >= 5,
        "every step says SIMULATED"
    );
    for file in [
        "demo/grounds.db",
        "demo/worksheets/2019-01/manifest.json",
        "demo/worksheets/2019-01/PC_Ben_Hartley.xlsx",
        "demo/champions.csv",
    ] {
        assert!(ws.path(file).exists(), "{file} missing");
    }
    // The demo fills the workbooks, and writes the HTML report where it says.
    // 20 own searches (the first champion: 19 and the reserve brought in)
    // and 2 second reviews each.
    assert!(stdout.contains("filled 22 rows of"), "{stdout}");
    let html = fs::read_to_string(ws.path("demo/report.html")).unwrap();
    assert!(html
        .trim_start()
        .to_lowercase()
        .starts_with("<!doctype html"));
    assert!(
        stdout.contains("report.html"),
        "the demo says where: {stdout}"
    );
    assert!(!ws.path("demo/report.md").exists());
    // The workspace itself knows it is simulated: any later report says so.
    ws.grounds()
        .args(["report", "--db", "demo/grounds.db", "--format", "markdown"])
        .assert()
        .success()
        .stdout(predicate::str::contains("SIMULATED DATA"));
    // Same seed, same simulated answers: the demo's report is stable.
    let again = Workspace::new();
    let second = again
        .grounds()
        .args(["demo", "--dir", "demo"])
        .output()
        .unwrap();
    // Up to the draws table: a manifest's SHA-256 covers its creation time.
    let report = |text: &str| {
        text[text.find("--- 6.").unwrap()..text.find("Draws (check").unwrap()].to_string()
    };
    assert_eq!(
        report(&stdout),
        report(&String::from_utf8(second.stdout).unwrap())
    );
}

#[test]
fn demo_refuses_a_folder_with_files_in_it() {
    let ws = Workspace::new();
    ws.write("busy/notes.txt", "keep me");
    ws.grounds()
        .args(["demo", "--dir", "busy"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not empty"));
    assert_eq!(
        fs::read_to_string(ws.path("busy/notes.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn every_command_says_what_it_is_for_with_an_example() {
    for command in COMMANDS {
        let output = grounds().args([command, "--help"]).output().unwrap();
        assert!(output.status.success());
        let help = String::from_utf8(output.stdout).unwrap();
        assert!(
            help.lines().next().is_some_and(|l| l.len() > 20),
            "{command}: no one-line summary"
        );
        assert!(
            help.contains("Example: grounds "),
            "{command}: no example in --help"
        );
    }
    grounds()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("grounds demo"));
}

#[test]
fn completions_and_man_page_come_from_the_cli_definition() {
    for shell in ["bash", "zsh", "fish"] {
        grounds()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("substitute"));
    }
    grounds()
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH grounds"));
}

#[test]
fn man_out_writes_a_page_for_every_subcommand_the_top_page_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("man");
    grounds()
        .args(["man", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("man pages to"));
    let top = std::fs::read_to_string(out.join("grounds.1")).expect("top page");
    for command in [
        "sample", "verify", "import", "record", "status", "report", "demo",
    ] {
        let page = out.join(format!("grounds-{command}.1"));
        assert!(page.exists(), "no page for {command}");
        assert!(
            top.contains(&format!("grounds\\-{command}(1)")),
            "top page does not name {command}"
        );
    }
    // The hidden developer command gets no page.
    assert!(!out.join("grounds-synth.1").exists());
}
