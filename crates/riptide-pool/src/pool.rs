//! The tiered instance pool.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed, Ordering::SeqCst};
use std::sync::{Arc, OnceLock, Weak};
use std::time::{Duration, Instant};

use crossbeam::channel::{self, Receiver, RecvTimeoutError, Sender};
use crossbeam::queue::ArrayQueue;
use parking_lot::Mutex;
use riptide_wit_check::{ExpectedWorld, Validator};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, TryAcquireError};
use wasmtime::component::{Component, Linker};
use wasmtime::{Engine, Store, Trap};

use crate::bindings::{
    ComponentInfo, ExtractedContent, ExtractionError, ExtractionMode, ExtractionStats, Extractor,
    ExtractorPre, HealthStatus,
};
use crate::circuit::{Admission, CircuitBreaker, CircuitState};
use crate::clock::{Clock, SystemClock};
use crate::config::{Isolation, PoolConfig};
use crate::engine::{self, LoadInfo};
use crate::error::PoolError;
use crate::events::{DiscardReason, EventListener, PoolEvent, Tier};
use crate::host::{self, HostState};
use crate::metrics::{Metrics, MetricsSnapshot, TierCounts};
use crate::tuner::HotTuner;

/// The size of a guest result in bytes, checked against `max_output_bytes`.
pub trait OutputSize {
    /// Bytes of text the value carries.
    fn output_size(&self) -> usize;
}

impl OutputSize for () {
    fn output_size(&self) -> usize {
        0
    }
}
impl OutputSize for bool {
    fn output_size(&self) -> usize {
        1
    }
}
impl OutputSize for String {
    fn output_size(&self) -> usize {
        self.len()
    }
}
impl OutputSize for Vec<String> {
    fn output_size(&self) -> usize {
        self.iter().map(String::len).sum()
    }
}
impl<T: OutputSize> OutputSize for Option<T> {
    fn output_size(&self) -> usize {
        self.as_ref().map_or(0, OutputSize::output_size)
    }
}
impl<T: OutputSize, U: OutputSize> OutputSize for (T, U) {
    fn output_size(&self) -> usize {
        self.0.output_size() + self.1.output_size()
    }
}
impl<T: OutputSize> OutputSize for Result<T, ExtractionError> {
    fn output_size(&self) -> usize {
        match self {
            Ok(v) => v.output_size(),
            Err(e) => e.output_size(),
        }
    }
}
impl OutputSize for ExtractionError {
    fn output_size(&self) -> usize {
        match self {
            ExtractionError::InvalidHtml(m)
            | ExtractionError::NetworkError(m)
            | ExtractionError::ParseError(m)
            | ExtractionError::ResourceLimit(m)
            | ExtractionError::ExtractorError(m)
            | ExtractionError::InternalError(m)
            | ExtractionError::UnsupportedMode(m) => m.len(),
        }
    }
}
impl OutputSize for ExtractedContent {
    fn output_size(&self) -> usize {
        self.url.len()
            + self.title.output_size()
            + self.byline.output_size()
            + self.published_iso.output_size()
            + self.markdown.len()
            + self.text.len()
            + self.links.output_size()
            + self.media.output_size()
            + self.language.output_size()
            + self.categories.output_size()
            + self.site_name.output_size()
            + self.description.output_size()
    }
}
impl OutputSize for ExtractionStats {
    fn output_size(&self) -> usize {
        std::mem::size_of::<Self>()
    }
}
impl OutputSize for HealthStatus {
    fn output_size(&self) -> usize {
        self.status.len()
            + self.version.len()
            + self.extractor_version.len()
            + self.capabilities.output_size()
    }
}
impl OutputSize for ComponentInfo {
    fn output_size(&self) -> usize {
        self.name.len()
            + self.version.len()
            + self.component_model_version.len()
            + self.features.output_size()
            + self.supported_modes.output_size()
            + self.build_timestamp.output_size()
            + self.git_commit.output_size()
    }
}

