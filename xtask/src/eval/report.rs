//! Per-page scores, their aggregates, the targets, and the Markdown and JSON reports.

use std::fmt::Write as _;

use serde::Serialize;

use super::corpus::{Corpus, Page};
use super::engines::{Engine, Outcome};
use super::markdown::{MarkdownCheck, MarkdownSummary};
use super::score::{self, Check, Counts};

/// WCXB page types, in report order.
pub(super) const PAGE_TYPES: [&str; 7] = [
    "article",
    "forum",
    "product",
    "collection",
    "listing",
    "documentation",
    "service",
];

/// Metadata as one side gave it.
#[derive(Debug, Clone, Default, Serialize)]
pub(super) struct Meta {
    /// Title.
    pub title: Option<String>,
    /// Byline / author.
    pub byline: Option<String>,
    /// Publication date.
    pub date: Option<String>,
    /// Site name.
    pub site_name: Option<String>,
    /// Language.
    pub language: Option<String>,
}

/// The scores of one engine on one page.
#[derive(Debug, Clone, Serialize)]
pub(super) struct PageScore {
    /// `readability` or `wcxb-dev`.
    pub corpus: &'static str,
    /// Page id.
    pub id: String,
    /// WCXB page type or `readability`.
    pub page_type: String,
    /// Word precision.
    pub word_p: f64,
    /// Word recall.
    pub word_r: f64,
    /// Word F1.
    pub word_f1: f64,
    /// Word multiset counts.
    pub counts: Counts,
    /// Shingle precision.
    pub shingle_p: f64,
    /// Shingle recall.
    pub shingle_r: f64,
    /// `with` snippets found / listed (WCXB).
    pub with: (usize, usize),
    /// `without` snippets found / listed (WCXB; fewer found is better).
    pub without: (usize, usize),
    /// Title check.
    pub title: Check,
    /// Byline check.
    pub byline: Check,
    /// Date check (same day).
    pub date: Check,
    /// Site-name check.
    pub site_name: Check,
    /// Language check (primary subtag).
    pub language: Check,
    /// The engine's confidence.
    pub quality: Option<u8>,
    /// The page error, if any (scored as empty output).
    pub error: Option<String>,
    /// Seconds in the extraction call.
    pub seconds: f64,
    /// Words of our text.
    pub words: usize,
    /// Words of the reference.
    pub reference_words: usize,
    /// The markdown read back (`None`: the engine gave no markdown, or no text).
    pub markdown: Option<MarkdownCheck>,
    /// What we returned.
    pub ours: Meta,
    /// What the reference says.
    pub expected: Meta,
    #[serde(skip)]
    pub text_hash: u64,
}

