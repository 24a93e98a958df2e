//! Unit tests of `workflow::plan`: values against direct computations and
//! `stats::plan`, the Kent-like month with and without oversampling, refusals.

use super::*;

fn kent_like(ks: Vec<u32>, months: Vec<u32>) -> PlanRequest {
    PlanRequest {
        design: Some(DesignRequest {
            per_champion: 20,
            champions: ChampionsSource::Count(5),
            minority_per_champion: ks,
            months,
            composition: CompositionSource::Given {
                searches: 534,
                minority_share: 80.0 / 534.0,
            },
        }),
        ..PlanRequest::new()
    }
}

fn with_margin(proportion: f64, margin: f64) -> PlanRequest {
    PlanRequest {
        proportion,
        margin: Some(margin),
        ..PlanRequest::new()
    }
}

/// The Wilson half-width written out (Wilson 1927).
fn direct_half_width(p: f64, n: f64) -> f64 {
    let z: f64 = 1.959963984540054;
    z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / (1.0 + z * z / n)
}

/// The first n whose half-width is within the margin, by walking n up.
fn first_n_within(p: f64, margin: f64) -> u64 {
    (1..)
        .find(|&n| direct_half_width(p, n as f64) <= margin)
        .unwrap()
}

#[test]
fn judged_needed_matches_a_direct_computation() {
    for (p, margin, expected) in [(0.85, 0.10, 49), (0.85, 0.05, 196), (0.80, 0.10, 60)] {
        let plan = plan(&with_margin(p, margin)).unwrap();
        assert_eq!(plan.judged, expected, "{p} {margin}");
        assert_eq!(plan.judged, first_n_within(p, margin), "{p} {margin}");
        // Draws allow for 10% insufficient information: 49 / 0.9 → 55.
        assert_eq!(
            plan.draws,
            (expected as f64 / 0.9).ceil() as u64,
            "{p} {margin}"
        );
        assert!(plan.design.is_none() && plan.draws_per_champion.is_none());
    }
    // Without a margin: ±10 points.
    assert_eq!(plan(&PlanRequest::new()).unwrap().judged, 49);
}

#[test]
fn random_draw_half_widths_are_wilsons_at_the_expected_sizes() {
    let plan = plan(&kent_like(vec![], vec![1, 3])).unwrap();
    assert_eq!(plan.draws_per_champion, Some(11)); // 55 draws over 5
    let design = plan.design.unwrap();
    assert_eq!(design.schemes.len(), 1);
    let random = &design.schemes[0];
    assert_eq!(
        (random.scheme, random.draws, random.shortfall),
        ("random", 100, 0)
    );
    for (period, months) in random.periods.iter().zip([1.0, 3.0]) {
        // 100 draws a month, 90 judged; 80 of 534 minority ethnic.
        let all = period.all.as_ref().unwrap();
        assert!((all.judged - 90.0 * months).abs() < 1e-9);
        let expected = wilson_half_width(0.85, 90.0 * months, 0.95).unwrap();
        assert!((all.half_width - expected).abs() < 1e-12);
        let minority = period.minority.as_ref().unwrap();
        let n_minority = 90.0 * months * 80.0 / 534.0;
        assert!((minority.effective_n - n_minority).abs() < 1e-9);
        assert!((minority.half_width - direct_half_width(0.85, n_minority)).abs() < 1e-12);
        let white = period.white.as_ref().unwrap();
        assert!((white.effective_n - 90.0 * months * 454.0 / 534.0).abs() < 1e-9);
    }
}

#[test]
fn oversampling_narrows_the_minority_interval_on_a_kent_like_month() {
    let plan = plan(&kent_like(vec![10], vec![1])).unwrap();
    let schemes = &plan.design.unwrap().schemes;
    let (random, stratified) = (&schemes[0].periods[0], &schemes[1].periods[0]);
    let without = random.minority.as_ref().unwrap().half_width;
    let with = stratified.minority.as_ref().unwrap().half_width;
    assert!((0.17..0.20).contains(&without), "{without}");
    assert!((0.09..0.11).contains(&with), "{with}");
    // K = 10 of 20: 50 of the 80 minority searches, 45 judged.
    assert_eq!(schemes[1].minority_draws, Some(50));
    let minority = stratified.minority.as_ref().unwrap();
    assert!((minority.judged - 45.0).abs() < 1e-9);
    assert_eq!(
        minority.half_width,
        wilson_half_width(0.85, 45.0, 0.95).unwrap()
    );
    // The White figure and the whole month pay for it, the gap shrinks.
    let white = |p: &PeriodPlan| p.white.as_ref().unwrap().half_width;
    let all = |p: &PeriodPlan| p.all.as_ref().unwrap().half_width;
    assert!(white(stratified) > white(random));
    assert!(all(stratified) > all(random));
    let gap = |p: &PeriodPlan| p.detectable_difference.unwrap();
    assert!(
        gap(stratified) < gap(random) - 0.05,
        "{} {}",
        gap(stratified),
        gap(random)
    );
}

