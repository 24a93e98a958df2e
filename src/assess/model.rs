//! The assessment of one sampled search, and the values each field allows.
//!
//! Champions type these into spreadsheets, so parsing accepts any case, the
//! spellings people use ("Yes", "not reasonable", "N/A" where it can mean only
//! one thing), and refuses anything else with the list of allowed values.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A value that is not one a field allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a {field} value; use one of: {allowed}")]
pub struct InvalidValue {
    pub field: &'static str,
    pub value: String,
    pub allowed: String,
}

/// Lowercase, spaces/hyphens/underscores collapsed to `_`, trailing dots gone.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().trim_end_matches('.').chars() {
        if c == ' ' || c == '-' || c == '_' {
            if !out.ends_with('_') {
                out.push('_');
            }
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out.trim_matches('_').to_string()
}

macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident, $field:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $canonical:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const FIELD: &'static str = $field;

            /// The canonical spelling, as stored and written.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $canonical),+ }
            }

            /// Parses what a person typed.
            pub fn parse(text: &str) -> Result<Self, InvalidValue> {
                let key = normalise(text);
                $(
                    if key == $canonical $(|| key == $alias)* {
                        return Ok($name::$variant);
                    }
                )+
                Err(InvalidValue {
                    field: $field,
                    value: text.to_string(),
                    allowed: [$($canonical),+].join(", "),
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = InvalidValue;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::parse(text)
            }
        }
    };
}

vocabulary! {
    /// Were reasonable grounds for the search evident? ("no" and "n/a" are
    /// refused: they could mean not reasonable or none recorded.)
    Grounds, "grounds" {
        /// Grounds recorded and reasonable.
        Reasonable = "reasonable" | "yes" | "y" | "reasonable_grounds" | "reasonable_grounds_evident",
        /// Grounds recorded, but not reasonable.
        NotReasonable = "not_reasonable" | "unreasonable" | "not_reasonable_grounds" | "grounds_not_reasonable",
        /// No grounds recorded at all.
        NoneRecorded = "none_recorded" | "none" | "not_recorded" | "no_grounds_recorded" | "no_grounds",
        /// Not enough information to judge: counted apart, never in the proportion.
        InsufficientInfo = "insufficient_info" | "insufficient" | "insufficient_information" | "unable_to_assess" | "cannot_assess",
        /// The search was under a power that needs no suspicion (section 60,
        /// section 47A): there were no grounds to judge. Accepted only for
        /// such searches; they are counted apart, never in a proportion.
        NotRequired = "not_required" | "not_needed" | "no_grounds_needed",
    }
}

vocabulary! {
    /// Was body-worn video of the search reviewed?
    Bwv, "bwv" {
        Reviewed = "reviewed" | "yes" | "y" | "watched",
        NotAvailable = "not_available" | "unavailable" | "n/a" | "na" | "none" | "no_footage" | "no_bwv",
        NotReviewed = "not_reviewed" | "not_watched",
    }
}

vocabulary! {
    /// Did the officer explain the search (GOWISELY)?
    Gowisely, "gowisely" {
        Yes = "yes" | "y" | "explained" | "fully",
        Partial = "partial" | "partly" | "partially",
        No = "no" | "n" | "not_explained",
        NotVisible = "not_visible" | "n/a" | "na" | "not_seen" | "not_audible",
    }
}

vocabulary! {
    /// How the search was conducted.
    Conduct, "conduct" {
        Good = "good",
        Adequate = "adequate" | "ok" | "satisfactory" | "acceptable",
        Concern = "concern" | "concerns" | "poor" | "concerning",
    }
}

vocabulary! {
    /// What follow-up the review led to.
    Referral, "referral" {
        None = "none" | "no" | "n/a" | "na" | "no_referral",
        Feedback = "feedback" | "officer_feedback",
        Supervisor = "supervisor" | "line_manager",
        ProfessionalStandards = "professional_standards" | "psd" | "professional_standards_department",
    }
}

/// One champion's assessment of one search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub grounds: Grounds,
    pub bwv: Bwv,
    pub gowisely: Gowisely,
    pub conduct: Conduct,
    /// Learning themes, trimmed, without duplicates, in the order given.
    pub themes: Vec<String>,
    pub referral: Referral,
    pub notes: String,
    pub reviewer: String,
    pub reviewed_on: NaiveDate,
}

/// Splits `a; b;a` into distinct trimmed tags (case-insensitively distinct).
pub fn parse_themes(text: &str) -> Vec<String> {
    let mut themes: Vec<String> = Vec::new();
    for tag in text.split(';').map(str::trim).filter(|t| !t.is_empty()) {
        if !themes.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            themes.push(tag.to_string());
        }
    }
    themes
}

