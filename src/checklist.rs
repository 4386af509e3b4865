//! Checklist blocks: validated, interactive checklists, and the
//! `{{#checklists}}` page that collects them.
//!
//! Validates: attributes (`id` required, unique book-wide).

use crate::attrs::{self, Id};
use crate::diagnostics::Diagnostics;
use crate::markdown::FencedBlock;
use crate::pages::Page;
use crate::render::{Format, RenderCx, Template};
use serde::Deserialize;

/// The info-string word that opens a checklist block.
pub const KIND: &str = "checklist";

/// Templates this module renders with.
pub const TEMPLATES: &[Template] = &[("checklist", include_str!("../templates/checklist.hbs"))];

/// Styles for checklists.
pub const CSS: &str = include_str!("../assets/checklist.css");

/// Behaviour for checklists.
pub const JS: &str = include_str!("../assets/checklist.js");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Attrs {
    id: Option<String>,
    title: Option<String>,
}

/// A parsed checklist block.
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
}

/// Parses every checklist block in the book.
pub fn collect(pages: &[Page], diags: &mut Diagnostics) -> Vec<Checklist> {
    let mut checklists = Vec::new();
    for page in pages {
        for (block_index, block) in page.scan.fenced.iter().enumerate() {
            if block.kind != KIND {
                continue;
            }
            let Some(attrs) =
                attrs::parse::<Attrs>(&block.attrs, block.attrs_offset, page.source, diags)
            else {
                continue;
            };
            if let Some(id) = attrs::require_id(attrs.id, page, block, diags) {
                checklists.push(Checklist {
                    id,
                    title: attrs.title,
                    page: page.index,
                    block: block_index,
                });
            }
        }
    }
    checklists
}

/// Renders a checklist for the chapter it is in.
pub fn render(checklist: &Checklist, block: &FencedBlock, cx: &RenderCx) -> Result<String, String> {
    let items: Vec<String> = block
        .lines
        .iter()
        .map(|l| cx.inline(&l.text, l.offset))
        .collect();
    match cx.format {
        Format::Html => cx.template(
            "checklist",
            &serde_json::json!({ "id": checklist.id.name, "title": checklist.title, "items": items }),
        ),
        Format::Markdown => Ok(items.join("\n")),
    }
}

/// Renders `{{#checklists}}`: every checklist in the book.
pub fn render_index(checklists: &[Checklist], cx: &RenderCx) -> Result<String, String> {
    let links: Vec<String> = checklists
        .iter()
        .map(|c| {
            let page = &cx.pages[c.page];
            let title = c.title.clone().unwrap_or_else(|| c.id.name.clone());
            match cx.format {
                Format::Html => format!(
                    "<li><a href=\"{}\">{}</a></li>",
                    crate::render::escape(&cx.page.link_to(&page.html_path(), Some(&c.id.name))),
                    crate::render::escape(&title)
                ),
                Format::Markdown => format!("- [{title}]({}#{})", page.path.display(), c.id.name),
            }
        })
        .collect();
    Ok(match cx.format {
        Format::Html => format!(
            "<ul class=\"handbook-checklists\">\n{}\n</ul>",
            links.join("\n")
        ),
        Format::Markdown => links.join("\n"),
    })
}
