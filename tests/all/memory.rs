//! `grounds sample` holds the month's rows, not the input's: peak memory
//! must not grow with the months around the one drawn.

use std::path::PathBuf;
use std::process::Command;

use crate::common::*;

/// Peak resident memory (KiB) of `grounds sample` over these files.
// The child is reaped with wait4 (which also gives its rusage), not Child::wait.
#[allow(clippy::zombie_processes)]
fn peak_kib(ws: &Workspace, files: &[PathBuf], run: &str) -> i64 {
    let binary = assert_cmd::cargo::cargo_bin("grounds");
    let child = Command::new(binary)
        .current_dir(ws.dir.path())
        .args([
            "sample",
            "--month",
            "2019-07",
            "--champions",
            "champions.csv",
            "--seed",
            "m",
            "--reserves",
            "0",
        ])
        .args([
            "--per-champion",
            "5",
            "--db",
            &format!("{run}.db"),
            "--out",
            run,
            "--export",
        ])
        .args(files)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "sample failed"
    );
    usage.ru_maxrss
}

#[test]
fn peak_memory_follows_the_month_not_the_input() {
    let ws = Workspace::new();
    ws.champions(&["A", "B"]);
    grounds()
        .args([
            "synth",
            "--start",
            "2018-01",
            "--months",
            "24",
            "--rows-per-month",
            "15000",
            "--seed",
            "3",
            "--out",
        ])
        .arg(ws.path("synth"))
        .assert()
        .success();
    let mut all: Vec<PathBuf> = std::fs::read_dir(ws.path("synth"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    all.sort();
    let july: Vec<PathBuf> = all
        .iter()
        .filter(|p| p.to_string_lossy().contains("2019-0"))
        .cloned()
        .collect();
    assert_eq!(july.len(), 9, "2019-01 to 2019-09 around the month drawn");

    let small = peak_kib(&ws, &july, "small");
    let large = peak_kib(&ws, &all, "large");
    // 15,000 more rows per extra month, ~330,000 rows in all: holding them
    // would add well over 100 MiB. Reading them must add little or nothing.
    let growth_mib = (large - small) as f64 / 1024.0;
    assert!(
        growth_mib < 16.0,
        "peak grew by {growth_mib:.1} MiB for 15 more months ({small} → {large} KiB)"
    );
}
