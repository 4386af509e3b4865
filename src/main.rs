//! The `mdbook-handbook` command: mdBook's preprocessor protocol, plus
//! `build` and `check` for working without the `mdbook` CLI, and `install`
//! and `init` for adopting the handbook in a book.

use clap::{Args, Parser, Subcommand};
use mdbook_handbook::diagnostics::{self, MessageFormat};
use std::path::PathBuf;
use std::process::ExitCode;

/// The preprocessor allocates hundreds of thousands of small strings on two
/// threads and frees most on another: mimalloc does that in a fifth less
/// time than the system allocator (see the README's Performance section).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        #[command(flatten)]
        messages: Messages,
    },
    /// Validate the book at ROOT; write nothing.
    Check {
        #[arg(default_value = ".")]
        root: PathBuf,
        #[command(flatten)]
        messages: Messages,
    },
    /// Write the reader's CSS and JS into the book at ROOT and register them
    /// in its book.toml (comments and formatting kept).
    Install {
        #[arg(default_value = ".")]
        root: PathBuf,
    },
    /// Start a handbook: a new book in ROOT, or add what an existing mdBook
    /// lacks (never overwriting anything).
    Init {
        #[arg(default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Args)]
struct Messages {
    /// How diagnostics are printed: human, short, json (one object per
    /// line) or github (workflow commands that annotate pull requests).
    #[arg(long, value_name = "FORMAT", default_value = "human")]
    message_format: MessageFormat,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let format = match &cli.command {
        Some(Command::Build { messages, .. } | Command::Check { messages, .. }) => {
            messages.message_format
        }
        _ => MessageFormat::Human,
    };
    // mdBook's own progress lines would break a stream of JSON objects.
    let level = if format == MessageFormat::Json {
        tracing_subscriber::filter::LevelFilter::WARN
    } else {
        tracing_subscriber::filter::LevelFilter::INFO
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .with_ansi(diagnostics::stderr_colour())
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
        Some(Command::Build { root, dest_dir, .. }) => {
            mdbook_handbook::build_as(&root, dest_dir.as_deref(), format)
        }
        Some(Command::Check { root, .. }) => mdbook_handbook::check_as(&root, format),
        Some(Command::Install { root }) => mdbook_handbook::install::install(&root).map(say),
        Some(Command::Init { root }) => mdbook_handbook::init::init(&root).map(say),
        None => mdbook_handbook::run_stdin(std::io::stdin().lock(), unbuffered_stdout()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Diagnostics already on stderr are not repeated for programs.
            if !(diagnostics::is_reported(&e) && format.is_machine_readable()) {
                diagnostics::print_error(format, &format!("{e:#}"));
            }
            ExitCode::FAILURE
        }
    }
}

/// Standard output without its line buffer: the book goes out in large
/// writes (buffered by `run_stdin`, from a thread of its own), and
/// line-buffered stdout would search each for a line end.
fn unbuffered_stdout() -> Box<dyn std::io::Write + Send> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() {
            return Box::new(std::fs::File::from(fd));
        }
    }
    Box::new(std::io::stdout())
}

/// Prints what a command did, one line each.
fn say(done: Vec<String>) {
    for line in done {
        println!("{line}");
    }
}
