//! `grounds status`: who has assessed what, per champion and month.

use std::process::ExitCode;

use anyhow::Result;

use grounds::display::visible;
use grounds::export::YearMonth;
use grounds::workflow::{footage_deadlines, progress, FootageDeadline, Progress, Workspace};

use super::{parse_month, DbArg, EXIT_CHECK_FAILED};

/// Show who is done: per champion, searches assigned, assessed, substituted, outstanding.
///
/// Assigned counts the searches due for review now: the sample, plus reserves
/// brought in by `grounds substitute`, minus the searches they replaced.
/// Blind second reviews (`grounds sample --second-review`) are counted apart,
/// in their own table, and do not make --check fail: no figure rests on them.
/// Lists, per champion, searches still to assess whose body-worn video is
/// deleted within --warn-days (search date + the draw's --bwv-retention-days),
/// and those whose deadline has passed. With --check, exits 1 while anything
/// is outstanding (for scripts), saying so when a deadline has passed.
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

    /// Warn about footage deleted within this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 7)]
    pub warn_days: u32,

    #[command(flatten)]
    pub db: DbArg,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let workspace = Workspace::new(&args.db.db);
    let mut status = progress(&workspace, args.month)?;
    let today = chrono::Local::now().date_naive();
    status.footage_deadlines = footage_deadlines(&workspace, args.month, today, args.warn_days)?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&status)?),
        Format::Table => {
            print_table(&status);
            print_deadlines(&status.footage_deadlines, args.warn_days);
        }
    }
    if args.check && status.outstanding > 0 {
        let passed = status.footage_deadlines.iter().filter(|d| d.passed).count();
        if passed > 0 {
            eprintln!(
                "check failed: the footage deadline has passed for {passed} search(es) not yet assessed: \
                 review them now if the footage was kept, or bring in a reserve \
                 (grounds substitute --footage-missing)"
            );
        } else {
            eprintln!(
                "check failed: {} search(es) outstanding",
                status.outstanding
            );
        }
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
        print_second_reviews(month);
    }
    if status.simulated {
        println!("*** SIMULATED DATA ***");
    }
}

/// Blind second reviews, apart from the champions' own searches: they
/// measure agreement and count in no figure.
fn print_second_reviews(month: &grounds::workflow::MonthProgress) {
    if month.second_reviews.is_empty() {
        return;
    }
    let (due, done) = month.second_review_totals();
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    table.set_header(["champion", "second reviews due", "done", "outstanding"]);
    for c in &month.second_reviews {
        table.add_row([
            visible(&c.champion).into_owned(),
            c.due.to_string(),
            c.done.to_string(),
            c.due.saturating_sub(c.done).to_string(),
        ]);
    }
    table.add_row([
        "total".to_string(),
        due.to_string(),
        done.to_string(),
        due.saturating_sub(done).to_string(),
    ]);
    for index in 1..4 {
        if let Some(column) = table.column_mut(index) {
            column.set_cell_alignment(comfy_table::CellAlignment::Right);
        }
    }
    println!(
        "{} second reviews (blind, apart from the searches above; they count in no figure): {done} of {due} done",
        month.month
    );
    println!("{table}");
}

/// Per champion: how many searches still to assess lose their footage soon,
/// and how many already did.
fn print_deadlines(deadlines: &[FootageDeadline], warn_days: u32) {
    if deadlines.is_empty() {
        return;
    }
    println!("Footage deadlines (searches not yet assessed):");
    let mut groups: Vec<(&str, &str, Vec<&FootageDeadline>)> = Vec::new();
    for deadline in deadlines {
        match groups
            .iter_mut()
            .find(|(m, c, _)| *m == deadline.month && *c == deadline.champion)
        {
            Some(group) => group.2.push(deadline),
            None => groups.push((&deadline.month, &deadline.champion, vec![deadline])),
        }
    }
    groups.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    for (month, champion, list) in groups {
        let passed: Vec<&&FootageDeadline> = list.iter().filter(|d| d.passed).collect();
        let soon: Vec<&&FootageDeadline> = list.iter().filter(|d| !d.passed).collect();
        let mut parts = Vec::new();
        if let Some(last) = passed.iter().map(|d| d.deleted_after).max() {
            parts.push(format!(
                "{} past the deadline (footage deleted after {} at the latest)",
                passed.len(),
                last.format("%d/%m/%Y")
            ));
        }
        if let Some(first) = soon.first() {
            parts.push(format!(
                "{} due within {warn_days} days (the first by {})",
                soon.len(),
                first.deleted_after.format("%d/%m/%Y")
            ));
        }
        println!(
            "  {month} {}: {}",
            grounds::display::visible(champion),
            parts.join("; ")
        );
    }
}
