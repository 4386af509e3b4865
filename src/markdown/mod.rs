//! Finding directives in a chapter and splicing their output back.
//!
//! A chapter is parsed once, with the options mdBook itself uses, so that we
//! and mdBook agree on what is a code block. The scan records the fenced
//! blocks of the directives' kinds, every inline `{{#name ...}}` with the
//! context it stands in (running text, plain text, an attribute, code), and
//! the plain-text runs that auto-linking may touch. Output is built by
//! splicing replacements into the original text in one forward pass
//! ([`splice`]), so every byte outside a directive passes through unchanged.

mod find;
mod splice;

pub(crate) mod ranges;

use mdbook_markdown::pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};
use mdbook_markdown::{MarkdownOptions, new_cmark_parser};
use mdbook_preprocessor::config::HtmlConfig;
use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

pub(crate) use find::{TermRef, find_inline};
pub(crate) use splice::{block_in_place, for_each_piece, line_prefix, splice, spliced_len};

/// The first `needle` in `haystack`, by a vectorised byte search (the hot
/// scans look for two- or three-byte delimiters in whole chapters).
pub(crate) fn find_str(haystack: &str, needle: &str) -> Option<usize> {
    match searcher(needle) {
        Some(finder) => finder.find(haystack.as_bytes()),
        None => memchr::memmem::find(haystack.as_bytes(), needle.as_bytes()),
    }
}

/// Where every `needle` starts in `haystack`, not overlapping.
pub(crate) fn find_all(haystack: &str, needle: &str) -> Vec<usize> {
    match searcher(needle) {
        Some(finder) => finder.find_iter(haystack.as_bytes()).collect(),
        None => memchr::memmem::find_iter(haystack.as_bytes(), needle.as_bytes()).collect(),
    }
}

/// The searcher for a delimiter the chapter scans look up again and again,
/// built once (building one costs more than a short search).
fn searcher(needle: &str) -> Option<&'static memchr::memmem::Finder<'static>> {
    static COMMON: LazyLock<[memchr::memmem::Finder<'static>; 4]> =
        LazyLock::new(|| ["{{#", "}}", "{{", "://"].map(memchr::memmem::Finder::new));
    COMMON.iter().find(|f| f.needle() == needle.as_bytes())
}

/// A fenced code block whose info string starts with a directive kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FencedBlock {
    /// `script` or `checklist`.
    pub(crate) kind: String,
    /// The rest of the info string: the attributes.
    pub(crate) attrs: String,
    /// Byte offset of `attrs` in the chapter.
    pub(crate) attrs_offset: usize,
    /// The body, one entry per line, with container prefixes removed.
    pub(crate) lines: Vec<Line>,
    /// The whole block, opening fence to closing fence.
    pub(crate) range: Range<usize>,
    /// What a continuation line needs in front to stay inside the block's
    /// containers (list items, block quotes), e.g. `"  "` or `"> "`.
    pub(crate) prefix: String,
}

/// One line of a fenced block's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    /// The line without its line ending.
    pub(crate) text: String,
    /// Byte offset of the line's first character in the chapter.
    pub(crate) offset: usize,
}

/// An inline `{{#name args}}` directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InlineDirective {
    /// `term`, `glossary`, `include`, ...
    pub(crate) name: Cow<'static, str>,
    /// Everything between the name and `}}`, trimmed.
    pub(crate) args: String,
    /// Byte offset of `args` in the text scanned.
    pub(crate) args_offset: usize,
    /// `{{` to `}}` inclusive.
    pub(crate) range: Range<usize>,
    /// Where it stands, which decides what it may turn into.
    pub(crate) context: Context,
    /// Written `\{{#...}}`: rendered literally, never expanded.
    pub(crate) escaped: bool,
    /// The only thing in its paragraph.
    pub(crate) standalone: bool,
}

/// Where in a chapter's markdown an inline directive stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(crate) enum Context {
    /// Running text: it may become markup.
    #[default]
    Text,
    /// Text that must stay plain: a heading, a definition-list term, link
    /// text (mdBook links headings and terms itself; links do not nest).
    Plain,
    /// Inside an attribute: image alt text, a link's URL or title.
    Attribute,
    /// A code block: left alone (mdBook still expands `{{#include}}` here).
    CodeBlock,
    /// A code span or raw HTML: left alone (an `{{#include}}` here is
    /// usually an example of one).
    Code,
}

