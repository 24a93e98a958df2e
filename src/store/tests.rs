//! Opening workspaces: every damaged, foreign or read-only file is a clear
//! error naming the path, never a panic or a silent re-initialisation.

use rusqlite::Connection;

use super::{Store, StoreError};

fn workspace(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let path = dir.path().join("grounds.db");
    Store::open_or_create(&path).expect("a new workspace");
    path
}

fn set_user_version(path: &std::path::Path, version: i64) {
    let conn = Connection::open(path).expect("raw open");
    conn.pragma_update(None, "user_version", version)
        .expect("set user_version");
}

#[test]
fn negative_user_version_is_a_clear_error_not_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = workspace(&dir);
    set_user_version(&path, -1);
    for result in [Store::open(&path), Store::open_read_only(&path)] {
        let err = result.err().expect("refused");
        let text = err.to_string();
        assert!(matches!(err, StoreError::NotAWorkspace { .. }), "{text}");
        assert!(text.contains("grounds.db") && text.contains("-1"), "{text}");
    }
}

#[test]
fn newer_schema_is_refused_by_every_opening() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = workspace(&dir);
    set_user_version(&path, 999);
    assert!(matches!(
        Store::open(&path),
        Err(StoreError::NewerSchema { .. })
    ));
    assert!(matches!(
        Store::open_read_only(&path),
        Err(StoreError::NewerSchema { .. })
    ));
    assert!(matches!(
        Store::open_or_create(&path),
        Err(StoreError::NewerSchema { .. })
    ));
}

#[test]
fn an_empty_file_is_not_initialised_by_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("empty.db");
    std::fs::write(&path, b"").expect("write");
    let err = Store::open(&path).err().expect("refused");
    assert!(
        err.to_string().contains("only `grounds sample` creates"),
        "{err}"
    );
    assert_eq!(std::fs::metadata(&path).expect("still there").len(), 0);
    assert!(Store::open_read_only(&path).is_err());
    // `sample` may make a workspace of an empty file someone created for it.
    Store::open_or_create(&path).expect("sample initialises it");
    Store::open(&path).expect("now a workspace");
}

#[test]
fn a_foreign_sqlite_database_or_a_text_file_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let foreign = dir.path().join("other.db");
    Connection::open(&foreign)
        .expect("raw")
        .execute_batch("CREATE TABLE t (x)")
        .expect("table");
    let err = Store::open_or_create(&foreign).err().expect("refused");
    assert!(err.to_string().contains("another program"), "{err}");

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "these are my notes, not a database\n".repeat(200)).expect("write");
    let err = Store::open(&text).err().expect("refused");
    assert!(err.to_string().contains("notes.txt"), "{err}");
    assert!(err.to_string().contains("not an SQLite database"), "{err}");
}

#[test]
fn read_only_opening_reads_and_cannot_write() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = workspace(&dir);
    let before = std::fs::read(&path).expect("read");
    let mut store = Store::open_read_only(&path).expect("opens read-only");
    let tx = store.read().expect("read transaction");
    assert_eq!(tx.meta("no such key").expect("query"), None);
    assert!(
        tx.set_meta("k", "v").is_err(),
        "a read-only workspace took a write"
    );
    drop(tx);
    drop(store);
    assert_eq!(std::fs::read(&path).expect("read"), before);
}

#[test]
fn read_only_opening_names_a_missing_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nowhere.db");
    let err = Store::open_read_only(&path).err().expect("refused");
    assert!(err.to_string().contains("nowhere.db"), "{err}");
    assert!(!path.exists());
}

#[test]
fn current_user_falls_back_to_the_account_name() {
    // Only the fallback is tested: the environment is shared between tests.
    let name = super::os_account_name();
    #[cfg(unix)]
    assert!(name.is_some_and(|n| !n.is_empty()));
    #[cfg(not(unix))]
    assert!(name.is_none());
}

