//! The five ways of serving one extraction request that the harness compares.
//!
//! Every strategy runs the extraction on a tokio blocking thread (the pool does so itself),
//! so they all pay the same hand-off and only the sandbox differs. Latency is measured from
//! before acquiring an instance (or creating a Store) to the result being back in the task.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use riptide_pool::bindings::{ExtractionMode, Extractor, ExtractorPre};
use riptide_pool::host::{self, HostState};
use riptide_pool::{Isolation, Pool, PoolConfig, Tier};
use sha2::{Digest, Sha256};
use wasmtime::component::{Component, Linker};
use wasmtime::{Config, Engine};

/// Linear memory cap given to naive Stores (the pool's default).
pub(super) const MEMORY_LIMIT: usize = 512 << 20;

/// A strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Kind {
    /// Compile once; per request `Store::new` + `Linker` instantiation (on-demand allocator).
    Naive,
    /// The pool, per-request isolation (its default).
    PooledFresh,
    /// The pool, `Isolation::Reuse` with a large `max_uses`.
    PooledReuse,
    /// The pool with tiering off (`PoolConfig::tiering(false)`): instantiation per request,
    /// no hot tier, no refill thread.
    PooledUntiered,
    /// `riptide_extract::extract`, no sandbox (the others' text is compared with it).
    Native,
    /// rs-trafilatura natively, the engine `riptide-extract` replaced (issue 13): the
    /// engines side by side on the same pages.
    Trafilatura,
}

impl Kind {
    /// Every strategy, in table order.
    pub(super) const ALL: [Kind; 6] = [
        Kind::Naive,
        Kind::PooledFresh,
        Kind::PooledReuse,
        Kind::PooledUntiered,
        Kind::Native,
        Kind::Trafilatura,
    ];

    /// Its name in reports.
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Kind::Naive => "naive",
            Kind::PooledFresh => "pooled-fresh",
            Kind::PooledReuse => "pooled-reuse",
            Kind::PooledUntiered => "pooled-untiered",
            Kind::Native => "native",
            Kind::Trafilatura => "native-trafilatura",
        }
    }
}

/// A page ready to be sent: shared, so that no strategy copies it per request.
#[derive(Debug, Clone)]
pub(super) struct Request {
    /// The HTML.
    pub html: Arc<str>,
    /// The document URL.
    pub url: Arc<str>,
}

/// What one request gave.
#[derive(Debug, Clone)]
pub(super) struct Outcome {
    /// End-to-end latency.
    pub latency: Duration,
    /// The tier the instance came from (pooled strategies).
    pub tier: Option<Tier>,
    /// Bytes of extracted text, or the guest's error.
    pub text: Result<usize, String>,
}

/// The naive path's engine: wasmtime's defaults (no pooling, no epochs).
pub(super) struct Naive {
    /// The engine.
    pub engine: Engine,
    /// The compiled component.
    pub component: Component,
    /// The WASI linker, built once.
    pub linker: Linker<HostState>,
}

impl Naive {
    /// Compile the component with wasmtime's default configuration, or load it from
    /// `cache_dir` (keyed by SHA-256 of the component and the engine's compatibility hash):
    /// how the naive path gets its component is not what is measured.
    ///
    /// # Errors
    /// When the engine or the component cannot be made.
    pub(super) fn new(bytes: &[u8], cache_dir: &Path) -> Result<Naive, String> {
        let mut config = Config::new();
        config.wasm_component_model(true);
        let engine = Engine::new(&config).map_err(|e| format!("default engine: {e:#}"))?;
        let mut hasher = DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        let digest = hex::encode(Sha256::digest(bytes));
        let file = cache_dir.join(format!("naive-{digest}-{:016x}.cwasm", hasher.finish()));
        // SAFETY: the file was written below by `Component::serialize` of an engine with the
        // same compatibility hash (part of its name); the cache lives in the target directory.
        let component = if let Ok(c) = unsafe { Component::deserialize_file(&engine, &file) } {
            c
        } else {
            let c = Component::new(&engine, bytes).map_err(|e| format!("compile: {e:#}"))?;
            std::fs::create_dir_all(cache_dir).map_err(|e| e.to_string())?;
            let data = c.serialize().map_err(|e| e.to_string())?;
            let tmp = file.with_extension("tmp");
            std::fs::write(&tmp, data).map_err(|e| e.to_string())?;
            std::fs::rename(&tmp, &file).map_err(|e| e.to_string())?;
            c
        };
        let linker = host::linker(&engine).map_err(|e| format!("linker: {e:#}"))?;
        Ok(Naive {
            engine,
            component,
            linker,
        })
    }

