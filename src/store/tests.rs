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
