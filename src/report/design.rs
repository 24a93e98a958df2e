//! The sample design of a report's period: each judged search's stratum and
//! weight (`../shared/DESIGN.md`, "Design-based estimates"), from the strata
//! each draw's manifest keeps, or for an older draw one stratum for the month.

use foldhash::HashMap;

use crate::powers::NoSuspicionPowers;
use crate::stats::{Design, DesignError, DomainEstimate, Unit};
use crate::store::{AssessedSearch, DrawRecord, DrawStrata};

use super::model::{DesignInfo, EstimateRules, StratumInfo};

/// Verdicts that count in a grounds proportion.
const JUDGED: [&str; 3] = ["reasonable", "not_reasonable", "none_recorded"];

/// Why the searches of a period cannot be put in strata.
#[derive(Debug, thiserror::Error)]
pub enum SampleDesignError {
    #[error(
        "search {record_id} of {month} is not in that month's manifest: the workspace is damaged \
         (run `grounds verify`)"
    )]
    NotInManifest { month: String, record_id: String },
    #[error("search {record_id} is in {month}, a month without a current draw")]
    NoDraw { month: String, record_id: String },
    #[error("the sample design: {0}")]
    Design(#[from] DesignError),
}

/// The searches of a period placed in their strata.
pub struct SampleDesign {
    /// `None` when nothing was judged.
    pub design: Option<Design>,
    /// Per search (in input order): its unit in `design`, if judged.
    unit_of: Vec<Option<usize>>,
    /// Per search: under a no-suspicion power.
    pub no_suspicion: Vec<bool>,
    pub info: DesignInfo,
}

/// One stratum before the judged searches are counted.
struct Pending {
    month: String,
    area: Option<String>,
    group: String,
    population: u64,
}

impl SampleDesign {
    /// `draws`: the period's current draws (for the months); `strata`: what
    /// their manifests keep (a month missing here, or with `strata: None`,
    /// gets one stratum of the month's searches).
    pub fn new(
        searches: &[AssessedSearch],
        draws: &[DrawRecord],
        strata: &[DrawStrata],
    ) -> Result<Self, SampleDesignError> {
        let mut pending: Vec<Pending> = Vec::new();
        let mut info = DesignInfo {
            officer_excluded: !draws.is_empty(),
            ..DesignInfo::default()
        };
        // month -> (first stratum index, the draw's strata if kept, powers)
        let mut months: HashMap<&str, (usize, Option<&DrawStrata>, NoSuspicionPowers)> =
            HashMap::default();
        for draw in draws {
            let kept = strata.iter().find(|s| s.month == draw.month);
            let offset = pending.len();
            let powers = NoSuspicionPowers::with_extra(
                kept.map_or(&[][..], |k| k.no_suspicion_powers.as_slice()),
            );
            match kept {
                Some(k) if k.strata.is_some() => {
                    for s in k.strata.iter().flatten() {
                        pending.push(Pending {
                            month: s.month.clone(),
                            area: s.area.clone(),
                            group: s.group.label().to_string(),
                            population: s.population as u64,
                        });
                    }
                    info.coverage_gap += k.coverage_gap;
                    info.no_suspicion_dealt += k.no_suspicion;
                    if k.from_snapshot {
                        info.strata_from_snapshot.push(draw.month.clone());
                    }
                    months.insert(draw.month.as_str(), (offset, Some(k), powers));
                }
                _ => {
                    pending.push(Pending {
                        month: draw.month.clone(),
                        area: None,
                        group: "all".into(),
                        population: draw.month_records,
                    });
                    info.strata_from_snapshot.push(draw.month.clone());
                    months.insert(draw.month.as_str(), (offset, None, powers));
                }
            }
            info.area_pools |= kept.is_some_and(|k| k.area_pools);
            info.officer_excluded &= kept.is_some_and(|k| k.officer_mapped);
        }
        let mut units = Vec::new();
        let mut unit_of = Vec::with_capacity(searches.len());
        let mut no_suspicion = Vec::with_capacity(searches.len());
        for search in searches {
            let Some((offset, kept, powers)) = months.get(&*search.month) else {
                return Err(SampleDesignError::NoDraw {
                    month: search.month.to_string(),
                    record_id: search.record_id.clone(),
                });
            };
            let stratum = match kept {
                Some(k) if k.from_snapshot && powers.matches(&search.legislation) => None,
                Some(k) => match k.record_strata.get(&search.record_id) {
                    Some(stratum) => stratum.map(|h| offset + h),
                    None => {
                        return Err(SampleDesignError::NotInManifest {
                            month: search.month.to_string(),
                            record_id: search.record_id.clone(),
                        })
                    }
                },
                None if powers.matches(&search.legislation) => None,
                None => Some(*offset),
            };
            let outside = stratum.is_none() || search.grounds == "not_required";
            no_suspicion.push(stratum.is_none());
            match stratum {
                Some(h) if !outside && JUDGED.contains(&search.grounds) => {
                    unit_of.push(Some(units.len()));
                    units.push(Unit {
                        stratum: h,
                        reasonable: search.grounds == JUDGED[0],
                    });
                }
                _ => unit_of.push(None),
            }
        }
        let populations: Vec<u64> = pending.iter().map(|p| p.population).collect();
        let design = if units.is_empty() {
            None
        } else {
            Some(Design::new(populations, units)?)
        };
        let mut judged = vec![0u64; pending.len()];
        for unit in design.iter().flat_map(|d| d.units()) {
            judged[unit.stratum] += 1;
        }
        info.strata = pending
            .into_iter()
            .zip(&judged)
            .map(|(p, &n)| StratumInfo {
                weight: (n > 0).then(|| p.population as f64 / n as f64),
                month: p.month,
                area: p.area,
                group: p.group,
                population: p.population,
                judged: n,
            })
            .collect();
        info.self_weighting = design.as_ref().is_none_or(Design::is_self_weighting);
        info.unrepresented_strata = design
            .as_ref()
            .map_or(0, |d| d.unrepresented_strata().len() as u64);
        info.weighted_because = if info.self_weighting {
            Vec::new()
        } else {
            weighted_because(&info)
        };
        Ok(Self {
            design,
            unit_of,
            no_suspicion,
            info,
        })
    }

