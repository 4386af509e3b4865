//! Regression tests for what public mdBooks broke: patterns from The Rust
//! Book, the mdBook guide and the async book (the `real-patterns` fixture
//! checks clean and passes through unchanged, in-process and through the
//! real `mdbook` CLI), and each bug found by trying those books, pinned by
//! the smallest book that showed it.

mod support;

use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use std::path::Path;
use support::{fixture, mdbook_cli};

/// A copy of fixture `name` in a temp dir, with `files` (path, text) added
/// or replaced.
fn book_with(name: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixture(name), dir.path());
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Preprocesses the book at `root` for `renderer`: the output book (or the
/// rendered diagnostics) and the book as loaded.
fn preprocess(root: &Path, renderer: &str) -> (Result<Book, String>, Book) {
    let loaded = mdbook_driver::MDBook::load(root).expect("book loads");
    let ctx = PreprocessorContext::new(
        loaded.root.clone(),
        loaded.config.clone(),
        renderer.to_string(),
    );
    let (out, diags) = mdbook_handbook::preprocess(&ctx, loaded.book.clone());
    let out = out.ok_or_else(|| diags.render(false));
    (out, loaded.book)
}

/// Every chapter's path and content, in book order.
fn chapters(book: &Book) -> Vec<(String, String)> {
    book.iter()
        .filter_map(|item| match item {
            BookItem::Chapter(ch) => Some((
                ch.path
                    .as_ref()
                    .map_or(String::new(), |p| p.display().to_string()),
                ch.content.clone(),
            )),
            _ => None,
        })
        .collect()
}

fn chapter<'a>(book: &'a [(String, String)], path: &str) -> &'a str {
    &book.iter().find(|(p, _)| p == path).expect(path).1
}

/// Every `id="..."` that occurs twice in `html`.
fn duplicate_ids(html: &str) -> Vec<String> {
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    for (at, _) in html.match_indices(" id=\"") {
        let rest = &html[at + 5..];
        *seen.entry(&rest[..rest.find('"').unwrap()]).or_default() += 1;
    }
    seen.into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(id, _)| id.to_string())
        .collect()
}

const GLOSSARY: &str = r#"[rtos]
term = "real-time operating system"
abbr = "RTOS"
definition = "Schedules tasks; see [the guide](guide/rtos.md) and ![a diagram](img/rtos.png)."
"#;

#[test]
fn real_book_patterns_check_clean_and_pass_through_unchanged() {
    let root = fixture("real-patterns");
    let outcome = support::check("real-patterns");
    assert!(outcome.success, "{}", outcome.stderr);
    assert!(
        !outcome.stderr.contains("warning"),
        "no warnings either (404.md is not an unlisted chapter): {}",
        outcome.stderr
    );
    for renderer in ["html", "markdown"] {
        let (out, input) = preprocess(&root, renderer);
        assert_eq!(chapters(&out.unwrap()), chapters(&input), "{renderer}");
    }
}

