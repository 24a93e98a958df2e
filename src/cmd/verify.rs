//! `grounds verify`: recompute a draw from the exports and its manifest.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use grounds::export::{scan_month, MonthWindow};
use grounds::hashing::{sha256_file, ALGORITHM};
use grounds::sample::{self, Champion, DrawRequest, Manifest};

use super::{byte_progress, parse_timezone, EXIT_CHECK_FAILED};

/// Check that a draw is exactly what the published algorithm gives: anyone can run this.
///
/// Recomputes the sample from the export file(s) and the manifest alone (no
/// workspace needed). Exit 0 when identical; exit 1 with the differences, or
/// with the input file whose SHA-256 no longer matches; exit 2 on bad input.
///
/// Example: grounds verify worksheets/2019-01/manifest.json --export 2019-01-kent-stop-and-search.csv
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The draw's manifest.json.
    pub manifest: PathBuf,

    /// The export file(s) the draw was made from, in any order.
    #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
    pub export: Vec<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let text = std::fs::read_to_string(&args.manifest)
        .with_context(|| format!("reading {}", args.manifest.display()))?;
    let manifest = Manifest::from_json(&text)
        .with_context(|| format!("{} is not a grounds manifest", args.manifest.display()))?;
    if manifest.algorithm != ALGORITHM {
        bail!(
            "{} uses algorithm {:?}; this grounds knows {ALGORITHM}",
            args.manifest.display(),
            manifest.algorithm
        );
    }
    let zone = parse_timezone(&manifest.timezone)
        .map_err(anyhow::Error::msg)
        .with_context(|| format!("{} names an unknown time zone", args.manifest.display()))?;
    let parameters = manifest.parameters;
    if !(1..=10_000).contains(&parameters.per_champion) || parameters.reserves > 10_000 {
        bail!(
            "{}: per_champion {} or reserves {} is outside what grounds draws (1 to 10,000; 0 to 10,000)",
            args.manifest.display(),
            parameters.per_champion,
            parameters.reserves
        );
    }

    let ordered = match match_inputs(&manifest, &args.export)? {
        Ok(ordered) => ordered,
        Err(problems) => return Ok(fail(&problems)),
    };

    let total_bytes = ordered
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let bar = byte_progress(total_bytes, "reading exports");
    let window = MonthWindow::new(manifest.month, zone, manifest.columns.naive_dates);
    let scan = scan_month(&ordered, &manifest.columns, window, zone, &|bytes| {
        bar.inc(bytes)
    })?;
    bar.finish_and_clear();

    let mut problems = Vec::new();
    if scan.records.len() != manifest.month_records {
        problems.push(format!(
            "the exports have {} searches in {}, the manifest says {}",
            scan.records.len(),
            manifest.month,
            manifest.month_records
        ));
    }
    let excluded: HashSet<String> = manifest.excluded_earlier_draws.iter().cloned().collect();
    if !excluded.is_empty() {
        // Taken from the manifest on trust: say so, so nobody mistakes it for checked.
        println!(
            "Note: {} searches were left out as already drawn in earlier months (listed in the manifest's excluded_earlier_draws); verify those draws' manifests too.",
            excluded.len()
        );
    }
    let (candidates, _) = sample::candidates(&scan, &excluded);
    let champions: Vec<Champion> = manifest
        .champions
        .iter()
        .map(|c| c.champion.clone())
        .collect();
    let month = manifest.month.to_string();
    let request = DrawRequest {
        seed: &manifest.seed,
        month: &month,
        per_champion: manifest.parameters.per_champion,
        reserves: manifest.parameters.reserves,
    };
    let recomputed = sample::draw(&candidates, &champions, &request);
    problems.extend(manifest.differences(&recomputed));
    if !problems.is_empty() {
        return Ok(fail(&problems));
    }
    let sampled: usize = manifest.champions.iter().map(|c| c.sample.len()).sum();
    let reserves: usize = manifest.champions.iter().map(|c| c.reserves.len()).sum();
    println!(
        "Verified: the {month} draw (seed {:?}, {} champions, {sampled} searches and {reserves} reserves) is exactly what {ALGORITHM} gives for these exports.",
        manifest.seed,
        manifest.champions.len(),
    );
    Ok(ExitCode::SUCCESS)
}

fn fail(problems: &[String]) -> ExitCode {
    eprintln!("NOT VERIFIED: the draw does not match.");
    for problem in problems {
        eprintln!("  - {problem}");
    }
    ExitCode::from(EXIT_CHECK_FAILED)
}

/// Puts the given files in the manifest's input order, matched by SHA-256
/// (record ids of identical rows depend on input order). The outer error is
/// a file that cannot be read; the inner one lists mismatches.
fn match_inputs(
    manifest: &Manifest,
    given: &[PathBuf],
) -> Result<Result<Vec<PathBuf>, Vec<String>>> {
    let mut hashes = Vec::with_capacity(given.len());
    for path in given {
        hashes.push(sha256_file(path).with_context(|| format!("reading {}", path.display()))?);
    }
    let mut problems = Vec::new();
    let mut ordered = Vec::new();
    for input in &manifest.inputs {
        match hashes.iter().position(|h| *h == input.sha256) {
            Some(index) => ordered.push(given[index].clone()),
            None => problems.push(format!(
                "no file given has the SHA-256 of input {} ({})",
                input.file, input.sha256
            )),
        }
    }
    for (path, hash) in given.iter().zip(&hashes) {
        if manifest.inputs.iter().any(|i| i.sha256 == *hash) {
            continue;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match manifest.inputs.iter().find(|i| i.file == name) {
            Some(input) => problems.push(format!(
                "{}: SHA-256 no longer matches the manifest (now {hash}, at the draw {}): the file has changed since the draw",
                path.display(),
                input.sha256
            )),
            None => problems.push(format!("{}: not an input of this draw (SHA-256 {hash})", path.display())),
        }
    }
    Ok(if problems.is_empty() {
        Ok(ordered)
    } else {
        Err(problems)
    })
}
