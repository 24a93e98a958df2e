//! `grounds plan`: what a design buys, before drawing.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use chrono_tz::Tz;

use grounds::export::YearMonth;
use grounds::sample::PER_CHAMPION_LIMITS;
use grounds::workflow::{
    plan, ChampionsSource, CompositionSource, DesignPlan, DesignRequest, DomainPlan, Plan,
    PlanRequest, DEFAULT_INSUFFICIENT, DEFAULT_PROPORTION, MAX_MONTHS,
};

use super::{parse_month, parse_timezone, range_parser};

/// What a review design buys, before drawing: sample sizes and expected intervals.
///
/// With --margin: the judged searches whose 95% Wilson interval at the
/// expected proportion is that narrow, and the draws that leave them after
/// the expected share of insufficient information. With a design
/// (--champions and the month's composition, from an export or by hand): the
/// expected half-widths for all searches, minority ethnic and White, per
/// period, and the smallest minority-White gap detectable with 80% power,
/// for a plain random draw and for each --minority-per-champion K.
///
/// Examples:
///   grounds plan --margin 0.05
///   grounds plan --champions 5 --minority-per-champion 5,10 --export jan.csv --month 2019-01
///   grounds plan --champions champions.csv --searches 534 --minority-share 0.15 --format json
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The proportion with reasonable grounds the review expects, strictly between 0 and 1.
    #[arg(long, default_value_t = DEFAULT_PROPORTION, allow_negative_numbers = true)]
    pub proportion: f64,

    /// Half-width of the 95% Wilson interval to aim for, e.g. 0.10 for ±10 points [default: 0.10].
    #[arg(long, allow_negative_numbers = true)]
    pub margin: Option<f64>,

    /// Expected share of drawn searches judged insufficient_info, from 0 to below 1.
    #[arg(long, default_value_t = DEFAULT_INSUFFICIENT, allow_negative_numbers = true)]
    pub insufficient: f64,

    /// The design's champions: a number, or a champions file as `grounds sample` takes.
    #[arg(long, value_name = "N|FILE", allow_hyphen_values = true)]
    pub champions: Option<String>,

    /// Searches each champion reviews a month.
    #[arg(long, default_value_t = 20, value_parser = range_parser(PER_CHAMPION_LIMITS),
          allow_negative_numbers = true)]
    pub per_champion: u32,

    /// K: of each champion's searches, K minority ethnic (the stratified draw).
    /// Several, comma-separated, to compare; the plain random draw is always shown.
    #[arg(long, value_name = "K", value_delimiter = ',', requires = "champions",
          value_parser = range_parser(PER_CHAMPION_LIMITS.start() - 1..=*PER_CHAMPION_LIMITS.end()),
          allow_negative_numbers = true)]
    pub minority_per_champion: Vec<u32>,

    /// Periods to show, in months, comma-separated (1,3: a month and a quarter).
    #[arg(long, value_name = "MONTHS", value_delimiter = ',', default_value = "1,3",
          value_parser = range_parser(1..=MAX_MONTHS), allow_negative_numbers = true)]
    pub months: Vec<u32>,

    /// Export CSV file(s) to read the month's searches and officer-defined ethnicity from.
    #[arg(long, value_name = "FILE", num_args = 1.., requires_all = ["month", "champions"],
          conflicts_with_all = ["searches", "minority_share"])]
    pub export: Vec<PathBuf>,

    /// The month of the export to plan from, YYYY-MM.
    #[arg(long, value_parser = parse_month, requires = "export")]
    pub month: Option<YearMonth>,

    /// Column mapping (TOML) for a force export; see the README.
    #[arg(long, value_name = "FILE", requires = "export")]
    pub columns: Option<PathBuf>,

    /// Time zone whose calendar months are reviewed.
    #[arg(long, default_value = "Europe/London", value_parser = parse_timezone)]
    pub timezone: Tz,

    /// The month's searches, given by hand instead of an export.
    #[arg(long, value_name = "N", requires_all = ["minority_share", "champions"],
          value_parser = clap::builder::RangedI64ValueParser::<u64>::new().range(1..),
          allow_negative_numbers = true)]
    pub searches: Option<u64>,

    /// With --searches: the share of them minority ethnic (officer-defined), from 0 to 1.
    #[arg(
        long,
        value_name = "SHARE",
        requires = "searches",
        allow_negative_numbers = true
    )]
    pub minority_share: Option<f64>,

    /// Output for people (table) or machines (json).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let plan = plan(&request(&args)?)?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&plan)?),
        Format::Table => print_plan(&plan),
    }
    Ok(ExitCode::SUCCESS)
}

