//! Planning a review (`grounds plan`): what a sample design buys, before
//! anything is drawn. The maths is `stats::plan`; this puts a force's month
//! and a design around it. Nothing is written; an export, when given, is
//! only read for the month's size and ethnic composition.
//!
//! A month is planned as the draw would split it: one stratum for a plain
//! random draw (`hash-rank-v1`), or, with K minority searches per champion,
//! a `minority` stratum (officer-defined Black, Asian, Mixed or Other) and a
//! `rest` stratum (`hash-rank-v2`, `../shared/DESIGN.md`). A period of
//! several months has one set of strata per month, all of the month's
//! composition. Areas and officer exclusions are not modelled: they make a
//! draw's weights a little less equal, so real intervals are at least this
//! wide.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use chrono_tz::Tz;
use serde::Serialize;

use crate::ethnicity::{broad_group, Scheme};
use crate::export::{scan_month, ColumnMapping, MonthWindow, YearMonth};
use crate::sample::{read_champions, PER_CHAMPION_LIMITS};
use crate::stats::plan::{
    detectable_difference, draws_for_judged, judged_for_margin, planned_effective_n,
    wilson_half_width, PlannedStratum,
};
use crate::stats::{DETECTION_CONFIDENCE, DETECTION_POWER};

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;

/// The confidence level of every interval a plan states.
pub const PLAN_CONFIDENCE: f64 = 0.95;
/// The expected proportion reasonable when none is given.
pub const DEFAULT_PROPORTION: f64 = 0.85;
/// The half-width aimed at when none is given: ±10 points.
pub const DEFAULT_MARGIN: f64 = 0.10;
/// The expected share of `insufficient_info` verdicts when none is given.
pub const DEFAULT_INSUFFICIENT: f64 = 0.10;
/// The longest period a plan looks at, in months.
pub const MAX_MONTHS: u32 = 36;

/// What to plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRequest {
    /// The proportion reasonable the review expects to find, in (0, 1).
    pub proportion: f64,
    /// The half-width of the 95% Wilson interval to aim for (`None`: ±10 points).
    pub margin: Option<f64>,
    /// The expected share of drawn searches judged `insufficient_info`, in [0, 1).
    pub insufficient: f64,
    /// A sampling design to evaluate, when one is given.
    pub design: Option<DesignRequest>,
}

impl PlanRequest {
    /// The defaults: 0.85 expected, ±10 points, 10% insufficient, no design.
    pub fn new() -> Self {
        Self {
            proportion: DEFAULT_PROPORTION,
            margin: None,
            insufficient: DEFAULT_INSUFFICIENT,
            design: None,
        }
    }
}

impl Default for PlanRequest {
    fn default() -> Self {
        Self::new()
    }
}

/// A design: how many searches each champion reviews a month, and of whom.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignRequest {
    pub per_champion: u32,
    pub champions: ChampionsSource,
    /// Minority-ethnic searches per champion to evaluate (K of `hash-rank-v2`);
    /// the plain random draw is always evaluated too, and K = 0 is that draw.
    pub minority_per_champion: Vec<u32>,
    /// The periods to evaluate, in months (1 and 3: a month and a quarter).
    pub months: Vec<u32>,
    pub composition: CompositionSource,
}

/// The number of champions, or the champions file that lists them.
#[derive(Debug, Clone, PartialEq)]
pub enum ChampionsSource {
    Count(u32),
    File(PathBuf),
}

/// Where a month's size and ethnic composition come from.
#[derive(Debug, Clone, PartialEq)]
pub enum CompositionSource {
    /// Given by hand: the month's searches and the minority-ethnic share (the
    /// rest are taken as White).
    Given { searches: u64, minority_share: f64 },
    /// Read from the month's rows of the export(s), by officer-defined ethnicity.
    Export {
        exports: Vec<PathBuf>,
        month: YearMonth,
        columns: Option<PathBuf>,
        timezone: Tz,
    },
}

/// What a plan found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub proportion: f64,
    pub confidence: f64,
    pub margin: f64,
    pub insufficient: f64,
    /// The fewest judged searches whose Wilson half-width at `proportion` is
    /// within `margin`.
    pub judged: u64,
    /// The draws that leave `judged` after the expected insufficient share.
    pub draws: u64,
    /// `draws` shared among the design's champions, rounded up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draws_per_champion: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub design: Option<DesignPlan>,
}

