//! Auto-tuning of the hot tier's target size.
//!
//! Every `tune_interval` the tuner looks at the requests served since its last look:
//! - *misses* (requests that found the hot tier empty) above 2% of them: the target grows by
//!   the number of misses, at least 1 and at most half the capacity, up to `hot.max`;
//! - no miss in 4 intervals in a row while requests came: the target shrinks by 1 (down to
//!   `hot.min`), so an over-provisioned tier gives memory back slowly;
//! - no request at all in 4 intervals: the target falls back to `hot.min`'s side by 1 per
//!   interval as well.
//!
//! Under memory pressure (see [`MemoryBudget`](crate::MemoryBudget)) the pool puts a
//! [ceiling](HotTuner::set_ceiling) on the target: the tuner may shrink it, never grow it
//! past the ceiling, until the pressure ends.

use std::time::{Duration, Instant};

/// The tuner's state. Pure: it is fed counters and times, so tests drive it with a manual
/// clock.
///
/// ```
/// use std::time::{Duration, Instant};
/// use riptide_pool::HotTuner;
/// let t0 = Instant::now();
/// let mut tuner = HotTuner::new(1, 8, 2, Duration::from_millis(100), t0);
/// // 10 requests, 5 of them missed the hot tier: grow.
/// assert_eq!(tuner.observe(t0 + Duration::from_millis(100), 5, 5), 6);
/// ```
#[derive(Debug, Clone)]
pub struct HotTuner {
    min: usize,
    max: usize,
    target: usize,
    interval: Duration,
    last: Instant,
    calm_intervals: u32,
    ceiling: Option<usize>,
}

impl HotTuner {
    /// A tuner with bounds, a starting target and the interval between looks.
    pub fn new(min: usize, max: usize, initial: usize, interval: Duration, now: Instant) -> Self {
        HotTuner {
            min,
            max,
            target: initial.clamp(min, max),
            interval,
            last: now,
            calm_intervals: 0,
            ceiling: None,
        }
    }

    /// Never grow past `ceiling` (and come down to it now, below `min` if need be: memory
    /// pressure wins); `None` lifts it.
    ///
    /// ```
    /// # use std::time::{Duration, Instant};
    /// # use riptide_pool::HotTuner;
    /// let t0 = Instant::now();
    /// let mut tuner = HotTuner::new(1, 8, 4, Duration::from_millis(100), t0);
    /// tuner.set_ceiling(Some(2));
    /// assert_eq!(tuner.target(), 2);
    /// // Every request missed: it would grow, but not past the ceiling.
    /// assert_eq!(tuner.observe(t0 + Duration::from_millis(100), 0, 10), 2);
    /// tuner.set_ceiling(None);
    /// assert_eq!(tuner.observe(t0 + Duration::from_millis(200), 0, 10), 6);
    /// ```
    pub fn set_ceiling(&mut self, ceiling: Option<usize>) {
        self.ceiling = ceiling;
        if let Some(c) = ceiling {
            self.target = self.target.min(c);
        }
    }

    /// Set the target (within `min`, `max` and the ceiling); returns it.
    pub fn set_target(&mut self, target: usize) -> usize {
        self.target = target
            .clamp(self.min, self.max)
            .min(self.ceiling.unwrap_or(usize::MAX));
        self.target
    }

    /// The current target.
    pub fn target(&self) -> usize {
        self.target
    }

    /// Whether `interval` has passed since the last adjustment.
    pub fn is_due(&self, now: Instant) -> bool {
        now.duration_since(self.last) >= self.interval
    }

    /// Feed the hits and misses counted since the previous call; returns the target. Does
    /// nothing until `interval` has passed since the last adjustment.
    pub fn observe(&mut self, now: Instant, hits: u64, misses: u64) -> usize {
        if !self.is_due(now) {
            return self.target;
        }
        self.last = now;
        let requests = hits + misses;
        if requests > 0 && misses * 50 > requests {
            let step = usize::try_from(misses)
                .unwrap_or(usize::MAX)
                .clamp(1, (self.max / 2).max(1));
            let cap = self.max.min(self.ceiling.unwrap_or(usize::MAX));
            self.target = (self.target + step).min(cap);
            self.calm_intervals = 0;
        } else {
            self.calm_intervals += 1;
            if self.calm_intervals >= 4 {
                self.target = self.target.saturating_sub(1).max(self.min);
                self.calm_intervals = 0;
            }
        }
        self.target
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_on_misses_and_shrinks_when_calm() {
        let t0 = Instant::now();
        let step = Duration::from_millis(100);
        let mut t = HotTuner::new(1, 8, 2, step, t0);
        // Too early: nothing changes.
        assert_eq!(t.observe(t0 + step / 2, 0, 10), 2);
        assert_eq!(t.observe(t0 + step, 90, 10), 6);
        assert_eq!(t.observe(t0 + step * 2, 90, 30), 8, "capped at max");
        // A 1% miss rate is calm; after 4 calm intervals it shrinks by one.
        for i in 3..6 {
            assert_eq!(t.observe(t0 + step * i, 99, 1), 8);
        }
        assert_eq!(t.observe(t0 + step * 6, 99, 1), 7);
        // Idle: keeps shrinking to min, never below.
        for i in 7..100 {
            t.observe(t0 + step * i, 0, 0);
        }
        assert_eq!(t.target(), 1);
    }
}
