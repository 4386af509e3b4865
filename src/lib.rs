//! mdbook-handbook: an mdBook preprocessor for validated, interactive handbooks.
//!
//! It expands three directives — script blocks (role-play dialogues),
//! glossary terms and checklists — and validates all of them, book-wide,
//! before anything is rendered. Each directive is a module behind one
//! interface ([`directive::Directive`]); the pipeline runs every stage over
//! all of them, top to bottom:
//!
//! 1. **load**: every chapter is registered for diagnostics and scanned once,
//!    while each directive reads its own files (`glossary.toml`) on a thread
//!    beside it; the files around the chapters (includes, unlisted chapters)
//!    are checked;
//! 2. **collect**: each directive parses what it owns in the chapters;
//! 3. **validate**: book-wide checks (unique ids, known terms, links);
//! 4. **render**: each directive's edits are spliced into its chapter.
//!
//! Any error stops the build before a single chapter is changed. Work on
//! one chapter at a time (scanning, reading blocks, finding mentions,
//! rendering) is spread over the machine's cores, in book order
//! (`parallel.rs`); a page of the whole book (`{{#glossary}}`,
//! `{{#checklists}}`) is rendered from the start on a thread of its own; the
//! stdin route renders chapters as it writes the book back (`book_json.rs`),
//! the next batch while one goes out, so it never holds the whole output.

#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

mod assets;
mod attrs;
mod book_json;
mod build;
mod checklist;
pub mod config;
mod data_file;
pub mod diagnostics;
mod directive;
mod glossary;
pub mod init;
pub mod install;
mod markdown;
mod names;
mod pages;
mod parallel;
mod paths;
mod private;
mod render;
mod script;
#[cfg(test)]
mod testing;

use anyhow::Context;
use diagnostics::{Diagnostics, MessageFormat, SourceId};
use directive::{BookCx, Directive, Edit, Facts, Output};
use foldhash::{HashSet, HashSetExt};
use markdown::{ScanOptions, block_in_place};
use mdbook_preprocessor::book::{Book, BookItem};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use pages::Page;
use render::{Format, RenderCx, Templates};
use std::cell::RefCell;
use std::io::{Read, Write};
use std::path::Path;

/// The directives, in the order they run. A new directive is a module and
/// one line here.
fn directives(config: &config::Config, root: &Path) -> Vec<Box<dyn Directive>> {
    vec![
        Box::new(glossary::Glossary::new(config)),
        Box::new(script::Scripts::new(config, root)),
        Box::new(checklist::Checklists::default()),
    ]
}

/// The preprocessor, for mdBook's `with_preprocessor` or the stdin protocol.
/// It prints diagnostics in the format of `HANDBOOK_MESSAGE_FORMAT`
/// (human when unset).
pub struct Handbook;

impl Preprocessor for Handbook {
    fn name(&self) -> &str {
        config::NAME
    }

    fn run(&self, ctx: &PreprocessorContext, book: Book) -> anyhow::Result<Book> {
        let format = MessageFormat::from_env().map_err(anyhow::Error::msg)?;
        HandbookReporting {
            format,
            installed_assets: false,
        }
        .run(ctx, book)
    }

    /// Every renderer is supported: non-HTML renderers get plain markdown.
    fn supports_renderer(&self, _renderer: &str) -> anyhow::Result<bool> {
        Ok(true)
    }
}

/// [`Handbook`], printing its diagnostics in a given format (`build
/// --message-format`), and for the `mdbook` CLI also checking that the
/// reader's assets are installed in the book.
pub(crate) struct HandbookReporting {
    pub(crate) format: MessageFormat,
    pub(crate) installed_assets: bool,
}

impl Preprocessor for HandbookReporting {
    fn name(&self) -> &str {
        config::NAME
    }

