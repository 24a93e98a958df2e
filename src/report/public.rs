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
//!   findings to the searches reviewed) give back by subtraction what their
//!   suppressed rows add up to. So more rows are suppressed (complementary
//!   suppression: the smallest non-empty row still shown, to lose least)
//!   until, in every such sum, the suppressed rows are none, or at least two
//!   resting together on k searches or more; and a suppressed total always
//!   has a suppressed row under it. A row suppressed this way may be large:
//!   renderers say "suppressed", never "<k".
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
    let k = suppress_below;
    let small = |n: u64| n >= 1 && n < k;

    // Decide on the true sizes first, zero afterwards: protecting a sum needs
    // the sizes of the cells already suppressed. A cell suppressed by an
    // earlier call has lost its size; it was protected then, so it counts as k.
    let protected = k.max(1);
    let sizes: Vec<u64> = estimates_mut(report)
        .map(|e| if e.suppressed { protected } else { reviewed(e) })
        .collect();
    let mut flags: Vec<bool> = estimates_mut(report)
        .map(|e| e.suppressed || small(e.assessed) || small(reviewed(e)))
        .collect();
    let sums = estimate_sums(report);
    while let Some(index) = sums
        .iter()
        .find_map(|(total, terms)| complement(*total, terms, &sizes, &flags, k))
    {
        flags[index] = true;
    }
    for (estimate, suppressed) in estimates_mut(report).zip(flags) {
        if suppressed {
            suppress(estimate);
        }
    }
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
        // Each partition adds up to the searches reviewed, which are published.
        let sizes: Vec<u64> = partition
            .iter()
            .map(|c| if c.suppressed { protected } else { c.count })
            .collect();
        let mut flags: Vec<bool> = partition
            .iter()
            .map(|c| c.suppressed || small(c.count))
            .collect();
        let terms: Vec<usize> = (0..partition.len()).collect();
        while let Some(index) = complement(None, &terms, &sizes, &flags, k) {
            flags[index] = true;
        }
        for (count, suppressed) in partition.iter_mut().zip(flags) {
            if suppressed {
                suppress_count(count);
            }
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

/// Every estimate, in a fixed order that [`estimate_sums`] indexes.
fn estimates_mut(report: &mut Report) -> impl Iterator<Item = &mut Estimate> {
    std::iter::once(&mut report.overall)
        .chain(std::iter::once(&mut report.minority))
        .chain(report.groups.iter_mut().map(|g| &mut g.estimate))
        .chain(report.by_month.iter_mut().map(|m| &mut m.estimate))
        .chain(report.by_legislation.iter_mut().map(|v| &mut v.estimate))
        .chain(report.by_object.iter_mut().map(|v| &mut v.estimate))
}

/// The sums a reader could subtract in, as (total, terms), by index into
/// [`estimates_mut`]: the total is the overall figure (index 0) or minority
/// ethnic (index 1).
fn estimate_sums(report: &Report) -> Vec<(Option<usize>, Vec<usize>)> {
    let groups = 2..2 + report.groups.len();
    let months = groups.end..groups.end + report.by_month.len();
    let legislation = months.end..months.end + report.by_legislation.len();
    let objects = legislation.end..legislation.end + report.by_object.len();
    let minority_group = |i: &usize| {
        let label = &report.groups[i - 2].group;
        Group::ALL
            .iter()
            .any(|g| g.is_minority() == Some(true) && g.label() == label)
    };
    let mut top: Vec<usize> = vec![1];
    top.extend(groups.clone().filter(|i| !minority_group(i)));
    vec![
        // Minority ethnic = the groups Group::is_minority says belong to it.
        (Some(1), groups.clone().filter(minority_group).collect()),
        // Overall = White + Not stated + minority ethnic.
        (Some(0), top),
        // Overall = every group; and the other ways of splitting it.
        (Some(0), groups.collect()),
        (Some(0), months.collect()),
        (Some(0), legislation.collect()),
        (Some(0), objects.collect()),
    ]
}

/// The next term to suppress so that `terms` (adding up to `total`, `None`
/// when the total is always published) give nothing small away, or `None`
/// when they are safe. With the total published, what the suppressed terms
/// add up to can be worked out: so there must be none of them, or at least
/// two adding up to `k` or more. With the total suppressed, at least one term
/// must be too, or the terms would add up to it. The complement is the
/// smallest non-empty term still shown: the least information lost.
fn complement(
    total: Option<usize>,
    terms: &[usize],
    sizes: &[u64],
    flags: &[bool],
    k: u64,
) -> Option<usize> {
    let hidden: Vec<usize> = terms.iter().copied().filter(|&i| flags[i]).collect();
    let hidden_size: u64 = hidden.iter().map(|&i| sizes[i]).sum();
    let unsafe_sum = match total {
        Some(t) if flags[t] => hidden.is_empty(),
        _ => !hidden.is_empty() && (hidden.len() == 1 || hidden_size < k),
    };
    if !unsafe_sum {
        return None;
    }
    terms
        .iter()
        .copied()
        .filter(|&i| !flags[i] && sizes[i] > 0)
        .min_by_key(|&i| sizes[i])
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
    fn no_sum_gives_a_small_cell_away() {
        fn groups<'a>(r: &'a Report, pick: &dyn Fn(usize) -> bool) -> Vec<&'a Estimate> {
            (0..6)
                .filter(|&i| pick(i))
                .map(|i| &r.groups[i].estimate)
                .collect()
        }
        let before = report();
        let size = |e: &Estimate| e.assessed + e.insufficient_info;
        for k in 0..=60 {
            let mut r = report();
            make_public(&mut r, k);
            // (total suppressed, [(term suppressed, term's true size)]).
            let terms = |after: Vec<&Estimate>, before: Vec<&Estimate>| -> Vec<(bool, u64)> {
                after
                    .iter()
                    .zip(before)
                    .map(|(a, b)| (a.suppressed, size(b)))
                    .collect()
            };

            let counts = |after: &[Count], before: &[Count]| -> Vec<(bool, u64)> {
                after
                    .iter()
                    .zip(before)
                    .map(|(a, b)| (a.suppressed, b.count))
                    .collect()
            };
            let minority = |i: usize| (1..5).contains(&i);
            let mut top = groups(&r, &|i| !minority(i));
            top.push(&r.minority);
            let mut top_before = groups(&before, &|i| !minority(i));
            top_before.push(&before.minority);
            let sums: Vec<(bool, Vec<(bool, u64)>)> = vec![
                (
                    r.minority.suppressed,
                    terms(groups(&r, &minority), groups(&before, &minority)),
                ),
                (r.overall.suppressed, terms(top, top_before)),
                (
                    r.overall.suppressed,
                    terms(groups(&r, &|_| true), groups(&before, &|_| true)),
                ),
                (
                    r.overall.suppressed,
                    terms(
                        r.by_month.iter().map(|m| &m.estimate).collect(),
                        before.by_month.iter().map(|m| &m.estimate).collect(),
                    ),
                ),
                (false, counts(&r.breakdowns.bwv, &before.breakdowns.bwv)),
                (
                    false,
                    counts(&r.breakdowns.conduct, &before.breakdowns.conduct),
                ),
                (
                    false,
                    counts(&r.breakdowns.referrals, &before.breakdowns.referrals),
                ),
                (
                    false,
                    counts(&r.breakdowns.gowisely, &before.breakdowns.gowisely),
                ),
            ];
            for (total_suppressed, terms) in sums {
                let hidden: Vec<u64> = terms.iter().filter(|t| t.0).map(|t| t.1).collect();
                let shown_nonempty = terms.iter().any(|t| !t.0 && t.1 > 0);
                if total_suppressed {
                    assert!(!hidden.is_empty() || !shown_nonempty, "k = {k}: {terms:?}");
                } else {
                    assert!(
                        hidden.is_empty()
                            || (hidden.len() >= 2 && hidden.iter().sum::<u64>() >= k)
                            || !shown_nonempty,
                        "k = {k}: {terms:?}"
                    );
                }
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
