use super::*;

fn point(label: &str, x: u64, n: u64, est: f64, lo: f64, hi: f64) -> IntervalPoint {
    IntervalPoint {
        label: label.to_string(),
        estimate: Some(est),
        lower: Some(lo),
        upper: Some(hi),
        n,
        x,
        flagged: false,
    }
}

fn empty(label: &str) -> IntervalPoint {
    IntervalPoint {
        label: label.to_string(),
        estimate: None,
        lower: None,
        upper: None,
        n: 0,
        x: 0,
        flagged: false,
    }
}

fn flagged(mut p: IntervalPoint) -> IntervalPoint {
    p.flagged = true;
    p
}

/// Wilson 95% intervals, as src/stats would give them.
fn groups() -> Vec<IntervalPoint> {
    vec![
        point("White", 135, 156, 135.0 / 156.0, 0.80302, 0.91017),
        point("Minority ethnic", 26, 28, 26.0 / 28.0, 0.77350, 0.98020),
        flagged(point("Mixed", 3, 4, 0.75, 0.30064, 0.95442)),
        empty("Other"),
    ]
}

fn months() -> Vec<IntervalPoint> {
    vec![
        point("2019-01", 17, 20, 0.85, 0.63959, 0.94759),
        point("2019-02", 18, 20, 0.90, 0.69896, 0.97213),
        empty("2019-03"),
        flagged(point("2019-04", 4, 4, 1.0, 0.51009, 1.0)),
        point("2019-05", 15, 20, 0.75, 0.53129, 0.88814),
        point("2019-06", 20, 20, 1.0, 0.83887, 1.0),
    ]
}

