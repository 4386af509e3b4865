//! Script blocks end to end: the HTML and markdown they become, the
//! diagnostics of a broken book, and the reader's features in a real browser.

mod support;

use std::path::Path;

#[test]
fn scripts_render_as_dialogue_html() {
    let built = support::build("script-book");
    insta::assert_snapshot!("ask_html", without_assets(&built.main("ask.html")));
    insta::assert_snapshot!(
        "outcomes_html",
        without_assets(&built.main("sub/outcomes.html"))
    );
}

/// The page's HTML without the inlined `<style>` and `<script>` (every
/// directive's assets, snapshot elsewhere by their own modules).
fn without_assets(html: &str) -> String {
    let mut out = html.to_string();
    for (open, close) in [("<style>", "</style>"), ("<script>", "</script>")] {
        while let Some(start) = out.find(open) {
            let end = out[start..]
                .find(close)
                .map_or(out.len(), |e| start + e + close.len());
            out.replace_range(start..end, "");
        }
    }
    out.trim_end().to_string()
}

#[test]
fn terms_in_script_lines_are_rendered_by_the_glossary() {
    let built = support::build("script-book");
    let page = built.main("vocabulary.html");
    assert!(page.contains("glossary.html#term-rtos"), "{page}");
    assert!(!page.contains("{{#term"), "{page}");
    let markdown = support::build_markdown("script-book").page("vocabulary.md");
    assert!(markdown.contains("**You:** Our RTOS misses deadlines under load.\\\n**Alex:** Which scheduler settings did you try, \\[Your Name\\]?"), "{markdown}");
}

