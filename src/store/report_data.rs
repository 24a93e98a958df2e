//! What reports read: current assessments of active searches in current
//! draws, the progress of each draw, and the month's population counts.

use std::collections::{HashMap, HashSet};

use rusqlite::params;
use serde::Deserialize;

use super::{Result, Tx};
use crate::assess::{Bwv, Conduct, Gowisely, Grounds, InvalidValue, Referral};

#[cfg(test)]
mod tests;

/// A stored verdict, checked against its vocabulary and in its canonical
/// spelling: a value the schema does not allow (only a damaged or
/// hand-edited workspace has one) is an error, never a search the report
/// silently leaves out of every count. The few distinct values of a column
/// repeat on every row: each distinct text is checked once.
struct Vocabulary {
    parse: fn(&str) -> Result<&'static str, InvalidValue>,
    checked: Vec<(String, &'static str)>,
}

impl Vocabulary {
    fn new(parse: fn(&str) -> Result<&'static str, InvalidValue>) -> Self {
        Self {
            parse,
            checked: Vec::new(),
        }
    }

    fn get(&mut self, row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<&'static str> {
        let raw = text(row, index)?;
        if let Some((_, canonical)) = self.checked.iter().find(|(seen, _)| seen == raw) {
            return Ok(canonical);
        }
        let canonical = (self.parse)(raw).map_err(|err| {
            rusqlite::Error::FromSqlConversionFailure(
                index,
                rusqlite::types::Type::Text,
                Box::new(err),
            )
        })?;
        self.checked.push((raw.to_string(), canonical));
        Ok(canonical)
    }
}

/// A column read as text without a copy.
fn text<'r>(row: &'r rusqlite::Row<'_>, index: usize) -> rusqlite::Result<&'r str> {
    row.get_ref(index)?.as_str().map_err(|err| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(err))
    })
}

/// An active search of a current draw while [`Tx::assessed_searches`] joins
/// its assessment and record to it.
struct ActiveSearch {
    /// The draw's place in month order.
    month: usize,
    champion: String,
    sample: bool,
    position: i64,
    /// The current first review: its version and the search.
    assessment: Option<(i64, AssessedSearch)>,
    /// Its record was found.
    record: bool,
}

/// One assessed search with what the report groups it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessedSearch {
    pub month: String,
    pub champion: String,
    pub record_id: String,
    pub grounds: &'static str,
    pub bwv: &'static str,
    pub gowisely: &'static str,
    pub conduct: &'static str,
    pub referral: &'static str,
    pub themes: Vec<String>,
    pub notes: String,
    pub self_defined_ethnicity: String,
    pub officer_defined_ethnicity: String,
    pub legislation: String,
    pub object_of_search: String,
    pub simulated: bool,
}

/// What a report needs of a current draw's design (`../shared/DESIGN.md`,
/// "Design-based estimates"), read from its stored manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawStrata {
    pub month: String,
    /// Rows of the month in the inputs.
    pub month_records: u64,
    /// The strata kept at draw time; for a manifest made before strata
    /// were kept whose champions drew from area pools, one stratum per area
    /// with the pool size the manifest gives its champions (`from_snapshot`);
    /// `None` for an older draw without areas (the report then takes one
    /// stratum for the month).
    pub strata: Option<Vec<crate::sample::Stratum>>,
    /// The strata were worked out now from the stored manifest, not kept at
    /// draw time: no-suspicion searches are found by their legislation.
    pub from_snapshot: bool,
    /// Dealt searches under a no-suspicion power (strata manifests only).
    pub no_suspicion: u64,
    /// Searches no champion could take (strata manifests only).
    pub coverage_gap: u64,
    /// Each dealt record's stratum index: `None` for a no-suspicion search.
    /// Empty for a manifest without strata.
    pub record_strata: HashMap<String, Option<usize>>,
    /// Legislation texts the draw's mapping adds to the default no-suspicion powers.
    pub no_suspicion_powers: Vec<String>,
    /// An officer column was mapped, so champions never got their own searches.
    pub officer_mapped: bool,
    /// Champions drew from area pools.
    pub area_pools: bool,
}

/// The parts of a stored manifest a report reads; the rest is ignored, so
/// manifests of every version read.
#[derive(Deserialize)]
struct ManifestDesign {
    #[serde(default)]
    strata: Option<Vec<crate::sample::Stratum>>,
    #[serde(default)]
    no_suspicion: u64,
    #[serde(default)]
    coverage_gap: u64,
    #[serde(default)]
    columns: ManifestColumns,
    #[serde(default)]
    champions: Vec<ManifestChampion>,
}

