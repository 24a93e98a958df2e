//! The champions file: CSV with a `champion` column and optional
//! `officer_id` and `area` columns, one row per champion, in the order the
//! draw deals to them.

use std::collections::HashMap;
use std::path::Path;

use super::draw::Champion;

#[derive(Debug, thiserror::Error)]
pub enum ChampionsError {
    #[error("{file}: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}, line {line}: {message}")]
    Malformed {
        file: String,
        line: u64,
        message: String,
    },
    #[error("{file}: no column named \"champion\" in the header (found: {found}); the champions file needs a champion column and may have officer_id and area columns")]
    NoChampionColumn { file: String, found: String },
    #[error("{file}: no champions listed; add one row per champion under the header")]
    Empty { file: String },
    #[error("{file}, line {line}: the champion name is empty")]
    EmptyName { file: String, line: u64 },
    #[error("{file}, line {line}: champion {name:?} is listed twice (first on line {first}); names must be unique, ignoring case")]
    Duplicate {
        file: String,
        line: u64,
        name: String,
        first: u64,
    },
}

/// Reads and checks a champions file.
pub fn read_champions(path: &Path) -> Result<Vec<Champion>, ChampionsError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ChampionsError::Io {
        file: file.clone(),
        source,
    })?;
    parse_champions(&bytes, &file)
}

pub fn parse_champions(bytes: &[u8], file: &str) -> Result<Vec<Champion>, ChampionsError> {
    let malformed = |err: csv::Error| ChampionsError::Malformed {
        file: file.to_string(),
        line: err.position().map_or(1, |p| p.line()),
        message: match err.kind() {
            csv::ErrorKind::Utf8 { .. } => "not valid UTF-8; save the file as UTF-8".to_string(),
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => {
                format!("the row has {len} fields but the header has {expected_len}")
            }
            _ => err.to_string(),
        },
    };
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let header = reader.headers().map_err(malformed)?.clone();
    let find = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let Some(name_column) = find("champion") else {
        if header.is_empty() || header.iter().all(|h| h.trim().is_empty()) {
            return Err(ChampionsError::Empty {
                file: file.to_string(),
            });
        }
        return Err(ChampionsError::NoChampionColumn {
            file: file.to_string(),
            found: header
                .iter()
                .map(|h| format!("{h:?}"))
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    let officer_column = find("officer_id");
    let area_column = find("area");

    let mut champions = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    for row in reader.records() {
        let row = row.map_err(malformed)?;
        let line = row.position().map_or(0, |p| p.line());
        if row.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        let optional = |column: Option<usize>| {
            column
                .and_then(|c| row.get(c))
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let name = row.get(name_column).unwrap_or_default().trim().to_string();
        if name.is_empty() {
            return Err(ChampionsError::EmptyName {
                file: file.to_string(),
                line,
            });
        }
        if let Some(first) = first_line.insert(name.to_lowercase(), line) {
            return Err(ChampionsError::Duplicate {
                file: file.to_string(),
                line,
                name,
                first,
            });
        }
        champions.push(Champion {
            name,
            officer_id: optional(officer_column),
            area: optional(area_column),
        });
    }
    if champions.is_empty() {
        return Err(ChampionsError::Empty {
            file: file.to_string(),
        });
    }
    Ok(champions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_officers_and_areas() {
        let champions =
            parse_champions(b"\xEF\xBB\xBFChampion,officer_id,area\r\nPS Ada Lovelace,1234,North\r\nPC Alan Turing,,\r\n", "c.csv")
                .unwrap();
        assert_eq!(champions.len(), 2);
        assert_eq!(champions[0].name, "PS Ada Lovelace");
        assert_eq!(champions[0].officer_id.as_deref(), Some("1234"));
        assert_eq!(champions[0].area.as_deref(), Some("North"));
        assert_eq!(champions[1].officer_id, None);
    }

    #[test]
    fn refuses_bad_files() {
        assert!(matches!(
            parse_champions(b"", "c.csv"),
            Err(ChampionsError::Empty { .. })
        ));
        assert!(matches!(
            parse_champions(b"champion\n", "c.csv"),
            Err(ChampionsError::Empty { .. })
        ));
        assert!(matches!(
            parse_champions(b"name\nAda\n", "c.csv"),
            Err(ChampionsError::NoChampionColumn { .. })
        ));
        let duplicate = parse_champions(b"champion\nAda\nAlan\nada \n", "c.csv").unwrap_err();
        assert_eq!(duplicate.to_string(), "c.csv, line 4: champion \"ada\" is listed twice (first on line 2); names must be unique, ignoring case");
        assert!(matches!(
            parse_champions(b"champion,area\n,North\n", "c.csv"),
            Err(ChampionsError::EmptyName { line: 2, .. })
        ));
    }
}
