//! Pre-initialization of a built guest with [`wasmtime_wizer`].
//!
//! The guest exports a build-time function (`riptide-preinit`, see
//! `crates/riptide-guest/wit/preinit.wit`) that builds every lazy table of the extractor. The
//! component is instantiated once with WASI linked, that function runs, and the state of its
//! memories and globals becomes the data of a new component, from which the export is removed.
//!
//! The snapshot is deterministic: the WASI random sources of the instance are fixed byte
//! patterns and its clocks stand still (a private `StoppedClock`), so building twice gives the
//! same bytes. What that fixes, and why it is acceptable,
//! is written in `docs/benchmarks.md` ("What a snapshot captures").
//!
//! ```no_run
//! let raw = std::fs::read("target/guest/wasm32-wasip2/release/riptide_guest.wasm").unwrap();
//! let snapshot = riptide_guest_build::preinit::snapshot(&raw, "riptide-preinit").unwrap();
//! assert!(snapshot.starts_with(b"\0asm"));
//! ```

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use wasmtime::component::{Instance, Linker, ResourceTable, WasmList};
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{
    Deterministic, HostMonotonicClock, HostWallClock, WasiCtx, WasiCtxView, WasiView,
};
use wasmtime_wizer::{ComponentInstanceState, Wizer};

/// The name of the guest's build-time export.
pub const INIT_EXPORT: &str = "riptide-preinit";

/// The fixed bytes behind the WASI random sources during pre-initialization.
const RANDOM_PATTERN: &[u8] = b"riptide pre-initialization: fixed, public, not a secret";

/// How much of the guest's stderr is kept for an error message, in bytes.
const STDERR_CAPACITY: usize = 64 * 1024;

/// Why a component could not be pre-initialized.
#[derive(Debug, thiserror::Error)]
pub enum PreinitError {
    /// wasmtime could not be set up, or the component could not be instrumented, compiled or
    /// linked.
    #[error("could not prepare the component for pre-initialization: {source:#}")]
    Prepare {
        /// The wasmtime error.
        #[source]
        source: wasmtime::Error,
    },
    /// The component does not export the init function.
    #[error(
        "the component does not export `{name}`; is it built from crates/riptide-guest (world \
         extractor-preinit)?"
    )]
    NoInitExport {
        /// The export looked for.
        name: String,
    },
    /// The init function trapped.
    #[error(
        "the pre-initialization function trapped: {source:#}{}",
        printed(stderr)
    )]
    Trapped {
        /// The trap.
        #[source]
        source: wasmtime::Error,
        /// What the guest wrote to stderr.
        stderr: String,
    },
    /// Reading the instance's state for the snapshot failed.
    #[error("could not read the instance's state for the snapshot: {source:#}")]
    Snapshot {
        /// The wasmtime error.
        #[source]
        source: wasmtime::Error,
    },
}

fn printed(stderr: &str) -> String {
    if stderr.trim().is_empty() {
        String::new()
    } else {
        format!("; the guest printed: {}", stderr.trim())
    }
}

/// The clocks of the pre-initialization instance: always 0 (the Unix epoch for the wall
/// clock). The warm-up extractions read the monotonic clock (the extractor times its stages)
/// and the readings stay behind in the guest's memory (dead stack frames), so a real clock
/// would make every build different.
struct StoppedClock;

impl HostMonotonicClock for StoppedClock {
    fn resolution(&self) -> u64 {
        1
    }

    fn now(&self) -> u64 {
        0
    }
}

impl HostWallClock for StoppedClock {
    fn resolution(&self) -> std::time::Duration {
        std::time::Duration::from_nanos(1)
    }

    fn now(&self) -> std::time::Duration {
        std::time::Duration::ZERO
    }
}

/// The host side of the pre-initialization instance.
struct Host {
    wasi: WasiCtx,
    table: ResourceTable,
}

