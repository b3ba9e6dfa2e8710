//! Dates written for people: "March 3, 2024", "3 Mar. 2024", "2024-03-03", "03/03/2024",
//! "3. März 2024", read out of short visible text into ISO 8601 (`YYYY-MM-DD`).
//!
//! Only whole dates (day, month and year) are read; times, weekdays and relative dates
//! ("2 hours ago") are not. Numeric dates with a two-digit year, and ambiguous numeric
//! day/month orders, are read as their writers most often mean them: `a/b/YYYY` is
//! month/day unless `a` cannot be a month, `a.b.YYYY` and `a-b-YYYY` are day.month.

/// Month names and abbreviations (lower case) in English, German, French, Spanish,
/// Italian, Portuguese and Dutch, with their month number.
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("januar", 1),
    ("janvier", 1),
    ("janv", 1),
    ("enero", 1),
    ("ene", 1),
    ("gennaio", 1),
    ("janeiro", 1),
    ("januari", 1),
    ("february", 2),
    ("feb", 2),
    ("febr", 2),
    ("februar", 2),
    ("février", 2),
    ("fevrier", 2),
    ("févr", 2),
    ("febrero", 2),
    ("febbraio", 2),
    ("fevereiro", 2),
    ("februari", 2),
    ("march", 3),
    ("mar", 3),
    ("märz", 3),
    ("maerz", 3),
    ("mars", 3),
    ("marzo", 3),
    ("março", 3),
    ("maart", 3),
    ("mrt", 3),
    ("april", 4),
    ("apr", 4),
    ("avril", 4),
    ("avr", 4),
    ("abril", 4),
    ("abr", 4),
    ("aprile", 4),
    ("may", 5),
    ("mai", 5),
    ("mayo", 5),
    ("maggio", 5),
    ("maio", 5),
    ("mei", 5),
    ("june", 6),
    ("jun", 6),
    ("juni", 6),
    ("juin", 6),
    ("junio", 6),
    ("giugno", 6),
    ("junho", 6),
    ("july", 7),
    ("jul", 7),
    ("juli", 7),
    ("juillet", 7),
    ("juil", 7),
    ("julio", 7),
    ("luglio", 7),
    ("julho", 7),
    ("august", 8),
    ("aug", 8),
    ("août", 8),
    ("aout", 8),
    ("agosto", 8),
    ("ago", 8),
    ("augustus", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("septembre", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("settembre", 9),
    ("setembro", 9),
    ("set", 9),
    ("october", 10),
    ("oct", 10),
    ("oktober", 10),
    ("okt", 10),
    ("octobre", 10),
    ("octubre", 10),
    ("ottobre", 10),
    ("outubro", 10),
    ("out", 10),
    ("november", 11),
    ("nov", 11),
    ("novembre", 11),
    ("noviembre", 11),
    ("novembro", 11),
    ("december", 12),
    ("dec", 12),
    ("dezember", 12),
    ("dez", 12),
    ("décembre", 12),
    ("decembre", 12),
    ("déc", 12),
    ("diciembre", 12),
    ("dic", 12),
    ("dicembre", 12),
    ("dezembro", 12),
];

/// Words between a day and a month or a month and a year that do not break a date:
/// "3rd of March", "3 de marzo de 2024".
const FILLERS: &[&str] = &["of", "de", "del", "di", "le"];

/// The earliest and latest years read.
const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// One token of a date candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    /// A run of ASCII digits.
    Number(&'a str),
    /// A run of letters, lower-cased by the caller's comparison.
    Word(&'a str),
    /// One separator character that is not white space.
    Sep(char),
}

/// Split `text` into [`Token`]s with their byte offsets; white space separates tokens and
/// is dropped.
fn tokens(text: &str) -> (Vec<Token<'_>>, Vec<usize>) {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        let digit = c.is_ascii_digit();
        if digit || c.is_alphabetic() {
            let mut end = start + c.len_utf8();
            while let Some(&(i, n)) = chars.peek() {
                if (digit && n.is_ascii_digit()) || (!digit && n.is_alphabetic()) {
                    end = i + n.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let piece = &text[start..end];
            offsets.push(start);
            out.push(if digit {
                Token::Number(piece)
            } else {
                Token::Word(piece)
            });
        } else {
            offsets.push(start);
            out.push(Token::Sep(c));
        }
    }
    (out, offsets)
}

/// The number of a month written by name in one of the supported languages ("october",
/// "Okt", "mars"); `None` for anything else.
pub(crate) fn month(word: &str) -> Option<u32> {
    if word.len() > 10 {
        return None;
    }
    let lower = word.to_lowercase();
    MONTHS
        .iter()
        .find(|(name, _)| *name == lower)
        .map(|&(_, m)| m)
}

/// Whether `word` (lower case) is an English day of the week or its abbreviation.
pub(crate) fn is_weekday_name(word: &str) -> bool {
    matches!(
        word.trim_end_matches('.'),
        "mon"
            | "tue"
            | "tues"
            | "wed"
            | "thu"
            | "thur"
            | "thurs"
            | "fri"
            | "sat"
            | "sun"
            | "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
    )
}

/// Whether `word` names a month, in any of the languages read ("december", "dez.", "mai").
pub(crate) fn is_month_name(word: &str) -> bool {
    month(word).is_some()
}

/// A day of the month written as digits (with an optional ordinal suffix handled by the
/// caller).
fn day(number: &str) -> Option<u32> {
    let d: u32 = number.parse().ok()?;
    (number.len() <= 2 && (1..=31).contains(&d)).then_some(d)
}

/// A four-digit year in [`YEARS`].
fn year(number: &str) -> Option<i32> {
    let y: i32 = number.parse().ok()?;
    (number.len() == 4 && YEARS.contains(&y)).then_some(y)
}

/// Whether `y-m-d` is a real calendar day.
fn valid(y: i32, m: u32, d: u32) -> bool {
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

fn iso(y: i32, m: u32, d: u32) -> Option<String> {
    valid(y, m, d).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// Skip an ordinal suffix ("st", "nd", "rd", "th", "er", "º") and a following dot after a
/// day number, and filler words; return the next index.
fn skip_after_day(t: &[Token<'_>], mut i: usize) -> usize {
    if let Some(Token::Word(w)) = t.get(i)
        && matches!(
            w.to_ascii_lowercase().as_str(),
            "st" | "nd" | "rd" | "th" | "er" | "º" | "o"
        )
    {
        i += 1;
    }
    if t.get(i) == Some(&Token::Sep('.')) {
        i += 1;
    }
    skip_fillers(t, i)
}

fn skip_fillers(t: &[Token<'_>], mut i: usize) -> usize {
    while let Some(Token::Word(w)) = t.get(i) {
        if FILLERS.contains(&w.to_ascii_lowercase().as_str()) {
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// Skip a dot or comma after a month name or day, and filler words.
fn skip_punct(t: &[Token<'_>], mut i: usize) -> usize {
    while matches!(t.get(i), Some(Token::Sep('.' | ','))) {
        i += 1;
    }
    skip_fillers(t, i)
}

/// The date that starts at token `i`, if one does.
fn date_at(t: &[Token<'_>], i: usize) -> Option<String> {
    match t[i] {
        // "March 3, 2024", "Mar. 3rd 2024"
        Token::Word(w) => {
            let m = month(w)?;
            let j = skip_punct(t, i + 1);
            let Token::Number(dn) = *t.get(j)? else {
                return None;
            };
            let d = day(dn)?;
            let k = skip_punct(t, skip_after_day(t, j + 1));
            let Token::Number(yn) = *t.get(k)? else {
                return None;
            };
            iso(year(yn)?, m, d)
        }
        Token::Number(first) => {
            // "2024-03-03", "2024/03/03", "2024.03.03"
            if let Some(y) = year(first) {
                let (Some(Token::Sep(s1)), Some(Token::Number(mn)), Some(Token::Sep(s2))) =
                    (t.get(i + 1), t.get(i + 2), t.get(i + 3))
                else {
                    return None;
                };
                let Some(Token::Number(dn)) = t.get(i + 4) else {
                    return None;
                };
                if s1 != s2 || !matches!(s1, '-' | '/' | '.') {
                    return None;
                }
                return iso(y, mn.parse().ok()?, day(dn)?);
            }
            let d = day(first)?;
            // "3 March 2024", "3rd of March, 2024", "3. März 2024"
            let j = skip_after_day(t, i + 1);
            if let Some(Token::Word(w)) = t.get(j)
                && let Some(m) = month(w)
            {
                let k = skip_punct(t, j + 1);
                let Token::Number(yn) = *t.get(k)? else {
                    return None;
                };
                return iso(year(yn)?, m, d);
            }
            // "03/04/2024" (month first unless the first number cannot be a month),
            // "03.04.2024" and "03-04-2024" (day first).
            let (Some(Token::Sep(s1)), Some(Token::Number(second)), Some(Token::Sep(s2))) =
                (t.get(i + 1), t.get(i + 2), t.get(i + 3))
            else {
                return None;
            };
            let Some(Token::Number(yn)) = t.get(i + 4) else {
                return None;
            };
            if s1 != s2 {
                return None;
            }
            let y = year(yn)?;
            let second = day(second)?;
            match s1 {
                '/' if d <= 12 => iso(y, d, second),
                '/' | '.' | '-' => iso(y, second, d),
                _ => None,
            }
        }
        Token::Sep(_) => None,
    }
}

/// The first whole date written in `text`, as `YYYY-MM-DD`: "Posted on March 3rd, 2024 by
/// Ann" gives `2024-03-03` (see the `written_dates_are_read` test; the function is private
/// to the crate, so it has no doc test).
pub(crate) fn first_date(text: &str) -> Option<String> {
    first_date_at(text).map(|(_, date)| date)
}

/// [`first_date`] with the byte offset where the date starts in `text`.
pub(crate) fn first_date_at(text: &str) -> Option<(usize, String)> {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let (t, offsets) = tokens(text);
    (0..t.len()).find_map(|i| date_at(&t, i).map(|date| (offsets[i], date)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_dates_are_read() {
        for (text, want) in [
            ("March 3, 2024", "2024-03-03"),
            ("Posted on Mar. 3rd, 2024 by Ann", "2024-03-03"),
            ("Updated: Sept 30 2023 10:00 AM", "2023-09-30"),
            ("3 March 2024", "2024-03-03"),
            ("3rd of March, 2024", "2024-03-03"),
            ("Published 14 Nov. 2025", "2025-11-14"),
            ("3. März 2024", "2024-03-03"),
            ("le 5 juillet 2022", "2022-07-05"),
            ("5 de marzo de 2021", "2021-03-05"),
            ("2024-03-04T10:00", "2024-03-04"),
            ("2024/03/04", "2024-03-04"),
            ("03/04/2024", "2024-03-04"),
            ("25/12/2023", "2023-12-25"),
            ("25.12.2023", "2023-12-25"),
            ("February 29, 2024", "2024-02-29"),
        ] {
            assert_eq!(first_date(text).as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn date_offsets_point_at_the_date() {
        let text = "Jane Doe March 3, 2024 10:00";
        assert_eq!(first_date_at(text), Some((9, "2024-03-03".to_string())));
    }

    #[test]
    fn non_dates_are_refused() {
        for text in [
            "",
            "May 2024",
            "February 30, 2023",
            "March 3, 1850",
            "Call 555-1234",
            "3 items, 2024 total",
            "version 1.2.3",
            "13/13/2024",
            "2 hours ago",
            "In 2024, march 12 people",
        ] {
            assert_eq!(first_date(text), None, "{text}");
        }
    }
}
