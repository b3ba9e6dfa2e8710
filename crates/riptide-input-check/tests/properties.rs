//! Properties: the validator never panics, its errors are one-line and typed, and inputs
//! known to be valid are never rejected.

use proptest::prelude::*;
use riptide_input_check::{InputError, InputValidator, Limits, Mode, parse_mode_name};

/// An error is one of the documented kinds and reads as one line.
fn assert_well_formed(err: &InputError) -> Result<(), TestCaseError> {
    prop_assert!(InputError::KINDS.contains(&err.kind()));
    let message = err.to_string();
    prop_assert!(!message.is_empty());
    prop_assert!(
        !message.contains(['\n', '\r']),
        "multi-line message: {message:?}"
    );
    Ok(())
}

/// Strings rich in the characters CSS and URLs care about.
fn syntax_soup() -> impl Strategy<Value = String> {
    "[a-z0-9#.\\[\\]():>+~*=\"' ,|^$@{}\\\\/%?&\n\t-]{0,60}"
}

fn small_limits() -> impl Strategy<Value = Limits> {
    (0usize..64, 0usize..64, 0usize..8, 0usize..64).prop_map(|(html, url, count, len)| Limits {
        max_html_bytes: html,
        max_url_len: url,
        max_selectors: count,
        max_selector_len: len,
    })
}

// --- Valid inputs -------------------------------------------------------------------

fn label() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9]{0,10}"
}

fn valid_url() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just("http"), Just("https"), Just("HTTPS")],
        prop::collection::vec(label(), 1..4),
        "[a-z]{2,6}",
        prop::option::of(1u16..),
        prop::collection::vec("[A-Za-z0-9._~-]{0,12}", 0..5),
        prop::option::of("[a-z0-9=&]{0,20}"),
        prop::option::of("[a-z0-9-]{0,10}"),
    )
        .prop_map(|(scheme, labels, tld, port, path, query, fragment)| {
            let mut url = format!("{scheme}://{}.{tld}", labels.join("."));
            if let Some(port) = port {
                url.push_str(&format!(":{port}"));
            }
            for segment in path {
                url.push('/');
                url.push_str(&segment);
            }
            if let Some(query) = query {
                url.push('?');
                url.push_str(&query);
            }
            if let Some(fragment) = fragment {
                url.push('#');
                url.push_str(&fragment);
            }
            url
        })
}

fn valid_html() -> impl Strategy<Value = String> {
    let tag = prop_oneof![
        Just("p"),
        Just("div"),
        Just("h1"),
        Just("a href=\"/x\""),
        Just("span class=\"c\""),
        Just("li"),
    ];
    (
        any::<bool>(),
        prop::collection::vec((tag, "[ -~\t\n]{0,40}"), 1..30),
    )
        .prop_map(|(doctype, parts)| {
            let mut html = String::new();
            if doctype {
                html.push_str("<!doctype html>\n");
            }
            for (tag, text) in parts {
                let name = tag.split(' ').next().unwrap_or(tag);
                html.push_str(&format!("<{tag}>{text}</{name}>"));
            }
            html
        })
}

fn ident() -> impl Strategy<Value = String> {
    "[a-zA-Z][a-zA-Z0-9_-]{0,8}"
}

fn compound() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        ident().prop_map(|i| format!(".{i}")),
        ident().prop_map(|i| format!("#{i}")),
        ident().prop_map(|i| format!("[{i}]")),
        (ident(), "[a-z0-9 ]{0,8}").prop_map(|(i, v)| format!("[{i}=\"{v}\"]")),
    ];
    (
        prop::option::of(prop_oneof![Just("*".to_string()), "[a-z][a-z0-9]{0,6}"]),
        prop::collection::vec(part, 0..4),
    )
        .prop_filter_map("an empty compound", |(tag, parts)| {
            let compound = tag.unwrap_or_default() + &parts.concat();
            (!compound.is_empty()).then_some(compound)
        })
}

fn complex() -> impl Strategy<Value = String> {
    (
        compound(),
        prop::collection::vec(
            (
                prop_oneof![Just(" "), Just(" > "), Just(" + "), Just(" ~ ")],
                compound(),
            ),
            0..4,
        ),
    )
        .prop_map(|(first, rest)| {
            let mut selector = first;
            for (combinator, compound) in rest {
                selector.push_str(combinator);
                selector.push_str(&compound);
            }
            selector
        })
}

