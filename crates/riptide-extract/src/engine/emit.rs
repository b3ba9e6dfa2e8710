//! Writing the selection out: plain text and CommonMark in the same walk, with the links and
//! media of what was written.
//!
//! Adjacent blocks are always separated (a pending break is written before the next piece of
//! content), white space of the source is collapsed outside `<pre>`, and markdown structure is
//! written lazily, so that an element without content leaves no empty heading, link or list
//! marker behind.

use std::collections::HashSet;

use url::Url;

use super::markdown::{Table, escape_inline, escape_line_start, link_destination};
use super::score::Scores;
use super::signals;
use super::tag::Tag;
use super::tree::Tree;

/// A link-dense block (navigation lists, tag clouds, "more stories") is dropped when more
/// than this share of its text is inside links.
const MAX_LINK_DENSITY: f32 = 0.55;

/// What the walk produced.
#[derive(Debug, Default)]
pub(crate) struct Emitted {
    /// Plain text, blocks separated by blank lines.
    pub(crate) text: String,
    /// CommonMark.
    pub(crate) markdown: String,
    /// Absolute link targets, de-duplicated, in order.
    pub(crate) links: Vec<String>,
    /// Absolute image URLs, de-duplicated, in order.
    pub(crate) media: Vec<String>,
}

/// The break owed before the next content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Break {
    None,
    Line,
    Paragraph,
}

/// Options of one emission.
pub(crate) struct Context<'a> {
    /// The arena.
    pub(crate) tree: &'a Tree,
    /// Its measures.
    pub(crate) scores: &'a Scores,
    /// The URL relative references resolve against.
    pub(crate) base: &'a Url,
    /// The page title: a heading repeating it is left out of the text and the markdown (the
    /// text is the body; the title is a field of its own and heads the markdown).
    pub(crate) title: Option<&'a str>,
    /// Subtrees written as they are, without the link-density test (the selection roots).
    pub(crate) roots: &'a [usize],
    /// Write everything visible below the roots: no boilerplate or link-density test
    /// (`full` and `custom` modes).
    pub(crate) all: bool,
}

/// An open list.
struct List {
    ordered: bool,
    next: u32,
    /// The width of the marker of its current item ("- ", "10. "): how far the item's
    /// further lines are indented to stay inside it.
    indent: usize,
    /// Whether the marker of its current (or last) item is written: from then on the lines
    /// written in the list are indented under it.
    started: bool,
    /// Whether an item of it is open.
    in_item: bool,
}

struct Writer<'a> {
    cx: &'a Context<'a>,
    /// Blocks more link-dense than this are dropped: [`MAX_LINK_DENSITY`], or more on pages
    /// whose selected content is itself mostly links (listings).
    max_density: f32,
    text: String,
    md: String,
    brk: Break,
    space: bool,
    /// Markdown owed before the next content (a heading or list marker).
    marker: String,
    /// Open block quotes, each with how many lists were open when it began: a quote
    /// inside a list item is written after the item's indent, one around a list before it.
    quotes: Vec<usize>,
    /// Open headings: a `<br>` in one is a space (a heading is one line).
    heading: usize,
    lists: Vec<List>,
    pre: usize,
    /// The fence of the open code block: longer than any run of backticks in the code.
    fence: String,
    /// Open inline code spans.
    code: usize,
    /// The delimiter of the open code span: longer than any run of backticks inside.
    code_delim: String,
    /// Where the last code span closed in the markdown, and its delimiter: a span that
    /// opens right there continues it (`<kbd>Ctrl</kbd><kbd>F</kbd>` reads "Ctrl" "F"
    /// glued, and "`Ctrl``F`" would be one span holding "Ctrl``F").
    code_closed: Option<(usize, String)>,
    /// The title heading being skipped, by node, and the length of the markdown before it
    /// (the heading is cut from the markdown when it closes: the document's title heads
    /// the markdown instead, so that the markdown reads as the text does).
    title_heading: Option<usize>,
    title_md_start: usize,
    /// The last markdown written opens a span (`[`, a backtick): no space may follow.
    just_opened: bool,
    /// Where in the markdown the last span opener was written.
    opener_at: usize,
    table: Option<Table>,
    /// A data table's row began: the text writes it on a line of its own.
    row_break: bool,
    /// Nesting of tables inside the data table being written.
    inner_tables: usize,
    /// Links whose markdown opener was written, by node.
    open_links: Vec<(usize, String)>,
    links: Vec<String>,
    media: Vec<String>,
    seen: HashSet<String>,
}

