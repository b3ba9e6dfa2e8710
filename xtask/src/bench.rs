//! `cargo xtask bench [--quick] [--json PATH] [--docs PATH]`: the cross-crate benchmarks.
//!
//! 1. builds the guest component in release mode (`riptide-guest-build`);
//! 2. runs the criterion micro-benchmarks of the crates (`cargo bench -p riptide-pool
//!    -p riptide-input-check -p riptide-wit-check -p riptide-benches --bench '*'`);
//! 3. runs the load harness ([`harness`]): naive, pooled-fresh, pooled-reuse, pooled-untiered (tiering off) and native on
//!    the pages of `benches/pages.txt`, interleaved in rounds, plus the pool's tiers,
//!    instantiation, start-up, validation and memory figures. `cargo xtask` is a debug build,
//!    so the harness runs in a release build of xtask (`cargo run --release -p xtask -- bench
//!    --harness-only …`): the figures are those of optimised code however the task is called;
//! 4. prints the tables, writes `target/bench/report.json` (or `--json PATH`) and the
//!    Markdown report (`docs/benchmarks.md` for a full run; `target/bench/benchmarks.md`
//!    under `--quick`, whose figures are not worth committing; `--docs PATH` overrides).

mod cli;
mod criterion;
mod harness;
mod http;
mod report;
mod strategies;
pub(crate) mod util;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime};

use report::Report;

/// `cargo xtask bench`: builds the guest component (release), runs the criterion benches of
/// riptide-pool, riptide-input-check, riptide-wit-check and riptide-benches, then the load
/// harness (naive / pooled-fresh / pooled-reuse / pooled-untiered / native on the pages of benches/pages.txt,
/// read from ../shared/corpus), prints the tables and writes the reports.
#[derive(Debug, Default, clap::Args)]
#[command(after_help = "environment:
  RIPTIDE_BENCH_DEBUG=1  stay in the dev profile (harness in this process, criterion with
                         `cargo bench --profile dev`): a smoke run that reuses the test build,
                         as CI does; its figures are meaningless")]
pub(crate) struct BenchArgs {
    /// Fewer iterations (about 2-3 minutes on 2 cores once built).
    #[arg(long)]
    quick: bool,
    /// Where to write the JSON report (default: target/bench/report.json).
    #[arg(long, value_name = "PATH")]
    json: Option<PathBuf>,
    /// Where to write the Markdown report (default: docs/benchmarks.md, or
    /// target/bench/benchmarks.md with --quick).
    #[arg(long, value_name = "PATH")]
    docs: Option<PathBuf>,
    /// Do not run the criterion benches.
    #[arg(long)]
    skip_criterion: bool,
    /// Do not run the load harness (the report then holds criterion figures only).
    #[arg(long)]
    skip_harness: bool,
    /// Internal: run only the load harness in this process and write its report to `--out`.
    #[arg(long, hide = true)]
    harness_only: bool,
    /// Internal (`--harness-only`): the pre-initialized component.
    #[arg(long, hide = true, value_name = "PATH")]
    wasm: Option<PathBuf>,
    /// Internal (`--harness-only`): the component as compiled.
    #[arg(long, hide = true, value_name = "PATH")]
    raw_wasm: Option<PathBuf>,
    /// Internal (`--harness-only`): the release `riptide` binary.
    #[arg(long, hide = true, value_name = "PATH")]
    cli: Option<PathBuf>,
    /// Internal (`--harness-only`): where the harness writes its report.
    #[arg(long, hide = true, value_name = "PATH")]
    out: Option<PathBuf>,
}

