//! Extract the main content of web pages inside a WebAssembly sandbox.
//!
//! An [`Extractor`] checks each request on the host ([`riptide_input_check`]), then runs the
//! bundled extractor component (`riptide:extractor@0.3.0`) in a pool of wasmtime instances
//! ([`riptide_pool`]): every request gets a fresh, isolated instance, under a deadline and a
//! memory cap.
//!
//! ```no_run
//! use riptide::{Extractor, ExtractionMode};
//!
//! # async fn demo() -> Result<(), riptide::Error> {
//! let extractor = Extractor::builder().build().await?;          // the bundled component
//! let html = "<html><head><title>Hi</title></head><body><p>Hello there.</p></body></html>";
//! let doc = extractor.extract(html, "https://example.com/", ExtractionMode::Article).await?;
//! println!("{}", serde_json::to_string(&doc).unwrap());
//! # Ok(()) }
//! ```
//!
//! `Extractor` is `Clone + Send + Sync`: clone it into as many tasks as you like.
//!
//! **Metrics**: [`Extractor::metrics`] gives the pool's metrics (per tier too: acquire and
//! end-to-end latency, hit ratios, sizes, the auto-tuner's decisions, demotions under memory
//! pressure) next to the validation's: the start-up WIT check of the component (time, errors,
//! warnings) and the input checks of the requests (count, failures by kind, mean and p99
//! time); [`Metrics::to_prometheus`] writes them all.
//!
//! **Debugging switches**, off by default: [`PoolConfig::tiering`] `false` instantiates per
//! request (no hot tier, no refill thread); [`ExtractorBuilder::skip_wit_check`] starts without
//! the WIT check, which [`Extractor::warnings`] and the metrics then report, never silently.

mod error;
mod metrics;

use std::path::PathBuf;
use std::sync::Arc;

pub use error::Error;
pub use metrics::{InputCheckMetrics, Metrics, ValidationMetrics};
/// Decoding the bytes of a page to text as browsers do (the [`riptide_charset`] crate):
/// [`Extractor::extract_bytes`] uses it.
pub use riptide_charset as charset;
pub use riptide_charset::{Decoded, decode_html};
pub use riptide_input_check::{InputError, Limits as InputLimits};
pub use riptide_pool::bindings::{
    ComponentInfo, ExtractedContent, ExtractionError, ExtractionMode, ExtractionStats, HealthStatus,
};
pub use riptide_pool::{
    CircuitConfig, EventListener, HotConfig, Isolation, Latency, MemoryBudget, MetricsSnapshot,
    PoolConfig, PoolError, PoolEvent, Status, WitCheck,
};

/// The mode named `name` (`article`, `full` or `metadata`, any case); `custom` takes the CSS
/// selectors to extract.
///
/// ```
/// use riptide::ExtractionMode;
/// assert_eq!(riptide::mode("Metadata", Vec::new())?, ExtractionMode::Metadata);
/// assert_eq!(riptide::mode("custom", vec!["h1".into()])?, ExtractionMode::Custom(vec!["h1".into()]));
/// assert_eq!(riptide::mode("summary", Vec::new()).unwrap_err().kind(), "mode_unknown");
/// # Ok::<(), riptide::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidInput`] for a name that is not a mode.
pub fn mode(name: &str, selectors: Vec<String>) -> Result<ExtractionMode, Error> {
    use riptide_input_check::ModeName;
    Ok(match riptide_input_check::parse_mode_name(name)? {
        ModeName::Article => ExtractionMode::Article,
        ModeName::Full => ExtractionMode::Full,
        ModeName::Metadata => ExtractionMode::Metadata,
        ModeName::Custom => ExtractionMode::Custom(selectors),
    })
}

/// The mode as the input checks see it (a crate that depends on nothing of ours has its own).
fn input_mode(mode: &ExtractionMode) -> riptide_input_check::Mode<'_> {
    match mode {
        ExtractionMode::Article => riptide_input_check::Mode::Article,
        ExtractionMode::Full => riptide_input_check::Mode::Full,
        ExtractionMode::Metadata => riptide_input_check::Mode::Metadata,
        ExtractionMode::Custom(selectors) => riptide_input_check::Mode::Custom(selectors),
    }
}

