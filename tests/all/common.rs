//! Shared helpers for the CLI tests.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// The `grounds` binary under test, with no workspace from the environment.
pub fn grounds() -> Command {
    let mut cmd = Command::cargo_bin("grounds").expect("the grounds binary is built");
    cmd.env_remove("GROUNDS_DB")
        .env("GROUNDS_USER", "test-runner");
    cmd
}

/// A file in the project's test data (`tests/data`).
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A real data.police.uk export, unmodified (`tests/data/realdata`, see its SOURCES.md).
pub fn real(name: &str) -> PathBuf {
    data("realdata").join(name)
}

/// A file the project ships (`data/`).
pub fn shipped(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name)
}

pub const KENT_JAN: &str = "2019-01-kent-stop-and-search.csv";
pub const KENT_FEB: &str = "2019-02-kent-stop-and-search.csv";
pub const CITY_JAN: &str = "2019-01-city-of-london-stop-and-search.csv";
pub const CITY_FEB: &str = "2019-02-city-of-london-stop-and-search.csv";

/// A temporary folder to run commands in: the workspace is `grounds.db` and
/// worksheets go to `worksheets/` inside it, the defaults.
pub struct Workspace {
    pub dir: TempDir,
}

impl Workspace {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn db(&self) -> PathBuf {
        self.path("grounds.db")
    }

    /// `grounds` run inside the workspace folder.
    pub fn grounds(&self) -> Command {
        let mut cmd = grounds();
        cmd.current_dir(self.dir.path());
        cmd
    }

    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, contents).unwrap();
        path
    }

    /// A champions file with these names.
    pub fn champions(&self, names: &[&str]) -> PathBuf {
        self.write("champions.csv", format!("champion\n{}\n", names.join("\n")))
    }

    pub fn manifest_text(&self, month: &str) -> String {
        fs::read_to_string(self.path(&format!("worksheets/{month}/manifest.json")))
            .expect("a manifest")
    }

    pub fn manifest(&self, month: &str) -> serde_json::Value {
        serde_json::from_str(&self.manifest_text(month)).expect("manifest JSON")
    }

    /// Every file under the workspace folder, relative, sorted.
    pub fn files(&self) -> Vec<String> {
        let mut found = Vec::new();
        let mut stack = vec![self.dir.path().to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    found.push(
                        path.strip_prefix(self.dir.path())
                            .unwrap()
                            .display()
                            .to_string(),
                    );
                }
            }
        }
        found.sort();
        found
    }

    /// Draws `month` from `exports` for `champions` with `seed`; asserts
    /// success. The worksheets are CSV, which these tests read and fill as
    /// text, unless `extra` asks for `--worksheet-format xlsx`.
    pub fn sample(&self, exports: &[PathBuf], month: &str, seed: &str, extra: &[&str]) -> String {
        let mut cmd = self.grounds();
        cmd.arg("sample");
        if !extra.contains(&"--worksheet-format") {
            cmd.args(["--worksheet-format", "csv"]);
        }
        cmd.arg("--export")
            .args(exports)
            .args(["--month", month, "--champions"]);
        cmd.arg(self.path("champions.csv"))
            .args(["--seed", seed])
            .args(extra);
        let output = cmd.output().unwrap();
        assert!(
            output.status.success(),
            "sample failed: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }
}

/// The string values of a JSON array.
pub fn strings(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| v.as_str().expect("a string").to_string())
        .collect()
}
