//! The engine's own view of a parsed page: a flat arena of elements and text nodes in
//! document (pre-)order, built in one walk of the `dom_query` tree. The same walk gathers the
//! [`Facts`] the metadata reader (`crate::meta`) needs, so that no CSS selector is compiled
//! and no whole-tree query runs per page.
//!
//! Pre-order makes the subtree of node `i` the index range `i..end(i)`, so that bottom-up
//! sums are a reverse loop and "is inside" is a range check; nothing here recurses.

use std::ops::Range;

use dom_query::{Document, NodeData, NodeId};

use super::signals::Names;
use super::tag::Tag;

/// "No node" in parent links.
pub(crate) const NONE: u32 = u32::MAX;

/// The longest class + id string kept per element for the signal patterns, in bytes.
const MAX_SIGNAL: usize = 200;

/// The HTML namespace: attribute values listed as case-insensitive by the HTML standard
/// (`rel`, `type`…) compare so only on HTML elements, as CSS selectors do.
const HTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// Byline markers of an element ([`Attrs::byline`]): each bit stands for one test of the
/// byline candidates the metadata reader looks at (CSS selector syntax).
pub(crate) mod byline {
    /// `[rel=author]` (ASCII case-insensitive on HTML elements).
    pub(crate) const REL_AUTHOR: u8 = 1;
    /// `[itemprop=author]`.
    pub(crate) const ITEMPROP_AUTHOR: u8 = 1 << 1;
    /// `[itemprop=name]`.
    pub(crate) const ITEMPROP_NAME: u8 = 1 << 2;
    /// `.byline`.
    pub(crate) const CLASS_BYLINE: u8 = 1 << 3;
    /// `.author`.
    pub(crate) const CLASS_AUTHOR: u8 = 1 << 4;
    /// `.author-name`, or a class holding "author" and ending in "name"
    /// (`[class*=author][class$=name]` for one class name).
    pub(crate) const CLASS_AUTHOR_NAME: u8 = 1 << 5;
    /// `[class*=byline]`.
    pub(crate) const CLASS_HAS_BYLINE: u8 = 1 << 6;
    /// `[class*=author]`, but for the parts of an author box other than the name and for
    /// teaser cards' authors (see `author_class`).
    pub(crate) const CLASS_HAS_AUTHOR: u8 = 1 << 7;
}

/// A `<meta>` element with a `content` attribute.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MetaTag {
    /// `content`, as written.
    pub(crate) content: Span,
    /// `property`, `name`, `itemprop` and `http-equiv`, where present, in that order.
    pub(crate) keys: [Option<Span>; 4],
    /// The element's arena index.
    pub(crate) node: u32,
}

/// Page facts for the metadata reader, gathered while the arena is built; elements are
/// arena indices, in document order.
#[derive(Debug, Default)]
pub(crate) struct Facts {
    /// Every `<meta content>`.
    pub(crate) metas: Vec<MetaTag>,
    /// The first `<title>`.
    pub(crate) title: Option<u32>,
    /// Every `<h1>`.
    pub(crate) h1s: Vec<u32>,
    /// Every `<script>` whose `type` contains `ld+json`.
    pub(crate) json_ld: Vec<u32>,
    /// Every `<time datetime>` element and its `datetime`.
    pub(crate) datetimes: Vec<(u32, Span)>,
    /// `datetime` or `content` of the first element other than `<meta>` with
    /// `itemprop="datePublished"`.
    pub(crate) published_prop: Option<Span>,
    /// `data-author-username` or `data-author` of the first element that has one (the first
    /// post of a forum thread or a Q&A page), skipping nested replies (`class="…nested…"`).
    pub(crate) first_post_author: Option<Span>,
    /// The first [`MAX_POSTERS`] elements a forum engine's post markup gives a poster's name
    /// in (see [`names_a_poster`]): the first with a name is the thread's first post's author,
    /// for engines that write no `data-author`. (phpBB links the avatar to the profile too,
    /// before the name.)
    pub(crate) posters: Vec<u32>,
    /// `lang` of the first `<html>`, else its `xml:lang`.
    pub(crate) lang: Option<Span>,
    /// `href` of the first `<base href>`.
    pub(crate) base_href: Option<Span>,
    /// Every element with [`Attrs::byline`] markers.
    pub(crate) bylines: Vec<u32>,
    /// The first [`MAX_DATED`] elements whose `class` or `id` names a publication date
    /// ("post-date", "entry-published"; not "updated" or "modified").
    pub(crate) dated: Vec<u32>,
    /// Whether an `<html>` element was seen (only the first one's language counts).
    seen_html: bool,
}

