//! Design-based estimates for a stratified sample drawn without replacement
//! (`../shared/DESIGN.md`, "Design-based estimates").
//!
//! A [`Design`] holds the strata (their populations N_h: searches that need
//! reasonable grounds) and the judged searches (units), each in one stratum
//! with its verdict. Every unit weighs w = N_h / n_h, n_h being the judged
//! searches of its whole stratum. For any domain (all searches, an ethnic
//! group, a month, ...) the proportion is the Hajek ratio Σ w y / Σ w over the
//! domain's units, its variance the Taylor linearisation with each stratum's
//! finite population correction (Cochran 1977, ch. 5; Särndal, Swensson &
//! Wretman 1992, §5.10), and its interval the chosen method at the effective
//! size n* (Korn & Graubard 1998). Comparisons of two domains use Newcombe's
//! hybrid score interval built from the two domains' Wilson intervals at n*,
//! and Fisher's exact test when the sample is self-weighting, the design-based
//! Wald test otherwise.

use serde::Serialize;

use super::plan::detectable_difference;
use super::{fisher_exact_two_sided, proportion_interval_at, Interval, Method, StatsError};

mod partition;
#[cfg(test)]
mod simulation_tests;
#[cfg(test)]
mod tests;

/// Weights that differ by less than this relative amount count as equal: a
/// sample whose weights are all equal is self-weighting.
pub const SELF_WEIGHTING_TOLERANCE: f64 = 1e-9;

/// A variance below this share of the binomial p(1 − p)/n_d is rounding
/// noise of a true 0 (strata each all reasonable or all not): it is 0, so that
/// n* is Kish's as the contract says, whichever way the sums happened to
/// round. Real design effects are far above it (a stratum's FPC alone is at
/// least 1/N_h).
pub const ZERO_DESIGN_EFFECT: f64 = 1e-20;

/// The two-sided confidence level of the test in [`Comparison::detectable_difference`].
pub const DETECTION_CONFIDENCE: f64 = 0.95;
/// The power at which [`Comparison::detectable_difference`] is stated.
pub const DETECTION_POWER: f64 = 0.8;

/// One judged search: the stratum it was drawn from (an index into the
/// design's populations) and whether its grounds were reasonable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Unit {
    pub stratum: usize,
    pub reasonable: bool,
}

/// Why a design or an estimate from it is impossible.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DesignError {
    #[error(
        "stratum {stratum} has {judged} judged searches but a population of only \
         {population}: the population counts every search the stratum was drawn from"
    )]
    PopulationTooSmall {
        stratum: usize,
        population: u64,
        judged: u64,
    },
    #[error("judged search {unit} is in stratum {stratum}, but the design has {strata} strata")]
    UnknownStratum {
        unit: usize,
        stratum: usize,
        strata: usize,
    },
    #[error("the domain names {mask} searches but the design has {units} judged searches")]
    DomainLength { mask: usize, units: usize },
    #[error("a judged search is put in domain {domain}, but there are only {domains} domains")]
    UnknownDomain { domain: usize, domains: usize },
    #[error("the domain has no judged search: there is no proportion to estimate")]
    EmptyDomain,
    #[error(transparent)]
    Stats(#[from] StatsError),
}

/// A stratified sample, checked: every judged search has a weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    populations: Vec<u64>,
    units: Vec<Unit>,
    judged: Vec<u64>,
    weights: Vec<f64>,
    self_weighting: bool,
}

/// The design-based estimate of the proportion reasonable in one domain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainEstimate {
    /// n_d: judged searches in the domain.
    pub judged: u64,
    /// Judged searches in the domain found reasonable (unweighted).
    pub reasonable: u64,
    /// Σ w over the domain: the estimated number of searches in it.
    pub estimated_population: f64,
    /// The Hajek ratio Σ w y / Σ w.
    pub proportion: f64,
    /// The interval by the method asked for, at x* = p n* of n*.
    pub lower: f64,
    pub upper: f64,
    /// The Taylor-linearised variance of `proportion`, with FPC.
    pub variance: f64,
    pub standard_error: f64,
    /// n* = min(n_d, p(1 − p)/v); Kish's (Σ w)²/Σ w² when v = 0.
    pub effective_n: f64,
    /// v / (p(1 − p)/n_d). When p is 0 or 1 (so v = 0 and the ratio is 0/0):
    /// Kish's n_d Σ w²/(Σ w)², the design effect of unequal weights alone,
    /// so that n* = n_d / deff there too. When v = 0 with 0 < p < 1 (a
    /// census, or every stratum all reasonable or all not) it is 0, while n*
    /// falls back to Kish's size.
    pub design_effect: f64,
    /// False when the whole sample is self-weighting (all weights equal), so
    /// the same for every domain of one design.
    pub weighted: bool,
    /// Strata with one judged search out of more than one, holding a search
    /// of this domain: they add nothing to the variance (it cannot be
    /// estimated from one search), so the variance is understated there.
    pub single_unit_strata: Vec<usize>,
}

