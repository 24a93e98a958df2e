//! `grounds substitute`: bring in a champion's next reserve for a sampled
//! search that cannot be reviewed.

use std::process::ExitCode;

use anyhow::{bail, Result};

use grounds::export::YearMonth;
use grounds::store::{self, Store};

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

/// Whether a reason says the footage was missing.
fn mentions_footage(reason: &str) -> bool {
    let reason = reason.to_lowercase();
    ["bwv", "footage", "video"]
        .iter()
        .any(|word| reason.contains(word))
}

pub fn run(args: Args) -> Result<ExitCode> {
    let reason = args.reason.trim();
    if reason.is_empty() {
        bail!("--reason is empty: say why the search cannot be reviewed");
    }
    let record_id = grounds::assess::fields::clean(&args.record_id);
    let footage_missing = args.footage_missing || mentions_footage(reason);
    let month = args.month.to_string();
    let mut store = Store::open(&args.db.db)?;
    let tx = store.begin()?;
    let Some(draw) = tx.current_draw(&month)? else {
        bail!("no draw for {month} in {}", args.db.db.display());
    };
    let done = tx.substitute(
        &draw,
        record_id,
        reason,
        footage_missing,
        &store::current_user(),
        &store::now(),
    )?;
    tx.commit()?;
    println!(
        "{} of {} is replaced by reserve {} ({}): assess it in the reserve rows of the worksheet.",
        done.record_id, done.champion, done.reserve_position, done.replacement_id
    );
    println!(
        "Reason: {reason}{}. {} reserve(s) left for {} in {month}.",
        if footage_missing {
            " (footage missing)"
        } else {
            ""
        },
        done.reserves_left,
        done.champion
    );
    Ok(ExitCode::SUCCESS)
}
