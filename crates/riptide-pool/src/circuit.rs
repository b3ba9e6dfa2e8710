//! The circuit breaker: closed → open after too many guest failures in a sliding window,
//! half-open after `open_for`, closed again after `half_open_probes` successful probes.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use serde::Serialize;

use crate::clock::Clock;
use crate::config::CircuitConfig;

/// The state of the breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CircuitState {
    /// Calls go through; outcomes are counted.
    Closed,
    /// Calls fail fast with `CircuitOpen`.
    Open,
    /// A few probe calls go through; their outcome decides.
    HalfOpen,
}

impl CircuitState {
    /// The state as a lower-case word (`closed`, `open`, `half_open`).
    pub fn as_str(self) -> &'static str {
        match self {
            CircuitState::Closed => "closed",
            CircuitState::Open => "open",
            CircuitState::HalfOpen => "half_open",
        }
    }
}

#[derive(Debug)]
enum State {
    Closed,
    Open { until: Instant },
    HalfOpen { admitted: u32, successes: u32 },
}

#[derive(Debug)]
struct Inner {
    state: State,
    /// (time, failed) of the calls in the window, oldest first.
    outcomes: VecDeque<(Instant, bool)>,
    failures: usize,
}

/// A circuit breaker over guest failures.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use riptide_pool::{CircuitBreaker, CircuitConfig, CircuitState, ManualClock};
/// let clock = ManualClock::new();
/// let config = CircuitConfig { min_calls: 2, failure_ratio: 0.5, open_for: Duration::from_secs(1),
///                              half_open_probes: 1, ..CircuitConfig::default() };
/// let breaker = CircuitBreaker::new(config, Arc::new(clock.clone()));
/// breaker.record(false);
/// breaker.record(false);
/// assert_eq!(breaker.state(), CircuitState::Open);
/// assert!(breaker.allow().is_err());
/// clock.advance(Duration::from_secs(1));
/// assert!(breaker.allow().is_ok()); // a probe
/// breaker.record(true);
/// assert_eq!(breaker.state(), CircuitState::Closed);
/// ```
#[derive(Debug)]
pub struct CircuitBreaker {
    config: CircuitConfig,
    clock: Arc<dyn Clock>,
    inner: Mutex<Inner>,
}

impl CircuitBreaker {
    /// A closed breaker.
    pub fn new(config: CircuitConfig, clock: Arc<dyn Clock>) -> Self {
        CircuitBreaker {
            config,
            clock,
            inner: Mutex::new(Inner {
                state: State::Closed,
                outcomes: VecDeque::new(),
                failures: 0,
            }),
        }
    }

    /// The current state (an open breaker whose time is up reports half-open).
    pub fn state(&self) -> CircuitState {
        let inner = self.inner.lock();
        match inner.state {
            State::Closed => CircuitState::Closed,
            State::Open { until } if self.clock.now() >= until => CircuitState::HalfOpen,
            State::Open { .. } => CircuitState::Open,
            State::HalfOpen { .. } => CircuitState::HalfOpen,
        }
    }

    /// May a call go through? `Err(retry_after)` when the breaker is open.
    ///
    /// # Errors
    /// The time until the breaker lets probes through.
    pub fn allow(&self) -> Result<Option<(CircuitState, CircuitState)>, Duration> {
        if !self.config.enabled {
            return Ok(None);
        }
        let now = self.clock.now();
        let mut inner = self.inner.lock();
        match inner.state {
            State::Closed => Ok(None),
            State::Open { until } if now < until => Err(until - now),
            State::Open { .. } => {
                inner.state = State::HalfOpen {
                    admitted: 1,
                    successes: 0,
                };
                Ok(Some((CircuitState::Open, CircuitState::HalfOpen)))
            }
            State::HalfOpen {
                ref mut admitted, ..
            } => {
                if *admitted < self.config.half_open_probes {
                    *admitted += 1;
                    Ok(None)
                } else {
                    // Probes are in flight; callers retry shortly.
                    Err(self.config.open_for.min(Duration::from_millis(100)))
                }
            }
        }
    }

