//! A workspace on a read-only mount (an archive, a panel's copy on a
//! read-only share): `report`, `status` and `history` read it; commands that
//! write say why they cannot, naming the path, and change nothing.
//!
//! The mount is made for real: `unshare -rm` gives the command its own mount
//! namespace with the workspace folder bound read-only. Where user namespaces
//! are not allowed, a user who cannot write the folder stands in for it (the
//! account itself when it is not root, else `nobody` through `setpriv`).

use std::path::Path;
use std::process::{Command, Output};

use crate::worksheets::*;

/// How this machine can show the command a workspace it cannot write.
enum ReadOnly {
    Mount,
    Permissions { as_nobody: bool },
}

fn read_only_kind() -> ReadOnly {
    let mount = Command::new("unshare")
        .args(["-rm", "mount", "--bind", "-o", "ro", "/tmp", "/tmp"])
        .output();
    if mount.is_ok_and(|o| o.status.success()) {
        return ReadOnly::Mount;
    }
    let uid = Command::new("id").arg("-u").output().expect("id -u");
    let as_nobody = String::from_utf8_lossy(&uid.stdout).trim() == "0";
    ReadOnly::Permissions { as_nobody }
}

/// Runs grounds with `args` in `dir`, which it cannot write.
fn run_read_only(kind: &ReadOnly, dir: &Path, args: &[&str]) -> Output {
    let binary = assert_cmd::cargo::cargo_bin("grounds");
    let mut command = match kind {
        ReadOnly::Mount => {
            let mut c = Command::new("unshare");
            c.args([
                "-rm",
                "sh",
                "-c",
                r#"mount --bind -o ro "$1" "$1" && cd "$1" && shift && exec "$@""#,
                "sh",
            ])
            .arg(dir)
            .arg(&binary);
            c
        }
        ReadOnly::Permissions { as_nobody: true } => {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(&binary);
            c
        }
        ReadOnly::Permissions { as_nobody: false } => Command::new(&binary),
    };
    command
        .args(args)
        .current_dir(dir)
        .env_remove("GROUNDS_DB")
        .env("GROUNDS_USER", "test-runner")
        .output()
        .expect("run grounds")
}

fn set_writable(dir: &Path, writable: bool) {
    let mode = if writable { "u+w" } else { "a-w,a+rX" };
    let status = Command::new("chmod")
        .args(["-R", mode])
        .arg(dir)
        .status()
        .expect("chmod");
    assert!(status.success());
}

#[test]
fn a_read_only_workspace_is_read_by_report_status_and_history_and_never_written() {
    let ws = kent_workspace();
    let sheet = Sheet::load(&sheet_path(&ws, "2019-01", CHAMPIONS[1]));
    let first = sheet.get(0, "record_id").to_string();
    ws.grounds()
        .args([
            "record",
            "--month",
            "2019-01",
            "--champion",
            "PC Ben Hartley",
        ])
        .args([
            "--grounds",
            "reasonable",
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
            "PC Ben Hartley",
        ])
        .args(["--reviewed-on", "2019-02-04"])
        .assert()
        .success();
    let before = snapshot_of(ws.dir.path());

    let kind = read_only_kind();
    if let ReadOnly::Permissions { .. } = kind {
        set_writable(ws.dir.path(), false);
    }
    let dir = ws.dir.path();
    let report = run_read_only(&kind, dir, &["report", "--format", "json"]);
    // `status` also reads each search's footage deadline.
    let status = run_read_only(&kind, dir, &["status"]);
    let history = run_read_only(&kind, dir, &["history", "--record-id", &first]);
    let import = run_read_only(
        &kind,
        dir,
        &["import", "worksheets/2019-01/PC_Ben_Hartley.csv"],
    );
    if let ReadOnly::Permissions { .. } = kind {
        set_writable(ws.dir.path(), true);
    }

    let text = |o: &Output| {
        format!(
            "exit {:?}\nstdout: {}\nstderr: {}",
            o.status.code(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    assert!(report.status.success(), "{}", text(&report));
    let json: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(json["overall"]["reasonable"], 1);
    assert!(status.status.success(), "{}", text(&status));
    assert!(String::from_utf8_lossy(&status.stdout).contains("PC Ben Hartley"));
    assert!(history.status.success(), "{}", text(&history));
    assert!(String::from_utf8_lossy(&history.stdout).contains("grounds      reasonable"));

    assert_eq!(import.status.code(), Some(2), "{}", text(&import));
    let stderr = String::from_utf8_lossy(&import.stderr);
    assert!(
        stderr.contains("cannot write the workspace grounds.db"),
        "{stderr}"
    );
    assert!(stderr.contains("can still read it"), "{stderr}");

    assert_eq!(snapshot_of(ws.dir.path()), before, "nothing was written");
}

/// Every file under `dir` with its bytes.
fn snapshot_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let name = path.strip_prefix(dir).unwrap().display().to_string();
                files.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}
