//! `grounds record`: scripted with flags, and interactive in a terminal
//! (driven through `script`, which gives the command a pseudo-terminal).

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::common::*;
use crate::worksheets::*;

const ALL_FLAGS: [&str; 16] = [
    "--grounds",
    "Yes",
    "--bwv",
    "N/A",
    "--gowisely",
    "partly",
    "--conduct",
    "OK",
    "--referral",
    "feedback",
    "--themes",
    "stop reason; GOWISELY",
    "--reviewer",
    "PC Ben Hartley",
    "--reviewed-on",
    "04/02/2019",
];

fn record(ws: &Workspace, extra: &[&str]) -> assert_cmd::assert::Assert {
    ws.grounds()
        .args([
            "record",
            "--month",
            "2019-01",
            "--champion",
            "pc ben hartley",
        ])
        .args(extra)
        .assert()
}

#[test]
fn all_fields_as_flags_record_the_next_search_without_a_terminal() {
    let ws = kent_workspace();
    let sheet = Sheet::load(&sheet_path(&ws, "2019-01", CHAMPIONS[1]));
    let first = sheet.get(0, "record_id").to_string();
    let second = sheet.get(1, "record_id").to_string();
    record(&ws, &ALL_FLAGS)
        .success()
        .stdout(predicate::str::contains(format!(
            "Saved {first} (PC Ben Hartley's 2019-01): grounds reasonable (version 1)"
        )));
    record(&ws, &ALL_FLAGS)
        .success()
        .stdout(predicate::str::contains(format!("Saved {second} ")));
    ws.grounds()
        .args(["history", "--record-id", &first])
        .assert()
        .success()
        .stdout(predicate::str::contains("by test-runner, from record"))
        .stdout(predicate::str::contains("bwv          not_available\n"))
        .stdout(predicate::str::contains("gowisely     partial\n"))
        .stdout(predicate::str::contains("conduct      adequate\n"))
        .stdout(predicate::str::contains(
            "themes       stop reason; GOWISELY\n",
        ))
        .stdout(predicate::str::contains("reviewed_on  2019-02-04\n"));
    assert_eq!(status(&ws)["months"][0]["champions"][1]["assessed"], 2);

    // An assessed search needs --amend; the same values again change nothing.
    let mut amend = vec!["--record-id", first.as_str()];
    amend.extend(ALL_FLAGS);
    record(&ws, &amend)
        .code(2)
        .stderr(predicate::str::contains("is already assessed (version 1"))
        .stderr(predicate::str::contains("--amend"));
    amend.push("--amend");
    record(&ws, &amend)
        .success()
        .stdout(predicate::str::contains(
            "unchanged (version 1 already says this)",
        ));
    amend[3] = "not reasonable"; // after --record-id ID --grounds
    record(&ws, &amend)
        .success()
        .stdout(predicate::str::contains("(version 2)"));
    assert_eq!(count(&ws, "SELECT count(*) FROM assessments"), 3);
}

#[test]
fn missing_fields_without_a_terminal_are_listed_and_nothing_is_stored() {
    let ws = kent_workspace();
    record(&ws, &["--grounds", "reasonable", "--bwv", "reviewed"])
        .code(2)
        .stderr(predicate::str::contains(
            "not at a terminal, so grounds cannot ask for gowisely, conduct, referral, reviewer, reviewed_on",
        ))
        .stderr(predicate::str::contains(
            "give --gowisely, --conduct, --referral, --reviewer, --reviewed-on",
        ));
    record(&ws, &["--grounds", "maybe"])
        .code(2)
        .stderr(predicate::str::contains(
            "use one of: reasonable, not_reasonable, none_recorded, insufficient_info",
        ));
    ws.grounds()
        .args(["record", "--month", "2019-01", "--champion", "Nobody"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "its champions are: PS Ada Okafor, PC Ben Hartley, PC Chloe Nwosu",
        ));
    let sheet = Sheet::load(&sheet_path(&ws, "2019-01", CHAMPIONS[0]));
    let mut other = vec!["--record-id", sheet.get(0, "record_id")];
    other.extend(ALL_FLAGS);
    record(&ws, &other).code(2).stderr(predicate::str::contains(
        "was drawn for PS Ada Okafor, not PC Ben Hartley",
    ));
    assert_eq!(count(&ws, "SELECT count(*) FROM assessments"), 0);
    assert_eq!(count(&ws, "SELECT count(*) FROM draft_answers"), 0);
}

