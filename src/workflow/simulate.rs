//! Simulated assessments for `grounds demo` and examples: filled into a
//! worksheet the way a champion would, clearly labelled as made up.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use anyhow::{bail, Context, Result};
use rand::rngs::StdRng;
use rand::Rng;

use super::worksheets::{workbook_content, SECOND_ROLE};
use super::{Draw, Workspace};
use crate::assess::workbook::write_workbook;
use crate::assess::worksheet::ASSESSMENT_COLUMNS;

/// Fills the sample rows (but `missing`, the substituted search) and the
/// reserve `brought_in` with simulated assessments, in place. Returns how
/// many rows it filled.
pub fn fill_worksheet(
    path: &Path,
    missing: &str,
    brought_in: &str,
    rng: &mut StdRng,
) -> Result<usize> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
    let header = reader.headers()?.clone();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
    };
    let (Some(id), Some(role), Some(champion)) =
        (column("record_id"), column("role"), column("champion"))
    else {
        bail!("{} is not a grounds worksheet", path.display());
    };
    let assessment: Vec<usize> = ASSESSMENT_COLUMNS
        .iter()
        .filter_map(|c| column(c))
        .collect();
    let mut rows = Vec::new();
    let mut filled = 0;
    for row in reader.records() {
        let mut row: Vec<String> = row?.iter().map(String::from).collect();
        let record = row[id].clone();
        let due = (row[role] == "sample" && record != missing) || record == brought_in;
        if due {
            let values = simulated_assessment(rng, &row[champion]);
            for (index, value) in assessment.iter().zip(values) {
                row[*index] = value;
            }
            filled += 1;
        }
        rows.push(row);
    }
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        writer.write_record(header.iter().map(|h| h.trim_start_matches('\u{feff}')))?;
        for row in &rows {
            writer.write_record(row)?;
        }
        writer.flush()?;
    }
    fs::write(path, out).with_context(|| format!("writing {}", path.display()))?;
    Ok(filled)
}

/// Fills a draw's workbooks as [`fill_worksheet`] fills a CSV worksheet:
/// each is written again, with the same columns, lists and deadlines, and
/// simulated answers in the rows due. Second reviews (`--second-review`)
/// get their own simulated answers, mostly agreeing with the first review's
/// grounds and sometimes not, so a report has pairs to compare. Returns how
/// many rows each got.
pub fn fill_workbooks(
    workspace: &Workspace,
    drawn: &Draw,
    missing: &str,
    brought_in: &str,
    rng: &mut StdRng,
) -> Result<Vec<usize>> {
    let mut store = workspace.open()?;
    let tx = store.read()?;
    let month = drawn.manifest.month.to_string();
    let Some(draw) = tx.current_draw(&month)? else {
        bail!("no draw for {month} in {}", workspace.db().display());
    };
    let manifest = &drawn.manifest;
    // First reviews in workbook order, then second reviews: the first
    // answers are the same whether or not there are second reviews.
    let mut first: HashMap<String, Vec<String>> = HashMap::new();
    for champion in &manifest.champions {
        for id in champion.sample.iter().chain(&champion.reserves) {
            let due = (champion.sample.contains(id) && id != missing) || id == brought_in;
            if due {
                first.insert(
                    id.clone(),
                    simulated_assessment(rng, &champion.champion.name),
                );
            }
        }
    }
    let mut second: HashMap<String, Vec<String>> = HashMap::new();
    for review in manifest.second_reviews.iter().flat_map(|s| &s.reviews) {
        let Some(theirs) = first.get(&review.record_id) else {
            continue;
        };
        let mut answers = simulated_assessment(rng, &review.champion);
        answers[0] = second_opinion(rng, &theirs[0]);
        second.insert(review.record_id.clone(), answers);
    }
    let mut filled = Vec::new();
    for (champion, path) in manifest.champions.iter().zip(&drawn.worksheets) {
        let seconds = manifest
            .second_reviews
            .iter()
            .flat_map(|s| s.of(&champion.champion.name))
            .map(|r| &r.record_id);
        let mut header = Vec::new();
        let mut details = HashMap::new();
        for id in champion
            .sample
            .iter()
            .chain(&champion.reserves)
            .chain(seconds)
        {
            if let Some(found) = tx.search_details(draw.id, id)? {
                header = found.header;
                details.insert(id.clone(), found.fields);
            }
        }
        let date_column = header
            .iter()
            .position(|h| h.trim() == manifest.columns.date.trim())
            .unwrap_or(0);
        let mut rows = 0;
        let content = workbook_content(manifest, champion, &header, date_column, |id, role| {
            let fields = details.get(id).cloned().unwrap_or_default();
            // A second review gets only the second reviewer's answers.
            let answers = if role == SECOND_ROLE {
                second.get(id)
            } else {
                first.get(id)
            };
            match answers {
                Some(answers) => {
                    rows += 1;
                    (fields, answers.clone())
                }
                None => (fields, Vec::new()),
            }
        });
        write_workbook(path, &content)?;
        filled.push(rows);
    }
    Ok(filled)
}

/// A second reviewer's simulated grounds: as the first review's, about
/// five times in six, otherwise another verdict.
fn second_opinion(rng: &mut StdRng, first: &str) -> String {
    const VERDICTS: [&str; 3] = ["reasonable", "not_reasonable", "none_recorded"];
    if rng.random_range(0..6) > 0 {
        return first.to_string();
    }
    let others: Vec<&str> = VERDICTS.iter().copied().filter(|v| *v != first).collect();
    others[rng.random_range(0..others.len())].to_string()
}

/// One simulated assessment, in worksheet column order, with frequencies
/// loosely like published reviews (most searches with reasonable grounds).
pub fn simulated_assessment(rng: &mut StdRng, champion: &str) -> Vec<String> {
    let pick = |rng: &mut StdRng, options: &[(&str, u32)]| -> String {
        let total: u32 = options.iter().map(|(_, w)| w).sum();
        let mut roll = rng.random_range(0..total);
        for (value, weight) in options {
            if roll < *weight {
                return value.to_string();
            }
            roll -= weight;
        }
        options[0].0.to_string()
    };
    let grounds = pick(
        rng,
        &[
            ("reasonable", 83),
            ("not_reasonable", 7),
            ("none_recorded", 4),
            ("insufficient_info", 6),
        ],
    );
    let bwv = pick(
        rng,
        &[("reviewed", 85), ("not_available", 10), ("not_reviewed", 5)],
    );
    let gowisely = if bwv == "reviewed" {
        pick(rng, &[("yes", 70), ("partial", 20), ("no", 10)])
    } else {
        "not_visible".to_string()
    };
    let conduct = pick(rng, &[("good", 60), ("adequate", 32), ("concern", 8)]);
    let themes = pick(
        rng,
        &[
            ("", 60),
            ("grounds wording", 15),
            ("GOWISELY", 10),
            ("BWV activation", 10),
            ("grounds wording; GOWISELY", 5),
        ],
    );
    let referral = if grounds == "reasonable" && conduct != "concern" {
        pick(rng, &[("none", 90), ("feedback", 10)])
    } else {
        pick(
            rng,
            &[
                ("feedback", 60),
                ("supervisor", 35),
                ("professional_standards", 5),
            ],
        )
    };
    let day = rng.random_range(4..=27);
    vec![
        grounds,
        bwv,
        gowisely,
        conduct,
        themes,
        referral,
        "SIMULATED: not a real review".to_string(),
        format!("{champion} (SIMULATED)"),
        format!("2019-02-{day:02}"),
    ]
}
