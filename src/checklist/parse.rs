//! Reading a checklist block: its attributes, and its body into items, with
//! everything wrong with either reported at its place.

use super::{Attrs, Checklist, Item};
use crate::attrs;
use crate::diagnostics::{Diagnostics, closest};
use crate::markdown::{FencedBlock, Line, TermRef, find_inline};
use crate::pages::Page;
use foldhash::{HashMap, HashMapExt};
use mdbook_markdown::MarkdownOptions;
use mdbook_markdown::pulldown_cmark::Event;
use std::ops::Range;

/// Reads one checklist block. Every `{{#term}}` of its items (valid or not)
/// goes to `terms`. `None` when its attributes are unusable.
pub(super) fn block(
    page: &Page,
    block: &FencedBlock,
    terms: &mut Vec<TermRef>,
    diags: &mut Diagnostics,
) -> Option<Checklist> {
    let attrs = attrs::parse::<Attrs>(&block.attrs, block.attrs_offset, page.source, diags);
    let Body {
        mut items,
        problems,
        dropped,
    } = parse_body(&block.lines);
    for p in problems {
        let d = diags.error(page.span(p.range), p.message);
        d.help(p.help);
        if let Some(first) = p.first {
            d.note(page.span(first), "first used here");
        }
    }
    if block.lines.iter().all(|l| l.text.trim().is_empty()) {
        let text = diags.text(page.source);
        let fence_end = text[block.range.start..]
            .find('\n')
            .map_or(block.range.end, |i| block.range.start + i);
        diags
            .error(page.span(block.range.start..fence_end), "checklist has no items")
            .help("add items inside the block, one per line: `- [ ] text` (ticked by default: `- [x] text`)");
    }
    // Every item's references go to `terms`; a kept item keeps its own for
    // rendering.
    for item in &mut items {
        item.refs = TermRef::find_in(&item.text, item.offset, page.source, Some(page.index));
        terms.extend(item.refs.iter().map(|(_, r)| r.clone()));
    }
    terms.extend(
        dropped
            .iter()
            .flat_map(|(text, offset)| {
                TermRef::find_in(text, *offset, page.source, Some(page.index))
            })
            .map(|(_, r)| r),
    );
    let (attrs, spans) = attrs?;
    let id = attrs::require_id(attrs.id, &spans, page, block, diags)?;
    Some(Checklist {
        id,
        title: attrs.title.filter(|t| !t.trim().is_empty()),
        page: page.index,
        range: block.range.clone(),
        items,
    })
}

/// A problem found in a checklist's body, at a byte range of the chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Problem {
    range: Range<usize>,
    message: String,
    help: String,
    /// Where the first of two duplicates is.
    first: Option<Range<usize>>,
}

impl Problem {
    fn new(range: Range<usize>, message: impl Into<String>, help: impl Into<String>) -> Self {
        Problem {
            range,
            message: message.into(),
            help: help.into(),
            first: None,
        }
    }
}

/// A checklist's body, parsed.
#[derive(Debug, Default)]
struct Body {
    /// The valid items.
    items: Vec<Item>,
    /// Everything wrong.
    problems: Vec<Problem>,
    /// The text and offset of every non-empty item that is not kept (it
    /// was reported): its `{{#term}}`s still count.
    dropped: Vec<(String, usize)>,
}

