//! `cargo xtask coverage [--min 80] [--check] [--docs PATH]`: line coverage of the workspace's
//! tests, per crate.
//!
//! Runs `cargo llvm-cov --workspace` (the whole test suite, instrumented; installs
//! `cargo-llvm-cov` and the `llvm-tools-preview` component when missing), reads its JSON
//! summary and writes line coverage per crate (the files under each crate's `src/`) into
//! `docs/coverage.md`, between generated-section markers, with the time the instrumented run
//! took. Every publishable library crate must be above `--min` percent of lines; `--check`
//! makes a crate below it an error. Code that only runs compiled to WebAssembly (the guest
//! crates' exports) cannot be measured on the host and is marked as such.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde::Deserialize;

/// `cargo xtask coverage`.
#[derive(Debug, clap::Args)]
pub(crate) struct CoverageArgs {
    /// Least line coverage, in percent, of every library crate.
    #[arg(long, default_value_t = 80.0)]
    min: f64,
    /// Fail when a library crate is below `--min`.
    #[arg(long)]
    check: bool,
    /// Write the table here instead of docs/coverage.md.
    #[arg(long, value_name = "PATH")]
    docs: Option<PathBuf>,
    /// Read this `cargo llvm-cov --json --summary-only` output instead of running the tests.
    #[arg(long, value_name = "JSON")]
    summary: Option<PathBuf>,
}

/// Crates whose code is only built for `wasm32-wasip2` and run inside wasmtime: the host's
/// instrumentation cannot see it.
const WASM_ONLY: [&str; 2] = ["riptide-guest", "riptide-hostile-guest"];

pub(crate) fn run(args: &CoverageArgs) -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or("xtask lives in the workspace")?
        .to_path_buf();
    let (json, seconds) = match &args.summary {
        Some(path) => (
            std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?,
            None,
        ),
        None => {
            ensure_tools()?;
            let started = Instant::now();
            let json = measure(&root)?;
            (json, Some(started.elapsed().as_secs_f64()))
        }
    };
    let crates = per_crate(&json, &root)?;
    let libraries = library_crates(&root)?;
    let rows = rows(&crates, &libraries, args.min);
    let table = markdown(&rows, args.min, seconds);
    println!("{table}");
    let docs = args
        .docs
        .clone()
        .unwrap_or_else(|| root.join("docs").join("coverage.md"));
    crate::docs::splice_file(
        &docs,
        "coverage",
        "lines",
        "Line coverage per crate",
        &table,
    )?;
    println!("wrote {}", docs.display());
    let below: Vec<&Row> = rows
        .iter()
        .filter(|r| r.verdict == Verdict::Below)
        .collect();
    if args.check && !below.is_empty() {
        let names: Vec<String> = below
            .iter()
            .map(|r| format!("{} {:.1} %", r.name, r.percent))
            .collect();
        return Err(format!(
            "line coverage below {} % in {}: add tests for what they leave out",
            args.min,
            names.join(", ")
        ));
    }
    Ok(())
}

