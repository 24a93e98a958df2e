//! Splitting an export into records, fast.
//!
//! `csv` (csv-core) reads byte by byte through a state machine; that is the
//! cost of reading a national export. Almost every line of a stop-and-search
//! export has no quote and no stray carriage return, and for such a line the
//! fields are simply the bytes between commas, which `memchr` finds many
//! bytes at a time. Every other line (quotes, bare CR, a quoted field running
//! over several lines) goes through csv-core itself, the same parser the
//! `csv` crate uses, so the records (and the record ids hashed from them)
//! are exactly what `csv::Reader` gives. A differential test checks that.
//!
//! The reader also hashes and counts every byte as it reads, so each file is
//! read once.

use std::io::{self, Read};

use memchr::{memchr, memchr2, memchr_iter};
use sha2::{Digest, Sha256};

const CHUNK: usize = 1 << 20;

/// The longest record read, in bytes. A stop-and-search record is a few
/// hundred bytes; a file with no line ending for 16 MiB (`/dev/zero`, a
/// binary file, a quote never closed) is not an export, and reading it whole
/// would take all memory.
pub const MAX_RECORD_BYTES: usize = 16 << 20;

/// The fields of one record, either as spans of a line or as csv-core's
/// unquoted output. A plain line is split lazily: most rows of a national
/// export are outside the month drawn, and for those only the field count
/// and the date are needed.
pub struct Fields<'a> {
    data: &'a [u8],
    /// End offset of each field in `data` once split; field i starts where
    /// i−1 ends (plus one separator byte for spans of a line).
    ends: &'a mut Vec<usize>,
    separated: bool,
    split: bool,
    count: usize,
    offset: u64,
}

impl<'a> Fields<'a> {
    fn plain(data: &'a [u8], ends: &'a mut Vec<usize>, offset: u64) -> Self {
        // SIMD counting (AVX2 when the CPU has it): this runs on every row.
        let count = bytecount::count(data, b',') + 1;
        Self {
            data,
            ends,
            separated: true,
            split: false,
            count,
            offset,
        }
    }

    fn decoded(data: &'a [u8], ends: &'a mut Vec<usize>, offset: u64) -> Self {
        let count = ends.len();
        Self {
            data,
            ends,
            separated: false,
            split: true,
            count,
            offset,
        }
    }

    pub fn len(&self) -> usize {
        self.count
    }

    /// Where the record starts in its file (at most a line ending before
    /// it): seek there and read one record to read it again.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Finds every field boundary (needed to read all fields).
    pub fn split(&mut self) {
        if !self.split {
            self.ends.clear();
            self.ends.extend(memchr_iter(b',', self.data));
            self.ends.push(self.data.len());
            self.split = true;
        }
    }

    pub fn get(&self, index: usize) -> Option<&'a [u8]> {
        if index >= self.count {
            return None;
        }
        if !self.split {
            // Only the fields before it are scanned: cheap for the date.
            let mut commas = memchr_iter(b',', self.data);
            let start = if index == 0 {
                0
            } else {
                commas.nth(index - 1)? + 1
            };
            let end = commas.next().unwrap_or(self.data.len());
            return Some(&self.data[start..end]);
        }
        let end = self.ends[index];
        let start = match index {
            0 => 0,
            _ => self.ends[index - 1] + usize::from(self.separated),
        };
        Some(&self.data[start..end])
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The bytes of all fields together (for UTF-8 validation), with
    /// separators for line spans: validity is the same either way.
    pub fn bytes(&self) -> &'a [u8] {
        if self.separated {
            self.data
        } else {
            &self.data[..self.ends.last().copied().unwrap_or(0)]
        }
    }

    /// Which field a byte offset into [`Fields::bytes`] falls in.
    pub fn field_at(&mut self, offset: usize) -> usize {
        self.split();
        self.ends
            .iter()
            .position(|&end| offset < end)
            .unwrap_or(self.len().saturating_sub(1))
    }

    pub fn to_byte_record(&mut self) -> csv::ByteRecord {
        self.split();
        let mut record = csv::ByteRecord::with_capacity(self.bytes().len(), self.len());
        for field in self.iter() {
            record.push_field(field);
        }
        record
    }
}

/// Reads records from an export, hashing and counting every byte.
pub struct RecordReader<'p, R> {
    source: R,
    hasher: Sha256,
    bytes_read: u64,
    unreported: u64,
    progress: &'p (dyn Fn(u64) + Sync),
    buffer: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// The 1-based line of the next unread byte (lines counted by `\n`).
    line: u64,
    /// The line the record being read starts on, for the too-long error.
    record_line: u64,
    /// Bytes dropped from the front of the buffer so far: buffer position
    /// + `shifted` = position in the file.
    shifted: u64,

    core: csv_core::Reader,
    output: Vec<u8>,
    ends: Vec<usize>,
    started: bool,
}