    fn run(&self, ctx: &PreprocessorContext, book: Book) -> anyhow::Result<Book> {
        let (book, mut diags) = preprocess(ctx, book);
        if self.installed_assets {
            check_installed_assets(ctx, &mut diags);
        }
        report(&diags, self.format)?;
        book.context("the handbook has errors")
    }

    /// Every renderer is supported: non-HTML renderers get plain markdown.
    fn supports_renderer(&self, _renderer: &str) -> anyhow::Result<bool> {
        Ok(true)
    }
}

/// Runs the pipeline without printing anything: the preprocessed book
/// (`None` when it has errors) and every diagnostic.
pub fn preprocess(ctx: &PreprocessorContext, mut book: Book) -> (Option<Book>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let outputs = process(ctx, &mut book, Goal::Render, &mut diags);
    if diags.failed() {
        return (None, diags);
    }
    give_back(&mut book, outputs, &diags);
    (Some(book), diags)
}

/// Gives each chapter with a source file (in the order `pages::load` read
/// them) its new text, or its own back when it is unchanged.
fn give_back(book: &mut Book, outputs: Vec<(SourceId, Option<String>)>, diags: &Diagnostics) {
    let texts = outputs
        .into_iter()
        .map(|(source, output)| output.unwrap_or_else(|| diags.text(source).to_string()));
    pages::give_texts(book, texts);
}

/// Prints every diagnostic to stderr and fails when the book has errors.
fn report(diags: &Diagnostics, format: MessageFormat) -> anyhow::Result<()> {
    diags.print(format);
    if diags.failed() {
        return Err(diagnostics::Reported.into());
    }
    Ok(())
}

/// Runs the whole pipeline over `book`, whose chapters' texts move into
/// `diags`. Returns, per chapter with a source file in book order, its
/// source and new content (`None`: unchanged), or nothing once an error is
/// found.
fn process(
    ctx: &PreprocessorContext,
    book: &mut Book,
    goal: Goal,
    diags: &mut Diagnostics,
) -> Vec<(SourceId, Option<String>)> {
    match prepare(ctx, book, goal, diags) {
        Some(rendering) => rendering.outputs(diags),
        None => Vec::new(),
    }
}

