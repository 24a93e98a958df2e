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
pub struct SearchFrame {
    frame: DataFrame,
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
    /// `no_suspicion[i]`: search i is under a power needing no grounds.
    pub fn new(
        searches: &[AssessedSearch],
        groups: &[&str],
        no_suspicion: &[bool],
    ) -> PolarsResult<Self> {
        let text =
            |f: fn(&AssessedSearch) -> &str| -> Vec<&str> { searches.iter().map(f).collect() };
        let outside = |i: usize, s: &AssessedSearch| {
            no_suspicion.get(i).copied().unwrap_or(false) || s.grounds == VERDICTS[4]
        };
        let flag = |verdict: &str| -> Vec<u32> {
            searches
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let counted = if verdict == VERDICTS[4] {
                        outside(i, s)
                    } else {
                        !outside(i, s) && s.grounds == verdict
                    };
                    u32::from(counted)
                })
                .collect()
        };
        let frame = df![
            "month" => text(|s| &s.month),
            "champion" => text(|s| &s.champion),
            "group" => groups,
            "legislation" => text(|s| &s.legislation),
            "object_of_search" => text(|s| &s.object_of_search),
            "bwv" => text(|s| s.bwv),
            "gowisely" => text(|s| s.gowisely),
            "conduct" => text(|s| s.conduct),
            "referral" => text(|s| s.referral),
            VERDICTS[0] => flag(VERDICTS[0]),
            VERDICTS[1] => flag(VERDICTS[1]),
            VERDICTS[2] => flag(VERDICTS[2]),
            VERDICTS[3] => flag(VERDICTS[3]),
            VERDICTS[4] => flag(VERDICTS[4]),
        ]?;
        Ok(Self { frame })
    }

    /// Verdict tallies per distinct value of `key`, sorted by the value.
    pub fn tallies_by(&self, key: &str) -> PolarsResult<Vec<(String, Tally)>> {
        let sums: Vec<Expr> = VERDICTS
            .iter()
            .map(|v| col(*v).sum().cast(DataType::UInt64))
            .collect();
        let grouped = self
            .frame
            .clone()
            .lazy()
            .group_by([col(key)])
            .agg(sums)
            .sort([key], Default::default())
            .collect()?;
        let keys = grouped.column(key)?.str()?.clone();
        let columns: Vec<UInt64Chunked> = VERDICTS
            .iter()
            .map(|v| grouped.column(v).and_then(|c| c.u64().cloned()))
            .collect::<PolarsResult<_>>()?;
        Ok((0..grouped.height())
            .map(|i| {
                let at = |c: usize| columns[c].get(i).unwrap_or(0);
                let tally = Tally {
                    reasonable: at(0),
                    not_reasonable: at(1),
                    none_recorded: at(2),
                    insufficient_info: at(3),
                    not_required: at(4),
                };
                (keys.get(i).unwrap_or_default().to_string(), tally)
            })
            .collect())
    }

    /// How many searches have each distinct value of `key`.
    pub fn counts_by(&self, key: &str) -> PolarsResult<Vec<(String, u64)>> {
        let grouped = self
            .frame
            .clone()
            .lazy()
            .group_by([col(key)])
            .agg([len().cast(DataType::UInt64).alias("count")])
            .sort([key], Default::default())
            .collect()?;
        let keys = grouped.column(key)?.str()?.clone();
        let counts = grouped.column("count")?.u64()?.clone();
        Ok((0..grouped.height())
            .map(|i| {
                (
                    keys.get(i).unwrap_or_default().to_string(),
                    counts.get(i).unwrap_or(0),
                )
            })
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
            self_defined_ethnicity: String::new(),
            officer_defined_ethnicity: String::new(),
            legislation: legislation.into(),
            object_of_search: String::new(),
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
        let frame = SearchFrame::new(&searches, &["White"; 5], &[false; 5]).unwrap();
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
        let frame = SearchFrame::new(&searches, &["White"; 3], &[true, true, false]).unwrap();
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
    fn an_empty_frame_has_no_groups() {
        let frame = SearchFrame::new(&[], &[], &[]).unwrap();
        assert!(frame.tallies_by("group").unwrap().is_empty());
    }
}
