//! What the pool costs on top of the guest: acquiring an instance from each tier,
//! instantiating without a pool, and a whole request on a tiny page (where the extraction
//! itself costs next to nothing) with per-request isolation, with reuse, and the naive way.
//!
//! `cargo bench -p riptide-pool --bench pool -- --warm-up-time 1 --measurement-time 3`
//! (`cargo xtask bench` runs it with the other benches; set `RIPTIDE_BENCH_WASM` to a built
//! component to skip the guest build.)
//!
//! **Hot acquire** uses up one pre-instantiated instance per iteration, and replacing it
//! (an instantiation, then a memory reset when it is dropped) costs a hundred times more than
//! the acquisition. Criterion plans its iteration counts from the measured time alone, so a
//! sample times at most [`HOT_PER_SAMPLE`] acquisitions, each from a full hot tier, and
//! reports their time scaled to the iteration count it asked for: the estimate of one
//! acquisition is unbiased, and the bench ends in seconds instead of hours.

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use std::hash::{DefaultHasher, Hash, Hasher};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use riptide_pool::bindings::{ExtractionMode, Extractor, ExtractorPre};
use riptide_pool::host::{self, HostState};
use riptide_pool::{HotConfig, Isolation, Pool, PoolConfig, Tier};
use sha2::{Digest, Sha256};
use tokio::runtime::Runtime;
use wasmtime::component::{Component, Linker};
use wasmtime::{Config, Engine};

/// Hot acquisitions timed per criterion sample (see the crate-level comment).
const HOT_PER_SAMPLE: u64 = 64;
/// Hot tier capacity of the hot-acquire pool.
const HOT_TIER: usize = 16;
const MEMORY_LIMIT: usize = 512 << 20;
const TINY: &str = "<!doctype html><html lang=\"en\"><head><title>Tiny</title></head>\
    <body><article><h1>Tiny</h1><p>A tiny page: extracting it costs next to nothing, so \
    a request on it measures the overhead of the sandbox.</p></article></body></html>";
const TINY_URL: &str = "https://example.com/tiny";

/// The guest component: `$RIPTIDE_BENCH_WASM`, or built by `riptide-guest-build`.
fn component_bytes() -> Vec<u8> {
    let path = match std::env::var_os("RIPTIDE_BENCH_WASM") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => {
            riptide_guest_build::GuestBuild::from_crate_dir(env!("CARGO_MANIFEST_DIR"))
                .expect("inside the workspace")
                .build()
                .expect("the guest builds")
                .wasm
        }
    };
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The artifact caches: `$RIPTIDE_BENCH_CACHE` (shared with `cargo xtask bench`), or one in
/// the target directory.
fn cache_dir() -> PathBuf {
    match std::env::var_os("RIPTIDE_BENCH_CACHE") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_TARGET_TMPDIR")).join("riptide-pool-bench-cache"),
    }
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

fn pool(bytes: &[u8], config: PoolConfig) -> Pool {
    Pool::builder(bytes)
        .config(config)
        .build_filled()
        .expect("the pool starts")
}

fn hot_only(size: usize) -> HotConfig {
    HotConfig {
        min: size,
        max: size,
        initial: size,
        auto_tune: false,
        ..HotConfig::default()
    }
}

/// The naive engine: wasmtime's defaults (on-demand allocator), the compiled component
/// cached next to the pool's so that only the first run compiles.
fn naive_engine(bytes: &[u8]) -> (Engine, Component, Linker<HostState>) {
    let mut config = Config::new();
    config.wasm_component_model(true);
    let engine = Engine::new(&config).expect("the default engine");
    let mut hasher = DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    let digest = hex::encode(Sha256::digest(bytes));
    let file = cache_dir().join(format!("naive-{digest}-{:016x}.cwasm", hasher.finish()));
    // SAFETY: the file was written below by `Component::serialize` of an engine with the same
    // compatibility hash (part of its name).
    let component = match unsafe { Component::deserialize_file(&engine, &file) } {
        Ok(component) => component,
        Err(_) => {
            let component = Component::new(&engine, bytes).expect("the component compiles");
            let _ = std::fs::create_dir_all(cache_dir());
            let tmp = file.with_extension("tmp");
            if let Ok(data) = component.serialize()
                && std::fs::write(&tmp, data).is_ok()
            {
                let _ = std::fs::rename(&tmp, &file);
            }
            component
        }
    };
    let linker = host::linker(&engine).expect("the WASI linker");
    (engine, component, linker)
}

