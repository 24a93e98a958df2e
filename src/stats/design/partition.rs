//! Many disjoint domains estimated at once: a report's breakdown (every
//! month, every champion, every ethnic group, ...) in one pass over the
//! judged searches rather than one pass per row.
//!
//! [`Design::estimate`] is this with one domain, so each figure is the one
//! it gives for the domain's mask, to the last bit. A stratum's variance
//! term needs only the domain's counts in it (every unit of a stratum
//! weighs the same), and a stratum holding no unit of a domain adds exactly
//! 0, so only the strata a domain touches are visited: a whole breakdown
//! costs about one pass over the judged searches.

use super::{Design, DesignError, DomainEstimate, DomainSums, Method};

impl Design {
    /// The estimate of each of `domains` disjoint domains, in domain order:
    /// `domain_of[i]` names the domain of unit `i` (`None`: in none of them).
    /// A domain without judged searches gets `None`.
    pub fn estimate_partition(
        &self,
        domain_of: &[Option<usize>],
        domains: usize,
        confidence: f64,
        method: Method,
    ) -> Result<Vec<Option<DomainEstimate>>, DesignError> {
        if domain_of.len() != self.units.len() {
            return Err(DesignError::DomainLength {
                mask: domain_of.len(),
                units: self.units.len(),
            });
        }
        let mut sums: Vec<DomainSums> = vec![DomainSums::default(); domains];
        for ((unit, &w), &d) in self.units.iter().zip(&self.weights).zip(domain_of) {
            let Some(d) = d else { continue };
            let s = sums
                .get_mut(d)
                .ok_or(DesignError::UnknownDomain { domain: d, domains })?;
            s.judged += 1;
            s.sum_w += w;
            s.sum_w2 += w * w;
            if unit.reasonable {
                s.reasonable += 1;
                s.sum_wy += w;
            }
        }
        let by_domain = UnitsByDomain::new(domain_of, &sums);
        // One row of counts per stratum, filled for one domain at a time and
        // cleared after it: only the strata a domain touches are visited.
        let mut counts = vec![StratumCounts::default(); self.populations.len()];
        let mut touched: Vec<usize> = Vec::new();
        sums.iter()
            .enumerate()
            .map(|(d, sums)| {
                if sums.judged == 0 {
                    return Ok(None);
                }
                for &i in by_domain.units(d) {
                    let unit = self.units[i];
                    let count = &mut counts[unit.stratum];
                    if count.in_domain() == 0 {
                        touched.push(unit.stratum);
                    }
                    if unit.reasonable {
                        count.reasonable += 1;
                    } else {
                        count.not_reasonable += 1;
                    }
                }
                touched.sort_unstable();
                let proportion = sums.proportion();
                let variance = touched
                    .iter()
                    .map(|&h| self.stratum_term(h, counts[h], proportion, sums.sum_w))
                    .sum();
                let single_unit_strata = touched
                    .iter()
                    .copied()
                    .filter(|&h| self.judged[h] == 1 && self.populations[h] > 1)
                    .collect();
                for &h in &touched {
                    counts[h] = StratumCounts::default();
                }
                touched.clear();
                self.finish(sums, variance, single_unit_strata, confidence, method)
                    .map(Some)
            })
            .collect()
    }

    /// Stratum h's term of a domain's variance,
    /// (1 − n_h/N_h) n_h/(n_h − 1) Σ_{i∈h} (u_i − ū_h)², from the domain's
    /// counts in the stratum. Every unit of a stratum weighs the same w, so
    /// a unit's score u = w d (y − p) / Σ_d w takes one of three values:
    /// a (in the domain, reasonable), b (in it, not) and 0 (outside). Then
    /// Σ (u − ū)² = (1/n_h) Σ_{i<j} (u_i − u_j)²
    ///            = (1/n_h) [k_a k_b (a − b)² + z (k_a a² + k_b b²)],
    /// z = n_h − k_a − k_b: a sum of terms never below 0, exactly 0 when
    /// every score of the stratum is equal (no rounding noise to turn a zero
    /// variance into a tiny one), and a pass over counts, not units.
    fn stratum_term(&self, h: usize, counts: StratumCounts, proportion: f64, sum_w: f64) -> f64 {
        let n_h = self.judged[h];
        if n_h <= 1 {
            return 0.0;
        }
        let n = n_h as f64;
        let w = self.populations[h] as f64 / n;
        let a = w * (1.0 - proportion) / sum_w;
        let b = w * (0.0 - proportion) / sum_w;
        let (k_a, k_b) = (counts.reasonable as f64, counts.not_reasonable as f64);
        let outside = (n_h - counts.in_domain()) as f64;
        let pairs = k_a * k_b * (a - b) * (a - b) + outside * (k_a * a * a + k_b * b * b);
        let fpc = 1.0 - n / self.populations[h] as f64;
        fpc * pairs / (n - 1.0)
    }
}

