//! Nesting depth: a cheap estimate before parsing, so that a pathologically deep document is
//! refused before the HTML parser spends quadratic time on it.
//!
//! html5ever scans the stack of open elements for every start tag, so parsing a document
//! nested `d` levels deep costs O(d²): 20,000 levels take over a second natively, 100,000
//! levels tens of seconds. Browsers cap the tree depth (Blink flattens past 512 levels);
//! this extractor refuses documents whose estimated depth passes [`MAX_NESTING`].

/// The deepest estimated nesting a document may have (see [`estimate_depth`]).
pub const MAX_NESTING: usize = 4096;

/// Elements without content (never pushed on the stack of open elements).
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "frame", "basefont", "bgsound", "image",
];

/// Elements whose end tag is optional and which the parser closes when a sibling opens:
/// an unclosed run of them does not nest, so they are not counted.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "rb",
    "rt", "rp", "rtc", "colgroup", "caption", "html", "head", "body",
];

/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
];

/// An estimate of the deepest element nesting of `html`, from its tags alone, in one linear
/// pass: start tags of elements that nest add one, end tags remove one. It can overestimate
/// for misnested markup that the parser repairs, which is why [`MAX_NESTING`] is set far above
/// what real pages use (rarely more than a hundred levels).
///
/// ```
/// use riptide_extract::estimate_depth;
/// assert_eq!(estimate_depth("<div><section><p>a<p>b</section></div>"), 2);
/// assert_eq!(estimate_depth(&"<div>".repeat(5000)), 5000);
/// ```
pub fn estimate_depth(html: &str) -> usize {
    let bytes = html.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while let Some(offset) = memchr(b'<', &bytes[i..]) {
        i += offset + 1;
        match bytes.get(i) {
            Some(b'!') => {
                // A comment, doctype or CDATA section.
                let end = if bytes[i..].starts_with(b"!--") {
                    find(bytes, i + 3, b"-->").map(|e| e + 3)
                } else {
                    find(bytes, i, b">").map(|e| e + 1)
                };
                i = end.unwrap_or(bytes.len());
            }
            Some(b'?') => i = find(bytes, i, b">").map_or(bytes.len(), |e| e + 1),
            Some(b'/') => {
                if bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
                    depth = depth.saturating_sub(1);
                }
                i = find(bytes, i, b">").map_or(bytes.len(), |e| e + 1);
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let name_end = bytes[i..]
                    .iter()
                    .position(|b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>'))
                    .map_or(bytes.len(), |p| i + p);
                let name = html[i..name_end].to_ascii_lowercase();
                let (tag_end, self_closing) = tag_end(bytes, name_end);
                i = tag_end;
                if RAW_TEXT.contains(&name.as_str()) {
                    let close = format!("</{name}");
                    i = find_ignore_case(bytes, i, close.as_bytes()).unwrap_or(bytes.len());
                    continue;
                }
                if self_closing
                    || VOID.contains(&name.as_str())
                    || OPTIONAL_END.contains(&name.as_str())
                {
                    continue;
                }
                depth += 1;
                max = max.max(depth);
            }
            _ => {}
        }
    }
    max
}

/// The end of a start tag beginning at `from` (after its name), skipping quoted attribute
/// values, and whether it is self-closing (`/>`).
fn tag_end(bytes: &[u8], from: usize) -> (usize, bool) {
    let mut quote = None;
    let mut j = from;
    while j < bytes.len() {
        let b = bytes[j];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return (j + 1, j > from && bytes[j - 1] == b'/'),
            None => {}
        }
        j += 1;
    }
    (bytes.len(), false)
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

fn find_ignore_case(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_nesting_elements_only() {
        assert_eq!(estimate_depth(""), 0);
        assert_eq!(estimate_depth("plain text < 3 and > 2"), 0);
        assert_eq!(estimate_depth("<div><span>a</span><span>b</span></div>"), 2);
        assert_eq!(estimate_depth("<ul><li>a<li>b<li>c</ul>"), 1);
        assert_eq!(estimate_depth("<div><img src=a><br/><hr></div>"), 1);
        assert_eq!(estimate_depth("<div><x-widget/></div>"), 1);
    }

    #[test]
    fn skips_comments_raw_text_and_quoted_attributes() {
        assert_eq!(estimate_depth("<!-- <div><div> --><p>x"), 0);
        assert_eq!(
            estimate_depth("<script>for(i=0;i<9;i++)document.write('<div>')</script><div></div>"),
            1
        );
        assert_eq!(estimate_depth("<div title='a > <b>'><i>x</i></div>"), 2);
        assert_eq!(estimate_depth("<STYLE>a<b{}</style><DIV></DIV>"), 1);
    }

    #[test]
    fn deep_documents_are_measured_in_linear_time() {
        let deep = "<div>".repeat(100_000) + &"</div>".repeat(100_000);
        assert_eq!(estimate_depth(&deep), 100_000);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,200}") {
            let _ = estimate_depth(&s);
        }

        #[test]
        fn never_panics_on_tag_soup(s in "(<[a-z!/?]{0,3}[ '\"=>a-z-]{0,6}){0,40}") {
            let _ = estimate_depth(&s);
        }
    }
}
