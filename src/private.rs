//! The in-process `build`'s HTML renderer: mdBook's, with the reader's
//! CSS/JS provided and the book's data files (the glossary) kept out of the
//! built site.
//!
//! **Assets.** Pages load the handbook's CSS/JS as files, through mdBook's
//! `additional-css` / `additional-js`. A book that ran `install` has them
//! (and the `mdbook` CLI needs them there). For a book that did not, or whose
//! copies are stale, the renderer runs over an overlay root: a scratch folder
//! beside the site that holds the current assets and links to everything else
//! the renderer reads from the book's root, with the src and theme dirs given
//! as absolute paths. Nothing is written into the book's sources.
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

use crate::{assets, config};
use mdbook_driver::MDBook;
use mdbook_driver::config::HtmlConfig;
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
        match Overlay::for_book(ctx)? {
            Some(overlay) => {
                let result = self.0.render(&overlay.ctx);
                overlay.remove();
                result?;
            }
            None => self.0.render(ctx)?,
        }
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

/// A render context whose root holds the current assets.
struct Overlay {
    ctx: RenderContext,
    dir: PathBuf,
}

impl Overlay {
    /// `None` when the book's own installed assets are current and loaded.
    fn for_book(ctx: &RenderContext) -> anyhow::Result<Option<Overlay>> {
        let mut html: HtmlConfig = ctx
            .config
            .get("output.html")
            .ok()
            .flatten()
            .unwrap_or_default();
        if assets::all_current(&ctx.root) && assets::all_registered(&html) {
            return Ok(None);
        }
        let dir = overlay_dir(&ctx.destination);
        let _ = std::fs::remove_dir_all(&dir);
        let made = Self::make(ctx, &mut html, &dir);
        if made.is_err() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        made.map(|ctx| Some(Overlay { ctx, dir }))
    }

    fn make(
        ctx: &RenderContext,
        html: &mut HtmlConfig,
        dir: &Path,
    ) -> anyhow::Result<RenderContext> {
        let root = std::path::absolute(&ctx.root)?;
        let write = |path: &Path, contents: &[u8]| -> anyhow::Result<()> {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, contents)
                .map_err(|e| anyhow::anyhow!("could not write `{}`: {e}", path.display()))
        };
        for asset in assets::ALL {
            write(&dir.join(asset.path), asset.contents.as_bytes())?;
        }
        // The book's own additional files, where the renderer looks for them.
        for file in html.additional_css.iter().chain(&html.additional_js) {
            let from = root.join(file);
            let to = dir.join(file);
            if from.is_file() && !to.exists() && file.is_relative() {
                write(&to, &std::fs::read(&from)?)?;
            }
        }
        for asset in [assets::CSS, assets::JS] {
            let list = if asset.key == "additional-css" {
                &mut html.additional_css
            } else {
                &mut html.additional_js
            };
            if !list.iter().any(|p| p == Path::new(asset.path)) {
                list.push(PathBuf::from(asset.path));
            }
        }
        let mut config = ctx.config.clone();
        config.book.src = root.join(&ctx.config.book.src);
        config.build.build_dir = root.join(&ctx.config.build.build_dir);
        // The book's theme, if it has one (mdBook's defaults otherwise).
        let theme = html.theme_dir(&root);
        html.theme = theme.is_dir().then_some(theme);
        config.set("output.html", &*html)?;
        let mut overlay = ctx.clone();
        overlay.root = dir.to_path_buf();
        overlay.config = config;
        Ok(overlay)
    }

    fn remove(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The scratch root beside the site at `destination`.
fn overlay_dir(destination: &Path) -> PathBuf {
    let name = destination
        .file_name()
        .map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned());
    destination.with_file_name(format!(".{name}.handbook-root"))
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