/// Checking a component against the `riptide:extractor` world before it runs (the pool does
/// it at start; `riptide validate` exposes it).
///
/// ```
/// use riptide::validation::{ExpectedWorld, Validator};
/// let report = Validator::new(ExpectedWorld::bundled()).validate(b"not a component");
/// assert!(!report.is_valid());
/// ```
pub mod validation {
    pub use riptide_wit_check::{
        ExpectedWorld, Issue, Severity, ValidationReport, Validator, WitCheckError,
    };
}

use riptide_input_check::InputValidator;
use riptide_pool::Pool;

/// The extractor component bundled into this build: the pre-initialized guest shipped in
/// the [`riptide_component`] crate.
///
/// ```
/// assert_eq!(&riptide::bundled_component()[..4], b"\0asm");
/// ```
pub fn bundled_component() -> &'static [u8] {
    riptide_component::WASM
}

/// The SHA-256 of [`bundled_component`] (lower-case hex), as `riptide info` prints it.
///
/// ```
/// assert_eq!(riptide::bundled_component_sha256().len(), 64);
/// ```
pub fn bundled_component_sha256() -> &'static str {
    riptide_component::SHA256
}

enum Source {
    Bundled,
    Path(PathBuf),
    Bytes(Vec<u8>),
}

/// Configures an [`Extractor`].
pub struct ExtractorBuilder {
    source: Source,
    pool: PoolConfig,
    limits: InputLimits,
    listener: Option<Arc<dyn EventListener>>,
    skip_wit_check: bool,
}

impl ExtractorBuilder {
    /// Load the component from a file instead of the bundled one.
    pub fn component_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.source = Source::Path(path.into());
        self
    }

    /// Use these component bytes instead of the bundled component.
    pub fn component_bytes(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.source = Source::Bytes(bytes.into());
        self
    }

    /// Configure the instance pool (sizes, deadlines, memory cap, isolation…).
    pub fn pool_config(mut self, config: PoolConfig) -> Self {
        self.pool = config;
        self
    }

    /// Configure the input checks (HTML size, URL length, selector limits).
    pub fn input_limits(mut self, limits: InputLimits) -> Self {
        self.limits = limits;
        self
    }

    /// **Debugging only**: start without checking the component against the
    /// `riptide:extractor` world (`PoolConfig::validate_wit` off, whatever the pool
    /// configuration says). Never silent: [`Extractor::warnings`] and the metrics
    /// ([`WitCheck::skipped`]) report it; a program should show the warning (the `riptide`
    /// CLI prints it). A component that does not match then fails when instantiated, with a
    /// less precise error.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), riptide::Error> {
    /// let extractor = riptide::Extractor::builder().skip_wit_check().build().await?;
    /// for warning in extractor.warnings() {
    ///     eprintln!("warning: {warning}");
    /// }
    /// assert!(extractor.metrics().validation.startup.skipped);
    /// # Ok(()) }
    /// ```
    pub fn skip_wit_check(mut self) -> Self {
        self.skip_wit_check = true;
        self
    }

    /// Receive the pool's events.
    pub fn listener(mut self, listener: Arc<dyn EventListener>) -> Self {
        self.listener = Some(listener);
        self
    }

    /// Load, check and compile the component (from the artifact cache when possible) and
    /// start the pool.
    ///
    /// # Errors
    /// [`Error::ComponentRead`], or [`Error::Pool`] when the component cannot be validated,
    /// compiled or instantiated.
    pub async fn build(self) -> Result<Extractor, Error> {
        let bytes: std::borrow::Cow<'static, [u8]> = match self.source {
            Source::Bundled => bundled_component().into(),
            Source::Bytes(bytes) => bytes.into(),
            Source::Path(path) => std::fs::read(&path)
                .map_err(|e| Error::ComponentRead {
                    path: path.clone(),
                    source: Arc::new(e),
                })?
                .into(),
        };
        let mut config = self.pool;
        if self.skip_wit_check {
            config.validate_wit = false;
        }
        let listener = self.listener;
        let pool = tokio::task::spawn_blocking(move || {
            let mut builder = Pool::builder(&bytes).config(config);
            if let Some(listener) = listener {
                builder = builder.listener(listener);
            }
            builder.build()
        })
        .await
        .unwrap_or_else(|e| match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            // The runtime is shutting down.
            Err(_) => Err(PoolError::ShutDown),
        })?;
        Ok(Extractor {
            inner: Arc::new(Inner {
                pool,
                input: InputValidator::new(self.limits),
                input_counters: metrics::InputCounters::new(),
            }),
        })
    }
}

