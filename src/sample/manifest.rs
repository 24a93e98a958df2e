//! The manifest: everything needed to recompute a draw, written beside the
//! worksheets and stored in the workspace.

use serde::{Deserialize, Serialize};

use super::draw::ChampionDraw;
use super::extend::{Extension, Original};
use super::second::SecondReviews;
use super::strata::{DrawDesign, Stratum};
use super::stratified::Design;
use crate::assess::workbook::DEFAULT_RETENTION_DAYS;
use crate::assess::worksheet::WorksheetFormat;
use crate::export::{ColumnMapping, InputSummary, YearMonth};
use crate::hashing::{ALGORITHM, ALGORITHM_V2};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parameters {
    pub per_champion: usize,
    pub reserves: usize,
    /// What the worksheets were written as; manifests from before workbooks
    /// have none, and their worksheets were CSV.
    #[serde(default = "WorksheetFormat::before_workbooks")]
    pub worksheet_format: WorksheetFormat,
    /// Days after a search that its body-worn video is deleted: the review's
    /// deadline, shown in the workbook and warned about by `grounds status`.
    #[serde(default = "default_retention_days")]
    pub bwv_retention_days: u32,
}

fn default_retention_days() -> u32 {
    DEFAULT_RETENTION_DAYS
}

/// Where the seed came from: given by a person (e.g. a panel revealing a
/// committed seed) or generated from the operating system's randomness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeedSource {
    Given,
    Generated,
}

/// The draw a redraw replaced: kept in every later manifest so that drawing
/// again until a sample "looks right" cannot go unseen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Superseded {
    pub seed: String,
    pub created_at: String,
    pub manifest_sha256: String,
    /// Assessments recorded against it, left behind as history.
    pub abandoned_assessments: u64,
}

/// A champion who did not get all the searches asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall {
    pub champion: String,
    pub sample_missing: usize,
    pub reserves_missing: usize,
    /// `hash-rank-v2`: minority searches short of K (made up from the rest
    /// stratum where it could be).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub minority_missing: usize,
    /// `hash-rank-v2`: minority reserves short of their share.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub minority_reserves_missing: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub tool_version: String,
    pub algorithm: String,
    pub seed: String,
    pub seed_source: SeedSource,
    pub month: YearMonth,
    pub timezone: String,
    /// When the draw was made (UTC, RFC 3339): the only field that differs
    /// between two runs with the same inputs and seed.
    pub created_at: String,
    pub inputs: Vec<InputSummary>,
    pub columns: ColumnMapping,
    pub parameters: Parameters,
    /// `hash-rank-v2`: K, the minority-ethnic searches dealt to each champion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minority_per_champion: Option<usize>,
    /// Rows of the month in the inputs.
    pub month_records: usize,
    /// Records of the month left out because an earlier draw in the
    /// workspace already had them.
    pub excluded_earlier_draws: Vec<String>,
    pub champions: Vec<ChampionDraw>,
    pub shortfall: Vec<Shortfall>,
    /// `strata`, `no_suspicion` and `coverage_gap`, flattened into the
    /// manifest; `None` in manifests made before strata were kept.
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub design: Option<DrawDesign>,
    /// `--second-review K`: searches dealt again, blind, to a second
    /// champion; `None` when K is 0 and in manifests made before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_reviews: Option<SecondReviews>,
    /// The month's previous draw, when this one replaced it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<Superseded>,
    /// `grounds sample --extend`, oldest first: `parameters` and the first
    /// champions are the original draw's; each extension says what it
    /// raised and which champions it appended.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
}

