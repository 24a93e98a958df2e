//! An attacker who has only the public report (its JSON) and tries to work
//! out every suppressed cell, run over many generated reports.
//!
//! What counts as recovering a suppressed estimate (see `cells` for why):
//! its reasonable count or any non-zero part pinned to one value, or its
//! rate shown to be 0% or 100%; and, for a row resting on 1 to k−1 searches,
//! its size or assessed count (the overall figure's and the months' sizes
//! are published as process counts). A suppressed count of findings is
//! recovered when pinned. Rows that held nothing are out of scope. Every value the
//! attacker pins is checked against the truth, so the attack is a real
//! deduction, not a guess.

use rand::rngs::StdRng;
use rand::SeedableRng;
use serde_json::Value;

use super::random_reports::{options, random_input};

use super::deduce::{System, UNBOUNDED};
use super::make_public;
use crate::ethnicity::Group;
use crate::report::render::json;
use crate::report::{build, Report};

struct Unknown {
    name: String,
    hidden: bool,
    public_size: bool,
    reasonable: usize,
    not_reasonable: usize,
    none_recorded: usize,
    insufficient: usize,
    assessed: usize,
    against: usize,
    size: usize,
}

fn num(v: &Value, field: &str) -> i64 {
    v[field].as_u64().map_or(0, |n| n as i64)
}

fn is_suppressed(v: &Value) -> bool {
    v["suppressed"].as_bool() == Some(true)
}

