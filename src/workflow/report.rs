//! A report request resolved against the workspace: the period, the checks
//! on what was asked, the data read in one consistent view, the report.

use anyhow::{bail, Result};

use super::Workspace;
use crate::ethnicity::Scheme;
use crate::export::YearMonth;
use crate::report::{self, EstimateRules, Report, ReportInput, ReportOptions};
use crate::stats::Method;
use crate::store::{Period, StoredManifest};
use crate::threads::joined;

/// Groups with fewer judged searches than this are flagged "too few to judge".
pub const DEFAULT_TOO_FEW: u64 = 10;

/// What a reader asks a report for.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRequest {
    /// First month; `None`: the first month drawn.
    pub from: Option<YearMonth>,
    /// Last month; `None`: the last month drawn.
    pub to: Option<YearMonth>,
    /// Only this champion's searches.
    pub champion: Option<String>,
    pub scheme: Scheme,
    pub rules: EstimateRules,
    /// `Some(n)`: a report fit for publication, suppressing figures resting
    /// on 1 to n-1 searches, without champion names or notes.
    pub public_below: Option<u64>,
}

impl Default for ReportRequest {
    /// The whole drawn period, self-defined ethnicity, Wilson 95%.
    fn default() -> Self {
        Self {
            from: None,
            to: None,
            champion: None,
            scheme: Scheme::SelfDefined,
            rules: EstimateRules {
                method: Method::Wilson,
                confidence: 0.95,
                too_few_below: DEFAULT_TOO_FEW,
            },
            public_below: None,
        }
    }
}

impl ReportRequest {
    /// Reads the workspace and builds the report asked for.
    pub fn resolve(&self, workspace: &Workspace) -> Result<Report> {
        Ok(self.read_and_build(workspace)?.0)
    }

    /// As [`Self::resolve`], for a process that exits once the report is
    /// written: what was read is never freed (the system takes the memory
    /// back at exit). Freeing the 60,000 searches of the benchmark workspace,
    /// string by string, took a tenth of `grounds report`.
    pub fn resolve_before_exit(&self, workspace: &Workspace) -> Result<Report> {
        let (report, input) = self.read_and_build(workspace)?;
        std::mem::forget(input);
        Ok(report)
    }

    /// The report and what it was built from.
    fn read_and_build(&self, workspace: &Workspace) -> Result<(Report, ReportInput)> {
        let mut store = crate::store::Store::open_read_only(workspace.db())?;
        let tx = store.read()?;
        let draws = tx.current_draws()?;
        let (Some(first), Some(last)) = (draws.first(), draws.last()) else {
            bail!(
                "the workspace {} has no draws yet: run `grounds sample` first",
                workspace.db().display()
            );
        };
        let from = self
            .from
            .map_or_else(|| first.month.clone(), |m| m.to_string());
        let to = self
            .to
            .map_or_else(|| last.month.clone(), |m| m.to_string());
        if from > to {
            // Only one end given: the other defaulted to the months drawn,
            // and saying "--from must not be after --to" about a --to
            // nobody gave would puzzle.
            match (self.from.is_some(), self.to.is_some()) {
                (true, false) => bail!(
                    "nothing drawn from {from} on: the last month drawn is {to} (months drawn: {} to {to}); give an earlier --from",
                    first.month
                ),
                (false, true) => bail!(
                    "nothing drawn up to {to}: the first month drawn is {from} (months drawn: {from} to {}); give a later --to",
                    last.month
                ),
                _ => bail!("the period {from} to {to} is empty: --from must not be after --to"),
            }
        }
        if self.public_below.is_some() && self.champion.is_some() {
            bail!("a public report cannot be about one champion: champion names do not leave the force. Drop --champion or --public");
        }
        let period = Period {
            from: Some(from.clone()),
            to: Some(to.clone()),
            champion: self.champion.clone(),
        };
        let all_champions = Period {
            champion: None,
            ..period.clone()
        };
        let drawn: Vec<&str> = draws.iter().map(|d| d.month.as_str()).collect();
        if !drawn
            .iter()
            .any(|m| *m >= from.as_str() && *m <= to.as_str())
        {
            bail!(
                "no draws in {from} to {to}; months drawn: {}",
                drawn.join(", ")
            );
        }
        // Every champion's searches: the design weighs a champion's searches
        // by their whole strata; the report then keeps the champion's.
        let manifests = tx.draw_manifests(&all_champions)?;
        let (rows, strata) = std::thread::scope(|scope| {
            // The draws' manifests are read beside the scans of the searches.
            let parsing = scope.spawn(|| {
                manifests
                    .into_iter()
                    .map(StoredManifest::strata)
                    .collect::<Result<Vec<_>, _>>()
            });
            let rows = tx.report_rows(&all_champions);
            (rows, joined(parsing))
        });
        let (rows, strata) = (rows?, strata?);
        let mut progress = rows.progress;
        if let Some(champion) = &self.champion {
            if !progress.iter().any(|p| &p.champion == champion) {
                let mut names: Vec<&str> = progress.iter().map(|p| p.champion.as_str()).collect();
                names.sort_unstable();
                names.dedup();
                bail!(
                    "no champion named {champion:?} in {from} to {to}; champions: {}",
                    names.join(", ")
                );
            }
            progress.retain(|p| &p.champion == champion);
        }
        let input = ReportInput {
            searches: rows.searches,
            strata,
            progress,
            draws: tx.draw_records(&all_champions)?,
            populations: tx.month_populations(&all_champions)?,
            replaced_draws: tx.replaced_draws(&all_champions)?,
            // The one place second-review pairs enter a report.
            review_pairs: tx.review_pairs(&all_champions)?,
            simulated: rows.any_simulated || tx.flagged_simulated()?,
        };
        let options = ReportOptions {
            from,
            to,
            champion: self.champion.clone(),
            scheme: self.scheme,
            rules: self.rules,
        };
        let mut report = report::build(&input, &options)?;
        if let Some(below) = self.public_below {
            report::public::make_public(&mut report, below);
        }
        Ok((report, input))
    }
}