/// Stages 1 to 3 over `book`, whose chapters' texts move into `diags`:
/// what rendering needs, or `None` once an error is found (or when `check`
/// has nothing to render).
fn prepare(
    ctx: &PreprocessorContext,
    book: &mut Book,
    goal: Goal,
    diags: &mut Diagnostics,
) -> Option<Rendering> {
    let config = config::load(&ctx.config, &ctx.root, diags);
    diags.deny_warnings(config.warnings_denied());
    let src_dir = ctx.root.join(&ctx.config.book.src);
    let src_display = paths::relative_to(&ctx.config.book.src, &ctx.root);
    let html_config = ctx
        .config
        .get("output.html")
        .ok()
        .flatten()
        .unwrap_or_default();
    let markdown_options = markdown::markdown_options(&html_config);
    let mut directives = directives(&config, &ctx.root);
    // Each directive took what it needs from the config.
    drop(config);
    let fenced: Vec<&str> = directives.iter().filter_map(|d| d.fenced_kind()).collect();
    let inline: Vec<&str> = directives
        .iter()
        .flat_map(|d| d.inline_names())
        .copied()
        .collect();
    let scan_options = ScanOptions {
        markdown: &markdown_options,
        fenced: &fenced,
        mathjax: html_config.mathjax_support,
    };

    // 1. Load: every chapter, scanned once, while the directives read their
    // own files on a thread beside it; then the files around the chapters.
    for d in &mut directives {
        d.open_files(&ctx.root, &src_display, diags);
    }
    let (mut pages, files_read) = std::thread::scope(|scope| {
        let mut fork = diags.fork();
        let directives = &mut directives;
        let reading = scope.spawn(move || {
            for d in directives {
                d.read_files(&mut fork);
            }
            fork
        });
        let pages = pages::load(book, &src_display, scan_options, diags);
        let read = reading
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (pages, read)
    });
    let owned = pages::Owned {
        fenced: &fenced,
        inline: &inline,
    };
    let included = pages::check_includes(&pages, &ctx.root, &src_dir, scan_options, owned, diags);
    let input_404 = html_config.input_404.as_deref().unwrap_or("404.md");
    pages::check_unlisted(
        &pages,
        &included,
        &src_dir,
        &src_display,
        Path::new(input_404),
        diags,
    );
    directive::check_names(&pages, &inline, diags);
    let theme_dir = html_config.theme_dir(&ctx.root).join("handbook");
    let defaults: Vec<render::Template> = directives
        .iter()
        .flat_map(|d| d.templates())
        .copied()
        .collect();
    let templates = Templates::new(
        &defaults,
        &theme_dir,
        &paths::relative_to(&theme_dir, &ctx.root),
        diags,
    );

    // 2. Collect every directive; 3. validate book-wide.
    let book_cx = BookCx { pages: &pages };
    let mut facts = Facts::default();
    // What the directives' own files hold is reported after the chapters'
    // problems, as if read here.
    diags.join(files_read);
    for d in &mut directives {
        d.collect(&book_cx, &mut facts, diags);
    }
    facts.check_unique_ids(diags);
    for d in &mut directives {
        d.validate(&book_cx, &facts, diags);
    }
    if diags.failed() {
        return None;
    }
    // The built-in output cannot fail; a template override can (it may ask
    // for data it is not given), so `check` renders a book that has one.
    if goal == Goal::Check && !templates.any_overridden() {
        parallel::drop_later((pages, directives, facts));
        return None;
    }
    // Rendering works from what the directives collected: the scans go,
    // before rendering needs their memory.
    for page in &mut pages {
        page.scan = markdown::Scan::default();
    }
    Some(Rendering {
        format: Format::for_renderer(&ctx.renderer),
        templates,
        markdown: markdown_options,
        pages,
        directives,
    })
}

/// What [`process`] runs for: the new chapters, or only their problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Goal {
    Render,
    Check,
}

/// What rendering one chapter gives: its new text (`None`: unchanged) and
/// what could not be rendered.
type Rendered = (Option<String>, Vec<(diagnostics::Span, String)>);

/// What rendering one chapter's directives gives: the edits to splice into
/// its text and what could not be rendered.
type Edits = (
    Vec<(std::ops::Range<usize>, String)>,
    Vec<(diagnostics::Span, String)>,
);

/// Everything collected and validated, ready to render chapters with.
struct Rendering {
    format: Format,
    templates: Templates,
    markdown: mdbook_markdown::MarkdownOptions,
    pages: Vec<Page>,
    directives: Vec<Box<dyn Directive>>,
}

impl Rendering {
    /// Stage 4: renders every chapter, in book order, and reports what a
    /// template override could not render: per chapter, its source and new
    /// text. Chapters are independent, so a large book is split across the
    /// machine's cores; the output is the same bytes either way.
    fn outputs(&self, diags: &mut Diagnostics) -> Vec<(SourceId, Option<String>)> {
        let shared: &Diagnostics = diags;
        let render = |page: &Page| {
            let text = shared.text(page.source);
            let (edits, failures) = self.chapter(page, text);
            let output = (!edits.is_empty()).then(|| markdown::splice(text, edits));
            (output, failures)
        };
        // The book-wide pages start at once, beside the chapters (see
        // `book_json::write_with`).
        let first = self.book_pages();
        let rendered: Vec<Rendered> = std::thread::scope(|scope| {
            let ahead = scope.spawn(|| first.iter().map(|&p| render(&self.pages[p])).collect());
            let mut rendered = parallel::map(&self.pages, 64, |page| {
                (!first.contains(&page.index)).then(|| render(page))
            });
            let ahead: Vec<_> = ahead
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            for (&p, page) in first.iter().zip(ahead) {
                rendered[p] = Some(page);
            }
            // Each chapter, in place: its output lands on its own chapter.
            let rendered = rendered.into_iter();
            rendered
                .map(|r| r.expect("every chapter rendered"))
                .collect()
        });
        // A broken template override is reported once per message.
        let mut reported = HashSet::new();
        let mut outputs = Vec::with_capacity(rendered.len());
        for (page, (output, failures)) in self.pages.iter().zip(rendered) {
            for (span, message) in failures {
                if reported.insert(message.clone()) {
                    diags
                        .error(span, message)
                        .help("a template override in the book's `theme/handbook/` asks for data the template is not given");
                }
            }
            outputs.push((page.source, output));
        }
        if diags.failed() {
            return Vec::new();
        }
        outputs
    }

