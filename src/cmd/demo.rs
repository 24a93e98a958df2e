//! `grounds demo`: the whole monthly cycle on shipped real data, with
//! simulated assessments, in a fresh workspace.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use rand::rngs::StdRng;
use rand::SeedableRng;

use grounds::workflow::{
    draw_month, fill_workbooks, import_worksheets, progress, substitute as bring_in_reserve,
    verify_draw, DrawOptions, ImportOptions, ImportOutcome, ReportRequest, SubstituteRequest,
    Workspace,
};

use super::{import, report, sample, status, substitute, verify};

const KENT_JANUARY: &[u8] = include_bytes!("../../data/2019-01-kent-stop-and-search.csv");
const KENT_FEBRUARY: &[u8] = include_bytes!("../../data/2019-02-kent-stop-and-search.csv");
const CHAMPIONS: &[u8] = include_bytes!("../../data/champions.csv");
const JANUARY_FILE: &str = "2019-01-kent-stop-and-search.csv";
const FEBRUARY_FILE: &str = "2019-02-kent-stop-and-search.csv";

/// The seed the demo draws with: printed, so anyone can re-run and verify it.
pub const DEMO_SEED: &str = "grounds-demo-2019-01";
/// Each champion's first searches also reviewed, blind, by the next champion.
const DEMO_SECOND_REVIEWS: u32 = 2;
/// The seed of the simulated assessments, so the demo's output is stable.
const SIMULATION_SEED: u64 = 201_901;

/// See the whole monthly cycle work on real data, with SIMULATED assessments.
///
/// In a fresh folder (a new one under the system's temporary folder, or
/// --dir), draws January 2019's sample for five example champions from real
/// Kent Police data (data.police.uk, Open Government Licence v3.0) with a
/// fixed seed (2 of each champion's searches also dealt, blind, to the
/// next champion: --second-review 2), fills the .xlsx worksheets with
/// clearly labelled SIMULATED assessments, imports them, shows the status, prints the report, writes
/// the HTML report to DIR/report.html, verifies the draw, and prints the
/// commands a real coordinator runs next month.
///
/// Example: grounds demo --dir /tmp/grounds-demo
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// An empty (or new) folder for the demo's workspace and files.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let dir = match args.dir {
        Some(dir) => dir,
        None => std::env::temp_dir().join(format!(
            "grounds-demo-{}",
            chrono::Utc::now().format("%Y%m%d-%H%M%S")
        )),
    };
    grounds::outputs::Protected::of_workspace(&grounds::outputs::default_workspace())
        .check(&dir)?;
    prepare(&dir)?;
    let workspace = Workspace::new(dir.join("grounds.db"));
    let export = dir.join(JANUARY_FILE);
    let month = "2019-01".parse().map_err(anyhow::Error::msg)?;

    banner("SIMULATED DEMO: real searches (Kent Police, January 2019), made-up assessments");

    step("1. Draw January's sample: 20 searches and 5 reserves per champion, 2 of them reviewed twice");
    let mut options = DrawOptions::new(vec![export.clone()], month, dir.join("champions.csv"));
    options.seed = Some(DEMO_SEED.to_string());
    options.out = dir.join("worksheets");
    // A few blind second reviews, so the report has pairs of verdicts to compare.
    options.second_review = DEMO_SECOND_REVIEWS;
    let drawn = draw_month(&workspace, &options, &|_| {})?;
    sample::print_summary(&drawn, &options.exports);

    step("2. A search's footage cannot be found: bring in the champion's first reserve");
    let first = drawn
        .manifest
        .champions
        .first()
        .context("the demo has champions")?;
    let missing = first
        .sample
        .get(2)
        .context("the first champion has a sample")?
        .clone();
    let reserve = first
        .reserves
        .first()
        .context("the first champion has reserves")?
        .clone();
    let replaced = bring_in_reserve(
        &workspace,
        &SubstituteRequest {
            month,
            record_id: missing.clone(),
            reason: "no BWV: camera not activated (SIMULATED)".to_string(),
            footage_missing: true,
        },
    )?;
    substitute::print(&replaced, month);

    step("3. Champions review their searches (here: SIMULATED assessments, seeded)");
    let mut rng = StdRng::seed_from_u64(SIMULATION_SEED);
    let filled = fill_workbooks(&workspace, &drawn, &missing, &reserve, &mut rng)?;
    for (path, filled) in drawn.worksheets.iter().zip(filled) {
        println!(
            "filled {filled} rows of {} with SIMULATED assessments",
            path.display()
        );
    }

    step("4. Import the worksheets");
    let options = ImportOptions {
        amend: false,
        simulated: true,
        allow_date: false,
    };
    let db = workspace.db();
    match import_worksheets(&workspace, &drawn.worksheets, options, &mut |storing| {
        println!("Recording {storing} assessment(s) in {} ...", db.display());
    })? {
        ImportOutcome::Imported(summary) => import::print_summary(&summary),
        ImportOutcome::Refused(problems) => {
            bail!("the demo's own worksheets did not import: {}", problems[0])
        }
    }

    step("5. Who is done");
    status::print_table(&progress(&workspace, Some(month))?);

    step("6. The report");
    let report = ReportRequest::default().resolve(&workspace)?;
    report::output(&report, report::Format::Table, None)?;

    let html = dir.join("report.html");
    step("7. The report for the scrutiny panel: one HTML page");
    report::output(&report, report::Format::Html, Some(&html))?;
    println!("wrote the HTML report to {}", html.display());

    step("8. Anyone can check the draw was not hand-picked");
    let manifest = drawn.manifest_path();
    if verify::print(&verify_draw(&manifest, &[export], &|_| {})?) != ExitCode::SUCCESS {
        bail!("the demo's own draw did not verify");
    }

    step("Where everything is");
    println!("workspace:   {}", db.display());
    println!("worksheets:  {}", drawn.folder.display());
    println!("manifest:    {}", manifest.display());
    println!("HTML report: {}", html.display());
    println!();
    println!("Next month, for real (in {}):", dir.display());
    println!("  grounds sample --export {FEBRUARY_FILE} --month 2019-02 --champions champions.csv");
    println!("  grounds import worksheets/2019-02/*.xlsx");
    println!("  grounds report --format html --out report.html");
    banner("Everything above used SIMULATED assessments: none of it is a real review.");
    Ok(ExitCode::SUCCESS)
}

/// Writes the shipped data into a new or empty folder.
fn prepare(dir: &Path) -> Result<()> {
    if dir.exists()
        && fs::read_dir(dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} is not empty: give the demo a new or empty folder with --dir",
            dir.display()
        );
    }
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (name, bytes) in [
        (JANUARY_FILE, KENT_JANUARY),
        (FEBRUARY_FILE, KENT_FEBRUARY),
        ("champions.csv", CHAMPIONS),
    ] {
        fs::write(dir.join(name), bytes)
            .with_context(|| format!("writing {name} into {}", dir.display()))?;
    }
    Ok(())
}

fn banner(text: &str) {
    let rule = "=".repeat(text.chars().count() + 4);
    println!("{rule}\n= {text} =\n{rule}");
}

fn step(text: &str) {
    println!("\n--- {text}");
}
