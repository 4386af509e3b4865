use super::autolink::case_matches;
use super::parse::string_map;
use super::render::inert;
use super::render::{first_paragraph_parsed, letter_of, one_line_paragraph, script_data};
use super::*;
use crate::render::Templates;
use crate::testing;
use mdbook_markdown::MarkdownOptions;
use std::path::Path;

fn glossary(auto_link: AutoLink) -> Glossary {
    let mut g = Glossary::new(&Config {
        auto_link,
        ..Config::default()
    });
    g.display = PathBuf::from("src/glossary.toml");
    g
}

const GLOSSARY: &str = r#"[rtos]
term = "Real-Time Operating System"
abbr = "RTOS"
aliases = ["real-time OS"]
definition = "An OS with deterministic timing; see {{#term isr}}."
see-also = ["isr"]

[isr]
term = "Interrupt Service Routine"
abbr = "ISR"
definition = """
Runs when an \"interrupt\" fires; keep it short (see {{#term RTOS|the OS}}).

More detail."""

[firmware]
term = "firmware"
definition = "Software in ROM."
"#;

fn load_text(text: &str) -> (Glossary, Diagnostics) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("glossary.toml");
    std::fs::write(&path, text).unwrap();
    let mut diags = Diagnostics::new();
    let mut g = glossary(AutoLink::First);
    g.load(dir.path(), &path, &mut diags);
    (g, diags)
}

fn messages(diags: &Diagnostics) -> Vec<String> {
    diags
        .items()
        .iter()
        .map(|d| {
            let at = d
                .range
                .as_ref()
                .map_or(String::new(), |r| diags.location(d.source, r.start));
            format!("{at}: {}", d.message)
        })
        .collect()
}

#[test]
fn keys_resolve_by_id_exactly_and_names_in_any_case() {
    let (g, diags) = load_text(GLOSSARY);
    assert!(diags.items().is_empty(), "{}", diags.render(false));
    for (key, id) in [
        ("rtos", Some("rtos")),
        ("RTOS", Some("rtos")),
        ("Rtos", Some("rtos")),
        ("real-time operating system", Some("rtos")),
        ("Real-Time OS", Some("rtos")),
        ("isr", Some("isr")),
        ("Interrupt service routine", Some("isr")),
        ("FIRMWARE", Some("firmware")),
        ("rots", None),
        ("", None),
    ] {
        assert_eq!(g.resolve(key), id, "{key}");
    }
}

#[test]
fn suggestions_consider_ids_terms_abbrs_and_aliases() {
    let (g, _) = load_text(GLOSSARY);
    for (key, suggestion) in [
        ("rots", Some("rtos")),
        ("firmwre", Some("firmware")),
        ("real-time O", Some("real-time OS")),
        (
            "Interupt Service Routine",
            Some("Interrupt Service Routine"),
        ),
        ("bootloader", None),
    ] {
        assert_eq!(g.suggest(key), suggestion, "{key}");
    }
}

#[test]
fn entries_are_sorted_by_term_case_insensitively() {
    let (g, _) = load_text(GLOSSARY);
    let terms: Vec<_> = g.entries.iter().map(|e| e.term.value.as_str()).collect();
    assert_eq!(
        terms,
        [
            "firmware",
            "Interrupt Service Routine",
            "Real-Time Operating System"
        ]
    );
    assert_eq!(letter_of("firmware"), ("F".into(), "glossary-f".into()));
    assert_eq!(letter_of("2FA"), ("#".into(), "glossary-other".into()));
    assert_eq!(letter_of("élan"), ("É".into(), "glossary-é".into()));
}

#[test]
fn definition_references_point_into_the_file_through_escapes() {
    let (g, diags) = load_text(&GLOSSARY.replace("{{#term RTOS|", "{{#term RTOX|"));
    let out = messages(&diags);
    // Line 12: `Runs when an \"interrupt\" fires; keep it short (see {{#term RTOX|the OS}}).`
    let line = GLOSSARY.lines().nth(11).unwrap();
    let col = line.find("RTOS|").unwrap() + 1;
    assert_eq!(
        out,
        [format!("src/glossary.toml:12:{col}: unknown term `RTOX`")]
    );
    let isr = &g.entries[g.ids["isr"]];
    assert_eq!(
        g.render_tip(isr, "ch.html", &MarkdownOptions::default()),
        "Runs when an “interrupt” fires; keep it short (see the OS). …"
    );
}

