//! The reader's experience, checked by machine: axe-core (WCAG 2.1 A/AA and
//! best practice) in the real Chromium on every page of the handbook and of
//! the fixture books, in all five mdBook themes, with the "Your details"
//! form closed and open, a tooltip open and rehearsal on; plus the page
//! structure axe does not see (unique ids, no `<style>` in `<body>`), the
//! page with JavaScript off, and print.
//!
//! A violation in the handbook's markup fails the test; the rest (mdBook's
//! own chrome, a fixture's own template overrides) is printed, for the
//! record, and does not. Run `cargo test --test a11y -- --nocapture` for
//! the counts per theme.

mod support;

use std::collections::BTreeMap;
use std::sync::OnceLock;
use support::Built;
use support::axe::{Axe, Violation};

/// Every book whose pages are audited: the handbook, then the fixtures
/// that build.
const FIXTURES: [&str; 9] = [
    "basic",
    "checklist-none",
    "checklist-ok",
    "checklist-theme",
    "glossary-book",
    "glossary-nopage",
    "glossary-override",
    "script-book",
    "script-override",
];

/// mdBook's five built-in themes.
const THEMES: [&str; 5] = ["light", "rust", "coal", "navy", "ayu"];

/// A built book.
struct Book {
    name: String,
    built: Built,
    _dir: tempfile::TempDir,
}

/// Each book, built once for every test here.
fn books() -> &'static [Book] {
    static BOOKS: OnceLock<Vec<Book>> = OnceLock::new();
    BOOKS.get_or_init(|| {
        let roots = std::iter::once(("handbook".to_string(), support::crate_root())).chain(
            FIXTURES
                .iter()
                .map(|f| (f.to_string(), support::fixture(f))),
        );
        roots
            .map(|(name, root)| {
                let dir = tempfile::tempdir().expect("temp dir");
                let built = support::build_into(&root, dir.path());
                Book {
                    name,
                    built,
                    _dir: dir,
                }
            })
            .collect()
    })
}

/// Every HTML page of a built book, relative to its root, sorted.
fn pages(built: &Built) -> Vec<String> {
    let mut pages: Vec<String> = walkdir::WalkDir::new(&built.out)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .filter_map(|e| {
            e.path()
                .strip_prefix(&built.out)
                .ok()
                .map(|p| p.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    pages.sort();
    pages
}

/// Puts the page in the interactive states axe must also see: every
/// "Your details" form open, rehearsal on in the first script, and the
/// tooltip of the first visible term reference open. Whether anything
/// changed (a page without handbook controls has nothing to open).
const INTERACT: &str = r#"(async () => {
  let changed = false;
  for (const d of document.querySelectorAll('details.handbook-details')) {
    if (!d.open) { d.open = true; changed = true; }
  }
  const select = document.querySelector('.handbook-script-rehearse select');
  if (select && select.options.length > 1) {
    select.value = select.options[1].value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    changed = true;
  }
  const term = [...document.querySelectorAll('main .handbook-term')]
    .find((t) => t.getClientRects().length > 0);
  if (term) {
    term.focus();
    changed = true;
  }
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  return changed;
})()"#;

/// A violation and where it was found.
struct Found {
    book: String,
    page: String,
    state: &'static str,
    violation: Violation,
}

/// Audits every page of every book in `theme`, in both states.
fn audit(theme: &str) -> Option<Vec<Found>> {
    let axe = Axe::load()?;
    let browser = support::browser()?;
    let mut found = Vec::new();
    for Book { name, built, .. } in books() {
        let tab = browser.open(built, "index.html");
        support::axe::emulate_focus(&tab);
        // mdBook's own theme menu: it saves the choice for every page.
        tab.eval(&format!(
            "document.getElementById('mdbook-theme-{theme}').click()"
        ));
        for page in pages(built) {
            tab.goto(&page);
            // `toc.html` (the sidebar for pages without JavaScript) has
            // no theme script: give it the theme as mdBook would.
            tab.eval(&format!(
                "document.getElementById('mdbook-theme-list') || document.documentElement.classList.replace('light', '{theme}')"
            ));
            let class = tab.eval("document.documentElement.className");
            assert!(
                class.as_str().unwrap_or("").split(' ').any(|c| c == theme),
                "{name}/{page} is not in the {theme} theme: {class}"
            );
            let mut record = |state, list: Vec<Violation>| {
                found.extend(list.into_iter().map(|violation| Found {
                    book: name.clone(),
                    page: page.clone(),
                    state,
                    violation,
                }));
            };
            record("closed", axe.audit(&tab));
            if tab.eval(INTERACT) == true {
                record("open", axe.audit(&tab));
            }
        }
    }
    Some(found)
}

/// Counts by rule, e.g. `color-contrast 12, region 3`.
fn by_rule<'a>(found: impl Iterator<Item = &'a Found>) -> (usize, String) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for f in found {
        *counts.entry(&f.violation.rule).or_default() += 1;
    }
    let total = counts.values().sum();
    let list: Vec<String> = counts.iter().map(|(r, n)| format!("{r} {n}")).collect();
    (total, list.join(", "))
}

