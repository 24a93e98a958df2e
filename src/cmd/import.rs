//! `grounds import`: store the assessments of filled worksheets, all files
//! together or none.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use grounds::assess::import::{
    awaits_assessment, plan, read_worksheet, Action, Problem, Worksheet,
};
use grounds::store::{self, Provenance, Store};

use super::{DbArg, EXIT_BAD_INPUT};

/// Import filled worksheets: every assessment kept, nothing changed silently.
///
/// Reads the worksheets `grounds sample` wrote, once champions have filled
/// them in, also after a spreadsheet saved them again (byte-order mark, CRLF,
/// a ' before values, columns moved or added, dates as 2026-11-03 or
/// 03/11/2026, the month turned into a date such as Jan-19). Rows with no
/// assessment yet are skipped and counted.
///
/// All files go in together or not at all: every invalid row of every file is
/// reported (file, line, column, reason) and nothing is stored (exit 2).
/// Importing the same worksheet again changes nothing. A changed assessment
/// of an assessed search is refused unless --amend, which stores it as a new
/// version and keeps the old one (see `grounds history`).
///
/// Example: grounds import worksheets/2019-01/*.csv
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Filled worksheet CSV file(s).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// Store changed assessments of already assessed searches as new versions
    /// (the previous version is kept, with who recorded it and when).
    #[arg(long)]
    pub amend: bool,

    /// Mark everything imported as simulated data (for `grounds demo`).
    #[arg(long, hide = true)]
    pub simulated: bool,

    #[command(flatten)]
    pub db: DbArg,
}

/// Counts for one file.
#[derive(Default)]
struct FileCounts {
    new: usize,
    amended: usize,
    unchanged: usize,
    not_assessed: usize,
    not_in_review: usize,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let sheets: Vec<Worksheet> = args.files.iter().map(|p| read_worksheet(p)).collect();
    let mut problems: Vec<Problem> = sheets.iter().flat_map(|s| s.problems.clone()).collect();
    let rows: Vec<_> = sheets.iter().flat_map(|s| s.rows.clone()).collect();

    let mut store = Store::open(&args.db.db)?;
    let tx = store.begin()?;
    let months: BTreeSet<&str> = rows
        .iter()
        .map(|r| r.month.as_str())
        .chain(
            sheets
                .iter()
                .flat_map(|s| s.empty.iter().map(|(m, _)| m.as_str())),
        )
        .collect();
    let mut draws = HashMap::new();
    for month in months {
        if let Some(targets) = tx.draw_targets(month, None)? {
            draws.insert(month.to_string(), targets);
        }
    }
    let (planned, refused) = plan(&rows, &draws, args.amend);
    problems.extend(refused);
    if !problems.is_empty() {
        drop(tx);
        return Ok(report_problems(&args.files, problems));
    }

    let storing = planned
        .iter()
        .filter(|p| p.action != Action::Unchanged)
        .count();
    if storing > 0 {
        // Printed inside the transaction: a large import takes a moment, and
        // the kill test (tests/all/reliability_cli.rs) strikes on this line.
        println!(
            "Recording {storing} assessment(s) in {} ...",
            args.db.db.display()
        );
    }
    let recorded_by = store::current_user();
    let recorded_at = store::now();
    let sources: HashMap<&str, String> = sheets
        .iter()
        .map(|s| (s.file.as_str(), source_of(&s.file, args.simulated)))
        .collect();
    let mut counts: HashMap<&str, FileCounts> = HashMap::new();
    for sheet in &sheets {
        let file = counts.entry(&sheet.file).or_default();
        for (month, record_id) in &sheet.empty {
            if awaits_assessment(&draws, month, record_id) {
                file.not_assessed += 1;
            } else {
                file.not_in_review += 1;
            }
        }
    }
    for step in &planned {
        let row = &rows[step.row];
        let file = counts.entry(&row.file).or_default();
        match step.action {
            Action::Unchanged => {
                file.unchanged += 1;
                continue;
            }
            Action::New => file.new += 1,
            Action::Amend => file.amended += 1,
        }
        let provenance = Provenance {
            source: &sources[row.file.as_str()],
            simulated: args.simulated,
            recorded_by: &recorded_by,
            recorded_at: &recorded_at,
        };
        tx.insert_assessment(step.draw_id, &row.record_id, &row.assessment, &provenance)?;
    }
    if args.simulated {
        tx.set_meta("simulated", "1")?;
    }
    tx.commit()?;

    let total = |f: fn(&FileCounts) -> usize| counts.values().map(f).sum::<usize>();
    println!(
        "Imported {} file(s): {} new, {} amended, {} unchanged, {} not assessed yet (skipped); \
         {} row(s) not for review (reserves not in use, replaced searches).",
        sheets.len(),
        total(|c| c.new),
        total(|c| c.amended),
        total(|c| c.unchanged),
        total(|c| c.not_assessed),
        total(|c| c.not_in_review)
    );
    if sheets.len() > 1 {
        for sheet in &sheets {
            let c = &counts[sheet.file.as_str()];
            println!(
                "  {}: {} new, {} amended, {} unchanged, {} not assessed yet, {} not for review",
                sheet.file, c.new, c.amended, c.unchanged, c.not_assessed, c.not_in_review
            );
        }
    }
    println!("See who is done: grounds status");
    Ok(ExitCode::SUCCESS)
}

/// `import:NAME.csv`: the file name, not the path, which says nothing more
/// and may hold a person's home folder.
fn source_of(file: &str, simulated: bool) -> String {
    if simulated {
        return "simulated".to_string();
    }
    let name = Path::new(file)
        .file_name()
        .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned());
    format!("import:{name}")
}

fn report_problems(files: &[PathBuf], mut problems: Vec<Problem>) -> ExitCode {
    let order: HashMap<String, usize> = files
        .iter()
        .enumerate()
        .map(|(i, p)| (p.display().to_string(), i))
        .collect();
    problems.sort_by_key(|p| (order.get(&p.file).copied(), p.line));
    for problem in &problems {
        eprintln!("{problem}");
    }
    let files_with: BTreeSet<&str> = problems.iter().map(|p| p.file.as_str()).collect();
    eprintln!(
        "error: {} problem(s) in {} file(s); nothing was imported. Correct them and import all the files again.",
        problems.len(),
        files_with.len()
    );
    ExitCode::from(EXIT_BAD_INPUT)
}
