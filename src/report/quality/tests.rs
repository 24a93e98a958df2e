use super::*;

const DRUGS: &str = "Misuse of Drugs Act 1971 (section 23)";
const SECTION_60: &str = "Criminal Justice and Public Order Act 1994 (section 60)";

fn pair(first: Option<&str>, second: Option<&str>) -> ReviewPair {
    ReviewPair {
        month: "2019-01".into(),
        record_id: "r".into(),
        first_champion: "PC Ben Hartley".into(),
        second_champion: "PS Ada Okafor".into(),
        first_grounds: first.map(str::to_string),
        second_grounds: second.map(str::to_string),
        legislation: DRUGS.into(),
        simulated: false,
    }
}

/// `n` copies of a pair, each with its own record id.
fn pairs(n: usize, first: &str, second: &str) -> Vec<ReviewPair> {
    (0..n)
        .map(|i| ReviewPair {
            record_id: format!("{first}-{second}-{i}"),
            ..pair(Some(first), Some(second))
        })
        .collect()
}

fn section(pairs: &[ReviewPair]) -> ReviewQuality {
    review_quality(pairs, &[], None, 0.95)
        .expect("computes")
        .expect("there are second reviews")
}

fn close(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() < 1e-12,
        "{actual} against {expected}"
    );
}

#[test]
fn no_second_reviews_no_section() {
    assert_eq!(review_quality(&[], &[], None, 0.95).unwrap(), None);
}

/// 40 both reasonable, 5 + 5 split (one of each with none recorded), 10
/// neither: the figures computed here by hand.
#[test]
fn matches_a_direct_computation() {
    let mut all = pairs(40, "reasonable", "reasonable");
    all.extend(pairs(4, "reasonable", "not_reasonable"));
    all.extend(pairs(1, "reasonable", "none_recorded"));
    all.extend(pairs(5, "not_reasonable", "reasonable"));
    all.extend(pairs(6, "not_reasonable", "none_recorded"));
    all.extend(pairs(4, "none_recorded", "none_recorded"));
    let q = section(&all);
    assert_eq!(
        q.table,
        PairTable {
            both_reasonable: 40,
            only_first_reasonable: 5,
            only_second_reasonable: 5,
            neither_reasonable: 10,
        }
    );
    assert_eq!((q.second_reviews, q.pairs), (60, 60));
    // p_o = 50/60; both margins 45/60 reasonable: p_e = .75² + .25² = .625.
    close(q.observed.unwrap(), 50.0 / 60.0);
    close(q.kappa.unwrap(), (50.0 / 60.0 - 0.625) / (1.0 - 0.625));
    // π = .75: AC1's chance agreement 2·.75·.25 = .375.
    close(q.ac1.unwrap(), (50.0 / 60.0 - 0.375) / (1.0 - 0.375));
    assert!(!q.few_pairs);
    for (lower, estimate, upper) in [
        (q.observed_lower, q.observed, q.observed_upper),
        (q.kappa_lower, q.kappa, q.kappa_upper),
        (q.ac1_lower, q.ac1, q.ac1_upper),
    ] {
        assert!(lower.unwrap() < estimate.unwrap() && estimate.unwrap() < upper.unwrap());
    }
    assert!(
        q.reading
            .contains("60 were reviewed twice; 60 pairs of verdicts are compared"),
        "{}",
        q.reading
    );
    assert!(!q.reading.contains("Not compared"), "{}", q.reading);
}

#[test]
fn all_agree_with_both_verdicts_is_perfect_agreement() {
    let mut all = pairs(30, "reasonable", "reasonable");
    all.extend(pairs(6, "not_reasonable", "none_recorded"));
    let q = section(&all);
    assert_eq!(q.observed, Some(1.0));
    assert_eq!(q.kappa, Some(1.0));
    assert_eq!(q.ac1, Some(1.0));
    assert_eq!(q.kappa_undefined, None);
    // No zero-width interval passed off as certain, in words or in the table.
    assert!(q.all_agree);
    assert!(
        q.reading.contains("All 36 pairs compared agreed"),
        "{}",
        q.reading
    );
    assert!(q.reading.contains("Wilson interval"), "{}", q.reading);
    assert!(!q.reading.contains("1.00 to 1.00"), "{}", q.reading);
    assert!(!q.reading.contains("paradox"), "{}", q.reading);
    let rows = figure_rows(&q);
    for row in &rows[1..] {
        assert_eq!(
            row[2], "no width: all 36 pairs agreed (see observed agreement)",
            "{row:?}"
        );
    }
    assert!(
        rows[0][2].ends_with("to 100.0%"),
        "Wilson keeps its width: {rows:?}"
    );
    let json = serde_json::to_value(&q).unwrap();
    assert_eq!(json["all_agree"], true);
    assert_eq!(json["kappa_lower"], 1.0, "the numbers stay");
}

