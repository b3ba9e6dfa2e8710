//! Counters, latency histograms (`hdrhistogram`), snapshots and their Prometheus exposition
//! (`prometheus-client`).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

use parking_lot::Mutex;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, NoLabelSet};
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::Registry;
use serde::Serialize;

use crate::circuit::CircuitState;
use crate::events::{DiscardReason, Tier, TuneReason};
use crate::shared::Status;

/// Upper bounds (seconds) of the Prometheus histogram buckets of the latencies.
const BUCKETS_SECONDS: [f64; 18] = [
    25e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 50e-3, 100e-3, 250e-3,
    500e-3, 1.0, 2.5, 5.0, 10.0,
];

/// Durations recorded in nanoseconds, 1 ns to an hour, with two significant digits (a
/// quantile is within 1 % of its value; a snapshot reads a few thousand counters). The pool
/// records its latencies in these; the facade records its input checks in one too.
///
/// ```
/// use std::time::Duration;
/// let h = riptide_pool::LatencyHistogram::new();
/// h.record(Duration::from_micros(10));
/// h.record(Duration::from_micros(30));
/// let latency = h.snapshot();
/// assert_eq!((latency.count, latency.mean_ns()), (2, 20_000));
/// ```
#[derive(Debug)]
pub struct LatencyHistogram {
    samples: Mutex<hdrhistogram::Histogram<u64>>,
    /// Exact sum of the samples (the histogram keeps only rounded values).
    sum_ns: AtomicU64,
}

impl Default for LatencyHistogram {
    fn default() -> Self {
        Self::new()
    }
}

impl LatencyHistogram {
    /// An empty histogram.
    pub fn new() -> Self {
        let samples = hdrhistogram::Histogram::new_with_bounds(1, 3_600_000_000_000, 2)
            .unwrap_or_else(|_| hdrhistogram::Histogram::new(2).expect("2 significant digits"));
        LatencyHistogram {
            samples: Mutex::new(samples),
            sum_ns: AtomicU64::new(0),
        }
    }

    /// Record one duration.
    pub fn record(&self, d: Duration) {
        let ns = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.samples.lock().saturating_record(ns.max(1));
        self.sum_ns.fetch_add(ns, Relaxed);
    }

    /// The samples so far: count, sum, median, 99th percentile and cumulative buckets.
    pub fn snapshot(&self) -> Latency {
        let samples = self.samples.lock();
        let count = samples.len();
        let quantile = |q: f64| {
            if count == 0 {
                0
            } else {
                samples.value_at_quantile(q)
            }
        };
        // One pass over the recorded values: how many fall at or below each bound.
        let mut buckets: Vec<(f64, u64)> = BUCKETS_SECONDS.iter().map(|&le| (le, 0)).collect();
        for value in samples.iter_recorded() {
            #[allow(clippy::cast_precision_loss, reason = "nanoseconds as seconds")]
            let seconds = samples.lowest_equivalent(value.value_iterated_to()) as f64 / 1e9;
            let first = BUCKETS_SECONDS.partition_point(|&le| le < seconds);
            for bucket in &mut buckets[first..] {
                bucket.1 += value.count_at_value();
            }
        }
        Latency {
            count,
            sum_ns: self.sum_ns.load(Relaxed),
            p50_ns: quantile(0.5),
            p99_ns: quantile(0.99),
            buckets,
        }
    }
}

/// A latency distribution at one moment.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Latency {
    /// Samples recorded.
    pub count: u64,
    /// Their sum, in nanoseconds.
    pub sum_ns: u64,
    /// Median, in nanoseconds (0 with no samples; within 1 %).
    pub p50_ns: u64,
    /// 99th percentile, in nanoseconds (0 with no samples; within 1 %).
    pub p99_ns: u64,
    /// Cumulative counts: samples at or below each upper bound, in seconds.
    pub buckets: Vec<(f64, u64)>,
}

impl Latency {
    /// Mean, in nanoseconds (0 with no samples; exact).
    pub fn mean_ns(&self) -> u64 {
        self.sum_ns.checked_div(self.count).unwrap_or(0)
    }

    /// Write the distribution as a Prometheus histogram, in seconds (for a
    /// [`Collector`] of one's own; [`MetricsSnapshot::to_prometheus`] uses it).
    ///
    /// # Errors
    /// When the encoder's writer fails.
    pub fn encode_histogram(
        &self,
        mut encoder: prometheus_client::encoding::MetricEncoder<'_>,
    ) -> Result<(), std::fmt::Error> {
        #[allow(
            clippy::cast_precision_loss,
            reason = "seconds as f64, as Prometheus has them"
        )]
        let sum = self.sum_ns as f64 / 1e9;
        encoder.encode_histogram::<NoLabelSet>(sum, self.count, &self.buckets, None)
    }
}

