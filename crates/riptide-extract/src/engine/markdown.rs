//! Markdown pieces that need more than appending: pipe tables and escaping of text that would
//! otherwise read as block syntax.

/// A data table being collected, row by row, cell by cell.
#[derive(Debug, Default)]
pub(crate) struct Table {
    rows: Vec<Vec<String>>,
    in_row: bool,
}

impl Table {
    /// Start a row.
    pub(crate) fn start_row(&mut self) {
        self.rows.push(Vec::new());
        self.in_row = true;
    }

    /// End the current row.
    pub(crate) fn end_row(&mut self) {
        self.in_row = false;
    }

    /// Start a cell in the current row (a row is started when there is none).
    pub(crate) fn start_cell(&mut self) {
        if !self.in_row || self.rows.is_empty() {
            self.start_row();
        }
        if let Some(row) = self.rows.last_mut() {
            row.push(String::new());
        }
    }

    /// Append markdown to the current cell.
    pub(crate) fn push(&mut self, s: &str) {
        if self.rows.last().is_none_or(Vec::is_empty) {
            self.start_cell();
        }
        if let Some(cell) = self.rows.last_mut().and_then(|r| r.last_mut()) {
            cell.push_str(s);
        }
    }

    /// Separate words in the current cell.
    pub(crate) fn push_space(&mut self) {
        if let Some(cell) = self.rows.last_mut().and_then(|r| r.last_mut())
            && !cell.is_empty()
            && !cell.ends_with(' ')
        {
            cell.push(' ');
        }
    }

    /// The table as a CommonMark pipe table (the first row is the header); empty when no
    /// cell has content.
    pub(crate) fn render(&self) -> String {
        let rows: Vec<&Vec<String>> = self
            .rows
            .iter()
            .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
            .collect();
        let columns = rows.iter().map(|r| r.len()).max().unwrap_or(0);
        if columns == 0 {
            return String::new();
        }
        let mut out = String::new();
        for (k, row) in rows.iter().enumerate() {
            if k > 0 {
                out.push('\n');
            }
            out.push('|');
            for c in 0..columns {
                out.push(' ');
                out.push_str(row.get(c).map_or("", |s| s.trim()));
                out.push_str(" |");
            }
            if k == 0 {
                out.push_str("\n|");
                out.push_str(&" --- |".repeat(columns));
            }
        }
        out
    }
}

/// Escape what would be markdown syntax inside a word of the page's text, so that it reads
/// back as the page writes it: a backtick is not a code span, `<` not an HTML tag, brackets
/// not a link ("[site](" written before a link), an asterisk not emphasis ("**Abstract:**"
/// written out on the page), an underscore not emphasis ("_init_", "¯\\_(ツ)_/¯"; one
/// between letters, "snake_case", cannot be), and a backslash before punctuation not an
/// escape ("\$\begingroup\$"). In a heading (`in_heading`), a word of `#` alone is not
/// the heading's closing sequence.
///
/// Words that need nothing are borrowed.
pub(crate) fn escape_inline(word: &str, in_heading: bool) -> std::borrow::Cow<'_, str> {
    let hashes = in_heading && !word.is_empty() && word.bytes().all(|b| b == b'#');
    let needs = |at: usize, c: char| {
        let rest = &word[at + c.len_utf8()..];
        match c {
            '`' | '<' | '[' | ']' | '*' => true,
            // Only an underscore between two letters or digits cannot be emphasis.
            '_' => {
                let before = word[..at].chars().next_back();
                let after = rest.chars().next();
                !(before.is_some_and(char::is_alphanumeric)
                    && after.is_some_and(char::is_alphanumeric))
            }
            '#' => hashes,
            '\\' => rest.chars().next().is_none_or(|n| n.is_ascii_punctuation()),
            // "&percnt;" written out on the page is not a character reference.
            '&' => {
                let name = rest.strip_prefix('#').unwrap_or(rest);
                let after = name.trim_start_matches(|c: char| c.is_ascii_alphanumeric());
                after.len() < name.len() && after.starts_with(';')
            }
            _ => false,
        }
    };
    backslash_where(word, needs)
}

