//! Column-level counting with polars: the assessed searches become one
//! frame, and every breakdown of the report is a group-by on it.

use polars::prelude::*;

use crate::store::AssessedSearch;

/// Verdict counts for one group of searches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub reasonable: u64,
    pub not_reasonable: u64,
    pub none_recorded: u64,
    pub insufficient_info: u64,
    /// Reviewed searches under a no-suspicion power, whatever their verdict.
    pub not_required: u64,
}

impl Tally {
    /// Searches with a judgement: the proportion's denominator.
    pub fn judged(&self) -> u64 {
        self.reasonable + self.not_reasonable + self.none_recorded
    }

    pub fn add(&mut self, other: &Tally) {
        self.reasonable += other.reasonable;
        self.not_reasonable += other.not_reasonable;
        self.none_recorded += other.none_recorded;
        self.insufficient_info += other.insufficient_info;
        self.not_required += other.not_required;
    }
}

/// The assessed searches as a frame, with `group` the broad ethnic group
/// already chosen by the caller.
///
/// Each text column is held as codes into its distinct values, and the
/// frame groups by the codes: copying 60,000 texts per column into a frame,
/// and hashing them again in every group-by, was a fifth of a report's time.
pub struct SearchFrame {
    /// The report's searches: a code column per key, and a 0/1 column per verdict.
    frame: DataFrame,
    /// Every key column over all searches, the report's or not.
    keys: Vec<KeyColumn>,
}

/// A text column as codes into its distinct values.
pub struct KeyColumn {
    name: &'static str,
    /// The distinct values; a code is an index here.
    pub values: Vec<String>,
    /// Each search's value's code.
    pub codes: Vec<u32>,
}

impl KeyColumn {
    fn new<'s>(name: &'static str, texts: impl Iterator<Item = &'s str>) -> Self {
        let mut index: foldhash::HashMap<&str, u32> = foldhash::HashMap::default();
        // The searches share one text per distinct value (an `Arc<str>`, or a
        // verdict's `&'static str`): a text is known by its address first,
        // and only a new address has its text hashed. The texts are borrowed
        // for the whole loop, so no address can name two texts.
        let mut by_address: foldhash::HashMap<(usize, usize), u32> = foldhash::HashMap::default();
        let mut values: Vec<String> = Vec::new();
        let mut codes: Vec<u32> = Vec::new();
        // Searches come by month and champion: a value often repeats the last.
        let mut last: Option<(&str, u32)> = None;
        for text in texts {
            let code = match last {
                Some((previous, code)) if std::ptr::eq(previous, text) || previous == text => code,
                _ => {
                    let address = (text.as_ptr() as usize, text.len());
                    *by_address.entry(address).or_insert_with(|| {
                        *index.entry(text).or_insert_with(|| {
                            values.push(text.to_string());
                            values.len() as u32 - 1
                        })
                    })
                }
            };
            last = Some((text, code));
            codes.push(code);
        }
        Self {
            name,
            values,
            codes,
        }
    }

    /// For each code, the place of its value among `keys`, if there.
    pub fn places_among(&self, keys: &[&str]) -> Vec<Option<usize>> {
        let place: foldhash::HashMap<&str, usize> =
            keys.iter().enumerate().map(|(d, k)| (*k, d)).collect();
        self.values
            .iter()
            .map(|value| place.get(value.as_str()).copied())
            .collect()
    }
}

/// The verdict columns; `not_required` counts every search under a
/// no-suspicion power (whatever verdict it carries, which is then not
/// counted under that verdict).
const VERDICTS: [&str; 5] = [
    "reasonable",
    "not_reasonable",
    "none_recorded",
    "insufficient_info",
    "not_required",
];

impl SearchFrame {
    /// Search `i` is in `groups[i]`, under a power needing no grounds when
    /// `no_suspicion[i]`, and counted in the frame's tallies when
    /// `in_report[i]`.
    pub fn new(
        searches: &[AssessedSearch],
        groups: &[&str],
        no_suspicion: &[bool],
        in_report: &[bool],
    ) -> PolarsResult<Self> {
        Self::with_keys(
            Self::keys(searches, groups),
            searches,
            no_suspicion,
            in_report,
        )
    }

