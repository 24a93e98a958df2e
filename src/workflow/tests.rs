//! The monthly cycle through the library alone, on the real Kent export of
//! January 2019 (tests/data/realdata): draw and publish, verify, import,
//! a scripted review session, status and report.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use rand::rngs::StdRng;
use rand::SeedableRng;

use super::*;
use crate::assess::fields::Field;
use crate::store::Redraw;

const KENT_JANUARY: &str = "2019-01-kent-stop-and-search.csv";
const KENT_FEBRUARY: &str = "2019-02-kent-stop-and-search.csv";

fn realdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/realdata")
        .join(name)
}

/// A temporary folder with a champions file and a workspace path in it.
struct Cycle {
    dir: tempfile::TempDir,
    workspace: Workspace,
}

impl Cycle {
    fn new(champions: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("champion\n");
        for name in champions {
            text.push_str(name);
            text.push('\n');
        }
        fs::write(dir.path().join("champions.csv"), text).unwrap();
        let workspace = Workspace::new(dir.path().join("grounds.db"));
        Self { dir, workspace }
    }

    fn options(&self, per_champion: u32, reserves: u32) -> DrawOptions {
        let mut options = DrawOptions::new(
            vec![realdata(KENT_JANUARY)],
            "2019-01".parse().unwrap(),
            self.dir.path().join("champions.csv"),
        );
        options.seed = Some("library-test".to_string());
        options.out = self.dir.path().join("worksheets");
        options.per_champion = per_champion;
        options.reserves = reserves;
        // These tests read and edit the worksheets as text.
        options.worksheet_format = crate::assess::worksheet::WorksheetFormat::Csv;
        options
    }

    fn draw(&self, per_champion: u32, reserves: u32) -> Draw {
        draw_month(
            &self.workspace,
            &self.options(per_champion, reserves),
            &|_| {},
        )
        .unwrap()
    }
}

fn month() -> crate::export::YearMonth {
    "2019-01".parse().unwrap()
}

#[test]
fn a_draw_publishes_its_folder_and_workspace_together() {
    let cycle = Cycle::new(&["PS Ada", "PC Ben"]);
    let drawn = cycle.draw(4, 2);
    assert_eq!(drawn.manifest.champions.len(), 2);
    for champion in &drawn.manifest.champions {
        assert_eq!((champion.sample.len(), champion.reserves.len()), (4, 2));
    }
    assert!(drawn.manifest.shortfall.is_empty());
    assert!(drawn.warnings.is_empty(), "{:?}", drawn.warnings);
    assert_eq!(drawn.folder, cycle.dir.path().join("worksheets/2019-01"));
    assert!(drawn.manifest_path().exists());
    let names: Vec<String> = drawn
        .worksheets
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["PS_Ada.csv", "PC_Ben.csv"]);
    // 4 + 2 rows after the header, each with the record's export fields.
    let sheet = fs::read_to_string(&drawn.worksheets[0]).unwrap();
    assert_eq!(sheet.lines().count(), 7);
    assert!(sheet.contains(&drawn.manifest.champions[0].sample[0]));
    // No staging folder is left behind.
    let entries: Vec<_> = fs::read_dir(cycle.dir.path().join("worksheets"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, ["2019-01"]);
    let progress = progress(&cycle.workspace, Some(month())).unwrap();
    assert_eq!(progress.months[0].totals.assigned, 8);
    assert_eq!(progress.outstanding, 8);
    assert!(!progress.complete);
}

