//! The authors of a byline, one by one.
//!
//! A byline is written for people: "Ann Lee, Bo Chan, and Cy Dee", "Jane Doe, MD, FACP",
//! "Ellen Lindell, VMD; Debra Horwitz, DVM & Gary Landsberg, DVM". [`split`] reads it back
//! into names, each with its own credentials, so that a caller who files articles by author
//! does not have to guess where one name ends.

use crate::meta::{NAME_PARTICLES, dedup_case_insensitive};

/// The authors of a byline whose source gave its `names` apart (several meta tags, a JSON-LD
/// list, links to author pages: each is one author, "Kaufman, Jeff T." included), or as one
/// text (read by [`split`]).
pub(crate) fn of_names(names: &[String]) -> Vec<String> {
    match names {
        [one] => split(one),
        several => {
            let mut names: Vec<String> = several
                .iter()
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty())
                .collect();
            dedup_case_insensitive(&mut names);
            names
        }
    }
}

/// The authors named by `byline`, in its order, each once (compared without case).
///
/// Names are separated by commas, semicolons and the conjunctions "and", "&" (between
/// names of two words or more, so "Johnson & Johnson" stays one), "und", "et" and "y"
/// (before a name of two words or more, so "José Ortega y Gasset" stays one). A part made of
/// credentials or a name's suffix ("MD", "Ph.D.", "Jr.", "E-RYT 200", "VTS (Behavior)")
/// belongs to the name before it, and so does one word after a name of two words or more
/// ("Tracy Parker, Dietitian") and given names after a surname alone ("Kaufman, Jeff T.").
/// A conjunction separates two names only when both sides read as names: "Center for Drug
/// Evaluation and Research" is one author. Nothing inside parentheses is cut.
pub(crate) fn split(byline: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for part in top_level_parts(byline) {
        let part = part.trim();
        // "and Cy Dee" starts a name, never a credential.
        let (part, starts_a_name) = match strip_conjunction(part) {
            Some(rest) => (rest, true),
            None => (part, false),
        };
        if part.is_empty() {
            continue;
        }
        let mut pieces = split_on_conjunctions(part).into_iter();
        // "DACVB & Gary Landsberg": the credential ends the name before. So does one word
        // after a name of two words or more ("Tracy Parker, Dietitian"), and given names
        // ending with an initial after a surname alone ("Kaufman, Jeff T.").
        if let Some(first) = pieces.next() {
            match names.last_mut() {
                Some(last)
                    if !starts_a_name
                        && (is_credential(&first)
                            || (!first.contains(' ')
                                && last.split(',').next().is_some_and(|n| n.contains(' ')))
                            || (!last.contains([' ', ',']) && ends_with_an_initial(&first))) =>
                {
                    last.push_str(", ");
                    last.push_str(&first);
                }
                _ => names.push(first),
            }
        }
        names.extend(pieces);
    }
    dedup_case_insensitive(&mut names);
    names
}

/// Whether the last word of `name` is an initial ("Jeff T.").
fn ends_with_an_initial(name: &str) -> bool {
    name.split_whitespace().count() >= 2
        && name.split_whitespace().last().is_some_and(|w| {
            let mut chars = w.chars();
            matches!((chars.next(), chars.next(), chars.next()), (Some(c), Some('.'), None) if c.is_uppercase())
        })
}

/// Conjunctions that join two authors, as they stand between them.
const CONJUNCTIONS: &[&str] = &[" and ", " & ", " und ", " et ", " y "];

/// `part` without the conjunction that starts the last name of a list ("and Cy Dee" in "Ann
/// Lee, Bo Chan, and Cy Dee").
pub(crate) fn strip_conjunction(part: &str) -> Option<&str> {
    CONJUNCTIONS
        .iter()
        .find_map(|c| part.strip_prefix(c.trim_start()))
        .map(str::trim)
}

/// The characters of `s` outside parentheses and brackets, with their byte offsets (the
/// brackets themselves left out).
fn top_level_chars(s: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut depth = 0usize;
    s.char_indices().filter(move |&(_, c)| match c {
        '(' | '[' => {
            depth += 1;
            false
        }
        ')' | ']' => {
            depth = depth.saturating_sub(1);
            false
        }
        _ => depth == 0,
    })
}

