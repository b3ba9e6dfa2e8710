//! A state-machine test of the pool against a simple model, with the real guest component.
//!
//! proptest generates a pool set-up (isolation policy, hot-tier size) and a sequence of
//! operations — acquire, complete a call, drop a lease, fail a call (deadline, memory cap,
//! output cap), advance the clock, expire, refill — and runs each against the real pool and a
//! model of its tiers. After every operation the pool must reach exactly the model's state:
//! hits and instantiations per tier, discards per reason, calls, in-use, queue depths, live
//! instances and free permits. The guest's own extraction counter, read at the start of each
//! call, shows which instance a request got: a fresh one (0) under `PerRequest`, and under
//! `Reuse` exactly the one the model expects — so no instance is handed out twice or after it
//! failed.
//!
//! Determinism: the hot tier is refilled by a background thread, woken only by a take that
//! leaves the hot tier below its target. Every such round is visible (the depth comes back to
//! the target), so waiting for the model's state waits for the round to finish, and no round
//! runs later, unseen, to expire or trim what a later operation put back. (A wake on every
//! take did: a round with nothing to do could run after a dropped lease had put its instance
//! above the target, and trim it as surplus where the model had discarded it as cancelled.)

mod common;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use common::component;
use proptest::prelude::*;
use riptide_pool::bindings::{ExtractedContent, ExtractionError, ExtractionMode};
use riptide_pool::{
    CircuitConfig, DiscardReason, HotConfig, Isolation, ManualClock, OutputSize, Pool, PoolError,
    PooledInstance, Tier, TierCounts,
};

const MAX_INSTANCES: usize = 3;
/// The hot tier's capacity (`hot.max`).
const HOT_CAPACITY: usize = 2;
const IDLE_EXPIRY: Duration = Duration::from_secs(60);
/// The clock moves in quarters of the idle expiry.
const QUARTER: Duration = Duration::from_secs(15);
const MEMORY_LIMIT: usize = 24 << 20;
const MAX_OUTPUT: usize = 16 << 10;
const URL: &str = "https://example.com/a/";
const SMALL_PAGE: &str =
    "<html><head><title>T</title></head><body><p>Model <a href='x'>page</a>.</p></body></html>";

/// A page whose text is larger than `MAX_OUTPUT`.
fn large_output_page() -> &'static str {
    static PAGE: OnceLock<String> = OnceLock::new();
    PAGE.get_or_init(|| {
        let paragraph = "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>";
        format!(
            "<html><body><main>{}</main></body></html>",
            paragraph.repeat(800)
        )
    })
}

/// An input larger than the memory cap: the guest cannot even receive it.
fn oversized_input() -> &'static str {
    static PAGE: OnceLock<String> = OnceLock::new();
    PAGE.get_or_init(|| "x".repeat(MEMORY_LIMIT + (4 << 20)))
}

/// What a call saw: the guest's extraction counter before the call, and the result.
struct Probe {
    served_before: Option<u64>,
    doc: Option<Result<ExtractedContent, ExtractionError>>,
}

impl OutputSize for Probe {
    fn output_size(&self) -> usize {
        self.doc.output_size()
    }
}

#[derive(Debug, Clone, Copy)]
enum Failure {
    /// The call hits its deadline (the closure sets an epoch deadline already reached).
    Timeout,
    /// The input does not fit under the memory cap.
    MemoryLimit,
    /// The result is larger than `max_output_bytes`.
    OutputTooLarge,
}

#[derive(Debug, Clone)]
enum Op {
    Acquire,
    /// Run a successful call on the n-th held lease (modulo the number held).
    Complete(usize),
    /// Drop the n-th held lease unused.
    Cancel(usize),
    /// Run a failing call on the n-th held lease.
    Fail(usize, Failure),
    /// Move the clock by this many quarters of the idle expiry.
    Advance(u32),
    /// Move the clock by the idle expiry, then run the maintenance (expire and refill).
    Expire,
    /// Run the maintenance (refill) now.
    Refill,
}

