//! Making text safe for the spreadsheets champions open worksheets and
//! reports in.

use std::borrow::Cow;
use std::collections::HashSet;

/// A cell that a spreadsheet would run as a formula (leading `=`, `+`, `@`,
/// tab, carriage return, or `-` not starting a plain number) gets a leading
/// `'`, which spreadsheets show as text and `grounds import` strips again.
/// Export values and reviewers' free text are untrusted: `=HYPERLINK(...)`
/// in a notes field must not run on a coordinator's machine.
///
/// Text that already starts with `'` is guarded too (`'Tis` becomes
/// `''Tis`), so that [`strip_formula_guard`] always gives back exactly what
/// was guarded: a champion named `'Tis Officer`, an export column `'notes`
/// and a note starting with `'` survive the round trip. A plain negative
/// number (`-1.071358`) needs no guard: spreadsheets read it as a number.
pub fn formula_safe(cell: &str) -> Cow<'_, str> {
    let risky = match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'@' | b'\t' | b'\r' | b'\'') => true,
        Some(b'-') => !is_plain_number(&cell[1..]),
        _ => false,
    };
    if risky {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Digits with at most one decimal point: what follows the `-` of a
/// coordinate. Exponents and `inf` are left guarded: a spreadsheet may take
/// them for names.
fn is_plain_number(text: &str) -> bool {
    let mut points = 0;
    let mut digits = 0;
    for b in text.bytes() {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' => points += 1,
            _ => return false,
        }
    }
    digits > 0 && points <= 1
}

/// Undoes [`formula_safe`] (and the `'` a spreadsheet user types to force
/// text): exactly one leading apostrophe is dropped.
pub fn strip_formula_guard(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

const WINDOWS_RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// File stems (no extension) for a list of names, safe on Windows, macOS and
/// Linux, and distinct even on case-insensitive file systems.
pub fn safe_file_stems<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut used: HashSet<String> = HashSet::new();
    names
        .into_iter()
        .map(|name| {
            let base = safe_file_stem(name);
            let mut candidate = base.clone();
            let mut suffix = 2;
            while !used.insert(candidate.to_lowercase()) {
                candidate = format!("{base}-{suffix}");
                suffix += 1;
            }
            candidate
        })
        .collect()
}

fn safe_file_stem(name: &str) -> String {
    let mut stem: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    // Collapse runs of '_' that punctuation and spaces leave behind.
    while stem.contains("__") {
        stem = stem.replace("__", "_");
    }
    let mut stem = stem
        .trim_matches(|c| c == '_' || c == '.')
        .chars()
        .take(80)
        .collect::<String>();
    if stem.is_empty() {
        stem = "champion".to_string();
    }
    if WINDOWS_RESERVED.contains(&stem.to_lowercase().as_str()) {
        stem.push('_');
    }
    stem
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text() {
        for risky in [
            "=1+1", "+44 20", "-x", "-1e5", "-", "@SUM(A1)", "\tx", "\rx", "'Tis",
        ] {
            let safe = formula_safe(risky);
            assert_eq!(safe, format!("'{risky}"));
            assert_eq!(strip_formula_guard(&safe), risky);
        }
        for plain in ["Person search", "", "-1.071358", "-0", "51.5"] {
            assert_eq!(formula_safe(plain), plain);
        }
    }

    #[test]
    fn guarding_is_reversible_for_every_text() {
        for text in [
            "'Tis Officer",
            "''double",
            "'",
            "'=1+1",
            "=1+1",
            "-1.5",
            "-1.5x",
            "'-1.5",
            "plain",
            "",
            " 'leading space",
        ] {
            assert_eq!(strip_formula_guard(&formula_safe(text)), text, "{text:?}");
        }
    }

    #[test]
    fn file_stems_are_safe_and_distinct() {
        let stems = safe_file_stems([
            "PS Ada Lovelace",
            "ps ada lovelace!",
            "../../etc/passwd",
            "CON",
            "Siân O'Brien",
            "  ",
            "a/b:c*d?e\"f<g>h|i",
        ]);
        assert_eq!(stems[0], "PS_Ada_Lovelace");
        assert_eq!(stems[1], "ps_ada_lovelace-2");
        assert_eq!(stems[2], "etc_passwd");
        assert_eq!(stems[3], "CON_");
        assert_eq!(stems[4], "Siân_O_Brien");
        assert_eq!(stems[5], "champion");
        assert_eq!(stems[6], "a_b_c_d_e_f_g_h_i");
        for stem in &stems {
            assert!(!stem.contains(['/', '\\', ':', '*', '?', '"', '<', '>', '|', ' ']));
        }
    }
}
