//! `cargo bench`: the preprocessor against the floor every mdBook
//! preprocessor pays, on generated books, with the targets of issue 10
//! beside the numbers.
//!
//! One run generates books of 1,000 and 5,000 chapters (every directive in
//! every chapter) and drives the release binary as mdBook does, through
//! pipes, alternating the variants round by round so machine noise hits them
//! alike: the floor ([`floor`]), the preprocessor, `check`, the preprocessor
//! with a large glossary, then whole-site builds (`mdbook-handbook build`,
//! `mdbook build` driving the binary, `mdbook build` without it). Callgrind
//! counts instructions, which noise does not change. It prints a markdown
//! table of ratios with pass or fail.
//!
//! Settings, all optional:
//! - `HANDBOOK_BENCH_CHAPTERS=1000,5000` book sizes (glossary and build
//!   comparisons use the smallest);
//! - `HANDBOOK_BENCH_ROUNDS=5` timed runs of each variant;
//! - `HANDBOOK_BENCH_TERMS=12,1000` the usual and the large glossary;
//! - `HANDBOOK_BENCH_CALLGRIND=0` / `HANDBOOK_BENCH_BUILD=0` skip those parts;
//! - `HANDBOOK_BENCH_DIR=path` keeps the generated books and their
//!   `input.json` there (for profiling), instead of a temporary folder.
//!
//! A quick run: `HANDBOOK_BENCH_CHAPTERS=200,1000 HANDBOOK_BENCH_ROUNDS=2
//! HANDBOOK_BENCH_CALLGRIND=0 cargo bench`.

mod book;
mod floor;
mod measure;
mod probe;
mod report;
mod results;
mod settings;

use anyhow::{Context, Result, ensure};
use book::Generated;
use mdbook_driver::book::{Book, BookItem};
use measure::{Job, Runner};
use report::Gaps;
use results::{Key, Results};
use settings::{Settings, Tools};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

