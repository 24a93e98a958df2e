//! Confidence intervals for one binomial proportion x/n.

use statrs::distribution::{Beta, Continuous, ContinuousCDF};

use super::{alpha_of, check_count, z_two_sided, Interval, Method, StatsError};

/// The confidence interval for the proportion `x/n` at `confidence` (e.g. 0.95).
///
/// Matches statsmodels' `proportion_confint(x, n, alpha=1-confidence, method)`,
/// including its clipping to `[0, 1]`.
pub fn proportion_interval(
    x: u64,
    n: u64,
    confidence: f64,
    method: Method,
) -> Result<Interval, StatsError> {
    check_count(x, n)?;
    let alpha = alpha_of(confidence)?;
    check_beta_size(n as f64, method)?;
    Ok(interval_at(x as f64, n as f64, alpha, method))
}

/// The same interval at a non-integer count `x` of `n` trials, as design-based
/// estimates need: x* = p·n* successes of an effective size n* (Korn &
/// Graubard 1998 for Clopper–Pearson; the other methods take the same
/// formulas at x*, n*). For whole numbers it gives exactly what
/// [`proportion_interval`] gives, and it matches statsmodels'
/// `proportion_confint` called with float counts.
pub fn proportion_interval_at(
    x: f64,
    n: f64,
    confidence: f64,
    method: Method,
) -> Result<Interval, StatsError> {
    // Written so that NaN fails too.
    if !(n > 0.0 && n.is_finite()) {
        return Err(StatsError::InvalidEffectiveCount { x, n });
    }
    if !(x >= 0.0 && x <= n) {
        return Err(StatsError::InvalidEffectiveCount { x, n });
    }
    let alpha = alpha_of(confidence)?;
    check_beta_size(n, method)?;
    Ok(interval_at(x, n, alpha, method))
}

fn check_beta_size(n: f64, method: Method) -> Result<(), StatsError> {
    if matches!(method, Method::Beta | Method::Jeffreys) && n > EXACT_LIMIT as f64 {
        return Err(StatsError::TooLargeForBeta {
            n: n.round() as u64,
            limit: EXACT_LIMIT,
        });
    }
    Ok(())
}

fn interval_at(x: f64, n: f64, alpha: f64, method: Method) -> Interval {
    let (lower, upper) = match method {
        Method::Normal => wald(x, n, alpha, 1.0),
        Method::Wilson => wilson(x, n, alpha),
        Method::AgrestiCoull => agresti_coull(x, n, alpha),
        Method::Beta => clopper_pearson(x, n, alpha),
        Method::Jeffreys => jeffreys(x, n, alpha),
    };
    clip01(lower, upper)
}

/// The Wald interval with finite population correction √((N−n)/(N−1)), for a
/// sample of `n` drawn without replacement from a population of `population`.
///
/// A census (`population == n`) has zero width: there is nothing left to estimate.
pub fn wald_fpc_interval(
    x: u64,
    n: u64,
    population: u64,
    confidence: f64,
) -> Result<Interval, StatsError> {
    check_count(x, n)?;
    let alpha = alpha_of(confidence)?;
    if population < n {
        return Err(StatsError::PopulationTooSmall { population, n });
    }
    // N = n = 1 would be 0/0 in the formula; the correction is 0 for any census.
    let fpc = if population == n {
        0.0
    } else {
        ((population - n) as f64 / (population - 1) as f64).sqrt()
    };
    let (lower, upper) = wald(x as f64, n as f64, alpha, fpc);
    Ok(clip01(lower, upper))
}

fn clip01(lower: f64, upper: f64) -> Interval {
    Interval {
        lower: lower.clamp(0.0, 1.0),
        upper: upper.clamp(0.0, 1.0),
    }
}

// The closed forms below keep statsmodels' order of operations, so that the
// results agree with it to the last bit or two, not just to 1e-12. They take
// float counts: whole counts convert exactly, and design-based estimates need
// non-integer ones.

