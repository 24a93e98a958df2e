//! The joining thread of `Tx::report_rows`: the rows the reading thread
//! copied out of SQLite become the report's searches and each champion's
//! counts.

use std::hash::BuildHasher;
use std::sync::mpsc::Receiver;
use std::sync::Arc;

use foldhash::{HashMap, HashSet};
use hashbrown::HashTable;

use super::raw::{RawRow, RawRows};
use super::record_strata::RecordIds;
use super::{AssessedSearch, Period};
use crate::assess::{Bwv, Conduct, Gowisely, Grounds, InvalidValue, Referral};
use crate::store::Result;

/// A text column's value that is not what it must be, as SQLite's own
/// conversion errors say it: the column's place in its `SELECT`.
fn bad_column(
    column: usize,
    err: impl std::error::Error + Send + Sync + 'static,
) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, Box::new(err))
}

/// A stored text, checked as UTF-8.
fn text(raw: &[u8], column: usize) -> rusqlite::Result<&str> {
    std::str::from_utf8(raw).map_err(|err| bad_column(column, err))
}

/// A stored verdict, checked against its vocabulary and in its canonical
/// spelling: a value the schema does not allow (only a damaged or
/// hand-edited workspace has one) is an error, never a search the report
/// silently leaves out of every count. The few distinct values of a column
/// repeat on every row: each distinct text is checked once, and then known
/// by its bytes.
struct Vocabulary {
    parse: fn(&str) -> Result<&'static str, InvalidValue>,
    checked: Vec<(Vec<u8>, &'static str)>,
}

impl Vocabulary {
    fn new(parse: fn(&str) -> Result<&'static str, InvalidValue>) -> Self {
        Self {
            parse,
            checked: Vec::new(),
        }
    }

    fn get(&mut self, raw: &[u8], column: usize) -> rusqlite::Result<&'static str> {
        if let Some((_, canonical)) = self.checked.iter().find(|(seen, _)| seen == raw) {
            return Ok(canonical);
        }
        let canonical = (self.parse)(text(raw, column)?).map_err(|err| bad_column(column, err))?;
        self.checked.push((raw.to_vec(), canonical));
        Ok(canonical)
    }
}

/// Texts of a record column: a few distinct values repeat on every row.
#[derive(Default)]
struct Texts {
    seen: HashMap<Vec<u8>, Arc<str>>,
}

impl Texts {
    fn get(&mut self, raw: &[u8], column: usize) -> rusqlite::Result<Arc<str>> {
        if let Some(known) = self.seen.get(raw) {
            return Ok(Arc::clone(known));
        }
        let value: Arc<str> = text(raw, column)?.into();
        self.seen.insert(raw.to_vec(), Arc::clone(&value));
        Ok(value)
    }
}

/// Where an active search stands while its assessment and record are
/// joined to it (its fields are filled in place in the searches).
#[derive(Clone, Copy)]
struct SearchState {
    /// The draw's place in month order.
    month: u32,
    /// Its champion among `Names`.
    champion: u32,
    sample: bool,
    position: i64,
    /// The current first review's version; 0 before one is read.
    version: i64,
    /// Its record was read.
    record: bool,
}

/// Distinct texts (champion names) numbered in order of first sight.
#[derive(Default)]
pub(super) struct Names {
    pub(super) index: HashMap<Arc<str>, u32>,
    pub(super) names: Vec<Arc<str>>,
}

impl Names {
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        let name: Arc<str> = name.into();
        self.index.insert(Arc::clone(&name), i);
        self.names.push(name);
        i
    }

    /// Each name's rank in sorted order, by index.
    fn ranks(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.names.len() as u32).collect();
        order.sort_unstable_by(|a, b| self.names[*a as usize].cmp(&self.names[*b as usize]));
        let mut ranks = vec![0; order.len()];
        for (rank, i) in order.into_iter().enumerate() {
            ranks[i as usize] = rank as u32;
        }
        ranks
    }
}

/// Each draw id's place in month order.
pub(super) type DrawRanks = HashMap<i64, usize>;

/// One champion's counts in one draw.
#[derive(Default, Clone, Copy)]
pub(super) struct Counts {
    pub(super) assigned: u64,
    pub(super) assessed: u64,
    pub(super) substituted: u64,
    pub(super) footage_missing: u64,
    pub(super) reserves_left: u64,
}

/// A batch of one table's rows, in the order the tables are read.
pub(super) enum Scan {
    Assignments(RawRows),
    Assessments(RawRows),
    Records(RawRows),
}

/// What the joining thread knows before the scans.
pub(super) struct Joining<'a> {
    pub(super) period: &'a Period,
    pub(super) months: &'a [Arc<str>],
    pub(super) draw_rank: &'a DrawRanks,
    pub(super) gone: &'a [HashMap<String, bool>],
    pub(super) brought: &'a [HashSet<String>],
}

/// What the joining thread gives back.
pub(super) struct Joined {
    pub(super) searches: Vec<AssessedSearch>,
    pub(super) champions: Names,
    /// By month, then champion.
    pub(super) counts: Vec<Vec<Counts>>,
    pub(super) any_simulated: bool,
}

