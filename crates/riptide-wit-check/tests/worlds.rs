//! Comparisons on small purpose-made worlds: every WIT construct, interface exports and
//! imports, versions, allow-lists, and loading the expected world.

use riptide_test_support::fixtures;
use riptide_wit_check::{ExpectedWorld, Severity, ValidationReport, Validator, WitCheckError};

/// `severity: path: message` of every issue (suggestions left out).
fn lines(report: &ValidationReport) -> Vec<String> {
    report
        .issues()
        .iter()
        .map(|i| format!("{}: {}: {}", i.severity, i.path, i.message))
        .collect()
}

/// Validates a component built from `found` (package recorded) against `expected`.
fn check(expected: &str, found: &str) -> Vec<String> {
    let expected = ExpectedWorld::from_str(expected, None).expect("expected WIT parses");
    let bytes = fixtures::component_from_wit(found, true).expect("component builds");
    lines(&Validator::new(expected).validate(&bytes))
}

const TYPES: &str = r#"package demo:types@1.0.0;
world types {
    enum color { red, green, blue }
    flags perms { read, write, exec }
    record point { x: s32, y: s32 }
    type coords = list<point>;
    variant shape { circle(f64), square(tuple<u32, u32>), empty }
    export paint: func(c: color, p: perms, at: coords, s: shape) -> result<option<u64>, string>;
    export pairs: func() -> list<tuple<string, char>>;
}
"#;

fn edit(from: &str, to: &str) -> String {
    assert!(TYPES.contains(from), "{from}");
    TYPES.replacen(from, to, 1)
}

#[test]
fn identical_types_world_is_clean() {
    assert_eq!(check(TYPES, TYPES), Vec::<String>::new());
}

#[test]
fn enum_cases() {
    assert_eq!(
        check(
            TYPES,
            &edit(
                "enum color { red, green, blue }",
                "enum color { red, blue, green, pink }"
            )
        ),
        [
            "error: export paint › param c › enum color › case green: expected at position 2, found at position 3 (the order is part of the type)",
            "error: export paint › param c › enum color › case pink: unexpected extra case pink",
        ]
    );
}

#[test]
fn flags_members() {
    assert_eq!(
        check(
            TYPES,
            &edit(
                "flags perms { read, write, exec }",
                "flags perms { read, write }"
            )
        ),
        ["error: export paint › param p › flags perms › flag exec: missing flag exec"]
    );
}

#[test]
fn alias_is_followed_and_list_element_compared() {
    assert_eq!(
        check(
            TYPES,
            &edit(
                "record point { x: s32, y: s32 }",
                "record point { x: s32, y: s64 }"
            )
        ),
        [
            "error: export paint › param at › element › record point › field y: expected s32, found s64"
        ]
    );
}

#[test]
fn renamed_record_is_a_warning_when_the_structure_matches() {
    let found = edit(
        "record point { x: s32, y: s32 }",
        "record pos { x: s32, y: s32 }",
    )
    .replace("list<point>", "list<pos>");
    assert_eq!(
        check(TYPES, &found),
        [
            "warning: export paint › param at › element › record point: the component names this record pos; expected point (the structure is compared)"
        ]
    );
}

#[test]
fn tuple_and_variant_payloads() {
    assert_eq!(
        check(
            TYPES,
            &edit(
                "square(tuple<u32, u32>), empty",
                "square(tuple<u32, u8>), empty(u8)"
            )
        ),
        [
            "error: export paint › param s › variant shape › case square › element 1: expected u32, found u8",
            "error: export paint › param s › variant shape › case empty: expected no payload, found payload u8",
        ]
    );
    assert_eq!(
        check(
            TYPES,
            &edit("list<tuple<string, char>>", "list<tuple<string>>")
        ),
        [
            "error: export pairs › result › element: expected tuple<string, char>, found tuple<string>"
        ]
    );
}

