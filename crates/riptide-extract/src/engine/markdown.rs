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
    fn block_syntax_at_line_start_is_escaped() {
        assert_eq!(escape_line_start("#1"), "\\#1");
        assert_eq!(escape_line_start("1."), "1\\.");
        assert_eq!(escape_line_start("2024"), "2024");
        assert_eq!(escape_line_start("-"), "\\-");
        assert_eq!(escape_line_start("word"), "word");
    }
}
