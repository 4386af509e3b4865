//! What directives turn into: the output format, the templates (embedded,
//! overridable from the book's `theme/handbook/`), the one inline renderer
//! for directive text, and the escapers.
//!
//! The markup quotes its attribute values with `'`, which a JSON string
//! carries as it is: with `"`, every quote would be escaped on the way to
//! mdBook (three escapes in five, on the benchmark's book). mdBook parses the
//! markup and writes its pages with `"` again, so they are the same either
//! way, but for the tooltips' data block, which it copies as it is (the
//! page's script parses it). Escaped values never hold a bare `'`
//! ([`escape::html`]).

pub(crate) mod escape;
pub(crate) mod inline;
mod templates;

pub(crate) use inline::Fragment;
pub(crate) use templates::{Template, Templates};

use crate::diagnostics::Span;
use crate::markdown::TermRef;
use crate::pages::Page;
use foldhash::HashSet;
use mdbook_markdown::MarkdownOptions;
use serde::Serialize;
use std::cell::RefCell;
use std::ops::Range;

/// What the renderer wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// mdBook's `html` renderer: interactive HTML.
    Html,
    /// Any other renderer: plain markdown equivalents.
    Markdown,
}

impl Format {
    /// The format for an mdBook renderer name.
    pub(crate) fn for_renderer(renderer: &str) -> Self {
        if renderer == "html" {
            Format::Html
        } else {
            Format::Markdown
        }
    }
}

/// Renders term references, for whichever directive owns the terms.
pub(crate) trait TermRenderer: Sync {
    /// A validated reference written in directive text (or a chapter), as a
    /// fragment of the page `cx` renders.
    fn fragment(&self, r: &TermRef, cx: &RenderCx) -> Fragment;

    /// What goes at the start of the page once every reference on it is
    /// rendered: the definitions its references show (see
    /// [`RenderCx::terms_shown`]).
    fn definitions(&self, _cx: &RenderCx) -> Option<String> {
        None
    }
}

/// For a book without a glossary: references render as their text (they
/// were reported as errors already).
pub(crate) struct NoTerms;

impl TermRenderer for NoTerms {
    fn fragment(&self, r: &TermRef, _cx: &RenderCx) -> Fragment {
        let text = r.shown.clone().unwrap_or_else(|| r.key.clone());
        Fragment {
            range: 0..0,
            html: escape::html(&text),
            markdown: escape::markdown(&text),
            plain: text,
        }
    }
}

/// Everything a directive needs to render into one chapter.
pub(crate) struct RenderCx<'a> {
    /// HTML or markdown.
    pub(crate) format: Format,
    /// The templates.
    pub(crate) templates: &'a Templates,
    /// mdBook's markdown options, for rendering inline markdown.
    pub(crate) markdown: &'a MarkdownOptions,
    /// Every chapter, in book order.
    pub(crate) pages: &'a [Page],
    /// The chapter being rendered.
    pub(crate) page: &'a Page,
    /// Renders term references.
    pub(crate) terms: &'a dyn TermRenderer,
    /// Pieces that could not be rendered (a broken template override).
    pub(crate) failures: RefCell<Vec<(Span, String)>>,
    /// Ids claimed on this page (see [`RenderCx::claim_id`]).
    pub(crate) claimed: RefCell<HashSet<String>>,
    /// The terms whose definitions this page's references show, by the
    /// term renderer's index, in the order they were rendered (repeats
    /// included).
    pub(crate) terms_shown: RefCell<Vec<usize>>,
}

impl RenderCx<'_> {
    /// Renders a piece of directive text (inline markdown with `{{#term}}`
    /// references) found at byte `base` of the current chapter.
    pub(crate) fn inline(&self, text: &str, base: usize) -> String {
        let refs = TermRef::find_in(text, base, self.page.source, Some(self.page.index));
        self.inline_found(text, &refs, Vec::new())
    }

    /// As [`RenderCx::inline`], for text whose `{{#term}}`s were found when
    /// it was read (`refs`, by their range in `text`): a script line, a
    /// checklist item. Its references keep their own chapter, wherever the
    /// text is shown (a checklist on `{{#checklists}}`). `extra` are
    /// fragments the caller rendered itself (placeholders); they must not
    /// overlap the references.
    pub(crate) fn inline_found(
        &self,
        text: &str,
        refs: &[(Range<usize>, TermRef)],
        extra: Vec<Fragment>,
    ) -> String {
        let mut fragments: Vec<Fragment> = refs
            .iter()
            .map(|(range, r)| Fragment {
                range: range.clone(),
                ..self.terms.fragment(r, self)
            })
            .collect();
        fragments.extend(extra);
        fragments.sort_by_key(|f| f.range.start);
        match self.format {
            Format::Html => inline::to_html(text, &fragments, self.markdown, None),
            Format::Markdown => inline::to_markdown(text, &fragments, self.markdown),
        }
    }

    /// Renders a template; fails only when an override asks for data that
    /// does not exist (templates run in strict mode).
    pub(crate) fn template<T: Serialize>(&self, name: &str, data: &T) -> Result<String, String> {
        self.templates.render(name, data)
    }

    /// Reports a piece that could not be rendered.
    pub(crate) fn fail(&self, span: Span, message: String) {
        self.failures.borrow_mut().push((span, message));
    }

    /// Whether `id` is still free on this page, claiming it: an element a
    /// page shows twice (a checklist and its copy on `{{#checklists}}`)
    /// keeps its id only once.
    pub(crate) fn claim_id(&self, id: &str) -> bool {
        self.claimed.borrow_mut().insert(id.to_string())
    }
}
