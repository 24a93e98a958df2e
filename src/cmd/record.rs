//! `grounds record`: enter assessments at the terminal, one search at a
//! time, each answer saved as it is given; or all fields as flags.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Result;

use grounds::assess::fields::Field;
use grounds::assess::model::parse_review_date;
use grounds::assess::{Bwv, Conduct, Gowisely, Grounds, Referral};
use grounds::display::visible;
use grounds::export::YearMonth;
use grounds::workflow::{ReviewEvent, ReviewOptions, ReviewSession, Workspace};

use super::{parse_month, DbArg};

/// Record assessments at the terminal, one search at a time (or by flags, for scripts).
///
/// Shows each of the champion's searches not assessed yet, as drawn from the
/// export, and asks for each field. Every answer is saved as soon as it is
/// given: run the same command again to carry on where you stopped (Esc or q
/// in a list stops; so does Ctrl-C, which says where it stopped and exits
/// with 130). Fields given as flags are not asked; --reviewer and
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

    /// Were reasonable grounds evident: reasonable, not_reasonable, none_recorded, insufficient_info, or not_required (only for a search under a power that needs no suspicion, such as section 60).
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

    /// Accept a review date after today or before the month drawn.
    #[arg(long)]
    pub allow_date: bool,

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

pub fn run(args: Args) -> Result<ExitCode> {
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let flags = [
        (Field::Grounds, &args.grounds),
        (Field::Bwv, &args.bwv),
        (Field::Gowisely, &args.gowisely),
        (Field::Conduct, &args.conduct),
        (Field::Themes, &args.themes),
        (Field::Referral, &args.referral),
        (Field::Notes, &args.notes),
        (Field::Reviewer, &args.reviewer),
        (Field::ReviewedOn, &args.reviewed_on),
    ];
    let given: BTreeMap<Field, String> = flags
        .into_iter()
        .filter_map(|(field, value)| value.as_ref().map(|v| (field, v.trim().to_string())))
        .collect();
    let options = ReviewOptions {
        month: args.month,
        champion: args.champion,
        record_id: args.record_id,
        given,
        interactive,
        amend: args.amend,
        allow_date: args.allow_date,
    };
    let mut session = ReviewSession::open(&Workspace::new(&args.db.db), options)?;
    let (champion, month) = (session.champion().to_string(), session.month().to_string());
    let db = args.db.db.display().to_string();
    let mut terminal = prompts::Terminal::new(interactive)?;
    session.run(&mut terminal, &mut |event| match event {
        ReviewEvent::Recorded(done) => println!(
            "Saved {} ({}'s {month}{}): grounds {} (version {}) in {db}.",
            visible(&done.record_id),
            visible(&champion),
            if done.review == grounds::store::Review::Second {
                ", blind second review"
            } else {
                ""
            },
            done.grounds,
            done.version
        ),
        ReviewEvent::Unchanged { record_id, version } => {
            println!(
                "{}: unchanged (version {version} already says this).",
                visible(record_id)
            )
        }
        ReviewEvent::AllAssessed { now } => println!(
            "All of {}'s searches in {month} are assessed{}.",
            visible(&champion),
            if *now { " now" } else { "" }
        ),
        ReviewEvent::Stopped => {
            eprintln!("Stopped. Every answer given is saved: run the same command to carry on.")
        }
    })?;
    if terminal.interrupted() {
        // The shells' convention for a command stopped by Ctrl-C (128 + SIGINT).
        return Ok(ExitCode::from(130));
    }
    Ok(ExitCode::SUCCESS)
}

/// The questions, one per field, through dialoguer.
mod prompts {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    use anyhow::Result;
    use dialoguer::{Input, Select};

    use grounds::assess::fields::Field;
    use grounds::assess::model::parse_review_date;
    use grounds::assess::{Bwv, Conduct, Gowisely, Grounds, Referral};
    use grounds::display::visible;
    use grounds::workflow::{Prompt, SearchShown};

    /// The terminal: the search on stderr, questions through dialoguer.
    pub struct Terminal {
        /// Set by Ctrl-C. dialoguer reads keys in raw mode and, on Ctrl-C,
        /// raises SIGINT itself; with this flag as the handler the question
        /// fails with `Interrupted` instead of the process dying, so the
        /// session can say where it stopped (every answer is already saved).
        /// A second Ctrl-C while one is pending ends the process at once.
        ctrl_c: Arc<AtomicBool>,
        /// The search on screen.
        showing: Option<String>,
    }

    impl Terminal {
        pub fn new(interactive: bool) -> Result<Self> {
            let ctrl_c = Arc::new(AtomicBool::new(false));
            if interactive {
                use signal_hook::consts::SIGINT;
                signal_hook::flag::register_conditional_shutdown(SIGINT, 130, Arc::clone(&ctrl_c))?;
                signal_hook::flag::register(SIGINT, Arc::clone(&ctrl_c))?;
            }
            Ok(Self {
                ctrl_c,
                showing: None,
            })
        }

