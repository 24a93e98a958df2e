//! Blind second reviews (`grounds sample --second-review K`): K searches
//! of each champion's sample (the best-ranked, which under `hash-rank-v1`
//! are the first K dealt) are dealt again to another champion,
//! whose worksheet does not show the first assessment. Pure and without
//! randomness beyond the draw itself, so `verify` recomputes it.
//!
//! Who gets them: the next champion in the champions file (wrapping round)
//! who may take the search (not its officer, in its area); failing that,
//! the next who is not its officer, outside the area (recorded); never the
//! first reviewer. A search no other champion may take has no second review.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::draw::{Candidate, ChampionDraw};

/// One search dealt a second time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondReview {
    pub record_id: String,
    /// The champion who reviews it first (their sample).
    pub first_champion: String,
    /// The champion who reviews it second, blind.
    pub champion: String,
    /// 1-based, within `champion`'s second reviews.
    pub position: usize,
    /// No champion of the search's area other than the first reviewer could
    /// take it, so it went to a champion outside the area.
    #[serde(default, skip_serializing_if = "is_false")]
    pub outside_area: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A draw's second reviews, as its manifest records them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondReviews {
    /// K: how many of each champion's first searches are reviewed again.
    pub per_champion: usize,
    /// In dealing order: champion by champion (file order), sample order.
    pub reviews: Vec<SecondReview>,
    /// Searches among the first K that no other champion could take.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unplaced: Vec<String>,
}

impl SecondReviews {
    /// How many went to a champion outside the search's area.
    pub fn outside_area(&self) -> usize {
        self.reviews.iter().filter(|r| r.outside_area).count()
    }

    /// The second reviews dealt to `champion`, in their order.
    pub fn of<'a>(&'a self, champion: &'a str) -> impl Iterator<Item = &'a SecondReview> + 'a {
        self.reviews.iter().filter(move |r| r.champion == champion)
    }

    /// Every way a recomputed dealing differs from this one, for people.
    pub fn differences(&self, recomputed: &SecondReviews) -> Vec<String> {
        let mut differences = Vec::new();
        if self.per_champion != recomputed.per_champion {
            differences.push(format!(
                "second reviews: the manifest says {} per champion, recomputed {}",
                self.per_champion, recomputed.per_champion
            ));
        }
        let stored: HashMap<&str, &SecondReview> = self
            .reviews
            .iter()
            .map(|r| (r.record_id.as_str(), r))
            .collect();
        let fresh: HashMap<&str, &SecondReview> = recomputed
            .reviews
            .iter()
            .map(|r| (r.record_id.as_str(), r))
            .collect();
        for review in &self.reviews {
            match fresh.get(review.record_id.as_str()) {
                None => differences.push(format!(
                    "second reviews: {} is dealt to {} in the manifest, to nobody when recomputed",
                    review.record_id, review.champion
                )),
                Some(other) if *other != review => differences.push(format!(
                    "second reviews: {} is dealt to {} (position {}{}) in the manifest, to {} (position {}{}) when recomputed",
                    review.record_id,
                    review.champion,
                    review.position,
                    if review.outside_area { ", outside its area" } else { "" },
                    other.champion,
                    other.position,
                    if other.outside_area { ", outside its area" } else { "" },
                )),
                Some(_) => {}
            }
        }
        for review in &recomputed.reviews {
            if !stored.contains_key(review.record_id.as_str()) {
                differences.push(format!(
                    "second reviews: {} is dealt to {} when recomputed, missing from the manifest",
                    review.record_id, review.champion
                ));
            }
        }
        if self.unplaced != recomputed.unplaced {
            differences.push(format!(
                "second reviews: the manifest leaves {:?} without a second reviewer, the recomputed dealing {:?}",
                self.unplaced, recomputed.unplaced
            ));
        }
        differences
    }
}

