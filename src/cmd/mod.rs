//! One module per subcommand. Each has an `Args` (clap derive) and a `run`
//! that returns the process exit code; the domain lives in the library.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use grounds::display::visible;
use std::process::ExitCode;

pub mod compare;
pub mod completions;
pub mod demo;
mod extend;
pub mod history;
pub mod import;
pub mod interval;
pub mod man;
pub mod plan;
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
///
/// Many errors already end with their cause ("jan.csv: No such file or
/// directory"): a cause whose text was said is not said again. Messages can
/// hold text from files (names, values), shown with control characters
/// escaped so they cannot forge lines or drive the terminal.
/// An error message made visible (see [`visible`]), keeping the line breaks
/// of a message that lists things: a newline followed by two spaces. Any
/// other newline, such as one inside a file name, is shown escaped, and a
/// kept line is indented, so text from data can never start a line of its
/// own that looks like another message.
fn visible_lines(message: &str) -> String {
    message
        .split("\n  ")
        .map(|line| visible(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n  ")
}

pub fn report_error(err: &anyhow::Error) -> ExitCode {
    let mut said = err.to_string();
    eprintln!("error: {}", visible_lines(&said));
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if said.contains(&text) {
            continue;
        }
        eprintln!("  caused by: {}", visible_lines(&text));
        said.push_str(&text);
    }
    ExitCode::from(EXIT_BAD_INPUT)
}

/// A byte-counting progress bar on stderr, hidden when stderr is not a
/// terminal (scripts and tests see no noise) or the work is small.
pub fn byte_progress(total_bytes: u64, message: &'static str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() || total_bytes < 8 << 20 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total_bytes);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} ({eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(message);
    bar
}

/// The total size of the files, for a progress bar (unreadable ones count 0:
/// reading them will say what is wrong).
pub fn total_bytes(paths: &[PathBuf]) -> u64 {
    paths
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

/// A clap parser for a count within the library's limits.
pub fn range_parser(
    limits: std::ops::RangeInclusive<u32>,
) -> clap::builder::RangedI64ValueParser<u32> {
    clap::value_parser!(u32).range(i64::from(*limits.start())..=i64::from(*limits.end()))
}

/// Parses an IANA time zone name.
pub fn parse_timezone(name: &str) -> Result<chrono_tz::Tz, String> {
    name.parse()
        .map_err(|_| format!("unknown time zone {name:?}: give an IANA name such as Europe/London"))
}

/// Parses a `YYYY-MM` month.
pub fn parse_month(text: &str) -> Result<grounds::export::YearMonth, String> {
    text.parse()
}

/// Writes next to the target and renames, so a reader never sees half a report.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile_in(dir, path)?;
    temp.1
        .write_all(bytes)
        .with_context(|| format!("writing {}", path.display()))?;
    temp.1.sync_all().ok();
    std::fs::rename(&temp.0, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn tempfile_in(dir: &Path, target: &Path) -> Result<(PathBuf, std::fs::File)> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let temp = dir.join(format!(".{name}.partial-{}", std::process::id()));
    let file =
        std::fs::File::create(&temp).with_context(|| format!("creating {}", temp.display()))?;
    Ok((temp, file))
}
