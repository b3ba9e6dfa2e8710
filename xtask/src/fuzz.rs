//! `cargo xtask fuzz`: run every cargo-fuzz target of `fuzz/` for a fixed time and write what
//! each run did (executions, coverage, corpus, crashes) into `docs/reliability.md`.
//!
//! The targets need nightly Rust and `cargo-fuzz`; the task installs `cargo-fuzz` when it is
//! missing and says how to get nightly when that is missing. A target that crashes fails the
//! task, and its row says so; the crash input stays in `fuzz/artifacts/<target>/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::bench::util;

/// `cargo xtask fuzz`.
#[derive(Debug, clap::Args)]
pub(crate) struct FuzzArgs {
    /// Seconds each target runs.
    #[arg(long, default_value_t = 300)]
    seconds: u64,
    /// Run only these targets (default: every file of fuzz/fuzz_targets; `wit_check_mutated`
    /// builds an instrumented wasmtime for its fixtures, which takes long the first time).
    #[arg(long = "target", value_name = "NAME")]
    targets: Vec<String>,
    /// Write the results into this file instead of docs/reliability.md.
    #[arg(long, value_name = "PATH")]
    docs: Option<PathBuf>,
    /// Write no document (a trial run).
    #[arg(long, conflicts_with = "docs")]
    no_docs: bool,
}

/// The targets that need a feature of the fuzz crate (`required-features` in fuzz/Cargo.toml).
const FEATURES: [(&str, &str); 1] = [("wit_check_mutated", "fixtures")];

/// What one libFuzzer run reported.
#[derive(Debug, Default, Clone, PartialEq)]
struct Run {
    target: String,
    seconds: f64,
    executions: u64,
    exec_per_sec: u64,
    coverage: u64,
    corpus: u64,
    crashed: bool,
    note: String,
}

/// Run the targets and write the document.
pub(crate) fn run(args: &FuzzArgs) -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or("xtask has no parent directory")?
        .to_path_buf();
    let fuzz_dir = root.join("fuzz");
    ensure_tools()?;
    let targets = if args.targets.is_empty() {
        all_targets(&fuzz_dir)?
    } else {
        args.targets.clone()
    };
    let started = util::now_utc();
    let load = util::load_average().unwrap_or_else(|| "unknown".into());
    let mut runs = Vec::new();
    for target in &targets {
        println!("== fuzzing {target} for {} s", args.seconds);
        runs.push(fuzz_one(&fuzz_dir, target, args.seconds)?);
    }
    let body = markdown(&runs, args.seconds, &started, &load);
    println!("\n{body}");
    if !args.no_docs {
        let path = args
            .docs
            .clone()
            .unwrap_or_else(|| root.join("docs/reliability.md"));
        crate::docs::splice_file(&path, "fuzz", "results", "Fuzzing", &body)?;
        println!("wrote the results into {}", path.display());
    }
    let crashed: Vec<&str> = runs
        .iter()
        .filter(|r| r.crashed)
        .map(|r| r.target.as_str())
        .collect();
    if crashed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "crashes in {}: the inputs are in fuzz/artifacts/",
            crashed.join(", ")
        ))
    }
}

/// Nightly must be there; cargo-fuzz is installed when missing.
fn ensure_tools() -> Result<(), String> {
    let nightly = Command::new("cargo")
        .args(["+nightly", "--version"])
        .output()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if !nightly.status.success() {
        return Err(
            "the fuzz targets need nightly Rust: run `rustup toolchain install nightly`".into(),
        );
    }
    let has_fuzz = Command::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_fuzz {
        println!("== installing cargo-fuzz");
        let status = Command::new("cargo")
            .args(["install", "cargo-fuzz", "--locked"])
            .status()
            .map_err(|e| format!("could not run cargo install: {e}"))?;
        if !status.success() {
            return Err("`cargo install cargo-fuzz --locked` failed".into());
        }
    }
    Ok(())
}

/// The targets: the file stems of `fuzz/fuzz_targets/*.rs`, sorted.
fn all_targets(fuzz_dir: &Path) -> Result<Vec<String>, String> {
    let dir = fuzz_dir.join("fuzz_targets");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let path = entry.path();
            (path.extension()? == "rs").then(|| path.file_stem()?.to_str().map(String::from))?
        })
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(format!("no fuzz targets in {}", dir.display()));
    }
    Ok(names)
}