#[test]
fn a_second_draw_of_the_month_is_refused_and_changes_nothing() {
    let cycle = Cycle::new(&["PS Ada"]);
    let first = cycle.draw(3, 1);
    let before = fs::read(first.manifest_path()).unwrap();
    let again = draw_month(&cycle.workspace, &cycle.options(3, 1), &|_| {}).unwrap_err();
    assert!(again.to_string().contains("already exists"), "{again}");
    assert_eq!(fs::read(first.manifest_path()).unwrap(), before);

    let mut redraw = cycle.options(3, 1);
    redraw.redraw = Redraw::IfUnused;
    redraw.seed = Some("another".to_string());
    let second = draw_month(&cycle.workspace, &redraw, &|_| {}).unwrap();
    let old = second.manifest.supersedes.as_ref().unwrap();
    assert_eq!(old.seed, "library-test");
    assert_ne!(second.manifest.champions, first.manifest.champions);
}

#[test]
fn a_draw_verifies_and_a_different_export_does_not() {
    let cycle = Cycle::new(&["PS Ada", "PC Ben"]);
    let drawn = cycle.draw(5, 2);
    let verified = verify_draw(&drawn.manifest_path(), &[realdata(KENT_JANUARY)], &|_| {}).unwrap();
    assert!(verified.is_verified(), "{:?}", verified.problems);
    assert_eq!(
        (verified.champions, verified.sampled, verified.reserves),
        (2, 10, 4)
    );
    assert_eq!(verified.excluded_on_trust, Some(0));

    let wrong = verify_draw(&drawn.manifest_path(), &[realdata(KENT_FEBRUARY)], &|_| {}).unwrap();
    assert!(!wrong.is_verified());
    assert_eq!(wrong.excluded_on_trust, None, "the exports were not read");
    assert!(wrong
        .problems
        .iter()
        .any(|p| p.contains("no file given has the SHA-256")));

    // A manifest edited by hand no longer matches the recomputed draw.
    let text = fs::read_to_string(drawn.manifest_path()).unwrap();
    let edited = cycle.dir.path().join("edited.json");
    fs::write(&edited, text.replace("library-test", "hand-picked")).unwrap();
    let edited = verify_draw(&edited, &[realdata(KENT_JANUARY)], &|_| {}).unwrap();
    assert!(!edited.is_verified());

    let not_a_manifest = verify_draw(&realdata(KENT_JANUARY), &[], &|_| {}).unwrap_err();
    assert!(not_a_manifest
        .to_string()
        .contains("is not a grounds manifest"));
}

#[test]
fn import_stores_filled_worksheets_once_and_refuses_bad_rows() {
    let cycle = Cycle::new(&["PS Ada", "PC Ben"]);
    let drawn = cycle.draw(3, 2);
    let mut rng = StdRng::seed_from_u64(7);
    for sheet in &drawn.worksheets {
        assert_eq!(fill_worksheet(sheet, "", "", &mut rng).unwrap(), 3);
    }
    let mut announced = Vec::new();
    let outcome = import_worksheets(
        &cycle.workspace,
        &drawn.worksheets,
        ImportOptions::default(),
        &mut |n| announced.push(n),
    )
    .unwrap();
    let ImportOutcome::Imported(summary) = outcome else {
        panic!("expected an import: {outcome:?}")
    };
    assert_eq!(announced, [6]);
    assert_eq!(summary.files.len(), 2);
    assert_eq!(summary.total.new, 6);
    assert_eq!(summary.total.not_in_review, 4, "the unused reserves");
    let done = progress(&cycle.workspace, None).unwrap();
    assert!(done.complete);

    // The same files again: nothing new, nothing announced.
    let mut announced = Vec::new();
    let again = import_worksheets(
        &cycle.workspace,
        &drawn.worksheets,
        ImportOptions::default(),
        &mut |n| announced.push(n),
    )
    .unwrap();
    let ImportOutcome::Imported(again) = again else {
        panic!("expected an import")
    };
    assert_eq!((again.total.new, again.total.unchanged), (0, 6));
    assert!(announced.is_empty());

    // A row for a reserve not brought in is refused, and nothing is stored.
    let sheet = fs::read_to_string(&drawn.worksheets[0]).unwrap();
    let reserve = &drawn.manifest.champions[0].reserves[0];
    let mut rng = StdRng::seed_from_u64(8);
    let filled = drawn.worksheets[0].with_file_name("reserve.csv");
    fs::write(&filled, &sheet).unwrap();
    fill_worksheet(&filled, "", reserve, &mut rng).unwrap();
    let refused = import_worksheets(
        &cycle.workspace,
        std::slice::from_ref(&filled),
        ImportOptions {
            allow_date: true,
            amend: true,
            simulated: false,
        },
        &mut |_| panic!("nothing may be stored"),
    )
    .unwrap();
    let ImportOutcome::Refused(problems) = refused else {
        panic!("expected problems")
    };
    assert!(problems
        .iter()
        .any(|p| p.reason.contains("has not been brought in")));
}

