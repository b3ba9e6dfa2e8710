//! Text that was UTF-8, read once more as Windows-1252 or Latin-1 before it reached us
//! ("donâ€™t", "itertools â\u{80}\u{94} Functions", "JaroÅ\u{84}"): each such run is put back
//! to the character it was.
//!
//! A run is a character that leads a UTF-8 sequence (U+00C2–U+00F4 read as one byte) followed
//! by as many characters as the sequence has continuation bytes, each one that reads as a
//! byte 0x80–0xBF in Windows-1252 or Latin-1. The bytes must decode as one UTF-8 character
//! in the scripts that mojibake of real text gives; a two-byte sequence decoding elsewhere
//! ("Fuß“" would give U+07D3) is left alone. A text is repaired only when it holds
//! [`MIN_RUNS`] telltale runs or more (see [`telltale`]), and one without the byte 0xC3
//! (which encodes every lead character) costs one byte scan.

use std::borrow::Cow;

/// `text` with its mojibake runs repaired, if it holds [`MIN_RUNS`] telltale ones or more
/// (see [`telltale`]); borrowed otherwise.
pub(crate) fn repair(text: &str) -> Cow<'_, str> {
    // First the telltales are counted, up to the few needed; the runs are found again when
    // the text is written (no list of runs as long as the page is kept).
    if runs(text)
        .filter(|&(start, len, _)| telltale(&text[start..start + len]))
        .nth(MIN_RUNS - 1)
        .is_none()
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (start, len, c) in runs(text) {
        out.push_str(&text[copied..start]);
        out.push(c);
        copied = start + len;
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// The mojibake runs of `text` in order: where each starts, its length in bytes and the
/// character it was.
fn runs(text: &str) -> impl Iterator<Item = (usize, usize, char)> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        // Every lead character (U+00C2–U+00F4) is encoded as 0xC3 and a second byte.
        while let Some(rel) = bytes[at..].iter().position(|&b| b == 0xC3) {
            let start = at + rel;
            if let Some((len, c)) = run_at(&text[start..]) {
                at = start + len;
                return Some((start, len, c));
            }
            at = start + 1;
        }
        None
    })
}

/// The fewest telltale runs a text must hold to be repaired. A page that went through the
/// wrong decoding shows it wherever it writes a character outside ASCII; one that quotes an
/// example or two ("I saw \"Ã¤\" instead of \"ä\"") means what it wrote.
const MIN_RUNS: usize = 3;

/// Whether a run is one that text written on purpose does not hold: it starts with "Â",
/// "Ã", "â" or "ã" (UTF-8's Latin-1 signs and letters, its punctuation, its kana and CJK
/// punctuation), or it holds a C1 control character (a byte Windows-1252 leaves undefined,
/// read as Latin-1). Other runs can be a letter followed by signs ("é\u{a0}»" in French,
/// "×\u{a0}" between two plant names): they are repaired only in a text that the telltale
/// runs show went through the wrong decoding.
fn telltale(run: &str) -> bool {
    run.starts_with(['Â', 'Ã', 'â', 'ã']) || run.chars().any(|c| ('\u{80}'..='\u{9F}').contains(&c))
}

/// The mojibake run at the start of `text`: its length in bytes and the character it was.
fn run_at(text: &str) -> Option<(usize, char)> {
    let mut chars = text.char_indices();
    let (_, lead) = chars.next()?;
    let lead = u8::try_from(u32::from(lead)).ok()?;
    let continuations = match lead {
        0xC2..=0xDF => 1,
        0xE0..=0xEF => 2,
        0xF0..=0xF4 => 3,
        _ => return None,
    };
    let mut buf = [lead, 0, 0, 0];
    for slot in buf.iter_mut().skip(1).take(continuations) {
        let (_, c) = chars.next()?;
        let byte = single_byte(c)?;
        if !(0x80..=0xBF).contains(&byte) {
            return None;
        }
        *slot = byte;
    }
    let len = chars.next().map_or(text.len(), |(i, _)| i);
    let decoded = std::str::from_utf8(&buf[..=continuations]).ok()?;
    let c = decoded.chars().next()?;
    (continuations > 1 || plausible_two_byte(c)).then_some((len, c))
}

/// The byte Windows-1252 (or, for its five undefined bytes and the C1 controls, Latin-1)
/// writes as `c`. Windows-1252's bytes 0x80–0x9F are the table HTML replaces numeric
/// references to C1 controls with, which the parser carries.
fn single_byte(c: char) -> Option<u8> {
    if let Ok(byte) = u8::try_from(u32::from(c)) {
        return Some(byte);
    }
    let at = markup5ever::data::C1_REPLACEMENTS
        .iter()
        .position(|&r| r == Some(c))?;
    u8::try_from(0x80 + at).ok()
}