/// A command in a pseudo-terminal: keys go in, the screen comes out.
struct Terminal {
    child: std::process::Child,
    screen: Arc<Mutex<Vec<u8>>>,
    seen: usize,
}

impl Terminal {
    fn start(ws: &Workspace, args: &str) -> Self {
        let binary = assert_cmd::cargo::cargo_bin("grounds");
        let mut child = Command::new("script")
            .args([
                "-qec",
                &format!("'{}' {args}", binary.display()),
                "/dev/null",
            ])
            .current_dir(ws.dir.path())
            .env_remove("GROUNDS_DB")
            .env("GROUNDS_USER", "test-runner")
            .env("TERM", "xterm")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("`script` (util-linux) runs the command in a pseudo-terminal");
        let screen = Arc::new(Mutex::new(Vec::new()));
        let mut stdout = child.stdout.take().unwrap();
        let sink = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buffer[..n]);
            }
        });
        Terminal {
            child,
            screen,
            seen: 0,
        }
    }

    /// Waits until `text` appears after what was already matched.
    fn expect(&mut self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            {
                let screen = self.screen.lock().unwrap();
                let shown = String::from_utf8_lossy(&screen[self.seen..]);
                if let Some(at) = shown.find(text) {
                    self.seen += shown[..at + text.len()].len();
                    return;
                }
                assert!(
                    Instant::now() < deadline,
                    "waited for {text:?}; the screen shows:\n{}",
                    String::from_utf8_lossy(&screen)
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn keys(&mut self, keys: &str) {
        let stdin = self.child.stdin.as_mut().unwrap();
        stdin.write_all(keys.as_bytes()).unwrap();
        stdin.flush().unwrap();
    }

    fn finish(mut self) -> Option<i32> {
        drop(self.child.stdin.take());
        self.child.wait().unwrap().code()
    }
}

const DOWN: &str = "\x1b[B";

/// Ctrl-C at a question stops like Esc, says which question of which
/// search it stopped at, keeps every answer given, and exits with 130.
#[test]
#[cfg(target_os = "linux")]
fn ctrl_c_says_where_it_stopped_and_keeps_the_answers() {
    let ws = kent_workspace();
    let sheet = Sheet::load(&sheet_path(&ws, "2019-01", CHAMPIONS[1]));
    let first = sheet.get(0, "record_id").to_string();
    let args = "record --month 2019-01 --champion 'PC Ben Hartley'";

    let mut term = Terminal::start(&ws, args);
    term.expect("Reasonable grounds evident?");
    term.keys("\r");
    term.expect("Body-worn video");
    term.keys("\r");
    term.expect("Search explained (GOWISELY)");
    term.keys("\x03");
    term.expect(&format!(
        "Ctrl-C: stopped at gowisely of {first}; the answers before it are saved."
    ));
    term.expect("Stopped. Every answer given is saved");
    assert_eq!(term.finish(), Some(130));
    assert_eq!(count(&ws, "SELECT count(*) FROM draft_answers"), 2);

    // In a text question too.
    let mut term = Terminal::start(&ws, args);
    term.expect("Search explained (GOWISELY)");
    term.keys("\r");
    term.expect("Conduct of the search");
    term.keys("\r");
    term.expect("Learning themes");
    term.keys("\x03");
    term.expect(&format!("Ctrl-C: stopped at themes of {first}"));
    assert_eq!(term.finish(), Some(130));
    assert_eq!(count(&ws, "SELECT count(*) FROM draft_answers"), 4);
    assert_eq!(count(&ws, "SELECT count(*) FROM assessments"), 0);
}

#[test]
#[cfg(target_os = "linux")]
fn interactive_answers_are_saved_as_given_and_the_session_resumes() {
    let ws = kent_workspace();
    let sheet = Sheet::load(&sheet_path(&ws, "2019-01", CHAMPIONS[1]));
    let first = sheet.get(0, "record_id").to_string();
    let second = sheet.get(1, "record_id").to_string();
    let args = "record --month 2019-01 --champion 'PC Ben Hartley'";

    let mut term = Terminal::start(&ws, args);
    term.expect(&format!(
        "0 of 20 assessed. This search: {first} (sample 1)"
    ));
    term.expect("Object of search");
    term.expect("Reasonable grounds evident?");
    term.keys(&format!("{DOWN}\r"));
    term.expect("Body-worn video");
    term.keys("\r");
    term.expect("Search explained (GOWISELY)");
    term.keys("q");
    term.expect("Stopped. Every answer given is saved");
    assert_eq!(term.finish(), Some(0));
    assert_eq!(count(&ws, "SELECT count(*) FROM draft_answers"), 2);
    assert_eq!(count(&ws, "SELECT count(*) FROM assessments"), 0);

    let mut term = Terminal::start(&ws, args);
    term.expect(&format!("This search: {first}"));
    term.expect("Carrying on: answers saved earlier for bwv, grounds.");
    term.expect("Search explained (GOWISELY)");
    term.keys(&format!("{DOWN}\r"));
    term.expect("Conduct of the search");
    term.keys("\r");
    term.expect("Learning themes");
    term.keys("BWV quality\r");
    term.expect("Referral");
    term.keys(&format!("{DOWN}{DOWN}\r"));
    term.expect("Notes");
    term.keys("\r");
    term.expect("Reviewer");
    term.keys("\r"); // the default: the champion
    term.expect("Reviewed on");
    term.keys("3/2/2019\r");
    term.expect(&format!("Saved {first} "));
    // On to the next search not assessed yet.
    term.expect(&format!(
        "1 of 20 assessed. This search: {second} (sample 2)"
    ));
    term.expect("Reasonable grounds evident?");
    term.keys("\x1b");
    term.expect("Stopped.");
    assert_eq!(term.finish(), Some(0));

    ws.grounds()
        .args(["history", "--record-id", &first])
        .assert()
        .success()
        .stdout(predicate::str::contains("from record"))
        .stdout(predicate::str::contains("grounds      not_reasonable\n"))
        .stdout(predicate::str::contains("bwv          reviewed\n"))
        .stdout(predicate::str::contains("gowisely     partial\n"))
        .stdout(predicate::str::contains("themes       BWV quality\n"))
        .stdout(predicate::str::contains("referral     supervisor\n"))
        .stdout(predicate::str::contains("reviewer     PC Ben Hartley\n"))
        .stdout(predicate::str::contains("reviewed_on  2019-02-03\n"));
    assert_eq!(
        count(
            &ws,
            "SELECT count(*) FROM draft_answers WHERE assessment_id IS NOT NULL"
        ),
        9,
        "every answer kept, tied to the assessment it became"
    );

    // Saved answers also complete a scripted call without a terminal.
    let mut term = Terminal::start(&ws, args);
    term.expect(&format!("This search: {second}"));
    term.expect("Reasonable grounds evident?");
    term.keys("\r");
    term.expect("Body-worn video");
    term.keys("q");
    term.expect("Stopped.");
    assert_eq!(term.finish(), Some(0));
    record(
        &ws,
        &[
            "--bwv",
            "reviewed",
            "--gowisely",
            "yes",
            "--conduct",
            "good",
            "--referral",
            "none",
            "--reviewer",
            "PC Ben Hartley",
            "--reviewed-on",
            "2019-02-05",
        ],
    )
    .success()
    .stdout(predicate::str::contains(format!(
        "Saved {second} (PC Ben Hartley's 2019-01): grounds reasonable"
    )));
}
