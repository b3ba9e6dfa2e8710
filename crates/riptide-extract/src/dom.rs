//! DOM walks: visible text, markdown, links, media and selector matches.
//!
//! Every walk here is iterative (an explicit stack), so a deeply nested document cannot
//! overflow the guest's call stack.

use std::collections::HashSet;

use dom_query::{Document, Matcher, NodeId, NodeRef};
use url::Url;

/// Elements whose content is never visible text.
const INVISIBLE: &[&str] = &[
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "iframe", "object",
    "embed", "svg", "canvas", "select", "option", "datalist", "dialog",
];

fn name_of(node: &NodeRef) -> String {
    node.node_name()
        .map(|n| n.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Whether an element is hidden by markup (`hidden`, `aria-hidden`, inline `display:none`).
fn is_hidden(node: &NodeRef) -> bool {
    if node.has_attr("hidden") {
        return true;
    }
    if node
        .attr("aria-hidden")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    {
        return true;
    }
    if let Some(style) = node.attr("style") {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if style.contains("display:none") || style.contains("visibility:hidden") {
            return true;
        }
    }
    false
}

fn is_invisible(node: &NodeRef) -> bool {
    node.is_element() && (INVISIBLE.contains(&name_of(node).as_str()) || is_hidden(node))
}

/// Elements and text nodes below `root` in document order, not descending into subtrees for
/// which `skip` is true. `root` itself is visited first.
fn walk<'a>(
    root: &NodeRef<'a>,
    mut skip: impl FnMut(&NodeRef<'a>) -> bool,
    mut visit: impl FnMut(NodeRef<'a>),
) {
    let mut stack: Vec<NodeRef<'a>> = vec![*root];
    while let Some(node) = stack.pop() {
        if skip(&node) {
            continue;
        }
        visit(node);
        let mut children = node.children();
        children.reverse();
        stack.extend(children);
    }
}

/// Whether the subtree has visible text or media.
pub(crate) fn has_content(root: &NodeRef) -> bool {
    let found = std::cell::Cell::new(false);
    walk(
        root,
        |n| found.get() || (n.id != root.id && is_invisible(n)),
        |node| {
            if (node.is_text() && !node.text().trim().is_empty())
                || (node.is_element()
                    && matches!(
                        name_of(&node).as_str(),
                        "img" | "video" | "audio" | "picture"
                    ))
            {
                found.set(true);
            }
        },
    );
    found.get()
}

/// Resolve `reference` against `base`; only http(s) results are kept.
pub(crate) fn resolve(base: &Url, reference: &str) -> Option<String> {
    let reference = reference.trim();
    if reference.is_empty() || reference.starts_with('#') {
        return None;
    }
    let lower = reference
        .get(..11)
        .unwrap_or(reference)
        .to_ascii_lowercase();
    if lower.starts_with("data:") || lower.starts_with("javascript:") {
        return None;
    }
    let url = base.join(reference).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.to_string())
}

#[cfg(feature = "trafilatura")]
/// Absolute, de-duplicated `<a href>` targets below `root`, in document order.
pub(crate) fn links(root: &NodeRef, base: &Url) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    walk(
        root,
        |_| false,
        |node| {
            if node.is_element()
                && matches!(name_of(&node).as_str(), "a" | "area")
                && let Some(url) = node.attr("href").and_then(|h| resolve(base, &h))
                && seen.insert(url.clone())
            {
                out.push(url);
            }
        },
    );
    out
}

/// The URLs in a `srcset` attribute, largest width/density last as written.
fn srcset_urls(srcset: &str) -> impl Iterator<Item = &str> {
    srcset
        .split(',')
        .filter_map(|candidate| candidate.split_whitespace().next())
}

/// Absolute, de-duplicated media URLs below `root` (images, including lazy-loaded ones,
/// `<picture>` sources, video and audio), in document order, hidden and invisible subtrees
/// left out; `data:` URLs are dropped.
pub(crate) fn media(root: &NodeRef, base: &Url) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut add = |raw: &str| {
        if let Some(url) = resolve(base, raw)
            && seen.insert(url.clone())
        {
            out.push(url);
        }
    };
    walk(
        root,
        |n| n.id != root.id && is_invisible(n),
        |node| {
            if !node.is_element() {
                return;
            }
            match name_of(&node).as_str() {
                "img" => {
                    let lazy = ["data-src", "data-lazy-src", "data-original", "data-url"]
                        .iter()
                        .find_map(|a| node.attr(a));
                    let src = node.attr("src");
                    let src_is_placeholder = src.as_deref().is_none_or(|s| {
                        s.trim().is_empty()
                            || s.trim_start().to_ascii_lowercase().starts_with("data:")
                    });
                    match (lazy, src) {
                        (Some(lazy), _) if src_is_placeholder => add(&lazy),
                        (_, Some(src)) if !src_is_placeholder => add(&src),
                        _ => {
                            let srcset = node.attr("srcset").or_else(|| node.attr("data-srcset"));
                            if let Some(first) =
                                srcset.as_deref().and_then(|s| srcset_urls(s).next())
                            {
                                add(first);
                            }
                        }
                    }
                }
                "source" => {
                    if let Some(src) = node.attr("src") {
                        add(&src);
                    } else if let Some(srcset) =
                        node.attr("srcset").or_else(|| node.attr("data-srcset"))
                        && let Some(first) = srcset_urls(&srcset).next()
                    {
                        add(first);
                    }
                }
                "video" | "audio" | "embed" => {
                    if let Some(src) = node.attr("src") {
                        add(&src);
                    }
                    if let Some(poster) = node.attr("poster") {
                        add(&poster);
                    }
                }
                _ => {}
            }
        },
    );
    out
}

/// The elements matched by any of `matchers`.
pub(crate) fn matched_ids(document: &Document, matchers: &[Matcher]) -> HashSet<NodeId> {
    let mut matched: HashSet<NodeId> = HashSet::new();
    for matcher in matchers {
        for node in document.select_matcher(matcher).nodes() {
            matched.insert(node.id);
        }
    }
    matched
}