/// A design's expected intervals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DesignPlan {
    pub champions: u32,
    pub per_champion: u32,
    pub composition: Composition,
    /// The plain random draw first, then one per K > 0 asked for.
    pub schemes: Vec<SchemePlan>,
}

/// One month's searches by officer-defined ethnicity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Composition {
    /// The month read from an export; `None` when given by hand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month: Option<YearMonth>,
    pub searches: u64,
    /// Black, Asian, Mixed or Other.
    pub minority: u64,
    pub white: u64,
    /// Not stated, empty or unrecognised: in neither group.
    pub not_stated: u64,
}

impl Composition {
    fn checked(self) -> Result<Self> {
        if self.searches == 0 {
            bail!("the month has no searches: there is nothing to plan a review of");
        }
        if self.minority + self.white + self.not_stated != self.searches {
            bail!(
                "the month's ethnic groups ({} minority, {} White, {} not stated) do not add up to its {} searches",
                self.minority, self.white, self.not_stated, self.searches
            );
        }
        Ok(self)
    }

    fn rest(&self) -> u64 {
        self.searches - self.minority
    }
}

/// A sampling scheme's draws a month and expected intervals per period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchemePlan {
    /// `random` (`hash-rank-v1`) or `stratified` (`hash-rank-v2`).
    pub scheme: &'static str,
    /// K; 0 for the random draw.
    pub minority_per_champion: u32,
    /// Draws a month from the minority stratum (`None` for the random draw,
    /// which has no strata).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minority_draws: Option<u64>,
    /// Draws a month in all.
    pub draws: u64,
    /// Draws a month asked for but not possible: the month (or, for the
    /// minority stratum, its minority searches) is too small; a short minority
    /// stratum is topped up from the rest.
    pub shortfall: u64,
    pub periods: Vec<PeriodPlan>,
}

/// Expected figures over a period of whole months.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodPlan {
    pub months: u32,
    pub all: Option<DomainPlan>,
    pub minority: Option<DomainPlan>,
    pub white: Option<DomainPlan>,
    /// The smallest shortfall of the minority figure below the White one that
    /// a two-sided 5% test detects with 80% power; `None` when no gap could be.
    pub detectable_difference: Option<f64>,
}

/// One domain's expected sample and interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainPlan {
    /// Expected judged searches in the domain.
    pub judged: f64,
    /// Expected effective size after the design's unequal weights.
    pub effective_n: f64,
    /// Expected half-width of the 95% Wilson interval.
    pub half_width: f64,
}

/// Works out what `request` buys. Reads the champions file and the
/// export(s) when the design names them; writes nothing.
pub fn plan(request: &PlanRequest) -> Result<Plan> {
    let p = request.proportion;
    if !(p > 0.0 && p < 1.0) {
        bail!("--proportion must be strictly between 0 and 1, such as 0.85, but it is {p}");
    }
    let margin = request.margin.unwrap_or(DEFAULT_MARGIN);
    if !(margin > 0.0 && margin < 1.0) {
        bail!("--margin must be strictly between 0 and 1, such as 0.10 for ±10 points, but it is {margin}");
    }
    let insufficient = request.insufficient;
    if !(0.0..1.0).contains(&insufficient) {
        bail!(
            "--insufficient must be at least 0 and below 1, such as 0.10, but it is {insufficient}"
        );
    }
    let judged = judged_for_margin(p, margin, PLAN_CONFIDENCE)?;
    let draws = draws_for_judged(judged, insufficient)?;
    let design = match &request.design {
        Some(design) => Some(plan_design(design, p, insufficient)?),
        None => None,
    };
    let draws_per_champion = design
        .as_ref()
        .map(|d| draws.div_ceil(u64::from(d.champions)));
    Ok(Plan {
        proportion: p,
        confidence: PLAN_CONFIDENCE,
        margin,
        insufficient,
        judged,
        draws,
        draws_per_champion,
        design,
    })
}

