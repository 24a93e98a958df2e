//! A small, fixed report input with known counts, for the tests of
//! `make_public` and of the renderers.

use crate::ethnicity::Scheme;
use crate::report::{EstimateRules, ReportInput, ReportOptions};
use crate::stats::Method;
use crate::store::{AssessedSearch, ChampionProgress, DrawRecord, MonthPopulation};

/// (month, champion, officer-defined ethnicity, grounds, bwv, conduct,
/// referral, themes, notes), each repeated `times`.
pub struct Spec<'a> {
    pub month: &'a str,
    pub champion: &'a str,
    pub ethnicity: &'a str,
    pub grounds: &'static str,
    pub bwv: &'static str,
    pub conduct: &'static str,
    pub referral: &'static str,
    pub themes: &'a [&'a str],
    pub notes: &'a str,
    pub times: usize,
}

impl Default for Spec<'_> {
    fn default() -> Self {
        Spec {
            month: "2019-01",
            champion: "PC Ada Okafor",
            ethnicity: "White",
            grounds: "reasonable",
            bwv: "reviewed",
            conduct: "good",
            referral: "none",
            themes: &[],
            notes: "",
            times: 1,
        }
    }
}

pub fn searches(specs: &[Spec]) -> Vec<AssessedSearch> {
    let mut out = Vec::new();
    for spec in specs {
        for _ in 0..spec.times {
            out.push(AssessedSearch {
                month: spec.month.into(),
                champion: spec.champion.into(),
                record_id: format!("h{:016x}-1", out.len()),
                grounds: spec.grounds,
                bwv: spec.bwv,
                gowisely: if spec.bwv == "reviewed" {
                    "yes"
                } else {
                    "not_visible"
                },
                conduct: spec.conduct,
                referral: spec.referral,
                themes: spec.themes.iter().map(|t| t.to_string()).collect(),
                notes: spec.notes.into(),
                self_defined_ethnicity: "".into(),
                officer_defined_ethnicity: spec.ethnicity.into(),
                legislation: "Misuse of Drugs Act 1971 (section 23)".into(),
                object_of_search: "Controlled drugs".into(),
                simulated: false,
            });
        }
    }
    out
}

/// Two months (49 and 43 assessed), two champions: 59 White, 12 Black, 9
/// Asian, 3 Mixed, 1 Other, 8 not stated assessed, 2 with insufficient
/// information; a `<script>` note; February not finished.
pub fn input() -> ReportInput {
    let ada = "PC Ada Okafor";
    let ben = "Sgt Ben <Hartley>";
    let specs = [
        Spec {
            times: 30,
            ..Spec::default()
        },
        Spec {
            grounds: "not_reasonable",
            conduct: "adequate",
            referral: "feedback",
            themes: &["grounds not recorded fully"],
            times: 3,
            ..Spec::default()
        },
        Spec {
            ethnicity: "Black",
            times: 5,
            ..Spec::default()
        },
        Spec {
            ethnicity: "Black",
            grounds: "none_recorded",
            bwv: "not_available",
            referral: "supervisor",
            themes: &["no BWV"],
            notes: "<script>alert('x')</script> & no footage",
            ..Spec::default()
        },
        Spec {
            ethnicity: "Asian",
            champion: ben,
            times: 4,
            ..Spec::default()
        },
        Spec {
            ethnicity: "",
            champion: ben,
            times: 4,
            ..Spec::default()
        },
        Spec {
            ethnicity: "Mixed",
            champion: ben,
            times: 2,
            ..Spec::default()
        },
        Spec {
            champion: ben,
            grounds: "insufficient_info",
            bwv: "not_available",
            times: 2,
            ..Spec::default()
        },
        Spec {
            month: "2019-02",
            times: 25,
            ..Spec::default()
        },
        Spec {
            month: "2019-02",
            grounds: "none_recorded",
            conduct: "concern",
            referral: "professional_standards",
            themes: &["no BWV", "grounds not recorded fully"],
            notes: "Officer said \"routine\";\nno grounds written.",
            ..Spec::default()
        },
        Spec {
            month: "2019-02",
            ethnicity: "Black",
            champion: ben,
            times: 6,
            ..Spec::default()
        },
        Spec {
            month: "2019-02",
            ethnicity: "Asian",
            champion: ben,
            grounds: "not_reasonable",
            times: 1,
            ..Spec::default()
        },
        Spec {
            month: "2019-02",
            ethnicity: "Asian",
            champion: ben,
            times: 4,
            ..Spec::default()
        },
        Spec {
            month: "2019-02",
            ethnicity: "Mixed",
            champion: ben,
            times: 1,
            ..Spec::default()
        },
        Spec {
            month: "2019-02",
            ethnicity: "Other",
            champion: ben,
            bwv: "not_reviewed",
            times: 1,
            ..Spec::default()
        },
        Spec {
            month: "2019-02",
            ethnicity: "",
            champion: ben,
            times: 4,
            ..Spec::default()
        },
    ];
    let searches = searches(&specs);
    let count = |month: &str, champion: &str| {
        searches
            .iter()
            .filter(|s| *s.month == *month && *s.champion == *champion)
            .count() as u64
    };
    let progress = |month: &str, champion: &str, assigned: u64| ChampionProgress {
        month: month.into(),
        champion: champion.into(),
        assigned,
        assessed: count(month, champion),
        substituted: 1,
        footage_missing: 1,
        outstanding: assigned.saturating_sub(count(month, champion)),
        reserves_left: 4,
    };
    let draw = |month: &str, records: u64| DrawRecord {
        month: month.into(),
        seed: format!("panel-{month}"),
        created_at: format!("{month}-28T10:00:00Z"),
        manifest_sha256: format!("{:0>64}", month.replace('-', "")),
        month_records: records,
        per_champion: 20,
        inputs: vec![(format!("{month}-kent-stop-and-search.csv"), "ab".repeat(32))],
    };
    let population = |month: &str, value: &str, searches: u64| MonthPopulation {
        month: month.into(),
        scheme: "officer".into(),
        value: value.into(),
        searches,
    };
    ReportInput {
        strata: Vec::new(),
        progress: vec![
            progress("2019-01", ada, count("2019-01", ada)),
            progress("2019-01", ben, count("2019-01", ben)),
            progress("2019-02", ada, count("2019-02", ada)),
            progress("2019-02", ben, count("2019-02", ben) + 3),
        ],
        searches,
        draws: vec![draw("2019-01", 534), draw("2019-02", 498)],
        populations: vec![
            population("2019-01", "White", 380),
            population("2019-01", "Black", 70),
            population("2019-01", "Asian", 40),
            population("2019-01", "Mixed", 14),
            population("2019-01", "Other", 6),
            population("2019-01", "", 24),
            population("2019-02", "White", 350),
            population("2019-02", "Black", 66),
            population("2019-02", "Asian", 38),
            population("2019-02", "Mixed", 12),
            population("2019-02", "Other", 8),
            population("2019-02", "", 24),
        ],
        replaced_draws: Vec::new(),
        review_pairs: Vec::new(),
        simulated: false,
    }
}

pub fn options() -> ReportOptions {
    ReportOptions {
        from: "2019-01".into(),
        to: "2019-02".into(),
        champion: None,
        scheme: Scheme::Officer,
        rules: EstimateRules {
            method: Method::Wilson,
            confidence: 0.95,
            too_few_below: 10,
        },
    }
}

pub fn report() -> crate::report::Report {
    crate::report::build(&input(), &options()).expect("the fixture builds")
}
