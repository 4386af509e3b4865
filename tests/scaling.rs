//! Scaling: is the preprocessor linear in every dimension of its input?
//!
//! Each test measures one dimension at three sizes, ×4 apart, and prints a
//! row: the wall time of `mdbook_handbook::preprocess` at each size, the
//! growth per ×4 step (the fastest of five runs when a run takes under a
//! second), the peak heap it took at the largest size (counted by this
//! binary's global allocator, above what was allocated before) against the
//! input's size, and the output's size against the input's. It then
//! asserts the bars: time, peak memory and output each grow ≤ 5× per ×4
//! step of the input (≤ 5/4 of the input's growth), and the peak stays
//! within 4× what goes in and out (input plus output, above a 16 MiB floor
//! for fixed costs).
//!
//! Issue 11 asked for a peak of 4× the input. That cannot hold where the
//! output alone is larger: a two-word script line becomes a dialogue line
//! of markup, and the output must be held before it is handed back. What
//! the bar is for (no blow-up: a nesting depth that took 2.4 GB, a script
//! that carried a whole form) is kept by measuring the peak against input
//! plus output, and its growth per step.
//!
//! They are slow while the code is superlinear, so they are ignored; run
//! them one at a time, in release mode, so the timings and memory are
//! each test's own:
//!
//! ```text
//! cargo test --release --test scaling -- --ignored --test-threads=1 --nocapture
//! ```

use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The system allocator, counting the bytes in use and their peak.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let now = IN_USE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to `System` unchanged; only counters are
// updated around it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, new_size) };
        if !q.is_null() {
            IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One input of a dimension: chapters, glossary, extra book.toml.
#[derive(Default)]
struct Case {
    chapters: Vec<String>,
    glossary: String,
    config: String,
}

impl Case {
    fn chapter(text: String) -> Case {
        Case {
            chapters: vec![text],
            ..Case::default()
        }
    }

    /// The chapters, the glossary and book.toml's extra settings (the
    /// declared placeholders).
    fn input_bytes(&self) -> usize {
        self.chapters.iter().map(String::len).sum::<usize>()
            + self.glossary.len()
            + self.config.len()
    }
}

/// What one run at one size measured.
struct Run {
    time: Duration,
    peak: u64,
    input: usize,
    output: usize,
}

/// Preprocesses `case` once for the HTML renderer.
fn run(case: &Case) -> Run {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("src")).expect("src");
    std::fs::write(dir.path().join("src/glossary.toml"), &case.glossary).expect("glossary");
    let toml = format!(
        "[book]\nsrc = \"src\"\n[preprocessor.handbook]\nbefore = [\"links\"]\n{}",
        case.config
    );
    let config = toml.parse().expect("book.toml");
    let ctx = PreprocessorContext::new(dir.path().into(), config, "html".into());
    let mut book = Book::new();
    for (i, text) in case.chapters.iter().enumerate() {
        let path = format!("c{i}.md");
        let mut chapter = Chapter::new("Chapter", text.clone(), &path, vec![]);
        chapter.source_path = Some(path.into());
        book.push_item(chapter);
    }
    let before = IN_USE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let start = Instant::now();
    let (out, diags) = mdbook_handbook::preprocess(&ctx, book);
    let rendered = diags.render(false);
    let time = start.elapsed();
    let peak = (PEAK.load(Ordering::Relaxed) - before) as u64;
    let output = match out {
        Some(book) => book
            .iter()
            .map(|item| match item {
                BookItem::Chapter(c) => c.content.len(),
                _ => 0,
            })
            .sum(),
        None => rendered.len(),
    };
    Run {
        time,
        peak,
        input: case.input_bytes(),
        output,
    }
}

/// Runs `f` on a thread with the 8 MiB stack of a program's main thread
/// (where mdBook and the binary run the preprocessor), not the 2 MiB of a
/// test thread.
fn on_main_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn_scoped(scope, f)
            .expect("thread")
            .join()
            .expect("the run panicked")
    })
}

