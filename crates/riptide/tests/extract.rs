//! End-to-end tests of the facade: the real bundled component in wasmtime, on real pages.

mod common;

use riptide::{Error, ExtractionMode, Extractor, PoolConfig};

fn fixture(name: &str) -> String {
    let path = format!("{}/../../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

fn truth(name: &str) -> serde_json::Value {
    serde_json::from_str(&fixture(name)).expect("fixture JSON")
}

/// The shared extractor of this test binary (8 instances).
fn extractor() -> Extractor {
    common::extractor(8)
}

#[tokio::test]
async fn several_authors_come_back_one_by_one() {
    let html = "<html><head><title>A study</title>\
                <meta name=author content='Ann Lee, MD, Bo Chan and Cy Dee'></head>\
                <body><article><h1>A study</h1><p>Findings of the study, in one paragraph \
                that is long enough to be the article.</p></article></body></html>";
    let doc = extractor()
        .extract(
            html,
            "https://news.example/2024/05/01/a-study",
            ExtractionMode::Article,
        )
        .await
        .unwrap();
    assert_eq!(
        doc.byline.as_deref(),
        Some("Ann Lee, MD, Bo Chan and Cy Dee")
    );
    assert_eq!(doc.authors, ["Ann Lee, MD", "Bo Chan", "Cy Dee"]);
}

#[tokio::test]
async fn text_read_twice_and_references_escaped_twice_come_back_as_meant() {
    // UTF-8 read as Windows-1252 on its way ("donâ€™t"), and a description escaped twice.
    let html = "<html><head><title>Itâ€™s the cafÃ© â€” again</title>\
                <meta name=description content='Bear&amp;#39;s caf&amp;eacute;'></head>\
                <body><article><h1>Itâ€™s the cafÃ© â€” again</h1><p>The cafÃ© reopened, \
                and its owners say they donâ€™t plan to close it again.</p></article>\
                </body></html>";
    let doc = extractor()
        .extract(
            html,
            "https://news.example/2024/05/01/cafe",
            ExtractionMode::Article,
        )
        .await
        .unwrap();
    assert_eq!(doc.title.as_deref(), Some("It’s the café — again"));
    assert_eq!(doc.description.as_deref(), Some("Bear's café"));
    assert!(doc.text.contains("don’t plan"), "{}", doc.text);
}

#[tokio::test]
async fn nytimes_article_has_title_byline_text_and_links() {
    let expected = truth("readability-nytimes-1.expected.json");
    let doc = extractor()
        .extract(
            fixture("readability-nytimes-1.html"),
            "http://fakehost/test/page.html",
            ExtractionMode::Article,
        )
        .await
        .unwrap();
    assert_eq!(doc.title.as_deref(), expected["title"].as_str());
    assert_eq!(doc.byline.as_deref(), expected["byline"].as_str());
    assert_eq!(doc.authors, ["Jeffrey Gettleman"]);
    assert_eq!(doc.language.as_deref(), Some("en"));
    assert!(
        doc.text
            .contains("After nearly 20 years of hostile relations"),
        "{}",
        doc.text
    );
    assert!(doc.text.contains("Sudan is one of the poorest"));
    assert!(
        doc.markdown
            .contains("# United States to Lift Sudan Sanctions")
    );
    assert!(
        doc.links
            .iter()
            .all(|l| l.starts_with("http://") || l.starts_with("https://"))
    );
    assert!(
        doc.links.iter().any(|l| l.starts_with(
            "http://topics.nytimes.com/top/news/international/countriesandterritories/sudan/"
        )),
        "{:?}",
        doc.links
    );
    let mut unique = doc.links.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), doc.links.len(), "links are de-duplicated");
    assert!(doc.word_count.unwrap() > 500);
    assert_eq!(
        doc.reading_time,
        Some(doc.word_count.unwrap().div_ceil(200))
    );
    assert!(doc.quality_score.is_some());
}

