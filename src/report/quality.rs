//! The "Review quality" section: how far a second, blind review of the same
//! searches agrees with the first (issue 16).
//!
//! Only the grounds verdict is compared, reduced to "reasonable" against
//! "not reasonable or none recorded". Counted apart, never in the figures:
//! pairs where either review said `insufficient_info` (no verdict to compare),
//! pairs under a no-suspicion power or where either review said
//! `not_required` (no grounds to judge), and pairs with a review still to
//! come. The first review is the one every proportion of the report
//! estimates; the second only measures agreement.

use std::collections::HashMap;

use crate::powers::NoSuspicionPowers;
use crate::stats::{
    agreement, agreement_no_width as no_width, agreement_reading as reading, Agreement,
    AgreementError, KappaUndefined, PairTable,
};
use crate::store::{DrawStrata, ReviewPair};

/// Below this many compared pairs the section says its figures are imprecise.
pub const FEW_PAIRS: u64 = 30;

/// How each interval is made, for every format's method note.
pub const INTERVAL_METHODS: &str = "Observed agreement: Wilson score interval. Cohen's kappa: kappa ± z·SE with the large-sample variance of Fleiss, Cohen & Everitt (1969), Psychological Bulletin 72:323–327. Gwet's AC1: AC1 ± z·SE with the two-rater variance of Gwet (2008), British Journal of Mathematical and Statistical Psychology 61:29–48. Both coefficient intervals are clipped to −1 to 1.";

/// What the report says about second reviews in its period. Serialised by
/// hand (see `withheld.rs`): a withheld figure is `null`, never a false zero.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewQuality {
    /// Searches dealt for a second review (for one champion's report: those
    /// the champion is one of the two reviewers of).
    pub second_reviews: u64,
    /// Pairs compared: both reviews recorded, both with a verdict on the grounds.
    pub pairs: u64,
    pub confidence: f64,
    pub observed: Option<f64>,
    pub observed_lower: Option<f64>,
    pub observed_upper: Option<f64>,
    /// `null` when undefined: see `kappa_undefined`.
    pub kappa: Option<f64>,
    pub kappa_lower: Option<f64>,
    pub kappa_upper: Option<f64>,
    /// Why kappa has no value, when it has none and there are pairs.
    pub kappa_undefined: Option<KappaUndefined>,
    pub ac1: Option<f64>,
    pub ac1_lower: Option<f64>,
    pub ac1_upper: Option<f64>,
    /// The agreement each coefficient expects by chance.
    pub kappa_chance: Option<f64>,
    pub ac1_chance: Option<f64>,
    /// The share of all verdicts of the compared pairs that were "reasonable".
    pub reasonable_share: Option<f64>,
    /// The pairs by what each review said (rows the first review).
    pub table: PairTable,
    /// Pairs where either review said there was too little to judge.
    pub insufficient_info: u64,
    /// Pairs under a no-suspicion power, or where either review said
    /// `not_required`: no grounds to judge.
    pub no_suspicion: u64,
    /// Pairs with one review (or neither) recorded so far.
    pub awaiting: u64,
    /// Fewer than [`FEW_PAIRS`] compared pairs: the figures are imprecise.
    pub few_pairs: bool,
    /// Every compared pair agreed: the coefficient intervals have no width,
    /// which is not certainty (the reading says to read the Wilson interval).
    pub all_agree: bool,
    /// What the figures say, in plain English.
    pub reading: String,
    /// Withheld from a public report (the reading says by which rule).
    pub suppressed: bool,
}

/// How one pair of reviews is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PairVerdict {
    /// `first_reasonable`, `second_reasonable`.
    Compared(bool, bool),
    InsufficientInfo,
    NoSuspicion,
    Awaiting,
}

/// Which searches are under a no-suspicion power, decided as the sample
/// design decides it: by the stratum the draw kept for the record (none for
/// a no-suspicion search), else by its legislation against the default
/// powers and those the draw's mapping added.
struct NoSuspicion<'a> {
    months: HashMap<&'a str, (&'a DrawStrata, NoSuspicionPowers)>,
    default: NoSuspicionPowers,
}

