//! Pool configuration: one [`PoolConfig`] with a builder and serde support, validated before
//! the pool starts.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How long an instance may serve requests.
///
/// ```
/// use std::time::Duration;
/// use riptide_pool::Isolation;
/// let reuse = Isolation::Reuse { max_uses: 100, max_age: Duration::from_secs(60) };
/// assert!(!reuse.is_per_request());
/// assert!(Isolation::default().is_per_request());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case", tag = "policy")]
pub enum Isolation {
    /// A Store serves exactly one request and is then dropped: no state (statics, heap,
    /// allocator caches) can leak from one request to the next. The default.
    #[default]
    PerRequest,
    /// A Store serves up to `max_uses` requests within `max_age`. Faster on small pages (no
    /// fresh linear memory per request) but a guest that keeps state in statics sees data
    /// of earlier requests: use it only with a trusted component and non-sensitive input.
    /// A Store that trapped, timed out or hit a limit is never reused.
    Reuse {
        /// Requests an instance may serve before it is dropped.
        max_uses: u32,
        /// Age after which an instance is dropped instead of reused.
        #[serde(with = "millis")]
        max_age: Duration,
    },
}

impl Isolation {
    /// Whether every request gets a fresh instance.
    pub fn is_per_request(&self) -> bool {
        matches!(self, Isolation::PerRequest)
    }
}

/// The hot tier: pre-instantiated, never-used instances refilled off the request path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HotConfig {
    /// Instances the auto-tuner never goes below.
    pub min: usize,
    /// Capacity of the hot tier; the auto-tuner never goes above.
    pub max: usize,
    /// Target at start.
    pub initial: usize,
    /// Adjust the target from hit rate and demand (see the crate docs for the algorithm).
    pub auto_tune: bool,
    /// How often the tuner looks at the counters.
    #[serde(with = "millis")]
    pub tune_interval: Duration,
    /// A hot instance unused for this long is dropped (and replaced while the target asks for
    /// it), so idle pools give memory back.
    #[serde(with = "millis")]
    pub idle_expiry: Duration,
}

impl Default for HotConfig {
    fn default() -> Self {
        HotConfig {
            min: 1,
            max: 16,
            initial: 2,
            auto_tune: true,
            tune_interval: Duration::from_millis(250),
            idle_expiry: Duration::from_secs(60),
        }
    }
}

/// A memory budget for the pool's idle instances (see [`PoolConfig::memory_budget`]).
///
/// Every maintenance round (`hot.tune_interval`) the pool measures the resident bytes of its
/// idle instances (hot and, under `Reuse`, reusable ones) and, when `process_rss_bytes` is
/// set, the resident set of the whole process ([`MemoryProbe`](crate::MemoryProbe)). While a
/// limit is exceeded the pool is *under pressure*: idle instances are dropped oldest first
/// (counted as [`DiscardReason::MemoryPressure`](crate::DiscardReason::MemoryPressure)), the
/// hot tier's target shrinks (halved per round under process pressure) and the auto-tuner
/// never grows it. When the pressure ends the target goes back to where it was, as far as
/// the idle budget allows. Both limits unset (the default): no budget.
///
/// ```
/// use riptide_pool::{MemoryBudget, PoolConfig};
/// let config = PoolConfig::builder()
///     .memory_budget(MemoryBudget { idle_bytes: Some(256 << 20), process_rss_bytes: None })
///     .build()?;
/// assert!(config.memory_budget.is_set());
/// assert!(!MemoryBudget::default().is_set());
/// # Ok::<(), riptide_pool::ConfigError>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MemoryBudget {
    /// Most resident bytes the idle instances may hold together.
    pub idle_bytes: Option<usize>,
    /// Most resident bytes of the whole process (its RSS) before idle instances are dropped.
    pub process_rss_bytes: Option<usize>,
}

impl MemoryBudget {
    /// Whether any limit is set.
    pub fn is_set(&self) -> bool {
        self.idle_bytes.is_some() || self.process_rss_bytes.is_some()
    }
}

