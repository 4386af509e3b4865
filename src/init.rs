//! `mdbook-handbook init [ROOT]`: a one-command start, in a new directory or
//! in an existing mdBook.
//!
//! - **New book** (ROOT has no book.toml): writes a small working book that
//!   uses every directive — book.toml, `src/SUMMARY.md`, a chapter with a
//!   term, a script and a checklist, a starter `glossary.toml`, a glossary
//!   page and a checklists page — then installs the reader assets. It checks
//!   clean with warnings denied. If any of those files already exists,
//!   nothing is written.
//! - **Existing book**: adds only what is missing — the
//!   `[preprocessor.handbook]` table with `before = ["links"]`, a glossary, the
//!   glossary and checklists pages (listed at the end of SUMMARY.md), the
//!   installed assets — editing book.toml with `toml_edit` and appending to
//!   SUMMARY.md, never rewriting what is there.
//!
//! Running it again changes nothing. It says what it did.

use crate::config;
use crate::install::{self, BookToml, Shape};
use anyhow::Context;
use std::path::{Path, PathBuf};
use toml_edit::{Array, Item, Table, value};

/// The new book's files, by path under the root (book.toml apart).
const NEW_BOOK: [(&str, &str); 6] = [
    ("src/SUMMARY.md", include_str!("init/SUMMARY.md")),
    (
        "src/getting-started.md",
        include_str!("init/getting-started.md"),
    ),
    ("src/glossary.toml", include_str!("init/glossary.toml")),
    ("src/glossary.md", GLOSSARY_PAGE),
    ("src/checklists.md", CHECKLISTS_PAGE),
    (".gitignore", "/book\n"),
];

/// The new book's book.toml; `{title}` is the directory's name.
const BOOK_TOML: &str = include_str!("init/book.toml");

/// A glossary page: `{{#glossary}}` expands to every term.
const GLOSSARY_PAGE: &str = include_str!("init/glossary.md");

/// A checklists page: `{{#checklists}}` expands to every checklist.
const CHECKLISTS_PAGE: &str = include_str!("init/checklists.md");

/// The glossary an existing book starts with: one term, used by the
/// glossary page itself, so the book still checks clean.
const STARTER_GLOSSARY: &str = include_str!("init/starter-glossary.toml");

/// Creates or completes the book at `root`; returns what it did, one line each.
pub fn init(root: &Path) -> anyhow::Result<Vec<String>> {
    let mut done = if root.join("book.toml").is_file() {
        complete(root)?
    } else {
        create(root)?
    };
    if done.is_empty() {
        done.push(format!(
            "nothing to do: `{}` already has everything the handbook needs",
            root.display()
        ));
    } else {
        done.push(format!(
            "next: `mdbook-handbook check {0}`, then `mdbook serve {0}`",
            root.display()
        ));
    }
    Ok(done)
}

/// A new book in `root`, which may not exist yet.
fn create(root: &Path) -> anyhow::Result<Vec<String>> {
    let taken: Vec<&str> = NEW_BOOK
        .iter()
        .map(|(path, _)| *path)
        .filter(|path| root.join(path).exists())
        .collect();
    if !taken.is_empty() {
        anyhow::bail!(
            "`{}` has no book.toml but already has {}: nothing was written. Run `mdbook-handbook init` in an empty directory, or add a book.toml to make this an mdBook first",
            root.display(),
            taken.join(", ")
        );
    }
    let title = root
        .canonicalize()
        .ok()
        .or_else(|| Some(root.to_path_buf()))
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "Handbook".to_string());
    let book_toml = BOOK_TOML.replace("{title}", &toml_edit::Value::from(title).to_string());
    let mut done = Vec::new();
    write_new(root, "book.toml", &book_toml, &mut done)?;
    for (path, contents) in NEW_BOOK {
        write_new(root, path, contents, &mut done)?;
    }
    done.extend(install::install(root)?);
    Ok(done)
}

/// Writes a file that must not exist yet.
fn write_new(root: &Path, rel: &str, contents: &str, done: &mut Vec<String>) -> anyhow::Result<()> {
    let path = root.join(rel);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("could not create `{}`", dir.display()))?;
    }
    let mut file = std::fs::File::create_new(&path)
        .with_context(|| format!("could not create `{}`", path.display()))?;
    std::io::Write::write_all(&mut file, contents.as_bytes())
        .with_context(|| format!("could not write `{}`", path.display()))?;
    done.push(format!("created {rel}"));
    Ok(())
}

