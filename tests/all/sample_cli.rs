//! `grounds sample` and `grounds verify` on real data.police.uk exports.

use std::collections::HashSet;
use std::fs;

use predicates::prelude::*;
use sha2::{Digest, Sha256};

use crate::common::*;

const FIVE: [&str; 5] = [
    "PS Ada Okafor",
    "PC Ben Hartley",
    "PC Chloe Nwosu",
    "Sgt Dev Patel",
    "PC Erin Walsh",
];

fn all_ids(manifest: &serde_json::Value, key: &str) -> Vec<String> {
    manifest["champions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| strings(&c[key]))
        .collect()
}

#[test]
fn twenty_each_disjoint_with_disjoint_reserves_on_kent_and_city() {
    let ws = Workspace::new();
    ws.champions(&FIVE);
    ws.sample(
        &[shipped(KENT_JAN), real(CITY_JAN)],
        "2019-01",
        "panel-2019-01",
        &[],
    );
    let manifest = ws.manifest("2019-01");
    assert_eq!(manifest["algorithm"], "hash-rank-v1");
    assert_eq!(manifest["month"], "2019-01");
    assert_eq!(manifest["timezone"], "Europe/London");
    assert_eq!(manifest["inputs"].as_array().unwrap().len(), 2);
    assert_eq!(manifest["inputs"][0]["rows"], 534);
    assert_eq!(manifest["inputs"][1]["rows"], 153);
    let champions = manifest["champions"].as_array().unwrap();
    let names: Vec<&str> = champions
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, FIVE, "champions in champions-file order");
    for champion in champions {
        assert_eq!(strings(&champion["sample"]).len(), 20);
        assert_eq!(strings(&champion["reserves"]).len(), 5);
        assert_eq!(champion["eligible"], manifest["month_records"]);
    }
    let sample = all_ids(&manifest, "sample");
    let reserves = all_ids(&manifest, "reserves");
    let distinct: HashSet<&String> = sample.iter().chain(&reserves).collect();
    assert_eq!(
        distinct.len(),
        5 * 25,
        "no search twice, reserves disjoint from samples"
    );
    assert!(manifest["shortfall"].as_array().unwrap().is_empty());

    // One worksheet per champion: the sample, then the marked reserves.
    let sheet = fs::read_to_string(ws.path("worksheets/2019-01/PS_Ada_Okafor.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(sheet.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[0].trim_start_matches('\u{feff}'), "record_id");
    assert_eq!(
        header[header.len() - 9..],
        [
            "grounds",
            "bwv",
            "gowisely",
            "conduct",
            "themes",
            "referral",
            "notes",
            "reviewer",
            "reviewed_on"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 25);
    assert!(rows[..20].iter().all(|r| &r[1] == "sample"));
    assert!(rows[20..].iter().all(|r| &r[1] == "reserve"));
    let sheet_ids: Vec<String> = rows.iter().map(|r| r[0].to_string()).collect();
    let expected: Vec<String> = strings(&manifest["champions"][0]["sample"])
        .into_iter()
        .chain(strings(&manifest["champions"][0]["reserves"]))
        .collect();
    assert_eq!(sheet_ids, expected);
    // Negative longitudes are plain numbers: no guard, nothing to strip.
    assert!(
        sheet.contains(",-0.") && !sheet.contains(",'-0."),
        "plain negative longitudes expected in a Kent/City worksheet"
    );
}

#[test]
fn same_seed_same_manifest_different_seed_different_sample() {
    let first = Workspace::new();
    let second = Workspace::new();
    let third = Workspace::new();
    for ws in [&first, &second, &third] {
        ws.champions(&FIVE);
    }
    first.sample(&[shipped(KENT_JAN)], "2019-01", "seed-one", &[]);
    second.sample(&[shipped(KENT_JAN)], "2019-01", "seed-one", &[]);
    third.sample(&[shipped(KENT_JAN)], "2019-01", "seed-two", &[]);
    let without_timestamp = |text: String| -> String {
        text.lines()
            .filter(|line| !line.contains("\"created_at\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        without_timestamp(first.manifest_text("2019-01")),
        without_timestamp(second.manifest_text("2019-01"))
    );
    assert_ne!(
        all_ids(&first.manifest("2019-01"), "sample"),
        all_ids(&third.manifest("2019-01"), "sample")
    );
    let a = fs::read(first.path("worksheets/2019-01/PC_Ben_Hartley.csv")).unwrap();
    let b = fs::read(second.path("worksheets/2019-01/PC_Ben_Hartley.csv")).unwrap();
    assert_eq!(a, b, "worksheets are byte-identical too");
}

#[test]
fn a_seed_is_generated_and_recorded_when_none_is_given() {
    let ws = Workspace::new();
    ws.champions(&["A"]);
    ws.grounds()
        .args([
            "sample",
            "--month",
            "2019-01",
            "--champions",
            "champions.csv",
            "--export",
        ])
        .arg(shipped(KENT_JAN))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "generated from the operating system's randomness",
        ));
    let manifest = ws.manifest("2019-01");
    assert_eq!(manifest["seed_source"], "generated");
    assert_eq!(manifest["seed"].as_str().unwrap().len(), 32);
}

#[test]
fn verify_passes_then_fails_after_one_byte_changes() {
    let ws = Workspace::new();
    ws.champions(&FIVE);
    let export = ws.write("kent.csv", fs::read(shipped(KENT_JAN)).unwrap());
    let city = ws.write("city.csv", fs::read(real(CITY_JAN)).unwrap());
    ws.sample(&[export.clone(), city.clone()], "2019-01", "s", &[]);
    // Any order of the files is fine: they are matched by SHA-256.
    grounds()
        .arg("verify")
        .arg(ws.path("worksheets/2019-01/manifest.json"))
        .arg("--export")
        .args([&city, &export])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("Verified: the 2019-01 draw"));

    let mut bytes = fs::read(&export).unwrap();
    let at = bytes.iter().position(|&b| b == b'M').unwrap(); // the first "Male"
    bytes[at] = b'N';
    fs::write(&export, bytes).unwrap();
    grounds()
        .arg("verify")
        .arg(ws.path("worksheets/2019-01/manifest.json"))
        .arg("--export")
        .args([&export, &city])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("NOT VERIFIED"))
        .stderr(predicate::str::contains(
            "kent.csv: SHA-256 no longer matches",
        ));
}

#[test]
fn verify_detects_a_tampered_manifest() {
    let ws = Workspace::new();
    ws.champions(&FIVE);
    ws.sample(&[shipped(KENT_JAN)], "2019-01", "s", &[]);
    let mut manifest = ws.manifest("2019-01");
    // Swap a sampled search for one the coordinator preferred.
    let reserve = manifest["champions"][1]["reserves"][0].clone();
    manifest["champions"][1]["sample"][3] = reserve;
    ws.write(
        "tampered.json",
        serde_json::to_string_pretty(&manifest).unwrap(),
    );
    ws.grounds()
        .args(["verify", "tampered.json", "--export"])
        .arg(shipped(KENT_JAN))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "PC Ben Hartley: sample differs from position 4",
        ));
}