/// Latencies of the requests one tier served.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TierLatency {
    /// Request → callable instance.
    pub acquire: Latency,
    /// Request → result back in the caller's task (acquire, instantiation when warm or
    /// cold, the guest call and the hand-offs).
    pub end_to_end: Latency,
}

/// A value per tier.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct PerTier<T> {
    /// The hot tier.
    pub hot: T,
    /// The warm tier.
    pub warm: T,
    /// The cold tier.
    pub cold: T,
}

impl<T> PerTier<T> {
    /// The value of `tier`.
    ///
    /// ```
    /// use riptide_pool::{PerTier, Tier};
    /// let sizes = PerTier { hot: 1, warm: 2, cold: 3 };
    /// assert_eq!(*sizes.get(Tier::Warm), 2);
    /// ```
    pub fn get(&self, tier: Tier) -> &T {
        match tier {
            Tier::Hot => &self.hot,
            Tier::Warm => &self.warm,
            Tier::Cold => &self.cold,
        }
    }
}

/// One change of the hot tier's target, as kept in the snapshot's bounded log
/// ([`MetricsSnapshot::tuner_log`]; the last [`TUNER_LOG_LEN`] are kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TunerDecision {
    /// When, in milliseconds since the pool started (on the pool's clock).
    pub at_ms: u64,
    /// Target before.
    pub from: usize,
    /// Target after.
    pub to: usize,
    /// Why.
    pub reason: TuneReason,
}

/// How many [`TunerDecision`]s a snapshot keeps.
pub const TUNER_LOG_LEN: usize = 64;

/// The live counters of a pool.
#[derive(Debug)]
pub(crate) struct Metrics {
    pub(crate) hits: [AtomicU64; 3],
    pub(crate) instantiations: [AtomicU64; 3],
    pub(crate) discards: [AtomicU64; DiscardReason::ALL.len()],
    pub(crate) calls_ok: AtomicU64,
    pub(crate) calls_failed: AtomicU64,
    pub(crate) exhausted: AtomicU64,
    pub(crate) circuit_rejections: AtomicU64,
    pub(crate) in_use: AtomicUsize,
    pub(crate) acquire: LatencyHistogram,
    pub(crate) call: LatencyHistogram,
    pub(crate) tier_acquire: [LatencyHistogram; 3],
    pub(crate) tier_end_to_end: [LatencyHistogram; 3],
    pub(crate) tuner_log: Mutex<VecDeque<TunerDecision>>,
}

impl Metrics {
    pub(crate) fn new() -> Self {
        Metrics {
            hits: Default::default(),
            instantiations: Default::default(),
            discards: Default::default(),
            calls_ok: AtomicU64::new(0),
            calls_failed: AtomicU64::new(0),
            exhausted: AtomicU64::new(0),
            circuit_rejections: AtomicU64::new(0),
            in_use: AtomicUsize::new(0),
            acquire: LatencyHistogram::new(),
            call: LatencyHistogram::new(),
            tier_acquire: Default::default(),
            tier_end_to_end: Default::default(),
            tuner_log: Mutex::new(VecDeque::with_capacity(TUNER_LOG_LEN)),
        }
    }

    /// A request from `tier` got its instance `elapsed` after it asked.
    pub(crate) fn record_acquire(&self, tier: Tier, elapsed: Duration) {
        self.acquire.record(elapsed);
        self.tier_acquire[tier.index()].record(elapsed);
    }

    /// Keep `decision` in the bounded log, dropping the oldest when full.
    pub(crate) fn log_decision(&self, decision: TunerDecision) {
        let mut log = self.tuner_log.lock();
        if log.len() == TUNER_LOG_LEN {
            log.pop_front();
        }
        log.push_back(decision);
    }

    pub(crate) fn tier_latencies(&self) -> PerTier<TierLatency> {
        let of = |tier: Tier| TierLatency {
            acquire: self.tier_acquire[tier.index()].snapshot(),
            end_to_end: self.tier_end_to_end[tier.index()].snapshot(),
        };
        PerTier {
            hot: of(Tier::Hot),
            warm: of(Tier::Warm),
            cold: of(Tier::Cold),
        }
    }
}

/// Hits per tier.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TierCounts {
    /// Requests served by a pre-instantiated (or, under `Reuse`, reused) instance.
    pub hot: u64,
    /// Requests that instantiated into a pooling slot used before.
    pub warm: u64,
    /// Requests that instantiated into a slot never used before.
    pub cold: u64,
}

impl TierCounts {
    fn get(&self, tier: Tier) -> u64 {
        match tier {
            Tier::Hot => self.hot,
            Tier::Warm => self.warm,
            Tier::Cold => self.cold,
        }
    }
}

