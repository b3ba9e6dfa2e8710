//! Decode the bytes of an HTML page to text as browsers do.
//!
//! [`decode_html`] picks the encoding in the order of the HTML standard: a byte order mark,
//! then the `charset` of the HTTP `Content-Type` header, then a `<meta>` declaration found by
//! the WHATWG prescan ([`prescan`]), then UTF-8 when the bytes are valid UTF-8, else the guess
//! of `chardetng` (the detector of Firefox). Pure ASCII is UTF-8.
//!
//! ```
//! use riptide_charset::{decode_html, Source};
//!
//! let (bytes, _, _) = riptide_charset::encoding_rs::SHIFT_JIS.encode("<p>日本語のページ</p>");
//! let decoded = decode_html(&bytes, Some("text/html; charset=Shift_JIS"));
//! assert_eq!(decoded.text, "<p>日本語のページ</p>");
//! assert_eq!(decoded.encoding.name(), "Shift_JIS");
//! assert_eq!(decoded.source, Source::Header);
//! ```

use std::fmt;

pub use encoding_rs;
use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252, X_USER_DEFINED};

/// How far [`decode_html`] looks for a `<meta>` declaration. The prescan of the standard stops
/// after 1024 bytes; a declaration later in the head makes the parser "change the encoding"
/// and reparse, which is what looking further gives in one go.
pub const META_SCAN_BYTES: usize = 64 * 1024;

/// Where the encoding of a [`Decoded`] page came from.
///
/// ```
/// assert_eq!(riptide_charset::Source::Meta.as_str(), "meta");
/// assert_eq!(riptide_charset::Source::Header.to_string(), "header");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// A byte order mark at the start of the bytes.
    Bom,
    /// The `charset` parameter of the `Content-Type` given (an HTTP header).
    Header,
    /// A `<meta charset>` or `<meta http-equiv="Content-Type">` in the page.
    Meta,
    /// No declaration: valid UTF-8, or the guess of the detector.
    Sniffed,
    /// No declaration and nothing to sniff: ASCII (or empty) input, read as UTF-8.
    Default,
}

impl Source {
    /// A stable lower-case name: `bom`, `header`, `meta`, `sniffed` or `default`.
    ///
    /// ```
    /// assert_eq!(riptide_charset::Source::Bom.as_str(), "bom");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Bom => "bom",
            Source::Header => "header",
            Source::Meta => "meta",
            Source::Sniffed => "sniffed",
            Source::Default => "default",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A page decoded by [`decode_html`].
///
/// ```
/// let decoded = riptide_charset::decode_html(b"<p>plain ASCII</p>", None);
/// assert_eq!(decoded.text, "<p>plain ASCII</p>");
/// assert_eq!(decoded.encoding, riptide_charset::encoding_rs::UTF_8);
/// assert_eq!(decoded.source, riptide_charset::Source::Default);
/// assert!(!decoded.malformed);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The page as text (a byte order mark removed).
    pub text: String,
    /// The encoding used.
    pub encoding: &'static Encoding,
    /// Where that encoding came from.
    pub source: Source,
    /// Whether some bytes were malformed in that encoding (each became U+FFFD).
    pub malformed: bool,
}

