//! [`Pool`]: the handle users hold.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed, Ordering::SeqCst};
use std::time::{Duration, Instant};

use tokio::sync::TryAcquireError;

use crate::builder::PoolBuilder;
use crate::config::PoolConfig;
use crate::error::PoolError;
use crate::events::{DiscardReason, PoolEvent};
use crate::guard::{Call, PooledInstance, Slot};
use crate::metrics::{MetricsSnapshot, TierCounts};
use crate::shared::{Shared, Status};

/// A pool of instances of the extractor component.
///
/// Shaped like the pool crates people know (deadpool, bb8): [`Pool::builder`] starts it,
/// [`get`](Self::get) hands out a [`PooledInstance`] guard for one request, [`status`](Self::status)
/// tells its state and [`metrics`](Self::metrics) its counters. Cloning is cheap (an `Arc`);
/// every clone serves from the same tiers.
///
/// ```no_run
/// # async fn demo(component: Vec<u8>) -> Result<(), riptide_pool::PoolError> {
/// use riptide_pool::{Pool, PoolConfig, bindings::ExtractionMode};
/// let pool = Pool::builder(&component).config(PoolConfig::default()).build()?;
/// let doc = pool
///     .get()
///     .await?
///     .call(|guest, store| guest.call_extract(store, "<p>Hello</p>", "https://example.com/", &ExtractionMode::Full))
///     .await?
///     .expect("the guest extracted the page");
/// assert_eq!(doc.text, "Hello");
/// assert_eq!(pool.status().in_use, 0);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Pool {
    shared: Arc<Shared>,
    /// Shared by the clones of this pool (not by guards or the background threads).
    _handle: Arc<Handle>,
}

/// Tells the refill thread that no [`Pool`] handle is left, when the last one is dropped.
pub(crate) struct Handle(Arc<AtomicBool>);

impl Handle {
    pub(crate) fn new(abandoned: Arc<AtomicBool>) -> Self {
        Handle(abandoned)
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.0.store(true, SeqCst);
    }
}

/// Counts a request waiting for a place, for [`Status::waiting`], however the wait ends.
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn new(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, SeqCst);
        Waiting(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, SeqCst);
    }
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("config", &self.shared.config)
            .field("status", &self.shared.status())
            .finish_non_exhaustive()
    }
}

/// Facts about the pool's start.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StartupInfo {
    /// Whether the compiled component came from the artifact cache.
    pub from_cache: bool,
    /// Why not, when the cache was on and missed.
    pub note: Option<String>,
    /// Time spent compiling or loading the component.
    pub load_time: Duration,
    /// What the start-up WIT check found, or that it was skipped.
    pub wit_check: WitCheck,
}

/// The start-up WIT check of the pool's component (`validate_wit`): how long it took and
/// what it found. A pool only starts with a component that has no error, so `errors` is 0
/// unless the check was skipped.
///
/// ```no_run
/// # fn f(pool: &riptide_pool::Pool) {
/// let check = pool.startup().wit_check;
/// println!("{}: {} warnings in {:?}", check.component_sha256, check.warnings, check.duration);
/// if let Some(warning) = &check.warning {
///     eprintln!("warning: {warning}"); // the check was skipped
/// }
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct WitCheck {
    /// Hex SHA-256 of the component checked.
    pub component_sha256: String,
    /// Time the check took (0 when skipped; a report from the validator's cache is quick).
    pub duration: Duration,
    /// Errors found.
    pub errors: usize,
    /// Warnings found; the skipped check counts as one.
    pub warnings: usize,
    /// Whether the check was skipped (`validate_wit = false`).
    pub skipped: bool,
    /// The warning to show when the check was skipped.
    pub warning: Option<String>,
}

impl WitCheck {
    /// The record of a check that was skipped.
    pub(crate) fn skipped(component: &[u8]) -> Self {
        WitCheck {
            component_sha256: riptide_wit_check::ComponentDigest::of(component).to_hex(),
            duration: Duration::ZERO,
            errors: 0,
            warnings: 1,
            skipped: true,
            warning: Some(
                "the start-up WIT check was skipped (validate_wit = false): the component was \
                 not checked against the riptide:extractor world; use this for debugging only"
                    .into(),
            ),
        }
    }
}

impl Pool {
    pub(crate) fn new(shared: Arc<Shared>, handle: Arc<Handle>) -> Self {
        Pool {
            shared,
            _handle: handle,
        }
    }

