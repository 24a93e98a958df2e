//! Text from exports, worksheets and people, made safe to print on a
//! terminal: an escape sequence in an export cell must not recolour, move
//! the cursor or retitle the coordinator's terminal, and a newline in a
//! champion's name must not forge a line of output.

use std::borrow::Cow;

/// `text` with every control character, and every Unicode character that
/// reorders what is shown (bidirectional overrides and isolates), written
/// visibly as `\xHH` or `\u{HHHH}`. Printable text, including accents and
/// non-Latin scripts, is unchanged.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            let code = c as u32;
            if code < 0x100 {
                out.push_str(&format!("\\x{code:02X}"));
            } else {
                out.push_str(&format!("\\u{{{code:04X}}}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::visible;

    #[test]
    fn escape_sequences_and_newlines_are_shown_not_obeyed() {
        assert_eq!(
            visible("A\u{1b}[2J\u{1b}]0;pwned\u{7}"),
            "A\\x1B[2J\\x1B]0;pwned\\x07"
        );
        assert_eq!(visible("PC Smith\nok: forged"), "PC Smith\\x0Aok: forged");
        assert_eq!(visible("tab\there"), "tab\\x09here");
        assert_eq!(visible("\u{9b}31m"), "\\x9B31m");
        assert_eq!(visible("abc\u{202E}fed"), "abc\\u{202E}fed");
    }

    #[test]
    fn printable_text_is_borrowed_unchanged() {
        for text in ["Zoë Ó Briain", "Åsa", "警察", "Black/African/Caribbean", ""] {
            assert!(matches!(visible(text), std::borrow::Cow::Borrowed(t) if t == text));
        }
    }
}
