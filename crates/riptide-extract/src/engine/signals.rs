//! Boilerplate and content signals read from `class`/`id` values and from short block texts.
//!
//! The word lists follow the public heuristics of Readability, boilerpipe and trafilatura;
//! they are matched on the lower-cased `class id` string of one element at a time, without
//! regular expressions or selectors.

/// Substrings of a class or id naming a part of the page that is never main content.
const BOILER_PARTS: &[&str] = &[
    "comment",
    "sidebar",
    "message-user",
    "userextras",
    "postprofile",
    "signature",
    "avatar",
    "popup",
    "modal",
    "newsletter",
    "paywall",
    "signup",
    "sign-up",
    "subscribe",
    "related",
    "sharing",
    "share-",
    "-share",
    "sharebar",
    "social",
    "breadcrumb",
    "advert",
    "sponsor",
    "promo",
    "outbrain",
    "taboola",
    "disqus",
    "recommend",
    "trending",
    "popular",
    "more-stories",
    "morestories",
    "read-more",
    "readmore",
    "footer-",
    "-footer",
    "masthead",
    "navbar",
    "navigation",
    "skip-link",
    "skiplink",
    "toolbar",
    "pagination",
    "author-bio",
    "authorbio",
    "byline",
    "visually-hidden",
    "screen-reader",
    "sr-only",
    "print-only",
    "dropdown",
    "offcanvas",
    "off-canvas",
    "login",
    "jump-link",
    "tag-list",
    "taglist",
    "post-tags",
    "entry-tags",
    "article-tags",
    "post-meta",
    "entry-meta",
    "article-meta",
    "disclaimer",
    "copyright",
];

/// Substrings of a class or id naming a consent overlay over the page: never content,
/// whatever else the element is called.
const OVERLAY_PARTS: &[&str] = &["cookie", "consent", "gdpr", "onetrust", "didomi"];

/// Substrings of a class or id that mark boilerplate even when the name also has a content
/// word (`skip-to-text-link`, `story-ad ad-placeholder`).
const HARD_PARTS: &[&str] = &[
    "skip-link",
    "skip-to",
    "ad-placeholder",
    "ad-slot",
    "ad-container",
    "ad-wrapper",
    "advert",
];

/// Whole words (between `-`, `_` and spaces) of a class or id naming boilerplate.
const BOILER_WORDS: &[&str] = &[
    "ad", "ads", "nav", "menu", "share", "tags", "banner", "header", "pager", "rss", "byline",
    "footer",
];

/// Words of a class or id that lower a container's score without dropping it.
const NEGATIVE_WORDS: &[&str] = &[
    "widget", "meta", "caption", "credit", "credits", "aside", "toc", "print", "contact", "media",
    "tag", "promo", "shopping", "scroll",
];

/// Substrings of a class or id naming the main content.
const CONTENT_PARTS: &[&str] = &[
    "article",
    "content",
    "entry",
    "hentry",
    "main",
    "post",
    "text",
    "story",
    "blog",
    "prose",
    "body",
    "markdown",
    "richtext",
    "rich-text",
];

/// Short texts that are furniture of the page wherever they appear (compared lower-cased,
/// without trailing punctuation).
const BOILER_TEXTS: &[&str] = &[
    "advertisement",
    "advertisements",
    "ad",
    "ads",
    "sponsored",
    "sponsored content",
    "continue reading the main story",
    "continue reading",
    "supported by",
    "share",
    "share this",
    "share this article",
    "share this story",
    "share on facebook",
    "share on twitter",
    "tweet",
    "email",
    "print",
    "copy link",
    "related",
    "related articles",
    "related stories",
    "related posts",
    "read more",
    "read next",
    "skip to content",
    "skip to main content",
    "back to top",
    "follow us",
    "you may also like",
    "recommended for you",
    "recommended",
    "most popular",
    "most read",
    "leave a comment",
    "leave a reply",
    "comments",
    "loading",
    "sign up",
    "subscribe",
    "log in",
    "image",
    "photo",
    "video",
    "close",
    "menu",
    "toggle navigation",
];

/// What an element's class and id say, decided once per element when the arena is built.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Names {
    /// Names boilerplate ([`is_boilerplate`]).
    pub(crate) boilerplate: bool,
    /// Names content ([`is_content`]).
    pub(crate) content: bool,
    /// Names a consent overlay ([`is_overlay`]).
    pub(crate) overlay: bool,
    /// Names boilerplate that no content word redeems ([`is_hard_boilerplate`]).
    pub(crate) hard: bool,
    /// The Readability-style class weight ([`class_weight`]).
    pub(crate) weight: f32,
}

impl Names {
    /// Classify a lower-cased `class id` string.
    pub(crate) fn of(signal: &str) -> Names {
        if signal.is_empty() {
            return Names::default();
        }
        Names {
            boilerplate: is_boilerplate(signal),
            content: is_content(signal),
            overlay: is_overlay(signal),
            hard: is_hard_boilerplate(signal),
            weight: class_weight(signal),
        }
    }
}

