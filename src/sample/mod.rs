//! The draw: champions, the `hash-rank-v1` ranking and dealing, the
//! stratified `hash-rank-v2`, reserves, the strata estimates need, and the
//! manifest that lets anyone recompute it.

mod champions;
mod draw;
mod extend;
mod extend_check;
mod manifest;
mod second;
mod strata;
mod stratified;

use std::collections::HashSet;

pub use champions::{parse_champions, read_champions, ChampionsError};
pub use draw::{draw, rank, Candidate, Champion, ChampionDraw, DrawRequest};
pub use extend::{
    check_extension, extend_draw, replay, Added, DrawnState, ExtendAsk, ExtendError, Extension,
    Original, Rule, Step,
};
pub use manifest::{Manifest, Parameters, SeedSource, Shortfall, Superseded};
pub use second::{
    areas_with_one_champion, deal_second_reviews_ranked, SecondReview, SecondReviews,
};
pub use strata::{design_differences, strata, DrawDesign, SamplingGroup, Stratum};
pub use stratified::{
    draw_stratified, draw_with_design, minority_reserves, Dealt, Design, DesignError,
};

use crate::export::MonthScan;

/// The most searches per champion a draw deals (`--per-champion`), and
/// the least: a draw of none is no draw.
pub const PER_CHAMPION_LIMITS: std::ops::RangeInclusive<u32> = 1..=10_000;
/// The most reserves per champion a draw deals (`--reserves`).
pub const RESERVES_LIMITS: std::ops::RangeInclusive<u32> = 0..=10_000;

/// The month's records that may be drawn: all but those in `excluded`
/// (earlier draws). Also returns which excluded ids were actually present,
/// for the manifest.
pub fn candidates<'a>(
    scan: &'a MonthScan,
    excluded: &HashSet<String>,
) -> (Vec<Candidate<'a>>, Vec<String>) {
    let mut present = Vec::new();
    let candidates = scan
        .records
        .iter()
        .filter(|record| {
            let out = excluded.contains(&record.record_id);
            if out {
                present.push(record.record_id.clone());
            }
            !out
        })
        .map(|record| Candidate {
            record_id: &record.record_id,
            officer: record.officer(),
            area: record.area(),
            minority: record.minority(),
            no_suspicion: record.no_suspicion(),
        })
        .collect();
    (candidates, present)
}

/// A fresh seed from the operating system's randomness: 128 bits as hex.
pub fn generate_seed() -> std::io::Result<String> {
    use rand::TryRngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(std::io::Error::other)?;
    Ok(crate::hashing::hex(&bytes))
}
