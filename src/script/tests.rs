use super::check::is_placeholder_label;
use super::parse::{
    find_placeholders, is_one_text_run, parsed_text_runs, placeholders_in_text, split_speaker,
};
use super::*;
use crate::config;
use crate::markdown::TermRef;
use crate::render::{Format, Templates};
use crate::testing;

impl Scripts {
    fn iter(&self) -> std::slice::Iter<'_, Script> {
        self.list.iter()
    }
}

/// A one-chapter book: its pages and diagnostics.
fn book(chapter: &str) -> (Vec<Page>, Diagnostics) {
    testing::book(&[("ch.md", chapter)])
}

fn declared(labels: &[(&str, &str)]) -> BTreeMap<String, String> {
    labels
        .iter()
        .map(|(l, h)| (l.to_string(), h.to_string()))
        .collect()
}

/// Collects and validates the scripts of `pages`; the `{{#term}}`s found.
fn collect(
    pages: &[Page],
    labels: &BTreeMap<String, String>,
    root: &Path,
    diags: &mut Diagnostics,
) -> (Scripts, Vec<TermRef>) {
    let config = Config {
        placeholders: labels.clone(),
        ..Config::default()
    };
    let mut scripts = Scripts::new(&config, root);
    let facts = testing::run(&mut scripts, pages, diags);
    (scripts, facts.terms)
}

/// Collects and checks `chapter`; every diagnostic as `LINE:COL severity: message [help]`.
fn run(chapter: &str, labels: &[(&str, &str)]) -> (Scripts, Vec<String>) {
    let (scripts, _, found) = run_with_terms(chapter, labels);
    (scripts, found)
}

fn run_with_terms(chapter: &str, labels: &[(&str, &str)]) -> (Scripts, Vec<TermRef>, Vec<String>) {
    let (pages, mut diags) = book(chapter);
    let (scripts, terms) = collect(
        &pages,
        &declared(labels),
        Path::new("/nonexistent"),
        &mut diags,
    );
    (scripts, terms, testing::messages(&diags))
}

fn script(body: &str) -> String {
    format!("# T\n\n```script id=\"s\" cast=\"You, Alex\"\n{body}\n```\n")
}

/// What a script reads as: `Speaker: text`, `(direction)`, `--` between beats.
fn shape(script: &Script) -> Vec<String> {
    let mut out = Vec::new();
    for (i, beat) in script.beats.iter().enumerate() {
        if i > 0 {
            out.push("--".to_string());
        }
        for item in beat {
            let text = item.text.split_whitespace().collect::<Vec<_>>().join(" ");
            out.push(match item.speaker {
                Some(s) => format!("{}: {text}", script.cast[s]),
                None => text,
            });
        }
    }
    for o in &script.outcomes {
        out.push(format!("-> {} #{}", o.label, o.target));
    }
    out
}

#[test]
fn parses_lines_directions_continuations_and_beats() {
    let cases: &[(&str, &[&str])] = &[
        ("You: Hi.\nAlex: Hello.", &["You: Hi.", "Alex: Hello."]),
        (
            "You: Hi.\n(Alex nods.)\n\n\nAlex: So?",
            &["You: Hi.", "(Alex nods.)", "--", "Alex: So?"],
        ),
        (
            "You: one\n  two\n\tthree\nAlex: ok",
            &["You: one two three", "Alex: ok"],
        ),
        (
            "You:\n  Said on the next line.\nAlex: ok",
            &["You: Said on the next line.", "Alex: ok"],
        ),
        (
            "You: Note: a colon.\nAlex : spaced",
            &["You: Note: a colon.", "Alex: spaced"],
        ),
        (
            "(Alex looks\n  up.)\nYou: hi\nAlex: ok",
            &["(Alex looks up.)", "You: hi", "Alex: ok"],
        ),
        (
            "You: hi\nAlex: yes\n\n-> [Yes](#s)\n-> [*No*](#s)  \n",
            &["You: hi", "Alex: yes", "-> Yes #s", "-> *No* #s"],
        ),
    ];
    for (body, expected) in cases {
        let (scripts, diags) = run(&script(body), &[]);
        assert_eq!(diags, Vec::<String>::new(), "{body}");
        let s = scripts.iter().next().expect("one script");
        assert_eq!(shape(s), *expected, "{body}");
    }
}

