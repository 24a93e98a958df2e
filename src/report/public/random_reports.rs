//! Random report inputs for the attacker test: 1 to 3 months, groups from
//! empty to dozens of searches, populations equal to or a little above
//! what was reviewed, verdicts skewed (some periods all reasonable, some
//! none), one to three legislation and object values.

use rand::rngs::StdRng;
use rand::Rng;

use crate::ethnicity::Scheme;
use crate::report::{EstimateRules, ReportInput, ReportOptions};
use crate::stats::Method;
use crate::store::{AssessedSearch, ChampionProgress, DrawRecord, MonthPopulation};

const GROUPS: [&str; 7] = ["White", "Black", "Asian", "Mixed", "Other", "", "Klingon"];
const GROUNDS: [&str; 4] = [
    "reasonable",
    "not_reasonable",
    "none_recorded",
    "insufficient_info",
];

/// A random period: 1 to 3 months, groups from empty to dozens of
/// searches, skewed verdicts (some periods all reasonable, some none).
pub fn random_input(rng: &mut StdRng) -> ReportInput {
    let mut input = ReportInput::default();
    let months = rng.random_range(1..=3);
    let skew: [u32; 4] = match rng.random_range(0..4) {
        0 => [1, 0, 0, 0],
        1 => [0, 1, 1, 0],
        2 => [85, 7, 4, 4],
        _ => [5, 3, 2, 1],
    };
    let laws = [
        "Misuse of Drugs Act 1971 (section 23)",
        "PACE 1984 (section 1)",
        "s60",
    ];
    let objects = ["Controlled drugs", "Stolen goods", "Offensive weapons"];
    let (law_count, object_count) = (rng.random_range(1..=3), rng.random_range(1..=3));
    for m in 0..months {
        let month = format!("2019-{:02}", m + 1);
        let mut month_records = 0;
        for group in GROUPS {
            let most = [0, 1, 2, 4, 8, 30][rng.random_range(0..6)];
            let n = rng.random_range(0..=most);
            for _ in 0..n {
                let total: u32 = skew.iter().sum();
                let mut pick = rng.random_range(0..total);
                let grounds = GROUNDS
                    .iter()
                    .zip(skew)
                    .find(|(_, w)| {
                        if pick < *w {
                            true
                        } else {
                            pick -= w;
                            false
                        }
                    })
                    .map_or("reasonable", |(g, _)| g);
                let bwv = ["reviewed", "not_available", "not_reviewed"][rng.random_range(0..3)];
                input.searches.push(AssessedSearch {
                    month: month.as_str().into(),
                    champion: "PC Ada Okafor".into(),
                    record_id: format!("h{:016x}-1", input.searches.len()),
                    grounds,
                    bwv,
                    gowisely: ["yes", "partial", "no", "not_visible"][rng.random_range(0..4)],
                    conduct: ["good", "adequate", "concern"][rng.random_range(0..3)],
                    referral: [
                        "none",
                        "none",
                        "feedback",
                        "supervisor",
                        "professional_standards",
                    ][rng.random_range(0..5)],
                    themes: Vec::new(),
                    notes: String::new(),
                    self_defined_ethnicity: "".into(),
                    officer_defined_ethnicity: group.into(),
                    legislation: laws[rng.random_range(0..law_count)].into(),
                    object_of_search: objects[rng.random_range(0..object_count)].into(),
                    simulated: false,
                });
            }
            let population = n + [0, 0, 1, 5][rng.random_range(0..4)];
            month_records += population;
            input.populations.push(MonthPopulation {
                month: month.clone(),
                scheme: "officer".into(),
                value: group.into(),
                searches: population as u64,
            });
        }
        let assessed = input.searches.iter().filter(|s| *s.month == *month).count() as u64;
        let assigned = assessed + [0, 0, 2][rng.random_range(0..3)];
        input.progress.push(ChampionProgress {
            month: month.clone(),
            champion: "PC Ada Okafor".into(),
            assigned,
            assessed,
            substituted: 0,
            footage_missing: 0,
            outstanding: assigned - assessed,
            reserves_left: 4,
        });
        input.draws.push(DrawRecord {
            month: month.clone(),
            seed: format!("seed-{month}"),
            created_at: format!("{month}-28T10:00:00Z"),
            manifest_sha256: "0".repeat(64),
            month_records: month_records as u64,
            per_champion: 20,
            inputs: Vec::new(),
        });
    }
    input
}

pub fn options(months: usize) -> ReportOptions {
    ReportOptions {
        from: "2019-01".into(),
        to: format!("2019-{months:02}"),
        champion: None,
        scheme: Scheme::Officer,
        rules: EstimateRules {
            method: Method::Wilson,
            confidence: 0.95,
            too_few_below: 10,
        },
    }
}