/// Whether a character of a two-byte sequence is one that text is written in: Latin-1's
/// letters and signs, Latin Extended, Greek, Cyrillic, Hebrew or Arabic. A capital letter or
/// "ß" next to a sign ("É»", "ß“") decodes to IPA or NKo, which mojibake of real text does not.
fn plausible_two_byte(c: char) -> bool {
    matches!(c, '\u{A0}'..='\u{24F}' | '\u{370}'..='\u{4FF}' | '\u{590}'..='\u{6FF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_read_as_windows_1252_or_latin_1_is_put_back() {
        for (broken, meant) in [
            ("donâ€™t", "don’t"),
            (
                "itertools \u{e2}\u{80}\u{94} Functions",
                "itertools — Functions",
            ),
            ("Dariusz JaroÅ\u{84}", "Dariusz Jaroń"),
            ("cafÃ© Ã\u{a0} la carte", "café à la carte"),
            ("25Â°C, Â©\u{a0}2024", "25°C, ©\u{a0}2024"),
            ("Â\u{a0}", "\u{a0}"),
        ] {
            // Three runs make a text to repair (see `a_quoted_example_or_two_is_left_alone`).
            let three = |t: &str| format!("{t} | {t} | {t}");
            assert_eq!(repair(&three(broken)), three(meant), "{broken}");
        }
        // Runs that could be written on purpose are repaired beside telltale ones.
        for (broken, meant) in [
            ("ÐŸÑ€Ð¸Ð²ÐµÑ‚", "Привет"),
            ("æ—¥æœ¬", "日本"),
            ("ðŸ˜€", "😀"),
            ("2\u{a0}×\u{a0}3", "2\u{a0}נ3"),
        ] {
            let page = format!("{broken}: donâ€™t, canâ€™t, wonâ€™t");
            assert_eq!(repair(&page), format!("{meant}: don’t, can’t, won’t"));
            assert_eq!(repair(broken), broken, "alone");
        }
    }

    #[test]
    fn text_that_is_right_is_left_alone() {
        for text in [
            "plain ASCII",
            "café, naïve, Ærø, Øresund, São Paulo",
            "„Fuß“ und „Straße“, „Fuß“, „Fuß“",
            "«É» et «À», «É», «É»",
            "«\u{a0}fatigué\u{a0}», «\u{a0}café\u{a0}», «\u{a0}thé\u{a0}»",
            "Rosa\u{a0}×\u{a0}alba, Salix\u{a0}×\u{a0}rubens, Mentha\u{a0}×\u{a0}piperita",
            "the café”—then the thé”—and the rosé”—",
            "Привет, 日本, 😀",
            "Ã",
            "Ã tout",
            "â€",
        ] {
            assert!(matches!(repair(text), Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn repairs_keep_the_text_around_them() {
        let text = "“Quoted” — then donâ€™t, canâ€™t, wonâ€™t, and end Ã";
        assert_eq!(
            repair(text),
            "“Quoted” — then don’t, can’t, won’t, and end Ã"
        );
    }

    /// `text` as a Windows-1252 decoder reads its UTF-8 bytes (its five undefined bytes as
    /// Latin-1's controls).
    fn misread(text: &str) -> String {
        let table: Vec<(u8, char)> = ('\u{100}'..='\u{2122}')
            .filter_map(|c| single_byte(c).map(|b| (b, c)))
            .collect();
        text.bytes()
            .map(|b| {
                table
                    .iter()
                    .find(|&&(byte, _)| byte == b)
                    .map_or(char::from(b), |&(_, c)| c)
            })
            .collect()
    }

    proptest::proptest! {
        /// A text misread once comes back whole once it holds three telltale runs, and is
        /// left as it is otherwise; a text that was read right is never changed.
        #[test]
        fn misread_text_comes_back(text in "[a-z ,.éüñçø’—“”€»\u{a0}×Жжω日本😀]{0,40}") {
            let broken = misread(&text);
            // The characters whose misreading is telltale: UTF-8 lead byte 0xC2, 0xC3, 0xE2
            // or 0xE3, or a continuation byte Windows-1252 leaves undefined.
            let telltales = text
                .chars()
                .filter(|c| {
                    let mut buf = [0; 4];
                    let bytes = c.encode_utf8(&mut buf).as_bytes();
                    matches!(bytes[0], 0xC2 | 0xC3 | 0xE2 | 0xE3)
                        || bytes[1..].iter().any(|b| matches!(b, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D))
                })
                .count();
            if telltales >= MIN_RUNS {
                proptest::prop_assert_eq!(repair(&broken), text.as_str());
            } else {
                proptest::prop_assert_eq!(repair(&broken), broken.as_str());
            }
            proptest::prop_assert!(matches!(repair(&text), Cow::Borrowed(_)));
        }
    }

    #[test]
    fn a_quoted_example_or_two_is_left_alone() {
        let text = "How many times I saw \"Ã¤\" instead of \"ä\", or \"Ã¶\" for \"ö\".";
        assert!(matches!(repair(text), Cow::Borrowed(_)));
        let third = format!("{text} And \"Ã¼\".");
        assert!(matches!(repair(&third), Cow::Owned(_)));
    }
}
