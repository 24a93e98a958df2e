//! `grounds record`: enter assessments at the terminal, one search at a
//! time, each answer saved as it is given; or all fields as flags.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use grounds::assess::fields::{clean, field_text, parse_cells, Cells, REQUIRED};
use grounds::assess::model::parse_review_date;
use grounds::assess::worksheet::ASSESSMENT_COLUMNS;
use grounds::assess::{Bwv, Conduct, Gowisely, Grounds, Referral};
use grounds::export::YearMonth;
use grounds::store::{self, AssessmentVersion, Provenance, Store, TargetState};

use super::{parse_month, DbArg};

/// Record assessments at the terminal, one search at a time (or by flags, for scripts).
///
/// Shows each of the champion's searches not assessed yet, as drawn from the
/// export, and asks for each field. Every answer is saved as soon as it is
/// given: run the same command again to carry on where you stopped (Esc or q
/// in a list stops). Fields given as flags are not asked; --reviewer and
/// --reviewed-on apply to every search of the session. With --record-id, or
/// any of --grounds ... --notes, one search is recorded. Without a terminal,
/// every required field must come from flags (or answers saved earlier).
///
/// Example: grounds record --month 2019-01 --champion "PC Ben Hartley"
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The month of the draw (YYYY-MM).
    #[arg(long, value_parser = parse_month)]
    pub month: YearMonth,

    /// The champion whose searches to record, as in the champions file.
    #[arg(long)]
    pub champion: String,

    /// Record this search (default: the champion's next search not assessed yet).
    #[arg(long, value_name = "ID")]
    pub record_id: Option<String>,

    /// Were reasonable grounds evident: reasonable, not_reasonable, none_recorded, insufficient_info.
    #[arg(long, value_parser = vocabulary(|t| Grounds::parse(t).map(Grounds::as_str)))]
    pub grounds: Option<String>,

    /// Body-worn video: reviewed, not_available, not_reviewed.
    #[arg(long, value_parser = vocabulary(|t| Bwv::parse(t).map(Bwv::as_str)))]
    pub bwv: Option<String>,

    /// Search explained (GOWISELY): yes, partial, no, not_visible.
    #[arg(long, value_parser = vocabulary(|t| Gowisely::parse(t).map(Gowisely::as_str)))]
    pub gowisely: Option<String>,

    /// Conduct of the search: good, adequate, concern.
    #[arg(long, value_parser = vocabulary(|t| Conduct::parse(t).map(Conduct::as_str)))]
    pub conduct: Option<String>,

    /// Learning themes, separated by ';' (may be empty).
    #[arg(long)]
    pub themes: Option<String>,

    /// Referral: none, feedback, supervisor, professional_standards.
    #[arg(long, value_parser = vocabulary(|t| Referral::parse(t).map(Referral::as_str)))]
    pub referral: Option<String>,

    /// Notes (may be empty).
    #[arg(long)]
    pub notes: Option<String>,

    /// Who reviewed the search.
    #[arg(long)]
    pub reviewer: Option<String>,

    /// Date of the review: 2026-11-03 or 03/11/2026.
    #[arg(long, value_parser = review_date)]
    pub reviewed_on: Option<String>,

    /// Record a new version for a search already assessed (the old one is kept).
    #[arg(long)]
    pub amend: bool,

    #[command(flatten)]
    pub db: DbArg,
}

/// A clap value parser from a vocabulary's `parse`, giving the canonical spelling.
fn vocabulary(
    parse: fn(&str) -> Result<&'static str, grounds::assess::InvalidValue>,
) -> impl Fn(&str) -> Result<String, String> + Clone {
    move |text| parse(text).map(str::to_string).map_err(|e| e.to_string())
}

fn review_date(text: &str) -> Result<String, String> {
    parse_review_date(text)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .map_err(|e| e.to_string())
}

/// The searches a verdict flag is about: given one, the session records one search.
const VERDICT_FIELDS: [&str; 7] = [
    "grounds", "bwv", "gowisely", "conduct", "themes", "referral", "notes",
];

enum Outcome {
    Recorded,
    Unchanged,
    Stopped,
}

