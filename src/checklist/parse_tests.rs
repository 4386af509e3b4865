use super::*;

/// A checklist body as the scanner gives it: one `Line` per line, with
/// offsets into `body`.
fn lines(body: &str) -> Vec<Line> {
    let mut offset = 0;
    body.split_inclusive('\n')
        .map(|l| {
            let line = Line {
                text: l.trim_end_matches(['\n', '\r']).to_string(),
                offset,
            };
            offset += l.len();
            line
        })
        .collect()
}

fn items(body: &str) -> Vec<(usize, String, bool)> {
    let Body {
        items, problems, ..
    } = parse_body(&lines(body));
    assert!(problems.is_empty(), "{body:?}: {problems:#?}");
    for i in &items {
        assert_eq!(
            &body[i.offset..i.offset + i.text.len()],
            i.text,
            "offset of {:?}",
            i.text
        );
    }
    items
        .into_iter()
        .map(|i| (i.depth, i.id, i.checked))
        .collect()
}

/// (depth, id, ticked)
type Expected = (usize, &'static str, bool);

fn item(depth: usize, id: &str, checked: bool) -> (usize, String, bool) {
    (depth, id.to_string(), checked)
}

#[test]
fn items_boxes_and_nesting() {
    let cases: &[(&str, &[Expected])] = &[
        (
            "- [ ] a\n- [x] B\n- [X] c\n",
            &[(0, "a", false), (0, "b", true), (0, "c", true)],
        ),
        (
            "- [ ] a\n  - [ ] b\n    - [x] c\n  - [ ] d\n- [ ] e",
            &[
                (0, "a", false),
                (1, "b", false),
                (2, "c", true),
                (1, "d", false),
                (0, "e", false),
            ],
        ),
        // The first item sets the base, the first nested one the step.
        (
            "  - [ ] a\n      - [ ] b\n  - [ ] c",
            &[(0, "a", false), (1, "b", false), (0, "c", false)],
        ),
        (
            "- [ ] a\n    - [ ] b\n        - [ ] c",
            &[(0, "a", false), (1, "b", false), (2, "c", false)],
        ),
        // Blank and whitespace-only lines are ignored; CRLF is fine.
        (
            "- [ ] a\r\n\r\n   \n- [ ] b\r\n",
            &[(0, "a", false), (0, "b", false)],
        ),
        ("- [ ]\tTabbed text\n", &[(0, "tabbed-text", false)]),
    ];
    for (body, expected) in cases {
        let expected: Vec<_> = expected.iter().map(|(d, id, c)| item(*d, id, *c)).collect();
        assert_eq!(items(body), expected, "{body:?}");
    }
}

#[test]
fn item_ids_are_explicit_or_slugs_of_the_plain_text() {
    let cases = [
        ("- [ ] Write it down {#write}", "write", "Write it down"),
        ("- [ ] Write it down{#write-2}", "write-2", "Write it down"),
        (
            "- [ ] Research their *recent* projects!",
            "research-their-recent-projects",
            "",
        ),
        (
            "- [ ] Ask about {{#term rtos}}",
            "ask-about-rtos",
            "Ask about {{#term rtos}}",
        ),
        (
            "- [ ] Ask about {{#term rtos|the kernel}}",
            "ask-about-the-kernel",
            "",
        ),
        (
            "- [ ] Read `main.c` and [the docs](https://x.org/a_b)",
            "read-main-c-and-the-docs",
            "",
        ),
        ("- [ ] Ça va, **très** bien", "ça-va-très-bien", ""),
        ("- [ ] Literal \\{{#term x}}", "literal-term-x", ""),
        ("- [ ] Not an id \\{#x}", "not-an-id-x", "Not an id \\{#x}"),
        ("- [ ] <b>Raw</b> html", "b-raw-b-html", ""),
    ];
    for (body, id, text) in cases {
        let Body {
            items: parsed,
            problems,
            ..
        } = parse_body(&lines(body));
        assert!(problems.is_empty(), "{body}: {problems:#?}");
        assert_eq!(parsed[0].id, id, "{body}");
        if !text.is_empty() {
            assert_eq!(parsed[0].text, text, "{body}");
        }
    }
}

/// (body, the text the problem points at, words of its message, words of its help)
const PROBLEMS: &[(&str, &str, &str, &str)] = &[
    ("- []", "- []", "`[]` is not a box", "`- [ ] what to do`"),
    (
        "- [] Call Alex",
        "- [] Call Alex",
        "`[]` is not a box",
        "`- [ ] Call Alex`",
    ),
    (
        "- [v] Call Alex",
        "- [v] Call Alex",
        "`[v]` is not a box",
        "`- [x] Call Alex`",
    ),
    (
        "* [ ] Call Alex",
        "* [ ] Call Alex",
        "start with `-`, not `*`",
        "`- [ ] Call Alex`",
    ),
    (
        "1. [x] Call Alex",
        "1. [x] Call Alex",
        "start with `-`, not `1.`",
        "`- [x] Call Alex`",
    ),
    (
        "- Call Alex",
        "- Call Alex",
        "it has no box",
        "`- [ ] Call Alex`",
    ),
    (
        "[ ] Call Alex",
        "[ ] Call Alex",
        "no `-` before the box",
        "`- [ ] Call Alex`",
    ),
    (
        "- [ ]Call Alex",
        "- [ ]Call Alex",
        "needs a space",
        "`- [ ] Call Alex`",
    ),
    (
        "-[ ] Call Alex",
        "-[ ] Call Alex",
        "needs a space",
        "`- [ ] Call Alex`",
    ),
    (
        "Some prose.",
        "Some prose.",
        "not a checklist item",
        "put other text outside the block",
    ),
    (
        "- [ ] a\n  more of a",
        "more of a",
        "an item is one line",
        "join this text",
    ),
    ("- [ ]", "- [ ]", "empty checklist item", "write what to do"),
    (
        "- [x]   ",
        "- [x]",
        "empty checklist item",
        "write what to do",
    ),
    (
        "- [ ] {#lonely}",
        "- [ ]",
        "empty checklist item",
        "write what to do",
    ),
    (
        "- [ ] Call\n- [ ] call!",
        "call!",
        "two items in this checklist have the id `call`",
        "`{#call-2}`",
    ),
    (
        "- [ ] A {#x}\n- [ ] B {#x}",
        "{#x}",
        "have the id `x`",
        "another `{#id}`",
    ),
    (
        "- [ ] Call {#Call Alex}",
        "{#Call Alex}",
        "`{#Call Alex}` is not a valid item id",
        "`{#call-alex}`",
    ),
    (
        "- [ ] Call {#}",
        "{#}",
        "`{#}` is not a valid item id",
        "lowercase letters",
    ),
    ("- [ ] !!!", "!!!", "gives it no id", "`{#my-item}`"),
    (
        "- [ ] a\n      - [ ] b",
        "-",
        "more than one level below",
        "by 2 spaces to nest it under `a`",
    ),
    (
        "- [ ] a\n - [ ] b",
        "-",
        "indented by 2 to 4 spaces",
        "by 2 spaces to nest it under `a`",
    ),
    (
        "- [ ] a\n  - [ ] b\n      - [ ] c",
        "-",
        "more than one level below",
        "by 4 spaces to nest it under `b`",
    ),
    (
        "- [ ] a\n    - [ ] b\n  - [ ] c",
        "-",
        "inconsistent indentation: 2 spaces, but this checklist nests by 4",
        "",
    ),
    (
        "  - [ ] a\n- [ ] b",
        "-",
        "indented less than the first item",
        "by 2 spaces",
    ),
    ("\t- [ ] a", "\t", "indented with a tab", "spaces"),
    (
        "- [ ] See {{#glossary}}",
        "{{#glossary}}",
        "cannot be used in a checklist item",
        "\\{{#glossary}}",
    ),
    (
        "- [ ] See {{#trem rtos}}",
        "{{#trem rtos}}",
        "cannot be used",
        "did you mean `term`?",
    ),
    (
        "- [ ] See {{#term rtos",
        "{{#term rtos",
        "never closed",
        "`}}`",
    ),
];

#[test]
fn every_problem_points_at_its_text() {
    for (body, at, message, help) in PROBLEMS {
        let problems = parse_body(&lines(body)).problems;
        assert_eq!(problems.len(), 1, "{body:?}: {problems:#?}");
        let p = &problems[0];
        assert_eq!(&body[p.range.clone()], *at, "{body:?}");
        assert!(p.message.contains(message), "{body:?}: {}", p.message);
        assert!(p.help.contains(help), "{body:?}: {}", p.help);
    }
}

#[test]
fn a_duplicate_names_the_first_and_every_problem_is_reported() {
    let body = "- [ ] Call\n* [ ] x\n- [ ]\n- [ ] call\n- [ ] ok";
    let Body {
        items: parsed,
        problems,
        dropped,
    } = parse_body(&lines(body));
    // Every non-empty item's text is kept with its item or dropped with it.
    let mut texts: Vec<_> = parsed
        .iter()
        .map(|i| (i.text.as_str(), i.offset))
        .chain(dropped.iter().map(|(t, at)| (t.as_str(), *at)))
        .collect();
    texts.sort_by_key(|(_, at)| *at);
    assert_eq!(texts, [("Call", 6), ("call", 31), ("ok", 42)]);
    assert_eq!(problems.len(), 3, "{problems:#?}");
    let duplicate = &problems[2];
    assert_eq!(&body[duplicate.first.clone().unwrap()], "Call");
    let ids: Vec<_> = parsed.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["call", "ok"]);
}

