//! Behaviour of the whole engine on small pages.

use dom_query::Document;
use url::Url;

use super::extract;
use super::tree::Tree;
use crate::content::Content;
use crate::stages::Laps;

fn run(html: &str) -> Content {
    run_titled(html, None)
}

fn run_titled(html: &str, title: Option<&str>) -> Content {
    let base = Url::parse("https://news.example/a/b/page.html").expect("a valid URL");
    let mut laps = Laps::start();
    extract(&Tree::build(&Document::from(html)), &base, title, &mut laps)
}

const PARAGRAPH: &str = "The tide rises twice a day, pulled by the Moon and, to a lesser \
                         degree, by the Sun, and coastal towns plan their harbours around it.";

fn page(content: &str) -> String {
    format!(
        "<html><body><nav><ul><li><a href=/>Home</a></li><li><a href=/world>World</a></li>\
         </ul></nav><article>{content}</article><footer>Copyright 2024 News Corp</footer>\
         </body></html>"
    )
}

#[test]
fn adjacent_blocks_are_separated() {
    let out = run(&page(&format!(
        "<h2>A</h2><p>B {PARAGRAPH}</p><div>C</div><p>D</p>"
    )));
    assert!(out.text.starts_with("A\n\nB The tide"), "{:?}", out.text);
    assert!(out.text.ends_with("\n\nC\n\nD"), "{:?}", out.text);
    assert!(
        out.markdown.starts_with("## A\n\nB The tide"),
        "{:?}",
        out.markdown
    );
}

#[test]
fn inline_elements_keep_their_spaces() {
    let out = run(&page(&format!(
        "<p>See <a href='/x'>the <b>tide</b> page</a> now. {PARAGRAPH}</p>"
    )));
    assert!(
        out.text.starts_with("See the tide page now."),
        "{:?}",
        out.text
    );
    assert!(
        out.markdown
            .starts_with("See [the tide page](https://news.example/x) now."),
        "{:?}",
        out.markdown
    );
}

#[test]
fn links_and_images_are_made_absolute() {
    let out = run(&page(&format!(
        "<p>{PARAGRAPH} <a href='../c.html'>more</a></p><p><img src='img/t.png' alt='Tide [chart]'></p>"
    )));
    assert!(
        out.markdown
            .contains("[more](https://news.example/a/c.html)"),
        "{}",
        out.markdown
    );
    assert!(
        out.markdown
            .contains("![Tide chart](https://news.example/a/b/img/t.png)"),
        "{}",
        out.markdown
    );
    assert_eq!(out.links, ["https://news.example/a/c.html"]);
    assert_eq!(out.media, ["https://news.example/a/b/img/t.png"]);
}

#[test]
fn empty_headings_are_not_written() {
    let out = run(&page(&format!(
        "<h2> </h2><h3><span></span></h3><p>{PARAGRAPH}</p>"
    )));
    assert!(!out.markdown.contains('#'), "{}", out.markdown);
}

/// Assert that `markdown` holds `part`, showing the markdown when it does not.
#[track_caller]
fn assert_markdown_has(markdown: &str, part: &str) {
    assert!(markdown.contains(part), "{part:?} not in\n{markdown}");
}

/// The CommonMark events of `md` (pulldown-cmark, the reader `cargo xtask eval` uses).
fn parse(md: &str) -> Vec<pulldown_cmark::Event<'_>> {
    pulldown_cmark::Parser::new(md).collect()
}

#[test]
fn source_indentation_never_becomes_code() {
    use pulldown_cmark::{CodeBlockKind, Event, Tag};
    let html = page(&format!(
        "\n        <p>\n            {PARAGRAPH}\n        </p>\n        <ul>\n          <li>\n              one\n          </li>\n          <li>two<ul><li>deep<ul><li>deeper</li></ul></li></ul></li>\n        </ul>\n        <pre>  kept\n      indented</pre>"
    ));
    let out = run(&html);
    let events = parse(&out.markdown);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)))),
        "indented code in\n{}",
        out.markdown
    );
    // The lists nest as the page nests them: "deeper" is three lists deep.
    let mut depth = 0;
    let mut deeper_at = None;
    for e in &events {
        match e {
            Event::Start(Tag::List(_)) => depth += 1,
            Event::End(pulldown_cmark::TagEnd::List(_)) => depth -= 1,
            Event::Text(t) if t.as_ref() == "deeper" => deeper_at = Some(depth),
            _ => {}
        }
    }
    assert_eq!(deeper_at, Some(3), "{}", out.markdown);
    assert!(
        out.markdown.contains("```\n  kept\n      indented\n```"),
        "{}",
        out.markdown
    );
}