#[test]
fn the_reading_says_both_how_many_were_reviewed_twice_and_compared() {
    let mut all = pairs(13, "reasonable", "reasonable");
    all.extend(pairs(1, "reasonable", "not_reasonable"));
    all.extend(pairs(1, "reasonable", "insufficient_info"));
    let q = section(&all);
    assert!(
        q.reading.starts_with(
            "15 searches were dealt for a second review, and 15 were reviewed twice; \
             14 pairs of verdicts are compared. The two reviewers gave the same verdict on \
             13 of the 14 pairs compared"
        ),
        "{}",
        q.reading
    );
    assert!(!q.all_agree);
    assert_eq!(serde_json::to_value(&q).unwrap()["all_agree"], false);
}

#[test]
fn all_reasonable_says_kappa_is_undefined_and_shows_no_nan() {
    let q = section(&pairs(12, "reasonable", "reasonable"));
    assert_eq!((q.kappa, q.kappa_lower, q.kappa_upper), (None, None, None));
    assert_eq!(q.kappa_undefined, Some(KappaUndefined::OneCategoryOnly));
    assert_eq!(q.ac1, Some(1.0));
    assert!(q.reading.contains("kappa is undefined"), "{}", q.reading);
    assert!(q.few_pairs);
    assert!(q.reading.contains("fewer than 30 pairs"), "{}", q.reading);
    let rows = figure_rows(&q);
    assert_eq!(rows[2][1], "undefined (one verdict only)");
    assert_eq!(rows[2][2], "–");
    let json = serde_json::to_value(&q).unwrap();
    assert_eq!(json["kappa"], serde_json::Value::Null);
    assert_eq!(json["kappa_lower"], serde_json::Value::Null);
    assert_eq!(json["kappa_undefined"], "one_category_only");
    assert!(!serde_json::to_string(&q).unwrap().contains("NaN"));
}

#[test]
fn insufficient_info_is_counted_apart() {
    let mut all = pairs(20, "reasonable", "reasonable");
    all.extend(pairs(2, "not_reasonable", "not_reasonable"));
    all.extend(pairs(3, "insufficient_info", "reasonable"));
    all.extend(pairs(1, "not_reasonable", "insufficient_info"));
    let q = section(&all);
    assert_eq!(
        (q.second_reviews, q.pairs, q.insufficient_info),
        (26, 22, 4)
    );
    assert_eq!(q.table.agreeing(), 22);
    assert!(
        q.reading
            .contains("4 pairs where a reviewer had too little information"),
        "{}",
        q.reading
    );
}

#[test]
fn no_suspicion_powers_and_not_required_are_left_out() {
    let mut all = pairs(20, "reasonable", "reasonable");
    all.extend(pairs(2, "reasonable", "not_reasonable"));
    // Judged "not reasonable" by one reviewer, but under section 60: no
    // grounds are needed, so not a disagreement about grounds.
    all.extend(
        pairs(3, "reasonable", "not_reasonable")
            .into_iter()
            .map(|p| ReviewPair {
                legislation: SECTION_60.into(),
                ..p
            }),
    );
    all.extend(pairs(1, "not_required", "reasonable"));
    let q = section(&all);
    assert_eq!((q.pairs, q.no_suspicion), (22, 4));
    assert_eq!(q.table.only_first_reasonable, 2);
    assert!(
        q.reading
            .contains("4 pairs under a power that needs no reasonable grounds"),
        "{}",
        q.reading
    );
}

#[test]
fn no_suspicion_follows_the_draw_kept_strata_and_mapping() {
    let kept = |record_strata: Vec<(String, Option<usize>)>, powers: Vec<String>| DrawStrata {
        month: "2019-01".into(),
        month_records: 100,
        strata: Some(Vec::new()),
        from_snapshot: false,
        no_suspicion: 1,
        coverage_gap: 0,
        record_strata: record_strata.into_iter().collect(),
        no_suspicion_powers: powers,
        officer_mapped: true,
        area_pools: false,
    };
    let mut all = pairs(2, "reasonable", "reasonable");
    all[0].legislation = "s60 order".into();
    // The draw put record 0 in no stratum (it was no-suspicion when drawn)
    // whatever its text says now; record 1 in a stratum.
    let strata = [kept(
        vec![
            (all[0].record_id.clone(), None),
            (all[1].record_id.clone(), Some(0)),
        ],
        Vec::new(),
    )];
    let q = review_quality(&all, &strata, None, 0.95).unwrap().unwrap();
    assert_eq!((q.pairs, q.no_suspicion), (1, 1));
    // Without kept strata, the mapping's extra power decides.
    let strata = [DrawStrata {
        strata: None,
        ..kept(Vec::new(), vec!["s60 order".into()])
    }];
    let q = review_quality(&all, &strata, None, 0.95).unwrap().unwrap();
    assert_eq!((q.pairs, q.no_suspicion), (1, 1));
    let q = review_quality(&all, &[], None, 0.95).unwrap().unwrap();
    assert_eq!((q.pairs, q.no_suspicion), (2, 0), "not a default power");
}

