//! `riptide serve`: the extractor as an HTTP service (docs/serving.md).
//!
//! axum on hyper; tower sheds the requests past `--max-in-flight` (503 `overloaded`) and
//! bounds `/v1/extract` by `--request-timeout-ms` (504 `timeout`); the pool bounds the
//! extractions running at once and how long a request waits for one (503 `pool_exhausted`).
//! SIGTERM or Ctrl-C: `/readyz` turns 503, the listener closes after `--drain-ms`, the
//! requests in flight are answered, then the process exits 0.

mod errors;
mod metrics;
mod routes;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::routing::{get, post};
use riptide::Extractor;
use serde_json::Value;
use tower::ServiceBuilder;
use tower::limit::GlobalConcurrencyLimitLayer;

use crate::Failure;
use errors::ApiError;

/// How the log lines look.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum LogFormat {
    /// `key=value` text.
    Text,
    /// One JSON object per line.
    Json,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "endpoints:
  POST /v1/extract   a JSON object {\"url\", \"html\", \"mode\", \"selectors\"}, or the page as text/html
                     with ?url=…&mode=…&selector=…; answers the extracted fields
  POST /v1/batch     JSON lines in, one JSON line out per input line as it completes
  GET  /v1/info      the component's info, health and modes
  GET  /healthz      the process is alive
  GET  /readyz       ready for traffic (503 while shutting down or with the circuit open)
  GET  /metrics      Prometheus text: pool and HTTP metrics

Errors are {\"error\": {\"kind\", \"message\"}}; docs/serving.md lists the statuses by kind.
Every option can also be set by the environment variable named beside it.")]
pub(crate) struct ServeArgs {
    /// The address to listen on; port 0 picks a free port (the address is logged).
    #[arg(
        long,
        env = "RIPTIDE_BIND",
        default_value = "127.0.0.1:8080",
        value_name = "ADDR"
    )]
    bind: SocketAddr,
    /// Extractions run at once: the pool's instances (default: twice the cores, at least 4).
    #[arg(long, env = "RIPTIDE_MAX_INSTANCES", value_name = "N")]
    max_instances: Option<usize>,
    /// How long a request waits for a free instance before 503 pool_exhausted.
    #[arg(
        long,
        env = "RIPTIDE_QUEUE_TIMEOUT_MS",
        default_value_t = 1000,
        value_name = "MS"
    )]
    queue_timeout_ms: u64,
    /// Deadline of one extraction in the sandbox (504 timeout past it).
    #[arg(
        long,
        env = "RIPTIDE_CALL_TIMEOUT_MS",
        default_value_t = 10_000,
        value_name = "MS"
    )]
    call_timeout_ms: u64,
    /// Deadline of a whole /v1/extract request, body upload included (504 timeout past it).
    #[arg(
        long,
        env = "RIPTIDE_REQUEST_TIMEOUT_MS",
        default_value_t = 30_000,
        value_name = "MS"
    )]
    request_timeout_ms: u64,
    /// Extraction requests (/v1/extract, /v1/batch until its answer starts) handled at once,
    /// waiting ones included; more are refused at once with 503 overloaded (default: four
    /// times the instances).
    #[arg(long, env = "RIPTIDE_MAX_IN_FLIGHT", value_name = "N")]
    max_in_flight: Option<usize>,
    /// Linear memory cap of one instance, in MiB (422 memory_limit past it; default 512).
    #[arg(long, env = "RIPTIDE_MEMORY_LIMIT_MIB", value_name = "MIB")]
    memory_limit_mib: Option<usize>,
    /// The largest page in bytes: the input checks' limit, and the request body's.
    #[arg(
        long,
        env = "RIPTIDE_MAX_HTML_BYTES",
        default_value_t = riptide::InputLimits::DEFAULT_MAX_HTML_BYTES,
        value_name = "BYTES"
    )]
    max_html_bytes: usize,
    /// After SIGTERM or Ctrl-C, keep serving this long with /readyz answering 503 (so that a
    /// load balancer stops sending), then close the listener.
    #[arg(long, env = "RIPTIDE_DRAIN_MS", default_value_t = 0, value_name = "MS")]
    drain_ms: u64,
    /// A component to use instead of the bundled one.
    #[arg(long, env = "RIPTIDE_COMPONENT", value_name = "PATH")]
    component: Option<PathBuf>,
    /// The log lines' format (on standard error).
    #[arg(long, env = "RIPTIDE_LOG_FORMAT", value_enum, default_value = "text")]
    log_format: LogFormat,
}

/// What the handlers share.
#[derive(Clone)]
pub(crate) struct AppState(Arc<Shared>);

pub(crate) struct Shared {
    extractor: Extractor,
    /// The `component` part of `/v1/info`.
    component: Value,
    /// Body limit of a raw HTML page.
    html_limit: usize,
    /// Body limit of a JSON object, and line limit of `/v1/batch`: the page plus its JSON.
    json_limit: usize,
    /// Extractions one `/v1/batch` request runs at once.
    jobs: usize,
    shutting_down: AtomicBool,
    metrics: metrics::HttpMetrics,
}

