//! One renderer per output format, each a pure function of the [`Report`].

pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;
pub mod table;

use super::model::{Estimate, Report};
use crate::wording::{level, percent};

/// The headline in one sentence (or two, with insufficient information).
pub fn headline(report: &Report) -> String {
    let overall = &report.overall;
    let level = level(report.confidence);
    if overall.suppressed {
        return format!(
            "The overall figure is suppressed in this public report: it rests on fewer than {} searches, or would let a reader work out a suppressed figure.",
            report.suppressed_below.unwrap_or(0)
        );
    }
    let mut text = match (overall.proportion, overall.lower, overall.upper) {
        (Some(p), Some(lower), Some(upper)) => format!(
            "Reasonable grounds were evident in {} of the {} searches assessed ({}{}; {level} interval {} to {}).",
            overall.reasonable,
            overall.assessed,
            if overall.weighted { "weighted estimate " } else { "" },
            percent(p),
            percent(lower),
            percent(upper)
        ),
        _ => "No search in the period could be judged.".to_string(),
    };
    if overall.insufficient_info > 0 {
        text.push_str(&format!(
            " {} more {} reviewed but had too little information to judge; {} not counted.",
            overall.insufficient_info,
            if overall.insufficient_info == 1 {
                "search was"
            } else {
                "searches were"
            },
            if overall.insufficient_info == 1 {
                "it is"
            } else {
                "they are"
            }
        ));
    }
    text
}

/// The warning that keeps a partial period from being read as final.
pub fn outstanding_warning(report: &Report) -> Option<String> {
    let completeness = &report.completeness;
    if completeness.complete {
        return None;
    }
    let months: Vec<String> = completeness
        .incomplete_months
        .iter()
        .map(|m| format!("{}: {}", m.month, m.outstanding))
        .collect();
    Some(format!(
        "NOT FINAL: {} of the {} searches drawn for review are still outstanding ({}). Figures will change.",
        completeness.outstanding,
        completeness.assigned,
        months.join(", ")
    ))
}

/// What a public report left out, said wherever the report is read.
/// What a reader must know about the data behind the figures: values that
/// could not be placed in a group, and months drawn more than once.
pub fn data_warnings(report: &Report) -> Vec<String> {
    let mut warnings = Vec::new();
    if report.public && !report.unrecognised_ethnicity.is_empty() {
        // make_public leaves one count and no values: they are free text.
        let searches: u64 = report.unrecognised_ethnicity.iter().map(|c| c.count).sum();
        let how_many = if report.unrecognised_ethnicity.iter().any(|c| c.suppressed) {
            "a number of searches suppressed in this public report".to_string()
        } else {
            format!("{searches} searches")
        };
        warnings.push(format!(
            "Some {} ethnicity values ({how_many}) are not ones grounds recognises and are counted as Not stated, outside the minority ethnic / White comparison; the values are withheld from this public report.",
            report.ethnicity
        ));
    } else if !report.unrecognised_ethnicity.is_empty() {
        let values: Vec<String> = report
            .unrecognised_ethnicity
            .iter()
            .map(|c| format!("{:?} ({})", c.value, c.count))
            .collect();
        warnings.push(format!(
            "Some {} ethnicity values are not ones grounds recognises and are counted as Not stated, outside the minority ethnic / White comparison: {}.",
            report.ethnicity,
            values.join(", ")
        ));
    }
    if !report.design.self_weighting {
        warnings.push(crate::wording::weighted_sentence(
            &report.design.weighted_because,
        ));
    }
    if let Some(n) = report.overall.not_required.filter(|&n| n > 0) {
        warnings.push(format!(
            "{n} reviewed {} under a power that needs no reasonable grounds (section 60, section 47A): counted apart, in no reasonable-grounds percentage.",
            if n == 1 { "search was" } else { "searches were" }
        ));
    }
    if report.design.coverage_gap > 0 {
        warnings.push(format!(
            "{} searches of the period could not be given to any champion: the figures do not speak for them.",
            report.design.coverage_gap
        ));
    }
    if !report.design.strata_from_snapshot.is_empty() {
        warnings.push(format!(
            "{}: strata computed from the stored snapshot (the draw predates stored strata: one pool per area as the manifest sizes it, else one per month of all its searches).",
            report.design.strata_from_snapshot.join(", ")
        ));
    }
    for replaced in &report.replaced_draws {
        warnings.push(format!(
            "{} was drawn more than once: the draw made {} with seed {:?} (manifest SHA-256 {}) was replaced on {} ({}). The figures use the later draw; its manifest names the one it replaced.",
            replaced.month, replaced.created_at, replaced.seed, replaced.manifest_sha256, replaced.replaced_at, replaced.reason
        ));
    }
    warnings
}

/// The exception the public banner makes for the review quality table,
/// when it shows cells of 1 to k−1 (see [`crate::report::public`]).
pub fn agreement_exception(report: &Report, k: u64) -> &'static str {
    match &report.agreement {
        Some(q) if q.publishes_small_cells(k) => {
            " (except the review quality table's cells, which its published agreement figures determine)"
        }
        _ => "",
    }
}

pub fn public_note(report: &Report) -> Option<String> {
    if !report.public {
        return None;
    }
    let k = report.suppressed_below.unwrap_or(0);
    let cells = if k > 1 {
        format!(
            "figures resting on 1 to {} searches are suppressed{}, as are a few larger ones that would otherwise let a reader work a suppressed figure out; ",
            k - 1,
            agreement_exception(report, k)
        )
    } else {
        String::new()
    };
    Some(format!(
        "PUBLIC REPORT: {cells}champion names, reviewers' notes and learning themes are left out."
    ))
}

