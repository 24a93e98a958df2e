//! Substituting a search that cannot be reviewed by the champion's next
//! reserve, in reserve order.

use anyhow::{bail, Result};

use super::Workspace;
use crate::assess::fields::clean;
use crate::export::YearMonth;
use crate::store::{self, Substitution};

/// Which search to replace, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubstituteRequest {
    pub month: YearMonth,
    /// As typed or pasted from a worksheet (a formula guard is dropped).
    pub record_id: String,
    pub reason: String,
    /// The footage is missing; also implied by a reason that mentions it.
    pub footage_missing: bool,
}

/// What a substitution did, with the reason as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Substituted {
    pub substitution: Substitution,
    pub reason: String,
    pub footage_missing: bool,
}

/// Whether a reason says the footage was missing.
pub fn mentions_footage(reason: &str) -> bool {
    let reason = reason.to_lowercase();
    ["bwv", "footage", "video"]
        .iter()
        .any(|word| reason.contains(word))
}

/// Brings in the champion's next unused reserve for the search. The rules
/// (a search under review with no assessment, a reserve left) are the
/// store's, checked in the same transaction that records it.
pub fn substitute(workspace: &Workspace, request: &SubstituteRequest) -> Result<Substituted> {
    let reason = request.reason.trim();
    if reason.is_empty() {
        bail!("--reason is empty: say why the search cannot be reviewed");
    }
    let record_id = clean(&request.record_id);
    let footage_missing = request.footage_missing || mentions_footage(reason);
    let month = request.month.to_string();
    let mut store = workspace.open()?;
    let tx = store.begin()?;
    let Some(draw) = tx.current_draw(&month)? else {
        bail!("no draw for {month} in {}", workspace.db().display());
    };
    let substitution = tx.substitute(
        &draw,
        record_id,
        reason,
        footage_missing,
        &store::current_user(),
        &store::now(),
    )?;
    tx.commit()?;
    Ok(Substituted {
        substitution,
        reason: reason.to_string(),
        footage_missing,
    })
}
