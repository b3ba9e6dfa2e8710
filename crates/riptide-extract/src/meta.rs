//! Page metadata: title, byline, date, site name, description, categories and language, from
//! JSON-LD, Open Graph / Twitter cards, `<meta>` tags and markup, decided by agreement.
//!
//! Everything is read from the engine's arena ([`Tree`]): the `<meta>`, `<title>`, `<h1>`,
//! `<time>`, `<html lang>`, `<base>` and JSON-LD elements and the byline candidates are
//! gathered while the arena is built ([`Tree::facts`]), so no selector is compiled and no
//! whole-tree query runs.

use std::ops::Range;

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

/// How many of the last [`ARTICLE_TYPES`] have no publication date of their own (product,
/// web page, creative work).
const DATELESS_TYPES: usize = 3;

/// Separators between a page title and the site name in `<title>`.
const TITLE_SEPARATORS: &[&str] = &[
    " | ", " - ", " – ", " — ", " :: ", " · ", " • ", " » ", " / ", " : ",
];

/// Metadata read from the page's arena, before any content extraction.
#[derive(Debug, Default)]
pub(crate) struct Metadata {
    title: Option<String>,
    byline: Option<String>,
    /// The authors `byline` names, one by one.
    authors: Vec<String>,
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
            // A content escaped twice ("Bear&amp;#39;s") still holds references.
            let content = collapse(&crate::entities::decode(tree.str(meta.content)));
            if content.is_empty() {
                continue;
            }
            for &key in meta.keys.iter().flatten() {
                // `property` may hold several space-separated names.
                for key in tree.str(key).split_whitespace() {
                    let mut key = key.to_ascii_lowercase();
                    // Dublin Core is written "dc:creator" in RDFa and "DC.creator" in HTML.
                    if let Some(rest) = key.strip_prefix("dc:") {
                        key = format!("dc.{rest}");
                    } else if let Some(rest) = key.strip_prefix("dcterms:") {
                        key = format!("dcterms.{rest}");
                    }
                    tags.push((key, content.clone()));
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

    /// The publication date of the first of [`PUBLISHED_KEYS`] that is given, when it is
    /// ISO 8601.
    fn published_iso(&self) -> Option<String> {
        self.first(PUBLISHED_KEYS).and_then(|d| normalise_date(&d))
    }

    /// A publication date written out ("July 17, 2025") in one of [`PUBLISHED_KEYS`], or in
    /// any key that names a publication date or time ("w-published-date"). A key that gives
    /// several different days dates the items of a list (`itemprop="datePublished"` of
    /// each card), not the page.
    fn published_written(&self) -> Option<String> {
        let read = |v: &str| normalise_date(v).or_else(|| crate::dates::first_date(v));
        let named = |key: &str| {
            PUBLISHED_KEYS.contains(&key)
                || (key.contains("publish")
                    && (key.contains("date") || key.contains("time") || key.ends_with("ed"))
                    && !key.contains("modif")
                    && !key.contains("update"))
        };
        self.0.iter().find_map(|(key, v)| {
            if !named(key) {
                return None;
            }
            let date = read(v)?;
            let day = date.get(..10).unwrap_or(&date);
            let one_day = self
                .all(key)
                .filter_map(read)
                .all(|other| other.get(..10).unwrap_or(&other) == day);
            one_day.then_some(date)
        })
    }

    /// The `twitter:dataN` whose `twitter:labelN` says `label` (lower case): "Written by".
    fn labelled_data(&self, label: &str) -> Option<String> {
        self.0.iter().find_map(|(key, value)| {
            let n = key.strip_prefix("twitter:label")?;
            (value.to_lowercase() == label)
                .then(|| self.first(&[format!("twitter:data{n}").as_str()]))
                .flatten()
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

        let site = SiteKeys::new(site_name.as_deref(), page_url);
        let mut h1s: Vec<String> = tree
            .facts
            .h1s
            .iter()
            .filter(|&&i| !is_banner(tree, i as usize, page_url))
            // A heading or a `<title>` escaped twice ("SQL &amp;#x26; AI") still holds
            // references.
            .map(|&i| {
                site.strip(without_leading_separator(&crate::entities::decode(
                    heading_text(&heading_title(tree, i)),
                )))
            })
            .filter(|t| !t.is_empty())
            .take(3)
            .collect();
        let title_text = tree
            .facts
            .title
            .map(|i| crate::entities::decode(&text_of(tree, i)).into_owned());
        if title_text
            .as_deref()
            .is_some_and(|t| names_the_site_first(&h1s, t))
        {
            h1s.remove(0);
        }
        let raw_title = title_text
            .map(|t| site.strip(&t))
            // "| Nuts & Volts Magazine": the template's title was empty, the site's name
            // is all that is left.
            .filter(|t| !t.is_empty() && without_leading_separator(t).len() == t.len());
        let title = decide_title(
            ld.headline().map(|t| site.strip(&t)),
            tags.first(&["og:title", "twitter:title", "dc.title", "parsely-title"])
                .map(|t| site.strip(&t)),
            raw_title,
            &h1s,
            site_name.as_deref(),
            &slug_words(page_url),
        )
        // "Home" once the site's name has left names no page: the site's name does.
        .map(|t| match &site_name {
            Some(site) if HOME_TITLES.contains(&t.to_lowercase().as_str()) => site.clone(),
            _ => t,
        });

        let header = HeaderLines::read(tree, title.as_deref());
        let section = is_section_page(page_url, tree);
        let product = is_product_page(&tags, &ld);
        // A product is sold, not written: the names on its page are its maker's, its
        // brand's or its reviewers'.
        let names = (!product)
            .then(|| {
                byline(
                    tree,
                    &tags,
                    &ld,
                    &header,
                    site_name.as_deref(),
                    is_home_page(page_url) || section,
                )
            })
            .flatten();
        let authors = names
            .as_deref()
            .map(crate::authors::of_names)
            .unwrap_or_default();
        let byline = names.map(|names| join_names(&names));
        // Nor is a product, a documentation or a catalogue page published on a day: the
        // dates they state are when the shop or the site generator last wrote the page.
        let published =
            (!product && !is_documentation_page(page_url) && !is_catalogue_page(&ld, page_url))
                .then(|| published_date(&tags, &ld, &header, tree, page_url, section))
                .flatten();

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
            authors,
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
        if self.byline.is_some() {
            out.byline = self.byline.clone();
            out.authors = self.authors.clone();
        } else {
            out.byline = fallback
                .and_then(|f| f.author.as_deref())
                .and_then(clean_byline);
            out.authors = out
                .byline
                .as_deref()
                .map(crate::authors::split)
                .unwrap_or_default();
        }
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

/// The names of a byline written as one text: separated by commas, or by semicolons when
/// a name holds a comma itself ("Roy, Aniruddha; Patel, Jyoti", as catalogues write
/// surnames first).
fn join_names(names: &[String]) -> String {
    if names.iter().any(|n| n.contains(',')) {
        names.join("; ")
    } else {
        names.join(", ")
    }
}

/// Decide the title from its sources: the value most sources agree on, else by priority.
fn decide_title(
    headline: Option<String>,
    og_title: Option<String>,
    raw_title: Option<String>,
    h1s: &[String],
    site_name: Option<&str>,
    slug: &[String],
) -> Option<String> {
    let known = KnownTitles {
        stated: headline.iter().chain(og_title.iter()).cloned().collect(),
        headings: h1s.to_vec(),
    };
    let cleaned_title = raw_title
        .as_deref()
        .map(|t| clean_title(t, site_name, &known));
    let og_clean = og_title.as_deref().map(|t| {
        // A `<title>` that goes on past the Open Graph title shows where its own words
        // end ("New to Astronomy – Best First Telescope Recommendations? - Site Feedback"):
        // a separator inside it is the title's.
        let extended = raw_title.as_deref().is_some_and(|raw| {
            raw.strip_prefix(t)
                .is_some_and(|rest| TITLE_SEPARATORS.iter().any(|sep| rest.starts_with(sep)))
        });
        if extended {
            collapse(t)
        } else {
            clean_title(t, site_name, &known)
        }
    });
    let candidates: Vec<String> = [
        headline,
        og_clean,
        cleaned_title.clone(),
        h1s.first().cloned(),
    ]
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
    let best = best.map(|(_, c)| c.clone());
    // The heading the page shows is its title as a reader sees it, provided it is about
    // the same thing as the stated title (not a site banner or a section name), or the
    // page's address names it and not the stated title (a site that states one title,
    // "Reddit - The heart of the internet", on all its pages).
    let title = match (h1s.first(), best) {
        (Some(h1), Some(best))
            if h1.len() <= MAX_HEADING_TITLE
                && (word_overlap(h1, &best) >= HEADING_OVERLAP
                    || (names_in_slug(h1, slug) && !names_in_slug(&best, slug))) =>
        {
            Some(without_heading_tail(
                h1,
                cleaned_title.as_deref(),
                raw_title.as_deref(),
            ))
        }
        (_, best) => best,
    }?;
    // A heading in capitals only ("TIPS FOR ONLINE SUCCESS") is a style: when another source
    // gives the same words in their case ("Tips for Online Success"), that is the title.
    if !in_capitals(&title) {
        return Some(title);
    }
    Some(
        candidates
            .iter()
            .find(|c| key(c) == key(&title) && !in_capitals(c))
            .cloned()
            .unwrap_or(title),
    )
}

/// The lower-cased words of the last segment of `url`'s path, without a file extension
/// ("enameled_cast_iron_pan_and_metal", "new-rules-for-2025.html"), numbers left out.
fn slug_words(url: &Url) -> Vec<String> {
    let segment = url
        .path_segments()
        .and_then(|mut segments| segments.rfind(|s| !s.is_empty()))
        .unwrap_or_default();
    let segment = segment
        .rsplit_once('.')
        .filter(|(_, ext)| ext.len() <= 5 && ext.bytes().all(|b| b.is_ascii_alphabetic()))
        .map_or(segment, |(stem, _)| stem);
    lower_words(segment)
        .filter(|w| !w.bytes().all(|b| b.is_ascii_digit()))
        .collect()
}

/// The lower-cased words of `s`: its runs of letters and digits.
fn lower_words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// The fewest words of a title the address must name for [`names_in_slug`].
const SLUG_WORDS: usize = 3;

/// Whether most words of `title` (two in three, [`SLUG_WORDS`] at least) are words of the
/// page address's `slug`.
fn names_in_slug(title: &str, slug: &[String]) -> bool {
    let words: Vec<String> = lower_words(title).collect();
    let named = words.iter().filter(|w| slug.contains(w)).count();
    named >= SLUG_WORDS && named * 3 >= words.len() * 2
}

/// `heading` without its tail when the heading goes on past the page's own title with a
/// part the `<title>` also writes after a separator: the place the page sits in ("Tips from
/// a first time Japan visitor - Japan Forum" under `<title>` "… - Japan Forum -
/// Tripadvisor") or a search tagline ("Best Moving Companies in New York (2025) – Top Local
/// & Long-Distance Movers"). `title` is the cleaned `<title>`, the page's own title. A tail
/// of one word, or of numbers and dates ("2026 / 2027", "– March 2026"), qualifies the
/// title and stays.
fn without_heading_tail(heading: &str, title: Option<&str>, raw_title: Option<&str>) -> String {
    let (Some(title), Some(raw)) = (title, raw_title) else {
        return heading.to_string();
    };
    let has_tail = TITLE_SEPARATORS.iter().any(|sep| {
        heading
            .strip_prefix(title)
            .and_then(|rest| rest.strip_prefix(sep))
            .map(str::trim)
            .is_some_and(|tail| {
                crate::word_count(tail) >= MIN_TAIL_WORDS
                    && names_more_than_a_date(tail)
                    && raw.split(sep).skip(1).any(|part| part.trim() == tail)
            })
    });
    if has_tail && crate::word_count(title) >= 3 {
        title.to_string()
    } else {
        heading.to_string()
    }
}

/// The fewest words a heading's tail has for [`without_heading_tail`] to drop it: one word
/// after a dash belongs to the title ("It's the café — again").
const MIN_TAIL_WORDS: u32 = 2;

/// Whether `text` has a word of letters that is not a month's name: it says more than a
/// number or a date ("March 2026", "2027") does.
fn names_more_than_a_date(text: &str) -> bool {
    lower_words(text)
        .any(|w| w.chars().any(char::is_alphabetic) && crate::dates::month(&w).is_none())
}

/// Whether the letters of `s` are all capitals (two letters at least).
fn in_capitals(s: &str) -> bool {
    let letters = || s.chars().filter(|c| c.is_alphabetic());
    letters().nth(1).is_some() && letters().all(char::is_uppercase)
}

/// The longest `<h1>` taken as the title, in bytes.
const MAX_HEADING_TITLE: usize = 200;

/// The share of words an `<h1>` must have in common with the stated title to be taken as
/// the title (Jaccard index of the two word sets).
const HEADING_OVERLAP: f32 = 0.2;

/// The Jaccard index of the lower-cased word sets of `a` and `b`.
fn word_overlap(a: &str, b: &str) -> f32 {
    let set = |s: &str| lower_words(s).collect::<std::collections::HashSet<_>>();
    let (a, b) = (set(a), set(b));
    let union = a.union(&b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(&b).count() as f32 / union as f32
}

/// The text of the heading `i` without the thread prefix forums write before a title: a
/// label element (`<span class="label">News</span> Digital Cameras…`, as XenForo writes
/// it) or a lone word and colon in a node of its own (`Thread: <span>…</span>`, `<strong>
/// Blog:</strong> …`).
fn heading_title(tree: &Tree, i: u32) -> String {
    let text = heading_words(tree, i);
    let Some(first) = tree
        .children(i as usize)
        .find(|&c| !tree.text_of(c).trim().is_empty())
    else {
        return text;
    };
    let lead = collapse(&tree.text_of(first));
    let label = tree.tag(first).is_some()
        && tree
            .str(tree.attrs(first).signal)
            .split_ascii_whitespace()
            .any(|name| name == "label");
    let colon_word = lead.ends_with(':') && !lead.trim_end_matches(':').contains(' ');
    if !(label || colon_word) {
        return text;
    }
    match text.strip_prefix(lead.as_str()).map(str::trim) {
        Some(rest) if crate::word_count(rest) >= 2 => rest.to_string(),
        _ => text,
    }
}

/// The visible text of heading `i` without what is not its title: a `<time datetime>` in
/// it ("<time>Dec 18 2025</time> Preparing a transition"), and at its end a number that is
/// a link's text (the comment count "87") or a story's source in parentheses
/// ("(latimes.com)"), as news aggregators write them.
fn heading_words(tree: &Tree, i: u32) -> String {
    use crate::engine::tag::Tag;
    let i = i as usize;
    let end = tree.nodes[i].end as usize;
    // The heading's text nodes, each with whether it is a link's text.
    let mut parts: Vec<(String, bool)> = Vec::new();
    // Where a subtitle glued to the heading's words begins, in `parts`.
    let mut glued: Option<usize> = None;
    let mut k = i + 1;
    while k < end {
        let node = &tree.nodes[k];
        match node.tag {
            Some(Tag::Invisible) => {
                k = node.end as usize;
                continue;
            }
            Some(_)
                if tree
                    .facts
                    .datetimes
                    .binary_search_by_key(&(k as u32), |&(t, _)| t)
                    .is_ok() =>
            {
                k = node.end as usize;
                continue;
            }
            Some(tag) if tag.is_block() || tag == Tag::Br => parts.push((" ".into(), false)),
            Some(_) => {
                // An inline element whose capitalised words are glued to the heading's
                // ("Black Edition<span class=tagline>Complete meal</span>") is a subtitle
                // the page's style shows on a line of its own.
                let after_word = parts
                    .iter()
                    .rev()
                    .flat_map(|(t, _)| t.chars().rev())
                    .next()
                    .is_some_and(char::is_alphanumeric);
                let starts_capital = || {
                    (k + 1..node.end as usize)
                        .filter(|&t| tree.tag(t).is_none())
                        .flat_map(|t| tree.str(tree.nodes[t].text).chars())
                        .next()
                        .is_some_and(char::is_uppercase)
                };
                if glued.is_none() && after_word && starts_capital() {
                    glued = Some(parts.len());
                }
            }
            None => {
                // A counter is a link (to the comments), not a product's number.
                let link = tree.tag(node.parent as usize) == Some(Tag::A);
                parts.push((tree.str(node.text).to_string(), link));
            }
        }
        k += 1;
    }
    while let Some(last) = parts.iter().rposition(|(t, _)| !t.trim().is_empty()) {
        let (text, link) = &parts[last];
        let text = text.trim();
        let counter = *link && text.bytes().all(|b| b.is_ascii_digit());
        let source = text
            .strip_prefix('(')
            .and_then(|t| t.strip_suffix(')'))
            .is_some_and(|t| {
                let t = t.trim();
                !t.contains(' ')
                    && t.rsplit_once('.').is_some_and(|(name, tld)| {
                        !name.is_empty()
                            && tld.len() >= 2
                            && tld.bytes().all(|b| b.is_ascii_alphabetic())
                    })
            });
        let rest_has_words = parts[..last].iter().any(|(t, _)| !t.trim().is_empty());
        if !(counter || source) || !rest_has_words {
            break;
        }
        parts.truncate(last);
    }
    if let Some(at) = glued.filter(|&at| at < parts.len()) {
        let words =
            |parts: &[(String, bool)]| parts.iter().map(|(t, _)| crate::word_count(t)).sum::<u32>();
        if words(&parts[at..]) >= 2 && words(&parts[..at]) >= 1 {
            parts.truncate(at);
        }
    }
    let text: String = parts.into_iter().map(|(t, _)| t).collect();
    collapse(&text)
}

/// Whether heading `i` is the site's banner: all its words are a link to a home page
/// (`<h1><a href="https://archlinux.org/">Arch Linux</a></h1>` above a forum's topic).
fn is_banner(tree: &Tree, i: usize, page_url: &Url) -> bool {
    use crate::engine::tag::Tag;
    let text = collapse(&tree.text_of(i));
    if text.is_empty() {
        return false;
    }
    let end = tree.nodes[i].end as usize;
    (i + 1..end).any(|k| {
        tree.tag(k) == Some(Tag::A)
            && page_url
                .join(tree.str(tree.attrs(k).href).trim())
                .is_ok_and(|to| to.path() == "/" && to.query().is_none())
            && collapse(&tree.text_of(k)) == text
    })
}

/// Whether the first of the page's headings `h1s` names the site above a later one that
/// names the page, as the `<title>` writes them: the title's last part is the first
/// heading ("TFH Online Forum") and its first part a later heading ("What to look for
/// before purchasing new fish - TFH Online Forum").
fn names_the_site_first(h1s: &[String], title: &str) -> bool {
    let key = |s: &str| collapse(s).to_lowercase();
    let Some((first, last)) = TITLE_SEPARATORS
        .iter()
        .find_map(|sep| Some((title.split_once(sep)?.0, title.rsplit_once(sep)?.1)))
    else {
        return false;
    };
    let (first, last) = (key(first), key(last));
    first != last
        && h1s.first().is_some_and(|h| key(h) == last)
        && h1s.iter().skip(1).any(|h| key(h) == first)
}

/// Whether `c` is a character a title's parts are separated with: one of
/// [`TITLE_SEPARATORS`] without its spaces.
fn is_separator_char(c: char) -> bool {
    TITLE_SEPARATORS.iter().any(|sep| sep.trim().contains(c))
}

/// `title` without the separators (and the spaces after them) it begins with: what a
/// template writes before an empty part ("| Site") or a design before a heading ("/
/// CREATIVE AGENCY PORTFOLIO").
fn without_leading_separator(title: &str) -> &str {
    let rest = title.trim_start_matches(|c: char| is_separator_char(c) || c.is_whitespace());
    // A separator is followed by a space; "-5 °C" and "/r/rust" begin with their words.
    match title[..title.len() - rest.len()].chars().last() {
        Some(c) if c.is_whitespace() => rest,
        _ => title,
    }
}

/// The text of a heading without the permalink mark that documentation generators append
/// ("Logging HOWTO¶", "Models §").
fn heading_text(text: &str) -> &str {
    text.trim_end_matches(['¶', '§', '#', '\u{1F517}', ' '])
}

/// The names a site goes by, squashed to lower-case letters and digits: its stated name and
/// its host ("wral.com" gives "wralcom" and "wral"), for telling a site name in a title.
struct SiteKeys(Vec<String>);

impl SiteKeys {
    fn new(site_name: Option<&str>, page_url: &Url) -> Self {
        let mut keys = Vec::new();
        if let Some(name) = site_name {
            keys.push(squash(name));
        }
        if let Some(host) = page_url.host_str() {
            let host = host.strip_prefix("www.").unwrap_or(host);
            keys.push(squash(host));
            // The label before the public suffix: "newegg" of "newegg.com", "bbc" of
            // "bbc.co.uk" (a two-letter country code after a short label).
            let labels: Vec<&str> = host.split('.').collect();
            let name = match labels.as_slice() {
                [.., name, second, cc] if cc.len() == 2 && second.len() <= 3 => Some(*name),
                [.., name, _] => Some(*name),
                _ => None,
            };
            keys.extend(name.map(squash));
            // The registrable domain of a sub-domain: "newegg.com" of
            // "promotions.newegg.com", written in titles as "Newegg.com".
            if let Some(name) = name
                && let Some(at) = host.find(&format!("{name}."))
            {
                keys.push(squash(&host[at..]));
            }
        }
        keys.retain(|k| k.len() >= 2);
        SiteKeys(keys)
    }

    /// Whether `part` of a title names the site.
    fn is_site(&self, part: &str) -> bool {
        let part = squash(part);
        !part.is_empty() && self.0.contains(&part)
    }

    /// `title` without the site names that end it ("Catering Tips | Cookshack",
    /// "Ten Projects | RenoFi | RenoFi"), a site name and what follows it, and the site's
    /// address before it ("Example.com - …"); what stays is never empty.
    fn strip(&self, title: &str) -> String {
        let mut title = collapse(title);
        'outer: loop {
            for sep in TITLE_SEPARATORS {
                let parts: Vec<&str> = title.split(sep).map(str::trim).collect();
                if parts.len() < 2 || parts.iter().any(|p| p.is_empty()) {
                    continue;
                }
                // The site's name and what follows it (the site's sections and slogans:
                // "Online Care | Cerebral | Online Therapy | Virtual Counseling").
                if let Some(at) = (1..parts.len()).find(|&k| self.is_site(parts[k])) {
                    title = parts[..at].join(sep);
                    continue 'outer;
                }
                // The site's address before the title ("Example.com - The Five Best …"); a
                // name alone there may be the title's own first words.
                if parts[0].contains('.') && self.is_site(parts[0]) {
                    title = parts[1..].join(sep);
                    continue 'outer;
                }
            }
            // The address with no separator ("davidbau.com Vibe Coding"; "Amazon.com:
            // Headphones" is the site's own way of writing its titles).
            if let Some((first, rest)) = title.split_once(' ')
                && first.contains('.')
                && first
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
                && self.is_site(first)
                && !rest.trim().is_empty()
            {
                return rest.trim().to_string();
            }
            return title;
        }
    }
}

/// Titles that say only that the page is a site's home page (lower case).
const HOME_TITLES: &[&str] = &["home", "homepage", "home page", "welcome", "start page"];

/// `s` lower-cased, with everything but letters and digits removed.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Titles stated by other sources than `<title>`, for [`clean_title`].
struct KnownTitles {
    /// The JSON-LD headline and the Open Graph title.
    stated: Vec<String>,
    /// The first `<h1>` texts.
    headings: Vec<String>,
}

/// What phpBB writes between a forum's name and a topic's title, lower-cased.
const PHPBB_TOPIC: &str = " view topic - ";

/// Remove a site-name prefix or suffix from a `<title>`.
fn clean_title(title: &str, site_name: Option<&str>, known: &KnownTitles) -> String {
    let mut title = collapse(title);
    // phpBB's "NationStates • View topic - 2025-26 Football Season".
    if let Some(at) = title.to_ascii_lowercase().find(PHPBB_TOPIC) {
        let topic = &title[at + PHPBB_TOPIC.len()..];
        if !topic.trim().is_empty() {
            title = topic.trim().to_string();
        }
    }
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
            .enumerate()
            .find(|(at, p)| {
                let same = |k: &String| key(k) == key(p);
                // A heading equal to a later part is the site's banner ("What is Ownership?
                // - The Rust Programming Language" under a book-title <h1>).
                (known.stated.iter().any(same) || (*at == 0 && known.headings.iter().any(same)))
                    && site_name.map(key) != Some(key(p))
            })
            .map(|(_, p)| p)
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
        // Of three parts and more, the first is the title and the others the places it
        // sits in ("Topic / Forum / Site", "Article - Section - Site"); a bar separates a
        // title's own parts as well ("Doorbell Cameras | Wired, Wireless | Ring").
        if *sep != " | " && parts.len() >= 3 && crate::word_count(parts[0]) >= 3 {
            return parts[0].to_string();
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
const BYLINE_CANDIDATES: [(u8, u8); 9] = [
    (marker::REL_AUTHOR, 0),                          // [rel=author]
    (marker::ITEMPROP_NAME, marker::ITEMPROP_AUTHOR), // [itemprop=author] [itemprop=name]
    (marker::ITEMPROP_AUTHOR, 0),                     // [itemprop=author]
    (marker::CLASS_AUTHOR, marker::CLASS_BYLINE),     // .byline .author
    (marker::CLASS_BYLINE, 0),                        // .byline
    (marker::CLASS_AUTHOR_NAME, 0),                   // .author-name
    (marker::CLASS_AUTHOR, 0),                        // .author
    (marker::CLASS_HAS_BYLINE, 0),                    // [class*=byline]
    (marker::CLASS_HAS_AUTHOR, 0),                    // [class*=author]
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
        open.push((tree.nodes[i as usize].end, own | inherited));
        if in_review_or_comment(tree, i as usize) {
            continue;
        }
        for (list, &(needs, ancestor)) in found.iter_mut().zip(&BYLINE_CANDIDATES) {
            if own & needs != 0
                && (ancestor == 0 || inherited & ancestor != 0)
                && list.len() < BYLINE_TRIES
            {
                list.push(i);
            }
        }
    }
    found
}

/// Whether node `i` is part of a customer review or a reader's comment (its element's class
/// or id, or one of its [`REVIEW_DEPTH`] nearest ancestors', names one): whoever wrote it is
/// not the page's author.
fn in_review_or_comment(tree: &Tree, i: usize) -> bool {
    self_and_ancestors(tree, i)
        .filter(|&n| tree.nodes[n].tag.is_some())
        .take(REVIEW_DEPTH + 1)
        .any(|n| names_a_review_or_comment(tree, n))
}

/// Node `i`, then its parent, and so on up to the root.
fn self_and_ancestors(tree: &Tree, i: usize) -> impl Iterator<Item = usize> + '_ {
    std::iter::successors(Some(i), |&n| {
        let p = tree.nodes[n].parent;
        (p != crate::engine::tree::NONE).then_some(p as usize)
    })
}

/// The nearest ancestor of node `i` that is a block element: the line `i` belongs to.
fn enclosing_block(tree: &Tree, i: usize) -> Option<usize> {
    self_and_ancestors(tree, i)
        .skip(1)
        .find(|&n| tree.nodes[n].tag.is_some_and(|tag| tag.is_block()))
}

/// Whether the class or id of element `i` names a customer review ("review-item", not
/// "reviewer" or "reviewed-by") or a reader's comment.
fn names_a_review_or_comment(tree: &Tree, i: usize) -> bool {
    let signal = tree.str(tree.attrs(i).signal);
    (signal.contains("review") && !signal.contains("reviewer") && !signal.contains("reviewed"))
        || signal.contains("comment")
}

/// How many ancestors of a byline element [`in_review_or_comment`] looks at.
const REVIEW_DEPTH: usize = 4;

/// Author names from JSON-LD, meta tags, byline markup and byline lines near the title.
///
/// An organisation named as JSON-LD author is not an author; a user name (one word in lower
/// case, digits or dashes), the site's own name and a reviewer ("Reviewed by Ann Lee") are
/// kept only when nothing better is found, in that order of preference: the site's name,
/// then a user name, then a reviewer. Brands named in a byline stay: "By Acme" is what the
/// page says.
///
/// The names come as the source gives them: one each when it names the authors apart
/// (several meta tags, a JSON-LD list, links to author pages), else one text.
fn byline(
    tree: &Tree,
    tags: &MetaTags,
    ld: &JsonLd,
    header: &HeaderLines,
    site_name: Option<&str>,
    home_page: bool,
) -> Option<Vec<String>> {
    // A key given several times names several authors (`citation_author` of a paper).
    let meta = AUTHOR_KEYS.iter().find_map(|key| {
        let mut names: Vec<String> = tags.all(key).filter_map(clean_byline).collect();
        dedup_case_insensitive(&mut names);
        (!names.is_empty()).then_some(names)
    });
    // A home page lists other pages: the names written on it are their authors; only the
    // site's own author meta tag speaks for it.
    if home_page {
        return meta;
    }
    let written_by = tags
        .labelled_data("written by")
        .and_then(|a| clean_byline(&a))
        .map(|name| vec![name]);
    // A user name (one word, lower case or digits) and the site's own name ("Clemson News",
    // "Five Books" where a person signs the article) are kept only when no source names a
    // person.
    let mut weak = None;
    let mut site_named = None;
    let names_the_site = |name: &str| {
        let key = |s: &str| s.to_lowercase().replace(|c: char| !c.is_alphanumeric(), "");
        let name = key(name);
        site_name.is_some_and(|site| {
            let site = key(site);
            !name.is_empty() && !site.is_empty() && (site.contains(&name) || name.contains(&site))
        })
    };
    // The first names the byline markup gives that are not the site's: "Corti" (the site)
    // and "Joakim Edin" both have `.video-post_author-name`. Else the site's name, which
    // `keep` sets aside. A reviewer ("Fact checked by Yarilet Perez") did not write the
    // page: the first met is kept aside too.
    let mut reviewer = None;
    let mut markup = || {
        let candidates = byline_candidates(tree);
        let last = candidates.len() - 1;
        let texts = candidates
            .iter()
            .enumerate()
            .flat_map(|(k, list)| {
                // `[class*=author]` is also every comment's and review's author: only the
                // ones near the title count.
                list.iter()
                    .filter(move |&&i| k != last || header.nodes.contains(&(i as usize)))
            })
            .map(|&i| match author_links(tree, i) {
                Some(names) => (names.join(", "), names),
                // Microdata may give the name in `<meta itemprop=name content=…>`.
                None => (
                    meta_content(tree, i).unwrap_or_else(|| block_text(tree, i)),
                    Vec::new(),
                ),
            })
            .filter(|(t, _)| t.len() <= BYLINE_MARKUP_MAX);
        let mut site = None;
        for (t, links) in texts {
            if let Some(name) = reviewed_by(&t) {
                if reviewer.is_none() {
                    reviewer = clean_byline(name).map(|n| vec![n]);
                }
                continue;
            }
            let Some(text) = clean_byline(&t) else {
                continue;
            };
            // The links' names one by one, unless cleaning cut some of them.
            let is_site = names_the_site(&text);
            let names = if links.len() > 1 && text == t {
                links
            } else {
                vec![text]
            };
            // Any other name ends the search: the next ones are those of replies and
            // comments.
            if !is_site {
                return Some(names);
            }
            site.get_or_insert(names);
        }
        site
    };
    let mut keep = |names: Option<Vec<String>>| -> Option<Vec<String>> {
        let names = names?;
        let text = names.join(", ");
        if is_user_name(&text) {
            weak.get_or_insert(names);
            return None;
        }
        if names_the_site(&text) {
            site_named.get_or_insert(names);
            return None;
        }
        Some(names)
    };
    if let Some(name) = keep(ld.author_names()) {
        return Some(name);
    }
    if let Some(name) = keep(meta) {
        return Some(name);
    }
    if let Some(name) = keep(written_by) {
        return Some(name);
    }
    // A forum's "Thread starter" names the first post's author; the byline markup of the
    // posts names whoever replied first with it.
    if let Some(name) = keep(labelled_byline(tree, STARTER_LABELS, &[], 3).map(|n| vec![n])) {
        return Some(name);
    }
    // The first post's author as the thread's markup names it (`data-author`).
    if let Some(name) = tree
        .facts
        .first_post_author
        .and_then(|a| clean_byline(tree.str(a)))
    {
        return Some(vec![name]);
    }
    // Else the first post's author as a forum engine's post markup writes it (phpBB,
    // vBulletin, FluxBB, Flarum): a user name, but the thread's own.
    if let Some(name) = tree
        .facts
        .posters
        .iter()
        .find_map(|&i| clean_byline(&text_of(tree, i)))
    {
        return Some(vec![name]);
    }
    if let Some(name) = keep(markup()) {
        return Some(name);
    }
    if let Some(name) = keep(header.byline(tree).map(|n| vec![n])) {
        return Some(name);
    }
    if let Some(name) =
        keep(labelled_byline(tree, LABELS_ALONE, LABEL_PREFIXES, LABELLED_WORDS).map(|n| vec![n]))
    {
        return Some(name);
    }
    site_named.or(weak).or(reviewer)
}

/// Names a "Written by" label announces anywhere in the page, outside navigation: one of
/// the labels `alone` with the names in the next text ("<h2>Article by</h2><div>Ann
/// Lee</div>", an author box at the end of the article; at most `max_words` words), or one
/// of the `prefixes` followed by them ("Written by Ann Lee").
fn labelled_byline(
    tree: &Tree,
    alone: &[&str],
    prefixes: &[&str],
    max_words: u32,
) -> Option<String> {
    // Set after a label alone: the last node the names may start at.
    let mut pending: Option<usize> = None;
    let texts = body_texts(tree, |i| {
        tree.attrs(i).hidden || names_a_review_or_comment(tree, i)
    });
    for (i, text) in texts {
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if pending.is_some_and(|until| i > until) {
            pending = None;
        }
        let short = text.len() <= LABEL_LINE;
        let lower = if short {
            text.to_lowercase()
        } else {
            String::new()
        };
        let label = lower.trim_end_matches([':', ' ']);
        if short && alone.contains(&label) && !continues_a_sentence(tree, i) {
            pending = Some(i + LABEL_REACH);
            continue;
        }
        if pending.take().is_some() {
            // Names, not the article's first sentence or a word of the page; else the
            // next label is tried.
            let names = (crate::word_count(text) <= max_words)
                .then(|| clean_byline(text))
                .flatten()
                .filter(|n| looks_named(n));
            if names.is_some() {
                return names;
            }
        }
        if let Some(l) = prefixes
            .iter()
            .find(|l| short && lower.starts_with(*l) && lower[l.len()..].starts_with([' ', ':']))
        {
            // Prefixes are ASCII: their length is a boundary of `text` too.
            let names = text.get(l.len()..).unwrap_or("");
            let names =
                clean_byline(names.trim_start_matches([' ', ':'])).filter(|n| looks_named(n));
            if names.is_some() {
                return names;
            }
        }
    }
    None
}

/// The text nodes of the page's body in reading order, each with its arena index. Script,
/// style and other invisible subtrees, navigation, forms and controls are skipped, and so is
/// every subtree whose element `skip_also` names.
fn body_texts<'t>(
    tree: &'t Tree,
    mut skip_also: impl FnMut(usize) -> bool + 't,
) -> impl Iterator<Item = (usize, &'t str)> + 't {
    use crate::engine::tag::Tag;
    let end = tree.nodes[tree.body()].end as usize;
    let mut i = tree.body();
    std::iter::from_fn(move || {
        while i < end {
            let at = i;
            let node = &tree.nodes[at];
            match node.tag {
                Some(Tag::Invisible | Tag::Nav | Tag::Form | Tag::Control) => {
                    i = node.end as usize;
                }
                Some(_) if skip_also(at) => i = node.end as usize,
                Some(_) => i += 1,
                None => {
                    i += 1;
                    return Some((at, tree.str(node.text)));
                }
            }
        }
        None
    })
}

/// Whether text node `i` continues a sentence its block started before it ("… a short
/// story from the book <i>Kaligaminarile Kuttavalikal</i> written by <a>Vinoy Thomas</a>"):
/// the block's text before it ends in a word or a comma, not in a separator or a date
/// ("May 3, 2024 · Written by").
fn continues_a_sentence(tree: &Tree, i: usize) -> bool {
    let Some(block) = enclosing_block(tree, i) else {
        return false;
    };
    // The nearest text before the label; in a block of its own, it ends the line before.
    let Some(k) = (block + 1..i).rev().find(|&k| {
        let n = &tree.nodes[k];
        n.tag.is_none() && !tree.str(n.text).trim().is_empty()
    }) else {
        return false;
    };
    if enclosing_block(tree, k) != Some(block) {
        return false;
    }
    tree.str(tree.nodes[k].text)
        .trim_end()
        .chars()
        .last()
        .is_some_and(|c| c.is_alphabetic() || c == ',')
}

/// Whether `s` reads as a name or a handle: it starts with a capital letter, holds a digit
/// or an underscore, or is one word ("to this page" after a label is part of a sentence).
fn looks_named(s: &str) -> bool {
    s.starts_with(char::is_uppercase)
        || s.contains(|c: char| c.is_ascii_digit() || c == '_')
        || !s.contains(' ')
}

/// Labels of a forum thread's first author.
const STARTER_LABELS: &[&str] = &["thread starter", "original poster"];

/// Labels that stand alone before an article's authors wherever they are (lower case, no
/// colon).
const LABELS_ALONE: &[&str] = &[
    "written by",
    "article by",
    "authored by",
    "words by",
    "posted by",
    "thread starter",
    "author",
    "authors",
    "author(s)",
    "contributor",
    "contributors",
];

/// Labels that start a line naming an article's authors wherever it is (lower case; "Author"
/// only with its colon: "Author names" is a sentence).
const LABEL_PREFIXES: &[&str] = &[
    "written by",
    "article by",
    "authored by",
    "words by",
    "posted by",
    "started by",
    "this post was written by",
    "authors:",
    "author:",
    "contributors:",
    "contributor:",
    "view all posts by",
];

/// The longest text node read as a "Written by" label or line, in bytes.
const LABEL_LINE: usize = 80;

/// The most words the text after a label alone may have to be read as names (a forum
/// handle after "Thread starter": three).
const LABELLED_WORDS: u32 = 6;

/// How many arena nodes after a label alone its names may start.
const LABEL_REACH: usize = 8;

/// Meta tags that name the authors, most trusted first.
const AUTHOR_KEYS: &[&str] = &[
    "dc.creator",
    "dcterms.creator",
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "cxenseparse:author",
    "byl",
    "citation_author",
    "twitter:creator:name",
];

/// The longest byline markup text read, in bytes (longer elements hold a biography).
const BYLINE_MARKUP_MAX: usize = 120;

/// Whether an author string looks like a user name rather than a person's name: one word,
/// no capital letter, or digits or dashes inside.
fn is_user_name(name: &str) -> bool {
    !name.contains(' ')
        && (name.chars().all(|c| !c.is_uppercase())
            || name
                .chars()
                .any(|c| c.is_ascii_digit() || c == '-' || c == '_' || c == '.'))
}

/// Text of element `i`, white space collapsed.
fn text_of(tree: &Tree, i: u32) -> String {
    collapse(&tree.text_of(i as usize))
}

/// The names of the links to author pages (a path segment `author` or `authors`) inside
/// byline element `i`, one by one: the byline's names without the date, role or
/// counter written beside them ("by <a href=/author/ln>Lucas Nolan</a><span>22 Dec
/// 2016</span>"). A link that wraps blocks (an author card) or follows "Reviewed by" or
/// "Edited by" is not one.
fn author_links(tree: &Tree, i: u32) -> Option<Vec<String>> {
    use crate::engine::tag::Tag;
    let end = tree.nodes[i as usize].end as usize;
    let mut names: Vec<String> = Vec::new();
    // The text read since the last link, lower-cased.
    let mut before = String::new();
    let mut k = i as usize + 1;
    while k < end {
        let node = &tree.nodes[k];
        match node.tag {
            Some(Tag::A) => {
                let link_end = node.end as usize;
                let href = tree.str(tree.attrs(k).href).to_ascii_lowercase();
                let to_author = href
                    .split(['/', '?', '#'])
                    .any(|seg| seg == "author" || seg == "authors");
                let card = tree.nodes[k + 1..link_end]
                    .iter()
                    .any(|n| n.tag.is_some_and(|t| t.is_block()));
                let other_role = ["review", "edit", "fact"]
                    .iter()
                    .any(|w| before.contains(w));
                if to_author && !card && !other_role {
                    let name = collapse(&block_text(tree, k as u32));
                    if !name.is_empty() && !names.contains(&name) {
                        names.push(name);
                    }
                }
                before.clear();
                k = link_end;
                continue;
            }
            None => before.push_str(&tree.str(node.text).to_lowercase()),
            Some(_) => {}
        }
        k += 1;
    }
    (!names.is_empty()).then_some(names)
}

/// The visible text of element `i` with a space at every block boundary and line break, so
/// that "<p>Ann Lee</p><p>May 3, 2024</p>" reads "Ann Lee May 3, 2024", white space
/// collapsed.
fn block_text(tree: &Tree, i: u32) -> String {
    use crate::engine::tag::Tag;
    let i = i as usize;
    let end = tree.nodes[i].end as usize;
    let mut out = String::new();
    let mut k = i;
    while k < end {
        let node = &tree.nodes[k];
        match node.tag {
            Some(Tag::Invisible) => {
                k = node.end as usize;
                continue;
            }
            Some(tag) if tag.is_block() || tag == Tag::Br => out.push(' '),
            Some(_) => {}
            None => out.push_str(tree.str(node.text)),
        }
        k += 1;
    }
    collapse(&out)
}

/// The `content` of element `i` when it is a `<meta content>` (inside `<body>`, microdata:
/// `<span itemprop=author><meta itemprop=name content="Ann Lee"></span>`).
fn meta_content(tree: &Tree, i: u32) -> Option<String> {
    let meta = tree.facts.metas.iter().find(|m| m.node == i)?;
    Some(collapse(&crate::entities::decode(tree.str(meta.content))))
}

/// Words that are interface labels, never an author's name (lower case).
const NOT_NAMES: &[&str] = &[
    "by",
    "author",
    "authors",
    "written by",
    "posted by",
    "admin",
    "administrator",
    "webmaster",
    "undefined",
    "null",
    "none",
    "name",
    "unknown",
    "guest",
    "anonymous",
    "editor",
    "staff",
    "updated",
    "view more posts",
    "view all posts",
    "more posts",
    "read more",
    "share",
    "follow",
    "written",
    "posted",
    "view more",
    "view all",
    "see more",
    "sign in",
    "sign up",
    "log in",
    "login",
    "subscribe",
    "menu",
    "search",
    "home",
];

/// Words of a forum profile's counters that end a user's name when they follow it ("ron1cne
/// 10 posts", "scvalex 1 year ago") (lower case).
const COUNTER_WORDS: &[&str] = &[
    "posts",
    "posts:",
    "reputation",
    "joined",
    "joined:",
    "threads",
    "threads:",
    "wrote",
    "wrote:",
    "badges",
    "ago",
];

/// Abbreviations that end a name with a period.
const ABBREVIATIONS: &[&str] = &["Inc", "Ltd", "Corp", "Bros", "Esq", "Jr", "Sr", "Co"];

/// A forum member's badge after the handle (lower case).
const BADGE_WORDS: &[&str] = &["member", "offline", "online", "moderator", "admin"];

/// Words that end a sentence's part before the names, not the names (as written: "Sign
/// In" is a button, not a name followed by "in").
const TRAILING_WORDS: &[&str] = &["on", "at", "in", "by", "from", "for", "před", "il", "am"];

/// Prefixes that introduce the names (lower case, longest first).
const NAME_PREFIXES: &[&str] = &[
    "this post was written by ",
    "this article was written by ",
    "written by:",
    "written by ",
    "authored by:",
    "authored by ",
    "insights from ",
    "view all posts by ",
    "all posts by ",
    "more posts by ",
    "contributors:",
    "contributor:",
    "posted by:",
    "posted by ",
    "article by ",
    "via ",
    "story by ",
    "words by ",
    "text by ",
    "recipe by ",
    "post by ",
    "posted in ",
    "authors:",
    "author:",
    "authors ",
    "author ",
    "the author",
    "by:",
    "by ",
    "von ",
    "par ",
    "por ",
    "door ",
];

/// Clean an author string: no "By " prefix, no e-mail, URL, date or role after the names,
/// no interface words, not too long. Several names stay as written ("Ann Lee and Bo Chan").
pub(crate) fn clean_byline(raw: &str) -> Option<String> {
    // Cloudflare writes "[email protected]" where it hides an address.
    let mut s = split_glued_words(&collapse(raw).replace(HIDDEN_ADDRESS, " "));
    s = without_credit_roles(&s);
    loop {
        let lower = s.to_lowercase();
        let Some(prefix) = NAME_PREFIXES.iter().find(|p| lower.starts_with(*p)) else {
            break;
        };
        // Prefixes are ASCII, so their length is a character boundary of `s` too when the
        // lower-cased text starts with them.
        let rest = s.get(prefix.len()..).unwrap_or("").trim().to_string();
        s = rest;
    }
    // Cut what follows the names: "Jane Doe | May 3, 2024", "Jane Doe, Updated ...".
    for sep in [
        " | ", " • ", " · ", " ⋅", " on ", " - ", " — ", " – ", " »", "\n",
    ] {
        if let Some(i) = s.find(sep) {
            // A date before the names ("Dec. 19, 2025 · Niko Matsakis"): the names follow.
            let head = &s[..i];
            if crate::dates::first_date_at(head).is_some_and(|(at, _)| head[..at].trim().is_empty())
                && head.split_whitespace().count() <= 4
            {
                s = s[i + sep.len()..].to_string();
                if let Some(j) = s.find(sep) {
                    s.truncate(j);
                }
            } else {
                s.truncate(i);
            }
        }
    }
    if let Some((at, _)) = crate::dates::first_date_at(&s) {
        s.truncate(at);
    }
    for marker in [
        " updated",
        " published",
        " posted",
        " last updated",
        " reviewed",
        " fact checked",
        " edited by",
        " min read",
        " mins read",
        " minute read",
        " view in",
        " view all",
        " follow",
    ] {
        if let Some(i) = s.to_lowercase().find(marker)
            && s.is_char_boundary(i)
        {
            s.truncate(i);
        }
    }
    // Drop e-mail addresses and handles, then a job title after the name ("Keith Barry
    // Senior Autos Reporter"), a forum profile ("ron1cne Member 10 posts") and counters
    // ("Brian Becker 7").
    let mut words: Vec<&str> = s
        .split_whitespace()
        .filter(|w| !w.contains('@') || w.starts_with('@') && w.len() == 1)
        .collect();
    let first_role = words.iter().enumerate().position(|(at, w)| {
        let lower = w
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        (at >= 2 && ROLE_WORDS.contains(&lower.as_str()))
            || (at >= 1
                && (COUNTER_WORDS.contains(&lower.as_str())
                    || (!lower.is_empty() && lower.chars().all(|c| c.is_ascii_digit()))))
    });
    // "Our Foreign Staff" is the whole credit, not a name before a role. A word that
    // qualifies the role is part of it ("Liza Burke Marketing Director").
    if let Some(at) = first_role
        && words.first().is_none_or(|w| *w != "Our")
    {
        let qualified = at >= 3 && ROLE_QUALIFIERS.contains(&words[at - 1].to_lowercase().as_str());
        words.truncate(if qualified { at - 1 } else { at });
    }
    // An avatar's letter and a presence badge before a forum handle ("J Offline julian").
    if words.len() >= 3
        && words[0].chars().count() == 1
        && BADGE_WORDS.contains(&words[1].to_lowercase().as_str())
    {
        words.drain(..2);
    }
    // A forum handle's badge or rank ("Mr_Enigmatic Member", "ron1cne Silver Partner"; but
    // "Former Member" and "3i Global" are names).
    let handle = |w: &str| {
        w.len() >= 5
            && w.is_ascii()
            && w.chars().any(|c| c.is_ascii_alphabetic())
            && w.chars().any(|c| c.is_ascii_digit() || c == '_')
    };
    if words.len() >= 2
        && (handle(words[0])
            || (is_user_name(words[0]) && BADGE_WORDS.contains(&words[1].to_lowercase().as_str())))
    {
        words.truncate(1);
    }
    // A month whose day was cut as a counter ("Biology Forums, May 3"; "Theresa May" stays).
    if words.len() >= 2
        && words[words.len() - 2].ends_with(',')
        && words
            .last()
            .is_some_and(|w| crate::dates::is_month_name(&w.to_lowercase()))
    {
        words.pop();
    }
    // The weekday of a date cut after the names ("Joe Wee Monday, February 29, 2016").
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| crate::dates::is_weekday_name(&w.trim_end_matches(',').to_lowercase()))
    {
        words.pop();
    }
    // The word the names stand before in a sentence ("johnanddoc on", "Aleš Vávra před").
    while words.len() > 1 && words.last().is_some_and(|w| TRAILING_WORDS.contains(w)) {
        words.pop();
    }
    let s = words.join(" ").replace(" ,", ",");
    // A description after a person's names ("Vanessa Mendez, MD, gastroenterologist,
    // Parkview Health", "Ann Lee, The Commercial Appeal"): the first part of the list that is
    // not a name or a credential starts it. Handles ("kovarex, felixen") are names in lower
    // case: only a list that starts with a person's names is cut.
    let s = match s.split_once(',') {
        Some((first, _))
            if first.trim().contains(' ') && first.trim().starts_with(char::is_uppercase) =>
        {
            let mut end = s.len();
            let mut at = first.len();
            while at < s.len() {
                let rest = &s[at + 1..];
                let next = rest.find(',').map_or(s.len(), |k| at + 1 + k);
                if describes_a_person(&s[at + 1..next]) {
                    end = at;
                    break;
                }
                at = next;
            }
            s[..end].to_string()
        }
        _ => s,
    };
    let s = s
        .trim()
        .trim_start_matches(['&', ',', ';', ':', '|', '-', '·', '•', '●', '–', '—'])
        .trim_end_matches([',', ';', ':', '|', '-', '·', '•', '●', '–', '—'])
        .trim();
    // The period that ends the sentence the names end ("Posted by Alon Zakai."), not that of
    // an abbreviation ("Jr.", "Inc.").
    let s = match s.strip_suffix('.') {
        Some(head)
            if head.rsplit(' ').next().is_some_and(|w| {
                w.chars().count() >= 3 && !w.contains('.') && !ABBREVIATIONS.contains(&w)
            }) =>
        {
            head
        }
        _ => s,
    };
    // Quotes around the whole name ("\"David Kim\""); a footnote mark after it
    // ("Angela Holliday-Bell, MD*", the note saying who reviewed the page).
    let s = s
        .strip_prefix(['"', '“'])
        .and_then(|t| t.strip_suffix(['"', '”']))
        .unwrap_or(s)
        .trim_end_matches(['*', '†', '‡'])
        .trim()
        .to_string();
    let lower = s.to_lowercase();
    if s.is_empty()
        || s.chars().count() > 100
        || lower.starts_with("http")
        || lower.contains("www.")
        || lower.contains('©')
        || lower.contains("copyright")
        || lower.contains("all rights reserved")
        || lower.contains('*')
        || lower.starts_with("authoriz")
        || looks_like_a_template_key(&s)
        || reads_like_a_sentence(&s)
        || NOT_NAMES.contains(&lower.as_str())
        || lower.ends_with(" by")
        || crate::dates::is_weekday_name(&lower)
        || crate::dates::is_month_name(&lower)
        || s.chars().filter(|c| c.is_alphabetic()).count() < 2
        || !s.chars().any(char::is_alphabetic)
        || crate::word_count(&s) > 12
    {
        return None;
    }
    Some(s)
}

/// Whether a part of a comma-separated byline describes the person before it rather than
/// naming another or giving a credential: it starts with a word in lower case
/// ("gastroenterologist") or with "The" ("The Commercial Appeal"), holds a word in lower case
/// other than a name's particle ("Extension horticulture educators"), names a job ("Master
/// Horticulturalist"), or is longer than a name ("South Carolina Garden-based Learning
/// Network"). "and Bo Chan", "Bo Chan and Cy Dee" (each name judged alone), "MD" and
/// "Ph.D." are not descriptions.
fn describes_a_person(part: &str) -> bool {
    let part = part.trim();
    // "and Cy Dee", "und Cy Dee": the last name of a list.
    let part = crate::authors::strip_conjunction(part).unwrap_or(part);
    // "Bo Chan and Cy Dee" names two people: each is judged alone.
    let names = crate::authors::split_on_conjunctions(part);
    if names.len() > 1 {
        return names.iter().any(|n| describes_a_person(n));
    }
    let words: Vec<&str> = part.split_whitespace().collect();
    let Some(first) = words.first() else {
        return false;
    };
    first.starts_with(char::is_lowercase)
        || *first == "The"
        || words.len() > NAME_WORDS
        || words.iter().any(|w| {
            let w = w
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            ROLE_WORDS.contains(&w.as_str()) || JOB_WORDS.contains(&w.as_str())
        })
        || words[1..]
            .iter()
            .any(|w| w.starts_with(char::is_lowercase) && !NAME_PARTICLES.contains(w))
}

/// The most words a name in a byline list has (see [`describes_a_person`]).
const NAME_WORDS: usize = 4;

/// Words in lower case inside names ("Marna van der Merwe", "Ana de la Cruz").
pub(crate) const NAME_PARTICLES: &[&str] = &[
    "van", "der", "den", "de", "da", "del", "della", "di", "du", "dos", "das", "la", "le", "von",
    "bin", "al", "y",
];

/// Words of a job title or a profile that end the names of a byline, when they come after
/// at least two words (lower case).
const ROLE_WORDS: &[&str] = &[
    "writer",
    "reporter",
    "editor",
    "editor-in-chief",
    "senior",
    "staff",
    "contributor",
    "contributing",
    "correspondent",
    "columnist",
    "journalist",
    "founder",
    "co-founder",
    "director",
    "consultant",
    "analyst",
    "producer",
    "former",
    "last",
];

/// Words that qualify a job title before its [`ROLE_WORDS`] ("Marketing Director",
/// "Managing Editor"), lower case.
const ROLE_QUALIFIERS: &[&str] = &[
    "marketing",
    "managing",
    "creative",
    "content",
    "executive",
    "technical",
    "sales",
    "product",
    "digital",
    "news",
    "features",
    "art",
    "associate",
    "assistant",
    "deputy",
    "communications",
    "operations",
];

/// What introduces a reviewer's name, not an author's (lower case).
const REVIEWER_PREFIXES: &[&str] = &[
    "medically reviewed by",
    "fact-checked by",
    "fact checked by",
    "reviewed by",
];

/// The names after a reviewer's label that `text` opens with ("Reviewed by Justin C.
/// Meserole, Trial Attorney"), if it does.
fn reviewed_by(text: &str) -> Option<&str> {
    let text = text.trim_start();
    REVIEWER_PREFIXES.iter().find_map(|prefix| {
        text.get(..prefix.len())
            .filter(|head| head.eq_ignore_ascii_case(prefix))
            .and_then(|_| text.get(prefix.len()..))
            .filter(|rest| rest.starts_with(char::is_whitespace) || rest.starts_with(':'))
            .map(|rest| rest.trim_start_matches(':').trim_start())
    })
}

/// What Cloudflare writes in place of an e-mail address it hides.
const HIDDEN_ADDRESS: &str = "[email protected]";

/// Contributions a book's credits write in parentheses after a name ("James Clear
/// (Author)", "Ann Lee (Illustrator)"), lower case.
const CREDIT_ROLES: &[&str] = &[
    "author",
    "authors",
    "editor",
    "editors",
    "illustrator",
    "translator",
    "narrator",
    "contributor",
    "foreword",
    "introduction",
    "photographer",
];

/// `s` without the parenthesised [`CREDIT_ROLES`] after its names: "James Clear (Author)"
/// is "James Clear".
fn without_credit_roles(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find(" (") {
        let inside = &rest[open + 2..];
        let Some(close) = inside.find(')') else {
            break;
        };
        let role = inside[..close].trim().to_lowercase();
        if CREDIT_ROLES.contains(&role.as_str()) {
            out.push_str(&rest[..open]);
        } else {
            out.push_str(&rest[..open + 2 + close + 1]);
        }
        rest = &inside[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Nouns of a job or a trade that, after a person's names, describe the person ("Tracy
/// Parker, Dietitian", "Nicole Forbes, Master Horticulturalist & Garden Educator"); lower
/// case. Words that are also surnames ("Baker", "Taylor") are not listed.
const JOB_WORDS: &[&str] = &[
    "expert",
    "specialist",
    "educator",
    "horticulturalist",
    "horticulturist",
    "dietitian",
    "nutritionist",
    "professor",
    "lecturer",
    "researcher",
    "scientist",
    "engineer",
    "developer",
    "designer",
    "attorney",
    "lawyer",
    "physician",
    "nurse",
    "therapist",
    "coach",
    "advisor",
    "adviser",
    "planner",
    "strategist",
    "manager",
    "officer",
    "president",
    "ceo",
    "cto",
    "cfo",
    "coordinator",
    "representative",
    "instructor",
    "teacher",
    "trainer",
    "veterinarian",
    "pharmacist",
    "psychologist",
    "economist",
    "historian",
    "photographer",
    "illustrator",
];

/// `s` with a space where a name runs into a month or a job title without one ("Luke
/// KimDecember 17, 2025", "Mateusz HabernyFounder at Oakywood"); names with inner capitals
/// ("McCarthy", "MacDonald") stay whole.
fn split_glued_words(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    let mut previous: Option<char> = None;
    for (at, c) in s.char_indices() {
        if c.is_uppercase() && previous.is_some_and(char::is_lowercase) {
            let rest: String = s[at..]
                .chars()
                .take_while(|c| c.is_alphabetic() || *c == '-')
                .flat_map(char::to_lowercase)
                .collect();
            if ROLE_WORDS.contains(&rest.as_str()) || crate::dates::is_month_name(&rest) {
                out.push(' ');
            }
        }
        out.push(c);
        previous = Some(c);
    }
    out
}

/// Whether a "By …" text is a sentence, not names ("By using VS Code, you agree to …",
/// "By enrolling, you consent …"), or a price, a count or a menu.
fn reads_like_a_sentence(s: &str) -> bool {
    // Names are capitalised: only the words written in lower case count, so that "Will
    // Judd" and "Our Editors" stay names; a leading number begins a headline, not a brand
    // ("98 Buck Social"), when the text is that long.
    (s.starts_with(|c: char| c.is_ascii_digit()) && crate::word_count(s) >= 5)
        || s.contains(['$', '€', '£', '!', '?'])
        || s.split_whitespace().any(|w| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            SENTENCE_WORDS.contains(&w)
        })
}

/// Words of a sentence or a menu that never stand in a list of names or on a date line
/// (lower case; [`reads_like_a_sentence`] and [`reads_as_prose`]).
const SENTENCE_WORDS: &[&str] = &[
    "is", "are", "was", "were", "will", "has", "have", "had", "you", "your", "we", "our", "can",
    "if", "that", "agree", "consent", "billed", "submenu",
];

/// Whether an author value is a template's unfilled key ("page.head.extra.author").
fn looks_like_a_template_key(s: &str) -> bool {
    !s.contains(' ')
        && s.contains('.')
        && s.split('.')
            .any(|part| matches!(part.to_lowercase().as_str(), "author" | "byline" | "name"))
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

/// Meta tags that state when the page was first published, most trusted first.
const PUBLISHED_KEYS: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "publish-date",
    "published-date",
    "publish_date",
    "publishdate",
    "pubdate",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "dcterms.date",
    "dc.date",
    "dc.date.created",
    "date",
    "article.published",
    "cxenseparse:recs:publishtime",
    "ms.date",
    "citation_publication_date",
    "citation_date",
];

/// Visible text read before the title heading for date and byline lines, in bytes.
const HEADER_BEFORE: usize = 400;

/// Visible text read after the title heading for date and byline lines, in bytes.
const HEADER_AFTER: usize = 1500;

/// The longest line of text read as a date or byline line, in bytes: dates and names inside
/// running prose are not the page's.
const HEADER_LINE: usize = 160;

/// The page's publication date: stated in meta tags or JSON-LD, else written near the title,
/// else in a `<time>` element, else in the URL path. A last-modified date alone is not a
/// publication date (on the evaluation corpus, using it as one dated ten times more pages
/// that have no date than it dated right).
fn published_date(
    tags: &MetaTags,
    ld: &JsonLd,
    header: &HeaderLines,
    tree: &Tree,
    page_url: &Url,
    section: bool,
) -> Option<String> {
    // A site's home page lists what it published; no date is the page's own.
    if is_home_page(page_url) {
        return None;
    }
    // A section front ("/technology", "/topic/software") lists dated stories; the dates
    // written on it are theirs, and the one its meta tags state is when it was generated.
    if section {
        return None;
    }
    // A page at a plain address ("/service", "/technology") that does not call itself an
    // article is a landing or a hub page: the dates its template states (meta tags, a
    // `<time>` away from the heading) are when it was generated. Only a date written under
    // its heading dates it.
    if is_plain_address(page_url) && !declares_an_article(tags, ld) {
        return header.date(tree);
    }
    let from_url = date_from_url(page_url);
    let stated = tags.published_iso().or_else(|| ld.date("datePublished"));
    // A stated day the header does not show, against another day it shows as the page's
    // own (not an update, not the same day in another zone or order): the reader goes by
    // the day shown, and the stated one is a draft's, an import's or a republication's.
    let stated = stated.map(|stamp| match header.shown_date(tree) {
        Some(shown)
            if shown.written
                && !shown.update
                && days_apart(&stamp, &shown.date).is_some_and(|n| n > 1)
                && !day_and_month_swapped(&stamp, &shown.date)
                && !header.shows_day(&stamp) =>
        {
            shown.date
        }
        _ => stamp,
    });
    match stated {
        // A time stamp is written in UTC or the server's zone; the day of the page's
        // permalink is the reader's when the two are a day apart.
        Some(stamp) if stamp.len() > 10 => Some(
            from_url
                .filter(|day| days_apart(day, &stamp) == Some(1))
                .unwrap_or(stamp),
        ),
        Some(day) => Some(day),
        None => header
            .date(tree)
            // "03/10/2023" is read month first; the permalink's "/2023/october/03/" says
            // the page writes the day first.
            .map(|d| match &from_url {
                Some(day) if day_and_month_swapped(&d, day) => day.clone(),
                _ => d,
            })
            .or_else(|| {
                tree.facts
                    .published_prop
                    .and_then(|d| normalise_date(tree.str(d)))
            })
            .or_else(|| lone_time_date(tree))
            .or_else(|| tags.published_written())
            .or_else(|| marked_date(tree))
            .or_else(|| labelled_date(tree))
            .or(from_url),
    }
}

/// Whether ISO dates `a` and `b` (`YYYY-MM-DD…`) are the same year with day and month
/// swapped, as a numeric date read in the other order gives.
fn day_and_month_swapped(a: &str, b: &str) -> bool {
    let parts = |d: &str| {
        Some((
            d.get(..4)?.to_string(),
            d.get(5..7)?.to_string(),
            d.get(8..10)?.to_string(),
        ))
    };
    match (parts(a), parts(b)) {
        (Some((ya, ma, da)), Some((yb, mb, db))) => ya == yb && ma == db && da == mb && ma != da,
        _ => false,
    }
}

/// A date a "Published" label announces anywhere in the page outside navigation: "Posted
/// on April 13, 2023", "Published: 15 November 2018", or the label alone with the date in
/// the next text.
fn labelled_date(tree: &Tree) -> Option<String> {
    // After a label alone: the last node the date may start at.
    let mut pending: Option<usize> = None;
    for (i, text) in body_texts(tree, |_| false) {
        let text = text.trim();
        if text.is_empty() || text.len() > LABEL_LINE {
            continue;
        }
        if pending.is_some_and(|until| i > until) {
            pending = None;
        }
        let lower = text.to_lowercase();
        let label = lower.trim_end_matches([':', ' ']);
        if pending.take().is_some()
            && let Some(date) = crate::dates::first_date(text)
        {
            return Some(date);
        }
        if DATE_LABELS.contains(&label) {
            pending = Some(i + LABEL_REACH);
        } else if let Some(l) = DATE_LABELS
            .iter()
            .find(|l| lower.starts_with(*l) && lower[l.len()..].starts_with([' ', ':']))
            && let Some((at, date)) = crate::dates::first_date_at(&lower[l.len()..])
            && lower[l.len()..l.len() + at].trim_matches([' ', ':']).len() <= 3
        {
            return Some(date);
        }
    }
    None
}

/// Labels of a publication date (lower case, no colon).
const DATE_LABELS: &[&str] = &[
    "published",
    "published on",
    "posted",
    "posted on",
    "date published",
    "publish date",
    "publication date",
    "first published",
];

/// How many calendar days lie between the dates `a` and `b` (their first ten bytes).
fn days_apart(a: &str, b: &str) -> Option<i64> {
    Some((day_number(a)? - day_number(b)?).abs())
}

/// The number of the day of an ISO date (`YYYY-MM-DD…`) counted from 1970-01-01, in the
/// proleptic Gregorian calendar.
fn day_number(date: &str) -> Option<i64> {
    let part = |r: Range<usize>| date.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (part(0..4)?, part(5..7)?, part(8..10)?);
    // Days from civil (H. Hinnant's algorithm): years start in March.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The first date written in an element whose `class` or `id` names a publication date
/// ("post-date", "entry-published"), unless such elements give more than
/// [`MAX_MARKED_DAYS`] different days: then they date the items of a list (cards, reviews,
/// releases), not the page.
fn marked_date(tree: &Tree) -> Option<String> {
    let dates: Vec<String> = tree
        .facts
        .dated
        .iter()
        .filter_map(|&i| {
            let node = &tree.nodes[i as usize];
            // A dated element holds a line, not a section.
            if node.end - i > MARKED_DATE_NODES {
                return None;
            }
            if says_modified_before(tree, i as usize) {
                return None;
            }
            let text = block_text(tree, i);
            (text.len() <= MARKED_DATE_TEXT)
                .then(|| crate::dates::first_date(&text))
                .flatten()
        })
        .collect();
    if distinct_days(dates.iter().map(String::as_str)) > MAX_MARKED_DAYS {
        return None;
    }
    dates.into_iter().next()
}

/// The most different days the date-naming elements of a page may give (see
/// [`marked_date`]).
const MAX_MARKED_DAYS: usize = 1;

/// The most arena nodes a date-naming element may hold for its text to be read.
const MARKED_DATE_NODES: u32 = 12;

/// The longest text of a date-naming element read, in bytes.
const MARKED_DATE_TEXT: usize = 80;

/// The date of the first `<time>` element, unless the page's `<time>` elements give more
/// than [`MAX_TIME_DAYS`] different days: such a page lists dated items (news lists,
/// archives, comment threads) and its first date is an item's, not the page's.
fn lone_time_date(tree: &Tree) -> Option<String> {
    let dates: Vec<String> = tree
        .facts
        .datetimes
        .iter()
        .filter(|&&(i, _)| !says_modified_before(tree, i as usize))
        .filter_map(|&(_, d)| normalise_date(tree.str(d)))
        .collect();
    if distinct_days(dates.iter().map(String::as_str)) > MAX_TIME_DAYS {
        return None;
    }
    dates.into_iter().next()
}

/// Whether the text just before node `i` says that what follows is an edit, a release, a
/// deadline or an event date, not a publication date ("This page was last modified on",
/// "Last updated on", "Release date:", "Registration Deadline").
fn says_modified_before(tree: &Tree, i: usize) -> bool {
    let mut text = String::new();
    for node in tree.nodes[i.saturating_sub(MODIFIED_LOOKBACK)..i]
        .iter()
        .rev()
    {
        if node.tag.is_none() {
            text.insert_str(0, tree.str(node.text));
        }
    }
    names_another_date(&text) || names_a_deadline_or_event(&text)
}

/// Whether a label names the date of an offer, a deadline, an event, someone's last
/// activity or a member's or group's own date ("Offer valid", "Registration Deadline",
/// "Upcoming events", "Last active", "Joined:", "Founded:"), not a publication date.
fn names_a_deadline_or_event(label: &str) -> bool {
    // A soft hyphen ("Dead\u{ad}line") is invisible: it does not split a word.
    let label = label.replace('\u{ad}', "");
    label
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| DEADLINE_WORDS.contains(&w.to_lowercase().as_str()))
}

/// Words of a label that names an offer's, a deadline's or an event's date (lower case).
const DEADLINE_WORDS: &[&str] = &[
    "valid",
    "deadline",
    "deadlines",
    "expires",
    "expire",
    "ends",
    "through",
    "registration",
    "upcoming",
    "event",
    "events",
    "active",
    // A member's or a group's own dates: "Joined: Mar 2019", "Founded: Dec 11, 2021",
    // "Member since", "a community for 19 years".
    "joined",
    "founded",
    "registered",
    "since",
    "community",
];

/// Whether a line of text is a sentence of running text ("The prime minister has announced
/// that a general election will take place on 4th July 2024."), not a date line: it is at
/// least [`PROSE_WORDS`] words long and has a word only sentences have.
fn reads_as_prose(line: &str) -> bool {
    crate::word_count(line) >= PROSE_WORDS
        && line.split_whitespace().any(|w| {
            let w = w
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            SENTENCE_WORDS.contains(&w.as_str())
        })
}

/// How many words a line has at least to be read as a sentence (see [`reads_as_prose`]).
const PROSE_WORDS: u32 = 8;

/// Whether a label names an edit or a release date rather than a publication date.
fn names_another_date(label: &str) -> bool {
    let label = label.to_lowercase();
    ["modified", "updated", "edited", "revised", "release"]
        .iter()
        .any(|w| label.contains(w))
}

/// How many arena nodes before a date are read by [`says_modified_before`].
const MODIFIED_LOOKBACK: usize = 4;

/// Whether `url` is a site's home page (an empty path).
fn is_home_page(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https") && matches!(url.path(), "" | "/")
}

/// Whether the page at `url` is a site section's front page: its address is plain (see
/// [`is_plain_address`]: "/technology", "/topic/software", "/sections/science/") and it lists
/// several stories (its `<time>` elements give [`SECTION_STORIES`] different days or more,
/// or its byline markup or short texts that many names or days).
fn is_section_page(url: &Url, tree: &Tree) -> bool {
    is_plain_address(url)
        && (time_days(tree) >= SECTION_STORIES
            || byline_names(tree) >= SECTION_STORIES
            || written_days(tree) >= SECTION_STORIES)
}

/// Whether `url` is a short path of plain words ("/technology", "/topic/Car%20Rental"), the
/// address of a section or a landing page: no slug, number or file name of an article's,
/// and not "/article/" and a slug in one word.
fn is_plain_address(url: &Url) -> bool {
    let Some(segments) = url.path_segments() else {
        return false;
    };
    let segments: Vec<&str> = segments.filter(|s| !s.is_empty()).collect();
    !segments.is_empty()
        && segments.len() <= 2
        && url.query().is_none()
        // Read decoded: "/topic/Car%20Rental" names a topic in two words.
        && segments.iter().all(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .is_ok_and(|s| s.chars().all(|c| c.is_alphabetic() || c == ' '))
        })
        // "/article/understandingwebdesign" names one story by its slug.
        && !(segments.len() == 2 && ONE_STORY.contains(&segments[0].to_ascii_lowercase().as_str()))
}

/// Whether the page calls itself an article: its Open Graph type is `article`, or its
/// structured data describes a creative work published on a day (an article, a post, a
/// review, …).
fn declares_an_article(tags: &MetaTags, ld: &JsonLd) -> bool {
    tags.first(&["og:type"])
        .is_some_and(|t| t.eq_ignore_ascii_case("article"))
        || ld.describes_a_dated_work()
}

/// Whether a structured-data type (lower case) is a creative work published on a day: one
/// of [`ARTICLE_TYPES`] but for the last [`DATELESS_TYPES`].
fn is_dated_work_type(t: &str) -> bool {
    ARTICLE_TYPES[..ARTICLE_TYPES.len() - DATELESS_TYPES].contains(&t)
}

/// A first path segment that names one story, whatever the segment after it ("/article/…").
const ONE_STORY: &[&str] = &["article", "story", "post", "entry"];

/// How many different days the page's short visible texts write out ("6 Mar 2026" under
/// each story of a section front), counting up to [`SECTION_STORIES`]. Navigation, forms and
/// hidden subtrees are skipped; footers are read (a story card writes its date in one).
fn written_days(tree: &Tree) -> usize {
    let mut days: Vec<String> = Vec::new();
    for (_, text) in body_texts(tree, |i| tree.attrs(i).hidden) {
        let text = text.trim();
        if text.len() <= MARKED_DATE_TEXT
            && let Some(day) = crate::dates::first_date(text)
            && !days.contains(&day)
        {
            days.push(day);
            if days.len() >= SECTION_STORIES {
                break;
            }
        }
    }
    days.len()
}

/// Whether the page offers a product for sale: its Open Graph type is a product's
/// (`product`, `product.item`, `product.group`), or its structured data describes a
/// `Product` and no article (a review of a product is an article).
fn is_product_page(tags: &MetaTags, ld: &JsonLd) -> bool {
    let og_product = tags
        .first(&["og:type"])
        .is_some_and(|t| t.to_ascii_lowercase().starts_with("product"));
    og_product || (ld.describes(&["product"]) && !ld.describes_a_dated_work())
}

/// Whether the page is a shop's or a catalogue's list or item page rather than a text
/// published on a day: its structured data describes a `CollectionPage`, an `ItemPage` or
/// a `SearchResultsPage` and no article, or one of the first segments of its path is a
/// shop's or a category's (`/shop/`, `/category/…`, `/collections/…`). The dates such pages
/// state are when the shop or the CMS last wrote them.
fn is_catalogue_page(ld: &JsonLd, url: &Url) -> bool {
    (ld.describes(CATALOGUE_TYPES) && !ld.describes_a_dated_work())
        || leading_segment_in(url, CATALOGUE_SEGMENTS)
}

/// Structured-data types (lower case) of a page that lists things or shows one item.
const CATALOGUE_TYPES: &[&str] = &["collectionpage", "itempage", "searchresultspage"];

/// Path segments (lower case) under which sites put their lists: WooCommerce's `/shop/` and
/// `/product-category/`, Shopify's `/collections/`, WordPress's `/category/`, lists of
/// recent items (`/list/`) and of events (`/schedule`).
const CATALOGUE_SEGMENTS: &[&str] = &[
    "shop",
    "category",
    "categories",
    "product-category",
    "collections",
    "list",
    "schedule",
];

/// Whether the page at `url` is software documentation or a wiki: its host is a
/// documentation host (`docs.`, `doc.`, `developer.`, `wiki.`, `*.readthedocs.io`) or one of
/// the first segments of its path is `docs`, `doc`, `documentation`, `manual` or `wiki`.
/// Such pages are reference texts, revised in place; they have no publication day.
fn is_documentation_page(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.to_ascii_lowercase();
    let first_label = host.split('.').next().unwrap_or("");
    if matches!(first_label, "docs" | "doc" | "developer" | "wiki")
        || host.ends_with(".readthedocs.io")
    {
        return true;
    }
    leading_segment_in(url, &["docs", "doc", "documentation", "manual", "wiki"])
}

/// Whether one of the first [`LEADING_SEGMENTS`] segments of `url`'s path is one of `names`
/// (lower case), in any case.
fn leading_segment_in(url: &Url, names: &[&str]) -> bool {
    url.path_segments().is_some_and(|segments| {
        segments
            .take(LEADING_SEGMENTS)
            .any(|s| names.contains(&s.to_ascii_lowercase().as_str()))
    })
}

/// How many leading path segments [`is_documentation_page`] and [`is_catalogue_page`] read
/// ("/en-US/docs/Web", "/us/en/shop/…").
const LEADING_SEGMENTS: usize = 3;

/// How many stories with their own date or author make a page a list of them.
const SECTION_STORIES: usize = 3;

/// How many different days the page's `<time datetime>` elements give.
fn time_days(tree: &Tree) -> usize {
    let dates: Vec<String> = tree
        .facts
        .datetimes
        .iter()
        .filter_map(|&(_, d)| normalise_date(tree.str(d)))
        .collect();
    distinct_days(dates.iter().map(String::as_str))
}

/// How many different days the ISO dates `dates` (`YYYY-MM-DD…`) name.
fn distinct_days<'a>(dates: impl IntoIterator<Item = &'a str>) -> usize {
    let mut days: Vec<&str> = dates
        .into_iter()
        .map(|d| d.get(..10).unwrap_or(d))
        .collect();
    days.sort_unstable();
    days.dedup();
    days.len()
}

/// How many different names the page's byline markup (`rel=author`, `itemprop=author`,
/// `.author`, `.byline`, `.author-name`) gives (counting stops at [`SECTION_STORIES`]).
fn byline_names(tree: &Tree) -> usize {
    use crate::engine::tree::byline as marker;
    const SIGNED: u8 = marker::REL_AUTHOR
        | marker::ITEMPROP_AUTHOR
        | marker::CLASS_BYLINE
        | marker::CLASS_AUTHOR
        | marker::CLASS_AUTHOR_NAME;
    let mut names: Vec<String> = Vec::new();
    for &i in &tree.facts.bylines {
        if tree.attrs(i as usize).byline & SIGNED == 0 {
            continue;
        }
        let text = block_text(tree, i);
        if text.len() > BYLINE_MARKUP_MAX {
            continue;
        }
        if let Some(name) = clean_byline(&text).map(|n| n.to_lowercase())
            && !names.contains(&name)
        {
            names.push(name);
            if names.len() >= SECTION_STORIES {
                break;
            }
        }
    }
    names.len()
}

/// The most different days a page's `<time>` elements may give for the first to be taken as
/// the page's date (see [`lone_time_date`]).
const MAX_TIME_DAYS: usize = 3;

/// The heading the page's title heads: the first `<h1>` whose text is the title, else the
/// first `<h2>` or `<h3>` whose text is, else the first `<h1>`.
fn title_heading(tree: &Tree, title: Option<&str>) -> Option<usize> {
    use crate::engine::tag::Tag;
    let key = |s: &str| collapse(&crate::entities::decode(s)).to_lowercase();
    let title = title.map(key);
    let h1s = &tree.facts.h1s;
    let is_title = |i: usize| title.as_deref() == Some(key(&tree.text_of(i)).as_str());
    h1s.iter()
        .map(|&h| h as usize)
        .find(|&h| is_title(h))
        // A blog that writes the title in an `<h2>` or `<h3>` (its `<h1>`s are the site's
        // name, or headings inside the article): the first such heading that says it.
        .or_else(|| {
            title.as_ref()?;
            (tree.body()..tree.len())
                .find(|&i| matches!(tree.tag(i), Some(Tag::Heading(2 | 3))) && is_title(i))
        })
        .or_else(|| h1s.first().map(|&h| h as usize))
}

/// One line of visible text near the title heading: the text of consecutive inline nodes
/// up to a block boundary.
#[derive(Debug, Default)]
struct Line {
    /// The text, white space collapsed (empty for a `<time datetime>`).
    text: String,
    /// The date of a `<time datetime>` element.
    datetime: Option<String>,
    /// Visible text read before the line started, in bytes.
    at: usize,
    /// The arena node the line starts at.
    node: usize,
}

/// A date the header lines show.
#[derive(Debug)]
struct ShownDate {
    /// The date, ISO 8601.
    date: String,
    /// Whether a reader sees it written out (a `<time datetime>` may show other words).
    written: bool,
    /// Whether the page calls it an update: "Last updated: …", `<time>Updated on …</time>`,
    /// or an element classed as one ([`classed_as_updated`]).
    update: bool,
}

/// Whether element `i` or its parent is classed as the date of an update: a class that
/// names one ("updated-on", "dateblock-updated", "last-modified"), or hAtom's `updated`
/// without `published` beside it (WordPress marks one date `published updated`).
fn classed_as_updated(tree: &Tree, i: usize) -> bool {
    let mut at = i;
    for _ in 0..2 {
        let Some(node) = tree.nodes.get(at) else {
            return false;
        };
        if node.tag.is_some() {
            let signal = tree.str(tree.attrs(at).signal);
            let classes = || signal.split_ascii_whitespace();
            let published = classes().any(|c| c == "published");
            if classes().any(|c| {
                (c.contains("updated") || c.contains("modified")) && !(c == "updated" && published)
            }) {
                return true;
            }
        }
        at = node.parent as usize;
    }
    false
}

/// The short lines of visible text around the title heading, where pages write their date
/// line and byline: up to [`HEADER_BEFORE`] bytes before the heading (nearest last) and
/// [`HEADER_AFTER`] after it. Navigation, footers, asides, forms and hidden subtrees are
/// skipped. Without a heading, the start of the body is read.
#[derive(Debug, Default)]
struct HeaderLines {
    before: Vec<Line>,
    after: Vec<Line>,
    /// The arena nodes the lines were read from.
    nodes: Range<usize>,
}

impl HeaderLines {
    fn read(tree: &Tree, title: Option<&str>) -> Self {
        use crate::engine::tag::Tag;
        let anchor = title_heading(tree, title);
        let body = tree.body();
        let end = tree.nodes[body].end as usize;
        let mut out = HeaderLines::default();
        let mut before: std::collections::VecDeque<Line> = Default::default();
        let mut read = 0usize;
        // Where the text after the anchor starts (`None`: the anchor is not reached yet).
        let mut after_start: Option<usize> = anchor.is_none().then_some(0);
        let mut line = Line::default();
        let mut line_end = 0usize;
        let mut times = tree.facts.datetimes.iter().peekable();
        let mut i = body;
        let flush = |line: &mut Line,
                     after: bool,
                     read: usize,
                     before: &mut std::collections::VecDeque<Line>,
                     out: &mut HeaderLines| {
            let done = std::mem::replace(
                line,
                Line {
                    at: read,
                    ..Line::default()
                },
            );
            if done.text.is_empty() && done.datetime.is_none() {
                return;
            }
            if after {
                out.after.push(done);
            } else {
                before.push_back(done);
                while before
                    .front()
                    .is_some_and(|l| read.saturating_sub(l.at) > HEADER_BEFORE)
                {
                    before.pop_front();
                }
            }
        };
        while i < end {
            if i >= line_end {
                flush(
                    &mut line,
                    after_start.is_some(),
                    read,
                    &mut before,
                    &mut out,
                );
            }
            if after_start.is_some_and(|start| read - start > HEADER_AFTER) {
                break;
            }
            if anchor == Some(i) {
                flush(&mut line, false, read, &mut before, &mut out);
                i = tree.nodes[i].end as usize;
                after_start = Some(read);
                while before
                    .front()
                    .is_some_and(|l| read.saturating_sub(l.at) > HEADER_BEFORE)
                {
                    before.pop_front();
                }
                continue;
            }
            let node = &tree.nodes[i];
            match node.tag {
                Some(tag) => {
                    let attrs = tree.attrs(i);
                    if matches!(
                        tag,
                        Tag::Invisible
                            | Tag::Nav
                            | Tag::Footer
                            | Tag::Aside
                            | Tag::Form
                            | Tag::Control
                    ) || attrs.hidden
                        || attrs.boiler_role
                    {
                        i = node.end as usize;
                        continue;
                    }
                    while times.peek().is_some_and(|&&(t, _)| (t as usize) < i) {
                        times.next();
                    }
                    if let Some(&&(t, datetime)) = times.peek()
                        && t as usize == i
                        && let Some(date) = normalise_date(tree.str(datetime))
                    {
                        flush(
                            &mut line,
                            after_start.is_some(),
                            read,
                            &mut before,
                            &mut out,
                        );
                        line.datetime = Some(date);
                        line.node = i;
                        flush(
                            &mut line,
                            after_start.is_some(),
                            read,
                            &mut before,
                            &mut out,
                        );
                        i = node.end as usize;
                        continue;
                    }
                    if tag.is_block() || tag == Tag::Br {
                        flush(
                            &mut line,
                            after_start.is_some(),
                            read,
                            &mut before,
                            &mut out,
                        );
                        line_end = node.end as usize;
                    }
                }
                None => {
                    let text = tree.str(node.text);
                    if !text.trim().is_empty() {
                        if line.text.is_empty() {
                            line.node = i;
                        }
                        read += text.len();
                        if line.text.len() <= HEADER_LINE + 1 {
                            for word in text.split_whitespace() {
                                if !line.text.is_empty() {
                                    line.text.push(' ');
                                }
                                line.text.push_str(word);
                            }
                        }
                    }
                }
            }
            i += 1;
        }
        flush(
            &mut line,
            after_start.is_some(),
            read,
            &mut before,
            &mut out,
        );
        if anchor.is_some() && after_start.is_some() {
            out.before = before.into_iter().collect();
        }
        let first = out
            .before
            .first()
            .or(out.after.first())
            .map_or(i, |l| l.node.min(anchor.unwrap_or(l.node)));
        out.nodes = first..i;
        out
    }

    /// The lines to look at, nearest the heading first: those after it, then those before
    /// it from the nearest.
    fn nearest(&self) -> impl Iterator<Item = &Line> {
        self.after
            .iter()
            .chain(self.before.iter().rev())
            .filter(|l| l.text.len() <= HEADER_LINE)
    }

    /// The first date written on a line (or in a `<time datetime>`), unless the text before
    /// it on that line or the line before says it is a release or modification date
    /// ("Release Date:" on a line of its own).
    fn date(&self, tree: &Tree) -> Option<String> {
        self.shown_date(tree).map(|shown| shown.date)
    }

    /// [`Self::date`], whether a reader sees it written, and whether the page calls it an
    /// update.
    fn shown_date(&self, tree: &Tree) -> Option<ShownDate> {
        // The lines in reading order, each with the line before it.
        let in_order: Vec<&Line> = self.before.iter().chain(&self.after).collect();
        let label_before = |line: &Line| {
            let k = in_order.iter().position(|l| std::ptr::eq(*l, line))?;
            k.checked_sub(1).map(|p| in_order[p].text.as_str())
        };
        self.nearest().find_map(|l| {
            let (date, lead) = match &l.datetime {
                Some(d) => (d.clone(), ""),
                None => {
                    let (at, d) = crate::dates::first_date_at(&l.text)?;
                    (d, &l.text[..at])
                }
            };
            let label = if lead.trim().is_empty() {
                label_before(l).unwrap_or("")
            } else {
                lead
            };
            // Pages that show only an "Updated" date near the title mean it as the date
            // readers go by; a release date is a product's.
            // An offer's end, a deadline or an event's day is not the page's; nor is a date
            // inside a sentence of running text.
            let label = label.to_lowercase();
            (!label.contains("release")
                && !label.contains("modified")
                // "Book a package by Dec 31, 2025": a date the line opens with "By" is when
                // an offer ends ("Written By Feb 11, 2019" is a byline without its name).
                && !lead.trim().eq_ignore_ascii_case("by")
                && !names_a_deadline_or_event(&label)
                && !reads_as_prose(&l.text))
            .then(|| {
                // A `<time datetime>` line is the `<time>` element; a text line starts in a
                // text node, inside the element that holds it.
                let (element, shown) = if l.datetime.is_some() {
                    (l.node, collapse(&tree.text_of(l.node)).to_lowercase())
                } else {
                    let parent = tree.nodes.get(l.node).map_or(l.node, |n| n.parent as usize);
                    (parent, String::new())
                };
                ShownDate {
                    // `<time datetime="…">3 days ago</time>`: the reader sees no day.
                    written: l.datetime.is_none() || crate::dates::first_date(&shown).is_some(),
                    update: classed_as_updated(tree, element)
                        || label.contains("updat")
                        || shown.contains("updat")
                        // A forum's "Last post by Ann, Jan 18, 2024".
                        || label.contains("last post"),
                    date,
                }
            })
        })
    }

    /// Whether a header line shows the day of ISO date `iso`, written out or in a `<time
    /// datetime>`.
    fn shows_day(&self, iso: &str) -> bool {
        let Some(day) = iso.get(..10) else {
            return false;
        };
        self.nearest().any(|l| {
            if l.datetime.as_deref().and_then(|d| d.get(..10)) == Some(day) {
                return true;
            }
            let mut rest = l.text.as_str();
            while let Some((at, d)) = crate::dates::first_date_at(rest) {
                if d.get(..10) == Some(day) {
                    return true;
                }
                // Past the date's first character, to find the next one.
                let next = rest[at..]
                    .char_indices()
                    .nth(1)
                    .map_or(rest.len(), |(n, _)| at + n);
                rest = &rest[next..];
            }
            false
        })
    }

    /// Author names written on a byline line: "By Ann Lee", "Posted on May 3, 2024 by Ann
    /// Lee", or a line saying only "Written by" followed by the names.
    fn byline(&self, tree: &Tree) -> Option<String> {
        let lines: Vec<&Line> = self.nearest().collect();
        lines.iter().enumerate().find_map(|(k, l)| {
            // A customer review's "By Ann" under a product's name does not sign the page.
            if in_review_or_comment(tree, l.node) {
                return None;
            }
            let text = l.text.as_str();
            let lower = text.to_lowercase();
            let label = lower.trim_end_matches([':', ' ']);
            if BYLINE_LABELS.contains(&label) {
                // The names are on the next line in reading order.
                let next = if k < self.after.len() {
                    self.after.get(k + 1)
                } else {
                    None
                };
                return next
                    .filter(|n| crate::word_count(&n.text) <= LABELLED_WORDS)
                    .and_then(|n| clean_byline(&n.text));
            }
            if BYLINE_PREFIXES.iter().any(|p| lower.starts_with(p)) {
                return clean_byline(text);
            }
            // "Published May 3, 2024 by Ann Lee", "May 3, 2024 · By Ann Lee"; not a sentence
            // ("The story is based on a book written by Vinoy Thomas.").
            if reads_as_prose(text) {
                return None;
            }
            let at = lower.find(" by ")?;
            let head = &text[..at];
            (crate::dates::first_date(head).is_some()
                || head
                    .to_lowercase()
                    .split_whitespace()
                    .any(|w| matches!(w, "posted" | "published" | "written" | "updated" | "story")))
            .then(|| clean_byline(&text[at + 1..]))
            .flatten()
        })
    }
}

/// Lines that only announce the byline on the next line.
const BYLINE_LABELS: &[&str] = &[
    "by",
    "written by",
    "posted by",
    "words by",
    "author",
    "authors",
    "article by",
    "story by",
    "text by",
];

/// The start of a byline line (lower case).
const BYLINE_PREFIXES: &[&str] = &[
    "this post was written by ",
    "this article was written by ",
    "by ",
    "by:",
    "written by ",
    "posted by ",
    "words by ",
    "story by ",
    "text by ",
    "article by ",
    "recipe by ",
    "authors:",
    "author:",
    "contributors:",
    "contributor:",
];

/// A `/YYYY/MM/DD/` date in the URL path, or a path segment that starts with
/// `YYYY-MM-DD` (`/articles/2025-12-15-title`).
fn date_from_url(url: &Url) -> Option<String> {
    let segments: Vec<&str> = url.path_segments()?.collect();
    segments
        .windows(3)
        .find_map(|w| {
            // "/2023/10/03/", or the month by name: "/2023/october/03/".
            let month = if w[1].len() == 2 {
                Some(w[1].to_string())
            } else {
                crate::dates::month(w[1]).map(|m| format!("{m:02}"))
            };
            let ok = w[0].len() == 4 && w[2].len() == 2;
            ok.then(|| normalise_date(&format!("{}-{}-{}", w[0], month?, w[2])))?
        })
        .or_else(|| {
            segments.iter().find_map(|s| {
                let head = s.get(..10)?;
                let after = s.as_bytes().get(10);
                (after.is_none_or(|b| !b.is_ascii_digit()) && head.as_bytes()[4] == b'-')
                    .then(|| normalise_date(head))?
                    .filter(|d| d.len() == 10)
            })
        })
}

fn split_keywords(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(collapse)
        .filter(|k| !k.is_empty() && k.chars().count() <= 80)
        .collect()
}

/// Remove later values equal to an earlier one without regard to case, keeping the order.
pub(crate) fn dedup_case_insensitive(values: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    values.retain(|v| seen.insert(v.to_lowercase()));
}

/// Characters that a browser does not show (or shows only at a line break): the soft
/// hyphen of `Assis&shy;tance`, zero-width spaces and joiners, the byte-order mark.
const INVISIBLE_CHARS: [char; 4] = ['\u{ad}', '\u{200b}', '\u{2060}', '\u{feff}'];

/// Collapse runs of white space to one space and trim, leaving out the characters a reader
/// does not see ([`INVISIBLE_CHARS`]).
pub(crate) fn collapse(s: &str) -> String {
    if s.contains(INVISIBLE_CHARS) {
        let seen: String = s.chars().filter(|c| !INVISIBLE_CHARS.contains(c)).collect();
        return collapse(&seen);
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The JSON-LD objects of a page, flattened (`@graph`, arrays).
struct JsonLd {
    objects: Vec<Value>,
}

/// Parse one JSON-LD script. Many sites write raw line breaks and tabs inside its strings,
/// which JSON forbids and browsers' consumers (search engines) accept: read those as spaces.
/// A `<![CDATA[ … ]]>` or `<!-- … -->` wrapper (left over from XHTML habits) is dropped.
fn parse_json_ld(text: &str) -> Option<Value> {
    let text = text.trim();
    let text = text
        .strip_prefix("<![CDATA[")
        .and_then(|t| t.strip_suffix("]]>"))
        .or_else(|| {
            text.strip_prefix("<!--")
                .and_then(|t| t.strip_suffix("-->"))
        })
        .map_or(text, str::trim);
    match serde_json::from_str::<Value>(text) {
        Ok(value) => Some(value),
        Err(e) if e.is_syntax() && text.contains(|c: char| c.is_ascii_control()) => {
            let spaced: String = text
                .chars()
                .map(|c| if c.is_ascii_control() { ' ' } else { c })
                .collect();
            serde_json::from_str(&spaced).ok()
        }
        Err(_) => None,
    }
}

impl JsonLd {
    fn read(tree: &Tree) -> Self {
        let mut objects = Vec::new();
        for &script in &tree.facts.json_ld {
            let text = tree.text_of(script as usize);
            let Some(value) = parse_json_ld(&text) else {
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

    /// The first valid date under `key` (`datePublished`) of a creative work that is
    /// published as such (an article, post, review, …). The date of a `WebPage`, `Product`
    /// or `WebSite` is when the CMS created the page: site generators state it on every
    /// page, so it says nothing about the content being dated.
    fn date(&self, key: &str) -> Option<String> {
        self.main()
            .filter(|o| type_names(o).iter().any(|t| is_dated_work_type(t)))
            .find_map(|o| as_text(o.get(key)?).and_then(|d| normalise_date(&d)))
    }

    /// Whether one of the objects is of one of `types` (lower case).
    fn describes(&self, types: &[&str]) -> bool {
        self.main()
            .flat_map(type_names)
            .any(|t| types.contains(&t.as_str()))
    }

    /// Whether one of the objects is a creative work published on a day (an article, a
    /// post, a review, …).
    fn describes_a_dated_work(&self) -> bool {
        self.main()
            .flat_map(type_names)
            .any(|t| is_dated_work_type(&t))
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

    fn author_names(&self) -> Option<Vec<String>> {
        self.main().find_map(|o| {
            let author = o.get("author").or_else(|| o.get("creator"))?;
            let items: Vec<&Value> = match author {
                Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            let mut names: Vec<String> = items
                .into_iter()
                .filter_map(|a| match a {
                    // An organisation is the publisher speaking, not an author.
                    Value::Object(_) if type_names(a).iter().any(|t| t == "organization") => None,
                    Value::Object(_) => as_text(a.get("name")?),
                    other => as_text(other),
                })
                .filter_map(|n| clean_byline(&n))
                .collect();
            dedup_case_insensitive(&mut names);
            (!names.is_empty()).then_some(names)
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
            let s = collapse(&crate::entities::decode(s));
            (!s.is_empty()).then_some(s)
        }
        Value::Array(items) => items.first().and_then(as_text),
        _ => None,
    }
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
        let url = Url::parse("https://wine.example/blog/2023/october/03/wine-types/").unwrap();
        assert_eq!(date_from_url(&url).as_deref(), Some("2023-10-03"));
        assert_eq!(
            date_from_url(&Url::parse("https://x.example/a/b").unwrap()),
            None
        );
    }

    #[test]
    fn the_permalink_tells_which_way_a_numeric_date_is_written() {
        let page = "<h1>A guide to wine types</h1><p>03/10/2023</p><p>Text.</p>";
        // Month first by default…
        let meta = read(page, "https://wine.example/blog/wine-types/");
        assert_eq!(meta.published.as_deref(), Some("2023-03-10"));
        // …day first when the address says so.
        let meta = read(
            page,
            "https://wine.example/blog/2023/october/03/wine-types/",
        );
        assert_eq!(meta.published.as_deref(), Some("2023-10-03"));
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
        assert_eq!(clean_byline("10 mins read"), None);
        // A book's credit, a hidden address and a qualified job title are not names; an
        // affiliation in parentheses stays.
        for (raw, name) in [
            ("James Clear (Author)", "James Clear"),
            // A footnote mark after the name.
            (
                "Written By Angela Holliday-Bell, MD*",
                "Angela Holliday-Bell, MD",
            ),
            (
                "Ann Lee (Author), Bo Chan (Illustrator)",
                "Ann Lee, Bo Chan",
            ),
            ("Zach Hanley (Horizon3.ai)", "Zach Hanley (Horizon3.ai)"),
            (
                "Valentin Lobstein [email\u{a0}protected] and Zach Hanley",
                "Valentin Lobstein and Zach Hanley",
            ),
            ("Liza Burke Marketing Director", "Liza Burke"),
            ("Keith Barry Senior Autos Reporter", "Keith Barry"),
        ] {
            assert_eq!(clean_byline(raw).as_deref(), Some(name), "{raw}");
        }
    }

    #[test]
    fn reviewers_are_told_from_authors() {
        assert_eq!(
            reviewed_by("Reviewed by Ann Lee, DVM"),
            Some("Ann Lee, DVM")
        );
        assert_eq!(reviewed_by("Fact checked by: Bo Chan"), Some("Bo Chan"));
        assert_eq!(
            reviewed_by("  Medically reviewed by Cy Dee"),
            Some("Cy Dee")
        );
        assert_eq!(reviewed_by("Reviewedby Ann"), None);
        assert_eq!(reviewed_by("By Ann Lee"), None);
        let page = |boxes: &str| {
            let html = format!("<h1>A guide</h1>{boxes}<p>Text of the guide.</p>");
            read(&html, "https://guide.example/guides/a-guide").byline
        };
        // The fact checker's box comes first, the author's after it.
        assert_eq!(
            page(
                "<div class=byline>Fact checked by Bo Chan</div>                 <div class=byline>By Ann Lee</div>"
            )
            .as_deref(),
            Some("Ann Lee")
        );
        // Nobody else is named: the reviewer is the one person the page credits.
        assert_eq!(
            page("<div class=byline>Reviewed by Justin C. Meserole, on December 9, 2024.</div>")
                .as_deref(),
            Some("Justin C. Meserole")
        );
    }

    #[test]
    fn an_author_box_gives_the_name_not_its_other_parts() {
        let page = |head: &str, body: &str| {
            let html = format!(
                "<html><head>{head}</head><body><h1>A story</h1>{body}<p>Text.</p></body></html>"
            );
            read(&html, "https://blog.example/blog/a-story").byline
        };
        // The box around the name also holds the job title and the date.
        assert_eq!(
            page(
                "",
                "<div class=t-blogpost-author-info>\
                 <div class=t-blogpost-author-name>Liza Burke</div>\
                 <div class=t-blogpost-author-position>Chief People Officer</div>\
                 <div class=t-blogpost-date>May 14, 2025</div></div>"
            )
            .as_deref(),
            Some("Liza Burke")
        );
        // A description of the author is not a name.
        assert_eq!(
            page(
                "",
                "<div class=dynamic-author-description>Licensed Q Arabica Grader</div>"
            ),
            None
        );
        // The teaser cards of other posts name their own authors.
        assert_eq!(
            page(
                "",
                "<div class=card><p class=card-blog-author-name>Dusan Stevic</p></div>"
            ),
            None
        );
        // The site is listed first among the authors; the person after it wrote the story.
        assert_eq!(
            page(
                "<meta property=og:site_name content=Corti>",
                "<div class=video-post_author-name>Corti</div>\
                 <div class=video-post_author-name>Joakim Edin</div>"
            )
            .as_deref(),
            Some("Joakim Edin")
        );
    }

    /// Regression: prefixes were compared by byte slicing, which panicked when a prefix's
    /// length fell inside a multi-byte character (found by `cargo xtask eval`).
    #[test]
    fn bylines_with_multibyte_characters_do_not_panic() {
        assert_eq!(clean_byline("肖春芳").as_deref(), Some("肖春芳"));
        assert_eq!(
            clean_byline("Aleš Vávra před 2 hodinami").as_deref(),
            Some("Aleš Vávra")
        );
        assert_eq!(clean_byline("Bé").as_deref(), Some("Bé"));
    }

    #[test]
    fn a_description_after_the_names_is_cut() {
        for (raw, expected) in [
            (
                "This post was written by Vanessa Mendez, MD , gastroenterologist, \
                 Parkview Health.",
                Some("Vanessa Mendez, MD"),
            ),
            (
                "Manoj Jain and Jagpreet Chhatwal, The Commercial Appeal",
                Some("Manoj Jain and Jagpreet Chhatwal"),
            ),
            ("Mayank Gupta, CEO of CaseBasix", Some("Mayank Gupta")),
            ("Tracy Parker, Dietitian", Some("Tracy Parker")),
            (
                "Nicole Forbes, Master Horticulturalist & Garden Educator",
                Some("Nicole Forbes"),
            ),
            // Several authors stay, with their credentials; so do handles in lower case,
            // and a sentence stays refused.
            (
                "Ann Lee, Bo Chan, and Marna van der Merwe",
                Some("Ann Lee, Bo Chan, and Marna van der Merwe"),
            ),
            (
                "Doris Munoz-Mantilla, MD, FOMA, Ph.D.",
                Some("Doris Munoz-Mantilla, MD, FOMA, Ph.D."),
            ),
            ("kovarex, felixen", Some("kovarex, felixen")),
            // Two names joined by "and" after a comma are names, each judged alone.
            (
                "Ann Lee, MD, Bo Chan and Cy Dee",
                Some("Ann Lee, MD, Bo Chan and Cy Dee"),
            ),
            // The last name of a list after its conjunction, in any of the byline languages.
            (
                "Anna Schmidt, Lena Vogt, und Jan Weber",
                Some("Anna Schmidt, Lena Vogt, und Jan Weber"),
            ),
            (
                "Ana Ruiz, Luis Gil, y Marta Sanz",
                Some("Ana Ruiz, Luis Gil, y Marta Sanz"),
            ),
            ("By following the tips below, you can stay safe", None),
        ] {
            assert_eq!(clean_byline(raw).as_deref(), expected, "{raw}");
        }
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
        let none = KnownTitles {
            stated: Vec::new(),
            headings: Vec::new(),
        };
        assert_eq!(
            clean_title("Big news today | The Daily", Some("The Daily"), &none),
            "Big news today"
        );
        assert_eq!(
            clean_title("The Daily - Big news today", Some("The Daily"), &none),
            "Big news today"
        );
        assert_eq!(
            clean_title("A long title of an article - Site", None, &none),
            "A long title of an article"
        );
        assert_eq!(clean_title("Q - A", None, &none), "Q - A");
        assert_eq!(
            clean_title(
                "Part one: the beginning | Site",
                None,
                &KnownTitles {
                    stated: vec!["Part one: the beginning".into()],
                    headings: Vec::new(),
                }
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
    fn references_escaped_twice_are_decoded_in_meta_tags_json_ld_and_headings() {
        let page = "<html><head><title>Data Tools: Python, SQL &amp;#x26; AI</title>\
            <meta name=description content='Bear&amp;#39;s pricing &amp;amp; costs&amp;nbsp;'>\
            <script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"author\": \
            {\"@type\": \"Person\", \"name\": \"Ann O&rsquo;Neil\"}}</script></head>\
            <body><h1>Data Tools: Python, SQL &amp;#x26; AI</h1><p>Text.</p></body></html>";
        let meta = read(page, "https://a.example/data-tools");
        assert_eq!(meta.title.as_deref(), Some("Data Tools: Python, SQL & AI"));
        assert_eq!(meta.description.as_deref(), Some("Bear's pricing & costs"));
        assert_eq!(meta.byline.as_deref(), Some("Ann O’Neil"));
        // What is not a whole reference stays.
        let page = "<head><meta name=description content='AT&amp;T &amp;copy and &amp;#xg;'>\
                    </head><p>Text.</p>";
        let meta = read(page, "https://a.example/att");
        assert_eq!(meta.description.as_deref(), Some("AT&T &copy and &#xg;"));
    }

    #[test]
    fn dates_written_near_the_title_are_read() {
        let prose = format!(
            "<h1>Tides</h1><p>{} On March 3, 2024 the harbour flooded.</p>",
            "The tide rises twice a day. ".repeat(8)
        );
        let cases: [(&str, &str, Option<&str>); 9] = [
            // A date line under the heading, split over inline elements; not the one in
            // the navigation.
            (
                "<nav>May 1, 2020</nav><h1>Tides</h1><div><span>Nov</span> 14, 2025</div>",
                "https://a.example/x",
                Some("2025-11-14"),
            ),
            // Shortly before the heading.
            (
                "<p>Posted 3 March 2024</p><h1>Tides</h1><p>Text</p>",
                "https://a.example/x",
                Some("2024-03-03"),
            ),
            // A `<time datetime>` near the heading: its attribute, not its text.
            (
                "<h1>Tides</h1><time datetime='2024-02-01T10:00:00Z'>Yesterday</time>",
                "https://a.example/x",
                Some("2024-02-01T10:00:00Z"),
            ),
            // A date inside running prose is not the page's date.
            (&prose, "https://a.example/x", None),
            // The stated publication date wins over a date written on the page.
            (
                "<meta property='article:published_time' content='2023-01-02'>\
                 <h1>Tides</h1><p>Updated March 3, 2024</p>",
                "https://a.example/news/tides-rise",
                Some("2023-01-02"),
            ),
            // A last-modified date is not a publication date; the URL's is.
            (
                "<meta property='article:modified_time' content='2022-05-06'><p>x</p>",
                "https://a.example/2020/01/02/x",
                Some("2020-01-02"),
            ),
            // When an offer ends is not the page's date: "By Dec 31, 2025", and a deadline
            // whose label has a soft hyphen in it.
            (
                "<h1>Offers</h1><p>Book a package</p><p>By Dec 31, 2025</p>",
                "https://a.example/offers",
                None,
            ),
            (
                "<h1>Repairs</h1><p>Dead\u{ad}line to apply: March 1st, 2026</p>",
                "https://a.example/repairs",
                None,
            ),
            // A byline whose name is missing still dates the page.
            (
                "<h1>Tides</h1><p>Written By Feb 11, 2019 · 3 min read</p>",
                "https://a.example/x",
                Some("2019-02-11"),
            ),
        ];
        for (html, url, want) in cases {
            assert_eq!(read(html, url).published.as_deref(), want, "{html}");
        }
    }

    #[test]
    fn bylines_written_near_the_title_are_read() {
        let comments = format!(
            "<h1>T</h1><p>{}</p><div class=comment-author>Fan</div>",
            "Words of the article. ".repeat(100)
        );
        let cases: [(&str, Option<&str>); 6] = [
            (
                "<h1>Tides</h1><p>By Ann Lee · May 3, 2024</p>",
                Some("Ann Lee"),
            ),
            (
                "<h1>Tides</h1><p>Written by</p><p>Bo Chan</p>",
                Some("Bo Chan"),
            ),
            (
                "<h1>Tides</h1><p>Published May 3, 2024 by Cy Dunn</p>",
                Some("Cy Dunn"),
            ),
            (
                "<meta name='twitter:label1' content='Written by'>\
                 <meta name='twitter:data1' content='Di Eve'><h1>Tides</h1>",
                Some("Di Eve"),
            ),
            // Blocks inside a byline element do not glue the name to the date.
            (
                "<h1>T</h1><div class=post-author><p>Ed Fox</p><p>Dec 18, 2025</p></div>",
                Some("Ed Fox"),
            ),
            // An element whose class only contains "author" counts near the title, not in
            // the comments.
            (&comments, None),
        ];
        for (html, want) in cases {
            assert_eq!(
                read(html, "https://a.example/post").byline.as_deref(),
                want,
                "{html}"
            );
        }
    }

    #[test]
    fn organisations_and_user_names_are_not_preferred_authors() {
        let byline = |body: &str| read(body, "https://a.example/post").byline;
        let ld = r#"<script type="application/ld+json">{"@type":"Article",
            "author":{"@type":"Organization","name":"Acme"}}</script>"#;
        assert_eq!(byline(ld), None);
        // A user name from a meta tag gives way to the name on the page...
        assert_eq!(
            byline("<meta name=author content=ann-lee><h1>T</h1><p>By Ann Lee</p>").as_deref(),
            Some("Ann Lee")
        );
        // ...and is kept when there is nothing else.
        assert_eq!(
            byline("<meta name=author content=annlee><p>x</p>").as_deref(),
            Some("annlee")
        );
    }

    #[test]
    fn author_strings_lose_what_is_not_a_name() {
        for (raw, want) in [
            ("Posted by BeauHD", Some("BeauHD")),
            ("Newsdesk news@example.com", Some("Newsdesk")),
            (
                "GILLIAN MOHNEY March 11, 2015 3:46 PM",
                Some("GILLIAN MOHNEY"),
            ),
            ("Ann Lee Updated 3 hours ago", Some("Ann Lee")),
            ("Post by galitsyn » Sat", Some("galitsyn")),
            ("Author Isaiah Shelton", Some("Isaiah Shelton")),
            ("Ann Lee and Bo Chan", Some("Ann Lee and Bo Chan")),
            ("Written By", None),
            ("View all posts", None),
            ("Name *", None),
            ("© 2025 The Pennsylvania State University", None),
            ("undefined", None),
            // Job titles, counters and dates glued to the names.
            ("Keith Barry Senior Autos Reporter", Some("Keith Barry")),
            ("Liz Kenny Former McKinsey Consultant", Some("Liz Kenny")),
            (
                "Matthew Richardson ⋅ Review Editor ⋅",
                Some("Matthew Richardson"),
            ),
            ("Luke KimDecember 17, 2025", Some("Luke Kim")),
            (
                "Mateusz HabernyFounder at Oakywood",
                Some("Mateusz Haberny"),
            ),
            ("Brian Becker 7", Some("Brian Becker")),
            ("Craig McCarthy", Some("Craig McCarthy")),
            ("Authored by: Dr. Ehsan Jazini", Some("Dr. Ehsan Jazini")),
            ("Rob Ewaschuk Edited by Betsy Beyer", Some("Rob Ewaschuk")),
            // A template's unfilled key; a user name with dots stays.
            ("page.head.extra.author", None),
            ("sara.r.peter", Some("sara.r.peter")),
            // Sentences and prices that follow a "By".
            ("By using VS Code, you agree to its license", None),
            ("billed annually, or $50/mo billed monthly", None),
            ("5 Great On-page Seo For 2022 Ideas", None),
            // Forum profiles, badges and counters after a handle.
            (
                "ron1cne Silver Partner 10 posts 1 Badges 4 Reputation",
                Some("ron1cne"),
            ),
            ("Mr_Enigmatic Member", Some("Mr_Enigmatic")),
            ("J Offline JonB wrote", Some("JonB")),
            ("3i Global", Some("3i Global")),
            (
                "史蒂文的家_藍天 (stevenhgm)",
                Some("史蒂文的家_藍天 (stevenhgm)"),
            ),
            ("Former Member", Some("Former Member")),
            ("via scvalex 1 year ago", Some("scvalex")),
            (
                "user447274 55922 silver badges1212 bronze badges",
                Some("user447274"),
            ),
            // The sentence around the names; punctuation and quotes around them.
            ("johnanddoc on", Some("johnanddoc")),
            ("Aleš Vávra před 2 hodinami", Some("Aleš Vávra")),
            ("Audiophile On", Some("Audiophile On")),
            ("& Zackery Cuevas", Some("Zackery Cuevas")),
            ("\"David Kim\"", Some("David Kim")),
            ("Posted by Alon Zakai.", Some("Alon Zakai")),
            ("Cerebral Inc.", Some("Cerebral Inc.")),
            ("Genevieve Carlton, Ph.D.", Some("Genevieve Carlton, Ph.D.")),
            (
                "Dec. 19, 2025 · Niko Matsakis on behalf of the team",
                Some("Niko Matsakis"),
            ),
            // Interface words, days and months are not names.
            ("Sign In", None),
            ("View more posts", None),
            ("Sat", None),
            ("Jun 2 Written By", None),
            ("J", None),
            ("Theresa May", Some("Theresa May")),
            ("Joe Wee Monday, February 29, 2016", Some("Joe Wee")),
            ("By Our Foreign Staff", Some("Our Foreign Staff")),
        ] {
            assert_eq!(clean_byline(raw).as_deref(), want, "{raw}");
        }
    }

    #[test]
    fn a_title_written_in_an_h2_anchors_the_lines_under_it() {
        // The Rust blog: the title in an `<h2>`, the date and author under it, and an `<h1>`
        // heading a part of the article further down.
        let body = "<p>Body text of the article, long enough to be one.</p>".repeat(40);
        let meta = read(
            &format!(
                "<title>What do people love about Rust? | Rust Blog</title>\
                 <header><h2>What do people love about Rust?</h2></header>\
                 <div class=publish-date-author>Dec. 19, 2025 &middot; Niko Matsakis on behalf \
                 of <a href='/governance'>Vision Doc group</a></div>{body}\
                 <h1>But what they love is the sense of empowerment</h1>{body}"
            ),
            "https://blog.example/a/post",
        );
        assert_eq!(meta.byline.as_deref(), Some("Niko Matsakis"));
        assert_eq!(meta.published.as_deref(), Some("2025-12-19"));
    }

    #[test]
    fn forum_engines_name_the_first_poster() {
        let body = "<p>Body text of the first post, long enough to be one.</p>".repeat(20);
        // Each engine's first post, then a reply by someone else in the same markup.
        for (engine, post, want) in [
            (
                "phpBB: the profile link, not the avatar's link before it",
                "<dl class=postprofile><dt><a href='https://nation.example/x'><img alt=avatar>\
                 </a><a href='./memberlist.php?mode=viewprofile&amp;u=1'>{name}</a></dt>\
                 <dd>Senator</dd></dl>",
                "Outer Armatonisdaristan",
            ),
            (
                "phpBB: the avatar linked to the profile too",
                "<dl class=postprofile><dt><a class=avatar \
                 href='./memberlist.php?mode=viewprofile&amp;u=1'><img alt=avatar></a>\
                 <a class=username href='./memberlist.php?mode=viewprofile&amp;u=1'>{name}</a>\
                 </dt></dl>",
                "Outer Armatonisdaristan",
            ),
            (
                "phpBB: a coloured user name",
                "<dl class=postprofile><dt><a class=username-coloured href='./m?u=2'>{name}</a>\
                 </dt></dl>",
                "b.scherer",
            ),
            (
                "vBulletin 3",
                "<div><a class=bigusername href='member.php?u=3'>{name}</a></div>",
                "microfast",
            ),
            (
                "FluxBB",
                "<div class=postleft><dl><dt><strong>{name}</strong></dt>\
                 <dd class=usertitle><strong>Member</strong></dd></dl></div>",
                "chunix64",
            ),
            (
                "Flarum",
                "<div class=PostUser><h3 class=PostUser-name>{name}</h3></div>",
                "antonjw",
            ),
        ] {
            let first = post.replace("{name}", want);
            let reply = post.replace("{name}", "Someone Else");
            let meta = read(
                &format!("<h1>A question</h1>{first}{body}{reply}<p>A reply.</p>"),
                "https://forum.example/viewtopic.php?t=1",
            );
            assert_eq!(meta.byline.as_deref(), Some(want), "{engine}");
        }
        // A blog's `.username` (a signed-in reader, a commenter) is no engine's post markup.
        let meta = read(
            &format!(
                "<h1>A title</h1><span class=username>reader42</span>{body}\
                 <div class=comment><a class=username href='/u/x'>commenter</a></div>"
            ),
            "https://blog.example/post",
        );
        assert_eq!(meta.byline, None);
    }

    #[test]
    fn a_written_by_label_anywhere_names_the_authors() {
        let body = "<p>Body text of the article, long enough to be one.</p>".repeat(80);
        // The label alone, the names in the next element (an author box at the end).
        let meta = read(
            &format!("<h1>A title</h1>{body}<h2>Article by</h2><div>Matias Heikkilä</div>"),
            "https://blog.example/post",
        );
        assert_eq!(meta.byline.as_deref(), Some("Matias Heikkilä"));
        // Label and names in one line.
        let meta = read(
            &format!("<h1>A title</h1>{body}<p>Written by John Crenshaw</p>"),
            "https://blog.example/post",
        );
        assert_eq!(meta.byline.as_deref(), Some("John Crenshaw"));
        // The credits of a guide, in a box after it.
        let meta = read(
            &format!(
                "<h1>A title</h1>{body}<div class=tags><div><strong>Contributors:</strong> \
                 Janet Loughrey</div></div>"
            ),
            "https://garden.example/articles/low-light-houseplants",
        );
        assert_eq!(meta.byline.as_deref(), Some("Janet Loughrey"));
        assert_eq!(
            clean_byline("View all posts by Ray Ansari").as_deref(),
            Some("Ray Ansari")
        );
        // The link of an author box under the article.
        let meta = read(
            &format!(
                "<h1>A title</h1>{body}<footer><p class=author_links>\
                 <a href='/author/ray/'>View all posts by Ray Ansari</a></p></footer>"
            ),
            "https://shop.example/security-cameras/best/",
        );
        assert_eq!(meta.byline.as_deref(), Some("Ray Ansari"));
        // A forum's thread starter; a "Posted by" line under the post.
        let meta = read(
            &format!("<h1>A question</h1>{body}<span>Thread starter</span> <a>beijingwalker</a>"),
            "https://forum.example/threads/1",
        );
        assert_eq!(meta.byline.as_deref(), Some("beijingwalker"));
        // The thread starter, not the first reply's byline markup.
        let meta = read(
            &format!(
                "<h1>A question</h1><span>Thread starter</span> <span>felixen</span>{body}\
                 <article><span class=author>spikeymike</span><p>A reply.</p></article>"
            ),
            "https://forum.example/threads/2",
        );
        assert_eq!(meta.byline.as_deref(), Some("felixen"));
        // The first post's `data-author`, not a reply's byline markup; a nested reply's
        // `data-author` is not the first post's.
        let meta = read(
            &format!(
                "<h1>A question</h1><div class=\"message-nested\" data-author=\"Ann\"></div>\
                 <div data-author-username=\"Pup\">{body}</div>\
                 <article><span class=author>mnmnc</span><p>A reply.</p></article>"
            ),
            "https://forum.example/threads/3",
        );
        assert_eq!(meta.byline.as_deref(), Some("Pup"));
        let meta = read(
            &format!("<h1>A title</h1>{body}<span>Posted by David at December 16, 2025</span>"),
            "https://blog.example/post",
        );
        assert_eq!(meta.byline.as_deref(), Some("David"));
        // An "Author" heading over the name, "Author:" and "Started by" lines; "Author
        // names" is a sentence.
        for (html, want) in [
            ("<h3>Author</h3><p>Lisa D. Ellis</p>", Some("Lisa D. Ellis")),
            ("<p>Author: Shai Shmarel</p>", Some("Shai Shmarel")),
            (
                "<p>Started by Biology Forums, May 3</p>",
                Some("Biology Forums"),
            ),
            ("<p>Author names are listed below.</p>", None),
        ] {
            let meta = read(
                &format!("<h1>A title</h1>{body}{html}"),
                "https://site.example/post",
            );
            assert_eq!(meta.byline.as_deref(), want, "{html}");
        }
        // A home page lists other pages: their authors are not its author.
        let home = format!("<h1>Latest</h1><p class=byline>By Keith Randall</p>{body}");
        assert_eq!(read(&home, "https://blog.example/").byline, None);
        assert_eq!(
            read(&home, "https://blog.example/post").byline.as_deref(),
            Some("Keith Randall")
        );
        // A sentence after the label is not a name; navigation is not read.
        let meta = read(
            &format!(
                "<h1>A title</h1><nav>Written by Menu Person</nav>{body}<p>Written by</p>\
                 <p>I dove into the zero waste lifestyle last year.</p>"
            ),
            "https://blog.example/post",
        );
        assert_eq!(meta.byline, None);
    }

    #[test]
    fn every_author_a_meta_key_names_is_kept_and_dublin_core_comes_first() {
        // One meta tag per author, each written "Last, First" as papers do.
        let meta = read(
            "<meta name=citation_author content='Kaufman, Jeff T.'>\
             <meta name=citation_author content='Berger, Emery D.'><p>x</p>",
            "https://a.example/",
        );
        // Joined with commas, the names would read as four: semicolons keep them two.
        assert_eq!(
            meta.byline.as_deref(),
            Some("Kaufman, Jeff T.; Berger, Emery D.")
        );
        assert_eq!(meta.authors, ["Kaufman, Jeff T.", "Berger, Emery D."]);
        assert_eq!(
            crate::authors::split(meta.byline.as_deref().unwrap_or_default()),
            meta.authors
        );
        let meta = read(
            "<meta name=author content='Site Desk'>\
             <meta property='dc:creator twitter:site_name' content='Creator Name'><p>x</p>",
            "https://a.example/",
        );
        assert_eq!(meta.byline.as_deref(), Some("Creator Name"));
    }

    #[test]
    fn sources_that_name_authors_apart_give_them_one_by_one() {
        // A JSON-LD list of people, one with credentials.
        let meta = read(
            r#"<script type="application/ld+json">{"@type": "NewsArticle",
               "author": [{"@type": "Person", "name": "Ann Lee, MD"},
                          {"@type": "Person", "name": "Bo Chan"}]}</script><p>x</p>"#,
            "https://a.example/2024/05/01/story",
        );
        assert_eq!(meta.authors, ["Ann Lee, MD", "Bo Chan"]);
        // Links to author pages.
        let meta = read(
            "<h1>A story</h1><p class=byline>By <a href='/author/ann'>Ann Lee</a> and \
             <a href='/author/bo'>Bo Chan</a></p><p>Text.</p>",
            "https://a.example/2024/05/01/story",
        );
        assert_eq!(meta.authors, ["Ann Lee", "Bo Chan"]);
        // One text is read back into names.
        let meta = read(
            "<meta name=author content='Ann Lee, Bo Chan, and Cy Dee'><p>x</p>",
            "https://a.example/post",
        );
        assert_eq!(meta.byline.as_deref(), Some("Ann Lee, Bo Chan, and Cy Dee"));
        assert_eq!(meta.authors, ["Ann Lee", "Bo Chan", "Cy Dee"]);
    }

    #[test]
    fn the_heading_a_reader_sees_is_the_title() {
        let title = |html: &str| read(html, "https://a.example/").title;
        // A first heading that names the site, as the `<title>`'s last part does, above
        // the one that names the page.
        assert_eq!(
            title(
                "<title>What to look for before buying fish - TFH Online Forum</title>\
                 <meta property='og:title' content='TFH Online Forum-What to look for before buying fish'>\
                 <h1><a href='/groups/tfh/?sid=1'>TFH Online Forum</a></h1>\
                 <h1>What to look for before buying fish</h1>"
            )
            .as_deref(),
            Some("What to look for before buying fish")
        );
        // The page's own heading first and the site's after it: the first stays.
        assert_eq!(
            title(
                "<title>Confusing resolvers - Docker Forums</title>\
                 <h1>Confusing resolvers</h1><h1>Docker Forums</h1>"
            )
            .as_deref(),
            Some("Confusing resolvers")
        );
        // The <h1> words the same story differently from <title>: the heading wins.
        assert_eq!(
            title(
                "<title>Health And Nutrition Trends For 2026 | Site</title>\
                 <h1>Top 10 Health and Nutrition Trends to Watch</h1>"
            )
            .as_deref(),
            Some("Top 10 Health and Nutrition Trends to Watch")
        );
        // A heading about something else (a site banner) does not.
        assert_eq!(
            title(
                "<title>Tide tables for May | Ocean Notes</title>\
                 <meta property=og:site_name content='Ocean Notes'><h1>Ocean Notes</h1>"
            )
            .as_deref(),
            Some("Tide tables for May")
        );
        // The site's name is not part of a heading, a headline or a title, however often
        // it is repeated; the host names the site when the page does not.
        assert_eq!(
            title(
                "<title>Catering Tips | Cookshack | Cookshack</title>\
                 <meta property=og:site_name content=Cookshack>\
                 <h1>Catering Tips | Cookshack</h1>"
            )
            .as_deref(),
            Some("Catering Tips")
        );
        let meta = read(
            "<title>GAME CHANGER | Newegg.com</title>",
            "https://www.newegg.com/p/1",
        );
        assert_eq!(meta.title.as_deref(), Some("GAME CHANGER"));
        // Permalink marks and line breaks inside the heading.
        assert_eq!(
            title("<title>Logging HOWTO</title><h1>Logging HOWTO<a href='#x'>¶</a></h1>")
                .as_deref(),
            Some("Logging HOWTO")
        );
        assert_eq!(
            title("<title>Data Analytics Agency</title><h1>Data Analytics<br>Agency</h1>")
                .as_deref(),
            Some("Data Analytics Agency")
        );
        // A book's title as the heading of each chapter: the chapter is the title.
        assert_eq!(
            title(
                "<title>What is Ownership? - The Rust Programming Language</title>\
                 <h1 class=menu-title>The Rust Programming Language</h1>"
            )
            .as_deref(),
            Some("What is Ownership?")
        );
    }

    #[test]
    fn titles_are_written_as_a_reader_sees_them() {
        let title = |html: &str, url: &str| read(html, url).title;
        let at = "https://a.example/p";
        // A soft hyphen (and zero-width characters) are not shown.
        assert_eq!(
            title("<h1>Home Repair Assis&shy;tance\u{200b} Program</h1>", at).as_deref(),
            Some("Home Repair Assistance Program")
        );
        // A template's empty title leaves a separator and the site's name: the heading is
        // the title.
        assert_eq!(
            title(
                "<title> | Nuts & Volts Magazine</title><h1>Electronic Gadgets</h1>",
                at
            )
            .as_deref(),
            Some("Electronic Gadgets")
        );
        // A separator the design writes before a heading is not part of it.
        assert_eq!(
            title("<h1>/ Agency Portfolio</h1>", at).as_deref(),
            Some("Agency Portfolio")
        );
        assert_eq!(
            title("<h1>-5 °C in May</h1>", at).as_deref(),
            Some("-5 °C in May")
        );
        // A tagline glued to the heading's last word is left out; words that are one
        // heading's are not.
        assert_eq!(
            title(
                "<h1>Black Edition<span class=tagline>Complete protein meal</span></h1>",
                at
            )
            .as_deref(),
            Some("Black Edition")
        );
        assert_eq!(
            title("<h1>The <em>New</em> Rules of Tea</h1>", at).as_deref(),
            Some("The New Rules of Tea")
        );
        // The site's banner in a heading is not the title.
        assert_eq!(
            title(
                "<title>What happened with the ISO / Discussion / Arch Forums</title>\
                 <h1><a href='https://a.example/'>Arch Linux</a></h1>",
                at
            )
            .as_deref(),
            Some("What happened with the ISO")
        );
        // phpBB's page kind and a site's address before the title are not the title.
        assert_eq!(
            title(
                "<title>NationStates &bull; View topic - MLS is Back!</title>",
                at
            )
            .as_deref(),
            Some("MLS is Back!")
        );
        assert_eq!(
            title(
                "<title>davidbau.com Vibe Coding</title>",
                "https://davidbau.com/archives/vibe.html"
            )
            .as_deref(),
            Some("Vibe Coding")
        );
        // An Open Graph title that the <title> goes on from is whole, separator and all.
        assert_eq!(
            title(
                "<title>New to Astronomy – Best First Telescope? - Site Feedback - \
                 Astronomy</title>\
                 <meta property=og:title content='New to Astronomy – Best First Telescope?'>\
                 <meta property=og:site_name content=Astronomy>",
                at
            )
            .as_deref(),
            Some("New to Astronomy – Best First Telescope?")
        );
        // A site that states one title on all its pages: the heading the address names.
        assert_eq!(
            title(
                "<title>Reddit - The heart of the internet</title>\
                 <h1>Enameled Cast Iron Pan and Metal</h1>",
                "https://www.reddit.com/r/Cooking/comments/1rl0/enameled_cast_iron_pan_and_metal/"
            )
            .as_deref(),
            Some("Enameled Cast Iron Pan and Metal")
        );
        assert_eq!(
            title(
                "<title>Reddit - The heart of the internet</title><h1>Top posts</h1>",
                "https://www.reddit.com/r/Cooking/comments/1rl0/enameled_cast_iron_pan_and_metal/"
            )
            .as_deref(),
            Some("The heart of the internet")
        );
        // A heading that goes on with the place the <title> puts the page in, or with its
        // tagline, is the page's title and that tail; a tail of numbers or dates stays.
        assert_eq!(
            title(
                "<title>Tips from a first Japan visit - Japan Forum - Tripadvisor</title>\
                 <h1>Tips from a first Japan visit - Japan Forum</h1>",
                at
            )
            .as_deref(),
            Some("Tips from a first Japan visit")
        );
        assert_eq!(
            title(
                "<title>The Best Cheap Earbuds under $50 - March 2026</title>\
                 <h1>The Best Cheap Earbuds under $50 - March 2026</h1>",
                at
            )
            .as_deref(),
            Some("The Best Cheap Earbuds under $50 - March 2026")
        );
        assert_eq!(
            title(
                "<title>It's the café — again</title><h1>It's the café — again</h1>",
                at
            )
            .as_deref(),
            Some("It's the café — again")
        );
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
    fn a_bylines_author_links_name_its_authors() {
        let read_byline = |byline: &str| {
            let html = format!("<h1>A story</h1><p class=byline>{byline}</p><p>Text.</p>");
            read(&html, "https://news.example/2016/12/22/a-story").byline
        };
        // A date and a counter glued to the name.
        assert_eq!(
            read_byline(
                "<span>by</span> <a href='/author/lnolan/'>Lucas Nolan</a>\
                 <span>22 Dec 2016</span><a href='#comments'>651</a>"
            )
            .as_deref(),
            Some("Lucas Nolan")
        );
        // Each author's description after the name.
        assert_eq!(
            read_byline(
                "Written by <a href='/authors/ann-lee'>Ann Lee</a>, 4+ years covering science \
                 and <a href='/authors/bo-chan'>Bo Chan</a>, senior editor"
            )
            .as_deref(),
            Some("Ann Lee, Bo Chan")
        );
        // A reviewer's link is not an author's; "/authorities" is not an author page.
        assert_eq!(
            read_byline(
                "By <a href='/author/ann'>Ann Lee, DVM</a>. Reviewed by \
                 <a href='/author/bo'>Bo Chan, DVM</a>"
            )
            .as_deref(),
            Some("Ann Lee, DVM")
        );
        assert_eq!(
            read_byline("<a href='/about/authorities'>Ann Lee</a> and Bo Chan").as_deref(),
            Some("Ann Lee and Bo Chan")
        );
    }

    #[test]
    fn a_customer_review_does_not_sign_the_page() {
        let body = "<p>A product description, long enough to be the page's content.</p>".repeat(20);
        for review in [
            "<div class=review-item><strong class=author>Scott B.</strong><p>Great.</p></div>",
            "<blockquote class=featured-review><div><cite class=author>Ash C.</cite></div></blockquote>",
            "<article class=review-item><div>Written by Faith Cox on Jul 5th 2022</div></article>",
        ] {
            let meta = read(
                &format!("<h1>A bottle</h1>{body}{review}"),
                "https://shop.example/products/bottle",
            );
            assert_eq!(meta.byline, None, "{review}");
        }
        // A reader's comment signed with an avatar letter and a user name.
        let meta = read(
            &format!(
                "<h1>A story</h1>{body}<ul class=comments-list><li><div class=byline>\
                 <span>J</span> <span>Jay</span></div><p>Nice.</p></li></ul>"
            ),
            "https://news.example/2025/01/02/a-story",
        );
        assert_eq!(meta.byline, None);
        // A page's medical reviewer is not a customer review; the author outside it stays.
        let meta = read(
            &format!(
                "<h1>A guide</h1><p class=author>Ann Lee</p>\
                 <p class=medical-reviewer>Reviewed by Bo Chan</p>{body}"
            ),
            "https://health.example/guide",
        );
        assert_eq!(meta.byline.as_deref(), Some("Ann Lee"));
    }

    #[test]
    fn a_section_front_has_no_date_or_author_of_its_own() {
        let story = |day: u32, name: &str| {
            format!(
                "<article><h2>Story {day}</h2><span class=author>{name}</span>\
                 <time datetime='2025-12-{day:02}'>Dec {day}</time><p>A summary.</p></article>"
            )
        };
        let page = format!(
            "<h1>Technology</h1>{}{}{}",
            story(17, "Logan Jones"),
            story(16, "Ann Lee"),
            story(15, "Bo Chan")
        );
        let meta = read(&page, "https://news.example/technology");
        assert_eq!((meta.published, meta.byline), (None, None));
        // Nor is the date its meta tags state (when the front was generated) its own.
        let stated = format!("<meta name=date content='2025-12-18'>{page}");
        assert_eq!(
            read(&stated, "https://news.example/sections/technology/").published,
            None
        );
        // A topic of two words, written percent-encoded, names a section too.
        assert_eq!(
            read(&stated, "https://news.example/topic/Car%20Rental").published,
            None
        );
        // "/article/" and a slug in one word is one story, not a section.
        let meta = read(&stated, "https://news.example/article/technology");
        assert_eq!(meta.published.as_deref(), Some("2025-12-18"));
        // The same stories under an article's address are the article's.
        let meta = read(&page, "https://news.example/2025/12/17/technology-story");
        assert_eq!(meta.published.as_deref(), Some("2025-12-17"));
        assert_eq!(meta.byline.as_deref(), Some("Logan Jones"));
        // A plain address with one dated story is an article.
        let meta = read(&story(17, "Logan Jones"), "https://blog.example/post");
        assert_eq!(meta.published.as_deref(), Some("2025-12-17"));
        assert_eq!(meta.byline.as_deref(), Some("Logan Jones"));
    }

    #[test]
    fn a_shops_list_and_item_pages_have_no_date() {
        let stated = "<meta property='article:published_time' content='2019-06-06'>\
                      <h1>Cups</h1><p>Our cups.</p>";
        // A shop's or a category's address.
        for url in [
            "https://cups.example/shop/",
            "https://store.example/category/multiplayer_coop/",
            "https://cups.example/collections/mugs",
            "https://news.example/list/1-10/all-latest-news.html",
        ] {
            assert_eq!(read(stated, url).published, None, "{url}");
        }
        // Structured data that describes a list or an item page, and no article.
        let described = |ty: &str, other: &str| {
            format!(
                "<script type='application/ld+json'>{{\"@graph\":[{{\"@type\":\"{ty}\"}},\
                 {{\"@type\":\"{other}\"}}]}}</script>{stated}"
            )
        };
        let url = "https://cups.example/blog/our-new-cups";
        for ty in ["CollectionPage", "ItemPage"] {
            let page = described(ty, "WebSite");
            assert_eq!(read(&page, url).published, None, "{ty}");
        }
        // A page that also describes an article is the article's, and dated.
        let article = described("ItemPage", "BlogPosting");
        assert_eq!(read(&article, url).published.as_deref(), Some("2019-06-06"));
        assert_eq!(read(stated, url).published.as_deref(), Some("2019-06-06"));
    }

    #[test]
    fn a_landing_page_is_dated_only_by_what_it_writes() {
        let stated = "<meta property='og:type' content='website'>\
                      <meta property='article:published_time' content='2024-11-21'>\
                      <h1>Customer service software</h1><p>Help your customers.</p>";
        // At a plain address, a page that does not call itself an article is a landing
        // page: the date its template states is not its own.
        assert_eq!(read(stated, "https://crm.example/service/").published, None);
        // The same page at an article's address, or calling itself an article, is dated.
        assert_eq!(
            read(stated, "https://crm.example/blog/customer-service-tips")
                .published
                .as_deref(),
            Some("2024-11-21")
        );
        let article = stated.replace("'website'", "'article'");
        assert_eq!(
            read(&article, "https://crm.example/service/")
                .published
                .as_deref(),
            Some("2024-11-21")
        );
        // A date written under the heading dates it wherever it is.
        let written = "<h1>Introducing Bolmo</h1><p>December 15, 2025</p><p>Text.</p>";
        assert_eq!(
            read(written, "https://lab.example/blog/bolmo")
                .published
                .as_deref(),
            Some("2025-12-15")
        );
    }

    #[test]
    fn a_section_front_that_writes_its_stories_dates_out_has_no_date() {
        // Each card writes its day in its footer, as Al Jazeera's section fronts do.
        let story = |day: u32| {
            format!(
                "<article><h2>Story {day}</h2><p>A summary.</p>\
                 <footer><span>Published On {day} Mar 2026</span></footer></article>"
            )
        };
        let page = format!("<h1>Economy</h1>{}{}{}", story(6), story(5), story(4));
        assert_eq!(read(&page, "https://news.example/economy/").published, None);
        // One dated story on a plain address is an article with its date.
        let page = "<h1>Economy</h1><p>6 Mar 2026</p><p>A summary.</p>\
                    <footer><span>6 Mar 2026</span></footer>";
        let meta = read(page, "https://blog.example/economy");
        assert_eq!(meta.published.as_deref(), Some("2026-03-06"));
    }

    #[test]
    fn offers_deadlines_events_profiles_and_sentences_do_not_date_the_page() {
        let url = "https://site.example/page/offers";
        for line in [
            "<p>Offer valid Dec. 17, 2025 - Jan. 7, 2026</p>",
            "<p>Last active December 20, 2025 13:58</p>",
            "<p>ENDS SOON: book by Friday. Travel through December 31, 2025.</p>",
            "<h3>Registration Deadline</h3><time datetime='2026-05-31'>May 31</time>",
            "<dl><dd><strong>Founded:</strong> Dec 11, 2021</dd></dl>",
            "<p>Joined: Mar 4, 2019</p>",
            "<p>Member since 12/03/2018</p>",
            "<span>a community for <time datetime='2006-10-18T13:54:26+00:00'>19 years\
             </time></span>",
            "<p>The prime minister has announced that a general election will take \
             place on 4th July 2024.</p>",
        ] {
            let page = format!("<h1>Deals of the season</h1>{line}<p>Some text.</p>");
            assert_eq!(read(&page, url).published, None, "{line}");
        }
        // The page's own date line beside them is still read.
        let page = "<h1>Deals of the season</h1><p>Posted on March 3, 2025</p>\
                    <p>Offer valid Dec. 17, 2025 - Jan. 7, 2026</p>";
        assert_eq!(read(page, url).published.as_deref(), Some("2025-03-03"));
    }

    #[test]
    fn a_written_by_label_inside_a_sentence_names_no_author() {
        let url = "https://wiki.example/wiki/Churuli";
        let page = "<h1>Churuli</h1><p>The story is based on a short story from the book \
                    <i>Kaligaminarile Kuttavalikal</i> written by <a href=/wiki/VT>Vinoy \
                    Thomas</a>.</p>";
        assert_eq!(read(page, url).byline, None);
        // The label at the start of its line, or after a date and a separator, is one.
        for line in [
            "<p><strong>Written by</strong> <a href=/a>Ann Lee</a></p>",
            "<p>May 3, 2024 · <span>Written by</span> <a href=/a>Ann Lee</a></p>",
        ] {
            let page = format!("<h1>Churuli</h1><p>Some text of the article.</p>{line}");
            assert_eq!(
                read(&page, url).byline.as_deref(),
                Some("Ann Lee"),
                "{line}"
            );
        }
    }

    #[test]
    fn a_product_page_has_no_date_or_author() {
        let body = "<h1>Trail Shoe</h1><p class=author>By Ridge</p>\
                    <time datetime='2023-02-03'>Feb 3, 2023</time><p>$120. Add to cart.</p>";
        // Said by Open Graph…
        let page = format!("<meta property=og:type content=product>{body}");
        let meta = read(&page, "https://shop.example/trail-shoe");
        assert_eq!((meta.published, meta.byline), (None, None));
        // …or by structured data that describes a product and no article.
        let page = format!(
            "<script type=application/ld+json>{{\"@type\":\"Product\",\"name\":\"Trail Shoe\",\
             \"datePublished\":\"2023-02-03\"}}</script>{body}"
        );
        let meta = read(&page, "https://shop.example/trail-shoe");
        assert_eq!((meta.published, meta.byline), (None, None));
        // A review of a product is an article: it has its date and author.
        let page = format!(
            "<script type=application/ld+json>[{{\"@type\":\"Product\",\"name\":\"Trail Shoe\"}},\
             {{\"@type\":\"Review\",\"datePublished\":\"2023-02-03\",\
             \"author\":{{\"@type\":\"Person\",\"name\":\"Ann Lee\"}}}}]</script>{body}"
        );
        let meta = read(&page, "https://shop.example/trail-shoe");
        assert_eq!(meta.published.as_deref(), Some("2023-02-03"));
        assert_eq!(meta.byline.as_deref(), Some("Ann Lee"));
    }

    #[test]
    fn a_documentation_page_has_no_date() {
        let page = "<meta property=article:published_time content=2026-02-26T14:07:09>\
                    <h1>SELECT</h1><p>Retrieve rows from a table or view.</p>";
        for url in [
            "https://www.postgresql.org/docs/18/sql-select.html",
            "https://docs.example.com/select",
            "https://developer.example.com/reference/select",
            "https://project.readthedocs.io/en/latest/select.html",
            "https://en.example.org/wiki/Select",
        ] {
            assert_eq!(read(page, url).published, None, "{url}");
        }
        let meta = read(page, "https://blog.example.com/2026/select-explained");
        assert_eq!(meta.published.as_deref(), Some("2026-02-26T14:07:09"));
        // Deeper in the path, "docs" is a word of the story's address.
        let meta = read(
            page,
            "https://news.example.com/health/2026/02/why-docs-quit",
        );
        assert_eq!(meta.published.as_deref(), Some("2026-02-26T14:07:09"));
    }

    #[test]
    fn a_forum_thread_prefix_is_not_part_of_the_title() {
        for heading in [
            "<span class='label label--green'>News</span><span class=label-append>&nbsp;</span>\
             Digital cameras as a status symbol",
            " Thread: <span class=threadtitle><a href=#>Digital cameras as a status symbol</a></span>",
            "<strong>Blog:</strong> Digital cameras as a status symbol",
        ] {
            let meta = read(
                &format!("<h1>{heading}</h1><p>Text.</p>"),
                "https://forum.example/threads/1",
            );
            assert_eq!(
                meta.title.as_deref(),
                Some("Digital cameras as a status symbol"),
                "{heading}"
            );
        }
        // A colon inside the heading's own text stays.
        let meta = read(
            "<h1>Review: digital cameras</h1><p>Text.</p>",
            "https://blog.example/review",
        );
        assert_eq!(meta.title.as_deref(), Some("Review: digital cameras"));
    }

    #[test]
    fn a_heading_s_date_comment_count_and_source_are_not_part_of_the_title() {
        let url = "https://news.example/story/25/12/19/grads";
        for heading in [
            "<a href=/s>Grads Find No Jobs</a> <span><a href=https://la.example/s>\
             (latimes.com)</a></span> <span class=comment-bubble><a href=#comments>87</a></span>",
            "<a href=/s><time datetime='2025-12-18'>Dec <span>18</span> 2025</time> \
             Grads Find No Jobs</a>",
        ] {
            let meta = read(&format!("<h1>{heading}</h1><p>Text.</p>"), url);
            assert_eq!(
                meta.title.as_deref(),
                Some("Grads Find No Jobs"),
                "{heading}"
            );
        }
        // A product's number beside its name is part of it.
        let meta = read(
            "<h1>Staple Tee <label class=sku>5001</label></h1><p>Text.</p>",
            "https://shop.example/staple-tee",
        );
        assert_eq!(meta.title.as_deref(), Some("Staple Tee 5001"));
    }

    #[test]
    fn a_sub_domain_s_site_name_leaves_the_title() {
        let meta = read(
            "<title>GAME CHANGER | Newegg.com</title><p>Text.</p>",
            "https://promotions.newegg.com/zotac/index.html",
        );
        assert_eq!(meta.title.as_deref(), Some("GAME CHANGER"));
    }

    #[test]
    fn the_site_s_name_and_what_follows_it_or_its_address_before_leave_the_title() {
        for (title, url, meant) in [
            (
                "<title>Care That Caters to You | Cerebral | Online Therapy | Counseling</title>",
                "https://cerebral.com/",
                "Care That Caters to You",
            ),
            (
                "<title>Example.com - The Five Best Headphones (According to Me)</title>",
                "https://www.example.com/features/686-the-five-best",
                "The Five Best Headphones (According to Me)",
            ),
            // A name that is not an address may be the title's own first words.
            (
                "<h1>Cerebral - a study of the brain</h1>",
                "https://cerebral.com/study",
                "Cerebral - a study of the brain",
            ),
        ] {
            let meta = read(&format!("{title}<p>Text.</p>"), url);
            assert_eq!(meta.title.as_deref(), Some(meant), "{title}");
        }
    }

    #[test]
    fn a_home_page_title_is_the_site_s_name() {
        for title in ["Home - The Barn", "The Barn | Homepage", "Welcome"] {
            let page = format!(
                "<title>{title}</title><meta property=og:site_name content='The Barn'><p>x</p>"
            );
            let meta = read(&page, "https://barn.example/");
            assert_eq!(meta.title.as_deref(), Some("The Barn"), "{title}");
        }
        // Without a site name the page's word stays.
        let meta = read("<title>Home</title><p>x</p>", "https://barn.example/");
        assert_eq!(meta.title.as_deref(), Some("Home"));
    }

    #[test]
    fn json_ld_with_raw_line_breaks_in_strings_is_read() {
        let meta = read(
            "<script type=application/ld+json>{\"@type\":\"DiscussionForumPosting\",\
             \"articleBody\":\"First line.\n\n\tSecond line.\",\
             \"datePublished\":\"2024-02-21 13:00:00\",\
             \"author\":{\"@type\":\"Person\",\"name\":\"Need2KnowLion\"}}</script><p>x</p>",
            "https://forum.example/boards/1/2",
        );
        assert_eq!(meta.published.as_deref(), Some("2024-02-21T13:00:00"));
        assert_eq!(meta.byline.as_deref(), Some("Need2KnowLion"));
        // Broken JSON for another reason is still skipped.
        assert_eq!(parse_json_ld("{\"a\":\n}"), None);
        // A CDATA or comment wrapper is dropped.
        for wrapped in ["<![CDATA[ {\"a\":1} ]]>", "<!-- {\"a\":1} -->"] {
            assert_eq!(parse_json_ld(wrapped), Some(serde_json::json!({"a": 1})));
        }
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
        // A list of dated items: its first date is an item's, not the page's.
        let list: String = (1..=6)
            .map(|d| format!("<li><time datetime='2023-01-0{d}'>{d}</time> item</li>"))
            .collect();
        let intro = "<p>Our latest stories, newest first.</p>".repeat(60);
        let meta = read(
            &format!("<h1>News</h1>{intro}<ul>{list}</ul>"),
            "https://news.example/list",
        );
        assert_eq!(meta.published, None);
    }

    #[test]
    fn dates_named_by_markup_meta_and_url_are_read() {
        let body = "<p>Body text of the article, long enough to be one.</p>".repeat(80);
        // An element whose class names the date, far from the title.
        let meta = read(
            &format!("<h1>A title</h1>{body}<p class='post-date'>May 25, 2023</p>"),
            "https://site.example/blog/a-title",
        );
        assert_eq!(meta.published.as_deref(), Some("2023-05-25"));
        // Cards that each name a different day date a list, not the page.
        let cards: String = ["December 5, 2025", "November 20, 2025"]
            .iter()
            .map(|d| format!("<p class='blog-card--post-date'>{d}</p>"))
            .collect();
        let meta = read(
            &format!("<h1>A title</h1>{body}{cards}"),
            "https://site.example/blog/a-title",
        );
        assert_eq!(meta.published, None);
        // A release date is a product's, not the page's.
        let meta = read(
            &format!(
                "<h1>A game</h1>{body}<div>Release Date:</div><div class='date'>21 Aug, 2012</div>"
            ),
            "https://store.example/app/1",
        );
        assert_eq!(meta.published, None);
        // A publication date written out in a meta tag, or under a key of the site's own.
        for key in ["published", "w-published-date"] {
            let meta = read(
                &format!("<meta name='{key}' content='July 17, 2025'><p>x</p>"),
                "https://site.example/blog/a-title",
            );
            assert_eq!(meta.published.as_deref(), Some("2025-07-17"), "{key}");
        }
        // A "Posted on" line or a "Published" label anywhere; microdata on a visible element.
        for html in [
            "<div><span>Posted on April 13, 2023</span></div>",
            "<h4>Published</h4><h3>Publish date</h3><span>13 April 2023</span>",
            "<p><span itemprop='datePublished' content='2023-04-13T22:13+00:00'>x</span></p>",
        ] {
            let meta = read(
                &format!("<h1>A title</h1>{body}{html}"),
                "https://site.example/blog/a-title",
            );
            assert_eq!(
                meta.published.as_deref().and_then(|d| d.get(..10)),
                Some("2023-04-13"),
                "{html}"
            );
        }
        // A URL segment that starts with the date.
        let meta = read(
            "<p>x</p>",
            "https://blog.example/articles/2025-12-15+Rust+GCC",
        );
        assert_eq!(meta.published.as_deref(), Some("2025-12-15"));
    }

    #[test]
    fn edit_dates_home_pages_and_time_zones() {
        // "Last modified on <time>" is an edit date.
        let meta = read(
            "<p>This page was last modified on <time datetime='2025-08-20T18:33:20Z'>Aug 20</time></p>",
            "https://help.example/guide",
        );
        assert_eq!(meta.published, None);
        // A home page has no date of its own.
        let meta = read(
            "<meta property='article:published_time' content='2026-03-07T12:00:00Z'><p>x</p>",
            "https://news.example/",
        );
        assert_eq!(meta.published, None);
        // A UTC stamp a day after the permalink's day: the reader's day is the permalink's.
        let meta = read(
            "<meta property='article:published_time' content='2025-12-19T02:41:41+00:00'><p>x</p>",
            "https://blog.example/2025/12/18/a-post",
        );
        assert_eq!(meta.published.as_deref(), Some("2025-12-18"));
        assert_eq!(days_apart("2024-02-28", "2024-03-01"), Some(2));
        assert_eq!(days_apart("2025-12-31T23:00Z", "2026-01-01"), Some(1));
    }

    #[test]
    fn the_day_the_header_shows_wins_over_a_stated_day_it_does_not_show() {
        let page = |header: &str| {
            format!(
                "<meta property='article:published_time' content='2012-09-12T16:45:28+00:00'>\
                 <h1>How to rent a car</h1>{header}<p>Text.</p>"
            )
        };
        let url = "https://a.example/guides/rent-a-car";
        let cases: [(&str, &str); 10] = [
            // The header shows another day, as the page's own: the reader's date.
            (
                "<div><a href='/travel'>Travel</a> <span>September 8, 2021</span></div>",
                "2021-09-08",
            ),
            (
                "<time datetime='2021-09-08T18:02:10+00:00'>September 8, 2021</time>",
                "2021-09-08T18:02:10+00:00",
            ),
            // A `<time>` that shows no day to the reader.
            (
                "<time datetime='2021-09-08'>3 days ago</time>",
                "2012-09-12T16:45:28+00:00",
            ),
            // It also shows the stated day: the stated day is the publication date.
            (
                "<p>September 8, 2021</p><p>First published 12 September 2012</p>",
                "2012-09-12T16:45:28+00:00",
            ),
            // An update, said in the line, in the `<time>`, or by the element's class.
            (
                "<p>Last updated: September 8, 2021</p>",
                "2012-09-12T16:45:28+00:00",
            ),
            (
                "<time datetime='2021-09-08'>Updated on September 8, 2021</time>",
                "2012-09-12T16:45:28+00:00",
            ),
            (
                "<span class='meta-date'><span class='updated'>2021-09-08</span></span>",
                "2012-09-12T16:45:28+00:00",
            ),
            (
                "<span class='updated-on'><time class='entry-date published updated' \
                 datetime='2021-09-08'>8th September 2021</time></span>",
                "2012-09-12T16:45:28+00:00",
            ),
            // The same day written in another zone, or with day and month the other way.
            ("<p>September 13, 2012</p>", "2012-09-12T16:45:28+00:00"),
            ("<p>09.12.2012</p>", "2012-09-12T16:45:28+00:00"),
        ];
        for (header, want) in cases {
            assert_eq!(
                read(&page(header), url).published.as_deref(),
                Some(want),
                "{header}"
            );
        }
        // hAtom's `published updated` pair on one element marks the publication date.
        let wordpress = page(
            "<time class='entry-date published updated' datetime='2021-09-08'>Sep 8, 2021</time>",
        );
        assert_eq!(
            read(&wordpress, url).published.as_deref(),
            Some("2021-09-08")
        );
    }

    #[test]
    fn only_the_dates_of_published_works_are_read_from_json_ld() {
        let ld = |ty: &str| {
            format!(
                r#"<script type="application/ld+json">{{"@type":"{ty}","datePublished":"2021-03-04"}}</script><p>x</p>"#
            )
        };
        let date = |ty: &str| read(&ld(ty), "https://a.example/post").published;
        assert_eq!(date("BlogPosting").as_deref(), Some("2021-03-04"));
        assert_eq!(date("NewsArticle").as_deref(), Some("2021-03-04"));
        // The CMS states when it created any page, product or site: no publication date.
        assert_eq!(date("WebPage"), None);
        assert_eq!(date("Product"), None);
        assert_eq!(date("WebSite"), None);
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
        let byline = |body: &str| read(body, "https://a.example/post").byline;
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
        // Microdata naming the author in a `<meta>`, before a badge the visible text adds.
        assert_eq!(
            byline(
                "<span itemprop=author><meta itemprop=name content='julian'>\
                 <a href='/user/julian'>julian</a> <span class=badge>NodeBB</span></span>"
            )
            .as_deref(),
            Some("julian")
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
                "[class*=author]",
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
