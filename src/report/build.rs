//! Turning what the workspace holds into a [`Report`].

use std::collections::BTreeMap;

use crate::ethnicity::{broad_group, classify, Group, Scheme};
use crate::stats::{DesignError, DomainEstimate, StatsError};
use crate::store::{
    AssessedSearch, ChampionProgress, DrawRecord, DrawStrata, MonthPopulation, ReplacedDraw,
    ReviewPair,
};

use super::aggregate::{KeyColumn, SearchFrame, Tally};
use super::design::{SampleDesign, SampleDesignError};
use super::model::*;
use crate::threads::joined;

mod rows;

use rows::{breakdowns, champion_rows, month_rows, value_rows};

/// What the workspace holds for the period.
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    /// The assessed searches of the period, every champion's: the design
    /// weighs each by its whole stratum even in a report on one champion.
    pub searches: Vec<AssessedSearch>,
    /// What each draw's manifest keeps of its strata (a draw missing here
    /// gets one stratum for its month).
    pub strata: Vec<DrawStrata>,
    pub progress: Vec<ChampionProgress>,
    pub draws: Vec<DrawRecord>,
    pub populations: Vec<MonthPopulation>,
    /// Draws of the period that were replaced by a redraw.
    pub replaced_draws: Vec<ReplacedDraw>,
    /// Every search of the period dealt for a second review, every
    /// champion's (the report keeps those its champion reviewed).
    pub review_pairs: Vec<ReviewPair>,
    pub simulated: bool,
}