/// Thresholds of the circuit breaker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CircuitConfig {
    /// Whether the breaker is on.
    pub enabled: bool,
    /// The sliding window over which failures are counted.
    #[serde(with = "millis")]
    pub window: Duration,
    /// Calls needed in the window before the breaker may open.
    pub min_calls: u32,
    /// Share of failed calls (traps, timeouts, memory limits) in the window that opens it.
    pub failure_ratio: f64,
    /// How long it stays open before letting probe calls through (half-open).
    #[serde(with = "millis")]
    pub open_for: Duration,
    /// Successful probes in a row that close it again.
    pub half_open_probes: u32,
}

impl Default for CircuitConfig {
    fn default() -> Self {
        CircuitConfig {
            enabled: true,
            window: Duration::from_secs(30),
            min_calls: 20,
            failure_ratio: 0.5,
            open_for: Duration::from_secs(5),
            half_open_probes: 3,
        }
    }
}

/// Everything the pool can be told.
///
/// ```
/// use std::time::Duration;
/// use riptide_pool::PoolConfig;
/// let config = PoolConfig::builder()
///     .max_instances(8)
///     .hot_size(2, 8)
///     .call_timeout(Duration::from_secs(5))
///     .memory_limit_bytes(128 << 20)
///     .build()
///     .unwrap();
/// assert_eq!(config.max_instances, 8);
/// let err = PoolConfig::builder().max_instances(2).hot_size(1, 4).build().unwrap_err();
/// assert!(err.to_string().contains("hot.max"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PoolConfig {
    /// Requests served at once; more wait up to `acquire_timeout` (back-pressure).
    pub max_instances: usize,
    /// The hot tier.
    pub hot: HotConfig,
    /// How long a request may wait for a free instance before `PoolExhausted`.
    #[serde(with = "millis")]
    pub acquire_timeout: Duration,
    /// Deadline of one guest call, enforced by epoch interruption.
    #[serde(with = "millis")]
    pub call_timeout: Duration,
    /// Granularity of the deadline (one epoch tick).
    #[serde(with = "millis")]
    pub epoch_tick: Duration,
    /// Optional instruction budget per call (wasmtime fuel), on top of the deadline.
    pub fuel: Option<u64>,
    /// Linear memory cap of one instance, in bytes.
    pub memory_limit_bytes: usize,
    /// Largest result (text, markdown, links, …) a call may return, in bytes.
    pub max_output_bytes: usize,
    /// Per-request isolation (default) or instance reuse.
    pub isolation: Isolation,
    /// Linear memory kept resident (zeroed with `memset` instead of unmapped) when a pooling
    /// slot is released: fresh instances then start without page faults on that much memory.
    pub keep_resident_bytes: usize,
    /// Table memory kept resident when a slot is released.
    pub table_keep_resident_bytes: usize,
    /// The circuit breaker.
    pub circuit: CircuitConfig,
    /// Store the compiled component on disk and load it on later starts.
    pub artifact_cache: bool,
    /// Where the artifact cache lives (default: the user's cache dir + `riptide`).
    pub cache_dir: Option<PathBuf>,
    /// Check the component against the `riptide:extractor` world before instantiating it.
    /// Turning it off is for debugging only, and never silent: the pool records a warning
    /// ([`WitCheck::warning`](crate::WitCheck::warning)) and emits
    /// [`PoolEvent::WitCheckSkipped`](crate::PoolEvent::WitCheckSkipped).
    pub validate_wit: bool,
    /// Serve from tiers (the default): a hot tier of pre-instantiated instances refilled by a
    /// background thread, reusable instances under `Reuse`. Off: plain instantiation per
    /// request — no hot tier, no refill thread, no idle instance ever kept — for debugging and
    /// for hosts where idle instances are unwelcome. Needs `Isolation::PerRequest`.
    pub tiering: bool,
    /// Memory budget of the idle instances (none by default).
    pub memory_budget: MemoryBudget,
}