/// Parses a checklist's body into items, and everything wrong with it.
fn parse_body(lines: &[Line]) -> Body {
    let mut items: Vec<Item> = Vec::new();
    let mut problems = Vec::new();
    let mut dropped = Vec::new();
    // Indentation of the first item, and the step the first nested item sets.
    let mut base: Option<usize> = None;
    let mut step: Option<usize> = None;
    // Depth of the previous item, and whether the previous line was one.
    let mut previous: Option<usize> = None;
    let mut after_item = false;
    // Item id -> where it was first given.
    let mut seen: HashMap<String, Range<usize>> = HashMap::new();

    for line in lines {
        let text = line.text.as_str();
        if text.trim().is_empty() {
            continue;
        }
        let at = |i: usize| line.offset + i;
        let rest = text.trim_start();
        let lead = text.len() - rest.len();
        let rest = rest.trim_end();
        let indent_text = &text[..lead];
        if indent_text.contains('\t') {
            problems.push(Problem::new(
                at(0)..at(lead),
                "checklist items are indented with a tab",
                "indent with spaces (two per level)",
            ));
        }
        let Some(checked) = item_box(rest) else {
            problems.push(not_an_item(rest, at(lead), lead > 0 && after_item));
            after_item = false;
            continue;
        };
        after_item = true;
        let dash = at(lead)..at(lead + 1);

        // Nesting: one level at a time, by a consistent step.
        let indent = indent_text
            .chars()
            .map(|c| if c == '\t' { 4 } else { 1 })
            .sum::<usize>();
        let base = *base.get_or_insert(indent);
        let mut depth = if indent < base {
            problems.push(Problem::new(
                dash.clone(),
                format!("item is indented less than the first item ({indent} spaces, not {base})"),
                format!("indent top-level items by {base} spaces, like the first item"),
            ));
            0
        } else if indent == base {
            0
        } else {
            let relative = indent - base;
            match step {
                Some(step) if !relative.is_multiple_of(step) => {
                    let depth = ((relative + step / 2) / step).max(1);
                    problems.push(Problem::new(
                        dash.clone(),
                        format!("inconsistent indentation: {relative} spaces, but this checklist nests by {step}"),
                        format!("indent it by {} spaces (a multiple of {step})", base + depth * step),
                    ));
                    depth
                }
                Some(step) => relative / step,
                // The first nested item sets the step: 2 to 4 spaces.
                None if (2..=4).contains(&relative) => {
                    step = Some(relative);
                    1
                }
                None => {
                    let parent = items
                        .last()
                        .map_or(String::new(), |p| format!(" to nest it under `{}`", p.text));
                    let message = if relative < 2 {
                        "nested items are indented by 2 to 4 spaces"
                    } else {
                        "item is indented more than one level below the item above"
                    };
                    problems.push(Problem::new(
                        dash.clone(),
                        message,
                        format!("indent it by {} spaces{parent}", base + 2),
                    ));
                    1
                }
            }
        };
        let deepest = previous.map_or(0, |d| d + 1);
        if depth > deepest {
            let step = step.unwrap_or(2);
            let help = match items.last() {
                Some(parent) if previous.is_some() => format!(
                    "indent it by {} spaces to nest it under `{}`",
                    base + deepest * step,
                    parent.text
                ),
                _ => format!("indent it by {base} spaces"),
            };
            problems.push(Problem::new(
                dash.clone(),
                "item is indented more than one level below the item above",
                help,
            ));
            depth = deepest;
        }
        previous = Some(depth);

        // The text, and the explicit id after it.
        let body = &rest[5..];
        let body_at = lead + 5 + (body.len() - body.trim_start().len());
        let body = body.trim();
        let (item_text, explicit) = split_id(body);
        if item_text.is_empty() {
            problems.push(Problem::new(
                dash.start..at(lead + 5),
                "empty checklist item",
                "write what to do after the box, or delete the line",
            ));
            continue;
        }
        let text_range = at(body_at)..at(body_at + item_text.len());
        // Dropped unless it passes every check below.
        dropped.push((item_text.to_string(), text_range.start));
        problems.extend(check_directives(item_text, text_range.start));
        let (id, id_range) = match explicit {
            Some((id, start)) => {
                let range = at(body_at + start)..at(body_at + start + id.len() + 3);
                if !attrs::is_valid_id(id) {
                    let suggestion = attrs::slug(id);
                    let help = if attrs::is_valid_id(&suggestion) {
                        format!(
                            "use lowercase letters, digits and dashes, e.g. `{{#{suggestion}}}`"
                        )
                    } else {
                        "use lowercase letters, digits and dashes, e.g. `{#write-it-down}`"
                            .to_string()
                    };
                    problems.push(Problem::new(
                        range,
                        format!("`{{#{id}}}` is not a valid item id"),
                        help,
                    ));
                    continue;
                }
                (id.to_string(), range)
            }
            None => {
                let slug = attrs::slug(&plain_text(item_text));
                if slug.is_empty() {
                    problems.push(Problem::new(
                        text_range,
                        "this item's text gives it no id",
                        "add an id at the end of the line, e.g. `{#my-item}`",
                    ));
                    continue;
                }
                (slug, text_range.clone())
            }
        };
        if let Some(first) = seen.get(&id) {
            let help = if explicit.is_some() {
                "item ids are unique in a checklist: give one of them another `{#id}`".to_string()
            } else {
                format!(
                    "item ids come from the text unless given; end one of them with an id of its own, e.g. `{{#{id}-2}}`"
                )
            };
            problems.push(Problem {
                range: id_range,
                message: format!("two items in this checklist have the id `{id}`"),
                help,
                first: Some(first.clone()),
            });
            continue;
        }
        seen.insert(id.clone(), id_range);
        let (text, _) = dropped.pop().expect("this item's text");
        items.push(Item {
            id,
            text,
            offset: text_range.start,
            checked,
            depth,
            refs: Vec::new(),
        });
    }
    Body {
        items,
        problems,
        dropped,
    }
}

/// `Some(ticked)` when `line` (no indentation) starts with a box: `- [ ]`,
/// `- [x]` or `- [X]`, then a space or nothing.
fn item_box(line: &str) -> Option<bool> {
    let b = line.as_bytes();
    if b.len() < 5
        || &b[..3] != b"- ["
        || b[4] != b']'
        || b.get(5).is_some_and(|c| !c.is_ascii_whitespace())
    {
        return None;
    }
    match b[3] {
        b' ' => Some(false),
        b'x' | b'X' => Some(true),
        _ => None,
    }
}

/// Splits a trailing `{#item-id}` off an item's text: the text, and the id
/// with its byte offset (of the `{`) in `body`. `{{#term x}}` and `\{#x}` are
/// text, not ids.
fn split_id(body: &str) -> (&str, Option<(&str, usize)>) {
    let Some(open) = body.rfind("{#") else {
        return (body, None);
    };
    let before = &body[..open];
    let inner = &body[open + 2..];
    let is_id = inner.ends_with('}')
        && !inner[..inner.len() - 1].contains(['{', '}'])
        && !before.ends_with(['{', '\\']);
    if !is_id {
        return (body, None);
    }
    (before.trim_end(), Some((&inner[..inner.len() - 1], open)))
}