#[derive(Debug, Clone, Copy)]
struct Setup {
    hot: usize,
    /// `Reuse { max_uses, max_age: quarters × QUARTER }`.
    reuse: Option<(u32, u32)>,
}

impl Setup {
    fn isolation(self) -> Isolation {
        match self.reuse {
            None => Isolation::PerRequest,
            Some((max_uses, quarters)) => Isolation::Reuse {
                max_uses,
                max_age: QUARTER * quarters,
            },
        }
    }
}

fn setup_strategy() -> impl Strategy<Value = Setup> {
    prop_oneof![
        (0..=2usize).prop_map(|hot| Setup { hot, reuse: None }),
        (0..=2usize, 1..=3u32, 1..=6u32).prop_map(|(hot, uses, quarters)| Setup {
            hot,
            reuse: Some((uses, quarters)),
        }),
    ]
}

fn op_strategy() -> impl Strategy<Value = Op> {
    let failure = prop_oneof![
        Just(Failure::Timeout),
        Just(Failure::MemoryLimit),
        Just(Failure::OutputTooLarge),
    ];
    prop_oneof![
        5 => Just(Op::Acquire),
        4 => any::<usize>().prop_map(Op::Complete),
        1 => any::<usize>().prop_map(Op::Cancel),
        2 => (any::<usize>(), failure).prop_map(|(i, f)| Op::Fail(i, f)),
        1 => (1..=3u32).prop_map(Op::Advance),
        1 => Just(Op::Expire),
        1 => Just(Op::Refill),
    ]
}

/// One instance as the model sees it (times are offsets of the manual clock).
#[derive(Debug, Clone, Copy)]
struct ModelInstance {
    born: Duration,
    last_used: Duration,
    /// Successful extractions it served (the guest's own counter).
    extractions: u64,
    uses: u32,
}

/// The observable state of the pool; the model predicts all of it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct State {
    hits: TierCounts,
    instantiations: TierCounts,
    discards: Vec<(DiscardReason, u64)>,
    calls_ok: u64,
    calls_failed: u64,
    exhausted: u64,
    in_use: usize,
    hot_depth: usize,
    reuse_depth: usize,
    hot_target: usize,
    live: usize,
    permits: usize,
}

fn observe(pool: &Pool) -> State {
    let m = pool.metrics();
    State {
        hits: m.hits,
        instantiations: m.instantiations,
        discards: m.discards,
        calls_ok: m.calls_ok,
        calls_failed: m.calls_failed,
        exhausted: m.exhausted,
        in_use: m.status.in_use,
        hot_depth: m.status.hot_depth,
        reuse_depth: m.status.reuse_depth,
        hot_target: m.status.hot_target,
        live: m.status.live_instances,
        permits: pool.status().available,
    }
}

fn total(t: TierCounts) -> u64 {
    t.hot + t.warm + t.cold
}

fn bump(t: &mut TierCounts, tier: Tier) {
    match tier {
        Tier::Hot => t.hot += 1,
        Tier::Warm => t.warm += 1,
        Tier::Cold => t.cold += 1,
    }
}

/// The model: the pool's tiers as plain queues.
struct Model {
    isolation: Isolation,
    target: usize,
    now: Duration,
    hot: VecDeque<ModelInstance>,
    reuse: VecDeque<ModelInstance>,
    held: usize,
    /// Held leases whose instance does not exist yet: a warm or cold lease instantiates when
    /// its call runs (on the call's blocking thread).
    pending: usize,
    /// Most instances alive at once (a slot beyond it has never been used: cold).
    high_water: usize,
    hits: TierCounts,
    instantiations: TierCounts,
    discards: Vec<(DiscardReason, u64)>,
    calls_ok: u64,
    calls_failed: u64,
    exhausted: u64,
}

impl Model {
    fn new(setup: Setup) -> Self {
        let mut model = Model {
            isolation: setup.isolation(),
            target: setup.hot,
            now: Duration::ZERO,
            hot: VecDeque::new(),
            reuse: VecDeque::new(),
            held: 0,
            pending: 0,
            high_water: 0,
            hits: TierCounts::default(),
            instantiations: TierCounts::default(),
            discards: DiscardReason::ALL.iter().map(|r| (*r, 0)).collect(),
            calls_ok: 0,
            calls_failed: 0,
            exhausted: 0,
        };
        // The pool fills its hot tier before it is returned.
        model.maintain();
        model
    }

