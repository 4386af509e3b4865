//! One collector for every problem found in a book.
//!
//! Directive modules report errors and warnings here with the byte span of the
//! offending text in its source file; nothing stops at the first problem. At
//! the end the collector renders every diagnostic in the [`MessageFormat`]
//! asked for — rustc-style for people (path:line:col, the source line with a
//! caret, a help line), one line each, JSON lines, or GitHub workflow
//! commands — and says whether the build failed, taking `deny-warnings` into
//! account.
//!
//! Whatever the format, text from the book is inert: control characters and
//! terminal escape sequences are shown escaped (`\u{1b}`), never sent to the
//! terminal; spans are clamped to their file; each file's line starts are
//! computed once, so thousands of diagnostics render in linear time.

mod format;

pub use format::*;
use std::borrow::Cow;
use std::fmt;
use std::io::{IsTerminal, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    /// Fails the build.
    Error,
    /// Fails the build only with `deny-warnings`.
    Warning,
}

impl Severity {
    /// `error` or `warning`, as printed.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
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

#[derive(Clone)]
struct Source {
    path: PathBuf,
    text: String,
    /// Byte offset of the start of each line, computed on first use.
    lines: OnceLock<Vec<usize>>,
}

/// A 1-based line and column (in characters) in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

/// The collector.
#[derive(Default)]
pub struct Diagnostics {
    /// Shared with [`Diagnostics::fork`]s, which only read them.
    sources: Arc<Vec<Source>>,
    items: Vec<Diagnostic>,
    deny_warnings: bool,
}

impl Diagnostics {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// A collector for work done apart (on another thread): it reads the
    /// files this one has so far and gathers its own problems, which
    /// [`Diagnostics::join`] brings back. Files are registered on the main
    /// collector only; one registered while a fork is alive is not seen by
    /// the fork (the first such copies the list of files, keeping ids).
    pub(crate) fn fork(&self) -> Diagnostics {
        Diagnostics {
            sources: Arc::clone(&self.sources),
            items: Vec::new(),
            deny_warnings: self.deny_warnings,
        }
    }

    /// Takes in the problems a [`Diagnostics::fork`] found, after this
    /// collector's own.
    pub(crate) fn join(&mut self, fork: Diagnostics) {
        self.items.extend(fork.items);
    }

    /// Makes warnings fail the build.
    pub fn deny_warnings(&mut self, deny: bool) {
        self.deny_warnings = deny;
    }

