//! What every fuzz target shares: a small book on disk (book.toml and a
//! glossary), a pipeline run through the crate's public API only
//! (`mdbook_handbook::preprocess` with an in-memory `PreprocessorContext`
//! and `Book`), and the oracle every run must satisfy:
//!
//! 1. nothing panics, and every diagnostic span (and note) lies inside its
//!    file, on character boundaries; rendering the diagnostics never panics;
//! 2. when the book is accepted, every byte outside the directive spans
//!    (handbook fences, `{{#...}}`, and mentions of glossary names, which
//!    auto-linking may turn into references) is unchanged and in order
//!    (an HTML page may start with the definitions its references show);
//! 3. directive text produces no script-capable markup: rendered to HTML as
//!    mdBook would, the output has no more `<script>` tags, `on…=` handlers
//!    or `javascript:`/`vbscript:`/`data:text/html` URLs than the same chapter
//!    with every directive span replaced by a neutral word (the definitions
//!    block counts as markup: the page's script inserts it). Checked for the
//!    HTML renderer and for the markdown renderer (whose output others turn
//!    back into HTML).
//!
//! `HANDBOOK_FUZZ_SKIP` (comma-separated: `spans`, `passthrough`,
//! `html-inert`, `markdown-inert`) turns an oracle off, so a campaign can
//! look past a known, reported bug until it is fixed.

use mdbook_handbook::diagnostics::Diagnostics;
use mdbook_markdown::MarkdownOptions;
use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use mdbook_preprocessor::config::Config;
use pulldown_cmark::{CodeBlockKind, Event, Tag};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// `tests/fixtures/` of the main crate.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

/// The fixed glossary the directive and chapter targets use.
pub fn fixture_glossary() -> String {
    std::fs::read_to_string(fixtures().join("glossary-book/src/glossary.toml"))
        .expect("tests/fixtures/glossary-book/src/glossary.toml")
}

const BOOK_TOML: &str = r#"
[book]
title = "Fuzz"
src = "src"

[preprocessor.handbook]
before = ["links"]

[preprocessor.handbook.placeholders]
"Your Name" = "How you sign your emails"
"Specific Project" = "A project of theirs you know well"
"#;

/// A book on disk in a temporary directory: book.toml and `src/glossary.toml`.
pub struct FuzzBook {
    dir: tempfile::TempDir,
    html: PreprocessorContext,
    markdown: PreprocessorContext,
}

impl FuzzBook {
    /// Writes the book with `glossary` as its glossary file.
    pub fn new(glossary: &[u8]) -> FuzzBook {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("src")).expect("src dir");
        std::fs::write(dir.path().join("book.toml"), BOOK_TOML).expect("book.toml");
        let config: Config = BOOK_TOML.parse().expect("book.toml parses");
        let ctx = |renderer: &str| {
            PreprocessorContext::new(dir.path().into(), config.clone(), renderer.into())
        };
        let book = FuzzBook {
            html: ctx("html"),
            markdown: ctx("markdown"),
            dir,
        };
        book.set_glossary(glossary);
        book
    }

    /// Replaces the glossary file.
    pub fn set_glossary(&self, glossary: &[u8]) {
        std::fs::write(self.dir.path().join("src/glossary.toml"), glossary).expect("glossary");
    }

    /// Preprocesses `chapters` (file name, text) for both renderers and
    /// checks the oracle. `names` are the glossary's terms, abbrs and
    /// aliases (auto-linking may turn their mentions into references).
    pub fn check(&self, chapters: &[(&str, &str)], names: &[String]) {
        for ctx in [&self.html, &self.markdown] {
            let (out, diags) = mdbook_handbook::preprocess(ctx, book_of(chapters));
            if checks("spans") {
                check_spans(&diags);
            }
            let Some(out) = out else { continue };
            let outputs = contents(&out);
            assert_eq!(outputs.len(), chapters.len(), "chapters lost");
            for ((_, input), output) in chapters.iter().zip(&outputs) {
                let (definitions, output) = split_definitions(input, output);
                let spans = directive_spans(input, names);
                if checks("passthrough") {
                    check_passthrough(input, output, &spans);
                }
                // A chapter passed on unchanged adds nothing (the neutral
                // version the oracle compares with can tokenize the
                // author's own raw HTML differently).
                if output != *input && checks(&format!("{}-inert", ctx.renderer)) {
                    // The definitions become markup too, in the tooltips.
                    let whole = format!("{definitions}\n\n{output}");
                    check_inert(input, &whole, &spans, &ctx.renderer);
                }
            }
        }
    }
}

