//! Page metadata: title, byline, date, site name, description, categories and language, from
//! JSON-LD, Open Graph / Twitter cards, `<meta>` tags and markup, decided by agreement.
//!
//! Everything is read from the engine's arena ([`Tree`]): the `<meta>`, `<title>`, `<h1>`,
//! `<time>`, `<html lang>`, `<base>` and JSON-LD elements and the byline candidates are
//! gathered while the arena is built ([`Tree::facts`]), so no selector is compiled and no
//! whole-tree query runs.

use serde_json::Value;
use url::Url;

use crate::engine::tree::{Tree, byline as marker};
use crate::{Extracted, lang};

/// JSON-LD `@type`s that describe the page's main creative work.
const ARTICLE_TYPES: &[&str] = &[
    "article",
    "newsarticle",
    "blogposting",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "techarticle",
    "scholarlyarticle",
    "report",
    "liveblogposting",
    "socialmediaposting",
    "discussionforumposting",
    "qapage",
    "howto",
    "recipe",
    "review",
    "product",
    "webpage",
    "creativework",
];

/// Separators between a page title and the site name in `<title>`.
const TITLE_SEPARATORS: &[&str] = &[
    " | ", " - ", " – ", " — ", " :: ", " · ", " • ", " » ", " / ", " : ",
];

/// Metadata read from the page's arena, before any content extraction.
#[derive(Debug, Default)]
pub(crate) struct Metadata {
    title: Option<String>,
    byline: Option<String>,
    published: Option<String>,
    site_name: Option<String>,
    description: Option<String>,
    categories: Vec<String>,
    language: Option<String>,
}

/// Metadata a content engine found on its own, used where [`Metadata`] found nothing.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Fallback {
    /// Title.
    pub(crate) title: Option<String>,
    /// Author names.
    pub(crate) author: Option<String>,
    /// Site name.
    pub(crate) site_name: Option<String>,
    /// Description.
    pub(crate) description: Option<String>,
}

/// The `<meta>` tags of a page as (key, content) pairs, keys lower-cased.
struct MetaTags(Vec<(String, String)>);

impl MetaTags {
    fn read(tree: &Tree) -> Self {
        let mut tags = Vec::new();
        for meta in &tree.facts.metas {
            let content = collapse(tree.str(meta.content));
            if content.is_empty() {
                continue;
            }
            for &key in meta.keys.iter().flatten() {
                // `property` may hold several space-separated names.
                for key in tree.str(key).split_whitespace() {
                    tags.push((key.to_ascii_lowercase(), content.clone()));
                }
            }
        }
        MetaTags(tags)
    }

    fn first(&self, keys: &[&str]) -> Option<String> {
        keys.iter().find_map(|k| {
            self.0
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        })
    }

