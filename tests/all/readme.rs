//! Every command in the README's `console` blocks, run in order in a folder
//! holding the shipped data, must succeed: the front door cannot rot.
//!
//! A command starts with `$ ` and continues on lines starting with `> `;
//! other lines are output and ignored. `cargo run --release -- ARGS` runs
//! the binary under test with ARGS (the same program); `cargo test` is the
//! command this test runs under, so it is checked against `.ci/run` instead.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::common::*;

/// The commands of each `console` block, in order.
fn console_blocks(readme: &str) -> Vec<Vec<String>> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in readme.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            match current.take() {
                Some(block) => blocks.push(block),
                None if trimmed == "```console" => current = Some(Vec::new()),
                None => {}
            }
            continue;
        }
        let Some(block) = current.as_mut() else {
            continue;
        };
        if let Some(command) = trimmed.strip_prefix("$ ") {
            block.push(command.to_string());
        } else if let Some(more) = trimmed.strip_prefix("> ") {
            let last = block
                .last_mut()
                .expect("a continuation line follows a command");
            last.push('\n');
            last.push_str(more);
        }
    }
    blocks
}

#[test]
fn every_readme_command_succeeds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let blocks = console_blocks(&readme);
    assert!(
        blocks.len() >= 8,
        "the README's console blocks were not found"
    );

    let ws = Workspace::new();
    for entry in fs::read_dir(root.join("data")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, ws.dir.path().join(path.file_name().unwrap())).unwrap();
    }
    fs::create_dir(ws.path("tmp")).unwrap();
    let binary = assert_cmd::cargo::cargo_bin("grounds");
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );

    let mut ran = 0;
    for block in &blocks {
        let mut script = String::from("set -e\n");
        for command in block {
            if command == "cargo test" {
                let ci = fs::read_to_string(root.join(".ci/run")).unwrap();
                assert!(
                    ci.lines().any(|l| l.trim() == "cargo test"),
                    ".ci/run must run the README's test command"
                );
                continue;
            }
            let command = match command.strip_prefix("cargo run --release -- ") {
                Some(args) => format!("grounds {args}"),
                None => command.clone(),
            };
            script.push_str(&command);
            script.push('\n');
            ran += 1;
        }
        let output = Command::new("sh")
            .arg("-c")
            .arg(&script)
            .current_dir(ws.dir.path())
            .env("PATH", &path)
            .env("TMPDIR", ws.path("tmp"))
            .env("GROUNDS_USER", "readme-test")
            .env_remove("GROUNDS_DB")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "README block failed:\n{script}\n--- stdout\n{}\n--- stderr\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert!(ran >= 15, "only {ran} README commands ran");
}

#[test]
fn console_blocks_are_parsed_with_continuations() {
    let blocks = console_blocks("text\n```console\n$ a\n> b\noutput\n$ c\n```\n```sh\n$ no\n```\n  ```console\n  $ d\n  ```\n");
    assert_eq!(
        blocks,
        vec![
            vec!["a\nb".to_string(), "c".to_string()],
            vec!["d".to_string()]
        ]
    );
}