/// One Store with the component instantiated and its exports looked up.
struct Instance {
    parts: Option<(Store<HostState>, Extractor)>,
    born: Instant,
    last_used: Instant,
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
enum Disposition {
    Keep,
    Discard(DiscardReason),
}

struct Inner {
    engine: Engine,
    component: Component,
    pre: ExtractorPre<HostState>,
    config: PoolConfig,
    clock: Arc<dyn Clock>,
    hot: ArrayQueue<Instance>,
    reuse: Option<ArrayQueue<Instance>>,
    permits: Arc<Semaphore>,
    hot_target: AtomicUsize,
    live: Arc<AtomicUsize>,
    /// Warm and cold leases handed out whose instance does not exist yet (it is instantiated
    /// when the call runs): they count as slots in use for the warm/cold decision. Counted by
    /// [`Reservation`]s.
    reserved: Arc<AtomicUsize>,
    high_water: AtomicUsize,
    metrics: Metrics,
    circuit: CircuitBreaker,
    listener: Option<Arc<dyn EventListener>>,
    wake: Sender<()>,
    closed: AtomicBool,
    /// Set when the last [`Pool`] handle is dropped: the refill thread stops filling and ends
    /// (leases still out finish normally).
    abandoned: Arc<AtomicBool>,
    deadline_ticks: u64,
    tuner: Mutex<(HotTuner, u64, u64)>,
    /// Held by the refill work for its whole round: `shutdown` takes it after closing, so no
    /// instantiation in progress can join a tier it has drained.
    refill_lock: Mutex<()>,
    load: LoadInfo,
    epochs: AtomicU64,
}

impl Inner {
    /// Whether the refill thread should stop: shut down, or no handle left to use the pool.
    fn stopping(&self) -> bool {
        self.closed.load(SeqCst) || self.abandoned.load(SeqCst)
    }

