//! Helpers for the assessment tests: filling worksheets the way a champion
//! (or a spreadsheet) would, and reading what the workspace holds.

#![allow(dead_code)]

use std::fs;
use std::path::Path;

use crate::common::*;

pub const CHAMPIONS: [&str; 3] = ["PS Ada Okafor", "PC Ben Hartley", "PC Chloe Nwosu"];

/// A worksheet as rows of cells (header first), without the byte-order mark.
#[derive(Clone, Debug)]
pub struct Sheet {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Sheet {
    pub fn load(path: &Path) -> Self {
        let bytes = fs::read(path).unwrap();
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let mut reader = csv::Reader::from_reader(bytes);
        let header = reader.headers().unwrap().iter().map(String::from).collect();
        let rows = reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        Sheet { header, rows }
    }

    pub fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    pub fn get(&self, row: usize, name: &str) -> &str {
        &self.rows[row][self.col(name)]
    }

    pub fn set(&mut self, row: usize, name: &str, value: &str) {
        let col = self.col(name);
        self.rows[row][col] = value.to_string();
    }

    /// Rows with this role (`sample` or `reserve`), by index.
    pub fn with_role(&self, role: &str) -> Vec<usize> {
        (0..self.rows.len())
            .filter(|&i| self.get(i, "role") == role)
            .collect()
    }

    /// Fills one row with a complete assessment.
    pub fn assess(&mut self, row: usize, grounds: &str, notes: &str) {
        for (field, value) in [
            ("grounds", grounds),
            ("bwv", "reviewed"),
            ("gowisely", "yes"),
            ("conduct", "good"),
            ("themes", "recording; grounds"),
            ("referral", "none"),
            ("notes", notes),
            ("reviewer", "Reviewer"),
            ("reviewed_on", "2026-11-03"),
        ] {
            self.set(row, field, value);
        }
    }

    /// Fills every sampled row (reserves stay empty).
    pub fn assess_sample(&mut self, grounds: &str, notes: &str) {
        for row in self.with_role("sample") {
            self.assess(row, grounds, notes);
        }
    }

    /// The file as `grounds sample` writes it: BOM, LF, minimal quoting.
    pub fn save(&self, path: &Path) {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        {
            let mut writer = csv::Writer::from_writer(&mut bytes);
            writer.write_record(&self.header).unwrap();
            for row in &self.rows {
                writer.write_record(row).unwrap();
            }
            writer.flush().unwrap();
        }
        fs::write(path, bytes).unwrap();
    }

    /// The file as a spreadsheet saves it: BOM, CRLF, every cell quoted, a
    /// `'` before every value, columns in reverse order after an added one,
    /// review dates as DD/MM/YYYY, the month as a date (Jan-19).
    pub fn save_as_spreadsheet(&self, path: &Path) {
        let date = self.col("reviewed_on");
        let month = self.col("month");
        let quote = |cell: &str| format!("\"{}\"", cell.replace('"', "\"\""));
        let mut text = String::from("\u{feff}");
        let mut header = vec![quote("Checked by coordinator")];
        header.extend(self.header.iter().rev().map(|h| quote(h)));
        text.push_str(&header.join(","));
        text.push_str("\r\n");
        for row in &self.rows {
            let mut cells = vec![quote("yes")];
            cells.extend(row.iter().enumerate().rev().map(|(i, cell)| {
                let cell = cell.strip_prefix('\'').unwrap_or(cell);
                let cell = if i == date && cell.len() == 10 {
                    format!("{}/{}/{}", &cell[8..10], &cell[5..7], &cell[..4])
                } else if i == month {
                    // What a spreadsheet makes of 2019-01: a date, shown as Jan-19.
                    let m: usize = cell[5..7].parse().unwrap();
                    format!("{}-{}", MONTHS[m - 1], &cell[2..4])
                } else {
                    cell.to_string()
                };
                if cell.is_empty() {
                    quote("")
                } else {
                    quote(&format!("'{cell}"))
                }
            }));
            text.push_str(&cells.join(","));
            text.push_str("\r\n");
        }
        fs::write(path, text).unwrap();
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The worksheet file of a champion.
pub fn sheet_path(ws: &Workspace, month: &str, champion: &str) -> std::path::PathBuf {
    ws.path(&format!(
        "worksheets/{month}/{}.csv",
        champion.replace(' ', "_")
    ))
}

/// A number the workspace holds, read directly.
pub fn count(ws: &Workspace, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(ws.db()).unwrap();
    conn.query_row(sql, [], |row| row.get(0)).unwrap()
}

/// `grounds status --format json`, parsed.
pub fn status(ws: &Workspace) -> serde_json::Value {
    let output = ws
        .grounds()
        .args(["status", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Kent January, three champions, 20 searches and 5 reserves each.
pub fn kent_workspace() -> Workspace {
    let ws = Workspace::new();
    ws.champions(&CHAMPIONS);
    ws.sample(&[shipped(KENT_JAN)], "2019-01", "assess-tests", &[]);
    ws
}