    /// Start building a pool for the component `bytes`.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), riptide_pool::PoolError> {
    /// let component = std::fs::read("riptide_guest.wasm").unwrap_or_default();
    /// let pool = riptide_pool::Pool::builder(&component).build()?;
    /// # Ok(()) }
    /// ```
    pub fn builder(component: &[u8]) -> PoolBuilder<'_> {
        PoolBuilder::new(component)
    }

    /// The configuration in force.
    pub fn config(&self) -> &PoolConfig {
        &self.shared.config
    }

    /// How the component was loaded.
    pub fn startup(&self) -> StartupInfo {
        StartupInfo {
            from_cache: self.shared.load.from_cache,
            note: self.shared.load.note.clone(),
            load_time: self.shared.load.elapsed,
            wit_check: self.shared.wit_check.clone(),
        }
    }

    /// Wait for a free place (up to `acquire_timeout`) and take an instance from the best tier:
    /// a reusable one (under `Reuse`), a hot one, else a slot the instance is made in when the
    /// guard's [`call`](PooledInstance::call) runs.
    ///
    /// # Errors
    /// [`PoolError::ShutDown`], [`PoolError::PoolExhausted`] or [`PoolError::CircuitOpen`].
    pub async fn get(&self) -> Result<PooledInstance, PoolError> {
        let inner = &self.shared;
        if inner.closed.load(SeqCst) {
            return Err(PoolError::ShutDown);
        }
        let started = Instant::now();
        let permit = match Arc::clone(&inner.permits).try_acquire_owned() {
            Ok(permit) => permit,
            Err(TryAcquireError::Closed) => return Err(PoolError::ShutDown),
            Err(TryAcquireError::NoPermits) => {
                let _waiting = Waiting::new(&inner.waiting);
                let wait = tokio::time::timeout(
                    inner.config.acquire_timeout,
                    Arc::clone(&inner.permits).acquire_owned(),
                );
                match wait.await {
                    Ok(Ok(permit)) => permit,
                    Ok(Err(_)) => return Err(PoolError::ShutDown),
                    Err(_) => {
                        inner.metrics.exhausted.fetch_add(1, Relaxed);
                        return Err(PoolError::PoolExhausted {
                            waited: started.elapsed(),
                            max_instances: inner.config.max_instances,
                        });
                    }
                }
            }
        };
        if inner.closed.load(SeqCst) {
            return Err(PoolError::ShutDown);
        }
        let call = match inner.circuit.allow() {
            Ok((admission, change)) => {
                let call = Call::new(inner, admission);
                if let Some((from, to)) = change {
                    inner.emit(PoolEvent::CircuitChanged { from, to });
                }
                call
            }
            Err(retry_after) => {
                inner.metrics.circuit_rejections.fetch_add(1, Relaxed);
                return Err(PoolError::CircuitOpen { retry_after });
            }
        };
        let (slot, tier) = inner.take();
        // A warm or cold guard is acquired once its instance exists: recorded by `call`.
        if let Slot::Ready(_) = slot {
            inner.metrics.record_acquire(tier, started.elapsed());
        }
        inner.metrics.hits[tier.index()].fetch_add(1, Relaxed);
        inner.emit(PoolEvent::TierHit { tier });
        Ok(PooledInstance {
            shared: Arc::clone(inner),
            slot: Some(slot),
            permit: Some(permit),
            call: Some(call),
            tier,
            acquire_started: started,
        })
    }

    /// The pool's state now: places in use and free, tier depths, live instances, the
    /// circuit breaker.
    pub fn status(&self) -> Status {
        self.shared.status()
    }

    /// A snapshot of the metrics.
    ///
    /// The status is read before the counters, and the pool counts an instance before it
    /// joins a tier and a discard before the instance leaves the live count: once `status`
    /// shows an idle pool, the counters of the same snapshot account for all of it.
    pub fn metrics(&self) -> MetricsSnapshot {
        let status = self.shared.status();
        let m = &self.shared.metrics;
        let tiers = |a: &[AtomicU64; 3]| TierCounts {
            hot: a[0].load(Relaxed),
            warm: a[1].load(Relaxed),
            cold: a[2].load(Relaxed),
        };
        MetricsSnapshot {
            hits: tiers(&m.hits),
            instantiations: tiers(&m.instantiations),
            discards: DiscardReason::ALL
                .iter()
                .map(|r| (*r, m.discards[r.index()].load(Relaxed)))
                .collect(),
            calls_ok: m.calls_ok.load(Relaxed),
            calls_failed: m.calls_failed.load(Relaxed),
            exhausted: m.exhausted.load(Relaxed),
            circuit_rejections: m.circuit_rejections.load(Relaxed),
            acquire: m.acquire.snapshot(),
            call: m.call.snapshot(),
            tiers: m.tier_latencies(),
            tuner_log: m.tuner_log.lock().iter().copied().collect(),
            status,
        }
    }

    /// Stop taking requests, wait for those in flight, then drop every idle instance.
    /// Later calls fail with [`PoolError::ShutDown`].
    pub async fn shutdown(&self) {
        let inner = &self.shared;
        inner.closed.store(true, SeqCst);
        let all = u32::try_from(inner.config.max_instances).unwrap_or(u32::MAX);
        if let Ok(permits) = inner.permits.acquire_many(all).await {
            permits.forget();
        }
        inner.permits.close();
        // Wait for a refill round in progress: after it, no instance joins a tier.
        drop(inner.refill_lock.lock());
        while let Some(instance) = inner.hot.pop() {
            inner.discard(instance, DiscardReason::Shutdown);
        }
        if let Some(reuse) = &inner.reuse {
            while let Some(instance) = reuse.pop() {
                inner.discard(instance, DiscardReason::Shutdown);
            }
        }
    }

    /// Run the refill thread's work now (tune, expire, refill): for tests that drive the pool
    /// with a [`ManualClock`](crate::ManualClock). Only with the `testing` feature.
    #[cfg(any(test, feature = "testing"))]
    pub fn maintain_now(&self) {
        self.shared.maintain();
    }
}
