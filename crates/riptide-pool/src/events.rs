//! Pool events for an optional listener.

use serde::Serialize;

use crate::circuit::CircuitState;

/// Where an instance came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Pre-instantiated off the request path (or, under `Reuse`, reused).
    Hot,
    /// Instantiated on the request path into a pooling slot used before.
    Warm,
    /// Instantiated on the request path into a slot never used before.
    Cold,
}

impl Tier {
    /// The tier as a lower-case word.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Hot => "hot",
            Tier::Warm => "warm",
            Tier::Cold => "cold",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// Why an instance was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiscardReason {
    /// Per-request isolation: it served its one request.
    Served,
    /// It trapped (including panics and memory-limit aborts).
    Trapped,
    /// It ran past its deadline.
    Timeout,
    /// It hit the memory cap.
    MemoryLimit,
    /// Its result was larger than `max_output_bytes`.
    OutputTooLarge,
    /// It idled in the hot tier past `idle_expiry`, or aged past `Reuse::max_age`.
    Expired,
    /// It served `Reuse::max_uses` requests.
    MaxUses,
    /// The hot tier was above its target, or a queue was full.
    Surplus,
    /// The pool shut down.
    Shutdown,
    /// The request was cancelled before the instance was used.
    Cancelled,
    /// It idled while the pool was over its [`MemoryBudget`](crate::MemoryBudget) (a
    /// demotion: dropped oldest first).
    MemoryPressure,
}

impl DiscardReason {
    /// Every reason, in a fixed order.
    pub const ALL: [DiscardReason; 11] = [
        DiscardReason::Served,
        DiscardReason::Trapped,
        DiscardReason::Timeout,
        DiscardReason::MemoryLimit,
        DiscardReason::OutputTooLarge,
        DiscardReason::Expired,
        DiscardReason::MaxUses,
        DiscardReason::Surplus,
        DiscardReason::Shutdown,
        DiscardReason::Cancelled,
        DiscardReason::MemoryPressure,
    ];

    /// The reason as a snake_case word.
    pub fn as_str(self) -> &'static str {
        match self {
            DiscardReason::Served => "served",
            DiscardReason::Trapped => "trapped",
            DiscardReason::Timeout => "timeout",
            DiscardReason::MemoryLimit => "memory_limit",
            DiscardReason::OutputTooLarge => "output_too_large",
            DiscardReason::Expired => "expired",
            DiscardReason::MaxUses => "max_uses",
            DiscardReason::Surplus => "surplus",
            DiscardReason::Shutdown => "shutdown",
            DiscardReason::Cancelled => "cancelled",
            DiscardReason::MemoryPressure => "memory_pressure",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// Why the hot tier's target changed (see [`TunerDecision`](crate::TunerDecision)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TuneReason {
    /// More than 2 % of the requests missed the hot tier: the auto-tuner grew it.
    Misses,
    /// No miss for 4 intervals, or no request: the auto-tuner shrank it by one.
    Calm,
    /// The pool went over its memory budget: the tier was demoted.
    MemoryPressure,
    /// The memory pressure ended: the target went back up.
    PressureEnded,
}

impl TuneReason {
    /// The reason as a snake_case word.
    pub fn as_str(self) -> &'static str {
        match self {
            TuneReason::Misses => "misses",
            TuneReason::Calm => "calm",
            TuneReason::MemoryPressure => "memory_pressure",
            TuneReason::PressureEnded => "pressure_ended",
        }
    }
}

/// Something that happened in the pool.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum PoolEvent {
    /// An instance was created.
    InstanceCreated {
        /// The tier it was created for.
        tier: Tier,
    },
    /// An instance was dropped.
    InstanceDiscarded {
        /// Why.
        reason: DiscardReason,
    },
    /// A request got an instance from a tier.
    TierHit {
        /// Which tier.
        tier: Tier,
    },
    /// The circuit breaker changed state.
    CircuitChanged {
        /// Before.
        from: CircuitState,
        /// After.
        to: CircuitState,
    },
    /// The hot tier's target changed (the auto-tuner, or memory pressure).
    HotTargetChanged {
        /// Before.
        from: usize,
        /// After.
        to: usize,
        /// Why.
        reason: TuneReason,
    },
    /// The pool went over its memory budget (`under: true`) or back under it.
    MemoryPressure {
        /// Whether the pool is under pressure now.
        under: bool,
        /// Resident bytes of the idle instances when measured.
        idle_bytes: u64,
        /// Resident bytes of the process, when measured.
        process_rss_bytes: Option<u64>,
    },
    /// The start-up WIT check was skipped (`validate_wit = false`): a debugging bypass.
    WitCheckSkipped,
    /// The compiled component was loaded from the artifact cache, or compiled.
    ComponentLoaded {
        /// True when it came from the cache.
        from_cache: bool,
        /// Why the cache was not used, when it was not.
        note: Option<String>,
    },
}

/// Receives [`PoolEvent`]s. Called on the thread where the event happens: keep it quick.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use riptide_pool::{EventListener, PoolEvent};
/// #[derive(Default)]
/// struct Count(AtomicUsize);
/// impl EventListener for Count {
///     fn on_event(&self, _event: &PoolEvent) {
///         self.0.fetch_add(1, Ordering::Relaxed);
///     }
/// }
/// ```
pub trait EventListener: Send + Sync {
    /// Called once per event.
    fn on_event(&self, event: &PoolEvent);
}
