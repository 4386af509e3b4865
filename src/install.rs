//! `mdbook-handbook install [ROOT]`: puts the reader's CSS and JS into a book.
//!
//! It writes the embedded assets (see `assets.rs`) under the book root and
//! lists them in book.toml's `[output.html]` `additional-css` /
//! `additional-js`, editing book.toml with `toml_edit` so that its comments,
//! order and formatting stay as they were. Running it again changes nothing;
//! after an upgrade it refreshes the copies. It says what it did.
//!
//! A book.toml it cannot edit safely (invalid TOML, an `[output.html]` or an
//! `additional-css` of the wrong type) is an error at its line and column,
//! and nothing is written.

use crate::assets::{self, Asset, Status};
use crate::diagnostics::{Diagnostics, MessageFormat, Reported, Span};
use anyhow::Context;
use std::ops::Range;
use std::path::Path;
use toml_edit::{Array, DocumentMut, Item, TableLike};

/// Installs the assets into the book at `root`; returns what it did, one
/// line each.
pub fn install(root: &Path) -> anyhow::Result<Vec<String>> {
    let book_toml = root.join("book.toml");
    if !book_toml.is_file() {
        anyhow::bail!(
            "no book.toml in `{}`: is this a book's root? (`mdbook-handbook init {}` creates a book there)",
            root.display(),
            root.display()
        );
    }
    let text = std::fs::read_to_string(&book_toml)
        .with_context(|| format!("could not read `{}`", book_toml.display()))?;
    let mut doc = BookToml::parse(&text)?;
    let mut done = Vec::new();
    doc.register_assets(&mut done);
    write_assets(root, &mut done)?;
    doc.save(&book_toml, &mut done)?;
    if done.is_empty() {
        done.push(format!(
            "nothing to do: {} and {} are current and registered in book.toml",
            assets::CSS.path,
            assets::JS.path
        ));
    }
    Ok(done)
}

/// Writes each asset that is missing or not this version's.
pub(crate) fn write_assets(root: &Path, done: &mut Vec<String>) -> anyhow::Result<()> {
    for asset in &assets::ALL {
        let what = match assets::status(root, asset) {
            Status::Current => continue,
            Status::Missing => "wrote",
            Status::Stale => "updated",
        };
        let path = root.join(asset.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("could not create `{}`", dir.display()))?;
        }
        std::fs::write(&path, asset.contents)
            .with_context(|| format!("could not write `{}`", path.display()))?;
        done.push(format!(
            "{what} {} ({} KB)",
            asset.path,
            asset.contents.len().div_ceil(1024)
        ));
    }
    Ok(())
}

/// A book.toml being edited: its text, checked and parsed with spans, and
/// the editable document.
pub(crate) struct BookToml {
    original: String,
    /// The document, edited in place.
    pub(crate) doc: DocumentMut,
}

/// What a value in book.toml must be, for [`BookToml::expect`].
#[derive(Clone, Copy)]
pub(crate) enum Shape {
    /// A table, `[x]` or `x = { … }`.
    Table,
    /// An array of strings.
    Strings,
}

impl BookToml {
    /// Parses `text`, checking that the parts `install` edits have the
    /// right types; problems are printed at their line and column.
    pub(crate) fn parse(text: &str) -> anyhow::Result<BookToml> {
        Self::parse_expecting(text, &[])
    }

