//! The markdown an engine wrote, read back with a CommonMark parser (`pulldown-cmark`) as a
//! user's renderer would read it: what it parses into, and whether it says what the `text`
//! field says.

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Parser, Tag, TagEnd};
use serde::Serialize;

use super::score;

/// Lines that are page furniture, never content, when they stand alone (lower case).
const BOILERPLATE_LINES: &[&str] = &[
    "advertisement",
    "continue reading the main story",
    "continue reading below",
    "story continues below advertisement",
    "skip to main content",
    "skip to content",
    "share this article",
    "share on facebook",
    "share on twitter",
];

/// What reading one page's markdown back found.
#[derive(Debug, Clone, Default, Serialize)]
pub(super) struct MarkdownCheck {
    /// An indented code block: source indentation read as code.
    pub indented_code: bool,
    /// A code block (fenced or inline code) although the page has no `<pre>`, `<code>`,
    /// `<tt>`, `<kbd>` or `<samp>`.
    pub code_without_source_code: bool,
    /// A heading with no text.
    pub empty_heading: bool,
    /// Link or image targets that are not absolute URLs.
    pub relative_links: usize,
    /// A paragraph that is only page furniture ("Advertisement").
    pub boilerplate_line: bool,
    /// Word F1 of the markdown rendered to text against the `text` field (the title heading
    /// the markdown starts with is left out: `text` is the body, the title a field of its
    /// own).
    pub read_back_f1: f64,
    /// The share of the `text` field's lines that the rendered markdown gives as lines of
    /// their own: 1 when the markdown keeps the page's line structure (a list item's
    /// paragraphs apart, a `<br>` a line break), less when rendering joins lines.
    pub lines_kept: f64,
}

impl MarkdownCheck {
    /// Whether any rule is broken.
    pub(super) fn clean(&self) -> bool {
        !self.indented_code
            && !self.code_without_source_code
            && !self.empty_heading
            && self.relative_links == 0
            && !self.boilerplate_line
    }
}