fn plan_design(design: &DesignRequest, p: f64, insufficient: f64) -> Result<DesignPlan> {
    let per = design.per_champion;
    if !PER_CHAMPION_LIMITS.contains(&per) {
        bail!(
            "--per-champion must be from {} to {}, but it is {per}",
            PER_CHAMPION_LIMITS.start(),
            PER_CHAMPION_LIMITS.end()
        );
    }
    for &k in &design.minority_per_champion {
        if k > per {
            bail!("--minority-per-champion {k} is more than --per-champion {per}: K of each champion's {per} searches are minority ethnic, so K can be at most {per}");
        }
    }
    if design.months.is_empty() {
        bail!("--months needs at least one period, such as 1 or 3");
    }
    for &m in &design.months {
        if !(1..=MAX_MONTHS).contains(&m) {
            bail!("--months must be whole months from 1 to {MAX_MONTHS}, but one is {m}");
        }
    }
    let champions = champion_count(&design.champions)?;
    let composition = composition(&design.composition)?.checked()?;

    let mut schemes = vec![random_scheme(&composition, champions, per)];
    let mut ks: Vec<u32> = design
        .minority_per_champion
        .iter()
        .copied()
        .filter(|&k| k > 0)
        .collect();
    ks.sort_unstable();
    ks.dedup();
    schemes.extend(
        ks.into_iter()
            .map(|k| stratified_scheme(&composition, champions, per, k)),
    );
    let schemes = schemes
        .into_iter()
        .map(|scheme| scheme.evaluate(&composition, &design.months, p, insufficient))
        .collect::<Result<_>>()?;
    Ok(DesignPlan {
        champions,
        per_champion: per,
        composition,
        schemes,
    })
}

fn champion_count(source: &ChampionsSource) -> Result<u32> {
    match source {
        ChampionsSource::Count(0) => {
            bail!("--champions must be at least 1 (a number, or a champions file)")
        }
        ChampionsSource::Count(n) => Ok(*n),
        ChampionsSource::File(path) => {
            let champions = read_champions(path).with_context(|| {
                format!(
                    "--champions {}: not a number, nor a champions file that can be read",
                    path.display()
                )
            })?;
            u32::try_from(champions.len())
                .with_context(|| format!("{}: too many champions", path.display()))
        }
    }
}

fn composition(source: &CompositionSource) -> Result<Composition> {
    match source {
        CompositionSource::Given {
            searches,
            minority_share,
        } => {
            if !(0.0..=1.0).contains(minority_share) {
                bail!("--minority-share must be from 0 to 1, such as 0.15, but it is {minority_share}");
            }
            let minority = (*searches as f64 * minority_share).round() as u64;
            Ok(Composition {
                month: None,
                searches: *searches,
                minority,
                white: searches - minority,
                not_stated: 0,
            })
        }
        CompositionSource::Export {
            exports,
            month,
            columns,
            timezone,
        } => composition_of_export(exports, *month, columns.as_ref(), *timezone),
    }
}

/// Counts the month's searches by officer-defined ethnicity, as the
/// stratified draw splits them.
fn composition_of_export(
    exports: &[PathBuf],
    month: YearMonth,
    columns: Option<&PathBuf>,
    timezone: Tz,
) -> Result<Composition> {
    let mapping = match columns {
        Some(path) => ColumnMapping::from_toml_file(path)?,
        None => ColumnMapping::police_uk(),
    };
    if mapping.officer_defined_ethnicity.is_none() {
        bail!("the column mapping has no officer_defined_ethnicity column: a plan needs the month's searches by officer-defined ethnicity (or give --searches and --minority-share by hand)");
    }
    let window = MonthWindow::new(month, timezone, mapping.naive_dates);
    let scan = scan_month(exports, &mapping, window, timezone, &|_| {})?;
    if scan.records.is_empty() {
        let covered = match scan.covered {
            Some((first, last)) => format!("they cover {first} to {last}"),
            None => "they have no rows".to_string(),
        };
        bail!("no searches in {month} ({timezone}) in the exports: {covered}");
    }
    let (mut minority, mut white) = (0u64, 0u64);
    for count in scan
        .population
        .iter()
        .filter(|c| c.scheme == Scheme::Officer.key())
    {
        match broad_group(Scheme::Officer, &count.value).is_minority() {
            Some(true) => minority += count.searches,
            Some(false) => white += count.searches,
            None => {}
        }
    }
    let searches = scan.records.len() as u64;
    Ok(Composition {
        month: Some(month),
        searches,
        minority,
        white,
        not_stated: searches.saturating_sub(minority + white),
    })
}

/// One stratum of a month: its searches, its draws, and the shares of it
/// that are minority ethnic and White.
struct Stratum {
    population: u64,
    draws: u64,
    minority: f64,
    white: f64,
}

