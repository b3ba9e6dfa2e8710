//! `cargo xtask knobs`: the sandbox tax one knob at a time.
//!
//! Each variant is the extractor in one reused wasmtime instance (no pool: only the code and
//! the engine differ) extracting the median pages of `benches/pages.txt`, beside
//! `riptide_extract` natively on the same pages. Variants are measured in interleaved rounds
//! (one pass each per round); the figure is the median time per page over the rounds, and each
//! knob is compared with the variant it changes one thing of. The table goes to
//! `docs/benchmarks.md` (section "knobs"), kept across `cargo xtask bench` runs.
//!
//! Knobs of the engine (same component): epoch interruption off (what the deadline checks
//! cost), cranelift `speed_and_size`, no virtual-memory reservation (explicit bounds checks),
//! no signal-based traps. Knobs of the guest build (the guest as compiled, not
//! pre-initialized: pre-initialization changes nothing in the code): fat LTO with one codegen
//! unit, `opt-level = "s"`, `panic = "abort"`, `+simd128`.

use std::path::PathBuf;
use std::time::Instant;

use riptide_benches::{Class, Workload};
use riptide_guest_build::GuestBuild;
use riptide_pool::bindings::{ExtractionMode, Extractor};
use riptide_pool::host::{self, HostState};
use wasmtime::component::Component;
use wasmtime::{Config, Engine, OptLevel, Store};

use crate::bench::util;

/// One variant: how to build the guest, how to set up the engine.
struct Variant {
    name: &'static str,
    /// What it changes, and against which variant it is compared.
    what: &'static str,
    baseline: Option<&'static str>,
    /// Cargo profile overrides and rustc flags of the guest build (`None`: the shipped,
    /// pre-initialized component).
    guest: Option<&'static [(&'static str, &'static str)]>,
    engine: fn(&mut Config),
}

fn pool_like(config: &mut Config) {
    config.wasm_component_model(true).epoch_interruption(true);
}

const VARIANTS: &[Variant] = &[
    Variant {
        name: "shipped",
        what: "the shipped component, engine as the pool sets it (epochs on, 4 GiB reservation)",
        baseline: None,
        guest: None,
        engine: pool_like,
    },
    Variant {
        name: "no-epochs",
        what: "epoch interruption off: what the deadline checks cost",
        baseline: Some("shipped"),
        guest: None,
        engine: |c| {
            pool_like(c);
            c.epoch_interruption(false);
        },
    },
    Variant {
        name: "speed-and-size",
        what: "cranelift opt level `speed_and_size`",
        baseline: Some("shipped"),
        guest: None,
        engine: |c| {
            pool_like(c);
            c.cranelift_opt_level(OptLevel::SpeedAndSize);
        },
    },
    Variant {
        name: "bounds-checks",
        what: "no virtual-memory reservation or guard: explicit bounds checks",
        baseline: Some("shipped"),
        guest: None,
        engine: |c| {
            pool_like(c);
            c.memory_reservation(0)
                .memory_guard_size(0)
                .memory_may_move(true);
        },
    },
    Variant {
        name: "no-signal-traps",
        what: "`signals_based_traps(false)`: explicit checks instead of signal handlers",
        baseline: Some("shipped"),
        guest: None,
        engine: |c| {
            pool_like(c);
            c.signals_based_traps(false);
        },
    },
    Variant {
        name: "raw",
        what: "the guest as compiled (release: thin LTO, 16 codegen units), not pre-initialized",
        baseline: Some("shipped"),
        guest: Some(&[]),
        engine: pool_like,
    },
    Variant {
        name: "fat-lto",
        what: "guest with `lto = \"fat\"`, `codegen-units = 1`",
        baseline: Some("raw"),
        guest: Some(&[
            ("CARGO_PROFILE_RELEASE_LTO", "fat"),
            ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1"),
        ]),
        engine: pool_like,
    },
    Variant {
        name: "opt-s",
        what: "guest with `opt-level = \"s\"`",
        baseline: Some("raw"),
        guest: Some(&[("CARGO_PROFILE_RELEASE_OPT_LEVEL", "s")]),
        engine: pool_like,
    },
    Variant {
        name: "panic-abort",
        what: "guest with `panic = \"abort\"` (the panic message still reaches stderr)",
        baseline: Some("raw"),
        guest: Some(&[("CARGO_PROFILE_RELEASE_PANIC", "abort")]),
        engine: pool_like,
    },
    Variant {
        name: "simd128",
        what: "guest with `-C target-feature=+simd128`",
        baseline: Some("raw"),
        guest: Some(&[("RUSTFLAGS", "-C target-feature=+simd128")]),
        engine: pool_like,
    },
];

/// A variant ready to run.
struct Ready {
    variant: &'static Variant,
    bytes: usize,
    store: Store<HostState>,
    extractor: Extractor,
    passes: Vec<f64>,
}

/// `cargo xtask knobs`: builds the guest variants into target/guest-knobs/, runs each in one
/// reused instance on the median pages of benches/pages.txt, interleaved with the native
/// extractor, and writes the table into docs/benchmarks.md (section "knobs"). Runs itself in a
/// release build of xtask.
#[derive(Debug, clap::Args)]
pub(crate) struct KnobsArgs {
    /// Interleaved rounds (at least 3).
    #[arg(long, default_value_t = 9, value_name = "N")]
    rounds: usize,
    /// Measure in this process, which is already a release build (what the debug build runs).
    #[arg(long)]
    in_release: bool,
}

