//! Checklists end to end: fixture books built in-process (HTML and markdown
//! snapshots), the diagnostics of a broken book through the real binary, and
//! the reader's features in a real headless Chromium.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use support::Built;

/// A page's `<main>` without the inlined `<style>`/`<script>` (they belong
/// to every module and have their own tests).
fn content(built: &Built, page: &str) -> String {
    let main = built.main(page);
    let end = main.find("<style>").unwrap_or(main.len());
    main[..end].trim().to_string()
}

/// Every value of `id="..."` in `html`, with how often it occurs.
fn ids(html: &str) -> BTreeMap<String, usize> {
    let mut ids = BTreeMap::new();
    for (at, _) in html.match_indices(" id=\"") {
        let rest = &html[at + 5..];
        let id = &rest[..rest.find('"').expect("closing quote")];
        *ids.entry(id.to_string()).or_insert(0) += 1;
    }
    ids
}

#[test]
fn renders_interactive_html() {
    let built = support::build("checklist-ok");
    let prep = content(&built, "prep.html");
    insta::assert_snapshot!("prep_html", prep);
    insta::assert_snapshot!("meeting_html", content(&built, "sub/meeting.html"));

    // Defaults are rendered server-side: they show with JavaScript off.
    assert!(prep.contains(r#"<input type="checkbox" data-item="rtos-question" checked"#));
    assert!(!prep.contains(r#"data-item="write-it-down" checked"#));
    // Every box sits in its label, which names it: no ids needed.
    assert_eq!(
        prep.matches("<input type=\"checkbox\"").count(),
        prep.matches("<label><input type=\"checkbox\"").count()
    );
    assert!(!prep.contains("handbook-item--"), "{prep}");
    // Raw HTML in an item is text, never markup.
    assert!(prep.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!prep.contains("<script>alert"));
    // The title is escaped.
    assert!(content(&built, "sub/meeting.html").contains("During the meeting &amp; after"));
    // The progress and the buttons need JavaScript: the script builds them,
    // so a page without it shows no count that would go stale.
    for js_only in [
        "handbook-checklist-footer",
        "handbook-checklist-progress",
        "<button",
        "role=\"status\"",
    ] {
        assert!(!prep.contains(js_only), "{js_only} in {prep}");
    }
    // CSS and JS come as files the page loads.
    let page = built.page("prep.html");
    assert!(
        page.contains("theme/handbook/handbook-"),
        "loads the assets"
    );
}

#[test]
fn checklists_page_collects_every_checklist_by_chapter_with_links_back() {
    let built = support::build("checklist-ok");
    let all = content(&built, "lists/all.html");
    insta::assert_snapshot!("all_html", all);

    // Chapters in book order, each checklist after its chapter's heading.
    let order = [
        "../prep.html#hb-before-the-meeting",
        "../prep.html#hb-in-a-list",
        "../sub/meeting.html#hb-during",
        "#hb-review",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|link| {
            all.find(&format!("href=\"{link}\""))
                .unwrap_or_else(|| panic!("no link to {link}"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    assert!(all.find(">Preparing</a></h2>") < all.find(">The meeting</a></h2>"));
    // Untitled checklists are named by their id.
    assert!(all.contains(r##"<a href="../prep.html#hb-in-a-list">in-a-list</a>"##));
    // Each chapter's heading has an id, for mdBook's sidebar.
    assert!(all.contains(r#"<h2 id="hb-checklists-sub-meeting"><a href="../sub/meeting.html">The meeting</a></h2>"#), "{all}");
    // The original `review` and its copy are both on this page: no id twice.
    let page = built.page("lists/all.html");
    let twice: Vec<_> = ids(&page).into_iter().filter(|(_, n)| *n > 1).collect();
    assert!(twice.is_empty(), "duplicate HTML ids: {twice:?}");
    assert_eq!(
        page.matches(r#"data-handbook-checklist="review""#).count(),
        2
    );
}

#[test]
fn other_renderers_get_markdown_task_lists() {
    let built = support::build_markdown("checklist-ok");
    let prep = built.page("prep.md");
    insta::assert_snapshot!("prep_md", prep);
    assert!(prep.contains("**Before the meeting**\n\n- [ ] Research their recent projects and contributions\n- [x] Prepare one specific RTOS question\n  - [ ] Write it down\n"));
    insta::assert_snapshot!("meeting_md", built.page("sub/meeting.md"));
    insta::assert_snapshot!("all_md", built.page("lists/all.md"));
}

#[test]
fn templates_can_be_overridden_from_the_theme() {
    let built = support::build("checklist-theme");
    let html = content(&built, "chapter.html");
    assert_eq!(
        html.matches(r#"<ol class="my-steps">"#).count(),
        2,
        "{html}"
    );
    assert!(html.contains(">Step: Two</label>"), "{html}");
    // The templates it did not override are the built-in ones.
    assert!(html.contains("data-handbook-checklist=\"steps\""), "{html}");
}

/// `(location, message)` of every diagnostic in `check`'s stderr.
fn diagnostics(stderr: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = stderr.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter_map(|(i, line)| {
            let message = line
                .strip_prefix("error: ")
                .or_else(|| line.strip_prefix("warning: "))?;
            let location = lines.get(i + 1)?.trim_start().strip_prefix("--> ")?;
            Some((location.to_string(), message.to_string()))
        })
        .collect()
}

#[test]
fn broken_checklists_are_reported_at_their_place() {
    let outcome = support::check("checklist-broken");
    assert!(!outcome.success, "{}", outcome.stderr);
    let found = diagnostics(&outcome.stderr);
    let expected = [
        ("src/chapter.md:3:1", "checklist block has no `id`"),
        (
            "src/chapter.md:8:1",
            "not a checklist item: `[]` is not a box; use `[ ]` or `[x]`",
        ),
        (
            "src/chapter.md:9:1",
            "not a checklist item: items start with `-`, not `*`",
        ),
        ("src/chapter.md:10:1", "not a checklist item"),
        ("src/chapter.md:11:1", "empty checklist item"),
        (
            "src/chapter.md:13:7",
            "two items in this checklist have the id `call-alex`",
        ),
        (
            "src/chapter.md:14:32",
            "`{#Ask About}` is not a valid item id",
        ),
        (
            "src/chapter.md:16:7",
            "item is indented more than one level below the item above",
        ),
        ("src/chapter.md:17:14", "`{#Café}` is not a valid item id"),
        ("src/chapter.md:20:1", "checklist has no items"),
        (
            "src/sub/nested.md:8:20",
            "two items in this checklist have the id `nested`",
        ),
        ("src/sub/nested.md:5:19", "duplicate id `shared`"),
        // A term in an item is checked like any other.
        ("src/chapter.md:14:25", "unknown term `rots`"),
    ];
    for (location, message) in expected {
        assert!(
            found
                .iter()
                .any(|(l, m)| l == location && m.starts_with(message)),
            "missing `{location}: {message}` in:\n{}",
            outcome.stderr
        );
    }
    assert_eq!(found.len(), expected.len(), "{}", outcome.stderr);
    for help in [
        "= help: write it as `- [ ] No space in the box`",
        "= help: write it as `- [ ] Wrong bullet`",
        "= help: a checklist holds only items, `- [ ] text` or `- [x] text`; put other text outside the block",
        "= help: use lowercase letters, digits and dashes, e.g. `{#ask-about}`",
        "= help: indent it by 2 spaces to nest it under `Fine`",
        "= help: item ids come from the text unless given; end one of them with an id of its own, e.g. `{#call-alex-2}`",
        "::: src/chapter.md:12:7",
        "::: src/sub/nested.md:7:18",
    ] {
        assert!(
            outcome.stderr.contains(help),
            "missing `{help}` in:\n{}",
            outcome.stderr
        );
    }
}

// ---------------------------------------------------------------------------
// In the browser.

/// JS: whether the box of `item` in the first rendering of `list` is ticked.
fn ticked(list: &str, item: &str) -> String {
    format!(
        "document.querySelector('[data-handbook-checklist=\"{list}\"] [data-item=\"{item}\"]').checked"
    )
}

/// JS: the progress text of the first rendering of `list`.
fn progress(list: &str) -> String {
    format!(
        "document.querySelector('[data-handbook-checklist=\"{list}\"] .handbook-checklist-progress').textContent"
    )
}

const LIST: &str = "before-the-meeting";

#[test]
fn ticks_survive_a_reload_and_the_progress_counts_them() {
    let Some(browser) = support::browser() else {
        return;
    };
    let built = support::build("checklist-ok");
    let tab = browser.open(&built, "prep.html");
    tab.wait_for("document.querySelector('.handbook-checklist-actions') !== null");
    assert_eq!(tab.eval(&progress(LIST)), "2 of 6 done");

    tab.click("#hb-before-the-meeting [data-item=write-it-down]");
    // Clicking the label ticks too.
    tab.click("#hb-before-the-meeting label:has([data-item='research-their-recent-projects-and-contributions'])");
    tab.click("#hb-before-the-meeting [data-item=rtos-question]"); // untick a default
    assert_eq!(tab.eval(&ticked(LIST, "write-it-down")), true);
    assert_eq!(tab.eval(&progress(LIST)), "3 of 6 done");
    // The count is announced once, by the list's status line.
    tab.wait_for(&format!(
        "document.querySelector('#hb-{LIST} .handbook-checklist-status').textContent === '3 of 6 done'"
    ));
    assert_eq!(
        tab.eval("document.querySelectorAll('[aria-live], [role=status]').length === document.querySelectorAll('.handbook-checklist-status').length"),
        true
    );

    tab.reload();
    tab.wait_for(&format!("{} === '3 of 6 done'", progress(LIST)));
    assert_eq!(tab.eval(&ticked(LIST, "write-it-down")), true);
    assert_eq!(
        tab.eval(&ticked(
            LIST,
            "research-their-recent-projects-and-contributions"
        )),
        true
    );
    assert_eq!(tab.eval(&ticked(LIST, "rtos-question")), false);
    assert_eq!(tab.eval(&ticked(LIST, "check-it-with-a-colleague")), true);
    // Another checklist on the page is untouched.
    assert_eq!(tab.eval(&progress("in-a-list")), "0 of 1 done");
}

#[test]
fn the_keyboard_ticks_and_moves_between_boxes() {
    let Some(browser) = support::browser() else {
        return;
    };
    let built = support::build("checklist-ok");
    let tab = browser.open(&built, "prep.html");
    tab.eval("document.querySelector('#hb-before-the-meeting [data-item=write-it-down]').focus()");
    tab.press_key(" ");
    assert_eq!(tab.eval(&ticked(LIST, "write-it-down")), true);
    assert_eq!(tab.eval(&progress(LIST)), "3 of 6 done");
    tab.press_key("Tab");
    assert_eq!(
        tab.eval("document.activeElement.getAttribute('data-item')"),
        "check-it-with-a-colleague"
    );
    tab.press_key(" ");
    assert_eq!(tab.eval(&progress(LIST)), "2 of 6 done");
}

#[test]
fn reset_restores_the_defaults() {
    let Some(browser) = support::browser() else {
        return;
    };
    let built = support::build("checklist-ok");
    let tab = browser.open(&built, "prep.html");
    tab.click("#hb-before-the-meeting [data-item=write-it-down]");
    tab.click("#hb-before-the-meeting [data-item=rtos-question]");
    tab.click("#hb-in-a-list [data-item=inside-a-list-item]");
    assert_eq!(tab.eval(&progress(LIST)), "2 of 6 done");

    tab.click("#hb-before-the-meeting [data-handbook-action='reset']");
    assert_eq!(tab.eval(&ticked(LIST, "write-it-down")), false);
    assert_eq!(tab.eval(&ticked(LIST, "rtos-question")), true);
    assert_eq!(tab.eval(&progress(LIST)), "2 of 6 done");
    tab.wait_for("document.querySelector('#hb-before-the-meeting .handbook-checklist-status').textContent === 'Reset to the defaults'");
    // Nothing is left in storage for it; the other checklist keeps its tick.
    let keys = "Object.keys(localStorage).filter(k => k.startsWith('handbook-checklist:')).map(k => k.split(':').pop()).sort().join(',')";
    assert_eq!(tab.eval(keys), "in-a-list");
    tab.reload();
    assert_eq!(tab.eval(&ticked(LIST, "write-it-down")), false);
    assert_eq!(tab.eval(&ticked("in-a-list", "inside-a-list-item")), true);
}

#[test]
fn the_checklists_page_shares_the_ticks() {
    let Some(browser) = support::browser() else {
        return;
    };
    let built = support::build("checklist-ok");
    let tab = browser.open(&built, "prep.html");
    tab.click("#hb-before-the-meeting [data-item=write-it-down]");

    tab.goto("lists/all.html");
    assert_eq!(tab.eval(&ticked(LIST, "write-it-down")), true);
    assert_eq!(tab.eval(&progress(LIST)), "3 of 6 done");
    // Ticking the copy ticks the original.
    tab.click(".handbook-checklists [data-handbook-checklist=before-the-meeting] [data-item=rehearse-it-out-loud]");
    assert_eq!(tab.eval(&progress(LIST)), "4 of 6 done");

    // The original and the copy on the same page follow each other at once.
    tab.click("#hb-review [data-item=review-the-notes]");
    assert_eq!(
        tab.eval("document.querySelector('.handbook-checklists [data-handbook-checklist=review] [data-item=review-the-notes]').checked"),
        true
    );
    assert_eq!(
        tab.eval("[...document.querySelectorAll('[data-handbook-checklist=review] .handbook-checklist-progress')].map(p => p.textContent).join('|')"),
        "1 of 1 done|1 of 1 done"
    );
    // ... but only the list ticked says so: one announcement, not two.
    tab.wait_for("document.querySelector('#hb-review .handbook-checklist-status').textContent === '1 of 1 done'");
    assert_eq!(
        tab.eval("[...document.querySelectorAll('[data-handbook-checklist=review] .handbook-checklist-status')].map(s => s.textContent).join('|')"),
        "1 of 1 done|"
    );

    tab.goto("prep.html");
    assert_eq!(tab.eval(&ticked(LIST, "rehearse-it-out-loud")), true);
    assert_eq!(tab.eval(&progress(LIST)), "4 of 6 done");
}

#[test]
fn ticks_in_another_window_show_up_without_a_reload() {
    let Some(browser) = support::browser() else {
        return;
    };
    let built = support::build("checklist-ok");
    let tab = browser.open(&built, "prep.html");
    // Another document of the same book: an iframe gets `storage` events as a
    // second tab would.
    tab.eval(
        "new Promise(done => { const f = document.createElement('iframe'); f.id = 'other'; \
         f.onload = () => done(true); f.src = 'lists/all.html'; document.body.appendChild(f); })",
    );
    let other = "document.getElementById('other').contentDocument";
    tab.wait_for(&format!(
        "{other}.querySelector('.handbook-checklist-actions')"
    ));
    tab.click("#hb-before-the-meeting [data-item=write-it-down]");
    tab.wait_for(&format!(
        "{other}.querySelector('.handbook-checklists [data-handbook-checklist=before-the-meeting] [data-item=write-it-down]').checked"
    ));
    tab.wait_for(&format!(
        "{other}.querySelector('[data-handbook-checklist={LIST}] .handbook-checklist-progress').textContent === '3 of 6 done'"
    ));
    // A reset there shows here.
    tab.eval(&format!("{other}.querySelector('[data-handbook-checklist={LIST}] [data-handbook-action=reset]').click()"));
    tab.wait_for(&format!("!{}", ticked(LIST, "write-it-down")));
}

#[test]
fn ticks_follow_their_items_when_the_source_is_reordered() {
    let Some(browser) = support::browser() else {
        return;
    };
    let book = tempfile::tempdir().expect("temp dir");
    copy_dir(&support::fixture("checklist-ok"), book.path());
    let out = book.path().join("out");
    let built = support::build_into(book.path(), &out);
    let tab = browser.open(&built, "prep.html");
    tab.click("#hb-before-the-meeting [data-item=write-it-down]");
    tab.click("#hb-before-the-meeting [data-item=rtos-question]"); // untick a default
    assert_eq!(tab.eval(&progress(LIST)), "2 of 6 done");

    // The author reorders the items, moves one to the top level, adds one.
    let chapter = book.path().join("src/prep.md");
    let text = std::fs::read_to_string(&chapter).expect("chapter");
    let start = text.find("- [ ] Research").expect("first item");
    let end = text[start..].find("```").expect("closing fence") + start;
    let reordered = "- [ ] Read [the datasheet](https://example.com/ds.pdf) <script>alert(1)</script>\n\
                     - [ ] Write it down\n\
                     - [ ] A new item\n\
                     - [x] Prepare one specific {{#term rtos}} question {#rtos-question}\n  \
                     - [X] Check it with a *colleague*\n    \
                     - [ ] Rehearse it `out loud`\n\
                     - [ ] Research their recent projects and contributions\n";
    std::fs::write(
        &chapter,
        format!("{}{reordered}{}", &text[..start], &text[end..]),
    )
    .expect("write chapter");
    support::build_into(book.path(), &out);
    tab.reload();
    assert_eq!(
        tab.eval("[...document.querySelectorAll('#hb-before-the-meeting input[type=checkbox]')].map(b => b.getAttribute('data-item') + '=' + b.checked).join(' ')"),
        "read-the-datasheet-script-alert-1-script=false write-it-down=true a-new-item=false \
         rtos-question=false check-it-with-a-colleague=true rehearse-it-out-loud=false \
         research-their-recent-projects-and-contributions=false"
    );
    assert_eq!(tab.eval(&progress(LIST)), "2 of 7 done");
}

#[test]
fn copy_as_markdown_gives_a_task_list_with_the_current_ticks() {
    let Some(browser) = support::browser() else {
        return;
    };
    let built = support::build("checklist-ok");
    let tab = browser.open(&built, "prep.html");
    tab.click("#hb-before-the-meeting [data-item=write-it-down]");
    tab.eval("navigator.clipboard.writeText = text => { window.copied = text; return Promise.resolve(); }; true");
    tab.click("#hb-before-the-meeting [data-handbook-action='copy']");
    tab.wait_for("window.copied !== undefined");
    assert_eq!(
        tab.eval("window.copied"),
        "**Before the meeting**\n\n\
         - [ ] Research their recent projects and contributions\n\
         - [x] Prepare one specific RTOS question\n  \
         - [x] Write it down\n  \
         - [x] Check it with a *colleague*\n    \
         - [ ] Rehearse it `out loud`\n\
         - [ ] Read [the datasheet](https://example.com/ds.pdf) \\<script>alert(1)\\</script>\n"
    );
    tab.wait_for("document.querySelector('#hb-before-the-meeting .handbook-checklist-status').textContent === 'Copied'");

    // Without a clipboard: the text is shown, selected, to copy by hand.
    tab.eval(
        "navigator.clipboard.writeText = () => Promise.reject(new Error('denied')); \
         document.execCommand = () => false; true",
    );
    tab.click("#hb-in-a-list [data-handbook-action='copy']");
    tab.wait_for("document.activeElement.classList.contains('handbook-checklist-copy-text')");
    assert_eq!(
        tab.eval("document.activeElement.value"),
        "- [ ] Inside a list item\n"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("fixture entry");
        let target = to.join(entry.path().strip_prefix(from).expect("inside the fixture"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create dir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

#[test]
fn a_book_without_checklists_says_so() {
    let html = content(&support::build("checklist-none"), "all.html");
    assert!(
        html.contains(
            r#"<p class="handbook-checklists-empty">This book has no checklists yet.</p>"#
        ),
        "{html}"
    );
    let markdown = support::build_markdown("checklist-none").page("all.md");
    assert!(
        markdown.contains("This book has no checklists yet."),
        "{markdown}"
    );
}

#[test]
fn a_reference_on_the_checklists_page_is_reported_in_its_own_chapter() {
    // `{{#checklists}}` comes first in the book, so the broken template
    // fails there first, on the copy of the item.
    let outcome = support::check("checklist-term-override-broken");
    assert!(!outcome.success, "{}", outcome.stderr);
    let found = diagnostics(&outcome.stderr);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "src/chapter.md:6:22", "{}", outcome.stderr);
    assert!(
        found[0].1.starts_with("template `glossary-term` failed"),
        "{found:?}"
    );
}
