//! The report of `cargo xtask bench`: its JSON shape, the targets it is judged against and
//! its Markdown rendering (printed, and written to `docs/benchmarks.md`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

/// `a / b`, or 0 when `b` was not measured.
pub(super) fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

/// Latency figures of one (strategy, page class, concurrency).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Latency {
    /// Median per-request latency.
    pub p50_us: f64,
    /// 99th percentile.
    pub p99_us: f64,
    /// Mean.
    pub mean_us: f64,
    /// Requests measured.
    pub samples: usize,
}

/// One strategy on one page class.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct ClassFigures {
    /// Requests one after the other.
    pub c1: Latency,
    /// `cores` requests at once.
    pub cn: Latency,
    /// Requests per second at concurrency 1 (median over rounds).
    pub rps_c1: f64,
    /// Requests per second at concurrency = cores (median over rounds).
    pub rps_cn: f64,
    /// Share of requests served by the hot tier at concurrency = cores (pooled strategies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hot_share_cn: Option<f64>,
}

/// One strategy: the headline figures are those of the median page class.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct StrategyFigures {
    /// Median latency on the median page, concurrency 1.
    pub p50_us: f64,
    /// 99th percentile on the median page, concurrency 1.
    pub p99_us: f64,
    /// Requests per second on the median page, concurrency 1.
    pub rps_c1: f64,
    /// Requests per second on the median page, concurrency = cores.
    pub rps_cn: f64,
    /// Every page class.
    pub classes: BTreeMap<String, ClassFigures>,
}

/// The five strategies, in the order of the tables.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Strategies {
    /// Compile once; per request a new Store and `Linker` instantiation (on-demand allocator).
    pub naive: StrategyFigures,
    /// The pool with per-request isolation (its default).
    #[serde(rename = "pooled-fresh")]
    pub pooled_fresh: StrategyFigures,
    /// The pool with `Isolation::Reuse`: the sandbox's upper bound.
    #[serde(rename = "pooled-reuse")]
    pub pooled_reuse: StrategyFigures,
    /// The pool with tiering off: instantiation per request, no hot tier (absent from
    /// reports written before it existed).
    #[serde(rename = "pooled-untiered", default)]
    pub pooled_untiered: StrategyFigures,
    /// `riptide_extract::extract` without a sandbox.
    pub native: StrategyFigures,
    /// rs-trafilatura natively (the engine ours replaced), on the same pages.
    #[serde(default, rename = "native-trafilatura")]
    pub trafilatura: StrategyFigures,
}

/// Ratios of p50 latencies at concurrency 1 on one page class.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct ClassRatios {
    /// naive / pooled-fresh: what the pool saves.
    pub naive_over_pooled_fresh: f64,
    /// pooled-fresh / pooled-reuse: the price of a fresh instance per request.
    pub isolation_tax: f64,
    /// pooled-reuse / native: the price of the sandbox itself.
    pub sandbox_tax: f64,
    /// native-trafilatura / native: how much faster our engine is than rs-trafilatura.
    #[serde(default)]
    pub trafilatura_over_native: f64,
    /// pooled-untiered / pooled-fresh: what the hot tier saves.
    #[serde(default)]
    pub untiered_over_pooled_fresh: f64,
}

/// The ratios on the median page, and per class.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Ratios {
    /// naive / pooled-fresh.
    pub naive_over_pooled_fresh: f64,
    /// pooled-fresh / pooled-reuse.
    pub isolation_tax: f64,
    /// pooled-reuse / native.
    pub sandbox_tax: f64,
    /// pooled-untiered / pooled-fresh.
    #[serde(default)]
    pub untiered_over_pooled_fresh: f64,
    /// Every page class.
    pub classes: BTreeMap<String, ClassRatios>,
}

/// Per-request overhead on the tiny page: p50 minus pooled-reuse's p50.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Overhead {
    /// naive − pooled-reuse.
    pub naive: f64,
    /// pooled-fresh − pooled-reuse.
    pub pooled_fresh: f64,
}

/// One row of the keep-resident sweep (the fresh pool, per-request isolation).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct KeepResident {
    /// `keep_resident_bytes`, in MiB.
    pub keep_resident_mib: usize,
    /// p50 latency on the tiny page, c=1.
    pub tiny_p50_us: f64,
    /// Requests per second on the tiny page, c=cores.
    pub tiny_rps_cn: f64,
    /// p50 latency on the median pages, c=1.
    pub median_p50_us: f64,
    /// Requests per second on the median pages, c=cores.
    pub median_rps_cn: f64,
}

