//! The wasmtime engine (pooling allocator, copy-on-write images, epochs) and loading the
//! compiled component (from the authenticated artifact cache of [`crate::cache`]).

use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use wasmtime::component::Component;
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::cache::Entry;
use crate::config::PoolConfig;
use crate::error::PoolError;

/// Core instances, memories and tables one guest component may use (a `wasm32-wasip2`
/// component made by rustc holds a handful of each).
const CORE_INSTANCES_PER_COMPONENT: u32 = 32;
const MEMORIES_PER_COMPONENT: u32 = 2;
const TABLES_PER_COMPONENT: u32 = 16;

/// Build the engine for a pool configuration.
///
/// The pooling allocator reserves, per slot, one 4 GiB virtual region per linear memory (so
/// bounds checks are elided) plus guard pages: `config.slots() × 2 × ~4 GiB` of address space,
/// none of it committed until used. Resident memory is bounded by
/// `memory_limit_bytes × slots` at worst and `keep_resident_bytes × slots` when idle.
pub(crate) fn engine(config: &PoolConfig) -> Result<Engine, PoolError> {
    let slots = u32::try_from(config.slots())
        .unwrap_or(u32::MAX)
        .saturating_add(2);
    let mut pooling = PoolingAllocationConfig::new();
    pooling
        .total_component_instances(slots)
        .total_core_instances(slots.saturating_mul(CORE_INSTANCES_PER_COMPONENT))
        .max_core_instances_per_component(CORE_INSTANCES_PER_COMPONENT)
        .total_memories(slots.saturating_mul(MEMORIES_PER_COMPONENT))
        .max_memories_per_component(MEMORIES_PER_COMPONENT)
        .total_tables(slots.saturating_mul(TABLES_PER_COMPONENT))
        .max_tables_per_component(TABLES_PER_COMPONENT)
        .max_memory_size(config.memory_limit_bytes)
        .linear_memory_keep_resident(config.keep_resident_bytes)
        .table_keep_resident(config.table_keep_resident_bytes)
        .max_unused_warm_slots(slots);
    let mut wasm = Config::new();
    wasm.wasm_component_model(true)
        .epoch_interruption(true)
        .consume_fuel(config.fuel.is_some())
        .memory_init_cow(true)
        .parallel_compilation(true)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pooling));
    Engine::new(&wasm).map_err(|e| PoolError::Engine {
        what: "the engine configuration",
        source: crate::error::cause(e),
    })
}

/// How the component was obtained.
#[derive(Debug, Clone)]
pub struct LoadInfo {
    /// True when the compiled artifact came from the cache.
    pub from_cache: bool,
    /// Why the cache was not used, when it was enabled but missed.
    pub note: Option<String>,
    /// Time spent compiling or loading.
    pub elapsed: Duration,
    /// The cache entry, when the cache is on.
    pub cache_path: Option<PathBuf>,
}

/// The default cache directory: the user's cache directory + `riptide`.
pub fn default_cache_dir() -> Option<PathBuf> {
    dirs::cache_dir().map(|d| d.join("riptide"))
}

/// Feeds `Hash` output into SHA-256.
struct ShaHasher<'a>(&'a mut Sha256);

impl Hasher for ShaHasher<'_> {
    fn finish(&self) -> u64 {
        0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

/// The cache key: SHA-256 of the component bytes and the engine's compatibility hash (its
/// version, target and code-affecting settings).
pub(crate) fn cache_key(engine: &Engine, bytes: &[u8]) -> String {
    use std::hash::Hash;
    let mut sha = Sha256::new();
    sha.update(bytes);
    engine
        .precompile_compatibility_hash()
        .hash(&mut ShaHasher(&mut sha));
    hex::encode(sha.finalize())
}

/// Compile `bytes`, or load the compiled artifact from `cache_dir` (see [`crate::cache`]:
/// entries are authenticated with a per-user secret; a directory that is not this user's, or
/// that others may write to, is not used).
pub(crate) fn load_component(
    engine: &Engine,
    bytes: &[u8],
    cache_dir: Option<&Path>,
) -> Result<(Component, LoadInfo), PoolError> {
    let started = Instant::now();
    let in_memory = |note: Option<String>| -> Result<(Component, LoadInfo), PoolError> {
        let component = compile(engine, bytes)?;
        Ok((
            component,
            LoadInfo {
                from_cache: false,
                note,
                elapsed: started.elapsed(),
                cache_path: None,
            },
        ))
    };
    let Some(dir) = cache_dir else {
        return in_memory(None);
    };
    let entry = match Entry::open(dir, &cache_key(engine, bytes)) {
        Ok(entry) => entry,
        Err(why) => {
            return in_memory(Some(format!(
                "warning: {why}; the artifact cache is not used and the component was compiled \
                 in memory"
            )));
        }
    };
    let note = match entry.load(engine) {
        Ok(component) => {
            return Ok((
                component,
                LoadInfo {
                    from_cache: true,
                    note: None,
                    elapsed: started.elapsed(),
                    cache_path: Some(entry.artifact),
                },
            ));
        }
        Err(note) => Some(note),
    };
    let component = compile(engine, bytes)?;
    let note = match entry.store(&component) {
        Ok(()) => note,
        Err(e) => Some(format!(
            "{}could not write the artifact cache in {}: {e}",
            note.map(|n| format!("{n}; ")).unwrap_or_default(),
            dir.display()
        )),
    };
    Ok((
        component,
        LoadInfo {
            from_cache: false,
            note,
            elapsed: started.elapsed(),
            cache_path: Some(entry.artifact),
        },
    ))
}

fn compile(engine: &Engine, bytes: &[u8]) -> Result<Component, PoolError> {
    Component::new(engine, bytes).map_err(|e| PoolError::Load {
        source: crate::error::cause(e),
    })
}