/// The text a reader sees, for slugs: markdown syntax dropped, `{{#term KEY}}`
/// as KEY (stable when the glossary's wording changes), `{{#term KEY|shown}}`
/// as its shown text.
fn plain_text(text: &str) -> String {
    let edits = find_inline(text, 0)
        .0
        .into_iter()
        .filter(|d| d.name == "term" && !d.escaped)
        .map(|d| {
            let shown = match d.args.split_once('|') {
                Some((_, shown)) if !shown.trim().is_empty() => shown.trim().to_string(),
                Some((key, _)) => key.trim().to_string(),
                None => d.args.clone(),
            };
            (d.range, shown)
        })
        .collect();
    let text = crate::markdown::splice(text, edits);
    // Text markdown leaves as it is (apostrophes aside, which a slug drops
    // either way) is its own plain text.
    if crate::render::inline::is_plain(&text, true) {
        return text;
    }
    parsed_text(&text)
}

/// The text events of `text` parsed as markdown.
fn parsed_text(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    for event in mdbook_markdown::new_cmark_parser(text, &MarkdownOptions::default()) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                plain.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak => plain.push(' '),
            _ => {}
        }
    }
    plain
}

/// Directives inside an item (its text at byte `base`): only `{{#term}}`
/// works; anything else, or an unclosed `{{#`, is a problem.
fn check_directives(text: &str, base: usize) -> Vec<Problem> {
    let (found, unclosed) = find_inline(text, base);
    let mut problems: Vec<Problem> = unclosed
        .into_iter()
        .map(|u| {
            Problem::new(
                u.range,
                format!("`{{{{#{}` is never closed", u.name),
                "close the directive with `}}` on the same line",
            )
        })
        .collect();
    for d in found.into_iter().filter(|d| !d.escaped && d.name != "term") {
        let help = match closest(&d.name, ["term"]) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "only `{{{{#term KEY}}}}` works in a checklist item; write `\\{{{{#{}}}}}` to show it literally",
                d.name
            ),
        };
        problems.push(Problem::new(
            d.range,
            format!("`{{{{#{}}}}}` cannot be used in a checklist item", d.name),
            help,
        ));
    }
    problems
}

/// Explains why a line (no indentation, at byte `at`) is not an item, with
/// the line as it should be written.
fn not_an_item(line: &str, at: usize, continuation: bool) -> Problem {
    let range = at..at + line.len();
    // Read it as leniently as possible: a bullet, a box, the text.
    let (bullet, after) = match line.chars().next() {
        Some(c @ ('-' | '*' | '+')) => (Some(c.to_string()), &line[1..]),
        _ => {
            let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            match line[digits..].chars().next() {
                Some('.' | ')') if digits > 0 => {
                    (Some(line[..=digits].to_string()), &line[digits + 1..])
                }
                _ => (None, line),
            }
        }
    };
    let after_bullet = after.trim_start();
    let mark = after_bullet.strip_prefix('[').and_then(|s| {
        s.find(']')
            .filter(|&i| s[..i].chars().count() <= 3)
            .map(|i| (&s[..i], &s[i + 1..]))
    });
    let (mark, text) = match mark {
        Some((mark, text)) => (Some(mark), text.trim()),
        None => (None, after_bullet.trim()),
    };
    let ticked = mark.is_some_and(|m| {
        matches!(
            m.trim(),
            "x" | "X" | "v" | "V" | "*" | "✓" | "✔" | "✗" | "×"
        )
    });
    let fixed = format!(
        "- [{}] {}",
        if ticked { 'x' } else { ' ' },
        if text.is_empty() { "what to do" } else { text }
    );
    let help = format!("write it as `{fixed}`");
    match (bullet.as_deref(), mark) {
        (None, None) if continuation => Problem::new(
            range,
            "not a checklist item: an item is one line",
            "join this text to the line of the item above",
        ),
        (None, None) => Problem::new(
            range,
            "not a checklist item",
            "a checklist holds only items, `- [ ] text` or `- [x] text`; put other text outside the block",
        ),
        (None, Some(_)) => Problem::new(
            range,
            "not a checklist item: it has no `-` before the box",
            help,
        ),
        (Some(_), None) => Problem::new(range, "not a checklist item: it has no box", help),
        (Some(b), Some(_)) if b != "-" => Problem::new(
            range,
            format!("not a checklist item: items start with `-`, not `{b}`"),
            help,
        ),
        (Some(_), Some(m)) if !matches!(m, " " | "x" | "X") => Problem::new(
            range,
            format!("not a checklist item: `[{m}]` is not a box; use `[ ]` or `[x]`"),
            help,
        ),
        (Some(_), Some(_)) => Problem::new(
            range,
            "not a checklist item: the box needs a space on each side",
            help,
        ),
    }
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
