//! Which estimates a public report withholds, so that none can be worked
//! out from the others.
//!
//! An estimate's cells are its size (searches reviewed), its parts
//! (reasonable, not reasonable, none recorded, insufficient information) and
//! its rate. A reader knows more than the table: every sum the rows make (the
//! groups to the overall figure and to "minority ethnic"; White, Not stated
//! and minority ethnic to the overall figure; the months, legislation and
//! object rows to the overall figure), that a suppressed row holds at least
//! one search (see [`may_be_empty`] for when not), that a group holds at
//! most the searches the force published for it, and the process counts
//! (searches due and outstanding), which give the size of the overall figure
//! and of every month. So two rules:
//!
//! 1. **Margins** (complementary suppression). In every sum whose total's
//!    size is known, the suppressed rows are none, or at least two holding
//!    together k searches or more (and more than one each, or each would be
//!    one). A suppressed total has a suppressed row under it in every sum.
//!    The complement is the smallest non-empty row still shown.
//! 2. **No cell pinned down.** [`deduce`](super::deduce) then reads the report
//!    as a reader would and, while any suppressed row's size, assessed count,
//!    reasonable count or non-zero part closes on one value, or its rate must
//!    be 0% or 100% (what the shown rows leave over is all reasonable or none
//!    of it), suppresses one more row of a sum it sits in: the smallest whose
//!    suppression reopens it, else the sum's total. The latter is how a
//!    total that is itself 0% or 100% is handled: every row under it then has
//!    that rate, so no amount of suppression below helps and the total's
//!    figure is withheld (its size stays public as a process count). That
//!    costs the headline in a period where every search had reasonable
//!    grounds and one group was small: rare, and the alternative is to
//!    publish the small group's rate.
//!
//! Not protected: a part pinned at zero (no "not reasonable" in the rows left
//! over) when the rate stays open — it says nothing about the row that the
//! total does not say about all of them — and the size of the overall figure
//! and of each month, which the process counts publish on purpose, and of a
//! row of k searches or more suppressed only to protect another (its rate
//! stays protected; see [`Cell::size_protected`]). A group
//! whose published population is 1 to k−1 is suppressed even when none of its
//! searches was reviewed: otherwise "suppressed" would tell a reader that its
//! one search was.

use crate::ethnicity::Group;
use crate::report::model::{Estimate, Report};

use super::deduce::{System, UNBOUNDED};

#[derive(Debug, Clone, Copy)]
struct Parts {
    reasonable: u64,
    not_reasonable: u64,
    none_recorded: u64,
    insufficient: u64,
}

impl Parts {
    fn of(e: &Estimate) -> Self {
        Parts {
            reasonable: e.reasonable,
            not_reasonable: e.not_reasonable,
            none_recorded: e.none_recorded,
            insufficient: e.insufficient_info,
        }
    }

    fn size(&self) -> u64 {
        self.reasonable + self.not_reasonable + self.none_recorded + self.insufficient
    }
}

struct Cell {
    /// `None` once suppressed by an earlier call: the values are gone.
    parts: Option<Parts>,
    /// The size the process counts publish (overall figure, months).
    public_size: Option<u64>,
    /// Searches of the group the force published.
    population: Option<u64>,
    /// Suppressed whatever its size: "suppressed" does not mean "not empty".
    may_be_empty: bool,
}

impl Cell {
    /// Whether its size is a secret: it rests on 1 to k−1 searches (assessed,
    /// or reviewed). A larger row suppressed only so that another cannot be
    /// worked out keeps its rate secret, not its size: a reader who works
    /// that out learns nothing small (the small rows' sizes are checked on
    /// their own). The overall figure and the months publish their sizes; a
    /// row suppressed by an earlier call was protected then.
    fn size_protected(&self, k: u64) -> bool {
        let small = |n: u64| n >= 1 && n < k;
        self.public_size.is_none()
            && self
                .parts
                .is_some_and(|p| small(p.size()) || small(p.size() - p.insufficient))
    }

    /// For the margins; a cell suppressed earlier was protected then, so it
    /// counts as `k`.
    fn size_or(&self, protected: u64) -> u64 {
        self.parts.map_or(protected, |p| p.size())
    }
}

/// `total` = Σ `terms`, by index into [`estimates_mut`].
struct Sum {
    total: usize,
    terms: Vec<usize>,
}

