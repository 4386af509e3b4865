//! What one run measures, from environment variables (so `cargo bench` needs
//! no arguments), and the tools it drives, found once.

use anyhow::{Context, Result, bail, ensure};
use std::path::{Path, PathBuf};

/// The sizes and switches of one run.
pub(crate) struct Settings {
    /// Book sizes in chapters, ascending; the scaling ratio is last / first.
    pub(crate) chapters: Vec<usize>,
    /// Timed runs of every variant, interleaved.
    pub(crate) rounds: usize,
    /// The usual glossary size and the large one it is compared with.
    pub(crate) terms: (usize, usize),
    /// Count instructions with callgrind (when valgrind is installed).
    pub(crate) callgrind: bool,
    /// Compare whole-site builds (when the `mdbook` CLI is installed).
    pub(crate) build: bool,
    /// Where the generated books go; kept after the run when given.
    pub(crate) dir: Option<PathBuf>,
}

impl Settings {
    /// Reads `HANDBOOK_BENCH_*`; an unparsable value is an error naming it.
    pub(crate) fn from_env() -> Result<Settings> {
        let mut chapters = list("HANDBOOK_BENCH_CHAPTERS", "1000,5000")?;
        chapters.sort_unstable();
        chapters.dedup();
        let terms = list("HANDBOOK_BENCH_TERMS", "12,1000")?;
        let &[few, many] = terms.as_slice() else {
            bail!("HANDBOOK_BENCH_TERMS: expected two glossary sizes, like `12,1000`");
        };
        ensure!(
            (1..=9999).contains(&few) && (1..=9999).contains(&many),
            "HANDBOOK_BENCH_TERMS: glossary sizes go from 1 to 9999"
        );
        let rounds = list("HANDBOOK_BENCH_ROUNDS", "5")?;
        Ok(Settings {
            chapters,
            rounds: rounds[0],
            terms: (few, many),
            callgrind: switch("HANDBOOK_BENCH_CALLGRIND")?,
            build: switch("HANDBOOK_BENCH_BUILD")?,
            dir: std::env::var_os("HANDBOOK_BENCH_DIR").map(PathBuf::from),
        })
    }

    /// The size the glossary and build comparisons run at: the smallest.
    pub(crate) fn base(&self) -> usize {
        self.chapters[0]
    }
}

/// A comma-separated list of positive counts.
fn list(name: &str, default: &str) -> Result<Vec<usize>> {
    let value = std::env::var(name).unwrap_or_else(|_| default.to_string());
    let parsed: Result<Vec<usize>, _> = value.split(',').map(|v| v.trim().parse()).collect();
    match parsed {
        Ok(v) if !v.is_empty() && !v.contains(&0) => Ok(v),
        _ => bail!(
            "{name}={value:?}: expected positive counts separated by commas, like `{default}`"
        ),
    }
}

/// `1` (the default) or `0`.
fn switch(name: &str) -> Result<bool> {
    match std::env::var(name).as_deref() {
        Err(_) | Ok("1") => Ok(true),
        Ok("0") => Ok(false),
        Ok(other) => bail!("{name}={other:?}: expected `1` (measure) or `0` (skip)"),
    }
}

/// The programs a run drives.
pub(crate) struct Tools {
    /// The release binary under test, built by `cargo bench` itself.
    pub(crate) handbook: PathBuf,
    /// This bench's own executable, which is also the floor program and the
    /// probe that measures every run.
    pub(crate) floor: PathBuf,
    pub(crate) valgrind: Option<PathBuf>,
    /// The `mdbook` CLI, 0.5.
    pub(crate) mdbook: Option<PathBuf>,
}

impl Tools {
    pub(crate) fn find() -> Result<Tools> {
        let handbook = PathBuf::from(env!("CARGO_BIN_EXE_mdbook-handbook"));
        ensure!(
            handbook.is_file(),
            "`{}` is missing: run this through `cargo bench`",
            handbook.display()
        );
        Ok(Tools {
            handbook,
            floor: std::env::current_exe().context("cannot find the bench's own executable")?,
            valgrind: on_path("valgrind"),
            mdbook: on_path("mdbook").or_else(cargo_home_mdbook),
        })
    }
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Where `cargo install mdbook` puts it, when that is not on PATH.
fn cargo_home_mdbook() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))?;
    Some(home.join("bin/mdbook")).filter(|p| p.is_file())
}