impl Default for PoolConfig {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let max_instances = (cores * 2).max(4);
        PoolConfig {
            max_instances,
            hot: PoolConfig::default_hot(max_instances),
            acquire_timeout: Duration::from_secs(10),
            call_timeout: Duration::from_secs(10),
            epoch_tick: Duration::from_millis(5),
            fuel: None,
            memory_limit_bytes: 512 << 20,
            max_output_bytes: 64 << 20,
            isolation: Isolation::PerRequest,
            keep_resident_bytes: DEFAULT_KEEP_RESIDENT,
            table_keep_resident_bytes: 1 << 20,
            circuit: CircuitConfig::default(),
            artifact_cache: true,
            cache_dir: None,
            validate_wit: true,
            tiering: true,
            memory_budget: MemoryBudget::default(),
        }
    }
}

/// A configuration value that makes no sense, with what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid pool configuration: {field} {problem}")]
pub struct ConfigError {
    /// The offending field, as written in the config (`hot.max`).
    pub field: &'static str,
    /// What is wrong and what to do.
    pub problem: String,
}

fn bad(field: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        field,
        problem: problem.into(),
    }
}

impl PoolConfig {
    /// A builder starting from the defaults.
    pub fn builder() -> PoolConfigBuilder {
        PoolConfigBuilder {
            config: PoolConfig::default(),
            max_instances: None,
            hot: None,
            hot_size: None,
            keep_resident_bytes: None,
        }
    }

    /// The default hot tier for `max_instances`: up to 16 instances, as many at start as
    /// there are cores.
    fn default_hot(max_instances: usize) -> HotConfig {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let max = max_instances.min(16);
        HotConfig {
            max,
            initial: cores.min(max),
            min: HotConfig::default().min.min(cores.min(max)),
            ..HotConfig::default()
        }
    }

    /// The number of pooling-allocator slots the pool may use at once: requests in flight,
    /// the hot tier and, under `Reuse`, the idle reusable instances.
    pub fn slots(&self) -> usize {
        if !self.tiering {
            return self.max_instances;
        }
        let reuse = if self.isolation.is_per_request() {
            0
        } else {
            self.max_instances
        };
        self.max_instances + self.hot.max + reuse
    }

    /// Check every field; the first problem found is returned.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the field and what to change.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.max_instances == 0 {
            return Err(bad(
                "max_instances",
                "is 0; at least one instance is needed",
            ));
        }
        if self.max_instances > 10_000 {
            return Err(bad(
                "max_instances",
                format!("is {}; at most 10000 are supported", self.max_instances),
            ));
        }
        if self.hot.max > self.max_instances {
            return Err(bad(
                "hot.max",
                format!(
                    "({}) is larger than max_instances ({}); lower hot.max or raise max_instances",
                    self.hot.max, self.max_instances
                ),
            ));
        }
        if self.hot.min > self.hot.max {
            return Err(bad(
                "hot.min",
                format!(
                    "({}) is larger than hot.max ({})",
                    self.hot.min, self.hot.max
                ),
            ));
        }
        if self.hot.initial < self.hot.min || self.hot.initial > self.hot.max {
            return Err(bad(
                "hot.initial",
                format!(
                    "({}) must lie between hot.min ({}) and hot.max ({})",
                    self.hot.initial, self.hot.min, self.hot.max
                ),
            ));
        }
        if self.hot.tune_interval.is_zero() {
            return Err(bad("hot.tune_interval", "is 0; use at least 1 ms"));
        }
        if self.call_timeout.is_zero() {
            return Err(bad("call_timeout", "is 0; every call needs time to run"));
        }
        if self.epoch_tick.is_zero() || self.epoch_tick > self.call_timeout {
            return Err(bad(
                "epoch_tick",
                "must be more than 0 and at most call_timeout",
            ));
        }
        if self.memory_limit_bytes < (16 << 20) {
            return Err(bad(
                "memory_limit_bytes",
                format!(
                    "is {} bytes; the extractor needs at least 16 MiB",
                    self.memory_limit_bytes
                ),
            ));
        }
        if self.keep_resident_bytes > self.memory_limit_bytes {
            return Err(bad(
                "keep_resident_bytes",
                "is larger than memory_limit_bytes",
            ));
        }
        if self.max_output_bytes == 0 {
            return Err(bad(
                "max_output_bytes",
                "is 0; results could never be returned",
            ));
        }
        if let Isolation::Reuse { max_uses, max_age } = self.isolation
            && (max_uses == 0 || max_age.is_zero())
        {
            return Err(bad("isolation", "Reuse needs max_uses ≥ 1 and max_age > 0"));
        }
        if !self.tiering && !self.isolation.is_per_request() {
            return Err(bad(
                "tiering",
                "is off, which means a fresh instance per request; use Isolation::PerRequest \
                 or turn tiering on",
            ));
        }
        if self.memory_budget.idle_bytes == Some(0)
            || self.memory_budget.process_rss_bytes == Some(0)
        {
            return Err(bad(
                "memory_budget",
                "has a limit of 0 bytes; leave it unset for no budget",
            ));
        }
        // Durations are added to instants: absurd values are refused here, never overflow later.
        let durations = [
            ("call_timeout", self.call_timeout),
            ("acquire_timeout", self.acquire_timeout),
            ("epoch_tick", self.epoch_tick),
            ("hot.tune_interval", self.hot.tune_interval),
            ("hot.idle_expiry", self.hot.idle_expiry),
            ("circuit.window", self.circuit.window),
            ("circuit.open_for", self.circuit.open_for),
        ];
        for (name, value) in durations {
            if value > MAX_DURATION {
                return Err(bad(
                    name,
                    format!("({value:?}) is more than a year; use less"),
                ));
            }
        }
        if let Isolation::Reuse { max_age, .. } = self.isolation
            && max_age > MAX_DURATION
        {
            return Err(bad(
                "isolation",
                "Reuse max_age is more than a year; use less",
            ));
        }
        let c = &self.circuit;
        if c.enabled {
            if !(c.failure_ratio > 0.0 && c.failure_ratio <= 1.0) {
                return Err(bad(
                    "circuit.failure_ratio",
                    format!("({}) must be in (0, 1]", c.failure_ratio),
                ));
            }
            if c.window.is_zero() || c.open_for.is_zero() {
                return Err(bad("circuit", "window and open_for must be more than 0"));
            }
            if c.min_calls == 0 || c.half_open_probes == 0 {
                return Err(bad(
                    "circuit",
                    "min_calls and half_open_probes must be at least 1",
                ));
            }
        }
        Ok(())
    }
}

