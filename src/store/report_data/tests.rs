//! `Tx::report_rows` joins table scans in memory and counts progress on the
//! way, and `Tx::progress` counts in one grouped pass; here each must give exactly
//! what the query it replaced gives, on a workspace with amendments, second
//! reviews, substitutions (of samples and of a reserve brought in, with and
//! without missing footage), unassessed searches and a superseded draw.

use rusqlite::{params, Connection};

use super::{AssessedSearch, Period};
use crate::assess::{Bwv, Conduct, Gowisely, Grounds, Referral};
use crate::store::ChampionProgress;
use crate::store::Store;

/// The query the report's searches were read with before `report_rows` scanned the tables.
const JOINED: &str = "SELECT d.month, x.champion, x.record_id, c.grounds, c.bwv, c.gowisely, c.conduct,
        c.referral, c.themes, c.notes, r.self_defined_ethnicity, r.officer_defined_ethnicity,
        r.legislation, r.object_of_search, c.simulated
    FROM active_assignments x
    JOIN draws d ON d.id = x.draw_id
    JOIN current_assessments c ON c.draw_id = x.draw_id AND c.record_id = x.record_id
                              AND c.review = 'first'
    JOIN records r ON r.draw_id = x.draw_id AND r.record_id = x.record_id
    WHERE d.superseded_at IS NULL AND (?1 IS NULL OR d.month >= ?1) AND (?2 IS NULL OR d.month <= ?2)
      AND (?3 IS NULL OR x.champion = ?3)
    ORDER BY d.month, x.champion, x.role DESC, x.position";

fn joined(conn: &Connection, period: &Period) -> Vec<AssessedSearch> {
    let mut statement = conn.prepare(JOINED).expect("prepare");
    statement
        .query_map(params![period.from, period.to, period.champion], |row| {
            let themes: String = row.get(8)?;
            Ok(AssessedSearch {
                month: row.get(0)?,
                champion: row.get(1)?,
                record_id: row.get(2)?,
                grounds: Grounds::parse(&row.get::<_, String>(3)?)
                    .expect("grounds")
                    .as_str(),
                bwv: Bwv::parse(&row.get::<_, String>(4)?).expect("bwv").as_str(),
                gowisely: Gowisely::parse(&row.get::<_, String>(5)?)
                    .expect("gowisely")
                    .as_str(),
                conduct: Conduct::parse(&row.get::<_, String>(6)?)
                    .expect("conduct")
                    .as_str(),
                referral: Referral::parse(&row.get::<_, String>(7)?)
                    .expect("referral")
                    .as_str(),
                themes: serde_json::from_str(&themes).unwrap_or_default(),
                notes: row.get(9)?,
                self_defined_ethnicity: row.get(10)?,
                officer_defined_ethnicity: row.get(11)?,
                legislation: row.get(12)?,
                object_of_search: row.get(13)?,
                simulated: row.get(14)?,
            })
        })
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows")
}

const GROUNDS: [&str; 4] = [
    "reasonable",
    "not_reasonable",
    "none_recorded",
    "insufficient_info",
];
const CHAMPIONS: [&str; 3] = ["PC Cole", "PC Abbas", "PC Byrne"];

