//! Making a [`Report`] fit to leave the force: small cells suppressed,
//! champion names and reviewers' free text dropped.
//!
//! The rules, and why:
//!
//! - **Rates.** An estimate (a row of the ethnic-group, month, legislation or
//!   object tables, the minority-ethnic row, the overall figure) is
//!   suppressed when it rests on 1 to k−1 searches: assessed searches, or
//!   assessed plus those with insufficient information. A published rate
//!   keeps its parts (reasonable, not reasonable, none recorded, insufficient
//!   information): with its count they can be worked out from the percentage
//!   anyway, and a rate over at least k searches does not point at fewer
//!   than k of them. Suppressing on the parts instead would withhold almost
//!   every good month (18 of 20) and the very figure inspectors publish
//!   ("26 of 28").
//! - **Counts of findings** (body-worn video, GOWISELY, conduct, referrals,
//!   learning themes) are suppressed when 1 to k−1, as the issue asks: "1
//!   referral to professional standards" can point at one officer.
//! - **Verdict counts** are the parts of the overall rate, which the headline
//!   states in words: they are suppressed exactly when the overall figure is.
//! - **Subtraction.** Rows that add up to a published total (the groups to
//!   the overall figure, the minority groups to "minority ethnic", White +
//!   Not stated + minority ethnic to the overall figure, the months,
//!   legislation and object rows to the overall figure, each partition of
//!   findings to the searches reviewed) would give a lone suppressed row back
//!   by subtraction. So whenever exactly one term of such a sum is
//!   suppressed, the smallest other non-empty term is suppressed too
//!   (complementary suppression), repeated until no sum has a single unknown.
//! - **Derived figures.** The comparison of minority ethnic groups with White
//!   is dropped when either side is suppressed; the share of a suppressed
//!   group's searches that were reviewed is dropped with it.
//! - Suppressed cells are zeroed, not only flagged, so that no output format
//!   can print them by mistake.
//! - Kept: the searched population by group and month (the force publishes
//!   those records itself), the process counts (searches due, outstanding,
//!   substituted by a reserve) that the NOT FINAL warning and the BWV section
//!   need, and the draws (seeds, manifest and input SHA-256s), which are what
//!   lets the public check the sample.

use crate::ethnicity::Group;

use super::model::{Count, Estimate, Report};

/// What replaces the champion's name in a report filtered to one champion.
pub const WITHHELD_NAME: &str = "(name withheld)";

/// Turns `report` into a public report: suppresses every cell resting on 1
/// to `suppress_below − 1` searches (and the cells that would reveal them by
/// subtraction), and drops champion names and reviewers' notes. Idempotent.
pub fn make_public(report: &mut Report, suppress_below: u64) {
    report.public = true;
    report.suppressed_below = Some(suppress_below);
    report.by_champion.clear();
    report.notes.clear();
    if report.champion.is_some() {
        report.champion = Some(WITHHELD_NAME.to_string());
    }
    let small = |n: u64| n >= 1 && n < suppress_below;

    // Primary suppression of rates.
    for estimate in estimates_mut(report) {
        if small(estimate.assessed) || small(reviewed(estimate)) {
            suppress(estimate);
        }
    }
    complement_estimates(report);
    if report
        .groups
        .iter()
        .any(|g| g.estimate.suppressed && g.group == Group::White.label())
        || report.minority.suppressed
    {
        report.comparison = None;
    }
    for group in &mut report.groups {
        if group.estimate.suppressed {
            group.reviewed_share = None;
        }
    }

    let overall_suppressed = report.overall.suppressed;
    let b = &mut report.breakdowns;
    for count in &mut b.verdicts {
        if overall_suppressed && count.count > 0 {
            suppress_count(count);
        }
    }
    for partition in [
        &mut b.bwv,
        &mut b.gowisely,
        &mut b.conduct,
        &mut b.referrals,
    ] {
        for count in partition.iter_mut() {
            if small(count.count) {
                suppress_count(count);
            }
        }
        // Each partition adds up to the searches reviewed, which are published.
        while let Some(index) = complement_index(partition.iter().map(|c| (c.suppressed, c.count)))
        {
            suppress_count(&mut partition[index]);
        }
    }
    // Themes overlap (a search can have several): no total to subtract from.
    for count in &mut b.themes {
        if small(count.count) {
            suppress_count(count);
        }
    }
}

