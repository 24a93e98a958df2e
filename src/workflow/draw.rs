//! Drawing a month: check everything, draw, then write the worksheets folder
//! and the workspace together, or neither.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono_tz::Tz;
use csv::StringRecord;

use super::staging::{self, Staging};
use super::worksheets::write_worksheets;
use super::Workspace;
use crate::assess::workbook::DEFAULT_RETENTION_DAYS;
use crate::assess::worksheet::WorksheetFormat;
use crate::ethnicity::{classify, Scheme};
use crate::export::{
    read_back, reject_repeated_paths, scan_month, ColumnMapping, EthnicityCount, MonthRecord,
    MonthScan, MonthWindow, YearMonth,
};
use crate::hashing::{hex, sha256_reader};
use crate::sample::{
    self, Champion, Design, DrawRequest, Manifest, Parameters, SeedSource, Superseded,
};
use crate::store::{self, NewDraw, Redraw, SnapshotRecord, Store};

/// What to draw, and where to put the worksheets.
#[derive(Debug, Clone)]
pub struct DrawOptions {
    /// The export file(s), in the order given.
    pub exports: Vec<PathBuf>,
    pub month: YearMonth,
    /// The champions CSV file.
    pub champions: PathBuf,
    pub per_champion: u32,
    pub reserves: u32,
    /// `None`: a seed from the operating system's randomness.
    pub seed: Option<String>,
    /// The draw goes in `out/YYYY-MM/`.
    pub out: PathBuf,
    /// A column mapping (TOML) for a force export; `None`: data.police.uk.
    pub columns: Option<PathBuf>,
    pub timezone: Tz,
    pub redraw: Redraw,
    /// K: deal K of each champion's searches from the minority-ethnic
    /// stratum (`hash-rank-v2`); `None`: `hash-rank-v1`.
    pub minority_per_champion: Option<u32>,
    /// A workbook per champion (the default) or a CSV file.
    pub worksheet_format: WorksheetFormat,
    /// Days after a search that its body-worn video is deleted.
    pub bwv_retention_days: u32,
    /// K: each champion's first K searches also go, blind, to a second
    /// champion (`sample::deal_second_reviews_ranked`); 0: none.
    pub second_review: u32,
}

impl DrawOptions {
    /// The defaults of `grounds sample`: 20 searches and 5 reserves per
    /// champion, a generated seed, `worksheets/`, Europe/London.
    pub fn new(exports: Vec<PathBuf>, month: YearMonth, champions: PathBuf) -> Self {
        Self {
            exports,
            month,
            champions,
            per_champion: 20,
            reserves: 5,
            seed: None,
            out: PathBuf::from("worksheets"),
            columns: None,
            timezone: chrono_tz::Europe::London,
            redraw: Redraw::No,
            minority_per_champion: None,
            worksheet_format: WorksheetFormat::Xlsx,
            bwv_retention_days: DEFAULT_RETENTION_DAYS,
            second_review: 0,
        }
    }
}

/// What a draw produced.
#[derive(Debug, Clone)]
pub struct Draw {
    pub manifest: Manifest,
    /// `out/YYYY-MM/`, holding `manifest.json` and the worksheets.
    pub folder: PathBuf,
    /// One worksheet per champion, in champions-file order.
    pub worksheets: Vec<PathBuf>,
    /// Things a person should know that did not stop the draw.
    pub warnings: Vec<String>,
}

impl Draw {
    pub fn manifest_path(&self) -> PathBuf {
        self.folder.join("manifest.json")
    }
}