/// Decode the bytes of an HTML page, with the `Content-Type` header it was served with, if
/// any (`text/html; charset=…`), as a browser would (see the crate documentation for the
/// order).
///
/// ```
/// use riptide_charset::{decode_html, encoding_rs::WINDOWS_1251, Source};
///
/// let (bytes, _, _) = WINDOWS_1251.encode(
///     "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"><p>Привет</p>",
/// );
/// let decoded = decode_html(&bytes, Some("text/html"));
/// assert!(decoded.text.ends_with("<p>Привет</p>"));
/// assert_eq!((decoded.encoding, decoded.source), (WINDOWS_1251, Source::Meta));
/// ```
pub fn decode_html(bytes: &[u8], content_type: Option<&str>) -> Decoded {
    let (encoding, source, body) = if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        (encoding, Source::Bom, &bytes[bom_len..])
    } else if let Some(encoding) = content_type.and_then(charset_from_content_type) {
        (encoding, Source::Header, bytes)
    } else if let Some(encoding) = prescan(&bytes[..bytes.len().min(META_SCAN_BYTES)]) {
        (encoding, Source::Meta, bytes)
    } else if bytes.is_ascii() {
        (UTF_8, Source::Default, bytes)
    } else {
        (sniff(bytes), Source::Sniffed, bytes)
    };
    let (text, malformed) = encoding.decode_without_bom_handling(body);
    Decoded {
        text: text.into_owned(),
        encoding,
        source,
        malformed,
    }
}

/// The encoding named by the `charset` parameter of a `Content-Type` value, if it names one
/// the Encoding Standard knows.
///
/// ```
/// use riptide_charset::{charset_from_content_type, encoding_rs::{GBK, WINDOWS_1252}};
/// assert_eq!(charset_from_content_type("text/html; charset=\"GB2312\""), Some(GBK));
/// assert_eq!(charset_from_content_type("text/html;Charset=latin1"), Some(WINDOWS_1252));
/// assert_eq!(charset_from_content_type("text/html"), None);
/// assert_eq!(charset_from_content_type("text/html; charset=klingon"), None);
/// ```
pub fn charset_from_content_type(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        Encoding::for_label(value.as_bytes())
    })
}

/// The encoding the bytes most likely are in, when nothing declares it: UTF-8 when they are
/// valid UTF-8, else the guess of `chardetng` (no top-level domain hint).
///
/// ```
/// use riptide_charset::encoding_rs::{SHIFT_JIS, UTF_8};
/// let (bytes, _, _) = SHIFT_JIS.encode("吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。");
/// assert_eq!(riptide_charset::sniff(&bytes), SHIFT_JIS);
/// assert_eq!(riptide_charset::sniff("naïve".as_bytes()), UTF_8);
/// ```
pub fn sniff(bytes: &[u8]) -> &'static Encoding {
    if std::str::from_utf8(bytes).is_ok() {
        return UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, chardetng::Utf8Detection::Allow)
}

/// The WHATWG "prescan a byte stream to determine its encoding" over `bytes`: the encoding
/// declared by the first `<meta charset>` or `<meta http-equiv="Content-Type" content="…">`
/// outside comments and other tags' attributes. A declared UTF-16 means UTF-8 and
/// `x-user-defined` means windows-1252, as the standard says.
///
/// ```
/// use riptide_charset::{prescan, encoding_rs::{SHIFT_JIS, UTF_8}};
/// assert_eq!(prescan(b"<!doctype html><META CHARSET='sjis'>"), Some(SHIFT_JIS));
/// assert_eq!(prescan(b"<!-- <meta charset=sjis> --><meta charset=utf-16le>"), Some(UTF_8));
/// assert_eq!(prescan(b"<p title='<meta charset=sjis>'>"), None);
/// ```
pub fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let mut p = Prescan { bytes, pos: 0 };
    p.run()
}

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

struct Prescan<'a> {
    bytes: &'a [u8],
    pos: usize,
}

/// What a `<meta>` element's attributes say so far.
#[derive(Default)]
struct Meta {
    got_pragma: bool,
    need_pragma: Option<bool>,
    charset: Option<&'static Encoding>,
}

