//! `grounds compare`: two proportions, their difference and whether the data
//! can tell them apart, in words that claim no more than the data show.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use serde::Serialize;

use grounds::stats::{
    fisher_exact_two_sided, newcombe_difference, proportion_interval, Difference, Method,
};

use super::interval::{level, parse_fraction, percent, BatchInput, Format};

/// Compare two proportions, e.g. minority ethnic 26/28 against the rest 135/156.
///
/// Example: grounds compare 26/28 135/156 --confidence 0.9
#[derive(clap::Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Group 1 as COUNT/TOTAL, e.g. 26/28.
    #[arg(
        value_name = "X1/N1",
        required_unless_present = "batch",
        allow_hyphen_values = true
    )]
    group1: Option<String>,

    /// Group 2 as COUNT/TOTAL, e.g. 135/156.
    #[arg(
        value_name = "X2/N2",
        required_unless_present = "batch",
        allow_hyphen_values = true
    )]
    group2: Option<String>,

    /// Confidence level, strictly between 0 and 1.
    #[arg(long, short, default_value_t = 0.95, allow_negative_numbers = true)]
    confidence: f64,

    /// Output for people (text) or machines (json).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// Read rows `x1,n1,x2,n2,alpha` from a CSV file (`-` for stdin) and write
    /// them back with `lower,upper,p_fisher`.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["group1", "group2", "confidence"]
    )]
    batch: Option<PathBuf>,
}

const AFTER_HELP: &str = "\
Each proportion gets its Wilson interval; the difference (group 1 minus
group 2) gets Newcombe's hybrid score interval, built from the two Wilson
intervals; Fisher's exact test gives the two-sided p-value. When the interval
includes zero, the output says the data cannot tell the groups apart.

