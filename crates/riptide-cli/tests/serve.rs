//! `riptide serve`: the real binary on an ephemeral loopback port (`--bind 127.0.0.1:0`, the
//! address read from its log), talked to with a real HTTP client: every endpoint, every error
//! status, overload, shutdown with requests in flight, and `/metrics` read by a Prometheus
//! text parser. The sandbox's failures come from the hostile guest
//! (`riptide-hostile-guest`: `http://sleep/?ms=N`, `http://panic/`).

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::fixture;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Long enough for a first start on a loaded machine (the component is compiled once, then
/// loaded from the artifact cache).
const START_TIMEOUT: Duration = Duration::from_secs(180);

/// A running `riptide serve`, killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    /// Start `riptide serve <args>` (with `envs`) and wait for its address.
    fn start(args: &[&str], envs: &[(&str, &str)]) -> Server {
        let mut all = vec!["serve"];
        all.extend_from_slice(args);
        let mut child = common::command(&all)
            .envs(envs.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("riptide serve starts");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        // Reads the log to its end (so that the server never blocks on a full pipe).
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("[server] {line}");
                if let Some(at) = line.find("listening on http://") {
                    let address: String = line[at + "listening on ".len()..]
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_string();
                    let _ = tx.send(address);
                }
            }
        });
        let base = match rx.recv_timeout(START_TIMEOUT) {
            Ok(base) => base,
            Err(e) => {
                let _ = child.kill();
                panic!("riptide serve logged no address ({e}); its log is above");
            }
        };
        Server { child, base }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Send SIGTERM.
    fn terminate(&self) {
        let pid = i32::try_from(self.child.id()).expect("pid");
        // SAFETY: kill(2) on the pid of our own child.
        let rc = unsafe { libc::kill(pid, libc::SIGTERM) };
        assert_eq!(rc, 0, "kill -TERM {pid}");
    }

    /// Wait for the process to exit, at most `limit`.
    fn wait(&mut self, limit: Duration) -> ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                started.elapsed() < limit,
                "riptide serve did not exit within {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The hostile guest, written once per test binary.
fn hostile_component() -> String {
    static PATH: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let path = PATH.get_or_init(|| {
        let bytes = riptide_guest_build::shared_component(
            env!("CARGO_MANIFEST_DIR"),
            "riptide-hostile-guest",
        )
        .expect("the hostile guest builds");
        let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("serve-hostile.wasm");
        std::fs::write(&path, bytes).expect("write the hostile guest");
        path
    });
    path.to_str().expect("UTF-8 path").to_string()
}

fn client() -> reqwest::Client {
    // A hang is a failure, not a stuck test.
    reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("HTTP client")
}

/// Status and JSON body.
async fn answer(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.expect("body");
    let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, value)
}

