//! Intervals, differences and exact tests for proportions: pure functions, no I/O.
//!
//! The conventions follow statsmodels 0.15 / scipy 1.17 exactly (see
//! `tests/data/oracle/`), so a panel member can check any figure with Python:
//! every bound is clipped to `[0, 1]`, the Wald interval collapses at `0/n`
//! and `n/n`, Clopper–Pearson does not adjust α at the boundaries, Jeffreys
//! has no boundary modification, and Agresti–Coull adds z²/2 pseudo-successes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

mod agreement;
mod design;
mod difference;
mod fisher;
pub mod plan;
mod proportion;

#[cfg(test)]
mod design_oracle_tests;
#[cfg(test)]
mod oracle_tests;

pub use agreement::{
    agreement, no_width as agreement_no_width, reading as agreement_reading, Agreement,
    AgreementError, KappaUndefined, PairTable,
};
pub use design::{
    Comparison, Design, DesignError, DomainEstimate, Test, Unit, DETECTION_CONFIDENCE,
    DETECTION_POWER, SELF_WEIGHTING_TOLERANCE, ZERO_DESIGN_EFFECT,
};
pub use difference::{compare_proportions, newcombe_difference, Difference, ProportionComparison};
pub use fisher::fisher_exact_two_sided;
pub use plan::detectable_difference;
pub use proportion::{proportion_interval, proportion_interval_at, wald_fpc_interval};

/// A method for the confidence interval of one binomial proportion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Wilson score interval: the default (Brown, Cai & DasGupta 2001).
    Wilson,
    /// Clopper–Pearson "exact" interval from Beta quantiles.
    Beta,
    /// Jeffreys equal-tailed Bayesian interval, Beta(x+½, n−x+½) prior.
    Jeffreys,
    /// Agresti–Coull: Wald around (x + z²/2)/(n + z²).
    AgrestiCoull,
    /// Wald (normal approximation): collapses at 0/n and n/n.
    Normal,
}

impl Method {
    /// Every method, default first.
    pub const ALL: [Method; 5] = [
        Method::Wilson,
        Method::Beta,
        Method::Jeffreys,
        Method::AgrestiCoull,
        Method::Normal,
    ];

    /// The statsmodels name (`proportion_confint(method=...)`), used in CSV and JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Method::Wilson => "wilson",
            Method::Beta => "beta",
            Method::Jeffreys => "jeffreys",
            Method::AgrestiCoull => "agresti_coull",
            Method::Normal => "normal",
        }
    }

    /// The name people know the method by.
    pub fn label(&self) -> &'static str {
        match self {
            Method::Wilson => "Wilson",
            Method::Beta => "Clopper–Pearson",
            Method::Jeffreys => "Jeffreys",
            Method::AgrestiCoull => "Agresti–Coull",
            Method::Normal => "Wald",
        }
    }

    /// Other spellings accepted by [`FromStr`], besides [`Method::name`].
    pub fn aliases(&self) -> &'static [&'static str] {
        match self {
            Method::Wilson => &["score", "wilson_score"],
            Method::Beta => &["clopper_pearson", "clopper-pearson", "exact"],
            Method::Jeffreys => &[],
            Method::AgrestiCoull => &["agresti-coull", "ac"],
            Method::Normal => &["wald"],
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Method {
    type Err = StatsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Method::ALL
            .into_iter()
            .find(|m| m.name() == wanted || m.aliases().contains(&wanted.as_str()))
            .ok_or_else(|| StatsError::UnknownMethod(s.to_string()))
    }
}

/// A confidence interval for a proportion, both bounds in `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub lower: f64,
    pub upper: f64,
}

/// Why a statistic could not be computed from the numbers given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StatsError {
    #[error("the number of trials n is 0: a proportion of nothing has no interval")]
    ZeroTrials,
    #[error("{x} out of {n} is impossible: the count x cannot be larger than the total n")]
    CountExceedsTotal { x: u64, n: u64 },
    #[error("{}", confidence_message(*.0))]
    ConfidenceOutOfRange(f64),
    #[error(
        "the population N = {population} is smaller than the sample n = {n}: \
         N is the number of records the sample was drawn from"
    )]
    PopulationTooSmall { population: u64, n: u64 },
    #[error(
        "n = {n} is more than the Clopper–Pearson and Jeffreys intervals can be computed \
         for accurately here (at most {limit}); at this size use --method wilson, which \
         agrees with them to 0.001 percentage points"
    )]
    TooLargeForBeta { n: u64, limit: u64 },
    #[error(
        "unknown interval method '{0}': choose one of wilson, beta (Clopper–Pearson), \
         jeffreys, agresti_coull, normal (Wald)"
    )]
    UnknownMethod(String),
    #[error(
        "an effective count of {x} out of {n} has no interval: n must be positive and finite, \
         and x between 0 and n"
    )]
    InvalidEffectiveCount { x: f64, n: f64 },
    #[error("{0:?} is not a confidence level: give a number between 0 and 1, e.g. 0.95")]
    NotAConfidence(String),
}

/// A confidence level as typed (`0.95`), checked to be strictly between 0 and 1.
pub fn parse_confidence(text: &str) -> Result<f64, StatsError> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| StatsError::NotAConfidence(text.to_string()))?;
    alpha_of(value).map(|_| value)
}

