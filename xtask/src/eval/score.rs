//! The scores of the field: word F1 (WCXB), shingle F1 (ScrapingHub), metadata matches and
//! rank correlation. See `../shared/corpus/README.md` for the definitions.

use std::collections::HashMap;

use serde::Serialize;

/// Whether a character belongs to a `\w` run (letters, digits, marks counted as alphabetic,
/// and `_`), as in Python's `re` module with Unicode strings.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The `\w+` runs of `text`, in order.
pub(super) fn tokens(text: &str) -> Vec<&str> {
    text.split(|c: char| !is_word_char(c))
        .filter(|t| !t.is_empty())
        .collect()
}

/// True positives, false positives and false negatives of a multiset comparison.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub(super) struct Counts {
    /// Predicted tokens that are in the reference.
    pub tp: u64,
    /// Predicted tokens that are not in the reference.
    pub fp: u64,
    /// Reference tokens that were not predicted.
    pub fn_: u64,
}

impl Counts {
    /// Precision, recall and F1; an empty prediction of an empty reference scores 1.
    pub(super) fn prf(self) -> (f64, f64, f64) {
        if self.tp + self.fp + self.fn_ == 0 {
            return (1.0, 1.0, 1.0);
        }
        let p = ratio(self.tp, self.tp + self.fp);
        let r = ratio(self.tp, self.tp + self.fn_);
        (p, r, harmonic(p, r))
    }

    /// Add another page's counts (for micro averages).
    pub(super) fn add(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        #[allow(clippy::cast_precision_loss)]
        let r = a as f64 / b as f64;
        r
    }
}

/// The harmonic mean of precision and recall (0 when both are 0).
pub(super) fn harmonic(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn overlap<K: std::hash::Hash + Eq>(
    predicted: impl IntoIterator<Item = K>,
    reference: impl IntoIterator<Item = K>,
) -> Counts {
    let mut bag: HashMap<K, i64> = HashMap::new();
    let mut ref_len = 0u64;
    for t in reference {
        *bag.entry(t).or_default() += 1;
        ref_len += 1;
    }
    let mut tp = 0u64;
    let mut pred_len = 0u64;
    for t in predicted {
        pred_len += 1;
        if let Some(n) = bag.get_mut(&t)
            && *n > 0
        {
            *n -= 1;
            tp += 1;
        }
    }
    Counts {
        tp,
        fp: pred_len - tp,
        fn_: ref_len - tp,
    }
}

/// WCXB word overlap: lower-cased `\w+` tokens as multisets.
pub(super) fn word_counts(predicted: &str, reference: &str) -> Counts {
    let predicted = predicted.to_lowercase();
    let reference = reference.to_lowercase();
    overlap(tokens(&predicted), tokens(&reference))
}

/// ScrapingHub shingle precision and recall of one page: 4-token shingles (case kept) as
/// multisets; a text of fewer than four tokens is one shingle of all its tokens (so two empty
/// texts match).
pub(super) fn shingle_pr(predicted: &str, reference: &str) -> (f64, f64) {
    const N: usize = 4;
    fn shingles<'a>(tokens: &'a [&'a str]) -> impl Iterator<Item = &'a [&'a str]> {
        let count = tokens.len().saturating_sub(N - 1).max(1);
        (0..count).map(move |i| &tokens[i..(i + N).min(tokens.len())])
    }
    let p_tokens = tokens(predicted);
    let r_tokens = tokens(reference);
    let c = overlap(shingles(&p_tokens), shingles(&r_tokens));
    // Normalising TP+FP+FN to 1 does not change the per-page ratios.
    (ratio(c.tp, c.tp + c.fp), ratio(c.tp, c.tp + c.fn_))
}

/// Collapse runs of white space and trim (the metadata comparison form).
pub(super) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One metadata field of one page.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub(super) struct Check {
    /// The reference has a value.
    pub expected: bool,
    /// We returned a value.
    pub returned: bool,
    /// Both have a value and they match.
    pub ok: bool,
    /// Both have a value and they match once the writing conventions the references
    /// differ on are set aside (see [`Check::with_loose`]); the same as `ok` otherwise.
    pub loose: bool,
}

impl Check {
    /// Compare with `same` when both sides have a value.
    pub(super) fn new(
        ours: Option<&str>,
        expected: Option<&str>,
        same: impl Fn(&str, &str) -> bool,
    ) -> Check {
        let ours = ours.map(str::trim).filter(|s| !s.is_empty());
        let expected = expected.map(str::trim).filter(|s| !s.is_empty());
        let ok = matches!((ours, expected), (Some(o), Some(e)) if same(o, e));
        Check {
            expected: expected.is_some(),
            returned: ours.is_some(),
            ok,
            loose: ok,
        }
    }

    /// [`Check::new`], with `loose` also compared by `loosely`.
    pub(super) fn with_loose(
        ours: Option<&str>,
        expected: Option<&str>,
        same: impl Fn(&str, &str) -> bool,
        loosely: impl Fn(&str, &str) -> bool,
    ) -> Check {
        let mut check = Check::new(ours, expected, same);
        check.loose = check.ok
            || matches!(
                (ours.map(str::trim), expected.map(str::trim)),
                (Some(o), Some(e)) if !o.is_empty() && !e.is_empty() && loosely(o, e)
            );
        check
    }
}

/// `s` with typographic quotes and dashes written in ASCII, lower-cased and with white
/// space collapsed.
fn folded(s: &str) -> String {
    let ascii: String = s
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => '"',
            '\u{2013}' | '\u{2014}' | '\u{2212}' => '-',
            c => c,
        })
        .collect();
    collapse(&ascii).to_lowercase()
}