    fn live(&self) -> usize {
        self.hot.len() + self.reuse.len() + self.held - self.pending
    }

    fn state(&self) -> State {
        State {
            hits: self.hits,
            instantiations: self.instantiations,
            discards: self.discards.clone(),
            calls_ok: self.calls_ok,
            calls_failed: self.calls_failed,
            exhausted: self.exhausted,
            in_use: self.held,
            hot_depth: self.hot.len(),
            reuse_depth: self.reuse.len(),
            hot_target: self.target,
            live: self.live(),
            permits: MAX_INSTANCES - self.held,
        }
    }

    fn discard(&mut self, reason: DiscardReason) {
        let entry = self
            .discards
            .iter_mut()
            .find(|(r, _)| *r == reason)
            .expect("every reason is listed");
        entry.1 += 1;
    }

    /// A new instance: for a held lease (already counted as a claimed slot) or for the hot
    /// tier (one slot more).
    fn instantiate(&mut self, tier: Tier, for_held_lease: bool) -> ModelInstance {
        let claimed = self.live() + self.pending + usize::from(!for_held_lease);
        self.high_water = self.high_water.max(claimed);
        bump(&mut self.instantiations, tier);
        ModelInstance {
            born: self.now,
            last_used: self.now,
            extractions: 0,
            uses: 0,
        }
    }

    fn max_age(&self) -> Option<Duration> {
        match self.isolation {
            Isolation::Reuse { max_age, .. } => Some(max_age),
            Isolation::PerRequest => None,
        }
    }

    /// Expire idle instances, then fill the hot tier up to its target.
    fn maintain(&mut self) {
        let now = self.now;
        let before = self.hot.len();
        self.hot
            .retain(|i| now.saturating_sub(i.last_used) < IDLE_EXPIRY);
        for _ in self.hot.len()..before {
            self.discard(DiscardReason::Expired);
        }
        if let Some(max_age) = self.max_age() {
            let before = self.reuse.len();
            self.reuse.retain(|i| {
                now.saturating_sub(i.born) < max_age
                    && now.saturating_sub(i.last_used) < IDLE_EXPIRY
            });
            for _ in self.reuse.len()..before {
                self.discard(DiscardReason::Expired);
            }
        }
        while self.hot.len() > self.target {
            self.hot.pop_front();
            self.discard(DiscardReason::Surplus);
        }
        while self.hot.len() < self.target {
            let instance = self.instantiate(Tier::Hot, false);
            self.hot.push_back(instance);
        }
    }

    /// An acquire: `None` when every place is taken (`PoolExhausted`); the instance is `None`
    /// for a warm or cold lease (instantiated by [`start`](Self::start)).
    fn acquire(&mut self) -> Option<(Option<ModelInstance>, Tier)> {
        if self.held == MAX_INSTANCES {
            self.exhausted += 1;
            return None;
        }
        let mut refill = true;
        let mut taken = None;
        if let Some(max_age) = self.max_age() {
            while let Some(instance) = self.reuse.pop_front() {
                if self.now.saturating_sub(instance.born) < max_age {
                    taken = Some((instance, Tier::Hot));
                    // A reusable instance is taken without waking the refill.
                    refill = false;
                    break;
                }
                self.discard(DiscardReason::Expired);
            }
        }
        let (instance, tier) = match taken {
            Some((instance, tier)) => (Some(instance), tier),
            None => match self.hot.pop_front() {
                Some(instance) => (Some(instance), Tier::Hot),
                None => {
                    // Leases whose instance is still to be made count as slots in use.
                    let claimed = self.live() + self.pending + 1;
                    let tier = if claimed <= self.high_water {
                        Tier::Warm
                    } else {
                        Tier::Cold
                    };
                    self.high_water = self.high_water.max(claimed);
                    self.pending += 1;
                    (None, tier)
                }
            },
        };
        bump(&mut self.hits, tier);
        self.held += 1;
        // The refill thread is woken only when the take left the hot tier below its target.
        if refill && self.hot.len() < self.target {
            self.maintain();
        }
        Some((instance, tier))
    }

