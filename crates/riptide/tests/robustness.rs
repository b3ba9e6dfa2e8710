//! Pathological inputs through the real component: each gives a result or a clear, typed
//! error — never a trap, a hang or a panic on the host.

mod common;

use riptide::{Error, ExtractionError, ExtractionMode, Extractor};

fn extractor() -> Extractor {
    common::extractor(4)
}

const URL: &str = "https://example.com/page";

/// A result, or an extraction error the guest reported: anything else (a trap, a timeout)
/// means the input broke the sandboxed extractor.
fn assert_handled(what: &str, result: &Result<riptide::ExtractedContent, Error>) {
    match result {
        Ok(_) | Err(Error::Extraction(_)) => {}
        Err(e) => panic!("{what}: expected a result or an extraction error, got {e}"),
    }
}

fn nested(depth: usize) -> String {
    let mut html = String::with_capacity(depth * 11 + 200);
    html.push_str("<html><head><title>Deep</title></head><body>");
    html.push_str(&"<div>".repeat(depth));
    html.push_str("<p>The innermost paragraph of a very deep document.</p>");
    html.push_str(&"</div>".repeat(depth));
    html.push_str("</body></html>");
    html
}

#[tokio::test]
async fn a_document_nested_100k_levels_deep_is_a_resource_limit_error() {
    let html = nested(100_000);
    for mode in [
        ExtractionMode::Article,
        ExtractionMode::Full,
        ExtractionMode::Metadata,
        ExtractionMode::Custom(vec!["p".into()]),
    ] {
        let err = extractor()
            .extract(html.clone(), URL, mode.clone())
            .await
            .expect_err("100k levels are refused");
        assert!(
            matches!(&err, Error::Extraction(ExtractionError::ResourceLimit(m)) if m.contains("100000 levels deep")),
            "{mode:?}: expected a resource-limit error naming the depth, got {err}"
        );
    }
}

#[tokio::test]
async fn a_document_nested_3000_levels_deep_is_extracted() {
    let html = nested(3_000);
    for mode in [
        ExtractionMode::Article,
        ExtractionMode::Full,
        ExtractionMode::Custom(vec!["p".into()]),
    ] {
        let doc = extractor()
            .extract(html.clone(), URL, mode.clone())
            .await
            .unwrap_or_else(|e| panic!("{mode:?}: {e}"));
        assert!(
            doc.text.contains("innermost paragraph"),
            "{mode:?}: the deep text is lost: {:?}",
            doc.text
        );
        assert_eq!(doc.title.as_deref(), Some("Deep"));
    }
}

/// A 10 MB page (just under the default input limit) in full and metadata mode. Article mode
/// takes about 6.6 s natively on it (`cargo run --release -p riptide-extract --example
/// pathological`), close to the default 10 s deadline: not run here.
#[tokio::test]
async fn a_10_mb_page_is_extracted() {
    let paragraph = "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod \
                     tempor incididunt ut labore et dolore magna aliqua.</p>\n";
    let mut html = String::from("<html><head><title>Huge</title></head><body><article>");
    while html.len() + paragraph.len() + 40 < 10 * 1024 * 1024 {
        html.push_str(paragraph);
    }
    html.push_str("</article></body></html>");
    let doc = extractor()
        .extract(html.clone(), URL, ExtractionMode::Full)
        .await
        .expect("a 10 MB page of paragraphs has content");
    assert!(
        doc.word_count.unwrap_or(0) > 1_000_000,
        "{:?}",
        doc.word_count
    );
    let meta = extractor()
        .extract(html, URL, ExtractionMode::Metadata)
        .await
        .expect("metadata of a 10 MB page");
    assert_eq!(meta.title.as_deref(), Some("Huge"));
    assert!(meta.text.is_empty());
}

#[tokio::test]
async fn empty_and_binary_inputs_are_refused_before_the_guest() {
    for (what, html, kind) in [
        ("empty", String::new(), "html_empty"),
        ("whitespace", " \n\t ".to_string(), "html_empty"),
        ("PDF", "%PDF-1.7\n%âãÏÓ\n1 0 obj".to_string(), "html_binary"),
        ("NUL bytes", "<p>a\0b</p>".to_string(), "html_binary"),
    ] {
        let err = extractor()
            .extract(html, URL, ExtractionMode::Article)
            .await
            .expect_err(what);
        assert!(
            matches!(err, Error::InvalidInput(_)),
            "{what}: expected invalid input, got {err}"
        );
        assert_eq!(err.kind(), kind, "{what}: {err}");
    }
}

#[tokio::test]
async fn script_only_and_contentless_pages_give_a_result_or_an_extraction_error() {
    for (what, html) in [
        (
            "script only",
            "<html><head><script>var a = 1; document.write('<p>hi</p>');</script></head></html>",
        ),
        ("style only", "<style>body { color: red }</style>"),
        ("comment only", "<!-- nothing here -->"),
        ("text only", "just some words, no markup at all"),
        ("unclosed tags", "<div><p><span><a href='x'>link"),
        ("control characters", "<p>\u{1}\u{2} text \u{7f}</p>"),
    ] {
        let result = extractor()
            .extract(html.to_string(), URL, ExtractionMode::Article)
            .await;
        assert_handled(what, &result);
        if let Ok(doc) = &result {
            assert!(
                !doc.text.contains("var a = 1") && !doc.text.contains("color: red"),
                "{what}: script or style text leaked into the content: {:?}",
                doc.text
            );
        }
    }
}
