//! Substitutions by reserves, and each champion's progress.

use rusqlite::{params, OptionalExtension};

use super::super::report_data::IN_PERIOD;
use super::super::{DrawSummary, Period, Result, StoreError, Tx};

/// A search that could not be reviewed and the reserve brought in for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubstitutionRecord {
    pub record_id: String,
    pub replacement_id: String,
    pub reason: String,
    pub footage_missing: bool,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// What a substitution did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Substitution {
    pub champion: String,
    pub record_id: String,
    pub replacement_id: String,
    /// The reserve's 1-based position in the champion's reserve order.
    pub reserve_position: i64,
    pub reserves_left: u64,
    /// A stratified draw had no reserve of the search's stratum left, so
    /// the replacement is from the other stratum (recorded with it).
    pub other_stratum: bool,
}

/// A reserve a substitution can bring in.
struct NextReserve {
    record_id: String,
    position: i64,
    other_stratum: bool,
}

/// Why a search cannot be substituted.
#[derive(Debug, thiserror::Error)]
pub enum SubstitutionError {
    #[error(
        "{record_id} is not in the {month} draw: check the record id in the champion's worksheet"
    )]
    Unknown { record_id: String, month: String },
    #[error(
        "{record_id} is one of {champion}'s reserves that has not been brought in: there is nothing to replace"
    )]
    UnusedReserve { record_id: String, champion: String },
    #[error(
        "{record_id} was already replaced by {} on {} by {} (reason: {})",
        .previous.replacement_id, .previous.recorded_at, .previous.recorded_by, .previous.reason
    )]
    AlreadySubstituted {
        record_id: String,
        previous: Box<SubstitutionRecord>,
    },
    #[error("{record_id} already has an assessment (version {version}): an assessed search is not replaced")]
    Assessed { record_id: String, version: i64 },
    #[error(
        "{champion} has no reserve left in {month} (all {reserves} used): the search stays in the sample; \
         record what could be assessed, e.g. grounds insufficient_info"
    )]
    NoReserveLeft {
        champion: String,
        month: String,
        reserves: u64,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for SubstitutionError {
    fn from(err: rusqlite::Error) -> Self {
        SubstitutionError::Store(StoreError::Sqlite(err))
    }
}

/// One champion's review of one month.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChampionProgress {
    pub month: String,
    pub champion: String,
    /// Searches due for review: the sample plus reserves brought in, minus
    /// those substituted away.
    pub assigned: u64,
    pub assessed: u64,
    pub substituted: u64,
    /// Substitutions because body-worn video was missing.
    pub footage_missing: u64,
    pub outstanding: u64,
    pub reserves_left: u64,
}

impl ChampionProgress {
    /// A row of `month, champion, assigned, assessed, substituted,
    /// footage_missing, reserves_left`.
    pub(in crate::store) fn from_counts_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        let assigned: u64 = row.get(2)?;
        let assessed: u64 = row.get(3)?;
        Ok(Self {
            month: row.get(0)?,
            champion: row.get(1)?,
            assigned,
            assessed,
            substituted: row.get(4)?,
            footage_missing: row.get(5)?,
            outstanding: assigned.saturating_sub(assessed),
            reserves_left: row.get(6)?,
        })
    }
}

/// One champion's blind second reviews of one month, counted apart from
/// their own searches (they never count in any figure).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SecondReviewProgress {
    pub month: String,
    pub champion: String,
    /// Dealt to them and still due: the search was not substituted away.
    pub due: u64,
    pub done: u64,
}

