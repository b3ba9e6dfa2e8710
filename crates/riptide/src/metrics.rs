//! The facade's metrics: the pool's, and those of the validation around it (the start-up
//! WIT check of the component, the input checks of every request).

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Instant;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, NoLabelSet};
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::Registry;
use riptide_input_check::InputError;
use riptide_pool::{Latency, LatencyHistogram, MetricsSnapshot, WitCheck};
use serde::Serialize;

/// Everything an [`Extractor`](crate::Extractor) measures: the pool's metrics and, next to
/// them, the validation's.
///
/// ```no_run
/// # async fn demo() -> Result<(), riptide::Error> {
/// let extractor = riptide::Extractor::builder().build().await?;
/// let metrics = extractor.metrics();
/// println!("hot hit ratio {:.2}", metrics.pool.hit_rates().hot);
/// println!("WIT check: {:?}", metrics.validation.startup.duration);
/// println!("inputs checked: {}, p99 {} µs", metrics.validation.input.checked, metrics.validation.input.p99_us());
/// std::fs::write("metrics.prom", metrics.to_prometheus()).unwrap();
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Metrics {
    /// The pool's counters, latencies (per tier too), state and tuner decisions.
    pub pool: MetricsSnapshot,
    /// The start-up and per-request validation.
    pub validation: ValidationMetrics,
}

/// What the validation did.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ValidationMetrics {
    /// The start-up WIT check of the component (time, errors, warnings, skipped).
    pub startup: WitCheck,
    /// The checks of the requests (HTML, URL, mode) before they reach the sandbox.
    pub input: InputCheckMetrics,
}

/// The input checks of the requests so far.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct InputCheckMetrics {
    /// Requests checked.
    pub checked: u64,
    /// Requests refused, by [`InputError::kind`] (every kind, refused or not).
    pub failures: Vec<(&'static str, u64)>,
    /// Time the checks took.
    pub latency: Latency,
}

impl InputCheckMetrics {
    /// Requests refused, all kinds together.
    pub fn failed(&self) -> u64 {
        self.failures.iter().map(|(_, n)| n).sum()
    }

    /// Requests refused for `kind`.
    pub fn failures_of(&self, kind: &str) -> u64 {
        self.failures
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(0, |(_, n)| *n)
    }

    /// Mean time of a check, in microseconds.
    pub fn mean_us(&self) -> f64 {
        micros(self.latency.mean_ns())
    }

    /// 99th percentile of the time of a check, in microseconds (within 1 %).
    pub fn p99_us(&self) -> f64 {
        micros(self.latency.p99_ns)
    }
}

#[allow(clippy::cast_precision_loss, reason = "nanoseconds as microseconds")]
fn micros(ns: u64) -> f64 {
    ns as f64 / 1e3
}

/// The live counters of the input checks.
#[derive(Debug)]
pub(crate) struct InputCounters {
    checked: AtomicU64,
    /// One per [`InputError::KINDS`], in that order.
    failures: Vec<AtomicU64>,
    latency: LatencyHistogram,
}

impl InputCounters {
    pub(crate) fn new() -> Self {
        InputCounters {
            checked: AtomicU64::new(0),
            failures: InputError::KINDS
                .iter()
                .map(|_| AtomicU64::new(0))
                .collect(),
            latency: LatencyHistogram::new(),
        }
    }

    /// Run the check `f`, timed and counted.
    pub(crate) fn check<T>(
        &self,
        f: impl FnOnce() -> Result<T, InputError>,
    ) -> Result<T, InputError> {
        let started = Instant::now();
        let result = f();
        self.latency.record(started.elapsed());
        self.checked.fetch_add(1, Relaxed);
        if let Err(e) = &result
            && let Some(i) = InputError::KINDS.iter().position(|k| *k == e.kind())
        {
            self.failures[i].fetch_add(1, Relaxed);
        }
        result
    }

    pub(crate) fn snapshot(&self) -> InputCheckMetrics {
        InputCheckMetrics {
            checked: self.checked.load(Relaxed),
            failures: InputError::KINDS
                .iter()
                .zip(&self.failures)
                .map(|(k, n)| (*k, n.load(Relaxed)))
                .collect(),
            latency: self.latency.snapshot(),
        }
    }
}

impl Metrics {
    /// The metrics in the Prometheus text exposition format: the pool's (`riptide_pool_…`,
    /// see [`MetricsSnapshot::to_prometheus`]) and the validation's
    /// (`riptide_validation_…`): `startup_seconds`, `startup_errors`, `startup_warnings` and
    /// `startup_skipped` labelled with the component's SHA-256, `inputs_total`,
    /// `input_failures_total{kind}`, the `input_seconds` histogram and
    /// `input_mean_microseconds` / `input_p99_microseconds`.
    pub fn to_prometheus(&self) -> String {
        let mut registry = Registry::default();
        registry
            .sub_registry_with_prefix("riptide_pool")
            .register_collector(Box::new(self.pool.clone()));
        registry
            .sub_registry_with_prefix("riptide_validation")
            .register_collector(Box::new(self.validation.clone()));
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut text, &registry);
        text
    }
}

impl Collector for ValidationMetrics {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let startup = &self.startup;
        let component = [("component", startup.component_sha256.as_str())];
        encoder
            .encode_descriptor(
                "startup_seconds",
                "Time the start-up WIT check of the component took.",
                None,
                MetricType::Gauge,
            )?
            .encode_family(&component)?
            .encode_gauge(&startup.duration.as_secs_f64())?;
        for (name, help, value) in [
            (
                "startup_errors",
                "Errors the start-up WIT check found.",
                startup.errors,
            ),
            (
                "startup_warnings",
                "Warnings the start-up WIT check found (a skipped check is one).",
                startup.warnings,
            ),
            (
                "startup_skipped",
                "1 when the start-up WIT check was skipped (a debugging bypass).",
                usize::from(startup.skipped),
            ),
        ] {
            encoder
                .encode_descriptor(name, help, None, MetricType::Gauge)?
                .encode_family(&component)?
                .encode_gauge(&(u64::try_from(value).unwrap_or(u64::MAX)))?;
        }
        let input = &self.input;
        encoder
            .encode_descriptor("inputs", "Requests checked.", None, MetricType::Counter)?
            .encode_counter::<NoLabelSet, _, u64>(&input.checked, None)?;
        let mut metric = encoder.encode_descriptor(
            "input_failures",
            "Requests refused by the input checks, by kind.",
            None,
            MetricType::Counter,
        )?;
        for (kind, n) in &input.failures {
            metric
                .encode_family(&[("kind", *kind)])?
                .encode_counter::<NoLabelSet, _, u64>(n, None)?;
        }
        input.latency.encode_histogram(encoder.encode_descriptor(
            "input_seconds",
            "Time the input checks of a request took.",
            None,
            MetricType::Histogram,
        )?)?;
        for (name, help, value) in [
            (
                "input_mean_microseconds",
                "Mean time of the input checks of a request.",
                input.mean_us(),
            ),
            (
                "input_p99_microseconds",
                "99th percentile of the time of the input checks of a request.",
                input.p99_us(),
            ),
        ] {
            encoder
                .encode_descriptor(name, help, None, MetricType::Gauge)?
                .encode_gauge(&value)?;
        }
        Ok(())
    }
}