#[test]
fn item_text_keeps_chapter_offsets_across_continuations() {
    let chapter = script("You: one {{#term rtos}}\n    two [Your Name]\nAlex: ok");
    let (scripts, terms, diags) = run_with_terms(&chapter, &[("Your Name", "")]);
    assert!(diags.is_empty(), "{diags:?}");
    let s = scripts.iter().next().unwrap();
    let item = &s.beats[0][0];
    for (i, c) in item.text.char_indices().filter(|(_, c)| !c.is_whitespace()) {
        assert_eq!(
            chapter[item.offset + i..].chars().next(),
            Some(c),
            "byte {i}"
        );
    }
    let (range, label) = &item.placeholders[0];
    assert_eq!(
        &chapter[item.offset + range.start..item.offset + range.end],
        "[Your Name]"
    );
    assert_eq!(label, "Your Name");
    let term = &terms[0];
    assert_eq!(&chapter[term.key_span.range.clone()], "rtos");
}

#[test]
fn finds_placeholders_only_in_plain_text() {
    let cases: &[(&str, &[&str])] = &[
        ("Hi [Your Name].", &["Your Name"]),
        ("[A] and **[B]** and <b>[C]</b>", &["A", "B", "C"]),
        (
            "[Your Name]: a reference-definition look-alike",
            &["Your Name"],
        ),
        ("[a link](http://x) [ref][r] [r2][] [full][ref]", &[]),
        ("`[code]` and ``[more]``", &[]),
        ("\\[escaped] ![image] [^note] [ ] []", &[]),
        ("{{#term x|[shown]}} [Y]", &["Y"]),
        ("[outer [inner]]", &["inner"]),
        ("[no close", &[]),
    ];
    for (text, expected) in cases {
        let labels: Vec<String> = find_placeholders(text)
            .into_iter()
            .map(|(_, l)| l)
            .collect();
        assert_eq!(labels, *expected, "{text}");
    }
}

