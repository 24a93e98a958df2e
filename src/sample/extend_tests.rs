use std::collections::HashSet;

use super::*;
use crate::hashing::rank_key_of;
use crate::sample::draw::draw;

fn champion(name: &str, area: Option<&str>) -> Champion {
    Champion {
        name: name.into(),
        officer_id: None,
        area: area.map(Into::into),
    }
}

fn request(per: usize, reserves: usize) -> DrawRequest<'static> {
    DrawRequest {
        seed: "seed",
        month: "2019-01",
        per_champion: per,
        reserves,
    }
}

fn ids(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("r{i}")).collect()
}

/// The ids of the candidates `keep` accepts ranked by `algorithm`'s key,
/// straight from SHA-256 (as an outsider would).
fn ranked(
    candidates: &[Candidate<'_>],
    algorithm: &str,
    keep: impl Fn(&Candidate<'_>) -> bool,
) -> Vec<String> {
    let mut keyed: Vec<([u8; 32], &str)> = candidates
        .iter()
        .filter(|c| keep(c))
        .map(|c| {
            (
                rank_key_of(algorithm, "seed", "2019-01", c.record_id),
                c.record_id,
            )
        })
        .collect();
    keyed.sort();
    keyed.into_iter().map(|(_, id)| id.to_string()).collect()
}

fn pick(order: &[String], at: &[usize]) -> Vec<String> {
    at.iter().map(|&i| order[i].clone()).collect()
}

fn lists(draws: &[ChampionDraw]) -> Vec<(Vec<String>, Vec<String>)> {
    draws
        .iter()
        .map(|d| (d.sample.clone(), d.reserves.clone()))
        .collect()
}

fn assert_nothing_moved(before: &[ChampionDraw], after: &[ChampionDraw]) {
    for (b, a) in before.iter().zip(after) {
        assert!(
            a.sample.starts_with(&b.sample),
            "{}'s sample moved",
            b.champion.name
        );
        assert!(
            a.reserves.starts_with(&b.reserves),
            "{}'s reserves moved",
            b.champion.name
        );
    }
    let all: Vec<&String> = after
        .iter()
        .flat_map(|d| d.sample.iter().chain(&d.reserves))
        .collect();
    assert_eq!(
        all.len(),
        all.iter().collect::<HashSet<_>>().len(),
        "a record dealt twice"
    );
}

#[test]
fn more_reserves_without_constraints_is_the_fresh_draw() {
    let ids = ids(60);
    let candidates: Vec<Candidate<'_>> = ids.iter().map(|id| Candidate::plain(id)).collect();
    let champions = [champion("A", None), champion("B", None)];
    let before = draw(&candidates, &champions, &request(3, 2));
    let (after, rule) = extend_draw(
        &candidates,
        &champions,
        &before,
        &request(3, 4),
        Design::Unstratified,
    );
    assert_eq!(rule, Rule::Fresh);
    let fresh = draw(&candidates, &champions, &request(3, 4));
    assert_eq!(lists(&after.champions), lists(&fresh));
    assert_nothing_moved(&before, &after.champions);
}

#[test]
fn more_searches_come_from_undealt_records_not_reserves() {
    let ids = ids(60);
    let candidates: Vec<Candidate<'_>> = ids.iter().map(|id| Candidate::plain(id)).collect();
    let o = ranked(&candidates, "hash-rank-v1", |_| true);
    let champions = [champion("A", None), champion("B", None)];
    let before = draw(&candidates, &champions, &request(3, 2));
    assert_eq!(before[0].reserves, pick(&o, &[6, 8]));
    let (after, rule) = extend_draw(
        &candidates,
        &champions,
        &before,
        &request(5, 2),
        Design::Unstratified,
    );
    // A fresh draw of 5 would make ranks 6 to 9 (the reserves) sample searches.
    assert_eq!(rule, Rule::Continued);
    assert_eq!(after.champions[0].sample, pick(&o, &[0, 2, 4, 10, 12]));
    assert_eq!(after.champions[1].sample, pick(&o, &[1, 3, 5, 11, 13]));
    assert_eq!(after.champions[0].reserves, pick(&o, &[6, 8]));
    assert_eq!(after.champions[1].reserves, pick(&o, &[7, 9]));
    assert!(after.champions.iter().all(|d| d.sample_shortfall == 0));
}

#[test]
fn a_new_champion_gets_the_next_undealt_records() {
    let ids = ids(60);
    let candidates: Vec<Candidate<'_>> = ids.iter().map(|id| Candidate::plain(id)).collect();
    let o = ranked(&candidates, "hash-rank-v1", |_| true);
    let two = [champion("A", None), champion("B", None)];
    let three = [two[0].clone(), two[1].clone(), champion("C", None)];
    let before = draw(&candidates, &two, &request(3, 2));
    let (after, rule) = extend_draw(
        &candidates,
        &three,
        &before,
        &request(3, 2),
        Design::Unstratified,
    );
    assert_eq!(rule, Rule::Continued);
    assert_eq!(lists(&after.champions[..2]), lists(&before));
    assert_eq!(after.champions[2].sample, pick(&o, &[10, 11, 12]));
    assert_eq!(after.champions[2].reserves, pick(&o, &[13, 14]));
    assert_eq!(after.champions[2].eligible, 60);
    assert_eq!(after.design.strata[0].dealt, 9);
}

#[test]
fn areas_are_respected_and_a_small_pool_falls_short_loudly() {
    let ids = ids(120);
    let candidates: Vec<Candidate<'_>> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| Candidate {
            area: Some(if i < 12 { "Tiny" } else { "Big" }),
            ..Candidate::plain(id)
        })
        .collect();
    let champions = [
        champion("T", Some("Tiny")),
        champion("B", Some("Big")),
        champion("X", Some("Big")),
    ];
    let before = draw(&candidates, &champions[..2], &request(4, 2));
    let (after, _) = extend_draw(
        &candidates,
        &champions,
        &before,
        &request(8, 3),
        Design::Unstratified,
    );
    assert_nothing_moved(&before, &after.champions);
    let area = |id: &str| candidates.iter().find(|c| c.record_id == id).unwrap().area;
    for id in after.champions[0]
        .sample
        .iter()
        .chain(&after.champions[0].reserves)
    {
        assert_eq!(area(id), Some("Tiny"));
    }
    // Tiny has 12 records: 4 + 2 dealt, then 4 more searches and 1 reserve.
    assert_eq!(after.champions[0].sample.len(), 8);
    assert_eq!(after.champions[0].reserves.len(), 3);
    assert_eq!(after.champions[2].sample.len(), 8);
    let t = &after.champions[0];
    assert_eq!((t.sample_shortfall, t.reserve_shortfall), (0, 0));
    let (again, _) = extend_draw(
        &candidates,
        &champions,
        &after.champions,
        &request(10, 3),
        Design::Unstratified,
    );
    assert_eq!(again.champions[0].sample.len(), 9, "the 12th Tiny record");
    assert_eq!(again.champions[0].sample_shortfall, 1);
}

