//! Keeps the book's data files (the glossary) out of the built site.
//!
//! mdBook's HTML renderer copies every file of the src dir that is not
//! markdown into the site (`copy_files_except_ext(src, dest, .., &["md"])` in
//! mdbook-html's `hbs_renderer.rs`), with no setting to leave a file out: so
//! `glossary.toml` would be published next to the pages. The in-process
//! `build` wraps that renderer and removes the copies of the files the
//! handbook reads once the site is written. The source stays where it is, in
//! the src dir, so `mdbook serve` still rebuilds when it changes.
//!
//! The `mdbook` CLI runs its own renderer, which a preprocessor cannot
//! reach; there, a glossary kept outside the src dir (see the README) is the
//! way to keep it private.

use crate::config;
use mdbook_driver::MDBook;
use mdbook_html::HtmlHandlebars;
use mdbook_renderer::{RenderContext, Renderer};
use std::path::{Component, Path, PathBuf};

/// Replaces the book's HTML renderer, if it has one, with one that leaves
/// the handbook's data files out of the site.
pub(crate) fn keep_data_out_of_the_site(book: &mut MDBook) {
    let outputs = book
        .config
        .get::<toml::Table>("output")
        .ok()
        .flatten()
        .unwrap_or_default();
    // No [output] at all means mdBook's default: HTML alone.
    if outputs.is_empty() || outputs.contains_key("html") {
        book.with_renderer(PrivateData(HtmlHandlebars::new()));
    }
}

/// The HTML renderer, followed by the removal of the data files' copies.
struct PrivateData(HtmlHandlebars);

impl Renderer for PrivateData {
    fn name(&self) -> &str {
        self.0.name()
    }

    fn render(&self, ctx: &RenderContext) -> anyhow::Result<()> {
        self.0.render(ctx)?;
        let handbook: config::Config = ctx
            .config
            .get(&format!("preprocessor.{}", config::NAME))
            .ok()
            .flatten()
            .unwrap_or_default();
        for file in handbook.data_files() {
            if let Some(copy) = copy_in_site(&ctx.destination, &file) {
                std::fs::remove_file(&copy).map_err(|e| {
                    anyhow::anyhow!(
                        "could not remove the data file `{}` from the site: {e}",
                        copy.display()
                    )
                })?;
            }
        }
        Ok(())
    }
}

/// Where mdBook copied `file` (a path relative to the src dir) in the site
/// at `destination`: only files inside the src dir are copied.
fn copy_in_site(destination: &Path, file: &Path) -> Option<PathBuf> {
    let inside = file
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    let copy = destination.join(file);
    (inside && copy.is_file()).then_some(copy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_copies_of_files_inside_the_src_dir_are_removed() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir(site.path().join("data")).unwrap();
        std::fs::write(site.path().join("glossary.toml"), "").unwrap();
        std::fs::write(site.path().join("data/terms.toml"), "").unwrap();
        let found = |f: &str| copy_in_site(site.path(), Path::new(f));
        assert_eq!(
            found("glossary.toml"),
            Some(site.path().join("glossary.toml"))
        );
        assert_eq!(
            found("./data/terms.toml"),
            Some(site.path().join("./data/terms.toml"))
        );
        assert_eq!(found("../glossary.toml"), None);
        assert_eq!(found("/etc/passwd"), None);
        assert_eq!(found("missing.toml"), None);
        assert_eq!(found("data"), None);
    }
}
