//! The state every handle, guard and background thread of a pool shares: the tiers, the
//! counters and the work on them (instantiate, take, recycle, refill).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed, Ordering::SeqCst};
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
use crate::events::{DiscardReason, EventListener, PoolEvent, Tier, TuneReason};
use crate::guard::{Reservation, Slot};
use crate::host::{self, HostState};
use crate::memory::{MemoryProbe, Pressure, keep_count};
use crate::metrics::{Metrics, TunerDecision};
use crate::pool::WitCheck;
use crate::tuner::HotTuner;

/// One Store with the component instantiated and its exports looked up.
pub(crate) struct Instance {
    pub(crate) parts: Option<(Store<HostState>, Extractor)>,
    born: Instant,
    pub(crate) last_used: Instant,
    uses: u32,
    live: Arc<AtomicUsize>,
}

impl Instance {
    /// Bytes of its linear memories.
    fn memory_bytes(&self) -> u64 {
        self.parts.as_ref().map_or(0, |(store, _)| {
            u64::try_from(store.data().memory_bytes()).unwrap_or(u64::MAX)
        })
    }
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
    /// What the start-up WIT check found (or that it was skipped).
    pub(crate) wit_check: WitCheck,
    /// Measures memory for the budget.
    pub(crate) probe: Arc<dyn MemoryProbe>,
    /// Memory pressure between maintenance rounds (under `refill_lock`).
    pub(crate) pressure: Mutex<Pressure>,
    /// Whether the pool is over its memory budget now (for [`Status`]).
    pub(crate) under_pressure: AtomicBool,
    /// When the pool started, on its clock (tuner decisions are timed from it).
    pub(crate) started: Instant,
    /// The most linear memory a fresh instance had (for the memory budget's estimate).
    pub(crate) fresh_bytes: AtomicU64,
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
        let bytes = u64::try_from(store.data().memory_bytes()).unwrap_or(u64::MAX);
        self.fresh_bytes.fetch_max(bytes, Relaxed);
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
        // Counted before the instance leaves `live`: see `Pool::metrics`.
        self.metrics.discards[reason.index()].fetch_add(1, Relaxed);
        drop(instance);
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
            self.wake_if_short();
            return (Slot::Ready(instance), Tier::Hot);
        }
        self.wake_if_short();
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

    /// Wake the refill thread when the hot tier is below its target. A take that leaves the
    /// tier at or above its target does not: that round would have nothing to fill, and the
    /// expiry and trimming it would do at some later moment are left to the periodic round
    /// (every [`HotConfig::tune_interval`](crate::HotConfig::tune_interval)). So every wake
    /// has a visible result, the tier back at its target, and no request pays a wake-up of
    /// the refill thread for nothing.
    pub(crate) fn wake_if_short(&self) {
        if self.hot.len() < self.hot_target.load(SeqCst) {
            let _ = self.wake.try_send(());
        }
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
        // Without tiering nothing is ever kept idle: there is nothing to maintain.
        if self.closed.load(SeqCst) || !self.config.tiering {
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
                let before = self.hot_target.load(SeqCst);
                let reason = if target > before {
                    TuneReason::Misses
                } else {
                    TuneReason::Calm
                };
                self.retarget(target, reason);
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
        if self.config.memory_budget.is_set() {
            self.check_memory();
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

    /// Set the hot tier's target, and log and announce the change when there is one.
    fn retarget(&self, to: usize, reason: TuneReason) {
        let from = self.hot_target.swap(to, SeqCst);
        if from == to {
            return;
        }
        let at = self.clock.now().saturating_duration_since(self.started);
        self.metrics.log_decision(TunerDecision {
            at_ms: u64::try_from(at.as_millis()).unwrap_or(u64::MAX),
            from,
            to,
            reason,
        });
        self.emit(PoolEvent::HotTargetChanged { from, to, reason });
    }

    /// Measure the idle instances against the memory budget. Over it: drop idle instances
    /// oldest first until they fit (under process pressure, half of them per round), shrink
    /// the hot target to what is left and cap the tuner there. Back under it: lift the cap
    /// and restore the target from before the pressure, as far as the idle budget allows.
    fn check_memory(&self) {
        let budget = self.config.memory_budget;
        let rss = budget
            .process_rss_bytes
            .and_then(|_| self.probe.process_rss_bytes());
        let as_u64 = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        let idle_budget = budget.idle_bytes.map(as_u64);
        let over_rss =
            matches!((budget.process_rss_bytes, rss), (Some(b), Some(r)) if r > as_u64(b));
        // Measuring takes every idle instance out of its queue for a moment (a request then
        // misses): only done under pressure, or when an estimate says the budget is exceeded.
        if !over_rss && !self.pressure.lock().under {
            let idle_count = self.hot.len() + self.reuse.as_ref().map_or(0, ArrayQueue::len);
            let known = self
                .fresh_bytes
                .load(Relaxed)
                .max(self.pressure.lock().instance_bytes);
            let estimate = as_u64(idle_count).saturating_mul(self.probe.idle_instance_bytes(known));
            if idle_budget.is_none_or(|b| estimate <= b) {
                let per = if known > 0 {
                    self.probe.idle_instance_bytes(known)
                } else {
                    0
                };
                // The tuner never grows the hot tier past what the idle budget holds.
                self.tuner.lock().0.set_ceiling(fits_in(idle_budget, per));
                return;
            }
        }
        let mut idle: Vec<(Instance, bool)> = Vec::with_capacity(self.hot.len());
        while let Some(instance) = self.hot.pop() {
            idle.push((instance, true));
        }
        if let Some(reuse) = &self.reuse {
            while let Some(instance) = reuse.pop() {
                idle.push((instance, false));
            }
        }
        idle.sort_by_key(|(instance, _)| instance.last_used);
        let sizes: Vec<u64> = idle
            .iter()
            .map(|(instance, _)| self.probe.idle_instance_bytes(instance.memory_bytes()))
            .collect();
        let idle_bytes: u64 = sizes.iter().sum();
        let over_idle = idle_budget.is_some_and(|b| idle_bytes > b);
        let mut pressure = self.pressure.lock();
        if let Some(size) = sizes.iter().max() {
            pressure.instance_bytes = *size;
        }
        // How many idle instances the idle budget holds, at the last size measured.
        let ceiling = fits_in(idle_budget, pressure.instance_bytes);
        let fits = ceiling.unwrap_or(usize::MAX);
        let target = self.hot_target.load(SeqCst);
        if over_idle || over_rss {
            if !pressure.under {
                pressure.saved_target = target;
                self.set_pressure(&mut pressure, true, idle_bytes, rss);
            }
            let demoted = idle.len() - keep_count(&sizes, idle_budget, over_rss);
            let kept = idle.split_off(demoted);
            for (instance, _) in idle {
                self.discard(instance, DiscardReason::MemoryPressure);
            }
            let hot_kept = kept.iter().filter(|(_, hot)| *hot).count();
            let mut ceiling = target.min(hot_kept);
            if over_rss {
                ceiling = ceiling.min(target / 2);
            }
            self.tuner.lock().0.set_ceiling(Some(ceiling));
            self.retarget(ceiling, TuneReason::MemoryPressure);
            self.put_back(kept);
            return;
        }
        if pressure.under {
            // Over only when the target from before would fit again.
            let restored = pressure.saved_target.min(fits);
            let mut tuner = self.tuner.lock();
            if restored >= pressure.saved_target {
                self.set_pressure(&mut pressure, false, idle_bytes, rss);
                tuner.0.set_ceiling(ceiling);
                let restored = tuner.0.set_target(restored);
                drop(tuner);
                self.retarget(restored, TuneReason::PressureEnded);
            } else {
                // Still capped: the tuner grows no further than the budget holds.
                tuner.0.set_ceiling(Some(restored));
            }
        } else {
            // The tuner never grows the hot tier past what the idle budget holds.
            self.tuner.lock().0.set_ceiling(ceiling);
        }
        self.put_back(idle);
    }

    /// Enter or leave the pressure state, and announce it.
    fn set_pressure(
        &self,
        pressure: &mut Pressure,
        under: bool,
        idle_bytes: u64,
        rss: Option<u64>,
    ) {
        pressure.under = under;
        self.under_pressure.store(under, SeqCst);
        self.emit(PoolEvent::MemoryPressure {
            under,
            idle_bytes,
            process_rss_bytes: rss,
        });
    }

    /// Idle instances back into their queues (oldest first, so they are taken first).
    fn put_back(&self, idle: Vec<(Instance, bool)>) {
        for (instance, hot) in idle {
            let queue = match (&self.reuse, hot) {
                (Some(reuse), false) => reuse,
                _ => &self.hot,
            };
            if let Err(instance) = queue.push(instance) {
                self.discard(instance, DiscardReason::Surplus);
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
        let high_water = self.high_water.load(SeqCst);
        let claimed = self.live.load(SeqCst) + self.reserved.load(SeqCst);
        Status {
            tiering: self.config.tiering,
            warm_slots: high_water.saturating_sub(claimed),
            cold_slots: self.config.slots().saturating_sub(high_water.max(claimed)),
            memory_pressure: self.under_pressure.load(SeqCst),
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

/// How many idle instances of `per` bytes `budget` holds (`None`: no limit, or the size is
/// not known yet).
fn fits_in(budget: Option<u64>, per: u64) -> Option<usize> {
    match budget {
        Some(b) if per > 0 => Some(usize::try_from(b / per).unwrap_or(usize::MAX)),
        _ => None,
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
    /// Free pooling slots used before (a request instantiating now is warm): the warm tier's
    /// size. It has no target.
    pub warm_slots: usize,
    /// Free pooling slots never used (a request instantiating there is cold): the cold
    /// tier's size. It has no target.
    pub cold_slots: usize,
    /// Whether the pool serves from tiers ([`PoolConfig::tiering`]).
    pub tiering: bool,
    /// Whether the pool is over its [`MemoryBudget`](crate::MemoryBudget) now.
    pub memory_pressure: bool,
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
