//! Finding directives in a chapter and splicing their output back.
//!
//! A chapter is parsed once, with the options mdBook itself uses, so that we
//! and mdBook agree on what is a code block. The scan records fenced
//! directive blocks (` ```script `, ` ```checklist `), inline `{{#name ...}}`
//! directives with whether they sit in code (where they are left alone), and
//! the plain-text runs that auto-linking may touch. Output is built by
//! splicing replacements into the original text in one forward pass, so every
//! byte outside a directive passes through unchanged.

use crate::diagnostics::{SourceId, Span};
use mdbook_markdown::pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
use mdbook_markdown::{MarkdownOptions, new_cmark_parser};
use mdbook_preprocessor::config::HtmlConfig;
use std::ops::Range;

/// Info-string words that make a fenced code block a directive.
pub const FENCED_KINDS: [&str; 2] = ["script", "checklist"];

/// A fenced code block whose info string starts with a directive kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FencedBlock {
    /// `script` or `checklist`.
    pub kind: String,
    /// The rest of the info string: the attributes.
    pub attrs: String,
    /// Byte offset of `attrs` in the chapter.
    pub attrs_offset: usize,
    /// The body, one entry per line, with container prefixes removed.
    pub lines: Vec<Line>,
    /// The whole block, opening fence to closing fence.
    pub range: Range<usize>,
    /// What a continuation line needs in front to stay inside the block's
    /// containers (list items, block quotes), e.g. `"  "` or `"> "`.
    pub prefix: String,
}

/// One line of a fenced block's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The line without its line ending.
    pub text: String,
    /// Byte offset of the line's first character in the chapter.
    pub offset: usize,
}

/// An inline `{{#name args}}` directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineDirective {
    /// `term`, `glossary`, `include`, ...
    pub name: String,
    /// Everything between the name and `}}`, trimmed.
    pub args: String,
    /// Byte offset of `args` in the text scanned.
    pub args_offset: usize,
    /// `{{` to `}}` inclusive.
    pub range: Range<usize>,
    /// Inside a code span, code block or raw HTML: left alone.
    pub in_code: bool,
    /// Written `\{{#...}}`: rendered literally, never expanded.
    pub escaped: bool,
    /// The only thing in its paragraph.
    pub standalone: bool,
}

/// An `{{#` that is never closed by `}}` on the same line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unclosed {
    /// The directive's name.
    pub name: String,
    /// From `{{` to the end of the line.
    pub range: Range<usize>,
}

/// A run of plain text that auto-linking may turn into references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextRun {
    /// Bytes of the chapter.
    pub range: Range<usize>,
}

/// Everything a chapter holds that the preprocessor cares about.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Scan {
    /// Directive blocks, in order.
    pub fenced: Vec<FencedBlock>,
    /// Inline directives outside directive blocks, in order.
    pub inline: Vec<InlineDirective>,
    /// Inline directives that are never closed.
    pub unclosed: Vec<Unclosed>,
    /// Plain text outside headings, links, images, code and HTML.
    pub text: Vec<TextRun>,
}

/// The markdown options of mdBook's HTML renderer, as the book configures them.
pub fn markdown_options(html: &HtmlConfig) -> MarkdownOptions {
    let mut options = MarkdownOptions::default();
    options.smart_punctuation = html.smart_punctuation;
    options.definition_lists = html.definition_lists;
    options.admonitions = html.admonitions;
    options
}

/// What a line continuing the block at `offset` needs in front to stay in the
/// same list items and block quotes: the line's text before `offset`, with
/// `>` and tabs kept and everything else blanked.
pub fn line_prefix(text: &str, offset: usize) -> String {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..offset]
        .chars()
        .map(|c| if c == '>' || c == '\t' { c } else { ' ' })
        .collect()
}

