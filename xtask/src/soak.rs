//! `cargo xtask soak`: many requests at once through the facade, a tenth of them to the hostile
//! component, to show that faults never cost a healthy request, a permit, a slot or memory.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use riptide::{
    CircuitConfig, Error, ExtractedContent, ExtractionMode, Extractor, HotConfig, PoolConfig,
    PoolError,
};
use riptide_guest_build::GuestBuild;
use tokio::sync::Mutex;

use crate::bench::util;

mod report;

/// Allowed RSS growth from before to after the run, besides what the pooling slots may keep
/// resident by design (`keep_resident_bytes` per released slot).
const RSS_MARGIN_BYTES: u64 = 256 << 20;

/// The deadline of the hostile extractor: long enough for `alloc` to reach the 64 MiB memory
/// cap and `huge` to build its text with 16 requests sharing the machine's cores.
const HOSTILE_DEADLINE: Duration = Duration::from_secs(1);

/// The size of `huge` results in the soak: twice the hostile pool's output cap. (The tests in
/// `crates/riptide-pool/tests/hostile.rs` use 100 MiB; building that much text takes more than
/// the soak's 1 s deadline when 16 requests share two cores.)
const HUGE_MIB: usize = 32;

/// No request may take longer than this (a hang).
const HANG_LIMIT: Duration = Duration::from_secs(120);

/// What the hostile guest panics with.
const PANIC_MESSAGE: &str = "riptide-hostile-guest panicked on purpose";

/// `cargo xtask soak`: sends N requests at concurrency C through riptide::Extractor: 90% real
/// pages (fixtures/*.html, ../shared/corpus/readability/*/source.html and the first
/// --wcxb-pages pages of ../shared/corpus/wcxb-dev when present) on the real component, 10%
/// hostile requests (every behaviour of crates/riptide-hostile-guest in turn) on the hostile
/// component. Checks that every healthy result equals the page's result when run alone, that
/// every hostile request fails with its expected error (leak: sees no other request's data),
/// that permits, in-use counts, instances and pooling slots come back to their baseline, and
/// that RSS after the run stays within RSS before + the memory the pools may keep resident in
/// their released slots (slots × keep_resident_bytes) + 256 MiB. Exits 1 when a check fails.
#[derive(Debug, clap::Args)]
pub(crate) struct SoakArgs {
    /// Requests to send (default 10000; with --quick 1000).
    #[arg(long, value_name = "N")]
    requests: Option<usize>,
    /// Requests in flight at once.
    #[arg(long, value_name = "C", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..))]
    concurrency: u16,
    /// 1,000 requests (unless --requests says otherwise).
    #[arg(long)]
    quick: bool,
    /// The corpus (default: ../shared/corpus from the workspace root).
    #[arg(long, value_name = "DIR")]
    corpus_dir: Option<PathBuf>,
    /// How many WCXB pages to use.
    #[arg(long, value_name = "N", default_value_t = 50)]
    wcxb_pages: usize,
    /// Where to write the figures (default: docs/reliability.md; none with --quick).
    #[arg(long, value_name = "PATH", conflicts_with = "no_docs")]
    docs: Option<PathBuf>,
    /// Write the figures nowhere.
    #[arg(long)]
    no_docs: bool,
}

impl SoakArgs {
    fn requests(&self) -> usize {
        self.requests
            .unwrap_or(if self.quick { 1_000 } else { 10_000 })
    }

    fn concurrency(&self) -> usize {
        usize::from(self.concurrency)
    }

    /// The document the figures go to, if any.
    fn docs_path(&self, root: &Path) -> Option<PathBuf> {
        if self.no_docs {
            None
        } else if let Some(path) = &self.docs {
            Some(path.clone())
        } else if self.quick {
            None
        } else {
            Some(root.join("docs").join("reliability.md"))
        }
    }

