//! Fisher's exact test for a 2×2 table.
//!
//! Not `statrs::stats_tests::fishers_exact`: it builds C(N, n) as a plain f64,
//! which overflows for tables above about 1100 and then returns nonsense, and
//! it goes through `1 − cdf`, which can come out slightly negative.

use statrs::function::factorial::ln_factorial as ln_factorial_table;
use statrs::function::gamma::ln_gamma;

/// Tables whose probabilities differ by less than this relative amount are
/// ties. The log-gamma terms round differently for mirror-image tables that are
/// exactly equally likely; without a tolerance those would be dropped. R's
/// `fisher.test` uses the same 1e-7, and it gives scipy's p on every table of
/// the oracle.
const TIE_TOLERANCE: f64 = 1e-7;

/// Below this (natural log, relative to the most likely table) a table's
/// probability is under e^-800 and cannot change any sum in f64.
const NEGLIGIBLE_LN: f64 = -800.0;

/// Two-sided p-value of Fisher's exact test on the table `[[a, b], [c, d]]`,
/// as scipy's `fisher_exact(table, alternative="two-sided")`.
///
/// With all margins fixed, p is the total probability of every table no more
/// likely than the one observed. If a row or column sum is 0, there is only
/// one possible table and p = 1.
///
/// Precision: ln Γ of the margins carries a rounding error of about 1e-16 of
/// its size, so p is good to about 1e-8 (relative) for totals up to a
/// million, and degrades slowly beyond. The work grows with the square root
/// of the total (about 0.7 s for two groups of 10^8 in a debug build).
pub fn fisher_exact_two_sided(a: u64, b: u64, c: u64, d: u64) -> f64 {
    // u128 so that no table of u64 counts can overflow its margins.
    let (a, b, c, d) = (a as u128, b as u128, c as u128, d as u128);
    let row1 = a + b;
    let col1 = a + c;
    let col2 = b + d;
    let total = row1 + c + d;
    if row1 == 0 || c + d == 0 || col1 == 0 || col2 == 0 {
        return 1.0;
    }
    // The top-left cell k determines the table; its support:
    let k_min = row1.saturating_sub(col2);
    let k_max = row1.min(col1);
    // ln P(k) up to the constant −ln C(total, row1), which cancels below.
    let ln_weight = |k: u128| ln_choose(col1, k) + ln_choose(col2, row1 - k);

    // Walk outwards from the mode, where the weights are largest, normalising
    // by the whole sum rather than by C(total, row1): the error in the common
    // factor then cancels, and p cannot exceed 1 except by rounding.
    let mode = match (row1 + 1).checked_mul(col1 + 1) {
        Some(product) => product / (total + 2),
        // Only for counts near u64::MAX, where f64 is as precise as anything else.
        None => ((row1 as f64 + 1.0) * (col1 as f64 + 1.0) / (total as f64 + 2.0)) as u128,
    }
    .clamp(k_min, k_max);
    let ln_mode = ln_weight(mode);
    let threshold = ln_weight(a) - ln_mode + TIE_TOLERANCE.ln_1p();

    let mut all = 0.0;
    let mut as_extreme = 0.0;
    let mut add = |rel: f64| {
        let w = rel.exp();
        all += w;
        if rel <= threshold {
            as_extreme += w;
        }
    };
    add(0.0);
    // Weights fall monotonically away from the mode (the hypergeometric is
    // log-concave), so each side can stop once they are negligible.
    for k in (mode + 1)..=k_max {
        let rel = ln_weight(k) - ln_mode;
        if rel < NEGLIGIBLE_LN {
            break;
        }
        add(rel);
    }
    for k in (k_min..mode).rev() {
        let rel = ln_weight(k) - ln_mode;
        if rel < NEGLIGIBLE_LN {
            break;
        }
        add(rel);
    }
    (as_extreme / all).min(1.0)
}

fn ln_choose(n: u128, k: u128) -> f64 {
    ln_factorial(n) - ln_factorial(k) - ln_factorial(n - k)
}

fn ln_factorial(n: u128) -> f64 {
    // statrs has exact factorials up to 170!, then falls back to ln Γ.
    match u64::try_from(n) {
        Ok(n) => ln_factorial_table(n),
        Err(_) => ln_gamma(n as f64 + 1.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The exact p from rational arithmetic for a tiny table, by enumeration.
    fn brute_force(a: u64, b: u64, c: u64, d: u64) -> f64 {
        fn choose(n: u64, k: u64) -> u128 {
            (0..k).fold(1u128, |acc, i| acc * (n - i) as u128 / (i + 1) as u128)
        }
        let (row1, col1, col2) = (a + b, a + c, b + d);
        let weight = |k: u64| choose(col1, k) * choose(col2, row1 - k);
        let observed = weight(a);
        let (mut extreme, mut all) = (0u128, 0u128);
        for k in row1.saturating_sub(col2)..=row1.min(col1) {
            all += weight(k);
            if weight(k) <= observed {
                extreme += weight(k);
            }
        }
        extreme as f64 / all as f64
    }

    #[test]
    fn empty_margin_gives_one() {
        assert_eq!(fisher_exact_two_sided(0, 0, 3, 4), 1.0);
        assert_eq!(fisher_exact_two_sided(0, 5, 0, 4), 1.0);
        assert_eq!(fisher_exact_two_sided(0, 0, 0, 0), 1.0);
    }

    #[test]
    fn symmetric_tables_keep_their_ties() {
        // Balanced margins: the mirror table is exactly as likely and must count.
        let p = fisher_exact_two_sided(3, 7, 7, 3);
        assert!((p - brute_force(3, 7, 7, 3)).abs() < 1e-14, "{p}");
    }

    #[test]
    fn large_tables_do_not_overflow() {
        // Where statrs returns about 0.49, the true p is astronomically small.
        let p = fisher_exact_two_sided(900, 100, 100, 900);
        assert!(p < 1e-200, "{p}");
        let p = fisher_exact_two_sided(5000, 5000, 5000, 5000);
        assert!((p - 1.0).abs() < 1e-9, "{p}");
    }

    proptest! {
        #[test]
        fn p_is_a_probability(a in 0u64..3000, b in 0u64..3000, c in 0u64..3000, d in 0u64..3000) {
            let p = fisher_exact_two_sided(a, b, c, d);
            prop_assert!((0.0..=1.0).contains(&p), "{p}");
            // Transposing or swapping rows does not change a two-sided test.
            let t = fisher_exact_two_sided(a, c, b, d);
            let s = fisher_exact_two_sided(c, d, a, b);
            prop_assert!((p - t).abs() <= 1e-12 + 1e-9 * p);
            prop_assert!((p - s).abs() <= 1e-12 + 1e-9 * p);
        }

        #[test]
        fn small_tables_match_exact_arithmetic(a in 0u64..15, b in 0u64..15, c in 0u64..15, d in 0u64..15) {
            prop_assume!(a + b > 0 && c + d > 0 && a + c > 0 && b + d > 0);
            let p = fisher_exact_two_sided(a, b, c, d);
            let exact = brute_force(a, b, c, d);
            prop_assert!((p - exact).abs() <= 1e-12 + 1e-9 * exact, "{p} vs {exact}");
        }
    }
}