    /// The design-based estimate of the judged searches `i` (input index)
    /// for which `in_domain(i)` holds; `None` when there are none.
    pub fn estimate(
        &self,
        rules: &EstimateRules,
        mut in_domain: impl FnMut(usize) -> bool,
    ) -> Result<Option<DomainEstimate>, DesignError> {
        let Some(mask) = self.mask(&mut in_domain) else {
            return Ok(None);
        };
        let design = self.design.as_ref().ok_or(DesignError::EmptyDomain)?;
        design
            .estimate(&mask, rules.confidence, rules.method)
            .map(Some)
    }

    /// The design-based estimates of `domains` disjoint domains in one pass:
    /// search `i` (input index) is in domain `domain_of(i)`, or in none.
    /// Each is what [`SampleDesign::estimate`] gives for that domain alone.
    pub fn estimate_each(
        &self,
        rules: &EstimateRules,
        domains: usize,
        mut domain_of: impl FnMut(usize) -> Option<usize>,
    ) -> Result<Vec<Option<DomainEstimate>>, DesignError> {
        let Some(design) = self.design.as_ref() else {
            return Ok(vec![None; domains]);
        };
        let mut of_unit = vec![None; design.units().len()];
        for (i, unit) in self.unit_of.iter().enumerate() {
            if let Some(u) = unit {
                of_unit[*u] = domain_of(i);
            }
        }
        design.estimate_partition(&of_unit, domains, rules.confidence, rules.method)
    }

    /// The domain of `in_domain` as a mask over the units; `None` when it
    /// holds no judged search.
    pub fn mask(&self, mut in_domain: impl FnMut(usize) -> bool) -> Option<Vec<bool>> {
        let design = self.design.as_ref()?;
        let mut mask = vec![false; design.units().len()];
        let mut any = false;
        for (i, unit) in self.unit_of.iter().enumerate() {
            if let Some(u) = unit {
                if in_domain(i) {
                    mask[*u] = true;
                    any = true;
                }
            }
        }
        any.then_some(mask)
    }
}