impl InlineDirective {
    /// Inside code or raw HTML, where it is not a directive.
    pub(crate) fn in_code(&self) -> bool {
        matches!(self.context, Context::Code | Context::CodeBlock)
    }
}

/// What the scan looks for.
#[derive(Clone, Copy)]
pub(crate) struct ScanOptions<'a> {
    /// mdBook's markdown options.
    pub(crate) markdown: &'a MarkdownOptions,
    /// Info-string words that make a fenced code block a directive.
    pub(crate) fenced: &'a [&'a str],
    /// mdBook's MathJax support is on: `\( \)`, `\[ \]` and `$$` enclose math.
    pub(crate) mathjax: bool,
}

/// An `{{#` that is never closed by `}}` on the same line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unclosed {
    /// The directive's name.
    pub(crate) name: String,
    /// From `{{` to the end of the line.
    pub(crate) range: Range<usize>,
}

/// A run of plain text that auto-linking may turn into references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TextRun {
    /// Bytes of the chapter.
    pub(crate) range: Range<usize>,
}

/// Everything a chapter holds that the preprocessor cares about.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Scan {
    /// Directive blocks, in order.
    pub(crate) fenced: Vec<FencedBlock>,
    /// Inline directives outside directive blocks, in order.
    pub(crate) inline: Vec<InlineDirective>,
    /// Inline directives that are never closed.
    pub(crate) unclosed: Vec<Unclosed>,
    /// Plain text outside headings, definition-list terms, links, images,
    /// code, HTML, math, bare URLs and other preprocessors' `{{ }}`.
    pub(crate) text: Vec<TextRun>,
}

/// The markdown options of mdBook's HTML renderer, as the book configures them.
pub(crate) fn markdown_options(html: &HtmlConfig) -> MarkdownOptions {
    let mut options = MarkdownOptions::default();
    options.smart_punctuation = html.smart_punctuation;
    options.definition_lists = html.definition_lists;
    options.admonitions = html.admonitions;
    options
}

/// Scans a chapter.
pub(crate) fn scan(text: &str, options: ScanOptions) -> Scan {
    let mut scan = Scan::default();
    // Ranges where inline directives stand in a context other than text,
    // each with that context; and the paragraphs (for `standalone`).
    // Sized for prose (an event every few dozen bytes), not grown a
    // doubling at a time.
    let mut contexts: Vec<(Range<usize>, Context)> = Vec::with_capacity(text.len() / 32);
    let mut paragraphs: Vec<Range<usize>> = Vec::with_capacity(text.len() / 256);
    scan.text.reserve(text.len() / 128);
    // Nesting depth of places where auto-linking must not happen.
    let mut no_link_depth = 0usize;
    let mut in_block: Option<FencedBlock> = None;
    let mut pieces: Vec<(Range<usize>, CowStr)> = Vec::new();
    // Raw inline HTML elements open in the current block (`<b>`, `<a>`):
    // their text is not plain text either.
    let mut html_open: Vec<String> = Vec::new();
    // Open links: where each started, and the text inside them so far.
    let mut links: Vec<usize> = Vec::new();

    for (event, range) in new_cmark_parser(text, options.markdown).into_offset_iter() {
        if let Event::End(end) = &event
            && !is_inline_end(end)
        {
            html_open.clear();
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                contexts.push((range.clone(), Context::CodeBlock));
                if let CodeBlockKind::Fenced(info) = kind
                    && let Some(block) = fenced_block(text, &info, range, options.fenced)
                {
                    in_block = Some(block);
                    pieces.clear();
                }
                no_link_depth += 1;
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(mut block) = in_block.take() {
                    block.lines = lines_of(text, &pieces);
                    scan.fenced.push(block);
                }
                no_link_depth -= 1;
            }
            Event::Text(t) if in_block.is_some() => pieces.push((range, t)),
            // Raw text the parser keeps: where a directive is a directive.
            Event::Start(Tag::HtmlBlock) => {
                contexts.push((range, Context::Code));
                no_link_depth += 1;
            }
            Event::Start(Tag::Paragraph) => paragraphs.push(range),
            Event::Start(Tag::Heading { .. } | Tag::DefinitionListTitle) => {
                contexts.push((range, Context::Plain));
                no_link_depth += 1;
            }
            Event::Start(Tag::Link { .. }) => {
                // The link's text is plain; the rest of it (URL, title) is an
                // attribute: recorded when the link ends.
                links.push(contexts.len());
                contexts.push((range, Context::Attribute));
                no_link_depth += 1;
            }
            Event::Start(Tag::Image { .. }) => {
                contexts.push((range, Context::Attribute));
                no_link_depth += 1;
            }
            Event::Start(Tag::MetadataBlock(_)) => {
                contexts.push((range, Context::Code));
                no_link_depth += 1;
            }
            Event::End(TagEnd::Link) => {
                links.pop();
                no_link_depth -= 1;
            }
            Event::End(
                TagEnd::Heading(_)
                | TagEnd::DefinitionListTitle
                | TagEnd::Image
                | TagEnd::HtmlBlock
                | TagEnd::MetadataBlock(_),
            ) => no_link_depth -= 1,
            Event::InlineHtml(html) => {
                track_inline_html(&html, &mut html_open);
                contexts.push((range, Context::Code));
            }
            Event::Code(_) | Event::Html(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {
                contexts.push((range, Context::Code));
            }
            Event::Text(_) => {
                contexts.push((range.clone(), Context::Text));
                if !links.is_empty() {
                    // Link text: plain, and more specific than the link.
                    contexts.push((range.clone(), Context::Plain));
                }
                if no_link_depth == 0 && html_open.is_empty() {
                    match scan.text.last_mut() {
                        Some(last) if last.range.end == range.start => last.range.end = range.end,
                        _ => scan.text.push(TextRun { range }),
                    }
                }
            }
            _ => {}
        }
    }

    let (inline, unclosed) = find_inline(text, 0);
    let mut context_at = ContextIndex::new(contexts);
    let paragraphs = paragraphs
        .into_iter()
        .map(|p| trimmed(text, p))
        .collect::<foldhash::HashSet<_>>();
    scan.inline = inline
        .into_iter()
        .map(|mut d| {
            d.context = context_at.get(d.range.start);
            d.standalone = paragraphs.contains(&d.range);
            d
        })
        .collect();
    context_at.rewind();
    scan.unclosed = unclosed
        .into_iter()
        .filter(|u| {
            !matches!(
                context_at.get(u.range.start),
                Context::Code | Context::CodeBlock
            )
        })
        .collect();
    scan.text = cut(scan.text, &not_text(text, options.mathjax));
    scan
}

