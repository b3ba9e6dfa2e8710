//! Run the extractor component over pages in one reused instance, with wasmtime's perf map
//! on, so that `perf` can name the guest's functions.
//!
//! ```text
//! cargo build --release -p riptide-pool --example profile_guest
//! perf record -g -o /tmp/guest.perf -- \
//!     target/release/examples/profile_guest crates/riptide-component/component/riptide_guest.wasm 20 page1.html page2.html
//! perf report -i /tmp/guest.perf --no-children --sort sym | head -60
//! ```
//!
//! Arguments: the component, how many passes over the pages, then the pages (`.html`, or
//! `.html.gz`). It prints the mean time per page of the passes after the first.

use std::io::Read as _;
use std::time::Instant;

use riptide_pool::bindings::{ExtractionMode, Extractor};
use riptide_pool::host;
use wasmtime::component::Component;
use wasmtime::{Config, Engine, ProfilingStrategy};

fn read_page(path: &str) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    if path.ends_with(".gz") {
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .map_err(|e| format!("{path}: {e}"))?;
        Ok(text)
    } else {
        String::from_utf8(bytes).map_err(|e| format!("{path}: {e}"))
    }
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [wasm, passes, pages @ ..] = args.as_slice() else {
        return Err("usage: profile_guest COMPONENT PASSES PAGE…".into());
    };
    let passes: usize = passes
        .parse()
        .map_err(|e| format!("PASSES must be a number: {e}"))?;
    let pages = pages
        .iter()
        .map(|p| read_page(p))
        .collect::<Result<Vec<_>, _>>()?;
    let mut config = Config::new();
    config
        .wasm_component_model(true)
        .profiler(ProfilingStrategy::PerfMap);
    let engine = Engine::new(&config).map_err(|e| e.to_string())?;
    let bytes = std::fs::read(wasm).map_err(|e| format!("{wasm}: {e}"))?;
    let component = Component::new(&engine, &bytes).map_err(|e| format!("{e:#}"))?;
    let linker = host::linker(&engine).map_err(|e| format!("{e:#}"))?;
    let mut store = host::new_store(&engine, 1 << 30);
    let extractor =
        Extractor::instantiate(&mut store, &component, &linker).map_err(|e| format!("{e:#}"))?;
    let mut timed = Vec::new();
    for pass in 0..passes.max(2) {
        let started = Instant::now();
        for page in &pages {
            extractor
                .call_extract(
                    &mut store,
                    page,
                    "https://example.com/article",
                    &ExtractionMode::Article,
                )
                .map_err(|e| format!("{e:#}"))?
                .map_err(|e| format!("{e:?}"))?;
        }
        if pass > 0 {
            timed.push(started.elapsed().as_secs_f64());
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let per_page = timed.iter().sum::<f64>() / timed.len() as f64 / pages.len() as f64;
    println!(
        "{} pages × {} timed passes: {:.2} ms per page",
        pages.len(),
        timed.len(),
        per_page * 1e3
    );
    Ok(())
}
