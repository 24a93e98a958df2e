//! `grounds interval`: the confidence interval for one proportion, such as 17
//! of 20 searches with reasonable grounds; also the batch mode and helpers
//! that `grounds compare` shares.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use comfy_table::{presets, CellAlignment, Table};
use serde::Serialize;

use grounds::stats::{proportion_interval, wald_fpc_interval, Interval, Method};

/// Confidence interval for a proportion, e.g. 17 of 20 searches with reasonable grounds.
///
/// Example: grounds interval 17/20 --method beta --confidence 0.9
#[derive(clap::Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The proportion as COUNT/TOTAL, e.g. 17/20.
    #[arg(
        value_name = "X/N",
        required_unless_present = "batch",
        allow_hyphen_values = true
    )]
    fraction: Option<String>,

    /// Interval method [default: wilson].
    #[arg(long, short, value_parser = method_parser(), ignore_case = true)]
    method: Option<Method>,

    /// Confidence level, strictly between 0 and 1.
    #[arg(long, short, default_value_t = 0.95, allow_negative_numbers = true)]
    confidence: f64,

    /// Size N of the population the sample was drawn from (e.g. the month's
    /// searches): gives the Wald interval with finite population correction.
    #[arg(
        long,
        value_name = "N",
        conflicts_with = "method",
        allow_negative_numbers = true
    )]
    population: Option<u64>,

    /// Output for people (text) or machines (json).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// One row per method, to see how much the choice matters.
    #[arg(long, conflicts_with = "method")]
    all_methods: bool,

    /// Read rows `method,alpha,x,n[,N]` from a CSV file (`-` for stdin) and
    /// write them back with `lower,upper`; a non-empty N means Wald with
    /// finite population correction.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["fraction", "method", "confidence", "population", "all_methods"]
    )]
    batch: Option<PathBuf>,
}

const AFTER_HELP: &str = "\
Wilson is the default: it keeps close to its nominal coverage even for samples
of 20 (Brown, Cai & DasGupta 2001). Choose beta (Clopper-Pearson) when the
interval must never undercover, at the price of being wider. Wald (normal)
is offered for comparison with published figures; it collapses to zero width
at 0/n and n/n.

Batch mode writes full-precision numbers; existing lower/upper columns are
replaced, so a reference file can be recomputed and compared.

More examples:
  grounds interval 26/28 --all-methods
  grounds interval 161/184 --population 5612
  grounds interval --batch rows.csv > rows_with_intervals.csv";

/// How results are written.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Text,
    Json,
}

/// Accepts the method names and their aliases, and lists them in `--help`.
pub(super) fn method_parser() -> impl TypedValueParser<Value = Method> {
    PossibleValuesParser::new(Method::ALL.map(|m| {
        let help = match m.aliases() {
            [] => m.label().to_string(),
            aliases => format!("{} (also: {})", m.label(), aliases.join(", ")),
        };
        PossibleValue::new(m.name())
            .help(help)
            .aliases(m.aliases().iter().copied())
    }))
    .try_map(|name| name.parse::<Method>())
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.batch {
        return run_batch(path, args.format);
    }
    let Some(fraction) = args.fraction.as_deref() else {
        bail!("give a proportion such as 17/20, or --batch FILE");
    };
    let (x, n) = parse_fraction(fraction)?;
    let confidence = args.confidence;
    let mut rows = Vec::new();
    if args.all_methods {
        for method in Method::ALL {
            rows.push(Row::new(
                method,
                None,
                proportion_interval(x, n, confidence, method)?,
            ));
        }
    }
    if let Some(population) = args.population {
        let interval = wald_fpc_interval(x, n, population, confidence)?;
        rows.push(Row::new(Method::Normal, Some(population), interval));
    } else if !args.all_methods {
        let method = args.method.unwrap_or(Method::Wilson);
        rows.push(Row::new(
            method,
            None,
            proportion_interval(x, n, confidence, method)?,
        ));
    }
    let result = Output {
        x,
        n,
        // n > 0: every interval above checked it.
        estimate: x as f64 / n as f64,
        confidence,
        intervals: rows,
    };
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&result)?),
        Format::Text if args.all_methods => print!("{}", result.table()),
        Format::Text => print!("{}", result.sentence()),
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct Output {
    x: u64,
    n: u64,
    estimate: f64,
    confidence: f64,
    intervals: Vec<Row>,
}

#[derive(Serialize)]
struct Row {
    method: Method,
    label: &'static str,
    /// Present only for the finite-population-corrected Wald interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    population: Option<u64>,
    lower: f64,
    upper: f64,
}