/// Write the content below `cx.roots`.
pub(crate) fn emit(cx: &Context) -> Emitted {
    let (text, link) = cx.roots.iter().fold((0u32, 0u32), |(t, l), &r| {
        (t + cx.scores.text[r], l + cx.scores.link[r])
    });
    let density = if text == 0 {
        0.0
    } else {
        link as f32 / text as f32
    };
    let mut w = Writer {
        cx,
        max_density: MAX_LINK_DENSITY.max(density + 0.25),
        text: String::new(),
        md: String::new(),
        brk: Break::None,
        space: false,
        marker: String::new(),
        quotes: Vec::new(),
        heading: 0,
        lists: Vec::new(),
        pre: 0,
        fence: String::new(),
        code: 0,
        code_delim: String::new(),
        code_closed: None,
        title_heading: None,
        title_md_start: 0,
        just_opened: false,
        table: None,
        row_break: false,
        inner_tables: 0,
        open_links: Vec::new(),
        opener_at: 0,
        links: Vec::new(),
        media: Vec::new(),
        seen: HashSet::new(),
    };
    for &root in cx.roots {
        w.walk(root);
        w.block(Break::Paragraph);
    }
    Emitted {
        text: crate::words::normalise_blocks(&w.text),
        markdown: tidy_markdown(&w.md),
        links: w.links,
        media: w.media,
    }
}