fn acquire(c: &mut Criterion) {
    let bytes = component_bytes();
    let rt = runtime();
    let mut group = c.benchmark_group("acquire");

    let hot = pool(
        &bytes,
        PoolConfig::builder()
            .max_instances(HOT_TIER)
            .hot(hot_only(HOT_TIER))
            .cache_dir(cache_dir())
            .build()
            .expect("a valid config"),
    );
    group.bench_function("hot", |b| {
        b.iter_custom(|iters| {
            let timed_count = iters.clamp(1, HOT_PER_SAMPLE);
            let mut timed = Duration::ZERO;
            let mut done = 0;
            while done < timed_count {
                // Untimed: fill the hot tier, as the refill thread does between requests.
                hot.maintain_now();
                let ready = hot.status().hot_depth as u64;
                let n = ready.min(timed_count - done).max(1);
                let (elapsed, guards) = rt.block_on(async {
                    let mut guards = Vec::with_capacity(n as usize);
                    let started = Instant::now();
                    for _ in 0..n {
                        guards.push(hot.get().await.expect("an instance"));
                    }
                    (started.elapsed(), guards)
                });
                assert!(
                    guards.iter().all(|l| l.tier() == Tier::Hot),
                    "every timed acquisition must come from the hot tier"
                );
                timed += elapsed;
                done += n;
                drop(guards);
            }
            #[allow(clippy::cast_precision_loss)]
            let scale = iters as f64 / timed_count as f64;
            timed.mul_f64(scale)
        })
    });

    let warm = pool(
        &bytes,
        PoolConfig::builder()
            .max_instances(4)
            .hot(hot_only(0))
            .cache_dir(cache_dir())
            .build()
            .expect("a valid config"),
    );
    // The first call uses a fresh slot (cold); every later one is warm. A warm guard makes
    // its instance when its call runs: timed is acquire, instantiation on the call's blocking
    // thread and a trivial call (`get-modes`).
    rt.block_on(async {
        let guard = warm.get().await.expect("an instance");
        guard
            .call(|b, s| b.call_get_modes(s))
            .await
            .expect("a call")
    });
    group.bench_function("warm (acquire + instantiate + get-modes)", |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for _ in 0..iters {
                let started = Instant::now();
                let tier = rt.block_on(async {
                    let guard = warm.get().await.expect("an instance");
                    let tier = guard.tier();
                    guard
                        .call(|b, s| b.call_get_modes(s))
                        .await
                        .expect("a call");
                    tier
                });
                timed += started.elapsed();
                assert_eq!(tier, Tier::Warm);
            }
            timed
        })
    });

    let (engine, component, linker) = naive_engine(&bytes);
    group.bench_function("naive_instantiate (no pool, Linker)", |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for _ in 0..iters {
                let started = Instant::now();
                let mut store = host::new_store(&engine, MEMORY_LIMIT);
                let instance =
                    Extractor::instantiate(&mut store, &component, &linker).expect("instantiates");
                timed += started.elapsed();
                drop(black_box((instance, store)));
            }
            timed
        })
    });
    let pre = ExtractorPre::new(
        linker
            .instantiate_pre(&component)
            .expect("pre-instantiates"),
    )
    .expect("the world's exports");
    group.bench_function("naive_instantiate_pre (no pool, InstancePre)", |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for _ in 0..iters {
                let started = Instant::now();
                let mut store = host::new_store(&engine, MEMORY_LIMIT);
                let instance = pre.instantiate(&mut store).expect("instantiates");
                timed += started.elapsed();
                drop(black_box((instance, store)));
            }
            timed
        })
    });
    group.finish();
}

fn requests(c: &mut Criterion) {
    let bytes = component_bytes();
    let rt = runtime();
    let mut group = c.benchmark_group("request_tiny");
    let fresh = pool(
        &bytes,
        PoolConfig::builder()
            .cache_dir(cache_dir())
            .build()
            .expect("a valid config"),
    );
    let reuse = pool(
        &bytes,
        PoolConfig::builder()
            .isolation(Isolation::Reuse {
                max_uses: 1_000_000,
                max_age: Duration::from_secs(3600),
            })
            .cache_dir(cache_dir())
            .build()
            .expect("a valid config"),
    );
    for (name, pool) in [("pooled_fresh", &fresh), ("pooled_reuse", &reuse)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let doc = rt
                    .block_on(async {
                        pool.get()
                            .await?
                            .call(|guest, store| {
                                guest.call_extract(store, TINY, TINY_URL, &ExtractionMode::Article)
                            })
                            .await
                    })
                    .expect("the sandbox answers")
                    .expect("the guest extracts");
                black_box(doc.text.len())
            })
        });
    }
    // Same hand-off as the pool (a blocking thread), so that only the sandbox differs.
    let naive = Arc::new(naive_engine(&bytes));
    group.bench_function("naive", |b| {
        b.iter(|| {
            let naive = Arc::clone(&naive);
            let len = rt
                .block_on(rt.spawn_blocking(move || {
                    let (engine, component, linker) = &*naive;
                    let mut store = host::new_store(engine, MEMORY_LIMIT);
                    let instance = Extractor::instantiate(&mut store, component, linker)
                        .expect("instantiates");
                    instance
                        .call_extract(&mut store, TINY, TINY_URL, &ExtractionMode::Article)
                        .expect("no trap")
                        .expect("the guest extracts")
                        .text
                        .len()
                }))
                .expect("the blocking task ends");
            black_box(len)
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = acquire, requests
}
criterion_main!(benches);