impl Row {
    fn new(method: Method, population: Option<u64>, interval: Interval) -> Row {
        Row {
            method,
            label: method.label(),
            population,
            lower: interval.lower,
            upper: interval.upper,
        }
    }

    /// The method as a table row names it.
    fn describe(&self) -> String {
        match self.population {
            Some(population) => format!("Wald, N = {population} (FPC)"),
            None => self.label.to_string(),
        }
    }
}

impl Output {
    fn sentence(&self) -> String {
        let mut out = String::new();
        for row in &self.intervals {
            let correction = match row.population {
                Some(population) => {
                    format!(", with finite population correction for N = {population}")
                }
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "{}/{} = {} ({} {} CI {} to {}{correction})",
                self.x,
                self.n,
                percent(self.estimate),
                level(self.confidence),
                row.label,
                percent(row.lower),
                percent(row.upper)
            );
        }
        for note in self.notes() {
            let _ = writeln!(out, "Note: {note}");
        }
        out
    }

    fn table(&self) -> String {
        let mut table = Table::new();
        table.load_preset(presets::NOTHING);
        table.set_header(vec!["Method", "Lower", "Upper", "Width"]);
        for row in &self.intervals {
            let default = if row.method == Method::Wilson && row.population.is_none() {
                " (default)"
            } else {
                ""
            };
            table.add_row(vec![
                format!("{}{default}", row.describe()),
                percent(row.lower),
                percent(row.upper),
                format!("{:.1} pts", (row.upper - row.lower) * 100.0),
            ]);
        }
        for i in 1..=3 {
            if let Some(column) = table.column_mut(i) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        let mut out = format!(
            "{}/{} = {}, {} confidence intervals:\n",
            self.x,
            self.n,
            percent(self.estimate),
            level(self.confidence)
        );
        // comfy-table pads every cell, the last one too.
        for line in table.to_string().lines() {
            let _ = writeln!(out, "{}", line.trim_end());
        }
        for note in self.notes() {
            let _ = writeln!(out, "Note: {note}");
        }
        out
    }

    /// Warnings a reader needs so as not to over-read a zero-width interval.
    fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        let boundary = self.x == 0 || self.x == self.n;
        for row in &self.intervals {
            if row.population == Some(self.n) {
                notes.push(format!(
                    "N = n = {}: the sample is the whole population, so there is no \
                     sampling uncertainty to show.",
                    self.n
                ));
            } else if row.method == Method::Normal && boundary {
                notes.push(format!(
                    "the Wald interval has zero width at {}/{}; it claims a certainty the \
                     data cannot give. Use the Wilson interval (the default).",
                    self.x, self.n
                ));
            } else if row.method == Method::Jeffreys && boundary {
                notes.push(format!(
                    "at {}/{} the Jeffreys interval (as statsmodels computes it, without \
                     boundary modification) does not reach {}; Brown, Cai & DasGupta (2001) \
                     suggest setting that bound to {} by hand.",
                    self.x,
                    self.n,
                    if self.x == 0 { "0%" } else { "100%" },
                    if self.x == 0 { "0" } else { "1" },
                ));
            }
        }
        notes.dedup();
        notes
    }
}

/// A proportion as people read it: one decimal place.
pub(super) fn percent(p: f64) -> String {
    format!("{:.1}%", p * 100.0)
}