#[derive(Deserialize, Default)]
struct ManifestColumns {
    #[serde(default)]
    officer: Option<String>,
    #[serde(default)]
    no_suspicion_powers: Vec<String>,
}

#[derive(Deserialize)]
struct ManifestChampion {
    #[serde(default)]
    area: Option<String>,
    /// The champion's pool size N.
    #[serde(default)]
    eligible: usize,
    #[serde(default)]
    sample: Vec<String>,
    #[serde(default)]
    reserves: Vec<String>,
    #[serde(default)]
    sample_strata: Vec<Option<usize>>,
    #[serde(default)]
    reserve_strata: Vec<Option<usize>>,
}

impl ManifestDesign {
    fn into_strata(mut self, month: String, month_records: u64) -> DrawStrata {
        let from_snapshot = self.strata.is_none() && self.area_pools_from_manifest(&month);
        let mut record_strata = HashMap::new();
        if self.strata.is_some() {
            for champion in &self.champions {
                for (ids, strata) in [
                    (&champion.sample, &champion.sample_strata),
                    (&champion.reserves, &champion.reserve_strata),
                ] {
                    for (id, stratum) in ids.iter().zip(strata) {
                        record_strata.insert(id.clone(), *stratum);
                    }
                }
            }
        }
        DrawStrata {
            month,
            month_records,
            from_snapshot,
            strata: self.strata,
            no_suspicion: self.no_suspicion,
            coverage_gap: self.coverage_gap,
            record_strata,
            no_suspicion_powers: self.columns.no_suspicion_powers,
            officer_mapped: self.columns.officer.is_some(),
            area_pools: self.champions.iter().any(|c| c.area.is_some()),
        }
    }

    /// For a manifest without strata whose champions all drew from area
    /// pools: one stratum per area, its population the largest pool any of
    /// its champions had (they differ only by each champion's own searches),
    /// and each dealt record in its champion's area. Returns whether it did.
    fn area_pools_from_manifest(&mut self, month: &str) -> bool {
        use crate::sample::{SamplingGroup, Stratum};
        if self.champions.is_empty() || self.champions.iter().any(|c| c.area.is_none()) {
            return false;
        }
        let mut areas: Vec<(String, usize)> = Vec::new();
        for champion in &self.champions {
            let area = champion.area.clone().unwrap_or_default();
            match areas.iter_mut().find(|(a, _)| *a == area) {
                Some((_, pool)) => *pool = (*pool).max(champion.eligible),
                None => areas.push((area, champion.eligible)),
            }
        }
        areas.sort();
        for champion in &mut self.champions {
            let area = champion.area.as_deref().unwrap_or_default();
            let h = areas.iter().position(|(a, _)| a == area);
            champion.sample_strata = vec![h; champion.sample.len()];
            champion.reserve_strata = vec![h; champion.reserves.len()];
        }
        self.strata = Some(
            areas
                .into_iter()
                .map(|(area, population)| Stratum {
                    month: month.to_string(),
                    area: Some(area),
                    group: SamplingGroup::All,
                    population,
                    dealt: 0,
                    reserves: 0,
                })
                .collect(),
        );
        true
    }
}

/// A current draw, for the methodology section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawRecord {
    pub month: String,
    pub seed: String,
    pub created_at: String,
    pub manifest_sha256: String,
    pub month_records: u64,
    pub per_champion: u64,
    /// (file name, SHA-256) of each input, in order.
    pub inputs: Vec<(String, String)>,
}

/// A draw that a redraw replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplacedDraw {
    pub month: String,
    pub seed: String,
    pub created_at: String,
    pub manifest_sha256: String,
    pub superseded_at: String,
    pub reason: String,
}

/// The month's searches with one raw ethnicity value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthPopulation {
    pub month: String,
    /// `officer` or `self`.
    pub scheme: String,
    pub value: String,
    pub searches: u64,
}

/// Months `from..=to` (`YYYY-MM`, either open) and maybe one champion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Period {
    pub from: Option<String>,
    pub to: Option<String>,
    pub champion: Option<String>,
}

/// The current draws of the period: `?1` from, `?2` to, either `NULL` for open.
pub(super) const IN_PERIOD: &str =
    "d.superseded_at IS NULL AND (?1 IS NULL OR d.month >= ?1) AND (?2 IS NULL OR d.month <= ?2)";

