//! `grounds interval`: the confidence interval for one proportion, such as 17
//! of 20 searches with reasonable grounds; also the batch mode and helpers
//! that `grounds compare` shares.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};

use grounds::batch::BatchInput;
use grounds::interval_summary::{IntervalRow, IntervalSummary};
use grounds::stats::{proportion_interval, wald_fpc_interval, Method};
use grounds::wording::parse_fraction;

/// Confidence interval for a proportion, e.g. 17 of 20 searches with reasonable grounds.
///
/// Example: grounds interval 17/20 --method beta --confidence 0.9
#[derive(clap::Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The proportion as COUNT/TOTAL, e.g. 17/20.
    #[arg(
        value_name = "X/N",
        required_unless_present = "batch",
        allow_hyphen_values = true
    )]
    fraction: Option<String>,

    /// Interval method [default: wilson].
    #[arg(long, short, value_parser = method_parser(), ignore_case = true)]
    method: Option<Method>,

    /// Confidence level, strictly between 0 and 1.
    #[arg(long, short, default_value_t = 0.95, allow_negative_numbers = true)]
    confidence: f64,

    /// Size N of the population the sample was drawn from (e.g. the month's
    /// searches): gives the Wald interval with finite population correction.
    #[arg(
        long,
        value_name = "N",
        conflicts_with = "method",
        allow_negative_numbers = true
    )]
    population: Option<u64>,

    /// Output for people (text) or machines (json).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// One row per method, to see how much the choice matters.
    #[arg(long, conflicts_with = "method")]
    all_methods: bool,

    /// Read rows `method,alpha,x,n[,N]` from a CSV file (`-` for stdin) and
    /// write them back with `lower,upper`; a non-empty N means Wald with
    /// finite population correction.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["fraction", "method", "confidence", "population", "all_methods"]
    )]
    batch: Option<PathBuf>,
}

const AFTER_HELP: &str = "\
Wilson is the default: it keeps close to its nominal coverage even for samples
of 20 (Brown, Cai & DasGupta 2001). Choose beta (Clopper-Pearson) when the
interval must never undercover, at the price of being wider. Wald (normal)
is offered for comparison with published figures; it collapses to zero width
at 0/n and n/n.

Batch mode writes full-precision numbers; existing lower/upper columns are
replaced, so a reference file can be recomputed and compared.

More examples:
  grounds interval 26/28 --all-methods
  grounds interval 161/184 --population 5612
  grounds interval --batch rows.csv > rows_with_intervals.csv";

/// How results are written.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Text,
    Json,
}

/// Accepts the method names and their aliases, and lists them in `--help`.
pub(super) fn method_parser() -> impl TypedValueParser<Value = Method> {
    PossibleValuesParser::new(Method::ALL.map(|m| {
        let help = match m.aliases() {
            [] => m.label().to_string(),
            aliases => format!("{} (also: {})", m.label(), aliases.join(", ")),
        };
        PossibleValue::new(m.name())
            .help(help)
            .aliases(m.aliases().iter().copied())
    }))
    .try_map(|name| name.parse::<Method>())
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.batch {
        return run_batch(path, args.format);
    }
    let Some(fraction) = args.fraction.as_deref() else {
        bail!("give a proportion such as 17/20, or --batch FILE");
    };
    let (x, n) = parse_fraction(fraction).map_err(anyhow::Error::msg)?;
    let confidence = args.confidence;
    let mut rows = Vec::new();
    if args.all_methods {
        for method in Method::ALL {
            rows.push(IntervalRow::new(
                method,
                None,
                proportion_interval(x, n, confidence, method)?,
            ));
        }
    }
    if let Some(population) = args.population {
        let interval = wald_fpc_interval(x, n, population, confidence)?;
        rows.push(IntervalRow::new(Method::Normal, Some(population), interval));
    } else if !args.all_methods {
        let method = args.method.unwrap_or(Method::Wilson);
        rows.push(IntervalRow::new(
            method,
            None,
            proportion_interval(x, n, confidence, method)?,
        ));
    }
    let result = IntervalSummary {
        x,
        n,
        // n > 0: every interval above checked it.
        estimate: x as f64 / n as f64,
        confidence,
        intervals: rows,
    };
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&result)?),
        Format::Text if args.all_methods => print!("{}", result.table()),
        Format::Text => print!("{}", result.sentence()),
    }
    Ok(ExitCode::SUCCESS)
}

fn run_batch(path: &Path, format: Format) -> anyhow::Result<ExitCode> {
    if format == Format::Json {
        bail!("--batch writes CSV; --format json is for a single proportion");
    }
    let input = BatchInput::read(path)?;
    let expected = "method,alpha,x,n and optionally N";
    let method_col = input.column("method");
    let population_col = input.column("N");
    if method_col.is_none() && population_col.is_none() {
        input.required("method", expected)?;
    }
    let alpha_col = input.required("alpha", expected)?;
    let x_col = input.required("x", expected)?;
    let n_col = input.required("n", expected)?;
    input.process(
        &["lower", "upper"],
        |row| {
            let confidence = row.confidence_from_alpha(alpha_col)?;
            let x = row.count(x_col, "x")?;
            let n = row.count(n_col, "n")?;
            let method_text = method_col.map_or("", |c| row.text(c));
            let method = if method_text.is_empty() {
                None
            } else {
                Some(method_text.parse::<Method>()?)
            };
            let population = match population_col {
                Some(c) if !row.text(c).is_empty() => Some(row.count(c, "N")?),
                _ => None,
            };
            let interval = match (method, population) {
                (None | Some(Method::Normal), Some(population)) => {
                    wald_fpc_interval(x, n, population, confidence)?
                }
                (Some(method), Some(_)) => bail!(
                    "N is given, which means Wald with finite population correction, \
                 but method is {method}; leave one of them empty"
                ),
                (Some(method), None) => proportion_interval(x, n, confidence, method)?,
                (None, None) => bail!("no method and no N: say which interval to compute"),
            };
            Ok(vec![interval.lower, interval.upper])
        },
        io::stdout().lock(),
    )?;
    io::stdout().flush()?;
    Ok(ExitCode::SUCCESS)
}
