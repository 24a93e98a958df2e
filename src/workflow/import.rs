//! Importing filled worksheets: every file's assessments stored together in
//! one transaction, or none of them.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::Result;

use super::Workspace;
use crate::assess::import::{awaits_assessment, plan, read_worksheet, Action, Problem, Worksheet};
use crate::store::{self, Provenance};

/// How to import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Store changed assessments of assessed searches as new versions.
    pub amend: bool,
    /// Mark everything imported as simulated data (`grounds demo`).
    pub simulated: bool,
}

/// What an import did with one file's rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub new: usize,
    pub amended: usize,
    pub unchanged: usize,
    /// Empty rows of searches still to assess.
    pub not_assessed: usize,
    /// Empty rows of reserves not in use and searches replaced.
    pub not_in_review: usize,
}

impl ImportCounts {
    fn add(&mut self, other: &ImportCounts) {
        self.new += other.new;
        self.amended += other.amended;
        self.unchanged += other.unchanged;
        self.not_assessed += other.not_assessed;
        self.not_in_review += other.not_in_review;
    }
}

/// One file of an import, as named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileImport {
    pub file: String,
    pub counts: ImportCounts,
}

/// What was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// Per file, in the order given (a file given twice is counted once,
    /// and shown with the same counts each time).
    pub files: Vec<FileImport>,
    pub total: ImportCounts,
}

/// What an import came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    /// Stored (or found unchanged).
    Imported(ImportSummary),
    /// Nothing stored: every problem of every file, in file order, then line.
    Refused(Vec<Problem>),
}

/// Reads the worksheets, checks every row against the draws, and stores the
/// assessments. `on_storing` hears, inside the transaction and before any
/// write, how many assessments are about to be stored (none: not called).
pub fn import_worksheets(
    workspace: &Workspace,
    files: &[PathBuf],
    options: ImportOptions,
    on_storing: &mut dyn FnMut(usize),
) -> Result<ImportOutcome> {
    let sheets: Vec<Worksheet> = files.iter().map(|p| read_worksheet(p)).collect();
    let mut problems: Vec<Problem> = sheets.iter().flat_map(|s| s.problems.clone()).collect();
    let rows: Vec<_> = sheets.iter().flat_map(|s| s.rows.clone()).collect();

    let mut store = workspace.open()?;
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
    let (planned, refused) = plan(&rows, &draws, options.amend);
    problems.extend(refused);
    if !problems.is_empty() {
        return Ok(ImportOutcome::Refused(in_file_order(files, problems)));
    }

    let storing = planned
        .iter()
        .filter(|p| p.action != Action::Unchanged)
        .count();
    if storing > 0 {
        on_storing(storing);
    }
    let recorded_by = store::current_user();
    let recorded_at = store::now();
    let sources: HashMap<&str, String> = sheets
        .iter()
        .map(|s| (s.file.as_str(), source_of(&s.file, options.simulated)))
        .collect();
    let mut counts: HashMap<&str, ImportCounts> = HashMap::new();
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
            simulated: options.simulated,
            recorded_by: &recorded_by,
            recorded_at: &recorded_at,
        };
        tx.insert_assessment(step.draw_id, &row.record_id, &row.assessment, &provenance)?;
    }
    if options.simulated {
        tx.set_meta("simulated", "1")?;
    }
    tx.commit()?;
    let mut total = ImportCounts::default();
    for file in counts.values() {
        total.add(file);
    }
    Ok(ImportOutcome::Imported(ImportSummary {
        files: sheets
            .iter()
            .map(|s| FileImport {
                file: s.file.clone(),
                counts: counts.get(s.file.as_str()).copied().unwrap_or_default(),
            })
            .collect(),
        total,
    }))
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

/// Problems in the order the files were given, then by line.
fn in_file_order(files: &[PathBuf], mut problems: Vec<Problem>) -> Vec<Problem> {
    let order: HashMap<String, usize> = files
        .iter()
        .enumerate()
        .map(|(i, p)| (p.display().to_string(), i))
        .collect();
    problems.sort_by_key(|p| (order.get(&p.file).copied(), p.line));
    problems
}