/// `byline` cut at its commas and semicolons, except inside parentheses ("Ann Lee (with Bo
/// Chan, Cy Dee)").
fn top_level_parts(byline: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (at, c) in top_level_chars(byline) {
        if matches!(c, ',' | ';' | '，' | '、') {
            parts.push(&byline[start..at]);
            start = at + c.len_utf8();
        }
    }
    parts.push(&byline[start..]);
    parts
}

/// Where `pattern` first stands in `s` outside parentheses.
fn find_top_level(s: &str, pattern: &str) -> Option<usize> {
    top_level_chars(s)
        .find(|&(at, _)| s[at..].starts_with(pattern))
        .map(|(at, _)| at)
}

/// `part` cut at each conjunction that stands between two names.
pub(crate) fn split_on_conjunctions(part: &str) -> Vec<String> {
    for conjunction in CONJUNCTIONS {
        if let Some(at) = find_top_level(part, conjunction) {
            let (left, right) = (&part[..at], &part[at + conjunction.len()..]);
            let (left, right) = (left.trim(), right.trim());
            let words = |s: &str| s.split_whitespace().count();
            let apart = match *conjunction {
                " & " => {
                    (words(left) >= 2 || is_credential(left))
                        && words(right.split(" & ").next().unwrap_or("")) >= 2
                }
                " y " => words(right) >= 2,
                _ => true,
            };
            if apart && reads_as_a_name(left) && reads_as_a_name(right) {
                let mut names = split_on_conjunctions(left);
                names.extend(split_on_conjunctions(right));
                return names;
            }
        }
    }
    vec![part.to_string()]
}

/// Whether `s` could be one or more people's names: it starts with a capital and holds no
/// word in lower case other than a conjunction or a name's particle ("van der Merwe").
fn reads_as_a_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_uppercase())
        && s.split_whitespace().all(|w| {
            !w.starts_with(char::is_lowercase)
                || NAME_PARTICLES.contains(&w)
                || CONJUNCTIONS.iter().any(|c| c.trim() == w)
        })
}

/// Whether a part of a byline is a credential or a suffix of the name before it: each of its
/// words (a parenthesised note aside) is an abbreviation in capitals ("MD", "FACP",
/// "E-RYT", "CEPF®"), a number ("200") or a known mixed-case one ("Ph.D.", "Jr.").
fn is_credential(part: &str) -> bool {
    let words: Vec<&str> = part
        .split_whitespace()
        .take_while(|w| !w.starts_with('('))
        .collect();
    !words.is_empty()
        && words.len() <= 3
        && words.iter().all(|w| {
            let core = w.trim_end_matches(['®', '™', '.']);
            MIXED_CASE_CREDENTIALS.contains(&core)
                || (core.chars().count() <= 6
                    && core.chars().any(|c| c.is_uppercase() || c.is_ascii_digit())
                    && core
                        .chars()
                        .all(|c| c.is_uppercase() || c.is_ascii_digit() || "-.+/".contains(c)))
        })
}

/// Credentials and suffixes written in mixed case, without a final period.
const MIXED_CASE_CREDENTIALS: &[&str] = &[
    "Ph.D", "PhD", "Jr", "Sr", "MSc", "MEd", "PsyD", "EdD", "DrPH", "Esq", "MBBS", "BSc", "MSt",
    "DPhil", "PharmD",
];

#[cfg(test)]
mod tests {
    use super::{of_names, split};

    #[test]
    fn bylines_are_read_back_into_names() {
        let cases: &[(&str, &[&str])] = &[
            ("Jane Doe", &["Jane Doe"]),
            (
                "Danielle DeSiato, Donna Enzmann, and Natalie Nguyen",
                &["Danielle DeSiato", "Donna Enzmann", "Natalie Nguyen"],
            ),
            (
                "Manoj Jain and Jagpreet Chhatwal",
                &["Manoj Jain", "Jagpreet Chhatwal"],
            ),
            (
                "Rui Ma, Heba Ledwon, Manoel Cortes Mendez & Suparn Patra",
                &[
                    "Rui Ma",
                    "Heba Ledwon",
                    "Manoel Cortes Mendez",
                    "Suparn Patra",
                ],
            ),
            ("Linny and Peter", &["Linny", "Peter"]),
            (
                "Dr Marna van der Merwe, Dr Dieter Veldsman, Erik van Vulpen",
                &[
                    "Dr Marna van der Merwe",
                    "Dr Dieter Veldsman",
                    "Erik van Vulpen",
                ],
            ),
            ("kovarex, felixen", &["kovarex", "felixen"]),
            // One word after a one-word name is another name.
            (
                "kovarex, TOGos, Ernestas, Albert",
                &["kovarex", "TOGos", "Ernestas", "Albert"],
            ),
            // Ann Lee named twice by two sources.
            ("Ann Lee, ann lee", &["Ann Lee"]),
            (
                "Anna Schmidt und Jonas Weber",
                &["Anna Schmidt", "Jonas Weber"],
            ),
            ("Juan Pérez y María López", &["Juan Pérez", "María López"]),
        ];
        for (byline, names) in cases {
            assert_eq!(split(byline), *names, "{byline}");
        }
    }

