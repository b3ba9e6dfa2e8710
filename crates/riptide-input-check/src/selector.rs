//! Checks of the CSS selectors of `custom` mode, with the guest's own parser.

use cssparser::{BasicParseErrorKind, ParseError, ParseErrorKind, ToCss, Token};
use dom_query::Matcher;
use selectors::parser::SelectorParseErrorKind;

use crate::error::InputError;
use crate::limits::Limits;
use crate::text::shorten;

/// The selector list of a `custom` request: its count, then each selector's emptiness,
/// length and syntax (parsed by `dom_query::Matcher::new`, as the guest does).
pub(crate) fn check_all(selectors: &[String], limits: &Limits) -> Result<(), InputError> {
    if selectors.is_empty() {
        return Err(InputError::SelectorsMissing);
    }
    if selectors.len() > limits.max_selectors {
        return Err(InputError::SelectorsTooMany {
            count: selectors.len(),
            limit: limits.max_selectors,
        });
    }
    for (i, selector) in selectors.iter().enumerate() {
        check_one(i + 1, selector, limits.max_selector_len)?;
    }
    Ok(())
}

fn check_one(index: usize, selector: &str, max_len: usize) -> Result<(), InputError> {
    if selector.trim().is_empty() {
        return Err(InputError::SelectorEmpty { index });
    }
    if selector.len() > max_len {
        return Err(InputError::SelectorTooLong {
            index,
            selector: shorten(selector),
            len: selector.len(),
            limit: max_len,
        });
    }
    if let Some(at) = too_deep(selector) {
        let (line, column) = position_of(selector, at);
        return Err(InputError::SelectorInvalid {
            index,
            selector: shorten(selector),
            line,
            column,
            reason: format!("nested more than {MAX_SELECTOR_NESTING} levels deep"),
        });
    }
    match Matcher::new(selector) {
        Ok(_) => Ok(()),
        Err(error) => Err(invalid(index, selector, &error)),
    }
}

/// How deep brackets may nest in a selector (`:is(:not(:has(…)))`). The selectors parser
/// recurses once per level, so this bounds the stack it uses, here and in the guest.
///
/// ```
/// use riptide_input_check::{InputValidator, MAX_SELECTOR_NESTING, Mode};
///
/// let deep = vec![":not(".repeat(MAX_SELECTOR_NESTING + 1) + "a"];
/// let err = InputValidator::default().check_mode(Mode::Custom(&deep)).unwrap_err();
/// assert!(err.to_string().ends_with("column 165: nested more than 32 levels deep"));
/// ```
pub const MAX_SELECTOR_NESTING: usize = 32;

/// The byte offset of the first bracket (`(`, `[` or `{`) nested deeper than
/// [`MAX_SELECTOR_NESTING`], if any. Brackets in quoted strings and escaped ones do not count.
fn too_deep(selector: &str) -> Option<usize> {
    let bytes = selector.as_bytes();
    let mut depth = 0usize;
    let mut quote = None;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match (quote, b) {
            (_, b'\\') => i += 1,
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'(' | b'[' | b'{') => {
                depth += 1;
                if depth > MAX_SELECTOR_NESTING {
                    return Some(i);
                }
            }
            (None, b')' | b']' | b'}') => depth = depth.saturating_sub(1),
            (None, _) => {}
        }
        i += 1;
    }
    None
}

/// The 1-based line and character column of a byte offset (on a character boundary).
fn position_of(selector: &str, offset: usize) -> (u32, u32) {
    let before = selector.get(..offset).unwrap_or(selector);
    let mut line = 1u32;
    let mut column = 1u32;
    let mut chars = before.chars().peekable();
    while let Some(c) = chars.next() {
        let newline = match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                true
            }
            '\n' | '\x0c' => true,
            _ => false,
        };
        if newline {
            line = line.saturating_add(1);
            column = 1;
        } else {
            column = column.saturating_add(1);
        }
    }
    (line, column)
}

fn invalid(
    index: usize,
    selector: &str,
    error: &ParseError<'_, SelectorParseErrorKind<'_>>,
) -> InputError {
    InputError::SelectorInvalid {
        index,
        selector: shorten(selector),
        line: error.location.line.saturating_add(1),
        column: char_column(selector, error.location.line, error.location.column),
        reason: describe(&error.kind),
    }
}