struct Inner {
    pool: Pool,
    input: InputValidator,
    input_counters: metrics::InputCounters,
}

/// Extracts content from pages with a sandboxed WebAssembly component.
#[derive(Clone)]
pub struct Extractor {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Extractor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Extractor")
            .field("pool", &self.inner.pool)
            .finish()
    }
}

impl Extractor {
    /// A builder using the bundled component and default settings.
    pub fn builder() -> ExtractorBuilder {
        ExtractorBuilder {
            source: Source::Bundled,
            pool: PoolConfig::default(),
            limits: InputLimits::default(),
            listener: None,
            skip_wit_check: false,
        }
    }

    /// Extract content and metadata from `html`, the page at `url`.
    ///
    /// The request is checked first ([`Error::InvalidInput`], no instance used); then a fresh
    /// instance runs the extraction.
    ///
    /// # Errors
    /// [`Error::InvalidInput`], [`Error::Extraction`] (the guest's own verdict) or
    /// [`Error::Pool`] (a trap, the deadline, a limit, an exhausted or shut-down pool).
    pub async fn extract(
        &self,
        html: impl Into<String>,
        url: &str,
        mode: ExtractionMode,
    ) -> Result<ExtractedContent, Error> {
        let html = html.into();
        self.check_request(&html, url, &mode)?;
        let url = url.to_string();
        self.call(move |guest, store| guest.call_extract(store, &html, &url, &mode))
            .await?
            .map_err(Error::Extraction)
    }

    /// Extract content from the raw bytes of a page, decoded to text first as a browser
    /// would ([`decode_html`]): a byte order mark, the charset of `content_type` (the HTTP
    /// `Content-Type` header the page came with, if any), a `<meta charset>`, else sniffing.
    ///
    /// ```no_run
    /// use riptide::{Extractor, ExtractionMode};
    ///
    /// # async fn demo() -> Result<(), riptide::Error> {
    /// let extractor = Extractor::builder().build().await?;
    /// let (bytes, _, _) = riptide::charset::encoding_rs::WINDOWS_1251.encode("<h1>Привет</h1><p>Мир.</p>");
    /// let doc = extractor
    ///     .extract_bytes(&bytes, Some("text/html; charset=windows-1251"), "https://example.ru/", ExtractionMode::Full)
    ///     .await?;
    /// assert!(doc.text.contains("Привет"));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As for [`extract`](Self::extract).
    pub async fn extract_bytes(
        &self,
        bytes: &[u8],
        content_type: Option<&str>,
        url: &str,
        mode: ExtractionMode,
    ) -> Result<ExtractedContent, Error> {
        self.extract(decode_html(bytes, content_type).text, url, mode)
            .await
    }

    /// Like [`extract`](Self::extract), with figures measured inside the guest.
    ///
    /// # Errors
    /// As for [`extract`](Self::extract).
    pub async fn extract_with_stats(
        &self,
        html: impl Into<String>,
        url: &str,
        mode: ExtractionMode,
    ) -> Result<(ExtractedContent, ExtractionStats), Error> {
        let html = html.into();
        self.check_request(&html, url, &mode)?;
        let url = url.to_string();
        self.call(move |guest, store| guest.call_extract_with_stats(store, &html, &url, &mode))
            .await?
            .map_err(Error::Extraction)
    }

