//! Inline `{{#name args}}` directives and `{{#term}}` references, found in
//! raw text (callers decide what is code).

use super::{Context, InlineDirective, Unclosed, find_all, find_str, ranges};
use crate::diagnostics::{SourceId, Span};
use mdbook_markdown::pulldown_cmark::Event;
use mdbook_markdown::{MarkdownOptions, new_cmark_parser};
use std::borrow::Cow;
use std::ops::Range;

/// A `{{#term KEY}}` or `{{#term KEY|shown text}}` reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TermRef {
    /// What the author wrote to name the term.
    pub(crate) key: String,
    /// The text to show instead of the term's default.
    pub(crate) shown: Option<String>,
    /// The whole directive.
    pub(crate) span: Span,
    /// Just the key, for diagnostics.
    pub(crate) key_span: Span,
    /// Index of the chapter it is in, if it is in a chapter.
    pub(crate) page: Option<usize>,
    /// Where it stands in the chapter's markdown.
    pub(crate) context: Context,
}

impl TermRef {
    /// Reads a `term` directive found in `source`.
    pub(crate) fn parse(d: &InlineDirective, source: SourceId, page: Option<usize>) -> Self {
        let (key, shown) = match d.args.split_once('|') {
            Some((key, shown)) => (key.trim_end(), Some(shown.trim().to_string())),
            None => (d.args.as_str(), None),
        };
        TermRef {
            key: key.to_string(),
            shown: shown.filter(|s| !s.is_empty()),
            span: Span::new(source, d.range.clone()),
            key_span: Span::new(source, d.args_offset..d.args_offset + key.len().max(1)),
            page,
            context: d.context,
        }
    }

    /// Every unescaped `{{#term}}` in a piece of directive text (a script
    /// line, a checklist item, a definition) at byte `base` of `source`.
    pub(crate) fn find_in(
        text: &str,
        base: usize,
        source: SourceId,
        page: Option<usize>,
    ) -> Vec<(Range<usize>, TermRef)> {
        let found = find_inline(text, 0).0;
        // Code spans start with a backtick, raw HTML with `<`.
        let code = if found.is_empty() || !text.contains(['`', '<']) {
            Vec::new()
        } else {
            code_spans(text)
        };
        found
            .into_iter()
            .filter(|d| d.name == "term" && !d.escaped)
            .filter(|d| !ranges::within(&code, &(d.range.start..d.range.start + 1), |c| c))
            .map(|mut d| {
                let local = d.range.clone();
                d.range = base + local.start..base + local.end;
                d.args_offset += base;
                (local, TermRef::parse(&d, source, page))
            })
            .collect()
    }
}

/// The code spans and raw HTML of one line of inline markdown (e.g. a script
/// line or a checklist item): where directives are not directives.
pub(crate) fn code_spans(text: &str) -> Vec<Range<usize>> {
    new_cmark_parser(text, &MarkdownOptions::default())
        .into_offset_iter()
        .filter(|(e, _)| matches!(e, Event::Code(_) | Event::InlineHtml(_) | Event::Html(_)))
        .map(|(_, range)| range)
        .collect()
}

/// A directive's name: the names this preprocessor and mdBook's `links`
/// own are not copied (a chapter holds dozens of `{{#term}}`s). A name
/// missing from this list is only copied, never treated otherwise.
fn directive_name(name: &str) -> Cow<'static, str> {
    const OURS: [&str; 3] = ["term", "glossary", "checklists"];
    match OURS
        .iter()
        .chain(&crate::pages::MDBOOK_DIRECTIVES)
        .find(|k| **k == name)
    {
        Some(known) => Cow::Borrowed(known),
        None => Cow::Owned(name.to_string()),
    }
}

/// Finds every `{{#name args}}` in `text` (offsets start at `base`), without
/// looking at markdown structure: callers decide what is code. A directive
/// is closed by the first `}}` on its line, unless another `{{#` opens
/// first. Linear: each line end and each `}}` is looked up once.
pub(crate) fn find_inline(text: &str, base: usize) -> (Vec<InlineDirective>, Vec<Unclosed>) {
    let mut found = Vec::new();
    let mut unclosed = Vec::new();
    // Most directive text has no brace at all: one byte search says so.
    if !text.as_bytes().contains(&b'{') {
        return (found, unclosed);
    }
    // `{{#` found by its braces (a byte search), not as a substring.
    let bytes = text.as_bytes();
    let starts = find_all(text, "{{#");
    found.reserve_exact(starts.len());
    let mut taken = 0; // end of the last directive found: no overlaps
    let mut line_end = 0; // the end of the line holding the current start
    // The first `}}` at or after the last search (none: there is no more).
    let mut close: Option<usize> = find_str(text, "}}");
    for (k, &start) in starts.iter().enumerate() {
        if start < taken {
            continue;
        }
        let from = start + 3;
        let after = &text[from..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(after.len());
        let name = &after[..name_len];
        if name.is_empty() {
            continue;
        }
        if line_end < from {
            line_end = memchr::memchr(b'\n', &bytes[from..]).map_or(text.len(), |i| from + i);
        }
        if close.is_some_and(|c| c < from) {
            close = find_str(&text[from..], "}}").map(|i| from + i);
        }
        let next_open = starts.get(k + 1).copied().unwrap_or(usize::MAX);
        let Some(end) = close.filter(|c| *c < line_end && next_open.saturating_add(3) > *c) else {
            unclosed.push(Unclosed {
                name: name.to_string(),
                range: base + start..base + line_end,
            });
            continue;
        };
        if end < from + name_len {
            continue;
        }
        taken = end + 2;
        let raw_args = &text[from + name_len..end];
        let args = raw_args.trim();
        let lead = raw_args.len() - raw_args.trim_start().len();
        found.push(InlineDirective {
            name: directive_name(name),
            args: args.to_string(),
            args_offset: base + from + name_len + lead,
            range: base + start..base + end + 2,
            context: Context::Text,
            escaped: start > 0 && text.as_bytes()[start - 1] == b'\\',
            standalone: false,
        });
    }
    (found, unclosed)
}
