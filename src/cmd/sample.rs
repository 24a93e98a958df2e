//! `grounds sample`: draw the month's searches for each champion, write the
//! worksheets and the manifest, and record the draw in the workspace.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use chrono_tz::Tz;

use grounds::assess::worksheet::WorksheetFormat;
use grounds::display::visible;
use grounds::export::YearMonth;
use grounds::outputs::Protected;
use grounds::sample::{SeedSource, PER_CHAMPION_LIMITS, RESERVES_LIMITS};
use grounds::store::Redraw;
use grounds::workflow::{draw_month, Draw, DrawOptions, Workspace};

use super::{byte_progress, parse_month, parse_timezone, range_parser, total_bytes, DbArg};

/// Draw this month's searches for review: a provably random sample per champion.
///
/// Ranks the month's searches by SHA-256 of the seed and each record id
/// (algorithm hash-rank-v1, see the README), deals them round-robin to the
/// champions, then deals ordered reserves. With --minority-per-champion K,
/// K of each champion's searches come from people the officer recorded as
/// Black, Asian, Mixed or Other (algorithm hash-rank-v2). Writes
/// OUT/YYYY-MM/manifest.json and one worksheet per champion, and records
/// the draw in the workspace. With --extend, adds searches, reserves or
/// champions to the month's draw without moving anything already dealt.
///
/// Example: grounds sample --export 2019-01-kent-stop-and-search.csv --month 2019-01 --champions champions.csv
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Export CSV file(s): data.police.uk format unless --columns maps them.
    #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
    pub export: Vec<PathBuf>,

    /// The month to draw, YYYY-MM (a search's month is that of its date in --timezone).
    #[arg(long, value_parser = parse_month)]
    pub month: YearMonth,

    /// CSV with a `champion` column and optional `officer_id` and `area` columns.
    #[arg(long, value_name = "FILE")]
    pub champions: PathBuf,

    /// Searches to review per champion [default: 20; with --extend: the draw's].
    #[arg(long, value_parser = range_parser(PER_CHAMPION_LIMITS))]
    pub per_champion: Option<u32>,

    /// Ordered reserves per champion, used when a sampled search cannot be reviewed
    /// [default: 5; with --extend: the draw's].
    #[arg(long, value_parser = range_parser(RESERVES_LIMITS))]
    pub reserves: Option<u32>,

    /// Of each champion's --per-champion searches, deal K from people the officer
    /// recorded as Black, Asian, Mixed or Other (stratified draw hash-rank-v2), so the
    /// minority-ethnic figure has a usable interval; reports weight it back.
    #[arg(long, value_name = "K", value_parser = range_parser(PER_CHAMPION_LIMITS))]
    pub minority_per_champion: Option<u32>,

    /// Seed (any text). Without it, one is made from the operating system's randomness.
    /// A panel can fix the export first and reveal a seed afterwards.
    #[arg(long)]
    pub seed: Option<String>,

    /// Folder for the worksheets; the draw goes in OUT/YYYY-MM/.
    #[arg(long, value_name = "DIR", default_value = "worksheets")]
    pub out: PathBuf,

    /// Column mapping (TOML) for a force export; see the README.
    #[arg(long, value_name = "FILE")]
    pub columns: Option<PathBuf>,

    /// Time zone whose calendar months are reviewed [default: Europe/London; with
    /// --extend: the draw's].
    #[arg(long, value_parser = parse_timezone)]
    pub timezone: Option<Tz>,

    /// Replace the month's existing draw (it stays in the workspace as history,
    /// and the new manifest names it). Refused once anything has been recorded
    /// against it, unless --abandon-assessments.
    #[arg(long)]
    pub redraw: bool,

    /// With --redraw: replace a draw even though assessments were recorded
    /// against it (they stay in the workspace with the old draw).
    #[arg(long, requires = "redraw")]
    pub abandon_assessments: bool,

    /// What to write for each champion: an .xlsx workbook (drop-down lists,
    /// local search times, footage deadlines) or a plain .csv file.
    /// [default: xlsx; with --extend: the draw's]
    #[arg(long, value_enum)]
    pub worksheet_format: Option<WorksheetFormatArg>,

    /// Days after a search that its body-worn video is deleted (the force's
    /// retention period): the workbook shows each search's deadline, and
    /// `grounds status` warns as it nears [default: 31; with --extend: the draw's].
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub bwv_retention_days: Option<u32>,

    /// Add to the month's existing draw instead of drawing it: a higher
    /// --per-champion or --reserves, and/or champions appended to the champions
    /// file. Nothing already dealt moves: the walk continues from where it
    /// stopped (see the README, "Extending a draw"); new worksheets for new
    /// champions, and re-issued worksheets (or, where a champion has edited theirs,
    /// the added rows beside it) for the others. Options left out are the draw's.
    #[arg(long, conflicts_with_all = ["redraw", "abandon_assessments"])]
    pub extend: bool,

    /// Deal K of each champion's searches (their best-ranked) again, blind, to the next champion in the
    /// champions file (of the same area where one can take it; never the first reviewer
    /// or the search's officer), to measure how alike champions judge. The first review
    /// is the one every figure estimates. Dealt with the draw: --extend keeps the draw's
    /// second reviews as they are and deals none to new champions.
    #[arg(long, value_name = "K", default_value_t = 0, value_parser = range_parser(SECOND_REVIEW_LIMITS),
          conflicts_with = "extend")]
    pub second_review: u32,

    #[command(flatten)]
    pub db: DbArg,
}