#[test]
fn list_items_keep_their_paragraphs() {
    use pulldown_cmark::{Event, Tag, TagEnd};
    let out = run(&page(&format!(
        "<p>{PARAGRAPH}</p><ol><li><h3>Native apps</h3><p>Built for one system.</p>\
         <p>They reach the camera.</p></li><ul><strong>Examples</strong> - Spotify</ul>\
         <li><p>Web apps</p></li><li><p>Hybrid apps</p></li></ol>"
    )));
    assert_markdown_has(
        &out.markdown,
        "1. Native apps\n\n   Built for one system.\n\n   They reach the camera.\\\n   \
         Examples - Spotify\n2. Web apps\n3. Hybrid apps",
    );
    // Read back, the first item holds its three paragraphs apart, and the list its three
    // items.
    let events = parse(&out.markdown);
    let mut items = 0;
    let mut first_item_paragraphs = 0;
    for e in &events {
        match e {
            Event::Start(Tag::Item) => items += 1,
            Event::Start(Tag::Paragraph) if items == 1 => first_item_paragraphs += 1,
            Event::End(TagEnd::List(_)) => break,
            _ => {}
        }
    }
    assert_eq!((items, first_item_paragraphs), (3, 3), "{}", out.markdown);
}

#[test]
fn line_breaks_stay_line_breaks() {
    use pulldown_cmark::Event;
    let out = run(&page(&format!(
        "<h2>Opening hours<br>and prices</h2><p>{PARAGRAPH}</p>\
         <p>12 Harbour Street<br>Portsmouth</p><h3>1. Multimeter</h3><p>Measures.</p>"
    )));
    // A heading is one line; a `<br>` in a paragraph a hard break.
    assert_markdown_has(&out.markdown, "## Opening hours and prices\n");
    assert_markdown_has(&out.markdown, "12 Harbour Street\\\nPortsmouth");
    assert!(
        parse(&out.markdown)
            .iter()
            .any(|e| matches!(e, Event::HardBreak)),
        "{}",
        out.markdown
    );
    assert_eq!(
        out.text.matches("Street\nPortsmouth").count(),
        1,
        "{}",
        out.text
    );
    // A heading's words are not list syntax: "1." needs no escape there.
    assert_markdown_has(&out.markdown, "### 1. Multimeter");
}

#[test]
fn boilerplate_is_dropped() {
    let html = page(&format!(
        "<h1>Tides explained</h1><p>{PARAGRAPH}</p><div class='ad'>Buy now</div>\
         <p>Advertisement</p><p>Continue reading the main story</p>\
         <div class='share-tools'><a href=/fb>Facebook</a> <a href=/tw>Twitter</a></div>\
         <p>{PARAGRAPH}</p><section class='related-links'><h2>Related</h2><ul><li><a href=/1>One \
         related story</a></li><li><a href=/2>Another related story</a></li></ul></section>\
         <div id='comments'><p>First comment: {PARAGRAPH}</p></div>"
    ));
    let out = run_titled(&html, Some("Tides explained"));
    for gone in [
        "Home",
        "Copyright",
        "Buy now",
        "Advertisement",
        "Continue reading",
        "Facebook",
        "related story",
        "First comment",
        "Tides explained",
    ] {
        assert!(!out.text.contains(gone), "{gone:?} in {:?}", out.text);
    }
    assert!(
        out.markdown
            .starts_with("# Tides explained\n\nThe tide rises"),
        "{}",
        out.markdown
    );
    assert_eq!(
        out.text.matches("The tide rises").count(),
        2,
        "{}",
        out.text
    );
}

#[test]
fn data_tables_become_pipe_tables() {
    let out = run(&page(&format!(
        "<p>{PARAGRAPH}</p><table><tr><th>Port</th><th>High tide</th></tr>\
         <tr><td>Brest</td><td>06:12</td></tr></table>"
    )));
    assert!(
        out.markdown
            .contains("| Port | High tide |\n| --- | --- |\n| Brest | 06:12 |"),
        "{}",
        out.markdown
    );
    // The text writes a row on a line, its cells apart by a space.
    assert!(
        out.text.contains("Port High tide\nBrest 06:12"),
        "{}",
        out.text
    );
}

