//! The configurable limits of a request.

/// The limits a request must stay within.
///
/// Every field has a documented default (see [`Limits::default`]); raise a limit by setting
/// its field, which is what the error messages tell the user to do.
///
/// ```
/// use riptide_input_check::Limits;
///
/// let limits = Limits { max_html_bytes: 50 * 1024 * 1024, ..Limits::default() };
/// assert_eq!(limits.max_html_bytes, 52_428_800);
/// assert_eq!(limits.max_url_len, 2048);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest HTML document, in bytes. Default: [`Limits::DEFAULT_MAX_HTML_BYTES`]
    /// (10 MB, that is 10 × 1,048,576 bytes).
    pub max_html_bytes: usize,
    /// Longest URL, in bytes, both as given and once percent-encoded by the URL parser.
    /// Default: [`Limits::DEFAULT_MAX_URL_LEN`] (2048).
    pub max_url_len: usize,
    /// Most CSS selectors in `custom` mode. Default: [`Limits::DEFAULT_MAX_SELECTORS`] (64).
    pub max_selectors: usize,
    /// Longest CSS selector, in bytes. Default: [`Limits::DEFAULT_MAX_SELECTOR_LEN`] (1024).
    pub max_selector_len: usize,
}

impl Limits {
    /// Default of [`Limits::max_html_bytes`]: 10 MB (10 × 1024 × 1024 bytes).
    pub const DEFAULT_MAX_HTML_BYTES: usize = 10 * 1024 * 1024;
    /// Default of [`Limits::max_url_len`]: 2048 bytes.
    pub const DEFAULT_MAX_URL_LEN: usize = 2048;
    /// Default of [`Limits::max_selectors`]: 64 selectors.
    pub const DEFAULT_MAX_SELECTORS: usize = 64;
    /// Default of [`Limits::max_selector_len`]: 1024 bytes.
    pub const DEFAULT_MAX_SELECTOR_LEN: usize = 1024;
}

impl Default for Limits {
    /// The documented defaults: 10 MB of HTML, 2048-byte URLs, 64 selectors of at most
    /// 1024 bytes each.
    ///
    /// ```
    /// use riptide_input_check::Limits;
    ///
    /// let limits = Limits::default();
    /// assert_eq!(limits.max_html_bytes, 10 * 1024 * 1024);
    /// assert_eq!(limits.max_selectors, 64);
    /// assert_eq!(limits.max_selector_len, 1024);
    /// ```
    fn default() -> Self {
        Self {
            max_html_bytes: Self::DEFAULT_MAX_HTML_BYTES,
            max_url_len: Self::DEFAULT_MAX_URL_LEN,
            max_selectors: Self::DEFAULT_MAX_SELECTORS,
            max_selector_len: Self::DEFAULT_MAX_SELECTOR_LEN,
        }
    }
}
