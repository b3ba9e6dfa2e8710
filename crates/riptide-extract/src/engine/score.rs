//! Per-node measures and boilerplate marks, in linear passes over the arena: raw text sizes
//! (bottom-up); boilerplate marks by tag and role (top-down), then the sizes and content scores
//! of what is left (bottom-up), which give a first choice of content container; then the same
//! again with boilerplate marks by class and id as well, except on the ancestors of that first
//! choice (a page wrapper named `layout--sidebar-right` is not a sidebar).

use super::tag::Tag;
use super::tree::{NONE, Tree};

/// The smallest paragraph text (non-space characters) that counts as content.
const MIN_PARAGRAPH: u32 = 25;

/// A subtree holding more than this share of the body's text is never dropped for its class
/// or id alone (it is a page wrapper with an unlucky name).
const WRAPPER_SHARE: f32 = 0.6;

/// Measures of every node, indexed like [`Tree::nodes`].
#[derive(Debug, Default)]
pub(crate) struct Scores {
    /// Dropped as boilerplate (with its whole subtree).
    pub(crate) junk: Vec<bool>,
    /// Visible non-space characters below the node, before any boilerplate is dropped.
    raw: Vec<u32>,
    /// Commas and sentence ends of each text node.
    own_punct: Vec<u32>,
    /// Visible non-space characters below the node, junk excluded.
    pub(crate) text: Vec<u32>,
    /// The part of `text` inside links.
    pub(crate) link: Vec<u32>,
    /// Commas and sentence ends below the node.
    pub(crate) punct: Vec<u32>,
    /// Paragraph-like children with text (for the sibling test and the quality score).
    pub(crate) paragraphs: Vec<u32>,
    /// The Readability-style content score credited from paragraphs below.
    pub(crate) content: Vec<f32>,
}

impl Scores {
    /// Measure `tree`.
    pub(crate) fn compute(tree: &Tree) -> Scores {
        let n = tree.len();
        let mut s = Scores::zeroed(n);
        s.raw_sizes(tree);
        s.mark_junk(tree, None);
        s.sizes(tree);
        s.credit(tree);
        let mut protected = vec![false; n];
        if let Some(first) = super::select::best(tree, &s) {
            let mut p = tree.nodes[first].parent;
            while p != NONE {
                protected[p as usize] = true;
                p = tree.nodes[p as usize].parent;
            }
        }
        s.mark_junk(tree, Some(&protected));
        s.sizes(tree);
        s.credit(tree);
        s
    }

    /// Measure `tree` for writing everything visible: only invisible and hidden subtrees
    /// (`aria-hidden`, the `hidden` attribute, inline `display:none`) are junk, and no
    /// content is scored.
    pub(crate) fn visible(tree: &Tree) -> Scores {
        let n = tree.len();
        let mut s = Scores::zeroed(n);
        s.raw_sizes(tree);
        for i in 0..n {
            let node = &tree.nodes[i];
            s.junk[i] = (node.parent != NONE && s.junk[node.parent as usize])
                || node.tag == Some(Tag::Invisible)
                || (node.tag.is_some() && {
                    let attrs = tree.attrs(i);
                    attrs.hidden || attrs.markup_hidden
                });
        }
        s.sizes(tree);
        s
    }

    /// All measures zero for `n` nodes.
    fn zeroed(n: usize) -> Scores {
        Scores {
            junk: vec![false; n],
            raw: vec![0; n],
            own_punct: vec![0; n],
            text: vec![0; n],
            link: vec![0; n],
            punct: vec![0; n],
            paragraphs: vec![0; n],
            content: vec![0.0; n],
        }
    }

    /// Link density of node `i`: the share of its text inside links.
    pub(crate) fn link_density(&self, i: usize) -> f32 {
        if self.text[i] == 0 {
            0.0
        } else {
            self.link[i] as f32 / self.text[i] as f32
        }
    }

    /// Visible text sizes, hidden and invisible subtrees excluded.
    fn raw_sizes(&mut self, tree: &Tree) {
        for i in (0..tree.len()).rev() {
            let node = &tree.nodes[i];
            match node.tag {
                None => (self.raw[i], self.own_punct[i]) = count_text(tree.str(node.text)),
                Some(Tag::Invisible) => self.raw[i] = 0,
                Some(_) => {}
            }
            if node.parent != NONE {
                self.raw[node.parent as usize] += self.raw[i];
            }
        }
    }