fn valid_selector() -> impl Strategy<Value = String> {
    prop::collection::vec(complex(), 1..4).prop_map(|list| list.join(", "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_on_arbitrary_html(html in any::<String>()) {
        if let Err(err) = InputValidator::default().check_html(&html) {
            assert_well_formed(&err)?;
        }
    }

    #[test]
    fn never_panics_on_arbitrary_bytes_converted_lossily(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let html = String::from_utf8_lossy(&bytes);
        if let Err(err) = InputValidator::default().check_html(&html) {
            assert_well_formed(&err)?;
        }
    }

    #[test]
    fn never_panics_on_arbitrary_urls(url in prop_oneof![any::<String>(), syntax_soup()]) {
        match InputValidator::default().check_url(&url) {
            Ok(parsed) => prop_assert!(matches!(parsed.scheme(), "http" | "https")),
            Err(err) => assert_well_formed(&err)?,
        }
    }

    #[test]
    fn never_panics_on_arbitrary_selectors(
        list in prop::collection::vec(prop_oneof![any::<String>(), syntax_soup()], 0..70)
    ) {
        if let Err(err) = InputValidator::default().check_mode(Mode::Custom(&list)) {
            assert_well_formed(&err)?;
        }
    }

    #[test]
    fn never_panics_on_arbitrary_mode_names(name in any::<String>()) {
        match parse_mode_name(&name) {
            Ok(mode) => prop_assert!(mode.as_str().eq_ignore_ascii_case(name.trim())),
            Err(err) => {
                prop_assert_eq!(err.kind(), "mode_unknown");
                assert_well_formed(&err)?;
            }
        }
    }

    #[test]
    fn never_panics_with_tiny_limits(
        limits in small_limits(),
        html in any::<String>(),
        url in syntax_soup(),
        list in prop::collection::vec(syntax_soup(), 0..10),
    ) {
        let validator = InputValidator::new(limits);
        if let Err(err) = validator.check_request(&html, &url, Mode::Custom(&list)) {
            assert_well_formed(&err)?;
        }
    }

    #[test]
    fn valid_urls_are_accepted(url in valid_url()) {
        let parsed = InputValidator::default().check_url(&url);
        prop_assert!(parsed.is_ok(), "{url}: {:?}", parsed.err().map(|e| e.to_string()));
    }

    #[test]
    fn valid_html_is_accepted(html in valid_html()) {
        let result = InputValidator::default().check_html(&html);
        prop_assert!(result.is_ok(), "{html:?}: {:?}", result.err().map(|e| e.to_string()));
    }

    #[test]
    fn valid_selectors_are_accepted(list in prop::collection::vec(valid_selector(), 1..9)) {
        let result = InputValidator::default().check_mode(Mode::Custom(&list));
        prop_assert!(result.is_ok(), "{list:?}: {:?}", result.err().map(|e| e.to_string()));
    }

    #[test]
    fn valid_requests_are_accepted(
        html in valid_html(),
        url in valid_url(),
        list in prop::collection::vec(valid_selector(), 1..4),
    ) {
        let validator = InputValidator::default();
        for mode in [Mode::Article, Mode::Full, Mode::Metadata, Mode::Custom(&list)] {
            let result = validator.check_request(&html, &url, mode);
            prop_assert!(result.is_ok(), "{mode:?}: {:?}", result.err().map(|e| e.to_string()));
        }
    }
}

// --- Mutated valid inputs -------------------------------------------------------------

/// `text` with some bits flipped and cut at `cut`, decoded lossily (as a caller reading
/// bytes from the network would).
fn mutate(text: &str, flips: &[(usize, u8)], cut: Option<usize>) -> String {
    let mut bytes = text.as_bytes().to_vec();
    if !bytes.is_empty() {
        let len = bytes.len();
        for &(pos, bit) in flips {
            bytes[pos % len] ^= 1 << (bit % 8);
        }
        if let Some(cut) = cut {
            bytes.truncate(cut % (len + 1));
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn flips() -> impl Strategy<Value = Vec<(usize, u8)>> {
    prop::collection::vec((any::<usize>(), 0u8..8), 0..8)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn mutated_valid_html_never_panics(html in valid_html(), flips in flips(), cut in prop::option::of(any::<usize>())) {
        if let Err(err) = InputValidator::default().check_html(&mutate(&html, &flips, cut)) {
            assert_well_formed(&err)?;
        }
    }

    #[test]
    fn mutated_valid_urls_never_panic(url in valid_url(), flips in flips(), cut in prop::option::of(any::<usize>())) {
        match InputValidator::default().check_url(&mutate(&url, &flips, cut)) {
            Ok(parsed) => prop_assert!(matches!(parsed.scheme(), "http" | "https")),
            Err(err) => assert_well_formed(&err)?,
        }
    }

    #[test]
    fn mutated_valid_selectors_never_panic(
        list in prop::collection::vec(valid_selector(), 1..5),
        flips in flips(),
        cut in prop::option::of(any::<usize>()),
    ) {
        let list: Vec<String> = list.iter().map(|s| mutate(s, &flips, cut)).collect();
        if let Err(err) = InputValidator::default().check_mode(Mode::Custom(&list)) {
            assert_well_formed(&err)?;
        }
    }

    /// Component or module bytes (intact, truncated or bit-flipped) sent as HTML are refused
    /// as binary: the header's NUL bytes survive any mutation of the rest.
    #[test]
    fn webassembly_bytes_sent_as_html_are_refused_as_binary(
        component in any::<bool>(),
        tail in prop::collection::vec(any::<u8>(), 0..512),
        flips in flips(),
        cut in 8usize..600,
    ) {
        let mut bytes: Vec<u8> = if component { b"\0asm\x0d\0\x01\0".to_vec() } else { b"\0asm\x01\0\0\0".to_vec() };
        bytes.extend(tail);
        let len = bytes.len();
        for (pos, bit) in flips {
            // Leave the header's first byte (a NUL) alone.
            let pos = 1 + pos % (len - 1);
            bytes[pos] ^= 1 << bit;
        }
        bytes.truncate(cut.min(len));
        let html = String::from_utf8_lossy(&bytes);
        let err = InputValidator::default().check_html(&html).unwrap_err();
        prop_assert_eq!(err.kind(), "html_binary", "{}", err);
        assert_well_formed(&err)?;
    }
}
