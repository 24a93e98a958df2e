//! `grounds report --format html` and `--public` on a real-data workspace:
//! Kent's January 2019 export drawn with `grounds sample`, assessments
//! written straight into the workspace (as `grounds import` will).

use std::collections::HashSet;
use std::fs;

use predicates::prelude::*;

use crate::common::*;

pub const CHAMPIONS: [&str; 4] = [
    "PS Ada Okafor",
    "PC Ben Hartley",
    "PC Chloe Nwosu",
    "Sgt Dev Patel",
];

pub const SCRIPT_NOTE: &str = "<script>alert('panel')</script> grounds & \"object\" unclear";

/// A workspace with `months` of Kent drawn for [`CHAMPIONS`] and every
/// sampled search assessed, except `outstanding` of the last month's.
pub fn assessed_workspace(months: &[(&str, &str)], outstanding: usize) -> Workspace {
    let ws = Workspace::new();
    ws.champions(&CHAMPIONS);
    for (month, export) in months {
        ws.sample(&[shipped(export)], month, &format!("panel-{month}"), &[]);
    }
    let conn = rusqlite::Connection::open(ws.db()).expect("the workspace opens");
    // In every month, the first champion's third search had no footage and
    // was replaced by their first reserve.
    conn.execute(
        "INSERT INTO substitutions (draw_id, record_id, replacement_id, reason, footage_missing, recorded_at, recorded_by)
         SELECT s.draw_id, s.record_id, r.record_id, 'no body-worn video', 1, '2019-03-01T09:00:00Z', 'test-runner'
         FROM assignments s JOIN assignments r ON r.draw_id = s.draw_id AND r.champion = s.champion
         WHERE s.champion = ?1 AND s.role = 'sample' AND s.position = 3 AND r.role = 'reserve' AND r.position = 1",
        [CHAMPIONS[0]],
    )
    .unwrap();
    let mut due: Vec<(i64, String, String)> = conn
        .prepare(
            "SELECT a.draw_id, a.record_id, d.month FROM active_assignments a JOIN draws d ON d.id = a.draw_id
             ORDER BY d.month, a.champion, a.position",
        )
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    due.truncate(due.len() - outstanding);
    for (i, (draw_id, record_id, month)) in due.iter().enumerate() {
        // A fixed mix of verdicts and findings, varied by position.
        let grounds = match i % 23 {
            3 | 11 | 19 => "not_reasonable",
            7 => "none_recorded",
            15 => "insufficient_info",
            _ => "reasonable",
        };
        let bwv = match i % 11 {
            4 => "not_available",
            9 => "not_reviewed",
            _ => "reviewed",
        };
        let gowisely = match (bwv, i % 5) {
            ("reviewed", 0) => "partial",
            ("reviewed", _) => "yes",
            _ => "not_visible",
        };
        let conduct = match i % 13 {
            6 => "concern",
            2 | 10 => "adequate",
            _ => "good",
        };
        let referral = match grounds {
            "not_reasonable" => "feedback",
            "none_recorded" => "supervisor",
            _ => "none",
        };
        let themes = match grounds {
            "not_reasonable" => r#"["grounds too general"]"#,
            "none_recorded" => r#"["grounds not recorded", "no BWV"]"#,
            _ if bwv == "not_available" => r#"["no BWV"]"#,
            _ => "[]",
        };
        let notes = if i == 7 { SCRIPT_NOTE } else { "" };
        conn.execute(
            "INSERT INTO assessments (draw_id, record_id, version, grounds, bwv, gowisely, conduct, themes,
                referral, notes, reviewer, reviewed_on, recorded_at, recorded_by, source)
             VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'test reviewer', ?10, ?11, 'test-runner', 'test')",
            rusqlite::params![
                draw_id,
                record_id,
                grounds,
                bwv,
                gowisely,
                conduct,
                themes,
                referral,
                notes,
                format!("{month}-28"),
                format!("{month}-28T12:00:00Z"),
            ],
        )
        .unwrap();
    }
    ws
}

