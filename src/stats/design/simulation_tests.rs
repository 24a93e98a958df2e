//! Seeded simulations: the design-based figures behave as the contract
//! promises over many draws from known populations.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::*;
use crate::stats::plan::{planned_effective_n, wilson_half_width, PlannedStratum};
use crate::stats::proportion_interval;

/// Draws `n` without replacement from a population of `counts[k]` units of
/// each kind k, returning how many of each kind were drawn.
fn draw<const K: usize>(rng: &mut StdRng, counts: [u64; K], n: u64) -> [u64; K] {
    let mut left = counts;
    let mut drawn = [0u64; K];
    for _ in 0..n {
        let total: u64 = left.iter().sum();
        let mut pick = rng.random_range(0..total);
        for k in 0..K {
            if pick < left[k] {
                left[k] -= 1;
                drawn[k] += 1;
                break;
            }
            pick -= left[k];
        }
    }
    drawn
}

fn judged(stratum: usize, reasonable: u64, not: u64) -> impl Iterator<Item = Unit> {
    let yes = (0..reasonable).map(move |_| Unit {
        stratum,
        reasonable: true,
    });
    let no = (0..not).map(move |_| Unit {
        stratum,
        reasonable: false,
    });
    yes.chain(no)
}

#[test]
fn weighted_interval_covers_unequal_pools() {
    // Three districts of 900, 150 and 60 searches a month with 90%, 74.7%
    // and 60% reasonable; one champion each draws 20.
    let populations = [900u64, 150, 60];
    let reasonable = [810u64, 112, 36];
    let truth = 958.0 / 1110.0;
    let mut rng = StdRng::seed_from_u64(12);
    let draws = 2000;
    let (mut weighted_covers, mut pooled_covers) = (0, 0);
    let mut weighted_sum = 0.0;
    for _ in 0..draws {
        let mut units = Vec::with_capacity(60);
        let mut pooled_reasonable = 0;
        for h in 0..3 {
            let [yes, no] = draw(
                &mut rng,
                [reasonable[h], populations[h] - reasonable[h]],
                20,
            );
            pooled_reasonable += yes;
            units.extend(judged(h, yes, no));
        }
        let design = Design::new(populations.to_vec(), units).unwrap();
        let e = design
            .estimate(&design.everything(), 0.95, Method::Wilson)
            .unwrap();
        weighted_sum += e.proportion;
        if e.lower <= truth && truth <= e.upper {
            weighted_covers += 1;
        }
        let pooled = proportion_interval(pooled_reasonable, 60, 0.95, Method::Wilson).unwrap();
        if pooled.lower <= truth && truth <= pooled.upper {
            pooled_covers += 1;
        }
    }
    let weighted = weighted_covers as f64 / draws as f64;
    let pooled = pooled_covers as f64 / draws as f64;
    // A 95% interval over 2,000 draws: the binomial spread of the coverage is
    // ±1 point (2 SE), so 93–97% allows for it and a little design effect
    // (seeds 1–8 give 93.6% to 95.1%; the unweighted pooled one about 29%).
    assert!(
        (0.93..=0.97).contains(&weighted),
        "weighted coverage {weighted}"
    );
    assert!(pooled < 0.90, "unweighted coverage {pooled}");
    // Hajek is unbiased to order 1/n: the mean lands on the truth.
    let mean = weighted_sum / draws as f64;
    assert!((mean - truth).abs() < 0.005, "mean {mean} vs {truth}");
}

/// One Kent-like month: 534 searches, 80 of them of people recorded as
/// minority ethnic (15%), 82.5% of those reasonable and 85.9% of the others.
const MINORITY: u64 = 80;
const MINORITY_REASONABLE: u64 = 66;
const REST: u64 = 454;
const REST_REASONABLE: u64 = 390;

struct Month {
    minority_half_width: f64,
    overall: f64,
}