    /// A call starts on a held lease: a warm or cold one instantiates now.
    fn start(&mut self, instance: Option<ModelInstance>, tier: Tier) -> ModelInstance {
        match instance {
            Some(instance) => instance,
            None => {
                let instance = self.instantiate(tier, true);
                self.pending -= 1;
                instance
            }
        }
    }

    fn complete(&mut self, mut instance: ModelInstance) {
        self.held -= 1;
        self.calls_ok += 1;
        instance.extractions += 1;
        match self.isolation {
            Isolation::PerRequest => self.discard(DiscardReason::Served),
            Isolation::Reuse { max_uses, max_age } => {
                instance.uses += 1;
                instance.last_used = self.now;
                if instance.uses >= max_uses {
                    self.discard(DiscardReason::MaxUses);
                } else if self.now.saturating_sub(instance.born) >= max_age {
                    self.discard(DiscardReason::Expired);
                } else {
                    self.reuse.push_back(instance);
                }
            }
        }
    }

    fn fail(&mut self, failure: Failure) {
        self.held -= 1;
        self.calls_failed += 1;
        self.discard(match failure {
            Failure::Timeout => DiscardReason::Timeout,
            Failure::MemoryLimit => DiscardReason::MemoryLimit,
            Failure::OutputTooLarge => DiscardReason::OutputTooLarge,
        });
    }

    /// A guard dropped unused: its instance, if it had one, goes back untouched (a reused
    /// one to the reusable queue, any other to the hot tier) while there is room, and is
    /// discarded otherwise.
    fn cancel(&mut self, instance: Option<ModelInstance>) {
        self.held -= 1;
        match instance {
            Some(instance) if instance.uses > 0 && self.max_age().is_some() => {
                if self.reuse.len() < MAX_INSTANCES {
                    self.reuse.push_back(instance);
                } else {
                    self.discard(DiscardReason::Cancelled);
                }
            }
            Some(instance) => {
                if self.hot.len() < HOT_CAPACITY {
                    self.hot.push_back(instance);
                } else {
                    self.discard(DiscardReason::Cancelled);
                }
            }
            None => self.pending -= 1,
        }
    }
}

/// Counts that hold in every settled state, whatever the model says.
fn assert_conserved(s: &State, context: &str) {
    let created = total(s.instantiations);
    let dropped: u64 = s.discards.iter().map(|(_, n)| n).sum();
    assert_eq!(
        created - dropped,
        s.live as u64,
        "instances created − discarded = alive, {context}: {s:?}"
    );
    // A warm or cold lease is in use before its instance exists.
    assert!(
        s.live >= s.hot_depth + s.reuse_depth && s.live <= s.hot_depth + s.reuse_depth + s.in_use,
        "every live instance is queued or in use, {context}: {s:?}"
    );
    assert_eq!(
        s.in_use + s.permits,
        MAX_INSTANCES,
        "in use + free places = max_instances, {context}: {s:?}"
    );
    let on_demand_hits = s.hits.warm + s.hits.cold;
    let on_demand = s.instantiations.warm + s.instantiations.cold;
    // Leases not yet run, or dropped unused, were counted as hits and made no instance.
    assert!(
        on_demand <= on_demand_hits,
        "every on-demand instance serves the request that made it, {context}: {s:?}"
    );
}

/// Wait until the pool reaches the model's state (instances are dropped and the hot tier is
/// refilled after the answer, off the request path), then compare.
async fn converge(pool: &Pool, model: &Model, context: &str) {
    let expected = model.state();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = observe(pool);
    while seen != expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(1)).await;
        seen = observe(pool);
    }
    assert_eq!(seen, expected, "pool vs model {context}");
    assert_conserved(&seen, context);
}