/// Suppresses (zeroes and flags) the estimates of `report` that rest on 1 to
/// k−1 searches and those that would give one away.
pub(super) fn withhold_estimates(report: &mut Report, k: u64) {
    let cells = cells(report, k);
    let sums = sums(report);
    let small = |n: u64| n >= 1 && n < k;
    let mut hidden: Vec<bool> = estimates_mut(report)
        .zip(&cells)
        .map(|(e, c)| {
            e.suppressed
                || small(e.assessed)
                || small(e.assessed + e.insufficient_info)
                || c.may_be_empty
        })
        .collect();
    loop {
        if let Some(i) = sums
            .iter()
            .find_map(|s| margin_complement(s, &cells, &hidden, k))
        {
            hidden[i] = true;
            continue;
        }
        let disclosed = disclosed(&cells, &sums, &hidden, k);
        let options: Vec<(Option<usize>, Option<usize>)> = disclosed
            .iter()
            .map(|&i| reopen(i, &cells, &sums, &hidden, k))
            .collect();
        if let Some(i) = options
            .iter()
            .find_map(|o| o.0)
            .or_else(|| options.iter().find_map(|o| o.1))
        {
            hidden[i] = true;
            continue;
        }
        // Every non-empty row around them is suppressed already: the empty
        // ones of a sum go too, all at once, so that "suppressed" stops
        // meaning "not empty" there (see `may_be_empty`).
        let Some(sum) = disclosed.iter().find_map(|&d| {
            sums.iter()
                .find(|s| s.terms.contains(&d) && s.terms.iter().any(|&t| !hidden[t]))
        }) else {
            break;
        };
        for &t in &sum.terms {
            hidden[t] = true;
        }
    }
    for (estimate, suppressed) in estimates_mut(report).zip(hidden) {
        if suppressed {
            suppress(estimate);
        }
    }
    let white_suppressed = report
        .groups
        .iter()
        .any(|g| g.estimate.suppressed && g.group == Group::White.label());
    if white_suppressed || report.minority.suppressed {
        report.comparison = None;
    }
    for group in &mut report.groups {
        if group.estimate.suppressed {
            group.reviewed_share = None;
        }
    }
}

fn suppress(estimate: &mut Estimate) {
    *estimate = Estimate {
        assessed: 0,
        reasonable: 0,
        not_reasonable: 0,
        none_recorded: 0,
        insufficient_info: 0,
        not_required: None,
        proportion: None,
        lower: None,
        upper: None,
        standard_error: None,
        effective_n: None,
        design_effect: None,
        weighted: false,
        too_few: false,
        suppressed: true,
    };
}

/// Every estimate, in a fixed order that [`sums`] and [`cells`] index.
fn estimates_mut(report: &mut Report) -> impl Iterator<Item = &mut Estimate> {
    std::iter::once(&mut report.overall)
        .chain(std::iter::once(&mut report.minority))
        .chain(report.groups.iter_mut().map(|g| &mut g.estimate))
        .chain(report.by_month.iter_mut().map(|m| &mut m.estimate))
        .chain(report.by_legislation.iter_mut().map(|v| &mut v.estimate))
        .chain(report.by_object.iter_mut().map(|v| &mut v.estimate))
}

fn cells(report: &Report, k: u64) -> Vec<Cell> {
    let parts = |e: &Estimate| (!e.suppressed).then(|| Parts::of(e));
    let population_small = |p: Option<u64>| p.is_some_and(|n| n >= 1 && n < k);
    let plain = |e: &Estimate| Cell {
        parts: parts(e),
        public_size: None,
        population: None,
        may_be_empty: false,
    };
    let mut cells = vec![
        Cell {
            public_size: Some(
                parts(&report.overall).map_or(report.completeness.assessed, |p| p.size()),
            ),
            ..plain(&report.overall)
        },
        Cell {
            population: report.minority_population,
            may_be_empty: population_small(report.minority_population),
            ..plain(&report.minority)
        },
    ];
    cells.extend(report.groups.iter().map(|g| Cell {
        population: g.population,
        may_be_empty: population_small(g.population),
        ..plain(&g.estimate)
    }));
    cells.extend(report.by_month.iter().map(|m| Cell {
        public_size: Some(
            parts(&m.estimate).map_or(m.assigned.saturating_sub(m.outstanding), |p| p.size()),
        ),
        ..plain(&m.estimate)
    }));
    cells.extend(report.by_legislation.iter().map(|v| plain(&v.estimate)));
    cells.extend(report.by_object.iter().map(|v| plain(&v.estimate)));
    cells
}

