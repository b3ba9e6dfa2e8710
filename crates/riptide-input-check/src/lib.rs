//! Validation of Riptide extraction requests on the host, before a pool instance is taken.
//!
//! Every request (HTML, URL, mode) is checked in microseconds; a bad one gets a typed
//! [`InputError`] whose message names the value, the limit and what to do, and whose
//! [`InputError::kind`] is a stable name for machine-readable output.
//!
//! | check | default limit ([`Limits`]) |
//! | --- | --- |
//! | HTML size | 10 MB (`max_html_bytes`, 1 MB = 1,048,576 bytes) |
//! | HTML not empty, not whitespace-only | |
//! | HTML not binary: signature of a known format, a NUL byte, or more than 10 % C0 control characters in the first 4 KiB | |
//! | URL length | 2048 bytes (`max_url_len`) |
//! | URL parses, scheme `http`/`https`, has a host | |
//! | mode known (`article`, `full`, `metadata`, `custom`) | |
//! | `custom`: number of selectors | 1 to 64 (`max_selectors`) |
//! | each selector: non-empty, length, parses with the guest's parser (`dom_query::Matcher`) | 1024 bytes (`max_selector_len`) |
//! | each selector: bracket nesting (bounds the parser's recursion) | 32 levels ([`MAX_SELECTOR_NESTING`], fixed) |
//!
//! ```
//! use riptide_input_check::{InputValidator, Mode};
//!
//! let validator = InputValidator::default();
//! let url = validator.check_request("<p>Hello</p>", "https://example.com/a", Mode::Article)?;
//! assert_eq!(url.host_str(), Some("example.com"));
//!
//! let selectors = vec!["article p".to_string(), "h1[".to_string()];
//! let err = validator
//!     .check_request("<p>Hello</p>", "https://example.com/a", Mode::Custom(&selectors))
//!     .unwrap_err();
//! assert_eq!(err.kind(), "selector_invalid");
//! assert_eq!(
//!     err.to_string(),
//!     "CSS selector #2 'h1[' is not valid at line 1, column 4: unexpected end of input"
//! );
//! # Ok::<(), riptide_input_check::InputError>(())
//! ```

mod binary;
mod error;
mod html;
mod limits;
mod mode;
mod selector;
mod text;
mod url_check;

pub use binary::{BinaryFormat, BinaryReason};
pub use error::InputError;
pub use limits::Limits;
pub use mode::{Mode, ModeName, parse_mode_name};
pub use selector::MAX_SELECTOR_NESTING;
pub use url::Url;

/// The README's example runs as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// Checks requests against a set of [`Limits`].
///
/// ```
/// use riptide_input_check::{InputValidator, Limits};
///
/// let validator = InputValidator::new(Limits { max_url_len: 64, ..Limits::default() });
/// assert_eq!(validator.limits().max_url_len, 64);
/// assert_eq!(InputValidator::default().limits(), &Limits::default());
/// ```
#[derive(Debug, Clone, Default)]
pub struct InputValidator {
    limits: Limits,
}

impl InputValidator {
    /// A validator with these limits.
    ///
    /// ```
    /// use riptide_input_check::{InputValidator, Limits};
    ///
    /// let strict = InputValidator::new(Limits { max_html_bytes: 1024, ..Limits::default() });
    /// let err = strict.check_html(&"<p>x</p>".repeat(200)).unwrap_err();
    /// assert_eq!(err.to_string(), "HTML is 1.6 KB; the limit is 1 KB (set max_html_bytes to raise it)");
    /// ```
    pub fn new(limits: Limits) -> Self {
        Self { limits }
    }

