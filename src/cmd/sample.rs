//! `grounds sample`: draw the month's searches for each champion, write the
//! worksheets and the manifest, and record the draw in the workspace.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use chrono_tz::Tz;

use csv::StringRecord;
use grounds::assess::worksheet::{write_worksheet, WorksheetRow};

use grounds::export::{
    read_back, scan_month, ColumnMapping, MonthRecord, MonthScan, MonthWindow, YearMonth,
};
use grounds::hashing::{hex, ALGORITHM};
use grounds::sample::{self, Champion, DrawRequest, Manifest, Parameters, SeedSource, Superseded};
use grounds::spreadsheet::safe_file_stems;
use grounds::store::{self, NewDraw, PopulationCount, Redraw, SnapshotRecord, Store};

use super::{byte_progress, parse_month, parse_timezone, DbArg};

/// Draw this month's searches for review: a provably random sample per champion.
///
/// Ranks the month's searches by SHA-256 of the seed and each record id
/// (algorithm hash-rank-v1, see the README), deals them round-robin to the
/// champions, then deals ordered reserves. Writes OUT/YYYY-MM/manifest.json
/// and one worksheet per champion, and records the draw in the workspace.
///
/// Example: grounds sample --export 2019-01-kent-stop-and-search.csv --month 2019-01 --champions champions.csv
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Export CSV file(s): data.police.uk format unless --columns maps them.
    #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
    pub export: Vec<PathBuf>,

    /// The month to draw, YYYY-MM (a search's month is that of its date in --timezone).
    #[arg(long, value_parser = parse_month)]
    pub month: YearMonth,

    /// CSV with a `champion` column and optional `officer_id` and `area` columns.
    #[arg(long, value_name = "FILE")]
    pub champions: PathBuf,

    /// Searches to review per champion.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub per_champion: u32,

    /// Ordered reserves per champion, used when a sampled search cannot be reviewed.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(0..=10_000))]
    pub reserves: u32,

    /// Seed (any text). Without it, one is made from the operating system's randomness.
    /// A panel can fix the export first and reveal a seed afterwards.
    #[arg(long)]
    pub seed: Option<String>,

    /// Folder for the worksheets; the draw goes in OUT/YYYY-MM/.
    #[arg(long, value_name = "DIR", default_value = "worksheets")]
    pub out: PathBuf,

    /// Column mapping (TOML) for a force export; see the README.
    #[arg(long, value_name = "FILE")]
    pub columns: Option<PathBuf>,

    /// Time zone whose calendar months are reviewed.
    #[arg(long, default_value = "Europe/London", value_parser = parse_timezone)]
    pub timezone: Tz,

    /// Replace the month's existing draw (it stays in the workspace as history,
    /// and the new manifest names it). Refused once anything has been recorded
    /// against it, unless --abandon-assessments.
    #[arg(long)]
    pub redraw: bool,

    /// With --redraw: replace a draw even though assessments were recorded
    /// against it (they stay in the workspace with the old draw).
    #[arg(long, requires = "redraw")]
    pub abandon_assessments: bool,

    #[command(flatten)]
    pub db: DbArg,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let outcome = draw(&args)?;
    print_summary(&args, &outcome);
    Ok(ExitCode::SUCCESS)
}

/// What a successful draw produced, for the summary and for `grounds demo`.
pub struct Outcome {
    pub manifest: Manifest,
    pub folder: PathBuf,
    pub worksheets: Vec<PathBuf>,
}

