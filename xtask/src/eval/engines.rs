//! The extractors under test: the sandboxed component through the facade, the same library
//! natively, and, for comparison, other extraction crates run natively.

use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use riptide::{CircuitConfig, ExtractionMode, Extractor, InputLimits, PoolConfig};

/// Which extractor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Engine {
    /// The bundled component in wasmtime, through `riptide::Extractor`.
    Sandboxed,
    /// `riptide_extract::extract`, natively.
    Native,
    /// rs-trafilatura 0.2 alone (default options, its own metadata), natively.
    Trafilatura,
    /// dom_smoothie 0.19 (a port of Readability.js), natively.
    DomSmoothie,
}

impl Engine {
    /// Every engine, in report order.
    pub(super) const ALL: [Engine; 4] = [
        Engine::Sandboxed,
        Engine::Native,
        Engine::Trafilatura,
        Engine::DomSmoothie,
    ];

    /// The name used on the command line and in reports.
    pub(super) fn name(self) -> &'static str {
        match self {
            Engine::Sandboxed => "sandboxed",
            Engine::Native => "native",
            Engine::Trafilatura => "trafilatura",
            Engine::DomSmoothie => "dom_smoothie",
        }
    }

    /// A one-line description for reports.
    pub(super) fn describe(self) -> &'static str {
        match self {
            Engine::Sandboxed => {
                "riptide component (wasm32-wasip2) in wasmtime via `riptide::Extractor`, a fresh instance per page"
            }
            Engine::Native => {
                "`riptide_extract::extract` compiled natively (same code as the guest)"
            }
            Engine::Trafilatura => {
                "rs-trafilatura 0.2.2 alone, default options, its own metadata (the engine inside riptide-extract)"
            }
            Engine::DomSmoothie => {
                "dom_smoothie 0.19 (Readability.js port), formatted text mode, its own metadata"
            }
        }
    }

    /// Parse an engine name.
    pub(super) fn parse(s: &str) -> Option<Engine> {
        Engine::ALL.into_iter().find(|e| e.name() == s)
    }
}

/// What an engine returned for one page.
#[derive(Debug, Clone, Default)]
pub(super) struct Outcome {
    /// Main content as plain text (empty on error).
    pub text: String,
    /// Main content as markdown (`None`: the engine writes none, or it was not asked for).
    pub markdown: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Byline.
    pub byline: Option<String>,
    /// Publication date.
    pub date: Option<String>,
    /// Site name.
    pub site_name: Option<String>,
    /// Language tag.
    pub language: Option<String>,
    /// Confidence 0–100, when the engine gives one.
    pub quality: Option<u8>,
    /// Why the page failed, if it did.
    pub error: Option<String>,
    /// Time spent in the extraction call.
    pub elapsed: Duration,
}

impl Outcome {
    fn failed(error: String, elapsed: Duration) -> Outcome {
        Outcome {
            error: Some(error),
            elapsed,
            ..Outcome::default()
        }
    }
}

/// A ready-to-use set of engines.
pub(super) struct Runner {
    runtime: Option<tokio::runtime::Runtime>,
    extractor: Option<Extractor>,
}

