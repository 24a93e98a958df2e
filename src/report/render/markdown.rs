//! Markdown for minutes and papers.

use super::{
    count_cell, data_warnings, estimate_cells, estimate_header, group_rows, headline, method_line,
    outstanding_warning, public_note, title, SIMULATED_BANNER,
};
use crate::report::model::{Count, Report};
use crate::report::quality;

/// Text from exports and reviewers must not break the table or smuggle
/// markup into a rendered page: ASCII punctuation that can open markup is
/// backslash-escaped (CommonMark renders `\[` as a plain `[`), so
/// `[click](javascript:...)`, `![x](http://...)` (no link without `[`),
/// emphasis, code and tables stay literal text; HTML is written as entities, line breaks
/// become spaces and control characters are shown visibly. Punctuation that
/// is markup only at the start of a line (`-`, `.`, `=`) or never (`,`,
/// `:`, `/`, ...) is left readable: escaped text never starts a line.
fn escape(text: &str) -> String {
    const PLAIN_PUNCTUATION: &str = "-.,:;/'\"%?=@()!";
    let visible = crate::display::visible(&text.replace(['\n', '\r'], " ")).into_owned();
    let chars: Vec<char> = visible.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let alphanumeric_at = |j: Option<usize>| {
            j.and_then(|j| chars.get(j))
                .is_some_and(|c| c.is_alphanumeric())
        };
        match c {
            // An underscore inside a word (`not_reasonable`) never starts
            // emphasis in CommonMark; only one at a word's edge needs escaping.
            '_' if alphanumeric_at(i.checked_sub(1)) && alphanumeric_at(Some(i + 1)) => {
                out.push('_')
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c if c.is_ascii_punctuation() && !PLAIN_PUNCTUATION.contains(c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A code span whose fence is longer than any run of backticks inside it:
/// within a code span nothing is markup, and backslashes are literal.
fn code_span(text: &str) -> String {
    let text = crate::display::visible(&text.replace(['\n', '\r'], " ")).into_owned();
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", text.replace('|', "\\|"))
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

    if let Some(q) = &report.agreement {
        out.push_str(&format!(
            "## {}\n\n{}\n\n",
            quality::HEADING,
            quality::INTRO
        ));
        if !q.suppressed {
            let rows: Vec<Vec<String>> = quality::table_rows(q)
                .into_iter()
                .map(|row| row.to_vec())
                .collect();
            table(&mut out, &quality::TABLE_HEAD, &rows);
            let head = quality::figure_head(q.confidence);
            let rows: Vec<Vec<String>> = quality::figure_rows(q)
                .into_iter()
                .map(|row| row.to_vec())
                .collect();
            table(
                &mut out,
                &head.iter().map(String::as_str).collect::<Vec<_>>(),
                &rows,
            );
        }
        out.push_str(&format!(
            "{}\n\n_{}_\n\n",
            q.reading,
            quality::INTERVAL_METHODS
        ));
    }

    out.push_str("## Draws\n\nEach draw can be recomputed by anyone with `grounds verify MANIFEST --export FILE...`.\n\n");
    let rows: Vec<Vec<String>> = report
        .draws
        .iter()
        .map(|d| {
            vec![
                d.month.clone(),
                code_span(&d.seed),
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

#[cfg(test)]
mod tests {
    use super::{code_span, escape};

    #[test]
    fn links_images_and_html_from_data_stay_literal() {
        let link = escape("[click](javascript:alert(1))");
        assert_eq!(link, "\\[click\\](javascript:alert(1))");
        let image = escape("![x](http://tracker.example/p.png)");
        assert!(image.starts_with("!\\[x\\]("), "{image}");
        assert_eq!(escape("<img src=x onerror=alert(1)>").find('<'), None);
        assert_eq!(
            escape("*bold* _em_ `code` | pipe"),
            "\\*bold\\* \\_em\\_ \\`code\\` \\| pipe"
        );
        assert_eq!(escape("not_reasonable"), "not_reasonable");
        assert_eq!(escape("two\nlines"), "two lines");
        assert_eq!(escape("bell\u{7}"), "bell\\\\x07");
    }

    #[test]
    fn ordinary_text_stays_readable() {
        assert_eq!(
            escape("Misuse of Drugs Act 1971 (section 23)"),
            "Misuse of Drugs Act 1971 (section 23)"
        );
        assert_eq!(escape("2019-01 to 2019-03"), "2019-01 to 2019-03");
    }

    #[test]
    fn code_spans_hold_any_seed() {
        assert_eq!(code_span("panel-2019"), "`panel-2019`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x"), "`` `x ``");
        assert_eq!(code_span("a|b"), "`a\\|b`");
    }
}