#[tokio::test]
async fn wcxb_article_has_author_date_and_main_content() {
    let truth = truth("wcxb-0040.truth.json");
    let url = truth["url"].as_str().unwrap();
    let doc = extractor()
        .extract(fixture("wcxb-0040.html"), url, ExtractionMode::Article)
        .await
        .unwrap();
    let gt = &truth["ground_truth"];
    assert_eq!(doc.byline.as_deref(), gt["author"].as_str());
    assert!(
        doc.published_iso
            .as_deref()
            .unwrap()
            .starts_with(gt["publish_date"].as_str().unwrap())
    );
    for snippet in gt["with"].as_array().unwrap() {
        assert!(
            doc.text.contains(snippet.as_str().unwrap()),
            "missing {snippet}"
        );
    }
    assert_eq!(doc.site_name.as_deref(), Some("LuccaAM"));
    assert!(
        doc.media
            .iter()
            .any(|m| m.ends_with(".png") || m.ends_with(".jpg"))
    );
}

#[tokio::test]
async fn wcxb_forum_thread_keeps_its_posts() {
    let truth = truth("wcxb-0520.truth.json");
    let doc = extractor()
        .extract(
            fixture("wcxb-0520.html"),
            truth["url"].as_str().unwrap(),
            ExtractionMode::Article,
        )
        .await
        .unwrap();
    let gt = &truth["ground_truth"];
    assert_eq!(doc.title.as_deref(), gt["title"].as_str());
    assert_eq!(doc.byline.as_deref(), gt["author"].as_str());
    assert!(doc.text.contains(gt["with"][0].as_str().unwrap()));
}

#[tokio::test]
async fn metadata_mode_leaves_text_empty() {
    let doc = extractor()
        .extract(
            fixture("readability-nytimes-1.html"),
            "http://fakehost/test/page.html",
            ExtractionMode::Metadata,
        )
        .await
        .unwrap();
    assert_eq!(
        doc.title.as_deref(),
        Some("United States to Lift Sudan Sanctions")
    );
    assert!(doc.text.is_empty() && doc.markdown.is_empty());
    assert!(doc.links.is_empty());
    assert_eq!(doc.word_count, None);
    assert!(
        doc.description
            .unwrap()
            .starts_with("For the first time since the 1990s")
    );
}

const PAGE: &str = r#"<html lang="fr"><head><title>Page</title></head><body>
  <nav><a href="/home">Accueil</a></nav>
  <div class="lead"><p>Premier paragraphe avec un <a href="a.html">lien</a>.</p></div>
  <script>var hidden = "script text";</script>
  <p hidden>caché</p><p aria-hidden="true">aussi caché</p>
  <h2 id="x">Second titre</h2>
  <p class="lead">Deuxième <a href="/a/a.html">lien encore</a>.</p>
  <img src="data:image/png;base64,AAAA" data-src="/lazy.jpg"><img src="/lazy.jpg">
  <picture><source srcset="/p-small.webp 1x, /p-big.webp 2x"><img src="/p.jpg"></picture>
  <video src="/v.mp4" poster="/poster.png"></video><audio><source src="https://cdn.example/a.mp3"></audio>
</body></html>"#;

#[tokio::test]
async fn full_mode_is_visible_text_with_absolute_deduplicated_links_and_media() {
    let doc = extractor()
        .extract(PAGE, "https://example.com/a/b.html", ExtractionMode::Full)
        .await
        .unwrap();
    assert!(doc.text.contains("Accueil"));
    assert!(doc.text.contains("Second titre"));
    assert!(!doc.text.contains("script text"));
    assert!(!doc.text.contains("caché"));
    assert_eq!(
        doc.links,
        ["https://example.com/home", "https://example.com/a/a.html"],
        "resolved against the page URL and de-duplicated"
    );
    assert_eq!(
        doc.media,
        [
            "https://example.com/lazy.jpg",
            "https://example.com/p-small.webp",
            "https://example.com/p.jpg",
            "https://example.com/v.mp4",
            "https://example.com/poster.png",
            "https://cdn.example/a.mp3",
        ]
    );
    assert_eq!(doc.language.as_deref(), Some("fr"));
}

#[tokio::test]
async fn custom_mode_returns_matches_in_document_order() {
    let doc = extractor()
        .extract(
            PAGE,
            "https://example.com/",
            ExtractionMode::Custom(vec!["h2".into(), ".lead".into()]),
        )
        .await
        .unwrap();
    assert_eq!(
        doc.text,
        "Premier paragraphe avec un lien.\n\nSecond titre\n\nDeuxième lien encore."
    );
    assert_eq!(
        doc.links,
        ["https://example.com/a.html", "https://example.com/a/a.html"]
    );
}

