//! The load harness: every figure of the report that is not a criterion micro-benchmark.
//!
//! It runs in a release build of xtask (see `bench.rs`). The five strategies are measured on
//! the same pages in the same run, interleaved: each round runs one batch of every
//! (page class, concurrency, strategy), the strategy order rotating from round to round, so
//! that a noisy minute of a shared machine hits every strategy alike. Latency figures are
//! percentiles over all requests of all rounds; throughputs are medians over rounds.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use riptide_benches::{Class, Workload};
use riptide_input_check::{InputValidator, Mode as InputMode};
use riptide_pool::{HotConfig, Pool, PoolConfig, Tier};
use riptide_wit_check::{ComponentDigest, ExpectedWorld, Validator};

use super::report::{
    ClassFigures, ClassRatios, Instantiation, KeepResident, Latency, Overhead, PageInfo, Ratios,
    Report, Startup, StrategyFigures, WitValidation,
};
use super::strategies::{Kind, Naive, Outcome, Request, Strategies, fresh_config};
use super::util::{cores, mean, median, ms, proc_status_mib, quantile, us};

/// What the harness is asked to do.
#[derive(Debug, Clone)]
pub(super) struct Options {
    /// The guest component (pre-initialized), for the pool and the native comparison.
    pub wasm: PathBuf,
    /// The guest as compiled, without pre-initialization: the naive baseline, the design we
    /// were handed.
    pub raw_wasm: PathBuf,
    /// The `riptide` binary to measure as a user runs it, if any.
    pub cli: Option<PathBuf>,
    /// Fewer iterations.
    pub quick: bool,
    /// The artifact caches of the pools and of the naive engine.
    pub cache_dir: PathBuf,
}

/// How much to measure.
#[derive(Debug, Clone)]
struct Plan {
    rounds: usize,
    batch: Duration,
    wit_full: usize,
    input_reps: usize,
    startup_compile: usize,
    startup_cached_per_compile: usize,
    acquire_rounds: usize,
    acquire_per_round: usize,
    instantiate_rounds: usize,
    instantiate_per_round: usize,
    steady: Duration,
    steady_tiny: Duration,
    sweep_requests: usize,
}

impl Plan {
    fn new(quick: bool) -> Plan {
        if quick {
            Plan {
                rounds: 3,
                batch: Duration::from_millis(40),
                wit_full: 3,
                input_reps: 10,
                startup_compile: 1,
                startup_cached_per_compile: 5,
                acquire_rounds: 4,
                acquire_per_round: 25,
                instantiate_rounds: 4,
                instantiate_per_round: 10,
                steady: Duration::from_secs(2),
                steady_tiny: Duration::from_secs(1),
                sweep_requests: 6,
            }
        } else {
            Plan {
                rounds: 12,
                batch: Duration::from_millis(200),
                wit_full: 15,
                input_reps: 100,
                startup_compile: 3,
                startup_cached_per_compile: 10,
                acquire_rounds: 20,
                acquire_per_round: 100,
                instantiate_rounds: 20,
                instantiate_per_round: 25,
                steady: Duration::from_secs(10),
                steady_tiny: Duration::from_secs(5),
                sweep_requests: 60,
            }
        }
    }
}

fn progress(started: Instant, what: &str) {
    eprintln!("[bench {:>6.1} s] {what}", started.elapsed().as_secs_f64());
}

/// Run every measurement and return the report (without criterion figures and targets).
///
/// # Errors
/// A message when a measurement cannot be made (missing corpus, failing pool, …).
pub(super) fn run(options: &Options) -> Result<Report, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores())
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))?;
    runtime.block_on(run_async(options))
}

