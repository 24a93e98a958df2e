//! Where each drawn record stands, and the one rule for whether a record
//! can be assessed now: used by `import`, `record` and `substitute` alike.

use std::collections::HashMap;

use super::{Assessment, Grounds};

/// One stored version of an assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentVersion {
    pub version: i64,
    pub assessment: Assessment,
    pub recorded_at: String,
    pub recorded_by: String,
    pub source: String,
    pub simulated: bool,
}

/// Where a drawn record stands in its champion's review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetState {
    /// Due for review: sampled, or a reserve brought in.
    Active,
    /// A reserve not (yet) brought in by a substitution.
    UnusedReserve,
    /// Could not be reviewed and was replaced.
    Substituted {
        replacement_id: String,
        reason: String,
    },
}

/// A sampled or reserve record of a draw, with its current assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub champion: String,
    /// `sample` or `reserve`.
    pub role: String,
    pub position: i64,
    pub state: TargetState,
    pub current: Option<AssessmentVersion>,
    /// Made under a power that needs no suspicion (section 60, section 47A,
    /// or one the draw's mapping lists): the only searches that may be
    /// given the verdict `not_required`.
    pub no_suspicion: bool,
    /// The power the search was made under, as the export gives it.
    pub legislation: String,
}

/// Which review of a search an assessment is: the first (the champion it
/// was dealt to, the one every figure estimates) or a blind second review
/// (`sample --second-review`), which only measures agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Review {
    First,
    Second,
}

impl Review {
    /// As the workspace stores it.
    pub fn as_str(self) -> &'static str {
        match self {
            Review::First => "first",
            Review::Second => "second",
        }
    }
}

/// Every record of a month's current draw, by record id.
#[derive(Debug, Clone)]
pub struct DrawTargets {
    /// The draw's id in the workspace.
    pub draw_id: i64,
    pub month: String,
    pub targets: HashMap<String, Target>,
    /// Second reviews by record id: the second champion, role `second`,
    /// their position, and the current second assessment (never the first).
    pub second: HashMap<String, Target>,
}

/// Whether two champion names are the same champion: as in the champions
/// file, but a name typed at a terminal or retyped in a spreadsheet may
/// differ in case and surrounding spaces. Used wherever a name is matched.
pub fn same_champion(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// Why a record cannot be assessed now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotAssessable {
    #[error("{record_id} is not in the {month} draw")]
    NotDrawn { record_id: String, month: String },
    #[error("{record_id} was drawn for {drawn_for}, not {champion}")]
    OtherChampion {
        record_id: String,
        drawn_for: String,
        champion: String,
    },
    #[error(
        "{record_id} is reserve {position} of {champion} and has not been brought in: a reserve is assessed only after \
         `grounds substitute` replaces a sampled search with it"
    )]
    UnusedReserve {
        record_id: String,
        position: i64,
        champion: String,
    },
    #[error("{record_id} was replaced by reserve {replacement_id} (reason: {reason}): assess that one instead")]
    Substituted {
        record_id: String,
        replacement_id: String,
        reason: String,
    },
    #[error(
        "{record_id} was replaced by reserve {replacement_id} in its first reviewer's sample (reason: {reason}), \
         so its second review is no longer due: leave the row blank (the reserve gets no second review)"
    )]
    SecondReviewNotDue {
        record_id: String,
        replacement_id: String,
        reason: String,
    },
    #[error(
        "{record_id}: not_required is only for a search under a power that needs no suspicion (section 60, \
         section 47A); this one was made under \"{legislation}\", so its grounds must be judged: reasonable, \
         not_reasonable, none_recorded or insufficient_info"
    )]
    GroundsRequired {
        record_id: String,
        legislation: String,
    },
}

impl NotAssessable {
    /// The worksheet column the problem is in.
    pub fn column(&self) -> &'static str {
        match self {
            NotAssessable::OtherChampion { .. } => "champion",
            NotAssessable::GroundsRequired { .. } => "grounds",
            _ => "record_id",
        }
    }
}

impl Target {
    /// Whether `grounds` is a verdict this search can be given: every
    /// verdict for a search under a no-suspicion power (its grounds are left
    /// out of every figure anyway), all but `not_required` for the others.
    pub fn accepts(&self, record_id: &str, grounds: Grounds) -> Result<(), NotAssessable> {
        if grounds == Grounds::NotRequired && !self.no_suspicion {
            return Err(NotAssessable::GroundsRequired {
                record_id: record_id.to_string(),
                legislation: self.legislation.clone(),
            });
        }
        Ok(())
    }
}

impl DrawTargets {
    /// [`DrawTargets::assessable`] for `champion` as first or second
    /// reviewer: a search dealt to them a second time is their second review.
    pub fn assessable_review(
        &self,
        record_id: &str,
        champion: &str,
    ) -> Result<(Review, &Target), NotAssessable> {
        match (
            self.assessable(record_id, champion),
            self.second.get(record_id),
        ) {
            (Err(NotAssessable::OtherChampion { .. }), Some(second))
                if same_champion(&second.champion, champion) =>
            {
                match &second.state {
                    TargetState::Substituted {
                        replacement_id,
                        reason,
                    } => Err(NotAssessable::SecondReviewNotDue {
                        record_id: record_id.to_string(),
                        replacement_id: replacement_id.clone(),
                        reason: reason.clone(),
                    }),
                    _ => Ok((Review::Second, second)),
                }
            }
            (found, _) => found.map(|target| (Review::First, target)),
        }
    }

