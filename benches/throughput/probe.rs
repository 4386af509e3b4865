//! The probe: a small process that starts one program with its own stdin,
//! stdout and stderr, waits for it with `wait4`, and writes the program's
//! CPU time and peak RSS to a file. The bench measures through it because
//! Linux counts, in a child's peak RSS, what the parent held when the child
//! was spawned: spawned straight from the bench, which holds every book in
//! memory, each program would report the bench's size. The bench runs its
//! own executable as the probe (first argument [`FLAG`]).

use anyhow::{Context, Result, ensure};
use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Duration;
use wait4::Wait4 as _;

pub(crate) const FLAG: &str = "--probe";

pub(crate) fn requested() -> bool {
    std::env::args_os().nth(1).is_some_and(|a| a == FLAG)
}

/// `bench --probe USAGE-FILE PROGRAM [ARGS...]`: exits as the program did.
pub(crate) fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(2).collect();
    let [usage, program, rest @ ..] = args.as_slice() else {
        eprintln!("probe: usage: {FLAG} USAGE-FILE PROGRAM [ARGS...]");
        return ExitCode::FAILURE;
    };
    match run(Path::new(usage), program, rest) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("probe: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(usage: &Path, program: &OsString, args: &[OsString]) -> Result<ExitCode> {
    let child = Command::new(program)
        .args(args)
        .spawn()
        .with_context(|| format!("could not start `{}`", program.to_string_lossy()))?;
    let used = child.wait4()?;
    let cpu = used.rusage.utime + used.rusage.stime;
    std::fs::write(usage, format!("{} {}", cpu.as_nanos(), used.rusage.maxrss))?;
    Ok(match used.status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => {
            eprintln!(
                "probe: `{}` ended by {}",
                program.to_string_lossy(),
                used.status
            );
            ExitCode::FAILURE
        }
    })
}

/// The CPU time and peak RSS (bytes) the probe wrote to `usage`.
pub(crate) fn read(usage: &Path) -> Result<(Duration, u64)> {
    let text = std::fs::read_to_string(usage)
        .with_context(|| format!("the probe wrote no `{}`", usage.display()))?;
    let fields: Vec<u64> = text.split(' ').filter_map(|f| f.parse().ok()).collect();
    ensure!(fields.len() == 2, "cannot read the probe's `{text}`");
    Ok((Duration::from_nanos(fields[0]), fields[1]))
}
