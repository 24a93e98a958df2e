//! The refusals of `grounds sample --extend`: anything that would move or
//! drop an assignment already dealt, checked before any export is read.

use super::draw::Champion;

/// Why a month cannot be extended as asked: each would move or drop
/// something already dealt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtendError {
    #[error(
        "champion {name:?} (position {position} of the draw) is not in the champions file: \
         their searches would be taken away. Keep every champion of the draw, in the same order, \
         and append new ones at the end"
    )]
    ChampionRemoved { name: String, position: usize },
    #[error(
        "position {position} of the champions file is {now:?}, but the draw has {was:?} there: \
         the round-robin order would change. Keep every champion of the draw, in the same order \
         (with the same officer_id and area), and append new ones at the end"
    )]
    ChampionChanged {
        position: usize,
        was: String,
        now: String,
    },
    #[error(
        "--per-champion {asked} is lower than the draw's {was}: searches already dealt would be taken \
         away. An extension can only raise it"
    )]
    LowerPerChampion { was: usize, asked: usize },
    #[error(
        "--reserves {asked} is lower than the draw's {was}: reserves already dealt would be taken away. \
         An extension can only raise it"
    )]
    LowerReserves { was: usize, asked: usize },
    #[error(
        "--seed {given:?} is not the draw's seed {was:?}: another seed ranks the searches differently \
         and every assignment would move. Leave --seed out to use the draw's"
    )]
    OtherSeed { was: String, given: String },
    #[error(
        "--minority-per-champion {} differs from the draw's {}: the dealing rules would change and \
         assignments would move. {}",
        describe_k(*asked),
        describe_k(*was),
        match was {
            Some(k) => format!("Give the draw's value, {k}, or leave the option out"),
            None => "Leave the option out".to_string(),
        }
    )]
    MinorityChanged {
        was: Option<usize>,
        asked: Option<usize>,
    },
    #[error(
        "nothing to add: --per-champion {per_champion}, --reserves {reserves} and the champions file \
         are what the draw already has. Raise --per-champion or --reserves, or append champions"
    )]
    NothingToAdd {
        per_champion: usize,
        reserves: usize,
    },
}

fn describe_k(k: Option<usize>) -> String {
    k.map_or_else(
        || "(none: the draw is hash-rank-v1)".to_string(),
        |k| k.to_string(),
    )
}

/// What an extension asks for, against the draw as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtendAsk<'a> {
    /// The champions file as given now.
    pub champions: &'a [Champion],
    pub per_champion: usize,
    pub reserves: usize,
    /// `--seed`, when given.
    pub seed: Option<&'a str>,
    /// `--minority-per-champion`, as given.
    pub minority_per_champion: Option<usize>,
}

/// The draw as it stands (after any earlier extensions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawnState<'a> {
    pub champions: &'a [Champion],
    pub per_champion: usize,
    pub reserves: usize,
    pub seed: &'a str,
    pub minority_per_champion: Option<usize>,
}

/// Refuses an extension that would move or drop an assignment, or adds nothing.
pub fn check_extension(drawn: &DrawnState<'_>, ask: &ExtendAsk<'_>) -> Result<(), ExtendError> {
    if let Some(given) = ask.seed {
        if given != drawn.seed {
            return Err(ExtendError::OtherSeed {
                was: drawn.seed.to_string(),
                given: given.to_string(),
            });
        }
    }
    if ask.minority_per_champion != drawn.minority_per_champion {
        return Err(ExtendError::MinorityChanged {
            was: drawn.minority_per_champion,
            asked: ask.minority_per_champion,
        });
    }
    // A removal first: it is what a person most needs to hear about.
    for (position, was) in drawn.champions.iter().enumerate() {
        if !ask.champions.iter().any(|c| c.name == was.name) {
            return Err(ExtendError::ChampionRemoved {
                name: was.name.clone(),
                position: position + 1,
            });
        }
    }
    for (position, (was, now)) in drawn.champions.iter().zip(ask.champions).enumerate() {
        if was != now {
            return Err(ExtendError::ChampionChanged {
                position: position + 1,
                was: describe_champion(was),
                now: describe_champion(now),
            });
        }
    }
    if ask.per_champion < drawn.per_champion {
        return Err(ExtendError::LowerPerChampion {
            was: drawn.per_champion,
            asked: ask.per_champion,
        });
    }
    if ask.reserves < drawn.reserves {
        return Err(ExtendError::LowerReserves {
            was: drawn.reserves,
            asked: ask.reserves,
        });
    }
    if ask.per_champion == drawn.per_champion
        && ask.reserves == drawn.reserves
        && ask.champions.len() == drawn.champions.len()
    {
        return Err(ExtendError::NothingToAdd {
            per_champion: drawn.per_champion,
            reserves: drawn.reserves,
        });
    }
    Ok(())
}

/// A champion as people name them in a message: name, and officer id and
/// area when given.
fn describe_champion(champion: &Champion) -> String {
    let mut text = champion.name.clone();
    if let Some(officer) = &champion.officer_id {
        text.push_str(&format!(" (officer_id {officer})"));
    }
    if let Some(area) = &champion.area {
        text.push_str(&format!(" (area {area})"));
    }
    text
}
