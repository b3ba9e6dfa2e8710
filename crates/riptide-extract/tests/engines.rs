//! Choosing the main-content engine at run time.

use riptide_extract::{Engine, Mode, extract, extract_with_engine};

const URL: &str = "https://example.com/tides";
const PAGE: &str = "<html><head><title>Tides</title></head><body><nav><a href=/>Home</a></nav>\
    <article><h1>Tides</h1><p>The tide rises twice a day, pulled by the Moon and, to a lesser \
    degree, by the Sun, and coastal towns plan their harbours around it.</p><p>Spring tides \
    come with the new and the full Moon, when the Sun and the Moon pull together.</p>\
    </article></body></html>";

#[test]
fn default_engine_is_native() {
    assert_eq!(Engine::default(), Engine::Native);
    let by_default = extract(PAGE, URL, &Mode::Article).expect("an article");
    let native = extract_with_engine(PAGE, URL, &Mode::Article, Engine::Native).expect("native");
    assert_eq!(by_default, native);
    assert!(native.text.contains("Spring tides"));
    assert!(!native.text.contains("Home"));
}

#[test]
fn other_modes_do_not_depend_on_the_engine() {
    let native = extract_with_engine(PAGE, URL, &Mode::Full, Engine::Native).expect("full");
    assert!(native.text.contains("Home"));
    if Engine::Trafilatura.is_available() {
        let other = extract_with_engine(PAGE, URL, &Mode::Full, Engine::Trafilatura).expect("full");
        assert_eq!(native, other);
    }
}

#[cfg(feature = "trafilatura")]
#[test]
fn trafilatura_engine_extracts_the_article() {
    let doc = extract_with_engine(PAGE, URL, &Mode::Article, Engine::Trafilatura)
        .expect("rs-trafilatura");
    assert!(doc.text.contains("Spring tides"), "{}", doc.text);
}

#[cfg(not(feature = "trafilatura"))]
#[test]
fn trafilatura_engine_is_refused_without_the_feature() {
    assert!(!Engine::Trafilatura.is_available());
    let err = extract_with_engine(PAGE, URL, &Mode::Article, Engine::Trafilatura).unwrap_err();
    assert!(
        matches!(err, riptide_extract::ExtractError::UnsupportedMode(_)),
        "{err}"
    );
}
