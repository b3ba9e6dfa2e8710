//! Word counts, reading time and text normalisation.

/// Reading speed used for `reading-time`, in words per minute.
pub const WORDS_PER_MINUTE: u32 = 200;

/// Whether a character is written without spaces between words (Han, kana), so that each
/// character counts as one word.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF     // Hiragana, Katakana
        | 0x3400..=0x4DBF   // CJK Extension A
        | 0x4E00..=0x9FFF   // CJK Unified Ideographs
        | 0xF900..=0xFAFF   // CJK Compatibility Ideographs
        | 0xFF66..=0xFF9F   // Half-width Katakana
        | 0x20000..=0x2FA1F // CJK Extensions B–F, Compatibility Supplement
    )
}

/// Count the words of `text`, Unicode-aware: a word is a run of letters or digits (with inner
/// apostrophes and hyphens), and each Han or kana character counts as one word.
///
/// ```
/// use riptide_extract::word_count;
/// assert_eq!(word_count("Hello, world! It's 2024."), 4);
/// assert_eq!(word_count("東京は晴れ"), 5);
/// assert_eq!(word_count("  "), 0);
/// ```
pub fn word_count(text: &str) -> u32 {
    let mut count: u32 = 0;
    let mut in_word = false;
    let mut prev_joiner = false;
    for c in text.chars() {
        if is_cjk(c) {
            count = count.saturating_add(1);
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                count = count.saturating_add(1);
                in_word = true;
            }
            prev_joiner = false;
        } else if in_word && !prev_joiner && matches!(c, '\'' | '’' | '-') {
            prev_joiner = true;
        } else {
            in_word = false;
            prev_joiner = false;
        }
    }
    count
}

/// Minutes needed to read `words` words at [`WORDS_PER_MINUTE`], rounded up (0 for no words).
///
/// ```
/// assert_eq!(riptide_extract::reading_time_minutes(0), 0);
/// assert_eq!(riptide_extract::reading_time_minutes(1), 1);
/// assert_eq!(riptide_extract::reading_time_minutes(401), 3);
/// ```
pub fn reading_time_minutes(words: u32) -> u32 {
    words.div_ceil(WORDS_PER_MINUTE)
}

/// Trim every line, collapse runs of spaces, and keep at most one blank line between blocks.
pub(crate) fn normalise_blocks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0usize;
    for line in text.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        out.push_str(&line);
        blank_run = 0;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_separated_by_one_blank_line() {
        assert_eq!(normalise_blocks("  a  b \n\n\n\n c\nd  "), "a b\n\nc\nd");
    }

    #[test]
    fn joiners_do_not_split_words() {
        assert_eq!(word_count("state-of-the-art don’t"), 2);
        assert_eq!(word_count("a - b"), 2);
    }
}
