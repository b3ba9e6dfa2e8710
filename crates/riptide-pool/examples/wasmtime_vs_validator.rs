//! How each broken fixture of `riptide_test_support::fixtures` fails, measured in one run by the
//! three ways a host can find out:
//!
//! 1. the validator (`riptide-wit-check`), before anything is compiled;
//! 2. `wit_component::targets`, which answers yes or no and stops at the first mismatch;
//! 3. wasmtime alone: compile, link, instantiate and look up the typed exports, which is the
//!    path the pool would take without validation.
//!
//! ```sh
//! cargo run --release -p riptide-pool --example wasmtime_vs_validator
//! ```
//!
//! It prints a Markdown table (the medians of a few runs, one fixture per row), then the same
//! comparison on the bundled guest (5 MB, medians of 21 runs), whose compile time is what a late failure costs on
//! a real component. The results are in `docs/validation.md`.

use std::time::{Duration, Instant};

use riptide_pool::{bindings::Extractor, host};
use riptide_test_support::fixtures;
use riptide_wit_check::{ExpectedWorld, Validator};

/// The median of `runs` timings of `f`.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// What wasmtime says about `bytes`, from compiling to the typed export lookup, with the
/// whole error chain.
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

fn micros(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

fn main() {
    let engine = wasmtime::Engine::default();
    let expected = ExpectedWorld::bundled();
    let validator = Validator::new(expected.clone());
    println!(
        "| fixture | validator: errors / warnings | validator | `targets` says | `targets` | wasmtime says | wasmtime |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for fixture in fixtures::catalogue() {
        let report = validator.validate(&fixture.bytes);
        let validate_time = median(5, || {
            validator.clear_cache();
            let _ = validator.validate(&fixture.bytes);
        });
        let targets = targets_verdict(&expected, &fixture.bytes);
        let targets_time = median(5, || {
            let _ = targets_verdict(&expected, &fixture.bytes);
        });
        let verdict = wasmtime_verdict(&engine, &fixture.bytes);
        let wasmtime_time = median(3, || {
            let _ = wasmtime_verdict(&engine, &fixture.bytes);
        });
        println!(
            "| `{}` | {} / {} | {} | {} | {} | {} | {} |",
            fixture.name,
            report.errors().count(),
            report.warnings().count(),
            micros(validate_time),
            cell(&targets),
            micros(targets_time),
            cell(&verdict),
            micros(wasmtime_time),
        );
    }

    let build = riptide_guest_build::GuestBuild::from_crate_dir(env!("CARGO_MANIFEST_DIR"))
        .expect("inside the workspace")
        .build()
        .expect("the guest builds");
    let bytes = std::fs::read(&build.wasm).expect("read the guest component");
    let report = validator.validate(&bytes);
    let validate_time = median(21, || {
        validator.clear_cache();
        let _ = validator.validate(&bytes);
    });
    let targets_time = median(21, || {
        let _ = targets_verdict(&expected, &bytes);
    });
    let wasmtime_time = median(3, || {
        let _ = wasmtime_verdict(&engine, &bytes);
    });
    println!();
    println!(
        "bundled guest ({} bytes): validator {} errors in {:.2} ms; `targets` {:.2} ms; \
         wasmtime compile + link + instantiate + export lookup {:.0} ms ({:.0}× the validator)",
        bytes.len(),
        report.errors().count(),
        validate_time.as_secs_f64() * 1e3,
        targets_time.as_secs_f64() * 1e3,
        wasmtime_time.as_secs_f64() * 1e3,
        wasmtime_time.as_secs_f64() / validate_time.as_secs_f64(),
    );
}
