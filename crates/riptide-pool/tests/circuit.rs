//! A model test of the circuit breaker: random calls with random outcomes, calls that end with
//! no outcome (a dropped lease, a panic, a cancelled task), and time passing. Whatever
//! happens, the breaker never sticks: once every call has ended and `open_for` has passed, a
//! call is let through again, and successful calls close it. (The limit on probes in flight
//! and stale outcomes are unit tests of `circuit.rs`.)

use std::sync::Arc;
use std::time::Duration;

use proptest::prelude::*;
use riptide_pool::{Admission, CircuitBreaker, CircuitConfig, CircuitState, ManualClock};

const OPEN_FOR: Duration = Duration::from_secs(5);

#[derive(Debug, Clone)]
enum Op {
    /// Ask to let a call through.
    Allow,
    /// The n-th call in flight ends with this outcome.
    Record(usize, bool),
    /// The n-th call in flight ends with no outcome.
    Abandon(usize),
    /// Time passes (seconds).
    Advance(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => Just(Op::Allow),
        4 => (any::<usize>(), any::<bool>()).prop_map(|(i, ok)| Op::Record(i, ok)),
        2 => any::<usize>().prop_map(Op::Abandon),
        1 => (1..=6u64).prop_map(Op::Advance),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_breaker_never_sticks(ops in prop::collection::vec(op(), 1..120)) {
        let clock = ManualClock::new();
        let breaker = CircuitBreaker::new(
            CircuitConfig {
                enabled: true,
                window: Duration::from_secs(10),
                min_calls: 3,
                failure_ratio: 0.5,
                open_for: OPEN_FOR,
                half_open_probes: 2,
            },
            Arc::new(clock.clone()),
        );
        let mut in_flight: Vec<Admission> = Vec::new();
        for op in ops {
            match op {
                Op::Allow => {
                    if let Ok((admission, _)) = breaker.allow() {
                        in_flight.push(admission);
                    }
                }
                Op::Record(i, ok) if !in_flight.is_empty() => {
                    let admission = in_flight.swap_remove(i % in_flight.len());
                    breaker.record(admission, ok);
                }
                Op::Abandon(i) if !in_flight.is_empty() => {
                    let admission = in_flight.swap_remove(i % in_flight.len());
                    breaker.abandon(admission);
                }
                Op::Record(..) | Op::Abandon(_) => {}
                Op::Advance(secs) => clock.advance(Duration::from_secs(secs)),
            }
        }
        // Every call ends, half of them with no outcome.
        for (n, admission) in in_flight.into_iter().enumerate() {
            if n % 2 == 0 {
                breaker.abandon(admission);
            } else {
                breaker.record(admission, false);
            }
        }
        // Never stuck: every round of waiting `open_for` lets a call through, and successful
        // calls close the breaker within a few rounds.
        for round in 0..10 {
            clock.advance(OPEN_FOR);
            let (admission, _) = breaker.allow().map_err(|retry| {
                TestCaseError::fail(format!("stuck in round {round}: retry after {retry:?}"))
            })?;
            breaker.record(admission, true);
            if breaker.state() == CircuitState::Closed {
                break;
            }
        }
        prop_assert_eq!(breaker.state(), CircuitState::Closed);
    }
}