/// Score one outcome against its page.
pub(super) fn score_page(page: &Page, outcome: &Outcome) -> PageScore {
    let counts = score::word_counts(&outcome.text, &page.reference);
    let (word_p, word_r, word_f1) = counts.prf();
    let (shingle_p, shingle_r) = score::shingle_pr(&outcome.text, &page.reference);
    let text_norm = score::collapse(&outcome.text);
    let found = |snippets: &[String]| {
        snippets
            .iter()
            .filter(|s| text_norm.contains(&score::collapse(s)))
            .count()
    };
    let ours = Meta {
        title: outcome.title.clone(),
        byline: outcome.byline.clone(),
        date: outcome.date.clone(),
        site_name: outcome.site_name.clone(),
        language: outcome.language.clone(),
    };
    let expected = Meta {
        title: page.title.clone(),
        byline: page.byline.clone(),
        date: page.date.clone(),
        site_name: page.site_name.clone(),
        language: page.language.clone(),
    };
    let hash = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        outcome.text.hash(&mut h);
        ours.title.hash(&mut h);
        ours.byline.hash(&mut h);
        ours.date.hash(&mut h);
        ours.site_name.hash(&mut h);
        ours.language.hash(&mut h);
        outcome.quality.hash(&mut h);
        h.finish()
    };
    PageScore {
        corpus: page.corpus.name(),
        id: page.id.clone(),
        page_type: page.page_type.clone(),
        word_p,
        word_r,
        word_f1,
        counts,
        shingle_p,
        shingle_r,
        with: (found(&page.with), page.with.len()),
        without: (found(&page.without), page.without.len()),
        title: Check::with_loose(
            ours.title.as_deref(),
            expected.title.as_deref(),
            score::same_text,
            score::same_title_loosely,
        ),
        byline: Check::with_loose(
            ours.byline.as_deref(),
            expected.byline.as_deref(),
            score::same_text,
            score::same_byline_loosely,
        ),
        date: Check::new(
            ours.date.as_deref(),
            expected.date.as_deref(),
            score::same_day,
        ),
        site_name: Check::new(
            ours.site_name.as_deref(),
            expected.site_name.as_deref(),
            score::same_text,
        ),
        language: Check::new(
            ours.language.as_deref(),
            expected.language.as_deref(),
            score::same_language,
        ),
        quality: outcome.quality,
        error: outcome.error.clone(),
        seconds: outcome.elapsed.as_secs_f64(),
        words: score::tokens(&outcome.text).len(),
        reference_words: score::tokens(&page.reference).len(),
        markdown: outcome
            .markdown
            .as_deref()
            .filter(|_| !outcome.text.is_empty())
            .map(|md| {
                super::markdown::check(md, &outcome.text, outcome.title.as_deref(), &page.html)
            }),
        ours,
        expected,
        text_hash: hash,
    }
}

/// Content scores of a group of pages.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Group {
    /// `all`, `readability`, `wcxb-dev` or `wcxb-dev/<type>`.
    pub name: String,
    /// Pages.
    pub pages: usize,
    /// Mean per-page word F1.
    pub word_f1: f64,
    /// Mean per-page word precision.
    pub word_p: f64,
    /// Mean per-page word recall.
    pub word_r: f64,
    /// Word F1 from summed TP/FP/FN.
    pub micro_f1: f64,
    /// Word precision from summed counts.
    pub micro_p: f64,
    /// Word recall from summed counts.
    pub micro_r: f64,
    /// Shingle F1: harmonic mean of the mean precision and mean recall.
    pub shingle_f1: f64,
    /// Mean shingle precision.
    pub shingle_p: f64,
    /// Mean shingle recall.
    pub shingle_r: f64,
    /// Share of WCXB `with` snippets found.
    pub with_found: Option<f64>,
    /// Share of WCXB `without` snippets that leaked into the text.
    pub without_found: Option<f64>,
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 {
        0.0
    } else {
        #[allow(clippy::cast_precision_loss)]
        let m = sum / n as f64;
        m
    }
}

fn share(num: usize, den: usize) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)]
    (den > 0).then(|| num as f64 / den as f64)
}

fn group(name: &str, pages: &[&PageScore]) -> Group {
    let mut micro = Counts::default();
    for p in pages {
        micro.add(p.counts);
    }
    let (micro_p, micro_r, micro_f1) = micro.prf();
    let shingle_p = mean(pages.iter().map(|p| p.shingle_p));
    let shingle_r = mean(pages.iter().map(|p| p.shingle_r));
    let with = pages
        .iter()
        .fold((0, 0), |a, p| (a.0 + p.with.0, a.1 + p.with.1));
    let without = pages
        .iter()
        .fold((0, 0), |a, p| (a.0 + p.without.0, a.1 + p.without.1));
    Group {
        name: name.to_string(),
        pages: pages.len(),
        word_f1: mean(pages.iter().map(|p| p.word_f1)),
        word_p: mean(pages.iter().map(|p| p.word_p)),
        word_r: mean(pages.iter().map(|p| p.word_r)),
        micro_f1,
        micro_p,
        micro_r,
        shingle_f1: score::harmonic(shingle_p, shingle_r),
        shingle_p,
        shingle_r,
        with_found: share(with.0, with.1),
        without_found: share(without.0, without.1),
    }
}