    /// Whether `html` parses into a document whose body has content.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for input refused by the checks, or a sandbox failure.
    pub async fn validate_html(&self, html: impl Into<String>) -> Result<bool, Error> {
        let html = html.into();
        let input = &self.inner.input;
        self.inner
            .input_counters
            .check(|| input.check_html(&html))?;
        self.call(move |guest, store| guest.call_validate_html(store, &html))
            .await?
            .map_err(Error::Extraction)
    }

    /// The guest's health report.
    ///
    /// # Errors
    /// A sandbox failure.
    pub async fn health(&self) -> Result<HealthStatus, Error> {
        self.call(|guest, store| guest.call_health_check(store))
            .await
    }

    /// Static facts about the component.
    ///
    /// # Errors
    /// A sandbox failure.
    pub async fn info(&self) -> Result<ComponentInfo, Error> {
        self.call(|guest, store| guest.call_get_info(store)).await
    }

    /// The modes the component supports.
    ///
    /// # Errors
    /// A sandbox failure.
    pub async fn modes(&self) -> Result<Vec<String>, Error> {
        self.call(|guest, store| guest.call_get_modes(store)).await
    }

    /// The input checks of a request, timed and counted for the metrics.
    fn check_request(&self, html: &str, url: &str, mode: &ExtractionMode) -> Result<(), Error> {
        let input = &self.inner.input;
        self.inner
            .input_counters
            .check(|| input.check_request(html, url, input_mode(mode)))?;
        Ok(())
    }

    /// One guest call on an instance of the pool (a request of its own).
    async fn call<R, F>(&self, f: F) -> Result<R, Error>
    where
        F: FnOnce(
                &riptide_pool::bindings::Extractor,
                &mut wasmtime::Store<riptide_pool::host::HostState>,
            ) -> wasmtime::Result<R>
            + Send
            + 'static,
        R: riptide_pool::OutputSize + Send + 'static,
    {
        Ok(self.inner.pool.get().await?.call(f).await?)
    }

    /// The metrics: the pool's and, next to them, the validation's (the start-up WIT check,
    /// the input checks of the requests).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), riptide::Error> {
    /// let extractor = riptide::Extractor::builder().build().await?;
    /// let _ = extractor.extract("<p>x</p>", "not a url", riptide::ExtractionMode::Article).await;
    /// let input = extractor.metrics().validation.input;
    /// assert_eq!((input.checked, input.failures_of("url_invalid")), (1, 1));
    /// # Ok(()) }
    /// ```
    pub fn metrics(&self) -> Metrics {
        Metrics {
            pool: self.inner.pool.metrics(),
            validation: ValidationMetrics {
                startup: self.inner.pool.startup().wit_check,
                input: self.inner.input_counters.snapshot(),
            },
        }
    }

    /// Warnings about how this extractor was started, for the program to show (the library
    /// prints nothing): today, that the start-up WIT check was skipped
    /// ([`ExtractorBuilder::skip_wit_check`]). Empty normally.
    pub fn warnings(&self) -> Vec<String> {
        self.inner
            .pool
            .startup()
            .wit_check
            .warning
            .into_iter()
            .collect()
    }

    /// The pool's state now (places in use, tier depths, circuit breaker).
    pub fn status(&self) -> Status {
        self.inner.pool.status()
    }

    /// The pool itself, for advanced use (custom calls, tier inspection).
    pub fn pool(&self) -> &Pool {
        &self.inner.pool
    }

    /// Finish the requests in flight, refuse new ones ([`PoolError::ShutDown`]) and release
    /// every instance.
    pub async fn shutdown(&self) {
        self.inner.pool.shutdown().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync_clone<T: Send + Sync + Clone>() {}

    #[test]
    fn extractor_is_shareable() {
        assert_send_sync_clone::<Extractor>();
    }
}