/// Pool start-up, medians.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Startup {
    /// `Pool::build` with the artifact cache off (compiles).
    pub compile: f64,
    /// `Pool::build` with a warm artifact cache.
    pub cached: f64,
    /// Of which compiling the component.
    pub compile_load: f64,
    /// Of which loading the compiled component from the cache.
    pub cached_load: f64,
    /// `Pool::build_filled` with a warm artifact cache: waits for the hot tier to be
    /// instantiated, as `Pool::build` did before it filled in the background.
    #[serde(default)]
    pub cached_filled: f64,
    /// compile / cached.
    pub speedup: f64,
    /// Samples of each.
    pub compile_samples: usize,
    /// Samples with the cache.
    pub cached_samples: usize,
}

/// Instantiation time of the component, medians in µs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Instantiation {
    /// `Store::new` + `Extractor::instantiate` with a `Linker` (on-demand allocator).
    pub naive_linker_us: f64,
    /// `Store::new` + `ExtractorPre::instantiate` (on-demand allocator).
    pub naive_pre_us: f64,
    /// The pool's warm acquisition (instantiation into a used pooling slot).
    pub pooled_warm_us: f64,
}

/// WIT validation of the component.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct WitValidation {
    /// Full validation (SHA-256 + decode + compare), median.
    pub full_ms: f64,
    /// `Validator::validate` of bytes already validated (SHA-256 + lookup), median.
    pub cached_validate_us: f64,
    /// `Validator::cached(&digest)`, median.
    pub cached_digest_ns: f64,
}

/// One judged target.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Target {
    /// Where it was set: `design` or `pool issue`.
    pub source: String,
    /// What is measured.
    pub name: String,
    /// The target, in words.
    pub target: String,
    /// The figure, in words.
    pub measured: String,
    /// Whether it is met.
    pub met: bool,
}

/// One criterion benchmark.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct CriterionFigure {
    /// Median time per iteration.
    pub median_ns: f64,
    /// Mean time per iteration.
    pub mean_ns: f64,
}

/// A page of the workload.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct PageInfo {
    /// Its class.
    pub class: String,
    /// Path inside the corpus.
    pub source: String,
    /// Bytes of HTML.
    pub bytes: usize,
}

/// The whole report (`target/bench/report.json`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Report {
    /// CPU, cores, memory, OS.
    pub machine: String,
    /// When the run started.
    pub date: String,
    /// The command that produced it.
    pub command: String,
    /// Whether `--quick` was given.
    pub quick: bool,
    /// Concurrency of the "cn" figures (the number of cores).
    pub concurrency: usize,
    /// The five strategies.
    pub strategies: Strategies,
    /// Ratios of p50 latencies.
    pub ratios: Ratios,
    /// Per-request overhead on the tiny page.
    pub overhead_us: Overhead,
    /// The pool's acquire p50 (its metrics) when every request hits the hot tier.
    pub hot_acquire_p50_ns: f64,
    /// Same, 99th percentile.
    pub hot_acquire_p99_ns: f64,
    /// The pool's acquire p50 with no hot tier (instantiation on demand).
    pub warm_acquire_p50_us: f64,
    /// Same, 99th percentile.
    pub warm_acquire_p99_us: f64,
    /// Acquisition into a never-used slot (one sample per pool).
    pub cold_acquire_us: f64,
    /// Hot hits / requests of the default pool under steady load on the median pages at
    /// concurrency = cores.
    pub hot_hit_rate: f64,
    /// Same on the tiny page (requests far shorter than an instantiation).
    pub hot_hit_rate_tiny: f64,
    /// Instantiation times.
    pub instantiation: Instantiation,
    /// Pool start-up in ms.
    pub startup_ms: Startup,
    /// Full WIT validation in ms (median).
    pub wit_validation_ms: f64,
    /// WIT validation in detail.
    pub wit_validation: WitValidation,
    /// `InputValidator::check_request` per page class, median µs per page.
    pub input_validation_us: BTreeMap<String, f64>,
    /// Size of the component.
    pub component_bytes: u64,
    /// Peak resident memory of the load harness process.
    pub peak_rss_mb: f64,
    /// The workload.
    pub pages: Vec<PageInfo>,
    /// Rounds of the interleaved strategy measurements.
    pub rounds: usize,
    /// Judged targets.
    pub targets: Vec<Target>,
    /// Criterion medians, by benchmark id.
    pub criterion: BTreeMap<String, CriterionFigure>,
    /// Wall time of each part of the run, in seconds.
    pub durations_s: BTreeMap<String, f64>,
    /// Anything odd seen during the run.
    pub warnings: Vec<String>,
    /// The fresh pool with several amounts of memory kept resident per released slot.
    #[serde(default)]
    pub keep_resident: Vec<KeepResident>,
    /// The `riptide` binary as a user runs it (not measured in a dev-profile smoke run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cli: Option<super::cli::CliFigures>,
    /// `riptide serve` on loopback (release binary only, like `cli`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<super::http::HttpFigures>,
}

