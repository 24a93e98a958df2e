//! A self-contained HTML page for the community scrutiny panel: read on a
//! phone, printed on A4, opened offline. askama escapes every value; the
//! only markup that goes in as it is are the charts, which svg.rs builds and
//! escapes itself, and which reach the template only as [`Svg`].

use std::fmt;

use askama::Template;

use super::{
    count_cell, flag_cell, headline, interval_cell, method_line, outstanding_warning,
    proportion_cell, public_note, share, title, SIMULATED_BANNER,
};
use crate::report::model::{percent, percent_level, Count, Estimate, Report};
use crate::report::svg::{self, BarItem, IntervalPoint};

/// Chart markup from [`svg`], escaped there: the one kind of value the
/// template prints with `|safe`.
pub struct Svg(String);

impl fmt::Display for Svg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

struct Chart {
    id: &'static str,
    svg: Svg,
    /// What the chart leaves out and why, or empty.
    hidden: String,
}

struct Row {
    label: String,
    cells: Vec<String>,
    total: bool,
}

struct TableView {
    caption: Option<String>,
    head: Vec<String>,
    rows: Vec<Row>,
    left: bool,
}

struct Finding {
    id: &'static str,
    heading: &'static str,
    intro: Option<String>,
    chart: Option<Chart>,
    after: Option<String>,
}

struct ComparisonView {
    statement: String,
    table: TableView,
}

struct NoteView {
    month: String,
    champion: String,
    record_id: String,
    grounds: String,
    text: String,
}

