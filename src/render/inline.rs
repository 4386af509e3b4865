//! The one renderer for directive text: script lines, outcome labels,
//! checklist items and glossary definitions.
//!
//! Directive text is inline markdown, parsed with mdBook's own options. The
//! caller hands over trusted [`Fragment`]s (a term reference, a placeholder)
//! for byte ranges of the text. Those ranges are masked with plain letters
//! before parsing, so they are one run of text to the parser, and the
//! fragments are put back by byte offset while the events are turned into
//! output: nothing in band, so author text cannot forge a fragment.
//!
//! What the author wrote stays inert: raw HTML is shown as text, links and
//! images with a script-capable URL lose their URL, `{{#...}}` cannot reach
//! mdBook's `links` preprocessor, and a line that starts like a block
//! (`1.`, `#`, `>`) stays a line of text. Inside link text and image alt
//! text a fragment is its plain text (no link inside a link).

use super::escape;
use crate::markdown::ranges::within;
use mdbook_markdown::pulldown_cmark::{CowStr, Event, Tag, TagEnd, html};
use mdbook_markdown::{MarkdownOptions, new_cmark_parser};
use std::collections::VecDeque;
use std::ops::Range;

/// Trusted output standing in for a range of directive text.
#[derive(Debug, Clone)]
pub(crate) struct Fragment {
    /// The bytes of the text it replaces.
    pub(crate) range: Range<usize>,
    /// HTML, for running text.
    pub(crate) html: String,
    /// Plain text (unescaped), for link text, alt text and other renderers.
    pub(crate) plain: String,
    /// Markdown, for other renderers.
    pub(crate) markdown: String,
}

/// How relative URLs written in the text are rewritten for the page the
/// output lands on (glossary definitions are written relative to the src dir).
pub(crate) type Rebase<'a> = &'a dyn Fn(&str) -> String;

/// Renders `text` as phrasing HTML (no surrounding paragraph).
pub(crate) fn to_html(
    text: &str,
    fragments: &[Fragment],
    options: &MarkdownOptions,
    rebase: Option<Rebase>,
) -> String {
    if let Some(html) = plain_html(text, fragments, options) {
        return html;
    }
    let guard = block_start(text, fragments, options);
    unwrap_paragraph(render_html(text, fragments, options, rebase, guard))
}

/// Text that markdown leaves as it is, written without the parser: one line
/// that starts with a letter, of letters, digits, spaces and punctuation no
/// markdown rule (and no HTML escape) acts on, with fragments in it. An
/// apostrophe inside a word is the one smart punctuation makes (’). `None`
/// for anything else, which the parser renders. A test holds both ways
/// equal.
fn plain_html(text: &str, fragments: &[Fragment], options: &MarkdownOptions) -> Option<String> {
    let plain = if fragments.is_empty() {
        is_plain(text, options.smart_punctuation)
    } else {
        is_plain(&masked(text, fragments, None), options.smart_punctuation)
    };
    if !plain {
        return None;
    }
    // The only smart punctuation plain text can hold: an apostrophe, which
    // becomes a three-byte ’ (the spare bytes hold a few).
    let fragments_len = fragments.iter().map(|f| f.html.len()).sum::<usize>();
    let mut out = String::with_capacity(text.len() + fragments_len + 8);
    let push_text = |out: &mut String, text: &str| {
        for (i, part) in text.split('\'').enumerate() {
            if i > 0 {
                out.push('’');
            }
            out.push_str(part);
        }
    };
    let mut at = 0;
    for f in fragments {
        push_text(&mut out, &text[at..f.range.start]);
        out.push_str(&f.html);
        at = f.range.end;
    }
    push_text(&mut out, &text[at..]);
    Some(out)
}

