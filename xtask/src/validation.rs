//! `cargo xtask validation`: what checking a component against the WIT world costs, what it
//! catches, and how that compares with `wit_component::targets` and with wasmtime finding out
//! at instantiation, on the shipped guest and on every fixture of `riptide-test-support`.
//!
//! Writes two generated sections of `docs/validation.md`: `validation:figures` (timings,
//! judged against the targets) and `validation:reports` (the validator's reports, unedited).
//! A debug build re-runs itself as a release build: the figures are those of optimised code.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use riptide_pool::bindings::Extractor;
use riptide_pool::host;
use riptide_test_support::fixtures::{self, Fixture};
use riptide_wit_check::{ComponentDigest, ExpectedWorld, Validator};

use crate::bench::util;

/// Full validation of the real guest must take at most this (median).
const FULL_TARGET: Duration = Duration::from_millis(5);

/// A cached validation must take at most this (median).
const CACHED_TARGET: Duration = Duration::from_micros(50);

/// `cargo xtask validation`: times the validator, `wit_component::targets` and wasmtime on
/// the shipped guest and on every WIT fixture, judges the validator against its targets and
/// writes the figures and the example reports into docs/validation.md.
#[derive(Debug, clap::Args)]
pub(crate) struct ValidationArgs {
    /// Timed calls per figure on the real guest (the median is reported).
    #[arg(long, value_name = "N", default_value_t = 101)]
    runs: usize,
    /// Where to write the sections (default: docs/validation.md).
    #[arg(long, value_name = "PATH", conflicts_with = "no_docs")]
    docs: Option<PathBuf>,
    /// Write the sections nowhere (print them only).
    #[arg(long)]
    no_docs: bool,
    /// Measure in this process, which is already a release build (what the debug build runs).
    #[arg(long)]
    in_release: bool,
}

/// Run the task; `raw` are its arguments as given, for the release re-run.
pub(crate) fn run(args: &ValidationArgs, raw: &[String]) -> Result<(), String> {
    let build = crate::workspace()?;
    if cfg!(debug_assertions) && !args.in_release {
        let mut forwarded = raw.to_vec();
        forwarded.push("--in-release".into());
        return util::run_in_release(build.workspace(), "validation", &forwarded);
    }
    let started = Instant::now();
    let load = util::load_average();
    let figures = measure(args.runs.max(5))?;
    let body = figures.markdown(&command_line(raw), load.as_deref(), started.elapsed());
    let reports = example_reports();
    println!("{body}\n{reports}");
    if args.no_docs {
        return Ok(());
    }
    let path = args
        .docs
        .clone()
        .unwrap_or_else(|| build.workspace().join("docs").join("validation.md"));
    crate::docs::splice_file(&path, "validation", "figures", "Performance", &body)?;
    crate::docs::splice_file(&path, "validation", "reports", "Example reports", &reports)?;
    println!("wrote {}", path.display());
    Ok(())
}

/// The command as a person would type it (without the internal flag).
fn command_line(raw: &[String]) -> String {
    let mut line = "cargo xtask validation".to_string();
    for arg in raw.iter().filter(|a| *a != "--in-release") {
        line.push(' ');
        line.push_str(arg);
    }
    line
}

/// The median of `runs` timings of `f`.
fn median_of(runs: usize, mut f: impl FnMut()) -> Duration {
    let times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    Duration::from_secs_f64(util::median(&times))
}

/// What wasmtime says about `bytes`, from compiling to the typed export lookup, with the
/// whole error chain: the path the pool would take without validation.
fn wasmtime_verdict(engine: &wasmtime::Engine, bytes: &[u8]) -> Result<(), String> {
    let component = wasmtime::component::Component::new(engine, bytes)
        .map_err(|e| format!("compile: {e:#}"))?;
    let linker = host::linker(engine).map_err(|e| format!("linker: {e:#}"))?;
    let pre = linker
        .instantiate_pre(&component)
        .map_err(|e| format!("link: {e:#}"))?;
    let mut store = host::new_store(engine, 64 << 20);
    let instance = pre
        .instantiate(&mut store)
        .map_err(|e| format!("instantiate: {e:#}"))?;
    Extractor::new(&mut store, &instance).map_err(|e| format!("export lookup: {e:#}"))?;
    Ok(())
}

/// What `wit_component::targets` says (semver-compatible matching, as wasmtime links).
fn targets_verdict(expected: &ExpectedWorld, bytes: &[u8]) -> Result<(), String> {
    wit_component::targets(expected.resolve(), expected.world(), bytes, true)
        .map_err(|e| format!("{e:#}"))
}

