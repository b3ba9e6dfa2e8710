//! Pathological pages through the native engine: each gives an answer, bounded in size, in a
//! time that grows about linearly with the input (the bounds here are loose enough for
//! unoptimised test builds on a busy machine).

#[path = "../examples/common/pathological.rs"]
#[allow(dead_code, reason = "the page list is for the examples")]
mod pages;

use std::time::{Duration, Instant};

use pages::{flat, links, nested, text_node, text_node_words};
use riptide_extract::{Engine, ExtractError, MAX_NESTING, Mode, extract_with_engine};

const URL: &str = "https://example.com/dir/page.html";

/// Extract in article mode with the native engine, and time it.
fn article(html: &str) -> (Result<riptide_extract::Extracted, ExtractError>, Duration) {
    let started = Instant::now();
    let result = extract_with_engine(html, URL, &Mode::Article, Engine::Native);
    (result, started.elapsed())
}

#[test]
fn ten_thousand_levels_are_refused_quickly() {
    let (result, took) = article(&nested(10_000));
    assert!(
        matches!(result, Err(ExtractError::ResourceLimit(_))),
        "{result:?}"
    );
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[test]
fn nesting_just_under_the_limit_is_extracted() {
    let (result, took) = article(&nested(MAX_NESTING - 10));
    let doc = result.expect("an answer");
    assert!(doc.text.contains("innermost paragraph"), "{:?}", doc.text);
    assert!(doc.text.len() < 200);
    assert!(took < Duration::from_secs(30), "{took:?}");
}

#[test]
fn huge_flat_page_is_extracted_whole() {
    let count = 20_000;
    let html = flat(count);
    let (result, took) = article(&html);
    let doc = result.expect("an answer");
    assert_eq!(doc.text.matches("Lorem ipsum").count(), count);
    assert!(doc.text.len() < html.len());
    assert!(doc.markdown.len() < html.len());
    assert!(!doc.text.contains("Home"));
    assert!(took < Duration::from_secs(30), "{took:?}");
}

#[test]
fn megabyte_text_node_is_kept_and_bounded() {
    let words = text_node_words();
    assert!(words.len() > 1_000_000);
    let html = text_node();
    let (result, took) = article(&html);
    let doc = result.expect("an answer");
    assert!(
        doc.text.len() >= words.trim().len() - 10,
        "{}",
        doc.text.len()
    );
    assert!(doc.text.len() <= words.len());
    assert!(doc.markdown.len() <= words.len() + 16);
    assert!(took < Duration::from_secs(30), "{took:?}");
}

#[test]
fn hundred_thousand_links_give_a_bounded_answer() {
    let html = links(100_000);
    let (result, took) = article(&html);
    let doc = result.expect("an answer");
    assert!(doc.text.contains("great many links"));
    assert!(doc.links.len() <= 100_000);
    assert!(doc.text.len() < html.len());
    // Links are written absolute, longer than in the source.
    assert!(doc.markdown.len() < 2 * html.len());
    assert!(took < Duration::from_secs(60), "{took:?}");
}