    /// The limits this validator checks against.
    ///
    /// ```
    /// use riptide_input_check::InputValidator;
    ///
    /// assert_eq!(InputValidator::default().limits().max_selectors, 64);
    /// ```
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Checks an HTML document: its size (O(1)), that it is not empty or whitespace-only,
    /// and that it is not binary data (see [`BinaryReason`]).
    ///
    /// ```
    /// use riptide_input_check::InputValidator;
    ///
    /// let validator = InputValidator::default();
    /// assert!(validator.check_html("<html><body><p>Hi</p></body></html>").is_ok());
    /// let err = validator.check_html("%PDF-1.7 ...").unwrap_err();
    /// assert_eq!(err.kind(), "html_binary");
    /// assert_eq!(
    ///     err.to_string(),
    ///     "this looks like a PDF document, not HTML; pass the page's HTML source as UTF-8 text"
    /// );
    /// ```
    ///
    /// # Errors
    /// [`InputError::HtmlTooLarge`], [`InputError::HtmlEmpty`], [`InputError::HtmlBinary`].
    pub fn check_html(&self, html: &str) -> Result<(), InputError> {
        html::check_size(html, self.limits.max_html_bytes)?;
        html::check_content(html)
    }

    /// Checks a page URL and returns it parsed: at most `max_url_len` bytes (as given and
    /// once percent-encoded), parsed by the `url` crate, scheme `http` or `https`, with a
    /// host.
    ///
    /// ```
    /// use riptide_input_check::InputValidator;
    ///
    /// let validator = InputValidator::default();
    /// let url = validator.check_url("https://example.com/news?id=1")?;
    /// assert_eq!(url.path(), "/news");
    /// let err = validator.check_url("javascript:alert(1)").unwrap_err();
    /// assert_eq!(err.kind(), "url_scheme");
    /// # Ok::<(), riptide_input_check::InputError>(())
    /// ```
    ///
    /// # Errors
    /// [`InputError::UrlTooLong`], [`InputError::UrlInvalid`], [`InputError::UrlScheme`],
    /// [`InputError::UrlNoHost`].
    pub fn check_url(&self, url: &str) -> Result<Url, InputError> {
        url_check::check(url, self.limits.max_url_len)
    }

    /// Checks a mode: `custom` needs 1 to `max_selectors` selectors, each non-empty, at most
    /// `max_selector_len` bytes, and valid for the guest's CSS parser (`dom_query`).
    ///
    /// ```
    /// use riptide_input_check::{InputValidator, Mode};
    ///
    /// let validator = InputValidator::default();
    /// assert!(validator.check_mode(Mode::Article).is_ok());
    /// let selectors = vec!["main h1".to_string(), ".byline, #author".to_string()];
    /// assert!(validator.check_mode(Mode::Custom(&selectors)).is_ok());
    /// let err = validator.check_mode(Mode::Custom(&[])).unwrap_err();
    /// assert_eq!(err.kind(), "selectors_missing");
    /// ```
    ///
    /// # Errors
    /// [`InputError::SelectorsMissing`], [`InputError::SelectorsTooMany`],
    /// [`InputError::SelectorEmpty`], [`InputError::SelectorTooLong`],
    /// [`InputError::SelectorInvalid`].
    pub fn check_mode(&self, mode: Mode<'_>) -> Result<(), InputError> {
        match mode {
            Mode::Article | Mode::Full | Mode::Metadata => Ok(()),
            Mode::Custom(selectors) => selector::check_all(selectors, &self.limits),
        }
    }

    /// Checks a whole request, cheapest check first: the HTML size (O(1)), the URL, the
    /// mode, then the scans of the HTML. Returns the parsed URL.
    ///
    /// ```
    /// use riptide_input_check::{InputValidator, Mode};
    ///
    /// let validator = InputValidator::default();
    /// let url = validator.check_request("<h1>Title</h1>", "http://example.org", Mode::Full)?;
    /// assert_eq!(url.as_str(), "http://example.org/");
    /// // The URL is checked before the HTML is scanned.
    /// let err = validator.check_request("", "file:///etc/passwd", Mode::Full).unwrap_err();
    /// assert_eq!(err.kind(), "url_scheme");
    /// # Ok::<(), riptide_input_check::InputError>(())
    /// ```
    ///
    /// # Errors
    /// Any [`InputError`] of [`check_html`](Self::check_html),
    /// [`check_url`](Self::check_url) and [`check_mode`](Self::check_mode).
    pub fn check_request(&self, html: &str, url: &str, mode: Mode<'_>) -> Result<Url, InputError> {
        html::check_size(html, self.limits.max_html_bytes)?;
        let url = self.check_url(url)?;
        self.check_mode(mode)?;
        html::check_content(html)?;
        Ok(url)
    }
}
