//! Agreement statistics against direct computations, published worked
//! examples and the irrCAC/statsmodels oracle.

use super::*;
use proptest::prelude::*;

fn table(a: u64, b: u64, c: u64, d: u64) -> PairTable {
    PairTable {
        both_reasonable: a,
        only_first_reasonable: b,
        only_second_reasonable: c,
        neither_reasonable: d,
    }
}

fn close(actual: f64, expected: f64, tol: f64) {
    assert!(
        (actual - expected).abs() <= tol,
        "{actual} is not within {tol} of {expected}"
    );
}

/// Fleiss, Cohen & Everitt (1969), eq. 13, exactly as printed (unweighted).
fn fleiss_cohen_everitt_variance(counts: &[[u64; 2]; 2]) -> f64 {
    let n = counts.iter().flatten().sum::<u64>() as f64;
    let p = counts.map(|r| r.map(|c| c as f64 / n));
    let row = [p[0][0] + p[0][1], p[1][0] + p[1][1]];
    let col = [p[0][0] + p[1][0], p[0][1] + p[1][1]];
    let po = p[0][0] + p[1][1];
    let pe = row[0] * col[0] + row[1] * col[1];
    let k = (po - pe) / (1.0 - pe);
    let mut a = 0.0;
    let mut b = 0.0;
    for i in 0..2 {
        a += p[i][i] * (1.0 - (row[i] + col[i]) * (1.0 - k)).powi(2);
        for j in 0..2 {
            if i != j {
                b += p[i][j] * (col[i] + row[j]).powi(2);
            }
        }
    }
    let c = (k - pe * (1.0 - k)).powi(2);
    (a + (1.0 - k).powi(2) * b - c) / (n * (1.0 - pe).powi(2))
}

/// Gwet (2008), the two-rater variance of AC1 as printed (f = 0):
/// [pₐ(1−pₐ) − 4(1−γ)(Σₖ pₖₖ(1−πₖ)/(q−1) − pₐpₑ)
///  + 4(1−γ)²(Σₖₗ pₖₗ[1−(πₖ+πₗ)/2]²/(q−1)² − pₑ²)] / (n(1−pₑ)²).
fn gwet_2008_variance<const Q: usize>(counts: &[[u64; Q]; Q]) -> f64 {
    let n = counts.iter().flatten().sum::<u64>() as f64;
    let q = Q as f64;
    let p = counts.map(|r| r.map(|c| c as f64 / n));
    let pi: Vec<f64> = (0..Q)
        .map(|k| (p[k].iter().sum::<f64>() + p.iter().map(|r| r[k]).sum::<f64>()) / 2.0)
        .collect();
    let pa: f64 = (0..Q).map(|k| p[k][k]).sum();
    let pe = pi.iter().map(|x| x * (1.0 - x)).sum::<f64>() / (q - 1.0);
    let g = (pa - pe) / (1.0 - pe);
    let diag: f64 = (0..Q).map(|k| p[k][k] * (1.0 - pi[k])).sum::<f64>() / (q - 1.0);
    let mut all = 0.0;
    for k in 0..Q {
        for l in 0..Q {
            all += p[k][l] * (1.0 - (pi[k] + pi[l]) / 2.0).powi(2);
        }
    }
    all /= (q - 1.0).powi(2);
    (pa * (1.0 - pa) - 4.0 * (1.0 - g) * (diag - pa * pe)
        + 4.0 * (1.0 - g).powi(2) * (all - pe * pe))
        / (n * (1.0 - pe).powi(2))
}

/// 40 both reasonable, 5 and 5 split, 10 neither: every figure by hand.
#[test]
fn matches_a_direct_computation() {
    let t = table(40, 5, 5, 10);
    let a = agreement(t, 0.95).unwrap();
    assert_eq!(a.pairs, 60);
    close(a.observed, 50.0 / 60.0, 1e-15);
    // Both reviewers: 45 of 60 reasonable. pₑ = .75² + .25² = .625.
    close(a.kappa_chance, 0.625, 1e-15);
    close(a.kappa.unwrap(), 5.0 / 9.0, 1e-14);
    // π = .75, AC1 chance = 2·.75·.25 = .375, AC1 = (5/6 − 3/8)/(5/8) = 11/15.
    close(a.ac1_chance, 0.375, 1e-15);
    close(a.ac1, 11.0 / 15.0, 1e-14);
    close(a.reasonable_share, 0.75, 1e-15);

    let z = 1.959963984540054;
    let se_k = fleiss_cohen_everitt_variance(&t.counts()).sqrt();
    close(a.kappa_lower.unwrap(), 5.0 / 9.0 - z * se_k, 1e-12);
    close(a.kappa_upper.unwrap(), 5.0 / 9.0 + z * se_k, 1e-12);
    let se_g = gwet_2008_variance(&t.counts()).sqrt();
    close(a.ac1_lower, 11.0 / 15.0 - z * se_g, 1e-12);
    close(a.ac1_upper, 11.0 / 15.0 + z * se_g, 1e-12);
    let wilson = proportion_interval(50, 60, 0.95, Method::Wilson).unwrap();
    assert_eq!(
        (a.observed_lower, a.observed_upper),
        (wilson.lower, wilson.upper)
    );
}

