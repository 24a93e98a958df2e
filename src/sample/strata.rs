//! The strata of a draw, for design-based estimates: which pool each dealt
//! search was drawn from, and how many searches needing reasonable grounds
//! that pool held (N_h). Known only at draw time, so kept in the manifest:
//! a report never reads an export again.
//!
//! A stratum is (month, area pool, sampling group). The area pool is the
//! record's area when champions draw by area, else one pool for the force;
//! the sampling group is `all` for `hash-rank-v1` and `minority` / `rest`
//! for `hash-rank-v2`. Every candidate of the month is in exactly one of:
//! a stratum's `population`, `no_suspicion` (a power needing no grounds), or
//! `coverage_gap` (no champion can take it).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::draw::{Candidate, Champion, ChampionDraw};

/// The sampling group of a stratum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SamplingGroup {
    /// `hash-rank-v1`: one group.
    All,
    /// `hash-rank-v2`: officer-defined Black, Asian, Mixed or Other.
    Minority,
    /// `hash-rank-v2`: everyone else (White, not stated, unrecognised).
    Rest,
}

impl SamplingGroup {
    /// The group of a candidate in a draw that is (or is not) stratified by ethnicity.
    pub fn of(candidate: &Candidate<'_>, by_ethnicity: bool) -> Self {
        match (by_ethnicity, candidate.minority) {
            (false, _) => SamplingGroup::All,
            (true, true) => SamplingGroup::Minority,
            (true, false) => SamplingGroup::Rest,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SamplingGroup::All => "all",
            SamplingGroup::Minority => "minority",
            SamplingGroup::Rest => "rest",
        }
    }
}

/// One stratum of a draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stratum {
    /// `YYYY-MM`.
    pub month: String,
    /// The area pool; `null` when champions do not draw by area.
    pub area: Option<String>,
    pub group: SamplingGroup,
    /// N_h: the stratum's searches some champion can take that need
    /// reasonable grounds.
    pub population: usize,
    /// Sampled searches in the stratum (no-suspicion searches not counted).
    pub dealt: usize,
    /// Reserves in the stratum.
    pub reserves: usize,
}

/// What a draw's strata are, as the manifest records them (flattened into it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawDesign {
    pub strata: Vec<Stratum>,
    /// Searches some champion can take under a no-suspicion power: dealt
    /// for conduct review, outside every stratum.
    pub no_suspicion: usize,
    /// Searches no champion can take (the only champion of the area is the
    /// officer, or no champion covers the area): outside every stratum.
    pub coverage_gap: usize,
}

impl DrawDesign {
    /// The stratum of a dealt record, by champion and position: `None` for
    /// a no-suspicion search or a manifest made before strata were kept.
    pub fn stratum_of<'a>(&'a self, draw: &ChampionDraw, record_id: &str) -> Option<&'a Stratum> {
        let position = |ids: &[String], strata: &[Option<usize>]| {
            ids.iter()
                .position(|id| id == record_id)
                .and_then(|i| strata.get(i).copied().flatten())
        };
        position(&draw.sample, &draw.sample_strata)
            .or_else(|| position(&draw.reserves, &draw.reserve_strata))
            .and_then(|index| self.strata.get(index))
    }
}

