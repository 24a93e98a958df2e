//! Streaming an export: every row is checked (fields, UTF-8, date; rows of
//! the month also for the values a spreadsheet damages), and of the month's
//! rows only what the draw needs is kept: the record id, where the row is,
//! and the officer and area when mapped. The few rows drawn are read again
//! from their offsets afterwards (`read_back.rs`). Memory follows the
//! month's row count, not the input's size, and files are read in
//! parallel, one per core.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use chrono_tz::Tz;

use super::error::{ExportError, Location};
use super::mapping::{ColumnMapping, ResolvedColumns};
use super::month::{month_of, parse_iso, parse_with_format, MonthWindow, Stamp, YearMonth};
use super::records::{Fields, RecordReader};
use super::validate::check_police_uk_row;
use crate::ethnicity::Scheme;
use crate::hashing::{hex, record_content_digest, record_id_from_digest};

/// One input file as the manifest records it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InputSummary {
    /// The file name (without its folder: folders differ between machines).
    pub file: String,
    pub sha256: String,
    /// Data rows, header excluded.
    pub rows: u64,
}

/// A record of the requested month: what the draw needs, and where to read
/// the rest. Kept small: a large force's month has hundreds of thousands.
#[derive(Debug, Clone)]
pub struct MonthRecord {
    pub record_id: String,
    /// Index into [`MonthScan::inputs`].
    pub input: usize,
    /// 1-based line where the record starts.
    pub line: u64,
    /// Byte offset of the record in its file (see [`read_back`]).
    pub offset: u64,
    /// Officer and area values, when those columns are mapped.
    pools: Option<Box<Pools>>,
    /// [`MINORITY`] and [`NO_SUSPICION`]: a byte, not the strings, since
    /// the draw needs only these two facts about ethnicity and legislation.
    flags: u8,
}

const MINORITY: u8 = 1;
const NO_SUSPICION: u8 = 2;

/// Whether an officer-defined ethnicity is on the minority side of the
/// stratified draw (`hash-rank-v2`): Black, Asian, Mixed or Other, trimmed,
/// any case. Exactly these four words, nothing looser, so that anyone can
/// recompute the strata with `grep -i`.
pub fn is_minority_officer_defined(value: &str) -> bool {
    let value = value.trim();
    ["Black", "Asian", "Mixed", "Other"]
        .iter()
        .any(|group| value.eq_ignore_ascii_case(group))
}

/// The trimmed officer and area values of a record.
#[derive(Debug, Clone, Default)]
struct Pools {
    officer: Option<String>,
    area: Option<String>,
}

impl MonthRecord {
    /// The officer column's trimmed value, when one is mapped.
    pub fn officer(&self) -> Option<&str> {
        self.pools.as_ref().and_then(|p| p.officer.as_deref())
    }

    /// The area column's trimmed value, when one is mapped.
    pub fn area(&self) -> Option<&str> {
        self.pools.as_ref().and_then(|p| p.area.as_deref())
    }

    /// The officer-defined ethnicity is Black, Asian, Mixed or Other (false
    /// when no officer-defined column is mapped).
    pub fn minority(&self) -> bool {
        self.flags & MINORITY != 0
    }

    /// The legislation is a power needing no reasonable grounds (false when
    /// no legislation column is mapped).
    pub fn no_suspicion(&self) -> bool {
        self.flags & NO_SUSPICION != 0
    }
}

/// The month's searches with one raw ethnicity value (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EthnicityCount {
    /// `officer` or `self`.
    pub scheme: &'static str,
    pub value: String,
    pub searches: u64,
}

/// What a scan found: the inputs, the shared header, and the month's records
/// in input order.
#[derive(Debug, Clone)]
pub struct MonthScan {
    pub inputs: Vec<InputSummary>,
    pub header: Vec<String>,
    pub columns: ResolvedColumns,
    pub records: Vec<MonthRecord>,
    /// The month's searches by ethnicity value, both schemes (when mapped).
    pub population: Vec<EthnicityCount>,
    /// The first and last local month with any row, for messages.
    pub covered: Option<(YearMonth, YearMonth)>,
}