/// What the attacker pins down, as (cell, value), from the JSON alone.
fn attack(public_json: &str) -> Vec<(String, i64)> {
    let report: Value = serde_json::from_str(public_json).expect("the report is JSON");
    let k = num(&report, "suppressed_below");
    let mut s = System::default();
    let mut unknowns: Vec<Unknown> = Vec::new();
    // Each estimate: its parts, known or not, and what follows from them.
    let mut estimate = |s: &mut System, name: String, e: &Value, public_size: bool| -> usize {
        let hidden = is_suppressed(e);
        let mut part = |field: &str| {
            if hidden {
                s.var(0, UNBOUNDED)
            } else {
                s.known(num(e, field))
            }
        };
        let (r, nr, nn, ii) = (
            part("reasonable"),
            part("not_reasonable"),
            part("none_recorded"),
            part("insufficient_info"),
        );
        let (a, against, size) = (
            s.var(0, UNBOUNDED),
            s.var(0, UNBOUNDED),
            s.var(0, UNBOUNDED),
        );
        s.equation(vec![(1, a), (-1, r), (-1, nr), (-1, nn)]);
        s.equation(vec![(1, against), (-1, nr), (-1, nn)]);
        s.equation(vec![(1, size), (-1, a), (-1, ii)]);
        if !hidden {
            s.bound(a, num(e, "assessed"), num(e, "assessed"));
        }
        unknowns.push(Unknown {
            name,
            hidden,
            public_size,
            reasonable: r,
            not_reasonable: nr,
            none_recorded: nn,
            insufficient: ii,
            assessed: a,
            against,
            size,
        });
        unknowns.len() - 1
    };

    let overall = estimate(&mut s, "overall".into(), &report["overall"], true);
    let minority = estimate(&mut s, "minority".into(), &report["minority"], false);
    let rows = |field: &str| report[field].as_array().cloned().unwrap_or_default();
    let mut groups = Vec::new();
    for g in rows("groups") {
        let label = g["group"].as_str().unwrap_or_default().to_string();
        groups.push((
            label.clone(),
            estimate(&mut s, format!("group {label}"), &g, false),
            g,
        ));
    }
    let mut months = Vec::new();
    for m in rows("by_month") {
        let label = m["month"].as_str().unwrap_or_default().to_string();
        months.push((estimate(&mut s, format!("month {label}"), &m, true), m));
    }
    let mut splits: Vec<Vec<usize>> = Vec::new();
    for (field, what) in [("by_legislation", "legislation"), ("by_object", "object")] {
        let split = rows(field)
            .iter()
            .map(|v| {
                let label = v["value"].as_str().unwrap_or_default();
                estimate(&mut s, format!("{what} {label}"), v, false)
            })
            .collect();
        splits.push(split);
    }

    // Every sum, part by part.
    let is_minority = |label: &str| {
        Group::ALL
            .iter()
            .any(|g| g.is_minority() == Some(true) && g.label() == label)
    };
    let mut sums: Vec<(usize, Vec<usize>)> = vec![
        (
            minority,
            groups
                .iter()
                .filter(|g| is_minority(&g.0))
                .map(|g| g.1)
                .collect(),
        ),
        (overall, groups.iter().map(|g| g.1).collect()),
        (
            overall,
            groups
                .iter()
                .filter(|g| !is_minority(&g.0))
                .map(|g| g.1)
                .chain([minority])
                .collect(),
        ),
        (overall, months.iter().map(|m| m.0).collect()),
    ];
    for split in splits {
        sums.push((overall, split));
    }
    let parts: [fn(&Unknown) -> usize; 4] = [
        |u| u.reasonable,
        |u| u.not_reasonable,
        |u| u.none_recorded,
        |u| u.insufficient,
    ];
    for (total, terms) in &sums {
        for part in parts {
            let terms: Vec<usize> = terms.iter().map(|&t| part(&unknowns[t])).collect();
            s.sum(part(&unknowns[*total]), &terms);
        }
    }
    // Bounds: a suppressed row is not empty, unless it is a group whose
    // population is below k (those are suppressed even when empty) or every
    // row of a sum it is in is suppressed; no row holds more searches than
    // its population.
    let size_of = |i: usize| unknowns[i].size;
    let hidden_rows: Vec<usize> = (0..unknowns.len())
        .filter(|&i| unknowns[i].hidden)
        .collect();
    let population_of = |name: &str| -> Option<i64> {
        if name == "overall" {
            return report["population"].as_u64().map(|n| n as i64);
        }
        if name == "minority" {
            return report["minority_population"].as_u64().map(|n| n as i64);
        }
        if let Some((_, _, g)) = groups.iter().find(|(l, _, _)| format!("group {l}") == name) {
            return g["population"].as_u64().map(|n| n as i64);
        }
        months
            .iter()
            .find(|(i, _)| unknowns[*i].name == name)
            .map(|(_, m)| num(m, "population"))
    };
    for &i in &hidden_rows {
        let population = population_of(&unknowns[i].name);
        let may_be_empty = (population.is_some_and(|n| n >= 1 && n < k)
            && (unknowns[i].name.starts_with("group") || unknowns[i].name == "minority"))
            || sums
                .iter()
                .any(|(_, terms)| terms.contains(&i) && terms.iter().all(|&t| unknowns[t].hidden));
        if !may_be_empty {
            s.bound(size_of(i), 1, UNBOUNDED);
        }
        if let Some(n) = population {
            s.bound(size_of(i), 0, n);
        }
    }

    // Process counts: the searches reviewed overall and in each month.
    let done = num(&report["completeness"], "assessed");
    s.bound(size_of(overall), done, done);
    for (i, m) in &months {
        let reviewed = num(m, "assigned") - num(m, "outstanding");
        s.bound(size_of(*i), reviewed, reviewed);
    }
    // Share reviewed × population.
    for (_, i, g) in &groups {
        if let (Some(share), Some(population)) =
            (g["reviewed_share"].as_f64(), g["population"].as_u64())
        {
            let reviewed = (share * population as f64).round() as i64;
            s.bound(size_of(*i), reviewed, reviewed);
        }
    }
    // Verdict counts are the overall figure's parts.
    for v in report["breakdowns"]["verdicts"]
        .as_array()
        .into_iter()
        .flatten()
    {
        if is_suppressed(v) {
            continue;
        }
        let n = num(v, "count");
        let var = match v["value"].as_str() {
            Some("reasonable") => unknowns[overall].reasonable,
            Some("not_reasonable") => unknowns[overall].not_reasonable,
            Some("none_recorded") => unknowns[overall].none_recorded,
            Some("insufficient_info") => unknowns[overall].insufficient,
            _ => continue,
        };
        s.bound(var, n, n);
    }
    // The comparison: minority ethnic and White, x of n.
    let white = groups
        .iter()
        .find(|(l, _, _)| l == Group::White.label())
        .map(|(_, i, _)| *i);
    if let (Some(c), Some(white)) = (report["comparison"].as_object(), white) {
        for (i, x, n) in [(minority, "x1", "n1"), (white, "x2", "n2")] {
            let (x, n) = (
                c[x].as_u64().unwrap_or(0) as i64,
                c[n].as_u64().unwrap_or(0) as i64,
            );
            s.bound(unknowns[i].reasonable, x, x);
            s.bound(unknowns[i].assessed, n, n);
        }
    }
    // Unrecognised ethnicity values are counted as Not stated.
    if let Some(u) = report["unrecognised_ethnicity"]
        .as_array()
        .and_then(|a| a.first())
    {
        if let Some((_, i, _)) = groups
            .iter()
            .find(|(l, _, _)| l == Group::NotStated.label())
        {
            if !is_suppressed(u) {
                s.bound(size_of(*i), num(u, "count"), UNBOUNDED);
            }
        }
    }

    assert!(s.solve(), "the public report contradicts itself");

    let mut found = Vec::new();
    for &i in &hidden_rows {
        let u = &unknowns[i];
        let mut claim = |cell: &str, v: usize, zero_ok: bool| {
            if let Some(n) = s.pinned(v) {
                if !(zero_ok && n == 0) {
                    found.push((format!("{} {cell}", u.name), n));
                }
            }
        };
        if !u.public_size {
            claim("size", u.size, false);
            claim("assessed", u.assessed, false);
        }
        claim("reasonable", u.reasonable, false);
        claim("not_reasonable", u.not_reasonable, true);
        claim("none_recorded", u.none_recorded, true);
        claim("insufficient_info", u.insufficient, true);
        if s.range(u.against).1 == 0 {
            found.push((format!("{} rate 100%", u.name), 0));
        }
    }
    found.extend(attack_findings(&report, done));
    found
}