/// A piece of [`Tree::pool`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span {
    start: u32,
    len: u32,
}

impl Span {
    /// Whether the span holds no text.
    pub(crate) fn is_empty(self) -> bool {
        self.len == 0
    }

    fn range(self) -> Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }
}

/// Element attribute facts the engine uses.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Attrs {
    /// `class` and `id`, lower-cased, joined by a space (truncated to a few hundred bytes).
    pub(crate) signal: Span,
    /// What `signal` says.
    pub(crate) names: Names,
    /// `href` of links.
    pub(crate) href: Span,
    /// The image source: `src`, or a lazy-loading attribute when `src` is a placeholder.
    pub(crate) src: Span,
    /// `alt` of images.
    pub(crate) alt: Span,
    /// Hidden from readers by `aria-hidden="true"`. (The `hidden` attribute and inline
    /// `display:none` are not trusted: script-rendered pages ship their whole content in a
    /// hidden wrapper, and tabs and accordions hide parts of the main content; on the
    /// evaluation corpus, trusting them costs more than it gains.)
    pub(crate) hidden: bool,
    /// Hidden by the `hidden` attribute or an inline `display:none` / `visibility:hidden`:
    /// trusted where everything visible is written (`full` and `custom` modes).
    pub(crate) markup_hidden: bool,
    /// A landmark role that is never main content (navigation, banner, contentinfo…).
    pub(crate) boiler_role: bool,
    /// Marked as the main content (`itemprop="articleBody"`, `role="main"`).
    pub(crate) content_mark: bool,
    /// [`byline`] markers.
    pub(crate) byline: u8,
}

/// One node of the arena.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node {
    /// The element class, or `None` for a text node.
    pub(crate) tag: Option<Tag>,
    /// The parent's index, [`NONE`] for the root.
    pub(crate) parent: u32,
    /// One past the last node of this node's subtree.
    pub(crate) end: u32,
    /// The text of a text node.
    pub(crate) text: Span,
    /// Index into [`Tree::attrs`] for elements.
    pub(crate) attrs: u32,
}

/// The arena.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    /// Nodes in document order; index 0 is the document root.
    pub(crate) nodes: Vec<Node>,
    /// Attribute facts, one entry per element.
    pub(crate) attrs: Vec<Attrs>,
    /// All strings of the tree.
    pool: String,
    /// The first `data-preloaded` attribute (script data some sites render from).
    pub(crate) preloaded: Option<Span>,
    /// What the metadata reader needs.
    pub(crate) facts: Facts,
    /// Every node of the parsed document, including the comments, doctypes and processing
    /// instructions the arena leaves out.
    pub(crate) dom_nodes: usize,
    /// The deepest nesting of the parsed document (the root is depth 0).
    pub(crate) depth: usize,
}

impl Tree {
    /// Build the arena from a parsed document, skipping comments, doctypes and processing
    /// instructions.
    pub(crate) fn build(document: &Document) -> Tree {
        Tree::build_marked(document, None).0
    }

