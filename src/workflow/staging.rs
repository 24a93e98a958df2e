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

    /// Moves any old folder aside, renames the staging folder into place and
    /// runs `commit`; if the commit fails, puts everything back.
    pub(super) fn publish(
        mut self,
        target: &Path,
        aside: Option<&Path>,
        commit: impl FnOnce() -> Result<()>,
    ) -> Result<()> {
        if let Some(aside) = aside {
            fs::rename(target, aside)
                .with_context(|| format!("moving {} aside", target.display()))?;
        }
        if let Err(err) = fs::rename(&self.path, target) {
            if let Some(aside) = aside {
                let _ = fs::rename(aside, target);
            }
            return Err(err).with_context(|| format!("creating {}", target.display()));
        }
        if let Err(err) = commit() {
            let _ = fs::rename(target, &self.path);
            if let Some(aside) = aside {
                let _ = fs::rename(aside, target);
            }
            return Err(err);
        }
        self.published = true;
        Ok(())
    }
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
    fn a_failed_commit_puts_the_old_folder_back_and_leaves_no_staging() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("2019-01");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("old.csv"), "old").unwrap();
        let staging = Staging::new(dir.path(), "2019-01").unwrap();
        let staged = staging.path.clone();
        fs::write(staged.join("new.csv"), "new").unwrap();
        let aside = dir.path().join("2019-01.aside");
        let err = staging
            .publish(&target, Some(&aside), || anyhow::bail!("disk full"))
            .unwrap_err();
        assert_eq!(err.to_string(), "disk full");
        assert!(target.join("old.csv").exists());
        assert!(!target.join("new.csv").exists());
        assert!(!aside.exists());
        assert!(!staged.exists(), "the staging folder is removed on drop");
    }

    #[test]
    fn a_commit_publishes_the_staged_folder() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("2019-01");
        let staging = Staging::new(dir.path(), "2019-01").unwrap();
        fs::write(staging.path.join("new.csv"), "new").unwrap();
        staging.publish(&target, None, || Ok(())).unwrap();
        assert_eq!(fs::read_to_string(target.join("new.csv")).unwrap(), "new");
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only the published folder remains");
    }
}
