//! What reports read: current assessments of active searches in current
//! draws, the progress of each draw, and the month's population counts.

use std::borrow::Cow;
use std::sync::Arc;

use rusqlite::params;
use serde::Deserialize;

use super::{Result, Tx};

mod join;
mod raw;
mod record_strata;
mod searches;
#[cfg(test)]
mod tests;

pub use record_strata::RecordStrata;
pub use searches::ReportRows;

/// One assessed search with what the report groups it by.
///
/// The texts a report groups by repeat on thousands of searches: they are
/// shared, not copied (a copy each was a quarter of a report's memory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessedSearch {
    pub month: Arc<str>,
    pub champion: Arc<str>,
    pub record_id: String,
    pub grounds: &'static str,
    pub bwv: &'static str,
    pub gowisely: &'static str,
    pub conduct: &'static str,
    pub referral: &'static str,
    pub themes: Vec<String>,
    pub notes: String,
    pub self_defined_ethnicity: Arc<str>,
    pub officer_defined_ethnicity: Arc<str>,
    pub legislation: Arc<str>,
    pub object_of_search: Arc<str>,
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
    pub record_strata: RecordStrata,
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
struct ManifestDesign<'a> {
    #[serde(default)]
    strata: Option<Vec<crate::sample::Stratum>>,
    #[serde(default)]
    no_suspicion: u64,
    #[serde(default)]
    coverage_gap: u64,
    #[serde(default)]
    columns: ManifestColumns,
    #[serde(default, borrow)]
    champions: Vec<ManifestChampion<'a>>,
}

#[derive(Deserialize, Default)]
struct ManifestColumns {
    #[serde(default)]
    officer: Option<String>,
    #[serde(default)]
    no_suspicion_powers: Vec<String>,
}

/// A champion's record ids are read in place from the manifest's text (an
/// id with a JSON escape, which grounds never writes, is copied).
#[derive(Deserialize)]
struct ManifestChampion<'a> {
    #[serde(default)]
    area: Option<String>,
    /// The champion's pool size N.
    #[serde(default)]
    eligible: usize,
    #[serde(default, borrow)]
    sample: Vec<ManifestId<'a>>,
    #[serde(default, borrow)]
    reserves: Vec<ManifestId<'a>>,
    #[serde(default)]
    sample_strata: Vec<Option<usize>>,
    #[serde(default)]
    reserve_strata: Vec<Option<usize>>,
}

/// A record id in a manifest: borrowed from its text unless it holds a JSON
/// escape. (serde borrows a `Cow` field, but not the `Cow`s in a `Vec`.)
struct ManifestId<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for ManifestId<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Id<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Id<'a> {
            type Value = Cow<'a, str>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a record id")
            }
            fn visit_borrowed_str<E>(self, id: &'de str) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(id))
            }
            fn visit_str<E>(self, id: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(id.to_owned()))
            }
        }
        deserializer
            .deserialize_str(Id(std::marker::PhantomData))
            .map(ManifestId)
    }
}

impl ManifestDesign<'_> {
    fn into_strata(mut self, month: String, month_records: u64) -> DrawStrata {
        let from_snapshot = self.strata.is_none() && self.area_pools_from_manifest(&month);
        let area_pools = self.champions.iter().any(|c| c.area.is_some());
        let dealt = self
            .champions
            .iter()
            .map(|c| c.sample.len() + c.reserves.len());
        let mut record_strata = RecordStrata::with_capacity(dealt.sum());
        if self.strata.is_some() {
            for champion in self.champions {
                for (ids, strata) in [
                    (champion.sample, champion.sample_strata),
                    (champion.reserves, champion.reserve_strata),
                ] {
                    for (id, stratum) in ids.iter().zip(strata) {
                        record_strata.insert(&id.0, stratum);
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
            area_pools,
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

/// A current draw's manifest as stored, not yet read.
#[derive(Debug, Clone)]
pub struct StoredManifest {
    month: String,
    month_records: u64,
    manifest: String,
}

impl StoredManifest {
    /// What a report needs of the draw's design.
    pub fn strata(self) -> Result<DrawStrata> {
        let design: ManifestDesign = serde_json::from_str(&self.manifest)?;
        Ok(design.into_strata(self.month, self.month_records))
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

    /// The stored manifest of each current draw of the period, oldest
    /// first, to be read with [`StoredManifest::strata`] (a report does so
    /// beside its scans of the searches).
    pub fn draw_manifests(&self, period: &Period) -> Result<Vec<StoredManifest>> {
        let sql = format!(
            "SELECT d.month, d.month_records, d.manifest FROM draws d WHERE {IN_PERIOD} ORDER BY d.month"
        );
        let mut statement = self.tx.prepare(&sql)?;
        let rows = statement.query_map(params![period.from, period.to], |row| {
            Ok(StoredManifest {
                month: row.get(0)?,
                month_records: row.get(1)?,
                manifest: row.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
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

    /// Whether the workspace is marked as a simulation (`grounds demo`).
    pub fn flagged_simulated(&self) -> Result<bool> {
        Ok(self.meta("simulated")?.as_deref() == Some("1"))
    }

    /// Whether the workspace holds simulated (demo) assessments.
    pub fn is_simulated(&self) -> Result<bool> {
        let flagged = self.flagged_simulated()?;
        let any: bool = self.tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM assessments WHERE simulated = 1)",
            [],
            |row| row.get(0),
        )?;
        Ok(flagged || any)
    }
}