    /// The key columns of the searches, the costly part of a frame, which
    /// needs nothing of the design: a report builds them beside it.
    pub fn keys(searches: &[AssessedSearch], groups: &[&str]) -> Vec<KeyColumn> {
        let column = |name: &'static str, f: fn(&AssessedSearch) -> &str| {
            KeyColumn::new(name, searches.iter().map(f))
        };
        vec![
            column("month", |s| &s.month),
            column("champion", |s| &s.champion),
            KeyColumn::new("group", groups.iter().copied()),
            column("legislation", |s| &s.legislation),
            column("object_of_search", |s| &s.object_of_search),
            column("bwv", |s| s.bwv),
            column("gowisely", |s| s.gowisely),
            column("conduct", |s| s.conduct),
            column("referral", |s| s.referral),
        ]
    }

    /// As [`Self::new`], with the key columns made by [`Self::keys`].
    pub fn with_keys(
        keys: Vec<KeyColumn>,
        searches: &[AssessedSearch],
        no_suspicion: &[bool],
        in_report: &[bool],
    ) -> PolarsResult<Self> {
        let counted = |i: usize| in_report.get(i).copied().unwrap_or(false);
        // Each counted search's column among VERDICTS, found once (not once
        // per verdict column), and the columns filled from it.
        let mut flags: [Vec<u32>; 5] = Default::default();
        for (i, s) in searches.iter().enumerate().filter(|(i, _)| counted(*i)) {
            let outside = no_suspicion.get(i).copied().unwrap_or(false) || s.grounds == VERDICTS[4];
            let verdict = if outside {
                Some(4)
            } else {
                VERDICTS[..4].iter().position(|v| *v == s.grounds)
            };
            for (k, column) in flags.iter_mut().enumerate() {
                column.push(u32::from(verdict == Some(k)));
            }
        }
        let height = in_report.iter().filter(|counted| **counted).count();
        let mut columns: Vec<Column> = keys
            .iter()
            .map(|key| {
                let codes: Vec<u32> = key
                    .codes
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| counted(*i))
                    .map(|(_, code)| *code)
                    .collect();
                Column::new(key.name.into(), codes)
            })
            .collect();
        for (verdict, flags) in VERDICTS.into_iter().zip(flags) {
            columns.push(Column::new(verdict.into(), flags));
        }
        let frame = DataFrame::new(height, columns)?;
        Ok(Self { frame, keys })
    }

    /// The key column `key` over all searches.
    pub fn key(&self, key: &str) -> PolarsResult<&KeyColumn> {
        self.keys
            .iter()
            .find(|k| k.name == key)
            .ok_or_else(|| polars_err!(ColumnNotFound: "{key}"))
    }

    /// Group the report's searches by the codes of `key`; the aggregates
    /// `exprs` of each group, with the group's value, sorted by the value.
    fn grouped(&self, key: &str, exprs: Vec<Expr>) -> PolarsResult<(Vec<String>, DataFrame)> {
        let values = &self.key(key)?.values;
        let grouped = self
            .frame
            .clone()
            .lazy()
            .group_by([col(key)])
            .agg(exprs)
            .collect()?;
        let codes = grouped.column(key)?.u32()?.clone();
        let mut order: Vec<(usize, &str)> = (0..grouped.height())
            .map(|row| {
                let code = codes.get(row).unwrap_or(0) as usize;
                (row, values.get(code).map_or("", String::as_str))
            })
            .collect();
        order.sort_by(|a, b| a.1.cmp(b.1));
        let rows = IdxCa::from_vec(
            "row".into(),
            order.iter().map(|(row, _)| *row as IdxSize).collect(),
        );
        let sorted = grouped.take(&rows)?;
        Ok((
            order.into_iter().map(|(_, v)| v.to_string()).collect(),
            sorted,
        ))
    }

    /// Verdict tallies per distinct value of `key`, sorted by the value.
    pub fn tallies_by(&self, key: &str) -> PolarsResult<Vec<(String, Tally)>> {
        let sums: Vec<Expr> = VERDICTS
            .iter()
            .map(|v| col(*v).sum().cast(DataType::UInt64))
            .collect();
        let (values, grouped) = self.grouped(key, sums)?;
        let columns: Vec<UInt64Chunked> = VERDICTS
            .iter()
            .map(|v| grouped.column(v).and_then(|c| c.u64().cloned()))
            .collect::<PolarsResult<_>>()?;
        Ok(values
            .into_iter()
            .enumerate()
            .map(|(i, value)| {
                let at = |c: usize| columns[c].get(i).unwrap_or(0);
                let tally = Tally {
                    reasonable: at(0),
                    not_reasonable: at(1),
                    none_recorded: at(2),
                    insufficient_info: at(3),
                    not_required: at(4),
                };
                (value, tally)
            })
            .collect())
    }

    /// How many searches have each distinct value of `key`.
    pub fn counts_by(&self, key: &str) -> PolarsResult<Vec<(String, u64)>> {
        let (values, grouped) =
            self.grouped(key, vec![len().cast(DataType::UInt64).alias("count")])?;
        let counts = grouped.column("count")?.u64()?.clone();
        Ok(values
            .into_iter()
            .enumerate()
            .map(|(i, value)| (value, counts.get(i).unwrap_or(0)))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(month: &str, grounds: &'static str, legislation: &str) -> AssessedSearch {
        AssessedSearch {
            month: month.into(),
            champion: "A".into(),
            record_id: "r".into(),
            grounds,
            bwv: "reviewed",
            gowisely: "yes",
            conduct: "good",
            referral: "none",
            themes: vec![],
            notes: String::new(),
            self_defined_ethnicity: "".into(),
            officer_defined_ethnicity: "".into(),
            legislation: legislation.into(),
            object_of_search: "".into(),
            simulated: false,
        }
    }

    #[test]
    fn tallies_and_counts_by_key() {
        let searches = vec![
            search("2019-02", "reasonable", "s1"),
            search("2019-01", "reasonable", "s23"),
            search("2019-01", "not_reasonable", "s23"),
            search("2019-01", "insufficient_info", "s1"),
            search("2019-02", "none_recorded", "s1"),
        ];
        let frame = SearchFrame::new(&searches, &["White"; 5], &[false; 5], &[true; 5]).unwrap();
        let by_month = frame.tallies_by("month").unwrap();
        assert_eq!(by_month.len(), 2);
        assert_eq!(by_month[0].0, "2019-01");
        assert_eq!(
            by_month[0].1,
            Tally {
                reasonable: 1,
                not_reasonable: 1,
                none_recorded: 0,
                insufficient_info: 1,
                not_required: 0
            }
        );
        assert_eq!(by_month[1].1.judged(), 2);
        assert_eq!(
            frame.counts_by("legislation").unwrap(),
            [("s1".to_string(), 3), ("s23".to_string(), 2)]
        );
    }

    #[test]
    fn no_suspicion_searches_are_counted_apart_whatever_their_verdict() {
        let searches = vec![
            search("2019-01", "reasonable", "s60"),
            search("2019-01", "not_reasonable", "s60"),
            search("2019-01", "reasonable", "s23"),
        ];
        let frame =
            SearchFrame::new(&searches, &["White"; 3], &[true, true, false], &[true; 3]).unwrap();
        let by_month = frame.tallies_by("month").unwrap();
        assert_eq!(
            by_month[0].1,
            Tally {
                reasonable: 1,
                not_reasonable: 0,
                none_recorded: 0,
                insufficient_info: 0,
                not_required: 2
            }
        );
        assert_eq!(by_month[0].1.judged(), 1);
    }

    #[test]
    fn equal_texts_get_one_code_whether_shared_or_not() {
        let shared: std::sync::Arc<str> = "Area 1".into();
        let copy: std::sync::Arc<str> = "Area 1".into();
        let other: std::sync::Arc<str> = "Area 2".into();
        let texts = [&shared, &other, &copy, &shared, &copy, &other];
        let column = KeyColumn::new("area", texts.iter().map(|t| &***t));
        assert_eq!(column.values, ["Area 1", "Area 2"]);
        assert_eq!(column.codes, [0, 1, 0, 0, 0, 1]);
        // A text that is a prefix of another at the same address is its own value.
        let long = "Area 10";
        let column = KeyColumn::new("area", [long, &long[..6], long].into_iter());
        assert_eq!(column.values, ["Area 10", "Area 1"]);
        assert_eq!(column.codes, [0, 1, 0]);
    }

    #[test]
    fn an_empty_frame_has_no_groups() {
        let frame = SearchFrame::new(&[], &[], &[], &[]).unwrap();
        assert!(frame.tallies_by("group").unwrap().is_empty());
    }
}
