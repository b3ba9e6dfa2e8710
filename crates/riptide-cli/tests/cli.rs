//! Tests of the `riptide` binary: every subcommand, the exit codes and batch error lines.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{fixture, stderr, stdout};

fn riptide(args: &[&str], stdin: Option<&str>) -> std::process::Output {
    common::riptide(args, stdin.map(str::as_bytes))
}

#[test]
fn extract_prints_json_with_the_title_and_text() {
    let out = riptide(
        &[
            "extract",
            &fixture("readability-nytimes-1.html"),
            "--url",
            "http://fakehost/test/page.html",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["title"], "United States to Lift Sudan Sanctions");
    assert_eq!(doc["byline"], "Jeffrey Gettleman");
    assert_eq!(doc["authors"], serde_json::json!(["Jeffrey Gettleman"]));
    assert!(
        doc["text"]
            .as_str()
            .unwrap()
            .contains("After nearly 20 years of hostile relations")
    );
    // JSON field names are the WIT names in snake_case.
    for field in [
        "published_iso",
        "reading_time",
        "quality_score",
        "word_count",
        "site_name",
    ] {
        assert!(doc.get(field).is_some(), "missing {field}");
    }
}

#[test]
fn extract_reads_stdin_and_prints_text_or_markdown() {
    let html =
        "<html><body><article><h1>Hello</h1><p>First paragraph here.</p></article></body></html>";
    let out = riptide(
        &["extract", "-", "--mode", "full", "--format", "text"],
        Some(html),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "Hello\n\nFirst paragraph here.\n");
    assert!(
        stderr(&out).contains("no --url given"),
        "the default URL is announced"
    );
    let out = riptide(
        &[
            "extract",
            "-",
            "--mode",
            "full",
            "--format",
            "markdown",
            "--url",
            "https://e.com/",
        ],
        Some(html),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("# Hello"), "{}", stdout(&out));
}

#[test]
fn selectors_imply_custom_mode() {
    let html = "<div><p class=a>one</p><p>two</p><p class=a>three</p></div>";
    let out = riptide(
        &[
            "extract",
            "-",
            "--url",
            "https://e.com/",
            "--selector",
            ".a",
            "--format",
            "text",
        ],
        Some(html),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "one\n\nthree\n");
}

#[test]
fn bad_input_exits_1_with_one_line() {
    let out = riptide(
        &[
            "extract",
            &fixture("wcxb-0040.html"),
            "--url",
            "file:///etc/passwd",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("riptide: URL scheme 'file' is not allowed"),
        "{err}"
    );
    let out = riptide(
        &[
            "extract",
            "-",
            "--url",
            "https://e.com/",
            "--selector",
            "p[",
        ],
        Some("<p>x</p>"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("CSS selector #1 'p[' is not valid"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn usage_errors_exit_2() {
    let out = riptide(
        &[
            "extract",
            "/nonexistent/page.html",
            "--url",
            "https://e.com/",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("riptide: could not read /nonexistent/page.html"));
    let out = riptide(&["extract", "x.html", "--mode", "summary"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = riptide(&["frobnicate"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = riptide(&["info", "--component", "/nonexistent.wasm"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("could not read the component /nonexistent.wasm"));
}

#[test]
fn batch_answers_every_line_in_order_and_survives_bad_lines() {
    let input = [
        format!(r#"{{"id": 1, "url": "http://fakehost/test/page.html", "path": "{}"}}"#, fixture("readability-nytimes-1.html")),
        r#"{"id": "two", "url": "https://e.com/", "html": "<h1>T</h1><p>Body text.</p>", "mode": "full"}"#.to_string(),
        "this is not json".to_string(),
        r#"{"id": 4, "url": "ftp://e.com/", "html": "<p>x</p>"}"#.to_string(),
        r#"{"id": 5, "url": "https://e.com/", "html": "<p class=k>kept</p><p>dropped</p>", "selectors": [".k"]}"#.to_string(),
        r#"{"id": 6, "url": "https://e.com/"}"#.to_string(),
        String::new(),
    ]
    .join("\n");
    let out = riptide(&["batch", "--jobs", "2"], Some(&input));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect();
    assert_eq!(lines.len(), 6, "one line per non-empty input line");
    assert_eq!(lines[0]["id"], 1);
    assert_eq!(
        lines[0]["ok"]["title"],
        "United States to Lift Sudan Sanctions"
    );
    assert_eq!(lines[1]["id"], "two");
    assert_eq!(lines[1]["ok"]["text"], "T\n\nBody text.");
    assert_eq!(lines[2]["id"], serde_json::Value::Null);
    assert_eq!(lines[2]["error"]["kind"], "invalid_json");
    assert_eq!(lines[3]["id"], 4);
    assert_eq!(lines[3]["error"]["kind"], "url_scheme");
    assert_eq!(lines[4]["ok"]["text"], "kept");
    assert_eq!(lines[5]["error"]["kind"], "invalid_line");
    let summary = stderr(&out);
    assert!(
        summary.contains("riptide batch: 6 pages, 3 errors"),
        "{summary}"
    );
    assert!(summary.contains("pages/s"));
}

/// Ctrl-C while requests are in flight and stdin is still open: every request read so far
/// gets its complete line, then the summary says the batch was interrupted.
#[test]
fn batch_interrupted_by_ctrl_c_writes_every_started_result() {
    use std::io::{BufRead, BufReader};

    let mut child = Command::new(env!("CARGO_BIN_EXE_riptide"))
        .args(["batch", "--jobs", "4"])
        .env(
            "XDG_CACHE_HOME",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/cli-cache"),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run riptide");
    let mut stdin = child.stdin.take().expect("stdin");
    let page = fixture("readability-nytimes-1.html");
    for id in 0..3 {
        writeln!(
            stdin,
            r#"{{"id": {id}, "url": "http://fakehost/test/page.html", "path": "{page}"}}"#
        )
        .expect("write a request");
    }
    // A fourth request that answers fast: its line shows the batch has read the first three.
    writeln!(
        stdin,
        r#"{{"id": 3, "url": "https://e.com/", "html": "<p>quick</p>", "mode": "full"}}"#
    )
    .expect("write a request");
    stdin.flush().expect("flush");
    // Wait until the extractor is up and serving (its first line), with stdin still open.
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    reader.read_line(&mut first).expect("a first result line");
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: sending SIGINT to our own child process.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut reader, &mut rest).expect("the remaining lines");
    let status = child.wait().expect("riptide exits");
    drop(stdin);
    let mut stderr_text = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr_text)
        .expect("stderr");
    assert_eq!(status.code(), Some(0), "{stderr_text}");
    let lines: Vec<serde_json::Value> = std::iter::once(first.as_str())
        .chain(rest.lines())
        .map(|l| serde_json::from_str(l.trim_end()).expect("every line is complete JSON"))
        .collect();
    let ids: Vec<i64> = lines.iter().filter_map(|l| l["id"].as_i64()).collect();
    assert_eq!(
        ids,
        [0, 1, 2, 3],
        "every request read gets its line, in order"
    );
    assert!(lines[..3].iter().all(|l| l["ok"]["title"].is_string()));
    assert!(
        stderr_text.contains("4 pages, 0 errors") && stderr_text.contains("(interrupted)"),
        "{stderr_text}"
    );
}

#[test]
fn batch_writes_prometheus_metrics() {
    let path = concat!(env!("CARGO_TARGET_TMPDIR"), "/batch-metrics.prom");
    let input = r#"{"id": 1, "url": "https://e.com/", "html": "<p>Hello</p>"}"#;
    let out = riptide(&["batch", "--metrics", path], Some(input));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains("riptide_pool_calls_ok_total 1"), "{text}");
    assert!(text.contains("# TYPE riptide_pool_hits_total counter"));
    // Per tier, and the validation's next to the pool's.
    for needle in [
        "riptide_pool_tier_end_to_end_seconds_count{tier=",
        "riptide_pool_hit_ratio{tier=\"hot\"}",
        "riptide_validation_inputs_total 1",
        "riptide_validation_input_failures_total{kind=\"url_scheme\"} 0",
        "riptide_validation_startup_errors{component=",
        "riptide_validation_startup_skipped{component=",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
}

/// The debugging switches: `--no-tiering` serves every page from an instance of its own
/// (no hot hit in the metrics), `--skip-wit-check` prints a warning and records it.
#[test]
fn debugging_switches_are_explicit_and_loud() {
    let path = concat!(env!("CARGO_TARGET_TMPDIR"), "/batch-switches.prom");
    let input = "{\"id\": 1, \"url\": \"https://e.com/\", \"html\": \"<p>Hello</p>\"}\n\
                 {\"id\": 2, \"url\": \"https://e.com/\", \"html\": \"<p>Again</p>\"}";
    let out = riptide(
        &[
            "batch",
            "--no-tiering",
            "--skip-wit-check",
            "--metrics",
            path,
        ],
        Some(input),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 2);
    assert!(
        stderr(&out).contains("riptide: warning: the start-up WIT check was skipped"),
        "{}",
        stderr(&out)
    );
    let text = std::fs::read_to_string(path).unwrap();
    assert!(
        text.contains("riptide_pool_hits_total{tier=\"hot\"} 0"),
        "{text}"
    );
    assert!(text.contains("riptide_pool_hot_target 0"), "{text}");
    let skipped = text
        .lines()
        .find(|l| l.starts_with("riptide_validation_startup_skipped{"))
        .unwrap_or_default();
    assert!(skipped.ends_with("} 1"), "{text}");

    // Without the switch: no warning.
    let page = fixture("readability-nytimes-1.html");
    let out = riptide(
        &["extract", &page, "--url", "https://e.com/", "--no-tiering"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let out = riptide(
        &[
            "extract",
            &page,
            "--url",
            "https://e.com/",
            "--skip-wit-check",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("riptide: warning: the start-up WIT check was skipped"));
}

#[test]
fn info_reports_the_bundled_component() {
    let out = riptide(&["info"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["info"]["name"], "riptide-guest");
    assert_eq!(
        v["info"]["component_model_version"],
        "riptide:extractor@0.3.0"
    );
    assert_eq!(v["health"]["status"], "healthy");
    assert_eq!(v["component"]["bundled"], true);
    assert_eq!(
        v["component"]["sha256"],
        riptide::bundled_component_sha256()
    );
    assert_eq!(
        v["modes"],
        serde_json::json!(["article", "full", "metadata", "custom"])
    );
}

#[test]
fn validate_accepts_the_bundled_component_and_reports_every_broken_fixture() {
    let dir = std::path::PathBuf::from(concat!(env!("CARGO_TARGET_TMPDIR"), "/wit-fixtures"));
    std::fs::create_dir_all(&dir).unwrap();
    // The component `riptide extract` runs by default, checked by `riptide validate`: valid,
    // with its package recorded, not a single warning.
    let bundled = dir.join("bundled.wasm");
    std::fs::write(&bundled, riptide::bundled_component()).unwrap();
    let out = riptide(&["validate", bundled.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "ok: the component implements riptide:extractor/extractor@0.3.0 (0 errors, 0 warnings)\n"
    );
    for fixture in riptide_test_support::fixtures::catalogue() {
        let path = dir.join(format!("{}.wasm", fixture.name));
        std::fs::write(&path, &fixture.bytes).unwrap();
        let out = riptide(&["validate", path.to_str().unwrap()], None);
        let report = stdout(&out);
        if fixture.expect_valid {
            assert_eq!(out.status.code(), Some(0), "{}: {report}", fixture.name);
            assert!(report.contains("ok: the component implements"), "{report}");
        } else {
            assert_eq!(out.status.code(), Some(1), "{}: {report}", fixture.name);
            assert!(report.contains("error: "), "{}: {report}", fixture.name);
            assert!(report.contains("invalid: "), "{report}");
        }
    }
    let field = dir.join("field-type-changed.wasm");
    let out = riptide(&["validate", field.to_str().unwrap()], None);
    assert!(
        stdout(&out).contains(
            "export extract › result › ok › record extracted-content › field title: expected option<string>, found string"
        ),
        "{}",
        stdout(&out)
    );
    let out = riptide(
        &["validate", field.to_str().unwrap(), "--format", "json"],
        None,
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON report");
    assert!(json.to_string().contains("field title"), "{json}");
    // The check's figures, as a pool records them at start-up.
    assert_eq!(json["metrics"]["errors"], json["errors"], "{json}");
    assert_eq!(json["metrics"]["warnings"], 0, "{json}");
    assert!(json["metrics"]["errors"].as_u64().unwrap() >= 1, "{json}");
    assert!(
        json["metrics"]["duration_us"].as_f64().unwrap() > 0.0,
        "{json}"
    );
    let out = riptide(&["validate", "/nonexistent.wasm"], None);
    assert_eq!(out.status.code(), Some(2));
}
