//! Terminal tables for people (comfy-table).

use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, ContentArrangement, Table};

use super::{
    count_cell, data_warnings, estimate_cells, estimate_header, group_rows, headline, method_line,
    outstanding_warning, public_note, title, SIMULATED_BANNER,
};
use crate::display::visible;
use crate::report::model::{Count, Report};
use crate::report::quality;

/// Prose wrapped at spaces to `width` columns (a word longer than the width
/// stands alone on its line); line breaks in `text` are kept.
fn wrap(text: &str, width: Option<u16>) -> String {
    let Some(width) = width.map(usize::from) else {
        return text.to_string();
    };
    let mut out = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            let needed =
                line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
            if !line.is_empty() && needed > width {
                out.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push(line);
    }
    out.join("\n")
}

/// A table that wraps its cells to fit `width` columns, or the terminal's
/// width when printed to one (`None`); piped output is never wrapped, so
/// scripts reading it see one line per row.
fn new_table(header: &[&str], width: Option<u16>) -> Table {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_content_arrangement(ContentArrangement::Dynamic);
    if let Some(width) = width {
        table.set_width(width);
    }
    table.set_header(header.iter().map(Cell::new));
    for index in 1..header.len() {
        if let Some(column) = table.column_mut(index) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    table
}

fn new_counts_table(name: &str, counts: &[Count], width: Option<u16>) -> Table {
    let mut t = new_table(&[name, "searches"], width);
    for count in counts {
        t.add_row(vec![
            visible(&count.value).into_owned(),
            count_cell(count.count, count.suppressed),
        ]);
    }
    t
}

/// The report as terminal tables, fitted to the terminal when printed to one.
pub fn render(report: &Report) -> String {
    render_width(report, Table::new().width())
}

/// The report as terminal tables and prose no wider than `width` columns
/// (`None`: unlimited, for pipes). Text from exports and people is shown
/// with control characters made visible.
pub fn render_width(report: &Report, width: Option<u16>) -> String {
    let table = |header: &[&str]| new_table(header, width);
    let counts_table = |name: &str, counts: &[Count]| new_counts_table(name, counts, width);
    let headings = estimate_header(report.confidence);
    let estimate_header: Vec<&str> = headings.iter().map(String::as_str).collect();
    let mut out = String::new();
    let mut section = |heading: &str, body: String| {
        out.push_str(heading);
        out.push('\n');
        out.push_str(&body);
        out.push_str("\n\n");
    };

    let mut intro = String::new();
    if report.simulated {
        intro.push_str(SIMULATED_BANNER);
        intro.push('\n');
    }
    if let Some(note) = public_note(report) {
        intro.push_str(&note);
        intro.push('\n');
    }
    intro.push_str(&method_line(report));
    intro.push_str("\n\n");
    intro.push_str(&headline(report));
    if let Some(warning) = outstanding_warning(report) {
        intro.push('\n');
        intro.push_str(&warning);
    }
    for warning in data_warnings(report) {
        intro.push_str("\nNOTE: ");
        intro.push_str(&visible(&warning));
    }
    section(&visible(&title(report)), wrap(&intro, width));

    let mut groups = table(
        &[
            &["group"],
            &estimate_header[..],
            &["searches in period", "share reviewed"],
        ]
        .concat(),
    );
    for row in group_rows(report) {
        let mut cells = vec![row.label.to_string()];
        cells.extend(estimate_cells(row.estimate));
        cells.extend([row.population, row.share]);
        groups.add_row(cells);
    }
    section(
        &format!("By ethnic group ({})", report.ethnicity),
        groups.to_string(),
    );

    if let Some(comparison) = &report.comparison {
        section(
            "Minority ethnic groups compared with White",
            wrap(&comparison.statement, width),
        );
    }

    let mut months = table(
        &[
            &[
                "month",
                "searches in month",
                "due for review",
                "outstanding",
            ],
            &estimate_header[..],
        ]
        .concat(),
    );
    for row in &report.by_month {
        let mut cells = vec![
            row.month.clone(),
            row.population.to_string(),
            row.assigned.to_string(),
            row.outstanding.to_string(),
        ];
        cells.extend(estimate_cells(&row.estimate));
        months.add_row(cells);
    }
    section("By month", months.to_string());

    if !report.by_champion.is_empty() {
        let mut champions = table(
            &[
                &["champion", "due for review", "outstanding"],
                &estimate_header[..],
            ]
            .concat(),
        );
        for row in &report.by_champion {
            let mut cells = vec![
                visible(&row.champion).into_owned(),
                row.assigned.to_string(),
                row.outstanding.to_string(),
            ];
            cells.extend(estimate_cells(&row.estimate));
            champions.add_row(cells);
        }
        section(
            "By champion (small samples: alphabetical, not ranked)",
            champions.to_string(),
        );
    }

    for (heading, rows) in [
        ("By legislation", &report.by_legislation),
        ("By object of search", &report.by_object),
    ] {
        let mut t = table(&[&[heading.trim_start_matches("By ")], &estimate_header[..]].concat());
        for row in rows {
            let mut cells = vec![visible(&row.value).into_owned()];
            cells.extend(estimate_cells(&row.estimate));
            t.add_row(cells);
        }
        section(heading, t.to_string());
    }

    let b = &report.breakdowns;
    section(
        "Grounds verdicts",
        counts_table("verdict", &b.verdicts).to_string(),
    );
    let mut bwv = counts_table("body-worn video", &b.bwv);
    bwv.add_row(vec![
        "substituted by a reserve".to_string(),
        b.substituted.to_string(),
    ]);
    bwv.add_row(vec![
        "  of which footage missing".to_string(),
        b.substituted_for_missing_footage.to_string(),
    ]);
    section("Body-worn video", bwv.to_string());
    section(
        "GOWISELY explained",
        counts_table("explained", &b.gowisely).to_string(),
    );
    section(
        "Conduct of the search",
        counts_table("conduct", &b.conduct).to_string(),
    );
    section(
        "Referrals",
        counts_table("referral", &b.referrals).to_string(),
    );
    if !b.themes.is_empty() {
        section(
            "Learning themes",
            counts_table("theme", &b.themes).to_string(),
        );
    }

    if let Some(q) = &report.agreement {
        let mut body = wrap(quality::INTRO, width);
        if !q.suppressed {
            let mut pairs = table(&quality::TABLE_HEAD);
            for row in quality::table_rows(q) {
                pairs.add_row(row.to_vec());
            }
            let head = quality::figure_head(q.confidence);
            let mut figures = table(&head.iter().map(String::as_str).collect::<Vec<_>>());
            for row in quality::figure_rows(q) {
                figures.add_row(row.to_vec());
            }
            body.push_str(&format!("\n{pairs}\n{figures}"));
        }
        body.push('\n');
        body.push_str(&wrap(&q.reading, width));
        body.push('\n');
        body.push_str(&wrap(quality::INTERVAL_METHODS, width));
        section(quality::HEADING, body);
    }

    let mut draws = table(&["month", "seed", "manifest SHA-256", "inputs"]);
    for draw in &report.draws {
        draws.add_row(vec![
            draw.month.clone(),
            visible(&draw.seed).into_owned(),
            draw.manifest_sha256.clone(),
            draw.inputs
                .iter()
                .map(|i| visible(&i.file).into_owned())
                .collect::<Vec<_>>()
                .join(", "),
        ]);
    }
    section("Draws (check any with `grounds verify`)", draws.to_string());
    out.trim_end().to_string() + "\n"
}
