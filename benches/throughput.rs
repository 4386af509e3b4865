//! How fast is the preprocessor, against the floor any preprocessor pays?
//!
//! `cargo bench --bench throughput [-- CHAPTERS]` generates a large book
//! (1,000 chapters by default) with every directive in realistic density, then
//! measures, interleaved in one run so machine noise hits both alike:
//!
//! - **floor**: parse mdBook's `[context, book]` JSON, one pulldown-cmark pass
//!   over every chapter, write the book JSON back;
//! - **handbook**: parse the same JSON, run the preprocessor, write it back;
//! - **check**: `mdbook-handbook check` on the book (load from disk + validate);
//! - **build**: the in-process `build` against `mdbook build` driving the
//!   release binary, when the `mdbook` CLI is installed.
//!
//! It reports the best of several runs and, above all, the ratios.
//! `-- --preprocess-only` stops after the first comparison (for profiling).

use mdbook_driver::MDBook;
use mdbook_driver::book::{Book, BookItem};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

/// Glossary size of the main book; the scaling check uses ten times as many.
const TERMS: usize = 60;
const RUNS: usize = 7;

fn main() {
    let only_preprocess = std::env::args().any(|a| a == "--preprocess-only");
    let chapters: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1000);
    let dir = tempfile::tempdir().expect("temp dir");
    let input = generate_input(dir.path(), chapters, TERMS);
    let mb = input.len() as f64 / 1e6;
    println!("book: {chapters} chapters, {TERMS} glossary terms, {mb:.1} MB of preprocessor input");

    let (mut floor, mut ours) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        floor.push(time(|| run_floor(&input)));
        ours.push(time(|| run_handbook(&input)));
    }
    let (floor, ours) = (best(&floor), best(&ours));
    println!(
        "floor (JSON in, one pulldown-cmark pass, JSON out): {:>8.1} ms  {:>6.0} MB/s",
        ms(floor),
        mb / floor.as_secs_f64()
    );
    println!(
        "handbook preprocessor:                            {:>8.1} ms  {:>6.0} MB/s",
        ms(ours),
        mb / ours.as_secs_f64()
    );
    println!(
        "ratio handbook / floor: {:.2}x",
        ours.as_secs_f64() / floor.as_secs_f64()
    );
    // The output is larger than the input (tooltips, inlined CSS/JS), and
    // writing it back is part of the preprocessor's cost.
    let (ctx2, book2): (PreprocessorContext, Book) = serde_json::from_slice(&input).expect("parse");
    let out = mdbook_handbook::Handbook
        .run(&ctx2, book2)
        .expect("preprocess");
    let out_mb = serde_json::to_vec(&out).expect("write").len() as f64 / 1e6;
    println!("output: {out_mb:.1} MB ({:.1}x the input)", out_mb / mb);
    if only_preprocess {
        return;
    }

    // Term matching must grow with the text, not with terms x text: the
    // same chapters with ten times the glossary.
    let many_dir = tempfile::tempdir().expect("temp dir");
    let many = generate_input(many_dir.path(), chapters, TERMS * 10);
    let (mut few_times, mut many_times) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        few_times.push(time(|| run_handbook(&input)));
        many_times.push(time(|| run_handbook(&many)));
    }
    println!(
        "{} terms against {TERMS} on the same text: {:.2}x the time",
        TERMS * 10,
        best(&many_times).as_secs_f64() / best(&few_times).as_secs_f64()
    );

    let check: Vec<Duration> = (0..3)
        .map(|_| time(|| mdbook_handbook::check(dir.path()).expect("generated book checks clean")))
        .collect();
    println!("check on {chapters} chapters: {:.1} ms", ms(best(&check)));

    compare_builds(dir.path());
}

fn compare_builds(root: &Path) {
    let exe = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/mdbook-handbook");
    let mdbook = which("mdbook");
    let (Some(mdbook), true) = (mdbook, exe.is_file()) else {
        println!("build comparison skipped: needs the `mdbook` CLI and `cargo build --release`");
        return;
    };
    let toml = std::fs::read_to_string(root.join("book.toml")).expect("book.toml");
    let with_command = toml.replace(
        "[preprocessor.handbook]",
        &format!(
            "[preprocessor.handbook]\ncommand = {:?}",
            exe.display().to_string()
        ),
    );
    std::fs::write(root.join("book.toml"), with_command).expect("write book.toml");
    let (mut inproc, mut cli) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        inproc.push(time(|| {
            mdbook_handbook::build(root, Some(Path::new("out-inproc"))).expect("in-process build")
        }));
        cli.push(time(|| {
            let status = std::process::Command::new(&mdbook)
                .args(["build", "--dest-dir", "out-cli"])
                .current_dir(root)
                .stderr(std::process::Stdio::null())
                .status()
                .expect("run mdbook");
            assert!(status.success(), "mdbook build failed");
        }));
    }
    let (inproc, cli) = (best(&inproc), best(&cli));
    println!("mdbook-handbook build (in-process): {:.0} ms", ms(inproc));
    println!(
        "mdbook build (JSON pipe to the same binary): {:.0} ms",
        ms(cli)
    );
    println!(
        "ratio in-process / mdbook CLI: {:.2}x",
        inproc.as_secs_f64() / cli.as_secs_f64()
    );
}

