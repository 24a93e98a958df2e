//! `grounds sample --extend`: add to a month already drawn, and say what
//! was added and where.

use std::process::ExitCode;

use anyhow::Result;

use grounds::display::visible;
use grounds::sample::Rule;
use grounds::workflow::{extend_month, ExtendOptions, Extended, WorksheetChange, Workspace};

use super::sample::Args;
use super::{byte_progress, total_bytes};

pub(super) fn run(args: &Args) -> Result<ExitCode> {
    let bar = byte_progress(total_bytes(&args.export), "reading exports");
    let extended = extend_month(&Workspace::new(&args.db.db), &options(args), &|bytes| {
        bar.inc(bytes)
    })?;
    bar.finish_and_clear();
    print_summary(&extended, &args.export);
    Ok(ExitCode::SUCCESS)
}

fn options(args: &Args) -> ExtendOptions {
    ExtendOptions {
        exports: args.export.clone(),
        month: args.month,
        champions: args.champions.clone(),
        per_champion: args.per_champion,
        reserves: args.reserves,
        seed: args.seed.clone(),
        out: args.out.clone(),
        columns: args.columns.clone(),
        timezone: args.timezone,
        minority_per_champion: args.minority_per_champion,
        worksheet_format: args.worksheet_format.map(|f| f.format()),
        bwv_retention_days: args.bwv_retention_days,
    }
}

fn print_summary(extended: &Extended, exports: &[std::path::PathBuf]) {
    for warning in &extended.warnings {
        eprintln!("warning: {}", visible(warning));
    }
    let manifest = &extended.manifest;
    let extension = extended.extension();
    println!(
        "Extended {} (extension {}): {} searches and {} reserves added{}; now {} per champion and {} reserves. Nothing already dealt moved.",
        manifest.month,
        manifest.extensions.len(),
        extension.sample_added,
        extension.reserves_added,
        if extension.champions_added.is_empty() {
            String::new()
        } else {
            format!(
                " (new champion(s): {})",
                visible(&extension.champions_added.join(", "))
            )
        },
        extension.per_champion,
        extension.reserves,
    );
    println!(
        "{}",
        match extension.rule {
            Rule::Fresh =>
                "A fresh draw with these parameters keeps every earlier assignment: the extended draw is that draw.",
            Rule::Continued =>
                "The walk continued: new searches and reserves come from the ranked searches not yet dealt, in rank order.",
        }
    );
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    table.set_header(["champion", "sample", "reserves", "worksheet"]);
    for (draw, change) in manifest.champions.iter().zip(&extended.worksheets) {
        let worksheet = match change {
            WorksheetChange::Unchanged(path) => format!("{} (nothing added)", path.display()),
            WorksheetChange::New(path) => format!("{} (new)", path.display()),
            WorksheetChange::Reissued(path) => {
                format!("{} (re-issued with the added rows)", path.display())
            }
            WorksheetChange::Beside {
                worksheet,
                additions,
            } => format!(
                "{} (added rows; {} was edited and is left as it is)",
                additions.display(),
                worksheet.display()
            ),
        };
        table.add_row([
            visible(&draw.champion.name).into_owned(),
            draw.sample.len().to_string(),
            draw.reserves.len().to_string(),
            visible(&worksheet).into_owned(),
        ]);
    }
    println!("{table}");
    for change in &extended.worksheets {
        if let WorksheetChange::Beside {
            worksheet,
            additions,
        } = change
        {
            eprintln!(
                "note: {} had been edited, so it was not overwritten: its new rows are in {}; import both.",
                visible(&worksheet.display().to_string()),
                visible(&additions.display().to_string())
            );
        }
    }
    for shortfall in &manifest.shortfall {
        if shortfall.sample_missing > 0 || shortfall.reserves_missing > 0 {
            eprintln!(
                "SHORTFALL: {} has {} fewer searches and {} fewer reserves than asked: their pool has too few eligible searches this month.",
                visible(&shortfall.champion), shortfall.sample_missing, shortfall.reserves_missing
            );
        }
    }
    let exports: Vec<String> = exports.iter().map(|p| p.display().to_string()).collect();
    println!(
        "Anyone can check the draw with its extensions: grounds verify {} --export {}",
        extended.folder.join("manifest.json").display(),
        exports.join(" ")
    );
}
