//! The wasmtime engine (pooling allocator, copy-on-write images, epochs) and the on-disk
//! artifact cache of the compiled component.

use std::hash::Hasher;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use wasmtime::component::Component;
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

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
    Engine::new(&wasm).map_err(|e| PoolError::Engine(format!("{e:#}")))
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
    sha.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Compile `bytes`, or load the compiled artifact from `cache_dir`.
///
/// A cache entry is a `.cwasm` file and a `.check` file with its length and CRC-32; an entry
/// whose check does not match (truncated, corrupt, half-written) is recompiled and rewritten,
/// never loaded. The cache directory must not be writable by others: wasmtime trusts the code
/// it deserializes.
pub(crate) fn load_component(
    engine: &Engine,
    bytes: &[u8],
    cache_dir: Option<&Path>,
) -> Result<(Component, LoadInfo), PoolError> {
    let started = Instant::now();
    let Some(dir) = cache_dir else {
        let component = compile(engine, bytes)?;
        return Ok((
            component,
            LoadInfo {
                from_cache: false,
                note: None,
                elapsed: started.elapsed(),
                cache_path: None,
            },
        ));
    };
    let key = cache_key(engine, bytes);
    let artifact = dir.join(format!("{key}.cwasm"));
    let check = dir.join(format!("{key}.check"));
    let note = match verify(&artifact, &check) {
        Ok(()) => {
            // SAFETY: the file was written by `store` below from wasmtime's own serialization,
            // for this engine configuration (the key covers it), and its checksum matches.
            // wasmtime maps the file: entries are only ever replaced by a rename (`store`),
            // never rewritten in place, so the mapping of a running pool stays valid. Another
            // program truncating a cache file in place would crash the process (SIGBUS), as
            // with any memory-mapped file; the cache directory is private (0700) for that.
            match unsafe { Component::deserialize_file(engine, &artifact) } {
                Ok(component) => {
                    return Ok((
                        component,
                        LoadInfo {
                            from_cache: true,
                            note: None,
                            elapsed: started.elapsed(),
                            cache_path: Some(artifact),
                        },
                    ));
                }
                Err(e) => Some(format!(
                    "cache entry rejected by wasmtime ({e}); recompiled"
                )),
            }
        }
        Err(note) => Some(note),
    };
    let component = compile(engine, bytes)?;
    let note = match store(&component, dir, &artifact, &check) {
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
            cache_path: Some(artifact),
        },
    ))
}

fn compile(engine: &Engine, bytes: &[u8]) -> Result<Component, PoolError> {
    Component::new(engine, bytes).map_err(|e| {
        PoolError::Load(format!(
            "{e:#} (is it a WebAssembly component built for the riptide:extractor world?)"
        ))
    })
}

fn verify(artifact: &Path, check: &Path) -> Result<(), String> {
    let Ok(expected) = std::fs::read_to_string(check) else {
        return Err("no cache entry yet; compiled".into());
    };
    let data =
        std::fs::read(artifact).map_err(|e| format!("cache entry unreadable ({e}); recompiled"))?;
    let actual = format!("{} {:08x}", data.len(), crc32fast::hash(&data));
    if expected.trim() != actual {
        return Err("stale or corrupt cache entry (checksum mismatch); recompiled".into());
    }
    Ok(())
}

fn store(component: &Component, dir: &Path, artifact: &Path, check: &Path) -> std::io::Result<()> {
    create_private_dir(dir)?;
    let data = component
        .serialize()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let write_atomically = |path: &Path, contents: &[u8]| -> std::io::Result<()> {
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    // The check file is written last: a crash in between leaves an entry that fails `verify`.
    write_atomically(artifact, &data)?;
    write_atomically(
        check,
        format!("{} {:08x}\n", data.len(), crc32fast::hash(&data)).as_bytes(),
    )
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}