impl<'a> NoSuspicion<'a> {
    fn new(strata: &'a [DrawStrata]) -> Self {
        Self {
            months: strata
                .iter()
                .map(|s| {
                    (
                        s.month.as_str(),
                        (s, NoSuspicionPowers::with_extra(&s.no_suspicion_powers)),
                    )
                })
                .collect(),
            default: NoSuspicionPowers::default(),
        }
    }

    fn matches(&self, pair: &ReviewPair) -> bool {
        match self.months.get(pair.month.as_str()) {
            Some((kept, powers)) => {
                let stratum = (kept.strata.is_some() && !kept.from_snapshot)
                    .then(|| kept.record_strata.get(&pair.record_id))
                    .flatten();
                match stratum {
                    Some(stratum) => stratum.is_none(),
                    None => powers.matches(&pair.legislation),
                }
            }
            None => self.default.matches(&pair.legislation),
        }
    }
}

fn classify(pair: &ReviewPair, no_suspicion: &NoSuspicion<'_>) -> PairVerdict {
    if no_suspicion.matches(pair) {
        return PairVerdict::NoSuspicion;
    }
    let (Some(first), Some(second)) = (&pair.first_grounds, &pair.second_grounds) else {
        return PairVerdict::Awaiting;
    };
    let verdicts = [first.as_str(), second.as_str()];
    if verdicts.contains(&"not_required") {
        PairVerdict::NoSuspicion
    } else if verdicts.contains(&"insufficient_info") {
        PairVerdict::InsufficientInfo
    } else {
        PairVerdict::Compared(first == "reasonable", second == "reasonable")
    }
}

/// The section for the pairs of the report (`champion`: only the pairs that
/// champion reviewed, first or second), or `None` when no search of the
/// period was dealt for a second review.
pub fn review_quality(
    pairs: &[ReviewPair],
    strata: &[DrawStrata],
    champion: Option<&str>,
    confidence: f64,
) -> Result<Option<ReviewQuality>, AgreementError> {
    let pairs: Vec<&ReviewPair> = pairs
        .iter()
        .filter(|p| champion.is_none_or(|c| p.first_champion == c || p.second_champion == c))
        .collect();
    if pairs.is_empty() {
        return Ok(None);
    }
    let no_suspicion = NoSuspicion::new(strata);
    let mut table = PairTable::default();
    let (mut insufficient_info, mut left_out, mut awaiting) = (0, 0, 0);
    let reviewed_twice = pairs
        .iter()
        .filter(|p| p.first_grounds.is_some() && p.second_grounds.is_some())
        .count() as u64;
    for pair in &pairs {
        match classify(pair, &no_suspicion) {
            PairVerdict::Compared(true, true) => table.both_reasonable += 1,
            PairVerdict::Compared(true, false) => table.only_first_reasonable += 1,
            PairVerdict::Compared(false, true) => table.only_second_reasonable += 1,
            PairVerdict::Compared(false, false) => table.neither_reasonable += 1,
            PairVerdict::InsufficientInfo => insufficient_info += 1,
            PairVerdict::NoSuspicion => left_out += 1,
            PairVerdict::Awaiting => awaiting += 1,
        }
    }
    let figures = match agreement(table, confidence) {
        Ok(a) => Some(a),
        Err(AgreementError::NoPairs) => None,
        Err(err) => return Err(err),
    };
    let mut section = ReviewQuality {
        second_reviews: pairs.len() as u64,
        pairs: table.pairs(),
        confidence,
        observed: None,
        observed_lower: None,
        observed_upper: None,
        kappa: None,
        kappa_lower: None,
        kappa_upper: None,
        kappa_undefined: None,
        ac1: None,
        ac1_lower: None,
        ac1_upper: None,
        kappa_chance: None,
        ac1_chance: None,
        reasonable_share: None,
        table,
        insufficient_info,
        no_suspicion: left_out,
        awaiting,
        few_pairs: table.pairs() < FEW_PAIRS,
        all_agree: false,
        reading: String::new(),
        suppressed: false,
    };
    if let Some(a) = &figures {
        section.set_figures(a);
    }
    section.reading = section_reading(&section, reviewed_twice, figures.as_ref());
    Ok(Some(section))
}

