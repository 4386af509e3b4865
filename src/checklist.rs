//! Checklist blocks: validated, interactive checklists, and the
//! `{{#checklists}}` page that collects them.
//!
//! ````text
//! ```checklist id="before-the-meeting" title="Before the meeting"
//! - [ ] Research their recent projects
//! - [x] Prepare one specific {{#term rtos}} question {#rtos-question}
//!   - [ ] Write it down
//! ```
//! ````
//!
//! Every non-blank line is an item, `- [ ] text` or `- [x] text`; blank lines
//! are ignored. Items nest by indentation, one level at a time, by the
//! indentation the first nested item sets. An item's id is its trailing
//! `{#item-id}` or else a slug of its plain text (`{{#term KEY}}` counts as
//! KEY, `{{#term KEY|shown}}` as its shown text); the reader's ticks are
//! saved under checklist id + item id, so they survive rebuilds and
//! reordering.
//!
//! Validates: attributes (`id` required, unique book-wide, checked in
//! `lib.rs`); lines that are not items (with the corrected line as help);
//! empty items; indentation (tabs, inconsistent steps, skipped levels);
//! explicit item ids; items whose text gives no id; two items with the same
//! id in one checklist; a checklist without items; directives other than
//! `{{#term}}` inside an item. Term keys are checked by the glossary.

use crate::attrs::{self, Id};
use crate::diagnostics::{Diagnostics, closest};
use crate::markdown::{Line, TermRef, find_inline};
use crate::pages::Page;
use crate::render::{Format, RenderCx, Template};
use mdbook_markdown::MarkdownOptions;
use mdbook_markdown::pulldown_cmark::Event;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::ops::Range;

/// The info-string word that opens a checklist block.
pub const KIND: &str = "checklist";

/// Templates this module renders with: one checklist, its (recursive) item
/// list, and the `{{#checklists}}` page.
pub const TEMPLATES: &[Template] = &[
    ("checklist", include_str!("../templates/checklist.hbs")),
    (
        "checklist-items",
        include_str!("../templates/checklist-items.hbs"),
    ),
    ("checklists", include_str!("../templates/checklists.hbs")),
];

/// Styles for checklists.
pub const CSS: &str = include_str!("../assets/checklist.css");

/// Behaviour for checklists: saved ticks, progress, reset, copy as markdown.
pub const JS: &str = include_str!("../assets/checklist.js");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Attrs {
    id: Option<String>,
    title: Option<String>,
}

/// A parsed checklist block: its valid items, in source order.
#[derive(Debug)]
pub struct Checklist {
    /// Its id, unique book-wide.
    pub id: Id,
    /// Its title, if any.
    pub title: Option<String>,
    /// The chapter it is in.
    pub page: usize,
    /// Its index among the chapter's fenced blocks.
    pub block: usize,
    items: Vec<Item>,
    terms: Vec<TermRef>,
}

impl Checklist {
    /// Every `{{#term}}` reference in its items, for the glossary to check.
    pub fn terms(&self) -> &[TermRef] {
        &self.terms
    }
}

/// One item, in source order.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Item {
    /// Explicit `{#id}` or the slug of its text; unique in its checklist.
    id: String,
    /// The text, markdown with `{{#term}}`s, without the box and the id.
    text: String,
    /// Byte offset of `text` in the chapter.
    offset: usize,
    /// Ticked by default (`[x]`).
    checked: bool,
    /// 0 for a top-level item.
    depth: usize,
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

