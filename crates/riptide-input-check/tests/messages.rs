//! One test per error kind: the exact message a user sees.

use riptide_input_check::{
    BinaryFormat, BinaryReason, InputError, InputValidator, Limits, Mode, ModeName, parse_mode_name,
};

fn validator() -> InputValidator {
    InputValidator::default()
}

fn selectors(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The kind and message of a selector list's error.
fn mode_error(list: &[&str]) -> (&'static str, String) {
    let list = selectors(list);
    let err = validator()
        .check_mode(Mode::Custom(&list))
        .expect_err("the selectors should be rejected");
    (err.kind(), err.to_string())
}

#[test]
fn html_too_large() {
    let html = "a".repeat(13_000_000);
    let err = validator().check_html(&html).unwrap_err();
    assert_eq!(err.kind(), "html_too_large");
    assert_eq!(
        err,
        InputError::HtmlTooLarge {
            len: 13_000_000,
            limit: 10 * 1024 * 1024
        }
    );
    assert_eq!(
        err.to_string(),
        "HTML is 12.4 MB; the limit is 10 MB (set max_html_bytes to raise it)"
    );
    // One byte over the limit never reads as the limit itself.
    let html = "a".repeat(10 * 1024 * 1024 + 1);
    assert_eq!(
        validator().check_html(&html).unwrap_err().to_string(),
        "HTML is 10.1 MB; the limit is 10 MB (set max_html_bytes to raise it)"
    );
    // Exactly at the limit is accepted.
    assert_eq!(validator().check_html(&html[1..]), Ok(()));
}

#[test]
fn html_too_large_with_a_small_limit() {
    let strict = InputValidator::new(Limits {
        max_html_bytes: 1000,
        ..Limits::default()
    });
    let err = strict.check_html(&"<p>".repeat(700)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "HTML is 2.1 KB; the limit is 1000 bytes (set max_html_bytes to raise it)"
    );
}

#[test]
fn html_empty() {
    let err = validator().check_html("").unwrap_err();
    assert_eq!(err.kind(), "html_empty");
    assert_eq!(
        err.to_string(),
        "HTML is empty; pass the page's HTML source"
    );
    let err = validator().check_html(" \n\t\u{3000}").unwrap_err();
    assert_eq!(err.kind(), "html_empty");
    assert_eq!(
        err.to_string(),
        "HTML is only whitespace (6 bytes); pass the page's HTML source"
    );
}

#[test]
fn html_binary_by_signature() {
    let err = validator()
        .check_html("%PDF-1.4\n%âãÏÓ\n1 0 obj")
        .unwrap_err();
    assert_eq!(err.kind(), "html_binary");
    assert_eq!(
        err,
        InputError::HtmlBinary {
            reason: BinaryReason::Format(BinaryFormat::Pdf)
        }
    );
    assert_eq!(
        err.to_string(),
        "this looks like a PDF document, not HTML; pass the page's HTML source as UTF-8 text"
    );

    let zip = "PK\u{3}\u{4}\u{14}\0\0\0\u{8}\0";
    assert_eq!(
        validator().check_html(zip).unwrap_err().to_string(),
        "this looks like a ZIP archive, not HTML; extract the HTML file from the archive first"
    );

    let gzip = String::from_utf8_lossy(b"\x1f\x8b\x08\0\0\0\0\0\0\x03");
    assert_eq!(
        validator().check_html(&gzip).unwrap_err().to_string(),
        "this looks like gzip-compressed data, not HTML; decompress it first \
         (was an HTTP Content-Encoding left undecoded?)"
    );

    let png = String::from_utf8_lossy(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    assert_eq!(
        validator().check_html(&png).unwrap_err().to_string(),
        "this looks like a PNG image, not HTML; pass the page's HTML source as UTF-8 text"
    );

    let utf16 = "<\0h\0t\0m\0l\0>\0";
    assert_eq!(
        validator().check_html(utf16).unwrap_err().to_string(),
        "this looks like UTF-16 text, not HTML; convert it to UTF-8 first"
    );
}

#[test]
fn html_binary_by_nul_byte() {
    let mut html = "<p>text</p>".repeat(1000);
    html.push('\0');
    let err = validator().check_html(&html).unwrap_err();
    assert_eq!(err.kind(), "html_binary");
    assert_eq!(
        err.to_string(),
        "this looks like binary data, not HTML: it has a NUL byte at offset 11000; \
         pass the page's HTML source as UTF-8 text"
    );
}

#[test]
fn html_binary_by_control_characters() {
    let html = format!(
        "<p>{}</p>",
        "\u{1}\u{2}\u{3}\u{4}\u{5}\u{6}\u{7}\u{8}".repeat(20)
    );
    let err = validator().check_html(&html).unwrap_err();
    assert_eq!(err.kind(), "html_binary");
    assert_eq!(
        err.to_string(),
        "this looks like binary data, not HTML: 160 of its first 167 bytes are control \
         characters; pass the page's HTML source as UTF-8 text"
    );
    // A few terminal escapes in a page are not enough.
    let page = format!("<pre>{}</pre>{}", "\u{1b}[31m".repeat(30), "x".repeat(5000));
    assert_eq!(validator().check_html(&page), Ok(()));
}

#[test]
fn url_invalid() {
    let err = validator().check_url("https://exa mple.com").unwrap_err();
    assert_eq!(err.kind(), "url_invalid");
    assert_eq!(
        err.to_string(),
        "URL 'https://exa mple.com' is not valid: invalid international domain name; \
         use an absolute http:// or https:// URL, such as https://example.com/page"
    );
    let err = validator().check_url("example.com/news").unwrap_err();
    assert_eq!(err.kind(), "url_invalid");
    assert_eq!(
        err.to_string(),
        "URL 'example.com/news' is not valid: relative URL without a base; \
         did you mean 'https://example.com/news'?"
    );
}

#[test]
fn url_scheme() {
    for (url, scheme) in [
        ("javascript:alert(1)", "javascript"),
        ("data:text/html,<p>hi</p>", "data"),
        ("file:///etc/passwd", "file"),
        ("FTP://example.com/", "ftp"),
        ("ftp://", "ftp"),
    ] {
        let err = validator().check_url(url).unwrap_err();
        assert_eq!(err.kind(), "url_scheme", "{url}");
        assert_eq!(
            err.to_string(),
            format!(
                "URL scheme '{scheme}' is not allowed in '{url}'; use an http:// or https:// URL"
            )
        );
    }
}

#[test]
fn url_no_host() {
    let err = validator().check_url("http://").unwrap_err();
    assert_eq!(err.kind(), "url_no_host");
    assert_eq!(
        err.to_string(),
        "URL 'http://' has no host; use a URL with one, such as https://example.com/page"
    );
}

#[test]
fn url_too_long() {
    let url = format!("https://example.com/{}", "a".repeat(3000));
    let err = validator().check_url(&url).unwrap_err();
    assert_eq!(err.kind(), "url_too_long");
    assert_eq!(
        err.to_string(),
        "URL is 3020 bytes long; the limit is 2048 bytes (set max_url_len to raise it)"
    );
    let url = format!("https://example.com/{}", "é".repeat(1000));
    let err = validator().check_url(&url).unwrap_err();
    assert_eq!(err.kind(), "url_too_long");
    assert_eq!(
        err.to_string(),
        "URL is 6020 bytes long once percent-encoded; the limit is 2048 bytes \
         (set max_url_len to raise it)"
    );
}

#[test]
fn mode_unknown() {
    let err = parse_mode_name("foo").unwrap_err();
    assert_eq!(err.kind(), "mode_unknown");
    assert_eq!(
        err.to_string(),
        "unknown mode 'foo'; use one of article, full, metadata, custom"
    );
    assert_eq!(parse_mode_name(" Custom "), Ok(ModeName::Custom));
    let long = "x".repeat(500);
    assert_eq!(
        parse_mode_name(&long).unwrap_err().to_string(),
        format!(
            "unknown mode '{}...'; use one of article, full, metadata, custom",
            "x".repeat(100)
        )
    );
}

#[test]
fn selectors_missing() {
    let err = validator().check_mode(Mode::Custom(&[])).unwrap_err();
    assert_eq!(err.kind(), "selectors_missing");
    assert_eq!(
        err.to_string(),
        "custom mode needs at least one CSS selector; pass one such as 'article p'"
    );
}

#[test]
fn selectors_too_many() {
    assert_eq!(
        mode_error(&["p"; 70]),
        (
            "selectors_too_many",
            "custom mode has 70 CSS selectors; the limit is 64 (set max_selectors to raise it)"
                .to_owned()
        )
    );
    let list = selectors(&["p"; 64]);
    assert_eq!(validator().check_mode(Mode::Custom(&list)), Ok(()));
}

#[test]
fn selector_empty() {
    assert_eq!(
        mode_error(&["p", " \t"]),
        (
            "selector_empty",
            "CSS selector #2 is empty; remove it or write one such as 'article p'".to_owned()
        )
    );
}

#[test]
fn selector_too_long() {
    let long = "a".repeat(1025);
    assert_eq!(
        mode_error(&[&long]),
        (
            "selector_too_long",
            format!(
                "CSS selector #1 '{}...' is 1025 bytes long; the limit is 1024 bytes \
                 (set max_selector_len to raise it)",
                "a".repeat(100)
            )
        )
    );
}

#[test]
fn selector_invalid() {
    let cases = [
        ("p[", "at line 1, column 3: unexpected end of input"),
        (
            "a,,b",
            "at line 1, column 3: expected a selector here, such as `p`, `.class`, `#id` or `[attr]`",
        ),
        (
            "a >",
            "at line 1, column 4: a combinator (`>`, `+` or `~`) with no selector after it",
        ),
        (
            "div:foo",
            "at line 1, column 5: unsupported pseudo-class or pseudo-element `foo`",
        ),
        (
            "a[x y]",
            "at line 1, column 4: unexpected token `y` in an attribute selector; \
             expected `]` or an operator such as `=`",
        ),
        ("a{}", "at line 1, column 2: unexpected token `{`"),
        (
            "ns|a",
            "at line 1, column 3: undeclared namespace prefix `ns`",
        ),
        // Lines and columns count from 1, columns in characters.
        ("main\n  a)", "at line 2, column 4: unexpected token `)`"),
        ("é😀 [", "at line 1, column 5: unexpected end of input"),
    ];
    for (selector, tail) in cases {
        let (kind, message) = mode_error(&["p", selector]);
        assert_eq!(kind, "selector_invalid", "{selector}");
        let shown = selector.replace('\n', "\\n");
        assert_eq!(
            message,
            format!("CSS selector #2 '{shown}' is not valid {tail}")
        );
    }
}

#[test]
fn selector_invalid_when_nested_too_deep_even_with_a_raised_length_limit() {
    let raised = InputValidator::new(Limits {
        max_selector_len: usize::MAX,
        ..Limits::default()
    });
    let deep = vec![":is(".repeat(100_000) + "a"];
    let err = raised.check_mode(Mode::Custom(&deep)).unwrap_err();
    assert_eq!(err.kind(), "selector_invalid");
    assert_eq!(
        err.to_string(),
        format!(
            "CSS selector #1 '{}...' is not valid at line 1, column 132: nested more than 32 levels deep",
            ":is(".repeat(25)
        )
    );
}

#[test]
fn guest_selectors_are_accepted() {
    let list = selectors(&[
        "article p",
        "h1.title, header > h1",
        "div#content > .byline a[href^='https']",
        "ul li:nth-child(2n+1)",
        "p:not(.ad):has(a)",
        "a:has-text('more')",
        "*",
        "section ~ p + p",
    ]);
    assert_eq!(validator().check_mode(Mode::Custom(&list)), Ok(()));
}

#[test]
fn check_request_runs_the_cheap_checks_first() {
    let big = " ".repeat(11 * 1024 * 1024);
    // The size is checked before the URL.
    let err = validator()
        .check_request(&big, "javascript:x", Mode::Article)
        .unwrap_err();
    assert_eq!(err.kind(), "html_too_large");
    // The URL and the mode before the HTML scans.
    let err = validator()
        .check_request("\0", "javascript:x", Mode::Article)
        .unwrap_err();
    assert_eq!(err.kind(), "url_scheme");
    let err = validator()
        .check_request("\0", "https://example.com", Mode::Custom(&[]))
        .unwrap_err();
    assert_eq!(err.kind(), "selectors_missing");
    let err = validator()
        .check_request("\0", "https://example.com", Mode::Metadata)
        .unwrap_err();
    assert_eq!(err.kind(), "html_binary");
    let url = validator()
        .check_request("<p>ok</p>", "https://example.com/a b", Mode::Full)
        .unwrap();
    assert_eq!(url.as_str(), "https://example.com/a%20b");
}

#[test]
fn every_kind_is_listed() {
    let mut kinds = InputError::KINDS.to_vec();
    kinds.sort_unstable();
    kinds.dedup();
    assert_eq!(kinds.len(), InputError::KINDS.len());
    assert!(
        kinds
            .iter()
            .all(|k| k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
    );
}