    /// [`Tree::build`], also returning the `marked` elements with their arena indices, in
    /// document order.
    pub(crate) fn build_marked(
        document: &Document,
        marked: Option<&std::collections::HashSet<NodeId>>,
    ) -> (Tree, Vec<(u32, NodeId)>) {
        let mut found = Vec::new();
        let dom = &document.tree;
        let mut tree = Tree {
            attrs: vec![Attrs::default()],
            ..Tree::default()
        };
        // (dom node, arena parent); a `None` entry closes the arena node on top of `open`.
        let mut stack: Vec<Option<(NodeId, u32)>> = vec![Some((dom.root_id(), NONE))];
        let mut open: Vec<u32> = Vec::new();
        while let Some(entry) = stack.pop() {
            let Some((id, parent)) = entry else {
                if let Some(index) = open.pop() {
                    tree.nodes[index as usize].end = tree.len_u32();
                }
                continue;
            };
            tree.dom_nodes += 1;
            tree.depth = tree.depth.max(open.len());
            let index = tree.len_u32();
            let children = dom.query_node(&id, |node| {
                let mut node_out = Node {
                    tag: None,
                    parent,
                    end: index + 1,
                    text: Span::default(),
                    attrs: 0,
                };
                let descend = match &node.data {
                    NodeData::Document | NodeData::Fragment => {
                        node_out.tag = Some(Tag::Inline);
                        true
                    }
                    NodeData::Text { contents } => {
                        node_out.text = tree.push_str(contents);
                        false
                    }
                    NodeData::Element(element) => {
                        if marked.is_some_and(|m| m.contains(&id)) {
                            found.push((index, id));
                        }
                        let name = element.name.local.as_ref();
                        let tag = Tag::of(name);
                        node_out.tag = Some(tag);
                        node_out.attrs = u32::try_from(tree.attrs.len()).unwrap_or(0);
                        let attrs = tree.read_attrs(tag, element);
                        if attrs.byline != 0 {
                            tree.facts.bylines.push(index);
                        }
                        if tree.facts.dated.len() < MAX_DATED
                            && names_a_date(tree.str(attrs.signal))
                        {
                            tree.facts.dated.push(index);
                        }
                        if tree.facts.posters.len() < MAX_POSTERS
                            && names_a_poster(&tree, name, &attrs, parent)
                        {
                            tree.facts.posters.push(index);
                        }
                        tree.attrs.push(attrs);
                        tree.read_facts(name, index, element);
                        true
                    }
                    _ => return None,
                };
                tree.nodes.push(node_out);
                if descend { node.first_child } else { None }
            });
            let Some(Some(first_child)) = children else {
                continue;
            };
            open.push(index);
            stack.push(None);
            // Children are pushed in reverse so that they pop in document order.
            let mut kids = Vec::new();
            let mut next = Some(first_child);
            while let Some(kid) = next {
                kids.push(kid);
                next = dom.query_node(&kid, |n| n.next_sibling).flatten();
            }
            stack.extend(kids.into_iter().rev().map(|kid| Some((kid, index))));
        }
        (tree, found)
    }

    fn len_u32(&self) -> u32 {
        u32::try_from(self.nodes.len()).unwrap_or(NONE - 1)
    }

    fn push_str(&mut self, s: &str) -> Span {
        let start = u32::try_from(self.pool.len()).unwrap_or(0);
        self.pool.push_str(s);
        Span {
            start,
            len: u32::try_from(s.len()).unwrap_or(0),
        }
    }