/// The whole command without printing: check everything, draw, then write
/// the folder and the workspace together, or neither.
pub fn draw(args: &Args) -> Result<Outcome> {
    let month = args.month.to_string();
    grounds::export::reject_repeated_paths(&args.export)?;
    let mapping = match &args.columns {
        Some(path) => ColumnMapping::from_toml_file(path)?,
        None => ColumnMapping::police_uk(),
    };
    let champions = sample::read_champions(&args.champions)?;
    check_champions_against_mapping(&champions, &mapping, &args.champions)?;
    let (seed, seed_source) = match &args.seed {
        Some(seed) if seed.is_empty() => {
            bail!("--seed is empty: give a seed or leave it out to generate one")
        }
        Some(seed) => (seed.clone(), SeedSource::Given),
        None => (
            sample::generate_seed().context("reading the operating system's randomness")?,
            SeedSource::Generated,
        ),
    };
    let final_folder = args.out.join(&month);
    if final_folder.exists() && !args.redraw {
        bail!(
            "{} already exists: {month} has worksheets from an earlier draw. Give --redraw to replace that draw \
             (its folder is kept beside the new one), or choose another --out",
            final_folder.display()
        );
    }
    let redraw = match (args.redraw, args.abandon_assessments) {
        (false, _) => Redraw::No,
        (true, false) => Redraw::IfUnused,
        (true, true) => Redraw::AbandoningAssessments,
    };
    let (excluded, supersedes) = earlier_draws(&args.db.db, &month, redraw)?;

    let total_bytes = args
        .export
        .iter()
        .filter_map(|p| fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let bar = byte_progress(total_bytes, "reading exports");
    let window = MonthWindow::new(args.month, args.timezone, mapping.naive_dates);
    let scan = scan_month(&args.export, &mapping, window, args.timezone, &|bytes| {
        bar.inc(bytes)
    })?;
    bar.finish_and_clear();
    if scan.records.is_empty() {
        let covered = match scan.covered {
            Some((first, last)) => format!("they cover {first} to {last}"),
            None => "they have no rows".to_string(),
        };
        bail!(
            "no searches in {month} ({}) in the exports: {covered}",
            args.timezone
        );
    }

    let (candidates, excluded_present) = sample::candidates(&scan, &excluded);
    let request = DrawRequest {
        seed: &seed,
        month: &month,
        per_champion: args.per_champion as usize,
        reserves: args.reserves as usize,
    };
    let draws = sample::draw(&candidates, &champions, &request);
    let parameters = Parameters {
        per_champion: request.per_champion,
        reserves: request.reserves,
    };
    let manifest = Manifest {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        algorithm: ALGORITHM.to_string(),
        seed,
        seed_source,
        month: args.month,
        timezone: args.timezone.name().to_string(),
        created_at: store::now(),
        inputs: scan.inputs.clone(),
        columns: mapping,
        parameters,
        month_records: scan.records.len(),
        excluded_earlier_draws: excluded_present,
        shortfall: Manifest::shortfalls(&draws),
        champions: draws,
        supersedes,
    };
    let manifest_json = manifest.to_json();

    let staging = Staging::new(&args.out, &month)?;
    fs::write(staging.path.join("manifest.json"), &manifest_json)
        .with_context(|| format!("writing {}", staging.path.display()))?;
    let drawn = read_drawn(&args.export, &manifest, &scan)?;
    let worksheet_names = write_worksheets(&staging.path, &manifest, &scan.header, &drawn)?;

    let records = snapshot_records(&scan, &drawn);
    let population = population_counts(&scan);
    warn_unrecognised_ethnicity(&population);
    let input_paths: Vec<String> = args
        .export
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let manifest_sha256 = hex(&grounds::hashing::sha256_reader(manifest_json.as_bytes())?.0);
    let mut store = Store::open_or_create(&args.db.db)?;
    let tx = store.begin()?;
    tx.insert_draw(
        &NewDraw {
            manifest: &manifest,
            manifest_json: &manifest_json,
            manifest_sha256: &manifest_sha256,
            header: &scan.header,
            input_paths: &input_paths,
            records: &records,
            population: &population,
            created_by: &store::current_user(),
        },
        redraw,
    )?;
    let aside = final_folder.exists().then(|| {
        args.out.join(format!(
            "{month}.superseded-{}",
            manifest.created_at.replace([':', '-'], "")
        ))
    });
    staging.publish(&final_folder, aside.as_deref(), || {
        tx.commit().map_err(anyhow::Error::from)
    })?;

    Ok(Outcome {
        worksheets: worksheet_names
            .iter()
            .map(|name| final_folder.join(name))
            .collect(),
        folder: final_folder,
        manifest,
    })
}

fn check_champions_against_mapping(
    champions: &[Champion],
    mapping: &ColumnMapping,
    file: &Path,
) -> Result<()> {
    if mapping.area.is_none() && champions.iter().any(|c| c.area.is_some()) {
        bail!(
            "{} gives champions an area, but the export has no area column: map one in the column mapping \
             (area = \"...\") or remove the area column",
            file.display()
        );
    }
    if mapping.officer.is_none() && champions.iter().any(|c| c.officer_id.is_some()) {
        eprintln!(
            "warning: {} gives officer ids, but the export has no officer column, so champions cannot be kept \
             from their own searches; map one (officer = \"...\") if the export has it",
            file.display()
        );
    }
    Ok(())
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

/// The month's searches by raw ethnicity value, both schemes, for the store.
fn population_counts(scan: &MonthScan) -> Vec<PopulationCount> {
    scan.population
        .iter()
        .map(|c| PopulationCount {
            scheme: c.scheme,
            value: c.value.clone(),
            searches: c.searches,
        })
        .collect()
}

/// Values the report cannot place in a group are counted as Not stated, out
/// of the minority ethnic / White comparison: say so now, not at report time.
fn warn_unrecognised_ethnicity(population: &[PopulationCount]) {
    use grounds::ethnicity::{classify, Scheme};
    for count in population {
        let Some(scheme) = Scheme::from_key(count.scheme) else {
            continue;
        };
        if classify(scheme, &count.value).is_err() {
            eprintln!(
                "warning: {} searches have the {scheme} ethnicity {:?}, which grounds does not recognise; reports count them as Not stated",
                count.searches, count.value
            );
        }
    }
}

/// A hidden folder the draw is written into first, so a failure leaves no
/// half-written worksheets; published by renaming, or removed on drop.
struct Staging {
    path: PathBuf,
    published: bool,
}

impl Staging {
    fn new(out: &Path, month: &str) -> Result<Self> {
        fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
        let path = out.join(format!(".{month}.partial-{}", std::process::id()));
        if path.exists() {
            fs::remove_dir_all(&path)
                .with_context(|| format!("removing stale {}", path.display()))?;
        }
        fs::create_dir(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Self {
            path,
            published: false,
        })
    }

    /// Moves any old folder aside, renames the staging folder into place and
    /// runs `commit`; if the commit fails, puts everything back.
    fn publish(
        mut self,
        target: &Path,
        aside: Option<&Path>,
        commit: impl FnOnce() -> Result<()>,
    ) -> Result<()> {
        if let Some(aside) = aside {
            fs::rename(target, aside)
                .with_context(|| format!("moving {} aside", target.display()))?;
        }
        if let Err(err) = fs::rename(&self.path, target) {
            if let Some(aside) = aside {
                let _ = fs::rename(aside, target);
            }
            return Err(err).with_context(|| format!("creating {}", target.display()));
        }
        if let Err(err) = commit() {
            let _ = fs::rename(target, &self.path);
            if let Some(aside) = aside {
                let _ = fs::rename(aside, target);
            }
            return Err(err);
        }
        self.published = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

pub fn print_summary(args: &Args, outcome: &Outcome) {
    let manifest = &outcome.manifest;
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    table.set_header(["champion", "eligible", "sample", "reserves", "worksheet"]);
    for (draw, path) in manifest.champions.iter().zip(&outcome.worksheets) {
        table.add_row([
            draw.champion.name.clone(),
            draw.eligible.to_string(),
            draw.sample.len().to_string(),
            draw.reserves.len().to_string(),
            path.display().to_string(),
        ]);
    }
    println!(
        "Drew {} for {} champion(s) from {} searches in {} ({} input file(s)).",
        manifest.month,
        manifest.champions.len(),
        manifest.month_records,
        manifest.timezone,
        manifest.inputs.len()
    );
    println!("{table}");
    println!(
        "Seed: {} ({})",
        manifest.seed,
        match manifest.seed_source {
            SeedSource::Given => "given",
            SeedSource::Generated => "generated from the operating system's randomness",
        }
    );
    println!(
        "Manifest: {}",
        outcome.folder.join("manifest.json").display()
    );
    let exports: Vec<String> = args
        .export
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    println!(
        "Anyone can check this draw: grounds verify {} --export {}",
        outcome.folder.join("manifest.json").display(),
        exports.join(" ")
    );
    if let Some(old) = &manifest.supersedes {
        println!(
            "This draw replaces the one made on {} with seed {} ({} assessment(s) left with it); the manifest records that.",
            old.created_at, old.seed, old.abandoned_assessments
        );
    }
    if !manifest.excluded_earlier_draws.is_empty() {
        println!(
            "{} searches were left out because earlier draws already had them.",
            manifest.excluded_earlier_draws.len()
        );
    }
    for shortfall in &manifest.shortfall {
        eprintln!(
            "SHORTFALL: {} got {} fewer searches and {} fewer reserves than asked: their pool has too few eligible searches this month.",
            shortfall.champion, shortfall.sample_missing, shortfall.reserves_missing
        );
    }
}
