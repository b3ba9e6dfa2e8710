//! Stand-in for the rs-trafilatura engine when the `trafilatura` feature is off: callers check
//! [`crate::Engine::is_available`] first, so this is only reached by mistake.

use url::Url;

use crate::ExtractError;
use crate::content::Content;

/// Always an error: this build has no rs-trafilatura.
pub(crate) fn article(_html: &str, _page_url: &Url, _base: &Url) -> Result<Content, ExtractError> {
    Err(ExtractError::UnsupportedMode(
        "the trafilatura engine is not part of this build (cargo feature `trafilatura`)".into(),
    ))
}
