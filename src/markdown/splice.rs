//! Splicing output into a chapter: every byte outside the replaced ranges
//! passes through unchanged.

use std::ops::Range;

/// What a line continuing the block at `offset` needs in front to stay in the
/// same list items and block quotes: the line's text before `offset`, with
/// `>` and tabs kept and everything else blanked.
pub(crate) fn line_prefix(text: &str, offset: usize) -> String {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..offset]
        .chars()
        .map(|c| if c == '>' || c == '\t' { c } else { ' ' })
        .collect()
}

/// Builds the output: `text` with each range replaced, in one forward pass.
/// Ranges must not overlap.
pub(crate) fn splice(text: &str, edits: Vec<(Range<usize>, String)>) -> String {
    let mut out = String::with_capacity(spliced_len(text, &edits));
    for_each_piece(text, edits, |piece| out.push_str(piece));
    out
}

/// The length of `text` once `edits` are spliced in, at most (it counts the
/// replaced ranges too): what a buffer for the output needs.
pub(crate) fn spliced_len(text: &str, edits: &[(Range<usize>, String)]) -> usize {
    text.len() + edits.iter().map(|e| e.1.len()).sum::<usize>()
}

/// Gives the output of [`splice`] to `f` piece by piece, in order: the text
/// between edits and each replacement. A writer that transforms the output
/// (the JSON back to mdBook escapes it) never needs it joined.
pub(crate) fn for_each_piece(
    text: &str,
    mut edits: Vec<(Range<usize>, String)>,
    mut f: impl FnMut(&str),
) {
    edits.sort_by_key(|(range, _)| range.start);
    let mut at = 0;
    for (range, replacement) in edits {
        debug_assert!(range.start >= at, "overlapping edits");
        f(&text[at..range.start]);
        f(&replacement);
        at = range.end;
    }
    f(&text[at..]);
}

/// Block output to replace `text[range]` (a fenced block): formatted for
/// the containers the block stands in ([`block_output`]); a block that ran
/// to the end of its last line (a fence left open at the end of a block
/// quote) keeps that line end, so the line after it stays its own.
pub(crate) fn block_in_place(
    content: String,
    text: &str,
    range: &Range<usize>,
    html: bool,
) -> String {
    let mut out = block_output(content, &line_prefix(text, range.start), html);
    if text[..range.end].ends_with('\n') {
        out.push('\n');
    }
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
pub(crate) fn block_output(content: String, prefix: &str, html: bool) -> String {
    // The handbook's own HTML, standing at the start of a line: nothing to
    // change but the blank line after it (no copy of a large block).
    let body = content.strip_suffix('\n').unwrap_or(&content);
    if html && prefix.is_empty() && is_flush(body) {
        let len = body.len();
        let mut out = content;
        out.truncate(len);
        out.push('\n');
        if out.capacity() > out.len() + out.len() / 4 {
            out.shrink_to_fit();
        }
        return out;
    }
    reformat(&content, prefix, html)
}

/// Whether every line of `body` starts with something other than
/// whitespace (so none is blank), none ends in `\r` and none opens a
/// `<pre>`: HTML that can stand as it is.
fn is_flush(body: &str) -> bool {
    let bytes = body.as_bytes();
    let starts_flush = |at: usize| match bytes.get(at) {
        None => false,
        Some(b) if b.is_ascii() => !b.is_ascii_whitespace() && *b != b'\x0b',
        Some(_) => !body[at..].starts_with(char::is_whitespace),
    };
    memchr::memchr(b'\r', bytes).is_none()
        && super::find_str(body, "<pre").is_none()
        && starts_flush(0)
        && memchr::memchr_iter(b'\n', bytes).all(|i| starts_flush(i + 1))
}

/// [`block_output`], line by line.
fn reformat(content: &str, prefix: &str, html: bool) -> String {
    let blank = prefix.trim_end();
    let mut out = String::with_capacity(content.len() + 16);
    let mut first = true;
    let mut in_pre = false;
    let has_pre = html && content.contains("<pre");
    for line in content.lines() {
        let is_blank = line.trim().is_empty();
        let line = match (html, in_pre, is_blank) {
            (true, true, true) => "<span></span>",
            (true, false, true) => continue,
            (true, false, false) => line.trim_start(),
            _ => line,
        };
        if has_pre {
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

    proptest::proptest! {
        /// The byte-wise check says what the line-wise one says.
        #[test]
        fn flush_html_is_found_byte_by_byte(body in "([ \t\r\x0b\u{a0}\u{2003}]?[<pre>a\n]{0,6}){0,6}") {
            let line_wise = !body.contains('\r')
                && !body.contains("<pre")
                && body
                    .split('\n')
                    .all(|line| !line.trim().is_empty() && line.trim_start().len() == line.len());
            proptest::prop_assert_eq!(is_flush(&body), line_wise);
        }
    }

    /// Where HTML needs no change, it is passed on as it is, with the same
    /// bytes as line by line.
    #[test]
    fn html_that_needs_no_change_is_not_copied() {
        for content in [
            "<div>\n<p>x</p>\n</div>",
            "<div>\n<p>x</p>\n</div>\n",
            "<div>\n\n<p>x</p>\n</div>",
            "<div>\n  <p>x</p>\n</div>",
            "<div>\n\u{3000}<p>x</p>\n</div>",
            "<div>\r\n<p>x</p></div>",
            "<pre>\n  x\n</pre>",
            "<p>x</p>\n\n",
            "",
        ] {
            for prefix in ["", "> ", "  "] {
                assert_eq!(
                    block_output(content.to_string(), prefix, true),
                    reformat(content, prefix, true),
                    "{content:?} {prefix:?}"
                );
            }
        }
    }
}
