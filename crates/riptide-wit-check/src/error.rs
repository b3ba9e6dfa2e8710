//! Errors raised while loading the *expected* world or configuring a [`Validator`].
//!
//! Problems with the component under test are never errors: they are
//! [`Issue`]s of a [`ValidationReport`].
//!
//! [`Validator`]: crate::Validator
//! [`Issue`]: crate::Issue
//! [`ValidationReport`]: crate::ValidationReport

use std::path::PathBuf;

/// Why the expected WIT world could not be loaded, or a validator option was refused.
///
/// Every message says what to do about it.
///
/// ```
/// use riptide_wit_check::{ExpectedWorld, WitCheckError};
///
/// let err = ExpectedWorld::from_str("package a:b; world w {}", Some("nope")).unwrap_err();
/// assert!(matches!(err, WitCheckError::UnknownWorld { .. }));
/// assert!(err.to_string().contains("w"), "{err}");
/// ```
#[derive(Debug, thiserror::Error)]
pub enum WitCheckError {
    /// The WIT directory does not exist or is not a directory.
    #[error(
        "WIT directory {path} does not exist or is not a directory; pass the folder that holds \
         the `.wit` files (for Riptide: the repository's `wit/` folder)"
    )]
    NotADirectory {
        /// The path that was given.
        path: PathBuf,
    },

    /// The WIT files could not be read or parsed.
    #[error("cannot parse the WIT in {source_name}: {message}\nfix the WIT file and try again")]
    Parse {
        /// The directory or pseudo file name of the WIT text.
        source_name: String,
        /// The parser's message, with the location of the problem.
        message: String,
    },

    /// The requested world is not defined by the WIT package.
    #[error(
        "the WIT in {source_name} {}; worlds defined there: {available}. Pass one of those names",
        match requested {
            Some(w) => format!("has no world `{w}`"),
            None => "defines several worlds (or none) and no world was named".to_string(),
        }
    )]
    UnknownWorld {
        /// The directory or pseudo file name of the WIT text.
        source_name: String,
        /// The world that was asked for (`None`: the default world).
        requested: Option<String>,
        /// The worlds defined by the main package, comma separated.
        available: String,
    },

    /// A name given to [`Validator::allow_import`](crate::Validator::allow_import) is not an import name.
    #[error(
        "{name:?} is not an import name; write an interface as `namespace:package/interface` \
         with an optional `@version` (e.g. `wasi:http/outgoing-handler@0.2.0`), or a plain \
         kebab-case name for a world-level function (e.g. `fetch`)"
    )]
    InvalidImportName {
        /// The rejected name.
        name: String,
    },
}
