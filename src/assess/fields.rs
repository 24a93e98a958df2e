//! An assessment as nine text fields: what a worksheet row or a `grounds
//! record` session holds before it is a valid [`Assessment`], and the
//! field-by-field differences between two assessments.

use crate::spreadsheet::strip_formula_guard;

use super::model::{parse_review_date, parse_themes, InvalidValue};
use super::worksheet::ASSESSMENT_COLUMNS;
use super::{Assessment, Bwv, Conduct, Gowisely, Grounds, Referral};

/// One assessment field: a worksheet column, a `grounds record` question,
/// a flag. Matching is on this enum, so a field nobody handles is a compile
/// error, not a silently empty value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Grounds,
    Bwv,
    Gowisely,
    Conduct,
    Themes,
    Referral,
    Notes,
    Reviewer,
    ReviewedOn,
}

impl Field {
    /// Every field, in worksheet column order.
    pub const ALL: [Field; 9] = [
        Field::Grounds,
        Field::Bwv,
        Field::Gowisely,
        Field::Conduct,
        Field::Themes,
        Field::Referral,
        Field::Notes,
        Field::Reviewer,
        Field::ReviewedOn,
    ];

    /// The column name (also the stored name of a saved answer).
    pub fn name(self) -> &'static str {
        match self {
            Field::Grounds => "grounds",
            Field::Bwv => "bwv",
            Field::Gowisely => "gowisely",
            Field::Conduct => "conduct",
            Field::Themes => "themes",
            Field::Referral => "referral",
            Field::Notes => "notes",
            Field::Reviewer => "reviewer",
            Field::ReviewedOn => "reviewed_on",
        }
    }

    /// The field a column name names (exactly, as written by grounds).
    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether an assessed search must have it; `themes` and `notes` may be empty.
    pub fn is_required(self) -> bool {
        !matches!(self, Field::Themes | Field::Notes)
    }

    /// Free text, shown quoted when it changes.
    pub fn is_free_text(self) -> bool {
        matches!(self, Field::Themes | Field::Notes | Field::Reviewer)
    }

    /// The field of an assessment as text, the way it is written and shown.
    pub fn text(self, assessment: &Assessment) -> String {
        match self {
            Field::Grounds => assessment.grounds.as_str().to_string(),
            Field::Bwv => assessment.bwv.as_str().to_string(),
            Field::Gowisely => assessment.gowisely.as_str().to_string(),
            Field::Conduct => assessment.conduct.as_str().to_string(),
            Field::Themes => assessment.themes.join("; "),
            Field::Referral => assessment.referral.as_str().to_string(),
            Field::Notes => assessment.notes.clone(),
            Field::Reviewer => assessment.reviewer.clone(),
            Field::ReviewedOn => assessment.reviewed_on.format("%Y-%m-%d").to_string(),
        }
    }

    /// Checks text against the values the field allows; empty text passes
    /// (whether a field may be empty is [`parse_cells`]'s concern).
    pub fn check(self, text: &str) -> Result<(), InvalidValue> {
        let text = clean(text);
        if text.is_empty() {
            return Ok(());
        }
        match self {
            Field::Grounds => Grounds::parse(text).map(drop),
            Field::Bwv => Bwv::parse(text).map(drop),
            Field::Gowisely => Gowisely::parse(text).map(drop),
            Field::Conduct => Conduct::parse(text).map(drop),
            Field::Referral => Referral::parse(text).map(drop),
            Field::ReviewedOn => parse_review_date(text).map(drop),
            Field::Themes | Field::Notes | Field::Reviewer => Ok(()),
        }
    }
}

/// A field equals its column name: `Field::Grounds == "grounds"`.
impl PartialEq<&str> for Field {
    fn eq(&self, name: &&str) -> bool {
        self.name() == *name
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.name())
    }
}

/// The names of the fields an assessed search must have; `themes` and
/// `notes` may be empty.
pub const REQUIRED: [&str; 7] = [
    "grounds",
    "bwv",
    "gowisely",
    "conduct",
    "referral",
    "reviewer",
    "reviewed_on",
];

/// What a set of cells amounts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cells {
    /// Every assessment cell is empty: not assessed yet.
    Empty,
    Assessed(Assessment),
    /// Something is filled in, but not a valid assessment.
    Invalid(Vec<FieldProblem>),
}

/// Why one field (or, for missing fields, several) cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field's column name, or the missing fields joined by ", ".
    pub column: String,
    pub reason: String,
}

/// A cell as typed: surrounding spaces and one leading formula guard `'`
/// dropped (the guard `grounds sample` adds, or one a person typed).
pub fn clean(cell: &str) -> &str {
    strip_formula_guard(cell.trim()).trim()
}