#[test]
fn result_and_option_shapes() {
    assert_eq!(
        check(
            TYPES,
            &edit("result<option<u64>, string>", "result<_, string>")
        ),
        [
            "error: export paint › result: expected result<option<u64>, string>, found result<_, string>"
        ]
    );
    assert_eq!(
        check(
            TYPES,
            &edit("result<option<u64>, string>", "result<option<u32>, string>")
        ),
        ["error: export paint › result › ok › some: expected u64, found u32"]
    );
    assert_eq!(
        check(TYPES, &edit(" -> result<option<u64>, string>", "")),
        ["error: export paint › result: expected result<option<u64>, string>, found no result"]
    );
}

#[test]
fn reordered_and_missing_params() {
    assert_eq!(
        check(
            TYPES,
            &edit(
                "(c: color, p: perms, at: coords, s: shape)",
                "(p: perms, c: color, at: coords)"
            )
        ),
        [
            "error: export paint › param c: expected as parameter 1, found as parameter 2",
            "error: export paint › param s: missing parameter s: shape",
        ]
    );
}

const IFACE: &str = r#"package demo:app@1.0.0;
interface files {
    resource blob {
        constructor(data: list<u8>);
        size: func() -> u64;
        read: func(offset: u64, len: u32) -> list<u8>;
    }
    open: func(name: string) -> result<blob, string>;
}
world app {
    export files;
}
"#;

#[test]
fn interface_export_with_resource_is_clean() {
    assert_eq!(check(IFACE, IFACE), Vec::<String>::new());
}

#[test]
fn interface_members() {
    let found = IFACE
        .replace("size: func() -> u64;", "size: func() -> u32;")
        .replace("resource blob", "resource file")
        .replace("result<blob, string>", "result<file, string>");
    assert_eq!(
        check(IFACE, &found),
        [
            "error: export demo:app/files@1.0.0 › type blob: not defined by the component's interface; expected type blob",
            "error: export demo:app/files@1.0.0 › func constructor blob: not defined by the component's interface; expected [constructor]blob: func(data: list<u8>) -> blob",
            "error: export demo:app/files@1.0.0 › func method blob.size: not defined by the component's interface; expected [method]blob.size: func(self: borrow<blob>) -> u64",
            "error: export demo:app/files@1.0.0 › func method blob.read: not defined by the component's interface; expected [method]blob.read: func(self: borrow<blob>, offset: u64, len: u32) -> list<u8>",
            "error: export demo:app/files@1.0.0 › func open › result › ok: expected resource blob, found resource file",
            "warning: export demo:app/files@1.0.0 › type file: a type the expected interface does not define",
            "warning: export demo:app/files@1.0.0 › func constructor file: a function the expected interface does not define; the host ignores it",
            "warning: export demo:app/files@1.0.0 › func method file.size: a function the expected interface does not define; the host ignores it",
            "warning: export demo:app/files@1.0.0 › func method file.read: a function the expected interface does not define; the host ignores it",
        ]
    );
}

#[test]
fn interface_export_versions() {
    let minor = IFACE.replace("demo:app@1.0.0", "demo:app@1.3.0");
    assert_eq!(
        check(IFACE, &minor),
        [
            "warning: package: expected version 1.0.0, found 1.3.0: semver-compatible, the host links it",
            "warning: export demo:app/files@1.0.0: the component exports demo:app/files@1.3.0, a different but semver-compatible version",
        ]
    );
    let major = IFACE.replace("demo:app@1.0.0", "demo:app@2.0.0");
    assert_eq!(
        check(IFACE, &major),
        [
            "error: package: expected version 1.0.0, found 2.0.0, which is not semver-compatible (compatible versions: 1.x)",
            "error: export demo:app/files@1.0.0: the component exports demo:app/files@2.0.0, an incompatible version",
        ]
    );
}

#[test]
fn interface_names_carry_the_package_when_unstamped() {
    // The export name demo:app/files@1.0.0 records the package: no "unknown package" warning.
    let expected = ExpectedWorld::from_str(IFACE, None).unwrap();
    let bytes = fixtures::component_from_wit(IFACE, false).unwrap();
    assert_eq!(
        lines(&Validator::new(expected).validate(&bytes)),
        Vec::<String>::new()
    );
}

