//! Every row of the design-based reference files in `tests/data/oracle/`
//! (samplics' Taylor estimator, statsmodels and scipy; see
//! `make_design_oracle.py` and `tests/data/README.md`).

use serde::Deserialize;
use std::collections::BTreeMap;

use super::oracle_tests::rows;
use super::*;

const TOLERANCE: f64 = 1e-9;

#[derive(Deserialize)]
struct StratumRow {
    design: usize,
    stratum: usize,
    population: u64,
}

#[derive(Deserialize)]
struct UnitRow {
    design: usize,
    stratum: usize,
    group: String,
    reasonable: u8,
}

#[derive(Deserialize)]
struct EstimateRow {
    design: usize,
    alpha: f64,
    domain: String,
    judged: u64,
    reasonable: u64,
    proportion: f64,
    standard_error: f64,
    effective_n: f64,
    wilson_lower: f64,
    wilson_upper: f64,
    beta_lower: f64,
    beta_upper: f64,
    jeffreys_lower: f64,
    jeffreys_upper: f64,
    agresti_coull_lower: f64,
    agresti_coull_upper: f64,
    normal_lower: f64,
    normal_upper: f64,
}

impl EstimateRow {
    fn interval(&self, method: Method) -> (f64, f64) {
        match method {
            Method::Wilson => (self.wilson_lower, self.wilson_upper),
            Method::Beta => (self.beta_lower, self.beta_upper),
            Method::Jeffreys => (self.jeffreys_lower, self.jeffreys_upper),
            Method::AgrestiCoull => (self.agresti_coull_lower, self.agresti_coull_upper),
            Method::Normal => (self.normal_lower, self.normal_upper),
        }
    }
}

#[derive(Deserialize)]
struct ComparisonRow {
    design: usize,
    alpha: f64,
    difference: f64,
    lower: f64,
    upper: f64,
    covariance: f64,
    standard_error: f64,
    p_design_wald: f64,
    p_fisher: Option<f64>,
    detectable_difference: Option<f64>,
}

/// Each design with the group (A, B or C) of each of its units.
fn designs() -> BTreeMap<usize, (Design, Vec<String>)> {
    let mut populations: BTreeMap<usize, Vec<u64>> = BTreeMap::new();
    for s in rows::<StratumRow>("design_strata.csv") {
        let strata = populations.entry(s.design).or_default();
        assert_eq!(
            strata.len(),
            s.stratum,
            "strata of design {} out of order",
            s.design
        );
        strata.push(s.population);
    }
    let mut units: BTreeMap<usize, (Vec<Unit>, Vec<String>)> = BTreeMap::new();
    for u in rows::<UnitRow>("design_units.csv") {
        let (all, groups) = units.entry(u.design).or_default();
        all.push(Unit {
            stratum: u.stratum,
            reasonable: u.reasonable == 1,
        });
        groups.push(u.group);
    }
    units
        .into_iter()
        .map(|(d, (all, groups))| {
            let design = Design::new(populations[&d].clone(), all)
                .unwrap_or_else(|e| panic!("design {d}: {e}"));
            (d, (design, groups))
        })
        .collect()
}

fn domain(groups: &[String], name: &str) -> Vec<bool> {
    groups.iter().map(|g| name == "all" || g == name).collect()
}

/// Collects the deviations above tolerance, and the largest seen.
#[derive(Default)]
struct Check {
    failures: Vec<String>,
    worst: f64,
}

impl Check {
    fn close(&mut self, what: impl Fn() -> String, got: f64, want: f64) {
        let deviation = (got - want).abs();
        if deviation.is_nan() || deviation > TOLERANCE {
            self.failures
                .push(format!("{}: got {got}, want {want}", what()));
        }
        if deviation > self.worst {
            self.worst = deviation;
        }
    }