    /// As [`BookToml::parse`], also checking the `(key path, shape)` pairs of
    /// `more` (a caller's own keys).
    pub(crate) fn parse_expecting(
        text: &str,
        more: &[(&[&str], Shape)],
    ) -> anyhow::Result<BookToml> {
        let mut diags = Diagnostics::new();
        let source = diags.add_source("book.toml", text);
        let spanned = match toml_edit::Document::parse(text) {
            Ok(doc) => doc,
            Err(e) => {
                let range = e.span().unwrap_or(0..0);
                diags
                    .error(
                        Span::new(source, range),
                        format!("book.toml is not valid TOML: {}", e.message().trim()),
                    )
                    .help("fix the TOML, then run the command again; nothing was changed");
                diags.print(MessageFormat::Human);
                return Err(Reported.into());
            }
        };
        let html: &[&str] = &["output", "html"];
        let checks = [
            (&["output"][..], Shape::Table),
            (html, Shape::Table),
            (&["output", "html", assets::CSS.key][..], Shape::Strings),
            (&["output", "html", assets::JS.key][..], Shape::Strings),
        ];
        for (path, shape) in checks.iter().chain(more) {
            if let Some((range, problem)) = wrong_shape(spanned.as_table(), path, *shape) {
                diags
                    .error(Span::new(source, range), problem)
                    .help("fix it by hand, then run the command again; nothing was changed");
            }
        }
        if diags.failed() {
            diags.print(MessageFormat::Human);
            return Err(Reported.into());
        }
        Ok(BookToml {
            original: text.to_string(),
            doc: spanned.into_mut(),
        })
    }

    /// Lists each asset in `[output.html]`, creating the table if needed.
    /// A book whose `[output]` has renderers but no `html` is left alone.
    pub(crate) fn register_assets(&mut self, done: &mut Vec<String>) {
        let output = self.doc.as_table_mut().entry("output").or_insert_with(|| {
            let mut table = toml_edit::Table::new();
            table.set_implicit(true);
            Item::Table(table)
        });
        let Some(output) = output.as_table_like_mut() else {
            return; // `parse` rejected any other shape.
        };
        if !output.is_empty() && output.get("html").is_none() {
            done.push(
                "book.toml's [output] has no html renderer: the assets are not registered"
                    .to_string(),
            );
            return;
        }
        let html = output
            .entry("html")
            .or_insert_with(|| Item::Table(toml_edit::Table::new()));
        if let Some(html) = html.as_table_like_mut() {
            for asset in &assets::ALL {
                if add_path(html, asset) {
                    done.push(format!(
                        "registered {} in book.toml: [output.html] {}",
                        asset.path, asset.key
                    ));
                }
            }
        }
    }

    /// Writes the document to `path` if it changed.
    pub(crate) fn save(&self, path: &Path, done: &mut Vec<String>) -> anyhow::Result<()> {
        let text = self.doc.to_string();
        if text != self.original {
            std::fs::write(path, text)
                .with_context(|| format!("could not write `{}`", path.display()))?;
            done.push("saved book.toml (comments and formatting kept)".to_string());
        }
        Ok(())
    }
}

/// Adds `asset.path` to the array at `asset.key`; whether it was missing.
fn add_path(html: &mut dyn TableLike, asset: &Asset) -> bool {
    let item = html
        .entry(asset.key)
        .or_insert_with(|| toml_edit::value(Array::new()));
    let Some(array) = item.as_array_mut() else {
        return false; // `parse` rejected any other shape.
    };
    if array.iter().any(|v| v.as_str() == Some(asset.path)) {
        return false;
    }
    push_string(array, asset.path);
    true
}

/// Appends `text` to `array` in the array's own layout: on a line of its
/// own, indented like the others, in a multi-line array (a comment after the
/// last element stays with it); after a space otherwise.
pub(crate) fn push_string(array: &mut Array, text: &str) {
    let raw =
        |r: Option<&toml_edit::RawString>| r.and_then(|r| r.as_str()).unwrap_or("").to_string();
    let mut value = toml_edit::Value::from(text);
    let Some(last) = array.iter_mut().last() else {
        array.push(text);
        return;
    };
    let prefix = raw(last.decor().prefix());
    if prefix.contains('\n') {
        // What follows the last element: a comment, then the line of `]`.
        let trailing = raw(Some(array.trailing()));
        let split = trailing.rfind('\n').unwrap_or(trailing.len());
        value
            .decor_mut()
            .set_prefix(format!("{}{prefix}", &trailing[..split]));
        array.set_trailing(&trailing[split..]);
    } else {
        let suffix = raw(last.decor().suffix());
        last.decor_mut().set_suffix("");
        value.decor_mut().set_prefix(" ");
        value.decor_mut().set_suffix(suffix);
    }
    array.push_formatted(value);
}

