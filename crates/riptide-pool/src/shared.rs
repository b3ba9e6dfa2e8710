//! The state every handle, guard and background thread of a pool shares: the tiers, the
//! counters and the work on them (instantiate, take, recycle, refill).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed, Ordering::SeqCst};
use std::time::Instant;

use crossbeam::channel::Sender;
use crossbeam::queue::ArrayQueue;
use parking_lot::Mutex;
use tokio::sync::Semaphore;
use wasmtime::{Engine, Store};

use crate::bindings::{Extractor, ExtractorPre};
use crate::circuit::{CircuitBreaker, CircuitState};
use crate::clock::Clock;
use crate::config::{Isolation, PoolConfig};
use crate::engine::LoadInfo;
use crate::error::{PoolError, cause};
use crate::events::{DiscardReason, EventListener, PoolEvent, Tier};
use crate::guard::{Reservation, Slot};
use crate::host::{self, HostState};
use crate::metrics::Metrics;
use crate::tuner::HotTuner;

/// One Store with the component instantiated and its exports looked up.
pub(crate) struct Instance {
    pub(crate) parts: Option<(Store<HostState>, Extractor)>,
    born: Instant,
    pub(crate) last_used: Instant,
    uses: u32,
    live: Arc<AtomicUsize>,
}

impl Drop for Instance {
    fn drop(&mut self) {
        // The Store (and with it the pooling slot) goes first, then the count.
        drop(self.parts.take());
        self.live.fetch_sub(1, SeqCst);
    }
}

/// What happens to an instance after a call.
pub(crate) enum Disposition {
    Keep,
    Discard(DiscardReason),
}

pub(crate) struct Shared {
    pub(crate) engine: Engine,
    pub(crate) pre: ExtractorPre<HostState>,
    pub(crate) config: PoolConfig,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) hot: ArrayQueue<Instance>,
    pub(crate) reuse: Option<ArrayQueue<Instance>>,
    pub(crate) permits: Arc<Semaphore>,
    pub(crate) hot_target: AtomicUsize,
    pub(crate) live: Arc<AtomicUsize>,
    /// Warm and cold guards handed out whose instance does not exist yet (it is instantiated
    /// when the call runs): they count as slots in use for the warm/cold decision. Counted by
    /// [`Reservation`]s.
    pub(crate) reserved: Arc<AtomicUsize>,
    pub(crate) high_water: AtomicUsize,
    pub(crate) metrics: Metrics,
    pub(crate) circuit: CircuitBreaker,
    pub(crate) listener: Option<Arc<dyn EventListener>>,
    pub(crate) wake: Sender<()>,
    pub(crate) closed: AtomicBool,
    /// Set when the last [`Pool`] handle is dropped: the refill thread stops filling and ends
    /// (guards still out finish normally).
    pub(crate) abandoned: Arc<AtomicBool>,
    pub(crate) deadline_ticks: u64,
    pub(crate) tuner: Mutex<(HotTuner, u64, u64)>,
    /// Held by the refill work for its whole round: `shutdown` takes it after closing, so no
    /// instantiation in progress can join a tier it has drained.
    pub(crate) refill_lock: Mutex<()>,
    pub(crate) load: LoadInfo,
    /// Requests waiting for a free place now.
    pub(crate) waiting: AtomicUsize,
}

impl Shared {
    /// Whether the refill thread should stop: shut down, or no handle left to use the pool.
    pub(crate) fn stopping(&self) -> bool {
        self.closed.load(SeqCst) || self.abandoned.load(SeqCst)
    }