async fn run_async(options: &Options) -> Result<Report, String> {
    let started = Instant::now();
    let plan = Plan::new(options.quick);
    let bytes = std::fs::read(&options.wasm)
        .map_err(|e| format!("the guest component {}: {e}", options.wasm.display()))?;
    let raw_bytes = std::fs::read(&options.raw_wasm).map_err(|e| {
        format!(
            "the raw guest component {}: {e}",
            options.raw_wasm.display()
        )
    })?;
    let workload = Workload::load_default()?;
    let cache = options.cache_dir.as_path();
    std::fs::create_dir_all(cache).map_err(|e| format!("{}: {e}", cache.display()))?;
    let mut report = Report {
        quick: options.quick,
        concurrency: cores(),
        component_bytes: bytes.len() as u64,
        rounds: plan.rounds,
        pages: workload
            .pages
            .iter()
            .map(|p| PageInfo {
                class: p.class.to_string(),
                source: p.source.clone(),
                bytes: p.html.len(),
            })
            .collect(),
        ..Report::default()
    };

    progress(started, "WIT and input validation");
    report.wit_validation = wit_validation(&bytes, &plan, &mut report.warnings);
    report.wit_validation_ms = report.wit_validation.full_ms;
    report.input_validation_us = input_validation(&workload, &plan);

    progress(
        started,
        "start-up: compiling vs loading from the artifact cache",
    );
    report.startup_ms = startup(&bytes, cache, &plan)?;

    progress(started, "acquire latency per tier, instantiation");
    acquire_tiers(&bytes, cache, &plan, &mut report).await?;
    let naive = Arc::new(Naive::new(&raw_bytes, cache)?);
    report.instantiation.pooled_warm_us = report.warm_acquire_p50_us;
    instantiation(&naive, &plan, &mut report.instantiation)?;

    progress(started, "keep-resident sweep of the fresh pool");
    report.keep_resident = keep_resident_sweep(&bytes, cache, &workload, &plan).await?;

    progress(started, "strategies: warm-up and calibration");
    let strategies = Arc::new(Strategies::new(&bytes, Arc::clone(&naive), cache)?);
    let requests: HashMap<Class, Arc<Vec<Request>>> = Class::ALL
        .into_iter()
        .map(|class| {
            let reqs = workload
                .class(class)
                .map(|p| Request {
                    html: Arc::from(p.html.as_str()),
                    url: Arc::from(p.url.as_str()),
                })
                .collect();
            (class, Arc::new(reqs))
        })
        .collect();
    let reps = calibrate(&strategies, &requests, &plan, &mut report.warnings).await?;

    let n = cores();
    let mut acc: HashMap<(Kind, Class, usize), Acc> = HashMap::new();
    for round in 0..plan.rounds {
        progress(
            started,
            &format!("strategies: round {}/{}", round + 1, plan.rounds),
        );
        for (ci, class) in Class::ALL.into_iter().enumerate() {
            for conc in [1, n] {
                let mut order = Kind::ALL;
                order.rotate_left((round + ci) % Kind::ALL.len());
                for kind in order {
                    let total = reps[&class] * conc;
                    let (outcomes, wall) = batch(
                        &strategies,
                        kind,
                        &requests[&class],
                        conc,
                        Some(total),
                        None,
                    )
                    .await?;
                    let a = acc.entry((kind, class, conc)).or_default();
                    a.add(&outcomes, wall);
                    if strategies.pool(kind).is_some() {
                        strategies.settle().await;
                    }
                }
            }
        }
    }
    fill_strategies(&mut report, &acc, n);

    progress(
        started,
        &format!("steady load at concurrency {n}: hot hit rate"),
    );
    report.hot_hit_rate =
        steady_hit_rate(&strategies, &requests[&Class::Median], n, plan.steady).await?;
    report.hot_hit_rate_tiny =
        steady_hit_rate(&strategies, &requests[&Class::Tiny], n, plan.steady_tiny).await?;

    report.peak_rss_mb = proc_status_mib("VmHWM:").unwrap_or(0.0) * 1.048_576;
    if let Some(cli) = &options.cli {
        progress(started, "the riptide binary: batch --jobs 1 and extract");
        let (pages, runs) = if options.quick { (20, 1) } else { (100, 3) };
        report.cli = Some(super::cli::measure(
            cli,
            &workload.corpus,
            cache.parent().unwrap_or(cache),
            &cache.join("cli-xdg-cache"),
            pages,
            runs,
        )?);
        progress(
            started,
            "riptide serve on loopback: the tiny page over HTTP",
        );
        let tiny = workload
            .class(Class::Tiny)
            .next()
            .ok_or("the workload has no tiny page")?;
        let requests = if options.quick { 200 } else { 3000 };
        report.http = Some(
            super::http::measure(
                cli,
                &cache.join("cli-xdg-cache"),
                &tiny.html,
                &tiny.url,
                requests,
            )
            .await?,
        );
    }
    progress(started, "load harness done");
    Ok(report)
}