fn stratified_month(ids: &[String]) -> Vec<Candidate<'_>> {
    ids.iter()
        .enumerate()
        .map(|(i, id)| Candidate {
            minority: i % 5 == 0,
            ..Candidate::plain(id)
        })
        .collect()
}

#[test]
fn v2_more_searches_are_rest_and_more_reserves_fill_the_minority_share_first() {
    let ids = ids(300);
    let candidates = stratified_month(&ids);
    let m = ranked(&candidates, "hash-rank-v2", |c| c.minority);
    let r = ranked(&candidates, "hash-rank-v2", |c| !c.minority);
    let champions = [champion("A", None), champion("B", None)];
    let design = Design::Minority { k: 2 };
    let before = draw_with_design(&candidates, &champions, &request(6, 4), design);
    // Sample: m0 m2 + r0 r2 r4 r6 for A; reserves m4 m6 r8 r10.
    let (after, rule) = extend_draw(
        &candidates,
        &champions,
        &before.champions,
        &request(8, 8),
        design,
    );
    assert_eq!(rule, Rule::Continued);
    let a = &after.champions[0];
    let mut sample = pick(&m, &[0, 2]);
    sample.extend(pick(&r, &[0, 2, 4, 6, 12, 14]));
    assert_eq!(
        a.sample, sample,
        "two more rest searches, past the reserves"
    );
    // ceil(8 x 2 / 8) = 2 minority reserves: A has them; four more rest.
    let mut reserves = pick(&m, &[4, 6]);
    reserves.extend(pick(&r, &[8, 10, 16, 18, 20, 22]));
    assert_eq!(a.reserves, reserves);
    assert_eq!((a.minority_shortfall, a.minority_reserve_shortfall), (0, 0));
    assert_nothing_moved(&before.champions, &after.champions);

    // Reserves 4 to 8 at per 6: the minority share grows from 2 to 3.
    let (more, _) = extend_draw(
        &candidates,
        &champions,
        &before.champions,
        &request(6, 8),
        design,
    );
    let mut reserves = pick(&m, &[4, 6]);
    reserves.extend(pick(&r, &[8, 10]));
    reserves.extend(pick(&m, &[8]));
    reserves.extend(pick(&r, &[12, 14, 16]));
    assert_eq!(more.champions[0].reserves, reserves);
    assert_eq!(more.champions[1].reserves[4], m[9]);
}