/// Whether the oracle `name` is on (not listed in `HANDBOOK_FUZZ_SKIP`).
fn checks(name: &str) -> bool {
    static SKIP: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let skip = SKIP.get_or_init(|| {
        std::env::var("HANDBOOK_FUZZ_SKIP")
            .unwrap_or_default()
            .split(',')
            .map(|s| s.trim().to_string())
            .collect()
    });
    !skip.iter().any(|s| s == name)
}

/// A book of `chapters`, in order, each at its file name.
fn book_of(chapters: &[(&str, &str)]) -> Book {
    let mut book = Book::new();
    for (path, text) in chapters {
        let mut chapter = Chapter::new("Fuzz", text.to_string(), *path, vec![]);
        chapter.source_path = Some(PathBuf::from(path));
        book.push_item(chapter);
    }
    book
}

fn contents(book: &Book) -> Vec<String> {
    book.iter()
        .filter_map(|item| match item {
            BookItem::Chapter(c) => Some(c.content.clone()),
            _ => None,
        })
        .collect()
}

/// The glossary's names (term, abbr, aliases), from its TOML, if it parses.
pub fn glossary_names(toml_text: &str) -> Vec<String> {
    let Ok(table) = toml_text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for entry in table.values().filter_map(|v| v.as_table()) {
        for key in ["term", "abbr"] {
            names.extend(entry.get(key).and_then(|v| v.as_str()).map(String::from));
        }
        if let Some(aliases) = entry.get("aliases").and_then(|v| v.as_array()) {
            names.extend(aliases.iter().filter_map(|a| a.as_str()).map(String::from));
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

/// Oracle 1: every span of every diagnostic lies inside its file.
fn check_spans(diags: &Diagnostics) {
    for d in diags.items() {
        let spans = d.range.iter().map(|r| (d.source, r));
        let notes = d.notes.iter().map(|(s, _)| (s.source, &s.range));
        for (source, range) in spans.chain(notes) {
            let text = diags.text(source);
            assert!(
                range.start <= range.end
                    && range.end <= text.len()
                    && text.is_char_boundary(range.start)
                    && text.is_char_boundary(range.end),
                "span {range:?} outside its file of {} bytes: {d:?}",
                text.len()
            );
        }
    }
    let _ = diags.render(false);
    let _ = diags.render(true);
}

/// The definitions block an HTML page starts with (the term definitions
/// its references show, which the page's script makes tooltips of), when
/// the preprocessor put it there: its content, and the output after it.
pub fn split_definitions<'a>(input: &str, output: &'a str) -> (&'a str, &'a str) {
    const OPEN: &str = "<script type=\"text/html\" class=\"hb-tips\">";
    const CLOSE: &str = "</script>\n\n";
    if let Some(after) = output.strip_prefix(OPEN)
        && let Some(end) = after.find(CLOSE)
    {
        let rest = &after[end + CLOSE.len()..];
        // A chapter may itself start like the block: then the block is
        // ours only when the chapter's own start follows it.
        if !input.starts_with(OPEN) || rest.starts_with(OPEN) {
            return (&after[..end], rest);
        }
    }
    ("", output)
}

/// Byte ranges of `input` the preprocessor may replace, sorted and merged:
/// handbook fences, the handbook's `{{#term}}`, `{{#glossary}}` and
/// `{{#checklists}}` to their `}}` (or the line's end) unless escaped with a
/// backslash, and every ASCII-case-insensitive mention of a name (with a
/// plural ending). Other `{{#...}}` (mdBook's, or no one's) pass through as
/// the author wrote them.
pub fn directive_spans(input: &str, names: &[String]) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let parser = mdbook_markdown::new_cmark_parser(input, &MarkdownOptions::default());
    for (event, range) in parser.into_offset_iter() {
        // A block is the handbook's when its info string's first word is
        // the kind, exactly (```checklistion is someone else's code).
        if let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) = event
            && matches!(info.split_whitespace().next(), Some("script" | "checklist"))
        {
            spans.push(range);
        }
    }
    for (at, _) in input.match_indices("{{#") {
        let after = &input[at + 3..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(after.len());
        if !["term", "glossary", "checklists"].contains(&&after[..name_len]) {
            continue;
        }
        let line_end = input[at..].find('\n').map_or(input.len(), |i| at + i);
        // Closed by the first `}}` on its line, unless another `{{#` opens
        // first, as the preprocessor reads it; an unclosed one is the
        // author's text, passed on as written.
        let line = &input[at..line_end];
        let Some(close) = line.find("}}") else {
            continue;
        };
        if line[3..]
            .find("{{#")
            .is_some_and(|next| 3 + next + 3 <= close)
        {
            continue;
        }
        let end = at + close + 2;
        // An escaped one is the author's text, passed on as written (for
        // mdBook's `links` to show).
        if !input[..at].ends_with('\\') {
            spans.push(at..end);
        }
    }
    let lower = input.to_ascii_lowercase();
    for name in names {
        let name = name.to_ascii_lowercase();
        spans.extend(lower.match_indices(&name).map(|(at, _)| {
            // Auto-linking takes a plural `s`/`es` along.
            let end = at + name.len();
            let plural = ["es", "s"].iter().find(|p| lower[end..].starts_with(**p));
            at..end + plural.map_or(0, |p| p.len())
        }));
    }
    merge(spans)
}

fn merge(mut spans: Vec<Range<usize>>) -> Vec<Range<usize>> {
    spans.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => merged.push(span),
        }
    }
    merged
}

