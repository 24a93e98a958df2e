//! The report as data: every figure the renderers print, computed once.

use serde::Serialize;

use crate::ethnicity::Group;
use crate::stats::{Comparison as DesignComparison, Difference, DomainEstimate, Method, Test};
use crate::wording::{
    detectable_sentence, difference_reading_by, distinguishable, level, p_text, percent,
    signed_points,
};

use super::aggregate::Tally;

/// A proportion of searches with reasonable grounds, with its interval:
/// design-based (`../shared/DESIGN.md`, "Design-based estimates"). The counts
/// are the reviews as recorded; the proportion weighs each judged search by
/// the searches of its stratum it stands for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    /// Searches with a judgement: reasonable + not reasonable + none recorded
    /// (searches under a no-suspicion power are never judged here).
    pub assessed: u64,
    pub reasonable: u64,
    pub not_reasonable: u64,
    pub none_recorded: u64,
    /// Reviewed but not judgeable: shown, never in the denominator.
    pub insufficient_info: u64,
    /// Reviewed searches under a no-suspicion power (section 60, 47A):
    /// outside every grounds proportion whatever verdict they carry.
    /// `None` when a public report withholds it.
    pub not_required: Option<u64>,
    pub proportion: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    /// The design-based standard error of `proportion` (finite population
    /// correction included).
    pub standard_error: Option<f64>,
    /// n*: the number of simple-random-sample searches this estimate is worth.
    pub effective_n: Option<f64>,
    /// Variance over the variance of a simple random sample of the same size.
    pub design_effect: Option<f64>,
    /// The searches weigh differently (areas, months or groups of different
    /// sizes were sampled at different rates).
    pub weighted: bool,
    /// Fewer assessed searches than the threshold: too few to judge.
    pub too_few: bool,
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
}

impl Estimate {
    /// The counts of `tally` with the design-based figures of `design`
    /// (`None` when the domain has no judged search).
    pub fn from_tally(
        tally: &Tally,
        rules: &EstimateRules,
        design: Option<&DomainEstimate>,
    ) -> Self {
        let n = tally.judged();
        Self {
            assessed: n,
            reasonable: tally.reasonable,
            not_reasonable: tally.not_reasonable,
            none_recorded: tally.none_recorded,
            insufficient_info: tally.insufficient_info,
            not_required: Some(tally.not_required),
            proportion: design.map(|d| d.proportion),
            lower: design.map(|d| d.lower),
            upper: design.map(|d| d.upper),
            standard_error: design.map(|d| d.standard_error),
            effective_n: design.map(|d| d.effective_n),
            design_effect: design.map(|d| d.design_effect),
            weighted: design.is_some_and(|d| d.weighted),
            too_few: n < rules.too_few_below,
            suppressed: false,
        }
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
    /// p1 − p2 (group minus reference), design-based.
    pub difference: f64,
    /// Newcombe's interval from the two design-based intervals.
    pub lower: f64,
    pub upper: f64,
    pub p_value: f64,
    /// `fisher` (self-weighting sample) or `design_wald`.
    pub test: Test,
    /// Fisher's exact p, only when the sample is self-weighting.
    pub p_fisher: Option<f64>,
    /// The design-based standard error of the difference.
    pub standard_error: f64,
    /// The smallest shortfall of the group below the reference's observed
    /// rate that this comparison detects with 80% power (two-sided 5%
    /// test); `None` when even a rate of 0 would not be.
    pub detectable_difference: Option<f64>,
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
    /// How the sample was drawn and weighted.
    pub design: DesignInfo,
    /// Agreement between first and second reviews: only when a search of
    /// the period was dealt for a second review.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreement: Option<super::quality::ReviewQuality>,
}

/// One stratum of the period: a (month, area pool, sampling group) with its
/// searches needing reasonable grounds (N_h) and its judged searches (n_h).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StratumInfo {
    pub month: String,
    /// `null`: one pool for the whole force.
    pub area: Option<String>,
    /// `all`, `minority` or `rest`.
    pub group: String,
    pub population: u64,
    pub judged: u64,
    /// N_h / n_h: how many searches each judged search stands for; `null`
    /// when none was judged.
    pub weight: Option<f64>,
}

/// The design the estimates come from, for the methodology section.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DesignInfo {
    /// Every judged search weighs the same: raw counts are the estimate.
    pub self_weighting: bool,
    /// Why not (empty when self-weighting), for people.
    pub weighted_because: Vec<String>,
    pub strata: Vec<StratumInfo>,
    /// Searches of the period's months no champion could take: outside
    /// every stratum, so the figures do not speak for them.
    pub coverage_gap: u64,
    /// Dealt searches under a no-suspicion power, counted apart.
    pub no_suspicion_dealt: u64,
    /// Months whose manifest predates draw-time strata: one stratum for the
    /// month, its population the month's searches in the stored snapshot.
    pub strata_from_snapshot: Vec<String>,
    /// Some champion drew from an area pool.
    pub area_pools: bool,
    /// Every draw of the period mapped an officer column, so no champion
    /// was given their own searches.
    pub officer_excluded: bool,
    /// Strata with searches but none judged: the figures cannot speak for them.
    pub unrepresented_strata: u64,
}

/// The comparison of minority ethnic groups with White from the design's
/// comparison, and a sentence for people that stays within what the
/// interval shows and says what the comparison could have detected.
pub fn comparison(
    minority: (&Tally, f64),
    white: (&Tally, f64),
    compared: &DesignComparison,
    confidence: f64,
) -> Comparison {
    let ((minority, p1), (white, p2)) = (minority, white);
    let (n1, n2) = (minority.judged(), white.judged());
    let (x1, x2) = (minority.reasonable, white.reasonable);
    let difference = Difference {
        estimate: compared.difference,
        lower: compared.lower,
        upper: compared.upper,
    };
    let test = match compared.test {
        Test::Fisher => "Fisher's exact test",
        Test::DesignWald => "design-based Wald test",
    };
    let rate = |p: f64| match compared.test {
        Test::Fisher => percent(p),
        Test::DesignWald => format!("weighted estimate {}", percent(p)),
    };
    let mut statement = format!(
        "Reasonable grounds were evident in {x1} of {n1} searches of people from minority ethnic groups \
         ({}) and {x2} of {n2} searches of White people ({}): a difference of {} ({} interval {} to {}, \
         {test} p = {}). ",
        rate(p1),
        rate(p2),
        signed_points(difference.estimate, true),
        level(confidence),
        signed_points(difference.lower, false),
        signed_points(difference.upper, false),
        p_text(compared.p_value),
    );
    statement.push_str(&difference_reading_by(
        &difference,
        compared.p_value,
        test,
        confidence,
        "minority ethnic groups",
        "White people",
    ));
    statement.push(' ');
    statement.push_str(&detectable_sentence(compared.detectable_difference));
    statement.push_str(if distinguishable(&difference) {
        " With samples this size, treat it as a reason to look closer, not as a measure of the gap."
    } else {
        " Not finding a difference is not evidence that there is none."
    });
    Comparison {
        group: "Minority ethnic".into(),
        reference: Group::White.label().into(),
        x1,
        n1,
        x2,
        n2,
        difference: compared.difference,
        lower: compared.lower,
        upper: compared.upper,
        p_value: compared.p_value,
        test: compared.test,
        p_fisher: compared.p_fisher,
        standard_error: compared.standard_error,
        detectable_difference: compared.detectable_difference,
        statement,
    }
}