/// Prints the theme's counts and mdBook's own violations (each rule and
/// selector once, with how many pages have it); fails on any of ours.
fn report(theme: &str, found: &[Found]) {
    let (ours, ours_rules) = by_rule(found.iter().filter(|f| f.violation.ours));
    let (chrome, chrome_rules) = by_rule(found.iter().filter(|f| !f.violation.ours));
    eprintln!(
        "axe {theme}: handbook {ours} [{ours_rules}]; not the handbook's {chrome} [{chrome_rules}]"
    );
    let mut distinct: BTreeMap<(String, String), (usize, &Found)> = BTreeMap::new();
    for f in found.iter().filter(|f| !f.violation.ours) {
        let key = (f.violation.rule.clone(), f.violation.target.clone());
        distinct.entry(key).or_insert((0, f)).0 += 1;
    }
    for (n, f) in distinct.values() {
        eprintln!(
            "  not the handbook's, {n} page state(s), first {}/{}: {}",
            f.book, f.page, f.violation
        );
    }
    let failures: Vec<String> = found
        .iter()
        .filter(|f| f.violation.ours)
        .map(|f| {
            format!(
                "{}/{} [{theme}, {}]: {}",
                f.book, f.page, f.state, f.violation
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} axe violation(s) in the handbook's markup in the {theme} theme:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn axe_in(theme: &str) {
    if let Some(found) = audit(theme) {
        report(theme, &found);
    }
}

#[test]
fn axe_finds_nothing_in_the_handbooks_markup_light() {
    axe_in("light");
}

#[test]
fn axe_finds_nothing_in_the_handbooks_markup_rust() {
    axe_in("rust");
}

#[test]
fn axe_finds_nothing_in_the_handbooks_markup_coal() {
    axe_in("coal");
}

#[test]
fn axe_finds_nothing_in_the_handbooks_markup_navy() {
    axe_in("navy");
}

#[test]
fn axe_finds_nothing_in_the_handbooks_markup_ayu() {
    axe_in("ayu");
}

#[test]
fn the_themes_are_mdbooks_five() {
    let page = books()[0].built.page("index.html");
    for theme in THEMES {
        assert!(
            page.contains(&format!("id=\"mdbook-theme-{theme}\"")),
            "mdBook has no {theme} theme"
        );
    }
}

// ---------------------------------------------------------------------------
// Page structure, on every built page of every book.

/// Every value of `id="..."` in `html`, with how often it occurs.
fn ids(html: &str) -> BTreeMap<&str, usize> {
    let mut ids = BTreeMap::new();
    for (at, _) in html.match_indices(" id=\"") {
        let rest = &html[at + 5..];
        if let Some(end) = rest.find('"') {
            *ids.entry(&rest[..end]).or_insert(0) += 1;
        }
    }
    ids
}

#[test]
fn no_page_has_a_duplicate_id() {
    let mut duplicates = Vec::new();
    for book in books() {
        for page in pages(&book.built) {
            let html = book.built.page(&page);
            for (id, n) in ids(&html).into_iter().filter(|(_, n)| *n > 1) {
                duplicates.push(format!("{}/{page}: id \"{id}\" {n} times", book.name));
            }
        }
    }
    assert!(duplicates.is_empty(), "{}", duplicates.join("\n"));
}

#[test]
fn no_page_has_a_style_element_in_its_body() {
    let mut found = Vec::new();
    for book in books() {
        for page in pages(&book.built) {
            let html = book.built.page(&page);
            let body = html.find("<body").map_or("", |at| &html[at..]);
            let n = body.matches("<style").count();
            if n > 0 {
                found.push(format!("{}/{page}: {n} <style> in <body>", book.name));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The all-checklists page: each chapter's heading has an id and a link as
/// its first child, as mdBook's own headings do, so mdBook's "on this page"
/// sidebar lists it and nests the checklists' titles under it.
#[test]
fn the_checklists_page_chapter_headings_reach_the_sidebar() {
    let Some(browser) = support::browser() else {
        return;
    };
    let tab = browser.open(&books()[0].built, "checklists.html");
    let headings = tab.eval(
        "[...document.querySelectorAll('main .handbook-checklists h2')].map(h => h.id + '|' + h.firstElementChild.tagName)",
    );
    let headings = headings.as_array().expect("headings");
    assert!(headings.len() >= 3, "{headings:?}");
    for h in headings {
        let h = h.as_str().unwrap_or("");
        assert!(h.starts_with("hb-checklists-") && h.ends_with("|A"), "{h}");
    }
    let sidebar = tab.eval(
        "[...document.querySelectorAll('.on-this-page > ol > li > span > a.header-in-summary')].map(a => a.getAttribute('href'))",
    );
    let sidebar = sidebar.as_array().expect("sidebar links");
    for h in headings {
        let id = h.as_str().unwrap_or("").trim_end_matches("|A");
        assert!(
            sidebar
                .iter()
                .any(|a| a.as_str() == Some(&format!("#{id}"))),
            "{id} is not in the sidebar's top level: {sidebar:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// With JavaScript off.

/// With JavaScript off every page still reads well: the handbook's markup
/// has no control that could not work and no count that would go stale, a
/// blank reads as its bracketed label, and axe finds nothing of ours.
#[test]
fn without_javascript_pages_read_well() {
    let (Some(axe), Some(browser)) = (Axe::load(), support::browser()) else {
        return;
    };
    let book = &books()[0];
    let tab = browser.open(&book.built, "index.html");
    support::axe::disable_scripts(&tab, true);
    let mut problems = Vec::new();
    for page in pages(&book.built) {
        tab.goto(&page);
        let js_only = tab.eval(
            "[...document.querySelectorAll('main button, main select, main input:not([type=checkbox]), main details, main [role=status], main [aria-live], .handbook-checklist-progress')].map(e => e.outerHTML.slice(0, 80))",
        );
        if js_only.as_array().is_some_and(|l| !l.is_empty()) {
            problems.push(format!("{page}: controls that need JavaScript: {js_only}"));
        }
        let blanks = tab.eval(
            "[...document.querySelectorAll('.hb-ph')].filter(p => !/^\\[[^\\]]+\\]$/.test(p.textContent) || !p.title).map(p => p.outerHTML)",
        );
        if blanks.as_array().is_some_and(|l| !l.is_empty()) {
            problems.push(format!(
                "{page}: blanks without their label and hint: {blanks}"
            ));
        }
        // axe itself needs timers: scripts back on for it, once the page
        // has loaded (and run none of its own).
        support::axe::disable_scripts(&tab, false);
        for v in axe.audit(&tab).into_iter().filter(|v| v.ours) {
            problems.push(format!("{page} [no JavaScript]: {v}"));
        }
        support::axe::disable_scripts(&tab, true);
    }
    support::axe::disable_scripts(&tab, false);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------
// Placeholders, from the keyboard.

#[test]
fn a_blank_says_it_is_one_and_opens_its_field_from_the_keyboard() {
    let Some(browser) = support::browser() else {
        return;
    };
    let built = books()
        .iter()
        .find(|b| b.name == "script-book")
        .expect("book");
    let tab = browser.open(&built.built, "ask.html");
    tab.eval("localStorage.clear()");
    tab.reload();
    let first = "document.querySelector('#hb-ask-alex .hb-ph')";
    tab.wait_for(&format!("{first}.getAttribute('role') === 'button'"));
    assert_eq!(
        tab.eval(&format!(
            "[{first}.textContent, {first}.getAttribute('aria-label'), {first}.tabIndex, {first}.title].join('|')"
        )),
        "Your Name|Your Name (blank, fill in)|0|How you sign your emails"
    );
    tab.eval(&format!("{first}.focus()"));
    tab.press_key("Enter");
    tab.wait_for("document.activeElement.dataset.placeholder === 'Your Name' && document.activeElement.tagName === 'INPUT'");
    assert_eq!(
        tab.eval("document.querySelector('.handbook-details').open"),
        true
    );
    for c in "Sam".chars() {
        tab.press_key(&c.to_string());
    }
    assert_eq!(
        tab.eval(&format!("{first}.getAttribute('aria-label')")),
        "Sam (Your Name, change)"
    );
    // Space works too, on another blank.
    tab.eval("document.querySelector('.handbook-details').open = false");
    tab.eval(
        "document.querySelector('#hb-ask-alex .hb-ph[data-placeholder=\"Your Goal\"]').focus()",
    );
    tab.press_key(" ");
    tab.wait_for("document.activeElement.dataset.placeholder === 'Your Goal'");
}

// ---------------------------------------------------------------------------
// Tooltips: about 40 characters wide whatever mdBook's 10px root font, and
// inside the window on a desktop and on 320–390px phones, where a tap shows
// them.

/// Pages with many term references, in running text and in definitions.
const TERM_PAGES: [&str; 3] = ["specific-ask.html", "homework.html", "glossary.html"];

/// The shown tooltip of reference `i` and its term: their boxes and the
/// window's size; `null` while no tooltip shows.
fn tip_geometry(i: usize) -> String {
    format!(
        "(() => {{ const term = document.querySelectorAll('main .handbook-term')[{i}];
           const tip = document.getElementById(term.getAttribute('aria-describedby'));
           if (!tip || getComputedStyle(tip).display === 'none') return null;
           const t = tip.getBoundingClientRect(), r = term.getClientRects()[0];
           return {{ left: t.left, right: t.right, top: t.top, bottom: t.bottom, width: t.width,
                    text: tip.textContent.trim().length, term_top: r.top, term_bottom: r.bottom,
                    vw: document.documentElement.clientWidth, vh: window.innerHeight }}; }})()"
    )
}

/// Why the tooltip `g` is misplaced, if it is.
fn misplaced(g: &serde_json::Value) -> Option<String> {
    let f = |k: &str| g[k].as_f64().unwrap_or(f64::NAN);
    let inside = f("left") >= 0.0
        && f("right") <= f("vw") + 0.5
        && f("top") >= 0.0
        && f("bottom") <= f("vh") + 0.5;
    (!inside).then(|| format!("outside the window: {g}"))
}

#[test]
fn tooltips_are_forty_characters_wide_and_inside_the_window() {
    let Some(browser) = support::browser() else {
        return;
    };
    let tab = browser.open(&books()[0].built, "index.html");
    support::axe::emulate_focus(&tab);
    let mut problems = Vec::new();
    let mut widths = Vec::new();
    for page in TERM_PAGES {
        tab.goto(page);
        let n = tab.eval("document.querySelectorAll('main .handbook-term').length");
        for i in 0..n.as_u64().unwrap_or(0) as usize {
            tab.eval(&format!(
                "document.querySelectorAll('main .handbook-term')[{i}].focus()"
            ));
            tab.wait_for(&format!("{} !== null", tip_geometry(i)));
            let g = tab.eval(&tip_geometry(i));
            if g["text"].as_f64().unwrap_or(0.0) > 200.0 {
                widths.push(g["width"].as_f64().unwrap_or(0.0));
            }
            problems.extend(misplaced(&g).map(|p| format!("{page} #{i} (desktop): {p}")));
        }
    }
    // 40ch of the tooltip's 14px text is about 320px; mdBook's 10px root
    // font made the old `24rem` 240px.
    assert!(!widths.is_empty());
    for w in &widths {
        assert!(
            (280.0..=420.0).contains(w),
            "a long tooltip is {w}px wide: {widths:?}"
        );
    }
    for (width, height) in [(320, 640), (390, 844)] {
        support::axe::emulate_device(&tab, Some((width, height, true)));
        for page in TERM_PAGES {
            tab.goto(page);
            problems.extend(tap_every_term(&tab, page, width));
        }
    }
    support::axe::emulate_device(&tab, None);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Taps every reference on the page, scrolled near the bottom of the
/// window, to its middle and near its top, and reports each tooltip that is
/// not inside the window.
fn tap_every_term(tab: &support::Tab<'_>, page: &str, width: u32) -> Vec<String> {
    let mut problems = Vec::new();
    let n = tab.eval("document.querySelectorAll('main .handbook-term').length");
    for i in 0..n.as_u64().unwrap_or(0) as usize {
        for at in [0.9, 0.5, 0.2] {
            // The previous tooltip closed (as a tap elsewhere closes it),
            // the term scrolled into place and the page settled.
            let point = tab.eval(&format!(
                "(async () => {{ document.querySelectorAll('.handbook-ref-open').forEach(r => r.classList.remove('handbook-ref-open'));
                   document.activeElement.blur();
                   const term = document.querySelectorAll('main .handbook-term')[{i}];
                   term.scrollIntoView({{ block: 'center' }});
                   window.scrollBy(0, term.getClientRects()[0].top - {at} * window.innerHeight);
                   await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
                   const r = term.getClientRects()[0];
                   const x = r.left + Math.min(r.width, 40) / 2, y = (r.top + r.bottom) / 2;
                   return term.contains(document.elementFromPoint(x, y)) ? [x, y] : null; }})()"
            ));
            let Some([x, y]) = point.as_array().map(|p| [&p[0], &p[1]]) else {
                continue; // under mdBook's menu bar: not where a reader taps
            };
            support::axe::tap_at(tab, x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            tab.wait_for(&format!("{} !== null", tip_geometry(i)));
            let g = tab.eval(&tip_geometry(i));
            problems
                .extend(misplaced(&g).map(|p| {
                    format!("{page} #{i} ({width}px, tapped at {at} of the height): {p}")
                }));
        }
    }
    problems
}

// ---------------------------------------------------------------------------
// Print.

/// In print: each blank is an inline block with a line to write on and its
/// label inside (nothing hangs out of it onto the next line), lines of a
/// beat never overlap, and no line is split across pages.
#[test]
fn print_has_blanks_to_write_on_and_never_splits_a_line() {
    let Some(browser) = support::browser() else {
        return;
    };
    let Some(pdftotext) = support::axe::pdftotext() else {
        return;
    };
    let tab = browser.open(&books()[0].built, "index.html");
    support::axe::no_print_dialog(&tab);
    tab.goto("print.html");
    tab.eval("localStorage.clear()");
    tab.reload();
    tab.emulate_media("print");
    let layout = tab.eval(PRINT_LAYOUT);
    tab.emulate_media("");
    let problems: Vec<String> = layout["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| p.as_str().unwrap_or("").to_string())
        .collect();
    assert!(layout["blanks"].as_u64().unwrap_or(0) >= 20, "{layout}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    let pdf = support::axe::print_to_pdf(&tab);
    // Cargo's scratch directory for integration tests, wherever the target
    // directory is.
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("handbook-print.pdf");
    std::fs::write(&path, &pdf).expect("write the PDF");
    // `-layout` keeps each printed row together (a blank's smaller text
    // would otherwise be read out of order).
    let text = std::process::Command::new(pdftotext)
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("run pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    // A blank's small label may come out of the PDF apart from its line:
    // compare the lines' words around the blanks.
    let labels =
        tab.eval("[...new Set([...document.querySelectorAll('.hb-ph')].map(p => p.textContent))]");
    let labels: Vec<String> = labels
        .as_array()
        .expect("labels")
        .iter()
        .map(|l| squeeze(l.as_str().unwrap_or("")))
        .collect();
    let unlabelled = |text: &str| {
        labels
            .iter()
            .fold(squeeze(text), |t, label| t.replace(label.as_str(), ""))
    };
    let pages: Vec<String> = text.split('\u{c}').map(unlabelled).collect();
    assert!(pages.len() > 2, "{} pages", pages.len());
    let lines = tab.eval(
        "[...document.querySelectorAll('.hb-line > span')].map(l => { const c = l.cloneNode(true); c.querySelectorAll('[role=tooltip]').forEach(t => t.remove()); return c.textContent; })",
    );
    let lines = lines.as_array().expect("lines");
    assert!(lines.len() > 40, "{} lines", lines.len());
    for line in lines {
        let line = unlabelled(line.as_str().unwrap_or(""));
        assert!(
            pages.iter().any(|p| p.contains(&line)),
            "a line of dialogue is split across pages (or missing) in {}: {line}",
            path.display()
        );
    }
}

/// Text as compared with the PDF's: no whitespace, ligatures undone.
fn squeeze(text: &str) -> String {
    text.replace('\u{fb01}', "fi")
        .replace('\u{fb02}', "fl")
        .replace('\u{fb00}', "ff")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{ad}')
        .collect()
}

/// Checks the print layout of the open page (in print media): how many
/// blanks, and every problem found.
const PRINT_LAYOUT: &str = r#"(() => {
  const problems = [];
  const blanks = [...document.querySelectorAll('.hb-ph:not(.hb-ph-filled)')];
  for (const b of blanks) {
    const style = getComputedStyle(b);
    const line = b.closest('.hb-line, .hb-dir');
    const r = b.getBoundingClientRect(), l = line.getBoundingClientRect();
    const where = b.dataset.placeholder + ' in "' + line.textContent.slice(0, 40) + '"';
    if (style.display !== 'inline-block') problems.push(where + ': not an inline block (' + style.display + ')');
    if (style.borderBottomStyle !== 'solid' || parseFloat(style.borderBottomWidth) < 0.5) problems.push(where + ': no line to write on');
    if (r.width < 100) problems.push(where + ': only ' + r.width + 'px to write on');
    if (r.top < l.top - 0.5 || r.bottom > l.bottom + 0.5) problems.push(where + ': sticks out of its line');
    for (const pseudo of ['::before', '::after']) {
      const c = getComputedStyle(b, pseudo);
      if (c.content !== 'none' && c.content !== 'normal' && c.position === 'absolute') problems.push(where + ': ' + pseudo + ' hangs outside it');
    }
  }
  for (const beat of document.querySelectorAll('.hb-beat')) {
    const items = [...beat.children].map((c) => c.getBoundingClientRect());
    for (let i = 1; i < items.length; i++) {
      if (items[i].top < items[i - 1].bottom - 0.5) problems.push('lines overlap in "' + beat.children[i].textContent.slice(0, 40) + '"');
    }
  }
  for (const line of document.querySelectorAll('.hb-line, .hb-dir')) {
    if (getComputedStyle(line).breakInside !== 'avoid') problems.push('may split: "' + line.textContent.slice(0, 40) + '"');
  }
  return { blanks: blanks.length, problems };
})()"#;

// ---------------------------------------------------------------------------
// Screenshots.

/// Refreshes `docs/screenshots/theme-*.png`: the meeting script in each
/// theme, rehearsal on with a line revealed (and a tooltip, when a term
/// of the script is in view):
/// `cargo test --test a11y -- --ignored theme_screenshots`.
#[test]
#[ignore = "writes docs/screenshots; run by hand when the look changes"]
fn theme_screenshots() {
    let Some(browser) = support::browser() else {
        return;
    };
    let dir = support::crate_root().join("docs/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    let tab = browser.open(&books()[0].built, "the-meeting.html");
    support::axe::emulate_focus(&tab);
    support::axe::emulate_device(&tab, Some((1000, 720, false)));
    tab.eval("localStorage.clear(); localStorage.setItem('mdbook-sidebar', 'hidden')");
    for theme in THEMES {
        tab.eval(&format!(
            "document.getElementById('mdbook-theme-{theme}').click()"
        ));
        tab.goto("the-meeting.html");
        tab.eval(
            "(() => { const s = document.querySelector('.handbook-script'); const select = s.querySelector('.handbook-script-rehearse select');
               select.value = select.options[1].value; select.dispatchEvent(new Event('change', { bubbles: true }));
               s.querySelector('.handbook-reveal').click();
               s.scrollIntoView(); window.scrollBy(0, -60); })()",
        );
        let term = "[...document.querySelectorAll('.handbook-script .handbook-term')].find(t => t.getClientRects().length && t.getBoundingClientRect().top > 200)";
        tab.eval(&format!(
            "{term} && {term}.focus({{ preventScroll: true }})"
        ));
        tab.eval("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))");
        support::axe::screenshot_scaled(&tab, &dir.join(format!("theme-{theme}.png")), 0.75);
    }
    support::axe::emulate_device(&tab, None);
}

// ---------------------------------------------------------------------------
// Contrast axe does not measure: borders of controls and focus rings.

/// Tabs through every focusable element of the open page and reports each
/// of the handbook's whose focus ring, or whose control border, is below
/// 3:1 against the background behind it. Returns `[checked, problems]`.
const NON_TEXT_CONTRAST: &str = r#"(() => {
  const rgb = (c) => { const m = c.match(/[\d.]+/g) || ['0', '0', '0', '0']; return m.map(Number).concat([1]).slice(0, 4); };
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const behind = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c[3] > 0.5) return c;
    }
    return [255, 255, 255, 1];
  };
  const ours = (el) => { for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
    if ([e.id, ...e.classList].some((n) => n.startsWith('handbook-'))) return true; } return false; };
  return { ours, ratio, rgb, behind };
})()"#;