/// Parses every checklist block in the book, reporting every problem.
/// Checklists with problems in their attributes are left out; their items
/// are still checked.
pub fn collect(pages: &[Page], diags: &mut Diagnostics) -> Vec<Checklist> {
    let mut checklists = Vec::new();
    for page in pages {
        for (block_index, block) in page.scan.fenced.iter().enumerate() {
            if block.kind != KIND {
                continue;
            }
            let attrs = attrs::parse::<Attrs>(&block.attrs, block.attrs_offset, page.source, diags);
            let Body {
                items,
                problems,
                texts,
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
            let terms = texts
                .iter()
                .flat_map(|(text, offset)| {
                    TermRef::find_in(text, *offset, page.source, Some(page.index))
                })
                .map(|(_, r)| r)
                .collect();
            let Some(attrs) = attrs else { continue };
            let Some(id) = attrs::require_id(attrs.id, page, block, diags) else {
                continue;
            };
            checklists.push(Checklist {
                id,
                title: attrs.title.filter(|t| !t.trim().is_empty()),
                page: page.index,
                block: block_index,
                items,
                terms,
            });
        }
    }
    checklists
}

/// A checklist's body, parsed.
#[derive(Debug, Default)]
struct Body {
    /// The valid items.
    items: Vec<Item>,
    /// Everything wrong.
    problems: Vec<Problem>,
    /// The text and offset of every non-empty item, valid or not: where
    /// `{{#term}}`s are.
    texts: Vec<(String, usize)>,
}

/// Parses a checklist's body into items, and everything wrong with it.
fn parse_body(lines: &[Line]) -> Body {
    let mut items: Vec<Item> = Vec::new();
    let mut problems = Vec::new();
    let mut texts = Vec::new();
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
        texts.push((item_text.to_string(), text_range.start));
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
        items.push(Item {
            id,
            text: item_text.to_string(),
            offset: text_range.start,
            checked,
            depth,
        });
    }
    Body {
        items,
        problems,
        texts,
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
    let mut plain = String::with_capacity(text.len());
    for event in mdbook_markdown::new_cmark_parser(&text, &MarkdownOptions::default()) {
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

/// Renders a checklist where it stands: interactive HTML, or a markdown
/// task list for other renderers.
pub fn render(checklist: &Checklist, cx: &RenderCx) -> Result<String, String> {
    match cx.format {
        Format::Html => render_html(checklist, None, cx),
        Format::Markdown => Ok(format!(
            "\n{}\n",
            markdown(checklist, checklist.title.as_deref(), cx)
        )),
    }
}

/// One item for the templates, with its nested items.
#[derive(Serialize)]
struct ItemData {
    id: String,
    /// The checkbox's HTML id, unique on the page.
    dom_id: String,
    checked: bool,
    /// The label: rendered, trusted HTML.
    html: String,
    children: Vec<ItemData>,
}

/// Renders one checklist as HTML. `link` is set for the copy on the
/// `{{#checklists}}` page: its title links back to the original, and its
/// element ids differ from the original's (both may be on one page).
fn render_html(c: &Checklist, link: Option<String>, cx: &RenderCx) -> Result<String, String> {
    // Ids cannot contain `--`, so these never clash with each other, or
    // with a checklist's or a script's anchor.
    let key = match link {
        None => c.id.name.clone(),
        Some(_) => format!("all--{}", c.id.name),
    };
    let data = |item: &Item| ItemData {
        id: item.id.clone(),
        dom_id: format!("handbook-item--{key}--{}", item.id),
        checked: item.checked,
        html: cx.inline(&item.text, item.offset),
        children: Vec::new(),
    };
    let roots = tree(&c.items, &mut 0, 0, &data);
    let title = c
        .title
        .clone()
        .or_else(|| link.as_ref().map(|_| c.id.name.clone()));
    cx.template(
        "checklist",
        &serde_json::json!({
            "id": c.id.name,
            "anchor": link.is_none().then(|| anchor(&c.id.name)),
            "title": title,
            "title_id": format!("handbook-title--{key}"),
            "link": link,
            "items": roots,
        }),
    )
}

/// The items from `items[*next]` on that are at `depth` or deeper, as a
/// tree: each item holds the deeper items that follow it.
fn tree(
    items: &[Item],
    next: &mut usize,
    depth: usize,
    data: &dyn Fn(&Item) -> ItemData,
) -> Vec<ItemData> {
    let mut level = Vec::new();
    while let Some(item) = items.get(*next).filter(|i| i.depth >= depth) {
        *next += 1;
        let mut node = data(item);
        node.children = tree(items, next, depth + 1, data);
        level.push(node);
    }
    level
}

/// A markdown task list: bold title, `- [ ]` items nested by two spaces.
fn markdown(c: &Checklist, title: Option<&str>, cx: &RenderCx) -> String {
    let mut out = String::new();
    if let Some(title) = title {
        out.push_str(&format!("**{title}**\n\n"));
    }
    for item in &c.items {
        let mark = if item.checked { 'x' } else { ' ' };
        out.push_str(&format!(
            "{}- [{mark}] {}\n",
            "  ".repeat(item.depth),
            cx.inline(&item.text, item.offset)
        ));
    }
    out
}

/// Renders `{{#checklists}}`: every checklist in the book, grouped by
/// chapter in book order, each linked back to where it stands. In HTML the
/// lists are interactive and share their ticks with the originals.
pub fn render_index(checklists: &[Checklist], cx: &RenderCx) -> Result<String, String> {
    let mut groups: Vec<(&Page, Vec<&Checklist>)> = Vec::new();
    for c in checklists {
        let page = &cx.pages[c.page];
        match groups.last_mut() {
            Some((p, list)) if p.index == page.index => list.push(c),
            _ => groups.push((page, vec![c])),
        }
    }
    match cx.format {
        Format::Html => {
            let mut chapters = Vec::new();
            for (page, list) in &groups {
                let rendered = list
                    .iter()
                    .map(|c| {
                        render_html(
                            c,
                            Some(
                                cx.page
                                    .link_to(&page.html_path(), Some(&anchor(&c.id.name))),
                            ),
                            cx,
                        )
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                chapters.push(serde_json::json!({
                    "anchor": chapter_anchor(page),
                    "title": page.name,
                    "link": cx.page.link_to(&page.html_path(), None),
                    "checklists": rendered,
                }));
            }
            cx.template("checklists", &serde_json::json!({ "chapters": chapters }))
        }
        Format::Markdown => {
            let mut out = String::from("\n");
            if groups.is_empty() {
                out.push_str("This book has no checklists yet.\n");
            }
            for (page, list) in &groups {
                let source_path: Vec<String> = page
                    .path
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                let link = cx.page.link_to(&source_path.join("/"), None);
                out.push_str(&format!("## [{}]({link})\n\n", page.name));
                for c in list {
                    let title = c.title.as_deref().unwrap_or(&c.id.name);
                    out.push_str(&markdown(c, Some(title), cx));
                    out.push('\n');
                }
            }
            Ok(out)
        }
    }
}

/// The HTML id of checklist `id`: prefixed, as all the handbook's ids are,
/// so it never clashes with the id mdBook gives a heading of the same words
/// (`## Before the meeting` above `id="before-the-meeting"`).
fn anchor(id: &str) -> String {
    format!("handbook-checklist--{id}")
}

/// The id of a chapter's heading on the `{{#checklists}}` page, from the
/// chapter's path: `handbook-checklists--sub-meeting` for `sub/meeting.md`.
/// (Ids of checklists and items cannot contain `--`, so none clashes.)
fn chapter_anchor(page: &Page) -> String {
    let path = page.html_path();
    let stem = path.strip_suffix(".html").unwrap_or(&path);
    let slug: String = stem
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("handbook-checklists--{slug}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A checklist body as the scanner gives it: one `Line` per line, with
    /// offsets into `body`.
    fn lines(body: &str) -> Vec<Line> {
        let mut offset = 0;
        body.split_inclusive('\n')
            .map(|l| {
                let line = Line {
                    text: l.trim_end_matches(['\n', '\r']).to_string(),
                    offset,
                };
                offset += l.len();
                line
            })
            .collect()
    }

    fn items(body: &str) -> Vec<(usize, String, bool)> {
        let Body {
            items, problems, ..
        } = parse_body(&lines(body));
        assert!(problems.is_empty(), "{body:?}: {problems:#?}");
        for i in &items {
            assert_eq!(
                &body[i.offset..i.offset + i.text.len()],
                i.text,
                "offset of {:?}",
                i.text
            );
        }
        items
            .into_iter()
            .map(|i| (i.depth, i.id, i.checked))
            .collect()
    }

    /// (depth, id, ticked)
    type Expected = (usize, &'static str, bool);

    fn item(depth: usize, id: &str, checked: bool) -> (usize, String, bool) {
        (depth, id.to_string(), checked)
    }

    #[test]
    fn items_boxes_and_nesting() {
        let cases: &[(&str, &[Expected])] = &[
            (
                "- [ ] a\n- [x] B\n- [X] c\n",
                &[(0, "a", false), (0, "b", true), (0, "c", true)],
            ),
            (
                "- [ ] a\n  - [ ] b\n    - [x] c\n  - [ ] d\n- [ ] e",
                &[
                    (0, "a", false),
                    (1, "b", false),
                    (2, "c", true),
                    (1, "d", false),
                    (0, "e", false),
                ],
            ),
            // The first item sets the base, the first nested one the step.
            (
                "  - [ ] a\n      - [ ] b\n  - [ ] c",
                &[(0, "a", false), (1, "b", false), (0, "c", false)],
            ),
            (
                "- [ ] a\n    - [ ] b\n        - [ ] c",
                &[(0, "a", false), (1, "b", false), (2, "c", false)],
            ),
            // Blank and whitespace-only lines are ignored; CRLF is fine.
            (
                "- [ ] a\r\n\r\n   \n- [ ] b\r\n",
                &[(0, "a", false), (0, "b", false)],
            ),
            ("- [ ]\tTabbed text\n", &[(0, "tabbed-text", false)]),
        ];
        for (body, expected) in cases {
            let expected: Vec<_> = expected.iter().map(|(d, id, c)| item(*d, id, *c)).collect();
            assert_eq!(items(body), expected, "{body:?}");
        }
    }

    #[test]
    fn item_ids_are_explicit_or_slugs_of_the_plain_text() {
        let cases = [
            ("- [ ] Write it down {#write}", "write", "Write it down"),
            ("- [ ] Write it down{#write-2}", "write-2", "Write it down"),
            (
                "- [ ] Research their *recent* projects!",
                "research-their-recent-projects",
                "",
            ),
            (
                "- [ ] Ask about {{#term rtos}}",
                "ask-about-rtos",
                "Ask about {{#term rtos}}",
            ),
            (
                "- [ ] Ask about {{#term rtos|the kernel}}",
                "ask-about-the-kernel",
                "",
            ),
            (
                "- [ ] Read `main.c` and [the docs](https://x.org/a_b)",
                "read-main-c-and-the-docs",
                "",
            ),
            ("- [ ] Ça va, **très** bien", "ça-va-très-bien", ""),
            ("- [ ] Literal \\{{#term x}}", "literal-term-x", ""),
            ("- [ ] Not an id \\{#x}", "not-an-id-x", "Not an id \\{#x}"),
            ("- [ ] <b>Raw</b> html", "b-raw-b-html", ""),
        ];
        for (body, id, text) in cases {
            let Body {
                items: parsed,
                problems,
                ..
            } = parse_body(&lines(body));
            assert!(problems.is_empty(), "{body}: {problems:#?}");
            assert_eq!(parsed[0].id, id, "{body}");
            if !text.is_empty() {
                assert_eq!(parsed[0].text, text, "{body}");
            }
        }
    }

    /// (body, the text the problem points at, words of its message, words of its help)
    const PROBLEMS: &[(&str, &str, &str, &str)] = &[
        ("- []", "- []", "`[]` is not a box", "`- [ ] what to do`"),
        (
            "- [] Call Alex",
            "- [] Call Alex",
            "`[]` is not a box",
            "`- [ ] Call Alex`",
        ),
        (
            "- [v] Call Alex",
            "- [v] Call Alex",
            "`[v]` is not a box",
            "`- [x] Call Alex`",
        ),
        (
            "* [ ] Call Alex",
            "* [ ] Call Alex",
            "start with `-`, not `*`",
            "`- [ ] Call Alex`",
        ),
        (
            "1. [x] Call Alex",
            "1. [x] Call Alex",
            "start with `-`, not `1.`",
            "`- [x] Call Alex`",
        ),
        (
            "- Call Alex",
            "- Call Alex",
            "it has no box",
            "`- [ ] Call Alex`",
        ),
        (
            "[ ] Call Alex",
            "[ ] Call Alex",
            "no `-` before the box",
            "`- [ ] Call Alex`",
        ),
        (
            "- [ ]Call Alex",
            "- [ ]Call Alex",
            "needs a space",
            "`- [ ] Call Alex`",
        ),
        (
            "-[ ] Call Alex",
            "-[ ] Call Alex",
            "needs a space",
            "`- [ ] Call Alex`",
        ),
        (
            "Some prose.",
            "Some prose.",
            "not a checklist item",
            "put other text outside the block",
        ),
        (
            "- [ ] a\n  more of a",
            "more of a",
            "an item is one line",
            "join this text",
        ),
        ("- [ ]", "- [ ]", "empty checklist item", "write what to do"),
        (
            "- [x]   ",
            "- [x]",
            "empty checklist item",
            "write what to do",
        ),
        (
            "- [ ] {#lonely}",
            "- [ ]",
            "empty checklist item",
            "write what to do",
        ),
        (
            "- [ ] Call\n- [ ] call!",
            "call!",
            "two items in this checklist have the id `call`",
            "`{#call-2}`",
        ),
        (
            "- [ ] A {#x}\n- [ ] B {#x}",
            "{#x}",
            "have the id `x`",
            "another `{#id}`",
        ),
        (
            "- [ ] Call {#Call Alex}",
            "{#Call Alex}",
            "`{#Call Alex}` is not a valid item id",
            "`{#call-alex}`",
        ),
        (
            "- [ ] Call {#}",
            "{#}",
            "`{#}` is not a valid item id",
            "lowercase letters",
        ),
        ("- [ ] !!!", "!!!", "gives it no id", "`{#my-item}`"),
        (
            "- [ ] a\n      - [ ] b",
            "-",
            "more than one level below",
            "by 2 spaces to nest it under `a`",
        ),
        (
            "- [ ] a\n - [ ] b",
            "-",
            "indented by 2 to 4 spaces",
            "by 2 spaces to nest it under `a`",
        ),
        (
            "- [ ] a\n  - [ ] b\n      - [ ] c",
            "-",
            "more than one level below",
            "by 4 spaces to nest it under `b`",
        ),
        (
            "- [ ] a\n    - [ ] b\n  - [ ] c",
            "-",
            "inconsistent indentation: 2 spaces, but this checklist nests by 4",
            "",
        ),
        (
            "  - [ ] a\n- [ ] b",
            "-",
            "indented less than the first item",
            "by 2 spaces",
        ),
        ("\t- [ ] a", "\t", "indented with a tab", "spaces"),
        (
            "- [ ] See {{#glossary}}",
            "{{#glossary}}",
            "cannot be used in a checklist item",
            "\\{{#glossary}}",
        ),
        (
            "- [ ] See {{#trem rtos}}",
            "{{#trem rtos}}",
            "cannot be used",
            "did you mean `term`?",
        ),
        (
            "- [ ] See {{#term rtos",
            "{{#term rtos",
            "never closed",
            "`}}`",
        ),
    ];

    #[test]
    fn every_problem_points_at_its_text() {
        for (body, at, message, help) in PROBLEMS {
            let problems = parse_body(&lines(body)).problems;
            assert_eq!(problems.len(), 1, "{body:?}: {problems:#?}");
            let p = &problems[0];
            assert_eq!(&body[p.range.clone()], *at, "{body:?}");
            assert!(p.message.contains(message), "{body:?}: {}", p.message);
            assert!(p.help.contains(help), "{body:?}: {}", p.help);
        }
    }

    #[test]
    fn a_duplicate_names_the_first_and_every_problem_is_reported() {
        let body = "- [ ] Call\n* [ ] x\n- [ ]\n- [ ] call\n- [ ] ok";
        let Body {
            items: parsed,
            problems,
            texts,
        } = parse_body(&lines(body));
        let texts: Vec<_> = texts.iter().map(|(t, at)| (t.as_str(), *at)).collect();
        assert_eq!(texts, [("Call", 6), ("call", 31), ("ok", 42)]);
        assert_eq!(problems.len(), 3, "{problems:#?}");
        let duplicate = &problems[2];
        assert_eq!(&body[duplicate.first.clone().unwrap()], "Call");
        let ids: Vec<_> = parsed.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["call", "ok"]);
    }

    #[test]
    fn a_problem_does_not_cascade_into_the_items_below() {
        // `b` is clamped to one level below `a`, so `c` is fine.
        let Body {
            items: parsed,
            problems,
            ..
        } = parse_body(&lines("- [ ] a\n    - [ ] b\n  - [ ] c\n- [ ] d"));
        assert_eq!(problems.len(), 1, "{problems:#?}");
        let depths: Vec<_> = parsed.iter().map(|i| i.depth).collect();
        assert_eq!(depths, [0, 1, 1, 0]);
    }

    #[test]
    fn split_id_only_takes_a_trailing_id() {
        assert_eq!(split_id("a {#b}"), ("a", Some(("b", 2))));
        assert_eq!(split_id("a {{#term b}}"), ("a {{#term b}}", None));
        assert_eq!(split_id("a {#b} c"), ("a {#b} c", None));
        assert_eq!(split_id("a \\{#b}"), ("a \\{#b}", None));
        assert_eq!(split_id("{#b}"), ("", Some(("b", 0))));
    }
}