/// A metadata rate.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Rate {
    /// `readability`, `wcxb-dev`.
    pub corpus: &'static str,
    /// What is measured.
    pub field: &'static str,
    /// Pages counted.
    pub of: usize,
    /// Pages that hit.
    pub hits: usize,
    /// hits / of.
    pub rate: Option<f64>,
}

/// Pages-per-second figures.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Speed {
    /// Pages timed.
    pub pages: usize,
    /// Sum of the extraction calls, in seconds.
    pub seconds: f64,
    /// pages / seconds.
    pub pages_per_second: f64,
    /// Mean milliseconds per page.
    pub ms_mean: f64,
    /// Median milliseconds per page.
    pub ms_median: f64,
    /// 95th percentile.
    pub ms_p95: f64,
    /// Slowest page.
    pub ms_max: f64,
}

/// Correlation of the engine's confidence with the measured word F1.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Correlation {
    /// Which pages.
    pub pages_of: String,
    /// Pairs.
    pub n: usize,
    /// Pearson's r.
    pub pearson: Option<f64>,
    /// Spearman's ρ.
    pub spearman: Option<f64>,
}

/// Everything about one engine.
#[derive(Debug, Clone, Serialize)]
pub(super) struct EngineReport {
    /// Engine name.
    pub engine: &'static str,
    /// What it is.
    pub description: &'static str,
    /// Content scores per group.
    pub groups: Vec<Group>,
    /// Metadata rates.
    pub metadata: Vec<Rate>,
    /// Speed.
    pub speed: Speed,
    /// quality_score vs word F1.
    pub correlation: Vec<Correlation>,
    /// The worst pages by word F1.
    pub worst: Vec<PageScore>,
    /// Pages that failed: (corpus, id, error).
    pub errors: Vec<(String, String, String)>,
    /// The markdown read back (`None`: the engine writes no markdown).
    pub markdown: Option<MarkdownSummary>,
    /// Every page.
    pub pages: Vec<PageScore>,
}

