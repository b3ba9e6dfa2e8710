//! Choosing the main content: the best-scoring container, moved up to the ancestor that holds
//! the whole article, plus the siblings that continue it.

use super::score::Scores;
use super::tag::Tag;
use super::tree::{NONE, Tree};

/// The selection widens to an ancestor when at most this share of the text it adds is
/// inside links.
const WIDEN_DENSITY: f32 = 0.35;

/// A selection holding less than this share of the text of the `<main>` element around it
/// is replaced by `<main>` (see [`within_main`]).
const MAIN_SHARE: f32 = 0.5;

/// A selection holding less than this share of the body's text (boilerplate excluded) is
/// replaced by the page's `<main>` or body: the page is a set of items, not one text.
const MIN_SHARE: f32 = 0.15;

/// Below this winning score no container reads like prose (see [`select`]).
const WEAK_SCORE: f32 = 5.0;

/// What was selected.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Selection {
    /// Subtree roots whose content is the main content, in document order.
    pub(crate) roots: Vec<usize>,
    /// The winning container.
    pub(crate) top: usize,
    /// Its final score.
    pub(crate) score: f32,
}

/// The final score of candidate `i`: credited paragraph scores plus tag and class signals,
/// scaled by the share of text outside links.
fn candidate_score(tree: &Tree, s: &Scores, i: usize) -> f32 {
    let Some(tag) = tree.tag(i) else { return 0.0 };
    let base = match tag {
        Tag::Div | Tag::Article | Tag::Main => 5.0,
        Tag::Pre | Tag::Cell(_) | Tag::Blockquote => 3.0,
        Tag::List(_) | Tag::Li | Tag::Dl | Tag::Dd | Tag::Dt | Tag::Form => -3.0,
        Tag::Heading(_) => -5.0,
        _ => 0.0,
    };
    let attrs = tree.attrs(i);
    let mut bonus = attrs.names.weight;
    if attrs.content_mark {
        bonus += 25.0;
    }
    if tag == Tag::Article {
        bonus += 10.0;
    }
    (s.content[i] + base + bonus) * (1.0 - s.link_density(i))
}

/// The best-scoring candidate container, if any paragraph was credited.
pub(crate) fn best(tree: &Tree, s: &Scores) -> Option<usize> {
    let mut top = None;
    let mut best = f32::MIN;
    for i in 0..tree.len() {
        if s.junk[i] || s.content[i] <= 0.0 {
            continue;
        }
        let score = candidate_score(tree, s, i);
        if score > best {
            best = score;
            top = Some(i);
        }
    }
    top
}

/// Select the main content of the page.
pub(crate) fn select(tree: &Tree, s: &Scores) -> Selection {
    let body = tree.body();
    let mut scores = vec![0.0f32; tree.len()];
    let mut top = NONE as usize;
    let mut best = f32::MIN;
    for (i, score) in scores.iter_mut().enumerate() {
        if s.junk[i] || s.content[i] <= 0.0 {
            continue;
        }
        *score = candidate_score(tree, s, i);
        if *score > best {
            best = *score;
            top = i;
        }
    }
    // No container reads like prose: the page is a set of short items (a product page, a
    // shop), and its `<main>` (or body) is the content, without the link-dense parts.
    if top == NONE as usize || best < WEAK_SCORE {
        let root = main_or_body(tree, s, body);
        return Selection {
            roots: vec![root],
            top: root,
            score: best.max(0.0),
        };
    }

    // Climb while an ancestor scores nearly as well (the article is split over several
    // containers) and the ancestor is not mostly links.
    let mut last = best;
    let mut current = top;
    let mut parent = tree.nodes[top].parent;
    while parent != NONE && parent as usize != body {
        let p = parent as usize;
        if scores[p] <= 0.0 {
            break;
        }
        if scores[p] < last / 3.0 {
            break;
        }
        if scores[p] > last {
            current = p;
            break;
        }
        last = scores[p];
        parent = tree.nodes[p].parent;
    }
    top = current;
    // A lone child is its parent's content.
    while tree.nodes[top].parent != NONE && tree.nodes[top].parent as usize != body {
        let p = tree.nodes[top].parent as usize;
        if tree
            .children(p)
            .filter(|&c| !s.junk[c] && s.text[c] > 0)
            .count()
            != 1
        {
            break;
        }
        top = p;
    }

    let score = scores[top].max(best);
    // Posts of a thread: the container of all elements that look like the winner.
    let twins = repeated(tree, s, top);
    if twins.len() >= 2 {
        top = common_ancestor(tree, &twins);
    }
    top = widen(tree, s, top, body);
    top = within_main(tree, s, top);
    // A winner holding a small part of the page's text is one box among many items.
    if (s.text[top] as f32) < MIN_SHARE * s.text[body] as f32 {
        let root = main_or_body(tree, s, body);
        return Selection {
            roots: vec![root],
            top: root,
            score,
        };
    }
    let roots = with_siblings(tree, s, &scores, top, score);
    Selection { roots, top, score }
}