/// Draws `options.month` for the champions, writes the manifest and one
/// worksheet per champion, and records the draw in the workspace (created if
/// missing). `on_bytes` hears how many bytes of the exports were read.
pub fn draw_month(
    workspace: &Workspace,
    options: &DrawOptions,
    on_bytes: &(dyn Fn(u64) + Sync),
) -> Result<Draw> {
    let month = options.month.to_string();
    let mut warnings = Vec::new();
    reject_repeated_paths(&options.exports)?;
    let mapping = match &options.columns {
        Some(path) => ColumnMapping::from_toml_file(path)?,
        None => ColumnMapping::police_uk(),
    };
    let design = Design::new(
        options.minority_per_champion.map(|k| k as usize),
        options.per_champion as usize,
    )?;
    check_design_against_mapping(design, &mapping, options.columns.as_deref())?;
    let champions = sample::read_champions(&options.champions)?;
    warnings.extend(check_champions_against_mapping(
        &champions,
        &mapping,
        &options.champions,
    )?);
    if options.second_review > 0 {
        if champions.len() < 2 {
            bail!(
                "--second-review {} needs at least two champions: a second review goes to another champion, \
                 and {} has only one",
                options.second_review,
                options.champions.display()
            );
        }
        if options.second_review > options.per_champion {
            bail!(
                "--second-review {} is more than --per-champion {}: only searches of a champion's sample can be \
                 reviewed twice; give at most {}",
                options.second_review,
                options.per_champion,
                options.per_champion
            );
        }
    }
    let (seed, seed_source) = seed(options.seed.as_deref())?;
    let final_folder = options.out.join(&month);
    finish_an_interrupted_draw(workspace.db(), &options.out, &month, options.redraw)?;
    if final_folder.exists() && options.redraw == Redraw::No {
        bail!(
            "{} already exists: {month} has worksheets from an earlier draw. Give --extend to add searches, \
             reserves or champions to it, --redraw to replace it (its folder is kept beside the new one), \
             or choose another --out",
            final_folder.display()
        );
    }
    let (excluded, supersedes) = earlier_draws(workspace.db(), &month, options.redraw)?;

    let window = MonthWindow::new(options.month, options.timezone, mapping.naive_dates);
    let scan = scan_month(
        &options.exports,
        &mapping,
        window,
        options.timezone,
        on_bytes,
    )?;
    warnings.extend(scan.warnings.iter().cloned());
    if scan.records.is_empty() {
        let covered = match scan.covered {
            Some((first, last)) => format!("they cover {first} to {last}"),
            None => "they have no rows".to_string(),
        };
        bail!(
            "no searches in {month} ({}) in the exports: {covered}",
            options.timezone
        );
    }

    let (candidates, excluded_present) = sample::candidates(&scan, &excluded);
    let request = DrawRequest {
        seed: &seed,
        month: &month,
        per_champion: options.per_champion as usize,
        reserves: options.reserves as usize,
    };
    let dealt = sample::draw_with_design(&candidates, &champions, &request, design);
    let draws = dealt.champions;
    let second_reviews = (options.second_review > 0).then(|| {
        sample::deal_second_reviews_ranked(
            &draws,
            &candidates,
            options.second_review as usize,
            |id| crate::hashing::rank_key_of(design.algorithm(), &seed, &month, id),
        )
    });
    let parameters = Parameters {
        per_champion: request.per_champion,
        reserves: request.reserves,
        worksheet_format: options.worksheet_format,
        bwv_retention_days: options.bwv_retention_days,
    };
    let manifest = Manifest {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        algorithm: design.algorithm().to_string(),
        seed,
        seed_source,
        month: options.month,
        timezone: options.timezone.name().to_string(),
        created_at: store::now(),
        inputs: scan.inputs.clone(),
        columns: mapping,
        parameters,
        minority_per_champion: design.minority_per_champion(),
        month_records: scan.records.len(),
        excluded_earlier_draws: excluded_present,
        shortfall: Manifest::shortfalls(&draws),
        champions: draws,
        design: Some(dealt.design),
        second_reviews,
        supersedes,
        extensions: Vec::new(),
    };
    let manifest_json = manifest.to_json();

    let staging = Staging::new(&options.out, &month)?;
    fs::write(staging.path.join("manifest.json"), &manifest_json)
        .with_context(|| format!("writing {}", staging.path.display()))?;
    let drawn = read_drawn(&options.exports, &manifest, &scan)?;
    let worksheet_names = write_worksheets(
        &staging.path,
        &manifest,
        &scan.header,
        &drawn,
        scan.columns.date,
    )?;

    let records = snapshot_records(&scan, &drawn);
    warnings.extend(unrecognised_ethnicity(&scan.population));
    let input_paths: Vec<String> = options
        .exports
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let manifest_sha256 = hex(&sha256_reader(manifest_json.as_bytes())?.0);
    let mut store = Store::open_or_create(workspace.db())?;
    let tx = store.begin()?;
    tx.insert_draw(
        &NewDraw {
            manifest: &manifest,
            manifest_json: &manifest_json,
            manifest_sha256: &manifest_sha256,
            header: &scan.header,
            input_paths: &input_paths,
            records: &records,
            population: &scan.population,
            created_by: &store::current_user(),
        },
        options.redraw,
    )?;
    let aside = final_folder
        .exists()
        .then(|| superseded_folder(&options.out, &month, &manifest.created_at));
    // Commit first, then publish: a stop in between leaves a committed draw
    // with its folder staged, which the next `sample` puts in place; the
    // other order could leave a folder that verifies but has no draw.
    let mut staging = staging;
    tx.commit()?;
    staging.keep();
    staging
        .publish(&final_folder, aside.as_deref())
        .with_context(|| {
            format!(
                "the {month} draw is recorded, but its folder could not be put in place; \
             run `grounds sample` for {month} again to finish"
            )
        })?;

    Ok(Draw {
        worksheets: worksheet_names
            .iter()
            .map(|name| final_folder.join(name))
            .collect(),
        folder: final_folder,
        manifest,
        warnings,
    })
}