    /// Record what the metadata reader needs of element `index`, named `name`.
    fn read_facts(&mut self, name: &str, index: u32, element: &dom_query::Element) {
        let attr = |key: &str| {
            element
                .attrs
                .iter()
                .find(|a| a.name.local.as_ref() == key)
                .map(|a| a.value.as_ref())
        };
        // Microdata that states the publication date on a visible element (`<time
        // itemprop="datePublished" datetime=…>`); `<meta itemprop>` is a meta tag.
        if name != "meta"
            && self.facts.published_prop.is_none()
            && attr("itemprop").is_some_and(|p| p.eq_ignore_ascii_case("datepublished"))
            && let Some(value) = attr("datetime").or_else(|| attr("content"))
        {
            self.facts.published_prop = Some(self.push_str(value));
        }
        if self.facts.first_post_author.is_none()
            && let Some(author) = attr("data-author-username").or_else(|| attr("data-author"))
            && !author.trim().is_empty()
            && !attr("class").is_some_and(|c| c.contains("nested"))
        {
            self.facts.first_post_author = Some(self.push_str(author.trim()));
        }
        match name {
            "meta" => {
                if let Some(content) = attr("content") {
                    let content = self.push_str(content);
                    let keys = ["property", "name", "itemprop", "http-equiv"]
                        .map(|key| attr(key).map(|value| self.push_str(value)));
                    self.facts.metas.push(MetaTag {
                        content,
                        keys,
                        node: index,
                    });
                }
            }
            "title" if self.facts.title.is_none() => self.facts.title = Some(index),
            "h1" => self.facts.h1s.push(index),
            "script" => {
                let html = element.name.ns.as_ref() == HTML_NS;
                if attr("type").is_some_and(|t| {
                    if html {
                        t.to_ascii_lowercase().contains("ld+json")
                    } else {
                        t.contains("ld+json")
                    }
                }) {
                    self.facts.json_ld.push(index);
                }
            }
            "time" => {
                if let Some(datetime) = attr("datetime") {
                    let span = self.push_str(datetime);
                    self.facts.datetimes.push((index, span));
                }
            }
            "html" if !self.facts.seen_html => {
                self.facts.seen_html = true;
                self.facts.lang = attr("lang")
                    .or_else(|| attr("xml:lang"))
                    .map(|lang| self.push_str(lang));
            }
            "base" if self.facts.base_href.is_none() => {
                self.facts.base_href = attr("href").map(|href| self.push_str(href));
            }
            _ => {}
        }
    }