/// Linear memory kept resident per released slot unless set otherwise (64 MiB).
const DEFAULT_KEEP_RESIDENT: usize = 64 << 20;

/// The longest duration any setting may have (a year): longer ones are refused, so that
/// adding one to an instant can never overflow.
const MAX_DURATION: Duration = Duration::from_secs(365 * 24 * 3600);

/// Builds a validated [`PoolConfig`].
///
/// Each setter sets its own field and nothing else. The fields whose defaults depend on
/// others — the hot tier's sizes on `max_instances`, `keep_resident_bytes` on
/// `memory_limit_bytes` — take those defaults in [`build`](Self::build), from the values then
/// set, unless they were set themselves; every invalid combination is a [`ConfigError`] from
/// `build`, never a panic or a silent change.
///
/// ```
/// use riptide_pool::PoolConfig;
/// let config = PoolConfig::builder().max_instances(2).build()?;
/// assert!(config.hot.max <= 2); // the default hot tier follows max_instances
///
/// let err = PoolConfig::builder().max_instances(2).hot_size(4, 4).build().unwrap_err();
/// assert_eq!(err.field, "hot.max");
/// assert!(PoolConfig::builder().max_instances(0).build().is_err());
/// # Ok::<(), riptide_pool::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct PoolConfigBuilder {
    config: PoolConfig,
    max_instances: Option<usize>,
    hot: Option<HotConfig>,
    hot_size: Option<(usize, usize)>,
    keep_resident_bytes: Option<usize>,
}

