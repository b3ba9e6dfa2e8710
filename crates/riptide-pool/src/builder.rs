//! [`PoolBuilder`]: check the configuration and the component, compile or load it, start
//! the background threads.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};
use std::sync::{Arc, OnceLock};

use crossbeam::channel;
use crossbeam::queue::ArrayQueue;
use parking_lot::Mutex;
use riptide_wit_check::{ExpectedWorld, Validator};
use tokio::sync::Semaphore;
use wasmtime::component::Linker;

use crate::bindings::ExtractorPre;
use crate::circuit::CircuitBreaker;
use crate::clock::{Clock, SystemClock};
use crate::config::PoolConfig;
use crate::engine;
use crate::error::{PoolError, cause};
use crate::events::{EventListener, PoolEvent};
use crate::host::{self, HostState};
use crate::memory::{MemoryProbe, Pressure, SystemMemoryProbe};
use crate::metrics::Metrics;
use crate::pool::{Handle, Pool, WitCheck};
use crate::shared::Shared;
use crate::threads::{spawn_refiller, spawn_ticker};
use crate::tuner::HotTuner;

/// Builds a [`Pool`].
pub struct PoolBuilder<'a> {
    component: &'a [u8],
    config: PoolConfig,
    clock: Arc<dyn Clock>,
    listener: Option<Arc<dyn EventListener>>,
    validator: Option<&'a Validator>,
    probe: Arc<dyn MemoryProbe>,
}

impl<'a> PoolBuilder<'a> {
    pub(crate) fn new(component: &'a [u8]) -> Self {
        PoolBuilder {
            component,
            config: PoolConfig::default(),
            clock: Arc::new(SystemClock),
            listener: None,
            validator: None,
            probe: Arc::new(SystemMemoryProbe),
        }
    }

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

    /// Measure memory for the [`MemoryBudget`](crate::MemoryBudget) with this probe instead
    /// of [`SystemMemoryProbe`] (tests inject one; see [`MemoryProbe`]).
    pub fn memory_probe(mut self, probe: Arc<dyn MemoryProbe>) -> Self {
        self.probe = probe;
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
    /// assert_eq!(pool.status().hot_depth, pool.config().hot.initial);
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
        let wit_check = if config.validate_wit {
            let validator = self.validator.unwrap_or_else(|| default_validator());
            let started = std::time::Instant::now();
            let report = validator.validate(self.component);
            let duration = started.elapsed();
            if !report.is_valid() {
                return Err(PoolError::InvalidComponent {
                    report: report.to_string(),
                });
            }
            WitCheck {
                component_sha256: report.component_sha256.clone(),
                duration,
                errors: report.errors().count(),
                warnings: report.warnings().count(),
                skipped: false,
                warning: None,
            }
        } else {
            WitCheck::skipped(self.component)
        };
        let engine = engine::engine(&config)?;
        let cache_dir = if config.artifact_cache {
            config.cache_dir.clone().or_else(engine::default_cache_dir)
        } else {
            None
        };
        let (component, load) =
            engine::load_component(&engine, self.component, cache_dir.as_deref())?;
        let linker: Linker<HostState> = host::linker(&engine).map_err(|e| PoolError::Engine {
            what: "the WASI linker",
            source: cause(e),
        })?;
        let instance_pre = linker
            .instantiate_pre(&component)
            .map_err(|e| PoolError::Instantiate { source: cause(e) })?;
        let pre = ExtractorPre::new(instance_pre)
            .map_err(|e| PoolError::Instantiate { source: cause(e) })?;

        let tick = config.epoch_tick;
        let deadline_ticks =
            u64::try_from(config.call_timeout.as_nanos().div_ceil(tick.as_nanos()))
                .unwrap_or(u64::MAX);
        let (wake, wake_rx) = channel::bounded(1);
        let now = self.clock.now();
        let hot = &config.hot;
        let shared = Arc::new(Shared {
            hot: ArrayQueue::new(hot.max.max(1)),
            reuse: (!config.isolation.is_per_request())
                .then(|| ArrayQueue::new(config.max_instances)),
            permits: Arc::new(Semaphore::new(config.max_instances)),
            // Without tiering the hot tier stays empty.
            hot_target: AtomicUsize::new(if config.tiering { hot.initial } else { 0 }),
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
            pre,
            config,
            load,
            waiting: AtomicUsize::new(0),
            wit_check,
            probe: self.probe,
            pressure: Mutex::new(Pressure::default()),
            under_pressure: AtomicBool::new(false),
            started: now,
            fresh_bytes: AtomicU64::new(0),
        });
        shared.emit(PoolEvent::ComponentLoaded {
            from_cache: shared.load.from_cache,
            note: shared.load.note.clone(),
        });
        if shared.wit_check.skipped {
            shared.emit(PoolEvent::WitCheckSkipped);
        }
        // The ticker first: start-up code run by instantiation is under the call deadline.
        spawn_ticker(Arc::downgrade(&shared), tick)?;
        // Without tiering there is nothing to fill, and no refill thread.
        if shared.config.tiering {
            match fill {
                Fill::Now => shared.maintain(),
                // The refill thread's first round fills the hot tier (if it has one).
                Fill::InBackground => shared.wake_if_short(),
            }
            spawn_refiller(Arc::downgrade(&shared), wake_rx)?;
        }
        let handle = Arc::new(Handle::new(Arc::clone(&shared.abandoned)));
        Ok(Pool::new(shared, handle))
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
