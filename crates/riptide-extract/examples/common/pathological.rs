//! Pathological pages: deep nesting, a huge flat page, a megabyte text node, 100,000 links.
//! Shared through `#[path]` by `tests/pathological.rs` and the `pathological` and `stages`
//! examples, so that the tests and the figures are about the same pages.

/// One paragraph of the flat pages.
pub(crate) const PARAGRAPH: &str = "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed \
                             do eiusmod tempor incididunt ut labore et dolore magna aliqua.</p>\n";

/// A paragraph inside `depth` nested `div`s.
pub(crate) fn nested(depth: usize) -> String {
    let mut html = String::from("<html><head><title>Deep</title></head><body>");
    html.push_str(&"<div>".repeat(depth));
    html.push_str("<p>The innermost paragraph of a very deep document, with a comma, here.</p>");
    html.push_str(&"</div>".repeat(depth));
    html.push_str("</body></html>");
    html
}

/// `paragraphs` copies of [`PARAGRAPH`] in one `<article>`, after a navigation bar.
pub(crate) fn flat(paragraphs: usize) -> String {
    format!(
        "<html><head><title>Huge</title></head><body><nav><a href=/>Home</a></nav><article>{}\
         </article></body></html>",
        PARAGRAPH.repeat(paragraphs)
    )
}

/// The words of [`text_node`] (over a megabyte).
pub(crate) fn text_node_words() -> String {
    "tide moon sun sea, ".repeat(55_000)
}

/// One paragraph holding [`text_node_words`] as a single text node.
pub(crate) fn text_node() -> String {
    format!(
        "<html><body><article><p>{}</p></article></body></html>",
        text_node_words()
    )
}

/// An article with one paragraph and a list of `count` links.
pub(crate) fn links(count: usize) -> String {
    let mut html = String::from(
        "<html><body><article><p>A page that lists a great many links, one per entry, for \
         testing.</p><ul>",
    );
    for n in 0..count {
        html.push_str(&format!("<li><a href='/item/{n}'>Item {n}</a></li>"));
    }
    html.push_str("</ul></article></body></html>");
    html
}

/// The pathological pages of the tests and of the stage figures, with a short name each.
pub(crate) fn pages() -> Vec<(&'static str, String)> {
    vec![
        (
            "nested 4086 levels",
            nested(riptide_extract::MAX_NESTING - 10),
        ),
        ("flat 20k paragraphs", flat(20_000)),
        ("text node 1 MB", text_node()),
        ("links 100k", links(100_000)),
    ]
}