async fn complete(lease: PooledInstance) -> Probe {
    lease
        .call(|b, s| {
            let served_before = b.call_health_check(&mut *s)?.extraction_count;
            let doc = b.call_extract(s, SMALL_PAGE, URL, &ExtractionMode::Full)?;
            Ok(Probe {
                served_before,
                doc: Some(doc),
            })
        })
        .await
        .expect("a call on a healthy instance succeeds")
}

async fn fail(lease: PooledInstance, failure: Failure) -> (Option<u64>, PoolError) {
    // What the guest's counter said, recorded on the blocking thread before the failure.
    let seen = Arc::new(Mutex::new(None));
    let record = Arc::clone(&seen);
    let result = lease
        .call(move |b, s| {
            *record.lock().unwrap() = b.call_health_check(&mut *s)?.extraction_count;
            let doc = match failure {
                Failure::Timeout => {
                    // The deadline is already reached: the next epoch check stops the guest.
                    s.set_epoch_deadline(0);
                    b.call_get_modes(&mut *s)?;
                    None
                }
                Failure::MemoryLimit => {
                    Some(b.call_extract(s, oversized_input(), URL, &ExtractionMode::Full)?)
                }
                Failure::OutputTooLarge => {
                    Some(b.call_extract(s, large_output_page(), URL, &ExtractionMode::Full)?)
                }
            };
            Ok(Probe {
                served_before: None,
                doc,
            })
        })
        .await;
    let Err(error) = result else {
        panic!("{failure:?}: the call did not fail")
    };
    let served_before = *seen.lock().unwrap();
    (served_before, error)
}

