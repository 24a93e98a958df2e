//! Reading the drawn rows again, from the offsets the scan kept: a few
//! hundred rows, not the month.

use std::collections::HashMap;
use std::fs::File;
use std::path::PathBuf;

use csv::StringRecord;

use super::error::{ExportError, Location};
use super::records::RecordReader;
use super::scan::{utf8_field, MonthRecord, MonthScan};
use crate::hashing::{hex, record_content_digest};

/// Reads the given month records again from their files, for worksheets and
/// the workspace snapshot: a few hundred rows, not the month. Each row read
/// is checked against its record id, so a file changed since the scan is an
/// error, not a wrong worksheet.
pub fn read_back(
    paths: &[PathBuf],
    scan: &MonthScan,
    wanted: &[&MonthRecord],
) -> Result<HashMap<String, StringRecord>, ExportError> {
    use std::io::{Seek, SeekFrom};
    let mut found = HashMap::with_capacity(wanted.len());
    for record in wanted {
        let path = &paths[record.input];
        let display = path.display().to_string();
        let io_error = |source| ExportError::Io {
            file: display.clone(),
            source,
        };
        let mut file = File::open(path).map_err(io_error)?;
        file.seek(SeekFrom::Start(record.offset))
            .map_err(io_error)?;
        // One record: a small buffer, not the megabyte a whole file gets.
        let mut reader = RecordReader::with_capacity(1 << 13, file, &|_| {});
        let changed = || ExportError::Malformed {
            at: Location {
                file: display.clone(),
                line: record.line,
                column: None,
            },
            message: format!(
                "the row of record {} is not what it was a moment ago: has the file changed?",
                record.record_id
            ),
        };
        let Some((_, mut fields)) = reader.next_record().map_err(io_error)? else {
            return Err(changed());
        };
        let matches = match scan.columns.id {
            Some(index) => {
                utf8_field(fields.get(index).unwrap_or_default()).trim() == record.record_id
            }
            None => {
                let digest = record_content_digest(fields.iter());
                record
                    .record_id
                    .starts_with(&format!("h{}-", hex(&digest[..8])))
            }
        };
        let row = StringRecord::from_byte_record(fields.to_byte_record()).map_err(|_| changed())?;
        if !matches {
            return Err(changed());
        }
        found.insert(record.record_id.clone(), row);
    }
    Ok(found)
}
