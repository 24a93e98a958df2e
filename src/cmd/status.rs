//! `grounds status`: who has assessed what, per champion and month.

use std::process::ExitCode;

use anyhow::Result;

use grounds::display::visible;
use grounds::export::YearMonth;
use grounds::workflow::{progress, Progress, Workspace};

use super::{parse_month, DbArg, EXIT_CHECK_FAILED};

/// Show who is done: per champion, searches assigned, assessed, substituted, outstanding.
///
/// Assigned counts the searches due for review now: the sample, plus reserves
/// brought in by `grounds substitute`, minus the searches they replaced.
/// With --check, exits 1 while anything is outstanding (for scripts).
///
/// Example: grounds status --month 2019-01 --check
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Only this month (YYYY-MM); without it, every month drawn.
    #[arg(long, value_parser = parse_month)]
    pub month: Option<YearMonth>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Exit 1 if any search is still outstanding.
    #[arg(long)]
    pub check: bool,

    #[command(flatten)]
    pub db: DbArg,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let status = progress(&Workspace::new(&args.db.db), args.month)?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&status)?),
        Format::Table => print_table(&status),
    }
    if args.check && status.outstanding > 0 {
        return Ok(ExitCode::from(EXIT_CHECK_FAILED));
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints the progress, a table per month.
pub fn print_table(status: &Progress) {
    if status.simulated {
        println!("*** SIMULATED DATA: these assessments were made up by `grounds demo`, not by reviewers ***");
    }
    if status.months.is_empty() {
        println!("No draws yet: run `grounds sample` first.");
        return;
    }
    for month in &status.months {
        let mut table = comfy_table::Table::new();
        table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
        table.set_header([
            "champion",
            "assigned",
            "assessed",
            "substituted",
            "outstanding",
            "reserves left",
        ]);
        for c in &month.champions {
            table.add_row([
                visible(&c.champion).into_owned(),
                c.assigned.to_string(),
                c.assessed.to_string(),
                c.substituted.to_string(),
                c.outstanding.to_string(),
                c.reserves_left.to_string(),
            ]);
        }
        let t = month.totals;
        table.add_row([
            "total".to_string(),
            t.assigned.to_string(),
            t.assessed.to_string(),
            t.substituted.to_string(),
            t.outstanding.to_string(),
            String::new(),
        ]);
        for index in 1..6 {
            if let Some(column) = table.column_mut(index) {
                column.set_cell_alignment(comfy_table::CellAlignment::Right);
            }
        }
        let verdict = if t.outstanding == 0 {
            "complete".to_string()
        } else {
            format!("{} outstanding", t.outstanding)
        };
        println!("{}: {verdict}", month.month);
        println!("{table}");
        if t.substituted > 0 {
            println!(
                "{} substituted, {} of them because footage was missing.",
                t.substituted, t.footage_missing
            );
        }
    }
    if status.simulated {
        println!("*** SIMULATED DATA ***");
    }
}
