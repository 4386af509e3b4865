//! The floor: the least any mdBook preprocessor does. It reads the whole
//! `[context, book]` JSON from stdin, makes one pulldown-cmark pass over every
//! chapter with mdBook's own parser options, and writes the book JSON back,
//! buffered. The bench runs its own executable as this program (with
//! [`ROLE`] set), so the floor pays the same process start, pipes and
//! allocator as the preprocessor.

use mdbook_driver::book::{Book, BookItem};
use mdbook_driver::config::HtmlConfig;
use mdbook_markdown::MarkdownOptions;
use mdbook_preprocessor::PreprocessorContext;
use std::io::{Read, Write};
use std::process::ExitCode;

/// The environment variable that turns this executable into the floor.
pub(crate) const ROLE: &str = "HANDBOOK_BENCH_ROLE";

pub(crate) fn requested() -> bool {
    std::env::var_os(ROLE).is_some_and(|v| v == "floor")
}

pub(crate) fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("floor: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let mut input = Vec::new();
    std::io::stdin().lock().read_to_end(&mut input)?;
    let (ctx, book): (PreprocessorContext, Book) = serde_json::from_slice(&input)?;
    drop(input);
    let html: HtmlConfig = ctx.config.get("output.html")?.unwrap_or_default();
    let mut options = MarkdownOptions::default();
    options.smart_punctuation = html.smart_punctuation;
    options.definition_lists = html.definition_lists;
    options.admonitions = html.admonitions;
    let mut events = 0usize;
    for item in book.iter() {
        if let BookItem::Chapter(chapter) = item {
            let parser = mdbook_markdown::new_cmark_parser(&chapter.content, &options);
            events += parser.into_offset_iter().count();
        }
    }
    std::hint::black_box(events);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer(&mut out, &book)?;
    out.flush()?;
    Ok(())
}
