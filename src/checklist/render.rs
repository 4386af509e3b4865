//! Checklists as the reader gets them: interactive HTML, or markdown task
//! lists for other renderers; and the `{{#checklists}}` page.

use super::{Checklist, Item};
use crate::pages::Page;
use crate::render::{Format, RenderCx, escape};
use serde::Serialize;

/// Renders a checklist where it stands: interactive HTML, or a markdown
/// task list for other renderers.
pub(super) fn checklist(checklist: &Checklist, cx: &RenderCx) -> Result<String, String> {
    match cx.format {
        Format::Html => {
            let mut out = String::with_capacity(html_size(checklist));
            push_html(&mut out, checklist, None, cx)?;
            Ok(out)
        }
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
    /// An element id for the checkbox, unique on the page, for overrides
    /// that do not put it inside its label (the built-in template needs none).
    dom_id: String,
    checked: bool,
    /// The label: rendered, trusted HTML.
    html: String,
    children: Vec<ItemData>,
}

/// About the size of a checklist's HTML: what a buffer for it reserves.
fn html_size(c: &Checklist) -> usize {
    256 + c.items.iter().map(|i| i.text.len() + 120).sum::<usize>()
}

/// Appends one checklist as HTML to `out`. `link` is set for the copy on
/// the `{{#checklists}}` page: its title links back to the original, and
/// its element ids differ from the original's (both may be on one page).
fn push_html(
    out: &mut String,
    c: &Checklist,
    link: Option<String>,
    cx: &RenderCx,
) -> Result<(), String> {
    // Ids cannot contain `--`, so these never clash with each other, or
    // with a checklist's or a script's anchor.
    let key = match link {
        None => c.id.name.clone(),
        Some(_) => ["all--", &c.id.name].concat(),
    };
    let title_id = ["hb-title--", &key].concat();
    let title = c
        .title
        .clone()
        .or_else(|| link.as_ref().map(|_| c.id.name.clone()));
    let built_in =
        !cx.templates.is_overridden("checklist") && !cx.templates.is_overridden("checklist-items");
    if built_in {
        let html: Vec<String> = c
            .items
            .iter()
            .map(|i| cx.inline_found(&i.text, &i.refs, Vec::new()))
            .collect();
        let view = View {
            id: &c.id.name,
            anchor: link.is_none().then(|| anchor(c)),
            title: title.as_deref(),
            title_id,
            link: link.as_deref(),
        };
        view.push_html(out, &c.items, &html);
        return Ok(());
    }
    let data = |item: &Item| ItemData {
        id: item.id.clone(),
        dom_id: format!("handbook-item--{key}--{}", item.id),
        checked: item.checked,
        html: cx.inline_found(&item.text, &item.refs, Vec::new()),
        children: Vec::new(),
    };
    let roots = tree(&c.items, &mut 0, 0, &data);
    out.push_str(&cx.template(
        "checklist",
        &serde_json::json!({
            "id": c.id.name,
            "anchor": if link.is_none() { Some(anchor(c)) } else { None },
            "title": title,
            "title_id": title_id,
            "link": link,
            "items": roots,
        }),
    )?);
    Ok(())
}

/// One checklist's values, for the built-in templates written as plain code.
pub(super) struct View<'a> {
    pub(super) id: &'a str,
    pub(super) anchor: Option<String>,
    pub(super) title: Option<&'a str>,
    pub(super) title_id: String,
    pub(super) link: Option<&'a str>,
}

impl View<'_> {
    /// `checklist.hbs` with its `checklist-items.hbs` partial, as plain code:
    /// the same bytes (a test holds them equal). The items are flat with a
    /// depth, so nesting is written without recursion, however deep.
    pub(super) fn push_html(&self, out: &mut String, items: &[Item], labels: &[String]) {
        let e = |out: &mut String, text: &str| escape::push_html(out, text);
        out.push_str("<div class='handbook-checklist'");
        if let Some(anchor) = &self.anchor {
            out.push_str(" id='");
            e(out, anchor);
            out.push('\'');
        }
        out.push_str(" data-handbook-checklist='");
        e(out, self.id);
        out.push_str("' role='group'");
        match self.title {
            Some(_) => {
                out.push_str(" aria-labelledby='");
                e(out, &self.title_id);
                out.push_str("'>\n");
            }
            None => out.push_str(" aria-label='Checklist'>\n"),
        }
        if let Some(title) = self.title {
            let tag = if self.link.is_some() { "h3" } else { "p" };
            out.push('<');
            out.push_str(tag);
            out.push_str(" class='handbook-checklist-title' id='");
            e(out, &self.title_id);
            out.push_str("'>");
            match self.link {
                Some(link) => {
                    out.push_str("<a href='");
                    e(out, link);
                    out.push_str("'>");
                    e(out, title);
                    out.push_str("</a>");
                }
                None => e(out, title),
            }
            out.push_str("</");
            out.push_str(tag);
            out.push_str(">\n");
        }
        out.push_str("<ul>\n");
        // The depths of the items whose `<li>` is still open, and whether
        // their nested list is open.
        let mut open: Vec<(usize, bool)> = Vec::new();
        let close = |out: &mut String, (_, nested): (usize, bool)| {
            out.push_str(if nested { "</ul>\n</li>\n" } else { "</li>\n" });
        };
        for (item, label) in items.iter().zip(labels) {
            while let Some(top) = open.pop_if(|(d, _)| *d >= item.depth) {
                close(out, top);
            }
            if let Some((_, nested)) = open.last_mut()
                && !*nested
            {
                *nested = true;
                out.push_str("\n<ul>\n");
            }
            out.push_str("<li><label><input type='checkbox' data-item='");
            escape::push_html(out, &item.id);
            out.push_str(if item.checked { "' checked> " } else { "'> " });
            out.push_str(label);
            out.push_str("</label>");
            open.push((item.depth, false));
        }
        while let Some(top) = open.pop() {
            close(out, top);
        }
        out.push_str("</ul>\n</div>\n");
    }
}

