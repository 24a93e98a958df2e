//! Extending a drawn month (`grounds sample --extend`): check that nothing
//! already dealt would move, continue the walk, then update the workspace
//! and the draw's folder (new worksheets, re-issued or added-to ones, the
//! extended manifest). Refusals change nothing.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono_tz::Tz;
use csv::StringRecord;

use super::draw::{
    check_champions_against_mapping, read_drawn, snapshot_records, unrecognised_ethnicity,
};
use super::worksheets::{workbook_content, write_worksheets};
use super::Workspace;
use crate::assess::workbook::write_workbook;
use crate::assess::worksheet::{write_worksheet, WorksheetFormat, WorksheetRow};
use crate::export::{scan_month, ColumnMapping, MonthScan, MonthWindow, YearMonth};
use crate::hashing::{hex, sha256_file, sha256_reader};
use crate::sample::{
    self, check_extension, extend_draw, ChampionDraw, DrawRequest, DrawnState, ExtendAsk,
    Extension, Manifest,
};
use crate::spreadsheet::safe_file_stems;
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
    let exports = in_manifest_order(&previous, &options.exports)?;

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
    let (worksheets, moves) =
        stage_worksheets(&staging.path, &folder, &previous, &manifest, &scan, &drawn)?;
    fs::write(staging.path.join("manifest.json"), &manifest_json)
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
    staging.publish(&moves, &folder).with_context(|| {
        format!(
            "the {month} extension is recorded in the workspace, but its files could not all be moved \
             from {} into {}; move them by hand",
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
    let path = folder.join("manifest.json");
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
    let mut hashes = Vec::with_capacity(given.len());
    for path in given {
        hashes.push(sha256_file(path).with_context(|| format!("reading {}", path.display()))?);
    }
    let mut problems = Vec::new();
    let mut ordered = Vec::new();
    for input in &manifest.inputs {
        match hashes.iter().position(|h| *h == input.sha256) {
            Some(index) => ordered.push(given[index].clone()),
            None => problems.push(format!(
                "the draw's input {} (SHA-256 {}) is not among the exports given",
                input.file, input.sha256
            )),
        }
    }
    for (path, hash) in given.iter().zip(&hashes) {
        if !manifest.inputs.iter().any(|i| i.sha256 == *hash) {
            problems.push(format!(
                "{} is not an input of the draw (SHA-256 {hash})",
                path.display()
            ));
        }
    }
    if !problems.is_empty() {
        bail!(
            "an extension is dealt from the draw's exports, unchanged, or assignments would move; \
             nothing was written:\n  - {}",
            problems.join("\n  - ")
        );
    }
    Ok(ordered)
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

/// A staged file (relative to the staging folder) and its name in the draw's folder.
type Move = (String, String);

/// The worksheets to put in the draw's folder, staged; returns what
/// happens to each champion's and the (staged, final) file names to move.
fn stage_worksheets(
    staging: &Path,
    folder: &Path,
    previous: &Manifest,
    manifest: &Manifest,
    scan: &MonthScan,
    drawn: &HashMap<String, StringRecord>,
) -> Result<(Vec<WorksheetChange>, Vec<Move>)> {
    let format = manifest.parameters.worksheet_format;
    let full = staging.join("full");
    let before = staging.join("before");
    for dir in [&full, &before] {
        fs::create_dir(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let names = write_worksheets(&full, manifest, &scan.header, drawn, scan.columns.date)?;
    // What grounds wrote before this extension: a worksheet still so is
    // re-issued; one that differs was edited and is left alone.
    let before_names = write_worksheets(&before, previous, &scan.header, drawn, scan.columns.date)?;
    let stems = safe_file_stems(manifest.champions.iter().map(|c| c.champion.name.as_str()));
    let number = manifest.extensions.len();
    let mut changes = Vec::new();
    let mut moves = Vec::new();
    for (i, (draw, name)) in manifest.champions.iter().zip(&names).enumerate() {
        let target = folder.join(name);
        let Some(old) = previous.champions.get(i) else {
            moves.push((format!("full/{name}"), name.clone()));
            changes.push(WorksheetChange::New(target));
            continue;
        };
        if old.sample.len() == draw.sample.len() && old.reserves.len() == draw.reserves.len() {
            changes.push(WorksheetChange::Unchanged(target));
            continue;
        }
        let as_written = before.join(&before_names[i]);
        if !target.exists() || same_content(&target, &as_written, format)? {
            moves.push((format!("full/{name}"), name.clone()));
            changes.push(WorksheetChange::Reissued(target));
        } else {
            let beside = format!("{}.extension-{number}.{}", stems[i], format.extension());
            write_additions(
                &staging.join(&beside),
                manifest,
                draw,
                old,
                &scan.header,
                drawn,
                scan.columns.date,
            )?;
            moves.push((beside.clone(), beside.clone()));
            changes.push(WorksheetChange::Beside {
                worksheet: target,
                additions: folder.join(beside),
            });
        }
    }
    moves.push(("manifest.json".to_string(), "manifest.json".to_string()));
    Ok((changes, moves))
}

/// Whether a worksheet is still as grounds wrote it: byte for byte for CSV;
/// cell for cell for a workbook (its file also records when it was saved).
fn same_content(path: &Path, written: &Path, format: WorksheetFormat) -> Result<bool> {
    match format {
        WorksheetFormat::Csv => Ok(fs::read(path)
            .with_context(|| format!("reading {}", path.display()))?
            == fs::read(written).with_context(|| format!("reading {}", written.display()))?),
        WorksheetFormat::Xlsx => {
            // A workbook that cannot be read as one has been changed.
            let (Ok(a), Ok(b)) = (cells(path), cells(written)) else {
                return Ok(false);
            };
            Ok(a == b)
        }
    }
}

type Cells = Vec<(String, Vec<Vec<String>>)>;

/// Every sheet's cells as text.
fn cells(path: &Path) -> Result<Cells> {
    use calamine::Reader;
    let mut workbook = calamine::open_workbook_auto(path)
        .with_context(|| format!("opening {}", path.display()))?;
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook
            .worksheet_range(&name)
            .with_context(|| format!("reading {} of {}", name, path.display()))?;
        let rows = range
            .rows()
            .map(|row| row.iter().map(|cell| cell.to_string()).collect())
            .collect();
        sheets.push((name, rows));
    }
    Ok(sheets)
}

/// A worksheet of only the rows this extension added for one champion, at
/// their positions in the draw.
fn write_additions(
    path: &Path,
    manifest: &Manifest,
    draw: &ChampionDraw,
    old: &ChampionDraw,
    header: &[String],
    drawn: &HashMap<String, StringRecord>,
    date_column: usize,
) -> Result<()> {
    let added: Vec<(&str, usize, &str)> = [
        ("sample", &draw.sample, old.sample.len()),
        ("reserve", &draw.reserves, old.reserves.len()),
    ]
    .into_iter()
    .flat_map(|(role, ids, had)| {
        ids.iter()
            .enumerate()
            .skip(had)
            .map(move |(i, id)| (role, i + 1, id.as_str()))
    })
    .collect();
    let fields = |id: &str| -> Vec<String> {
        drawn
            .get(id)
            .map(|r| r.iter().map(String::from).collect())
            .unwrap_or_default()
    };
    match manifest.parameters.worksheet_format {
        WorksheetFormat::Xlsx => {
            let mut content = workbook_content(manifest, draw, header, date_column, |id| {
                (fields(id), Vec::new())
            });
            content
                .rows
                .retain(|row| added.iter().any(|(_, _, id)| *id == row.record_id));
            write_workbook(path, &content)?;
        }
        WorksheetFormat::Csv => {
            let all_fields: Vec<Vec<String>> = added.iter().map(|(_, _, id)| fields(id)).collect();
            let rows: Vec<WorksheetRow<'_>> = added
                .iter()
                .zip(&all_fields)
                .map(|(&(role, position, record_id), fields)| WorksheetRow {
                    record_id,
                    role,
                    position,
                    fields,
                })
                .collect();
            let file =
                fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
            write_worksheet(
                std::io::BufWriter::new(file),
                &draw.champion.name,
                &manifest.month.to_string(),
                header,
                &rows,
            )
            .with_context(|| format!("writing {}", path.display()))?;
        }
    }
    Ok(())
}

/// A hidden folder the extension's files are written into first; removed
/// unless the workspace committed the extension.
struct Staged {
    path: PathBuf,
    keep: bool,
}

impl Staged {
    fn new(out: &Path, month: &str) -> Result<Self> {
        let path = out.join(format!(".{month}.extend-{}", std::process::id()));
        if path.exists() {
            fs::remove_dir_all(&path)
                .with_context(|| format!("removing stale {}", path.display()))?;
        }
        fs::create_dir(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Self { path, keep: false })
    }

    /// Moves the staged files into `folder` (worksheets first, the manifest
    /// last), then removes the staging folder.
    fn publish(mut self, moves: &[Move], folder: &Path) -> Result<()> {
        self.keep = true;
        for (staged, name) in moves {
            let from = self.path.join(staged);
            let to = folder.join(name);
            fs::rename(&from, &to)
                .with_context(|| format!("moving {} to {}", from.display(), to.display()))?;
        }
        fs::remove_dir_all(&self.path)
            .with_context(|| format!("removing {}", self.path.display()))?;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}
