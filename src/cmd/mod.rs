//! One module per subcommand. Each has an `Args` (clap derive) and a `run`
//! that returns the process exit code; the domain lives in the library.

use std::path::PathBuf;
use std::process::ExitCode;

pub mod compare;
pub mod completions;
pub mod demo;
pub mod history;
pub mod import;
pub mod interval;
pub mod man;
pub mod record;
pub mod report;
pub mod sample;
pub mod status;
pub mod substitute;
pub mod synth;
pub mod verify;

/// Exit code for bad input, bad usage, or a command that could not be done.
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit code when a check ran and found a problem (verify mismatch, `status --check`).
pub const EXIT_CHECK_FAILED: u8 = 1;

/// The workspace every stateful command works on.
#[derive(clap::Args, Debug, Clone)]
pub struct DbArg {
    /// The workspace database (created by `grounds sample` if missing).
    #[arg(
        long,
        value_name = "PATH",
        env = "GROUNDS_DB",
        default_value = "grounds.db"
    )]
    pub db: PathBuf,
}

/// Prints an error with its chain of causes and returns the exit code for it.
pub fn report_error(err: &anyhow::Error) -> ExitCode {
    eprintln!("error: {err}");
    for cause in err.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
    ExitCode::from(EXIT_BAD_INPUT)
}
