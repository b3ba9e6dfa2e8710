//! Tier behaviour with a manual clock and the real component: the hot tier filled in the
//! background by `build`, hot hits while the hot tier is filled, warm versus cold
//! classification, idle expiry of hot instances, and the hot tier's auto-tuning growing under demand and shrinking when idle (each decision logged), per-tier
//! latencies and hit ratios, the pool without tiering, and demotion under memory pressure
//! with an injected memory probe.
//!
//! The refill thread wakes on a take that leaves the hot tier below its target, and otherwise
//! every `tune_interval` of real time; the tests set that interval to an hour (of the
//! manual clock too) so the thread only runs when a request wakes it, and wait for its refill
//! to show before the next step.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{PAGE, component, config, settle};
use riptide_pool::bindings::{ExtractedContent, ExtractionError, ExtractionMode};
use std::sync::atomic::{AtomicU64, Ordering};

use riptide_pool::{
    DiscardReason, EventListener, HotConfig, ManualClock, MemoryBudget, MemoryProbe,
    MetricsSnapshot, OutputSize, Pool, PoolBuilder, PoolEvent, PooledInstance, Tier, TuneReason,
};

const HOUR: Duration = Duration::from_secs(3600);

fn hot(
    min: usize,
    initial: usize,
    max: usize,
    auto_tune: bool,
    idle_expiry: Duration,
) -> HotConfig {
    HotConfig {
        min,
        max,
        initial,
        auto_tune,
        tune_interval: HOUR,
        idle_expiry,
    }
}

fn builder(clock: &ManualClock, hot: HotConfig) -> PoolBuilder<'static> {
    let config = config().max_instances(4).hot(hot).build().unwrap();
    Pool::builder(component())
        .config(config)
        .clock(Arc::new(clock.clone()))
}

/// A pool whose hot tier is full when it is returned.
fn pool(clock: &ManualClock, hot: HotConfig, listener: Option<Arc<Recorder>>) -> Pool {
    let builder = builder(clock, hot);
    let builder = match listener {
        Some(listener) => builder.listener(listener),
        None => builder,
    };
    builder.build_filled().unwrap()
}

/// Records discards and tier hits.
#[derive(Default)]
struct Recorder(Mutex<Vec<PoolEvent>>);

impl EventListener for Recorder {
    fn on_event(&self, event: &PoolEvent) {
        if matches!(
            event,
            PoolEvent::InstanceDiscarded { .. } | PoolEvent::TierHit { .. }
        ) {
            self.0.lock().unwrap().push(event.clone());
        }
    }
}