/// Each kind of finding adds up to the searches reviewed.
fn attack_findings(report: &Value, reviewed: i64) -> Vec<(String, i64)> {
    let mut found = Vec::new();
    for kind in ["bwv", "gowisely", "conduct", "referrals"] {
        let counts = report["breakdowns"][kind]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut s = System::default();
        // Zeros are suppressed only when every count of the kind is.
        let least = if counts.iter().all(is_suppressed) {
            0
        } else {
            1
        };
        let vars: Vec<usize> = counts
            .iter()
            .map(|c| {
                if is_suppressed(c) {
                    s.var(least, UNBOUNDED)
                } else {
                    s.known(num(c, "count"))
                }
            })
            .collect();
        let total = s.known(reviewed);
        s.sum(total, &vars);
        assert!(s.solve(), "{kind} contradicts the searches reviewed");
        for (c, &v) in counts.iter().zip(&vars) {
            if let (true, Some(n)) = (is_suppressed(c), s.pinned(v)) {
                found.push((format!("{kind} {}", c["value"]), n));
            }
        }
    }
    found
}

/// The true value of a cell the attacker named, from the internal report.
fn truth(report: &Report, cell: &str) -> Option<i64> {
    let (row, field) = match cell.strip_suffix(" rate 100%") {
        Some(row) => (row, "100%"),
        None => cell.rsplit_once(' ')?,
    };
    let estimate = if row == "overall" {
        &report.overall
    } else if row == "minority" {
        &report.minority
    } else if let Some(label) = row.strip_prefix("group ") {
        &report.groups.iter().find(|g| g.group == label)?.estimate
    } else if let Some(month) = row.strip_prefix("month ") {
        &report.by_month.iter().find(|m| m.month == month)?.estimate
    } else if let Some(value) = row.strip_prefix("legislation ") {
        &report
            .by_legislation
            .iter()
            .find(|v| v.value == value)?
            .estimate
    } else if let Some(value) = row.strip_prefix("object ") {
        &report.by_object.iter().find(|v| v.value == value)?.estimate
    } else {
        let b = &report.breakdowns;
        let counts = match row {
            "bwv" => &b.bwv,
            "gowisely" => &b.gowisely,
            "conduct" => &b.conduct,
            "referrals" => &b.referrals,
            _ => return None,
        };
        let value = field.trim_matches('"');
        return counts
            .iter()
            .find(|c| c.value == value)
            .map(|c| c.count as i64);
    };
    let e = estimate;
    Some(match field {
        "size" => e.assessed + e.insufficient_info,
        "assessed" => e.assessed,
        "reasonable" => e.reasonable,
        "not_reasonable" => e.not_reasonable,
        "none_recorded" => e.none_recorded,
        "insufficient_info" => e.insufficient_info,
        "100%" => e.not_reasonable + e.none_recorded,
        _ => return None,
    } as i64)
}