/// `--second-review`: 0 (none) up to the most searches a champion can have.
const SECOND_REVIEW_LIMITS: std::ops::RangeInclusive<u32> = 0..=*PER_CHAMPION_LIMITS.end();

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorksheetFormatArg {
    Xlsx,
    Csv,
}

impl WorksheetFormatArg {
    pub fn format(self) -> WorksheetFormat {
        match self {
            WorksheetFormatArg::Xlsx => WorksheetFormat::Xlsx,
            WorksheetFormatArg::Csv => WorksheetFormat::Csv,
        }
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    refuse_protected_outputs(&args)?;
    if args.extend {
        return super::extend::run(&args);
    }
    let bar = byte_progress(total_bytes(&args.export), "reading exports");
    let drawn = draw_month(&Workspace::new(&args.db.db), &options(&args), &|bytes| {
        bar.inc(bytes)
    })?;
    bar.finish_and_clear();
    print_summary(&drawn, &args.export);
    Ok(ExitCode::SUCCESS)
}

/// The worksheet folder must not be the workspace, an export or inside a
/// draw's folder; the workspace must not be one of the draw's input files.
fn refuse_protected_outputs(args: &Args) -> Result<()> {
    let mut inputs = Protected::default().with(&args.champions, "the champions file");
    for export in &args.export {
        inputs = inputs.with(
            export,
            format!("an export of this draw ({})", export.display()),
        );
    }
    if let Some(columns) = &args.columns {
        inputs = inputs.with(columns, "the column mapping");
    }
    inputs.check(&args.db.db)?;
    let protected = Protected::of_workspace(&args.db.db);
    for check in [&protected, &inputs] {
        check.check(&args.out)?;
        let folder = args.out.join(args.month.to_string());
        // An existing folder is refused by the draw itself, or replaced on
        // purpose by --redraw.
        if !folder.exists() {
            check.check(&folder)?;
        }
    }
    Ok(())
}

fn options(args: &Args) -> DrawOptions {
    // Flags left out take the library's defaults, written once there.
    let defaults = DrawOptions::new(args.export.clone(), args.month, args.champions.clone());
    DrawOptions {
        per_champion: args.per_champion.unwrap_or(defaults.per_champion),
        reserves: args.reserves.unwrap_or(defaults.reserves),
        seed: args.seed.clone(),
        out: args.out.clone(),
        columns: args.columns.clone(),
        timezone: args.timezone.unwrap_or(defaults.timezone),
        minority_per_champion: args.minority_per_champion,
        redraw: match (args.redraw, args.abandon_assessments) {
            (false, _) => Redraw::No,
            (true, false) => Redraw::IfUnused,
            (true, true) => Redraw::AbandoningAssessments,
        },
        worksheet_format: args
            .worksheet_format
            .map_or(defaults.worksheet_format, WorksheetFormatArg::format),
        bwv_retention_days: args
            .bwv_retention_days
            .unwrap_or(defaults.bwv_retention_days),
        second_review: args.second_review,
        ..defaults
    }
}

/// Prints what a draw did, and how anyone can check it (also for `grounds demo`).
pub fn print_summary(outcome: &Draw, exports: &[PathBuf]) {
    for warning in &outcome.warnings {
        eprintln!("warning: {}", visible(warning));
    }
    let manifest = &outcome.manifest;
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    table.set_header(["champion", "eligible", "sample", "reserves", "worksheet"]);
    for (draw, path) in manifest.champions.iter().zip(&outcome.worksheets) {
        table.add_row([
            visible(&draw.champion.name).into_owned(),
            draw.eligible.to_string(),
            draw.sample.len().to_string(),
            draw.reserves.len().to_string(),
            visible(&path.display().to_string()).into_owned(),
        ]);
    }
    println!(
        "Drew {} for {} champion(s) from {} searches in {} ({} input file(s)).",
        manifest.month,
        manifest.champions.len(),
        manifest.month_records,
        manifest.timezone,
        manifest.inputs.len()
    );
    println!("{table}");
    println!(
        "Seed: {} ({})",
        visible(&manifest.seed),
        match manifest.seed_source {
            SeedSource::Given => "given",
            SeedSource::Generated => "generated from the operating system's randomness",
        }
    );
    println!(
        "Manifest: {}",
        outcome.folder.join("manifest.json").display()
    );
    let exports: Vec<String> = exports.iter().map(|p| p.display().to_string()).collect();
    println!(
        "Anyone can check this draw: grounds verify {} --export {}",
        outcome.folder.join("manifest.json").display(),
        exports.join(" ")
    );
    if let Some(old) = &manifest.supersedes {
        println!(
            "This draw replaces the one made on {} with seed {} ({} assessment(s) left with it); the manifest records that.",
            old.created_at, visible(&old.seed), old.abandoned_assessments
        );
    }
    if !manifest.excluded_earlier_draws.is_empty() {
        println!(
            "{} searches were left out because earlier draws already had them.",
            manifest.excluded_earlier_draws.len()
        );
    }
    if let Some(design) = &manifest.design {
        print_design(manifest, design);
    }
    if let Some(second) = &manifest.second_reviews {
        print_second_reviews(manifest, second);
    }
    for shortfall in &manifest.shortfall {
        if shortfall.sample_missing > 0 || shortfall.reserves_missing > 0 {
            eprintln!(
                "SHORTFALL: {} got {} fewer searches and {} fewer reserves than asked: their pool has too few eligible searches this month.",
                visible(&shortfall.champion), shortfall.sample_missing, shortfall.reserves_missing
            );
        }
        if shortfall.minority_missing > 0 || shortfall.minority_reserves_missing > 0 {
            eprintln!(
                "SHORTFALL (minority stratum): {} got {} fewer minority-ethnic searches and {} fewer minority-ethnic reserves than asked: too few in their pool this month; the rest stratum made up the numbers.",
                visible(&shortfall.champion), shortfall.minority_missing, shortfall.minority_reserves_missing
            );
        }
    }
}

/// The strata the report will weight by, and what falls outside them.
fn print_design(manifest: &grounds::sample::Manifest, design: &grounds::sample::DrawDesign) {
    if let Some(k) = manifest.minority_per_champion {
        println!(
            "Stratified draw ({}): {k} of each champion's {} searches from the minority-ethnic stratum.",
            manifest.algorithm, manifest.parameters.per_champion
        );
    }
    let strata: Vec<String> = design
        .strata
        .iter()
        .map(|s| {
            let area = s
                .area
                .as_deref()
                .map(|a| format!("{}, ", visible(a)))
                .unwrap_or_default();
            format!(
                "{area}{} {} searches ({} drawn)",
                s.group.label(),
                s.population,
                s.dealt
            )
        })
        .collect();
    println!("Strata: {}.", strata.join("; "));
    if design.no_suspicion > 0 {
        println!(
            "{} searches were under a power that needs no reasonable grounds (section 60, 47A, ...): they may be drawn for their conduct, but are outside every grounds figure.",
            design.no_suspicion
        );
    }
    if design.coverage_gap > 0 {
        eprintln!(
            "COVERAGE GAP: {} searches could not go to any champion (the only champion of their area is the officer, or no champion covers the area); reports state this.",
            design.coverage_gap
        );
    }
}

/// Who reviews whose searches a second time, and what left its area.
fn print_second_reviews(
    manifest: &grounds::sample::Manifest,
    second: &grounds::sample::SecondReviews,
) {
    println!(
        "Second reviews: {} search(es), {} of each champion's (their best-ranked) dealt again, blind, to another champion \
         (listed after their own searches in their worksheet). Only the first review counts in the figures.",
        second.reviews.len(),
        second.per_champion
    );
    let lone = grounds::sample::areas_with_one_champion(&manifest.champions);
    if !lone.is_empty() {
        let names: Vec<String> = lone.iter().map(|a| visible(a).into_owned()).collect();
        println!(
            "Area(s) with a single champion: {}: their second reviews go to a champion outside the area.",
            names.join(", ")
        );
    }
    let outside = second.outside_area();
    if outside > 0 {
        println!(
            "{outside} second review(s) went to a champion outside the search's area: no other champion of the area could take them."
        );
    }
    if !second.unplaced.is_empty() {
        eprintln!(
            "warning: {} search(es) have no second review: no other champion may review them (each other champion is the officer): {}",
            second.unplaced.len(),
            second.unplaced.join(", ")
        );
    }
}
