//! The files of an extension: worksheets staged beside the draw's folder
//! (new, re-issued, or added rows beside an edited one), then moved in
//! once the workspace has committed; an interrupted move is finished by
//! the next `sample --extend`.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use csv::StringRecord;

use super::extend::WorksheetChange;
use super::worksheets::{workbook_content, write_worksheets};
use crate::assess::workbook::write_workbook;
use crate::assess::worksheet::{write_worksheet, WorksheetFormat, WorksheetRow};
use crate::export::MonthScan;
use crate::hashing::sha256_file;
use crate::sample::{ChampionDraw, Manifest};
use crate::spreadsheet::safe_file_stems;

pub(super) const MANIFEST: &str = "manifest.json";
/// Inside a staging folder: worksheets written only to compare or copy.
const SCRATCH: &str = ".scratch";

/// Stages the worksheets to put in the draw's folder, under their final
/// names; returns what happens to each champion's.
pub(super) fn stage_worksheets(
    staging: &Path,
    folder: &Path,
    previous: &Manifest,
    manifest: &Manifest,
    scan: &MonthScan,
    drawn: &HashMap<String, StringRecord>,
) -> Result<Vec<WorksheetChange>> {
    let format = manifest.parameters.worksheet_format;
    let scratch = staging.join(SCRATCH);
    let full = scratch.join("full");
    let before = scratch.join("before");
    for dir in [&full, &before] {
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let publish = |name: &str| {
        fs::rename(full.join(name), staging.join(name))
            .with_context(|| format!("staging {name} in {}", staging.display()))
    };
    let names = write_worksheets(&full, manifest, &scan.header, drawn, scan.columns.date)?;
    // What grounds wrote before this extension: a worksheet still so is
    // re-issued; one that differs was edited and is left alone.
    let before_names = write_worksheets(&before, previous, &scan.header, drawn, scan.columns.date)?;
    let stems = safe_file_stems(manifest.champions.iter().map(|c| c.champion.name.as_str()));
    let number = manifest.extensions.len();
    let mut changes = Vec::new();
    for (i, (draw, name)) in manifest.champions.iter().zip(&names).enumerate() {
        let target = folder.join(name);
        let Some(old) = previous.champions.get(i) else {
            publish(name)?;
            changes.push(WorksheetChange::New(target));
            continue;
        };
        if old.sample.len() == draw.sample.len() && old.reserves.len() == draw.reserves.len() {
            changes.push(WorksheetChange::Unchanged(target));
            continue;
        }
        let as_written = before.join(&before_names[i]);
        if !target.exists() || same_content(&target, &as_written, format)? {
            publish(name)?;
            changes.push(WorksheetChange::Reissued(target));
        } else {
            let beside = format!("{}.extension-{number}.{}", stems[i], format.extension());
            write_additions(
                &staging.join(&beside),
                manifest,
                draw,
                old,
                &scan.header,
                drawn,
                scan.columns.date,
            )?;
            changes.push(WorksheetChange::Beside {
                worksheet: target,
                additions: folder.join(beside),
            });
        }
    }
    fs::remove_dir_all(&scratch).with_context(|| format!("removing {}", scratch.display()))?;
    Ok(changes)
}

/// Whether a worksheet is still as grounds wrote it: byte for byte for CSV;
/// cell for cell for a workbook (its file also records when it was saved).
fn same_content(path: &Path, written: &Path, format: WorksheetFormat) -> Result<bool> {
    match format {
        WorksheetFormat::Csv => Ok(fs::read(path)
            .with_context(|| format!("reading {}", path.display()))?
            == fs::read(written).with_context(|| format!("reading {}", written.display()))?),
        WorksheetFormat::Xlsx => {
            // A workbook that cannot be read as one has been changed.
            let (Ok(a), Ok(b)) = (cells(path), cells(written)) else {
                return Ok(false);
            };
            Ok(a == b)
        }
    }
}

type Cells = Vec<(String, Vec<Vec<String>>)>;

/// Every sheet's cells as text.
fn cells(path: &Path) -> Result<Cells> {
    use calamine::Reader;
    let mut workbook = calamine::open_workbook_auto(path)
        .with_context(|| format!("opening {}", path.display()))?;
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook
            .worksheet_range(&name)
            .with_context(|| format!("reading {} of {}", name, path.display()))?;
        let rows = range
            .rows()
            .map(|row| row.iter().map(|cell| cell.to_string()).collect())
            .collect();
        sheets.push((name, rows));
    }
    Ok(sheets)
}

/// A worksheet of only the rows this extension added for one champion, at
/// their positions in the draw.
fn write_additions(
    path: &Path,
    manifest: &Manifest,
    draw: &ChampionDraw,
    old: &ChampionDraw,
    header: &[String],
    drawn: &HashMap<String, StringRecord>,
    date_column: usize,
) -> Result<()> {
    let added: Vec<(&str, usize, &str)> = [
        ("sample", &draw.sample, old.sample.len()),
        ("reserve", &draw.reserves, old.reserves.len()),
    ]
    .into_iter()
    .flat_map(|(role, ids, had)| {
        ids.iter()
            .enumerate()
            .skip(had)
            .map(move |(i, id)| (role, i + 1, id.as_str()))
    })
    .collect();
    let fields = |id: &str| -> Vec<String> {
        drawn
            .get(id)
            .map(|r| r.iter().map(String::from).collect())
            .unwrap_or_default()
    };
    match manifest.parameters.worksheet_format {
        WorksheetFormat::Xlsx => {
            let mut content = workbook_content(manifest, draw, header, date_column, |id, _role| {
                (fields(id), Vec::new())
            });
            content
                .rows
                .retain(|row| added.iter().any(|(_, _, id)| *id == row.record_id));
            write_workbook(path, &content)?;
        }
        WorksheetFormat::Csv => {
            let all_fields: Vec<Vec<String>> = added.iter().map(|(_, _, id)| fields(id)).collect();
            let rows: Vec<WorksheetRow<'_>> = added
                .iter()
                .zip(&all_fields)
                .map(|(&(role, position, record_id), fields)| WorksheetRow {
                    record_id,
                    role,
                    position,
                    fields,
                })
                .collect();
            let file =
                fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
            write_worksheet(
                std::io::BufWriter::new(file),
                &draw.champion.name,
                &manifest.month.to_string(),
                header,
                &rows,
            )
            .with_context(|| format!("writing {}", path.display()))?;
        }
    }
    Ok(())
}

