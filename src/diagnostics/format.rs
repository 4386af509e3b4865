//! Writing diagnostics out: the `--message-format`s (rustc-style for
//! people, one line each, JSON lines, GitHub workflow commands), colour only
//! where it belongs, and book text made inert for the terminal.

use super::*;
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use foldhash::{HashMap, HashMapExt};
use serde_json::{Value, json};
use std::fmt::Write as _;

/// How diagnostics are written: `--message-format` of `check` and `build`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MessageFormat {
    /// rustc-style, with the source line and a caret (colour on a terminal).
    #[default]
    Human,
    /// One line each: `path:line:col: error: message`.
    Short,
    /// One JSON object per line: severity, message, path, line, column, end, help.
    Json,
    /// GitHub Actions workflow commands: `::error file=…,line=…,col=…::message`.
    Github,
}

impl MessageFormat {
    /// The names `--message-format` takes, in the order of the variants.
    pub const NAMES: [&'static str; 4] = ["human", "short", "json", "github"];

    /// Environment variable that picks the format where there is no flag
    /// (the preprocessor run by the `mdbook` CLI).
    pub const ENV: &'static str = "HANDBOOK_MESSAGE_FORMAT";

    /// The format in [`MessageFormat::ENV`], or human when it is unset.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var(Self::ENV) {
            Ok(v) if !v.trim().is_empty() => v
                .parse()
                .map_err(|e| format!("environment variable {}: {e}", Self::ENV)),
            _ => Ok(Self::Human),
        }
    }

    /// Whether every line this format writes is for a program (no summary
    /// lines, no prose around the diagnostics).
    pub fn is_machine_readable(self) -> bool {
        matches!(self, Self::Json | Self::Github)
    }
}

impl FromStr for MessageFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "human" => Ok(Self::Human),
            "short" => Ok(Self::Short),
            "json" => Ok(Self::Json),
            "github" => Ok(Self::Github),
            other => Err(format!(
                "unknown message format `{}`; use one of: {}",
                escape(other),
                Self::NAMES.join(", ")
            )),
        }
    }
}

/// The error a command returns once its diagnostics are printed: the
/// problems themselves are already on stderr.
#[derive(Debug)]
pub struct Reported;

impl fmt::Display for Reported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the handbook has problems (listed above); nothing was written")
    }
}

impl std::error::Error for Reported {}

/// Whether an error only says that diagnostics were already printed.
pub fn is_reported(error: &anyhow::Error) -> bool {
    error
        .chain()
        .any(|e| e.downcast_ref::<Reported>().is_some())
}

/// Whether stderr gets colour: only on a terminal, never with `NO_COLOR`,
/// always with `CLICOLOR_FORCE`.
pub fn stderr_colour() -> bool {
    wants_colour(std::io::stderr().is_terminal(), |name| {
        std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())
    })
}

/// The colour rules, given whether the stream is a terminal and a lookup of
/// environment variables. `NO_COLOR` (non-empty) wins; then `CLICOLOR_FORCE`
/// (non-empty, not `0`); then `CLICOLOR=0` or `TERM=dumb` turn colour off;
/// otherwise colour follows the terminal.
pub fn wants_colour(is_terminal: bool, var: impl Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| var(name).is_some_and(|v| !v.is_empty());
    if set("NO_COLOR") {
        return false;
    }
    if set("CLICOLOR_FORCE") && var("CLICOLOR_FORCE").as_deref() != Some("0") {
        return true;
    }
    if var("CLICOLOR").as_deref() == Some("0") || var("TERM").as_deref() == Some("dumb") {
        return false;
    }
    is_terminal
}

