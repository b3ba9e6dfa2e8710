//! The outcome of a validation: issues with paths, a human rendering and a JSON rendering.

use std::fmt;

use serde::Serialize;

/// How serious an [`Issue`] is.
///
/// ```
/// use riptide_wit_check::Severity;
///
/// assert_eq!(Severity::Error.to_string(), "error");
/// assert!(Severity::Error > Severity::Warning);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; the component can still be instantiated.
    Warning,
    /// The component must not be instantiated.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One finding: where it is (`path`), what is wrong (`message`) and, when one is clear, what
/// to do (`suggestion`).
///
/// Path segments are separated by ` › `, from the world item down to the type member:
/// `export extract › result › ok › record extracted-content › field title`.
///
/// ```
/// use riptide_wit_check::{Issue, Severity};
///
/// let issue = Issue {
///     severity: Severity::Error,
///     path: "export extract".into(),
///     message: "missing from the component".into(),
///     suggestion: Some("the component exports extract-article; did you mean extract?".into()),
/// };
/// assert_eq!(
///     issue.to_string(),
///     "error: export extract: missing from the component \
///      (help: the component exports extract-article; did you mean extract?)"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// Error or warning.
    pub severity: Severity,
    /// Where the issue is, segments separated by ` › `.
    pub path: String,
    /// What is wrong; types are written in WIT syntax (`expected option<string>, found string`).
    pub message: String,
    /// What to do about it, when that is clear.
    pub suggestion: Option<String>,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.severity, self.path, self.message)?;
        if let Some(s) = &self.suggestion {
            write!(f, " (help: {s})")?;
        }
        Ok(())
    }
}

/// Everything a validation found about one component.
///
/// `Display` writes one line per issue (`error: …` / `warning: …`) and a summary line;
/// [`to_json`](Self::to_json) writes the same as JSON.
///
/// ```
/// use riptide_wit_check::{ExpectedWorld, Validator};
///
/// let report = Validator::new(ExpectedWorld::bundled()).validate(b"");
/// assert!(!report.is_valid());
/// assert_eq!(report.errors().count(), 1);
/// let text = report.to_string();
/// assert!(text.starts_with("error: component: the file is empty"), "{text}");
/// assert!(text.ends_with("(1 error, 0 warnings)"), "{text}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationReport {
    /// The world the component was checked against: `riptide:extractor/extractor@0.3.0`.
    pub expected_world: String,
    /// The package and world the component records (`ns:pkg/world@version`), when it does.
    pub component_world: Option<String>,
    /// Hex SHA-256 of the component bytes.
    pub component_sha256: String,
    issues: Vec<Issue>,
}

impl ValidationReport {
    pub(crate) fn new(
        expected_world: String,
        component_world: Option<String>,
        component_sha256: String,
        mut issues: Vec<Issue>,
    ) -> Self {
        // One line per issue: decoder messages may span lines.
        for issue in &mut issues {
            issue.path = one_line(&issue.path);
            issue.message = one_line(&issue.message);
            issue.suggestion = issue.suggestion.as_deref().map(one_line);
        }
        // Errors first, each group in the order found (stable sort).
        issues.sort_by_key(|i| std::cmp::Reverse(i.severity));
        ValidationReport {
            expected_world,
            component_world,
            component_sha256,
            issues,
        }
    }

    /// All issues, errors first.
    ///
    /// ```
    /// # use riptide_wit_check::{ExpectedWorld, Validator};
    /// let report = Validator::new(ExpectedWorld::bundled()).validate(b"\0asm\x01\0\0\0");
    /// assert_eq!(report.issues().len(), 1);
    /// ```
    pub fn issues(&self) -> &[Issue] {
        &self.issues
    }

    /// The issues that forbid instantiating the component.
    ///
    /// ```
    /// # use riptide_wit_check::{ExpectedWorld, Validator};
    /// let report = Validator::new(ExpectedWorld::bundled()).validate(b"not wasm");
    /// assert!(report.errors().all(|e| e.path == "component"));
    /// ```
    pub fn errors(&self) -> impl Iterator<Item = &Issue> + '_ {
        self.of(Severity::Error)
    }

    /// The issues worth knowing that do not forbid instantiation.
    ///
    /// ```
    /// # use riptide_wit_check::{ExpectedWorld, Validator};
    /// let report = Validator::new(ExpectedWorld::bundled()).validate(b"");
    /// assert_eq!(report.warnings().count(), 0);
    /// ```
    pub fn warnings(&self) -> impl Iterator<Item = &Issue> + '_ {
        self.of(Severity::Warning)
    }

    fn of(&self, severity: Severity) -> impl Iterator<Item = &Issue> + '_ {
        self.issues.iter().filter(move |i| i.severity == severity)
    }

    /// True when there is no error (warnings allowed): the component may be instantiated.
    ///
    /// ```
    /// # use riptide_wit_check::{ExpectedWorld, Validator};
    /// assert!(!Validator::new(ExpectedWorld::bundled()).validate(&[0xff; 16]).is_valid());
    /// ```
    pub fn is_valid(&self) -> bool {
        self.errors().next().is_none()
    }

    /// The report as pretty-printed JSON:
    /// `{ "valid", "expected_world", "component_world", "component_sha256", "errors",
    /// "warnings", "issues": [{ "severity", "path", "message", "suggestion" }] }`.
    ///
    /// ```
    /// # use riptide_wit_check::{ExpectedWorld, Validator};
    /// let report = Validator::new(ExpectedWorld::bundled()).validate(b"");
    /// let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    /// assert_eq!(json["valid"], false);
    /// assert_eq!(json["issues"][0]["severity"], "error");
    /// ```
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Json<'a> {
            valid: bool,
            expected_world: &'a str,
            component_world: Option<&'a str>,
            component_sha256: &'a str,
            errors: usize,
            warnings: usize,
            issues: &'a [Issue],
        }
        let json = Json {
            valid: self.is_valid(),
            expected_world: &self.expected_world,
            component_world: self.component_world.as_deref(),
            component_sha256: &self.component_sha256,
            errors: self.errors().count(),
            warnings: self.warnings().count(),
            issues: &self.issues,
        };
        // Serialising plain strings, numbers and options cannot fail.
        serde_json::to_string_pretty(&json).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for issue in &self.issues {
            writeln!(f, "{issue}")?;
        }
        let errors = self.errors().count();
        let warnings = self.warnings().count();
        let counts = format!(
            "{errors} error{}, {warnings} warning{}",
            plural(errors),
            plural(warnings)
        );
        if errors == 0 {
            write!(
                f,
                "ok: the component implements {} ({counts})",
                self.expected_world
            )
        } else {
            write!(
                f,
                "invalid: the component does not implement {} ({counts})",
                self.expected_world
            )
        }
    }
}

/// Joins the lines of `s` with `; ` (wasmparser chains its context on several lines).
fn one_line(s: &str) -> String {
    if !s.contains(['\n', '\r']) {
        return s.to_string();
    }
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
