//! Draws: recording one, finding the current one for a month, and the
//! records earlier draws already took.

use std::collections::HashSet;

use rusqlite::{params, OptionalExtension};

use super::{Result, StoreError, Tx};
use crate::export::EthnicityCount;
use crate::sample::Manifest;

/// A sampled or reserve record, as it stood in the export when drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotRecord {
    pub record_id: String,
    pub input_position: usize,
    pub line: u64,
    pub fields: Vec<String>,
    pub searched_at: String,
    pub self_defined_ethnicity: String,
    pub officer_defined_ethnicity: String,
    pub legislation: String,
    pub object_of_search: String,
    pub officer: String,
    pub area: String,
}

/// Everything a new draw stores.
pub struct NewDraw<'a> {
    pub manifest: &'a Manifest,
    /// The manifest text exactly as written to disk.
    pub manifest_json: &'a str,
    pub manifest_sha256: &'a str,
    pub header: &'a [String],
    /// Input paths as given on the command line, aligned with `manifest.inputs`.
    pub input_paths: &'a [String],
    pub records: &'a [SnapshotRecord],
    pub population: &'a [EthnicityCount],
    pub created_by: &'a str,
}

/// What has been recorded against a draw: a redraw would leave it behind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DrawActivity {
    pub assessments: u64,
    pub substitutions: u64,
    pub draft_answers: u64,
}

impl DrawActivity {
    pub fn is_empty(&self) -> bool {
        self.assessments == 0 && self.substitutions == 0 && self.draft_answers == 0
    }
}

/// Whether a new draw may replace the month's current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redraw {
    /// No: an existing draw is an error.
    No,
    /// Yes, if nothing has been recorded against the current draw.
    IfUnused,
    /// Yes, even though assessments were recorded: they stay with the old
    /// draw, as history.
    AbandoningAssessments,
}

/// A draw as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawSummary {
    pub id: i64,
    pub month: String,
    pub seed: String,
    pub created_at: String,
    pub manifest_sha256: String,
}

impl DrawSummary {
    /// The columns [`DrawSummary::from_row`] reads, in order (table alias `d`).
    pub(super) const COLUMNS: &'static str =
        "d.id, d.month, d.seed, d.created_at, d.manifest_sha256";

    pub(super) fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            month: row.get(1)?,
            seed: row.get(2)?,
            created_at: row.get(3)?,
            manifest_sha256: row.get(4)?,
        })
    }
}

