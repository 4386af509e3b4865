//! The in-process `build`: it never destroys what it is given.
//!
//! The destination (`--dest-dir`, relative to the book root, or book.toml's
//! `build-dir`) is resolved once, through `..` and symlinks, and refused when
//! it is, contains or lies inside the book's sources: the root (where
//! `book.toml` is, which may only be lived beside), the src dir, the theme dir
//! and the root's `.git`. The site is rendered into a fresh staging directory
//! beside the destination and swapped in by renames only when every renderer
//! succeeded, so a failed build leaves the previous site as it was and no
//! staging directory behind.

use crate::HandbookReporting;
use crate::diagnostics::{Diagnostics, MessageFormat, Span};
use anyhow::{Context, bail};
use mdbook_markdown::pulldown_cmark::{Event, Tag};
use std::fs;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

/// Loads the book at `root` and its configuration, checking what mdBook
/// itself would only log. As `mdbook build` does, a chapter file listed in
/// SUMMARY.md but missing is created (`[build] create-missing`).
pub(crate) fn load_book(root: &Path) -> anyhow::Result<mdbook_driver::MDBook> {
    let config = load_config(root)?;
    mdbook_driver::MDBook::load_with_config(root, config)
        .with_context(|| format!("could not load the book at `{}`", root.display()))
}

/// [`load_book`] for `check`, which writes nothing: a missing chapter file
/// is not created but reported, at its link in SUMMARY.md. `None`: the
/// book could not be loaded, and `diags` says why.
pub(crate) fn load_book_to_check(
    root: &Path,
    diags: &mut Diagnostics,
) -> anyhow::Result<Option<mdbook_driver::MDBook>> {
    let mut config = load_config(root)?;
    config.build.create_missing = false;
    let src_dir = root.join(&config.book.src);
    let src_display = crate::paths::relative_to(&config.book.src, root);
    match mdbook_driver::MDBook::load_with_config(root, config) {
        Ok(book) => Ok(Some(book)),
        // A file that is not there: say which, and where it is listed. Any
        // other failure (SUMMARY.md itself, a file that cannot be read) is
        // mdBook's own error.
        Err(e) if is_not_found(&e) && report_missing_chapters(&src_dir, &src_display, diags) => {
            Ok(None)
        }
        Err(e) => {
            Err(e).with_context(|| format!("could not load the book at `{}`", root.display()))
        }
    }
}

/// Whether `e` comes from a file that does not exist.
fn is_not_found(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == ErrorKind::NotFound)
}

/// Reports every link in SUMMARY.md whose chapter file does not exist, as
/// mdBook reads the links (`%20` is a space); whether there was one.
fn report_missing_chapters(src_dir: &Path, src_display: &Path, diags: &mut Diagnostics) -> bool {
    let Ok(summary) = fs::read_to_string(src_dir.join("SUMMARY.md")) else {
        return false;
    };
    let options = mdbook_markdown::MarkdownOptions::default();
    let missing: Vec<(std::ops::Range<usize>, String)> =
        mdbook_markdown::new_cmark_parser(&summary, &options)
            .into_offset_iter()
            .filter_map(|(event, range)| match event {
                Event::Start(Tag::Link { dest_url, .. }) if !dest_url.is_empty() => {
                    let location = dest_url.replace("%20", " ");
                    (!src_dir.join(&location).is_file()).then_some((range, location))
                }
                _ => None,
            })
            .collect();
    if missing.is_empty() {
        return false;
    }
    let source = diags.add_source(src_display.join("SUMMARY.md"), summary);
    for (range, location) in missing {
        let file = src_display.join(&location);
        diags
            .error(
                Span::new(source, range),
                format!("chapter file `{}` does not exist", file.display()),
            )
            .label("listed here")
            .help(format!(
                "create `{}`, or remove this line; `check` writes nothing (`mdbook build` would create the file empty)",
                file.display()
            ));
    }
    true
}

/// book.toml, with the environment's overrides, checked.
fn load_config(root: &Path) -> anyhow::Result<mdbook_driver::config::Config> {
    let book_toml = root.join("book.toml");
    if !book_toml.is_file() {
        bail!(
            "no book.toml in `{}`: is this a book's root?",
            root.display()
        );
    }
    let mut config = mdbook_driver::config::Config::from_disk(&book_toml)
        .with_context(|| format!("could not load `{}`", book_toml.display()))?;
    config.update_from_env()?;
    if let Err(e) = config.get::<mdbook_driver::config::HtmlConfig>("output.html") {
        bail!("book.toml: invalid [output.html]: {}", e.root_cause());
    }
    // Make sure the handbook runs before `links`, as the repo's book.toml says.
    if !config.contains_key("preprocessor.handbook") {
        config.set("preprocessor.handbook.before", ["links"])?;
    }
    Ok(config)
}

