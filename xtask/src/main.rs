//! Project tasks: `cargo xtask <task>` (`cargo xtask --help` lists them, `cargo xtask <task>
//! --help` gives a task's options). Each task's arguments are one clap struct beside the task.

mod bench;
mod coverage;
mod docs;
mod eval;
mod fuzz;
mod knobs;
mod release;
mod soak;
mod stages;
mod validation;

use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use riptide_guest_build::GuestBuild;

/// Project tasks of the Riptide workspace.
#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Project tasks of the Riptide workspace"
)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Build the extractor component (wasm32-wasip2, release), pre-initialize it and ship it in
    /// crates/riptide-component.
    BuildGuest(BuildGuestArgs),
    /// Write the catalogue of broken components (WIT edits) to target/wit-fixtures/.
    WitFixtures,
    /// Measure extraction quality on ../shared/corpus → docs/quality.md.
    Eval(eval::EvalArgs),
    /// Run the cross-crate benchmarks → docs/benchmarks.md.
    Bench(bench::BenchArgs),
    /// The sandbox tax one knob at a time (engine settings, guest build) → docs/benchmarks.md.
    Knobs(knobs::KnobsArgs),
    /// 10,000 requests at concurrency 16, 10% hostile: no healthy request lost, no leak →
    /// docs/reliability.md.
    Soak(soak::SoakArgs),
    /// Where the native engine's time goes, stage by stage, on the corpus and pathological
    /// pages → docs/benchmarks.md.
    Stages(stages::StagesArgs),
    /// Run every cargo-fuzz target for a fixed time (nightly; installs cargo-fuzz) →
    /// docs/reliability.md.
    Fuzz(fuzz::FuzzArgs),
    /// What WIT validation costs and catches, against `targets` and wasmtime →
    /// docs/validation.md.
    Validation(validation::ValidationArgs),
    /// Everything a release needs, from the packages alone: guest reproducible, every crate
    /// packaged and verified, docs, MSRV, the CLI installed from the packages extracting a
    /// page (`--quick`: the test suite's cheaper check) → docs/releasing.md.
    ReleaseCheck(release::ReleaseCheckArgs),
    /// Line coverage of the workspace's tests per crate (cargo-llvm-cov, installed when
    /// missing) → docs/coverage.md.
    Coverage(coverage::CoverageArgs),
}

/// `cargo xtask build-guest`.
#[derive(Debug, clap::Args)]
struct BuildGuestArgs {
    /// Rebuild and compare with the shipped bytes instead of shipping.
    #[arg(long)]
    check: bool,
}

fn workspace() -> Result<GuestBuild, String> {
    GuestBuild::from_crate_dir(env!("CARGO_MANIFEST_DIR")).map_err(|e| e.to_string())
}

/// The files of the shipped component in `crates/riptide-component/component/`.
struct Shipped {
    wasm: std::path::PathBuf,
    sha256: std::path::PathBuf,
    rustc: std::path::PathBuf,
}

