//! Errors from reading exports: each names the file and, where there is one,
//! the line and column, so a coordinator can open the file and see the problem.

use std::fmt;

/// Where in an export a problem is: file, line, and column (1-based, with its
/// header name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: u64,
    pub column: Option<(usize, String)>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, line {}", self.file, self.line)?;
        if let Some((index, name)) = &self.column {
            write!(f, ", column {index} ({name})")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{file}: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },

    #[error("{file} is {kind}, not a saved file: grounds reads an export more than once (to draw, then to read the drawn rows back or verify them), so save it to a file and give that")]
    NotAFile { file: String, kind: &'static str },

    #[error("{at}: the header names column {name:?} twice (also column {first}); give every column its own name")]
    DuplicateColumn {
        at: Location,
        name: String,
        first: usize,
    },

    #[error("{at}: the row has a NUL byte (0x00), which no CSV export has; the file is damaged or not a CSV file")]
    NulByte { at: Location },

    #[error("{file}: the file is empty (no header line); an export needs a header and rows")]
    Empty { file: String },

    #[error("{file}: the header is one column containing '{delimiter}': the file looks {delimiter_name}-separated, but grounds reads comma-separated CSV. Save or export it as CSV with commas.")]
    WrongDelimiter {
        file: String,
        delimiter: char,
        delimiter_name: &'static str,
    },

    #[error("{file}: no column named {missing}. {hint} Columns found: {found}")]
    MissingColumns {
        file: String,
        missing: String,
        found: String,
        hint: &'static str,
    },

    #[error("{file}: its header differs from {first}'s; all exports read together must have the same columns in the same order")]
    HeaderMismatch { file: String, first: String },

    #[error("{file}: {message}")]
    Mapping { file: String, message: String },

    #[error("{at}: {message}")]
    Malformed { at: Location, message: String },

    #[error("{at}: the bytes are not valid UTF-8; save the export as UTF-8 (CSV UTF-8 in Excel's Save As)")]
    InvalidUtf8 { at: Location },

    #[error("{at}: {value:?} is not a date and time: expected ISO 8601 such as 2019-01-04T21:13:00+00:00{hint}")]
    BadDate {
        at: Location,
        value: String,
        hint: String,
    },

    #[error("{at}: {value:?} {reason}")]
    BadValue {
        at: Location,
        value: String,
        reason: String,
    },

    #[error("{at}: the record id is empty; every row needs an id in the id column")]
    EmptyId { at: Location },

    #[error("{at}: record id {id:?} appears twice (first at {first}); ids in the id column must be unique")]
    DuplicateId {
        at: Location,
        id: String,
        first: Box<Location>,
    },

    #[error(
        "{file} is the same file as {other} (identical SHA-256 {sha256}); give each export once"
    )]
    DuplicateFile {
        file: String,
        other: String,
        sha256: String,
    },
}
