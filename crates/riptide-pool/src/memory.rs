//! Memory pressure: what the pool measures against its [`MemoryBudget`](crate::MemoryBudget),
//! injectable so that demotion can be tested.

use std::fmt::Debug;

/// Measures the memory the pool's budget is checked against.
///
/// The default, [`SystemMemoryProbe`], counts an idle instance's linear memory as resident
/// (an upper bound: pages never touched are not) and reads the process RSS from
/// `/proc/self/statm` (Linux; elsewhere unknown, so a `process_rss_bytes` limit never
/// triggers). Tests give the pool a probe of their own with
/// [`PoolBuilder::memory_probe`](crate::PoolBuilder::memory_probe).
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use riptide_pool::MemoryProbe;
///
/// /// Every idle instance holds 8 MiB; the process as much as the test says.
/// #[derive(Debug, Default)]
/// struct Fixed(AtomicU64);
/// impl MemoryProbe for Fixed {
///     fn idle_instance_bytes(&self, _linear_bytes: u64) -> u64 {
///         8 << 20
///     }
///     fn process_rss_bytes(&self) -> Option<u64> {
///         Some(self.0.load(Ordering::Relaxed))
///     }
/// }
/// assert_eq!(Fixed::default().idle_instance_bytes(1), 8 << 20);
/// ```
pub trait MemoryProbe: Send + Sync + Debug {
    /// Resident bytes of one idle instance whose linear memories hold `linear_bytes`.
    fn idle_instance_bytes(&self, linear_bytes: u64) -> u64 {
        linear_bytes
    }

    /// Resident bytes of the whole process, when known.
    fn process_rss_bytes(&self) -> Option<u64>;
}

/// The real measurements (see [`MemoryProbe`]).
///
/// ```
/// use riptide_pool::{MemoryProbe, SystemMemoryProbe};
/// if cfg!(target_os = "linux") {
///     assert!(SystemMemoryProbe.process_rss_bytes().unwrap_or(0) > 0);
/// }
/// ```
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemMemoryProbe;

impl MemoryProbe for SystemMemoryProbe {
    fn process_rss_bytes(&self) -> Option<u64> {
        let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
        let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
        // SAFETY: sysconf has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        Some(pages.saturating_mul(u64::try_from(page).ok()?))
    }
}

/// The pressure state kept between maintenance rounds.
#[derive(Debug, Default)]
pub(crate) struct Pressure {
    /// Over budget at the last round.
    pub(crate) under: bool,
    /// The hot target when the pressure began, restored when it ends.
    pub(crate) saved_target: usize,
    /// Resident bytes of one idle instance at the last measure (to size the recovery).
    pub(crate) instance_bytes: u64,
}

/// How many of `sizes` (idle instances, oldest first) to keep, newest kept, so that they fit
/// in `idle_budget` and, under process pressure, at most half of them.
pub(crate) fn keep_count(sizes: &[u64], idle_budget: Option<u64>, process_over: bool) -> usize {
    let mut keep = sizes.len();
    if let Some(budget) = idle_budget {
        let mut total = 0u64;
        keep = sizes
            .iter()
            .rev()
            .take_while(|&&size| {
                total = total.saturating_add(size);
                total <= budget
            })
            .count();
    }
    if process_over {
        keep = keep.min(sizes.len() / 2);
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_that_fit_are_kept() {
        // Oldest first: 4 instances of 10 bytes; 25 bytes of budget keep the newest two.
        assert_eq!(keep_count(&[10; 4], Some(25), false), 2);
        assert_eq!(keep_count(&[10; 4], Some(40), false), 4);
        assert_eq!(keep_count(&[10; 4], None, false), 4);
        // Process pressure halves what is kept, each round.
        assert_eq!(keep_count(&[10; 4], None, true), 2);
        assert_eq!(keep_count(&[10; 1], None, true), 0);
        assert_eq!(keep_count(&[10; 4], Some(35), true), 2);
        // The newest is the biggest: nothing older is kept past it.
        assert_eq!(keep_count(&[1, 1, 50], Some(20), false), 0);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_process_rss_is_read() {
        let rss = SystemMemoryProbe.process_rss_bytes().unwrap();
        // A test binary linking wasmtime is resident for more than a megabyte.
        assert!(rss > 1 << 20, "{rss}");
    }
}