/// Measures `dimension` at `base`, `4 base` and `16 base`, prints its row and
/// checks the bars.
fn measure(dimension: &str, base: usize, make: impl Fn(usize) -> Case) {
    let sizes = [base, base * 4, base * 16];
    let runs: Vec<Run> = sizes
        .iter()
        .map(|&n| {
            let case = make(n);
            let mut best = on_main_stack(|| run(&case));
            // Short runs are noisy (the machine is shared): keep the fastest
            // of five.
            for _ in 0..4 {
                if best.time.as_secs_f64() > 1.0 {
                    break;
                }
                let again = on_main_stack(|| run(&case));
                best.time = best.time.min(again.time);
            }
            best
        })
        .collect();
    let secs: Vec<f64> = runs.iter().map(|r| r.time.as_secs_f64()).collect();
    let growth = [secs[1] / secs[0], secs[2] / secs[1]];
    let last = &runs[2];
    let peak_ratio = last.peak as f64 / (last.input + last.output) as f64;
    let output_ratio = last.output as f64 / last.input as f64;
    let mut row = format!("| {dimension} | {sizes:?} |");
    for s in &secs {
        let _ = write!(row, " {s:.3}");
    }
    let _ = write!(
        row,
        " | {:.1}× {:.1}× | {:.1} MB = {peak_ratio:.1}× in+out | {:.1} MB = {output_ratio:.2}× input |",
        growth[0],
        growth[1],
        last.peak as f64 / 1e6,
        last.output as f64 / 1e6,
    );
    println!("{row}");
    // Linear: each step grows time, memory and output no more than 5/4 of
    // what the input grew (×4 for most dimensions; a nesting depth ×4 makes
    // the input ×16). Short times and small amounts are noise and fixed
    // costs, not growth.
    for (step, pair) in runs.windows(2).enumerate() {
        let bound = 1.25 * pair[1].input as f64 / pair[0].input as f64;
        assert!(
            growth[step] <= bound || secs[step + 1] < 0.05,
            "{dimension}: time ×{:.1} in a step that grew the input ×{:.1}",
            growth[step],
            bound / 1.25
        );
        for (what, before, after) in [
            ("peak memory", pair[0].peak as usize, pair[1].peak as usize),
            ("output", pair[0].output, pair[1].output),
        ] {
            assert!(
                after as f64 <= bound * before as f64 || after < 1 << 20,
                "{dimension}: {what} ×{:.1} in a step that grew the input ×{:.1}",
                after as f64 / before.max(1) as f64,
                bound / 1.25
            );
        }
    }
    assert!(
        last.peak <= (4 * (last.input + last.output) as u64).max(16 << 20),
        "{dimension}: peak memory {peak_ratio:.1}× the input and output"
    );
}

/// A glossary with `rtos` only.
const GLOSSARY: &str = "[rtos]\nterm = \"Real-Time Operating System\"\nabbr = \"RTOS\"\ndefinition = \"Deterministic.\"\n";

fn script(id: &str, body: &str) -> String {
    format!("```script id=\"{id}\" cast=\"You, Alex\"\n{body}```\n\n")
}

#[test]
#[ignore = "slow: a scaling measurement, run by hand (see the module docs)"]
fn line_length() {
    measure("script line length (bytes)", 64 << 10, |n| {
        let line = "word ".repeat(n / 5);
        Case::chapter(script("long", &format!("You: {line}\nAlex: ok\n")))
    });
}

#[test]
#[ignore = "slow: a scaling measurement, run by hand (see the module docs)"]
fn line_length_with_markup() {
    measure("script line with inline markup (bytes)", 16 << 10, |n| {
        let unit = "*a* `b` [c](https://x.y) {{#term rtos}} [Your Name] ";
        let line = unit.repeat(n / unit.len());
        Case {
            glossary: GLOSSARY.into(),
            config: "[preprocessor.handbook.placeholders]\n\"Your Name\" = \"Hint\"\n".into(),
            ..Case::chapter(script("long", &format!("You: {line}\nAlex: ok\n")))
        }
    });
}