/// A hidden folder the extension's files are written into first, under
/// their final names; removed unless the workspace committed the extension.
pub(super) struct Staged {
    pub(super) path: PathBuf,
    keep: bool,
}

impl Staged {
    pub(super) fn new(out: &Path, month: &str) -> Result<Self> {
        let path = out.join(format!("{}{}", prefix(month), std::process::id()));
        if path.exists() {
            fs::remove_dir_all(&path)
                .with_context(|| format!("removing stale {}", path.display()))?;
        }
        fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Self { path, keep: false })
    }

    /// Moves the staged files into `folder` (see [`publish`]).
    pub(super) fn publish(mut self, folder: &Path) -> Result<()> {
        self.keep = true;
        publish(&self.path, folder)
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

fn prefix(month: &str) -> String {
    format!(".{month}.extend-")
}

/// Moves every file staged in `staged` into `folder`, worksheets first and
/// the manifest last (a folder whose manifest is the extended one has all
/// its worksheets), then removes `staged`.
fn publish(staged: &Path, folder: &Path) -> Result<()> {
    let mut names: Vec<String> = fs::read_dir(staged)
        .with_context(|| format!("reading {}", staged.display()))?
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort_by_key(|name| (name == MANIFEST, name.clone()));
    for name in names {
        let (from, to) = (staged.join(&name), folder.join(&name));
        fs::rename(&from, &to)
            .with_context(|| format!("moving {} to {}", from.display(), to.display()))?;
    }
    fs::remove_dir_all(staged).with_context(|| format!("removing {}", staged.display()))?;
    Ok(())
}

/// Finishes an extension of `month` stopped between its commit and moving
/// its files (its staged manifest is the committed one), and removes the
/// staging of extensions that never committed. Stagings of a `sample
/// --extend` still running are left alone.
pub(super) fn finish_interrupted(out: &Path, month: &str, committed_sha256: &str) -> Result<()> {
    let Ok(entries) = fs::read_dir(out) else {
        return Ok(());
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(&prefix(month)) else {
            continue;
        };
        let proc = Path::new("/proc");
        let alive = !proc.exists() || proc.join(pid).exists();
        if pid != std::process::id().to_string() && alive {
            continue;
        }
        let staged = entry.path();
        let manifest = staged.join(MANIFEST);
        let committed =
            manifest.exists() && sha256_file(&manifest).is_ok_and(|sha| sha == committed_sha256);
        if committed {
            publish(&staged, &out.join(month))?;
        } else {
            fs::remove_dir_all(&staged)
                .with_context(|| format!("removing the stale {}", staged.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha(text: &str) -> String {
        crate::hashing::hex(&crate::hashing::sha256_reader(text.as_bytes()).unwrap().0)
    }

    #[test]
    fn an_interrupted_extension_is_finished_and_a_stale_one_removed() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("2019-01");
        fs::create_dir(&folder).unwrap();
        fs::write(folder.join(MANIFEST), "old").unwrap();
        fs::write(folder.join("A.csv"), "old rows").unwrap();
        // Process ids above Linux's pid_max: not running.
        let committed = dir.path().join(".2019-01.extend-4194305");
        fs::create_dir(&committed).unwrap();
        fs::write(committed.join(MANIFEST), "extended").unwrap();
        fs::write(committed.join("A.csv"), "old and new rows").unwrap();
        let stale = dir.path().join(".2019-01.extend-4194306");
        fs::create_dir(&stale).unwrap();
        fs::write(stale.join(MANIFEST), "never committed").unwrap();

        finish_interrupted(dir.path(), "2019-01", &sha("extended")).unwrap();
        assert_eq!(
            fs::read_to_string(folder.join(MANIFEST)).unwrap(),
            "extended"
        );
        assert_eq!(
            fs::read_to_string(folder.join("A.csv")).unwrap(),
            "old and new rows"
        );
        assert!(!committed.exists() && !stale.exists());
    }

    #[test]
    fn staging_is_removed_unless_committed() {
        let dir = tempfile::tempdir().unwrap();
        let staged = Staged::new(dir.path(), "2019-01").unwrap();
        let path = staged.path.clone();
        fs::write(path.join("A.csv"), "rows").unwrap();
        drop(staged);
        assert!(!path.exists());

        let folder = dir.path().join("2019-01");
        fs::create_dir(&folder).unwrap();
        let staged = Staged::new(dir.path(), "2019-01").unwrap();
        fs::write(staged.path.join("A.csv"), "rows").unwrap();
        fs::write(staged.path.join(MANIFEST), "m").unwrap();
        staged.publish(&folder).unwrap();
        assert_eq!(fs::read_to_string(folder.join("A.csv")).unwrap(), "rows");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
