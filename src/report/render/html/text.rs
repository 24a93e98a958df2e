//! The prose of the HTML report: what the numbers mean, in words.

use crate::report::model::Report;
use crate::report::render::{agreement_exception, share};
use crate::wording::{level, weighted_sentence, MINORITY_DEFINITION};

pub(super) fn subtitle(report: &Report) -> String {
    if report.public {
        "Public report for the community scrutiny panel.".into()
    } else if !report.by_champion.is_empty() || !report.notes.is_empty() {
        "For the force and its scrutiny panel: names champions and quotes reviewers' notes, so not for publication (make a public version with --public).".into()
    } else {
        "For the force and its scrutiny panel.".into()
    }
}

pub(super) fn coverage(report: &Report) -> String {
    let o = &report.overall;
    if report.champion.is_some() {
        return "These are the searches reviewed by one champion, a small part of the force's searches.".into();
    }
    if o.suppressed || report.population == 0 {
        return format!(
            "The searches reviewed are a random sample of the {} searches the force recorded in the period.",
            report.population
        );
    }
    format!(
        "The searches reviewed are a random sample: {} of the {} searches the force recorded in the period ({}).",
        o.assessed + o.insufficient_info,
        report.population,
        share(Some(report.population), o)
    )
}

pub(super) fn no_comparison(report: &Report) -> String {
    let white_suppressed = report
        .groups
        .iter()
        .any(|g| g.group == "White" && g.estimate.suppressed);
    if report.public && (report.minority.suppressed || white_suppressed) {
        "Left out of this public report: one side of the comparison is suppressed.".into()
    } else {
        "No comparison: no searches of people from minority ethnic groups, or none of White people, were assessed in the period.".into()
    }
}

/// A stored vocabulary value in words short enough for a chart label:
/// `professional_standards` → "Professional standards".
pub(super) fn words(value: &str) -> String {
    let known = match value {
        "reasonable" => "Reasonable grounds",
        "not_reasonable" => "Grounds not reasonable",
        "none_recorded" => "No grounds recorded",
        "insufficient_info" => "Insufficient information",
        "reviewed" => "Footage reviewed",
        "not_available" => "No footage available",
        "not_reviewed" => "Footage not reviewed",
        "yes" => "Explained",
        "partial" => "Partly explained",
        "no" => "Not explained",
        "not_visible" => "Not visible or audible",
        "good" => "Good",
        "adequate" => "Adequate",
        "concern" => "Cause for concern",
        "none" => "No referral",
        "feedback" => "Feedback to officer",
        "supervisor" => "Supervisor",
        "professional_standards" => "Professional standards",
        other => return other.replace('_', " "),
    };
    known.to_string()
}

/// The command a panel member runs; file names quoted for a POSIX shell.
pub(super) fn verify_command<'a>(month: &str, files: impl Iterator<Item = &'a str>) -> String {
    let mut command = format!(
        "grounds verify {} --export",
        shell_quote(&format!("worksheets/{month}/manifest.json"))
    );
    for file in files {
        command.push(' ');
        command.push_str(&shell_quote(file));
    }
    command
}

pub(super) fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/-+=:,@".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

pub(super) fn interval_method(report: &Report) -> String {
    let level = level(report.confidence);
    let why = match report.method.as_str() {
        "wilson" => " (Brown, Cai and DasGupta 2001): it behaves well with small samples and with percentages near 100%, where the simple textbook (Wald) interval is too narrow",
        "normal" => ": the simple textbook interval, which is too narrow with small samples and percentages near 100%",
        _ => "",
    };
    format!(
        "Every percentage comes with a {level} {} interval{why}. Each interval is built at the estimate's effective size, so it allows for the weights and for the share of each pool reviewed. Differences between two groups use Newcombe's hybrid score interval, with Fisher's exact test alongside when every search weighs the same and the design-based Wald test otherwise.",
        report.method_label
    )
}

