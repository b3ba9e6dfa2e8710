//! The extraction mode of a request.

use std::fmt;
use std::str::FromStr;

use crate::error::InputError;
use crate::text::shorten;

/// A borrowed view of a request's extraction mode, as [`InputValidator::check_mode`]
/// takes it.
///
/// [`InputValidator::check_mode`]: crate::InputValidator::check_mode
///
/// ```
/// use riptide_input_check::{Mode, ModeName};
///
/// let selectors = vec!["article p".to_string()];
/// let mode = Mode::Custom(&selectors);
/// assert_eq!(mode.name(), ModeName::Custom);
/// assert_eq!(Mode::Article.name().as_str(), "article");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode<'a> {
    /// The main article text.
    Article,
    /// The whole page.
    Full,
    /// Only the metadata.
    Metadata,
    /// The text matched by these CSS selectors.
    Custom(&'a [String]),
}

impl Mode<'_> {
    /// The name of this mode.
    ///
    /// ```
    /// use riptide_input_check::{Mode, ModeName};
    ///
    /// assert_eq!(Mode::Full.name(), ModeName::Full);
    /// ```
    pub fn name(&self) -> ModeName {
        match self {
            Self::Article => ModeName::Article,
            Self::Full => ModeName::Full,
            Self::Metadata => ModeName::Metadata,
            Self::Custom(_) => ModeName::Custom,
        }
    }
}

/// The name of an extraction mode, without its selectors: what a CLI flag names.
///
/// ```
/// use riptide_input_check::ModeName;
///
/// let mode: ModeName = "Metadata".parse()?;
/// assert_eq!(mode, ModeName::Metadata);
/// assert_eq!(mode.to_string(), "metadata");
/// # Ok::<(), riptide_input_check::InputError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModeName {
    /// `article`
    Article,
    /// `full`
    Full,
    /// `metadata`
    Metadata,
    /// `custom`
    Custom,
}

impl ModeName {
    /// Every mode, in the order the error messages list them.
    ///
    /// ```
    /// use riptide_input_check::ModeName;
    ///
    /// let names: Vec<_> = ModeName::ALL.iter().map(|m| m.as_str()).collect();
    /// assert_eq!(names, ["article", "full", "metadata", "custom"]);
    /// ```
    pub const ALL: [ModeName; 4] = [Self::Article, Self::Full, Self::Metadata, Self::Custom];

    /// The lower-case name (`article`, `full`, `metadata`, `custom`).
    ///
    /// ```
    /// assert_eq!(riptide_input_check::ModeName::Custom.as_str(), "custom");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Article => "article",
            Self::Full => "full",
            Self::Metadata => "metadata",
            Self::Custom => "custom",
        }
    }
}

impl fmt::Display for ModeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ModeName {
    type Err = InputError;

    /// Same as [`parse_mode_name`].
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        parse_mode_name(name)
    }
}

/// Parses a mode name, ignoring ASCII case and surrounding whitespace.
///
/// ```
/// use riptide_input_check::{parse_mode_name, ModeName};
///
/// assert_eq!(parse_mode_name("ARTICLE")?, ModeName::Article);
/// let err = parse_mode_name("foo").unwrap_err();
/// assert_eq!(err.kind(), "mode_unknown");
/// assert_eq!(err.to_string(), "unknown mode 'foo'; use one of article, full, metadata, custom");
/// # Ok::<(), riptide_input_check::InputError>(())
/// ```
///
/// # Errors
/// [`InputError::ModeUnknown`] when `name` is none of `article`, `full`, `metadata`,
/// `custom`.
pub fn parse_mode_name(name: &str) -> Result<ModeName, InputError> {
    let trimmed = name.trim();
    ModeName::ALL
        .into_iter()
        .find(|mode| mode.as_str().eq_ignore_ascii_case(trimmed))
        .ok_or_else(|| InputError::ModeUnknown {
            name: shorten(name),
        })
}