fn rates(corpus: Corpus, pages: &[&PageScore]) -> Vec<Rate> {
    let name = corpus.name();
    let rate = |field: &'static str, of: usize, hits: usize| Rate {
        corpus: name,
        field,
        of,
        hits,
        rate: share(hits, of),
    };
    let exact = |f: fn(&PageScore) -> Check| {
        let of = pages.iter().filter(|p| f(p).expected).count();
        let hits = pages.iter().filter(|p| f(p).ok).count();
        (of, hits)
    };
    let spurious = |f: fn(&PageScore) -> Check| {
        let of = pages.iter().filter(|p| !f(p).expected).count();
        let hits = pages
            .iter()
            .filter(|p| !f(p).expected && f(p).returned)
            .count();
        (of, hits)
    };
    let loose = |f: fn(&PageScore) -> Check| {
        let of = pages.iter().filter(|p| f(p).expected).count();
        let hits = pages.iter().filter(|p| f(p).loose).count();
        (of, hits)
    };
    // WCXB calls the byline "author".
    let wcxb = corpus == Corpus::Wcxb;
    let by = |wcxb_field: &'static str, field: &'static str| if wcxb { wcxb_field } else { field };
    let mut out = Vec::new();
    let (of, hits) = exact(|p| p.title);
    out.push(rate("title exact", of, hits));
    let (of, hits) = loose(|p| p.title);
    out.push(rate(
        "title, quote style and case set aside (not a target)",
        of,
        hits,
    ));
    let (of, hits) = exact(|p| p.byline);
    out.push(rate(by("author exact", "byline exact"), of, hits));
    let (of, hits) = loose(|p| p.byline);
    out.push(rate(
        by(
            "author, a leading \"By\", quote style and case set aside (not a target)",
            "byline, a leading \"By\", quote style and case set aside (not a target)",
        ),
        of,
        hits,
    ));
    let (of, hits) = spurious(|p| p.byline);
    out.push(rate(
        by(
            "author returned where none expected",
            "byline returned where none expected",
        ),
        of,
        hits,
    ));
    let (of, hits) = exact(|p| p.date);
    out.push(rate("date same day", of, hits));
    let (of, hits) = spurious(|p| p.date);
    out.push(rate("date returned where none expected", of, hits));
    if corpus == Corpus::Readability {
        let (of, hits) = exact(|p| p.site_name);
        out.push(rate("site name exact", of, hits));
        let (of, hits) = exact(|p| p.language);
        out.push(rate("language (primary subtag)", of, hits));
    }
    out
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Aggregate one engine's page scores.
pub(super) fn engine_report(engine: Engine, pages: Vec<PageScore>) -> EngineReport {
    let refs: Vec<&PageScore> = pages.iter().collect();
    let of_corpus =
        |c: Corpus| -> Vec<&PageScore> { pages.iter().filter(|p| p.corpus == c.name()).collect() };
    let readability = of_corpus(Corpus::Readability);
    let wcxb = of_corpus(Corpus::Wcxb);
    let mut groups = Vec::new();
    if !readability.is_empty() && !wcxb.is_empty() {
        groups.push(group("all pages", &refs));
    }
    if !readability.is_empty() {
        groups.push(group("readability", &readability));
    }
    if !wcxb.is_empty() {
        groups.push(group("wcxb-dev (all types)", &wcxb));
        for t in PAGE_TYPES {
            let of_type: Vec<&PageScore> =
                wcxb.iter().copied().filter(|p| p.page_type == t).collect();
            if !of_type.is_empty() {
                groups.push(group(&format!("wcxb-dev {t}"), &of_type));
            }
        }
    }
    let mut metadata = Vec::new();
    if !readability.is_empty() {
        metadata.extend(rates(Corpus::Readability, &readability));
    }
    if !wcxb.is_empty() {
        metadata.extend(rates(Corpus::Wcxb, &wcxb));
    }

    let mut ms: Vec<f64> = pages.iter().map(|p| p.seconds * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    let seconds: f64 = pages.iter().map(|p| p.seconds).sum();
    #[allow(clippy::cast_precision_loss)]
    let speed = Speed {
        pages: pages.len(),
        seconds,
        pages_per_second: if seconds > 0.0 {
            pages.len() as f64 / seconds
        } else {
            0.0
        },
        ms_mean: mean(ms.iter().copied()),
        ms_median: percentile(&ms, 0.5),
        ms_p95: percentile(&ms, 0.95),
        ms_max: ms.last().copied().unwrap_or(0.0),
    };

    let mut correlation = Vec::new();
    for (label, set) in [("wcxb-dev", &wcxb), ("readability", &readability)] {
        let pairs: Vec<(f64, f64)> = set
            .iter()
            .filter_map(|p| p.quality.map(|q| (f64::from(q), p.word_f1)))
            .collect();
        if pairs.len() >= 3 {
            let xs: Vec<f64> = pairs.iter().map(|p| p.0).collect();
            let ys: Vec<f64> = pairs.iter().map(|p| p.1).collect();
            correlation.push(Correlation {
                pages_of: label.to_string(),
                n: pairs.len(),
                pearson: score::pearson(&xs, &ys),
                spearman: score::spearman(&xs, &ys),
            });
        }
    }

    let mut worst = pages.clone();
    worst.sort_by(|a, b| {
        a.word_f1
            .total_cmp(&b.word_f1)
            .then_with(|| b.reference_words.cmp(&a.reference_words))
    });
    worst.truncate(10);
    let errors = pages
        .iter()
        .filter_map(|p| {
            p.error
                .as_ref()
                .map(|e| (p.corpus.to_string(), p.id.clone(), e.clone()))
        })
        .collect();
    let checked: Vec<(String, &MarkdownCheck)> = pages
        .iter()
        .filter_map(|p| {
            p.markdown
                .as_ref()
                .map(|c| (format!("{}/{}", p.corpus, p.id), c))
        })
        .collect();
    let markdown = (!checked.is_empty()).then(|| super::markdown::summarise(checked.into_iter()));
    EngineReport {
        engine: engine.name(),
        description: engine.describe(),
        groups,
        metadata,
        speed,
        correlation,
        worst,
        errors,
        markdown,
        pages,
    }
}

/// One target of the issue and whether it is met.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Target {
    /// What is measured.
    pub what: &'static str,
    /// The goal, as a fraction.
    pub goal: f64,
    /// The goal is an upper bound (lower is better).
    pub at_most: bool,
    /// (engine, value) for each engine.
    pub values: Vec<(&'static str, Option<f64>)>,
    /// Met by the first engine (the sandboxed component when it ran).
    pub met: Option<bool>,
}

/// The targets, checked for each engine.
pub(super) fn targets(reports: &[EngineReport]) -> Vec<Target> {
    type Pick = fn(&EngineReport) -> Option<f64>;
    fn group(r: &EngineReport, name: &str) -> Option<f64> {
        r.groups.iter().find(|g| g.name == name).map(|g| g.word_f1)
    }
    fn rate(r: &EngineReport, corpus: &str, field: &str) -> Option<f64> {
        r.metadata
            .iter()
            .find(|m| m.corpus == corpus && m.field == field)
            .and_then(|m| m.rate)
    }
    fn markdown_share(r: &EngineReport, part: fn(&MarkdownSummary) -> usize) -> Option<f64> {
        r.markdown.as_ref().and_then(|m| share(part(m), m.pages))
    }
    // (what, goal, at most, pick)
    let list: [(&'static str, f64, bool, Pick); 12] = [
        ("WCXB dev word F1, all types (mean)", 0.90, false, |r| {
            group(r, "wcxb-dev (all types)")
        }),
        ("WCXB dev word F1, articles (mean)", 0.95, false, |r| {
            group(r, "wcxb-dev article")
        }),
        ("Readability word F1 (mean)", 0.97, false, |r| {
            group(r, "readability")
        }),
        ("Readability title exact", 0.95, false, |r| {
            rate(r, "readability", "title exact")
        }),
        ("WCXB title exact", 0.90, false, |r| {
            rate(r, "wcxb-dev", "title exact")
        }),
        (
            "Readability byline exact (expected non-null)",
            0.85,
            false,
            |r| rate(r, "readability", "byline exact"),
        ),
        ("WCXB date same day (expected non-null)", 0.90, false, |r| {
            rate(r, "wcxb-dev", "date same day")
        }),
        ("WCXB author exact (expected non-null)", 0.80, false, |r| {
            rate(r, "wcxb-dev", "author exact")
        }),
        ("WCXB date returned where none expected", 0.05, true, |r| {
            rate(r, "wcxb-dev", "date returned where none expected")
        }),
        (
            "WCXB author returned where none expected",
            0.05,
            true,
            |r| rate(r, "wcxb-dev", "author returned where none expected"),
        ),
        (
            "pages whose markdown breaks a rule (indented text, code without code, empty heading, relative link, boilerplate line)",
            0.0,
            true,
            |r| markdown_share(r, |m| m.pages - m.clean),
        ),
        (
            "pages whose markdown read back is below 0.99 word F1 against `text`",
            0.0,
            true,
            |r| markdown_share(r, |m| m.pages - m.read_back_ok),
        ),
    ];
    list.into_iter()
        .filter_map(|(what, goal, at_most, pick)| {
            let values: Vec<(&'static str, Option<f64>)> =
                reports.iter().map(|r| (r.engine, pick(r))).collect();
            if values.iter().all(|(_, v)| v.is_none()) {
                return None;
            }
            let met = values
                .first()
                .and_then(|(_, v)| v.map(|v| if at_most { v <= goal } else { v >= goal }));
            Some(Target {
                what,
                goal,
                at_most,
                values,
                met,
            })
        })
        .collect()
}

/// Whether two engines gave the same answers.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Agreement {
    /// The two engines.
    pub engines: (&'static str, &'static str),
    /// Pages compared.
    pub pages: usize,
    /// Pages whose text or metadata differ.
    pub differing: Vec<String>,
}

/// Compare the outputs of the first two engines page by page.
pub(super) fn agreement(reports: &[EngineReport]) -> Option<Agreement> {
    let (a, b) = (reports.first()?, reports.get(1)?);
    let differing = a
        .pages
        .iter()
        .zip(&b.pages)
        .filter(|(x, y)| x.text_hash != y.text_hash)
        .map(|(x, _)| format!("{}/{}", x.corpus, x.id))
        .collect();
    Some(Agreement {
        engines: (a.engine, b.engine),
        pages: a.pages.len().min(b.pages.len()),
        differing,
    })
}

/// The machine the run was on.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Machine {
    /// Logical CPUs.
    pub nproc: usize,
    /// CPU model from /proc/cpuinfo.
    pub cpu: String,
    /// Operating system and architecture.
    pub os: String,
}

impl Machine {
    /// Read the machine description.
    pub(super) fn detect() -> Machine {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|info| {
                info.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_string())
            })
            .unwrap_or_else(|| "unknown".into());
        Machine {
            nproc: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu,
            os: format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH),
        }
    }
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Report {
    /// The command that produced it.
    pub command: String,
    /// UTC date of the run (YYYY-MM-DD).
    pub date: String,
    /// The machine.
    pub machine: Machine,
    /// Build profile of the eval binary.
    pub profile: &'static str,
    /// Total wall time of the run, in seconds.
    pub wall_seconds: f64,
    /// The targets.
    pub targets: Vec<Target>,
    /// Sandboxed vs native agreement.
    pub agreement: Option<Agreement>,
    /// One report per engine.
    pub engines: Vec<EngineReport>,
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |v| format!("{:.1} %", v * 100.0))
}

