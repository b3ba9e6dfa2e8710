//! Errors as HTTP answers: one JSON object `{"error": {"kind", "message"}}`, the status chosen
//! by the stable `kind` (docs/serving.md lists them).

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::input::ItemError;

/// What `Retry-After` says when nothing tells better: one second.
const RETRY_AFTER_DEFAULT: u64 = 1;

/// A request that is answered with an error.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) kind: &'static str,
    pub(crate) message: String,
    /// Seconds for `Retry-After` (503 only).
    pub(crate) retry_after: Option<u64>,
}

/// The kind of the error a response carries, for the request's log line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ErrorKind(pub(crate) &'static str);

impl ApiError {
    /// An error whose status follows from its kind.
    pub(crate) fn new(kind: &'static str, message: impl Into<String>) -> Self {
        let status = status_of(kind);
        ApiError {
            status,
            kind,
            message: message.into(),
            retry_after: (status == StatusCode::SERVICE_UNAVAILABLE).then_some(RETRY_AFTER_DEFAULT),
        }
    }

    /// An error with a status of its own (404, 405).
    pub(crate) fn with_status(
        status: StatusCode,
        kind: &'static str,
        message: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            kind,
            message: message.into(),
            retry_after: None,
        }
    }
}

impl From<riptide::Error> for ApiError {
    fn from(e: riptide::Error) -> Self {
        let mut error = ApiError::new(e.kind(), crate::report(&e));
        if let riptide::Error::Pool(riptide::PoolError::CircuitOpen { retry_after }) = &e {
            error.retry_after = Some(seconds_up(*retry_after));
        }
        error
    }
}

impl From<ItemError> for ApiError {
    fn from(e: ItemError) -> Self {
        ApiError::new(e.kind, e.message)
    }
}

/// Whole seconds, rounded up, at least 1.
fn seconds_up(d: Duration) -> u64 {
    let s = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    s.max(1)
}

/// The status of an error kind:
/// - 400: the request is malformed (`invalid_json`, `invalid_line`, `invalid_query`, `io`);
/// - 413: the page is over the size limit (`html_too_large`);
/// - 415: the body is neither JSON nor HTML (`unsupported_media_type`);
/// - 422: the request is well formed but refused by the input checks (`url_*`, `html_empty`,
///   `html_binary`, `mode_unknown`, `selector*`), or the page itself is beyond what the
///   extractor does or may use (the guest's `invalid_html`, `parse_error`, `unsupported_mode`,
///   `resource_limit`; the sandbox's `memory_limit`, `output_too_large`);
/// - 503 with `Retry-After`: come back later (`pool_exhausted`, `circuit_open`, `overloaded`,
///   `shut_down`);
/// - 504: the extraction or the request ran out of time (`timeout`);
/// - 500: everything else: the extractor failed (`trap`, `internal_error`, `extractor_error`,
///   `network_error`, a component that does not load…).
pub(crate) fn status_of(kind: &str) -> StatusCode {
    match kind {
        "invalid_json" | "invalid_line" | "invalid_query" | "io" => StatusCode::BAD_REQUEST,
        "html_too_large" => StatusCode::PAYLOAD_TOO_LARGE,
        "unsupported_media_type" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "invalid_html" | "parse_error" | "unsupported_mode" | "resource_limit" | "memory_limit"
        | "output_too_large" => StatusCode::UNPROCESSABLE_ENTITY,
        "pool_exhausted" | "circuit_open" | "overloaded" | "shut_down" => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        "timeout" => StatusCode::GATEWAY_TIMEOUT,
        kind if riptide::InputError::KINDS.contains(&kind) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": { "kind": self.kind, "message": self.message } });
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response.extensions_mut().insert(ErrorKind(self.kind));
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_input_check_kind_is_a_client_error() {
        for kind in riptide::InputError::KINDS {
            let status = status_of(kind);
            assert!(
                status == StatusCode::UNPROCESSABLE_ENTITY
                    || status == StatusCode::PAYLOAD_TOO_LARGE,
                "{kind}: {status}"
            );
        }
    }

    #[test]
    fn sandbox_failures_map_to_their_statuses() {
        let exhausted = ApiError::from(riptide::Error::from(riptide::PoolError::PoolExhausted {
            waited: Duration::from_millis(5),
            max_instances: 1,
        }));
        assert_eq!(exhausted.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(exhausted.retry_after, Some(1));
        let open = ApiError::from(riptide::Error::from(riptide::PoolError::CircuitOpen {
            retry_after: Duration::from_millis(2500),
        }));
        assert_eq!(
            (open.status, open.retry_after),
            (StatusCode::SERVICE_UNAVAILABLE, Some(3))
        );
        let timeout = ApiError::from(riptide::Error::from(riptide::PoolError::Timeout {
            deadline: Duration::from_secs(1),
        }));
        assert_eq!(
            (timeout.status, timeout.retry_after),
            (StatusCode::GATEWAY_TIMEOUT, None)
        );
        let trap = ApiError::from(riptide::Error::from(riptide::PoolError::Trap {
            message: "unreachable".into(),
        }));
        assert_eq!(trap.status, StatusCode::INTERNAL_SERVER_ERROR);
        let memory = ApiError::from(riptide::Error::from(riptide::PoolError::MemoryLimit {
            limit: 1 << 20,
        }));
        assert_eq!(memory.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}
