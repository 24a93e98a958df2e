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
    #[error("{file}, line {line}: the {column} {value:?} contains a control character (a line break, tab, NUL or escape); type it on one line, as plain text")]
    ControlCharacter {
        file: String,
        line: u64,
        column: String,
        value: String,
    },
    #[error("{file}: the header has two columns named {name:?} (columns {first} and {second}); keep one")]
    DuplicateColumn {
        file: String,
        name: String,
        first: usize,
        second: usize,
    },
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
    check_unique_columns(&header, file)?;
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
        let cleaned = |column: usize, what: &str| {
            normalise_name(row.get(column).unwrap_or_default()).map_err(|value| {
                ChampionsError::ControlCharacter {
                    file: file.to_string(),
                    line,
                    column: what.to_string(),
                    value,
                }
            })
        };
        let optional = |column: Option<usize>, what: &str| match column {
            Some(c) => cleaned(c, what).map(|v| Some(v).filter(|v| !v.is_empty())),
            None => Ok(None),
        };
        let name = cleaned(name_column, "champion name")?;
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
            officer_id: optional(officer_column, "officer_id")?,
            area: optional(area_column, "area")?,
        });
    }
    if champions.is_empty() {
        return Err(ChampionsError::Empty {
            file: file.to_string(),
        });
    }
    Ok(champions)
}

/// A name as people mean it: Unicode NFC (a decomposed "e" + accent equals
/// the composed "é"), every run of white space (no-break spaces included)
/// one plain space, no space at either end. Two spellings that look the
/// same on screen are then the same champion, area or officer. A control
/// character (line break, tab, NUL, escape) is refused: it would forge lines
/// in messages and worksheets. Returns the offending value on refusal.
pub fn normalise_name(raw: &str) -> Result<String, String> {
    use unicode_normalization::UnicodeNormalization;
    if raw.chars().any(|c| c.is_control()) {
        return Err(raw.to_string());
    }
    let composed: String = raw.nfc().collect();
    Ok(composed.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn check_unique_columns(header: &csv::StringRecord, file: &str) -> Result<(), ChampionsError> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (index, name) in header.iter().enumerate() {
        let key = normalise_name(name)
            .unwrap_or_else(|raw| raw)
            .to_lowercase();
        if key.is_empty() {
            continue;
        }
        if let Some(first) = seen.insert(key, index + 1) {
            return Err(ChampionsError::DuplicateColumn {
                file: file.to_string(),
                name: name.trim().to_string(),
                first,
                second: index + 1,
            });
        }
    }
    Ok(())
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

    #[test]
    fn look_alike_names_are_one_champion() {
        // No-break space, and a decomposed accent, against their plain forms.
        let nbsp = parse_champions(
            "champion\nPC\u{a0}Zoe Ada\nPC Zoe  Ada\n".as_bytes(),
            "c.csv",
        )
        .unwrap_err();
        assert!(
            matches!(nbsp, ChampionsError::Duplicate { line: 3, .. }),
            "{nbsp}"
        );
        let accents = parse_champions(
            "champion\nPC Zoe\u{0301}\nPC Zo\u{e9}\n".as_bytes(),
            "c.csv",
        )
        .unwrap_err();
        assert!(
            matches!(accents, ChampionsError::Duplicate { .. }),
            "{accents}"
        );
        let one = parse_champions(
            "champion,area\n  PS\u{a0}\u{a0}Ada  ,North\u{2003}East\n".as_bytes(),
            "c.csv",
        )
        .unwrap();
        assert_eq!(one[0].name, "PS Ada");
        assert_eq!(one[0].area.as_deref(), Some("North East"));
    }

    #[test]
    fn control_characters_in_names_are_refused() {
        for bad in ["\"PC Ada\nLovelace\"", "PC\u{0}Ada", "PC \u{1b}[31mAda"] {
            let text = format!("champion\n{bad}\n");
            let err = parse_champions(text.as_bytes(), "c.csv").unwrap_err();
            assert!(
                matches!(err, ChampionsError::ControlCharacter { line: 2, .. }),
                "{err}"
            );
            assert!(err.to_string().contains("c.csv, line 2"), "{err}");
        }
    }

    #[test]
    fn two_columns_of_one_name_are_refused() {
        let err = parse_champions(b"champion,area,Area \nAda,North,South\n", "c.csv").unwrap_err();
        assert_eq!(
            err.to_string(),
            "c.csv: the header has two columns named \"Area\" (columns 2 and 3); keep one"
        );
    }
}