/// A domain's judged searches in one stratum.
#[derive(Debug, Clone, Copy, Default)]
struct StratumCounts {
    reasonable: u64,
    not_reasonable: u64,
}

impl StratumCounts {
    fn in_domain(self) -> u64 {
        self.reasonable + self.not_reasonable
    }
}

/// The units' indices grouped by domain, in unit order within each (a
/// counting sort: one pass to count, one to place).
struct UnitsByDomain {
    /// Where each domain's units start in `units`; one more than the domains.
    starts: Vec<usize>,
    units: Vec<usize>,
}

impl UnitsByDomain {
    fn new(domain_of: &[Option<usize>], sums: &[DomainSums]) -> Self {
        let mut starts = Vec::with_capacity(sums.len() + 1);
        let mut total = 0;
        starts.push(0);
        for s in sums {
            total += s.judged as usize;
            starts.push(total);
        }
        let mut next = starts.clone();
        let mut units = vec![0; total];
        for (i, d) in domain_of.iter().enumerate() {
            if let Some(d) = *d {
                units[next[d]] = i;
                next[d] += 1;
            }
        }
        Self { starts, units }
    }

    fn units(&self, domain: usize) -> &[usize] {
        &self.units[self.starts[domain]..self.starts[domain + 1]]
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::Unit;
    use super::*;

    /// A random design whose units come in a shuffled order (a report's
    /// searches are ordered by month and champion, not by stratum), with
    /// census strata, strata of one judged search and strata without any,
    /// and a random partition of the units into up to 6 domains and none.
    fn random_partition() -> impl Strategy<Value = (Design, Vec<Option<usize>>, usize)> {
        (
            prop::collection::vec((1u64..300, 0u64..25, 0.0f64..=1.0, any::<bool>()), 1..9),
            1usize..7,
            any::<u64>(),
        )
            .prop_filter_map("a design", |(strata, domains, seed)| {
                let mut state = seed;
                let mut next = move || {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (state >> 11) as f64 / (1u64 << 53) as f64
                };
                let mut units = Vec::new();
                let mut populations = Vec::new();
                for (h, &(big, n, rate, census)) in strata.iter().enumerate() {
                    let n = n.min(big);
                    populations.push(if census { n } else { big });
                    for _ in 0..n {
                        units.push(Unit {
                            stratum: h,
                            reasonable: next() < rate,
                        });
                    }
                }
                for i in (1..units.len()).rev() {
                    let j = (next() * (i + 1) as f64) as usize;
                    units.swap(i, j.min(i));
                }
                let domain_of = units
                    .iter()
                    .map(|_| {
                        let d = (next() * (domains + 1) as f64) as usize;
                        (d < domains).then_some(d)
                    })
                    .collect();
                Some((Design::new(populations, units).ok()?, domain_of, domains))
            })
    }

    proptest! {
        #[test]
        fn one_pass_equals_one_estimate_per_domain(
            (design, domain_of, domains) in random_partition(),
            confidence in 0.5f64..0.999,
        ) {
            for method in Method::ALL {
                let all = design.estimate_partition(&domain_of, domains, confidence, method).unwrap();
                prop_assert_eq!(all.len(), domains);
                for (d, estimate) in all.iter().enumerate() {
                    let mask: Vec<bool> = domain_of.iter().map(|&x| x == Some(d)).collect();
                    match design.estimate(&mask, confidence, method) {
                        // To the last bit: reports print every digit.
                        Ok(one) => prop_assert_eq!(Some(&one), estimate.as_ref(), "domain {}", d),
                        Err(DesignError::EmptyDomain) => prop_assert!(estimate.is_none()),
                        Err(other) => prop_assert!(false, "{other}"),
                    }
                }
            }
        }
    }

    #[test]
    fn a_unit_in_an_unknown_domain_is_refused() {
        let units = vec![
            Unit {
                stratum: 0,
                reasonable: true
            };
            2
        ];
        let design = Design::new(vec![10], units).unwrap();
        let err = design
            .estimate_partition(&[Some(0), Some(3)], 2, 0.95, Method::Wilson)
            .unwrap_err();
        assert_eq!(
            err,
            DesignError::UnknownDomain {
                domain: 3,
                domains: 2
            }
        );
        let err = design
            .estimate_partition(&[Some(0)], 1, 0.95, Method::Wilson)
            .unwrap_err();
        assert_eq!(err, DesignError::DomainLength { mask: 1, units: 2 });
    }
}