/// A point-in-time copy of the pool's metrics.
#[derive(Debug, Clone, Serialize)]
pub struct MetricsSnapshot {
    /// Requests served per tier.
    pub hits: TierCounts,
    /// Instances created per tier (hot ones by the refill thread).
    pub instantiations: TierCounts,
    /// Instances dropped, by reason.
    pub discards: Vec<(DiscardReason, u64)>,
    /// Guest calls that returned (including guest-reported extraction errors).
    pub calls_ok: u64,
    /// Guest calls that trapped, timed out or hit a limit.
    pub calls_failed: u64,
    /// Requests refused with `PoolExhausted`.
    pub exhausted: u64,
    /// Requests refused with `CircuitOpen`.
    pub circuit_rejections: u64,
    /// Acquire latency: request → callable instance.
    pub acquire: Latency,
    /// Guest call latency.
    pub call: Latency,
    /// Acquire and end-to-end latency of the requests each tier served.
    pub tiers: PerTier<TierLatency>,
    /// The last changes of the hot tier's target (auto-tuner and memory pressure), oldest
    /// first, at most [`TUNER_LOG_LEN`].
    pub tuner_log: Vec<TunerDecision>,
    /// The pool's state when the snapshot was taken.
    pub status: Status,
}

impl MetricsSnapshot {
    /// Share of requests served by the hot tier (0 with no requests).
    pub fn hot_hit_rate(&self) -> f64 {
        self.hit_rates().hot
    }

    /// Share of requests each tier served, as ratios in [0, 1] that add up to 1 (all 0 with
    /// no requests).
    ///
    /// ```no_run
    /// # fn f(pool: &riptide_pool::Pool) {
    /// let rates = pool.metrics().hit_rates();
    /// println!("{:.0} % of requests found a hot instance", rates.hot * 100.0);
    /// # }
    /// ```
    pub fn hit_rates(&self) -> PerTier<f64> {
        let total = self.hits.hot + self.hits.warm + self.hits.cold;
        #[allow(clippy::cast_precision_loss, reason = "a ratio of counts")]
        let rate = |n: u64| {
            if total == 0 {
                0.0
            } else {
                n as f64 / total as f64
            }
        };
        PerTier {
            hot: rate(self.hits.hot),
            warm: rate(self.hits.warm),
            cold: rate(self.hits.cold),
        }
    }

    /// Instances dropped for `reason`.
    pub fn discarded(&self, reason: DiscardReason) -> u64 {
        self.discards
            .iter()
            .find(|(r, _)| *r == reason)
            .map_or(0, |(_, n)| *n)
    }

    /// The snapshot in the Prometheus text exposition format (version 0.0.4): counters,
    /// gauges of the [`Status`], and the latencies as histograms.
    ///
    /// ```no_run
    /// # fn f(pool: &riptide_pool::Pool) {
    /// let text = pool.metrics().to_prometheus();
    /// assert!(text.contains("riptide_pool_hits_total{tier=\"hot\"}"));
    /// # }
    /// ```
    pub fn to_prometheus(&self) -> String {
        let mut registry = Registry::with_prefix("riptide_pool");
        registry.register_collector(Box::new(self.clone()));
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut text, &registry);
        text
    }
}

