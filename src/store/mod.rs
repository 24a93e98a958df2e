//! The workspace: one SQLite file holding draws, snapshots of sampled
//! records, assessments and their history. All SQL of the project lives in
//! this module.
//!
//! Every command works in one transaction (`BEGIN IMMEDIATE`, so two writers
//! queue on the busy timeout instead of failing mid-way): a command that
//! fails changes nothing. WAL mode with `synchronous=FULL` makes a committed
//! command survive a power cut. Nothing is deleted by a normal command.

mod assessments;
mod column_scan;
mod draws;
mod extensions;
mod report_data;
mod schema;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

pub use crate::assess::targets::{AssessmentVersion, DrawTargets, Review, Target, TargetState};
pub use assessments::{
    ChampionProgress, Provenance, QueueEntry, ReviewPair, SearchDetails, SecondReviewProgress,
    Substitution, SubstitutionError, SubstitutionRecord,
};
pub use draws::{DrawActivity, DrawSummary, NewDraw, Redraw, SnapshotRecord};
pub use extensions::DrawExtension;
pub use report_data::{
    AssessedSearch, DrawRecord, DrawStrata, MonthPopulation, Period, RecordStrata, ReplacedDraw,
    ReportRows, StoredManifest,
};

/// How much of a workspace a read-only connection maps into memory.
const READ_ONLY_MMAP: i64 = 1 << 30;

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
    #[error(
        "{path}: upgrading the workspace from schema {from} failed: {reason}; nothing was changed"
    )]
    Migration {
        path: PathBuf,
        from: i64,
        reason: String,
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
    #[error("{0} is not a grounds workspace: the file is empty; only `grounds sample` creates a workspace (delete the empty file, or give the right --db)")]
    Empty(PathBuf),
    #[error("{path} is not a grounds workspace: {reason}")]
    NotAWorkspace { path: PathBuf, reason: String },
    #[error(
        "cannot write the workspace {path}: {why}. `report`, `status` and `history` can still read it; \
         to record, import or draw, copy the workspace somewhere writable or ask for write access"
    )]
    ReadOnly { path: PathBuf, why: String },
    #[error("cannot open the workspace {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{path} was made by an older grounds (schema {found} of {known}) and is read-only here: open it once where it can be written (any command but report, status or history upgrades it)")]
    ReadOnlyNeedsUpgrade {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("{month} was drawn by another command while this one ran ({}); nothing was written: run the command again to see the month as it is now", found.as_deref().unwrap_or("its draw is gone"))]
    DrawnMeanwhile {
        month: String,
        found: Option<String>,
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
    /// Opens a workspace, creating it if it does not exist. Only `sample`
    /// creates workspaces: every other command uses [`Store::open`], so a
    /// typo in --db cannot leave an empty workspace behind.
    pub fn open_or_create(path: &Path) -> Result<Self> {
        let conn = Connection::open(path).map_err(|source| open_error(path, source))?;
        Self::prepare(conn, path, true)
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
        let conn =
            Connection::open_with_flags(path, flags).map_err(|source| open_error(path, source))?;
        Self::prepare(conn, path, false)
    }

    /// Opens an existing workspace for reading only (report, status,
    /// history): it works on a read-only mount or a copy a panel was sent,
    /// and cannot change anything by mistake.
    pub fn open_read_only(path: &Path) -> Result<Self> {
        if !path.exists() {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = match Self::try_read_only(path, flags) {
            Ok(conn) => conn,
            // A WAL database on a read-only mount cannot create its -shm
            // file; nobody can write there either, so immutable is true.
            Err(_) => {
                let uri = format!("file:{}?immutable=1", uri_path(path));
                Self::try_read_only(Path::new(&uri), flags)
                    .map_err(|source| open_error(path, source))?
            }
        };
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|source| open_error(path, source))?;
        let known = schema::MIGRATIONS.len() as i64;
        match check_version(&conn, path)? {
            Version::Current => {}
            Version::Empty => return Err(empty_workspace(path)),
            Version::Older(found) => {
                return Err(StoreError::ReadOnlyNeedsUpgrade {
                    path: path.to_path_buf(),
                    found,
                    known,
                })
            }
        }
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    fn try_read_only(path: &Path, flags: OpenFlags) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(path, flags)?;
        // Opening is lazy: read something so a file that cannot be read fails here.
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
        // Readers scan whole tables (a report reads every search): mapped
        // pages are read in place, not copied in a system call each. Only
        // a file truncated under a reader could fault it, and nothing
        // grounds does shrinks a workspace (no VACUUM).
        conn.pragma_update(None, "mmap_size", READ_ONLY_MMAP)?;
        Ok(conn)
    }

    fn prepare(mut conn: Connection, path: &Path, may_create: bool) -> Result<Self> {
        let version = check_version(&conn, path)?;
        if version == Version::Empty && !may_create {
            return Err(empty_workspace(path));
        }
        let setup = |conn: &mut Connection| -> rusqlite::Result<()> {
            conn.busy_timeout(BUSY_TIMEOUT)?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "FULL")?;
            conn.pragma_update(None, "foreign_keys", "ON")
        };
        setup(&mut conn).map_err(|source| open_error(path, source))?;
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

/// What `PRAGMA user_version` and the tables say about a database file.
#[derive(Debug, PartialEq, Eq)]
enum Version {
    /// No tables at all: a new (or 0-byte) file.
    Empty,
    /// A grounds workspace this version knows, short of `MIGRATIONS.len()`.
    Older(i64),
    Current,
}

/// Reads and checks the schema version without changing anything: a
/// foreign database, a negative or a newer version is an error naming the
/// file, never a panic or a silent re-initialisation.
fn check_version(conn: &Connection, path: &Path) -> Result<Version> {
    let known = schema::MIGRATIONS.len() as i64;
    let read = || -> rusqlite::Result<(i64, i64, bool)> {
        let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        let tables: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))?;
        let has_draws: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'draws'",
            [],
            |row| row.get(0),
        )?;
        Ok((version, tables, has_draws == 1))
    };
    let (version, tables, has_draws) = read().map_err(|source| match source {
        rusqlite::Error::SqliteFailure(ref e, _) if e.code == rusqlite::ErrorCode::NotADatabase => {
            StoreError::NotAWorkspace {
                path: path.to_path_buf(),
                reason: "it is not an SQLite database".to_string(),
            }
        }
        source => open_error(path, source),
    })?;
    if version > known {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found: version,
            known,
        });
    }
    if version < 0 {
        return Err(StoreError::NotAWorkspace {
            path: path.to_path_buf(),
            reason: format!("its schema version {version} is not one grounds ever wrote"),
        });
    }
    match (version, tables) {
        (0, 0) => Ok(Version::Empty),
        (0, _) => Err(StoreError::NotAWorkspace {
            path: path.to_path_buf(),
            reason: "it is an SQLite database of another program".to_string(),
        }),
        (_, _) if !has_draws => Err(StoreError::NotAWorkspace {
            path: path.to_path_buf(),
            reason: format!("it says schema {version} but has no draws table"),
        }),
        (v, _) if v == known => Ok(Version::Current),
        (v, _) => Ok(Version::Older(v)),
    }
}