impl<'p, R: Read> RecordReader<'p, R> {
    pub fn new(source: R, progress: &'p (dyn Fn(u64) + Sync)) -> Self {
        Self::with_capacity(CHUNK, source, progress)
    }

    /// A reader with a smaller first buffer, for reading one record again
    /// (it grows when a record is longer).
    pub fn with_capacity(capacity: usize, source: R, progress: &'p (dyn Fn(u64) + Sync)) -> Self {
        Self {
            source,
            hasher: Sha256::new(),
            bytes_read: 0,
            unreported: 0,
            progress,
            buffer: vec![0; capacity.max(64)],
            start: 0,
            end: 0,
            eof: false,
            line: 1,
            record_line: 1,
            shifted: 0,
            core: csv_core::Reader::new(),
            output: vec![0; 4096],
            ends: vec![0; 64],
            started: false,
        }
    }

    /// Bytes read so far, and the SHA-256 of them; call after the last record.
    pub fn finish(mut self) -> io::Result<(u64, [u8; 32])> {
        // A caller that stops early still gets the digest of the whole file.
        while !self.eof {
            self.start = self.end;
            self.fill()?;
        }
        (self.progress)(self.unreported);
        Ok((self.bytes_read, self.hasher.finalize().into()))
    }

    /// Moves unread bytes to the front and reads more; grows the buffer when
    /// one record is longer than it.
    fn fill(&mut self) -> io::Result<()> {
        if self.start > 0 {
            self.shifted += self.start as u64;
            self.buffer.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buffer.len() {
            if self.end >= MAX_RECORD_BYTES {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "line {}: a record runs on for more than {} MiB without ending; \
                         this is not a CSV export (or a quote is never closed)",
                        self.record_line,
                        MAX_RECORD_BYTES >> 20
                    ),
                ));
            }
            self.buffer
                .resize((self.buffer.len() * 2).min(MAX_RECORD_BYTES), 0);
        }
        let read = loop {
            match self.source.read(&mut self.buffer[self.end..]) {
                Ok(read) => break read,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            }
        };
        self.hasher.update(&self.buffer[self.end..self.end + read]);
        self.bytes_read += read as u64;
        self.unreported += read as u64;
        if self.unreported >= 1 << 22 {
            (self.progress)(self.unreported);
            self.unreported = 0;
        }
        self.end += read;
        self.eof = read == 0;
        Ok(())
    }

    /// The next record and the line it starts on; `None` at the end.
    pub fn next_record(&mut self) -> io::Result<Option<(u64, Fields<'_>)>> {
        if !self.started {
            // The header goes through csv-core, which strips a byte-order mark
            // exactly where the csv crate does: at the very start.
            self.started = true;
            return self.next_with_core();
        }
        loop {
            self.record_line = self.line;
            let newline = memchr(b'\n', &self.buffer[self.start..self.end]);
            if newline.is_none() && !self.eof {
                self.fill()?;
                continue;
            }
            let segment_end = newline.map_or(self.end, |i| self.start + i + 1);
            if segment_end == self.start {
                return Ok(None);
            }
            let mut body_end = segment_end;
            if newline.is_some() {
                body_end -= 1;
                if body_end > self.start && self.buffer[body_end - 1] == b'\r' {
                    body_end -= 1;
                }
            }
            let body = &self.buffer[self.start..body_end];
            if body.is_empty() {
                // csv skips empty lines.
                self.start = segment_end;
                self.line += u64::from(newline.is_some());
                continue;
            }
            if memchr2(b'"', b'\r', body).is_some() {
                return self.next_with_core();
            }
            let line = self.line;
            let (from, to) = (self.start, body_end);
            let offset = self.shifted + from as u64;
            self.start = segment_end;
            self.line += u64::from(newline.is_some());
            return Ok(Some((
                line,
                Fields::plain(&self.buffer[from..to], &mut self.ends, offset),
            )));
        }
    }

    /// One record through csv-core, reading more input as it needs.
    fn next_with_core(&mut self) -> io::Result<Option<(u64, Fields<'_>)>> {
        let line = self.line;
        self.record_line = line;
        let offset = self.shifted + self.start as u64;
        // csv-core writes field ends into the slice it is given.
        let room = self.ends.capacity().max(64);
        self.ends.resize(room, 0);
        let (mut fed, mut written, mut fields) = (0, 0, 0);
        loop {
            if self.start + fed == self.end && !self.eof {
                self.fill()?;
                continue;
            }
            let input = &self.buffer[self.start + fed..self.end];
            let (result, nin, nout, nend) =
                self.core
                    .read_record(input, &mut self.output[written..], &mut self.ends[fields..]);
            self.line += memchr_iter(b'\n', &input[..nin]).count() as u64;
            fed += nin;
            written += nout;
            fields += nend;
            match result {
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::OutputFull => {
                    let grown = self.output.len() * 2;
                    self.output.resize(grown, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let grown = self.ends.len() * 2;
                    self.ends.resize(grown, 0);
                }
                csv_core::ReadRecordResult::Record => {
                    self.start += fed;
                    self.ends.truncate(fields);
                    return Ok(Some((
                        line,
                        Fields::decoded(&self.output[..written], &mut self.ends, offset),
                    )));
                }
                csv_core::ReadRecordResult::End => {
                    self.start += fed;
                    return Ok(None);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn records(bytes: &[u8]) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut reader = RecordReader::new(bytes, &|_| {});
        let mut out = Vec::new();
        while let Some((line, fields)) = reader.next_record().unwrap() {
            out.push((line, fields.iter().map(<[u8]>::to_vec).collect()));
        }
        let (read, digest) = reader.finish().unwrap();
        assert_eq!(read, bytes.len() as u64);
        assert_eq!(digest, <[u8; 32]>::from(Sha256::digest(bytes)));
        out
    }

    fn fields_only(records: Vec<(u64, Vec<Vec<u8>>)>) -> Vec<Vec<Vec<u8>>> {
        records.into_iter().map(|(_, fields)| fields).collect()
    }

    /// The csv crate's records. (Not its line numbers: after a CRLF it
    /// reports the previous line, because the LF is consumed with the next
    /// record; ours count every `\n` before the record.)
    fn with_csv_crate(bytes: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        reader
            .byte_records()
            .map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect())
            .collect()
    }

    #[test]
    fn plain_quoted_and_multiline_records() {
        let text =
            b"\xEF\xBB\xBFa,b,c\r\n1,,3\n\n\"x, \"\"y\"\"\",2,\"multi\nline\"\r\nlast,row,here";
        let got = records(text);
        assert_eq!(fields_only(got.clone()), with_csv_crate(text));
        let lines: Vec<u64> = got.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [1, 2, 4, 6], "the line each record starts on");
        assert_eq!(got[0].1[0], b"a");
        assert_eq!(got[2].1[0], b"x, \"y\"");
        assert_eq!(got[2].1[2], b"multi\nline");
    }

    #[test]
    fn a_record_read_again_from_its_offset_is_the_same() {
        let text = b"h1,h2\r\na,\"b\nc\"\n\nplain,row\r\n\"q\",z";
        let mut reader = RecordReader::new(&text[..], &|_| {});
        let mut seen = Vec::new();
        while let Some((_, fields)) = reader.next_record().unwrap() {
            let offset = fields.offset();
            let fields: Vec<Vec<u8>> = fields.iter().map(<[u8]>::to_vec).collect();
            seen.push((offset, fields));
        }
        for (offset, fields) in seen {
            let mut again = RecordReader::new(&text[offset as usize..], &|_| {});
            let (_, record) = again.next_record().unwrap().unwrap();
            assert_eq!(
                record.iter().map(<[u8]>::to_vec).collect::<Vec<_>>(),
                fields,
                "at {offset}"
            );
        }
    }

    #[test]
    fn long_records_grow_the_buffers() {
        let long = "z".repeat(3 * CHUNK);
        let text = format!("h1,h2\n{long},\"{long}\"\nend,1\n");
        assert_eq!(
            fields_only(records(text.as_bytes())),
            with_csv_crate(text.as_bytes())
        );
    }

    #[test]
    fn a_record_without_end_is_refused_with_its_line_not_read_whole() {
        let endless = std::io::repeat(0).take(4 * MAX_RECORD_BYTES as u64);
        let mut reader = RecordReader::new((&b"a,b\nc,d\n"[..]).chain(endless), &|_| {});
        reader.next_record().unwrap();
        reader.next_record().unwrap();
        let err = reader.next_record().err().expect("refused");
        assert!(
            err.to_string().starts_with("line 3: a record runs on"),
            "{err}"
        );
        let quoted = std::io::repeat(b'x').take(4 * MAX_RECORD_BYTES as u64);
        let mut reader = RecordReader::new((&b"\""[..]).chain(quoted), &|_| {});
        let err = reader.next_record().err().expect("refused");
        assert!(err.to_string().starts_with("line 1: "), "{err}");
    }

    proptest! {
        /// Any mix of commas, quotes, CR, LF, BOMs and text splits exactly as
        /// the csv crate splits it.
        #[test]
        fn same_records_as_the_csv_crate(parts in prop::collection::vec(
            prop_oneof![
                Just(b",".to_vec()), Just(b"\"".to_vec()), Just(b"\r".to_vec()), Just(b"\n".to_vec()),
                Just(b"\r\n".to_vec()), Just(b"\"\"".to_vec()), Just(b"\xEF\xBB\xBF".to_vec()),
                "[a-z0-9 ]{0,6}".prop_map(String::into_bytes), Just("é€".as_bytes().to_vec()),
            ],
            0..60,
        )) {
            let bytes: Vec<u8> = parts.concat();
            prop_assert_eq!(fields_only(records(&bytes)), with_csv_crate(&bytes));
        }
    }
}
