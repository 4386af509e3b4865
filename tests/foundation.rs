//! The foundation end to end: the CLI contract, the in-process build, the
//! stdin protocol, book-wide checks, and the real `mdbook` CLI.

mod support;

use mdbook_driver::book::{Book, BookItem};
use mdbook_preprocessor::PreprocessorContext;
use std::path::Path;
use support::{Outcome, build, check, fixture, mdbook_cli, run, run_with_stdin};

/// The `[context, book]` JSON mdBook writes to a preprocessor's stdin, for
/// a copy of fixture `name` with the reader's assets installed (as the
/// `mdbook` CLI route needs them); the copy lives as long as the guard.
fn preprocessor_input(name: &str, renderer: &str) -> (tempfile::TempDir, Vec<u8>) {
    let dir = installed_copy(name);
    let book = mdbook_driver::MDBook::load(dir.path()).expect("load fixture");
    let ctx =
        PreprocessorContext::new(book.root.clone(), book.config.clone(), renderer.to_string());
    let input = serde_json::to_vec(&(ctx, book.book)).expect("serialize input");
    (dir, input)
}

/// A copy of fixture `name` after `mdbook-handbook install`.
fn installed_copy(name: &str) -> tempfile::TempDir {
    let dir = copy_fixture(name);
    let root = dir.path().to_str().expect("utf-8 temp path").to_string();
    let out = run(&["install", &root]);
    assert!(out.success, "{}", out.stderr);
    dir
}