impl Prescan<'_> {
    fn starts_with_ci(&self, prefix: &[u8]) -> bool {
        self.bytes
            .get(self.pos..self.pos + prefix.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(prefix))
    }

    fn byte(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.pos + offset).copied()
    }

    fn run(&mut self) -> Option<&'static Encoding> {
        while self.pos < self.bytes.len() {
            if self.starts_with_ci(b"<!--") {
                // The `-->` may share its dashes with the `<!--`.
                let from = self.pos + 2;
                let end = find(&self.bytes[from..], b"-->")?;
                self.pos = from + end + 3;
                continue;
            }
            if self.starts_with_ci(b"<meta")
                && self.byte(5).is_some_and(|b| is_space(b) || b == b'/')
            {
                self.pos += 6;
                if let Some(encoding) = self.meta()? {
                    return Some(encoding);
                }
                continue;
            }
            let tag = (self.byte(0) == Some(b'<')
                && self.byte(1).is_some_and(|b| b.is_ascii_alphabetic()))
                || (self.starts_with_ci(b"</")
                    && self.byte(2).is_some_and(|b| b.is_ascii_alphabetic()));
            if tag {
                while self.byte(0).is_some_and(|b| !is_space(b) && b != b'>') {
                    self.pos += 1;
                }
                while self.attribute()?.is_some() {}
                self.pos += 1;
                continue;
            }
            if self.starts_with_ci(b"<!")
                || self.starts_with_ci(b"</")
                || self.starts_with_ci(b"<?")
            {
                let end = self.bytes[self.pos..].iter().position(|&b| b == b'>')?;
                self.pos += end + 1;
                continue;
            }
            self.pos += 1;
        }
        None
    }

    /// The attributes of a `<meta>`; `None` when the bytes end inside it, `Some(None)` when
    /// it declares no usable encoding.
    fn meta(&mut self) -> Option<Option<&'static Encoding>> {
        let mut seen: Vec<Vec<u8>> = Vec::new();
        let mut meta = Meta::default();
        while let Some((name, value)) = self.attribute()? {
            if seen.contains(&name) {
                continue;
            }
            match name.as_slice() {
                b"http-equiv" => meta.got_pragma |= value == b"content-type",
                b"content" if meta.charset.is_none() => {
                    if let Some(encoding) = charset_from_meta_content(&value) {
                        meta.charset = Some(encoding);
                        meta.need_pragma = Some(true);
                    }
                }
                b"charset" => {
                    meta.charset = Encoding::for_label(&value);
                    meta.need_pragma = Some(false);
                }
                _ => {}
            }
            seen.push(name);
        }
        self.pos += 1;
        let found = match meta.need_pragma {
            None => None,
            Some(true) if !meta.got_pragma => None,
            Some(_) => meta.charset,
        };
        Some(found.map(|encoding| {
            if encoding == UTF_16BE || encoding == UTF_16LE {
                UTF_8
            } else if encoding == X_USER_DEFINED {
                WINDOWS_1252
            } else {
                encoding
            }
        }))
    }

    /// The standard's "get an attribute": `None` when the bytes end, `Some(None)` at the `>`
    /// that ends the tag, else the lower-cased name and value.
    #[allow(clippy::type_complexity)]
    fn attribute(&mut self) -> Option<Option<(Vec<u8>, Vec<u8>)>> {
        while self.byte(0).is_some_and(|b| is_space(b) || b == b'/') {
            self.pos += 1;
        }
        if self.byte(0)? == b'>' {
            return Some(None);
        }
        let mut name = Vec::new();
        loop {
            let b = self.byte(0)?;
            if b == b'=' && !name.is_empty() {
                self.pos += 1;
                break;
            }
            if is_space(b) {
                while self.byte(0).is_some_and(is_space) {
                    self.pos += 1;
                }
                if self.byte(0)? != b'=' {
                    return Some(Some((name, Vec::new())));
                }
                self.pos += 1;
                break;
            }
            if b == b'/' || b == b'>' {
                return Some(Some((name, Vec::new())));
            }
            name.push(b.to_ascii_lowercase());
            self.pos += 1;
        }
        while self.byte(0).is_some_and(is_space) {
            self.pos += 1;
        }
        let mut value = Vec::new();
        let first = self.byte(0)?;
        if first == b'"' || first == b'\'' {
            self.pos += 1;
            loop {
                let b = self.byte(0)?;
                self.pos += 1;
                if b == first {
                    return Some(Some((name, value)));
                }
                value.push(b.to_ascii_lowercase());
            }
        }
        if first == b'>' {
            return Some(Some((name, value)));
        }
        while let Some(b) = self.byte(0) {
            if is_space(b) || b == b'>' {
                return Some(Some((name, value)));
            }
            value.push(b.to_ascii_lowercase());
            self.pos += 1;
        }
        None
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The standard's "extracting a character encoding from a meta element" on a (lower-cased)
/// `content` value.
fn charset_from_meta_content(content: &[u8]) -> Option<&'static Encoding> {
    let mut pos = 0;
    loop {
        pos += find(&content[pos..], b"charset")? + 7;
        while content.get(pos).copied().is_some_and(is_space) {
            pos += 1;
        }
        if content.get(pos) != Some(&b'=') {
            continue;
        }
        pos += 1;
        while content.get(pos).copied().is_some_and(is_space) {
            pos += 1;
        }
        let rest = &content[pos..];
        return match rest.first() {
            Some(&q @ (b'"' | b'\'')) => {
                let end = rest[1..].iter().position(|&b| b == q)?;
                Encoding::for_label(&rest[1..=end])
            }
            _ => {
                let end = rest
                    .iter()
                    .position(|&b| is_space(b) || b == b';')
                    .unwrap_or(rest.len());
                if end == 0 {
                    None
                } else {
                    Encoding::for_label(&rest[..end])
                }
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{GBK, SHIFT_JIS, WINDOWS_1251};

    fn page(encoding: &'static Encoding, head: &str, body: &str) -> Vec<u8> {
        let html = format!(
            "<!doctype html><html><head>{head}<title>t</title></head><body><p>{body}</p></body></html>"
        );
        let (bytes, _, unmappable) = encoding.encode(&html);
        assert!(!unmappable, "the test text fits {}", encoding.name());
        bytes.into_owned()
    }

    const FRENCH: &str = "Café crème brûlée, à la française : où est l'été ?";
    const RUSSIAN: &str = "Съешь же ещё этих мягких французских булок, да выпей чаю. Широкая электрификация южных губерний даст мощный толчок подъёму сельского хозяйства.";
    const JAPANESE: &str = "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。";
    const CHINESE: &str = "中华人民共和国是工人阶级领导的、以工农联盟为基础的人民民主专政的社会主义国家。社会主义制度是中华人民共和国的根本制度。";

    #[test]
    fn every_declared_encoding_decodes() {
        for (encoding, label, text) in [
            (WINDOWS_1252, "iso-8859-1", FRENCH),
            (WINDOWS_1251, "windows-1251", RUSSIAN),
            (SHIFT_JIS, "Shift_JIS", JAPANESE),
            (GBK, "gbk", CHINESE),
        ] {
            let meta = page(encoding, &format!("<meta charset=\"{label}\">"), text);
            let decoded = decode_html(&meta, None);
            assert!(decoded.text.contains(text), "{label}: {}", decoded.text);
            assert_eq!((decoded.encoding, decoded.source), (encoding, Source::Meta));
            assert!(!decoded.malformed);

            let pragma = page(
                encoding,
                &format!("<meta http-equiv=Content-Type content='text/html; charset={label}'>"),
                text,
            );
            let decoded = decode_html(&pragma, None);
            assert_eq!(
                (decoded.encoding, decoded.source),
                (encoding, Source::Meta),
                "{label}"
            );

            let bare = page(encoding, "", text);
            let decoded = decode_html(&bare, Some(&format!("text/html; charset={label}")));
            assert!(decoded.text.contains(text), "{label}");
            assert_eq!(
                (decoded.encoding, decoded.source),
                (encoding, Source::Header)
            );
        }
    }

    #[test]
    fn undeclared_pages_are_sniffed() {
        for (encoding, text) in [
            (WINDOWS_1251, RUSSIAN),
            (SHIFT_JIS, JAPANESE),
            (GBK, CHINESE),
        ] {
            let decoded = decode_html(&page(encoding, "", text), Some("text/html"));
            assert_eq!(decoded.source, Source::Sniffed);
            assert_eq!(decoded.encoding, encoding, "{}", decoded.text);
            assert!(decoded.text.contains(text));
        }
        let utf8 = page(UTF_8, "", FRENCH);
        let decoded = decode_html(&utf8, None);
        assert_eq!((decoded.encoding, decoded.source), (UTF_8, Source::Sniffed));
    }

    #[test]
    fn the_order_is_bom_header_meta() {
        let body = page(WINDOWS_1251, "<meta charset=windows-1251>", RUSSIAN);
        // The header wins over the meta.
        let decoded = decode_html(&body, Some("text/html; charset=koi8-r"));
        assert_eq!(
            (decoded.encoding.name(), decoded.source),
            ("KOI8-R", Source::Header)
        );
        // A BOM wins over both.
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(FRENCH.as_bytes());
        let decoded = decode_html(&with_bom, Some("text/html; charset=windows-1251"));
        assert_eq!(decoded.text, FRENCH, "the BOM is removed");
        assert_eq!((decoded.encoding, decoded.source), (UTF_8, Source::Bom));
        // An unknown label in the header is ignored.
        let decoded = decode_html(&body, Some("text/html; charset=x-unknown"));
        assert_eq!(
            (decoded.encoding, decoded.source),
            (WINDOWS_1251, Source::Meta)
        );
    }

    #[test]
    fn the_prescan_follows_the_standard() {
        // Comments, other tags' attributes and `<!`/`<?` constructs hide declarations.
        assert_eq!(
            prescan(b"<!--><meta charset=gbk>"),
            Some(GBK),
            "`<!-->` is a whole comment"
        );
        assert_eq!(
            prescan(b"<div data-x=\"<meta charset=gbk>\"><meta charset=sjis>"),
            Some(SHIFT_JIS)
        );
        assert_eq!(
            prescan(b"<?xml version='1.0' encoding='gbk'?><meta charset=sjis>"),
            Some(SHIFT_JIS)
        );
        // http-equiv is needed for content=, in either order; charset= needs none.
        assert_eq!(prescan(b"<meta content='text/html; charset=gbk'>"), None);
        assert_eq!(
            prescan(b"<meta content='text/html; charset=gbk' http-equiv=content-type>"),
            Some(GBK)
        );
        assert_eq!(
            prescan(b"<meta content=\"text/html;charset='sjis'\" http-equiv=\"Content-Type\">"),
            Some(SHIFT_JIS)
        );
        // The first value of a repeated attribute counts; a bad label makes the meta useless.
        assert_eq!(prescan(b"<meta charset=gbk charset=sjis>"), Some(GBK));
        assert_eq!(
            prescan(b"<meta charset=klingon><meta charset=gbk>"),
            Some(GBK)
        );
        // x-user-defined is windows-1252; bytes ending inside a tag find nothing.
        assert_eq!(
            prescan(b"<meta charset=x-user-defined>"),
            Some(WINDOWS_1252)
        );
        assert_eq!(prescan(b"<meta charset=\"gbk"), None);
        assert_eq!(prescan(b"<meta/charset=gbk>"), Some(GBK));
        assert_eq!(prescan(b"<metax charset=gbk>"), None);
    }

    #[test]
    fn malformed_bytes_are_replaced_and_reported() {
        let decoded = decode_html(b"<meta charset=utf-8><p>caf\xE9</p>", None);
        assert_eq!(decoded.text, "<meta charset=utf-8><p>caf\u{FFFD}</p>");
        assert!(decoded.malformed);
    }
}
