//! The hashes every outsider must be able to recompute: file digests, record
//! ids for exports without an id column, and the draw's rank keys.
//!
//! These byte layouts are a published contract (README, "Verifying a draw by
//! hand"); changing any of them changes every draw ever made.

use std::fmt::Write as _;
use std::io::{self, Read};
use std::path::Path;

use sha2::{Digest, Sha256};

/// Separator between hashed parts: ASCII unit separator, which cannot appear
/// in a seed typed by a person or in a month, and almost never in CSV fields.
pub const UNIT_SEPARATOR: u8 = 0x1F;

/// The algorithm id written in every manifest of an unstratified draw.
pub const ALGORITHM: &str = "hash-rank-v1";

/// The algorithm id of the stratified draw (`--minority-per-champion`).
pub const ALGORITHM_V2: &str = "hash-rank-v2";

/// Lowercase hex of a byte string.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// SHA-256 of a reader's bytes, and how many bytes there were.
pub fn sha256_reader(mut reader: impl Read) -> io::Result<([u8; 32], u64)> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let read = reader.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        total += read as u64;
        hasher.update(&buffer[..read]);
    }
    Ok((hasher.finalize().into(), total))
}

/// Lowercase hex SHA-256 of a file.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let file = std::fs::File::open(path)?;
    Ok(hex(&sha256_reader(file)?.0))
}

/// SHA-256 over a record's field values joined by 0x1F: the content part of a
/// record id for exports that have no id column.
pub fn record_content_digest<'a>(fields: impl IntoIterator<Item = &'a [u8]>) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for (index, field) in fields.into_iter().enumerate() {
        if index > 0 {
            hasher.update([UNIT_SEPARATOR]);
        }
        hasher.update(field);
    }
    hasher.finalize().into()
}

/// `h` + the first 16 hex digits of the content digest + `-` + the 1-based
/// occurrence of that exact content among the input rows.
pub fn record_id_from_digest(digest: &[u8; 32], occurrence: u32) -> String {
    format!("h{}-{occurrence}", hex(&digest[..8]))
}

/// The rank key of a record in a draw: SHA-256 of
/// `hash-rank-v1` 0x1F seed 0x1F `YYYY-MM` 0x1F record_id.
/// Compared as bytes it orders like the 256-bit big-endian number.
pub fn rank_key(seed: &str, month: &str, record_id: &str) -> [u8; 32] {
    rank_key_of(ALGORITHM, seed, month, record_id)
}

/// The rank key under a named algorithm: SHA-256 of
/// algorithm 0x1F seed 0x1F `YYYY-MM` 0x1F record_id (`hash-rank-v2` keys
/// differ from v1's only in the first part).
pub fn rank_key_of(algorithm: &str, seed: &str, month: &str, record_id: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(algorithm.as_bytes());
    hasher.update([UNIT_SEPARATOR]);
    hasher.update(seed.as_bytes());
    hasher.update([UNIT_SEPARATOR]);
    hasher.update(month.as_bytes());
    hasher.update([UNIT_SEPARATOR]);
    hasher.update(record_id.as_bytes());
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_input() {
        // FIPS 180-2 test vector.
        let (digest, len) = sha256_reader(&b"abc"[..]).unwrap();
        assert_eq!(
            hex(&digest),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(len, 3);
    }

    #[test]
    fn record_id_joins_fields_with_unit_separator() {
        let digest = record_content_digest([&b"a"[..], b"b"]);
        let (expected, _) = sha256_reader(&b"a\x1fb"[..]).unwrap();
        assert_eq!(digest, expected);
        let id = record_id_from_digest(&digest, 2);
        assert_eq!(id, format!("h{}-2", &hex(&expected)[..16]));
    }

    #[test]
    fn empty_fields_still_count() {
        // "a,,b" and "a,b" are different records.
        assert_ne!(
            record_content_digest([&b"a"[..], b"", b"b"]),
            record_content_digest([&b"a"[..], b"b"])
        );
    }

    #[test]
    fn rank_key_layout() {
        let key = rank_key("seed", "2019-01", "h0123-1");
        let (expected, _) =
            sha256_reader(&b"hash-rank-v1\x1fseed\x1f2019-01\x1fh0123-1"[..]).unwrap();
        assert_eq!(key, expected);
        let v2 = rank_key_of(ALGORITHM_V2, "seed", "2019-01", "h0123-1");
        let (expected, _) =
            sha256_reader(&b"hash-rank-v2\x1fseed\x1f2019-01\x1fh0123-1"[..]).unwrap();
        assert_eq!(v2, expected);
    }
}
