//! `grounds man`: a man page generated from the CLI definition.

use std::process::ExitCode;

/// Print the man page (roff) on stdout.
///
/// Example: grounds man > grounds.1 && man ./grounds.1
#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_args: Args, command: clap::Command) -> anyhow::Result<ExitCode> {
    clap_mangen::Man::new(command).render(&mut std::io::stdout())?;
    Ok(ExitCode::SUCCESS)
}
