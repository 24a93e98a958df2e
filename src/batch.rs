//! Batch statistics (`grounds interval --batch`, `grounds compare --batch`):
//! a CSV of questions in, the same rows with answers appended out. Every row is
//! checked before anything is written, so a bad row never leaves a partial
//! result behind.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

use anyhow::{bail, Context};

use crate::wording::python_float;

/// A CSV read whole, so every row can be checked before anything is written.
pub struct BatchInput {
    /// How errors name the input: its path, or "standard input".
    pub name: String,
    pub headers: csv::StringRecord,
    pub rows: Vec<csv::StringRecord>,
}

impl BatchInput {
    /// Reads a file, or standard input for `-`.
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
    /// rows; then writes the file to `out` with `outputs` columns (replacing
    /// columns of the same name, else appended) only if there were none.
    pub fn process(
        &self,
        outputs: &[&str],
        mut compute: impl FnMut(&Fields) -> anyhow::Result<Vec<f64>>,
        out: impl Write,
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
            .from_writer(out);
        writer.write_record(&headers)?;
        for (record, values) in self.rows.iter().zip(results) {
            let mut fields: Vec<String> = record.iter().map(str::to_string).collect();
            fields.resize(headers.len(), String::new());
            for (&slot, value) in slots.iter().zip(values) {
                fields[slot] = python_float(value);
            }
            writer.write_record(&fields)?;
        }
        writer.flush()?;
        Ok(())
    }
}

/// One batch row, read by column index with messages naming the column.
pub struct Fields<'a> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn input(text: &str) -> BatchInput {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers = reader.headers().unwrap().clone();
        let rows = reader.records().map(Result::unwrap).collect();
        BatchInput {
            name: "t.csv".to_string(),
            headers,
            rows,
        }
    }

    #[test]
    fn answers_replace_or_append_columns_and_bad_rows_write_nothing() {
        let batch = input("x,n,lower\n1,2,old\n3,4,old\n");
        let (x, n) = (
            batch.required("x", "x,n").unwrap(),
            batch.column("n").unwrap(),
        );
        let mut out = Vec::new();
        batch
            .process(
                &["lower", "share"],
                |row| {
                    let (x, n) = (row.count(x, "x")?, row.count(n, "n")?);
                    Ok(vec![0.0, x as f64 / n as f64])
                },
                &mut out,
            )
            .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "x,n,lower,share\n1,2,0.0,0.5\n3,4,0.0,0.75\n"
        );
        let bad = input("x,n\n1,2\n-1,2\n");
        let mut out = Vec::new();
        let err = bad
            .process(
                &["share"],
                |row| Ok(vec![row.count(0, "x")? as f64]),
                &mut out,
            )
            .unwrap_err();
        assert!(err.to_string().contains("1 bad row in t.csv"), "{err}");
        assert!(
            err.to_string().contains("line 3: x = -1 is negative"),
            "{err}"
        );
        assert!(out.is_empty());
    }
}