/// Which test gave [`Comparison::p_value`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Test {
    /// Fisher's exact test, two-sided, on the raw counts (self-weighting samples).
    Fisher,
    /// z = difference / √(v1 + v2 − 2 cov), two-sided normal p.
    DesignWald,
}

/// The difference between two domains, first − second.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub difference: f64,
    /// Newcombe's hybrid score interval from the two design-based Wilson intervals.
    pub lower: f64,
    pub upper: f64,
    pub p_value: f64,
    pub test: Test,
    /// Fisher's p when the sample is self-weighting, else None.
    pub p_fisher: Option<f64>,
    /// The design-based Wald p, whichever test gave `p_value`.
    pub p_design_wald: f64,
    /// √(v1 + v2 − 2 cov): the design-based standard error of the difference.
    pub standard_error: f64,
    pub covariance: f64,
    /// The smallest shortfall of the first domain below the second's observed
    /// proportion that a two-sided 5% test detects with 80% power, at the two
    /// effective sizes ([`detectable_difference`]); None when no shortfall
    /// down to 0 would be.
    pub detectable_difference: Option<f64>,
}

impl Design {
    /// Checks and weighs a design. `populations[h]` is N_h; every unit names
    /// its stratum h. A stratum may have no judged search (its population is
    /// then not represented: see [`Design::unrepresented_strata`]).
    pub fn new(populations: Vec<u64>, units: Vec<Unit>) -> Result<Design, DesignError> {
        let strata = populations.len();
        let mut judged = vec![0u64; strata];
        for (i, unit) in units.iter().enumerate() {
            let count = judged
                .get_mut(unit.stratum)
                .ok_or(DesignError::UnknownStratum {
                    unit: i,
                    stratum: unit.stratum,
                    strata,
                })?;
            *count += 1;
        }
        for (stratum, (&population, &n)) in populations.iter().zip(&judged).enumerate() {
            if n > population {
                return Err(DesignError::PopulationTooSmall {
                    stratum,
                    population,
                    judged: n,
                });
            }
        }
        let weights: Vec<f64> = units
            .iter()
            .map(|u| populations[u.stratum] as f64 / judged[u.stratum] as f64)
            .collect();
        let self_weighting = all_equal(&weights);
        Ok(Design {
            populations,
            units,
            judged,
            weights,
            self_weighting,
        })
    }

    /// N_h per stratum.
    pub fn populations(&self) -> &[u64] {
        &self.populations
    }

    /// The judged searches, in the order given.
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// n_h per stratum.
    pub fn judged(&self) -> &[u64] {
        &self.judged
    }

    /// w = N_h / n_h per stratum; None for a stratum without judged searches.
    pub fn stratum_weight(&self, stratum: usize) -> Option<f64> {
        match (self.populations.get(stratum), self.judged.get(stratum)) {
            (Some(&population), Some(&n)) if n > 0 => Some(population as f64 / n as f64),
            _ => None,
        }
    }

    /// Each unit's weight, in unit order.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// True when every weight equals every other (within
    /// [`SELF_WEIGHTING_TOLERANCE`]): raw counts then estimate without bias.
    pub fn is_self_weighting(&self) -> bool {
        self.self_weighting
    }

    /// Strata with searches in the population but none judged: the estimates
    /// cannot speak for them.
    pub fn unrepresented_strata(&self) -> Vec<usize> {
        (0..self.populations.len())
            .filter(|&h| self.populations[h] > 0 && self.judged[h] == 0)
            .collect()
    }

    /// The domain mask of the units for which `in_domain(index, unit)` holds.
    pub fn domain_where(&self, mut in_domain: impl FnMut(usize, &Unit) -> bool) -> Vec<bool> {
        self.units
            .iter()
            .enumerate()
            .map(|(i, u)| in_domain(i, u))
            .collect()
    }

    /// The domain of every judged search.
    pub fn everything(&self) -> Vec<bool> {
        vec![true; self.units.len()]
    }

    /// The estimate for the domain `domain[i]` (one flag per unit), with its
    /// interval by `method` at the effective size.
    pub fn estimate(
        &self,
        domain: &[bool],
        confidence: f64,
        method: Method,
    ) -> Result<DomainEstimate, DesignError> {
        let domain_of: Vec<Option<usize>> = domain.iter().map(|&d| d.then_some(0)).collect();
        self.estimate_partition(&domain_of, 1, confidence, method)?
            .pop()
            .flatten()
            .ok_or(DesignError::EmptyDomain)
    }

