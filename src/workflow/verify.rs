//! Verifying a draw: recompute it from the exports and its manifest alone.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::export::{scan_month, InputSummary, YearMonth};
use crate::hashing::sha256_file;
use crate::sample::{self, Champion, DrawRequest, Manifest, PER_CHAMPION_LIMITS, RESERVES_LIMITS};

/// What a verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// `hash-rank-v1` or `hash-rank-v2`, as the manifest says.
    pub algorithm: String,
    pub month: YearMonth,
    pub seed: String,
    pub champions: usize,
    pub sampled: usize,
    pub reserves: usize,
    /// Records the manifest says earlier draws took, taken from it on trust
    /// (verify those draws' manifests too); `None` when the exports were not
    /// read because they are not the draw's inputs.
    pub excluded_on_trust: Option<usize>,
    /// Extensions (`sample --extend`) recomputed on top of the original draw.
    pub extensions: usize,
    /// Blind second reviews (`sample --second-review`) recomputed with it.
    pub second_reviews: usize,
    /// Every difference between the manifest and the recomputed draw; empty
    /// when the draw is exactly what the algorithm gives.
    pub problems: Vec<String>,
}

impl Verification {
    pub fn is_verified(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Recomputes the draw of the manifest at `manifest_path` from `exports`
/// (in any order). An error is input that cannot be checked at all (an
/// unreadable file, not a manifest); a draw that does not match is a
/// [`Verification`] with problems.
pub fn verify_draw(
    manifest_path: &Path,
    exports: &[PathBuf],
    on_bytes: &(dyn Fn(u64) + Sync),
) -> Result<Verification> {
    let text = std::fs::read_to_string(manifest_path)
        .with_context(|| format!("reading {}", manifest_path.display()))?;
    let manifest = Manifest::from_json(&text)
        .with_context(|| format!("{} is not a grounds manifest", manifest_path.display()))?;
    let design = match manifest.draw_design() {
        Ok(design) => design,
        Err(problem) => bail!("{}: {problem}", manifest_path.display()),
    };
    let zone: chrono_tz::Tz = manifest.timezone.parse().map_err(|_| {
        anyhow::anyhow!(
            "unknown time zone {:?}: give an IANA name such as Europe/London",
            manifest.timezone
        )
        .context(format!(
            "{} names an unknown time zone",
            manifest_path.display()
        ))
    })?;
    let parameters = manifest.parameters;
    let within = |limits: &std::ops::RangeInclusive<u32>, value: usize| {
        u32::try_from(value).is_ok_and(|v| limits.contains(&v))
    };
    let (per_champion, reserves) = manifest.current_quotas();
    if !within(&PER_CHAMPION_LIMITS, parameters.per_champion)
        || !within(&RESERVES_LIMITS, parameters.reserves)
        || !within(&PER_CHAMPION_LIMITS, per_champion)
        || !within(&RESERVES_LIMITS, reserves)
    {
        bail!(
            "{}: per_champion {} or reserves {} is outside what grounds draws ({} to {}; {} to {})",
            manifest_path.display(),
            parameters.per_champion,
            parameters.reserves,
            thousands(*PER_CHAMPION_LIMITS.start()),
            thousands(*PER_CHAMPION_LIMITS.end()),
            thousands(*RESERVES_LIMITS.start()),
            thousands(*RESERVES_LIMITS.end()),
        );
    }
    let mut verification = Verification {
        algorithm: manifest.algorithm.clone(),
        month: manifest.month,
        seed: manifest.seed.clone(),
        champions: manifest.champions.len(),
        sampled: manifest.champions.iter().map(|c| c.sample.len()).sum(),
        reserves: manifest.champions.iter().map(|c| c.reserves.len()).sum(),
        excluded_on_trust: None,
        extensions: manifest.extensions.len(),
        second_reviews: manifest
            .second_reviews
            .as_ref()
            .map_or(0, |s| s.reviews.len()),
        problems: Vec::new(),
    };
    crate::export::require_regular_files(exports)?;
    let ordered = match match_inputs(&manifest, exports)? {
        Ok(ordered) => ordered,
        Err(problems) => {
            verification.problems = problems;
            return Ok(verification);
        }
    };

    let window =
        crate::export::MonthWindow::new(manifest.month, zone, manifest.columns.naive_dates);
    let scan = scan_month(&ordered, &manifest.columns, window, zone, on_bytes)?;
    if scan.records.len() != manifest.month_records {
        verification.problems.push(format!(
            "the exports have {} searches in {}, the manifest says {}",
            scan.records.len(),
            manifest.month,
            manifest.month_records
        ));
    }
    let excluded: HashSet<String> = manifest.excluded_earlier_draws.iter().cloned().collect();
    verification.excluded_on_trust = Some(excluded.len());
    let (candidates, _) = sample::candidates(&scan, &excluded);
    let champions: Vec<Champion> = manifest
        .champions
        .iter()
        .map(|c| c.champion.clone())
        .collect();
    let month = manifest.month.to_string();
    let request = DrawRequest {
        seed: &manifest.seed,
        month: &month,
        per_champion: manifest.parameters.per_champion,
        reserves: manifest.parameters.reserves,
    };
    let recomputed = if manifest.extensions.is_empty() {
        sample::draw_with_design(&candidates, &champions, &request, design)
    } else {
        match replay_extensions(&manifest, &candidates, &champions, design) {
            Ok((dealt, problems)) => {
                verification.problems.extend(problems);
                dealt
            }
            Err(problem) => {
                verification.problems.push(problem);
                return Ok(verification);
            }
        }
    };
    verification
        .problems
        .extend(manifest.differences(&recomputed.champions));
    if let Some(stored) = &manifest.second_reviews {
        // Second reviews are dealt with the draw; an extension keeps them
        // and deals none, so only the original champions take part (their
        // first K searches never move).
        let original = manifest
            .original()
            .champions
            .min(recomputed.champions.len());
        // Their sample as the draw dealt it, before any extension added to it.
        let drawn: Vec<_> = recomputed.champions[..original]
            .iter()
            .map(|draw| {
                let mut draw = draw.clone();
                draw.sample.truncate(manifest.parameters.per_champion);
                draw
            })
            .collect();
        let fresh =
            sample::deal_second_reviews_ranked(&drawn, &candidates, stored.per_champion, |id| {
                crate::hashing::rank_key_of(&manifest.algorithm, &manifest.seed, &month, id)
            });
        verification.problems.extend(stored.differences(&fresh));
    }
    verification.problems.extend(sample::design_differences(
        manifest.design.as_ref(),
        &manifest.champions,
        &recomputed.design,
        &recomputed.champions,
    ));
    Ok(verification)
}

/// The original draw and every extension the manifest records, recomputed
/// (see the README, "Extending a draw"), with any extension whose recorded
/// rule or counts differ from the recomputation's. The error is an
/// extension list that cannot be replayed at all.
fn replay_extensions(
    manifest: &Manifest,
    candidates: &[sample::Candidate<'_>],
    champions: &[Champion],
    design: sample::Design,
) -> Result<(sample::Dealt, Vec<String>), String> {
    let month = manifest.month.to_string();
    let (dealt, steps) = sample::replay(
        candidates,
        champions,
        &manifest.seed,
        &month,
        manifest.original(),
        &manifest.extensions,
        design,
    )?;
    let problems = manifest
        .extensions
        .iter()
        .zip(&steps)
        .enumerate()
        .filter(|(_, (recorded, step))| !step.matches(recorded))
        .map(|(number, (recorded, step))| {
            let (sample, reserves) = step.totals();
            format!(
                "extension {} ({}): the manifest's rule {:?} and counts ({} searches, {} reserves, {:?}) \
                 differ from the recomputed rule {:?} and counts ({sample}, {reserves}, {:?})",
                number + 1,
                recorded.at,
                recorded.rule,
                recorded.sample_added,
                recorded.reserves_added,
                recorded.added,
                step.rule,
                step.added
            )
        })
        .collect();
    Ok((dealt, problems))
}

/// `10000` as `10,000`, as the limits are written for people.
fn thousands(value: u32) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The given files matched to a draw's inputs by SHA-256.
pub(super) struct InputMatch<'a> {
    /// The files found, in the manifest's input order (record ids of
    /// identical rows depend on input order).
    pub ordered: Vec<PathBuf>,
    /// The draw's inputs no file given has.
    pub missing: Vec<&'a InputSummary>,
    /// The files given that are no input of the draw, with their SHA-256.
    pub unknown: Vec<(&'a PathBuf, String)>,
}

/// Hashes the given files and matches them to the manifest's inputs; an
/// error only for a file that cannot be read.
pub(super) fn match_by_sha256<'a>(
    manifest: &'a Manifest,
    given: &'a [PathBuf],
) -> Result<InputMatch<'a>> {
    let mut hashes = Vec::with_capacity(given.len());
    for path in given {
        hashes.push(sha256_file(path).with_context(|| format!("reading {}", path.display()))?);
    }
    let mut matched = InputMatch {
        ordered: Vec::new(),
        missing: Vec::new(),
        unknown: Vec::new(),
    };
    for input in &manifest.inputs {
        match hashes.iter().position(|h| *h == input.sha256) {
            Some(index) => matched.ordered.push(given[index].clone()),
            None => matched.missing.push(input),
        }
    }
    for (path, hash) in given.iter().zip(hashes) {
        if !manifest.inputs.iter().any(|i| i.sha256 == hash) {
            matched.unknown.push((path, hash));
        }
    }
    Ok(matched)
}

/// Puts the given files in the manifest's input order, matched by SHA-256.
/// The outer error is a file that cannot be read; the inner one lists
/// mismatches.
fn match_inputs(
    manifest: &Manifest,
    given: &[PathBuf],
) -> Result<Result<Vec<PathBuf>, Vec<String>>> {
    let matched = match_by_sha256(manifest, given)?;
    let mut problems: Vec<String> = matched
        .missing
        .iter()
        .map(|input| {
            format!(
                "no file given has the SHA-256 of input {} ({})",
                input.file, input.sha256
            )
        })
        .collect();
    for (path, hash) in matched.unknown {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match manifest.inputs.iter().find(|i| i.file == name) {
            Some(input) => problems.push(format!(
                "{}: SHA-256 no longer matches the manifest (now {hash}, at the draw {}): the file has changed since the draw",
                path.display(),
                input.sha256
            )),
            None => problems.push(format!("{}: not an input of this draw (SHA-256 {hash})", path.display())),
        }
    }
    Ok(if problems.is_empty() {
        Ok(matched.ordered)
    } else {
        Err(problems)
    })
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn limits_read_as_people_write_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
