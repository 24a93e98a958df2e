//! `grounds import`, `grounds status` and `grounds history` on worksheets
//! drawn from real exports.

use std::fs;

use predicates::prelude::*;

use crate::common::*;
use crate::worksheets::*;

#[test]
fn filled_worksheets_import_and_status_shows_complete() {
    let ws = kent_workspace();
    ws.grounds()
        .args(["status", "--check"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("2019-01: 60 outstanding"));

    // Part-way through: 15 of Ada's 20 done.
    let ada = sheet_path(&ws, "2019-01", CHAMPIONS[0]);
    let mut sheet = Sheet::load(&ada);
    for row in 0..15 {
        sheet.assess(row, "reasonable", "");
    }
    sheet.save(&ada);
    ws.grounds()
        .arg("import")
        .arg(&ada)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Imported 1 file(s): 15 new, 0 amended, 0 unchanged, 5 not assessed yet (skipped); \
             5 row(s) not for review (reserves not in use, replaced searches).",
        ));

    let mut files = Vec::new();
    for champion in CHAMPIONS {
        let path = sheet_path(&ws, "2019-01", champion);
        let mut sheet = Sheet::load(&path);
        sheet.assess_sample("reasonable", "");
        sheet.save(&path);
        files.push(path);
    }
    ws.grounds()
        .arg("import")
        .args(&files)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Imported 3 file(s): 45 new, 0 amended, 15 unchanged, 0 not assessed yet (skipped); 15 row(s) not for review",
        ))
        .stdout(predicate::str::contains(
            "PS_Ada_Okafor.csv: 5 new, 0 amended, 15 unchanged, 0 not assessed yet, 5 not for review",
        ));
    let status = status(&ws);
    assert_eq!(status["complete"], true);
    assert_eq!(status["simulated"], false);
    let month = &status["months"][0];
    assert_eq!(month["totals"]["assigned"], 60);
    assert_eq!(month["totals"]["assessed"], 60);
    assert_eq!(month["totals"]["outstanding"], 0);
    for (champion, row) in CHAMPIONS.iter().zip(month["champions"].as_array().unwrap()) {
        assert_eq!(row["champion"], *champion);
        assert_eq!(row["assessed"], 20);
        assert_eq!(row["reserves_left"], 5);
    }
    ws.grounds()
        .args(["status", "--check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("2019-01: complete"));

    // The same worksheets again: nothing changes.
    ws.grounds()
        .arg("import")
        .args(&files)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "0 new, 0 amended, 60 unchanged, 0 not assessed yet",
        ));
    assert_eq!(count(&ws, "SELECT count(*) FROM assessments"), 60);
    let recorded_by = count(
        &ws,
        "SELECT count(*) FROM assessments WHERE recorded_by = 'test-runner' AND source = 'import:PC_Ben_Hartley.csv'",
    );
    assert_eq!(recorded_by, 20);
}

#[test]
fn a_worksheet_saved_by_a_spreadsheet_imports_the_same() {
    let ws = kent_workspace();
    let path = sheet_path(&ws, "2019-01", CHAMPIONS[0]);
    let mut sheet = Sheet::load(&path);
    sheet.assess_sample("Not reasonable", "=HYPERLINK(\"x\") was in the notes");
    sheet.set(0, "grounds", "Reasonable");
    sheet.set(1, "bwv", "N/A");
    sheet.save_as_spreadsheet(&ws.path("edited.csv"));
    let edited = fs::read_to_string(ws.path("edited.csv")).unwrap();
    assert!(edited.starts_with("\u{feff}\"Checked by coordinator\",\"reviewed_on\",\"reviewer\""));
    assert!(edited
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("\"yes\",\"'03/11/2026\",\"'Reviewer\","));
    assert!(edited.contains("\r\n"));
    assert!(edited.contains(",\"'Jan-19\","));

    ws.grounds()
        .args(["import", "edited.csv"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "20 new, 0 amended, 0 unchanged, 0 not assessed yet (skipped); 5 row(s) not for review",
        ));
    // The plain file says exactly the same: every value survived the round trip.
    sheet.set(0, "grounds", "reasonable");
    sheet.set(1, "bwv", "not_available");
    sheet.save(&ws.path("plain.csv"));
    ws.grounds()
        .args(["import", "plain.csv"])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 new, 0 amended, 20 unchanged"));
    let first = sheet.get(0, "record_id").to_string();
    ws.grounds()
        .args(["history", "--record-id", &first])
        .assert()
        .success()
        .stdout(predicate::str::contains("grounds      reasonable\n"))
        .stdout(predicate::str::contains(
            "notes        =HYPERLINK(\"x\") was in the notes\n",
        ))
        .stdout(predicate::str::contains("reviewed_on  2026-11-03\n"))
        .stdout(predicate::str::contains("from import:edited.csv"));
    assert_eq!(
        count(
            &ws,
            "SELECT count(*) FROM assessments WHERE grounds = 'not_reasonable'"
        ),
        19
    );
}

