//! The `mdbook-handbook` command: mdBook's preprocessor protocol, plus
//! `build` and `check` for working without the `mdbook` CLI.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(version, about = "Validated, interactive handbooks for mdBook")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// mdBook's handshake: exit 0 when RENDERER is supported.
    Supports { renderer: String },
    /// Build the book at ROOT in-process (no `mdbook` CLI needed).
    Build {
        #[arg(default_value = ".")]
        root: PathBuf,
        /// Output directory, relative to ROOT (default: build.build-dir).
        #[arg(long, short)]
        dest_dir: Option<PathBuf>,
    },
    /// Validate the book at ROOT; write nothing.
    Check {
        #[arg(default_value = ".")]
        root: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .init();
    let result = match cli.command {
        Some(Command::Supports { renderer }) => {
            return if mdbook_handbook::supports(&renderer) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            };
        }
        Some(Command::Build { root, dest_dir }) => {
            mdbook_handbook::build(&root, dest_dir.as_deref())
        }
        Some(Command::Check { root }) => mdbook_handbook::check(&root),
        None => mdbook_handbook::run_stdin(std::io::stdin().lock(), std::io::stdout().lock()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