/// A verdict as one table cell: "accepted" or the error on one line.
fn cell(verdict: &Result<(), String>) -> String {
    match verdict {
        Ok(()) => "accepted".to_string(),
        Err(e) => e
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace('|', "\\|"),
    }
}

/// The cost of each way of checking one component.
struct Costs {
    bytes: usize,
    full: Duration,
    full_p90: Duration,
    cached: Duration,
    digest_lookup: Duration,
    sha256: Duration,
    decode: Duration,
    targets: Duration,
    targets_verdict: Result<(), String>,
    errors: usize,
    warnings: usize,
}

fn costs(bytes: &[u8], runs: usize) -> Costs {
    let expected = ExpectedWorld::bundled();
    let validator = Validator::new(expected.clone());
    let report = validator.validate(bytes);
    let mut full: Vec<f64> = (0..runs)
        .map(|_| {
            validator.clear_cache();
            let t = Instant::now();
            std::hint::black_box(validator.validate(bytes));
            t.elapsed().as_secs_f64()
        })
        .collect();
    full.sort_by(f64::total_cmp);
    validator.validate(bytes);
    let cached = median_of(runs, || {
        std::hint::black_box(validator.validate(std::hint::black_box(bytes)));
    });
    let digest = ComponentDigest::of(bytes);
    // A lookup takes well under a microsecond: time batches of 1,000.
    let batch = median_of(21, || {
        for _ in 0..1000 {
            std::hint::black_box(validator.cached(std::hint::black_box(&digest)));
        }
    });
    Costs {
        bytes: bytes.len(),
        full: Duration::from_secs_f64(util::median(&full)),
        full_p90: Duration::from_secs_f64(util::quantile(&full, 0.9)),
        cached,
        digest_lookup: batch / 1000,
        sha256: median_of(runs, || {
            std::hint::black_box(ComponentDigest::of(std::hint::black_box(bytes)));
        }),
        decode: median_of(runs, || {
            std::hint::black_box(wit_component::decode(std::hint::black_box(bytes)).is_ok());
        }),
        targets: median_of(runs, || {
            std::hint::black_box(targets_verdict(&expected, bytes).is_ok());
        }),
        targets_verdict: targets_verdict(&expected, bytes),
        errors: report.errors().count(),
        warnings: report.warnings().count(),
    }
}

/// One fixture's row of the comparison.
struct FixtureRow {
    name: &'static str,
    expect_valid: bool,
    errors: usize,
    warnings: usize,
    /// The validator could decode it as a component (no issue at path `component`).
    decodable: bool,
    validator: Duration,
    targets: Result<(), String>,
    targets_time: Duration,
    wasmtime: Result<(), String>,
    wasmtime_time: Duration,
}

struct Figures {
    runs: usize,
    guest: Costs,
    guest_wasmtime: Duration,
    fixture: Costs,
    rows: Vec<FixtureRow>,
}

fn measure(runs: usize) -> Result<Figures, String> {
    let engine = wasmtime::Engine::default();
    let guest = riptide::bundled_component();
    eprintln!(
        "validation: the shipped guest ({} bytes), {runs} calls per figure",
        guest.len()
    );
    let guest_costs = costs(guest, runs);
    wasmtime_verdict(&engine, guest)
        .map_err(|e| format!("wasmtime refuses the shipped guest: {e}"))?;
    let guest_wasmtime = median_of(3, || {
        let _ = wasmtime_verdict(&engine, guest);
    });
    let catalogue = fixtures::catalogue();
    let valid = catalogue
        .iter()
        .find(|f| f.name == "valid")
        .ok_or("the fixture catalogue has no `valid` component")?;
    eprintln!("validation: fixture `valid` ({} bytes)", valid.bytes.len());
    let fixture_costs = costs(&valid.bytes, runs);
    eprintln!(
        "validation: {} fixtures, validator / targets / wasmtime",
        catalogue.len()
    );
    let rows = catalogue.iter().map(|f| fixture_row(&engine, f)).collect();
    Ok(Figures {
        runs,
        guest: guest_costs,
        guest_wasmtime,
        fixture: fixture_costs,
        rows,
    })
}

