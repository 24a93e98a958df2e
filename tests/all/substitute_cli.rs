//! `grounds substitute`: reserves replace unreviewable searches, in order.

use predicates::prelude::*;

use crate::common::*;
use crate::worksheets::*;

fn substitute(ws: &Workspace, record_id: &str, reason: &str) -> assert_cmd::assert::Assert {
    ws.grounds()
        .args([
            "substitute",
            "--month",
            "2019-01",
            "--record-id",
            record_id,
            "--reason",
            reason,
        ])
        .assert()
}

#[test]
fn reserves_are_used_in_order_and_the_reason_is_kept() {
    let ws = Workspace::new();
    ws.champions(&CHAMPIONS[..2]);
    ws.sample(
        &[real(CITY_JAN)],
        "2019-01",
        "reserves",
        &["--per-champion", "4", "--reserves", "2"],
    );
    let manifest = ws.manifest("2019-01");
    let sample = strings(&manifest["champions"][1]["sample"]);
    let reserves = strings(&manifest["champions"][1]["reserves"]);

    substitute(&ws, &sample[2], "No BWV: camera not switched on")
        .success()
        .stdout(predicate::str::contains(format!(
            "{} of PC Ben Hartley is replaced by reserve 1 ({})",
            sample[2], reserves[0]
        )))
        .stdout(predicate::str::contains(
            "(footage missing). 1 reserve(s) left",
        ));
    // A reserve brought in can itself be replaced; the next reserve comes in.
    substitute(&ws, &reserves[0], "record missing")
        .success()
        .stdout(predicate::str::contains(format!(
            "replaced by reserve 2 ({})",
            reserves[1]
        )));
    substitute(&ws, &sample[0], "Video corrupted")
        .code(2)
        .stderr(predicate::str::contains(
            "PC Ben Hartley has no reserve left in 2019-01 (all 2 used)",
        ));
    substitute(&ws, &sample[2], "again")
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{} was already replaced by {}",
            sample[2], reserves[0]
        )));
    substitute(&ws, "hffffffffffffffff-1", "typo")
        .code(2)
        .stderr(predicate::str::contains(
            "hffffffffffffffff-1 is not in the 2019-01 draw",
        ));
    let ada_reserve = strings(&manifest["champions"][0]["reserves"])[0].clone();
    substitute(&ws, &ada_reserve, "no footage")
        .code(2)
        .stderr(predicate::str::contains("has not been brought in"));

    let status = status(&ws);
    let ben = &status["months"][0]["champions"][1];
    assert_eq!(ben["assigned"], 4, "still four to review");
    assert_eq!(ben["substituted"], 2);
    assert_eq!(ben["footage_missing"], 1, "only the BWV reason");
    assert_eq!(ben["reserves_left"], 0);
    assert_eq!(
        count(
            &ws,
            "SELECT count(*) FROM substitutions WHERE reason = 'No BWV: camera not switched on' AND recorded_by = 'test-runner'"
        ),
        1
    );

    // The worksheet: the replaced rows are refused, the reserve brought in is accepted.
    let path = sheet_path(&ws, "2019-01", CHAMPIONS[1]);
    let blank = Sheet::load(&path);
    let mut sheet = blank.clone();
    sheet.assess_sample("reasonable", "");
    let reserve_rows = sheet.with_role("reserve");
    sheet.assess(reserve_rows[0], "reasonable", "");
    sheet.save(&path);
    ws.grounds()
        .arg("import")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "line 4, column record_id: {} was replaced by reserve {}",
            sample[2], reserves[0]
        )))
        .stderr(predicate::str::contains(format!(
            "{} was replaced by reserve {}",
            reserves[0], reserves[1]
        )));
    let mut sheet = blank;
    for row in [0, 1, 3, reserve_rows[1]] {
        sheet.assess(row, "reasonable", "");
    }
    sheet.save(&path);
    ws.grounds()
        .arg("import")
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("4 new"));
    ws.grounds()
        .args(["status", "--month", "2019-01", "--check"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("2019-01: 4 outstanding"));
    let status = crate::worksheets::status(&ws);
    assert_eq!(status["months"][0]["champions"][1]["outstanding"], 0);
    ws.grounds()
        .args(["history", "--record-id", &reserves[1]])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "Brought in to replace {}",
            reserves[0]
        )));
    ws.grounds()
        .args(["history", "--record-id", &sample[2]])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "Replaced by reserve {} on",
            reserves[0]
        )))
        .stdout(predicate::str::contains(
            ", footage missing (reason: No BWV: camera not switched on)",
        ));
}

#[test]
fn an_assessed_search_is_not_substituted() {
    let ws = kent_workspace();
    let path = sheet_path(&ws, "2019-01", CHAMPIONS[0]);
    let mut sheet = Sheet::load(&path);
    sheet.assess(0, "insufficient info", "");
    sheet.save(&path);
    ws.grounds().arg("import").arg(&path).assert().success();
    substitute(&ws, sheet.get(0, "record_id"), "no BWV")
        .code(2)
        .stderr(predicate::str::contains(
            "already has an assessment (version 1): an assessed search is not replaced",
        ));
    assert_eq!(count(&ws, "SELECT count(*) FROM substitutions"), 0);
}

#[test]
fn substitute_help_documents_the_footage_inference() {
    grounds()
        .args(["substitute", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("mentions BWV, footage or video"))
        .stdout(predicate::str::contains("Example: grounds substitute"));
}
