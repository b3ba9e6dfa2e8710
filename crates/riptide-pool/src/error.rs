//! The pool's error type.

use std::time::Duration;

use crate::config::ConfigError;

/// Everything that can go wrong between a request and the guest's answer.
///
/// Each message says what happened and what to change.
#[derive(Debug, Clone, thiserror::Error)]
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
    #[error("could not load the component: {0}")]
    Load(String),
    /// The wasmtime engine could not be set up.
    #[error("could not set up the WebAssembly engine: {0}")]
    Engine(String),
    /// Instantiating the component failed.
    #[error("could not instantiate the component: {0}")]
    Instantiate(String),
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
    /// A stable snake_case name of the variant, for logs and JSON output.
    pub fn kind(&self) -> &'static str {
        match self {
            PoolError::Config(_) => "config",
            PoolError::InvalidComponent { .. } => "invalid_component",
            PoolError::Load(_) => "component_load",
            PoolError::Engine(_) => "engine",
            PoolError::Instantiate(_) => "instantiate",
            PoolError::PoolExhausted { .. } => "pool_exhausted",
            PoolError::CircuitOpen { .. } => "circuit_open",
            PoolError::Timeout { .. } => "timeout",
            PoolError::MemoryLimit { .. } => "memory_limit",
            PoolError::Trap { .. } => "trap",
            PoolError::OutputTooLarge { .. } => "output_too_large",
            PoolError::ShutDown => "shut_down",
        }
    }
}