/// Whether `url` is absolute (has a scheme); `mailto:` and `tel:` count as absolute.
fn is_absolute(url: &str) -> bool {
    url.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// Read `markdown` back; `text` and `title` are the same extraction's fields, `html` the page.
pub(super) fn check(markdown: &str, text: &str, title: Option<&str>, html: &str) -> MarkdownCheck {
    let lower_html = html.to_ascii_lowercase();
    let source_has_code = ["<pre", "<code", "<tt", "<kbd", "<samp"]
        .iter()
        .any(|tag| lower_html.contains(tag));
    let (mut out, rendered, lines) = analyse(markdown, title, source_has_code);
    let (_, _, f1) = score::word_counts(&rendered, text).prf();
    out.read_back_f1 = f1;
    out.lines_kept = lines_kept(text, &lines);
    out
}

/// The share of the non-empty lines of `text` (white space collapsed) found among `lines`,
/// each line of `lines` matching once; 1 when `text` has no lines.
fn lines_kept(text: &str, lines: &[String]) -> f64 {
    let mut available: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for line in lines {
        *available.entry(line.as_str()).or_default() += 1;
    }
    let (mut total, mut kept) = (0usize, 0usize);
    for line in text.lines().map(score::collapse).filter(|l| !l.is_empty()) {
        total += 1;
        if let Some(n) = available.get_mut(line.as_str()).filter(|n| **n > 0) {
            *n -= 1;
            kept += 1;
        }
    }
    #[allow(clippy::cast_precision_loss)]
    if total == 0 {
        1.0
    } else {
        kept as f64 / total as f64
    }
}

/// `markdown` rendered to plain text as the read-back compares it, and the lines a renderer
/// shows as *lines kept* counts them (for `eval --dump`); `title` is the same extraction's
/// title field.
pub(super) fn read_back(markdown: &str, title: Option<&str>) -> (String, Vec<String>) {
    let (_, text, lines) = analyse(markdown, title, true);
    (text, lines)
}

/// The rule checks of `markdown`, its rendering to plain text (one line per block), and the
/// lines a renderer shows (blocks, items, table rows and hard breaks end one; white space
/// collapsed, empty lines left out).
fn analyse(
    markdown: &str,
    title: Option<&str>,
    source_has_code: bool,
) -> (MarkdownCheck, String, Vec<String>) {
    let mut out = MarkdownCheck::default();
    // Rendered text, one line per block.
    let mut rendered = String::new();
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let end_line = |line: &mut String, lines: &mut Vec<String>| {
        let done = score::collapse(line);
        if !done.is_empty() {
            lines.push(done);
        }
        line.clear();
    };
    let mut heading_text: Option<String> = None;
    let mut first_block = true;
    let mut in_image = 0usize;
    let mut paragraph = String::new();
    let mut in_paragraph = false;
    for event in Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_TABLES) {
        // Blocks, items and table cells end a line; inline spans do not ("**Night**stands"
        // reads "Nightstands", "[SQL](…)[Data](…)" reads "SQLData" as the page shows it).
        let ends_element = matches!(event, Event::End(_))
            && !matches!(
                event,
                Event::End(
                    TagEnd::Emphasis
                        | TagEnd::Strong
                        | TagEnd::Strikethrough
                        | TagEnd::Superscript
                        | TagEnd::Subscript
                        | TagEnd::Link
                        | TagEnd::Image
                )
            );
        let ends_cell = matches!(event, Event::End(TagEnd::TableCell));
        // A block starts on a line of its own: a tight item's text ends where the list
        // nested in the item starts.
        let starts_block = matches!(
            event,
            Event::Start(
                Tag::Paragraph
                    | Tag::Heading { .. }
                    | Tag::List(_)
                    | Tag::Item
                    | Tag::BlockQuote(_)
                    | Tag::CodeBlock(_)
                    | Tag::Table(_)
            )
        );
        if starts_block && !line.trim().is_empty() {
            rendered.push('\n');
            end_line(&mut line, &mut lines);
        }
        let ends_block = matches!(
            event,
            Event::End(
                TagEnd::Paragraph
                    | TagEnd::Heading(_)
                    | TagEnd::List(_)
                    | TagEnd::CodeBlock
                    | TagEnd::BlockQuote(_)
                    | TagEnd::Table
            )
        );
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                if matches!(kind, CodeBlockKind::Indented) {
                    out.indented_code = true;
                }
                if !source_has_code {
                    out.code_without_source_code = true;
                }
            }
            Event::Code(_) if !source_has_code => out.code_without_source_code = true,
            Event::Start(Tag::Heading { .. }) => heading_text = Some(String::new()),
            Event::End(TagEnd::Heading(level)) => {
                let heading = heading_text.take().unwrap_or_default();
                if heading.trim().is_empty() {
                    out.empty_heading = true;
                }
                if first_block
                    && level == pulldown_cmark::HeadingLevel::H1
                    && title.is_some_and(|t| score::same_text(t, &heading))
                {
                    rendered.clear();
                    lines.clear();
                    line.clear();
                }
            }
            Event::Start(Tag::Link {
                dest_url,
                link_type,
                ..
            }) if !matches!(link_type, LinkType::Email) && !is_absolute(&dest_url) => {
                out.relative_links += 1;
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                in_image += 1;
                if !is_absolute(&dest_url) {
                    out.relative_links += 1;
                }
            }
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Start(Tag::Paragraph) => {
                in_paragraph = true;
                paragraph.clear();
            }
            Event::End(TagEnd::Paragraph) => {
                in_paragraph = false;
                let line = score::collapse(&paragraph).to_lowercase();
                if BOILERPLATE_LINES.contains(&line.as_str()) {
                    out.boilerplate_line = true;
                }
            }
            Event::Text(t) | Event::Code(t) if in_image == 0 => {
                rendered.push_str(&t);
                // A code block's text holds its lines.
                let mut parts = t.split('\n');
                line.push_str(parts.next().unwrap_or_default());
                for part in parts {
                    end_line(&mut line, &mut lines);
                    line.push_str(part);
                }
                if let Some(h) = heading_text.as_mut() {
                    h.push_str(&t);
                }
                if in_paragraph {
                    paragraph.push_str(&t);
                }
            }
            Event::SoftBreak => {
                rendered.push(' ');
                line.push(' ');
            }
            Event::HardBreak => {
                rendered.push(' ');
                end_line(&mut line, &mut lines);
            }
            _ => {}
        }
        if ends_element {
            rendered.push('\n');
            // A row's cells share its line, as the `text` field writes them.
            if ends_cell {
                line.push(' ');
            } else {
                end_line(&mut line, &mut lines);
            }
        }
        if ends_block {
            first_block = false;
        }
    }
    end_line(&mut line, &mut lines);
    (out, rendered, lines)
}

/// The markdown checks of one engine over its pages.
#[derive(Debug, Clone, Default, Serialize)]
pub(super) struct MarkdownSummary {
    /// Pages whose markdown was checked (non-empty text).
    pub pages: usize,
    /// Pages with an indented code block.
    pub indented_code: usize,
    /// Pages with code although the source has none.
    pub code_without_source_code: usize,
    /// Pages with an empty heading.
    pub empty_heading: usize,
    /// Pages with a relative link or image.
    pub relative_links: usize,
    /// Pages with a boilerplate paragraph.
    pub boilerplate_line: usize,
    /// Pages breaking none of the rules above.
    pub clean: usize,
    /// Mean read-back word F1.
    pub read_back_mean: f64,
    /// Lowest read-back word F1, with its page.
    pub read_back_min: Option<(f64, String)>,
    /// Pages whose read-back word F1 is at least 0.99.
    pub read_back_ok: usize,
    /// Mean share of the `text` lines the rendered markdown keeps as lines.
    pub lines_kept_mean: f64,
    /// Pages whose rendered markdown keeps every line of `text`.
    pub lines_all_kept: usize,
}