struct Session<'a> {
    store: Store,
    draw_id: i64,
    month: String,
    champion: String,
    given: BTreeMap<&'static str, String>,
    interactive: bool,
    amend: bool,
    /// Answers carried to the next search's prompts as defaults.
    carried: BTreeMap<&'static str, String>,
    db: &'a std::path::Path,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let flags = [
        ("grounds", &args.grounds),
        ("bwv", &args.bwv),
        ("gowisely", &args.gowisely),
        ("conduct", &args.conduct),
        ("themes", &args.themes),
        ("referral", &args.referral),
        ("notes", &args.notes),
        ("reviewer", &args.reviewer),
        ("reviewed_on", &args.reviewed_on),
    ];
    let given: BTreeMap<&'static str, String> = flags
        .into_iter()
        .filter_map(|(field, value)| value.as_ref().map(|v| (field, v.trim().to_string())))
        .collect();
    let single = !interactive
        || args.record_id.is_some()
        || VERDICT_FIELDS.iter().any(|f| given.contains_key(f));

    let month = args.month.to_string();
    let mut store = Store::open(&args.db.db)?;
    let (draw_id, champion) = {
        let tx = store.read()?;
        let Some(draw) = tx.current_draw(&month)? else {
            bail!("no draw for {month} in {}", args.db.db.display());
        };
        let names = tx.champion_names(draw.id)?;
        let wanted = args.champion.trim();
        let Some(name) = names
            .iter()
            .find(|n| n.as_str() == wanted)
            .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(wanted)))
        else {
            bail!(
                "{wanted:?} is not a champion of the {month} draw; its champions are: {}",
                names.join(", ")
            );
        };
        (draw.id, name.clone())
    };
    let mut session = Session {
        store,
        draw_id,
        month,
        carried: BTreeMap::from([("reviewer", champion.clone())]),
        champion,
        given,
        interactive,
        amend: args.amend,
        db: &args.db.db,
    };

    let explicit = args.record_id.as_deref().map(clean);
    let mut recorded = 0;
    loop {
        let (record_id, current) = match explicit {
            Some(id) => session.explicit_target(id)?,
            None => match session.next_unassessed()? {
                Some(id) => (id, None),
                None => {
                    println!(
                        "All of {}'s searches in {} are assessed{}.",
                        session.champion,
                        session.month,
                        if recorded > 0 { " now" } else { "" }
                    );
                    break;
                }
            },
        };
        match session.record_one(&record_id, current.as_ref())? {
            Outcome::Recorded => recorded += 1,
            Outcome::Unchanged => {}
            Outcome::Stopped => {
                eprintln!(
                    "Stopped. Every answer given is saved: run the same command to carry on."
                );
                break;
            }
        }
        if single {
            break;
        }
    }
    Ok(ExitCode::SUCCESS)
}

