//! `hash-rank-v2` recomputed independently from the published description
//! (SHA-256 and a sort over the real Kent export), checked against what
//! grounds deals, and the strata every estimate needs.

use std::collections::{BTreeMap, HashMap, HashSet};

use sha2::{Digest, Sha256};

use grounds::export::{scan_month, ColumnMapping, MonthWindow, YearMonth};
use grounds::sample::{self, Champion, DrawRequest};

use crate::common::*;

/// A row of a data.police.uk export as an outsider reads it.
pub struct Row {
    pub id: String,
    pub minority: bool,
    pub no_suspicion: bool,
    /// The columns a test mapping uses as officer and area.
    pub officer: String,
    pub area: String,
}

/// Every row of `file` dated in `month` (a GMT month: UTC dates are local),
/// with content-hash ids. Officer and area come from the `Age range` and
/// `Gender` columns, which a test mapping names as such.
pub fn rows(file: &std::path::Path, month: &str) -> Vec<Row> {
    let mut reader = csv::Reader::from_path(file).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (date, ethnicity, legislation) = (
        column("Date"),
        column("Officer-defined ethnicity"),
        column("Legislation"),
    );
    let (officer, area) = (column("Age range"), column("Gender"));
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        let joined = record.iter().collect::<Vec<_>>().join("\x1f");
        let digest = hex(&Sha256::digest(joined.as_bytes()));
        let n = seen.entry(digest[..16].to_string()).or_default();
        *n += 1;
        let id = format!("h{}-{n}", &digest[..16]);
        if !record[date].starts_with(month) {
            continue;
        }
        let text = record[legislation].to_lowercase();
        out.push(Row {
            id,
            minority: ["black", "asian", "mixed", "other"]
                .contains(&record[ethnicity].trim().to_lowercase().as_str()),
            no_suspicion: text.contains("public order act 1994") && text.contains("section 60)")
                || text.contains("section 47a"),
            officer: record[officer].trim().to_string(),
            area: record[area].trim().to_string(),
        });
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A champion as the outsider reads the champions file.
#[derive(Clone, Copy)]
pub struct Reviewer<'a> {
    pub officer: Option<&'a str>,
    pub area: Option<&'a str>,
}

impl Reviewer<'_> {
    fn takes(&self, row: &Row) -> bool {
        self.officer != Some(row.officer.as_str()) && self.area.is_none_or(|area| area == row.area)
    }
}

/// One champion's draw: sample and reserves in order.
pub type Lists = (Vec<String>, Vec<String>);