/// Reads the nine assessment fields through `cell` (which gives "" for a
/// field it does not have).
pub fn parse_cells<'a>(cell: impl Fn(&str) -> &'a str) -> Cells {
    let value = |field: &str| clean(cell(field));
    if ASSESSMENT_COLUMNS.iter().all(|f| value(f).is_empty()) {
        return Cells::Empty;
    }
    let mut problems = Vec::new();
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|f| value(f).is_empty())
        .collect();
    if !missing.is_empty() {
        problems.push(FieldProblem {
            column: missing.join(", "),
            reason: format!(
                "missing: a search with any assessment field filled in needs {} (themes and notes may stay empty)",
                REQUIRED.join(", ")
            ),
        });
    }
    for field in Field::ALL {
        if let Err(err) = field.check(value(field.name())) {
            problems.push(FieldProblem {
                column: field.name().to_string(),
                reason: err.to_string(),
            });
        }
    }
    if !problems.is_empty() {
        return Cells::Invalid(problems);
    }
    // Every value was checked above; a failure here would be a bug, reported as one.
    let parsed = (|| -> Result<Assessment, InvalidValue> {
        Ok(Assessment {
            grounds: Grounds::parse(value("grounds"))?,
            bwv: Bwv::parse(value("bwv"))?,
            gowisely: Gowisely::parse(value("gowisely"))?,
            conduct: Conduct::parse(value("conduct"))?,
            themes: parse_themes(value("themes")),
            referral: Referral::parse(value("referral"))?,
            notes: value("notes").to_string(),
            reviewer: value("reviewer").to_string(),
            reviewed_on: parse_review_date(value("reviewed_on"))?,
        })
    })();
    match parsed {
        Ok(assessment) => Cells::Assessed(assessment),
        Err(err) => Cells::Invalid(vec![FieldProblem {
            column: err.field.to_string(),
            reason: err.to_string(),
        }]),
    }
}

/// One field of an assessment as text, the way it is written and shown.
pub fn field_text(assessment: &Assessment, field: Field) -> String {
    field.text(assessment)
}

/// One field that differs between two versions of an assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: Field,
    pub from: String,
    pub to: String,
}

/// The fields in which `new` differs from `old`, in column order.
pub fn changes(old: &Assessment, new: &Assessment) -> Vec<Change> {
    Field::ALL
        .into_iter()
        .filter_map(|field| {
            let (from, to) = (field.text(old), field.text(new));
            (from != to).then_some(Change { field, from, to })
        })
        .collect()
}

/// `grounds: reasonable → not_reasonable; notes: "" → "late"`.
pub fn describe_changes(changes: &[Change]) -> String {
    changes
        .iter()
        .map(|c| {
            if c.field.is_free_text() {
                format!("{}: {:?} → {:?}", c.field, c.from, c.to)
            } else {
                format!("{}: {} → {}", c.field, c.from, c.to)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn cells(pairs: &[(&str, &'static str)]) -> Cells {
        let map: HashMap<String, &'static str> =
            pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        parse_cells(|field| map.get(field).copied().unwrap_or(""))
    }

    const FULL: [(&str, &str); 9] = [
        ("grounds", "'Reasonable"),
        ("bwv", " Yes "),
        ("gowisely", "partly"),
        ("conduct", "Good"),
        ("themes", "grounds wording; BWV"),
        ("referral", "N/A"),
        ("notes", "'=not a formula"),
        ("reviewer", "PS Ada"),
        ("reviewed_on", "03/11/2026"),
    ];

    #[test]
    fn a_filled_row_parses_with_guards_stripped() {
        let Cells::Assessed(a) = cells(&FULL) else {
            panic!("expected an assessment")
        };
        assert_eq!(a.grounds, Grounds::Reasonable);
        assert_eq!(a.bwv, Bwv::Reviewed);
        assert_eq!(a.gowisely, Gowisely::Partial);
        assert_eq!(a.referral, Referral::None);
        assert_eq!(a.notes, "=not a formula");
        assert_eq!(a.themes, ["grounds wording", "BWV"]);
        assert_eq!(field_text(&a, Field::ReviewedOn), "2026-11-03");
    }

    #[test]
    fn empty_partial_and_invalid_rows() {
        assert_eq!(cells(&[("notes", "  "), ("grounds", "'")]), Cells::Empty);
        let Cells::Invalid(problems) = cells(&[("grounds", "reasonable"), ("notes", "x")]) else {
            panic!("expected problems")
        };
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].column,
            "bwv, gowisely, conduct, referral, reviewer, reviewed_on"
        );
        let mut bad = FULL;
        bad[0] = ("grounds", "maybe");
        bad[8] = ("reviewed_on", "31/31/2026");
        let Cells::Invalid(problems) = cells(&bad) else {
            panic!("expected problems")
        };
        let columns: Vec<&str> = problems.iter().map(|p| p.column.as_str()).collect();
        assert_eq!(columns, ["grounds", "reviewed_on"]);
        assert!(problems[0].reason.contains("reasonable, not_reasonable"));
    }

    #[test]
    fn fields_are_the_worksheet_columns_in_order() {
        let names: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
        assert_eq!(names, ASSESSMENT_COLUMNS);
        let required: Vec<&str> = Field::ALL
            .into_iter()
            .filter(|f| f.is_required())
            .map(Field::name)
            .collect();
        assert_eq!(required, REQUIRED);
        for field in Field::ALL {
            assert_eq!(Field::from_name(field.name()), Some(field));
        }
        assert_eq!(Field::from_name("Grounds"), None);
    }

    #[test]
    fn changes_name_each_differing_field() {
        let Cells::Assessed(old) = cells(&FULL) else {
            panic!()
        };
        let mut new = old.clone();
        new.grounds = Grounds::NotReasonable;
        new.notes = "late".to_string();
        let found = changes(&old, &new);
        assert_eq!(
            found.iter().map(|c| c.field).collect::<Vec<_>>(),
            ["grounds", "notes"]
        );
        assert_eq!(
            describe_changes(&found),
            "grounds: reasonable → not_reasonable; notes: \"=not a formula\" → \"late\""
        );
        assert!(changes(&old, &old).is_empty());
    }
}
