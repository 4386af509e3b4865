//! The variants one run measures, as jobs: which program, which arguments,
//! which book. Books are generated first; the whole-site builds need the
//! `mdbook` CLI and a second book root with the same chapters and no
//! handbook.

use crate::book::{self, Generated};
use crate::floor;
use crate::measure::Job;
use crate::results::Key;
use crate::settings::{Settings, Tools};
use anyhow::{Context, Result};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The generated books: one per size with the usual glossary, and the
/// smallest again with the large glossary.
pub(crate) struct Books {
    pub(crate) by_size: Vec<(usize, Generated)>,
    /// The smallest size again, with the large glossary.
    many_terms: (usize, Generated),
}

pub(crate) fn generate(settings: &Settings, tools: &Tools, work: &Path) -> Result<Books> {
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
    let many_terms = (base, book::generate(&root, base, many, &tools.handbook)?);
    Ok(Books {
        by_size,
        many_terms,
    })
}

/// The floor, the preprocessor and `check` at every size, and the
/// preprocessor with the large glossary.
pub(crate) fn throughput_jobs(tools: &Tools, books: &Books) -> Vec<(Key, Job)> {
    let stdin_job = |program: &Path, book: &Generated, env| Job {
        program: program.to_path_buf(),
        args: Vec::new(),
        env,
        dir: book.root.clone(),
        stdin: Some(Arc::clone(&book.input)),
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
    let (n, book) = &books.many_terms;
    let n = *n;
    jobs.push((Key::ManyTerms(n), stdin_job(&tools.handbook, book, vec![])));
    jobs
}

/// The `mdbook` CLI to compare builds with, or why there is none.
pub(crate) fn mdbook_cli<'a>(settings: &Settings, tools: &'a Tools) -> Result<&'a Path, String> {
    if !settings.build {
        return Err("HANDBOOK_BENCH_BUILD=0".into());
    }
    let mdbook = tools
        .mdbook
        .as_deref()
        .ok_or("needs the `mdbook` CLI 0.5 on PATH")?;
    let version = std::process::Command::new(mdbook)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    if !version.starts_with("mdbook v0.5.") {
        return Err(format!("needs the `mdbook` CLI 0.5, found `{version}`"));
    }
    Ok(mdbook)
}

/// `mdbook-handbook build`, `mdbook build` with the release binary as the
/// preprocessor, and `mdbook build` of the same chapters without it.
pub(crate) fn build_jobs(
    mdbook: &Path,
    tools: &Tools,
    books: &Books,
    work: &Path,
) -> Result<Vec<(Key, Job)>> {
    let (n, book) = books.by_size.first().context("no book")?;
    let n = *n;
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
