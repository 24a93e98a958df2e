//! `grounds substitute`: bring in a champion's next reserve for a sampled
//! search that cannot be reviewed.

use std::process::ExitCode;

use anyhow::Result;

use grounds::export::YearMonth;
use grounds::workflow::{substitute, SubstituteRequest, Substituted, Workspace};

use super::{parse_month, DbArg};

/// Replace a search that cannot be reviewed by the champion's next reserve, in order.
///
/// For a sampled search whose footage or record cannot be reviewed, and that
/// has no assessment: the champion's next unused reserve (from the reserve
/// rows of their worksheet, in order) is brought in, and the reason is kept.
/// Footage counts as missing with --footage-missing, or when the reason
/// mentions BWV, footage or video; reports count how often that happened.
///
/// Example: grounds substitute --month 2019-01 --record-id h3f2a9c0d1e2b4a5f-1 --reason "no BWV"
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The month of the draw (YYYY-MM).
    #[arg(long, value_parser = parse_month)]
    pub month: YearMonth,

    /// The search that cannot be reviewed (its record_id in the worksheet).
    #[arg(long, value_name = "ID")]
    pub record_id: String,

    /// Why it cannot be reviewed, e.g. "no BWV", "record missing".
    #[arg(long)]
    pub reason: String,

    /// The body-worn video footage is missing (implied by a reason that
    /// mentions BWV, footage or video).
    #[arg(long)]
    pub footage_missing: bool,

    #[command(flatten)]
    pub db: DbArg,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let request = SubstituteRequest {
        month: args.month,
        record_id: args.record_id,
        reason: args.reason,
        footage_missing: args.footage_missing,
    };
    let done = substitute(&Workspace::new(&args.db.db), &request)?;
    print(&done, request.month);
    Ok(ExitCode::SUCCESS)
}

/// Says what a substitution did (also for `grounds demo`).
pub fn print(done: &Substituted, month: YearMonth) {
    let s = &done.substitution;
    println!(
        "{} of {} is replaced by reserve {} ({}): assess it in the reserve rows of the worksheet.",
        s.record_id, s.champion, s.reserve_position, s.replacement_id
    );
    println!(
        "Reason: {}{}. {} reserve(s) left for {} in {}.",
        done.reason,
        if done.footage_missing {
            " (footage missing)"
        } else {
            ""
        },
        s.reserves_left,
        s.champion,
        month
    );
    if s.other_stratum {
        println!(
            "{} had no reserve of the same stratum left, so this reserve is from the other stratum; the workspace records that.",
            s.champion
        );
    }
}