/// What the reader asked for.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub from: String,
    pub to: String,
    pub champion: Option<String>,
    pub scheme: Scheme,
    pub rules: EstimateRules,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("no assessments recorded for {from} to {to}{}", outstanding_note(*.outstanding))]
    NoAssessments {
        from: String,
        to: String,
        outstanding: u64,
    },
    #[error(transparent)]
    Stats(#[from] StatsError),
    #[error(transparent)]
    Design(#[from] DesignError),
    #[error(transparent)]
    SampleDesign(#[from] SampleDesignError),
    #[error("the review quality section: {0}")]
    Agreement(#[from] crate::stats::AgreementError),
    #[error("aggregating the assessments: {0}")]
    Polars(#[from] polars::error::PolarsError),
}

fn outstanding_note(outstanding: u64) -> String {
    if outstanding > 0 {
        format!(" ({outstanding} searches are drawn and waiting for review: see `grounds status`)")
    } else {
        String::new()
    }
}

const NOT_RECORDED: &str = "(not recorded)";

pub fn build(input: &ReportInput, options: &ReportOptions) -> Result<Report, ReportError> {
    let rules = &options.rules;
    let completeness = completeness(&input.progress);
    let in_report: Vec<bool> = input
        .searches
        .iter()
        .map(|s| options.champion.as_ref().is_none_or(|c| *s.champion == **c))
        .collect();
    if !in_report.contains(&true) {
        return Err(ReportError::NoAssessments {
            from: options.from.clone(),
            to: options.to.clone(),
            outstanding: completeness.outstanding,
        });
    }
    // The design and the frame's key columns need nothing of each other:
    // each is built on its own core.
    let (sample, (all_groups, unrecognised, keys)) = std::thread::scope(|scope| {
        let keys = scope.spawn(|| {
            let (groups, unrecognised) =
                classify_searches(&input.searches, &in_report, options.scheme);
            let keys = SearchFrame::keys(&input.searches, &groups);
            (groups, unrecognised, keys)
        });
        let sample = SampleDesign::new(&input.searches, &input.draws, &input.strata);
        (sample, joined(keys))
    });
    let sample = sample?;
    let pick = |i: usize| in_report[i];
    // A report on everyone reads the searches in place: copying 60,000 of
    // them cost more than all its estimates.
    let picked: Vec<AssessedSearch>;
    let searches: &[AssessedSearch] = if in_report.iter().all(|&counted| counted) {
        &input.searches
    } else {
        picked = (0..input.searches.len())
            .filter(|&i| pick(i))
            .map(|i| input.searches[i].clone())
            .collect();
        &picked
    };
    let frame = SearchFrame::with_keys(keys, &input.searches, &sample.no_suspicion, &in_report)?;
    let domains = Domains {
        sample: &sample,
        in_report: &in_report,
        rules,
    };

    let population: u64 = input.draws.iter().map(|d| d.month_records).sum();
    let group_population = group_populations(&input.populations, options.scheme);
    // The rows by month, champion, legislation and object are estimated on
    // one core while the groups, the comparison and the counts are on the other.
    let (rows, groups) = std::thread::scope(|scope| {
        let rows = scope.spawn(|| -> Result<_, ReportError> {
            Ok((
                month_rows(&frame, input, &domains)?,
                champion_rows(&frame, &input.progress, &domains)?,
                value_rows(&frame, "legislation", &domains)?,
                value_rows(&frame, "object_of_search", &domains)?,
            ))
        });
        let groups = || -> Result<_, ReportError> {
            let ethnic = ethnic_groups(&frame, &group_population, &domains)?;
            let (minority, comparison) = minority_and_comparison(&ethnic, &domains, &all_groups)?;
            let breakdowns = breakdowns(&frame, &ethnic.overall, searches, &input.progress)?;
            let overall = domains.estimate(&ethnic.overall, |_| true)?;
            Ok((ethnic, minority, comparison, breakdowns, overall))
        };
        let groups = groups();
        (joined(rows), groups)
    });
    let (by_month, by_champion, by_legislation, by_object) = rows?;
    let (ethnic, minority_estimate, comparison, breakdowns, overall) = groups?;
    let notes = notes(searches);
    Ok(Report {
        simulated: input.simulated
            || searches.iter().any(|s| s.simulated)
            || input.review_pairs.iter().any(|p| p.simulated),
        period: PeriodOut {
            from: options.from.clone(),
            to: options.to.clone(),
        },
        champion: options.champion.clone(),
        ethnicity: options.scheme.to_string(),
        method: rules.method.name().into(),
        method_label: rules.method.label().into(),
        confidence: rules.confidence,
        too_few_below: rules.too_few_below,
        public: false,
        suppressed_below: None,
        overall,
        population,
        groups: ethnic.rows,
        minority: minority_estimate,
        minority_population: ethnic.minority_population,
        comparison,
        by_month,
        by_champion,
        by_legislation,
        by_object,
        breakdowns,
        completeness,
        unrecognised_ethnicity: unrecognised
            .into_iter()
            .map(|(value, count)| Count {
                value: value.to_string(),
                count,
                suppressed: false,
            })
            .collect(),
        replaced_draws: input
            .replaced_draws
            .iter()
            .map(replaced_draw_info)
            .collect(),
        draws: input.draws.iter().map(draw_info).collect(),
        notes,
        design: sample.info.clone(),
        agreement: super::quality::review_quality(
            &input.review_pairs,
            &input.strata,
            options.champion.as_deref(),
            rules.confidence,
        )?,
    })
}

/// The minority-ethnic estimate, and its comparison with White when the
/// design has both.
fn minority_and_comparison(
    ethnic: &EthnicGroups,
    domains: &Domains<'_>,
    all_groups: &[&str],
) -> Result<(Estimate, Option<Comparison>), ReportError> {
    let minority_in = |i: usize| {
        Group::ALL
            .iter()
            .any(|g| g.is_minority() == Some(true) && g.label() == all_groups[i])
    };
    let white_in = |i: usize| all_groups[i] == Group::White.label();
    let minority = domains.estimate(&ethnic.minority, minority_in)?;
    let (Some(first), Some(second), Some(design)) = (
        domains.mask(minority_in),
        domains.mask(white_in),
        domains.sample.design.as_ref(),
    ) else {
        return Ok((minority, None));
    };
    let confidence = domains.rules.confidence;
    let compared = design.compare(&first, &second, confidence)?;
    let p = |e: &Estimate| e.proportion.unwrap_or(0.0);
    let white = ethnic
        .rows
        .iter()
        .find(|r| r.group == Group::White.label())
        .map_or(0.0, |r| p(&r.estimate));
    let compared = comparison(
        (&ethnic.minority, p(&minority)),
        (&ethnic.white, white),
        &compared,
        confidence,
    );
    Ok((minority, Some(compared)))
}

/// Domains of the design: the report's searches (one champion's, or all)
/// that a predicate on the search's input index picks.
struct Domains<'a> {
    sample: &'a SampleDesign,
    in_report: &'a [bool],
    rules: &'a EstimateRules,
}

impl Domains<'_> {
    fn mask(&self, mut in_domain: impl FnMut(usize) -> bool) -> Option<Vec<bool>> {
        self.sample.mask(|i| self.in_report[i] && in_domain(i))
    }

    /// The counts of `tally` with the design-based figures of the domain.
    fn estimate(
        &self,
        tally: &Tally,
        mut in_domain: impl FnMut(usize) -> bool,
    ) -> Result<Estimate, DesignError> {
        let design = self
            .sample
            .estimate(self.rules, |i| self.in_report[i] && in_domain(i))?;
        Ok(Estimate::from_tally(tally, self.rules, design.as_ref()))
    }

    /// The design-based figures of every key's domain, in the order of the
    /// (distinct) `keys`, in one pass over the searches: search `i` is in
    /// the domain of its value in `column`. A report has a row per month,
    /// champion, ..., and one pass per row was most of its time.
    fn estimates_by(
        &self,
        keys: &[&str],
        column: &KeyColumn,
    ) -> Result<Vec<Option<DomainEstimate>>, DesignError> {
        let place = column.places_among(keys);
        self.sample.estimate_each(self.rules, keys.len(), |i| {
            if self.in_report[i] {
                place[column.codes[i] as usize]
            } else {
                None
            }
        })
    }
}

/// One classification per search, in order: its group's label, or (for a
/// value grounds does not recognise) Not stated and a count to report.
fn classify_searches<'s>(
    searches: &'s [AssessedSearch],
    in_report: &[bool],
    scheme: Scheme,
) -> (Vec<&'static str>, BTreeMap<&'s str, u64>) {
    let mut unrecognised: BTreeMap<&str, u64> = BTreeMap::new();
    let mut groups: Vec<&'static str> = Vec::with_capacity(searches.len());
    // A few dozen distinct values, each classified once.
    let mut classified: foldhash::HashMap<&str, Option<Group>> = foldhash::HashMap::default();
    for (search, &counted) in searches.iter().zip(in_report) {
        let value = match scheme {
            Scheme::Officer => &search.officer_defined_ethnicity,
            Scheme::SelfDefined => &search.self_defined_ethnicity,
        };
        let known = *classified
            .entry(&**value)
            .or_insert_with(|| classify(scheme, value).ok());
        let group = known.unwrap_or_else(|| {
            if counted {
                *unrecognised.entry(&**value).or_default() += 1;
            }
            Group::NotStated
        });
        groups.push(group.label());
    }
    (groups, unrecognised)
}

/// The searched population of each group in the period's months. With
/// population counts for the scheme, a group nobody in it searched has 0,
/// not "unknown"; without them, every group is unknown.
fn group_populations(populations: &[MonthPopulation], scheme: Scheme) -> BTreeMap<Group, u64> {
    let scheme_rows: Vec<&MonthPopulation> = populations
        .iter()
        .filter(|p| p.scheme == scheme.key())
        .collect();
    let mut group_population: BTreeMap<Group, u64> = if scheme_rows.is_empty() {
        BTreeMap::new()
    } else {
        Group::ALL.iter().map(|g| (*g, 0)).collect()
    };
    for row in scheme_rows {
        *group_population
            .entry(broad_group(scheme, &row.value))
            .or_default() += row.searches;
    }
    group_population
}

/// The tallies by ethnic group, and what is built from them.
struct EthnicGroups {
    overall: Tally,
    minority: Tally,
    minority_population: Option<u64>,
    white: Tally,
    rows: Vec<GroupRow>,
}

fn ethnic_groups(
    frame: &SearchFrame,
    group_population: &BTreeMap<Group, u64>,
    domains: &Domains<'_>,
) -> Result<EthnicGroups, ReportError> {
    let by_group: BTreeMap<String, Tally> = frame.tallies_by("group")?.into_iter().collect();
    let mut overall = Tally::default();
    by_group.values().for_each(|t| overall.add(t));
    let mut minority = Tally::default();
    let mut minority_population: Option<u64> = None;
    let mut rows = Vec::new();
    let labels: Vec<&str> = Group::ALL.iter().map(|g| g.label()).collect();
    let estimates = domains.estimates_by(&labels, frame.key("group")?)?;
    for (group, design) in Group::ALL.into_iter().zip(&estimates) {
        let tally = by_group.get(group.label()).copied().unwrap_or_default();
        let group_searches = group_population.get(&group).copied();
        if group.is_minority() == Some(true) {
            minority.add(&tally);
            if let Some(n) = group_searches {
                *minority_population.get_or_insert(0) += n;
            }
        }
        rows.push(GroupRow {
            group: group.label().to_string(),
            population: group_searches,
            reviewed_share: group_searches
                .filter(|&n| n > 0)
                .map(|n| (tally.judged() + tally.insufficient_info) as f64 / n as f64),
            estimate: Estimate::from_tally(&tally, domains.rules, design.as_ref()),
        });
    }
    let white = by_group
        .get(Group::White.label())
        .copied()
        .unwrap_or_default();
    Ok(EthnicGroups {
        overall,
        minority,
        minority_population,
        white,
        rows,
    })
}

fn replaced_draw_info(d: &ReplacedDraw) -> ReplacedDrawInfo {
    ReplacedDrawInfo {
        month: d.month.clone(),
        seed: d.seed.clone(),
        created_at: d.created_at.clone(),
        manifest_sha256: d.manifest_sha256.clone(),
        replaced_at: d.superseded_at.clone(),
        reason: d.reason.clone(),
    }
}

fn draw_info(d: &DrawRecord) -> DrawInfo {
    DrawInfo {
        month: d.month.clone(),
        seed: d.seed.clone(),
        created_at: d.created_at.clone(),
        manifest_sha256: d.manifest_sha256.clone(),
        searches_in_month: d.month_records,
        inputs: d
            .inputs
            .iter()
            .map(|(file, sha256)| InputFile {
                file: file.clone(),
                sha256: sha256.clone(),
            })
            .collect(),
    }
}

/// Reviewers' notes, in report order.
fn notes(searches: &[AssessedSearch]) -> Vec<Note> {
    searches
        .iter()
        .filter(|s| !s.notes.trim().is_empty())
        .map(|s| Note {
            month: s.month.to_string(),
            champion: s.champion.to_string(),
            record_id: s.record_id.clone(),
            grounds: s.grounds.to_string(),
            text: s.notes.clone(),
        })
        .collect()
}

fn completeness(progress: &[ChampionProgress]) -> Completeness {
    let mut per_month: BTreeMap<&str, u64> = BTreeMap::new();
    let (mut assigned, mut assessed) = (0, 0);
    for p in progress {
        assigned += p.assigned;
        assessed += p.assessed;
        *per_month.entry(p.month.as_str()).or_default() += p.assigned.saturating_sub(p.assessed);
    }
    let outstanding = assigned - assessed.min(assigned);
    Completeness {
        assigned,
        assessed,
        outstanding,
        complete: outstanding == 0,
        incomplete_months: per_month
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(month, outstanding)| MonthOutstanding {
                month: month.to_string(),
                outstanding,
            })
            .collect(),
    }
}
