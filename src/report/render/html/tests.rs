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

fn with_second_reviews() -> Report {
    let input = crate::report::tests::second_review_input();
    crate::report::build(&input, &crate::report::tests::options()).unwrap()
}

#[test]
fn the_review_quality_section_has_its_chart_tables_and_reading() {
    let report = with_second_reviews();
    let html = render(&report);
    assert!(html.contains("<section id=\"quality\">"));
    assert!(html.contains("<a href=\"#quality\">Review quality</a>"));
    let chart = figure(&html, "agreement");
    assert_eq!(count(chart, "class=\"point\""), 2, "kappa and AC1");
    assert!(chart.contains("<title id=") && chart.contains("<desc id="));
    let section = &html[html.find("<section id=\"quality\">").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    assert_eq!(
        count(section, "<table"),
        2,
        "the 2x2 table and the measures"
    );
    assert!(section.contains("89 searches reviewed twice"));
    assert!(section.contains("kappa paradox"));
    assert!(section.contains("Fleiss, Cohen &#38; Everitt (1969)"));
    // Nothing else of the page changes.
    assert_eq!(count(&html, "<svg "), 8 + 1);
}

#[test]
fn an_undefined_kappa_is_said_in_words_on_the_page() {
    let mut input = crate::report::tests::second_review_input();
    for pair in &mut input.review_pairs {
        pair.first_grounds = Some("reasonable".into());
        pair.second_grounds = Some("reasonable".into());
    }
    let report = crate::report::build(&input, &crate::report::tests::options()).unwrap();
    let html = render(&report);
    let chart = figure(&html, "agreement");
    assert_eq!(count(chart, "class=\"point\""), 1, "AC1 only");
    assert!(chart.contains("kappa: undefined"), "{chart}");
    // Said once: the label names kappa, the reason does not again.
    assert!(!chart.contains("undefined: Cohen"), "{chart}");
    assert!(
        chart.contains("kappa: undefined: both reviews gave every search"),
        "{chart}"
    );
    // All pairs agreed: AC1's collapsed interval is not drawn as certain.
    assert!(!chart.contains("1.00 to 1.00"), "{chart}");
    assert!(chart.contains("no width"), "{chart}");
    assert!(html.contains("undefined (one verdict only)"));
    assert!(html.contains("Cohen&#39;s kappa is undefined"));
    assert!(!html.contains("NaN"));
}

#[test]
fn a_public_page_keeps_the_agreement_figures_without_names() {
    let mut report = with_second_reviews();
    make_public(&mut report, 10);
    let html = render(&report);
    assert!(html.contains("<section id=\"quality\">"));
    assert_eq!(count(figure(&html, "agreement"), "class=\"point\""), 2);
    // Its cells of 4 and 6 are shown under a banner suppressing 1 to 9:
    // the banner and the caveat say why.
    assert_eq!(
        count(&html, "except the review quality table&#39;s cells"),
        2,
        "banner and caveat"
    );
    for name in ["Hartley", "Okafor", "Patel"] {
        assert!(!html.contains(name), "{name}");
    }
    // Withheld when the pairs are fewer than the threshold.
    let mut report = with_second_reviews();
    make_public(&mut report, 90);
    let html = render(&report);
    assert!(html.contains("<section id=\"quality\">"));
    assert!(!html.contains("chart-agreement"));
    assert!(html.contains("The agreement figures are suppressed in this public report"));
}
