use proptest::prelude::*;

use super::*;
use crate::stats::{newcombe_difference, proportion_interval};

fn units(stratum: usize, reasonable: usize, judged: usize) -> impl Iterator<Item = Unit> {
    (0..judged).map(move |i| Unit {
        stratum,
        reasonable: i < reasonable,
    })
}

#[test]
fn self_weighting_month_gives_the_unweighted_figures() {
    // The inspection's 161 of 184, drawn from a month of 9,353: 184² ≥ 9,353.
    let design = Design::new(vec![9353], units(0, 161, 184).collect()).unwrap();
    assert!(design.is_self_weighting());
    let e = design
        .estimate(&design.everything(), 0.95, Method::Wilson)
        .unwrap();
    let wilson = proportion_interval(161, 184, 0.95, Method::Wilson).unwrap();
    assert!((e.proportion - 0.875).abs() < 1e-15);
    assert_eq!(e.effective_n, 184.0);
    assert!((e.lower - wilson.lower).abs() < 1e-12, "{e:?}");
    assert!((e.upper - wilson.upper).abs() < 1e-12, "{e:?}");
    assert_eq!(format!("{:.4}–{:.4}", e.lower, e.upper), "0.8194–0.9152");
    assert!(!e.weighted);
    assert_eq!((e.judged, e.reasonable), (184, 161));
    // v = (1 − f) n/(n − 1) p q / n, so deff = (1 − f) n/(n − 1).
    let deff = (1.0 - 184.0 / 9353.0) * 184.0 / 183.0;
    assert!((e.design_effect - deff).abs() < 1e-12);
    for method in Method::ALL {
        let design_based = e.interval(0.95, method).unwrap();
        let plain = proportion_interval(161, 184, 0.95, method).unwrap();
        assert!((design_based.lower - plain.lower).abs() < 1e-12, "{method}");
        assert!((design_based.upper - plain.upper).abs() < 1e-12, "{method}");
    }
}

#[test]
fn self_weighting_comparison_is_newcombe_and_fisher() {
    // 26 of 28 minority ethnic against 135 of 156 others, in one pool.
    let mut all: Vec<Unit> = units(0, 26, 28).collect();
    all.extend(units(0, 135, 156));
    let design = Design::new(vec![9353], all).unwrap();
    let minority = design.domain_where(|i, _| i < 28);
    let rest = design.domain_where(|i, _| i >= 28);
    let c = design.compare(&minority, &rest, 0.95).unwrap();
    let plain = newcombe_difference(26, 28, 135, 156, 0.95).unwrap();
    assert!((c.difference - plain.estimate).abs() < 1e-12);
    assert!((c.lower - plain.lower).abs() < 1e-12 && (c.upper - plain.upper).abs() < 1e-12);
    assert_eq!(c.test, Test::Fisher);
    assert_eq!(c.p_fisher, Some(fisher_exact_two_sided(26, 2, 135, 21)));
    assert_eq!(format!("{:.3}", c.p_value), "0.537");
    // Each domain's scores sum to 0 within the stratum, so disjoint domains
    // of one stratum are uncorrelated.
    assert!(c.covariance.abs() < 1e-18, "{}", c.covariance);
    let d = c.detectable_difference.unwrap();
    assert!((0.15..0.35).contains(&d), "{d}");
}

#[test]
fn unequal_pools_are_weighted() {
    // 900 searches with 18/20 reasonable, 60 searches with 10/20.
    let mut all: Vec<Unit> = units(0, 18, 20).collect();
    all.extend(units(1, 10, 20));
    let design = Design::new(vec![900, 60], all).unwrap();
    assert!(!design.is_self_weighting());
    assert_eq!(design.stratum_weight(0), Some(45.0));
    assert_eq!(design.stratum_weight(1), Some(3.0));
    let e = design
        .estimate(&design.everything(), 0.95, Method::Wilson)
        .unwrap();
    let truth = (900.0 * 0.9 + 60.0 * 0.5) / 960.0;
    assert!((e.proportion - truth).abs() < 1e-15);
    assert!(e.weighted);
    assert!((e.estimated_population - 960.0).abs() < 1e-12);
    // By hand: v = Σ W_h² (1 − f_h) p_h q_h / (n_h − 1) for whole strata.
    let v = (900.0f64 / 960.0).powi(2) * (1.0 - 20.0 / 900.0) * 0.09 / 19.0
        + (60.0f64 / 960.0).powi(2) * (1.0 - 20.0 / 60.0) * 0.25 / 19.0;
    assert!((e.variance - v).abs() < 1e-15, "{} vs {v}", e.variance);
    assert!((e.effective_n - (truth * (1.0 - truth) / v).min(40.0)).abs() < 1e-9);
    let c = design
        .compare(
            &design.domain_where(|_, u| u.stratum == 1),
            &design.domain_where(|_, u| u.stratum == 0),
            0.95,
        )
        .unwrap();
    assert_eq!((c.test, c.p_fisher), (Test::DesignWald, None));
    // Separate strata are independent.
    assert_eq!(c.covariance, 0.0);
    assert!((c.difference + 0.4).abs() < 1e-15);
}