impl Collector for MetricsSnapshot {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let tiers = [Tier::Hot, Tier::Warm, Tier::Cold];
        for (name, help, counts) in [
            ("hits", "Requests served, by tier.", &self.hits),
            (
                "instantiations",
                "Instances created, by tier.",
                &self.instantiations,
            ),
        ] {
            let mut metric = encoder.encode_descriptor(name, help, None, MetricType::Counter)?;
            for tier in tiers {
                metric
                    .encode_family(&[("tier", tier.as_str())])?
                    .encode_counter::<NoLabelSet, _, u64>(&counts.get(tier), None)?;
            }
        }
        let mut metric = encoder.encode_descriptor(
            "discards",
            "Instances dropped, by reason.",
            None,
            MetricType::Counter,
        )?;
        for (reason, n) in &self.discards {
            metric
                .encode_family(&[("reason", reason.as_str())])?
                .encode_counter::<NoLabelSet, _, u64>(n, None)?;
        }
        for (name, help, value) in [
            ("calls_ok", "Guest calls that returned.", self.calls_ok),
            (
                "calls_failed",
                "Guest calls that trapped, timed out or hit a limit.",
                self.calls_failed,
            ),
            (
                "exhausted",
                "Requests refused with PoolExhausted.",
                self.exhausted,
            ),
            (
                "circuit_rejections",
                "Requests refused while the circuit breaker was open.",
                self.circuit_rejections,
            ),
        ] {
            encoder
                .encode_descriptor(name, help, None, MetricType::Counter)?
                .encode_counter::<NoLabelSet, _, u64>(&value, None)?;
        }
        let status = &self.status;
        for (name, help, value) in [
            ("in_use", "Instances serving a request.", status.in_use),
            ("available", "Places free for a request.", status.available),
            (
                "waiting",
                "Requests waiting for a free place.",
                status.waiting,
            ),
            (
                "hot_depth",
                "Instances waiting in the hot tier.",
                status.hot_depth,
            ),
            (
                "reuse_depth",
                "Reusable instances waiting.",
                status.reuse_depth,
            ),
            (
                "hot_target",
                "Target size of the hot tier.",
                status.hot_target,
            ),
            ("live_instances", "Instances alive.", status.live_instances),
        ] {
            encoder
                .encode_descriptor(name, help, None, MetricType::Gauge)?
                .encode_gauge(&(u64::try_from(value).unwrap_or(u64::MAX)))?;
        }
        let mut metric = encoder.encode_descriptor(
            "hit_ratio",
            "Share of requests served, by tier (0 to 1).",
            None,
            MetricType::Gauge,
        )?;
        let rates = self.hit_rates();
        for tier in tiers {
            metric
                .encode_family(&[("tier", tier.as_str())])?
                .encode_gauge(rates.get(tier))?;
        }
        let mut metric = encoder.encode_descriptor(
            "tier_size",
            "Instances or free slots per tier: hot instances waiting, warm slots (used before) \
             and cold slots (never used) free.",
            None,
            MetricType::Gauge,
        )?;
        for (tier, size) in [
            (Tier::Hot, status.hot_depth),
            (Tier::Warm, status.warm_slots),
            (Tier::Cold, status.cold_slots),
        ] {
            metric
                .encode_family(&[("tier", tier.as_str())])?
                .encode_gauge(&(u64::try_from(size).unwrap_or(u64::MAX)))?;
        }
        encoder
            .encode_descriptor(
                "memory_pressure",
                "1 while the pool is over its memory budget.",
                None,
                MetricType::Gauge,
            )?
            .encode_gauge(&u64::from(status.memory_pressure))?;
        encoder
            .encode_descriptor(
                "tuner_decisions",
                "Changes of the hot tier's target kept in the snapshot's log.",
                None,
                MetricType::Gauge,
            )?
            .encode_gauge(&(u64::try_from(self.tuner_log.len()).unwrap_or(u64::MAX)))?;
        let mut metric = encoder.encode_descriptor(
            "circuit_state",
            "Circuit breaker state (1 for the current one).",
            None,
            MetricType::Gauge,
        )?;
        for state in [
            CircuitState::Closed,
            CircuitState::Open,
            CircuitState::HalfOpen,
        ] {
            metric
                .encode_family(&[("state", state.as_str())])?
                .encode_gauge(&u64::from(state == status.circuit))?;
        }
        for (name, help, latency) in [
            (
                "acquire_seconds",
                "Acquire latency: request to callable instance.",
                &self.acquire,
            ),
            ("call_seconds", "Guest call latency.", &self.call),
        ] {
            latency.encode_histogram(encoder.encode_descriptor(
                name,
                help,
                None,
                MetricType::Histogram,
            )?)?;
        }
        for (name, help, part) in [
            (
                "tier_acquire_seconds",
                "Acquire latency, by tier.",
                (|t: &TierLatency| &t.acquire) as fn(&TierLatency) -> &Latency,
            ),
            (
                "tier_end_to_end_seconds",
                "Request to result latency, by tier.",
                |t: &TierLatency| &t.end_to_end,
            ),
        ] {
            let mut metric = encoder.encode_descriptor(name, help, None, MetricType::Histogram)?;
            for tier in tiers {
                part(self.tiers.get(tier))
                    .encode_histogram(metric.encode_family(&[("tier", tier.as_str())])?)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_and_buckets_follow_the_samples() {
        let h = LatencyHistogram::new();
        for us in 1..=100u64 {
            h.record(Duration::from_micros(us));
        }
        let l = h.snapshot();
        assert_eq!(l.count, 100);
        assert_eq!(l.sum_ns, (1..=100u64).sum::<u64>() * 1000);
        assert!((49_500..=50_500).contains(&l.p50_ns), "{}", l.p50_ns);
        assert!((98_000..=100_000).contains(&l.p99_ns), "{}", l.p99_ns);
        // Samples at or below 25, 50 and 100 µs: cumulative.
        assert_eq!(&l.buckets[..3], &[(25e-6, 25), (50e-6, 50), (100e-6, 100)]);
        assert_eq!(LatencyHistogram::new().snapshot().p50_ns, 0);
        assert_eq!(LatencyHistogram::new().snapshot().mean_ns(), 0);
        assert_eq!(l.mean_ns(), 50_500);
    }
}