/// The context at increasing offsets, found in one sweep over the context
/// ranges (which nest or are disjoint, as the parser's events do). Every
/// text event is a range, so an offset in none is in no rendered text.
struct ContextIndex {
    ranges: Vec<(Range<usize>, Context)>,
    next: usize,
    /// The ranges holding the last offset asked for, outermost first, each
    /// with the strongest context from the outermost down to it.
    open: Vec<(usize, Context)>,
}

impl ContextIndex {
    fn new(mut ranges: Vec<(Range<usize>, Context)>) -> Self {
        ranges.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
        ContextIndex {
            ranges,
            next: 0,
            open: Vec::new(),
        }
    }

    /// Starts the sweep again, for another list of offsets.
    fn rewind(&mut self) {
        self.next = 0;
        self.open.clear();
    }

    /// The context at `at`; offsets must not decrease between calls (see
    /// [`ContextIndex::rewind`]).
    fn get(&mut self, at: usize) -> Context {
        while let Some((r, c)) = self.ranges.get(self.next).filter(|(r, _)| r.start <= at) {
            while self.open.last().is_some_and(|(end, _)| *end <= r.start) {
                self.open.pop();
            }
            let outer = self.open.last().map_or(Context::Text, |(_, c)| *c);
            self.open.push((r.end, outer.max(*c)));
            self.next += 1;
        }
        while self.open.last().is_some_and(|(end, _)| *end <= at) {
            self.open.pop();
        }
        // In no event at all: text the parser drops (a table row's extra
        // cells), which no renderer shows.
        self.open.last().map_or(Context::Code, |(_, c)| *c)
    }
}

