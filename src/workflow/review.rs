//! A `grounds record` session: a champion's searches one at a time, each
//! answer saved as it is given. The questions go through a [`Prompt`], so
//! the terminal (dialoguer, in `src/cmd/`) is one front end and a script or
//! a test is another.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};

use super::Workspace;
use crate::assess::fields::{clean, parse_cells, Cells, Field};
use crate::assess::review_date::implausible_review_date;
use crate::assess::targets::{same_champion, AssessmentVersion, Review};
use crate::assess::{Assessment, Grounds};
use crate::export::YearMonth;
use crate::store::{self, Provenance, SearchDetails, Store, TargetState};

/// Asks a person for answers.
pub trait Prompt {
    /// Shows the search about to be asked about.
    fn show(&mut self, search: &SearchShown) -> Result<()>;
    /// Asks for one field, offering `default`; `None` when the person stops.
    /// The answer is checked again when the search is recorded.
    fn ask(&mut self, field: Field, default: Option<&str>) -> Result<Option<String>>;
}

/// What a person sees before a search's questions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchShown {
    pub champion: String,
    pub month: String,
    /// The champion's searches under review, and how many are assessed.
    pub assessed: usize,
    pub under_review: usize,
    pub record_id: String,
    /// `sample` or `reserve`, and the position in it ("" and 0 if unknown).
    pub role: String,
    pub position: i64,
    /// The record as drawn from the export.
    pub details: Option<SearchDetails>,
    /// Fields answered in an earlier session, by name.
    pub carried_on: Vec<String>,
}

/// What a session is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewOptions {
    pub month: YearMonth,
    /// As in the champions file; case and surrounding spaces may differ.
    pub champion: String,
    /// Record this search (default: the champion's next not assessed yet).
    pub record_id: Option<String>,
    /// Answers given up front (flags): not asked. Reviewer and review date
    /// apply to every search of the session.
    pub given: BTreeMap<Field, String>,
    /// Whether a person can be asked. Without one, every required field
    /// must be given (or saved earlier), and one search is recorded.
    pub interactive: bool,
    /// Record a new version for a search already assessed.
    pub amend: bool,
    /// Accept a review date after today or before the month drawn.
    pub allow_date: bool,
}

/// A search recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub record_id: String,
    pub grounds: Grounds,
    pub version: i64,
    /// The champion's own search (first review) or a blind second review.
    pub review: Review,
}

/// What happened in a session, as it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewEvent {
    Recorded(Recorded),
    /// The answers are what the current version already says.
    Unchanged {
        record_id: String,
        version: i64,
    },
    /// Nothing left to assess; `now` when this session assessed some.
    AllAssessed {
        now: bool,
    },
    /// The person stopped; every answer given is saved.
    Stopped,
}

/// An open session on one champion's searches of one month.
pub struct ReviewSession {
    store: Store,
    db: PathBuf,
    draw_id: i64,
    month: String,
    champion: String,
    options: ReviewOptions,
    /// Answers carried to the next search's prompts as defaults.
    carried: BTreeMap<Field, String>,
}

/// What one search came to.
enum Outcome {
    Recorded(Recorded),
    Unchanged(i64),
    Stopped,
}

impl ReviewSession {
    /// Opens the month's current draw and finds the champion in it.
    pub fn open(workspace: &Workspace, options: ReviewOptions) -> Result<Self> {
        let month = options.month.to_string();
        let mut store = workspace.open()?;
        let (draw_id, champion) = {
            let tx = store.read()?;
            let Some(draw) = tx.current_draw(&month)? else {
                bail!("no draw for {month} in {}", workspace.db().display());
            };
            let names = tx.champion_names(draw.id)?;
            let wanted = options.champion.trim();
            let Some(name) = names
                .iter()
                .find(|n| n.as_str() == wanted)
                .or_else(|| names.iter().find(|n| same_champion(n, wanted)))
            else {
                bail!(
                    "{wanted:?} is not a champion of the {month} draw; its champions are: {}",
                    names.join(", ")
                );
            };
            (draw.id, name.clone())
        };
        Ok(Self {
            store,
            db: workspace.db().to_path_buf(),
            draw_id,
            month,
            carried: BTreeMap::from([(Field::Reviewer, champion.clone())]),
            champion,
            options,
        })
    }

    /// The champion's name as the draw has it.
    pub fn champion(&self) -> &str {
        &self.champion
    }

    pub fn month(&self) -> &str {
        &self.month
    }

    /// Whether the session records one search and ends: no person to ask,
    /// a search named, or a verdict given up front.
    fn single(&self) -> bool {
        !self.options.interactive
            || self.options.record_id.is_some()
            || self
                .options
                .given
                .keys()
                .any(|f| !matches!(f, Field::Reviewer | Field::ReviewedOn))
    }

