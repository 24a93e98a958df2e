//! `grounds verify`: recompute a draw from the exports and its manifest.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use grounds::workflow::{verify_draw, Verification};

use super::{byte_progress, total_bytes, EXIT_CHECK_FAILED};

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
    let bar = byte_progress(total_bytes(&args.export), "reading exports");
    let verification = verify_draw(&args.manifest, &args.export, &|bytes| bar.inc(bytes))?;
    bar.finish_and_clear();
    Ok(print(&verification))
}

/// Says what a verification found, and returns the exit code for it.
pub fn print(verification: &Verification) -> ExitCode {
    if let Some(excluded) = verification.excluded_on_trust.filter(|n| *n > 0) {
        // Taken from the manifest on trust: say so, so nobody mistakes it for checked.
        println!(
            "Note: {excluded} searches were left out as already drawn in earlier months (listed in the manifest's excluded_earlier_draws); verify those draws' manifests too."
        );
    }
    if !verification.is_verified() {
        eprintln!("NOT VERIFIED: the draw does not match.");
        for problem in &verification.problems {
            eprintln!("  - {}", grounds::display::visible(problem));
        }
        return ExitCode::from(EXIT_CHECK_FAILED);
    }
    let extended = match verification.extensions {
        0 => String::new(),
        1 => " with its extension".to_string(),
        n => format!(" with its {n} extensions"),
    };
    println!(
        "Verified: the {} draw{extended} (seed {:?}, {} champions, {} searches and {} reserves) is exactly what {} gives for these exports.",
        verification.month,
        verification.seed,
        verification.champions,
        verification.sampled,
        verification.reserves,
        verification.algorithm,
    );
    if verification.second_reviews > 0 {
        println!(
            "Its {} blind second reviews are the ones the rule deals (README, \"Second reviews\").",
            verification.second_reviews
        );
    }
    ExitCode::SUCCESS
}