/// The README's recipe, done independently of the implementation: record ids
/// are SHA-256 over the fields joined by 0x1F (+ occurrence), keys are
/// SHA-256 of "hash-rank-v1" 0x1F seed 0x1F month 0x1F id, ascending; champions
/// take turns.
#[test]
fn ranking_recomputed_independently_gives_the_same_sample() {
    let ws = Workspace::new();
    ws.champions(&["A", "B"]);
    let export = real(CITY_FEB);
    ws.sample(
        std::slice::from_ref(&export),
        "2019-02",
        "independent",
        &["--per-champion", "3", "--reserves", "1"],
    );

    let mut reader = csv::Reader::from_path(&export).unwrap();
    let mut seen = std::collections::HashMap::new();
    let mut ids = Vec::new();
    for row in reader.byte_records() {
        let row = row.unwrap();
        let date = std::str::from_utf8(&row[1]).unwrap();
        // City of London February 2019: GMT, so the London month is the UTC month.
        if !date.starts_with("2019-02") {
            continue;
        }
        let joined: Vec<u8> = row.iter().collect::<Vec<_>>().join(&0x1Fu8);
        let digest = format!("{:x}", Sha256::digest(&joined));
        let occurrence = seen
            .entry(digest.clone())
            .and_modify(|n| *n += 1)
            .or_insert(1);
        ids.push(format!("h{}-{}", &digest[..16], occurrence));
    }
    let key =
        |id: &String| Sha256::digest(format!("hash-rank-v1\x1findependent\x1f2019-02\x1f{id}"));
    ids.sort_by_key(key);

    let manifest = ws.manifest("2019-02");
    assert_eq!(
        strings(&manifest["champions"][0]["sample"]),
        [&ids[0], &ids[2], &ids[4]].map(String::clone)
    );
    assert_eq!(
        strings(&manifest["champions"][1]["sample"]),
        [&ids[1], &ids[3], &ids[5]].map(String::clone)
    );
    assert_eq!(
        strings(&manifest["champions"][0]["reserves"]),
        [ids[6].clone()]
    );
    assert_eq!(
        strings(&manifest["champions"][1]["reserves"]),
        [ids[7].clone()]
    );
}