    /// Registers a file so diagnostics can point into it. `path` is what the
    /// author sees: relative to the book root, e.g. `book/approach.md`.
    pub fn add_source(&mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> SourceId {
        Arc::make_mut(&mut self.sources).push(Source {
            path: path.into(),
            text: text.into(),
            lines: OnceLock::new(),
        });
        SourceId(self.sources.len() - 1)
    }

    /// The text of a registered file.
    pub fn text(&self, source: SourceId) -> &str {
        &self.sources[source.0].text
    }

    /// Moves the text of a registered file out, leaving it empty: for a
    /// caller done with reporting, so the text need not be copied.
    pub(crate) fn take_text(&mut self, source: SourceId) -> String {
        std::mem::take(&mut Arc::make_mut(&mut self.sources)[source.0].text)
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
        let at = self.position(source, offset);
        format!("{}:{}:{}", self.path(source).display(), at.line, at.column)
    }

    /// The line and column of a byte offset (clamped to the file).
    pub fn position(&self, source: SourceId, offset: usize) -> Position {
        let text = self.text(source);
        let offset = inside(text, offset..offset).start;
        let starts = self.line_starts(source);
        let line = starts.partition_point(|&s| s <= offset);
        let column = text[starts[line - 1]..offset].chars().count() + 1;
        Position { line, column }
    }

    fn line_starts(&self, source: SourceId) -> &[usize] {
        let s = &self.sources[source.0];
        s.lines.get_or_init(|| {
            std::iter::once(0)
                .chain(s.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// The whole lines of `source` that `range` touches: their byte range
    /// and the 1-based number of the first.
    fn lines_around(&self, source: SourceId, range: &Range<usize>) -> (Range<usize>, usize) {
        let starts = self.line_starts(source);
        let len = self.text(source).len();
        let first = starts.partition_point(|&s| s <= range.start);
        let last_byte = range.end.saturating_sub(1).max(range.start);
        let last = starts.partition_point(|&s| s <= last_byte);
        let end = starts.get(last).copied().unwrap_or(len);
        (starts[first - 1]..end, first)
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Keeps a range inside the text and on character boundaries: a span
/// never ends past its file.
pub fn clamp(text: &str, range: Range<usize>) -> Range<usize> {
    let fix = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    fix(range.start)..fix(range.end.max(range.start))
}

/// [`clamp`]s a range, then moves an end at the very end of a file that
/// ends with a newline back to that newline: the place after the last line
/// is the end of that line, not an empty line past the end.
fn inside(text: &str, range: Range<usize>) -> Range<usize> {
    let range = clamp(text, range);
    let terminator = if text.ends_with("\r\n") {
        2
    } else {
        usize::from(text.ends_with('\n'))
    };
    let fix = |i: usize| {
        if i == text.len() { i - terminator } else { i }
    };
    fix(range.start)..fix(range.end)
}

/// `range` of `text`, widened to one whole character when it is empty (a
/// caret needs something to point at) and kept inside `text` on character
/// boundaries.
pub fn one_char_at_least(text: &str, range: Range<usize>) -> Range<usize> {
    let range = clamp(text, range);
    if !range.is_empty() {
        return range;
    }
    let next = text[range.start..].chars().next();
    range.start..range.start + next.map_or(0, char::len_utf8)
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
/// close enough to be a plausible typo; the first of equally close ones.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1) + 1;
    let word = lowercase_chars(word, Vec::new());
    let (mut other, mut row) = (Vec::new(), Vec::new());
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        // Only a closer candidate replaces the best so far.
        let max = match best {
            Some((0, _)) => break,
            Some((d, _)) => d - 1,
            None => limit,
        };
        other = lowercase_chars(candidate, other);
        if let Some(d) = edit_distance(&word, &other, max, &mut row) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// `text` lowercased, as characters, in `buffer` (reused).
fn lowercase_chars(text: &str, mut buffer: Vec<char>) -> Vec<char> {
    buffer.clear();
    if text.is_ascii() {
        buffer.extend(text.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        buffer.extend(text.to_lowercase().chars());
    }
    buffer
}

/// Levenshtein distance, when it is at most `max` (`row` is scratch space):
/// a pair further apart is given up on as soon as that is certain.
fn edit_distance(a: &[char], b: &[char], max: usize, row: &mut Vec<usize>) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    row.clear();
    row.extend(0..=b.len());
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        let mut smallest = row[0];
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
            smallest = smallest.min(row[j + 1]);
        }
        if smallest > max {
            return None;
        }
    }
    Some(row[b.len()]).filter(|d| *d <= max)
}

#[cfg(test)]
mod tests {
    use super::format::{escape_mapped, github_property, is_unsafe};
    use super::*;

    proptest::proptest! {
        /// The bounded search finds what comparing with every candidate in
        /// full finds.
        #[test]
        fn closest_is_the_nearest_plausible_candidate(
            word in "[abAé]{0,6}",
            candidates in proptest::collection::vec("[abAÉé]{0,7}", 0..8),
        ) {
            fn full(a: &str, b: &str) -> usize {
                let (a, b) = (a.to_lowercase(), b.to_lowercase());
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
            let limit = (word.chars().count() / 3).max(1) + 1;
            let expected = candidates
                .iter()
                .map(|c| (full(&word, c), c.as_str()))
                .filter(|(d, _)| *d <= limit)
                .min_by_key(|(d, _)| *d)
                .map(|(_, c)| c);
            proptest::prop_assert_eq!(closest(&word, candidates.iter().map(String::as_str)), expected);
        }
    }

    /// The same problem in one file is shown [`SAME_SHOWN`] times, then
    /// counted; a different message, or machine-readable output, is not
    /// summarised.
    #[test]
    fn repeated_problems_are_counted_after_a_few() {
        let mut diags = Diagnostics::new();
        let src = diags.add_source("book/a.md", "x\n".repeat(40));
        for line in 0..30 {
            diags.error(Span::new(src, line * 2..line * 2 + 1), "the same problem");
        }
        diags.warning(Span::new(src, 0..1), "another problem");
        let out = diags.render(false);
        assert_eq!(
            out.matches("error: the same problem").count(),
            SAME_SHOWN,
            "{out}"
        );
        assert!(
            out.contains("\nbook/a.md: 20 more errors like this, not shown: the same problem\n"),
            "{out}"
        );
        assert!(out.contains("warning: another problem"), "{out}");
        assert!(
            out.ends_with("handbook: failed with 30 errors, 1 warning\n"),
            "{out}"
        );
        let json = diags.render_as(MessageFormat::Json, false);
        assert_eq!(json.lines().count(), 31);
    }
    use serde_json::{Value, json};

    #[test]
    fn line_and_column_count_characters() {
        let text = "ab\nçd{{x\r\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 6), (2, 3));
        assert_eq!(line_col(text, 999), (3, 1));
        let mut diags = Diagnostics::new();
        let src = diags.add_source("a.md", text);
        for offset in [0, 3, 6] {
            let (line, column) = line_col(text, offset);
            assert_eq!(diags.position(src, offset), Position { line, column });
        }
        // The end of the file is the end of its last line, not a line past it.
        let end = Position { line: 2, column: 6 };
        assert_eq!(diags.position(src, 999), end);
        assert_eq!(diags.position(src, text.len()), end);
    }

    #[test]
    fn closest_suggests_only_plausible_typos() {
        let names = ["rtos", "isr", "firmware"];
        assert_eq!(closest("rots", names), Some("rtos"));
        assert_eq!(closest("Firmwre", names), Some("firmware"));
        assert_eq!(closest("bootloader", names), None);
    }

    /// One error with a suggestion and a note, and a whole-file warning.
    fn sample() -> Diagnostics {
        let mut diags = Diagnostics::new();
        let src = diags.add_source("book/a.md", "# Title\n\nSee {{#term rots}}.\n");
        diags
            .error(Span::new(src, 13..26), "unknown term `rots`")
            .suggest(Some("rtos"))
            .note(Span::new(src, 0..7), "in this chapter");
        let toml = diags.add_source("book/glossary.toml", "");
        diags.file_problem(Severity::Warning, toml, "glossary is empty");
        diags
    }

    #[test]
    fn a_fork_keeps_its_files_while_the_main_collector_registers_more() {
        let mut diags = Diagnostics::new();
        let toml = diags.add_source("book/glossary.toml", "[rtos]\nterm = 1\n");
        let mut fork = diags.fork();
        let chapter = diags.add_source("book/a.md", "# A\n");
        diags.error(Span::new(chapter, 0..3), "in the chapter");
        fork.error(Span::new(toml, 7..15), "in the glossary");
        assert_eq!(fork.location(toml, 7), diags.location(toml, 7));
        diags.join(fork);
        let out = diags.render(false);
        let (chapter_at, glossary_at) = (
            out.find("book/a.md:1:1"),
            out.find("book/glossary.toml:2:1"),
        );
        assert!(chapter_at.is_some() && glossary_at.is_some(), "{out}");
        assert!(
            chapter_at < glossary_at,
            "joined after the main collector's own: {out}"
        );
        assert_eq!(diags.text(chapter), "# A\n");
    }

    #[test]
    fn renders_path_line_col_caret_and_help() {
        let out = sample().render(false);
        assert!(out.contains("error: unknown term `rots`"), "{out}");
        assert!(out.contains("book/a.md:3:5"), "{out}");
        assert!(out.contains("See {{#term rots}}."), "{out}");
        assert!(out.contains("^^^^"), "{out}");
        assert!(out.contains("help: did you mean `rtos`?"), "{out}");
        assert!(out.contains("failed with 1 error, 1 warning"), "{out}");
    }

    #[test]
    fn a_whole_file_problem_names_the_file_without_an_empty_snippet() {
        let out = sample().render(false);
        let warning = &out[out.find("warning: glossary is empty").expect(&out)..];
        let block: Vec<&str> = warning.lines().take_while(|l| !l.is_empty()).collect();
        assert_eq!(
            block,
            ["warning: glossary is empty", "--> book/glossary.toml"]
        );
    }

    #[test]
    fn short_format_is_one_line_each() {
        let out = sample().render_as(MessageFormat::Short, false);
        assert_eq!(
            out,
            "book/a.md:3:5: error: unknown term `rots` (help: did you mean `rtos`?)\n\
             book/glossary.toml: warning: glossary is empty\n\
             handbook: failed with 1 error, 1 warning\n"
        );
    }

    #[test]
    fn json_format_is_one_object_per_line() {
        let out = sample().render_as(MessageFormat::Json, false);
        let lines: Vec<Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).expect(l))
            .collect();
        assert_eq!(lines.len(), 2, "{out}");
        assert_eq!(
            lines[0],
            json!({
                "severity": "error", "message": "unknown term `rots`",
                "path": "book/a.md", "line": 3, "column": 5,
                "end": { "line": 3, "column": 18 },
                "help": ["did you mean `rtos`?"], "label": null,
                "notes": [{ "path": "book/a.md", "line": 1, "column": 1, "message": "in this chapter" }],
            })
        );
        assert_eq!(lines[1]["severity"], "warning");
        assert_eq!(lines[1]["path"], "book/glossary.toml");
        assert_eq!(lines[1]["line"], Value::Null);
        assert_eq!(lines[1]["end"], Value::Null);
    }

    #[test]
    fn github_format_is_workflow_commands() {
        let out = sample().render_as(MessageFormat::Github, false);
        assert_eq!(
            out,
            "::error file=book/a.md,line=3,col=5,endLine=3,endColumn=17,title=handbook::unknown term `rots`%0Ahelp: did you mean `rtos`?\n\
             ::warning file=book/glossary.toml,title=handbook::glossary is empty\n\
             handbook: failed with 1 error, 1 warning\n"
        );
        assert_eq!(github_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
    }

    #[test]
    fn control_characters_from_the_book_are_escaped_in_every_format() {
        let mut diags = Diagnostics::new();
        let text = "Say \u{1b}[2J\u{9b}31m {{#term \u{1b}]0;x\u{7}}} \u{202e}ok\n";
        let src = diags.add_source("book/\u{1b}[1m.md", text);
        let start = text.find("{{").unwrap();
        diags
            .error(
                Span::new(src, start..text.len() - 1),
                "unknown term `\u{1b}]0;x\u{7}`",
            )
            .label("here \u{1b}[5m")
            .help("did you mean `\u{9b}0m`?");
        for format in [
            MessageFormat::Human,
            MessageFormat::Short,
            MessageFormat::Json,
            MessageFormat::Github,
        ] {
            let out = diags.render_as(format, false);
            let bad: Vec<char> = out.chars().filter(|&c| is_unsafe(c)).collect();
            assert!(bad.is_empty(), "{format:?} leaks {bad:?}:\n{out}");
            assert!(out.contains(r"\u{1b}"), "{format:?}:\n{out}");
        }
        let human = diags.render(false);
        assert!(human.contains(r"Say \u{1b}[2J\u{9b}31m"), "{human}");
        // The caret still sits under the directive, after the escapes.
        let line = human.lines().find(|l| l.contains("Say")).unwrap();
        let caret = human.lines().find(|l| l.contains('^')).unwrap();
        assert_eq!(caret.find('^'), line.find("{{"), "{human}");
    }

    #[test]
    fn escape_maps_offsets_and_keeps_crlf() {
        let mut points = [0, 1, 2, 3];
        assert_eq!(escape_mapped("a\u{1}b", &mut points), r"a\u{1}b");
        assert_eq!(points, [0, 1, 6, 7]);
        assert_eq!(escape("line\r\nnext\rx"), "line\r\nnext\\u{d}x");
        assert!(matches!(escape("plain\ttext\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn spans_past_the_end_of_the_file_are_clamped() {
        let mut diags = Diagnostics::new();
        let src = diags.add_source("book/a.md", "one\ntwo é");
        diags.error(Span::new(src, 8..40), "past the end");
        diags.error(Span::new(src, 99..120), "far past the end");
        for d in diags.items() {
            let (start, end) = diags.place(d).unwrap();
            assert!(start.line <= 2 && end.line <= 2, "{start:?} {end:?}");
            assert!(end.column <= 6, "{end:?}");
        }
        assert_eq!(clamp("two é", 5..40), 4..6);
        for format in MessageFormat::NAMES {
            diags.render_as(format.parse().unwrap(), false);
        }
        let json = diags.render_as(MessageFormat::Json, false);
        assert!(json.contains(r#""end":{"column":6,"line":2}"#), "{json}");
    }

    #[test]
    fn ten_thousand_diagnostics_in_one_file_render_quickly() {
        let line = "See {{#term rots}} here.\n";
        let text = line.repeat(10_000);
        let mut diags = Diagnostics::new();
        let src = diags.add_source("book/big.md", text);
        for i in 0..10_000 {
            let at = i * line.len() + 4;
            diags
                .error(Span::new(src, at..at + 14), "unknown term `rots`")
                .suggest(Some("rtos"));
        }
        for format in MessageFormat::NAMES {
            let started = std::time::Instant::now();
            let out = diags.render_as(format.parse().unwrap(), false);
            let took = started.elapsed();
            eprintln!("10,000 diagnostics, {format}: {took:?}");
            assert!(out.contains("10000"), "{format}");
            // Quadratic rendering took minutes; linear takes well under a second
            // in release, a few seconds in a debug build on a loaded machine.
            assert!(took.as_secs() < 20, "{format}: {took:?}");
        }
    }

    #[test]
    fn colour_only_on_a_terminal_unless_forced_or_refused() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        type Case = (bool, &'static [(&'static str, &'static str)], bool);
        let cases: [Case; 9] = [
            (true, &[], true),
            (false, &[], false),
            (true, &[("NO_COLOR", "1")], false),
            (true, &[("NO_COLOR", "")], true),
            (false, &[("CLICOLOR_FORCE", "1")], true),
            (false, &[("CLICOLOR_FORCE", "0")], false),
            (false, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], false),
            (true, &[("CLICOLOR", "0")], false),
            (true, &[("TERM", "dumb")], false),
        ];
        for (terminal, vars, expected) in cases {
            assert_eq!(
                wants_colour(terminal, env(vars)),
                expected,
                "{terminal} {vars:?}"
            );
        }
    }

    #[test]
    fn message_formats_parse_by_name() {
        for (i, name) in MessageFormat::NAMES.iter().enumerate() {
            let format: MessageFormat = name.parse().unwrap();
            assert_eq!(MessageFormat::NAMES[format as usize], *name);
            assert_eq!(format as usize, i);
        }
        let err = "xml".parse::<MessageFormat>().unwrap_err();
        assert!(err.contains("human, short, json, github"), "{err}");
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
