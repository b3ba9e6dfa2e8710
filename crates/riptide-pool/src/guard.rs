//! The guard [`Pool::get`](crate::Pool::get) hands out, and what it holds until its request
//! ends: the request place, the circuit breaker's admission and the instance or its slot.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed, Ordering::SeqCst};
use std::time::Instant;

use tokio::sync::OwnedSemaphorePermit;
use wasmtime::{Store, Trap};

use crate::bindings::Extractor;
use crate::circuit::Admission;
use crate::error::PoolError;
use crate::events::{DiscardReason, PoolEvent, Tier};
use crate::host::HostState;
use crate::output::OutputSize;
use crate::shared::{Disposition, Instance, Shared};

/// What a guard serves its call with.
#[allow(
    clippy::large_enum_variant,
    reason = "one per guard, moved once into the call; boxing would allocate per request"
)]
pub(crate) enum Slot {
    /// A hot or reusable instance.
    Ready(Instance),
    /// A slot for an instance the call makes.
    Reserved(Reservation),
}

/// A warm or cold slot claimed before its instance exists: counted in `Shared::reserved` until
/// the instance is made or the guard ends, however it ends.
pub(crate) struct Reservation(pub(crate) Arc<AtomicUsize>);

impl Drop for Reservation {
    fn drop(&mut self) {
        self.0.fetch_sub(1, SeqCst);
    }
}

/// One admitted call, from `get` to its end, however it ends: it holds the in-use count
/// and the circuit breaker's admission. [`finish`](Self::finish) records the outcome; dropped
/// without it (the guard dropped unused, the task never run or cancelled, a panic), the call
/// counts as ended with no outcome, so a half-open breaker gets its probe place back.
pub(crate) struct Call {
    shared: Arc<Shared>,
    admission: Option<Admission>,
}

impl Call {
    pub(crate) fn new(shared: &Arc<Shared>, admission: Admission) -> Self {
        shared.metrics.in_use.fetch_add(1, SeqCst);
        Call {
            shared: Arc::clone(shared),
            admission: Some(admission),
        }
    }

    /// Record the outcome with the circuit breaker.
    fn finish(mut self, ok: bool) {
        if let Some(admission) = self.admission.take()
            && let Some((from, to)) = self.shared.circuit.record(admission, ok)
        {
            self.shared.emit(PoolEvent::CircuitChanged { from, to });
        }
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        self.shared.metrics.in_use.fetch_sub(1, SeqCst);
        if let Some(admission) = self.admission.take() {
            self.shared.circuit.abandon(admission);
        }
    }
}

/// An instance of the extractor taken from the pool for one request, as
/// [`Pool::get`](crate::Pool::get) returns it.
///
/// [`call`](Self::call) runs the guest once and ends the request: the instance then goes back
/// to the pool or is dropped, as the [`Isolation`](crate::Isolation) policy says (and always
/// dropped after a trap, a timeout or a limit). A guard dropped without a call gives its
/// instance back untouched, and its place to the next request.
///
/// ```no_run
/// # async fn demo(pool: riptide_pool::Pool) -> Result<(), riptide_pool::PoolError> {
/// let instance = pool.get().await?;
/// println!("served from the {} tier", instance.tier().as_str());
/// let modes = instance.call(|guest, store| guest.call_get_modes(store)).await?;
/// assert!(modes.contains(&"article".to_string()));
/// # Ok(()) }
/// ```
pub struct PooledInstance {
    pub(crate) shared: Arc<Shared>,
    /// The instance, or the slot reserved for the one the call makes; `None` once taken.
    pub(crate) slot: Option<Slot>,
    /// Held until the call ends; `None` once [`call`](Self::call) took it.
    pub(crate) permit: Option<OwnedSemaphorePermit>,
    /// The in-use count and the breaker's admission, until the call ends.
    pub(crate) call: Option<Call>,
    pub(crate) tier: Tier,
    /// When `get` began (a warm or cold guard records its acquire latency on
    /// instantiation).
    pub(crate) acquire_started: Instant,
}