fn wit_validation(bytes: &[u8], plan: &Plan, warnings: &mut Vec<String>) -> WitValidation {
    let mut full = Vec::new();
    for _ in 0..plan.wit_full {
        let validator = Validator::new(ExpectedWorld::bundled());
        let t = Instant::now();
        let report = validator.validate(bytes);
        full.push(ms(t.elapsed()));
        if !report.is_valid() {
            warnings.push(format!("the component fails WIT validation: {report}"));
        }
    }
    let validator = Validator::new(ExpectedWorld::bundled());
    validator.validate(bytes);
    let mut cached = Vec::new();
    for _ in 0..plan.wit_full.max(5) {
        let t = Instant::now();
        let _ = validator.validate(bytes);
        cached.push(us(t.elapsed()));
    }
    let digest = ComponentDigest::of(bytes);
    let mut lookups = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        for _ in 0..1000 {
            std::hint::black_box(validator.cached(std::hint::black_box(&digest)));
        }
        lookups.push(us(t.elapsed()));
    }
    WitValidation {
        full_ms: median(&full),
        cached_validate_us: median(&cached),
        cached_digest_ns: median(&lookups),
    }
}

fn input_validation(workload: &Workload, plan: &Plan) -> std::collections::BTreeMap<String, f64> {
    let validator = InputValidator::default();
    Class::ALL
        .into_iter()
        .map(|class| {
            let mut samples = Vec::new();
            for _ in 0..plan.input_reps {
                for page in workload.class(class) {
                    let t = Instant::now();
                    let ok = validator
                        .check_request(&page.html, &page.url, InputMode::Article)
                        .is_ok();
                    samples.push(us(t.elapsed()));
                    std::hint::black_box(ok);
                }
            }
            (class.to_string(), median(&samples))
        })
        .collect()
}

/// `Pool::build` with the cache off (compiling) and with a warm cache, and `Pool::build_filled`
/// with a warm cache, interleaved. Every
/// build gets a fresh WIT validator, as a new process would.
fn startup(bytes: &[u8], cache: &Path, plan: &Plan) -> Result<Startup, String> {
    // Warm the cache (compiles on the first run on this machine).
    drop(
        Pool::builder(bytes)
            .config(fresh_config(cache)?)
            .build()
            .map_err(|e| format!("pool start: {e}"))?,
    );
    let off = PoolConfig::builder()
        .artifact_cache(false)
        .build()
        .map_err(|e| e.to_string())?;
    let on = fresh_config(cache)?;
    let build = |config: &PoolConfig, filled: bool| -> Result<(f64, f64, bool), String> {
        let validator = Validator::new(ExpectedWorld::bundled());
        let t = Instant::now();
        let builder = Pool::builder(bytes)
            .config(config.clone())
            .validator(&validator);
        let pool = if filled {
            builder.build_filled()
        } else {
            builder.build()
        }
        .map_err(|e| format!("pool start: {e}"))?;
        let wall = ms(t.elapsed());
        let info = pool.startup();
        drop(pool);
        Ok((wall, ms(info.load_time), info.from_cache))
    };
    let (mut compile, mut compile_load, mut cached, mut cached_load) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut cached_filled = Vec::new();
    for _ in 0..plan.startup_compile {
        let (wall, load, _) = build(&off, false)?;
        compile.push(wall);
        compile_load.push(load);
        for _ in 0..plan.startup_cached_per_compile {
            cached_filled.push(build(&on, true)?.0);
            let (wall, load, from_cache) = build(&on, false)?;
            if !from_cache {
                return Err(format!(
                    "the artifact cache in {} was not used on a warm start",
                    cache.display()
                ));
            }
            cached.push(wall);
            cached_load.push(load);
        }
    }
    let (c, k) = (median(&compile), median(&cached));
    Ok(Startup {
        compile: c,
        cached: k,
        compile_load: median(&compile_load),
        cached_load: median(&cached_load),
        cached_filled: median(&cached_filled),
        speedup: if k > 0.0 { c / k } else { 0.0 },
        compile_samples: compile.len(),
        cached_samples: cached.len(),
    })
}