/// Answers from a script: one per question, `None` to stop.
struct Scripted {
    answers: Vec<Option<&'static str>>,
    asked: Vec<(Field, Option<String>)>,
    shown: Vec<SearchShown>,
}

impl Prompt for Scripted {
    fn show(&mut self, search: &SearchShown) -> anyhow::Result<()> {
        self.shown.push(search.clone());
        Ok(())
    }

    fn ask(&mut self, field: Field, default: Option<&str>) -> anyhow::Result<Option<String>> {
        self.asked.push((field, default.map(String::from)));
        if self.answers.is_empty() {
            return Ok(None);
        }
        Ok(self.answers.remove(0).map(String::from))
    }
}

const ONE_SEARCH: [Option<&str>; 9] = [
    Some("reasonable"),
    Some("reviewed"),
    Some("yes"),
    Some("good"),
    Some(""),
    Some("none"),
    Some(""),
    Some("PS Ada"),
    Some("2019-02-04"),
];

fn review(cycle: &Cycle, prompt: &mut Scripted) -> (usize, Vec<ReviewEvent>) {
    let options = ReviewOptions {
        allow_date: false,
        month: month(),
        champion: " ps ada ".to_string(),
        record_id: None,
        given: BTreeMap::new(),
        interactive: true,
        amend: false,
    };
    let mut session = ReviewSession::open(&cycle.workspace, options).unwrap();
    assert_eq!(session.champion(), "PS Ada");
    let mut events = Vec::new();
    let recorded = session
        .run(prompt, &mut |event| events.push(event.clone()))
        .unwrap();
    (recorded, events)
}

#[test]
fn a_scripted_review_session_saves_every_answer_and_carries_on() {
    let cycle = Cycle::new(&["PS Ada"]);
    let drawn = cycle.draw(2, 0);
    let first_id = drawn.manifest.champions[0].sample[0].clone();

    // Two answers, then the person stops: the answers are kept.
    let mut stopping = Scripted {
        answers: vec![Some("reasonable"), Some("reviewed"), None],
        asked: Vec::new(),
        shown: Vec::new(),
    };
    let (recorded, events) = review(&cycle, &mut stopping);
    assert_eq!(recorded, 0);
    assert_eq!(events, [ReviewEvent::Stopped]);
    assert_eq!(stopping.shown[0].record_id, first_id);
    assert_eq!(stopping.shown[0].under_review, 2);
    assert!(stopping.shown[0].details.is_some());
    assert_eq!(
        stopping.asked[0],
        (Field::Grounds, None),
        "no default for grounds"
    );

    // Carrying on: only the fields not answered are asked; the reviewer
    // defaults to the champion.
    let mut answers: Vec<Option<&str>> = ONE_SEARCH[2..].to_vec();
    answers.extend(ONE_SEARCH);
    let mut carrying_on = Scripted {
        answers,
        asked: Vec::new(),
        shown: Vec::new(),
    };
    let (recorded, events) = review(&cycle, &mut carrying_on);
    assert_eq!(recorded, 2);
    assert_eq!(carrying_on.shown[0].carried_on, ["bwv", "grounds"]);
    assert_eq!(carrying_on.asked[0].0, Field::Gowisely);
    assert!(carrying_on
        .asked
        .contains(&(Field::Reviewer, Some("PS Ada".to_string()))));
    assert!(
        matches!(&events[0], ReviewEvent::Recorded(r) if r.record_id == first_id && r.version == 1)
    );
    assert_eq!(events.last(), Some(&ReviewEvent::AllAssessed { now: true }));
    assert!(progress(&cycle.workspace, None).unwrap().complete);

    // Nothing left: the session says so and asks nothing.
    let mut idle = Scripted {
        answers: Vec::new(),
        asked: Vec::new(),
        shown: Vec::new(),
    };
    let (_, events) = review(&cycle, &mut idle);
    assert_eq!(events, [ReviewEvent::AllAssessed { now: false }]);
    assert!(idle.asked.is_empty());
}

