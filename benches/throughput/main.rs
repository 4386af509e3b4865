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
//! counts instructions, which noise does not change (for the two `mdbook
//! build`s, with the preprocessor processes they start). It prints a markdown
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
mod jobs;
mod measure;
mod probe;
mod report;
mod results;
mod settings;

use anyhow::{Context, Result, bail, ensure};
use mdbook_driver::book::{Book, BookItem};
use measure::{Job, Runner};
use report::Gaps;
use results::{Key, Results};
use settings::{Settings, Tools};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// The floor runs as this executable, so it has the preprocessor's allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    let temp = tempfile::tempdir()?;
    let work = match &settings.dir {
        Some(dir) => std::path::absolute(dir)?,
        None => temp.path().to_path_buf(),
    };
    std::fs::create_dir_all(&work)?;
    let context = RunContext::at_start();
    let books = jobs::generate(&settings, &tools, &work)?;
    let mut results = Results::default();
    for (n, book) in &books.by_size {
        results.set_input_len(*n, book.input.len());
    }
    let valgrind = tools.valgrind.clone().filter(|_| settings.callgrind);
    let mut runner = Runner::new(&work, &tools.floor, valgrind.clone());
    let mut gaps = Gaps::default();

    let jobs = jobs::throughput_jobs(&tools, &books);
    warm_up(&mut runner, &jobs, &mut results)?;
    timed_rounds(&mut runner, &jobs, settings.rounds, &mut results)?;
    if settings.callgrind && tools.valgrind.is_none() {
        gaps.instructions = Some("needs valgrind".into());
    } else if !settings.callgrind {
        gaps.instructions = Some("HANDBOOK_BENCH_CALLGRIND=0".into());
    } else {
        count_instructions(&mut runner, &jobs, &mut results)?;
    }
    match jobs::mdbook_cli(&settings, &tools) {
        Ok(mdbook) => {
            let jobs = jobs::build_jobs(mdbook, &tools, &books, &work)?;
            warm_up(&mut runner, &jobs, &mut results)?;
            timed_rounds(&mut runner, &jobs, settings.rounds, &mut results)?;
            if let Some(valgrind) = &valgrind {
                count_build_instructions(&work, &tools, valgrind, &jobs, &mut results)?;
            }
        }
        Err(why) => gaps.build = Some(why),
    }

    context.print(&settings, &tools);
    report::print(&settings, &results, &gaps);
    Ok(())
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
            results.set_instructions(*key, counted(runner, *key, job)?);
        }
    }
    Ok(())
}

/// Callgrind's count for one job, said on the terminal with how long it took.
fn counted(runner: &mut Runner, key: Key, job: &Job) -> Result<u64> {
    let start = Instant::now();
    let count = runner.instructions(job)?;
    eprintln!(
        "callgrind: {}: {count} instructions ({:.0} s)",
        key.describe(),
        start.elapsed().as_secs_f64()
    );
    Ok(count)
}

/// Callgrind's count for `mdbook build` with and without the preprocessor,
/// side by side: each takes minutes under callgrind, and a count does not
/// depend on what else the machine is doing.
fn count_build_instructions(
    work: &Path,
    tools: &Tools,
    valgrind: &Path,
    jobs: &[(Key, Job)],
    results: &mut Results,
) -> Result<()> {
    let builds = jobs
        .iter()
        .filter(|(key, _)| matches!(key, Key::CliBuild(_) | Key::PlainBuild(_)));
    let counts: Vec<Result<(Key, u64)>> = std::thread::scope(|scope| {
        let threads: Vec<_> = builds
            .enumerate()
            .map(|(i, (key, job))| {
                scope.spawn(move || {
                    let scratch = work.join(format!("callgrind-{i}"));
                    std::fs::create_dir_all(&scratch)?;
                    let mut runner =
                        Runner::new(&scratch, &tools.floor, Some(valgrind.to_path_buf()));
                    Ok((*key, counted(&mut runner, *key, job)?))
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|t| {
                t.join()
                    .unwrap_or_else(|_| bail!("a callgrind thread panicked"))
            })
            .collect()
    });
    for count in counts {
        let (key, count) = count?;
        results.set_instructions(key, count);
    }
    Ok(())
}

/// What the report says about the run itself, read at its start.
struct RunContext {
    commit: String,
    load: String,
    start: Instant,
}

impl RunContext {
    fn at_start() -> RunContext {
        let commit = std::process::Command::new("git")
            .args(["describe", "--always", "--dirty"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        RunContext {
            commit,
            load: load_average(),
            start: Instant::now(),
        }
    }

    fn print(&self, settings: &Settings, tools: &Tools) {
        let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
        let chapters: Vec<String> = settings.chapters.iter().map(|n| n.to_string()).collect();
        println!("## mdbook-handbook benchmark");
        println!();
        println!(
            "- binary: `{}` at commit {}",
            tools.handbook.display(),
            self.commit
        );
        println!(
            "- machine: {cores} cores; load average {} at the start, {} at the end; the run took {:.1} min",
            self.load,
            load_average(),
            self.start.elapsed().as_secs_f64() / 60.0
        );
        let busy = [&self.load, &load_average()]
            .iter()
            .any(|l| l.parse::<f64>().is_ok_and(|l| l > cores as f64));
        if busy {
            println!(
                "- **the machine was busy** (load above its cores): wall and CPU times are \
                 inflated and vary from run to run; instruction counts do not"
            );
        }
        println!(
            "- books: {} chapters, {} and {} glossary terms; {} timed rounds",
            chapters.join(" and "),
            settings.terms.0,
            settings.terms.1,
            settings.rounds
        );
        println!();
    }
}

/// The 1-minute load average, to tell how busy the machine was.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}