#[test]
fn block_quotes_and_inline_code() {
    let out = run(&page(&format!(
        "<p>{PARAGRAPH}</p><blockquote><p>Time and tide wait for no one.</p></blockquote>\
         <p>Run <code>tide --now</code> to see it.</p>"
    )));
    assert!(
        out.markdown.contains("> Time and tide wait for no one."),
        "{}",
        out.markdown
    );
    assert!(
        out.markdown.contains("Run `tide --now` to see it."),
        "{}",
        out.markdown
    );
}

#[test]
fn backticks_in_text_stay_text() {
    // Written as an apostrophe, a backtick must not open a code span.
    let out = run(&page(&format!(
        "<p>The Spiral Model`s pros and cons. {PARAGRAPH}</p>"
    )));
    assert!(out.text.contains("Model`s pros"), "{}", out.text);
    assert!(out.markdown.contains("Model\\`s pros"), "{}", out.markdown);
}

#[test]
fn page_without_text_gives_empty_output() {
    let out = run("<html><body><script>var x = 1;</script><img src=a.png></body></html>");
    assert!(out.text.is_empty());
    assert_eq!(out.quality, 0);
}

#[test]
fn ten_thousand_levels_deep_are_walked_without_recursion() {
    // The public functions refuse such pages before parsing (see `MAX_NESTING`); the engine
    // itself must still cope with any tree it is given.
    let depth = 10_000;
    let html = format!(
        "<html><body>{}<p>{PARAGRAPH}</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    let out = run(&html);
    assert_eq!(out.text, PARAGRAPH);
    assert_eq!(out.markdown, PARAGRAPH);
}

#[test]
fn code_inside_a_quote_stays_inside_it() {
    let out = run(&page(&format!(
        "<p>{PARAGRAPH}</p><blockquote><p>Config:</p><pre>server {{\n    root /www;\n}}</pre></blockquote>"
    )));
    assert!(
        out.markdown
            .contains("> ```\n> server {\n>     root /www;\n> }\n> ```"),
        "{}",
        out.markdown
    );
}

#[test]
fn a_space_at_the_start_of_a_link_goes_before_it() {
    let out = run(&page(&format!(
        "<p>Install our<a href='/app'> mobile app</a> today. {PARAGRAPH}</p>"
    )));
    assert!(
        out.text.starts_with("Install our mobile app today."),
        "{}",
        out.text
    );
    assert!(
        out.markdown
            .starts_with("Install our [mobile app](https://news.example/app) today."),
        "{}",
        out.markdown
    );
}

#[test]
fn a_line_break_inside_a_link_keeps_the_link_whole() {
    let out = run(&page(&format!(
        "<p>{PARAGRAPH} <a href='/stones'>Arkansas stones<br>$7.95</a></p>"
    )));
    // One link, its text on two lines as the page shows it.
    use pulldown_cmark::{Event, Tag, TagEnd};
    let events = parse(&out.markdown);
    let start = events
        .iter()
        .position(|e| {
            matches!(e, Event::Start(Tag::Link { dest_url, .. })
                if dest_url.as_ref() == "https://news.example/stones")
        })
        .unwrap_or_else(|| panic!("no link in\n{}", out.markdown));
    let end = start
        + events[start..]
            .iter()
            .position(|e| matches!(e, Event::End(TagEnd::Link)))
            .unwrap_or_else(|| panic!("unclosed link in\n{}", out.markdown));
    let inside: Vec<String> = events[start + 1..end]
        .iter()
        .map(|e| match e {
            Event::Text(t) => t.to_string(),
            Event::HardBreak => "<br>".to_string(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        inside.concat(),
        "Arkansas stones<br>$7.95",
        "{}",
        out.markdown
    );
}

#[test]
fn markdown_written_out_on_the_page_reads_back_as_text() {
    use pulldown_cmark::{Event, Tag};
    let out = run(&page(&format!(
        "<h2>Using standalone mode #</h2><p>{PARAGRAPH}</p>\
         <p>**Abstract:** call _init_ on snake_case names; \\$\\begingroup\\$ is MathJax.</p>\
         <p>Type <kbd>Ctrl+F</kbd><kbd>TAB</kbd> now. Find your best fit \
         university!<a href='/match'>Find your school</a>. Ask \
         <a href='https://x.example/in/b/)'>Bobby Allen</a>, 400&amp;percnt; more.</p>\
         <p>Django uses <code><span>url</span></code>, <code><span>email</span></code> and \
         <code>number</code> types; <code><a href='/from'>From</a>&lt;T&gt; for U</code>.</p>"
    )));
    let events = parse(&out.markdown);
    assert!(
        !events.iter().any(|e| matches!(
            e,
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Image { .. })
        )),
        "emphasis in\n{}",
        out.markdown
    );
    let text: String = events
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            Event::End(pulldown_cmark::TagEnd::Link) => None,
            Event::End(_) => Some("\n"),
            _ => None,
        })
        .collect();
    for part in [
        "Using standalone mode #\n",
        "**Abstract:** call _init_ on snake_case names; \\$\\begingroup\\$ is MathJax.",
        "Type Ctrl+FTAB now. Find your best fit university!Find your school. Ask Bobby Allen, \
         400&percnt; more.",
        "Django uses url, email and number types; From<T> for U.",
    ] {
        assert!(text.contains(part), "{part:?} not in\n{text}");
    }
}

