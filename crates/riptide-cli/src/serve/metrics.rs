//! HTTP metrics (requests by route and status, latency histogram, requests in flight) and the
//! one log line per request, both taken by one middleware around every route.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use super::AppState;
use super::errors::ErrorKind;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

/// The server's own metrics, under the `riptide_http_` prefix.
pub(crate) struct HttpMetrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    duration: Family<RouteLabels, Histogram>,
    in_flight: Gauge,
}

impl HttpMetrics {
    pub(crate) fn new() -> Self {
        let mut registry = Registry::with_prefix("riptide_http");
        let requests = Family::<RequestLabels, Counter>::default();
        // 0.5 ms to about 16 s.
        let duration = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        });
        let in_flight = Gauge::default();
        registry.register(
            "requests",
            "HTTP requests answered, by route, method and status",
            requests.clone(),
        );
        registry.register(
            "request_duration_seconds",
            "Time from a request's arrival to its response head, by route",
            duration.clone(),
        );
        registry.register(
            "in_flight_requests",
            "HTTP requests being handled now",
            in_flight.clone(),
        );
        HttpMetrics {
            registry,
            requests,
            duration,
            in_flight,
        }
    }

    /// The metrics in the Prometheus text format.
    pub(crate) fn encode(&self) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry);
        text
    }
}

/// Decrements the in-flight gauge however the request ends (also when its client goes away).
struct InFlight<'a>(&'a Gauge);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Count, time and log one request.
pub(crate) async fn observe(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let metrics = &state.0.metrics;
    // Routes, not paths, as labels: a client cannot grow the series without bound.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_string();
    let method = request.method().as_str().to_string();
    metrics.in_flight.inc();
    let guard = InFlight(&metrics.in_flight);
    let response = next.run(request).await;
    drop(guard);
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    metrics
        .duration
        .get_or_create(&RouteLabels {
            route: route.clone(),
        })
        .observe(elapsed.as_secs_f64());
    metrics
        .requests
        .get_or_create(&RequestLabels {
            route: route.clone(),
            method: method.clone(),
            status,
        })
        .inc();
    let kind = response.extensions().get::<ErrorKind>().map(|k| k.0);
    tracing::info!(
        method = %method,
        route = %route,
        status,
        ms = %format_args!("{:.3}", elapsed.as_secs_f64() * 1e3),
        error = kind,
        "request"
    );
    response
}
