//! Importing filled worksheets: every file's assessments stored together in
//! one transaction, or none of them.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Result;

use super::Workspace;
use crate::assess::import::{awaits_assessment, plan, read_worksheet, Action, Problem, Worksheet};
use crate::assess::review_date::implausible_review_date;
use crate::assess::targets::{DrawTargets, Review};
use crate::store::{self, Provenance};

/// How to import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Store changed assessments of assessed searches as new versions.
    pub amend: bool,
    /// Mark everything imported as simulated data (`grounds demo`).
    pub simulated: bool,
    /// Accept review dates after today or before the month drawn.
    pub allow_date: bool,
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
    /// Empty rows of searches already assessed elsewhere (`grounds record`,
    /// another worksheet, an earlier import): nothing is missing.
    pub assessed_elsewhere: usize,
    /// New assessments of searches that had answers saved by `grounds
    /// record`: the import's values are stored; the saved answers stay in
    /// the workspace, marked as used by this assessment.
    pub replaced_saved_answers: usize,
    /// Of `new` and `amended`, blind second reviews (`sample
    /// --second-review`): stored apart, counted in no figure.
    pub second_reviews: usize,
}

impl ImportCounts {
    fn add(&mut self, other: &ImportCounts) {
        self.new += other.new;
        self.amended += other.amended;
        self.unchanged += other.unchanged;
        self.not_assessed += other.not_assessed;
        self.not_in_review += other.not_in_review;
        self.assessed_elsewhere += other.assessed_elsewhere;
        self.replaced_saved_answers += other.replaced_saved_answers;
        self.second_reviews += other.second_reviews;
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
    /// Per file, in the order given (a file given twice is refused).
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
    if let Some(problem) = repeated_file(files) {
        return Ok(ImportOutcome::Refused(vec![problem]));
    }
    let today = chrono::Local::now().date_naive();
    let sheets: Vec<Worksheet> = files.iter().map(|p| read_worksheet(p, today)).collect();
    let mut problems: Vec<Problem> = sheets.iter().flat_map(|s| s.problems.clone()).collect();
    let rows: Vec<_> = sheets.iter().flat_map(|s| s.rows.clone()).collect();
    if !options.allow_date {
        problems.extend(rows.iter().filter_map(|row| {
            let month = row.month.parse().ok()?;
            let why = implausible_review_date(row.assessment.reviewed_on, month, today)?;
            Some(Problem {
                file: row.file.clone(),
                line: Some(row.line),
                column: Some("reviewed_on".to_string()),
                reason: why,
            })
        }));
    }

    let mut store = workspace.open()?;
    let tx = store.begin()?;
    let months: BTreeSet<&str> = rows
        .iter()
        .map(|r| r.month.as_str())
        .chain(
            sheets
                .iter()
                .flat_map(|s| s.empty.iter().map(|(m, _, _)| m.as_str())),
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
    let assessed_here: HashSet<(&str, &str, Review)> = planned
        .iter()
        .map(|p| {
            let row = &rows[p.row];
            (row.month.as_str(), row.record_id.as_str(), p.review)
        })
        .collect();
    for sheet in &sheets {
        let file = counts.entry(&sheet.file).or_default();
        for (month, record_id, champion) in &sheet.empty {
            let review = review_of(&draws, month, record_id, champion);
            if !awaits_assessment(&draws, month, record_id) {
                file.not_in_review += 1;
            } else if is_assessed(&draws, month, record_id, review)
                || assessed_here.contains(&(month.as_str(), record_id.as_str(), review))
            {
                file.assessed_elsewhere += 1;
            } else {
                file.not_assessed += 1;
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
            Action::New => {
                file.new += 1;
                if !tx
                    .draft_answers(step.draw_id, &row.record_id, step.review)?
                    .is_empty()
                {
                    file.replaced_saved_answers += 1;
                }
            }
            Action::Amend => file.amended += 1,
        }
        if step.review == Review::Second {
            file.second_reviews += 1;
        }
        let provenance = Provenance {
            source: &sources[row.file.as_str()],
            simulated: options.simulated,
            recorded_by: &recorded_by,
            recorded_at: &recorded_at,
        };
        tx.insert_assessment(
            step.draw_id,
            &row.record_id,
            step.review,
            &row.assessment,
            &provenance,
        )?;
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

/// Whether the empty row's review (first or second) already has an
/// assessment stored.
fn is_assessed(
    draws: &HashMap<String, DrawTargets>,
    month: &str,
    record_id: &str,
    review: Review,
) -> bool {
    draws
        .get(month)
        .and_then(|d| match review {
            Review::First => d.targets.get(record_id),
            Review::Second => d.second.get(record_id),
        })
        .is_some_and(|t| t.current.is_some())
}

/// An empty row in the worksheet of its search's second champion is a
/// second review still to do.
fn review_of(
    draws: &HashMap<String, DrawTargets>,
    month: &str,
    record_id: &str,
    champion: &str,
) -> Review {
    draws
        .get(month)
        .and_then(|d| d.assessable_review(record_id, champion).ok())
        .map_or(Review::First, |(review, _)| review)
}

/// The same worksheet named twice (by any path) would count its rows twice:
/// refused, naming both.
fn repeated_file(files: &[PathBuf]) -> Option<Problem> {
    let mut seen: HashMap<PathBuf, &PathBuf> = HashMap::new();
    for file in files {
        let key = file.canonicalize().unwrap_or_else(|_| file.clone());
        if let Some(first) = seen.insert(key, file) {
            return Some(Problem {
                file: file.display().to_string(),
                line: None,
                column: None,
                reason: format!(
                    "is the same file as {}, given earlier: give each worksheet once",
                    first.display()
                ),
            });
        }
    }
    None
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