impl std::fmt::Debug for PooledInstance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PooledInstance")
            .field("tier", &self.tier)
            .finish_non_exhaustive()
    }
}

impl PooledInstance {
    /// The tier the instance came from.
    pub fn tier(&self) -> Tier {
        self.tier
    }

    /// Run `f` on the instance on a blocking thread (instantiating it there first when the
    /// guard is warm or cold), under the deadline, memory cap and output limit. The result is
    /// sent back before the instance is dropped or kept for reuse, so that work is off the
    /// request's latency.
    ///
    /// # Errors
    /// [`PoolError::Instantiate`], [`PoolError::Timeout`], [`PoolError::MemoryLimit`],
    /// [`PoolError::Trap`] or [`PoolError::OutputTooLarge`].
    pub async fn call<R, F>(mut self, f: F) -> Result<R, PoolError>
    where
        F: FnOnce(&Extractor, &mut Store<HostState>) -> wasmtime::Result<R> + Send + 'static,
        R: OutputSize + Send + 'static,
    {
        let shared = Arc::clone(&self.shared);
        let (Some(permit), Some(call), Some(slot)) =
            (self.permit.take(), self.call.take(), self.slot.take())
        else {
            return Err(PoolError::ShutDown);
        };
        let tier = self.tier;
        let acquire_started = self.acquire_started;
        let (tx, rx) = tokio::sync::oneshot::channel();
        tokio::task::spawn_blocking(move || {
            let made = match slot {
                Slot::Ready(instance) => Ok(instance),
                Slot::Reserved(reservation) => {
                    shared.instantiate(tier, Some(reservation)).inspect(|_| {
                        shared
                            .metrics
                            .record_acquire(tier, acquire_started.elapsed())
                    })
                }
            };
            let mut instance = match made {
                Ok(instance) => instance,
                Err(e) => {
                    shared.metrics.calls_failed.fetch_add(1, Relaxed);
                    call.finish(false);
                    let _ = tx.send(Err(e));
                    drop(permit);
                    return;
                }
            };
            let (outcome, disposition) = execute(&shared, &mut instance, f);
            let failed =
                matches!(disposition, Disposition::Discard(r) if r != DiscardReason::Served);
            if failed {
                shared.metrics.calls_failed.fetch_add(1, Relaxed);
            } else {
                shared.metrics.calls_ok.fetch_add(1, Relaxed);
            }
            call.finish(!failed);
            match disposition {
                // Recycling is a queue push: done before answering, so the next request
                // can take this instance.
                Disposition::Keep => {
                    shared.recycle(instance);
                    let _ = tx.send(outcome);
                }
                // Dropping a Store resets its memory: done after answering, off the
                // request's latency.
                Disposition::Discard(reason) => {
                    let _ = tx.send(outcome);
                    shared.discard(instance, reason);
                }
            }
            drop(permit);
        });
        let result = rx.await.unwrap_or_else(|_| {
            Err(PoolError::Trap {
                message: "the host task running the call ended without a result".into(),
            })
        });
        self.shared.metrics.tier_end_to_end[tier.index()].record(acquire_started.elapsed());
        result
    }
}

impl Drop for PooledInstance {
    fn drop(&mut self) {
        // Dropped without `call`: the request ends with no outcome, a reserved slot is given
        // back with its reservation, and an untouched instance goes back to its tier.
        drop(self.call.take());
        if let Some(Slot::Ready(instance)) = self.slot.take() {
            self.shared.give_back(instance);
        }
    }
}

/// Whether `error` is wasmtime stopping the copy of a result out of the guest's memory
/// because the call's hostcall fuel ran out (its error type is private: its message is what
/// identifies it; a test of the hostile guest keeps that in check).
pub(crate) fn is_copy_limit(error: &wasmtime::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .to_string()
            .contains("fuel allocated for hostcalls has been exhausted")
    })
}