#[test]
fn pairs_with_one_review_await_the_other() {
    let mut all = pairs(3, "reasonable", "reasonable");
    all.push(pair(Some("reasonable"), None));
    all.push(pair(None, Some("not_reasonable")));
    all.push(pair(None, None));
    let q = section(&all);
    assert_eq!((q.second_reviews, q.pairs, q.awaiting), (6, 3, 3));
    assert!(
        q.reading.contains("3 pairs still awaiting one"),
        "{}",
        q.reading
    );

    let q = section(&[pair(Some("reasonable"), None)]);
    assert_eq!((q.pairs, q.awaiting), (0, 1));
    assert_eq!((q.observed, q.ac1, q.kappa), (None, None, None));
    assert_eq!(q.kappa_undefined, None, "no pairs: nothing to be undefined");
    assert!(
        q.reading.contains("no pair can be compared yet"),
        "{}",
        q.reading
    );
    assert_eq!(figure_rows(&q)[2][1], "–");
}

#[test]
fn a_champion_report_keeps_the_pairs_the_champion_reviewed() {
    let mut all = pairs(4, "reasonable", "reasonable");
    all[0].first_champion = "Sgt Dev Patel".into();
    all[1].second_champion = "Sgt Dev Patel".into();
    let q = review_quality(&all, &[], Some("Sgt Dev Patel"), 0.95)
        .unwrap()
        .unwrap();
    assert_eq!(q.second_reviews, 2);
    assert_eq!(
        review_quality(&all, &[], Some("PC Chloe Nwosu"), 0.95).unwrap(),
        None
    );
}

#[test]
fn suppression_withholds_every_figure_and_cell() {
    let mut q = section(&pairs(8, "reasonable", "not_reasonable"));
    q.suppress(Withheld::FewPairs { below: 10 });
    assert!(q.suppressed);
    assert!(
        q.reading
            .contains("number 1 to 9, and figures resting on fewer than 10"),
        "{}",
        q.reading
    );
    // JSON says null, never a false zero, for every withheld figure.
    let json = serde_json::to_value(&q).unwrap();
    for key in [
        "pairs",
        "table",
        "insufficient_info",
        "no_suspicion",
        "few_pairs",
        "all_agree",
        "observed",
        "kappa",
        "ac1",
    ] {
        assert!(json[key].is_null(), "{key}: {json}");
    }
    assert_eq!(json["suppressed"], true);
    assert_eq!(json["second_reviews"], 8);

    assert_eq!(
        (q.pairs, q.table, q.observed, q.ac1),
        (0, PairTable::default(), None, None)
    );
    assert_eq!(q.second_reviews, 8, "a process count");
    assert!(table_rows(&q)
        .iter()
        .flatten()
        .skip(1)
        .all(|c| c == "suppressed" || c.starts_with("First") || c == "Total"));
    let mut q = section(&pairs(12, "reasonable", "reasonable"));
    q.suppress(Withheld::OverallSuppressed);
    assert!(
        q.reading.contains("overall figure is suppressed"),
        "{}",
        q.reading
    );
}

#[test]
fn the_table_rows_add_up() {
    let mut all = pairs(7, "reasonable", "reasonable");
    all.extend(pairs(2, "reasonable", "none_recorded"));
    all.extend(pairs(1, "not_reasonable", "reasonable"));
    let rows = table_rows(&section(&all));
    assert_eq!(rows[0][1..], ["7", "2", "9"]);
    assert_eq!(rows[1][1..], ["1", "0", "1"]);
    assert_eq!(rows[2][1..], ["8", "2", "10"]);
}

#[test]
fn small_published_cells_say_why_they_are_published() {
    let mut all = pairs(20, "reasonable", "reasonable");
    all.extend(pairs(2, "reasonable", "not_reasonable"));
    all.extend(pairs(8, "not_reasonable", "not_reasonable"));
    let mut q = section(&all);
    q.note_small_cells_published(5);
    assert!(
        q.reading.contains("even when they are 1 to 4"),
        "{}",
        q.reading
    );
    let once = q.clone();
    q.note_small_cells_published(5);
    assert_eq!(q, once, "idempotent");
    // No cell of 1 to 4 with k = 2: nothing to explain.
    let mut big = section(&all);
    big.note_small_cells_published(2);
    assert!(!big.reading.contains("even when"), "{}", big.reading);
}
