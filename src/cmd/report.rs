//! `grounds report`: how often reasonable grounds were evident, for whom, and
//! how sure we can be.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use grounds::ethnicity::Scheme;
use grounds::export::YearMonth;
use grounds::outputs::Protected;
use grounds::report::{render, EstimateRules, Report};
use grounds::stats::{self, Method, StatsError};
use grounds::workflow::{ReportRequest, Workspace, DEFAULT_TOO_FEW};

use super::{parse_month, write_atomically, DbArg};

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
    Markdown,
    /// One self-contained page with charts, for the scrutiny panel (use --out).
    Html,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ethnicity {
    /// As the person searched described themselves.
    #[value(name = "self")]
    SelfDefined,
    /// As the officer recorded it.
    Officer,
}

/// Report the proportion of searches with reasonable grounds, by ethnic group, with intervals.
///
/// Every proportion comes with its count and confidence interval; groups with
/// few assessed searches are flagged, never hidden; searches with
/// insufficient information are shown apart, never in the denominator. A
/// period with searches still outstanding is marked NOT FINAL.
///
/// --public makes a report fit to leave the force, in any format: figures
/// resting on fewer than --suppress-below searches are suppressed (with any
/// figure that would give them back by subtraction), champion names and
/// reviewers' notes are left out, and the report says so.
///
/// Example: grounds report --from 2019-01 --to 2019-03 --format markdown --out q1.md
/// Example: grounds report --format html --public --out panel-2019-q1.html
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// First month (default: the first month drawn).
    #[arg(long, value_parser = parse_month)]
    pub from: Option<YearMonth>,

    /// Last month (default: the last month drawn).
    #[arg(long, value_parser = parse_month)]
    pub to: Option<YearMonth>,

    /// Only this champion's searches.
    #[arg(long)]
    pub champion: Option<String>,

    /// Which recorded ethnicity groups the searches.
    #[arg(long, value_enum, default_value = "self")]
    pub ethnicity: Ethnicity,

    /// Interval method: wilson (default), beta (Clopper–Pearson), jeffreys, agresti_coull, normal (Wald).
    #[arg(long, default_value = "wilson", value_parser = parse_method)]
    pub method: Method,

    /// Confidence level of the intervals, between 0 and 1.
    #[arg(long, default_value_t = 0.95, value_parser = parse_confidence)]
    pub confidence: f64,

    /// Deprecated, does nothing: the finite population correction is part of every variance.
    #[arg(long, hide = true)]
    pub fpc: bool,

    /// Flag groups with fewer assessed searches than this as "too few to judge".
    #[arg(long, value_name = "N", default_value_t = DEFAULT_TOO_FEW)]
    pub too_few: u64,

    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,

    /// Make a report for publication: suppress small cells (and cells that would reveal them), drop champion names, notes, learning themes and unrecognised ethnicity values.
    #[arg(long)]
    pub public: bool,

    /// With --public: suppress figures resting on 1 to N−1 searches.
    #[arg(long, value_name = "N", default_value_t = 5, requires = "public")]
    pub suppress_below: u64,

    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub db: DbArg,
}

fn parse_method(text: &str) -> Result<Method, String> {
    text.parse().map_err(|err: StatsError| err.to_string())
}

fn parse_confidence(text: &str) -> Result<f64, String> {
    stats::parse_confidence(text).map_err(|err| err.to_string())
}

pub fn run(args: Args) -> Result<ExitCode> {
    if let Some(out) = &args.out {
        Protected::of_workspace(&args.db.db).check(out)?;
    }
    if args.fpc {
        eprintln!("{FPC_DEPRECATED}");
    }
    let report = request(&args).resolve_before_exit(&Workspace::new(&args.db.db))?;
    output(&report, args.format, args.out.as_deref())?;
    // The process ends next: freeing the report piece by piece is wasted time.
    std::mem::forget(report);
    Ok(ExitCode::SUCCESS)
}

/// What `--fpc` prints: the flag stays so that old scripts run.
pub const FPC_DEPRECATED: &str =
    "note: --fpc is deprecated and does nothing: every interval is now \
     design-based, with the finite population correction of each month and area in its variance \
     (see the README, \"Statistics\")";

/// Renders the report and writes it to `out`, or to standard output.
pub fn output(report: &Report, format: Format, out: Option<&Path>) -> Result<()> {
    let text = match format {
        Format::Table => render::table::render(report),
        Format::Csv => render::csv::render(report),
        Format::Json => render::json::render(report),
        Format::Markdown => render::markdown::render(report),
        Format::Html => render::html::render(report),
    };
    match out {
        Some(path) => write_atomically(path, text.as_bytes())?,
        None => std::io::stdout().write_all(text.as_bytes())?,
    }
    if let (Some(warning), true) = (render::outstanding_warning(report), out.is_some()) {
        eprintln!("{warning}");
    }
    Ok(())
}

/// The arguments as a library request.
fn request(args: &Args) -> ReportRequest {
    ReportRequest {
        from: args.from,
        to: args.to,
        champion: args.champion.clone(),
        scheme: match args.ethnicity {
            Ethnicity::SelfDefined => Scheme::SelfDefined,
            Ethnicity::Officer => Scheme::Officer,
        },
        rules: EstimateRules {
            method: args.method,
            confidence: args.confidence,
            too_few_below: args.too_few,
        },
        public_below: args.public.then_some(args.suppress_below),
    }
}