    #[test]
    fn credentials_stay_with_their_name() {
        let cases: &[(&str, &[&str])] = &[
            (
                "Dylan Bailey, MS, RD, FAND",
                &["Dylan Bailey, MS, RD, FAND"],
            ),
            ("Genevieve Carlton, Ph.D.", &["Genevieve Carlton, Ph.D."]),
            ("Holly Wilgus, E-RYT 200", &["Holly Wilgus, E-RYT 200"]),
            ("Rebecca Lake, CEPF®", &["Rebecca Lake, CEPF®"]),
            ("Martin Luther King, Jr.", &["Martin Luther King, Jr."]),
            ("Kaufman, Jeff T.", &["Kaufman, Jeff T."]),
            // What the byline says of a person stays with the name.
            ("Tracy Parker, Dietitian", &["Tracy Parker, Dietitian"]),
            ("Clare Duffy, CNN", &["Clare Duffy, CNN"]),
            (
                "Ellen Lindell, VMD, DACVB; Monique Feyrecilde, BA, LVT, VTS (Behavior); \
                 Debra Horwitz, DVM, DACVB & Gary Landsberg, DVM, DACVB",
                &[
                    "Ellen Lindell, VMD, DACVB",
                    "Monique Feyrecilde, BA, LVT, VTS (Behavior)",
                    "Debra Horwitz, DVM, DACVB",
                    "Gary Landsberg, DVM, DACVB",
                ],
            ),
            // A team's name in capitals after "and" is an author, not a credential.
            (
                "Thomas Broderick, Nalea Ko, and ACO Rankings Team",
                &["Thomas Broderick", "Nalea Ko", "ACO Rankings Team"],
            ),
        ];
        for (byline, names) in cases {
            assert_eq!(split(byline), *names, "{byline}");
        }
    }

    #[test]
    fn names_with_conjunctions_inside_stay_whole() {
        for byline in [
            "Center for Drug Evaluation and Research",
            "Johnson & Johnson",
            "Marks & Spencer",
            "José Ortega y Gasset",
            "Smith et al.",
            "Martin Untersinger (avec Damien Leloup et Morgane Tual)",
            "Ann Lee (with Bo Chan, Cy Dee)",
        ] {
            assert_eq!(split(byline), [byline], "{byline}");
        }
    }

    #[test]
    fn names_given_apart_are_not_split_again() {
        let names = |list: &[&str]| list.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(
            of_names(&names(&[
                "Kaufman, Jeff T.",
                "Berger, Emery D.",
                "kaufman, jeff t."
            ])),
            ["Kaufman, Jeff T.", "Berger, Emery D."]
        );
        assert_eq!(
            of_names(&names(&["Ann Lee and Bo Chan"])),
            ["Ann Lee", "Bo Chan"]
        );
    }

    proptest::proptest! {
        /// Whatever the byline, the authors are trimmed, non-empty, distinct without case,
        /// and every word of each is a word of the byline.
        #[test]
        fn authors_are_words_of_the_byline(byline in "[A-Za-zé .,;&()]{0,60}") {
            let authors = split(&byline);
            let mut seen = std::collections::HashSet::new();
            for author in &authors {
                proptest::prop_assert!(!author.is_empty());
                proptest::prop_assert_eq!(author.trim(), author.as_str());
                proptest::prop_assert!(seen.insert(author.to_lowercase()));
                for word in author.split([' ', ',']).filter(|w| !w.is_empty()) {
                    proptest::prop_assert!(byline.contains(word), "{word:?} of {author:?}");
                }
            }
        }
    }

    #[test]
    fn empty_parts_are_skipped() {
        assert_eq!(split("Ann Lee,, ; Bo Chan,"), ["Ann Lee", "Bo Chan"]);
        assert!(split(" , ").is_empty());
    }
}