#[test]
fn v2_a_new_champion_gets_k_minority_searches_first() {
    let ids = ids(300);
    let candidates = stratified_month(&ids);
    let m = ranked(&candidates, "hash-rank-v2", |c| c.minority);
    let r = ranked(&candidates, "hash-rank-v2", |c| !c.minority);
    let champions = [
        champion("A", None),
        champion("B", None),
        champion("C", None),
    ];
    let design = Design::Minority { k: 2 };
    let before = draw_with_design(&candidates, &champions[..2], &request(6, 4), design);
    let (after, _) = extend_draw(
        &candidates,
        &champions,
        &before.champions,
        &request(6, 4),
        design,
    );
    let c = &after.champions[2];
    let mut sample = pick(&m, &[8, 9]);
    sample.extend(pick(&r, &[12, 13, 14, 15]));
    assert_eq!(c.sample, sample);
    let mut reserves = pick(&m, &[10, 11]);
    reserves.extend(pick(&r, &[16, 17]));
    assert_eq!(c.reserves, reserves);
    assert_eq!(lists(&after.champions[..2]), lists(&before.champions));
    assert_eq!(after.design.strata.len(), 2);
    assert_eq!(
        after.design.strata.iter().map(|s| s.dealt).sum::<usize>(),
        18
    );
}

#[test]
fn replay_recomputes_the_original_and_each_extension() {
    let ids = ids(200);
    let candidates = stratified_month(&ids);
    let champions = [
        champion("A", None),
        champion("B", None),
        champion("C", None),
    ];
    for design in [Design::Unstratified, Design::Minority { k: 3 }] {
        let first = draw_with_design(&candidates, &champions[..2], &request(5, 2), design);
        let (second, rule1) = extend_draw(
            &candidates,
            &champions[..2],
            &first.champions,
            &request(7, 2),
            design,
        );
        let (third, rule2) = extend_draw(
            &candidates,
            &champions,
            &second.champions,
            &request(7, 4),
            design,
        );
        let extension = |per, reserves, added: &[&str], rule| Extension {
            at: "t".into(),
            by: "me".into(),
            tool_version: "0".into(),
            per_champion: per,
            reserves,
            champions_added: added.iter().map(|s| s.to_string()).collect(),
            rule,
            sample_added: 0,
            reserves_added: 0,
            added: Vec::new(),
            previous_manifest_sha256: String::new(),
        };
        let extensions = [extension(7, 2, &[], rule1), extension(7, 4, &["C"], rule2)];
        let original = Original {
            champions: 2,
            per_champion: 5,
            reserves: 2,
        };
        let (replayed, steps) = replay(
            &candidates,
            &champions,
            "seed",
            "2019-01",
            original,
            &extensions,
            design,
        )
        .unwrap();
        assert_eq!(replayed, third);
        assert_eq!(steps[0].rule, rule1);
        assert_eq!(steps[0].totals(), (4, 0));
        assert_eq!(steps[1].rule, rule2);
        let added = |champion: &str, sample, reserves| Added {
            champion: champion.into(),
            sample,
            reserves,
        };
        assert_eq!(
            steps[1].added,
            [added("A", 0, 2), added("B", 0, 2), added("C", 7, 4)],
            "A and B gain 2 reserves each; C gets everything"
        );

        let lowered = [extension(4, 2, &[], rule1)];
        assert!(replay(
            &candidates,
            &champions[..2],
            "seed",
            "2019-01",
            original,
            &lowered,
            design
        )
        .is_err());
        let misnamed = [extension(7, 2, &["Z"], rule1)];
        assert!(replay(
            &candidates,
            &champions,
            "seed",
            "2019-01",
            original,
            &misnamed,
            design
        )
        .unwrap_err()
        .contains("\"Z\""));
    }
}

