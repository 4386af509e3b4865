//! Fuzzing the directive parsers through the whole pipeline.
//!
//! Chapters are assembled at random from fragments chosen to hit the
//! parsers' edges (fences in containers, unclosed directives, placeholders,
//! CRLF, tabs, multi-byte characters, stray brackets and pipes). For each one
//! the pipeline must not panic, every diagnostic must point inside its file,
//! and when the book is accepted, every byte outside directives must survive.
//! The generator is seeded, so a failure names an input that reproduces.
//! `FUZZ_CASES=100000 cargo test --release --test fuzz` runs a longer campaign.

mod support;

use mdbook_driver::book::{Book, BookItem, Chapter};
use mdbook_preprocessor::PreprocessorContext;
use std::panic::{AssertUnwindSafe, catch_unwind};

const FRAGMENTS: &[&str] = &[
    "# Heading {{#term rtos}}\n",
    "Plain text about RTOS and ISR timing.\n",
    "\n",
    "\r\n",
    "\t",
    "    indented code {{#term isr}}\n",
    "`{{#term nope}}`",
    "{{#term rtos}}",
    "{{#term ISR|the handler}}",
    "{{#term }}",
    "{{#term rtos|}}",
    "{{#term",
    "\\{{#term rtos}}",
    "{{#glossary}}",
    "\n\n{{#checklists}}\n\n",
    "{{#nope x}}",
    "{{#}}",
    "}}",
    "{{#term ünïcödé}}",
    "é∑😀",
    "[Your Name]",
    "[link](https://x.y)",
    "[ref][x]",
    "|",
    "> ",
    "- ",
    "  ",
    "```script id=\"s\" cast=\"You, Alex\"\n",
    "```script id=\"s2\" title=\"T\" cast=\"You\"\n",
    "```script cast=\"\"\n",
    "```script id=\"bad id\" cast=\"A\"\n",
    "~~~checklist id=\"c\"\n",
    "```checklist id=\"c2\" title='x'\n",
    "```checklist\n",
    "```checklist id=\"c3\" unknown=1\n",
    "```rust\n",
    "```\n",
    "~~~\n",
    "You: hello [Your Name], see {{#term rtos}}.\n",
    "Alex: fine *emphasis* `code`\n",
    "You:\n",
    "Nobody: hi\n",
    "(stage direction)\n",
    "(unclosed direction\n",
    "  continued line\n",
    "-> [Outcome](#s)\n",
    "-> [Bad](#missing)\n",
    "- [ ] item {{#term isr}}\n",
    "- [x] done {#done-id}\n",
    "  - [ ] nested\n",
    "      - [ ] too deep\n",
    "- [ ] \n",
    "- [] wrong\n",
    "* [ ] star\n",
    "- [ ] dup\n- [ ] dup\n",
    "<div>raw {{#term rtos}}</div>\n",
    "<script>alert(1)</script>\n",
    "{{#include missing.md}}\n",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn chapter_text(seed: u64) -> String {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut text = String::new();
    for _ in 0..rng.below(40) + 1 {
        text.push_str(FRAGMENTS[rng.below(FRAGMENTS.len())]);
    }
    text
}

#[test]
fn random_chapters_never_panic_and_diagnostics_point_inside_their_files() {
    let cases: u64 = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600);
    let fixture = mdbook_driver::MDBook::load(support::fixture("basic")).expect("fixture");
    let ctx = PreprocessorContext::new(fixture.root.clone(), fixture.config.clone(), "html".into());
    let markdown_ctx = PreprocessorContext::new(
        fixture.root.clone(),
        fixture.config.clone(),
        "markdown".into(),
    );
    let mut accepted = 0;
    for seed in 0..cases {
        let text = chapter_text(seed);
        let mut book = Book::new();
        let mut chapter = Chapter::new("Fuzz", text.clone(), "fuzz.md", vec![]);
        chapter.source_path = Some("fuzz.md".into());
        book.push_item(chapter);
        for ctx in [&ctx, &markdown_ctx] {
            let result = catch_unwind(AssertUnwindSafe(|| {
                mdbook_handbook::preprocess(ctx, book.clone())
            }));
            let Ok((out, diags)) = result else {
                panic!("seed {seed} panicked on:\n{text:?}");
            };
            for d in diags.items() {
                if let Some(range) = &d.range {
                    let len = diags.text(d.source).len();
                    assert!(
                        range.start <= range.end && range.end <= len,
                        "seed {seed}: {d:?} outside its file"
                    );
                }
            }
            let rendered = catch_unwind(AssertUnwindSafe(|| diags.render(false)));
            assert!(
                rendered.is_ok(),
                "seed {seed}: rendering diagnostics panicked on:\n{text:?}"
            );
            if let Some(out) = out {
                accepted += 1;
                let BookItem::Chapter(c) = &out.items[0] else {
                    unreachable!()
                };
                // Markdown before the first directive-like text passes through
                // unchanged (in HTML, also before the first mention of a
                // glossary term: auto-linking makes it a reference).
                let mentions: &[&str] = if ctx.renderer == "html" {
                    &[
                        "RTOS",
                        "ISR",
                        "Real-Time Operating System",
                        "Interrupt Service Routine",
                    ]
                } else {
                    &[]
                };
                let cut = ["{{", "```", "~~~", "\\{{"]
                    .iter()
                    .chain(mentions)
                    .filter_map(|m| text.find(m))
                    .min()
                    .unwrap_or(text.len());
                // An HTML page may start with the definitions its
                // references show.
                let content = match c.content.split_once("</script>\n\n") {
                    Some((definitions, rest))
                        if definitions.starts_with("<script type='text/html' class='hb-tips'>")
                            && !text.starts_with("<script") =>
                    {
                        rest
                    }
                    _ => c.content.as_str(),
                };
                assert!(
                    content.starts_with(&text[..cut]),
                    "seed {seed}: prefix changed"
                );
            }
        }
    }
    eprintln!("fuzz: {cases} chapters, {accepted} accepted renderings");
}
