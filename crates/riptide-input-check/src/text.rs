//! Small helpers that render values inside error messages.

use std::fmt;

/// How many characters of a URL, selector or mode name an error message echoes.
pub(crate) const ECHO_CHARS: usize = 100;

/// The first [`ECHO_CHARS`] characters of `s`, followed by `...` when `s` is longer.
///
/// Cuts on a character boundary, so it never panics on multi-byte text.
pub(crate) fn shorten(s: &str) -> String {
    match s.char_indices().nth(ECHO_CHARS) {
        Some((cut, _)) => {
            let mut short = String::with_capacity(cut + 3);
            short.push_str(&s[..cut]);
            short.push_str("...");
            short
        }
        None => s.to_owned(),
    }
}

/// Displays a value between single quotes, with control characters escaped (`\n`, `\u{0}`)
/// so that an error stays on one line.
pub(crate) struct Quoted<'a>(pub(crate) &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("'")?;
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        f.write_str("'")
    }
}

const KB: u128 = 1024;
const MB: u128 = 1024 * 1024;

/// A byte count for people: `12.4 MB`, `512 KB`, `900 bytes` (1 MB = 1,048,576 bytes,
/// 1 KB = 1024 bytes), with one decimal that is dropped when it is zero.
///
/// `round_up` rounds the decimal up (used for the size that broke a limit, so it never
/// reads as equal to the limit) or else down (used for the limit itself).
pub(crate) fn human_size(bytes: usize, round_up: bool) -> String {
    let bytes = bytes as u128;
    let (unit, name) = if bytes >= MB {
        (MB, "MB")
    } else if bytes >= KB {
        (KB, "KB")
    } else if bytes == 1 {
        return "1 byte".to_owned();
    } else {
        return format!("{bytes} bytes");
    };
    let scaled = bytes * 10;
    let tenths = if round_up {
        scaled.div_ceil(unit)
    } else {
        scaled / unit
    };
    match tenths % 10 {
        0 => format!("{} {name}", tenths / 10),
        frac => format!("{}.{frac} {name}", tenths / 10),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_keeps_short_values_and_cuts_long_ones_on_char_boundaries() {
        assert_eq!(shorten("abc"), "abc");
        let long = "é".repeat(150);
        let short = shorten(&long);
        assert_eq!(short.chars().count(), ECHO_CHARS + 3);
        assert!(short.ends_with("..."));
        assert_eq!(shorten(&"x".repeat(ECHO_CHARS)), "x".repeat(ECHO_CHARS));
    }

    #[test]
    fn quoted_escapes_control_characters() {
        assert_eq!(Quoted("a\nb\u{0}c").to_string(), "'a\\nb\\u{0}c'");
        assert_eq!(Quoted("日本").to_string(), "'日本'");
    }

    #[test]
    fn human_size_rounds_the_size_up_and_the_limit_down() {
        let limit = 10 * 1024 * 1024;
        assert_eq!(human_size(limit, false), "10 MB");
        assert_eq!(human_size(limit + 1, true), "10.1 MB");
        assert_eq!(human_size(13_000_000, true), "12.4 MB");
        assert_eq!(human_size(1536, true), "1.5 KB");
        assert_eq!(human_size(1000, false), "1000 bytes");
        assert_eq!(human_size(1, false), "1 byte");
        assert_eq!(human_size(0, false), "0 bytes");
        assert!(human_size(usize::MAX, true).ends_with(" MB"));
    }
}
