//! `grounds sample --second-review K` on the real Kent export: who gets
//! which second review (with and without areas), verify, the worksheets,
//! import and record of both reviews, status, and reports that never count
//! a second review.

use std::collections::{HashMap, HashSet};
use std::fs;

use predicates::prelude::*;

use crate::common::*;
use crate::stratified_draw::{rows, Row, POOLS_MAPPING};
use crate::worksheets::*;

/// A champion as the champions file gives them.
struct Listed {
    name: &'static str,
    officer: Option<&'static str>,
    area: Option<&'static str>,
}

impl Listed {
    fn takes(&self, row: &Row) -> bool {
        !self.officer_of(row) && self.area.is_none_or(|area| area == row.area)
    }

    fn officer_of(&self, row: &Row) -> bool {
        self.officer == Some(row.officer.as_str())
    }
}

/// The README's rule, read independently: each champion's first K sampled
/// searches go to the next champion in the file (wrapping round) who may
/// take them, else the next who is not the search's officer (outside the
/// area); never the first reviewer. `(record, second champion, position,
/// outside area)` in dealing order.
fn expected(
    manifest: &serde_json::Value,
    listed: &[Listed],
    rows: &[Row],
    k: usize,
) -> Vec<(String, String, u64, bool)> {
    let by_id: HashMap<&str, &Row> = rows.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut positions = vec![0u64; listed.len()];
    let mut out = Vec::new();
    for (first, entry) in manifest["champions"].as_array().unwrap().iter().enumerate() {
        for id in strings(&entry["sample"]).into_iter().take(k) {
            let row = by_id[id.as_str()];
            let others: Vec<usize> = (1..listed.len())
                .map(|step| (first + step) % listed.len())
                .collect();
            let (second, outside) = match others.iter().find(|&&i| listed[i].takes(row)) {
                Some(&i) => (i, false),
                None => match others.iter().find(|&&i| !listed[i].officer_of(row)) {
                    Some(&i) => (i, true),
                    None => continue,
                },
            };
            positions[second] += 1;
            out.push((
                id,
                listed[second].name.to_string(),
                positions[second],
                outside,
            ));
        }
    }
    out
}

fn dealt(manifest: &serde_json::Value) -> Vec<(String, String, u64, bool)> {
    manifest["second_reviews"]["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["record_id"].as_str().unwrap().to_string(),
                r["champion"].as_str().unwrap().to_string(),
                r["position"].as_u64().unwrap(),
                r["outside_area"].as_bool().unwrap_or(false),
            )
        })
        .collect()
}

const PLAIN: [Listed; 3] = [
    Listed {
        name: "PS Ada Okafor",
        officer: None,
        area: None,
    },
    Listed {
        name: "PC Ben Hartley",
        officer: None,
        area: None,
    },
    Listed {
        name: "PC Chloe Nwosu",
        officer: None,
        area: None,
    },
];

/// Areas by the `Gender` column, officers by `Age range` (see
/// `POOLS_MAPPING`): Female has one champion, Male three.
const POOLED: [Listed; 4] = [
    Listed {
        name: "A",
        officer: Some("18-24"),
        area: Some("Male"),
    },
    Listed {
        name: "B",
        officer: None,
        area: Some("Female"),
    },
    Listed {
        name: "C",
        officer: Some("25-34"),
        area: Some("Male"),
    },
    Listed {
        name: "D",
        officer: Some("over 34"),
        area: Some("Male"),
    },
];

fn champions_file(listed: &[Listed]) -> String {
    let mut text = String::from("champion,officer_id,area\n");
    for c in listed {
        text.push_str(&format!(
            "{},{},{}\n",
            c.name,
            c.officer.unwrap_or(""),
            c.area.unwrap_or("")
        ));
    }
    text
}

