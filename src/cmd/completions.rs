//! `grounds completions`: shell completion scripts generated from the CLI definition.

use std::process::ExitCode;

use clap_complete::Shell;

/// Print a shell completion script.
///
/// Example: grounds completions bash > /etc/bash_completion.d/grounds
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The shell to generate completions for.
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: Args, command: &mut clap::Command) -> anyhow::Result<ExitCode> {
    clap_complete::generate(args.shell, command, "grounds", &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}