/// Adds what an existing book lacks.
fn complete(root: &Path) -> anyhow::Result<Vec<String>> {
    let book_toml = root.join("book.toml");
    let text = std::fs::read_to_string(&book_toml)
        .with_context(|| format!("could not read `{}`", book_toml.display()))?;
    let handbook: &[&str] = &["preprocessor", config::NAME];
    let mut doc = BookToml::parse_expecting(
        &text,
        &[
            (&["preprocessor"], Shape::Table),
            (handbook, Shape::Table),
            (&["preprocessor", config::NAME, "before"], Shape::Strings),
        ],
    )?;
    let mut done = Vec::new();
    register_preprocessor(&mut doc, &mut done);
    doc.register_assets(&mut done);

    let src_dir = doc
        .doc
        .get("book")
        .and_then(|b| b.get("src"))
        .and_then(Item::as_str)
        .unwrap_or("src")
        .to_string();
    let glossary = doc
        .doc
        .get("preprocessor")
        .and_then(|p| p.get(config::NAME))
        .and_then(|h| h.get("glossary"))
        .and_then(Item::as_str)
        .unwrap_or("glossary.toml")
        .to_string();
    let src = root.join(&src_dir);
    let summary = src.join("SUMMARY.md");
    if !summary.is_file() {
        anyhow::bail!(
            "`{}` does not exist: an mdBook lists its chapters there (see `mdbook init`); nothing was changed",
            summary.display()
        );
    }
    add_if_missing(
        &src.join(&glossary),
        &src_dir,
        &glossary,
        STARTER_GLOSSARY,
        &mut done,
    )?;
    let pages = [
        ("glossary.md", "Glossary", "{{#glossary}}", GLOSSARY_PAGE),
        (
            "checklists.md",
            "Checklists",
            "{{#checklists}}",
            CHECKLISTS_PAGE,
        ),
    ];
    let mut listed = Vec::new();
    for (file, title, directive, contents) in pages {
        if let Some(entry) = add_page(&src, &src_dir, file, title, directive, contents, &mut done)?
        {
            listed.push(entry);
        }
    }
    append_to_summary(&summary, &src_dir, &listed, &mut done)?;
    install::write_assets(root, &mut done)?;
    doc.save(&book_toml, &mut done)?;
    Ok(done)
}

/// Adds `[preprocessor.handbook]` with `before = ["links"]`, or `"links"` to
/// the `before` of an existing table.
fn register_preprocessor(doc: &mut BookToml, done: &mut Vec<String>) {
    let preprocessor = doc
        .doc
        .as_table_mut()
        .entry("preprocessor")
        .or_insert_with(|| {
            let mut table = Table::new();
            table.set_implicit(true);
            Item::Table(table)
        });
    let Some(preprocessor) = preprocessor.as_table_like_mut() else {
        return; // `parse_expecting` rejected any other shape.
    };
    let mut created = false;
    let handbook = preprocessor.entry(config::NAME).or_insert_with(|| {
        created = true;
        Item::Table(Table::new())
    });
    let Some(handbook) = handbook.as_table_like_mut() else {
        return;
    };
    let before = handbook
        .entry("before")
        .or_insert_with(|| value(Array::new()));
    let Some(before) = before.as_array_mut() else {
        return;
    };
    if before.iter().any(|v| v.as_str() == Some("links")) {
        return;
    }
    install::push_string(before, "links");
    done.push(if created {
        "added [preprocessor.handbook] to book.toml, with before = [\"links\"]".to_string()
    } else {
        "added \"links\" to [preprocessor.handbook] before in book.toml (the handbook must run before mdBook's links)".to_string()
    });
}

/// Writes `path` (shown as `src_dir/rel`) unless it exists.
fn add_if_missing(
    path: &Path,
    src_dir: &str,
    rel: &str,
    contents: &str,
    done: &mut Vec<String>,
) -> anyhow::Result<()> {
    if path.exists() {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("could not create `{}`", dir.display()))?;
    }
    let mut file = std::fs::File::create_new(path)
        .with_context(|| format!("could not create `{}`", path.display()))?;
    std::io::Write::write_all(&mut file, contents.as_bytes())
        .with_context(|| format!("could not write `{}`", path.display()))?;
    done.push(format!("created {src_dir}/{rel}"));
    Ok(())
}

/// Adds the page holding `directive` unless some chapter already has it;
/// returns its SUMMARY.md entry when it was created.
fn add_page(
    src: &Path,
    src_dir: &str,
    file: &str,
    title: &str,
    directive: &str,
    contents: &str,
    done: &mut Vec<String>,
) -> anyhow::Result<Option<String>> {
    if page_with(src, directive).is_some() {
        return Ok(None); // The book has its own page for it.
    }
    if src.join(file).exists() {
        done.push(format!(
            "kept {src_dir}/{file}, which is not the handbook's: put {directive} on the page where the {} should go",
            title.to_lowercase()
        ));
        return Ok(None);
    }
    add_if_missing(&src.join(file), src_dir, file, contents, done)?;
    Ok(Some(format!("[{title}]({file})")))
}

/// The first markdown file under `src` whose text has `directive` (not
/// escaped with a backslash).
fn page_with(src: &Path, directive: &str) -> Option<PathBuf> {
    walkdir::WalkDir::new(src)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .find(|e| {
            std::fs::read_to_string(e.path()).is_ok_and(|text| {
                text.match_indices(directive)
                    .any(|(i, _)| !text[..i].ends_with('\\'))
            })
        })
        .map(|e| e.into_path())
}

/// Appends `entries` to SUMMARY.md as unnumbered chapters after the others.
fn append_to_summary(
    summary: &Path,
    src_dir: &str,
    entries: &[String],
    done: &mut Vec<String>,
) -> anyhow::Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut text = std::fs::read_to_string(summary)
        .with_context(|| format!("could not read `{}`", summary.display()))?;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    // A blank line ends the list of numbered chapters.
    text.push('\n');
    for entry in entries {
        text.push_str(entry);
        text.push('\n');
    }
    std::fs::write(summary, text)
        .with_context(|| format!("could not write `{}`", summary.display()))?;
    done.push(format!(
        "listed {} at the end of {src_dir}/SUMMARY.md",
        entries.join(" and ")
    ));
    Ok(())
}