#[test]
fn second_reviews_are_dealt_as_specified_and_verify_recomputes_them() {
    let kent = real(KENT_JAN);
    let outsider = rows(&kent, "2019-01");
    let ws = Workspace::new();
    ws.write("pools.toml", POOLS_MAPPING);
    for (run, (listed, mapping)) in [(&PLAIN[..], None), (&POOLED[..], Some("pools.toml"))]
        .into_iter()
        .enumerate()
    {
        let champions = format!("champions{run}.csv");
        ws.write(&champions, champions_file(listed));
        let (out, db) = (format!("run{run}"), format!("run{run}.db"));
        let mut cmd = ws.grounds();
        cmd.args(["sample", "--month", "2019-01", "--seed", "second-review"])
            .args(["--champions", &champions, "--second-review", "3"])
            .args(["--worksheet-format", "csv", "--out", &out, "--db", &db])
            .arg("--export")
            .arg(&kent);
        if let Some(mapping) = mapping {
            cmd.args(["--columns", mapping]);
        }
        let output = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{stdout}");
        let announced = format!("Second reviews: {} search(es)", 3 * listed.len());
        assert!(stdout.contains(&announced), "{stdout}");
        let manifest_path = ws.path(&format!("{out}/2019-01/manifest.json"));
        let text = fs::read_to_string(&manifest_path).unwrap();
        let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(manifest["second_reviews"]["per_champion"], 3);
        let got = dealt(&manifest);
        assert_eq!(got, expected(&manifest, listed, &outsider, 3), "run {run}");
        assert_eq!(got.len(), 3 * listed.len(), "every search found a reviewer");

        // Never the first reviewer, never the search's officer.
        let by_id: HashMap<&str, &Row> = outsider.iter().map(|r| (r.id.as_str(), r)).collect();
        for review in manifest["second_reviews"]["reviews"].as_array().unwrap() {
            assert_ne!(review["champion"], review["first_champion"]);
            let second = listed
                .iter()
                .find(|c| c.name == review["champion"].as_str().unwrap())
                .unwrap();
            assert!(!second.officer_of(by_id[review["record_id"].as_str().unwrap()]));
        }
        if mapping.is_some() {
            // Female's only champion, B: its second reviews leave the area.
            let outside: Vec<_> = got.iter().filter(|r| r.3).collect();
            assert!(outside.len() >= 3, "{got:?}");
            assert!(
                stdout.contains("Area(s) with a single champion: Female"),
                "{stdout}"
            );
            assert!(stdout.contains("outside the search's area"), "{stdout}");
            // Within Male, in-area reviewers were found where one could take it.
            assert!(got.iter().any(|r| !r.3 && r.1 != "B"), "{got:?}");
        } else {
            assert!(got.iter().all(|r| !r.3));
        }

        // The workspace holds the same dealing.
        let conn = rusqlite::Connection::open(ws.path(&db)).unwrap();
        let mut statement = conn
            .prepare("SELECT record_id, champion, position FROM second_reviews ORDER BY rowid")
            .unwrap();
        let stored: Vec<(String, String, u64)> = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let from_manifest: Vec<(String, String, u64)> = got
            .iter()
            .map(|r| (r.0.clone(), r.1.clone(), r.2))
            .collect();
        assert_eq!(stored, from_manifest);

        ws.grounds()
            .arg("verify")
            .arg(&manifest_path)
            .arg("--export")
            .arg(&kent)
            .assert()
            .code(0)
            .stdout(predicate::str::contains(
                "blind second reviews are the ones the rule deals",
            ));

        // A second review moved by hand is found.
        let mut tampered = manifest.clone();
        let reviews = tampered["second_reviews"]["reviews"]
            .as_array_mut()
            .unwrap();
        let moved = reviews[0]["first_champion"].clone();
        reviews[0]["champion"] = moved;
        let path = ws.write(
            &format!("tampered{run}.json"),
            serde_json::to_string_pretty(&tampered).unwrap(),
        );
        ws.grounds()
            .arg("verify")
            .arg(&path)
            .arg("--export")
            .arg(&kent)
            .assert()
            .failure()
            .stderr(predicate::str::contains("second reviews: "));
    }
}