    /// Tell the listener. A listener that panics loses that event and nothing else: the
    /// pool's accounting never depends on it.
    pub(crate) fn emit(&self, event: PoolEvent) {
        if let Some(listener) = &self.listener {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                listener.on_event(&event);
            }));
        }
    }

    /// Instantiate the component into a new Store, counted as created for `tier`; with the
    /// reservation of the warm or cold guard it is made for (see [`Shared::take`]), which it
    /// ends.
    pub(crate) fn instantiate(
        &self,
        tier: Tier,
        reservation: Option<Reservation>,
    ) -> Result<Instance, PoolError> {
        drop(reservation);
        let mut store = host::new_store(&self.engine, self.config.memory_limit_bytes);
        // Deadline for start-up code; reset before every call.
        store.set_epoch_deadline(self.deadline_ticks);
        if let Some(fuel) = self.config.fuel {
            store
                .set_fuel(fuel)
                .map_err(|e| PoolError::Instantiate { source: cause(e) })?;
        }
        let live_now = self.live.fetch_add(1, SeqCst) + 1;
        let bindings = match self.pre.instantiate(&mut store) {
            Ok(b) => b,
            Err(e) => {
                self.live.fetch_sub(1, SeqCst);
                return Err(PoolError::Instantiate { source: cause(e) });
            }
        };
        self.high_water
            .fetch_max(live_now + self.reserved.load(SeqCst), SeqCst);
        self.metrics.instantiations[tier.index()].fetch_add(1, Relaxed);
        self.emit(PoolEvent::InstanceCreated { tier });
        let now = self.clock.now();
        Ok(Instance {
            parts: Some((store, bindings)),
            born: now,
            last_used: now,
            uses: 0,
            live: Arc::clone(&self.live),
        })
    }

    pub(crate) fn discard(&self, instance: Instance, reason: DiscardReason) {
        drop(instance);
        self.metrics.discards[reason.index()].fetch_add(1, Relaxed);
        self.emit(PoolEvent::InstanceDiscarded { reason });
    }

    /// Take an instance for a request: reusable, then hot; else a reserved slot, whose
    /// instance is made on the blocking thread of the call (never on an async worker); with
    /// the tier it counts for.
    pub(crate) fn take(&self) -> (Slot, Tier) {
        let now = self.clock.now();
        if let (Some(reuse), Isolation::Reuse { max_age, .. }) =
            (&self.reuse, self.config.isolation)
        {
            while let Some(instance) = reuse.pop() {
                if now.duration_since(instance.born) < max_age {
                    return (Slot::Ready(instance), Tier::Hot);
                }
                self.discard(instance, DiscardReason::Expired);
            }
        }
        if let Some(instance) = self.hot.pop() {
            let _ = self.wake.try_send(());
            return (Slot::Ready(instance), Tier::Hot);
        }
        let _ = self.wake.try_send(());
        // A slot beyond the most ever used at once is one wasmtime has not used yet: cold.
        // Guards whose instance is still to be made count as slots in use.
        self.reserved.fetch_add(1, SeqCst);
        let reservation = Reservation(Arc::clone(&self.reserved));
        let claimed = self.live.load(SeqCst) + self.reserved.load(SeqCst);
        let tier = if claimed <= self.high_water.fetch_max(claimed, SeqCst) {
            Tier::Warm
        } else {
            Tier::Cold
        };
        (Slot::Reserved(reservation), tier)
    }

    /// After a successful call under `Reuse`: keep the instance for the next request, unless
    /// it has served `max_uses` requests or aged past `max_age`.
    pub(crate) fn recycle(&self, mut instance: Instance) {
        let Isolation::Reuse { max_uses, max_age } = self.config.isolation else {
            self.discard(instance, DiscardReason::Served);
            return;
        };
        let now = self.clock.now();
        instance.uses += 1;
        instance.last_used = now;
        if instance.uses >= max_uses {
            self.discard(instance, DiscardReason::MaxUses);
        } else if now.duration_since(instance.born) >= max_age {
            self.discard(instance, DiscardReason::Expired);
        } else if let Some(reuse) = &self.reuse
            && let Err(instance) = reuse.push(instance)
        {
            self.discard(instance, DiscardReason::Surplus);
        }
    }

    /// Refill thread's work: tune the target, expire idle instances, fill up to the target.
    pub(crate) fn maintain(&self) {
        let _round = self.refill_lock.lock();
        if self.closed.load(SeqCst) {
            return;
        }
        let now = self.clock.now();
        if self.config.hot.auto_tune {
            let hits = self.metrics.hits[Tier::Hot.index()].load(Relaxed);
            let misses = self.metrics.hits[Tier::Warm.index()].load(Relaxed)
                + self.metrics.hits[Tier::Cold.index()].load(Relaxed);
            let mut tuner = self.tuner.lock();
            let (ref mut t, ref mut last_hits, ref mut last_misses) = *tuner;
            if t.is_due(now) {
                let target = t.observe(now, hits - *last_hits, misses - *last_misses);
                *last_hits = hits;
                *last_misses = misses;
                self.hot_target.store(target, SeqCst);
            }
        }
        let expiry = self.config.hot.idle_expiry;
        for _ in 0..self.hot.len() {
            let Some(instance) = self.hot.pop() else {
                break;
            };
            if now.duration_since(instance.last_used) >= expiry {
                self.discard(instance, DiscardReason::Expired);
            } else if let Err(instance) = self.hot.push(instance) {
                self.discard(instance, DiscardReason::Surplus);
            }
        }
        if let (Some(reuse), Isolation::Reuse { max_age, .. }) =
            (&self.reuse, self.config.isolation)
        {
            for _ in 0..reuse.len() {
                let Some(instance) = reuse.pop() else { break };
                if now.duration_since(instance.born) >= max_age
                    || now.duration_since(instance.last_used) >= expiry
                {
                    self.discard(instance, DiscardReason::Expired);
                } else if let Err(instance) = reuse.push(instance) {
                    self.discard(instance, DiscardReason::Surplus);
                }
            }
        }
        let target = self.hot_target.load(SeqCst);
        while self.hot.len() > target {
            let Some(instance) = self.hot.pop() else {
                break;
            };
            self.discard(instance, DiscardReason::Surplus);
        }
        while self.hot.len() < target && !self.stopping() {
            match self.instantiate(Tier::Hot, None) {
                Ok(instance) => {
                    if let Err(instance) = self.hot.push(instance) {
                        self.discard(instance, DiscardReason::Surplus);
                        break;
                    }
                }
                Err(_) => break,
            }
        }
    }

    /// An instance whose guard was dropped before it ran anything: it is in the state it was
    /// made in, so it goes back where it came from (the reusable queue under `Reuse`, else the
    /// hot tier) while there is room, and is dropped otherwise.
    pub(crate) fn give_back(&self, instance: Instance) {
        let queue = match (&self.reuse, instance.uses) {
            (Some(reuse), uses) if uses > 0 => reuse,
            _ => &self.hot,
        };
        if let Err(instance) = queue.push(instance) {
            self.discard(instance, DiscardReason::Cancelled);
        }
    }

    /// The pool's state right now.
    pub(crate) fn status(&self) -> Status {
        Status {
            max_instances: self.config.max_instances,
            in_use: self.metrics.in_use.load(SeqCst),
            available: self.permits.available_permits(),
            waiting: self.waiting.load(SeqCst),
            hot_depth: self.hot.len(),
            hot_target: self.hot_target.load(SeqCst),
            reuse_depth: self.reuse.as_ref().map_or(0, ArrayQueue::len),
            live_instances: self.live.load(SeqCst),
            circuit: self.circuit.state(),
            shut_down: self.closed.load(SeqCst),
            allocator: self
                .engine
                .pooling_allocator_metrics()
                .map(|m| AllocatorUsage {
                    component_instances: m.component_instances(),
                    core_instances: m.core_instances(),
                    memories: m.memories(),
                    tables: m.tables(),
                    unused_memory_bytes_resident: m.unused_memory_bytes_resident(),
                })
                .unwrap_or_default(),
        }
    }
}