async fn post_html(
    client: &reqwest::Client,
    server: &Server,
    query: &str,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    client
        .post(server.url(&format!("/v1/extract?{query}")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("request sent")
}

async fn post_json(client: &reqwest::Client, server: &Server, body: &Value) -> reqwest::Response {
    client
        .post(server.url("/v1/extract"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("request sent")
}

/// The error of an error answer: its kind, after checking the shape and the status.
fn error_kind(status: StatusCode, body: &Value, expected: StatusCode) -> String {
    assert_eq!(status, expected, "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(!message.is_empty(), "no message: {body}");
    body["error"]["kind"]
        .as_str()
        .unwrap_or_else(|| panic!("no kind: {body}"))
        .to_string()
}

/// Poll `/readyz` until `ready(body)` holds.
async fn wait_ready(client: &reqwest::Client, server: &Server, ready: impl Fn(&Value) -> bool) {
    let started = Instant::now();
    loop {
        let (_, body) = answer(
            client
                .get(server.url("/readyz"))
                .send()
                .await
                .expect("readyz"),
        )
        .await;
        if ready(&body) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "/readyz never showed the state waited for: {body}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_answers_as_the_cli_does_and_metrics_parse() {
    let server = Server::start(&["--bind", "127.0.0.1:0"], &[]);
    let client = client();

    let (status, body) = answer(client.get(server.url("/healthz")).send().await.unwrap()).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "status": "ok" })));
    let (status, body) = answer(client.get(server.url("/readyz")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ready");

    let (status, info) = answer(client.get(server.url("/v1/info")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let cli_info: Value = serde_json::from_str(&common::stdout(&common::riptide(&["info"], None)))
        .expect("riptide info prints JSON");
    assert_eq!(info["component"], cli_info["component"]);
    assert_eq!(info["modes"], cli_info["modes"]);
    assert_eq!(info["info"], cli_info["info"]);

    // A raw page, and the same page as JSON: the fields of `riptide extract --format json`.
    let page_path = fixture("readability-nytimes-1.html");
    let page = std::fs::read_to_string(&page_path).unwrap();
    let url = "http://fakehost/test/page.html";
    let cli = common::riptide(&["extract", &page_path, "--url", url], None);
    assert!(cli.status.success(), "{}", common::stderr(&cli));
    let expected: Value = serde_json::from_str(&common::stdout(&cli)).unwrap();
    let response = post_html(
        &client,
        &server,
        &format!("url={url}"),
        "text/html",
        page.clone(),
    )
    .await;
    assert_eq!(
        response.headers()["content-type"],
        "application/json",
        "the answer is JSON"
    );
    let (status, raw) = answer(response).await;
    assert_eq!(status, StatusCode::OK, "{raw}");
    assert_eq!(raw, expected);
    let (status, from_json) =
        answer(post_json(&client, &server, &json!({ "url": url, "html": page })).await).await;
    assert_eq!(status, StatusCode::OK, "{from_json}");
    assert_eq!(from_json, expected);

    // Custom mode by query and by JSON.
    let small = "<html><body><h1>Headline</h1><p class=x>First.</p><p>Second.</p></body></html>";
    let (status, custom) = answer(
        post_html(
            &client,
            &server,
            "url=https://example.com/&mode=custom&selector=h1&selector=p.x",
            "text/html; charset=utf-8",
            small,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{custom}");
    assert!(
        custom["text"].as_str().unwrap().contains("Headline"),
        "{custom}"
    );
    assert!(
        !custom["text"].as_str().unwrap().contains("Second"),
        "{custom}"
    );
    let (status, by_json) = answer(
        post_json(
            &client,
            &server,
            &json!({ "url": "https://example.com/", "html": small, "selectors": ["h1", "p.x"] }),
        )
        .await,
    )
    .await;
    assert_eq!((status, &by_json), (StatusCode::OK, &custom));

    // A page in windows-1251, decoded by the charset of its Content-Type.
    let (bytes, _, _) = riptide::charset::encoding_rs::WINDOWS_1251
        .encode("<html><body><h1>Привет</h1><p>Мир за окном.</p></body></html>");
    let (status, cyrillic) = answer(
        post_html(
            &client,
            &server,
            "url=https://example.ru/&mode=full",
            "text/html; charset=windows-1251",
            bytes.into_owned(),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{cyrillic}");
    assert!(
        cyrillic["text"].as_str().unwrap().contains("Привет"),
        "{cyrillic}"
    );

    // /metrics: the pool's metrics and the server's, as a Prometheus parser reads them.
    let text = client
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let scrape = prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string())))
        .expect("Prometheus text");
    let sample = |name: &str, labels: &[(&str, &str)]| {
        scrape
            .samples
            .iter()
            .find(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
            .unwrap_or_else(|| panic!("no sample {name} {labels:?} in:\n{text}"))
            .value
            .clone()
    };
    match sample(
        "riptide_http_requests_total",
        &[
            ("route", "/v1/extract"),
            ("method", "POST"),
            ("status", "200"),
        ],
    ) {
        prometheus_parse::Value::Counter(n) | prometheus_parse::Value::Untyped(n) => {
            assert_eq!(n, 5.0);
        }
        other => panic!("requests_total is {other:?}"),
    }
    match sample(
        "riptide_http_request_duration_seconds",
        &[("route", "/v1/extract")],
    ) {
        prometheus_parse::Value::Histogram(buckets) => {
            let all = buckets
                .iter()
                .find(|b| b.less_than.is_infinite())
                .expect("+Inf");
            assert_eq!(all.count, 5.0);
        }
        other => panic!("request_duration_seconds is {other:?}"),
    }
    match sample("riptide_http_in_flight_requests", &[]) {
        // The scrape itself.
        prometheus_parse::Value::Gauge(n) => assert_eq!(n, 1.0),
        other => panic!("in_flight_requests is {other:?}"),
    }
    assert!(
        scrape
            .samples
            .iter()
            .any(|s| s.metric.starts_with("riptide_pool_")),
        "no pool metrics in:\n{text}"
    );
    // The validation metrics beside the pool's: the start-up check and the input checks of
    // the requests above.
    for name in [
        "riptide_validation_startup_errors",
        "riptide_validation_inputs_total",
    ] {
        assert!(
            scrape.samples.iter().any(|s| s.metric == name),
            "no {name} in:\n{text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_streams_one_line_per_input_line_as_riptide_batch_does() {
    let server = Server::start(&["--bind", "127.0.0.1:0"], &[]);
    let client = client();
    let page = std::fs::read_to_string(fixture("wcxb-0040.html")).unwrap();
    let lines = [
        json!({ "id": "a", "url": "https://example.com/a", "html": page }).to_string(),
        "not JSON".to_string(),
        json!({ "id": "c", "url": "ftp://example.com/", "html": "<p>x</p>" }).to_string(),
        json!({ "id": "d", "url": "https://example.com/d", "html": "<p>Short.</p>", "mode": "metadata" })
            .to_string(),
    ];
    let input = format!("{}\n", lines.join("\n"));
    let cli = common::riptide(&["batch"], Some(input.as_bytes()));
    let mut expected: Vec<String> = common::stdout(&cli).lines().map(str::to_string).collect();

    // The body arrives line by line: the first answer comes back before the body ends.
    let (tx, rx) = tokio::sync::mpsc::channel::<String>(4);
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|line| (Ok::<_, std::io::Error>(line), rx))
    });
    let request = client
        .post(server.url("/v1/batch"))
        .header("content-type", "application/x-ndjson")
        .body(reqwest::Body::wrap_stream(stream))
        .send();
    tx.send(format!("{}\n", lines[0])).await.unwrap();
    let mut response = request.await.expect("batch answered");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    let mut received = String::new();
    while !received.contains('\n') {
        let chunk = response
            .chunk()
            .await
            .unwrap()
            .expect("a line before the body ends");
        received.push_str(std::str::from_utf8(&chunk).unwrap());
    }
    for line in &lines[1..] {
        tx.send(format!("{line}\n")).await.unwrap();
    }
    drop(tx);
    while let Some(chunk) = response.chunk().await.unwrap() {
        received.push_str(std::str::from_utf8(&chunk).unwrap());
    }
    let mut got: Vec<String> = received.lines().map(str::to_string).collect();
    assert_eq!(got.len(), lines.len(), "{received}");
    // As they complete: the same lines in any order.
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_their_status_and_kind() {
    // The address from the environment (RIPTIDE_BIND), a small page limit from the flag.
    let server = Server::start(
        &["--max-html-bytes", "4000", "--request-timeout-ms", "1000"],
        &[("RIPTIDE_BIND", "127.0.0.1:0")],
    );
    let client = client();
    let page = "<html><body><p>Hello.</p></body></html>";
    let cases: Vec<(reqwest::Response, StatusCode, &str)> = vec![
        (
            client
                .post(server.url("/v1/extract"))
                .header("content-type", "application/json")
                .body("{not json")
                .send()
                .await
                .unwrap(),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            post_json(&client, &server, &json!({ "html": page })).await,
            StatusCode::BAD_REQUEST,
            "invalid_line",
        ),
        (
            post_json(
                &client,
                &server,
                &json!({ "url": "https://example.com/", "path": "/etc/passwd" }),
            )
            .await,
            StatusCode::BAD_REQUEST,
            "invalid_line",
        ),
        (
            post_html(&client, &server, "mode=article", "text/html", page).await,
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            post_html(
                &client,
                &server,
                "url=https://e.com/&selectors=p",
                "text/html",
                page,
            )
            .await,
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            post_html(
                &client,
                &server,
                "url=https://example.com/",
                "text/html",
                "x".repeat(4001),
            )
            .await,
            StatusCode::PAYLOAD_TOO_LARGE,
            "html_too_large",
        ),
        (
            post_json(
                &client,
                &server,
                &json!({ "url": "https://example.com/", "html": "x".repeat(5000) }),
            )
            .await,
            StatusCode::PAYLOAD_TOO_LARGE,
            "html_too_large",
        ),
        (
            post_html(
                &client,
                &server,
                "url=https://example.com/",
                "image/png",
                page,
            )
            .await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            post_html(
                &client,
                &server,
                "url=ftp://example.com/",
                "text/html",
                page,
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "url_scheme",
        ),
        (
            post_html(
                &client,
                &server,
                "url=https://example.com/",
                "text/html",
                "   ",
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "html_empty",
        ),
        (
            post_html(
                &client,
                &server,
                "url=https://example.com/&mode=summary",
                "text/html",
                page,
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "mode_unknown",
        ),
        (
            client.get(server.url("/v1/nothing")).send().await.unwrap(),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            client.get(server.url("/v1/extract")).send().await.unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
    ];
    for (response, status, kind) in cases {
        let (got, body) = answer(response).await;
        assert_eq!(error_kind(got, &body, status), kind, "{body}");
    }

    // A body that never ends: the request timeout answers 504, the upload still open.
    let (tx, rx) = tokio::sync::mpsc::channel::<String>(1);
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|part| (Ok::<_, std::io::Error>(part), rx))
    });
    tx.send("<html><body>".into()).await.unwrap();
    let response = client
        .post(server.url("/v1/extract?url=https://example.com/"))
        .header("content-type", "text/html")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .expect("answered before the body ends");
    let (status, body) = answer(response).await;
    assert_eq!(
        error_kind(status, &body, StatusCode::GATEWAY_TIMEOUT),
        "timeout"
    );
    drop(tx);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_failures_and_overload_get_500_503_504_without_hanging() {
    let component = hostile_component();
    let server = Server::start(
        &[
            "--bind",
            "127.0.0.1:0",
            "--component",
            &component,
            "--max-instances",
            "1",
            "--max-in-flight",
            "2",
            "--queue-timeout-ms",
            "1000",
            "--call-timeout-ms",
            "3000",
        ],
        &[],
    );
    let client = client();
    let html = "<html><body><p>Hello.</p></body></html>";
    let slow = |ms: u64| {
        let client = client.clone();
        let url = server.url(&format!("/v1/extract?url=http://sleep/?ms={ms}"));
        tokio::spawn(async move {
            client
                .post(url)
                .header("content-type", "text/html")
                .body(html)
                .send()
                .await
                .expect("request sent")
        })
    };

    // The one instance busy for 2.5 s: the next request waits for it 1 s, then 503.
    let busy = slow(2500);
    wait_ready(&client, &server, |b| b["in_use"] == 1).await;
    let waiting = slow(10);
    wait_ready(&client, &server, |b| b["waiting"] == 1).await;
    // Two requests in flight, the most the server takes: the third is shed at once.
    let started = Instant::now();
    let response = post_html(
        &client,
        &server,
        "url=https://example.com/",
        "text/html",
        html,
    )
    .await;
    assert!(response.headers().contains_key("retry-after"));
    let (status, body) = answer(response).await;
    assert_eq!(
        error_kind(status, &body, StatusCode::SERVICE_UNAVAILABLE),
        "overloaded"
    );
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "shed after {:?}",
        started.elapsed()
    );
    let response = waiting.await.unwrap();
    assert_eq!(response.headers()["retry-after"], "1");
    let (status, body) = answer(response).await;
    assert_eq!(
        error_kind(status, &body, StatusCode::SERVICE_UNAVAILABLE),
        "pool_exhausted"
    );
    let (status, body) = answer(busy.await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Past the call deadline: 504; a guest that traps: 500.
    let (status, body) = answer(slow(60_000).await.unwrap()).await;
    assert_eq!(
        error_kind(status, &body, StatusCode::GATEWAY_TIMEOUT),
        "timeout"
    );
    let (status, body) =
        answer(post_html(&client, &server, "url=http://panic/", "text/html", html).await).await;
    assert_eq!(
        error_kind(status, &body, StatusCode::INTERNAL_SERVER_ERROR),
        "trap"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_answers_every_request_in_flight_then_exits_0() {
    let component = hostile_component();
    let mut server = Server::start(
        &[
            "--bind",
            "127.0.0.1:0",
            "--component",
            &component,
            "--max-instances",
            "3",
            "--drain-ms",
            "1000",
        ],
        &[],
    );
    let client = client();
    let in_flight: Vec<_> = (0..3)
        .map(|i| {
            let client = client.clone();
            let url = server.url(&format!(
                "/v1/extract?url=http://sleep/?ms%3D2000%26n%3D{i}"
            ));
            tokio::spawn(async move {
                client
                    .post(url)
                    .header("content-type", "text/html")
                    .body("<html><body><p>Hello.</p></body></html>")
                    .send()
                    .await
            })
        })
        .collect();
    wait_ready(&client, &server, |b| b["in_use"] == 3).await;
    server.terminate();
    // Draining: alive, not ready.
    wait_ready(&client, &server, |b| b["error"]["kind"] == "shut_down").await;
    let (status, _) = answer(client.get(server.url("/healthz")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    for request in in_flight {
        let response = request.await.unwrap().expect("answered, not dropped");
        let (status, body) = answer(response).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let status = server.wait(Duration::from_secs(30));
    assert!(status.success(), "exit status {status}");
    assert!(
        client.get(server.url("/healthz")).send().await.is_err(),
        "still listening after exit"
    );
}
