//! The book's chapters as the preprocessor sees them: each one's source file,
//! where its HTML page lands, and its scan. Also the book-wide checks that are
//! about files rather than directives: `{{#include}}`s that point nowhere or
//! hide directives, and markdown files `SUMMARY.md` forgot.

use crate::diagnostics::{Diagnostics, Severity, SourceId, Span};
use crate::markdown::{self, Scan, ScanOptions};
use crate::paths;
use crate::render::Format;
use foldhash::HashSet;
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// mdBook's own `{{#...}}` directives, expanded by its `links` preprocessor.
pub(crate) const MDBOOK_DIRECTIVES: [&str; 5] = [
    "include",
    "rustdoc_include",
    "playground",
    "playpen",
    "title",
];

/// One chapter.
#[derive(Debug)]
pub(crate) struct Page {
    /// Index of the chapter in book order.
    pub(crate) index: usize,
    /// The chapter's title.
    pub(crate) name: String,
    /// Source path relative to the src dir, e.g. `sub/intro.md`.
    pub(crate) path: PathBuf,
    /// Where the rendered page lands (see [`Page::html_path`]).
    pub(crate) html: String,
    /// The chapter's text, registered for diagnostics.
    pub(crate) source: SourceId,
    /// Directives and text runs found in the chapter.
    pub(crate) scan: Scan,
}

impl Page {
    /// Where the rendered page lands, relative to the book's output root,
    /// with `/` separators (`README.md` becomes `index.html`, as mdBook does).
    pub(crate) fn html_path(&self) -> &str {
        &self.html
    }

    /// How many folders deep the rendered page lands (`a/b.html` is 1).
    pub(crate) fn depth(&self) -> usize {
        self.html.matches('/').count()
    }

    /// A relative URL from this page to `target` (an output path such as
    /// `glossary.html`), with an optional `#anchor`.
    pub(crate) fn link_to(&self, target: &str, anchor: Option<&str>) -> String {
        paths::relative(&self.html, target, anchor)
    }

    /// A link from this page to chapter `to`, for `format`: between HTML
    /// pages, or between markdown files for other renderers.
    pub(crate) fn link(&self, to: &Page, anchor: Option<&str>, format: Format) -> String {
        match format {
            Format::Html => paths::relative(&self.html, &to.html, anchor),
            Format::Markdown => paths::relative(
                &paths::target(&self.path, format),
                &paths::target(&to.path, format),
                anchor,
            ),
        }
    }

    /// A span in this chapter.
    pub(crate) fn span(&self, range: std::ops::Range<usize>) -> Span {
        Span::new(self.source, range)
    }
}

/// A chapter's source path relative to the src dir; `None` for a draft.
pub(crate) fn chapter_path(chapter: &Chapter) -> Option<&Path> {
    chapter.source_path.as_deref().or(chapter.path.as_deref())
}

/// Visits every chapter in book order (a chapter before its sub-chapters), as
/// `Book::iter` does; mdBook's `for_each_chapter_mut` visits sub-chapters
/// first.
pub(crate) fn for_each_chapter_in_order(items: &mut [BookItem], f: &mut dyn FnMut(&mut Chapter)) {
    for item in items {
        if let BookItem::Chapter(chapter) = item {
            f(chapter);
            for_each_chapter_in_order(&mut chapter.sub_items, f);
        }
    }
}

/// Registers and scans every chapter that has a source file, in book order.
/// Each chapter's text moves into `diags` (one copy of the book, not two):
/// the book's chapters are left empty until [`crate::preprocess`] gives
/// them their new text.
pub(crate) fn load(
    book: &mut Book,
    src_dir_display: &Path,
    options: ScanOptions,
    diags: &mut Diagnostics,
) -> Vec<Page> {
    let mut chapters = Vec::new();
    for_each_chapter_in_order(&mut book.items, &mut |chapter| {
        let Some(path) = chapter_path(chapter).map(Path::to_path_buf) else {
            return; // a draft chapter: no file, nothing to check
        };
        let text = std::mem::take(&mut chapter.content);
        chapters.push((chapter.name.clone(), path, text));
    });
    let scans = crate::parallel::map(&chapters, 32, |(_, _, text)| markdown::scan(text, options));
    chapters
        .into_iter()
        .zip(scans)
        .enumerate()
        .map(|(index, ((name, path, text), scan))| Page {
            index,
            name,
            html: paths::html_path(&path),
            source: diags.add_source(src_dir_display.join(&path), text),
            path,
            scan,
        })
        .collect()
}

/// Gives each chapter with a source file, in the order [`load`] read them,
/// the next of `texts`: [`load`] undone, with the new texts or the old.
pub(crate) fn give_texts(book: &mut Book, mut texts: impl Iterator<Item = String>) {
    for_each_chapter_in_order(&mut book.items, &mut |chapter| {
        if chapter_path(chapter).is_some()
            && let Some(text) = texts.next()
        {
            chapter.content = text;
        }
    });
}

/// The names a book's directives own, for finding them in included files.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Owned<'a> {
    /// Fenced block kinds.
    pub(crate) fenced: &'a [&'a str],
    /// Inline directive names.
    pub(crate) inline: &'a [&'a str],
}