/// Runs `grounds report` with `args` in `ws`; returns standard output.
pub fn report(ws: &Workspace, args: &[&str]) -> String {
    let output = ws.grounds().arg("report").args(args).output().unwrap();
    assert!(
        output.status.success(),
        "report {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Checks that a page is well-formed: a doctype, one `html` root, every
/// element closed in order (void elements never; `/>` only on void
/// elements and inside SVG), attributes quoted and not repeated, every
/// `&` a character reference, ids unique, and `<style>` the only raw text.
pub fn check_well_formed(html: &str) -> Result<(), String> {
    const VOID: [&str; 13] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    let rest = html
        .strip_prefix("<!DOCTYPE html>")
        .ok_or("no <!DOCTYPE html> at the start")?;
    let bytes = rest.as_bytes();
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut ids = HashSet::new();
    let mut i = 0;
    let at = |i: usize| format!("at byte {} ({:?})", i, &rest[i..(i + 60).min(rest.len())]);
    while i < bytes.len() {
        match bytes[i] {
            b'<' if rest[i..].starts_with("<!--") => {
                i += rest[i..].find("-->").ok_or_else(|| at(i))? + 3;
            }
            b'<' if rest[i..].starts_with("</") => {
                let end = i + rest[i..].find('>').ok_or_else(|| at(i))?;
                let name = rest[i + 2..end].trim_end();
                match stack.pop() {
                    Some(open) if open == name => {}
                    other => return Err(format!("</{name}> closes {other:?} {}", at(i))),
                }
                i = end + 1;
            }
            b'<' => {
                let name_len = rest[i + 1..]
                    .find(|c: char| !c.is_ascii_alphanumeric() && c != '-')
                    .ok_or_else(|| at(i))?;
                let name = &rest[i + 1..i + 1 + name_len];
                if name.is_empty() {
                    return Err(format!("a bare '<' in text {}", at(i)));
                }
                let mut j = i + 1 + name_len;
                let mut seen = HashSet::new();
                let self_closing = loop {
                    while bytes[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if rest[j..].starts_with("/>") {
                        j += 2;
                        break true;
                    }
                    if bytes[j] == b'>' {
                        j += 1;
                        break false;
                    }
                    let attr_len = rest[j..]
                        .find(|c: char| !(c.is_ascii_alphanumeric() || "-_:".contains(c)))
                        .ok_or_else(|| at(j))?;
                    let attr = &rest[j..j + attr_len];
                    if attr.is_empty() || !seen.insert(attr.to_string()) {
                        return Err(format!("bad or repeated attribute {attr:?} {}", at(j)));
                    }
                    j += attr_len;
                    if bytes[j] != b'=' {
                        continue; // a boolean attribute
                    }
                    let quote = bytes[j + 1];
                    if quote != b'"' && quote != b'\'' {
                        return Err(format!("unquoted attribute {attr} {}", at(j)));
                    }
                    let close = j + 2 + rest[j + 2..].find(quote as char).ok_or_else(|| at(j))?;
                    let value = &rest[j + 2..close];
                    if value.contains('<') {
                        return Err(format!("'<' in attribute {attr} {}", at(j)));
                    }
                    check_references(value).map_err(|e| format!("{e} {}", at(j)))?;
                    if attr == "id" && !ids.insert(value.to_string()) {
                        return Err(format!("id {value:?} used twice"));
                    }
                    j = close + 1;
                };
                let in_svg = stack.iter().any(|e| e == "svg");
                if self_closing && !VOID.contains(&name) && !in_svg {
                    return Err(format!("<{name}/> is not a void element {}", at(i)));
                }
                if stack.is_empty() {
                    roots += 1;
                }
                if name == "style" {
                    let end = j + rest[j..].find("</style>").ok_or_else(|| at(j))?;
                    if rest[j..end].contains('<') {
                        return Err(format!("markup inside <style> {}", at(j)));
                    }
                    i = end + "</style>".len();
                    continue;
                }
                if !self_closing && !VOID.contains(&name) {
                    stack.push(name.to_string());
                }
                i = j;
            }
            _ => {
                let end = rest[i..].find('<').map_or(rest.len(), |n| i + n);
                check_references(&rest[i..end]).map_err(|e| format!("{e} {}", at(i)))?;
                if stack.is_empty() && !rest[i..end].trim().is_empty() {
                    return Err(format!("text outside <html> {}", at(i)));
                }
                i = end;
            }
        }
    }
    if !stack.is_empty() {
        return Err(format!("never closed: {stack:?}"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(())
}

/// Every `&` starts a character reference: `&#60;`, `&#x3C;` or a named one.
fn check_references(text: &str) -> Result<(), String> {
    for (i, _) in text.match_indices('&') {
        let tail = &text[i + 1..];
        let end = tail.find(';').ok_or("an '&' with no ';'")?;
        let name = &tail[..end];
        let ok = match name.strip_prefix('#') {
            Some(hex) if hex.starts_with(['x', 'X']) => {
                hex.len() > 1 && hex[1..].chars().all(|c| c.is_ascii_hexdigit())
            }
            Some(dec) => !dec.is_empty() && dec.chars().all(|c| c.is_ascii_digit()),
            None => ["amp", "lt", "gt", "quot", "apos", "nbsp"].contains(&name),
        };
        if !ok {
            return Err(format!("bad character reference &{name};"));
        }
    }
    Ok(())
}

/// The page asks for nothing from anywhere: the only URL is the SVG
/// namespace, which is a name, not a resource.
pub fn check_self_contained(html: &str) -> Result<(), String> {
    const SVG_NS: &str = r#"xmlns="http://www.w3.org/2000/svg""#;
    let svgs = html.matches("<svg ").count();
    if html.matches(SVG_NS).count() != svgs {
        return Err("an <svg> without the plain SVG namespace".into());
    }
    let without_ns = html.replace(SVG_NS, "");
    for needle in [
        "http://",
        "https://",
        "src=",
        "<link",
        "@import",
        "url(",
        "<script",
        "<iframe",
        "<object",
        "<embed",
        "<base",
        "srcset",
        "xlink:href",
    ] {
        if without_ns.to_lowercase().contains(needle) {
            return Err(format!("the page contains {needle:?}"));
        }
    }
    for (i, _) in html.match_indices("href=\"") {
        if !html[i + 6..].starts_with('#') {
            return Err(format!("a link out of the page: {}", &html[i..i + 40]));
        }
    }
    Ok(())
}

/// The part of the page for the chart with this id.
pub fn figure<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<figure class=\"chart\" id=\"chart-{id}\">"))
        .unwrap_or_else(|| panic!("no chart {id}"));
    let end = start + html[start..].find("</figure>").expect("a closed figure");
    &html[start..end]
}

fn drawn(estimate: &serde_json::Value) -> bool {
    estimate["assessed"].as_u64().unwrap() > 0 && estimate["suppressed"] != true
}

/// Each chart has one SVG and a point or bar for every figure it should show,
/// counted from the JSON rendering of the same report.
pub fn check_charts(html: &str, json: &serde_json::Value) {
    let groups = json["groups"].as_array().unwrap();
    let expected = groups.iter().filter(|g| drawn(g)).count()
        + usize::from(drawn(&json["minority"]))
        + usize::from(drawn(&json["overall"]));
    let months = json["by_month"].as_array().unwrap();
    let expected_months = months.iter().filter(|m| drawn(m)).count();
    for (id, class, expected) in [
        ("groups", "class=\"point\"", expected),
        ("trend", "class=\"point\"", expected_months),
    ] {
        let chart = figure(html, id);
        assert_eq!(chart.matches("<svg ").count(), 1, "{id}");
        assert_eq!(chart.matches(class).count(), expected, "{id}");
    }
    let breakdowns = &json["breakdowns"];
    let mut charts = 2;
    for (id, key) in [
        ("verdicts", "verdicts"),
        ("bwv", "bwv"),
        ("gowisely", "gowisely"),
        ("conduct", "conduct"),
        ("referrals", "referrals"),
        ("themes", "themes"),
    ] {
        let shown: Vec<&serde_json::Value> = breakdowns[key]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["suppressed"] != true)
            .collect();
        if shown.iter().any(|c| c["count"].as_u64().unwrap() > 0) {
            let chart = figure(html, id);
            assert_eq!(chart.matches("<svg ").count(), 1, "{id}");
            assert_eq!(chart.matches("class=\"bar\"").count(), shown.len(), "{id}");
            charts += 1;
        } else {
            assert!(!html.contains(&format!("id=\"chart-{id}\"")), "{id}");
        }
    }
    // Review quality: kappa (when defined) and AC1, when any pair is shown.
    let agreement = &json["agreement"];
    if agreement["pairs"].as_u64().unwrap_or(0) > 0 {
        let chart = figure(html, "agreement");
        let points = 1 + usize::from(agreement["kappa"].is_number());
        assert_eq!(chart.matches("class=\"point\"").count(), points);
        charts += 1;
    } else {
        assert!(!html.contains("id=\"chart-agreement\""));
    }
    assert_eq!(html.matches("<svg ").count(), charts, "one SVG per chart");
}

#[test]
fn html_report_on_real_data_is_well_formed_self_contained_and_escaped() {
    let ws = assessed_workspace(&[("2019-01", KENT_JAN)], 0);
    ws.grounds()
        .args(["report", "--format", "html", "--out", "report.html"])
        .assert()
        .success()
        .stdout("");
    let html = fs::read_to_string(ws.path("report.html")).unwrap();
    check_well_formed(&html).unwrap();
    check_self_contained(&html).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&report(&ws, &["--format", "json"])).unwrap();
    check_charts(&html, &json);

    assert!(html.contains(
        "&#60;script&#62;alert(&#39;panel&#39;)&#60;/script&#62; grounds &#38; &#34;object&#34; unclear"
    ));
    let assessed = json["overall"]["assessed"].as_u64().unwrap();
    let reasonable = json["overall"]["reasonable"].as_u64().unwrap();
    assert!(html.contains(&format!(
        "Reasonable grounds were evident in {reasonable} of the {assessed} searches assessed"
    )));
    assert!(html.contains(&format!("<code>{}</code>", "panel-2019-01")));
    assert!(html.contains(&format!(
        "<code class=\"hash\">{}</code>",
        json["draws"][0]["manifest_sha256"].as_str().unwrap()
    )));
    assert!(html.contains(
        "grounds verify worksheets/2019-01/manifest.json --export 2019-01-kent-stop-and-search.csv"
    ));
    assert!(
        html.contains("PS Ada Okafor"),
        "the internal report names champions"
    );
    assert!(!html.contains("NOT FINAL"), "every search assessed");
    assert!(html.contains(
        "1 sampled search could not be reviewed and was replaced by the next reserve drawn for the champion; the footage was missing in 1 of 1."
    ));
}

#[test]
fn an_unfinished_month_is_marked_not_final_at_the_top() {
    let ws = assessed_workspace(&[("2019-01", KENT_JAN)], 3);
    let html = report(&ws, &["--format", "html"]);
    check_well_formed(&html).unwrap();
    let banner = html
        .find("class=\"banner not-final\"")
        .expect("a NOT FINAL banner");
    assert!(banner < html.find("<main>").unwrap(), "before any figure");
    assert!(html.contains("NOT FINAL: 3 of the 80 searches drawn for review are still outstanding"));
}

#[test]
fn public_reports_suppress_and_say_so_in_every_format() {
    let ws = assessed_workspace(&[("2019-01", KENT_JAN)], 0);
    let text = report(
        &ws,
        &["--format", "json", "--public", "--suppress-below", "10"],
    );
    for secret in CHAMPIONS.iter().copied().chain(["script"]) {
        assert!(!text.contains(secret), "json leaks {secret}");
    }
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["public"], true);
    assert_eq!(json["suppressed_below"], 10);
    assert!(json["by_champion"].as_array().unwrap().is_empty());
    assert!(json["notes"].as_array().unwrap().is_empty());
    let groups = json["groups"].as_array().unwrap();
    assert!(
        groups.iter().any(|g| g["suppressed"] == true),
        "Kent's January sample has groups with fewer than 10 searches: {groups:?}"
    );
    for g in groups.iter().filter(|g| g["suppressed"] == true) {
        assert_eq!(g["assessed"], 0);
        assert_eq!(g["proportion"], serde_json::Value::Null);
        assert_eq!(g["reviewed_share"], serde_json::Value::Null);
    }
    for g in groups.iter().filter(|g| g["suppressed"] != true) {
        let n = g["assessed"].as_u64().unwrap() + g["insufficient_info"].as_u64().unwrap();
        assert!(n == 0 || n >= 10, "{g}");
    }

    for format in ["table", "markdown", "csv", "html"] {
        let text = report(
            &ws,
            &["--format", format, "--public", "--suppress-below", "10"],
        );
        assert!(
            text.contains("PUBLIC REPORT: figures resting on 1 to 9 searches are suppressed"),
            "{format}"
        );
        for secret in CHAMPIONS.iter().copied().chain(["script", "panel&#39;"]) {
            assert!(!text.contains(secret), "{format} leaks {secret}");
        }
        assert!(text.contains("suppressed"), "{format}");
    }
    let html = report(&ws, &["--format", "html", "--public"]);
    check_well_formed(&html).unwrap();
    check_self_contained(&html).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&report(&ws, &["--format", "json", "--public"])).unwrap();
    check_charts(&html, &json);
    assert!(html.contains("PUBLIC REPORT: figures resting on 1 to 4 searches"));
}

