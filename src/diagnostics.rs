//! One collector for every problem found in a book.
//!
//! Directive modules report errors and warnings here with the byte span of the
//! offending text in its source file; nothing stops at the first problem. At
//! the end the collector renders every diagnostic rustc-style (path:line:col,
//! the source line with a caret, a help line) and says whether the build
//! failed, taking `deny-warnings` into account.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Identifies a source file registered with [`Diagnostics::add_source`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct SourceId(usize);

/// A byte range in a registered source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The file.
    pub source: SourceId,
    /// Byte offsets into the file's text.
    pub range: Range<usize>,
}

impl Span {
    /// A span of `range` in `source`.
    pub fn new(source: SourceId, range: Range<usize>) -> Self {
        Span { source, range }
    }
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Fails the build.
    Error,
    /// Fails the build only with `deny-warnings`.
    Warning,
}

/// One problem, with where it is and how to fix it.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
    /// The file the problem is in.
    pub source: SourceId,
    /// The offending text, when the problem has a place inside the file.
    pub range: Option<Range<usize>>,
    /// A label under the caret.
    pub label: Option<String>,
    /// How to fix it, e.g. "did you mean `rtos`?" (one line each).
    pub help: Vec<String>,
    /// Other places that matter, e.g. the first definition of a duplicate.
    pub notes: Vec<(Span, String)>,
}

impl Diagnostic {
    /// Adds a help line.
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help.push(help.into());
        self
    }

    /// Adds a help line "did you mean `x`?" when a suggestion exists.
    pub fn suggest(&mut self, suggestion: Option<&str>) -> &mut Self {
        if let Some(s) = suggestion {
            self.help.push(format!("did you mean `{s}`?"));
        }
        self
    }

    /// Adds a label under the caret.
    pub fn label(&mut self, label: impl Into<String>) -> &mut Self {
        self.label = Some(label.into());
        self
    }

    /// Points at a second place, e.g. where a duplicate was first defined.
    pub fn note(&mut self, span: Span, note: impl Into<String>) -> &mut Self {
        self.notes.push((span, note.into()));
        self
    }
}

struct Source {
    path: PathBuf,
    text: String,
}

/// The collector.
#[derive(Default)]
pub struct Diagnostics {
    sources: Vec<Source>,
    items: Vec<Diagnostic>,
    deny_warnings: bool,
}

impl Diagnostics {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes warnings fail the build.
    pub fn deny_warnings(&mut self, deny: bool) {
        self.deny_warnings = deny;
    }

