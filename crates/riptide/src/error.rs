//! The facade's one error type.

use std::path::PathBuf;
use std::time::Duration;

use riptide_input_check::InputError;
use riptide_pool::PoolError;

use crate::types::GuestError;

/// Everything an extraction can fail with. [`Error::kind`] gives a stable name for logs and
/// JSON output.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// The request was refused before it reached the sandbox.
    #[error(transparent)]
    InvalidInput(#[from] InputError),
    /// The component could not be read, validated, compiled or instantiated.
    #[error("could not load the extractor component: {0}")]
    ComponentLoad(String),
    /// The component file could not be read.
    #[error("could not read the component {path}: {message}")]
    ComponentRead {
        /// The path given.
        path: PathBuf,
        /// The I/O error.
        message: String,
    },
    /// The guest ran and reported that it could not extract the page.
    #[error("{0}")]
    Extraction(GuestError),
    /// The guest crashed.
    #[error("the extractor component crashed: {message}")]
    Trap {
        /// What the trap and the guest said.
        message: String,
    },
    /// The guest ran past its deadline.
    #[error(
        "the extraction did not finish within {deadline:?} and was stopped; raise call_timeout for very large pages"
    )]
    Timeout {
        /// The deadline.
        deadline: Duration,
    },
    /// Another failure of the sandbox: memory limit, pool exhausted, circuit open, shut down…
    #[error(transparent)]
    Pool(PoolError),
}

impl Error {
    /// A stable snake_case name: the input-check kind for invalid input, the WIT case for
    /// guest errors, the pool's kind for sandbox failures.
    ///
    /// ```
    /// let err = riptide::Error::ComponentLoad("not a component".into());
    /// assert_eq!(err.kind(), "component_load");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            Error::InvalidInput(e) => e.kind(),
            Error::ComponentLoad(_) => "component_load",
            Error::ComponentRead { .. } => "component_read",
            Error::Extraction(e) => e.case(),
            Error::Trap { .. } => "trap",
            Error::Timeout { .. } => "timeout",
            Error::Pool(e) => e.kind(),
        }
    }
}

impl From<PoolError> for Error {
    fn from(e: PoolError) -> Self {
        match e {
            PoolError::Trap { message } => Error::Trap { message },
            PoolError::Timeout { deadline } => Error::Timeout { deadline },
            PoolError::Config(_)
            | PoolError::InvalidComponent { .. }
            | PoolError::Load(_)
            | PoolError::Engine(_)
            | PoolError::Instantiate(_) => Error::ComponentLoad(e.to_string()),
            other => Error::Pool(other),
        }
    }
}

impl From<GuestError> for Error {
    fn from(e: GuestError) -> Self {
        Error::Extraction(e)
    }
}
