//! The difference between two independent proportions.

use serde::Serialize;

use super::{check_count, fisher_exact_two_sided, proportion_interval, Method, StatsError};

/// The difference p1 − p2 with its confidence interval, all in `[-1, 1]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Difference {
    pub estimate: f64,
    pub lower: f64,
    pub upper: f64,
}

/// Newcombe's hybrid score interval (Newcombe 1998, method 10) for
/// `x1/n1 − x2/n2`, as statsmodels' `confint_proportions_2indep(...,
/// method="newcomb", compare="diff")`.
///
/// It combines the two Wilson intervals, so it inherits their good coverage at
/// small n and never leaves `[-1, 1]`.
pub fn newcombe_difference(
    x1: u64,
    n1: u64,
    x2: u64,
    n2: u64,
    confidence: f64,
) -> Result<Difference, StatsError> {
    check_count(x1, n1)?;
    check_count(x2, n2)?;
    let w1 = proportion_interval(x1, n1, confidence, Method::Wilson)?;
    let w2 = proportion_interval(x2, n2, confidence, Method::Wilson)?;
    let p1 = x1 as f64 / n1 as f64;
    let p2 = x2 as f64 / n2 as f64;
    let estimate = p1 - p2;
    let below = ((p1 - w1.lower).powi(2) + (w2.upper - p2).powi(2)).sqrt();
    let above = ((p1 - w1.upper).powi(2) + (w2.lower - p2).powi(2)).sqrt();
    // Rounding in the Wilson bounds can overshoot ±1 by an ulp.
    Ok(Difference {
        estimate,
        lower: (estimate - below).clamp(-1.0, 1.0),
        upper: (estimate + above).clamp(-1.0, 1.0),
    })
}

/// Two proportions compared: the difference with its interval, and the
/// two-sided p-value of Fisher's exact test on the counts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ProportionComparison {
    pub difference: Difference,
    pub p_fisher: f64,
}

/// The one comparison of two independent proportions every command and
/// report makes: Newcombe's interval for `x1/n1 − x2/n2` and Fisher's test.
pub fn compare_proportions(
    x1: u64,
    n1: u64,
    x2: u64,
    n2: u64,
    confidence: f64,
) -> Result<ProportionComparison, StatsError> {
    let difference = newcombe_difference(x1, n1, x2, n2, confidence)?;
    Ok(ProportionComparison {
        difference,
        p_fisher: fisher_exact_two_sided(x1, n1 - x1, x2, n2 - x2),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_comparison_is_the_difference_and_fishers_test() {
        let c = compare_proportions(26, 28, 135, 156, 0.95).unwrap();
        assert_eq!(
            c.difference,
            newcombe_difference(26, 28, 135, 156, 0.95).unwrap()
        );
        assert_eq!(c.p_fisher, fisher_exact_two_sided(26, 2, 135, 21));
        assert!(compare_proportions(3, 2, 1, 2, 0.95).is_err());
    }

    #[test]
    fn swapping_groups_mirrors_the_interval() {
        let d = newcombe_difference(3, 10, 15, 20, 0.9).unwrap();
        let s = newcombe_difference(15, 20, 3, 10, 0.9).unwrap();
        assert!((d.estimate + s.estimate).abs() < 1e-15);
        assert!((d.lower + s.upper).abs() < 1e-15);
        assert!((d.upper + s.lower).abs() < 1e-15);
    }

    #[test]
    fn bad_input_names_the_group() {
        assert_eq!(
            newcombe_difference(5, 4, 1, 2, 0.95),
            Err(StatsError::CountExceedsTotal { x: 5, n: 4 })
        );
        assert_eq!(
            newcombe_difference(1, 2, 0, 0, 0.95),
            Err(StatsError::ZeroTrials)
        );
    }

    proptest! {
        #[test]
        fn estimate_inside_interval(
            (x1, n1) in (1u64..3000).prop_flat_map(|n| (0..=n, Just(n))),
            (x2, n2) in (1u64..3000).prop_flat_map(|n| (0..=n, Just(n))),
            conf in 0.5f64..0.999,
        ) {
            let d = newcombe_difference(x1, n1, x2, n2, conf).unwrap();
            prop_assert!(-1.0 <= d.lower && d.lower <= d.estimate);
            prop_assert!(d.estimate <= d.upper && d.upper <= 1.0);
            prop_assert!(d.upper > d.lower);
        }
    }
}