/// `s` with a backslash before each character `needs` (given its byte offset) picks;
/// borrowed when there is none.
fn backslash_where(s: &str, needs: impl Fn(usize, char) -> bool) -> std::borrow::Cow<'_, str> {
    let mut out: Option<String> = None;
    for (at, c) in s.char_indices() {
        if needs(at, c) {
            out.get_or_insert_with(|| s[..at].to_string()).push('\\');
        }
        if let Some(out) = out.as_mut() {
            out.push(c);
        }
    }
    out.map_or(std::borrow::Cow::Borrowed(s), std::borrow::Cow::Owned)
}

/// A link or image destination written so that it reads back whole: parentheses that do
/// not pair up ("…/ballen-clt/)" in a page's `href`) and `|` (a table's cell separator)
/// are escaped. [`url::Url`] has already percent-encoded spaces and angle brackets.
pub(crate) fn link_destination(url: &str) -> std::borrow::Cow<'_, str> {
    let mut depth = 0i32;
    let mut paired = true;
    for c in url.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        paired &= depth >= 0;
    }
    paired &= depth == 0;
    backslash_where(url, |_, c| c == '|' || (!paired && matches!(c, '(' | ')')))
}

/// Escape a word written at the start of a markdown line so that it stays text: `#`, `>`,
/// list markers and `1.`-style numbers.
pub(crate) fn escape_line_start(word: &str) -> String {
    let first = word.chars().next();
    let needs = match first {
        Some('#' | '>' | '+' | '=' | '|' | '~' | '_' | '<') => true,
        Some('-' | '*') => true,
        Some(c) if c.is_ascii_digit() => {
            let digits = word.trim_start_matches(|c: char| c.is_ascii_digit());
            digits.starts_with('.') || digits.starts_with(')')
        }
        _ => false,
    };
    if !needs {
        return word.to_string();
    }
    match first {
        Some(c) if c.is_ascii_digit() => {
            let split = word
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(word.len());
            format!("{}\\{}", &word[..split], &word[split..])
        }
        _ => format!("\\{word}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_render_with_a_header_row() {
        let mut t = Table::default();
        t.start_row();
        t.start_cell();
        t.push("a");
        t.start_cell();
        t.push("b");
        t.end_row();
        t.start_row();
        t.start_cell();
        t.push("1");
        t.end_row();
        assert_eq!(t.render(), "| a | b |\n| --- | --- |\n| 1 |  |");
    }

    #[test]
    fn inline_syntax_in_the_pages_text_is_escaped() {
        for (word, want) in [
            ("plain", "plain"),
            ("snake_case", "snake_case"),
            ("**Abstract:**", "\\*\\*Abstract:\\*\\*"),
            ("_init_", "\\_init\\_"),
            ("__init__", "\\_\\_init\\_\\_"),
            ("¯\\_(ツ)_/¯", "¯\\\\\\_(ツ)\\_/¯"),
            ("`x`", "\\`x\\`"),
            ("<b>", "\\<b>"),
            ("[1]", "\\[1\\]"),
            ("\\$\\begingroup\\$", "\\\\$\\begingroup\\\\$"),
            ("C:\\Users", "C:\\Users"),
            ("#", "#"),
        ] {
            assert_eq!(escape_inline(word, false), want, "{word}");
        }
        assert_eq!(escape_inline("400&percnt;", false), "400\\&percnt;");
        assert_eq!(escape_inline("&#37;", false), "\\&#37;");
        assert_eq!(escape_inline("AT&T", false), "AT&T");
        assert_eq!(escape_inline("&;", false), "&;");
        assert_eq!(escape_inline("#", true), "\\#");
        assert_eq!(escape_inline("#1", true), "#1");
    }

    #[test]
    fn link_destinations_read_back_whole() {
        let wiki = "https://en.wikipedia.org/wiki/Rust_(programming_language)";
        assert_eq!(link_destination(wiki), wiki);
        assert_eq!(
            link_destination("https://x.example/ballen-clt/)"),
            "https://x.example/ballen-clt/\\)"
        );
        assert_eq!(
            link_destination("https://x.example/a)b(c"),
            "https://x.example/a\\)b\\(c"
        );
        assert_eq!(
            link_destination("https://x.example/a|b"),
            "https://x.example/a\\|b"
        );
    }

    #[test]
    fn block_syntax_at_line_start_is_escaped() {
        assert_eq!(escape_line_start("#1"), "\\#1");
        assert_eq!(escape_line_start("1."), "1\\.");
        assert_eq!(escape_line_start("2024"), "2024");
        assert_eq!(escape_line_start("-"), "\\-");
        assert_eq!(escape_line_start("word"), "word");
    }
}
