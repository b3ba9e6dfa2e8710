//! The facade's one error type.

use std::path::PathBuf;
use std::sync::Arc;

use riptide_input_check::InputError;
use riptide_pool::PoolError;
use riptide_pool::bindings::ExtractionError;

/// Everything an extraction can fail with. [`Error::kind`] gives a stable name for logs and
/// JSON output; [`source`](std::error::Error::source) the underlying error where there is one.
///
/// ```
/// let err = riptide::Error::from(riptide::PoolError::ShutDown);
/// assert_eq!(err.kind(), "shut_down");
/// assert_eq!(err.to_string(), "the extractor is shut down and takes no new requests");
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request was refused before it reached the sandbox.
    #[error(transparent)]
    InvalidInput(#[from] InputError),
    /// The component file could not be read.
    #[error("could not read the component {}; check the path and its permissions", path.display())]
    ComponentRead {
        /// The path given.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: Arc<std::io::Error>,
    },
    /// The guest ran and reported that it could not extract the page (its own verdict, the
    /// WIT `extraction-error`).
    #[error("{}", describe(.0))]
    Extraction(ExtractionError),
    /// The sandbox failed: the component could not be loaded, the guest trapped, ran past its
    /// deadline or a limit, or the pool was exhausted, paused or shut down.
    #[error(transparent)]
    Pool(#[from] PoolError),
}

/// The guest's verdict as a sentence.
fn describe(error: &ExtractionError) -> String {
    let what = match error {
        ExtractionError::InvalidHtml(_) => "invalid HTML",
        ExtractionError::NetworkError(_) => "network error",
        ExtractionError::ParseError(_) => "parse error",
        ExtractionError::ResourceLimit(_) => "resource limit",
        ExtractionError::ExtractorError(_) => "extractor error",
        ExtractionError::InternalError(_) => "internal error in the extractor",
        ExtractionError::UnsupportedMode(_) => "unsupported mode",
    };
    format!("{what}: {}", error.message())
}

impl From<ExtractionError> for Error {
    fn from(e: ExtractionError) -> Self {
        Error::Extraction(e)
    }
}

impl Error {
    /// A stable snake_case name: the input-check kind for invalid input, the WIT case for
    /// guest errors, the pool's kind for sandbox failures.
    ///
    /// ```
    /// use riptide::{Error, ExtractionError};
    /// assert_eq!(Error::from(ExtractionError::ParseError("bad".into())).kind(), "parse_error");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            Error::InvalidInput(e) => e.kind(),
            Error::ComponentRead { .. } => "component_read",
            Error::Extraction(e) => e.case(),
            Error::Pool(e) => e.kind(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guest_verdicts_read_as_sentences() {
        let err = Error::from(ExtractionError::ResourceLimit("too deep".into()));
        assert_eq!(err.to_string(), "resource limit: too deep");
        assert_eq!(err.kind(), "resource_limit");
    }

    #[test]
    fn an_unreadable_component_keeps_the_io_error() {
        let err = Error::ComponentRead {
            path: "missing.wasm".into(),
            source: Arc::new(std::io::Error::from(std::io::ErrorKind::NotFound)),
        };
        assert_eq!(err.kind(), "component_read");
        let source = std::error::Error::source(&err).map(ToString::to_string);
        assert_eq!(
            source,
            Some(std::io::Error::from(std::io::ErrorKind::NotFound).to_string())
        );
    }
}
