//! `grounds sample --minority-per-champion K` (`hash-rank-v2`): the
//! manifest equals an independent recomputation, verify recomputes it,
//! bad input is refused with nothing written, shortfalls are loud, and a
//! substitution stays in its stratum.

use std::collections::{BTreeMap, HashMap};
use std::fs;

use predicates::prelude::*;

use crate::common::*;
use crate::stratified_draw::{
    recompute_strata, recompute_v2, rows, Lists, Reviewer, Row, POOLS_MAPPING,
};

const FIVE: [&str; 5] = [
    "PS Ada Okafor",
    "PC Ben Hartley",
    "PC Chloe Nwosu",
    "Sgt Dev Patel",
    "PC Erin Walsh",
];

fn lists(manifest: &serde_json::Value) -> Vec<Lists> {
    manifest["champions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (strings(&c["sample"]), strings(&c["reserves"])))
        .collect()
}

fn populations(manifest: &serde_json::Value) -> BTreeMap<(Option<String>, String), usize> {
    manifest["strata"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                (
                    s["area"].as_str().map(String::from),
                    s["group"].as_str().unwrap().to_string(),
                ),
                s["population"].as_u64().unwrap() as usize,
            )
        })
        .collect()
}

/// The group (`minority`/`rest`) of each dealt record, by the manifest's strata lists.
fn dealt_groups(manifest: &serde_json::Value, champion: usize, key: &str) -> Vec<String> {
    let strata = manifest["strata"].as_array().unwrap();
    manifest["champions"][champion][key]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let h = h.as_u64().expect("no section 60 in Kent") as usize;
            strata[h]["group"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn manifest_equals_an_independent_recomputation() {
    let kent = real(KENT_JAN);
    let outsider = rows(&kent, "2019-01");
    let ws = Workspace::new();
    ws.write("pools.toml", POOLS_MAPPING);
    // Plain champions, then champions by area (Gender) kept from their own
    // searches (Age range), as in the library test.
    ws.write(
        "pooled.csv",
        "champion,officer_id,area\nA,18-24,Male\nB,,Female\nC,25-34,Male\nD,over 34,\n",
    );
    ws.champions(&FIVE);
    let plain = [Reviewer {
        officer: None,
        area: None,
    }; 5];
    let pooled = [
        Reviewer {
            officer: Some("18-24"),
            area: Some("Male"),
        },
        Reviewer {
            officer: None,
            area: Some("Female"),
        },
        Reviewer {
            officer: Some("25-34"),
            area: Some("Male"),
        },
        Reviewer {
            officer: Some("over 34"),
            area: None,
        },
    ];
    let mut run = 0;
    for (champions, mapping, reviewers) in [
        ("champions.csv", None, &plain[..]),
        ("pooled.csv", Some("pools.toml"), &pooled[..]),
    ] {
        for seed in ["panel-2019-01", "b", "ünïcode seed"] {
            run += 1;
            let out = format!("run{run}");
            let mut cmd = ws.grounds();
            cmd.args(["sample", "--month", "2019-01", "--seed", seed])
                .args(["--champions", champions, "--minority-per-champion", "10"])
                .args(["--out", &out, "--db", &format!("{out}.db"), "--export"])
                .arg(&kent);
            if let Some(mapping) = mapping {
                cmd.args(["--columns", mapping]);
            }
            cmd.assert().success();
            let text =
                fs::read_to_string(ws.path(&format!("{out}/2019-01/manifest.json"))).unwrap();
            let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(manifest["algorithm"], "hash-rank-v2");
            assert_eq!(manifest["minority_per_champion"], 10);
            let expected = recompute_v2(&outsider, reviewers, seed, "2019-01", (20, 5, 10));
            assert_eq!(lists(&manifest), expected, "seed {seed:?}, {champions}");
            let (strata, no_suspicion, gap) = recompute_strata(&outsider, reviewers, true);
            assert_eq!(populations(&manifest), strata);
            assert_eq!(manifest["no_suspicion"], no_suspicion);
            assert_eq!(manifest["coverage_gap"], gap);
            // Each champion: 10 minority searches first (fewer when their pool
            // ran short, as the manifest says), 3 minority reserves first.
            for champion in 0..reviewers.len() {
                let entry = &manifest["champions"][champion];
                let short = entry["minority_shortfall"].as_u64().unwrap_or(0) as usize;
                let short_reserves =
                    entry["minority_reserve_shortfall"].as_u64().unwrap_or(0) as usize;
                let sample = dealt_groups(&manifest, champion, "sample_strata");
                let reserves = dealt_groups(&manifest, champion, "reserve_strata");
                let minority =
                    |groups: &[String]| groups.iter().filter(|g| *g == "minority").count();
                assert_eq!(minority(&sample), 10 - short, "{sample:?}");
                assert!(
                    sample[..10 - short].iter().all(|g| g == "minority"),
                    "{sample:?}"
                );
                assert_eq!(minority(&reserves), 3 - short_reserves, "{reserves:?}");
                assert!(reserves[..3 - short_reserves]
                    .iter()
                    .all(|g| g == "minority"));
                if reviewers[champion].area.is_none() {
                    assert_eq!((short, short_reserves), (0, 0));
                }
            }
            if reviewers.len() == 4 {
                let shortfalls = manifest["shortfall"].as_array().unwrap();
                assert!(
                    shortfalls
                        .iter()
                        .any(|s| s["minority_missing"].as_u64() > Some(0)),
                    "the Female pool has too few minority searches: {shortfalls:?}"
                );
            }
            let mut verify = ws.grounds();
            verify
                .arg("verify")
                .arg(ws.path(&format!("{out}/2019-01/manifest.json")))
                .arg("--export")
                .arg(&kent)
                .assert()
                .code(0)
                .stdout(predicate::str::contains("hash-rank-v2"));
        }
    }
}

#[test]
fn verify_passes_then_fails_after_one_byte_changes() {
    let ws = Workspace::new();
    ws.champions(&FIVE);
    let export = ws.write("kent.csv", fs::read(real(KENT_JAN)).unwrap());
    ws.sample(
        &[export.clone()],
        "2019-01",
        "v2",
        &["--minority-per-champion", "8"],
    );
    let verify = || {
        let mut cmd = ws.grounds();
        cmd.args(["verify", "worksheets/2019-01/manifest.json", "--export"])
            .arg(&export);
        cmd.assert()
    };
    verify().code(0);
    let mut bytes = fs::read(&export).unwrap();
    let at = bytes.iter().position(|&b| b == b'M').unwrap();
    bytes[at] = b'N';
    fs::write(&export, bytes).unwrap();
    verify()
        .code(1)
        .stderr(predicate::str::contains("NOT VERIFIED"));
}

#[test]
fn a_tampered_population_or_stratum_fails_verify() {
    let ws = Workspace::new();
    ws.champions(&FIVE);
    let kent = real(KENT_JAN);
    ws.sample(
        &[kent.clone()],
        "2019-01",
        "v2",
        &["--minority-per-champion", "10"],
    );
    let mut manifest = ws.manifest("2019-01");
    manifest["strata"][0]["population"] = serde_json::json!(1);
    ws.write(
        "tampered.json",
        serde_json::to_string_pretty(&manifest).unwrap(),
    );
    let mut cmd = ws.grounds();
    cmd.args(["verify", "tampered.json", "--export"])
        .arg(&kent)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("population"));
}

#[test]
fn an_old_v1_manifest_without_strata_still_verifies() {
    let ws = Workspace::new();
    ws.champions(&FIVE);
    let kent = real(KENT_JAN);
    ws.sample(&[kent.clone()], "2019-01", "old", &[]);
    let mut manifest = ws.manifest("2019-01");
    assert_eq!(manifest["algorithm"], "hash-rank-v1");
    assert_eq!(manifest["strata"][0]["group"], "all");
    assert_eq!(manifest["strata"][0]["population"], 534);
    let object = manifest.as_object_mut().unwrap();
    for key in ["strata", "no_suspicion", "coverage_gap"] {
        object.remove(key).expect("a new manifest has it");
    }
    for champion in object["champions"].as_array_mut().unwrap() {
        let champion = champion.as_object_mut().unwrap();
        champion.remove("sample_strata").unwrap();
        champion.remove("reserve_strata").unwrap();
    }
    ws.write("old.json", serde_json::to_string_pretty(&manifest).unwrap());
    let mut cmd = ws.grounds();
    cmd.args(["verify", "old.json", "--export"])
        .arg(&kent)
        .assert()
        .code(0);
}

/// Runs sample with `extra`, expects exit 2 with `expected` on stderr and nothing written.
fn refused(extra: &[&str], mapping: Option<&str>, expected: &str) {
    let ws = Workspace::new();
    ws.champions(&FIVE);
    if let Some(mapping) = mapping {
        ws.write("mapping.toml", mapping);
    }
    let before = ws.files();
    let mut cmd = ws.grounds();
    cmd.args([
        "sample",
        "--month",
        "2019-01",
        "--seed",
        "s",
        "--champions",
        "champions.csv",
    ])
    .args(extra)
    .arg("--export")
    .arg(real(KENT_JAN));
    if mapping.is_some() {
        cmd.args(["--columns", "mapping.toml"]);
    }
    cmd.assert()
        .code(2)
        .stderr(predicate::str::contains(expected));
    assert_eq!(ws.files(), before, "a refused draw wrote files");
}

#[test]
fn bad_minority_per_champion_is_refused() {
    refused(
        &["--minority-per-champion", "21"],
        None,
        "--minority-per-champion 21 is more than --per-champion 20",
    );
    refused(
        &["--per-champion", "5", "--minority-per-champion", "6"],
        None,
        "more than --per-champion 5",
    );
    refused(&["--minority-per-champion", "ten"], None, "ten");
    refused(&["--minority-per-champion", "-3"], None, "-3");
    refused(&["--minority-per-champion", "2.5"], None, "2.5");
    let no_officer_ethnicity =
        "[columns]\ndate = \"Date\"\nself_defined_ethnicity = \"Self-defined ethnicity\"\n";
    refused(
        &["--minority-per-champion", "5"],
        Some(no_officer_ethnicity),
        "officer_defined_ethnicity",
    );
}

#[test]
fn a_small_minority_stratum_is_a_loud_shortfall_topped_up_from_the_rest() {
    // City of London, January 2019: 153 searches, 76 of them minority,
    // fewer than 5 champions x 20.
    let city = real(CITY_JAN);
    let outsider: Vec<Row> = rows(&city, "2019-01");
    let minority = outsider.iter().filter(|r| r.minority).count();
    assert_eq!((outsider.len(), minority), (153, 76));
    let ws = Workspace::new();
    ws.champions(&FIVE);
    let mut cmd = ws.grounds();
    cmd.args([
        "sample",
        "--month",
        "2019-01",
        "--seed",
        "short",
        "--champions",
        "champions.csv",
    ])
    .args([
        "--per-champion",
        "25",
        "--reserves",
        "2",
        "--minority-per-champion",
        "20",
    ])
    .arg("--export")
    .arg(&city);
    cmd.assert()
        .success()
        .stderr(predicate::str::contains("SHORTFALL"))
        .stderr(predicate::str::contains("minority"));
    let manifest = ws.manifest("2019-01");
    let shortfall = manifest["shortfall"].as_array().unwrap();
    let missing: u64 = shortfall
        .iter()
        .map(|s| s["minority_missing"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(missing as usize, 5 * 20 - minority);
    let everyone = [Reviewer {
        officer: None,
        area: None,
    }; 5];
    let expected = recompute_v2(&outsider, &everyone, "short", "2019-01", (25, 2, 20));
    assert_eq!(lists(&manifest), expected);
    for (sample, reserves) in &expected {
        assert_eq!(sample.len(), 25, "topped up from the rest stratum");
        assert_eq!(reserves.len(), 2);
    }
}

#[test]
fn a_substitution_takes_the_next_reserve_of_the_same_stratum() {
    let ws = Workspace::new();
    ws.champions(&FIVE[..2]);
    let kent = real(KENT_JAN);
    ws.sample(
        &[kent],
        "2019-01",
        "subst",
        &[
            "--per-champion",
            "6",
            "--reserves",
            "4",
            "--minority-per-champion",
            "3",
        ],
    );
    let manifest = ws.manifest("2019-01");
    let sample = strings(&manifest["champions"][1]["sample"]);
    let reserves = strings(&manifest["champions"][1]["reserves"]);
    let groups: HashMap<&str, String> = reserves
        .iter()
        .map(String::as_str)
        .zip(dealt_groups(&manifest, 1, "reserve_strata"))
        .collect();
    // ceil(4 x 3 / 6) = 2 minority reserves first, then 2 rest.
    assert_eq!(groups[reserves[0].as_str()], "minority");
    assert_eq!(groups[reserves[2].as_str()], "rest");
    let substitute = |id: &str| {
        ws.grounds()
            .args(["substitute", "--month", "2019-01", "--record-id", id])
            .args(["--reason", "record missing"])
            .assert()
    };
    // A rest search (position 4) is replaced by the first rest reserve, not reserve 1.
    substitute(&sample[3])
        .success()
        .stdout(predicate::str::contains(format!(
            "replaced by reserve 3 ({})",
            reserves[2]
        )));
    substitute(&sample[0])
        .success()
        .stdout(predicate::str::contains(format!(
            "replaced by reserve 1 ({})",
            reserves[0]
        )));
    substitute(&sample[1])
        .success()
        .stdout(predicate::str::contains(format!(
            "replaced by reserve 2 ({})",
            reserves[1]
        )));
    // No minority reserve left: the rest one comes in, and that is said and recorded.
    substitute(&sample[2])
        .success()
        .stdout(predicate::str::contains(format!(
            "replaced by reserve 4 ({})",
            reserves[3]
        )))
        .stdout(predicate::str::contains("other stratum"));
    let conn = rusqlite::Connection::open(ws.db()).unwrap();
    let crossed: i64 = conn
        .query_row(
            "SELECT count(*) FROM substitutions WHERE other_stratum = 1",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(crossed, 1);
}