fn target(source: &str, name: &str, target: &str, measured: String, met: bool) -> Target {
    Target {
        source: source.into(),
        name: name.into(),
        target: target.into(),
        measured,
        met,
    }
}

impl Report {
    /// The figures of `strategy` on one page class (zeros when it was not measured).
    pub(super) fn class(&self, strategy: &StrategyFigures, class: &str) -> ClassFigures {
        strategy.classes.get(class).cloned().unwrap_or_default()
    }

    /// Judge the figures against the design's and the pool issue's targets.
    pub(super) fn judge(&mut self) {
        let s = &self.strategies;
        let fresh_median = self.class(&s.pooled_fresh, "median");
        let fresh_tiny = self.class(&s.pooled_fresh, "tiny");
        let n = self.concurrency;
        let st = &self.startup_ms;
        self.targets = vec![
            target(
                "design",
                "hot path (pooled-fresh p50, tiny page, c=1)",
                "≤ 0.5 ms",
                format!("{:.3} ms", fresh_tiny.c1.p50_us / 1e3),
                fresh_tiny.c1.p50_us <= 500.0,
            ),
            target(
                "design",
                "average latency (pooled-fresh mean, median page, c=1)",
                "≤ 1.25 ms",
                format!("{:.2} ms", fresh_median.c1.mean_us / 1e3),
                fresh_median.c1.mean_us <= 1250.0,
            ),
            target(
                "design",
                &format!("throughput (pooled-fresh, median page, c={n})"),
                "≥ 800 req/s",
                format!("{:.0} req/s", fresh_median.rps_cn),
                fresh_median.rps_cn >= 800.0,
            ),
            target(
                "design",
                &format!("hot hits (steady load, median page, c={n})"),
                "≥ 70 %",
                format!("{:.1} %", self.hot_hit_rate * 100.0),
                self.hot_hit_rate >= 0.70,
            ),
            target(
                "pool issue",
                "hot acquire p50 (pool metrics)",
                "≤ 1 µs",
                format!("{:.0} ns", self.hot_acquire_p50_ns),
                self.hot_acquire_p50_ns > 0.0 && self.hot_acquire_p50_ns <= 1000.0,
            ),
            target(
                "pool issue",
                "warm acquire p50 (pool metrics)",
                "≤ 20 µs",
                format!("{:.1} µs", self.warm_acquire_p50_us),
                self.warm_acquire_p50_us > 0.0 && self.warm_acquire_p50_us <= 20.0,
            ),
            target(
                "pool issue",
                "start-up from the artifact cache (Pool::build, median)",
                "≤ 20 ms",
                format!("{:.1} ms", st.cached),
                st.cached > 0.0 && st.cached <= 20.0,
            ),
            target(
                "pool issue",
                "start-up speed-up of the cache (compile / cached)",
                "≥ 10×",
                format!("{:.1}×", st.speedup),
                st.speedup >= 10.0,
            ),
            target(
                "pool issue",
                &format!("hot hit rate (steady load, median page, c={n})"),
                "≥ 95 %",
                format!("{:.1} %", self.hot_hit_rate * 100.0),
                self.hot_hit_rate >= 0.95,
            ),
        ];
        let sandbox = self.sandbox_targets();
        self.targets.extend(sandbox);
    }