/// Parts of running text that are not prose: bare URLs, other
/// preprocessors' `{{ ... }}`, and math when MathJax is on.
fn not_text(text: &str, mathjax: bool) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let pairs: &[(&str, &str)] = if mathjax {
        &[("{{", "}}"), ("\\(", "\\)"), ("\\[", "\\]"), ("$$", "$$")]
    } else {
        &[("{{", "}}")]
    };
    for (open, close) in pairs {
        // `{{ }}` stays on one line; math may span lines. Unclosed, only
        // the opening delimiter is left out.
        let one_line = *open == "{{";
        let mut from = 0;
        // The end of the line last looked up, and the first `close` at or
        // after the last search: each is found once, however many `open`s.
        let mut line_end = 0;
        let mut next_close = find_str(text, close);
        while let Some(i) = find_str(&text[from..], open) {
            let start = from + i;
            let body = start + open.len();
            let limit = if one_line {
                if line_end < body {
                    line_end = text[body..].find('\n').map_or(text.len(), |j| body + j);
                }
                line_end
            } else {
                text.len()
            };
            if next_close.is_some_and(|c| c < body) {
                next_close = find_str(&text[body..], close).map(|j| body + j);
            }
            let end = next_close
                .filter(|c| c + close.len() <= limit)
                .map_or(body, |c| c + close.len());
            out.push(start..end);
            from = end;
        }
    }
    let mut from = 0;
    while let Some(i) = find_str(&text[from..], "://") {
        let at = from + i;
        // A URL starts after the one before it ends.
        let start = text[from..at]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .map_or(from, |j| from + j + 1);
        let end = text[at..]
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
            .map_or(text.len(), |j| at + j);
        out.push(start..end);
        from = end;
    }
    out.sort_by_key(|r| r.start);
    out
}

/// `runs` without the bytes in `holes` (both sorted).
fn cut(runs: Vec<TextRun>, holes: &[Range<usize>]) -> Vec<TextRun> {
    if holes.is_empty() {
        return runs;
    }
    let mut out = Vec::with_capacity(runs.len());
    let mut h = 0;
    for run in runs {
        let mut start = run.range.start;
        while h < holes.len() && holes[h].end <= start {
            h += 1;
        }
        let mut k = h;
        while start < run.range.end {
            match holes.get(k).filter(|hole| hole.start < run.range.end) {
                Some(hole) => {
                    if hole.start > start {
                        out.push(TextRun {
                            range: start..hole.start,
                        });
                    }
                    start = start.max(hole.end);
                    k += 1;
                }
                None => {
                    out.push(TextRun {
                        range: start..run.range.end,
                    });
                    break;
                }
            }
        }
    }
    out
}

fn is_inline_end(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Void elements: they never enclose text.
const VOID_ELEMENTS: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Follows raw inline HTML tags: an opening tag (not void, not `/>`) opens an
/// element, a closing tag closes it and everything opened inside it.
fn track_inline_html(html: &str, open: &mut Vec<String>) {
    let Some(tag) = html.strip_prefix('<') else {
        return;
    };
    let (closing, tag) = match tag.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, tag),
    };
    let name = tag
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase();
    if name.is_empty() {
        return; // a comment, declaration or processing instruction
    }
    if closing {
        if let Some(at) = open.iter().rposition(|n| *n == name) {
            open.truncate(at);
        }
    } else if !VOID_ELEMENTS.contains(&name.as_str()) && !html.trim_end().ends_with("/>") {
        open.push(name);
    }
}

fn trimmed(text: &str, range: Range<usize>) -> Range<usize> {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = range.end - (slice.len() - slice.trim_end().len());
    start..end.max(start)
}

/// Recognises a directive block from its info string and finds its parts.
fn fenced_block(
    text: &str,
    info: &str,
    range: Range<usize>,
    kinds: &[&str],
) -> Option<FencedBlock> {
    let kind = info.split_whitespace().next()?;
    if !kinds.contains(&kind) {
        return None;
    }
    let fence_line = &text[range.start..];
    let fence_line = &fence_line[..fence_line.find('\n').unwrap_or(fence_line.len())];
    let kind_at = fence_line.find(kind)?;
    let attrs_start = kind_at + kind.len();
    let attrs = fence_line[attrs_start..].trim_end_matches(['\r', ' ', '\t']);
    let prefix = line_prefix(text, range.start);
    Some(FencedBlock {
        kind: kind.to_string(),
        attrs: attrs.to_string(),
        attrs_offset: range.start + attrs_start,
        lines: Vec::new(),
        range,
        prefix,
    })
}