/// A workspace at schema 4 with one assessment in two versions and a saved
/// answer that became part of the second.
fn schema_4_workspace(path: &std::path::Path) {
    let conn = Connection::open(path).expect("raw open");
    for migration in &super::schema::MIGRATIONS[..4] {
        conn.execute_batch(migration).expect("old migration");
    }
    conn.execute_batch(
        "PRAGMA user_version = 4;
         INSERT INTO draws VALUES (1, '2019-01', 'hash-rank-v1', 's', 'given', 'Europe/London', 20, 5, 9,
                                   '[]', '{}', 'x', '2019-02-01', 'me', NULL, NULL);
         INSERT INTO draw_champions VALUES (1, 1, 'PC A', NULL, NULL, 9, 0, 0);
         INSERT INTO records VALUES (1, 'r1', 0, 2, '[]', '2019-01-02', '', '', 'Misuse of Drugs Act 1971 (section 23)',
                                     'Controlled drugs', '', '');
         INSERT INTO assignments VALUES (1, 'r1', 'PC A', 'sample', 1);
         INSERT INTO assessments (id, draw_id, record_id, version, grounds, bwv, gowisely, conduct, themes,
                                  referral, notes, reviewer, reviewed_on, recorded_at, recorded_by, source)
             VALUES (7, 1, 'r1', 1, 'reasonable', 'reviewed', 'yes', 'good', '[]', 'none', '', 'PC A',
                     '2019-02-03', 't', 'me', 'record'),
                    (8, 1, 'r1', 2, 'not_reasonable', 'reviewed', 'yes', 'good', '[]', 'none', 'amended',
                     'PC A', '2019-02-04', 't', 'me', 'record');
         INSERT INTO draft_answers (draw_id, record_id, field, value, saved_at, saved_by, assessment_id)
             VALUES (1, 'r1', 'notes', 'amended', 't', 'me', 8);",
    )
    .expect("schema 4 rows");
}

#[test]
fn upgrading_to_schema_5_keeps_every_assessment_as_a_first_review() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("grounds.db");
    schema_4_workspace(&path);
    drop(Store::open(&path).expect("opening upgrades the workspace"));

    let conn = Connection::open(&path).expect("raw open");
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .expect("version");
    assert_eq!(version, super::schema::MIGRATIONS.len() as i64);
    let kept: Vec<(i64, i64, String, String)> = conn
        .prepare("SELECT id, version, review, grounds FROM assessments ORDER BY id")
        .expect("query")
        .query_map([], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("collect");
    assert_eq!(
        kept,
        vec![
            (7, 1, "first".to_string(), "reasonable".to_string()),
            (8, 2, "first".to_string(), "not_reasonable".to_string()),
        ]
    );
    let current: String = conn
        .query_row("SELECT grounds FROM current_assessments", [], |row| {
            row.get(0)
        })
        .expect("one current assessment");
    assert_eq!(current, "not_reasonable");
    let draft: (i64, String) = conn
        .query_row(
            "SELECT assessment_id, review FROM draft_answers",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("the saved answer");
    assert_eq!(draft, (8, "first".to_string()));
    let broken: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |row| {
            row.get(0)
        })
        .expect("foreign key check");
    assert_eq!(broken, 0);
}

#[test]
fn schema_5_takes_a_second_review_and_the_not_required_verdict() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("grounds.db");
    schema_4_workspace(&path);
    drop(Store::open(&path).expect("upgrade"));
    let conn = Connection::open(&path).expect("raw open");
    conn.pragma_update(None, "foreign_keys", "ON")
        .expect("keys on");
    conn.execute_batch(
        "INSERT INTO draw_champions VALUES (1, 2, 'PC B', NULL, NULL, 9, 0, 0);
         INSERT INTO second_reviews VALUES (1, 'r1', 'PC B', 1);
         INSERT INTO assessments (draw_id, record_id, review, version, grounds, bwv, gowisely, conduct, themes,
                                  referral, notes, reviewer, reviewed_on, recorded_at, recorded_by, source)
             VALUES (1, 'r1', 'second', 1, 'not_required', 'reviewed', 'yes', 'good', '[]', 'none', '',
                     'PC B', '2019-02-05', 't', 'me', 'record');",
    )
    .expect("a second review at version 1 beside the first review's versions");
    let current: i64 = conn
        .query_row("SELECT count(*) FROM current_assessments", [], |row| {
            row.get(0)
        })
        .expect("count");
    assert_eq!(current, 2, "one current version per review");
    let unknown = conn.execute(
        "INSERT INTO second_reviews VALUES (1, 'no-such-record', 'PC B', 2)",
        [],
    );
    assert!(
        unknown.is_err(),
        "a second review of a search never dealt is refused"
    );
}
