//! The monthly cycle as library calls. Each workflow takes an options value,
//! does the work (reading exports, the draw, the workspace, worksheets) and
//! returns a value saying what it did; none of them prints. `src/cmd/` turns
//! command-line arguments into these options and prints what comes back, and
//! any other front end can do the same.
//!
//! Errors here are `anyhow` errors with the message a person should read:
//! the workflows sit at the edge, where domain errors (`ExportError`,
//! `StoreError`, ...) get the context of what was being done.

mod draw;
mod extend;
mod extend_files;
mod import;
mod plan;
mod progress;
mod report;
mod review;
mod simulate;
mod staging;
mod substitute;
mod verify;
mod worksheets;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use crate::store::{Store, StoreError};

pub use draw::{draw_month, Draw, DrawOptions};
pub use extend::{extend_month, ExtendOptions, Extended, WorksheetChange};
pub use import::{
    import_worksheets, FileImport, ImportCounts, ImportOptions, ImportOutcome, ImportSummary,
};
pub use plan::{
    plan, ChampionsSource, Composition, CompositionSource, DesignPlan, DesignRequest, DomainPlan,
    PeriodPlan, Plan, PlanRequest, SchemePlan, DEFAULT_INSUFFICIENT, DEFAULT_MARGIN,
    DEFAULT_PROPORTION, MAX_MONTHS, PLAN_CONFIDENCE,
};
pub use progress::{footage_deadlines, progress, FootageDeadline, MonthProgress, Progress, Totals};
pub use report::{ReportRequest, DEFAULT_TOO_FEW};
pub use review::{Prompt, Recorded, ReviewEvent, ReviewOptions, ReviewSession, SearchShown};
pub use simulate::{fill_workbooks, fill_worksheet, simulated_assessment};
pub use substitute::{mentions_footage, substitute, SubstituteRequest, Substituted};
pub use verify::{verify_draw, Verification};

/// A workspace: the database file every stateful workflow works on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    db: PathBuf,
}

impl Workspace {
    pub fn new(db: impl Into<PathBuf>) -> Self {
        Self { db: db.into() }
    }

    /// The database file.
    pub fn db(&self) -> &Path {
        &self.db
    }

    /// Opens the workspace; a missing file is an error (see [`Store::open`]).
    pub fn open(&self) -> Result<Store, StoreError> {
        Store::open(&self.db)
    }
}
