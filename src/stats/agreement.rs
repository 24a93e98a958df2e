//! Agreement between a first and a second review of the same searches.
//!
//! Both reviews give a verdict on the grounds, reduced here to two categories:
//! "reasonable" against "not reasonable or none recorded". (The caller counts
//! apart the pairs where either reviewer said `insufficient_info`, and leaves
//! out searches under no-suspicion powers.) From the 2x2 table of pairs this
//! module gives the observed agreement, Cohen's kappa and Gwet's AC1, each
//! with a 95% (or other) interval:
//!
//! - observed agreement: Wilson score interval, as for every proportion here;
//! - Cohen's kappa: kappa ± z·SE with the large-sample variance of Fleiss,
//!   Cohen & Everitt (1969), "Large sample standard errors of kappa and
//!   weighted kappa", Psychological Bulletin 72:323–327 (the `var_kappa` of
//!   statsmodels' `cohens_kappa`, and of irrCAC's `kappa2.table`);
//! - Gwet's AC1: AC1 ± z·SE with the two-rater variance of Gwet (2008),
//!   "Computing inter-rater reliability and its variance in the presence of
//!   high agreement", Br J Math Stat Psychol 61:29–48 (as irrCAC's
//!   `gwet.ac1.table`, with no finite-population correction).
//!
//! Both coefficient intervals use the normal quantile z (irrCAC uses Student's
//! t with n − 1 degrees of freedom: its intervals are a little wider at small
//! n) and are clipped to `[-1, 1]`. Pure functions, no I/O.

use std::fmt;

use serde::Serialize;

use super::{alpha_of, proportion_interval, z_two_sided, Method, StatsError};

/// The pairs of verdicts, by what each review said.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PairTable {
    /// Both reviews found the grounds reasonable.
    pub both_reasonable: u64,
    /// The first review found them reasonable, the second did not.
    pub only_first_reasonable: u64,
    /// The second review found them reasonable, the first did not.
    pub only_second_reasonable: u64,
    /// Neither review found them reasonable (or neither recorded any).
    pub neither_reasonable: u64,
}

impl PairTable {
    /// The number of pairs.
    pub fn pairs(&self) -> u64 {
        self.both_reasonable
            + self.only_first_reasonable
            + self.only_second_reasonable
            + self.neither_reasonable
    }

    /// The pairs on which both reviews gave the same verdict.
    pub fn agreeing(&self) -> u64 {
        self.both_reasonable + self.neither_reasonable
    }

    /// Rows are the first review, columns the second; category 0 is "reasonable".
    fn counts(&self) -> [[u64; 2]; 2] {
        [
            [self.both_reasonable, self.only_first_reasonable],
            [self.only_second_reasonable, self.neither_reasonable],
        ]
    }
}

/// Why kappa has no value for a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KappaUndefined {
    /// Both reviews put every search in the same category, so the agreement
    /// expected by chance is 1 and kappa's denominator 1 − pₑ is zero.
    OneCategoryOnly,
}

impl KappaUndefined {
    /// Why, without naming kappa: for a place that already names it.
    pub fn why(&self) -> &'static str {
        match self {
            KappaUndefined::OneCategoryOnly => {
                "both reviews gave every search the same verdict, so the agreement kappa \
                 expects by chance is already 100% and there is nothing left for it to measure"
            }
        }
    }
}

impl fmt::Display for KappaUndefined {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cohen's kappa is undefined: {}", self.why())
    }
}