impl WasiView for Host {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// Pre-initialize the component `wasm` by calling its export `init_export`, and return the
/// snapshot (without that export).
///
/// # Errors
/// A [`PreinitError`] saying which step failed.
pub fn snapshot(wasm: &[u8], init_export: &str) -> Result<Vec<u8>, PreinitError> {
    let prepare = |source| PreinitError::Prepare { source };
    let mut wizer = Wizer::new();
    // wizer 48 would remove the init function's core export along with the component's, but
    // rustc's component lifts that core export, so removing it breaks the component: the
    // component export alone is removed below, after the snapshot.
    wizer.init_func(init_export).keep_init_func(true);
    let (context, instrumented) = wizer.instrument_component(wasm).map_err(prepare)?;

    let mut config = Config::new();
    config.wasm_component_model(true);
    let engine = Engine::new(&config).map_err(prepare)?;
    let component = wasmtime::component::Component::new(&engine, &instrumented).map_err(prepare)?;
    let mut linker = Linker::<Host>::new(&engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(prepare)?;

    let stderr = MemoryOutputPipe::new(STDERR_CAPACITY);
    let wasi = WasiCtx::builder()
        .stderr(stderr.clone())
        .secure_random(Deterministic::new(RANDOM_PATTERN.to_vec()))
        .insecure_random(Deterministic::new(RANDOM_PATTERN.to_vec()))
        .insecure_random_seed(0x5249_5054_4944_4500_0000_0000_0000_0001)
        .monotonic_clock(StoppedClock)
        .wall_clock(StoppedClock)
        .build();
    let mut store = Store::new(
        &engine,
        Host {
            wasi,
            table: ResourceTable::new(),
        },
    );
    let instance = linker
        .instantiate(&mut store, &component)
        .map_err(prepare)?;
    let init = instance
        .get_typed_func::<(), ()>(&mut store, init_export)
        .map_err(|_| PreinitError::NoInitExport {
            name: init_export.to_string(),
        })?;
    init.call(&mut store, ())
        .map_err(|source| PreinitError::Trapped {
            source,
            stderr: String::from_utf8_lossy(&stderr.contents()).into_owned(),
        })?;

    let mut state = State {
        store: &mut store,
        instance,
        error: None,
    };
    let snapshot = block_on(wizer.snapshot_component(&context, &mut state));
    if let Some(source) = state.error.take() {
        return Err(PreinitError::Snapshot { source });
    }
    match snapshot {
        Some(Ok(bytes)) => remove_export(&bytes, init_export),
        Some(Err(source)) => Err(PreinitError::Snapshot { source }),
        None => Err(PreinitError::Snapshot {
            source: wasmtime::format_err!("the snapshot did not complete synchronously"),
        }),
    }
}

/// Remove the component-level export `name` from `component`, leaving everything else as it
/// is; the result is validated.
///
/// # Errors
/// [`PreinitError::Snapshot`] when the component cannot be re-encoded, has no such export, or
/// is invalid without it (a later item referred to the export).
pub fn remove_export(component: &[u8], name: &str) -> Result<Vec<u8>, PreinitError> {
    use wasm_encoder::reencode::ReencodeComponent as _;
    let snapshot_error = |source| PreinitError::Snapshot { source };
    let mut remover = ExportRemover {
        name,
        removed: 0,
        funcs: 0,
        removed_index: None,
    };
    let mut encoder = wasm_encoder::Component::new();
    remover
        .parse_component(&mut encoder, wasmparser::Parser::new(0), component)
        .map_err(|e| snapshot_error(wasmtime::format_err!("re-encoding the component: {e}")))?;
    if remover.removed != 1 {
        return Err(snapshot_error(wasmtime::format_err!(
            "expected one component export named `{name}`, found {}",
            remover.removed
        )));
    }
    let bytes = encoder.finish();
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(&bytes)
        .map_err(|e| {
            snapshot_error(wasmtime::format_err!(
                "the component is invalid without its `{name}` export: {e}"
            ))
        })?;
    Ok(bytes)
}

/// Copies a component, leaving out one component-level export, and renumbers the component
/// functions defined after it (an export of a function adds one to the function index space,
/// so every later reference to a function past it moves down by one).
struct ExportRemover<'a> {
    name: &'a str,
    removed: usize,
    /// Component functions defined so far, in the original numbering.
    funcs: u32,
    /// The original index of the removed export.
    removed_index: Option<u32>,
}

impl wasm_encoder::reencode::Reencode for ExportRemover<'_> {
    type Error = std::convert::Infallible;
}

type ReencodeResult = Result<(), wasm_encoder::reencode::Error<std::convert::Infallible>>;