fn empty_workspace(path: &Path) -> StoreError {
    StoreError::Empty(path.to_path_buf())
}

fn open_error(path: &Path, source: rusqlite::Error) -> StoreError {
    if let Some(why) = cannot_write(path) {
        return StoreError::ReadOnly {
            path: path.to_path_buf(),
            why,
        };
    }
    StoreError::Open {
        path: path.to_path_buf(),
        source,
    }
}

/// Why an existing workspace cannot be written, if that is the trouble:
/// SQLite says only "unable to open database file". A WAL workspace also
/// needs its folder writable, for the -wal and -shm files.
fn cannot_write(path: &Path) -> Option<String> {
    use std::io::ErrorKind;
    let explain = |err: std::io::Error, what: &str| match err.kind() {
        ErrorKind::ReadOnlyFilesystem => Some(format!("{what} is on a read-only file system")),
        ErrorKind::PermissionDenied => Some(format!("{what} is not writable by this user")),
        _ => None,
    };
    if !path.is_file() {
        return None;
    }
    if let Err(err) = std::fs::OpenOptions::new().append(true).open(path) {
        return explain(err, "the file");
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let probe = folder.join(format!(".grounds-write-check-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            None
        }
        Err(err) => explain(err, "its folder"),
    }
}

/// A path for an SQLite `file:` URI: `%`, `?` and `#` would otherwise end it.
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let known = schema::MIGRATIONS.len() as i64;
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version == known {
        return Ok(());
    }
    // A migration may rebuild a table that others refer to, which SQLite
    // allows only with foreign keys off; the pragma cannot change inside a
    // transaction, so it is turned off around it and every key is checked
    // before the commit (SQLite's documented way to change a table).
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let migrated = apply_migrations(conn, path, known);
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrated
}

fn apply_migrations(conn: &mut Connection, path: &Path, known: i64) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Another process may have migrated while this one waited for the lock.
    let version: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if !(0..=known).contains(&version) {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found: version,
            known,
        });
    }
    for migration in &schema::MIGRATIONS[version as usize..] {
        tx.execute_batch(migration)?;
    }
    let broken: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |row| {
        row.get(0)
    })?;
    if broken > 0 {
        return Err(StoreError::Migration {
            path: path.to_path_buf(),
            from: version,
            reason: format!("{broken} row(s) would refer to rows that no longer exist"),
        });
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

/// Who is running the command, for the record of who did what: the
/// environment first (GROUNDS_USER lets a shared account name the person),
/// then the operating system's account name, so an unset $USER (cron,
/// containers) does not record "unknown".
pub fn current_user() -> String {
    ["GROUNDS_USER", "USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
        .or_else(os_account_name)
        .unwrap_or_else(|| "unknown".to_string())
}

/// The account name of this process's user from the password database
/// (`getent passwd UID`), without unsafe code or a libc call.
fn os_account_name() -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let uid = std::fs::metadata("/proc/self").ok()?.uid();
        let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
        passwd.lines().find_map(|line| {
            let mut fields = line.split(':');
            let name = fields.next()?;
            let id = fields.nth(1)?.parse::<u32>().ok()?;
            (id == uid && !name.is_empty()).then(|| name.to_string())
        })
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Now, UTC, RFC 3339 to the second.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests;
