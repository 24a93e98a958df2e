//! Rows of a table scan copied out of SQLite in batches, so that one thread
//! reads the workspace while another joins what it has read.

use std::sync::mpsc::SyncSender;

use crate::store::column_scan::ColumnScan;
use crate::store::{Result, Tx};

/// Rows a batch holds before it is handed on.
const BATCH: usize = 4096;

/// Rows of one scan: each row's integer columns, then its text columns as
/// bytes (the `SELECT` lists them in that order).
pub(super) struct RawRows {
    ints_per_row: usize,
    texts_per_row: usize,
    ints: Vec<i64>,
    bytes: Vec<u8>,
    /// Where each text ends in `bytes`.
    ends: Vec<usize>,
    len: usize,
}

/// One row of a [`RawRows`].
pub(super) struct RawRow<'a> {
    ints: &'a [i64],
    bytes: &'a [u8],
    ends: &'a [usize],
    /// Where the row's first text starts in `bytes`.
    start: usize,
}

impl RawRows {
    /// A batch with room for `bytes` bytes of text.
    fn new(ints_per_row: usize, texts_per_row: usize, bytes: usize) -> Self {
        Self {
            ints_per_row,
            texts_per_row,
            ints: Vec::with_capacity(BATCH * ints_per_row),
            bytes: Vec::with_capacity(bytes),
            ends: Vec::with_capacity(BATCH * texts_per_row),
            len: 0,
        }
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = RawRow<'_>> {
        (0..self.len).map(move |r| {
            let ends = &self.ends[r * self.texts_per_row..(r + 1) * self.texts_per_row];
            RawRow {
                ints: &self.ints[r * self.ints_per_row..(r + 1) * self.ints_per_row],
                bytes: &self.bytes,
                ends,
                start: if r == 0 {
                    0
                } else {
                    self.ends[r * self.texts_per_row - 1]
                },
            }
        })
    }
}

impl<'a> RawRow<'a> {
    /// The row's `k`th integer column.
    pub(super) fn int(&self, k: usize) -> i64 {
        self.ints[k]
    }

    /// The row's `k`th text column (counted among its texts), unchecked.
    pub(super) fn text(&self, k: usize) -> &'a [u8] {
        let start = if k == 0 { self.start } else { self.ends[k - 1] };
        &self.bytes[start..self.ends[k]]
    }
}

impl Tx<'_> {
    /// Runs `sql` (its first `ints` columns integers, the next `texts`
    /// columns texts) and sends its rows in batches, each wrapped by `wrap`.
    /// Stops early, without error, when the receiver has gone (it failed,
    /// and says why).
    pub(super) fn send_rows<M>(
        &self,
        sql: &str,
        (ints, texts): (usize, usize),
        to: &SyncSender<M>,
        wrap: fn(RawRows) -> M,
    ) -> Result<()> {
        let mut scan = ColumnScan::prepare(&self.tx, sql)?;
        let mut batch = RawRows::new(ints, texts, 0);
        while scan.step()? {
            for column in 0..ints {
                batch.ints.push(scan.integer(column)?);
            }
            for column in ints..ints + texts {
                batch.bytes.extend_from_slice(scan.text(column)?);
                batch.ends.push(batch.bytes.len());
            }
            batch.len += 1;
            if batch.len == BATCH {
                // The next batch of the table holds about as much text as
                // this one: made that size, it is not grown by copying.
                let room = batch.bytes.len() + batch.bytes.len() / 8;
                let full = std::mem::replace(&mut batch, RawRows::new(ints, texts, room));
                if to.send(wrap(full)).is_err() {
                    return Ok(());
                }
            }
        }
        // A receiver that has gone has its own error to give.
        let _ = to.send(wrap(batch));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_give_back_their_columns() {
        let mut rows = RawRows::new(2, 3, 0);
        for (ints, texts) in [
            ([1, 2], ["a", "", "ccc"]),
            ([3, 4], ["", "dd", ""]),
            ([5, 6], ["e", "f", "g"]),
        ] {
            rows.ints.extend(ints);
            for text in texts {
                rows.bytes.extend_from_slice(text.as_bytes());
                rows.ends.push(rows.bytes.len());
            }
            rows.len += 1;
        }
        let read: Vec<(i64, i64, Vec<&[u8]>)> = rows
            .iter()
            .map(|row| {
                (
                    row.int(0),
                    row.int(1),
                    (0..3).map(|k| row.text(k)).collect(),
                )
            })
            .collect();
        assert_eq!(
            read,
            [
                (1, 2, vec![&b"a"[..], b"", b"ccc"]),
                (3, 4, vec![&b""[..], b"dd", b""]),
                (5, 6, vec![&b"e"[..], b"f", b"g"]),
            ]
        );
    }
}
