//! The second engine: article mode through the `rs-trafilatura` crate (cargo feature
//! `trafilatura`), kept for comparisons.

use dom_query::Document;
use url::Url;

use crate::content::Content;
use crate::meta::Fallback;
use std::collections::HashSet;

use crate::{ExtractError, dom, words};

/// Run rs-trafilatura on `html` (it parses the page again).
pub(crate) fn article(html: &str, page_url: &Url, base: &Url) -> Result<Content, ExtractError> {
    let options = rs_trafilatura::Options {
        include_links: true,
        include_images: true,
        include_tables: true,
        output_markdown: true,
        url: Some(page_url.to_string()),
        ..rs_trafilatura::Options::default()
    };
    let result = rs_trafilatura::extract_with_options(html, &options)
        .map_err(|e| ExtractError::Extractor(e.to_string()))?;
    let (links, media) = match result.content_html.as_deref() {
        Some(content) if !content.is_empty() => {
            let fragment = Document::fragment(content);
            let root = fragment.root();
            (dom::links(&root, base), dom::media(&root, base))
        }
        _ => (Vec::new(), Vec::new()),
    };
    let mut media = media;
    media.extend(
        result
            .images
            .iter()
            .filter_map(|image| dom::resolve(base, &image.src)),
    );
    dedup_in_order(&mut media);
    let text = words::normalise_blocks(&result.content_text);
    let quality = if text.is_empty() {
        0
    } else {
        // extraction_quality is a predicted F1 in 0..=1; the cast is safe after clamping.
        (result.extraction_quality.clamp(0.0, 1.0) * 100.0).round() as u8
    };
    let meta = result.metadata;
    Ok(Content {
        markdown: result
            .content_markdown
            .map(|m| m.trim().to_string())
            .unwrap_or_default(),
        text,
        links,
        media,
        quality,
        metadata: Some(Fallback {
            title: meta.title,
            author: meta.author,
            site_name: meta.sitename,
            description: meta.description,
        }),
    })
}

/// Remove later duplicates, keeping the first occurrence of each value.
fn dedup_in_order(values: &mut Vec<String>) {
    let mut seen = HashSet::new();
    values.retain(|v| seen.insert(v.clone()));
}