fn fixture_row(engine: &wasmtime::Engine, fixture: &Fixture) -> FixtureRow {
    let expected = ExpectedWorld::bundled();
    let validator = Validator::new(expected.clone());
    let report = validator.validate(&fixture.bytes);
    FixtureRow {
        name: fixture.name,
        expect_valid: fixture.expect_valid,
        errors: report.errors().count(),
        warnings: report.warnings().count(),
        decodable: report.issues().iter().all(|i| i.path != "component"),
        validator: median_of(11, || {
            validator.clear_cache();
            std::hint::black_box(validator.validate(&fixture.bytes));
        }),
        targets: targets_verdict(&expected, &fixture.bytes),
        targets_time: median_of(11, || {
            let _ = targets_verdict(&expected, &fixture.bytes);
        }),
        wasmtime: wasmtime_verdict(engine, &fixture.bytes),
        wasmtime_time: median_of(3, || {
            let _ = wasmtime_verdict(engine, &fixture.bytes);
        }),
    }
}

/// A duration in ms or µs, whichever reads better.
fn time(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us >= 1000.0 {
        format!("{:.2} ms", us / 1e3)
    } else if us >= 10.0 {
        format!("{us:.0} µs")
    } else {
        format!("{us:.2} µs")
    }
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "**not met**" }
}

impl Figures {
    fn markdown(&self, command: &str, load: Option<&str>, took: Duration) -> String {
        let mut out = String::new();
        let (g, f) = (&self.guest, &self.fixture);
        let _ = writeln!(out, "- command: `{command}` (release build of xtask)");
        let _ = writeln!(out, "- date: {}", util::now_utc());
        let _ = writeln!(out, "- machine: {}", util::machine());
        if let Some(load) = load {
            let _ = writeln!(out, "- load average at the start (1 / 5 / 15 min): {load}");
        }
        let _ = writeln!(
            out,
            "- medians of {} calls per figure, in one process (the caches of the CPU and the \
             allocator are warm); the run took {:.0} s",
            self.runs,
            took.as_secs_f64()
        );

        let _ = writeln!(out, "\n### Against the targets\n");
        let _ = writeln!(out, "| target | measured | |\n|---|---|---|");
        let _ = writeln!(
            out,
            "| full validation of the shipped guest ≤ {} (median) | {} (p90 {}) | {} |",
            time(FULL_TARGET),
            time(g.full),
            time(g.full_p90),
            verdict(g.full <= FULL_TARGET)
        );
        for (how, measured) in [
            (
                "`validate(bytes)` (hashes the bytes to find the entry)",
                g.cached,
            ),
            (
                "`cached(&digest)` (the caller kept the digest)",
                g.digest_lookup,
            ),
        ] {
            let _ = writeln!(
                out,
                "| cached validation ≤ {}: {how} | {} | {} |",
                time(CACHED_TARGET),
                time(measured),
                verdict(measured <= CACHED_TARGET)
            );
        }

        let _ = writeln!(out, "\n### What each step costs\n");
        let _ = writeln!(
            out,
            "| step | shipped guest ({} bytes) | fixture `valid` ({} bytes) |\n|---|--:|--:|",
            g.bytes, f.bytes
        );
        for (label, a, b) in [
            (
                "`validate`, full (cache emptied): SHA-256, framing pass, decode, compare",
                g.full,
                f.full,
            ),
            ("`validate`, cached: SHA-256 + lookup", g.cached, f.cached),
            (
                "`cached(&digest)`: lookup with a digest the caller kept",
                g.digest_lookup,
                f.digest_lookup,
            ),
            ("SHA-256 alone (`ComponentDigest::of`)", g.sha256, f.sha256),
            ("`wit_component::decode` alone", g.decode, f.decode),
            (
                "`wit_component::targets(.., semver_compatible = true)`",
                g.targets,
                f.targets,
            ),
        ] {
            let _ = writeln!(out, "| {label} | {} | {} |", time(a), time(b));
        }
        let _ = writeln!(
            out,
            "| wasmtime: compile, link, instantiate, look up the exports (median of 3) | {} | see below |",
            time(self.guest_wasmtime)
        );
        let _ = writeln!(
            out,
            "\nOn the shipped guest the validator reports {} errors and {} warnings; `targets` \
             says: {}. wasmtime needs {:.0}× the validator's full check before it can say \
             anything about the guest's exports.",
            g.errors,
            g.warnings,
            cell(&g.targets_verdict),
            self.guest_wasmtime.as_secs_f64() / g.full.as_secs_f64().max(f64::EPSILON)
        );

        let _ = writeln!(
            out,
            "\n### Every fixture: validator, `targets` and wasmtime\n"
        );
        let _ = writeln!(
            out,
            "Validator: median of 11 full validations; `targets`: median of 11; wasmtime (compile, \
             link, instantiate, typed export lookup): median of 3.\n"
        );
        let _ = writeln!(
            out,
            "| fixture | validator: errors / warnings | validator | `targets` says | `targets` | wasmtime says | wasmtime |\n| --- | --- | --: | --- | --: | --- | --: |"
        );
        for r in &self.rows {
            let _ = writeln!(
                out,
                "| `{}` | {} / {} | {} | {} | {} | {} | {} |",
                r.name,
                r.errors,
                r.warnings,
                time(r.validator),
                cell(&r.targets),
                time(r.targets_time),
                cell(&r.wasmtime),
                time(r.wasmtime_time)
            );
        }
        let _ = writeln!(out, "\n{}", self.summary());
        out
    }

