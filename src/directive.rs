//! The interface every directive implements, and the book-wide facts they
//! share.
//!
//! `lib.rs` holds a list of directives and runs each stage over all of them:
//! **collect** (parse what the directive owns in every chapter and report
//! malformed input), **validate** (book-wide checks, once everything is
//! collected) and **render** (the edits for one chapter). A directive never
//! sees another directive's internals; what they share goes through
//! [`Facts`]: ids (unique across the book) and the term references written
//! inside directive text (checked and rendered by whichever directive
//! [`Directive::terms`] provides).

use crate::diagnostics::closest;
use crate::diagnostics::{Diagnostics, Span};
use crate::markdown::TermRef;
use crate::pages::MDBOOK_DIRECTIVES;
use crate::pages::Page;
use crate::render::{RenderCx, Template, TermRenderer};
use foldhash::{HashMap, HashMapExt};
use std::ops::Range;
use std::path::Path;

/// A directive: one folder under `src/`, one line in `lib.rs`.
pub(crate) trait Directive: Send + Sync {
    /// The info-string word of its fenced blocks (` ```script `), if any.
    fn fenced_kind(&self) -> Option<&'static str> {
        None
    }

    /// The names of its inline directives (`{{#term}}`, `{{#glossary}}`).
    fn inline_names(&self) -> &'static [&'static str] {
        &[]
    }

    /// Reads the directive's own files, which do not depend on the chapters
    /// (`glossary.toml`), and registers them for diagnostics. `root` is the
    /// book's (data files stay inside it); `src_display` is the src dir as
    /// the author sees it.
    fn open_files(&mut self, _root: &Path, _src_display: &Path, _diags: &mut Diagnostics) {}

    /// Checks what [`Directive::open_files`] read. It runs on a thread of its
    /// own while the chapters load, reporting into a fork of the diagnostics
    /// (which registers no file), joined back before collecting.
    fn read_files(&mut self, _diags: &mut Diagnostics) {}

    /// Parses everything the directive owns in the book, reporting every
    /// malformed piece, and records ids and term references in `facts`.
    fn collect(&mut self, book: &BookCx, facts: &mut Facts, diags: &mut Diagnostics);

    /// Book-wide checks, once every directive has collected.
    fn validate(&mut self, book: &BookCx, facts: &Facts, diags: &mut Diagnostics);

    /// The edits this directive makes to chapter `page`.
    fn render(&self, page: &Page, cx: &RenderCx, edits: &mut Vec<Edit>);

    /// The chapter holding the directive's page of the whole book
    /// (`{{#glossary}}`, `{{#checklists}}`), if any: it costs as much to
    /// render as many chapters, so it is started first.
    fn book_page(&self) -> Option<usize> {
        None
    }

    /// The renderer of term references, for the directive that owns terms.
    fn terms(&self) -> Option<&dyn TermRenderer> {
        None
    }

    /// The templates it renders with (name, embedded source).
    fn templates(&self) -> &'static [Template] {
        &[]
    }
}

/// The book as every directive sees it while collecting and validating.
pub(crate) struct BookCx<'a> {
    /// Every chapter with a source file, in book order.
    pub(crate) pages: &'a [Page],
}

/// What directives tell each other, gathered while collecting.
#[derive(Default)]
pub(crate) struct Facts {
    /// Every block id (scripts and checklists share one namespace).
    pub(crate) ids: Vec<(String, Span)>,
    /// Every `{{#term}}` written inside directive text (script lines,
    /// checklist items), for the term directive to check and count.
    pub(crate) terms: Vec<TermRef>,
}

impl Facts {
    /// Reports every id used twice, naming the first use.
    pub(crate) fn check_unique_ids(&self, diags: &mut Diagnostics) {
        let mut seen: HashMap<&str, &Span> = HashMap::new();
        for (id, span) in &self.ids {
            let Some(first) = seen.get(id.as_str()) else {
                seen.insert(id, span);
                continue;
            };
            let first = (*first).clone();
            let location = diags.location(first.source, first.range.start);
            diags
                .error(span.clone(), format!("duplicate id `{id}`"))
                .note(first, "first used here")
                .help(format!(
                    "ids are unique across all scripts and checklists; `{id}` is taken at {location}"
                ));
        }
    }
}

/// One change to a chapter's text.
#[derive(Debug)]
pub(crate) struct Edit {
    /// The bytes replaced.
    pub(crate) range: Range<usize>,
    /// What replaces them.
    pub(crate) output: Output,
}

/// What an edit puts in.
#[derive(Debug)]
pub(crate) enum Output {
    /// Inline text or HTML, spliced in as is.
    Inline(String),
    /// A block (HTML or markdown) that stands where a block stood: it is
    /// fitted into the list items or block quotes around it.
    Block(String),
}

impl Edit {
    /// An inline replacement.
    pub(crate) fn inline(range: Range<usize>, output: String) -> Self {
        Edit {
            range,
            output: Output::Inline(output),
        }
    }