/// Prints an error that is not about a place in the book (a missing
/// book.toml, an unreadable directory) in `format`, to stderr.
pub fn print_error(format: MessageFormat, message: &str) {
    let message = escape(message);
    let line = match format {
        MessageFormat::Human | MessageFormat::Short => format!("error: {message}"),
        MessageFormat::Json => json_object(Severity::Error, &message, None, &[]).to_string(),
        MessageFormat::Github => format!("::error title=handbook::{}", github_data(&message)),
    };
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// How many times the human formats show one problem (the same message)
/// in one file before they count the rest.
pub const SAME_SHOWN: usize = 10;

impl Diagnostics {
    /// Renders every diagnostic rustc-style, followed by a summary line.
    pub fn render(&self, styled: bool) -> String {
        self.render_as(MessageFormat::Human, styled)
    }

    /// Renders every diagnostic in `format` (`styled`: with colour, for the
    /// human and short formats), followed by a summary line unless the
    /// format is machine-readable.
    pub fn render_as(&self, format: MessageFormat, styled: bool) -> String {
        let mut out = String::new();
        let renderer = if styled {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        // For people, the same problem in one file is shown a few times,
        // then counted; tools get every one.
        let mut same: HashMap<(SourceId, Severity, &str), usize> = HashMap::new();
        let mut repeated: Vec<(SourceId, Severity, &str)> = Vec::new();
        for d in &self.items {
            if !format.is_machine_readable() {
                let key = (d.source, d.severity, d.message.as_str());
                let seen = same.entry(key).or_default();
                *seen += 1;
                if *seen == SAME_SHOWN + 1 {
                    repeated.push(key);
                }
                if *seen > SAME_SHOWN {
                    continue;
                }
            }
            match format {
                MessageFormat::Human => {
                    out.push_str(&renderer.render(&self.human(d)));
                    out.push_str("\n\n");
                }
                MessageFormat::Short => self.short(d, styled, &mut out),
                MessageFormat::Json => self.json(d, &mut out),
                MessageFormat::Github => self.github(d, &mut out),
            }
        }
        for key @ (source, severity, message) in repeated {
            let more = same[&key] - SAME_SHOWN;
            let _ = writeln!(
                out,
                "{}: {more} more {}{} like this, not shown: {}",
                escape(&self.path(source).display().to_string()),
                severity.name(),
                if more == 1 { "" } else { "s" },
                escape(message)
            );
        }
        if format != MessageFormat::Json {
            out.push_str(&self.summary());
        }
        out
    }

    /// Prints every diagnostic to stderr in `format`, with colour where
    /// [`stderr_colour`] allows it.
    pub fn print(&self, format: MessageFormat) {
        let rendered = self.render_as(format, stderr_colour());
        if !rendered.is_empty() {
            let _ = std::io::stderr().lock().write_all(rendered.as_bytes());
        }
    }

    /// `handbook: failed with 2 errors, 1 warning`, or nothing when clean.
    fn summary(&self) -> String {
        let (errors, warnings) = (self.error_count(), self.warning_count());
        if errors + warnings == 0 {
            return String::new();
        }
        let verdict = if self.failed() { "failed" } else { "passed" };
        format!(
            "handbook: {verdict} with {}, {}{}\n",
            plural(errors, "error"),
            plural(warnings, "warning"),
            if self.deny_warnings && warnings > 0 {
                " (warnings are denied)"
            } else {
                ""
            }
        )
    }

    /// A snippet of the lines `range` touches, escaped, with one annotation.
    fn snippet<'a>(
        &'a self,
        source: SourceId,
        range: &Range<usize>,
        kind: AnnotationKind,
        label: Option<&'a str>,
    ) -> Snippet<'a, annotate_snippets::Annotation<'a>> {
        let text = self.text(source);
        let range = inside(text, range.clone());
        let (lines, first_line) = self.lines_around(source, &range);
        let mut points = [range.start - lines.start, range.end - lines.start];
        let shown = escape_mapped(&text[lines], &mut points);
        let mut annotation = kind.span(points[0]..points[1]);
        if let Some(label) = label {
            annotation = annotation.label(escape(label));
        }
        Snippet::source(shown)
            .line_start(first_line)
            .path(escape(&self.path(source).to_string_lossy()).into_owned())
            .fold(true)
            .annotation(annotation)
    }

    fn human<'a>(&'a self, d: &'a Diagnostic) -> Vec<Group<'a>> {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level.primary_title(escape(&d.message));
        let mut group = match &d.range {
            Some(range) => title.element(self.snippet(
                d.source,
                range,
                AnnotationKind::Primary,
                d.label.as_deref(),
            )),
            // A whole-file problem: the path, and no empty snippet.
            None => title.element(Origin::path(
                escape(&self.path(d.source).to_string_lossy()).into_owned(),
            )),
        };
        for (span, note) in &d.notes {
            group = group.element(self.snippet(
                span.source,
                &span.range,
                AnnotationKind::Context,
                Some(note),
            ));
        }
        for help in &d.help {
            group = group.element(Level::HELP.message(escape(help)));
        }
        vec![group]
    }

    /// Where a diagnostic starts and ends, when it has a place in its file.
    pub(super) fn place(&self, d: &Diagnostic) -> Option<(Position, Position)> {
        let range = inside(self.text(d.source), d.range.clone()?);
        Some((
            self.position(d.source, range.start),
            self.position(d.source, range.end),
        ))
    }

    fn short(&self, d: &Diagnostic, styled: bool, out: &mut String) {
        let path = escape(&self.path(d.source).to_string_lossy()).into_owned();
        let place = match self.place(d) {
            Some((start, _)) => format!("{path}:{}:{}", start.line, start.column),
            None => path,
        };
        let severity = match (styled, d.severity) {
            (false, s) => s.name().to_string(),
            (true, Severity::Error) => "\x1b[1;31merror\x1b[0m".to_string(),
            (true, Severity::Warning) => "\x1b[1;33mwarning\x1b[0m".to_string(),
        };
        let mut line = format!("{place}: {severity}: {}", escape(&d.message));
        for help in &d.help {
            line.push_str(" (help: ");
            line.push_str(&escape(help));
            line.push(')');
        }
        out.push_str(&line.replace('\n', " "));
        out.push('\n');
    }

    fn json(&self, d: &Diagnostic, out: &mut String) {
        let path = self.path(d.source).to_string_lossy();
        let help: Vec<Cow<str>> = d.help.iter().map(|h| escape(h)).collect();
        let mut object = json_object(
            d.severity,
            &escape(&d.message),
            Some((&escape(&path), self.place(d))),
            &help,
        );
        object["label"] = d.label.as_deref().map(escape).into();
        object["notes"] = d
            .notes
            .iter()
            .map(|(span, note)| {
                let at = self.position(span.source, span.range.start);
                json!({
                    "path": escape(&self.path(span.source).to_string_lossy()),
                    "line": at.line,
                    "column": at.column,
                    "message": escape(note),
                })
            })
            .collect();
        out.push_str(&object.to_string());
        out.push('\n');
    }

    fn github(&self, d: &Diagnostic, out: &mut String) {
        let mut properties = vec![format!(
            "file={}",
            github_property(&escape(&self.path(d.source).to_string_lossy()))
        )];
        if let Some((start, end)) = self.place(d) {
            // GitHub's end column is inclusive: the last character's.
            let end_column = if end.line == start.line {
                end.column.saturating_sub(1).max(start.column)
            } else {
                end.column
            };
            properties.push(format!("line={}", start.line));
            properties.push(format!("col={}", start.column));
            properties.push(format!("endLine={}", end.line));
            properties.push(format!("endColumn={end_column}"));
        }
        properties.push("title=handbook".to_string());
        let mut message = escape(&d.message).into_owned();
        for help in &d.help {
            message.push_str("\nhelp: ");
            message.push_str(&escape(help));
        }
        out.push_str(&format!(
            "::{} {}::{}\n",
            d.severity.name(),
            properties.join(","),
            github_data(&message)
        ));
    }
}

/// The JSON object of one diagnostic: `place` is its path and, when it has
/// a place in the file, its start and (exclusive) end.
fn json_object(
    severity: Severity,
    message: &str,
    place: Option<(&str, Option<(Position, Position)>)>,
    help: &[Cow<str>],
) -> Value {
    let (path, span) = place.unzip();
    let (start, end) = span.flatten().unzip();
    json!({
        "severity": severity.name(),
        "message": message,
        "path": path,
        "line": start.map(|p| p.line),
        "column": start.map(|p| p.column),
        "end": end.map(|p| json!({ "line": p.line, "column": p.column })),
        "help": help,
    })
}

/// Escapes a workflow command's message (`%`, CR, LF).
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value (also `:` and `,`).
pub(super) fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Whether a character must not reach a terminal as it is: control
/// characters (C0, DEL, C1; tab and newline are fine) and the bidirectional
/// overrides that reorder what a reader sees.
pub(super) fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character written as `\u{…}`. A CR that ends
/// a line (CRLF) is kept.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(escape_mapped(text, &mut []))
}

/// Escapes `text` like [`escape`], moving each byte offset in `points` (on
/// character boundaries of `text`) to the same place in the result.
pub(super) fn escape_mapped(text: &str, points: &mut [usize]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut moved = vec![false; points.len()];
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        for (p, done) in points.iter_mut().zip(&mut moved) {
            if !*done && *p == i {
                *p = out.len();
                *done = true;
            }
        }
        let crlf = c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n');
        if is_unsafe(c) && !crlf {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    for (p, done) in points.iter_mut().zip(&moved) {
        if !*done {
            *p = out.len();
        }
    }
    out
}