/// Whether markdown leaves `source` as it is (see [`plain_html`]); with
/// `smart` punctuation an apostrophe inside a word may be in it too. It
/// starts with a letter or `(` (no block starts so), and a line break in it
/// is a soft one: no space before it, a letter after it (a continued script
/// line), which starts no block either.
pub(crate) fn is_plain(source: &str, smart: bool) -> bool {
    let bytes = source.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    if last == b' ' {
        return false;
    }
    // `--` and `...` are smart punctuation.
    let doubled = |i: usize, b: u8| matches!(b, b'-' | b'.') && bytes.get(i + 1) == Some(&b);
    if source.is_ascii() {
        if !(first.is_ascii_alphabetic() || first == b'(') {
            return false;
        }
        /// Letters, digits and the punctuation markdown leaves alone (`-`
        /// and `.` only when not doubled: checked apart).
        const PLAIN: [bool; 256] = escape::byte_set(
            b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,;:?()/%+@=#",
        );
        let word = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_alphanumeric);
        // One pass; the first byte is a letter or `(`, so every other byte
        // has one before it.
        return bytes.iter().enumerate().all(|(i, &b)| {
            PLAIN[usize::from(b)]
                || match b {
                    b'-' | b'.' => bytes.get(i + 1) != Some(&b),
                    b'\'' => smart && word(i - 1) && word(i + 1),
                    b'\n' => {
                        bytes[i - 1] != b' '
                            && bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic)
                    }
                    _ => false,
                }
        });
    }
    if (0..bytes.len()).any(|i| doubled(i, bytes[i])) {
        return false;
    }
    let chars: Vec<char> = source.chars().collect();
    if !(chars[0].is_alphabetic() || chars[0] == '(') {
        return false;
    }
    let word = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric());
    chars.iter().enumerate().all(|(i, c)| {
        c.is_alphanumeric()
            || " ,;:?()/%+@=#.-".contains(*c)
            || (*c == '\'' && smart && i > 0 && word(chars.get(i - 1)) && word(chars.get(i + 1)))
            || (*c == '\n'
                && i > 0
                && chars[i - 1] != ' '
                && chars.get(i + 1).is_some_and(|c| c.is_alphabetic()))
    })
}

/// A lone paragraph's content; anything else as it is.
fn unwrap_paragraph(html: String) -> String {
    match html
        .strip_prefix("<p>")
        .and_then(|h| h.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => html,
    }
}

/// Renders `text` as HTML blocks (paragraphs, lists): a whole definition.
/// A definition of one paragraph is its content, as [`to_html`] gives it.
pub(crate) fn to_html_blocks(
    text: &str,
    fragments: &[Fragment],
    options: &MarkdownOptions,
    rebase: Option<Rebase>,
) -> String {
    unwrap_paragraph(render_html(text, fragments, options, rebase, None))
}

/// `text` with every fragment range masked by letters, and a backslash at
/// `guard` (which keeps the text from starting a block).
fn masked(text: &str, fragments: &[Fragment], guard: Option<usize>) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for f in fragments {
        bytes[f.range.clone()].fill(b'x');
    }
    if let Some(at) = guard {
        bytes.insert(at, b'\\');
    }
    // Only whole characters were replaced by ASCII.
    String::from_utf8(bytes).unwrap_or_default()
}

fn render_html(
    text: &str,
    fragments: &[Fragment],
    options: &MarkdownOptions,
    rebase: Option<Rebase>,
    guard: Option<usize>,
) -> String {
    let source = masked(text, fragments, guard);
    // Masked offset → text offset.
    let unshift = |o: usize| match guard {
        Some(at) if o > at => o - 1,
        _ => o,
    };
    // The parser's events, turned into what is written, streamed to the
    // HTML writer: one parser event gives a few, held here until written.
    let mut pending: VecDeque<Event> = VecDeque::new();
    // Per open link or image: whether its tags are kept (a safe URL).
    let mut kept: Vec<bool> = Vec::new();
    let mut parser = new_cmark_parser(&source, options).into_offset_iter();
    let events = std::iter::from_fn(|| {
        loop {
            if let Some(event) = pending.pop_front() {
                return Some(event);
            }
            let (event, range) = parser.next()?;
            let in_link = !kept.is_empty();
            match event {
                Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                    let kept_tag = safe_link(tag, rebase);
                    kept.push(kept_tag.is_some());
                    pending.extend(kept_tag.map(Event::Start));
                }
                Event::End(end @ (TagEnd::Link | TagEnd::Image)) => {
                    if kept.pop().unwrap_or(false) {
                        pending.push_back(Event::End(end));
                    }
                }
                Event::Text(t) => {
                    let at = unshift(range.start)..unshift(range.end);
                    push_text(&mut pending, t, &source[range], at, fragments, in_link);
                }
                Event::Html(raw) | Event::InlineHtml(raw) => pending.push_back(Event::Text(raw)),
                other => pending.push_back(other),
            }
        }
    });
    let mut out = String::with_capacity(text.len() + 32);
    html::push_html(&mut out, events);
    let out = out.trim_end();
    // `{{#` must not reach mdBook's `links` (code spans included).
    if out.contains('{') {
        out.replace('{', "&#123;")
    } else {
        out.to_string()
    }
}