fn reviewed(estimate: &Estimate) -> u64 {
    estimate.assessed + estimate.insufficient_info
}

fn suppress(estimate: &mut Estimate) {
    *estimate = Estimate {
        assessed: 0,
        reasonable: 0,
        not_reasonable: 0,
        none_recorded: 0,
        insufficient_info: 0,
        proportion: None,
        lower: None,
        upper: None,
        too_few: false,
        fpc: false,
        suppressed: true,
    };
}

fn suppress_count(count: &mut Count) {
    count.count = 0;
    count.suppressed = true;
}

fn estimates_mut(report: &mut Report) -> impl Iterator<Item = &mut Estimate> {
    std::iter::once(&mut report.overall)
        .chain(std::iter::once(&mut report.minority))
        .chain(report.groups.iter_mut().map(|g| &mut g.estimate))
        .chain(report.by_month.iter_mut().map(|m| &mut m.estimate))
        .chain(report.by_legislation.iter_mut().map(|v| &mut v.estimate))
        .chain(report.by_object.iter_mut().map(|v| &mut v.estimate))
}

/// Given the terms of one sum whose total is published, as (suppressed,
/// size), the term to suppress next: when exactly one term is suppressed, the
/// smallest other non-empty one. `None` when the sum hides nothing alone.
fn complement_index(terms: impl Iterator<Item = (bool, u64)>) -> Option<usize> {
    let terms: Vec<(bool, u64)> = terms.collect();
    if terms.iter().filter(|(suppressed, _)| *suppressed).count() != 1 {
        return None;
    }
    terms
        .iter()
        .enumerate()
        .filter(|(_, (suppressed, size))| !suppressed && *size > 0)
        .min_by_key(|(_, (_, size))| *size)
        .map(|(index, _)| index)
}

/// Complementary suppression over every sum of estimates the report shows,
/// until none has a single suppressed term.
fn complement_estimates(report: &mut Report) {
    let is_minority = |label: &str| matches!(label, "Black" | "Asian" | "Mixed" | "Other");
    loop {
        let mut changed = false;

        // Minority ethnic = Black + Asian + Mixed + Other. The total is a
        // term too: suppressed alone, the groups would add back up to it.
        let mut terms: Vec<&mut Estimate> = vec![&mut report.minority];
        terms.extend(
            report
                .groups
                .iter_mut()
                .filter(|g| is_minority(&g.group))
                .map(|g| &mut g.estimate),
        );
        // The total may only be the one suppressed term, never the complement.
        changed |= complement_in(&mut terms[..], 1);

        // Overall = White + Not stated + minority ethnic.
        let mut terms: Vec<&mut Estimate> = vec![&mut report.minority];
        terms.extend(
            report
                .groups
                .iter_mut()
                .filter(|g| !is_minority(&g.group))
                .map(|g| &mut g.estimate),
        );
        changed |= complement_in(&mut terms[..], 0);

        // Overall = every group; and the other ways of splitting it.
        let mut terms: Vec<&mut Estimate> =
            report.groups.iter_mut().map(|g| &mut g.estimate).collect();
        changed |= complement_in(&mut terms[..], 0);
        let mut terms: Vec<&mut Estimate> = report
            .by_month
            .iter_mut()
            .map(|m| &mut m.estimate)
            .collect();
        changed |= complement_in(&mut terms[..], 0);
        let mut terms: Vec<&mut Estimate> = report
            .by_legislation
            .iter_mut()
            .map(|v| &mut v.estimate)
            .collect();
        changed |= complement_in(&mut terms[..], 0);
        let mut terms: Vec<&mut Estimate> = report
            .by_object
            .iter_mut()
            .map(|v| &mut v.estimate)
            .collect();
        changed |= complement_in(&mut terms[..], 0);

        if !changed {
            break;
        }
    }
}

