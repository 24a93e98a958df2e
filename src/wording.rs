//! Numbers and findings in words: how `grounds` prints proportions, levels,
//! differences and p-values, and the one sentence that reads a difference
//! without claiming more than its interval shows. Pure: shared by the
//! `interval` and `compare` commands and by every report.

use crate::stats::Difference;

/// A proportion as people read it: one decimal place (`0.875` → `87.5%`).
pub fn percent(p: f64) -> String {
    // `+ 0.0` turns -0.0 into 0.0: nobody should read "-0.0%".
    format!("{:.1}%", p * 100.0 + 0.0)
}

/// "95%" for 0.95, "99.5%" for 0.995: no float noise, no needless decimals.
pub fn level(confidence: f64) -> String {
    let text = format!("{:.4}", confidence * 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

/// A difference of proportions in percentage points, one decimal.
pub fn points(d: f64) -> String {
    format!("{:.1}", d * 100.0)
}

/// Points with an explicit sign, e.g. "+6.3" or "-9.8"; "+6.3 points" when `unit`.
pub fn signed_points(d: f64, unit: bool) -> String {
    let mut text = format!("{:+.1}", d * 100.0);
    if text == "-0.0" {
        text = "+0.0".to_string();
    }
    if unit {
        text.push_str(" points");
    }
    text
}

/// A p-value to three decimals, or in scientific notation when smaller.
pub fn p_text(p: f64) -> String {
    if p >= 0.001 {
        format!("{p:.3}")
    } else {
        format!("{p:.1e}")
    }
}

/// Parses `17/20` into (17, 20), with messages that say what to type instead.
pub fn parse_fraction(text: &str) -> Result<(u64, u64), String> {
    let hint = "write it as COUNT/TOTAL, e.g. 17/20";
    let Some((x, n)) = text.split_once('/') else {
        return Err(format!("'{text}' is not a proportion: {hint}"));
    };
    let number = |part: &str, what: &str| -> Result<u64, String> {
        let part = part.trim();
        if part.starts_with('-') {
            return Err(format!("'{text}': the {what} cannot be negative"));
        }
        part.parse::<u64>()
            .map_err(|_| format!("'{text}': the {what} '{part}' is not a whole number; {hint}"))
    };
    Ok((number(x, "count")?, number(n, "total")?))
}

/// Python's `repr` of a float: the shortest text that reads back to the same
/// double, in the notation of the oracle files, so that the two read alike.
pub fn python_float(v: f64) -> String {
    if v == 0.0 {
        // Also -0.0, which is not worth a reader's puzzlement.
        return "0.0".to_string();
    }
    if !v.is_finite() {
        return v.to_string();
    }
    if (1e-4..1e16).contains(&v.abs()) {
        let text = v.to_string();
        if text.contains('.') {
            text
        } else {
            text + ".0"
        }
    } else {
        let text = format!("{v:e}");
        match text.split_once('e') {
            Some((mantissa, exponent)) => {
                let (sign, digits) = match exponent.strip_prefix('-') {
                    Some(digits) => ('-', digits),
                    None => ('+', exponent),
                };
                format!("{mantissa}e{sign}{digits:0>2}")
            }
            None => text,
        }
    }
}

/// Whether a difference's interval lies wholly on one side of zero.
pub fn distinguishable(difference: &Difference) -> bool {
    difference.lower > 0.0 || difference.upper < 0.0
}

/// Reads the difference `first − second` in one or two sentences: its
/// direction only when the whole interval is on one side of zero, and a
/// warning when Fisher's exact test and the interval disagree, rather than
/// picking the more striking of the two.
pub fn difference_reading(
    difference: &Difference,
    p_fisher: f64,
    confidence: f64,
    first: &str,
    second: &str,
) -> String {
    difference_reading_by(
        difference,
        p_fisher,
        "Fisher's exact test",
        confidence,
        first,
        second,
    )
}

/// [`difference_reading`] with the p-value of the named test (Fisher's
/// exact test, or the design-based Wald test of a weighted sample).
pub fn difference_reading_by(
    difference: &Difference,
    p_fisher: f64,
    test: &str,
    confidence: f64,
    first: &str,
    second: &str,
) -> String {
    let level = level(confidence);
    let d = difference;
    let mut text = if d.lower > 0.0 {
        format!(
            "The proportion for {first} is higher than for {second} at the {level} level: \
             the data are consistent with it being from {} to {} points higher.",
            points(d.lower),
            points(d.upper)
        )
    } else if d.upper < 0.0 {
        format!(
            "The proportion for {first} is lower than for {second} at the {level} level: \
             the data are consistent with it being from {} to {} points lower.",
            points(-d.upper),
            points(-d.lower)
        )
    } else {
        format!(
            "The difference is not statistically distinguishable from zero at the \
             {level} level: the data are consistent with {first} being anywhere from \
             {} points lower to {} points higher than {second}.",
            points(-d.lower),
            points(d.upper)
        )
    };
    let fisher_rejects = p_fisher < 1.0 - confidence;
    if fisher_rejects != distinguishable(d) {
        text.push_str(&format!(
            " {} (p = {}) {} at this level, so treat the evidence as borderline.",
            upper_first(test),
            p_text(p_fisher),
            if fisher_rejects {
                "does find a difference"
            } else {
                "does not find a difference"
            }
        ));
    }
    text
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Who the report counts as "minority ethnic".
pub const MINORITY_DEFINITION: &str = "Minority ethnic means the Black, Asian, Mixed and Other \
     groups together; people recorded as White, including White minorities such as White Irish or \
     Gypsy or Irish Traveller, are in White, and Not stated is in neither.";

/// The power of a comparison, so that "not distinguishable" is read as
/// "this sample could only have seen a gap this large".
pub fn detectable_sentence(detectable: Option<f64>) -> String {
    match detectable {
        Some(d) => format!(
            "With these samples, a shortfall for minority ethnic groups of {} points or more below the \
             White rate would have been detected 80% of the time; a smaller gap could easily go unseen.",
            points(d)
        ),
        None => "These samples are too small to detect a shortfall for minority ethnic groups of any size \
                 with 80% power."
            .to_string(),
    }
}

/// Why the sample is weighted, for people: each reason as a phrase.
pub fn weighted_sentence(reasons: &[String]) -> String {
    if reasons.is_empty() {
        "Every reviewed search stands for the same number of searches, so the figures are the plain \
         proportions of the reviews."
            .to_string()
    } else {
        format!(
            "The figures are weighted: {}. So each reviewed search counts for the number of searches \
             it stands for (its pool's searches divided by that pool's reviewed searches), not once.",
            reasons.join("; ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{fisher_exact_two_sided, newcombe_difference};

    fn reading(x1: u64, n1: u64, x2: u64, n2: u64) -> (Difference, f64, String) {
        let d = newcombe_difference(x1, n1, x2, n2, 0.95).unwrap();
        let p = fisher_exact_two_sided(x1, n1 - x1, x2, n2 - x2);
        (d, p, difference_reading(&d, p, 0.95, "group 1", "group 2"))
    }

    #[test]
    fn floats_print_as_python_repr() {
        assert_eq!(python_float(0.0), "0.0");
        assert_eq!(python_float(-0.0), "0.0");
        assert_eq!(python_float(1.0), "1.0");
        assert_eq!(python_float(-1.0), "-1.0");
        assert_eq!(python_float(0.85), "0.85");
        assert_eq!(python_float(0.0001), "0.0001");
        assert_eq!(python_float(1e-5), "1e-05");
        assert_eq!(
            python_float(1.3877787807814457e-17),
            "1.3877787807814457e-17"
        );
        assert_eq!(
            python_float(2.4246478459242733e-05),
            "2.4246478459242733e-05"
        );
        assert_eq!(python_float(-0.7934506856227627), "-0.7934506856227627");
        for v in [0.1 + 0.2, 1.0 / 3.0, 7.2e-300, 0.9999999999999999] {
            assert_eq!(python_float(v).parse::<f64>().unwrap(), v);
        }
    }

    #[test]
    fn levels_print_without_noise() {
        assert_eq!(level(0.95), "95%");
        assert_eq!(level(0.9), "90%");
        assert_eq!(level(0.995), "99.5%");
        assert_eq!(level(0.07), "7%");
        assert_eq!(percent(0.875), "87.5%");
        assert_eq!(percent(-0.0), "0.0%");
    }

    #[test]
    fn fractions_parse_or_say_why_not() {
        assert_eq!(parse_fraction("17/20").unwrap(), (17, 20));
        assert_eq!(parse_fraction(" 17 / 20 ").unwrap(), (17, 20));
        for (bad, says) in [
            ("17", "not a proportion"),
            ("17/x", "not a whole number"),
            ("-3/20", "cannot be negative"),
            ("3/-20", "cannot be negative"),
            ("1.5/20", "not a whole number"),
        ] {
            let err = parse_fraction(bad).unwrap_err();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }

    #[test]
    fn no_difference_claimed_when_the_interval_includes_zero() {
        let (d, _, text) = reading(26, 28, 135, 156);
        assert!(!distinguishable(&d));
        assert_eq!(
            text,
            "The difference is not statistically distinguishable from zero at the 95% \
             level: the data are consistent with group 1 being anywhere from 9.8 points \
             lower to 14.4 points higher than group 2."
        );
    }

    #[test]
    fn direction_stated_when_the_interval_excludes_zero() {
        let (d, _, higher) = reading(18, 20, 5, 20);
        assert!(distinguishable(&d));
        assert!(
            higher.starts_with("The proportion for group 1 is higher than for group 2"),
            "{higher}"
        );
        let (_, _, lower) = reading(5, 20, 18, 20);
        assert!(
            lower.starts_with("The proportion for group 1 is lower"),
            "{lower}"
        );
    }

    #[test]
    fn borderline_cases_say_the_methods_disagree() {
        // Search the small tables for one where Newcombe and Fisher disagree,
        // so the test does not depend on one hand-picked case.
        let disagreeing = (1..=20)
            .flat_map(|x1| (0..=20).map(move |x2| (x1, x2)))
            .map(|(x1, x2)| reading(x1, 20, x2, 20))
            .find(|(d, p, _)| (*p < 0.05) != distinguishable(d))
            .expect("some 20-vs-20 table is borderline");
        assert!(disagreeing.2.contains("borderline"));
        assert!(!reading(26, 28, 135, 156).2.contains("borderline"));
    }

    #[test]
    fn p_values_and_points_print_readably() {
        assert_eq!(p_text(0.5372), "0.537");
        assert_eq!(p_text(1.0), "1.000");
        assert_eq!(p_text(2.3e-8), "2.3e-8");
        assert_eq!(signed_points(0.063, true), "+6.3 points");
        // A difference that rounds to nothing gets no misleading minus sign.
        assert_eq!(signed_points(-0.0001, false), "+0.0");
    }
}