    /// One instantiation with the `Linker` (type-checks the imports every time), dropped
    /// after timing.
    pub(super) fn time_instantiate(&self) -> Result<Duration, String> {
        let started = Instant::now();
        let mut store = host::new_store(&self.engine, MEMORY_LIMIT);
        let instance = Extractor::instantiate(&mut store, &self.component, &self.linker)
            .map_err(|e| format!("{e:#}"))?;
        let elapsed = started.elapsed();
        drop((instance, store));
        Ok(elapsed)
    }

    /// One instantiation through an `InstancePre`, dropped after timing.
    pub(super) fn time_instantiate_pre(
        &self,
        pre: &ExtractorPre<HostState>,
    ) -> Result<Duration, String> {
        let started = Instant::now();
        let mut store = host::new_store(&self.engine, MEMORY_LIMIT);
        let instance = pre.instantiate(&mut store).map_err(|e| format!("{e:#}"))?;
        let elapsed = started.elapsed();
        drop((instance, store));
        Ok(elapsed)
    }

    /// The `InstancePre` of the component.
    pub(super) fn pre(&self) -> Result<ExtractorPre<HostState>, String> {
        let pre = self
            .linker
            .instantiate_pre(&self.component)
            .map_err(|e| format!("{e:#}"))?;
        ExtractorPre::new(pre).map_err(|e| format!("{e:#}"))
    }
}

/// The strategies with their engines and pools.
pub(super) struct Strategies {
    /// The naive engine.
    pub naive: Arc<Naive>,
    /// The per-request pool.
    pub fresh: Pool,
    /// The reusing pool.
    pub reuse: Pool,
    /// The pool without tiering.
    pub untiered: Pool,
}

/// The default pool configuration with the artifact cache in `cache_dir`.
pub(super) fn fresh_config(cache_dir: &Path) -> Result<PoolConfig, String> {
    PoolConfig::builder()
        .cache_dir(cache_dir)
        .build()
        .map_err(|e| e.to_string())
}

/// The reusing pool's configuration: every instance serves until the run ends.
pub(super) fn reuse_config(cache_dir: &Path) -> Result<PoolConfig, String> {
    PoolConfig::builder()
        .cache_dir(cache_dir)
        .isolation(Isolation::Reuse {
            max_uses: 1_000_000,
            max_age: Duration::from_secs(24 * 3600),
        })
        .build()
        .map_err(|e| e.to_string())
}

/// The untiered pool's configuration: the defaults with tiering off.
pub(super) fn untiered_config(cache_dir: &Path) -> Result<PoolConfig, String> {
    PoolConfig::builder()
        .cache_dir(cache_dir)
        .tiering(false)
        .build()
        .map_err(|e| e.to_string())
}

impl Strategies {
    /// Start the pools (from the artifact cache in `cache_dir`) beside the naive engine.
    ///
    /// # Errors
    /// When a pool does not start.
    pub(super) fn new(
        bytes: &[u8],
        naive: Arc<Naive>,
        cache_dir: &Path,
    ) -> Result<Strategies, String> {
        let fresh = Pool::builder(bytes)
            .config(fresh_config(cache_dir)?)
            .build_filled()
            .map_err(|e| format!("pooled-fresh: {e}"))?;
        let reuse = Pool::builder(bytes)
            .config(reuse_config(cache_dir)?)
            .build_filled()
            .map_err(|e| format!("pooled-reuse: {e}"))?;
        let untiered = Pool::builder(bytes)
            .config(untiered_config(cache_dir)?)
            .build()
            .map_err(|e| format!("pooled-untiered: {e}"))?;
        Ok(Strategies {
            naive,
            fresh,
            reuse,
            untiered,
        })
    }