fn wald(x: f64, n: f64, alpha: f64, fpc: f64) -> (f64, f64) {
    let p = x / n;
    let se = (p * (1.0 - p) / n).sqrt();
    let half = z_two_sided(alpha) * se * fpc;
    (p - half, p + half)
}

fn wilson(x: f64, n: f64, alpha: f64) -> (f64, f64) {
    let p = x / n;
    let z = z_two_sided(alpha);
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * (n * n))).sqrt() / denom;
    (centre - half, centre + half)
}

fn agresti_coull(x: f64, n: f64, alpha: f64) -> (f64, f64) {
    let z = z_two_sided(alpha);
    let z2 = z * z;
    let n_tilde = n + z2;
    let p_tilde = (x + z2 / 2.0) / n_tilde;
    let half = z * (p_tilde * (1.0 - p_tilde) / n_tilde).sqrt();
    (p_tilde - half, p_tilde + half)
}

fn clopper_pearson(x: f64, n: f64, alpha: f64) -> (f64, f64) {
    // At the boundaries the Beta has a zero shape parameter; statsmodels sets
    // the bound to 0 or 1 there without adjusting α to one-sided.
    let lower = if x == 0.0 {
        0.0
    } else {
        beta_quantile(x, n - x + 1.0, alpha / 2.0)
    };
    let upper = if x == n {
        1.0
    } else {
        upper_beta_quantile(x + 1.0, n - x, alpha / 2.0)
    };
    (lower, upper)
}

fn jeffreys(x: f64, n: f64, alpha: f64) -> (f64, f64) {
    // No boundary modification (Brown, Cai & DasGupta suggest one; statsmodels
    // does not, and matching it lets anyone check our numbers).
    let a = x + 0.5;
    let b = n - x + 0.5;
    (
        beta_quantile(a, b, alpha / 2.0),
        upper_beta_quantile(a, b, alpha / 2.0),
    )
}

/// The q-quantile of Beta(a, b); a, b > 0 and 0 < q < 1 by construction.
///
/// A safeguarded Newton iteration on the regularised incomplete beta: each
/// step keeps a bracket around the root and bisects whenever Newton would
/// leave it, so the work is bounded (at most [`QUANTILE_STEPS`] evaluations)
/// for any shape. statrs' own `inverse_cdf` did not return for shapes such as
/// Beta(3.5, 10^7), i.e. Jeffreys at 3 of 10 million. Converged to the last
/// bit it agrees with scipy to about 1e-14 over the whole oracle grid.
fn beta_quantile(a: f64, b: f64, q: f64) -> f64 {
    let Ok(dist) = Beta::new(a, b) else {
        // Unreachable for the shapes built above (both > 0).
        return f64::NAN;
    };
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    let mut x = (a / (a + b)).clamp(f64::MIN_POSITIVE, 1.0 - f64::EPSILON);
    for _ in 0..QUANTILE_STEPS {
        let f = dist.cdf(x) - q;
        if f == 0.0 {
            break;
        }
        if f < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let slope = dist.pdf(x);
        let newton = x - f / slope;
        let next = if slope.is_finite() && slope > 0.0 && newton > lo && newton < hi {
            newton
        } else {
            lo + (hi - lo) / 2.0
        };
        if next == x || hi - lo <= f64::EPSILON * x.abs().max(f64::MIN_POSITIVE) {
            x = next;
            break;
        }
        x = next;
    }
    x
}

/// Beyond this n the regularised incomplete beta loses the precision the
/// Beta-quantile intervals need (at 10^9 its bounds can miss x/n); Wilson
/// agrees with them to 1e-5 long before.
pub const EXACT_LIMIT: u64 = 100_000_000;

/// Enough for bisection alone to pin a double in [0, 1] (about 1,100 halvings
/// reach the smallest subnormal); Newton usually needs fewer than ten.
const QUANTILE_STEPS: usize = 1_200;