    fn finish(self, name: &str, rows: usize) {
        eprintln!("{name}: worst |Δ| = {:.3e} over {rows} rows", self.worst);
        assert!(
            self.failures.is_empty(),
            "{name}: {} deviations:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
    }
}

#[test]
fn design_estimates_every_row() {
    let designs = designs();
    let rows: Vec<EstimateRow> = rows("design_estimates.csv");
    let mut check = Check::default();
    for r in &rows {
        let (design, groups) = &designs[&r.design];
        let mask = domain(groups, &r.domain);
        let at = |what: &str| format!("design {} {} {what}", r.design, r.domain);
        for method in Method::ALL {
            let e = design.estimate(&mask, 1.0 - r.alpha, method).unwrap();
            assert_eq!(
                (e.judged, e.reasonable),
                (r.judged, r.reasonable),
                "{}",
                at("counts")
            );
            if method == Method::Wilson {
                check.close(|| at("proportion"), e.proportion, r.proportion);
                check.close(|| at("standard error"), e.standard_error, r.standard_error);
                check.close(|| at("effective n"), e.effective_n, r.effective_n);
            }
            let (lower, upper) = r.interval(method);
            check.close(|| at(&format!("{method} lower")), e.lower, lower);
            check.close(|| at(&format!("{method} upper")), e.upper, upper);
        }
    }
    check.finish("design_estimates.csv", rows.len());
}

#[test]
fn design_comparisons_every_row() {
    let designs = designs();
    let rows: Vec<ComparisonRow> = rows("design_comparisons.csv");
    let mut check = Check::default();
    let mut fisher_rows = 0;
    for r in &rows {
        let (design, groups) = &designs[&r.design];
        let c = design
            .compare(&domain(groups, "A"), &domain(groups, "B"), 1.0 - r.alpha)
            .unwrap();
        let at = |what: &str| format!("design {} {what}", r.design);
        check.close(|| at("difference"), c.difference, r.difference);
        check.close(|| at("lower"), c.lower, r.lower);
        check.close(|| at("upper"), c.upper, r.upper);
        check.close(|| at("covariance"), c.covariance, r.covariance);
        check.close(|| at("standard error"), c.standard_error, r.standard_error);
        check.close(|| at("Wald p"), c.p_design_wald, r.p_design_wald);
        match (c.p_fisher, r.p_fisher) {
            (Some(got), Some(want)) => {
                fisher_rows += 1;
                check.close(|| at("Fisher p"), got, want);
                assert_eq!((c.test, c.p_value), (Test::Fisher, got));
            }
            (None, None) => assert_eq!((c.test, c.p_value), (Test::DesignWald, c.p_design_wald)),
            (got, want) => panic!("{}: Fisher p {got:?}, want {want:?}", at("")),
        }
        match (c.detectable_difference, r.detectable_difference) {
            (Some(got), Some(want)) => check.close(|| at("detectable"), got, want),
            (None, None) => {}
            (got, want) => panic!("{}: detectable {got:?}, want {want:?}", at("")),
        }
    }
    // Both tests must be exercised.
    assert!(
        fisher_rows >= 10 && rows.len() - fisher_rows >= 100,
        "{fisher_rows} of {}",
        rows.len()
    );
    check.finish("design_comparisons.csv", rows.len());
}

#[test]
fn design_fixture_covers_the_hard_cases() {
    let designs = designs();
    assert!(designs.len() >= 200, "{} designs", designs.len());
    let count =
        |f: &dyn Fn(&Design, &[String]) -> bool| designs.values().filter(|(d, g)| f(d, g)).count();
    let single = count(&|d, _| {
        d.judged()
            .iter()
            .zip(d.populations())
            .any(|(&n, &big)| n == 1 && big > 1)
    });
    let census = count(&|d, _| {
        d.judged()
            .iter()
            .zip(d.populations())
            .any(|(&n, &big)| n > 1 && n == big)
    });
    let small_fpc = count(&|d, _| {
        d.judged()
            .iter()
            .zip(d.populations())
            .any(|(&n, &big)| n > 0 && (n as f64) < 0.01 * big as f64)
    });
    let all_reasonable = count(&|d, _| {
        (0..d.populations().len()).any(|h| {
            let units: Vec<&Unit> = d.units().iter().filter(|u| u.stratum == h).collect();
            units.len() > 1 && units.iter().all(|u| u.reasonable)
        })
    });
    let domain_missing = count(&|d, g| {
        let strata_with_a: std::collections::BTreeSet<usize> = d
            .units()
            .iter()
            .zip(g)
            .filter(|(_, g)| *g == "A")
            .map(|(u, _)| u.stratum)
            .collect();
        strata_with_a.len() < d.judged().iter().filter(|&&n| n > 0).count()
    });
    let self_weighting = count(&|d, _| d.is_self_weighting());
    let many_strata = count(&|d, _| d.populations().len() >= 5);
    for (what, n) in [
        ("n_h = 1", single),
        ("census", census),
        ("FPC near 0", small_fpc),
        ("all reasonable", all_reasonable),
        ("domain missing from a stratum", domain_missing),
        ("self-weighting", self_weighting),
        ("five or more strata", many_strata),
    ] {
        assert!(n >= 20, "only {n} designs with {what}");
    }
}
