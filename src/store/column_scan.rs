//! A statement stepped, and its columns read, through SQLite's C interface.
//!
//! rusqlite reads a column with four calls into SQLite (the column count,
//! the value's type, the text, its length). A five-year report reads 1.4
//! million columns, and those calls were a fifth of its reading thread
//! (callgrind: 1.23 G instructions for the whole report, 0.13 G fewer
//! this way). Here a text takes two calls and an integer two.
//!
//! This is the one module of grounds with `unsafe` code. What keeps it sound:
//! - the statement is prepared on, and borrows, a live connection, and is
//!   finalized exactly once, when dropped;
//! - a column's bytes are borrowed from `&self`, and stepping takes
//!   `&mut self`, so no slice outlives the row SQLite wrote it for. SQLite
//!   also ends a text's life when the same column is asked for in another
//!   form (UTF-16, say): no `&self` method here asks for anything but a
//!   type, an integer, UTF-8 text and its length, none of which does that;
//!   keep it so;
//! - SQLite bounds-checks the column index itself (an index out of range
//!   reads as NULL and sets SQLITE_RANGE, refused here as a bad index);
//! - the raw pointers make the type neither `Send` nor `Sync`, as a
//!   connection must be used from one thread at a time.
#![allow(unsafe_code)]

use std::ffi::{c_int, CStr};
use std::marker::PhantomData;
use std::ptr::NonNull;

use rusqlite::ffi;
use rusqlite::types::Type;
use rusqlite::Connection;

/// A prepared statement being stepped.
pub(crate) struct ColumnScan<'conn> {
    db: NonNull<ffi::sqlite3>,
    statement: NonNull<ffi::sqlite3_stmt>,
    connection: PhantomData<&'conn Connection>,
}

impl<'conn> ColumnScan<'conn> {
    /// Prepares `sql` (one statement, without parameters) on `connection`;
    /// more SQL after the statement is refused, as rusqlite refuses it.
    pub(crate) fn prepare(connection: &'conn Connection, sql: &str) -> rusqlite::Result<Self> {
        // SAFETY: the handle is only used while `connection` is borrowed.
        let db = unsafe { connection.handle() };
        let db = NonNull::new(db).ok_or(rusqlite::Error::InvalidQuery)?;
        let (statement, used) = prepare_first(db, sql)?;
        // Blank or comment-only SQL prepares to no statement.
        let statement = statement.ok_or(rusqlite::Error::InvalidQuery)?;
        // Made now, so that a refusal below finalizes the statement.
        let scan = Self {
            db,
            statement,
            connection: PhantomData,
        };
        let rest = sql.get(used..).unwrap_or_default();
        if !rest.trim().is_empty() {
            if let (Some(second), _) = prepare_first(db, rest)? {
                // SAFETY: prepared just now and never used.
                unsafe { ffi::sqlite3_finalize(second.as_ptr()) };
                return Err(rusqlite::Error::MultipleStatement);
            }
        }
        Ok(scan)
    }

    /// Moves to the next row: `false` when there is none.
    pub(crate) fn step(&mut self) -> rusqlite::Result<bool> {
        // SAFETY: the statement is live until `drop`.
        match unsafe { ffi::sqlite3_step(self.statement.as_ptr()) } {
            ffi::SQLITE_ROW => Ok(true),
            ffi::SQLITE_DONE => Ok(false),
            code => Err(error(self.db, code)),
        }
    }

    /// The current row's integer column `column`; any other type (a
    /// hand-edited workspace) is an error, as rusqlite's would be.
    pub(crate) fn integer(&self, column: usize) -> rusqlite::Result<i64> {
        let index = column_index(column)?;
        // SAFETY: the statement is live and on a row; SQLite checks the index.
        let kind = unsafe { ffi::sqlite3_column_type(self.statement.as_ptr(), index) };
        if kind != ffi::SQLITE_INTEGER {
            return Err(rusqlite::Error::InvalidColumnType(
                column,
                self.column_name(index),
                value_type(kind),
            ));
        }
        // SAFETY: as above.
        Ok(unsafe { ffi::sqlite3_column_int64(self.statement.as_ptr(), index) })
    }