    /// The chapters holding a page of the whole book, costly to render.
    fn book_pages(&self) -> Vec<usize> {
        let pages = self.directives.iter().filter_map(|d| d.book_page());
        let mut pages: Vec<usize> = pages.filter(|&p| p < self.pages.len()).collect();
        // One chapter may hold both pages.
        pages.sort_unstable();
        pages.dedup();
        pages
    }

    /// Renders every directive of one chapter, whose text is `text`: the
    /// edits to splice into it (none when nothing changes), and what could
    /// not be rendered.
    fn chapter(&self, page: &Page, text: &str) -> Edits {
        let terms = self
            .directives
            .iter()
            .find_map(|d| d.terms())
            .unwrap_or(&render::NoTerms);
        let cx = RenderCx {
            format: self.format,
            templates: &self.templates,
            markdown: &self.markdown,
            pages: &self.pages,
            page,
            terms,
            failures: RefCell::new(Vec::new()),
            claimed: RefCell::default(),
            terms_shown: RefCell::default(),
        };
        let mut edits: Vec<Edit> = Vec::new();
        for d in &self.directives {
            d.render(page, &cx, &mut edits);
        }
        if let Some(definitions) = terms.definitions(&cx) {
            edits.insert(0, Edit::inline(0..0, definitions));
        }
        let html = self.format == Format::Html;
        let failures = cx.failures.take();
        let mut splices = Vec::with_capacity(edits.len());
        for edit in edits {
            match edit.output {
                Output::Inline(out) => splices.push((edit.range, out)),
                Output::Block(out) => {
                    let out = block_in_place(out, text, &edit.range, html);
                    splices.push((edit.range, out));
                }
            }
        }
        (splices, failures)
    }
}