/// The compact variances equal the printed formulas on varied tables.
#[test]
fn compact_variances_equal_the_published_formulas() {
    for t in [
        table(40, 5, 5, 10),
        table(90, 3, 6, 1),
        table(1, 7, 2, 30),
        table(3, 0, 0, 1),
        table(0, 4, 5, 0),
    ] {
        let c = Coefficients::of(&t.counts());
        close(
            c.kappa.unwrap().1,
            fleiss_cohen_everitt_variance(&t.counts()),
            1e-14,
        );
        close(c.ac1.1, gwet_2008_variance(&t.counts()), 1e-14);
    }
}

/// Gwet's worked example of two abstractors classifying 100 pregnancies
/// into 3 categories (Gwet, Handbook of Inter-Rater Reliability, 4th ed.;
/// the `cont3x3abstractors` table of irrCAC), whose documentation prints
/// AC1 = 0.84933 with interval (0.76358, 0.93508) from Student's t on 99
/// degrees of freedom.
#[test]
fn gwet_three_category_example() {
    let counts = [[13, 0, 0], [0, 20, 7], [0, 4, 56]];
    let c = Coefficients::of(&counts);
    close(c.ac1.0, 0.84933, 5e-6);
    let t99 = 1.984216951835; // qt(0.975, 99)
    let se = c.ac1.1.sqrt();
    close(c.ac1.0 - t99 * se, 0.76358, 5e-6);
    close(c.ac1.0 + t99 * se, 0.93508, 5e-6);
    close(c.ac1.1, gwet_2008_variance(&counts), 1e-14);
}

/// Cohen's (1960) worked example as it is usually reproduced: 200 cases in
/// 3 categories, diagonal proportions .44, .20, .06 (observed .70),
/// marginals .60/.30/.10 and .50/.30/.20 (chance .41), kappa .492. Only
/// the diagonal and the marginals fix these figures; the off-diagonal
/// cells here are one table consistent with them.
#[test]
fn cohen_1960_example() {
    let counts = [[88, 14, 18], [10, 40, 10], [2, 6, 12]];
    let c = Coefficients::of(&counts);
    close(c.observed, 0.70, 1e-12);
    close(c.kappa_chance, 0.41, 1e-12);
    let (k, _) = c.kappa.unwrap();
    assert_eq!(format!("{k:.3}"), "0.492");
}

#[test]
fn all_agree_with_mixed_verdicts_is_perfect() {
    let a = agreement(table(30, 0, 0, 5), 0.95).unwrap();
    assert_eq!(a.observed, 1.0);
    assert_eq!(a.kappa, Some(1.0));
    assert_eq!(a.ac1, 1.0);
    // The large-sample variances vanish at perfect agreement: the
    // intervals collapse to the point, as Wald's does at n/n.
    assert_eq!((a.kappa_lower, a.kappa_upper), (Some(1.0), Some(1.0)));
    assert_eq!((a.ac1_lower, a.ac1_upper), (1.0, 1.0));
    assert!(a.observed_lower < 1.0, "Wilson does not collapse");
    assert!(a.all_agree);
    // The reading does not pass the collapsed intervals off as certain.
    let text = reading(&a);
    assert!(text.contains("All 35 pairs compared agreed"), "{text}");
    assert!(!text.contains("1.00 to 1.00"), "{text}");
    assert!(text.contains("no width"), "{text}");
    assert!(text.contains("Wilson interval"), "{text}");
    assert!(
        text.contains(&format!("as low as {:.0}%", a.observed_lower * 100.0)),
        "{text}"
    );
    assert!(!text.contains("disagreements"), "none to speak of: {text}");
    assert!(!text.contains("intervals are wide"), "{text}");
}

/// Kappa at 0 with a variance of 0 (one reviewer said "reasonable" to
/// all): the reading says the interval has no width, not "0.00 to 0.00".
#[test]
fn a_zero_variance_is_not_presented_as_certain() {
    let a = agreement(table(2, 1, 0, 0), 0.95).unwrap();
    assert!(!a.all_agree);
    assert!(no_width(a.kappa_lower.unwrap(), a.kappa_upper.unwrap()));
    let text = reading(&a);
    assert!(!text.contains("0.00 to 0.00"), "{text}");
    assert!(text.contains("no width"), "{text}");
}

