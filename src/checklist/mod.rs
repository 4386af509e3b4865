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

mod parse;
mod render;

use crate::attrs::Id;
use crate::diagnostics::Diagnostics;
use crate::directive::{BookCx, Directive, Edit, Facts};
use crate::markdown::TermRef;
use crate::pages::Page;
use crate::render::{RenderCx, Template};
use serde::Deserialize;
use std::ops::Range;

/// The info-string word that opens a checklist block.
const KIND: &str = "checklist";

/// Templates this module renders with: one checklist, its (recursive) item
/// list, and the `{{#checklists}}` page.
const TEMPLATES: &[Template] = &[
    ("checklist", include_str!("../../templates/checklist.hbs")),
    (
        "checklist-items",
        include_str!("../../templates/checklist-items.hbs"),
    ),
    ("checklists", include_str!("../../templates/checklists.hbs")),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Attrs {
    id: Option<String>,
    title: Option<String>,
}

/// A parsed checklist block: its valid items, in source order.
#[derive(Debug)]
struct Checklist {
    /// Its id, unique book-wide.
    id: Id,
    /// Its title, if any.
    title: Option<String>,
    /// The chapter it is in.
    page: usize,
    /// The whole block in the chapter.
    range: Range<usize>,
    items: Vec<Item>,
}

/// Every checklist of the book, and the `{{#checklists}}` page.
#[derive(Default)]
pub(crate) struct Checklists {
    /// In book order.
    list: Vec<Checklist>,
    /// The chapter and range of `{{#checklists}}`.
    index_page: Option<(usize, Range<usize>)>,
}

impl Directive for Checklists {
    fn fenced_kind(&self) -> Option<&'static str> {
        Some(KIND)
    }

    fn inline_names(&self) -> &'static [&'static str] {
        &["checklists"]
    }

    fn templates(&self) -> &'static [Template] {
        TEMPLATES
    }

    /// Parses every checklist block, reporting every problem. Checklists
    /// with problems in their attributes are left out; their items are still
    /// checked (and their terms counted).
    fn collect(&mut self, book: &BookCx, facts: &mut Facts, diags: &mut Diagnostics) {
        let read = crate::directive::read_chapters(book.pages, diags, |page, diags| {
            let mut terms = Vec::new();
            let list: Vec<Checklist> = page
                .scan
                .fenced
                .iter()
                .filter(|b| b.kind == KIND)
                .filter_map(|block| parse::block(page, block, &mut terms, diags))
                .collect();
            (list, terms)
        });
        for (list, terms) in read {
            facts.terms.extend(terms);
            for checklist in list {
                facts
                    .ids
                    .push((checklist.id.name.clone(), checklist.id.span.clone()));
                self.list.push(checklist);
            }
        }
        self.list.shrink_to_fit();
        self.index_page = crate::directive::find_page_directive("checklists", book.pages, diags);
    }

    fn validate(&mut self, _book: &BookCx, _facts: &Facts, _diags: &mut Diagnostics) {}

    fn book_page(&self) -> Option<usize> {
        self.index_page.as_ref().map(|(page, _)| *page)
    }

    fn render(&self, page: &Page, cx: &RenderCx, edits: &mut Vec<Edit>) {
        let start = self.list.partition_point(|c| c.page < page.index);
        for c in self.list[start..]
            .iter()
            .take_while(|c| c.page == page.index)
        {
            edits.extend(Edit::block(cx, c.range.clone(), render::checklist(c, cx)));
        }
        if let Some((_, range)) = self.index_page.as_ref().filter(|(p, _)| *p == page.index) {
            edits.extend(Edit::block(
                cx,
                range.clone(),
                render::index(&self.list, cx),
            ));
        }
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
    /// Its `{{#term}}`s: range in `text`, reference (found in
    /// [`parse::block`]).
    refs: Vec<(Range<usize>, TermRef)>,
}