/// Why the weights differ, for people.
fn weighted_because(info: &DesignInfo) -> Vec<String> {
    let mut reasons = Vec::new();
    let months: std::collections::BTreeSet<&str> =
        info.strata.iter().map(|s| s.month.as_str()).collect();
    if months.len() > 1 {
        reasons.push(
            "the months had different numbers of searches but each was sampled by the same number of reviews"
                .to_string(),
        );
    }
    if info.area_pools {
        reasons.push(
            "champions drew from their own areas, and the areas are of different sizes".to_string(),
        );
    }
    if info.strata.iter().any(|s| s.group != "all") {
        reasons.push(
            "searches of people from minority ethnic groups were sampled at a higher rate, so that their figure has a usable interval"
                .to_string(),
        );
    }
    if reasons.is_empty() {
        reasons.push(
            "some reviews could not be judged, so the pools are represented by different numbers of judged searches"
                .to_string(),
        );
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::EstimateRules;
    use crate::sample::{SamplingGroup, Stratum};
    use crate::stats::Method;

    fn search(month: &str, id: &str, grounds: &'static str, legislation: &str) -> AssessedSearch {
        AssessedSearch {
            month: month.into(),
            champion: "A".into(),
            record_id: id.into(),
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

    fn draw(month: &str, records: u64) -> DrawRecord {
        DrawRecord {
            month: month.into(),
            seed: "s".into(),
            created_at: String::new(),
            manifest_sha256: String::new(),
            month_records: records,
            per_champion: 20,
            inputs: vec![],
        }
    }

    fn kept(
        month: &str,
        strata: &[(&str, usize)],
        records: &[(&str, Option<usize>)],
    ) -> DrawStrata {
        DrawStrata {
            month: month.into(),
            month_records: 0,
            strata: Some(
                strata
                    .iter()
                    .map(|(area, population)| Stratum {
                        month: month.into(),
                        area: Some(area.to_string()),
                        group: SamplingGroup::All,
                        population: *population,
                        dealt: 0,
                        reserves: 0,
                    })
                    .collect(),
            ),
            from_snapshot: false,
            no_suspicion: 1,
            coverage_gap: 7,
            record_strata: records.iter().map(|(id, h)| (id.to_string(), *h)).collect(),
            no_suspicion_powers: vec![],
            officer_mapped: true,
            area_pools: true,
        }
    }

    const RULES: EstimateRules = EstimateRules {
        method: Method::Wilson,
        confidence: 0.95,
        too_few_below: 10,
    };

    #[test]
    fn kept_strata_weigh_each_area_and_leave_no_suspicion_searches_out() {
        let searches = [
            search("2019-01", "n1", "reasonable", ""),
            search("2019-01", "n2", "reasonable", ""),
            search("2019-01", "s1", "not_reasonable", ""),
            search("2019-01", "s2", "reasonable", ""),
            // Under section 60 by the manifest: its verdict does not count.
            search("2019-01", "x", "not_reasonable", ""),
            search("2019-01", "i", "insufficient_info", ""),
        ];
        let strata = [kept(
            "2019-01",
            &[("North", 900), ("South", 100)],
            &[
                ("n1", Some(0)),
                ("n2", Some(0)),
                ("s1", Some(1)),
                ("s2", Some(1)),
                ("x", None),
                ("i", Some(1)),
            ],
        )];
        let sample = SampleDesign::new(&searches, &[draw("2019-01", 1010)], &strata).unwrap();
        assert_eq!(
            sample.no_suspicion,
            [false, false, false, false, true, false]
        );
        let all = sample.estimate(&RULES, |_| true).unwrap().unwrap();
        assert_eq!(all.judged, 4);
        // (900 × 1 + 100 × 1/2) / 1000
        assert!((all.proportion - 0.95).abs() < 1e-12);
        assert!(all.weighted);
        let info = &sample.info;
        assert_eq!(info.strata.len(), 2);
        assert_eq!(info.strata[0].weight, Some(450.0));
        assert_eq!(info.strata[1].weight, Some(50.0));
        assert_eq!((info.coverage_gap, info.no_suspicion_dealt), (7, 1));
        assert!(info.strata_from_snapshot.is_empty());
        assert!(info.area_pools && info.officer_excluded && !info.self_weighting);
    }

    #[test]
    fn older_draws_take_one_stratum_per_month_and_find_section_60_by_its_text() {
        let searches = [
            search("2019-01", "a", "reasonable", ""),
            search("2019-01", "b", "not_reasonable", ""),
            search(
                "2019-01",
                "c",
                "not_reasonable",
                "Criminal Justice and Public Order Act 1994 (section 60)",
            ),
            search("2019-02", "d", "reasonable", ""),
        ];
        let draws = [draw("2019-01", 100), draw("2019-02", 300)];
        let sample = SampleDesign::new(&searches, &draws, &[]).unwrap();
        assert_eq!(sample.no_suspicion, [false, false, true, false]);
        let all = sample.estimate(&RULES, |_| true).unwrap().unwrap();
        // (100 × 1/2 + 300 × 1) / 400
        assert!((all.proportion - 0.875).abs() < 1e-12);
        assert_eq!(sample.info.strata_from_snapshot, ["2019-01", "2019-02"]);
        assert!(
            !sample.info.officer_excluded,
            "no manifest says an officer column was mapped"
        );
    }

    #[test]
    fn a_breakdown_in_one_pass_gives_each_domain_its_own_estimate() {
        let months = ["2019-01", "2019-02"];
        let verdicts = ["reasonable", "not_reasonable", "insufficient_info"];
        let searches: Vec<AssessedSearch> = (0..30)
            .map(|i| {
                let month = months[i % 2];
                search(month, &format!("r{i}"), verdicts[(i / 2) % 3], "")
            })
            .collect();
        let draws = [draw("2019-01", 400), draw("2019-02", 90)];
        let sample = SampleDesign::new(&searches, &draws, &[]).unwrap();
        let by_month = sample
            .estimate_each(&RULES, 3, |i| {
                months.iter().position(|m| **m == *searches[i].month)
            })
            .unwrap();
        assert_eq!(by_month.len(), 3);
        for (d, month) in months.iter().enumerate() {
            let alone = sample
                .estimate(&RULES, |i| *searches[i].month == **month)
                .unwrap();
            assert!(alone.is_some());
            assert_eq!(by_month[d], alone, "{month}");
        }
        assert_eq!(by_month[2], None, "a domain with no search has no estimate");
    }

    #[test]
    fn a_search_missing_from_its_manifest_is_an_error() {
        let searches = [search("2019-01", "stray", "reasonable", "")];
        let strata = [kept("2019-01", &[("North", 10)], &[])];
        let err = SampleDesign::new(&searches, &[draw("2019-01", 10)], &strata)
            .err()
            .unwrap();
        assert!(err.to_string().contains("stray"), "{err}");
    }
}
