//! The glossary end to end: fixture books built with mdBook as a library,
//! snapshots of the rendered HTML and markdown, the diagnostics of broken
//! books, and a real browser for the tooltips.

mod support;

use std::collections::BTreeSet;

/// A page's `<main>` without the inlined assets every handbook page gets
/// (they belong to every directive module, not to this snapshot).
fn content(built: &support::Built, rel: &str) -> String {
    let main = built.main(rel);
    match main.find("<style>") {
        Some(at) => main[..at].trim_end().to_string(),
        None => main,
    }
}

/// `(level: message, path:line:col)` of every diagnostic in `stderr`.
fn diagnostics(stderr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = stderr.lines().peekable();
    while let Some(line) = lines.next() {
        if !(line.starts_with("error: ") || line.starts_with("warning: ")) {
            continue;
        }
        if line.starts_with("error: the handbook has problems") {
            continue;
        }
        let place = lines
            .peek()
            .and_then(|l| l.trim_start().strip_prefix("--> "))
            .unwrap_or("")
            .to_string();
        out.push(format!("{place} {line}"));
    }
    out
}

/// Every `href="..."` in an HTML text.
fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

/// Every `id="..."` in an HTML text.
fn ids(html: &str) -> BTreeSet<String> {
    html.split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

/// Resolves a relative link found on page `from` (an output path) to
/// `(output path, anchor)`.
fn resolve(from: &str, href: &str) -> (String, String) {
    let (path, anchor) = href.split_once('#').unwrap_or((href, ""));
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    if path.is_empty() {
        return (from.to_string(), anchor.to_string());
    }
    for part in path.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." => {}
            p => parts.push(p),
        }
    }
    (parts.join("/"), anchor.to_string())
}

#[test]
fn glossary_page_html() {
    let built = support::build("glossary-book");
    insta::assert_snapshot!("glossary_page", content(&built, "appendix/glossary.html"));
}

#[test]
fn chapter_with_references_html() {
    let built = support::build("glossary-book");
    insta::assert_snapshot!("chapter_embedded", content(&built, "embedded.html"));
}

#[test]
fn index_chapter_html() {
    let built = support::build("glossary-book");
    insta::assert_snapshot!("chapter_readme", content(&built, "index.html"));
}

#[test]
fn chapter_in_a_subfolder_html() {
    let built = support::build("glossary-book");
    insta::assert_snapshot!("chapter_sub_deep", content(&built, "sub/deep.html"));
}

#[test]
fn every_glossary_link_lands_on_an_existing_anchor() {
    let built = support::build("glossary-book");
    let pages = [
        "index.html",
        "embedded.html",
        "sub/deep.html",
        "practice.html",
        "appendix/index.html",
        "appendix/glossary.html",
    ];
    let mut checked = 0;
    for page in pages {
        let html = content(&built, page);
        for href in hrefs(&html) {
            if href.starts_with("http") {
                continue;
            }
            let (target, anchor) = resolve(page, &href);
            let target_html = built.page(&target);
            assert!(
                anchor.is_empty() || ids(&target_html).contains(&anchor),
                "{page}: link {href} -> {target}#{anchor}, which has no such id"
            );
            checked += 1;
        }
    }
    // References from every page, see-also and "used in" links: all checked.
    assert!(checked > 30, "only {checked} links checked");
}

