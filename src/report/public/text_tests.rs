//! No text a person typed reaches any format of a public report.

use super::fixtures::{input, options};
use super::{make_public, UNRECOGNISED_WITHHELD};
use crate::report::render::{csv, html, json, markdown, table};
use crate::report::{build, Report};

const ADDRESS: &str = "Flat 3, 12 Acacia Road";
const OFFICER: &str = "PC JONES 4471";
const THEME_ALONE: &str = "Mr Pemberton-Quill's van";

/// Fragments of the typed text, any of which in an output is a leak.
const FRAGMENTS: &[&str] = &[
    "Acacia",
    "JONES",
    "4471",
    "Pemberton",
    "Okafor",
    "Hartley",
    "routine",
    "alert(",
];

/// The fixture, with themes and ethnicity values that are a name, an
/// address and an officer: often (so no count hides them) and once.
fn report_with_typed_text() -> Report {
    let mut input = input();
    for (i, search) in input.searches.iter_mut().enumerate() {
        if i % 3 == 0 {
            search.themes = vec![ADDRESS.into(), OFFICER.into()];
        }
        if i == 7 {
            search.themes.push(THEME_ALONE.into());
        }
        match i {
            1..=8 => search.officer_defined_ethnicity = ADDRESS.into(),
            9 => search.officer_defined_ethnicity = OFFICER.into(),
            _ => {}
        }
    }
    build(&input, &options()).expect("the fixture builds")
}

fn every_format(report: &Report) -> Vec<(&'static str, String)> {
    vec![
        ("table", table::render(report)),
        ("csv", csv::render(report)),
        ("json", json::render(report)),
        ("markdown", markdown::render(report)),
        ("html", html::render(report)),
    ]
}

fn leaks(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    FRAGMENTS
        .iter()
        .copied()
        .filter(|f| lower.contains(&f.to_lowercase()))
        .collect()
}

#[test]
fn the_internal_report_does_carry_the_typed_text() {
    // Otherwise the test below could pass by never seeing it.
    let report = report_with_typed_text();
    for (format, text) in every_format(&report) {
        for fragment in ["Acacia", "4471", "Okafor"] {
            assert!(text.contains(fragment), "{format} lacks {fragment}");
        }
    }
}

#[test]
fn no_theme_ethnicity_value_name_or_note_reaches_any_public_format() {
    for k in [0, 1, 5, 10] {
        let mut report = report_with_typed_text();
        make_public(&mut report, k);
        for (format, text) in every_format(&report) {
            assert_eq!(leaks(&text), Vec::<&str>::new(), "k = {k}, {format}");
        }
    }
}

#[test]
fn unrecognised_values_become_one_count_of_searches() {
    let mut report = report_with_typed_text();
    make_public(&mut report, 5);
    let counts = &report.unrecognised_ethnicity;
    assert_eq!(counts.len(), 1);
    assert_eq!(counts[0].value, UNRECOGNISED_WITHHELD);
    assert_eq!(counts[0].count, 9, "8 addresses and 1 officer");
    assert!(!counts[0].suppressed);
    let warnings = crate::report::render::data_warnings(&report);
    assert!(
        warnings.iter().any(|w| w.contains("(9 searches)")),
        "{warnings:?}"
    );

    // Fewer than k: the count goes too, the warning stays.
    let mut report = report_with_typed_text();
    make_public(&mut report, 10);
    assert!(report.unrecognised_ethnicity[0].suppressed);
    assert_eq!(report.unrecognised_ethnicity[0].count, 0);
    let warnings = crate::report::render::data_warnings(&report);
    assert!(
        warnings.iter().any(|w| w.contains("suppressed")),
        "{warnings:?}"
    );
}