impl PoolConfigBuilder {
    /// Requests served at once.
    pub fn max_instances(mut self, n: usize) -> Self {
        self.max_instances = Some(n);
        self
    }
    /// Hot tier: initial target and capacity (the other hot-tier settings keep their
    /// defaults, `min` at most `initial`).
    pub fn hot_size(mut self, initial: usize, max: usize) -> Self {
        self.hot_size = Some((initial, max));
        self
    }
    /// Replace the whole hot-tier configuration.
    pub fn hot(mut self, hot: HotConfig) -> Self {
        self.hot = Some(hot);
        self.hot_size = None;
        self
    }
    /// Wait for a free instance at most this long.
    pub fn acquire_timeout(mut self, d: Duration) -> Self {
        self.config.acquire_timeout = d;
        self
    }
    /// Deadline of one guest call.
    pub fn call_timeout(mut self, d: Duration) -> Self {
        self.config.call_timeout = d;
        self
    }
    /// Granularity of the deadline.
    pub fn epoch_tick(mut self, d: Duration) -> Self {
        self.config.epoch_tick = d;
        self
    }
    /// Instruction budget per call.
    pub fn fuel(mut self, fuel: Option<u64>) -> Self {
        self.config.fuel = fuel;
        self
    }
    /// Linear memory cap of one instance.
    pub fn memory_limit_bytes(mut self, bytes: usize) -> Self {
        self.config.memory_limit_bytes = bytes;
        self
    }
    /// Largest result a call may return.
    pub fn max_output_bytes(mut self, bytes: usize) -> Self {
        self.config.max_output_bytes = bytes;
        self
    }
    /// Isolation policy.
    pub fn isolation(mut self, isolation: Isolation) -> Self {
        self.config.isolation = isolation;
        self
    }
    /// Linear memory kept resident per released slot (default: 64 MiB, at most
    /// `memory_limit_bytes`).
    pub fn keep_resident_bytes(mut self, bytes: usize) -> Self {
        self.keep_resident_bytes = Some(bytes);
        self
    }
    /// Circuit breaker thresholds.
    pub fn circuit(mut self, circuit: CircuitConfig) -> Self {
        self.config.circuit = circuit;
        self
    }
    /// Turn the on-disk artifact cache on or off.
    pub fn artifact_cache(mut self, on: bool) -> Self {
        self.config.artifact_cache = on;
        self
    }
    /// Directory of the artifact cache.
    pub fn cache_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.config.cache_dir = Some(dir.into());
        self
    }
    /// Turn the WIT check at start-up on or off. Off is a debugging bypass, recorded as a
    /// warning in [`StartupInfo::wit_check`](crate::StartupInfo::wit_check).
    pub fn validate_wit(mut self, on: bool) -> Self {
        self.config.validate_wit = on;
        self
    }
    /// Serve from tiers (the default) or instantiate per request (`false`): see
    /// [`PoolConfig::tiering`].
    ///
    /// ```
    /// let config = riptide_pool::PoolConfig::builder().tiering(false).build()?;
    /// assert_eq!(config.slots(), config.max_instances); // no slot for a hot tier
    /// # Ok::<(), riptide_pool::ConfigError>(())
    /// ```
    pub fn tiering(mut self, on: bool) -> Self {
        self.config.tiering = on;
        self
    }
    /// Memory budget of the idle instances: see [`MemoryBudget`].
    pub fn memory_budget(mut self, budget: MemoryBudget) -> Self {
        self.config.memory_budget = budget;
        self
    }
    /// Fill in the defaults that depend on the values set, validate and return the
    /// configuration.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the field and what to change.
    pub fn build(self) -> Result<PoolConfig, ConfigError> {
        let mut config = self.config;
        if let Some(n) = self.max_instances {
            config.max_instances = n;
        }
        config.hot = match (self.hot, self.hot_size) {
            (Some(hot), _) => hot,
            (None, Some((initial, max))) => HotConfig {
                initial,
                max,
                min: HotConfig::default().min.min(initial),
                ..HotConfig::default()
            },
            (None, None) => PoolConfig::default_hot(config.max_instances),
        };
        config.keep_resident_bytes = self
            .keep_resident_bytes
            .unwrap_or(DEFAULT_KEEP_RESIDENT.min(config.memory_limit_bytes));
        config.validate()?;
        Ok(config)
    }
}