    fn read_attrs(&mut self, tag: Tag, element: &dom_query::Element) -> Attrs {
        let mut out = Attrs::default();
        let mut class = None;
        let mut id = None;
        let mut lazy = None;
        for attr in &element.attrs {
            let value: &str = attr.value.as_ref();
            match attr.name.local.as_ref() {
                "class" => class = Some(value),
                "id" => id = Some(value),
                "aria-hidden" => out.hidden = value.trim().eq_ignore_ascii_case("true"),
                "hidden" => out.markup_hidden = true,
                "style" => {
                    let style: String = value
                        .chars()
                        .filter(|c| !c.is_whitespace())
                        .collect::<String>()
                        .to_ascii_lowercase();
                    out.markup_hidden |=
                        style.contains("display:none") || style.contains("visibility:hidden");
                }
                "role" => {
                    let role = value.trim().to_ascii_lowercase();
                    out.boiler_role = matches!(
                        role.as_str(),
                        "navigation"
                            | "banner"
                            | "contentinfo"
                            | "complementary"
                            | "dialog"
                            | "alertdialog"
                            | "search"
                            | "menu"
                            | "menubar"
                            | "toolbar"
                    );
                    out.content_mark |= role == "main";
                }
                "itemprop" => {
                    out.content_mark |= value.to_ascii_lowercase().contains("articlebody");
                    out.byline |= match value {
                        "author" => byline::ITEMPROP_AUTHOR,
                        "name" => byline::ITEMPROP_NAME,
                        _ => 0,
                    };
                }
                "rel" => {
                    let author = if element.name.ns.as_ref() == HTML_NS {
                        value.eq_ignore_ascii_case("author")
                    } else {
                        value == "author"
                    };
                    if author {
                        out.byline |= byline::REL_AUTHOR;
                    }
                }
                "href" if tag == Tag::A => out.href = self.push_str(value.trim()),
                "src" if tag == Tag::Img => {
                    let v = value.trim();
                    if !v.is_empty() && !v.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("data:"))
                    {
                        out.src = self.push_str(v);
                    }
                }
                "data-src" | "data-lazy-src" | "data-original" | "data-url" if tag == Tag::Img => {
                    lazy = Some(value);
                }
                "alt" if tag == Tag::Img => out.alt = self.push_str(value.trim()),
                "data-preloaded" if self.preloaded.is_none() => {
                    self.preloaded = Some(self.push_str(value));
                }
                _ => {}
            }
        }
        if out.src.is_empty()
            && let Some(lazy) = lazy
        {
            out.src = self.push_str(lazy.trim());
        }
        if let Some(class) = class {
            out.byline |= byline_classes(class);
        }
        if class.is_some() || id.is_some() {
            let start = self.pool.len();
            for part in [class, id].into_iter().flatten() {
                if self.pool.len() > start {
                    self.pool.push(' ');
                }
                for c in part.chars() {
                    if self.pool.len() - start >= MAX_SIGNAL {
                        break;
                    }
                    self.pool.push(c.to_ascii_lowercase());
                }
            }
            out.signal = Span {
                start: u32::try_from(start).unwrap_or(0),
                len: u32::try_from(self.pool.len() - start).unwrap_or(0),
            };
            out.names = Names::of(self.str(out.signal));
        }
        out
    }

    /// The text of a span.
    pub(crate) fn str(&self, span: Span) -> &str {
        self.pool.get(span.range()).unwrap_or("")
    }

    /// All text below node `i` (script and style text included), as `dom_query`'s
    /// `NodeRef::text` gives it.
    pub(crate) fn text_of(&self, i: usize) -> String {
        let end = self.nodes.get(i).map_or(i, |n| n.end as usize);
        let mut out = String::new();
        for node in self.nodes.get(i..end).unwrap_or_default() {
            if node.tag.is_none() {
                out.push_str(self.str(node.text));
            }
        }
        out
    }

    /// The first `max` bytes (at most) of the body's visible text, scripts, styles and
    /// `aria-hidden` subtrees left out, white space collapsed, blocks separated by a space:
    /// a language sample whose cost does not grow with the page's text.
    pub(crate) fn visible_sample(&self, max: usize) -> String {
        let body = self.body();
        let end = self.nodes[body].end as usize;
        let mut out = String::new();
        // A space is owed before the next character (white space or a block boundary).
        let mut space = false;
        let mut i = body;
        while i < end && out.len() < max {
            let node = &self.nodes[i];
            match node.tag {
                Some(tag) if tag == Tag::Invisible || self.attrs(i).hidden => {
                    i = node.end as usize;
                    continue;
                }
                Some(tag) => space |= tag.is_block(),
                None => {
                    for c in self.str(node.text).chars() {
                        if c.is_whitespace() {
                            space = true;
                            continue;
                        }
                        if space && !out.is_empty() {
                            out.push(' ');
                        }
                        space = false;
                        out.push(c);
                        if out.len() >= max {
                            break;
                        }
                    }
                }
            }
            i += 1;
        }
        out.truncate(out.floor_char_boundary(max));
        out
    }

    /// The number of nodes.
    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }

    /// The attribute facts of node `i` (defaults for text nodes).
    pub(crate) fn attrs(&self, i: usize) -> &Attrs {
        &self.attrs[self.nodes[i].attrs as usize]
    }

    /// The children of node `i`, in order.
    pub(crate) fn children(&self, i: usize) -> Children<'_> {
        Children {
            nodes: &self.nodes,
            next: i + 1,
            end: self.nodes[i].end as usize,
        }
    }

    /// The element class of node `i`; `None` for text.
    pub(crate) fn tag(&self, i: usize) -> Option<Tag> {
        self.nodes[i].tag
    }

    /// The first `<body>` element, or the root.
    pub(crate) fn body(&self) -> usize {
        self.nodes
            .iter()
            .position(|n| n.tag == Some(Tag::Body))
            .unwrap_or(0)
    }
}

/// How many forum poster elements [`Facts::posters`] keeps.
pub(crate) const MAX_POSTERS: usize = 3;