    /// The targets of the sandbox-speed issue: ratios of one run, p50 at c=1 unless stated,
    /// the worst page class where a target covers every class.
    fn sandbox_targets(&self) -> Vec<Target> {
        const CLASSES: [&str; 4] = ["tiny", "small", "median", "large"];
        let s = &self.strategies;
        let n = self.concurrency;
        let per_class = |f: &dyn Fn(&str) -> f64| -> Vec<(&'static str, f64)> {
            CLASSES.iter().map(|c| (*c, f(c))).collect()
        };
        let worst = |values: &[(&str, f64)], highest: bool| -> (String, f64) {
            let pick = values
                .iter()
                .copied()
                .fold(None, |acc: Option<(&str, f64)>, v| match acc {
                    Some(a) if (highest && a.1 >= v.1) || (!highest && a.1 <= v.1) => Some(a),
                    _ => Some(v),
                });
            let (class, value) = pick.unwrap_or(("none", 0.0));
            let all = values
                .iter()
                .map(|(c, v)| format!("{c} {v:.2}"))
                .collect::<Vec<_>>()
                .join(", ");
            (format!("{value:.3} ({class}; {all})"), value)
        };
        let isolation = per_class(&|c| {
            ratio(
                self.class(&s.pooled_fresh, c).c1.p50_us,
                self.class(&s.pooled_reuse, c).c1.p50_us,
            )
        });
        let throughput = per_class(&|c| {
            ratio(
                self.class(&s.pooled_fresh, c).rps_cn,
                self.class(&s.pooled_reuse, c).rps_cn,
            )
        });
        let naive_other: Vec<(&str, f64)> = CLASSES[1..]
            .iter()
            .flat_map(|c| {
                let naive = self.class(&s.naive, c);
                let fresh = self.class(&s.pooled_fresh, c);
                [
                    (*c, ratio(naive.c1.p50_us, fresh.c1.p50_us)),
                    (*c, ratio(naive.cn.p50_us, fresh.cn.p50_us)),
                ]
            })
            .collect();
        let sandbox: Vec<(&str, f64)> = ["median", "large"]
            .iter()
            .map(|c| {
                (
                    *c,
                    ratio(
                        self.class(&s.pooled_reuse, c).c1.p50_us,
                        self.class(&s.native, c).c1.p50_us,
                    ),
                )
            })
            .collect();
        let (isolation_text, isolation_worst) = worst(&isolation, true);
        let (throughput_text, throughput_worst) = worst(&throughput, false);
        let (naive_text, naive_worst) = worst(&naive_other, false);
        let (sandbox_text, sandbox_worst) = worst(&sandbox, true);
        let tiny_naive = ratio(
            self.class(&s.naive, "tiny").c1.p50_us,
            self.class(&s.pooled_fresh, "tiny").c1.p50_us,
        );
        let o = &self.overhead_us;
        let mut targets = vec![
            target(
                "sandbox issue",
                "isolation tax, pooled-fresh ÷ pooled-reuse p50, every class (worst)",
                "≤ 1.05",
                isolation_text,
                isolation_worst > 0.0 && isolation_worst <= 1.05,
            ),
            target(
                "sandbox issue",
                "per-request overhead, tiny page (pooled-fresh − pooled-reuse p50)",
                "≤ 100 µs",
                format!("{:.1} µs", o.pooled_fresh),
                o.pooled_fresh <= 100.0,
            ),
            target(
                "sandbox issue",
                &format!(
                    "throughput at c={n}, pooled-fresh ÷ pooled-reuse req/s, every class (worst)"
                ),
                "≥ 0.95",
                throughput_text,
                throughput_worst >= 0.95,
            ),
            target(
                "sandbox issue",
                "naive ÷ pooled-fresh p50, tiny page",
                "≥ 3",
                format!("{tiny_naive:.2}"),
                tiny_naive >= 3.0,
            ),
            target(
                "sandbox issue",
                &format!("naive ÷ pooled-fresh p50, small/median/large, c=1 and c={n} (worst)"),
                "≥ 1.0",
                naive_text,
                naive_worst >= 1.0,
            ),
            target(
                "sandbox issue",
                "sandbox tax, pooled-reuse ÷ native p50, median and large (worst)",
                "≤ 1.3",
                sandbox_text,
                sandbox_worst > 0.0 && sandbox_worst <= 1.3,
            ),
        ];
        match &self.cli {
            Some(cli) => {
                targets.push(target(
                    "sandbox issue",
                    &format!(
                        "`riptide batch --jobs 1` ÷ native `riptide_extract`, pages/s, {} WCXB articles",
                        cli.pages
                    ),
                    "≥ 0.7",
                    format!(
                        "{:.2} ({:.1} vs {:.1} pages/s)",
                        cli.batch_over_native, cli.batch_pages_per_s, cli.native_pages_per_s
                    ),
                    cli.batch_over_native >= 0.7,
                ));
                targets.push(target(
                    "crawl issue",
                    &format!(
                        "`riptide batch --jobs 1 --warc` ÷ JSON lines, pages/s, the same {} pages",
                        cli.pages
                    ),
                    "≥ 0.95",
                    format!(
                        "{:.2} ({:.1} vs {:.1} pages/s)",
                        cli.warc_over_jsonl, cli.warc_pages_per_s, cli.batch_pages_per_s
                    ),
                    cli.warc_over_jsonl >= 0.95,
                ));
                targets.push(target(
                    "sandbox issue",
                    &format!(
                        "`riptide extract` of a {} KB article, wall, warm artifact cache",
                        cli.extract_page_bytes / 1024
                    ),
                    "≤ 80 ms",
                    format!("{:.1} ms", cli.extract_wall_ms),
                    cli.extract_wall_ms <= 80.0,
                ));
            }
            None => {
                for name in [
                    "`riptide batch --jobs 1` ÷ native",
                    "`riptide batch --warc` ÷ JSON lines",
                    "`riptide extract` wall",
                ] {
                    targets.push(target(
                        "sandbox issue",
                        name,
                        "measured by a release run",
                        "not measured (dev-profile smoke run)".into(),
                        false,
                    ));
                }
            }
        }
        targets.push(match &self.http {
            Some(http) => target(
                "serve issue",
                &format!(
                    "`riptide serve`: HTTP p50 − library p50 at c=1, tiny page ({} B), loopback",
                    http.page_bytes
                ),
                "≤ 100 µs",
                format!(
                    "{:.0} µs ({} vs {})",
                    http.overhead_p50_us,
                    dur(http.c1_p50_us),
                    dur(http.library_p50_us)
                ),
                http.overhead_p50_us <= 100.0,
            ),
            None => target(
                "serve issue",
                "`riptide serve`: HTTP p50 − library p50",
                "measured by a release run",
                "not measured (dev-profile smoke run)".into(),
                false,
            ),
        });
        targets
    }

