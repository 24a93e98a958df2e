//! Drawing a month: check everything, draw, then write the worksheets folder
//! and the workspace together, or neither.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono_tz::Tz;
use csv::StringRecord;

use super::staging::Staging;
use super::Workspace;
use crate::assess::worksheet::{write_worksheet, WorksheetRow};
use crate::ethnicity::{classify, Scheme};
use crate::export::{
    read_back, reject_repeated_paths, scan_month, ColumnMapping, EthnicityCount, MonthRecord,
    MonthScan, MonthWindow, YearMonth,
};
use crate::hashing::{hex, sha256_reader};
use crate::sample::{
    self, Champion, Design, DrawRequest, Manifest, Parameters, SeedSource, Superseded,
};
use crate::spreadsheet::safe_file_stems;
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
    let (seed, seed_source) = seed(options.seed.as_deref())?;
    let final_folder = options.out.join(&month);
    if final_folder.exists() && options.redraw == Redraw::No {
        bail!(
            "{} already exists: {month} has worksheets from an earlier draw. Give --redraw to replace that draw \
             (its folder is kept beside the new one), or choose another --out",
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
    let parameters = Parameters {
        per_champion: request.per_champion,
        reserves: request.reserves,
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
        supersedes,
    };
    let manifest_json = manifest.to_json();

    let staging = Staging::new(&options.out, &month)?;
    fs::write(staging.path.join("manifest.json"), &manifest_json)
        .with_context(|| format!("writing {}", staging.path.display()))?;
    let drawn = read_drawn(&options.exports, &manifest, &scan)?;
    let worksheet_names = write_worksheets(&staging.path, &manifest, &scan.header, &drawn)?;

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
    let aside = final_folder.exists().then(|| {
        options.out.join(format!(
            "{month}.superseded-{}",
            manifest.created_at.replace([':', '-'], "")
        ))
    });
    staging.publish(&final_folder, aside.as_deref(), || {
        tx.commit().map_err(anyhow::Error::from)
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
fn check_champions_against_mapping(
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
    if !db.exists() {
        return Ok((HashSet::new(), None));
    }
    let mut store = Store::open(db)?;
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

/// Writes one worksheet per champion into `folder`; returns their file names.
fn write_worksheets(
    folder: &Path,
    manifest: &Manifest,
    header: &[String],
    drawn: &HashMap<String, StringRecord>,
) -> Result<Vec<String>> {
    let stems = safe_file_stems(manifest.champions.iter().map(|c| c.champion.name.as_str()));
    let mut names = Vec::new();
    for (draw, stem) in manifest.champions.iter().zip(stems) {
        let fields = |id: &str| -> Vec<String> { drawn[id].iter().map(String::from).collect() };
        let cells: Vec<(&str, usize, &String, Vec<String>)> =
            [("sample", &draw.sample), ("reserve", &draw.reserves)]
                .into_iter()
                .flat_map(|(role, ids)| {
                    ids.iter().enumerate().map(move |(i, id)| (role, i + 1, id))
                })
                .map(|(role, position, id)| (role, position, id, fields(id)))
                .collect();
        let rows: Vec<WorksheetRow<'_>> = cells
            .iter()
            .map(|(role, position, id, fields)| WorksheetRow {
                record_id: id,
                role,
                position: *position,
                fields,
            })
            .collect();
        let name = format!("{stem}.csv");
        let path = folder.join(&name);
        let file =
            fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
        write_worksheet(
            std::io::BufWriter::new(file),
            &draw.champion.name,
            &manifest.month.to_string(),
            header,
            &rows,
        )
        .with_context(|| format!("writing {}", path.display()))?;
        names.push(name);
    }
    Ok(names)
}

/// Every record the draw gave out, sampled or reserve, read back from the exports.
fn read_drawn(
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
fn snapshot_records(
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
fn unrecognised_ethnicity(population: &[EthnicityCount]) -> Vec<String> {
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