/// Scans a chapter.
pub fn scan(text: &str, options: &MarkdownOptions) -> Scan {
    let mut scan = Scan::default();
    // Where inline directives are not directives: code and raw HTML.
    let mut code: Vec<Range<usize>> = Vec::new();
    let mut paragraphs: Vec<Range<usize>> = Vec::new();
    // Nesting depth of places where auto-linking must not happen.
    let mut no_link_depth = 0usize;
    let mut in_block: Option<FencedBlock> = None;
    let mut pieces: Vec<(usize, String)> = Vec::new();
    // Raw inline HTML elements open in the current block (`<b>`, `<a>`):
    // their text is not plain text either.
    let mut html_open: Vec<String> = Vec::new();

    for (event, range) in new_cmark_parser(text, options).into_offset_iter() {
        if let Event::End(end) = &event
            && !is_inline_end(end)
        {
            html_open.clear();
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                code.push(range.clone());
                if let CodeBlockKind::Fenced(info) = kind
                    && let Some(block) = fenced_block(text, &info, range)
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
            Event::Text(t) if in_block.is_some() => pieces.push((range.start, t.into_string())),
            Event::Start(Tag::Paragraph) => paragraphs.push(range),
            Event::Start(
                Tag::Heading { .. }
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::HtmlBlock
                | Tag::MetadataBlock(_),
            ) => no_link_depth += 1,
            Event::End(
                TagEnd::Heading(_)
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::HtmlBlock
                | TagEnd::MetadataBlock(_),
            ) => no_link_depth -= 1,
            Event::InlineHtml(html) => {
                track_inline_html(&html, &mut html_open);
                code.push(range);
            }
            Event::Code(_) | Event::Html(_) => code.push(range),
            Event::InlineMath(_) | Event::DisplayMath(_) => code.push(range),
            Event::Text(_) if no_link_depth == 0 && html_open.is_empty() => {
                match scan.text.last_mut() {
                    Some(last) if last.range.end == range.start => last.range.end = range.end,
                    _ => scan.text.push(TextRun { range }),
                }
            }
            _ => {}
        }
    }

    let (inline, unclosed) = find_inline(text, 0);
    scan.unclosed = unclosed;
    scan.inline = inline
        .into_iter()
        .map(|mut d| {
            d.in_code = code.iter().any(|r| r.contains(&d.range.start));
            d.standalone = paragraphs
                .iter()
                .any(|p| trimmed(text, p.clone()) == d.range);
            d
        })
        .collect();
    scan.unclosed
        .retain(|u| !code.iter().any(|r| r.contains(&u.range.start)));
    scan
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
fn fenced_block(text: &str, info: &str, range: Range<usize>) -> Option<FencedBlock> {
    let kind = info.split_whitespace().next()?;
    if !FENCED_KINDS.contains(&kind) {
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
fn lines_of(text: &str, pieces: &[(usize, String)]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut current: Option<Line> = None;
    for (offset, piece) in pieces {
        // The events' text is the source's unless the parser rewrote it
        // (tabs, CRLF); then offsets are the best the parser tells us.
        let exact = text.get(*offset..offset + piece.len()) == Some(piece.as_str());
        let mut at = *offset;
        for part in piece.split_inclusive('\n') {
            let line = current.get_or_insert_with(|| Line {
                text: String::new(),
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

/// A `{{#term KEY}}` or `{{#term KEY|shown text}}` reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermRef {
    /// What the author wrote to name the term.
    pub key: String,
    /// The text to show instead of the term's default.
    pub shown: Option<String>,
    /// The whole directive.
    pub span: Span,
    /// Just the key, for diagnostics.
    pub key_span: Span,
    /// Index of the chapter it is in, if it is in a chapter.
    pub page: Option<usize>,
}

impl TermRef {
    /// Reads a `term` directive found in `source`.
    pub fn parse(d: &InlineDirective, source: SourceId, page: Option<usize>) -> Self {
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
        }
    }

    /// Every unescaped `{{#term}}` in a piece of directive text (a script
    /// line, a checklist item, a definition) at byte `base` of `source`.
    pub fn find_in(
        text: &str,
        base: usize,
        source: SourceId,
        page: Option<usize>,
    ) -> Vec<(Range<usize>, TermRef)> {
        let found = find_inline(text, 0).0;
        let code = if found.is_empty() {
            Vec::new()
        } else {
            code_spans(text)
        };
        found
            .into_iter()
            .filter(|d| d.name == "term" && !d.escaped)
            .filter(|d| !code.iter().any(|c| c.contains(&d.range.start)))
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
pub fn code_spans(text: &str) -> Vec<Range<usize>> {
    new_cmark_parser(text, &MarkdownOptions::default())
        .into_offset_iter()
        .filter(|(e, _)| matches!(e, Event::Code(_) | Event::InlineHtml(_) | Event::Html(_)))
        .map(|(_, range)| range)
        .collect()
}

/// Finds every `{{#name args}}` in `text` (offsets start at `base`), without
/// looking at markdown structure: callers decide what is code.
pub fn find_inline(text: &str, base: usize) -> (Vec<InlineDirective>, Vec<Unclosed>) {
    let mut found = Vec::new();
    let mut unclosed = Vec::new();
    let mut taken = 0; // end of the last directive found: no overlaps
    for (start, _) in text.match_indices("{{#") {
        if start < taken {
            continue;
        }
        let after = &text[start + 3..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(after.len());
        let name = &after[..name_len];
        if name.is_empty() {
            continue;
        }
        let line_end = after.find('\n').unwrap_or(after.len());
        // Closed by the first `}}` on its line, unless another directive
        // opens first.
        let close = after[..line_end]
            .find("}}")
            .filter(|close| !after[..*close].contains("{{#"));
        let Some(close) = close else {
            unclosed.push(Unclosed {
                name: name.to_string(),
                range: base + start..base + start + 3 + line_end,
            });
            continue;
        };
        if close < name_len {
            continue;
        }
        taken = start + 3 + close + 2;
        let raw_args = &after[name_len..close];
        let args = raw_args.trim();
        let lead = raw_args.len() - raw_args.trim_start().len();
        found.push(InlineDirective {
            name: name.to_string(),
            args: args.to_string(),
            args_offset: base + start + 3 + name_len + lead,
            range: base + start..base + start + 3 + close + 2,
            in_code: false,
            escaped: start > 0 && text.as_bytes()[start - 1] == b'\\',
            standalone: false,
        });
    }
    (found, unclosed)
}

/// Builds the output: `text` with each range replaced, in one forward pass.
/// Ranges must not overlap.
pub fn splice(text: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by_key(|(range, _)| range.start);
    let mut out =
        String::with_capacity(text.len() + edits.iter().map(|e| e.1.len()).sum::<usize>());
    let mut at = 0;
    for (range, replacement) in edits {
        debug_assert!(range.start >= at, "overlapping edits");
        out.push_str(&text[at..range.start]);
        out.push_str(&replacement);
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Formats block output to stand where a fenced block stood, inside the same
/// list items or block quotes: every line after the first gets `prefix`.
///
/// HTML is kept free of blank lines (a blank line would end mdBook's raw HTML
/// block) and followed by one, so the markdown after it is markdown again.
/// Indentation is dropped, except inside `<pre>`, where it is content; a
/// blank line there becomes an empty `<span></span>` line, which shows the
/// same but does not end the block.
pub fn block_output(content: &str, prefix: &str, html: bool) -> String {
    let blank = prefix.trim_end();
    let mut out = String::with_capacity(content.len() + 16);
    let mut first = true;
    let mut in_pre = false;
    for line in content.lines() {
        let is_blank = line.trim().is_empty();
        let line = match (html, in_pre, is_blank) {
            (true, true, true) => "<span></span>",
            (true, false, true) => continue,
            (true, false, false) => line.trim_start(),
            _ => line,
        };
        if html {
            // Where this line leaves us: inside a `<pre>` or not.
            if let Some(open) = line.rfind("<pre") {
                in_pre = !line[open..].contains("</pre>");
            } else if line.contains("</pre>") {
                in_pre = false;
            }
        }
        if !first {
            out.push('\n');
            out.push_str(if is_blank && !html { blank } else { prefix });
        }
        out.push_str(line);
        first = false;
    }
    if html {
        out.push('\n');
        out.push_str(blank);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_default(text: &str) -> Scan {
        scan(text, &MarkdownOptions::default())
    }

    fn names(scan: &Scan) -> Vec<(&str, bool, bool)> {
        scan.inline
            .iter()
            .map(|d| (d.args.as_str(), d.in_code, d.escaped))
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
            SourceId::default(),
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
            block_output(html, "", true),
            "<dd>\n<pre><code>int main(void) {\n    return 0;\n<span></span>\n}\n</code></pre>\n<p>x</p>\n</dd>\n"
        );
    }

    #[test]
    fn block_output_keeps_html_inside_containers() {
        assert_eq!(
            block_output("<div>\n\n  <p>x</p>\n</div>", "> ", true),
            "<div>\n> <p>x</p>\n> </div>\n>"
        );
        assert_eq!(
            block_output("**A:** x\n\n*y*", "  ", false),
            "**A:** x\n\n  *y*"
        );
    }
}
