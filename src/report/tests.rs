//! The report built from a fixed, hand-made workspace content (no database):
//! the published inspection's figures, and snapshots of every text format.

use super::model::Report;
use super::{build, render, EstimateRules, ReportInput, ReportOptions};
use crate::ethnicity::Scheme;
use crate::stats::Method;
use crate::store::{AssessedSearch, ChampionProgress, DrawRecord, MonthPopulation};

const MONTHS: [&str; 3] = ["2019-01", "2019-02", "2019-03"];
const CHAMPIONS: [&str; 3] = ["PC Ben Hartley", "PS Ada Okafor", "Sgt Dev Patel"];

/// 184 judged searches, 161 with reasonable grounds: 26 of 28 for minority
/// ethnic groups, 135 of 156 for White; plus 6 with insufficient information.
pub(crate) fn inspection_input() -> ReportInput {
    // (self-defined value, reasonable, not reasonable, none recorded, insufficient)
    let plan: [(&str, usize, usize, usize, usize); 6] = [
        (
            "White - English/Welsh/Scottish/Northern Irish/British",
            135,
            15,
            6,
            2,
        ),
        (
            "Black/African/Caribbean/Black British - Caribbean",
            11,
            1,
            0,
            0,
        ),
        ("Asian/Asian British - Pakistani", 9, 0, 0, 0),
        (
            "Mixed/Multiple ethnic groups - White and Black Caribbean",
            4,
            0,
            1,
            0,
        ),
        ("Other ethnic group - Any other ethnic group", 2, 0, 0, 0),
        ("Other ethnic group - Not stated", 0, 0, 0, 4),
    ];
    let legislation = [
        "Misuse of Drugs Act 1971 (section 23)",
        "Police and Criminal Evidence Act 1984 (section 1)",
        "",
    ];
    let objects = ["Controlled drugs", "Offensive weapons", "Stolen goods"];
    let mut searches = Vec::new();
    for (value, reasonable, not_reasonable, none, insufficient) in plan {
        for (verdict, count) in [
            ("reasonable", reasonable),
            ("not_reasonable", not_reasonable),
            ("none_recorded", none),
            ("insufficient_info", insufficient),
        ] {
            for _ in 0..count {
                let i = searches.len();
                searches.push(AssessedSearch {
                    month: MONTHS[i % 3].into(),
                    champion: CHAMPIONS[(i / 3) % 3].into(),
                    record_id: format!("h{i:016x}-1"),
                    grounds: verdict,
                    bwv: ["reviewed", "reviewed", "reviewed", "not_available"][i % 4],
                    gowisely: ["yes", "yes", "partial", "no", "not_visible"][i % 5],
                    conduct: ["good", "good", "adequate", "concern"][i % 4],
                    referral: [
                        "none",
                        "none",
                        "none",
                        "feedback",
                        "supervisor",
                        "none",
                        "none",
                        "professional_standards",
                    ][i % 8],
                    themes: match i % 6 {
                        0 => vec!["grounds wording".into()],
                        1 => vec!["GOWISELY".into(), "grounds wording".into()],
                        2 => vec!["BWV not activated".into()],
                        _ => vec![],
                    },
                    notes: if i == 7 {
                        "Grounds copied from another search <script>alert(1)</script>".into()
                    } else {
                        String::new()
                    },
                    self_defined_ethnicity: value.into(),
                    officer_defined_ethnicity: value.split(['/', ' ']).next().unwrap_or("").into(),
                    legislation: legislation[i % 3].into(),
                    object_of_search: objects[i % 3].into(),
                    simulated: false,
                });
            }
        }
    }
    let counts: Vec<(&str, &str, u64)> = MONTHS
        .iter()
        .flat_map(|month| CHAMPIONS.iter().map(move |champion| (*month, *champion)))
        .map(|(month, champion)| {
            let n = searches
                .iter()
                .filter(|s| *s.month == *month && *s.champion == *champion)
                .count() as u64;
            (month, champion, n)
        })
        .collect();
    let judged_in = |month: &str| {
        searches
            .iter()
            .filter(|s| *s.month == *month && s.grounds != "insufficient_info")
            .count() as u64
    };
    ReportInput {
        strata: Vec::new(),
        progress: counts
            .iter()
            .map(|(month, champion, n)| ChampionProgress {
                month: month.to_string(),
                champion: champion.to_string(),
                assigned: *n,
                assessed: *n,
                substituted: u64::from(*champion == CHAMPIONS[0]),
                footage_missing: u64::from(*champion == CHAMPIONS[0] && *month == MONTHS[0]),
                outstanding: 0,
                reserves_left: 4,
            })
            .collect(),
        draws: MONTHS
            .iter()
            .enumerate()
            .map(|(i, month)| DrawRecord {
                month: month.to_string(),
                seed: format!("panel-{month}"),
                created_at: format!("{month}-28T10:00:00Z"),
                manifest_sha256: format!("{:064x}", i + 1),
                // Ten searches in the month for every judged one: the sample
                // is self-weighting, so the figures are the inspection's raw ones.
                month_records: 10 * judged_in(month),
                per_champion: 20,
                inputs: vec![(
                    format!("{month}-kent-stop-and-search.csv"),
                    format!("{:064x}", 100 + i),
                )],
            })
            .collect(),
        populations: MONTHS
            .iter()
            .flat_map(|month| {
                [
                    (
                        "White - English/Welsh/Scottish/Northern Irish/British",
                        1300,
                    ),
                    ("Black/African/Caribbean/Black British - Caribbean", 200),
                    ("Asian/Asian British - Pakistani", 120),
                    (
                        "Mixed/Multiple ethnic groups - White and Black Caribbean",
                        80,
                    ),
                    ("Other ethnic group - Any other ethnic group", 20),
                    ("Other ethnic group - Not stated", 80),
                ]
                .map(|(value, searches)| MonthPopulation {
                    month: month.to_string(),
                    scheme: "self".into(),
                    value: value.into(),
                    searches,
                })
            })
            .collect(),
        searches,
        replaced_draws: Vec::new(),
        review_pairs: Vec::new(),
        simulated: false,
    }
}