    /// Tell the listener. A listener that panics loses that event and nothing else: the
    /// pool's accounting never depends on it.
    fn emit(&self, event: PoolEvent) {
        if let Some(listener) = &self.listener {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                listener.on_event(&event);
            }));
        }
    }

    /// Instantiate the component into a new Store, counted as created for `tier`; with the
    /// reservation of the warm or cold lease it is made for (see [`Inner::take`]), which it
    /// ends.
    fn instantiate(
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
                .map_err(|e| PoolError::Instantiate(e.to_string()))?;
        }
        let live_now = self.live.fetch_add(1, SeqCst) + 1;
        let bindings = match self.pre.instantiate(&mut store) {
            Ok(b) => b,
            Err(e) => {
                self.live.fetch_sub(1, SeqCst);
                return Err(PoolError::Instantiate(format!("{e:#}")));
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

    fn discard(&self, instance: Instance, reason: DiscardReason) {
        drop(instance);
        self.metrics.discards[reason.index()].fetch_add(1, Relaxed);
        self.emit(PoolEvent::InstanceDiscarded { reason });
    }

    /// Take an instance for a request: reusable, then hot; else a reserved slot, whose
    /// instance is made on the blocking thread of the call (never on an async worker); with
    /// the tier it counts for.
    fn take(&self) -> (Slot, Tier) {
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
        // Leases whose instance is still to be made count as slots in use.
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
    fn recycle(&self, mut instance: Instance) {
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
    fn maintain(&self) {
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
}

/// A pool of instances of the extractor component.
///
/// Cloning is cheap (an `Arc`); every clone serves from the same tiers.
///
/// ```no_run
/// # async fn demo(component: Vec<u8>) -> Result<(), riptide_pool::PoolError> {
/// use riptide_pool::{Pool, PoolConfig, bindings::ExtractionMode};
/// let pool = Pool::builder(&component).config(PoolConfig::default()).build()?;
/// let doc = pool
///     .extract("<p>Hello</p>".into(), "https://example.com/".into(), ExtractionMode::Full)
///     .await?
///     .expect("the guest extracted the page");
/// assert_eq!(doc.text, "Hello");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Pool {
    inner: Arc<Inner>,
    /// Shared by the clones of this pool (not by leases or the background threads).
    _handle: Arc<Handle>,
}

/// Tells the refill thread that no [`Pool`] handle is left, when the last one is dropped.
struct Handle(Arc<AtomicBool>);

impl Drop for Handle {
    fn drop(&mut self) {
        self.0.store(true, SeqCst);
    }
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("config", &self.inner.config)
            .field("live", &self.inner.live.load(Relaxed))
            .finish_non_exhaustive()
    }
}

/// Builds a [`Pool`].
pub struct PoolBuilder<'a> {
    component: &'a [u8],
    config: PoolConfig,
    clock: Arc<dyn Clock>,
    listener: Option<Arc<dyn EventListener>>,
    validator: Option<&'a Validator>,
}

impl<'a> PoolBuilder<'a> {
    /// Use this configuration (validated in [`build`](Self::build)).
    pub fn config(mut self, config: PoolConfig) -> Self {
        self.config = config;
        self
    }

    /// Use this clock for expiry, tuning and the circuit breaker (tests use [`crate::ManualClock`]).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Send events to this listener.
    pub fn listener(mut self, listener: Arc<dyn EventListener>) -> Self {
        self.listener = Some(listener);
        self
    }

    /// Check the component with this validator (another expected world, more allowed
    /// imports) instead of the bundled `riptide:extractor` world. Used when `validate_wit` is on.
    pub fn validator(mut self, validator: &'a Validator) -> Self {
        self.validator = Some(validator);
        self
    }

    /// Validate the configuration and the component, compile (or load from the artifact
    /// cache), pre-instantiate and start the background threads. The hot tier is filled on the
    /// refill thread (instantiation only: a hot instance is in exactly the state of a warm or
    /// cold one, the component's pre-initialized state), so this returns as soon as the
    /// component is ready: a request that comes before the fill is done gets a warm or cold
    /// instance instead of a hot one. Use
    /// [`build_filled`](Self::build_filled) to wait for the hot tier.
    ///
    /// # Errors
    /// [`PoolError::Config`], [`PoolError::InvalidComponent`], [`PoolError::Load`],
    /// [`PoolError::Engine`] or [`PoolError::Instantiate`].
    pub fn build(self) -> Result<Pool, PoolError> {
        self.start(Fill::InBackground)
    }

    /// Like [`build`](Self::build), but fill the hot tier up to
    /// [`HotConfig::initial`](crate::HotConfig::initial) before returning, so that the first
    /// requests are served from the hot tier. Start-up then takes one instantiation more per
    /// initial instance.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), riptide_pool::PoolError> {
    /// # let component: Vec<u8> = std::fs::read("riptide_guest.wasm").unwrap_or_default();
    /// use riptide_pool::{Pool, PoolConfig};
    /// let pool = Pool::builder(&component).config(PoolConfig::default()).build_filled()?;
    /// assert_eq!(pool.metrics().hot_depth, pool.config().hot.initial);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`build`](Self::build).
    pub fn build_filled(self) -> Result<Pool, PoolError> {
        self.start(Fill::Now)
    }

    fn start(self, fill: Fill) -> Result<Pool, PoolError> {
        let config = self.config;
        config.validate()?;
        if config.validate_wit {
            let validator = self.validator.unwrap_or_else(|| default_validator());
            let report = validator.validate(self.component);
            if !report.is_valid() {
                return Err(PoolError::InvalidComponent {
                    report: report.to_string(),
                });
            }
        }
        let engine = engine::engine(&config)?;
        let cache_dir = if config.artifact_cache {
            config.cache_dir.clone().or_else(engine::default_cache_dir)
        } else {
            None
        };
        let (component, load) =
            engine::load_component(&engine, self.component, cache_dir.as_deref())?;
        let linker: Linker<HostState> =
            host::linker(&engine).map_err(|e| PoolError::Engine(format!("{e:#}")))?;
        let instance_pre = linker
            .instantiate_pre(&component)
            .map_err(|e| PoolError::Instantiate(format!("{e:#}")))?;
        let pre = ExtractorPre::new(instance_pre)
            .map_err(|e| PoolError::Instantiate(format!("{e:#}")))?;

        let tick = config.epoch_tick;
        let deadline_ticks =
            u64::try_from(config.call_timeout.as_nanos().div_ceil(tick.as_nanos()))
                .unwrap_or(u64::MAX);
        let (wake, wake_rx) = channel::bounded(1);
        let now = self.clock.now();
        let hot = &config.hot;
        let inner = Arc::new(Inner {
            hot: ArrayQueue::new(hot.max.max(1)),
            reuse: (!config.isolation.is_per_request())
                .then(|| ArrayQueue::new(config.max_instances)),
            permits: Arc::new(Semaphore::new(config.max_instances)),
            hot_target: AtomicUsize::new(hot.initial),
            live: Arc::new(AtomicUsize::new(0)),
            reserved: Arc::new(AtomicUsize::new(0)),
            high_water: AtomicUsize::new(0),
            metrics: Metrics::new(),
            circuit: CircuitBreaker::new(config.circuit.clone(), Arc::clone(&self.clock)),
            refill_lock: Mutex::new(()),
            tuner: Mutex::new((
                HotTuner::new(hot.min, hot.max, hot.initial, hot.tune_interval, now),
                0,
                0,
            )),
            listener: self.listener,
            clock: self.clock,
            wake,
            closed: AtomicBool::new(false),
            abandoned: Arc::new(AtomicBool::new(false)),
            deadline_ticks,
            engine,
            component,
            pre,
            config,
            load,
            epochs: AtomicU64::new(0),
        });
        inner.emit(PoolEvent::ComponentLoaded {
            from_cache: inner.load.from_cache,
            note: inner.load.note.clone(),
        });
        // The ticker first: start-up code run by instantiation is under the call deadline.
        spawn_ticker(Arc::downgrade(&inner), tick)?;
        match fill {
            Fill::Now => inner.maintain(),
            // The refill thread's first round fills the hot tier.
            Fill::InBackground => {
                let _ = inner.wake.try_send(());
            }
        }
        spawn_refiller(Arc::downgrade(&inner), wake_rx)?;
        let handle = Arc::new(Handle(Arc::clone(&inner.abandoned)));
        Ok(Pool {
            inner,
            _handle: handle,
        })
    }
}

/// When [`PoolBuilder`] fills the hot tier.
#[derive(Debug, Clone, Copy)]
enum Fill {
    /// Before `build_filled` returns.
    Now,
    /// On the refill thread, right after `build` returns.
    InBackground,
}

/// The validator for the bundled world, shared so that its report cache serves every pool.
fn default_validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| Validator::new(ExpectedWorld::bundled()))
}