/// `mdbook-handbook build`: builds the book in-process, with the preprocessor
/// registered under its book.toml name so it runs exactly once. `dest_dir`
/// is relative to `root` (default: book.toml's `build-dir`).
pub fn build(root: &Path, dest_dir: Option<&Path>) -> anyhow::Result<()> {
    build_as(root, dest_dir, MessageFormat::Human)
}

/// [`build`], printing diagnostics in `format` (`--message-format`).
pub fn build_as(root: &Path, dest_dir: Option<&Path>, format: MessageFormat) -> anyhow::Result<()> {
    let root =
        fs::canonicalize(root).with_context(|| format!("no book at `{}`", root.display()))?;
    let mut book = load_book(&root)?;
    let (asked, origin) = match dest_dir {
        Some(dir) => (dir.to_path_buf(), Origin::DestDir),
        None => (book.config.build.build_dir.clone(), Origin::BuildDir),
    };
    let dest = resolve(&root.join(&asked));
    let sources = Sources {
        root: root.clone(),
        src: resolve(&book.source_dir()),
        theme: resolve(&book.theme_dir()),
        git: resolve(&root.join(".git")),
    };
    if let Some(refusal) = sources.refuse(&dest) {
        bail!("{}", refusal.message(&asked, &dest, origin));
    }
    let staging = Staging::beside(&dest)?;
    book.config.build.build_dir = staging.path.clone();
    book.with_preprocessor(HandbookReporting {
        format,
        installed_assets: false,
    });
    crate::private::keep_data_out_of_the_site(&mut book);
    book.build()?;
    staging.swap_into(&dest)
}

/// Where the destination came from, to say what to change.
#[derive(Clone, Copy)]
enum Origin {
    DestDir,
    BuildDir,
}

/// The book's own directories, resolved: what a build must never replace.
struct Sources {
    root: PathBuf,
    src: PathBuf,
    theme: PathBuf,
    git: PathBuf,
}

/// Why a destination is refused.
struct Refusal {
    /// "is", "contains" or "lies inside".
    relation: &'static str,
    /// What it would overwrite, e.g. "the book's src dir `/b/src`".
    what: String,
}

impl Sources {
    /// The first source directory that `dest` is, contains or lies inside
    /// (the root itself only when `dest` is or contains it).
    fn refuse(&self, dest: &Path) -> Option<Refusal> {
        let root = ("the book's root (where book.toml is)", &self.root, false);
        let src = ("the book's src dir", &self.src, true);
        let theme = ("the book's theme dir", &self.theme, true);
        let git = ("the book's .git dir", &self.git, true);
        [root, src, theme, git]
            .into_iter()
            .find_map(|(name, dir, inside_too)| {
                let relation = if dest == dir.as_path() {
                    "is"
                } else if dir.starts_with(dest) {
                    "contains"
                } else if inside_too && dest.starts_with(dir) {
                    "lies inside"
                } else {
                    return None;
                };
                let what = format!("{name} `{}`", dir.display());
                Some(Refusal { relation, what })
            })
    }
}

impl Refusal {
    fn message(&self, asked: &Path, dest: &Path, origin: Origin) -> String {
        let shown = if asked.as_os_str().is_empty() || dest != asked {
            format!("`{}` (that is `{}`)", asked.display(), dest.display())
        } else {
            format!("`{}`", dest.display())
        };
        let fix = match origin {
            Origin::DestDir => {
                "pass a `--dest-dir` outside the book's sources, e.g. `--dest-dir target/book` (relative to the book root)"
            }
            Origin::BuildDir => {
                "set `build-dir` in book.toml's [build] table to a directory outside the book's sources, e.g. `build-dir = \"target/book\"`"
            }
        };
        format!(
            "refusing to build into {shown}: it {} {}, and a build replaces its destination\n  help: {fix}",
            self.relation, self.what
        )
    }
}

/// `path` (absolute) with every symlink and `..` resolved: the longest
/// prefix that exists is canonicalized, the rest is normalized lexically.
fn resolve(path: &Path) -> PathBuf {
    let parts: Vec<Component> = path.components().collect();
    for existing in (0..=parts.len()).rev() {
        let prefix: PathBuf = parts[..existing].iter().collect();
        let base = if existing == 0 {
            Ok(PathBuf::new())
        } else {
            fs::canonicalize(&prefix)
        };
        if let Ok(mut resolved) = base {
            for part in &parts[existing..] {
                match part {
                    Component::ParentDir => {
                        resolved.pop();
                    }
                    Component::CurDir => {}
                    other => resolved.push(other),
                }
            }
            return resolved;
        }
    }
    path.to_path_buf()
}

/// A fresh directory beside the destination that the site is rendered into;
/// removed again unless it was swapped in.
struct Staging {
    path: PathBuf,
}