/// Run the task.
pub(crate) fn run(args: &BenchArgs) -> Result<(), String> {
    if args.harness_only {
        return harness_only(args);
    }
    let started = Instant::now();
    let since = SystemTime::now();
    let date = util::now_utc();
    let build = super::workspace()?;
    let root = build.workspace().to_path_buf();
    let bench_dir = target_dir(&root).join("bench");
    std::fs::create_dir_all(&bench_dir).map_err(|e| format!("{}: {e}", bench_dir.display()))?;
    let cache_dir = bench_dir.join("artifact-cache");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut durations = std::collections::BTreeMap::new();

    // Fail early, before anything is built, when the pages are missing.
    riptide_benches::Workload::load_default()?;

    eprintln!("== building the guest component (release)");
    let t = Instant::now();
    let wasm = build.build().map_err(|e| e.to_string())?.wasm;
    let raw_wasm = build
        .clone()
        .preinit(false)
        .build()
        .map_err(|e| e.to_string())?
        .wasm;
    durations.insert("guest_build".to_string(), t.elapsed().as_secs_f64());

    let mut report = Report::default();
    if !args.skip_harness {
        eprintln!("== load harness (release build of xtask)");
        let t = Instant::now();
        let out = bench_dir.join("harness.json");
        // The `riptide` binary as users run it, in release; a smoke run in the dev profile
        // measures no binary (its figures would say nothing).
        let cli = if util::debug_profile() {
            None
        } else {
            eprintln!("== building the riptide binary (release)");
            let status = Command::new(&cargo)
                .current_dir(&root)
                .args(["build", "--release", "--quiet", "-p", "riptide-cli"])
                .status()
                .map_err(|e| format!("could not run cargo build -p riptide-cli: {e}"))?;
            if !status.success() {
                return Err(format!("building the riptide binary failed ({status})"));
            }
            Some(target_dir(&root).join("release").join("riptide"))
        };
        report = run_harness(
            &cargo,
            &root,
            [&wasm, &raw_wasm],
            cli.as_deref(),
            &cache_dir,
            &out,
            args.quick,
        )?;
        durations.insert("harness".to_string(), t.elapsed().as_secs_f64());
    }

    let criterion_home = bench_dir.join("criterion");
    if !args.skip_criterion {
        eprintln!(
            "== criterion benches: {}",
            criterion::command_line(args.quick)
        );
        let t = Instant::now();
        let status = criterion::command(&cargo, &root, args.quick)
            .env("CRITERION_HOME", &criterion_home)
            .env("RIPTIDE_BENCH_WASM", &wasm)
            .env("RIPTIDE_BENCH_CACHE", &cache_dir)
            .status()
            .map_err(|e| format!("could not run cargo bench: {e}"))?;
        if !status.success() {
            return Err(format!("the criterion benches failed ({status})"));
        }
        durations.insert("criterion".to_string(), t.elapsed().as_secs_f64());
        report.criterion = criterion::read_estimates(&criterion_home, since);
    }

    report.machine = util::machine();
    report.date = date;
    report.concurrency = util::cores();
    report.quick = args.quick;
    report.command = command_line(args);
    durations.insert("total".to_string(), started.elapsed().as_secs_f64());
    report.durations_s = durations;
    report.judge();

    let json_path = args
        .json
        .clone()
        .unwrap_or_else(|| bench_dir.join("report.json"));
    write(
        &json_path,
        &serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?,
    )?;
    let docs_path = args.docs.clone().unwrap_or_else(|| {
        if args.quick {
            bench_dir.join("benchmarks.md")
        } else {
            root.join("docs").join("benchmarks.md")
        }
    });
    // The knobs table and the stage breakdown come from `cargo xtask knobs` and `cargo xtask
    // stages`: keep them.
    let previous = std::fs::read_to_string(&docs_path).unwrap_or_default();
    write(
        &docs_path,
        &crate::docs::keep_sections(
            &previous,
            &markdown(&report, !args.skip_harness),
            &[
                ("stages", "breakdown", crate::stages::HEADING),
                ("knobs", "table", crate::knobs::HEADING),
            ],
        ),
    )?;

    println!("{}", report.tables());
    println!(
        "report: {}\nMarkdown: {}\ntook {:.0} s",
        json_path.display(),
        docs_path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The internal `--harness-only` mode: measure in this (release) process.
fn harness_only(args: &BenchArgs) -> Result<(), String> {
    let wasm = args.wasm.clone().ok_or("--harness-only needs --wasm")?;
    let raw_wasm = args
        .raw_wasm
        .clone()
        .ok_or("--harness-only needs --raw-wasm")?;
    let out = args.out.clone().ok_or("--harness-only needs --out")?;
    let cache_dir = out
        .parent()
        .unwrap_or(Path::new("."))
        .join("artifact-cache");
    let report = harness::run(&harness::Options {
        wasm,
        raw_wasm,
        cli: args.cli.clone(),
        quick: args.quick,
        cache_dir,
    })?;
    write(
        &out,
        &serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?,
    )
}

/// Run the harness in a release build of xtask (in this process when it already is one).
fn run_harness(
    cargo: &str,
    root: &Path,
    [wasm, raw_wasm]: [&Path; 2],
    cli: Option<&Path>,
    cache_dir: &Path,
    out: &Path,
    quick: bool,
) -> Result<Report, String> {
    if !cfg!(debug_assertions) || util::debug_profile() {
        return harness::run(&harness::Options {
            wasm: wasm.to_path_buf(),
            raw_wasm: raw_wasm.to_path_buf(),
            cli: cli.map(Path::to_path_buf),
            quick,
            cache_dir: cache_dir.to_path_buf(),
        });
    }
    let _ = std::fs::remove_file(out);
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args(["run", "--release", "--quiet", "-p", "xtask", "--", "bench"])
        .arg("--harness-only")
        .arg("--wasm")
        .arg(wasm)
        .arg("--raw-wasm")
        .arg(raw_wasm)
        .arg("--out")
        .arg(out);
    if let Some(cli) = cli {
        cmd.arg("--cli").arg(cli);
    }
    if quick {
        cmd.arg("--quick");
    }
    let status = cmd
        .status()
        .map_err(|e| format!("could not run cargo run --release -p xtask: {e}"))?;
    if !status.success() {
        return Err(format!("the load harness failed ({status})"));
    }
    let text = std::fs::read_to_string(out)
        .map_err(|e| format!("the load harness wrote no report ({}): {e}", out.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", out.display()))
}

/// `CARGO_TARGET_DIR`, or the workspace's `target`.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        }
        _ => root.join("target"),
    }
}

fn command_line(args: &BenchArgs) -> String {
    let mut line = if util::debug_profile() {
        "RIPTIDE_BENCH_DEBUG=1 cargo xtask bench".to_string()
    } else {
        "cargo xtask bench".to_string()
    };
    if args.quick {
        line.push_str(" --quick");
    }
    if let Some(p) = &args.json {
        line.push_str(&format!(" --json {}", p.display()));
    }
    if let Some(p) = &args.docs {
        line.push_str(&format!(" --docs {}", p.display()));
    }
    if args.skip_criterion {
        line.push_str(" --skip-criterion");
    }
    if args.skip_harness {
        line.push_str(" --skip-harness");
    }
    line
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The Markdown report.
fn markdown(report: &Report, harness: bool) -> String {
    let mut out = String::new();
    out.push_str("# Benchmarks\n\n");
    out.push_str(
        "Generated by `cargo xtask bench` (`xtask/src/bench.rs`); rerun it to refresh this \
         page. The JSON behind it is `target/bench/report.json`.\n\n",
    );
    out.push_str(&format!(
        "- machine: {}\n- date: {}\n- command: `{}`{}\n",
        report.machine,
        report.date,
        report.command,
        if report.quick {
            " (quick: few iterations, figures indicative only)"
        } else {
            ""
        }
    ));
    if let Some(total) = report.durations_s.get("total") {
        out.push_str(&format!("- duration: {total:.0} s ("));
        let parts: Vec<String> = report
            .durations_s
            .iter()
            .filter(|(k, _)| k.as_str() != "total")
            .map(|(k, v)| format!("{k} {v:.0} s"))
            .collect();
        out.push_str(&parts.join(", "));
        out.push_str(")\n");
    }
    out.push_str(&format!(
        "- criterion: `{}`\n",
        criterion::command_line(report.quick)
    ));
    if harness {
        out.push_str(&format!(
            "- load harness: {} interleaved rounds; concurrency 1 and {} (= cores) tokio tasks\n",
            report.rounds, report.concurrency
        ));
        out.push_str("\n## Workload\n\n");
        out.push_str(
            "The pages of `benches/pages.txt` (read from `../shared/corpus`; the file says why \
             they were chosen) and a tiny synthetic page that isolates the pool's overhead:\n\n",
        );
        out.push_str("| class | page | bytes |\n|---|---|--:|\n");
        for p in &report.pages {
            out.push_str(&format!("| {} | {} | {} |\n", p.class, p.source, p.bytes));
        }
        out.push_str(METHOD);
    }
    out.push_str("\n## Results\n\n");
    out.push_str(&report.tables());
    if harness {
        out.push_str(&analysis(report));
    }
    out
}

const METHOD: &str = "
## Method

- **naive**: the design we were handed: the guest *as compiled* (not pre-initialized),
  compiled once with wasmtime's default configuration (on-demand instance allocator, no
  pooling, no epoch deadline); per request a new `Store` and `Extractor::instantiate` through a
  `Linker` (built once), then `extract`.
- **pooled-fresh**: `riptide_pool::Pool` with its defaults running the shipped,
  pre-initialized component (per-request isolation: a fresh instance for every request, taken
  from the hot tier when one is ready, else instantiated on the call's blocking thread).
- **pooled-reuse**: the same pool with `Isolation::Reuse { max_uses: 1 000 000, .. }`: one
  instance serves request after request, the sandbox's upper bound.
- **native**: `riptide_extract::extract` in the host process, no sandbox.
- **native-trafilatura**: rs-trafilatura (default options) in the host process, the engine
  `riptide-extract` used before its own: the two engines side by side on the same pages (its
  text differs, so it is not compared with the others').
- **the `riptide` binary** (release): `riptide batch --jobs 1` on WCXB article pages read from
  a JSON-lines file, whole process, against `riptide_extract` natively on the same pages in
  the harness; and `riptide extract FILE` of the article nearest 115 KB; both with a warm
  artifact cache.
- **`riptide serve`** (release): the server on a loopback port, the tiny page posted as
  `text/html` to `/v1/extract` over kept-alive HTTP/1.1 connections (a minimal blocking client,
  one connection per thread) at concurrency 1 and = cores, against `Extractor::extract`
  in-process on the same page with the same default pool: the p50 difference at concurrency 1
  is what HTTP adds (`xtask/src/bench/http.rs`).

Every strategy runs the extraction on a tokio blocking thread (the pool does so itself), so
they pay the same hand-off and only the sandbox differs; the HTML is shared, not copied per
request. A request's latency runs from acquiring an instance (or creating the Store) to the
result being back in the calling task; pooled instances are dropped after the answer, off the
latency, as the pool does. Each round runs one batch of every (class, concurrency, strategy),
the strategy order rotating between rounds; batches are sized to last about the same time
for every strategy of a class. Latency percentiles are over all requests of all rounds;
throughputs are medians over rounds. Ratios divide p50 latencies at concurrency 1.

Pool figures: *hot acquire* is the pool's own acquire metric (semaphore permit, circuit
breaker, tier queue pop) on a pool whose hot tier is never empty; *warm acquire* the same on a
pool without hot tier, up to the instance being made (instantiation into a reused pooling slot
on the call's blocking thread, hand-off included). *Start-up*
is the wall time of `Pool::build` (WIT validation with a fresh validator, engine, component
compile or cache load, linker, pre-instantiation, hot-tier fill), with the artifact cache off
and with a warm cache. The *hot hit rate* is measured under steady load of the default pool at
concurrency = cores for several seconds.
";

/// What the figures say: the targets that were missed and what limits them.
fn analysis(report: &Report) -> String {
    let mut out = String::from("\n## Reading the figures\n\n");
    let missed: Vec<&report::Target> = report.targets.iter().filter(|t| !t.met).collect();
    if missed.is_empty() {
        out.push_str("Every target is met on this run.\n");
    } else {
        out.push_str(&format!(
            "{} of {} targets are not met on this run:\n\n",
            missed.len(),
            report.targets.len()
        ));
        for t in &missed {
            out.push_str(&format!(
                "- {} ({}): {} against {}.\n",
                t.name, t.source, t.measured, t.target
            ));
        }
    }
    out.push_str(&notes(report));
    out
}

/// What the figures of this run say about where the time goes, computed from them.
fn notes(report: &Report) -> String {
    let class = |s, c| report.class(s, c);
    let ratio = report::ratio;
    let st = &report.strategies;
    let mut out = String::from("\nWhere the time goes, from this run's figures:\n\n");
    let (native_median, reuse_median) = (
        class(&st.native, "median").c1.p50_us,
        class(&st.pooled_reuse, "median").c1.p50_us,
    );
    out.push_str(&format!(
        "- **The extraction itself.** On the median page the native extractor takes {} (p50) \
         and the same code in one reused instance {}: the sandbox multiplies it by {:.2}. \
         The per-knob table below (`cargo xtask knobs`) says which engine or build setting \
         changes that factor.\n",
        report::dur(native_median),
        report::dur(reuse_median),
        ratio(reuse_median, native_median)
    ));
    let (fresh_tiny, reuse_tiny) = (
        class(&st.pooled_fresh, "tiny").c1.p50_us,
        class(&st.pooled_reuse, "tiny").c1.p50_us,
    );
    out.push_str(&format!(
        "- **A fresh instance per request.** On the tiny page a fresh instance answers in {} \
         against {} for a reused one ({:+.0} µs): the instance starts from the pre-initialized \
         snapshot, so what is left is the instantiation and the page faults of the memory the \
         request touches.\n",
        report::dur(fresh_tiny),
        report::dur(reuse_tiny),
        fresh_tiny - reuse_tiny
    ));
    if let Some(best) = report
        .keep_resident
        .iter()
        .max_by(|a, b| a.tiny_rps_cn.total_cmp(&b.tiny_rps_cn))
    {
        let rows: Vec<String> = report
            .keep_resident
            .iter()
            .map(|r| format!("{} MiB {:.0} req/s", r.keep_resident_mib, r.tiny_rps_cn))
            .collect();
        out.push_str(&format!(
            "- **Memory kept resident per released slot.** Tiny-page throughput at c={}: {}; \
             the best here is {} MiB (the pool's default is 64 MiB).\n",
            report.concurrency,
            rows.join(", "),
            best.keep_resident_mib
        ));
    }
    let saved = report.warm_acquire_p50_us - report.hot_acquire_p50_ns / 1e3;
    out.push_str(&format!(
        "- **The hot tier.** Taking a hot instance costs {:.1} µs (p50), instantiating one on \
         demand (warm) {:.1} µs: the hot tier saves {:.1} µs per request, {:.1} % of the \
         tiny page's pooled-fresh p50. Under steady load it served {:.1} % of median-page \
         requests and {:.1} % of tiny-page requests (its refill thread instantiates one at a \
         time).\n",
        report.hot_acquire_p50_ns / 1e3,
        report.warm_acquire_p50_us,
        saved,
        ratio(saved, fresh_tiny) * 100.0,
        report.hot_hit_rate * 100.0,
        report.hot_hit_rate_tiny * 100.0
    ));
    out
}