#[test]
fn string_map_follows_toml_escapes() {
    for raw in [
        r#""plain é""#,
        r#"'lit\eral'"#,
        r#""a\"b\\c\u00e9d\x41\U0001F600e""#,
        "\"\"\"\nmulti \\\n   line\r\nend\"\"\"",
        "'''\r\nraw \\n'''",
    ] {
        let (value, map) = string_map(raw).unwrap();
        let expected: String = toml::from_str::<toml::Table>(&format!("v = {raw}")).unwrap()["v"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(value, expected, "{raw}");
        assert_eq!(map.len(), value.len() + 1);
        // Characters map to themselves, or to the backslash of their escape.
        for (i, c) in value.char_indices() {
            let at = raw[map[i]..].chars().next().unwrap();
            assert!(at == c || at == '\\', "{raw} at {i}: {at} for {c}");
        }
    }
    assert!(string_map("123").is_none());
}

#[test]
fn every_problem_in_the_file_is_reported_at_its_place() {
    let text = r#"notatable = 3
[rtos]
term = "Real-Time Operating System"
abbr = "RTOS"
defintion = "x"

[Bad_Id]
term = ""
definition = "ok"
aliases = ["rtos", 3, ""]

[isr]
term = "ISR"
abbr = ""
definition = "Uses {{#term rots}}."
see-also = ["rtos", "isr", "nope", "Real-Time Operating System"]
"#;
    let (_, diags) = load_text(text);
    assert_eq!(
        messages(&diags),
        [
            "src/glossary.toml:1:1: `notatable` is not a glossary entry: expected a table, found integer",
            "src/glossary.toml:5:1: unknown field `defintion` in `rtos`",
            "src/glossary.toml:2:1: `rtos` has no `definition`",
            "src/glossary.toml:7:2: `Bad_Id` is not a valid id",
            "src/glossary.toml:8:8: `term` of `Bad_Id` is empty",
            "src/glossary.toml:10:20: `aliases` of `Bad_Id` must hold strings, not an integer",
            "src/glossary.toml:10:23: empty string in `aliases` of `Bad_Id`",
            "src/glossary.toml:14:8: `abbr` of `isr` is empty",
            "src/glossary.toml:10:12: duplicate alias `rtos`",
            "src/glossary.toml:15:28: unknown term `rots`",
            "src/glossary.toml:16:21: `isr` lists itself in `see-also`",
            "src/glossary.toml:16:28: `see-also` names an unknown id `nope`",
            "src/glossary.toml:16:36: `see-also` names an unknown id `Real-Time Operating System`",
        ]
    );
    let out = diags.render(false);
    assert!(out.contains("did you mean `definition`?"), "{out}");
    assert!(out.contains("e.g. `bad-id`"), "{out}");
    assert!(out.contains("already the id of `rtos` here"), "{out}");
    assert!(out.contains("did you mean `rtos`?"), "{out}");
}

#[test]
fn duplicates_across_entries_name_both_places() {
    let text = "[a]\nterm = \"Alpha\"\nabbr = \"AL\"\ndefinition = \"x\"\n\n[b]\nterm = \"alpha\"\naliases = [\"al\", \"A\", \"Beta\", \"beta\"]\ndefinition = \"y\"\n\n[a]\nterm = \"Again\"\n";
    let (g, diags) = load_text(text);
    assert_eq!(
        messages(&diags),
        [
            "src/glossary.toml:11:2: duplicate id `a`",
            "src/glossary.toml:7:8: duplicate term `alpha`",
            "src/glossary.toml:8:12: duplicate alias `al`",
            "src/glossary.toml:8:18: duplicate alias `A`",
            "src/glossary.toml:8:31: `beta` is listed twice for `b`",
        ]
    );
    let out = diags.render(false);
    assert!(
        out.contains("src/glossary.toml:1:2"),
        "the first `[a]` is named: {out}"
    );
    assert!(out.contains("already the term of `a` here"), "{out}");
    assert_eq!(diags.error_count(), 4);
    // A duplicate id is not a reason to distrust the rest of the file.
    assert!(!g.malformed);
}

#[test]
fn malformed_toml_names_its_line_and_column() {
    let (g, diags) = load_text("[rtos]\nterm = \"x\ndefinition = \"y\"\n");
    let out = messages(&diags);
    assert!(
        out.iter().all(|m| m.contains("malformed glossary")),
        "{out:?}"
    );
    assert!(out[0].starts_with("src/glossary.toml:2:"), "{out:?}");
    assert!(g.malformed);
}

fn page_for(text: &str, index: usize) -> (Page, Diagnostics) {
    let (mut pages, diags) = testing::book(&[("ch.md", text)]);
    let mut page = pages.remove(0);
    page.index = index;
    (page, diags)
}

fn auto_linked(text: &str) -> Vec<String> {
    let (g, _) = load_text(GLOSSARY);
    let (page, diags) = page_for(text, 0);
    let refs: Vec<TermRef> = page
        .scan
        .inline
        .iter()
        .filter(|d| d.name == "term" && !d.escaped && !d.in_code())
        .map(|d| TermRef::parse(d, page.source, Some(0)))
        .collect();
    let mut diags = diags;
    let refs: Vec<&TermRef> = refs.iter().collect();
    let usage = g.check_refs(&refs, std::slice::from_ref(&page), &mut diags);
    usage
        .auto_links(0)
        .map(|r| format!("{}={}", r.key, &text[r.span.range.clone()]))
        .collect()
}

#[test]
fn auto_links_only_first_whole_word_mentions_in_running_text() {
    for (text, expected) in [
        ("An RTOS and another RTOS.", vec!["rtos=RTOS"]),
        (
            "RTOSes and ISRs, then RTOS.",
            vec!["rtos=RTOSes", "isr=ISRs"],
        ),
        ("rtos, Rtos and RTOSX are not RTOS", vec!["rtos=RTOS"]),
        (
            "A real-time operating system.",
            vec!["rtos=real-time operating system"],
        ),
        (
            "The Real-time OS and firmware.",
            vec!["rtos=Real-time OS", "firmware=firmware"],
        ),
        ("The real-time os is lowercase.", vec![]),
        ("Firmwares? FIRMWARE!", vec!["firmware=Firmwares"]),
        (
            "# RTOS\n\n[RTOS](x) `RTOS` ![RTOS](i.png) <b>RTOS</b> RTOS",
            vec!["rtos=RTOS"],
        ),
        ("{{#term isr}} then ISR", vec![]),
        ("# About {{#term isr}}\n\nAn ISR.", vec!["isr=ISR"]),
        ("ISR then {{#term isr}}", vec!["isr=ISR"]),
        (
            "{{#term rtos|the RTOS}} \\{{#term RTOS}} {{#include RTOS.md}}",
            vec![],
        ),
        ("RTOS_x xRTOS 2RTOS RTOS's", vec!["rtos=RTOS"]),
        ("```text\nRTOS\n```\n\n    RTOS\n", vec![]),
    ] {
        assert_eq!(auto_linked(text), expected, "{text}");
    }
}

#[test]
fn case_rules_for_names() {
    for (pattern, found, ok) in [
        ("RTOS", "RTOS", true),
        ("RTOS", "rtos", false),
        ("FreeRTOS", "freertos", false),
        ("Real-Time OS", "real-time OS", true),
        ("Real-Time OS", "real-time os", false),
        ("C", "c", false),
        ("firmware", "Firmware", true),
        ("Hz", "hz", true),
    ] {
        assert_eq!(case_matches(pattern, found), ok, "{pattern} vs {found}");
    }
}

#[test]
fn unused_terms_are_those_no_chapter_reaches() {
    let (mut g, _) = load_text(GLOSSARY);
    g.auto_link = AutoLink::None;
    g.page = Some((1, 0..0));
    // Only isr is referenced; rtos is reached from its definition, firmware is not.
    let (page, mut diags) = page_for("See {{#term isr}}.", 0);
    let d = &page.scan.inline[0];
    let refs = [TermRef::parse(d, page.source, Some(0))];
    let pages = [page];
    let _ = g.check_refs(&[&refs[0]], &pages, &mut diags);
    let warnings: Vec<_> = diags.items().iter().map(|d| d.message.clone()).collect();
    assert_eq!(warnings, ["term `firmware` is never used"]);
}

#[test]
fn references_without_a_glossary_say_where_it_was_expected() {
    let (page, mut diags) = page_for("{{#term rtos}}\n\n{{#glossary}}\n", 0);
    let mut g = glossary(AutoLink::First);
    g.load(
        Path::new("/"),
        Path::new("/nonexistent/glossary.toml"),
        &mut diags,
    );
    let refs = [TermRef::parse(&page.scan.inline[0], page.source, Some(0))];
    g.page = Some((0, page.scan.inline[1].range.clone()));
    let _ = g.check_refs(&[&refs[0]], std::slice::from_ref(&page), &mut diags);
    let out = diags.render(false);
    assert!(
        out.contains("`{{#glossary}}` shows the glossary, but `src/glossary.toml` does not exist"),
        "{out}"
    );
    assert!(
        out.contains("unknown term `rtos`: the book has no glossary"),
        "{out}"
    );
    assert!(out.contains("src/ch.md:1:9"), "{out}");
}

/// Renders references to `keys` in one chapter with `template` as the
/// book's `glossary-term.hbs` (the embedded one when `None`).
fn render_refs(template: Option<&str>, keys: &[&str]) -> Vec<String> {
    render_page_refs(template, keys).0
}

/// [`render_refs`], and the definitions block the page starts with.
fn render_page_refs(template: Option<&str>, keys: &[&str]) -> (Vec<String>, Option<String>) {
    let overrides: Vec<(&str, &str)> = template.map(|t| ("glossary-term", t)).into_iter().collect();
    render_on_page(&overrides, keys, None)
}

/// References to `keys` in one chapter, and the definitions block it starts
/// with, the book's templates overridden by `overrides` (name, text); the
/// chapter is the glossary page when `glossary_page` is `Some(0)`.
fn render_on_page(
    overrides: &[(&str, &str)],
    keys: &[&str],
    glossary_page: Option<usize>,
) -> (Vec<String>, Option<String>) {
    let (g, _) = load_text(GLOSSARY);
    let dir = tempfile::tempdir().unwrap();
    for (name, template) in overrides {
        std::fs::write(dir.path().join(format!("{name}.hbs")), template).unwrap();
    }
    let mut diags = Diagnostics::new();
    let templates = Templates::new(
        TEMPLATES,
        dir.path(),
        Path::new("theme/handbook"),
        &mut diags,
    );
    assert!(diags.items().is_empty(), "{}", diags.render(false));
    let text: String = keys.iter().map(|k| format!("{{{{#term {k}}}}} ")).collect();
    let (g, _) = {
        let (mut g, d) = (g, diags);
        g.usage = Usage {
            glossary_html: Some("glossary.html".into()),
            glossary_page,
            used_in: vec![Vec::new(); g.entries.len()],
            ..Usage::default()
        };
        (g, d)
    };
    let (pages, _) = testing::book(&[("ch.md", &text)]);
    testing::with_cx(&templates, &pages, 0, Format::Html, |cx| {
        let refs = pages[0]
            .scan
            .inline
            .iter()
            .map(|d| {
                g.reference(&TermRef::parse(d, pages[0].source, Some(0)), cx)
                    .html
            })
            .collect();
        (refs, g.definitions(cx))
    })
}

#[test]
fn references_link_to_the_entry_and_the_page_carries_each_definition_once() {
    let (out, definitions) = render_page_refs(None, &["rtos", "rtos|the *OS*", "isr"]);
    assert_eq!(
        out[0],
        "<a class='handbook-term' href='glossary.html#term-rtos'>RTOS</a>"
    );
    assert_eq!(
        out[1],
        "<a class='handbook-term' href='glossary.html#term-rtos'>the &#42;OS&#42;</a>"
    );
    // No definition in running text: mdBook's search would index it there.
    assert!(out.iter().all(|o| !o.contains("Interrupt")), "{out:?}");
    let definitions = definitions.expect("the page references terms");
    assert!(
        definitions.starts_with("<script type='text/html' class='hb-tips'><span data-term='isr'><b>Interrupt Service Routine (ISR)</b>"),
        "{definitions}"
    );
    assert_eq!(
        definitions.matches("data-term='rtos'").count(),
        1,
        "{definitions}"
    );
    assert!(
        definitions.ends_with("</span></script>\n\n"),
        "{definitions}"
    );
}

/// The glossary page carries no definitions block: its entries are the
/// definitions (the reader's script makes tooltips of them). An override of
/// the page writes its own markup, so there the block stays.
#[test]
fn the_glossary_page_ships_no_definition_twice() {
    let (refs, definitions) = render_on_page(&[], &["rtos", "isr"], Some(0));
    assert_eq!(
        refs[0],
        "<a class='handbook-term' href='#term-rtos'>RTOS</a>"
    );
    assert_eq!(definitions, None);
    let own_page = [("glossary", "{{#each letters}}{{letter}}{{/each}}")];
    let (_, definitions) = render_on_page(&own_page, &["rtos", "isr"], Some(0));
    assert!(
        definitions.is_some_and(|d| d.contains("<span data-term='isr'>")),
        "an overridden glossary page keeps its block"
    );
}

/// Nothing in a definition can end the `<script>` that carries it.
#[test]
fn the_definitions_block_cannot_be_closed_from_inside() {
    assert_eq!(
        script_data("<em>a</em></SCRIPT ><!-- b"),
        "<em>a</em>&lt;/SCRIPT >&lt;!-- b"
    );
    assert_eq!(script_data("é<"), "é<");
}

#[test]
fn an_override_that_looks_at_the_values_is_rendered_for_each_reference() {
    let template = "{{#if (eq shown \"other\")}}<b>{{shown}}</b>{{else}}<i>{{shown}}</i>{{/if}}";
    let out = render_refs(Some(template), &["rtos", "rtos|other"]);
    assert_eq!(out, ["<i>RTOS</i>", "<b>other</b>"]);
}

#[test]
fn inert_html_keeps_markdown_away_from_text_only() {
    assert_eq!(
        inert("<a href=\"x_y\">a*b_c|{d}</a>\n"),
        "<a href=\"x_y\">a&#42;b&#95;c&#124;&#123;d&#125;</a> "
    );
}

/// The plain-code reference is the embedded template, byte for byte.
#[test]
fn the_built_in_reference_is_its_template() {
    let (g, _) = load_text(GLOSSARY);
    let templates = Templates::embedded(TEMPLATES);
    // Every character an escape acts on, alone (the plain text is copied
    // as it is) and all together.
    let hostile = "<b>\"it's\"</b> {{#include x}} & `=` *a_b* [c](d) ~e~ $f$ !g \\h |i|";
    let mut texts: Vec<String> = "&<>\"'{}|\\*_`[]~$!"
        .chars()
        .map(|c| format!("a{c}b"))
        .collect();
    texts.push(hostile.to_string());
    for entry in &g.entries {
        for text in &texts {
            for (href, anchor) in [
                (Some("glossary.html#term-x"), Some("hb-ref0-x")),
                (None, None),
                (None, Some("hb-ref1-x")),
                (Some(text.as_str()), None),
            ] {
                let values = render::RefValues {
                    href: href.map(str::to_string),
                    anchor: anchor.map(str::to_string),
                    shown: text,
                    entry,
                };
                let template = templates
                    .render("glossary-term", &values.data(text))
                    .unwrap();
                let joined: String = template.lines().map(str::trim).collect();
                assert_eq!(values.html(), inert(&joined), "{text}");
            }
        }
    }
}

/// NFC and NFD spellings are one name; a name in other letters that looks
/// the same, or one with an invisible character, gets a warning.
#[test]
fn names_compare_after_normalisation_and_look_alikes_are_warned() {
    let text = "[cafe]\nterm = \"Caf\u{e9} protocol\"\ndefinition = \"x\"\n\n[adc]\nterm = \"ADC\"\ndefinition = \"y\"\n\n[fake]\nterm = \"\u{391}DC\"\ndefinition = \"z\"\n\n[zw]\nterm = \"RT\u{200B}OS\"\ndefinition = \"w\"\n";
    let (g, diags) = load_text(text);
    assert_eq!(g.resolve("cafe\u{301} PROTOCOL"), Some("cafe"));
    let out = messages(&diags);
    assert!(
        out.iter().any(|m| m.contains("looks like `adc`")),
        "{out:?}"
    );
    assert!(
        out.iter()
            .any(|m| m.contains("invisible character (U+200B)")),
        "{out:?}"
    );
    // Names in one alphabet are not look-alikes, though "rn" reads like "m",
    // whether or not the glossary holds other letters elsewhere.
    for extra in ["", "[cafe]\nterm = \"Caf\u{e9}\"\ndefinition = \"x\"\n\n"] {
        let text = format!(
            "{extra}[modem]\nterm = \"modem\"\ndefinition = \"x\"\n\n[rnodem]\nterm = \"rnodem\"\ndefinition = \"y\"\n"
        );
        let (_, diags) = load_text(&text);
        let out = messages(&diags);
        assert!(!out.iter().any(|m| m.contains("looks like")), "{out:?}");
    }
}

/// The plain-code glossary page is the embedded template, byte for byte.
#[test]
fn the_built_in_glossary_page_is_its_template() {
    use render::{Letter, Link, PageEntry, page_html};
    let templates = Templates::embedded(TEMPLATES);
    let hostile = "<b>\"it's\"</b> {{#include x}} & `=`";
    let entry = |id, abbr, aliases: Vec<&'static str>, see: usize, used: &str| PageEntry {
        id,
        term: format!("Term {hostile}"),
        abbr,
        aliases,
        definition: "A <em>definition</em>.".to_string(),
        see_also: (0..see)
            .map(|i| Link {
                text: format!("{hostile} {i}"),
                href: format!("#term-{i}"),
            })
            .collect(),
        used_in: used.to_string(),
    };
    let letters = [
        Letter {
            letter: "A".into(),
            anchor: "glossary-a".into(),
            entries: vec![
                entry(
                    "a",
                    Some(hostile),
                    vec!["one", hostile],
                    2,
                    "<a href=\"c.html\">C</a>",
                ),
                entry("b", None, vec![], 0, ""),
            ],
        },
        Letter {
            letter: "#".into(),
            anchor: "glossary-other".into(),
            entries: vec![entry("c", None, vec!["x"], 1, "")],
        },
    ];
    for letters in [&letters[..], &letters[..1], &[]] {
        let template = templates
            .render("glossary", &serde_json::json!({ "letters": letters }))
            .unwrap();
        assert_eq!(page_html(letters), template);
    }
}

