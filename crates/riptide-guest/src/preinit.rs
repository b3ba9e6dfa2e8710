//! Build-time pre-initialization (see `wit/preinit.wit`).
//!
//! [`run`] extracts small pages in every mode so that every lazily built table of the
//! extractor (regular expressions, selector sets, language profiles) exists before the
//! snapshot is taken. While it runs, [`PreinitAlloc`] zeroes every block that is freed: the
//! pre-initializer stores only the non-zero bytes of memory, so the garbage of the warm-up
//! pages does not end up in the shipped component, and a fresh instance starts with a heap
//! that holds the tables and nothing else.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

use riptide_extract as lib;

/// Set while [`run`] works: freed blocks are zeroed.
static ZERO_FREED: AtomicBool = AtomicBool::new(false);

/// The system allocator, zeroing freed blocks during pre-initialization.
///
/// After pre-initialization the only cost is one relaxed load per free.
pub(crate) struct PreinitAlloc;

// SAFETY: every call is forwarded to `System` with the caller's layout; zeroing writes only
// inside the block being freed, which the caller owns until `dealloc` returns.
unsafe impl GlobalAlloc for PreinitAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ZERO_FREED.load(Ordering::Relaxed) {
            // SAFETY: `ptr` points to a live block of `layout.size()` bytes.
            unsafe { ptr.write_bytes(0, layout.size()) };
        }
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !ZERO_FREED.load(Ordering::Relaxed) {
            // SAFETY: forwarded with the caller's pointer, layout and size.
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        // Move by hand, so that the old block is zeroed when it is freed.
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return std::ptr::null_mut();
        };
        // SAFETY: `new_layout` has a non-zero size (the caller's contract for `realloc`).
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks are live and at least `min(old, new)` bytes long.
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}

/// A small article with the parts of a real one (metadata, structured data, headings,
/// paragraphs, a list, a table, links, media, code), so that each of them builds its state.
const ARTICLE: &str = r#"<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Pre-initialization article | Riptide</title><meta name="description" content="A page for pre-initialization.">
<meta property="og:title" content="Pre-initialization article"><meta property="og:site_name" content="Riptide">
<meta property="article:published_time" content="2024-05-01T09:30:00Z"><meta name="author" content="Jane Doe">
<link rel="canonical" href="https://preinit.invalid/2024/05/01/article">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Pre-initialization article","author":{"@type":"Person","name":"Jane Doe"},"datePublished":"2024-05-01","keywords":["warm","up"]}</script>
<style>body{font:16px serif}</style></head><body><header><nav><a href="/">Home</a> <a href="/news">News</a></nav></header>
<main><article><h1>Pre-initialization article</h1><p class="byline">By <a rel="author" href="/jane">Jane Doe</a>, <time datetime="2024-05-01">May 1, 2024</time></p>
<p>The first paragraph of the article has enough words to look like real content, with <a href="/a">a link</a> and <em>emphasis</em>, <strong>strong words</strong> and <code>inline code</code>.</p>
<h2>A section</h2><p>A second paragraph follows the heading. It talks about extraction, sandboxes and instances, at some length, so that the scorer has text to weigh.</p>
<ul><li>First item</li><li>Second item</li></ul><ol><li>One</li><li>Two</li></ol>
<table><tr><th>Name</th><th>Value</th></tr><tr><td>a</td><td>1</td></tr></table>
<figure><img src="/img.png" data-src="/lazy.png" srcset="/s.png 1x, /l.png 2x" alt="An image"><figcaption>A caption</figcaption></figure>
<video src="/v.mp4"></video><audio src="/a.mp3"></audio><iframe src="https://video.invalid/embed/1"></iframe>
<pre><code>let x = 1;</code></pre><blockquote>A quotation.</blockquote><p>Advertisement</p></article>
<section class="comments"><h3>Comments</h3><p>A comment.</p></section>
<aside class="related">Related: <a href="/b">another story</a></aside></main><footer>Copyright Riptide 2024</footer></body></html>"#;

/// Pages in other languages and forms, for the language detector and the other page types.
const OTHERS: [&str; 3] = [
    r#"<html><head><title>Une page</title></head><body><div><p>Une crème brûlée est un dessert composé d'une crème à base de jaunes d'œufs, de sucre et de lait ou de crème, recouverte d'une couche de caramel.</p></div></body></html>"#,
    r#"<html lang="de"><body><div class="content"><h1>Überschrift</h1><p>Dies ist ein kurzer Absatz auf Deutsch, der genug Wörter enthält, um erkannt zu werden.</p><ul><li><a href="p1">Produkt eins</a></li><li><a href="p2">Produkt zwei</a></li></ul></div></body></html>"#,
    r#"<html><body><div id="forum"><div class="post"><span class="author">user1</span><p>これは日本語の短い投稿です。</p></div><div class="post"><span class="author">user2</span><p>Это короткое сообщение на русском языке.</p></div></div></body></html>"#,
];

/// The page URL used for the warm-up extractions.
const URL: &str = "https://preinit.invalid/2024/05/01/article";

/// Run every mode on the warm-up pages, with freed memory zeroed.
pub(crate) fn run() {
    ZERO_FREED.store(true, Ordering::Relaxed);
    let selectors: Vec<String> = ["h1", "main p", "article a[href]", "ul > li", "#forum .post"]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
    let modes = [
        lib::Mode::Article,
        lib::Mode::Full,
        lib::Mode::Metadata,
        lib::Mode::Custom(selectors),
    ];
    for page in std::iter::once(ARTICLE).chain(OTHERS) {
        for mode in &modes {
            // The outcome does not matter: running the code is what builds the tables.
            let _ = lib::extract_with_stats(page, URL, mode);
        }
        let _ = lib::validate_html(page);
    }
    let _ = lib::extract_with_stats("", URL, &lib::Mode::Article);
    let _ = lib::compile_selectors(&["div > p:first-child".to_string()]);
    ZERO_FREED.store(false, Ordering::Relaxed);
}
