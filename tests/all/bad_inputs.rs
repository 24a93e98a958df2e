//! Bad inputs, one table: each case is the files and arguments, the exit
//! code, what the message must say, and the check that nothing was written
//! (every file in the folder, the workspace included, byte for byte as
//! before). Every case also checks that no raw escape character reached the
//! terminal. More refusals of malformed exports are in `sample_errors.rs`
//! and of worksheets in `import_cli.rs`; the table repeats the main ones so
//! one place shows what `grounds` refuses.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use predicates::prelude::*;

use crate::common::*;

const HEADER: &str = "Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,Age range,Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,Outcome,Outcome linked to object of search,Removal of more than just outer clothing";
const ROW: &str = "Person search,2019-01-04T21:13:00+00:00,,,51.270000,1.080000,Male,18-24,White - Irish,White,Misuse of Drugs Act 1971 (section 23),Controlled drugs,Arrest,True,";
const SAMPLE: &[&str] = &[
    "sample",
    "--month",
    "2019-01",
    "--champions",
    "champions.csv",
    "--seed",
    "s",
    "--export",
];
const SYNTH_NAME: &str = "2019-01-synthetic-stop-and-search.csv";

#[derive(Default)]
struct Case {
    name: &'static str,
    /// Draw 2019-01 from this file (a copy of City of London, January
    /// 2019) before the command runs.
    drawn_from: Option<&'static str>,
    /// Files written before the command (besides `champions.csv` and
    /// `city.csv`, which every case has).
    files: Vec<(&'static str, Vec<u8>)>,
    /// Anything files cannot express: a pipe, a symlink.
    prepare: Option<fn(&Workspace)>,
    /// `args` run after `SAMPLE` when `sample` is true.
    sample: bool,
    args: Vec<&'static str>,
    code: i32,
    /// Fragments the standard error must contain.
    says: Vec<&'static str>,
    /// A fragment that must appear exactly once (a cause said twice).
    once: Option<&'static str>,
}

fn export(rows: &[&str]) -> Vec<u8> {
    format!("{HEADER}\n{}\n", rows.join("\n")).into_bytes()
}

fn city() -> Vec<u8> {
    fs::read(real(CITY_JAN)).expect("the real City of London export")
}

fn cases() -> Vec<Case> {
    let drawn = Some("city.csv");
    let nul_row = ROW.replace("Controlled drugs", "Controlled\0drugs");
    let long_line = {
        let mut bytes = format!("{HEADER}\n").into_bytes();
        bytes.resize(bytes.len() + (17 << 20), b'x');
        bytes
    };
    vec![
        // 1. Outputs that would replace what the review rests on.
        Case {
            name: "report --out the workspace",
            drawn_from: drawn,
            args: vec!["report", "--out", "grounds.db"],
            says: vec!["refusing to write grounds.db: it is the workspace database"],
            ..Case::default()
        },
        Case {
            name: "report --out the workspace's WAL file",
            drawn_from: drawn,
            args: vec!["report", "--out", "grounds.db-wal"],
            says: vec!["refusing to write grounds.db-wal", "workspace database"],
            ..Case::default()
        },
        Case {
            name: "report --out the workspace spelt another way",
            drawn_from: drawn,
            files: vec![("sub/keep.txt", b"keep".to_vec())],
            args: vec!["report", "--out", "sub/../grounds.db"],
            says: vec!["workspace database"],
            ..Case::default()
        },
        Case {
            name: "report --out a symlink to the workspace",
            drawn_from: drawn,
            prepare: Some(|ws| symlink("grounds.db", &ws.path("link.db"))),
            args: vec!["report", "--out", "link.db"],
            says: vec!["workspace database"],
            ..Case::default()
        },
        Case {
            name: "report --out an export a draw was made from",
            drawn_from: drawn,
            args: vec!["report", "--format", "csv", "--out", "city.csv"],
            says: vec!["refusing to write city.csv: it is an export a draw was made from"],
            ..Case::default()
        },
        Case {
            name: "report --out a renamed copy of a draw's export",
            drawn_from: drawn,
            files: vec![("elsewhere/renamed.csv", city())],
            args: vec!["report", "--out", "elsewhere/renamed.csv"],
            says: vec!["a copy of an export a draw was made from"],
            ..Case::default()
        },
        Case {
            name: "report --out the manifest",
            drawn_from: drawn,
            args: vec!["report", "--out", "worksheets/2019-01/manifest.json"],
            says: vec!["in the draw folder"],
            ..Case::default()
        },
        Case {
            name: "report --out a new file among the worksheets",
            drawn_from: drawn,
            args: vec!["report", "--out", "worksheets/2019-01/report.md"],
            says: vec!["in the draw folder"],
            ..Case::default()
        },
        Case {
            name: "sample --db the export",
            sample: true,
            args: vec!["city.csv", "--db", "city.csv"],
            says: vec!["refusing to write city.csv: it is an export of this draw"],
            ..Case::default()
        },
        Case {
            name: "sample --out the champions file",
            sample: true,
            args: vec!["city.csv", "--out", "champions.csv"],
            says: vec!["refusing to write champions.csv: it is the champions file"],
            ..Case::default()
        },
        Case {
            name: "sample --out inside a draw folder",
            drawn_from: drawn,
            sample: true,
            args: vec!["city.csv", "--out", "worksheets/2019-01"],
            says: vec!["a draw folder"],
            ..Case::default()
        },
        Case {
            name: "synth --out over a draw's export",
            drawn_from: Some("data/2019-01-synthetic-stop-and-search.csv"),
            files: vec![("data/2019-01-synthetic-stop-and-search.csv", city())],
            args: vec![
                "synth",
                "--out",
                "data",
                "--start",
                "2019-01",
                "--months",
                "1",
                "--rows-per-month",
                "10",
            ],
            says: vec![SYNTH_NAME, "an export a draw was made from"],
            ..Case::default()
        },
        Case {
            name: "man --out a draw folder",
            drawn_from: drawn,
            args: vec!["man", "--out", "worksheets/2019-01"],
            says: vec!["a draw folder"],
            ..Case::default()
        },
        Case {
            name: "demo --dir a draw folder",
            drawn_from: drawn,
            args: vec!["demo", "--dir", "worksheets/2019-01"],
            says: vec!["a draw folder"],
            ..Case::default()
        },
        // 6. Text from data or arguments reaches the terminal escaped.
        Case {
            name: "history of a record id holding an escape sequence",
            drawn_from: drawn,
            args: vec!["history", "--record-id", "x\u{1b}[2J\u{1b}]0;pwned\u{7}"],
            says: vec!["x\\x1B[2J\\x1B]0;pwned\\x07"],
            ..Case::default()
        },
        Case {
            name: "an export column name holding an escape sequence and a newline",
            sample: true,
            files: vec![(
                "x.csv",
                format!("{HEADER},\"Bad\u{1b}[31m\nerror: forged\",\"Bad\u{1b}[31m\nerror: forged\"\n{ROW},,\n")
                    .into_bytes(),
            )],
            args: vec!["x.csv"],
            says: vec!["Bad\\x1B[31m\\x0Aerror: forged"],
            ..Case::default()
        },
        // 9. NUL bytes, a column named twice.
        Case {
            name: "a NUL byte in a row",
            sample: true,
            files: vec![("x.csv", export(&[ROW, &nul_row]))],
            args: vec!["x.csv"],
            says: vec!["x.csv, line 3, column 12 (Object of search)", "NUL byte"],
            ..Case::default()
        },
        Case {
            name: "a NUL byte in the header",
            sample: true,
            files: vec![(
                "x.csv",
                format!("{}\n{ROW}\n", HEADER.replace("Gender", "Gen\0der")).into_bytes(),
            )],
            args: vec!["x.csv"],
            says: vec!["x.csv, line 1, column 7", "NUL byte"],
            ..Case::default()
        },
        Case {
            name: "two columns of the same name",
            sample: true,
            files: vec![(
                "x.csv",
                format!("{HEADER},Notes,Notes\n{ROW},a,b\n").into_bytes(),
            )],
            args: vec!["x.csv"],
            says: vec![
                "x.csv, line 1, column 17 (Notes)",
                "names column \"Notes\" twice (also column 16)",
            ],
            ..Case::default()
        },
        // 10. Inputs that never end or cannot be read twice.
        Case {
            name: "/dev/zero as an export",
            sample: true,
            args: vec!["/dev/zero"],
            says: vec!["/dev/zero is a pipe, socket or device, not a saved file"],
            ..Case::default()
        },
        Case {
            name: "a named pipe as an export",
            sample: true,
            prepare: Some(|ws| mkfifo(&ws.path("pipe.csv"))),
            args: vec!["pipe.csv"],
            says: vec!["pipe.csv is a pipe, socket or device"],
            ..Case::default()
        },
        Case {
            name: "a folder as an export",
            sample: true,
            files: vec![("folder.csv/inside.txt", b"x".to_vec())],
            args: vec!["folder.csv"],
            says: vec!["folder.csv is a folder"],
            ..Case::default()
        },
        Case {
            name: "a line longer than the limit",
            sample: true,
            files: vec![("long.csv", long_line)],
            args: vec!["long.csv"],
            says: vec!["long.csv: line 2: a record runs on for more than 16 MiB"],
            ..Case::default()
        },
        Case {
            name: "a file of zeros without a line end",
            sample: true,
            files: vec![("zeros.csv", vec![0; 17 << 20])],
            args: vec!["zeros.csv"],
            says: vec!["zeros.csv: line 1: a record runs on"],
            ..Case::default()
        },
        Case {
            name: "verify with /dev/zero",
            drawn_from: drawn,
            args: vec![
                "verify",
                "worksheets/2019-01/manifest.json",
                "--export",
                "/dev/zero",
            ],
            says: vec!["/dev/zero is a pipe, socket or device"],
            ..Case::default()
        },
        // 20. Messages that say what is wrong, once.
        Case {
            name: "report --from after the last month drawn",
            drawn_from: drawn,
            args: vec!["report", "--from", "2019-02"],
            says: vec!["nothing drawn from 2019-02 on: the last month drawn is 2019-01"],
            ..Case::default()
        },
        Case {
            name: "report --to before the first month drawn",
            drawn_from: drawn,
            args: vec!["report", "--to", "2018-12"],
            says: vec!["nothing drawn up to 2018-12: the first month drawn is 2019-01"],
            ..Case::default()
        },
        Case {
            name: "report --from after --to",
            drawn_from: drawn,
            args: vec!["report", "--from", "2019-02", "--to", "2019-01"],
            says: vec!["--from must not be after --to"],
            ..Case::default()
        },
        Case {
            name: "a missing export says its cause once",
            sample: true,
            args: vec!["missing.csv"],
            says: vec!["missing.csv"],
            once: Some("No such file or directory"),
            ..Case::default()
        },
        Case {
            name: "a review date that does not exist",
            args: vec![
                "record",
                "--month",
                "2019-01",
                "--champion",
                "A",
                "--reviewed-on",
                "31/02/2018",
            ],
            says: vec!["31/02/2018 is not a day of the calendar"],
            ..Case::default()
        },
        // Earlier refusals that held.
        Case {
            name: "an age range a spreadsheet turned into a date",
            sample: true,
            files: vec![("x.csv", export(&[ROW, &ROW.replace("18-24", "Oct-17")]))],
            args: vec!["x.csv"],
            says: vec!["x.csv, line 3, column 8 (Age range)", "10-17 into a date"],
            ..Case::default()
        },
        Case {
            name: "a ragged row",
            sample: true,
            files: vec![("x.csv", export(&[ROW, ROW.rsplit_once(',').unwrap().0]))],
            args: vec!["x.csv"],
            says: vec!["x.csv, line 3", "14 fields but the header has 15"],
            ..Case::default()
        },
        Case {
            name: "a semicolon-separated export",
            sample: true,
            files: vec![(
                "x.csv",
                format!("{}\n{}\n", HEADER.replace(',', ";"), ROW.replace(',', ";")).into_bytes(),
            )],
            args: vec!["x.csv"],
            says: vec!["semicolon-separated"],
            ..Case::default()
        },
        Case {
            name: "an empty export",
            sample: true,
            files: vec![("x.csv", Vec::new())],
            args: vec!["x.csv"],
            says: vec!["x.csv: the file is empty"],
            ..Case::default()
        },
        Case {
            name: "the same export twice",
            sample: true,
            args: vec!["city.csv", "./city.csv"],
            says: vec!["is the same file as"],
            ..Case::default()
        },
        Case {
            name: "a month the export does not cover",
            args: vec![
                "sample",
                "--month",
                "2019-03",
                "--champions",
                "champions.csv",
                "--export",
                "city.csv",
            ],
            says: vec!["no searches in 2019-03"],
            ..Case::default()
        },
        Case {
            name: "a champion listed twice",
            sample: true,
            files: vec![("champions.csv", b"champion\nPC Ada\npc  ada\n".to_vec())],
            args: vec!["city.csv"],
            says: vec!["is listed twice"],
            ..Case::default()
        },
        Case {
            name: "report without a workspace",
            args: vec!["report", "--db", "nothere.db"],
            says: vec!["no workspace at nothere.db"],
            ..Case::default()
        },
        Case {
            name: "status without a workspace",
            args: vec!["status"],
            says: vec!["no workspace at grounds.db"],
            ..Case::default()
        },
        Case {
            name: "import without a workspace",
            files: vec![("sheet.csv", b"record_id\n".to_vec())],
            args: vec!["import", "sheet.csv"],
            says: vec!["no workspace at grounds.db"],
            ..Case::default()
        },
    ]
}

#[test]
fn bad_inputs_are_refused_with_a_message_and_write_nothing() {
    let mut failures = Vec::new();
    for case in cases() {
        if let Err(why) = run(&case) {
            failures.push(format!("{}: {why}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

fn run(case: &Case) -> Result<(), String> {
    let ws = Workspace::new();
    ws.write("champions.csv", "champion\nA\nB\n");
    ws.write("city.csv", city());
    for (name, bytes) in &case.files {
        ws.write(name, bytes);
    }
    if let Some(export) = case.drawn_from {
        // As a person types it: relative to the folder the command runs in.
        ws.sample(
            &[export.into()],
            "2019-01",
            "seed",
            &["--per-champion", "2", "--reserves", "1"],
        );
    }
    if let Some(prepare) = case.prepare {
        prepare(&ws);
    }
    let before = snapshot(ws.dir.path());
    let mut cmd = ws.grounds();
    if case.sample {
        cmd.args(SAMPLE);
    }
    let output = cmd
        .args(&case.args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .map_err(|e| e.to_string())?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let expected_code = if case.code == 0 { 2 } else { case.code };
    let mut problems = Vec::new();
    if output.status.code() != Some(expected_code) {
        problems.push(format!(
            "exit {:?}, expected {expected_code}",
            output.status.code()
        ));
    }
    for fragment in &case.says {
        if !stderr.contains(fragment) {
            problems.push(format!("stderr lacks {fragment:?}"));
        }
    }
    if let Some(once) = case.once {
        let times = stderr.matches(once).count();
        if times != 1 {
            problems.push(format!("{once:?} said {times} times"));
        }
    }
    if stderr.contains('\u{1b}') || stdout.contains('\u{1b}') {
        problems.push("a raw escape character reached the terminal".to_string());
    }
    let after = snapshot(ws.dir.path());
    if after != before {
        let changed: Vec<&String> = after
            .keys()
            .chain(before.keys())
            .filter(|k| after.get(*k) != before.get(*k))
            .collect();
        problems.push(format!("files changed: {changed:?}"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n--- stderr:\n{stderr}", problems.join("; ")))
    }
}

/// Every entry under `dir`: regular files with their bytes, symlinks with
/// their target, other files (pipes) by kind; folders by their entries.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let name = path.strip_prefix(dir).unwrap().display().to_string();
            let kind = fs::symlink_metadata(&path).unwrap().file_type();
            let content = if kind.is_symlink() {
                fs::read_link(&path)
                    .unwrap()
                    .display()
                    .to_string()
                    .into_bytes()
            } else if kind.is_dir() {
                stack.push(path);
                b"(folder)".to_vec()
            } else if kind.is_file() {
                fs::read(&path).unwrap()
            } else {
                b"(special)".to_vec()
            };
            found.insert(name, content);
        }
    }
    // A read-only SQLite connection to a WAL workspace leaves an empty -wal
    // and its -shm index behind (only a writer may remove them): SQLite's
    // own files, not anything written into the workspace.
    if found.get("grounds.db-wal").is_some_and(Vec::is_empty) {
        found.remove("grounds.db-wal");
    }
    found.remove("grounds.db-shm");
    found
}

fn symlink(target: &str, link: &Path) {
    #[cfg(unix)]
    std::os::unix::fs::symlink(target, link).expect("a symlink");
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

/// A formula in an export's header reaches the worksheet as text, as cells do.
#[test]
fn a_formula_in_an_export_header_is_guarded_in_the_worksheet() {
    let ws = Workspace::new();
    ws.champions(&["A"]);
    let path = ws.write(
        "x.csv",
        format!("{HEADER},=HYPERLINK(\"http://x\")\n{ROW},=1+1\n"),
    );
    ws.sample(
        &[path],
        "2019-01",
        "s",
        &["--per-champion", "1", "--reserves", "0"],
    );
    let sheet = fs::read_to_string(ws.path("worksheets/2019-01/A.csv")).unwrap();
    let header = sheet.lines().next().unwrap();
    assert!(
        header.contains(",\"'=HYPERLINK(\"\"http://x\"\")\","),
        "{header}"
    );
    assert!(sheet.contains(",'=1+1,"), "{sheet}");
}

/// A data.police.uk file whose coordinates lost their six decimals (a
/// spreadsheet re-saved it) is drawn, with a warning naming file and line.
#[test]
fn coordinates_reformatted_by_a_spreadsheet_are_warned_about() {
    let ws = Workspace::new();
    ws.champions(&["A"]);
    let resaved = ROW.replace("51.270000,1.080000", "51.27,1.08");
    let path = ws.write("x.csv", export(&[ROW, &resaved, &resaved]));
    let output = ws
        .grounds()
        .args(SAMPLE)
        .arg(&path)
        .args(["--per-champion", "1", "--reserves", "0"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "x.csv, line 3, column 5 (Latitude): \"51.27\" does not have the six decimals"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.matches("six decimals").count(), 1, "{stderr}");

    let exact = Workspace::new();
    exact.champions(&["A"]);
    let path = exact.write("x.csv", export(&[ROW]));
    exact
        .grounds()
        .args(SAMPLE)
        .arg(&path)
        .args(["--per-champion", "1", "--reserves", "0"])
        .assert()
        .success()
        .stderr(predicate::str::contains("six decimals").not());
}

/// An export value with an escape sequence is shown, not obeyed, when
/// `sample` warns about it, and a note with one when `history` shows it.
#[test]
fn export_and_note_text_reach_the_terminal_escaped() {
    let ws = Workspace::new();
    ws.champions(&["A"]);
    let odd = ROW.replace("White - Irish", "Wh\u{1b}[2Jite");
    let path = ws.write("x.csv", export(&[&odd]));
    let output = ws
        .grounds()
        .args(SAMPLE)
        .arg(&path)
        .args(["--per-champion", "1", "--reserves", "0"])
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(output.status.success(), "{stderr}");
    assert!(
        !stdout.contains('\u{1b}') && !stderr.contains('\u{1b}'),
        "{stderr}"
    );
    assert!(stderr.contains("[2Jite"), "the value is shown: {stderr}");

    let record_id = ws.manifest("2019-01")["champions"][0]["sample"][0]
        .as_str()
        .unwrap()
        .to_string();
    ws.grounds()
        .args([
            "record",
            "--month",
            "2019-01",
            "--champion",
            "A",
            "--record-id",
        ])
        .arg(&record_id)
        .args([
            "--grounds",
            "reasonable",
            "--bwv",
            "reviewed",
            "--gowisely",
            "yes",
            "--conduct",
            "good",
            "--themes",
            "",
            "--referral",
            "none",
            "--notes",
            "fine\u{1b}]0;pwned\u{7}\nVersion 9: forged",
            "--reviewer",
            "R\u{1b}[31m",
            "--reviewed-on",
            "2019-02-01",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains('\u{1b}').not());
    ws.grounds()
        .args(["history", "--record-id"])
        .arg(&record_id)
        .assert()
        .success()
        .stdout(predicate::str::contains('\u{1b}').not())
        .stdout(predicate::str::contains(
            "fine\\x1B]0;pwned\\x07\\x0AVersion 9: forged",
        ))
        .stdout(predicate::str::contains("reviewer     R\\x1B[31m"));
}