pub(super) fn caveats(report: &Report) -> Vec<String> {
    let mut caveats = vec![
        format!(
            "Each champion reviews about 20 searches a month, so a month's figure rests on a few dozen searches, and a group's often on fewer: their intervals are wide. Figures resting on fewer than {} assessed searches are marked \"too few to judge\": read them as examples, not as rates.",
            report.too_few_below
        ),
        "Searches the reviewer could not judge (insufficient information) are shown, but never counted in the percentages: they neither raise nor lower them.".into(),
        "When the interval for a difference between two groups includes zero, the searches reviewed do not show a difference; that is not proof that there is none. When it excludes zero, it is a reason to look closer, not a measure of how large the gap is.".into(),
        "From one month to the next the percentage moves by chance alone, usually within the intervals: look for changes that last.".into(),
        "A sampled search that cannot be reviewed is replaced by the next reserve drawn for that champion, never by one chosen by hand. Searches replaced because footage was missing may differ from the rest; how many were replaced is shown under Body-worn video.".into(),
        "The review judges the record and the footage of each search; it is a judgement by a trained colleague, not a finding of misconduct.".into(),
    ];
    if report.public {
        let k = report.suppressed_below.unwrap_or(0);
        caveats.push(format!(
            "In this public report, figures resting on 1 to {} searches are suppressed{}, and so are a few larger ones that would otherwise let a reader work a suppressed figure out (by subtraction from a total and the other rows, or because the rows left over would all have had reasonable grounds, or none). Suppressed figures read \"suppressed\"; charts leave them out and say so. Champion names, reviewers' notes, learning themes and unrecognised ethnicity values are not included.",
            k.saturating_sub(1),
            agreement_exception(report, k)
        ));
    }
    caveats
}

/// What the share reviewed says: "similar" only when the draw was blind to
/// ethnicity and to area, so every group had the same chance.
pub(super) fn share_sentence(report: &Report) -> String {
    let blind = !report.design.area_pools
        && report.design.strata.iter().all(|s| s.group == "all")
        && report
            .design
            .strata
            .iter()
            .map(|s| &s.month)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
            <= 1;
    if blind {
        "The share reviewed shows how well the sample covers each group. The draw does not look at ethnicity, so the shares should be similar; the differences between them are chance.".into()
    } else {
        "The share reviewed shows how well the sample covers each group. In this period searches were sampled at different rates (by area, month or group), so the shares differ by design; the weights in the figures make up for it.".into()
    }
}

/// "Never their own searches" only when every draw could tell.
pub(super) fn own_searches_sentence(report: &Report) -> String {
    if report.design.officer_excluded {
        "A champion is never given their own searches.".into()
    } else {
        "The export named no officer for each search, so the draw could not keep champions from their own searches; a champion who meets one says so and it is replaced by a reserve.".into()
    }
}

/// How the weights work, in plain English.
pub(super) fn weights_paragraphs(report: &Report) -> Vec<String> {
    let d = &report.design;
    let mut out = vec![weighted_sentence(&d.weighted_because)];
    if !d.self_weighting {
        out.push("An example: if one area had 900 searches and 20 were reviewed, each of those stands for 45 searches; if another had 60 searches and 20 were reviewed, each stands for 3. A figure for the force adds the first area's reviews 15 times as heavily as the second's, as the searches themselves are. Without the weights, the small area would count as much as the large one.".into());
        out.push("Weights cost precision: the effective number of searches (shown as effective n in the data) is how many searches of a simple random sample the weighted figure is worth, and the intervals are built from it.".into());
    }
    out.push("Each interval also allows for the share of a pool that was reviewed: reviewing 20 of 40 searches tells more about those 40 than 20 of 4,000 (the finite population correction).".into());
    out.push(MINORITY_DEFINITION.into());
    if d.no_suspicion_dealt > 0 || report.overall.not_required.unwrap_or(0) > 0 {
        out.push("Searches under powers that need no reasonable grounds (section 60 of the Criminal Justice and Public Order Act 1994, section 47A of the Terrorism Act 2000) are reviewed for conduct but counted apart: they are in no reasonable-grounds percentage.".into());
    }
    if d.coverage_gap > 0 {
        out.push(format!("{} searches could not be given to any champion (for example the only champion of an area was the officer): the figures do not speak for them.", d.coverage_gap));
    }
    if !d.strata_from_snapshot.is_empty() {
        out.push(format!("For {} the draw predates stored strata, so the strata were computed from the stored snapshot: one pool per area as the manifest sizes it, or else one pool for the month of all its searches.", d.strata_from_snapshot.join(", ")));
    }
    out
}
