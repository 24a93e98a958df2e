//! Writing a draw's worksheets: one workbook (or CSV file) per champion.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use chrono_tz::Tz;
use csv::StringRecord;

use crate::assess::workbook::{write_workbook, SearchedAt, WorkbookContent, WorkbookRow};
use crate::assess::worksheet::{write_worksheet, WorksheetFormat, WorksheetRow};
use crate::sample::{ChampionDraw, Manifest};
use crate::spreadsheet::safe_file_stems;

/// One champion's workbook: `row(record_id, role)` gives the search's
/// export fields and any answers already given. A second review (role
/// `second`) must get only the second reviewer's answers: this champion
/// judges the search blind.
pub(super) fn workbook_content(
    manifest: &Manifest,
    draw: &ChampionDraw,
    header: &[String],
    date_column: usize,
    mut row: impl FnMut(&str, &str) -> (Vec<String>, Vec<String>),
) -> WorkbookContent {
    let zone: Tz = manifest
        .timezone
        .parse()
        .unwrap_or(chrono_tz::Europe::London);
    let no_suspicion = manifest.columns.no_suspicion();
    let legislation = manifest
        .columns
        .legislation
        .as_deref()
        .and_then(|name| header.iter().position(|h| h.trim() == name.trim()));
    let rows = drawn_searches(manifest, draw)
        .iter()
        .map(|s| {
            let (fields, answers) = row(s.record_id, s.role);
            WorkbookRow {
                record_id: s.record_id.to_string(),
                role: s.role.to_string(),
                position: s.position,
                searched_at: fields.get(date_column).and_then(|text| {
                    SearchedAt::from_export_field(
                        text,
                        manifest.columns.date_format.as_deref(),
                        manifest.columns.naive_dates,
                    )
                }),
                no_suspicion: legislation
                    .and_then(|i| fields.get(i))
                    .is_some_and(|power| no_suspicion.matches(power)),
                fields,
                answers,
            }
        })
        .collect();
    WorkbookContent {
        champion: draw.champion.name.clone(),
        month: manifest.month,
        timezone: zone,
        retention_days: manifest.parameters.bwv_retention_days,
        export_header: header.to_vec(),
        rows,
    }
}

/// A champion's sample, then reserves, in order; then the searches dealt
/// to them for a blind second review (role `second`).
fn drawn_searches<'a>(manifest: &'a Manifest, draw: &'a ChampionDraw) -> Vec<Drawn<'a>> {
    let own = [("sample", &draw.sample), ("reserve", &draw.reserves)]
        .into_iter()
        .flat_map(|(role, ids)| {
            ids.iter().enumerate().map(move |(i, id)| Drawn {
                role,
                position: i + 1,
                record_id: id,
            })
        });
    let second = manifest
        .second_reviews
        .iter()
        .flat_map(|second| second.of(&draw.champion.name))
        .map(|review| Drawn {
            role: SECOND_ROLE,
            position: review.position,
            record_id: &review.record_id,
        });
    own.chain(second).collect()
}

/// The worksheet role of a blind second review.
pub const SECOND_ROLE: &str = "second";

/// One drawn search as a worksheet row: role, 1-based position, record id.
struct Drawn<'a> {
    role: &'static str,
    position: usize,
    record_id: &'a str,
}

/// Writes one worksheet per champion into `folder`, in the manifest's
/// format; returns their file names in champion order. `date_column` is the
/// export column holding each search's date.
pub(super) fn write_worksheets(
    folder: &Path,
    manifest: &Manifest,
    header: &[String],
    drawn: &HashMap<String, StringRecord>,
    date_column: usize,
) -> Result<Vec<String>> {
    let format = manifest.parameters.worksheet_format;
    let stems = safe_file_stems(manifest.champions.iter().map(|c| c.champion.name.as_str()));
    let mut names = Vec::new();
    for (draw, stem) in manifest.champions.iter().zip(stems) {
        let searches = drawn_searches(manifest, draw);
        let fields = |id: &str| -> Vec<String> {
            drawn
                .get(id)
                .map(|r| r.iter().map(String::from).collect())
                .unwrap_or_default()
        };
        let name = format!("{stem}.{}", format.extension());
        let path = folder.join(&name);
        match format {
            WorksheetFormat::Xlsx => {
                let content = workbook_content(manifest, draw, header, date_column, |id, _| {
                    (fields(id), Vec::new())
                });
                write_workbook(&path, &content)?;
            }
            WorksheetFormat::Csv => {
                let all_fields: Vec<Vec<String>> =
                    searches.iter().map(|s| fields(s.record_id)).collect();
                let rows: Vec<WorksheetRow<'_>> = searches
                    .iter()
                    .zip(&all_fields)
                    .map(|(s, fields)| WorksheetRow {
                        record_id: s.record_id,
                        role: s.role,
                        position: s.position,
                        fields,
                    })
                    .collect();
                let file = fs::File::create(&path)
                    .with_context(|| format!("creating {}", path.display()))?;
                write_worksheet(
                    std::io::BufWriter::new(file),
                    &draw.champion.name,
                    &manifest.month.to_string(),
                    header,
                    &rows,
                )
                .with_context(|| format!("writing {}", path.display()))?;
            }
        }
        names.push(name);
    }
    Ok(names)
}