/// A pool's state at one moment (what deadpool and bb8 call the pool's status).
///
/// ```no_run
/// # fn f(pool: &riptide_pool::Pool) {
/// let status = pool.status();
/// assert!(status.in_use <= status.max_instances);
/// println!("{} free places, {} hot instances", status.available, status.hot_depth);
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Status {
    /// Requests the pool serves at once (`max_instances`).
    pub max_instances: usize,
    /// Guards handed out now (requests being served).
    pub in_use: usize,
    /// Places free for a request now.
    pub available: usize,
    /// Requests waiting for a free place now.
    pub waiting: usize,
    /// Instances waiting in the hot tier.
    pub hot_depth: usize,
    /// The hot tier's current target size.
    pub hot_target: usize,
    /// Reusable instances waiting (`Reuse` isolation only).
    pub reuse_depth: usize,
    /// Instances alive (hot, reusable and in use).
    pub live_instances: usize,
    /// The circuit breaker's state.
    pub circuit: CircuitState,
    /// Whether [`Pool::shutdown`](crate::Pool::shutdown) was called.
    pub shut_down: bool,
    /// What wasmtime's pooling allocator holds for the pool's live instances.
    pub allocator: AllocatorUsage,
}

/// Pooling-allocator slots in use (wasmtime's `PoolingAllocatorMetrics`): after every request
/// has ended they match the live instances, whatever the requests did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct AllocatorUsage {
    /// Component instances.
    pub component_instances: u64,
    /// Core module instances.
    pub core_instances: u64,
    /// Linear memories.
    pub memories: usize,
    /// Tables.
    pub tables: usize,
    /// Linear memory kept resident in slots no instance uses now (`keep_resident_bytes`).
    pub unused_memory_bytes_resident: usize,
}
