//! The host side of one instance: WASI context, resource table, memory limiter, the guest's
//! captured stderr, and the request's deadline as the guest's clocks see it.

use std::time::{Duration, Instant};

use wasmtime::component::{Linker, Resource, ResourceTable};
use wasmtime::{ResourceLimiter, Result, StoreContextMut};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::p2::{DynPollable, Pollable};
use wasmtime_wasi::{HostMonotonicClock, WasiCtx, WasiCtxView, WasiView};

/// How much of the guest's stderr is kept (panic messages), in bytes.
const STDERR_CAPACITY: usize = 16 * 1024;

/// The monotonic-clock interface whose subscriptions the pool replaces (the version
/// wasmtime-wasi defines; guests importing any 0.2.x are linked to it).
const MONOTONIC_CLOCK: &str = "wasi:clocks/monotonic-clock@0.2.12";

/// A memory limiter over the sum of the instance's linear memories (a component may have
/// several), that remembers whether it refused growth.
#[derive(Debug)]
pub struct Limiter {
    max_memory: usize,
    /// Bytes of all linear memories of the instance.
    total: usize,
    hit: bool,
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool> {
        let total = self.total.saturating_add(desired.saturating_sub(current));
        if total > self.max_memory {
            self.hit = true;
            return Ok(false);
        }
        self.total = total;
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

/// The guest's monotonic clock: nanoseconds since the instance was made, so that the host
/// can turn a guest instant into a wait.
#[derive(Debug, Clone, Copy)]
struct Monotonic(Instant);

impl HostMonotonicClock for Monotonic {
    fn resolution(&self) -> u64 {
        1
    }
    fn now(&self) -> u64 {
        u64::try_from(self.0.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }
}

/// A wait of the guest that ends at its own end or at the request's deadline, whichever
/// comes first.
struct Wait {
    until: tokio::time::Instant,
}

#[wasmtime_wasi::async_trait]
impl Pollable for Wait {
    async fn ready(&mut self) {
        tokio::time::sleep_until(self.until).await;
    }
}

/// Per-Store host state.
pub struct HostState {
    wasi: WasiCtx,
    table: ResourceTable,
    limiter: Limiter,
    stderr: MemoryOutputPipe,
    /// Where the current call's stderr begins.
    stderr_mark: usize,
    clock: Monotonic,
    deadline: Option<Instant>,
    /// Set when a wait of the current call was cut at the deadline.
    waited_past_deadline: bool,
}

impl HostState {
    /// A sandboxed WASI context: no environment, arguments, files, network or stdin; stdout
    /// is discarded and stderr captured (it carries panic messages).
    pub fn new(max_memory: usize) -> Self {
        let stderr = MemoryOutputPipe::new(STDERR_CAPACITY);
        let clock = Monotonic(Instant::now());
        let wasi = WasiCtx::builder()
            .stderr(stderr.clone())
            .monotonic_clock(clock)
            .build();
        HostState {
            wasi,
            table: ResourceTable::new(),
            limiter: Limiter {
                max_memory,
                total: 0,
                hit: false,
            },
            stderr,
            stderr_mark: 0,
            clock,
            deadline: None,
            waited_past_deadline: false,
        }
    }

    /// Bytes of the instance's linear memories now.
    pub fn memory_bytes(&self) -> usize {
        self.limiter.total
    }

    /// Whether the guest asked for more memory than allowed.
    pub fn hit_memory_limit(&self) -> bool {
        self.limiter.hit
    }

    /// What the guest wrote to stderr during the current call, lossily decoded.
    pub fn stderr(&self) -> String {
        let contents = self.stderr.contents();
        String::from_utf8_lossy(contents.get(self.stderr_mark..).unwrap_or_default())
            .trim()
            .to_string()
    }

    /// The memory limiter, for `Store::limiter`.
    pub fn limiter(&mut self) -> &mut Limiter {
        &mut self.limiter
    }

    /// A call begins (on a fresh or a reused instance): nothing of an earlier call's memory
    /// refusal or stderr is reported for it, and its waits end at `deadline` at the latest
    /// (the epoch deadline then stops the guest). `None`: no limit.
    pub fn begin_call(&mut self, deadline: Option<Instant>) {
        self.limiter.hit = false;
        self.stderr_mark = self.stderr.contents().len();
        self.deadline = deadline;
        self.waited_past_deadline = false;
    }

    /// Whether the guest asked, during the current call, to wait past its deadline (the wait
    /// was cut there): the call has run out of time, whatever it returns.
    pub fn waited_past_deadline(&self) -> bool {
        self.waited_past_deadline
    }

    /// A wait of `wanted`, cut at the deadline.
    fn wait(&mut self, wanted: Duration) -> Result<Resource<DynPollable>> {
        let now = Instant::now();
        let allowed = match self.deadline {
            Some(deadline) => {
                let left = deadline.saturating_duration_since(now);
                if wanted > left {
                    self.waited_past_deadline = true;
                }
                wanted.min(left)
            }
            None => wanted,
        };
        // A wait too long to represent is cut to a day: no request lives that long.
        let allowed = allowed.min(Duration::from_secs(24 * 3600));
        let until = tokio::time::Instant::from_std(now) + allowed;
        let wait = self.table.push(Wait { until })?;
        wasmtime_wasi::p2::subscribe(&mut self.table, wait)
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

/// A linker with the WASI 0.2 interfaces the guest may import. The monotonic clock's
/// subscriptions are the pool's own: every wait ends at the call's deadline, so a guest
/// blocked in `sleep` or `wasi:io/poll` cannot outlive it (epoch interruption stops only wasm
/// code, not a host call).
///
/// # Errors
/// When wasmtime refuses the definitions (not expected).
pub fn linker(engine: &wasmtime::Engine) -> Result<Linker<HostState>> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    linker.allow_shadowing(true);
    let mut clock = linker.instance(MONOTONIC_CLOCK)?;
    clock.func_wrap(
        "subscribe-duration",
        |mut store: StoreContextMut<'_, HostState>, (nanos,): (u64,)| {
            Ok((store.data_mut().wait(Duration::from_nanos(nanos))?,))
        },
    )?;
    clock.func_wrap(
        "subscribe-instant",
        |mut store: StoreContextMut<'_, HostState>, (when,): (u64,)| {
            let state = store.data_mut();
            let now = state.clock.now();
            Ok((state.wait(Duration::from_nanos(when.saturating_sub(now)))?,))
        },
    )?;
    linker.allow_shadowing(false);
    Ok(linker)
}

/// A new Store with the limits of the pool applied.
pub fn new_store(engine: &wasmtime::Engine, max_memory: usize) -> wasmtime::Store<HostState> {
    let mut store = wasmtime::Store::new(engine, HostState::new(max_memory));
    store.limiter(|s| s.limiter());
    store
}