/// A matcher for one list of name parts, built once (in the shipped guest, at
/// pre-initialization): one pass over a name finds whether any part occurs in it, instead of
/// one substring search per part (that was a third of the guest's time).
type Parts = std::sync::LazyLock<aho_corasick::AhoCorasick>;

fn matcher(parts: &[&str]) -> aho_corasick::AhoCorasick {
    aho_corasick::AhoCorasick::new(parts).unwrap_or_else(|e| {
        // The lists are constants of this file: a failure is a build defect.
        panic!("the name parts must build a matcher: {e}")
    })
}

static BOILER: Parts = Parts::new(|| matcher(BOILER_PARTS));
static OVERLAY: Parts = Parts::new(|| matcher(OVERLAY_PARTS));
static HARD: Parts = Parts::new(|| matcher(HARD_PARTS));
static CONTENT: Parts = Parts::new(|| matcher(CONTENT_PARTS));

/// Whether a lower-cased `class id` string marks the element as boilerplate.
pub(crate) fn is_boilerplate(signal: &str) -> bool {
    if signal.is_empty() {
        return false;
    }
    is_overlay(signal) || BOILER.is_match(signal) || has_word(signal, BOILER_WORDS)
}

/// Whether a word of the list is a whole word of a class or id name. Names with digits are
/// generated (`kadence-column356_b8ce28-ad`) and their short words mean nothing.
fn has_word(signal: &str, words: &[&str]) -> bool {
    signal
        .split_ascii_whitespace()
        .filter(|name| !name.bytes().any(|b| b.is_ascii_digit()))
        .flat_map(|name| name.split(|c: char| !c.is_ascii_alphanumeric()))
        .any(|w| words.contains(&w))
}

/// Whether a lower-cased `class id` string marks the element as an overlay (see
/// [`OVERLAY_PARTS`]).
pub(crate) fn is_overlay(signal: &str) -> bool {
    !signal.is_empty() && OVERLAY.is_match(signal)
}

/// Whether a lower-cased `class id` string marks boilerplate that no content word redeems.
pub(crate) fn is_hard_boilerplate(signal: &str) -> bool {
    !signal.is_empty()
        && (HARD.is_match(signal)
            || signal
                .split_ascii_whitespace()
                .any(|name| matches!(name, "ad" | "ads" | "advertisement")))
}

/// Whether a lower-cased `class id` string names main content.
pub(crate) fn is_content(signal: &str) -> bool {
    // The matcher finds the rare names that hold a content part; only those are checked
    // part by part (a part preceded by "no" anywhere does not count).
    !signal.is_empty()
        && CONTENT.is_match(signal)
        && CONTENT_PARTS
            .iter()
            .any(|p| signal.contains(p) && !signal.contains(&format!("no{p}")))
}

/// The class weight of the Readability family: +25 for content names, −25 for boilerplate.
pub(crate) fn class_weight(signal: &str) -> f32 {
    let mut weight = 0.0;
    if is_content(signal) {
        weight += 25.0;
    }
    if is_boilerplate(signal) || has_word(signal, NEGATIVE_WORDS) {
        weight -= 25.0;
    }
    weight
}

/// Whether a short block text is page furniture ("Advertisement", "Share this article"…).
pub(crate) fn is_boilerplate_text(text: &str) -> bool {
    if text.len() > 40 {
        return false;
    }
    let trimmed = text
        .trim()
        .trim_end_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace() || c == '…')
        .to_lowercase();
    BOILER_TEXTS.contains(&trimmed.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_names_are_classified() {
        assert!(is_boilerplate("site-nav main-menu"));
        assert!(is_boilerplate("related-articles"));
        assert!(is_boilerplate("ad slot"));
        assert!(!is_boilerplate("kadence-column356_b8ce28-ad"));
        assert!(!is_boilerplate("headline"));
        assert!(!is_boilerplate("loading-spinner-wrapper article-body"));
        assert!(is_content("article-body"));
        assert!(!is_content("robots-nocontent"));
        assert!(is_hard_boilerplate("visually-hidden skip-to-text-link"));
        assert!(!is_hard_boilerplate("screen-reader-text"));
        assert!(is_hard_boilerplate("story-ad ad hidden"));
        assert!(!is_content("sidenote"));
        assert!(class_weight("entry-content") > 0.0);
        assert!(class_weight("comments") < 0.0);
    }

    #[test]
    fn furniture_texts_are_recognised() {
        assert!(is_boilerplate_text("Advertisement"));
        assert!(is_boilerplate_text(" Continue reading the main story "));
        assert!(is_boilerplate_text("Read more…"));
        assert!(!is_boilerplate_text(
            "Read more about the tides in our guide."
        ));
    }
}