    /// Record the outcome of a call that [`allow`](Self::allow) let through; returns the
    /// state change it caused, if any.
    pub fn record(&self, ok: bool) -> Option<(CircuitState, CircuitState)> {
        if !self.config.enabled {
            return None;
        }
        let now = self.clock.now();
        let mut inner = self.inner.lock();
        match inner.state {
            State::Closed => {
                inner.outcomes.push_back((now, !ok));
                if !ok {
                    inner.failures += 1;
                }
                while let Some(&(t, failed)) = inner.outcomes.front() {
                    if now.duration_since(t) <= self.config.window {
                        break;
                    }
                    inner.outcomes.pop_front();
                    if failed {
                        inner.failures -= 1;
                    }
                }
                let calls = inner.outcomes.len();
                #[allow(clippy::cast_precision_loss)] // window sizes are far below 2^52
                let ratio = inner.failures as f64 / calls.max(1) as f64;
                if calls >= self.config.min_calls as usize && ratio >= self.config.failure_ratio {
                    inner.state = State::Open {
                        until: now + self.config.open_for,
                    };
                    inner.outcomes.clear();
                    inner.failures = 0;
                    return Some((CircuitState::Closed, CircuitState::Open));
                }
                None
            }
            State::Open { .. } => None,
            State::HalfOpen {
                ref mut successes, ..
            } => {
                if ok {
                    *successes += 1;
                    if *successes >= self.config.half_open_probes {
                        inner.state = State::Closed;
                        return Some((CircuitState::HalfOpen, CircuitState::Closed));
                    }
                    None
                } else {
                    inner.state = State::Open {
                        until: now + self.config.open_for,
                    };
                    Some((CircuitState::HalfOpen, CircuitState::Open))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn breaker(clock: &ManualClock) -> CircuitBreaker {
        CircuitBreaker::new(
            CircuitConfig {
                enabled: true,
                window: Duration::from_secs(10),
                min_calls: 4,
                failure_ratio: 0.5,
                open_for: Duration::from_secs(5),
                half_open_probes: 2,
            },
            Arc::new(clock.clone()),
        )
    }

    #[test]
    fn opens_only_with_enough_calls_and_failures() {
        let clock = ManualClock::new();
        let b = breaker(&clock);
        for _ in 0..3 {
            assert_eq!(b.record(false), None);
        }
        assert_eq!(b.state(), CircuitState::Closed);
        assert_eq!(
            b.record(true),
            Some((CircuitState::Closed, CircuitState::Open))
        );
        assert_eq!(b.allow(), Err(Duration::from_secs(5)));
    }

    #[test]
    fn old_failures_leave_the_window() {
        let clock = ManualClock::new();
        let b = breaker(&clock);
        b.record(false);
        b.record(false);
        clock.advance(Duration::from_secs(11));
        b.record(true);
        b.record(true);
        assert_eq!(b.state(), CircuitState::Closed);
    }

    #[test]
    fn half_open_probes_close_or_reopen() {
        let clock = ManualClock::new();
        let b = breaker(&clock);
        for _ in 0..4 {
            b.record(false);
        }
        clock.advance(Duration::from_secs(5));
        assert_eq!(b.state(), CircuitState::HalfOpen);
        assert_eq!(
            b.allow(),
            Ok(Some((CircuitState::Open, CircuitState::HalfOpen)))
        );
        assert_eq!(b.allow(), Ok(None));
        assert!(b.allow().is_err(), "only two probes at a time");
        assert_eq!(b.record(true), None);
        assert_eq!(
            b.record(true),
            Some((CircuitState::HalfOpen, CircuitState::Closed))
        );
        // A failed probe reopens it.
        for _ in 0..4 {
            b.record(false);
        }
        clock.advance(Duration::from_secs(5));
        b.allow().unwrap();
        assert_eq!(
            b.record(false),
            Some((CircuitState::HalfOpen, CircuitState::Open))
        );
        assert!(b.allow().is_err());
    }
}
