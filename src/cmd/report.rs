//! `grounds report`: how often reasonable grounds were evident, for whom, and
//! how sure we can be.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use grounds::ethnicity::Scheme;
use grounds::export::YearMonth;
use grounds::report::{self, render, EstimateRules, Report, ReportInput, ReportOptions};
use grounds::stats::Method;
use grounds::store::{Period, Store};

use super::{parse_month, DbArg};

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

    /// Use Wald intervals with the finite population correction from the month's known number of searches.
    #[arg(long)]
    pub fpc: bool,

    /// Flag groups with fewer assessed searches than this as "too few to judge".
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub too_few: u64,

    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,

    /// Make a report for publication: suppress small cells, drop champion names and notes.
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
    text.parse()
        .map_err(|err: grounds::stats::StatsError| err.to_string())
}

fn parse_confidence(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(value) if value > 0.0 && value < 1.0 => Ok(value),
        _ => Err(format!(
            "{text:?} is not a confidence level: give a number between 0 and 1, e.g. 0.95"
        )),
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    let mut report = make(&args)?;
    if args.public {
        report::public::make_public(&mut report, args.suppress_below);
    }
    let text = match args.format {
        Format::Table => render::table::render(&report),
        Format::Csv => render::csv::render(&report),
        Format::Json => render::json::render(&report),
        Format::Markdown => render::markdown::render(&report),
        Format::Html => render::html::render(&report),
    };
    match &args.out {
        Some(path) => write_atomically(path, text.as_bytes())?,
        None => std::io::stdout().write_all(text.as_bytes())?,
    }
    if let (Some(warning), true) = (render::outstanding_warning(&report), args.out.is_some()) {
        eprintln!("{warning}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads the workspace and builds the report.
pub fn make(args: &Args) -> Result<Report> {
    let mut store = Store::open(&args.db.db)?;
    let tx = store.read()?;
    let draws = tx.current_draws()?;
    let (Some(first), Some(last)) = (draws.first(), draws.last()) else {
        bail!(
            "the workspace {} has no draws yet: run `grounds sample` first",
            args.db.db.display()
        );
    };
    let from = args
        .from
        .map_or_else(|| first.month.clone(), |m| m.to_string());
    let to = args
        .to
        .map_or_else(|| last.month.clone(), |m| m.to_string());
    if from > to {
        bail!("the period {from} to {to} is empty: --from must not be after --to");
    }
    if args.fpc && (from != to || args.champion.is_some()) {
        // Each month is its own sample (20 per champion, whatever the month's
        // size), and one champion's searches are not a sample of the force:
        // the correction with a pooled N would claim precision nobody has.
        bail!(
            "--fpc needs one month and the whole force (--from and --to the same month, no --champion): \
             the correction uses that month's known number of searches"
        );
    }
    if args.public && args.champion.is_some() {
        bail!("a public report cannot be about one champion: champion names do not leave the force. Drop --champion or --public");
    }
    let period = Period {
        from: Some(from.clone()),
        to: Some(to.clone()),
        champion: args.champion.clone(),
    };
    let all_champions = Period {
        champion: None,
        ..period.clone()
    };
    let drawn: Vec<&str> = draws.iter().map(|d| d.month.as_str()).collect();
    if !drawn
        .iter()
        .any(|m| *m >= from.as_str() && *m <= to.as_str())
    {
        bail!(
            "no draws in {from} to {to}; months drawn: {}",
            drawn.join(", ")
        );
    }
    if let Some(champion) = &args.champion {
        let progress = tx.progress(&all_champions)?;
        if !progress.iter().any(|p| &p.champion == champion) {
            let mut names: Vec<&str> = progress.iter().map(|p| p.champion.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            bail!(
                "no champion named {champion:?} in {from} to {to}; champions: {}",
                names.join(", ")
            );
        }
    }
    let input = ReportInput {
        searches: tx.assessed_searches(&period)?,
        progress: tx.progress(&period)?,
        draws: tx.draw_records(&all_champions)?,
        populations: tx.month_populations(&all_champions)?,
        replaced_draws: tx.replaced_draws(&all_champions)?,
        simulated: tx.is_simulated()?,
    };
    let options = ReportOptions {
        from,
        to,
        champion: args.champion.clone(),
        scheme: match args.ethnicity {
            Ethnicity::SelfDefined => Scheme::SelfDefined,
            Ethnicity::Officer => Scheme::Officer,
        },
        rules: EstimateRules {
            method: args.method,
            confidence: args.confidence,
            too_few_below: args.too_few,
            fpc: args.fpc,
        },
    };
    Ok(report::build(&input, &options)?)
}

/// Writes next to the target and renames, so a reader never sees half a report.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile_in(dir, path)?;
    temp.1
        .write_all(bytes)
        .with_context(|| format!("writing {}", path.display()))?;
    temp.1.sync_all().ok();
    std::fs::rename(&temp.0, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn tempfile_in(dir: &Path, target: &Path) -> Result<(PathBuf, std::fs::File)> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let temp = dir.join(format!(".{name}.partial-{}", std::process::id()));
    let file =
        std::fs::File::create(&temp).with_context(|| format!("creating {}", temp.display()))?;
    Ok((temp, file))
}
