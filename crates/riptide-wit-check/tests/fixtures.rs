//! The exact report of every fixture, the real guest component (when built), and the cache.

use std::collections::BTreeMap;
use std::sync::Arc;

use riptide_test_support::fixtures::{self, Fixture};
use riptide_wit_check::{
    ComponentDigest, ExpectedWorld, Issue, Severity, ValidationReport, Validator,
};

fn catalogue() -> BTreeMap<&'static str, Fixture> {
    fixtures::catalogue()
        .into_iter()
        .map(|f| (f.name, f))
        .collect()
}

/// `severity: path: message` of every issue, suggestions left out.
fn lines(report: &ValidationReport) -> Vec<String> {
    report
        .issues()
        .iter()
        .map(|i| format!("{}: {}: {}", i.severity, i.path, i.message))
        .collect()
}

const BUILD_HELP: &str =
    "pass the .wasm component built for wasm32-wasip2 (target/wasm32-wasip2/release/*.wasm)";

/// Every fixture and the exact issues of its report.
fn expected_reports() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("valid", vec![]),
        (
            "valid-unstamped",
            vec![
                "warning: package: the component does not record the package of its world, so \
                 riptide:extractor@0.3.0 cannot be confirmed; its imports and exports were checked",
            ],
        ),
        ("valid-wasi-import", vec![]),
        (
            "missing-export",
            vec![
                "error: export get-modes: not exported by the component; expected get-modes: \
                 func() -> list<string>",
            ],
        ),
        (
            "renamed-export",
            vec![
                "error: export extract: not exported by the component; expected extract: \
                 func(html: string, url: string, mode: extraction-mode) -> \
                 result<extracted-content, extraction-error>",
                "warning: export extract-article: a function the expected world does not export; \
                 the host ignores it",
            ],
        ),
        (
            "renamed-param",
            vec![
                "error: export validate-html › param html: parameter 1 is named document; expected html",
            ],
        ),
        (
            "param-type-changed",
            vec!["error: export validate-html › param html: expected string, found list<u8>"],
        ),
        (
            "extra-param",
            vec![
                "error: export get-modes › param verbose: unexpected extra parameter verbose: bool",
            ],
        ),
        (
            "field-removed",
            vec![
                "error: export extract › result › ok › record extracted-content › field byline: \
                 missing field byline: option<string>",
            ],
        ),
        (
            "field-type-changed",
            vec![
                "error: export extract › result › ok › record extracted-content › field title: \
                 expected option<string>, found string",
            ],
        ),
        (
            "field-added",
            vec![
                "error: export extract-with-stats › result › ok › element 1 › record \
                 extraction-stats › field videos-found: unexpected extra field videos-found: u32",
            ],
        ),
        (
            "variant-case-added",
            vec![
                "error: export extract › result › err › variant extraction-error › case timeout: \
                 unexpected extra case timeout(u32)",
            ],
        ),
        (
            "variant-case-removed",
            vec![
                "error: export extract › result › err › variant extraction-error › case \
                 network-error: missing case network-error(string)",
            ],
        ),
        (
            "result-error-type-changed",
            vec![
                "error: export reset-state › result › err: expected extraction-error, found string",
            ],
        ),
        (
            "package-renamed",
            vec!["error: package: expected package riptide:extractor, found acme:extractor"],
        ),
        (
            "version-0.3.1",
            vec![
                "warning: package: expected version 0.3.0, found 0.3.1: semver-compatible, the host links it",
            ],
        ),
        (
            "version-0.2.0",
            vec![
                "error: package: expected version 0.3.0, found 0.2.0, which is not \
                 semver-compatible (compatible versions: 0.3.x)",
            ],
        ),
        (
            "version-1.0.0",
            vec![
                "error: package: expected version 0.3.0, found 1.0.0, which is not \
                 semver-compatible (compatible versions: 0.3.x)",
            ],
        ),
        (
            "import-unknown-interface",
            vec![
                "error: import evil:net/socket: the component imports interface evil:net/socket, \
                 which the host does not provide",
            ],
        ),
        (
            "import-function",
            vec![
                "error: import fetch: the component imports function fetch: func(url: string) -> \
                 result<string, string>, which the host does not provide",
            ],
        ),
        (
            "import-wasi-0.3",
            vec![
                "error: import wasi:clocks/monotonic-clock@0.3.0: the host provides \
                 wasi:clocks/monotonic-clock@0.2.x, not this version",
            ],
        ),
        (
            "many-mismatches",
            vec![
                "error: import fetch: the component imports function fetch: func(url: string) -> \
                 result<string, string>, which the host does not provide",
                "error: export extract › result › ok › record extracted-content › field title: \
                 expected option<string>, found string",
                "error: export extract › result › err › variant extraction-error › case timeout: \
                 unexpected extra case timeout(u32)",
                "error: export validate-html › param html: parameter 1 is named document; expected html",
                "error: export get-modes: not exported by the component; expected get-modes: \
                 func() -> list<string>",
            ],
        ),
        (
            "core-module",
            vec!["error: component: this is a core WebAssembly module, not a component"],
        ),
        (
            "truncated",
            vec![
                "error: component: the component cannot be decoded: unexpected end-of-file (at \
                 offset 0x813)",
            ],
        ),
        (
            "empty",
            vec!["error: component: the file is empty; expected a WebAssembly component"],
        ),
        (
            "random-bytes",
            vec![
                "error: component: not a WebAssembly binary: it does not start with the bytes \\0asm",
            ],
        ),
        (
            "wit-package",
            vec![
                "error: component: this is the WIT package riptide:extractor@0.3.0 encoded as \
                 WebAssembly, not a component: it describes interfaces and worlds but implements none",
            ],
        ),
    ]
}

