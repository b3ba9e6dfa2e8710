//! Text and markdown of every mode are written by the same emitter: blocks never glue,
//! headings keep their marks, links and images are absolute, nothing is escaped that is not
//! markdown syntax.

use riptide_extract::{Mode, extract};

const URL: &str = "https://cafe.example/recettes/creme.html";

/// A page written with no white space between its blocks.
const GLUED: &str = "<html><head><title>Café crème brûlée</title></head><body>\
    <nav><a href=/>Accueil</a> <a href=/carte>Carte</a></nav>\
    <h1>Café crème brûlée</h1><p>Une crème onctueuse et un caramel croquant, la recette de \
    grand-mère pour quatre personnes.</p><h2>Ingrédients</h2><ul><li>Crème</li><li>Sucre</li>\
    </ul><p>Voir <a href=/recettes>les recettes</a>.</p><img src=photo.jpg alt=Photo>\
    <script>var hidden = 1;</script></body></html>";

fn custom(selectors: &[&str]) -> Mode {
    Mode::Custom(selectors.iter().map(|s| s.to_string()).collect())
}

#[test]
fn words_never_glue_across_blocks_in_any_mode() {
    for mode in [Mode::Article, Mode::Full, custom(&["h1", "p"])] {
        let doc = extract(GLUED, URL, &mode).expect("extracts");
        assert!(
            !doc.text.contains("brûléeUne") && !doc.text.contains("personnes.Ingr"),
            "{mode:?} text: {:?}",
            doc.text
        );
        assert!(
            !doc.markdown.contains("brûléeUne"),
            "{mode:?} markdown: {:?}",
            doc.markdown
        );
        assert!(
            doc.markdown.contains("# Café crème brûlée\n\nUne crème"),
            "{mode:?} markdown: {:?}",
            doc.markdown
        );
    }
}

#[test]
fn full_mode_writes_every_visible_block_as_markdown() {
    let doc = extract(GLUED, URL, &Mode::Full).expect("extracts");
    assert!(
        doc.text
            .starts_with("Accueil Carte\n\nCafé crème brûlée\n\n"),
        "{:?}",
        doc.text
    );
    assert!(!doc.text.contains("hidden"), "{:?}", doc.text);
    for piece in [
        "[Accueil](https://cafe.example/)",
        "## Ingrédients\n\n- Crème\n- Sucre",
        "Voir [les recettes](https://cafe.example/recettes).",
        "![Photo](https://cafe.example/recettes/photo.jpg)",
    ] {
        assert!(
            doc.markdown.contains(piece),
            "{piece:?} in {:?}",
            doc.markdown
        );
    }
    // A sentence's full stop is not escaped; only a line-start "1." would be.
    assert!(!doc.markdown.contains("\\."), "{:?}", doc.markdown);
    assert!(
        doc.links
            .contains(&"https://cafe.example/recettes".to_string())
    );
    assert_eq!(doc.media, ["https://cafe.example/recettes/photo.jpg"]);
}

#[test]
fn custom_mode_writes_the_matched_elements_once_in_document_order() {
    // `p` inside a matched `div` is not written twice.
    let html = "<body><p>Before.</p><div class=keep><h3>Part</h3><p>Inside \
                <a href='/x'>link</a>.</p></div><p>After.</p></body>";
    let doc = extract(html, URL, &custom(&[".keep", ".keep p", "p"])).expect("extracts");
    assert_eq!(doc.text, "Before.\n\nPart\n\nInside link.\n\nAfter.");
    assert_eq!(
        doc.markdown,
        "Before.\n\n### Part\n\nInside [link](https://cafe.example/x).\n\nAfter."
    );
}

#[test]
fn utf8_read_twice_comes_out_as_the_page_meant_in_every_mode() {
    // The page's text went through a Windows-1252 decoding on its way ("crÃ¨me" for "crème").
    let broken = GLUED
        .replace('é', "Ã©")
        .replace('è', "Ã¨")
        .replace('û', "Ã»");
    let right = extract(GLUED, URL, &Mode::Article).expect("extracts");
    for mode in [Mode::Article, Mode::Full, custom(&["h1", "p"])] {
        let doc = extract(&broken, URL, &mode).expect("extracts");
        assert_eq!(doc.title.as_deref(), Some("Café crème brûlée"), "{mode:?}");
        assert!(
            doc.text.contains("Une crème onctueuse"),
            "{mode:?}: {}",
            doc.text
        );
        assert!(!doc.markdown.contains('Ã'), "{mode:?}: {}", doc.markdown);
    }
    let repaired = extract(&broken, URL, &Mode::Article).expect("extracts");
    assert_eq!(repaired.text, right.text);
    assert_eq!(repaired.markdown, right.markdown);
}