pub(crate) fn options() -> ReportOptions {
    ReportOptions {
        from: MONTHS[0].into(),
        to: MONTHS[2].into(),
        champion: None,
        scheme: Scheme::SelfDefined,
        rules: EstimateRules {
            method: Method::Wilson,
            confidence: 0.95,
            too_few_below: 10,
        },
    }
}

pub(crate) fn inspection_report() -> Report {
    build(&inspection_input(), &options()).expect("the fixture builds")
}

#[test]
fn reproduces_the_inspection_figures() {
    let report = inspection_report();
    let overall = &report.overall;
    assert_eq!(
        (
            overall.reasonable,
            overall.assessed,
            overall.insufficient_info
        ),
        (161, 184, 6)
    );
    assert!((overall.proportion.unwrap() - 0.875).abs() < 1e-12);
    assert!(
        (overall.lower.unwrap() - 0.8194).abs() < 5e-5,
        "{:?}",
        overall.lower
    );
    assert!(
        (overall.upper.unwrap() - 0.9152).abs() < 5e-5,
        "{:?}",
        overall.upper
    );
    assert_eq!(
        (report.minority.reasonable, report.minority.assessed),
        (26, 28)
    );
    let comparison = report.comparison.as_ref().unwrap();
    assert_eq!(
        (comparison.x1, comparison.n1, comparison.x2, comparison.n2),
        (26, 28, 135, 156)
    );
    assert!((comparison.difference * 100.0 - 6.3).abs() < 0.05);
    assert!(
        (comparison.lower * 100.0 + 9.8).abs() < 0.05,
        "{}",
        comparison.lower
    );
    assert!(
        (comparison.upper * 100.0 - 14.4).abs() < 0.05,
        "{}",
        comparison.upper
    );
    assert!(
        (comparison.p_fisher.unwrap() - 0.537).abs() < 0.0005,
        "{:?}",
        comparison.p_fisher
    );
    assert!(
        comparison
            .statement
            .contains("not statistically distinguishable from zero")
            && comparison
                .statement
                .contains("not evidence that there is none"),
        "{}",
        comparison.statement
    );
}