/// Whether recovering `cell` would give away something the public report
/// means to keep: not when its row held no search at all (suppressed only so
/// that "suppressed" does not mean "not empty"), nor the size of a row of k
/// searches or more (suppressed to protect a rate).
fn matters(report: &Report, cell: &str, k: u64) -> bool {
    let (row, field) = match cell.strip_suffix(" rate 100%") {
        Some(row) => (row, "rate"),
        None => cell.rsplit_once(' ').unwrap_or((cell, "")),
    };
    if matches!(row, "bwv" | "gowisely" | "conduct" | "referrals") {
        return truth(report, cell) != Some(0);
    }
    let small = |n: Option<i64>| n.is_some_and(|n| n >= 1 && n < k as i64);
    let size = truth(report, &format!("{row} size"));
    let assessed = truth(report, &format!("{row} assessed"));
    size != Some(0) && (!matches!(field, "size" | "assessed") || small(size) || small(assessed))
}

#[test]
fn the_attacker_does_recover_cells_from_a_report_that_only_flags_small_ones() {
    // Flagging small cells alone, as a naive public report would: the
    // attacker must find them, or the test below proves nothing.
    let mut report = super::fixtures::report();
    report.public = true;
    report.suppressed_below = Some(5);
    for g in &mut report.groups {
        if g.group == "Other" {
            g.estimate.suppressed = true;
            g.reviewed_share = None;
        }
    }
    let found = attack(&json::render(&report));
    assert!(
        found
            .iter()
            .any(|(cell, n)| cell == "group Other size" && *n == 1),
        "{found:?}"
    );
    assert!(found
        .iter()
        .any(|(cell, _)| cell == "group Other rate 100%"));
}

#[test]
fn nothing_suppressed_can_be_worked_out_from_a_public_report() {
    let mut rng = StdRng::seed_from_u64(15);
    let mut checked = 0;
    let mut suppressed = 0;
    while checked < 1200 {
        let input = random_input(&mut rng);
        if input.searches.is_empty() {
            continue;
        }
        let internal = build(&input, &options(input.draws.len())).expect("a random report builds");
        for k in [2, 3, 5, 10] {
            let mut public = internal.clone();
            make_public(&mut public, k);
            let mut again = public.clone();
            make_public(&mut again, k);
            assert_eq!(again, public, "k = {k}: making public twice changed it");
            let mut found = attack(&json::render(&public));
            for (cell, value) in &found {
                // A wrong value would mean the attack assumed something false.
                if let Some(real) = truth(&internal, cell) {
                    assert_eq!(*value, real, "k = {k}: {cell} pinned wrongly");
                }
            }
            found.retain(|(cell, _)| matters(&internal, cell, k));
            assert!(
                found.is_empty(),
                "k = {k}: recovered {found:?} from {}",
                json::render(&public)
            );
            suppressed += public
                .groups
                .iter()
                .filter(|g| g.estimate.suppressed)
                .count();
            checked += 1;
        }
    }
    assert!(
        suppressed > 100,
        "the reports had suppressed cells to attack"
    );
}

#[test]
fn nothing_suppressed_can_be_worked_out_from_the_fixture_at_any_threshold() {
    let internal = super::fixtures::report();
    for k in 0..=60 {
        let mut public = internal.clone();
        make_public(&mut public, k);
        let mut found = attack(&json::render(&public));
        found.retain(|(cell, _)| matters(&internal, cell, k));
        assert!(found.is_empty(), "k = {k}: recovered {found:?}");
    }
}

#[test]
fn a_total_of_100_percent_over_a_suppressed_row_is_withheld() {
    // Every search reasonable: the overall 100% would say so of the small
    // Mixed and Other rows; it goes, the size stays in the process counts.
    let mut input = super::fixtures::input();
    for search in &mut input.searches {
        search.grounds = "reasonable";
    }
    let internal = build(&input, &super::fixtures::options()).expect("builds");
    assert_eq!(internal.overall.proportion, Some(1.0));
    let mut public = internal.clone();
    make_public(&mut public, 5);
    assert!(public.overall.suppressed);
    assert!(public.breakdowns.verdicts.iter().all(|v| v.suppressed));
    assert_eq!(public.completeness.assessed, 94, "the process count stays");
    let mut found = attack(&json::render(&public));
    found.retain(|(cell, _)| matters(&internal, cell, 5));
    assert!(found.is_empty(), "{found:?}");
    assert!(
        !public.groups[0].estimate.suppressed,
        "White (59) keeps its figure"
    );
    // Without the suppression the attacker would have the rates.
    let mut naive = public.clone();
    naive.overall = internal.overall.clone();
    let found = attack(&json::render(&naive));
    assert!(
        found.iter().any(|(cell, _)| cell.ends_with("rate 100%")),
        "{found:?}"
    );
}
