//! Element classes: the few distinctions between HTML elements that scoring and emitting need,
//! decided once per element from its local name.

/// What an element is, as far as content extraction cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    /// `<html>`.
    Html,
    /// `<body>`.
    Body,
    /// `<h1>`…`<h6>`, with the level.
    Heading(u8),
    /// `<p>`.
    P,
    /// `<div>`.
    Div,
    /// `<article>`.
    Article,
    /// `<main>`.
    Main,
    /// `<section>`.
    Section,
    /// `<ul>`, or `<ol>` (`true`).
    List(bool),
    /// `<li>`.
    Li,
    /// `<dl>`.
    Dl,
    /// `<dt>`.
    Dt,
    /// `<dd>`.
    Dd,
    /// `<table>`.
    Table,
    /// `<tr>`.
    Tr,
    /// `<td>`, or `<th>` (`true`).
    Cell(bool),
    /// `<thead>`, `<tbody>`, `<tfoot>`.
    TableSection,
    /// `<caption>`.
    Caption,
    /// `<blockquote>`.
    Blockquote,
    /// `<pre>`.
    Pre,
    /// `<code>`, `<kbd>`, `<samp>`, `<tt>`.
    Code,
    /// `<a>`.
    A,
    /// `<img>`.
    Img,
    /// `<br>`.
    Br,
    /// `<hr>`.
    Hr,
    /// `<em>`, `<i>`.
    Em,
    /// `<strong>`, `<b>`.
    Strong,
    /// `<figure>`.
    Figure,
    /// `<figcaption>`.
    Figcaption,
    /// `<nav>`.
    Nav,
    /// `<aside>`.
    Aside,
    /// `<header>`.
    Header,
    /// `<footer>`.
    Footer,
    /// `<form>`.
    Form,
    /// `<button>`, `<input>`, `<textarea>`, `<label>`: controls, never content.
    Control,
    /// Elements whose content is never shown as text (`script`, `style`, `svg`…).
    Invisible,
    /// Any other element that starts a block (`address`, `details`, `fieldset`…).
    OtherBlock,
    /// Any other element, laid out inline (`span`, `time`, `abbr`, unknown elements…).
    Inline,
}

impl Tag {
    /// The class of the element with this (lower-case) local name.
    pub(crate) fn of(name: &str) -> Tag {
        match name {
            "html" => Tag::Html,
            "body" => Tag::Body,
            "h1" => Tag::Heading(1),
            "h2" => Tag::Heading(2),
            "h3" => Tag::Heading(3),
            "h4" => Tag::Heading(4),
            "h5" => Tag::Heading(5),
            "h6" => Tag::Heading(6),
            "p" => Tag::P,
            "div" => Tag::Div,
            "article" => Tag::Article,
            "main" => Tag::Main,
            "section" => Tag::Section,
            "ul" | "menu" | "dir" => Tag::List(false),
            "ol" => Tag::List(true),
            "li" => Tag::Li,
            "dl" => Tag::Dl,
            "dt" => Tag::Dt,
            "dd" => Tag::Dd,
            "table" => Tag::Table,
            "tr" => Tag::Tr,
            "td" => Tag::Cell(false),
            "th" => Tag::Cell(true),
            "thead" | "tbody" | "tfoot" => Tag::TableSection,
            "caption" => Tag::Caption,
            "blockquote" => Tag::Blockquote,
            "pre" | "listing" | "xmp" | "plaintext" => Tag::Pre,
            "code" | "kbd" | "samp" | "tt" => Tag::Code,
            "a" => Tag::A,
            "img" | "image" => Tag::Img,
            "br" => Tag::Br,
            "hr" => Tag::Hr,
            "em" | "i" | "cite" | "dfn" => Tag::Em,
            "strong" | "b" => Tag::Strong,
            "figure" => Tag::Figure,
            "figcaption" => Tag::Figcaption,
            "nav" => Tag::Nav,
            "aside" => Tag::Aside,
            "header" => Tag::Header,
            "footer" => Tag::Footer,
            "form" => Tag::Form,
            "button" | "input" | "textarea" | "label" | "select" | "option" | "optgroup"
            | "datalist" | "output" | "progress" | "meter" => Tag::Control,
            "script" | "style" | "noscript" | "template" | "head" | "title" | "meta" | "link"
            | "base" | "iframe" | "object" | "embed" | "svg" | "math" | "canvas" | "dialog"
            | "audio" | "video" | "map" | "frame" | "frameset" | "noembed" | "noframes"
            | "applet" | "param" | "source" | "track" => Tag::Invisible,
            "address" | "details" | "summary" | "fieldset" | "legend" | "center" | "hgroup"
            | "col" | "colgroup" => Tag::OtherBlock,
            _ => Tag::Inline,
        }
    }

    /// Whether the element starts a new block of text (so that words of adjacent blocks are
    /// never glued together).
    pub(crate) fn is_block(self) -> bool {
        !matches!(
            self,
            Tag::Inline | Tag::Code | Tag::A | Tag::Img | Tag::Br | Tag::Em | Tag::Strong
        )
    }

    /// Whether the element holds paragraph-like text that the scorer credits to its
    /// ancestors.
    pub(crate) fn is_paragraph(self) -> bool {
        matches!(
            self,
            Tag::P | Tag::Pre | Tag::Blockquote | Tag::Cell(false) | Tag::Dd | Tag::Li
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_classes() {
        assert_eq!(Tag::of("h3"), Tag::Heading(3));
        assert_eq!(Tag::of("ol"), Tag::List(true));
        assert_eq!(Tag::of("th"), Tag::Cell(true));
        assert_eq!(Tag::of("script"), Tag::Invisible);
        assert_eq!(Tag::of("x-widget"), Tag::Inline);
        assert!(Tag::of("p").is_block());
        assert!(!Tag::of("span").is_block());
        assert!(Tag::of("td").is_paragraph());
    }
}
