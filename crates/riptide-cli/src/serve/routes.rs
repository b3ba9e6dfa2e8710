//! The handlers: `/v1/extract`, `/v1/batch`, `/v1/info`, `/healthz`, `/readyz`, `/metrics`.

use std::convert::Infallible;
use std::sync::atomic::Ordering;

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use riptide::ExtractionMode;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::AppState;
use super::errors::ApiError;
use crate::input::jsonl::{self, Paths};
use crate::input::{self, Item, Page};

/// A JSON answer.
fn json_response(status: StatusCode, body: &Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// The request's `Content-Type`, if it has one that is text.
fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
}

fn is_json_type(content_type: &str) -> bool {
    let media = content_type.split(';').next().unwrap_or("").trim();
    media.eq_ignore_ascii_case("application/json") || media.to_ascii_lowercase().ends_with("+json")
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        "html_too_large",
        format!(
            "the request body is larger than {limit} bytes, the page size limit; send a smaller page \
             or start the server with a larger --max-html-bytes"
        ),
    )
}

/// The whole body, refused past `limit` bytes (by its `Content-Length` before any is read).
async fn read_body(headers: &HeaderMap, body: Body, limit: usize) -> Result<Vec<u8>, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large(limit));
    }
    let mut body = body;
    let mut out = Vec::with_capacity(declared.map_or(0, |n| n as usize));
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            ApiError::new(
                "io",
                format!("the request body could not be read: {}", crate::report(&e)),
            )
        })?;
        if let Ok(data) = frame.into_data() {
            if out.len() + data.len() > limit {
                return Err(too_large(limit));
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(out)
}

/// `POST /v1/extract`: a JSON object (the batch line format) or a raw HTML page with its URL,
/// mode and selectors in the query; answers the extracted fields.
pub(crate) async fn extract(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let shared = &state.0;
    let Some(content_type) = content_type(&headers) else {
        return Err(unsupported_type(None));
    };
    let (url, html, mode) = if is_json_type(content_type) {
        let bytes = read_body(&headers, body, shared.json_limit).await?;
        let Item { request, .. } =
            jsonl::parse_bytes(&bytes, &ExtractionMode::Article, Paths::Refuse);
        let request = request?;
        let Page::Text(html) = request.page else {
            // A refused "path" never gets here; bytes come from files only.
            return Err(ApiError::new(
                "invalid_line",
                "send the page inline as \"html\"",
            ));
        };
        (request.url, html, request.mode)
    } else if input::is_html_type(content_type) {
        let (url, mode) = parse_query(query.as_deref().unwrap_or(""))?;
        let bytes = read_body(&headers, body, shared.html_limit).await?;
        (
            url,
            riptide::decode_html(&bytes, Some(content_type)).text,
            mode,
        )
    } else {
        return Err(unsupported_type(Some(content_type)));
    };
    let doc = shared.extractor.extract(html, &url, mode).await?;
    // The fields in the order `riptide extract` prints them.
    Ok(axum::Json(doc).into_response())
}

fn unsupported_type(content_type: Option<&str>) -> ApiError {
    let what = content_type.map_or_else(
        || "no Content-Type".to_string(),
        |t| format!("Content-Type {t:?}"),
    );
    ApiError::new(
        "unsupported_media_type",
        format!(
            "{what}: send a JSON object {{\"url\", \"html\", \"mode\", \"selectors\"}} as \
             application/json, or the page itself as text/html with ?url=…&mode=…&selector=…"
        ),
    )
}

/// `url`, `mode` and repeated `selector` from the query of a raw HTML request.
fn parse_query(query: &str) -> Result<(String, ExtractionMode), ApiError> {
    let mut url = None;
    let mut mode = None;
    let mut selectors = Vec::new();
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "url" => url = Some(value.into_owned()),
            "mode" => mode = Some(value.into_owned()),
            "selector" => selectors.push(value.into_owned()),
            other => {
                return Err(ApiError::new(
                    "invalid_query",
                    format!(
                        "unknown query parameter {other:?}; use url, mode and selector (repeatable)"
                    ),
                ));
            }
        }
    }
    let Some(url) = url else {
        return Err(ApiError::new(
            "invalid_query",
            "the query has no url; add ?url=https://… (the page's address, for its links)",
        ));
    };
    let mode = match mode {
        None if selectors.is_empty() => ExtractionMode::Article,
        None => ExtractionMode::Custom(selectors),
        Some(name) => match riptide::mode(&name, Vec::new())? {
            ExtractionMode::Custom(_) => ExtractionMode::Custom(selectors),
            _ if !selectors.is_empty() => {
                return Err(ApiError::new(
                    "invalid_query",
                    format!("selector only goes with mode=custom, not mode={name}"),
                ));
            }
            mode => mode,
        },
    };
    Ok((url, mode))
}

/// `POST /v1/batch`: JSON lines in, one JSON line out per input line as it completes (the
/// lines of `riptide batch`; give each line an `id` to match them).
pub(crate) async fn batch(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Some(content_type) = content_type(&headers) {
        let media = content_type.split(';').next().unwrap_or("").trim();
        let accepted = [
            "application/x-ndjson",
            "application/jsonl",
            "application/json-lines",
            "text/plain",
        ]
        .iter()
        .any(|t| media.eq_ignore_ascii_case(t))
            || is_json_type(content_type);
        if !accepted {
            return unsupported_type(Some(content_type)).into_response();
        }
    }
    let (tx, rx) = mpsc::channel::<Bytes>(16);
    tokio::spawn(run_batch(state, body, tx));
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|line| (Ok::<_, Infallible>(line), rx))
    });
    (
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(stream),
    )
        .into_response()
}

