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
    Open {
        until: Instant,
    },
    /// `admitted`: probes in flight (admitted, outcome not yet known).
    HalfOpen {
        admitted: u32,
        successes: u32,
    },
}

/// What [`CircuitBreaker::allow`] hands to a call it lets through: the call must end in
/// exactly one [`record`](CircuitBreaker::record) or [`abandon`](CircuitBreaker::abandon).
///
/// It remembers the breaker's state when the call was admitted, so that an outcome reported
/// after the state changed (a call admitted while closed that finishes after the breaker
/// opened) is not taken for a probe's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Admission {
    generation: u64,
    probe: bool,
}

#[derive(Debug)]
struct Inner {
    state: State,
    /// Counts state changes: admissions of an earlier state are stale.
    generation: u64,
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
/// for _ in 0..2 {
///     let (call, _) = breaker.allow().unwrap();
///     breaker.record(call, false);
/// }
/// assert_eq!(breaker.state(), CircuitState::Open);
/// assert!(breaker.allow().is_err());
/// clock.advance(Duration::from_secs(1));
/// let (probe, _) = breaker.allow().unwrap();
/// breaker.record(probe, true);
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
                generation: 0,
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

    /// May a call go through? The call gets an [`Admission`] (and the state change letting
    /// it through caused, if any); `Err(retry_after)` when the breaker is open.
    ///
    /// # Errors
    /// The time until the breaker lets probes through.
    pub fn allow(&self) -> Result<(Admission, Option<(CircuitState, CircuitState)>), Duration> {
        let mut inner = self.inner.lock();
        let admitted = |inner: &Inner, probe| Admission {
            generation: inner.generation,
            probe,
        };
        if !self.config.enabled {
            return Ok((admitted(&inner, false), None));
        }
        let now = self.clock.now();
        match inner.state {
            State::Closed => Ok((admitted(&inner, false), None)),
            State::Open { until } if now < until => Err(until - now),
            State::Open { .. } => {
                inner.state = State::HalfOpen {
                    admitted: 1,
                    successes: 0,
                };
                inner.generation += 1;
                Ok((
                    admitted(&inner, true),
                    Some((CircuitState::Open, CircuitState::HalfOpen)),
                ))
            }
            State::HalfOpen {
                ref mut admitted, ..
            } => {
                if *admitted < self.config.half_open_probes {
                    *admitted += 1;
                    Ok((
                        Admission {
                            generation: inner.generation,
                            probe: true,
                        },
                        None,
                    ))
                } else {
                    // Probes are in flight; callers retry shortly.
                    Err(self.config.open_for.min(Duration::from_millis(100)))
                }
            }
        }
    }

    /// When an opening now ends (an `open_for` too large to add ends in a year).
    fn reopen_at(&self, now: Instant) -> Instant {
        now.checked_add(self.config.open_for)
            .or_else(|| now.checked_add(Duration::from_secs(365 * 24 * 3600)))
            .unwrap_or(now)
    }

    /// A call let through ended without an outcome (its guard was dropped unused, the task
    /// was cancelled, the host panicked): a probe's place is given back, nothing is counted.
    pub fn abandon(&self, admission: Admission) {
        let mut inner = self.inner.lock();
        if admission.generation != inner.generation || !admission.probe {
            return;
        }
        if let State::HalfOpen {
            ref mut admitted, ..
        } = inner.state
        {
            *admitted = admitted.saturating_sub(1);
        }
    }

