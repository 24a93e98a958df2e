//! `grounds sample --extend` on a real export: earlier assignments stay
//! byte-identical in the manifest, verify recomputes the whole, reserves
//! stay in rank order, edited worksheets are left alone, and everything
//! that would move an assignment is refused with nothing written.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::process::Output;

use grounds::hashing::rank_key_of;
use predicates::prelude::*;
use serde_json::Value;

use crate::common::*;
use crate::stratified_draw::POOLS_MAPPING;
use crate::worksheets::{count, sheet_path, Sheet};

const FIVE: [&str; 5] = [
    "PS Ada Okafor",
    "PC Ben Hartley",
    "PC Chloe Nwosu",
    "Sgt Dev Patel",
    "PC Erin Walsh",
];
const SEED: &str = "panel-2019-01";

/// `grounds sample --extend` of Kent's January with `champions` and `extra`.
fn extend(ws: &Workspace, champions: &str, extra: &[&str]) -> Output {
    let mut cmd = ws.grounds();
    cmd.arg("sample")
        .arg("--extend")
        .arg("--export")
        .arg(real(KENT_JAN))
        .args(["--month", "2019-01", "--champions"])
        .arg(ws.path(champions))
        .args(extra);
    cmd.output().unwrap()
}

fn extended(ws: &Workspace, champions: &str, extra: &[&str]) -> String {
    let output = extend(ws, champions, extra);
    assert!(
        output.status.success(),
        "extend failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn verify(ws: &Workspace) -> assert_cmd::assert::Assert {
    ws.grounds()
        .arg("verify")
        .arg(ws.path("worksheets/2019-01/manifest.json"))
        .arg("--export")
        .arg(real(KENT_JAN))
        .assert()
}

/// Each champion's `sample` and `reserves` arrays, as JSON values.
fn arrays(manifest: &Value) -> Vec<(Vec<Value>, Vec<Value>)> {
    manifest["champions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["sample"].as_array().unwrap().clone(),
                c["reserves"].as_array().unwrap().clone(),
            )
        })
        .collect()
}

/// Every earlier array is, element for element, the start of the new one.
fn assert_earlier_kept(before: &Value, after: &Value) {
    for (i, ((s0, r0), (s1, r1))) in arrays(before).iter().zip(arrays(after)).enumerate() {
        assert_eq!(&s1[..s0.len()], &s0[..], "champion {i}'s sample moved");
        assert_eq!(&r1[..r0.len()], &r0[..], "champion {i}'s reserves moved");
    }
}

