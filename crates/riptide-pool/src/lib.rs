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
//! Guest calls run on tokio's blocking threads, so a long extraction never stalls other
//! tasks of the runtime.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use riptide_pool::{Pool, PoolConfig, bindings::ExtractionMode};
//! let component = std::fs::read("riptide_guest.wasm")?;
//! let pool = Pool::builder(&component)
//!     .config(PoolConfig::builder().max_instances(8).build()?)
//!     .build()?;
//! let result = pool
//!     .extract("<h1>Hi</h1><p>Text.</p>".into(), "https://example.com/".into(), ExtractionMode::Article)
//!     .await?;
//! println!("{:?}", result.map(|doc| doc.title));
//! println!("{}", pool.metrics().to_prometheus());
//! # Ok(()) }
//! ```

mod cache;
mod circuit;
mod clock;
mod config;
mod engine;
mod error;
mod events;
pub mod host;
mod metrics;
mod pool;
mod tuner;

/// Host bindings of the `riptide:extractor@0.2.0` world, generated from `wit/`.
pub mod bindings {
    wasmtime::component::bindgen!({
        world: "extractor",
        path: "wit",
    });
}

pub use circuit::{Admission, CircuitBreaker, CircuitState};
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{CircuitConfig, ConfigError, HotConfig, Isolation, PoolConfig, PoolConfigBuilder};
pub use engine::{LoadInfo, default_cache_dir};
pub use error::PoolError;
pub use events::{DiscardReason, EventListener, PoolEvent, Tier};
pub use metrics::{MetricsSnapshot, TierCounts};
pub use pool::{Lease, OutputSize, Pool, PoolBuilder, StartupInfo};
pub use tuner::HotTuner;

/// The WASI interfaces the pool links for the guest (WASI 0.2, synchronous).
pub const HOST_INTERFACES: &[&str] = &[
    "wasi:cli/environment",
    "wasi:cli/exit",
    "wasi:cli/stdin",
    "wasi:cli/stdout",
    "wasi:cli/stderr",
    "wasi:cli/terminal-input",
    "wasi:cli/terminal-output",
    "wasi:cli/terminal-stdin",
    "wasi:cli/terminal-stdout",
    "wasi:cli/terminal-stderr",
    "wasi:clocks/monotonic-clock",
    "wasi:clocks/wall-clock",
    "wasi:filesystem/types",
    "wasi:filesystem/preopens",
    "wasi:io/error",
    "wasi:io/poll",
    "wasi:io/streams",
    "wasi:random/random",
    "wasi:random/insecure",
    "wasi:random/insecure-seed",
    "wasi:sockets/network",
    "wasi:sockets/instance-network",
    "wasi:sockets/udp",
    "wasi:sockets/udp-create-socket",
    "wasi:sockets/tcp",
    "wasi:sockets/tcp-create-socket",
    "wasi:sockets/ip-name-lookup",
];