/// Checks every `{{#include}}` as mdBook's `links` resolves it (relative to
/// the chapter, possibly outside the src dir; also in code, where mdBook
/// expands it too): the file must exist, and an included file must not hold
/// handbook directives (they would not be expanded: mdBook includes files
/// after this preprocessor has run). Returns the included files.
pub(crate) fn check_includes(
    pages: &[Page],
    root: &Path,
    src_dir: &Path,
    options: ScanOptions,
    owned: Owned,
    diags: &mut Diagnostics,
) -> BTreeSet<PathBuf> {
    let mut included = BTreeSet::new();
    for page in pages {
        for d in &page.scan.inline {
            // In a code span, an include is an example of one (mdBook's own
            // guide writes them so); in a code block it is a listing.
            let example = d.context == markdown::Context::Code;
            if d.escaped || example || !(d.name == "include" || d.name == "rustdoc_include") {
                continue;
            }
            let args_span = page.span(d.args_offset..d.args_offset + d.args.len().max(1));
            let Some(file) = paths::include_target(src_dir, &page.path, &d.args) else {
                // mdBook leaves it as text; in code it is an example.
                if !d.in_code() {
                    diags
                        .error(args_span, format!("`{{{{#{}}}}}` names no file", d.name))
                        .help("write the path of the file to include, relative to this chapter");
                }
                continue;
            };
            let shown = paths::relative_to(&file, root);
            let Ok(text) = std::fs::read_to_string(&file) else {
                let written = d.args.split_whitespace().next().unwrap_or_default();
                diags
                    .error(
                        args_span,
                        format!("included file `{written}` does not exist"),
                    )
                    .help(format!(
                        "the path is relative to this chapter: expected `{}`",
                        shown.display()
                    ));
                continue;
            };
            included.insert(file.clone());
            if !d.in_code() {
                check_included_text(page, d, &shown, text, options, owned, diags);
            }
        }
    }
    included
}

/// Reports the first handbook directive hiding in an included file.
fn check_included_text(
    page: &Page,
    d: &markdown::InlineDirective,
    shown: &Path,
    text: String,
    options: ScanOptions,
    owned: Owned,
    diags: &mut Diagnostics,
) {
    let scan = markdown::scan(
        &text,
        ScanOptions {
            fenced: owned.fenced,
            ..options
        },
    );
    let hidden = scan
        .fenced
        .iter()
        .map(|b| (b.range.start, format!("a `{}` block", b.kind)))
        .chain(
            scan.inline
                .iter()
                .filter(|i| !i.in_code() && !i.escaped && owned.inline.contains(&i.name.as_ref()))
                .map(|i| (i.range.start, format!("`{{{{#{}}}}}`", i.name))),
        )
        .min();
    if let Some((offset, what)) = hidden {
        let written = d.args.split_whitespace().next().unwrap_or_default();
        let inner = diags.add_source(shown, text);
        diags
            .error(
                page.span(d.range.clone()),
                format!("included file `{written}` holds {what}, which would not be expanded"),
            )
            .note(Span::new(inner, offset..offset + 3), "the directive is here")
            .help("move the directive into the chapter itself, or make the included file a chapter of its own");
    }
}

/// Warns about markdown files under the src dir that no chapter, include or
/// `SUMMARY.md` accounts for: usually a chapter someone forgot to link.
/// mdBook's own `404.md` (or the file `output.html.input-404` names) is a
/// page of its own, not a forgotten chapter.
pub(crate) fn check_unlisted(
    pages: &[Page],
    included: &BTreeSet<PathBuf>,
    src_dir: &Path,
    src_dir_display: &Path,
    input_404: &Path,
    diags: &mut Diagnostics,
) {
    let listed: HashSet<PathBuf> = pages.iter().map(|p| paths::normalize(&p.path)).collect();
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(src_dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .filter(|e| included.is_empty() || !included.contains(&paths::normalize(e.path())))
        .filter_map(|e| e.path().strip_prefix(src_dir).ok().map(Path::to_path_buf))
        .filter(|f| f != Path::new("SUMMARY.md") && f != input_404 && !listed.contains(f))
        .collect();
    // In a stable order, whatever order the file system lists them in.
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(src_dir.join(&file)).unwrap_or_default();
        let source = diags.add_source(src_dir_display.join(&file), text);
        diags
            .file_problem(
                Severity::Warning,
                source,
                format!("`{}` is not listed in SUMMARY.md", file.display()),
            )
            .help(format!(
                "add `- [Title]({})` to SUMMARY.md, or delete the file",
                file.display()
            ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str) -> Page {
        Page {
            index: 0,
            name: String::new(),
            html: paths::html_path(Path::new(path)),
            path: PathBuf::from(path),
            source: Diagnostics::new().add_source("x", ""),
            scan: Scan::default(),
        }
    }

    #[test]
    fn links_are_relative_to_the_page() {
        assert_eq!(
            page("a.md").link_to("glossary.html", Some("t")),
            "glossary.html#t"
        );
        assert_eq!(
            page("sub/a.md").link_to("glossary.html", None),
            "../glossary.html"
        );
        assert_eq!(
            page("glossary.md").link_to("glossary.html", Some("t")),
            "#t"
        );
    }
}