    /// The one rule for "can this record be assessed now": it is in this
    /// draw, drawn for `champion` (see [`same_champion`]), and under review:
    /// sampled and not substituted, or a reserve brought in.
    pub fn assessable(&self, record_id: &str, champion: &str) -> Result<&Target, NotAssessable> {
        let Some(target) = self.targets.get(record_id) else {
            return Err(NotAssessable::NotDrawn {
                record_id: record_id.to_string(),
                month: self.month.clone(),
            });
        };
        if !same_champion(&target.champion, champion) {
            return Err(NotAssessable::OtherChampion {
                record_id: record_id.to_string(),
                drawn_for: target.champion.clone(),
                champion: champion.to_string(),
            });
        }
        match &target.state {
            TargetState::Active => Ok(target),
            TargetState::UnusedReserve => Err(NotAssessable::UnusedReserve {
                record_id: record_id.to_string(),
                position: target.position,
                champion: target.champion.clone(),
            }),
            TargetState::Substituted {
                replacement_id,
                reason,
            } => Err(NotAssessable::Substituted {
                record_id: record_id.to_string(),
                replacement_id: replacement_id.clone(),
                reason: reason.clone(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(champion: &str, role: &str, state: TargetState) -> Target {
        Target {
            champion: champion.to_string(),
            role: role.to_string(),
            position: 1,
            state,
            current: None,
            no_suspicion: false,
            legislation: "Misuse of Drugs Act 1971 (section 23)".to_string(),
        }
    }

    #[test]
    fn one_rule_for_what_can_be_assessed() {
        let draw = DrawTargets {
            draw_id: 1,
            month: "2019-01".to_string(),
            targets: HashMap::from([
                (
                    "a".to_string(),
                    target("PS Ada", "sample", TargetState::Active),
                ),
                (
                    "b".to_string(),
                    target("PS Ada", "reserve", TargetState::UnusedReserve),
                ),
                (
                    "c".to_string(),
                    target(
                        "PS Ada",
                        "sample",
                        TargetState::Substituted {
                            replacement_id: "d".to_string(),
                            reason: "no BWV".to_string(),
                        },
                    ),
                ),
            ]),
            second: HashMap::from([
                (
                    "a".to_string(),
                    target("PC Ben", "second", TargetState::Active),
                ),
                (
                    "c".to_string(),
                    target(
                        "PC Ben",
                        "second",
                        TargetState::Substituted {
                            replacement_id: "d".to_string(),
                            reason: "no BWV".to_string(),
                        },
                    ),
                ),
            ]),
        };
        assert!(draw.assessable("a", "PS Ada").is_ok());
        assert_eq!(
            draw.assessable_review("a", "PS Ada").unwrap().0,
            Review::First
        );
        let (review, second) = draw.assessable_review("a", " pc ben").unwrap();
        assert_eq!((review, second.role.as_str()), (Review::Second, "second"));
        assert!(draw.assessable_review("a", "PC Cy").is_err());
        assert!(draw
            .assessable_review("c", "PC Ben")
            .unwrap_err()
            .to_string()
            .starts_with("c was replaced by reserve d"));
        assert!(draw.assessable("a", " ps ada ").is_ok(), "case and spaces");
        let err = |id: &str, champion: &str| draw.assessable(id, champion).unwrap_err();
        assert_eq!(
            err("a", "PC Ben").to_string(),
            "a was drawn for PS Ada, not PC Ben"
        );
        assert_eq!(err("a", "PC Ben").column(), "champion");
        assert_eq!(
            err("z", "PS Ada").to_string(),
            "z is not in the 2019-01 draw"
        );
        assert!(err("b", "PS Ada")
            .to_string()
            .starts_with("b is reserve 1 of PS Ada and has not been brought in"));
        assert_eq!(
            err("c", "PS Ada").to_string(),
            "c was replaced by reserve d (reason: no BWV): assess that one instead"
        );
    }

    #[test]
    fn not_required_is_accepted_only_under_a_no_suspicion_power() {
        let mut drugs = target("PC A", "sample", TargetState::Active);
        let err = drugs
            .accepts("r1", Grounds::NotRequired)
            .expect_err("section 23 needs grounds");
        assert_eq!(err.column(), "grounds");
        assert!(err
            .to_string()
            .contains("Misuse of Drugs Act 1971 (section 23)"));
        drugs
            .accepts("r1", Grounds::NoneRecorded)
            .expect("any other verdict");

        drugs.no_suspicion = true;
        drugs.legislation = "Criminal Justice and Public Order Act 1994 (section 60)".to_string();
        drugs
            .accepts("r1", Grounds::NotRequired)
            .expect("section 60 needs no suspicion");
        drugs
            .accepts("r1", Grounds::Reasonable)
            .expect("a champion may still judge the grounds: the report leaves them out");
    }
}
