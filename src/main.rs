//! The `grounds` command line: parse, dispatch, map errors to exit codes.

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

mod cmd;

const ABOUT: &str = "Provably random monthly samples, durable assessments and honest \
statistics for the reasonable-grounds review of police stop and search.";

const AFTER_HELP: &str = "\
The monthly cycle:
  grounds sample --export jan.csv --month 2019-01 --champions champions.csv
  grounds import worksheets/2019-01/*.csv
  grounds status --month 2019-01
  grounds report --from 2019-01 --to 2019-03 --format html --out report.html
  grounds verify worksheets/2019-01/manifest.json --export jan.csv

First time? Run `grounds demo` to see the whole cycle on shipped data.";

#[derive(Parser)]
#[command(name = "grounds", version, about = ABOUT, after_help = AFTER_HELP)]
#[command(propagate_version = true, arg_required_else_help = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Sample(cmd::sample::Args),
    Verify(cmd::verify::Args),
    Import(cmd::import::Args),
    Record(cmd::record::Args),
    Substitute(cmd::substitute::Args),
    Status(cmd::status::Args),
    History(cmd::history::Args),
    Report(cmd::report::Args),
    Interval(cmd::interval::Args),
    Compare(cmd::compare::Args),
    Demo(cmd::demo::Args),
    Completions(cmd::completions::Args),
    Man(cmd::man::Args),
    #[command(hide = true)]
    Synth(cmd::synth::Args),
}

fn main() -> ExitCode {
    restore_sigpipe();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Sample(args) => cmd::sample::run(args),
        Command::Verify(args) => cmd::verify::run(args),
        Command::Import(args) => cmd::import::run(args),
        Command::Record(args) => cmd::record::run(args),
        Command::Substitute(args) => cmd::substitute::run(args),
        Command::Status(args) => cmd::status::run(args),
        Command::History(args) => cmd::history::run(args),
        Command::Report(args) => cmd::report::run(args),
        Command::Interval(args) => cmd::interval::run(args),
        Command::Compare(args) => cmd::compare::run(args),
        Command::Demo(args) => cmd::demo::run(args),
        Command::Completions(args) => cmd::completions::run(args, &mut Cli::command()),
        Command::Man(args) => cmd::man::run(args, Cli::command()),
        Command::Synth(args) => cmd::synth::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => cmd::report_error(&err),
    }
}

/// Rust ignores SIGPIPE, so printing into a closed pipe (`grounds report |
/// head`) panics; a command-line tool should just stop, as `cat` does.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any thread exists; SIG_DFL
    // is a valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