/// Deals the first `k` searches of each champion's sample to a second
/// champion (see the module comment). `candidates` must hold every sampled
/// record, for its officer and area; a record missing from it is unplaced.
/// Draws deal the best-ranked instead ([`deal_second_reviews_ranked`]);
/// the tests of the dealing rule use this simpler choice.
#[cfg(test)]
fn deal_second_reviews(
    draws: &[ChampionDraw],
    candidates: &[Candidate<'_>],
    k: usize,
) -> SecondReviews {
    deal(draws, candidates, k, |draw| {
        draw.sample.iter().take(k).cloned().collect()
    })
}

/// Deals each champion's K best-ranked sample searches (by `key`, the
/// draw's rank key) to a second champion (see the module comment);
/// `candidates` must hold every sampled record, for its officer and area.
/// Under `hash-rank-v1` they are the same searches; under `hash-rank-v2`,
/// which deals a champion's minority-ethnic searches first, the first K
/// would all be minority-ethnic and the agreement measured on them alone.
pub fn deal_second_reviews_ranked(
    draws: &[ChampionDraw],
    candidates: &[Candidate<'_>],
    k: usize,
    key: impl Fn(&str) -> [u8; 32],
) -> SecondReviews {
    deal(draws, candidates, k, |draw| {
        let mut best = draw.sample.clone();
        best.sort_by_cached_key(|id| key(id));
        best.truncate(k);
        best
    })
}

fn deal(
    draws: &[ChampionDraw],
    candidates: &[Candidate<'_>],
    k: usize,
    chosen_of: impl Fn(&ChampionDraw) -> Vec<String>,
) -> SecondReviews {
    let by_id: HashMap<&str, &Candidate<'_>> =
        candidates.iter().map(|c| (c.record_id, c)).collect();
    let count = draws.len();
    let mut reviews = Vec::new();
    let mut unplaced = Vec::new();
    let mut positions = vec![0usize; count];
    for (first, draw) in draws.iter().enumerate() {
        for record_id in &chosen_of(draw) {
            let Some(candidate) = by_id.get(record_id.as_str()) else {
                unplaced.push(record_id.clone());
                continue;
            };
            // Every other champion, from the next one round to the one before.
            let others = || (1..count).map(|step| (first + step) % count);
            let in_area = others().find(|&i| draws[i].champion.can_take(candidate));
            let chosen = in_area.map(|i| (i, false)).or_else(|| {
                others()
                    .find(|&i| !is_own_search(&draws[i], candidate))
                    .map(|i| (i, true))
            });
            let Some((second, outside_area)) = chosen else {
                unplaced.push(record_id.clone());
                continue;
            };
            positions[second] += 1;
            reviews.push(SecondReview {
                record_id: record_id.clone(),
                first_champion: draw.champion.name.clone(),
                champion: draws[second].champion.name.clone(),
                position: positions[second],
                outside_area,
            });
        }
    }
    SecondReviews {
        per_champion: k,
        reviews,
        unplaced,
    }
}

/// Whether the search is the champion's own (their officer id), compared as
/// [`super::Champion::can_take`] compares it.
fn is_own_search(draw: &ChampionDraw, candidate: &Candidate<'_>) -> bool {
    match (&draw.champion.officer_id, candidate.officer) {
        (Some(mine), Some(theirs)) => mine.trim() == theirs.trim(),
        _ => false,
    }
}

/// Areas with a single champion: their second reviews go outside the area.
pub fn areas_with_one_champion(draws: &[ChampionDraw]) -> Vec<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for draw in draws {
        let Some(area) = draw.champion.area.as_deref().map(str::trim) else {
            continue;
        };
        match counts.iter_mut().find(|(a, _)| a == area) {
            Some(entry) => entry.1 += 1,
            None => counts.push((area.to_string(), 1)),
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n == 1)
        .map(|(a, _)| a)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::{draw, Champion, DrawRequest};

    fn champion(name: &str, officer: Option<&str>, area: Option<&str>) -> Champion {
        Champion {
            name: name.into(),
            officer_id: officer.map(Into::into),
            area: area.map(Into::into),
        }
    }

    fn dealt(champion: &Champion, sample: &[&str]) -> ChampionDraw {
        ChampionDraw {
            sample: sample.iter().map(|s| s.to_string()).collect(),
            ..ChampionDraw::empty(champion, &[])
        }
    }

    fn candidate<'a>(
        id: &'a str,
        officer: Option<&'a str>,
        area: Option<&'a str>,
    ) -> Candidate<'a> {
        Candidate {
            officer,
            area,
            ..Candidate::plain(id)
        }
    }

    fn pairs(dealt: &SecondReviews) -> Vec<(&str, &str, usize, bool)> {
        dealt
            .reviews
            .iter()
            .map(|r| {
                (
                    r.record_id.as_str(),
                    r.champion.as_str(),
                    r.position,
                    r.outside_area,
                )
            })
            .collect()
    }

    #[test]
    fn the_first_k_go_to_the_next_champion_wrapping_round() {
        let (a, b, c) = (
            champion("A", None, None),
            champion("B", None, None),
            champion("C", None, None),
        );
        let draws = [
            dealt(&a, &["a1", "a2", "a3"]),
            dealt(&b, &["b1", "b2", "b3"]),
            dealt(&c, &["c1", "c2", "c3"]),
        ];
        let ids = ["a1", "a2", "a3", "b1", "b2", "b3", "c1", "c2", "c3"];
        let candidates: Vec<Candidate<'_>> = ids.iter().map(|id| Candidate::plain(id)).collect();
        let second = deal_second_reviews(&draws, &candidates, 2);
        assert_eq!(
            pairs(&second),
            [
                ("a1", "B", 1, false),
                ("a2", "B", 2, false),
                ("b1", "C", 1, false),
                ("b2", "C", 2, false),
                ("c1", "A", 1, false),
                ("c2", "A", 2, false),
            ]
        );
        assert_eq!(second.reviews[4].first_champion, "C");
        assert!(second.unplaced.is_empty());
        assert_eq!(deal_second_reviews(&draws, &candidates, 0).reviews, []);
        // K above the sample takes the whole sample.
        assert_eq!(deal_second_reviews(&draws, &candidates, 7).reviews.len(), 9);
    }

    #[test]
    fn never_the_first_reviewer_nor_the_searching_officer() {
        let a = champion("A", Some("111"), None);
        let b = champion("B", Some("222"), None);
        let c = champion("C", Some("333"), None);
        let draws = [dealt(&a, &["x", "y"]), dealt(&b, &[]), dealt(&c, &[])];
        // x was B's search: it skips B for C. y was by B and C: nobody else.
        let candidates = [
            candidate("x", Some(" 222 "), None),
            candidate("y", Some("333"), None),
        ];
        let second = deal_second_reviews(&draws, &candidates, 2);
        assert_eq!(pairs(&second), [("x", "C", 1, false), ("y", "B", 1, false)]);

        let lone = [dealt(&a, &["x", "y"])];
        let second = deal_second_reviews(&lone, &candidates, 2);
        assert!(second.reviews.is_empty(), "one champion: nobody else");
        assert_eq!(second.unplaced, ["x", "y"]);

        let two = [dealt(&a, &["x"]), dealt(&b, &[])];
        let second = deal_second_reviews(&two, &candidates, 1);
        assert_eq!(second.unplaced, ["x"], "the only other is the officer");
    }

    #[test]
    fn areas_are_kept_where_another_champion_of_the_area_can_take_it() {
        let a1 = champion("A1", None, Some("North"));
        let b1 = champion("B1", None, Some("South"));
        let a2 = champion("A2", Some("9"), Some("North"));
        let b2 = champion("B2", None, Some("South"));
        let c1 = champion("C1", None, Some("East"));
        let draws = [
            dealt(&a1, &["n1", "n2"]),
            dealt(&b1, &["s1"]),
            dealt(&a2, &["n3"]),
            dealt(&b2, &["s2"]),
            dealt(&c1, &["e1"]),
        ];
        let candidates = [
            candidate("n1", None, Some("North")),
            // Officer 9 is A2: North has nobody else but A1, the first reviewer.
            candidate("n2", Some("9"), Some("North")),
            candidate("s1", None, Some("South")),
            candidate("n3", None, Some("North")),
            candidate("s2", None, Some("South")),
            candidate("e1", None, Some("East")),
        ];
        let second = deal_second_reviews(&draws, &candidates, 2);
        assert_eq!(
            pairs(&second),
            [
                ("n1", "A2", 1, false),
                ("n2", "B1", 1, true),
                ("s1", "B2", 1, false),
                ("n3", "A1", 1, false),
                ("s2", "B1", 2, false),
                // East has one champion: its second review leaves the area,
                // to the next champion in the file (round to A1).
                ("e1", "A1", 2, true),
            ]
        );
        assert_eq!(second.outside_area(), 2);
        assert_eq!(areas_with_one_champion(&draws), ["East"]);
        assert_eq!(
            second
                .of("B1")
                .map(|r| r.record_id.as_str())
                .collect::<Vec<_>>(),
            ["n2", "s2"]
        );
    }

    #[test]
    fn a_real_draw_deals_the_same_every_time_and_differences_are_named() {
        let ids: Vec<String> = (0..200).map(|i| format!("r{i}")).collect();
        let areas = ["North", "South"];
        let candidates: Vec<Candidate<'_>> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                candidate(
                    id,
                    Some(if i % 7 == 0 { "1" } else { "2" }),
                    Some(areas[i % 2]),
                )
            })
            .collect();
        let champions = [
            champion("A", Some("1"), Some("North")),
            champion("B", Some("2"), Some("South")),
            champion("C", None, Some("North")),
            champion("D", Some("1"), Some("South")),
        ];
        let request = DrawRequest {
            seed: "s",
            month: "2019-01",
            per_champion: 6,
            reserves: 2,
        };
        let draws = draw(&candidates, &champions, &request);
        let once = deal_second_reviews(&draws, &candidates, 3);
        let again = deal_second_reviews(&draws, &candidates, 3);
        assert_eq!(once, again);
        assert_eq!(once.reviews.len(), 12);
        let by_id: HashMap<&str, &Candidate<'_>> =
            candidates.iter().map(|c| (c.record_id, c)).collect();
        for review in &once.reviews {
            assert_ne!(review.champion, review.first_champion);
            let second = champions
                .iter()
                .find(|c| c.name == review.champion)
                .unwrap();
            let searched = by_id[review.record_id.as_str()];
            if review.outside_area {
                let others_in_area = champions
                    .iter()
                    .filter(|c| c.name != review.first_champion)
                    .any(|c| c.can_take(searched));
                assert!(!others_in_area, "{review:?}");
                assert_ne!(second.officer_id.as_deref(), searched.officer);
            } else {
                assert!(second.can_take(searched), "{review:?}");
            }
        }
        assert!(
            once.outside_area() > 0,
            "B's searches are all by D's officer id"
        );
        assert!(once.differences(&again).is_empty());

        let mut changed = once.clone();
        changed.reviews[0].champion = "Z".into();
        changed.reviews.pop();
        let problems = changed.differences(&once);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("in the manifest, to "), "{problems:?}");
        assert!(
            problems[1].contains("missing from the manifest"),
            "{problems:?}"
        );
    }

    #[test]
    fn manifests_without_second_reviews_still_read() {
        let json = r#"{"per_champion": 2, "reviews": [{"record_id": "x", "first_champion": "A",
                       "champion": "B", "position": 1}]}"#;
        let read: SecondReviews = serde_json::from_str(json).unwrap();
        assert!(!read.reviews[0].outside_area);
        assert!(read.unplaced.is_empty());
        let written = serde_json::to_string(&read).unwrap();
        assert!(!written.contains("outside_area") && !written.contains("unplaced"));
    }
}