/// Where and why the value at `path` is not of `shape`, if it is there.
fn wrong_shape(
    root: &toml_edit::Table,
    path: &[&str],
    shape: Shape,
) -> Option<(Range<usize>, String)> {
    let (last, parents) = path.split_last()?;
    let mut table: &dyn TableLike = root;
    for name in parents {
        table = table.get(name)?.as_table_like()?;
    }
    let (key, item) = table.get_key_value(last)?;
    let span = item.span().or_else(|| key.span()).unwrap_or(0..0);
    let name = path.join(".");
    match shape {
        Shape::Table if !item.is_table_like() => {
            Some((span, format!("`{name}` must be a table, e.g. [{name}]")))
        }
        Shape::Strings => {
            let ok = item
                .as_array()
                .is_some_and(|a| a.iter().all(|v| v.as_str().is_some()));
            (!ok).then(|| {
                (
                    span,
                    format!("`{name}` must be a list of strings, e.g. {last} = [\"a\", \"b\"]"),
                )
            })
        }
        Shape::Table => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edited(text: &str) -> (String, Vec<String>) {
        let mut doc = BookToml::parse(text).expect("parses");
        let mut done = Vec::new();
        doc.register_assets(&mut done);
        (doc.doc.to_string(), done)
    }

    #[test]
    fn registers_into_an_existing_table_keeping_comments_and_order() {
        let text = "# My book\n[book]\ntitle = \"T\"   # aligned\n\n[output.html]\n# our styles\nadditional-css = [\"custom.css\"]\ngit-repository-url = \"x\"\n";
        let (out, done) = edited(text);
        assert_eq!(
            out,
            "# My book\n[book]\ntitle = \"T\"   # aligned\n\n[output.html]\n# our styles\nadditional-css = [\"custom.css\", \"theme/handbook/handbook.css\"]\ngit-repository-url = \"x\"\nadditional-js = [\"theme/handbook/handbook.js\"]\n"
        );
        assert_eq!(done.len(), 2, "{done:?}");
        let (again, done) = edited(&out);
        assert_eq!(again, out);
        assert!(done.is_empty(), "{done:?}");
    }

    #[test]
    fn creates_output_html_when_there_is_none() {
        let (out, _) = edited("[book]\ntitle = \"T\"\n");
        assert_eq!(
            out,
            "[book]\ntitle = \"T\"\n\n[output.html]\nadditional-css = [\"theme/handbook/handbook.css\"]\nadditional-js = [\"theme/handbook/handbook.js\"]\n"
        );
    }

    #[test]
    fn leaves_a_book_without_html_output_alone() {
        let text = "[output.markdown]\n";
        let (out, done) = edited(text);
        assert_eq!(out, text);
        assert!(done[0].contains("no html renderer"), "{done:?}");
    }

    #[test]
    fn refuses_what_it_cannot_edit_safely() {
        for text in [
            "[output]\nhtml = 3\n",
            "[output.html]\nadditional-css = \"one.css\"\n",
            "[output.html]\nadditional-js = [1]\n",
            "[book\n",
        ] {
            let err = BookToml::parse(text).err().expect(text);
            assert!(crate::diagnostics::is_reported(&err), "{text}: {err}");
        }
        let root: toml_edit::Document<&str> =
            toml_edit::Document::parse("[output.html]\nadditional-css = \"one.css\"\n").unwrap();
        let (range, message) = wrong_shape(
            root.as_table(),
            &["output", "html", "additional-css"],
            Shape::Strings,
        )
        .unwrap();
        assert_eq!(range, 31..40);
        assert!(message.contains("must be a list of strings"), "{message}");
    }
}