#[test]
fn without_a_person_every_required_field_must_be_given() {
    let cycle = Cycle::new(&["PS Ada"]);
    let drawn = cycle.draw(1, 0);
    let id = drawn.manifest.champions[0].sample[0].clone();
    let mut given = BTreeMap::from([(Field::Grounds, "reasonable".to_string())]);
    let options = |given: BTreeMap<Field, String>| ReviewOptions {
        allow_date: false,
        month: month(),
        champion: "PS Ada".to_string(),
        record_id: Some(id.clone()),
        given,
        interactive: false,
        amend: false,
    };
    let mut nobody = Scripted {
        answers: Vec::new(),
        asked: Vec::new(),
        shown: Vec::new(),
    };
    let mut session = ReviewSession::open(&cycle.workspace, options(given.clone())).unwrap();
    let err = session.run(&mut nobody, &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("give --bwv, --gowisely"), "{err}");
    for (field, value) in [
        (Field::Bwv, "reviewed"),
        (Field::Gowisely, "yes"),
        (Field::Conduct, "good"),
        (Field::Referral, "none"),
        (Field::Reviewer, "PS Ada"),
        (Field::ReviewedOn, "04/02/2019"),
    ] {
        given.insert(field, value.to_string());
    }
    let mut session = ReviewSession::open(&cycle.workspace, options(given)).unwrap();
    assert_eq!(session.run(&mut nobody, &mut |_| {}).unwrap(), 1);
    assert!(nobody.asked.is_empty());
    let unknown = ReviewSession::open(
        &cycle.workspace,
        ReviewOptions {
            allow_date: false,
            champion: "PC Nobody".to_string(),
            ..options(BTreeMap::new())
        },
    )
    .err()
    .unwrap();
    assert!(unknown.to_string().contains("its champions are: PS Ada"));
}

#[test]
fn report_requests_resolve_against_the_workspace() {
    let cycle = Cycle::new(&["PS Ada", "PC Ben"]);
    let drawn = cycle.draw(5, 1);
    let no_assessments = ReportRequest::default()
        .resolve(&cycle.workspace)
        .unwrap_err();
    assert!(
        no_assessments.to_string().contains("no assessments"),
        "{no_assessments}"
    );
    let mut rng = StdRng::seed_from_u64(1);
    for sheet in &drawn.worksheets {
        fill_worksheet(sheet, "", "", &mut rng).unwrap();
    }
    import_worksheets(
        &cycle.workspace,
        &drawn.worksheets,
        ImportOptions::default(),
        &mut |_| {},
    )
    .unwrap();

    let report = ReportRequest::default().resolve(&cycle.workspace).unwrap();
    assert_eq!(
        (report.period.from.as_str(), report.period.to.as_str()),
        ("2019-01", "2019-01")
    );
    let overall = &report.overall;
    assert_eq!(
        overall.assessed + overall.insufficient_info,
        10,
        "every assessed search counts once"
    );
    assert!(!report.public);

    let public = ReportRequest {
        public_below: Some(5),
        ..ReportRequest::default()
    }
    .resolve(&cycle.workspace)
    .unwrap();
    assert!(public.public);
    assert_eq!(public.suppressed_below, Some(5));

    let refusals = [
        ReportRequest {
            from: Some("2019-02".parse().unwrap()),
            to: Some("2019-01".parse().unwrap()),
            ..ReportRequest::default()
        },
        ReportRequest {
            champion: Some("PS Nobody".to_string()),
            ..ReportRequest::default()
        },
        ReportRequest {
            champion: Some("PS Ada".to_string()),
            public_below: Some(5),
            ..ReportRequest::default()
        },
        ReportRequest {
            from: Some("2019-03".parse().unwrap()),
            to: Some("2019-03".parse().unwrap()),
            ..ReportRequest::default()
        },
    ];
    let messages: Vec<String> = refusals
        .iter()
        .map(|r| r.resolve(&cycle.workspace).unwrap_err().to_string())
        .collect();
    assert!(messages[0].contains("is empty"), "{messages:?}");
    assert!(
        messages[1].contains("no champion named \"PS Nobody\""),
        "{messages:?}"
    );
    assert!(
        messages[2].contains("cannot be about one champion"),
        "{messages:?}"
    );
    assert!(messages[3].contains("no draws in 2019-03"), "{messages:?}");
}