#[test]
fn without_second_review_nothing_changes() {
    let ws = Workspace::new();
    ws.champions(&CHAMPIONS);
    ws.sample(&[real(KENT_JAN)], "2019-01", "no-second", &[]);
    let text = ws.manifest_text("2019-01");
    assert!(!text.contains("second_review"), "{text}");
    for champion in CHAMPIONS {
        let sheet = Sheet::load(&sheet_path(&ws, "2019-01", champion));
        assert!(sheet.with_role("second").is_empty());
    }
    assert_eq!(count(&ws, "SELECT count(*) FROM second_reviews"), 0);
}

/// Kent January, three champions, `--second-review 3`.
fn second_review_workspace() -> Workspace {
    let ws = Workspace::new();
    ws.champions(&CHAMPIONS);
    ws.sample(
        &[real(KENT_JAN)],
        "2019-01",
        "second-review-tests",
        &["--second-review", "3"],
    );
    ws
}

fn report_figures(ws: &Workspace) -> serde_json::Value {
    let output = ws
        .grounds()
        .args(["report", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // Agreement is what second reviews are for; every other figure must not move.
    if let Some(map) = report.as_object_mut() {
        map.remove("agreement");
        map.remove("generated_at");
    }
    report
}

#[test]
fn worksheets_import_status_and_reports_keep_second_reviews_apart() {
    let ws = second_review_workspace();
    let sheets: Vec<Sheet> = CHAMPIONS
        .iter()
        .map(|c| Sheet::load(&sheet_path(&ws, "2019-01", c)))
        .collect();
    // Each worksheet: own sample and reserves, then the previous champion's
    // first three searches as second reviews, blank.
    for (index, sheet) in sheets.iter().enumerate() {
        let previous = &sheets[(index + CHAMPIONS.len() - 1) % CHAMPIONS.len()];
        let roles: Vec<&str> = (0..sheet.rows.len())
            .map(|r| sheet.get(r, "role"))
            .collect();
        assert_eq!(roles.len(), 20 + 5 + 3);
        assert!(roles[..20].iter().all(|r| *r == "sample"));
        assert!(roles[20..25].iter().all(|r| *r == "reserve"));
        assert!(roles[25..].iter().all(|r| *r == "second"));
        let second: Vec<&str> = sheet
            .with_role("second")
            .into_iter()
            .map(|r| sheet.get(r, "record_id"))
            .collect();
        let their_first: Vec<&str> = (0..3).map(|r| previous.get(r, "record_id")).collect();
        assert_eq!(second, their_first);
        for row in sheet.with_role("second") {
            assert_eq!(sheet.get(row, "champion"), CHAMPIONS[index]);
            assert_eq!(sheet.get(row, "grounds"), "");
            // The export's fields are there to review from.
            assert_eq!(
                sheet.get(row, "Date"),
                previous.get(row - 25, "Date"),
                "same search, same fields"
            );
        }
    }

    // First reviews only: all reasonable.
    let paths: Vec<_> = CHAMPIONS
        .iter()
        .map(|c| sheet_path(&ws, "2019-01", c))
        .collect();
    for (sheet, path) in sheets.iter().zip(&paths) {
        let mut sheet = sheet.clone();
        sheet.assess_sample("reasonable", "");
        sheet.save(path);
    }
    ws.grounds()
        .arg("import")
        .args(&paths)
        .assert()
        .success()
        .stdout(predicate::str::contains("60 new"))
        .stdout(predicate::str::contains("9 not assessed yet"));
    let before = report_figures(&ws);
    let pairs = grounds::store::Store::open_read_only(&ws.db())
        .unwrap()
        .read()
        .unwrap()
        .review_pairs(&grounds::store::Period::default())
        .unwrap();
    assert_eq!(pairs.len(), 9);
    assert!(pairs
        .iter()
        .all(|p| p.first_grounds.as_deref() == Some("reasonable") && p.second_grounds.is_none()));
    let status_before = status(&ws);
    assert_eq!(status_before["complete"], true, "{status_before}");
    assert_eq!(status_before["second_outstanding"], 9);
    let month = &status_before["months"][0];
    for row in month["second_reviews"].as_array().unwrap() {
        assert_eq!(
            (row["due"].as_u64(), row["done"].as_u64()),
            (Some(3), Some(0))
        );
    }
    ws.grounds()
        .args(["status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("2019-01: complete"))
        .stdout(
            predicate::str::contains("second reviews").and(predicate::str::contains("0 of 9 done")),
        );

    // Second reviews: Ben disagrees on one of Ada's, the rest agree.
    for (index, path) in paths.iter().enumerate() {
        let mut sheet = Sheet::load(path);
        for (n, row) in sheet.with_role("second").into_iter().enumerate() {
            let verdict = if index == 1 && n == 0 {
                "not_reasonable"
            } else {
                "reasonable"
            };
            sheet.assess(row, verdict, "second look");
        }
        sheet.save(path);
    }
    ws.grounds()
        .arg("import")
        .args(&paths)
        .assert()
        .success()
        .stdout(predicate::str::contains("9 new, 0 amended, 60 unchanged"))
        .stdout(predicate::str::contains(
            "9 of the new or amended rows are blind second reviews",
        ));
    let disputed = sheets[0].get(0, "record_id").to_string();
    let current = |review: &str| {
        let conn = rusqlite::Connection::open(ws.db()).unwrap();
        conn.query_row(
            "SELECT grounds || ' v' || version FROM current_assessments WHERE record_id = ?1 AND review = ?2",
            [disputed.as_str(), review],
            |row| row.get::<_, String>(0),
        )
        .unwrap()
    };
    assert_eq!(current("first"), "reasonable v1");
    assert_eq!(current("second"), "not_reasonable v1");
    assert_eq!(
        count(
            &ws,
            "SELECT count(*) FROM assessments WHERE review = 'first'"
        ),
        60
    );
    assert_eq!(
        count(
            &ws,
            "SELECT count(*) FROM assessments WHERE review = 'second'"
        ),
        9
    );

    // The pairs a report compares: nine, one of them a disagreement.
    let mut store = grounds::store::Store::open_read_only(&ws.db()).unwrap();
    let pairs = store
        .read()
        .unwrap()
        .review_pairs(&grounds::store::Period::default())
        .unwrap();
    assert_eq!(pairs.len(), 9);
    let differing: Vec<_> = pairs
        .iter()
        .filter(|p| p.first_grounds != p.second_grounds)
        .collect();
    assert_eq!(differing.len(), 1, "{pairs:?}");
    let pair = differing[0];
    assert_eq!(pair.record_id, disputed);
    assert_eq!(
        (pair.first_champion.as_str(), pair.second_champion.as_str()),
        (CHAMPIONS[0], CHAMPIONS[1])
    );
    assert_eq!(pair.first_grounds.as_deref(), Some("reasonable"));
    assert_eq!(pair.second_grounds.as_deref(), Some("not_reasonable"));
    assert_eq!(pair.month, "2019-01");
    assert!(!pair.simulated && !pair.legislation.is_empty());
    drop(store);

    // Through the whole cycle to the report's review quality section.
    let output = ws
        .grounds()
        .args(["report", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let agreement = &report["agreement"];
    assert_eq!(agreement["pairs"], 9, "{agreement}");
    let observed = agreement["observed"].as_f64().unwrap();
    assert!((observed - 8.0 / 9.0).abs() < 1e-12, "{agreement}");
    assert!(agreement["ac1"].as_f64().is_some(), "{agreement}");
    assert!(!output.stdout.windows(3).any(|w| w == b"NaN"));

    // `history` shows both reviews, the second marked as such.
    let history = ws
        .grounds()
        .args(["history", "--record-id", &disputed])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&history.stdout);
    let (first_part, second_part) = text
        .split_once("Second review (blind")
        .unwrap_or_else(|| panic!("history shows the second review: {text}"));
    assert!(first_part.contains("grounds      reasonable\n"), "{text}");
    assert!(
        second_part.contains(&format!("{}'s second", CHAMPIONS[1])),
        "{text}"
    );
    assert!(
        second_part.contains("grounds      not_reasonable\n"),
        "{text}"
    );

    // Never counted twice: every figure as before, status the same for the
    // own searches and done for the second reviews.
    assert_eq!(report_figures(&ws), before);
    let after = status(&ws);
    assert_eq!(after["months"][0]["totals"], month["totals"]);
    assert_eq!(after["months"][0]["champions"], month["champions"]);
    assert!(after.get("second_outstanding").is_none(), "{after}");
    for row in after["months"][0]["second_reviews"].as_array().unwrap() {
        assert_eq!(
            (row["due"].as_u64(), row["done"].as_u64()),
            (Some(3), Some(3))
        );
    }

    // A changed second review needs --amend, like a first one, and only
    // touches the second review.
    let mut ben = Sheet::load(&paths[1]);
    let row = ben.with_role("second")[0];
    ben.set(row, "grounds", "none_recorded");
    ben.save(&paths[1]);
    ws.grounds()
        .arg("import")
        .arg(&paths[1])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "already has a second review (version 1",
        ))
        .stderr(predicate::str::contains("give --amend"));
    ws.grounds()
        .args(["import", "--amend"])
        .arg(&paths[1])
        .assert()
        .success();
    assert_eq!(current("first"), "reasonable v1");
    assert_eq!(current("second"), "none_recorded v2");
    assert_eq!(report_figures(&ws), before);
}

#[test]
fn a_second_review_in_the_wrong_worksheet_is_refused() {
    let ws = second_review_workspace();
    let path = sheet_path(&ws, "2019-01", CHAMPIONS[2]);
    let mut chloe = Sheet::load(&path);
    // Chloe's second reviews are Ben's searches; claim one of Ada's too.
    let ada = Sheet::load(&sheet_path(&ws, "2019-01", CHAMPIONS[0]));
    let row = chloe.with_role("second")[0];
    let ada_first = ada.get(0, "record_id").to_string();
    chloe.set(row, "record_id", &ada_first);
    chloe.assess(row, "reasonable", "");
    chloe.save(&path);
    ws.grounds()
        .arg("import")
        .arg(&path)
        .assert()
        .failure()
        .stderr(predicate::str::contains(format!(
            "{ada_first} was drawn for PS Ada Okafor, not PC Chloe Nwosu"
        )));
    assert_eq!(count(&ws, "SELECT count(*) FROM assessments"), 0);

    // A second review's row copied out with its first reviewer's name would
    // otherwise become the first review and count in every figure.
    let ws = second_review_workspace();
    let path = sheet_path(&ws, "2019-01", CHAMPIONS[2]);
    let mut chloe = Sheet::load(&path);
    let row = chloe.with_role("second")[0];
    let second_id = chloe.get(row, "record_id").to_string();
    chloe.set(row, "champion", CHAMPIONS[1]);
    chloe.assess(row, "not_reasonable", "");
    chloe.save(&path);
    ws.grounds()
        .arg("import")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("column role"))
        .stderr(predicate::str::contains(format!(
            "{second_id} is PC Ben Hartley's own search (first review) in this draw, but this row says role \"second\""
        )));
    assert_eq!(count(&ws, "SELECT count(*) FROM assessments"), 0);
}

const FLAGS: [&str; 16] = [
    "--grounds",
    "not_reasonable",
    "--bwv",
    "reviewed",
    "--gowisely",
    "yes",
    "--conduct",
    "good",
    "--referral",
    "none",
    "--themes",
    "stop reason",
    "--reviewer",
    "PC Ben Hartley",
    "--reviewed-on",
    "04/02/2019",
];

#[test]
fn record_asks_for_second_reviews_after_the_champions_own() {
    let ws = second_review_workspace();
    let ben = Sheet::load(&sheet_path(&ws, "2019-01", CHAMPIONS[1]));
    let seconds: Vec<String> = ben
        .with_role("second")
        .into_iter()
        .map(|r| ben.get(r, "record_id").to_string())
        .collect();
    let record = |extra: &[&str]| {
        ws.grounds()
            .args([
                "record",
                "--month",
                "2019-01",
                "--champion",
                "PC Ben Hartley",
            ])
            .args(FLAGS)
            .args(extra)
            .assert()
    };
    // Named: a second review is recorded as Ben's, apart from Ada's first.
    record(&["--record-id", &seconds[1]])
        .success()
        .stdout(predicate::str::contains(format!(
            "Saved {} (PC Ben Hartley's 2019-01, blind second review)",
            seconds[1]
        )));
    assert_eq!(
        count(
            &ws,
            "SELECT count(*) FROM assessments WHERE review = 'second' AND grounds = 'not_reasonable'"
        ),
        1
    );
    assert_eq!(status(&ws)["months"][0]["champions"][1]["assessed"], 0);
    assert_eq!(status(&ws)["months"][0]["champions"][0]["assessed"], 0);

    // Unnamed: Ben's own 20 first, then his remaining second reviews.
    let mut saved = Vec::new();
    for _ in 0..22 {
        let output = ws
            .grounds()
            .args([
                "record",
                "--month",
                "2019-01",
                "--champion",
                "PC Ben Hartley",
            ])
            .args(FLAGS)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = String::from_utf8_lossy(&output.stdout).to_string();
        let id = text
            .split("Saved ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .unwrap_or_default()
            .to_string();
        saved.push(id);
    }
    let own: HashSet<String> = (0..20)
        .map(|r| ben.get(r, "record_id").to_string())
        .collect();
    assert!(saved[..20].iter().all(|id| own.contains(id)), "{saved:?}");
    assert_eq!(saved[20..], [seconds[0].clone(), seconds[2].clone()]);
    let status = status(&ws);
    assert_eq!(status["months"][0]["champions"][1]["assessed"], 20);
    let ben_second = &status["months"][0]["second_reviews"][1];
    assert_eq!(
        (ben_second["due"].as_u64(), ben_second["done"].as_u64()),
        (Some(3), Some(3))
    );
    // Ada's searches reviewed by Ben are still Ada's to review first.
    assert_eq!(status["months"][0]["champions"][0]["assessed"], 0);
}

#[test]
fn a_workbook_lists_second_reviews_after_the_champions_own_and_blank() {
    let ws = Workspace::new();
    ws.champions(&CHAMPIONS);
    ws.sample(
        &[real(KENT_JAN)],
        "2019-01",
        "second-review-xlsx",
        &[
            "--worksheet-format",
            "xlsx",
            "--per-champion",
            "4",
            "--reserves",
            "1",
            "--second-review",
            "2",
        ],
    );
    let manifest = ws.manifest("2019-01");
    let ada_first = strings(&manifest["champions"][0]["sample"]);
    let book = grounds::assess::workbook::read_workbook(
        &ws.path("worksheets/2019-01/PC_Ben_Hartley.xlsx"),
    )
    .unwrap();
    let column = |name: &str| book.index_of(name).unwrap();
    let cell = |row: usize, name: &str| book.rows[row].cells[column(name)].clone();
    assert_eq!(book.rows.len(), 4 + 1 + 2);
    let roles: Vec<String> = (0..book.rows.len()).map(|r| cell(r, "role")).collect();
    assert_eq!(
        roles,
        ["sample", "sample", "sample", "sample", "reserve", "second", "second"]
    );
    assert_eq!(cell(5, "record_id"), ada_first[0]);
    assert_eq!(cell(6, "record_id"), ada_first[1]);
    assert_eq!(cell(6, "position"), "2");
    assert_eq!(cell(6, "champion"), "PC Ben Hartley");
    assert!(
        book.rows[5]
            .cells
            .get(column("grounds"))
            .is_none_or(String::is_empty),
        "blank for a blind review"
    );
}

/// Under `hash-rank-v2` a champion's sample is dealt minority-ethnic first,
/// so "the first K dealt" would all be minority-ethnic: the second reviews
/// are each champion's K best-ranked sample searches instead (the same
/// searches under `hash-rank-v1`), and verify recomputes them so.
#[test]
fn a_stratified_draws_second_reviews_are_its_best_ranked_not_its_minority_first() {
    let ws = Workspace::new();
    ws.champions(&CHAMPIONS);
    ws.sample(
        &[real(KENT_JAN)],
        "2019-01",
        "second-v2",
        &["--minority-per-champion", "5", "--second-review", "3"],
    );
    let manifest = ws.manifest("2019-01");
    let key = |id: &str| grounds::hashing::rank_key_of("hash-rank-v2", "second-v2", "2019-01", id);
    let dealt: HashMap<String, String> = manifest["second_reviews"]["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["record_id"].as_str().unwrap().to_string(),
                r["first_champion"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut minority_first = 0;
    for champion in manifest["champions"].as_array().unwrap() {
        let name = champion["name"].as_str().unwrap();
        let sample: Vec<&str> = champion["sample"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let mut best = sample.clone();
        best.sort_by_key(|id| key(id));
        let expected: HashSet<&str> = best[..3].iter().copied().collect();
        let got: HashSet<&str> = dealt
            .iter()
            .filter(|(_, first)| first.as_str() == name)
            .map(|(id, _)| id.as_str())
            .collect();
        assert_eq!(got, expected, "{name}");
        minority_first += usize::from(got == sample[..3].iter().copied().collect());
    }
    assert!(
        minority_first < CHAMPIONS.len(),
        "not simply the first dealt"
    );
    ws.grounds()
        .arg("verify")
        .arg(ws.path("worksheets/2019-01/manifest.json"))
        .arg("--export")
        .arg(real(KENT_JAN))
        .assert()
        .success();
}

#[test]
fn second_reviews_need_two_champions_and_at_most_the_sample() {
    let ws = Workspace::new();
    ws.champions(&CHAMPIONS[..1]);
    let refused = |extra: &[&str]| {
        ws.grounds()
            .args(["sample", "--worksheet-format", "csv", "--export"])
            .arg(real(KENT_JAN))
            .args(["--month", "2019-01", "--champions"])
            .arg(ws.path("champions.csv"))
            .args(["--seed", "s"])
            .args(extra)
            .assert()
            .code(2)
    };
    refused(&["--second-review", "2"])
        .stderr(predicate::str::contains("needs at least two champions"));
    ws.champions(&CHAMPIONS);
    refused(&["--per-champion", "5", "--second-review", "6"])
        .stderr(predicate::str::contains("is more than --per-champion 5"));
    assert!(!ws.db().exists(), "nothing written");
}

/// A search replaced by a reserve takes its second review with it: the
/// second reviewer's row is refused with that reason, not with "assess the
/// reserve instead" (a reserve in someone else's sample).
#[test]
fn a_second_review_of_a_replaced_search_is_no_longer_due() {
    let ws = second_review_workspace();
    let path = sheet_path(&ws, "2019-01", CHAMPIONS[1]);
    let mut ben = Sheet::load(&path);
    let row = ben.with_role("second")[0];
    let record_id = ben.get(row, "record_id").to_string();
    ws.grounds()
        .args([
            "substitute",
            "--month",
            "2019-01",
            "--record-id",
            &record_id,
        ])
        .args(["--reason", "the search was not recorded on video"])
        .assert()
        .success();
    ben.assess(row, "reasonable", "");
    ben.save(&path);
    ws.grounds()
        .arg("import")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{record_id} was replaced by reserve"
        )))
        .stderr(predicate::str::contains(
            "so its second review is no longer due: leave the row blank",
        ));
}