/// Why a guest call that failed with `error` failed: the memory cap, the output cap (the copy
/// was stopped), the deadline (epoch interruption, or fuel), or any other trap.
fn failure_reason(error: &wasmtime::Error, state: &HostState) -> DiscardReason {
    if state.hit_memory_limit() {
        DiscardReason::MemoryLimit
    } else if is_copy_limit(error) {
        DiscardReason::OutputTooLarge
    } else if matches!(
        error.downcast_ref::<Trap>(),
        Some(Trap::Interrupt | Trap::OutOfFuel)
    ) {
        DiscardReason::Timeout
    } else {
        DiscardReason::Trapped
    }
}

pub(crate) fn execute<R, F>(
    shared: &Shared,
    instance: &mut Instance,
    f: F,
) -> (Result<R, PoolError>, Disposition)
where
    F: FnOnce(&Extractor, &mut Store<HostState>) -> wasmtime::Result<R>,
    R: OutputSize,
{
    let Some((store, bindings)) = instance.parts.as_mut() else {
        return (
            Err(PoolError::Trap {
                message: "the instance was already released".into(),
            }),
            Disposition::Discard(DiscardReason::Trapped),
        );
    };
    store.set_epoch_deadline(shared.deadline_ticks);
    // Waits of the guest end at the deadline (host calls are not interrupted by epochs).
    store
        .data_mut()
        .begin_call(Instant::now().checked_add(shared.config.call_timeout));
    // What the guest may make the host copy out of its memory for this call: every string
    // byte and every list element (charged at the size of its host value) counts, so the
    // copy stops before the host allocates more than about `max_output_bytes`.
    store.set_hostcall_fuel(shared.config.max_output_bytes);
    if let Some(fuel) = shared.config.fuel
        && let Err(e) = store.set_fuel(fuel)
    {
        return (
            Err(PoolError::Instantiate {
                source: crate::error::cause(e),
            }),
            Disposition::Discard(DiscardReason::Trapped),
        );
    }
    let started = Instant::now();
    let result = f(bindings, store);
    shared.metrics.call.record(started.elapsed());
    // A guest whose wait was cut at the deadline has run out of time, whatever it returned.
    let result = match result {
        Ok(_) if store.data().waited_past_deadline() => Err(wasmtime::Error::from(Trap::Interrupt)),
        other => other,
    };
    match result {
        Ok(value) => {
            let size = value.output_size();
            let limit = shared.config.max_output_bytes;
            if size > limit {
                (
                    Err(PoolError::OutputTooLarge {
                        size: Some(size),
                        limit,
                    }),
                    Disposition::Discard(DiscardReason::OutputTooLarge),
                )
            } else if shared.config.isolation.is_per_request() {
                (Ok(value), Disposition::Discard(DiscardReason::Served))
            } else {
                (Ok(value), Disposition::Keep)
            }
        }
        Err(error) => {
            let state = store.data();
            match failure_reason(&error, state) {
                DiscardReason::MemoryLimit => (
                    Err(PoolError::MemoryLimit {
                        limit: shared.config.memory_limit_bytes,
                    }),
                    Disposition::Discard(DiscardReason::MemoryLimit),
                ),
                DiscardReason::Timeout => (
                    Err(PoolError::Timeout {
                        deadline: shared.config.call_timeout,
                    }),
                    Disposition::Discard(DiscardReason::Timeout),
                ),
                DiscardReason::OutputTooLarge => (
                    Err(PoolError::OutputTooLarge {
                        size: None,
                        limit: shared.config.max_output_bytes,
                    }),
                    Disposition::Discard(DiscardReason::OutputTooLarge),
                ),
                _ => {
                    let mut message = error
                        .downcast_ref::<Trap>()
                        .map_or_else(|| format!("{error:#}"), ToString::to_string);
                    let stderr = state.stderr();
                    let printed: Vec<&str> = stderr
                        .lines()
                        .filter(|l| !l.starts_with("note: run with `RUST_BACKTRACE"))
                        .collect();
                    if !printed.is_empty() {
                        message = format!("{message}; the guest printed: {}", printed.join(" "));
                    }
                    (
                        Err(PoolError::Trap { message }),
                        Disposition::Discard(DiscardReason::Trapped),
                    )
                }
            }
        }
    }
}