pub const SIMULATED_BANNER: &str =
    "SIMULATED DATA: these assessments were made up by `grounds demo` to show the tool. They are not real reviews.";

/// What the report is about, in one line.
pub fn title(report: &Report) -> String {
    let period = if report.period.from == report.period.to {
        report.period.from.clone()
    } else {
        format!("{} to {}", report.period.from, report.period.to)
    };
    let champion = report
        .champion
        .as_ref()
        .map(|c| format!(", champion {c}"))
        .unwrap_or_default();
    format!("Reasonable grounds review, {period}{champion}")
}

/// How intervals were made, in one line.
pub fn method_line(report: &Report) -> String {
    format!(
        "{} ethnicity; {} {} intervals{}; groups with fewer than {} assessed searches are flagged \"too few to judge\". {}",
        capitalise(&report.ethnicity),
        level(report.confidence),
        report.method_label,
        if report.design.self_weighting { "" } else { ", design-weighted" },
        report.too_few_below,
        crate::wording::MINORITY_DEFINITION
    )
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// `87.5%` or `–` when there is nothing to show.
pub fn proportion_cell(estimate: &Estimate) -> String {
    if estimate.suppressed {
        return "suppressed".into();
    }
    estimate
        .proportion
        .map(percent)
        .unwrap_or_else(|| "–".into())
}

/// `81.9% to 91.5%` or `–`.
pub fn interval_cell(estimate: &Estimate) -> String {
    match (estimate.suppressed, estimate.lower, estimate.upper) {
        (false, Some(lower), Some(upper)) => format!("{} to {}", percent(lower), percent(upper)),
        _ => "–".into(),
    }
}

/// The flag people read next to a figure.
pub fn flag_cell(estimate: &Estimate) -> &'static str {
    if estimate.suppressed {
        "suppressed (public report)"
    } else if estimate.assessed == 0 && estimate.not_required.is_some_and(|n| n > 0) {
        // Reviewed, but under a power that needs no suspicion: nothing to judge.
        "power needs no grounds"
    } else if estimate.assessed == 0 {
        "none assessed"
    } else if estimate.too_few {
        "too few to judge"
    } else {
        ""
    }
}

/// The headings of [`estimate_cells`], the interval's with its level.
pub fn estimate_header(confidence: f64) -> Vec<String> {
    let interval = format!("{} interval", level(confidence));
    [
        "assessed",
        "reasonable",
        "%",
        interval.as_str(),
        "insufficient info",
        "note",
    ]
    .map(String::from)
    .to_vec()
}

/// The six cells of an estimate, in the order of every estimate table:
/// assessed, reasonable, %, interval, insufficient info, note.
pub fn estimate_cells(estimate: &Estimate) -> Vec<String> {
    vec![
        count_cell(estimate.assessed, estimate.suppressed),
        count_cell(estimate.reasonable, estimate.suppressed),
        proportion_cell(estimate),
        interval_cell(estimate),
        count_cell(estimate.insufficient_info, estimate.suppressed),
        flag_cell(estimate).to_string(),
    ]
}

pub const MINORITY_LABEL: &str = "Minority ethnic (all but White and Not stated)";
pub const OVERALL_LABEL: &str = "All searches";

/// One row of the ethnic-group table.
pub struct GroupRow<'a> {
    pub label: &'a str,
    pub estimate: &'a Estimate,
    /// Searches in the period, or `–` when unknown.
    pub population: String,
    /// The share of those searches reviewed, or `–`.
    pub share: String,
    /// The all-searches row that closes the table.
    pub total: bool,
}

/// The rows of the ethnic-group table: each group, the minority ethnic
/// groups together, then all searches.
pub fn group_rows(report: &Report) -> Vec<GroupRow<'_>> {
    let mut rows: Vec<GroupRow> = report
        .groups
        .iter()
        .map(|g| GroupRow {
            label: &g.group,
            estimate: &g.estimate,
            population: g.population.map_or("–".into(), |n| n.to_string()),
            share: g.reviewed_share.map_or("–".into(), percent),
            total: false,
        })
        .collect();
    rows.push(GroupRow {
        label: MINORITY_LABEL,
        estimate: &report.minority,
        population: report
            .minority_population
            .map_or("–".into(), |n| n.to_string()),
        share: share(report.minority_population, &report.minority),
        total: false,
    });
    rows.push(GroupRow {
        label: OVERALL_LABEL,
        estimate: &report.overall,
        population: report.population.to_string(),
        share: share(Some(report.population), &report.overall),
        total: true,
    });
    rows
}

/// A count, or `suppressed`. Not `<N`: a cell suppressed so that another
/// cannot be worked out by subtraction may well be larger than N.
pub fn count_cell(count: u64, suppressed: bool) -> String {
    if suppressed {
        "suppressed".into()
    } else {
        count.to_string()
    }
}

/// The share of a population that was reviewed (assessed or insufficient information).
pub fn share(population: Option<u64>, estimate: &Estimate) -> String {
    match population {
        Some(n) if n > 0 && !estimate.suppressed => {
            percent((estimate.assessed + estimate.insufficient_info) as f64 / n as f64)
        }
        _ => "–".into(),
    }
}