#[test]
fn every_fixture_has_its_exact_report() {
    let fixtures = catalogue();
    let expected = expected_reports();
    let names: Vec<&str> = expected.iter().map(|(n, _)| *n).collect();
    assert_eq!(fixtures.keys().copied().collect::<Vec<_>>(), {
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted
    });
    let validator = Validator::new(ExpectedWorld::bundled());
    for (name, issues) in expected {
        let fixture = &fixtures[name];
        let report = validator.validate(&fixture.bytes);
        assert_eq!(lines(&report), issues, "fixture {name}:\n{report}");
        assert_eq!(
            report.is_valid(),
            fixture.expect_valid,
            "fixture {name}:\n{report}"
        );
    }
}

#[test]
fn suggestions() {
    let fixtures = catalogue();
    let validator = Validator::new(ExpectedWorld::bundled());
    let suggestions = |name: &str| -> Vec<Option<String>> {
        validator
            .validate(&fixtures[name].bytes)
            .issues()
            .iter()
            .map(|i| i.suggestion.clone())
            .collect()
    };
    let s = |text: &str| Some(text.to_string());

    assert_eq!(
        suggestions("renamed-export"),
        [
            s("the component exports extract-article; did you mean extract?"),
            s("did you mean extract? the expected world exports extract"),
        ]
    );
    assert_eq!(
        suggestions("import-unknown-interface"),
        [s(
            "the host provides WASI 0.2 only (wasi:cli, wasi:clocks, wasi:filesystem, wasi:io, \
             wasi:random, wasi:sockets); remove the import from the guest, or provide it in the host \
             and allow it with Validator::allow_import(\"evil:net/socket\")"
        )]
    );
    assert_eq!(
        suggestions("version-0.2.0"),
        [s(
            "rebuild the guest against riptide:extractor/extractor@0.3.0 or run it with a host \
             built for riptide:extractor/extractor@0.2.0"
        )]
    );
    assert_eq!(suggestions("missing-export"), [None]);
    assert_eq!(suggestions("empty"), [s(BUILD_HELP)]);
    assert_eq!(suggestions("field-type-changed"), [None]);
}

#[test]
fn recorded_world_is_reported() {
    let fixtures = catalogue();
    let validator = Validator::new(ExpectedWorld::bundled());
    let world = |name: &str| {
        validator
            .validate(&fixtures[name].bytes)
            .component_world
            .clone()
    };
    assert_eq!(
        world("valid").as_deref(),
        Some("riptide:extractor/extractor@0.3.0")
    );
    assert_eq!(
        world("package-renamed").as_deref(),
        Some("acme:extractor/extractor@0.3.0")
    );
    assert_eq!(
        world("version-1.0.0").as_deref(),
        Some("riptide:extractor/extractor@1.0.0")
    );
    assert_eq!(world("valid-unstamped"), None);
}