/// A pool serving only from its hot tier and one with no hot tier, measured in alternating
/// batches; the figures are the pools' own acquire metrics.
async fn acquire_tiers(
    bytes: &[u8],
    cache: &Path,
    plan: &Plan,
    report: &mut Report,
) -> Result<(), String> {
    let fixed_hot = |size: usize| HotConfig {
        min: size,
        max: size,
        initial: size,
        auto_tune: false,
        ..HotConfig::default()
    };
    let config = |max: usize, hot: usize| {
        PoolConfig::builder()
            .max_instances(max)
            .hot(fixed_hot(hot))
            .cache_dir(cache)
            .build()
            .map_err(|e| e.to_string())
    };
    let hot = Pool::builder(bytes)
        .config(config(8, 8)?)
        .build_filled()
        .map_err(|e| format!("hot pool: {e}"))?;
    let warm = Pool::builder(bytes)
        .config(config(4, 0)?)
        .build_filled()
        .map_err(|e| format!("warm pool: {e}"))?;

    // The first acquisition of the warm pool takes a never-used slot.
    // A cold lease instantiates on the call's blocking thread: acquire, instantiate and one
    // trivial call.
    let t = Instant::now();
    let lease = warm.get().await.map_err(|e| e.to_string())?;
    if lease.tier() != Tier::Cold {
        report.warnings.push(format!(
            "first acquisition was {:?}, not cold",
            lease.tier()
        ));
    }
    lease
        .call(|b, s| b.call_get_modes(s))
        .await
        .map_err(|e| e.to_string())?;
    report.cold_acquire_us = us(t.elapsed());

    let mut wrong_tier = 0;
    for _ in 0..plan.acquire_rounds {
        for _ in 0..plan.acquire_per_round {
            // Let the refill thread put an instance back, as between real requests.
            let deadline = Instant::now() + Duration::from_secs(2);
            while hot.status().hot_depth == 0 && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_micros(200)).await;
            }
            let lease = hot.get().await.map_err(|e| e.to_string())?;
            wrong_tier += usize::from(lease.tier() != Tier::Hot);
            lease
                .call(|b, s| b.call_get_modes(s))
                .await
                .map_err(|e| e.to_string())?;
        }
        for _ in 0..plan.acquire_per_round {
            let lease = warm.get().await.map_err(|e| e.to_string())?;
            wrong_tier += usize::from(lease.tier() != Tier::Warm);
            lease
                .call(|b, s| b.call_get_modes(s))
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    if wrong_tier > 0 {
        report.warnings.push(format!(
            "{wrong_tier} acquisitions of the tier benchmarks came from another tier"
        ));
    }
    #[allow(clippy::cast_precision_loss)]
    {
        let h = hot.metrics();
        report.hot_acquire_p50_ns = h.acquire.p50_ns as f64;
        report.hot_acquire_p99_ns = h.acquire.p99_ns as f64;
        let w = warm.metrics();
        report.warm_acquire_p50_us = w.acquire.p50_ns as f64 / 1e3;
        report.warm_acquire_p99_us = w.acquire.p99_ns as f64 / 1e3;
    }
    Ok(())
}