    /// The tables, in Markdown.
    pub(super) fn tables(&self) -> String {
        let mut out = String::new();
        let n = self.concurrency;
        let strategies = [
            ("naive", &self.strategies.naive),
            ("pooled-fresh", &self.strategies.pooled_fresh),
            ("pooled-reuse", &self.strategies.pooled_reuse),
            ("pooled-untiered", &self.strategies.pooled_untiered),
            ("native", &self.strategies.native),
            ("native-trafilatura", &self.strategies.trafilatura),
        ];
        let classes = ["tiny", "small", "median", "large"];

        let _ = writeln!(
            out,
            "### Latency and throughput per strategy and page class\n"
        );
        let _ = writeln!(
            out,
            "| class | strategy | p50 c=1 | p99 c=1 | req/s c=1 | p50 c={n} | p99 c={n} | req/s c={n} | samples c=1 / c={n} |"
        );
        let _ = writeln!(out, "|---|---|--:|--:|--:|--:|--:|--:|--:|");
        for class in classes {
            for (name, s) in &strategies {
                let f = self.class(s, class);
                let _ = writeln!(
                    out,
                    "| {class} | {name} | {} | {} | {:.0} | {} | {} | {:.0} | {} / {} |",
                    dur(f.c1.p50_us),
                    dur(f.c1.p99_us),
                    f.rps_c1,
                    dur(f.cn.p50_us),
                    dur(f.cn.p99_us),
                    f.rps_cn,
                    f.c1.samples,
                    f.cn.samples
                );
            }
        }

        let _ = writeln!(out, "\n### Ratios of p50 latencies (c=1)\n");
        let _ = writeln!(
            out,
            "| class | naive / pooled-fresh | isolation tax (pooled-fresh / pooled-reuse) | sandbox tax (pooled-reuse / native) | tiering off (pooled-untiered / pooled-fresh) | rs-trafilatura / our engine (native-trafilatura / native) |"
        );
        let _ = writeln!(out, "|---|--:|--:|--:|--:|--:|");
        for class in classes {
            let r = self.ratios.classes.get(class).cloned().unwrap_or_default();
            let _ = writeln!(
                out,
                "| {class} | {:.2} | {:.3} | {:.2} | {:.2} | {:.2} |",
                r.naive_over_pooled_fresh,
                r.isolation_tax,
                r.sandbox_tax,
                r.untiered_over_pooled_fresh,
                r.trafilatura_over_native
            );
        }
        let _ = writeln!(
            out,
            "\nPer-request overhead on the tiny page (p50 − pooled-reuse p50): naive {:.1} µs, pooled-fresh {:.1} µs.",
            self.overhead_us.naive, self.overhead_us.pooled_fresh
        );

        if !self.keep_resident.is_empty() {
            let _ = writeln!(
                out,
                "\n### Memory kept resident per released slot (fresh pool)\n\n\
                 | keep_resident | tiny p50 c=1 | tiny req/s c={n} | median p50 c=1 | median req/s c={n} |\n\
                 |--:|--:|--:|--:|--:|"
            );
            for r in &self.keep_resident {
                let _ = writeln!(
                    out,
                    "| {} MiB | {} | {:.0} | {} | {:.1} |",
                    r.keep_resident_mib,
                    dur(r.tiny_p50_us),
                    r.tiny_rps_cn,
                    dur(r.median_p50_us),
                    r.median_rps_cn
                );
            }
        }
        if let Some(cli) = &self.cli {
            let _ = writeln!(
                out,
                "\n### The `riptide` binary, as a user runs it\n\n\
                 | figure | value |\n|---|--:|\n\
                 | `riptide batch --jobs 1`, {} WCXB article pages, whole process | {:.1} pages/s |\n\
                 | `riptide_extract::extract` natively, same pages, one thread | {:.1} pages/s |\n\
                 | batch ÷ native | {:.2} |\n\
                 | `riptide batch --jobs 1 --warc`, same pages as WARC response records | {:.1} pages/s |\n\
                 | WARC ÷ JSON lines | {:.2} |\n\
                 | `riptide extract` of a {} KB article, wall (warm artifact cache) | {:.1} ms |\n\
                 | timed runs (medians) | {} |",
                cli.pages,
                cli.batch_pages_per_s,
                cli.native_pages_per_s,
                cli.batch_over_native,
                cli.warc_pages_per_s,
                cli.warc_over_jsonl,
                cli.extract_page_bytes / 1024,
                cli.extract_wall_ms,
                cli.runs
            );
        }

        if let Some(http) = &self.http {
            let _ = writeln!(
                out,
                "\n### `riptide serve` over HTTP, loopback\n\n\
                 The tiny page ({} B) posted as `text/html` to `/v1/extract`, kept-alive HTTP/1.1 \
                 connections, {} timed requests per row; the library row is `Extractor::extract` \
                 in-process on the same page, default pool.\n\n\
                 | concurrency | req/s | p50 | p99 |\n|---|--:|--:|--:|\n\
                 | HTTP, 1 | {:.0} | {} | {} |\n\
                 | HTTP, {} (= cores) | {:.0} | {} | {} |\n\
                 | library, 1 | | {} | |\n\n\
                 HTTP overhead over the library call, p50 at concurrency 1: {:.0} µs.",
                http.page_bytes,
                http.requests,
                http.c1_rps,
                dur(http.c1_p50_us),
                dur(http.c1_p99_us),
                http.concurrency,
                http.cn_rps,
                dur(http.cn_p50_us),
                dur(http.cn_p99_us),
                dur(http.library_p50_us),
                http.overhead_p50_us
            );
        }

        let _ = writeln!(out, "\n### Pool, start-up and validation\n");
        let _ = writeln!(out, "| figure | value |");
        let _ = writeln!(out, "|---|--:|");
        let st = &self.startup_ms;
        let i = &self.instantiation;
        let w = &self.wit_validation;
        let rows: Vec<(String, String)> = vec![
            (
                "hot acquire p50 / p99 (pool metrics)".into(),
                format!(
                    "{:.0} ns / {:.0} ns",
                    self.hot_acquire_p50_ns, self.hot_acquire_p99_ns
                ),
            ),
            (
                "warm acquire p50 / p99 (pool metrics; instantiation on demand)".into(),
                format!(
                    "{:.1} µs / {:.1} µs",
                    self.warm_acquire_p50_us, self.warm_acquire_p99_us
                ),
            ),
            (
                "cold acquire (never-used slot)".into(),
                format!("{:.1} µs", self.cold_acquire_us),
            ),
            (
                "instantiate, naive (Store + Linker, on-demand allocator)".into(),
                format!("{:.1} µs", i.naive_linker_us),
            ),
            (
                "instantiate, naive with InstancePre (on-demand allocator)".into(),
                format!("{:.1} µs", i.naive_pre_us),
            ),
            (
                format!("hot hit rate, steady load c={n}, median pages"),
                format!("{:.1} %", self.hot_hit_rate * 100.0),
            ),
            (
                format!("hot hit rate, steady load c={n}, tiny page"),
                format!("{:.1} %", self.hot_hit_rate_tiny * 100.0),
            ),
            (
                format!(
                    "start-up, compiling (Pool::build, cache off; {} samples)",
                    st.compile_samples
                ),
                format!("{:.0} ms (compile {:.0} ms)", st.compile, st.compile_load),
            ),
            (
                format!(
                    "start-up, warm artifact cache (Pool::build; {} samples)",
                    st.cached_samples
                ),
                format!("{:.1} ms (load {:.1} ms)", st.cached, st.cached_load),
            ),
            (
                "start-up, warm cache, hot tier filled first (Pool::build_filled)".into(),
                format!("{:.1} ms", st.cached_filled),
            ),
            (
                "start-up speed-up (compile / cached)".into(),
                format!("{:.1}×", st.speedup),
            ),
            (
                "WIT validation, full".into(),
                format!("{:.2} ms", w.full_ms),
            ),
            (
                "WIT validation, cached (validate: SHA-256 + lookup)".into(),
                format!("{:.0} µs", w.cached_validate_us),
            ),
            (
                "WIT validation, cached via digest (Validator::cached)".into(),
                format!("{:.0} ns", w.cached_digest_ns),
            ),
        ];
        for (k, v) in rows {
            let _ = writeln!(out, "| {k} | {v} |");
        }
        for class in classes {
            if let Some(v) = self.input_validation_us.get(class) {
                let _ = writeln!(
                    out,
                    "| input validation (check_request), {class} page | {v:.1} µs |"
                );
            }
        }
        #[allow(clippy::cast_precision_loss)]
        let mib = self.component_bytes as f64 / (1024.0 * 1024.0);
        let _ = writeln!(
            out,
            "| component size | {} bytes ({mib:.2} MiB) |",
            self.component_bytes
        );
        let _ = writeln!(
            out,
            "| peak RSS of the load harness (VmHWM) | {:.0} MB |",
            self.peak_rss_mb
        );

        let _ = writeln!(out, "\n### Targets\n");
        let _ = writeln!(out, "| set by | figure | target | measured | |");
        let _ = writeln!(out, "|---|---|--:|--:|---|");
        for t in &self.targets {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                t.source,
                t.name,
                t.target,
                t.measured,
                if t.met { "met" } else { "**not met**" }
            );
        }

        if !self.criterion.is_empty() {
            let _ = writeln!(
                out,
                "\n### Criterion micro-benchmarks (median per iteration)\n"
            );
            let _ = writeln!(out, "| benchmark | median | mean |");
            let _ = writeln!(out, "|---|--:|--:|");
            for (id, f) in &self.criterion {
                let _ = writeln!(
                    out,
                    "| {id} | {} | {} |",
                    dur(f.median_ns / 1e3),
                    dur(f.mean_ns / 1e3)
                );
            }
        }
        if !self.warnings.is_empty() {
            let _ = writeln!(out, "\n### Warnings\n");
            for w in &self.warnings {
                let _ = writeln!(out, "- {w}");
            }
        }
        out
    }
}

/// A duration given in µs, with a readable unit.
pub(super) fn dur(us: f64) -> String {
    if us <= 0.0 {
        "–".into()
    } else if us < 1.0 {
        format!("{:.0} ns", us * 1e3)
    } else if us < 1e3 {
        format!("{us:.1} µs")
    } else if us < 1e6 {
        format!("{:.2} ms", us / 1e3)
    } else {
        format!("{:.2} s", us / 1e6)
    }
}