    /// What the fixture table shows, computed from it.
    fn summary(&self) -> String {
        let invalid: Vec<&FixtureRow> = self.rows.iter().filter(|r| !r.expect_valid).collect();
        let names = |rows: &[&FixtureRow]| {
            rows.iter()
                .map(|r| format!("`{}`", r.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let wasmtime_accepts: Vec<&FixtureRow> = invalid
            .iter()
            .copied()
            .filter(|r| r.wasmtime.is_ok())
            .collect();
        let targets_accepts: Vec<&FixtureRow> = invalid
            .iter()
            .copied()
            .filter(|r| r.targets.is_ok())
            .collect();
        let targets_rejects_valid: Vec<&FixtureRow> = self
            .rows
            .iter()
            .filter(|r| r.expect_valid && r.targets.is_err())
            .collect();
        let validator_agrees = self
            .rows
            .iter()
            .filter(|r| (r.errors == 0) == r.expect_valid)
            .count();
        let components: Vec<&FixtureRow> = self.rows.iter().filter(|r| r.decodable).collect();
        let ratio: Vec<f64> = components
            .iter()
            .map(|r| r.wasmtime_time.as_secs_f64() / r.validator.as_secs_f64().max(f64::EPSILON))
            .collect();
        let span = |v: &[f64]| {
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(0.0, f64::max);
            (lo, hi)
        };
        let (lo, hi) = span(&ratio);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "- The validator's verdict matches the fixture's intent on {validator_agrees} of {} fixtures.",
            self.rows.len()
        );
        let _ = writeln!(
            out,
            "- wasmtime accepts {} of the {} broken fixtures: {}.",
            wasmtime_accepts.len(),
            invalid.len(),
            if wasmtime_accepts.is_empty() {
                "none".to_string()
            } else {
                names(&wasmtime_accepts)
            }
        );
        let _ = writeln!(
            out,
            "- `targets` accepts {} of them ({}) and rejects {} valid fixture(s) ({}).",
            targets_accepts.len(),
            if targets_accepts.is_empty() {
                "none".to_string()
            } else {
                names(&targets_accepts)
            },
            targets_rejects_valid.len(),
            if targets_rejects_valid.is_empty() {
                "none".to_string()
            } else {
                names(&targets_rejects_valid)
            }
        );
        if !ratio.is_empty() {
            let _ = writeln!(
                out,
                "- On the {} fixtures that are components of a world, wasmtime takes \
                 {lo:.0}–{hi:.0}× the validator's time to reach its verdict.",
                components.len()
            );
        }
        out
    }
}

/// The validator's reports of a few fixtures and of the shipped guest, unedited.
fn example_reports() -> String {
    let validator = Validator::new(ExpectedWorld::bundled());
    let catalogue = fixtures::catalogue();
    let report_of = |name: &str| {
        catalogue
            .iter()
            .find(|f| f.name == name)
            .map(|f| validator.validate(&f.bytes))
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Output of `Display` (`riptide validate` prints the same) for fixtures of \
         `riptide_test_support::fixtures`:"
    );
    for name in [
        "many-mismatches",
        "renamed-export",
        "field-added",
        "import-wasi-0.3",
        "version-0.3.1",
        "valid-unstamped",
        "truncated",
        "core-module",
        "wit-package",
    ] {
        if let Some(report) = report_of(name) {
            let _ = writeln!(out, "\n`{name}`:\n\n```text\n{report}\n```");
        }
    }
    let guest = validator.validate(riptide::bundled_component());
    let _ = writeln!(
        out,
        "\nThe shipped guest (`riptide_component::WASM`, {} bytes, stamped by the guest build):\n\n```text\n{guest}\n```",
        riptide::bundled_component().len()
    );
    if let Some(report) = report_of("field-type-changed") {
        let _ = writeln!(
            out,
            "\n`to_json()` of `field-type-changed` (`riptide validate --format json`):\n\n```json\n{}\n```",
            report.to_json()
        );
    }
    out
}