/// The workspace at `db` opened for reading, or `None` when there is none
/// yet. An empty database is what a `sample` stopped before its first
/// commit leaves: this `sample` makes the workspace there (every other
/// command refuses an empty file).
fn existing_workspace(db: &Path) -> Result<Option<Store>> {
    if !db.exists() {
        return Ok(None);
    }
    match Store::open(db) {
        Ok(store) => Ok(Some(store)),
        Err(store::StoreError::Empty(_)) => Ok(None),
        Err(err) => Err(err.into()),
    }
}

/// Where a replaced draw's folder is moved.
pub(super) fn superseded_folder(out: &Path, month: &str, created_at: &str) -> PathBuf {
    out.join(format!(
        "{month}.superseded-{}",
        created_at.replace([':', '-'], "")
    ))
}

/// Finishes or cleans up after a `sample` of `month` that was stopped
/// (killed, power cut) between recording its draw and publishing its
/// folder. Without a redraw, a finished publish is the answer to this run:
/// the month is drawn, and this says so instead of drawing again.
fn finish_an_interrupted_draw(db: &Path, out: &Path, month: &str, redraw: Redraw) -> Result<()> {
    let current = match existing_workspace(db)? {
        Some(mut store) => store.read()?.current_draw(month)?,
        None => None,
    };
    let aside = superseded_folder(out, month, &store::now());
    let leftovers = staging::finish_interrupted(
        out,
        month,
        current.as_ref().map(|d| d.manifest_sha256.as_str()),
        &aside,
    )?;
    if let (Some(folder), Some(draw), Redraw::No) = (&leftovers.published, &current, redraw) {
        bail!(
            "{month} was drawn on {} (seed {}) by a `grounds sample` that was stopped before its \
             worksheets were put in place; they are now in {}. Nothing new was drawn",
            draw.created_at,
            draw.seed,
            folder.display()
        );
    }
    Ok(())
}

/// The seed given, or one from the operating system's randomness.
fn seed(given: Option<&str>) -> Result<(String, SeedSource)> {
    Ok(match given {
        Some("") => bail!("--seed is empty: give a seed or leave it out to generate one"),
        Some(seed) => (seed.to_string(), SeedSource::Given),
        None => (
            sample::generate_seed().context("reading the operating system's randomness")?,
            SeedSource::Generated,
        ),
    })
}

/// Refuses a stratified draw on an export whose mapping has no
/// officer-defined ethnicity column: the strata could not be formed.
fn check_design_against_mapping(
    design: Design,
    mapping: &ColumnMapping,
    columns: Option<&Path>,
) -> Result<()> {
    if design == Design::Unstratified || mapping.officer_defined_ethnicity.is_some() {
        return Ok(());
    }
    let file = columns.map_or_else(
        || "the column mapping".to_string(),
        |p| p.display().to_string(),
    );
    bail!(
        "--minority-per-champion needs the officer-defined ethnicity column, and {file} maps none: \
         add officer_defined_ethnicity = \"...\" under [columns] (the column with White, Black, Asian, \
         Mixed, Other), or draw without --minority-per-champion"
    )
}

