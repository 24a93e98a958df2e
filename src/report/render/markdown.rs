//! Markdown for minutes and papers.

use super::{
    count_cell, data_warnings, estimate_cells, estimate_header, group_rows, headline, method_line,
    outstanding_warning, public_note, title, SIMULATED_BANNER,
};
use crate::report::model::{Count, Report};

/// Text from exports and reviewers must not break the table or smuggle
/// markup into a rendered page.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\n', '\r'], " ")
}

fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    out.push_str(&format!("| {} |\n", header.join(" | ")));
    let rule: Vec<&str> = header
        .iter()
        .enumerate()
        .map(|(i, _)| if i == 0 { "---" } else { "---:" })
        .collect();
    out.push_str(&format!("| {} |\n", rule.join(" | ")));
    for row in rows {
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    out.push('\n');
}

fn counts(out: &mut String, heading: &str, name: &str, counts: &[Count]) {
    out.push_str(&format!("### {heading}\n\n"));
    let rows: Vec<Vec<String>> = counts
        .iter()
        .map(|c| vec![escape(&c.value), count_cell(c.count, c.suppressed)])
        .collect();
    table(out, &[name, "searches"], &rows);
}

pub fn render(report: &Report) -> String {
    let headings = estimate_header(report.confidence);
    let estimate_header: Vec<&str> = headings.iter().map(String::as_str).collect();
    let mut out = format!("# {}\n\n", escape(&title(report)));
    if report.simulated {
        out.push_str(&format!("> **{SIMULATED_BANNER}**\n\n"));
    }
    if let Some(warning) = outstanding_warning(report) {
        out.push_str(&format!("> **{warning}**\n\n"));
    }
    if let Some(note) = public_note(report) {
        out.push_str(&format!("> **{note}**\n\n"));
    }
    for warning in data_warnings(report) {
        out.push_str(&format!("> Note: {}\n\n", escape(&warning)));
    }
    out.push_str(&format!(
        "{}\n\n_{}_\n\n",
        headline(report),
        method_line(report)
    ));

    out.push_str(&format!("## By ethnic group ({})\n\n", report.ethnicity));
    let rows: Vec<Vec<String>> = group_rows(report)
        .into_iter()
        .map(|row| {
            let mut cells = vec![if row.total {
                format!("**{}**", row.label)
            } else {
                row.label.to_string()
            }];
            cells.extend(estimate_cells(row.estimate));
            cells.extend([row.population, row.share]);
            cells
        })
        .collect();
    table(
        &mut out,
        &[
            &["group"],
            &estimate_header[..],
            &["searches in period", "share reviewed"],
        ]
        .concat(),
        &rows,
    );
    if let Some(c) = &report.comparison {
        out.push_str(&format!("{}\n\n", c.statement));
    }

    out.push_str("## By month\n\n");
    let rows: Vec<Vec<String>> = report
        .by_month
        .iter()
        .map(|m| {
            let mut cells = vec![
                m.month.clone(),
                m.population.to_string(),
                m.assigned.to_string(),
                m.outstanding.to_string(),
            ];
            cells.extend(estimate_cells(&m.estimate));
            cells
        })
        .collect();
    table(
        &mut out,
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
        &rows,
    );

    if !report.by_champion.is_empty() {
        out.push_str("## By champion\n\nSmall samples: listed alphabetically, not ranked.\n\n");
        let rows: Vec<Vec<String>> = report
            .by_champion
            .iter()
            .map(|c| {
                let mut cells = vec![
                    escape(&c.champion),
                    c.assigned.to_string(),
                    c.outstanding.to_string(),
                ];
                cells.extend(estimate_cells(&c.estimate));
                cells
            })
            .collect();
        table(
            &mut out,
            &[
                &["champion", "due for review", "outstanding"],
                &estimate_header[..],
            ]
            .concat(),
            &rows,
        );
    }

    for (heading, name, values) in [
        ("By legislation", "legislation", &report.by_legislation),
        ("By object of search", "object of search", &report.by_object),
    ] {
        out.push_str(&format!("## {heading}\n\n"));
        let rows: Vec<Vec<String>> = values
            .iter()
            .map(|v| {
                let mut cells = vec![escape(&v.value)];
                cells.extend(estimate_cells(&v.estimate));
                cells
            })
            .collect();
        table(&mut out, &[&[name], &estimate_header[..]].concat(), &rows);
    }

    out.push_str("## How the searches were reviewed\n\n");
    let b = &report.breakdowns;
    counts(&mut out, "Grounds verdicts", "verdict", &b.verdicts);
    counts(&mut out, "Body-worn video", "body-worn video", &b.bwv);
    out.push_str(&format!(
        "{} sampled searches were replaced by a reserve, {} of them because footage was missing.\n\n",
        b.substituted, b.substituted_for_missing_footage
    ));
    counts(&mut out, "GOWISELY explained", "explained", &b.gowisely);
    counts(&mut out, "Conduct of the search", "conduct", &b.conduct);
    counts(&mut out, "Referrals", "referral", &b.referrals);
    if !b.themes.is_empty() {
        counts(&mut out, "Learning themes", "theme", &b.themes);
    }

    out.push_str("## Draws\n\nEach draw can be recomputed by anyone with `grounds verify MANIFEST --export FILE...`.\n\n");
    let rows: Vec<Vec<String>> = report
        .draws
        .iter()
        .map(|d| {
            vec![
                d.month.clone(),
                format!("`{}`", escape(&d.seed)),
                format!("`{}`", d.manifest_sha256),
                d.inputs
                    .iter()
                    .map(|i| escape(&i.file))
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        })
        .collect();
    table(
        &mut out,
        &["month", "seed", "manifest SHA-256", "inputs"],
        &rows,
    );
    out.trim_end().to_string() + "\n"
}