    /// The current row's text column `column` (UTF-8 unchecked; a BLOB as
    /// its bytes); NULL is an error. An INTEGER or REAL would come back as
    /// its text, where rusqlite refuses it: a TEXT column cannot hold one
    /// (its affinity stores numbers as text), so only a hand-altered schema
    /// could tell the difference.
    pub(crate) fn text(&self, column: usize) -> rusqlite::Result<&[u8]> {
        let index = column_index(column)?;
        let statement = self.statement.as_ptr();
        // SAFETY: the statement is live and on a row; SQLite checks the index.
        // The text stays valid until the next step or finalize, both of
        // which need `&mut self` while the returned slice borrows `self`.
        // Its length must be asked after the text (SQLite's documented
        // order: asking the text may convert the value).
        let text = unsafe { ffi::sqlite3_column_text(statement, index) };
        if text.is_null() {
            // NULL, an index out of range (or no current row), or out of
            // memory: SQLite's error code, asked at once, tells which.
            // SAFETY: as above.
            let code = unsafe { ffi::sqlite3_errcode(self.db.as_ptr()) };
            if code == ffi::SQLITE_NOMEM {
                return Err(error(self.db, code));
            }
            if code == ffi::SQLITE_RANGE {
                return Err(rusqlite::Error::InvalidColumnIndex(column));
            }
            return Err(rusqlite::Error::InvalidColumnType(
                column,
                self.column_name(index),
                Type::Null,
            ));
        }
        // SAFETY: as above.
        let length = unsafe { ffi::sqlite3_column_bytes(statement, index) };
        let length = usize::try_from(length).unwrap_or(0);
        // SAFETY: SQLite gives `length` bytes at `text`, valid as said above.
        Ok(unsafe { std::slice::from_raw_parts(text, length) })
    }

    fn column_name(&self, index: c_int) -> String {
        // SAFETY: the statement is live; the name, if any, is a NUL-terminated
        // string SQLite keeps until the statement is finalized.
        unsafe {
            let name = ffi::sqlite3_column_name(self.statement.as_ptr(), index);
            if name.is_null() {
                String::new()
            } else {
                CStr::from_ptr(name).to_string_lossy().into_owned()
            }
        }
    }
}

impl Drop for ColumnScan<'_> {
    fn drop(&mut self) {
        // SAFETY: finalized once, here; nothing borrows the statement now.
        unsafe {
            ffi::sqlite3_finalize(self.statement.as_ptr());
        }
    }
}

/// Prepares the first statement of `sql`: the statement (`None` for
/// whitespace and comments only) and how many bytes of `sql` it took. The
/// caller finalizes the statement.
fn prepare_first(
    db: NonNull<ffi::sqlite3>,
    sql: &str,
) -> rusqlite::Result<(Option<NonNull<ffi::sqlite3_stmt>>, usize)> {
    let length = c_int::try_from(sql.len()).map_err(|_| rusqlite::Error::InvalidQuery)?;
    let mut statement = std::ptr::null_mut();
    let mut tail: *const std::ffi::c_char = std::ptr::null();
    // SAFETY: `sql` is valid for `length` bytes (no NUL needed when the
    // length is given); SQLite writes `statement`, and `tail` as a pointer
    // into `sql` or just past its end.
    let code = unsafe {
        ffi::sqlite3_prepare_v2(
            db.as_ptr(),
            sql.as_ptr().cast(),
            length,
            &mut statement,
            &mut tail,
        )
    };
    if code != ffi::SQLITE_OK {
        return Err(error(db, code));
    }
    let used = if tail.is_null() {
        sql.len()
    } else {
        (tail as usize).saturating_sub(sql.as_ptr() as usize)
    };
    Ok((NonNull::new(statement), used))
}

