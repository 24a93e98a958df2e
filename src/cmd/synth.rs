//! `grounds synth`: synthetic monthly exports for benchmarks and tests.

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;

use grounds::outputs::{default_workspace, Protected};
use grounds::synth::{self, SynthSpec};

/// Write synthetic data.police.uk stop-and-search exports, one file per month.
///
/// Example: grounds synth --out bench/ --start 2017-01 --months 36 --rows-per-month 45000 --seed 1
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Directory for the monthly CSV files (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// First month, as YYYY-MM.
    #[arg(long, value_name = "YYYY-MM", default_value = "2017-01", value_parser = super::parse_month)]
    pub start: grounds::export::YearMonth,
    /// Number of consecutive months.
    #[arg(long, default_value_t = 36, value_parser = clap::value_parser!(u32).range(1..))]
    pub months: u32,
    /// Rows in each monthly file.
    #[arg(long, default_value_t = 45_000)]
    pub rows_per_month: u64,
    /// Same seed and sizes give byte-identical files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let spec = SynthSpec {
        start: (args.start.year, args.start.month),
        months: args.months,
        rows_per_month: args.rows_per_month,
        seed: args.seed,
    };
    spec.validate()?;
    let protected = Protected::of_workspace(&default_workspace());
    protected.check(&args.out)?;
    for index in 0..spec.months {
        let (year, month) = spec.year_month(index);
        protected.check(&args.out.join(synth::month_file_name(year, month)))?;
    }
    fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create directory {}", args.out.display()))?;

    let started = Instant::now();
    let mut rows = 0;
    let mut bytes = 0;
    for index in 0..spec.months {
        let (year, month) = spec.year_month(index);
        let path = args.out.join(synth::month_file_name(year, month));
        let write = || -> std::io::Result<(u64, u64)> {
            let rows = synth::write_month(&spec, index, BufWriter::new(File::create(&path)?))?;
            Ok((rows, fs::metadata(&path)?.len()))
        };
        let (file_rows, file_bytes) =
            write().with_context(|| format!("cannot write {}", path.display()))?;
        rows += file_rows;
        bytes += file_bytes;
    }
    eprintln!(
        "wrote {} file(s), {rows} rows, {:.1} MB, to {} in {:.1}s",
        spec.months,
        bytes as f64 / 1e6,
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
