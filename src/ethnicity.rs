//! Ethnicity values from data.police.uk exports, mapped to broad groups.
//!
//! Two columns carry ethnicity: officer-defined (five plain words) and
//! self-defined, which comes in two schemes: the current census-style
//! `<group> - <detail>` values (from 2017-12) and an older coded scheme
//! (Met 2016) such as `White - White British (W1)` or `Not Stated (NS)`.
//! Reports compare broad groups and the aggregate "minority ethnic" against
//! White, so every raw value has to land in exactly one [`Group`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A broad ethnic group, the unit reports are split by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    White,
    Black,
    Asian,
    Mixed,
    Other,
    NotStated,
}

impl Group {
    /// Every group, in the order reports list them.
    pub const ALL: [Group; 6] = [
        Group::White,
        Group::Black,
        Group::Asian,
        Group::Mixed,
        Group::Other,
        Group::NotStated,
    ];

    /// The label shown to people and used in CSV/JSON output.
    pub fn label(&self) -> &'static str {
        match self {
            Group::White => "White",
            Group::Black => "Black",
            Group::Asian => "Asian",
            Group::Mixed => "Mixed",
            Group::Other => "Other",
            Group::NotStated => "Not stated",
        }
    }

    /// Whether the group counts as "minority ethnic" in the aggregate
    /// comparison against White; `None` for Not stated, which belongs to
    /// neither side.
    pub fn is_minority(&self) -> Option<bool> {
        match self {
            Group::White => Some(false),
            Group::Black | Group::Asian | Group::Mixed | Group::Other => Some(true),
            Group::NotStated => None,
        }
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Serialize for Group {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.label())
    }
}

impl<'de> Deserialize<'de> for Group {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A string that is not one of the [`Group`] labels.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown ethnic group {0:?} (expected one of: White, Black, Asian, Mixed, Other, Not stated)"
)]
pub struct ParseGroupError(pub String);

impl FromStr for Group {
    type Err = ParseGroupError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = normalise(s);
        Group::ALL
            .into_iter()
            .find(|g| g.label().eq_ignore_ascii_case(&wanted))
            .ok_or_else(|| ParseGroupError(s.to_string()))
    }
}

/// Which ethnicity column a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    Officer,
    SelfDefined,
}

impl Scheme {
    /// Both schemes, officer-defined first.
    pub const ALL: [Scheme; 2] = [Scheme::Officer, Scheme::SelfDefined];

    /// The short key stored with population counts: `officer` or `self`.
    pub fn key(self) -> &'static str {
        match self {
            Scheme::Officer => "officer",
            Scheme::SelfDefined => "self",
        }
    }

    /// The scheme of a stored key.
    pub fn from_key(key: &str) -> Option<Scheme> {
        Scheme::ALL.into_iter().find(|s| s.key() == key)
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scheme::Officer => "officer-defined",
            Scheme::SelfDefined => "self-defined",
        })
    }
}

/// A non-empty ethnicity value this module does not recognise.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unrecognised {scheme} ethnicity {value:?}: {reason}")]
pub struct UnknownEthnicity {
    pub scheme: Scheme,
    pub value: String,
    pub reason: &'static str,
}

/// The broad group of a raw ethnicity cell, never failing.
///
/// Values [`classify`] does not recognise become [`Group::NotStated`], not
/// [`Group::Other`]: "Other" is a real group that is counted on the minority
/// side of every comparison, so filing an unreadable value there would invent
/// data, while Not stated is where unusable values already go and it is left
/// out of the minority/White comparison. Code that can tell the user (export
/// validation) should call [`classify`] and report the value instead.
pub fn broad_group(scheme: Scheme, value: &str) -> Group {
    classify(scheme, value).unwrap_or(Group::NotStated)
}

