//! Nothing recorded is lost: concurrent writers queue and both land; a
//! process killed in the middle of an import leaves the workspace as it was.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use grounds::store::Store;

use crate::common::*;
use crate::worksheets::*;

const MET: &str = "2016-06-metropolitan-stop-and-search.csv";
const BIG: [&str; 4] = ["A", "B", "C", "D"];

/// The Metropolitan Police's June 2016 (10,490 searches), 2000 per champion.
fn met_workspace(champions: &[&str]) -> Workspace {
    let ws = Workspace::new();
    ws.champions(champions);
    ws.sample(
        &[real(MET)],
        "2016-06",
        "reliability",
        &["--per-champion", "2000", "--reserves", "5"],
    );
    ws
}

fn fill(ws: &Workspace, champion: &str, notes: &str) -> std::path::PathBuf {
    let path = sheet_path(ws, "2016-06", champion);
    let mut sheet = Sheet::load(&path);
    sheet.assess_sample("reasonable", notes);
    sheet.save(&path);
    path
}

fn grounds_process(ws: &Workspace) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("grounds"));
    cmd.current_dir(ws.dir.path())
        .env_remove("GROUNDS_DB")
        .env("GROUNDS_USER", "test-runner");
    cmd
}

fn assert_intact(ws: &Workspace) {
    let store = Store::open(&ws.db()).expect("the workspace opens");
    assert_eq!(
        store.check_integrity().unwrap(),
        Vec::<String>::new(),
        "integrity_check and foreign_key_check are clean"
    );
}

#[test]
fn concurrent_imports_and_a_record_all_succeed_and_lose_nothing() {
    let ws = met_workspace(&BIG[..3]);
    let a = fill(&ws, "A", "");
    let b = fill(&ws, "B", "");
    let mut children = Vec::new();
    for file in [&a, &b] {
        children.push(
            grounds_process(&ws)
                .arg("import")
                .arg(file)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
        );
    }
    children.push(
        grounds_process(&ws)
            .args([
                "record",
                "--month",
                "2016-06",
                "--champion",
                "C",
                "--grounds",
                "not_reasonable",
                "--bwv",
                "not_available",
                "--gowisely",
                "not_visible",
                "--conduct",
                "adequate",
                "--referral",
                "supervisor",
                "--reviewer",
                "C",
                "--reviewed-on",
                "2016-07-01",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_intact(&ws);
    let status = status(&ws);
    let champions = status["months"][0]["champions"].as_array().unwrap();
    let assessed: Vec<u64> = champions
        .iter()
        .map(|c| c["assessed"].as_u64().unwrap())
        .collect();
    assert_eq!(assessed, [2000, 2000, 1]);
    assert_eq!(count(&ws, "SELECT count(*) FROM assessments"), 4001);
}

/// (assessment versions stored, distinct current version numbers)
fn stored(ws: &Workspace) -> (i64, i64) {
    (
        count(ws, "SELECT count(*) FROM assessments"),
        count(
            ws,
            "SELECT count(DISTINCT version) FROM current_assessments",
        ),
    )
}

#[test]
#[cfg(unix)]
fn an_import_killed_mid_transaction_leaves_the_workspace_as_it_was() {
    let ws = met_workspace(&BIG);
    let mut killed_mid_import = false;
    // Each attempt amends every search, so there is always a large write to
    // interrupt. A kill can lose the race with the commit; then the import is
    // whole, and the next attempt tries again.
    for attempt in 1..=8 {
        let files: Vec<_> = BIG
            .iter()
            .map(|c| fill(&ws, c, &format!("attempt {attempt}")))
            .collect();
        let before = stored(&ws);
        let mut child = grounds_process(&ws)
            .args(["import", "--amend"])
            .args(&files)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        // Printed inside the transaction, before the first row is written.
        let first = lines.next().unwrap().unwrap();
        assert_eq!(first, "Recording 8000 assessment(s) in grounds.db ...");
        child.kill().unwrap();
        let rest: Vec<String> = lines.map_while(Result::ok).collect();
        let status = child.wait().unwrap();

        assert_intact(&ws);
        let after = stored(&ws);
        if status.success() {
            assert!(rest.iter().any(|l| l.starts_with("Imported 4 file(s)")));
            assert_eq!(after, (before.0 + 8000, 1), "the whole import, never part");
        } else {
            use std::os::unix::process::ExitStatusExt;
            assert_eq!(status.signal(), Some(9), "killed, not failed");
            assert_eq!(after, before, "nothing of the killed import is stored");
            killed_mid_import = true;
            break;
        }
    }
    assert!(
        killed_mid_import,
        "every import finished before the kill landed"
    );
    // The workspace works on: the same import now goes through whole.
    let files: Vec<_> = BIG.iter().map(|c| sheet_path(&ws, "2016-06", c)).collect();
    let before = stored(&ws);
    ws.grounds()
        .args(["import", "--amend"])
        .args(&files)
        .assert()
        .success();
    assert_eq!(stored(&ws), (before.0 + 8000, 1));
    assert_eq!(status(&ws)["months"][0]["totals"]["assessed"], 8000);
}

/// `sample` killed at any moment, then run again: the month is either not
/// drawn at all, or drawn with its own folder in place (a stop between the
/// commit and the publish is finished by the next run), never a folder
/// without a draw, a draw without its folder, or a staged folder left over.
#[test]
fn a_sample_killed_at_any_moment_leaves_a_draw_with_its_folder_or_nothing() {
    use std::os::unix::process::ExitStatusExt;
    const KENT: &str = "2019-01-kent-stop-and-search.csv";
    let sample = |ws: &Workspace| {
        let mut cmd = grounds_process(ws);
        cmd.args(["sample", "--worksheet-format", "csv", "--export"])
            .arg(real(KENT))
            .args(["--month", "2019-01", "--champions"])
            .arg(ws.path("champions.csv"))
            .args(["--per-champion", "20", "--reserves", "5"]);
        cmd
    };
    let timing = Workspace::new();
    timing.champions(&BIG);
    let started = std::time::Instant::now();
    assert!(sample(&timing).output().unwrap().status.success());
    let full = started.elapsed();

    let mut killed = 0;
    for step in 0..12u32 {
        let ws = Workspace::new();
        ws.champions(&BIG);
        let mut child = sample(&ws)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full * step / 10);
        let _ = child.kill();
        let status = child.wait().unwrap();
        killed += usize::from(status.signal() == Some(9));

        let again = sample(&ws).output().unwrap();
        let stderr = String::from_utf8_lossy(&again.stderr);
        assert!(
            again.status.success()
                || stderr.contains("already")
                || stderr.contains("stopped before"),
            "step {step}: the second sample failed otherwise: {stderr}"
        );
        let mut store = Store::open(&ws.db()).expect("a workspace exists after the second run");
        let draw = store
            .read()
            .unwrap()
            .current_draw("2019-01")
            .unwrap()
            .expect("the month is drawn");
        let manifest = std::fs::read(ws.path("worksheets/2019-01/manifest.json"))
            .expect("the draw's folder is in place");
        assert_eq!(
            grounds::hashing::hex(
                &grounds::hashing::sha256_reader(manifest.as_slice())
                    .unwrap()
                    .0
            ),
            draw.manifest_sha256,
            "step {step}: the folder in place is the recorded draw's"
        );
        let leftovers: Vec<String> = ws
            .files()
            .into_iter()
            .filter(|f| f.contains(".partial"))
            .collect();
        assert!(leftovers.is_empty(), "step {step}: left over {leftovers:?}");
    }
    assert!(killed > 0, "every sample finished before the kill landed");
}