#[test]
#[ignore = "slow: a scaling measurement, run by hand (see the module docs)"]
fn chapter_line_length() {
    measure("chapter paragraph line with terms (bytes)", 16 << 10, |n| {
        let unit = "an RTOS and *b* `c` {{#term rtos}} ";
        Case {
            glossary: GLOSSARY.into(),
            ..Case::chapter(format!("{}\n", unit.repeat(n / unit.len())))
        }
    });
}

#[test]
#[ignore = "slow: a scaling measurement, run by hand (see the module docs)"]
fn references() {
    measure("{{#term}} paragraphs", 5_000, |n| Case {
        glossary: GLOSSARY.into(),
        ..Case::chapter("See {{#term rtos}} here.\n\n".repeat(n))
    });
}

#[test]
#[ignore = "slow: a scaling measurement, run by hand (see the module docs)"]
fn unclosed_directives() {
    measure("unclosed `{{#` on one line", 625, |n| {
        Case::chapter(format!("{}\n", "{{#term ".repeat(n)))
    });
}

#[test]
#[ignore = "slow: a scaling measurement, run by hand (see the module docs)"]
fn duplicate_checklist_items() {
    measure("duplicate checklist items", 1_000, |n| {
        let items = "- [ ] the same item\n".repeat(n);
        Case::chapter(format!("```checklist id=\"dup\"\n{items}```\n"))
    });
}

#[test]
#[ignore = "slow: a scaling measurement, run by hand (see the module docs)"]
fn typos_against_terms() {
    measure("typos × terms (n each)", 250, |n| {
        let mut glossary = String::new();
        let mut chapter = String::new();
        for i in 0..n {
            let _ = write!(
                glossary,
                "[term-{i}]\nterm = \"Term number {i}\"\ndefinition = \"Number {i}.\"\n\n"
            );
            let _ = write!(chapter, "See {{{{#term tern-{i}}}}}.\n\n");
        }
        Case {
            glossary,
            config: "auto-link = \"none\"\n".into(),
            ..Case::chapter(chapter)
        }
    });
}

#[test]
#[ignore = "slow: a scaling measurement, run by hand (see the module docs)"]
fn scripts() {
    measure("scripts", 2_500, |n| {
        let chapter: String = (0..n)
            .map(|i| script(&format!("s-{i}"), "You: hello.\nAlex: hi.\n"))
            .collect();
        Case::chapter(chapter)
    });
}

#[test]
#[ignore = "slow: a scaling measurement, run by hand (see the module docs)"]
fn placeholders() {
    measure("placeholders (declared, used in one script)", 2_500, |n| {
        let mut config = String::from("[preprocessor.handbook.placeholders]\n");
        let mut body = String::new();
        for i in 0..n {
            let _ = writeln!(config, "\"Field {i}\" = \"Hint {i}\"");
            let _ = writeln!(body, "You: [Field {i}]");
        }
        Case {
            config,
            ..Case::chapter(script("form", &body))
        }
    });
}

#[test]
#[ignore = "slow: a scaling measurement, run by hand (see the module docs)"]
fn nesting_depth() {
    measure("checklist nesting depth", 50, |n| {
        let items: String = (0..n)
            .map(|d| format!("{}- [ ] level {d}\n", "  ".repeat(d)))
            .collect();
        Case::chapter(format!("```checklist id=\"deep\"\n{items}```\n"))
    });
}

#[test]
#[ignore = "slow: a scaling measurement, run by hand (see the module docs)"]
fn output_size() {
    measure(
        "output size: n scripts × n placeholders (one each)",
        100,
        |n| {
            let mut config = String::from("[preprocessor.handbook.placeholders]\n");
            let mut chapter = String::new();
            for i in 0..n {
                let _ = writeln!(config, "\"Field {i}\" = \"Hint {i}\"");
                chapter.push_str(&script(&format!("s-{i}"), &format!("You: [Field {i}]\n")));
            }
            Case {
                config,
                ..Case::chapter(chapter)
            }
        },
    );
}