    /// The command as a person would type it.
    fn command_line(&self) -> String {
        let mut line = "cargo xtask soak".to_string();
        if self.quick {
            line.push_str(" --quick");
        }
        if let Some(n) = self.requests {
            line.push_str(&format!(" --requests {n}"));
        }
        if self.concurrency != 16 {
            line.push_str(&format!(" --concurrency {}", self.concurrency));
        }
        if self.wcxb_pages != 50 {
            line.push_str(&format!(" --wcxb-pages {}", self.wcxb_pages));
        }
        line
    }
}

/// One real page.
struct Page {
    name: String,
    url: String,
    html: String,
}

fn read_gz(path: &Path) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut html = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut html)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(html)
}

fn json_url(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    value["url"].as_str().map(str::to_string)
}

/// The fixtures, the Readability pages and the first `wcxb_pages` WCXB pages.
fn pages(root: &Path, corpus: &Path, wcxb_pages: usize) -> Result<Vec<Page>, String> {
    const FAKEHOST: &str = "http://fakehost/test/page.html";
    let mut pages = Vec::new();
    let fixtures = root.join("fixtures");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .map_err(|e| format!("{}: {e}", fixtures.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    names.sort();
    for path in names {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let url = json_url(&fixtures.join(format!("{stem}.truth.json")))
            .unwrap_or_else(|| FAKEHOST.to_string());
        let html =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        pages.push(Page {
            name: format!("fixtures/{stem}"),
            url,
            html,
        });
    }
    let readability = corpus.join("readability");
    if let Ok(entries) = std::fs::read_dir(&readability) {
        let mut dirs: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.join("source.html").is_file())
            .collect();
        dirs.sort();
        for dir in dirs {
            let html = std::fs::read(dir.join("source.html"))
                .map_err(|e| format!("{}: {e}", dir.display()))?;
            pages.push(Page {
                name: format!(
                    "readability/{}",
                    dir.file_name().unwrap_or_default().to_string_lossy()
                ),
                url: FAKEHOST.to_string(),
                html: String::from_utf8_lossy(&html).into_owned(),
            });
        }
    }
    let wcxb = corpus.join("wcxb-dev");
    for n in 1..=wcxb_pages {
        let html_path = wcxb.join("html").join(format!("{n:04}.html.gz"));
        if !html_path.is_file() {
            continue;
        }
        let url = json_url(&wcxb.join("ground-truth").join(format!("{n:04}.json")))
            .unwrap_or_else(|| FAKEHOST.to_string());
        pages.push(Page {
            name: format!("wcxb-dev/{n:04}"),
            url,
            html: read_gz(&html_path)?,
        });
    }
    Ok(pages)
}

/// The hostile behaviours and the error kind each must produce (`None`: a result that
/// shows no other request's data).
fn hostile_kinds() -> Vec<(&'static str, String, Option<&'static str>)> {
    let slow = format!("http://slow/?ms={}", HOSTILE_DEADLINE.as_millis() + 50);
    vec![
        ("loop", "http://loop/".into(), Some("timeout")),
        ("alloc", "http://alloc/".into(), Some("memory_limit")),
        ("recurse", "http://recurse/".into(), Some("trap")),
        ("unreachable", "http://unreachable/".into(), Some("trap")),
        ("panic", "http://panic/".into(), Some("trap")),
        (
            "huge",
            format!("http://huge/?mb={HUGE_MIB}"),
            Some("output_too_large"),
        ),
        ("slow", slow, Some("timeout")),
        // Blocked in a host call (sleeping an hour): stopped at the deadline all the same.
        ("sleep", "http://sleep/".into(), Some("timeout")),
        // Five million empty strings: refused while they are copied out.
        (
            "many-empty",
            "http://many-empty/".into(),
            Some("output_too_large"),
        ),
        ("leak", "http://leak/".into(), None),
    ]
}

/// Resident set size of this process, from /proc/self/status.
fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// The state of one extractor's pool once it is idle.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Capacity {
    /// Request places (`max_instances`).
    pub places: usize,
    /// Free semaphore permits.
    pub free_permits: usize,
    /// Requests in use.
    pub in_use: usize,
    /// Live instances, in a tier or in use.
    pub live: usize,
    /// Instances in the hot tier.
    pub hot: usize,
    /// The hot tier's target depth.
    pub hot_target: usize,
    /// Component instances in wasmtime's pooling allocator.
    pub slots: usize,
    /// Linear-memory bytes kept resident in released pooling slots.
    pub resident_unused_bytes: u64,
    /// Missing permits + in-use requests + instances not in a tier + pooling instances the
    /// pool does not know of.
    pub leaked: usize,
}