/// A builder for an extractor of its own with one instance, so that its counters see only
/// the test's requests.
fn one_instance() -> riptide::ExtractorBuilder {
    Extractor::builder().pool_config(
        PoolConfig::builder()
            .max_instances(1)
            .cache_dir(concat!(env!("CARGO_TARGET_TMPDIR"), "/riptide-cache"))
            .build()
            .unwrap(),
    )
}

#[tokio::test]
async fn bad_requests_are_refused_before_the_sandbox() {
    // A pool of its own, so that its counters see only these requests.
    let extractor = one_instance().build().await.unwrap();
    let err = extractor
        .extract(PAGE, "javascript:alert(1)", ExtractionMode::Article)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "url_scheme");
    assert!(matches!(err, Error::InvalidInput(_)));
    let err = extractor
        .extract(
            PAGE,
            "https://example.com/",
            ExtractionMode::Custom(vec!["p[".into()]),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "selector_invalid");
    let err = extractor
        .extract(
            "%PDF-1.7 binary",
            "https://example.com/",
            ExtractionMode::Article,
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "html_binary");
    let metrics = extractor.metrics();
    let m = &metrics.pool;
    assert_eq!(
        m.hits.hot + m.hits.warm + m.hits.cold,
        0,
        "no instance was taken"
    );
    assert_eq!(m.calls_ok + m.calls_failed, 0, "the guest was never called");

    // The input checks are counted next to the pool's metrics, failures by kind.
    let input = &metrics.validation.input;
    assert_eq!((input.checked, input.failed()), (3, 3));
    for kind in ["url_scheme", "selector_invalid", "html_binary"] {
        assert_eq!(input.failures_of(kind), 1, "{kind}");
    }
    assert_eq!(input.latency.count, 3);
    assert!(input.mean_us() > 0.0 && input.p99_us() >= input.mean_us() * 0.5);
    extractor
        .extract(PAGE, "https://example.com/", ExtractionMode::Article)
        .await
        .unwrap();
    let metrics = extractor.metrics();
    assert_eq!(
        (
            metrics.validation.input.checked,
            metrics.validation.input.failed()
        ),
        (4, 3)
    );
    // The start-up WIT check of the bundled component.
    let startup = &metrics.validation.startup;
    assert_eq!(
        startup.component_sha256,
        riptide::bundled_component_sha256()
    );
    assert_eq!((startup.errors, startup.skipped), (0, false));
    assert!(extractor.warnings().is_empty());

    let text = metrics.to_prometheus();
    let sha = riptide::bundled_component_sha256();
    for line in [
        "riptide_validation_inputs_total 4".to_string(),
        "riptide_validation_input_failures_total{kind=\"url_scheme\"} 1".to_string(),
        "riptide_validation_input_failures_total{kind=\"html_empty\"} 0".to_string(),
        "riptide_validation_input_seconds_count 4".to_string(),
        format!("riptide_validation_startup_errors{{component=\"{sha}\"}} 0"),
        format!("riptide_validation_startup_skipped{{component=\"{sha}\"}} 0"),
        "riptide_pool_calls_ok_total 1".to_string(),
    ] {
        assert!(text.contains(&line), "{line} missing:\n{text}");
    }
    assert!(text.contains("riptide_validation_input_p99_microseconds "));
    assert_eq!(
        text.matches("# TYPE riptide_pool_hits_total counter")
            .count(),
        1,
        "one exposition"
    );
}

/// Skipping the WIT check is a debugging bypass that is never silent: a warning to show,
/// and the metrics say so.
#[tokio::test]
async fn skipping_the_wit_check_is_reported() {
    let extractor = one_instance().skip_wit_check().build().await.unwrap();
    let warnings = extractor.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("WIT check was skipped"),
        "{warnings:?}"
    );
    let metrics = extractor.metrics();
    let startup = &metrics.validation.startup;
    assert!(startup.skipped);
    assert_eq!(startup.warnings, 1);
    assert!(
        metrics
            .to_prometheus()
            .contains("riptide_validation_startup_warnings{component=")
    );
    // It still extracts.
    let doc = extractor
        .extract(PAGE, "https://example.com/", ExtractionMode::Full)
        .await
        .unwrap();
    assert!(!doc.text.is_empty());
}