fn shipped(build: &GuestBuild) -> Shipped {
    let dir = build.workspace().join("crates/riptide-component/component");
    Shipped {
        wasm: dir.join("riptide_guest.wasm"),
        sha256: dir.join("riptide_guest.wasm.sha256"),
        rustc: dir.join("rustc-version.txt"),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

fn rustc_version() -> Result<String, String> {
    let out = std::process::Command::new("rustc")
        .arg("--version")
        .output()
        .map_err(|e| format!("could not run rustc --version: {e}"))?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Build the pre-initialized guest and write it into `crates/riptide-component` (or, with
/// `--check`, compare it with the shipped bytes).
fn build_guest(args: &BuildGuestArgs) -> Result<(), String> {
    let check = args.check;
    let started = Instant::now();
    let build = workspace()?.verbose(!check);
    let built = build.build().map_err(|e| e.to_string())?;
    let bytes = built.read().map_err(|e| e.to_string())?;
    let digest = sha256_hex(&bytes);
    #[allow(clippy::cast_precision_loss)]
    let mib = bytes.len() as f64 / (1024.0 * 1024.0);
    println!(
        "{} ({} bytes, {mib:.2} MiB, sha256 {digest}) built and pre-initialized in {:.1} s",
        built.wasm.display(),
        bytes.len(),
        started.elapsed().as_secs_f64()
    );
    let files = shipped(&build);
    let rustc = rustc_version()?;
    if check {
        let shipped_digest = std::fs::read_to_string(&files.sha256)
            .map_err(|e| format!("{}: {e}", files.sha256.display()))?;
        let shipped_rustc = std::fs::read_to_string(&files.rustc)
            .map_err(|e| format!("{}: {e}", files.rustc.display()))?;
        if shipped_digest.trim() != digest {
            return Err(format!(
                "the shipped component ({}) is not what the sources build: shipped sha256 {}, \
                 rebuilt {digest} (shipped with {}, rebuilt with {rustc}); run \
                 `cargo xtask build-guest` and commit crates/riptide-component/component/",
                files.wasm.display(),
                shipped_digest.trim(),
                shipped_rustc.trim()
            ));
        }
        println!("the shipped component matches the sources (sha256 {digest})");
        return Ok(());
    }
    std::fs::write(&files.wasm, &bytes).map_err(|e| format!("{}: {e}", files.wasm.display()))?;
    let raw = std::fs::metadata(build.cargo_output_path())
        .map_err(|e| format!("{}: {e}", build.cargo_output_path().display()))?
        .len();
    #[allow(clippy::cast_precision_loss)]
    let body = format!(
        "| figure | value |\n|---|--:|\n\
         | the guest as compiled (with the build-time export) | {raw} bytes |\n\
         | the pre-initialized component (shipped) | {} bytes ({:+.1} %) |\n\
         | build and pre-initialization, this run | {:.1} s |\n\
         | SHA-256 of the shipped bytes | `{digest}` |\n\
         | compiler | `{rustc}` |\n",
        bytes.len(),
        (bytes.len() as f64 / raw as f64 - 1.0) * 100.0,
        started.elapsed().as_secs_f64(),
    );
    docs::splice_file(
        &build.workspace().join("docs").join("preinit.md"),
        "build-guest",
        "snapshot",
        "The shipped snapshot",
        &body,
    )?;
    std::fs::write(&files.sha256, format!("{digest}\n"))
        .map_err(|e| format!("{}: {e}", files.sha256.display()))?;
    std::fs::write(&files.rustc, format!("{rustc}\n"))
        .map_err(|e| format!("{}: {e}", files.rustc.display()))?;
    println!("shipped as {}", files.wasm.display());
    Ok(())
}

/// Write every fixture of `riptide_test_support::fixtures` as a `.wasm` file, with its
/// description, for `riptide validate`.
fn wit_fixtures() -> Result<(), String> {
    let dir = workspace()?.workspace().join("target").join("wit-fixtures");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for fixture in riptide_test_support::fixtures::catalogue() {
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
    // `eval` and `validation` re-run themselves in release with the same arguments.
    let raw: Vec<String> = std::env::args().skip(2).collect();
    let result = match Cli::parse().task {
        Task::BuildGuest(args) => build_guest(&args),
        Task::WitFixtures => wit_fixtures(),
        Task::Eval(args) => eval::run(&args, &raw),
        Task::Bench(args) => bench::run(&args),
        Task::Soak(args) => soak::run(&args),
        Task::Knobs(args) => knobs::run(&args),
        Task::Fuzz(args) => fuzz::run(&args),
        Task::Stages(args) => stages::run(&args),
        Task::Validation(args) => validation::run(&args, &raw),
        Task::ReleaseCheck(args) => release::run_check(&args),
        Task::Coverage(args) => coverage::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::from(1)
        }
    }
}
