//! The stratified draw, algorithm `hash-rank-v2`: of each champion's
//! searches, K are dealt from people the officer recorded as Black, Asian,
//! Mixed or Other, so the minority-ethnic figure has a usable interval.
//! Each stratum is ranked like `hash-rank-v1` (with `hash-rank-v2` in the
//! key) and dealt in four phases; see the README, "The stratified draw".

use super::draw::{deal, rank_order, Candidate, Champion, ChampionDraw, DrawRequest};
use super::strata::{strata, DrawDesign};
use crate::hashing::ALGORITHM_V2;

/// Why a stratified draw cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DesignError {
    #[error(
        "--minority-per-champion {minority} is more than --per-champion {per_champion}: \
         K of each champion's searches are minority-ethnic, so K can be at most --per-champion"
    )]
    MoreThanPerChampion {
        minority: usize,
        per_champion: usize,
    },
}

/// How the draw is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    /// `hash-rank-v1`: one ranking of the whole month.
    Unstratified,
    /// `hash-rank-v2` with K minority-ethnic searches per champion.
    Minority { k: usize },
}

impl Design {
    /// The design `--minority-per-champion` asks for; refuses K above `per_champion`.
    pub fn new(
        minority_per_champion: Option<usize>,
        per_champion: usize,
    ) -> Result<Self, DesignError> {
        match minority_per_champion {
            None => Ok(Design::Unstratified),
            Some(k) if k > per_champion => Err(DesignError::MoreThanPerChampion {
                minority: k,
                per_champion,
            }),
            Some(k) => Ok(Design::Minority { k }),
        }
    }

    /// The algorithm id for the manifest.
    pub fn algorithm(self) -> &'static str {
        match self {
            Design::Unstratified => crate::hashing::ALGORITHM,
            Design::Minority { .. } => ALGORITHM_V2,
        }
    }

    /// K, for the manifest.
    pub fn minority_per_champion(self) -> Option<usize> {
        match self {
            Design::Unstratified => None,
            Design::Minority { k } => Some(k),
        }
    }
}

/// A draw and its strata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dealt {
    pub champions: Vec<ChampionDraw>,
    pub design: DrawDesign,
}