async fn run_case(setup: Setup, ops: Vec<Op>) {
    let clock = ManualClock::new();
    let config = common::config()
        .max_instances(MAX_INSTANCES)
        .hot(HotConfig {
            min: 0,
            max: HOT_CAPACITY,
            initial: setup.hot,
            auto_tune: false,
            // Also the refill thread's idle wake-up: keep it out of the way.
            tune_interval: Duration::from_secs(3600),
            idle_expiry: IDLE_EXPIRY,
        })
        .isolation(setup.isolation())
        .acquire_timeout(Duration::from_millis(20))
        .memory_limit_bytes(MEMORY_LIMIT)
        .max_output_bytes(MAX_OUTPUT)
        .circuit(CircuitConfig {
            enabled: false,
            ..CircuitConfig::default()
        })
        .build()
        .unwrap();
    let pool = Pool::builder(component())
        .config(config)
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();
    let mut model = Model::new(setup);
    converge(&pool, &model, "at start").await;

    let mut held: Vec<(PooledInstance, Option<ModelInstance>, Tier)> = Vec::new();
    for (step, op) in ops.iter().enumerate() {
        let context = format!("after op {step} {op:?} of {ops:?} with {setup:?}");
        match *op {
            Op::Acquire => {
                let result = pool.get().await;
                match (model.acquire(), result) {
                    (Some((instance, tier)), Ok(lease)) => {
                        assert_eq!(lease.tier(), tier, "tier {context}");
                        held.push((lease, instance, tier));
                    }
                    (None, Err(PoolError::PoolExhausted { max_instances, .. })) => {
                        assert_eq!(max_instances, MAX_INSTANCES);
                    }
                    (expected, result) => {
                        panic!("model {expected:?}, pool {result:?} {context}")
                    }
                }
            }
            Op::Complete(i) if !held.is_empty() => {
                let (lease, instance, tier) = held.swap_remove(i % held.len());
                let instance = model.start(instance, tier);
                let probe = complete(lease).await;
                assert_eq!(
                    probe.served_before,
                    Some(instance.extractions),
                    "the guest's counter shows another instance than the model's {context}"
                );
                let doc = probe.doc.unwrap().expect("the guest extracts the page");
                assert_eq!(doc.text, "Model page.");
                assert_eq!(doc.links, ["https://example.com/a/x"]);
                model.complete(instance);
            }
            Op::Cancel(i) if !held.is_empty() => {
                let (lease, instance, _) = held.swap_remove(i % held.len());
                drop(lease);
                model.cancel(instance);
            }
            Op::Fail(i, failure) if !held.is_empty() => {
                let (lease, instance, tier) = held.swap_remove(i % held.len());
                let instance = model.start(instance, tier);
                let (served_before, error) = fail(lease, failure).await;
                assert_eq!(
                    served_before,
                    Some(instance.extractions),
                    "the guest's counter shows another instance than the model's {context}"
                );
                match (failure, &error) {
                    (Failure::Timeout, PoolError::Timeout { .. })
                    | (
                        Failure::MemoryLimit,
                        PoolError::MemoryLimit {
                            limit: MEMORY_LIMIT,
                        },
                    )
                    | (
                        Failure::OutputTooLarge,
                        PoolError::OutputTooLarge {
                            limit: MAX_OUTPUT, ..
                        },
                    ) => {}
                    _ => panic!("{failure:?} gave {error:?} {context}"),
                }
                model.fail(failure);
            }
            Op::Complete(_) | Op::Cancel(_) | Op::Fail(..) => {}
            Op::Advance(quarters) => {
                clock.advance(QUARTER * quarters);
                model.now += QUARTER * quarters;
            }
            Op::Expire => {
                clock.advance(IDLE_EXPIRY);
                model.now += IDLE_EXPIRY;
                pool.maintain_now();
                model.maintain();
                assert!(
                    model.hot.iter().all(|i| i.born == model.now),
                    "every hot instance was replaced"
                );
            }
            Op::Refill => {
                pool.maintain_now();
                model.maintain();
            }
        }
        converge(&pool, &model, &context).await;
    }

    // Give every place back: capacity returns to full, nothing is lost.
    for (n, (lease, instance, tier)) in held.into_iter().enumerate() {
        if n % 2 == 0 {
            let instance = model.start(instance, tier);
            let probe = complete(lease).await;
            assert_eq!(probe.served_before, Some(instance.extractions));
            model.complete(instance);
        } else {
            drop(lease);
            model.cancel(instance);
        }
    }
    converge(&pool, &model, "after releasing every lease").await;
    let end = observe(&pool);
    assert_eq!(end.permits, MAX_INSTANCES);
    assert_eq!(end.in_use, 0);
    assert_eq!(end.live, end.hot_depth + end.reuse_depth);
    assert_eq!(
        total(end.hits),
        ops.iter().filter(|op| matches!(op, Op::Acquire)).count() as u64 - end.exhausted,
        "every acquire that was not refused was served by exactly one tier"
    );

    pool.shutdown().await;
    let closed = observe(&pool);
    assert_eq!(closed.live, 0, "shutdown drops every idle instance");
    let shut: u64 = closed
        .discards
        .iter()
        .find(|(r, _)| *r == DiscardReason::Shutdown)
        .map_or(0, |(_, n)| *n);
    assert_eq!(shut, (end.hot_depth + end.reuse_depth) as u64);
    assert_conserved(
        &State {
            permits: MAX_INSTANCES,
            ..closed
        },
        "after shutdown",
    );
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        max_shrink_iters: 64,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_pool_follows_the_model(
        setup in setup_strategy(),
        ops in prop::collection::vec(op_strategy(), 1..40),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        runtime.block_on(async {
            tokio::time::timeout(Duration::from_secs(300), run_case(setup, ops))
                .await
                .expect("the case finishes");
        });
    }
}

/// The shape of a failure the property above once found in CI. A lease dropped unused puts
/// its instance back above the hot target (op 4). The take before it (op 3) left the tier at
/// its target, yet woke the refill thread; that round, with nothing to fill, could run during
/// the call of op 5 and trim the instance as surplus, unseen by the model. Whether it did
/// depended on timing (a 3 ms delay put into the refill thread made it fail every time); now
/// that take wakes nothing, so the instance stays in the hot tier until a round runs.
#[test]
fn a_dropped_lease_above_the_hot_target_is_kept_until_a_round_runs() {
    let ops = vec![
        Op::Acquire,
        Op::Acquire,
        Op::Cancel(0),
        Op::Acquire,
        Op::Cancel(0),
        Op::Complete(0),
        Op::Complete(0),
    ];
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    runtime.block_on(run_case(
        Setup {
            hot: 1,
            reuse: None,
        },
        ops,
    ));
}
