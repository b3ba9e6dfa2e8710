//! How large a guest result is, checked against `max_output_bytes` after the copy.

use crate::bindings::{
    ComponentInfo, ExtractedContent, ExtractionError, ExtractionStats, HealthStatus,
};

/// The size of a guest result in bytes, checked against `max_output_bytes`.
pub trait OutputSize {
    /// Bytes of text the value carries.
    fn output_size(&self) -> usize;
}

impl OutputSize for () {
    fn output_size(&self) -> usize {
        0
    }
}
impl OutputSize for bool {
    fn output_size(&self) -> usize {
        1
    }
}
impl OutputSize for String {
    fn output_size(&self) -> usize {
        self.len()
    }
}
impl OutputSize for Vec<String> {
    fn output_size(&self) -> usize {
        self.iter().map(String::len).sum()
    }
}
impl<T: OutputSize> OutputSize for Option<T> {
    fn output_size(&self) -> usize {
        self.as_ref().map_or(0, OutputSize::output_size)
    }
}
impl<T: OutputSize, U: OutputSize> OutputSize for (T, U) {
    fn output_size(&self) -> usize {
        self.0.output_size() + self.1.output_size()
    }
}
impl<T: OutputSize> OutputSize for Result<T, ExtractionError> {
    fn output_size(&self) -> usize {
        match self {
            Ok(v) => v.output_size(),
            Err(e) => e.output_size(),
        }
    }
}
impl OutputSize for ExtractionError {
    fn output_size(&self) -> usize {
        self.message().len()
    }
}
impl OutputSize for ExtractedContent {
    fn output_size(&self) -> usize {
        self.url.len()
            + self.title.output_size()
            + self.byline.output_size()
            + self.authors.output_size()
            + self.published_iso.output_size()
            + self.markdown.len()
            + self.text.len()
            + self.links.output_size()
            + self.media.output_size()
            + self.language.output_size()
            + self.categories.output_size()
            + self.site_name.output_size()
            + self.description.output_size()
    }
}
impl OutputSize for ExtractionStats {
    fn output_size(&self) -> usize {
        std::mem::size_of::<Self>()
    }
}
impl OutputSize for HealthStatus {
    fn output_size(&self) -> usize {
        self.status.len()
            + self.version.len()
            + self.extractor_version.len()
            + self.capabilities.output_size()
    }
}
impl OutputSize for ComponentInfo {
    fn output_size(&self) -> usize {
        self.name.len()
            + self.version.len()
            + self.component_model_version.len()
            + self.features.output_size()
            + self.supported_modes.output_size()
            + self.build_timestamp.output_size()
            + self.git_commit.output_size()
    }
}
