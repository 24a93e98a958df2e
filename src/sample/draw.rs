//! The draw, algorithm `hash-rank-v1`: rank the eligible records by a keyed
//! SHA-256, then deal them round-robin to the champions. Pure: the same
//! inputs give the same draw on any machine, which is what lets a panel
//! recompute it.

use serde::{Deserialize, Serialize};

use crate::hashing::{rank_key_of, ALGORITHM};

/// A stop-and-search champion, as the champions file gives them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Champion {
    pub name: String,
    /// Their own officer id: they never review their own searches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub officer_id: Option<String>,
    /// Their area: they review only searches from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
}

impl Champion {
    /// Whether this champion may review a record. Values compare after
    /// trimming, exactly (the README's contract).
    pub fn can_take(&self, candidate: &Candidate<'_>) -> bool {
        let own_search = match (&self.officer_id, candidate.officer) {
            (Some(mine), Some(theirs)) => mine.trim() == theirs.trim(),
            _ => false,
        };
        let in_area = match (&self.area, candidate.area) {
            (Some(mine), Some(theirs)) => mine.trim() == theirs.trim(),
            _ => true,
        };
        !own_search && in_area
    }
}

/// A record that may be drawn: not in an earlier draw, in the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate<'a> {
    pub record_id: &'a str,
    /// The officer column's value, when an officer column is mapped.
    pub officer: Option<&'a str>,
    /// The area column's value, when an area column is mapped.
    pub area: Option<&'a str>,
    /// Officer-defined ethnicity Black, Asian, Mixed or Other: the
    /// `minority` stratum of `hash-rank-v2`.
    pub minority: bool,
    /// A power that needs no reasonable grounds (section 60, 47A, ...):
    /// dealt like any search, outside every stratum population.
    pub no_suspicion: bool,
}

impl<'a> Candidate<'a> {
    /// A record with no officer, area, minority or power information.
    pub fn plain(record_id: &'a str) -> Self {
        Self {
            record_id,
            officer: None,
            area: None,
            minority: false,
            no_suspicion: false,
        }
    }
}

/// What to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawRequest<'a> {
    pub seed: &'a str,
    /// `YYYY-MM`.
    pub month: &'a str,
    pub per_champion: usize,
    pub reserves: usize,
}

/// One champion's part of a draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChampionDraw {
    #[serde(flatten)]
    pub champion: Champion,
    /// How many of the month's candidates this champion could take (their pool, N).
    pub eligible: usize,
    /// Record ids to review, in draw order.
    pub sample: Vec<String>,
    /// Record ids to use, in order, when a sampled search cannot be reviewed.
    pub reserves: Vec<String>,
    /// How many searches short of `per_champion` the sample is.
    pub sample_shortfall: usize,
    /// How many short of `reserves` the reserve list is.
    pub reserve_shortfall: usize,
    /// The stratum of each sampled record: an index into the manifest's
    /// `strata`, or `null` for a search under a no-suspicion power (outside
    /// every stratum). Absent in manifests made before strata were kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sample_strata: Vec<Option<usize>>,
    /// The same for each reserve.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reserve_strata: Vec<Option<usize>>,
    /// `hash-rank-v2`: how many short of K minority searches the sample is
    /// (topped up from the rest stratum).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub minority_shortfall: usize,
    /// `hash-rank-v2`: how many short of their minority share the reserves are.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub minority_reserve_shortfall: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl ChampionDraw {
    /// A champion's empty draw, before dealing.
    pub(super) fn empty(champion: &Champion, candidates: &[Candidate<'_>]) -> Self {
        Self {
            champion: champion.clone(),
            eligible: candidates.iter().filter(|c| champion.can_take(c)).count(),
            sample: Vec::new(),
            reserves: Vec::new(),
            sample_shortfall: 0,
            reserve_shortfall: 0,
            sample_strata: Vec::new(),
            reserve_strata: Vec::new(),
            minority_shortfall: 0,
            minority_reserve_shortfall: 0,
        }
    }
}

/// Ranks candidates by ascending `rank_key`; ties (impossible in practice)
/// fall back to the record id so the order is total.
pub fn rank<'a>(candidates: &[Candidate<'a>], seed: &str, month: &str) -> Vec<Candidate<'a>> {
    rank_order(candidates, ALGORITHM, seed, month, |_| true)
        .into_iter()
        .map(|i| candidates[i as usize])
        .collect()
}

