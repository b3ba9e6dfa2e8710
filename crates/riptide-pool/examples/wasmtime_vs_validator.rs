//! How each broken fixture of `riptide_wit_check::fixtures` fails: found by the validator
//! before anything runs, or found by wasmtime only when the component is compiled,
//! instantiated and its exports are looked up (what happens without the validator).
//!
//! ```sh
//! cargo run --release -p riptide-pool --example wasmtime_vs_validator
//! ```
//!
//! For each fixture it prints the validator's time and error count, wasmtime's time to the
//! failure (compile + link + instantiate + typed export lookup, the path the pool would take
//! without validation) and the first line of wasmtime's error. The results are in
//! `docs/validation.md`.

use std::time::{Duration, Instant};

use riptide_pool::{bindings::Extractor, host};
use riptide_wit_check::{ExpectedWorld, Validator, fixtures};

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

/// What wasmtime says about `bytes`, from compiling to the typed export lookup.
fn wasmtime_verdict(engine: &wasmtime::Engine, bytes: &[u8]) -> Result<(), String> {
    let component =
        wasmtime::component::Component::new(engine, bytes).map_err(|e| format!("compile: {e}"))?;
    let linker = host::linker(engine).map_err(|e| format!("linker: {e}"))?;
    let pre = linker
        .instantiate_pre(&component)
        .map_err(|e| format!("link: {e}"))?;
    let mut store = host::new_store(engine, 64 << 20);
    let instance = pre
        .instantiate(&mut store)
        .map_err(|e| format!("instantiate: {e}"))?;
    Extractor::new(&mut store, &instance).map_err(|e| format!("export lookup: {e}"))?;
    Ok(())
}

fn main() {
    let engine = wasmtime::Engine::default();
    let validator = Validator::new(ExpectedWorld::bundled());
    println!(
        "| fixture | validator: errors | validator time | wasmtime: first failure | wasmtime time |"
    );
    println!("| --- | --- | --- | --- | --- |");
    for fixture in fixtures::catalogue() {
        let errors = validator.validate(&fixture.bytes).errors().count();
        let validate_time = median(5, || {
            validator.clear_cache();
            let _ = validator.validate(&fixture.bytes);
        });
        let verdict = wasmtime_verdict(&engine, &fixture.bytes);
        let wasmtime_time = median(3, || {
            let _ = wasmtime_verdict(&engine, &fixture.bytes);
        });
        let said = match &verdict {
            Ok(()) => "accepted".to_string(),
            Err(e) => e.lines().next().unwrap_or_default().replace('|', "\\|"),
        };
        println!(
            "| `{}` | {errors} | {:.0} µs | {said} | {:.0} µs |",
            fixture.name,
            validate_time.as_secs_f64() * 1e6,
            wasmtime_time.as_secs_f64() * 1e6,
        );
    }
}