/// The parts of `input` outside `spans`, in order.
fn outside(input: &str, spans: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut parts = Vec::new();
    let mut at = 0;
    for span in spans {
        parts.push(at..span.start);
        at = span.end;
    }
    parts.push(at..input.len());
    parts
}

/// Oracle 2: the text outside the spans is in the output, unchanged and in
/// order, starting at its start and ending at its end.
pub fn check_passthrough(input: &str, output: &str, spans: &[Range<usize>]) {
    let mut at = 0;
    for part in outside(input, spans) {
        let text = &input[part.clone()];
        if part.start == 0 {
            assert!(
                output.starts_with(text),
                "the text before the first directive changed:\n{text:?}\nbecame\n{output:?}"
            );
            at = text.len();
        } else if part.end == input.len() {
            assert!(
                output.ends_with(text) && output.len() - text.len() >= at,
                "the text after the last directive changed:\n{text:?}\nin\n{output:?}"
            );
        } else if let Some(found) = output[at..].find(text) {
            at += found + text.len();
        } else {
            panic!("text between directives was changed or lost:\n{text:?}\nin\n{output:?}");
        }
    }
}

/// Oracle 3: directive output adds no script-capable markup.
pub fn check_inert(input: &str, output: &str, spans: &[Range<usize>], renderer: &str) {
    let mut neutral = String::with_capacity(input.len());
    for (i, part) in outside(input, spans).into_iter().enumerate() {
        if i > 0 {
            neutral.push_str(" x ");
            // An inline directive's backticks stay, escaped, as its output
            // writes them: without them the line around it could read
            // otherwise (a fence's info string may not hold a backtick).
            let span = &input[spans[i - 1].clone()];
            if span.starts_with("{{#") {
                neutral.push_str(&"\\`".repeat(span.matches('`').count()));
            }
        }
        neutral.push_str(&input[part]);
    }
    let expected = dangers(&to_html(&neutral));
    let found = dangers(&to_html(output));
    for (kind, (found, expected)) in ["<script> tags", "on…= handlers", "script URLs"]
        .iter()
        .zip(found.iter().zip(&expected))
    {
        assert!(
            found <= expected,
            "{renderer} output has {found} {kind}, the chapter without directives {expected}:\n{output}"
        );
    }
}