/// Wait until the extractor is idle (nothing in use, every permit back, hot tier at its
/// target; at most 30 s), then read its capacity.
async fn settle(extractor: &Extractor, name: &str) -> Capacity {
    let pool = extractor.pool();
    let places = pool.config().max_instances;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let status = pool.status();
        let pooling = status.allocator;
        let slots = usize::try_from(pooling.component_instances).unwrap_or(usize::MAX);
        let resident_unused_bytes = pooling.unused_memory_bytes_resident as u64;
        let free_permits = status.available;
        let untracked = status
            .live_instances
            .abs_diff(status.hot_depth + status.reuse_depth);
        let unknown_slots = slots.abs_diff(status.live_instances);
        let leaked =
            places.saturating_sub(free_permits) + status.in_use + untracked + unknown_slots;
        if (leaked == 0 && status.hot_depth == status.hot_target) || Instant::now() >= deadline {
            println!(
                "  {name:<8} permits {free_permits}/{places}, in use {}, live instances {} (hot {}, \
                 target {}), pooling component instances {slots}",
                status.in_use, status.live_instances, status.hot_depth, status.hot_target
            );
            return Capacity {
                places,
                free_permits,
                in_use: status.in_use,
                live: status.live_instances,
                hot: status.hot_depth,
                hot_target: status.hot_target,
                slots,
                resident_unused_bytes,
                leaked,
            };
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// What one hostile behaviour did.
#[derive(Debug, Default, Clone)]
pub(crate) struct Behaviour {
    /// Requests sent.
    pub sent: usize,
    /// Requests that failed as expected.
    pub expected: usize,
    /// Outcomes: the error kind, or `result`.
    pub outcomes: BTreeMap<String, usize>,
    /// Latency of each request, ms.
    pub ms: Vec<f64>,
}

#[derive(Default)]
struct Tally {
    healthy_ok: usize,
    healthy_skipped: usize,
    healthy_mismatch: Vec<String>,
    /// Healthy requests that failed, by error kind.
    healthy_errors: BTreeMap<String, usize>,
    /// Latency of each healthy request, ms.
    healthy_ms: Vec<f64>,
    hostile: BTreeMap<&'static str, Behaviour>,
    hostile_unexpected: Vec<String>,
    hangs: usize,
}

impl Tally {
    fn absorb(&mut self, other: Tally) {
        self.healthy_ok += other.healthy_ok;
        self.healthy_skipped += other.healthy_skipped;
        self.healthy_mismatch.extend(other.healthy_mismatch);
        for (kind, n) in other.healthy_errors {
            *self.healthy_errors.entry(kind).or_default() += n;
        }
        self.healthy_ms.extend(other.healthy_ms);
        for (name, b) in other.hostile {
            let mine = self.hostile.entry(name).or_default();
            mine.sent += b.sent;
            mine.expected += b.expected;
            for (kind, n) in b.outcomes {
                *mine.outcomes.entry(kind).or_default() += n;
            }
            mine.ms.extend(b.ms);
        }
        self.hostile_unexpected.extend(other.hostile_unexpected);
        self.hangs += other.hangs;
    }
}

struct Shared {
    real: Extractor,
    hostile: Extractor,
    pages: Vec<Page>,
    alone: Vec<Option<ExtractedContent>>,
    kinds: Vec<(&'static str, String, Option<&'static str>)>,
    next: AtomicUsize,
    requests: usize,
    tally: Mutex<Tally>,
}

/// Request `i`: every tenth goes to the hostile component, cycling through the behaviours.
async fn one(shared: &Shared, i: usize, tally: &mut Tally) {
    if i % 10 == 9 {
        let (name, url, expected) = &shared.kinds[(i / 10) % shared.kinds.len()];
        let html = format!("<html><body><p>hostile request {i}</p></body></html>");
        let started = Instant::now();
        let call = shared.hostile.extract(html, url, ExtractionMode::Article);
        let Ok(result) = tokio::time::timeout(HANG_LIMIT, call).await else {
            tally.hangs += 1;
            return;
        };
        let behaviour = tally.hostile.entry(*name).or_default();
        behaviour.sent += 1;
        behaviour.ms.push(util::ms(started.elapsed()));
        let outcome = match &result {
            Ok(doc) => format!("a result of {} bytes of text", doc.text.len()),
            Err(e) => format!("{}: {e}", e.kind()),
        };
        let kind = match &result {
            Ok(_) => "result".to_string(),
            Err(e) => e.kind().to_string(),
        };
        *behaviour.outcomes.entry(kind).or_default() += 1;
        let ok = match (result, expected) {
            (Err(e), Some(kind)) => {
                e.kind() == *kind
                    && (*name != "panic"
                        || matches!(&e, Error::Pool(PoolError::Trap { message }) if message.contains(PANIC_MESSAGE)))
            }
            // Per-request isolation: the leak guest never sees anything run before its
            // request, whatever the tier.
            (Ok(doc), None) => doc.text.is_empty(),
            _ => false,
        };
        if ok {
            behaviour.expected += 1;
        } else {
            tally.hostile_unexpected.push(format!(
                "request {i} ({name}) did not fail as expected: {outcome}"
            ));
        }
        return;
    }
    let index = (i - i / 10) % shared.pages.len();
    let page = &shared.pages[index];
    let Some(expected) = &shared.alone[index] else {
        tally.healthy_skipped += 1;
        return;
    };
    let started = Instant::now();
    let call = shared
        .real
        .extract(page.html.clone(), &page.url, ExtractionMode::Article);
    let Ok(result) = tokio::time::timeout(HANG_LIMIT, call).await else {
        tally.hangs += 1;
        return;
    };
    tally.healthy_ms.push(util::ms(started.elapsed()));
    match result {
        Ok(doc) if &doc == expected => tally.healthy_ok += 1,
        Ok(_) => tally.healthy_mismatch.push(format!(
            "request {i}: {} differs from its result alone",
            page.name
        )),
        Err(e) => {
            *tally
                .healthy_errors
                .entry(e.kind().to_string())
                .or_default() += 1;
            tally
                .healthy_mismatch
                .push(format!("request {i}: {} failed: {e}", page.name));
        }
    }
}

async fn worker(shared: Arc<Shared>) {
    let mut tally = Tally::default();
    loop {
        let i = shared.next.fetch_add(1, Ordering::Relaxed);
        if i >= shared.requests {
            break;
        }
        one(&shared, i, &mut tally).await;
    }
    shared.tally.lock().await.absorb(tally);
}

/// Run the whole request sequence `0..requests` at `concurrency`.
async fn drive(shared: &Arc<Shared>, concurrency: usize) {
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| tokio::spawn(worker(Arc::clone(shared))))
        .collect();
    for task in tasks {
        let _ = task.await;
    }
}

/// Run the task.
pub(crate) fn run(args: &SoakArgs) -> Result<(), String> {
    let build =
        GuestBuild::from_crate_dir(env!("CARGO_MANIFEST_DIR")).map_err(|e| e.to_string())?;
    let root = build.workspace().to_path_buf();
    let corpus = args
        .corpus_dir
        .clone()
        .unwrap_or_else(|| root.join("..").join("shared").join("corpus"));
    println!("building the hostile component (riptide-hostile-guest)…");
    let hostile = build
        .package("riptide-hostile-guest")
        .build()
        .map_err(|e| e.to_string())?;
    let hostile_bytes = std::fs::read(&hostile.wasm).map_err(|e| e.to_string())?;
    let real_bytes = riptide::bundled_component().to_vec();
    let pages = pages(&root, &corpus, args.wcxb_pages)?;
    if pages.is_empty() {
        return Err("no pages found (fixtures/*.html)".into());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let docs = args.docs_path(&root);
    let report = runtime.block_on(soak(args, pages, real_bytes, hostile_bytes, &corpus))?;
    if let Some(path) = docs {
        crate::docs::splice_file(
            &path,
            "soak",
            "results",
            "Latest full run",
            &report.markdown(),
        )?;
        println!("wrote the figures into {}", path.display());
    }
    let problems = report.problems();
    if problems.is_empty() {
        println!("\nsoak passed");
        Ok(())
    } else {
        Err(format!("soak failed:\n  {}", problems.join("\n  ")))
    }
}

async fn soak(
    args: &SoakArgs,
    pages: Vec<Page>,
    real_bytes: Vec<u8>,
    hostile_bytes: Vec<u8>,
    corpus: &Path,
) -> Result<report::SoakReport, String> {
    let cache = std::env::temp_dir().join("riptide-soak-cache");
    // The real pool: a generous deadline, because with 16 requests on a small machine a large
    // page can take many times its time alone, and the soak checks isolation, not speed.
    let real_config = PoolConfig::builder()
        .max_instances(8)
        .hot_size(4, 8)
        .acquire_timeout(Duration::from_secs(120))
        .call_timeout(Duration::from_secs(60))
        .cache_dir(&cache)
        .build()
        .map_err(|e| e.to_string())?;
    // The hostile pool: a short deadline, a 64 MiB memory cap, a 16 MiB output cap, little memory kept resident per released slot, and no circuit breaker (every
    // call fails on purpose; with the breaker on, most would be refused with `circuit_open`
    // instead of reaching the guest).
    let hostile_config = PoolConfig::builder()
        .max_instances(4)
        .hot(HotConfig {
            min: 2,
            max: 4,
            initial: 2,
            ..HotConfig::default()
        })
        .acquire_timeout(Duration::from_secs(60))
        .call_timeout(HOSTILE_DEADLINE)
        .memory_limit_bytes(64 << 20)
        .keep_resident_bytes(4 << 20)
        .max_output_bytes(16 << 20)
        .circuit(CircuitConfig {
            enabled: false,
            ..CircuitConfig::default()
        })
        .cache_dir(&cache)
        .build()
        .map_err(|e| e.to_string())?;
    // Released pooling slots keep up to `keep_resident_bytes` of linear memory mapped (that is
    // what makes the next fresh instance cheap): bounded, not a leak, so it is part of the bound.
    let retained = |c: &PoolConfig| c.slots() as u64 * c.keep_resident_bytes as u64;
    let retained_bytes = retained(&real_config) + retained(&hostile_config);
    let pools = [
        report::PoolSetup::of("real", &real_config),
        report::PoolSetup::of("hostile", &hostile_config),
    ];
    let real = Extractor::builder()
        .component_bytes(real_bytes)
        .pool_config(real_config)
        .build()
        .await
        .map_err(|e| e.to_string())?;
    let hostile = Extractor::builder()
        .component_bytes(hostile_bytes)
        .pool_config(hostile_config)
        .build()
        .await
        .map_err(|e| e.to_string())?;

    println!(
        "running {} pages alone (corpus: {})…",
        pages.len(),
        corpus.display()
    );
    let mut alone = Vec::with_capacity(pages.len());
    let mut excluded = Vec::new();
    for page in &pages {
        match real
            .extract(page.html.clone(), &page.url, ExtractionMode::Article)
            .await
        {
            Ok(doc) => alone.push(Some(doc)),
            Err(e) => {
                let mut message = e.to_string();
                message.truncate(400);
                excluded.push(format!("{} ({message})", page.name));
                alone.push(None);
            }
        }
    }
    if !excluded.is_empty() {
        println!(
            "  {} pages fail alone and are left out of the healthy mix:\n    {}",
            excluded.len(),
            excluded.join("\n    ")
        );
    }
    let page_names: Vec<String> = pages.iter().map(|p| p.name.clone()).collect();
    let kinds = hostile_kinds();
    let behaviours: Vec<(&'static str, String, String)> = kinds
        .iter()
        .map(|(name, url, expected)| {
            let expected =
                expected.map_or_else(|| "no other request's data".to_string(), str::to_string);
            (*name, url.clone(), expected)
        })
        .collect();

    // Warm-up at full concurrency (same mix), so that RSS before already includes the pooling
    // slots and allocator arenas a concurrent run uses.
    let requests = args.requests();
    let concurrency = args.concurrency();
    let warmup = (requests / 10)
        .max(2 * pages.len())
        .min(requests.max(100))
        .min(1_000);
    println!("warm-up: {warmup} requests at concurrency {concurrency}…");
    let shared = Arc::new(Shared {
        real,
        hostile,
        pages,
        alone,
        kinds,
        next: AtomicUsize::new(0),
        requests: warmup,
        tally: Mutex::new(Tally::default()),
    });
    drive(&shared, concurrency).await;
    let mut shared = Arc::try_unwrap(shared).map_err(|_| "a worker is still running")?;
    println!("capacity after the warm-up:");
    let before = [
        settle(&shared.real, "real").await,
        settle(&shared.hostile, "hostile").await,
    ];
    if before.iter().any(|c| c.leaked > 0) {
        return Err("the pools did not settle after the warm-up".into());
    }
    let warm_tally = std::mem::take(shared.tally.get_mut());
    if !warm_tally.healthy_mismatch.is_empty() || !warm_tally.hostile_unexpected.is_empty() {
        println!(
            "  warm-up problems: {:?} {:?}",
            warm_tally.healthy_mismatch, warm_tally.hostile_unexpected
        );
    }
    shared.next = AtomicUsize::new(0);
    shared.requests = requests;
    let shared = Arc::new(shared);

    let rss_before = rss_bytes();
    let load = util::load_average();
    println!("soak: {requests} requests at concurrency {concurrency}…");
    let started = Instant::now();
    drive(&shared, concurrency).await;
    let elapsed = started.elapsed();
    let shared = Arc::try_unwrap(shared).map_err(|_| "a worker is still running")?;
    println!("capacity after the run:");
    let after = [
        settle(&shared.real, "real").await,
        settle(&shared.hostile, "hostile").await,
    ];
    let rss_after = rss_bytes();
    let tally = shared.tally.into_inner();
    let metrics = [shared.real.metrics().pool, shared.hostile.metrics().pool];
    shared.real.shutdown().await;
    shared.hostile.shutdown().await;

    let hostile_total = (0..requests).filter(|i| i % 10 == 9).count();
    let report = report::SoakReport {
        command: args.command_line(),
        profile: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        date: util::now_utc(),
        machine: util::machine(),
        load,
        requests,
        concurrency,
        warmup,
        seconds: elapsed.as_secs_f64(),
        pages: page_names,
        excluded,
        healthy_total: requests - hostile_total,
        healthy_ok: tally.healthy_ok,
        healthy_skipped: tally.healthy_skipped,
        healthy_mismatch: tally.healthy_mismatch,
        healthy_errors: tally.healthy_errors,
        healthy_ms: tally.healthy_ms,
        hostile_total,
        behaviours,
        hostile: tally.hostile,
        hostile_unexpected: tally.hostile_unexpected,
        hangs: tally.hangs,
        hang_limit: HANG_LIMIT,
        pools,
        before,
        after,
        metrics,
        rss_before,
        rss_after,
        retained_bytes,
        rss_margin: RSS_MARGIN_BYTES,
    };
    println!("\n{}", report.markdown());
    Ok(report)
}