/// Refuses areas the export cannot place; warns about officer ids it cannot use.
pub(super) fn check_champions_against_mapping(
    champions: &[Champion],
    mapping: &ColumnMapping,
    file: &Path,
) -> Result<Option<String>> {
    if mapping.area.is_none() && champions.iter().any(|c| c.area.is_some()) {
        bail!(
            "{} gives champions an area, but the export has no area column: map one in the column mapping \
             (area = \"...\") or remove the area column",
            file.display()
        );
    }
    let officers_unused =
        mapping.officer.is_none() && champions.iter().any(|c| c.officer_id.is_some());
    Ok(officers_unused.then(|| {
        format!(
            "{} gives officer ids, but the export has no officer column, so champions cannot be kept \
             from their own searches; map one (officer = \"...\") if the export has it",
            file.display()
        )
    }))
}

/// Records that current draws already hold (not the month being redrawn),
/// and the draw a redraw would replace. Checked before the exports are read,
/// and again when the draw is stored.
fn earlier_draws(
    db: &Path,
    month: &str,
    redraw: Redraw,
) -> Result<(HashSet<String>, Option<Superseded>)> {
    let Some(mut store) = existing_workspace(db)? else {
        return Ok((HashSet::new(), None));
    };
    let tx = store.read()?;
    let supersedes = match tx.check_redraw(month, redraw)? {
        Some(existing) => Some(Superseded {
            abandoned_assessments: tx.draw_activity(existing.id)?.assessments,
            seed: existing.seed,
            created_at: existing.created_at,
            manifest_sha256: existing.manifest_sha256,
        }),
        None => None,
    };
    let excluded = tx.drawn_record_ids((redraw != Redraw::No).then_some(month))?;
    Ok((excluded, supersedes))
}

/// Every record the draw gave out, sampled or reserve, read back from the exports.
pub(super) fn read_drawn(
    paths: &[PathBuf],
    manifest: &Manifest,
    scan: &MonthScan,
) -> Result<HashMap<String, StringRecord>> {
    let wanted: HashSet<&str> = manifest
        .champions
        .iter()
        .flat_map(|c| c.sample.iter().chain(&c.reserves))
        .map(String::as_str)
        .collect();
    let records: Vec<&MonthRecord> = scan
        .records
        .iter()
        .filter(|r| wanted.contains(r.record_id.as_str()))
        .collect();
    Ok(read_back(paths, scan, &records)?)
}

/// The drawn records as the workspace keeps them: the export may be replaced,
/// the audit must not depend on it.
pub(super) fn snapshot_records(
    scan: &MonthScan,
    drawn: &HashMap<String, StringRecord>,
) -> Vec<SnapshotRecord> {
    let columns = scan.columns;
    scan.records
        .iter()
        .filter_map(|r| drawn.get(&r.record_id).map(|fields| (r, fields)))
        .map(|(r, fields)| {
            let value = |column: Option<usize>| {
                column
                    .and_then(|c| fields.get(c))
                    .unwrap_or("")
                    .trim()
                    .to_string()
            };
            SnapshotRecord {
                record_id: r.record_id.clone(),
                input_position: r.input,
                line: r.line,
                fields: fields.iter().map(String::from).collect(),
                searched_at: value(Some(columns.date)),
                self_defined_ethnicity: value(columns.self_defined_ethnicity),
                officer_defined_ethnicity: value(columns.officer_defined_ethnicity),
                legislation: value(columns.legislation),
                object_of_search: value(columns.object_of_search),
                officer: r.officer().unwrap_or_default().to_string(),
                area: r.area().unwrap_or_default().to_string(),
            }
        })
        .collect()
}

/// Values the report cannot place in a group are counted as Not stated, out
/// of the minority ethnic / White comparison: say so now, not at report time.
pub(super) fn unrecognised_ethnicity(population: &[EthnicityCount]) -> Vec<String> {
    population
        .iter()
        .filter_map(|count| {
            let scheme = Scheme::from_key(count.scheme)?;
            classify(scheme, &count.value).is_err().then(|| {
                format!(
                    "{} searches have the {scheme} ethnicity {:?}, which grounds does not recognise; reports count them as Not stated",
                    count.searches, count.value
                )
            })
        })
        .collect()
}