/// Every way a manifest's strata (and each champion's strata lists and
/// minority shortfalls) differ from a recomputed draw's, for people. A
/// manifest made before strata were kept (`stored` is `None`) has nothing
/// to compare.
pub fn design_differences(
    stored: Option<&DrawDesign>,
    stored_champions: &[ChampionDraw],
    fresh: &DrawDesign,
    fresh_champions: &[ChampionDraw],
) -> Vec<String> {
    let Some(stored) = stored else {
        return Vec::new();
    };
    let mut differences = Vec::new();
    let describe = |s: &Stratum| {
        format!(
            "{} {} {}",
            s.month,
            s.area.as_deref().unwrap_or("(one pool)"),
            s.group.label()
        )
    };
    if stored.strata.len() != fresh.strata.len() {
        differences.push(format!(
            "the manifest has {} strata, the export gives {}",
            stored.strata.len(),
            fresh.strata.len()
        ));
    }
    for (a, b) in stored.strata.iter().zip(&fresh.strata) {
        if a != b {
            differences.push(format!(
                "stratum {}: manifest says population {}, dealt {}, reserves {}; recomputed {}: population {}, dealt {}, reserves {}",
                describe(a),
                a.population,
                a.dealt,
                a.reserves,
                describe(b),
                b.population,
                b.dealt,
                b.reserves
            ));
        }
    }
    for (what, a, b) in [
        (
            "no-suspicion searches",
            stored.no_suspicion,
            fresh.no_suspicion,
        ),
        ("coverage gap", stored.coverage_gap, fresh.coverage_gap),
    ] {
        if a != b {
            differences.push(format!("{what}: manifest says {a}, the export gives {b}"));
        }
    }
    for (a, b) in stored_champions.iter().zip(fresh_champions) {
        let name = &a.champion.name;
        if a.sample_strata != b.sample_strata || a.reserve_strata != b.reserve_strata {
            differences.push(format!("{name}: the strata of the dealt searches differ"));
        }
        if (a.minority_shortfall, a.minority_reserve_shortfall)
            != (b.minority_shortfall, b.minority_reserve_shortfall)
        {
            differences.push(format!(
                "{name}: manifest says minority shortfall {} (reserves {}), recomputed {} ({})",
                a.minority_shortfall,
                a.minority_reserve_shortfall,
                b.minority_shortfall,
                b.minority_reserve_shortfall
            ));
        }
    }
    differences
}