#[test]
fn refusals_name_what_would_move() {
    let drawn = [champion("A", None), champion("B", Some("North"))];
    let state = DrawnState {
        champions: &drawn,
        per_champion: 20,
        reserves: 5,
        seed: "s",
        minority_per_champion: None,
    };
    let ask = |champions: &'static [Champion], per, reserves| ExtendAsk {
        champions,
        per_champion: per,
        reserves,
        seed: None,
        minority_per_champion: None,
    };
    let leak = |v: Vec<Champion>| -> &'static [Champion] { Box::leak(v.into_boxed_slice()) };
    let same = leak(drawn.to_vec());
    let added = leak(vec![
        drawn[0].clone(),
        drawn[1].clone(),
        champion("C", None),
    ]);
    let removed = leak(vec![drawn[0].clone(), champion("C", None)]);
    let reordered = leak(vec![drawn[1].clone(), drawn[0].clone()]);
    let moved_area = leak(vec![drawn[0].clone(), champion("B", Some("South"))]);

    assert_eq!(check_extension(&state, &ask(added, 20, 5)), Ok(()));
    assert_eq!(check_extension(&state, &ask(same, 25, 5)), Ok(()));
    assert_eq!(
        check_extension(&state, &ask(removed, 20, 5)),
        Err(ExtendError::ChampionRemoved {
            name: "B".into(),
            position: 2
        })
    );
    assert!(matches!(
        check_extension(&state, &ask(reordered, 20, 5)),
        Err(ExtendError::ChampionChanged { position: 1, .. })
    ));
    let area = check_extension(&state, &ask(moved_area, 20, 5)).unwrap_err();
    assert!(area.to_string().contains("B (area North)"), "{area}");
    assert_eq!(
        check_extension(&state, &ask(same, 19, 5)),
        Err(ExtendError::LowerPerChampion { was: 20, asked: 19 })
    );
    assert_eq!(
        check_extension(&state, &ask(same, 20, 4)),
        Err(ExtendError::LowerReserves { was: 5, asked: 4 })
    );
    assert!(matches!(
        check_extension(&state, &ask(same, 20, 5)),
        Err(ExtendError::NothingToAdd { .. })
    ));
    let other_seed = ExtendAsk {
        seed: Some("t"),
        ..ask(same, 25, 5)
    };
    assert!(check_extension(&state, &other_seed)
        .unwrap_err()
        .to_string()
        .contains("\"t\""));
    let seed_given = ExtendAsk {
        seed: Some("s"),
        ..ask(same, 25, 5)
    };
    assert_eq!(check_extension(&state, &seed_given), Ok(()));
    let stratified = ExtendAsk {
        minority_per_champion: Some(5),
        ..ask(same, 25, 5)
    };
    assert_eq!(
        check_extension(&state, &stratified),
        Err(ExtendError::MinorityChanged {
            was: None,
            asked: Some(5)
        })
    );
}