/// Pushes a text event, with the fragments it covers put back in place.
/// `written` is the masked source of the event, `at` its range in the text.
fn push_text<'e>(
    events: &mut VecDeque<Event<'e>>,
    text: CowStr<'e>,
    written: &str,
    at: Range<usize>,
    fragments: &[Fragment],
    in_link: bool,
) {
    // Fragments are sorted and do not overlap: the ones this event covers
    // are found by halving, not by a pass over all of them.
    let first = fragments.partition_point(|f| f.range.end <= at.start);
    let last = first + fragments[first..].partition_point(|f| f.range.start < at.end);
    let inside = &fragments[first..last];
    if inside.is_empty() {
        events.push_back(Event::Text(text));
        return;
    }
    let fragment = |events: &mut VecDeque<Event<'e>>, f: &Fragment| {
        if in_link {
            events.push_back(Event::Text(f.plain.clone().into()));
        } else {
            events.push_back(Event::InlineHtml(f.html.clone().into()));
        }
    };
    // The parser keeps a run of letters as written, so offsets map exactly.
    if *text != *written || written.len() != at.len() {
        events.push_back(Event::Text(text));
        for f in inside {
            fragment(events, f);
        }
        return;
    }
    let mut pos = at.start;
    for f in inside {
        let start = f.range.start.max(at.start);
        if start > pos {
            events.push_back(Event::Text(
                written[pos - at.start..start - at.start].to_string().into(),
            ));
        }
        if f.range.start >= at.start {
            fragment(events, f);
        }
        pos = f.range.end.min(at.end);
    }
    if pos < at.end {
        events.push_back(Event::Text(written[pos - at.start..].to_string().into()));
    }
}

/// A link or image with its URL rebased, or `None` when the URL could run
/// script (the tag is dropped and its text stays).
fn safe_link<'e>(tag: Tag<'e>, rebase: Option<Rebase>) -> Option<Tag<'e>> {
    let rebased = |url: CowStr<'e>| match rebase {
        Some(rebase) => CowStr::from(rebase(&url)),
        None => url,
    };
    match tag {
        Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        } if escape::is_safe_url(&dest_url) => Some(Tag::Link {
            link_type,
            dest_url: rebased(dest_url),
            title,
            id,
        }),
        Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        } if escape::is_safe_url(&dest_url) => Some(Tag::Image {
            link_type,
            dest_url: rebased(dest_url),
            title,
            id,
        }),
        _ => None,
    }
}

