//! The closing word of `cargo test` on the external tools (runs last: cargo
//! runs test targets in name order). Tests that need the `mdbook` CLI or
//! Chromium skip without them on a developer machine; this says so in the
//! summary, where a reader looks, with how to install what is missing.
//! Under `CI=true` a missing tool fails the run.

mod support;

use std::process::ExitCode;

fn main() -> ExitCode {
    let missing: Vec<&support::Tool> = [&support::MDBOOK, &support::CHROMIUM]
        .into_iter()
        .filter(|tool| (tool.find)().is_none())
        .collect();
    println!(
        "\nrunning {} checks: external tools for the end-to-end tests",
        2
    );
    for tool in [&support::MDBOOK, &support::CHROMIUM] {
        match (tool.find)() {
            Some(path) => println!("check {} ... found at {}", tool.name, path.display()),
            None => println!(
                "check {} ... MISSING: the tests that need it SKIPPED (they report ok but did not run); install it with `{}`",
                tool.name, tool.install
            ),
        }
    }
    let failed = if support::in_ci() { missing.len() } else { 0 };
    let skipped = missing.len() - failed;
    println!(
        "tools: {} passed, {failed} failed, {skipped} skipped\n",
        2 - missing.len()
    );
    if failed > 0 {
        println!("CI=true: every tool must be installed (see .ci/run)");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
