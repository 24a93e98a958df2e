//! The report's rows by month, champion and an export column's value, and
//! the breakdowns of the other assessment fields.

use std::collections::BTreeMap;

use crate::assess::{Bwv, Conduct, Gowisely, Grounds, Referral};
use crate::store::{AssessedSearch, ChampionProgress};

use super::{Domains, ReportError, ReportInput, NOT_RECORDED};
use crate::report::aggregate::{SearchFrame, Tally};
use crate::report::model::*;

/// One row per drawn month, with its progress.
pub(super) fn month_rows(
    frame: &SearchFrame,
    input: &ReportInput,
    domains: &Domains<'_>,
) -> Result<Vec<MonthRow>, ReportError> {
    let month_tallies: BTreeMap<String, Tally> = frame.tallies_by("month")?.into_iter().collect();
    let mut by_month = Vec::new();
    let months: Vec<&str> = input.draws.iter().map(|d| d.month.as_str()).collect();
    let estimates = domains.estimates_by(&months, frame.key("month")?)?;
    for (draw, design) in input.draws.iter().zip(&estimates) {
        let (assigned, assessed) = input
            .progress
            .iter()
            .filter(|p| p.month == draw.month)
            .fold((0, 0), |(a, s), p| (a + p.assigned, s + p.assessed));
        let tally = month_tallies.get(&draw.month).copied().unwrap_or_default();
        by_month.push(MonthRow {
            month: draw.month.clone(),
            population: draw.month_records,
            assigned,
            outstanding: assigned.saturating_sub(assessed),
            estimate: Estimate::from_tally(&tally, domains.rules, design.as_ref()),
        });
    }
    Ok(by_month)
}

/// One row per champion, alphabetical, never ranked: twenty searches say
/// little about one officer.
pub(super) fn champion_rows(
    frame: &SearchFrame,
    progress: &[ChampionProgress],
    domains: &Domains<'_>,
) -> Result<Vec<ChampionRow>, ReportError> {
    let champion_tallies: BTreeMap<String, Tally> =
        frame.tallies_by("champion")?.into_iter().collect();
    let mut champion_progress: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for p in progress {
        let entry = champion_progress.entry(p.champion.as_str()).or_default();
        entry.0 += p.assigned;
        entry.1 += p.assessed;
    }
    let mut by_champion = Vec::new();
    let champions: Vec<&str> = champion_progress.keys().copied().collect();
    let estimates = domains.estimates_by(&champions, frame.key("champion")?)?;
    for ((champion, (assigned, assessed)), design) in champion_progress.into_iter().zip(&estimates)
    {
        let tally = champion_tallies.get(champion).copied().unwrap_or_default();
        by_champion.push(ChampionRow {
            champion: champion.to_string(),
            assigned,
            outstanding: assigned.saturating_sub(assessed),
            estimate: Estimate::from_tally(&tally, domains.rules, design.as_ref()),
        });
    }
    Ok(by_champion)
}

/// Rows per value of the export's column `key`, most assessed first (ties by name).
pub(super) fn value_rows(
    frame: &SearchFrame,
    key: &str,
    domains: &Domains<'_>,
) -> Result<Vec<ValueRow>, ReportError> {
    let tallies = frame.tallies_by(key)?;
    let values: Vec<&str> = tallies.iter().map(|(value, _)| value.as_str()).collect();
    let estimates = domains.estimates_by(&values, frame.key(key)?)?;
    let mut rows: Vec<ValueRow> = tallies
        .iter()
        .zip(&estimates)
        .map(|((value, tally), design)| ValueRow {
            value: if value.trim().is_empty() {
                NOT_RECORDED.to_string()
            } else {
                value.clone()
            },
            estimate: Estimate::from_tally(tally, domains.rules, design.as_ref()),
        })
        .collect();
    rows.sort_by(|a, b| {
        let size = |r: &ValueRow| r.estimate.assessed + r.estimate.insufficient_info;
        size(b).cmp(&size(a)).then_with(|| a.value.cmp(&b.value))
    });
    Ok(rows)
}

/// Counts for every allowed value (zeros included), in the vocabulary's order.
fn full_counts(observed: Vec<(String, u64)>, vocabulary: &[&str]) -> Vec<Count> {
    let observed: BTreeMap<String, u64> = observed.into_iter().collect();
    vocabulary
        .iter()
        .map(|value| Count {
            value: value.to_string(),
            count: observed.get(*value).copied().unwrap_or(0),
            suppressed: false,
        })
        .collect()
}

pub(super) fn breakdowns(
    frame: &SearchFrame,
    overall: &Tally,
    searches: &[AssessedSearch],
    progress: &[ChampionProgress],
) -> Result<Breakdowns, ReportError> {
    let mut verdicts: Vec<Count> = [
        (Grounds::Reasonable, overall.reasonable),
        (Grounds::NotReasonable, overall.not_reasonable),
        (Grounds::NoneRecorded, overall.none_recorded),
        (Grounds::InsufficientInfo, overall.insufficient_info),
    ]
    .into_iter()
    .map(|(verdict, count)| Count {
        value: verdict.as_str().into(),
        count,
        suppressed: false,
    })
    .collect();
    // Only where there are any: most forces' periods have none.
    if overall.not_required > 0 {
        verdicts.push(Count {
            value: "not_required".into(),
            count: overall.not_required,
            suppressed: false,
        });
    }
    let mut themes: Vec<(String, u64)> = Vec::new();
    for theme in searches.iter().flat_map(|s| &s.themes) {
        match themes
            .iter_mut()
            .find(|(t, _)| t.eq_ignore_ascii_case(theme))
        {
            Some((_, count)) => *count += 1,
            None => themes.push((theme.clone(), 1)),
        }
    }
    themes.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| a.0.to_lowercase().cmp(&b.0.to_lowercase()))
    });
    Ok(Breakdowns {
        verdicts,
        bwv: full_counts(
            frame.counts_by("bwv")?,
            &Bwv::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
        ),
        substituted: progress.iter().map(|p| p.substituted).sum(),
        substituted_for_missing_footage: progress.iter().map(|p| p.footage_missing).sum(),
        gowisely: full_counts(
            frame.counts_by("gowisely")?,
            &Gowisely::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
        ),
        conduct: full_counts(
            frame.counts_by("conduct")?,
            &Conduct::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
        ),
        referrals: full_counts(
            frame.counts_by("referral")?,
            &Referral::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
        ),
        themes: themes
            .into_iter()
            .map(|(value, count)| Count {
                value,
                count,
                suppressed: false,
            })
            .collect(),
    })
}