#[tokio::test]
async fn stats_health_info_and_modes_come_from_the_guest() {
    let extractor = extractor();
    let (doc, stats) = extractor
        .extract_with_stats(PAGE, "https://example.com/", ExtractionMode::Full)
        .await
        .unwrap();
    assert_eq!(stats.links_found as usize, doc.links.len());
    assert_eq!(stats.images_found as usize, doc.media.len());
    assert!(stats.nodes_processed.unwrap() > 20);
    assert!(stats.memory_used >= 64 * 1024);
    let health = extractor.health().await.unwrap();
    assert_eq!(health.status, "healthy");
    assert!(health.memory_usage.unwrap() > 0);
    let info = extractor.info().await.unwrap();
    assert_eq!(info.name, "riptide-guest");
    assert_eq!(info.component_model_version, "riptide:extractor@0.3.0");
    assert_eq!(
        extractor.modes().await.unwrap(),
        ["article", "full", "metadata", "custom"]
    );
    assert!(extractor.validate_html(PAGE).await.unwrap());
    assert!(
        !extractor
            .validate_html("<html><head><title>t</title></head></html>")
            .await
            .unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_extractor_serves_concurrent_tasks() {
    let extractor = extractor();
    let page = fixture("wcxb-0520.html");
    let mut tasks = Vec::new();
    for i in 0..8 {
        let extractor = extractor.clone();
        let page = page.clone();
        tasks.push(tokio::spawn(async move {
            let url = format!("https://forums.example/thread/{i}");
            extractor.extract(page, &url, ExtractionMode::Article).await
        }));
    }
    let mut titles = Vec::new();
    for task in tasks {
        titles.push(task.await.unwrap().unwrap().title);
    }
    // Same page, same answer, and a real one: the page's title.
    let expected = Some("Do Forums still have a role in the age of social media?".to_string());
    assert!(
        titles.iter().all(|t| *t == expected),
        "every task gets the page's title: {titles:?}"
    );
}

#[tokio::test]
async fn a_missing_component_file_is_a_clear_error() {
    let err = Extractor::builder()
        .component_path("/nonexistent/extractor.wasm")
        .build()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "component_read");
    assert!(err.to_string().contains("/nonexistent/extractor.wasm"));
    let err = Extractor::builder()
        .component_bytes(b"not wasm at all".to_vec())
        .build()
        .await
        .unwrap_err();
    // The pool's kind is kept: the WIT check refuses the bytes before wasmtime sees them.
    assert_eq!(err.kind(), "invalid_component");
    assert!(err.to_string().contains("riptide:extractor"), "{err}");
}

#[tokio::test]
async fn bytes_in_any_declared_encoding_extract_as_text() {
    use riptide::charset::encoding_rs::{SHIFT_JIS, WINDOWS_1252};
    let html = "<html><head><meta charset=\"iso-8859-1\"><title>Dessert</title></head>\
                <body><article><h1>Café crème brûlée</h1><p>Une crème onctueuse.</p></article></body></html>";
    let (latin1, _, _) = WINDOWS_1252.encode(html);
    let doc = extractor()
        .extract_bytes(&latin1, None, "https://e.com/", ExtractionMode::Full)
        .await
        .unwrap();
    assert!(doc.text.contains("Café crème brûlée"), "{}", doc.text);
    assert!(!doc.text.contains('\u{FFFD}'));
    // The charset of the HTTP header, with no declaration in the page.
    let (sjis, _, _) = SHIFT_JIS.encode("<p>吾輩は猫である。名前はまだ無い。</p>");
    let doc = extractor()
        .extract_bytes(
            &sjis,
            Some("text/html; charset=Shift_JIS"),
            "https://e.jp/",
            ExtractionMode::Full,
        )
        .await
        .unwrap();
    assert_eq!(doc.text, "吾輩は猫である。名前はまだ無い。");
}
