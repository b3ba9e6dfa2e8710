//! The project's real-page fixtures (`fixtures/` at the workspace root) through the library's
//! default engine: the same expectations as the sandboxed end-to-end tests of the `riptide`
//! crate, checked natively.

use riptide_extract::{Mode, extract};

fn fixture(name: &str) -> String {
    let path = format!("{}/../../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

fn truth(name: &str) -> serde_json::Value {
    serde_json::from_str(&fixture(name)).expect("fixture JSON")
}

#[test]
fn nytimes_article_has_title_byline_text_and_links() {
    let expected = truth("readability-nytimes-1.expected.json");
    let doc = extract(
        &fixture("readability-nytimes-1.html"),
        "http://fakehost/test/page.html",
        &Mode::Article,
    )
    .expect("an article");
    assert_eq!(doc.title.as_deref(), expected["title"].as_str());
    assert_eq!(doc.byline.as_deref(), expected["byline"].as_str());
    assert_eq!(doc.language.as_deref(), Some("en"));
    assert!(
        doc.text
            .contains("After nearly 20 years of hostile relations")
    );
    assert!(doc.text.contains("Sudan is one of the poorest"));
    assert!(doc.text.split("\n\n").all(|block| !block.trim().is_empty()));
    assert!(
        doc.markdown
            .contains("# United States to Lift Sudan Sanctions"),
        "{}",
        doc.markdown
    );
    assert!(doc.links.iter().any(|l| l.starts_with(
        "http://topics.nytimes.com/top/news/international/countriesandterritories/sudan/"
    )));
    for gone in ["Advertisement", "Continue reading the main story"] {
        assert!(!doc.text.contains(gone), "{gone:?} in the text");
    }
    assert!(doc.word_count.is_some_and(|w| w > 500));
    assert!(doc.quality_score.is_some_and(|q| q > 50));
}

#[test]
fn wcxb_article_has_author_date_and_main_content() {
    let truth = truth("wcxb-0040.truth.json");
    let url = truth["url"].as_str().expect("a URL");
    let doc = extract(&fixture("wcxb-0040.html"), url, &Mode::Article).expect("an article");
    let gt = &truth["ground_truth"];
    assert_eq!(doc.byline.as_deref(), gt["author"].as_str());
    assert!(
        doc.published_iso
            .as_deref()
            .is_some_and(|d| d.starts_with(gt["publish_date"].as_str().unwrap_or("-")))
    );
    for snippet in gt["with"].as_array().into_iter().flatten() {
        let snippet = snippet.as_str().unwrap_or_default();
        assert!(doc.text.contains(snippet), "missing {snippet}");
    }
    for snippet in gt["without"].as_array().into_iter().flatten() {
        let snippet = snippet.as_str().unwrap_or_default();
        assert!(!doc.text.contains(snippet), "boilerplate {snippet}");
    }
    assert_eq!(doc.site_name.as_deref(), Some("LuccaAM"));
    assert!(
        doc.media
            .iter()
            .any(|m| m.ends_with(".png") || m.ends_with(".jpg"))
    );
}

#[test]
fn wcxb_forum_thread_keeps_its_posts() {
    let truth = truth("wcxb-0520.truth.json");
    let doc = extract(
        &fixture("wcxb-0520.html"),
        truth["url"].as_str().expect("a URL"),
        &Mode::Article,
    )
    .expect("a thread");
    let gt = &truth["ground_truth"];
    assert_eq!(doc.title.as_deref(), gt["title"].as_str());
    assert_eq!(doc.byline.as_deref(), gt["author"].as_str());
    assert!(doc.text.contains(gt["with"][0].as_str().unwrap_or("-")));
}