More examples:
  grounds compare 26/28 135/156 --format json
  grounds compare --batch pairs.csv > pairs_with_intervals.csv";

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.batch {
        return run_batch(path, args.format);
    }
    let (Some(first), Some(second)) = (args.group1.as_deref(), args.group2.as_deref()) else {
        bail!("give two proportions such as 26/28 135/156, or --batch FILE");
    };
    let (x1, n1) = parse_fraction(first)?;
    let (x2, n2) = parse_fraction(second)?;
    let confidence = args.confidence;
    let comparison = Comparison {
        confidence,
        group1: Group::new(x1, n1, confidence)?,
        group2: Group::new(x2, n2, confidence)?,
        difference: newcombe_difference(x1, n1, x2, n2, confidence)?,
        difference_method: "newcombe",
        p_fisher: fisher_exact_two_sided(x1, n1 - x1, x2, n2 - x2),
    };
    match args.format {
        Format::Json => {
            let json = Json {
                summary: comparison.summary(),
                distinguishable_from_zero: comparison.distinguishable(),
                comparison: &comparison,
            };
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
        Format::Text => print!("{}", comparison.text()),
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct Group {
    x: u64,
    n: u64,
    estimate: f64,
    lower: f64,
    upper: f64,
}

impl Group {
    fn new(x: u64, n: u64, confidence: f64) -> anyhow::Result<Group> {
        let wilson = proportion_interval(x, n, confidence, Method::Wilson)?;
        Ok(Group {
            x,
            n,
            estimate: x as f64 / n as f64,
            lower: wilson.lower,
            upper: wilson.upper,
        })
    }
}

#[derive(Serialize)]
struct Comparison {
    confidence: f64,
    group1: Group,
    group2: Group,
    difference: Difference,
    difference_method: &'static str,
    p_fisher: f64,
}

#[derive(Serialize)]
struct Json<'a> {
    #[serde(flatten)]
    comparison: &'a Comparison,
    distinguishable_from_zero: bool,
    summary: String,
}

impl Comparison {
    /// Whether the interval for the difference excludes zero.
    fn distinguishable(&self) -> bool {
        self.difference.lower > 0.0 || self.difference.upper < 0.0
    }

    fn text(&self) -> String {
        let level = level(self.confidence);
        let group = |name: &str, g: &Group| {
            format!(
                "{name}: {}/{} = {} ({level} Wilson CI {} to {})\n",
                g.x,
                g.n,
                percent(g.estimate),
                percent(g.lower),
                percent(g.upper)
            )
        };
        let d = &self.difference;
        format!(
            "{}{}Difference (group 1 - group 2): {} ({level} Newcombe CI {} to {} points)\n\
             Fisher's exact test, two-sided: p = {}\n\n{}\n",
            group("Group 1", &self.group1),
            group("Group 2", &self.group2),
            signed_points(d.estimate, true),
            signed_points(d.lower, false),
            signed_points(d.upper, false),
            p_text(self.p_fisher),
            self.summary()
        )
    }

    /// The plain-English reading, careful to claim only what the interval shows.
    fn summary(&self) -> String {
        let level = level(self.confidence);
        let d = &self.difference;
        let mut text = if d.lower > 0.0 {
            format!(
                "Group 1's proportion is higher than group 2's at the {level} level: \
                 the data are consistent with it being from {} to {} points higher.",
                points(d.lower),
                points(d.upper)
            )
        } else if d.upper < 0.0 {
            format!(
                "Group 1's proportion is lower than group 2's at the {level} level: \
                 the data are consistent with it being from {} to {} points lower.",
                points(-d.upper),
                points(-d.lower)
            )
        } else {
            format!(
                "The difference is not statistically distinguishable from zero at the \
                 {level} level: the data are consistent with group 1 being anywhere from \
                 {} points lower to {} points higher.",
                points(-d.lower),
                points(d.upper)
            )
        };
        // The interval and the exact test can fall either side of the line on
        // borderline data; say so rather than pick the more striking one.
        let alpha = 1.0 - self.confidence;
        let fisher_rejects = self.p_fisher < alpha;
        if fisher_rejects != self.distinguishable() {
            text.push_str(&format!(
                " Fisher's exact test (p = {}) {} at this level, so treat the evidence \
                 as borderline.",
                p_text(self.p_fisher),
                if fisher_rejects {
                    "does find a difference"
                } else {
                    "does not find a difference"
                }
            ));
        }
        text
    }
}

/// A difference of proportions in percentage points, one decimal.
fn points(d: f64) -> String {
    format!("{:.1}", d * 100.0)
}

/// Points with an explicit sign, e.g. "+6.3" or "-9.8"; "+6.3 points" when `unit`.
fn signed_points(d: f64, unit: bool) -> String {
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
fn p_text(p: f64) -> String {
    if p >= 0.001 {
        format!("{p:.3}")
    } else {
        format!("{p:.1e}")
    }
}

fn run_batch(path: &Path, format: Format) -> anyhow::Result<ExitCode> {
    if format == Format::Json {
        bail!("--batch writes CSV; --format json is for a single comparison");
    }
    let input = BatchInput::read(path)?;
    let expected = "x1,n1,x2,n2,alpha";
    let x1_col = input.required("x1", expected)?;
    let n1_col = input.required("n1", expected)?;
    let x2_col = input.required("x2", expected)?;
    let n2_col = input.required("n2", expected)?;
    let alpha_col = input.required("alpha", expected)?;
    input.process(&["lower", "upper", "p_fisher"], |row| {
        let confidence = row.confidence_from_alpha(alpha_col)?;
        let x1 = row.count(x1_col, "x1")?;
        let n1 = row.count(n1_col, "n1")?;
        let x2 = row.count(x2_col, "x2")?;
        let n2 = row.count(n2_col, "n2")?;
        let d = newcombe_difference(x1, n1, x2, n2, confidence)?;
        let p = fisher_exact_two_sided(x1, n1 - x1, x2, n2 - x2);
        Ok(vec![d.lower, d.upper, p])
    })?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comparison(x1: u64, n1: u64, x2: u64, n2: u64) -> Comparison {
        Comparison {
            confidence: 0.95,
            group1: Group::new(x1, n1, 0.95).unwrap(),
            group2: Group::new(x2, n2, 0.95).unwrap(),
            difference: newcombe_difference(x1, n1, x2, n2, 0.95).unwrap(),
            difference_method: "newcombe",
            p_fisher: fisher_exact_two_sided(x1, n1 - x1, x2, n2 - x2),
        }
    }

    #[test]
    fn no_difference_claimed_when_the_interval_includes_zero() {
        let c = comparison(26, 28, 135, 156);
        assert!(!c.distinguishable());
        assert_eq!(
            c.summary(),
            "The difference is not statistically distinguishable from zero at the 95% \
             level: the data are consistent with group 1 being anywhere from 9.8 points \
             lower to 14.4 points higher."
        );
    }

    #[test]
    fn direction_stated_when_the_interval_excludes_zero() {
        let higher = comparison(18, 20, 5, 20);
        assert!(higher.distinguishable());
        assert!(higher
            .summary()
            .starts_with("Group 1's proportion is higher"));
        let lower = comparison(5, 20, 18, 20);
        assert!(lower.summary().starts_with("Group 1's proportion is lower"));
    }

    #[test]
    fn borderline_cases_say_the_methods_disagree() {
        // Search the small tables for one where Newcombe and Fisher disagree,
        // so the test does not depend on one hand-picked case.
        let disagreeing = (1..=20)
            .flat_map(|x1| (0..=20).map(move |x2| (x1, x2)))
            .map(|(x1, x2)| comparison(x1, 20, x2, 20))
            .find(|c| (c.p_fisher < 0.05) != c.distinguishable())
            .expect("some 20-vs-20 table is borderline");
        assert!(disagreeing.summary().contains("borderline"));
        assert!(!comparison(26, 28, 135, 156)
            .summary()
            .contains("borderline"));
    }

    #[test]
    fn p_values_print_readably() {
        assert_eq!(p_text(0.5372), "0.537");
        assert_eq!(p_text(1.0), "1.000");
        assert_eq!(p_text(2.3e-8), "2.3e-8");
        assert_eq!(signed_points(0.063, true), "+6.3 points");
        // A difference that rounds to nothing gets no misleading minus sign.
        assert_eq!(signed_points(-0.0001, false), "+0.0");
    }
}