impl Writer<'_> {
    /// Visit the subtree of `root` in document order, skipping what [`Writer::skip`] drops.
    fn walk(&mut self, root: usize) {
        let tree = self.cx.tree;
        let stop = tree.nodes[root].end as usize;
        let mut open: Vec<usize> = Vec::new();
        let mut j = root;
        while j < stop {
            while let Some(&top) = open.last() {
                if j < tree.nodes[top].end as usize {
                    break;
                }
                open.pop();
                self.leave(top);
            }
            if self.skip(j) {
                j = tree.nodes[j].end as usize;
                continue;
            }
            match tree.tag(j) {
                None => self.text_node(tree.str(tree.nodes[j].text)),
                Some(tag) => {
                    self.enter(j, tag);
                    if tree.nodes[j].end as usize > j + 1 {
                        open.push(j);
                    } else {
                        self.leave(j);
                    }
                }
            }
            j += 1;
        }
        while let Some(top) = open.pop() {
            self.leave(top);
        }
    }

    /// Whether node `i` and its subtree are left out.
    fn skip(&self, i: usize) -> bool {
        let s = self.cx.scores;
        if s.junk[i] {
            return true;
        }
        let tree = self.cx.tree;
        let Some(tag) = tree.tag(i) else { return false };
        let text = s.text[i];
        if self.cx.all {
            return matches!(tag, Tag::Heading(_)) && text == 0;
        }
        match tag {
            Tag::Heading(_) => text == 0,
            Tag::Div
            | Tag::Section
            | Tag::List(_)
            | Tag::Li
            | Tag::Table
            | Tag::Dl
            | Tag::OtherBlock
            | Tag::Header
            | Tag::Form
            | Tag::P
            | Tag::Figure => {
                if text == 0 || self.cx.roots.contains(&i) {
                    return false;
                }
                if s.link_density(i) > self.max_density {
                    return true;
                }
                text <= 40 && signals::is_boilerplate_text(&collect_text(tree, s, i))
            }
            // Code is never furniture: "<code><span>email</span></code>" names an input type.
            Tag::A | Tag::Inline if self.code == 0 && self.pre == 0 => {
                text > 0 && text <= 40 && signals::is_boilerplate_text(&collect_text(tree, s, i))
            }
            _ => false,
        }
    }

    fn enter(&mut self, i: usize, tag: Tag) {
        let tree = self.cx.tree;
        if self.table.is_some() {
            self.enter_in_table(tag);
            if tag == Tag::A {
                self.note_link(i);
            } else if tag == Tag::Img {
                self.image(i);
            }
            return;
        }
        match tag {
            Tag::Heading(level) => {
                self.block(Break::Paragraph);
                self.heading += 1;
                if self.lists.is_empty() {
                    self.marker = "#".repeat(usize::from(level)) + " ";
                }
                if level <= 2 && self.title_heading.is_none() && self.repeats_title(i) {
                    self.title_heading = Some(i);
                    self.title_md_start = self.md.len();
                }
            }
            Tag::P
            | Tag::Div
            | Tag::Section
            | Tag::Article
            | Tag::Main
            | Tag::Figure
            | Tag::Header
            | Tag::Form
            | Tag::OtherBlock
            | Tag::Nav
            | Tag::Aside
            | Tag::Footer
            | Tag::Body
            | Tag::Html => {
                self.block(Break::Paragraph);
            }
            Tag::Figcaption | Tag::Caption | Tag::Dl | Tag::Dt | Tag::Dd | Tag::Tr => {
                self.block(Break::Line);
            }
            Tag::Cell(_) => self.space = true,
            Tag::Blockquote => {
                self.block(Break::Paragraph);
                self.quotes.push(self.lists.len());
            }
            Tag::List(ordered) => {
                self.block(if self.lists.is_empty() {
                    Break::Paragraph
                } else {
                    Break::Line
                });
                self.lists.push(List {
                    ordered,
                    next: 1,
                    indent: 0,
                    started: false,
                    in_item: false,
                });
            }
            Tag::Li => {
                self.block(Break::Line);
                if let Some(list) = self.lists.last_mut() {
                    self.marker = if list.ordered {
                        format!("{}. ", list.next)
                    } else {
                        "- ".to_string()
                    };
                    list.next += 1;
                    list.indent = self.marker.len();
                    list.started = false;
                    list.in_item = true;
                } else {
                    self.marker = "- ".to_string();
                }
            }
            Tag::Pre => {
                self.block(Break::Paragraph);
                if self.pre == 0 {
                    self.flush();
                    self.fence = "`".repeat(longest_backtick_run(self.cx.tree, i).max(2) + 1);
                    self.md.push_str(&self.fence.clone());
                    self.pre_md("\n");
                }
                self.pre += 1;
            }
            Tag::Code if self.pre == 0 && self.cx.scores.text[i] > 0 => {
                if self.code == 0 {
                    // "`` a`b ``": a delimiter longer than the backticks inside, and a space
                    // inside it when the code has backticks at all.
                    let run = longest_backtick_run(self.cx.tree, i);
                    self.code_delim = "`".repeat(run + 1);
                    if run > 0 {
                        self.code_delim.push(' ');
                    }
                    let glued = !self.space
                        && self.brk == Break::None
                        && self.table.is_none()
                        && self.code_closed.as_ref().is_some_and(|(at, delim)| {
                            *at == self.md.len() && *delim == self.code_delim
                        });
                    if glued {
                        self.md.truncate(self.md.len() - self.code_delim.len());
                    } else {
                        self.raw_md(&self.code_delim.clone(), true);
                    }
                }
                self.code += 1;
            }
            Tag::Table => {
                self.block(Break::Paragraph);
                if is_data_table(tree, i) {
                    self.flush();
                    self.table = Some(Table::default());
                }
            }
            Tag::Hr => {
                self.block(Break::Paragraph);
                self.flush();
                self.md.push_str("---");
                self.block(Break::Paragraph);
            }
            Tag::Br => self.line_break(),
            Tag::A => self.note_link(i),
            Tag::Img => self.image(i),
            _ => {}
        }
    }

    fn leave(&mut self, i: usize) {
        let Some(tag) = self.cx.tree.tag(i) else {
            return;
        };
        if let Some((node, url)) = self.open_links.last()
            && *node == i
        {
            let closer = format!("]({})", link_destination(url));
            self.open_links.pop();
            self.md_closer(&closer);
        }
        if self.table.is_some() {
            match tag {
                Tag::Table if self.inner_tables == 0 => self.finish_table(),
                Tag::Table => self.inner_tables -= 1,
                Tag::Tr => {
                    if let Some(table) = self.table.as_mut() {
                        table.end_row();
                    }
                    self.block(Break::Line);
                }
                _ => {}
            }
            return;
        }
        match tag {
            Tag::Heading(_) => {
                self.marker.clear();
                self.heading = self.heading.saturating_sub(1);
                self.block(Break::Paragraph);
                if self.title_heading == Some(i) {
                    self.title_heading = None;
                    self.md.truncate(self.title_md_start);
                    self.just_opened = false;
                }
            }
            Tag::Blockquote => {
                self.block(Break::Paragraph);
                self.quotes.pop();
            }
            Tag::List(_) => {
                self.lists.pop();
                // What follows a nested list inside an item is a paragraph of that item.
                self.block(Break::Paragraph);
            }
            Tag::Li => {
                self.marker.clear();
                if let Some(list) = self.lists.last_mut() {
                    list.in_item = false;
                }
                // The next item follows on the next line: a list of one-paragraph items
                // stays tight.
                if self.table.is_none() {
                    self.brk = Break::Line;
                }
                self.space = false;
            }
            Tag::Pre => {
                self.pre = self.pre.saturating_sub(1);
                if self.pre == 0 {
                    let line_start = format!("\n{}", self.prefix());
                    if !self.md.ends_with(&line_start) {
                        self.md.push_str(&line_start);
                    }
                    let fence = std::mem::take(&mut self.fence);
                    self.md.push_str(&fence);
                    self.brk = Break::Paragraph;
                    self.space = false;
                }
            }
            Tag::Code if self.pre == 0 && self.cx.scores.text[i] > 0 => {
                self.code = self.code.saturating_sub(1);
                if self.code == 0 {
                    let delim = std::mem::take(&mut self.code_delim);
                    // A span whose text was all left out leaves no empty "``" behind.
                    let empty = self.just_opened
                        && self.table.is_none()
                        && self.md.len() == self.opener_at + delim.len();
                    if empty {
                        self.md.truncate(self.opener_at);
                    } else {
                        let closer: String = delim.chars().rev().collect();
                        self.md_closer(&closer);
                        self.code_closed = Some((self.md.len(), delim));
                    }
                }
            }
            Tag::Figcaption | Tag::Caption | Tag::Dl | Tag::Dt | Tag::Dd | Tag::Tr => {
                self.block(Break::Line);
            }
            t if t.is_block() => self.block(Break::Paragraph),
            _ => {}
        }
    }

    fn enter_in_table(&mut self, tag: Tag) {
        match tag {
            Tag::Table => self.inner_tables += 1,
            Tag::Tr if self.inner_tables == 0 => {
                if let Some(table) = self.table.as_mut() {
                    table.start_row();
                }
                self.block(Break::Line);
                self.row_break = true;
            }
            Tag::Cell(_) if self.inner_tables == 0 => {
                if let Some(table) = self.table.as_mut() {
                    table.start_cell();
                }
                self.space = true;
            }
            t if t.is_block() || t == Tag::Br => self.space = true,
            _ => {}
        }
    }

    fn finish_table(&mut self) {
        let Some(table) = self.table.take() else {
            return;
        };
        let rendered = table.render();
        if !rendered.is_empty() {
            self.brk = self.brk.max(Break::Paragraph);
            self.flush_md();
            let prefix = self.prefix();
            for (k, line) in rendered.lines().enumerate() {
                if k > 0 {
                    self.md.push('\n');
                    self.md.push_str(&prefix);
                }
                self.md.push_str(line);
            }
        }
        self.block(Break::Paragraph);
    }

    /// Owe a break before the next content.
    fn block(&mut self, brk: Break) {
        if self.table.is_some() {
            self.space = true;
            return;
        }
        // In a list, a paragraph break is kept only inside an item that has begun: its
        // paragraphs stay apart (indented under its marker); before an item's first words
        // and between items a line break does, so that lists stay tight.
        let inside_item = self
            .lists
            .last()
            .is_none_or(|list| list.in_item && list.started);
        let brk = if brk == Break::Paragraph && !inside_item {
            Break::Line
        } else {
            brk
        };
        self.brk = self.brk.max(brk);
        self.space = false;
    }

    fn line_break(&mut self) {
        if self.table.is_some() || self.pre > 0 || self.heading > 0 {
            self.space = true;
            if self.pre > 0 {
                self.text.push('\n');
                self.pre_md("\n");
            }
            return;
        }
        self.brk = self.brk.max(Break::Line);
        self.space = false;
    }

    /// The markdown written at the start of every line, container by container from the
    /// outermost: a block quote's mark, and the indent that keeps a line inside a list item
    /// (under its marker).
    fn prefix(&self) -> String {
        self.prefix_with(None)
    }

    /// [`Writer::prefix`] with the pending list `marker` written in place of the indent of
    /// the list it opens an item of ("> 1. " for a quote around a list, "1. > " for a quote
    /// inside an item).
    fn prefix_with(&self, marker: Option<&str>) -> String {
        let mut p = String::new();
        let mut quotes = self.quotes.iter().peekable();
        let innermost = self.lists.len().saturating_sub(1);
        for (k, list) in self.lists.iter().enumerate() {
            while quotes.next_if(|&&lists_open| lists_open <= k).is_some() {
                p.push_str("> ");
            }
            match marker {
                Some(marker) if k == innermost => p.push_str(marker),
                _ if list.started => p.extend(std::iter::repeat_n(' ', list.indent)),
                _ => {}
            }
        }
        for _ in quotes {
            p.push_str("> ");
        }
        p
    }

    /// Write the owed break (and marker) before content.
    fn flush(&mut self) {
        self.flush_text();
        self.flush_md();
    }

    fn flush_text(&mut self) {
        if self.title_heading.is_some() {
            return;
        }
        match self.brk {
            Break::None => {
                // A data table's rows are lines of the text, as the markdown's are: the
                // first flush with no break pending after a row starts ends the line.
                let row_starts = std::mem::take(&mut self.row_break) && self.table.is_some();
                if row_starts {
                    if !self.text.is_empty() && !self.text.ends_with('\n') {
                        self.text.push('\n');
                    }
                } else if self.space
                    && !self.text.is_empty()
                    && !self.text.ends_with(char::is_whitespace)
                {
                    self.text.push(' ');
                }
            }
            Break::Line => self.text.push('\n'),
            Break::Paragraph => self.text.push_str("\n\n"),
        }
    }

    fn flush_md(&mut self) {
        if let Some(table) = self.table.as_mut() {
            if self.space {
                table.push_space();
            }
            self.space = false;
            self.brk = Break::None;
            return;
        }
        match self.brk {
            Break::None => {
                if self.space
                    && !self.just_opened
                    && !self.md.is_empty()
                    && !self.md.ends_with([' ', '\n'])
                {
                    self.md.push(' ');
                } else if self.space && self.just_opened {
                    // White space at the start of a span ("our<a> mobile app</a>") goes
                    // before its opener, as the text has it: "our [mobile app](…)".
                    let before = &self.md[..self.opener_at];
                    if !before.is_empty() && !before.ends_with([' ', '\n']) {
                        self.md.insert(self.opener_at, ' ');
                    }
                }
            }
            // A link's text stays in one paragraph: a paragraph break inside it would leave
            // "[…" and "](…)" as literal text. A `<br>` in it is a hard break, which a
            // link's text may hold ("Terracotta Pot\\\nSmall").
            brk if !self.open_links.is_empty() => {
                if !self.just_opened && !self.md.is_empty() && !self.md.ends_with([' ', '\n']) {
                    if brk == Break::Line && !self.md.ends_with('\\') {
                        self.md.push_str("\\\n");
                        let prefix = self.prefix();
                        self.md.push_str(&prefix);
                    } else {
                        self.md.push(' ');
                    }
                }
            }
            brk => {
                if !self.md.is_empty() {
                    // A line break inside a paragraph ("<br>", a definition after its term)
                    // is a hard break: a bare newline would join the lines when rendered.
                    let hard = brk == Break::Line
                        && self.marker.is_empty()
                        && !self.md.ends_with(['\n', '\\']);
                    if hard {
                        self.md.push('\\');
                    }
                    self.md
                        .push_str(if brk == Break::Line { "\n" } else { "\n\n" });
                }
                let marker = std::mem::take(&mut self.marker);
                let list_marker = !marker.is_empty() && !marker.starts_with('#');
                if list_marker && !self.lists.is_empty() {
                    let prefix = self.prefix_with(Some(&marker));
                    self.md.push_str(&prefix);
                    if let Some(list) = self.lists.last_mut() {
                        list.started = true;
                    }
                } else {
                    let prefix = self.prefix();
                    self.md.push_str(&prefix);
                    self.md.push_str(&marker);
                }
            }
        }
        self.brk = Break::None;
        self.space = false;
    }

    /// Write markdown syntax that opens an inline span (after the owed break or space).
    fn raw_md(&mut self, s: &str, opener: bool) {
        self.flush();
        match self.table.as_mut() {
            Some(table) => table.push(s),
            None => {
                self.opener_at = self.md.len();
                self.md.push_str(s);
            }
        }
        self.just_opened = opener;
    }

    /// Write markdown syntax that closes an inline span (a pending space stays pending).
    fn md_closer(&mut self, s: &str) {
        match self.table.as_mut() {
            Some(table) => table.push(s),
            None => self.md.push_str(s),
        }
    }

    /// Write code verbatim, each new line starting with the block quote and list prefix, so
    /// that a code block inside a quote or a list item stays inside it.
    fn pre_md(&mut self, raw: &str) {
        let prefix = self.prefix();
        if prefix.is_empty() {
            self.md.push_str(raw);
            return;
        }
        for (k, line) in raw.split('\n').enumerate() {
            if k > 0 {
                self.md.push('\n');
                self.md.push_str(&prefix);
            }
            self.md.push_str(line);
        }
    }

    fn text_node(&mut self, raw: &str) {
        if self.pre > 0 {
            self.flush();
            self.text.push_str(raw);
            self.pre_md(raw);
            return;
        }
        let mut words = raw.split_whitespace().peekable();
        if raw.starts_with(char::is_whitespace) {
            self.space = true;
        }
        while let Some(word) = words.next() {
            self.word(word);
            if words.peek().is_some() {
                self.space = true;
            }
        }
        if raw.ends_with(char::is_whitespace) {
            self.space = true;
        }
    }

    fn word(&mut self, word: &str) {
        let brk = self.brk;
        let line_start = brk != Break::None || self.md.is_empty() || self.md.ends_with('\n');
        // A heading's words are inline text whatever they begin with ("### 1. Multimeter").
        let after_heading_marker = self.marker.starts_with('#');
        self.flush_text();
        if self.title_heading.is_none() {
            self.text.push_str(word);
        }
        self.flush_md();
        // What the page writes as text stays text (see [`escape_inline`]); a heading's
        // "#" (an anchor link's text) is not its closing sequence.
        let escaped;
        let word = if self.code == 0 && self.pre == 0 {
            escaped = escape_inline(word, self.heading > 0);
            escaped.as_ref()
        } else {
            word
        };
        // "<span>1</span>. Total": the number started the line, so the period after it
        // would make it an ordered list item.
        let glued_number = !self.space
            && self.table.is_none()
            && word.starts_with(['.', ')'])
            && self.md.rsplit('\n').next().is_some_and(|line| {
                // The line's own text, after the quote marks and the list indent.
                let line = line.trim_start_matches(['>', ' ']);
                !line.is_empty() && line.len() <= 9 && line.bytes().all(|b| b.is_ascii_digit())
            });
        if glued_number {
            self.md.push('\\');
        }
        match self.table.as_mut() {
            Some(table) => table.push(&word.replace('|', "\\|")),
            None if line_start && !after_heading_marker => {
                self.md.push_str(&escape_line_start(word));
            }
            None => self.md.push_str(word),
        }
        self.just_opened = false;
        self.brk = Break::None;
        self.space = false;
    }

    /// Whether heading `i` repeats the page title.
    fn repeats_title(&self, i: usize) -> bool {
        self.cx
            .title
            .is_some_and(|t| same_text(&collect_text(self.cx.tree, self.cx.scores, i), t))
    }

    fn note_link(&mut self, i: usize) {
        let tree = self.cx.tree;
        let href = tree.str(tree.attrs(i).href);
        let Some(url) = crate::dom::resolve(self.cx.base, href) else {
            return;
        };
        if self.seen.insert(url.clone()) {
            self.links.push(url.clone());
        }
        let has_block =
            (i + 1..tree.nodes[i].end as usize).any(|k| tree.tag(k).is_some_and(|t| t.is_block()));
        // Inside a code span a link's syntax would be code text: "`task::[spawn](…)`".
        if self.cx.scores.text[i] > 0 && !has_block && self.pre == 0 && self.code == 0 {
            self.flush();
            // "university!" just before the link would make it an image: "![…](…)".
            if self.table.is_none() && self.md.ends_with('!') {
                self.md.insert(self.md.len() - 1, '\\');
            }
            self.raw_md("[", true);
            self.open_links.push((i, url));
        }
    }

    fn image(&mut self, i: usize) {
        let tree = self.cx.tree;
        let attrs = tree.attrs(i);
        let Some(url) = crate::dom::resolve(self.cx.base, tree.str(attrs.src)) else {
            return;
        };
        if self.seen.insert(url.clone()) {
            self.media.push(url.clone());
        }
        if self.pre > 0 {
            return;
        }
        let alt: String = tree
            .str(attrs.alt)
            .chars()
            .filter(|c| !matches!(c, '[' | ']' | '\n' | '\r'))
            .collect();
        let alt = alt.split_whitespace().collect::<Vec<_>>().join(" ");
        self.raw_md(&format!("![{alt}]({})", link_destination(&url)), false);
    }
}