    fn all(&self, key: &str) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// The URL relative references resolve against: the first `<base href>` if valid, else the
/// page.
pub(crate) fn base_url(tree: &Tree, page: &Url) -> Url {
    tree.facts
        .base_href
        .and_then(|href| page.join(tree.str(href).trim()).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .unwrap_or_else(|| page.clone())
}

impl Metadata {
    /// Read the metadata of the page whose arena is `tree`.
    pub(crate) fn from_tree(tree: &Tree, page_url: &Url) -> Self {
        let tags = MetaTags::read(tree);
        let ld = JsonLd::read(tree);
        let site_name = tags
            .first(&[
                "og:site_name",
                "application-name",
                "twitter:app:name:iphone",
            ])
            .or_else(|| ld.publisher_name());

        let h1s: Vec<String> = tree
            .facts
            .h1s
            .iter()
            .map(|&i| text_of(tree, i))
            .filter(|t| !t.is_empty())
            .take(3)
            .collect();
        let raw_title = tree
            .facts
            .title
            .map(|i| text_of(tree, i))
            .filter(|t| !t.is_empty());
        let title = decide_title(
            ld.headline(),
            tags.first(&["og:title", "twitter:title", "dc.title", "parsely-title"]),
            raw_title,
            &h1s,
            site_name.as_deref(),
        );

        let byline = byline(tree, &tags, &ld);
        let published = tags
            .first(&[
                "article:published_time",
                "og:published_time",
                "datepublished",
                "parsely-pub-date",
                "sailthru.date",
                "publish-date",
                "publishdate",
                "pubdate",
                "dc.date.issued",
                "dcterms.date",
                "dc.date",
                "date",
                "article.published",
            ])
            .and_then(|d| normalise_date(&d))
            .or_else(|| ld.date_published())
            .or_else(|| {
                tree.facts
                    .datetimes
                    .iter()
                    .find_map(|&d| normalise_date(tree.str(d)))
            })
            .or_else(|| date_from_url(page_url));

        let description = tags.first(&[
            "description",
            "og:description",
            "twitter:description",
            "dc.description",
        ]);

        let mut categories: Vec<String> = Vec::new();
        categories.extend(tags.all("article:section").map(str::to_string));
        categories.extend(ld.strings("articleSection"));
        categories.extend(tags.all("article:tag").flat_map(split_keywords));
        categories.extend(
            ld.strings("keywords")
                .iter()
                .flat_map(|k| split_keywords(k)),
        );
        dedup_case_insensitive(&mut categories);

        let language = tree
            .facts
            .lang
            .and_then(|l| lang::normalise_tag(tree.str(l)))
            .or_else(|| {
                tags.first(&["content-language", "dc.language", "language"])
                    .and_then(|l| lang::normalise_tag(&l))
            })
            .or_else(|| {
                tags.first(&["og:locale"])
                    .and_then(|l| lang::normalise_tag(&l))
            })
            .or_else(|| {
                ld.string("inLanguage")
                    .and_then(|l| lang::normalise_tag(&l))
            });

        Metadata {
            title,
            byline,
            published,
            site_name,
            description,
            categories,
            language,
        }
    }

    /// The page title, as decided from all sources.
    pub(crate) fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// Copy the metadata into `out`, falling back on what the content extractor found.
    pub(crate) fn fill(&self, out: &mut Extracted, fallback: Option<&Fallback>) {
        out.title = self
            .title
            .clone()
            .or_else(|| fallback.and_then(|f| f.title.clone()).map(|t| collapse(&t)))
            .filter(|t| !t.is_empty());
        out.byline = self.byline.clone().or_else(|| {
            fallback
                .and_then(|f| f.author.as_deref())
                .and_then(clean_byline)
        });
        out.published_iso = self.published.clone();
        out.site_name = self
            .site_name
            .clone()
            .or_else(|| {
                fallback
                    .and_then(|f| f.site_name.clone())
                    .map(|t| collapse(&t))
            })
            .filter(|t| !t.is_empty());
        out.description = self
            .description
            .clone()
            .or_else(|| {
                fallback
                    .and_then(|f| f.description.clone())
                    .map(|t| collapse(&t))
            })
            .filter(|t| !t.is_empty());
        out.categories = self.categories.clone();
        out.language = self.language.clone();
    }
}

/// Decide the title from its sources: the value most sources agree on, else by priority.
fn decide_title(
    headline: Option<String>,
    og_title: Option<String>,
    raw_title: Option<String>,
    h1s: &[String],
    site_name: Option<&str>,
) -> Option<String> {
    let known: Vec<String> = headline
        .iter()
        .chain(og_title.iter())
        .chain(h1s.iter())
        .cloned()
        .collect();
    let cleaned_title = raw_title
        .as_deref()
        .map(|t| clean_title(t, site_name, &known));
    let og_clean = og_title
        .as_deref()
        .map(|t| clean_title(t, site_name, &known));
    let candidates: Vec<String> = [headline, og_clean, cleaned_title, h1s.first().cloned()]
        .into_iter()
        .flatten()
        .filter(|c| !c.is_empty())
        .collect();
    let key = |s: &str| {
        s.to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut best: Option<(usize, &String)> = None;
    for candidate in &candidates {
        let votes = candidates
            .iter()
            .filter(|c| key(c) == key(candidate))
            .count();
        if best.is_none_or(|(v, _)| votes > v) {
            best = Some((votes, candidate));
        }
    }
    best.map(|(_, c)| c.clone())
}

/// Remove a site-name prefix or suffix from a `<title>`.
fn clean_title(title: &str, site_name: Option<&str>, known: &[String]) -> String {
    let title = collapse(title);
    let key = |s: &str| {
        s.to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    for sep in TITLE_SEPARATORS {
        if !title.contains(sep) {
            continue;
        }
        let parts: Vec<&str> = title
            .split(sep)
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        if parts.len() < 2 {
            continue;
        }
        // A part that another source states exactly wins.
        if let Some(part) = parts
            .iter()
            .find(|p| known.iter().any(|k| key(k) == key(p)))
        {
            return (*part).to_string();
        }
        // Drop the site name at either end.
        if let Some(site) = site_name.map(key) {
            if key(parts[parts.len() - 1]) == site || site.contains(&key(parts[parts.len() - 1])) {
                return parts[..parts.len() - 1].join(sep);
            }
            if key(parts[0]) == site || site.contains(&key(parts[0])) {
                return parts[1..].join(sep);
            }
        }
        // Otherwise the suffix after the last separator is taken to be the site, provided
        // what stays is a real title.
        let head = parts[..parts.len() - 1].join(sep);
        if crate::word_count(&head) >= 3 {
            return head;
        }
        let tail = parts[1..].join(sep);
        if crate::word_count(parts[0]) <= 2 && crate::word_count(&tail) >= 3 {
            return tail;
        }
        return title;
    }
    title
}

/// The byline candidates in the order they are tried, as CSS selectors: the [`marker`]s the
/// element must have, and those one of its ancestors must have (0: none).
const BYLINE_CANDIDATES: [(u8, u8); 8] = [
    (marker::REL_AUTHOR, 0),                          // [rel=author]
    (marker::ITEMPROP_NAME, marker::ITEMPROP_AUTHOR), // [itemprop=author] [itemprop=name]
    (marker::ITEMPROP_AUTHOR, 0),                     // [itemprop=author]
    (marker::CLASS_AUTHOR, marker::CLASS_BYLINE),     // .byline .author
    (marker::CLASS_BYLINE, 0),                        // .byline
    (marker::CLASS_AUTHOR_NAME, 0),                   // .author-name
    (marker::CLASS_AUTHOR, 0),                        // .author
    (marker::CLASS_HAS_BYLINE, 0),                    // [class*=byline]
];

/// How many elements of each byline candidate are tried.
const BYLINE_TRIES: usize = 3;

/// The first [`BYLINE_TRIES`] elements of each of [`BYLINE_CANDIDATES`], in document order,
/// from one pass over the marked elements.
fn byline_candidates(tree: &Tree) -> [Vec<u32>; BYLINE_CANDIDATES.len()] {
    let mut found: [Vec<u32>; BYLINE_CANDIDATES.len()] = Default::default();
    // The marked ancestors of the current element: (end of subtree, markers of it and of its
    // own marked ancestors). Pre-order makes this a stack.
    let mut open: Vec<(u32, u8)> = Vec::new();
    for &i in &tree.facts.bylines {
        while open.last().is_some_and(|&(end, _)| end <= i) {
            open.pop();
        }
        let inherited = open.last().map_or(0, |&(_, m)| m);
        let own = tree.attrs(i as usize).byline;
        for (list, &(needs, ancestor)) in found.iter_mut().zip(&BYLINE_CANDIDATES) {
            if own & needs != 0
                && (ancestor == 0 || inherited & ancestor != 0)
                && list.len() < BYLINE_TRIES
            {
                list.push(i);
            }
        }
        open.push((tree.nodes[i as usize].end, own | inherited));
    }
    found
}

/// Author names from meta tags, JSON-LD and byline markup.
fn byline(tree: &Tree, tags: &MetaTags, ld: &JsonLd) -> Option<String> {
    let from_meta = tags
        .first(&[
            "author",
            "article:author",
            "parsely-author",
            "sailthru.author",
            "byl",
            "dc.creator",
            "dcterms.creator",
            "twitter:creator:name",
        ])
        .and_then(|a| clean_byline(&a));
    if from_meta.is_some() {
        return from_meta;
    }
    if let Some(names) = ld.author_names() {
        return Some(names);
    }
    byline_candidates(tree)
        .iter()
        .flatten()
        .find_map(|&i| clean_byline(&text_of(tree, i)))
}

/// The text of element `i`, white space collapsed.
fn text_of(tree: &Tree, i: u32) -> String {
    collapse(&tree.text_of(i as usize))
}

/// Clean an author string: no "By " prefix, no URL, no date, not too long.
pub(crate) fn clean_byline(raw: &str) -> Option<String> {
    let mut s = collapse(raw);
    for prefix in [
        "by:",
        "by ",
        "von ",
        "par ",
        "por ",
        "door ",
        "author:",
        "written by ",
    ] {
        if s.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        {
            s = s[prefix.len()..].trim().to_string();
        }
    }
    // Cut trailing dates or separators: "Jane Doe | May 3, 2024", "Jane Doe, Updated ...".
    for sep in [" | ", " • ", " · ", " on ", " - ", " — ", "\n"] {
        if let Some(i) = s.find(sep) {
            s.truncate(i);
        }
    }
    let s = s
        .trim()
        .trim_end_matches([',', ';', ':'])
        .trim()
        .to_string();
    let lower = s.to_ascii_lowercase();
    if s.is_empty()
        || s.chars().count() > 100
        || lower.starts_with("http")
        || lower.contains("www.")
        || !s.chars().any(char::is_alphabetic)
        || crate::word_count(&s) > 12
    {
        return None;
    }
    Some(s)
}

/// Normalise a date string to ISO 8601 (`YYYY-MM-DD`, or a full date-time when the input
/// has a time); `None` for anything that is not a plausible date.
pub(crate) fn normalise_date(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let bytes = raw.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = raw.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let separated = |sep: u8| bytes.len() >= 10 && bytes[4] == sep && bytes[7] == sep;
    let (year, month, day, rest) = if separated(b'-') || separated(b'/') {
        (digits(0..4)?, digits(5..7)?, digits(8..10)?, &raw[10..])
    } else if bytes.len() >= 8
        && bytes[..8].iter().all(u8::is_ascii_digit)
        && (bytes.len() == 8 || !bytes[8].is_ascii_digit())
    {
        (digits(0..4)?, digits(4..6)?, digits(6..8)?, "")
    } else {
        return None;
    };
    if !(1990..=2100).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let date = format!("{year:04}-{month:02}-{day:02}");
    // Keep a well-formed time part: THH:MM[:SS[.fff]][Z|±HH:MM].
    let time = rest.strip_prefix(['T', ' ']).unwrap_or("");
    let tb = time.as_bytes();
    if tb.len() >= 5
        && tb[2] == b':'
        && tb[..2].iter().all(u8::is_ascii_digit)
        && tb[3..5].iter().all(u8::is_ascii_digit)
    {
        let mut end = 5;
        if tb.len() >= 8 && tb[5] == b':' && tb[6..8].iter().all(u8::is_ascii_digit) {
            end = 8;
            if tb.len() > 9 && tb[8] == b'.' {
                end = 9 + tb[9..].iter().take_while(|b| b.is_ascii_digit()).count();
            }
        }
        let hhmmss = &time[..end];
        let zone = &time[end..];
        // Byte checks only: every byte tested is ASCII, so the slices below fall on
        // character boundaries whatever follows.
        let zb = zone.as_bytes();
        let signed = zone.starts_with('+') || zone.starts_with('-');
        let digit_at = |i: usize| zb.get(i).is_some_and(u8::is_ascii_digit);
        let zone = if zone.starts_with('Z') {
            "Z".to_string()
        } else if signed
            && digit_at(1)
            && digit_at(2)
            && zb.get(3) == Some(&b':')
            && digit_at(4)
            && digit_at(5)
        {
            zone[..6].to_string()
        } else if signed && (1..5).all(digit_at) {
            format!("{}:{}", &zone[..3], &zone[3..5])
        } else {
            String::new()
        };
        return Some(format!("{date}T{hhmmss}{zone}"));
    }
    Some(date)
}

/// A `/YYYY/MM/DD/` date in the URL path.
fn date_from_url(url: &Url) -> Option<String> {
    let segments: Vec<&str> = url.path_segments()?.collect();
    segments.windows(3).find_map(|w| {
        let ok = w[0].len() == 4 && w[1].len() == 2 && w[2].len() == 2;
        ok.then(|| normalise_date(&format!("{}-{}-{}", w[0], w[1], w[2])))?
    })
}

fn split_keywords(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(collapse)
        .filter(|k| !k.is_empty() && k.chars().count() <= 80)
        .collect()
}

fn dedup_case_insensitive(values: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    values.retain(|v| seen.insert(v.to_lowercase()));
}

/// Collapse runs of white space to one space and trim.
pub(crate) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The JSON-LD objects of a page, flattened (`@graph`, arrays).
struct JsonLd {
    objects: Vec<Value>,
}

impl JsonLd {
    fn read(tree: &Tree) -> Self {
        let mut objects = Vec::new();
        for &script in &tree.facts.json_ld {
            let text = tree.text_of(script as usize);
            let Ok(value) = serde_json::from_str::<Value>(text.trim()) else {
                continue;
            };
            let mut stack = vec![value];
            while let Some(value) = stack.pop() {
                match value {
                    Value::Array(items) => stack.extend(items.into_iter().rev()),
                    Value::Object(mut map) => {
                        if let Some(graph) = map.remove("@graph") {
                            stack.push(graph);
                        }
                        objects.push(Value::Object(map));
                    }
                    _ => {}
                }
            }
        }
        // Put the main creative work first.
        objects.sort_by_key(|o| {
            let types = type_names(o);
            ARTICLE_TYPES
                .iter()
                .position(|t| types.iter().any(|ty| ty == t))
                .unwrap_or(usize::MAX)
        });
        JsonLd { objects }
    }

    fn main(&self) -> impl Iterator<Item = &Value> {
        self.objects.iter().filter(|o| !type_names(o).is_empty())
    }

    fn string(&self, key: &str) -> Option<String> {
        self.main().find_map(|o| as_text(o.get(key)?))
    }

    fn strings(&self, key: &str) -> Vec<String> {
        self.main()
            .find_map(|o| {
                let v = o.get(key)?;
                let list: Vec<String> = match v {
                    Value::Array(items) => items.iter().filter_map(as_text).collect(),
                    other => as_text(other).into_iter().collect(),
                };
                (!list.is_empty()).then_some(list)
            })
            .unwrap_or_default()
    }

    fn headline(&self) -> Option<String> {
        self.main()
            .filter(|o| {
                let types = type_names(o);
                types
                    .iter()
                    .any(|t| ARTICLE_TYPES[..ARTICLE_TYPES.len() - 2].contains(&t.as_str()))
            })
            .find_map(|o| as_text(o.get("headline")?).or_else(|| as_text(o.get("name")?)))
    }

    fn date_published(&self) -> Option<String> {
        self.main()
            .find_map(|o| as_text(o.get("datePublished")?).and_then(|d| normalise_date(&d)))
    }

    fn publisher_name(&self) -> Option<String> {
        self.main().find_map(|o| {
            let publisher = o.get("publisher")?;
            let publisher = match publisher {
                Value::Array(items) => items.first()?,
                other => other,
            };
            as_text(publisher.get("name")?).or_else(|| as_text(publisher))
        })
    }

    fn author_names(&self) -> Option<String> {
        self.main().find_map(|o| {
            let author = o.get("author").or_else(|| o.get("creator"))?;
            let items: Vec<&Value> = match author {
                Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            let mut names: Vec<String> = items
                .into_iter()
                .filter_map(|a| match a {
                    Value::Object(_) => as_text(a.get("name")?),
                    other => as_text(other),
                })
                .filter_map(|n| clean_byline(&n))
                .collect();
            dedup_case_insensitive(&mut names);
            (!names.is_empty()).then(|| names.join(", "))
        })
    }
}

fn type_names(o: &Value) -> Vec<String> {
    match o.get("@type") {
        Some(Value::String(s)) => vec![s.to_ascii_lowercase()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_ascii_lowercase)
            .collect(),
        _ => Vec::new(),
    }
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => {
            let s = collapse(&decode_entities(s));
            (!s.is_empty()).then_some(s)
        }
        Value::Array(items) => items.first().and_then(as_text),
        _ => None,
    }
}

/// JSON-LD strings sometimes carry HTML entities; decode the common ones.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#039;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_normalised_or_refused() {
        assert_eq!(normalise_date("2024-05-01").as_deref(), Some("2024-05-01"));
        assert_eq!(
            normalise_date("2024-05-01T09:30:00+0200").as_deref(),
            Some("2024-05-01T09:30:00+02:00")
        );
        assert_eq!(
            normalise_date("2024-05-01T09:30:00.123Z").as_deref(),
            Some("2024-05-01T09:30:00.123Z")
        );
        assert_eq!(
            normalise_date("2024-05-01 09:30").as_deref(),
            Some("2024-05-01T09:30")
        );
        assert_eq!(normalise_date("20240501").as_deref(), Some("2024-05-01"));
        assert_eq!(normalise_date("May 1, 2024"), None);
        assert_eq!(normalise_date("2024-13-01"), None);
        assert_eq!(normalise_date("1850-01-01"), None);
    }

    #[test]
    fn dates_are_found_in_urls() {
        let url = Url::parse("https://news.example/2023/11/05/story.html").unwrap();
        assert_eq!(date_from_url(&url).as_deref(), Some("2023-11-05"));
        assert_eq!(
            date_from_url(&Url::parse("https://x.example/a/b").unwrap()),
            None
        );
    }

    #[test]
    fn bylines_are_cleaned() {
        assert_eq!(clean_byline("  By Jane Doe ").as_deref(), Some("Jane Doe"));
        assert_eq!(
            clean_byline("by: Jane Doe | May 3, 2024").as_deref(),
            Some("Jane Doe")
        );
        assert_eq!(clean_byline("https://facebook.com/jane"), None);
        assert_eq!(clean_byline("2024"), None);
    }

    /// Regression: prefixes were compared by byte slicing, which panicked when a prefix's
    /// length fell inside a multi-byte character (found by `cargo xtask eval`).
    #[test]
    fn bylines_with_multibyte_characters_do_not_panic() {
        assert_eq!(clean_byline("肖春芳").as_deref(), Some("肖春芳"));
        assert_eq!(
            clean_byline("Aleš Vávra před 2 hodinami").as_deref(),
            Some("Aleš Vávra před 2 hodinami")
        );
        assert_eq!(clean_byline("Bé").as_deref(), Some("Bé"));
    }

    #[test]
    fn date_zones_with_multibyte_characters_do_not_panic() {
        assert_eq!(
            normalise_date("2024-05-01T09:30+é:00").as_deref(),
            Some("2024-05-01T09:30")
        );
        assert_eq!(
            normalise_date("2024-05-01T09:30+12é").as_deref(),
            Some("2024-05-01T09:30")
        );
        assert_eq!(
            normalise_date("2024-05-01T09:30+02:00").as_deref(),
            Some("2024-05-01T09:30+02:00")
        );
    }

    proptest::proptest! {
        #[test]
        fn metadata_cleaners_never_panic(s in "\\PC{0,40}") {
            let _ = clean_byline(&s);
            let _ = normalise_date(&s);
            let _ = normalise_date(&format!("2024-05-01T09:30{s}"));
        }
    }

    #[test]
    fn titles_lose_their_site_name() {
        assert_eq!(
            clean_title("Big news today | The Daily", Some("The Daily"), &[]),
            "Big news today"
        );
        assert_eq!(
            clean_title("The Daily - Big news today", Some("The Daily"), &[]),
            "Big news today"
        );
        assert_eq!(
            clean_title("A long title of an article - Site", None, &[]),
            "A long title of an article"
        );
        assert_eq!(clean_title("Q - A", None, &[]), "Q - A");
        assert_eq!(
            clean_title(
                "Part one: the beginning | Site",
                None,
                &["Part one: the beginning".into()]
            ),
            "Part one: the beginning"
        );
    }

    /// The metadata of `html` read from its arena.
    fn read(html: &str, url: &str) -> Metadata {
        let url = Url::parse(url).expect("a valid URL");
        Metadata::from_tree(&Tree::build(&dom_query::Document::from(html)), &url)
    }

    #[test]
    fn head_facts_are_read_from_the_arena() {
        let meta = read(
            "<html xml:lang=fr-fr><head><title>Tides explained | Ocean Notes</title>\
             <title>Second title</title>\
             <meta property='og:site_name article:publisher' content=' Ocean  Notes '>\
             <meta name=description content='All about tides'>\
             <meta name=keywords content=''>\
             <meta property=article:tag content='moon, sun'>\
             <script type='application/LD+JSON'>{\"@type\":\"NewsArticle\",\
               \"headline\":\"Tides explained\",\"datePublished\":\"2024-05-01\",\
               \"articleSection\":\"Science\"}</script></head>\
             <body><h1>Tides <em>explained</em></h1><time datetime=2023-01-02>x</time></body></html>",
            "https://ocean.example/a",
        );
        assert_eq!(meta.title.as_deref(), Some("Tides explained"));
        assert_eq!(meta.site_name.as_deref(), Some("Ocean Notes"));
        assert_eq!(meta.description.as_deref(), Some("All about tides"));
        assert_eq!(meta.published.as_deref(), Some("2024-05-01"));
        assert_eq!(meta.categories, ["Science", "moon", "sun"]);
        assert_eq!(meta.language.as_deref(), Some("fr-FR"));
    }

    #[test]
    fn time_elements_and_url_dates_are_fallbacks() {
        let meta = read(
            "<p><time datetime=soon>a</time><time datetime='2023-01-02T10:00Z'>b</time></p>",
            "https://news.example/2020/05/06/a",
        );
        assert_eq!(meta.published.as_deref(), Some("2023-01-02T10:00Z"));
        let meta = read("<p>no date</p>", "https://news.example/2020/05/06/a");
        assert_eq!(meta.published.as_deref(), Some("2020-05-06"));
    }

    #[test]
    fn empty_lang_attribute_hides_xml_lang() {
        assert_eq!(
            read("<html lang='' xml:lang=de><p>x", "https://a.example/").language,
            None
        );
        assert_eq!(
            read("<html xml:lang=de><p>x", "https://a.example/")
                .language
                .as_deref(),
            Some("de")
        );
    }

    #[test]
    fn first_base_href_resolves_references() {
        let tree = Tree::build(&dom_query::Document::from(
            "<head><base target=_top><base href='/docs/'><base href='/other/'></head>",
        ));
        let page = Url::parse("https://a.example/x/y").expect("a valid URL");
        assert_eq!(base_url(&tree, &page).as_str(), "https://a.example/docs/");
        let tree = Tree::build(&dom_query::Document::from("<base href='javascript:x'>"));
        assert_eq!(base_url(&tree, &page), page);
    }

    #[test]
    fn bylines_follow_the_candidate_order() {
        let byline = |body: &str| read(body, "https://a.example/").byline;
        assert_eq!(
            byline("<div class=byline>By Ann Lee</div><a rel=AUTHOR>Bo Chan</a>").as_deref(),
            Some("Bo Chan")
        );
        assert_eq!(
            byline(
                "<div itemprop=author>Staff <span itemprop=name>Cy Dunn</span></div>\
                 <span itemprop=name>Not Me</span>"
            )
            .as_deref(),
            Some("Cy Dunn")
        );
        assert_eq!(
            byline(
                "<p class=author>Wrong</p><div class='x byline'><b class=author>Di Eve</b></div>"
            )
            .as_deref(),
            Some("Di Eve")
        );
        assert_eq!(
            byline("<p class=Author>Case</p><p class=post-byline-x>Ed Fox</p>").as_deref(),
            Some("Ed Fox")
        );
        // A fourth candidate of one kind is not tried.
        assert_eq!(
            byline(
                "<p class=byline>1</p><p class=byline>2</p><p class=byline>3</p>\
                 <p class=byline>Fay Gu</p>"
            ),
            None
        );
        // Meta tags come first.
        assert_eq!(
            byline("<meta name=author content='By Hal Ives'><p class=byline>Ann</p>").as_deref(),
            Some("Hal Ives")
        );
    }

    /// One piece of generated markup: an opening tag with a byline-ish attribute, a closing
    /// tag, or a text.
    fn markup() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        const OPEN: &[&str] = &[
            "<div class=byline>",
            "<span class=author>",
            "<p class='x-byline-y'>",
            "<div class=Author>",
            "<span class='author-name byline'>",
            "<div itemprop=author>",
            "<span itemprop=name>",
            "<span itemprop='name x'>",
            "<a rel=author>",
            "<a rel=AUTHOR>",
            "<link rel=author>",
            "<svg><a rel=AUTHOR>",
            "<section>",
            "<li class=author>",
            "<table><tr><td class=byline>",
        ];
        const CLOSE: &[&str] = &[
            "</div>", "</span>", "</p>", "</a>", "</svg>", "</li>", "</table>",
        ];
        prop_oneof![
            proptest::sample::select(OPEN).prop_map(str::to_string),
            proptest::sample::select(CLOSE).prop_map(str::to_string),
            Just("T".to_string()),
        ]
    }

    proptest::proptest! {
        /// The byline candidates are what the CSS selectors they stand for select (texts
        /// are numbered so that each identifies its element).
        #[test]
        fn byline_candidates_match_the_selectors(parts in proptest::collection::vec(markup(), 0..40)) {
            let html: String = parts
                .iter()
                .enumerate()
                .map(|(k, p)| if p == "T" { format!(" t{k} ") } else { p.clone() })
                .collect();
            let document = dom_query::Document::from(html.as_str());
            let tree = Tree::build(&document);
            let ours = byline_candidates(&tree);
            let selectors = [
                "[rel=author]",
                "[itemprop=author] [itemprop=name]",
                "[itemprop=author]",
                ".byline .author",
                ".byline",
                ".author-name",
                ".author",
                "[class*=byline]",
            ];
            for (selector, found) in selectors.iter().zip(&ours) {
                let expected: Vec<String> = document
                    .select(selector)
                    .nodes()
                    .iter()
                    .take(BYLINE_TRIES)
                    .map(|n| n.text().to_string())
                    .collect();
                let got: Vec<String> = found.iter().map(|&i| tree.text_of(i as usize)).collect();
                proptest::prop_assert_eq!(&got, &expected, "{} in {}", selector, html);
            }
        }
    }
}