/// The whole draw under either algorithm, with the strata every estimate
/// needs. Pure: `verify` calls it with what the manifest records.
pub fn draw_with_design(
    candidates: &[Candidate<'_>],
    champions: &[Champion],
    request: &DrawRequest<'_>,
    design: Design,
) -> Dealt {
    let draws = match design {
        Design::Unstratified => super::draw::draw(candidates, champions, request),
        Design::Minority { k } => draw_stratified(candidates, champions, request, k),
    };
    Dealt::with_strata(candidates, champions, request, design, draws)
}

impl Dealt {
    /// The champions' draws with the strata `design` puts their searches in.
    pub(super) fn with_strata(
        candidates: &[Candidate<'_>],
        champions: &[Champion],
        request: &DrawRequest<'_>,
        design: Design,
        mut draws: Vec<ChampionDraw>,
    ) -> Self {
        let by_ethnicity = matches!(design, Design::Minority { .. });
        let design = strata(
            candidates,
            champions,
            request.month,
            by_ethnicity,
            &mut draws,
        );
        Dealt {
            champions: draws,
            design,
        }
    }
}

fn sample(draw: &mut ChampionDraw) -> &mut Vec<String> {
    &mut draw.sample
}

fn reserves(draw: &mut ChampionDraw) -> &mut Vec<String> {
    &mut draw.reserves
}

/// The minority share of the reserves: ceil(reserves x K / per_champion).
pub fn minority_reserves(reserves: usize, minority: usize, per_champion: usize) -> usize {
    if per_champion == 0 {
        return 0;
    }
    (reserves * minority).div_ceil(per_champion)
}

/// `hash-rank-v2`'s dealing: (a) sample, minority, to K each; (b) sample,
/// rest, to `per_champion` in all; (c) reserves, minority, to their share;
/// (d) reserves, rest, to `reserves` in all. Each phase walks its stratum's
/// ranking from the top, skipping records already dealt, round-robin from
/// the first champion.
pub fn draw_stratified(
    candidates: &[Candidate<'_>],
    champions: &[Champion],
    request: &DrawRequest<'_>,
    minority: usize,
) -> Vec<ChampionDraw> {
    let (seed, month) = (request.seed, request.month);
    let minority_order = rank_order(candidates, ALGORITHM_V2, seed, month, |c| c.minority);
    let rest_order = rank_order(candidates, ALGORITHM_V2, seed, month, |c| !c.minority);
    let mut minority_taken = vec![false; minority_order.len()];
    let mut rest_taken = vec![false; rest_order.len()];
    let mut draws: Vec<ChampionDraw> = champions
        .iter()
        .map(|champion| ChampionDraw::empty(champion, candidates))
        .collect();
    let minority = minority.min(request.per_champion);
    let minority_reserves = minority_reserves(request.reserves, minority, request.per_champion);

    deal(
        candidates,
        &minority_order,
        &mut minority_taken,
        &mut draws,
        minority,
        sample,
    );
    for d in &mut draws {
        d.minority_shortfall = minority - d.sample.len();
    }
    deal(
        candidates,
        &rest_order,
        &mut rest_taken,
        &mut draws,
        request.per_champion,
        sample,
    );
    deal(
        candidates,
        &minority_order,
        &mut minority_taken,
        &mut draws,
        minority_reserves,
        reserves,
    );
    for d in &mut draws {
        d.minority_reserve_shortfall = minority_reserves - d.reserves.len();
    }
    deal(
        candidates,
        &rest_order,
        &mut rest_taken,
        &mut draws,
        request.reserves,
        reserves,
    );
    for d in &mut draws {
        d.sample_shortfall = request.per_champion - d.sample.len();
        d.reserve_shortfall = request.reserves - d.reserves.len();
    }
    draws
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::hashing::rank_key_of;
    use crate::sample::strata::SamplingGroup;

    fn champion(name: &str, area: Option<&str>) -> Champion {
        Champion {
            name: name.into(),
            officer_id: None,
            area: area.map(Into::into),
        }
    }

    fn request(per: usize, reserves: usize) -> DrawRequest<'static> {
        DrawRequest {
            seed: "seed",
            month: "2019-01",
            per_champion: per,
            reserves,
        }
    }

    /// The ids of one group ranked by the v2 key, straight from SHA-256.
    fn ranked(candidates: &[Candidate<'_>], minority: bool) -> Vec<String> {
        let mut keyed: Vec<([u8; 32], &str)> = candidates
            .iter()
            .filter(|c| c.minority == minority)
            .map(|c| {
                (
                    rank_key_of("hash-rank-v2", "seed", "2019-01", c.record_id),
                    c.record_id,
                )
            })
            .collect();
        keyed.sort();
        keyed.into_iter().map(|(_, id)| id.to_string()).collect()
    }

    fn month(ids: &[String], minority_every: usize) -> Vec<Candidate<'_>> {
        ids.iter()
            .enumerate()
            .map(|(i, id)| Candidate {
                minority: i % minority_every == 0,
                ..Candidate::plain(id)
            })
            .collect()
    }

    #[test]
    fn four_phases_over_two_rankings() {
        let ids: Vec<String> = (0..200).map(|i| format!("r{i}")).collect();
        let candidates = month(&ids, 5);
        let champions = [champion("A", None), champion("B", None)];
        let draws = draw_stratified(&candidates, &champions, &request(6, 4), 2);
        let (m, r) = (ranked(&candidates, true), ranked(&candidates, false));
        let pick = |m_at: &[usize], r_at: &[usize]| -> Vec<String> {
            m_at.iter()
                .map(|&i| m[i].clone())
                .chain(r_at.iter().map(|&i| r[i].clone()))
                .collect()
        };
        assert_eq!(draws[0].sample, pick(&[0, 2], &[0, 2, 4, 6]));
        assert_eq!(draws[1].sample, pick(&[1, 3], &[1, 3, 5, 7]));
        // ceil(4 x 2 / 6) = 2 minority reserves each, then rest to 4.
        assert_eq!(draws[0].reserves, pick(&[4, 6], &[8, 10]));
        assert_eq!(draws[1].reserves, pick(&[5, 7], &[9, 11]));
        assert!(draws.iter().all(|d| d.sample_shortfall == 0
            && d.minority_shortfall == 0
            && d.reserve_shortfall == 0));
    }

    #[test]
    fn a_short_minority_stratum_is_topped_up_from_the_rest() {
        let ids: Vec<String> = (0..100).map(|i| format!("r{i}")).collect();
        // 5 minority records for 3 champions wanting 4 each.
        let candidates = month(&ids, 20);
        let champions = [
            champion("A", None),
            champion("B", None),
            champion("C", None),
        ];
        let draws = draw_stratified(&candidates, &champions, &request(10, 3), 4);
        let minority: HashSet<&str> = candidates
            .iter()
            .filter(|c| c.minority)
            .map(|c| c.record_id)
            .collect();
        let count = |ids: &[String]| {
            ids.iter()
                .filter(|id| minority.contains(id.as_str()))
                .count()
        };
        assert_eq!(
            draws.iter().map(|d| count(&d.sample)).collect::<Vec<_>>(),
            [2, 2, 1]
        );
        assert_eq!(
            draws
                .iter()
                .map(|d| d.minority_shortfall)
                .collect::<Vec<_>>(),
            [2, 2, 3]
        );
        for d in &draws {
            assert_eq!(d.sample.len(), 10, "topped up to per_champion");
            assert_eq!(d.sample_shortfall, 0);
            assert_eq!(d.reserves.len(), 3);
            assert_eq!(count(&d.reserves), 0, "no minority record left");
            assert_eq!(d.minority_reserve_shortfall, 2, "ceil(3 x 4 / 10) = 2");
        }
    }

    #[test]
    fn reserves_per_stratum_and_areas() {
        let ids: Vec<String> = (0..400).map(|i| format!("r{i}")).collect();
        let candidates: Vec<Candidate<'_>> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| Candidate {
                area: Some(if i % 2 == 0 { "North" } else { "South" }),
                minority: i % 3 == 0,
                ..Candidate::plain(id)
            })
            .collect();
        let champions = [
            champion("N", Some("North")),
            champion("S", Some("South")),
            champion("X", None),
        ];
        let request = request(20, 5);
        let dealt = draw_with_design(
            &candidates,
            &champions,
            &request,
            Design::Minority { k: 10 },
        );
        let area_of = |id: &str| candidates.iter().find(|c| c.record_id == id).unwrap();
        for d in &dealt.champions {
            let groups = |strata: &[Option<usize>]| -> Vec<SamplingGroup> {
                strata
                    .iter()
                    .map(|h| dealt.design.strata[h.unwrap()].group)
                    .collect()
            };
            let sample = groups(&d.sample_strata);
            assert_eq!(
                sample
                    .iter()
                    .filter(|g| **g == SamplingGroup::Minority)
                    .count(),
                10
            );
            // The minority ones first, in the order dealt.
            assert!(sample[..10].iter().all(|g| *g == SamplingGroup::Minority));
            let reserves = groups(&d.reserve_strata);
            assert_eq!(
                reserves,
                [
                    SamplingGroup::Minority,
                    SamplingGroup::Minority,
                    SamplingGroup::Minority,
                    SamplingGroup::Rest,
                    SamplingGroup::Rest
                ],
                "ceil(5 x 10 / 20) = 3 minority reserves"
            );
            if let Some(area) = &d.champion.area {
                for id in d.sample.iter().chain(&d.reserves) {
                    assert_eq!(area_of(id).area, Some(area.as_str()));
                }
            }
        }
        let all: Vec<&String> = dealt
            .champions
            .iter()
            .flat_map(|d| d.sample.iter().chain(&d.reserves))
            .collect();
        assert_eq!(all.len(), all.iter().collect::<HashSet<_>>().len());
        assert_eq!(dealt.design.strata.len(), 4, "two areas x two groups");
    }

    #[test]
    fn k_above_per_champion_is_refused() {
        assert_eq!(
            Design::new(Some(21), 20),
            Err(DesignError::MoreThanPerChampion {
                minority: 21,
                per_champion: 20
            })
        );
        assert_eq!(Design::new(Some(20), 20), Ok(Design::Minority { k: 20 }));
        assert_eq!(Design::new(None, 20), Ok(Design::Unstratified));
        assert_eq!(
            Design::new(Some(0), 20).unwrap().algorithm(),
            "hash-rank-v2"
        );
        assert_eq!(minority_reserves(5, 10, 20), 3);
        assert_eq!(minority_reserves(5, 0, 20), 0);
        assert_eq!(minority_reserves(0, 10, 20), 0);
    }

    #[test]
    fn v1_design_is_the_v1_draw() {
        let ids: Vec<String> = (0..60).map(|i| format!("r{i}")).collect();
        let candidates = month(&ids, 3);
        let champions = [champion("A", None), champion("B", None)];
        let request = request(5, 2);
        let dealt = draw_with_design(&candidates, &champions, &request, Design::Unstratified);
        let v1 = super::super::draw::draw(&candidates, &champions, &request);
        for (a, b) in dealt.champions.iter().zip(&v1) {
            assert_eq!((&a.sample, &a.reserves), (&b.sample, &b.reserves));
        }
        assert_eq!(dealt.design.strata.len(), 1);
        assert_eq!(dealt.design.strata[0].group, SamplingGroup::All);
    }
}