/// The joining thread's state as the rows come in.
struct Join<'a> {
    known: Joining<'a>,
    champions: Names,
    /// The last champion interned: assignments come champion by champion.
    last_champion: Option<(Arc<str>, u32)>,
    counts: Vec<Vec<Counts>>,
    /// The active searches' states: in the order read until `arrange`, in
    /// report order after.
    states: Vec<SearchState>,
    /// The active searches in report order, made by `arrange` once every
    /// assignment is read, and filled in place as their assessment and
    /// record are read.
    searches: Vec<AssessedSearch>,
    arranged: bool,
    /// The active searches' record ids, in the order read.
    ids: RecordIds,
    /// Where each active search is, by draw (month order) and record id:
    /// its place in `ids`, and its place in `searches` once arranged. The
    /// keys are the bytes in `ids`: no allocation per search.
    slot: Vec<HashTable<(u32, u32)>>,
    hasher: foldhash::fast::RandomState,
    any_simulated: bool,
    verdicts: [Vocabulary; 5],
    record_texts: [Texts; 4],
    blank: Arc<str>,
}

impl<'a> Joining<'a> {
    pub(super) fn run(self, from: Receiver<Scan>) -> Result<Joined> {
        let mut join = Join {
            slot: (0..self.months.len()).map(|_| HashTable::new()).collect(),
            counts: vec![Vec::new(); self.months.len()],
            known: self,
            champions: Names::default(),
            last_champion: None,
            searches: Vec::new(),
            states: Vec::new(),
            arranged: false,
            ids: RecordIds::default(),
            hasher: foldhash::fast::RandomState::default(),
            any_simulated: false,
            verdicts: [
                Vocabulary::new(|t| Grounds::parse(t).map(Grounds::as_str)),
                Vocabulary::new(|t| Bwv::parse(t).map(Bwv::as_str)),
                Vocabulary::new(|t| Gowisely::parse(t).map(Gowisely::as_str)),
                Vocabulary::new(|t| Conduct::parse(t).map(Conduct::as_str)),
                Vocabulary::new(|t| Referral::parse(t).map(Referral::as_str)),
            ],
            record_texts: Default::default(),
            blank: Arc::from(""),
        };
        for scan in from {
            match scan {
                Scan::Assignments(rows) => rows.iter().try_for_each(|row| join.assignment(&row))?,
                Scan::Assessments(rows) => {
                    join.arrange()?;
                    rows.iter().try_for_each(|row| join.assessment(&row))?;
                }
                Scan::Records(rows) => {
                    join.arrange()?;
                    rows.iter().try_for_each(|row| join.record(&row))?;
                }
            }
        }
        join.arrange()?;
        Ok(join.finish())
    }
}