#[test]
fn an_invalid_row_in_one_file_of_three_imports_nothing_and_names_file_and_line() {
    let ws = kent_workspace();
    let mut files = Vec::new();
    for (i, champion) in CHAMPIONS.iter().enumerate() {
        let path = sheet_path(&ws, "2019-01", champion);
        let mut sheet = Sheet::load(&path);
        sheet.assess_sample("reasonable", "");
        if i == 1 {
            // Line 7 of the file: the header, then the sixth search.
            sheet.set(5, "conduct", "excellent");
            sheet.save_as_spreadsheet(&path);
        } else {
            sheet.save(&path);
        }
        files.push(path);
    }
    // A second mistake elsewhere: every invalid row of every file is reported.
    let mut third = Sheet::load(&files[2]);
    third.set(11, "reviewed_on", "31/02/2026");
    third.save(&files[2]);

    let before = status(&ws);
    let output = ws.grounds().arg("import").args(&files).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let ben = files[1].display().to_string();
    let chloe = files[2].display().to_string();
    assert!(
        stderr.contains(&format!(
            "{ben}, line 7, column conduct: \"excellent\" is not a conduct value; use one of: good, adequate, concern"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{chloe}, line 13, column reviewed_on:")),
        "{stderr}"
    );
    assert!(stderr.contains("2 problem(s) in 2 file(s); nothing was imported"));
    assert_eq!(status(&ws), before, "the workspace is unchanged");
    assert_eq!(count(&ws, "SELECT count(*) FROM assessments"), 0);
}

#[test]
fn rows_must_belong_to_the_draw_and_be_under_review() {
    let ws = kent_workspace();
    let ada = sheet_path(&ws, "2019-01", CHAMPIONS[0]);
    let mut sheet = Sheet::load(&ada);
    let reserve = sheet.with_role("reserve")[0];
    sheet.assess(0, "reasonable", "");
    sheet.assess(reserve, "reasonable", "");
    sheet.assess(1, "reasonable", "");
    sheet.set(1, "champion", CHAMPIONS[1]);
    sheet.assess(2, "reasonable", "");
    sheet.set(2, "record_id", "h0000000000000000-1");
    sheet.assess(3, "reasonable", "");
    sheet.set(3, "month", "2019-02");
    sheet.set(4, "grounds", "reasonable"); // started, not finished
    sheet.save(&ada);
    let output = ws
        .grounds()
        .arg("import")
        .arg(&ada)
        .arg("missing.csv")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    for expected in [
        "missing.csv: cannot be read: No such file".to_string(),
        "line 3, column champion: ".to_string(),
        "line 4, column record_id: h0000000000000000-1 is not in the 2019-01 draw".to_string(),
        "line 5, column month: this workspace has no draw for \"2019-02\"".to_string(),
        "line 6, column bwv, gowisely, conduct, referral, reviewer, reviewed_on: missing".to_string(),
        format!(
            "line {}, column record_id: {} is reserve 1 of PS Ada Okafor and has not been brought in",
            reserve + 2,
            sheet.get(reserve, "record_id")
        ),
    ] {
        assert!(stderr.contains(&expected), "{expected}\n---\n{stderr}");
    }
    assert!(stderr.contains("6 problem(s) in 2 file(s)"), "{stderr}");
    assert_eq!(count(&ws, "SELECT count(*) FROM assessments"), 0);
}

#[test]
fn a_changed_assessment_needs_amend_and_keeps_the_old_version() {
    let ws = kent_workspace();
    let path = sheet_path(&ws, "2019-01", CHAMPIONS[2]);
    let mut sheet = Sheet::load(&path);
    sheet.assess_sample("reasonable", "");
    sheet.save(&path);
    ws.grounds().arg("import").arg(&path).assert().success();

    sheet.set(3, "grounds", "none recorded");
    sheet.set(3, "notes", "grounds box empty");
    sheet.save(&path);
    let id = sheet.get(3, "record_id").to_string();
    ws.grounds()
        .arg("import")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "line 5, column grounds, notes: {id} already has an assessment (version 1"
        )))
        .stderr(predicate::str::contains("give --amend"));
    assert_eq!(count(&ws, "SELECT count(*) FROM assessments"), 20);

    ws.grounds()
        .arg("import")
        .arg("--amend")
        .arg(&path)
        .env("GROUNDS_USER", "coordinator-jo")
        .assert()
        .success()
        .stdout(predicate::str::contains("0 new, 1 amended, 19 unchanged"));
    assert_eq!(count(&ws, "SELECT count(*) FROM assessments"), 21);
    ws.grounds()
        .args(["history", "--record-id", &id])
        .assert()
        .success()
        .stdout(predicate::str::contains("Version 1: recorded "))
        .stdout(predicate::str::contains(
            "by test-runner, from import:PC_Chloe_Nwosu.csv",
        ))
        .stdout(predicate::str::contains(
            "by coordinator-jo, from import:PC_Chloe_Nwosu.csv",
        ))
        .stdout(predicate::str::contains(
            "changed: grounds: reasonable → none_recorded; notes: \"\" → \"grounds box empty\"",
        ))
        .stdout(predicate::str::contains("Current (version 2):"));
    // Amending with nothing changed is still a no-op.
    ws.grounds()
        .args(["import", "--amend"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("0 new, 0 amended, 20 unchanged"));
}

