//! The report's "Review quality" section on a real-data workspace: Kent's
//! January 2019 drawn for four champions, every search assessed, and the
//! first five searches of each champion dealt again to the next champion
//! with a second review, written straight into the workspace (as
//! `sample --second-review 5` and `import` will).

use crate::common::*;
use crate::html_cli::{
    assessed_workspace, check_charts, check_self_contained, check_well_formed, report, CHAMPIONS,
};

const SECOND_REVIEWS_EACH: usize = 5;

/// The pairs written: (first verdict, second verdict or `None` when the
/// second review is still to come).
type Pairs = Vec<(String, Option<String>)>;

/// Deals each champion's first five active searches to the next champion
/// and records a second review of all but the last one: the same verdict
/// but for every fourth pair, which the second reviewer judged the other way.
fn with_second_reviews(ws: &Workspace) -> Pairs {
    let conn = rusqlite::Connection::open(ws.db()).expect("the workspace opens");
    let mut pairs = Pairs::new();
    let mut written = 0;
    for (c, champion) in CHAMPIONS.iter().enumerate() {
        let second = CHAMPIONS[(c + 1) % CHAMPIONS.len()];
        let dealt: Vec<(i64, String, String)> = conn
            .prepare(
                "SELECT a.draw_id, a.record_id, s.grounds FROM active_assignments a
                 JOIN current_assessments s ON s.draw_id = a.draw_id AND s.record_id = a.record_id
                                            AND s.review = 'first'
                 WHERE a.champion = ?1 ORDER BY a.role DESC, a.position LIMIT ?2",
            )
            .unwrap()
            .query_map(rusqlite::params![champion, SECOND_REVIEWS_EACH], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(dealt.len(), SECOND_REVIEWS_EACH, "{champion}");
        for (position, (draw_id, record_id, first)) in dealt.into_iter().enumerate() {
            conn.execute(
                "INSERT INTO second_reviews (draw_id, record_id, champion, position) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![draw_id, record_id, second, position + 1],
            )
            .unwrap();
            written += 1;
            if c == CHAMPIONS.len() - 1 && position == SECOND_REVIEWS_EACH - 1 {
                pairs.push((first, None));
                continue;
            }
            let verdict = match (written % 4, first.as_str()) {
                (0, "reasonable") => "not_reasonable",
                (0, "insufficient_info") => "insufficient_info",
                (0, _) => "reasonable",
                (_, same) => same,
            }
            .to_string();
            conn.execute(
                "INSERT INTO assessments (draw_id, record_id, review, version, grounds, bwv, gowisely, conduct,
                    themes, referral, notes, reviewer, reviewed_on, recorded_at, recorded_by, source)
                 VALUES (?1, ?2, 'second', 1, ?3, 'reviewed', 'yes', 'good', '[]', 'none', '', ?4,
                    '2019-01-30', '2019-01-30T12:00:00Z', 'test-runner', 'test')",
                rusqlite::params![draw_id, record_id, verdict, second],
            )
            .unwrap();
            pairs.push((first, Some(verdict)));
        }
    }
    pairs
}