fn spawn_ticker(weak: Weak<Inner>, tick: Duration) -> Result<(), PoolError> {
    let engine = match weak.upgrade() {
        Some(inner) => inner.engine.clone(),
        None => return Ok(()),
    };
    std::thread::Builder::new()
        .name("riptide-epoch".into())
        .spawn(move || {
            let started = Instant::now();
            let mut ticks: u64 = 0;
            loop {
                std::thread::sleep(tick);
                let Some(inner) = weak.upgrade() else { break };
                // The epoch follows the wall clock, not the number of wake-ups: on a loaded
                // machine a late wake-up catches up, so deadlines do not stretch.
                let due = u64::try_from(started.elapsed().as_nanos() / tick.as_nanos())
                    .unwrap_or(u64::MAX)
                    .max(ticks + 1);
                while ticks < due {
                    engine.increment_epoch();
                    inner.epochs.fetch_add(1, Relaxed);
                    ticks += 1;
                }
            }
        })
        .map(drop)
        .map_err(|e| PoolError::Engine(format!("could not start the epoch thread: {e}")))
}

fn spawn_refiller(weak: Weak<Inner>, wake: Receiver<()>) -> Result<(), PoolError> {
    let interval = match weak.upgrade() {
        Some(inner) => inner.config.hot.tune_interval,
        None => return Ok(()),
    };
    std::thread::Builder::new()
        .name("riptide-refill".into())
        .spawn(move || {
            while let Ok(()) | Err(RecvTimeoutError::Timeout) = wake.recv_timeout(interval) {
                let Some(inner) = weak.upgrade() else { break };
                if inner.stopping() {
                    break;
                }
                inner.maintain();
            }
        })
        .map(drop)
        .map_err(|e| PoolError::Engine(format!("could not start the refill thread: {e}")))
}