impl wasm_encoder::reencode::ReencodeComponent for ExportRemover<'_> {
    fn component_func_index(&mut self, index: u32) -> u32 {
        match self.removed_index {
            Some(removed) if index > removed => index - 1,
            _ => index,
        }
    }

    fn parse_component_import_section(
        &mut self,
        imports: &mut wasm_encoder::ComponentImportSection,
        section: wasmparser::ComponentImportSectionReader<'_>,
    ) -> ReencodeResult {
        for import in section.clone().into_iter().flatten() {
            if matches!(import.ty, wasmparser::ComponentTypeRef::Func(_)) {
                self.funcs += 1;
            }
        }
        wasm_encoder::reencode::component_utils::parse_component_import_section(
            self, imports, section,
        )
    }

    fn parse_component_alias_section(
        &mut self,
        aliases: &mut wasm_encoder::ComponentAliasSection,
        section: wasmparser::ComponentAliasSectionReader<'_>,
    ) -> ReencodeResult {
        for alias in section.clone().into_iter().flatten() {
            if let wasmparser::ComponentAlias::InstanceExport {
                kind: wasmparser::ComponentExternalKind::Func,
                ..
            } = alias
            {
                self.funcs += 1;
            }
        }
        wasm_encoder::reencode::component_utils::parse_component_alias_section(
            self, aliases, section,
        )
    }

    fn parse_component_canonical(
        &mut self,
        section: &mut wasm_encoder::CanonicalFunctionSection,
        func: wasmparser::CanonicalFunction,
    ) -> ReencodeResult {
        let lifts = matches!(func, wasmparser::CanonicalFunction::Lift { .. });
        wasm_encoder::reencode::component_utils::parse_component_canonical(self, section, func)?;
        if lifts {
            self.funcs += 1;
        }
        Ok(())
    }

    fn parse_component_export(
        &mut self,
        exports: &mut wasm_encoder::ComponentExportSection,
        export: wasmparser::ComponentExport<'_>,
    ) -> ReencodeResult {
        let is_func = export.kind == wasmparser::ComponentExternalKind::Func;
        if export.name.name == self.name {
            self.removed += 1;
            if is_func {
                self.removed_index = Some(self.funcs);
                self.funcs += 1;
            }
            return Ok(());
        }
        wasm_encoder::reencode::component_utils::parse_component_export(self, exports, export)?;
        if is_func {
            self.funcs += 1;
        }
        Ok(())
    }
}

/// Poll a future that never waits (every call below is synchronous) to its end; `None` if it
/// would wait.
fn block_on<F: Future>(future: F) -> Option<F::Output> {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

/// The instance after its init function, read by the snapshot through the accessor functions
/// that wizer's instrumentation exports. The trait's methods cannot fail, so the first error is
/// kept here and reported after the snapshot.
struct State<'a> {
    store: &'a mut Store<Host>,
    instance: Instance,
    error: Option<wasmtime::Error>,
}

impl State<'_> {
    /// Call the accessor `func` of the exported instance `instance` and hand its result to
    /// `use_result`; on error, remember it and return `fallback`.
    fn call<R, O>(
        &mut self,
        instance: &str,
        func: &str,
        fallback: O,
        use_result: impl FnOnce(&mut Store<Host>, R) -> O,
    ) -> O
    where
        R: wasmtime::component::Lift + 'static,
    {
        if self.error.is_some() {
            return fallback;
        }
        let found = self
            .instance
            .get_export_index(&mut *self.store, None, instance)
            .and_then(|outer| {
                self.instance
                    .get_export_index(&mut *self.store, Some(&outer), func)
            })
            .ok_or_else(|| wasmtime::format_err!("no accessor {instance}#{func}"));
        let result = found.and_then(|index| {
            let typed = self
                .instance
                .get_typed_func::<(), (R,)>(&mut *self.store, index)?;
            typed.call(&mut *self.store, ())
        });
        match result {
            Ok((value,)) => use_result(self.store, value),
            Err(e) => {
                self.error = Some(e);
                fallback
            }
        }
    }
}

impl ComponentInstanceState for State<'_> {
    fn call_func_ret_list_u8(
        &mut self,
        instance: &str,
        func: &str,
        contents: impl FnOnce(&[u8]) + Send,
    ) -> impl Future<Output = ()> + Send {
        let mut contents = Some(contents);
        self.call(instance, func, (), |store, list: WasmList<u8>| {
            if let Some(contents) = contents.take() {
                contents(list.as_le_slice(&*store));
            }
        });
        // On error the snapshot gets an empty memory; the error is reported afterwards.
        if let Some(contents) = contents.take() {
            contents(&[]);
        }
        std::future::ready(())
    }

    fn call_func_ret_s32(
        &mut self,
        instance: &str,
        func: &str,
    ) -> impl Future<Output = i32> + Send {
        std::future::ready(self.call(instance, func, 0, |_, v: i32| v))
    }

    fn call_func_ret_s64(
        &mut self,
        instance: &str,
        func: &str,
    ) -> impl Future<Output = i64> + Send {
        std::future::ready(self.call(instance, func, 0, |_, v: i64| v))
    }

    fn call_func_ret_f32(
        &mut self,
        instance: &str,
        func: &str,
    ) -> impl Future<Output = u32> + Send {
        std::future::ready(self.call(instance, func, 0, |_, v: f32| v.to_bits()))
    }

    fn call_func_ret_f64(
        &mut self,
        instance: &str,
        func: &str,
    ) -> impl Future<Output = u64> + Send {
        std::future::ready(self.call(instance, func, 0, |_, v: f64| v.to_bits()))
    }
}