impl Tx<'_> {
    /// The current first-review assessments of the active searches of the
    /// period's current draws, by month, champion, samples before reserves,
    /// position.
    ///
    /// Read as four scans joined here rather than one joined query: SQLite
    /// would look every search up by its text key in three indexes and sort
    /// the result, several times the cost of reading the tables once (a
    /// five-year workspace of 60,000 searches: about 0.6 s against 0.1 s).
    pub fn assessed_searches(&self, period: &Period) -> Result<Vec<AssessedSearch>> {
        let draws: HashMap<i64, String> = self
            .tx
            .prepare(&format!(
                "SELECT d.id, d.month FROM draws d WHERE {IN_PERIOD}"
            ))?
            .query_map(params![period.from, period.to], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        // Each draw's month, and its place in month order.
        let mut months: Vec<(&str, i64)> = draws.iter().map(|(id, m)| (m.as_str(), *id)).collect();
        months.sort_unstable();
        let month_of: HashMap<i64, usize> = months
            .iter()
            .enumerate()
            .map(|(rank, (_, id))| (*id, rank))
            .collect();
        // (draw, record) of searches substituted away, and of their replacements.
        let mut substituted: HashSet<(i64, String)> = HashSet::new();
        let mut replacements: HashSet<(i64, String)> = HashSet::new();
        let mut statement = self
            .tx
            .prepare("SELECT draw_id, record_id, replacement_id FROM substitutions")?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let draw: i64 = row.get(0)?;
            if draws.contains_key(&draw) {
                substituted.insert((draw, row.get(1)?));
                replacements.insert((draw, row.get(2)?));
            }
        }
        // The active searches, and where each is in `active` by draw and record.
        let mut active: Vec<ActiveSearch> = Vec::new();
        let mut slot: HashMap<i64, HashMap<String, usize>> = HashMap::new();
        let mut statement = self
            .tx
            .prepare("SELECT draw_id, record_id, champion, role, position FROM assignments")?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let draw: i64 = row.get(0)?;
            let Some(&month) = month_of.get(&draw) else {
                continue;
            };
            let champion = text(row, 2)?;
            if period.champion.as_ref().is_some_and(|c| c != champion) {
                continue;
            }
            let key = (draw, row.get::<_, String>(1)?);
            let sample = text(row, 3)? == "sample";
            if (sample || replacements.contains(&key)) && !substituted.contains(&key) {
                slot.entry(draw).or_default().insert(key.1, active.len());
                active.push(ActiveSearch {
                    month,
                    champion: champion.to_string(),
                    sample,
                    position: row.get(4)?,
                    assessment: None,
                    record: false,
                });
            }
        }
        let find = |draw: i64, record: &str| slot.get(&draw).and_then(|m| m.get(record)).copied();
        let mut statement = self.tx.prepare(
            "SELECT draw_id, record_id, version, grounds, bwv, gowisely, conduct, referral, themes,
                    notes, simulated
             FROM assessments WHERE review = 'first'",
        )?;
        let mut grounds = Vocabulary::new(|t| Grounds::parse(t).map(Grounds::as_str));
        let mut bwv = Vocabulary::new(|t| Bwv::parse(t).map(Bwv::as_str));
        let mut gowisely = Vocabulary::new(|t| Gowisely::parse(t).map(Gowisely::as_str));
        let mut conduct = Vocabulary::new(|t| Conduct::parse(t).map(Conduct::as_str));
        let mut referral = Vocabulary::new(|t| Referral::parse(t).map(Referral::as_str));
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let Some(i) = find(row.get(0)?, text(row, 1)?) else {
                continue;
            };
            let version: i64 = row.get(2)?;
            let search = &mut active[i];
            if search
                .assessment
                .as_ref()
                .is_some_and(|(v, _)| *v >= version)
            {
                continue;
            }
            let themes = text(row, 8)?;
            search.assessment = Some((
                version,
                AssessedSearch {
                    month: months[search.month].0.to_string(),
                    champion: search.champion.clone(),
                    record_id: row.get(1)?,
                    grounds: grounds.get(row, 3)?,
                    bwv: bwv.get(row, 4)?,
                    gowisely: gowisely.get(row, 5)?,
                    conduct: conduct.get(row, 6)?,
                    referral: referral.get(row, 7)?,
                    themes: serde_json::from_str(themes).unwrap_or_default(),
                    notes: row.get(9)?,
                    self_defined_ethnicity: String::new(),
                    officer_defined_ethnicity: String::new(),
                    legislation: String::new(),
                    object_of_search: String::new(),
                    simulated: row.get(10)?,
                },
            ));
        }
        let mut statement = self.tx.prepare(
            "SELECT draw_id, record_id, self_defined_ethnicity, officer_defined_ethnicity,
                    legislation, object_of_search
             FROM records",
        )?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let Some(i) = find(row.get(0)?, text(row, 1)?) else {
                continue;
            };
            let search = &mut active[i];
            if let Some((_, assessed)) = search.assessment.as_mut() {
                assessed.self_defined_ethnicity = row.get(2)?;
                assessed.officer_defined_ethnicity = row.get(3)?;
                assessed.legislation = row.get(4)?;
                assessed.object_of_search = row.get(5)?;
                search.record = true;
            }
        }
        // By month, champion, samples before reserves (role DESC), position.
        active.sort_unstable_by(|a, b| {
            (a.month, &a.champion, !a.sample, a.position).cmp(&(
                b.month,
                &b.champion,
                !b.sample,
                b.position,
            ))
        });
        Ok(active
            .into_iter()
            .filter(|a| a.record)
            .filter_map(|a| a.assessment.map(|(_, search)| search))
            .collect())
    }

    /// The current draws of the period, oldest first.
    pub fn draw_records(&self, period: &Period) -> Result<Vec<DrawRecord>> {
        let sql = format!(
            "SELECT d.id, d.month, d.seed, d.created_at, d.manifest_sha256, d.month_records, d.per_champion
             FROM draws d WHERE {IN_PERIOD} ORDER BY d.month"
        );
        let mut statement = self.tx.prepare(&sql)?;
        let draws: Vec<(i64, DrawRecord)> = statement
            .query_map(params![period.from, period.to], |row| {
                Ok((
                    row.get(0)?,
                    DrawRecord {
                        month: row.get(1)?,
                        seed: row.get(2)?,
                        created_at: row.get(3)?,
                        manifest_sha256: row.get(4)?,
                        month_records: row.get(5)?,
                        per_champion: row.get(6)?,
                        inputs: Vec::new(),
                    },
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut inputs = self
            .tx
            .prepare("SELECT file, sha256 FROM draw_inputs WHERE draw_id = ?1 ORDER BY position")?;
        let mut result = Vec::with_capacity(draws.len());
        for (id, mut draw) in draws {
            draw.inputs = inputs
                .query_map([id], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            result.push(draw);
        }
        Ok(result)
    }

    /// The design of each current draw of the period, oldest first.
    pub fn draw_strata(&self, period: &Period) -> Result<Vec<DrawStrata>> {
        let sql = format!(
            "SELECT d.month, d.month_records, d.manifest FROM draws d WHERE {IN_PERIOD} ORDER BY d.month"
        );
        let mut statement = self.tx.prepare(&sql)?;
        let rows: Vec<(String, u64, String)> = statement
            .query_map(params![period.from, period.to], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|(month, month_records, manifest)| {
                let design: ManifestDesign = serde_json::from_str(&manifest)?;
                Ok(design.into_strata(month, month_records))
            })
            .collect()
    }

    /// Population counts of the period's current draws.
    pub fn month_populations(&self, period: &Period) -> Result<Vec<MonthPopulation>> {
        let sql = format!(
            "SELECT d.month, p.scheme, p.value, p.searches FROM population p JOIN draws d ON d.id = p.draw_id
             WHERE {IN_PERIOD} ORDER BY d.month, p.scheme, p.value"
        );
        let mut statement = self.tx.prepare(&sql)?;
        let rows = statement.query_map(params![period.from, period.to], |row| {
            Ok(MonthPopulation {
                month: row.get(0)?,
                scheme: row.get(1)?,
                value: row.get(2)?,
                searches: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Draws of the period's months that a redraw replaced, oldest first.
    pub fn replaced_draws(&self, period: &Period) -> Result<Vec<ReplacedDraw>> {
        let mut statement = self.tx.prepare(
            "SELECT month, seed, created_at, manifest_sha256, superseded_at, coalesce(superseded_reason, '')
             FROM draws
             WHERE superseded_at IS NOT NULL AND (?1 IS NULL OR month >= ?1) AND (?2 IS NULL OR month <= ?2)
             ORDER BY month, created_at",
        )?;
        let rows = statement.query_map(params![period.from, period.to], |row| {
            Ok(ReplacedDraw {
                month: row.get(0)?,
                seed: row.get(1)?,
                created_at: row.get(2)?,
                manifest_sha256: row.get(3)?,
                superseded_at: row.get(4)?,
                reason: row.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether the workspace holds simulated (demo) assessments.
    pub fn is_simulated(&self) -> Result<bool> {
        let flagged = self.meta("simulated")?.as_deref() == Some("1");
        let any: bool = self.tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM assessments WHERE simulated = 1)",
            [],
            |row| row.get(0),
        )?;
        Ok(flagged || any)
    }
}
