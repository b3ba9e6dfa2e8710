//! Overload and shutdown through the facade, with the hostile guest's `http://slow/?ms=N`
//! (busy for N ms, then a normal result) holding instances for a known time.

use std::time::{Duration, Instant};

use riptide::{ExtractionMode, Extractor, HotConfig, PoolConfig};

fn hostile() -> &'static [u8] {
    riptide_guest_build::shared_component(env!("CARGO_MANIFEST_DIR"), "riptide-hostile-guest")
        .expect("the hostile guest builds")
}

/// Two request places, one hot instance.
async fn extractor(acquire_timeout: Duration) -> Extractor {
    let config = PoolConfig::builder()
        .hot(HotConfig {
            min: 1,
            max: 2,
            initial: 1,
            ..HotConfig::default()
        })
        .max_instances(2)
        .acquire_timeout(acquire_timeout)
        .call_timeout(Duration::from_secs(10))
        .cache_dir(concat!(env!("CARGO_TARGET_TMPDIR"), "/riptide-cache"))
        .build()
        .expect("config");
    Extractor::builder()
        .component_bytes(hostile())
        .pool_config(config)
        .build()
        .await
        .expect("the hostile component loads")
}

const HTML: &str = "<html><body><p>overload</p></body></html>";

async fn settle(extractor: &Extractor) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while extractor.pool().status().available < 2 || extractor.metrics().pool.status.in_use > 0 {
        assert!(Instant::now() < deadline, "{:?}", extractor.metrics());
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

#[tokio::test]
async fn more_requests_than_the_pool_allows_get_pool_exhausted_never_a_hang() {
    let acquire_timeout = Duration::from_millis(200);
    let extractor = extractor(acquire_timeout).await;
    let started = Instant::now();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let extractor = extractor.clone();
            tokio::spawn(async move {
                let started = Instant::now();
                let result = extractor
                    .extract(HTML, "http://slow/?ms=1000", ExtractionMode::Article)
                    .await;
                (result, started.elapsed())
            })
        })
        .collect();
    let all = tokio::time::timeout(Duration::from_secs(60), async {
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.expect("task"));
        }
        results
    })
    .await
    .expect("no request hangs");
    let mut served = 0;
    let mut exhausted = 0;
    for (result, elapsed) in all {
        match result {
            Ok(doc) => {
                assert_eq!(doc.text, "busy for 1000 ms");
                served += 1;
            }
            Err(e) => {
                assert_eq!(e.kind(), "pool_exhausted", "{e}");
                assert!(e.to_string().contains("raise max_instances"), "{e}");
                assert!(
                    elapsed >= acquire_timeout
                        && elapsed < acquire_timeout + Duration::from_secs(2),
                    "refused after {elapsed:?}"
                );
                exhausted += 1;
            }
        }
    }
    assert_eq!((served, exhausted), (2, 6));
    assert!(started.elapsed() < Duration::from_secs(30));
    settle(&extractor).await;
    assert_eq!(extractor.metrics().pool.exhausted, 6);
    // Capacity is back: the next request is served.
    let doc = extractor
        .extract(HTML, "https://example.com/", ExtractionMode::Article)
        .await
        .unwrap();
    assert_eq!(doc.text, format!("{} bytes of html", HTML.len()));
}

#[tokio::test]
async fn shutdown_finishes_in_flight_requests_and_rejects_new_ones() {
    let extractor = extractor(Duration::from_secs(30)).await;
    let started = Instant::now();
    let in_flight: Vec<_> = (0..2)
        .map(|_| {
            let extractor = extractor.clone();
            tokio::spawn(async move {
                extractor
                    .extract(HTML, "http://slow/?ms=800", ExtractionMode::Article)
                    .await
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(10);
    while extractor.metrics().pool.status.in_use < 2 {
        assert!(Instant::now() < deadline, "{:?}", extractor.metrics());
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    // A third request waits for a place…
    let waiting = {
        let extractor = extractor.clone();
        tokio::spawn(async move {
            extractor
                .extract(HTML, "https://example.com/", ExtractionMode::Article)
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    // …when the shutdown starts.
    let shutdown = {
        let extractor = extractor.clone();
        tokio::spawn(async move {
            extractor.shutdown().await;
            Instant::now()
        })
    };
    while !extractor.pool().status().shut_down {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    // New requests are refused at once, with a clear error.
    let refused_at = Instant::now();
    let err = extractor
        .extract(HTML, "https://example.com/", ExtractionMode::Article)
        .await
        .unwrap_err();
    assert!(refused_at.elapsed() < Duration::from_millis(500));
    assert_eq!(err.kind(), "shut_down");
    assert_eq!(
        err.to_string(),
        "the extractor is shut down and takes no new requests"
    );
    // The requests in flight finish normally.
    for task in in_flight {
        let doc = task.await.unwrap().expect("in-flight request finishes");
        assert_eq!(doc.text, "busy for 800 ms");
    }
    // The one that was waiting for a place is refused, not lost or hung.
    let err = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("the waiting request does not hang")
        .unwrap()
        .unwrap_err();
    assert_eq!(err.kind(), "shut_down");
    // Shutdown returns once the in-flight requests are done, and releases every instance.
    let finished = tokio::time::timeout(Duration::from_secs(10), shutdown)
        .await
        .expect("shutdown does not hang")
        .unwrap();
    assert!(
        finished.duration_since(started) >= Duration::from_millis(700),
        "shutdown returned before the in-flight requests could finish"
    );
    let m = extractor.metrics().pool;
    assert_eq!(m.status.in_use, 0);
    assert_eq!(m.status.live_instances, 0, "{m:?}");
    assert_eq!(m.calls_ok, 2);
}
