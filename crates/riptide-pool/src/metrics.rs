//! Counters, an acquire-latency histogram, snapshots and their Prometheus rendering.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

use serde::Serialize;

use crate::circuit::CircuitState;
use crate::events::{DiscardReason, Tier};

/// A lock-free log-linear histogram of durations in nanoseconds: 8 buckets per power of two,
/// so a percentile is off by at most 1/16 of its value.
#[derive(Debug)]
pub(crate) struct Histogram {
    buckets: Box<[AtomicU64]>,
}

const BUCKETS: usize = 62 * 8;

fn bucket_of(v: u64) -> usize {
    if v < 8 {
        return usize::try_from(v).unwrap_or(0);
    }
    let e = 63 - v.leading_zeros() as usize;
    let m = usize::try_from((v >> (e - 3)) & 7).unwrap_or(0);
    ((e - 2) * 8 + m).min(BUCKETS - 1)
}

/// The middle of a bucket's range.
fn bucket_mid(i: usize) -> u64 {
    if i < 8 {
        return i as u64;
    }
    let e = i / 8 + 2;
    let m = (i % 8) as u64;
    let low = (8 + m) << (e - 3);
    low + (1u64 << (e - 3)) / 2
}

impl Histogram {
    pub(crate) fn new() -> Self {
        Histogram {
            buckets: (0..BUCKETS).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    pub(crate) fn record(&self, d: Duration) {
        let ns = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.buckets[bucket_of(ns)].fetch_add(1, Relaxed);
    }

    /// The `q` quantile (0..=1) in nanoseconds; 0 with no samples.
    pub(crate) fn quantile(&self, q: f64) -> u64 {
        let counts: Vec<u64> = self.buckets.iter().map(|b| b.load(Relaxed)).collect();
        let total: u64 = counts.iter().sum();
        if total == 0 {
            return 0;
        }
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let rank = ((q.clamp(0.0, 1.0) * total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, c) in counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return bucket_mid(i);
            }
        }
        bucket_mid(BUCKETS - 1)
    }

    #[cfg(test)]
    pub(crate) fn count(&self) -> u64 {
        self.buckets.iter().map(|b| b.load(Relaxed)).sum()
    }
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
    /// Instances serving a request now.
    pub in_use: usize,
    /// Instances waiting in the hot tier now.
    pub hot_depth: usize,
    /// Reusable instances waiting (`Reuse` isolation only).
    pub reuse_depth: usize,
    /// The hot tier's current target size.
    pub hot_target: usize,
    /// Instances alive (hot, reusable and in use).
    pub live_instances: usize,
    /// Acquire latency (request → callable instance), median, in nanoseconds.
    pub acquire_p50_ns: u64,
    /// Acquire latency, 99th percentile, in nanoseconds.
    pub acquire_p99_ns: u64,
    /// Guest call latency, median, in nanoseconds.
    pub call_p50_ns: u64,
    /// Guest call latency, 99th percentile, in nanoseconds.
    pub call_p99_ns: u64,
    /// The circuit breaker's state.
    pub circuit: CircuitState,
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

    /// The snapshot in the Prometheus text exposition format.
    ///
    /// ```no_run
    /// # fn f(pool: &riptide_pool::Pool) {
    /// let text = pool.metrics().to_prometheus();
    /// assert!(text.contains("riptide_pool_hits_total{tier=\"hot\"}"));
    /// # }
    /// ```
    pub fn to_prometheus(&self) -> String {
        let mut out = String::new();
        let mut counter = |name: &str, help: &str, kind: &str, rows: Vec<(String, String)>| {
            let _ = writeln!(out, "# HELP riptide_pool_{name} {help}");
            let _ = writeln!(out, "# TYPE riptide_pool_{name} {kind}");
            for (labels, value) in rows {
                let _ = writeln!(out, "riptide_pool_{name}{labels} {value}");
            }
        };
        let tiers = |counts: &TierCounts| {
            [Tier::Hot, Tier::Warm, Tier::Cold]
                .iter()
                .map(|t| {
                    (
                        format!("{{tier=\"{}\"}}", t.as_str()),
                        counts.get(*t).to_string(),
                    )
                })
                .collect::<Vec<_>>()
        };
        counter(
            "hits_total",
            "Requests served, by tier.",
            "counter",
            tiers(&self.hits),
        );
        counter(
            "instantiations_total",
            "Instances created, by tier.",
            "counter",
            tiers(&self.instantiations),
        );
        counter(
            "discards_total",
            "Instances dropped, by reason.",
            "counter",
            self.discards
                .iter()
                .map(|(r, n)| (format!("{{reason=\"{}\"}}", r.as_str()), n.to_string()))
                .collect(),
        );
        let plain = |v: String| vec![(String::new(), v)];
        counter(
            "calls_ok_total",
            "Guest calls that returned.",
            "counter",
            plain(self.calls_ok.to_string()),
        );
        counter(
            "calls_failed_total",
            "Guest calls that trapped, timed out or hit a limit.",
            "counter",
            plain(self.calls_failed.to_string()),
        );
        counter(
            "exhausted_total",
            "Requests refused with PoolExhausted.",
            "counter",
            plain(self.exhausted.to_string()),
        );
        counter(
            "circuit_rejections_total",
            "Requests refused while the circuit breaker was open.",
            "counter",
            plain(self.circuit_rejections.to_string()),
        );
        counter(
            "in_use",
            "Instances serving a request.",
            "gauge",
            plain(self.in_use.to_string()),
        );
        counter(
            "hot_depth",
            "Instances waiting in the hot tier.",
            "gauge",
            plain(self.hot_depth.to_string()),
        );
        counter(
            "reuse_depth",
            "Reusable instances waiting.",
            "gauge",
            plain(self.reuse_depth.to_string()),
        );
        counter(
            "hot_target",
            "Target size of the hot tier.",
            "gauge",
            plain(self.hot_target.to_string()),
        );
        counter(
            "live_instances",
            "Instances alive.",
            "gauge",
            plain(self.live_instances.to_string()),
        );
        #[allow(clippy::cast_precision_loss)]
        let secs = |ns: u64| format!("{:.9}", ns as f64 / 1e9);
        counter(
            "acquire_seconds",
            "Acquire latency quantiles.",
            "gauge",
            vec![
                ("{quantile=\"0.5\"}".into(), secs(self.acquire_p50_ns)),
                ("{quantile=\"0.99\"}".into(), secs(self.acquire_p99_ns)),
            ],
        );
        counter(
            "call_seconds",
            "Guest call latency quantiles.",
            "gauge",
            vec![
                ("{quantile=\"0.5\"}".into(), secs(self.call_p50_ns)),
                ("{quantile=\"0.99\"}".into(), secs(self.call_p99_ns)),
            ],
        );
        counter(
            "circuit_state",
            "Circuit breaker state (1 for the current one).",
            "gauge",
            [
                CircuitState::Closed,
                CircuitState::Open,
                CircuitState::HalfOpen,
            ]
            .iter()
            .map(|s| {
                (
                    format!("{{state=\"{}\"}}", s.as_str()),
                    u8::from(*s == self.circuit).to_string(),
                )
            })
            .collect(),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_monotonic_and_tight() {
        let mut last = 0;
        for v in [0u64, 1, 7, 8, 9, 15, 16, 17, 100, 1_000, 65_535, 1 << 40] {
            let b = bucket_of(v);
            assert!(b >= last, "{v}");
            last = b;
            let mid = bucket_mid(b);
            assert!(mid.abs_diff(v) <= v / 8 + 1, "{v} -> {mid}");
        }
    }

    #[test]
    fn quantiles_follow_the_samples() {
        let h = Histogram::new();
        for us in 1..=100u64 {
            h.record(Duration::from_micros(us));
        }
        assert_eq!(h.count(), 100);
        let p50 = h.quantile(0.5);
        assert!((46_000..=54_000).contains(&p50), "{p50}");
        let p99 = h.quantile(0.99);
        assert!((92_000..=105_000).contains(&p99), "{p99}");
        assert_eq!(Histogram::new().quantile(0.5), 0);
    }
}
