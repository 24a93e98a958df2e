//! One proportion and its intervals, as people and machines read them
//! (`grounds interval`).

use std::fmt::Write as _;

use comfy_table::{presets, CellAlignment, Table};
use serde::Serialize;

use crate::stats::{Interval, Method};
use crate::wording::{level, percent};

/// A proportion with one or more intervals (`grounds interval`).
#[derive(Serialize)]
pub struct IntervalSummary {
    pub x: u64,
    pub n: u64,
    pub estimate: f64,
    pub confidence: f64,
    pub intervals: Vec<IntervalRow>,
}

/// One interval of a summary.
#[derive(Serialize)]
pub struct IntervalRow {
    pub method: Method,
    pub label: &'static str,
    /// Present only for the finite-population-corrected Wald interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub population: Option<u64>,
    pub lower: f64,
    pub upper: f64,
}

impl IntervalRow {
    pub fn new(method: Method, population: Option<u64>, interval: Interval) -> IntervalRow {
        IntervalRow {
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

impl IntervalSummary {
    /// One line per interval, for people.
    pub fn sentence(&self) -> String {
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

    /// The intervals side by side (`--all-methods`).
    pub fn table(&self) -> String {
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
    pub fn notes(&self) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::proportion_interval;

    #[test]
    fn a_boundary_wald_interval_carries_its_warning() {
        let wald = proportion_interval(20, 20, 0.95, Method::Normal).unwrap();
        let summary = IntervalSummary {
            x: 20,
            n: 20,
            estimate: 1.0,
            confidence: 0.95,
            intervals: vec![IntervalRow::new(Method::Normal, None, wald)],
        };
        let text = summary.sentence();
        assert!(text.starts_with("20/20 = 100"), "{text}");
        assert!(text.contains("Note: the Wald interval has zero width at 20/20"));
        assert_eq!(summary.notes().len(), 1);
    }
}