/// The point with upper-tail probability q under Beta(a, b).
fn upper_beta_quantile(a: f64, b: f64, q: f64) -> f64 {
    // By symmetry: Beta(a, b) above t ⇔ Beta(b, a) below 1 − t. Working with
    // the small tail probability q avoids forming 1 − q.
    1.0 - beta_quantile(b, a, q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn beta_intervals_beyond_the_limit_are_refused_clearly() {
        for method in [Method::Beta, Method::Jeffreys] {
            let err = proportion_interval(5, EXACT_LIMIT + 1, 0.95, method).unwrap_err();
            assert!(err.to_string().contains("wilson"), "{err}");
        }
        assert!(proportion_interval(5, EXACT_LIMIT * 10, 0.95, Method::Wilson).is_ok());
    }

    #[test]
    fn exact_and_jeffreys_intervals_finish_for_huge_n() {
        // These hung in statrs' inverse_cdf: bounded work now, and sane bounds.
        for n in [1_000_000u64, 10_000_000, EXACT_LIMIT] {
            for x in [0, 1, 3, n / 8, n - 3, n] {
                for method in [Method::Beta, Method::Jeffreys] {
                    let i = proportion_interval(x, n, 0.95, method).unwrap();
                    let p = x as f64 / n as f64;
                    // Jeffreys may exclude p at 0/n and n/n (statsmodels' convention).
                    let boundary = method == Method::Jeffreys && (x == 0 || x == n);
                    assert!(
                        0.0 <= i.lower && i.lower <= i.upper && i.upper <= 1.0,
                        "{i:?}"
                    );
                    assert!(
                        boundary || (i.lower <= p + 1e-12 && p <= i.upper + 1e-12),
                        "{method:?} {x}/{n}: {i:?}"
                    );
                    let wilson = proportion_interval(x, n, 0.95, Method::Wilson).unwrap();
                    assert!(
                        (i.upper - wilson.upper).abs() < 1e-5,
                        "{method:?} {x}/{n}: {i:?} vs {wilson:?}"
                    );
                }
            }
        }
    }

    fn ci(x: u64, n: u64, method: Method) -> Interval {
        proportion_interval(x, n, 0.95, method).unwrap()
    }

    #[test]
    fn documented_boundary_behaviour() {
        assert_eq!(
            ci(0, 20, Method::Normal),
            Interval {
                lower: 0.0,
                upper: 0.0
            }
        );
        assert_eq!(
            ci(20, 20, Method::Normal),
            Interval {
                lower: 1.0,
                upper: 1.0
            }
        );
        let cp = ci(0, 20, Method::Beta);
        assert_eq!(cp.lower, 0.0);
        // α is not halved again at the boundary: upper = 1 − (α/2)^(1/n).
        assert!((cp.upper - (1.0 - 0.025f64.powf(1.0 / 20.0))).abs() < 1e-12);
        assert_eq!(ci(20, 20, Method::Beta).upper, 1.0);
        let j = ci(0, 20, Method::Jeffreys);
        assert!((j.lower - 2.4246478459242733e-05).abs() < 1e-12);
        assert!(ci(20, 20, Method::Jeffreys).upper < 1.0);
        assert_eq!(ci(0, 5, Method::AgrestiCoull).lower, 0.0);
    }

    #[test]
    fn census_has_zero_width() {
        for (x, n) in [(1, 1), (0, 1), (3, 7)] {
            let i = wald_fpc_interval(x, n, n, 0.9).unwrap();
            assert_eq!(i.lower, i.upper);
            assert_eq!(i.lower, x as f64 / n as f64);
        }
    }

    #[test]
    fn bad_input_is_an_error() {
        assert_eq!(
            proportion_interval(21, 20, 0.95, Method::Wilson),
            Err(StatsError::CountExceedsTotal { x: 21, n: 20 })
        );
        assert_eq!(
            proportion_interval(0, 0, 0.95, Method::Wilson),
            Err(StatsError::ZeroTrials)
        );
        assert!(matches!(
            proportion_interval(1, 2, 1.0, Method::Beta),
            Err(StatsError::ConfidenceOutOfRange(_))
        ));
        assert_eq!(
            wald_fpc_interval(161, 184, 100, 0.95),
            Err(StatsError::PopulationTooSmall {
                population: 100,
                n: 184
            })
        );
    }

    #[test]
    fn effective_counts_are_checked() {
        for (x, n) in [
            (1.0, 0.0),
            (-0.1, 5.0),
            (5.5, 5.0),
            (f64::NAN, 5.0),
            (1.0, f64::INFINITY),
        ] {
            assert!(
                matches!(
                    proportion_interval_at(x, n, 0.95, Method::Wilson),
                    Err(StatsError::InvalidEffectiveCount { .. })
                ),
                "{x} of {n}"
            );
        }
        // Between whole counts the bounds move between their neighbours'.
        let below = ci(16, 20, Method::Beta);
        let at = proportion_interval_at(16.4, 20.5, 0.95, Method::Beta).unwrap();
        let above = ci(17, 21, Method::Beta);
        assert!(below.lower.min(above.lower) < at.lower && at.lower < below.lower.max(above.lower));
    }

    fn count() -> impl Strategy<Value = (u64, u64)> {
        (1u64..5000).prop_flat_map(|n| (0..=n, Just(n)))
    }

    proptest! {
        #[test]
        fn interval_contains_estimate((x, n) in count(), conf in 0.5f64..0.999) {
            let p = x as f64 / n as f64;
            for method in Method::ALL {
                let i = proportion_interval(x, n, conf, method).unwrap();
                prop_assert!(0.0 <= i.lower && i.lower <= i.upper && i.upper <= 1.0,
                    "{method}: {i:?}");
                // Jeffreys without boundary modification (statsmodels'
                // convention) excludes 0 at x = 0 and 1 at x = n.
                let is_jeffreys = method == Method::Jeffreys;
                // A few ulps of slack: Wilson's exact bound at x = 0 is 0
                // but the arithmetic can land a hair away, as in statsmodels.
                prop_assert!((is_jeffreys && x == 0) || i.lower <= p + 1e-15,
                    "{method} {x}/{n}: {i:?}");
                prop_assert!((is_jeffreys && x == n) || p <= i.upper + 1e-15,
                    "{method} {x}/{n}: {i:?}");
                if method != Method::Normal || (x > 0 && x < n) {
                    prop_assert!(i.upper > i.lower, "{method} {x}/{n} has zero width");
                }
            }
        }

        #[test]
        fn higher_confidence_is_wider((x, n) in count(), c1 in 0.5f64..0.99, dc in 0.001f64..0.009) {
            let c2 = c1 + dc;
            for method in Method::ALL {
                let a = proportion_interval(x, n, c1, method).unwrap();
                let b = proportion_interval(x, n, c2, method).unwrap();
                prop_assert!(b.lower <= a.lower + 1e-12 && b.upper >= a.upper - 1e-12,
                    "{method} {x}/{n}: {a:?} at {c1} vs {b:?} at {c2}");
            }
        }

        #[test]
        fn whole_effective_counts_give_the_integer_interval((x, n) in count(), conf in 0.5f64..0.999) {
            for method in Method::ALL {
                let whole = proportion_interval(x, n, conf, method).unwrap();
                let float = proportion_interval_at(x as f64, n as f64, conf, method).unwrap();
                prop_assert_eq!(whole, float, "{}", method);
            }
        }

        #[test]
        fn fpc_never_wider_than_wald((x, n) in count(), extra in 0u64..100_000) {
            let wald = proportion_interval(x, n, 0.95, Method::Normal).unwrap();
            let fpc = wald_fpc_interval(x, n, n + extra, 0.95).unwrap();
            prop_assert!(fpc.lower >= wald.lower - 1e-15 && fpc.upper <= wald.upper + 1e-15);
        }
    }
}
