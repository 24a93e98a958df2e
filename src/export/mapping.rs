//! Which column of an export means what.
//!
//! The default is the data.police.uk stop-and-search CSV. A force's own export
//! is described by a small TOML file:
//!
//! ```toml
//! [columns]
//! id = "Search Ref"                 # optional: without it, record ids are content hashes
//! date = "Date/Time of Search"      # required
//! self_defined_ethnicity = "SDE"
//! officer_defined_ethnicity = "Officer Ethnicity"
//! officer = "Officer Number"        # champions never get their own searches
//! area = "District"                 # champions draw only from their area
//! legislation = "Power"
//! object_of_search = "Object"
//!
//! [dates]
//! format = "%d/%m/%Y %H:%M"         # optional strftime format; default ISO 8601
//! naive = "local"                   # a time without offset is "local" (default) or "utc"
//!
//! [powers]
//! no_suspicion = ["s60 CJPOA"]      # optional: powers needing no grounds, besides
//!                                   # section 60 CJPOA 1994 and section 47A TA 2000
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::month::NaiveDates;
use super::ExportError;

/// The profile name of the data.police.uk format.
pub const POLICE_UK: &str = "data.police.uk";

/// The data.police.uk stop-and-search header, in order.
pub const POLICE_UK_HEADER: [&str; 15] = [
    "Type",
    "Date",
    "Part of a policing operation",
    "Policing operation",
    "Latitude",
    "Longitude",
    "Gender",
    "Age range",
    "Self-defined ethnicity",
    "Officer-defined ethnicity",
    "Legislation",
    "Object of search",
    "Outcome",
    "Outcome linked to object of search",
    "Removal of more than just outer clothing",
];

/// Names of the columns that carry meaning; every other column passes through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping {
    /// `data.police.uk`, or `custom` for a mapping file.
    pub profile: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_defined_ethnicity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub officer_defined_ethnicity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub officer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legislation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_of_search: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_format: Option<String>,
    #[serde(default)]
    pub naive_dates: NaiveDates,
    /// Legislation texts that need no reasonable grounds, besides the
    /// defaults of [`crate::powers`]. Kept in the manifest: the strata
    /// depend on it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub no_suspicion_powers: Vec<String>,
}

