//! Each dealt record's stratum, by record id.
//!
//! A five-year report looks up 60,000 record ids read from 60 manifests.
//! Kept as a map of owned strings, that was an allocation per id to make and
//! a pointer to chase per lookup; here the ids lie one after another in one
//! buffer, and a table holds places into it.

use std::hash::BuildHasher;

use hashbrown::hash_table::Entry;
use hashbrown::HashTable;

/// Record ids one after another in one buffer, each known by its place:
/// no allocation per id. The report's join keeps its ids this way too.
#[derive(Clone, Default)]
pub(super) struct RecordIds {
    bytes: Vec<u8>,
    /// Where each id ends in `bytes`.
    ends: Vec<usize>,
}

impl RecordIds {
    fn with_capacity(ids: usize) -> Self {
        Self {
            bytes: Vec::new(),
            ends: Vec::with_capacity(ids),
        }
    }

    /// Adds `id`; its place.
    pub(super) fn push(&mut self, id: &[u8]) -> u32 {
        self.bytes.extend_from_slice(id);
        self.ends.push(self.bytes.len());
        self.ends.len() as u32 - 1
    }

    /// The id at place `k`.
    pub(super) fn get(&self, k: u32) -> &[u8] {
        let k = k as usize;
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        &self.bytes[start..self.ends[k]]
    }
}

/// Record ids, each with its stratum (`None`: a no-suspicion search).
#[derive(Clone, Default)]
pub struct RecordStrata {
    ids: RecordIds,
    strata: Vec<Option<usize>>,
    /// Places in `ids` and `strata`, by the id's hash.
    table: HashTable<u32>,
    hasher: foldhash::fast::FixedState,
}

impl RecordStrata {
    /// Room for `records` ids.
    pub fn with_capacity(records: usize) -> Self {
        Self {
            ids: RecordIds::with_capacity(records),
            strata: Vec::with_capacity(records),
            table: HashTable::with_capacity(records),
            ..Self::default()
        }
    }

    fn find(&self, id: &str) -> Option<u32> {
        let id = id.as_bytes();
        let hash = self.hasher.hash_one(id);
        self.table.find(hash, |&k| self.ids.get(k) == id).copied()
    }

    /// Puts `id` in `stratum`; an id given again takes its latest stratum.
    pub fn insert(&mut self, id: &str, stratum: Option<usize>) {
        let id = id.as_bytes();
        let next = self.strata.len() as u32;
        let (ids, hasher) = (&self.ids, &self.hasher);
        match self.table.entry(
            hasher.hash_one(id),
            |&k| ids.get(k) == id,
            |&k| hasher.hash_one(ids.get(k)),
        ) {
            Entry::Occupied(seen) => self.strata[*seen.get() as usize] = stratum,
            Entry::Vacant(place) => {
                place.insert(next);
                self.ids.push(id);
                self.strata.push(stratum);
            }
        }
    }

    /// The stratum of `id`: `None` when it was not dealt.
    pub fn get(&self, id: &str) -> Option<Option<usize>> {
        self.find(id).map(|k| self.strata[k as usize])
    }

    pub fn len(&self) -> usize {
        self.strata.len()
    }

    pub fn is_empty(&self) -> bool {
        self.strata.is_empty()
    }

    /// Every id with its stratum, in the order first given.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Option<usize>)> {
        (0..self.strata.len() as u32).map(|k| {
            // Only whole `str`s are pushed, so every id is whole UTF-8.
            let id = std::str::from_utf8(self.ids.get(k)).unwrap_or_default();
            (id, self.strata[k as usize])
        })
    }
}

impl<S: AsRef<str>> FromIterator<(S, Option<usize>)> for RecordStrata {
    fn from_iter<I: IntoIterator<Item = (S, Option<usize>)>>(records: I) -> Self {
        let records = records.into_iter();
        let mut strata = Self::with_capacity(records.size_hint().0);
        for (id, stratum) in records {
            strata.insert(id.as_ref(), stratum);
        }
        strata
    }
}

/// Equal when they hold the same ids in the same strata, in any order.
impl PartialEq for RecordStrata {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(id, s)| other.get(id) == Some(s))
    }
}

impl Eq for RecordStrata {}

impl std::fmt::Debug for RecordStrata {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn looks_up_as_a_map_does(
            records in prop::collection::vec(("[a-z0-9é-]{0,12}", prop::option::of(0usize..5)), 0..200),
            probes in prop::collection::vec("[a-z0-9é-]{0,12}", 0..50),
        ) {
            let strata: RecordStrata = records.iter().map(|(id, s)| (id.as_str(), *s)).collect();
            let map: HashMap<&str, Option<usize>> =
                records.iter().map(|(id, s)| (id.as_str(), *s)).collect();
            prop_assert_eq!(strata.len(), map.len());
            for id in records.iter().map(|(id, _)| id).chain(&probes) {
                prop_assert_eq!(strata.get(id), map.get(id.as_str()).copied());
            }
            let mut again: Vec<(&str, Option<usize>)> = strata.iter().collect();
            again.reverse();
            prop_assert_eq!(again.into_iter().collect::<RecordStrata>(), strata);
        }
    }

    #[test]
    fn differing_strata_are_not_equal() {
        let a: RecordStrata = [("r1", Some(0)), ("r2", None)].into_iter().collect();
        let b: RecordStrata = [("r1", Some(0)), ("r2", Some(1))].into_iter().collect();
        let c: RecordStrata = [("r1", Some(0))].into_iter().collect();
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.get("r2"), Some(None));
        assert_eq!(a.get("r3"), None);
        assert_eq!(format!("{c:?}"), r#"{"r1": Some(0)}"#);
    }
}
