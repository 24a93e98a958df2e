//! What a sample design buys, before drawing (`grounds plan`): pure maths.
//!
//! Every figure assumes the expected proportion p is what the review will
//! find (p̂ = p, so the expected count p·n need not be whole), as sample-size
//! tables do.

use super::{alpha_of, proportion_interval_at, z_two_sided, Method, StatsError};

/// Why a plan cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error("the expected proportion must be between 0 and 1, such as 0.85, but it is {0}")]
    Proportion(f64),
    #[error(
        "the margin must be strictly between 0 and 1, such as 0.10 for ±10 points, but it is {0}"
    )]
    Margin(f64),
    #[error(
        "the expected insufficient-information share must be at least 0 and below 1, but it is {0}"
    )]
    InsufficientShare(f64),
    #[error("the power must be strictly between 0 and 1, such as 0.8, but it is {0}")]
    Power(f64),
    #[error(
        "stratum {stratum}: {judged} judged searches out of a population of {population} \
         (judged must be positive and no more than the population; the domain share between 0 and 1)"
    )]
    Stratum {
        stratum: usize,
        population: u64,
        judged: f64,
    },
    #[error("no stratum holds any of the domain: it has no expected interval")]
    EmptyDomain,
    #[error(transparent)]
    Stats(#[from] StatsError),
}

/// The largest n [`judged_for_margin`] searches: margins below this cost more
/// searches than any force has.
const MAX_JUDGED: u64 = 1 << 40;

/// Half the width of the Wilson interval at p̂ = `p` from `n` judged searches
/// (n may be an effective size, so non-integer).
pub fn wilson_half_width(p: f64, n: f64, confidence: f64) -> Result<f64, PlanError> {
    check_proportion(p)?;
    let i = proportion_interval_at(p * n, n, confidence, Method::Wilson)?;
    Ok((i.upper - i.lower) / 2.0)
}

/// The smallest number of judged searches whose Wilson half-width at the
/// expected proportion is within `margin` (49 for 0.85 and ±0.10 at 95%).
///
/// The half-width z√(pq n + z²/4)/(n + z²) falls strictly as n grows (its
/// derivative has the sign of z²(pq − ½) < 0), so a bisection finds it.
pub fn judged_for_margin(p: f64, margin: f64, confidence: f64) -> Result<u64, PlanError> {
    check_proportion(p)?;
    if !(margin > 0.0 && margin < 1.0) {
        return Err(PlanError::Margin(margin));
    }
    alpha_of(confidence)?;
    let fits = |n: u64| -> Result<bool, PlanError> {
        Ok(wilson_half_width(p, n as f64, confidence)? <= margin)
    };
    let mut high = 1u64;
    while !fits(high)? {
        if high >= MAX_JUDGED {
            return Err(PlanError::Margin(margin));
        }
        high *= 2;
    }
    // fits(high) holds; find the first n that fits in (high/2, high].
    let mut low = high / 2;
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        if fits(mid)? {
            high = mid;
        } else {
            low = mid;
        }
    }
    Ok(if low >= 1 && fits(low)? { low } else { high })
}

/// Draws needed so that `judged` remain after the expected share of
/// `insufficient_info` verdicts: ⌈judged / (1 − share)⌉.
pub fn draws_for_judged(judged: u64, insufficient_share: f64) -> Result<u64, PlanError> {
    if !(0.0..1.0).contains(&insufficient_share) {
        return Err(PlanError::InsufficientShare(insufficient_share));
    }
    let exact = judged as f64 / (1.0 - insufficient_share);
    // 45 / 0.9 is 50.000000000000007 in f64; it must stay 50.
    let rounded = exact.round();
    Ok(if (exact - rounded).abs() <= 1e-9 * exact.max(1.0) {
        rounded as u64
    } else {
        exact.ceil() as u64
    })
}

/// One sampling stratum of a planned design, as a domain sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlannedStratum {
    /// N_h: the stratum's searches needing reasonable grounds.
    pub population: u64,
    /// Expected judged searches n_h (after insufficient information).
    pub judged: f64,
    /// The domain's expected share π_h of the stratum (1 when the domain is
    /// the whole stratum, as a sampling group is; 0 when it has none of it).
    pub domain_share: f64,
}

/// The expected effective size of a domain's estimate under a stratified
/// design when every stratum has the same proportion p (it cancels).
///
/// To leading order the linearised variance of the Hajek estimate is
/// V = pq Σ_h (1 − n_h/N_h) N_h² π_h / (n_h N_d²), with N_d = Σ_h π_h N_h,
/// so n* = min(Σ_h π_h n_h, pq / V), as [`super::Design::estimate`] defines it.
/// One stratum with π = 1 gives n* = n.
pub fn planned_effective_n(strata: &[PlannedStratum]) -> Result<f64, PlanError> {
    let (mut n_d, mut population_d, mut scaled) = (0.0, 0.0, 0.0);
    for (h, s) in strata.iter().enumerate() {
        let population = s.population as f64;
        let valid =
            s.judged > 0.0 && s.judged <= population && (0.0..=1.0).contains(&s.domain_share);
        if !valid {
            return Err(PlanError::Stratum {
                stratum: h,
                population: s.population,
                judged: s.judged,
            });
        }
        n_d += s.domain_share * s.judged;
        population_d += s.domain_share * population;
        scaled +=
            (1.0 - s.judged / population) * population * population * s.domain_share / s.judged;
    }
    if n_d <= 0.0 {
        return Err(PlanError::EmptyDomain);
    }
    // scaled / N_d² is V / pq.
    let relative_variance = scaled / (population_d * population_d);
    Ok(if relative_variance > 0.0 {
        n_d.min(1.0 / relative_variance)
    } else {
        n_d
    })
}