/// What a lease serves its call with.
#[allow(
    clippy::large_enum_variant,
    reason = "one per lease, moved once into the call; boxing would allocate per request"
)]
enum Slot {
    /// A hot or reusable instance.
    Ready(Instance),
    /// A slot for an instance the call makes.
    Reserved(Reservation),
}

/// A warm or cold slot claimed before its instance exists: counted in `Inner::reserved` until
/// the instance is made or the lease ends, however it ends.
struct Reservation(Arc<AtomicUsize>);

impl Drop for Reservation {
    fn drop(&mut self) {
        self.0.fetch_sub(1, SeqCst);
    }
}

/// One admitted call, from `acquire` to its end, however it ends: it holds the in-use count
/// and the circuit breaker's admission. [`finish`](Self::finish) records the outcome; dropped
/// without it (the lease dropped unused, the task never run or cancelled, a panic), the call
/// counts as ended with no outcome, so a half-open breaker gets its probe place back.
struct Call {
    inner: Arc<Inner>,
    admission: Option<Admission>,
}

impl Call {
    fn new(inner: &Arc<Inner>, admission: Admission) -> Self {
        inner.metrics.in_use.fetch_add(1, SeqCst);
        Call {
            inner: Arc::clone(inner),
            admission: Some(admission),
        }
    }

    /// Record the outcome with the circuit breaker.
    fn finish(mut self, ok: bool) {
        if let Some(admission) = self.admission.take()
            && let Some((from, to)) = self.inner.circuit.record(admission, ok)
        {
            self.inner.emit(PoolEvent::CircuitChanged { from, to });
        }
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        self.inner.metrics.in_use.fetch_sub(1, SeqCst);
        if let Some(admission) = self.admission.take() {
            self.inner.circuit.abandon(admission);
        }
    }
}

/// An instance taken from the pool for one request. Dropping it unused discards the
/// instance and frees its place.
pub struct Lease {
    inner: Arc<Inner>,
    /// The instance, or the slot reserved for the one the call makes; `None` once taken.
    slot: Option<Slot>,
    /// Held until the call ends; `None` once [`run`](Self::run) took it.
    permit: Option<OwnedSemaphorePermit>,
    /// The in-use count and the breaker's admission, until the call ends.
    call: Option<Call>,
    tier: Tier,
    /// When `acquire` began (a warm or cold lease records its acquire latency on
    /// instantiation).
    acquire_started: Instant,
}

impl std::fmt::Debug for Lease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lease")
            .field("tier", &self.tier)
            .finish_non_exhaustive()
    }
}

impl Lease {
    /// The tier the instance came from.
    pub fn tier(&self) -> Tier {
        self.tier
    }

    /// Run `f` on the instance on a blocking thread (instantiating it there first when the
    /// lease is warm or cold), under the deadline, memory cap and output limit. The result is
    /// sent back before the instance is dropped or recycled.
    ///
    /// # Errors
    /// [`PoolError::Instantiate`], [`PoolError::Timeout`], [`PoolError::MemoryLimit`],
    /// [`PoolError::Trap`] or [`PoolError::OutputTooLarge`].
    pub async fn run<R, F>(mut self, f: F) -> Result<R, PoolError>
    where
        F: FnOnce(&Extractor, &mut Store<HostState>) -> wasmtime::Result<R> + Send + 'static,
        R: OutputSize + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        let (Some(permit), Some(call), Some(slot)) =
            (self.permit.take(), self.call.take(), self.slot.take())
        else {
            return Err(PoolError::ShutDown);
        };
        let tier = self.tier;
        let acquire_started = self.acquire_started;
        let (tx, rx) = tokio::sync::oneshot::channel();
        tokio::task::spawn_blocking(move || {
            let made = match slot {
                Slot::Ready(instance) => Ok(instance),
                Slot::Reserved(reservation) => inner
                    .instantiate(tier, Some(reservation))
                    .inspect(|_| inner.metrics.acquire.record(acquire_started.elapsed())),
            };
            let mut instance = match made {
                Ok(instance) => instance,
                Err(e) => {
                    inner.metrics.calls_failed.fetch_add(1, Relaxed);
                    call.finish(false);
                    let _ = tx.send(Err(e));
                    drop(permit);
                    return;
                }
            };
            let (outcome, disposition) = execute(&inner, &mut instance, f);
            let failed =
                matches!(disposition, Disposition::Discard(r) if r != DiscardReason::Served);
            if failed {
                inner.metrics.calls_failed.fetch_add(1, Relaxed);
            } else {
                inner.metrics.calls_ok.fetch_add(1, Relaxed);
            }
            call.finish(!failed);
            match disposition {
                // Recycling is a queue push: done before answering, so the next request
                // can take this instance.
                Disposition::Keep => {
                    inner.recycle(instance);
                    let _ = tx.send(outcome);
                }
                // Dropping a Store resets its memory: done after answering, off the
                // request's latency.
                Disposition::Discard(reason) => {
                    let _ = tx.send(outcome);
                    inner.discard(instance, reason);
                }
            }
            drop(permit);
        });
        rx.await.unwrap_or_else(|_| {
            Err(PoolError::Trap {
                message: "the host task running the call ended without a result".into(),
            })
        })
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        // Dropped without `run`: the call (if any) ends with no outcome, a reserved slot is
        // given back with its reservation, and an instance is discarded.
        drop(self.call.take());
        if let Some(Slot::Ready(instance)) = self.slot.take() {
            self.inner.discard(instance, DiscardReason::Cancelled);
        }
    }
}