impl Join<'_> {
    /// The place in `searches` of an active search, once arranged.
    fn find(&self, draw: i64, record: &[u8]) -> Option<usize> {
        let m = *self.known.draw_rank.get(&draw)?;
        let hash = self.hasher.hash_one(record);
        self.slot[m]
            .find(hash, |&(k, _)| self.ids.get(k) == record)
            .map(|&(_, i)| i as usize)
    }

    fn champion(&mut self, name: &str) -> u32 {
        match &self.last_champion {
            Some((last, c)) if **last == *name => *c,
            _ => {
                let c = self.champions.intern(name);
                self.last_champion = Some((Arc::clone(&self.champions.names[c as usize]), c));
                c
            }
        }
    }

    /// `draw_id, position, record_id, champion, role`
    fn assignment(&mut self, row: &RawRow<'_>) -> rusqlite::Result<()> {
        let Some(&m) = self.known.draw_rank.get(&row.int(0)) else {
            return Ok(());
        };
        let name = text(row.text(1), 3)?;
        if self
            .known
            .period
            .champion
            .as_deref()
            .is_some_and(|c| c != name)
        {
            return Ok(());
        }
        let champion = self.champion(name);
        let record_id = text(row.text(0), 2)?;
        let sample = row.text(2) == b"sample";
        let brought = &self.known.brought[m];
        let is_brought = !brought.is_empty() && brought.contains(record_id);
        let gone = &self.known.gone[m];
        let gone = if gone.is_empty() {
            None
        } else {
            gone.get(record_id)
        };
        let month_counts = &mut self.counts[m];
        if month_counts.len() <= champion as usize {
            month_counts.resize(champion as usize + 1, Counts::default());
        }
        let count = &mut month_counts[champion as usize];
        match gone {
            Some(&footage_missing) => {
                count.substituted += 1;
                count.footage_missing += u64::from(footage_missing);
            }
            None if sample || is_brought => {
                count.assigned += 1;
                let k = self.ids.push(record_id.as_bytes());
                let (ids, hasher) = (&self.ids, &self.hasher);
                self.slot[m].insert_unique(
                    hasher.hash_one(record_id.as_bytes()),
                    (k, k),
                    |&(k, _)| hasher.hash_one(ids.get(k)),
                );
                self.states.push(SearchState {
                    month: m as u32,
                    champion,
                    sample,
                    position: row.int(1),
                    version: 0,
                    record: false,
                });
            }
            None => {}
        }
        if !sample && !is_brought {
            count.reserves_left += 1;
        }
        Ok(())
    }

    /// `simulated, draw_id, version, review, record_id, grounds, bwv,
    /// gowisely, conduct, referral, themes, notes`
    fn assessment(&mut self, row: &RawRow<'_>) -> rusqlite::Result<()> {
        let simulated = row.int(0) != 0;
        self.any_simulated |= simulated;
        if row.text(0) != b"first" {
            return Ok(());
        }
        let Some(i) = self.find(row.int(1), row.text(1)) else {
            return Ok(());
        };
        let version = row.int(2);
        if self.states[i].version >= version {
            return Ok(());
        }
        let [grounds, bwv, gowisely, conduct, referral] = &mut self.verdicts;
        let search = &mut self.searches[i];
        search.grounds = grounds.get(row.text(2), 5)?;
        search.bwv = bwv.get(row.text(3), 6)?;
        search.gowisely = gowisely.get(row.text(4), 7)?;
        search.conduct = conduct.get(row.text(5), 8)?;
        search.referral = referral.get(row.text(6), 9)?;
        search.themes = themes(row.text(7));
        search.notes = text(row.text(8), 11)?.to_string();
        search.simulated = simulated;
        self.states[i].version = version;
        Ok(())
    }

    /// `draw_id, record_id, self_defined_ethnicity,
    /// officer_defined_ethnicity, legislation, object_of_search`
    fn record(&mut self, row: &RawRow<'_>) -> rusqlite::Result<()> {
        let Some(i) = self.find(row.int(0), row.text(0)) else {
            return Ok(());
        };
        if self.states[i].version == 0 {
            return Ok(());
        }
        let [self_defined, officer_defined, legislation, object] = &mut self.record_texts;
        let search = &mut self.searches[i];
        search.self_defined_ethnicity = self_defined.get(row.text(1), 2)?;
        search.officer_defined_ethnicity = officer_defined.get(row.text(2), 3)?;
        search.legislation = legislation.get(row.text(3), 4)?;
        search.object_of_search = object.get(row.text(4), 5)?;
        self.states[i].record = true;
        Ok(())
    }

    /// Once every assignment is read (and before any other row is joined):
    /// the active searches made in report order (month, champion, samples
    /// before reserves (role DESC), position), while the reading thread
    /// goes on with the next table. Does nothing a second time.
    fn arrange(&mut self) -> rusqlite::Result<()> {
        if std::mem::replace(&mut self.arranged, true) {
            return Ok(());
        }
        let rank = self.champions.ranks();
        let mut order: Vec<(u32, u32, bool, i64, u32)> = self
            .states
            .iter()
            .enumerate()
            .map(|(k, s)| {
                (
                    s.month,
                    rank[s.champion as usize],
                    !s.sample,
                    s.position,
                    k as u32,
                )
            })
            .collect();
        order.sort_unstable();
        let mut place = vec![0u32; order.len()];
        for (i, o) in order.iter().enumerate() {
            place[o.4 as usize] = i as u32;
        }
        for table in &mut self.slot {
            for entry in table.iter_mut() {
                entry.1 = place[entry.0 as usize];
            }
        }
        self.states = order.iter().map(|o| self.states[o.4 as usize]).collect();
        let blank = &self.blank;
        self.searches = order
            .iter()
            .zip(&self.states)
            .map(|(o, state)| {
                Ok(AssessedSearch {
                    month: Arc::clone(&self.known.months[state.month as usize]),
                    champion: Arc::clone(&self.champions.names[state.champion as usize]),
                    record_id: text(self.ids.get(o.4), 2)?.to_string(),
                    grounds: "",
                    bwv: "",
                    gowisely: "",
                    conduct: "",
                    referral: "",
                    themes: Vec::new(),
                    notes: String::new(),
                    self_defined_ethnicity: Arc::clone(blank),
                    officer_defined_ethnicity: Arc::clone(blank),
                    legislation: Arc::clone(blank),
                    object_of_search: Arc::clone(blank),
                    simulated: false,
                })
            })
            .collect::<rusqlite::Result<_>>()?;
        Ok(())
    }

    /// The assessed searches with a record, in report order; and the
    /// assessed counts.
    fn finish(mut self) -> Joined {
        for state in &self.states {
            if state.version > 0 {
                self.counts[state.month as usize][state.champion as usize].assessed += 1;
            }
        }
        let mut kept = self.states.iter().map(|s| s.version > 0 && s.record);
        self.searches.retain(|_| kept.next().unwrap_or(false));
        Joined {
            searches: self.searches,
            champions: self.champions,
            counts: self.counts,
            any_simulated: self.any_simulated,
        }
    }
}

/// A stored JSON list of themes; nearly every search has none.
fn themes(stored: &[u8]) -> Vec<String> {
    if stored == b"[]" {
        Vec::new()
    } else {
        serde_json::from_slice(stored).unwrap_or_default()
    }
}
