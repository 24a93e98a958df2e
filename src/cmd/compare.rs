//! `grounds compare`: two proportions, their difference and whether the data
//! can tell them apart, in words that claim no more than the data show.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use serde::Serialize;

use grounds::stats::{compare_proportions, proportion_interval, Difference, Method};

use grounds::wording::{
    difference_reading, distinguishable, level, p_text, parse_fraction, percent, signed_points,
};

use super::interval::Format;
use grounds::batch::BatchInput;

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
    let (x1, n1) = parse_fraction(first).map_err(anyhow::Error::msg)?;
    let (x2, n2) = parse_fraction(second).map_err(anyhow::Error::msg)?;
    let confidence = args.confidence;
    let compared = compare_proportions(x1, n1, x2, n2, confidence)?;
    let comparison = Comparison {
        confidence,
        group1: Group::new(x1, n1, confidence)?,
        group2: Group::new(x2, n2, confidence)?,
        difference: compared.difference,
        difference_method: "newcombe",
        p_fisher: compared.p_fisher,
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
        distinguishable(&self.difference)
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
        difference_reading(
            &self.difference,
            self.p_fisher,
            self.confidence,
            "group 1",
            "group 2",
        )
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
    input.process(
        &["lower", "upper", "p_fisher"],
        |row| {
            let confidence = row.confidence_from_alpha(alpha_col)?;
            let x1 = row.count(x1_col, "x1")?;
            let n1 = row.count(n1_col, "n1")?;
            let x2 = row.count(x2_col, "x2")?;
            let n2 = row.count(n2_col, "n2")?;
            let c = compare_proportions(x1, n1, x2, n2, confidence)?;
            Ok(vec![c.difference.lower, c.difference.upper, c.p_fisher])
        },
        std::io::stdout().lock(),
    )?;
    Ok(ExitCode::SUCCESS)
}
