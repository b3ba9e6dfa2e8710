//! The pool's background threads: the epoch ticker (deadlines) and the refill thread (hot
//! tier, expiry, auto-tuning). Both hold only a weak reference and end with the pool.

use std::sync::Weak;
use std::time::{Duration, Instant};

use crossbeam::channel::{Receiver, RecvTimeoutError};

use crate::error::PoolError;
use crate::shared::Shared;

pub(crate) fn spawn_ticker(weak: Weak<Shared>, tick: Duration) -> Result<(), PoolError> {
    let engine = match weak.upgrade() {
        Some(shared) => shared.engine.clone(),
        None => return Ok(()),
    };
    std::thread::Builder::new()
        .name("riptide-epoch".into())
        .spawn(move || {
            let started = Instant::now();
            let mut ticks: u64 = 0;
            loop {
                std::thread::sleep(tick);
                if weak.strong_count() == 0 {
                    break;
                }
                // The epoch follows the wall clock, not the number of wake-ups: on a loaded
                // machine a late wake-up catches up, so deadlines do not stretch.
                let due = u64::try_from(started.elapsed().as_nanos() / tick.as_nanos())
                    .unwrap_or(u64::MAX)
                    .max(ticks + 1);
                while ticks < due {
                    engine.increment_epoch();
                    ticks += 1;
                }
            }
        })
        .map(drop)
        .map_err(|e| PoolError::Engine {
            what: "the epoch thread",
            source: std::sync::Arc::new(e),
        })
}

pub(crate) fn spawn_refiller(weak: Weak<Shared>, wake: Receiver<()>) -> Result<(), PoolError> {
    let interval = match weak.upgrade() {
        Some(shared) => shared.config.hot.tune_interval,
        None => return Ok(()),
    };
    std::thread::Builder::new()
        .name("riptide-refill".into())
        .spawn(move || {
            while let Ok(()) | Err(RecvTimeoutError::Timeout) = wake.recv_timeout(interval) {
                let Some(shared) = weak.upgrade() else { break };
                if shared.stopping() {
                    break;
                }
                shared.maintain();
            }
        })
        .map(drop)
        .map_err(|e| PoolError::Engine {
            what: "the refill thread",
            source: std::sync::Arc::new(e),
        })
}