/// Whether an element `name` with `attrs`, a child of arena node `parent`, holds a forum
/// post's author name as a forum engine writes it:
///
/// - vBulletin 3: `<a class="bigusername">`;
/// - Flarum: `<h3 class="PostUser-name">`;
/// - phpBB: the link to the poster's profile (`memberlist.php?mode=viewprofile`, or a
///   `username` class) in `<dl class="postprofile">`;
/// - FluxBB: `<dt><strong>` in `<div class="postleft">`.
///
/// These class names are the engines' own, so that a blog's `.username` (a commenter's, a
/// signed-in reader's) is not taken for the page's author.
fn names_a_poster(tree: &Tree, name: &str, attrs: &Attrs, parent: u32) -> bool {
    let has = |signal: &str, class: &str| signal.split_ascii_whitespace().any(|c| c == class);
    let signal = tree.str(attrs.signal);
    if has(signal, "bigusername") || has(signal, "postuser-name") {
        return true;
    }
    // The signal of the element `up` levels above this one (1: the parent).
    let above = |up: usize| {
        let mut i = parent;
        for _ in 1..up {
            i = tree.nodes.get(i as usize)?.parent;
        }
        let node = tree.nodes.get(i as usize)?;
        Some((node, tree.str(tree.attrs[node.attrs as usize].signal)))
    };
    match name {
        "a" if has(signal, "username")
            || has(signal, "username-coloured")
            || tree.str(attrs.href).contains("mode=viewprofile") =>
        {
            (1..=3).any(|up| above(up).is_some_and(|(_, s)| has(s, "postprofile")))
        }
        "strong" => {
            above(1).is_some_and(|(node, _)| node.tag == Some(Tag::Dt))
                && (2..=3).any(|up| above(up).is_some_and(|(_, s)| has(s, "postleft")))
        }
        _ => false,
    }
}

/// How many date-naming elements [`Facts::dated`] keeps.
pub(crate) const MAX_DATED: usize = 16;

/// Whether a lower-cased `class`/`id` signal names a publication date.
fn names_a_date(signal: &str) -> bool {
    (signal.contains("date") || signal.contains("publish") || signal.contains("posted-on"))
        && !signal.contains("update")
        && !signal.contains("modif")
        && !signal.contains("validate")
        && !signal.contains("comment")
        && !signal.contains("review")
        && !signal.contains("card")
        && !signal.contains("picker")
        && !signal.contains("release")
}

/// The [`byline`] markers of a `class` attribute (class names compare case-sensitively, as
/// in a document in no-quirks mode).
fn byline_classes(class: &str) -> u8 {
    if !class.contains("byline") && !class.contains("author") {
        return 0;
    }
    let mut out = 0;
    if class.contains("byline") {
        out |= byline::CLASS_HAS_BYLINE;
    }
    for name in class.split_ascii_whitespace() {
        out |= match name {
            "byline" => byline::CLASS_BYLINE,
            "author" => byline::CLASS_AUTHOR,
            _ => 0,
        };
        if name.contains("author") {
            out |= author_class(name);
        }
    }
    out
}

/// The [`byline`] markers of one class name that holds "author". None for a part of an
/// author box other than the name ("dynamic-author-description", "author-bio",
/// "t-blogpost-author-position", "author-avatar") or for a teaser card's author
/// ("card-blog-author-name"). `.author-name` as well for a name's own class in any spelling:
/// "author" then "name" with only dashes or underscores between ("t-blogpost-author-name",
/// "author__name", "authorName").
fn author_class(name: &str) -> u8 {
    let lower = name.to_ascii_lowercase();
    // "card-blog-author-name": a teaser card's author, not the page's.
    if lower.contains("card") || AUTHOR_BOX_PARTS.iter().any(|part| lower.contains(part)) {
        return 0;
    }
    // "author" then "name", with nothing but dashes and underscores between
    // ("mntl-author-tooltip__name" names a tooltip's person).
    let names_the_name = lower
        .strip_suffix("name")
        .is_some_and(|head| head.trim_end_matches(['-', '_']).ends_with("author"));
    if names_the_name {
        byline::CLASS_HAS_AUTHOR | byline::CLASS_AUTHOR_NAME
    } else {
        byline::CLASS_HAS_AUTHOR
    }
}

