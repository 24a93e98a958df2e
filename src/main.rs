//! The `grounds` command line: parse, dispatch, map errors to exit codes.

#![deny(unsafe_code)]

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

mod cmd;

const ABOUT: &str = "Provably random monthly samples, durable assessments and honest \
statistics for the reasonable-grounds review of police stop and search.";

const AFTER_HELP: &str = "\
The monthly cycle:
  grounds sample --export jan.csv --month 2019-01 --champions champions.csv
  grounds import worksheets/2019-01/*.xlsx
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
    Plan(cmd::plan::Args),
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
    quiet_on_broken_pipe();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Plan(args) => cmd::plan::run(args),
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
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => cmd::report_error(&err),
    }
}

/// Whether an error is a write into a closed pipe (`grounds report | head`):
/// the reader has what it wanted, so the program ends quietly and
/// successfully, as `cat` does. Found by walking the error chain, as ripgrep
/// does, instead of restoring the default SIGPIPE action with `unsafe`.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// `println!` panics on a closed pipe instead of returning the error: end
/// those quietly too, and leave every other panic to the default hook.
fn quiet_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to std") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}
