//! Shared helpers for the CLI tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The `grounds` binary under test.
pub fn grounds() -> Command {
    let mut cmd = Command::cargo_bin("grounds").expect("the grounds binary is built");
    cmd.env_remove("GROUNDS_DB");
    cmd
}

/// A file in the project's test data.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}