/// Whether a table holds data (rows of cells) rather than page layout: more than one column,
/// and no block content or nested table inside.
fn is_data_table(tree: &Tree, i: usize) -> bool {
    let mut max_cells = 0;
    let mut cells = 0;
    for k in i + 1..tree.nodes[i].end as usize {
        match tree.tag(k) {
            Some(Tag::Tr) => cells = 0,
            Some(Tag::Cell(_)) => {
                cells += 1;
                max_cells = max_cells.max(cells);
            }
            Some(
                Tag::Table
                | Tag::P
                | Tag::Heading(_)
                | Tag::List(_)
                | Tag::Pre
                | Tag::Blockquote
                | Tag::Div
                | Tag::Article
                | Tag::Section,
            ) => return false,
            _ => {}
        }
    }
    max_cells > 1
}

/// The collapsed text of a (small) subtree.
fn collect_text(tree: &Tree, s: &Scores, i: usize) -> String {
    let mut out = String::new();
    let mut k = i;
    let end = tree.nodes[i].end as usize;
    while k < end {
        if s.junk[k] {
            k = tree.nodes[k].end as usize;
            continue;
        }
        if tree.tag(k).is_none() {
            for word in tree.str(tree.nodes[k].text).split_whitespace() {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(word);
            }
        }
        k += 1;
    }
    out
}

