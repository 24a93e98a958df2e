//! `grounds interval`: the confidence interval for one proportion, such as 17
//! of 20 searches with reasonable grounds; also the batch mode and helpers
//! that `grounds compare` shares.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use comfy_table::{presets, CellAlignment, Table};
use serde::Serialize;

use grounds::stats::{proportion_interval, wald_fpc_interval, Interval, Method};
use grounds::wording::{level, parse_fraction, percent};

use super::batch::BatchInput;

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
            rows.push(Row::new(
                method,
                None,
                proportion_interval(x, n, confidence, method)?,
            ));
        }
    }
    if let Some(population) = args.population {
        let interval = wald_fpc_interval(x, n, population, confidence)?;
        rows.push(Row::new(Method::Normal, Some(population), interval));
    } else if !args.all_methods {
        let method = args.method.unwrap_or(Method::Wilson);
        rows.push(Row::new(
            method,
            None,
            proportion_interval(x, n, confidence, method)?,
        ));
    }
    let result = Output {
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

#[derive(Serialize)]
struct Output {
    x: u64,
    n: u64,
    estimate: f64,
    confidence: f64,
    intervals: Vec<Row>,
}

#[derive(Serialize)]
struct Row {
    method: Method,
    label: &'static str,
    /// Present only for the finite-population-corrected Wald interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    population: Option<u64>,
    lower: f64,
    upper: f64,
}

impl Row {
    fn new(method: Method, population: Option<u64>, interval: Interval) -> Row {
        Row {
            method,
            label: method.label(),
            population,
            lower: interval.lower,
            upper: interval.upper,
        }
    }

    /// The method as a table row names it.
    fn describe(&self) -> String {
        match self.population {
            Some(population) => format!("Wald, N = {population} (FPC)"),
            None => self.label.to_string(),
        }
    }
}

impl Output {
    fn sentence(&self) -> String {
        let mut out = String::new();
        for row in &self.intervals {
            let correction = match row.population {
                Some(population) => {
                    format!(", with finite population correction for N = {population}")
                }
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "{}/{} = {} ({} {} CI {} to {}{correction})",
                self.x,
                self.n,
                percent(self.estimate),
                level(self.confidence),
                row.label,
                percent(row.lower),
                percent(row.upper)
            );
        }
        for note in self.notes() {
            let _ = writeln!(out, "Note: {note}");
        }
        out
    }

    fn table(&self) -> String {
        let mut table = Table::new();
        table.load_preset(presets::NOTHING);
        table.set_header(vec!["Method", "Lower", "Upper", "Width"]);
        for row in &self.intervals {
            let default = if row.method == Method::Wilson && row.population.is_none() {
                " (default)"
            } else {
                ""
            };
            table.add_row(vec![
                format!("{}{default}", row.describe()),
                percent(row.lower),
                percent(row.upper),
                format!("{:.1} pts", (row.upper - row.lower) * 100.0),
            ]);
        }
        for i in 1..=3 {
            if let Some(column) = table.column_mut(i) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        let mut out = format!(
            "{}/{} = {}, {} confidence intervals:\n",
            self.x,
            self.n,
            percent(self.estimate),
            level(self.confidence)
        );
        // comfy-table pads every cell, the last one too.
        for line in table.to_string().lines() {
            let _ = writeln!(out, "{}", line.trim_end());
        }
        for note in self.notes() {
            let _ = writeln!(out, "Note: {note}");
        }
        out
    }

    /// Warnings a reader needs so as not to over-read a zero-width interval.
    fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        let boundary = self.x == 0 || self.x == self.n;
        for row in &self.intervals {
            if row.population == Some(self.n) {
                notes.push(format!(
                    "N = n = {}: the sample is the whole population, so there is no \
                     sampling uncertainty to show.",
                    self.n
                ));
            } else if row.method == Method::Normal && boundary {
                notes.push(format!(
                    "the Wald interval has zero width at {}/{}; it claims a certainty the \
                     data cannot give. Use the Wilson interval (the default).",
                    self.x, self.n
                ));
            } else if row.method == Method::Jeffreys && boundary {
                notes.push(format!(
                    "at {}/{} the Jeffreys interval (as statsmodels computes it, without \
                     boundary modification) does not reach {}; Brown, Cai & DasGupta (2001) \
                     suggest setting that bound to {} by hand.",
                    self.x,
                    self.n,
                    if self.x == 0 { "0%" } else { "100%" },
                    if self.x == 0 { "0" } else { "1" },
                ));
            }
        }
        notes.dedup();
        notes
    }
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
    input.process(&["lower", "upper"], |row| {
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
    })?;
    io::stdout().flush()?;
    Ok(ExitCode::SUCCESS)
}