/// The element id of a checklist where it stands (prefixed: a heading of
/// the same words gets the bare slug from mdBook).
pub(super) fn anchor(c: &Checklist) -> String {
    ["hb-", &c.id.name].concat()
}

/// One chapter's part of the `{{#checklists}}` page, for `checklists.hbs`.
#[derive(Serialize)]
pub(super) struct Section<'a> {
    pub(super) title: &'a str,
    pub(super) anchor: String,
    pub(super) link: String,
    /// Each checklist, as HTML: only for an override of the page (the
    /// built-in one writes them in place).
    pub(super) checklists: Vec<String>,
}

/// The built-in `checklists.hbs`, as plain code: the same bytes (a test
/// holds them equal). `checklists(out, i)` writes the checklists of
/// `chapters[i]`, each followed by a line end; `size` is about their length.
pub(super) fn page_html(
    chapters: &[Section],
    size: usize,
    mut checklists: impl FnMut(&mut String, usize),
) -> String {
    let e = escape::html;
    let mut out = String::with_capacity(size + 128 * chapters.len() + 64);
    out.push_str("<div class='handbook-checklists'>\n");
    if chapters.is_empty() {
        out.push_str("<p class='handbook-checklists-empty'>This book has no checklists yet.</p>\n");
    }
    for (i, chapter) in chapters.iter().enumerate() {
        out.push_str("<section>\n<h2 id='");
        out.push_str(&e(&chapter.anchor));
        out.push_str("'><a href='");
        out.push_str(&e(&chapter.link));
        out.push_str("'>");
        out.push_str(&e(chapter.title));
        out.push_str("</a></h2>\n");
        checklists(&mut out, i);
        out.push_str("</section>\n");
    }
    out.push_str("</div>\n");
    out
}

/// The id of a chapter's heading on the `{{#checklists}}` page, from the
/// chapter's path (unique, unlike its title): `hb-checklists-sub-meeting`
/// for `sub/meeting.md`.
fn chapter_anchor(page: &Page) -> String {
    let path = page.html_path();
    let stem = path.strip_suffix(".html").unwrap_or(path);
    format!("hb-checklists-{}", crate::attrs::slug(stem))
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
        out.push_str(&format!("**{}**\n\n", escape::markdown(title)));
    }
    for item in &c.items {
        let mark = if item.checked { 'x' } else { ' ' };
        out.push_str(&format!(
            "{}- [{mark}] {}\n",
            "  ".repeat(item.depth),
            cx.inline_found(&item.text, &item.refs, Vec::new())
        ));
    }
    out
}

/// Renders `{{#checklists}}`: every checklist in the book, grouped by
/// chapter in book order, each linked back to where it stands. In HTML the
/// lists are interactive and share their ticks with the originals.
pub(super) fn index(checklists: &[Checklist], cx: &RenderCx) -> Result<String, String> {
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
            // The copy on this page of checklist `c`, which stands on `page`.
            let copy = |out: &mut String, page: &Page, c: &Checklist| {
                let link = cx.page.link(page, Some(&anchor(c)), Format::Html);
                push_html(out, c, Some(link), cx)
            };
            let overridden = cx.templates.is_overridden("checklists");
            let mut chapters = Vec::with_capacity(groups.len());
            for (page, list) in &groups {
                // An override is given each copy as a string; the built-in
                // page writes them in place, never holding two copies.
                let mut copies = Vec::new();
                if overridden {
                    for c in list {
                        let mut one = String::with_capacity(html_size(c));
                        copy(&mut one, page, c)?;
                        copies.push(one);
                    }
                }
                chapters.push(Section {
                    title: &page.name,
                    anchor: chapter_anchor(page),
                    link: cx.page.link(page, None, Format::Html),
                    checklists: copies,
                });
            }
            if overridden {
                return cx.template("checklists", &serde_json::json!({ "chapters": chapters }));
            }
            let size = checklists.iter().map(|c| html_size(c) + 64).sum();
            // The first failure is the page's (as for an override), and
            // nothing more is rendered once there is one.
            let mut failed = Ok(());
            let html = page_html(&chapters, size, |out, i| {
                let (page, list) = &groups[i];
                for c in list {
                    if failed.is_ok() {
                        failed = copy(out, page, c);
                    }
                    out.push('\n');
                }
            });
            failed.map(|()| html)
        }
        Format::Markdown => {
            let mut out = String::from("\n");
            if groups.is_empty() {
                out.push_str("This book has no checklists yet.\n");
            }
            for (page, list) in &groups {
                let link = cx.page.link(page, None, Format::Markdown);
                out.push_str(&format!(
                    "## [{}]({link})\n\n",
                    escape::markdown(&page.name)
                ));
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
