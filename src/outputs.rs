//! Files a command writes must never be files the review rests on: the
//! workspace database (and its `-wal`/`-shm`/`-journal` companions), an
//! export a draw was made from, or anything in a draw's folder (manifest and
//! worksheets). `report --out grounds.db` would otherwise replace the
//! workspace with a report, and `synth --out data/` an export with made-up
//! rows. Every command that writes a file asks [`Protected::check`] first.
//!
//! Paths are compared canonicalised, the parent when the file does not exist
//! yet, so `./grounds.db`, `sub/../grounds.db` and a symlink to it are all
//! the workspace. Draw inputs are recorded as given on the command line,
//! which may have been relative to another folder; an existing file with the
//! SHA-256 of a draw input is refused too, wherever it is.

use std::path::{Path, PathBuf};

use crate::hashing::sha256_file;
use crate::store::Store;

/// The environment variable and default the commands use for the workspace.
pub const DEFAULT_WORKSPACE: &str = "grounds.db";

#[derive(Debug, thiserror::Error)]
#[error("refusing to write {target}: it is {what}. Choose another path")]
pub struct ProtectedOutput {
    pub target: String,
    pub what: String,
}

/// The files a command must not overwrite.
#[derive(Debug, Clone, Default)]
pub struct Protected {
    /// Canonical path and what it is, for messages.
    paths: Vec<(PathBuf, String)>,
    /// SHA-256 of draw inputs, with their names.
    input_hashes: Vec<(String, String)>,
}

impl Protected {
    /// The workspace at `db` (whether or not it exists yet) and, when it
    /// exists and can be read, the inputs of all its draws.
    pub fn of_workspace(db: &Path) -> Self {
        let mut protected = Self::default();
        protected.add(db, format!("the workspace database {}", db.display()));
        for suffix in ["-wal", "-shm", "-journal"] {
            let mut companion = db.as_os_str().to_owned();
            companion.push(suffix);
            protected.add(
                Path::new(&companion),
                format!("a file of the workspace database {}", db.display()),
            );
        }
        if db.is_file() {
            // A workspace that cannot be read still has its path protected;
            // the command itself will say what is wrong with it.
            if let Ok(inputs) = draw_inputs(db) {
                let base = db.parent().filter(|p| !p.as_os_str().is_empty());
                for (path, sha256) in inputs {
                    let what = format!("an export a draw was made from ({path})");
                    let given = Path::new(&path);
                    protected.add(given, what.clone());
                    if let (true, Some(base)) = (given.is_relative(), base) {
                        protected.add(&base.join(given), what.clone());
                    }
                    protected.input_hashes.push((sha256, what));
                }
            }
        }
        protected
    }

    /// Also protects `path` (e.g. the exports a draw is being made from).
    pub fn with(mut self, path: &Path, what: impl Into<String>) -> Self {
        self.add(path, what.into());
        self
    }

    fn add(&mut self, path: &Path, what: String) {
        if let Some(canonical) = canonical(path) {
            self.paths.push((canonical, what));
        }
    }

    /// Refuses `target` if it is a protected file, is in a draw's folder,
    /// or has the content of a draw input.
    pub fn check(&self, target: &Path) -> Result<(), ProtectedOutput> {
        let refuse = |what: String| ProtectedOutput {
            target: target.display().to_string(),
            what,
        };
        let Some(canonical) = canonical(target) else {
            return Ok(());
        };
        if let Some((_, what)) = self.paths.iter().find(|(path, _)| *path == canonical) {
            return Err(refuse(what.clone()));
        }
        if let Some(folder) = canonical.parent().filter(|f| is_draw_folder(f)) {
            return Err(refuse(format!(
                "in the draw folder {} (it has a manifest.json): its files are the draw's record",
                folder.display()
            )));
        }
        if is_draw_folder(&canonical) {
            return Err(refuse(
                "a draw folder (it has a manifest.json): its files are the draw's record".into(),
            ));
        }
        if !self.input_hashes.is_empty() && canonical.is_file() {
            if let Ok(sha256) = sha256_file(&canonical) {
                if let Some((_, what)) = self.input_hashes.iter().find(|(h, _)| *h == sha256) {
                    return Err(refuse(format!("a copy of {what}")));
                }
            }
        }
        Ok(())
    }
}

/// The workspace given by `GROUNDS_DB`, or the default: for commands that
/// write files but take no `--db`.
pub fn default_workspace() -> PathBuf {
    std::env::var_os("GROUNDS_DB")
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from(DEFAULT_WORKSPACE), PathBuf::from)
}

fn draw_inputs(db: &Path) -> crate::store::Result<Vec<(String, String)>> {
    let mut store = Store::open_read_only(db)?;
    let tx = store.read()?;
    tx.draw_input_files()
}

fn is_draw_folder(folder: &Path) -> bool {
    folder.join("manifest.json").is_file()
}

/// The path with symlinks and `..` resolved; for a file that does not exist
/// yet, its canonical parent joined with its name (or, when the parent does
/// not exist either, the absolute path).
fn canonical(path: &Path) -> Option<PathBuf> {
    if let Ok(canonical) = path.canonicalize() {
        return Some(canonical);
    }
    let name = path.file_name()?;
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    let parent = match parent {
        Some(parent) => parent
            .canonicalize()
            .or_else(|_| std::path::absolute(parent)),
        None => std::env::current_dir(),
    };
    parent.ok().map(|p| p.join(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_and_its_companions_are_refused_however_spelt() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("grounds.db");
        std::fs::write(&db, b"").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let protected = Protected::of_workspace(&db);
        for target in [
            db.clone(),
            dir.path().join("sub/../grounds.db"),
            dir.path().join("grounds.db-wal"),
            dir.path().join("grounds.db-shm"),
        ] {
            let err = protected.check(&target).unwrap_err();
            assert!(err.to_string().contains("workspace database"), "{err}");
        }
        assert!(protected.check(&dir.path().join("report.html")).is_ok());
        assert!(protected.check(&dir.path().join("new/report.html")).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_to_a_protected_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let export = dir.path().join("jan.csv");
        std::fs::write(&export, b"a,b\n").unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&export, &link).unwrap();
        let protected = Protected::default().with(&export, "an export");
        assert!(protected.check(&link).is_err());
    }

    #[test]
    fn files_in_a_draw_folder_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("2019-01");
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join("manifest.json"), b"{}").unwrap();
        let protected = Protected::default();
        let err = protected.check(&folder.join("Smith.csv")).unwrap_err();
        assert!(err.to_string().contains("draw folder"), "{err}");
        assert!(protected.check(&folder).is_err());
        assert!(protected.check(&dir.path().join("Smith.csv")).is_ok());
    }
}