/// "95%" for 0.95, "99.5%" for 0.995: no float noise, no needless decimals.
pub(super) fn level(confidence: f64) -> String {
    let text = format!("{:.4}", confidence * 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

/// Parses `17/20` into (17, 20), with messages that say what to type instead.
pub(super) fn parse_fraction(text: &str) -> anyhow::Result<(u64, u64)> {
    let hint = "write it as COUNT/TOTAL, e.g. 17/20";
    let Some((x, n)) = text.split_once('/') else {
        bail!("'{text}' is not a proportion: {hint}");
    };
    let number = |part: &str, what: &str| -> anyhow::Result<u64> {
        let part = part.trim();
        if part.starts_with('-') {
            bail!("'{text}': the {what} cannot be negative");
        }
        part.parse::<u64>()
            .with_context(|| format!("'{text}': the {what} '{part}' is not a whole number; {hint}"))
    };
    Ok((number(x, "count")?, number(n, "total")?))
}

// ---------------------------------------------------------------------------
// Batch mode, shared with `grounds compare`.

/// A CSV read whole, so every row can be checked before anything is written.
pub(super) struct BatchInput {
    /// How errors name the input: its path, or "standard input".
    pub name: String,
    pub headers: csv::StringRecord,
    pub rows: Vec<csv::StringRecord>,
}

impl BatchInput {
    pub fn read(path: &Path) -> anyhow::Result<BatchInput> {
        let (name, text) = if path == Path::new("-") {
            let mut text = String::new();
            io::stdin()
                .read_to_string(&mut text)
                .context("cannot read standard input")?;
            ("standard input".to_string(), text)
        } else {
            let name = path.display().to_string();
            let mut text = String::new();
            File::open(path)
                .and_then(|mut f| f.read_to_string(&mut text))
                .with_context(|| format!("cannot read {name}"))?;
            (name, text)
        };
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .with_context(|| format!("{name}: cannot read the header row"))?
            .clone();
        if headers.iter().all(|h| h.trim().is_empty()) {
            bail!("{name} is empty: it needs a header row naming its columns");
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            rows.push(record.with_context(|| format!("{name}: not valid CSV"))?);
        }
        Ok(BatchInput {
            name,
            headers,
            rows,
        })
    }

    /// The index of a column, by its name in the header.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h.trim() == name)
    }

    /// The index of a column the batch cannot do without.
    pub fn required(&self, name: &str, all: &str) -> anyhow::Result<usize> {
        self.column(name).with_context(|| {
            format!(
                "{}: no column '{name}' in the header (expected {all})",
                self.name
            )
        })
    }

    /// Computes every row with `compute`, collecting the problems of all
    /// rows; then writes the file with `outputs` columns (replacing columns of
    /// the same name, else appended) only if there were none.
    pub fn process(
        &self,
        outputs: &[&str],
        mut compute: impl FnMut(&Fields) -> anyhow::Result<Vec<f64>>,
    ) -> anyhow::Result<()> {
        let mut results = Vec::with_capacity(self.rows.len());
        let mut problems = Vec::new();
        for record in &self.rows {
            let line = record.position().map_or(0, |p| p.line());
            let fields = Fields { record };
            let outcome = if record.len() != self.headers.len() {
                Err(anyhow::anyhow!(
                    "{} fields where the header has {}",
                    record.len(),
                    self.headers.len()
                ))
            } else {
                compute(&fields)
            };
            match outcome {
                Ok(values) => results.push(values),
                Err(err) => problems.push(format!("{}, line {line}: {err:#}", self.name)),
            }
        }
        if !problems.is_empty() {
            const SHOWN: usize = 10;
            let mut message = format!(
                "{} bad row{} in {}; nothing was written:",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" },
                self.name
            );
            for problem in problems.iter().take(SHOWN) {
                let _ = write!(message, "\n  {problem}");
            }
            if problems.len() > SHOWN {
                let _ = write!(message, "\n  ... and {} more", problems.len() - SHOWN);
            }
            bail!(message);
        }

        let mut headers: Vec<String> = self.headers.iter().map(str::to_string).collect();
        let slots: Vec<usize> = outputs
            .iter()
            .map(|name| {
                self.column(name).unwrap_or_else(|| {
                    headers.push((*name).to_string());
                    headers.len() - 1
                })
            })
            .collect();
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(io::stdout().lock());
        writer.write_record(&headers)?;
        for (record, values) in self.rows.iter().zip(results) {
            let mut fields: Vec<String> = record.iter().map(str::to_string).collect();
            fields.resize(headers.len(), String::new());
            for (&slot, value) in slots.iter().zip(values) {
                fields[slot] = float_text(value);
            }
            writer.write_record(&fields)?;
        }
        writer.flush()?;
        Ok(())
    }
}

/// One batch row, read by column index with messages naming the column.
pub(super) struct Fields<'a> {
    record: &'a csv::StringRecord,
}

impl Fields<'_> {
    pub fn text(&self, column: usize) -> &str {
        self.record.get(column).unwrap_or("").trim()
    }

    pub fn count(&self, column: usize, name: &str) -> anyhow::Result<u64> {
        let text = self.text(column);
        if text.is_empty() {
            bail!("{name} is missing");
        }
        if text.starts_with('-') {
            bail!("{name} = {text} is negative; counts are whole numbers from 0");
        }
        text.parse::<u64>()
            .map_err(|_| anyhow::anyhow!("{name} = '{text}' is not a whole number"))
    }

    /// The two-sided α, returned as the confidence level 1 − α.
    pub fn confidence_from_alpha(&self, column: usize) -> anyhow::Result<f64> {
        let text = self.text(column);
        if text.is_empty() {
            bail!("alpha is missing");
        }
        let alpha: f64 = text
            .parse()
            .map_err(|_| anyhow::anyhow!("alpha = '{text}' is not a number"))?;
        if !(alpha > 0.0 && alpha < 1.0) {
            bail!("alpha = {text} is outside (0, 1); alpha is two-sided, 0.05 for a 95% interval");
        }
        Ok(1.0 - alpha)
    }
}