#[test]
fn focus_rings_and_control_borders_are_three_to_one_in_every_theme() {
    let Some(browser) = support::browser() else {
        return;
    };
    let tab = browser.open(&books()[0].built, "index.html");
    support::axe::emulate_focus(&tab);
    let mut problems = Vec::new();
    for theme in THEMES {
        tab.eval(&format!(
            "document.getElementById('mdbook-theme-{theme}').click()"
        ));
        tab.goto("the-meeting.html");
        tab.eval(INTERACT);
        tab.eval(&format!("window.hb = {NON_TEXT_CONTRAST}; document.activeElement.blur(); window.scrollTo(0, 0); true"));
        let mut checked = 0;
        for _ in 0..400 {
            tab.press_key("Tab");
            let found = tab.eval(
                "(() => { const el = document.activeElement; if (!el || el === document.body) return 'end';
                   if (!hb.ours(el)) return null;
                   const s = getComputedStyle(el), bg = hb.behind(el.parentElement);
                   const out = { what: el.outerHTML.slice(0, 90), problems: [] };
                   const ring = s.outlineStyle !== 'none' ? hb.ratio(hb.rgb(s.outlineColor), bg) : 0;
                   if (ring < 3 || parseFloat(s.outlineWidth) < 2) out.problems.push('focus ring ' + ring.toFixed(2) + ':1, ' + s.outlineWidth);
                   if (['BUTTON', 'SELECT', 'INPUT'].includes(el.tagName) && el.type !== 'checkbox') {
                     const border = hb.ratio(hb.rgb(s.borderTopColor), hb.behind(el.parentElement));
                     const inner = hb.ratio(hb.rgb(s.borderTopColor), hb.behind(el));
                     if (Math.max(border, inner) < 3) out.problems.push('border ' + Math.max(border, inner).toFixed(2) + ':1');
                   }
                   return out; })()",
            );
            if found == "end" {
                break;
            }
            if found.is_null() {
                continue;
            }
            checked += 1;
            for p in found["problems"].as_array().into_iter().flatten() {
                problems.push(format!(
                    "{theme}: {} at {}",
                    p.as_str().unwrap_or(""),
                    found["what"]
                ));
            }
        }
        assert!(
            checked >= 10,
            "{theme}: only {checked} handbook elements reached by Tab"
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------
// Touch targets.

#[test]
fn controls_are_at_least_24px_to_tap() {
    let Some(browser) = support::browser() else {
        return;
    };
    let tab = browser.open(&books()[0].built, "the-meeting.html");
    tab.eval(INTERACT);
    let small = tab.eval(
        "[...document.querySelectorAll('.handbook-script button, .handbook-script select, .handbook-details summary, .handbook-details button, .handbook-details input, .handbook-checklist-button, .hb-outcomes a')]
           .filter((e) => e.getClientRects().length > 0)
           .map((e) => [e.outerHTML.slice(0, 80), e.getBoundingClientRect().width, e.getBoundingClientRect().height])",
    );
    let small = small.as_array().expect("controls");
    assert!(small.len() >= 8, "{small:?}");
    let failing: Vec<_> = small
        .iter()
        .filter(|c| c[1].as_f64().unwrap_or(0.0) < 24.0 || c[2].as_f64().unwrap_or(0.0) < 24.0)
        .collect();
    assert!(failing.is_empty(), "under 24×24px: {failing:?}");
}

/// Lean markup may give a page one tooltip per term: a later reference
/// without its own names the first one's in `aria-describedby`, and shows
/// it on focus and hover all the same.
#[test]
fn a_reference_without_its_own_tooltip_shows_the_shared_one() {
    let Some(browser) = support::browser() else {
        return;
    };
    let tab = browser.open(&books()[0].built, "specific-ask.html");
    support::axe::emulate_focus(&tab);
    // Two references; the second's tooltip taken away, pointed at the first's.
    let shared = tab.eval(
        "(() => { const terms = [...document.querySelectorAll('main .handbook-ref > .handbook-term')];
           const [a, b] = [terms[0], terms.find((t, i) => i > 0 && t.getBoundingClientRect().top > 400)];
           b.parentElement.querySelector('.handbook-term-tip')?.remove();
           b.setAttribute('aria-describedby', a.getAttribute('aria-describedby'));
           b.id = 'hb-later'; return a.getAttribute('aria-describedby'); })()",
    );
    let tip = format!("document.getElementById({shared})");
    tab.eval("document.getElementById('hb-later').focus()");
    tab.wait_for(&format!("getComputedStyle({tip}).display === 'block'"));
    let near = tab.eval(&format!(
        "(() => {{ const t = {tip}.getBoundingClientRect(), r = document.getElementById('hb-later').getBoundingClientRect();
           return Math.abs(t.top - r.bottom) < 12 || Math.abs(r.top - t.bottom) < 12; }})()"
    ));
    assert_eq!(
        near, true,
        "the shared tooltip shows next to the later reference"
    );
    assert_eq!(
        tab.eval(&format!(
            "{tip}.parentElement === document.getElementById('hb-later').parentElement"
        )),
        true
    );
    // Back on the first reference, by mouse: it shows there again.
    tab.eval("document.activeElement.blur()");
    tab.hover("main .handbook-term");
    tab.wait_for(&format!(
        "getComputedStyle({tip}).display === 'block' && {tip}.parentElement === document.querySelector('main .handbook-ref')"
    ));
}
