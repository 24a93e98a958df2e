//! Powers that need no reasonable grounds: a search under them is reviewed
//! for its conduct, but it is outside every reasonable-grounds proportion and
//! every stratum population N_h.
//!
//! Matched on the legislation column's text. data.police.uk writes
//! `Criminal Justice and Public Order Act 1994 (section 60)`; forces also
//! write `section 60 Criminal Justice and Public Order Act 1994` or `S.60
//! CJPOA`-like variants. Two texts name the same power when they have the
//! same words, in any order, any case, ignoring punctuation and spacing, so
//! the word order and brackets do not matter but `section 60AA` (a different
//! power) does not match `section 60`.

/// The no-suspicion powers every export knows, in the data.police.uk spelling.
pub const DEFAULT_NO_SUSPICION_POWERS: [&str; 2] = [
    "Criminal Justice and Public Order Act 1994 (section 60)",
    "Terrorism Act 2000 (section 47A)",
];

/// The set of no-suspicion powers: the defaults and any a column mapping adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoSuspicionPowers {
    /// Each power's words, lower case, sorted.
    powers: Vec<Vec<String>>,
}

impl Default for NoSuspicionPowers {
    fn default() -> Self {
        Self::with_extra(&[])
    }
}

impl NoSuspicionPowers {
    /// The defaults plus `extra` (e.g. from a mapping's `no_suspicion`).
    pub fn with_extra(extra: &[String]) -> Self {
        let mut powers: Vec<Vec<String>> = DEFAULT_NO_SUSPICION_POWERS
            .iter()
            .copied()
            .chain(extra.iter().map(String::as_str))
            .map(words)
            .filter(|w| !w.is_empty())
            .collect();
        powers.sort();
        powers.dedup();
        Self { powers }
    }

    /// Whether a legislation cell names one of the powers.
    pub fn matches(&self, legislation: &str) -> bool {
        if legislation.trim().is_empty() {
            return false;
        }
        let words = words(legislation);
        self.powers.iter().any(|power| *power == words)
    }
}

/// The words of a text: runs of letters and digits, lower case, sorted.
fn words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.sort();
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_of_section_60_and_47a() {
        let powers = NoSuspicionPowers::default();
        for text in [
            "Criminal Justice and Public Order Act 1994 (section 60)",
            "section 60 Criminal Justice and Public Order Act 1994",
            "  SECTION 60   criminal justice and public order act 1994 ",
            "Criminal Justice and Public Order Act 1994 - Section 60",
            "Terrorism Act 2000 (section 47A)",
            "section 47A Terrorism Act 2000",
            "section 47a terrorism act 2000",
        ] {
            assert!(powers.matches(text), "{text:?} is a no-suspicion power");
        }
    }

    #[test]
    fn other_powers_are_not() {
        let powers = NoSuspicionPowers::default();
        for text in [
            "Police and Criminal Evidence Act 1984 (section 1)",
            "Misuse of Drugs Act 1971 (section 23)",
            "Criminal Justice Act 1988 (section 139B)",
            "Criminal Justice and Public Order Act 1994 (section 60AA)",
            "Terrorism Act 2000 (section 43)",
            "Criminal Justice and Public Order Act 1994",
            "",
            "   ",
        ] {
            assert!(!powers.matches(text), "{text:?} needs reasonable grounds");
        }
    }

    #[test]
    fn a_mapping_can_add_powers() {
        let powers = NoSuspicionPowers::with_extra(&["S60 CJPOA".to_string(), " ".to_string()]);
        assert!(powers.matches("cjpoa s60"));
        assert!(powers.matches("section 60 Criminal Justice and Public Order Act 1994"));
        assert!(!NoSuspicionPowers::default().matches("S60 CJPOA"));
    }
}