/// Run the task.
pub(crate) fn run(args: &KnobsArgs) -> Result<(), String> {
    let KnobsArgs { rounds, in_release } = *args;
    let build = crate::workspace()?;
    if cfg!(debug_assertions) && !in_release {
        let args = [
            "--in-release".to_string(),
            "--rounds".into(),
            rounds.to_string(),
        ];
        return util::run_in_release(build.workspace(), "knobs", &args);
    }
    measure(&build, rounds.max(3))
}

fn guest_bytes(build: &GuestBuild, variant: &Variant) -> Result<Vec<u8>, String> {
    let Some(envs) = variant.guest else {
        return Ok(riptide::bundled_component().to_vec());
    };
    let dir: PathBuf = build
        .workspace()
        .join("target")
        .join("guest-knobs")
        .join(variant.name);
    let mut variant_build = build.clone().preinit(false).target_dir(dir);
    for (key, value) in envs {
        variant_build = variant_build.env(*key, *value);
    }
    eprintln!("== building the guest: {}", variant.name);
    variant_build
        .build()
        .and_then(|b| b.read())
        .map_err(|e| format!("{}: {e}", variant.name))
}

fn prepare(build: &GuestBuild, variant: &'static Variant) -> Result<Ready, String> {
    let bytes = guest_bytes(build, variant)?;
    let mut config = Config::new();
    (variant.engine)(&mut config);
    let engine = Engine::new(&config).map_err(|e| format!("{}: {e:#}", variant.name))?;
    let component =
        Component::new(&engine, &bytes).map_err(|e| format!("{}: {e:#}", variant.name))?;
    let linker = host::linker(&engine).map_err(|e| format!("{e:#}"))?;
    let mut store = host::new_store(&engine, 1 << 30);
    store.set_epoch_deadline(u64::MAX / 2);
    let extractor = Extractor::instantiate(&mut store, &component, &linker)
        .map_err(|e| format!("{}: {e:#}", variant.name))?;
    Ok(Ready {
        variant,
        bytes: bytes.len(),
        store,
        extractor,
        passes: Vec::new(),
    })
}

/// One pass over `pages`: seconds per page.
fn pass(ready: &mut Ready, pages: &[(&str, &str)]) -> Result<f64, String> {
    let started = Instant::now();
    for (html, url) in pages {
        ready
            .extractor
            .call_extract(&mut ready.store, html, url, &ExtractionMode::Article)
            .map_err(|e| format!("{}: {e:#}", ready.variant.name))?
            .map_err(|e| format!("{}: {e:?}", ready.variant.name))?;
    }
    #[allow(clippy::cast_precision_loss)]
    Ok(started.elapsed().as_secs_f64() / pages.len() as f64)
}

fn measure(build: &GuestBuild, rounds: usize) -> Result<(), String> {
    let workload = Workload::load_default()?;
    let pages: Vec<(&str, &str)> = workload
        .class(Class::Median)
        .map(|p| (p.html.as_str(), p.url.as_str()))
        .collect();
    let mut ready = VARIANTS
        .iter()
        .map(|v| prepare(build, v))
        .collect::<Result<Vec<_>, _>>()?;
    let mut native = Vec::new();
    // One untimed pass each, then interleaved rounds.
    for r in &mut ready {
        pass(r, &pages)?;
    }
    for round in 0..rounds {
        eprintln!("== round {}/{rounds}", round + 1);
        let started = Instant::now();
        for (html, url) in &pages {
            let _ = std::hint::black_box(riptide_extract::extract(
                html,
                url,
                &riptide_extract::Mode::Article,
            ));
        }
        #[allow(clippy::cast_precision_loss)]
        native.push(started.elapsed().as_secs_f64() / pages.len() as f64);
        for r in &mut ready {
            let t = pass(r, &pages)?;
            r.passes.push(t);
        }
    }
    let native_ms = util::median(&native) * 1e3;
    let per_page = |name: &str| {
        ready
            .iter()
            .find(|r| r.variant.name == name)
            .map_or(0.0, |r| util::median(&r.passes) * 1e3)
    };
    let mut table = format!(
        "Median pages of `benches/pages.txt`, one reused instance per variant, {rounds} \
         interleaved rounds, median time per page. Native `riptide_extract`: {native_ms:.2} ms \
         per page. A knob is kept when it is faster than what it is compared with by more than \
         the noise of this machine (3 %) and costs nothing else.\n\n\
         | variant | what it changes | component | ms per page | vs native | vs its baseline | kept |\n\
         |---|---|--:|--:|--:|--:|---|\n"
    );
    for r in &ready {
        let ms = per_page(r.variant.name);
        let (versus, kept) = match r.variant.baseline {
            None => ("—".to_string(), "shipped".to_string()),
            Some(base) => {
                let ratio = ms / per_page(base);
                let verdict = if ratio < 0.97 {
                    "faster: candidate"
                } else if ratio > 1.03 {
                    "slower: no"
                } else {
                    "no measurable effect: no"
                };
                (format!("{ratio:.3} ({base})"), verdict.to_string())
            }
        };
        table.push_str(&format!(
            "| {} | {} | {:.1} MB | {ms:.2} | {:.2} | {versus} | {kept} |\n",
            r.variant.name,
            r.variant.what,
            r.bytes as f64 / 1e6,
            ms / native_ms,
        ));
    }
    table.push_str(&format!(
        "\nMeasured {} on {} by `cargo xtask knobs --rounds {rounds}`.\n",
        util::now_utc(),
        util::machine()
    ));
    println!("{table}");
    crate::docs::splice_file(
        &build.workspace().join("docs").join("benchmarks.md"),
        "knobs",
        "table",
        HEADING,
        &table,
    )
}

/// The heading of the knobs section in `docs/benchmarks.md`.
pub(crate) const HEADING: &str = "The sandbox tax, one knob at a time";