    /// A block replacement; a block that could not be rendered (a broken
    /// template override) is reported through `cx`, like any other piece,
    /// and the chapter keeps its text there.
    pub(crate) fn block(
        cx: &RenderCx,
        range: Range<usize>,
        output: Result<String, String>,
    ) -> Option<Self> {
        match output {
            Ok(output) => Some(Edit {
                range,
                output: Output::Block(output),
            }),
            Err(message) => {
                cx.fail(cx.page.span(range), message);
                None
            }
        }
    }
}

/// `read` of every chapter, apart (in parallel), each reporting into a fork
/// of `diags`: the results in book order, and their problems joined back in
/// that order, as if the chapters had been read one after another.
pub(crate) fn read_chapters<R: Send>(
    pages: &[Page],
    diags: &mut Diagnostics,
    read: impl Fn(&Page, &mut Diagnostics) -> R + Sync,
) -> Vec<R> {
    let shared: &Diagnostics = diags;
    let read = crate::parallel::map(pages, 32, |page| {
        let mut found = shared.fork();
        (read(page, &mut found), found)
    });
    read.into_iter()
        .map(|(result, found)| {
            diags.join(found);
            result
        })
        .collect()
}

/// Checks the inline directive names of every chapter: a `{{#` that is never
/// closed, and a name that is a near miss of one of ours (`{{#trem}}`). Other
/// names belong to other preprocessors (`{{#tabs}}`, `{{#template}}`) and
/// are left to them.
pub(crate) fn check_names(pages: &[Page], ours: &[&str], diags: &mut Diagnostics) {
    let known = || ours.iter().chain(&MDBOOK_DIRECTIVES).copied();
    for page in pages {
        // Past the first few in a chapter, unclosed directives are counted:
        // thousands on one long line would each show the whole line.
        const SHOWN: usize = 20;
        let unclosed = page.scan.unclosed.iter().filter(|u| {
            ours.contains(&u.name.as_str()) || closest(&u.name, ours.iter().copied()).is_some()
        });
        let mut more = 0usize;
        for (n, u) in unclosed.enumerate() {
            if n >= SHOWN {
                more += 1;
                continue;
            }
            diags
                .error(
                    page.span(u.range.clone()),
                    format!("`{{{{#{}` is never closed", u.name),
                )
                .help("close the directive with `}}` on the same line");
        }
        if let (true, Some(first)) = (more > 0, page.scan.unclosed.first()) {
            let at = first.range.start;
            diags
                .error(
                    page.span(at..at + 3),
                    format!("and {more} more unclosed directives in this chapter"),
                )
                .help(format!("each `{{{{#` needs its `}}}}` on the same line; the first {SHOWN} are shown above"));
        }
        for d in page
            .scan
            .inline
            .iter()
            .filter(|d| !d.in_code() && !d.escaped)
        {
            let name = d.name.as_ref();
            if known().any(|k| k == name) {
                continue;
            }
            let Some(suggestion) = closest(name, known()) else {
                continue; // another preprocessor's
            };
            let ours = ours
                .iter()
                .map(|n| format!("{{{{#{n}}}}}"))
                .collect::<Vec<_>>()
                .join(", ");
            diags
                .error(
                    page.span(d.range.clone()),
                    format!("unknown directive `{{{{#{name}}}}}`"),
                )
                .suggest(Some(suggestion))
                .help(format!(
                    "the handbook's directives are {ours}; write \\{{{{#{name}}}}} to show it literally"
                ));
        }
    }
}

/// Finds the one chapter holding page directive `{{#name}}` (which stands
/// alone in its paragraph and takes no arguments), reporting misuse.
pub(crate) fn find_page_directive(
    name: &str,
    pages: &[Page],
    diags: &mut Diagnostics,
) -> Option<(usize, Range<usize>)> {
    let mut found: Option<(usize, Range<usize>)> = None;
    for page in pages {
        let uses = page.scan.inline.iter();
        for d in uses.filter(|d| d.name == name && !d.in_code() && !d.escaped) {
            let span = page.span(d.range.clone());
            if !d.standalone {
                diags
                    .error(
                        span,
                        format!("`{{{{#{name}}}}}` must stand on a line of its own"),
                    )
                    .help("put it in a paragraph by itself, with blank lines around it");
            } else if !d.args.is_empty() {
                diags.error(
                    page.span(d.args_offset..d.args_offset + d.args.len()),
                    format!("`{{{{#{name}}}}}` takes no arguments"),
                );
            } else if let Some((first, _)) = &found {
                let first = pages[*first].path.display().to_string();
                diags
                    .error(
                        span,
                        format!("`{{{{#{name}}}}}` is already on another page"),
                    )
                    .help(format!("the book has one such page: `{first}`"));
            } else {
                found = Some((page.index, d.range.clone()));
            }
        }
    }
    found
}
