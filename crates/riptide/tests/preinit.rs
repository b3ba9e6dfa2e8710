//! The bundled component is pre-initialized: a fresh instance starts from the snapshot, with
//! nothing of the warm-up pages in it and the same answers as any other fresh instance.

mod common;

use riptide::{ExtractionMode, Extractor, HotConfig, Isolation, PoolConfig};

fn fixture(name: &str) -> String {
    let path = format!("{}/../../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

/// An extractor with no hot tier: every request instantiates a fresh instance.
async fn fresh_only() -> Extractor {
    let config = PoolConfig::builder()
        .max_instances(2)
        .isolation(Isolation::PerRequest)
        .hot(HotConfig {
            min: 0,
            max: 1,
            initial: 0,
            auto_tune: false,
            ..HotConfig::default()
        })
        .cache_dir(common::CACHE_DIR)
        .build()
        .expect("config");
    common::build(config).await
}

#[tokio::test]
async fn the_first_extraction_of_a_fresh_instance_equals_the_next_fresh_one() {
    let extractor = fresh_only().await;
    let url = "http://fakehost/test/page.html";
    for (page, mode) in [
        ("readability-nytimes-1.html", ExtractionMode::Article),
        ("readability-nytimes-1.html", ExtractionMode::Full),
        ("readability-nytimes-1.html", ExtractionMode::Metadata),
        (
            "readability-nytimes-1.html",
            ExtractionMode::Custom(vec!["h1".into(), "article p".into()]),
        ),
    ] {
        let html = fixture(page);
        let first = extractor
            .extract(html.clone(), url, mode.clone())
            .await
            .expect("first fresh instance");
        let second = extractor
            .extract(html, url, mode.clone())
            .await
            .expect("second fresh instance");
        assert_eq!(first, second, "{page} in {mode:?}");
        assert!(!first.text.is_empty() || first.title.is_some(), "{mode:?}");
    }
    let metrics = extractor.metrics().pool;
    assert_eq!(metrics.hits.hot, 0, "no request may come from the hot tier");
    assert!(metrics.hits.warm + metrics.hits.cold >= 8, "{metrics:?}");
}

#[tokio::test]
async fn a_fresh_instance_has_served_no_extraction() {
    let extractor = fresh_only().await;
    let health = extractor.health().await.expect("health");
    // The snapshot was taken after the build-time warm-up pages: their count was reset.
    assert_eq!(health.extraction_count, Some(0), "{health:?}");
    let info = extractor.info().await.expect("info");
    assert!(
        info.supported_modes.iter().any(|m| m == "article"),
        "{info:?}"
    );
}