/// `cargo llvm-cov` and the LLVM tools, installed when missing.
fn ensure_tools() -> Result<(), String> {
    let status = Command::new("rustup")
        .args(["component", "add", "llvm-tools-preview"])
        .status()
        .map_err(|e| format!("could not run rustup: {e}"))?;
    if !status.success() {
        return Err("`rustup component add llvm-tools-preview` failed".into());
    }
    let present = Command::new("cargo")
        .args(["llvm-cov", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !present {
        println!("== installing cargo-llvm-cov");
        let status = Command::new("cargo")
            .args(["install", "cargo-llvm-cov", "--locked"])
            .status()
            .map_err(|e| format!("could not run cargo install: {e}"))?;
        if !status.success() {
            return Err("`cargo install cargo-llvm-cov --locked` failed".into());
        }
    }
    Ok(())
}

/// Run the workspace's tests instrumented; the JSON summary.
fn measure(root: &Path) -> Result<String, String> {
    let out = root.join("target").join("coverage");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let summary = out.join("summary.json");
    println!("== cargo llvm-cov --workspace (the whole test suite, instrumented)");
    let status = Command::new("cargo")
        .current_dir(root)
        .args(["llvm-cov", "--workspace", "--json", "--summary-only"])
        // Coverage of every test binary, also when one fails (the failure is CI's to report;
        // it is printed above and the task says so).
        .arg("--ignore-run-fail")
        .arg("--output-path")
        .arg(&summary)
        // As in CI: tests that need the built guest fail instead of skipping.
        .env("RIPTIDE_REQUIRE_GUEST", "1")
        .status()
        .map_err(|e| format!("could not run cargo llvm-cov: {e}"))?;
    if !status.success() {
        return Err("the instrumented test run failed (see its output above)".into());
    }
    std::fs::read_to_string(&summary).map_err(|e| format!("{}: {e}", summary.display()))
}

/// The part of `cargo llvm-cov --json --summary-only` that is read.
#[derive(Debug, Deserialize)]
struct Export {
    data: Vec<ExportData>,
}

#[derive(Debug, Deserialize)]
struct ExportData {
    files: Vec<ExportFile>,
}

#[derive(Debug, Deserialize)]
struct ExportFile {
    filename: String,
    summary: FileSummary,
}

#[derive(Debug, Deserialize)]
struct FileSummary {
    lines: Count,
}

#[derive(Debug, Deserialize)]
struct Count {
    count: u64,
    covered: u64,
}

/// Lines and covered lines of one crate's `src/`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Lines {
    count: u64,
    covered: u64,
}

/// Lines per crate (the directory under `crates/`, or `xtask`, `benches`), counting the files
/// under its `src/` only: tests, examples and benches are what measures, not what is measured.
fn per_crate(json: &str, root: &Path) -> Result<BTreeMap<String, Lines>, String> {
    let export: Export =
        serde_json::from_str(json).map_err(|e| format!("the llvm-cov summary: {e}"))?;
    let mut crates: BTreeMap<String, Lines> = BTreeMap::new();
    for file in export.data.iter().flat_map(|d| &d.files) {
        let Ok(relative) = Path::new(&file.filename).strip_prefix(root) else {
            continue;
        };
        let parts: Vec<&str> = relative
            .components()
            .filter_map(|c| c.as_os_str().to_str())
            .collect();
        let name = match parts.as_slice() {
            ["crates", name, "src", ..] => *name,
            [name @ ("xtask" | "benches"), "src", ..] => *name,
            _ => continue,
        };
        let lines = crates.entry(name.to_string()).or_default();
        lines.count += file.summary.lines.count;
        lines.covered += file.summary.lines.covered;
    }
    Ok(crates)
}

/// The crates under `crates/` with a `src/lib.rs` that are published (no `publish = false`).
fn library_crates(root: &Path) -> Result<Vec<String>, String> {
    let dir = root.join("crates");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let manifest = std::fs::read_to_string(path.join("Cargo.toml")).unwrap_or_default();
        let published = !manifest
            .lines()
            .any(|l| l.replace(' ', "") == "publish=false");
        if path.join("src").join("lib.rs").is_file()
            && published
            && let Some(name) = path.file_name().and_then(|n| n.to_str())
        {
            names.push(name.to_string());
        }
    }
    names.sort();
    Ok(names)
}

/// How a crate stands against the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// A library crate at or above it.
    Above,
    /// A library crate below it.
    Below,
    /// Runs only as WebAssembly: not measured on the host.
    WasmOnly,
    /// Not a published library (binary, tasks, test support): reported, not held to it.
    NotHeld,
    /// No executable line (data only, such as the shipped component's bytes).
    NoCode,
}

#[derive(Debug, Clone)]
struct Row {
    name: String,
    lines: Lines,
    percent: f64,
    verdict: Verdict,
}

fn rows(crates: &BTreeMap<String, Lines>, libraries: &[String], min: f64) -> Vec<Row> {
    let mut names: Vec<&String> = crates.keys().chain(libraries).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let lines = crates.get(name).copied().unwrap_or_default();
            #[allow(clippy::cast_precision_loss, reason = "a percentage of line counts")]
            let percent = if lines.count == 0 {
                0.0
            } else {
                lines.covered as f64 * 100.0 / lines.count as f64
            };
            let verdict = if WASM_ONLY.contains(&name.as_str()) {
                Verdict::WasmOnly
            } else if lines.count == 0 {
                Verdict::NoCode
            } else if !libraries.contains(name) {
                Verdict::NotHeld
            } else if percent >= min {
                Verdict::Above
            } else {
                Verdict::Below
            };
            Row {
                name: name.clone(),
                lines,
                percent,
                verdict,
            }
        })
        .collect()
}