#[test]
fn a_record_knows_which_extension_dealt_it() {
    let extension = |added: Vec<Added>| Extension {
        at: "t".into(),
        by: "me".into(),
        tool_version: "0".into(),
        per_champion: 0,
        reserves: 0,
        champions_added: Vec::new(),
        rule: Rule::Continued,
        sample_added: 0,
        reserves_added: 0,
        added,
        previous_manifest_sha256: String::new(),
    };
    let added = |champion: &str, sample, reserves| Added {
        champion: champion.into(),
        sample,
        reserves,
    };
    // A: 5 searches drawn, +2 by the first extension, +1 by the second.
    let extensions = [
        extension(vec![added("A", 2, 0)]),
        extension(vec![added("A", 1, 3), added("B", 8, 2)]),
    ];
    let by = |champion, in_sample, len, position| {
        dealt_by(&extensions, champion, in_sample, len, position)
    };
    assert_eq!(by("A", true, 8, 5), None);
    assert_eq!(by("A", true, 8, 6), Some(0));
    assert_eq!(by("A", true, 8, 7), Some(0));
    assert_eq!(by("A", true, 8, 8), Some(1));
    assert_eq!(by("A", false, 5, 2), None);
    assert_eq!(by("A", false, 5, 3), Some(1));
    assert_eq!(by("B", true, 8, 1), Some(1), "a new champion's first");
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    const AREAS: [&str; 3] = ["North", "South", "East"];
    const OFFICERS: [&str; 4] = ["o1", "o2", "o3", "o4"];

    fn month(
        size: usize,
        salt: u64,
    ) -> Vec<(String, Option<&'static str>, Option<&'static str>, bool)> {
        (0..size)
            .map(|i| {
                let h = (i as u64).wrapping_mul(2654435761).wrapping_add(salt);
                (
                    format!("r{i}"),
                    Some(OFFICERS[(h % 4) as usize]),
                    Some(AREAS[((h / 4) % 3) as usize]),
                    (h / 12).is_multiple_of(4),
                )
            })
            .collect()
    }

    fn champions(count: usize, salt: u64) -> Vec<Champion> {
        (0..count)
            .map(|i| {
                let h = (i as u64).wrapping_mul(40503).wrapping_add(salt);
                Champion {
                    name: format!("C{i}"),
                    officer_id: h
                        .is_multiple_of(2)
                        .then(|| OFFICERS[(h % 4) as usize].to_string()),
                    area: (!h.is_multiple_of(3)).then(|| AREAS[((h / 3) % 3) as usize].to_string()),
                }
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Whatever the month, champions and quotas: nothing already dealt
        /// moves, nothing is dealt twice, every champion can take what they
        /// hold, and replaying the extensions gives the same draw.
        #[test]
        fn nothing_moves_and_replay_agrees(
            size in 5usize..120,
            salt in 0u64..1000,
            first in 1usize..4,
            more in 0usize..3,
            per in 1usize..6,
            reserves in 0usize..4,
            per_up in 0usize..4,
            reserves_up in 0usize..3,
            k in 0usize..3,
            stratified in any::<bool>(),
        ) {
            let rows = month(size, salt);
            let candidates: Vec<Candidate<'_>> = rows
                .iter()
                .map(|(id, officer, area, minority)| Candidate {
                    officer: *officer,
                    area: *area,
                    minority: *minority,
                    ..Candidate::plain(id)
                })
                .collect();
            let all = champions(first + more, salt);
            let design = if stratified {
                Design::Minority { k: k.min(per) }
            } else {
                Design::Unstratified
            };
            prop_assume!(more > 0 || per_up > 0 || reserves_up > 0);
            let before = draw_with_design(&candidates, &all[..first], &request(per, reserves), design);
            let wider = request(per + per_up, reserves + reserves_up);
            let (after, rule) = extend_draw(&candidates, &all, &before.champions, &wider, design);
            assert_nothing_moved(&before.champions, &after.champions);
            for d in &after.champions {
                for id in d.sample.iter().chain(&d.reserves) {
                    let c = candidates.iter().find(|c| c.record_id == id).unwrap();
                    prop_assert!(d.champion.can_take(c));
                }
                prop_assert!(d.sample.len() <= wider.per_champion);
                prop_assert!(d.reserves.len() <= wider.reserves);
            }
            let step = Extension {
                at: String::new(),
                by: String::new(),
                tool_version: String::new(),
                per_champion: wider.per_champion,
                reserves: wider.reserves,
                champions_added: all[first..].iter().map(|c| c.name.clone()).collect(),
                rule,
                sample_added: 0,
                reserves_added: 0,
                added: Vec::new(),
                previous_manifest_sha256: String::new(),
            };
            let original = Original { champions: first, per_champion: per, reserves };
            let (replayed, steps) =
                replay(&candidates, &all, "seed", "2019-01", original, &[step], design).unwrap();
            prop_assert_eq!(&replayed, &after);
            prop_assert_eq!(steps[0].rule, rule);
            if rule == Rule::Fresh {
                let fresh = draw_with_design(&candidates, &all, &wider, design);
                prop_assert_eq!(&fresh, &after);
            }
        }
    }
}
