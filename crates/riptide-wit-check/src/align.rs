//! Lines up two ordered lists of names (parameters, fields, cases, flags) the way a diff does,
//! and finds the closest name for "did you mean" suggestions.

/// How one expected item relates to the found items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Aligned {
    /// Same name, in the same relative order.
    Same(usize, usize),
    /// Same name, but out of order (expected index, found index).
    Moved(usize, usize),
    /// Different names in the same slot: most likely a rename.
    Renamed(usize, usize),
    /// Only in the expected list.
    Missing(usize),
    /// Only in the found list.
    Extra(usize),
}

/// Aligns `expected` with `found`: a longest common subsequence of names anchors the
/// alignment; names present in both but out of order are `Moved`; between two anchors,
/// leftover items are paired up in order as `Renamed`, the rest are `Missing` or `Extra`.
///
/// The result is ordered by expected position, with extras after the item they follow.
pub(crate) fn align(expected: &[&str], found: &[&str]) -> Vec<Aligned> {
    let anchors = lcs(expected, found);
    let mut exp_used = vec![false; expected.len()];
    let mut found_used = vec![false; found.len()];
    for &(i, j) in &anchors {
        exp_used[i] = true;
        found_used[j] = true;
    }

    let mut out = Vec::new();
    // Moved: same name, not part of the common subsequence.
    for (i, name) in expected.iter().enumerate() {
        if exp_used[i] {
            continue;
        }
        if let Some(j) = (0..found.len()).find(|&j| !found_used[j] && found[j] == *name) {
            exp_used[i] = true;
            found_used[j] = true;
            out.push(Aligned::Moved(i, j));
        }
    }

    // Gaps between anchors: pair leftovers as renames.
    let mut bounds: Vec<(usize, usize)> = anchors.clone();
    bounds.push((expected.len(), found.len()));
    let (mut ei, mut fj) = (0, 0);
    for &(ae, af) in &bounds {
        let exp_gap: Vec<usize> = (ei..ae).filter(|&i| !exp_used[i]).collect();
        let found_gap: Vec<usize> = (fj..af).filter(|&j| !found_used[j]).collect();
        for k in 0..exp_gap.len().max(found_gap.len()) {
            match (exp_gap.get(k), found_gap.get(k)) {
                (Some(&i), Some(&j)) => out.push(Aligned::Renamed(i, j)),
                (Some(&i), None) => out.push(Aligned::Missing(i)),
                (None, Some(&j)) => out.push(Aligned::Extra(j)),
                (None, None) => {}
            }
        }
        ei = ae + 1;
        fj = af + 1;
    }
    out.extend(anchors.into_iter().map(|(i, j)| Aligned::Same(i, j)));

    // Order by expected position; an extra item goes right after the expected item that
    // the found item before it is paired with.
    let mut paired_with = vec![None; found.len()];
    for a in &out {
        if let Aligned::Same(i, j) | Aligned::Moved(i, j) | Aligned::Renamed(i, j) = *a {
            paired_with[j] = Some(i);
        }
    }
    out.sort_by_key(|a| match *a {
        Aligned::Same(i, j) | Aligned::Moved(i, j) | Aligned::Renamed(i, j) => (i as isize, 0, j),
        Aligned::Missing(i) => (i as isize, 0, usize::MAX),
        Aligned::Extra(j) => {
            let before = paired_with[..j].iter().rev().find_map(|p| *p);
            (before.map_or(-1, |i| i as isize), 1, j)
        }
    });
    out
}

/// Longest common subsequence of two name lists, as index pairs in increasing order.
fn lcs(a: &[&str], b: &[&str]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let mut table = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[at(i, j)] = if a[i] == b[j] {
                table[at(i + 1, j + 1)] + 1
            } else {
                table[at(i + 1, j)].max(table[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < n && j < m {
        if a[i] == b[j] {
            out.push((i, j));
            i += 1;
            j += 1;
        } else if table[at(i + 1, j)] >= table[at(i, j + 1)] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Levenshtein distance between two names (on chars).
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate most similar to `name`: within a small edit distance, or one of the two
/// extends the other at a `-` boundary (`extract` / `extract-article`).
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .filter_map(|c| {
            let d = distance(name, c);
            let extends = is_extension(name, c) || is_extension(c, name);
            (d <= limit || extends).then_some((if extends { 0 } else { 1 }, d, c))
        })
        .min()
        .map(|(_, _, c)| c)
}

/// `long` is `short` plus a `-suffix` or a `prefix-`.
fn is_extension(short: &str, long: &str) -> bool {
    long.len() > short.len()
        && (long.strip_prefix(short).is_some_and(|r| r.starts_with('-'))
            || long.strip_suffix(short).is_some_and(|r| r.ends_with('-')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Aligned::*;

    #[test]
    fn identical() {
        assert_eq!(
            align(&["a", "b"], &["a", "b"]),
            vec![Same(0, 0), Same(1, 1)]
        );
    }

    #[test]
    fn removed_added_renamed() {
        assert_eq!(
            align(&["a", "b", "c"], &["a", "c"]),
            vec![Same(0, 0), Missing(1), Same(2, 1)]
        );
        assert_eq!(
            align(&["a", "c"], &["a", "b", "c"]),
            vec![Same(0, 0), Extra(1), Same(1, 2)]
        );
        assert_eq!(
            align(&["a", "b", "c"], &["a", "x", "c"]),
            vec![Same(0, 0), Renamed(1, 1), Same(2, 2)]
        );
        assert_eq!(align(&["a"], &["a", "z"]), vec![Same(0, 0), Extra(1)]);
        assert_eq!(align(&[], &["z"]), vec![Extra(0)]);
    }

    #[test]
    fn swapped() {
        assert_eq!(
            align(&["a", "b"], &["b", "a"]),
            vec![Moved(0, 1), Same(1, 0)]
        );
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            closest("extract", ["extract-article", "zzz"]),
            Some("extract-article")
        );
        assert_eq!(closest("get-modes", ["get-mode"]), Some("get-mode"));
        assert_eq!(closest("health-check", ["get-info"]), None);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
