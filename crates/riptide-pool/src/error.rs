//! The pool's error type.

use std::sync::Arc;
use std::time::Duration;

use crate::config::ConfigError;

/// The underlying error of a failure the pool reports: wasmtime's or the operating system's,
/// kept whole so that `source()` walks to the root cause.
pub type Cause = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// Keep a wasmtime error (and its chain of causes) as a [`Cause`].
pub(crate) fn cause(error: wasmtime::Error) -> Cause {
    Arc::from(Box::<dyn std::error::Error + Send + Sync + 'static>::from(
        error,
    ))
}

/// Everything that can go wrong between a request and the guest's answer.
///
/// Each message says what happened and what to change; [`source`](std::error::Error::source)
/// gives wasmtime's or the system's own error where there is one, and [`kind`](Self::kind) a
/// stable name for logs and JSON.
///
/// ```
/// use riptide_pool::PoolError;
/// let err = PoolError::ShutDown;
/// assert_eq!(err.kind(), "shut_down");
/// ```
#[derive(Debug, Clone, thiserror::Error, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum PoolError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The component does not implement the `riptide:extractor` world.
    #[error("the component does not match the riptide:extractor world:\n{report}")]
    InvalidComponent {
        /// The full validation report.
        report: String,
    },
    /// The component could not be compiled or loaded.
    #[error(
        "could not compile or load the component (is it a WebAssembly component built for \
         the riptide:extractor world?)"
    )]
    #[strum(serialize = "component_load")]
    Load {
        /// wasmtime's error.
        #[source]
        source: Cause,
    },
    /// The wasmtime engine or one of the pool's threads could not be set up.
    #[error("could not set up the WebAssembly engine ({what})")]
    Engine {
        /// The part that failed.
        what: &'static str,
        /// wasmtime's or the system's error.
        #[source]
        source: Cause,
    },
    /// Instantiating the component failed.
    #[error(
        "could not instantiate the component; check that it imports only the WASI interfaces \
         the pool provides"
    )]
    Instantiate {
        /// wasmtime's error.
        #[source]
        source: Cause,
    },
    /// No instance became free in time.
    #[error(
        "no instance became free within {waited:?} ({max_instances} in use); raise max_instances \
         or acquire_timeout, or send fewer requests at once"
    )]
    PoolExhausted {
        /// How long the request waited.
        waited: Duration,
        /// The configured maximum.
        max_instances: usize,
    },
    /// The circuit breaker is open after repeated guest failures.
    #[error(
        "the extractor failed repeatedly and is paused (circuit open); retry in {retry_after:?}"
    )]
    CircuitOpen {
        /// When probe calls will be let through again.
        retry_after: Duration,
    },
    /// The guest ran past its deadline and was stopped.
    #[error(
        "the extraction did not finish within {deadline:?} and was stopped; raise call_timeout for very large pages"
    )]
    Timeout {
        /// The deadline.
        deadline: Duration,
    },
    /// The guest tried to use more memory than allowed.
    #[error(
        "the extraction needed more than the memory limit of {limit} bytes; raise memory_limit_bytes"
    )]
    MemoryLimit {
        /// The limit.
        limit: usize,
    },
    /// The guest trapped (a bug in the component, or a panic).
    #[error("the extractor component crashed: {message}")]
    Trap {
        /// The trap and what the guest printed before it (panic message).
        message: String,
    },
    /// The guest returned more than `max_output_bytes`: measured after the copy, or stopped
    /// during the copy into host memory (strings and list elements are charged as they are
    /// copied, so a result of millions of tiny items is refused before the host holds it).
    #[error(
        "the extraction result is larger than the limit of {limit} bytes{}; raise \
         max_output_bytes if such results are expected",
        size.map(|s| format!(" ({s} bytes)")).unwrap_or_else(|| " (stopped while it was copied)".into())
    )]
    OutputTooLarge {
        /// Size of the result in bytes, when it was copied whole.
        size: Option<usize>,
        /// The limit.
        limit: usize,
    },
    /// The pool is shutting down or shut down.
    #[error("the extractor is shut down and takes no new requests")]
    ShutDown,
}

impl PoolError {
    /// A stable snake_case name of the variant, for logs and JSON output (`timeout`,
    /// `component_load`, …).
    pub fn kind(&self) -> &'static str {
        self.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_snake_case_names_of_the_variants() {
        let load = PoolError::Load {
            source: cause(wasmtime::Error::msg("bad magic")),
        };
        assert_eq!(load.kind(), "component_load");
        assert_eq!(
            PoolError::PoolExhausted {
                waited: Duration::ZERO,
                max_instances: 1
            }
            .kind(),
            "pool_exhausted"
        );
        assert_eq!(PoolError::ShutDown.kind(), "shut_down");
    }

    #[test]
    fn the_cause_is_kept_as_the_source() {
        let err = PoolError::Instantiate {
            source: cause(wasmtime::Error::msg("unknown import wasi:http/types")),
        };
        let source = std::error::Error::source(&err).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("unknown import wasi:http/types"));
    }
}
