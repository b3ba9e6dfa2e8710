//! The pool with the real guest component: tiers, isolation, limits, cache, shutdown.

mod common;
use common::GuestCalls;

use std::time::Duration;

use common::{PAGE, component, config, settle};
use riptide_pool::bindings::ExtractionMode;
use riptide_pool::{DiscardReason, Isolation, Pool, PoolError, Tier};

#[tokio::test]
async fn requests_are_served_hot_and_each_instance_serves_one_request() {
    let pool = Pool::builder(component())
        .config(config().build().unwrap())
        .build_filled()
        .unwrap();
    assert_eq!(
        pool.metrics().status.hot_depth,
        2,
        "the hot tier is filled at start"
    );
    let doc = pool
        .extract(
            PAGE.into(),
            "https://example.com/".into(),
            ExtractionMode::Full,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(doc.text, "Hello pool.");
    assert_eq!(doc.links, ["https://example.com/x"]);
    settle(&pool).await;
    let m = pool.metrics();
    assert_eq!(m.hits.hot, 1);
    assert_eq!(m.calls_ok, 1);
    assert_eq!(
        m.discarded(DiscardReason::Served),
        1,
        "per-request isolation drops the Store"
    );
    assert_eq!(m.status.in_use, 0);
    assert!(m.acquire.p50_ns > 0);
    assert_eq!((m.call.count, m.acquire.count), (1, 1));
    // The exposition: counters by label, gauges of the status, latencies as histograms.
    let text = m.to_prometheus();
    for line in [
        "riptide_pool_hits_total{tier=\"hot\"} 1",
        "riptide_pool_calls_ok_total 1",
        "riptide_pool_in_use 0",
        "# TYPE riptide_pool_call_seconds histogram",
        "riptide_pool_call_seconds_count 1",
        "riptide_pool_call_seconds_bucket{le=\"+Inf\"} 1",
        "riptide_pool_circuit_state{state=\"closed\"} 1",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "{line:?} missing in:\n{text}"
        );
    }
}

#[tokio::test]
async fn guest_errors_are_results_not_pool_failures() {
    let pool = Pool::builder(component())
        .config(config().build().unwrap())
        .build_filled()
        .unwrap();
    let result = pool
        .extract(
            PAGE.into(),
            "https://example.com/".into(),
            ExtractionMode::Custom(vec!["p[".into()]),
        )
        .await
        .unwrap();
    let err = result.unwrap_err();
    assert!(
        matches!(err, riptide_pool::bindings::ExtractionError::UnsupportedMode(ref m) if m.contains("p[")),
        "{err:?}"
    );
    let result = pool
        .extract(PAGE.into(), "not a url".into(), ExtractionMode::Article)
        .await
        .unwrap();
    assert!(matches!(
        result,
        Err(riptide_pool::bindings::ExtractionError::ParseError(_))
    ));
    assert_eq!(pool.metrics().calls_failed, 0);
}

#[tokio::test]
async fn reuse_keeps_instances_until_max_uses() {
    let config = config()
        .isolation(Isolation::Reuse {
            max_uses: 2,
            max_age: Duration::from_secs(60),
        })
        .hot_size(1, 1)
        .build()
        .unwrap();
    let pool = Pool::builder(component())
        .config(config)
        .build_filled()
        .unwrap();
    for _ in 0..4 {
        pool.extract(
            PAGE.into(),
            "https://example.com/".into(),
            ExtractionMode::Full,
        )
        .await
        .unwrap()
        .unwrap();
    }
    settle(&pool).await;
    let m = pool.metrics();
    assert_eq!(m.discarded(DiscardReason::MaxUses), 2, "{m:?}");
    assert_eq!(m.discarded(DiscardReason::Served), 0);
    assert_eq!(m.hits.hot + m.hits.warm + m.hits.cold, 4);
}

#[tokio::test]
async fn waiting_past_acquire_timeout_is_pool_exhausted() {
    let config = config()
        .max_instances(1)
        .hot_size(1, 1)
        .acquire_timeout(Duration::from_millis(50))
        .build()
        .unwrap();
    let pool = Pool::builder(component())
        .config(config)
        .build_filled()
        .unwrap();
    let held = pool.get().await.unwrap();
    assert_eq!(held.tier(), Tier::Hot);
    let err = pool.get().await.unwrap_err();
    assert!(
        matches!(
            err,
            PoolError::PoolExhausted {
                max_instances: 1,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("raise max_instances"));
    drop(held);
    assert_eq!(
        pool.status().available,
        1,
        "a dropped lease frees its place"
    );
    assert_eq!(pool.metrics().discarded(DiscardReason::Cancelled), 1);
    pool.health_check().await.unwrap();
    assert_eq!(pool.metrics().exhausted, 1);
}

#[tokio::test]
async fn shutdown_refuses_new_requests_and_releases_instances() {
    let pool = Pool::builder(component())
        .config(config().build().unwrap())
        .build_filled()
        .unwrap();
    pool.get_modes().await.unwrap();
    pool.shutdown().await;
    assert!(matches!(pool.get_modes().await, Err(PoolError::ShutDown)));
    let m = pool.metrics();
    assert_eq!(m.status.hot_depth, 0);
    assert_eq!(m.status.live_instances, 0);
}

#[tokio::test]
async fn the_artifact_cache_is_used_and_a_corrupt_entry_is_recompiled() {
    let dir = std::path::PathBuf::from(concat!(env!("CARGO_TARGET_TMPDIR"), "/cache-corruption"));
    let _ = std::fs::remove_dir_all(&dir);
    let build = |dir: &std::path::Path| {
        Pool::builder(component())
            .config(config().cache_dir(dir).build().unwrap())
            .build_filled()
            .unwrap()
    };
    let first = build(&dir);
    assert!(!first.startup().from_cache);
    let second = build(&dir);
    assert!(second.startup().from_cache, "{:?}", second.startup());
    second.get_modes().await.unwrap();
    // Flip a byte in the middle of the artifact: its keyed hash no longer matches.
    let artifact = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "cwasm"))
        .unwrap();
    let mut bytes = std::fs::read(&artifact).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    let tmp = artifact.with_extension("corrupt");
    std::fs::write(&tmp, bytes).unwrap();
    std::fs::rename(&tmp, &artifact).unwrap();
    let third = build(&dir);
    let startup = third.startup();
    assert!(!startup.from_cache);
    assert!(startup.note.unwrap().contains("not authenticated"));
    third.get_modes().await.unwrap();
    assert!(build(&dir).startup().from_cache, "the entry was rewritten");
}