#[test]
fn text_lines_that_look_like_fences_or_rules_stay_text() {
    let out = run(&page(&format!(
        "<p>{PARAGRAPH}<br>~~~~~~~~<br>More words follow the line.<br>___<br>\
         &lt;div&gt; is a tag, and so is &lt;strong&gt;.</p>"
    )));
    for line in [
        "\\~~~~~~~~",
        "\\_\\_\\_",
        "\\<div> is a tag, and so is \\<strong>.",
    ] {
        assert!(out.markdown.contains(line), "{line}: {}", out.markdown);
    }
}

#[test]
fn the_title_heads_the_markdown_once_wherever_the_page_repeats_it() {
    let out = run_titled(
        &page(&format!(
            "<h2>Reviews</h2><p>{PARAGRAPH}</p><h1>Surface Laptop</h1><p>Price $999.</p>\
             <h2>Surface Laptop</h2><p>In stock.</p>"
        )),
        Some("Surface Laptop"),
    );
    assert!(!out.text.contains("Surface Laptop"), "{}", out.text);
    assert!(
        out.markdown
            .starts_with("# Surface Laptop\n\n## Reviews\n\n"),
        "{}",
        out.markdown
    );
    assert_eq!(
        out.markdown.matches("Surface Laptop").count(),
        1,
        "{}",
        out.markdown
    );
}

#[test]
fn code_holding_backticks_gets_longer_delimiters() {
    // A code block that shows a fenced block, and a code span with a backtick inside.
    let out = run(&page(&format!(
        "<p>{PARAGRAPH}</p><pre><code>```tasks\nnot done\n```\n</code></pre>\
         <p>Type <code>a`b</code> to quote.</p>"
    )));
    assert!(
        out.markdown.contains("````\n```tasks\nnot done\n```\n````"),
        "{}",
        out.markdown
    );
    assert!(
        out.markdown.contains("Type `` a`b `` to quote."),
        "{}",
        out.markdown
    );
    // Without backticks inside, the usual three and one.
    let out = run(&page(&format!(
        "<p>{PARAGRAPH}</p><pre>x = 1\n</pre><p>Run <code>tide</code> now.</p>"
    )));
    assert!(out.markdown.contains("```\nx = 1\n```"), "{}", out.markdown);
    assert!(out.markdown.contains("Run `tide` now."), "{}", out.markdown);
}

#[test]
fn brackets_in_text_do_not_make_links() {
    // "[site](" written before a real link must not read as a link around it.
    let out = run(&page(&format!(
        "<p>{PARAGRAPH} Retrieved from [mayoclinic.org](<a href='https://www.mayoclinic.org/'>\
         https://www.mayoclinic.org</a>).</p>"
    )));
    assert!(
        out.markdown.contains(
            "Retrieved from \\[mayoclinic.org\\](\
             [https://www.mayoclinic.org](https://www.mayoclinic.org/))."
        ),
        "{}",
        out.markdown
    );
    assert!(
        out.text
            .contains("Retrieved from [mayoclinic.org](https://www.mayoclinic.org).")
    );
}

#[test]
fn a_number_in_its_own_element_does_not_start_a_list() {
    let out = run(&page(&format!(
        "<p>{PARAGRAPH}</p><p><span class=numbers>1</span>. Total income below the limit</p>"
    )));
    assert!(out.text.contains("1. Total income"), "{}", out.text);
    assert!(
        out.markdown.contains("\n1\\. Total income"),
        "{}",
        out.markdown
    );
}
