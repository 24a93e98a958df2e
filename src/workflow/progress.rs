//! Who has assessed what: each champion's progress, per month, with totals.

use anyhow::{bail, Result};
use serde::Serialize;

use super::Workspace;
use crate::export::YearMonth;
use crate::store::{ChampionProgress, Period};

/// Sums over a month's champions.
#[derive(Serialize, Default, Clone, Copy, PartialEq, Eq, Debug)]
pub struct Totals {
    pub assigned: u64,
    pub assessed: u64,
    pub substituted: u64,
    pub footage_missing: u64,
    pub outstanding: u64,
}

/// One month's draw: its champions in champions-file order.
#[derive(Serialize, Clone, PartialEq, Eq, Debug)]
pub struct MonthProgress {
    pub month: String,
    pub champions: Vec<ChampionProgress>,
    pub totals: Totals,
}

/// The progress of every month asked for (the JSON of `grounds status`).
#[derive(Serialize, Clone, PartialEq, Eq, Debug)]
pub struct Progress {
    /// The workspace holds simulated assessments (`grounds demo`).
    pub simulated: bool,
    pub months: Vec<MonthProgress>,
    pub outstanding: u64,
    pub complete: bool,
}

/// The progress of `month`'s current draw, or of every month drawn. A month
/// given that has no draw is an error.
pub fn progress(workspace: &Workspace, month: Option<YearMonth>) -> Result<Progress> {
    let mut store = crate::store::Store::open_read_only(workspace.db())?;
    let tx = store.read()?;
    let month = month.map(|m| m.to_string());
    if let Some(month) = &month {
        if tx.current_draw(month)?.is_none() {
            bail!("no draw for {month} in {}", workspace.db().display());
        }
    }
    let simulated = tx.is_simulated()?;
    let rows = tx.progress(&Period {
        from: month.clone(),
        to: month,
        champion: None,
    })?;
    Ok(Progress::from_rows(simulated, rows))
}

impl Progress {
    /// Groups rows (ordered by month) into months and sums them.
    pub fn from_rows(simulated: bool, rows: Vec<ChampionProgress>) -> Self {
        let mut months: Vec<MonthProgress> = Vec::new();
        for row in rows {
            if months.last().is_none_or(|m| m.month != row.month) {
                months.push(MonthProgress {
                    month: row.month.clone(),
                    champions: Vec::new(),
                    totals: Totals::default(),
                });
            }
            if let Some(month) = months.last_mut() {
                let t = &mut month.totals;
                t.assigned += row.assigned;
                t.assessed += row.assessed;
                t.substituted += row.substituted;
                t.footage_missing += row.footage_missing;
                t.outstanding += row.outstanding;
                month.champions.push(row);
            }
        }
        let outstanding = months.iter().map(|m| m.totals.outstanding).sum();
        Progress {
            simulated,
            complete: outstanding == 0,
            outstanding,
            months,
        }
    }
}