/// A month's draws under one scheme, before the insufficient share.
struct MonthDraws {
    name: &'static str,
    k: u32,
    /// Draws from the minority stratum; `None`: one stratum, the month.
    minority_draws: Option<u64>,
    draws: u64,
    shortfall: u64,
}

fn random_scheme(month: &Composition, champions: u32, per: u32) -> MonthDraws {
    let asked = u64::from(champions) * u64::from(per);
    let draws = asked.min(month.searches);
    MonthDraws {
        name: "random",
        k: 0,
        minority_draws: None,
        draws,
        shortfall: asked - draws,
    }
}

/// `hash-rank-v2`: K per champion from the minority stratum, the rest of
/// each champion's searches from the rest stratum, which also tops up a
/// short minority stratum.
fn stratified_scheme(month: &Composition, champions: u32, per: u32, k: u32) -> MonthDraws {
    let asked = u64::from(champions) * u64::from(per);
    let minority = (u64::from(champions) * u64::from(k)).min(month.minority);
    let rest = (asked - minority).min(month.rest());
    MonthDraws {
        name: "stratified",
        k,
        minority_draws: Some(minority),
        draws: minority + rest,
        shortfall: asked - minority - rest,
    }
}

impl MonthDraws {
    fn evaluate(
        self,
        month: &Composition,
        periods: &[u32],
        p: f64,
        insufficient: f64,
    ) -> Result<SchemePlan> {
        let periods = periods
            .iter()
            .map(|&months| self.period(month, months, p, insufficient))
            .collect::<Result<_>>()?;
        Ok(SchemePlan {
            scheme: self.name,
            minority_per_champion: self.k,
            minority_draws: self.minority_draws,
            draws: self.draws,
            shortfall: self.shortfall,
            periods,
        })
    }

    /// The month's strata as this scheme draws them.
    fn strata(&self, month: &Composition) -> Vec<Stratum> {
        let share = |part: u64, of: u64| {
            if of == 0 {
                0.0
            } else {
                part as f64 / of as f64
            }
        };
        match self.minority_draws {
            None => vec![Stratum {
                population: month.searches,
                draws: self.draws,
                minority: share(month.minority, month.searches),
                white: share(month.white, month.searches),
            }],
            Some(minority_draws) => vec![
                Stratum {
                    population: month.minority,
                    draws: minority_draws,
                    minority: 1.0,
                    white: 0.0,
                },
                Stratum {
                    population: month.rest(),
                    draws: self.draws - minority_draws,
                    minority: 0.0,
                    white: share(month.white, month.rest()),
                },
            ],
        }
    }

    fn period(
        &self,
        month: &Composition,
        months: u32,
        p: f64,
        insufficient: f64,
    ) -> Result<PeriodPlan> {
        let strata = self.strata(month);
        let judged_share = 1.0 - insufficient;
        // A domain is estimable only when every stratum holding some of it
        // is sampled; each month repeats the same strata, so one month decides.
        let domain = |share_of: fn(&Stratum) -> f64| -> Result<Option<DomainPlan>> {
            let held: Vec<&Stratum> = strata
                .iter()
                .filter(|s| share_of(s) > 0.0 && s.population > 0)
                .collect();
            if held.is_empty() || held.iter().any(|s| s.draws == 0) {
                return Ok(None);
            }
            let planned: Vec<PlannedStratum> = held
                .iter()
                .map(|s| PlannedStratum {
                    population: s.population,
                    judged: s.draws as f64 * judged_share,
                    domain_share: share_of(s),
                })
                .cycle()
                .take(held.len() * months as usize)
                .collect();
            let judged = planned.iter().map(|s| s.judged * s.domain_share).sum();
            let effective_n = planned_effective_n(&planned)?;
            Ok(Some(DomainPlan {
                judged,
                effective_n,
                half_width: wilson_half_width(p, effective_n, PLAN_CONFIDENCE)?,
            }))
        };
        let all = domain(|_| 1.0)?;
        let minority = domain(|s| s.minority)?;
        let white = domain(|s| s.white)?;
        let detectable = match (&white, &minority) {
            (Some(w), Some(m)) => detectable_difference(
                p,
                w.effective_n,
                m.effective_n,
                DETECTION_CONFIDENCE,
                DETECTION_POWER,
            ),
            _ => None,
        };
        Ok(PeriodPlan {
            months,
            all,
            minority,
            white,
            detectable_difference: detectable,
        })
    }
}