#[test]
fn stratified_whole_month_matches_stats_plan() {
    let plan = plan(&kent_like(vec![10], vec![3])).unwrap();
    let all = plan.design.unwrap().schemes[1].periods[0]
        .all
        .clone()
        .unwrap();
    let month = [
        PlannedStratum {
            population: 80,
            judged: 45.0,
            domain_share: 1.0,
        },
        PlannedStratum {
            population: 454,
            judged: 45.0,
            domain_share: 1.0,
        },
    ];
    let quarter: Vec<_> = month.iter().cycle().take(6).copied().collect();
    assert_eq!(all.effective_n, planned_effective_n(&quarter).unwrap());
    assert!((all.judged - 270.0).abs() < 1e-9);
}

#[test]
fn a_small_minority_stratum_is_topped_up_from_the_rest() {
    let mut request = kent_like(vec![20], vec![1]);
    if let Some(design) = request.design.as_mut() {
        design.composition = CompositionSource::Given {
            searches: 534,
            minority_share: 30.0 / 534.0,
        };
    }
    let plan = plan(&request).unwrap();
    let stratified = &plan.design.unwrap().schemes[1];
    assert_eq!(stratified.minority_draws, Some(30));
    assert_eq!((stratified.draws, stratified.shortfall), (100, 0));
    // The whole minority stratum is drawn: only insufficient information
    // keeps its figure from being exact.
    let minority = stratified.periods[0].minority.as_ref().unwrap();
    assert!((minority.judged - 27.0).abs() < 1e-9);
}

#[test]
fn all_minority_leaves_no_white_figure() {
    // K = per champion and minority searches enough for all: the rest
    // stratum is not drawn, so neither the White nor the whole-month
    // figure can be estimated.
    let mut request = kent_like(vec![20], vec![1]);
    if let Some(design) = request.design.as_mut() {
        design.composition = CompositionSource::Given {
            searches: 534,
            minority_share: 0.5,
        };
    }
    let plan = plan(&request).unwrap();
    let scheme = &plan.design.unwrap().schemes[1];
    assert_eq!(scheme.minority_draws, Some(100));
    let period = &scheme.periods[0];
    assert!(period.white.is_none() && period.all.is_none());
    assert!(period.detectable_difference.is_none());
    assert!(period.minority.is_some());
}

#[test]
fn k_zero_is_the_random_draw_and_repeats_are_dropped() {
    let plan = plan(&kent_like(vec![0, 5, 5, 10], vec![1])).unwrap();
    let ks: Vec<u32> = plan
        .design
        .unwrap()
        .schemes
        .iter()
        .map(|s| s.minority_per_champion)
        .collect();
    assert_eq!(ks, [0, 5, 10]);
}

#[test]
fn bad_requests_are_refused_with_the_option_named() {
    let message = |request: PlanRequest| plan(&request).unwrap_err().to_string();
    for p in [0.0, 1.0, -0.5, 1.5, f64::NAN] {
        assert!(message(with_margin(p, 0.1)).contains("--proportion"), "{p}");
    }
    for m in [0.0, -0.1, 1.0] {
        assert!(message(with_margin(0.85, m)).contains("--margin"), "{m}");
    }
    let insufficient = PlanRequest {
        insufficient: 1.0,
        ..PlanRequest::new()
    };
    assert!(message(insufficient).contains("--insufficient"));
    let too_many = message(kent_like(vec![21], vec![1]));
    assert!(too_many.contains("--minority-per-champion 21") && too_many.contains("20"));
    let mut no_months = kent_like(vec![], vec![]);
    assert!(message(no_months.clone()).contains("--months"));
    if let Some(d) = no_months.design.as_mut() {
        d.months = vec![1];
        d.champions = ChampionsSource::Count(0);
    }
    assert!(message(no_months).contains("--champions"));
    let mut share = kent_like(vec![], vec![1]);
    if let Some(d) = share.design.as_mut() {
        d.composition = CompositionSource::Given {
            searches: 10,
            minority_share: 1.2,
        };
    }
    assert!(message(share).contains("--minority-share"));
}