/// Whether `error` is wasmtime stopping the copy of a result out of the guest's memory
/// because the call's hostcall fuel ran out (its error type is private: its message is what
/// identifies it; a test of the hostile guest keeps that in check).
fn is_copy_limit(error: &wasmtime::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .to_string()
            .contains("fuel allocated for hostcalls has been exhausted")
    })
}

/// Why a guest call that failed with `error` failed: the memory cap, the output cap (the copy
/// was stopped), the deadline (epoch interruption, or fuel), or any other trap.
fn failure_reason(error: &wasmtime::Error, state: &HostState) -> DiscardReason {
    if state.hit_memory_limit() {
        DiscardReason::MemoryLimit
    } else if is_copy_limit(error) {
        DiscardReason::OutputTooLarge
    } else if matches!(
        error.downcast_ref::<Trap>(),
        Some(Trap::Interrupt | Trap::OutOfFuel)
    ) {
        DiscardReason::Timeout
    } else {
        DiscardReason::Trapped
    }
}

fn execute<R, F>(
    inner: &Inner,
    instance: &mut Instance,
    f: F,
) -> (Result<R, PoolError>, Disposition)
where
    F: FnOnce(&Extractor, &mut Store<HostState>) -> wasmtime::Result<R>,
    R: OutputSize,
{
    let Some((store, bindings)) = instance.parts.as_mut() else {
        return (
            Err(PoolError::Instantiate(
                "the instance was already released".into(),
            )),
            Disposition::Discard(DiscardReason::Trapped),
        );
    };
    store.set_epoch_deadline(inner.deadline_ticks);
    // Waits of the guest end at the deadline (host calls are not interrupted by epochs).
    store
        .data_mut()
        .begin_call(Instant::now().checked_add(inner.config.call_timeout));
    // What the guest may make the host copy out of its memory for this call: every string
    // byte and every list element (charged at the size of its host value) counts, so the
    // copy stops before the host allocates more than about `max_output_bytes`.
    store.set_hostcall_fuel(inner.config.max_output_bytes);
    if let Some(fuel) = inner.config.fuel
        && let Err(e) = store.set_fuel(fuel)
    {
        return (
            Err(PoolError::Instantiate(e.to_string())),
            Disposition::Discard(DiscardReason::Trapped),
        );
    }
    let started = Instant::now();
    let result = f(bindings, store);
    inner.metrics.call.record(started.elapsed());
    // A guest whose wait was cut at the deadline has run out of time, whatever it returned.
    let result = match result {
        Ok(_) if store.data().waited_past_deadline() => Err(wasmtime::Error::from(Trap::Interrupt)),
        other => other,
    };
    match result {
        Ok(value) => {
            let size = value.output_size();
            let limit = inner.config.max_output_bytes;
            if size > limit {
                (
                    Err(PoolError::OutputTooLarge {
                        size: Some(size),
                        limit,
                    }),
                    Disposition::Discard(DiscardReason::OutputTooLarge),
                )
            } else if inner.config.isolation.is_per_request() {
                (Ok(value), Disposition::Discard(DiscardReason::Served))
            } else {
                (Ok(value), Disposition::Keep)
            }
        }
        Err(error) => {
            let state = store.data();
            match failure_reason(&error, state) {
                DiscardReason::MemoryLimit => (
                    Err(PoolError::MemoryLimit {
                        limit: inner.config.memory_limit_bytes,
                    }),
                    Disposition::Discard(DiscardReason::MemoryLimit),
                ),
                DiscardReason::Timeout => (
                    Err(PoolError::Timeout {
                        deadline: inner.config.call_timeout,
                    }),
                    Disposition::Discard(DiscardReason::Timeout),
                ),
                DiscardReason::OutputTooLarge => (
                    Err(PoolError::OutputTooLarge {
                        size: None,
                        limit: inner.config.max_output_bytes,
                    }),
                    Disposition::Discard(DiscardReason::OutputTooLarge),
                ),
                _ => {
                    let mut message = error
                        .downcast_ref::<Trap>()
                        .map_or_else(|| format!("{error:#}"), ToString::to_string);
                    let stderr = state.stderr();
                    let printed: Vec<&str> = stderr
                        .lines()
                        .filter(|l| !l.starts_with("note: run with `RUST_BACKTRACE"))
                        .collect();
                    if !printed.is_empty() {
                        message = format!("{message}; the guest printed: {}", printed.join(" "));
                    }
                    (
                        Err(PoolError::Trap { message }),
                        Disposition::Discard(DiscardReason::Trapped),
                    )
                }
            }
        }
    }
}

