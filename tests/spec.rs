//! Spec-style cases, as data: each `=== name` section of `tests/specs/*.md`
//! is a chapter (a literal `\r` before a line end is a carriage return).
//! It runs as `case.md` of the `spec` fixture book, and the preprocessed
//! chapter is compared: `passthrough.md` cases with their input, byte for
//! byte; the others with snapshots of the preprocessed markdown (HTML and
//! markdown renderers), or of the diagnostics for a book that fails. The
//! snapshots hold what this preprocessor writes, not mdBook's page, so an
//! mdBook upgrade does not churn them.

mod support;

use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::BookItem;
use std::path::Path;

/// The cases of one spec file: (name, chapter text).
fn cases(file: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(support::crate_root().join("tests/specs").join(file))
        .expect("spec file");
    text.split("=== ")
        .filter(|c| !c.is_empty())
        .map(|case| {
            let (name, body) = case.split_once('\n').expect("a name line");
            (name.trim().to_string(), body.replace("\\r\n", "\r\n"))
        })
        .collect()
}

/// Preprocesses `chapter` as `case.md` of the spec book for `renderer`: the
/// new chapter, or the diagnostics.
fn run(chapter: &str, renderer: &str) -> Result<String, String> {
    let root = support::fixture("spec");
    let mut book = mdbook_driver::MDBook::load(&root).expect("spec book");
    book.book.for_each_chapter_mut(|ch| {
        if ch.path.as_deref() == Some(Path::new("case.md")) {
            ch.content = chapter.to_string();
        }
    });
    let ctx = PreprocessorContext::new(root, book.config.clone(), renderer.to_string());
    let (out, diags) = mdbook_handbook::preprocess(&ctx, book.book);
    let out = out.ok_or_else(|| diags.render(false))?;
    let content = out
        .iter()
        .find_map(|item| match item {
            BookItem::Chapter(ch) if ch.path.as_deref() == Some(Path::new("case.md")) => {
                Some(ch.content.clone())
            }
            _ => None,
        })
        .expect("case chapter");
    // The reader's CSS/JS have tests of their own.
    let end = content.find("\n\n<style>").unwrap_or(content.len());
    Ok(content[..end].to_string())
}

fn snapshot_cases(file: &str) {
    for (name, chapter) in cases(file) {
        for renderer in ["html", "markdown"] {
            let out = run(&chapter, renderer).unwrap_or_else(|diags| diags);
            let snapshot =
                format!("{}__{}__{renderer}", file.trim_end_matches(".md"), name).replace(' ', "_");
            insta::assert_snapshot!(snapshot, out, &chapter);
        }
    }
}

#[test]
fn chapters_without_directives_pass_through_byte_for_byte() {
    for (name, chapter) in cases("passthrough.md") {
        for renderer in ["html", "markdown"] {
            assert_eq!(
                run(&chapter, renderer).as_deref(),
                Ok(chapter.as_str()),
                "{name} ({renderer})"
            );
        }
    }
}

#[test]
fn glossary_specs() {
    snapshot_cases("glossary.md");
}

#[test]
fn script_specs() {
    snapshot_cases("script.md");
}

#[test]
fn checklist_specs() {
    snapshot_cases("checklist.md");
}
