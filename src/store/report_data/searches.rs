//! The report's searches and each champion's progress, read together from
//! one scan of each table and joined here.
//!
//! SQLite would look every search up by its text key in three indexes and
//! sort the result, several times the cost of reading the tables once (a
//! five-year workspace of 60,000 searches: about 0.6 s against 0.1 s); and
//! the progress counts need the same scans, so they are made on the way.
//! One thread reads the tables while another (`join.rs`) joins the rows it
//! has read.

use std::sync::mpsc::sync_channel;
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use rusqlite::params;

use super::join::{Counts, DrawRanks, Joining, Names, Scan};
use super::{AssessedSearch, Period, IN_PERIOD};
use crate::store::{ChampionProgress, Result, Tx};
use crate::threads::joined;

/// What a report reads of its searches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRows {
    /// The current first-review assessments of the active searches of the
    /// period's current draws that have a record, by month, champion,
    /// samples before reserves, position.
    pub searches: Vec<AssessedSearch>,
    /// As [`Tx::progress`] gives it.
    pub progress: Vec<ChampionProgress>,
    /// Some assessment in the workspace, of any draw or review, is simulated.
    pub any_simulated: bool,
}

impl Tx<'_> {
    /// The searches a report counts, with each champion's progress in each
    /// of the period's current draws, from one scan of each table.
    pub fn report_rows(&self, period: &Period) -> Result<ReportRows> {
        let (months, draw_rank) = self.period_draws(period)?;
        // Searches substituted away (with whether footage was missing), and
        // their replacements, by draw.
        let mut gone: Vec<HashMap<String, bool>> = vec![HashMap::new(); months.len()];
        let mut brought: Vec<HashSet<String>> = vec![HashSet::new(); months.len()];
        let mut statement = self.tx.prepare(
            "SELECT draw_id, record_id, replacement_id, footage_missing FROM substitutions",
        )?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            if let Some(&m) = draw_rank.get(&row.get::<_, i64>(0)?) {
                gone[m].insert(row.get(1)?, row.get(3)?);
                brought[m].insert(row.get(2)?);
            }
        }
        let joining = Joining {
            period,
            months: &months,
            draw_rank: &draw_rank,
            gone: &gone,
            brought: &brought,
        };
        let (sent, joined) = std::thread::scope(|scope| {
            let (to, from) = sync_channel(8);
            let joiner = scope.spawn(move || joining.run(from));
            let sent = self
                .send_rows(
                    "SELECT draw_id, position, record_id, champion, role FROM assignments",
                    (2, 3),
                    &to,
                    Scan::Assignments,
                )
                .and_then(|()| {
                    self.send_rows(
                        "SELECT simulated, draw_id, version, review, record_id, grounds, bwv, gowisely,
                                conduct, referral, themes, notes
                         FROM assessments",
                        (3, 9),
                        &to,
                        Scan::Assessments,
                    )
                })
                .and_then(|()| {
                    self.send_rows(
                        "SELECT draw_id, record_id, self_defined_ethnicity, officer_defined_ethnicity,
                                legislation, object_of_search
                         FROM records",
                        (1, 5),
                        &to,
                        Scan::Records,
                    )
                });
            drop(to);
            (sent, joined(joiner))
        });
        sent?;
        let joined = joined?;
        let progress =
            self.champion_progress(period, &draw_rank, &joined.champions, &joined.counts)?;
        Ok(ReportRows {
            searches: joined.searches,
            progress,
            any_simulated: joined.any_simulated,
        })
    }

    /// The period's current draws: each one's month in month order, and
    /// each draw id's place in it.
    fn period_draws(&self, period: &Period) -> Result<(Vec<Arc<str>>, DrawRanks)> {
        let draws: Vec<(String, i64)> = self
            .tx
            .prepare(&format!(
                "SELECT d.month, d.id FROM draws d WHERE {IN_PERIOD} ORDER BY d.month"
            ))?
            .query_map(params![period.from, period.to], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let rank = draws
            .iter()
            .enumerate()
            .map(|(rank, (_, id))| (*id, rank))
            .collect();
        Ok((
            draws.into_iter().map(|(month, _)| month.into()).collect(),
            rank,
        ))
    }

    /// A progress row for every champion of every draw of the period, in
    /// month order and then champions-file order, with the counts made by
    /// the scans (a champion without assignments has zeros).
    fn champion_progress(
        &self,
        period: &Period,
        draw_rank: &DrawRanks,
        champions: &Names,
        counts: &[Vec<Counts>],
    ) -> Result<Vec<ChampionProgress>> {
        let mut statement = self.tx.prepare(&format!(
            "SELECT d.month, c.name, d.id FROM draws d JOIN draw_champions c ON c.draw_id = d.id
             WHERE {IN_PERIOD} AND (?3 IS NULL OR c.name = ?3)
             ORDER BY d.month, c.position"
        ))?;
        let rows =
            statement.query_map(params![period.from, period.to, period.champion], |row| {
                let name: String = row.get(1)?;
                let draw: i64 = row.get(2)?;
                let count = draw_rank
                    .get(&draw)
                    .zip(champions.index.get(name.as_str()))
                    .and_then(|(&m, &c)| counts.get(m)?.get(c as usize))
                    .copied()
                    .unwrap_or_default();
                Ok(ChampionProgress {
                    month: row.get(0)?,
                    champion: name,
                    assigned: count.assigned,
                    assessed: count.assessed,
                    substituted: count.substituted,
                    footage_missing: count.footage_missing,
                    outstanding: count.assigned.saturating_sub(count.assessed),
                    reserves_left: count.reserves_left,
                })
            })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