/// A review date as typed: `2026-11-03` or the UK `03/11/2026` (also
/// `3/11/2026`). The year needs four digits: chrono's `%Y` alone would read a
/// spreadsheet's `03/11/26` as the year 26.
pub fn parse_review_date(text: &str) -> Result<NaiveDate, InvalidValue> {
    let text = text.trim();
    let four_digit_year = match (text.split('-').next(), text.rsplit('/').next()) {
        (Some(year), _) if text.contains('-') => year.len() == 4,
        (_, Some(year)) if text.contains('/') => year.len() == 4,
        _ => false,
    };
    four_digit_year
        .then(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
                .ok()
        })
        .flatten()
        // 0026 is a two-digit year padded, not a year of the Roman empire:
        // no review of a recorded search happened before 2000.
        .filter(|date| date.year() >= 2000)
        .ok_or_else(|| {
            // 31/02/2018 has its four-digit year: say the day does not exist.
            let parts: Vec<&str> = text.split(['-', '/']).collect();
            let all_digits = parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
            let year = if text.contains('-') { parts.first() } else { parts.last() };
            let modern = year.and_then(|y| y.parse::<i32>().ok()).is_some_and(|y| y >= 2000);
            InvalidValue {
                field: "reviewed_on",
                value: text.to_string(),
                allowed: if four_digit_year && all_digits && modern {
                    format!("a date that exists, such as 2026-11-03 or 03/11/2026 ({text} is not a day of the calendar)")
                } else {
                    "a date with a four-digit year from 2000 on, such as 2026-11-03 or 03/11/2026"
                        .to_string()
                },
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_spellings() {
        assert_eq!(Grounds::parse("Reasonable").unwrap(), Grounds::Reasonable);
        assert_eq!(
            Grounds::parse(" not reasonable ").unwrap(),
            Grounds::NotReasonable
        );
        assert_eq!(
            Grounds::parse("Not-Reasonable").unwrap(),
            Grounds::NotReasonable
        );
        assert_eq!(
            Grounds::parse("None recorded").unwrap(),
            Grounds::NoneRecorded
        );
        assert_eq!(
            Grounds::parse("INSUFFICIENT_INFO").unwrap(),
            Grounds::InsufficientInfo
        );
        assert_eq!(Bwv::parse("N/A").unwrap(), Bwv::NotAvailable);
        assert_eq!(Gowisely::parse("Yes").unwrap(), Gowisely::Yes);
        assert_eq!(Gowisely::parse("n/a").unwrap(), Gowisely::NotVisible);
        assert_eq!(Conduct::parse("OK").unwrap(), Conduct::Adequate);
        assert_eq!(
            Referral::parse("Professional Standards").unwrap(),
            Referral::ProfessionalStandards
        );
        assert_eq!(
            Referral::parse("PSD").unwrap(),
            Referral::ProfessionalStandards
        );
    }

    #[test]
    fn ambiguous_or_unknown_values_are_refused_with_the_allowed_list() {
        for ambiguous in ["no", "n/a", "maybe", ""] {
            let err = Grounds::parse(ambiguous).unwrap_err();
            assert_eq!(
                err.allowed,
                "reasonable, not_reasonable, none_recorded, insufficient_info, not_required"
            );
        }
        assert!(
            Bwv::parse("no").is_err(),
            "no footage or not watched? ambiguous"
        );
        let err = Conduct::parse("excellent").unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"excellent\" is not a conduct value; use one of: good, adequate, concern"
        );
    }

    #[test]
    fn canonical_spellings_round_trip() {
        for value in Grounds::ALL {
            assert_eq!(Grounds::parse(value.as_str()).unwrap(), *value);
        }
        for value in Referral::ALL {
            assert_eq!(Referral::parse(value.as_str()).unwrap(), *value);
        }
        assert_eq!(
            serde_json::to_string(&Grounds::NotReasonable).unwrap(),
            "\"not_reasonable\""
        );
    }

    #[test]
    fn themes_and_dates() {
        assert_eq!(
            parse_themes(" grounds wording; BWV ;;bwv; GOWISELY"),
            ["grounds wording", "BWV", "GOWISELY"]
        );
        let day = NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
        assert_eq!(parse_review_date("2026-11-03").unwrap(), day);
        assert_eq!(parse_review_date("03/11/2026").unwrap(), day);
        assert_eq!(parse_review_date("3/11/2026").unwrap(), day);
        assert!(parse_review_date("11/31/2026").is_err());
        assert!(parse_review_date("Nov 3").is_err());
        for two_digit_year in ["03/11/26", "26-11-03", "3/11/026"] {
            assert!(
                parse_review_date(two_digit_year).is_err(),
                "{two_digit_year} accepted"
            );
        }
    }

    #[test]
    fn a_day_that_does_not_exist_is_called_that_not_a_short_year() {
        let err = parse_review_date("31/02/2018").unwrap_err().to_string();
        assert!(err.contains("not a day of the calendar"), "{err}");
        assert!(!err.contains("four-digit year"), "{err}");
        let err = parse_review_date("03/11/26").unwrap_err().to_string();
        assert!(err.contains("four-digit year"), "{err}");
    }
}
