//! Character references left in text that was escaped twice: a `<meta content>` written
//! `Bear&amp;#39;s` reads `Bear&#39;s` once the parser has decoded it, and a JSON-LD string
//! may hold `&rsquo;` as it is. They are decoded once more, as a browser decodes markup: a
//! numeric reference (`&#39;`, `&#x1F62D;`) gives its character, or U+FFFD for zero, a
//! surrogate or a number past U+10FFFF; a named one (`&amp;`, `&rsquo;`, any name of the
//! HTML standard's table, which the parser already carries) needs its `;`. Anything else
//! (`AT&T`, `&#xg;`, `&copy` without its `;`) stays as it is.

use std::borrow::Cow;

/// `text` with its character references decoded (borrowed when it has none).
pub(crate) fn decode(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        match reference(tail) {
            Some((len, first, second)) => {
                out.push(first);
                out.extend(second);
                rest = &tail[len..];
                changed = true;
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    if !changed {
        return Cow::Borrowed(text);
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The length in bytes of the reference at the start of `text` (which starts with `&`) and
/// the one or two characters it stands for.
fn reference(text: &str) -> Option<(usize, char, Option<char>)> {
    // The longest name in the table is 32 bytes ("&CounterClockwiseContourIntegral;"): the
    // `;` is looked for no further than `MAX_REFERENCE` bytes.
    let end = text
        .bytes()
        .take(MAX_REFERENCE + 1)
        .skip(1)
        .position(|b| b == b';')?
        + 1;
    let body = &text[1..end];
    let len = end + 1;
    if let Some(number) = body.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                u32::from_str_radix(hex, 16).unwrap_or(u32::MAX)
            }
            Some(_) => return None,
            None if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) => {
                number.parse().unwrap_or(u32::MAX)
            }
            None => return None,
        };
        let c = char::from_u32(code)
            .filter(|&c| c != '\0')
            .unwrap_or(char::REPLACEMENT_CHARACTER);
        return Some((len, c, None));
    }
    if !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    // The table's keys keep their `;`.
    let &(first, second) = markup5ever::data::NAMED_ENTITIES.get(&text[1..len])?;
    Some((
        len,
        char::from_u32(first)?,
        char::from_u32(second).filter(|&c| c != '\0'),
    ))
}

/// The longest reference read, `&` and `;` included.
const MAX_REFERENCE: usize = 40;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_escaped_twice_are_decoded() {
        for (text, meant) in [
            ("Bear&#39;s Portfolio", "Bear's Portfolio"),
            ("SQL &#x26; AI", "SQL & AI"),
            ("aren&rsquo;t", "aren’t"),
            ("pricing &amp; costs", "pricing & costs"),
            ("Chapter&nbsp;11.", "Chapter\u{a0}11."),
            ("&quot;give back&quot;", "\"give back\""),
            ("&#x1F62D; &#128557;", "😭 😭"),
            ("&#xFFFFFFFF; &#x0; &#xD800;", "\u{FFFD} \u{FFFD} \u{FFFD}"),
            ("&NotEqualTilde;", "\u{2242}\u{338}"),
        ] {
            assert_eq!(decode(text), meant, "{text}");
        }
    }

    #[test]
    fn text_without_a_whole_reference_is_left_alone() {
        for text in [
            "AT&T and P&G",
            "&#xg; &#; &#x; &copy without its semicolon",
            "&unknownname; & ;",
            "a & b; c",
            "Fish & Chips & ",
            "&",
        ] {
            assert!(matches!(decode(text), Cow::Borrowed(_)), "{text}");
        }
        assert_eq!(decode("&amp;&"), "&&");
    }
}