struct DrawView {
    month: String,
    seed: String,
    created_at: String,
    searches: u64,
    manifest_sha256: String,
    inputs: Vec<(String, String)>,
    command: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page {
    version: &'static str,
    title: String,
    subtitle: String,
    simulated: Option<&'static str>,
    not_final: Option<String>,
    public_note: Option<String>,
    contents: Vec<(&'static str, &'static str)>,
    headline: String,
    comparison_statement: Option<String>,
    coverage: String,
    method_line: String,
    ethnicity: String,
    level: String,
    groups_chart: Chart,
    groups_table: TableView,
    share_sentence: String,
    comparison: Option<ComparisonView>,
    no_comparison: String,
    trend_chart: Chart,
    months_table: TableView,
    findings: Vec<Finding>,
    legislation_table: TableView,
    object_table: TableView,
    champions_table: Option<TableView>,
    notes: Vec<NoteView>,
    draws: Vec<DrawView>,
    interval_method: String,
    interval_meaning: String,
    caveats: Vec<String>,
}

pub fn render(report: &Report) -> String {
    page(report)
        .render()
        .expect("the report template only formats strings and numbers")
}

fn page(report: &Report) -> Page {
    let level = percent_level(report.confidence);
    let champions_table = (!report.public && !report.by_champion.is_empty()).then(|| {
        let mut head = strings(&["champion", "due for review", "outstanding"]);
        head.extend(estimate_head(&level));
        TableView {
            caption: None,
            head,
            rows: report
                .by_champion
                .iter()
                .map(|c| {
                    let mut cells = vec![c.assigned.to_string(), c.outstanding.to_string()];
                    cells.extend(estimate_cells(&c.estimate));
                    row(&c.champion, cells)
                })
                .collect(),
            left: false,
        }
    });
    let notes: Vec<NoteView> = if report.public {
        Vec::new()
    } else {
        report
            .notes
            .iter()
            .map(|n| NoteView {
                month: n.month.clone(),
                champion: n.champion.clone(),
                record_id: n.record_id.clone(),
                grounds: words(&n.grounds),
                text: n.text.clone(),
            })
            .collect()
    };
    let mut contents = vec![
        ("summary", "Summary"),
        ("groups", "By ethnic group"),
        ("comparison", "Minority ethnic groups compared with White"),
        ("trend", "Month by month"),
        ("reviews", "What the reviews found"),
        ("context", "By legislation and object of search"),
    ];
    if champions_table.is_some() {
        contents.push(("champions", "By champion"));
    }
    if !notes.is_empty() {
        contents.push(("notes", "Reviewers' notes"));
    }
    contents.push(("method", "How this report was made"));

    Page {
        version: env!("CARGO_PKG_VERSION"),
        title: title(report),
        subtitle: subtitle(report),
        simulated: report.simulated.then_some(SIMULATED_BANNER),
        not_final: outstanding_warning(report),
        public_note: public_note(report),
        contents,
        headline: headline(report),
        comparison_statement: report.comparison.as_ref().map(|c| c.statement.clone()),
        coverage: coverage(report),
        method_line: method_line(report),
        ethnicity: report.ethnicity.clone(),
        level: level.clone(),
        groups_chart: groups_chart(report),
        groups_table: groups_table(report, &level),
        share_sentence: "The share reviewed shows how well the sample covers each group. The draw does not look at ethnicity, so the shares should be similar; the differences between them are chance.".into(),
        comparison: comparison(report, &level),
        no_comparison: no_comparison(report),
        trend_chart: trend_chart(report),
        months_table: months_table(report, &level),
        findings: findings(report),
        legislation_table: values_table(report, "legislation", &level, true),
        object_table: values_table(report, "object of search", &level, false),
        champions_table,
        notes,
        draws: report
            .draws
            .iter()
            .map(|d| DrawView {
                month: d.month.clone(),
                seed: d.seed.clone(),
                created_at: d.created_at.clone(),
                searches: d.searches_in_month,
                manifest_sha256: d.manifest_sha256.clone(),
                inputs: d
                    .inputs
                    .iter()
                    .map(|i| (i.file.clone(), i.sha256.clone()))
                    .collect(),
                command: verify_command(&d.month, d.inputs.iter().map(|i| i.file.as_str())),
            })
            .collect(),
        interval_method: interval_method(report),
        interval_meaning: format!(
            "What a {level} interval means: the searches reviewed are a random sample, so another draw would have given a somewhat different percentage. The interval is the range of percentages, for all the searches the sample was drawn from, that fit what this sample shows. Intervals made this way contain the true percentage about {level} of the time; values near the middle are more plausible than values at the ends. The interval covers only the luck of the draw: it says nothing about whether the reviewers judged well."
        ),
        caveats: caveats(report),
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn row(label: &str, cells: Vec<String>) -> Row {
    Row {
        label: label.to_string(),
        cells,
        total: false,
    }
}

fn estimate_head(level: &str) -> Vec<String> {
    vec![
        "assessed".into(),
        "reasonable".into(),
        "%".into(),
        format!("{level} interval"),
        "insufficient info".into(),
        "note".into(),
    ]
}

fn estimate_cells(e: &Estimate) -> Vec<String> {
    vec![
        count_cell(e.assessed, e.suppressed, None),
        count_cell(e.reasonable, e.suppressed, None),
        proportion_cell(e),
        interval_cell(e),
        count_cell(e.insufficient_info, e.suppressed, None),
        flag_cell(e).to_string(),
    ]
}

fn subtitle(report: &Report) -> String {
    if report.public {
        "Public report for the community scrutiny panel.".into()
    } else if !report.by_champion.is_empty() || !report.notes.is_empty() {
        "For the force and its scrutiny panel: names champions and quotes reviewers' notes, so not for publication (make a public version with --public).".into()
    } else {
        "For the force and its scrutiny panel.".into()
    }
}

fn coverage(report: &Report) -> String {
    let o = &report.overall;
    if report.champion.is_some() {
        return "These are the searches reviewed by one champion, a small part of the force's searches.".into();
    }
    if o.suppressed || report.population == 0 {
        return format!(
            "The searches reviewed are a random sample of the {} searches the force recorded in the period.",
            report.population
        );
    }
    format!(
        "The searches reviewed are a random sample: {} of the {} searches the force recorded in the period ({}).",
        o.assessed + o.insufficient_info,
        report.population,
        share(Some(report.population), o)
    )
}

fn point(label: &str, e: &Estimate) -> IntervalPoint {
    IntervalPoint {
        label: label.to_string(),
        estimate: e.proportion,
        lower: e.lower,
        upper: e.upper,
        n: e.assessed,
        x: e.reasonable,
        flagged: e.too_few,
    }
}

fn hidden_sentence(labels: &[String]) -> String {
    if labels.is_empty() {
        String::new()
    } else {
        format!(
            "Not shown (suppressed in this public report): {}.",
            labels.join(", ")
        )
    }
}

/// The chart of every estimate that may be shown, and what it leaves out.
fn interval_chart(
    id: &'static str,
    title: &str,
    rows: &[(String, &Estimate)],
    confidence: f64,
    trend: bool,
) -> Chart {
    let shown: Vec<IntervalPoint> = rows
        .iter()
        .filter(|(_, e)| !e.suppressed)
        .map(|(label, e)| point(label, e))
        .collect();
    let hidden: Vec<String> = rows
        .iter()
        .filter(|(_, e)| e.suppressed)
        .map(|(label, _)| label.clone())
        .collect();
    let svg = if trend {
        svg::trend_band(title, &shown, confidence)
    } else {
        svg::dot_whisker(title, &shown, confidence)
    };
    Chart {
        id,
        svg: Svg(svg),
        hidden: hidden_sentence(&hidden),
    }
}

fn groups_chart(report: &Report) -> Chart {
    let mut rows: Vec<(String, &Estimate)> = report
        .groups
        .iter()
        .map(|g| (g.group.clone(), &g.estimate))
        .collect();
    rows.push(("Minority ethnic".into(), &report.minority));
    rows.push(("All searches".into(), &report.overall));
    interval_chart(
        "groups",
        "Reasonable grounds evident, by ethnic group",
        &rows,
        report.confidence,
        false,
    )
}

fn trend_chart(report: &Report) -> Chart {
    let rows: Vec<(String, &Estimate)> = report
        .by_month
        .iter()
        .map(|m| (m.month.clone(), &m.estimate))
        .collect();
    interval_chart(
        "trend",
        "Reasonable grounds evident, by month",
        &rows,
        report.confidence,
        true,
    )
}

fn groups_table(report: &Report, level: &str) -> TableView {
    let mut head = strings(&["group"]);
    head.extend(estimate_head(level));
    head.insert(6, "searches in period".into());
    head.insert(7, "share reviewed".into());
    let with_share = |label: &str, e: &Estimate, population: Option<u64>, reviewed: String| {
        let mut cells = estimate_cells(e);
        cells.insert(5, population.map_or("–".into(), |n| n.to_string()));
        cells.insert(6, reviewed);
        row(label, cells)
    };
    let mut rows: Vec<Row> = report
        .groups
        .iter()
        .map(|g| {
            with_share(
                &g.group,
                &g.estimate,
                g.population,
                g.reviewed_share.map_or("–".into(), percent),
            )
        })
        .collect();
    rows.push(with_share(
        "Minority ethnic (all but White and Not stated)",
        &report.minority,
        report.minority_population,
        share(report.minority_population, &report.minority),
    ));
    let mut all = with_share(
        "All searches",
        &report.overall,
        Some(report.population),
        share(Some(report.population), &report.overall),
    );
    all.total = true;
    rows.push(all);
    TableView {
        caption: None,
        head,
        rows,
        left: false,
    }
}

fn comparison(report: &Report, level: &str) -> Option<ComparisonView> {
    let c = report.comparison.as_ref()?;
    let white = report
        .groups
        .iter()
        .find(|g| g.group == c.reference)
        .map(|g| &g.estimate);
    let share_of = |x: u64, n: u64| format!("{x} of {n} ({})", percent(x as f64 / n as f64));
    let points = |d: f64| format!("{:+.1}", d * 100.0 + 0.0).replace('-', "−");
    Some(ComparisonView {
        statement: c.statement.clone(),
        table: TableView {
            caption: None,
            head: strings(&[
                "",
                "searches with reasonable grounds",
                &format!("{level} interval"),
            ]),
            rows: vec![
                row(
                    "Minority ethnic",
                    vec![share_of(c.x1, c.n1), interval_cell(&report.minority)],
                ),
                row(
                    &c.reference,
                    vec![
                        share_of(c.x2, c.n2),
                        white.map_or("–".into(), interval_cell),
                    ],
                ),
                row(
                    "Difference (minority ethnic minus White)",
                    vec![
                        format!("{} percentage points", points(c.difference)),
                        format!("{} to {} points", points(c.lower), points(c.upper)),
                    ],
                ),
                row(
                    "Fisher's exact test (two-sided)",
                    vec![format!("p = {:.3}", c.p_fisher), String::new()],
                ),
            ],
            left: false,
        },
    })
}

fn no_comparison(report: &Report) -> String {
    let white_suppressed = report
        .groups
        .iter()
        .any(|g| g.group == "White" && g.estimate.suppressed);
    if report.public && (report.minority.suppressed || white_suppressed) {
        "Left out of this public report: one side of the comparison is suppressed.".into()
    } else {
        "No comparison: no searches of people from minority ethnic groups, or none of White people, were assessed in the period.".into()
    }
}

fn months_table(report: &Report, level: &str) -> TableView {
    let mut head = strings(&[
        "month",
        "searches in month",
        "due for review",
        "outstanding",
    ]);
    head.extend(estimate_head(level));
    TableView {
        caption: None,
        head,
        rows: report
            .by_month
            .iter()
            .map(|m| {
                let mut cells = vec![
                    m.population.to_string(),
                    m.assigned.to_string(),
                    m.outstanding.to_string(),
                ];
                cells.extend(estimate_cells(&m.estimate));
                row(&m.month, cells)
            })
            .collect(),
        left: false,
    }
}

fn values_table(report: &Report, name: &str, level: &str, legislation: bool) -> TableView {
    let mut head = vec![name.to_string()];
    head.extend(estimate_head(level));
    let values = if legislation {
        &report.by_legislation
    } else {
        &report.by_object
    };
    TableView {
        caption: Some(format!("By {name}")),
        head,
        rows: values
            .iter()
            .map(|v| row(&v.value, estimate_cells(&v.estimate)))
            .collect(),
        left: false,
    }
}

/// A stored vocabulary value in words short enough for a chart label:
/// `professional_standards` → "Professional standards".
fn words(value: &str) -> String {
    let known = match value {
        "reasonable" => "Reasonable grounds",
        "not_reasonable" => "Grounds not reasonable",
        "none_recorded" => "No grounds recorded",
        "insufficient_info" => "Insufficient information",
        "reviewed" => "Footage reviewed",
        "not_available" => "No footage available",
        "not_reviewed" => "Footage not reviewed",
        "yes" => "Explained",
        "partial" => "Partly explained",
        "no" => "Not explained",
        "not_visible" => "Not visible or audible",
        "good" => "Good",
        "adequate" => "Adequate",
        "concern" => "Cause for concern",
        "none" => "No referral",
        "feedback" => "Feedback to officer",
        "supervisor" => "Supervisor",
        "professional_standards" => "Professional standards",
        other => return other.replace('_', " "),
    };
    known.to_string()
}

fn counts_chart(
    id: &'static str,
    title: &str,
    counts: &[Count],
    vocabulary: bool,
) -> Option<Chart> {
    let label = |c: &Count| {
        if vocabulary {
            words(&c.value)
        } else {
            c.value.clone()
        }
    };
    let shown: Vec<BarItem> = counts
        .iter()
        .filter(|c| !c.suppressed)
        .map(|c| BarItem {
            label: label(c),
            count: c.count,
        })
        .collect();
    if !shown.iter().any(|b| b.count > 0) {
        return None;
    }
    let hidden: Vec<String> = counts.iter().filter(|c| c.suppressed).map(label).collect();
    Some(Chart {
        id,
        svg: Svg(svg::bars(title, &shown)),
        hidden: hidden_sentence(&hidden),
    })
}

/// A finding: its chart, or a sentence saying why there is none.
fn finding(
    (id, heading, chart_title): (&'static str, &'static str, &str),
    intro: Option<String>,
    counts: &[Count],
    vocabulary: bool,
) -> Finding {
    let chart = counts_chart(id, chart_title, counts, vocabulary);
    let after = chart.is_none().then(|| {
        if counts.iter().any(|c| c.suppressed) {
            "Every count here is suppressed in this public report.".to_string()
        } else {
            "None recorded.".to_string()
        }
    });
    Finding {
        id,
        heading,
        intro,
        chart,
        after,
    }
}

fn findings(report: &Report) -> Vec<Finding> {
    let b = &report.breakdowns;
    let mut bwv = finding(
        (
            "bwv",
            "Body-worn video",
            "Searches reviewed, by body-worn video",
        ),
        Some(
            "Whether the reviewer could watch the officer's body-worn video of the search.".into(),
        ),
        &b.bwv,
        true,
    );
    let substituted = match b.substituted {
        0 => "No sampled search had to be replaced by a reserve.".to_string(),
        n => format!(
            "{n} sampled {} could not be reviewed and {} replaced by the next reserve drawn for the champion; the footage was missing in {} of {n}.",
            if n == 1 { "search" } else { "searches" },
            if n == 1 { "was" } else { "were" },
            b.substituted_for_missing_footage
        ),
    };
    bwv.after = Some(match bwv.after {
        Some(text) => format!("{text} {substituted}"),
        None => substituted,
    });
    vec![
        finding(
            (
                "verdicts",
                "Were reasonable grounds evident?",
                "Searches reviewed, by verdict",
            ),
            Some("Insufficient information: reviewed, but too little to judge; never counted in the percentages.".into()),
            &b.verdicts,
            true,
        ),
        bwv,
        finding(
            (
                "gowisely",
                "Was the search explained (GOWISELY)?",
                "Searches reviewed, by whether the search was explained",
            ),
            Some("Whether the officer told the person what the law requires before searching (grounds, object, warrant card, identity, station, entitlement to a record, legal power, and that they are being detained for a search), as far as the footage shows.".into()),
            &b.gowisely,
            true,
        ),
        finding(
            (
                "conduct",
                "How the search was conducted",
                "Searches reviewed, by conduct",
            ),
            None,
            &b.conduct,
            true,
        ),
        finding(
            ("referrals", "Referrals", "Searches reviewed, by referral"),
            Some("What the review led to for the officer.".into()),
            &b.referrals,
            true,
        ),
        finding(
            (
                "themes",
                "Learning themes",
                "Searches reviewed, by learning theme",
            ),
            Some("Themes the reviewers tagged; a search can have several.".into()),
            &b.themes,
            false,
        ),
    ]
}

/// The command a panel member runs; file names quoted for a POSIX shell.
fn verify_command<'a>(month: &str, files: impl Iterator<Item = &'a str>) -> String {
    let mut command = format!(
        "grounds verify {} --export",
        shell_quote(&format!("worksheets/{month}/manifest.json"))
    );
    for file in files {
        command.push(' ');
        command.push_str(&shell_quote(file));
    }
    command
}

fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/-+=:,@".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

fn interval_method(report: &Report) -> String {
    let level = percent_level(report.confidence);
    let why = match report.method.as_str() {
        "wilson" => " (Brown, Cai and DasGupta 2001): it behaves well with small samples and with percentages near 100%, where the simple textbook (Wald) interval is too narrow",
        "normal_fpc" => ": the number of searches each month is known from the export, so the interval is narrowed by the share of them that was reviewed. With samples this small the Wald interval can be too narrow; the default, Wilson, is safer",
        "normal" => ": the simple textbook interval, which is too narrow with small samples and percentages near 100%",
        _ => "",
    };
    format!(
        "Every percentage comes with a {level} {} interval{why}. Differences between two groups use Newcombe's hybrid score interval, with Fisher's exact test alongside.",
        report.method_label
    )
}

fn caveats(report: &Report) -> Vec<String> {
    let mut caveats = vec![
        format!(
            "Each champion reviews about 20 searches a month, so a month's figure rests on a few dozen searches, and a group's often on fewer: their intervals are wide. Figures resting on fewer than {} assessed searches are marked \"too few to judge\": read them as examples, not as rates.",
            report.too_few_below
        ),
        "Searches the reviewer could not judge (insufficient information) are shown, but never counted in the percentages: they neither raise nor lower them.".into(),
        "When the interval for a difference between two groups includes zero, the searches reviewed do not show a difference; that is not proof that there is none. When it excludes zero, it is a reason to look closer, not a measure of how large the gap is.".into(),
        "From one month to the next the percentage moves by chance alone, usually within the intervals: look for changes that last.".into(),
        "A sampled search that cannot be reviewed is replaced by the next reserve drawn for that champion, never by one chosen by hand. Searches replaced because footage was missing may differ from the rest; how many were replaced is shown under Body-worn video.".into(),
        "The review judges the record and the footage of each search; it is a judgement by a trained colleague, not a finding of misconduct.".into(),
    ];
    if report.public {
        let k = report.suppressed_below.unwrap_or(0);
        caveats.push(format!(
            "In this public report, figures resting on 1 to {} searches are suppressed, and so are a few larger ones that would otherwise let a reader work a suppressed figure out by subtraction (from a total and the other rows). Suppressed figures read \"suppressed\"; charts leave them out and say so. Champion names and reviewers' notes are not included.",
            k.saturating_sub(1)
        ));
    }
    caveats
}

#[cfg(test)]
mod tests {
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
        assert!(
            html.contains("&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62; &#38; no footage")
        );
        assert!(html.contains("Sgt Ben &#60;Hartley&#62;"));
        assert!(!html.contains("<Hartley>"));
        assert!(html.contains("Officer said &#34;routine&#34;;\nno grounds written."));
    }

    #[test]
    fn the_template_trusts_nothing_but_svg() {
        let template = include_str!("../../../templates/report.html");
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
            6,
            "Mixed and Other left out"
        );
        assert!(groups.contains("Not shown (suppressed in this public report): Mixed, Other."));
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
}
