//! Counters, latency histograms (`hdrhistogram`), snapshots and their Prometheus exposition
//! (`prometheus-client`).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

use parking_lot::Mutex;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, NoLabelSet};
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::Registry;
use serde::Serialize;

use crate::circuit::CircuitState;
use crate::events::{DiscardReason, Tier};
use crate::shared::Status;

/// Upper bounds (seconds) of the Prometheus histogram buckets of the latencies.
const BUCKETS_SECONDS: [f64; 18] = [
    25e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 50e-3, 100e-3, 250e-3,
    500e-3, 1.0, 2.5, 5.0, 10.0,
];

/// Durations recorded in nanoseconds, 1 ns to an hour, with two significant digits (a
/// quantile is within 1 % of its value; a snapshot reads a few thousand counters).
#[derive(Debug)]
pub(crate) struct Histogram {
    samples: Mutex<hdrhistogram::Histogram<u64>>,
    /// Exact sum of the samples (the histogram keeps only rounded values).
    sum_ns: AtomicU64,
}

impl Histogram {
    pub(crate) fn new() -> Self {
        let samples = hdrhistogram::Histogram::new_with_bounds(1, 3_600_000_000_000, 2)
            .unwrap_or_else(|_| hdrhistogram::Histogram::new(2).expect("2 significant digits"));
        Histogram {
            samples: Mutex::new(samples),
            sum_ns: AtomicU64::new(0),
        }
    }

    pub(crate) fn record(&self, d: Duration) {
        let ns = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.samples.lock().saturating_record(ns.max(1));
        self.sum_ns.fetch_add(ns, Relaxed);
    }

    /// The samples so far: count, sum, median, 99th percentile and cumulative buckets.
    pub(crate) fn snapshot(&self) -> Latency {
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
    pub(crate) acquire: Histogram,
    pub(crate) call: Histogram,
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
            acquire: Histogram::new(),
            call: Histogram::new(),
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
    /// The pool's state when the snapshot was taken.
    pub status: Status,
}

impl MetricsSnapshot {
    /// Share of requests served by the hot tier (0 with no requests).
    pub fn hot_hit_rate(&self) -> f64 {
        let total = self.hits.hot + self.hits.warm + self.hits.cold;
        if total == 0 {
            0.0
        } else {
            #[allow(clippy::cast_precision_loss)]
            let rate = self.hits.hot as f64 / total as f64;
            rate
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
            #[allow(
                clippy::cast_precision_loss,
                reason = "seconds as f64, as Prometheus has them"
            )]
            let sum = latency.sum_ns as f64 / 1e9;
            encoder
                .encode_descriptor(name, help, None, MetricType::Histogram)?
                .encode_histogram::<NoLabelSet>(sum, latency.count, &latency.buckets, None)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_and_buckets_follow_the_samples() {
        let h = Histogram::new();
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
        assert_eq!(Histogram::new().snapshot().p50_ns, 0);
    }
}