#[test]
fn human_and_json_renderings() {
    let fixtures = catalogue();
    let validator = Validator::new(ExpectedWorld::bundled());
    let report = validator.validate(&fixtures["renamed-export"].bytes);
    let text = report.to_string();
    let text_lines: Vec<&str> = text.lines().collect();
    assert_eq!(text_lines.len(), 3, "{text}");
    assert!(
        text_lines[0].starts_with("error: export extract: "),
        "{text}"
    );
    assert!(
        text_lines[0]
            .ends_with("(help: the component exports extract-article; did you mean extract?)")
    );
    assert!(
        text_lines[1].starts_with("warning: export extract-article: "),
        "{text}"
    );
    assert_eq!(
        text_lines[2],
        "invalid: the component does not implement riptide:extractor/extractor@0.3.0 (1 error, 1 warning)"
    );

    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["valid"], false);
    assert_eq!(json["expected_world"], "riptide:extractor/extractor@0.3.0");
    assert_eq!(json["component_world"], "riptide:extractor/extractor@0.3.0");
    assert_eq!(
        json["component_sha256"],
        ComponentDigest::of(&fixtures["renamed-export"].bytes).to_hex()
    );
    assert_eq!(json["errors"], 1);
    assert_eq!(json["warnings"], 1);
    assert_eq!(json["issues"][0]["severity"], "error");
    assert_eq!(json["issues"][0]["path"], "export extract");
    assert_eq!(json["issues"][1]["severity"], "warning");
    assert_eq!(
        json["issues"][1]["suggestion"],
        "did you mean extract? the expected world exports extract"
    );

    let ok = validator.validate(&fixtures["valid"].bytes);
    assert_eq!(
        ok.to_string(),
        "ok: the component implements riptide:extractor/extractor@0.3.0 (0 errors, 0 warnings)"
    );
    let empty = validator.validate(&fixtures["empty"].bytes);
    let issue: &Issue = &empty.issues()[0];
    assert_eq!(issue.severity, Severity::Error);
}

#[test]
fn reports_are_cached_by_content() {
    let fixtures = catalogue();
    let validator = Validator::new(ExpectedWorld::bundled());
    let bytes = &fixtures["field-added"].bytes;
    let first = validator.validate(bytes);
    let again = validator.validate(&bytes.clone());
    assert!(Arc::ptr_eq(&first, &again));
    assert!(Arc::ptr_eq(
        &first,
        &validator.cached(&ComponentDigest::of(bytes)).unwrap()
    ));

    // Another configuration has its own key.
    let other = Validator::new(ExpectedWorld::bundled()).without_default_imports();
    assert!(other.cached(&ComponentDigest::of(bytes)).is_none());
}

/// Padded past 256 KiB, a component takes the path that hashes on a second thread (first
/// validation) and the cache's glimpse check (later ones); a trailing custom section changes
/// nothing, trailing garbage is an error.
#[test]
fn padded_components() {
    let fixtures = catalogue();
    for name in ["valid", "field-type-changed", "truncated"] {
        let mut bytes = fixtures[name].bytes.clone();
        if name != "truncated" {
            // A 1 MiB custom section named "padding".
            let payload = vec![0u8; 1 << 20];
            let mut body = vec![7u8];
            body.extend_from_slice(b"padding");
            body.extend_from_slice(&payload);
            bytes.push(0);
            let mut n = body.len();
            loop {
                let b = (n & 0x7f) as u8;
                n >>= 7;
                if n == 0 {
                    bytes.push(b);
                    break;
                }
                bytes.push(b | 0x80);
            }
            bytes.extend_from_slice(&body);
        } else {
            bytes.extend(std::iter::repeat_n(0u8, 1 << 20));
        }
        let validator = Validator::new(ExpectedWorld::bundled());
        let big = validator.validate(&bytes);
        let small = validator.validate(&fixtures[name].bytes);
        if name == "truncated" {
            assert!(!big.is_valid(), "{big}");
        } else {
            assert_eq!(lines(&big), lines(&small), "{name}");
        }
        assert!(Arc::ptr_eq(&big, &validator.validate(&bytes)));

        // Same length, first and last 4 KiB (same glimpse), one byte changed in the middle:
        // a different component, validated afresh.
        let mut changed = bytes.clone();
        let middle = changed.len() / 2;
        changed[middle] ^= 1;
        let other = validator.validate(&changed);
        assert!(!Arc::ptr_eq(&big, &other));
        assert_ne!(big.component_sha256, other.component_sha256);
        assert_eq!(
            other.component_sha256,
            ComponentDigest::of(&changed).to_hex()
        );
        assert_eq!(lines(&other), lines(&big), "{name}");
    }
}

/// The component the `riptide` crate ships (pre-initialized and stamped by
/// `cargo xtask build-guest`, committed in `crates/riptide-component`).
#[test]
fn the_shipped_guest_is_valid_without_a_warning() {
    let bytes = riptide_component::WASM;
    let report = Validator::new(ExpectedWorld::bundled()).validate(bytes);
    assert_eq!(report.issues(), &[], "{report}");
    assert_eq!(
        report.component_world.as_deref(),
        Some("riptide:extractor/extractor@0.3.0")
    );
}

#[test]
fn validator_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Validator>();
    assert_send_sync::<ValidationReport>();
    assert_send_sync::<ExpectedWorld>();
}
