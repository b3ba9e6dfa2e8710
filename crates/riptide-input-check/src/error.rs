//! The typed error of a rejected request.

use crate::binary::BinaryReason;
use crate::text::{Quoted, human_size};

/// Why a request was rejected: each variant says what is wrong, the value and the limit,
/// and what to do about it.
///
/// Values echoed from the request (URLs, selectors, mode names) are kept shortened to
/// their first 100 characters (followed by `...` when cut); control characters are escaped
/// when displayed, so a message is always one line. [`InputError::kind`] gives a stable
/// `snake_case` name for machine-readable output.
///
/// ```
/// use riptide_input_check::{InputError, InputValidator};
///
/// let err = InputValidator::default().check_url("ftp://example.com/").unwrap_err();
/// assert_eq!(err.kind(), "url_scheme");
/// assert_eq!(
///     err.to_string(),
///     "URL scheme 'ftp' is not allowed in 'ftp://example.com/'; use an http:// or https:// URL"
/// );
/// assert!(matches!(err, InputError::UrlScheme { .. }));
/// ```
#[derive(
    Debug, Clone, PartialEq, Eq, thiserror::Error, strum::IntoStaticStr, strum::VariantNames,
)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum InputError {
    /// The HTML is larger than [`Limits::max_html_bytes`](crate::Limits::max_html_bytes).
    #[error(
        "HTML is {}; the limit is {} (set max_html_bytes to raise it)",
        human_size(*len, true),
        human_size(*limit, false)
    )]
    HtmlTooLarge {
        /// The size of the HTML, in bytes.
        len: usize,
        /// The limit, in bytes.
        limit: usize,
    },

    /// The HTML is empty or only whitespace.
    #[error("{}", empty_message(*len))]
    HtmlEmpty {
        /// The size of the HTML, in bytes (0, or the amount of whitespace).
        len: usize,
    },

    /// The HTML is binary data or text in another encoding, not HTML.
    #[error("{reason}")]
    HtmlBinary {
        /// What gave it away.
        reason: BinaryReason,
    },

    /// The URL does not parse.
    #[error("URL {} is not valid: {reason}; {}", Quoted(url), url_fix(suggestion.as_deref()))]
    UrlInvalid {
        /// The URL as given (shortened).
        url: String,
        /// The parser's reason.
        reason: url::ParseError,
        /// An absolute URL that the input probably meant, when one is obvious (the input
        /// with `https://` in front), shortened.
        suggestion: Option<String>,
    },

    /// The URL's scheme is neither `http` nor `https`.
    #[error(
        "URL scheme {} is not allowed in {}; use an http:// or https:// URL",
        Quoted(scheme),
        Quoted(url)
    )]
    UrlScheme {
        /// The scheme, lower-case, without the colon (shortened).
        scheme: String,
        /// The URL as given (shortened).
        url: String,
    },

    /// The URL has no host.
    #[error(
        "URL {} has no host; use a URL with one, such as https://example.com/page",
        Quoted(url)
    )]
    UrlNoHost {
        /// The URL as given (shortened).
        url: String,
    },

    /// The URL is longer than [`Limits::max_url_len`](crate::Limits::max_url_len).
    #[error(
        "URL is {len} bytes long{}; the limit is {limit} bytes (set max_url_len to raise it)",
        if *encoded { " once percent-encoded" } else { "" }
    )]
    UrlTooLong {
        /// The length of the URL, in bytes.
        len: usize,
        /// The limit, in bytes.
        limit: usize,
        /// Whether `len` is the length of the URL as percent-encoded by the parser (the
        /// input itself was short enough).
        encoded: bool,
    },

    /// The mode name is not one of `article`, `full`, `metadata`, `custom`.
    #[error(
        "unknown mode {}; use one of article, full, metadata, custom",
        Quoted(name)
    )]
    ModeUnknown {
        /// The name as given (shortened).
        name: String,
    },

    /// `custom` mode without any selector.
    #[error("custom mode needs at least one CSS selector; pass one such as 'article p'")]
    SelectorsMissing,

    /// `custom` mode with more selectors than
    /// [`Limits::max_selectors`](crate::Limits::max_selectors).
    #[error(
        "custom mode has {count} CSS selectors; the limit is {limit} (set max_selectors to raise it)"
    )]
    SelectorsTooMany {
        /// How many selectors the request has.
        count: usize,
        /// The limit.
        limit: usize,
    },

    /// A selector is empty or only whitespace.
    #[error("CSS selector #{index} is empty; remove it or write one such as 'article p'")]
    SelectorEmpty {
        /// The position of the selector in the list, from 1.
        index: usize,
    },

    /// A selector is longer than
    /// [`Limits::max_selector_len`](crate::Limits::max_selector_len).
    #[error(
        "CSS selector #{index} {} is {len} bytes long; the limit is {limit} bytes (set max_selector_len to raise it)",
        Quoted(selector)
    )]
    SelectorTooLong {
        /// The position of the selector in the list, from 1.
        index: usize,
        /// The selector (shortened).
        selector: String,
        /// Its length, in bytes.
        len: usize,
        /// The limit, in bytes.
        limit: usize,
    },

    /// A selector does not parse with the guest's CSS selector parser.
    #[error(
        "CSS selector #{index} {} is not valid at line {line}, column {column}: {reason}",
        Quoted(selector)
    )]
    SelectorInvalid {
        /// The position of the selector in the list, from 1.
        index: usize,
        /// The selector (shortened).
        selector: String,
        /// The line of the problem, from 1.
        line: u32,
        /// The column of the problem, from 1, counted in characters (Unicode scalar values).
        column: u32,
        /// What is wrong there, in short English (`unexpected end of input`).
        reason: String,
    },
}

impl InputError {
    /// Every value [`InputError::kind`] can return.
    ///
    /// ```
    /// assert!(riptide_input_check::InputError::KINDS.contains(&"html_too_large"));
    /// ```
    pub const KINDS: &'static [&'static str] = <Self as strum::VariantNames>::VARIANTS;

    /// A stable, `snake_case` name of the error (the variant's name), for JSON output and
    /// batch error lines.
    ///
    /// ```
    /// use riptide_input_check::InputValidator;
    ///
    /// let err = InputValidator::default().check_html("   ").unwrap_err();
    /// assert_eq!(err.kind(), "html_empty");
    /// ```
    pub fn kind(&self) -> &'static str {
        self.into()
    }
}

fn empty_message(len: usize) -> String {
    match len {
        0 => "HTML is empty; pass the page's HTML source".to_owned(),
        n => format!(
            "HTML is only whitespace ({}); pass the page's HTML source",
            human_size(n, false)
        ),
    }
}

fn url_fix(suggestion: Option<&str>) -> String {
    match suggestion {
        Some(url) => format!("did you mean {}?", Quoted(url)),
        None => {
            "use an absolute http:// or https:// URL, such as https://example.com/page".to_owned()
        }
    }
}
