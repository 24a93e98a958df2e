//! `grounds demo`: the whole monthly cycle on shipped real data, with
//! simulated assessments, in a fresh workspace.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use grounds::assess::worksheet::ASSESSMENT_COLUMNS;

use super::{import, report, sample, status, substitute, verify, DbArg};

const KENT_JANUARY: &[u8] = include_bytes!("../../data/2019-01-kent-stop-and-search.csv");
const KENT_FEBRUARY: &[u8] = include_bytes!("../../data/2019-02-kent-stop-and-search.csv");
const CHAMPIONS: &[u8] = include_bytes!("../../data/champions.csv");
const JANUARY_FILE: &str = "2019-01-kent-stop-and-search.csv";
const FEBRUARY_FILE: &str = "2019-02-kent-stop-and-search.csv";

/// The seed the demo draws with: printed, so anyone can re-run and verify it.
pub const DEMO_SEED: &str = "grounds-demo-2019-01";
/// The seed of the simulated assessments, so the demo's output is stable.
const SIMULATION_SEED: u64 = 201_901;

/// See the whole monthly cycle work on real data, with SIMULATED assessments.
///
/// In a fresh folder (a new one under the system's temporary folder, or
/// --dir), draws January 2019's sample for five example champions from real
/// Kent Police data (data.police.uk, Open Government Licence v3.0) with a
/// fixed seed, fills the worksheets with clearly labelled SIMULATED
/// assessments, imports them, shows the status, prints the report, writes
/// the HTML report, verifies the draw, and prints the commands a real
/// coordinator runs next month.
///
/// Example: grounds demo --dir /tmp/grounds-demo
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// An empty (or new) folder for the demo's workspace and files.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let dir = match args.dir {
        Some(dir) => dir,
        None => std::env::temp_dir().join(format!(
            "grounds-demo-{}",
            chrono::Utc::now().format("%Y%m%d-%H%M%S")
        )),
    };
    prepare(&dir)?;
    let db = DbArg {
        db: dir.join("grounds.db"),
    };
    let export = dir.join(JANUARY_FILE);
    let champions = dir.join("champions.csv");
    let worksheets = dir.join("worksheets");

    banner("SIMULATED DEMO: real searches (Kent Police, January 2019), made-up assessments");

    step("1. Draw January's sample: 20 searches and 5 reserves per champion");
    let draw_args = sample::Args {
        export: vec![export.clone()],
        month: "2019-01".parse().map_err(anyhow::Error::msg)?,
        champions: champions.clone(),
        per_champion: 20,
        reserves: 5,
        seed: Some(DEMO_SEED.to_string()),
        out: worksheets.clone(),
        columns: None,
        timezone: chrono_tz::Europe::London,
        redraw: false,
        abandon_assessments: false,
        db: db.clone(),
    };
    let drawn = sample::draw(&draw_args)?;
    sample::print_summary(&draw_args, &drawn);

    step("2. A search's footage cannot be found: bring in the champion's first reserve");
    let first = drawn
        .manifest
        .champions
        .first()
        .context("the demo has champions")?;
    let missing = first
        .sample
        .get(2)
        .context("the first champion has a sample")?
        .clone();
    let reserve = first
        .reserves
        .first()
        .context("the first champion has reserves")?
        .clone();
    substitute::run(substitute::Args {
        month: draw_args.month,
        record_id: missing.clone(),
        reason: "no BWV: camera not activated (SIMULATED)".to_string(),
        footage_missing: true,
        db: db.clone(),
    })?;

    step("3. Champions review their searches (here: SIMULATED assessments, seeded)");
    let mut rng = StdRng::seed_from_u64(SIMULATION_SEED);
    for path in &drawn.worksheets {
        let filled = fill_worksheet(path, &missing, &reserve, &mut rng)?;
        println!(
            "filled {filled} rows of {} with SIMULATED assessments",
            path.display()
        );
    }

    step("4. Import the worksheets");
    import::run(import::Args {
        files: drawn.worksheets.clone(),
        amend: false,
        simulated: true,
        db: db.clone(),
    })?;

    step("5. Who is done");
    status::run(status::Args {
        month: Some(draw_args.month),
        format: status::Format::Table,
        check: false,
        db: db.clone(),
    })?;

    step("6. The report");
    report::run(report_args(&db, report::Format::Table, None))?;

    let html = dir.join("report.md");
    step("7. The report for the scrutiny panel");
    report::run(report_args(
        &db,
        report::Format::Markdown,
        Some(html.clone()),
    ))?;
    println!("wrote {}", html.display());

    step("8. Anyone can check the draw was not hand-picked");
    let manifest = drawn.folder.join("manifest.json");
    let verified = verify::run(verify::Args {
        manifest: manifest.clone(),
        export: vec![export.clone()],
    })?;
    if verified != ExitCode::SUCCESS {
        bail!("the demo's own draw did not verify");
    }

    step("Where everything is");
    println!("workspace:   {}", db.db.display());
    println!("worksheets:  {}", drawn.folder.display());
    println!("manifest:    {}", manifest.display());
    println!("HTML report: {}", html.display());
    println!();
    println!("Next month, for real (in {}):", dir.display());
    println!("  grounds sample --export {FEBRUARY_FILE} --month 2019-02 --champions champions.csv");
    println!("  grounds import worksheets/2019-02/*.csv");
    println!("  grounds report --format html --out report.html");
    banner("Everything above used SIMULATED assessments: none of it is a real review.");
    Ok(ExitCode::SUCCESS)
}