/// `hash-rank-v2` from the README's words: rank each group by the SHA-256
/// of `hash-rank-v2` 0x1F seed 0x1F month 0x1F id; deal (a) minority to K,
/// (b) rest to per, (c) minority reserves to ceil(reserves K / per),
/// (d) rest reserves to `reserves`.
pub fn recompute_v2(
    rows: &[Row],
    reviewers: &[Reviewer<'_>],
    seed: &str,
    month: &str,
    (per, reserves, k): (usize, usize, usize),
) -> Vec<Lists> {
    let ranked = |minority: bool| -> Vec<&Row> {
        let mut keyed: Vec<(String, &Row)> = rows
            .iter()
            .filter(|r| r.minority == minority)
            .map(|r| {
                let text = format!("hash-rank-v2\x1f{seed}\x1f{month}\x1f{}", r.id);
                (hex(&Sha256::digest(text.as_bytes())), r)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        keyed.into_iter().map(|(_, r)| r).collect()
    };
    let (minority, rest) = (ranked(true), ranked(false));
    let mut lists: Vec<Lists> = vec![(Vec::new(), Vec::new()); reviewers.len()];
    let mut dealt: HashSet<String> = HashSet::new();
    let minority_reserves = (reserves * k).div_ceil(per);
    for (ranking, reserve, wanted) in [
        (&minority, false, k),
        (&rest, false, per),
        (&minority, true, minority_reserves),
        (&rest, true, reserves),
    ] {
        let list = |l: &mut Lists| -> usize {
            if reserve {
                l.1.len()
            } else {
                l.0.len()
            }
        };
        let mut next = 0;
        for row in ranking {
            if dealt.contains(&row.id) {
                continue;
            }
            for offset in 0..reviewers.len() {
                let i = (next + offset) % reviewers.len();
                if list(&mut lists[i]) < wanted && reviewers[i].takes(row) {
                    if reserve {
                        lists[i].1.push(row.id.clone());
                    } else {
                        lists[i].0.push(row.id.clone());
                    }
                    dealt.insert(row.id.clone());
                    next = i + 1;
                    break;
                }
            }
        }
    }
    lists
}

/// N_h by (area pool, group): rows some champion can take that need
/// grounds; and the coverage gap (rows nobody can take).
pub fn recompute_strata(
    rows: &[Row],
    reviewers: &[Reviewer<'_>],
    by_ethnicity: bool,
) -> (BTreeMap<(Option<String>, String), usize>, usize, usize) {
    let by_area = reviewers.iter().any(|r| r.area.is_some());
    let mut strata = BTreeMap::new();
    let (mut no_suspicion, mut gap) = (0, 0);
    for row in rows {
        if !reviewers.iter().any(|r| r.takes(row)) {
            gap += 1;
            continue;
        }
        let group = match (by_ethnicity, row.minority) {
            (false, _) => "all",
            (true, true) => "minority",
            (true, false) => "rest",
        };
        let n = strata
            .entry((by_area.then(|| row.area.clone()), group.to_string()))
            .or_insert(0);
        if row.no_suspicion {
            no_suspicion += 1;
        } else {
            *n += 1;
        }
    }
    (strata, no_suspicion, gap)
}

/// The mapping that reads `Age range` as the officer and `Gender` as the area.
pub const POOLS_MAPPING: &str = r#"[columns]
date = "Date"
officer_defined_ethnicity = "Officer-defined ethnicity"
self_defined_ethnicity = "Self-defined ethnicity"
legislation = "Legislation"
officer = "Age range"
area = "Gender"
"#;

fn champions(reviewers: &[Reviewer<'_>]) -> Vec<Champion> {
    reviewers
        .iter()
        .enumerate()
        .map(|(i, r)| Champion {
            name: format!("C{i}"),
            officer_id: r.officer.map(String::from),
            area: r.area.map(String::from),
        })
        .collect()
}

/// What grounds deals for the same month, through the library.
fn library_draw(
    file: &std::path::Path,
    mapping: &ColumnMapping,
    reviewers: &[Reviewer<'_>],
    seed: &str,
    (per, reserves, k): (usize, usize, usize),
) -> sample::Dealt {
    let month = YearMonth::new(2019, 1).unwrap();
    let zone = chrono_tz::Europe::London;
    let window = MonthWindow::new(month, zone, mapping.naive_dates);
    let scan = scan_month(&[file.to_path_buf()], mapping, window, zone, &|_| {}).unwrap();
    let (candidates, _) = sample::candidates(&scan, &HashSet::new());
    let request = DrawRequest {
        seed,
        month: "2019-01",
        per_champion: per,
        reserves,
    };
    let design = sample::Design::new(Some(k), per).unwrap();
    sample::draw_with_design(&candidates, &champions(reviewers), &request, design)
}

const EVERYONE: [Reviewer<'static>; 3] = [Reviewer {
    officer: None,
    area: None,
}; 3];

/// Champions drawing by area (`Gender`), two kept from their own searches
/// (`Age range`), one force-wide.
const POOLED: [Reviewer<'static>; 4] = [
    Reviewer {
        officer: Some("18-24"),
        area: Some("Male"),
    },
    Reviewer {
        officer: None,
        area: Some("Female"),
    },
    Reviewer {
        officer: Some("25-34"),
        area: Some("Male"),
    },
    Reviewer {
        officer: Some("over 34"),
        area: None,
    },
];

#[test]
fn v2_on_kent_equals_an_independent_recomputation() {
    let file = real(KENT_JAN);
    let outsider = rows(&file, "2019-01");
    assert_eq!(outsider.len(), 534);
    let minority = outsider.iter().filter(|r| r.minority).count();
    assert_eq!(minority, 179, "Kent January: Black, Asian, Mixed, Other");
    let pools = ColumnMapping::from_toml(POOLS_MAPPING).unwrap();
    for (mapping, reviewers) in [
        (ColumnMapping::police_uk(), &EVERYONE[..]),
        (pools.clone(), &POOLED[..]),
    ] {
        for seed in ["panel-2019-01", "a", "seed with spaces", "ünïcode"] {
            for design in [(20, 5, 10), (10, 3, 4), (5, 0, 5)] {
                let expected = recompute_v2(&outsider, reviewers, seed, "2019-01", design);
                let dealt = library_draw(&file, &mapping, reviewers, seed, design);
                let got: Vec<Lists> = dealt
                    .champions
                    .iter()
                    .map(|c| (c.sample.clone(), c.reserves.clone()))
                    .collect();
                assert_eq!(got, expected, "seed {seed:?}, design {design:?}");
                let (strata, no_suspicion, gap) = recompute_strata(&outsider, reviewers, true);
                let got: BTreeMap<(Option<String>, String), usize> = dealt
                    .design
                    .strata
                    .iter()
                    .map(|s| ((s.area.clone(), s.group.label().to_string()), s.population))
                    .collect();
                assert_eq!(got, strata);
                assert_eq!(
                    (dealt.design.no_suspicion, dealt.design.coverage_gap),
                    (no_suspicion, gap)
                );
            }
        }
    }
}

#[test]
fn a_month_with_section_60_and_a_coverage_gap() {
    // City of London, February 2019: section 60 searches.
    let file = real(CITY_FEB);
    let outsider = rows(&file, "2019-02");
    let s60 = outsider.iter().filter(|r| r.no_suspicion).count();
    assert!(s60 > 0, "the month has section 60 searches");
    let mapping = ColumnMapping::from_toml(POOLS_MAPPING).unwrap();
    // Nobody takes the `Other` gender, and Male's only champion is "officer"
    // 25-34: those searches are the coverage gap.
    let reviewers = [
        Reviewer {
            officer: Some("25-34"),
            area: Some("Male"),
        },
        Reviewer {
            officer: None,
            area: Some("Female"),
        },
    ];
    let month = YearMonth::new(2019, 2).unwrap();
    let zone = chrono_tz::Europe::London;
    let scan = scan_month(
        &[file.clone()],
        &mapping,
        MonthWindow::new(month, zone, mapping.naive_dates),
        zone,
        &|_| {},
    )
    .unwrap();
    let (candidates, _) = sample::candidates(&scan, &HashSet::new());
    assert_eq!(candidates.len(), outsider.len());
    let request = DrawRequest {
        seed: "s60",
        month: "2019-02",
        per_champion: 20,
        reserves: 5,
    };
    for design in [
        sample::Design::Unstratified,
        sample::Design::Minority { k: 8 },
    ] {
        let dealt = sample::draw_with_design(&candidates, &champions(&reviewers), &request, design);
        let stratified = design != sample::Design::Unstratified;
        let (strata, no_suspicion, gap) = recompute_strata(&outsider, &reviewers, stratified);
        let expected_gap = outsider
            .iter()
            .filter(|r| !(r.area == "Female" || r.area == "Male" && r.officer != "25-34"))
            .count();
        assert_eq!(gap, expected_gap);
        assert!(gap > 0 && no_suspicion > 0);
        assert_eq!(dealt.design.coverage_gap, gap);
        assert_eq!(dealt.design.no_suspicion, no_suspicion);
        let populations: BTreeMap<(Option<String>, String), usize> = dealt
            .design
            .strata
            .iter()
            .map(|s| ((s.area.clone(), s.group.label().to_string()), s.population))
            .collect();
        assert_eq!(populations, strata);
        // A dealt section 60 search is outside every stratum, the rest inside theirs.
        let by_id: HashMap<&str, &Row> = outsider.iter().map(|r| (r.id.as_str(), r)).collect();
        for champion in &dealt.champions {
            for (id, h) in champion.sample.iter().zip(&champion.sample_strata) {
                let row = by_id[id.as_str()];
                assert_eq!(h.is_none(), row.no_suspicion, "{id}");
                if let Some(h) = h {
                    assert_eq!(
                        dealt.design.strata[*h].area.as_deref(),
                        Some(row.area.as_str())
                    );
                }
            }
        }
    }
}