impl Staging {
    /// Creates `.NAME.handbook-new-PID` next to `dest` (and `dest`'s parents).
    fn beside(dest: &Path) -> anyhow::Result<Staging> {
        match fs::symlink_metadata(dest) {
            Ok(meta) if !meta.is_dir() => bail!(
                "cannot build into `{}`: it exists and is not a directory; remove it or choose another destination",
                dest.display()
            ),
            _ => {}
        }
        let path = sibling(dest, "new")?;
        let parent = path.parent().unwrap_or(Path::new("/"));
        fs::create_dir_all(parent)
            .with_context(|| format!("could not create `{}`", parent.display()))?;
        if path.exists() {
            // Left by an earlier run of this process id that was killed.
            fs::remove_dir_all(&path)
                .with_context(|| format!("could not remove the stale `{}`", path.display()))?;
        }
        fs::create_dir(&path).with_context(|| {
            format!(
                "could not create the staging directory `{}`",
                path.display()
            )
        })?;
        Ok(Staging { path })
    }

    /// Puts the staged site at `dest`: the previous one is moved aside, the
    /// new one renamed into place, then the previous one removed. If the
    /// second rename fails the previous site is moved back.
    fn swap_into(self, dest: &Path) -> anyhow::Result<()> {
        let previous = match fs::symlink_metadata(dest) {
            Err(e) if e.kind() == ErrorKind::NotFound => None,
            Err(e) => bail!("could not inspect `{}`: {e}", dest.display()),
            Ok(meta) if !meta.is_dir() => bail!(
                "cannot replace `{}`: it is no longer a directory",
                dest.display()
            ),
            Ok(_) => {
                let aside = sibling(dest, "old")?;
                if aside.exists() {
                    fs::remove_dir_all(&aside).with_context(|| {
                        format!("could not remove the stale `{}`", aside.display())
                    })?;
                }
                fs::rename(dest, &aside).with_context(|| {
                    format!(
                        "could not move the previous build `{}` aside",
                        dest.display()
                    )
                })?;
                Some(aside)
            }
        };
        if let Err(e) = fs::rename(&self.path, dest) {
            if let Some(aside) = &previous {
                // Best effort: the error below says what happened either way.
                let _ = fs::rename(aside, dest);
            }
            bail!(
                "could not move the new build into `{}`: {e}; the previous build was kept",
                dest.display()
            );
        }
        if let Some(aside) = previous
            && let Err(e) = fs::remove_dir_all(&aside)
        {
            eprintln!(
                "warning: the book was built, but the previous build `{}` could not be removed: {e}",
                aside.display()
            );
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // Only still there when the build failed: leave nothing behind.
        if self.path.exists() {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// `.NAME.handbook-KIND-PID` in `dest`'s directory.
fn sibling(dest: &Path, kind: &str) -> anyhow::Result<PathBuf> {
    let (Some(parent), Some(name)) = (dest.parent(), dest.file_name()) else {
        bail!(
            "cannot build into `{}`: choose a directory with a name",
            dest.display()
        );
    };
    let mut file = std::ffi::OsString::from(".");
    file.push(name);
    file.push(format!(".handbook-{kind}-{}", std::process::id()));
    Ok(parent.join(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_normalizes_what_does_not_exist_yet() {
        let dir = tempfile::tempdir().unwrap();
        let base = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir(base.join("a")).unwrap();
        assert_eq!(resolve(&base.join("a/x/../y/")), base.join("a/y"));
        assert_eq!(resolve(&base.join("a/../..")), base.parent().unwrap());
        assert_eq!(resolve(&base.join("./a/.")), base.join("a"));
    }

    #[test]
    fn resolve_follows_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let base = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir(base.join("real")).unwrap();
        std::os::unix::fs::symlink(base.join("real"), base.join("link")).unwrap();
        assert_eq!(resolve(&base.join("link/out")), base.join("real/out"));
        // `..` after a symlink is the target's parent, as the kernel sees it.
        fs::create_dir(base.join("real/inner")).unwrap();
        std::os::unix::fs::symlink(base.join("real/inner"), base.join("deep")).unwrap();
        assert_eq!(resolve(&base.join("deep/..")), base.join("real"));
    }

    #[test]
    fn refusals_name_the_relation() {
        let sources = Sources {
            root: "/b".into(),
            src: "/b/src".into(),
            theme: "/b/theme".into(),
            git: "/b/.git".into(),
        };
        let relation = |dest: &str| sources.refuse(Path::new(dest)).map(|r| r.relation);
        assert_eq!(relation("/b"), Some("is"));
        assert_eq!(relation("/"), Some("contains"));
        assert_eq!(relation("/b/src"), Some("is"));
        assert_eq!(relation("/b/src/out"), Some("lies inside"));
        assert_eq!(relation("/b/theme/x"), Some("lies inside"));
        assert_eq!(relation("/b/.git"), Some("is"));
        assert_eq!(relation("/b/target/book"), None);
        assert_eq!(relation("/b/srcs"), None);
        assert_eq!(relation("/elsewhere"), None);
    }
}
