//! Every row of the statsmodels / scipy reference files in `tests/data/oracle/`
//! (see `../shared/oracle/README.md` for how they were made).
//!
//! Run with `--nocapture` to see the worst deviation per file.

use std::path::PathBuf;

use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::*;

/// Closed forms agree with statsmodels to rounding.
const CLOSED_FORM_TOL: f64 = 1e-12;
/// Beta quantiles come from different root finders here and in scipy.
const BETA_TOL: f64 = 1e-9;

/// Every row of a reference file in `tests/data/oracle/`, which must have some.
pub(super) fn rows<T: DeserializeOwned>(name: &str) -> Vec<T> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/oracle")
        .join(name);
    let mut reader = csv::Reader::from_path(&path)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    let rows: Vec<T> = reader
        .deserialize()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(!rows.is_empty(), "{name} has no rows");
    rows
}

/// The largest deviation seen, and where.
#[derive(Default)]
struct Worst {
    deviation: f64,
    row: String,
}

impl Worst {
    fn see(&mut self, deviation: f64, row: impl FnOnce() -> String) {
        if deviation > self.deviation {
            self.deviation = deviation;
            self.row = row();
        }
    }
}

/// Written so that a NaN deviation fails.
fn within(deviation: f64, tolerance: f64) -> bool {
    deviation <= tolerance
}

fn confidence(alpha: f64) -> f64 {
    1.0 - alpha
}

#[derive(Deserialize)]
struct BinomialRow {
    method: String,
    alpha: f64,
    x: u64,
    n: u64,
    lower: f64,
    upper: f64,
}

#[test]
fn binomial_ci_every_row() {
    let rows: Vec<BinomialRow> = rows("binomial_ci.csv");
    let mut worst: Vec<(Method, Worst)> = Method::ALL.map(|m| (m, Worst::default())).into();
    let mut failures = Vec::new();
    for r in &rows {
        let method: Method = r.method.parse().unwrap();
        let got = proportion_interval(r.x, r.n, confidence(r.alpha), method).unwrap();
        let tol = match method {
            Method::Beta | Method::Jeffreys => BETA_TOL,
            _ => CLOSED_FORM_TOL,
        };
        let dev = (got.lower - r.lower).abs().max((got.upper - r.upper).abs());
        if !within(dev, tol) {
            failures.push(format!(
                "{method} α={} {}/{}: got [{}, {}], want [{}, {}]",
                r.alpha, r.x, r.n, got.lower, got.upper, r.lower, r.upper
            ));
        }
        let slot = &mut worst.iter_mut().find(|(m, _)| *m == method).unwrap().1;
        slot.see(dev, || format!("α={} {}/{}", r.alpha, r.x, r.n));
    }
    for (m, w) in &worst {
        eprintln!(
            "binomial_ci.csv {:<13} worst |Δ| = {:.3e} at {}",
            m.name(),
            w.deviation,
            w.row
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows off:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

#[derive(Deserialize)]
struct DiffRow {
    x1: u64,
    n1: u64,
    x2: u64,
    n2: u64,
    alpha: f64,
    lower: f64,
    upper: f64,
}

#[test]
fn diff_ci_every_row() {
    let rows: Vec<DiffRow> = rows("diff_ci.csv");
    let mut worst = Worst::default();
    let mut failures = Vec::new();
    for r in &rows {
        let got = newcombe_difference(r.x1, r.n1, r.x2, r.n2, confidence(r.alpha)).unwrap();
        let dev = (got.lower - r.lower).abs().max((got.upper - r.upper).abs());
        if !within(dev, CLOSED_FORM_TOL) {
            failures.push(format!(
                "α={} {}/{} − {}/{}: got [{}, {}], want [{}, {}]",
                r.alpha, r.x1, r.n1, r.x2, r.n2, got.lower, got.upper, r.lower, r.upper
            ));
        }
        worst.see(dev, || {
            format!("α={} {}/{} − {}/{}", r.alpha, r.x1, r.n1, r.x2, r.n2)
        });
    }
    eprintln!(
        "diff_ci.csv worst |Δ| = {:.3e} at {}",
        worst.deviation, worst.row
    );
    assert!(
        failures.is_empty(),
        "{} of {} rows off:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

#[derive(Deserialize)]
struct FisherRow {
    a: u64,
    b: u64,
    c: u64,
    d: u64,
    p_two_sided: f64,
}

#[test]
fn fisher_every_row() {
    let rows: Vec<FisherRow> = rows("fisher.csv");
    let mut worst_abs = Worst::default();
    let mut worst_scaled = Worst::default();
    let mut failures = Vec::new();
    for r in &rows {
        let got = fisher_exact_two_sided(r.a, r.b, r.c, r.d);
        let dev = (got - r.p_two_sided).abs();
        let table = || format!("[[{}, {}], [{}, {}]]", r.a, r.b, r.c, r.d);
        if !within(dev, 1e-12 + 1e-9 * r.p_two_sided) {
            failures.push(format!("{}: got {got}, want {}", table(), r.p_two_sided));
        }
        worst_abs.see(dev, table);
        // How much of the allowance each row uses: above 1 fails.
        worst_scaled.see(dev / (1e-12 + 1e-9 * r.p_two_sided), table);
    }
    eprintln!(
        "fisher.csv worst |Δ| = {:.3e} at {}; worst share of tolerance = {:.3e} at {}",
        worst_abs.deviation, worst_abs.row, worst_scaled.deviation, worst_scaled.row
    );
    assert!(
        failures.is_empty(),
        "{} of {} rows off:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

#[derive(Deserialize)]
struct FpcRow {
    x: u64,
    n: u64,
    #[serde(rename = "N")]
    population: u64,
    alpha: f64,
    lower: f64,
    upper: f64,
}

#[test]
fn fpc_normal_every_row() {
    let rows: Vec<FpcRow> = rows("fpc_normal.csv");
    let mut worst = Worst::default();
    let mut failures = Vec::new();
    for r in &rows {
        let got = wald_fpc_interval(r.x, r.n, r.population, confidence(r.alpha)).unwrap();
        let dev = (got.lower - r.lower).abs().max((got.upper - r.upper).abs());
        if !within(dev, CLOSED_FORM_TOL) {
            failures.push(format!(
                "α={} {}/{} N={}: got [{}, {}], want [{}, {}]",
                r.alpha, r.x, r.n, r.population, got.lower, got.upper, r.lower, r.upper
            ));
        }
        worst.see(dev, || {
            format!("α={} {}/{} N={}", r.alpha, r.x, r.n, r.population)
        });
    }
    eprintln!(
        "fpc_normal.csv worst |Δ| = {:.3e} at {}",
        worst.deviation, worst.row
    );
    assert!(
        failures.is_empty(),
        "{} of {} rows off:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}