/// Works out the strata of a dealt draw and fills each champion's
/// `sample_strata` and `reserve_strata`. `by_ethnicity`: the draw is
/// `hash-rank-v2`. Pure: verify recomputes it from the export.
pub fn strata(
    candidates: &[Candidate<'_>],
    champions: &[Champion],
    month: &str,
    by_ethnicity: bool,
    draws: &mut [ChampionDraw],
) -> DrawDesign {
    let by_area = champions.iter().any(|c| c.area.is_some());
    type Key<'k> = (Option<&'k str>, SamplingGroup);
    let mut population: BTreeMap<Key<'_>, usize> = BTreeMap::new();
    let mut of_record: HashMap<&str, Option<Key<'_>>> = HashMap::new();
    let (mut no_suspicion, mut coverage_gap) = (0, 0);
    for candidate in candidates {
        if !champions.iter().any(|c| c.can_take(candidate)) {
            coverage_gap += 1;
            continue;
        }
        let area = if by_area { candidate.area } else { None };
        let key = (area, SamplingGroup::of(candidate, by_ethnicity));
        let count = population.entry(key).or_default();
        if candidate.no_suspicion {
            no_suspicion += 1;
            of_record.insert(candidate.record_id, None);
        } else {
            *count += 1;
            of_record.insert(candidate.record_id, Some(key));
        }
    }
    let index: HashMap<Key<'_>, usize> = population
        .keys()
        .enumerate()
        .map(|(i, key)| (*key, i))
        .collect();
    let mut strata: Vec<Stratum> = population
        .iter()
        .map(|(&(area, group), &population)| Stratum {
            month: month.to_string(),
            area: area.map(str::to_string),
            group,
            population,
            dealt: 0,
            reserves: 0,
        })
        .collect();
    let stratum = |id: &String| -> Option<usize> {
        of_record
            .get(id.as_str())
            .copied()
            .flatten()
            .map(|key| index[&key])
    };
    for draw in draws.iter_mut() {
        draw.sample_strata = draw.sample.iter().map(stratum).collect();
        draw.reserve_strata = draw.reserves.iter().map(stratum).collect();
        for &h in draw.sample_strata.iter().flatten() {
            strata[h].dealt += 1;
        }
        for &h in draw.reserve_strata.iter().flatten() {
            strata[h].reserves += 1;
        }
    }
    DrawDesign {
        strata,
        no_suspicion,
        coverage_gap,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::draw::{draw, DrawRequest};

    fn champion(name: &str, officer: Option<&str>, area: Option<&str>) -> Champion {
        Champion {
            name: name.into(),
            officer_id: officer.map(Into::into),
            area: area.map(Into::into),
        }
    }

    /// 120 records: areas North/South/East (East has no champion), officer
    /// o1 on every fifth, minority every third, section 60 every seventh.
    fn month(ids: &[String]) -> Vec<Candidate<'_>> {
        ids.iter()
            .enumerate()
            .map(|(i, id)| Candidate {
                record_id: id,
                officer: Some(if i % 5 == 0 { "o1" } else { "o2" }),
                area: Some(["North", "South", "East"][i % 3]),
                minority: i % 4 == 0,
                no_suspicion: i % 7 == 0,
            })
            .collect()
    }

    fn request() -> DrawRequest<'static> {
        DrawRequest {
            seed: "s",
            month: "2019-01",
            per_champion: 5,
            reserves: 2,
        }
    }

    #[test]
    fn every_candidate_is_counted_once() {
        let ids: Vec<String> = (0..120).map(|i| format!("r{i}")).collect();
        let candidates = month(&ids);
        // North's only champion is o1: o1's North searches are a coverage gap.
        let champions = [
            champion("N", Some("o1"), Some("North")),
            champion("S", None, Some("South")),
        ];
        let mut draws = draw(&candidates, &champions, &request());
        let design = strata(&candidates, &champions, "2019-01", true, &mut draws);
        let in_strata: usize = design.strata.iter().map(|s| s.population).sum();
        assert_eq!(
            in_strata + design.no_suspicion + design.coverage_gap,
            candidates.len()
        );
        let east = (0..120).filter(|i| i % 3 == 2).count();
        let north_own = (0..120).filter(|i| i % 3 == 0 && i % 5 == 0).count();
        assert_eq!(design.coverage_gap, east + north_own);
        let takeable = |i: &usize| i % 3 == 1 || (i % 3 == 0 && i % 5 != 0);
        assert_eq!(
            design.no_suspicion,
            (0..120).filter(takeable).filter(|i| i % 7 == 0).count()
        );
        let north_minority = design
            .strata
            .iter()
            .find(|s| s.area.as_deref() == Some("North") && s.group == SamplingGroup::Minority)
            .unwrap();
        assert_eq!(
            north_minority.population,
            (0..120)
                .filter(|i| i % 3 == 0 && i % 5 != 0 && i % 4 == 0 && i % 7 != 0)
                .count()
        );
        assert!(design
            .strata
            .iter()
            .all(|s| s.area.as_deref() != Some("East")));
    }

    #[test]
    fn each_dealt_record_knows_its_stratum() {
        let ids: Vec<String> = (0..120).map(|i| format!("r{i}")).collect();
        let candidates = month(&ids);
        let champions = [
            champion("N", None, Some("North")),
            champion("S", None, Some("South")),
        ];
        let mut draws = draw(&candidates, &champions, &request());
        let design = strata(&candidates, &champions, "2019-01", false, &mut draws);
        let by_id: HashMap<&str, &Candidate<'_>> =
            candidates.iter().map(|c| (c.record_id, c)).collect();
        let mut dealt = vec![0; design.strata.len()];
        for draw in &draws {
            assert_eq!(draw.sample_strata.len(), draw.sample.len());
            assert_eq!(draw.reserve_strata.len(), draw.reserves.len());
            for (id, h) in draw.sample.iter().zip(&draw.sample_strata) {
                let record = by_id[id.as_str()];
                match h {
                    None => assert!(record.no_suspicion),
                    Some(h) => {
                        let stratum = &design.strata[*h];
                        assert_eq!(stratum.area.as_deref(), record.area);
                        assert_eq!(stratum.group, SamplingGroup::All);
                        assert_eq!(design.stratum_of(draw, id), Some(stratum));
                        dealt[*h] += 1;
                    }
                }
            }
        }
        let stored: Vec<usize> = design.strata.iter().map(|s| s.dealt).collect();
        assert_eq!(stored, dealt);
        assert_eq!(design.strata.len(), 2, "North and South, one group");
    }

    #[test]
    fn without_areas_one_pool() {
        let ids: Vec<String> = (0..50).map(|i| format!("r{i}")).collect();
        let candidates: Vec<Candidate<'_>> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| Candidate {
                area: Some(if i % 2 == 0 { "A" } else { "B" }),
                minority: i % 2 == 0,
                ..Candidate::plain(id)
            })
            .collect();
        let champions = [champion("X", None, None), champion("Y", None, None)];
        let mut draws = draw(&candidates, &champions, &request());
        let v1 = strata(&candidates, &champions, "2019-01", false, &mut draws);
        assert_eq!(v1.strata.len(), 1);
        assert_eq!(v1.strata[0].area, None);
        assert_eq!(v1.strata[0].population, 50);
        assert_eq!(v1.strata[0].dealt, 10);
        assert_eq!(v1.strata[0].reserves, 4);
        assert_eq!((v1.no_suspicion, v1.coverage_gap), (0, 0));
        let v2 = strata(&candidates, &champions, "2019-01", true, &mut draws);
        let groups: Vec<(SamplingGroup, usize)> =
            v2.strata.iter().map(|s| (s.group, s.population)).collect();
        assert_eq!(
            groups,
            [(SamplingGroup::Minority, 25), (SamplingGroup::Rest, 25)]
        );
    }

    #[test]
    fn a_changed_population_or_stratum_list_is_a_difference() {
        let ids: Vec<String> = (0..120).map(|i| format!("r{i}")).collect();
        let candidates = month(&ids);
        let champions = [
            champion("N", None, Some("North")),
            champion("X", None, None),
        ];
        let mut draws = draw(&candidates, &champions, &request());
        let design = strata(&candidates, &champions, "2019-01", true, &mut draws);
        assert!(design_differences(Some(&design), &draws, &design, &draws).is_empty());
        assert!(
            design_differences(None, &draws, &design, &draws).is_empty(),
            "an old manifest has no strata to compare"
        );
        let mut changed = design.clone();
        changed.strata[0].population += 1;
        changed.coverage_gap += 1;
        let found = design_differences(Some(&changed), &draws, &design, &draws);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("population"), "{found:?}");
        let mut moved = draws.clone();
        moved[1].sample_strata.swap(0, 1);
        moved[1].sample_strata[0] = None;
        let found = design_differences(Some(&design), &moved, &design, &draws);
        assert_eq!(found, ["X: the strata of the dealt searches differ"]);
    }

    /// The manifest flattens an optional design into itself: present in
    /// new manifests, `None` in old ones, which still read.
    #[test]
    fn a_flattened_design_is_optional() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct Outer {
            seed: String,
            #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
            design: Option<DrawDesign>,
        }
        let old: Outer = serde_json::from_str(r#"{"seed":"s"}"#).unwrap();
        assert_eq!(old.design, None);
        let new = Outer {
            seed: "s".into(),
            design: Some(DrawDesign {
                strata: Vec::new(),
                no_suspicion: 1,
                coverage_gap: 2,
            }),
        };
        let text = serde_json::to_string(&new).unwrap();
        assert_eq!(
            text,
            r#"{"seed":"s","strata":[],"no_suspicion":1,"coverage_gap":2}"#
        );
        assert_eq!(serde_json::from_str::<Outer>(&text).unwrap(), new);
    }

    #[test]
    fn manifests_spell_strata_plainly() {
        let stratum = Stratum {
            month: "2019-01".into(),
            area: None,
            group: SamplingGroup::Minority,
            population: 7,
            dealt: 2,
            reserves: 1,
        };
        assert_eq!(
            serde_json::to_string(&stratum).unwrap(),
            r#"{"month":"2019-01","area":null,"group":"minority","population":7,"dealt":2,"reserves":1}"#
        );
    }
}