impl ReviewQuality {
    fn set_figures(&mut self, a: &Agreement) {
        self.observed = Some(a.observed);
        self.observed_lower = Some(a.observed_lower);
        self.observed_upper = Some(a.observed_upper);
        self.kappa = a.kappa;
        self.kappa_lower = a.kappa_lower;
        self.kappa_upper = a.kappa_upper;
        self.kappa_undefined = a.kappa_undefined;
        self.ac1 = Some(a.ac1);
        self.ac1_lower = Some(a.ac1_lower);
        self.ac1_upper = Some(a.ac1_upper);
        self.kappa_chance = Some(a.kappa_chance);
        self.ac1_chance = Some(a.ac1_chance);
        self.reasonable_share = Some(a.reasonable_share);
        self.all_agree = a.all_agree;
    }

    /// Withholds every figure and the table, for the reason `why`: zeroed,
    /// not only flagged, so that no format prints them by mistake (and JSON
    /// writes them as `null`). The number of second reviews dealt and
    /// awaited stay: they are process counts, like searches due.
    pub fn suppress(&mut self, why: Withheld) {
        let (second_reviews, awaiting, confidence) =
            (self.second_reviews, self.awaiting, self.confidence);
        *self = ReviewQuality {
            second_reviews,
            pairs: 0,
            confidence,
            observed: None,
            observed_lower: None,
            observed_upper: None,
            kappa: None,
            kappa_lower: None,
            kappa_upper: None,
            kappa_undefined: None,
            ac1: None,
            ac1_lower: None,
            ac1_upper: None,
            kappa_chance: None,
            ac1_chance: None,
            reasonable_share: None,
            table: PairTable::default(),
            insufficient_info: 0,
            no_suspicion: 0,
            awaiting,
            few_pairs: false,
            all_agree: false,
            reading: why.reading(),
            suppressed: true,
        };
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// How many searches were dealt and reviewed twice, the statistics' own
/// reading, then what was left out and why.
fn section_reading(
    section: &ReviewQuality,
    reviewed_twice: u64,
    figures: Option<&Agreement>,
) -> String {
    let dealt = format!(
        "{} dealt for a second review, and {reviewed_twice} {} reviewed twice",
        plural(section.second_reviews, "search was", "searches were"),
        if reviewed_twice == 1 { "was" } else { "were" }
    );
    let mut text = match figures {
        Some(a) => format!(
            "{dealt}; {} compared. {}",
            plural(
                section.pairs,
                "pair of verdicts is",
                "pairs of verdicts are"
            ),
            reading(a)
        ),
        None => format!(
            "{dealt}, but no pair can be compared yet: \
             agreement needs both reviews, each with a verdict on the grounds."
        ),
    };
    let mut apart = Vec::new();
    if section.insufficient_info > 0 {
        apart.push(format!(
            "{} where a reviewer had too little information to judge",
            plural(section.insufficient_info, "pair", "pairs")
        ));
    }
    if section.no_suspicion > 0 {
        apart.push(format!(
            "{} under a power that needs no reasonable grounds",
            plural(section.no_suspicion, "pair", "pairs")
        ));
    }
    if section.awaiting > 0 {
        apart.push(format!(
            "{} still awaiting one of their two reviews",
            plural(section.awaiting, "pair", "pairs")
        ));
    }
    if !apart.is_empty() {
        text.push_str(&format!(" Not compared: {}.", apart.join("; ")));
    }
    if figures.is_some() {
        text.push_str(
            " The second review only measures agreement: every other figure in this report \
             comes from the first review alone.",
        );
    }
    text
}

/// The section's heading in every format.
pub const HEADING: &str = "Review quality: agreement between first and second reviews";

/// What the section is, before its figures.
pub const INTRO: &str = "Some searches were reviewed a second time, blind, by another champion. Where both reviews judged the grounds, this compares their verdicts: reasonable, against not reasonable or none recorded.";

/// The measures' table headings, the interval's with its level.
pub fn figure_head(confidence: f64) -> [String; 3] {
    [
        "measure".into(),
        "estimate".into(),
        format!("{} interval", crate::wording::level(confidence)),
    ]
}

/// "0.73", or "undefined" for a coefficient without a value.
pub fn coefficient(value: Option<f64>) -> String {
    // Rounded first so that a tiny negative value does not print as "-0.00".
    value.map_or_else(
        || "undefined".into(),
        |v| format!("{:.2}", (v * 100.0).round() / 100.0 + 0.0),
    )
}

/// "0.61 to 0.86", or "–".
pub fn coefficient_interval(lower: Option<f64>, upper: Option<f64>) -> String {
    match (lower, upper) {
        (Some(lower), Some(upper)) => format!(
            "{} to {}",
            coefficient(Some(lower)),
            coefficient(Some(upper))
        ),
        _ => "–".into(),
    }
}

/// A coefficient's interval cell: "0.61 to 0.86", or, when the variance
/// formula gives it no width, words that do not pass it off as certain.
fn coefficient_interval_cell(q: &ReviewQuality, lower: Option<f64>, upper: Option<f64>) -> String {
    match (lower, upper) {
        (Some(l), Some(u)) if no_width(l, u) && q.all_agree => format!(
            "no width: all {} pairs agreed (see observed agreement)",
            q.pairs
        ),
        (Some(l), Some(u)) if no_width(l, u) => "no width: variance 0 on this table".into(),
        _ => coefficient_interval(lower, upper),
    }
}

/// The three measures as (name, estimate, interval) cells for a table.
pub fn figure_rows(q: &ReviewQuality) -> Vec<[String; 3]> {
    let percent = |v: Option<f64>| v.map_or_else(|| "–".into(), crate::wording::percent);
    let observed_interval = match (q.observed_lower, q.observed_upper) {
        (Some(lower), Some(upper)) => format!(
            "{} to {}",
            crate::wording::percent(lower),
            crate::wording::percent(upper)
        ),
        _ => "–".into(),
    };
    vec![
        [
            "Observed agreement".into(),
            percent(q.observed),
            observed_interval,
        ],
        [
            "Gwet's AC1".into(),
            if q.ac1.is_some() {
                coefficient(q.ac1)
            } else {
                "–".into()
            },
            coefficient_interval_cell(q, q.ac1_lower, q.ac1_upper),
        ],
        [
            "Cohen's kappa".into(),
            match (q.kappa, q.kappa_undefined) {
                (None, Some(_)) => "undefined (one verdict only)".into(),
                (None, None) => "–".into(),
                (k, _) => coefficient(k),
            },
            coefficient_interval_cell(q, q.kappa_lower, q.kappa_upper),
        ],
    ]
}

/// The 2x2 table as rows (first review) of cells (second review, total).
pub fn table_rows(q: &ReviewQuality) -> Vec<[String; 4]> {
    let t = &q.table;
    let n = |v: u64| {
        if q.suppressed {
            "suppressed".to_string()
        } else {
            v.to_string()
        }
    };
    vec![
        [
            "First: reasonable".into(),
            n(t.both_reasonable),
            n(t.only_first_reasonable),
            n(t.both_reasonable + t.only_first_reasonable),
        ],
        [
            "First: not reasonable or none recorded".into(),
            n(t.only_second_reasonable),
            n(t.neither_reasonable),
            n(t.only_second_reasonable + t.neither_reasonable),
        ],
        [
            "Total".into(),
            n(t.both_reasonable + t.only_second_reasonable),
            n(t.only_first_reasonable + t.neither_reasonable),
            n(t.pairs()),
        ],
    ]
}

/// The 2x2 table's column headings, after the row label.
pub const TABLE_HEAD: [&str; 4] = [
    "",
    "Second: reasonable",
    "Second: not reasonable or none recorded",
    "Total",
];

mod withheld;

pub use withheld::Withheld;

#[cfg(test)]
mod tests;