/// Agreement between first and second reviews, with intervals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    pub table: PairTable,
    pub confidence: f64,
    pub pairs: u64,
    /// The share of pairs with the same verdict, with its Wilson interval.
    pub observed: f64,
    pub observed_lower: f64,
    pub observed_upper: f64,
    /// Cohen's kappa: `None` (with `kappa_undefined` saying why) when the
    /// agreement expected by chance is 1.
    pub kappa: Option<f64>,
    pub kappa_lower: Option<f64>,
    pub kappa_upper: Option<f64>,
    pub kappa_undefined: Option<KappaUndefined>,
    /// The chance agreement kappa corrects for: Σ pₖ. p.ₖ.
    pub kappa_chance: f64,
    /// Gwet's AC1: always defined for at least one pair.
    pub ac1: f64,
    pub ac1_lower: f64,
    pub ac1_upper: f64,
    /// The chance agreement AC1 corrects for: 2π(1 − π) with two categories.
    pub ac1_chance: f64,
    /// π: the share of all verdicts (both reviews together) that were "reasonable".
    pub reasonable_share: f64,
    /// Every pair agreed: the coefficient intervals have no width, which is
    /// not certainty (read the Wilson interval of `observed`).
    pub all_agree: bool,
}

/// Why agreement could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AgreementError {
    #[error("there are no pairs of first and second reviews to compare")]
    NoPairs,
    #[error(transparent)]
    Stats(#[from] StatsError),
}

/// Observed agreement, Cohen's kappa and Gwet's AC1 for a table of paired
/// verdicts, each with an interval at `confidence` (see the module notes for
/// the formulas).
pub fn agreement(table: PairTable, confidence: f64) -> Result<Agreement, AgreementError> {
    let z = z_two_sided(alpha_of(confidence)?);
    let pairs = table.pairs();
    if pairs == 0 {
        return Err(AgreementError::NoPairs);
    }
    let observed = proportion_interval(table.agreeing(), pairs, confidence, Method::Wilson)?;
    let coefficients = Coefficients::of(&table.counts());
    let interval = |estimate: f64, variance: f64| {
        // Rounding can leave a variance that should be 0 a hair below it.
        let half = z * variance.max(0.0).sqrt();
        (clip(estimate - half), clip(estimate + half))
    };
    let (kappa, kappa_lower, kappa_upper, kappa_undefined) = match coefficients.kappa {
        Some((k, var)) => {
            let (lower, upper) = interval(k, var);
            (Some(k), Some(lower), Some(upper), None)
        }
        None => (None, None, None, Some(KappaUndefined::OneCategoryOnly)),
    };
    let (ac1, ac1_var) = coefficients.ac1;
    let (ac1_lower, ac1_upper) = interval(ac1, ac1_var);
    let n = pairs as f64;
    Ok(Agreement {
        table,
        confidence,
        pairs,
        observed: coefficients.observed,
        observed_lower: observed.lower,
        observed_upper: observed.upper,
        kappa,
        kappa_lower,
        kappa_upper,
        kappa_undefined,
        kappa_chance: coefficients.kappa_chance,
        ac1,
        ac1_lower,
        ac1_upper,
        ac1_chance: coefficients.ac1_chance,
        reasonable_share: (2 * table.both_reasonable
            + table.only_first_reasonable
            + table.only_second_reasonable) as f64
            / (2.0 * n),
        all_agree: table.agreeing() == pairs,
    })
}

fn clip(value: f64) -> f64 {
    value.clamp(-1.0, 1.0)
}

/// Kappa and AC1 with their variances for a q×q table of two raters (rows the
/// first, columns the second). Written for any q so that the published
/// multi-category examples can check it; the report uses q = 2.
#[derive(Debug, Clone, PartialEq)]
struct Coefficients {
    observed: f64,
    kappa_chance: f64,
    /// (kappa, variance), or `None` when the chance agreement is 1.
    kappa: Option<(f64, f64)>,
    ac1_chance: f64,
    ac1: (f64, f64),
}