#[test]
fn a_substitution_brings_in_the_next_reserve() {
    let cycle = Cycle::new(&["PS Ada"]);
    let drawn = cycle.draw(2, 2);
    let ada = &drawn.manifest.champions[0];
    let done = substitute(
        &cycle.workspace,
        &SubstituteRequest {
            month: month(),
            record_id: format!("'{}", ada.sample[1]),
            reason: " Camera not activated (no video) ".to_string(),
            footage_missing: false,
        },
    )
    .unwrap();
    assert_eq!(done.substitution.replacement_id, ada.reserves[0]);
    assert_eq!(done.substitution.reserves_left, 1);
    assert_eq!(done.reason, "Camera not activated (no video)");
    assert!(done.footage_missing, "implied by the reason");
    let status = progress(&cycle.workspace, None).unwrap();
    assert_eq!(status.months[0].totals.substituted, 1);
    assert_eq!(status.months[0].totals.footage_missing, 1);
    assert!(!mentions_footage("record missing"));
}

#[test]
fn footage_deadlines_warn_ahead_and_mark_those_passed() {
    let cycle = Cycle::new(&["PS Ada", "PC Ben"]);
    let drawn = cycle.draw(10, 2);
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2019, m, d).unwrap();
    let today = day(2, 10);
    let found = footage_deadlines(&cycle.workspace, Some(month()), today, 7).unwrap();
    assert!(!found.is_empty());
    // Searches of 1 to 17 January (deadlines 1 to 17 February, 31 days on).
    assert!(found.iter().all(|d| d.deleted_after <= day(2, 17)));
    assert!(found.iter().any(|d| d.passed) && found.iter().any(|d| !d.passed));
    assert!(found.iter().all(|d| d.passed == (d.deleted_after < today)));
    let sampled: Vec<&String> = drawn
        .manifest
        .champions
        .iter()
        .flat_map(|c| &c.sample)
        .collect();
    assert!(
        found.iter().all(|d| sampled.contains(&&d.record_id)),
        "reserves not in use are not warned about"
    );
    // Before the first deadline comes near, nothing to say.
    assert!(footage_deadlines(&cycle.workspace, None, day(1, 2), 7)
        .unwrap()
        .is_empty());
}