#[test]
fn every_page_loads_the_one_stylesheet_and_script_and_carries_no_copy() {
    let built = support::build("script-book");
    for page in ["ask.html", "sub/outcomes.html", "print.html"] {
        let html = built.page(page);
        let main = built.main(page);
        assert!(
            !main.contains("<style>") && !main.contains("<script>"),
            "{page}"
        );
        assert_eq!(
            html.matches("theme/handbook/handbook-").count(),
            2,
            "{page}"
        );
    }
    let files = std::fs::read_dir(built.out.join("theme/handbook"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect::<Vec<_>>();
    assert_eq!(files.len(), 2, "one CSS and one JS file: {files:?}");
}

#[test]
fn the_script_template_can_be_overridden() {
    let built = support::build("script-override");
    let main = without_assets(&built.main("chapter.html"));
    assert!(
        main.contains(r#"<aside class="my-script" id="short">"#),
        "{main}"
    );
    assert!(
        main.contains(r#"<span class="hb-ph" title="How you sign your emails">[Your Name]</span>"#),
        "placeholders still come with their hints: {main}"
    );
    assert!(!main.contains("handbook-script-body"), "{main}");
}

/// With JavaScript off, a script is its dialogue only: no control that
/// could not work, no empty form; every placeholder is a bracketed label
/// whose hint travels in its `title`.
#[test]
fn the_page_carries_no_controls_that_need_javascript() {
    let built = support::build("script-book");
    let main = without_assets(&built.main("ask.html"));
    for control in [
        "<button",
        "<select",
        "<input",
        "<form",
        "<details",
        "handbook-script-tools",
        "role=\"status\"",
    ] {
        assert!(!main.contains(control), "{control} in {main}");
    }
    assert!(
        main.contains(r#"title="How you sign your emails">[Your Name]</span>"#),
        "{main}"
    );
}

#[test]
fn other_renderers_get_markdown() {
    let built = support::build_markdown("script-book");
    insta::assert_snapshot!("ask_md", built.page("ask.md"));
    insta::assert_snapshot!("outcomes_md", built.page("sub/outcomes.md"));
}

/// `(headline, location)` of every diagnostic in `stderr`.
fn diagnostics(stderr: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut lines = stderr.lines();
    while let Some(line) = lines.next() {
        if line.starts_with("error: ") || line.starts_with("warning: ") {
            let location = lines
                .next()
                .and_then(|l| l.split_once("--> "))
                .map(|(_, at)| at.trim().to_string())
                .unwrap_or_default();
            found.push((line.to_string(), location));
        }
    }
    found
}

#[test]
fn a_broken_book_reports_every_problem_at_its_place() {
    let outcome = support::check("script-broken");
    assert!(!outcome.success, "{}", outcome.stderr);
    let found = diagnostics(&outcome.stderr);
    let found: Vec<(&str, &str)> = found
        .iter()
        .map(|(h, l)| (h.as_str(), l.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("error: `You` is in the cast twice", "src/broken.md:3:53"),
            (
                "error: undeclared placeholder `[Your Nmae]`",
                "src/broken.md:4:13"
            ),
            ("error: `Alx` is not in the cast", "src/broken.md:5:1"),
            ("error: empty line of dialogue", "src/broken.md:6:1"),
            (
                "error: stage direction is never closed",
                "src/broken.md:7:1"
            ),
            (
                "error: line is neither dialogue nor a stage direction",
                "src/broken.md:10:1"
            ),
            (
                "error: indented line continues nothing",
                "src/broken.md:13:3"
            ),
            (
                "error: only outcome lines may follow outcome lines",
                "src/broken.md:16:1"
            ),
            (
                "warning: cast member `Sam` never speaks",
                "src/broken.md:3:58"
            ),
            ("error: script block has no `id`", "src/broken.md:19:1"),
            ("error: empty name in `cast`", "src/more.md:3:31"),
            (
                "error: an outcome links to a script by its id: `(#script-id)`",
                "src/more.md:6:1"
            ),
            ("error: duplicate id `ask`", "src/more.md:3:14"),
            ("error: unknown term `rots`", "src/broken.md:11:20"),
            (
                "error: outcome links to unknown script `alex-yess`",
                "src/broken.md:15:21"
            ),
            (
                "warning: placeholder `Never Used` is declared but no script uses it",
                "book.toml:10:1"
            ),
            (
                "error: the handbook has problems (listed above); nothing was written",
                ""
            ),
        ]
    );
    // The help lines: the nearest names, and how to fix.
    for help in [
        "help: did you mean `Your Name`?",
        "help: did you mean `Alex`?",
        "help: did you mean `rtos`?",
        "help: did you mean `alex-yes`?",
        "help: end the direction with `)`",
        "help: write `You: what they say`, or `(a stage direction)` in parentheses; the cast is `You`, `Alex`, `Sam`",
    ] {
        assert!(
            outcome.stderr.contains(help),
            "missing `{help}` in:\n{}",
            outcome.stderr
        );
    }
    insta::assert_snapshot!("broken_stderr", outcome.stderr);
}

/// Types `text` into the focused element, one real key event per character.
fn type_text(tab: &support::Tab<'_>, text: &str) {
    for c in text.chars() {
        tab.press_key(&c.to_string());
    }
}

/// Where a test may leave files it does not commit: cargo's scratch
/// directory for integration tests, wherever the target directory is.
fn target_file(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(name)
}

#[test]
fn details_fill_every_placeholder_on_every_page_and_survive_a_reload() {
    let Some(browser) = support::browser() else {
        return;
    };
    let built = support::build("script-book");
    let tab = browser.open(&built, "ask.html");
    tab.wait_for("document.querySelectorAll('.handbook-details').length === 1");
    // Before: blanks showing their labels.
    assert_eq!(
        tab.eval("[...document.querySelectorAll('#hb-ask-alex .hb-ph')].map(p => p.textContent + '|' + p.className).join(';')"),
        "Your Name|hb-ph hb-ph-empty;Specific Project|hb-ph hb-ph-empty;Your Goal|hb-ph hb-ph-empty"
    );
    // One form for the page, before its first script: a field for each
    // placeholder on the page, with the hint its placeholder carries.
    assert_eq!(
        tab.eval("[...document.querySelectorAll('.handbook-details label')].map(l => l.textContent + '=' + document.getElementById(l.htmlFor + '-hint').textContent).join(',')"),
        "Your Name=How you sign your emails,Specific Project=A project of theirs you know well,Your Goal=The one skill you want to grow, e.g. RTOS kernel design"
    );
    assert_eq!(
        tab.eval("document.querySelector('.handbook-details').nextElementSibling.id"),
        "hb-ask-alex"
    );
    tab.click(".handbook-details summary");
    tab.wait_for("document.querySelector('.handbook-details').open");
    tab.click("#handbook-detail-1");
    type_text(&tab, "Sam Lee");
    tab.wait_for("document.querySelector('#hb-ask-alex .hb-ph').textContent === 'Sam Lee'");
    assert_eq!(
        tab.eval("document.querySelector('#hb-ask-alex .hb-ph').className"),
        "hb-ph hb-ph-filled"
    );
    assert_eq!(
        tab.eval("document.querySelector('.handbook-details-progress').textContent"),
        "(1 of 3 filled in)"
    );
    tab.screenshot(&target_file("script-screenshot.png"));

    tab.reload();
    tab.wait_for("document.querySelector('#hb-ask-alex .hb-ph').textContent === 'Sam Lee'");
    assert_eq!(
        tab.eval("document.querySelector('#handbook-detail-1').value"),
        "Sam Lee"
    );

    // Another page, two scripts, one form: the same details.
    tab.goto("sub/outcomes.html");
    tab.wait_for("document.querySelector('#hb-alex-time .hb-ph') !== null && document.querySelector('#hb-alex-time .hb-ph').textContent === 'Sam Lee'");
    // One form, before the first script with a blank (not before `alex-yes`).
    assert_eq!(
        tab.eval("document.querySelectorAll('.handbook-details').length"),
        1
    );
    assert_eq!(
        tab.eval("document.querySelector('.handbook-details').nextElementSibling.id"),
        "hb-alex-time"
    );
    let name = "[...document.querySelectorAll('.handbook-details input')].find(i => i.dataset.placeholder === 'Your Name')";
    assert_eq!(tab.eval(&format!("{name}.value")), "Sam Lee");

    // Typing fills the blanks at once; clearing empties them.
    tab.eval(&format!("(() => {{ const i = {name}; i.value = 'Kim'; i.dispatchEvent(new Event('input', {{bubbles: true}})); }})()"));
    assert_eq!(
        tab.eval("[...document.querySelectorAll('.hb-ph[data-placeholder=\"Your Name\"]')].map(p => p.textContent).join(',')"),
        "Kim"
    );
    tab.click(".handbook-details summary");
    tab.click(".handbook-details-clear");
    assert_eq!(
        tab.eval("document.querySelector('#hb-alex-time .hb-ph').textContent"),
        "Your Name"
    );
    tab.reload();
    tab.wait_for("document.querySelector('#hb-alex-time .hb-ph').textContent === 'Your Name'");
}

/// Replaces the clipboard with one that records what is written.
const STUB_CLIPBOARD: &str = "(() => { window.copied = null; Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: t => { window.copied = t; return Promise.resolve(); } } }); return true; })()";

#[test]
fn copy_as_text_copies_the_filled_in_script() {
    let Some(browser) = support::browser() else {
        return;
    };
    let built = support::build("script-book");
    let tab = browser.open(&built, "ask.html");
    tab.wait_for("document.querySelector('#hb-ask-alex .handbook-script-tools') !== null");
    tab.eval("(() => { const i = document.querySelector('#handbook-detail-1'); i.value = 'Sam Lee'; i.dispatchEvent(new Event('input', {bubbles: true})); })()");
    tab.eval(STUB_CLIPBOARD);
    tab.click("#hb-ask-alex .handbook-script-copy");
    tab.wait_for("window.copied !== null");
    assert_eq!(
        tab.eval("window.copied"),
        "The 15-minute ask\n\n\
         You: Alex, thank you so much for taking the time to meet with me.\n\
         Alex: No problem, Sam Lee. What’s on your mind?\n\
         (Alex glances at the clock.)\n\n\
         You: I’ve been impressed by your work on [Specific Project], and I want to get better at [Your Goal]: your experience would help.\n\
         Alex: What would this look like, practically?\n\
         You: A short check-in every few weeks. [not a placeholder], [nor this].\n"
    );
    tab.wait_for("document.querySelector('#hb-ask-alex .handbook-script-status').textContent === 'Copied 7 lines to the clipboard.'");

    // No clipboard at all and a refused copy command: the text is shown, selected.
    tab.eval("(() => { Object.defineProperty(navigator, 'clipboard', { configurable: true, value: undefined }); document.execCommand = () => false; return true; })()");
    tab.click("#hb-ask-alex .handbook-script-copy");
    tab.wait_for("document.querySelector('#hb-ask-alex .handbook-script-copybox') !== null");
    assert_eq!(
        tab.eval("(() => { const b = document.querySelector('#hb-ask-alex .handbook-script-copybox'); return document.activeElement === b && b.value.startsWith('The 15-minute ask\\n\\nYou: Alex,'); })()"),
        true
    );
}

#[test]
fn rehearsal_hides_a_speakers_lines_and_reveals_them_one_at_a_time() {
    let Some(browser) = support::browser() else {
        return;
    };
    let built = support::build("script-book");
    let tab = browser.open(&built, "ask.html");
    tab.wait_for("document.querySelector('#hb-ask-alex .handbook-script-tools') !== null");
    let lines_of = |speaker: &str| {
        format!(
            "[...document.querySelectorAll('#hb-ask-alex .hb-line')].filter(l => l.querySelector(':scope > b').textContent === '{speaker}:')"
        )
    };
    let visible_alex_lines = format!(
        "{}.filter(l => l.querySelector(':scope > span').offsetParent !== null).length",
        lines_of("Alex")
    );
    let visible_alex_lines = visible_alex_lines.as_str();
    assert_eq!(tab.eval(visible_alex_lines), 2);

    tab.eval("(() => { const s = document.querySelector('#hb-ask-alex .handbook-script-rehearse select'); s.value = 'Alex'; s.dispatchEvent(new Event('change', {bubbles: true})); })()");
    assert_eq!(tab.eval(visible_alex_lines), 0);
    assert_eq!(
        tab.eval(&format!(
            "{}.filter(l => l.classList.contains('hb-line-hidden')).length",
            lines_of("You")
        )),
        0
    );
    // Each button is named by what it shows, after the speaker's name.
    assert_eq!(
        tab.eval("[...document.querySelectorAll('#hb-ask-alex .handbook-reveal')].map(b => b.previousElementSibling.textContent + ' ' + b.textContent + (b.hasAttribute('aria-label') ? '!' : '')).join('|')"),
        "Alex: Say it, then reveal|Alex: Say it, then reveal"
    );
    assert_eq!(
        tab.eval("document.querySelector('#hb-ask-alex .handbook-script-status').textContent"),
        "2 lines of Alex hidden: say each one, then reveal it."
    );
    tab.screenshot(&target_file("script-rehearsal.png"));

    // Reveal the first with a click: focus moves to the next hidden line.
    tab.click("#hb-ask-alex .handbook-reveal");
    assert_eq!(tab.eval(visible_alex_lines), 1);
    assert_eq!(
        tab.eval("document.activeElement.className"),
        "handbook-reveal"
    );
    assert_eq!(
        tab.eval("document.querySelector('#hb-ask-alex .handbook-script-status').textContent"),
        "Alex: No problem, [Your Name]. What’s on your mind?"
    );
    // ... and the next with the keyboard.
    tab.press_key("Enter");
    tab.wait_for(&format!("{visible_alex_lines} === 2"));
    assert_eq!(
        tab.eval("document.querySelector('#hb-ask-alex .handbook-script-next').disabled"),
        true
    );
    assert!(
        tab.eval("document.querySelector('#hb-ask-alex .handbook-script-status').textContent")
            .as_str()
            .unwrap()
            .ends_with("(last line: every line is revealed)")
    );

    // Rehearse again, reveal with "Reveal next line", then stop rehearsing.
    tab.eval("(() => { const s = document.querySelector('#hb-ask-alex .handbook-script-rehearse select'); s.value = 'You'; s.dispatchEvent(new Event('change', {bubbles: true})); })()");
    assert_eq!(
        tab.eval("document.querySelectorAll('#hb-ask-alex .hb-line-hidden').length"),
        3
    );
    tab.click("#hb-ask-alex .handbook-script-next");
    assert_eq!(
        tab.eval("document.querySelectorAll('#hb-ask-alex .hb-line-hidden').length"),
        2
    );
    assert_eq!(
        tab.eval(
            "document.querySelector('#hb-ask-alex .hb-line').classList.contains('hb-line-revealed')"
        ),
        true
    );
    tab.eval("(() => { const s = document.querySelector('#hb-ask-alex .handbook-script-rehearse select'); s.value = ''; s.dispatchEvent(new Event('change', {bubbles: true})); })()");
    assert_eq!(tab.eval("document.querySelectorAll('#hb-ask-alex .hb-line-hidden, #hb-ask-alex .handbook-reveal').length"), 0);
}

#[test]
fn copied_terms_are_their_text_only() {
    let Some(browser) = support::browser() else {
        return;
    };
    let built = support::build("script-book");
    let tab = browser.open(&built, "vocabulary.html");
    tab.wait_for("document.querySelector('#hb-explain-rtos .handbook-script-tools') !== null");
    tab.eval(STUB_CLIPBOARD);
    tab.click("#hb-explain-rtos .handbook-script-copy");
    tab.wait_for("window.copied !== null");
    assert_eq!(
        tab.eval("window.copied"),
        "You: Our RTOS misses deadlines under load.\nAlex: Which scheduler settings did you try, [Your Name]?\n"
    );
}