/// One step of complementary suppression on a sum; terms before `first` are
/// never chosen as the complement. Returns whether it suppressed anything.
fn complement_in(terms: &mut [&mut Estimate], first: usize) -> bool {
    let index = complement_index(
        terms
            .iter()
            .enumerate()
            // A term that may not be chosen still counts when suppressed,
            // and looks empty to the chooser otherwise.
            .map(|(i, e)| (e.suppressed, if i < first { 0 } else { reviewed(e) })),
    );
    match index {
        Some(index) => {
            suppress(terms[index]);
            true
        }
        None => false,
    }
}

#[cfg(test)]
pub(crate) mod fixtures;

#[cfg(test)]
mod tests {
    use super::fixtures::report;
    use super::*;

    fn group<'a>(report: &'a Report, label: &str) -> &'a Estimate {
        &report
            .groups
            .iter()
            .find(|g| g.group == label)
            .expect("a group row")
            .estimate
    }

    fn count<'a>(counts: &'a [Count], value: &str) -> &'a Count {
        counts.iter().find(|c| c.value == value).expect("a count")
    }

    #[test]
    fn the_fixture_has_the_counts_the_tests_rely_on() {
        let r = report();
        assert_eq!(r.overall.assessed, 92);
        assert_eq!(r.overall.insufficient_info, 2);
        assert_eq!(group(&r, "Mixed").assessed, 3);
        assert_eq!(group(&r, "Other").assessed, 1);
        assert_eq!(group(&r, "Asian").assessed, 9);
        assert_eq!(group(&r, "Not stated").assessed, 8);
        assert_eq!(r.minority.assessed, 25);
        assert_eq!(
            count(&r.breakdowns.referrals, "professional_standards").count,
            1
        );
        assert!(!r.by_champion.is_empty() && !r.notes.is_empty());
    }

    #[test]
    fn small_groups_are_suppressed_and_zeroed() {
        let mut r = report();
        make_public(&mut r, 5);
        assert!(r.public);
        assert_eq!(r.suppressed_below, Some(5));
        for label in ["Mixed", "Other"] {
            let e = group(&r, label);
            assert!(e.suppressed, "{label}");
            assert_eq!(
                (e.assessed, e.reasonable, e.proportion, e.lower, e.upper),
                (0, 0, None, None, None),
                "{label}"
            );
        }
        let white = group(&r, "White");
        assert!(!white.suppressed);
        assert_eq!(white.assessed, 59);
    }

    #[test]
    fn a_lone_suppressed_group_gets_a_complement_so_it_cannot_be_subtracted_back() {
        let mut r = report();
        // Only Other (1) is below 2: alone among the minority groups, it
        // would be minority − Black − Asian − Mixed.
        make_public(&mut r, 2);
        assert!(group(&r, "Other").suppressed);
        assert!(
            group(&r, "Mixed").suppressed,
            "the smallest other minority group"
        );
        assert!(!group(&r, "Asian").suppressed);
        assert!(!group(&r, "Black").suppressed);
        assert!(!r.minority.suppressed);
        assert!(
            r.comparison.is_some(),
            "White and minority ethnic are published"
        );
    }

    #[test]
    fn no_sum_is_left_with_a_single_suppressed_term() {
        for k in 0..=30 {
            let mut r = report();
            make_public(&mut r, k);
            let sums: Vec<Vec<bool>> = vec![
                r.groups.iter().map(|g| g.estimate.suppressed).collect(),
                r.by_month.iter().map(|m| m.estimate.suppressed).collect(),
                r.by_legislation
                    .iter()
                    .map(|v| v.estimate.suppressed)
                    .collect(),
                std::iter::once(r.minority.suppressed)
                    .chain(r.groups[1..5].iter().map(|g| g.estimate.suppressed))
                    .collect(),
                vec![
                    r.minority.suppressed,
                    r.groups[0].estimate.suppressed,
                    r.groups[5].estimate.suppressed,
                ],
                r.breakdowns.bwv.iter().map(|c| c.suppressed).collect(),
                r.breakdowns.conduct.iter().map(|c| c.suppressed).collect(),
                r.breakdowns
                    .referrals
                    .iter()
                    .map(|c| c.suppressed)
                    .collect(),
                r.breakdowns.gowisely.iter().map(|c| c.suppressed).collect(),
            ];
            if r.overall.suppressed {
                continue;
            }
            for terms in sums {
                assert_ne!(
                    terms.iter().filter(|s| **s).count(),
                    1,
                    "k = {k}: {terms:?}"
                );
            }
        }
    }

    #[test]
    fn months_that_would_reveal_each_other_are_both_suppressed() {
        let mut r = report();
        // 2019-01 has 49 assessed, 2019-02 has 43: a threshold of 45
        // suppresses February, and January must go with it.
        make_public(&mut r, 45);
        assert!(r.by_month.iter().all(|m| m.estimate.suppressed));
        assert!(!r.overall.suppressed);
    }

    #[test]
    fn the_comparison_goes_when_minority_ethnic_is_suppressed() {
        let mut r = report();
        make_public(&mut r, 30);
        assert!(r.minority.suppressed);
        assert!(r.comparison.is_none());
        let mut r = report();
        make_public(&mut r, 5);
        assert!(r.comparison.is_some());
    }

    #[test]
    fn names_and_notes_never_leave() {
        let mut r = report();
        r.champion = Some("Sgt Ben <Hartley>".into());
        make_public(&mut r, 5);
        assert!(r.by_champion.is_empty());
        assert!(r.notes.is_empty());
        assert_eq!(r.champion.as_deref(), Some(WITHHELD_NAME));
        let json = serde_json::to_string(&r).unwrap();
        assert!(
            !json.contains("Hartley") && !json.contains("Okafor"),
            "{json}"
        );
        assert!(!json.contains("script"), "{json}");
    }

    #[test]
    fn small_counts_of_findings_are_suppressed_with_a_complement() {
        let mut r = report();
        make_public(&mut r, 5);
        let referrals = &r.breakdowns.referrals;
        for value in ["feedback", "supervisor", "professional_standards"] {
            let c = count(referrals, value);
            assert!(c.suppressed && c.count == 0, "{value}");
        }
        assert_eq!(count(referrals, "none").count, 89);
        assert!(r.breakdowns.themes.iter().all(|t| t.suppressed));
        // GOWISELY: only "not visible" (4) is small; "yes" goes with it, or
        // it would be the searches reviewed minus "yes".
        let gowisely = &r.breakdowns.gowisely;
        assert!(count(gowisely, "not_visible").suppressed);
        assert!(count(gowisely, "yes").suppressed);
        assert!(!count(gowisely, "partial").suppressed, "zero is published");

        let mut r = report();
        make_public(&mut r, 2);
        assert!(!count(&r.breakdowns.referrals, "feedback").suppressed);
        let themes = &r.breakdowns.themes;
        assert!(
            themes.iter().all(|t| !t.suppressed),
            "both themes have 2 or more"
        );
    }

    #[test]
    fn verdicts_follow_the_overall_figure() {
        let mut r = report();
        make_public(&mut r, 5);
        assert!(r.breakdowns.verdicts.iter().all(|c| !c.suppressed));
        let mut r = report();
        make_public(&mut r, 1000);
        assert!(r.overall.suppressed);
        assert!(r
            .breakdowns
            .verdicts
            .iter()
            .all(|c| c.suppressed && c.count == 0));
    }

    #[test]
    fn a_threshold_of_one_or_less_suppresses_nothing_but_still_drops_names() {
        for k in [0, 1] {
            let mut r = report();
            let before = r.clone();
            make_public(&mut r, k);
            assert_eq!(r.groups, before.groups);
            assert_eq!(r.breakdowns, before.breakdowns);
            assert!(r.by_champion.is_empty() && r.notes.is_empty());
        }
    }

    #[test]
    fn making_public_twice_changes_nothing_more() {
        let mut once = report();
        make_public(&mut once, 5);
        let mut twice = once.clone();
        make_public(&mut twice, 5);
        assert_eq!(once, twice);
    }
}
