//! Regression tests for what the cargo-fuzz campaigns in `fuzz/` found.
//!
//! Each test names the target and the oracle that caught it, and is the
//! crash input reduced by hand to what matters. A test whose fix belongs to
//! code still being restructured is `#[ignore]`d with the reason; it must
//! pass (and lose its `#[ignore]`) once the fix lands.

use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::{Book, BookItem, Chapter};

/// Preprocesses one chapter for `renderer` in a book with a glossary of
/// `rtos`; the new text, or the rendered diagnostics.
fn preprocess(renderer: &str, text: &str) -> Result<String, String> {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("src")).expect("src");
    std::fs::write(
        dir.path().join("src/glossary.toml"),
        "[rtos]\nterm = \"Real-Time Operating System\"\nabbr = \"RTOS\"\ndefinition = \"Deterministic.\"\n",
    )
    .expect("glossary");
    let config = "[book]\nsrc = \"src\"\n[preprocessor.handbook]\nbefore = [\"links\"]\n"
        .parse()
        .expect("book.toml");
    let ctx = PreprocessorContext::new(dir.path().into(), config, renderer.into());
    let mut book = Book::new();
    let mut chapter = Chapter::new("Chapter", text.to_string(), "chapter.md", vec![]);
    chapter.source_path = Some("chapter.md".into());
    book.push_item(chapter);
    match mdbook_handbook::preprocess(&ctx, book) {
        (Some(book), _) => match &book.items[0] {
            BookItem::Chapter(c) => Ok(c.content.clone()),
            _ => Err("the chapter is gone".into()),
        },
        (None, diags) => Err(diags.render(false)),
    }
}

/// The output as a renderer that turns markdown into HTML would show it.
fn as_html(markdown: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(markdown));
    html
}

/// `chapter` target, markdown-inert oracle (crash-7df6f563…, the fixture
/// `checklist-ok/src/prep.md`): a checklist item's `<script>` reaches the
/// markdown renderer's output as markup.
#[test]
fn markdown_renderer_escapes_markup_in_checklist_items() {
    let chapter = "```checklist id=\"c\"\n- [ ] Read it <script>alert(1)</script>\n```\n";
    let out = preprocess("markdown", chapter).expect("the book is accepted");
    let html = as_html(&out);
    assert!(!html.contains("<script"), "{html}");
    assert!(
        html.contains("&lt;script&gt;"),
        "the text is kept, as text: {html}"
    );
}

/// Spans oracle, `chapter` target (crash-d37b86c4…, crash-345b0213…) and
/// `checklist` target (crash-b5860fe9…): an error in a fence's attributes
/// at the end of the file, or at a multi-byte character, is widened to one
/// *byte* (`r.end.max(r.start + 1)` in `attrs::parse`): one past the end of
/// the file, or into the middle of the character.
#[test]
fn attribute_error_spans_stay_inside_the_file_on_character_boundaries() {
    let bad: Vec<String> = [
        "# Practice\n\n```script id=\"a",
        "```checklist id=\"c\" tier.md",
        "```checklist id=\"c\"\u{7e0}\n- [ ] x\n```\n",
    ]
    .into_iter()
    .flat_map(|chapter| bad_spans(chapter, None))
    .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}

/// Spans oracle, `glossary` target (crash-2cd40b76…): a TOML error at a
/// multi-byte character of the glossary is widened by one byte
/// (`.max(range.start + 1)` in the glossary's TOML error report), into the
/// middle of the character.
#[test]
fn glossary_error_spans_stay_on_character_boundaries() {
    let glossary = "[rtos]\nterm = \"Real-Time Operating System\"\naliases = [\"real-time OS\" \u{7ad}]\ndefinition = \"d\"\n";
    let bad = bad_spans("See {{#term rtos}}.\n", Some(glossary));
    assert!(bad.is_empty(), "{bad:#?}");
}

/// The diagnostics of a book with `chapter` (and `glossary`, if any) whose
/// span is not inside its file on character boundaries. The book must fail.
fn bad_spans(chapter: &str, glossary: Option<&str>) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("src")).expect("src");
    if let Some(glossary) = glossary {
        std::fs::write(dir.path().join("src/glossary.toml"), glossary).expect("glossary");
    }
    let mut book = Book::new();
    let mut page = Chapter::new("Chapter", chapter.to_string(), "chapter.md", vec![]);
    page.source_path = Some("chapter.md".into());
    book.push_item(page);
    let config = "[book]\nsrc = \"src\"\n".parse().expect("book.toml");
    let ctx = PreprocessorContext::new(dir.path().into(), config, "html".into());
    let (out, diags) = mdbook_handbook::preprocess(&ctx, book);
    assert!(out.is_none(), "{chapter:?} is an error");
    diags
        .items()
        .iter()
        .filter_map(|d| {
            let text = diags.text(d.source);
            let range = d.range.as_ref()?;
            let inside = range.end <= text.len()
                && text.is_char_boundary(range.start)
                && text.is_char_boundary(range.end);
            (!inside).then(|| {
                format!(
                    "{chapter:?}: {range:?} in {} bytes: {}",
                    text.len(),
                    d.message
                )
            })
        })
        .collect()
}