/// Three current months, a superseded draw of the first, each champion with
/// `samples` samples and `reserves` reserves; record ids that do not sort
/// in position order; a pseudo-random mix of everything a review can be.
fn fill_with(conn: &Connection, samples: i64, reserves: i64) {
    conn.execute_batch("BEGIN").expect("begin");
    let mut state = 7u64;
    let mut next = move |below: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % below
    };
    let draws = [
        (1, "2019-02", None),
        (2, "2019-01", Some("2019-03-01")),
        (3, "2019-01", None),
        (4, "2019-03", None),
    ];
    for (id, month, superseded) in draws {
        conn.execute(
            "INSERT INTO draws (id, month, algorithm, seed, seed_source, timezone, per_champion,
                 reserves, month_records, header, manifest, manifest_sha256, created_at, created_by,
                 superseded_at)
             VALUES (?1, ?2, 'hash-rank-v1', 's', 'given', 'Europe/London', 5, 3, 500, '[]', '{}',
                 'x', 't', 'me', ?3)",
            params![id, month, superseded],
        )
        .expect("draw");
        for champion in CHAMPIONS {
            for (role, count) in [("sample", samples), ("reserve", reserves)] {
                for position in 1..=count {
                    let record = format!("h{:04x}-{position}{role}{champion}-{id}", next(65536));
                    conn.execute(
                        "INSERT INTO records VALUES (?1, ?2, 0, 2, '[]', '2019-01-02', ?3, ?4, ?5, ?6, '', '')",
                        params![
                            id,
                            record,
                            ["White - English", "Black - African", ""][next(3) as usize],
                            ["White", "Asian"][next(2) as usize],
                            format!("Act {}", next(4)),
                            format!("Object {}", next(3)),
                        ],
                    )
                    .expect("record");
                    conn.execute(
                        "INSERT INTO assignments VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![id, record, champion, role, position],
                    )
                    .expect("assignment");
                }
            }
        }
    }
    // Per draw: a sample replaced by a reserve, that reserve replaced by
    // the next, and a second sample replaced by a third reserve.
    let ids: Vec<(i64, String, String, String, i64)> = conn
        .prepare("SELECT draw_id, record_id, champion, role, position FROM assignments")
        .expect("prepare")
        .query_map([], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
            ))
        })
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    let find = |draw: i64, champion: &str, role: &str, position: i64| {
        ids.iter()
            .find(|a| a.0 == draw && a.2 == champion && a.3 == role && a.4 == position)
            .map(|a| a.1.clone())
            .expect("assignment")
    };
    for draw in 1..=4 {
        let champion = CHAMPIONS[draw as usize % 3];
        for (replaced, replacement) in [
            (
                find(draw, champion, "sample", 2),
                find(draw, champion, "reserve", 1),
            ),
            (
                find(draw, champion, "reserve", 1),
                find(draw, champion, "reserve", 2),
            ),
            (
                find(draw, champion, "sample", 4),
                find(draw, champion, "reserve", 3),
            ),
        ] {
            conn.execute(
                "INSERT INTO substitutions (draw_id, record_id, replacement_id, reason, footage_missing,
                     recorded_at, recorded_by)
                 VALUES (?1, ?2, ?3, 'no footage', ?4, 't', 'me')",
                params![draw, replaced, replacement, next(2) == 0],
            )
            .expect("substitution");
        }
    }
    // Every search, active or not: unassessed, assessed, amended (up to
    // three versions, inserted newest first for some), second-reviewed.
    for (draw, record, ..) in &ids {
        let versions = next(4);
        let mut order: Vec<u64> = (1..=versions).collect();
        if next(2) == 0 {
            order.reverse();
        }
        for version in order {
            insert_assessment(conn, *draw, record, "first", version, &mut next);
        }
        if next(3) == 0 {
            insert_assessment(conn, *draw, record, "second", 1, &mut next);
        }
    }
    conn.execute_batch("COMMIT").expect("commit");
}

/// A new workspace (its directory kept alive by the returned guard), its
/// raw connection with foreign keys off (only the tables a report reads are
/// filled), filled by `fill_with(samples, reserves)`.
fn filled_workspace(
    samples: i64,
    reserves: i64,
) -> (tempfile::TempDir, std::path::PathBuf, Connection) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("grounds.db");
    drop(Store::open_or_create(&path).expect("a new workspace"));
    let conn = Connection::open(&path).expect("raw open");
    conn.pragma_update(None, "foreign_keys", "OFF")
        .expect("foreign keys off");
    fill_with(&conn, samples, reserves);
    (dir, path, conn)
}

fn insert_assessment(
    conn: &Connection,
    draw: i64,
    record: &str,
    review: &str,
    version: u64,
    next: &mut impl FnMut(u64) -> u64,
) {
    conn.execute(
        "INSERT INTO assessments (draw_id, record_id, review, version, grounds, bwv, gowisely, conduct,
             themes, referral, notes, reviewer, reviewed_on, recorded_at, recorded_by, source, simulated)
         VALUES (?1, ?2, ?3, ?4, ?5, 'reviewed', ?6, 'good', ?7, 'none', ?8, 'PC', '2019-02-03', 't',
             'me', 'record', ?9)",
        params![
            draw,
            record,
            review,
            version,
            GROUNDS[next(4) as usize],
            ["yes", "partial", "no"][next(3) as usize],
            ["[]", "[\"bwv\"]"][next(2) as usize],
            format!("{review} v{version}"),
            next(5) == 0,
        ],
    )
    .expect("assessment");
}