/// Summarise the checks of `pages` ((page name, check) pairs).
pub(super) fn summarise<'a>(
    pages: impl Iterator<Item = (String, &'a MarkdownCheck)>,
) -> MarkdownSummary {
    let mut s = MarkdownSummary::default();
    let mut sum = 0.0;
    let mut lines_sum = 0.0;
    for (page, c) in pages {
        s.pages += 1;
        s.indented_code += usize::from(c.indented_code);
        s.code_without_source_code += usize::from(c.code_without_source_code);
        s.empty_heading += usize::from(c.empty_heading);
        s.relative_links += usize::from(c.relative_links > 0);
        s.boilerplate_line += usize::from(c.boilerplate_line);
        s.clean += usize::from(c.clean());
        s.read_back_ok += usize::from(c.read_back_f1 >= READ_BACK_GOAL);
        sum += c.read_back_f1;
        lines_sum += c.lines_kept;
        s.lines_all_kept += usize::from(c.lines_kept >= 1.0);
        if s.read_back_min
            .as_ref()
            .is_none_or(|(m, _)| c.read_back_f1 < *m)
        {
            s.read_back_min = Some((c.read_back_f1, page));
        }
    }
    #[allow(clippy::cast_precision_loss)]
    if s.pages > 0 {
        s.read_back_mean = sum / s.pages as f64;
        s.lines_kept_mean = lines_sum / s.pages as f64;
    }
    s
}

/// The read-back word F1 every page should reach.
pub(super) const READ_BACK_GOAL: f64 = 0.99;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_markdown_is_caught() {
        let c = check(
            "# T\n\n    indented source\n\n###\n\n[a](/rel) ![i](img.png)\n\nAdvertisement",
            "indented source a Advertisement",
            Some("T"),
            "<p>no code here</p>",
        );
        assert!(c.indented_code && c.code_without_source_code);
        assert!(c.empty_heading);
        assert_eq!(c.relative_links, 2);
        assert!(c.boilerplate_line);
        assert!(!c.clean());
    }

    #[test]
    fn clean_markdown_reads_back_as_its_text() {
        let c = check(
            "# Tides\n\nThe tide [rises](https://x.example/r) twice.\n\n- Moon\n- Sun\n\n\
             ```\ncode\n```",
            "The tide rises twice.\n\nMoon\nSun\n\ncode",
            Some("Tides"),
            "<pre>code</pre>",
        );
        assert!(c.clean(), "{c:?}");
        assert!((c.read_back_f1 - 1.0).abs() < 1e-9, "{c:?}");
        // Inline spans do not split the words they touch.
        let glued = check(
            "**Night**stands and [SQL](https://x.example/s)[Data](https://x.example/d).",
            "Nightstands and SQLData.",
            None,
            "",
        );
        assert!((glued.read_back_f1 - 1.0).abs() < 1e-9, "{glued:?}");
        // The title heading is left out even when an image follows it, and with soft
        // hyphens in the title.
        let title = "Home Repair Assis\u{ad}tance Program";
        let shy = check(
            &format!(
                "# {title}\n\n![flyer](https://x.example/f.jpg)\n\n### {title}\n\nA new cycle."
            ),
            &format!("{title}\n\nA new cycle."),
            Some(title),
            "",
        );
        assert!((shy.read_back_f1 - 1.0).abs() < 1e-9, "{shy:?}");
        let worse = check("Other words entirely.", "The tide rises.", None, "");
        assert!(worse.read_back_f1 < 0.5);
    }

    #[test]
    fn lines_a_renderer_joins_are_counted() {
        let text =
            "Native apps\nBuilt for one system.\nThey reach the camera.\n12 Harbour St\nPortsmouth";
        // Kept: a list item's paragraphs indented under its marker, a hard break.
        let kept = check(
            "1. Native apps\n\n   Built for one system.\n\n   They reach the camera.\n\n\
             12 Harbour St\\\nPortsmouth",
            text,
            None,
            "",
        );
        assert!((kept.lines_kept - 1.0).abs() < 1e-9, "{kept:?}");
        // Joined: lazy continuation lines and a bare newline render as one line each.
        let joined = check(
            "1. Native apps\nBuilt for one system.\nThey reach the camera.\n\n12 Harbour St\nPortsmouth",
            text,
            None,
            "",
        );
        assert!(joined.lines_kept.abs() < 1e-9, "{joined:?}");
        assert!((joined.read_back_f1 - 1.0).abs() < 1e-9, "{joined:?}");
        // A table row is one line, its cells apart by a space.
        let table = check("| a | b |\n| --- | --- |\n| 1 | 2 |", "a b\n1 2", None, "");
        assert!((table.lines_kept - 1.0).abs() < 1e-9, "{table:?}");
        // A tight item's text and the list nested in the item are lines apart.
        let (_, lines) = read_back("- Sardines.\n  - Salmon.", None);
        assert_eq!(lines, ["Sardines.", "Salmon."]);
        assert!((lines_kept("Sardines.\nSalmon.", &lines) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn absolute_urls_have_a_scheme() {
        assert!(is_absolute("https://a.example/x"));
        assert!(is_absolute("mailto:a@b.example"));
        assert!(!is_absolute("/nfl"));
        assert!(!is_absolute("#story-continues-1"));
        assert!(!is_absolute("img.png"));
    }
}