#[test]
fn every_problem_is_reported_at_its_place() {
    let cases: &[(&str, &[&str])] = &[
        (
            "You: hi\nAlx: hm\nAlex: ok",
            &["5:1 error: `Alx` is not in the cast [did you mean `Alex`?]"],
        ),
        (
            "You: hi\nBoss: hm\nAlex: ok",
            &[
                "5:1 error: `Boss` is not in the cast [the cast is `You`, `Alex`; add `Boss` to `cast` if they speak]",
            ],
        ),
        (
            "You:\nAlex: ok",
            &[
                "4:1 error: empty line of dialogue [write what they say after the colon, or remove the line]",
            ],
        ),
        (
            "You: hi\nAlex glances at the clock: twice.\nAlex: ok",
            &[
                "5:1 error: line is neither dialogue nor a stage direction [write `You: what they say`, or `(a stage direction)` in parentheses; the cast is `You`, `Alex`]",
            ],
        ),
        (
            "  starts indented\n  and goes on\nYou: hi\nAlex: ok",
            &[
                "4:3 error: indented line continues nothing [an indented line continues the line above it; at the start of a beat, write `Speaker: text` or `(stage direction)`]",
            ],
        ),
        (
            "You: hi\n\n  indented after a blank\nAlex: ok",
            &[
                "6:3 error: indented line continues nothing [an indented line continues the line above it; at the start of a beat, write `Speaker: text` or `(stage direction)`]",
            ],
        ),
        (
            "You: hi\n(Alex looks\n  away.\nAlex: ok",
            &["5:1 error: stage direction is never closed [end the direction with `)`]"],
        ),
        (
            "You: hi\n(  )\nAlex: ok",
            &["5:1 error: empty stage direction [describe what happens, or remove the line]"],
        ),
        (
            "You: hi\nAlex: ok\n-> [Yes](#s)\nYou: more",
            &[
                "7:1 error: only outcome lines may follow outcome lines [outcome lines (`-> [label](#script-id)`) end the script: move this line above them]",
            ],
        ),
        (
            "You: hi\nAlex: ok\n-> [Yes](#nope)",
            &[
                "6:11 error: outcome links to unknown script `nope` [an outcome links to the id of a script block in this book]",
            ],
        ),
        (
            "You: hi\nAlex: ok\n-> [Yes](#ss)",
            &["6:11 error: outcome links to unknown script `ss` [did you mean `s`?]"],
        ),
        (
            "You: hi\nAlex: ok\n-> [Yes](other.md#s)",
            &[
                "6:1 error: an outcome links to a script by its id: `(#script-id)` [write `-> [what happens](#id-of-the-follow-up-script)`]",
            ],
        ),
        (
            "You: hi\nAlex: ok\n-> Yes",
            &[
                "6:1 error: malformed outcome line [write `-> [what happens](#id-of-the-follow-up-script)`]",
            ],
        ),
        (
            "You: hi\nAlex: ok\n-> [ ](#s)",
            &[
                "6:1 error: outcome line has no label [write `-> [what happens](#id-of-the-follow-up-script)`]",
            ],
        ),
        (
            "You: hi\nAlex: ok\n-> [Yes](#s) and more",
            &[
                "6:1 error: outcome line has text after its link [write `-> [what happens](#id-of-the-follow-up-script)`]",
            ],
        ),
        (
            "You: hi [Your Nmae].\nAlex: ok",
            &[
                "4:9 error: undeclared placeholder `[Your Nmae]` [did you mean `Your Name`?] [declare it in book.toml under [preprocessor.handbook.placeholders]: \"Your Nmae\" = \"a hint for the reader\"; write `\\[Your Nmae]` for literal brackets]",
            ],
        ),
        ("You: hi\nAlex: hm", &[]),
        (
            "You: hi",
            &[
                "3:29 warning: cast member `Alex` never speaks [give Alex a line, or take them out of `cast`]",
            ],
        ),
        (
            "",
            &[
                "3:1 error: script has no lines [write its lines below the fence: `Speaker: text` or `(stage direction)`]",
                "3:24 warning: cast member `You` never speaks [give You a line, or take them out of `cast`]",
                "3:29 warning: cast member `Alex` never speaks [give Alex a line, or take them out of `cast`]",
            ],
        ),
    ];
    for (body, expected) in cases {
        let (_, diags) = run(&script(body), &[("Your Name", "hint")]);
        let diags: Vec<&str> = diags
            .iter()
            .map(String::as_str)
            .filter(|d| !d.contains("`Your Name` is declared"))
            .collect();
        assert_eq!(diags, *expected, "{body}");
    }
}

#[test]
fn every_problem_of_one_script_is_reported_not_just_the_first() {
    let (scripts, diags) = run(&script("You: [Nope]\nAlx: x\nYu:\n  hanging\n(open"), &[]);
    assert_eq!(
        diags
            .iter()
            .map(|d| d.split(" [").next().unwrap())
            .collect::<Vec<_>>(),
        [
            "4:6 error: undeclared placeholder `[Nope]`",
            "5:1 error: `Alx` is not in the cast",
            "6:1 error: `Yu` is not in the cast",
            "8:1 error: stage direction is never closed",
        ]
    );
    assert_eq!(
        scripts.iter().count(),
        1,
        "the script is still known, for id checks"
    );
}

#[test]
fn a_script_without_id_still_counts_its_placeholders_and_terms() {
    let (scripts, terms, diags) = run_with_terms(
        "```script cast=\"You\"\nYou: [Your Name] {{#term x}}\n```\n",
        &[("Your Name", "")],
    );
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        diags[0].starts_with("1:1 error: script block has no `id`"),
        "{diags:?}"
    );
    assert_eq!(scripts.iter().count(), 0);
    assert_eq!(
        terms.iter().map(|t| t.key.as_str()).collect::<Vec<_>>(),
        ["x"]
    );
}