#[test]
fn scans_joined_in_memory_equal_the_sql_join() {
    // Only the tables the report reads are filled (no draw_champions).
    let (_dir, path, conn) = filled_workspace(5, 3);
    let mut store = Store::open_read_only(&path).expect("open");
    let tx = store.read().expect("read");
    let month = |m: &str| Some(m.to_string());
    let periods = [
        Period::default(),
        Period {
            from: month("2019-02"),
            ..Period::default()
        },
        Period {
            to: month("2019-01"),
            ..Period::default()
        },
        Period {
            from: month("2019-01"),
            to: month("2019-02"),
            champion: Some(CHAMPIONS[1].to_string()),
        },
        Period {
            champion: Some("PC Nobody".to_string()),
            ..Period::default()
        },
    ];
    let any_simulated: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM assessments WHERE simulated = 1)",
            [],
            |row| row.get(0),
        )
        .expect("simulated");
    for period in &periods {
        let expected = joined(&conn, period);
        let rows = tx.report_rows(period).expect("scans");
        assert_eq!(rows.searches, expected, "{period:?}");
        assert_eq!(rows.any_simulated, any_simulated, "{period:?}");
    }
    assert!(any_simulated, "the workspace has simulated assessments");
    // The workspace has what the comparison is about.
    let all = joined(&conn, &Period::default());
    assert!(all.len() > 30, "{}", all.len());
    assert!(
        all.iter().any(|s| s.notes == "first v3"),
        "an amendment is current"
    );
    assert!(
        all.iter().all(|s| s.notes.starts_with("first")),
        "never a second review"
    );
}

/// The query `progress` ran before it counted in one grouped pass: a
/// subquery per count, champion and month.
const PER_CHAMPION: &str = "SELECT d.month, c.name,
        (SELECT count(*) FROM active_assignments a WHERE a.draw_id = d.id AND a.champion = c.name),
        (SELECT count(*) FROM active_assignments a WHERE a.draw_id = d.id AND a.champion = c.name
            AND EXISTS (SELECT 1 FROM assessments x
                        WHERE x.draw_id = a.draw_id AND x.record_id = a.record_id
                          AND x.review = 'first')),
        (SELECT count(*) FROM substitutions s JOIN assignments a
            ON a.draw_id = s.draw_id AND a.record_id = s.record_id
            WHERE s.draw_id = d.id AND a.champion = c.name),
        (SELECT count(*) FROM substitutions s JOIN assignments a
            ON a.draw_id = s.draw_id AND a.record_id = s.record_id
            WHERE s.draw_id = d.id AND a.champion = c.name AND s.footage_missing = 1),
        (SELECT count(*) FROM assignments a
            WHERE a.draw_id = d.id AND a.champion = c.name AND a.role = 'reserve'
            AND NOT EXISTS (SELECT 1 FROM substitutions s
                            WHERE s.draw_id = a.draw_id AND s.replacement_id = a.record_id))
    FROM draws d JOIN draw_champions c ON c.draw_id = d.id
    WHERE d.superseded_at IS NULL AND (?1 IS NULL OR d.month >= ?1) AND (?2 IS NULL OR d.month <= ?2)
      AND (?3 IS NULL OR c.name = ?3)
    ORDER BY d.month, c.position";

fn per_champion(conn: &Connection, period: &Period) -> Vec<ChampionProgress> {
    let mut statement = conn.prepare(PER_CHAMPION).expect("prepare");
    statement
        .query_map(
            params![period.from, period.to, period.champion],
            ChampionProgress::from_counts_row,
        )
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows")
}