/// Durations as whole milliseconds in serialized configs.
mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_durations_are_refused_not_overflowed() {
        let err = PoolConfig::builder()
            .circuit(CircuitConfig {
                open_for: Duration::MAX,
                ..CircuitConfig::default()
            })
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("circuit.open_for"), "{err}");
        let err = PoolConfig::builder()
            .call_timeout(Duration::MAX)
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("call_timeout"), "{err}");
    }

    #[test]
    fn defaults_are_valid() {
        PoolConfig::default().validate().unwrap();
    }

    #[test]
    fn setters_never_change_other_fields_and_order_does_not_matter() {
        let a = PoolConfig::builder()
            .max_instances(8)
            .hot_size(3, 5)
            .memory_limit_bytes(32 << 20)
            .keep_resident_bytes(8 << 20)
            .build()
            .unwrap();
        let b = PoolConfig::builder()
            .keep_resident_bytes(8 << 20)
            .memory_limit_bytes(32 << 20)
            .hot_size(3, 5)
            .max_instances(8)
            .build()
            .unwrap();
        assert_eq!(a, b);
        assert_eq!(
            (a.hot.initial, a.hot.max, a.keep_resident_bytes),
            (3, 5, 8 << 20)
        );
        // Unset dependent fields take defaults that fit the values set.
        let small = PoolConfig::builder()
            .max_instances(1)
            .memory_limit_bytes(16 << 20)
            .build()
            .unwrap();
        assert_eq!(small.hot.max, 1);
        assert_eq!(small.keep_resident_bytes, 16 << 20);
    }

    #[test]
    fn contradictory_values_are_errors_not_panics_or_silent_changes() {
        let err = PoolConfig::builder().max_instances(0).build().unwrap_err();
        assert_eq!(err.field, "max_instances");
        let err = PoolConfig::builder()
            .hot_size(4, 4)
            .max_instances(2)
            .build()
            .unwrap_err();
        assert_eq!(err.field, "hot.max");
        let err = PoolConfig::builder()
            .memory_limit_bytes(16 << 20)
            .keep_resident_bytes(32 << 20)
            .build()
            .unwrap_err();
        assert_eq!(err.field, "keep_resident_bytes");
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases: Vec<(PoolConfig, &str)> = vec![
            (
                PoolConfig {
                    max_instances: 0,
                    ..PoolConfig::default()
                },
                "max_instances",
            ),
            (
                PoolConfig {
                    memory_limit_bytes: 1 << 20,
                    ..PoolConfig::default()
                },
                "memory_limit_bytes",
            ),
            (
                PoolConfig {
                    call_timeout: Duration::ZERO,
                    ..PoolConfig::default()
                },
                "call_timeout",
            ),
            (
                PoolConfig {
                    isolation: Isolation::Reuse {
                        max_uses: 0,
                        max_age: Duration::from_secs(1),
                    },
                    ..PoolConfig::default()
                },
                "isolation",
            ),
            (
                PoolConfig {
                    circuit: CircuitConfig {
                        failure_ratio: 1.5,
                        ..CircuitConfig::default()
                    },
                    ..PoolConfig::default()
                },
                "circuit.failure_ratio",
            ),
            (
                PoolConfig {
                    tiering: false,
                    isolation: Isolation::Reuse {
                        max_uses: 2,
                        max_age: Duration::from_secs(1),
                    },
                    ..PoolConfig::default()
                },
                "tiering",
            ),
            (
                PoolConfig {
                    memory_budget: MemoryBudget {
                        idle_bytes: Some(0),
                        process_rss_bytes: None,
                    },
                    ..PoolConfig::default()
                },
                "memory_budget",
            ),
        ];
        for (config, field) in cases {
            assert_eq!(config.validate().unwrap_err().field, field);
        }
    }

    #[test]
    fn configs_round_trip_through_json() {
        let config = PoolConfig::builder()
            .isolation(Isolation::Reuse {
                max_uses: 5,
                max_age: Duration::from_millis(1500),
            })
            .build()
            .unwrap();
        let json = serde_json::to_string(&config).unwrap();
        assert!(json.contains("\"max_age\":1500"));
        let back: PoolConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back, config);
        let partial: PoolConfig =
            serde_json::from_str(r#"{"max_instances": 3, "hot": {"max": 3, "initial": 1}}"#)
                .unwrap();
        assert_eq!(partial.max_instances, 3);
        partial.validate().unwrap();
    }
}
