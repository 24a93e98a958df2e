//! Extending a drawn month (`grounds sample --extend`): more searches or
//! reserves per champion, or champions appended to the champions file,
//! without moving anything already dealt. Pure, like the draw: `verify`
//! replays the original draw and every extension the manifest records.
//!
//! The rule (the README, "Extending a draw"): if a fresh draw with the
//! extended parameters keeps every existing assignment at its champion,
//! role and position, the extension is that fresh draw; otherwise the walk
//! is continued: the draw's phases run again with the new quotas over the
//! same ranking(s), each from the top, skipping every record already dealt,
//! round-robin from the first champion, and a champion's new searches are
//! appended after their existing ones.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::draw::{deal, rank_order, Candidate, Champion, ChampionDraw, DrawRequest};
pub use super::extend_check::{check_extension, DrawnState, ExtendAsk, ExtendError};
use super::stratified::{draw_with_design, minority_reserves, Dealt, Design};
use crate::hashing::{ALGORITHM, ALGORITHM_V2};

/// Which branch of the rule an extension took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rule {
    /// A fresh draw with the extended parameters kept every assignment:
    /// the extended draw is that fresh draw.
    Fresh,
    /// The walk was continued from the assignments already made.
    Continued,
}

/// One extension, as the manifest records it (appended to `extensions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    /// When (UTC, RFC 3339).
    pub at: String,
    /// Who ran it.
    pub by: String,
    /// The grounds that made it (`tool_version` is the original draw's).
    pub tool_version: String,
    /// `--per-champion` after this extension.
    pub per_champion: usize,
    /// `--reserves` after this extension.
    pub reserves: usize,
    /// Champions appended to the champions file, in its order (they are
    /// also the last entries of the manifest's `champions`).
    #[serde(default)]
    pub champions_added: Vec<String>,
    pub rule: Rule,
    /// Searches and reserves this extension dealt, over all champions.
    pub sample_added: usize,
    pub reserves_added: usize,
    /// Per champion given anything, in champions order: how many searches
    /// and reserves were appended to their lists (so a record's history
    /// can say which extension dealt it).
    #[serde(default)]
    pub added: Vec<Added>,
    /// The SHA-256 of the manifest this extension replaced.
    pub previous_manifest_sha256: String,
}

/// What one extension appended to one champion's lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Added {
    pub champion: String,
    pub sample: usize,
    pub reserves: usize,
}

/// What one extension came to, recomputed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub rule: Rule,
    pub added: Vec<Added>,
}

impl Step {
    /// The step `before` to `after` took under `rule`.
    pub fn between(rule: Rule, before: &[ChampionDraw], after: &[ChampionDraw]) -> Self {
        let added = after
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let (s, r) = before
                    .get(i)
                    .map_or((0, 0), |b| (b.sample.len(), b.reserves.len()));
                Added {
                    champion: a.champion.name.clone(),
                    sample: a.sample.len().saturating_sub(s),
                    reserves: a.reserves.len().saturating_sub(r),
                }
            })
            .filter(|a| a.sample > 0 || a.reserves > 0)
            .collect();
        Self { rule, added }
    }

    /// Searches and reserves added, over all champions.
    pub fn totals(&self) -> (usize, usize) {
        self.added
            .iter()
            .fold((0, 0), |(s, r), a| (s + a.sample, r + a.reserves))
    }

    /// Whether `recorded` says what this step did.
    pub fn matches(&self, recorded: &Extension) -> bool {
        let (sample, reserves) = self.totals();
        recorded.rule == self.rule
            && recorded.sample_added == sample
            && recorded.reserves_added == reserves
            && recorded.added == self.added
    }
}

/// Which extension (0-based) dealt the `position`th (1-based) entry of a
/// champion's sample (`in_sample`) or reserves, whose list is now `len`
/// long; `None` when the original draw dealt it.
pub(super) fn dealt_by(
    extensions: &[Extension],
    champion: &str,
    in_sample: bool,
    len: usize,
    position: usize,
) -> Option<usize> {
    let mut end = len;
    for (number, extension) in extensions.iter().enumerate().rev() {
        let added = extension
            .added
            .iter()
            .find(|a| a.champion == champion)
            .map_or(0, |a| if in_sample { a.sample } else { a.reserves });
        let start = end.saturating_sub(added);
        if position > start && position <= end {
            return Some(number);
        }
        end = start;
    }
    None
}

