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
//! - **Working back.** More estimates are suppressed until no suppressed one
//!   can be worked out from what is shown — by subtraction in any sum, from
//!   the rows left over being all reasonable or none, or from bounds: see
//!   [`cells`] for the rules and what they deliberately leave open. A row
//!   suppressed this way may be large: renderers say "suppressed", never "<k".
//! - **Counts of findings** (body-worn video, GOWISELY, conduct, referrals)
//!   are suppressed when 1 to k−1, as the issue asks: "1 referral to
//!   professional standards" can point at one officer. Each kind adds up to
//!   the searches reviewed, which are published, so a complement is
//!   suppressed as for estimates.
//! - **Verdict counts** are the parts of the overall rate, which the headline
//!   states in words: they are suppressed exactly when the overall figure is.
//! - **Derived figures.** The comparison of minority ethnic groups with White
//!   is dropped when either side is suppressed; the share of a suppressed
//!   group's searches that were reviewed is dropped with it.
//! - **Review quality.** The agreement between first and second reviews
//!   is a rate like any other: its figures and its 2x2 table are withheld
//!   (zeroed in memory, `null` in JSON, empty in CSV) when the pairs
//!   compared, or those plus the pairs with insufficient information, are 1
//!   to k−1, and whenever the overall figure is suppressed (the pairs are
//!   some of its searches) — however many pairs there are. The section's
//!   reading names the rule that withheld it. Published, the table keeps its
//!   cells however small, and its reading says so beside the banner:
//!   observed agreement, kappa and AC1 with the number of pairs give the
//!   four cells back anyway, and a cell counts searches two reviewers
//!   disagreed on, naming no one. The section never holds a name or a
//!   record id.
//! - **Free text never leaves.** Champion names and notes are dropped, and so
//!   are learning themes, see [`make_public`]. Ethnicity values grounds does
//!   not recognise are reported only as how many searches had one.
//! - Suppressed cells are zeroed, not only flagged, so that no output format
//!   can print them by mistake.
//! - Kept: the searched population by group and month (the force publishes
//!   those records itself), the process counts (searches due, outstanding,
//!   substituted by a reserve) that the NOT FINAL warning and the BWV section
//!   need, and the draws (seeds, manifest and input SHA-256s), which are what
//!   lets the public check the sample.

mod cells;
mod deduce;

use crate::ethnicity::Group;

use super::model::{Count, Report};
use super::quality::Withheld;

/// What replaces the champion's name in a report filtered to one champion.
pub const WITHHELD_NAME: &str = "(name withheld)";

/// What stands for the ethnicity values grounds does not recognise in a
/// public report: the values are whatever an officer typed, which can be a
/// name or an address.
pub const UNRECOGNISED_WITHHELD: &str = "(values withheld)";