/// The coefficients' comparison follows how far apart they are: a
/// mixed table where kappa is 0.43 and AC1 0.66 is explained, not
/// called "the same story"; a close pair is.
#[test]
fn kappa_and_ac1_far_apart_are_explained_close_ones_agree() {
    let apart = agreement(table(14, 3, 3, 4), 0.95).unwrap();
    let k = apart.kappa.unwrap();
    assert!(
        apart.reasonable_share < 0.8,
        "mixed: {}",
        apart.reasonable_share
    );
    assert!(apart.ac1 - k >= COEFFICIENTS_DIFFER, "{k} {}", apart.ac1);
    let text = reading(&apart);
    assert!(!text.contains("same story"), "{text}");
    assert!(text.contains("differ because"), "{text}");
    assert!(text.contains("Kappa credits more"), "{text}");
    let close_pair = agreement(table(40, 5, 5, 30), 0.95).unwrap();
    assert!((close_pair.kappa.unwrap() - close_pair.ac1).abs() < COEFFICIENTS_DIFFER);
    let text = reading(&close_pair);
    assert!(text.contains("same story"), "{text}");
    // Kappa above AC1: reviewers with opposite leanings.
    let opposite = agreement(table(5, 40, 0, 5), 0.95).unwrap();
    assert!(opposite.kappa.unwrap() - opposite.ac1 >= COEFFICIENTS_DIFFER);
    assert!(reading(&opposite).contains("AC1 credits more"));
}

#[test]
fn all_reasonable_leaves_kappa_undefined_and_ac1_at_one() {
    let a = agreement(table(25, 0, 0, 0), 0.95).unwrap();
    assert_eq!(a.kappa, None);
    assert_eq!((a.kappa_lower, a.kappa_upper), (None, None));
    assert_eq!(a.kappa_undefined, Some(KappaUndefined::OneCategoryOnly));
    assert_eq!(a.ac1, 1.0);
    assert_eq!(a.ac1_chance, 0.0);
    let text = reading(&a);
    assert!(text.contains("kappa is undefined"), "{text}");
    assert!(
        !text.contains("paradox"),
        "no disagreement to pull it down: {text}"
    );
    assert!(text.contains("All 25 pairs compared agreed"), "{text}");
    assert!(
        text.contains("behind the AC1 interval give it no width"),
        "{text}"
    );
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(json["kappa"], serde_json::Value::Null);
    assert_eq!(json["kappa_undefined"], "one_category_only");
    for key in [
        "pairs",
        "observed",
        "observed_lower",
        "observed_upper",
        "ac1",
        "ac1_lower",
    ] {
        assert!(json[key].is_number(), "{key}");
    }
    // And the same when no review found any search reasonable.
    let none = agreement(table(0, 0, 0, 7), 0.95).unwrap();
    assert_eq!(none.kappa_undefined, Some(KappaUndefined::OneCategoryOnly));
}

/// The paradox in numbers: 95 of 100 agree, yet kappa is near 0.
#[test]
fn high_agreement_low_kappa_is_explained() {
    let a = agreement(table(95, 3, 2, 0), 0.95).unwrap();
    close(a.observed, 0.95, 1e-15);
    assert!(a.kappa.unwrap() < 0.0, "{:?}", a.kappa);
    assert!(a.ac1 > 0.9, "{}", a.ac1);
    let text = reading(&a);
    assert!(text.contains("kappa paradox"), "{text}");
    assert!(text.contains("95 of the 100 pairs compared"), "{text}");
    assert!(text.contains("to 0.00)"), "no negative zero: {text}");
}

#[test]
fn mixed_verdicts_do_not_mention_the_paradox() {
    let text = reading(&agreement(table(40, 5, 5, 30), 0.95).unwrap());
    assert!(!text.contains("paradox"), "{text}");
    assert!(!text.contains("fewer than 30"), "{text}");
}