#[test]
fn a_problem_does_not_cascade_into_the_items_below() {
    // `b` is clamped to one level below `a`, so `c` is fine.
    let Body {
        items: parsed,
        problems,
        ..
    } = parse_body(&lines("- [ ] a\n    - [ ] b\n  - [ ] c\n- [ ] d"));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let depths: Vec<_> = parsed.iter().map(|i| i.depth).collect();
    assert_eq!(depths, [0, 1, 1, 0]);
}

#[test]
fn split_id_only_takes_a_trailing_id() {
    assert_eq!(split_id("a {#b}"), ("a", Some(("b", 2))));
    assert_eq!(split_id("a {{#term b}}"), ("a {{#term b}}", None));
    assert_eq!(split_id("a {#b} c"), ("a {#b} c", None));
    assert_eq!(split_id("a \\{#b}"), ("a \\{#b}", None));
    assert_eq!(split_id("{#b}"), ("", Some(("b", 0))));
}

/// The plain-code checklist is the embedded templates' output, byte for
/// byte, for nested items, titles, links and hostile text.
#[test]
fn the_built_in_checklist_is_its_template() {
    use super::super::render::View;
    let templates = crate::render::Templates::embedded(super::super::TEMPLATES);
    let items: Vec<Item> = [
        (0, "a", true),
        (1, "b", false),
        (2, "c", false),
        (0, "d", false),
        (1, "e\"<", true),
    ]
    .into_iter()
    .map(|(depth, id, checked)| Item {
        id: id.to_string(),
        text: String::new(),
        offset: 0,
        checked,
        depth,
        refs: Vec::new(),
    })
    .collect();
    let labels: Vec<String> = items.iter().map(|i| format!("<b>{}</b>", i.id)).collect();
    fn tree(
        items: &[Item],
        labels: &[String],
        next: &mut usize,
        depth: usize,
    ) -> Vec<serde_json::Value> {
        let mut level = Vec::new();
        while let Some(item) = items.get(*next).filter(|i| i.depth >= depth) {
            let label = &labels[*next];
            *next += 1;
            let children = tree(items, labels, next, depth + 1);
            level.push(serde_json::json!({
                "id": item.id, "dom_id": format!("handbook-item--k--{}", item.id),
                "checked": item.checked, "html": label, "children": children,
            }));
        }
        level
    }
    for (anchor, title, link) in [
        (Some("hb-x"), Some("T <&>"), None),
        (None, Some("T"), Some("../a.html#hb-x")),
        (None, None, None),
    ] {
        let view = View {
            id: "x",
            anchor: anchor.map(str::to_string),
            title,
            title_id: "hb-title--k".to_string(),
            link,
        };
        let data = serde_json::json!({
            "id": "x", "anchor": anchor, "title": title, "title_id": "hb-title--k",
            "link": link, "items": tree(&items, &labels, &mut 0, 0),
        });
        let mut html = "before".to_string();
        view.push_html(&mut html, &items, &labels);
        assert_eq!(
            html,
            format!("before{}", templates.render("checklist", &data).unwrap())
        );
    }
}