#[test]
fn wald_p_is_two_sided_normal() {
    assert_eq!(wald_p(0.0, 0.1), 1.0);
    assert!((wald_p(0.1959963984540054, 0.1) - 0.05).abs() < 1e-15);
    assert!((wald_p(-0.1959963984540054, 0.1) - 0.05).abs() < 1e-15);
    assert_eq!(wald_p(0.5, 1e-300), 0.0);
    assert_eq!((wald_p(0.0, 0.0), wald_p(0.2, 0.0)), (1.0, 0.0));
}

#[test]
fn test_names_serialise_as_the_json_contract_says() {
    assert_eq!(serde_json::to_string(&Test::Fisher).unwrap(), "\"fisher\"");
    assert_eq!(
        serde_json::to_string(&Test::DesignWald).unwrap(),
        "\"design_wald\""
    );
}

#[test]
fn degenerate_domains_are_defined() {
    // All reasonable in stratum 0, none in stratum 1, one search in stratum 2.
    let mut all: Vec<Unit> = units(0, 5, 5).collect();
    all.extend(units(1, 0, 4));
    all.extend(units(2, 1, 1));
    let design = Design::new(vec![50, 8, 30], all).unwrap();
    let e = design
        .estimate(
            &design.domain_where(|_, u| u.stratum == 0),
            0.95,
            Method::Beta,
        )
        .unwrap();
    assert_eq!((e.proportion, e.variance), (1.0, 0.0));
    assert_eq!(e.effective_n, 5.0);
    assert_eq!(e.design_effect, 1.0);
    assert_eq!(e.upper, 1.0);
    assert!((e.lower - 0.025f64.powf(1.0 / 5.0)).abs() < 1e-12);
    // One search of 30: no variance from it, and flagged.
    let one = design
        .estimate(
            &design.domain_where(|_, u| u.stratum == 2),
            0.95,
            Method::Wilson,
        )
        .unwrap();
    assert_eq!(one.single_unit_strata, vec![2]);
    assert_eq!(one.variance, 0.0);
    let mixed = design
        .estimate(
            &design.domain_where(|_, u| u.stratum != 0),
            0.95,
            Method::Wilson,
        )
        .unwrap();
    assert_eq!(mixed.single_unit_strata, vec![2]);
    // Kish's size when the variance is zero: (Σw)²/Σw² with w = 10, 2, 30.
    let c = design
        .compare(
            &design.domain_where(|_, u| u.stratum == 0),
            &design.domain_where(|_, u| u.stratum == 1),
            0.95,
        )
        .unwrap();
    assert_eq!((c.standard_error, c.p_value), (0.0, 0.0));
    let same = design
        .compare(&design.everything(), &design.everything(), 0.95)
        .unwrap();
    assert_eq!((same.difference, same.p_value), (0.0, 1.0));
}

#[test]
fn census_strata_have_no_sampling_error() {
    let design = Design::new(vec![10], units(0, 7, 10).collect()).unwrap();
    let e = design
        .estimate(&design.everything(), 0.95, Method::Wilson)
        .unwrap();
    assert_eq!((e.variance, e.design_effect), (0.0, 0.0));
    // Kish's size: every weight is 1.
    assert_eq!(e.effective_n, 10.0);
}

#[test]
fn bad_designs_are_refused() {
    assert_eq!(
        Design::new(vec![3], units(0, 1, 4).collect()),
        Err(DesignError::PopulationTooSmall {
            stratum: 0,
            population: 3,
            judged: 4
        })
    );
    assert_eq!(
        Design::new(vec![30], units(1, 1, 4).collect()),
        Err(DesignError::UnknownStratum {
            unit: 0,
            stratum: 1,
            strata: 1
        })
    );
    let design = Design::new(vec![30, 5], units(0, 1, 4).collect()).unwrap();
    assert_eq!(design.unrepresented_strata(), vec![1]);
    assert_eq!(
        design.estimate(&[true], 0.95, Method::Wilson),
        Err(DesignError::DomainLength { mask: 1, units: 4 })
    );
    assert_eq!(
        design.estimate(&[false; 4], 0.95, Method::Wilson),
        Err(DesignError::EmptyDomain)
    );
    assert!(matches!(
        design.estimate(&[true; 4], 95.0, Method::Wilson),
        Err(DesignError::Stats(StatsError::ConfidenceOutOfRange(_)))
    ));
}