#[test]
fn attributes_and_cast_are_checked() {
    let cases: &[(&str, &[&str])] = &[
        (r#"id="s""#, &["3:10 error: script has no `cast`"]),
        (
            r#"cast="You""#,
            &[
                "3:1 error: script block has no `id`",
                "5:1 error: `Alex` is not in the cast",
            ],
        ),
        (
            r#"id="s" cast="You, , Alex""#,
            &["3:29 error: empty name in `cast`"],
        ),
        (
            r#"id="s" cast="You, Alex,""#,
            &["3:33 error: empty name in `cast`"],
        ),
        (
            r#"id="s" cast="You, Alex, You""#,
            &["3:35 error: `You` is in the cast twice"],
        ),
        (
            r#"id="s" cast="You, [Boss]""#,
            &[
                "3:29 error: `[Boss]` cannot be a speaker's name",
                "5:1 error: `Alex` is not in the cast",
            ],
        ),
        // The id's own value, not the same text in the title.
        (
            r#"title="Ask" id="Ask" cast="You, Alex""#,
            &["3:26 error: `Ask` is not a valid id"],
        ),
        (
            r#"cast="You, Alex" id = 'Not ok'"#,
            &["3:33 error: `Not ok` is not a valid id"],
        ),
        (
            r#"title="say id='X'" id="X" cast="You, Alex""#,
            &["3:33 error: `X` is not a valid id"],
        ),
        (
            r#"id="s" title="cast You, You" cast="You, You""#,
            &[
                "3:51 error: `You` is in the cast twice",
                "5:1 error: `Alex` is not in the cast",
            ],
        ),
        (
            r#"id="s" cast="You, Alex" colour="red""#,
            &[
                "3:35 error: invalid directive attributes: unknown field `colour`, expected one of `id`, `title`, `cast`",
            ],
        ),
    ];
    for (attrs, expected) in cases {
        let chapter = format!("# T\n\n```script {attrs}\nYou: hi\nAlex: hm\n```\n");
        let (_, diags) = run(&chapter, &[]);
        let diags: Vec<&str> = diags
            .iter()
            .map(|d| d.split(" [").next().unwrap())
            .collect();
        assert_eq!(diags, *expected, "{attrs}");
    }
}

#[test]
fn declared_placeholders_are_found_in_book_toml() {
    let toml = "[book]\ntitle = \"x\"\n\n[preprocessor.handbook.placeholders]\n\"Your Name\" = \"how you sign\"\nRole = \"your job\"\n";
    let span = |toml: &str, label: &str| config::key_span(toml, &["placeholders", label]);
    assert_eq!(&toml[span(toml, "Your Name").unwrap()], "\"Your Name\"");
    assert_eq!(&toml[span(toml, "Role").unwrap()], "Role");
    let inline = "[preprocessor.handbook]\nplaceholders = { \"A B\" = \"c\" }\n";
    assert_eq!(&inline[span(inline, "A B").unwrap()], "\"A B\"");
    assert_eq!(span("not toml [", "A B"), None);
    assert!(is_placeholder_label("Your Name"));
    for bad in ["", " x", "a]b", "[a", "^1", "a\nb"] {
        assert!(!is_placeholder_label(bad), "{bad}");
    }
}

#[test]
fn unused_and_unusable_declarations_point_into_book_toml() {
    let dir = tempfile::tempdir().unwrap();
    let toml = "[book]\n[preprocessor.handbook.placeholders]\n\"Your Name\" = \"a\"\n\"Unused\" = \"b\"\n\"Bad]\" = \"c\"\n";
    std::fs::write(dir.path().join("book.toml"), toml).unwrap();
    let (pages, mut diags) = book(&script("You: [Your Name]\nAlex: ok"));
    let labels = declared(&[("Your Name", "a"), ("Unused", "b"), ("Bad]", "c")]);
    collect(&pages, &labels, dir.path(), &mut diags);
    let out = diags.render(false);
    assert!(
        out.contains("error: placeholder label `Bad]` cannot be written in a script"),
        "{out}"
    );
    assert!(out.contains("book.toml:5:1"), "{out}");
    assert!(
        out.contains("warning: placeholder `Unused` is declared but no script uses it"),
        "{out}"
    );
    assert!(out.contains("book.toml:4:1"), "{out}");
    assert!(!out.contains("`Your Name` is declared"), "{out}");
}

#[test]
fn speaker_names() {
    assert_eq!(split_speaker("Dr. Lee: hi"), Some(("Dr. Lee", 8)));
    assert_eq!(split_speaker("You:"), Some(("You", 4)));
    for not_speech in [
        "https://x.org",
        "one two three four five: x",
        "[A]: b",
        "**A:** b",
        "(A: b)",
        ": x",
    ] {
        assert_eq!(split_speaker(not_speech), None, "{not_speech}");
    }
}

/// Renders the chapter's only script.
fn render_one(chapter: &str, format: Format, labels: &[(&str, &str)]) -> String {
    let templates = Templates::embedded(TEMPLATES);
    render_with(&templates, chapter, format, labels)
}

fn render_with(
    templates: &Templates,
    chapter: &str,
    format: Format,
    labels: &[(&str, &str)],
) -> String {
    let (pages, mut diags) = book(chapter);
    let (scripts, _) = collect(
        &pages,
        &declared(labels),
        Path::new("/nonexistent"),
        &mut diags,
    );
    testing::with_cx(templates, &pages, 0, format, |cx| {
        scripts.render(scripts.iter().next().unwrap(), cx).unwrap()
    })
}

#[test]
fn markdown_for_other_renderers() {
    let chapter = script(
        "You: Hi *there*, [Your Name].\n  Shall we?\nAlex: Sure {{#term rtos}}.\n(Alex sits.)\n\nYou: - Thanks.\n\n-> [Next](#s)",
    );
    let out = render_one(&chapter, Format::Markdown, &[("Your Name", "")]);
    assert_eq!(
        out,
        "**You:** Hi *there*, \\[Your Name\\].\n    Shall we?\\\n**Alex:** Sure TERM(rtos).\\\n*(Alex sits.)*\n\n**You:** - Thanks.\n\n- [Next](#hb-s)"
    );
}

#[test]
fn html_escapes_content_and_keeps_lines_inline() {
    let chapter = "# T\n\n```script id=\"s\" title=\"<b>Ask</b>\" cast=\"You, Al&ex\"\nYou: <script>alert(1)</script> [Your Name]\nAl&ex: - dash\n```\n";
    let out = render_one(
        chapter,
        Format::Html,
        &[("Your Name", "a \"hint\" that's <here>")],
    );
    assert!(!out.contains("<script>"), "{out}");
    assert!(!out.contains("<b>Ask"), "{out}");
    assert!(
        out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{out}"
    );
    assert!(
        out.contains(
            "<span class='hb-ph' title='a &quot;hint&quot; that&#39;s &lt;here&gt;'>[Your Name]</span>"
        ),
        "{out}"
    );
    assert!(out.contains("<b>Al&amp;ex:</b>"), "{out}");
    assert!(out.contains("<b>You:</b> <span>&lt;script&gt;"), "{out}");
    assert!(out.contains("<span>- dash</span>"), "{out}");
    assert!(!out.contains("<ul>"), "{out}");
}

/// The plain-code script is the embedded template's output, byte for
/// byte: with and without a title, placeholders, directions, several beats,
/// outcomes, more speakers than colours, and hostile text everywhere.
#[test]
fn the_built_in_script_is_its_template() {
    let templates = Templates::embedded(TEMPLATES);
    let hostile = "<b>\"a\" & 'b'</b> {{#include x}}";
    let labels = [("Your Name", hostile), ("Team", "")];
    let chapters = [
        script("You: Hi."),
        script("(Alex sits.)"),
        script(
            "You: Hi, [Your Name] from [Team].\n  Shall we?\nAlex: <i>Sure</i> & 'yes' \"now\".\n(Alex sits.)\n\nYou: Thanks.\n\n-> [Next *one*](#s)\n-> [Other](#s)",
        ),
        format!(
            "# T\n\n```script id=\"a\" title=\"{title}\" cast=\"A&b, <C>, D, E, F, G, H\"\nA&b: One.\n<C>: Two.\nD: 3\nE: 4\nF: 5\nG: 6\nH: 7 {{{{#term x}}}}\n\n-> [To b](#b)\n```\n\n\
             ```script id=\"b\" title=\"B\" cast=\"You\"\nYou: [Your Name]?\n\n(Pause.)\n\nYou: Bye.\n```\n",
            title = hostile.replace('"', "\\\"")
        ),
    ];
    let mut rendered = 0;
    for chapter in &chapters {
        let (pages, mut diags) = book(chapter);
        let (scripts, _) = collect(
            &pages,
            &declared(&labels),
            Path::new("/nonexistent"),
            &mut diags,
        );
        testing::with_cx(&templates, &pages, 0, Format::Html, |cx| {
            for s in scripts.iter() {
                let view = scripts.view(s, cx);
                assert_eq!(view.html(), templates.render("script", &view).unwrap());
                rendered += 1;
            }
        });
    }
    assert_eq!(rendered, 5);
}

/// Pieces scripts are made of, valid or not, to shake the parser with.
const PIECES: [&str; 24] = [
    "You:",
    "Alex:",
    " ",
    "  ",
    "\t",
    "(",
    ")",
    "->",
    " [Yes](#s)",
    "[Your Name]",
    "[",
    "]",
    "](",
    "`",
    "\\[",
    "{{#term x}}",
    "é",
    "ü:",
    "\n",
    "\n",
    "\n\n",
    "*",
    "text",
    "#",
];

#[test]
fn any_text_is_parsed_and_rendered_without_panicking() {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut diags = Diagnostics::new();
    let templates = Templates::new(
        TEMPLATES,
        Path::new("/nonexistent"),
        Path::new("x"),
        &mut diags,
    );
    for _ in 0..2000 {
        let len = (next() % 24) as usize;
        let body: String = (0..len)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        let chapter = script(&body);
        let (pages, mut diags) = book(&chapter);
        let (scripts, _) = collect(
            &pages,
            &declared(&[("Your Name", "")]),
            Path::new("/nonexistent"),
            &mut diags,
        );
        for d in diags.items().iter().filter(|d| d.source == pages[0].source) {
            let range = d.range.clone().expect("every problem has a place");
            assert!(
                range.start < range.end && range.end <= chapter.len(),
                "{range:?} in {chapter:?}"
            );
            assert!(
                chapter.is_char_boundary(range.start) && chapter.is_char_boundary(range.end),
                "{chapter:?}"
            );
        }
        if scripts.iter().next().is_some() {
            render_with(&templates, &chapter, Format::Html, &[("Your Name", "")]);
            render_with(&templates, &chapter, Format::Markdown, &[("Your Name", "")]);
        }
    }
}

/// A speaker or placeholder typed with a combining accent is the cast
/// member or declared label of the same name.
#[test]
fn names_and_labels_compare_after_normalisation() {
    let chapter = "```script id=\"s\" cast=\"You, Jos\u{e9}\"\nYou: Hi [Your Caf\u{e9}].\nJose\u{301}: Hello.\nYou: [Your Cafe\u{301}] again.\n```\n";
    let (_, diags) = run(chapter, &[("Your Caf\u{e9}", "hint")]);
    assert!(diags.is_empty(), "{diags:?}");
}

proptest::proptest! {
    /// A line the parser would read as one run of text gives the same
    /// placeholders without it.
    #[test]
    fn placeholders_of_one_text_run_need_no_parser(
        text in r#"(\[|\]|\]\(|\[[a-z]\]|\(|\)|[a-zA-Z]{1,3}| |!|\^|:|'|"|\||\$|=|\.\.\.|--|&|&amp;|&#91;|https://x|\{\{#term a\}\}|é|\n|\n  |  \n|\r|\n```|\n    |\n- |\n#|\n1\. |\n> |\n===|\n---|\n\[[a-z]\]: x|\r```|\r\[[a-z]\]: x){0,12}"#
    ) {
        if is_one_text_run(&text) {
            proptest::prop_assert_eq!(
                placeholders_in_text(&text, std::slice::from_ref(&(0..text.len()))),
                placeholders_in_text(&text, &parsed_text_runs(&text))
            );
        }
    }
}