/// The plain-code `{{#checklists}}` page is its template, byte for byte.
#[test]
fn the_built_in_checklists_page_is_its_template() {
    use super::super::render::{Section, page_html};
    let templates = crate::render::Templates::embedded(super::super::TEMPLATES);
    let hostile = "<b>\"it's\"</b> {{#include x}} &";
    let chapters = [
        Section {
            title: hostile,
            anchor: "hb-checklists-a".to_string(),
            link: format!("a.html?{hostile}"),
            checklists: vec!["<div>one</div>".to_string(), "<div>two</div>".to_string()],
        },
        Section {
            title: "B",
            anchor: "hb-checklists-b".to_string(),
            link: "sub/b.html".to_string(),
            checklists: vec!["<div>three</div>".to_string()],
        },
    ];
    for chapters in [&chapters[..], &chapters[..1], &[]] {
        let template = templates
            .render("checklists", &serde_json::json!({ "chapters": chapters }))
            .unwrap();
        let html = page_html(chapters, 0, |out, i| {
            for checklist in &chapters[i].checklists {
                out.push_str(checklist);
                out.push('\n');
            }
        });
        assert_eq!(html, template);
    }
}

proptest::proptest! {
    /// Text the parser would leave alone gives the slug the parser gives.
    #[test]
    fn plain_items_slug_as_parsed_items_do(text in "[A-Za-z][A-Za-z0-9 ,;:?()/%+@=#.'-]{0,30}") {
        if crate::render::inline::is_plain(&text, true) {
            proptest::prop_assert_eq!(
                crate::attrs::slug(&text),
                crate::attrs::slug(&parsed_text(&text))
            );
        }
    }
}
