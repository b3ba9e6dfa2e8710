//! A tiered pool of pre-instantiated [wasmtime] component instances for the Riptide
//! extractor.
//!
//! - **Engine**: wasmtime's pooling allocator sized from [`PoolConfig`] (bounded virtual
//!   memory, see [`PoolConfig::slots`]), copy-on-write memory images, memory kept resident
//!   between slots, epoch interruption for deadlines. The compiled component is cached on disk
//!   (keyed by SHA-256 of the component and the engine's compatibility hash, authenticated with
//!   a keyed hash under a per-user secret before loading, in a directory only this user may
//!   write).
//! - **Tiers** on lock-free crossbeam queues: *hot* (pre-instantiated, never used, refilled
//!   by a background thread off the request path, size auto-tuned by [`HotTuner`]), *warm*
//!   (instantiated on demand into a pooling slot used before) and *cold* (a slot never used).
//!   [`PoolBuilder::build`] returns once the component is compiled or loaded and leaves the
//!   first fill of the hot tier to the refill thread;
//!   [`PoolBuilder::build_filled`] waits for it.
//! - **Isolation**: [`Isolation::PerRequest`] by default — one Store per request, dropped
//!   after it; [`Isolation::Reuse`] on request. A Store that trapped, timed out or hit a limit
//!   is never reused.
//! - **Limits**: max concurrent instances with back-pressure (a tokio semaphore; past
//!   `acquire_timeout`, [`PoolError::PoolExhausted`]), per-call deadline, memory cap, output
//!   cap, optional fuel; each failure is a typed [`PoolError`].
//! - **Circuit breaker** ([`CircuitBreaker`]) and **metrics** ([`MetricsSnapshot`], with a
//!   Prometheus rendering) and an optional [`EventListener`].
//!
//! The surface is that of the pool crates people know (deadpool, bb8): [`Pool::builder`],
//! [`Pool::get`] → a [`PooledInstance`] guard whose [`call`](PooledInstance::call) runs one
//! guest call (and whose `Drop` gives an unused instance back), [`Pool::status`] and
//! [`Pool::metrics`]. Guest calls run on tokio's blocking threads, so a long extraction never
//! stalls other tasks of the runtime.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use riptide_pool::{Pool, PoolConfig, bindings::ExtractionMode};
//! let component = std::fs::read("riptide_guest.wasm")?;
//! let pool = Pool::builder(&component)
//!     .config(PoolConfig::builder().max_instances(8).build()?)
//!     .build()?;
//! let result = pool
//!     .get()
//!     .await?
//!     .call(|guest, store| {
//!         guest.call_extract(store, "<h1>Hi</h1><p>Text.</p>", "https://example.com/", &ExtractionMode::Article)
//!     })
//!     .await?;
//! println!("{:?}", result.map(|doc| doc.title));
//! println!("{}", pool.metrics().to_prometheus());
//! # Ok(()) }
//! ```

mod builder;
mod cache;
mod circuit;
mod clock;
mod config;
mod engine;
mod error;
mod events;
mod guard;
pub mod host;
mod metrics;
mod output;
mod pool;
mod shared;
mod threads;
mod tuner;

/// Host bindings of the `riptide:extractor@0.2.0` world, generated from `wit/`: the one
/// definition of the types a guest returns (the facade re-exports them). They compare with
/// `==` and (de)serialize with serde, field names as in the WIT in snake_case.
///
/// ```
/// use riptide_pool::bindings::{ExtractionError, ExtractionMode};
/// assert_eq!(ExtractionMode::Custom(vec!["h1".into()]).name(), "custom");
/// let err = ExtractionError::ResourceLimit("too deep".into());
/// assert_eq!((err.case(), err.message()), ("resource_limit", "too deep"));
/// ```
pub mod bindings {
    wasmtime::component::bindgen!({
        world: "extractor",
        path: "wit",
        additional_derives: [serde::Serialize, serde::Deserialize, PartialEq, Eq],
    });

    impl ExtractionMode {
        /// The mode's WIT case name (`article`, `full`, `metadata`, `custom`).
        pub fn name(&self) -> &'static str {
            match self {
                ExtractionMode::Article => "article",
                ExtractionMode::Full => "full",
                ExtractionMode::Metadata => "metadata",
                ExtractionMode::Custom(_) => "custom",
            }
        }
    }

    impl ExtractionError {
        /// The WIT case name in snake_case (`invalid_html`, `resource_limit`, …).
        pub fn case(&self) -> &'static str {
            match self {
                ExtractionError::InvalidHtml(_) => "invalid_html",
                ExtractionError::NetworkError(_) => "network_error",
                ExtractionError::ParseError(_) => "parse_error",
                ExtractionError::ResourceLimit(_) => "resource_limit",
                ExtractionError::ExtractorError(_) => "extractor_error",
                ExtractionError::InternalError(_) => "internal_error",
                ExtractionError::UnsupportedMode(_) => "unsupported_mode",
            }
        }

        /// The guest's message.
        pub fn message(&self) -> &str {
            match self {
                ExtractionError::InvalidHtml(m)
                | ExtractionError::NetworkError(m)
                | ExtractionError::ParseError(m)
                | ExtractionError::ResourceLimit(m)
                | ExtractionError::ExtractorError(m)
                | ExtractionError::InternalError(m)
                | ExtractionError::UnsupportedMode(m) => m,
            }
        }
    }
}

pub use builder::PoolBuilder;
pub use circuit::{Admission, CircuitBreaker, CircuitState};
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{CircuitConfig, ConfigError, HotConfig, Isolation, PoolConfig, PoolConfigBuilder};
pub use engine::{LoadInfo, default_cache_dir};
pub use error::{Cause, PoolError};
pub use events::{DiscardReason, EventListener, PoolEvent, Tier};
pub use guard::PooledInstance;
pub use metrics::{Latency, MetricsSnapshot, TierCounts};
pub use output::OutputSize;
pub use pool::{Pool, StartupInfo};
pub use shared::{AllocatorUsage, Status};
pub use tuner::HotTuner;

/// The WASI interfaces the pool links for the guest (WASI 0.2, synchronous): the list the
/// component is validated against, so that both sides agree by construction.
pub use riptide_wit_check::DEFAULT_WASI_IMPORTS as HOST_INTERFACES;
