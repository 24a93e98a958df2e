//! Extending a drawn month (`grounds sample --extend`): check that nothing
//! already dealt would move, continue the walk, then update the workspace
//! and the draw's folder (new worksheets, re-issued or added-to ones, the
//! extended manifest). Refusals change nothing.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono_tz::Tz;

use super::draw::{
    check_champions_against_mapping, read_drawn, snapshot_records, superseded_folder,
    unrecognised_ethnicity,
};
use super::extend_files::{finish_interrupted, stage_worksheets, Staged, MANIFEST};
use super::staging;
use super::Workspace;
use crate::assess::worksheet::WorksheetFormat;
use crate::export::{scan_month, ColumnMapping, MonthWindow, YearMonth};
use crate::hashing::{hex, sha256_file, sha256_reader};
use crate::sample::{
    self, check_extension, extend_draw, ChampionDraw, DrawRequest, DrawnState, ExtendAsk,
    Extension, Manifest,
};
use crate::store::{self, DrawExtension, Store};

/// What to add to a drawn month. `None` means "as the draw has it".
#[derive(Debug, Clone)]
pub struct ExtendOptions {
    /// The draw's export file(s), in any order.
    pub exports: Vec<PathBuf>,
    pub month: YearMonth,
    /// The champions file: the draw's champions in order, new ones appended.
    pub champions: PathBuf,
    pub per_champion: Option<u32>,
    pub reserves: Option<u32>,
    pub seed: Option<String>,
    /// The folder the draw was written to (`out/YYYY-MM/`).
    pub out: PathBuf,
    pub columns: Option<PathBuf>,
    pub timezone: Option<Tz>,
    pub minority_per_champion: Option<u32>,
    pub worksheet_format: Option<WorksheetFormat>,
    pub bwv_retention_days: Option<u32>,
}

/// What happened to one champion's worksheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorksheetChange {
    /// Nothing was added for this champion.
    Unchanged(PathBuf),
    /// A new champion's worksheet.
    New(PathBuf),
    /// The worksheet was as grounds wrote it (or was missing): re-issued
    /// with the added rows.
    Reissued(PathBuf),
    /// The worksheet had been edited: the added rows were
    /// written to `additions`, beside it, and it was left alone.
    Beside {
        worksheet: PathBuf,
        additions: PathBuf,
    },
}

/// What an extension produced.
#[derive(Debug, Clone)]
pub struct Extended {
    pub manifest: Manifest,
    pub folder: PathBuf,
    /// One per champion, in champions-file order.
    pub worksheets: Vec<WorksheetChange>,
    pub warnings: Vec<String>,
}

impl Extended {
    /// The extension just made.
    pub fn extension(&self) -> &Extension {
        self.manifest
            .extensions
            .last()
            .expect("an extended manifest records its extension")
    }
}