/// Five champions × 20: a plain random draw (one stratum), or K = 10 minority
/// per champion (50 of the 80 minority, 50 of the 454 others).
fn kent_month(rng: &mut StdRng, stratified: bool) -> Month {
    let counts = [
        MINORITY_REASONABLE,
        MINORITY - MINORITY_REASONABLE,
        REST_REASONABLE,
        REST - REST_REASONABLE,
    ];
    // Units of the minority domain come first.
    let (design, minority) = if stratified {
        let [my, mn] = draw(rng, [counts[0], counts[1]], 50);
        let [ry, rn] = draw(rng, [counts[2], counts[3]], 50);
        let units: Vec<Unit> = judged(0, my, mn).chain(judged(1, ry, rn)).collect();
        (Design::new(vec![MINORITY, REST], units).unwrap(), 50)
    } else {
        let [my, mn, ry, rn] = draw(rng, counts, 100);
        let units: Vec<Unit> = judged(0, my, mn).chain(judged(0, ry, rn)).collect();
        (
            Design::new(vec![MINORITY + REST], units).unwrap(),
            (my + mn) as usize,
        )
    };
    let in_minority = design.domain_where(|i, _| i < minority);
    let m = design.estimate(&in_minority, 0.95, Method::Wilson).unwrap();
    let all = design
        .estimate(&design.everything(), 0.95, Method::Wilson)
        .unwrap();
    Month {
        minority_half_width: (m.upper - m.lower) / 2.0,
        overall: all.proportion,
    }
}

#[test]
fn minority_oversampling_narrows_the_minority_interval() {
    let mut rng = StdRng::seed_from_u64(13);
    let draws = 1000;
    let truth = (MINORITY_REASONABLE + REST_REASONABLE) as f64 / (MINORITY + REST) as f64;
    let mut summary = |stratified: bool| {
        let (mut width, mut overall) = (0.0, 0.0);
        for _ in 0..draws {
            // A plain draw of 100 from 534 can miss the minority entirely
            // (probability ~1e-8); the seed used here never does.
            let month = kent_month(&mut rng, stratified);
            width += month.minority_half_width;
            overall += month.overall;
        }
        (width / draws as f64, overall / draws as f64)
    };
    let (plain_width, plain_overall) = summary(false);
    let (stratified_width, stratified_overall) = summary(true);

    // What `grounds plan` predicts at p = 82.5%: Wilson at n* = 100 × 80/534
    // ≈ 15 (plain) and n* = 50 (stratified): ±18.4 and ±10.4 points. The
    // simulated averages come out a little below (about 18.1 and 10.35 over
    // seeds 1–8: the observed p̂ varies, and the plain minority count too), so
    // the ranges span a point or two around the prediction: the issue's
    // "about 17 to about 10".
    let p = MINORITY_REASONABLE as f64 / MINORITY as f64;
    let share = MINORITY as f64 / (MINORITY + REST) as f64;
    let planned = |strata: &[PlannedStratum]| {
        wilson_half_width(p, planned_effective_n(strata).unwrap(), 0.95).unwrap()
    };
    let plain_plan = planned(&[PlannedStratum {
        population: MINORITY + REST,
        judged: 100.0,
        domain_share: share,
    }]);
    let stratified_plan = planned(&[PlannedStratum {
        population: MINORITY,
        judged: 50.0,
        domain_share: 1.0,
    }]);
    assert!((0.16..0.19).contains(&plain_plan), "{plain_plan}");
    assert!(
        (0.095..0.11).contains(&stratified_plan),
        "{stratified_plan}"
    );
    assert!(
        (0.165..0.195).contains(&plain_width),
        "plain ±{plain_width}"
    );
    assert!(
        (0.095..0.11).contains(&stratified_width),
        "stratified ±{stratified_width}"
    );
    assert!(
        (plain_width - plain_plan).abs() < 0.015,
        "{plain_width} vs {plain_plan}"
    );
    assert!(
        (stratified_width - stratified_plan).abs() < 0.01,
        "{stratified_width} vs {stratified_plan}"
    );
    // The oversampled minority counts by its true share: no bias either way.
    assert!(
        (plain_overall - truth).abs() < 0.01,
        "plain {plain_overall} vs {truth}"
    );
    assert!(
        (stratified_overall - truth).abs() < 0.01,
        "stratified {stratified_overall} vs {truth}"
    );
}