/// Titles that differ only in quote and dash style ("’" for "'") or letter case.
pub(super) fn same_title_loosely(a: &str, b: &str) -> bool {
    folded(a) == folded(b)
}

/// Bylines that differ only in a leading "By" (which Readability's references keep),
/// quote style or letter case.
pub(super) fn same_byline_loosely(a: &str, b: &str) -> bool {
    let name = |s: &str| {
        let s = folded(s);
        match s.strip_prefix("by ") {
            Some(rest) => rest.trim().to_string(),
            None => s,
        }
    };
    name(a) == name(b)
}

/// Exact match after trimming and collapsing white space.
pub(super) fn same_text(a: &str, b: &str) -> bool {
    collapse(a) == collapse(b)
}

/// The calendar day of an ISO 8601 date or date-time as written (`YYYY-MM-DD`), or the
/// month (`YYYY-MM`) for a reference that only gives a month.
fn day_of(s: &str) -> &str {
    let s = s.trim();
    let end = s
        .char_indices()
        .find(|&(i, c)| i >= 7 && !(c.is_ascii_digit() || c == '-'))
        .map_or(s.len(), |(i, _)| i);
    s.get(..end.min(10)).unwrap_or(s)
}

/// Same calendar day (or, for a month-only reference, same month).
pub(super) fn same_day(ours: &str, expected: &str) -> bool {
    let e = day_of(expected);
    let o = day_of(ours);
    if e.len() == 7 {
        o.starts_with(e)
    } else {
        o == e
    }
}

/// Same primary language subtag (`en-US` matches `en`).
pub(super) fn same_language(a: &str, b: &str) -> bool {
    let primary = |s: &str| {
        s.split(['-', '_'])
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    };
    primary(a) == primary(b)
}

/// Pearson's correlation coefficient; `None` for fewer than three pairs or no variance.
pub(super) fn pearson(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len().min(ys.len());
    if n < 3 {
        return None;
    }
    #[allow(clippy::cast_precision_loss)]
    let nf = n as f64;
    let mx = xs.iter().sum::<f64>() / nf;
    let my = ys.iter().sum::<f64>() / nf;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in xs.iter().zip(ys) {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// Ranks from 1, ties sharing their average rank.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut out = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        #[allow(clippy::cast_precision_loss)]
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            out[k] = rank;
        }
        i = j + 1;
    }
    out
}

/// Spearman's rank correlation (Pearson of the ranks, ties averaged).
pub(super) fn spearman(xs: &[f64], ys: &[f64]) -> Option<f64> {
    pearson(&ranks(xs), &ranks(ys))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_f1_uses_multisets_of_lowercase_tokens() {
        let c = word_counts("The cat, the CAT!", "the cat sat");
        assert_eq!((c.tp, c.fp, c.fn_), (2, 2, 1));
        assert_eq!(word_counts("", "").prf().2, 1.0);
        assert_eq!(word_counts("", "x").prf().2, 0.0);
        assert_eq!(word_counts("x", "").prf().2, 0.0);
    }

    #[test]
    fn shingles_are_four_tokens() {
        assert_eq!(shingle_pr("a b c d e", "a b c d e"), (1.0, 1.0));
        let (p, r) = shingle_pr("a b c d", "a b c d e");
        assert_eq!((p, r), (1.0, 0.5));
        assert_eq!(shingle_pr("", ""), (1.0, 1.0));
        assert_eq!(shingle_pr("a b", "a b"), (1.0, 1.0));
        assert_eq!(shingle_pr("A b c d", "a b c d"), (0.0, 0.0));
    }

    #[test]
    fn days_and_languages_compare_loosely() {
        assert!(same_day("2024-05-01T23:30:00-05:00", "2024-05-01"));
        assert!(same_day("2024-05-01", "2024-05-01 06:01:07"));
        assert!(!same_day("2024-05-02", "2024-05-01"));
        assert!(same_day("2024-05-02", "2024-05"));
        assert!(same_language("en-US", "en"));
        assert!(!same_language("de", "en"));
    }

    #[test]
    fn loose_titles_and_bylines_set_conventions_aside() {
        assert!(same_title_loosely(
            "\u{2018}Star Wars\u{2019} Cuts \u{2014} Again",
            "'Star Wars' cuts - again"
        ));
        assert!(!same_title_loosely("Star Wars", "Star Wars | Site"));
        assert!(same_byline_loosely("Erin Cunningham", "By Erin Cunningham"));
        assert!(!same_byline_loosely(
            "Erin Cunningham",
            "By Erin Cunningham, March 3"
        ));
        let check = Check::with_loose(
            Some("Erin Cunningham"),
            Some("By Erin Cunningham"),
            same_text,
            same_byline_loosely,
        );
        assert!(check.expected && check.returned && !check.ok && check.loose);
        let none = Check::with_loose(None, Some("x"), same_text, same_byline_loosely);
        assert!(!none.ok && !none.loose);
    }

    #[test]
    fn correlations() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert!((pearson(&x, &[2.0, 4.0, 6.0, 8.0]).unwrap() - 1.0).abs() < 1e-12);
        assert!((spearman(&x, &[1.0, 10.0, 100.0, 1000.0]).unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(ranks(&[3.0, 1.0, 3.0]), vec![2.5, 1.0, 2.5]);
        assert_eq!(pearson(&x, &[1.0, 1.0, 1.0, 1.0]), None);
    }
}