impl Tx<'_> {
    /// The current (not superseded) draw of a month.
    pub fn current_draw(&self, month: &str) -> Result<Option<DrawSummary>> {
        let sql = format!(
            "SELECT {} FROM draws d WHERE d.month = ?1 AND d.superseded_at IS NULL",
            DrawSummary::COLUMNS
        );
        Ok(self
            .tx
            .query_row(&sql, [month], DrawSummary::from_row)
            .optional()?)
    }

    /// Every current draw, oldest month first.
    pub fn current_draws(&self) -> Result<Vec<DrawSummary>> {
        let sql = format!(
            "SELECT {} FROM draws d WHERE d.superseded_at IS NULL ORDER BY d.month",
            DrawSummary::COLUMNS
        );
        let mut statement = self.tx.prepare(&sql)?;
        let rows = statement.query_map([], DrawSummary::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Record ids that current draws (other than `except_month`'s, which a
    /// redraw replaces) sampled or held in reserve: a later draw must not
    /// give them out again.
    pub fn drawn_record_ids(&self, except_month: Option<&str>) -> Result<HashSet<String>> {
        let mut statement = self.tx.prepare(
            "SELECT a.record_id FROM assignments a JOIN draws d ON d.id = a.draw_id
             WHERE d.superseded_at IS NULL AND (?1 IS NULL OR d.month <> ?1)",
        )?;
        let ids = statement.query_map([except_month], |row| row.get::<_, String>(0))?;
        Ok(ids.collect::<rusqlite::Result<_>>()?)
    }

    /// Every input file of every draw, current or superseded: the path as
    /// given when drawing and the file's SHA-256. Commands that write files
    /// refuse to overwrite any of them (see `crate::outputs`).
    pub fn draw_input_files(&self) -> Result<Vec<(String, String)>> {
        let mut statement = self
            .tx
            .prepare("SELECT DISTINCT path, sha256 FROM draw_inputs ORDER BY path")?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The stored manifest of a draw.
    pub fn manifest(&self, draw_id: i64) -> Result<Manifest> {
        let text: String = self.tx.query_row(
            "SELECT manifest FROM draws WHERE id = ?1",
            [draw_id],
            |row| row.get(0),
        )?;
        Ok(serde_json::from_str(&text)?)
    }

    /// Assessments, substitutions and saved answers recorded against a draw.
    pub fn draw_activity(&self, draw_id: i64) -> Result<DrawActivity> {
        let count =
            |sql: &str| -> Result<u64> { Ok(self.tx.query_row(sql, [draw_id], |row| row.get(0))?) };
        Ok(DrawActivity {
            assessments: count("SELECT count(*) FROM assessments WHERE draw_id = ?1")?,
            substitutions: count("SELECT count(*) FROM substitutions WHERE draw_id = ?1")?,
            draft_answers: count("SELECT count(*) FROM draft_answers WHERE draw_id = ?1")?,
        })
    }

    /// Checks that a new draw of `month` may be made under `redraw`, and
    /// returns the draw it would replace.
    pub fn check_redraw(&self, month: &str, redraw: Redraw) -> Result<Option<DrawSummary>> {
        let Some(existing) = self.current_draw(month)? else {
            return Ok(None);
        };
        if redraw == Redraw::No {
            return Err(StoreError::AlreadyDrawn {
                month: month.to_string(),
                created_at: existing.created_at,
                seed: existing.seed,
            });
        }
        let activity = self.draw_activity(existing.id)?;
        if redraw == Redraw::IfUnused && !activity.is_empty() {
            return Err(StoreError::RedrawWouldAbandon {
                month: month.to_string(),
                activity,
            });
        }
        Ok(Some(existing))
    }

    /// Records a draw. Under `redraw`, the month's current draw (if any) is
    /// marked superseded first; see [`Tx::check_redraw`].
    pub fn insert_draw(&self, draw: &NewDraw<'_>, redraw: Redraw) -> Result<i64> {
        let manifest = draw.manifest;
        let month = manifest.month.to_string();
        let existing = self.check_redraw(&month, redraw)?;
        // The manifest names the draw it replaces, read before this write
        // transaction began; another redraw may have landed in between.
        let expected = manifest
            .supersedes
            .as_ref()
            .map(|s| s.manifest_sha256.as_str());
        let found = existing.as_ref().map(|e| e.manifest_sha256.as_str());
        if expected != found {
            return Err(StoreError::DrawnMeanwhile {
                month,
                found: existing.map(|e| format!("seed {} at {}", e.seed, e.created_at)),
            });
        }
        if let Some(existing) = existing {
            self.tx.execute(
                "UPDATE draws SET superseded_at = ?2, superseded_reason = ?3 WHERE id = ?1",
                params![
                    existing.id,
                    manifest.created_at,
                    format!("redrawn by {}", draw.created_by)
                ],
            )?;
        }
        self.tx.execute(
            "INSERT INTO draws (month, algorithm, seed, seed_source, timezone, per_champion, reserves,
                                month_records, header, manifest, manifest_sha256, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                month,
                manifest.algorithm,
                manifest.seed,
                serde_json::to_value(manifest.seed_source)?.as_str().unwrap_or_default(),
                manifest.timezone,
                manifest.parameters.per_champion as i64,
                manifest.parameters.reserves as i64,
                manifest.month_records as i64,
                serde_json::to_string(draw.header)?,
                draw.manifest_json,
                draw.manifest_sha256,
                manifest.created_at,
                draw.created_by,
            ],
        )?;
        let draw_id = self.tx.last_insert_rowid();

        let mut input = self.tx.prepare(
            "INSERT INTO draw_inputs (draw_id, position, file, path, sha256, rows) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (position, summary) in manifest.inputs.iter().enumerate() {
            let path = draw.input_paths.get(position).map_or("", String::as_str);
            input.execute(params![
                draw_id,
                position as i64,
                summary.file,
                path,
                summary.sha256,
                summary.rows as i64
            ])?;
        }

        self.insert_snapshots(draw_id, draw.records)?;

        let mut champion = self.tx.prepare(
            "INSERT INTO draw_champions (draw_id, position, name, officer_id, area, eligible,
                                         sample_shortfall, reserve_shortfall)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        let mut assignment = self.tx.prepare(
            "INSERT INTO assignments (draw_id, record_id, champion, role, position) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (position, c) in manifest.champions.iter().enumerate() {
            champion.execute(params![
                draw_id,
                position as i64,
                c.champion.name,
                c.champion.officer_id,
                c.champion.area,
                c.eligible as i64,
                c.sample_shortfall as i64,
                c.reserve_shortfall as i64,
            ])?;
            for (role, ids) in [("sample", &c.sample), ("reserve", &c.reserves)] {
                for (index, id) in ids.iter().enumerate() {
                    assignment.execute(params![
                        draw_id,
                        id,
                        c.champion.name,
                        role,
                        index as i64 + 1
                    ])?;
                }
            }
        }

        if let Some(second) = &manifest.second_reviews {
            let mut review = self.tx.prepare(
                "INSERT INTO second_reviews (draw_id, record_id, champion, position) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for r in &second.reviews {
                review.execute(params![draw_id, r.record_id, r.champion, r.position as i64])?;
            }
        }

        let mut population = self.tx.prepare(
            "INSERT INTO population (draw_id, scheme, value, searches) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for count in draw.population {
            population.execute(params![
                draw_id,
                count.scheme,
                count.value,
                count.searches as i64
            ])?;
        }
        Ok(draw_id)
    }

    /// The snapshot of each dealt record, so the audit never depends on
    /// the export staying around (used by a draw and by an extension).
    pub(super) fn insert_snapshots(&self, draw_id: i64, records: &[SnapshotRecord]) -> Result<()> {
        let mut record = self.tx.prepare(
            "INSERT INTO records (draw_id, record_id, input_position, line, fields, searched_at,
                                  self_defined_ethnicity, officer_defined_ethnicity, legislation,
                                  object_of_search, officer, area)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        for r in records {
            record.execute(params![
                draw_id,
                r.record_id,
                r.input_position as i64,
                r.line as i64,
                serde_json::to_string(&r.fields)?,
                r.searched_at,
                r.self_defined_ethnicity,
                r.officer_defined_ethnicity,
                r.legislation,
                r.object_of_search,
                r.officer,
                r.area,
            ])?;
        }
        Ok(())
    }
}