    /// Record the outcome of a call that [`allow`](Self::allow) let through; returns the
    /// state change it caused, if any. An outcome of a call admitted before the last state
    /// change is ignored.
    pub fn record(&self, admission: Admission, ok: bool) -> Option<(CircuitState, CircuitState)> {
        if !self.config.enabled {
            return None;
        }
        let now = self.clock.now();
        let mut inner = self.inner.lock();
        if admission.generation != inner.generation {
            return None;
        }
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
                        until: self.reopen_at(now),
                    };
                    inner.generation += 1;
                    inner.outcomes.clear();
                    inner.failures = 0;
                    return Some((CircuitState::Closed, CircuitState::Open));
                }
                None
            }
            State::Open { .. } => None,
            State::HalfOpen {
                ref mut successes,
                ref mut admitted,
            } => {
                *admitted = admitted.saturating_sub(1);
                if ok {
                    *successes += 1;
                    if *successes >= self.config.half_open_probes {
                        inner.state = State::Closed;
                        inner.generation += 1;
                        return Some((CircuitState::HalfOpen, CircuitState::Closed));
                    }
                    None
                } else {
                    inner.state = State::Open {
                        until: self.reopen_at(now),
                    };
                    inner.generation += 1;
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

    /// Let a call through and record its outcome.
    fn call(b: &CircuitBreaker, ok: bool) -> Option<(CircuitState, CircuitState)> {
        let (admission, _) = b.allow().expect("the breaker lets the call through");
        b.record(admission, ok)
    }

    #[test]
    fn opens_only_with_enough_calls_and_failures() {
        let clock = ManualClock::new();
        let b = breaker(&clock);
        for _ in 0..3 {
            assert_eq!(call(&b, false), None);
        }
        assert_eq!(b.state(), CircuitState::Closed);
        assert_eq!(
            call(&b, true),
            Some((CircuitState::Closed, CircuitState::Open))
        );
        assert_eq!(b.allow().unwrap_err(), Duration::from_secs(5));
    }

    #[test]
    fn old_failures_leave_the_window() {
        let clock = ManualClock::new();
        let b = breaker(&clock);
        call(&b, false);
        call(&b, false);
        clock.advance(Duration::from_secs(11));
        call(&b, true);
        call(&b, true);
        assert_eq!(b.state(), CircuitState::Closed);
    }

    fn open(b: &CircuitBreaker, clock: &ManualClock) {
        for _ in 0..4 {
            call(b, false);
        }
        assert_eq!(b.state(), CircuitState::Open);
        clock.advance(Duration::from_secs(5));
        assert_eq!(b.state(), CircuitState::HalfOpen);
    }

    #[test]
    fn half_open_probes_close_or_reopen() {
        let clock = ManualClock::new();
        let b = breaker(&clock);
        open(&b, &clock);
        let (first, change) = b.allow().unwrap();
        assert_eq!(change, Some((CircuitState::Open, CircuitState::HalfOpen)));
        let (second, change) = b.allow().unwrap();
        assert_eq!(change, None);
        assert!(b.allow().is_err(), "only two probes at a time");
        assert_eq!(b.record(first, true), None);
        assert_eq!(
            b.record(second, true),
            Some((CircuitState::HalfOpen, CircuitState::Closed))
        );
        // A failed probe reopens it.
        open(&b, &clock);
        let (probe, _) = b.allow().unwrap();
        assert_eq!(
            b.record(probe, false),
            Some((CircuitState::HalfOpen, CircuitState::Open))
        );
        assert!(b.allow().is_err());
    }

    #[test]
    fn an_abandoned_probe_gives_its_place_back() {
        let clock = ManualClock::new();
        let b = breaker(&clock);
        open(&b, &clock);
        let (first, _) = b.allow().unwrap();
        let (second, _) = b.allow().unwrap();
        assert!(b.allow().is_err());
        // Both probes end without an outcome (dropped guards, a panic, a cancelled task).
        b.abandon(first);
        b.abandon(second);
        let (a, _) = b.allow().expect("a new probe is admitted");
        let (c, _) = b.allow().expect("and a second one");
        b.record(a, true);
        assert_eq!(
            b.record(c, true),
            Some((CircuitState::HalfOpen, CircuitState::Closed))
        );
    }

    #[test]
    fn calls_admitted_before_the_breaker_opened_do_not_count_as_probes() {
        let clock = ManualClock::new();
        let b = breaker(&clock);
        // Two slow calls admitted while closed.
        let (slow_one, _) = b.allow().unwrap();
        let (slow_two, _) = b.allow().unwrap();
        open(&b, &clock);
        let (probe, _) = b.allow().unwrap();
        // The slow calls finish now, successfully: they must not close the breaker.
        assert_eq!(b.record(slow_one, true), None);
        assert_eq!(b.record(slow_two, true), None);
        assert_eq!(b.state(), CircuitState::HalfOpen);
        // Nor does abandoning them give probe places back.
        b.abandon(slow_one);
        let (second_probe, _) = b.allow().unwrap();
        assert!(b.allow().is_err());
        b.record(probe, true);
        assert_eq!(
            b.record(second_probe, true),
            Some((CircuitState::HalfOpen, CircuitState::Closed))
        );
    }
}
