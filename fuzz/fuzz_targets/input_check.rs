//! The input validator on arbitrary requests: HTML, URL, mode, selectors and limits.
//!
//! Never panics; every error is one of `InputError::KINDS` and reads as one line. (Mutated
//! valid inputs are covered by the proptests in `crates/riptide-input-check/tests/properties.rs`;
//! libFuzzer mutates its own corpus from here.)

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use riptide_input_check::{InputError, InputValidator, Limits, Mode, parse_mode_name};

#[derive(Debug, Arbitrary)]
struct Request {
    html: String,
    url: String,
    mode: u8,
    selectors: Vec<String>,
    /// `None`: the default limits; otherwise small limits, so every limit is reached.
    limits: Option<(u16, u16, u8, u16)>,
}

fn check(err: &InputError) {
    assert!(
        InputError::KINDS.contains(&err.kind()),
        "undocumented kind {}",
        err.kind()
    );
    let message = err.to_string();
    assert!(!message.is_empty());
    assert!(
        !message.contains(['\n', '\r']),
        "multi-line message: {message:?}"
    );
}

fuzz_target!(|request: Request| {
    let validator = match request.limits {
        None => InputValidator::default(),
        Some((html, url, count, len)) => InputValidator::new(Limits {
            max_html_bytes: usize::from(html),
            max_url_len: usize::from(url),
            max_selectors: usize::from(count),
            max_selector_len: usize::from(len),
        }),
    };
    let mode = match request.mode % 4 {
        0 => Mode::Article,
        1 => Mode::Full,
        2 => Mode::Metadata,
        _ => Mode::Custom(&request.selectors),
    };
    if let Err(err) = validator.check_html(&request.html) {
        check(&err);
    }
    match validator.check_url(&request.url) {
        Ok(url) => assert!(matches!(url.scheme(), "http" | "https")),
        Err(err) => check(&err),
    }
    if let Err(err) = validator.check_mode(mode) {
        check(&err);
    }
    if let Err(err) = validator.check_request(&request.html, &request.url, mode) {
        check(&err);
    }
    match parse_mode_name(&request.url) {
        Ok(name) => assert!(name.as_str().eq_ignore_ascii_case(request.url.trim())),
        Err(err) => check(&err),
    }
});
