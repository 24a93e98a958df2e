//! CSV worksheets (`grounds sample --worksheet-format csv`): one per
//! champion per month, opened in a spreadsheet, filled in, and read back by
//! `grounds import`. The default is a workbook (see `workbook`).

use std::io::Write;

use crate::spreadsheet::formula_safe;

/// What `grounds sample` writes for each champion.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WorksheetFormat {
    /// A workbook with drop-down lists, London times and footage deadlines.
    #[default]
    Xlsx,
    /// A plain CSV file, for scripts and older spreadsheets.
    Csv,
}

impl WorksheetFormat {
    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Xlsx => "xlsx",
            Self::Csv => "csv",
        }
    }

    /// What a manifest written before workbooks existed used.
    pub fn before_workbooks() -> Self {
        Self::Csv
    }
}

/// The columns a champion fills in, in order.
pub const ASSESSMENT_COLUMNS: [&str; 9] = [
    "grounds",
    "bwv",
    "gowisely",
    "conduct",
    "themes",
    "referral",
    "notes",
    "reviewer",
    "reviewed_on",
];

/// The columns that identify a worksheet row, before the export's fields.
pub const IDENTITY_COLUMNS: [&str; 5] = ["record_id", "role", "position", "champion", "month"];

/// One row of a worksheet: a sampled or reserve search.
pub struct WorksheetRow<'a> {
    pub record_id: &'a str,
    /// `sample` or `reserve`.
    pub role: &'a str,
    /// 1-based position within the role: reserves are used in this order.
    pub position: usize,
    pub fields: &'a [String],
}

/// The worksheet header: identity columns, the export's columns (renamed
/// `export:NAME` where a name would clash with ours), assessment columns.
pub fn header(export_header: &[String]) -> Vec<String> {
    let ours: Vec<&str> = IDENTITY_COLUMNS
        .iter()
        .chain(ASSESSMENT_COLUMNS.iter())
        .copied()
        .collect();
    let mut header: Vec<String> = IDENTITY_COLUMNS.iter().map(|c| c.to_string()).collect();
    header.extend(export_header.iter().map(|name| {
        if ours.iter().any(|o| o.eq_ignore_ascii_case(name.trim())) {
            format!("export:{name}")
        } else {
            name.clone()
        }
    }));
    header.extend(ASSESSMENT_COLUMNS.iter().map(|c| c.to_string()));
    header
}

/// Writes a blank worksheet. A UTF-8 byte-order mark comes first because
/// Excel, where most champions open it, needs one to read UTF-8.
pub fn write_worksheet<W: Write>(
    out: W,
    champion: &str,
    month: &str,
    export_header: &[String],
    rows: &[WorksheetRow<'_>],
) -> csv::Result<()> {
    let mut out = out;
    out.write_all("\u{feff}".as_bytes())?;
    let mut writer = csv::Writer::from_writer(out);
    // Headers come from the export too: guarded like cells.
    writer.write_record(
        header(export_header)
            .iter()
            .map(|name| formula_safe(name).into_owned()),
    )?;
    for row in rows {
        let mut record: Vec<String> = vec![
            formula_safe(row.record_id).into_owned(),
            row.role.to_string(),
            row.position.to_string(),
            formula_safe(champion).into_owned(),
            month.to_string(),
        ];
        record.extend(row.fields.iter().map(|f| formula_safe(f).into_owned()));
        record.extend(ASSESSMENT_COLUMNS.iter().map(|_| String::new()));
        writer.write_record(&record)?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_worksheet_round_trips_through_csv() {
        let export_header = vec![
            "Date".to_string(),
            "Notes".to_string(),
            "Longitude".to_string(),
        ];
        let fields = vec![
            "2019-01-01T00:00:00+00:00".to_string(),
            "=cmd()".to_string(),
            "-1.07".to_string(),
        ];
        let rows = [WorksheetRow {
            record_id: "h0011223344556677-1",
            role: "sample",
            position: 1,
            fields: &fields,
        }];
        let mut bytes = Vec::new();
        write_worksheet(&mut bytes, "PS Ada", "2019-01", &export_header, &rows).unwrap();
        assert!(bytes.starts_with("\u{feff}".as_bytes()));
        let mut reader = csv::Reader::from_reader(&bytes[..]);
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(header[5..8], ["Date", "export:Notes", "Longitude"]);
        assert_eq!(header.len(), 5 + 3 + 9);
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[0], "h0011223344556677-1");
        assert_eq!(&row[6], "'=cmd()");
        assert_eq!(&row[7], "-1.07", "a plain negative number needs no guard");
        assert!(row.iter().skip(8).all(str::is_empty));
    }
}