/// Room for the JSON around a page (its URL, mode, selectors and escapes).
const JSON_OVERHEAD: usize = 64 * 1024;

fn init_logging(format: LogFormat) {
    use std::io::IsTerminal;
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal());
    // A second subscriber (never the case in the binary) is not an error worth stopping for.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

/// Build the extractor: the pool sized and timed by the flags, the input limits.
async fn build_extractor(args: &ServeArgs) -> Result<Extractor, Failure> {
    let mut pool = riptide::PoolConfig::builder()
        .acquire_timeout(Duration::from_millis(args.queue_timeout_ms))
        .call_timeout(Duration::from_millis(args.call_timeout_ms));
    if let Some(n) = args.max_instances {
        pool = pool.max_instances(n.max(1));
    }
    if let Some(mib) = args.memory_limit_mib {
        pool = pool.memory_limit_bytes(mib.saturating_mul(1 << 20));
    }
    let pool = pool
        .build()
        .map_err(|e| Failure::usage(crate::report(&e)))?;
    let limits = riptide::InputLimits {
        max_html_bytes: args.max_html_bytes,
        ..riptide::InputLimits::default()
    };
    let mut builder = Extractor::builder().pool_config(pool).input_limits(limits);
    if let Some(path) = &args.component {
        builder = builder.component_path(path);
    }
    Ok(builder.build().await?)
}

/// The router with every route, limit and the per-request middleware.
fn router(state: AppState, max_in_flight: usize, request_timeout: Duration) -> Router {
    let in_flight = Arc::new(tokio::sync::Semaphore::new(max_in_flight));
    let bounded = || {
        ServiceBuilder::new()
            .layer(HandleErrorLayer::new(layer_error))
            .load_shed()
            .layer(GlobalConcurrencyLimitLayer::with_semaphore(Arc::clone(
                &in_flight,
            )))
    };
    Router::new()
        .route(
            "/v1/extract",
            post(routes::extract).route_layer(bounded().timeout(request_timeout)),
        )
        .route("/v1/batch", post(routes::batch).route_layer(bounded()))
        .route("/v1/info", get(routes::info))
        .route("/healthz", get(routes::healthz))
        .route("/readyz", get(routes::readyz))
        .route("/metrics", get(routes::metrics))
        .fallback(routes::not_found)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::observe,
        ))
        .with_state(state)
}

/// What the tower layers fail with: a full server or the request deadline.
async fn layer_error(error: tower::BoxError) -> ApiError {
    if error.is::<tower::load_shed::error::Overloaded>() {
        ApiError::new(
            "overloaded",
            "the server has as many extraction requests as it takes at once; retry shortly or \
             send them to another replica",
        )
    } else if error.is::<tower::timeout::error::Elapsed>() {
        ApiError::new(
            "timeout",
            "the request did not finish within the server's request timeout; send a smaller \
             page, or raise --request-timeout-ms",
        )
    } else {
        ApiError::new("internal", format!("the server failed: {error}"))
    }
}

/// SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM ({e}); stop the server with Ctrl-C");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}

/// Serve until SIGTERM or Ctrl-C, then finish the requests in flight.
pub(crate) async fn run(args: ServeArgs) -> Result<(), Failure> {
    init_logging(args.log_format);
    if args.max_in_flight == Some(0) {
        return Err(Failure::usage("--max-in-flight must be at least 1"));
    }
    let component = crate::info::component_value(args.component.as_deref())?;
    let extractor = build_extractor(&args).await?;
    let jobs = extractor.status().max_instances;
    let max_in_flight = args.max_in_flight.unwrap_or(jobs * 4);
    let state = AppState(Arc::new(Shared {
        extractor: extractor.clone(),
        component,
        html_limit: args.max_html_bytes,
        json_limit: args.max_html_bytes.saturating_add(JSON_OVERHEAD),
        jobs,
        shutting_down: AtomicBool::new(false),
        metrics: metrics::HttpMetrics::new(),
    }));
    let app = router(
        state.clone(),
        max_in_flight,
        Duration::from_millis(args.request_timeout_ms),
    );
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .map_err(|e| {
            Failure::usage(format!(
                "could not listen on {}: {e}; choose another address with --bind (or RIPTIDE_BIND)",
                args.bind
            ))
        })?;
    let address = listener.local_addr().map_err(|e| Failure {
        code: 1,
        message: format!("the listener has no address: {e}"),
    })?;
    tracing::info!(
        %address,
        max_instances = jobs,
        max_in_flight,
        "listening on http://{address}"
    );
    let drain = Duration::from_millis(args.drain_ms);
    let stopping = {
        let state = state.clone();
        async move {
            shutdown_signal().await;
            state.0.shutting_down.store(true, Ordering::SeqCst);
            tracing::info!(
                drain_ms = drain.as_millis() as u64,
                "shutting down: /readyz answers 503; the requests in flight are finished"
            );
            tokio::time::sleep(drain).await;
        }
    };
    axum::serve(listener, app)
        .with_graceful_shutdown(stopping)
        .await
        .map_err(|e| Failure {
            code: 1,
            message: format!("the server failed: {e}"),
        })?;
    extractor.shutdown().await;
    tracing::info!("stopped");
    Ok(())
}