/// Extends `previous` (the draw of `champions[..previous.len()]` as it
/// stands) to all of `champions` with `request`'s quotas, under the rule in
/// the module comment. Strata, eligibility and shortfalls are worked out
/// afresh for the whole extended draw.
pub fn extend_draw(
    candidates: &[Candidate<'_>],
    champions: &[Champion],
    previous: &[ChampionDraw],
    request: &DrawRequest<'_>,
    design: Design,
) -> (Dealt, Rule) {
    let fresh = draw_with_design(candidates, champions, request, design);
    if keeps_everything(previous, &fresh.champions) {
        return (fresh, Rule::Fresh);
    }
    let mut draws: Vec<ChampionDraw> = champions
        .iter()
        .enumerate()
        .map(|(i, champion)| {
            let mut draw = ChampionDraw::empty(champion, candidates);
            if let Some(before) = previous.get(i) {
                draw.sample = before.sample.clone();
                draw.reserves = before.reserves.clone();
            }
            draw
        })
        .collect();
    let dealt: HashSet<&str> = previous
        .iter()
        .flat_map(|d| d.sample.iter().chain(&d.reserves))
        .map(String::as_str)
        .collect();
    match design {
        Design::Unstratified => continue_v1(candidates, &dealt, &mut draws, request),
        Design::Minority { k } => continue_v2(candidates, &dealt, &mut draws, request, k),
    }
    (
        Dealt::with_strata(candidates, champions, request, design, draws),
        Rule::Continued,
    )
}

/// Whether every champion's existing sample and reserves begin `fresh`'s.
fn keeps_everything(previous: &[ChampionDraw], fresh: &[ChampionDraw]) -> bool {
    previous.iter().zip(fresh).all(|(before, after)| {
        after.sample.starts_with(&before.sample) && after.reserves.starts_with(&before.reserves)
    }) && previous.len() <= fresh.len()
}

/// Marks the ranked positions of records already dealt.
fn taken(candidates: &[Candidate<'_>], order: &[u32], dealt: &HashSet<&str>) -> Vec<bool> {
    order
        .iter()
        .map(|&i| dealt.contains(candidates[i as usize].record_id))
        .collect()
}

/// `hash-rank-v1` continued: the sample phase, then the reserve phase, with
/// the new quotas, each over the one ranking from the top.
fn continue_v1(
    candidates: &[Candidate<'_>],
    dealt: &HashSet<&str>,
    draws: &mut [ChampionDraw],
    request: &DrawRequest<'_>,
) {
    let order = rank_order(candidates, ALGORITHM, request.seed, request.month, |_| true);
    let mut taken = taken(candidates, &order, dealt);
    deal(
        candidates,
        &order,
        &mut taken,
        draws,
        request.per_champion,
        |d| &mut d.sample,
    );
    deal(
        candidates,
        &order,
        &mut taken,
        draws,
        request.reserves,
        |d| &mut d.reserves,
    );
    for d in draws.iter_mut() {
        d.sample_shortfall = request.per_champion.saturating_sub(d.sample.len());
        d.reserve_shortfall = request.reserves.saturating_sub(d.reserves.len());
    }
}

/// `hash-rank-v2` continued: phases (a) to (d) with the new quotas. A
/// phase's need is counted in its own terms: (a) minority searches in the
/// sample below K, (b) the sample below `per_champion`, (c) minority
/// reserves below ceil(reserves x K / per_champion), (d) reserves below
/// `reserves`.
fn continue_v2(
    candidates: &[Candidate<'_>],
    dealt: &HashSet<&str>,
    draws: &mut [ChampionDraw],
    request: &DrawRequest<'_>,
    k: usize,
) {
    let (seed, month) = (request.seed, request.month);
    let minority_order = rank_order(candidates, ALGORITHM_V2, seed, month, |c| c.minority);
    let rest_order = rank_order(candidates, ALGORITHM_V2, seed, month, |c| !c.minority);
    let mut minority_taken = taken(candidates, &minority_order, dealt);
    let mut rest_taken = taken(candidates, &rest_order, dealt);
    let minority: HashSet<&str> = candidates
        .iter()
        .filter(|c| c.minority)
        .map(|c| c.record_id)
        .collect();
    let count = |ids: &[String]| {
        ids.iter()
            .filter(|id| minority.contains(id.as_str()))
            .count()
    };
    let k = k.min(request.per_champion);
    let minority_quota = minority_reserves(request.reserves, k, request.per_champion);

    let mut have: Vec<usize> = draws.iter().map(|d| count(&d.sample)).collect();
    deal_counted(
        candidates,
        &minority_order,
        &mut minority_taken,
        draws,
        &mut have,
        k,
        true,
    );
    let minority_in_sample = have;
    let mut have: Vec<usize> = draws.iter().map(|d| d.sample.len()).collect();
    deal_counted(
        candidates,
        &rest_order,
        &mut rest_taken,
        draws,
        &mut have,
        request.per_champion,
        true,
    );
    let mut have: Vec<usize> = draws.iter().map(|d| count(&d.reserves)).collect();
    deal_counted(
        candidates,
        &minority_order,
        &mut minority_taken,
        draws,
        &mut have,
        minority_quota,
        false,
    );
    let minority_in_reserves = have;
    let mut have: Vec<usize> = draws.iter().map(|d| d.reserves.len()).collect();
    deal_counted(
        candidates,
        &rest_order,
        &mut rest_taken,
        draws,
        &mut have,
        request.reserves,
        false,
    );
    for (i, d) in draws.iter_mut().enumerate() {
        d.minority_shortfall = k.saturating_sub(minority_in_sample[i]);
        d.minority_reserve_shortfall = minority_quota.saturating_sub(minority_in_reserves[i]);
        d.sample_shortfall = request.per_champion.saturating_sub(d.sample.len());
        d.reserve_shortfall = request.reserves.saturating_sub(d.reserves.len());
    }
}

/// One phase as [`deal`] walks it, with each champion's need counted in
/// `have` (the phase's own terms) instead of by list length. Appends to
/// the sample (`to_sample`) or the reserves.
fn deal_counted(
    candidates: &[Candidate<'_>],
    order: &[u32],
    taken: &mut [bool],
    draws: &mut [ChampionDraw],
    have: &mut [usize],
    wanted: usize,
    to_sample: bool,
) {
    let count = draws.len();
    let mut next = 0;
    for (position, &i) in order.iter().enumerate() {
        if !have.iter().any(|&n| n < wanted) {
            break;
        }
        if taken[position] {
            continue;
        }
        let candidate = &candidates[i as usize];
        for offset in 0..count {
            let index = (next + offset) % count;
            if have[index] < wanted && draws[index].champion.can_take(candidate) {
                let list = if to_sample {
                    &mut draws[index].sample
                } else {
                    &mut draws[index].reserves
                };
                list.push(candidate.record_id.to_string());
                have[index] += 1;
                taken[position] = true;
                next = (index + 1) % count;
                break;
            }
        }
    }
}

/// What the draw was before its extensions: the first `champions.len() -
/// Σ champions_added` champions, with the manifest's `parameters`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Original {
    pub champions: usize,
    pub per_champion: usize,
    pub reserves: usize,
}

/// The original draw, then each extension in turn, recomputed from the
/// candidates: what `verify` compares with the manifest. Also returns what
/// each extension came to. An inconsistent extension list (more champions
/// added than there are, a lower count) is an error.
pub fn replay(
    candidates: &[Candidate<'_>],
    champions: &[Champion],
    seed: &str,
    month: &str,
    original: Original,
    extensions: &[Extension],
    design: Design,
) -> Result<(Dealt, Vec<Step>), String> {
    if original.champions > champions.len() || original.champions == 0 {
        return Err(format!(
            "the extensions add {} champions, but the manifest has {}",
            champions.len().saturating_sub(original.champions),
            champions.len()
        ));
    }
    let request = |per_champion, reserves| DrawRequest {
        seed,
        month,
        per_champion,
        reserves,
    };
    let mut dealt = draw_with_design(
        candidates,
        &champions[..original.champions],
        &request(original.per_champion, original.reserves),
        design,
    );
    let (mut upto, mut per, mut reserves) =
        (original.champions, original.per_champion, original.reserves);
    let mut steps = Vec::new();
    for (number, extension) in extensions.iter().enumerate() {
        let added = extension.champions_added.len();
        let names: Vec<&str> = champions
            .get(upto..upto + added)
            .unwrap_or_default()
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        if names != extension.champions_added {
            return Err(format!(
                "extension {} adds champions {:?}, but the manifest's champions there are {:?}",
                number + 1,
                extension.champions_added,
                names
            ));
        }
        if extension.per_champion < per || extension.reserves < reserves {
            return Err(format!(
                "extension {} lowers per_champion or reserves ({per} to {}, {reserves} to {})",
                number + 1,
                extension.per_champion,
                extension.reserves
            ));
        }
        upto += added;
        per = extension.per_champion;
        reserves = extension.reserves;
        let (next, rule) = extend_draw(
            candidates,
            &champions[..upto],
            &dealt.champions,
            &request(per, reserves),
            design,
        );
        steps.push(Step::between(rule, &dealt.champions, &next.champions));
        dealt = next;
    }
    if upto != champions.len() {
        return Err(format!(
            "the manifest has {} champions, but the draw and its extensions account for {upto}",
            champions.len()
        ));
    }
    Ok((dealt, steps))
}

#[cfg(test)]
#[path = "extend_tests.rs"]
mod tests;