impl Tx<'_> {
    /// Each champion's second reviews in each current draw of the period
    /// that has any, by month, then in champions-file order.
    pub fn second_review_progress(&self, period: &Period) -> Result<Vec<SecondReviewProgress>> {
        let mut statement = self.tx.prepare(&format!(
            "SELECT d.month, c.name,
                (SELECT count(*) FROM second_reviews s
                    JOIN active_assignments a ON a.draw_id = s.draw_id AND a.record_id = s.record_id
                    WHERE s.draw_id = d.id AND s.champion = c.name),
                (SELECT count(*) FROM second_reviews s
                    JOIN active_assignments a ON a.draw_id = s.draw_id AND a.record_id = s.record_id
                    WHERE s.draw_id = d.id AND s.champion = c.name
                    AND EXISTS (SELECT 1 FROM assessments x
                                WHERE x.draw_id = s.draw_id AND x.record_id = s.record_id
                                  AND x.review = 'second'))
             FROM draws d JOIN draw_champions c ON c.draw_id = d.id
             WHERE {IN_PERIOD} AND (?3 IS NULL OR c.name = ?3)
               AND EXISTS (SELECT 1 FROM second_reviews s WHERE s.draw_id = d.id)
             ORDER BY d.month, c.position"
        ))?;
        let rows =
            statement.query_map(params![period.from, period.to, period.champion], |row| {
                Ok(SecondReviewProgress {
                    month: row.get(0)?,
                    champion: row.get(1)?,
                    due: row.get(2)?,
                    done: row.get(3)?,
                })
            })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The substitution that replaced `record_id`, if any.
    pub fn substitution_of(
        &self,
        draw_id: i64,
        record_id: &str,
    ) -> Result<Option<SubstitutionRecord>> {
        Ok(self
            .tx
            .query_row(
                "SELECT record_id, replacement_id, reason, footage_missing, recorded_at, recorded_by
                 FROM substitutions WHERE draw_id = ?1 AND record_id = ?2",
                params![draw_id, record_id],
                |row| {
                    Ok(SubstitutionRecord {
                        record_id: row.get(0)?,
                        replacement_id: row.get(1)?,
                        reason: row.get(2)?,
                        footage_missing: row.get(3)?,
                        recorded_at: row.get(4)?,
                        recorded_by: row.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    /// The substitution that brought `replacement_id` in, if any.
    pub fn substitution_bringing_in(
        &self,
        draw_id: i64,
        replacement_id: &str,
    ) -> Result<Option<String>> {
        Ok(self
            .tx
            .query_row(
                "SELECT record_id FROM substitutions WHERE draw_id = ?1 AND replacement_id = ?2",
                params![draw_id, replacement_id],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// Replaces a search under review that has no assessment by its
    /// champion's next unused reserve, in reserve order.
    pub fn substitute(
        &self,
        draw: &DrawSummary,
        record_id: &str,
        reason: &str,
        footage_missing: bool,
        recorded_by: &str,
        recorded_at: &str,
    ) -> Result<Substitution, SubstitutionError> {
        let found: Option<(String, String)> = self
            .tx
            .query_row(
                "SELECT champion, role FROM assignments WHERE draw_id = ?1 AND record_id = ?2",
                params![draw.id, record_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let Some((champion, role)) = found else {
            return Err(SubstitutionError::Unknown {
                record_id: record_id.to_string(),
                month: draw.month.clone(),
            });
        };
        if let Some(previous) = self.substitution_of(draw.id, record_id)? {
            return Err(SubstitutionError::AlreadySubstituted {
                record_id: record_id.to_string(),
                previous: Box::new(previous),
            });
        }
        if role == "reserve" && self.substitution_bringing_in(draw.id, record_id)?.is_none() {
            return Err(SubstitutionError::UnusedReserve {
                record_id: record_id.to_string(),
                champion,
            });
        }
        let version: Option<i64> = self.tx.query_row(
            "SELECT max(version) FROM assessments WHERE draw_id = ?1 AND record_id = ?2 AND review = 'first'",
            params![draw.id, record_id],
            |row| row.get(0),
        )?;
        if let Some(version) = version {
            return Err(SubstitutionError::Assessed {
                record_id: record_id.to_string(),
                version,
            });
        }
        let unused = "FROM assignments a
             WHERE a.draw_id = ?1 AND a.champion = ?2 AND a.role = 'reserve'
               AND NOT EXISTS (SELECT 1 FROM substitutions s
                               WHERE s.draw_id = a.draw_id AND s.replacement_id = a.record_id)";
        let next = self.next_reserve(draw.id, &champion, record_id, unused)?;
        let Some(NextReserve {
            record_id: replacement_id,
            position: reserve_position,
            other_stratum,
        }) = next
        else {
            let reserves: u64 = self.tx.query_row(
                "SELECT count(*) FROM assignments WHERE draw_id = ?1 AND champion = ?2 AND role = 'reserve'",
                params![draw.id, champion],
                |row| row.get(0),
            )?;
            return Err(SubstitutionError::NoReserveLeft {
                champion,
                month: draw.month.clone(),
                reserves,
            });
        };
        self.tx.execute(
            "INSERT INTO substitutions (draw_id, record_id, replacement_id, reason, footage_missing,
                                        recorded_at, recorded_by, other_stratum)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                draw.id,
                record_id,
                replacement_id,
                reason,
                footage_missing,
                recorded_at,
                recorded_by,
                other_stratum
            ],
        )?;
        let reserves_left: u64 = self.tx.query_row(
            &format!("SELECT count(*) {unused}"),
            params![draw.id, champion],
            |row| row.get(0),
        )?;
        Ok(Substitution {
            champion,
            record_id: record_id.to_string(),
            replacement_id,
            reserve_position,
            reserves_left,
            other_stratum,
        })
    }

    /// The champion's next unused reserve: in reserve order for
    /// `hash-rank-v1`; for `hash-rank-v2` the first of the same stratum
    /// (area pool when champions draw by area, and minority or rest by the
    /// officer-defined ethnicity), else the first of any.
    fn next_reserve(
        &self,
        draw_id: i64,
        champion: &str,
        record_id: &str,
        unused: &str,
    ) -> Result<Option<NextReserve>, SubstitutionError> {
        let algorithm: String = self.tx.query_row(
            "SELECT algorithm FROM draws WHERE id = ?1",
            [draw_id],
            |row| row.get(0),
        )?;
        let by_area: bool = self.tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM draw_champions WHERE draw_id = ?1 AND area IS NOT NULL)",
            [draw_id],
            |row| row.get(0),
        )?;
        let stratum = |ethnicity: &str, area: String| {
            (
                crate::export::is_minority_officer_defined(ethnicity),
                by_area.then_some(area),
            )
        };
        let mut statement = self.tx.prepare(&format!(
            "SELECT a.record_id, a.position, r.officer_defined_ethnicity, r.area {}
             ORDER BY a.position",
            unused.replacen(
                "FROM assignments a",
                "FROM assignments a JOIN records r ON r.draw_id = a.draw_id AND r.record_id = a.record_id",
                1
            )
        ))?;
        let reserves: Vec<(String, i64, (bool, Option<String>))> = statement
            .query_map(params![draw_id, champion], |row| {
                let ethnicity: String = row.get(2)?;
                Ok((row.get(0)?, row.get(1)?, stratum(&ethnicity, row.get(3)?)))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let Some(first) = reserves.first() else {
            return Ok(None);
        };
        if algorithm != crate::hashing::ALGORITHM_V2 {
            return Ok(Some(NextReserve {
                record_id: first.0.clone(),
                position: first.1,
                other_stratum: false,
            }));
        }
        let (ethnicity, area): (String, String) = self.tx.query_row(
            "SELECT officer_defined_ethnicity, area FROM records WHERE draw_id = ?1 AND record_id = ?2",
            params![draw_id, record_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        let wanted = stratum(&ethnicity, area);
        let same = reserves.iter().find(|(_, _, s)| *s == wanted);
        let (id, position, _) = same.unwrap_or(first);
        Ok(Some(NextReserve {
            record_id: id.clone(),
            position: *position,
            other_stratum: same.is_none(),
        }))
    }

    /// Each champion's progress in each current draw of the period, by
    /// month, then in champions-file order (`status`; a report counts the
    /// same on its own scans, `Tx::report_rows`, and a test holds the two
    /// equal).
    pub fn progress(&self, period: &Period) -> Result<Vec<ChampionProgress>> {
        // One pass over the period's assignments, grouped by draw and
        // champion, rather than a subquery per count, champion and month
        // (five years of months took a tenth of a second). `substitutions` has at most one row per
        // replaced search and per replacement, so its joins add no rows.
        // Active (as in `active_assignments`): a sample or a reserve brought
        // in, not itself replaced.
        let mut statement = self.tx.prepare(&format!(
            "WITH counts AS (
                SELECT a.draw_id, a.champion,
                    sum(gone.record_id IS NULL
                        AND (a.role = 'sample' OR brought.record_id IS NOT NULL)) AS assigned,
                    sum(gone.record_id IS NULL
                        AND (a.role = 'sample' OR brought.record_id IS NOT NULL)
                        AND EXISTS (SELECT 1 FROM assessments x
                                    WHERE x.draw_id = a.draw_id AND x.record_id = a.record_id
                                      AND x.review = 'first')) AS assessed,
                    sum(gone.record_id IS NOT NULL) AS substituted,
                    sum(gone.footage_missing = 1) AS footage_missing,
                    sum(a.role = 'reserve' AND brought.record_id IS NULL) AS reserves_left
                FROM draws d JOIN assignments a ON a.draw_id = d.id
                LEFT JOIN substitutions gone
                    ON gone.draw_id = a.draw_id AND gone.record_id = a.record_id
                LEFT JOIN substitutions brought
                    ON brought.draw_id = a.draw_id AND brought.replacement_id = a.record_id
                WHERE {IN_PERIOD} AND (?3 IS NULL OR a.champion = ?3)
                GROUP BY a.draw_id, a.champion)
             SELECT d.month, c.name, coalesce(n.assigned, 0), coalesce(n.assessed, 0),
                coalesce(n.substituted, 0), coalesce(n.footage_missing, 0),
                coalesce(n.reserves_left, 0)
             FROM draws d JOIN draw_champions c ON c.draw_id = d.id
             LEFT JOIN counts n ON n.draw_id = d.id AND n.champion = c.name
             WHERE {IN_PERIOD} AND (?3 IS NULL OR c.name = ?3)
             ORDER BY d.month, c.position"
        ))?;
        let rows = statement.query_map(
            params![period.from, period.to, period.champion],
            ChampionProgress::from_counts_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