impl Runner {
    /// Start what `engines` need: the facade extractor is built once, with a pool of two
    /// instances.
    ///
    /// # Errors
    /// The facade could not be built.
    pub(super) fn new(engines: &[Engine]) -> Result<Runner, String> {
        if !engines.contains(&Engine::Sandboxed) {
            return Ok(Runner {
                runtime: None,
                extractor: None,
            });
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start a tokio runtime: {e}"))?;
        let config = PoolConfig::builder()
            .max_instances(2)
            .hot_size(2, 2)
            .circuit(CircuitConfig {
                enabled: false,
                ..CircuitConfig::default()
            })
            .build()
            .map_err(|e| e.to_string())?;
        let limits = InputLimits {
            max_html_bytes: riptide_extract::MAX_HTML_BYTES,
            ..InputLimits::default()
        };
        let extractor = runtime
            .block_on(
                Extractor::builder()
                    .pool_config(config)
                    .input_limits(limits)
                    .build(),
            )
            .map_err(|e| format!("cannot build the sandboxed extractor: {e}"))?;
        Ok(Runner {
            runtime: Some(runtime),
            extractor: Some(extractor),
        })
    }

    /// Run one engine on one page (article mode).
    pub(super) fn run(&self, engine: Engine, html: &str, url: &str) -> Outcome {
        match engine {
            Engine::Sandboxed => self.sandboxed(html, url),
            Engine::Native => guarded(|| native(html, url)),
            Engine::Trafilatura => guarded(|| trafilatura(html, url)),
            Engine::DomSmoothie => guarded(|| dom_smoothie(html, url)),
        }
    }

    fn sandboxed(&self, html: &str, url: &str) -> Outcome {
        let (Some(runtime), Some(extractor)) = (&self.runtime, &self.extractor) else {
            return Outcome::failed(
                "the sandboxed engine was not started".into(),
                Duration::ZERO,
            );
        };
        let html = html.to_string();
        let started = Instant::now();
        let result = runtime.block_on(extractor.extract(html, url, ExtractionMode::Article));
        let elapsed = started.elapsed();
        match result {
            Ok(doc) => Outcome {
                text: doc.text,
                markdown: Some(doc.markdown),
                title: doc.title,
                byline: doc.byline,
                date: doc.published_iso,
                site_name: doc.site_name,
                language: doc.language,
                quality: doc.quality_score,
                error: None,
                elapsed,
            },
            Err(e) => Outcome::failed(e.to_string(), elapsed),
        }
    }

    /// Shut the pool down.
    pub(super) fn finish(self) {
        if let (Some(runtime), Some(extractor)) = (self.runtime, self.extractor) {
            runtime.block_on(extractor.shutdown());
        }
    }
}

/// Time `f` and turn a panic into a page error.
fn guarded(f: impl FnOnce() -> Result<Outcome, String>) -> Outcome {
    let started = Instant::now();
    let result = std::panic::catch_unwind(AssertUnwindSafe(f));
    let elapsed = started.elapsed();
    match result {
        Ok(Ok(mut outcome)) => {
            outcome.elapsed = elapsed;
            outcome
        }
        Ok(Err(e)) => Outcome::failed(e, elapsed),
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            Outcome::failed(format!("panic: {message}"), elapsed)
        }
    }
}

fn native(html: &str, url: &str) -> Result<Outcome, String> {
    let doc = riptide_extract::extract(html, url, &riptide_extract::Mode::Article)
        .map_err(|e| e.to_string())?;
    Ok(Outcome {
        text: doc.text,
        markdown: Some(doc.markdown),
        title: doc.title,
        byline: doc.byline,
        date: doc.published_iso,
        site_name: doc.site_name,
        language: doc.language,
        quality: doc.quality_score,
        ..Outcome::default()
    })
}

fn trafilatura(html: &str, url: &str) -> Result<Outcome, String> {
    let options = rs_trafilatura::Options {
        url: Some(url.to_string()),
        ..rs_trafilatura::Options::default()
    };
    let result = rs_trafilatura::extract_with_options(html, &options).map_err(|e| e.to_string())?;
    let m = result.metadata;
    // extraction_quality is a predicted F1 in 0..=1; the cast is safe after clamping.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let quality = (result.extraction_quality.clamp(0.0, 1.0) * 100.0).round() as u8;
    Ok(Outcome {
        text: result.content_text,
        title: m.title,
        byline: m.author,
        date: m.date.map(|d| d.format("%Y-%m-%d").to_string()),
        site_name: m.sitename,
        language: m.language,
        quality: Some(quality),
        ..Outcome::default()
    })
}

fn dom_smoothie(html: &str, url: &str) -> Result<Outcome, String> {
    let config = dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Formatted,
        ..dom_smoothie::Config::default()
    };
    let mut readability =
        dom_smoothie::Readability::new(html, Some(url), Some(config)).map_err(|e| e.to_string())?;
    let article = readability.parse().map_err(|e| e.to_string())?;
    Ok(Outcome {
        text: article.text_content.to_string(),
        title: Some(article.title).filter(|t| !t.trim().is_empty()),
        byline: article.byline,
        date: article.published_time,
        site_name: article.site_name,
        language: article.lang,
        quality: None,
        ..Outcome::default()
    })
}