fn report_args(db: &DbArg, format: report::Format, out: Option<PathBuf>) -> report::Args {
    report::Args {
        from: None,
        to: None,
        champion: None,
        ethnicity: report::Ethnicity::SelfDefined,
        method: grounds::stats::Method::Wilson,
        confidence: 0.95,
        fpc: false,
        too_few: 10,
        format,
        out,
        public: false,
        suppress_below: 5,
        db: db.clone(),
    }
}

/// Writes the shipped data into a new or empty folder.
fn prepare(dir: &Path) -> Result<()> {
    if dir.exists()
        && fs::read_dir(dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} is not empty: give the demo a new or empty folder with --dir",
            dir.display()
        );
    }
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (name, bytes) in [
        (JANUARY_FILE, KENT_JANUARY),
        (FEBRUARY_FILE, KENT_FEBRUARY),
        ("champions.csv", CHAMPIONS),
    ] {
        fs::write(dir.join(name), bytes)
            .with_context(|| format!("writing {name} into {}", dir.display()))?;
    }
    Ok(())
}

fn banner(text: &str) {
    let rule = "=".repeat(text.chars().count() + 4);
    println!("{rule}\n= {text} =\n{rule}");
}

fn step(text: &str) {
    println!("\n--- {text}");
}

/// Fills the sample rows (but the substituted search) and the reserve that
/// replaced it with simulated assessments. Returns how many rows it filled.
fn fill_worksheet(path: &Path, missing: &str, reserve: &str, rng: &mut StdRng) -> Result<usize> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
    let header = reader.headers()?.clone();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
    };
    let (Some(id), Some(role), Some(champion)) =
        (column("record_id"), column("role"), column("champion"))
    else {
        bail!("{} is not a grounds worksheet", path.display());
    };
    let assessment: Vec<usize> = ASSESSMENT_COLUMNS
        .iter()
        .filter_map(|c| column(c))
        .collect();
    let mut rows = Vec::new();
    let mut filled = 0;
    for row in reader.records() {
        let mut row: Vec<String> = row?.iter().map(String::from).collect();
        let record = row[id].clone();
        let due = (row[role] == "sample" && record != missing) || record == reserve;
        if due {
            let values = simulated_values(rng, &row[champion]);
            for (index, value) in assessment.iter().zip(values) {
                row[*index] = value;
            }
            filled += 1;
        }
        rows.push(row);
    }
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        writer.write_record(header.iter().map(|h| h.trim_start_matches('\u{feff}')))?;
        for row in &rows {
            writer.write_record(row)?;
        }
        writer.flush()?;
    }
    fs::write(path, out).with_context(|| format!("writing {}", path.display()))?;
    Ok(filled)
}

/// One simulated assessment, in worksheet column order, with frequencies
/// loosely like published reviews (most searches with reasonable grounds).
fn simulated_values(rng: &mut StdRng, champion: &str) -> Vec<String> {
    let pick = |rng: &mut StdRng, options: &[(&str, u32)]| -> String {
        let total: u32 = options.iter().map(|(_, w)| w).sum();
        let mut roll = rng.random_range(0..total);
        for (value, weight) in options {
            if roll < *weight {
                return value.to_string();
            }
            roll -= weight;
        }
        options[0].0.to_string()
    };
    let grounds = pick(
        rng,
        &[
            ("reasonable", 83),
            ("not_reasonable", 7),
            ("none_recorded", 4),
            ("insufficient_info", 6),
        ],
    );
    let bwv = pick(
        rng,
        &[("reviewed", 85), ("not_available", 10), ("not_reviewed", 5)],
    );
    let gowisely = if bwv == "reviewed" {
        pick(rng, &[("yes", 70), ("partial", 20), ("no", 10)])
    } else {
        "not_visible".to_string()
    };
    let conduct = pick(rng, &[("good", 60), ("adequate", 32), ("concern", 8)]);
    let themes = pick(
        rng,
        &[
            ("", 60),
            ("grounds wording", 15),
            ("GOWISELY", 10),
            ("BWV activation", 10),
            ("grounds wording; GOWISELY", 5),
        ],
    );
    let referral = if grounds == "reasonable" && conduct != "concern" {
        pick(rng, &[("none", 90), ("feedback", 10)])
    } else {
        pick(
            rng,
            &[
                ("feedback", 60),
                ("supervisor", 35),
                ("professional_standards", 5),
            ],
        )
    };
    let day = rng.random_range(4..=27);
    vec![
        grounds,
        bwv,
        gowisely,
        conduct,
        themes,
        referral,
        "SIMULATED: not a real review".to_string(),
        format!("{champion} (SIMULATED)"),
        format!("2019-02-{day:02}"),
    ]
}