impl Session<'_> {
    /// The search --record-id names, checked to be this champion's and due.
    fn explicit_target(&mut self, record_id: &str) -> Result<(String, Option<AssessmentVersion>)> {
        let tx = self.store.read()?;
        let targets = tx
            .draw_targets(&self.month, Some(record_id))?
            .with_context(|| format!("no draw for {}", self.month))?;
        let Some(target) = targets.targets.get(record_id) else {
            bail!("{record_id} is not in the {} draw", self.month);
        };
        if target.champion != self.champion {
            bail!(
                "{record_id} was drawn for {}, not {}",
                target.champion,
                self.champion
            );
        }
        match &target.state {
            TargetState::Active => {}
            TargetState::UnusedReserve => bail!(
                "{record_id} is reserve {} of {} and has not been brought in: use `grounds substitute` first",
                target.position,
                target.champion
            ),
            TargetState::Substituted { replacement_id, .. } => {
                bail!("{record_id} was replaced by reserve {replacement_id}: record that one instead")
            }
        }
        if let Some(current) = &target.current {
            if !self.amend {
                bail!(
                    "{record_id} is already assessed (version {}, recorded {} by {}): give --amend to record a new version \
                     (the old one is kept; see `grounds history --record-id {record_id}`)",
                    current.version,
                    current.recorded_at,
                    current.recorded_by
                );
            }
        }
        Ok((record_id.to_string(), target.current.clone()))
    }

    fn next_unassessed(&mut self) -> Result<Option<String>> {
        let tx = self.store.read()?;
        let queue = tx.review_queue(self.draw_id, &self.champion)?;
        Ok(queue.into_iter().find(|e| !e.assessed).map(|e| e.record_id))
    }

    fn record_one(
        &mut self,
        record_id: &str,
        current: Option<&AssessmentVersion>,
    ) -> Result<Outcome> {
        let saved = self.store.read()?.draft_answers(self.draw_id, record_id)?;
        let mut answers: BTreeMap<String, String> = saved.clone();
        for (field, value) in &self.given {
            answers.insert(field.to_string(), value.clone());
        }
        // Every required field given (as flags or earlier answers): nothing to ask.
        let asking = self.interactive && REQUIRED.iter().any(|f| !answers.contains_key(*f));
        if asking {
            self.show(record_id, &saved)?;
            for field in ASSESSMENT_COLUMNS {
                if answers.contains_key(field) {
                    continue;
                }
                let default = current
                    .map(|c| field_text(&c.assessment, field))
                    .or_else(|| self.carried.get(field).cloned());
                let Some(value) = prompts::ask(field, default.as_deref())? else {
                    return Ok(Outcome::Stopped);
                };
                let tx = self.store.begin()?;
                tx.save_draft_answer(
                    self.draw_id,
                    record_id,
                    field,
                    &value,
                    &store::current_user(),
                    &store::now(),
                )?;
                tx.commit()?;
                answers.insert(field.to_string(), value);
            }
        } else {
            let missing: Vec<&str> = REQUIRED
                .iter()
                .copied()
                .filter(|f| answers.get(*f).is_none_or(|v| clean(v).is_empty()))
                .collect();
            if !missing.is_empty() {
                let flags: Vec<String> = missing
                    .iter()
                    .map(|f| format!("--{}", f.replace('_', "-")))
                    .collect();
                bail!(
                    "not at a terminal, so grounds cannot ask for {} of {record_id}: give {}",
                    missing.join(", "),
                    flags.join(", ")
                );
            }
        }
        let assessment = match parse_cells(|f| answers.get(f).map_or("", String::as_str)) {
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
        for field in ["reviewer", "reviewed_on"] {
            self.carried.insert(field, field_text(&assessment, field));
        }

        let tx = self.store.begin()?;
        // Checked again inside the write: an import may have run meanwhile.
        let targets = tx
            .draw_targets(&self.month, Some(record_id))?
            .with_context(|| format!("the {} draw was replaced meanwhile", self.month))?;
        let target = targets
            .targets
            .get(record_id)
            .with_context(|| format!("{record_id} is no longer in the {} draw", self.month))?;
        if target.state != TargetState::Active {
            bail!("{record_id} was substituted meanwhile; nothing recorded");
        }
        if let Some(now) = &target.current {
            if now.assessment == assessment {
                println!(
                    "{record_id}: unchanged (version {} already says this).",
                    now.version
                );
                return Ok(Outcome::Unchanged);
            }
            if !self.amend {
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
            &assessment,
            &Provenance {
                source: "record",
                simulated: false,
                recorded_by: &user,
                recorded_at: &at,
            },
        )?;
        tx.commit()?;
        println!(
            "Saved {record_id} ({}'s {}): grounds {} (version {version}) in {}.",
            self.champion,
            self.month,
            assessment.grounds,
            self.db.display()
        );
        Ok(Outcome::Recorded)
    }

    /// The search as drawn from the export, before the questions.
    fn show(&mut self, record_id: &str, saved: &BTreeMap<String, String>) -> Result<()> {
        let tx = self.store.read()?;
        let queue = tx.review_queue(self.draw_id, &self.champion)?;
        let done = queue.iter().filter(|e| e.assessed).count();
        let entry = queue.iter().find(|e| e.record_id == record_id);
        eprintln!();
        eprintln!(
            "{} — {}: {} of {} assessed. This search: {} ({} {}).",
            self.champion,
            self.month,
            done,
            queue.len(),
            record_id,
            entry.map_or("", |e| e.role.as_str()),
            entry.map_or(0, |e| e.position)
        );
        if let Some(details) = tx.search_details(self.draw_id, record_id)? {
            let width = details
                .header
                .iter()
                .map(|h| h.chars().count())
                .max()
                .unwrap_or(0);
            for (name, value) in details.header.iter().zip(&details.fields) {
                if !value.trim().is_empty() {
                    eprintln!("  {name:<width$}  {value}");
                }
            }
        }
        if !saved.is_empty() {
            let fields: Vec<&str> = saved.keys().map(String::as_str).collect();
            eprintln!(
                "Carrying on: answers saved earlier for {}.",
                fields.join(", ")
            );
        }
        Ok(())
    }
}

/// The questions, one per field, through dialoguer.
mod prompts {
    use anyhow::Result;
    use dialoguer::{Input, Select};

    use grounds::assess::model::parse_review_date;
    use grounds::assess::{Bwv, Conduct, Gowisely, Grounds, Referral};

    fn choose(prompt: &str, items: &[&str], default: Option<&str>) -> Result<Option<String>> {
        let start = default
            .and_then(|d| items.iter().position(|i| *i == d))
            .unwrap_or(0);
        let picked = Select::new()
            .with_prompt(prompt)
            .items(items)
            .default(start)
            .interact_opt();
        Ok(stopped_on_eof(picked)?
            .flatten()
            .map(|i| items[i].to_string()))
    }

    /// The end of the terminal's input (Ctrl-D) stops the session like Esc.
    fn stopped_on_eof<T>(result: dialoguer::Result<T>) -> Result<Option<T>> {
        match result {
            Ok(value) => Ok(Some(value)),
            Err(dialoguer::Error::IO(err)) if err.kind() == std::io::ErrorKind::UnexpectedEof => {
                Ok(None)
            }
            Err(err) => Err(err.into()),
        }
    }

    fn text(prompt: &str, default: Option<&str>, required: bool) -> Result<Option<String>> {
        let mut input = Input::<String>::new()
            .with_prompt(prompt)
            .allow_empty(!required);
        if let Some(default) = default.filter(|d| !d.is_empty()) {
            input = input.default(default.to_string());
        }
        Ok(stopped_on_eof(input.interact_text())?.map(|t| t.trim().to_string()))
    }

    /// Asks for one field; `None` when the person stops.
    pub fn ask(field: &str, default: Option<&str>) -> Result<Option<String>> {
        match field {
            "grounds" => choose(
                "Reasonable grounds evident?",
                &Grounds::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
                default,
            ),
            "bwv" => choose(
                "Body-worn video",
                &Bwv::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
                default,
            ),
            "gowisely" => choose(
                "Search explained (GOWISELY)",
                &Gowisely::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
                default,
            ),
            "conduct" => choose(
                "Conduct of the search",
                &Conduct::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
                default,
            ),
            "referral" => choose(
                "Referral",
                &Referral::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
                default,
            ),
            "themes" => text(
                "Learning themes (separate with ;, Enter for none)",
                default,
                false,
            ),
            "notes" => text("Notes (Enter for none)", default, false),
            "reviewer" => text("Reviewer", default, true),
            "reviewed_on" => {
                let today = chrono::Local::now()
                    .date_naive()
                    .format("%Y-%m-%d")
                    .to_string();
                let value = Input::<String>::new()
                    .with_prompt("Reviewed on (2026-11-03 or 03/11/2026)")
                    .default(default.unwrap_or(&today).to_string())
                    .validate_with(|t: &String| {
                        parse_review_date(t).map(drop).map_err(|e| e.to_string())
                    })
                    .interact_text();
                Ok(stopped_on_eof(value)?
                    .and_then(|v| parse_review_date(&v).ok())
                    .map(|d| d.format("%Y-%m-%d").to_string()))
            }
            _ => Ok(Some(String::new())),
        }
    }
}