#[test]
fn the_report_measures_agreement_between_first_and_second_reviews() {
    let ws = assessed_workspace(&[("2019-01", KENT_JAN)], 0);
    let before: serde_json::Value =
        serde_json::from_str(&report(&ws, &["--format", "json"])).unwrap();
    assert!(before.get("agreement").is_none(), "no second reviews yet");

    let pairs = with_second_reviews(&ws);
    let json: serde_json::Value =
        serde_json::from_str(&report(&ws, &["--format", "json"])).unwrap();
    let a = &json["agreement"];
    let judged = |v: &str| v != "insufficient_info";
    let compared: Vec<(bool, bool)> = pairs
        .iter()
        .filter_map(|(first, second)| {
            let second = second.as_deref()?;
            (judged(first) && judged(second))
                .then(|| (first == "reasonable", second == "reasonable"))
        })
        .collect();
    let insufficient = pairs
        .iter()
        .filter(|(f, s)| s.as_deref().is_some_and(|s| !judged(f) || !judged(s)))
        .count();
    assert_eq!(a["second_reviews"], 20);
    assert_eq!(a["awaiting"], 1);
    assert_eq!(a["pairs"], compared.len());
    assert_eq!(a["insufficient_info"], insufficient);
    let agreeing = compared.iter().filter(|(f, s)| f == s).count();
    let observed = agreeing as f64 / compared.len() as f64;
    assert!(
        (a["observed"].as_f64().unwrap() - observed).abs() < 1e-12,
        "{a}"
    );
    assert!(
        agreeing < compared.len(),
        "some pairs disagree: {compared:?}"
    );
    for key in [
        "ac1",
        "ac1_lower",
        "ac1_upper",
        "observed_lower",
        "observed_upper",
    ] {
        assert!(a[key].is_number(), "{key}: {a}");
    }
    assert_eq!(a["few_pairs"], true, "fewer than 30 pairs");
    assert!(a["reading"]
        .as_str()
        .unwrap()
        .contains("fewer than 30 pairs"));
    // The first review alone makes the estimates.
    assert_eq!(json["overall"], before["overall"]);

    let html = report(&ws, &["--format", "html"]);
    check_well_formed(&html).unwrap();
    check_self_contained(&html).unwrap();
    check_charts(&html, &json);
    assert!(html.contains("<section id=\"quality\">"));
    for format in ["table", "markdown"] {
        let text = report(&ws, &["--format", format]);
        assert!(text.contains("Review quality"), "{format}");
        assert!(text.contains("Gwet's AC1"), "{format}");
    }
    let csv = report(&ws, &["--format", "csv"]);
    assert!(csv.contains("\nagreement,ac1,"), "{csv}");

    // One champion's report: the pairs they reviewed, first or second.
    let json: serde_json::Value = serde_json::from_str(&report(
        &ws,
        &["--format", "json", "--champion", CHAMPIONS[1]],
    ))
    .unwrap();
    assert_eq!(json["agreement"]["second_reviews"], 2 * SECOND_REVIEWS_EACH);
}

#[test]
fn a_public_report_publishes_agreement_without_names() {
    let ws = assessed_workspace(&[("2019-01", KENT_JAN)], 0);
    with_second_reviews(&ws);
    for format in ["json", "html", "markdown", "table", "csv"] {
        let text = report(
            &ws,
            &["--format", format, "--public", "--suppress-below", "5"],
        );
        for name in CHAMPIONS {
            assert!(!text.contains(name), "{format} leaks {name}");
        }
        assert!(
            text.contains("Review quality") || format == "csv" || format == "json",
            "{format}"
        );
    }
    let json: serde_json::Value = serde_json::from_str(&report(
        &ws,
        &["--format", "json", "--public", "--suppress-below", "5"],
    ))
    .unwrap();
    assert!(json["agreement"]["ac1"].is_number());
    assert!(json["agreement"].get("suppressed").is_none());
    let html = report(
        &ws,
        &["--format", "html", "--public", "--suppress-below", "5"],
    );
    check_well_formed(&html).unwrap();
    check_charts(&html, &json);

    // More pairs needed than there are: the figures are withheld.
    let json: serde_json::Value = serde_json::from_str(&report(
        &ws,
        &["--format", "json", "--public", "--suppress-below", "30"],
    ))
    .unwrap();
    let a = &json["agreement"];
    assert_eq!(a["suppressed"], true);
    assert_eq!(a["ac1"], serde_json::Value::Null);
    // Withheld figures are null, as the public CSV leaves them empty: a 0
    // would be a false figure.
    for key in [
        "pairs",
        "table",
        "no_suspicion",
        "insufficient_info",
        "few_pairs",
    ] {
        assert!(a[key].is_null(), "{key}: {a}");
    }
    let reading = a["reading"].as_str().unwrap();
    assert!(
        reading.contains("overall figure is suppressed")
            || reading.contains("figures resting on fewer than 30 searches"),
        "says the rule that withheld it: {reading}"
    );
    let html = report(
        &ws,
        &["--format", "html", "--public", "--suppress-below", "30"],
    );
    check_well_formed(&html).unwrap();
    assert!(html.contains("The agreement figures are suppressed in this public report"));
}