/// The indices of the candidates `keep` accepts, in rank order under
/// `algorithm`. Keys with indices, not copies of the candidates: a large
/// force's month has hundreds of thousands.
pub(super) fn rank_order(
    candidates: &[Candidate<'_>],
    algorithm: &str,
    seed: &str,
    month: &str,
    keep: impl Fn(&Candidate<'_>) -> bool,
) -> Vec<u32> {
    let mut keyed: Vec<([u8; 32], u32)> = candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| keep(c))
        .map(|(i, c)| (rank_key_of(algorithm, seed, month, c.record_id), i as u32))
        .collect();
    keyed.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0).then_with(|| {
            candidates[a.1 as usize]
                .record_id
                .cmp(candidates[b.1 as usize].record_id)
        })
    });
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// The whole draw: see the README, "The draw (hash-rank-v1)".
pub fn draw(
    candidates: &[Candidate<'_>],
    champions: &[Champion],
    request: &DrawRequest<'_>,
) -> Vec<ChampionDraw> {
    let order = rank_order(candidates, ALGORITHM, request.seed, request.month, |_| true);
    let mut draws: Vec<ChampionDraw> = champions
        .iter()
        .map(|champion| ChampionDraw::empty(champion, candidates))
        .collect();

    let mut taken = vec![false; order.len()];
    deal(
        candidates,
        &order,
        &mut taken,
        &mut draws,
        request.per_champion,
        |d| &mut d.sample,
    );
    deal(
        candidates,
        &order,
        &mut taken,
        &mut draws,
        request.reserves,
        |d| &mut d.reserves,
    );
    for d in &mut draws {
        d.sample_shortfall = request.per_champion - d.sample.len();
        d.reserve_shortfall = request.reserves - d.reserves.len();
    }
    draws
}

/// One phase: walk the ranked list from the top, skipping records already
/// taken, giving each record to the next champion in round-robin order
/// (starting at the first) who can take it and still needs records; a record
/// nobody can take is passed over. Stops as soon as everyone has `wanted`.
///
/// DESIGN.md started the reserve phase after the last record the sample phase
/// examined. When one champion's pool is too small to fill, the sample phase
/// examines every record, and that rule left every champion without
/// reserves; walking again from the top gives the same draw whenever no
/// record was passed over, and reserves for everyone who can have them.
pub(super) fn deal(
    candidates: &[Candidate<'_>],
    order: &[u32],
    taken: &mut [bool],
    draws: &mut [ChampionDraw],
    wanted: usize,
    list: impl Fn(&mut ChampionDraw) -> &mut Vec<String>,
) {
    let count = draws.len();
    let mut next = 0;
    for (position, candidate) in order.iter().map(|&i| &candidates[i as usize]).enumerate() {
        if !draws.iter_mut().any(|d| list(d).len() < wanted) {
            break;
        }
        if taken[position] {
            continue;
        }
        for offset in 0..count {
            let index = (next + offset) % count;
            let needs = list(&mut draws[index]).len() < wanted;
            if needs && draws[index].champion.can_take(candidate) {
                list(&mut draws[index]).push(candidate.record_id.to_string());
                taken[position] = true;
                next = (index + 1) % count;
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn champion(name: &str, officer: Option<&str>, area: Option<&str>) -> Champion {
        Champion {
            name: name.into(),
            officer_id: officer.map(Into::into),
            area: area.map(Into::into),
        }
    }

    fn ids(count: usize) -> Vec<String> {
        (0..count).map(|i| format!("r{i}")).collect()
    }

    fn plain(ids: &[String]) -> Vec<Candidate<'_>> {
        ids.iter().map(|id| Candidate::plain(id)).collect()
    }

    fn request(per: usize, reserves: usize) -> DrawRequest<'static> {
        DrawRequest {
            seed: "s",
            month: "2019-01",
            per_champion: per,
            reserves,
        }
    }

    #[test]
    fn round_robin_over_the_ranking() {
        let ids = ids(50);
        let candidates = plain(&ids);
        let ranked = rank(&candidates, "s", "2019-01");
        let champions = [champion("A", None, None), champion("B", None, None)];
        let draws = draw(&candidates, &champions, &request(3, 2));
        let order: Vec<&str> = ranked.iter().map(|c| c.record_id).collect();
        assert_eq!(draws[0].sample, [order[0], order[2], order[4]]);
        assert_eq!(draws[1].sample, [order[1], order[3], order[5]]);
        assert_eq!(draws[0].reserves, [order[6], order[8]]);
        assert_eq!(draws[1].reserves, [order[7], order[9]]);
        assert_eq!(draws[0].eligible, 50);
    }

    #[test]
    fn never_their_own_search_and_only_their_area() {
        let ids = ids(200);
        let candidates: Vec<Candidate<'_>> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| Candidate {
                officer: Some(["o1", "o2", "o3"][i % 3]),
                area: Some(["North", "South"][i % 2]),
                ..Candidate::plain(id)
            })
            .collect();
        let champions = [
            champion("A", Some("o1"), Some("North")),
            champion("B", Some("o2"), None),
        ];
        let draws = draw(&candidates, &champions, &request(20, 5));
        let by_id = |id: &str| candidates.iter().find(|c| c.record_id == id).unwrap();
        for id in draws[0].sample.iter().chain(&draws[0].reserves) {
            assert_ne!(by_id(id).officer, Some("o1"));
            assert_eq!(by_id(id).area, Some("North"));
        }
        for id in draws[1].sample.iter().chain(&draws[1].reserves) {
            assert_ne!(by_id(id).officer, Some("o2"));
        }
        // North (even i) but not o1's own (i divisible by 3): i % 6 == 0 excluded.
        assert_eq!(
            draws[0].eligible,
            (0..200).filter(|i| i % 2 == 0 && i % 3 != 0).count()
        );
        let all: Vec<&String> = draws
            .iter()
            .flat_map(|d| d.sample.iter().chain(&d.reserves))
            .collect();
        assert_eq!(
            all.len(),
            all.iter().collect::<HashSet<_>>().len(),
            "a record went to two places"
        );
    }

    #[test]
    fn shortfall_is_counted_not_hidden() {
        let ids = ids(7);
        let draws = draw(
            &plain(&ids),
            &[champion("A", None, None), champion("B", None, None)],
            &request(3, 2),
        );
        let sampled: usize = draws.iter().map(|d| d.sample.len()).sum();
        assert_eq!(sampled, 6);
        assert_eq!(draws.iter().map(|d| d.reserves.len()).sum::<usize>(), 1);
        assert_eq!(draws[0].reserve_shortfall + draws[1].reserve_shortfall, 3);
        assert_eq!(draws[0].sample_shortfall, 0);
    }

    #[test]
    fn a_champion_with_a_small_pool_does_not_hold_up_others() {
        let ids = ids(100);
        let candidates: Vec<Candidate<'_>> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| Candidate {
                area: Some(if i < 4 { "Tiny" } else { "Big" }),
                ..Candidate::plain(id)
            })
            .collect();
        let champions = [
            champion("T", None, Some("Tiny")),
            champion("B", None, Some("Big")),
        ];
        let draws = draw(&candidates, &champions, &request(10, 2));
        assert_eq!(draws[0].sample.len(), 4);
        assert_eq!(draws[0].sample_shortfall, 6);
        assert_eq!(draws[1].sample.len(), 10);
        assert_eq!(draws[0].eligible, 4);
        // The small pool is exhausted, but the other champion still gets reserves.
        assert_eq!(draws[0].reserves.len(), 0);
        assert_eq!(draws[1].reserves.len(), 2);
    }

    /// The published rule for reserves: the walk starts again at the top of
    /// the ranking, so a record passed over in the sample phase (its only
    /// possible champion was already full) is still that champion's first
    /// reserve.
    #[test]
    fn a_record_passed_over_in_the_sample_phase_can_be_a_reserve() {
        let ids = ids(40);
        let candidates: Vec<Candidate<'_>> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| Candidate {
                area: Some(if i % 4 == 0 { "North" } else { "South" }),
                ..Candidate::plain(id)
            })
            .collect();
        let champions = [
            champion("N", None, Some("North")),
            champion("S", None, Some("South")),
        ];
        let in_area = |ranked: &[Candidate<'_>], area: &str| -> Vec<usize> {
            (0..ranked.len())
                .filter(|&i| ranked[i].area == Some(area))
                .collect()
        };
        // A seed where North's third record ranks before South's second:
        // the sample phase examines it while North is already full.
        let seed = (0..1000)
            .map(|n| format!("seed-{n}"))
            .find(|seed| {
                let ranked = rank(&candidates, seed, "2019-01");
                in_area(&ranked, "North")[2] < in_area(&ranked, "South")[1]
            })
            .expect("some seed ranks a North record between the samples");
        let ranked = rank(&candidates, &seed, "2019-01");
        let (north, south) = (in_area(&ranked, "North"), in_area(&ranked, "South"));
        let request = DrawRequest {
            seed: &seed,
            month: "2019-01",
            per_champion: 2,
            reserves: 1,
        };
        let draws = draw(&candidates, &champions, &request);
        assert_eq!(
            draws[0].sample,
            [ranked[north[0]].record_id, ranked[north[1]].record_id]
        );
        assert_eq!(
            draws[1].sample,
            [ranked[south[0]].record_id, ranked[south[1]].record_id]
        );
        assert_eq!(
            draws[0].reserves,
            [ranked[north[2]].record_id],
            "the passed-over record is North's reserve"
        );
        assert_eq!(draws[1].reserves, [ranked[south[2]].record_id]);
    }

    #[test]
    fn seed_changes_the_ranking() {
        let ids = ids(100);
        let candidates = plain(&ids);
        assert_eq!(
            rank(&candidates, "a", "2019-01"),
            rank(&candidates, "a", "2019-01")
        );
        assert_ne!(
            rank(&candidates, "a", "2019-01"),
            rank(&candidates, "b", "2019-01")
        );
        assert_ne!(
            rank(&candidates, "a", "2019-01"),
            rank(&candidates, "a", "2019-02")
        );
    }
}