/// A random design: 1 to 6 strata, each with N_h from 1 to 2,000 and n_h from
/// 0 to min(N_h, 40), random verdicts with a stratum's own rate, and a random domain.
fn random_design() -> impl Strategy<Value = (Design, Vec<bool>)> {
    prop::collection::vec((1u64..2000, 0u64..41, 0.0f64..=1.0), 1..7)
        .prop_flat_map(|strata| {
            let sizes: Vec<(u64, u64)> = strata
                .iter()
                .map(|&(big, n, _)| (big.max(n), n.min(big)))
                .collect();
            let total: usize = sizes.iter().map(|&(_, n)| n as usize).sum();
            let rates: Vec<f64> = strata.iter().map(|s| s.2).collect();
            (
                Just(sizes),
                Just(rates),
                prop::collection::vec((0.0f64..1.0, any::<bool>()), total),
            )
        })
        .prop_filter_map("a domain with a judged search", |(sizes, rates, draws)| {
            let mut all = Vec::new();
            let mut domain = Vec::new();
            let mut draw = draws.iter();
            for (h, &(_, n)) in sizes.iter().enumerate() {
                for _ in 0..n {
                    let &(u, d) = draw.next()?;
                    all.push(Unit {
                        stratum: h,
                        reasonable: u < rates[h],
                    });
                    domain.push(d);
                }
            }
            if !domain.contains(&true) {
                return None;
            }
            let populations = sizes.iter().map(|&(big, _)| big).collect();
            Some((Design::new(populations, all).ok()?, domain))
        })
}

proptest! {
    #[test]
    fn variance_from_counts_equals_the_linearisation_unit_by_unit(
        (design, domain) in random_design(),
    ) {
        // The estimate's variance comes from each stratum's counts; the
        // covariance of a domain with itself is the textbook sum over the
        // units' scores, Σ_h (1 − f_h) n_h/(n_h − 1) Σ_i (u_i − ū_h)².
        let e = design.estimate(&domain, 0.95, Method::Wilson).unwrap();
        let unit_by_unit = non_negative(design.covariance(&domain, &domain).unwrap());
        let scale = e.proportion * (1.0 - e.proportion) / e.judged as f64;
        prop_assert!(
            (e.variance - unit_by_unit).abs() <= 1e-12 * scale.max(unit_by_unit),
            "{} vs {}", e.variance, unit_by_unit
        );
    }

    #[test]
    fn estimate_lies_inside_its_interval((design, domain) in random_design(), conf in 0.5f64..0.999) {
        for method in Method::ALL {
            let e = design.estimate(&domain, conf, method).unwrap();
            let p = e.proportion;
            prop_assert!(0.0 <= e.lower && e.lower <= e.upper && e.upper <= 1.0, "{method}: {e:?}");
            prop_assert!(e.effective_n > 0.0 && e.effective_n <= e.judged as f64 + 1e-9, "{e:?}");
            prop_assert!(e.variance >= 0.0 && e.design_effect >= 0.0);
            // Jeffreys without boundary modification (statsmodels' convention)
            // can exclude p near 0 or 1 at a small effective size.
            if method != Method::Jeffreys {
                prop_assert!(e.lower <= p + 1e-12 && p <= e.upper + 1e-12, "{method}: {e:?}");
            }
        }
        let everything = design.everything();
        let c = design.compare(&domain, &everything, conf).unwrap();
        prop_assert!(-1.0 <= c.lower && c.lower <= c.difference + 1e-12);
        prop_assert!(c.difference <= c.upper + 1e-12 && c.upper <= 1.0);
        prop_assert!((0.0..=1.0).contains(&c.p_value));
        prop_assert_eq!(c.p_fisher.is_some(), design.is_self_weighting());
    }

    #[test]
    fn equal_weights_give_the_unweighted_figures(
        strata in prop::collection::vec((1u64..60, 0.0f64..=1.0), 1..5),
        weight in 1u64..20,
        seed in any::<u64>(),
    ) {
        // Every stratum N_h = weight × n_h, so every search weighs the same,
        // and n_h² ≥ N_h (n_h ≥ weight) so that n* = n_d.
        let mut all = Vec::new();
        let mut populations = Vec::new();
        let mut state = seed;
        for (h, &(n, rate)) in strata.iter().enumerate() {
            let n = n.max(weight);
            populations.push(n * weight);
            for _ in 0..n {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let u = (state >> 11) as f64 / (1u64 << 53) as f64;
                all.push(Unit { stratum: h, reasonable: u < rate });
            }
        }
        let design = Design::new(populations, all).unwrap();
        prop_assert!(design.is_self_weighting());
        let e = design.estimate(&design.everything(), 0.95, Method::Wilson).unwrap();
        let judged = design.units().len() as u64;
        let plain = proportion_interval(e.reasonable, judged, 0.95, Method::Wilson).unwrap();
        prop_assert!((e.proportion - e.reasonable as f64 / judged as f64).abs() < 1e-12);
        prop_assert!((e.lower - plain.lower).abs() < 1e-12 && (e.upper - plain.upper).abs() < 1e-12,
            "{e:?} vs {plain:?}");
        prop_assert!(!e.weighted);
    }
}