impl Manifest {
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a manifest always serialises");
        text.push('\n');
        text
    }

    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// How the draw was made, from its algorithm and K.
    pub fn draw_design(&self) -> Result<Design, String> {
        match (self.algorithm.as_str(), self.minority_per_champion) {
            (ALGORITHM, None) => Ok(Design::Unstratified),
            (ALGORITHM_V2, Some(k)) if k <= self.parameters.per_champion => {
                Ok(Design::Minority { k })
            }
            (ALGORITHM_V2, Some(k)) => Err(format!(
                "minority_per_champion {k} is more than per_champion {}",
                self.parameters.per_champion
            )),
            (ALGORITHM_V2, None) => Err(format!("{ALGORITHM_V2} without minority_per_champion")),
            (ALGORITHM, Some(_)) => Err(format!("{ALGORITHM} with minority_per_champion")),
            (other, _) => Err(format!(
                "algorithm {other:?}; this grounds knows {ALGORITHM} and {ALGORITHM_V2}"
            )),
        }
    }

    /// `--per-champion` and `--reserves` as they stand: the last
    /// extension's, else the draw's.
    pub fn current_quotas(&self) -> (usize, usize) {
        self.extensions.last().map_or(
            (self.parameters.per_champion, self.parameters.reserves),
            |e| (e.per_champion, e.reserves),
        )
    }

    /// The draw before any extension: its champions are the first of
    /// `champions`, all but those the extensions appended.
    pub fn original(&self) -> Original {
        let added: usize = self
            .extensions
            .iter()
            .map(|e| e.champions_added.len())
            .sum();
        Original {
            champions: self.champions.len().saturating_sub(added),
            per_champion: self.parameters.per_champion,
            reserves: self.parameters.reserves,
        }
    }

    /// The extension (number from 1, and its entry) that dealt a champion's
    /// `role` (`sample` or `reserve`) `position` (1-based); `None` when the
    /// draw itself dealt it.
    pub fn dealt_by_extension(
        &self,
        champion: &str,
        role: &str,
        position: usize,
    ) -> Option<(usize, &Extension)> {
        let draw = self
            .champions
            .iter()
            .find(|c| c.champion.name == champion)?;
        let in_sample = role == "sample";
        let len = if in_sample {
            draw.sample.len()
        } else {
            draw.reserves.len()
        };
        let number = super::extend::dealt_by(&self.extensions, champion, in_sample, len, position)?;
        Some((number + 1, &self.extensions[number]))
    }

    /// The stratum a dealt search was drawn from (for its weight N_h / n_h),
    /// by its champion's position in `champions` and its record id. `None`
    /// for a search under a no-suspicion power (in no stratum), a record not
    /// dealt to that champion, or a manifest made before strata were kept.
    pub fn stratum_of(&self, champion: usize, record_id: &str) -> Option<&Stratum> {
        let design = self.design.as_ref()?;
        design.stratum_of(self.champions.get(champion)?, record_id)
    }

    /// The stratum of a dealt search, whichever champion has it.
    pub fn stratum_of_record(&self, record_id: &str) -> Option<&Stratum> {
        (0..self.champions.len()).find_map(|champion| self.stratum_of(champion, record_id))
    }

    /// The shortfalls of a draw, champion by champion.
    pub fn shortfalls(champions: &[ChampionDraw]) -> Vec<Shortfall> {
        champions
            .iter()
            .filter(|c| {
                c.sample_shortfall > 0
                    || c.reserve_shortfall > 0
                    || c.minority_shortfall > 0
                    || c.minority_reserve_shortfall > 0
            })
            .map(|c| Shortfall {
                champion: c.champion.name.clone(),
                sample_missing: c.sample_shortfall,
                reserves_missing: c.reserve_shortfall,
                minority_missing: c.minority_shortfall,
                minority_reserves_missing: c.minority_reserve_shortfall,
            })
            .collect()
    }

    /// Every way a recomputed draw differs from this one, for people.
    pub fn differences(&self, recomputed: &[ChampionDraw]) -> Vec<String> {
        let mut differences = Vec::new();
        if self.champions.len() != recomputed.len() {
            differences.push(format!(
                "the manifest has {} champions, the recomputed draw {}",
                self.champions.len(),
                recomputed.len()
            ));
        }
        for (stored, fresh) in self.champions.iter().zip(recomputed) {
            let name = &stored.champion.name;
            if stored.eligible != fresh.eligible {
                differences.push(format!(
                    "{name}: manifest says {} eligible searches, the export gives {}",
                    stored.eligible, fresh.eligible
                ));
            }
            for (what, a, b) in [
                ("sample", &stored.sample, &fresh.sample),
                ("reserves", &stored.reserves, &fresh.reserves),
            ] {
                if a != b {
                    let position = a
                        .iter()
                        .zip(b)
                        .position(|(x, y)| x != y)
                        .unwrap_or(a.len().min(b.len()));
                    differences.push(format!(
                        "{name}: {what} differs from position {} (manifest {}, recomputed {})",
                        position + 1,
                        a.get(position).map_or("nothing", String::as_str),
                        b.get(position).map_or("nothing", String::as_str),
                    ));
                }
            }
        }
        differences
    }
}