fn confidence_message(c: f64) -> String {
    let hint = if c > 1.0 && c < 100.0 {
        format!(" (did you mean {}?)", c / 100.0)
    } else {
        String::new()
    };
    format!(
        "the confidence level must be strictly between 0 and 1, such as 0.95 for 95%, \
         but it is {c}{hint}"
    )
}

/// Checks a count and total, as every function here needs.
fn check_count(x: u64, n: u64) -> Result<(), StatsError> {
    if n == 0 {
        Err(StatsError::ZeroTrials)
    } else if x > n {
        Err(StatsError::CountExceedsTotal { x, n })
    } else {
        Ok(())
    }
}

/// The two-sided α for a confidence level, after checking the level.
fn alpha_of(confidence: f64) -> Result<f64, StatsError> {
    // Written so that NaN fails too.
    if confidence > 0.0 && confidence < 1.0 {
        Ok(1.0 - confidence)
    } else {
        Err(StatsError::ConfidenceOutOfRange(confidence))
    }
}

/// z = Φ⁻¹(1 − α/2), as scipy's `norm.isf(alpha / 2)`.
fn z_two_sided(alpha: f64) -> f64 {
    // √2·erfc⁻¹(α) is the upper α/2 point directly, without forming 1 − α/2,
    // which would lose bits of α.
    std::f64::consts::SQRT_2 * statrs::function::erf::erfc_inv(alpha)
}

#[cfg(test)]
mod parse_tests {
    use super::*;

    #[test]
    fn confidence_levels_parse_within_zero_and_one() {
        assert_eq!(parse_confidence(" 0.9 "), Ok(0.9));
        assert_eq!(
            parse_confidence("1.5"),
            Err(StatsError::ConfidenceOutOfRange(1.5))
        );
        assert!(parse_confidence("95%").is_err());
        assert!(parse_confidence("NaN").is_err());
        assert_eq!("Clopper-Pearson".parse::<Method>(), Ok(Method::Beta));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn z_matches_scipy() {
        // The values scipy.stats.norm.isf(alpha/2) gives (oracle README).
        assert!((z_two_sided(0.05) - 1.959963984540054).abs() <= 4.5e-16);
        assert!((z_two_sided(0.1) - 1.6448536269514729).abs() <= 4.5e-16);
        let from_confidence = z_two_sided(alpha_of(0.95).unwrap());
        assert!((from_confidence - 1.959963984540054).abs() <= 1e-14);
    }

    /// The figures of the HMICFRS inspection that motivated the tool: 161 of
    /// 184 searches with reasonable grounds ("87.5% ±4.7%"), 26 of 28 for
    /// people from minority ethnic backgrounds, 135 of 156 for the rest.
    #[test]
    fn published_inspection_figures() {
        let pct = |v: f64| format!("{:.2}", v * 100.0);
        let half = |i: Interval| pct((i.upper - i.lower) / 2.0);

        let wald = proportion_interval(161, 184, 0.95, Method::Normal).unwrap();
        assert_eq!(half(wald), "4.78");
        // The published ±4.7 matches the Wald interval corrected for the
        // 5612 searches the sample was drawn from.
        let fpc = wald_fpc_interval(161, 184, 5612, 0.95).unwrap();
        assert_eq!(half(fpc), "4.70");
        let wilson = proportion_interval(161, 184, 0.95, Method::Wilson).unwrap();
        assert_eq!(
            (pct(wilson.lower), pct(wilson.upper)),
            ("81.94".into(), "91.52".into())
        );
        let minority = proportion_interval(26, 28, 0.95, Method::Wilson).unwrap();
        assert_eq!(
            (pct(minority.lower), pct(minority.upper)),
            ("77.35".into(), "98.02".into())
        );

        let d = newcombe_difference(26, 28, 135, 156, 0.95).unwrap();
        let points = |v: f64| format!("{:+.1}", v * 100.0);
        assert_eq!(points(d.estimate), "+6.3");
        assert_eq!(
            (points(d.lower), points(d.upper)),
            ("-9.8".into(), "+14.4".into())
        );
        let p = fisher_exact_two_sided(26, 28 - 26, 135, 156 - 135);
        assert_eq!(format!("{p:.3}"), "0.537");
    }

    #[test]
    fn methods_parse_by_name_and_alias() {
        for m in Method::ALL {
            assert_eq!(m.name().parse::<Method>().unwrap(), m);
            assert_eq!(m.name().to_uppercase().parse::<Method>().unwrap(), m);
            for alias in m.aliases() {
                assert_eq!(alias.parse::<Method>().unwrap(), m);
            }
        }
        assert_eq!("Clopper-Pearson".parse::<Method>(), Ok(Method::Beta));
        assert_eq!("wald".parse::<Method>(), Ok(Method::Normal));
        assert_eq!("agresti-coull".parse::<Method>(), Ok(Method::AgrestiCoull));
        let err = "bayes".parse::<Method>().unwrap_err();
        assert!(err.to_string().contains("unknown interval method 'bayes'"));
    }

    #[test]
    fn confidence_must_be_inside_zero_one() {
        for bad in [0.0, 1.0, -0.5, 1.5, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                alpha_of(bad),
                Err(StatsError::ConfidenceOutOfRange(_))
            ));
        }
        let msg = StatsError::ConfidenceOutOfRange(95.0).to_string();
        assert!(msg.contains("did you mean 0.95?"), "{msg}");
    }
}
