//! Checks of the page URL.

use url::{ParseError, Url};

use crate::error::InputError;
use crate::text::shorten;

/// The URL parsed, or why it is not a usable http(s) URL.
///
/// Order: the length as given (O(1), and it bounds the parse), the parse, the scheme, the
/// host, the length once percent-encoded.
pub(crate) fn check(url: &str, max_url_len: usize) -> Result<Url, InputError> {
    if url.len() > max_url_len {
        return Err(InputError::UrlTooLong {
            len: url.len(),
            limit: max_url_len,
            encoded: false,
        });
    }
    let parsed = Url::parse(url).map_err(|reason| parse_error(url, reason))?;
    let scheme = parsed.scheme();
    if !is_web_scheme(scheme) {
        return Err(InputError::UrlScheme {
            scheme: shorten(scheme),
            url: shorten(url),
        });
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(InputError::UrlNoHost { url: shorten(url) });
    }
    let encoded_len = parsed.as_str().len();
    if encoded_len > max_url_len {
        return Err(InputError::UrlTooLong {
            len: encoded_len,
            limit: max_url_len,
            encoded: true,
        });
    }
    Ok(parsed)
}

fn is_web_scheme(scheme: &str) -> bool {
    scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
}

/// The most useful error for a URL that does not parse: a named scheme that is not
/// http(s) comes first (`ftp://` fails on its empty host, but the scheme is the problem).
fn parse_error(url: &str, reason: ParseError) -> InputError {
    if let Some(scheme) = scheme_of(url).filter(|s| !is_web_scheme(s)) {
        return InputError::UrlScheme {
            scheme: shorten(&scheme.to_ascii_lowercase()),
            url: shorten(url),
        };
    }
    match reason {
        ParseError::EmptyHost => InputError::UrlNoHost { url: shorten(url) },
        ParseError::RelativeUrlWithoutBase => InputError::UrlInvalid {
            url: shorten(url),
            reason,
            suggestion: with_https(url),
        },
        _ => InputError::UrlInvalid {
            url: shorten(url),
            reason,
            suggestion: None,
        },
    }
}

/// The scheme a URL names, as the URL standard reads it: a letter, then letters, digits,
/// `+`, `-` or `.`, then `:` (after leading spaces and control characters).
fn scheme_of(url: &str) -> Option<&str> {
    let url = url.trim_start_matches(|c: char| c <= ' ');
    let end = url.find(':')?;
    let scheme = &url[..end];
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// `https://` + a host-looking relative URL (`example.com/page`), when that parses into a
/// URL whose host has a dot.
fn with_https(url: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty() || url.starts_with(['/', '.', '?', '#']) {
        return None;
    }
    let candidate = Url::parse(&format!("https://{url}")).ok()?;
    let host = candidate.host_str()?;
    host.contains('.').then(|| shorten(candidate.as_str()))
}