#[tokio::test]
async fn invalid_configuration_is_refused_with_the_field_named() {
    let config = riptide_pool::PoolConfig {
        max_instances: 2,
        ..Default::default()
    };
    let err = Pool::builder(component())
        .config(config)
        .build_filled()
        .unwrap_err();
    assert!(
        matches!(err, PoolError::Config(ref e) if e.field == "hot.max"),
        "{err}"
    );
}

#[tokio::test]
async fn not_a_component_is_refused_before_compiling() {
    let core_module = b"\0asm\x01\0\0\0";
    let err = Pool::builder(core_module)
        .config(config().build().unwrap())
        .build_filled()
        .unwrap_err();
    assert!(matches!(err, PoolError::InvalidComponent { .. }), "{err}");
    assert!(err.to_string().contains("core WebAssembly module"), "{err}");
    let err = Pool::builder(core_module)
        .config(
            config()
                .validate_wit(false)
                .artifact_cache(false)
                .build()
                .unwrap(),
        )
        .build_filled()
        .unwrap_err();
    assert!(matches!(err, PoolError::Load { .. }), "{err}");
}

#[tokio::test]
async fn a_component_that_does_not_match_the_world_is_refused_with_the_full_report() {
    let broken = riptide_test_support::fixtures::fixture("many-mismatches");
    let err = Pool::builder(&broken.bytes)
        .config(config().build().unwrap())
        .build_filled()
        .unwrap_err();
    let PoolError::InvalidComponent { report } = err else {
        panic!("{err}")
    };
    assert!(
        report.lines().filter(|l| l.starts_with("error: ")).count() >= 2,
        "{report}"
    );
    // Validation can be turned off; the mismatch then surfaces when instantiating.
    let err = Pool::builder(&broken.bytes)
        .config(
            config()
                .validate_wit(false)
                .artifact_cache(false)
                .build()
                .unwrap(),
        )
        .build_filled()
        .unwrap_err();
    assert!(
        matches!(err, PoolError::Instantiate { .. } | PoolError::Load { .. }),
        "{err}"
    );
}

/// The start-up WIT check is timed and counted; skipping it is recorded as a warning and
/// announced as an event, never silent.
#[tokio::test]
async fn the_wit_check_is_measured_and_skipping_it_is_recorded() {
    use std::sync::{Arc, Mutex};

    #[derive(Default)]
    struct Events(Mutex<Vec<riptide_pool::PoolEvent>>);
    impl riptide_pool::EventListener for Events {
        fn on_event(&self, event: &riptide_pool::PoolEvent) {
            self.0.lock().unwrap().push(event.clone());
        }
    }
    let sha256 = riptide_wit_check::ComponentDigest::of(component()).to_hex();

    let pool = Pool::builder(component())
        .config(config().build().unwrap())
        .build()
        .unwrap();
    let check = pool.startup().wit_check;
    assert_eq!(check.component_sha256, sha256);
    assert_eq!((check.errors, check.warnings, check.skipped), (0, 0, false));
    assert!(check.duration > Duration::ZERO, "{check:?}");
    assert_eq!(check.warning, None);

    let events = Arc::new(Events::default());
    let pool = Pool::builder(component())
        .config(config().validate_wit(false).build().unwrap())
        .listener(Arc::clone(&events) as Arc<dyn riptide_pool::EventListener>)
        .build()
        .unwrap();
    let check = pool.startup().wit_check;
    assert_eq!(check.component_sha256, sha256);
    assert_eq!((check.errors, check.warnings, check.skipped), (0, 1, true));
    assert_eq!(check.duration, Duration::ZERO);
    let warning = check.warning.unwrap();
    assert!(warning.contains("WIT check was skipped"), "{warning}");
    assert!(
        events
            .0
            .lock()
            .unwrap()
            .contains(&riptide_pool::PoolEvent::WitCheckSkipped)
    );
}
