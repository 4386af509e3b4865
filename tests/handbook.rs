//! The published handbook itself: it checks clean with warnings denied,
//! builds completely, holds what the handbook promises, and prints well.

mod support;

use std::collections::HashMap;
use std::sync::OnceLock;
use support::{Built, crate_root, run_with_stdin};

/// The repository's book, built once for all tests here.
fn handbook() -> &'static Built {
    static BUILT: OnceLock<(tempfile::TempDir, Built)> = OnceLock::new();
    &BUILT
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            let built = support::build_into(&crate_root(), dir.path());
            (dir, built)
        })
        .1
}

fn chapters() -> Vec<String> {
    let summary = std::fs::read_to_string(crate_root().join("book/SUMMARY.md")).unwrap();
    summary
        .lines()
        .filter_map(|l| {
            l.split_once("](")
                .map(|(_, rest)| rest.trim_end_matches(')').to_string())
        })
        .collect()
}

#[test]
fn the_handbook_checks_clean_with_warnings_denied() {
    let out = run_with_stdin(&["check"], None, &[("HANDBOOK_DENY_WARNINGS", "1")]);
    assert!(out.success, "{}", out.stderr);
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
}

#[test]
fn every_page_is_expanded_and_nothing_is_left_raw() {
    let built = handbook();
    for chapter in chapters() {
        let html = built.main(
            &chapter
                .replace("README.md", "index.md")
                .replace(".md", ".html"),
        );
        for raw in [
            "{{#term",
            "{{#glossary",
            "{{#checklists",
            "```script",
            "```checklist",
        ] {
            assert!(!html.contains(raw), "{chapter} still has `{raw}`");
        }
        // Our markup quotes attribute values with `'`, and mdBook writes
        // every tag it reads with `"`: a class of ours so quoted outside the
        // tooltips' data block (copied as it is) is markup left as text.
        let read_as_markup = |part: &str| {
            let ours = ["class='handbook-", "class='hb-"];
            if let Some(at) = ours.iter().find_map(|quoted| part.find(quoted)) {
                let line = part[..at].rfind('\n').map_or(0, |l| l + 1);
                panic!(
                    "{chapter}: markup left as text: {}",
                    part[line..].lines().next().unwrap()
                );
            }
        };
        let mut rest = html.as_str();
        let tips = r#"<script type="text/html" class="hb-tips">"#;
        while let Some(at) = rest.find(tips) {
            read_as_markup(&rest[..at]);
            let end = rest[at..].find("</script>").expect("the block ends");
            rest = &rest[at + end..];
        }
        read_as_markup(rest);
    }
}

#[test]
fn the_handbook_holds_what_it_promises() {
    let root = crate_root().join("book");
    let chapters = chapters();
    assert!(chapters.len() >= 10, "{chapters:?}");
    let all: String = chapters
        .iter()
        .map(|c| std::fs::read_to_string(root.join(c)).unwrap())
        .collect();
    assert!(all.matches("```script ").count() >= 4);
    assert!(all.matches("```checklist ").count() >= 5);
    assert!(all.contains("{{#checklists}}") && all.contains("{{#glossary}}"));
    let glossary: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("glossary.toml")).unwrap()).unwrap();
    assert!(glossary.len() >= 30, "{} terms", glossary.len());
    let by_abbr: HashMap<String, &toml::Value> = glossary
        .values()
        .filter_map(|e| Some((e.get("abbr")?.as_str()?.to_string(), e)))
        .collect();
    for abbr in ["RTOS", "MCU", "PIC", "ISR", "HAL", "JTAG", "SWD"] {
        assert!(by_abbr.contains_key(abbr), "no {abbr}");
    }
    assert!(
        glossary
            .values()
            .any(|e| e["term"].as_str() == Some("Firmware"))
    );
    let pic = by_abbr["PIC"]["definition"].as_str().unwrap();
    assert!(
        pic.contains("Microchip"),
        "PIC must be Microchip's MCU family: {pic}"
    );
}

#[test]
fn the_print_page_has_no_duplicate_ids() {
    let html = handbook().page("print.html");
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for part in html.split(" id=\"").skip(1) {
        let id = &part[..part.find('"').unwrap()];
        *seen.entry(id).or_default() += 1;
    }
    let dups: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(dups.is_empty(), "duplicate ids on print.html: {dups:?}");
}

#[test]
fn in_print_controls_disappear_and_boxes_are_empty() {
    let Some(browser) = support::browser() else {
        return;
    };
    let tab = browser.open(handbook(), "the-meeting.html");
    tab.click(".handbook-checklist input[type=checkbox]");
    tab.emulate_media("print");
    let hidden = |selector: &str| {
        tab.eval(&format!(
            "[...document.querySelectorAll('{selector}')].every(e => e.getClientRects().length === 0)"
        ))
    };
    for selector in [
        ".handbook-script-tools",
        ".handbook-details",
        ".handbook-checklist-footer",
        "main button",
    ] {
        assert_eq!(
            hidden(selector),
            serde_json::json!(true),
            "{selector} shows in print"
        );
    }
    assert_eq!(
        tab.eval("getComputedStyle(document.querySelector('.handbook-checklist input[type=checkbox]')).appearance"),
        serde_json::json!("none"),
        "a ticked box must print empty"
    );
    tab.emulate_media("");
    assert_eq!(hidden(".handbook-script-tools"), serde_json::json!(false));
}

/// Refreshes the README's screenshots of the real handbook:
/// `cargo test --test handbook -- --ignored screenshots`.
#[test]
#[ignore = "writes docs/screenshots; run by hand when the look changes"]
fn screenshots() {
    let Some(browser) = support::browser() else {
        return;
    };
    let dir = crate_root().join("docs/screenshots");
    let tab = browser.open(handbook(), "the-meeting.html");
    tab.eval("document.querySelector('.handbook-script').scrollIntoView()");
    tab.screenshot(&dir.join("script.png"));
    tab.goto("specific-ask.html");
    tab.eval("document.querySelector('.handbook-checklist').scrollIntoView({block: 'center'})");
    tab.click(".handbook-checklist input[type=checkbox]");
    tab.screenshot(&dir.join("checklist.png"));
    tab.hover("main p a.handbook-term");
    tab.wait_for("[...document.querySelectorAll('.handbook-term-tip')].some(t => t.getClientRects().length > 0)");
    tab.screenshot(&dir.join("term.png"));
}

/// `mdbook build` in this checkout loads the installed CSS/JS: they must be
/// this version's (run `cargo run --release -- install .` after changing
/// `assets/`).
#[test]
fn the_installed_assets_are_current_for_the_mdbook_cli() {
    let book = mdbook_driver::MDBook::load(support::crate_root()).expect("the handbook loads");
    let ctx = mdbook_preprocessor::PreprocessorContext::new(
        book.root.clone(),
        book.config.clone(),
        "html".into(),
    );
    let input = serde_json::to_vec(&(ctx, book.book)).unwrap();
    let out = support::run_with_stdin(&[], Some(&input), &[]);
    assert!(out.success, "{}", out.stderr);
}