#[test]
fn real_mdbook_cli_output_is_the_same_with_and_without_the_preprocessor() {
    let Some(mdbook) = mdbook_cli() else { return };
    let exe = env!("CARGO_BIN_EXE_mdbook-handbook");
    let dir = book_with("real-patterns", &[]);
    let book = "[book]\ntitle = \"Real-book patterns\"\nsrc = \"src\"\n";
    let outputs =
        "[output.html]\nmathjax-support = true\ndefinition-lists = true\n\n[output.markdown]\n";
    let handbook = format!(
        "[preprocessor.handbook]\ncommand = \"{exe}\"\nbefore = [\"links\"]\nrenderers = [\"html\", \"markdown\"]\n"
    );
    for (name, toml) in [
        ("with", format!("{book}\n{handbook}\n{outputs}")),
        ("without", format!("{book}\n{outputs}")),
    ] {
        std::fs::write(dir.path().join("book.toml"), toml).unwrap();
        let root = dir.path().to_str().unwrap();
        let installed = std::process::Command::new(exe)
            .args(["install", root])
            .output()
            .unwrap();
        assert!(installed.status.success());
        let out = std::process::Command::new(&mdbook)
            .args(["build", "--dest-dir", name])
            .current_dir(dir.path())
            .output()
            .expect("run mdbook");
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for page in ["index.md", "listings.md", "sub/math.md"] {
        let read = |which: &str| std::fs::read(dir.path().join(which).join("markdown").join(page));
        let with = read("with").unwrap_or_else(|e| panic!("{page}: {e}"));
        assert_eq!(with, read("without").unwrap(), "{page} changed");
    }
    let listing = std::fs::read_to_string(dir.path().join("with/markdown/listings.md")).unwrap();
    assert!(
        listing.contains("println!(\"Hello, RTOS!\");"),
        "mdBook expanded the include from outside src: {listing}"
    );
}

/// The Rust Book's `{{#include ../listings/...}}`: a path out of the src
/// dir, resolved from the chapter, as mdBook resolves it.
#[test]
fn includes_resolve_from_the_chapter_even_out_of_the_src_dir() {
    let dir = book_with(
        "real-patterns",
        &[(
            "src/sub/math.md",
            "# Math\n\n```rust\n{{#include ../../listings/ch01/main.rs}}\n{{#include ../../listings/nope.rs}}\n```\n",
        )],
    );
    let (out, _) = preprocess(dir.path(), "html");
    let err = out.unwrap_err();
    assert!(
        err.contains("included file `../../listings/nope.rs` does not exist"),
        "{err}"
    );
    assert!(err.contains("expected `listings/nope.rs`"), "{err}");
    assert_eq!(
        err.matches("error:").count(),
        1,
        "only the missing one: {err}"
    );
}

#[test]
fn auto_links_stay_out_of_math_urls_definition_terms_and_other_directives() {
    let dir = book_with(
        "real-patterns",
        &[
            ("src/glossary.toml", GLOSSARY),
            ("src/glossary.md", "# Glossary\n\n{{#glossary}}\n"),
            (
                "src/SUMMARY.md",
                "# Summary\n\n[Introduction](README.md)\n\n- [Listings](listings.md)\n- [Math and more](sub/math.md)\n- [Glossary](glossary.md)\n",
            ),
        ],
    );
    let (out, _) = preprocess(dir.path(), "html");
    let out = chapters(&out.unwrap());
    let math = chapter(&out, "sub/math.md");
    // Math, the URL, `{{ }}` and the definition-list term hold "RTOS" first;
    // the only link is the one in plain prose, which this page lacks.
    assert!(!math.contains("handbook-term"), "{math}");
    assert!(math.contains(r"\( RTOS = x^2 \)"), "{math}");
    assert!(
        math.contains("https://example.com/rtos/guide.html"),
        "{math}"
    );
    assert!(math.contains("{{ rtos.version }}"), "{math}");
}

#[test]
fn a_reference_in_a_definition_term_heading_link_or_attribute_is_plain_text() {
    let text = "# About {{#term rtos}}\n\n{{#term rtos}}\n: A definition.\n\n[see {{#term rtos}}](x.html) ![an {{#term rtos}} diagram](d.png \"the {{#term rtos}}\")\n\nAnd {{#term rtos}} in prose.\n";
    let dir = book_with(
        "real-patterns",
        &[
            ("src/glossary.toml", GLOSSARY),
            ("src/glossary.md", "# Glossary\n\n{{#glossary}}\n"),
            ("src/README.md", text),
            (
                "src/SUMMARY.md",
                "# Summary\n\n[Introduction](README.md)\n\n- [Listings](listings.md)\n- [Math and more](sub/math.md)\n- [Glossary](glossary.md)\n",
            ),
        ],
    );
    let (out, _) = preprocess(dir.path(), "html");
    let out = chapters(&out.unwrap());
    let readme = chapter(&out, "README.md");
    // The page starts with the definitions its references show.
    let (definitions, readme) = readme.split_once("</script>\n\n").unwrap();
    assert!(definitions.starts_with("<script type='text/html' class='hb-tips'>"));
    let lines: Vec<&str> = readme.lines().collect();
    assert_eq!(lines[0], "# About <span id='hb-ref0-rtos'>RTOS</span>");
    assert_eq!(lines[2], "RTOS");
    assert_eq!(
        lines[5],
        r#"[see RTOS](x.html) ![an RTOS diagram](d.png "the RTOS")"#
    );
    assert_eq!(
        readme.matches("class='handbook-term'").count(),
        1,
        "{readme}"
    );
    assert!(lines[7].starts_with("And <a class='handbook-term'"));
}

/// Links in a definition are written relative to the src dir; a tooltip on
/// a page in a subfolder must still reach them.
#[test]
fn links_in_definitions_are_rebased_for_pages_in_subfolders() {
    let dir = book_with(
        "real-patterns",
        &[
            ("src/glossary.toml", GLOSSARY),
            ("src/glossary.md", "# Glossary\n\n{{#glossary}}\n"),
            ("src/sub/math.md", "# Math\n\nAn {{#term rtos}}.\n"),
            (
                "src/SUMMARY.md",
                "# Summary\n\n[Introduction](README.md)\n\n- [Listings](listings.md)\n- [Math and more](sub/math.md)\n- [Glossary](glossary.md)\n",
            ),
        ],
    );
    let (out, _) = preprocess(dir.path(), "html");
    let out = chapters(&out.unwrap());
    let math = chapter(&out, "sub/math.md");
    assert!(
        math.contains(r#"<a href="../guide/rtos.html">the guide</a>"#),
        "{math}"
    );
    assert!(math.contains(r#"src="../img/rtos.png""#), "{math}");
    let glossary = chapter(&out, "glossary.md");
    assert!(
        glossary.contains(r#"<a href="guide/rtos.html">the guide</a>"#),
        "{glossary}"
    );
}

#[test]
fn other_preprocessors_directives_are_theirs_but_a_near_miss_of_ours_is_an_error() {
    let dir = book_with(
        "real-patterns",
        &[(
            "src/README.md",
            "# Intro\n\n{{#tabs}} {{#template x.md}} {{#endtabs}}\n\n{{#trem rtos}} {{#glosary}}\n",
        )],
    );
    let (out, _) = preprocess(dir.path(), "html");
    let err = out.unwrap_err();
    assert!(err.contains("unknown directive `{{#trem}}`"), "{err}");
    assert!(err.contains("did you mean `term`?"), "{err}");
    assert!(err.contains("unknown directive `{{#glosary}}`"), "{err}");
    assert!(!err.contains("tabs") && !err.contains("template"), "{err}");
}

/// Icon fonts use the private-use area; the author's characters are text,
/// never taken for the renderer's own markers.
#[test]
fn private_use_characters_pass_through_everywhere() {
    let pua = "\u{E000}0\u{E001} \u{E020}\u{E023}";
    let text = format!(
        "# Intro {pua}\n\nText {pua}.\n\n```checklist id=\"c\"\n- [ ] Tick {pua}\n```\n\n```script id=\"s\" cast=\"You\"\nYou: Hello {pua}\n```\n"
    );
    let dir = book_with("real-patterns", &[("src/README.md", &text)]);
    for renderer in ["html", "markdown"] {
        let (out, _) = preprocess(dir.path(), renderer);
        let out = chapters(&out.unwrap());
        let readme = chapter(&out, "README.md");
        assert_eq!(readme.matches(pua).count(), 4, "{renderer}: {readme}");
    }
}

#[test]
fn a_checklist_item_that_starts_like_a_block_stays_an_item() {
    let text = "# Intro\n\n```checklist id=\"c\"\n- [ ] 1. first\n- [ ] # not a heading\n- [ ] > not a quote\n```\n";
    let dir = book_with("real-patterns", &[("src/README.md", text)]);
    let (out, _) = preprocess(dir.path(), "html");
    let out = chapters(&out.unwrap());
    let readme = chapter(&out, "README.md");
    for label in ["1. first", "# not a heading", "&gt; not a quote"] {
        assert!(
            readme.contains(&format!("> {label}</label>")),
            "{label}: {readme}"
        );
    }
    assert!(!readme.contains("<ol") && !readme.contains("<h1") && !readme.contains("<blockquote"));
}

/// A heading "Before the meeting" and a checklist `before-the-meeting`; a
/// term inside a checklist shown on its page and on `{{#checklists}}`.
#[test]
fn no_element_id_is_used_twice_on_any_built_page() {
    let dir = book_with(
        "real-patterns",
        &[
            ("src/glossary.toml", GLOSSARY),
            ("src/glossary.md", "# Glossary\n\n{{#glossary}}\n"),
            (
                "src/README.md",
                "# Intro\n\n## Before the meeting\n\n```checklist id=\"before-the-meeting\"\n- [ ] Read about the {{#term rtos}}\n```\n\n```checklist id=\"after\"\n- [ ] Again {{#term rtos}}\n```\n\n{{#checklists}}\n",
            ),
            (
                "src/SUMMARY.md",
                "# Summary\n\n[Introduction](README.md)\n\n- [Listings](listings.md)\n- [Math and more](sub/math.md)\n- [Glossary](glossary.md)\n",
            ),
        ],
    );
    let built = support::build_into(dir.path(), &dir.path().join("out"));
    for page in ["index.html", "glossary.html", "print.html"] {
        let html = built.page(page);
        assert_eq!(duplicate_ids(&html), Vec::<String>::new(), "{page}");
    }
}

/// mdBook never sends two chapters of one path, but a hand-made stdin can:
/// each keeps its own content.
#[test]
fn two_chapters_with_the_same_path_keep_their_own_content() {
    let root = fixture("real-patterns");
    let loaded = mdbook_driver::MDBook::load(&root).expect("book loads");
    let ctx = PreprocessorContext::new(loaded.root.clone(), loaded.config.clone(), "html".into());
    let mut book = Book::new();
    for text in [
        "# One\n\n```checklist id=\"one\"\n- [ ] first\n```\n",
        "# Two\n\n```checklist id=\"two\"\n- [ ] second\n```\n",
    ] {
        let mut ch = Chapter::new("Same", text.to_string(), "same.md", vec![]);
        ch.source_path = Some("same.md".into());
        book.push_item(ch);
    }
    let (out, diags) = mdbook_handbook::preprocess(&ctx, book);
    let out = chapters(&out.unwrap_or_else(|| panic!("{}", diags.render(false))));
    assert!(out[0].1.starts_with("# One") && out[0].1.contains("data-handbook-checklist='one'"));
    assert!(out[1].1.starts_with("# Two") && out[1].1.contains("data-handbook-checklist='two'"));
}

/// Sub-chapters come after their parent in book order; mdBook's
/// `for_each_chapter_mut` visits them first.
#[test]
fn nested_chapters_get_their_own_output() {
    let dir = book_with(
        "real-patterns",
        &[
            (
                "src/listings.md",
                "# Listings\n\n```checklist id=\"parent\"\n- [ ] parent\n```\n",
            ),
            (
                "src/sub/math.md",
                "# Math\n\n```checklist id=\"child\"\n- [ ] child\n```\n",
            ),
            (
                "src/SUMMARY.md",
                "# Summary\n\n[Introduction](README.md)\n\n- [Listings](listings.md)\n  - [Math and more](sub/math.md)\n",
            ),
        ],
    );
    let (out, _) = preprocess(dir.path(), "html");
    let out = chapters(&out.unwrap());
    assert!(chapter(&out, "listings.md").contains("data-handbook-checklist='parent'"));
    assert!(chapter(&out, "sub/math.md").contains("data-handbook-checklist='child'"));
}
