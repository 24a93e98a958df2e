//! `grounds history`: every version of a search's assessment.

use std::process::ExitCode;

use anyhow::{bail, Result};

use grounds::assess::fields::{changes, clean, describe_changes, Field};
use grounds::display::visible;
use grounds::export::YearMonth;
use grounds::store::{Store, TargetState};

use super::{parse_month, DbArg};

/// Show every version of a search's assessment: who recorded it, when, from where, what changed.
///
/// Example: grounds history --record-id h3f2a9c0d1e2b4a5f-1
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The search (its record_id in the worksheet).
    #[arg(long, value_name = "ID")]
    pub record_id: String,

    /// The month of the draw, if the record id is in more than one.
    #[arg(long, value_parser = parse_month)]
    pub month: Option<YearMonth>,

    #[command(flatten)]
    pub db: DbArg,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let record_id = clean(&args.record_id);
    let mut store = Store::open_read_only(&args.db.db)?;
    let tx = store.read()?;
    let month = match args.month {
        Some(month) => month.to_string(),
        None => {
            let draws = tx.draws_holding(record_id)?;
            match draws.as_slice() {
                [] => bail!(
                    "{record_id} is in no draw of {}: check the record id",
                    args.db.db.display()
                ),
                [one] => one.month.clone(),
                many => bail!(
                    "{record_id} is in the draws of {}: give --month",
                    many.iter()
                        .map(|d| d.month.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        }
    };
    let Some(targets) = tx.draw_targets(&month, Some(record_id))? else {
        bail!("no draw for {month} in {}", args.db.db.display());
    };
    let Some(target) = targets.targets.get(record_id) else {
        bail!("{record_id} is not in the {month} draw");
    };
    println!(
        "{}: {month}, {}'s {} {}.",
        visible(record_id),
        visible(&target.champion),
        target.role,
        target.position
    );
    let manifest = tx.manifest(targets.draw_id)?;
    let position = usize::try_from(target.position).unwrap_or_default();
    if let Some((number, extension)) =
        manifest.dealt_by_extension(&target.champion, &target.role, position)
    {
        println!(
            "Dealt by extension {number} of the draw (`sample --extend`) on {} by {}.",
            extension.at,
            visible(&extension.by)
        );
    }
    match &target.state {
        TargetState::Substituted { .. } => {
            if let Some(s) = tx.substitution_of(targets.draw_id, record_id)? {
                println!(
                    "Replaced by reserve {} on {} by {}{} (reason: {}).",
                    visible(&s.replacement_id),
                    s.recorded_at,
                    visible(&s.recorded_by),
                    if s.footage_missing {
                        ", footage missing"
                    } else {
                        ""
                    },
                    visible(&s.reason)
                );
            }
        }
        TargetState::UnusedReserve => println!("A reserve not brought in: not for review."),
        TargetState::Active => {
            if let Some(replaced) = tx.substitution_bringing_in(targets.draw_id, record_id)? {
                println!("Brought in to replace {}.", visible(&replaced));
            }
        }
    }
    let versions =
        tx.assessment_history(targets.draw_id, record_id, grounds::store::Review::First)?;
    print_versions(&versions, "No assessment recorded yet.");
    if let Some(second) = targets.second.get(record_id) {
        println!();
        println!(
            "Second review (blind, not in any figure but review quality): {}'s second {}.",
            visible(&second.champion),
            second.position
        );
        let versions =
            tx.assessment_history(targets.draw_id, record_id, grounds::store::Review::Second)?;
        print_versions(&versions, "No second review recorded yet.");
    }
    Ok(ExitCode::SUCCESS)
}

/// Every version of one review: the first in full, then what each changed,
/// then the current one in full.
fn print_versions(versions: &[grounds::store::AssessmentVersion], none: &str) {
    if versions.is_empty() {
        println!("{none}");
        return;
    }
    let mut previous = None;
    for version in versions {
        println!();
        println!(
            "Version {}: recorded {} by {}, from {}{}",
            version.version,
            version.recorded_at,
            visible(&version.recorded_by),
            visible(&version.source),
            if version.simulated {
                " (SIMULATED)"
            } else {
                ""
            }
        );
        match previous {
            None => {
                for field in Field::ALL {
                    println!(
                        "  {field:<12} {}",
                        visible(&field.text(&version.assessment))
                    );
                }
            }
            Some(previous) => {
                let changed = changes(previous, &version.assessment);
                println!("  changed: {}", visible(&describe_changes(&changed)));
            }
        }
        previous = Some(&version.assessment);
    }
    if let Some(last) = versions.last().filter(|_| versions.len() > 1) {
        println!();
        println!("Current (version {}):", last.version);
        for field in Field::ALL {
            println!("  {field:<12} {}", visible(&field.text(&last.assessment)));
        }
    }
}