#[test]
fn grouped_progress_equals_the_count_per_champion() {
    let (_dir, path, conn) = filled_workspace(5, 3);
    // The champions file: not in name order, and one champion with
    // nothing drawn.
    for draw in 1..=4 {
        for (position, name) in CHAMPIONS.iter().chain(&["PC Idle"]).enumerate() {
            conn.execute(
                "INSERT INTO draw_champions (draw_id, position, name, eligible, sample_shortfall,
                     reserve_shortfall)
                 VALUES (?1, ?2, ?3, 10, 0, 0)",
                params![draw, position as i64 + 1, name],
            )
            .expect("champion");
        }
    }
    let mut store = Store::open_read_only(&path).expect("open");
    let tx = store.read().expect("read");
    let month = |m: &str| Some(m.to_string());
    let periods = [
        Period::default(),
        Period {
            from: month("2019-02"),
            ..Period::default()
        },
        Period {
            to: month("2019-01"),
            champion: Some(CHAMPIONS[1].to_string()),
            ..Period::default()
        },
        Period {
            champion: Some("PC Idle".to_string()),
            ..Period::default()
        },
        Period {
            champion: Some("PC Nobody".to_string()),
            ..Period::default()
        },
    ];
    for period in &periods {
        let expected = per_champion(&conn, period);
        assert_eq!(
            tx.progress(period).expect("grouped"),
            expected,
            "{period:?}"
        );
        // The report counts on the way through its scans.
        assert_eq!(
            tx.report_rows(period).expect("scans").progress,
            expected,
            "{period:?}"
        );
    }
    // The workspace has what the comparison is about.
    let all = per_champion(&conn, &Period::default());
    assert_eq!(all.len(), 12);
    assert!(all.iter().any(|p| p.footage_missing > 0));
    assert!(all.iter().any(|p| p.substituted > p.footage_missing));
    assert!(all.iter().any(|p| p.assessed > 0 && p.outstanding > 0));
    assert!(all.iter().any(|p| p.reserves_left < 3 && p.assigned > 0));
    assert!(all
        .iter()
        .any(|p| p.champion == "PC Idle" && p.assigned == 0));
}

#[test]
fn scans_longer_than_a_batch_equal_the_sql_join() {
    // 4 draws x 3 champions x 1,000 searches: each table is read in
    // several batches, and a batch ends inside a draw.
    let (_dir, path, conn) = filled_workspace(700, 300);
    let mut store = Store::open_read_only(&path).expect("open");
    let tx = store.read().expect("read");
    let expected = joined(&conn, &Period::default());
    assert!(expected.len() > 4_096, "{}", expected.len());
    assert_eq!(
        tx.report_rows(&Period::default()).expect("scans").searches,
        expected
    );
}

#[test]
fn a_verdict_outside_the_vocabulary_is_an_error_not_a_search_left_out() {
    let (_dir, path, conn) = filled_workspace(700, 300);
    // Only a hand-edited workspace has one: the schema refuses it.
    conn.pragma_update(None, "ignore_check_constraints", "ON")
        .expect("checks off");
    let changed = conn
        .execute(
            "UPDATE assessments SET grounds = 'probably' WHERE draw_id = 4 AND review = 'first'",
            [],
        )
        .expect("hand edit");
    assert!(changed > 1_000, "{changed}");
    let mut store = Store::open_read_only(&path).expect("open");
    let tx = store.read().expect("read");
    match tx.report_rows(&Period::default()) {
        Err(err) => assert!(err.to_string().contains("probably"), "{err}"),
        Ok(rows) => panic!("{} searches read past a bad verdict", rows.searches.len()),
    }
}

#[test]
fn manifest_ids_read_in_place_or_unescaped_keep_their_strata() {
    // Ids as grounds writes them are read in place from the manifest's text;
    // one with a JSON escape (a force's own id with a quote or a backslash)
    // is unescaped.
    let manifest = super::StoredManifest {
        month: "2019-01".into(),
        month_records: 10,
        manifest: r#"{
            "strata": [{"month": "2019-01", "area": "North", "group": "all", "population": 6, "dealt": 2, "reserves": 1},
                       {"month": "2019-01", "area": "South", "group": "all", "population": 4, "dealt": 1, "reserves": 0}],
            "champions": [
                {"area": "North", "eligible": 6, "sample": ["h01-1", "Ré\"q\\7"], "sample_strata": [0, null],
                 "reserves": ["h03-1"], "reserve_strata": [0]},
                {"area": "South", "eligible": 4, "sample": ["h04-2"], "sample_strata": [1]}
            ]}"#
        .into(),
    };
    let strata = manifest.strata().expect("a manifest with strata");
    let expected: super::RecordStrata = [
        ("h01-1", Some(0)),
        ("Ré\"q\\7", None),
        ("h03-1", Some(0)),
        ("h04-2", Some(1)),
    ]
    .into_iter()
    .collect();
    assert_eq!(strata.record_strata, expected);
    assert_eq!(strata.record_strata.get("Ré\"q\\7"), Some(None));
    assert_eq!(strata.record_strata.get("h04-2"), Some(Some(1)));
    assert_eq!(strata.record_strata.get("h02-1"), None);
    assert!(!strata.from_snapshot && strata.area_pools);
}