impl Recorder {
    fn take(&self) -> Vec<PoolEvent> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

struct Probe {
    served_before: Option<u64>,
    doc: Result<ExtractedContent, ExtractionError>,
}

impl OutputSize for Probe {
    fn output_size(&self) -> usize {
        self.doc.output_size()
    }
}

/// Serve one request on the lease; the instance must be one nobody used.
async fn serve(lease: PooledInstance) {
    let probe = lease
        .call(|b, s| {
            let served_before = b.call_health_check(&mut *s)?.extraction_count;
            let doc = b.call_extract(s, PAGE, "https://example.com/", &ExtractionMode::Full)?;
            Ok(Probe { served_before, doc })
        })
        .await
        .unwrap();
    assert_eq!(probe.served_before, Some(0), "a fresh instance");
    assert_eq!(probe.doc.unwrap().text, "Hello pool.");
}

/// Wait (generously) until `ready` holds for the metrics.
async fn wait_for(
    pool: &Pool,
    what: &str,
    ready: impl Fn(&MetricsSnapshot) -> bool,
) -> MetricsSnapshot {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let m = pool.metrics();
        if ready(&m) {
            return m;
        }
        assert!(Instant::now() < deadline, "{what}: {m:?}");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// Wait until no request is in flight and the hot tier holds `depth` instances, nothing else
/// alive.
async fn idle_with_hot(pool: &Pool, depth: usize) -> MetricsSnapshot {
    settle(pool).await;
    wait_for(pool, "the hot tier is refilled", |m| {
        m.status.in_use == 0 && m.status.hot_depth == depth && m.status.live_instances == depth
    })
    .await
}

fn conserved(m: &MetricsSnapshot) {
    let created = m.instantiations.hot + m.instantiations.warm + m.instantiations.cold;
    let dropped: u64 = m.discards.iter().map(|(_, n)| n).sum();
    assert_eq!(created - dropped, m.status.live_instances as u64, "{m:?}");
}

/// `build` leaves the first fill to the refill thread: a request that comes at once is
/// served (from the hot tier if an instance is ready, else by a new one), and the hot tier
/// still reaches its initial size.
#[tokio::test]
async fn build_fills_the_hot_tier_in_the_background() {
    let clock = ManualClock::new();
    let pool = builder(&clock, hot(0, 2, 2, false, HOUR)).build().unwrap();
    let lease = pool.get().await.unwrap();
    let tier = lease.tier();
    serve(lease).await;
    let m = idle_with_hot(&pool, 2).await;
    assert_eq!(m.hits.hot + m.hits.warm + m.hits.cold, 1, "{m:?}");
    if tier == Tier::Hot {
        // The hot instance it took was replaced.
        assert_eq!((m.hits.hot, m.instantiations.hot), (1, 3), "{m:?}");
    } else {
        assert_eq!(m.instantiations.hot, 2, "{m:?}");
        assert_eq!(m.instantiations.warm + m.instantiations.cold, 1, "{m:?}");
    }
    conserved(&m);
}

#[tokio::test]
async fn requests_hit_the_hot_tier_while_it_is_filled_and_each_hit_is_replaced() {
    let clock = ManualClock::new();
    let pool = pool(&clock, hot(0, 2, 2, false, HOUR), None);
    idle_with_hot(&pool, 2).await;
    for _ in 0..5 {
        let lease = pool.get().await.unwrap();
        assert_eq!(lease.tier(), Tier::Hot);
        serve(lease).await;
        idle_with_hot(&pool, 2).await;
    }
    let m = pool.metrics();
    assert_eq!((m.hits.hot, m.hits.warm, m.hits.cold), (5, 0, 0));
    assert_eq!(
        m.instantiations.hot, 7,
        "two at start, one refill per hit, off the request path"
    );
    assert_eq!(m.instantiations.warm + m.instantiations.cold, 0);
    assert!((m.hot_hit_rate() - 1.0).abs() < f64::EPSILON);

    // Held requests do not stop the refill: the hot tier is apart from max_instances.
    let mut held = Vec::new();
    for n in 1..=3 {
        let lease = pool.get().await.unwrap();
        assert_eq!(lease.tier(), Tier::Hot, "hit {n}, the tier was refilled");
        held.push(lease);
        wait_for(&pool, "refilled while requests are held", |m| {
            m.status.hot_depth == 2 && m.status.live_instances == 2 + n
        })
        .await;
    }
    assert_eq!(pool.status().available, 1);
    for lease in held {
        serve(lease).await;
    }
    let m = idle_with_hot(&pool, 2).await;
    assert_eq!(m.hits.hot, 8);
    assert_eq!(m.discarded(DiscardReason::Served), 8);
    conserved(&m);
}

#[tokio::test]
async fn warm_and_cold_follow_the_most_instances_ever_alive() {
    let clock = ManualClock::new();
    let pool = pool(&clock, hot(0, 0, 0, false, HOUR), None);
    idle_with_hot(&pool, 0).await;

    let first = pool.get().await.unwrap();
    assert_eq!(
        first.tier(),
        Tier::Cold,
        "the first instance uses a new slot"
    );
    serve(first).await;
    idle_with_hot(&pool, 0).await;

    let again = pool.get().await.unwrap();
    assert_eq!(again.tier(), Tier::Warm, "the slot was used before");
    let second = pool.get().await.unwrap();
    assert_eq!(
        second.tier(),
        Tier::Cold,
        "two at once: one slot never used"
    );
    drop(again);
    serve(second).await;
    idle_with_hot(&pool, 0).await;

    let a = pool.get().await.unwrap();
    let b = pool.get().await.unwrap();
    let c = pool.get().await.unwrap();
    assert_eq!(
        [a.tier(), b.tier(), c.tier()],
        [Tier::Warm, Tier::Warm, Tier::Cold],
        "two slots were used before, the third is new"
    );
    for lease in [a, b, c] {
        serve(lease).await;
    }
    let m = idle_with_hot(&pool, 0).await;
    assert_eq!((m.hits.hot, m.hits.warm, m.hits.cold), (0, 3, 3));
    // A warm or cold lease instantiates when its call runs: the one dropped unused made none.
    assert_eq!(m.instantiations.warm, 2);
    assert_eq!(m.instantiations.cold, 3);
    assert_eq!(
        m.instantiations.hot, 0,
        "a hot tier of size 0 is never filled"
    );
    assert_eq!(m.discarded(DiscardReason::Cancelled), 0);
    assert_eq!(m.discarded(DiscardReason::Served), 5);
    conserved(&m);
}

#[tokio::test]
async fn idle_hot_instances_expire_after_the_idle_time_and_are_replaced() {
    let clock = ManualClock::new();
    let idle = Duration::from_secs(60);
    let recorder = Arc::new(Recorder::default());
    let pool = pool(
        &clock,
        hot(0, 2, 2, false, idle),
        Some(Arc::clone(&recorder)),
    );
    idle_with_hot(&pool, 2).await;

    // t = 30 s: one hot instance is used; its replacement is 30 s younger than the other.
    clock.advance(Duration::from_secs(30));
    serve(pool.get().await.unwrap()).await;
    let m = idle_with_hot(&pool, 2).await;
    assert_eq!(m.instantiations.hot, 3);
    recorder.take();

    // t = 59 s: nothing is idle for a minute yet.
    clock.advance(Duration::from_secs(29));
    pool.maintain_now();
    let m = pool.metrics();
    assert_eq!(m.discarded(DiscardReason::Expired), 0);
    assert_eq!((m.status.hot_depth, m.instantiations.hot), (2, 3));

    // t = 60 s: the instance made at start expires and is replaced; the one made at 30 s stays.
    clock.advance(Duration::from_secs(1));
    pool.maintain_now();
    let m = pool.metrics();
    assert_eq!(m.discarded(DiscardReason::Expired), 1);
    assert_eq!((m.status.hot_depth, m.status.live_instances), (2, 2));
    assert_eq!(m.instantiations.hot, 4);
    assert_eq!(
        recorder.take(),
        [PoolEvent::InstanceDiscarded {
            reason: DiscardReason::Expired
        }]
    );

    // t = 90 s: the one made at 30 s expires.
    clock.advance(Duration::from_secs(30));
    pool.maintain_now();
    let m = pool.metrics();
    assert_eq!(m.discarded(DiscardReason::Expired), 2);
    assert_eq!((m.status.hot_depth, m.instantiations.hot), (2, 5));

    // Long idle: every hot instance is dropped and replaced by a fresh one, which still serves.
    clock.advance(Duration::from_secs(600));
    pool.maintain_now();
    let m = pool.metrics();
    assert_eq!(m.discarded(DiscardReason::Expired), 4);
    assert_eq!((m.status.hot_depth, m.status.live_instances), (2, 2));
    let lease = pool.get().await.unwrap();
    assert_eq!(lease.tier(), Tier::Hot);
    serve(lease).await;
    let m = idle_with_hot(&pool, 2).await;
    assert_eq!(m.discarded(DiscardReason::Served), 2);
    conserved(&m);
}

#[tokio::test]
async fn auto_tuning_grows_the_hot_tier_under_demand_and_shrinks_it_when_idle() {
    let clock = ManualClock::new();
    // Capacity 4: a step grows the target by the misses, at most 4 / 2 = 2.
    let pool = pool(&clock, hot(0, 0, 4, true, 1000 * HOUR), None);
    idle_with_hot(&pool, 0).await;

    // Demand with an empty hot tier: every request misses.
    for _ in 0..3 {
        let lease = pool.get().await.unwrap();
        assert_ne!(lease.tier(), Tier::Hot);
        serve(lease).await;
    }
    settle(&pool).await;
    pool.maintain_now();
    assert_eq!(
        pool.metrics().status.hot_target,
        0,
        "the tuner waits for its interval"
    );

    clock.advance(HOUR);
    pool.maintain_now();
    let m = pool.metrics();
    assert_eq!(
        m.status.hot_target, 2,
        "3 misses: +3, capped at half the capacity"
    );
    let decision = m.tuner_log.last().copied().unwrap();
    assert_eq!(
        (decision.from, decision.to, decision.reason),
        (0, 2, TuneReason::Misses),
        "the growth is logged"
    );
    let m = wait_for(&pool, "the hot tier is filled to the new target", |m| {
        m.status.hot_depth >= 2
    })
    .await;
    assert_eq!(m.hits.warm + m.hits.cold, 3);

    // With the tier filled, the same demand is served hot; no miss keeps the target.
    for _ in 0..3 {
        let lease = pool.get().await.unwrap();
        assert_eq!(lease.tier(), Tier::Hot);
        serve(lease).await;
        settle(&pool).await;
        wait_for(&pool, "refilled", |m| m.status.hot_depth >= 2).await;
    }
    let m = pool.metrics();
    assert_eq!(m.hits.hot, 3);

    // Calm intervals: after 4 without a miss the target shrinks by one, down to `min` (0),
    // and the surplus hot instances are dropped.
    let mut surplus = None;
    for interval in 1..=20u32 {
        clock.advance(HOUR);
        pool.maintain_now();
        let m = pool.metrics();
        let expected = 2usize.saturating_sub((interval / 4) as usize);
        assert_eq!(
            m.status.hot_target, expected,
            "after {interval} calm intervals"
        );
        assert_eq!(m.status.hot_depth, expected, "trimmed to the target");
        assert_eq!(m.status.live_instances, expected);
        let dropped = m.discarded(DiscardReason::Surplus);
        let first = *surplus.get_or_insert(dropped);
        assert_eq!(
            dropped - first,
            (2 - expected) as u64,
            "one surplus drop per step"
        );
    }
    let m = pool.metrics();
    assert_eq!(
        (
            m.status.hot_target,
            m.status.hot_depth,
            m.status.live_instances
        ),
        (0, 0, 0)
    );
    conserved(&m);
    let shrinks: Vec<_> = m
        .tuner_log
        .iter()
        .filter(|d| d.reason == TuneReason::Calm)
        .map(|d| (d.from, d.to))
        .collect();
    assert_eq!(shrinks, [(2, 1), (1, 0)], "each shrink is logged");

    // Demand again: one miss in an interval grows the target by one.
    let lease = pool.get().await.unwrap();
    assert_ne!(lease.tier(), Tier::Hot);
    serve(lease).await;
    settle(&pool).await;
    clock.advance(HOUR);
    pool.maintain_now();
    assert_eq!(pool.metrics().status.hot_target, 1);
    wait_for(&pool, "filled to 1", |m| m.status.hot_depth >= 1).await;
    let lease = pool.get().await.unwrap();
    assert_eq!(lease.tier(), Tier::Hot);
    serve(lease).await;
}

/// Shutdown while the refill thread instantiates: nothing joins a tier after `shutdown`
/// returned (run many times: the race it closes is timing-dependent).
#[tokio::test]
async fn no_instance_joins_a_tier_after_shutdown_returned() {
    for round in 0..10 {
        let clock = ManualClock::new();
        let pool = pool(&clock, hot(4, 4, 4, false, HOUR), None);
        // Take hot instances so that the refill thread is busy instantiating replacements.
        for _ in 0..2 {
            let lease = pool.get().await.unwrap();
            lease.call(|b, s| b.call_get_modes(s)).await.unwrap();
        }
        pool.shutdown().await;
        let m = pool.metrics();
        assert_eq!(
            (m.status.live_instances, m.status.hot_depth),
            (0, 0),
            "round {round}: right after shutdown"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
        let m = pool.metrics();
        assert_eq!(
            (m.status.live_instances, m.status.hot_depth),
            (0, 0),
            "round {round}: nothing came late"
        );
    }
}

/// An event listener that panics costs its events, never the pool's accounting.
#[tokio::test]
async fn a_panicking_listener_leaks_nothing() {
    struct Panics;
    impl EventListener for Panics {
        fn on_event(&self, _event: &PoolEvent) {
            panic!("listener bug");
        }
    }
    let clock = ManualClock::new();
    let pool = builder(&clock, hot(0, 1, 2, false, HOUR))
        .listener(Arc::new(Panics))
        .build_filled()
        .unwrap();
    for _ in 0..3 {
        serve(pool.get().await.unwrap()).await;
    }
    let m = idle_with_hot(&pool, 1).await;
    assert_eq!(m.status.in_use, 0);
    assert_eq!(pool.status().available, 4);
    conserved(&m);
}

/// Requests per tier: each tier's acquire and end-to-end latencies count exactly the requests
/// it served, end to end takes at least as long as acquiring, and the hit ratios are the
/// shares of the hits.
fn latencies_match_the_hits(m: &MetricsSnapshot) {
    for tier in [Tier::Hot, Tier::Warm, Tier::Cold] {
        let hits = match tier {
            Tier::Hot => m.hits.hot,
            Tier::Warm => m.hits.warm,
            Tier::Cold => m.hits.cold,
        };
        let latency = m.tiers.get(tier);
        assert_eq!(latency.acquire.count, hits, "{tier:?} acquire: {m:?}");
        assert_eq!(latency.end_to_end.count, hits, "{tier:?} end to end: {m:?}");
        if hits > 0 {
            assert!(latency.end_to_end.sum_ns >= latency.acquire.sum_ns, "{m:?}");
            assert!(latency.end_to_end.mean_ns() > 0, "{m:?}");
        }
        let total = m.hits.hot + m.hits.warm + m.hits.cold;
        #[allow(clippy::cast_precision_loss)]
        let share = hits as f64 / total as f64;
        assert!((m.hit_rates().get(tier) - share).abs() < 1e-9, "{m:?}");
    }
}

#[tokio::test]
async fn each_tier_has_its_own_latencies_and_hit_ratio() {
    let clock = ManualClock::new();
    let pool = pool(&clock, hot(0, 1, 1, false, HOUR), None);
    idle_with_hot(&pool, 1).await;
    // Two held requests: the first takes the hot instance, the second instantiates.
    let first = pool.get().await.unwrap();
    let second = pool.get().await.unwrap();
    assert_eq!(first.tier(), Tier::Hot);
    let second_tier = second.tier();
    assert_ne!(second_tier, Tier::Hot, "one hot instance only");
    serve(first).await;
    serve(second).await;
    let m = idle_with_hot(&pool, 1).await;
    assert_eq!(m.hits.hot, 1);
    assert_eq!(m.tiers.get(second_tier).end_to_end.count, 1);
    assert!((m.hit_rates().hot - 0.5).abs() < 1e-9);
    latencies_match_the_hits(&m);
    let text = m.to_prometheus();
    for line in [
        "riptide_pool_hit_ratio{tier=\"hot\"} 0.5",
        "riptide_pool_tier_acquire_seconds_count{tier=\"hot\"} 1",
        "riptide_pool_tier_end_to_end_seconds_count{tier=\"hot\"} 1",
        "riptide_pool_tier_size{tier=\"hot\"} 1",
        "riptide_pool_memory_pressure 0",
    ] {
        assert!(text.contains(line), "{line} missing:\n{text}");
    }
}

/// Tiering off: every request instantiates its own instance, nothing is pre-instantiated,
/// refilled or kept idle, whatever the hot-tier settings say.
#[tokio::test]
async fn without_tiering_every_request_instantiates_and_nothing_idles() {
    let clock = ManualClock::new();
    let config = common::config()
        .max_instances(4)
        .hot(hot(2, 2, 4, true, HOUR))
        .tiering(false)
        .build()
        .unwrap();
    let pool = Pool::builder(component())
        .config(config)
        .clock(Arc::new(clock.clone()))
        .build_filled()
        .unwrap();
    let status = pool.status();
    assert!(!status.tiering);
    assert_eq!(
        (status.hot_depth, status.hot_target, status.live_instances),
        (0, 0, 0)
    );
    for _ in 0..4 {
        let lease = pool.get().await.unwrap();
        assert_ne!(lease.tier(), Tier::Hot);
        serve(lease).await;
        settle(&pool).await;
    }
    clock.advance(HOUR);
    pool.maintain_now();
    // Give a refill thread, were there one, the time to show.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let m = pool.metrics();
    assert_eq!(m.hits.hot, 0, "{m:?}");
    assert_eq!(m.instantiations.hot, 0, "{m:?}");
    assert_eq!(m.instantiations.warm + m.instantiations.cold, 4, "{m:?}");
    assert_eq!(
        (
            m.status.hot_depth,
            m.status.hot_target,
            m.status.live_instances
        ),
        (0, 0, 0)
    );
    assert!(m.tuner_log.is_empty(), "{m:?}");
    latencies_match_the_hits(&m);
    conserved(&m);
}

/// A memory probe the test sets: bytes per idle instance and the process RSS.
#[derive(Debug)]
struct FakeMemory {
    instance_bytes: AtomicU64,
    rss: AtomicU64,
}

impl MemoryProbe for FakeMemory {
    fn idle_instance_bytes(&self, _linear_bytes: u64) -> u64 {
        self.instance_bytes.load(Ordering::SeqCst)
    }
    fn process_rss_bytes(&self) -> Option<u64> {
        Some(self.rss.load(Ordering::SeqCst))
    }
}

/// Records the memory-pressure events.
#[derive(Default)]
struct PressureEvents(Mutex<Vec<bool>>);

impl EventListener for PressureEvents {
    fn on_event(&self, event: &PoolEvent) {
        if let PoolEvent::MemoryPressure { under, .. } = event {
            self.0.lock().unwrap().push(*under);
        }
    }
}

const MIB: u64 = 1 << 20;

#[tokio::test]
async fn memory_pressure_demotes_idle_instances_stops_growth_and_recovers() {
    let clock = ManualClock::new();
    let memory = Arc::new(FakeMemory {
        instance_bytes: AtomicU64::new(10 * MIB),
        rss: AtomicU64::new(50 * MIB),
    });
    let events = Arc::new(PressureEvents::default());
    let config = common::config()
        .max_instances(4)
        .hot(hot(1, 4, 4, true, 1000 * HOUR))
        .memory_budget(MemoryBudget {
            idle_bytes: Some(25 << 20),
            process_rss_bytes: Some(100 << 20),
        })
        .build()
        .unwrap();
    let pool = Pool::builder(component())
        .config(config)
        .clock(Arc::new(clock.clone()))
        .memory_probe(Arc::clone(&memory) as Arc<dyn MemoryProbe>)
        .listener(Arc::clone(&events) as Arc<dyn EventListener>)
        .build_filled()
        .unwrap();
    idle_with_hot(&pool, 4).await;

    // 4 idle instances of 10 MiB against 25 MiB: the oldest two are dropped, the target
    // follows what is left.
    pool.maintain_now();
    let m = pool.metrics();
    assert!(m.status.memory_pressure);
    assert_eq!(m.discarded(DiscardReason::MemoryPressure), 2, "{m:?}");
    assert_eq!(
        (
            m.status.hot_target,
            m.status.hot_depth,
            m.status.live_instances
        ),
        (2, 2, 2)
    );
    let last = m.tuner_log.last().copied().unwrap();
    assert_eq!(
        (last.from, last.to, last.reason),
        (4, 2, TuneReason::MemoryPressure)
    );
    assert_eq!(*events.0.lock().unwrap(), [true]);
    assert!(m.to_prometheus().contains("riptide_pool_memory_pressure 1"));

    // Demand that misses the hot tier: the tuner would grow it, but not under pressure.
    // Four requests held at once against a hot tier of two miss it, unless the refill thread
    // (woken by the first takes) replaces an instance first: rounds of four until two have
    // missed, so that the outcome does not hang on that race.
    let missed = |m: &MetricsSnapshot| m.hits.warm + m.hits.cold;
    let before = missed(&pool.metrics());
    for round in 1.. {
        let mut held = Vec::new();
        for _ in 0..4 {
            held.push(pool.get().await.unwrap());
        }
        for lease in held {
            serve(lease).await;
        }
        settle(&pool).await;
        let m = pool.metrics();
        if missed(&m) >= before + 2 {
            break;
        }
        assert!(
            round < 20,
            "four held requests never missed the hot tier: {m:?}"
        );
    }
    clock.advance(HOUR);
    pool.maintain_now();
    let m = pool.metrics();
    assert!(m.status.hot_target <= 2, "no growth under pressure: {m:?}");

    // The pressure ends (instances are small now): the target goes back to 4.
    memory.instance_bytes.store(MIB, Ordering::SeqCst);
    clock.advance(HOUR);
    pool.maintain_now();
    let m = pool.metrics();
    assert!(!m.status.memory_pressure, "{m:?}");
    assert_eq!(m.status.hot_target, 4, "{m:?}");
    assert_eq!(
        m.tuner_log.last().map(|d| d.reason),
        Some(TuneReason::PressureEnded)
    );
    idle_with_hot(&pool, 4).await;
    assert_eq!(*events.0.lock().unwrap(), [true, false]);

    // The process goes over its RSS limit: the idle instances are halved each round.
    memory.rss.store(200 * MIB, Ordering::SeqCst);
    let before = pool.metrics().discarded(DiscardReason::MemoryPressure);
    for expected in [2, 1, 0] {
        clock.advance(HOUR);
        pool.maintain_now();
        let m = pool.metrics();
        assert_eq!(
            (m.status.hot_target, m.status.hot_depth),
            (expected, expected),
            "{m:?}"
        );
    }
    let m = pool.metrics();
    assert_eq!(m.discarded(DiscardReason::MemoryPressure) - before, 4);
    memory.rss.store(50 * MIB, Ordering::SeqCst);
    clock.advance(HOUR);
    pool.maintain_now();
    assert_eq!(pool.metrics().status.hot_target, 4);
    let m = idle_with_hot(&pool, 4).await;
    assert_eq!(*events.0.lock().unwrap(), [true, false, true, false]);
    conserved(&m);
}