    /// Registers a file so diagnostics can point into it. `path` is what the
    /// author sees: relative to the book root, e.g. `book/approach.md`.
    pub fn add_source(&mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> SourceId {
        self.sources.push(Source {
            path: path.into(),
            text: text.into(),
        });
        SourceId(self.sources.len() - 1)
    }

    /// The text of a registered file.
    pub fn text(&self, source: SourceId) -> &str {
        &self.sources[source.0].text
    }

    /// The display path of a registered file.
    pub fn path(&self, source: SourceId) -> &Path {
        &self.sources[source.0].path
    }

    /// Reports an error at `span`.
    pub fn error(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.push(
            Severity::Error,
            span.source,
            Some(span.range),
            message.into(),
        )
    }

    /// Reports a warning at `span`.
    pub fn warning(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.push(
            Severity::Warning,
            span.source,
            Some(span.range),
            message.into(),
        )
    }

    /// Reports a problem with a whole file (no line to point at).
    pub fn file_problem(
        &mut self,
        severity: Severity,
        source: SourceId,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.push(severity, source, None, message.into())
    }

    fn push(
        &mut self,
        severity: Severity,
        source: SourceId,
        range: Option<Range<usize>>,
        message: String,
    ) -> &mut Diagnostic {
        self.items.push(Diagnostic {
            severity,
            message,
            source,
            range,
            label: None,
            help: Vec::new(),
            notes: Vec::new(),
        });
        self.items.last_mut().expect("just pushed")
    }

    /// Every diagnostic so far, in the order reported.
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.count(Severity::Error)
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    /// Whether the build must fail: any error, or any warning under `deny-warnings`.
    pub fn failed(&self) -> bool {
        self.error_count() > 0 || (self.deny_warnings && self.warning_count() > 0)
    }

    /// `path:line:col` (1-based, columns in characters) of a byte offset.
    pub fn location(&self, source: SourceId, offset: usize) -> String {
        let text = self.text(source);
        let (line, col) = line_col(text, offset);
        format!("{}:{line}:{col}", self.path(source).display())
    }

    /// Renders every diagnostic, rustc-style, followed by a summary line.
    pub fn render(&self, styled: bool) -> String {
        let renderer = if styled {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let mut out = String::new();
        for d in &self.items {
            out.push_str(&renderer.render(&self.report(d)));
            out.push_str("\n\n");
        }
        let (errors, warnings) = (self.error_count(), self.warning_count());
        if errors + warnings > 0 {
            let verdict = if self.failed() { "failed" } else { "passed" };
            out.push_str(&format!(
                "handbook: {verdict} with {}, {}{}\n",
                plural(errors, "error"),
                plural(warnings, "warning"),
                if self.deny_warnings && warnings > 0 {
                    " (warnings are denied)"
                } else {
                    ""
                }
            ));
        }
        out
    }

    fn report<'a>(&'a self, d: &'a Diagnostic) -> Vec<Group<'a>> {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let path = self.path(d.source).to_string_lossy();
        let text = self.text(d.source);
        let mut snippet = Snippet::source(text).path(path.clone()).fold(true);
        match &d.range {
            Some(range) => {
                let range = clamp(text, range.clone());
                let mut annotation = AnnotationKind::Primary.span(range);
                if let Some(label) = &d.label {
                    annotation = annotation.label(label.as_str());
                }
                snippet = snippet.annotation(annotation);
            }
            None => {
                // A whole-file problem: show the path only.
                snippet = Snippet::source("").path(path).fold(true);
            }
        }
        let mut group = level.primary_title(d.message.as_str()).element(snippet);
        for (span, note) in &d.notes {
            let text = self.text(span.source);
            group = group.element(
                Snippet::source(text)
                    .path(self.path(span.source).to_string_lossy())
                    .fold(true)
                    .annotation(
                        AnnotationKind::Context
                            .span(clamp(text, span.range.clone()))
                            .label(note.as_str()),
                    ),
            );
        }
        for help in &d.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        vec![group]
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Keeps a range inside the text and on character boundaries.
fn clamp(text: &str, range: Range<usize>) -> Range<usize> {
    let fix = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    fix(range.start)..fix(range.end.max(range.start))
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = clamp(text, offset..offset).start;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// The candidate closest to `word` (case-insensitive edit distance), if it is
/// close enough to be a plausible typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_lower = word.to_lowercase();
    let limit = (word.chars().count() / 3).max(1) + 1;
    candidates
        .into_iter()
        .map(|c| (edit_distance(&word_lower, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let text = "ab\nçd{{x\r\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 6), (2, 3));
        assert_eq!(line_col(text, 999), (3, 1));
    }

    #[test]
    fn closest_suggests_only_plausible_typos() {
        let names = ["rtos", "isr", "firmware"];
        assert_eq!(closest("rots", names), Some("rtos"));
        assert_eq!(closest("Firmwre", names), Some("firmware"));
        assert_eq!(closest("bootloader", names), None);
    }

    #[test]
    fn renders_path_line_col_caret_and_help() {
        let mut diags = Diagnostics::new();
        let src = diags.add_source("book/a.md", "# Title\n\nSee {{#term rots}}.\n");
        diags
            .error(Span::new(src, 13..26), "unknown term `rots`")
            .suggest(Some("rtos"));
        let out = diags.render(false);
        assert!(out.contains("error: unknown term `rots`"), "{out}");
        assert!(out.contains("book/a.md:3:5"), "{out}");
        assert!(out.contains("See {{#term rots}}."), "{out}");
        assert!(out.contains("^^^^"), "{out}");
        assert!(out.contains("help: did you mean `rtos`?"), "{out}");
        assert!(out.contains("failed with 1 error, 0 warnings"), "{out}");
    }

    #[test]
    fn warnings_fail_only_when_denied() {
        let mut diags = Diagnostics::new();
        let src = diags.add_source("book/a.md", "x");
        diags.warning(Span::new(src, 0..1), "unused");
        assert!(!diags.failed());
        diags.deny_warnings(true);
        assert!(diags.failed());
    }
}