fn column_index(column: usize) -> rusqlite::Result<c_int> {
    c_int::try_from(column).map_err(|_| rusqlite::Error::InvalidColumnIndex(column))
}

fn value_type(kind: c_int) -> Type {
    match kind {
        ffi::SQLITE_INTEGER => Type::Integer,
        ffi::SQLITE_FLOAT => Type::Real,
        ffi::SQLITE_TEXT => Type::Text,
        ffi::SQLITE_BLOB => Type::Blob,
        _ => Type::Null,
    }
}

/// SQLite's error for `code`, with the connection's message when it is
/// about this error (a misuse, say, sets none), else SQLite's text for the
/// code: as rusqlite words its errors.
fn error(db: NonNull<ffi::sqlite3>, code: c_int) -> rusqlite::Error {
    // SAFETY: the connection is live; both messages are NUL-terminated
    // strings valid until the next call on it, and are copied at once.
    let message = unsafe {
        let message = if ffi::sqlite3_errcode(db.as_ptr()) == code {
            ffi::sqlite3_errmsg(db.as_ptr())
        } else {
            ffi::sqlite3_errstr(code)
        };
        (!message.is_null()).then(|| CStr::from_ptr(message).to_string_lossy().into_owned())
    };
    rusqlite::Error::SqliteFailure(ffi::Error::new(code), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connection() -> Connection {
        let connection = Connection::open_in_memory().unwrap();
        connection
            .execute_batch(
                "CREATE TABLE t (n INTEGER, s TEXT);
                 INSERT INTO t VALUES (1, 'one'), (2, ''), (-3, 'três'), (4, NULL), ('x', 'five');",
            )
            .unwrap();
        connection
    }

    #[test]
    fn rows_read_as_rusqlite_reads_them() {
        let connection = connection();
        let mut scan =
            ColumnScan::prepare(&connection, "SELECT n, s FROM t WHERE rowid <= 3").unwrap();
        let mut rows = Vec::new();
        while scan.step().unwrap() {
            rows.push((scan.integer(0).unwrap(), scan.text(1).unwrap().to_vec()));
        }
        assert_eq!(
            rows,
            [
                (1, b"one".to_vec()),
                (2, b"".to_vec()),
                (-3, "três".as_bytes().to_vec())
            ]
        );
    }

    #[test]
    fn null_text_and_text_integer_are_errors_naming_the_column() {
        let connection = connection();
        let mut scan =
            ColumnScan::prepare(&connection, "SELECT n, s FROM t WHERE rowid >= 4").unwrap();
        assert!(scan.step().unwrap());
        assert!(matches!(
            scan.text(1),
            Err(rusqlite::Error::InvalidColumnType(1, ref name, Type::Null)) if name == "s"
        ));
        assert!(scan.step().unwrap());
        assert!(matches!(
            scan.integer(0),
            Err(rusqlite::Error::InvalidColumnType(0, ref name, Type::Text)) if name == "n"
        ));
        // A column past the last is refused as such, not read.
        assert!(matches!(
            scan.text(7),
            Err(rusqlite::Error::InvalidColumnIndex(7))
        ));
    }

    #[test]
    fn bad_sql_is_sqlites_error_with_its_message() {
        let connection = connection();
        let err = ColumnScan::prepare(&connection, "SELECT nope FROM t")
            .err()
            .unwrap();
        assert!(err.to_string().contains("no such column: nope"), "{err}");
        assert!(ColumnScan::prepare(&connection, "  -- nothing").is_err());
        assert!(matches!(
            ColumnScan::prepare(&connection, "SELECT n FROM t; DELETE FROM t").err(),
            Some(rusqlite::Error::MultipleStatement)
        ));
        // A trailing semicolon, space or comment is no second statement.
        let mut scan = ColumnScan::prepare(&connection, "SELECT n FROM t;  -- all\n").unwrap();
        assert!(scan.step().unwrap());
        let rows: i64 = connection
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 5, "nothing deleted");
    }
}