/// The elements with the same tag and the same (non-empty) class and id as `top`, not nested
/// in one another, in document order: the posts of a thread, the entries of a listing.
fn repeated(tree: &Tree, s: &Scores, top: usize) -> Vec<usize> {
    let signal = tree.attrs(top).signal;
    if signal.is_empty() {
        return Vec::new();
    }
    // Digits are numbering (`post37601655`, `comment-12`): posts differ only in them.
    let same = |other: &str| {
        let a = tree.str(signal).bytes().filter(|b| !b.is_ascii_digit());
        let b = other.bytes().filter(|b| !b.is_ascii_digit());
        a.eq(b)
    };
    let tag = tree.tag(top);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tree.len() {
        if s.junk[i] {
            i = tree.nodes[i].end as usize;
            continue;
        }
        if tree.tag(i) == tag && s.text[i] > 0 && same(tree.str(tree.attrs(i).signal)) {
            out.push(i);
            i = tree.nodes[i].end as usize;
            continue;
        }
        i += 1;
    }
    out
}

/// The deepest node containing all of `nodes` (in document order, at least one).
fn common_ancestor(tree: &Tree, nodes: &[usize]) -> usize {
    let (Some(&first), Some(&last)) = (nodes.first(), nodes.last()) else {
        return 0;
    };
    let mut a = first;
    while (tree.nodes[a].end as usize) <= last {
        let p = tree.nodes[a].parent;
        if p == NONE {
            break;
        }
        a = p as usize;
    }
    a
}

/// The page's first `<main>` element with text, else its body.
fn main_or_body(tree: &Tree, s: &Scores, body: usize) -> usize {
    (0..tree.len())
        .find(|&i| tree.tag(i) == Some(Tag::Main) && !s.junk[i] && s.text[i] > 0)
        .unwrap_or(body)
}

/// When the selection is a small part of the page's `<main>` element, the page is not one
/// text but a set of items (a listing, a shop category): `<main>` is the content.
fn within_main(tree: &Tree, s: &Scores, top: usize) -> usize {
    let mut a = top;
    loop {
        if tree.tag(a) == Some(Tag::Main) && !s.junk[a] {
            return if (s.text[top] as f32) < MAIN_SHARE * s.text[a] as f32 {
                a
            } else {
                top
            };
        }
        let p = tree.nodes[a].parent;
        if p == NONE {
            return top;
        }
        a = p as usize;
    }
}

/// Widen the selection to the ancestors whose extra text is prose rather than links: page
/// builders split one text over many sibling boxes, each too small to win alone.
fn widen(tree: &Tree, s: &Scores, mut top: usize, body: usize) -> usize {
    while top != body {
        let p = tree.nodes[top].parent;
        if p == NONE {
            break;
        }
        let p = p as usize;
        let extra_text = s.text[p].saturating_sub(s.text[top]);
        let extra_link = s.link[p].saturating_sub(s.link[top]);
        // Link-dense additions stop the widening, unless they bring at least as much prose
        // as the selection already has (the link-dense parts are dropped when writing).
        let extra_prose = extra_text.saturating_sub(extra_link);
        if extra_text > 0
            && extra_link as f32 > WIDEN_DENSITY * extra_text as f32
            && extra_prose < s.text[top]
        {
            break;
        }
        top = p;
    }
    top
}

/// The top candidate and the siblings that continue it, in document order.
fn with_siblings(tree: &Tree, s: &Scores, scores: &[f32], top: usize, score: f32) -> Vec<usize> {
    let parent = tree.nodes[top].parent;
    if parent == NONE {
        return vec![top];
    }
    let threshold = (score * 0.2).max(10.0);
    let top_signal = tree.str(tree.attrs(top).signal);
    let mut roots = Vec::new();
    for c in tree.children(parent as usize) {
        if c == top {
            roots.push(c);
            continue;
        }
        if s.junk[c] || s.text[c] == 0 {
            continue;
        }
        let mut bonus = 0.0;
        let signal = tree.str(tree.attrs(c).signal);
        if !top_signal.is_empty() && signal == top_signal {
            bonus = score * 0.2;
        }
        let density = s.link_density(c);
        let keep = if scores[c] + bonus >= threshold {
            true
        } else if tree.tag(c) == Some(Tag::P) {
            let len = s.text[c];
            (len > 80 && density < 0.25) || (len > 0 && density == 0.0 && s.punct[c] > 0)
        } else {
            false
        };
        if keep {
            roots.push(c);
        }
    }
    roots
}