#[test]
fn references_link_relatively_from_every_folder() {
    let built = support::build("glossary-book");
    let readme = content(&built, "index.html");
    assert!(
        readme.contains(r#"href="appendix/glossary.html#term-rtos""#),
        "{readme}"
    );
    let deep = content(&built, "sub/deep.html");
    assert!(
        deep.contains(r#"href="../appendix/glossary.html#term-rtos""#),
        "{deep}"
    );
    // Script lines and checklist items get the same links.
    let practice = content(&built, "practice.html");
    for link in [
        r#"href="appendix/glossary.html#term-firmware" id="hb-ref3-firmware""#,
        r#"href="appendix/glossary.html#term-watchdog" id="hb-ref3-watchdog""#,
        r#"href="appendix/glossary.html#term-i8051" id="hb-ref3-i8051""#,
    ] {
        assert!(practice.contains(link), "missing {link} in {practice}");
    }
    let glossary = content(&built, "appendix/glossary.html");
    for link in [
        r#"href="../index.html#hb-ref0-rtos">Introduction</a>"#,
        r#"href="../sub/deep.html#hb-ref2-rtos">Deep dive</a>"#,
        r#"href="index.html#hb-ref4-rtos">Appendix</a>"#,
        r#"href="../practice.html#hb-ref3-firmware">Practice</a>"#,
        r##"href="#term-isr">Interrupt Service Routine</a>"##,
    ] {
        assert!(glossary.contains(link), "missing {link}");
    }
}

#[test]
fn glossary_page_is_sorted_with_a_letter_index_and_one_anchor_per_term() {
    let built = support::build("glossary-book");
    let html = content(&built, "appendix/glossary.html");
    let order: Vec<usize> = [
        "term-i8051",
        "term-firmware",
        "term-isr",
        "term-pic",
        "term-rtos",
        "term-watchdog",
    ]
    .iter()
    .map(|id| {
        let needle = format!("<h3 class=\"handbook-glossary-term\" id=\"{id}\">");
        assert_eq!(html.matches(&needle).count(), 1, "{id}");
        html.find(&needle).unwrap()
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "not sorted: {order:?}"
    );
    for letter in ["other", "f", "i", "p", "r", "w"] {
        assert!(
            html.contains(&format!(r##"<a href="#glossary-{letter}">"##)),
            "{letter}"
        );
        assert!(
            html.contains(&format!(r#"id="glossary-{letter}""#)),
            "{letter}"
        );
    }
}

#[test]
fn auto_links_the_first_plain_mention_only() {
    let built = support::build("glossary-book");
    let html = content(&built, "embedded.html");
    // Heading, link, raw HTML and the second mention stay plain.
    assert!(html.contains(r##"<h2 id="what-an-rtos-is"><a class="header" href="#what-an-rtos-is">What an RTOS is</a></h2>"##), "{html}");
    assert_eq!(
        html.matches(r#"href="appendix/glossary.html#term-rtos""#)
            .count(),
        1,
        "{html}"
    );
    assert!(html.contains("a second RTOS mention stays plain"), "{html}");
    assert!(html.contains("<b>RTOS</b>"), "{html}");
    // After an explicit reference, a mention is not linked again.
    assert!(
        html.contains("and ISRs come later, so they stay plain"),
        "{html}"
    );
    // A reference in a heading is text (anchored for backlinks), not a link.
    assert!(
        html.contains(r#"About <span id="hb-ref1-watchdog">watchdog timer</span>"#),
        "{html}"
    );
    // ... which does not stop the first mention in running text from linking.
    assert!(
        html.contains(
            r#"<p>A <a class="handbook-term" href="appendix/glossary.html#term-watchdog""#
        ),
        "{html}"
    );
    // The glossary page's own text is never auto-linked.
    let glossary = content(&built, "appendix/glossary.html");
    assert!(
        glossary.contains("A mention of an RTOS here is not linked"),
        "{glossary}"
    );
}

#[test]
fn definitions_are_escaped_everywhere() {
    let built = support::build("glossary-book");
    for page in ["appendix/glossary.html", "practice.html", "embedded.html"] {
        let html = built.page(page);
        assert!(!html.contains("<script>alert(1)"), "{page}");
    }
    assert!(
        content(&built, "appendix/glossary.html")
            .contains("Never &lt;script&gt;alert(1)&lt;/script&gt; here.")
    );
    let markdown = support::build_markdown("glossary-book");
    assert!(!markdown.page("appendix/glossary.md").contains("<script>"));
}

#[test]
fn markdown_renderer_gets_text_and_a_definition_list() {
    let built = support::build_markdown("glossary-book");
    insta::assert_snapshot!("markdown_glossary", built.page("appendix/glossary.md"));
    assert_eq!(
        built.page("sub/deep.md"),
        "# Deep dive\n\nInside an interrupt service routine, keep the work short. See RTOS and\nthe scheduler.\n"
    );
    let practice = built.page("practice.md");
    for text in [
        "How do you test firmware on a PIC?",
        "With a watchdog timer and patience.",
        "Read about the 8051",
    ] {
        assert!(practice.contains(text), "{practice}");
    }
}

#[test]
fn broken_glossary_reports_every_problem_at_its_place() {
    let outcome = support::check("glossary-broken");
    assert!(!outcome.success, "{}", outcome.stderr);
    assert_eq!(
        diagnostics(&outcome.stderr),
        [
            "src/glossary.toml:4:1 error: unknown field `defintion` in `rtos`",
            "src/glossary.toml:1:1 error: `rtos` has no `definition`",
            "src/glossary.toml:6:2 error: `ISR` is not a valid id",
            "src/glossary.toml:14:14 error: `definition` of `isr-2` is empty",
            "src/glossary.toml:13:8 error: duplicate abbr `rtos`",
            "src/glossary.toml:8:49 error: unknown term `rots`",
            "src/glossary.toml:9:21 error: `see-also` names an unknown id `watchdg`",
            "src/chapter.md:3:12 error: unknown term `RTSO`",
            "src/chapter.md:3:31 error: unknown term `Interupt Service Routine`",
            "src/chapter.md:6:26 error: unknown term `wachdog`",
            "src/chapter.md:10:23 error: unknown term `ISRR`",
            "src/glossary.toml:11:2 warning: term `isr-2` is never used",
            "src/glossary.toml:16:2 warning: term `unused` is never used",
        ]
    );
    let stderr = &outcome.stderr;
    for help in [
        "help: did you mean `definition`?",
        "e.g. `isr`",
        "already the id of `rtos` here",
        "help: did you mean `rtos`?",
        "help: did you mean `Interrupt Service Routine`?",
        "help: did you mean `ISR`?",
        "reference it with `{{#term unused}}` or mention \"Bootloader\" in a chapter",
    ] {
        assert!(stderr.contains(help), "missing `{help}` in\n{stderr}");
    }
    assert!(
        stderr.contains("handbook: failed with 11 errors, 2 warnings"),
        "{stderr}"
    );
}

#[test]
fn malformed_glossary_names_the_line() {
    let outcome = support::check("glossary-malformed");
    assert!(!outcome.success);
    assert_eq!(
        diagnostics(&outcome.stderr),
        [
            "src/glossary.toml:3:31 error: malformed glossary: invalid basic string, expected `\"`",
            "src/glossary.toml:9:2 error: duplicate id `rtos`",
        ]
    );
    assert!(
        outcome.stderr.contains("first defined here"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn missing_glossary_says_where_it_was_expected() {
    let outcome = support::check("glossary-missing");
    assert!(!outcome.success);
    assert_eq!(
        diagnostics(&outcome.stderr),
        [
            "src/glossary.md:3:1 error: `{{#glossary}}` shows the glossary, but `src/terms/glossary.toml` does not exist",
            "src/chapter.md:3:12 error: unknown term `rtos`: the book has no glossary",
        ]
    );
}

#[test]
fn without_a_glossary_page_references_are_focusable_terms() {
    let outcome = support::check("glossary-nopage");
    assert!(outcome.success, "{}", outcome.stderr);
    assert_eq!(
        diagnostics(&outcome.stderr),
        [
            "src/glossary.toml warning: the book has a glossary but no page shows it: term references show their definition, but link nowhere"
        ]
    );
    let built = support::build("glossary-nopage");
    let html = content(&built, "chapter.html");
    assert!(!html.contains("<a class=\"handbook-term\""), "{html}");
    assert!(
        html.contains(r#"<span class="handbook-term" tabindex="0""#),
        "{html}"
    );
    // The definition is on the page once, for the page's script.
    assert!(html.contains("<span data-term='rtos'><b>"), "{html}");
    // auto-link = "none": the plain mention stays plain.
    assert!(html.contains("a plain RTOS mention stays plain"), "{html}");
}

/// Presses Tab (real key events) until the focused element matches
/// `selector`; returns the `aria-describedby` of the focused element.
fn tab_to(tab: &support::Tab, selector: &str) -> String {
    for _ in 0..400 {
        tab.press_key("Tab");
        let id = tab.eval(&format!(
            "document.activeElement && document.activeElement.matches('{selector}') \
             ? document.activeElement.getAttribute('aria-describedby') : null"
        ));
        if let Some(id) = id.as_str() {
            return id.to_string();
        }
    }
    panic!("Tab never reached `{selector}`");
}

#[test]
fn browser_focus_shows_the_definition_and_the_link_lands_on_the_entry() {
    let Some(browser) = support::browser() else {
        return;
    };
    let built = support::build("glossary-book");
    let tab = browser.open(&built, "sub/deep.html");
    let tip_state = |id: &str| {
        tab.eval(&format!(
            "(() => {{ const tip = document.getElementById('{id}'); const s = getComputedStyle(tip); \
             const r = tip.getBoundingClientRect(); \
             const top = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2); \
             return {{ visible: s.display !== 'none' && s.visibility === 'visible', \
                      on_top: !!top && tip.contains(top), \
                      width: r.width, height: r.height, left: r.left, right: r.right, \
                      viewport: document.documentElement.clientWidth, role: tip.getAttribute('role'), \
                      text: tip.textContent }}; }})()"
        ))
    };
    // Hidden until the reference is focused.
    let first =
        tab.eval("document.querySelector('.handbook-term').getAttribute('aria-describedby')");
    let first = first.as_str().expect("a reference on the page").to_string();
    assert_eq!(tip_state(&first)["visible"], false);

    let id = tab_to(&tab, ".handbook-term");
    assert_eq!(id, first, "the first reference in tab order");
    tab.wait_for(&format!(
        "getComputedStyle(document.getElementById('{id}')).display !== 'none'"
    ));
    let state = tip_state(&id);
    assert_eq!(state["visible"], true, "{state}");
    assert_eq!(state["on_top"], true, "nothing covers the tooltip: {state}");
    assert_eq!(state["role"], "tooltip");
    assert!(
        state["width"].as_f64().unwrap() > 50.0 && state["height"].as_f64().unwrap() > 10.0,
        "{state}"
    );
    assert!(state["left"].as_f64().unwrap() >= 0.0, "{state}");
    assert!(
        state["right"].as_f64().unwrap() <= state["viewport"].as_f64().unwrap(),
        "{state}"
    );
    assert!(
        state["text"]
            .as_str()
            .unwrap()
            .contains("Code the CPU runs when an interrupt fires"),
        "{state}"
    );

    // Escape dismisses it while the focus stays.
    tab.press_key("Escape");
    tab.wait_for(&format!(
        "getComputedStyle(document.getElementById('{id}')).display === 'none'"
    ));
    assert_eq!(
        tab.eval("document.activeElement.matches('.handbook-term')"),
        true
    );

    // Following the link lands on the entry.
    tab.press_key("Enter");
    tab.wait_for(
        "location.pathname.endsWith('/appendix/glossary.html') && location.hash === '#term-isr'",
    );
    tab.wait_for("document.readyState === 'complete'");
    let target = tab.eval(
        "(() => { const t = document.querySelector(':target'); const r = t.getBoundingClientRect(); \
         return { id: t.id, tag: t.tagName, top: r.top, bottom: r.bottom, height: window.innerHeight, \
                  text: t.textContent }; })()",
    );
    assert_eq!(target["id"], "term-isr", "{target}");
    assert_eq!(target["tag"], "H3", "{target}");
    assert!(
        target["text"]
            .as_str()
            .unwrap()
            .contains("Interrupt Service Routine"),
        "{target}"
    );
    let (top, height) = (
        target["top"].as_f64().unwrap(),
        target["height"].as_f64().unwrap(),
    );
    assert!(
        top >= 0.0 && top < height,
        "the entry is scrolled into view: {target}"
    );
}

/// The glossary page ships no definitions twice: its tooltips are made from
/// its entries, and read as the same term's tooltip on any other page.
#[test]
fn browser_glossary_page_tooltips_come_from_its_entries() {
    let Some(browser) = support::browser() else {
        return;
    };
    let built = support::build("glossary-book");
    let page = built.page("appendix/glossary.html");
    assert!(
        !page.contains("hb-tips"),
        "no data block on the glossary page"
    );
    // The tooltip of the first reference to `key` on the open page.
    let tip = |tab: &support::Tab, key: &str| {
        tab.eval(&format!(
            "(() => {{ const a = [...document.querySelectorAll('main a.handbook-term')] \
             .find(a => a.getAttribute('href').endsWith('#term-{key}')); \
             const tip = a && document.getElementById(a.getAttribute('aria-describedby')); \
             return tip ? {{ text: tip.textContent, html: tip.innerHTML, \
                            links: tip.querySelectorAll('a').length }} : null; }})()"
        ))
    };
    let tab = browser.open(&built, "sub/deep.html");
    let elsewhere = tip(&tab, "isr");
    assert!(elsewhere.is_object(), "sub/deep.html has a tooltip for isr");
    tab.goto("appendix/glossary.html");
    tab.wait_for("document.readyState === 'complete'");
    let here = tip(&tab, "isr");
    assert_eq!(
        here["text"], elsewhere["text"],
        "{here} against {elsewhere}"
    );
    assert!(
        here["text"].as_str().unwrap().ends_with("scheduler. …"),
        "the first paragraph, then …: {here}"
    );
    // From a definition's reference: markup kept, references as text.
    let rtos = tip(&tab, "rtos");
    assert_eq!(
        rtos["html"],
        "<b>Real-Time Operating System (RTOS)</b>: An operating system that schedules tasks \
         with <em>deterministic</em> timing; it hands interrupts to an ISR.",
        "{rtos}"
    );
    assert_eq!(rtos["links"], 0, "{rtos}");
    let dups = tab.eval(
        "(() => { const ids = [...document.querySelectorAll('[id]')].map(e => e.id); \
         return ids.filter((id, i) => ids.indexOf(id) !== i); })()",
    );
    assert_eq!(
        dups,
        serde_json::json!([]),
        "no id twice once tooltips are made"
    );
    // Shown on focus like any other.
    let id = tab_to(&tab, ".handbook-term");
    tab.wait_for(&format!(
        "getComputedStyle(document.getElementById('{id}')).display !== 'none'"
    ));
}

#[test]
fn browser_tooltip_stays_inside_the_viewport() {
    let Some(browser) = support::browser() else {
        return;
    };
    let built = support::build("glossary-book");
    let tab = browser.open(&built, "embedded.html");
    // Pin one reference to the right edge and the next one to the bottom,
    // then reach them with the keyboard: the script moves each tooltip back
    // inside the viewport (left of the edge, above the reference).
    tab.eval(
        "(() => { const pin = (id, css) => Object.assign(document.getElementById(id).closest('.handbook-ref').style, css); \
         pin('hb-ref1-pic', { position: 'fixed', right: '0px', top: '40px' }); \
         pin('hb-ref1-i8051', { position: 'fixed', left: '20px', bottom: '0px' }); })()",
    );
    let geometry = |id: &str| {
        tab.wait_for(&format!(
            "getComputedStyle(document.getElementById('{id}')).display !== 'none'"
        ));
        tab.eval(&format!(
            "(() => {{ const tip = document.getElementById('{id}').getBoundingClientRect(); \
             const link = document.querySelector('[aria-describedby=\"{id}\"]').getBoundingClientRect(); \
             return {{ left: tip.left, right: tip.right, top: tip.top, bottom: tip.bottom, link_top: link.top, \
                      width: document.documentElement.clientWidth, height: window.innerHeight }}; }})()"
        ))
    };
    let f = |v: &serde_json::Value, k: &str| v[k].as_f64().unwrap();

    let right = geometry(&tab_to(&tab, "#hb-ref1-pic"));
    assert!(
        f(&right, "left") >= 0.0 && f(&right, "right") <= f(&right, "width"),
        "{right}"
    );
    assert!(
        f(&right, "top") > f(&right, "link_top"),
        "below the reference: {right}"
    );

    let bottom = geometry(&tab_to(&tab, "#hb-ref1-i8051"));
    assert!(
        f(&bottom, "bottom") <= f(&bottom, "link_top"),
        "above the reference: {bottom}"
    );
    assert!(
        f(&bottom, "top") >= 0.0 && f(&bottom, "bottom") <= f(&bottom, "height"),
        "{bottom}"
    );
}

#[test]
fn templates_are_overridable_from_the_book() {
    let built = support::build("glossary-override");
    let chapter = content(&built, "chapter.html");
    assert!(
        chapter.contains(r#"<a class="my-term" href="glossary.html#term-rtos" title="Real-Time Operating System">RTOS</a>"#),
        "{chapter}"
    );
    let glossary = content(&built, "glossary.html");
    assert!(
        glossary
            .contains(r#"<li id="term-rtos">Real-Time Operating System: Schedules tasks.</li>"#),
        "{glossary}"
    );
}

#[test]
fn a_broken_reference_template_is_reported_once() {
    let outcome = support::check("glossary-override-broken");
    assert!(!outcome.success);
    let found = diagnostics(&outcome.stderr);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("src/chapter.md:3:4 error: template `glossary-term` failed"),
        "{found:?}"
    );
    assert!(
        outcome.stderr.contains("definition_text"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn browser_print_has_no_tooltips_and_no_letter_index() {
    let Some(browser) = support::browser() else {
        return;
    };
    let built = support::build("glossary-book");
    let tab = browser.open(&built, "appendix/glossary.html");
    let id = tab_to(&tab, ".handbook-glossary .handbook-term");
    let shown = format!("getComputedStyle(document.getElementById('{id}')).display !== 'none'");
    tab.wait_for(&shown);
    tab.emulate_media("print");
    assert_eq!(
        tab.eval(&shown),
        false,
        "a focused reference's tooltip prints"
    );
    let index = "getComputedStyle(document.querySelector('.handbook-glossary-index')).display";
    assert_eq!(tab.eval(index), "none");
    // Every entry is there, and stays in one piece.
    assert_eq!(
        tab.eval("document.querySelectorAll('.handbook-glossary-term').length"),
        6
    );
    assert_eq!(
        tab.eval(
            "getComputedStyle(document.querySelector('.handbook-glossary-entry')).breakInside"
        ),
        "avoid"
    );
    tab.emulate_media("");
    assert_eq!(tab.eval(&shown), true);
}

/// mdBook's search index of a built book: each document's url and body.
fn search_documents(built: &support::Built) -> Vec<(String, String)> {
    let index = std::fs::read_dir(&built.out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name().is_some_and(|n| {
                n.to_string_lossy().starts_with("searchindex")
                    && n.to_string_lossy().ends_with(".js")
            })
        })
        .expect("a search index");
    let script = std::fs::read_to_string(index).unwrap();
    let quoted = script
        .split_once("JSON.parse('")
        .and_then(|(_, rest)| rest.rsplit_once("'));"))
        .expect("mdBook's searchindex.js")
        .0;
    // mdBook escapes `\` and `'` to put the JSON in a string literal.
    let json = quoted.replace("\\'", "'").replace("\\\\", "\\");
    let index: serde_json::Value = serde_json::from_str(&json).unwrap();
    let urls = index["doc_urls"].as_array().unwrap();
    let docs = index["index"]["documentStore"]["docs"].as_object().unwrap();
    docs.iter()
        .map(|(id, doc)| {
            let url = urls[id.parse::<usize>().unwrap()].as_str().unwrap();
            (
                url.to_string(),
                doc["body"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// mdBook's search makes each heading its own result: a glossary entry is
/// one, and a search for it lands on the entry, not on its letter.
#[test]
fn each_glossary_entry_is_its_own_search_result() {
    let built = support::build("glossary-book");
    let urls: Vec<String> = search_documents(&built).into_iter().map(|d| d.0).collect();
    for id in ["term-rtos", "term-isr", "term-watchdog"] {
        assert!(
            urls.contains(&format!("appendix/glossary.html#{id}")),
            "{id} is not a search result of its own: {urls:?}"
        );
    }
}

/// A definition is found where it is defined: the chapters that show it in
/// a tooltip do not have it indexed as their text.
#[test]
fn definitions_are_indexed_on_the_glossary_page_only() {
    let built = support::build("glossary-book");
    let docs = search_documents(&built);
    let with = |word: &str| -> Vec<&str> {
        docs.iter()
            .filter(|(_, body)| body.contains(word))
            .map(|(url, _)| url.as_str())
            .collect()
    };
    // Words only the RTOS and watchdog definitions use.
    for word in ["deterministic", "restarts it in time"] {
        let found = with(word);
        assert!(!found.is_empty(), "`{word}` is not indexed at all");
        assert!(
            found
                .iter()
                .all(|url| url.starts_with("appendix/glossary.html#")),
            "`{word}` is indexed as chapter text: {found:?}"
        );
    }
    // The chapters' own words still are.
    assert!(!with("schedules tasks").is_empty());
}

#[test]
fn unreadable_glossary_is_reported_after_the_chapters_own_problems() {
    // The glossary file is read beside the chapters' loading; its problems
    // still come where the glossary's come, after the chapters' own.
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::create_dir(root.join("src")).unwrap();
    std::fs::write(
        root.join("book.toml"),
        "[book]\ntitle = \"T\"\n\n[preprocessor.handbook]\n",
    )
    .unwrap();
    std::fs::write(
        root.join("src/SUMMARY.md"),
        "# Summary\n\n- [Chapter](chapter.md)\n",
    )
    .unwrap();
    std::fs::write(
        root.join("src/chapter.md"),
        "# Chapter\n\nSee {{#term rtos and {{#term rtos}}.\n",
    )
    .unwrap();
    std::fs::write(root.join("src/glossary.toml"), b"[rtos]\nterm = \"\xff\"\n").unwrap();
    let outcome = support::run(&["check", root.to_str().unwrap()]);
    assert!(!outcome.success, "{}", outcome.stderr);
    let found = diagnostics(&outcome.stderr);
    assert_eq!(found.len(), 2, "{}", outcome.stderr);
    assert!(
        found[0].starts_with("src/chapter.md:3:5 error: `{{#term` is never closed"),
        "{found:?}"
    );
    assert!(
        found[1].contains("src/glossary.toml")
            && found[1].contains("error: could not read the glossary"),
        "{found:?}"
    );
}