/// The broad group of a raw ethnicity cell, or an error for a non-empty value
/// that is not in the known vocabularies. Case and surrounding or repeated
/// whitespace are ignored; an empty cell is Not stated.
pub fn classify(scheme: Scheme, value: &str) -> Result<Group, UnknownEthnicity> {
    let v = normalise(value);
    if v.is_empty() {
        return Ok(Group::NotStated);
    }
    let unknown = |reason| UnknownEthnicity {
        scheme,
        value: value.to_string(),
        reason,
    };
    match scheme {
        Scheme::Officer => {
            officer(&v).ok_or_else(|| unknown("not one of White, Black, Asian, Mixed, Other"))
        }
        Scheme::SelfDefined => self_defined(&v).map_err(unknown),
    }
}

/// Lower case, trimmed, inner whitespace runs collapsed to one space.
fn normalise(value: &str) -> String {
    value
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn officer(v: &str) -> Option<Group> {
    match v {
        "white" => Some(Group::White),
        "black" => Some(Group::Black),
        "asian" => Some(Group::Asian),
        "mixed" => Some(Group::Mixed),
        "other" => Some(Group::Other),
        _ => None,
    }
}

/// `v` is normalised and non-empty.
fn self_defined(v: &str) -> Result<Group, &'static str> {
    let (text, code) = split_code(v);
    let (prefix, detail) = match text.split_once('-') {
        Some((p, d)) => (p.trim(), Some(d.trim())),
        None => (text, None),
    };
    let from_prefix = group_of_prefix(prefix, detail);
    let Some(code) = code else {
        return from_prefix;
    };
    // The bracketed code is what the force's system stored; the words are
    // its rendering. Trust the code, but a code that contradicts a
    // recognised prefix means the value is not what we think it is.
    let from_code = group_of_code(code).ok_or("unknown ethnicity code in brackets")?;
    match from_prefix {
        Ok(g) if g != from_code => Err("bracketed code contradicts the group name"),
        _ => Ok(from_code),
    }
}

/// Splits a trailing `(CODE)` off a value: `white - irish (w2)` gives
/// (`white - irish`, `w2`).
fn split_code(v: &str) -> (&str, Option<&str>) {
    if let Some(inner) = v.strip_suffix(')') {
        if let Some(open) = inner.rfind('(') {
            let code = inner[open + 1..].trim();
            if !code.is_empty() {
                return (inner[..open].trim(), Some(code));
            }
        }
    }
    (v, None)
}

/// Codes of the older 16+1 coded scheme (Met 2016), lower case.
fn group_of_code(code: &str) -> Option<Group> {
    Some(match code {
        "w1" | "w2" | "w9" => Group::White,
        "m1" | "m2" | "m3" | "m9" => Group::Mixed,
        "a1" | "a2" | "a3" | "a9" => Group::Asian,
        "b1" | "b2" | "b9" => Group::Black,
        // O1 is Chinese in this scheme, which the broad groups file as Other.
        "o1" | "o9" => Group::Other,
        "ns" => Group::NotStated,
        _ => return None,
    })
}

