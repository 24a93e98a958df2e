//! A hidden folder a draw is written into first, so a failure leaves no
//! half-written worksheets; published by renaming, or removed on drop.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

pub(super) struct Staging {
    pub(super) path: PathBuf,
    published: bool,
}

impl Staging {
    pub(super) fn new(out: &Path, month: &str) -> Result<Self> {
        fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
        let path = out.join(format!(".{month}.partial-{}", std::process::id()));
        if path.exists() {
            fs::remove_dir_all(&path)
                .with_context(|| format!("removing stale {}", path.display()))?;
        }
        fs::create_dir(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Self {
            path,
            published: false,
        })
    }

    /// Keeps the staged folder even if publishing fails: once the workspace
    /// has committed the draw, these worksheets are the draw's, and the next
    /// `sample` finishes the publish (see [`finish_interrupted`]).
    pub(super) fn keep(&mut self) {
        self.published = true;
    }

    /// Moves any old folder aside and renames the staging folder into place;
    /// if the rename fails, puts the old folder back.
    pub(super) fn publish(mut self, target: &Path, aside: Option<&Path>) -> Result<()> {
        self.keep();
        rename_into_place(&self.path, target, aside)
    }
}

fn rename_into_place(staged: &Path, target: &Path, aside: Option<&Path>) -> Result<()> {
    if let Some(aside) = aside {
        fs::rename(target, aside).with_context(|| format!("moving {} aside", target.display()))?;
    }
    if let Err(err) = fs::rename(staged, target) {
        if let Some(aside) = aside {
            let _ = fs::rename(aside, target);
        }
        return Err(err).with_context(|| format!("creating {}", target.display()));
    }
    Ok(())
}

/// What [`finish_interrupted`] did with the staged folders it found.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Leftovers {
    /// A folder whose draw the workspace had committed, now put in place.
    pub(super) published: Option<PathBuf>,
    /// Folders of draws that were never committed, removed.
    pub(super) removed: Vec<PathBuf>,
}

/// Finishes what a `sample` stopped between its commit and its publish left
/// (the draw is committed first, then its folder renamed into place): a
/// staged folder of `month` whose manifest is the committed draw's
/// (`committed_sha256`) is published, moving any older folder aside; staged
/// folders of draws that were never committed are removed. Folders of a
/// `sample` still running (its process alive) are left alone.
pub(super) fn finish_interrupted(
    out: &Path,
    month: &str,
    committed_sha256: Option<&str>,
    aside: &Path,
) -> Result<Leftovers> {
    let mut leftovers = Leftovers::default();
    let Ok(entries) = fs::read_dir(out) else {
        return Ok(leftovers);
    };
    let prefix = format!(".{month}.partial-");
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(&prefix) else {
            continue;
        };
        if pid != std::process::id().to_string() && process_alive(pid) {
            continue;
        }
        let staged = entry.path();
        let manifest = fs::read(staged.join("manifest.json")).ok();
        let sha = manifest.map(|bytes| {
            crate::hashing::hex(
                &crate::hashing::sha256_reader(bytes.as_slice()).map_or([0; 32], |d| d.0),
            )
        });
        if sha.is_some() && sha.as_deref() == committed_sha256 && leftovers.published.is_none() {
            let target = out.join(month);
            let aside = target.exists().then_some(aside);
            rename_into_place(&staged, &target, aside)?;
            leftovers.published = Some(target);
        } else {
            fs::remove_dir_all(&staged)
                .with_context(|| format!("removing the stale {}", staged.display()))?;
            leftovers.removed.push(staged);
        }
    }
    Ok(leftovers)
}

/// Whether the process that staged a folder may still be writing it. Where
/// there is no /proc to ask, assume it may.
fn process_alive(pid: &str) -> bool {
    let proc = Path::new("/proc");
    !proc.exists() || proc.join(pid).exists()
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draw_that_fails_before_its_commit_leaves_no_staging() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::new(dir.path(), "2019-01").unwrap();
        let staged = staging.path.clone();
        fs::write(staged.join("new.csv"), "new").unwrap();
        drop(staging);
        assert!(!staged.exists(), "the staging folder is removed on drop");
    }

    #[test]
    fn a_committed_draw_keeps_its_staged_folder_until_published() {
        let dir = tempfile::tempdir().unwrap();
        let mut staging = Staging::new(dir.path(), "2019-01").unwrap();
        let staged = staging.path.clone();
        staging.keep();
        drop(staging);
        assert!(
            staged.exists(),
            "a committed draw's worksheets are never deleted"
        );
    }

    fn stage(dir: &Path, pid: &str, manifest: &str) -> PathBuf {
        let staged = dir.join(format!(".2019-01.partial-{pid}"));
        fs::create_dir(&staged).unwrap();
        fs::write(staged.join("manifest.json"), manifest).unwrap();
        staged
    }

    fn sha(text: &str) -> String {
        crate::hashing::hex(&crate::hashing::sha256_reader(text.as_bytes()).unwrap().0)
    }

    #[test]
    fn an_interrupted_publish_is_finished_and_stale_folders_go() {
        let dir = tempfile::tempdir().unwrap();
        // A process id that cannot be running: above Linux's pid_max.
        let committed = stage(dir.path(), "4194305", "{\"draw\": \"committed\"}");
        let stale = stage(dir.path(), "4194306", "{\"draw\": \"never committed\"}");
        let target = dir.path().join("2019-01");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("old.csv"), "old").unwrap();
        let aside = dir.path().join("2019-01.superseded");
        let done = finish_interrupted(
            dir.path(),
            "2019-01",
            Some(&sha("{\"draw\": \"committed\"}")),
            &aside,
        )
        .unwrap();
        assert_eq!(done.published.as_deref(), Some(target.as_path()));
        assert_eq!(done.removed, vec![stale.clone()]);
        assert!(!committed.exists() && !stale.exists());
        assert!(target.join("manifest.json").exists());
        assert!(
            aside.join("old.csv").exists(),
            "the older folder is kept aside"
        );
    }

    #[test]
    fn a_folder_still_being_staged_by_a_live_process_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        // pid 1 is always alive on Linux.
        let live = stage(dir.path(), "1", "{}");
        let done = finish_interrupted(dir.path(), "2019-01", None, &dir.path().join("x")).unwrap();
        if Path::new("/proc/1").exists() {
            assert!(live.exists());
            assert_eq!(done, Leftovers::default());
        }
    }

    #[test]
    fn a_commit_publishes_the_staged_folder() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("2019-01");
        let staging = Staging::new(dir.path(), "2019-01").unwrap();
        fs::write(staging.path.join("new.csv"), "new").unwrap();
        staging.publish(&target, None).unwrap();
        assert_eq!(fs::read_to_string(target.join("new.csv")).unwrap(), "new");
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only the published folder remains");
    }
}
