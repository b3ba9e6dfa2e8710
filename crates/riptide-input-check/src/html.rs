//! Checks of the HTML document.

use crate::binary;
use crate::error::InputError;

/// O(1): the size against the limit.
pub(crate) fn check_size(html: &str, max_html_bytes: usize) -> Result<(), InputError> {
    if html.len() > max_html_bytes {
        return Err(InputError::HtmlTooLarge {
            len: html.len(),
            limit: max_html_bytes,
        });
    }
    Ok(())
}

/// O(n) at memory speed: empty or whitespace-only documents, then binary data.
pub(crate) fn check_content(html: &str) -> Result<(), InputError> {
    if html.trim_start().is_empty() {
        return Err(InputError::HtmlEmpty { len: html.len() });
    }
    match binary::detect(html.as_bytes()) {
        Some(reason) => Err(InputError::HtmlBinary { reason }),
        None => Ok(()),
    }
}