fn fuzz_one(fuzz_dir: &Path, target: &str, seconds: u64) -> Result<Run, String> {
    let output = Command::new("cargo")
        .current_dir(fuzz_dir)
        .args(["+nightly", "fuzz", "run", target])
        .args(
            FEATURES
                .iter()
                .find(|(t, _)| *t == target)
                .map(|(_, f)| ["--features", *f])
                .into_iter()
                .flatten(),
        )
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg("-print_final_stats=1")
        .output()
        .map_err(|e| format!("could not run cargo fuzz: {e}"))?;
    let log = String::from_utf8_lossy(&output.stderr);
    let mut run = parse(target, &log);
    run.crashed = !output.status.success();
    if run.crashed {
        run.note = log
            .lines()
            .find(|l| l.contains("ERROR:") || l.contains("panicked at"))
            .unwrap_or("libFuzzer exited with a failure")
            .trim()
            .to_string();
    }
    Ok(run)
}

/// Read libFuzzer's final statistics and its last status line out of its log.
fn parse(target: &str, log: &str) -> Run {
    let mut run = Run {
        target: target.to_string(),
        ..Run::default()
    };
    let stat = |name: &str| -> Option<u64> {
        log.lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .and_then(|rest| rest.trim_start_matches(':').trim().parse().ok())
    };
    run.executions = stat("stat::number_of_executed_units").unwrap_or(0);
    // `Done N runs in S second(s)`: the fuzzing time, without the build.
    run.seconds = log
        .lines()
        .find_map(|l| l.strip_prefix("Done ")?.split(" in ").nth(1))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0);
    run.exec_per_sec = stat("stat::average_exec_per_sec").unwrap_or(0);
    // The last status line (`#N DONE cov: C ft: F corp: A/B …`) carries coverage and corpus.
    if let Some(line) = log
        .lines()
        .rev()
        .find(|l| l.starts_with('#') && l.contains("cov:"))
    {
        let field = |key: &str| -> Option<u64> {
            let rest = line.split(key).nth(1)?;
            let value = rest.split_whitespace().next()?;
            value.split('/').next()?.parse().ok()
        };
        run.coverage = field("cov:").unwrap_or(0);
        run.corpus = field("corp:").unwrap_or(0);
    }
    run
}

fn markdown(runs: &[Run], seconds: u64, started: &str, load: &str) -> String {
    let mut out = format!(
        "Each cargo-fuzz target of `fuzz/` run for {seconds} s with libFuzzer \
         (`cargo xtask fuzz --seconds {seconds}`), started {started} on {}; load average at the \
         start {load}.\n\n\
         | target | time | executions | exec/s | coverage (edges) | corpus | result |\n\
         |---|--:|--:|--:|--:|--:|---|\n",
        util::machine()
    );
    for r in runs {
        let result = if r.crashed {
            format!("**crashed**: {}", r.note.replace('|', "\\|"))
        } else {
            "no crash".to_string()
        };
        out.push_str(&format!(
            "| `{}` | {:.0} s | {} | {} | {} | {} | {result} |\n",
            r.target, r.seconds, r.executions, r.exec_per_sec, r.coverage, r.corpus
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "\
INFO: Running with entropic power schedule (0xFF, 100).
#2\tINITED cov: 100 ft: 120 corp: 1/1b exec/s: 0 rss: 30Mb
#65536\tpulse  cov: 811 ft: 2301 corp: 240/9Kb lim: 652 exec/s: 21845 rss: 60Mb
#700000\tDONE   cov: 845 ft: 2450 corp: 251/10Kb lim: 4096 exec/s: 11666 rss: 72Mb
Done 700000 runs in 61 second(s)
stat::number_of_executed_units: 700000
stat::average_exec_per_sec:     11475
stat::new_units_added:          250
stat::slowest_unit_time_sec:    0
stat::peak_rss_mb:              72
";

    #[test]
    fn the_final_statistics_are_read_from_the_log() {
        let run = parse("input_check", LOG);
        assert_eq!(run.executions, 700_000);
        assert_eq!(run.exec_per_sec, 11_475);
        assert_eq!((run.coverage, run.corpus), (845, 251));
        assert!((run.seconds - 61.0).abs() < f64::EPSILON, "{}", run.seconds);
    }

    #[test]
    fn a_crash_is_a_row_that_says_so() {
        let run = Run {
            target: "wit_check".into(),
            crashed: true,
            note: "==1== ERROR: libFuzzer: deadly signal".into(),
            ..Run::default()
        };
        let text = markdown(&[run], 10, "2026-01-01 00:00 UTC", "0.1 0.1 0.1");
        assert!(text.contains("| `wit_check` |"), "{text}");
        assert!(text.contains("**crashed**: ==1== ERROR"), "{text}");
    }
}