/// The fresh pool (per-request isolation, defaults otherwise) with several amounts of linear
/// memory kept resident per released slot: latency at c=1 and throughput at c=cores on the
/// tiny and the median pages.
async fn keep_resident_sweep(
    bytes: &[u8],
    cache: &Path,
    workload: &Workload,
    plan: &Plan,
) -> Result<Vec<KeepResident>, String> {
    let mut rows = Vec::new();
    let n = cores();
    for mib in [0usize, 4, 16, 64] {
        let config = PoolConfig::builder()
            .cache_dir(cache)
            .keep_resident_bytes(mib << 20)
            .build()
            .map_err(|e| e.to_string())?;
        let pool = Pool::builder(bytes)
            .config(config)
            .build_filled()
            .map_err(|e| format!("keep-resident pool: {e}"))?;
        let mut row = KeepResident {
            keep_resident_mib: mib,
            ..KeepResident::default()
        };
        for class in [Class::Tiny, Class::Median] {
            let pages: Vec<(String, String)> = workload
                .class(class)
                .map(|p| (p.html.clone(), p.url.clone()))
                .collect();
            let count = if class == Class::Tiny {
                plan.sweep_requests * 10
            } else {
                plan.sweep_requests
            };
            let (p50, rps) = pool_figures(&pool, &pages, count, n).await?;
            match class {
                Class::Tiny => (row.tiny_p50_us, row.tiny_rps_cn) = (p50, rps),
                _ => (row.median_p50_us, row.median_rps_cn) = (p50, rps),
            }
        }
        pool.shutdown().await;
        rows.push(row);
    }
    Ok(rows)
}

/// p50 latency of `count` requests one after the other, then requests per second of `count`
/// requests over `conc` tasks.
async fn pool_figures(
    pool: &Pool,
    pages: &[(String, String)],
    count: usize,
    conc: usize,
) -> Result<(f64, f64), String> {
    let one = |i: usize| {
        let (html, url) = pages[i % pages.len()].clone();
        let pool = pool.clone();
        async move {
            let mode = riptide_pool::bindings::ExtractionMode::Article;
            pool.get()
                .await
                .map_err(|e| e.to_string())?
                .call(move |b, s| b.call_extract(s, &html, &url, &mode))
                .await
                .map_err(|e| e.to_string())
        }
    };
    let mut latencies = Vec::with_capacity(count);
    for i in 0..count {
        let t = Instant::now();
        one(i).await?.map_err(|e| format!("{e:?}"))?;
        latencies.push(us(t.elapsed()));
    }
    let t = Instant::now();
    let mut tasks = Vec::new();
    for task in 0..conc {
        let jobs: Vec<_> = (task..count).step_by(conc).map(one).collect();
        tasks.push(tokio::spawn(async move {
            for job in jobs {
                job.await?.map_err(|e| format!("{e:?}"))?;
            }
            Ok::<(), String>(())
        }));
    }
    for task in tasks {
        task.await.map_err(|e| e.to_string())??;
    }
    #[allow(clippy::cast_precision_loss)]
    let rps = count as f64 / t.elapsed().as_secs_f64();
    Ok((median(&latencies), rps))
}

fn instantiation(naive: &Naive, plan: &Plan, out: &mut Instantiation) -> Result<(), String> {
    let pre = naive.pre()?;
    let (mut linker, mut pre_samples) = (Vec::new(), Vec::new());
    for _ in 0..plan.instantiate_rounds {
        for _ in 0..plan.instantiate_per_round {
            linker.push(us(naive.time_instantiate()?));
        }
        for _ in 0..plan.instantiate_per_round {
            pre_samples.push(us(naive.time_instantiate_pre(&pre)?));
        }
    }
    out.naive_linker_us = median(&linker);
    out.naive_pre_us = median(&pre_samples);
    Ok(())
}

