//! Running one variant as a real process, the way mdBook runs a preprocessor:
//! the input written into a stdin pipe by another thread, stdout read from a
//! pipe to its end. A sample is the wall time from spawn to exit, and, from
//! the [`probe`](crate::probe) it runs under, the CPU time (including the
//! children it waited for, so a `mdbook build` counts its preprocessor) and
//! the peak RSS. Under callgrind, the instruction count, which machine noise
//! does not change.

use crate::probe;
use anyhow::{Context, Result, bail, ensure};
use std::ffi::OsString;
use std::fs::File;
use std::hash::Hasher as _;
use std::io::{ErrorKind, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One program to measure.
pub(crate) struct Job {
    pub(crate) program: PathBuf,
    pub(crate) args: Vec<OsString>,
    pub(crate) env: Vec<(&'static str, &'static str)>,
    /// Its working directory (the book's root, as mdBook runs preprocessors).
    pub(crate) dir: PathBuf,
    /// Fed on stdin; without it stdin is empty.
    pub(crate) stdin: Option<Arc<[u8]>>,
}

/// One timed run.
#[derive(Clone, Copy)]
pub(crate) struct Sample {
    pub(crate) wall: Duration,
    /// User + system time of the process and the children it waited for.
    pub(crate) cpu: Duration,
    /// Peak resident set, in bytes.
    pub(crate) peak_rss: u64,
    pub(crate) out_len: usize,
    /// A hash of stdout, to check that the same input gives the same bytes.
    pub(crate) out_hash: u64,
}

/// Runs jobs, reusing one stdout buffer and one scratch folder.
pub(crate) struct Runner {
    scratch: PathBuf,
    probe: PathBuf,
    valgrind: Option<PathBuf>,
    stdout: Vec<u8>,
}

impl Runner {
    /// `probe` is the bench's own executable.
    pub(crate) fn new(scratch: &Path, probe: &Path, valgrind: Option<PathBuf>) -> Self {
        Runner {
            scratch: scratch.to_path_buf(),
            probe: probe.to_path_buf(),
            valgrind,
            stdout: Vec::new(),
        }
    }

    /// Runs `job` once.
    pub(crate) fn sample(&mut self, job: &Job) -> Result<Sample> {
        let usage = self.scratch.join("usage.txt");
        if usage.exists() {
            std::fs::remove_file(&usage)?;
        }
        let mut command = Command::new(&self.probe);
        command.arg(probe::FLAG).arg(&usage).arg(&job.program);
        let (status, wall) = self.run(&mut command, job)?;
        self.check(job, status)?;
        let (cpu, peak_rss) = probe::read(&usage)?;
        let mut hasher = std::hash::DefaultHasher::new();
        hasher.write(&self.stdout);
        Ok(Sample {
            wall,
            cpu,
            peak_rss,
            out_len: self.stdout.len(),
            out_hash: hasher.finish(),
        })
    }

    /// The instructions `job` executes, all threads and all the processes
    /// it starts (a `mdbook build` starts the preprocessor twice), counted by
    /// callgrind: each process writes its own log, and the counts are added.
    pub(crate) fn instructions(&mut self, job: &Job) -> Result<u64> {
        let valgrind = self
            .valgrind
            .as_ref()
            .context("valgrind is not installed")?;
        let logs = self.scratch.join("callgrind-logs");
        if logs.exists() {
            std::fs::remove_dir_all(&logs)?;
        }
        std::fs::create_dir_all(&logs)?;
        let mut command = Command::new(valgrind);
        command.args([
            "--tool=callgrind",
            "--trace-children=yes",
            "--callgrind-out-file=/dev/null",
        ]);
        let mut log_file = OsString::from("--log-file=");
        log_file.push(logs.join("%p.log"));
        command.arg(log_file).arg("--").arg(&job.program);
        let (status, _) = self.run(&mut command, job)?;
        self.check(job, status)?;
        // Every process's log must have its count: a missing one would make
        // the total silently short.
        let mut total = 0;
        let mut processes = 0;
        for entry in std::fs::read_dir(&logs)? {
            let path = entry?.path();
            let log = std::fs::read_to_string(&path)?;
            total += log
                .lines()
                .find_map(|line| line.split_once("Collected :")?.1.trim().parse::<u64>().ok())
                .with_context(|| format!("no instruction count in {}:\n{log}", path.display()))?;
            processes += 1;
        }
        ensure!(
            processes > 0,
            "callgrind wrote no log in {}",
            logs.display()
        );
        Ok(total)
    }

    /// What the last run wrote to stdout.
    pub(crate) fn stdout(&self) -> &[u8] {
        &self.stdout
    }

    /// What the last run wrote to stderr.
    pub(crate) fn stderr(&self) -> String {
        std::fs::read_to_string(self.scratch.join("stderr.txt")).unwrap_or_default()
    }

    /// Spawns `command` (the job's program, perhaps behind a wrapper), feeds
    /// stdin, reads stdout to the end, and times it all.
    fn run(&mut self, command: &mut Command, job: &Job) -> Result<(ExitStatus, Duration)> {
        command.args(&job.args).current_dir(&job.dir);
        command.envs(job.env.iter().copied());
        command.stdin(Stdio::piped()).stdout(Stdio::piped());
        command.stderr(File::create(self.scratch.join("stderr.txt"))?);
        let start = Instant::now();
        let mut child = command
            .spawn()
            .with_context(|| format!("could not start `{}`", job.program.display()))?;
        let stdin = child.stdin.take();
        let mut stdout = child.stdout.take().context("no stdout pipe")?;
        let input = job.stdin.as_deref().unwrap_or_default();
        self.stdout.clear();
        let read = std::thread::scope(|scope| {
            let writer = scope.spawn(move || stdin.map(|mut pipe| pipe.write_all(input)));
            let read = stdout.read_to_end(&mut self.stdout);
            match writer.join() {
                // A program that fails early closes its stdin: its status tells.
                Ok(Some(Err(e))) if e.kind() != ErrorKind::BrokenPipe => Err(e),
                _ => read.map(drop),
            }
        });
        let status = child.wait()?;
        let wall = start.elapsed();
        read.context("could not talk to the program through its pipes")?;
        Ok((status, wall))
    }

    fn check(&self, job: &Job, status: ExitStatus) -> Result<()> {
        if status.success() {
            return Ok(());
        }
        let stderr = self.stderr();
        let tail: Vec<&str> = stderr.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        bail!(
            "`{} {}` failed ({status}); its stderr ends with:\n{}",
            job.program.display(),
            job.args
                .iter()
                .map(|a| a.to_string_lossy())
                .collect::<Vec<_>>()
                .join(" "),
            tail.join("\n")
        )
    }
}