    /// Records searches until none is left, the person stops, or (see
    /// [`ReviewOptions`]) one is done; `on_event` hears each as it happens.
    pub fn run(
        &mut self,
        prompt: &mut dyn Prompt,
        on_event: &mut dyn FnMut(&ReviewEvent),
    ) -> Result<usize> {
        let explicit = self
            .options
            .record_id
            .as_deref()
            .map(clean)
            .map(String::from);
        let mut recorded = 0;
        loop {
            let (record_id, review, current) = match &explicit {
                Some(id) => self.explicit_target(id)?,
                None => match self.next_unassessed()? {
                    Some((id, review)) => (id, review, None),
                    None => {
                        on_event(&ReviewEvent::AllAssessed { now: recorded > 0 });
                        break;
                    }
                },
            };
            match self.record_one(prompt, &record_id, review, current.as_ref())? {
                Outcome::Recorded(done) => {
                    recorded += 1;
                    on_event(&ReviewEvent::Recorded(done));
                }
                Outcome::Unchanged(version) => on_event(&ReviewEvent::Unchanged {
                    record_id: record_id.clone(),
                    version,
                }),
                Outcome::Stopped => {
                    on_event(&ReviewEvent::Stopped);
                    break;
                }
            }
            if self.single() {
                break;
            }
        }
        Ok(recorded)
    }

    /// The search the options name, checked to be this champion's (to
    /// review first or second) and due. A second review's current version
    /// is the second reviewer's own: the first assessment is never shown.
    fn explicit_target(
        &mut self,
        record_id: &str,
    ) -> Result<(String, Review, Option<AssessmentVersion>)> {
        let tx = self.store.read()?;
        let targets = tx
            .draw_targets(&self.month, Some(record_id))?
            .with_context(|| format!("no draw for {}", self.month))?;
        let (review, target) = targets.assessable_review(record_id, &self.champion)?;
        if let Some(current) = &target.current {
            if !self.options.amend {
                bail!(
                    "{record_id} is already assessed (version {}, recorded {} by {}): give --amend to record a new version \
                     (the old one is kept; see `grounds history --record-id {record_id}`)",
                    current.version,
                    current.recorded_at,
                    current.recorded_by
                );
            }
        }
        Ok((record_id.to_string(), review, target.current.clone()))
    }

    /// The champion's next search not yet assessed: their own first, then
    /// their second reviews.
    fn next_unassessed(&mut self) -> Result<Option<(String, Review)>> {
        let tx = self.store.read()?;
        let queue = tx.review_queue(self.draw_id, &self.champion)?;
        Ok(queue.into_iter().find(|e| !e.assessed).map(|e| {
            let review = if e.role == "second" {
                Review::Second
            } else {
                Review::First
            };
            (e.record_id, review)
        }))
    }

