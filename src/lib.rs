//! mdbook-handbook: an mdBook preprocessor for validated, interactive handbooks.
//!
//! It expands three directives — script blocks (role-play dialogues),
//! glossary terms and checklists — and validates all of them, book-wide,
//! before anything is rendered. The pipeline, top to bottom:
//!
//! 1. **load**: every chapter is registered for diagnostics and scanned once;
//! 2. **collect**: each directive module parses its directives;
//! 3. **validate**: book-wide checks (unique ids, known terms, links);
//! 4. **render**: each directive's output is spliced into its chapter.
//!
//! Any error stops the build before a single chapter is changed.

#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

pub mod attrs;
mod build;
pub mod checklist;
pub mod config;
pub mod data_file;
pub mod diagnostics;
pub mod glossary;
pub mod markdown;
pub mod pages;
pub mod render;
pub mod script;

use anyhow::{Context, bail};
use diagnostics::{Diagnostics, Span, closest};
use markdown::{TermRef, block_output};
use mdbook_markdown::MarkdownOptions;
use mdbook_preprocessor::book::{Book, BookItem};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use pages::Page;
use render::{Format, RenderCx, Templates};
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{IsTerminal, Read, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

pub use build::build;

/// The preprocessor, for mdBook's `with_preprocessor` or the stdin protocol.
pub struct Handbook;

impl Preprocessor for Handbook {
    fn name(&self) -> &str {
        config::NAME
    }

    fn run(&self, ctx: &PreprocessorContext, book: Book) -> anyhow::Result<Book> {
        let (book, diags) = preprocess(ctx, book);
        report(&diags)?;
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
    let mut outputs = process(ctx, &book, &mut diags);
    if diags.failed() {
        return (None, diags);
    }
    book.for_each_chapter_mut(|chapter| {
        if let Some(path) = pages::chapter_path(chapter)
            && let Some(output) = outputs.remove(path)
        {
            chapter.content = output;
        }
    });
    (Some(book), diags)
}

/// Prints every diagnostic to stderr and fails when the book has errors.
fn report(diags: &Diagnostics) -> anyhow::Result<()> {
    let rendered = diags.render(std::io::stderr().is_terminal());
    if !rendered.is_empty() {
        eprint!("{rendered}");
    }
    if diags.failed() {
        bail!("the handbook has problems (listed above); nothing was written");
    }
    Ok(())
}

/// Runs the whole pipeline over `book`. Returns the new content of each
/// chapter that changed, by source path, or nothing once an error is found.
fn process(
    ctx: &PreprocessorContext,
    book: &Book,
    diags: &mut Diagnostics,
) -> HashMap<PathBuf, String> {
    let config = config::load(&ctx.config, &ctx.root, diags);
    diags.deny_warnings(config.warnings_denied());
    let src_dir = ctx.root.join(&ctx.config.book.src);
    let src_display = relative_to(&ctx.config.book.src, &ctx.root);
    let html_config = ctx
        .config
        .get("output.html")
        .ok()
        .flatten()
        .unwrap_or_default();
    let markdown_options = markdown::markdown_options(&html_config);
    let theme_dir = html_config.theme_dir(&ctx.root).join("handbook");
    let templates = Templates::new(
        &[script::TEMPLATES, checklist::TEMPLATES, glossary::TEMPLATES].concat(),
        &theme_dir,
        &relative_to(&theme_dir, &ctx.root),
        diags,
    );

    // 1. Load: every chapter, scanned once; the files around them.
    let pages = pages::load(book, &src_display, &markdown_options, diags);
    let included = pages::check_includes(&pages, &src_dir, &markdown_options, diags);
    pages::check_unlisted(&pages, &included, &src_dir, &src_display, diags);

    // 2. Collect every directive.
    let glossary = glossary::load(
        &src_dir.join(config.glossary_path()),
        &src_display.join(config.glossary_path()),
        &markdown_options,
        diags,
    );
    let scripts = script::collect(&pages, &config.placeholders, &ctx.root, diags);
    let checklists = checklist::collect(&pages, diags);
    let inline = collect_inline(&pages, diags);

    // 3. Validate book-wide.
    let ids = scripts
        .iter()
        .map(|s| &s.id)
        .chain(checklists.iter().map(|c| &c.id));
    attrs::check_unique(ids, diags);
    // `{{#term}}`s inside script lines and checklist items are checked like any other.
    let checklist_terms = checklists.iter().flat_map(|c| c.terms());
    let terms: Vec<TermRef> = inline
        .terms
        .iter()
        .chain(scripts.terms())
        .chain(checklist_terms)
        .cloned()
        .collect();
    let usage = glossary.check_refs(
        &terms,
        &pages,
        inline.glossary_page.clone(),
        config.auto_link,
        diags,
    );
    scripts.check(diags);
    if diags.failed() {
        return HashMap::new();
    }

    // 4. Render each chapter and splice the output in.
    let book = Collected {
        format: Format::for_renderer(&ctx.renderer),
        templates: &templates,
        markdown: &markdown_options,
        pages: &pages,
        glossary: &glossary,
        usage: &usage,
        scripts: &scripts,
        checklists: &checklists,
        inline: &inline,
        assets: page_assets(),
    };
    let mut outputs = HashMap::with_capacity(pages.len());
    for page in &pages {
        if let Some(output) = render_chapter(&book, page, diags) {
            outputs.insert(page.path.clone(), output);
        }
    }
    if diags.failed() {
        return HashMap::new();
    }
    outputs
}

/// Everything collected and validated, ready to render chapters with.
struct Collected<'a> {
    format: Format,
    templates: &'a Templates,
    markdown: &'a MarkdownOptions,
    pages: &'a [Page],
    glossary: &'a glossary::Glossary,
    usage: &'a glossary::Usage,
    scripts: &'a script::Scripts,
    checklists: &'a [checklist::Checklist],
    inline: &'a Inline,
    /// The CSS/JS blocks, indexed by `scripts | checklists << 1`.
    assets: [String; 4],
}

/// The CSS/JS a page gets: the glossary's always (references are
/// everywhere), the scripts' and the checklists' only where the page has
/// them. Indexed by `has scripts | has checklists << 1`.
fn page_assets() -> [String; 4] {
    std::array::from_fn(|i| {
        let (with_scripts, with_checklists) = (i & 1 != 0, i & 2 != 0);
        let pick = |[g, s, c]: [&'static str; 3]| -> Vec<&'static str> {
            [
                Some(g),
                with_scripts.then_some(s),
                with_checklists.then_some(c),
            ]
            .into_iter()
            .flatten()
            .collect()
        };
        render::assets(
            &pick([glossary::CSS, script::CSS, checklist::CSS]),
            &pick([glossary::JS, script::JS, checklist::JS]),
        )
    })
}

/// Renders every directive of one chapter and splices the output into its
/// text; `None` when the chapter has no directives.
fn render_chapter(book: &Collected, page: &Page, diags: &mut Diagnostics) -> Option<String> {
    let format = book.format;
    // A reference that fails to render (a broken template override) is
    // reported once per message, at its first place.
    let failures: RefCell<Vec<(Span, String)>> = RefCell::new(Vec::new());
    let term = |r: &TermRef| {
        book.glossary
            .render_ref(r, page, book.usage, format, book.templates)
            .unwrap_or_else(|e| {
                failures.borrow_mut().push((r.span.clone(), e));
                String::new()
            })
    };
    let cx = RenderCx {
        format,
        templates: book.templates,
        markdown: book.markdown,
        pages: book.pages,
        page,
        term: &term,
    };
    let text = diags.text(page.source);
    let here = |at: &Option<(usize, Range<usize>)>| {
        at.as_ref()
            .filter(|(p, _)| *p == page.index)
            .map(|(_, r)| r.clone())
    };

    // Block directives: (where, container prefix, rendered output).
    let mut blocks: Vec<(Range<usize>, String, Result<String, String>)> = Vec::new();
    for s in book.scripts.iter().filter(|s| s.page == page.index) {
        let block = &page.scan.fenced[s.block];
        blocks.push((
            block.range.clone(),
            block.prefix.clone(),
            book.scripts.render(s, &cx),
        ));
    }
    for c in book.checklists.iter().filter(|c| c.page == page.index) {
        let block = &page.scan.fenced[c.block];
        blocks.push((
            block.range.clone(),
            block.prefix.clone(),
            checklist::render(c, &cx),
        ));
    }
    if let Some(range) = here(&book.inline.glossary_page) {
        let prefix = markdown::line_prefix(text, range.start);
        blocks.push((range, prefix, book.glossary.render_page(book.usage, &cx)));
    }
    let checklists_page = here(&book.inline.checklists_page);
    if let Some(range) = checklists_page.clone() {
        let prefix = markdown::line_prefix(text, range.start);
        blocks.push((range, prefix, checklist::render_index(book.checklists, &cx)));
    }
    let with_scripts = book.scripts.iter().any(|s| s.page == page.index);
    let with_checklists =
        checklists_page.is_some() || book.checklists.iter().any(|c| c.page == page.index);

    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut errors: Vec<(Range<usize>, String)> = Vec::new();
    for (range, prefix, output) in blocks {
        match output {
            Ok(out) => edits.push((range, block_output(&out, &prefix, format == Format::Html))),
            Err(message) => errors.push((range, message)),
        }
    }
    // Inline references: the author's `{{#term}}`s and the auto-links.
    // (`inline.terms` is in book order: this chapter's are one run.)
    let first = book
        .inline
        .terms
        .partition_point(|r| r.page < Some(page.index));
    let refs = book.inline.terms[first..]
        .iter()
        .take_while(|r| r.page == Some(page.index));
    for r in refs.chain(book.usage.auto_links(page.index)) {
        edits.push((r.span.range.clone(), term(r)));
    }
    let output = (!edits.is_empty()).then(|| {
        let mut output = markdown::splice(text, edits);
        if format == Format::Html {
            output.push_str(
                &book.assets[usize::from(with_scripts) | usize::from(with_checklists) << 1],
            );
        }
        output
    });

    for (range, message) in errors {
        diags.error(page.span(range), message);
    }
    let mut reported = std::collections::HashSet::new();
    for (span, message) in failures.take() {
        if reported.insert(message.clone()) {
            diags
                .error(span, message)
                .help("a template override in the book's `theme/handbook/` asks for data the template is not given");
        }
    }
    output
}

/// The inline directives of the whole book, routed to their modules.
#[derive(Default)]
struct Inline {
    /// Every `{{#term}}` in chapter text.
    terms: Vec<TermRef>,
    /// The chapter and range of `{{#glossary}}`.
    glossary_page: Option<(usize, Range<usize>)>,
    /// The chapter and range of `{{#checklists}}`.
    checklists_page: Option<(usize, Range<usize>)>,
}

/// Names of this preprocessor's inline directives.
const INLINE_NAMES: [&str; 3] = ["term", "glossary", "checklists"];

fn collect_inline(pages: &[Page], diags: &mut Diagnostics) -> Inline {
    let mut inline = Inline::default();
    for page in pages {
        for u in &page.scan.unclosed {
            if !pages::MDBOOK_DIRECTIVES.contains(&u.name.as_str()) {
                diags
                    .error(
                        page.span(u.range.clone()),
                        format!("`{{{{#{}` is never closed", u.name),
                    )
                    .help("close the directive with `}}` on the same line");
            }
        }
        for d in page.scan.inline.iter().filter(|d| !d.in_code && !d.escaped) {
            let span = page.span(d.range.clone());
            let slot = match d.name.as_str() {
                "term" => {
                    inline
                        .terms
                        .push(TermRef::parse(d, page.source, Some(page.index)));
                    continue;
                }
                "glossary" => &mut inline.glossary_page,
                "checklists" => &mut inline.checklists_page,
                name if pages::MDBOOK_DIRECTIVES.contains(&name) => continue,
                name => {
                    let known = INLINE_NAMES
                        .iter()
                        .chain(&pages::MDBOOK_DIRECTIVES)
                        .copied();
                    diags
                        .error(span, format!("unknown directive `{{{{#{name}}}}}`"))
                        .suggest(closest(name, known))
                        .help(format!(
                            "the handbook's directives are {{{{#term KEY}}}}, {{{{#glossary}}}} and {{{{#checklists}}}}; write \\{{{{#{name}}}}} to show it literally"
                        ));
                    continue;
                }
            };
            if !d.standalone {
                diags
                    .error(
                        span,
                        format!("`{{{{#{}}}}}` must stand on a line of its own", d.name),
                    )
                    .help("put it in a paragraph by itself, with blank lines around it");
            } else if !d.args.is_empty() {
                diags.error(
                    page.span(d.args_offset..d.args_offset + d.args.len()),
                    format!("`{{{{#{}}}}}` takes no arguments", d.name),
                );
            } else if let Some((first, _)) = slot {
                let first = pages[*first].path.display().to_string();
                diags
                    .error(
                        span,
                        format!("`{{{{#{}}}}}` is already on another page", d.name),
                    )
                    .help(format!("the book has one such page: `{first}`"));
            } else {
                *slot = Some((page.index, d.range.clone()));
            }
        }
    }
    inline
}

/// `path` relative to `root`, as the author sees it.
fn relative_to(path: &Path, root: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// The stdin/stdout protocol: reads mdBook's `[context, book]` JSON to the
/// end, preprocesses, and writes the book JSON.
pub fn run_stdin(mut input: impl Read, output: impl Write) -> anyhow::Result<()> {
    let mut json = Vec::new();
    input
        .read_to_end(&mut json)
        .context("could not read the book from stdin")?;
    let (ctx, book) = mdbook_preprocessor::parse_input(json.as_slice()).map_err(|e| {
        anyhow::anyhow!(
            "stdin is not mdBook's preprocessor input ({}); run this through `mdbook build`, or use `mdbook-handbook build`",
            e.root_cause()
        )
    })?;
    let supported = semver::VersionReq::parse(SUPPORTED_MDBOOK).expect("valid requirement");
    match semver::Version::parse(&ctx.mdbook_version) {
        Ok(v) if supported.matches(&v) => {}
        _ => eprintln!(
            "warning: mdbook-handbook is built for mdBook {SUPPORTED_MDBOOK}, but is called by mdBook {}",
            ctx.mdbook_version
        ),
    }
    let book = Handbook.run(&ctx, book)?;
    serde_json::to_writer(output, &book).context("could not write the book to stdout")?;
    Ok(())
}

/// The mdBook versions this preprocessor is built for.
pub const SUPPORTED_MDBOOK: &str = "0.5";

/// `mdbook-handbook check`: runs the same collect-and-validate pipeline over
/// the book for the HTML renderer, and writes nothing.
pub fn check(root: &Path) -> anyhow::Result<()> {
    let book = build::load_book(root)?;
    let ctx = PreprocessorContext::new(book.root.clone(), book.config.clone(), "html".to_string());
    let mut diags = Diagnostics::new();
    process(&ctx, &book.book, &mut diags);
    report(&diags)?;
    if diags.items().is_empty() {
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
