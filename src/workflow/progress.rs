//! Who has assessed what: each champion's progress, per month, with totals.

use anyhow::{bail, Result};
use chrono::{Days, NaiveDate};
use chrono_tz::Tz;
use serde::Serialize;

use super::Workspace;
use crate::assess::targets::TargetState;
use crate::assess::workbook::{search_times, SearchedAt};
use crate::export::YearMonth;
use crate::store::{ChampionProgress, Period, SecondReviewProgress};

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
    /// Blind second reviews (`sample --second-review`), per champion: apart
    /// from their own searches, and in no total above.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub second_reviews: Vec<SecondReviewProgress>,
}

impl MonthProgress {
    /// Second reviews due and done over the month's champions.
    pub fn second_review_totals(&self) -> (u64, u64) {
        self.second_reviews
            .iter()
            .fold((0, 0), |(due, done), c| (due + c.due, done + c.done))
    }
}

/// The progress of every month asked for (the JSON of `grounds status`).
#[derive(Serialize, Clone, PartialEq, Eq, Debug)]
pub struct Progress {
    /// The workspace holds simulated assessments (`grounds demo`).
    pub simulated: bool,
    pub months: Vec<MonthProgress>,
    /// The champions' own searches still to assess.
    pub outstanding: u64,
    pub complete: bool,
    /// Blind second reviews still to do: apart from `outstanding`, and no
    /// part of `complete` (the figures rest on the first reviews).
    #[serde(skip_serializing_if = "is_zero")]
    pub second_outstanding: u64,
    /// Unassessed searches whose footage is deleted soon or already was
    /// (filled by [`footage_deadlines`]; empty until then).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub footage_deadlines: Vec<FootageDeadline>,
}

/// An unassessed search whose body-worn video is deleted after `deleted_after`.
#[derive(Serialize, Clone, PartialEq, Eq, Debug)]
pub struct FootageDeadline {
    pub month: String,
    pub champion: String,
    pub record_id: String,
    /// The last day the footage is kept: the search's local date plus the
    /// draw's retention days.
    pub deleted_after: NaiveDate,
    /// The deadline is before today: the footage is most likely gone.
    pub passed: bool,
}

/// Searches still to assess (sampled, reserves brought in, or second
/// reviews, under the second champion) whose footage
/// deadline is before `today + warn_days`, soonest first; for `month` or
/// every month drawn. The deadline counts from each draw's
/// `bwv_retention_days` (31 for draws made before it was recorded).
pub fn footage_deadlines(
    workspace: &Workspace,
    month: Option<YearMonth>,
    today: NaiveDate,
    warn_days: u32,
) -> Result<Vec<FootageDeadline>> {
    let mut store = crate::store::Store::open_read_only(workspace.db())?;
    let tx = store.read()?;
    let horizon = today
        .checked_add_days(Days::new(u64::from(warn_days)))
        .unwrap_or(NaiveDate::MAX);
    let draws = match month {
        Some(month) => tx.current_draw(&month.to_string())?.into_iter().collect(),
        None => tx.current_draws()?,
    };
    let mut found = Vec::new();
    for draw in draws {
        let manifest = tx.manifest(draw.id)?;
        let zone: Tz = manifest
            .timezone
            .parse()
            .unwrap_or(chrono_tz::Europe::London);
        let Some(targets) = tx.draw_targets(&draw.month, None)? else {
            continue;
        };
        // A second reviewer needs the footage too.
        for (record_id, target) in targets.targets.iter().chain(&targets.second) {
            if target.state != TargetState::Active || target.current.is_some() {
                continue;
            }
            let Some(details) = tx.search_details(draw.id, record_id)? else {
                continue;
            };
            let date = details
                .header
                .iter()
                .position(|h| h.trim() == manifest.columns.date.trim())
                .and_then(|i| details.fields.get(i));
            let Some(at) = date.and_then(|text| {
                SearchedAt::from_export_field(
                    text,
                    manifest.columns.date_format.as_deref(),
                    manifest.columns.naive_dates,
                )
            }) else {
                continue;
            };
            let deleted_after = search_times(at, zone, manifest.parameters.bwv_retention_days)
                .footage_deleted_after;
            if deleted_after <= horizon {
                found.push(FootageDeadline {
                    month: draw.month.clone(),
                    champion: target.champion.clone(),
                    record_id: record_id.clone(),
                    deleted_after,
                    passed: deleted_after < today,
                });
            }
        }
    }
    found.sort_by(|a, b| {
        (a.deleted_after, &a.month, &a.champion, &a.record_id).cmp(&(
            b.deleted_after,
            &b.month,
            &b.champion,
            &b.record_id,
        ))
    });
    Ok(found)
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
    let period = Period {
        from: month.clone(),
        to: month,
        champion: None,
    };
    let rows = tx.progress(&period)?;
    let mut progress = Progress::from_rows(simulated, rows);
    for second in tx.second_review_progress(&period)? {
        if let Some(month) = progress.months.iter_mut().find(|m| m.month == second.month) {
            month.second_reviews.push(second);
        }
    }
    progress.second_outstanding = progress
        .months
        .iter()
        .map(|m| {
            let (due, done) = m.second_review_totals();
            due.saturating_sub(done)
        })
        .sum();
    Ok(progress)
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
                    second_reviews: Vec::new(),
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
            second_outstanding: 0,
            footage_deadlines: Vec::new(),
        }
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}