const WITH_IMPORT: &str = r#"package demo:host@0.1.0;
world guest {
    import log: func(msg: string);
    import wasi:clocks/monotonic-clock@0.2.3;
    export run: func();
}
package wasi:clocks@0.2.3 {
    interface monotonic-clock {
        type instant = u64;
        now: func() -> instant;
    }
}
"#;

#[test]
fn imports_declared_by_the_expected_world_are_compared() {
    assert_eq!(check(WITH_IMPORT, WITH_IMPORT), Vec::<String>::new());
    let changed = WITH_IMPORT.replace(
        "import log: func(msg: string);",
        "import log: func(msg: list<u8>);",
    );
    assert_eq!(
        check(WITH_IMPORT, &changed),
        ["error: import log › param msg: expected string, found list<u8>"]
    );
}

#[test]
fn allow_list_is_configurable() {
    let world = ExpectedWorld::bundled();
    let evil = fixtures::fixture("import-unknown-interface");
    let wasi = fixtures::fixture("valid-wasi-import");
    let fetch = fixtures::fixture("import-function");

    let default = Validator::new(world.clone());
    assert!(!default.validate(&evil.bytes).is_valid());
    assert!(default.validate(&wasi.bytes).is_valid());

    let allowing = Validator::new(world.clone())
        .allow_import("evil:net/socket")
        .unwrap()
        .allow_import("fetch")
        .unwrap();
    assert!(allowing.validate(&evil.bytes).is_valid());
    assert!(allowing.validate(&fetch.bytes).is_valid());

    let versioned = Validator::new(world.clone())
        .allow_import("evil:net/socket@1.0.0")
        .unwrap();
    let report = versioned.validate(&evil.bytes);
    assert_eq!(
        lines(&report),
        ["error: import evil:net/socket: the host provides evil:net/socket@1.x, not this version"]
    );

    let strict = Validator::new(world).without_default_imports();
    assert_eq!(
        lines(&strict.validate(&wasi.bytes)),
        [
            "error: import wasi:clocks/monotonic-clock@0.2.3: the component imports interface wasi:clocks/monotonic-clock@0.2.3, which the host does not provide"
        ]
    );
}

#[test]
fn async_functions_are_distinguished() {
    let expected = "package demo:a@1.0.0; world w { export f: func() -> u32; }";
    let found = "package demo:a@1.0.0; world w { export f: async func() -> u32; }";
    assert_eq!(
        check(expected, found),
        ["error: export f: expected a synchronous function, found an async function"]
    );
}

#[test]
fn expected_world_loading_errors_say_what_to_do() {
    let err = ExpectedWorld::from_dir("/definitely/not/here", None).unwrap_err();
    assert!(matches!(err, WitCheckError::NotADirectory { .. }));
    assert!(
        err.to_string()
            .contains("pass the folder that holds the `.wit` files"),
        "{err}"
    );

    let err = ExpectedWorld::from_str("package a:b;\nworld w { export f: func() -> nope; }", None)
        .unwrap_err();
    assert!(matches!(err, WitCheckError::Parse { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains("nope") && msg.contains("fix the WIT file"),
        "{msg}"
    );

    let err = ExpectedWorld::from_str("package a:b; world one {} world two {}", None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the WIT in <wit text> defines several worlds (or none) and no world was named; worlds \
         defined there: one, two. Pass one of those names"
    );
    let err = ExpectedWorld::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/wit"), Some("other"))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("has no world `other`; worlds defined there: extractor"),
        "{err}"
    );

    let ok = ExpectedWorld::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/wit"), None).unwrap();
    assert_eq!(ok.fingerprint(), ExpectedWorld::bundled().fingerprint());
    assert_eq!(Severity::Warning.to_string(), "warning");
}
