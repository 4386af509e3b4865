//! The book's chapters as the preprocessor sees them: each one's source file,
//! where its HTML page lands, and its scan. Also the book-wide checks that are
//! about files rather than directives: `{{#include}}`s that point nowhere or
//! hide directives, and markdown files `SUMMARY.md` forgot.

use crate::diagnostics::{Diagnostics, Severity, SourceId, Span};
use crate::markdown::{self, Scan};
use mdbook_markdown::MarkdownOptions;
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// mdBook's own `{{#...}}` directives, expanded by its `links` preprocessor.
pub const MDBOOK_DIRECTIVES: [&str; 5] = [
    "include",
    "rustdoc_include",
    "playground",
    "playpen",
    "title",
];

/// One chapter.
#[derive(Debug)]
pub struct Page {
    /// Index of the chapter in book order.
    pub index: usize,
    /// The chapter's title.
    pub name: String,
    /// Source path relative to the src dir, e.g. `sub/intro.md`.
    pub path: PathBuf,
    /// The chapter's text, registered for diagnostics.
    pub source: SourceId,
    /// Directives and text runs found in the chapter.
    pub scan: Scan,
}

impl Page {
    /// Where the rendered page lands, relative to the book's output root,
    /// with `/` separators (`README.md` becomes `index.html`, as mdBook does).
    pub fn html_path(&self) -> String {
        html_path(&self.path)
    }

    /// A relative URL from this page to `target` (an output path such as
    /// `glossary.html`), with an optional `#anchor`.
    pub fn link_to(&self, target: &str, anchor: Option<&str>) -> String {
        let here = self.html_path();
        if let (true, Some(anchor)) = (target == here, anchor) {
            return format!("#{anchor}");
        }
        let mut url = "../".repeat(here.matches('/').count());
        url.push_str(target);
        if let Some(anchor) = anchor {
            url.push('#');
            url.push_str(anchor);
        }
        url
    }

    /// A span in this chapter.
    pub fn span(&self, range: std::ops::Range<usize>) -> Span {
        Span::new(self.source, range)
    }
}

/// The output path of a chapter source path.
pub fn html_path(path: &Path) -> String {
    let mut parts: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    if let Some(last) = parts.last_mut() {
        let stem = Path::new(last.as_str())
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        *last = if stem.eq_ignore_ascii_case("readme") {
            "index.html".to_string()
        } else {
            format!("{stem}.html")
        };
    }
    parts.join("/")
}

/// A chapter's source path relative to the src dir; `None` for a draft.
pub fn chapter_path(chapter: &Chapter) -> Option<&Path> {
    chapter.source_path.as_deref().or(chapter.path.as_deref())
}

/// Registers and scans every chapter that has a source file.
pub fn load(
    book: &Book,
    src_dir_display: &Path,
    options: &MarkdownOptions,
    diags: &mut Diagnostics,
) -> Vec<Page> {
    let mut pages = Vec::new();
    for item in book.iter() {
        let BookItem::Chapter(chapter) = item else {
            continue;
        };
        let Some(path) = chapter_path(chapter).map(Path::to_path_buf) else {
            continue; // a draft chapter: no file, nothing to check
        };
        let source = diags.add_source(src_dir_display.join(&path), chapter.content.clone());
        pages.push(Page {
            index: pages.len(),
            name: chapter.name.clone(),
            path,
            source,
            scan: markdown::scan(&chapter.content, options),
        });
    }
    pages
}

/// Checks every `{{#include}}`: the file must exist, and an included file
/// must not hold handbook directives (they would not be expanded: mdBook
/// includes files after this preprocessor has run). Returns the included
/// files, relative to the src dir.
pub fn check_includes(
    pages: &[Page],
    src_dir: &Path,
    options: &MarkdownOptions,
    diags: &mut Diagnostics,
) -> BTreeSet<PathBuf> {
    let mut included = BTreeSet::new();
    for page in pages {
        for d in &page.scan.inline {
            if d.escaped || !(d.name == "include" || d.name == "rustdoc_include") {
                continue;
            }
            let file = d.args.split_whitespace().next().unwrap_or("");
            let file = file.split(':').next().unwrap_or(file);
            let args_span = page.span(d.args_offset..d.args_offset + d.args.len().max(1));
            if file.is_empty() {
                diags
                    .error(args_span, format!("`{{{{#{}}}}}` names no file", d.name))
                    .help("write the path of the file to include, relative to this chapter");
                continue;
            }
            let chapter_dir = page.path.parent().unwrap_or(Path::new(""));
            let relative = normalize(&chapter_dir.join(file));
            let full = src_dir.join(&relative);
            let Ok(text) = std::fs::read_to_string(&full) else {
                let expected = page_display_dir(diags, page).join(&relative);
                diags
                    .error(args_span, format!("included file `{file}` does not exist"))
                    .help(format!(
                        "the path is relative to this chapter: expected `{}`",
                        expected.display()
                    ));
                continue;
            };
            included.insert(relative.clone());
            if d.in_code {
                continue;
            }
            let scan = markdown::scan(&text, options);
            let hidden = scan
                .fenced
                .iter()
                .map(|b| (b.range.start, format!("a `{}` block", b.kind)))
                .chain(
                    scan.inline
                        .iter()
                        .filter(|i| {
                            !i.in_code
                                && !i.escaped
                                && !MDBOOK_DIRECTIVES.contains(&i.name.as_str())
                        })
                        .map(|i| (i.range.start, format!("`{{{{#{}}}}}`", i.name))),
                )
                .min();
            if let Some((offset, what)) = hidden {
                let inner =
                    diags.add_source(page_display_dir(diags, page).join(&relative), text.clone());
                diags
                    .error(
                        page.span(d.range.clone()),
                        format!("included file `{file}` holds {what}, which would not be expanded"),
                    )
                    .note(Span::new(inner, offset..offset + 3), "the directive is here")
                    .help("move the directive into the chapter itself, or make the included file a chapter of its own");
            }
        }
    }
    included
}

/// The display path of the src dir, derived from a page's display path.
fn page_display_dir(diags: &Diagnostics, page: &Page) -> PathBuf {
    let display = diags.path(page.source);
    let depth = page.path.components().count();
    let mut dir = display.to_path_buf();
    for _ in 0..depth {
        dir.pop();
    }
    dir
}

/// Warns about markdown files under the src dir that no chapter, include or
/// `SUMMARY.md` accounts for: usually a chapter someone forgot to link.
pub fn check_unlisted(
    pages: &[Page],
    included: &BTreeSet<PathBuf>,
    src_dir: &Path,
    src_dir_display: &Path,
    diags: &mut Diagnostics,
) {
    let listed: BTreeSet<PathBuf> = pages.iter().map(|p| normalize(&p.path)).collect();
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(src_dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .filter_map(|e| e.path().strip_prefix(src_dir).ok().map(Path::to_path_buf))
        .collect();
    files.sort();
    for file in files {
        if file == Path::new("SUMMARY.md") || listed.contains(&file) || included.contains(&file) {
            continue;
        }
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

/// Resolves `.` and `..` without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str) -> Page {
        Page {
            index: 0,
            name: String::new(),
            path: PathBuf::from(path),
            source: Diagnostics::new().add_source("x", ""),
            scan: Scan::default(),
        }
    }

    #[test]
    fn html_paths_follow_mdbook() {
        assert_eq!(html_path(Path::new("README.md")), "index.html");
        assert_eq!(html_path(Path::new("sub/readme.md")), "sub/index.html");
        assert_eq!(html_path(Path::new("sub/a.md")), "sub/a.html");
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