    /// A domain's estimate from its sums and its linearised variance (before
    /// rounding noise is cleared).
    fn finish(
        &self,
        sums: &DomainSums,
        variance: f64,
        single_unit_strata: Vec<usize>,
        confidence: f64,
        method: Method,
    ) -> Result<DomainEstimate, DesignError> {
        let p = sums.proportion();
        let n_d = sums.judged as f64;
        let pq = p * (1.0 - p);
        let mut variance = non_negative(variance);
        if variance <= ZERO_DESIGN_EFFECT * pq / n_d {
            variance = 0.0;
        }
        let kish = sums.sum_w * sums.sum_w / sums.sum_w2;
        let effective_n = if variance > 0.0 {
            n_d.min(pq / variance)
        } else {
            // Kish's size never exceeds n_d (Cauchy–Schwarz), up to rounding.
            kish.min(n_d)
        };
        let design_effect = if pq > 0.0 {
            variance * n_d / pq
        } else {
            n_d / kish
        };
        let interval = interval_at(p, effective_n, confidence, method)?;
        Ok(DomainEstimate {
            judged: sums.judged,
            reasonable: sums.reasonable,
            estimated_population: sums.sum_w,
            proportion: p,
            lower: interval.lower,
            upper: interval.upper,
            variance,
            standard_error: variance.sqrt(),
            effective_n,
            design_effect,
            weighted: !self.self_weighting,
            single_unit_strata,
        })
    }

    /// The design-based covariance of the proportions of two domains (which
    /// may overlap): the same linearisation with the two domains' scores.
    pub fn covariance(&self, first: &[bool], second: &[bool]) -> Result<f64, DesignError> {
        let a = self.scores(first)?;
        let b = self.scores(second)?;
        Ok(self.cross_variance(&a, &b))
    }

    /// first − second, with Newcombe's interval at `confidence` and the test
    /// the design calls for. Fisher's test assumes the two domains do not
    /// overlap; the Wald test allows for overlap through the covariance.
    pub fn compare(
        &self,
        first: &[bool],
        second: &[bool],
        confidence: f64,
    ) -> Result<Comparison, DesignError> {
        let e1 = self.estimate(first, confidence, Method::Wilson)?;
        let e2 = self.estimate(second, confidence, Method::Wilson)?;
        let covariance = self.covariance(first, second)?;
        let difference = e1.proportion - e2.proportion;
        let below =
            ((e1.proportion - e1.lower).powi(2) + (e2.upper - e2.proportion).powi(2)).sqrt();
        let above =
            ((e1.upper - e1.proportion).powi(2) + (e2.lower - e2.proportion).powi(2)).sqrt();
        let variance = non_negative(e1.variance + e2.variance - 2.0 * covariance);
        let standard_error = variance.sqrt();
        let p_design_wald = wald_p(difference, standard_error);
        let p_fisher = self.self_weighting.then(|| {
            fisher_exact_two_sided(
                e1.reasonable,
                e1.judged - e1.reasonable,
                e2.reasonable,
                e2.judged - e2.reasonable,
            )
        });
        let (p_value, test) = match p_fisher {
            Some(p) => (p, Test::Fisher),
            None => (p_design_wald, Test::DesignWald),
        };
        Ok(Comparison {
            difference,
            lower: (difference - below).clamp(-1.0, 1.0),
            upper: (difference + above).clamp(-1.0, 1.0),
            p_value,
            test,
            p_fisher,
            p_design_wald,
            standard_error,
            covariance,
            detectable_difference: detectable_difference(
                e2.proportion,
                e2.effective_n,
                e1.effective_n,
                DETECTION_CONFIDENCE,
                DETECTION_POWER,
            ),
        })
    }

    /// u_i = w_i d_i (y_i − p) / Σ_d w: each unit's linearised contribution
    /// to the domain's proportion.
    fn scores(&self, domain: &[bool]) -> Result<Vec<f64>, DesignError> {
        if domain.len() != self.units.len() {
            return Err(DesignError::DomainLength {
                mask: domain.len(),
                units: self.units.len(),
            });
        }
        let (mut sum_w, mut sum_wy) = (0.0, 0.0);
        for ((unit, &w), _) in self
            .units
            .iter()
            .zip(&self.weights)
            .zip(domain)
            .filter(|(_, &d)| d)
        {
            sum_w += w;
            if unit.reasonable {
                sum_wy += w;
            }
        }
        if sum_w == 0.0 {
            return Err(DesignError::EmptyDomain);
        }
        let proportion = sum_wy / sum_w;
        Ok(self
            .units
            .iter()
            .zip(&self.weights)
            .zip(domain)
            .map(|((unit, &w), &d)| {
                if d {
                    w * (f64::from(u8::from(unit.reasonable)) - proportion) / sum_w
                } else {
                    0.0
                }
            })
            .collect())
    }