fn main() -> ExitCode {
    if probe::requested() {
        return probe::main();
    }
    if floor::requested() {
        return floor::main();
    }
    match bench() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn bench() -> Result<()> {
    let settings = Settings::from_env()?;
    let tools = Tools::find()?;
    let temp = match settings.dir {
        Some(_) => None,
        None => Some(tempfile::tempdir()?),
    };
    let work = match (&settings.dir, &temp) {
        (Some(dir), _) => std::path::absolute(dir)?,
        (None, temp) => temp
            .as_ref()
            .context("no work folder")?
            .path()
            .to_path_buf(),
    };
    std::fs::create_dir_all(&work)?;
    let load_at_start = load_average();
    let books = generate(&settings, &tools, &work)?;
    let mut results = Results::default();
    for (n, book) in &books.by_size {
        results.set_input_len(*n, book.input.len());
    }
    let valgrind = tools.valgrind.clone().filter(|_| settings.callgrind);
    let mut runner = Runner::new(&work, &tools.floor, valgrind);
    let mut gaps = Gaps::default();

    let jobs = throughput_jobs(&tools, &books);
    warm_up(&mut runner, &jobs, &mut results)?;
    timed_rounds(&mut runner, &jobs, settings.rounds, &mut results)?;
    if settings.callgrind && tools.valgrind.is_none() {
        gaps.instructions = Some("needs valgrind".into());
    } else if !settings.callgrind {
        gaps.instructions = Some("HANDBOOK_BENCH_CALLGRIND=0".into());
    } else {
        count_instructions(&mut runner, &jobs, &mut results)?;
    }
    match build_jobs(&settings, &tools, &books, &work) {
        Ok(jobs) => {
            warm_up(&mut runner, &jobs, &mut results)?;
            timed_rounds(&mut runner, &jobs, settings.rounds, &mut results)?;
        }
        Err(why) => gaps.build = Some(format!("{why:#}")),
    }

    header(&settings, &tools, load_at_start);
    report::print(&settings, &results, &gaps);
    Ok(())
}

/// The generated books: one per size with the usual glossary, and the
/// smallest again with the large glossary.
struct Books {
    by_size: Vec<(usize, Generated)>,
    many_terms: Generated,
}

fn generate(settings: &Settings, tools: &Tools, work: &Path) -> Result<Books> {
    let (few, many) = settings.terms;
    let mut by_size = Vec::new();
    for &n in &settings.chapters {
        eprintln!("generating a book of {n} chapters, {few} terms");
        let root = work.join(format!("book-{n}"));
        by_size.push((n, book::generate(&root, n, few, &tools.handbook)?));
    }
    let base = settings.base();
    eprintln!("generating a book of {base} chapters, {many} terms");
    let root = work.join(format!("book-{base}-terms-{many}"));
    let many_terms = book::generate(&root, base, many, &tools.handbook)?;
    Ok(Books {
        by_size,
        many_terms,
    })
}

fn throughput_jobs(tools: &Tools, books: &Books) -> Vec<(Key, Job)> {
    let stdin_job = |program: &Path, book: &Generated, env| Job {
        program: program.to_path_buf(),
        args: Vec::new(),
        env,
        dir: book.root.clone(),
        stdin: Some(Arc::from(book.input.as_slice())),
    };
    let mut jobs = Vec::new();
    for (n, book) in &books.by_size {
        let floor = vec![(floor::ROLE, "floor")];
        jobs.push((Key::Floor(*n), stdin_job(&tools.floor, book, floor)));
        jobs.push((
            Key::Preprocess(*n),
            stdin_job(&tools.handbook, book, vec![]),
        ));
        let check = args(["check".into(), book.root.clone().into()]);
        jobs.push((
            Key::Check(*n),
            Job {
                args: check,
                stdin: None,
                ..stdin_job(&tools.handbook, book, vec![])
            },
        ));
    }
    let (n, book) = (books.many_terms_size(), &books.many_terms);
    jobs.push((Key::ManyTerms(n), stdin_job(&tools.handbook, book, vec![])));
    jobs
}

impl Books {
    fn many_terms_size(&self) -> usize {
        self.by_size.first().map_or(0, |(n, _)| *n)
    }

    fn base(&self) -> &Generated {
        &self.by_size[0].1
    }
}

/// `mdbook-handbook build`, `mdbook build` with the release binary as the
/// preprocessor, and `mdbook build` of the same chapters without it.
fn build_jobs(
    settings: &Settings,
    tools: &Tools,
    books: &Books,
    work: &Path,
) -> Result<Vec<(Key, Job)>> {
    ensure!(settings.build, "HANDBOOK_BENCH_BUILD=0");
    let mdbook = tools
        .mdbook
        .as_ref()
        .context("needs the `mdbook` CLI 0.5 on PATH")?;
    let version = std::process::Command::new(mdbook)
        .arg("--version")
        .output()?;
    let version = String::from_utf8_lossy(&version.stdout).trim().to_string();
    ensure!(
        version.starts_with("mdbook v0.5."),
        "needs the `mdbook` CLI 0.5, found `{version}`"
    );
    let (n, book) = (settings.base(), books.base());
    let plain = plain_book(&book.root, work)?;
    let site = |name: &str| work.join(format!("site-{name}"));
    let job = |program: &Path, args: Vec<OsString>| Job {
        program: program.to_path_buf(),
        args,
        env: Vec::new(),
        dir: book.root.clone(),
        stdin: None,
    };
    let build = |dest: PathBuf, root: &Path| {
        args([
            "build".into(),
            "--dest-dir".into(),
            dest.into(),
            root.into(),
        ])
    };
    Ok(vec![
        (
            Key::InProcessBuild(n),
            job(&tools.handbook, build(site("in-process"), &book.root)),
        ),
        (
            Key::CliBuild(n),
            job(mdbook, build(site("cli"), &book.root)),
        ),
        (
            Key::PlainBuild(n),
            job(mdbook, build(site("plain"), &plain)),
        ),
    ])
}

/// A book root beside `root` with the same chapters and no handbook: its
/// book.toml without `[preprocessor.handbook]` and without the handbook's
/// assets, its src the original's.
fn plain_book(root: &Path, work: &Path) -> Result<PathBuf> {
    let text = std::fs::read_to_string(root.join("book.toml"))?;
    let mut config: toml::Table = text.parse()?;
    config.remove("preprocessor");
    if let Some(toml::Value::Table(html)) = config
        .get_mut("output")
        .and_then(|o| o.as_table_mut())
        .and_then(|o| o.get_mut("html"))
    {
        html.remove("additional-css");
        html.remove("additional-js");
    }
    let src = root
        .join("src")
        .to_str()
        .context("path is not UTF-8")?
        .to_string();
    if let Some(toml::Value::Table(book)) = config.get_mut("book") {
        book.insert("src".into(), toml::Value::String(src));
    }
    let plain = work.join("plain-book");
    std::fs::create_dir_all(&plain)?;
    std::fs::write(plain.join("book.toml"), toml::to_string(&config)?)?;
    Ok(plain)
}

fn args<const N: usize>(list: [OsString; N]) -> Vec<OsString> {
    list.into()
}

/// One untimed run of each job: it must succeed, a preprocessor's output
/// must be a book with every directive expanded, and its bytes become the
/// reference later runs must repeat.
fn warm_up(runner: &mut Runner, jobs: &[(Key, Job)], results: &mut Results) -> Result<()> {
    for (key, job) in jobs {
        eprintln!("first run: {}", key.describe());
        let sample = runner.sample(job)?;
        if matches!(key, Key::Preprocess(_) | Key::ManyTerms(_)) {
            expanded(runner.stdout()).with_context(|| key.describe())?;
            let stderr = runner.stderr();
            if !stderr.trim().is_empty() {
                let head: Vec<&str> = stderr.lines().take(5).collect();
                eprintln!("  note: it wrote to stderr:\n  {}", head.join("\n  "));
            }
        }
        results.record(*key, sample)?;
    }
    Ok(())
}

/// Checks that the preprocessor's stdout is a book without directives left.
fn expanded(stdout: &[u8]) -> Result<()> {
    let book: Book = serde_json::from_slice(stdout).context("its stdout is not a book")?;
    for item in book.iter() {
        let BookItem::Chapter(chapter) = item else {
            continue;
        };
        for marker in [
            "```script",
            "```checklist",
            "{{#glossary}}",
            "{{#checklists}}",
        ] {
            ensure!(
                !chapter.content.contains(marker),
                "chapter `{}` still has `{marker}`: a directive was left unexpanded",
                chapter.name
            );
        }
    }
    Ok(())
}

/// `rounds` runs of every job, the order rotated each round.
fn timed_rounds(
    runner: &mut Runner,
    jobs: &[(Key, Job)],
    rounds: usize,
    results: &mut Results,
) -> Result<()> {
    for round in 0..rounds {
        eprintln!("round {} of {rounds}: {} variants", round + 1, jobs.len());
        for i in 0..jobs.len() {
            let (key, job) = &jobs[(i + round) % jobs.len()];
            results.record(*key, runner.sample(job)?)?;
        }
    }
    Ok(())
}

/// Callgrind's count for the floor and the preprocessor jobs.
fn count_instructions(
    runner: &mut Runner,
    jobs: &[(Key, Job)],
    results: &mut Results,
) -> Result<()> {
    for (key, job) in jobs {
        if matches!(key, Key::Floor(_) | Key::Preprocess(_) | Key::ManyTerms(_)) {
            let start = Instant::now();
            let count = runner.instructions(job)?;
            eprintln!(
                "callgrind: {}: {count} instructions ({:.0} s)",
                key.describe(),
                start.elapsed().as_secs_f64()
            );
            results.set_instructions(*key, count);
        }
    }
    Ok(())
}

fn header(settings: &Settings, tools: &Tools, load_at_start: String) {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let commit = std::process::Command::new("git")
        .args(["describe", "--always", "--dirty"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let chapters: Vec<String> = settings.chapters.iter().map(|n| n.to_string()).collect();
    println!("## mdbook-handbook benchmark");
    println!();
    println!(
        "- binary: `{}` at commit {commit}",
        tools.handbook.display()
    );
    println!(
        "- machine: {cores} cores; load average {load_at_start} at the start, {} at the end",
        load_average()
    );
    println!(
        "- books: {} chapters, {} and {} glossary terms; {} timed rounds",
        chapters.join(" and "),
        settings.terms.0,
        settings.terms.1,
        settings.rounds
    );
    println!();
}

/// The 1-minute load average, to tell how busy the machine was.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}
