//! The native main-content engine: one parse, an arena built for the job, three linear scoring
//! passes, one selection, and text and markdown written from the same walk.
//!
//! Stages: [`tree`] (arena from the parsed document), [`score`] (sizes, link density,
//! boilerplate marks, paragraph credit), [`select`] (main container and continuing siblings),
//! [`emit`] (text, markdown, links and media).

mod emit;
mod markdown;
mod preloaded;
mod score;
mod select;
mod signals;
pub(crate) mod tag;
pub(crate) mod tree;

use dom_query::Document;
use url::Url;

use crate::content::Content;
use crate::stages::{Laps, Stage};
use score::Scores;
use tree::Tree;

/// When the selection holds less than this share of the page's text and less than
/// [`FALLBACK_CHARS`] characters, the whole body is a better answer.
const FALLBACK_SHARE: f32 = 0.15;

/// See [`FALLBACK_SHARE`].
const FALLBACK_CHARS: u32 = 400;

/// Below this many characters of selected text, content the page ships as script data is
/// looked for (see [`preloaded`]).
const EMPTY_SHELL: u32 = 200;

/// Extract the main content of a page from its arena. `title` is the page title found by the
/// metadata reader: a heading repeating it is not part of the content.
/// The time of each stage is charged to `laps`.
pub(crate) fn extract(tree: &Tree, base: &Url, title: Option<&str>, laps: &mut Laps) -> Content {
    let content = extract_tree(tree, base, title, laps);
    if content.text.len() < EMPTY_SHELL as usize
        && let Some(html) = tree
            .preloaded
            .and_then(|span| preloaded::discourse_posts(tree.str(span)))
    {
        let inner = Tree::build(&Document::from(html));
        laps.lap(Stage::Parse);
        let posts = extract_tree(&inner, base, title, laps);
        if posts.text.len() > content.text.len() {
            return posts;
        }
    }
    content
}

/// [`extract`] on one arena.
fn extract_tree(tree: &Tree, base: &Url, title: Option<&str>, laps: &mut Laps) -> Content {
    let scores = Scores::compute(tree);
    let selection = select::select(tree, &scores);
    let body = tree.body();
    let selected: u32 = selection.roots.iter().map(|&r| scores.text[r]).sum();
    let roots = if selected < FALLBACK_CHARS
        && (selected as f32) < FALLBACK_SHARE * scores.text[body] as f32
    {
        vec![body]
    } else {
        selection.roots.clone()
    };
    laps.lap(Stage::Score);
    let emitted = emit::emit(&emit::Context {
        tree,
        scores: &scores,
        base,
        title,
        roots: &roots,
        all: false,
    });
    let quality = quality(&scores, &roots, selection.score, emitted.text.is_empty());
    // The markdown is a document: it starts with the title (a heading repeating the title
    // inside the content is left out, as from the text).
    let markdown = match title {
        Some(t) if !emitted.markdown.is_empty() && !t.trim().is_empty() => {
            format!("# {}\n\n{}", t.trim(), emitted.markdown)
        }
        _ => emitted.markdown,
    };
    laps.lap(Stage::Emit);
    Content {
        text: emitted.text,
        markdown,
        links: emitted.links,
        media: emitted.media,
        quality,
        metadata: None,
    }
}

/// Everything visible below `roots` (the body in `full` mode, the matched elements in
/// `custom` mode), written by the same emitter as article mode (no quality is judged).
pub(crate) fn write_all(tree: &Tree, base: &Url, roots: &[usize]) -> Content {
    let scores = Scores::visible(tree);
    let emitted = emit::emit(&emit::Context {
        tree,
        scores: &scores,
        base,
        title: None,
        roots,
        all: true,
    });
    Content {
        text: emitted.text,
        markdown: emitted.markdown,
        links: emitted.links,
        media: emitted.media,
        quality: 0,
        metadata: None,
    }
}

/// A 0–100 confidence from the winning score and the link density of the selection.
fn quality(scores: &Scores, roots: &[usize], score: f32, empty: bool) -> u8 {
    if empty {
        return 0;
    }
    let text: u32 = roots.iter().map(|&r| scores.text[r]).sum();
    let link: u32 = roots.iter().map(|&r| scores.link[r]).sum();
    let density = if text == 0 {
        1.0
    } else {
        link as f32 / text as f32
    };
    let strength = (score / 60.0).clamp(0.0, 1.0);
    let length = (text as f32 / 1500.0).clamp(0.0, 1.0);
    let q = 100.0 * (0.2 + 0.4 * strength + 0.4 * length) * (1.0 - density).clamp(0.0, 1.0);
    // Clamped to 0..=100 above, so the cast cannot truncate.
    q.round().clamp(0.0, 100.0) as u8
}

#[cfg(test)]
mod tests;