impl Default for ColumnMapping {
    fn default() -> Self {
        Self::police_uk()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    columns: ColumnsSection,
    #[serde(default)]
    dates: DatesSection,
    #[serde(default)]
    powers: PowersSection,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PowersSection {
    #[serde(default)]
    no_suspicion: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ColumnsSection {
    id: Option<String>,
    date: String,
    self_defined_ethnicity: Option<String>,
    officer_defined_ethnicity: Option<String>,
    officer: Option<String>,
    area: Option<String>,
    legislation: Option<String>,
    object_of_search: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DatesSection {
    format: Option<String>,
    #[serde(default)]
    naive: NaiveDates,
}

impl ColumnMapping {
    pub fn police_uk() -> Self {
        Self {
            profile: POLICE_UK.to_string(),
            id: None,
            date: "Date".into(),
            self_defined_ethnicity: Some("Self-defined ethnicity".into()),
            officer_defined_ethnicity: Some("Officer-defined ethnicity".into()),
            officer: None,
            area: None,
            legislation: Some("Legislation".into()),
            object_of_search: Some("Object of search".into()),
            date_format: None,
            naive_dates: NaiveDates::Local,
            no_suspicion_powers: Vec::new(),
        }
    }

    /// Reads a TOML mapping file.
    pub fn from_toml_file(path: &Path) -> Result<Self, ExportError> {
        let text = std::fs::read_to_string(path).map_err(|source| ExportError::Io {
            file: path.display().to_string(),
            source,
        })?;
        Self::from_toml(&text).map_err(|message| ExportError::Mapping {
            file: path.display().to_string(),
            message,
        })
    }

    pub fn from_toml(text: &str) -> Result<Self, String> {
        let file: MappingFile = toml::from_str(text).map_err(|err| err.to_string())?;
        let columns = file.columns;
        let non_empty = |name: &str, value: Option<String>| match value {
            Some(v) if v.trim().is_empty() => Err(format!("column name for '{name}' is empty")),
            other => Ok(other),
        };
        if columns.date.trim().is_empty() {
            return Err("column name for 'date' is empty".into());
        }
        Ok(Self {
            profile: "custom".into(),
            id: non_empty("id", columns.id)?,
            date: columns.date,
            self_defined_ethnicity: non_empty(
                "self_defined_ethnicity",
                columns.self_defined_ethnicity,
            )?,
            officer_defined_ethnicity: non_empty(
                "officer_defined_ethnicity",
                columns.officer_defined_ethnicity,
            )?,
            officer: non_empty("officer", columns.officer)?,
            area: non_empty("area", columns.area)?,
            legislation: non_empty("legislation", columns.legislation)?,
            object_of_search: non_empty("object_of_search", columns.object_of_search)?,
            date_format: file.dates.format,
            naive_dates: file.dates.naive,
            no_suspicion_powers: file
                .powers
                .no_suspicion
                .into_iter()
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
        })
    }

    /// The powers whose searches need no reasonable grounds.
    pub fn no_suspicion(&self) -> crate::powers::NoSuspicionPowers {
        crate::powers::NoSuspicionPowers::with_extra(&self.no_suspicion_powers)
    }

    pub fn is_police_uk(&self) -> bool {
        self.profile == POLICE_UK
    }

    /// Finds every mapped column in a header.
    pub fn resolve(&self, header: &[String]) -> Result<ResolvedColumns, Vec<String>> {
        let mut missing = Vec::new();
        let mut find = |name: Option<&String>| -> Option<usize> {
            let name = name?;
            let found = header.iter().position(|h| h.trim() == name.trim());
            if found.is_none() {
                missing.push(name.clone());
            }
            found
        };
        let date = find(Some(&self.date));
        let resolved = ResolvedColumns {
            id: find(self.id.as_ref()),
            date: date.unwrap_or(0),
            self_defined_ethnicity: find(self.self_defined_ethnicity.as_ref()),
            officer_defined_ethnicity: find(self.officer_defined_ethnicity.as_ref()),
            officer: find(self.officer.as_ref()),
            area: find(self.area.as_ref()),
            legislation: find(self.legislation.as_ref()),
            object_of_search: find(self.object_of_search.as_ref()),
        };
        if missing.is_empty() {
            Ok(resolved)
        } else {
            Err(missing)
        }
    }
}

/// Column positions (0-based) of the mapped columns in one header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolvedColumns {
    pub id: Option<usize>,
    pub date: usize,
    pub self_defined_ethnicity: Option<usize>,
    pub officer_defined_ethnicity: Option<usize>,
    pub officer: Option<usize>,
    pub area: Option<usize>,
    pub legislation: Option<usize>,
    pub object_of_search: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn police_uk_resolves_on_the_real_header() {
        let resolved = ColumnMapping::police_uk()
            .resolve(&header(&POLICE_UK_HEADER))
            .unwrap();
        assert_eq!(resolved.date, 1);
        assert_eq!(resolved.self_defined_ethnicity, Some(8));
        assert_eq!(resolved.officer_defined_ethnicity, Some(9));
        assert_eq!(resolved.id, None);
    }

    #[test]
    fn toml_mapping() {
        let mapping = ColumnMapping::from_toml(
            r#"
            [columns]
            id = "Ref"
            date = "When"
            officer = "Officer"
            area = "District"
            [dates]
            format = "%d/%m/%Y %H:%M"
            "#,
        )
        .unwrap();
        assert_eq!(mapping.profile, "custom");
        assert_eq!(mapping.id.as_deref(), Some("Ref"));
        let resolved = mapping
            .resolve(&header(&["When", "Ref", "District", "Officer", "Notes"]))
            .unwrap();
        assert_eq!(
            (resolved.date, resolved.id, resolved.area, resolved.officer),
            (0, Some(1), Some(2), Some(3))
        );
    }

    #[test]
    fn missing_columns_are_all_named() {
        let mapping =
            ColumnMapping::from_toml("[columns]\ndate = \"When\"\nofficer = \"Officer\"\n")
                .unwrap();
        let missing = mapping.resolve(&header(&["Date", "Ref"])).unwrap_err();
        assert_eq!(missing, vec!["When".to_string(), "Officer".to_string()]);
    }

    #[test]
    fn a_mapping_lists_more_no_suspicion_powers() {
        let mapping = ColumnMapping::from_toml(
            "[columns]\ndate = \"When\"\n[powers]\nno_suspicion = [\"S60 CJPOA\", \" \"]\n",
        )
        .unwrap();
        assert_eq!(mapping.no_suspicion_powers, ["S60 CJPOA"]);
        let powers = mapping.no_suspicion();
        assert!(powers.matches("s60 cjpoa"));
        assert!(powers.matches("Terrorism Act 2000 (section 47A)"));
        // Old manifests have no such key: the defaults only.
        let json = serde_json::to_string(&ColumnMapping::police_uk()).unwrap();
        assert!(!json.contains("no_suspicion"));
        let back: ColumnMapping = serde_json::from_str(&json).unwrap();
        assert!(back.no_suspicion_powers.is_empty());
    }

    #[test]
    fn bad_mapping_files_are_refused() {
        assert!(ColumnMapping::from_toml("[columns]\nid = \"x\"\n")
            .unwrap_err()
            .contains("date"));
        assert!(ColumnMapping::from_toml("[columns]\ndate = \"d\"\nofficr = \"x\"\n").is_err());
        assert!(ColumnMapping::from_toml("[columns]\ndate = \"\"\n").is_err());
    }
}