fn items() -> Vec<BarItem> {
    [
        ("Reasonable", 135),
        ("Not reasonable", 14),
        ("None recorded", 7),
        ("Insufficient information", 0),
    ]
    .into_iter()
    .map(|(l, c)| BarItem {
        label: l.to_string(),
        count: c,
    })
    .collect()
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// Every number in attribute `name` (e.g. `cx`) of elements in `svg`.
fn attr_values(svg: &str, name: &str) -> Vec<f64> {
    let key = format!(" {name}=\"");
    svg.match_indices(&key)
        .filter_map(|(i, _)| {
            let rest = &svg[i + key.len()..];
            let end = rest.find('"').expect("closing quote");
            rest[..end].parse().ok()
        })
        .collect()
}

/// A small well-formedness check: tags balance, the root is `svg`, and
/// every `&` starts one of the five predefined entities.
fn assert_well_formed(svg: &str) {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = svg;
    let mut saw_root = false;
    while let Some(open) = rest.find('<') {
        assert_entities(&rest[..open]);
        let close = rest[open..].find('>').expect("unclosed tag") + open;
        let tag = &rest[open + 1..close];
        assert!(!tag.contains('<'), "'<' inside a tag: {tag}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop(), Some(name.trim()), "mismatched </{name}>");
        } else {
            assert_entities(tag);
            let name = tag
                .split_whitespace()
                .next()
                .expect("tag name")
                .trim_end_matches('/');
            if stack.is_empty() {
                assert!(!saw_root, "second root element <{name}>");
                assert_eq!(name, "svg");
                saw_root = true;
            }
            if !tag.ends_with('/') {
                stack.push(name);
            }
        }
        rest = &rest[close + 1..];
    }
    assert!(stack.is_empty(), "unclosed elements {stack:?}");
    assert!(saw_root);
    assert!(rest.trim().is_empty());
}

fn assert_entities(text: &str) {
    for (i, _) in text.match_indices('&') {
        let after = &text[i..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                .iter()
                .any(|e| after.starts_with(e)),
            "bare & in {text:?}"
        );
    }
}

/// The accessible name and description, as a screen reader gets them.
fn desc(svg: &str) -> &str {
    let start = svg.find("<desc").expect("desc");
    let start = svg[start..].find('>').expect("desc open") + start + 1;
    let end = svg.find("</desc>").expect("desc close");
    &svg[start..end]
}

fn all_charts() -> Vec<String> {
    vec![
        dot_whisker("Reasonable grounds by ethnicity", &groups(), 0.95),
        trend_band("Reasonable grounds by month", &months(), 0.95),
        bars("Assessments", &items()),
    ]
}

#[test]
fn escape_replaces_markup_characters_and_forbidden_controls() {
    assert_eq!(
        escape(r#"<script>alert('x') & "y"</script>"#),
        "&lt;script&gt;alert(&apos;x&apos;) &amp; &quot;y&quot;&lt;/script&gt;"
    );
    assert_eq!(escape("a\u{0}b\u{1b}c\td\ne"), "a\u{FFFD}b\u{FFFD}c\td\ne");
    assert_eq!(escape("Café – ok"), "Café – ok");
    assert_eq!(escape("&amp;"), "&amp;amp;");
}

#[test]
fn hostile_labels_are_escaped_everywhere() {
    let evil = r#"<script>alert("x")</script> & 'Co'"#;
    let mut pts = groups();
    pts[0].label = evil.to_string();
    let charts = [
        dot_whisker(evil, &pts, 0.95),
        trend_band(evil, &pts, 0.95),
        bars(
            evil,
            &[BarItem {
                label: evil.to_string(),
                count: 3,
            }],
        ),
    ];
    for svg in charts {
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"));
        assert!(desc(&svg).contains("&amp; &apos;Co&apos;"));
        assert_well_formed(&svg);
    }
}

#[test]
fn every_chart_is_accessible_scalable_and_self_contained() {
    for svg in all_charts() {
        assert_well_formed(&svg);
        assert!(svg.starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 "#));
        assert!(svg.contains(r#" width="100%""#));
        assert!(svg.contains(r#" role="img""#));
        let labelledby = svg
            .split("aria-labelledby=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("aria-labelledby");
        let ids: Vec<&str> = labelledby.split(' ').collect();
        assert_eq!(ids.len(), 2);
        assert!(svg.contains(&format!(r#"<title id="{}">"#, ids[0])));
        assert!(svg.contains(&format!(r#"<desc id="{}">"#, ids[1])));
        // The namespace is the only URL; nothing is fetched.
        assert_eq!(count(&svg, "http"), 1);
        for banned in [
            "href",
            "url(",
            "@import",
            "<image",
            "<style",
            "<script",
            "<foreignObject",
        ] {
            assert!(!svg.contains(banned), "{banned}");
        }
        // Okabe–Ito blue carries the data.
        assert!(svg.contains(BLUE));
    }
}

#[test]
fn ids_are_stable_and_differ_between_charts() {
    let charts = all_charts();
    let id = |svg: &str| {
        svg.split("<title id=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .map(str::to_string)
    };
    assert_eq!(
        id(&charts[0]),
        id(&dot_whisker(
            "Reasonable grounds by ethnicity",
            &groups(),
            0.95
        ))
    );
    let other = dot_whisker("Reasonable grounds by ethnicity, March", &groups(), 0.95);
    assert_ne!(id(&charts[0]), id(&other));
    assert_ne!(id(&charts[0]), id(&charts[1]));
}

#[test]
fn dot_whisker_draws_one_point_per_row_with_data() {
    let svg = dot_whisker("Reasonable grounds by ethnicity", &groups(), 0.95);
    assert_eq!(count(&svg, r#"class="point""#), 3);
    assert_eq!(count(&svg, r#"data-flagged="true""#), 1);
    assert!(svg.contains("n = 156"));
    assert!(svg.contains("n = 4, too few to judge"));
    assert!(svg.contains(">no searches assessed</text>"));
    let d = desc(&svg);
    assert!(
        d.contains("White: 135 of 156, 86.5% (95% interval 80.3% to 91.0%)."),
        "{d}"
    );
    assert!(
        d.contains("Mixed: 3 of 4, 75.0% (95% interval 30.1% to 95.4%), too few to judge."),
        "{d}"
    );
    assert!(d.contains("Other: no searches assessed."), "{d}");
    // The flagged dot is hollow, the others filled.
    assert_eq!(count(&svg, r##"fill="#ffffff" stroke="#0072B2""##), 1);
}

#[test]
fn the_confidence_level_is_a_parameter() {
    let svg = dot_whisker("t", &groups(), 0.9);
    assert!(desc(&svg).contains("(90% interval"));
    assert!(!svg.contains("95% interval"));
    assert_eq!(level(0.995), "99.5%");
    assert_eq!(level(0.95), "95%");
    let svg = trend_band("t", &months(), 0.99);
    assert!(desc(&svg).contains("(99% interval"));
}

#[test]
fn dot_whisker_keeps_0_and_100_percent_inside_the_plot() {
    let pts = vec![
        point("none", 0, 30, 0.0, 0.0, 0.11),
        point("all", 30, 30, 1.0, 0.89, 1.0),
        // A caller's rounding slip must not push marks off the chart.
        point("over", 31, 30, 1.02, 0.95, 1.1),
    ];
    let svg = dot_whisker("t", &pts, 0.95);
    let cxs = attr_values(&svg, "cx");
    assert_eq!(cxs.len(), 3);
    for x in cxs
        .iter()
        .chain(&attr_values(&svg, "x1"))
        .chain(&attr_values(&svg, "x2"))
    {
        assert!((DW_LEFT..=DW_RIGHT).contains(x), "{x} outside the plot");
    }
    assert!(cxs.contains(&DW_LEFT) && cxs.contains(&DW_RIGHT));
    // A dot at 0% clears the label column.
    assert!(cxs.iter().all(|x| x - 5.0 - 1.0 > DW_LABEL_RIGHT));
    assert!(desc(&svg).contains("none: 0 of 30, 0.0% (95% interval 0.0% to 11.0%)"));
}

#[test]
fn trend_band_leaves_gaps_where_nothing_was_assessed() {
    let svg = trend_band("Reasonable grounds by month", &months(), 0.95);
    assert_eq!(count(&svg, r#"class="point""#), 5);
    // Months 1-2 and 4-6 are two runs: two bands and two lines.
    assert_eq!(count(&svg, r#"class="band""#), 2);
    assert_eq!(count(&svg, r#"class="line""#), 2);
    assert_eq!(count(&svg, ">none</text>"), 1);
    assert!(desc(&svg).contains("2019-03: no searches assessed."));
    assert!(desc(&svg)
        .contains("2019-04: 4 of 4, 100.0% (95% interval 51.0% to 100.0%), too few to judge."));
    // An isolated month gets a band of its own, not a line.
    let lone = vec![
        empty("2019-01"),
        point("2019-02", 5, 10, 0.5, 0.24, 0.76),
        empty("2019-03"),
    ];
    let svg = trend_band("t", &lone, 0.95);
    assert_eq!(count(&svg, r#"<rect class="band""#), 1);
    assert_eq!(count(&svg, r#"class="line""#), 0);
    assert_eq!(count(&svg, r#"class="point""#), 1);
}

#[test]
fn trend_band_keeps_0_and_100_percent_inside_the_plot() {
    let pts = vec![
        point("2020-01", 0, 12, 0.0, 0.0, 0.24),
        point("2020-02", 12, 12, 1.0, 0.76, 1.0),
        point("2020-03", 5, 12, -0.01, -0.2, 1.3),
    ];
    let svg = trend_band("t", &pts, 0.95);
    let cys = attr_values(&svg, "cy");
    assert_eq!(cys.len(), 3);
    assert!(cys.contains(&TB_TOP) && cys.contains(&TB_BOTTOM));
    for y in &cys {
        assert!((TB_TOP..=TB_BOTTOM).contains(y), "{y}");
    }
    for x in attr_values(&svg, "cx") {
        assert!(x > TB_LEFT + 5.0 && x < TB_RIGHT - 5.0, "{x}");
    }
    let d = svg
        .split(r#"class="band" d=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("band path");
    for pair in d.trim_end_matches('Z').split_whitespace() {
        let (x, y) = pair
            .trim_start_matches(['M', 'L'])
            .split_once(',')
            .expect("x,y");
        let (x, y): (f64, f64) = (x.parse().expect("x"), y.parse().expect("y"));
        assert!(
            (TB_LEFT..=TB_RIGHT).contains(&x) && (TB_TOP..=TB_BOTTOM).contains(&y),
            "{pair}"
        );
    }
}

#[test]
fn trend_band_thins_month_labels_on_long_series() {
    let pts: Vec<IntervalPoint> = (0..36)
        .map(|i| {
            point(
                &format!("{}-{:02}", 2018 + i / 12, i % 12 + 1),
                8,
                10,
                0.8,
                0.49,
                0.94,
            )
        })
        .collect();
    let svg = trend_band("Three years", &pts, 0.95);
    assert_eq!(count(&svg, r#"class="point""#), 36);
    let labelled = pts
        .iter()
        .filter(|p| svg.contains(&format!(">{}</text>", p.label)))
        .count();
    assert!((4..=10).contains(&labelled), "{labelled} month labels");
    assert!(svg.contains(">2018-01</text>"));
    let xs: Vec<f64> = (0..36)
        .step_by(label_step(36))
        .map(|i| tb_x(i, 36))
        .collect();
    assert!(xs.windows(2).all(|w| w[1] - w[0] >= 50.0), "{xs:?}");
}

#[test]
fn bars_draw_every_item_with_its_count() {
    let svg = bars("Assessments", &items());
    assert_eq!(count(&svg, r#"class="bar""#), 4);
    assert!(svg.contains(r#"font-size="12">135</text>"#));
    assert!(svg.contains(r#"font-size="12">0</text>"#));
    assert!(desc(&svg).contains(
        "Reasonable: 135. Not reasonable: 14. None recorded: 7. Insufficient information: 0."
    ));
    let widths = attr_values(&svg, "width");
    // The background rect, then one bar per item, longest for 135.
    let bar_widths = &widths[1..];
    assert_eq!(bar_widths.len(), 4);
    assert!(bar_widths[0] > bar_widths[1] && bar_widths[1] > bar_widths[2] && bar_widths[3] == 0.0);
    assert!(BAR_LEFT + bar_widths[0] <= BAR_RIGHT);
    // Counts read as people read them, and the longest still fits.
    let big = bars(
        "t",
        &[BarItem {
            label: "All".into(),
            count: 1_234_567,
        }],
    );
    assert!(big.contains(">1,234,567</text>"));
    assert!(attr_values(&big, "x").iter().all(|x| *x < WIDTH - 60.0));
}

#[test]
fn ticks_are_round_and_cover_the_largest_count() {
    assert_eq!(tick_step(0), 1);
    assert_eq!(tick_step(4), 1);
    assert_eq!(tick_step(7), 2);
    assert_eq!(tick_step(135), 50);
    assert_eq!(tick_step(1_000), 200);
    for max in [1u64, 9, 11, 99, 101, 12_345, u64::MAX / 2] {
        let step = tick_step(max);
        assert!(
            max.div_ceil(step) <= 5 && max.div_ceil(step) >= 2 || max <= 5,
            "{max}: {step}"
        );
    }
}

#[test]
fn empty_inputs_give_a_valid_chart_saying_no_data() {
    for svg in [
        dot_whisker("t", &[], 0.95),
        trend_band("t", &[], 0.95),
        bars("t", &[]),
    ] {
        assert_well_formed(&svg);
        assert!(svg.contains(">No data</text>"));
        assert!(desc(&svg).contains("No data."));
        assert_eq!(
            count(&svg, r#"class="point""#) + count(&svg, r#"class="bar""#),
            0
        );
    }
}

#[test]
fn long_labels_are_clipped_on_screen_but_whole_in_words() {
    let long = "Asian/Asian British - Any other Asian background";
    let svg = dot_whisker("t", &[point(long, 1, 2, 0.5, 0.09, 0.91)], 0.95);
    assert!(svg.contains(">Asian/Asian British - Any…</text>"));
    assert!(desc(&svg).contains(long));
    assert_eq!(clip("short", 26), "short");
}

#[test]
fn numbers_are_written_for_people() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(1000), "1,000");
    assert_eq!(thousands(10_490), "10,490");
    assert_eq!(percent(135.0 / 156.0), "86.5%");
    let zero = point("z", 0, 3, -0.0, -0.0, 0.5);
    assert_eq!(
        describe_point(&zero, "95%"),
        "z: 0 of 3, 0.0% (95% interval 0.0% to 50.0%)"
    );
    // n = 0 with a stray estimate, or NaN, draws nothing.
    let mut p = empty("x");
    p.estimate = Some(0.5);
    assert_eq!(estimate(&p), None);
    let nan = point("y", 1, 2, f64::NAN, 0.1, 0.9);
    assert_eq!(estimate(&nan), None);
    assert_eq!(describe_point(&nan, "95%"), "y: no estimate available");
}

#[test]
fn snapshot_dot_whisker() {
    insta::assert_snapshot!(dot_whisker(
        "Reasonable grounds by ethnicity, January 2019",
        &groups(),
        0.95
    ));
}

#[test]
fn snapshot_trend_band() {
    insta::assert_snapshot!(trend_band("Reasonable grounds by month", &months(), 0.95));
}

#[test]
fn snapshot_bars() {
    insta::assert_snapshot!(bars("Assessments, January 2019", &items()));
}
