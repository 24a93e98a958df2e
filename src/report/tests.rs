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
                    grounds: verdict.into(),
                    bwv: ["reviewed", "reviewed", "reviewed", "not_available"][i % 4].into(),
                    gowisely: ["yes", "yes", "partial", "no", "not_visible"][i % 5].into(),
                    conduct: ["good", "good", "adequate", "concern"][i % 4].into(),
                    referral: [
                        "none",
                        "none",
                        "none",
                        "feedback",
                        "supervisor",
                        "none",
                        "none",
                        "professional_standards",
                    ][i % 8]
                        .into(),
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
                .filter(|s| s.month == month && s.champion == champion)
                .count() as u64;
            (month, champion, n)
        })
        .collect();
    let judged_in = |month: &str| {
        searches
            .iter()
            .filter(|s| s.month == month && s.grounds != "insufficient_info")
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
