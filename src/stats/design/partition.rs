//! Many disjoint domains estimated at once: a report's breakdown (every
//! month, every champion, every ethnic group, ...) in one pass over the
//! judged searches rather than one pass per row.
//!
//! Each figure is the one [`Design::estimate`] gives for the domain's mask,
//! to the last bit: the sums are added in the same order, and a stratum's
//! variance term is worked out over the same units in the same order. A
//! stratum holding no unit of a domain adds exactly 0 to its variance, so
//! only the strata a domain touches are visited: a whole breakdown costs
//! about as much as one estimate of everything.

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
        let mut sums: Vec<Sums> = vec![Sums::default(); domains];
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
            // Units come in any order; a domain's strata are sorted below.
            if s.strata.last() != Some(&unit.stratum) {
                s.strata.push(unit.stratum);
            }
        }
        let members = self.stratum_members();
        sums.into_iter()
            .enumerate()
            .map(|(d, mut s)| {
                if s.judged == 0 {
                    return Ok(None);
                }
                s.strata.sort_unstable();
                s.strata.dedup();
                let domain = DomainSums {
                    judged: s.judged,
                    reasonable: s.reasonable,
                    sum_w: s.sum_w,
                    sum_w2: s.sum_w2,
                    proportion: s.sum_wy / s.sum_w,
                };
                let variance = s
                    .strata
                    .iter()
                    .map(|&h| self.stratum_term(&members[h], h, domain_of, d, &domain))
                    .sum();
                let single_unit_strata = s
                    .strata
                    .iter()
                    .copied()
                    .filter(|&h| self.judged[h] == 1 && self.populations[h] > 1)
                    .collect();
                self.finish(&domain, variance, single_unit_strata, confidence, method)
                    .map(Some)
            })
            .collect()
    }

    /// The units of each stratum, in unit order.
    fn stratum_members(&self) -> Vec<Vec<usize>> {
        let mut members: Vec<Vec<usize>> = self
            .judged
            .iter()
            .map(|&n| Vec::with_capacity(n as usize))
            .collect();
        for (i, unit) in self.units.iter().enumerate() {
            members[unit.stratum].push(i);
        }
        members
    }

    /// Stratum h's term of domain d's variance, (1 − n_h/N_h) n_h/(n_h − 1)
    /// Σ_{i∈h} (u_i − ū_h)², computed exactly as `cross_variance` does:
    /// relative to the stratum's first score, units outside the domain
    /// scoring 0.
    fn stratum_term(
        &self,
        members: &[usize],
        h: usize,
        domain_of: &[Option<usize>],
        d: usize,
        domain: &DomainSums,
    ) -> f64 {
        let n_h = self.judged[h];
        if n_h <= 1 {
            return 0.0;
        }
        let score = |i: usize| {
            if domain_of[i] == Some(d) {
                let y = f64::from(u8::from(self.units[i].reasonable));
                self.weights[i] * (y - domain.proportion) / domain.sum_w
            } else {
                0.0
            }
        };
        let origin = score(members[0]);
        let mut sum = 0.0;
        for &i in members {
            sum += score(i) - origin;
        }
        let n = n_h as f64;
        let mut cross = 0.0;
        for &i in members {
            let deviation = score(i) - origin - sum / n;
            cross += deviation * deviation;
        }
        let fpc = 1.0 - n / self.populations[h] as f64;
        fpc * n / (n - 1.0) * cross
    }
}

/// One domain's running sums, and the strata its units are in.
#[derive(Debug, Clone, Default)]
struct Sums {
    judged: u64,
    reasonable: u64,
    sum_w: f64,
    sum_w2: f64,
    sum_wy: f64,
    strata: Vec<usize>,
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