proptest::proptest! {
    /// A definition of one line that starts with a letter is read as one
    /// paragraph without the parser: exactly as the parser reads it, with
    /// every extension mdBook may turn on (tables, definition lists, GFM).
    #[test]
    fn a_one_line_definition_is_the_paragraph_the_parser_reads(
        text in "[a-zA-Z\u{e9}\u{3b1}][ -~\t\u{e9}\u{a0}]{0,40}"
    ) {
        let options = MarkdownOptions::default();
        let fast = one_line_paragraph(&text);
        proptest::prop_assert!(fast.is_some());
        proptest::prop_assert_eq!(fast, first_paragraph_parsed(&text, &options));
    }
}

#[test]
fn a_definition_that_is_not_one_plain_line_goes_to_the_parser() {
    for text in [
        "# Heading",
        "- item",
        "> quote",
        "1. one",
        "Term\n: def",
        "a\n\nb",
        "<b>x</b>",
        "    code",
    ] {
        assert_eq!(one_line_paragraph(text), None, "{text}");
    }
}

/// A chapter's first use is its smallest offset, whether an explicit
/// reference or a mention found after it; chapters come back in book order.
#[test]
fn uses_keep_the_first_offset_of_each_chapter_in_book_order() {
    let mut usage = Usage {
        used_in: vec![Vec::new(); 2],
        ..Usage::default()
    };
    // Explicit references in book order, then the mentions found later.
    usage.record(0, 3, 40);
    usage.record(0, 3, 10);
    usage.record(0, 5, 7);
    usage.record(0, 1, 99);
    usage.record(0, 3, 4);
    usage.finish();
    assert_eq!(usage.pages(0).collect::<Vec<_>>(), [1, 3, 5]);
    assert_eq!(usage.first_use(0, 3), Some(4));
    assert_eq!(usage.first_use(0, 5), Some(7));
    assert_eq!(usage.first_use(0, 2), None);
    assert_eq!(usage.first_use(1, 3), None);
    assert_eq!(usage.pages(1).count(), 0);
}