/// The README's planning figure: a quarter's 100 pairs, 90 both
/// reasonable, 4 and 4 split, 2 neither (92% agreement) pin AC1 down to
/// about ±0.07, while kappa on the same table spans about ±0.36; 50 pairs
/// of the same mix give about ±0.09.
#[test]
fn a_hundred_pairs_pin_ac1_within_a_tenth() {
    let half = |a: &Agreement| (a.ac1_upper - a.ac1_lower) / 2.0;
    let quarter = agreement(table(90, 4, 4, 2), 0.95).unwrap();
    close(quarter.observed, 0.92, 1e-15);
    assert_eq!(format!("{:.2}", quarter.ac1), "0.91");
    assert_eq!(
        format!("{:.2} to {:.2}", quarter.ac1_lower, quarter.ac1_upper),
        "0.85 to 0.97"
    );
    assert!((0.06..0.07).contains(&half(&quarter)), "{}", half(&quarter));
    let (k, lo, hi) = (
        quarter.kappa.unwrap(),
        quarter.kappa_lower.unwrap(),
        quarter.kappa_upper.unwrap(),
    );
    assert_eq!(
        format!("{k:.2} ({lo:.2} to {hi:.2})"),
        "0.29 (-0.07 to 0.65)"
    );
    // Other plausible quarters of 100: AC1 stays within ±0.10.
    for t in [table(85, 5, 5, 5), table(88, 5, 5, 2), table(83, 6, 6, 5)] {
        let a = agreement(t, 0.95).unwrap();
        assert!(half(&a) < 0.10, "{t:?}: ±{}", half(&a));
    }
    let month = agreement(table(45, 2, 2, 1), 0.95).unwrap();
    assert!((0.085..0.10).contains(&half(&month)), "{}", half(&month));
}

#[test]
fn refuses_no_pairs_and_bad_confidence() {
    assert_eq!(
        agreement(PairTable::default(), 0.95),
        Err(AgreementError::NoPairs)
    );
    assert!(matches!(
        agreement(table(1, 0, 0, 1), 95.0),
        Err(AgreementError::Stats(StatsError::ConfidenceOutOfRange(_)))
    ));
}

#[derive(serde::Deserialize)]
struct OracleRow {
    a: u64,
    b: u64,
    c: u64,
    d: u64,
    observed: f64,
    observed_lower: f64,
    observed_upper: f64,
    kappa: Option<f64>,
    kappa_se: Option<f64>,
    kappa_se_irrcac: Option<f64>,
    ac1: f64,
    ac1_se: Option<f64>,
}

/// Every table of `tests/data/oracle/agreement.csv` (statsmodels 0.15
/// `cohens_kappa` and `proportion_confint`, irrCAC 0.4.4 `gwet` and
/// `cohen`; see `make_agreement_oracle.py`). An empty standard error is
/// a variance the libraries rounded a hair below 0 (NaN there): here the
/// interval must collapse to the point.
#[test]
fn agrees_with_statsmodels_and_irrcac() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/oracle/agreement.csv");
    let rows: Vec<OracleRow> = csv::Reader::from_path(&path)
        .unwrap()
        .deserialize()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(rows.len() > 50, "{} rows", rows.len());
    let z = 1.959963984540054;
    let tol = 1e-12;
    let check = |est: f64, lo: f64, hi: f64, se: Option<f64>| match se {
        Some(se) => {
            close(lo, (est - z * se).clamp(-1.0, 1.0), tol);
            close(hi, (est + z * se).clamp(-1.0, 1.0), tol);
        }
        None => close(hi - lo, 0.0, 1e-6),
    };
    for r in rows {
        let a = agreement(table(r.a, r.b, r.c, r.d), 0.95).unwrap();
        close(a.observed, r.observed, tol);
        close(a.observed_lower, r.observed_lower, tol);
        close(a.observed_upper, r.observed_upper, tol);
        close(a.ac1, r.ac1, tol);
        check(a.ac1, a.ac1_lower, a.ac1_upper, r.ac1_se);
        match (a.kappa, r.kappa) {
            (Some(k), Some(expected)) => {
                close(k, expected, tol);
                let (lo, hi) = (a.kappa_lower.unwrap(), a.kappa_upper.unwrap());
                check(k, lo, hi, r.kappa_se);
                check(k, lo, hi, r.kappa_se_irrcac);
            }
            (None, None) => assert!(a.kappa_undefined.is_some()),
            (mine, theirs) => panic!("{:?}: kappa {mine:?} against {theirs:?}", a.table),
        }
    }
}

proptest! {
    #[test]
    fn intervals_contain_their_estimates(
        a in 0u64..400, b in 0u64..400, c in 0u64..400, d in 0u64..400,
        confidence in 0.5f64..0.999,
    ) {
        prop_assume!(a + b + c + d > 0);
        let r = agreement(table(a, b, c, d), confidence).unwrap();
        let inside = |lo: f64, est: f64, hi: f64| {
            -1.0 <= lo && lo <= est && est <= hi && hi <= 1.0
        };
        prop_assert!(inside(r.observed_lower, r.observed, r.observed_upper));
        prop_assert!(inside(r.ac1_lower, r.ac1, r.ac1_upper));
        match r.kappa {
            Some(k) => prop_assert!(inside(
                r.kappa_lower.unwrap(), k, r.kappa_upper.unwrap()
            )),
            None => prop_assert!(b + c == 0 && (a == 0 || d == 0)),
        }
    }
}