#[test]
fn insufficient_info_never_enters_a_denominator() {
    let report = inspection_report();
    let not_stated = report
        .groups
        .iter()
        .find(|g| g.group == "Not stated")
        .unwrap();
    assert_eq!(not_stated.estimate.assessed, 0);
    assert_eq!(not_stated.estimate.insufficient_info, 4);
    assert_eq!(not_stated.estimate.proportion, None);
    let judged: u64 = report.by_month.iter().map(|m| m.estimate.assessed).sum();
    assert_eq!(judged, 184);
}

#[test]
fn small_groups_are_flagged_not_hidden() {
    let report = inspection_report();
    let other = report.groups.iter().find(|g| g.group == "Other").unwrap();
    assert_eq!(other.estimate.assessed, 2);
    assert!(other.estimate.too_few);
    assert_eq!(report.groups.len(), 6, "every group is listed");
    let json = render::json::render(&report);
    assert!(json.contains("\"group\": \"Other\""));
}

#[test]
fn champions_are_alphabetical_never_ranked() {
    let names: Vec<String> = inspection_report()
        .by_champion
        .iter()
        .map(|c| c.champion.clone())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}

#[test]
fn snapshot_table() {
    // Wide enough never to wrap, whatever terminal runs the tests.
    insta::assert_snapshot!(render::table::render_width(
        &inspection_report(),
        Some(1000)
    ));
}

#[test]
fn terminal_tables_fit_the_width_they_are_given() {
    for width in [80u16, 100] {
        let text = render::table::render_width(&inspection_report(), Some(width));
        for line in text.lines() {
            assert!(
                line.chars().count() <= width as usize,
                "{} columns > {width}: {line}",
                line.chars().count()
            );
        }
        // Wrapping loses nothing: every group label is still there in pieces.
        assert!(text.contains("Minority"), "{text}");
    }
}

#[test]
fn snapshot_csv() {
    insta::assert_snapshot!(render::csv::render(&inspection_report()));
}

#[test]
fn snapshot_markdown() {
    insta::assert_snapshot!(render::markdown::render(&inspection_report()));
}

/// The inspection's searches with a second review of every second one
/// (95 of the 190): mostly the same verdict, a few flipped, three with
/// insufficient information and three still awaiting the second review.
pub(crate) fn second_review_input() -> ReportInput {
    let mut input = inspection_input();
    input.review_pairs = input
        .searches
        .iter()
        .take(200)
        .step_by(2)
        .enumerate()
        .map(|(i, s)| {
            let second = match (i, s.grounds) {
                (_, "insufficient_info") => "reasonable",
                (4 | 9 | 17 | 40, "reasonable") => "not_reasonable",
                (0 | 1, _) => "insufficient_info",
                (_, "not_reasonable") if i % 2 == 0 => "reasonable",
                (_, other) => other,
            };
            crate::store::ReviewPair {
                month: s.month.to_string(),
                record_id: s.record_id.clone(),
                first_champion: s.champion.to_string(),
                second_champion: CHAMPIONS
                    [(CHAMPIONS.iter().position(|c| **c == *s.champion).unwrap() + 1) % 3]
                    .into(),
                first_grounds: Some(s.grounds.to_string()),
                second_grounds: (i < 92).then(|| second.to_string()),
                legislation: s.legislation.to_string(),
                simulated: false,
            }
        })
        .collect();
    input
}

/// The part of `text` from `start` up to (not including) `end`.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("no {start:?}"));
    let to = from
        + text[from..]
            .find(end)
            .unwrap_or_else(|| panic!("no {end:?}"));
    &text[from..to]
}

