//! What a public report withholds of the review quality section, and how
//! it says so: the rule in words, `null` (never a false 0) in JSON, and why
//! small cells of a published table stay.

use serde::{Serialize, Serializer};

use super::ReviewQuality;
use crate::stats::{KappaUndefined, PairTable};

/// Why a public report withholds the section's figures: the two rules of
/// [`crate::report::public`], in words a reader can check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    /// The report's overall figure is suppressed, and the compared pairs
    /// are some of its searches.
    OverallSuppressed,
    /// The pairs compared, or those plus the pairs a reviewer could not
    /// judge, number 1 to `below − 1`.
    FewPairs { below: u64 },
}

impl Withheld {
    pub(super) fn reading(self) -> String {
        let rule = match self {
            Withheld::OverallSuppressed => "the report's overall figure is suppressed, and the \
                 pairs compared are some of its searches, so their figures could give it back"
                .to_string(),
            Withheld::FewPairs { below } => format!(
                "the pairs compared (alone, or with those a reviewer had too little \
                 information to judge) number 1 to {}, and figures resting on fewer than {below} \
                 searches are suppressed",
                below.saturating_sub(1)
            ),
        };
        format!("The agreement figures are suppressed in this public report: {rule}.")
    }
}

/// The section as JSON: the figures a public report withholds are `null`,
/// as the public CSV leaves them empty, so that no reader takes them for 0.
#[derive(Serialize)]
struct Wire<'a> {
    second_reviews: u64,
    pairs: Option<u64>,
    confidence: f64,
    observed: Option<f64>,
    observed_lower: Option<f64>,
    observed_upper: Option<f64>,
    kappa: Option<f64>,
    kappa_lower: Option<f64>,
    kappa_upper: Option<f64>,
    kappa_undefined: Option<KappaUndefined>,
    ac1: Option<f64>,
    ac1_lower: Option<f64>,
    ac1_upper: Option<f64>,
    kappa_chance: Option<f64>,
    ac1_chance: Option<f64>,
    reasonable_share: Option<f64>,
    table: Option<&'a PairTable>,
    insufficient_info: Option<u64>,
    no_suspicion: Option<u64>,
    awaiting: u64,
    few_pairs: Option<bool>,
    all_agree: Option<bool>,
    reading: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    suppressed: bool,
}

impl Serialize for ReviewQuality {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let shown = |v| (!self.suppressed).then_some(v);
        Wire {
            second_reviews: self.second_reviews,
            pairs: shown(self.pairs),
            confidence: self.confidence,
            observed: self.observed,
            observed_lower: self.observed_lower,
            observed_upper: self.observed_upper,
            kappa: self.kappa,
            kappa_lower: self.kappa_lower,
            kappa_upper: self.kappa_upper,
            kappa_undefined: self.kappa_undefined,
            ac1: self.ac1,
            ac1_lower: self.ac1_lower,
            ac1_upper: self.ac1_upper,
            kappa_chance: self.kappa_chance,
            ac1_chance: self.ac1_chance,
            reasonable_share: self.reasonable_share,
            table: (!self.suppressed).then_some(&self.table),
            insufficient_info: shown(self.insufficient_info),
            no_suspicion: shown(self.no_suspicion),
            awaiting: self.awaiting,
            few_pairs: (!self.suppressed).then_some(self.few_pairs),
            all_agree: (!self.suppressed && self.pairs > 0).then_some(self.all_agree),
            reading: &self.reading,
            suppressed: self.suppressed,
        }
        .serialize(serializer)
    }
}

impl ReviewQuality {
    /// In a public report, says why the 2x2 table shows cells of 1 to
    /// `below − 1` under a banner that suppresses such figures elsewhere:
    /// the published agreement figures and the number of pairs give every
    /// cell back, so withholding them would hide nothing (see
    /// [`crate::report::public`]). Idempotent.
    pub fn note_small_cells_published(&mut self, below: u64) {
        if !self.publishes_small_cells(below) {
            return;
        }
        let note = small_cells_note(below);
        if !self.reading.contains(&note) {
            self.reading.push(' ');
            self.reading.push_str(&note);
        }
    }
}

impl ReviewQuality {
    /// The section is published with a 2x2 cell of 1 to `below − 1`: the
    /// banner that suppresses such figures must make an exception for it.
    pub fn publishes_small_cells(&self, below: u64) -> bool {
        let t = &self.table;
        let cells = [
            t.both_reasonable,
            t.only_first_reasonable,
            t.only_second_reasonable,
            t.neither_reasonable,
        ];
        !self.suppressed && cells.iter().any(|&c| c >= 1 && c < below)
    }
}

fn small_cells_note(below: u64) -> String {
    format!(
        "Unlike other figures in this public report, the table's cells are published even \
         when they are 1 to {}: the number of pairs with observed agreement, kappa and AC1 \
         determine every cell, so suppressing them would hide nothing. A cell counts searches \
         two reviewers disagreed on, naming no one.",
        below.saturating_sub(1)
    )
}
