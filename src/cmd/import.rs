//! `grounds import`: store the assessments of filled worksheets, all files
//! together or none.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use grounds::assess::import::Problem;
use grounds::workflow::{
    import_worksheets, ImportOptions, ImportOutcome, ImportSummary, Workspace,
};

use super::{DbArg, EXIT_BAD_INPUT};

/// Import filled worksheets: every assessment kept, nothing changed silently.
///
/// Reads the worksheets `grounds sample` wrote (.xlsx, or .csv), once
/// champions have filled them in, also after a spreadsheet saved them again:
/// as .xlsx or .ods (real date cells, extra sheets, blank rows), or as CSV
/// (byte-order mark, CRLF, a ' before values, columns moved or added, dates
/// as 2026-11-03, 03/11/2026 or 03/11/26, the month turned into a date such
/// as Jan-19). Rows with no assessment yet are skipped and counted; so are
/// blank rows of searches already assessed (by `grounds record`, say).
///
/// A review date after today or before the month drawn is refused unless
/// --allow-date. A search with answers saved by `grounds record` but not
/// finished takes the worksheet's values; the saved answers are kept in the
/// workspace, and the summary says how many.
///
/// All files go in together or not at all: every invalid row of every file is
/// reported (file, line, column, reason) and nothing is stored (exit 2). The
/// same file given twice is refused.
/// Importing the same worksheet again changes nothing. A changed assessment
/// of an assessed search is refused unless --amend, which stores it as a new
/// version and keeps the old one (see `grounds history`).
///
/// Example: grounds import worksheets/2019-01/*.xlsx
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Filled worksheet(s): .xlsx, .ods or .csv.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// Store changed assessments of already assessed searches as new versions
    /// (the previous version is kept, with who recorded it and when).
    #[arg(long)]
    pub amend: bool,

    /// Accept review dates after today or before the month drawn (a wrong
    /// clock, a review done early).
    #[arg(long)]
    pub allow_date: bool,

    /// Mark everything imported as simulated data (for `grounds demo`).
    #[arg(long, hide = true)]
    pub simulated: bool,

    #[command(flatten)]
    pub db: DbArg,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let options = ImportOptions {
        amend: args.amend,
        simulated: args.simulated,
        allow_date: args.allow_date,
    };
    let db = &args.db.db;
    let outcome = import_worksheets(&Workspace::new(db), &args.files, options, &mut |storing| {
        // Printed inside the transaction: a large import takes a moment, and
        // the kill test (tests/all/reliability_cli.rs) strikes on this line.
        println!("Recording {storing} assessment(s) in {} ...", db.display());
    })?;
    let summary = match outcome {
        ImportOutcome::Refused(problems) => return Ok(report_problems(&problems)),
        ImportOutcome::Imported(summary) => summary,
    };
    print_summary(&summary);
    Ok(ExitCode::SUCCESS)
}

/// Says what an import stored (also for `grounds demo`).
pub fn print_summary(summary: &ImportSummary) {
    let t = &summary.total;
    println!(
        "Imported {} file(s): {} new, {} amended, {} unchanged, {} not assessed yet (skipped); \
         {} row(s) not for review (reserves not in use, replaced searches).",
        summary.files.len(),
        t.new,
        t.amended,
        t.unchanged,
        t.not_assessed,
        t.not_in_review
    );
    if t.second_reviews > 0 {
        println!(
            "{} of the new or amended rows are blind second reviews: stored apart from the first \
             reviews, which alone count in every figure.",
            t.second_reviews
        );
    }
    if t.assessed_elsewhere > 0 {
        println!(
            "{} blank row(s) are of searches already assessed (by `grounds record` or another worksheet): \
             nothing is missing there.",
            t.assessed_elsewhere
        );
    }
    if t.replaced_saved_answers > 0 {
        println!(
            "{} search(es) had unfinished answers saved by `grounds record`: the worksheet's values were \
             stored; the saved answers stay in the workspace.",
            t.replaced_saved_answers
        );
    }
    if summary.files.len() > 1 {
        for file in &summary.files {
            let c = &file.counts;
            println!(
                "  {}: {} new, {} amended, {} unchanged, {} not assessed yet, {} not for review",
                grounds::display::visible(&file.file),
                c.new,
                c.amended,
                c.unchanged,
                c.not_assessed,
                c.not_in_review
            );
        }
    }
    println!("See who is done: grounds status");
}

fn report_problems(problems: &[Problem]) -> ExitCode {
    for problem in problems {
        eprintln!("{}", grounds::display::visible(&problem.to_string()));
    }
    let files_with: BTreeSet<&str> = problems.iter().map(|p| p.file.as_str()).collect();
    eprintln!(
        "error: {} problem(s) in {} file(s); nothing was imported. Correct them and import all the files again.",
        problems.len(),
        files_with.len()
    );
    ExitCode::from(EXIT_BAD_INPUT)
}
