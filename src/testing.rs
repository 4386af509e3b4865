//! Helpers for the unit tests of the directive modules: a book of chapters
//! scanned as the pipeline scans them, a collect-and-validate run of one
//! directive, and a term renderer that shows which references it got.

use crate::diagnostics::{Diagnostics, Severity, line_col};
use crate::directive::{BookCx, Directive, Facts};
use crate::markdown::{self, ScanOptions, TermRef};
use crate::pages::Page;
use crate::render::{Format, Fragment, RenderCx, Templates, TermRenderer};
use mdbook_markdown::MarkdownOptions;
use std::cell::RefCell;
use std::path::{Path, PathBuf};

/// The fenced kinds of the book's directives.
pub(crate) const FENCED: &[&str] = &["script", "checklist"];

/// A book of `chapters` (`(path, text)`), registered and scanned.
pub(crate) fn book(chapters: &[(&str, &str)]) -> (Vec<Page>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let options = MarkdownOptions::default();
    let pages = chapters
        .iter()
        .enumerate()
        .map(|(index, (path, text))| Page {
            index,
            name: format!("Chapter {index}"),
            html: crate::paths::html_path(Path::new(path)),
            path: PathBuf::from(path),
            source: diags.add_source(Path::new("src").join(path), *text),
            scan: markdown::scan(
                text,
                ScanOptions {
                    markdown: &options,
                    fenced: FENCED,
                    mathjax: false,
                },
            ),
        })
        .collect();
    (pages, diags)
}

/// Collects and validates `directive` over `pages`; the facts it left.
pub(crate) fn run(directive: &mut dyn Directive, pages: &[Page], diags: &mut Diagnostics) -> Facts {
    let cx = BookCx { pages };
    let mut facts = Facts::default();
    directive.open_files(Path::new("/nonexistent"), Path::new("src"), diags);
    directive.read_files(diags);
    directive.collect(&cx, &mut facts, diags);
    facts.check_unique_ids(diags);
    directive.validate(&cx, &facts, diags);
    facts
}

/// Every diagnostic as `LINE:COL severity: message [help]...`.
pub(crate) fn messages(diags: &Diagnostics) -> Vec<String> {
    diags
        .items()
        .iter()
        .map(|d| {
            let at = d
                .range
                .as_ref()
                .map_or((0, 0), |r| line_col(diags.text(d.source), r.start));
            let severity = if d.severity == Severity::Error {
                "error"
            } else {
                "warning"
            };
            let help: String = d.help.iter().map(|h| format!(" [{h}]")).collect();
            format!("{}:{} {severity}: {}{help}", at.0, at.1, d.message)
        })
        .collect()
}

/// Renders references as `<TERM key>` (HTML) or `TERM(key)` (markdown).
pub(crate) struct ShowTerms;

impl TermRenderer for ShowTerms {
    fn fragment(&self, r: &TermRef, _cx: &RenderCx) -> Fragment {
        Fragment {
            range: r.span.range.clone(),
            html: format!("<TERM {}>", r.key),
            plain: r.key.clone(),
            markdown: format!("TERM({})", r.key),
        }
    }
}

/// Runs `f` with a render context for `pages[page]`.
pub(crate) fn with_cx<T>(
    templates: &Templates,
    pages: &[Page],
    page: usize,
    format: Format,
    f: impl FnOnce(&RenderCx) -> T,
) -> T {
    let options = MarkdownOptions::default();
    let cx = RenderCx {
        format,
        templates,
        markdown: &options,
        pages,
        page: &pages[page],
        terms: &ShowTerms,
        failures: RefCell::new(Vec::new()),
        claimed: RefCell::default(),
        terms_shown: RefCell::default(),
    };
    f(&cx)
}