#[test]
fn suppress_below_needs_public_and_public_refuses_a_champion() {
    let ws = assessed_workspace(&[("2019-01", KENT_JAN)], 0);
    ws.grounds()
        .args(["report", "--suppress-below", "10"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--public"));
    ws.grounds()
        .args(["report", "--public", "--champion", "PC Ben Hartley"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "champion names do not leave the force",
        ));
}

#[test]
fn the_page_checks_catch_broken_and_leaky_pages() {
    let page = |body: &str| {
        format!("<!DOCTYPE html><html><head><title>t</title></head><body>{body}</body></html>")
    };
    check_well_formed(&page("<p>a &#60;b&#62; &amp; c</p><br>")).unwrap();
    for broken in [
        "<p>unclosed",
        "<p><b>crossed</p></b>",
        "<p>a < b</p>",
        "<p>fish & chips</p>",
        "<p class=x>unquoted</p>",
        "<p id=\"a\"></p><p id=\"a\"></p>",
        "<p/>",
        "<p title=\"a\" title=\"b\"></p>",
    ] {
        assert!(check_well_formed(&page(broken)).is_err(), "{broken}");
    }
    assert!(check_well_formed("<html></html>").is_err(), "no doctype");
    assert!(
        check_well_formed(&format!("{}<p></p>", page(""))).is_err(),
        "two roots"
    );

    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg"></svg>"#;
    check_self_contained(&page(&format!("{svg}<a href=\"#top\">top</a>"))).unwrap();
    for leaky in [
        r#"<img src="x.png">"#,
        r#"<a href="https://example.org">x</a>"#,
        r#"<svg xmlns="http://www.w3.org/1999/xhtml"></svg>"#,
        "<style>body { background: url(x.png) }</style>",
        "<script>1</script>",
        "<p>see http://example.org</p>",
    ] {
        assert!(check_self_contained(&page(leaky)).is_err(), "{leaky}");
    }
}