/// Run `total` requests (or until `until`) with `conc` tasks, cycling through `reqs`.
async fn batch(
    strategies: &Arc<Strategies>,
    kind: Kind,
    reqs: &Arc<Vec<Request>>,
    conc: usize,
    total: Option<usize>,
    until: Option<Instant>,
) -> Result<(Vec<Outcome>, Duration), String> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(conc);
    for _ in 0..conc {
        let (strategies, reqs, next) =
            (Arc::clone(strategies), Arc::clone(reqs), Arc::clone(&next));
        tasks.push(tokio::spawn(async move {
            let mut outcomes = Vec::new();
            loop {
                let i = next.fetch_add(1, Relaxed);
                if total.is_some_and(|t| i >= t) || until.is_some_and(|u| Instant::now() >= u) {
                    break;
                }
                outcomes.push(strategies.request(kind, &reqs[i % reqs.len()]).await?);
            }
            Ok::<_, String>(outcomes)
        }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.extend(task.await.map_err(|e| format!("request task: {e}"))??);
    }
    Ok((outcomes, started.elapsed()))
}

/// Warm every strategy up on every page, check that they agree, and choose the requests per
/// batch of each class so that a batch lasts about `plan.batch`.
async fn calibrate(
    strategies: &Arc<Strategies>,
    requests: &HashMap<Class, Arc<Vec<Request>>>,
    plan: &Plan,
    warnings: &mut Vec<String>,
) -> Result<HashMap<Class, usize>, String> {
    let mut reps = HashMap::new();
    for class in Class::ALL {
        let reqs = &requests[&class];
        let mut latencies = Vec::new();
        for (i, req) in reqs.iter().enumerate() {
            let mut texts = Vec::new();
            for kind in Kind::ALL {
                strategies.request(kind, req).await?;
                let outcome = strategies.request(kind, req).await?;
                latencies.push(outcome.latency.as_secs_f64());
                texts.push((kind, outcome.text));
            }
            let native = texts
                .iter()
                .find(|(kind, _)| *kind == Kind::Native)
                .map(|(_, text)| text.clone())
                .ok_or("the native strategy did not run")?;
            let native = &native;
            for (kind, text) in &texts {
                if let Err(e) = text {
                    warnings.push(format!(
                        "{class} page {}: {} returned an extraction error: {e}",
                        i + 1,
                        kind.as_str()
                    ));
                } else if text != native && *kind != Kind::Trafilatura {
                    warnings.push(format!(
                        "{class} page {}: {} extracted {:?} bytes of text, native {:?}",
                        i + 1,
                        kind.as_str(),
                        text,
                        native
                    ));
                }
            }
        }
        strategies.settle().await;
        let per_request = mean(&latencies).max(1e-6);
        let pages = reqs.len();
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let wanted = (plan.batch.as_secs_f64() / per_request).ceil() as usize;
        let rounded = wanted.div_ceil(pages).max(1) * pages;
        reps.insert(class, rounded.min(20_000));
    }
    Ok(reps)
}

/// Samples of one (strategy, class, concurrency).
#[derive(Default)]
struct Acc {
    latencies_us: Vec<f64>,
    rps: Vec<f64>,
    tiers: [u64; 3],
}

impl Acc {
    fn add(&mut self, outcomes: &[Outcome], wall: Duration) {
        self.latencies_us
            .extend(outcomes.iter().map(|o| us(o.latency)));
        #[allow(clippy::cast_precision_loss)]
        self.rps
            .push(outcomes.len() as f64 / wall.as_secs_f64().max(1e-9));
        for o in outcomes {
            match o.tier {
                Some(Tier::Hot) => self.tiers[0] += 1,
                Some(Tier::Warm) => self.tiers[1] += 1,
                Some(Tier::Cold) => self.tiers[2] += 1,
                None => {}
            }
        }
    }

    fn latency(&self) -> Latency {
        Latency {
            p50_us: quantile(&self.latencies_us, 0.5),
            p99_us: quantile(&self.latencies_us, 0.99),
            mean_us: mean(&self.latencies_us),
            samples: self.latencies_us.len(),
        }
    }
}

fn fill_strategies(report: &mut Report, acc: &HashMap<(Kind, Class, usize), Acc>, n: usize) {
    let empty = Acc::default();
    for kind in Kind::ALL {
        let mut figures = StrategyFigures::default();
        for class in Class::ALL {
            let c1 = acc.get(&(kind, class, 1)).unwrap_or(&empty);
            let cn = acc.get(&(kind, class, n)).unwrap_or(&empty);
            let served: u64 = cn.tiers.iter().sum();
            #[allow(clippy::cast_precision_loss)]
            let hot_share_cn = (served > 0).then(|| cn.tiers[0] as f64 / served as f64);
            figures.classes.insert(
                class.to_string(),
                ClassFigures {
                    c1: c1.latency(),
                    cn: cn.latency(),
                    rps_c1: median(&c1.rps),
                    rps_cn: median(&cn.rps),
                    hot_share_cn,
                },
            );
        }
        let m = figures.classes["median"].clone();
        figures.p50_us = m.c1.p50_us;
        figures.p99_us = m.c1.p99_us;
        figures.rps_c1 = m.rps_c1;
        figures.rps_cn = m.rps_cn;
        match kind {
            Kind::Naive => report.strategies.naive = figures,
            Kind::PooledFresh => report.strategies.pooled_fresh = figures,
            Kind::PooledReuse => report.strategies.pooled_reuse = figures,
            Kind::PooledUntiered => report.strategies.pooled_untiered = figures,
            Kind::Native => report.strategies.native = figures,
            Kind::Trafilatura => report.strategies.trafilatura = figures,
        }
    }
    let s = &report.strategies;
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let p50 = |f: &StrategyFigures, class: &str| f.classes[class].c1.p50_us;
    let mut ratios = Ratios::default();
    for class in Class::ALL {
        let c = class.as_str();
        ratios.classes.insert(
            c.to_string(),
            ClassRatios {
                naive_over_pooled_fresh: ratio(p50(&s.naive, c), p50(&s.pooled_fresh, c)),
                isolation_tax: ratio(p50(&s.pooled_fresh, c), p50(&s.pooled_reuse, c)),
                sandbox_tax: ratio(p50(&s.pooled_reuse, c), p50(&s.native, c)),
                trafilatura_over_native: ratio(p50(&s.trafilatura, c), p50(&s.native, c)),
                untiered_over_pooled_fresh: ratio(
                    p50(&s.pooled_untiered, c),
                    p50(&s.pooled_fresh, c),
                ),
            },
        );
    }
    let m = ratios.classes["median"].clone();
    ratios.naive_over_pooled_fresh = m.naive_over_pooled_fresh;
    ratios.isolation_tax = m.isolation_tax;
    ratios.sandbox_tax = m.sandbox_tax;
    ratios.untiered_over_pooled_fresh = m.untiered_over_pooled_fresh;
    report.ratios = ratios;
    let reuse_tiny = p50(&s.pooled_reuse, "tiny");
    report.overhead_us = Overhead {
        naive: p50(&s.naive, "tiny") - reuse_tiny,
        pooled_fresh: p50(&s.pooled_fresh, "tiny") - reuse_tiny,
    };
}

/// Hot hits / requests of the default per-request pool under `conc` concurrent requests for
/// `duration`.
async fn steady_hit_rate(
    strategies: &Arc<Strategies>,
    reqs: &Arc<Vec<Request>>,
    conc: usize,
    duration: Duration,
) -> Result<f64, String> {
    strategies.settle().await;
    let before = strategies.fresh.metrics().hits;
    batch(
        strategies,
        Kind::PooledFresh,
        reqs,
        conc,
        None,
        Some(Instant::now() + duration),
    )
    .await?;
    let after = strategies.fresh.metrics().hits;
    let hot = after.hot - before.hot;
    let all = hot + (after.warm - before.warm) + (after.cold - before.cold);
    #[allow(clippy::cast_precision_loss)]
    Ok(if all == 0 {
        0.0
    } else {
        hot as f64 / all as f64
    })
}