/// The smallest shortfall δ below a reference group's proportion `p_ref`
/// that a two-sided test at `confidence` detects with probability `power`,
/// with effective sizes `n_ref` and `n_other`: the other group at p_ref − δ.
///
/// Normal approximation on Cohen's arcsine scale (Cohen 1988, *Statistical
/// Power Analysis*, ch. 6; statsmodels' `NormalIndPower` with
/// `proportion_effectsize`): h = 2 asin √p_ref − 2 asin √p_other must reach
/// (z_{α/2} + z_β) √(1/n_ref + 1/n_other), the far tail ignored. Closed form:
/// p_other = sin²(asin √p_ref − h/2). None when even p_other = 0 is not
/// far enough (or an input is out of range).
pub fn detectable_difference(
    p_ref: f64,
    n_ref: f64,
    n_other: f64,
    confidence: f64,
    power: f64,
) -> Option<f64> {
    let valid =
        (0.0..=1.0).contains(&p_ref) && n_ref > 0.0 && n_other > 0.0 && power > 0.0 && power < 1.0;
    if !valid {
        return None;
    }
    let z_alpha = z_two_sided(alpha_of(confidence).ok()?);
    // z_β = Φ⁻¹(power), as the upper point of a two-sided 2(1 − power).
    let z_beta = z_two_sided(2.0 * (1.0 - power));
    let h = (z_alpha + z_beta) * (1.0 / n_ref + 1.0 / n_other).sqrt();
    let angle = p_ref.sqrt().asin() - h / 2.0;
    if angle < 0.0 {
        return None;
    }
    Some(p_ref - angle.sin().powi(2))
}