/// Parts of an author box other than the name, as class names word them (lower case;
/// "desc" also stands for "description").
const AUTHOR_BOX_PARTS: &[&str] = &[
    "desc", "bio", "position", "role", "job", "avatar", "image", "img", "photo", "picture",
    "social",
];

/// Iterator over a node's children.
pub(crate) struct Children<'a> {
    nodes: &'a [Node],
    next: usize,
    end: usize,
}

impl Iterator for Children<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if self.next >= self.end {
            return None;
        }
        let current = self.next;
        self.next = self.nodes[current].end as usize;
        Some(current)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn author_classes_tell_the_name_from_the_rest_of_the_box() {
        use byline::{CLASS_AUTHOR, CLASS_AUTHOR_NAME as NAME, CLASS_HAS_AUTHOR as HAS};
        for (class, markers) in [
            ("author", CLASS_AUTHOR | HAS),
            ("author-name", HAS | NAME),
            ("t-blogpost-author-name", HAS | NAME),
            ("author__name", HAS | NAME),
            ("authorName", HAS | NAME),
            ("post-author", HAS),
            ("mntl-author-tooltip__name", HAS),
            ("dynamic-author-description", 0),
            ("author-bio", 0),
            ("t-blogpost-author-position", 0),
            ("card-blog-author-name", 0),
            ("Author-Name", 0),
            ("entry author-avatar", 0),
        ] {
            assert_eq!(byline_classes(class), markers, "{class}");
        }
    }

    #[test]
    fn arena_is_in_document_order_with_subtree_ranges() {
        let doc =
            Document::from("<div class='A b' id=Main><p>x<a href='/y'>y</a></p><p>z</p></div>");
        let tree = Tree::build(&doc);
        let div = (0..tree.len())
            .find(|&i| tree.tag(i) == Some(Tag::Div))
            .expect("a div");
        let kids: Vec<usize> = tree.children(div).collect();
        assert_eq!(kids.len(), 2);
        assert_eq!(
            tree.nodes[kids[1]].end as usize,
            tree.nodes[div].end as usize
        );
        assert_eq!(tree.str(tree.attrs(div).signal), "a b main");
        let a = (0..tree.len())
            .find(|&i| tree.tag(i) == Some(Tag::A))
            .expect("a link");
        assert_eq!(tree.str(tree.attrs(a).href), "/y");
        assert_eq!(tree.nodes[a].parent as usize, kids[0]);
    }

    #[test]
    fn visible_samples_are_bounded_and_skip_invisible_text() {
        let doc = Document::from(
            "<head><title>T</title></head><body><script>var x;</script><p>Un  deux</p>\
             <p aria-hidden=true>caché</p><p>trois<b>quatre</b></p><div>cinq</div></body>",
        );
        let tree = Tree::build(&doc);
        assert_eq!(tree.visible_sample(100), "Un deux troisquatre cinq");
        assert_eq!(tree.visible_sample(9), "Un deux t");
        let doc = Document::from(format!("<p>{}</p>", "é".repeat(10)));
        assert_eq!(Tree::build(&doc).visible_sample(5), "éé");
    }

    #[test]
    fn hidden_markup_is_flagged() {
        let doc = Document::from("<p aria-hidden=TRUE>a</p><p hidden>b</p><p>c</p>");
        let tree = Tree::build(&doc);
        let hidden: Vec<bool> = (0..tree.len())
            .filter(|&i| tree.tag(i) == Some(Tag::P))
            .map(|i| tree.attrs(i).hidden)
            .collect();
        assert_eq!(hidden, [true, false, false]);
    }
}
