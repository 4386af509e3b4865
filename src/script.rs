//! Script blocks: role-play dialogues with a cast and fill-in placeholders.
//!
//! ````text
//! ```script id="ask-alex" title="The 15-minute ask" cast="You, Alex"
//! You: Alex, thank you for making the time.
//! ```
//! ````
//!
//! Validates: attributes (`id` required, unique book-wide; `cast` required).

use crate::attrs::{self, Id};
use crate::diagnostics::Diagnostics;
use crate::markdown::FencedBlock;
use crate::pages::Page;
use crate::render::{Format, RenderCx, Template};
use serde::Deserialize;

/// The info-string word that opens a script block.
pub const KIND: &str = "script";

/// Templates this module renders with.
pub const TEMPLATES: &[Template] = &[("script", include_str!("../templates/script.hbs"))];

/// Styles for scripts.
pub const CSS: &str = include_str!("../assets/script.css");

/// Behaviour for scripts.
pub const JS: &str = include_str!("../assets/script.js");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Attrs {
    id: Option<String>,
    title: Option<String>,
    cast: Option<String>,
}

/// A parsed script block.
#[derive(Debug)]
pub struct Script {
    /// Its id, unique book-wide.
    pub id: Id,
    /// Its title, if any.
    pub title: Option<String>,
    /// The speakers.
    pub cast: Vec<String>,
    /// The chapter it is in.
    pub page: usize,
    /// Its index among the chapter's fenced blocks.
    pub block: usize,
}

/// Parses every script block in the book.
pub fn collect(pages: &[Page], diags: &mut Diagnostics) -> Vec<Script> {
    let mut scripts = Vec::new();
    for page in pages {
        for (block_index, block) in page.scan.fenced.iter().enumerate() {
            if block.kind != KIND {
                continue;
            }
            if let Some(script) = parse(page, block_index, block, diags) {
                scripts.push(script);
            }
        }
    }
    scripts
}

fn parse(
    page: &Page,
    block_index: usize,
    block: &FencedBlock,
    diags: &mut Diagnostics,
) -> Option<Script> {
    let attrs: Attrs = attrs::parse(&block.attrs, block.attrs_offset, page.source, diags)?;
    let id = attrs::require_id(attrs.id, page, block, diags)?;
    let cast: Vec<String> = attrs
        .cast
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if cast.is_empty() {
        diags
            .error(
                page.span(block.attrs_offset..block.attrs_offset + block.attrs.len().max(1)),
                "script has no `cast`",
            )
            .help(r#"name the speakers, e.g. cast="You, Alex""#);
        return None;
    }
    Some(Script {
        id,
        title: attrs.title,
        cast,
        page: page.index,
        block: block_index,
    })
}

/// Renders a script for the chapter it is in.
pub fn render(script: &Script, block: &FencedBlock, cx: &RenderCx) -> Result<String, String> {
    match cx.format {
        Format::Html => {
            let lines: Vec<String> = block
                .lines
                .iter()
                .map(|l| cx.inline(&l.text, l.offset))
                .collect();
            cx.template(
                "script",
                &serde_json::json!({
                    "id": script.id.name,
                    "title": script.title,
                    "lines": lines,
                }),
            )
        }
        Format::Markdown => Ok(block
            .lines
            .iter()
            .map(|l| cx.inline(&l.text, l.offset))
            .collect::<Vec<_>>()
            .join("\n\n")),
    }
}
