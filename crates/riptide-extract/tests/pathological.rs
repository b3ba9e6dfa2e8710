//! Pathological pages through the native engine: each gives an answer, bounded in size, in a
//! time that grows about linearly with the input (the bounds here are loose enough for
//! unoptimised test builds on a busy machine).

use std::time::{Duration, Instant};

use riptide_extract::{Engine, ExtractError, MAX_NESTING, Mode, extract_with_engine};

const URL: &str = "https://example.com/dir/page.html";

/// Extract in article mode with the native engine, and time it.
fn article(html: &str) -> (Result<riptide_extract::Extracted, ExtractError>, Duration) {
    let started = Instant::now();
    let result = extract_with_engine(html, URL, &Mode::Article, Engine::Native);
    (result, started.elapsed())
}

fn nested(depth: usize) -> String {
    let mut html = String::from("<html><body>");
    html.push_str(&"<div>".repeat(depth));
    html.push_str("<p>The innermost paragraph of a very deep document, with a comma, here.</p>");
    html.push_str(&"</div>".repeat(depth));
    html.push_str("</body></html>");
    html
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
    let paragraph = "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod \
                     tempor incididunt ut labore et dolore magna aliqua.</p>\n";
    let count = 20_000;
    let html = format!(
        "<html><body><nav><a href=/>Home</a></nav><article>{}</article></body></html>",
        paragraph.repeat(count)
    );
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
    let words = "tide moon sun sea, ".repeat(55_000);
    assert!(words.len() > 1_000_000);
    let html = format!("<html><body><article><p>{words}</p></article></body></html>");
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
    let mut html = String::from(
        "<html><body><article><p>A page that lists a great many links, one per entry, for \
         testing.</p><ul>",
    );
    for n in 0..100_000 {
        html.push_str(&format!("<li><a href='/item/{n}'>Item {n}</a></li>"));
    }
    html.push_str("</ul></article></body></html>");
    let (result, took) = article(&html);
    let doc = result.expect("an answer");
    assert!(doc.text.contains("great many links"));
    assert!(doc.links.len() <= 100_000);
    assert!(doc.text.len() < html.len());
    // Links are written absolute, longer than in the source.
    assert!(doc.markdown.len() < 2 * html.len());
    assert!(took < Duration::from_secs(60), "{took:?}");
}
