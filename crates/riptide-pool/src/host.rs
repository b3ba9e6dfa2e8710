//! The host side of one instance: WASI context, resource table, memory limiter and the
//! guest's captured stderr.

use wasmtime::component::{Linker, ResourceTable};
use wasmtime::{ResourceLimiter, Result};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

/// How much of the guest's stderr is kept (panic messages), in bytes.
const STDERR_CAPACITY: usize = 16 * 1024;

/// A memory limiter that remembers whether it refused growth.
#[derive(Debug)]
pub struct Limiter {
    max_memory: usize,
    hit: bool,
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool> {
        if desired > self.max_memory {
            self.hit = true;
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool> {
        Ok(desired <= 1_000_000)
    }
}

/// Per-Store host state.
pub struct HostState {
    wasi: WasiCtx,
    table: ResourceTable,
    limiter: Limiter,
    stderr: MemoryOutputPipe,
}

impl HostState {
    /// A sandboxed WASI context: no environment, arguments, files, network or stdin; stdout
    /// is discarded and stderr captured (it carries panic messages).
    pub fn new(max_memory: usize) -> Self {
        let stderr = MemoryOutputPipe::new(STDERR_CAPACITY);
        let wasi = WasiCtx::builder().stderr(stderr.clone()).build();
        HostState {
            wasi,
            table: ResourceTable::new(),
            limiter: Limiter {
                max_memory,
                hit: false,
            },
            stderr,
        }
    }

    /// Whether the guest asked for more memory than allowed.
    pub fn hit_memory_limit(&self) -> bool {
        self.limiter.hit
    }

    /// What the guest wrote to stderr, lossily decoded.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.contents())
            .trim()
            .to_string()
    }

    /// The memory limiter, for `Store::limiter`.
    pub fn limiter(&mut self) -> &mut Limiter {
        &mut self.limiter
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// A linker with the WASI 0.2 interfaces the guest may import.
///
/// # Errors
/// When wasmtime refuses the definitions (not expected).
pub fn linker(engine: &wasmtime::Engine) -> Result<Linker<HostState>> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    Ok(linker)
}

/// A new Store with the limits of the pool applied.
pub fn new_store(engine: &wasmtime::Engine, max_memory: usize) -> wasmtime::Store<HostState> {
    let mut store = wasmtime::Store::new(engine, HostState::new(max_memory));
    store.limiter(|s| s.limiter());
    store
}
