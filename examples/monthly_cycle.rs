//! The monthly cycle through the library API alone, no command line:
//! draw January 2019's sample from the shipped Kent export, replace a search
//! whose footage is missing, fill the worksheets with SIMULATED assessments
//! (all but one search), import them, record the last search in a review
//! session, check progress, verify the draw and build the report.
//!
//! Run it with `cargo run --example monthly_cycle [-- DIR]` (default: a new
//! temporary folder). `cargo test` builds it, and tests/all runs its
//! `run_cycle` on the same data.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rand::rngs::StdRng;
use rand::SeedableRng;

use grounds::assess::fields::Field;
use grounds::report::{render, Report};
use grounds::workflow::{
    draw_month, fill_workbooks, import_worksheets, progress, substitute, verify_draw, DrawOptions,
    ImportOptions, ImportOutcome, Prompt, ReportRequest, ReviewOptions, ReviewSession, SearchShown,
    SubstituteRequest, Workspace,
};

/// What the cycle came to.
#[allow(dead_code)] // read by the test in tests/all, printed by main
pub struct CycleSummary {
    pub worksheets: Vec<PathBuf>,
    pub imported: usize,
    pub recorded: usize,
    pub complete: bool,
    pub verified: bool,
    pub report: Report,
}

/// A review session needs someone to ask; here every field is given up
/// front, so nobody is asked.
struct NobodyToAsk;

impl Prompt for NobodyToAsk {
    fn show(&mut self, _search: &SearchShown) -> Result<()> {
        Ok(())
    }

    fn ask(&mut self, field: Field, _default: Option<&str>) -> Result<Option<String>> {
        bail!("nobody to ask for {field}")
    }
}

/// Runs the cycle in `dir` (a new or empty folder) on the exports and the
/// champions file in `data`.
pub fn run_cycle(dir: &Path, data: &Path) -> Result<CycleSummary> {
    let workspace = Workspace::new(dir.join("grounds.db"));
    let month = "2019-01".parse().map_err(anyhow::Error::msg)?;
    let export = data.join("2019-01-kent-stop-and-search.csv");

    // 1. The draw: a manifest and one worksheet per champion.
    let mut options = DrawOptions::new(vec![export.clone()], month, data.join("champions.csv"));
    options.seed = Some("monthly-cycle-example".to_string());
    options.out = dir.join("worksheets");
    let drawn = draw_month(&workspace, &options, &|_| {})?;
    let first = drawn.manifest.champions.first().context("no champions")?;

    // 2. One search's footage is missing: the first reserve comes in.
    let missing = first.sample.first().context("no sample")?.clone();
    let replaced = substitute(
        &workspace,
        &SubstituteRequest {
            month,
            record_id: missing.clone(),
            reason: "no BWV (SIMULATED)".to_string(),
            footage_missing: true,
        },
    )?;
    let reserve = replaced.substitution.replacement_id;

    // 3. Champions fill their worksheets (here: simulated, seeded); the
    //    reserve is left for the review session below.
    let mut rng = StdRng::seed_from_u64(2019);
    fill_workbooks(&workspace, &drawn, &missing, "", &mut rng)?;
    let imported = match import_worksheets(
        &workspace,
        &drawn.worksheets,
        ImportOptions {
            amend: false,
            simulated: true,
            allow_date: false,
        },
        &mut |_| {},
    )? {
        ImportOutcome::Imported(summary) => summary.total.new,
        ImportOutcome::Refused(problems) => bail!("import refused: {}", problems[0]),
    };

    // 4. The reserve is recorded in a session, all fields given.
    let given: BTreeMap<Field, String> = [
        (Field::Grounds, "reasonable"),
        (Field::Bwv, "reviewed"),
        (Field::Gowisely, "yes"),
        (Field::Conduct, "good"),
        (Field::Referral, "none"),
        (Field::Reviewer, "SIMULATED"),
        (Field::ReviewedOn, "2019-02-11"),
    ]
    .into_iter()
    .map(|(field, value)| (field, value.to_string()))
    .collect();
    let mut session = ReviewSession::open(
        &workspace,
        ReviewOptions {
            allow_date: false,
            month,
            champion: first.champion.name.clone(),
            record_id: Some(reserve),
            given,
            interactive: false,
            amend: false,
        },
    )?;
    let recorded = session.run(&mut NobodyToAsk, &mut |_| {})?;

    // 5. Who is done, whether the draw verifies, and the report.
    let complete = progress(&workspace, Some(month))?.complete;
    let verified = verify_draw(&drawn.manifest_path(), &[export], &|_| {})?.is_verified();
    let report = ReportRequest::default().resolve(&workspace)?;
    Ok(CycleSummary {
        worksheets: drawn.worksheets,
        imported,
        recorded,
        complete,
        verified,
        report,
    })
}

#[allow(dead_code)] // the test in tests/all includes this file without running main
fn main() -> Result<()> {
    let dir = match std::env::args_os().nth(1) {
        Some(dir) => PathBuf::from(dir),
        None => std::env::temp_dir().join(format!("grounds-example-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir)?;
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let summary = run_cycle(&dir, &data)?;
    println!(
        "{} worksheets; {} assessments imported, {} recorded; complete: {}; verified: {}",
        summary.worksheets.len(),
        summary.imported,
        summary.recorded,
        summary.complete,
        summary.verified
    );
    print!("{}", render::markdown::render(&summary.report));
    println!("(SIMULATED assessments; files in {})", dir.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_runs_the_whole_cycle_through_the_library() {
        let dir = tempfile::tempdir().unwrap();
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let summary = run_cycle(dir.path(), &data).unwrap();
        let champions = summary.worksheets.len();
        assert!(champions > 0);
        // Every sampled search but the replaced one, from the worksheets.
        assert_eq!(summary.imported, champions * 20 - 1);
        assert_eq!(summary.recorded, 1);
        assert!(summary.complete);
        assert!(summary.verified);
        assert!(summary.report.simulated);
        let overall = &summary.report.overall;
        assert_eq!(
            (overall.assessed + overall.insufficient_info) as usize,
            champions * 20
        );
    }
}
