//! Recording an extension of a draw (`grounds sample --extend`): the draw
//! keeps its id; its manifest is replaced by the extended one, and the new
//! champions, snapshots and assignments are added beside the old ones.

use rusqlite::params;

use super::{Result, SnapshotRecord, StoreError, Tx};
use crate::sample::Manifest;

/// Everything an extension stores.
pub struct DrawExtension<'a> {
    pub draw_id: i64,
    /// The manifest as it stood: its SHA-256 must still be the draw's, and
    /// its lists say which assignments already exist.
    pub previous: &'a Manifest,
    pub previous_sha256: &'a str,
    pub manifest: &'a Manifest,
    /// The extended manifest exactly as written to disk.
    pub manifest_json: &'a str,
    pub manifest_sha256: &'a str,
    /// Snapshots of the records the extension dealt.
    pub records: &'a [SnapshotRecord],
}

impl Tx<'_> {
    /// Records an extension. Refused when another command changed the
    /// month's draw since `previous` was read.
    pub fn record_extension(&self, extension: &DrawExtension<'_>) -> Result<()> {
        let manifest = extension.manifest;
        let month = manifest.month.to_string();
        let current = self.current_draw(&month)?;
        let unchanged = current.as_ref().is_some_and(|d| {
            d.id == extension.draw_id && d.manifest_sha256 == extension.previous_sha256
        });
        if !unchanged {
            return Err(StoreError::DrawnMeanwhile {
                month,
                found: current.map(|e| format!("seed {} at {}", e.seed, e.created_at)),
            });
        }
        let (per_champion, reserves) = manifest.current_quotas();
        self.tx.execute(
            "UPDATE draws SET manifest = ?2, manifest_sha256 = ?3, per_champion = ?4, reserves = ?5
             WHERE id = ?1",
            params![
                extension.draw_id,
                extension.manifest_json,
                extension.manifest_sha256,
                per_champion as i64,
                reserves as i64,
            ],
        )?;
        self.insert_snapshots(extension.draw_id, extension.records)?;

        let mut update_champion = self.tx.prepare(
            "UPDATE draw_champions SET eligible = ?3, sample_shortfall = ?4, reserve_shortfall = ?5
             WHERE draw_id = ?1 AND position = ?2",
        )?;
        let mut new_champion = self.tx.prepare(
            "INSERT INTO draw_champions (draw_id, position, name, officer_id, area, eligible,
                                         sample_shortfall, reserve_shortfall)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        let mut assignment = self.tx.prepare(
            "INSERT INTO assignments (draw_id, record_id, champion, role, position) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (position, c) in manifest.champions.iter().enumerate() {
            let before = extension.previous.champions.get(position);
            match before {
                Some(_) => update_champion.execute(params![
                    extension.draw_id,
                    position as i64,
                    c.eligible as i64,
                    c.sample_shortfall as i64,
                    c.reserve_shortfall as i64,
                ])?,
                None => new_champion.execute(params![
                    extension.draw_id,
                    position as i64,
                    c.champion.name,
                    c.champion.officer_id,
                    c.champion.area,
                    c.eligible as i64,
                    c.sample_shortfall as i64,
                    c.reserve_shortfall as i64,
                ])?,
            };
            let had = |role: &str| {
                before.map_or(0, |b| match role {
                    "sample" => b.sample.len(),
                    _ => b.reserves.len(),
                })
            };
            for (role, ids) in [("sample", &c.sample), ("reserve", &c.reserves)] {
                for (index, id) in ids.iter().enumerate().skip(had(role)) {
                    assignment.execute(params![
                        extension.draw_id,
                        id,
                        c.champion.name,
                        role,
                        index as i64 + 1
                    ])?;
                }
            }
        }
        Ok(())
    }
}