/// One output line, newline included.
fn line_bytes(value: &Value) -> Bytes {
    let mut text = value.to_string();
    text.push('\n');
    Bytes::from(text)
}

/// Read the lines of `body` as they arrive, extract up to `jobs` at once, and send each
/// answer into `tx` as it completes. Stops when the client goes away.
async fn run_batch(state: AppState, mut body: Body, tx: mpsc::Sender<Bytes>) {
    let shared = &state.0;
    let limit = shared.json_limit;
    let mut pending: Vec<u8> = Vec::new();
    // Past the limit, the rest of the line is dropped; it is answered with one error.
    let mut skipping = false;
    let mut body_done = false;
    let mut tasks: JoinSet<Value> = JoinSet::new();
    let mut lines: Vec<Vec<u8>> = Vec::new();
    loop {
        // Start the lines read so far, as far as the pool's width allows.
        while tasks.len() < shared.jobs {
            let Some(line) = lines.pop() else { break };
            let extractor = shared.extractor.clone();
            tasks.spawn(async move {
                let item = jsonl::parse_bytes(&line, &ExtractionMode::Article, Paths::Refuse);
                crate::batch::answer(extractor, item).await.0
            });
        }
        tokio::select! {
            frame = body.frame(), if !body_done && lines.is_empty() => match frame {
                None => {
                    body_done = true;
                    if !skipping && !pending.iter().all(u8::is_ascii_whitespace) {
                        lines.push(std::mem::take(&mut pending));
                    }
                }
                Some(Err(e)) => {
                    body_done = true;
                    let error = json!({ "id": Value::Null, "error": {
                        "kind": "io",
                        "message": format!("the request body broke off: {}", crate::report(&e)),
                    }});
                    if tx.send(line_bytes(&error)).await.is_err() {
                        return;
                    }
                }
                Some(Ok(frame)) => {
                    let Ok(data) = frame.into_data() else { continue };
                    let mut found = Vec::new();
                    for chunk in data.split_inclusive(|b| *b == b'\n') {
                        let complete = chunk.ends_with(b"\n");
                        if !skipping {
                            pending.extend_from_slice(chunk);
                            if pending.len() > limit + 1 {
                                skipping = true;
                                pending.clear();
                                let error = json!({ "id": Value::Null, "error": {
                                    "kind": "html_too_large",
                                    "message": format!("the line is longer than {limit} bytes, the page size limit; send a smaller page or start the server with a larger --max-html-bytes"),
                                }});
                                if tx.send(line_bytes(&error)).await.is_err() {
                                    return;
                                }
                            }
                        }
                        if complete {
                            if !skipping && !pending.iter().all(u8::is_ascii_whitespace) {
                                found.push(std::mem::take(&mut pending));
                            }
                            pending.clear();
                            skipping = false;
                        }
                    }
                    // `lines` is a stack: the first line last.
                    found.reverse();
                    lines = found;
                }
            },
            Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                let line = done.unwrap_or_else(|e| json!({ "id": Value::Null, "error": {
                    "kind": "internal",
                    "message": format!("the extraction task failed: {e}"),
                }}));
                if tx.send(line_bytes(&line)).await.is_err() {
                    // The client went away: the tasks are dropped with the set.
                    return;
                }
            }
            else => {
                if lines.is_empty() {
                    return;
                }
            }
        }
    }
}

/// `GET /v1/info`: the component, its info, health and modes (as `riptide info`).
pub(crate) async fn info(State(state): State<AppState>) -> Result<Response, ApiError> {
    let shared = &state.0;
    let value = crate::info::describe(&shared.extractor, shared.component.clone()).await?;
    Ok(json_response(StatusCode::OK, &value))
}

/// `GET /healthz`: the process is alive and answers.
pub(crate) async fn healthz() -> Response {
    json_response(StatusCode::OK, &json!({ "status": "ok" }))
}

/// `GET /readyz`: ready for traffic (the component validated and the pool built, which the
/// server did before listening; not shutting down; the circuit breaker not open).
pub(crate) async fn readyz(State(state): State<AppState>) -> Result<Response, ApiError> {
    let shared = &state.0;
    if shared.shutting_down.load(Ordering::SeqCst) {
        return Err(ApiError::new(
            "shut_down",
            "the server is shutting down; send requests to another replica",
        ));
    }
    let status = shared.extractor.status();
    if status.shut_down {
        return Err(ApiError::new("shut_down", "the extractor is shut down"));
    }
    let circuit = status.circuit.as_str();
    if circuit == "open" {
        return Err(ApiError::new(
            "circuit_open",
            "the extractor failed repeatedly and is paused (circuit open); it probes again shortly",
        ));
    }
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "status": "ready",
            "max_instances": status.max_instances,
            "in_use": status.in_use,
            "waiting": status.waiting,
            "circuit": circuit,
        }),
    ))
}

/// `GET /metrics`: the pool's metrics and the server's, in the Prometheus text format.
pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    let shared = &state.0;
    let mut text = shared.extractor.metrics().to_prometheus();
    text.push_str(&shared.metrics.encode());
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

/// Any other path.
pub(crate) async fn not_found() -> ApiError {
    ApiError::with_status(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such endpoint; see docs/serving.md (POST /v1/extract, POST /v1/batch, GET /v1/info, /healthz, /readyz, /metrics)",
    )
}

/// A known path with the wrong method.
pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError::with_status(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not take that method; the /v1 extraction endpoints take POST, the others GET",
    )
}