fn ids(values: &[Value]) -> Vec<String> {
    values
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// Whether `ids` are in ascending order of their `algorithm` rank key.
fn in_rank_order(algorithm: &str, ids: &[String]) -> bool {
    let keys: Vec<[u8; 32]> = ids
        .iter()
        .map(|id| rank_key_of(algorithm, SEED, "2019-01", id))
        .collect();
    keys.windows(2).all(|w| w[0] < w[1])
}

/// What the workspace holds of the draw: its manifest hash and quotas, and
/// its assignments, champions and snapshots.
fn workspace_state(ws: &Workspace) -> Vec<String> {
    let conn = rusqlite::Connection::open(ws.db()).unwrap();
    let mut state: Vec<String> = Vec::new();
    let mut draws = conn
        .prepare("SELECT id, manifest_sha256, per_champion, reserves FROM draws ORDER BY id")
        .unwrap();
    let rows = draws
        .query_map([], |row| {
            Ok(format!(
                "{} {} {} {}",
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, i64>(3)?
            ))
        })
        .unwrap();
    state.extend(rows.map(Result::unwrap));
    for sql in [
        "SELECT champion || ' ' || role || ' ' || position || ' ' || record_id FROM assignments ORDER BY 1",
        "SELECT position || ' ' || name || ' ' || sample_shortfall FROM draw_champions ORDER BY 1",
        "SELECT record_id FROM records ORDER BY 1",
    ] {
        let mut statement = conn.prepare(sql).unwrap();
        let rows = statement.query_map([], |row| row.get::<_, String>(0)).unwrap();
        state.extend(rows.map(Result::unwrap));
    }
    state
}

/// The worksheet folder's files and their bytes.
fn folder(ws: &Workspace) -> BTreeMap<String, Vec<u8>> {
    ws.files()
        .into_iter()
        .filter(|f| f.starts_with("worksheets/"))
        .map(|f| {
            let bytes = fs::read(ws.path(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

/// Five champions, 5 searches and 3 reserves each, CSV worksheets.
fn drawn() -> Workspace {
    let ws = Workspace::new();
    ws.champions(&FIVE);
    ws.sample(
        &[real(KENT_JAN)],
        "2019-01",
        SEED,
        &["--per-champion", "5", "--reserves", "3"],
    );
    ws
}

#[test]
fn more_searches_come_from_undealt_records_and_reserves_stay() {
    let ws = drawn();
    let before = ws.manifest("2019-01");
    let out = extended(&ws, "champions.csv", &["--per-champion", "7"]);
    assert!(out.contains("Nothing already dealt moved"), "{out}");
    let after = ws.manifest("2019-01");
    assert_earlier_kept(&before, &after);
    let reserves_before: HashSet<String> =
        arrays(&before).iter().flat_map(|(_, r)| ids(r)).collect();
    for (i, (sample, reserves)) in arrays(&after).iter().enumerate() {
        assert_eq!(sample.len(), 7);
        assert_eq!(reserves, &arrays(&before)[i].1, "reserves unchanged");
        assert!(
            ids(&sample[5..])
                .iter()
                .all(|id| !reserves_before.contains(id)),
            "a reserve became a sample search"
        );
        assert!(in_rank_order("hash-rank-v1", &ids(reserves)));
        assert!(in_rank_order("hash-rank-v1", &ids(&sample[5..])));
    }
    let extension = &after["extensions"][0];
    assert_eq!(extension["rule"], "continued");
    assert_eq!(extension["per_champion"], 7);
    assert_eq!(extension["sample_added"], 10);
    assert_eq!(after["parameters"], before["parameters"], "the original's");
    // The draw keeps its id; the workspace has the new assignments.
    let state = workspace_state(&ws);
    assert!(
        state[0].starts_with("1 ") && state[0].ends_with(" 7 3"),
        "{state:?}"
    );
    assert_eq!(state.iter().filter(|s| s.contains(" sample ")).count(), 35);
    // Re-issued worksheets hold the new rows.
    let ben = fs::read_to_string(ws.path("worksheets/2019-01/PC_Ben_Hartley.csv")).unwrap();
    let added = after["champions"][1]["sample"][6].as_str().unwrap();
    assert!(ben.contains(&format!("{added},sample,7,")), "{ben}");
    verify(&ws)
        .success()
        .stdout(predicate::str::contains("with its extension"));
    // A record's history says which extension dealt it.
    let history = |id: &str| {
        let output = ws
            .grounds()
            .args(["history", "--record-id", id])
            .output()
            .unwrap();
        assert!(output.status.success());
        String::from_utf8(output.stdout).unwrap()
    };
    assert!(history(added).contains("PC Ben Hartley's sample 7.\nDealt by extension 1 of the draw"));
    let original = after["champions"][1]["sample"][4].as_str().unwrap();
    assert!(!history(original).contains("extension"));
}

#[test]
fn more_reserves_follow_the_earlier_ones_in_rank_order() {
    let ws = drawn();
    let before = ws.manifest("2019-01");
    extended(&ws, "champions.csv", &["--reserves", "6"]);
    let after = ws.manifest("2019-01");
    assert_earlier_kept(&before, &after);
    for (i, (sample, reserves)) in arrays(&after).iter().enumerate() {
        assert_eq!(sample, &arrays(&before)[i].0, "sample unchanged");
        assert_eq!(reserves.len(), 6);
        assert!(in_rank_order("hash-rank-v1", &ids(reserves)));
    }
    // No areas or officers: a fresh draw with 6 reserves keeps everything.
    assert_eq!(after["extensions"][0]["rule"], "fresh");
    verify(&ws).success();
}

#[test]
fn a_new_champion_gets_a_new_worksheet_and_others_are_untouched() {
    let ws = drawn();
    let before = ws.manifest("2019-01");
    let files_before = folder(&ws);
    let mut six = FIVE.to_vec();
    six.push("PC Fay Osei");
    ws.write("six.csv", format!("champion\n{}\n", six.join("\n")));
    let out = extended(&ws, "six.csv", &[]);
    assert!(out.contains("PC_Fay_Osei.csv (new)"), "{out}");
    let after = ws.manifest("2019-01");
    assert_earlier_kept(&before, &after);
    let fay = &arrays(&after)[5];
    assert_eq!((fay.0.len(), fay.1.len()), (5, 3));
    assert_eq!(after["extensions"][0]["champions_added"][0], "PC Fay Osei");
    for (file, bytes) in &files_before {
        if !file.ends_with("manifest.json") {
            assert_eq!(&folder(&ws)[file], bytes, "{file} was rewritten");
        }
    }
    assert!(ws.path("worksheets/2019-01/PC_Fay_Osei.csv").exists());
    ws.grounds()
        .arg("status")
        .assert()
        .success()
        .stdout(predicate::str::contains("PC Fay Osei"));
    verify(&ws).success();
}

#[test]
fn a_stratified_draw_by_area_extends_and_verifies() {
    let ws = Workspace::new();
    ws.write("pools.toml", POOLS_MAPPING);
    ws.write(
        "champions.csv",
        "champion,officer_id,area\nA,18-24,Male\nB,,Female\nC,25-34,Male\n",
    );
    ws.sample(
        &[real(KENT_JAN)],
        "2019-01",
        SEED,
        &[
            "--columns",
            "pools.toml",
            "--minority-per-champion",
            "2",
            "--per-champion",
            "5",
            "--reserves",
            "3",
        ],
    );
    let before = ws.manifest("2019-01");
    ws.write(
        "four.csv",
        "champion,officer_id,area\nA,18-24,Male\nB,,Female\nC,25-34,Male\nD,over 34,\n",
    );
    extended(
        &ws,
        "four.csv",
        &[
            "--columns",
            "pools.toml",
            "--per-champion",
            "7",
            "--reserves",
            "5",
        ],
    );
    let after = ws.manifest("2019-01");
    assert_earlier_kept(&before, &after);
    assert_eq!(after["algorithm"], "hash-rank-v2");
    assert_eq!(after["minority_per_champion"], 2);
    let d = &arrays(&after)[3];
    assert_eq!((d.0.len(), d.1.len()), (7, 5));
    verify(&ws).success();

    // Tampering with an extension's assignment is caught.
    let mut tampered = after.clone();
    let sample = tampered["champions"][3]["sample"].as_array_mut().unwrap();
    sample.swap(0, 1);
    fs::write(
        ws.path("worksheets/2019-01/manifest.json"),
        serde_json::to_string_pretty(&tampered).unwrap(),
    )
    .unwrap();
    verify(&ws).code(1).stderr(predicate::str::contains(
        "D: sample differs from position 1",
    ));
}

#[test]
fn verify_fails_on_a_tampered_extension() {
    let ws = drawn();
    extended(&ws, "champions.csv", &["--per-champion", "6"]);
    let manifest = ws.manifest("2019-01");
    let path = ws.path("worksheets/2019-01/manifest.json");
    // An added search swapped for an undealt record of the month.
    let mut swapped = manifest.clone();
    let taken: HashSet<String> = arrays(&manifest)
        .iter()
        .flat_map(|(s, r)| ids(s).into_iter().chain(ids(r)))
        .collect();
    let undealt = kent_january_ids()
        .into_iter()
        .find(|id| !taken.contains(id))
        .unwrap();
    swapped["champions"][0]["sample"][5] = Value::String(undealt);
    fs::write(&path, serde_json::to_string_pretty(&swapped).unwrap()).unwrap();
    verify(&ws).code(1).stderr(predicate::str::contains(
        "PS Ada Okafor: sample differs from position 6",
    ));
    // A forged rule or count is caught too.
    let mut forged = manifest.clone();
    forged["extensions"][0]["rule"] = Value::String("fresh".into());
    fs::write(&path, serde_json::to_string_pretty(&forged).unwrap()).unwrap();
    verify(&ws)
        .code(1)
        .stderr(predicate::str::contains("extension 1"));
}

/// The record ids of Kent's January: a scratch draw of the whole month for
/// one champion.
fn kent_january_ids() -> Vec<String> {
    let scratch = Workspace::new();
    scratch.champions(&["Everyone"]);
    scratch.sample(
        &[real(KENT_JAN)],
        "2019-01",
        "any",
        &["--per-champion", "10000", "--reserves", "0"],
    );
    ids(scratch.manifest("2019-01")["champions"][0]["sample"]
        .as_array()
        .unwrap())
}

#[test]
fn an_edited_worksheet_is_left_alone_and_the_additions_go_beside_it() {
    let ws = drawn();
    let ben = ws.path("worksheets/2019-01/PC_Ben_Hartley.csv");
    let mut text = fs::read_to_string(&ben).unwrap();
    text.push('\n');
    fs::write(&ben, &text).unwrap();
    let output = extend(&ws, "champions.csv", &["--per-champion", "6"]);
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("had been edited"));
    assert_eq!(fs::read_to_string(&ben).unwrap(), text, "not overwritten");
    let beside =
        fs::read_to_string(ws.path("worksheets/2019-01/PC_Ben_Hartley.extension-1.csv")).unwrap();
    let added = ws.manifest("2019-01")["champions"][1]["sample"][5]
        .as_str()
        .unwrap()
        .to_string();
    let rows: Vec<&str> = beside.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{beside}");
    assert!(rows[0].starts_with(&format!("{added},sample,6,PC Ben Hartley,2019-01,")));
    // The others were re-issued in place.
    let ada = fs::read_to_string(ws.path("worksheets/2019-01/PS_Ada_Okafor.csv")).unwrap();
    assert!(ada.contains(",sample,6,"));
    assert!(!ws
        .path("worksheets/2019-01/PS_Ada_Okafor.extension-1.csv")
        .exists());
    verify(&ws).success();
}

#[test]
fn workbooks_are_reissued_when_untouched() {
    let ws = Workspace::new();
    ws.champions(&FIVE[..2]);
    ws.sample(
        &[real(KENT_JAN)],
        "2019-01",
        SEED,
        &[
            "--worksheet-format",
            "xlsx",
            "--per-champion",
            "3",
            "--reserves",
            "1",
        ],
    );
    let out = extended(&ws, "champions.csv", &["--per-champion", "4"]);
    assert!(out.contains("PS_Ada_Okafor.xlsx (re-issued"), "{out}");
    verify(&ws).success();
    // A workbook that differs from what grounds wrote (here: another
    // workbook saved over it) is left alone.
    let ben = ws.path("worksheets/2019-01/PC_Ben_Hartley.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    workbook
        .add_worksheet()
        .write_string(0, 0, "my notes")
        .unwrap();
    workbook.save(&ben).unwrap();
    let edited = fs::read(&ben).unwrap();
    let out = extended(&ws, "champions.csv", &["--per-champion", "5"]);
    assert!(out.contains("PS_Ada_Okafor.xlsx (re-issued"), "{out}");
    assert!(
        out.contains("PC_Ben_Hartley.extension-2.xlsx (added rows"),
        "{out}"
    );
    assert_eq!(fs::read(&ben).unwrap(), edited);
    assert!(ws
        .path("worksheets/2019-01/PC_Ben_Hartley.extension-2.xlsx")
        .exists());
    verify(&ws).success();
}

#[test]
fn assessments_stay_and_the_added_rows_import() {
    let ws = drawn();
    let ben = sheet_path(&ws, "2019-01", "PC Ben Hartley");
    let mut sheet = Sheet::load(&ben);
    sheet.assess_sample("reasonable", "");
    sheet.save(&ben);
    ws.grounds().arg("import").arg(&ben).assert().success();
    let output = extend(&ws, "champions.csv", &["--per-champion", "6"]);
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("import both"));
    let beside = ws.path("worksheets/2019-01/PC_Ben_Hartley.extension-1.csv");
    let mut added = Sheet::load(&beside);
    assert_eq!(added.rows.len(), 1);
    added.assess_sample("not_reasonable", "");
    added.save(&beside);
    ws.grounds()
        .arg("import")
        .arg(&beside)
        .assert()
        .success()
        .stdout(predicate::str::contains("1 new"));
    assert_eq!(
        count(&ws, "SELECT count(*) FROM current_assessments"),
        6,
        "Ben's five and the added one"
    );
    verify(&ws).success();
}

/// Every refusal: exit 2, the message, and nothing written.
#[test]
fn refusals_write_nothing() {
    let ws = drawn();
    ws.write(
        "removed.csv",
        format!("champion\n{}\n", FIVE[..4].join("\n")),
    );
    let mut reordered = FIVE.to_vec();
    reordered.swap(0, 1);
    ws.write(
        "reordered.csv",
        format!("champion\n{}\n", reordered.join("\n")),
    );
    let kent_feb = real(KENT_FEB).display().to_string();
    let city = real(CITY_JAN).display().to_string();
    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        (
            "removed.csv",
            vec![],
            "\"PC Erin Walsh\" (position 5 of the draw) is not in the champions file",
        ),
        (
            "reordered.csv",
            vec![],
            "position 1 of the champions file is \"PC Ben Hartley\"",
        ),
        (
            "champions.csv",
            vec!["--per-champion", "4"],
            "--per-champion 4 is lower than the draw's 5",
        ),
        (
            "champions.csv",
            vec!["--reserves", "2"],
            "--reserves 2 is lower than the draw's 3",
        ),
        (
            "champions.csv",
            vec!["--per-champion", "6", "--seed", "other"],
            "is not the draw's seed",
        ),
        (
            "champions.csv",
            vec!["--per-champion", "6", "--minority-per-champion", "2"],
            "--minority-per-champion 2 differs from the draw's (none: the draw is hash-rank-v1)",
        ),
        (
            "champions.csv",
            vec!["--per-champion", "6", "--timezone", "UTC"],
            "--timezone UTC is not the draw's Europe/London",
        ),
        (
            "champions.csv",
            vec!["--per-champion", "6", "--export", &city],
            "is not an input of the draw",
        ),
        ("champions.csv", vec![], "nothing to add"),
    ];
    let state = workspace_state(&ws);
    let files = folder(&ws);
    for (champions, extra, message) in cases {
        let output = extend(&ws, champions, &extra);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{extra:?}: {stderr}");
        assert!(stderr.contains(message), "{extra:?}: {stderr}");
        assert_eq!(
            workspace_state(&ws),
            state,
            "{extra:?} changed the workspace"
        );
        assert_eq!(folder(&ws), files, "{extra:?} changed the worksheets");
    }
    // Another export set: February's file instead of January's.
    let mut cmd = ws.grounds();
    cmd.args(["sample", "--extend", "--export", &kent_feb])
        .args(["--month", "2019-01", "--champions", "champions.csv"])
        .args(["--per-champion", "6"]);
    cmd.assert()
        .code(2)
        .stderr(predicate::str::contains("is not among the exports given"))
        // Each problem on a line of its own, not an escaped \x0A.
        .stderr(predicate::str::contains("nothing was written:\n  - "));
    // A month not yet drawn.
    let mut cmd = ws.grounds();
    cmd.args(["sample", "--extend", "--export", &kent_feb])
        .args(["--month", "2019-02", "--champions", "champions.csv"]);
    cmd.assert().code(2).stderr(
        predicate::str::contains("2019-02 has not been drawn")
            .and(predicate::str::contains("without --extend")),
    );
    assert_eq!(workspace_state(&ws), state);
    assert_eq!(folder(&ws), files);
}

/// Second reviews are dealt with the draw: an extension keeps them as they
/// are (the last champion's still go to the first, not to a new champion)
/// and deals none to new champions; verify agrees; a new K is refused.
#[test]
fn an_extension_keeps_the_draws_second_reviews() {
    let ws = Workspace::new();
    ws.champions(&FIVE);
    ws.sample(
        &[real(KENT_JAN)],
        "2019-01",
        SEED,
        &[
            "--per-champion",
            "5",
            "--reserves",
            "3",
            "--second-review",
            "2",
        ],
    );
    let before = ws.manifest("2019-01");
    let mut six = FIVE.to_vec();
    six.push("PC Fay Osei");
    ws.write("six.csv", format!("champion\n{}\n", six.join("\n")));
    extended(&ws, "six.csv", &["--per-champion", "6"]);
    let after = ws.manifest("2019-01");
    assert_earlier_kept(&before, &after);
    assert_eq!(after["second_reviews"], before["second_reviews"]);
    assert_eq!(count(&ws, "SELECT count(*) FROM second_reviews"), 10);
    let fay = Sheet::load(&sheet_path(&ws, "2019-01", "PC Fay Osei"));
    assert!((0..fay.rows.len()).all(|r| fay.get(r, "role") != "second"));
    verify(&ws).success();

    let refused = extend(&ws, "six.csv", &["--second-review", "3"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--second-review"));
}