fn sums(report: &Report) -> Vec<Sum> {
    let groups = 2..2 + report.groups.len();
    let months = groups.end..groups.end + report.by_month.len();
    let legislation = months.end..months.end + report.by_legislation.len();
    let objects = legislation.end..legislation.end + report.by_object.len();
    let minority_group = |i: &usize| {
        let label = &report.groups[i - 2].group;
        Group::ALL
            .iter()
            .any(|g| g.is_minority() == Some(true) && g.label() == label)
    };
    let mut top: Vec<usize> = vec![1];
    top.extend(groups.clone().filter(|i| !minority_group(i)));
    let sum = |total, terms: Vec<usize>| Sum { total, terms };
    vec![
        // Minority ethnic = the groups Group::is_minority says belong to it.
        sum(1, groups.clone().filter(minority_group).collect()),
        // Overall = White + Not stated + minority ethnic.
        sum(0, top),
        // Overall = every group; and the other ways of splitting it.
        sum(0, groups.collect()),
        sum(0, months.collect()),
        sum(0, legislation.collect()),
        sum(0, objects.collect()),
    ]
}

/// Rule 1: the next term to suppress so that `sum`'s suppressed terms keep
/// their margin, or `None` when they do.
fn margin_complement(sum: &Sum, cells: &[Cell], hidden: &[bool], k: u64) -> Option<usize> {
    let size = |i: usize| cells[i].size_or(k);
    let hidden_terms: Vec<usize> = sum
        .terms
        .iter()
        .copied()
        .filter(|&i| hidden[i] && size(i) > 0)
        .collect();
    let hidden_size: u64 = hidden_terms.iter().map(|&i| size(i)).sum();
    let total_size_known = !hidden[sum.total] || cells[sum.total].public_size.is_some();
    let unsafe_sum = if total_size_known {
        !hidden_terms.is_empty()
            && (hidden_terms.len() == 1
                || hidden_size < k
                || hidden_size <= hidden_terms.len() as u64)
    } else {
        !sum.terms.iter().any(|&i| hidden[i])
    };
    if !unsafe_sum {
        return None;
    }
    smallest_shown(&sum.terms, cells, hidden)
}

fn smallest_shown(candidates: &[usize], cells: &[Cell], hidden: &[bool]) -> Option<usize> {
    candidates
        .iter()
        .copied()
        .filter(|&i| !hidden[i] && cells[i].size_or(0) > 0)
        .min_by_key(|&i| cells[i].size_or(0))
}

/// The variables a reader has for one estimate.
struct Vars {
    reasonable: usize,
    not_reasonable: usize,
    none_recorded: usize,
    insufficient: usize,
    assessed: usize,
    /// Not reasonable + none recorded: zero means a rate of 100%.
    against: usize,
    size: usize,
}

/// The report as a reader sees it: shown estimates known, suppressed ones
/// bounded, every sum an equation per part.
fn reader_view(cells: &[Cell], sums: &[Sum], hidden: &[bool]) -> Option<(System, Vec<Vars>)> {
    let mut system = System::default();
    let mut all = Vec::with_capacity(cells.len());
    for (index, (cell, &is_hidden)) in cells.iter().zip(hidden).enumerate() {
        let mut part = |value: u64| {
            if is_hidden {
                system.var(0, UNBOUNDED)
            } else {
                system.known(value as i64)
            }
        };
        let p = cell.parts.unwrap_or(Parts {
            reasonable: 0,
            not_reasonable: 0,
            none_recorded: 0,
            insufficient: 0,
        });
        let (r, nr, nn, ii) = (
            part(p.reasonable),
            part(p.not_reasonable),
            part(p.none_recorded),
            part(p.insufficient),
        );
        let v = Vars {
            reasonable: r,
            not_reasonable: nr,
            none_recorded: nn,
            insufficient: ii,
            assessed: system.var(0, UNBOUNDED),
            against: system.var(0, UNBOUNDED),
            size: system.var(0, UNBOUNDED),
        };
        system.equation(vec![(1, v.assessed), (-1, r), (-1, nr), (-1, nn)]);
        system.equation(vec![(1, v.against), (-1, nr), (-1, nn)]);
        system.equation(vec![(1, v.size), (-1, v.assessed), (-1, ii)]);
        if is_hidden {
            if !may_be_empty(index, cells, sums, hidden) {
                system.bound(v.size, 1, UNBOUNDED);
            }
            if let Some(n) = cell.population {
                system.bound(v.size, 0, n as i64);
            }
        }
        if let Some(n) = cell.public_size {
            system.bound(v.size, n as i64, n as i64);
        }
        all.push(v);
    }
    for sum in sums {
        let part_of = |f: fn(&Vars) -> usize| -> (usize, Vec<usize>) {
            (
                f(&all[sum.total]),
                sum.terms.iter().map(|&i| f(&all[i])).collect(),
            )
        };
        for f in [
            (|v: &Vars| v.reasonable) as fn(&Vars) -> usize,
            |v| v.not_reasonable,
            |v| v.none_recorded,
            |v| v.insufficient,
        ] {
            let (total, terms) = part_of(f);
            system.sum(total, &terms);
        }
    }
    system.solve().then_some((system, all))
}