#[test]
fn history_of_an_unknown_or_unassessed_record() {
    let ws = kent_workspace();
    ws.grounds()
        .args(["history", "--record-id", "hffffffffffffffff-1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is in no draw"));
    let sheet = Sheet::load(&sheet_path(&ws, "2019-01", CHAMPIONS[0]));
    ws.grounds()
        .args(["history", "--record-id", sheet.get(0, "record_id")])
        .assert()
        .success()
        .stdout(predicate::str::contains("PS Ada Okafor's sample 1."))
        .stdout(predicate::str::contains("No assessment recorded yet."));
    ws.grounds()
        .args(["status", "--month", "2019-05"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no draw for 2019-05"));
}

#[test]
fn simulated_imports_are_marked_everywhere() {
    let ws = kent_workspace();
    let path = sheet_path(&ws, "2019-01", CHAMPIONS[0]);
    let mut sheet = Sheet::load(&path);
    sheet.assess_sample("reasonable", "");
    sheet.save(&path);
    ws.grounds()
        .args(["import", "--simulated"])
        .arg(&path)
        .assert()
        .success();
    assert_eq!(
        count(
            &ws,
            "SELECT count(*) FROM assessments WHERE simulated = 1 AND source = 'simulated'"
        ),
        20
    );
    assert_eq!(status(&ws)["simulated"], true);
    ws.grounds()
        .arg("status")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("*** SIMULATED DATA"));
    ws.grounds()
        .args(["history", "--record-id", sheet.get(0, "record_id")])
        .assert()
        .stdout(predicate::str::contains("from simulated (SIMULATED)"));
}

#[test]
fn import_needs_an_existing_workspace() {
    let ws = Workspace::new();
    ws.write("sheet.csv", "record_id\n");
    ws.grounds()
        .args(["import", "sheet.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no workspace at grounds.db"));
    assert!(!ws.db().exists());
}