    /// Σ_h (1 − n_h/N_h) n_h/(n_h − 1) Σ_{i∈h} (a_i − ā_h)(b_i − b̄_h);
    /// strata with one judged search add nothing.
    fn cross_variance(&self, a: &[f64], b: &[f64]) -> f64 {
        let strata = self.populations.len();
        // Each stratum's values are taken relative to its first unit's: the
        // sum is the same, but a stratum whose scores are all equal then adds
        // exactly 0 rather than rounding noise, which would turn a zero
        // variance (Kish's n*) into a tiny one (n* = n_d).
        let mut origin: Vec<Option<(f64, f64)>> = vec![None; strata];
        let (mut sum_a, mut sum_b) = (vec![0.0; strata], vec![0.0; strata]);
        for ((unit, &ai), &bi) in self.units.iter().zip(a).zip(b) {
            let h = unit.stratum;
            let (a0, b0) = *origin[h].get_or_insert((ai, bi));
            sum_a[h] += ai - a0;
            sum_b[h] += bi - b0;
        }
        let mut cross = vec![0.0; strata];
        for ((unit, &ai), &bi) in self.units.iter().zip(a).zip(b) {
            let h = unit.stratum;
            let n = self.judged[h] as f64;
            if let Some((a0, b0)) = origin[h] {
                cross[h] += (ai - a0 - sum_a[h] / n) * (bi - b0 - sum_b[h] / n);
            }
        }
        (0..strata)
            .filter(|&h| self.judged[h] > 1)
            .map(|h| {
                let n = self.judged[h] as f64;
                let fpc = 1.0 - n / self.populations[h] as f64;
                fpc * n / (n - 1.0) * cross[h]
            })
            .sum()
    }
}

impl DomainEstimate {
    /// The interval by another method at the same effective size.
    pub fn interval(&self, confidence: f64, method: Method) -> Result<Interval, StatsError> {
        interval_at(self.proportion, self.effective_n, confidence, method)
    }
}

/// The sums a domain's proportion and effective size are made from.
#[derive(Debug, Clone, Default)]
struct DomainSums {
    judged: u64,
    reasonable: u64,
    sum_w: f64,
    sum_w2: f64,
    sum_wy: f64,
}

impl DomainSums {
    /// The Hajek ratio Σ w y / Σ w.
    fn proportion(&self) -> f64 {
        self.sum_wy / self.sum_w
    }
}

/// The interval at x* = p n*, n*.
fn interval_at(
    proportion: f64,
    effective_n: f64,
    confidence: f64,
    method: Method,
) -> Result<Interval, StatsError> {
    // p n* can exceed n* by an ulp when p is within an ulp of 1.
    let x = (proportion * effective_n).min(effective_n);
    proportion_interval_at(x, effective_n, confidence, method)
}

/// Two-sided normal p of difference / standard_error. A zero standard error
/// (every stratum a census, or both domains all or nothing) leaves no
/// sampling error: p is 1 for no difference and 0 for any.
fn wald_p(difference: f64, standard_error: f64) -> f64 {
    if standard_error > 0.0 {
        let z = difference.abs() / standard_error;
        let half_z2 = z * z / 2.0;
        // erfc(z/√2) = Q(½, z²/2). statrs' erfc is good to about 1e-11 here;
        // its regularised incomplete gamma to the last few bits, as scipy.
        // It refuses z = 0 (p = 1) and an infinite z² (a standard error of
        // 1e-300, where p has long underflowed to 0).
        if half_z2 == 0.0 {
            1.0
        } else {
            statrs::function::gamma::checked_gamma_ur(0.5, half_z2).unwrap_or(0.0)
        }
    } else if difference == 0.0 {
        1.0
    } else {
        0.0
    }
}

/// Rounding can leave a variance of −1e-20 (or −0.0); it is 0.
fn non_negative(variance: f64) -> f64 {
    if variance > 0.0 {
        variance
    } else {
        0.0
    }
}

fn all_equal(weights: &[f64]) -> bool {
    let (min, max) = weights
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &w| {
            (lo.min(w), hi.max(w))
        });
    weights.is_empty() || max - min <= SELF_WEIGHTING_TOLERANCE * max
}
