//! The reader's experience, checked by machine: axe-core (WCAG 2.1 A/AA and
//! best practice) in the real Chromium on every page of the handbook and of
//! the fixture books, in all five mdBook themes, with the "Your details"
//! form closed and open, a tooltip open and rehearsal on; plus the page
//! structure axe does not see (unique ids, no `<style>` in `<body>`), the
//! page with JavaScript off, and print.
//!
//! A violation in the handbook's markup fails the test; mdBook's own chrome
//! is printed, for the record, and does not.

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
        let roots = std::iter::once(("handbook".to_string(), support::crate_root()))
            .chain(FIXTURES.iter().map(|f| (f.to_string(), support::fixture(f))));
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
    eprintln!("axe {theme}: handbook {ours} [{ours_rules}]; mdBook chrome {chrome} [{chrome_rules}]");
    let mut distinct: BTreeMap<(String, String), (usize, &Found)> = BTreeMap::new();
    for f in found.iter().filter(|f| !f.violation.ours) {
        let key = (f.violation.rule.clone(), f.violation.target.clone());
        distinct.entry(key).or_insert((0, f)).0 += 1;
    }
    for (n, f) in distinct.values() {
        eprintln!(
            "  mdBook chrome, {n} page state(s), first {}/{}: {}",
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
