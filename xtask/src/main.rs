//! Project tasks: `cargo xtask <task>`.
//!
//! - `build-guest`: build the guest component for `wasm32-wasip2` (release) and report its size.

mod bench;
mod eval;
mod soak;

use std::process::ExitCode;
use std::time::Instant;

use riptide_guest_build::GuestBuild;

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  build-guest    build the extractor component (wasm32-wasip2, release) and print its path and size
  wit-fixtures   write the catalogue of broken components (WIT edits) to target/wit-fixtures/
  eval           measure extraction quality on ../shared/corpus (see `cargo xtask eval --help`)
  bench          run the cross-crate benchmarks (see `cargo xtask bench --help`)
  soak           10,000 requests at concurrency 16, 10% hostile: no healthy request lost, no leak
                 (`--requests N`, `--concurrency C`, `--quick` for 1,000; see `cargo xtask soak --help`)";

fn workspace() -> Result<GuestBuild, String> {
    GuestBuild::from_crate_dir(env!("CARGO_MANIFEST_DIR")).map_err(|e| e.to_string())
}

fn build_guest() -> Result<(), String> {
    let started = Instant::now();
    let build = workspace()?.verbose(true);
    let built = build.build().map_err(|e| e.to_string())?;
    let size = std::fs::metadata(&built.wasm)
        .map_err(|e| e.to_string())?
        .len();
    #[allow(clippy::cast_precision_loss)]
    let mib = size as f64 / (1024.0 * 1024.0);
    println!(
        "{} ({size} bytes, {mib:.2} MiB) built in {:.1} s",
        built.wasm.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Write every fixture of `riptide_wit_check::fixtures` as a `.wasm` file, with its
/// description, for `riptide validate`.
fn wit_fixtures() -> Result<(), String> {
    let dir = workspace()?.workspace().join("target").join("wit-fixtures");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for fixture in riptide_wit_check::fixtures::catalogue() {
        let path = dir.join(format!("{}.wasm", fixture.name));
        std::fs::write(&path, &fixture.bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        let verdict = if fixture.expect_valid {
            "valid"
        } else {
            "invalid"
        };
        println!(
            "{:<48} {verdict:<8} {}",
            path.display(),
            fixture.description
        );
    }
    println!(
        "check one with: cargo run -p riptide-cli -- validate {}/<name>.wasm",
        dir.display()
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("build-guest") => build_guest(),
        Some("wit-fixtures") => wit_fixtures(),
        Some("eval") => eval::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("soak") => soak::run(&args[1..]),
        Some("-h" | "--help" | "help") | None => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("xtask: unknown task '{other}'\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::from(1)
        }
    }
}