#[test]
fn london_month_edge_on_real_data() {
    // City of London's September 2018 file starts with a search at
    // 2018-08-31T23:13:35+00:00: 00:13 BST on 1 September.
    let ws = Workspace::new();
    ws.champions(&["A"]);
    ws.sample(
        &[real("2018-09-city-of-london-stop-and-search.csv")],
        "2018-09",
        "s",
        &["--per-champion", "148", "--reserves", "0"],
    );
    let manifest = ws.manifest("2018-09");
    assert_eq!(
        manifest["month_records"], 148,
        "the 23:13 UTC row belongs to September"
    );
    let utc = Workspace::new();
    utc.champions(&["A"]);
    utc.sample(
        &[real("2018-09-city-of-london-stop-and-search.csv")],
        "2018-09",
        "s",
        &["--timezone", "UTC", "--per-champion", "5"],
    );
    assert_eq!(
        utc.manifest("2018-09")["month_records"],
        147,
        "in UTC it is August's"
    );
}

#[test]
fn redraw_needs_the_flag_and_keeps_the_old_draw() {
    let ws = Workspace::new();
    ws.champions(&FIVE);
    ws.sample(&[shipped(KENT_JAN)], "2019-01", "first", &[]);
    let first = ws.manifest("2019-01");
    ws.grounds()
        .args([
            "sample",
            "--month",
            "2019-01",
            "--champions",
            "champions.csv",
            "--seed",
            "second",
            "--export",
        ])
        .arg(shipped(KENT_JAN))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--redraw"));
    ws.sample(&[shipped(KENT_JAN)], "2019-01", "second", &["--redraw"]);
    assert_eq!(ws.manifest("2019-01")["seed"], "second");
    let superseded: Vec<String> = ws
        .files()
        .into_iter()
        .filter(|f| f.contains("2019-01.superseded-") && f.ends_with("manifest.json"))
        .collect();
    assert_eq!(
        superseded.len(),
        1,
        "the old worksheets are kept beside the new ones"
    );
    let old: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(ws.path(&superseded[0])).unwrap()).unwrap();
    assert_eq!(old, first);
    let conn = count_rows(&ws, "SELECT count(*) FROM draws WHERE month = '2019-01'");
    assert_eq!(conn, 2, "both draws are in the workspace");
}

/// A count from the workspace, read directly: the test checks what is stored.
fn count_rows(ws: &Workspace, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(ws.db()).unwrap();
    conn.query_row(sql, [], |row| row.get(0)).unwrap()
}

#[test]
fn records_in_earlier_draws_are_not_drawn_again() {
    // A force re-export corrects a search's date from January to February:
    // the same id must not be reviewed twice.
    let ws = Workspace::new();
    ws.champions(&["A"]);
    ws.write("mapping.toml", "[columns]\nid = \"Ref\"\ndate = \"When\"\n");
    let january: String = (1..=30)
        .map(|i| format!("R{i},2025-01-{:02}T10:00:00Z\n", i))
        .collect();
    ws.write("jan.csv", format!("Ref,When\n{january}"));
    ws.sample(
        &[ws.path("jan.csv")],
        "2025-01",
        "s",
        &[
            "--columns",
            "mapping.toml",
            "--per-champion",
            "30",
            "--reserves",
            "0",
        ],
    );
    let february: String = (1..=30)
        .map(|i| format!("R{i},2025-02-{:02}T10:00:00Z\n", i % 28 + 1))
        .collect();
    ws.write(
        "feb.csv",
        format!("Ref,When\n{february}R99,2025-02-03T10:00:00Z\n"),
    );
    ws.sample(
        &[ws.path("feb.csv")],
        "2025-02",
        "s",
        &[
            "--columns",
            "mapping.toml",
            "--per-champion",
            "5",
            "--reserves",
            "0",
        ],
    );
    let manifest = ws.manifest("2025-02");
    assert_eq!(strings(&manifest["champions"][0]["sample"]), ["R99"]);
    assert_eq!(
        manifest["excluded_earlier_draws"].as_array().unwrap().len(),
        30
    );
    assert_eq!(manifest["shortfall"][0]["sample_missing"], 4);
    grounds()
        .arg("verify")
        .arg(ws.path("worksheets/2025-02/manifest.json"))
        .arg("--export")
        .arg(ws.path("feb.csv"))
        .assert()
        .success();
}