fn request(args: &Args) -> Result<PlanRequest> {
    let design = match &args.champions {
        None => None,
        Some(champions) => Some(DesignRequest {
            per_champion: args.per_champion,
            champions: champions_source(champions)?,
            minority_per_champion: args.minority_per_champion.clone(),
            months: args.months.clone(),
            composition: composition(args)?,
        }),
    };
    Ok(PlanRequest {
        proportion: args.proportion,
        margin: args.margin,
        insufficient: args.insufficient,
        design,
    })
}

/// A whole number is a count of champions; anything else names a file.
fn champions_source(text: &str) -> Result<ChampionsSource> {
    if let Ok(number) = text.trim().parse::<i64>() {
        return match u32::try_from(number) {
            Ok(n) if n >= 1 => Ok(ChampionsSource::Count(n)),
            _ => bail!(
                "--champions must be a positive number or a champions file, but it is {number}"
            ),
        };
    }
    Ok(ChampionsSource::File(PathBuf::from(text)))
}

fn composition(args: &Args) -> Result<CompositionSource> {
    match (&args.month, args.searches, args.minority_share) {
        (Some(month), _, _) => Ok(CompositionSource::Export {
            exports: args.export.clone(),
            month: *month,
            columns: args.columns.clone(),
            timezone: args.timezone,
        }),
        (None, Some(searches), Some(minority_share)) => Ok(CompositionSource::Given {
            searches,
            minority_share,
        }),
        _ => bail!(
            "a design needs the month's composition: give --export FILE --month YYYY-MM, \
             or --searches N --minority-share S"
        ),
    }
}

fn print_plan(plan: &Plan) {
    println!(
        "For ±{} at an expected {} reasonable (95% Wilson): {} judged searches, {} draws \
         allowing {} insufficient information{}.",
        points(plan.margin),
        percent(plan.proportion),
        plan.judged,
        plan.draws,
        percent(plan.insufficient),
        match plan.draws_per_champion {
            Some(per) => format!(" ({per} per champion)"),
            None => String::new(),
        }
    );
    if let Some(design) = &plan.design {
        println!();
        print_design(design);
    }
}

fn print_design(design: &DesignPlan) {
    let c = &design.composition;
    let month = c.month.map(|m| format!(" in {m}")).unwrap_or_default();
    println!(
        "{} champions × {} searches a month; {} searches{month}: {} minority ethnic, {} White, {} not stated (officer-defined).",
        design.champions, design.per_champion, c.searches, c.minority, c.white, c.not_stated
    );
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    table.set_header([
        "design",
        "period",
        "judged",
        "all",
        "minority judged",
        "minority",
        "White",
        "detectable gap",
    ]);
    for scheme in &design.schemes {
        let name = match scheme.minority_per_champion {
            0 => "random".to_string(),
            k => format!("K = {k} of {}", design.per_champion),
        };
        for period in &scheme.periods {
            table.add_row([
                name.clone(),
                period_name(period.months),
                judged(&period.all),
                half_width(&period.all),
                judged(&period.minority),
                half_width(&period.minority),
                half_width(&period.white),
                period.detectable_difference.map_or("-".to_string(), points),
            ]);
        }
    }
    println!("{table}");
    println!(
        "Half-widths of expected 95% intervals, in points; the detectable gap is the smallest \
         minority shortfall below White found with 80% power."
    );
    if let Some(shortfall) = design
        .schemes
        .first()
        .map(|s| s.shortfall)
        .filter(|&s| s > 0)
    {
        eprintln!(
            "SHORTFALL: the month has {} searches, too few for {} draws a month: {shortfall} fewer.",
            design.composition.searches,
            u64::from(design.champions) * u64::from(design.per_champion),
        );
    }
    for scheme in &design.schemes {
        if let Some(minority) = scheme.minority_draws {
            let asked = u64::from(design.champions) * u64::from(scheme.minority_per_champion);
            if minority < asked {
                eprintln!(
                    "note: K = {}: only {minority} minority-ethnic searches a month for {asked} places; \
                     the draw tops the champions up from the rest.",
                    scheme.minority_per_champion
                );
            }
        }
    }
}

fn period_name(months: u32) -> String {
    match months {
        1 => "month".into(),
        3 => "quarter".into(),
        12 => "year".into(),
        n => format!("{n} months"),
    }
}

fn judged(domain: &Option<DomainPlan>) -> String {
    domain
        .as_ref()
        .map_or("-".into(), |d| format!("{:.0}", d.judged))
}

fn half_width(domain: &Option<DomainPlan>) -> String {
    domain.as_ref().map_or("not sampled".into(), |d| {
        format!("±{:.1}", d.half_width * 100.0)
    })
}

fn points(share: f64) -> String {
    format!("{:.1} points", share * 100.0)
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}