/// Python's `repr` of a float: the shortest text that reads back to the same
/// double, in the notation of the oracle files, so that the two read alike.
pub(super) fn float_text(v: f64) -> String {
    if v == 0.0 {
        // Also -0.0, which is not worth a reader's puzzlement.
        return "0.0".to_string();
    }
    if !v.is_finite() {
        return v.to_string();
    }
    if (1e-4..1e16).contains(&v.abs()) {
        let text = v.to_string();
        if text.contains('.') {
            text
        } else {
            text + ".0"
        }
    } else {
        let text = format!("{v:e}");
        match text.split_once('e') {
            Some((mantissa, exponent)) => {
                let (sign, digits) = match exponent.strip_prefix('-') {
                    Some(digits) => ('-', digits),
                    None => ('+', exponent),
                };
                format!("{mantissa}e{sign}{digits:0>2}")
            }
            None => text,
        }
    }
}

fn run_batch(path: &Path, format: Format) -> anyhow::Result<ExitCode> {
    if format == Format::Json {
        bail!("--batch writes CSV; --format json is for a single proportion");
    }
    let input = BatchInput::read(path)?;
    let expected = "method,alpha,x,n and optionally N";
    let method_col = input.column("method");
    let population_col = input.column("N");
    if method_col.is_none() && population_col.is_none() {
        input.required("method", expected)?;
    }
    let alpha_col = input.required("alpha", expected)?;
    let x_col = input.required("x", expected)?;
    let n_col = input.required("n", expected)?;
    input.process(&["lower", "upper"], |row| {
        let confidence = row.confidence_from_alpha(alpha_col)?;
        let x = row.count(x_col, "x")?;
        let n = row.count(n_col, "n")?;
        let method_text = method_col.map_or("", |c| row.text(c));
        let method = if method_text.is_empty() {
            None
        } else {
            Some(method_text.parse::<Method>()?)
        };
        let population = match population_col {
            Some(c) if !row.text(c).is_empty() => Some(row.count(c, "N")?),
            _ => None,
        };
        let interval = match (method, population) {
            (None | Some(Method::Normal), Some(population)) => {
                wald_fpc_interval(x, n, population, confidence)?
            }
            (Some(method), Some(_)) => bail!(
                "N is given, which means Wald with finite population correction, \
                 but method is {method}; leave one of them empty"
            ),
            (Some(method), None) => proportion_interval(x, n, confidence, method)?,
            (None, None) => bail!("no method and no N: say which interval to compute"),
        };
        Ok(vec![interval.lower, interval.upper])
    })?;
    io::stdout().flush()?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_python_repr() {
        assert_eq!(float_text(0.0), "0.0");
        assert_eq!(float_text(-0.0), "0.0");
        assert_eq!(float_text(1.0), "1.0");
        assert_eq!(float_text(-1.0), "-1.0");
        assert_eq!(float_text(0.85), "0.85");
        assert_eq!(float_text(0.0001), "0.0001");
        assert_eq!(float_text(1e-5), "1e-05");
        assert_eq!(float_text(1.3877787807814457e-17), "1.3877787807814457e-17");
        assert_eq!(float_text(2.4246478459242733e-05), "2.4246478459242733e-05");
        assert_eq!(float_text(-0.7934506856227627), "-0.7934506856227627");
        for v in [0.1 + 0.2, 1.0 / 3.0, 7.2e-300, 0.9999999999999999] {
            assert_eq!(float_text(v).parse::<f64>().unwrap(), v);
        }
    }

    #[test]
    fn levels_print_without_noise() {
        assert_eq!(level(0.95), "95%");
        assert_eq!(level(0.9), "90%");
        assert_eq!(level(0.995), "99.5%");
        assert_eq!(level(0.07), "7%");
    }

    #[test]
    fn fractions_parse_or_say_why_not() {
        assert_eq!(parse_fraction("17/20").unwrap(), (17, 20));
        assert_eq!(parse_fraction(" 17 / 20 ").unwrap(), (17, 20));
        for (bad, says) in [
            ("17", "not a proportion"),
            ("17/x", "not a whole number"),
            ("-3/20", "cannot be negative"),
            ("3/-20", "cannot be negative"),
            ("1.5/20", "not a whole number"),
        ] {
            let err = parse_fraction(bad).unwrap_err().to_string();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }
}
