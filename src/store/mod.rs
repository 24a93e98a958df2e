//! The workspace: one SQLite file holding draws, snapshots of sampled
//! records, assessments and their history. All SQL of the project lives in
//! this module.
//!
//! Every command works in one transaction (`BEGIN IMMEDIATE`, so two writers
//! queue on the busy timeout instead of failing mid-way): a command that
//! fails changes nothing. WAL mode with `synchronous=FULL` makes a committed
//! command survive a power cut. Nothing is deleted by a normal command.

mod assessments;
mod draws;
mod report_data;
mod schema;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

pub use crate::assess::targets::{AssessmentVersion, DrawTargets, Target, TargetState};
pub use assessments::{
    ChampionProgress, Provenance, QueueEntry, SearchDetails, Substitution, SubstitutionError,
    SubstitutionRecord,
};
pub use draws::{DrawActivity, DrawSummary, NewDraw, Redraw, SnapshotRecord};
pub use report_data::{AssessedSearch, DrawRecord, MonthPopulation, Period, ReplacedDraw};

/// How long a command waits for another process's transaction to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no workspace at {0}: run `grounds sample` first, or give the workspace with --db")]
    Missing(PathBuf),
    #[error("{path} was made by a newer grounds (schema {found}, this one knows {known}); upgrade grounds")]
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("{month} was already drawn on {created_at} (seed {seed}); give --redraw to replace that draw (it is kept as history)")]
    AlreadyDrawn {
        month: String,
        created_at: String,
        seed: String,
    },
    #[error("{month}'s draw already has {} assessment(s), {} substitution(s) and {} saved answer(s): a redraw would leave them with the old draw, out of every report and status. If the draw really must be replaced (the wrong export was used), give --redraw --abandon-assessments; they stay in the workspace as history.", activity.assessments, activity.substitutions, activity.draft_answers)]
    RedrawWouldAbandon {
        month: String,
        activity: DrawActivity,
    },
    #[error("workspace database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("workspace data: {0}")]
    Json(#[from] serde_json::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open workspace.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens a workspace, creating it if it does not exist.
    pub fn open_or_create(path: &Path) -> Result<Self> {
        let conn = Connection::open(path)?;
        Self::prepare(conn, path)
    }

    /// Opens an existing workspace; a missing file is an error, not a new
    /// empty workspace (a typo in --db must not look like "no assessments").
    pub fn open(path: &Path) -> Result<Self> {
        if !path.exists() {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags)?;
        Self::prepare(conn, path)
    }

    fn prepare(mut conn: Connection, path: &Path) -> Result<Self> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrate(&mut conn, path)?;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Starts the command's one write transaction.
    pub fn begin(&mut self) -> Result<Tx<'_>> {
        Ok(Tx {
            tx: self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?,
        })
    }

    /// Starts a read-only transaction: a consistent view for reports.
    pub fn read(&mut self) -> Result<Tx<'_>> {
        Ok(Tx {
            tx: self
                .conn
                .transaction_with_behavior(TransactionBehavior::Deferred)?,
        })
    }

    /// `PRAGMA integrity_check` and `foreign_key_check` both clean.
    pub fn check_integrity(&self) -> Result<Vec<String>> {
        let mut problems: Vec<String> = self
            .conn
            .prepare("PRAGMA integrity_check")?
            .query_map([], |row| row.get::<_, String>(0))?
            .collect::<rusqlite::Result<_>>()?;
        problems.retain(|p| p != "ok");
        let mut statement = self.conn.prepare("PRAGMA foreign_key_check")?;
        let foreign: Vec<String> = statement
            .query_map([], |row| {
                Ok(format!(
                    "foreign key violation in {}",
                    row.get::<_, String>(0)?
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        problems.extend(foreign);
        Ok(problems)
    }
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let known = schema::MIGRATIONS.len() as i64;
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version > known {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found: version,
            known,
        });
    }
    if version == known {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Another process may have migrated while this one waited for the lock.
    let version: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
    for migration in &schema::MIGRATIONS[version as usize..] {
        tx.execute_batch(migration)?;
    }
    tx.pragma_update(None, "user_version", known)?;
    tx.commit()?;
    Ok(())
}

/// A transaction on the workspace. Dropped without `commit`, it rolls back.
pub struct Tx<'a> {
    tx: rusqlite::Transaction<'a>,
}

impl Tx<'_> {
    pub fn commit(self) -> Result<()> {
        self.tx.commit()?;
        Ok(())
    }

    /// A workspace-wide setting (e.g. `simulated`).
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .tx
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| {
                row.get(0)
            })
            .optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }
}

/// Who is running the command, for the record of who did what.
pub fn current_user() -> String {
    ["GROUNDS_USER", "USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "unknown".to_string())
}

/// Now, UTC, RFC 3339 to the second.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