/// Reads the exports and keeps the records of `window`'s month.
///
/// `progress` is called with the number of bytes read since its last call,
/// from whichever thread read them.
pub fn scan_month(
    paths: &[PathBuf],
    mapping: &ColumnMapping,
    window: MonthWindow,
    zone: Tz,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<MonthScan, ExportError> {
    reject_repeated_paths(paths)?;
    let scans = scan_files_in_parallel(paths, mapping, window, progress)?;
    merge(paths, scans, zone)
}

/// Refuses the same path given twice (cheap: before any file is read).
pub fn reject_repeated_paths(paths: &[PathBuf]) -> Result<(), ExportError> {
    let mut seen: HashMap<PathBuf, &Path> = HashMap::new();
    for path in paths {
        let canonical = path.canonicalize().map_err(|source| ExportError::Io {
            file: path.display().to_string(),
            source,
        })?;
        if let Some(other) = seen.insert(canonical, path) {
            return Err(ExportError::DuplicateFile {
                file: path.display().to_string(),
                other: other.display().to_string(),
                sha256: "(same path)".into(),
            });
        }
    }
    Ok(())
}

fn scan_files_in_parallel(
    paths: &[PathBuf],
    mapping: &ColumnMapping,
    window: MonthWindow,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<FileScan>, ExportError> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(paths.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<FileScan, ExportError>>>> =
        Mutex::new((0..paths.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = paths.get(index) else { break };
                let scan = scan_file(path, mapping, window, progress);
                let failed = scan.is_err();
                results.lock().unwrap_or_else(|e| e.into_inner())[index] = Some(scan);
                if failed {
                    // Later files are not worth reading; earlier ones finish so the
                    // first error in input order is the one reported.
                    next.store(paths.len(), Ordering::Relaxed);
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut scans = Vec::with_capacity(paths.len());
    for result in results {
        match result {
            Some(scan) => scans.push(scan?),
            None => break,
        }
    }
    Ok(scans)
}

#[derive(Debug)]
struct FileScan {
    summary: InputSummary,
    header: Vec<String>,
    columns: ResolvedColumns,
    /// The month's rows; without an id column their ids are set in
    /// [`merge`], once occurrences across all inputs are known.
    rows: Vec<MonthRecord>,
    /// Content digests of the rows, aligned with `rows` (no id column only).
    digests: Vec<[u8; 32]>,
    population: [HashMap<String, u64>; 2],
    earliest: Option<Stamp>,
    latest: Option<Stamp>,
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn scan_file(
    path: &Path,
    mapping: &ColumnMapping,
    window: MonthWindow,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<FileScan, ExportError> {
    let display = path.display().to_string();
    let io_error = |source| ExportError::Io {
        file: display.clone(),
        source,
    };
    let file = File::open(path).map_err(io_error)?;
    let mut reader = RecordReader::new(file, progress);

    let header = match reader.next_record().map_err(io_error)? {
        Some((_, mut fields)) => read_header(&mut fields, &display)?,
        None => return Err(ExportError::Empty { file: display }),
    };
    let columns = resolve_columns(mapping, &header, &display)?;

    let at = |line: u64, column: Option<usize>| Location {
        file: display.clone(),
        line,
        column: column.map(|index| (index + 1, header.get(index).cloned().unwrap_or_default())),
    };

    let mut rows = Vec::new();
    let mut digests = Vec::new();
    // Counts per ethnicity value, one map per scheme (in `Scheme::ALL` order).
    let mut population: [HashMap<String, u64>; 2] = Default::default();
    let ethnicity_columns = Scheme::ALL.map(|scheme| match scheme {
        Scheme::Officer => columns.officer_defined_ethnicity,
        Scheme::SelfDefined => columns.self_defined_ethnicity,
    });
    let no_suspicion = mapping.no_suspicion();
    let mut data_rows = 0u64;
    let (mut earliest, mut latest): (Option<Stamp>, Option<Stamp>) = (None, None);
    while let Some((line, mut record)) = reader.next_record().map_err(io_error)? {
        data_rows += 1;
        check_shape(&mut record, header.len()).map_err(|(column, err)| err(at(line, column)))?;
        let stamp = row_date(&record, &columns, mapping)
            .map_err(|err| err(at(line, Some(columns.date))))?;
        extend_range(&mut earliest, &mut latest, stamp);
        // Rows of other months are checked for their shape, encoding and
        // date only: they cannot change the draw, and a national export is
        // mostly other months.
        if !window.contains(stamp) {
            continue;
        }
        record.split();
        if mapping.is_police_uk() {
            if let Err((column, reason)) = check_police_uk_row(&record) {
                return Err(ExportError::BadValue {
                    at: at(line, Some(column)),
                    value: utf8_field(record.get(column).unwrap_or_default()).to_string(),
                    reason,
                });
            }
        }
        let record_id = match columns.id {
            Some(index) => {
                let id = utf8_field(record.get(index).unwrap_or_default()).trim();
                if id.is_empty() {
                    return Err(ExportError::EmptyId {
                        at: at(line, Some(index)),
                    });
                }
                id.to_string()
            }
            None => {
                digests.push(record_content_digest(record.iter()));
                String::new()
            }
        };
        let trimmed = |column: Option<usize>| {
            column.map(|index| {
                utf8_field(record.get(index).unwrap_or_default())
                    .trim()
                    .to_string()
            })
        };
        count_ethnicity(&mut population, ethnicity_columns, &record);
        let pools = (columns.officer.is_some() || columns.area.is_some()).then(|| {
            Box::new(Pools {
                officer: trimmed(columns.officer),
                area: trimmed(columns.area),
            })
        });
        let cell = |column: Option<usize>| {
            column.map(|index| utf8_field(record.get(index).unwrap_or_default()))
        };
        let mut flags = 0;
        if cell(columns.officer_defined_ethnicity).is_some_and(is_minority_officer_defined) {
            flags |= MINORITY;
        }
        if cell(columns.legislation).is_some_and(|text| no_suspicion.matches(text)) {
            flags |= NO_SUSPICION;
        }
        rows.push(MonthRecord {
            record_id,
            input: 0,
            line,
            offset: record.offset(),
            pools,
            flags,
        });
    }

    let (bytes, digest) = reader.finish().map_err(io_error)?;
    if bytes == 0 {
        return Err(ExportError::Empty { file: display });
    }
    Ok(FileScan {
        summary: InputSummary {
            file: file_name(path),
            sha256: hex(&digest),
            rows: data_rows,
        },
        header,
        columns,
        rows,
        digests,
        population,
        earliest,
        latest,
    })
}

/// The mapping's columns in this header, or which are missing.
fn resolve_columns(
    mapping: &ColumnMapping,
    header: &[String],
    display: &str,
) -> Result<ResolvedColumns, ExportError> {
    mapping.resolve(header).map_err(|missing| ExportError::MissingColumns {
        file: display.to_string(),
        missing: missing.iter().map(|m| format!("{m:?}")).collect::<Vec<_>>().join(", "),
        found: header.iter().map(|h| format!("{h:?}")).collect::<Vec<_>>().join(", "),
        hint: if mapping.is_police_uk() {
            "This is not a data.police.uk stop-and-search file; for a force export, describe its columns with --columns mapping.toml."
        } else {
            "Check the column names in the mapping file against the export's header."
        },
    })
}

/// An error still to be given its place in the file.
type Unplaced = Box<dyn FnOnce(Location) -> ExportError>;

/// Every row: as many fields as the header, and UTF-8 throughout. The
/// error comes with the column it is in, when there is one.
fn check_shape(
    record: &mut Fields<'_>,
    header_len: usize,
) -> Result<(), (Option<usize>, Unplaced)> {
    if record.len() != header_len {
        let found = record.len();
        return Err((
            None,
            Box::new(move |at| {
                ExportError::Malformed {
                at,
                message: format!(
                    "the row has {found} fields but the header has {header_len}; a value containing a comma must be in double quotes"
                ),
            }
            }),
        ));
    }
    if let Err(utf8) = std::str::from_utf8(record.bytes()) {
        return Err((
            Some(record.field_at(utf8.valid_up_to())),
            Box::new(|at| ExportError::InvalidUtf8 { at }),
        ));
    }
    Ok(())
}

/// The row's date, in the mapping's format (ISO 8601 by default).
fn row_date(
    record: &Fields<'_>,
    columns: &ResolvedColumns,
    mapping: &ColumnMapping,
) -> Result<Stamp, Unplaced> {
    let raw_date = record.get(columns.date).unwrap_or_default();
    let parsed = match &mapping.date_format {
        None => parse_iso(raw_date, mapping.naive_dates),
        Some(format) => parse_with_format(utf8_field(raw_date), format, mapping.naive_dates),
    };
    parsed.map_err(|_| -> Unplaced {
        let value = utf8_field(raw_date).to_string();
        let hint = match &mapping.date_format {
            Some(format) => format!(" or the mapping's format {format:?}"),
            None => " (a mapping file can give another format under [dates])".to_string(),
        };
        Box::new(move |at| ExportError::BadDate { at, value, hint })
    })
}

/// Counts the row's ethnicity values, one map per scheme (in `Scheme::ALL` order).
fn count_ethnicity(
    population: &mut [HashMap<String, u64>; 2],
    columns: [Option<usize>; 2],
    record: &Fields<'_>,
) {
    for (counts, column) in population.iter_mut().zip(columns) {
        if let Some(index) = column {
            // Look up by &str: a new String only for a value not seen yet.
            let value = utf8_field(record.get(index).unwrap_or_default()).trim();
            match counts.get_mut(value) {
                Some(count) => *count += 1,
                None => {
                    counts.insert(value.to_string(), 1);
                }
            }
        }
    }
}

fn read_header(fields: &mut Fields<'_>, display: &str) -> Result<Vec<String>, ExportError> {
    if fields.is_empty()
        || (fields.len() == 1 && fields.bytes().iter().all(u8::is_ascii_whitespace))
    {
        return Err(ExportError::Empty {
            file: display.to_string(),
        });
    }
    if let Err(utf8) = std::str::from_utf8(fields.bytes()) {
        let column = fields.field_at(utf8.valid_up_to());
        return Err(ExportError::InvalidUtf8 {
            at: Location {
                file: display.to_string(),
                line: 1,
                column: Some((column + 1, "the header".to_string())),
            },
        });
    }
    fields.split();
    let header: Vec<String> = fields.iter().map(|f| utf8_field(f).to_string()).collect();
    if header.len() == 1 {
        for (delimiter, delimiter_name) in [(';', "semicolon"), ('\t', "tab"), ('|', "pipe")] {
            if header[0].contains(delimiter) {
                return Err(ExportError::WrongDelimiter {
                    file: display.to_string(),
                    delimiter,
                    delimiter_name,
                });
            }
        }
    }
    Ok(header)
}

/// The record was checked as UTF-8 as a whole; a field of it is UTF-8 too.
pub(super) fn utf8_field(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
}

fn extend_range(earliest: &mut Option<Stamp>, latest: &mut Option<Stamp>, stamp: Stamp) {
    let before = |a: Stamp, b: Stamp| sort_key(a) < sort_key(b);
    if earliest.is_none_or(|e| before(stamp, e)) {
        *earliest = Some(stamp);
    }
    if latest.is_none_or(|l| before(l, stamp)) {
        *latest = Some(stamp);
    }
}

/// Orders stamps approximately (local dates as UTC midnight): only used to
/// say which months an export covers.
fn sort_key(stamp: Stamp) -> i64 {
    match stamp {
        Stamp::Instant(seconds) => seconds,
        Stamp::Local(date) => date
            .and_hms_opt(12, 0, 0)
            .map_or(0, |d| d.and_utc().timestamp()),
    }
}

fn merge(paths: &[PathBuf], scans: Vec<FileScan>, zone: Tz) -> Result<MonthScan, ExportError> {
    let mut inputs: Vec<InputSummary> = Vec::with_capacity(scans.len());
    // Exact sizes up front: no doubling of the month's rows while merging.
    let mut records: Vec<MonthRecord> =
        Vec::with_capacity(scans.iter().map(|s| s.rows.len()).sum());
    let mut digests: Vec<[u8; 32]> =
        Vec::with_capacity(scans.iter().map(|s| s.digests.len()).sum());
    // Where each id was first seen: (input, line), to name both in an error.
    let mut first_seen: HashMap<String, (usize, u64)> = HashMap::new();
    let mut population: HashMap<(&'static str, String), u64> = HashMap::new();
    let (mut earliest, mut latest) = (None, None);
    let first_header = scans.first().map(|s| s.header.clone()).unwrap_or_default();
    let columns = scans.first().map(|s| s.columns);
    for (input, scan) in scans.into_iter().enumerate() {
        let display = paths[input].display().to_string();
        if let Some(other) = inputs.iter().position(|i| i.sha256 == scan.summary.sha256) {
            return Err(ExportError::DuplicateFile {
                file: display,
                other: paths[other].display().to_string(),
                sha256: scan.summary.sha256,
            });
        }
        if scan.header != first_header {
            return Err(ExportError::HeaderMismatch {
                file: display,
                first: paths[0].display().to_string(),
            });
        }
        for stamp in [scan.earliest, scan.latest].into_iter().flatten() {
            extend_range(&mut earliest, &mut latest, stamp);
        }
        for (scheme, counts) in Scheme::ALL.into_iter().zip(scan.population) {
            for (value, count) in counts {
                *population.entry((scheme.key(), value)).or_default() += count;
            }
        }
        let id_column = scan
            .columns
            .id
            .map(|i| (i + 1, scan.header.get(i).cloned().unwrap_or_default()));
        for mut row in scan.rows {
            row.input = input;
            if scan.columns.id.is_some() {
                if let Some(&(first_input, first_line)) = first_seen.get(&row.record_id) {
                    return Err(ExportError::DuplicateId {
                        at: Location {
                            file: display,
                            line: row.line,
                            column: id_column.clone(),
                        },
                        id: row.record_id,
                        first: Box::new(Location {
                            file: paths[first_input].display().to_string(),
                            line: first_line,
                            column: id_column,
                        }),
                    });
                }
                first_seen.insert(row.record_id.clone(), (input, row.line));
            }
            records.push(row);
        }
        digests.extend(scan.digests);
        inputs.push(scan.summary);
    }
    if !digests.is_empty() {
        number_occurrences(&mut records, &digests);
    }
    let mut population: Vec<EthnicityCount> = population
        .into_iter()
        .map(|((scheme, value), searches)| EthnicityCount {
            scheme,
            value,
            searches,
        })
        .collect();
    population.sort_by(|a, b| (a.scheme, &a.value).cmp(&(b.scheme, &b.value)));
    Ok(MonthScan {
        inputs,
        header: first_header,
        columns: columns.unwrap_or(ResolvedColumns {
            id: None,
            date: 0,
            self_defined_ethnicity: None,
            officer_defined_ethnicity: None,
            officer: None,
            area: None,
            legislation: None,
            object_of_search: None,
        }),
        records,
        population,
        covered: earliest
            .zip(latest)
            .map(|(e, l)| (month_of(e, zone), month_of(l, zone))),
    })
}

/// Sets the content-hash ids: identical rows (the same digest) are numbered
/// 1, 2, ... in input order. Sorting the digests costs less memory than a
/// hash map when a month has hundreds of thousands of rows.
fn number_occurrences(records: &mut [MonthRecord], digests: &[[u8; 32]]) {
    let mut order: Vec<u32> = (0..digests.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| {
        digests[a as usize]
            .cmp(&digests[b as usize])
            .then(a.cmp(&b))
    });
    let mut occurrence = 0;
    for (position, &index) in order.iter().enumerate() {
        let digest = &digests[index as usize];
        let same_as_previous = position > 0 && digests[order[position - 1] as usize] == *digest;
        occurrence = if same_as_previous { occurrence + 1 } else { 1 };
        records[index as usize].record_id = record_id_from_digest(digest, occurrence);
    }
}