/// The stdin/stdout protocol: reads mdBook's `[context, book]` JSON to the
/// end, preprocesses, and writes the book JSON.
pub fn run_stdin(input: impl Read, output: impl Write + Send) -> anyhow::Result<()> {
    let json = book_json::read(input).context("could not read the book from stdin")?;
    let (ctx, mut book): (PreprocessorContext, Book) =
        serde_json::from_slice(&json).map_err(|e| {
            anyhow::anyhow!(
                "stdin is not mdBook's preprocessor input ({e}); run this through `mdbook build`, or use `mdbook-handbook build`"
            )
        })?;
    drop(json);
    let supported = semver::VersionReq::parse(SUPPORTED_MDBOOK).expect("valid requirement");
    match semver::Version::parse(&ctx.mdbook_version) {
        Ok(v) if supported.matches(&v) => {}
        _ => eprintln!(
            "warning: mdbook-handbook is built for mdBook {SUPPORTED_MDBOOK}, but is called by mdBook {}",
            ctx.mdbook_version
        ),
    }
    let format = MessageFormat::from_env().map_err(anyhow::Error::msg)?;
    let mut diags = Diagnostics::new();
    let rendering = prepare(&ctx, &mut book, Goal::Render, &mut diags);
    check_installed_assets(&ctx, &mut diags);
    let mut output = std::io::BufWriter::with_capacity(1 << 16, output);
    let written = match rendering {
        // The built-in output cannot fail, so chapters are rendered as the
        // book is written, a batch at a time: the whole output is never
        // held at once.
        Some(rendering) if !rendering.templates.any_overridden() => {
            report(&diags, format)?;
            // Diagnostics are done with the chapters' texts: they move back
            // into the book, and the writer frees each batch's once written.
            let texts = rendering
                .pages
                .iter()
                .map(|page| diags.take_text(page.source));
            pages::give_texts(&mut book, texts);
            let book_pages = rendering.book_pages();
            let written = book_json::write_with(book, &mut output, &book_pages, |page, text| {
                let Some(page) = page else {
                    return Vec::new();
                };
                let (edits, failures) = rendering.chapter(&rendering.pages[page], text);
                debug_assert!(failures.is_empty(), "the built-in output cannot fail");
                edits
            });
            parallel::drop_later(rendering);
            written
        }
        // An override may fail: every chapter is rendered before a byte is
        // written.
        rendering => {
            let outputs = rendering.map_or_else(Vec::new, |r| r.outputs(&mut diags));
            report(&diags, format)?;
            give_back(&mut book, outputs, &diags);
            book_json::write(book, &mut output)
        }
    };
    written.context("could not write the book to stdout")?;
    output
        .flush()
        .context("could not write the book to stdout")?;
    parallel::drop_later(diags);
    Ok(())
}

/// The `mdbook` CLI's HTML renderer loads the reader's CSS/JS from the book
/// itself: they must be installed (the in-process `build` brings its own).
fn check_installed_assets(ctx: &PreprocessorContext, diags: &mut Diagnostics) {
    if Format::for_renderer(&ctx.renderer) != Format::Html {
        return;
    }
    let html = ctx
        .config
        .get("output.html")
        .ok()
        .flatten()
        .unwrap_or_default();
    let Some(problem) = assets::problem(&ctx.root, &html) else {
        return;
    };
    let text = std::fs::read_to_string(ctx.root.join("book.toml")).unwrap_or_default();
    let source = diags.add_source("book.toml", text);
    diags
        .file_problem(diagnostics::Severity::Error, source, problem)
        .help(format!(
            "run `mdbook-handbook install {}` (it writes them and registers them in book.toml), or build with `mdbook-handbook build`",
            ctx.root.display()
        ));
}

/// The mdBook versions this preprocessor is built for.
pub const SUPPORTED_MDBOOK: &str = "0.5";

pub use build::{build, build_as};

/// `mdbook-handbook check`: runs the same collect-and-validate pipeline over
/// the book for the HTML renderer, and writes nothing.
pub fn check(root: &Path) -> anyhow::Result<()> {
    check_as(root, MessageFormat::Human)
}

/// [`check`], printing diagnostics in `format` (`--message-format`).
pub fn check_as(root: &Path, format: MessageFormat) -> anyhow::Result<()> {
    let mut diags = Diagnostics::new();
    let Some(mut book) = build::load_book_to_check(root, &mut diags)? else {
        return report(&diags, format);
    };
    let ctx = PreprocessorContext::new(book.root.clone(), book.config.clone(), "html".to_string());
    process(&ctx, &mut book.book, Goal::Check, &mut diags);
    report(&diags, format)?;
    if diags.items().is_empty() && !format.is_machine_readable() {
        let chapters = book
            .book
            .iter()
            .filter(|i| matches!(i, BookItem::Chapter(_)))
            .count();
        eprintln!(
            "handbook: {} checked, no problems",
            plural(chapters, "chapter")
        );
    }
    parallel::drop_later((book.book, diags));
    Ok(())
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// mdBook's `supports` handshake: every renderer is supported (the HTML
/// renderer gets interactive HTML, others plain markdown), except an empty name.
pub fn supports(renderer: &str) -> bool {
    !renderer.trim().is_empty()
}