/// Turns `report` into a public report: suppresses every cell resting on 1
/// to `suppress_below − 1` searches (and the cells that would reveal them),
/// and drops champion names, reviewers' notes and every other text a person
/// typed. Idempotent.
///
/// Learning themes are dropped, not filtered through a fixed vocabulary:
/// grounds has no vocabulary of themes (reviewers type tags, and the
/// worksheets and `record` take any text), so a list here would be invented,
/// would publish only the tags that happen to be spelt its way (a reader
/// could not tell "0" from "spelt differently"), and would still have to be
/// kept in step with what forces tag. The internal report keeps them.
pub fn make_public(report: &mut Report, suppress_below: u64) {
    report.public = true;
    report.suppressed_below = Some(suppress_below);
    report.by_champion.clear();
    report.notes.clear();
    report.breakdowns.themes.clear();
    if report.champion.is_some() {
        report.champion = Some(WITHHELD_NAME.to_string());
    }
    let k = suppress_below;
    let small = |n: u64| n >= 1 && n < k;
    let protected = k.max(1);

    cells::withhold_estimates(report, k);
    withhold_unrecognised(report, k);
    let overall_suppressed = report.overall.suppressed;
    if let Some(quality) = &mut report.agreement {
        let rests_on = [quality.pairs, quality.pairs + quality.insufficient_info];
        if !quality.suppressed {
            if overall_suppressed {
                quality.suppress(Withheld::OverallSuppressed);
            } else if rests_on.into_iter().any(small) {
                quality.suppress(Withheld::FewPairs { below: k });
            } else {
                quality.note_small_cells_published(k);
            }
        }
    }
    // How many reviewed searches of each ethnic group were under a
    // no-suspicion power: small counts of people, and no grounds rate to
    // protect them by, so withheld (the overall count stays, as the process
    // counts do).
    if k > 1 {
        for estimate in report
            .groups
            .iter_mut()
            .map(|g| &mut g.estimate)
            .chain(std::iter::once(&mut report.minority))
        {
            estimate.not_required = None;
        }
    }

    let b = &mut report.breakdowns;
    for count in &mut b.verdicts {
        // Zeros too: "0 reasonable" is the rate of a suppressed figure.
        if overall_suppressed {
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
        while let Some(index) = count_complement(&sizes, &flags, k) {
            flags[index] = true;
        }
        for (count, suppressed) in partition.iter_mut().zip(flags) {
            if suppressed {
                suppress_count(count);
            }
        }
    }
}

/// The unrecognised ethnicity values become one count, of searches. It is a
/// lower bound on the Not stated row (they are counted there), so it goes
/// when that row is suppressed, and like any count when it is 1 to k−1.
fn withhold_unrecognised(report: &mut Report, k: u64) {
    if report.unrecognised_ethnicity.is_empty() {
        return;
    }
    let total: u64 = report.unrecognised_ethnicity.iter().map(|c| c.count).sum();
    let already = report.unrecognised_ethnicity.iter().any(|c| c.suppressed);
    let not_stated_suppressed = report
        .groups
        .iter()
        .any(|g| g.group == Group::NotStated.label() && g.estimate.suppressed);
    let mut count = Count {
        value: UNRECOGNISED_WITHHELD.to_string(),
        count: total,
        suppressed: false,
    };
    if already || not_stated_suppressed || (total >= 1 && total < k) {
        suppress_count(&mut count);
    }
    report.unrecognised_ethnicity = vec![count];
}

fn suppress_count(count: &mut Count) {
    count.count = 0;
    count.suppressed = true;
}

/// The next count to suppress in a partition of the searches reviewed (a
/// published total), or `None` when what its suppressed counts add up to
/// gives nothing away: none of them, or two or more holding together `k` or
/// more (and more than one each, or each would be one). The complement is
/// the smallest non-empty count still shown: the least information lost.
///
/// When no non-empty count is left to suppress, the zeros go too: with every
/// count of a kind suppressed, "suppressed" no longer tells a reader that a
/// count is at least one (three kinds holding three searches would
/// otherwise be one each).
fn count_complement(sizes: &[u64], flags: &[bool], k: u64) -> Option<usize> {
    if flags.iter().all(|&f| f) {
        return None;
    }
    let hidden: Vec<u64> = (0..sizes.len())
        .filter(|&i| flags[i] && sizes[i] > 0)
        .map(|i| sizes[i])
        .collect();
    let hidden_size: u64 = hidden.iter().sum();
    let safe = hidden.is_empty()
        || (hidden.len() >= 2 && hidden_size >= k && hidden_size > hidden.len() as u64);
    if safe {
        return None;
    }
    (0..sizes.len())
        .filter(|&i| !flags[i])
        .min_by_key(|&i| (sizes[i] == 0, sizes[i]))
}

#[cfg(test)]
mod attack_tests;
#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod random_reports;
#[cfg(test)]
mod text_tests;

#[cfg(test)]
mod tests {
    use super::fixtures::report;
    use super::*;
    use crate::report::model::Estimate;

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
            // The design-based fields would give the size away (n*, and
            // the standard error with the rate): they go too.
            assert_eq!(
                (
                    e.standard_error,
                    e.effective_n,
                    e.design_effect,
                    e.weighted,
                    e.not_required
                ),
                (None, None, None, false, None),
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
        // Mixed and Other were all reasonable: minority − Black − Asian
        // would still say both are 100%. Asian, the smaller group with a
        // search that was not, goes too.
        assert!(group(&r, "Asian").suppressed, "so the rate stays open");
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
        assert!(r.breakdowns.themes.is_empty(), "free text, never published");
        // GOWISELY: only "not visible" (4) is small; "yes" goes with it, or
        // it would be the searches reviewed minus "yes".
        let gowisely = &r.breakdowns.gowisely;
        assert!(count(gowisely, "not_visible").suppressed);
        assert!(count(gowisely, "yes").suppressed);
        assert!(!count(gowisely, "partial").suppressed, "zero is published");

        let mut r = report();
        make_public(&mut r, 2);
        // Supervisor (1) and professional standards (1) together make 2:
        // suppressed alone, each would still have to be 1.
        let referrals = &r.breakdowns.referrals;
        assert!(count(referrals, "supervisor").suppressed);
        assert!(count(referrals, "feedback").suppressed, "the complement");
        assert!(!count(referrals, "none").suppressed);
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
            let mut expected = before.breakdowns.clone();
            expected.themes.clear();
            assert_eq!(r.breakdowns, expected, "themes are free text: dropped");
            assert!(r.by_champion.is_empty() && r.notes.is_empty());
        }
    }

    fn with_second_reviews() -> Report {
        let input = crate::report::tests::second_review_input();
        crate::report::build(&input, &crate::report::tests::options()).unwrap()
    }

    #[test]
    fn agreement_is_published_with_its_table_but_no_names() {
        let before = with_second_reviews();
        let mut r = before.clone();
        make_public(&mut r, 10);
        // 89 pairs: nothing withheld; cells of 4 and 6 are published, and
        // the reading says why under a banner that suppresses 1 to 9.
        let (mut published, mut private) = (
            r.agreement.clone().unwrap(),
            before.agreement.clone().unwrap(),
        );
        assert!(
            published
                .reading
                .contains("published even when they are 1 to 9"),
            "{}",
            published.reading
        );
        assert!(published.reading.starts_with(&private.reading));
        (published.reading, private.reading) = (String::new(), String::new());
        assert_eq!(published, private, "89 pairs: nothing to withhold");
        // And the banner makes the exception it describes.
        let banner = crate::report::render::public_note(&r).unwrap();
        assert!(
            banner.contains("suppressed (except the review quality table's cells"),
            "{banner}"
        );
        let mut large = with_second_reviews();
        make_public(&mut large, 4);
        let banner = crate::report::render::public_note(&large).unwrap();
        assert!(!banner.contains("except"), "no cell of 1 to 3: {banner}");
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.contains("\"agreement\""));
        for name in ["Hartley", "Okafor", "Patel", "h0000"] {
            assert!(!json.contains(name), "{name}: {json}");
        }
    }

    #[test]
    fn agreement_on_too_few_pairs_is_withheld_and_zeroed() {
        for k in [90, 93] {
            // 89 pairs, 92 with the 3 with insufficient information.
            let mut r = with_second_reviews();
            make_public(&mut r, k);
            let q = r.agreement.as_ref().unwrap();
            assert!(q.suppressed, "k = {k}");
            assert_eq!((q.pairs, q.observed, q.kappa, q.ac1), (0, None, None, None));
            assert_eq!(q.table, crate::stats::PairTable::default());
            assert!(
                q.reading.contains(&format!("number 1 to {}", k - 1)),
                "the rule that withheld it: {}",
                q.reading
            );
            let json = serde_json::to_value(q).unwrap();
            assert!(json["pairs"].is_null() && json["table"].is_null(), "{json}");
            assert!(json["no_suspicion"].is_null() && json["few_pairs"].is_null());
            assert_eq!(
                (q.second_reviews, q.awaiting),
                (95, 3),
                "process counts stay"
            );
        }
        let mut r = with_second_reviews();
        make_public(&mut r, 1000);
        assert!(r.overall.suppressed);
        let q = r.agreement.as_ref().unwrap();
        assert!(q.suppressed, "with the overall figure");
        assert!(
            q.reading.contains("overall figure is suppressed"),
            "not \"too few pairs\": {}",
            q.reading
        );
        let mut again = r.clone();
        make_public(&mut again, 1000);
        assert_eq!(again, r, "idempotent");
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