/// Extends the month's current draw as `options` asks; see the README,
/// "Extending a draw".
pub fn extend_month(
    workspace: &Workspace,
    options: &ExtendOptions,
    on_bytes: &(dyn Fn(u64) + Sync),
) -> Result<Extended> {
    let month = options.month.to_string();
    crate::export::reject_repeated_paths(&options.exports)?;
    let not_drawn = || {
        format!(
            "{month} has not been drawn in {}: there is nothing to extend. Run `grounds sample` \
             without --extend to draw it",
            workspace.db().display()
        )
    };
    if !workspace.db().exists() {
        bail!(not_drawn());
    }
    let mut store = workspace.open()?;
    let (draw, previous) = {
        let tx = store.read()?;
        let Some(draw) = tx.current_draw(&month)? else {
            bail!(not_drawn());
        };
        let previous = tx.manifest(draw.id)?;
        (draw, previous)
    };
    let folder = options.out.join(&month);
    // A `sample` or an earlier `--extend` stopped after its commit left its
    // files staged: put them in place first, as `sample` would.
    let aside = superseded_folder(&options.out, &month, &store::now());
    staging::finish_interrupted(&options.out, &month, Some(&draw.manifest_sha256), &aside)?;
    finish_interrupted(&options.out, &month, &draw.manifest_sha256)?;
    check_folder(&folder, &draw.manifest_sha256)?;
    let mapping = match &options.columns {
        Some(path) => ColumnMapping::from_toml_file(path)?,
        None => ColumnMapping::police_uk(),
    };
    check_same_settings(&previous, &mapping, options)?;
    let zone: Tz = previous.timezone.parse().map_err(|_| {
        anyhow::anyhow!(
            "the draw names an unknown time zone {:?}",
            previous.timezone
        )
    })?;
    let champions = sample::read_champions(&options.champions)?;
    let mut warnings: Vec<String> =
        check_champions_against_mapping(&champions, &mapping, &options.champions)?
            .into_iter()
            .collect();
    let (per_now, reserves_now) = previous.current_quotas();
    let drawn_champions: Vec<sample::Champion> = previous
        .champions
        .iter()
        .map(|c| c.champion.clone())
        .collect();
    // The exports first: a wrong file is the problem to name, even when the
    // counts asked for would add nothing.
    let exports = in_manifest_order(&previous, &options.exports)?;
    let per_champion = options.per_champion.map_or(per_now, |n| n as usize);
    let reserves = options.reserves.map_or(reserves_now, |n| n as usize);
    check_extension(
        &DrawnState {
            champions: &drawn_champions,
            per_champion: per_now,
            reserves: reserves_now,
            seed: &previous.seed,
            minority_per_champion: previous.minority_per_champion,
        },
        &ExtendAsk {
            champions: &champions,
            per_champion,
            reserves,
            seed: options.seed.as_deref(),
            minority_per_champion: options
                .minority_per_champion
                .map(|k| k as usize)
                .or(previous.minority_per_champion),
        },
    )
    .with_context(|| format!("{month} cannot be extended so; nothing was written"))?;
    let design = previous
        .draw_design()
        .map_err(|problem| anyhow::anyhow!("the {month} draw's manifest: {problem}"))?;

    let window = MonthWindow::new(options.month, zone, mapping.naive_dates);
    let scan = scan_month(&exports, &mapping, window, zone, on_bytes)?;
    if scan.records.len() != previous.month_records {
        bail!(
            "the exports have {} searches in {month}, the draw had {}: nothing was written",
            scan.records.len(),
            previous.month_records
        );
    }
    let excluded: HashSet<String> = previous.excluded_earlier_draws.iter().cloned().collect();
    let (candidates, _) = sample::candidates(&scan, &excluded);
    let request = DrawRequest {
        seed: &previous.seed,
        month: &month,
        per_champion,
        reserves,
    };
    let (dealt, rule) = extend_draw(
        &candidates,
        &champions,
        &previous.champions,
        &request,
        design,
    );
    let added = added_records(&previous.champions, &dealt.champions)?;
    refuse_records_of_other_draws(&mut store, &month, &added)?;

    let mut manifest = previous.clone();
    let step = sample::Step::between(rule, &previous.champions, &dealt.champions);
    let (sample_added, reserves_added) = step.totals();
    manifest.extensions.push(Extension {
        at: store::now(),
        by: store::current_user(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        per_champion,
        reserves,
        champions_added: champions[previous.champions.len()..]
            .iter()
            .map(|c| c.name.clone())
            .collect(),
        rule,
        sample_added,
        reserves_added,
        added: step.added,
        previous_manifest_sha256: draw.manifest_sha256.clone(),
    });
    manifest.shortfall = Manifest::shortfalls(&dealt.champions);
    manifest.champions = dealt.champions;
    manifest.design = Some(dealt.design);
    let manifest_json = manifest.to_json();
    let manifest_sha256 = hex(&sha256_reader(manifest_json.as_bytes())?.0);

    let drawn = read_drawn(&exports, &manifest, &scan)?;
    let staging = Staged::new(&options.out, &month)?;
    let worksheets = stage_worksheets(&staging.path, &folder, &previous, &manifest, &scan, &drawn)?;
    fs::write(staging.path.join(MANIFEST), &manifest_json)
        .with_context(|| format!("writing {}", staging.path.display()))?;
    let records: Vec<_> = snapshot_records(&scan, &drawn)
        .into_iter()
        .filter(|r| added.contains(&r.record_id))
        .collect();
    warnings.extend(unrecognised_ethnicity(&scan.population));
    let tx = store.begin()?;
    tx.record_extension(&DrawExtension {
        draw_id: draw.id,
        previous: &previous,
        previous_sha256: &draw.manifest_sha256,
        manifest: &manifest,
        manifest_json: &manifest_json,
        manifest_sha256: &manifest_sha256,
        records: &records,
    })?;
    tx.commit()?;
    let staged_at = staging.path.clone();
    staging.publish(&folder).with_context(|| {
        format!(
            "the {month} extension is recorded in the workspace, but its files could not all be moved \
             from {} into {}; run `grounds sample --extend` for {month} again to finish",
            staged_at.display(),
            folder.display()
        )
    })?;
    Ok(Extended {
        manifest,
        folder,
        worksheets,
        warnings,
    })
}

/// The draw's folder must hold the workspace's manifest: the worksheets
/// re-issued are that draw's.
fn check_folder(folder: &Path, committed_sha256: &str) -> Result<()> {
    let path = folder.join(MANIFEST);
    if !path.exists() {
        bail!(
            "{} does not exist: give the --out the draw was written to (its folder holds manifest.json)",
            path.display()
        );
    }
    let found = sha256_file(&path).with_context(|| format!("reading {}", path.display()))?;
    if found != committed_sha256 {
        bail!(
            "{} is not the workspace's manifest of this draw (SHA-256 {found}, the workspace has \
             {committed_sha256}): restore it, or give the --out of the draw in this workspace",
            path.display()
        );
    }
    Ok(())
}

/// Refuses settings that differ from the draw's: each would deal differently.
fn check_same_settings(
    previous: &Manifest,
    mapping: &ColumnMapping,
    options: &ExtendOptions,
) -> Result<()> {
    if *mapping != previous.columns {
        bail!(
            "the column mapping ({}) is not the draw's: record ids and eligibility would change and \
             assignments would move. Give the --columns the draw was made with; nothing was written",
            options
                .columns
                .as_ref()
                .map_or_else(|| "data.police.uk, no --columns".to_string(), |p| p.display().to_string())
        );
    }
    if let Some(zone) = options.timezone {
        if zone.name() != previous.timezone {
            bail!(
                "--timezone {} is not the draw's {}: the month's searches would change and assignments \
                 would move. Leave --timezone out; nothing was written",
                zone.name(),
                previous.timezone
            );
        }
    }
    if let Some(format) = options.worksheet_format {
        if format != previous.parameters.worksheet_format {
            bail!(
                "--worksheet-format {} is not the draw's {}: an extension writes worksheets like the \
                 draw's. Leave --worksheet-format out; nothing was written",
                format.extension(),
                previous.parameters.worksheet_format.extension()
            );
        }
    }
    if let Some(days) = options.bwv_retention_days {
        if days != previous.parameters.bwv_retention_days {
            bail!(
                "--bwv-retention-days {days} is not the draw's {}: leave it out; nothing was written",
                previous.parameters.bwv_retention_days
            );
        }
    }
    Ok(())
}

/// The exports in the manifest's input order (record ids of identical rows
/// depend on it); refused unless they are exactly the draw's inputs.
fn in_manifest_order(manifest: &Manifest, given: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let matched = super::verify::match_by_sha256(manifest, given)?;
    let problems: Vec<String> = matched
        .missing
        .iter()
        .map(|input| {
            format!(
                "the draw's input {} (SHA-256 {}) is not among the exports given",
                input.file, input.sha256
            )
        })
        .chain(matched.unknown.iter().map(|(path, hash)| {
            format!(
                "{} is not an input of the draw (SHA-256 {hash})",
                path.display()
            )
        }))
        .collect();
    if !problems.is_empty() {
        bail!(
            "an extension is dealt from the draw's exports, unchanged, or assignments would move; \
             nothing was written:\n  - {}",
            problems.join("\n  - ")
        );
    }
    Ok(matched.ordered)
}

/// The records the extension dealt; an error if anything already dealt
/// moved (the rule never moves anything: this is a guard).
fn added_records(before: &[ChampionDraw], after: &[ChampionDraw]) -> Result<HashSet<String>> {
    for (b, a) in before.iter().zip(after) {
        if !a.sample.starts_with(&b.sample) || !a.reserves.starts_with(&b.reserves) {
            bail!(
                "internal error: the extension would move {}'s assignments; nothing was written",
                b.champion.name
            );
        }
    }
    Ok(after
        .iter()
        .enumerate()
        .flat_map(|(i, a)| {
            let (s, r) = before
                .get(i)
                .map_or((0, 0), |b| (b.sample.len(), b.reserves.len()));
            a.sample[s..].iter().chain(&a.reserves[r..]).cloned()
        })
        .collect())
}

/// A record another month's draw holds cannot be dealt again.
fn refuse_records_of_other_draws(
    store: &mut Store,
    month: &str,
    added: &HashSet<String>,
) -> Result<()> {
    let tx = store.read()?;
    let elsewhere = tx.drawn_record_ids(Some(month))?;
    let clash: Vec<&String> = added.iter().filter(|id| elsewhere.contains(*id)).collect();
    if let Some(id) = clash.first() {
        bail!(
            "the extension would deal {id} (and {} more), which another month's draw holds; nothing was written",
            clash.len() - 1
        );
    }
    Ok(())
}