/// Spans oracle, `chapter` target (crash-6de6dc29…): a ```script fence with
/// no attributes at the very end of the file gets "script has no `cast`"
/// on a span widened to one byte past the end of the file
/// (`fence_line.end.max(block.attrs_offset + 1)` in `script::parse_cast`).
#[test]
fn missing_cast_at_the_end_of_the_file_points_inside_it() {
    let bad = bad_spans("# One\n\n```script", None);
    assert!(bad.is_empty(), "{bad:#?}");
}

/// Spans oracle, `chapter` target (crash-1e3a4b4f…): in a fence indented by
/// two spaces, a line that starts with a tab loses two of the tab's four
/// columns to the indentation, and the parser writes the other two as
/// spaces no source byte holds. The line's text was longer than its bytes
/// in the file, so "indented line continues nothing" pointed two bytes past
/// the end of the file. The line now keeps the tab itself.
#[test]
fn a_tab_split_by_a_fence_indent_keeps_spans_inside_the_file() {
    let bad = bad_spans("x\n\n  ```script id=\"a\" cast=\"You\"\n\tYou: hi", None);
    assert!(bad.is_empty(), "{bad:#?}");
}

/// `chapter` target, html-inert oracle (crash-8d66b1e2…): directives inside
/// an author's raw HTML block are not directives, and the chapter passes
/// through unchanged. (The oracle's neutral copy, with the directive-like
/// text taken out, lost the `>` that closed the author's tag, so it counted
/// one `<script` fewer; the oracle now skips a chapter passed on as it is.)
#[test]
fn directives_inside_raw_html_leave_the_chapter_unchanged() {
    let chapter = "<script type<\"text# Chapter\n\nAn {{#term rtos\" class=\"x\"># Glossary\n\n{{#gl Summary\n\n- [Gl](x) &<script type=\"text/html\" class=\"y\">\n";
    for renderer in ["html", "markdown"] {
        let out = preprocess(renderer, chapter).expect("the book is accepted");
        assert_eq!(out, chapter, "{renderer}");
    }
}

/// `chapter` target, passthrough oracle (crash-ffd3409b…): a chapter that
/// itself starts like the definitions block keeps every byte after the
/// block the page gets. (The oracle had taken the chapter's own start for
/// the block.)
#[test]
fn a_chapter_that_starts_like_the_definitions_block_keeps_its_text() {
    let open = "<script type='text/html' class='hb-tips'>";
    let chapter =
        format!("{open}out the {{{{#term rtos}}}}.\n</script>\n\nAn {{{{#term rtos}}}}.\n");
    let out = preprocess("html", &chapter).expect("the book is accepted");
    let (block, rest) = out.split_once("</script>\n\n").expect("a block first");
    assert!(
        block.starts_with(&format!("{open}<span data-term='rtos'>")),
        "{out}"
    );
    assert!(
        rest.starts_with(&format!(
            "{open}out the {{{{#term rtos}}}}.\n</script>\n\nAn "
        )),
        "{out}"
    );
}

/// `chapter` target, html-inert oracle (crash-38c6b6b8…): a `{{#...}}` that
/// is no one's directive, and the author's raw HTML after it, pass through
/// as written. (The oracle had taken out every `{{#` line as if it were
/// the handbook's, so the author's own `<script` was counted as ours.)
#[test]
fn an_unknown_directive_and_the_html_after_it_pass_through() {
    let line = "{{#gl sary <script type=\"t\">x</script>\n";
    let chapter = format!("{line}\nSee {{{{#term rtos}}}}.\n");
    let out = preprocess("html", &chapter).expect("the book is accepted");
    let (_, rest) = out
        .split_once("</script>\n\n")
        .expect("a definitions block");
    assert!(rest.starts_with(line), "{out}");
}

/// `chapter` target, html-inert oracle (crash-989b8ca1…): a script fence
/// left open when its block quote ends is replaced up to the end of its
/// last line. The line after it must stay its own line, outside the quote:
/// glued to the block's last line, it became part of the HTML block, and
/// the author's text there (`<script type="…`) became raw markup.
#[test]
fn the_line_after_a_fence_left_open_in_a_quote_stays_outside() {
    let chapter = "> ```script id=\"a\" cast=\"Alex\"\n> Alex: Hi.\n  After <script type=\"x\n";
    for renderer in ["html", "markdown"] {
        let out = preprocess(renderer, chapter).expect("the book is accepted");
        assert!(
            out.ends_with("\n  After <script type=\"x\n"),
            "{renderer}: {out:?}"
        );
        let html = as_html(&out);
        assert!(!html.contains("<script"), "{renderer}: {html}");
    }
}

/// `chapter` target, markdown-inert oracle (crash-675371a8…): a continued
/// script line that starts like a block (`<script …`) was written at the
/// start of a line of the markdown output, where it began an HTML block:
/// the author's text became raw markup for renderers that turn markdown
/// into HTML. Continued lines now stay inside their paragraph.
#[test]
fn a_continued_script_line_cannot_start_a_block_in_markdown() {
    let chapter = "```script id=\"a\" cast=\"You\"\nYou: Hello\n     <script type=\"text/html x\n     # not a heading\n```\n";
    let out = preprocess("markdown", chapter).expect("the book is accepted");
    let html = as_html(&out);
    assert!(!html.contains("<script"), "{out}\n{html}");
    assert!(!html.contains("<h1"), "{html}");
    assert!(html.contains("&lt;script"), "the text is kept: {html}");
}