impl Coefficients {
    /// The caller makes sure the table has at least one count.
    fn of<const Q: usize>(counts: &[[u64; Q]; Q]) -> Self {
        let n = counts.iter().flatten().sum::<u64>() as f64;
        let p = counts.map(|row| row.map(|c| c as f64 / n));
        let row: [f64; Q] = std::array::from_fn(|k| p[k].iter().sum());
        let col: [f64; Q] = std::array::from_fn(|k| p.iter().map(|r| r[k]).sum());
        let observed: f64 = (0..Q).map(|k| p[k][k]).sum();
        let cells = || (0..Q).flat_map(|k| (0..Q).map(move |l| (k, l)));
        let agree = |k: usize, l: usize| if k == l { 1.0 } else { 0.0 };

        // Both variances in the compact form of Gwet's irrCAC (`kappa2.table`,
        // `gwet.ac1.table`), which expands to Fleiss, Cohen & Everitt (1969)
        // for kappa and to Gwet (2008)'s two-rater variance for AC1 (the tests check
        // both expansions):
        //   var = [Σₖₗ pₖₗ (δₖₗ − (1 − c)·uₖₗ)² − (pₐ − 2(1 − c)pₑ)²] / (n(1 − pₑ)²).
        let variance = |coefficient: f64, chance: f64, u: &dyn Fn(usize, usize) -> f64| {
            let sum: f64 = cells()
                .map(|(k, l)| p[k][l] * (agree(k, l) - (1.0 - coefficient) * u(k, l)).powi(2))
                .sum();
            let centre = observed - 2.0 * (1.0 - coefficient) * chance;
            (sum - centre * centre) / (n * (1.0 - chance).powi(2))
        };

        let kappa_chance: f64 = (0..Q).map(|k| row[k] * col[k]).sum();
        // Chance agreement is 1 only when both raters used one and the same
        // category for everything; compare with a tolerance for rounding.
        let kappa = (kappa_chance < 1.0 - 1e-12).then(|| {
            let k = (observed - kappa_chance) / (1.0 - kappa_chance);
            (k, variance(k, kappa_chance, &|k, l| col[k] + row[l]))
        });

        let q = Q as f64;
        let pi: [f64; Q] = std::array::from_fn(|k| (row[k] + col[k]) / 2.0);
        let ac1_chance = pi.iter().map(|pk| pk * (1.0 - pk)).sum::<f64>() / (q - 1.0);
        let ac1 = (observed - ac1_chance) / (1.0 - ac1_chance);
        let ac1_variance = variance(ac1, ac1_chance, &|k, l| {
            2.0 * (1.0 - (pi[k] + pi[l]) / 2.0) / (q - 1.0)
        });

        Coefficients {
            observed,
            kappa_chance,
            kappa,
            ac1_chance,
            ac1: (ac1, ac1_variance),
        }
    }
}

/// How far apart kappa and AC1 must be before the reading explains why
/// they differ instead of saying they agree.
pub const COEFFICIENTS_DIFFER: f64 = 0.10;

/// An interval with no width: the large-sample variance is 0 (every pair
/// agrees, or a table where the formula gives 0), which is not certainty.
pub fn no_width(lower: f64, upper: f64) -> bool {
    (upper - lower).abs() < 1e-9
}

