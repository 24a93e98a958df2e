//! The report as data: every figure the renderers print, computed once.

use serde::Serialize;

use crate::ethnicity::Group;
use crate::stats::{self, Method, StatsError};
use crate::wording::{difference_reading, distinguishable, level, p_text, percent, signed_points};

use super::aggregate::Tally;

/// A proportion of searches with reasonable grounds, with its interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    /// Searches with a judgement: reasonable + not reasonable + none recorded.
    pub assessed: u64,
    pub reasonable: u64,
    pub not_reasonable: u64,
    pub none_recorded: u64,
    /// Reviewed but not judgeable: shown, never in the denominator.
    pub insufficient_info: u64,
    pub proportion: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    /// Fewer assessed searches than the threshold: too few to judge.
    pub too_few: bool,
    /// The interval used the finite population correction.
    pub fpc: bool,
    /// Withheld from a public report because a count is below the threshold.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub suppressed: bool,
}

/// How estimates are made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EstimateRules {
    pub method: Method,
    pub confidence: f64,
    pub too_few_below: u64,
    pub fpc: bool,
}

impl Estimate {
    /// `population` is the number of searches the assessed ones were drawn
    /// from, when known; with `rules.fpc` it narrows a Wald interval.
    pub fn from_tally(
        tally: &Tally,
        rules: &EstimateRules,
        population: Option<u64>,
    ) -> Result<Self, StatsError> {
        let n = tally.judged();
        let x = tally.reasonable;
        let mut fpc = false;
        let interval = if n == 0 {
            None
        } else {
            match population.filter(|&big_n| rules.fpc && big_n >= n) {
                Some(big_n) => {
                    fpc = true;
                    Some(stats::wald_fpc_interval(x, n, big_n, rules.confidence)?)
                }
                None => Some(stats::proportion_interval(
                    x,
                    n,
                    rules.confidence,
                    rules.method,
                )?),
            }
        };
        Ok(Self {
            assessed: n,
            reasonable: x,
            not_reasonable: tally.not_reasonable,
            none_recorded: tally.none_recorded,
            insufficient_info: tally.insufficient_info,
            proportion: (n > 0).then(|| x as f64 / n as f64),
            lower: interval.map(|i| i.lower),
            upper: interval.map(|i| i.upper),
            too_few: n < rules.too_few_below,
            fpc,
            suppressed: false,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupRow {
    pub group: String,
    /// Searches of this group in the period's months, from the exports.
    pub population: Option<u64>,
    /// Share of the group's searches that were reviewed (assessed or insufficient info).
    pub reviewed_share: Option<f64>,
    #[serde(flatten)]
    pub estimate: Estimate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthRow {
    pub month: String,
    /// Searches in the month, from the exports.
    pub population: u64,
    /// Searches due for review.
    pub assigned: u64,
    pub outstanding: u64,
    #[serde(flatten)]
    pub estimate: Estimate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChampionRow {
    pub champion: String,
    pub assigned: u64,
    pub outstanding: u64,
    #[serde(flatten)]
    pub estimate: Estimate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueRow {
    /// The export's value ("(not recorded)" when empty).
    pub value: String,
    #[serde(flatten)]
    pub estimate: Estimate,
}

/// Minority ethnic groups against White.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub group: String,
    pub reference: String,
    pub x1: u64,
    pub n1: u64,
    pub x2: u64,
    pub n2: u64,
    /// p1 − p2 (group minus reference).
    pub difference: f64,
    pub lower: f64,
    pub upper: f64,
    pub p_fisher: f64,
    /// One sentence that claims no more than the interval supports.
    pub statement: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Count {
    pub value: String,
    pub count: u64,
    /// Withheld from a public report because the count is below the threshold.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub suppressed: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Breakdowns {
    pub verdicts: Vec<Count>,
    pub bwv: Vec<Count>,
    /// Sampled searches replaced by a reserve, and how many because footage was missing.
    pub substituted: u64,
    pub substituted_for_missing_footage: u64,
    pub gowisely: Vec<Count>,
    pub conduct: Vec<Count>,
    pub referrals: Vec<Count>,
    pub themes: Vec<Count>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MonthOutstanding {
    pub month: String,
    pub outstanding: u64,
}

/// Whether every search due for review in the period has been assessed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Completeness {
    pub assigned: u64,
    pub assessed: u64,
    pub outstanding: u64,
    pub complete: bool,
    pub incomplete_months: Vec<MonthOutstanding>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputFile {
    pub file: String,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DrawInfo {
    pub month: String,
    pub seed: String,
    pub created_at: String,
    pub manifest_sha256: String,
    pub searches_in_month: u64,
    pub inputs: Vec<InputFile>,
}

/// A draw replaced by a redraw: reported so that drawing again until a
/// sample suits cannot go unseen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplacedDrawInfo {
    pub month: String,
    pub seed: String,
    pub created_at: String,
    pub manifest_sha256: String,
    pub replaced_at: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub month: String,
    pub champion: String,
    pub record_id: String,
    pub grounds: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodOut {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Demo data: every rendering says so.
    pub simulated: bool,
    pub period: PeriodOut,
    pub champion: Option<String>,
    /// `self-defined` or `officer-defined`.
    pub ethnicity: String,
    pub method: String,
    pub method_label: String,
    pub confidence: f64,
    pub fpc: bool,
    pub too_few_below: u64,
    /// Made for publication: small cells suppressed, names and notes dropped.
    pub public: bool,
    pub suppressed_below: Option<u64>,
    pub overall: Estimate,
    /// Searches in the period's months, from the exports.
    pub population: u64,
    pub groups: Vec<GroupRow>,
    pub minority: Estimate,
    /// Searches of people from minority ethnic groups in the period's months.
    pub minority_population: Option<u64>,
    pub comparison: Option<Comparison>,
    pub by_month: Vec<MonthRow>,
    pub by_champion: Vec<ChampionRow>,
    pub by_legislation: Vec<ValueRow>,
    pub by_object: Vec<ValueRow>,
    pub breakdowns: Breakdowns,
    pub completeness: Completeness,
    /// Ethnicity values grounds does not recognise, counted as Not stated
    /// (and so outside the minority ethnic / White comparison).
    pub unrecognised_ethnicity: Vec<Count>,
    pub draws: Vec<DrawInfo>,
    pub replaced_draws: Vec<ReplacedDrawInfo>,
    pub notes: Vec<Note>,
}

/// The comparison of minority ethnic groups with White, and a sentence for
/// people that stays within what the interval shows.
pub fn compare(
    minority: &Tally,
    white: &Tally,
    confidence: f64,
) -> Result<Option<Comparison>, StatsError> {
    let (n1, n2) = (minority.judged(), white.judged());
    if n1 == 0 || n2 == 0 {
        return Ok(None);
    }
    let (x1, x2) = (minority.reasonable, white.reasonable);
    let stats::ProportionComparison {
        difference,
        p_fisher,
    } = stats::compare_proportions(x1, n1, x2, n2, confidence)?;
    let mut statement = format!(
        "Reasonable grounds were evident in {x1} of {n1} searches of people from minority ethnic groups ({}) \
         and {x2} of {n2} searches of White people ({}): a difference of {} ({} interval {} to {}, \
         Fisher's exact test p = {}). ",
        percent(x1 as f64 / n1 as f64),
        percent(x2 as f64 / n2 as f64),
        signed_points(difference.estimate, true),
        level(confidence),
        signed_points(difference.lower, false),
        signed_points(difference.upper, false),
        p_text(p_fisher),
    );
    statement.push_str(&difference_reading(
        &difference,
        p_fisher,
        confidence,
        "minority ethnic groups",
        "White people",
    ));
    statement.push_str(if distinguishable(&difference) {
        " With samples this size, treat it as a reason to look closer, not as a measure of the gap."
    } else {
        " Not finding a difference is not evidence that there is none."
    });
    Ok(Some(Comparison {
        group: "Minority ethnic".into(),
        reference: Group::White.label().into(),
        x1,
        n1,
        x2,
        n2,
        difference: difference.estimate,
        lower: difference.lower,
        upper: difference.upper,
        p_fisher,
        statement,
    }))
}
