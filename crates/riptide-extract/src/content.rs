//! What a main-content engine returns for a page, whichever engine it is.

use crate::meta::Fallback;

/// The main content of a page.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Content {
    /// Plain text, blocks separated by blank lines.
    pub(crate) text: String,
    /// CommonMark.
    pub(crate) markdown: String,
    /// Absolute link targets of the content, de-duplicated, in order.
    pub(crate) links: Vec<String>,
    /// Absolute media URLs of the content, de-duplicated, in order.
    pub(crate) media: Vec<String>,
    /// 0–100 confidence that this is the main content.
    pub(crate) quality: u8,
    /// Metadata the engine found on its own, used where the metadata reader found nothing.
    pub(crate) metadata: Option<Fallback>,
}
