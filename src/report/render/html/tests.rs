//! Tests of the HTML page on a fixed report.

use super::text::shell_quote;
use super::*;
use crate::report::public::{fixtures, make_public};

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// The text of the figure with this id.
fn figure<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<figure class=\"chart\" id=\"chart-{id}\">"))
        .unwrap_or_else(|| panic!("no chart {id}"));
    let end = start + html[start..].find("</figure>").expect("a closed figure");
    &html[start..end]
}

#[test]
fn notes_and_names_are_escaped() {
    let html = render(&fixtures::report());
    assert!(!html.contains("<script"), "no script element, ever");
    // askama writes numeric character references.
    assert!(html.contains("&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62; &#38; no footage"));
    assert!(html.contains("Sgt Ben &#60;Hartley&#62;"));
    assert!(!html.contains("<Hartley>"));
    assert!(html.contains("Officer said &#34;routine&#34;;\nno grounds written."));
}

#[test]
fn the_template_trusts_nothing_but_svg() {
    let template = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/templates/report.html"
    ));
    let uses: Vec<&str> = template
        .match_indices("|safe")
        .map(|(i, _)| &template[template[..i].rfind("{{").expect("inside {{")..i])
        .collect();
    assert_eq!(uses, ["{{ c.svg"], "the only unescaped value is a chart");
}

#[test]
fn one_chart_per_figure_with_a_point_per_shown_estimate() {
    let report = fixtures::report();
    let html = render(&report);
    // 6 groups (all assessed), minority ethnic and all searches; 2 months.
    assert_eq!(count(figure(&html, "groups"), "class=\"point\""), 8);
    assert_eq!(count(figure(&html, "trend"), "class=\"point\""), 2);
    assert_eq!(count(figure(&html, "verdicts"), "class=\"bar\""), 4);
    assert_eq!(count(figure(&html, "bwv"), "class=\"bar\""), 3);
    assert_eq!(count(figure(&html, "themes"), "class=\"bar\""), 2);
    assert_eq!(count(&html, "<svg "), 8, "groups, trend and six findings");
    assert_eq!(count(&html, "<figure "), 8);
}

#[test]
fn a_public_page_leaves_out_names_notes_and_small_cells_and_says_so() {
    let mut report = fixtures::report();
    make_public(&mut report, 5);
    let html = render(&report);
    for secret in ["Okafor", "Hartley", "script", "routine", "By champion"] {
        assert!(!html.contains(secret), "{secret} leaked");
    }
    assert!(html.contains("PUBLIC REPORT: figures resting on 1 to 4 searches are suppressed"));
    let groups = figure(&html, "groups");
    assert_eq!(
        count(groups, "class=\"point\""),
        5,
        "Mixed (3) and Other (1), and Asian (9) so that they add up to 5 or more"
    );
    assert!(groups.contains("Not shown (suppressed in this public report): Asian, Mixed, Other."));
    assert!(html.contains("<td>suppressed</td>"));
    // Every count of referrals but "none" is small: the chart has one bar.
    assert_eq!(count(figure(&html, "referrals"), "class=\"bar\""), 1);
    assert!(html.contains("Every count here is suppressed in this public report."));
}

#[test]
fn the_page_has_every_section_and_the_verify_command() {
    let html = render(&fixtures::report());
    for id in [
        "summary",
        "groups",
        "comparison",
        "trend",
        "reviews",
        "context",
        "champions",
        "notes",
        "method",
    ] {
        assert!(html.contains(&format!("<section id=\"{id}\"")), "{id}");
    }
    assert!(html.contains(
        "grounds verify worksheets/2019-02/manifest.json --export 2019-02-kent-stop-and-search.csv"
    ));
    assert!(html.contains("NOT FINAL: 3 of the 97 searches"));
    assert!(html.contains("Reasonable grounds were evident in"));
    assert!(!html.contains("http://") || count(&html, "http://") == count(&html, "<svg "));
}

#[test]
fn shell_quoting_keeps_odd_file_names_one_word() {
    assert_eq!(shell_quote("a-b_c.csv"), "a-b_c.csv");
    assert_eq!(shell_quote("Kent export.csv"), "'Kent export.csv'");
    assert_eq!(shell_quote("it's.csv"), r"'it'\''s.csv'");
}

#[test]
fn snapshot() {
    insta::assert_snapshot!(render(&fixtures::report()));
}
