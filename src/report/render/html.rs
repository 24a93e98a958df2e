//! A self-contained HTML page for the community scrutiny panel: read on a
//! phone, printed on A4, opened offline. askama escapes every value; the
//! only markup that goes in as it is are the charts, which svg.rs builds and
//! escapes itself, and which reach the template only as [`Svg`].

use std::fmt;

use askama::Template;

mod text;
use text::{
    caveats, coverage, interval_method, no_comparison, own_searches_sentence, share_sentence,
    subtitle, verify_command, weights_paragraphs, words,
};

use super::{
    data_warnings, estimate_cells, estimate_header, group_rows, headline, interval_cell,
    method_line, outstanding_warning, public_note, title, OVERALL_LABEL, SIMULATED_BANNER,
};
use crate::report::model::{Count, Estimate, Report};
use crate::report::quality::{self, ReviewQuality};
use crate::report::svg::agreement::CoefficientPoint;
use crate::report::svg::{self, BarItem, IntervalPoint};
use crate::stats::Test;
use crate::wording::{level, percent};

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

struct QualityView {
    intro: String,
    chart: Option<Chart>,
    tables: Vec<TableView>,
    reading: String,
    methods: &'static str,
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
    data_warnings: Vec<String>,
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
    own_searches: String,
    weights: Vec<String>,
    comparison: Option<ComparisonView>,
    no_comparison: String,
    trend_chart: Chart,
    months_table: TableView,
    findings: Vec<Finding>,
    quality: Option<QualityView>,
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
    let level = level(report.confidence);
    let champions_table = (!report.public && !report.by_champion.is_empty()).then(|| {
        let mut head = strings(&["champion", "due for review", "outstanding"]);
        head.extend(estimate_header(report.confidence));
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
    ];
    if report.agreement.is_some() {
        contents.push(("quality", "Review quality"));
    }
    contents.push(("context", "By legislation and object of search"));
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
        data_warnings: data_warnings(report),
        contents,
        headline: headline(report),
        comparison_statement: report.comparison.as_ref().map(|c| c.statement.clone()),
        coverage: coverage(report),
        method_line: method_line(report),
        ethnicity: report.ethnicity.clone(),
        level: level.clone(),
        groups_chart: groups_chart(report),
        groups_table: groups_table(report),
        share_sentence: share_sentence(report),
        own_searches: own_searches_sentence(report),
        weights: weights_paragraphs(report),
        comparison: comparison(report, &level),
        no_comparison: no_comparison(report),
        trend_chart: trend_chart(report),
        months_table: months_table(report),
        findings: findings(report),
        quality: report.agreement.as_ref().map(quality_view),
        legislation_table: values_table(report, "legislation", true),
        object_table: values_table(report, "object of search", false),
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
    rows.push((OVERALL_LABEL.into(), &report.overall));
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

fn groups_table(report: &Report) -> TableView {
    let mut head = strings(&["group"]);
    head.extend(estimate_header(report.confidence));
    head.insert(6, "searches in period".into());
    head.insert(7, "share reviewed".into());
    let rows = group_rows(report)
        .into_iter()
        .map(|g| {
            let mut cells = estimate_cells(g.estimate);
            cells.insert(5, g.population);
            cells.insert(6, g.share);
            Row {
                label: g.label.to_string(),
                cells,
                total: g.total,
            }
        })
        .collect();
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
                    match c.test {
                        Test::Fisher => "Fisher's exact test (two-sided)",
                        Test::DesignWald => "Design-based Wald test (two-sided)",
                    },
                    vec![format!("p = {:.3}", c.p_value), String::new()],
                ),
                row(
                    "Smallest shortfall detectable (80% power)",
                    vec![
                        c.detectable_difference
                            .map_or("none within reach".into(), |d| {
                                format!("{:.1} points", d * 100.0)
                            }),
                        String::new(),
                    ],
                ),
            ],
            left: false,
        },
    })
}

fn months_table(report: &Report) -> TableView {
    let mut head = strings(&[
        "month",
        "searches in month",
        "due for review",
        "outstanding",
    ]);
    head.extend(estimate_header(report.confidence));
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

fn values_table(report: &Report, name: &str, legislation: bool) -> TableView {
    let mut head = vec![name.to_string()];
    head.extend(estimate_header(report.confidence));
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

fn quality_view(q: &ReviewQuality) -> QualityView {
    let shown = !q.suppressed && q.pairs > 0;
    let chart = shown.then(|| {
        let undefined = match q.kappa_undefined {
            // The point's label already names kappa: say why once.
            Some(reason) => format!("undefined: {}", reason.why()),
            None => "no value".into(),
        };
        let points = [
            CoefficientPoint {
                label: "Gwet's AC1".into(),
                estimate: q.ac1,
                lower: q.ac1_lower,
                upper: q.ac1_upper,
                missing: "no value".into(),
            },
            CoefficientPoint {
                label: "Cohen's kappa".into(),
                estimate: q.kappa,
                lower: q.kappa_lower,
                upper: q.kappa_upper,
                missing: undefined,
            },
        ];
        Chart {
            id: "agreement",
            svg: Svg(svg::agreement::coefficients(
                "Agreement between first and second reviews, beyond chance",
                &points,
                q.confidence,
            )),
            hidden: String::new(),
        }
    });
    let tables = if q.suppressed {
        Vec::new()
    } else {
        let table_rows = |rows: Vec<Vec<String>>| -> Vec<Row> {
            rows.into_iter()
                .map(|mut cells| {
                    let label = cells.remove(0);
                    Row {
                        total: label == "Total",
                        label,
                        cells,
                    }
                })
                .collect()
        };
        vec![
            TableView {
                caption: Some(format!(
                    "{} searches reviewed twice: first review (rows) by second review (columns)",
                    q.pairs
                )),
                head: strings(&quality::TABLE_HEAD),
                rows: table_rows(quality::table_rows(q).into_iter().map(Vec::from).collect()),
                left: false,
            },
            TableView {
                caption: Some("Agreement, and agreement beyond chance".into()),
                head: quality::figure_head(q.confidence).to_vec(),
                rows: table_rows(quality::figure_rows(q).into_iter().map(Vec::from).collect()),
                left: false,
            },
        ]
    };
    QualityView {
        intro: quality::INTRO.into(),
        chart,
        tables,
        reading: q.reading.clone(),
        methods: quality::INTERVAL_METHODS,
    }
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

#[cfg(test)]
mod tests;
