//! Prints, as a Markdown table, the message of every error kind for an example input: the
//! table of `docs/input-validation.md` is this program's output.
//!
//! `cargo run -p riptide-input-check --example error_messages`

use riptide_input_check::{InputError, InputValidator, Mode, parse_mode_name};

fn main() {
    let v = InputValidator::default();
    let html = "<p>Hello</p>";
    let url = "https://example.com/";
    let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();

    let big = format!("<p>{}</p>", "a".repeat(13_000_000 - 7));
    let gzip = String::from_utf8_lossy(b"\x1f\x8b\x08\0\0\0\0\0\0\x03").into_owned();
    let utf16 = String::from_utf8_lossy(b"\xff\xfe<\0h\0t\0m\0l\0>\0").into_owned();
    let long_url = format!("https://example.com/{}", "a".repeat(3000));
    let wide_url = format!("https://example.com/{}", "é".repeat(1000));
    let many = strings(&["p"; 70]);
    let long_selector = strings(&["div ".repeat(300).trim_end()]);
    let deep = vec![":not(".repeat(33) + "a" + &")".repeat(33)];

    let cases: Vec<(&str, Result<(), InputError>)> = vec![
        ("HTML of 13,000,000 bytes", v.check_html(&big)),
        ("HTML `\"\"`", v.check_html("")),
        ("HTML `\"  \\n\\t \"`", v.check_html("  \n\t ")),
        ("HTML `\"%PDF-1.7 …\"`", v.check_html("%PDF-1.7\n%âãÏÓ\n")),
        (
            "gzip bytes, converted lossily: `\"\\x1f\\u{FFFD}\\x08\\0…\"`",
            v.check_html(&gzip),
        ),
        (
            "UTF-16 bytes, converted lossily: `\"\\u{FFFD}\\u{FFFD}<\\0h\\0…\"`",
            v.check_html(&utf16),
        ),
        ("HTML `\"<p>a\\0b</p>\"`", v.check_html("<p>a\0b</p>")),
        (
            "HTML `\"<p>\\x01\\x02\\x03\\x04\\x05</p>\"`",
            v.check_html("<p>\x01\x02\x03\x04\x05</p>"),
        ),
        (
            "URL `example.com/page`",
            v.check_url("example.com/page").map(drop),
        ),
        (
            "URL `https://exa mple.com`",
            v.check_url("https://exa mple.com").map(drop),
        ),
        ("URL `\"\"`", v.check_url("").map(drop)),
        (
            "URL `javascript:alert(1)`",
            v.check_url("javascript:alert(1)").map(drop),
        ),
        (
            "URL `ftp://example.com/`",
            v.check_url("ftp://example.com/").map(drop),
        ),
        ("URL `http://`", v.check_url("http://").map(drop)),
        (
            "URL `https://example.com/` + 3000 × `a`",
            v.check_url(&long_url).map(drop),
        ),
        (
            "URL `https://example.com/` + 1000 × `é`",
            v.check_url(&wide_url).map(drop),
        ),
        ("mode name `foo`", parse_mode_name("foo").map(drop)),
        ("custom mode, no selector", v.check_mode(Mode::Custom(&[]))),
        ("custom mode, 70 × `p`", v.check_mode(Mode::Custom(&many))),
        (
            "custom mode, `[\"p\", \"  \"]`",
            v.check_mode(Mode::Custom(&strings(&["p", "  "]))),
        ),
        (
            "custom mode, `div div … div` (1199 bytes)",
            v.check_mode(Mode::Custom(&long_selector)),
        ),
        (
            "custom mode, `p[`",
            v.check_mode(Mode::Custom(&strings(&["p["]))),
        ),
        (
            "custom mode, `a,,b`",
            v.check_mode(Mode::Custom(&strings(&["a,,b"]))),
        ),
        (
            "custom mode, `a >`",
            v.check_mode(Mode::Custom(&strings(&["a >"]))),
        ),
        (
            "custom mode, `div:foo`",
            v.check_mode(Mode::Custom(&strings(&["div:foo"]))),
        ),
        (
            "custom mode, `a[x y]`",
            v.check_mode(Mode::Custom(&strings(&["a[x y]"]))),
        ),
        (
            "custom mode, `main\\n  a)`",
            v.check_mode(Mode::Custom(&strings(&["main\n  a)"]))),
        ),
        (
            "custom mode, `:not(` × 33 + `a` + `)` × 33",
            v.check_mode(Mode::Custom(&deep)),
        ),
        (
            "whole request with `file:///etc/passwd`",
            v.check_request(html, "file:///etc/passwd", Mode::Article)
                .map(drop),
        ),
    ];

    println!("| kind | example input | message |");
    println!("| --- | --- | --- |");
    let mut seen = Vec::new();
    for (input, result) in &cases {
        match result {
            Ok(()) => panic!("{input} was accepted"),
            Err(err) => {
                seen.push(err.kind());
                let message = err.to_string().replace('|', "\\|");
                println!("| `{}` | {input} | {message} |", err.kind());
            }
        }
    }
    for kind in InputError::KINDS {
        assert!(seen.contains(kind), "no example for {kind}");
    }
    let _ = v
        .check_request(html, url, Mode::Article)
        .expect("a valid request");
}