    fn record_one(
        &mut self,
        prompt: &mut dyn Prompt,
        record_id: &str,
        review: Review,
        current: Option<&AssessmentVersion>,
    ) -> Result<Outcome> {
        let saved = self
            .store
            .read()?
            .draft_answers(self.draw_id, record_id, review)?;
        let mut answers: BTreeMap<Field, String> = saved
            .iter()
            .filter_map(|(name, value)| Field::from_name(name).map(|f| (f, value.clone())))
            .collect();
        for (field, value) in &self.options.given {
            answers.insert(*field, value.clone());
        }
        let missing_required = |answers: &BTreeMap<Field, String>| -> Vec<Field> {
            Field::ALL
                .into_iter()
                .filter(|f| f.is_required())
                .filter(|f| answers.get(f).is_none_or(|v| clean(v).is_empty()))
                .collect()
        };
        // Every required field given (as flags or earlier answers): nothing to ask.
        let asking = self.options.interactive
            && Field::ALL
                .into_iter()
                .any(|f| f.is_required() && !answers.contains_key(&f));
        if asking {
            prompt.show(&self.shown(record_id, &saved)?)?;
            for field in Field::ALL {
                if answers.contains_key(&field) {
                    continue;
                }
                let default = current
                    .map(|c| field.text(&c.assessment))
                    .or_else(|| self.carried.get(&field).cloned());
                let Some(value) = prompt.ask(field, default.as_deref())? else {
                    return Ok(Outcome::Stopped);
                };
                let tx = self.store.begin()?;
                tx.save_draft_answer(
                    self.draw_id,
                    record_id,
                    review,
                    field.name(),
                    &value,
                    &store::current_user(),
                    &store::now(),
                )?;
                tx.commit()?;
                answers.insert(field, value);
            }
        } else {
            let missing = missing_required(&answers);
            if !missing.is_empty() {
                let names: Vec<&str> = missing.iter().map(|f| f.name()).collect();
                let flags: Vec<String> = missing
                    .iter()
                    .map(|f| format!("--{}", f.name().replace('_', "-")))
                    .collect();
                bail!(
                    "not at a terminal, so grounds cannot ask for {} of {record_id}: give {}",
                    names.join(", "),
                    flags.join(", ")
                );
            }
        }
        let assessment = match parse_cells(|name| {
            Field::from_name(name)
                .and_then(|f| answers.get(&f))
                .map_or("", String::as_str)
        }) {
            Cells::Assessed(assessment) => assessment,
            Cells::Empty => bail!("nothing to record for {record_id}"),
            Cells::Invalid(problems) => bail!(
                "{record_id}: {}",
                problems
                    .iter()
                    .map(|p| format!("{}: {}", p.column, p.reason))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        };
        let targets = self
            .store
            .read()?
            .draw_targets(&self.month, Some(record_id))?
            .with_context(|| format!("no draw for {}", self.month))?;
        if let Some(target) = targets.targets.get(record_id) {
            if let Err(why) = target.accepts(record_id, assessment.grounds) {
                if asking {
                    bail!("{why} (nothing recorded; the other answers are saved)");
                }
                bail!("{why} (nothing recorded)");
            }
        }
        if !self.options.allow_date {
            let today = chrono::Local::now().date_naive();
            if let Some(why) =
                implausible_review_date(assessment.reviewed_on, self.options.month, today)
            {
                if asking {
                    bail!(
                        "{record_id}: reviewed_on: {why} (nothing recorded; the other answers are saved: \
                         run again with --reviewed-on DATE)"
                    );
                }
                bail!("{record_id}: reviewed_on: {why} (nothing recorded: give another --reviewed-on DATE)");
            }
        }
        for field in [Field::Reviewer, Field::ReviewedOn] {
            self.carried.insert(field, field.text(&assessment));
        }
        self.store_assessment(record_id, review, &assessment)
    }

    /// Stores the assessment, checking again inside the write: an import
    /// may have run meanwhile.
    fn store_assessment(
        &mut self,
        record_id: &str,
        review: Review,
        assessment: &Assessment,
    ) -> Result<Outcome> {
        let tx = self.store.begin()?;
        let targets = tx
            .draw_targets(&self.month, Some(record_id))?
            .with_context(|| format!("the {} draw was replaced meanwhile", self.month))?;
        let target = match review {
            Review::First => targets.targets.get(record_id),
            Review::Second => targets.second.get(record_id),
        }
        .with_context(|| format!("{record_id} is no longer in the {} draw", self.month))?;
        if target.state != TargetState::Active {
            bail!("{record_id} was substituted meanwhile; nothing recorded");
        }
        if let Some(now) = &target.current {
            if now.assessment == *assessment {
                return Ok(Outcome::Unchanged(now.version));
            }
            if !self.options.amend {
                bail!(
                    "{record_id} was assessed meanwhile (version {}, by {}): give --amend to record a new version",
                    now.version,
                    now.recorded_by
                );
            }
        }
        let user = store::current_user();
        let at = store::now();
        let version = tx.insert_assessment(
            self.draw_id,
            record_id,
            review,
            assessment,
            &Provenance {
                source: "record",
                simulated: false,
                recorded_by: &user,
                recorded_at: &at,
            },
        )?;
        tx.commit()?;
        Ok(Outcome::Recorded(Recorded {
            record_id: record_id.to_string(),
            grounds: assessment.grounds,
            version,
            review,
        }))
    }

    /// The search as drawn from the export, for the person before the questions.
    fn shown(&mut self, record_id: &str, saved: &BTreeMap<String, String>) -> Result<SearchShown> {
        let tx = self.store.read()?;
        let queue = tx.review_queue(self.draw_id, &self.champion)?;
        let entry = queue.iter().find(|e| e.record_id == record_id);
        Ok(SearchShown {
            champion: self.champion.clone(),
            month: self.month.clone(),
            assessed: queue.iter().filter(|e| e.assessed).count(),
            under_review: queue.len(),
            record_id: record_id.to_string(),
            role: entry.map_or_else(String::new, |e| e.role.clone()),
            position: entry.map_or(0, |e| e.position),
            details: tx.search_details(self.draw_id, record_id)?,
            carried_on: saved.keys().cloned().collect(),
        })
    }

    /// The workspace file, for messages.
    pub fn db(&self) -> &std::path::Path {
        &self.db
    }
}
