//! Assessments: what each record of a draw is due for, storing a version,
//! the history of versions, and the answers `grounds record` saves as it goes.

mod progress;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rusqlite::types::Type;
use rusqlite::{params, OptionalExtension, Row};

use super::report_data::IN_PERIOD;
use super::{DrawSummary, Period, Result, Tx};
use crate::assess::targets::{AssessmentVersion, DrawTargets, Review, Target, TargetState};
use crate::assess::{Assessment, Bwv, Conduct, Gowisely, Grounds, Referral};

pub use progress::{
    ChampionProgress, SecondReviewProgress, Substitution, SubstitutionError, SubstitutionRecord,
};

/// Who stored an assessment version, when, and from where.
#[derive(Debug, Clone, Copy)]
pub struct Provenance<'a> {
    /// e.g. `import:PC_Ben_Hartley.csv`, `record`, `simulated`.
    pub source: &'a str,
    pub simulated: bool,
    pub recorded_by: &'a str,
    pub recorded_at: &'a str,
}

/// A sampled record as it stood in the export, for showing to a reviewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDetails {
    /// The export's column names, aligned with `fields`.
    pub header: Vec<String>,
    pub fields: Vec<String>,
}

/// One search in a champion's review order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    pub record_id: String,
    pub role: String,
    pub position: i64,
    pub assessed: bool,
}

/// A search with a blind second review, and both current verdicts: what
/// the report's review-quality section compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewPair {
    pub month: String,
    pub record_id: String,
    pub first_champion: String,
    pub second_champion: String,
    /// The current first review's grounds verdict; `None` until reviewed.
    pub first_grounds: Option<String>,
    pub second_grounds: Option<String>,
    /// The power searched under, as the export gave it (no-suspicion powers
    /// are left out of agreement by the report).
    pub legislation: String,
    /// Either review is simulated (`grounds demo`).
    pub simulated: bool,
}

const FIELDS_SQL: &str =
    "version, grounds, bwv, gowisely, conduct, themes, referral, notes, reviewer, reviewed_on, \
                          recorded_at, recorded_by, source, simulated";

/// A stored value that is not what the schema allows: only a damaged or
/// hand-edited workspace gives one.
fn corrupt(column: usize, err: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, Type::Text, Box::new(err))
}

/// Reads the columns of [`FIELDS_SQL`] starting at `at`.
fn version_from_row(row: &Row<'_>, at: usize) -> rusqlite::Result<AssessmentVersion> {
    let text = |i: usize| row.get::<_, String>(at + i);
    let themes: Vec<String> = serde_json::from_str(&text(5)?).map_err(|e| corrupt(at + 5, e))?;
    let assessment = Assessment {
        grounds: Grounds::parse(&text(1)?).map_err(|e| corrupt(at + 1, e))?,
        bwv: Bwv::parse(&text(2)?).map_err(|e| corrupt(at + 2, e))?,
        gowisely: Gowisely::parse(&text(3)?).map_err(|e| corrupt(at + 3, e))?,
        conduct: Conduct::parse(&text(4)?).map_err(|e| corrupt(at + 4, e))?,
        themes,
        referral: Referral::parse(&text(6)?).map_err(|e| corrupt(at + 6, e))?,
        notes: text(7)?,
        reviewer: text(8)?,
        reviewed_on: NaiveDate::parse_from_str(&text(9)?, "%Y-%m-%d")
            .map_err(|e| corrupt(at + 9, e))?,
    };
    Ok(AssessmentVersion {
        version: row.get(at)?,
        assessment,
        recorded_at: text(10)?,
        recorded_by: text(11)?,
        source: text(12)?,
        simulated: row.get::<_, i64>(at + 13)? != 0,
    })
}