/// Whether two texts are the same up to case, white space and trailing punctuation.
fn same_text(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .trim_end_matches(|c: char| c.is_ascii_punctuation())
            .to_lowercase()
    };
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && a == b
}

/// Trim trailing spaces of lines and keep at most one blank line between blocks.
fn tidy_markdown(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut blank = 0;
    // The open code fence (a run of three or more backticks), if any.
    let mut fence: Option<usize> = None;
    for line in md.lines() {
        let start = line.trim_start();
        let run = start.bytes().take_while(|&b| b == b'`').count();
        let was_open = fence.is_some();
        match fence {
            None if run >= 3 => fence = Some(run),
            Some(open) if run >= open && start[run..].trim().is_empty() => fence = None,
            _ => {}
        }
        // Lines inside a code block, its fences included, stay as they are.
        let in_code = was_open || fence.is_some();
        let line = if in_code { line } else { line.trim_end() };
        if line.trim().is_empty() && !in_code {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        out.push_str(line);
        blank = 0;
    }
    out
}

/// The longest run of backticks in the text below node `i`.
fn longest_backtick_run(tree: &Tree, i: usize) -> usize {
    let end = tree.nodes[i].end as usize;
    let mut longest = 0;
    for node in &tree.nodes[i..end] {
        if node.tag.is_none() {
            let mut run = 0;
            for c in tree.str(node.text).chars() {
                run = if c == '`' { run + 1 } else { 0 };
                longest = longest.max(run);
            }
        }
    }
    longest
}