#[test]
fn force_export_with_officers_and_areas() {
    let ws = Workspace::new();
    let output = ws
        .grounds()
        .args([
            "sample",
            "--worksheet-format",
            "csv",
            "--month",
            "2025-01",
            "--seed",
            "force",
            "--per-champion",
            "10",
            "--reserves",
            "3",
        ])
        .arg("--export")
        .arg(shipped("force-export-example.csv"))
        .arg("--columns")
        .arg(shipped("force-mapping.toml"))
        .arg("--champions")
        .arg(shipped("force-champions.csv"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let manifest = ws.manifest("2025-01");
    let mut reader = csv::Reader::from_path(shipped("force-export-example.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let by_ref = |id: &str| rows.iter().find(|r| &r[0] == id).unwrap().clone();
    for (champion, officer, area) in [
        (0, "4101", "North"),
        (1, "4107", "East"),
        (2, "4113", "West"),
    ] {
        let entry = &manifest["champions"][champion];
        let ids: Vec<String> = strings(&entry["sample"])
            .into_iter()
            .chain(strings(&entry["reserves"]))
            .collect();
        assert_eq!(ids.len(), 13);
        for id in ids {
            let row = by_ref(&id);
            assert_ne!(&row[2], officer, "a champion got their own search");
            assert_eq!(&row[3], area, "a champion got a search outside their area");
            assert!(row[1].contains("/01/2025"));
        }
    }
    // The free-text grounds column passes through, guarded against formulas.
    let sheet = fs::read_to_string(ws.path("worksheets/2025-01/Sgt_Priya_Shah.csv")).unwrap();
    assert!(sheet.contains("Grounds Text"));
    assert!(
        !sheet.contains(",=HYPERLINK"),
        "a formula reached a worksheet unguarded"
    );
}

#[test]
fn shortfall_is_loud_and_recorded() {
    let ws = Workspace::new();
    ws.champions(&FIVE);
    ws.grounds()
        .args([
            "sample",
            "--month",
            "2019-02",
            "--champions",
            "champions.csv",
            "--seed",
            "s",
            "--per-champion",
            "30",
        ])
        .arg("--export")
        .arg(real(CITY_FEB))
        .assert()
        .success()
        .stderr(predicate::str::contains("SHORTFALL"));
    let manifest = ws.manifest("2019-02");
    let total: usize = manifest["champions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["sample"].as_array().unwrap().len())
        .sum();
    assert_eq!(total, 147, "every search of the month is sampled");
    assert_eq!(manifest["shortfall"].as_array().unwrap().len(), 5);
}

#[test]
fn a_redraw_never_silently_abandons_recorded_assessments() {
    let ws = Workspace::new();
    ws.champions(&["A", "B"]);
    ws.sample(&[shipped(KENT_JAN)], "2019-01", "first", &[]);
    let path = ws.path("worksheets/2019-01/A.csv");
    let mut sheet = crate::worksheets::Sheet::load(&path);
    sheet.assess(0, "reasonable", "");
    sheet.save(&path);
    ws.grounds().arg("import").arg(&path).assert().success();

    ws.grounds()
        .args([
            "sample",
            "--month",
            "2019-01",
            "--champions",
            "champions.csv",
            "--seed",
            "second",
            "--redraw",
            "--export",
        ])
        .arg(shipped(KENT_JAN))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already has 1 assessment(s)"))
        .stderr(predicate::str::contains("--abandon-assessments"));
    assert_eq!(ws.manifest("2019-01")["seed"], "first", "nothing changed");

    ws.sample(
        &[shipped(KENT_JAN)],
        "2019-01",
        "second",
        &["--redraw", "--abandon-assessments"],
    );
    let manifest = ws.manifest("2019-01");
    assert_eq!(manifest["supersedes"]["seed"], "first");
    assert_eq!(manifest["supersedes"]["abandoned_assessments"], 1);
    let conn = rusqlite::Connection::open(ws.db()).unwrap();
    let kept: i64 = conn
        .query_row("SELECT count(*) FROM assessments", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        kept, 1,
        "the abandoned assessment is still in the workspace"
    );
}