/// Joins the text events of a code block into lines with their offsets.
fn lines_of(text: &str, pieces: &[(Range<usize>, CowStr)]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut current: Option<Line> = None;
    for (range, piece) in pieces {
        // Spaces the parser makes of a tab the block's indentation took
        // part of stand for no source byte: the line keeps the tab itself,
        // so its text and offsets are the source's.
        let (offset, piece) = if range.is_empty()
            && !piece.is_empty()
            && piece.bytes().all(|b| b == b' ')
            && text[..range.start].ends_with('\t')
        {
            (range.start - 1, "\t")
        } else {
            (range.start, piece.as_ref())
        };
        // The events' text is the source's unless the parser rewrote it
        // otherwise; then offsets are the best the parser tells us.
        let exact = text.get(offset..offset + piece.len()) == Some(piece);
        let mut at = offset;
        for part in piece.split_inclusive('\n') {
            let line = current.get_or_insert_with(|| Line {
                text: String::with_capacity(part.len()),
                offset: at,
            });
            line.text.push_str(part.trim_end_matches(['\n', '\r']));
            if part.ends_with('\n') {
                lines.push(current.take().expect("line in progress"));
            }
            if exact {
                at += part.len();
            }
        }
    }
    lines.extend(current);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_default(text: &str) -> Scan {
        scan_with(text, false)
    }

    fn scan_with(text: &str, mathjax: bool) -> Scan {
        scan(
            text,
            ScanOptions {
                markdown: &MarkdownOptions::default(),
                fenced: crate::testing::FENCED,
                mathjax,
            },
        )
    }

    fn names(scan: &Scan) -> Vec<(&str, bool, bool)> {
        scan.inline
            .iter()
            .map(|d| (d.args.as_str(), d.in_code(), d.escaped))
            .collect()
    }

    #[test]
    fn finds_a_script_block_with_attributes_and_lines() {
        let text =
            "Intro\n\n```script id=\"a\" cast=\"You\"\nYou: hi\n  more\n\nYou: bye\n```\nafter\n";
        let s = scan_default(text);
        assert_eq!(s.fenced.len(), 1);
        let b = &s.fenced[0];
        assert_eq!(b.kind, "script");
        assert_eq!(b.attrs, " id=\"a\" cast=\"You\"");
        assert_eq!(&text[b.attrs_offset..b.attrs_offset + 7], " id=\"a\"");
        let lines: Vec<_> = b.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(lines, ["You: hi", "  more", "", "You: bye"]);
        for line in &b.lines {
            assert_eq!(&text[line.offset..line.offset + line.text.len()], line.text);
        }
        assert_eq!(&text[b.range.clone()], &text[7..text.len() - 7]);
        assert_eq!(b.prefix, "");
    }

    #[test]
    fn crlf_lines_keep_their_offsets_and_lose_the_carriage_return() {
        let text = "x\r\n\r\n```checklist id=\"c\"\r\n- [ ] a\r\n- [ ] b\r\n```\r\n";
        let s = scan_default(text);
        let b = &s.fenced[0];
        assert_eq!(b.attrs, " id=\"c\"");
        let lines: Vec<_> = b
            .lines
            .iter()
            .map(|l| (l.text.as_str(), l.offset))
            .collect();
        assert_eq!(lines, [("- [ ] a", 26), ("- [ ] b", 35)]);
    }

    /// A tab the fence's indentation takes part of stays a tab: the line is
    /// the source's bytes (the parser writes spaces no source byte holds).
    #[test]
    fn a_tab_the_fence_indent_splits_stays_in_its_line() {
        let text = "x\n\n  ```script id=\"a\" cast=\"You\"\n\tYou: hi\n  \tmore\n  ```\n";
        let s = scan_default(text);
        let b = &s.fenced[0];
        let lines: Vec<_> = b.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(lines, ["\tYou: hi", "\tmore"]);
        for line in &b.lines {
            assert_eq!(&text[line.offset..line.offset + line.text.len()], line.text);
        }
    }

    #[test]
    fn no_final_newline_and_unclosed_fence() {
        let s = scan_default("```checklist id=\"c\"\n- [ ] a");
        assert_eq!(s.fenced[0].lines[0].text, "- [ ] a");
        let s = scan_default("{{#term rtos}}");
        assert_eq!(names(&s), [("rtos", false, false)]);
        assert!(s.inline[0].standalone);
    }

    #[test]
    fn tilde_fences_and_fences_in_containers() {
        let text = "- item\n  ~~~script id=\"a\" cast=\"A\"\n  A: hi\n  ~~~\n\n> ```checklist id=\"b\"\n> - [ ] x\n> ```\n";
        let s = scan_default(text);
        assert_eq!(s.fenced.len(), 2);
        assert_eq!(s.fenced[0].prefix, "  ");
        assert_eq!(s.fenced[0].lines[0].text, "A: hi");
        assert_eq!(s.fenced[1].prefix, "> ");
        assert_eq!(s.fenced[1].lines[0].text, "- [ ] x");
        let off = s.fenced[1].lines[0].offset;
        assert_eq!(&text[off..off + 7], "- [ ] x");
    }

    #[test]
    fn other_code_blocks_and_spans_hide_directives() {
        let text = "`{{#term a}}` and {{#term b}}\n\n```rust\n{{#term c}}\n```\n\n    {{#term d}}\n\n<div title=\"{{#term e}}\"></div>\n";
        let s = scan_default(text);
        assert!(s.fenced.is_empty());
        assert_eq!(
            names(&s),
            [
                ("a", true, false),
                ("b", false, false),
                ("c", true, false),
                ("d", true, false),
                ("e", true, false)
            ]
        );
    }

    #[test]
    fn escapes_unicode_and_tabs() {
        let text = "Çà \\{{#term x}} and\t{{#term ÿ|shown’s text}}.\n";
        let s = scan_default(text);
        assert_eq!(
            names(&s),
            [("x", false, true), ("ÿ|shown’s text", false, false)]
        );
        let d = &s.inline[1];
        assert_eq!(&text[d.range.clone()], "{{#term ÿ|shown’s text}}");
        assert_eq!(&text[d.args_offset..d.args_offset + 2], "ÿ");
        assert!(!d.standalone);
    }

    #[test]
    fn term_references_in_code_spans_of_directive_text_are_left_alone() {
        let refs = TermRef::find_in(
            "Say `{{#term a}}` then {{#term b}}",
            10,
            crate::diagnostics::SourceId::default(),
            None,
        );
        let keys: Vec<_> = refs
            .iter()
            .map(|(range, r)| (r.key.as_str(), range.start, r.span.range.start))
            .collect();
        assert_eq!(keys, [("b", 23, 33)]);
    }

    #[test]
    fn an_unclosed_directive_does_not_swallow_the_next() {
        // Found by tests/fuzz.rs (seed 25): the second `{{#term` took the third's `}}`.
        let (found, unclosed) = find_inline("{{#term a|}}{{#term# H {{#term b}}", 0);
        let args: Vec<_> = found.iter().map(|d| d.args.as_str()).collect();
        assert_eq!(args, ["a|", "b"]);
        assert_eq!(unclosed.len(), 1);
        assert_eq!(unclosed[0].range.start, 12);
    }

    #[test]
    fn unclosed_directive_is_reported_outside_code() {
        let s = scan_default("see {{#term rtos\n\n`{{#term x`\n");
        assert_eq!(s.unclosed.len(), 1);
        assert_eq!(s.unclosed[0].range, 4..16);
    }

    #[test]
    fn text_runs_skip_headings_links_and_code() {
        let text = "# RTOS\n\nAn RTOS [RTOS](x) `RTOS` and RTOS's.\n";
        let s = scan_default(text);
        let runs: Vec<_> = s.text.iter().map(|r| &text[r.range.clone()]).collect();
        assert_eq!(runs, ["An RTOS ", " ", " and RTOS's."]);
    }

    #[test]
    fn text_runs_skip_raw_inline_html_elements() {
        let text = "a <b>RTOS</b> b<br>c <img src=x/> d <span><i>x</i> y</span> e <!-- c --> f <a href=x>g\n\nh\n";
        let s = scan_default(text);
        let runs: Vec<_> = s.text.iter().map(|r| &text[r.range.clone()]).collect();
        assert_eq!(runs, ["a ", " b", "c ", " d ", " e ", " f ", "h"]);
    }

    #[test]
    fn splice_passes_everything_else_through() {
        let text = "aé{{#x}}b\r\nc";
        let out = splice(text, vec![(3..9, "X".into())]);
        assert_eq!(out, "aéXb\r\nc");
        assert_eq!(splice(text, vec![]), text);
    }

    #[test]
    fn block_output_keeps_preformatted_code_whole() {
        let html = "<dd>\n  <pre><code>int main(void) {\n    return 0;\n\n}\n</code></pre>\n  <p>x</p>\n</dd>";
        assert_eq!(
            splice::block_output(html.to_string(), "", true),
            "<dd>\n<pre><code>int main(void) {\n    return 0;\n<span></span>\n}\n</code></pre>\n<p>x</p>\n</dd>\n"
        );
    }

    #[test]
    fn block_output_keeps_html_inside_containers() {
        assert_eq!(
            splice::block_output("<div>\n\n  <p>x</p>\n</div>".to_string(), "> ", true),
            "<div>\n> <p>x</p>\n> </div>\n>"
        );
        assert_eq!(
            splice::block_output("**A:** x\n\n*y*".to_string(), "  ", false),
            "**A:** x\n\n  *y*"
        );
    }
}