/// What the figures say, in plain English, for the report.
pub fn reading(a: &Agreement) -> String {
    let pct = |v: f64| format!("{:.0}%", v * 100.0);
    // Rounded first so that a tiny negative value does not print as "-0.00".
    let coef = |v: f64| format!("{:.2}", (v * 100.0).round() / 100.0 + 0.0);
    let level = pct(a.confidence);
    let interval = |lower: f64, upper: f64| {
        if no_width(lower, upper) {
            "its interval has no width here".to_string()
        } else {
            format!("{level} interval {} to {}", coef(lower), coef(upper))
        }
    };
    let mut text = if a.all_agree {
        format!(
            "All {} pairs compared agreed: the two reviewers gave the same verdict on every one \
             (100%; {level} interval {} to {}).",
            a.pairs,
            pct(a.observed_lower),
            pct(a.observed_upper),
        )
    } else {
        format!(
            "The two reviewers gave the same verdict on {} of the {} pairs compared \
             ({}; {level} interval {} to {}).",
            a.table.agreeing(),
            a.pairs,
            pct(a.observed),
            pct(a.observed_lower),
            pct(a.observed_upper),
        )
    };
    text.push_str(&format!(
        " Gwet's AC1, the agreement beyond chance, is {} ({}).",
        coef(a.ac1),
        interval(a.ac1_lower, a.ac1_upper),
    ));
    match (a.kappa, a.kappa_lower, a.kappa_upper, a.kappa_undefined) {
        (Some(k), Some(lower), Some(upper), _) => text.push_str(&format!(
            " Cohen's kappa is {} ({}).",
            coef(k),
            interval(lower, upper),
        )),
        (_, _, _, Some(reason)) => text.push_str(&format!(" {reason}.")),
        _ => {}
    }
    let zero_width = no_width(a.ac1_lower, a.ac1_upper)
        || matches!((a.kappa_lower, a.kappa_upper), (Some(l), Some(u)) if no_width(l, u));
    if a.all_agree {
        let behind = if a.kappa.is_some() {
            "the kappa and AC1 intervals give them"
        } else {
            "the AC1 interval give it"
        };
        text.push_str(&format!(
            " The large-sample variance formulas behind {behind} no width when every pair \
             agrees; that is not certainty. The honest measure of uncertainty here is the \
             observed agreement's Wilson interval: agreement could plausibly be as low as {}.",
            pct(a.observed_lower),
        ));
    } else if zero_width {
        text.push_str(
            " The large-sample variance formula gives a coefficient without an interval's \
             width on this table; that is not certainty: read the observed agreement's \
             Wilson interval for the uncertainty.",
        );
    }
    if let Some(k) = a.kappa.filter(|_| !a.all_agree) {
        text.push_str(&compare_coefficients(a, k, &pct, &coef));
    }
    if a.pairs < 30 {
        text.push_str(if a.all_agree {
            " With fewer than 30 pairs, treat the figures as a first look."
        } else {
            " With fewer than 30 pairs these intervals are wide and rest on large-sample \
             approximations: treat the figures as a first look."
        });
    }
    text
}

/// Why kappa and AC1 differ, or that they agree: chosen by how far apart
/// they are, not only by the mix of verdicts. Only for tables with
/// disagreements (and so a defined kappa).
fn compare_coefficients(
    a: &Agreement,
    kappa: f64,
    pct: &dyn Fn(f64) -> String,
    coef: &dyn Fn(f64) -> String,
) -> String {
    if (kappa - a.ac1).abs() < COEFFICIENTS_DIFFER {
        return format!(
            " Kappa and AC1 correct for the agreement expected by chance in different ways; \
             here they are close ({} and {}) and tell the same story.",
            coef(kappa),
            coef(a.ac1),
        );
    }
    // The kappa paradox (Feinstein & Cicchetti 1990): when one verdict
    // dominates, kappa's chance agreement is near 1 and a handful of
    // disagreements drags kappa down although reviewers almost always agree.
    let lopsided = a.reasonable_share >= 0.8 || a.reasonable_share <= 0.2;
    if lopsided && kappa < a.ac1 {
        return format!(
            " Of the two reviewers' verdicts taken together, {} were \"reasonable\". \
             When nearly every search gets the same verdict, kappa assumes that reviewers \
             guessing blindly would already agree {} of the time, so a few disagreements pull \
             it far down even though the reviewers almost always agree: the \"kappa paradox\". \
             AC1 counts chance agreement in a way that does not grow with this imbalance \
             (here {}), so read AC1 as the measure of whether two reviewers judge the same \
             search alike, and kappa only beside it.",
            pct(a.reasonable_share),
            pct(a.kappa_chance),
            pct(a.ac1_chance),
        );
    }
    let lower = if kappa < a.ac1 { "Kappa" } else { "AC1" };
    format!(
        " Kappa ({}) and AC1 ({}) differ because they count the agreement expected by chance \
         differently: kappa from each reviewer's own mix of verdicts (here {}), AC1 from how \
         far all the verdicts together are from an even split ({} of them were \"reasonable\"; \
         chance agreement {}). {lower} credits more of the agreement to chance, so it comes \
         out lower. Read AC1 as the measure of whether two reviewers judge the same search \
         alike, and kappa beside it.",
        coef(kappa),
        coef(a.ac1),
        pct(a.kappa_chance),
        pct(a.reasonable_share),
        pct(a.ac1_chance),
    )
}

#[cfg(test)]
mod tests;