fn chapter<'a>(book: &'a Book, file: &str) -> &'a str {
    book.iter()
        .find_map(|item| match item {
            BookItem::Chapter(c) if c.path.as_deref() == Some(Path::new(file)) => {
                Some(c.content.as_str())
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no chapter {file}"))
}

#[test]
fn supports_answers_the_handshake() {
    assert!(run(&["supports", "html"]).success);
    assert!(run(&["supports", "markdown"]).success);
    assert!(!run(&["supports", ""]).success);
}

#[test]
fn stdin_protocol_expands_directives_and_passes_the_rest_through() {
    let (_dir, input) = preprocessor_input("basic", "html");
    let out = run_with_stdin(&[], Some(&input), &[]);
    assert!(out.success, "{}", out.stderr);
    let book: Book = serde_json::from_str(&out.stdout).expect("book JSON on stdout");
    let talking = chapter(&book, "talking.md");
    assert!(talking.contains("class='handbook-script'"), "{talking}");
    assert!(!talking.contains("```script"), "{talking}");
    let original = std::fs::read_to_string(fixture("basic/src/plain.md")).unwrap();
    assert_eq!(
        chapter(&book, "plain.md"),
        original,
        "directive-free chapter changed"
    );
}

/// The stdin route renders chapters while it writes them (or, with a
/// template override, all of them first): either way it writes exactly the
/// book the in-process pipeline gives.
#[test]
fn stdin_protocol_writes_the_book_the_pipeline_gives() {
    for name in [
        "basic",
        "real-patterns",
        "glossary-override",
        "script-override",
        "checklist-theme",
    ] {
        for renderer in ["html", "markdown"] {
            let (_dir, input) = preprocessor_input(name, renderer);
            let out = run_with_stdin(&[], Some(&input), &[]);
            assert!(out.success, "{name} {renderer}: {}", out.stderr);
            let (ctx, book): (PreprocessorContext, Book) = serde_json::from_slice(&input).unwrap();
            let (expected, _) = mdbook_handbook::preprocess(&ctx, book);
            let expected = serde_json::to_string(&expected.expect("a clean fixture")).unwrap();
            assert!(
                out.stdout == expected,
                "{name} {renderer}: the stdin route wrote another book"
            );
        }
    }
}

#[test]
fn stdin_protocol_uses_markdown_for_other_renderers() {
    let (_dir, input) = preprocessor_input("basic", "markdown");
    let out = run_with_stdin(&[], Some(&input), &[]);
    assert!(out.success, "{}", out.stderr);
    let book: Book = serde_json::from_str(&out.stdout).unwrap();
    let talking = chapter(&book, "talking.md");
    assert!(
        !talking.contains('<'),
        "markdown output has HTML: {talking}"
    );
}

#[test]
fn an_mdbook_other_than_0_5_gets_a_warning_not_a_failure() {
    let dir = installed_copy("basic");
    let book = mdbook_driver::MDBook::load(dir.path()).unwrap();
    let mut ctx = PreprocessorContext::new(book.root.clone(), book.config.clone(), "html".into());
    ctx.mdbook_version = "0.4.40".into();
    let input = serde_json::to_vec(&(ctx, book.book)).unwrap();
    let out = run_with_stdin(&[], Some(&input), &[]);
    assert!(out.success, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("built for mdBook 0.5, but is called by mdBook 0.4.40"),
        "{}",
        out.stderr
    );
    let (_dir, current) = preprocessor_input("basic", "html");
    let out = run_with_stdin(&[], Some(&current), &[]);
    assert!(
        !out.stderr.contains("is called by mdBook"),
        "{}",
        out.stderr
    );
}

#[test]
fn malformed_stdin_is_one_clear_line_and_exit_1() {
    let out = run_with_stdin(&[], Some(b"{ not json"), &[]);
    assert!(!out.success);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", out.stderr);
    assert!(
        lines[0].starts_with("error: stdin is not mdBook's preprocessor input"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn build_writes_the_book_with_search() {
    let built = build("basic");
    for page in [
        "index.html",
        "talking.html",
        "sub/nested.html",
        "glossary.html",
        "print.html",
    ] {
        assert!(built.out.join(page).is_file(), "missing {page}");
    }
    assert!(
        std::fs::read_dir(&built.out).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with("searchindex")),
        "search index missing: the `search` feature is off"
    );
    let nested = built.main("sub/nested.html");
    assert!(
        nested.contains("href=\"../glossary.html#term-rtos\""),
        "{nested}"
    );
    // The escape renders literally; the code span is left alone.
    let intro = built.main("index.html");
    assert!(intro.contains("Escaped: {{#term rtos}}."), "{intro}");
    assert!(intro.contains("<code>{{#term nope}}</code>"), "{intro}");
}

#[test]
fn check_and_build_run_on_a_clean_book() {
    let out = check("basic");
    assert!(out.success, "{}", out.stderr);
    assert!(
        out.stderr.contains("chapters checked, no problems"),
        "{}",
        out.stderr
    );
}

fn assert_reports(out: &Outcome, expected: &[(&str, &str)]) {
    for (location, message) in expected {
        let found = out
            .stderr
            .split("\n\n")
            .any(|d| d.contains(message) && d.contains(&format!("--> {location}")));
        assert!(
            found,
            "expected `{message}` at {location} in:\n{}",
            out.stderr
        );
    }
}

#[test]
fn broken_book_reports_every_problem_with_its_place() {
    let out = check("foundation-broken");
    assert!(!out.success);
    assert_reports(
        &out,
        &[
            (
                "book.toml:8:1",
                "invalid [preprocessor.handbook]: unknown field `colour`",
            ),
            (
                "src/one.md:3:30",
                "unknown field `colour`, expected one of `id`, `title`, `cast`",
            ),
            (
                "src/one.md:11:12",
                "included file `missing.md` does not exist",
            ),
            (
                "src/one.md:13:1",
                "included file `partial.md` holds a `checklist` block",
            ),
            (
                "src/forgotten.md",
                "`forgotten.md` is not listed in SUMMARY.md",
            ),
            ("src/one.md:15:5", "unknown directive `{{#trem}}`"),
            ("src/two.md:7:37", "`{{#term` is never closed"),
            (
                "src/two.md:7:11",
                "`{{#glossary}}` must stand on a line of its own",
            ),
            ("src/two.md:3:17", "duplicate id `same`"),
        ],
    );
    assert!(
        out.stderr.contains("help: did you mean `term`?"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("::: src/one.md:7:17"),
        "first use not shown:\n{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("failed with 8 errors, 1 warning"),
        "{}",
        out.stderr
    );
    // The code span's `{{#trem ok}}` is not a directive.
    assert!(
        !out.stderr.contains("{{#trem ok}}`\n  -->"),
        "{}",
        out.stderr
    );
}

#[test]
fn build_of_a_broken_book_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("out");
    let path = fixture("foundation-broken");
    let out = run(&[
        "build",
        path.to_str().unwrap(),
        "--dest-dir",
        dest.to_str().unwrap(),
    ]);
    assert!(!out.success);
    assert!(!dest.exists(), "a broken book was (half) written");
}

/// Copies a fixture book to a temp dir, so a test can change its files.
fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = fixture(name);
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let target = dir.path().join(entry.path().strip_prefix(&src).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    dir
}

#[test]
fn warnings_fail_only_when_denied() {
    let dir = copy_fixture("basic");
    std::fs::write(dir.path().join("src/stray.md"), "# Stray\n").unwrap();
    let root = dir.path().to_str().unwrap();
    let out = run(&["check", root]);
    assert!(out.success, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("warning: `stray.md` is not listed in SUMMARY.md"),
        "{}",
        out.stderr
    );
    let out = run_with_stdin(&["check", root], None, &[("HANDBOOK_DENY_WARNINGS", "1")]);
    assert!(!out.success, "{}", out.stderr);
    assert!(
        out.stderr.contains("(warnings are denied)"),
        "{}",
        out.stderr
    );
    let toml = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
    let toml = toml.replace(
        "before = [\"links\"]",
        "before = [\"links\"]\ndeny-warnings = true",
    );
    std::fs::write(dir.path().join("book.toml"), toml).unwrap();
    assert!(!run(&["check", root]).success);
}

#[test]
fn check_writes_nothing_and_reports_a_missing_chapter_file_at_its_link() {
    let dir = copy_fixture("basic");
    let summary = dir.path().join("src/SUMMARY.md");
    let listed = std::fs::read_to_string(&summary).unwrap();
    std::fs::write(
        &summary,
        format!("{listed}- [Later](later.md)\n- [Draft]()\n"),
    )
    .unwrap();
    let line = listed.lines().count() + 1;
    let out = run(&["check", dir.path().to_str().unwrap()]);
    assert!(!out.success, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("error: chapter file `src/later.md` does not exist"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!("src/SUMMARY.md:{line}:3")),
        "{}",
        out.stderr
    );
    assert!(
        !dir.path().join("src/later.md").exists(),
        "check created a chapter file"
    );
    // `build` does what `mdbook build` does: it creates the file, empty.
    let dest = dir.path().join("out");
    let built = run(&[
        "build",
        dir.path().to_str().unwrap(),
        "--dest-dir",
        dest.to_str().unwrap(),
    ]);
    assert!(built.success, "{}", built.stderr);
    assert!(dir.path().join("src/later.md").exists());

    // A SUMMARY.md mdBook cannot read is reported as mdBook reports it,
    // not hidden behind a missing file it also lists.
    std::fs::write(
        &summary,
        format!("{listed}- [Gone](gone.md)\n  - not a link\n"),
    )
    .unwrap();
    let out = run(&["check", dir.path().to_str().unwrap()]);
    assert!(!out.success, "{}", out.stderr);
    assert!(
        out.stderr.contains("Summary parsing failed"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("gone.md` does not exist"),
        "{}",
        out.stderr
    );
}

#[test]
fn unknown_output_html_keys_are_rejected() {
    let dir = copy_fixture("basic");
    let toml = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
    std::fs::write(
        dir.path().join("book.toml"),
        format!("{toml}\n[output.html]\nsmart-punctuations = false\n"),
    )
    .unwrap();
    let out = run(&["check", dir.path().to_str().unwrap()]);
    assert!(!out.success);
    assert!(
        out.stderr.contains("unknown field `smart-punctuations`"),
        "{}",
        out.stderr
    );
}

/// A fixture copy whose book.toml runs this crate's binary as the
/// preprocessor, for the real `mdbook` CLI.
fn cli_book(extra: &str) -> tempfile::TempDir {
    let dir = copy_fixture("basic");
    let exe = env!("CARGO_BIN_EXE_mdbook-handbook");
    let toml = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
    let toml = toml.replace(
        "[preprocessor.handbook]",
        &format!("[preprocessor.handbook]\ncommand = {exe:?}"),
    );
    std::fs::write(dir.path().join("book.toml"), format!("{toml}\n{extra}\n")).unwrap();
    let out = run(&["install", dir.path().to_str().expect("utf-8 temp path")]);
    assert!(out.success, "{}", out.stderr);
    dir
}

/// `mdbook build --dest-dir DEST` in the book at `root`.
fn mdbook_build(mdbook: &Path, root: &Path, dest: &str) -> std::process::Output {
    std::process::Command::new(mdbook)
        .args(["build", "--dest-dir", dest])
        .current_dir(root)
        .output()
        .expect("run mdbook")
}

#[test]
fn real_mdbook_cli_keeps_directive_free_chapters_byte_identical() {
    let Some(mdbook) = mdbook_cli() else { return };
    let dir = cli_book("[output.markdown]");
    let status = mdbook_build(&mdbook, dir.path(), "out");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let plain = std::fs::read(dir.path().join("out/plain.md")).unwrap();
    assert_eq!(
        plain,
        std::fs::read(dir.path().join("src/plain.md")).unwrap()
    );
    let talking = std::fs::read_to_string(dir.path().join("out/talking.md")).unwrap();
    assert!(!talking.contains("```script"), "{talking}");
    assert!(!talking.contains('<'), "{talking}");
}

#[test]
fn real_mdbook_cli_builds_html_and_fails_on_a_broken_book() {
    let Some(mdbook) = mdbook_cli() else { return };
    let dir = cli_book("");
    let out = mdbook_build(&mdbook, dir.path(), "out");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let talking = std::fs::read_to_string(dir.path().join("out/talking.html")).unwrap();
    assert!(
        talking.contains("handbook-script"),
        "preprocessor did not run"
    );

    std::fs::write(
        dir.path().join("src/plain.md"),
        "# Plain\n\n{{#term nope}}\n",
    )
    .unwrap();
    let out = mdbook_build(&mdbook, dir.path(), "out2");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("src/plain.md:3:9"), "{stderr}");
    assert!(!dir.path().join("out2").exists());
}

#[test]
fn a_preprocessor_that_fails_to_run_fails_the_build() {
    // With `renderers` set (as the repo's book.toml does), mdBook skips the
    // `supports` handshake, so a broken command cannot be silently skipped.
    let Some(mdbook) = mdbook_cli() else { return };
    let dir = cli_book("");
    let toml = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
    let exe = env!("CARGO_BIN_EXE_mdbook-handbook");
    let toml = toml.replace(
        &format!("command = {exe:?}"),
        "command = \"false\"\nrenderers = [\"html\"]",
    );
    std::fs::write(dir.path().join("book.toml"), toml).unwrap();
    let out = mdbook_build(&mdbook, dir.path(), "out");
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_repository_book_toml_follows_the_contract() {
    let toml: toml::Table =
        toml::from_str(&std::fs::read_to_string(support::crate_root().join("book.toml")).unwrap())
            .unwrap();
    assert_eq!(toml["book"]["src"].as_str(), Some("book"));
    assert_eq!(toml["build"]["build-dir"].as_str(), Some("target/book"));
    let pre = &toml["preprocessor"]["handbook"];
    assert_eq!(
        pre["command"].as_str(),
        Some("cargo run --quiet --release --")
    );
    assert_eq!(pre["before"].as_array().unwrap()[0].as_str(), Some("links"));
}

#[test]
fn the_browser_harness_drives_a_real_chromium() {
    let Some(browser) = support::browser() else {
        return;
    };
    let built = build("basic");
    let tab = browser.open(&built, "talking.html");
    assert_eq!(
        tab.eval("document.title"),
        serde_json::json!("Talking - Basic")
    );
    tab.eval("localStorage.setItem('handbook-harness', 'kept')");
    tab.goto("sub/nested.html");
    assert_eq!(
        tab.eval("localStorage.getItem('handbook-harness')"),
        serde_json::json!("kept")
    );
    tab.click("main a.handbook-term");
    tab.wait_for("location.pathname.endsWith('/glossary.html')");
    assert_eq!(tab.eval("location.hash"), serde_json::json!("#term-rtos"));
    tab.reload();
    tab.press_key("Tab");
    assert_ne!(
        tab.eval("document.activeElement.tagName"),
        serde_json::json!("BODY")
    );
}

#[test]
fn preformatted_code_in_expanded_html_keeps_its_indentation_and_blank_lines() {
    let dir = copy_fixture("basic");
    let glossary = std::fs::read_to_string(dir.path().join("src/glossary.toml")).unwrap();
    let glossary = glossary.replace(
        "definition = \"Runs when an interrupt fires.\"",
        "definition = \"\"\"\nRuns when an interrupt fires:\n\n```c\nvoid isr(void) {\n    flag = 1;\n\n}\n```\n\"\"\"",
    );
    std::fs::write(dir.path().join("src/glossary.toml"), glossary).unwrap();
    let out = dir.path().join("out");
    let built = support::build_into(dir.path(), &out);
    let page = built.main("glossary.html");
    assert!(page.contains("void isr(void) {\n    flag = 1;\n"), "{page}");
    assert!(page.contains("<span></span>\n}"), "{page}");
}

/// The `mdbook` CLI loads the reader's CSS/JS from the book: without them
/// installed (or with a stale copy) the HTML route fails and names the
/// command; other renderers need none.
#[test]
fn the_cli_route_needs_the_installed_assets_and_names_the_command() {
    let dir = copy_fixture("basic");
    let input = |renderer: &str| {
        let book = mdbook_driver::MDBook::load(dir.path()).unwrap();
        let ctx = PreprocessorContext::new(book.root.clone(), book.config.clone(), renderer.into());
        serde_json::to_vec(&(ctx, book.book)).unwrap()
    };
    let out = run_with_stdin(&[], Some(&input("html")), &[]);
    assert!(!out.success);
    assert!(
        out.stderr
            .contains("`theme/handbook/handbook.css` is missing"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!(
            "run `mdbook-handbook install {}`",
            dir.path().display()
        )),
        "{}",
        out.stderr
    );
    assert!(run_with_stdin(&[], Some(&input("markdown")), &[]).success);

    let root = dir.path().to_str().unwrap();
    assert!(run(&["install", root]).success);
    assert!(run_with_stdin(&[], Some(&input("html")), &[]).success);
    std::fs::write(dir.path().join("theme/handbook/handbook.js"), "// old").unwrap();
    let out = run_with_stdin(&[], Some(&input("html")), &[]);
    assert!(!out.success);
    assert!(
        out.stderr.contains("is not this version's"),
        "{}",
        out.stderr
    );
}