fn which(name: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Generates a book in `root` and returns mdBook's preprocessor input for it.
fn generate_input(root: &Path, chapters: usize, terms: usize) -> Vec<u8> {
    generate_book(root, chapters, terms);
    let book = MDBook::load(root).expect("load generated book");
    let ctx = PreprocessorContext::new(book.root.clone(), book.config.clone(), "html".into());
    serde_json::to_vec(&(&ctx, &book.book)).expect("serialize input")
}

fn run_floor(input: &[u8]) {
    let (ctx, book): (PreprocessorContext, Book) = serde_json::from_slice(input).expect("parse");
    let options = mdbook_markdown::MarkdownOptions::default();
    let mut events = 0usize;
    for item in book.iter() {
        if let BookItem::Chapter(c) = item {
            events += mdbook_markdown::new_cmark_parser(&c.content, &options)
                .into_offset_iter()
                .count();
        }
    }
    std::hint::black_box((events, &ctx));
    std::hint::black_box(serde_json::to_vec(&book).expect("write"));
}

fn run_handbook(input: &[u8]) {
    let (ctx, book): (PreprocessorContext, Book) = serde_json::from_slice(input).expect("parse");
    let book = mdbook_handbook::Handbook
        .run(&ctx, book)
        .expect("preprocess");
    std::hint::black_box(serde_json::to_vec(&book).expect("write"));
}

fn time(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn best(times: &[Duration]) -> Duration {
    *times.iter().min().expect("at least one run")
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Writes a book of `chapters` chapters: prose that mentions glossary terms
/// (plain and `{{#term}}`), code, lists, and a script and a checklist every
/// few chapters, plus a glossary and a checklists page.
fn generate_book(root: &Path, chapters: usize, terms: usize) {
    let src = root.join("src");
    std::fs::create_dir_all(&src).expect("src dir");
    std::fs::write(
        root.join("book.toml"),
        "[book]\ntitle = \"Generated\"\nsrc = \"src\"\n\n[preprocessor.handbook]\nbefore = [\"links\"]\n\n\
         [preprocessor.handbook.placeholders]\n\"Your Name\" = \"How you sign\"\n\"Project\" = \"A project\"\n",
    )
    .expect("book.toml");
    let mut glossary = String::new();
    for t in 0..terms {
        writeln!(
            glossary,
            "[term-{t}]\nterm = \"Widget Number {t}\"\nabbr = \"WN{t}\"\naliases = [\"widget {t}s\"]\n\
             definition = \"The {t}th widget; see {{{{#term term-{}}}}}.\"\n",
            (t + 1) % terms
        )
        .expect("write");
    }
    std::fs::write(src.join("glossary.toml"), glossary).expect("glossary");
    let mut summary =
        String::from("# Summary\n\n- [Glossary](glossary.md)\n- [Checklists](checklists.md)\n");
    std::fs::write(src.join("glossary.md"), "# Glossary\n\n{{#glossary}}\n")
        .expect("glossary page");
    std::fs::write(
        src.join("checklists.md"),
        "# Checklists\n\n{{#checklists}}\n",
    )
    .expect("checklists page");
    for c in 0..chapters {
        let name = format!("chapter-{c}.md");
        writeln!(summary, "- [Chapter {c}]({name})").expect("write");
        std::fs::write(src.join(&name), chapter(c, terms)).expect("chapter");
    }
    std::fs::write(src.join("SUMMARY.md"), summary).expect("summary");
}

fn chapter(c: usize, terms: usize) -> String {
    let t = |k: usize| (c * 7 + k) % terms;
    let mut s = format!("# Chapter {c}\n\n");
    for p in 0..12 {
        writeln!(
            s,
            "Paragraph {p} talks about WN{} and the *Widget Number {}*, with a \
             [link](https://example.com/{p}) and `code {{{{#term x}}}}`. Engineers who \
             tune a widget {}s loop measure twice, cut once, and write it down so the \
             next person can \"follow\" along -- it's how teams learn.\n",
            t(p),
            t(p + 1),
            t(p + 2)
        )
        .expect("write");
        if p % 4 == 0 {
            writeln!(
                s,
                "See {{{{#term term-{}}}}} and {{{{#term WN{}|this one}}}}.\n",
                t(p),
                t(p + 3)
            )
            .expect("write");
            s.push_str(
                "```c\nint main(void) { return 0; }\n```\n\n- a list item\n- another item\n\n",
            );
        }
    }
    if c.is_multiple_of(10) {
        writeln!(
            s,
            "```script id=\"script-{c}\" title=\"Talk {c}\" cast=\"You, Alex\"\n\
             You: Hi Alex, I am [Your Name].\nAlex: Hello. Tell me about [Project].\n\
             (Alex listens.)\nYou: It uses {{{{#term term-{}}}}}\n  and more.\n```\n",
            t(0)
        )
        .expect("write");
    }
    if c % 10 == 5 {
        writeln!(
            s,
            "```checklist id=\"checklist-{c}\" title=\"Steps {c}\"\n- [ ] First step\n- [x] Second step\n  - [ ] Nested {{{{#term term-{}}}}}\n```\n",
            t(1)
        )
        .expect("write");
    }
    s
}