#[test]
fn second_reviews_give_the_review_quality_section() {
    let report = build(&second_review_input(), &options()).unwrap();
    let q = report.agreement.as_ref().expect("the section");
    assert_eq!(q.second_reviews, 95);
    assert_eq!(q.awaiting, 3);
    assert_eq!(
        q.insufficient_info, 3,
        "two said by the second review, one by the first"
    );
    assert_eq!(q.pairs, 89);
    assert_eq!(q.pairs + q.insufficient_info + q.awaiting, q.second_reviews);
    // Every figure of the table direct from its cells.
    let t = q.table;
    let n = t.pairs() as f64;
    let observed = t.agreeing() as f64 / n;
    assert!((q.observed.unwrap() - observed).abs() < 1e-12);
    let first = (t.both_reasonable + t.only_first_reasonable) as f64 / n;
    let second = (t.both_reasonable + t.only_second_reasonable) as f64 / n;
    let chance = first * second + (1.0 - first) * (1.0 - second);
    assert!((q.kappa.unwrap() - (observed - chance) / (1.0 - chance)).abs() < 1e-12);
    let pi = (first + second) / 2.0;
    let ac1_chance = 2.0 * pi * (1.0 - pi);
    assert!((q.ac1.unwrap() - (observed - ac1_chance) / (1.0 - ac1_chance)).abs() < 1e-12);
    // The first review alone makes every other figure.
    assert_eq!(report.overall, inspection_report().overall);
}

#[test]
fn no_second_reviews_no_section_in_any_format() {
    let report = inspection_report();
    assert!(report.agreement.is_none());
    assert!(!render::json::render(&report).contains("\"agreement\""));
    assert!(!render::markdown::render(&report).contains("Review quality"));
    assert!(!render::table::render_width(&report, None).contains("Review quality"));
    assert!(!render::csv::render(&report).contains("agreement"));
}

#[test]
fn snapshot_review_quality_markdown() {
    let report = build(&second_review_input(), &options()).unwrap();
    insta::assert_snapshot!(between(
        &render::markdown::render(&report),
        "## Review quality",
        "## Draws"
    ));
}

#[test]
fn snapshot_review_quality_table() {
    let report = build(&second_review_input(), &options()).unwrap();
    insta::assert_snapshot!(between(
        &render::table::render_width(&report, Some(100)),
        "Review quality",
        "Draws"
    ));
}

#[test]
fn review_quality_in_json_and_csv() {
    let report = build(&second_review_input(), &options()).unwrap();
    let json: serde_json::Value = serde_json::from_str(&render::json::render(&report)).unwrap();
    let a = &json["agreement"];
    for key in [
        "pairs",
        "observed",
        "observed_lower",
        "observed_upper",
        "kappa",
        "kappa_lower",
        "kappa_upper",
        "ac1",
        "ac1_lower",
        "ac1_upper",
        "insufficient_info",
        "no_suspicion",
        "awaiting",
    ] {
        assert!(a[key].is_number(), "{key}: {a}");
    }
    assert_eq!(a["pairs"], 89);
    assert_eq!(
        a["table"]["both_reasonable"].as_u64().unwrap()
            + a["table"]["neither_reasonable"].as_u64().unwrap()
            + a["table"]["only_first_reasonable"].as_u64().unwrap()
            + a["table"]["only_second_reasonable"].as_u64().unwrap(),
        89
    );
    let csv = render::csv::render(&report);
    let q = report.agreement.as_ref().unwrap();
    let kappa_row = csv
        .lines()
        .find(|l| l.starts_with("agreement,kappa,"))
        .expect("a kappa row");
    assert!(
        kappa_row.starts_with(&format!("agreement,kappa,89,,,,,{},", q.kappa.unwrap())),
        "{kappa_row}"
    );
    assert!(csv.contains("agreement_pairs,awaiting a review,"), "{csv}");
}

#[test]
fn review_quality_tables_fit_the_terminal() {
    let report = build(&second_review_input(), &options()).unwrap();
    for width in [80u16, 100] {
        let text = render::table::render_width(&report, Some(width));
        for line in text.lines() {
            assert!(line.chars().count() <= width as usize, "{line}");
        }
    }
}