/// Facts about the pool's start.
#[derive(Debug, Clone)]
pub struct StartupInfo {
    /// Whether the compiled component came from the artifact cache.
    pub from_cache: bool,
    /// Why not, when the cache was on and missed.
    pub note: Option<String>,
    /// Time spent compiling or loading the component.
    pub load_time: Duration,
}

impl Pool {
    /// Start building a pool for the component `bytes`.
    pub fn builder(component: &[u8]) -> PoolBuilder<'_> {
        PoolBuilder {
            component,
            config: PoolConfig::default(),
            clock: Arc::new(SystemClock),
            listener: None,
            validator: None,
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> &PoolConfig {
        &self.inner.config
    }

    /// The engine (shared with the pool's instances).
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The compiled component.
    pub fn component(&self) -> &Component {
        &self.inner.component
    }

    /// How the component was loaded.
    pub fn startup(&self) -> StartupInfo {
        StartupInfo {
            from_cache: self.inner.load.from_cache,
            note: self.inner.load.note.clone(),
            load_time: self.inner.load.elapsed,
        }
    }

    /// Wait for a free instance (up to `acquire_timeout`) and take one from the best tier.
    ///
    /// # Errors
    /// [`PoolError::ShutDown`], [`PoolError::PoolExhausted`] or [`PoolError::CircuitOpen`].
    pub async fn acquire(&self) -> Result<Lease, PoolError> {
        let inner = &self.inner;
        if inner.closed.load(SeqCst) {
            return Err(PoolError::ShutDown);
        }
        let started = Instant::now();
        let permit = match Arc::clone(&inner.permits).try_acquire_owned() {
            Ok(permit) => permit,
            Err(TryAcquireError::Closed) => return Err(PoolError::ShutDown),
            Err(TryAcquireError::NoPermits) => {
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
        // A warm or cold lease is acquired once its instance exists: recorded by `run`.
        if let Slot::Ready(_) = slot {
            inner.metrics.acquire.record(started.elapsed());
        }
        inner.metrics.hits[tier.index()].fetch_add(1, Relaxed);
        inner.emit(PoolEvent::TierHit { tier });
        Ok(Lease {
            inner: Arc::clone(inner),
            slot: Some(slot),
            permit: Some(permit),
            call: Some(call),
            tier,
            acquire_started: started,
        })
    }

    /// Acquire an instance and run `f` on it (see [`Lease::run`]).
    ///
    /// # Errors
    /// Those of [`acquire`](Self::acquire) and [`Lease::run`].
    pub async fn call<R, F>(&self, f: F) -> Result<R, PoolError>
    where
        F: FnOnce(&Extractor, &mut Store<HostState>) -> wasmtime::Result<R> + Send + 'static,
        R: OutputSize + Send + 'static,
    {
        self.acquire().await?.run(f).await
    }

    /// The guest's `extract`.
    ///
    /// # Errors
    /// A [`PoolError`] when the sandbox failed; the guest's own verdict is the inner result.
    pub async fn extract(
        &self,
        html: String,
        url: String,
        mode: ExtractionMode,
    ) -> Result<Result<ExtractedContent, ExtractionError>, PoolError> {
        self.call(move |b, s| b.call_extract(s, &html, &url, &mode))
            .await
    }

    /// The guest's `extract-with-stats`.
    ///
    /// # Errors
    /// As for [`extract`](Self::extract).
    pub async fn extract_with_stats(
        &self,
        html: String,
        url: String,
        mode: ExtractionMode,
    ) -> Result<Result<(ExtractedContent, ExtractionStats), ExtractionError>, PoolError> {
        self.call(move |b, s| b.call_extract_with_stats(s, &html, &url, &mode))
            .await
    }

    /// The guest's `validate-html`.
    ///
    /// # Errors
    /// As for [`extract`](Self::extract).
    pub async fn validate_html(
        &self,
        html: String,
    ) -> Result<Result<bool, ExtractionError>, PoolError> {
        self.call(move |b, s| b.call_validate_html(s, &html)).await
    }

    /// The guest's `health-check`.
    ///
    /// # Errors
    /// A [`PoolError`] when the sandbox failed.
    pub async fn health_check(&self) -> Result<HealthStatus, PoolError> {
        self.call(|b, s| b.call_health_check(s)).await
    }

    /// The guest's `get-info`.
    ///
    /// # Errors
    /// A [`PoolError`] when the sandbox failed.
    pub async fn get_info(&self) -> Result<ComponentInfo, PoolError> {
        self.call(|b, s| b.call_get_info(s)).await
    }

    /// The guest's `get-modes`.
    ///
    /// # Errors
    /// A [`PoolError`] when the sandbox failed.
    pub async fn get_modes(&self) -> Result<Vec<String>, PoolError> {
        self.call(|b, s| b.call_get_modes(s)).await
    }

    /// The guest's `reset-state`.
    ///
    /// # Errors
    /// A [`PoolError`] when the sandbox failed.
    pub async fn reset_state(&self) -> Result<Result<String, ExtractionError>, PoolError> {
        self.call(|b, s| b.call_reset_state(s)).await
    }

    /// A snapshot of the metrics.
    pub fn metrics(&self) -> MetricsSnapshot {
        let m = &self.inner.metrics;
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
            in_use: m.in_use.load(SeqCst),
            hot_depth: self.inner.hot.len(),
            reuse_depth: self.inner.reuse.as_ref().map_or(0, ArrayQueue::len),
            hot_target: self.inner.hot_target.load(SeqCst),
            live_instances: self.inner.live.load(SeqCst),
            acquire_p50_ns: m.acquire.quantile(0.5),
            acquire_p99_ns: m.acquire.quantile(0.99),
            call_p50_ns: m.call.quantile(0.5),
            call_p99_ns: m.call.quantile(0.99),
            circuit: self.inner.circuit.state(),
        }
    }

    /// Free request places (semaphore permits) right now.
    pub fn available_permits(&self) -> usize {
        self.inner.permits.available_permits()
    }

    /// Run the refill thread's work now (tune, expire, refill) — for tests with a manual clock.
    pub fn maintain_now(&self) {
        self.inner.maintain();
    }

    /// The circuit breaker's state.
    pub fn circuit_state(&self) -> CircuitState {
        self.inner.circuit.state()
    }

    /// Stop taking requests, wait for those in flight, then drop every idle instance.
    /// Later calls fail with [`PoolError::ShutDown`].
    pub async fn shutdown(&self) {
        let inner = &self.inner;
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

    /// Whether [`shutdown`](Self::shutdown) was called.
    pub fn is_shut_down(&self) -> bool {
        self.inner.closed.load(SeqCst)
    }
}