fn f3(v: f64) -> String {
    format!("{v:.3}")
}

fn opt3(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), f3)
}

/// The report as Markdown (the generated part of docs/quality.md).
pub(super) fn markdown(report: &Report) -> String {
    let mut s = String::new();
    let engines: Vec<&str> = report.engines.iter().map(|e| e.engine).collect();
    let _ = writeln!(
        s,
        "Produced by `{}` on {} ({} build of xtask, wall time {:.0} s).  ",
        report.command, report.date, report.profile, report.wall_seconds
    );
    let _ = writeln!(
        s,
        "Machine: {} logical CPUs, {} ({}); a shared machine, so timings are indicative.\n",
        report.machine.nproc, report.machine.cpu, report.machine.os
    );
    for e in &report.engines {
        let _ = writeln!(s, "- **{}**: {}", e.engine, e.description);
    }
    s.push('\n');

    if !report.targets.is_empty() {
        let _ = writeln!(s, "#### Targets\n");
        let mut head = "| target | goal |".to_string();
        let mut rule = "|---|---:|".to_string();
        for e in &engines {
            let _ = write!(head, " {e} |");
            rule.push_str("---:|");
        }
        head.push_str(" met |");
        rule.push_str(":-:|");
        let _ = writeln!(s, "{head}\n{rule}");
        for t in &report.targets {
            let bound = if t.at_most { "≤" } else { "≥" };
            let mut row = format!("| {} | {bound} {} |", t.what, pct(Some(t.goal)));
            for (_, v) in &t.values {
                let _ = write!(row, " {} |", pct(*v));
            }
            let met = match t.met {
                Some(true) => "met",
                Some(false) => "not met",
                None => "–",
            };
            let _ = writeln!(s, "{row} {met} |");
        }
        let _ = writeln!(
            s,
            "\n\"met\" is judged on the first engine ({}).\n",
            engines.first().copied().unwrap_or("-")
        );
    }

    let _ = writeln!(
        s,
        "#### Main content (word F1 as defined by WCXB, shingle F1 as by ScrapingHub)\n"
    );
    let _ = writeln!(
        s,
        "F1 = mean of per-page word F1; micro = from summed TP/FP/FN; P, R = mean per-page word \
         precision and recall; sh-F1 = shingle F1; with / without = share of WCXB `with` snippets \
         found / `without` snippets leaked.\n"
    );
    for e in &report.engines {
        let _ = writeln!(s, "**{}**\n", e.engine);
        let _ = writeln!(
            s,
            "| pages | n | F1 | micro F1 | P | R | sh-F1 | sh-P | sh-R | with | without |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for g in &e.groups {
            let _ = writeln!(
                s,
                "| {} | {} | **{}** | {} | {} | {} | {} | {} | {} | {} | {} |",
                g.name,
                g.pages,
                f3(g.word_f1),
                f3(g.micro_f1),
                f3(g.word_p),
                f3(g.word_r),
                f3(g.shingle_f1),
                f3(g.shingle_p),
                f3(g.shingle_r),
                pct(g.with_found),
                pct(g.without_found),
            );
        }
        s.push('\n');
    }

    let _ = writeln!(s, "#### Metadata\n");
    let mut head = "| corpus | field | pages |".to_string();
    let mut rule = "|---|---|---:|".to_string();
    for e in &engines {
        let _ = write!(head, " {e} |");
        rule.push_str("---:|");
    }
    let _ = writeln!(s, "{head}\n{rule}");
    if let Some(first) = report.engines.first() {
        for (i, m) in first.metadata.iter().enumerate() {
            let mut row = format!("| {} | {} | {} |", m.corpus, m.field, m.of);
            for e in &report.engines {
                let cell = e
                    .metadata
                    .get(i)
                    .map_or_else(|| "–".into(), |r| format!("{} ({})", pct(r.rate), r.hits));
                let _ = write!(row, " {cell} |");
            }
            let _ = writeln!(s, "{row}");
        }
    }
    let _ = writeln!(
        s,
        "\nExact match after trimming and collapsing white space; dates: same calendar day as \
         written (a month-only reference matches any day of that month); language: same primary \
         subtag. \"returned where none expected\" is the share of pages without a reference value \
         where the engine still returned one (lower is better).\n"
    );

    markdown_section(&mut s, report);

    let _ = writeln!(s, "#### Speed (one task, pages in sequence)\n");
    let _ = writeln!(
        s,
        "| engine | pages | seconds | pages/s | mean ms | median ms | p95 ms | max ms |\n|---|---:|---:|---:|---:|---:|---:|---:|"
    );
    for e in &report.engines {
        let sp = &e.speed;
        let _ = writeln!(
            s,
            "| {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} |",
            e.engine,
            sp.pages,
            sp.seconds,
            sp.pages_per_second,
            sp.ms_mean,
            sp.ms_median,
            sp.ms_p95,
            sp.ms_max
        );
    }
    let speed_of = |name: &str| {
        report
            .engines
            .iter()
            .find(|e| e.engine == name)
            .map(|e| e.speed.pages_per_second)
    };
    if let (Some(sb), Some(nat)) = (speed_of("sandboxed"), speed_of("native"))
        && sb > 0.0
    {
        let _ = writeln!(
            s,
            "\nSandbox cost: native is {:.2}× as fast as sandboxed (sandboxed runs at {:.0} % of \
             native speed), including a fresh instance per page.",
            nat / sb,
            100.0 * sb / nat
        );
    }
    s.push('\n');

    if let Some(a) = &report.agreement {
        let _ = writeln!(
            s,
            "#### {} vs {}\n\nIdentical text and metadata on {} of {} pages.{}\n",
            a.engines.0,
            a.engines.1,
            a.pages - a.differing.len(),
            a.pages,
            if a.differing.is_empty() {
                String::new()
            } else {
                format!(
                    " Differing: {}.",
                    a.differing
                        .iter()
                        .take(20)
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        );
    }

    let with_quality: Vec<&EngineReport> = report
        .engines
        .iter()
        .filter(|e| !e.correlation.is_empty())
        .collect();
    if !with_quality.is_empty() {
        let _ = writeln!(s, "#### `quality_score` vs measured word F1\n");
        let _ = writeln!(
            s,
            "| engine | pages | n | Pearson r | Spearman ρ |\n|---|---|---:|---:|---:|"
        );
        for e in with_quality {
            for c in &e.correlation {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {} |",
                    e.engine,
                    c.pages_of,
                    c.n,
                    opt3(c.pearson),
                    opt3(c.spearman)
                );
            }
        }
        s.push('\n');
    }

    if let Some(first) = report.engines.first() {
        let _ = writeln!(s, "#### The 10 worst pages ({})\n", first.engine);
        let _ = writeln!(
            s,
            "| page | type | word F1 | P | R | sh-F1 | quality | words (ours / reference) | error |\n|---|---|---:|---:|---:|---:|---:|---:|---|"
        );
        for p in &first.worst {
            let _ = writeln!(
                s,
                "| {}/{} | {} | {} | {} | {} | {} | {} | {} / {} | {} |",
                p.corpus,
                p.id,
                p.page_type,
                f3(p.word_f1),
                f3(p.word_p),
                f3(p.word_r),
                f3(score::harmonic(p.shingle_p, p.shingle_r)),
                p.quality.map_or_else(|| "–".into(), |q| q.to_string()),
                p.words,
                p.reference_words,
                p.error.as_deref().unwrap_or("")
            );
        }
        s.push('\n');
    }

    let _ = writeln!(s, "#### Page errors (scored as empty output)\n");
    let mut any = false;
    for e in &report.engines {
        for (corpus, id, error) in &e.errors {
            any = true;
            let _ = writeln!(
                s,
                "- {}: {corpus}/{id}: {}",
                e.engine,
                error.replace('\n', " ")
            );
        }
    }
    if !any {
        let _ = writeln!(s, "None.");
    }
    s
}

/// The markdown read back with a CommonMark parser, per engine that writes markdown.
fn markdown_section(s: &mut String, report: &Report) {
    let checked: Vec<(&str, &MarkdownSummary)> = report
        .engines
        .iter()
        .filter_map(|e| e.markdown.as_ref().map(|m| (e.engine, m)))
        .collect();
    if checked.is_empty() {
        return;
    }
    let _ = writeln!(s, "#### Markdown, read back with a CommonMark parser\n");
    let _ = writeln!(
        s,
        "Each page's `markdown` parsed with `pulldown-cmark`, as a renderer reads it; pages with \
         non-empty text only. *Indented text*: an indented code block (source indentation \
         read as code); *code without code*: a code block or code span on a page whose HTML \
         has no `<pre>` or `<code>`; *relative links*: a link or image target without a \
         scheme; *boilerplate line*: a paragraph that is only \"Advertisement\", \"Continue \
         reading the main story\" and the like. *Read-back F1*: word F1 of the markdown \
         rendered to text (image alt text left out, and the title heading the markdown starts \
         with: `text` is the body, the title a field of its own) against the `text` field. \
         *Lines kept* (not a target): the share of the `text` field's lines that the rendered \
         markdown shows as lines of their own (a list item's paragraphs kept apart, a `<br>` \
         a line break), mean over pages, and the pages where every line is kept.\n"
    );
    let _ = writeln!(
        s,
        "| engine | pages | indented text | code without code | empty heading | relative links | boilerplate line | clean | read-back F1 mean | min (page) | pages ≥ {} | lines kept (mean) | pages keeping every line |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
        super::markdown::READ_BACK_GOAL
    );
    for (engine, m) in checked {
        let _ = writeln!(
            s,
            "| {engine} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            m.pages,
            m.indented_code,
            m.code_without_source_code,
            m.empty_heading,
            m.relative_links,
            m.boilerplate_line,
            m.clean,
            f3(m.read_back_mean),
            m.read_back_min
                .as_ref()
                .map_or_else(|| "–".into(), |(f, page)| format!("{} ({page})", f3(*f))),
            m.read_back_ok,
            f3(m.lines_kept_mean),
            m.lines_all_kept,
        );
    }
    s.push('\n');
}