/// The chapter as mdBook's HTML renderer turns markdown into HTML.
fn to_html(markdown: &str) -> String {
    let mut html = String::new();
    let parser = mdbook_markdown::new_cmark_parser(markdown, &MarkdownOptions::default());
    pulldown_cmark::html::push_html(&mut html, parser);
    html
}

/// Counts of `<script` tags, `on…=` attributes and script-capable URLs in
/// attribute values of the tags in `html`.
pub fn dangers(html: &str) -> [usize; 3] {
    let lower = html.to_ascii_lowercase();
    let mut counts = [0; 3];
    let mut rest = lower.as_str();
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let name_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
            .unwrap_or(rest.len());
        rest = &rest[name_end..];
        rest = attributes(rest, &mut counts);
    }
    // Every `<script`, wherever it stands: an author's unbalanced quote
    // in raw HTML must not hide one inside an attribute.
    counts[0] = lower.matches("<script").count();
    counts
}

/// Scans a tag's attributes up to its `>`, counting handlers and script
/// URLs; returns what follows the tag.
fn attributes<'a>(mut rest: &'a str, counts: &mut [usize; 3]) -> &'a str {
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if rest.is_empty() || rest.starts_with('>') {
            return rest.get(1..).unwrap_or("");
        }
        let name_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>' || c == '=')
            .unwrap_or(rest.len())
            .max(1);
        let name = &rest[..name_end];
        rest = rest[name_end..].trim_start();
        let mut value = "";
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (v, tail) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let end = body.find(q).unwrap_or(body.len());
                    (&body[..end], body.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            value = v;
            rest = tail;
        }
        if name.starts_with("on") && name.len() > 2 {
            counts[1] += 1;
        }
        if script_url(value) {
            counts[2] += 1;
        }
    }
}

/// Whether an attribute value, as a browser decodes it, is a URL that runs
/// script.
fn script_url(value: &str) -> bool {
    let decoded = decode_entities(value);
    let squeezed: String = decoded.chars().filter(|c| *c > ' ').collect();
    let squeezed = squeezed.to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:text/html"]
        .iter()
        .any(|scheme| squeezed.starts_with(scheme))
}

/// Numeric character references and the named ones that hide a scheme.
fn decode_entities(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp + 1..];
        let end = rest
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '#')
            .unwrap_or(rest.len());
        let entity = &rest[..end];
        let decoded = match entity.strip_prefix('#') {
            Some(num) => match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse().ok(),
            }
            .and_then(char::from_u32),
            None => match entity {
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                _ => None,
            },
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
            }
            None => out.push('&'),
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dangers_are_counted_however_they_are_spelled() {
        assert_eq!(dangers("<p>&lt;script&gt;</p>"), [0, 0, 0]);
        assert_eq!(dangers("<SCRIPT>x</script>"), [1, 0, 0]);
        assert_eq!(dangers("<img src=x onerror=alert(1)>"), [0, 1, 0]);
        assert_eq!(dangers("<a href=\"jav&#x61;script&colon;x\">"), [0, 0, 1]);
        assert_eq!(dangers("<a href=' java\tscript:x'>"), [0, 0, 1]);
        assert_eq!(dangers("<a href=\"https://x.y/javascript:\">"), [0, 0, 0]);
        assert_eq!(dangers("<p>javascript: is a word; onload=1</p>"), [0, 0, 0]);
    }

    #[test]
    fn passthrough_finds_text_around_spans() {
        let input = "a {{#term x}} b";
        let spans = directive_spans(input, &[]);
        assert_eq!(spans, vec![2..13]);
        check_passthrough(input, "a <abbr>X</abbr> b", &spans);
        let changed = std::panic::catch_unwind(|| check_passthrough(input, "a X c", &spans));
        assert!(changed.is_err());
    }
}