fn markdown(rows: &[Row], min: f64, seconds: Option<f64>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "- command: `cargo xtask coverage` (`cargo llvm-cov --workspace`: every test of the \
         workspace, instrumented)"
    );
    let _ = writeln!(out, "- date: {}", chrono::Utc::now().format("%Y-%m-%d"));
    if let Some(s) = seconds {
        let _ = writeln!(
            out,
            "- this run took {:.0} min {:02.0} s (the instrumented build in \
             `target/llvm-cov-target` is reused when up to date; from scratch it is built first)",
            (s / 60.0).floor(),
            s % 60.0
        );
    }
    let _ = writeln!(
        out,
        "- lines of each crate's `src/`; library crates must be above {min:.0} %\n"
    );
    let _ = writeln!(out, "| crate | lines | covered | line coverage | |");
    let _ = writeln!(out, "|---|--:|--:|--:|---|");
    for r in rows {
        let verdict = match r.verdict {
            Verdict::Above => "library: above the threshold",
            Verdict::Below => "library: **below the threshold**",
            Verdict::WasmOnly => "runs as WebAssembly only: not measurable on the host",
            Verdict::NotHeld => "not a library: reported only",
            Verdict::NoCode => "no executable line (data only)",
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.1} % | {verdict} |",
            r.name, r.lines.count, r.lines.covered, r.percent
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUMMARY: &str = r#"{"data": [{"files": [
        {"filename": "/ws/crates/riptide-pool/src/lib.rs", "summary": {"lines": {"count": 100, "covered": 90}}},
        {"filename": "/ws/crates/riptide-pool/src/shared.rs", "summary": {"lines": {"count": 100, "covered": 50}}},
        {"filename": "/ws/crates/riptide-pool/tests/tiers.rs", "summary": {"lines": {"count": 500, "covered": 500}}},
        {"filename": "/ws/crates/riptide-cli/src/main.rs", "summary": {"lines": {"count": 10, "covered": 1}}},
        {"filename": "/ws/xtask/src/main.rs", "summary": {"lines": {"count": 10, "covered": 0}}},
        {"filename": "/home/u/.cargo/registry/src/x/lib.rs", "summary": {"lines": {"count": 7, "covered": 7}}}
    ]}]}"#;

    #[test]
    fn lines_are_summed_per_crate_from_its_src_only() {
        let crates = per_crate(SUMMARY, Path::new("/ws")).unwrap();
        assert_eq!(
            crates["riptide-pool"],
            Lines {
                count: 200,
                covered: 140
            },
            "tests/ is not counted"
        );
        assert_eq!(crates["xtask"].count, 10);
        assert_eq!(crates.len(), 3, "nothing outside the workspace: {crates:?}");
    }

    #[test]
    fn only_published_libraries_are_held_to_the_threshold() {
        let crates = per_crate(SUMMARY, Path::new("/ws")).unwrap();
        let libraries = vec!["riptide-guest".to_string(), "riptide-pool".to_string()];
        let rows = rows(&crates, &libraries, 80.0);
        let verdict = |name: &str| rows.iter().find(|r| r.name == name).unwrap().verdict;
        assert_eq!(verdict("riptide-pool"), Verdict::Below, "70 % < 80 %");
        assert_eq!(verdict("riptide-cli"), Verdict::NotHeld);
        assert_eq!(
            verdict("riptide-guest"),
            Verdict::WasmOnly,
            "listed though not measured"
        );
        let rows_at_70 = super::rows(&crates, &libraries, 70.0);
        assert_eq!(rows_at_70[2].verdict, Verdict::Above, "{rows_at_70:?}");
        let table = markdown(&rows, 80.0, Some(754.0));
        assert!(
            table.contains(
                "| riptide-pool | 200 | 140 | 70.0 % | library: **below the threshold** |"
            ),
            "{table}"
        );
        assert!(table.contains("12 min 34 s"), "{table}");
    }

    #[test]
    fn the_workspace_libraries_are_found() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let libraries = library_crates(root).unwrap();
        for name in [
            "riptide",
            "riptide-pool",
            "riptide-input-check",
            "riptide-wit-check",
        ] {
            assert!(libraries.contains(&name.to_string()), "{libraries:?}");
        }
        assert!(
            !libraries.contains(&"riptide-test-support".to_string()),
            "publish = false"
        );
        assert!(!libraries.contains(&"riptide-cli".to_string()), "a binary");
    }
}
