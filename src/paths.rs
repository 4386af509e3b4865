//! Paths and links: where a chapter's page lands, relative links between
//! pages (HTML pages, or markdown files for other renderers), links written
//! in `glossary.toml` rebased for the page that shows them, and
//! `{{#include}}` paths resolved exactly as mdBook's `links` resolves them.

use crate::render::Format;
use std::path::{Component, Path, PathBuf};

/// The output path of a chapter source path, with `/` separators
/// (`README.md` becomes `index.html`, as mdBook does).
pub(crate) fn html_path(path: &Path) -> String {
    let mut parts = parts(path);
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

/// A chapter's file as a link target for `format`: its HTML page, or its
/// markdown source for other renderers.
pub(crate) fn target(path: &Path, format: Format) -> String {
    match format {
        Format::Html => html_path(path),
        Format::Markdown => parts(path).join("/"),
    }
}

/// The relative URL from file `from` to file `to` (both `/`-separated and
/// relative to the same root), with an optional `#anchor`; just the anchor
/// when they are the same file.
pub(crate) fn relative(from: &str, to: &str, anchor: Option<&str>) -> String {
    if let (true, Some(anchor)) = (from == to, anchor) {
        return format!("#{anchor}");
    }
    // From a page at the root, the path itself.
    if !from.contains('/') {
        let mut url = String::with_capacity(to.len() + anchor.map_or(0, |a| a.len() + 1));
        url.push_str(to);
        if let Some(anchor) = anchor {
            url.push('#');
            url.push_str(anchor);
        }
        return url;
    }
    let from: Vec<&str> = from.split('/').collect();
    let to_parts: Vec<&str> = to.split('/').collect();
    let from_dir = &from[..from.len().saturating_sub(1)];
    let to_dir = &to_parts[..to_parts.len().saturating_sub(1)];
    let common = from_dir
        .iter()
        .zip(to_dir)
        .take_while(|(a, b)| a == b)
        .count();
    let mut url = "../".repeat(from_dir.len() - common);
    url.push_str(&to_parts[common..].join("/"));
    if let Some(anchor) = anchor {
        url.push('#');
        url.push_str(anchor);
    }
    url
}

/// Rebases a URL written relative to the src dir (in `glossary.toml`) for a
/// page at `page` (an output path): `sub/page.html` needs `../` in front. A
/// link to a `.md` file becomes a link to its page, as mdBook does in
/// chapters. Absolute URLs, `/paths` and `#anchors` are left alone.
pub(crate) fn rebase(url: &str, page: &str) -> String {
    let is_absolute = url.starts_with(['/', '#'])
        || url
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.contains(['/', '?', '#']) && !scheme.is_empty());
    if is_absolute || url.is_empty() {
        return url.to_string();
    }
    let (path, rest) = url
        .find(['#', '?'])
        .map_or((url, ""), |i| (&url[..i], &url[i..]));
    let path = match path.strip_suffix(".md") {
        Some(stem) => html_path(Path::new(&format!("{stem}.md"))),
        None => path.to_string(),
    };
    format!("{}{path}{rest}", "../".repeat(page.matches('/').count()))
}

/// Where `{{#include FILE}}` in chapter `chapter` (relative to the src dir)
/// reads from, as mdBook resolves it: relative to the chapter's directory,
/// which may lead out of the src dir. `FILE` may carry `:anchor` or
/// `:lines`. Returns the file (absolute, `..` resolved) or `None` when the
/// directive names no file.
pub(crate) fn include_target(src_dir: &Path, chapter: &Path, args: &str) -> Option<PathBuf> {
    let file = args.split_whitespace().next()?;
    let file = file.split(':').next().filter(|f| !f.is_empty())?;
    let dir = src_dir.join(chapter.parent().unwrap_or(Path::new("")));
    Some(normalize(&dir.join(file)))
}

/// Resolves `.` and `..` without touching the file system.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            Component::ParentDir if out.has_root() => {}
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to `root` when it lies inside it, as the author sees it.
pub(crate) fn relative_to(path: &Path, root: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn parts(path: &Path) -> Vec<String> {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_paths_follow_mdbook() {
        assert_eq!(html_path(Path::new("README.md")), "index.html");
        assert_eq!(html_path(Path::new("sub/readme.md")), "sub/index.html");
        assert_eq!(html_path(Path::new("sub/a.md")), "sub/a.html");
        assert_eq!(target(Path::new("sub/a.md"), Format::Markdown), "sub/a.md");
    }

    #[test]
    fn relative_links_between_pages() {
        const CASES: &[(&str, &str, Option<&str>, &str)] = &[
            ("a.html", "glossary.html", Some("t"), "glossary.html#t"),
            ("sub/a.html", "glossary.html", None, "../glossary.html"),
            ("glossary.html", "glossary.html", Some("t"), "#t"),
            ("app/glossary.md", "README.md", None, "../README.md"),
            ("app/glossary.md", "app/x.md", None, "x.md"),
            ("glossary.md", "sub/a.md", None, "sub/a.md"),
            ("a/b/c.html", "a/d/e.html", Some("x"), "../d/e.html#x"),
        ];
        for (from, to, anchor, want) in CASES {
            assert_eq!(relative(from, to, *anchor), *want, "{from} -> {to}");
        }
    }

    #[test]
    fn glossary_links_are_rebased_for_the_page() {
        const CASES: &[(&str, &str, &str)] = &[
            ("img/a.png", "sub/deep/p.html", "../../img/a.png"),
            ("approach.md#x", "sub/p.html", "../approach.html#x"),
            ("README.md", "p.html", "index.html"),
            (
                "https://example.com/a.md",
                "sub/p.html",
                "https://example.com/a.md",
            ),
            ("#term-x", "sub/p.html", "#term-x"),
            ("/abs.png", "sub/p.html", "/abs.png"),
            ("mailto:a@b.c", "sub/p.html", "mailto:a@b.c"),
        ];
        for (url, page, want) in CASES {
            assert_eq!(rebase(url, page), *want, "{url} on {page}");
        }
    }

    /// The Rust Book includes `../listings/...` from every chapter.
    #[test]
    fn includes_resolve_from_the_chapter_and_may_leave_the_src_dir() {
        let src = Path::new("/book/src");
        assert_eq!(
            include_target(src, Path::new("ch01.md"), "../listings/x.rs:5:9"),
            Some(PathBuf::from("/book/listings/x.rs"))
        );
        assert_eq!(
            include_target(src, Path::new("sub/a.md"), "b.md"),
            Some(PathBuf::from("/book/src/sub/b.md"))
        );
        assert_eq!(include_target(src, Path::new("a.md"), ""), None);
        assert_eq!(include_target(src, Path::new("a.md"), ":anchor"), None);
    }
}