/// Whether a reader must allow that suppressed estimate `i` is empty: a
/// group suppressed for its small population, or a row of a sum whose rows
/// are all suppressed (empty ones included, when nothing else helps).
/// Otherwise a suppressed row holds at least one search.
fn may_be_empty(i: usize, cells: &[Cell], sums: &[Sum], hidden: &[bool]) -> bool {
    cells[i].may_be_empty
        || sums
            .iter()
            .any(|s| s.terms.contains(&i) && s.terms.iter().all(|&t| hidden[t]))
}

/// Rule 2: whether a reader can pin down a cell of a suppressed estimate.
fn pinned_down(system: &System, v: &Vars, size_protected: bool) -> bool {
    let pinned_nonzero = |var: usize| system.pinned(var).is_some_and(|n| n != 0);
    (size_protected && (system.pinned(v.size).is_some() || system.pinned(v.assessed).is_some()))
        || system.pinned(v.reasonable).is_some()
        || system.range(v.against).1 == 0
        || pinned_nonzero(v.not_reasonable)
        || pinned_nonzero(v.none_recorded)
        || pinned_nonzero(v.insufficient)
}

/// The suppressed estimates a reader can pin down.
fn disclosed(cells: &[Cell], sums: &[Sum], hidden: &[bool], k: u64) -> Vec<usize> {
    // A report whose own counts contradict each other cannot be reasoned
    // about; the margins are all it gets.
    let Some((system, vars)) = reader_view(cells, sums, hidden) else {
        return Vec::new();
    };
    (0..cells.len())
        .filter(|&i| hidden[i] && pinned_down(&system, &vars[i], cells[i].size_protected(k)))
        .collect()
}

/// What to suppress next so that suppressed estimate `target` is no longer
/// pinned down: `(fix, fallback)`. The fix is the smallest row of a sum it
/// is in, or the total of such a sum, whose suppression alone reopens it.
/// The fallback, when no one row does, is the total of a sum it is a row of
/// (a total that is itself 0% or 100% says so of every row: withhold it),
/// else the smallest row of the sum that leaves it most exposed (fewest rows
/// suppressed, then fewest shown: a breakdown with one row is the total over
/// again).
fn reopen(
    target: usize,
    cells: &[Cell],
    sums: &[Sum],
    hidden: &[bool],
    k: u64,
) -> (Option<usize>, Option<usize>) {
    let shown = |i: &usize| !hidden[*i] && cells[*i].size_or(0) > 0;
    let related: Vec<&Sum> = sums
        .iter()
        .filter(|s| s.total == target || s.terms.contains(&target))
        .collect();
    let mut terms: Vec<usize> = related
        .iter()
        .flat_map(|s| s.terms.iter().copied())
        .filter(shown)
        .collect();
    terms.sort_by_key(|&i| (cells[i].size_or(0), i));
    terms.dedup();
    let totals: Vec<usize> = related
        .iter()
        .map(|s| s.total)
        .filter(|t| *t != target && shown(t))
        .collect();
    let reopens = |i: usize| {
        let mut trial = hidden.to_vec();
        trial[i] = true;
        match reader_view(cells, sums, &trial) {
            Some((system, vars)) => {
                !pinned_down(&system, &vars[target], cells[target].size_protected(k))
            }
            None => false,
        }
    };
    let fix = terms.iter().chain(&totals).copied().find(|&i| reopens(i));
    let most_exposed = related
        .iter()
        .filter(|s| s.terms.iter().copied().any(|i| shown(&i)))
        .min_by_key(|s| {
            let shown_terms = s.terms.iter().copied().filter(shown).count();
            (s.terms.len() - shown_terms, shown_terms)
        })
        .and_then(|s| {
            s.terms
                .iter()
                .copied()
                .filter(shown)
                .min_by_key(|&i| cells[i].size_or(0))
        });
    (fix, totals.first().copied().or(most_exposed))
}