        pub fn interrupted(&self) -> bool {
            self.ctrl_c.load(Ordering::SeqCst)
        }
    }

    impl Prompt for Terminal {
        fn show(&mut self, search: &SearchShown) -> Result<()> {
            self.showing = Some(search.record_id.clone());
            eprintln!();
            eprintln!(
                "{} — {}: {} of {} assessed. This search: {} ({} {}).",
                visible(&search.champion),
                search.month,
                search.assessed,
                search.under_review,
                visible(&search.record_id),
                search.role,
                search.position
            );
            if search.role == "second" {
                eprintln!(
                    "A blind second review: another champion reviews this search first; judge it on its own."
                );
            }
            if let Some(details) = &search.details {
                let width = details
                    .header
                    .iter()
                    .map(|h| h.chars().count())
                    .max()
                    .unwrap_or(0);
                for (name, value) in details.header.iter().zip(&details.fields) {
                    if !value.trim().is_empty() {
                        eprintln!("  {:<width$}  {}", visible(name), visible(value));
                    }
                }
            }
            if !search.carried_on.is_empty() {
                eprintln!(
                    "Carrying on: answers saved earlier for {}.",
                    search.carried_on.join(", ")
                );
            }
            Ok(())
        }

        fn ask(&mut self, field: Field, default: Option<&str>) -> Result<Option<String>> {
            let answer = if self.interrupted() {
                Err(Asked::Interrupted)
            } else {
                ask(field, default)
            };
            match answer {
                Ok(answer) => Ok(answer),
                Err(Asked::Interrupted) => {
                    // dialoguer hides the cursor in a list and cannot show
                    // it again when the question fails.
                    let _ = dialoguer::console::Term::stderr().show_cursor();
                    self.ctrl_c.store(true, Ordering::SeqCst);
                    eprintln!();
                    eprintln!(
                        "Ctrl-C: stopped at {} of {}; the answers before it are saved.",
                        field.name(),
                        visible(self.showing.as_deref().unwrap_or("the search"))
                    );
                    Ok(None)
                }
                Err(Asked::Failed(err)) => Err(err),
            }
        }
    }

    /// Why a question gave no answer.
    enum Asked {
        Interrupted,
        Failed(anyhow::Error),
    }

    impl From<dialoguer::Error> for Asked {
        fn from(err: dialoguer::Error) -> Self {
            match err {
                dialoguer::Error::IO(io) if io.kind() == std::io::ErrorKind::Interrupted => {
                    Asked::Interrupted
                }
                err => Asked::Failed(err.into()),
            }
        }
    }

    fn choose(prompt: &str, items: &[&str], default: Option<&str>) -> Answer {
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
    fn stopped_on_eof<T>(result: dialoguer::Result<T>) -> Result<Option<T>, Asked> {
        match result {
            Ok(value) => Ok(Some(value)),
            Err(dialoguer::Error::IO(err)) if err.kind() == std::io::ErrorKind::UnexpectedEof => {
                Ok(None)
            }
            Err(err) => Err(err.into()),
        }
    }

    /// An answer, none when the person stops, or why there is none.
    type Answer = std::result::Result<Option<String>, Asked>;

    fn text(prompt: &str, default: Option<&str>, required: bool) -> Answer {
        let mut input = Input::<String>::new()
            .with_prompt(prompt)
            .allow_empty(!required);
        if let Some(default) = default.filter(|d| !d.is_empty()) {
            input = input.default(default.to_string());
        }
        Ok(stopped_on_eof(input.interact_text())?.map(|t| t.trim().to_string()))
    }

    /// Asks for one field; `None` when the person stops.
    fn ask(field: Field, default: Option<&str>) -> Answer {
        match field {
            Field::Grounds => choose(
                "Reasonable grounds evident?",
                &Grounds::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
                default,
            ),
            Field::Bwv => choose(
                "Body-worn video",
                &Bwv::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
                default,
            ),
            Field::Gowisely => choose(
                "Search explained (GOWISELY)",
                &Gowisely::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
                default,
            ),
            Field::Conduct => choose(
                "Conduct of the search",
                &Conduct::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
                default,
            ),
            Field::Referral => choose(
                "Referral",
                &Referral::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
                default,
            ),
            Field::Themes => text(
                "Learning themes (separate with ;, Enter for none)",
                default,
                false,
            ),
            Field::Notes => text("Notes (Enter for none)", default, false),
            Field::Reviewer => text("Reviewer", default, true),
            Field::ReviewedOn => {
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
        }
    }
}