    /// The pool of a pooled strategy.
    pub(super) fn pool(&self, kind: Kind) -> Option<&Pool> {
        match kind {
            Kind::PooledFresh => Some(&self.fresh),
            Kind::PooledReuse => Some(&self.reuse),
            Kind::PooledUntiered => Some(&self.untiered),
            Kind::Naive | Kind::Native | Kind::Trafilatura => None,
        }
    }

    /// Serve one request.
    ///
    /// # Errors
    /// When the sandbox fails (trap, timeout, …) or a task panics: the run is then wrong.
    pub(super) async fn request(&self, kind: Kind, req: &Request) -> Result<Outcome, String> {
        let html = Arc::clone(&req.html);
        let url = Arc::clone(&req.url);
        let started = Instant::now();
        let (text, tier) = match kind {
            Kind::Native => {
                let text = tokio::task::spawn_blocking(move || {
                    riptide_extract::extract(&html, &url, &riptide_extract::Mode::Article)
                        .map(|d| d.text.len())
                        .map_err(|e| e.to_string())
                })
                .await
                .map_err(|e| format!("native task: {e}"))?;
                (text, None)
            }
            Kind::Trafilatura => {
                let text = tokio::task::spawn_blocking(move || {
                    let options = rs_trafilatura::Options {
                        url: Some(url.to_string()),
                        ..rs_trafilatura::Options::default()
                    };
                    rs_trafilatura::extract_with_options(&html, &options)
                        .map(|r| r.content_text.len())
                        .map_err(|e| e.to_string())
                })
                .await
                .map_err(|e| format!("rs-trafilatura task: {e}"))?;
                (text, None)
            }
            Kind::Naive => {
                let naive = Arc::clone(&self.naive);
                let text = tokio::task::spawn_blocking(move || {
                    let mut store = host::new_store(&naive.engine, MEMORY_LIMIT);
                    let instance =
                        Extractor::instantiate(&mut store, &naive.component, &naive.linker)
                            .map_err(|e| format!("naive instantiate: {e:#}"))?;
                    instance
                        .call_extract(&mut store, &html, &url, &ExtractionMode::Article)
                        .map_err(|e| format!("naive call: {e:#}"))
                })
                .await
                .map_err(|e| format!("naive task: {e}"))??;
                (
                    text.map(|d| d.text.len()).map_err(|e| format!("{e:?}")),
                    None,
                )
            }
            Kind::PooledFresh | Kind::PooledReuse | Kind::PooledUntiered => {
                let pool = self.pool(kind).ok_or("not a pool")?;
                let lease = pool
                    .get()
                    .await
                    .map_err(|e| format!("{}: {e}", kind.as_str()))?;
                let tier = lease.tier();
                let result = lease
                    .call(move |b, s| b.call_extract(s, &html, &url, &ExtractionMode::Article))
                    .await
                    .map_err(|e| format!("{}: {e}", kind.as_str()))?;
                (
                    result.map(|d| d.text.len()).map_err(|e| format!("{e:?}")),
                    Some(tier),
                )
            }
        };
        Ok(Outcome {
            latency: started.elapsed(),
            tier,
            text,
        })
    }

    /// Wait (at most 200 ms) until the pools have no request in flight and a full hot tier,
    /// so that one strategy's background refills do not run into the next one's batch.
    pub(super) async fn settle(&self) {
        let deadline = Instant::now() + Duration::from_millis(200);
        for pool in [&self.fresh, &self.reuse, &self.untiered] {
            loop {
                let status = pool.status();
                let idle = status.available == status.max_instances;
                if (idle && status.hot_depth >= status.hot_target) || Instant::now() >= deadline {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
    }
}