impl Tx<'_> {
    /// The records of `month`'s current draw (all of them, or just
    /// `only_record`), with their state and current assessment. `None` when
    /// the month has no current draw.
    pub fn draw_targets(
        &self,
        month: &str,
        only_record: Option<&str>,
    ) -> Result<Option<DrawTargets>> {
        let Some(draw) = self.current_draw(month)? else {
            return Ok(None);
        };
        let no_suspicion = self.manifest(draw.id)?.columns.no_suspicion();
        let mut statement = self.tx.prepare(
            "SELECT a.record_id, a.champion, a.role, a.position, s.replacement_id, s.reason,
                    EXISTS (SELECT 1 FROM substitutions b
                            WHERE b.draw_id = a.draw_id AND b.replacement_id = a.record_id),
                    r.legislation
             FROM assignments a
             JOIN records r ON r.draw_id = a.draw_id AND r.record_id = a.record_id
             LEFT JOIN substitutions s ON s.draw_id = a.draw_id AND s.record_id = a.record_id
             WHERE a.draw_id = ?1 AND (?2 IS NULL OR a.record_id = ?2)",
        )?;
        let mut targets = HashMap::new();
        let mut rows = statement.query(params![draw.id, only_record])?;
        while let Some(row) = rows.next()? {
            let role: String = row.get(2)?;
            let replacement: Option<String> = row.get(4)?;
            let brought_in: bool = row.get(6)?;
            let state = match replacement {
                Some(replacement_id) => TargetState::Substituted {
                    replacement_id,
                    reason: row.get(5)?,
                },
                None if role == "sample" || brought_in => TargetState::Active,
                None => TargetState::UnusedReserve,
            };
            let legislation: String = row.get(7)?;
            targets.insert(
                row.get::<_, String>(0)?,
                Target {
                    champion: row.get(1)?,
                    role,
                    position: row.get(3)?,
                    state,
                    current: None,
                    no_suspicion: no_suspicion.matches(&legislation),
                    legislation,
                },
            );
        }
        // A second review follows its search: replaced, it is not due either.
        let mut statement = self.tx.prepare(
            "SELECT record_id, champion, position FROM second_reviews
             WHERE draw_id = ?1 AND (?2 IS NULL OR record_id = ?2)",
        )?;
        let mut second = HashMap::new();
        let mut rows = statement.query(params![draw.id, only_record])?;
        while let Some(row) = rows.next()? {
            let record_id: String = row.get(0)?;
            let first = targets.get(&record_id);
            let state = match first.map(|t| &t.state) {
                Some(substituted @ TargetState::Substituted { .. }) => substituted.clone(),
                _ => TargetState::Active,
            };
            let target = Target {
                champion: row.get(1)?,
                role: "second".to_string(),
                position: row.get(2)?,
                state,
                current: None,
                no_suspicion: first.is_some_and(|t| t.no_suspicion),
                legislation: first.map(|t| t.legislation.clone()).unwrap_or_default(),
            };
            second.insert(record_id, target);
        }
        let mut statement = self.tx.prepare(&format!(
            "SELECT record_id, review, {FIELDS_SQL} FROM current_assessments
             WHERE draw_id = ?1 AND (?2 IS NULL OR record_id = ?2)"
        ))?;
        let mut rows = statement.query(params![draw.id, only_record])?;
        while let Some(row) = rows.next()? {
            let record_id: String = row.get(0)?;
            let review: String = row.get(1)?;
            let found = match review.as_str() {
                "second" => second.get_mut(&record_id),
                _ => targets.get_mut(&record_id),
            };
            if let Some(target) = found {
                target.current = Some(version_from_row(row, 2)?);
            }
        }
        Ok(Some(DrawTargets {
            draw_id: draw.id,
            month: draw.month,
            targets,
            second,
        }))
    }

    /// Stores a new version of a record's assessment (version 1 if it has
    /// none) and returns its version number. Answers `grounds record` saved
    /// for the record are marked as used by it.
    pub fn insert_assessment(
        &self,
        draw_id: i64,
        record_id: &str,
        review: Review,
        assessment: &Assessment,
        provenance: &Provenance<'_>,
    ) -> Result<i64> {
        let version: i64 = self
            .tx
            .prepare_cached(
                "SELECT coalesce(max(version), 0) + 1 FROM assessments
                 WHERE draw_id = ?1 AND record_id = ?2 AND review = ?3",
            )?
            .query_row(params![draw_id, record_id, review.as_str()], |row| {
                row.get(0)
            })?;
        self.tx
            .prepare_cached(
                "INSERT INTO assessments (draw_id, record_id, review, version, grounds, bwv, gowisely, conduct,
                                          themes, referral, notes, reviewer, reviewed_on, recorded_at,
                                          recorded_by, source, simulated)
                 VALUES (?1, ?2, ?17, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            )?
            .execute(params![
                draw_id,
                record_id,
                version,
                assessment.grounds.as_str(),
                assessment.bwv.as_str(),
                assessment.gowisely.as_str(),
                assessment.conduct.as_str(),
                serde_json::to_string(&assessment.themes)?,
                assessment.referral.as_str(),
                assessment.notes,
                assessment.reviewer,
                assessment.reviewed_on.format("%Y-%m-%d").to_string(),
                provenance.recorded_at,
                provenance.recorded_by,
                provenance.source,
                provenance.simulated,
                review.as_str(),
            ])?;
        let id = self.tx.last_insert_rowid();
        self.tx
            .prepare_cached(
                "UPDATE draft_answers SET assessment_id = ?3
                 WHERE draw_id = ?1 AND record_id = ?2 AND review = ?4 AND assessment_id IS NULL",
            )?
            .execute(params![draw_id, record_id, id, review.as_str()])?;
        Ok(version)
    }

    /// Every second review of a search still under review in the period's
    /// current draws (or those with `period.champion` as first or second
    /// reviewer), by month, first champion and position.
    pub fn review_pairs(&self, period: &Period) -> Result<Vec<ReviewPair>> {
        // CROSS JOIN keeps `second_reviews` the outer loop: without table
        // statistics SQLite walked every assignment of the period instead
        // (20 ms of a five-year report with no second reviews at all).
        let mut statement = self.tx.prepare(&format!(
            "SELECT d.month, s.record_id, a.champion, s.champion, f.grounds, g.grounds, r.legislation,
                    coalesce(f.simulated, 0) OR coalesce(g.simulated, 0)
             FROM second_reviews s
             CROSS JOIN draws d ON d.id = s.draw_id
             JOIN active_assignments a ON a.draw_id = s.draw_id AND a.record_id = s.record_id
             JOIN records r ON r.draw_id = s.draw_id AND r.record_id = s.record_id
             LEFT JOIN current_assessments f ON f.draw_id = s.draw_id AND f.record_id = s.record_id
                                            AND f.review = 'first'
             LEFT JOIN current_assessments g ON g.draw_id = s.draw_id AND g.record_id = s.record_id
                                            AND g.review = 'second'
             WHERE {IN_PERIOD} AND (?3 IS NULL OR a.champion = ?3 OR s.champion = ?3)
             ORDER BY d.month, a.champion, a.position"
        ))?;
        let rows =
            statement.query_map(params![period.from, period.to, period.champion], |row| {
                Ok(ReviewPair {
                    month: row.get(0)?,
                    record_id: row.get(1)?,
                    first_champion: row.get(2)?,
                    second_champion: row.get(3)?,
                    first_grounds: row.get(4)?,
                    second_grounds: row.get(5)?,
                    legislation: row.get(6)?,
                    simulated: row.get(7)?,
                })
            })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every version of a record's first or second review, oldest first.
    pub fn assessment_history(
        &self,
        draw_id: i64,
        record_id: &str,
        review: Review,
    ) -> Result<Vec<AssessmentVersion>> {
        let mut statement = self.tx.prepare(&format!(
            "SELECT {FIELDS_SQL} FROM assessments WHERE draw_id = ?1 AND record_id = ?2 AND review = ?3
             ORDER BY version"
        ))?;
        let versions = statement
            .query_map(params![draw_id, record_id, review.as_str()], |row| {
                version_from_row(row, 0)
            })?;
        Ok(versions.collect::<rusqlite::Result<_>>()?)
    }

    /// Current draws that sampled or reserved `record_id`, oldest month first.
    pub fn draws_holding(&self, record_id: &str) -> Result<Vec<DrawSummary>> {
        let mut statement = self.tx.prepare(&format!(
            "SELECT {} FROM draws d JOIN assignments a ON a.draw_id = d.id
             WHERE a.record_id = ?1 AND d.superseded_at IS NULL ORDER BY d.month",
            DrawSummary::COLUMNS
        ))?;
        let draws = statement.query_map([record_id], DrawSummary::from_row)?;
        Ok(draws.collect::<rusqlite::Result<_>>()?)
    }

    /// The champions of a draw, in champions-file order.
    pub fn champion_names(&self, draw_id: i64) -> Result<Vec<String>> {
        let mut statement = self
            .tx
            .prepare("SELECT name FROM draw_champions WHERE draw_id = ?1 ORDER BY position")?;
        let names = statement.query_map([draw_id], |row| row.get(0))?;
        Ok(names.collect::<rusqlite::Result<_>>()?)
    }

    /// A champion's searches under review, in review order: the sample, the
    /// reserves brought in, then their second reviews (role `second`) of
    /// searches still under review.
    pub fn review_queue(&self, draw_id: i64, champion: &str) -> Result<Vec<QueueEntry>> {
        let mut statement = self.tx.prepare(
            "SELECT record_id, role, position, assessed FROM (
                SELECT a.record_id, a.role, a.position, CASE a.role WHEN 'sample' THEN 0 ELSE 1 END AS kind,
                       EXISTS (SELECT 1 FROM assessments x WHERE x.draw_id = a.draw_id
                               AND x.record_id = a.record_id AND x.review = 'first') AS assessed
                FROM active_assignments a WHERE a.draw_id = ?1 AND a.champion = ?2
                UNION ALL
                SELECT s.record_id, 'second', s.position, 2,
                       EXISTS (SELECT 1 FROM assessments x WHERE x.draw_id = s.draw_id
                               AND x.record_id = s.record_id AND x.review = 'second')
                FROM second_reviews s
                JOIN active_assignments a ON a.draw_id = s.draw_id AND a.record_id = s.record_id
                WHERE s.draw_id = ?1 AND s.champion = ?2)
             ORDER BY kind, position",
        )?;
        let entries = statement.query_map(params![draw_id, champion], |row| {
            Ok(QueueEntry {
                record_id: row.get(0)?,
                role: row.get(1)?,
                position: row.get(2)?,
                assessed: row.get(3)?,
            })
        })?;
        Ok(entries.collect::<rusqlite::Result<_>>()?)
    }

    /// The snapshot of a drawn record, with the export's column names.
    pub fn search_details(&self, draw_id: i64, record_id: &str) -> Result<Option<SearchDetails>> {
        let found: Option<(String, String)> = self
            .tx
            .query_row(
                "SELECT d.header, r.fields FROM records r JOIN draws d ON d.id = r.draw_id
                 WHERE r.draw_id = ?1 AND r.record_id = ?2",
                params![draw_id, record_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let Some((header, fields)) = found else {
            return Ok(None);
        };
        Ok(Some(SearchDetails {
            header: serde_json::from_str(&header)?,
            fields: serde_json::from_str(&fields)?,
        }))
    }

    /// Answers saved for a record's first or second review and not yet part
    /// of an assessment: the latest per field.
    pub fn draft_answers(
        &self,
        draw_id: i64,
        record_id: &str,
        review: Review,
    ) -> Result<BTreeMap<String, String>> {
        let mut statement = self.tx.prepare(
            "SELECT field, value FROM draft_answers
             WHERE draw_id = ?1 AND record_id = ?2 AND review = ?3 AND assessment_id IS NULL ORDER BY id",
        )?;
        let answers = statement.query_map(params![draw_id, record_id, review.as_str()], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?;
        Ok(answers.collect::<rusqlite::Result<_>>()?)
    }

    /// Saves one answer (`field` is an assessment column name); a later
    /// answer for the same field wins, the earlier one is kept.
    #[allow(clippy::too_many_arguments)]
    pub fn save_draft_answer(
        &self,
        draw_id: i64,
        record_id: &str,
        review: Review,
        field: &str,
        value: &str,
        saved_by: &str,
        saved_at: &str,
    ) -> Result<()> {
        self.tx.execute(
            "INSERT INTO draft_answers (draw_id, record_id, review, field, value, saved_at, saved_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![draw_id, record_id, review.as_str(), field, value, saved_at, saved_by],
        )?;
        Ok(())
    }
}