/// Where to put a backslash so that the text does not start a block other
/// than a paragraph (`1. `, `# `, `> `, `- `): before the punctuation that
/// opens it.
fn block_start(text: &str, fragments: &[Fragment], options: &MarkdownOptions) -> Option<usize> {
    // One line that starts with a letter is a paragraph: every other block
    // starts with a mark, or needs a second line (tables, setext headings,
    // definition lists). Most directive text is such a line.
    let lead = text.len() - text.trim_start_matches(' ').len();
    if lead < 4
        && !text.contains(['\n', '\r'])
        && text[lead..].chars().next().is_some_and(char::is_alphabetic)
    {
        return None;
    }
    let source = masked(text, fragments, None);
    let first = new_cmark_parser(&source, options).next();
    // No events at all for non-blank text: a link reference definition.
    match first {
        Some(Event::Start(Tag::Paragraph)) => return None,
        None if source.trim().is_empty() => return None,
        _ => {}
    }
    let lead = source.len() - source.trim_start().len();
    let at = lead
        + source[lead..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
    source
        .as_bytes()
        .get(at)
        .is_some_and(u8::is_ascii_punctuation)
        .then_some(at)
}

/// Renders `text` as markdown for renderers other than HTML: the author's
/// formatting stays, fragments become their markdown, raw HTML is shown as
/// text, links with a script-capable URL become their text, and `{{#` is
/// escaped so mdBook's `links` shows it instead of expanding it.
pub(crate) fn to_markdown(text: &str, fragments: &[Fragment], options: &MarkdownOptions) -> String {
    let source = masked(text, fragments, None);
    // Raw HTML and links with an unsafe URL: each range as a whole, as
    // escaped text (what is inside it goes with it).
    let mut wholes: Vec<(Range<usize>, String)> = Vec::new();
    // An unsafe link: its range, and the plain text collected so far.
    let mut unsafe_link: Option<(Range<usize>, String, usize)> = None;
    for (event, range) in new_cmark_parser(&source, options).into_offset_iter() {
        if let Some((_, plain, depth)) = &mut unsafe_link {
            match &event {
                Event::Start(Tag::Link { .. } | Tag::Image { .. }) => *depth += 1,
                Event::End(TagEnd::Link | TagEnd::Image) if *depth > 0 => *depth -= 1,
                Event::End(TagEnd::Link | TagEnd::Image) => {
                    let (whole, plain, _) = unsafe_link.take().unwrap_or_default();
                    wholes.push((whole, escape::markdown(&plain)));
                }
                Event::Text(t) | Event::Code(t) => {
                    let f = fragments
                        .binary_search_by_key(&range.start, |f| f.range.start)
                        .ok()
                        .map(|i| &fragments[i]);
                    match f {
                        Some(f) if source[range.clone()].bytes().all(|b| b == b'x') => {
                            plain.push_str(&f.plain)
                        }
                        _ => plain.push_str(t),
                    }
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if !escape::is_safe_url(&dest_url) =>
            {
                unsafe_link = Some((range, String::new(), 0));
            }
            // Raw HTML becomes literal text; it may hold what would be a
            // link or a directive once it is no longer HTML.
            Event::Html(_) | Event::InlineHtml(_) => {
                wholes.push((range.clone(), escape::markdown(&text[range])));
            }
            _ => {}
        }
    }
    // The wholes come in order and do not overlap; a fragment inside one
    // goes with it.
    let mut edits: Vec<(Range<usize>, String)> = fragments
        .iter()
        .filter(|f| !within(&wholes, &f.range, |(r, _)| r))
        .map(|f| (f.range.clone(), f.markdown.clone()))
        .collect();
    edits.extend(wholes);
    edits.sort_by_key(|(range, _)| range.start);
    // `{{#` outside the edits, not already escaped.
    let mut escapes = Vec::new();
    for (i, _) in source.match_indices("{{#") {
        let escaped = i > 0 && source.as_bytes()[i - 1] == b'\\';
        if !escaped && !within(&edits, &(i..i + 1), |(r, _)| r) {
            escapes.push((i..i, "\\".to_string()));
        }
    }
    edits.extend(escapes);
    crate::markdown::splice(text, edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Where the plain-text path applies, it gives what the parser gives.
        #[test]
        fn plain_text_is_written_as_the_parser_writes_it(
            text in "[aZé1 ,;:?()/%+@=#.'\\-x*_<&\n]{1,14}",
            smart in proptest::bool::ANY,
            fragment in proptest::bool::ANY,
        ) {
            let mut options = MarkdownOptions::default();
            options.smart_punctuation = smart;
            let fragments: Vec<Fragment> = match text.find('x') {
                Some(at) if fragment => vec![frag(&text[..at + 1], "x", "<b>F</b>")]
                    .into_iter()
                    .map(|f| Fragment { range: at..at + 1, ..f })
                    .collect(),
                _ => Vec::new(),
            };
            if let Some(fast) = plain_html(&text, &fragments, &options) {
                let guard = block_start(&text, &fragments, &options);
                let slow = unwrap_paragraph(render_html(&text, &fragments, &options, None, guard));
                proptest::prop_assert_eq!(fast, slow);
            }
        }
    }

    #[test]
    fn doubled_dashes_and_dots_are_left_to_the_parser() {
        // Smart punctuation makes `--` a dash and `...` an ellipsis.
        for text in ["a--b", "Wait...", "a b--", "x..y"] {
            assert!(!is_plain(text, true), "{text}");
        }
        for text in ["a-b.c", "one - two. Three", "it's"] {
            assert!(is_plain(text, true), "{text}");
        }
        assert!(!is_plain("it's", false));
    }

    #[test]
    fn a_direction_and_a_continued_line_are_plain_as_the_parser_writes_them() {
        let options = MarkdownOptions::default();
        for text in [
            "(Alex glances at the clock.)",
            "I'd value\nyour view",
            "a\nb\nc",
            "(\na",
        ] {
            let fast = plain_html(text, &[], &options).unwrap_or_else(|| panic!("{text}"));
            let guard = block_start(text, &[], &options);
            assert_eq!(
                fast,
                unwrap_paragraph(render_html(text, &[], &options, None, guard))
            );
        }
        // A hard break, an indented or block-like next line: the parser's.
        for text in ["a  \nb", "a \nb", "a\n b", "a\n#b", "a\n1. b", "a\n"] {
            assert!(!is_plain(text, true), "{text:?}");
        }
    }

    fn frag(text: &str, needle: &str, html: &str) -> Fragment {
        let start = text.find(needle).unwrap();
        Fragment {
            range: start..start + needle.len(),
            html: html.to_string(),
            plain: "PLAIN".to_string(),
            markdown: "MD".to_string(),
        }
    }

    fn html(text: &str, fragments: &[Fragment]) -> String {
        to_html(text, fragments, &MarkdownOptions::default(), None)
    }

    #[test]
    fn renders_inline_markdown_without_a_paragraph() {
        assert_eq!(html("a *b* `c`", &[]), "a <em>b</em> <code>c</code>");
    }

    #[test]
    fn raw_html_and_directives_stay_inert() {
        assert_eq!(
            html("<script>x</script> {{#include /etc/passwd}}", &[]),
            "&lt;script&gt;x&lt;/script&gt; &#123;&#123;#include /etc/passwd}}"
        );
        let out = html("[a](javascript:alert(1)) ![b](JAVASCRIPT:x)", &[]);
        assert!(!out.to_lowercase().contains("javascript"), "{out}");
        assert!(out.contains('a') && out.contains('b'), "{out}");
    }

    #[test]
    fn fragments_go_back_by_offset_and_cannot_be_forged() {
        let text = "see {{#term rtos}} and \u{E000}0\u{E001} here";
        let f = frag(text, "{{#term rtos}}", "<a>RTOS</a>");
        assert_eq!(
            html(text, &[f]),
            "see <a>RTOS</a> and \u{E000}0\u{E001} here"
        );
    }

    #[test]
    fn a_fragment_in_link_text_is_plain_and_emphasis_around_it_works() {
        let text = "[go {{#term x}}](a.html) *{{#term x}}*";
        let first = frag(text, "{{#term x}}", "<a>T</a>");
        let second_at = text.rfind("{{#term x}}").unwrap();
        let second = Fragment {
            range: second_at..second_at + 11,
            ..first.clone()
        };
        assert_eq!(
            html(text, &[first, second]),
            "<a href=\"a.html\">go PLAIN</a> <em><a>T</a></em>"
        );
    }

    #[test]
    fn a_line_that_starts_like_a_block_stays_a_line() {
        assert_eq!(html("1. first", &[]), "1. first");
        assert_eq!(html("# not a heading", &[]), "# not a heading");
        assert_eq!(html("> quote", &[]), "&gt; quote");
        assert_eq!(html("- dash", &[]), "- dash");
        let text = "2) {{#term x}} next";
        let f = frag(text, "{{#term x}}", "<b>T</b>");
        assert_eq!(html(text, &[f]), "2) <b>T</b> next");
    }

    #[test]
    fn relative_urls_are_rebased() {
        let rebase = |u: &str| format!("../{u}");
        let out = to_html(
            "[a](b.html) ![i](img.png)",
            &[],
            &MarkdownOptions::default(),
            Some(&rebase),
        );
        assert_eq!(
            out,
            "<a href=\"../b.html\">a</a> <img src=\"../img.png\" alt=\"i\" />"
        );
    }

    /// A line that starts with `<script>` is an HTML block to the parser:
    /// what it holds must not come alive once it is shown as text.
    #[test]
    fn markdown_of_an_html_block_is_literal_text() {
        let text = "<script>x</script> [a](javascript:x) {{#include /etc/passwd}}";
        let out = to_markdown(text, &[], &MarkdownOptions::default());
        assert_eq!(
            out,
            r"\<script\>x\</script\> \[a\]\(javascript:x\) \{\{\#include /etc/passwd\}\}"
        );
    }

    #[test]
    fn markdown_keeps_formatting_and_neutralises_the_rest() {
        let text = "*a* {{#term x}} <img src=x onerror=alert(1)> [l](javascript:x) {{#include f}}";
        let f = frag(text, "{{#term x}}", "");
        let out = to_markdown(text, &[f], &MarkdownOptions::default());
        assert_eq!(
            out,
            r"*a* MD \<img src=x onerror=alert\(1\)\> l \{{#include f}}"
        );
    }
}