fn check_proportion(p: f64) -> Result<(), PlanError> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(PlanError::Proportion(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The Wilson half-width written out (Wilson 1927), for the checks below.
    fn direct_half_width(p: f64, n: f64, z: f64) -> f64 {
        z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / (1.0 + z * z / n)
    }

    const Z95: f64 = 1.959963984540054;

    #[test]
    fn judged_for_margin_matches_the_issue() {
        assert_eq!(judged_for_margin(0.85, 0.10, 0.95), Ok(49));
        assert_eq!(judged_for_margin(0.85, 0.05, 0.95), Ok(196));
        assert_eq!(judged_for_margin(0.80, 0.10, 0.95), Ok(60));
    }

    #[test]
    fn judged_for_margin_is_the_first_n_that_fits() {
        for (p, margin, confidence, z) in [
            (0.85, 0.10, 0.95, Z95),
            (0.5, 0.03, 0.95, Z95),
            (0.97, 0.02, 0.9, 1.6448536269514729),
            (0.0, 0.2, 0.95, Z95),
            (0.3, 0.25, 0.95, Z95),
        ] {
            let n = judged_for_margin(p, margin, confidence).unwrap();
            assert!(
                direct_half_width(p, n as f64, z) <= margin + 1e-12,
                "{p} {margin}: {n}"
            );
            if n > 1 {
                assert!(
                    direct_half_width(p, (n - 1) as f64, z) > margin,
                    "{p} {margin}: {n}"
                );
            }
        }
    }

    #[test]
    fn half_width_is_wilsons() {
        for (p, n) in [(0.85, 49.0), (0.85, 16.3), (0.5, 1000.0), (0.99, 7.5)] {
            let got = wilson_half_width(p, n, 0.95).unwrap();
            assert!(
                (got - direct_half_width(p, n, Z95)).abs() < 1e-14,
                "{p} {n}"
            );
        }
        // Kent, 20 random searches per champion: about 16 minority a month.
        let minority = wilson_half_width(0.85, 16.0, 0.95).unwrap();
        assert!((0.16..0.18).contains(&minority), "{minority}");
    }

    #[test]
    fn draws_allow_for_insufficient_information() {
        assert_eq!(draws_for_judged(49, 0.10), Ok(55));
        assert_eq!(draws_for_judged(45, 0.10), Ok(50));
        assert_eq!(draws_for_judged(196, 0.0), Ok(196));
        assert_eq!(draws_for_judged(0, 0.5), Ok(0));
        for share in [1.0, -0.1, f64::NAN] {
            assert!(matches!(
                draws_for_judged(10, share),
                Err(PlanError::InsufficientShare(_))
            ));
        }
        for judged in 1..500u64 {
            for share in [0.05, 0.1, 0.15, 0.2, 0.3] {
                let draws = draws_for_judged(judged, share).unwrap();
                // The fewest draws whose expected judged reach `judged`.
                let enough = |d: u64| d as f64 * (1.0 - share) >= judged as f64 - 1e-9;
                assert!(
                    enough(draws) && !enough(draws - 1),
                    "{judged} {share}: {draws}"
                );
            }
        }
    }

    #[test]
    fn bad_plans_are_refused() {
        assert_eq!(
            judged_for_margin(1.2, 0.1, 0.95),
            Err(PlanError::Proportion(1.2))
        );
        assert_eq!(
            judged_for_margin(0.85, 0.0, 0.95),
            Err(PlanError::Margin(0.0))
        );
        assert!(matches!(
            judged_for_margin(0.85, 0.1, 95.0),
            Err(PlanError::Stats(StatsError::ConfidenceOutOfRange(_)))
        ));
        let too_many = PlannedStratum {
            population: 10,
            judged: 11.0,
            domain_share: 1.0,
        };
        assert!(matches!(
            planned_effective_n(&[too_many]),
            Err(PlanError::Stratum { stratum: 0, .. })
        ));
        let none = PlannedStratum {
            population: 10,
            judged: 5.0,
            domain_share: 0.0,
        };
        assert_eq!(planned_effective_n(&[none]), Err(PlanError::EmptyDomain));
    }

    #[test]
    fn one_stratum_plans_its_sample_size() {
        for (population, judged) in [(534, 100.0), (9353, 184.0), (60, 20.0), (20, 20.0)] {
            let s = PlannedStratum {
                population,
                judged,
                domain_share: 1.0,
            };
            assert_eq!(planned_effective_n(&[s]).unwrap(), judged);
        }
    }

    #[test]
    fn kent_month_with_and_without_minority_oversampling() {
        // 534 searches, 80 minority ethnic; 5 champions × 20 draws.
        let random = planned_effective_n(&[PlannedStratum {
            population: 534,
            judged: 100.0,
            domain_share: 80.0 / 534.0,
        }])
        .unwrap();
        assert!((random - 100.0 * 80.0 / 534.0).abs() < 1e-9, "{random}");
        // K = 10: 50 of the 80 minority searches, 50 of the 454 others.
        let minority = PlannedStratum {
            population: 80,
            judged: 50.0,
            domain_share: 1.0,
        };
        assert_eq!(planned_effective_n(&[minority]).unwrap(), 50.0);
        // The whole month under K = 10 loses to the unequal weights: by
        // hand, V/pq = (80² · 0.375/50 + 454² · (1 − 50/454)/50) / 534²
        // = 0.0130326..., n* = 76.73...
        let rest = PlannedStratum {
            population: 454,
            judged: 50.0,
            domain_share: 1.0,
        };
        let all = planned_effective_n(&[minority, rest]).unwrap();
        let by_hand = 534.0f64.powi(2)
            / (80.0f64.powi(2) * 0.375 / 50.0 + 454.0f64.powi(2) * (1.0 - 50.0 / 454.0) / 50.0);
        assert!(
            (all - by_hand).abs() < 1e-9 && (76.7..76.8).contains(&all),
            "{all}"
        );
    }

    #[test]
    fn detectable_difference_solves_the_power_equation() {
        // Kent with 20 random searches per champion: about 16 minority and
        // 84 White a month; the issue's "35 points or more".
        let d = detectable_difference(0.85, 84.0, 16.0, 0.95, 0.8).unwrap();
        assert!((0.34..0.36).contains(&d), "{d}");
        for (p, n1, n2) in [(0.85, 84.0, 16.0), (0.5, 1000.0, 300.0), (0.97, 50.0, 50.0)] {
            let d = detectable_difference(p, n1, n2, 0.95, 0.8).unwrap();
            let p2 = p - d;
            // Power of the arcsine z-test at that difference, far tail ignored.
            let h = 2.0 * p.sqrt().asin() - 2.0 * p2.sqrt().asin();
            let z = h / (1.0 / n1 + 1.0 / n2).sqrt() - Z95;
            let power = 1.0 - 0.5 * statrs::function::erf::erfc(z / std::f64::consts::SQRT_2);
            assert!((power - 0.8).abs() < 1e-9, "{p} {n1} {n2}: {power}");
        }
        // More searches detect smaller differences.
        let small = detectable_difference(0.85, 500.0, 500.0, 0.95, 0.8).unwrap();
        assert!(small < d);
        assert_eq!(detectable_difference(0.1, 2.0, 2.0, 0.95, 0.8), None);
        assert_eq!(detectable_difference(0.85, 0.0, 2.0, 0.95, 0.8), None);
    }

    proptest! {
        #[test]
        fn judged_for_margin_is_minimal(p in 0.0f64..=1.0, margin in 0.005f64..0.5, conf in 0.8f64..0.995) {
            let n = judged_for_margin(p, margin, conf).unwrap();
            let z = z_two_sided(1.0 - conf);
            prop_assert!(direct_half_width(p, n as f64, z) <= margin + 1e-12);
            prop_assert!(n == 1 || direct_half_width(p, (n - 1) as f64, z) > margin - 1e-12);
        }
    }
}