/// The 1-based column, in characters, of cssparser's position: `line` counts from 0 and
/// `column` from 1 in UTF-16 code units; CSS newlines are `\n`, `\r\n`, `\r` and `\x0c`.
fn char_column(selector: &str, line: u32, column: u32) -> u32 {
    let mut rest = selector;
    for _ in 0..line {
        let Some(at) = rest.find(['\n', '\r', '\x0c']) else {
            return column;
        };
        let newline_len = if rest[at..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[at + newline_len..];
    }
    let target = column.saturating_sub(1) as usize;
    let mut units = 0usize;
    let mut chars = 0usize;
    for c in rest.chars() {
        if units >= target || matches!(c, '\n' | '\r' | '\x0c') {
            break;
        }
        units += c.len_utf16();
        chars += 1;
    }
    let past_end = target.saturating_sub(units);
    u32::try_from(chars + past_end + 1).unwrap_or(u32::MAX)
}

/// A short English reason for a parse error.
fn describe(kind: &ParseErrorKind<'_, SelectorParseErrorKind<'_>>) -> String {
    use SelectorParseErrorKind as S;
    match kind {
        ParseErrorKind::Basic(basic) => match basic {
            BasicParseErrorKind::UnexpectedToken(token) => {
                format!("unexpected {}", token_name(token))
            }
            BasicParseErrorKind::EndOfInput => "unexpected end of input".to_owned(),
            BasicParseErrorKind::AtRuleInvalid(name) => {
                format!("unexpected at-rule {}", code(&format!("@{name}")))
            }
            BasicParseErrorKind::AtRuleBodyInvalid => "invalid at-rule body".to_owned(),
            BasicParseErrorKind::QualifiedRuleInvalid => "invalid rule".to_owned(),
        },
        ParseErrorKind::Custom(custom) => match custom {
            S::NoQualifiedNameInAttributeSelector(token) => {
                format!(
                    "expected an attribute name after `[`, found {}",
                    token_name(token)
                )
            }
            S::EmptySelector => {
                "expected a selector here, such as `p`, `.class`, `#id` or `[attr]`".to_owned()
            }
            S::DanglingCombinator => {
                "a combinator (`>`, `+` or `~`) with no selector after it".to_owned()
            }
            S::NonCompoundSelector => {
                "only a compound selector (without combinators) is allowed here".to_owned()
            }
            S::NonPseudoElementAfterSlotted => {
                "only a pseudo-element may follow `::slotted()`".to_owned()
            }
            S::InvalidPseudoElementAfterSlotted => {
                "this pseudo-element may not follow `::slotted()`".to_owned()
            }
            S::InvalidPseudoElementInsideWhere => {
                "pseudo-elements are not allowed inside `:is()` or `:where()`".to_owned()
            }
            S::InvalidState => {
                "a pseudo-class or pseudo-element is not allowed in this position".to_owned()
            }
            S::UnexpectedTokenInAttributeSelector(token) => format!(
                "unexpected {} in an attribute selector; expected `]` or an operator such as `=`",
                token_name(token)
            ),
            S::PseudoElementExpectedColon(token) => {
                format!(
                    "expected `:` in a pseudo-element, found {}",
                    token_name(token)
                )
            }
            S::PseudoElementExpectedIdent(token) => {
                format!(
                    "expected a pseudo-element name, found {}",
                    token_name(token)
                )
            }
            S::NoIdentForPseudo(token) => {
                format!(
                    "expected a pseudo-class name after `:`, found {}",
                    token_name(token)
                )
            }
            S::UnsupportedPseudoClassOrElement(name) => {
                format!("unsupported pseudo-class or pseudo-element {}", code(name))
            }
            S::UnexpectedIdent(name) => format!("unexpected name {}", code(name)),
            S::ExpectedNamespace(prefix) => {
                format!("undeclared namespace prefix {}", code(prefix))
            }
            S::ExpectedBarInAttr(token) => {
                format!(
                    "expected `|` in an attribute name, found {}",
                    token_name(token)
                )
            }
            S::BadValueInAttr(token) => format!(
                "expected an attribute value (a name or a quoted string), found {}",
                token_name(token)
            ),
            S::InvalidQualNameInAttr(token) => {
                format!("invalid attribute name {}", token_name(token))
            }
            S::ExplicitNamespaceUnexpectedToken(token) => format!(
                "expected a name after the namespace separator `|`, found {}",
                token_name(token)
            ),
            S::ClassNeedsIdent(token) => {
                format!(
                    "expected a class name after `.`, found {}",
                    token_name(token)
                )
            }
        },
    }
}

/// A token as it reads in a reason: "token `[`", "whitespace", "a comment".
fn token_name(token: &Token<'_>) -> String {
    match token {
        Token::WhiteSpace(_) => "whitespace".to_owned(),
        Token::Comment(_) => "comment".to_owned(),
        Token::BadString(_) => "unterminated string".to_owned(),
        Token::BadUrl(_) => "malformed `url(`".to_owned(),
        other => format!("token {}", code(&other.to_css_string())),
    }
}

/// Text between backticks, shortened, with control characters escaped.
fn code(text: &str) -> String {
    let short = shorten(text);
    let mut out = String::with_capacity(short.len() + 2);
    out.push('`');
    for c in short.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.push('`');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_bounded_outside_strings() {
        let ok = ":is(".repeat(MAX_SELECTOR_NESTING) + "a" + &")".repeat(MAX_SELECTOR_NESTING);
        assert_eq!(too_deep(&ok), None);
        let deep = ":is(".repeat(MAX_SELECTOR_NESTING + 1) + "a";
        assert_eq!(too_deep(&deep), Some(4 * MAX_SELECTOR_NESTING + 3));
        let quoted = format!("a:has-text('{}')", "(".repeat(100));
        assert_eq!(too_deep(&quoted), None);
        let escaped = format!("a{}", "\\(".repeat(100));
        assert_eq!(too_deep(&escaped), None);
    }

    #[test]
    fn positions_count_lines_and_characters_from_one() {
        assert_eq!(position_of("abc", 0), (1, 1));
        assert_eq!(position_of("é(", 2), (1, 2));
        assert_eq!(position_of("a\r\nb\x0cc(", 6), (3, 2));
    }

    #[test]
    fn columns_count_characters_from_one() {
        assert_eq!(char_column("p[", 0, 3), 3);
        // "é" is one UTF-16 unit, "😀" two; both are one character.
        assert_eq!(char_column("😀 é[", 0, 6), 5);
        assert_eq!(char_column("a\r\nb\nc[", 2, 3), 3);
        // A column past the end of the text keeps counting.
        assert_eq!(char_column("ab", 0, 5), 5);
        // A line past the end of the text leaves the column as reported.
        assert_eq!(char_column("ab", 3, 2), 2);
    }
}