/// The group named before ` - ` in either scheme, lower case.
fn group_of_prefix(prefix: &str, detail: Option<&str>) -> Result<Group, &'static str> {
    match prefix {
        "white" => Ok(Group::White),
        "mixed/multiple ethnic groups" | "mixed" => Ok(Group::Mixed),
        "asian/asian british" | "asian or asian british" => Ok(Group::Asian),
        "black/african/caribbean/black british" | "black or black british" => Ok(Group::Black),
        "chinese or other ethnic group" => Ok(Group::Other),
        // The one prefix whose detail changes the group: "Not stated" under
        // it is a real, frequent value meaning the person did not say, and
        // an unfamiliar detail could be another way of saying that.
        "other ethnic group" => match detail {
            Some("not stated") => Ok(Group::NotStated),
            Some("any other ethnic group") | Some("arab") => Ok(Group::Other),
            _ => Err("unknown detail under \"Other ethnic group\""),
        },
        "not stated" if detail.is_none() => Ok(Group::NotStated),
        _ => Err("unknown group name"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use Group::*;

    fn sd(v: &str) -> Result<Group, UnknownEthnicity> {
        classify(Scheme::SelfDefined, v)
    }

    #[test]
    fn labels_round_trip_through_from_str_and_serde() {
        for g in Group::ALL {
            assert_eq!(g.label().parse::<Group>(), Ok(g));
            assert_eq!(g.label().to_uppercase().parse::<Group>(), Ok(g));
            assert_eq!(
                format!("  {}  ", g.label().to_lowercase()).parse::<Group>(),
                Ok(g)
            );
            let json = serde_json::to_string(&g).expect("serialise");
            assert_eq!(json, format!("\"{}\"", g.label()));
            assert_eq!(
                serde_json::from_str::<Group>(&json).expect("deserialise"),
                g
            );
        }
        assert!("NotStated".parse::<Group>().is_err());
        assert!("".parse::<Group>().is_err());
        assert!(serde_json::from_str::<Group>("\"Purple\"").is_err());
    }

    #[test]
    fn all_is_in_report_order_and_labels_are_distinct() {
        assert_eq!(Group::ALL, [White, Black, Asian, Mixed, Other, NotStated]);
        let labels: Vec<_> = Group::ALL.iter().map(|g| g.label()).collect();
        assert_eq!(
            labels,
            ["White", "Black", "Asian", "Mixed", "Other", "Not stated"]
        );
    }

    #[test]
    fn minority_is_everyone_but_white_and_not_stated() {
        assert_eq!(White.is_minority(), Some(false));
        for g in [Black, Asian, Mixed, Other] {
            assert_eq!(g.is_minority(), Some(true), "{g}");
        }
        assert_eq!(NotStated.is_minority(), None);
    }

    #[test]
    fn officer_defined_vocabulary() {
        let cases = [
            ("White", White),
            ("Black", Black),
            ("Asian", Asian),
            ("Other", Other),
            ("Mixed", Mixed),
            ("", NotStated),
            ("   ", NotStated),
            (" white ", White),
            ("BLACK", Black),
            ("asian\r", Asian),
        ];
        for (v, g) in cases {
            assert_eq!(classify(Scheme::Officer, v), Ok(g), "{v:?}");
        }
        for v in ["Not stated", "W1", "White - Irish", "IC1", "Whit"] {
            let err = classify(Scheme::Officer, v).expect_err(v);
            assert_eq!(err.value, v);
            assert_eq!(err.scheme, Scheme::Officer);
            assert_eq!(broad_group(Scheme::Officer, v), NotStated);
        }
    }

    #[test]
    fn self_defined_current_scheme_every_listed_value() {
        let cases = [
            ("White - English/Welsh/Scottish/Northern Irish/British", White),
            ("White - Irish", White),
            ("White - Gypsy or Irish Traveller", White),
            ("White - Any other White background", White),
            ("Mixed/Multiple ethnic groups - White and Black Caribbean", Mixed),
            ("Mixed/Multiple ethnic groups - White and Black African", Mixed),
            ("Mixed/Multiple ethnic groups - White and Asian", Mixed),
            ("Mixed/Multiple ethnic groups - Any other Mixed/Multiple ethnic background", Mixed),
            ("Asian/Asian British - Indian", Asian),
            ("Asian/Asian British - Pakistani", Asian),
            ("Asian/Asian British - Bangladeshi", Asian),
            ("Asian/Asian British - Chinese", Asian),
            ("Asian/Asian British - Any other Asian background", Asian),
            ("Black/African/Caribbean/Black British - African", Black),
            ("Black/African/Caribbean/Black British - Caribbean", Black),
            ("Black/African/Caribbean/Black British - Any other Black/African/Caribbean background", Black),
            ("Other ethnic group - Any other ethnic group", Other),
            ("Other ethnic group - Arab", Other),
            ("Other ethnic group - Not stated", NotStated),
            ("", NotStated),
        ];
        for (v, g) in cases {
            assert_eq!(sd(v), Ok(g), "{v:?}");
            assert_eq!(broad_group(Scheme::SelfDefined, v), g, "{v:?}");
        }
    }

    #[test]
    fn self_defined_old_coded_scheme_every_code() {
        let cases = [
            ("White - White British (W1)", White),
            ("White - White Irish (W2)", White),
            ("White - Any other White ethnic background (W9)", White),
            ("Mixed - White and Black Caribbean (M1)", Mixed),
            ("Mixed - White and Black African (M2)", Mixed),
            ("Mixed - White and Asian (M3)", Mixed),
            ("Mixed - Any other Mixed ethnic background (M9)", Mixed),
            ("Asian or Asian British - Indian (A1)", Asian),
            ("Asian or Asian British - Pakistani (A2)", Asian),
            ("Asian or Asian British - Bangladeshi (A3)", Asian),
            (
                "Asian or Asian British - Any other Asian ethnic background (A9)",
                Asian,
            ),
            ("Black or Black British - Caribbean (B1)", Black),
            ("Black or Black British - African (B2)", Black),
            (
                "Black or Black British - Any other Black ethnic background (B9)",
                Black,
            ),
            ("Chinese or other ethnic group - Chinese (O1)", Other),
            (
                "Chinese or other ethnic group - Any other ethnic group (O9)",
                Other,
            ),
            ("Not Stated (NS)", NotStated),
        ];
        for (v, g) in cases {
            assert_eq!(sd(v), Ok(g), "{v:?}");
        }
    }

    #[test]
    fn tolerant_of_case_and_whitespace() {
        assert_eq!(sd("  white - irish  "), Ok(White));
        assert_eq!(sd("WHITE  -  IRISH"), Ok(White));
        assert_eq!(sd("White-Irish"), Ok(White));
        assert_eq!(sd("other ethnic group - NOT STATED"), Ok(NotStated));
        assert_eq!(sd("Other ethnic group -  Not  stated\r"), Ok(NotStated));
        assert_eq!(sd("black or black british - african ( b2 )"), Ok(Black));
        assert_eq!(sd("not stated (ns)"), Ok(NotStated));
        assert_eq!(sd("\tNot stated "), Ok(NotStated));
    }

    #[test]
    fn code_decides_when_prefix_is_unfamiliar() {
        // A relabelled prefix is still classified by its code.
        assert_eq!(sd("Black British - African (B2)"), Ok(Black));
        assert_eq!(sd("Chinese (O1)"), Ok(Other));
        assert_eq!(sd("(W9)"), Ok(White));
    }

    #[test]
    fn unknown_values_are_errors_and_not_counted_as_other() {
        let cases = [
            "Purple",
            "Other ethnic group - Prefer not to say",
            "Other ethnic group",
            "White - Irish (X7)",
            "White - White British (B1)",
            "Not Stated (W1)",
            "Not stated - Refused",
            "Unknown",
        ];
        for v in cases {
            let err = sd(v).expect_err(v);
            assert_eq!(err.value, v);
            assert_eq!(err.scheme, Scheme::SelfDefined);
            assert!(err.to_string().contains(v), "{err}");
            assert_eq!(broad_group(Scheme::SelfDefined, v), NotStated, "{v:?}");
        }
    }

    /// The project's copy of every real export (tests/data/realdata).
    fn realdata_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/realdata")
    }

    /// Distinct values of one column over every real export, with counts.
    /// These files have no quoted fields, so splitting on commas is exact.
    fn real_values(column: usize) -> BTreeMap<String, usize> {
        let dir = realdata_dir();
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("real data folder {}: {e}", dir.display()));
        let mut files = 0;
        let mut values = BTreeMap::new();
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.extension().and_then(|e| e.to_str()) != Some("csv") {
                continue;
            }
            files += 1;
            let text = std::fs::read_to_string(&path).expect("read real export");
            for line in text.lines().skip(1) {
                let fields: Vec<&str> = line.split(',').collect();
                assert_eq!(fields.len(), 15, "{}: {line}", path.display());
                *values.entry(fields[column].to_string()).or_insert(0) += 1;
            }
        }
        assert!(
            files >= 39,
            "expected the 39 real exports in {}, found {files}",
            dir.display()
        );
        values
    }

    #[test]
    fn every_real_value_classifies_without_error() {
        let self_defined = real_values(8);
        let officer_defined = real_values(9);
        // Both schemes must really be present, or this test proves little.
        assert!(self_defined.contains_key("White - White British (W1)"));
        assert!(self_defined.contains_key("White - English/Welsh/Scottish/Northern Irish/British"));
        assert!(self_defined.len() >= 30, "{self_defined:?}");
        assert!(officer_defined.contains_key("Mixed"));

        let mut totals = BTreeMap::new();
        for (v, count) in &self_defined {
            let g = sd(v).unwrap_or_else(|e| panic!("{e}"));
            *totals.entry(g).or_insert(0) += count;
        }
        for v in officer_defined.keys() {
            classify(Scheme::Officer, v).unwrap_or_else(|e| panic!("{e}"));
        }
        // "Other ethnic group - Not stated" and "Not Stated (NS)" are large;
        // if they fell into Other the groups would be badly skewed.
        let not_stated = self_defined["Other ethnic group - Not stated"]
            + self_defined["Not Stated (NS)"]
            + self_defined[""];
        assert_eq!(totals[&NotStated], not_stated);
        let other = totals[&Other];
        assert_eq!(
            other,
            self_defined["Other ethnic group - Any other ethnic group"]
                + self_defined["Chinese or other ethnic group - Chinese (O1)"]
                + self_defined["Chinese or other ethnic group - Any other ethnic group (O9)"]
        );
    }

    /// Every distinct real value, with the group a person reading it would
    /// give; the test above proves this list is complete.
    #[test]
    fn every_real_value_lands_in_the_expected_group() {
        let expected: BTreeMap<&str, Group> = [
            ("", NotStated),
            ("Asian or Asian British - Any other Asian ethnic background (A9)", Asian),
            ("Asian or Asian British - Bangladeshi (A3)", Asian),
            ("Asian or Asian British - Indian (A1)", Asian),
            ("Asian or Asian British - Pakistani (A2)", Asian),
            ("Asian/Asian British - Any other Asian background", Asian),
            ("Asian/Asian British - Bangladeshi", Asian),
            ("Asian/Asian British - Chinese", Asian),
            ("Asian/Asian British - Indian", Asian),
            ("Asian/Asian British - Pakistani", Asian),
            ("Black or Black British - African (B2)", Black),
            ("Black or Black British - Any other Black ethnic background (B9)", Black),
            ("Black or Black British - Caribbean (B1)", Black),
            ("Black/African/Caribbean/Black British - African", Black),
            ("Black/African/Caribbean/Black British - Any other Black/African/Caribbean background", Black),
            ("Black/African/Caribbean/Black British - Caribbean", Black),
            ("Chinese or other ethnic group - Any other ethnic group (O9)", Other),
            ("Chinese or other ethnic group - Chinese (O1)", Other),
            ("Mixed - Any other Mixed ethnic background (M9)", Mixed),
            ("Mixed - White and Asian (M3)", Mixed),
            ("Mixed - White and Black African (M2)", Mixed),
            ("Mixed - White and Black Caribbean (M1)", Mixed),
            ("Mixed/Multiple ethnic groups - Any other Mixed/Multiple ethnic background", Mixed),
            ("Mixed/Multiple ethnic groups - White and Asian", Mixed),
            ("Mixed/Multiple ethnic groups - White and Black African", Mixed),
            ("Mixed/Multiple ethnic groups - White and Black Caribbean", Mixed),
            ("Not Stated (NS)", NotStated),
            ("Other ethnic group - Any other ethnic group", Other),
            ("Other ethnic group - Not stated", NotStated),
            ("White - Any other White background", White),
            ("White - Any other White ethnic background (W9)", White),
            ("White - English/Welsh/Scottish/Northern Irish/British", White),
            ("White - Irish", White),
            ("White - White British (W1)", White),
            ("White - White Irish (W2)", White),
        ]
        .into_iter()
        .collect();
        for (v, g) in &expected {
            assert_eq!(sd(v), Ok(*g), "{v:?}");
        }
        let real: Vec<String> = real_values(8).into_keys().collect();
        let listed: Vec<String> = expected.keys().map(|s| s.to_string()).collect();
        assert_eq!(
            real, listed,
            "the real exports hold values this list does not"
        );
    }
}
