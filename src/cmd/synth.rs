//! `grounds synth`: synthetic monthly exports for benchmarks and tests.

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;

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
    #[arg(long, value_name = "YYYY-MM", default_value = "2017-01", value_parser = parse_year_month)]
    pub start: (i32, u32),
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
        start: args.start,
        months: args.months,
        rows_per_month: args.rows_per_month,
        seed: args.seed,
    };
    spec.validate()?;
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

fn parse_year_month(text: &str) -> Result<(i32, u32), String> {
    let bad = || format!("expected a month as YYYY-MM, like 2019-01, not `{text}`");
    let (year, month) = text.split_once('-').ok_or_else(bad)?;
    let digits = |s: &str, len| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(year, 4) || !digits(month, 2) {
        return Err(bad());
    }
    let year = year.parse().map_err(|_| bad())?;
    let month = month.parse().map_err(|_| bad())?;
    if !(1..=12).contains(&month) {
        return Err(bad());
    }
    Ok((year, month))
}

#[cfg(test)]
mod tests {
    use super::parse_year_month;

    #[test]
    fn months_parse_strictly() {
        assert_eq!(parse_year_month("2019-07"), Ok((2019, 7)));
        for bad in [
            "2019-7", "2019-13", "2019-00", "19-07", "2019/07", "", "abcd-ef", "+201-07",
        ] {
            assert!(parse_year_month(bad).is_err(), "{bad} was accepted");
        }
    }
}