#[test]
fn an_import_over_saved_answers_says_so_and_blank_rows_of_recorded_searches_are_not_missing() {
    let cycle = Cycle::new(&["PS Ada"]);
    let drawn = cycle.draw(2, 0);
    // Two answers saved for the first search, then the person stops.
    let mut stopping = Scripted {
        answers: vec![Some("reasonable"), Some("reviewed"), None],
        asked: Vec::new(),
        shown: Vec::new(),
    };
    review(&cycle, &mut stopping);
    let mut rng = StdRng::seed_from_u64(3);
    let sheet = &drawn.worksheets[0];
    fill_worksheet(sheet, &drawn.manifest.champions[0].sample[1], "", &mut rng).unwrap();
    let options = ImportOptions {
        allow_date: true,
        ..ImportOptions::default()
    };
    let imported = import_worksheets(
        &cycle.workspace,
        std::slice::from_ref(sheet),
        options,
        &mut |_| {},
    )
    .unwrap();
    let ImportOutcome::Imported(summary) = imported else {
        panic!("expected an import")
    };
    assert_eq!(summary.total.new, 1);
    assert_eq!(summary.total.replaced_saved_answers, 1);
    assert_eq!(summary.total.not_assessed, 1);

    // The second search recorded in a session; its blank row is not missing.
    let mut finishing = Scripted {
        answers: ONE_SEARCH.to_vec(),
        asked: Vec::new(),
        shown: Vec::new(),
    };
    review(&cycle, &mut finishing);
    let again = import_worksheets(
        &cycle.workspace,
        std::slice::from_ref(sheet),
        options,
        &mut |_| {},
    )
    .unwrap();
    let ImportOutcome::Imported(summary) = again else {
        panic!("expected an import")
    };
    assert_eq!(summary.total.not_assessed, 0);
    assert_eq!(summary.total.assessed_elsewhere, 1);
    assert_eq!(summary.total.unchanged, 1);
}

#[test]
fn a_draw_stopped_between_commit_and_publish_is_finished_by_the_next_sample() {
    let cycle = Cycle::new(&["PS Ada", "PC Ben"]);
    let drawn = cycle.draw(3, 1);
    // What a kill -9 after the commit leaves: the draw recorded, its folder
    // still staged under the name of a process that is gone.
    let staged = cycle.dir.path().join("worksheets/.2019-01.partial-4194305");
    fs::rename(&drawn.folder, &staged).unwrap();
    // And a stale folder of a draw that never committed.
    let stale = cycle.dir.path().join("worksheets/.2019-01.partial-4194306");
    fs::create_dir(&stale).unwrap();
    fs::write(stale.join("manifest.json"), "{}").unwrap();

    let again = draw_month(&cycle.workspace, &cycle.options(3, 1), &|_| {}).unwrap_err();
    let message = again.to_string();
    assert!(message.contains("stopped before"), "{message}");
    assert!(message.contains("Nothing new was drawn"), "{message}");
    assert_eq!(
        fs::read(drawn.manifest_path()).unwrap(),
        drawn.manifest.to_json().into_bytes(),
        "the committed draw's own folder is in place"
    );
    let entries: Vec<_> = fs::read_dir(cycle.dir.path().join("worksheets"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, ["2019-01"], "no staging folder is left");
}

#[test]
fn a_redraw_that_lost_a_race_is_refused_naming_the_winner() {
    use crate::store::{NewDraw, Store, StoreError};
    let cycle = Cycle::new(&["PS Ada"]);
    let first = cycle.draw(3, 1);
    // A second redraw read the workspace before the first landed: its
    // manifest says it replaces nothing, but the month now has a draw.
    let mut late = first.manifest.clone();
    late.seed = "the slower redraw".to_string();
    late.supersedes = None;
    let json = late.to_json();
    let mut store = Store::open(cycle.workspace.db()).unwrap();
    let tx = store.begin().unwrap();
    let err = tx
        .insert_draw(
            &NewDraw {
                manifest: &late,
                manifest_json: &json,
                manifest_sha256: "0",
                header: &[],
                input_paths: &[],
                records: &[],
                population: &[],
                created_by: "test",
            },
            Redraw::IfUnused,
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::DrawnMeanwhile { .. }), "{err}");
    assert!(err.to_string().contains("seed library-test"), "{err}");
}