    /// Boilerplate marks, inherited by descendants: by tag and role, and by class and id too
    /// when `protected` (the nodes never marked for their class) is given.
    fn mark_junk(&mut self, tree: &Tree, protected: Option<&[bool]>) {
        let body = tree.body();
        let body_text = self.raw[body].max(1) as f32;
        self.junk.iter_mut().for_each(|j| *j = false);
        for i in 0..tree.len() {
            let node = &tree.nodes[i];
            if node.parent != NONE && self.junk[node.parent as usize] {
                self.junk[i] = true;
                continue;
            }
            let Some(tag) = node.tag else { continue };
            let share = self.raw[i] as f32 / body_text;
            if tag == Tag::Invisible || tree.attrs(i).hidden {
                self.junk[i] = true;
                continue;
            }
            let attrs = tree.attrs(i);
            let by_tag = matches!(tag, Tag::Nav | Tag::Aside | Tag::Footer | Tag::Control)
                || attrs.boiler_role;
            let names = attrs.names;
            let named = !attrs.content_mark
                && !matches!(tag, Tag::Html | Tag::Body | Tag::Main | Tag::Article);
            // Consent overlays go whatever their size; other names only below wrapper size.
            let overlay = named && names.overlay;
            let by_class = named
                && protected.is_some_and(|p| !p[i])
                && ((names.boilerplate && !names.content) || names.hard);
            if overlay || ((by_tag || by_class) && share < WRAPPER_SHARE) {
                self.junk[i] = true;
            }
        }
    }

    /// Text, link text, punctuation and paragraph counts of what is not junk.
    fn sizes(&mut self, tree: &Tree) {
        for v in [
            &mut self.text,
            &mut self.link,
            &mut self.punct,
            &mut self.paragraphs,
        ] {
            v.iter_mut().for_each(|t| *t = 0);
        }
        for i in (0..tree.len()).rev() {
            if self.junk[i] {
                continue;
            }
            let node = &tree.nodes[i];
            match node.tag {
                None => {
                    self.text[i] = self.raw[i];
                    self.punct[i] = self.own_punct[i];
                }
                Some(Tag::A) => self.link[i] = self.text[i],
                Some(tag)
                    if tag.is_paragraph()
                        && self.text[i] >= MIN_PARAGRAPH
                        && node.parent != NONE =>
                {
                    self.paragraphs[node.parent as usize] += 1;
                }
                _ => {}
            }
            if node.parent != NONE {
                let p = node.parent as usize;
                self.text[p] += self.text[i];
                self.link[p] += self.link[i];
                self.punct[p] += self.punct[i];
            }
        }
    }

    /// Credit each paragraph's score to its parent, grandparent and great-grandparent.
    fn credit(&mut self, tree: &Tree) {
        self.content.iter_mut().for_each(|c| *c = 0.0);
        for i in 0..tree.len() {
            if self.junk[i] || self.text[i] < MIN_PARAGRAPH {
                continue;
            }
            let Some(tag) = tree.tag(i) else { continue };
            let paragraph = tag.is_paragraph()
                || (matches!(tag, Tag::Div | Tag::Section | Tag::OtherBlock)
                    && has_direct_text(tree, i));
            if !paragraph {
                continue;
            }
            let score = 1.0 + self.punct[i] as f32 + (self.text[i] / 100).min(3) as f32;
            let mut ancestor = tree.nodes[i].parent;
            for divider in [1.0, 2.0, 3.0] {
                if ancestor == NONE {
                    break;
                }
                self.content[ancestor as usize] += score / divider;
                ancestor = tree.nodes[ancestor as usize].parent;
            }
        }
    }
}

/// Whether element `i` has a text child with words (a `div` used as a paragraph).
fn has_direct_text(tree: &Tree, i: usize) -> bool {
    tree.children(i).any(|c| {
        tree.nodes[c].tag.is_none()
            && tree.str(tree.nodes[c].text).trim().len() >= MIN_PARAGRAPH as usize
    })
}

/// Non-space characters and commas / sentence ends of a text.
fn count_text(text: &str) -> (u32, u32) {
    let (mut chars, mut punct) = (0u32, 0u32);
    for c in text.chars() {
        if c.is_whitespace() {
            continue;
        }
        chars += 1;
        if matches!(c, ',' | '.' | '!' | '?' | '，' | '。' | '、' | ';') {
            punct += 1;
        }
    }
    (chars, punct)
}

#[cfg(test)]
mod tests {
    use dom_query::Document;

    use super::*;

    #[test]
    fn navigation_is_junk_and_paragraphs_credit_their_container() {
        let doc = Document::from(
            "<body><nav><a href=/>Home</a></nav><div id=c><p>One sentence here, with a comma, \
             and more words to pass the minimum.</p></div></body>",
        );
        let tree = Tree::build(&doc);
        let s = Scores::compute(&tree);
        let nav = (0..tree.len())
            .find(|&i| tree.tag(i) == Some(Tag::Nav))
            .expect("nav");
        assert!(s.junk[nav]);
        let div = (0..tree.len())
            .find(|&i| tree.tag(i) == Some(Tag::Div))
            .expect("div");
        assert!(s.content[div] > 3.0);
        assert_eq!(s.link[tree.body()], 0, "the junk link is not counted");
    }

    #[test]
    fn link_density_counts_link_text() {
        let doc = Document::from("<div><a href=x>abcd</a>efgh</div>");
        let tree = Tree::build(&doc);
        let s = Scores::compute(&tree);
        let div = (0..tree.len())
            .find(|&i| tree.tag(i) == Some(Tag::Div))
            .expect("div");
        assert!((s.link_density(div) - 0.5).abs() < 1e-6);
    }
}
