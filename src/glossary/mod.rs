//! The glossary: `glossary.toml`, `{{#term KEY}}` references, links made
//! automatically from plain mentions of a term, and the `{{#glossary}}` page.
//!
//! `glossary.toml` is read with spans, so every problem in it is reported at
//! its own line and column: malformed TOML, an entry that is not a table, an
//! unknown or mistyped field, a missing or empty `term` or `definition`, an
//! empty abbr or alias, an id that is not lowercase kebab-case, a duplicate
//! id, and an id, term, abbr or alias that names two entries (compared
//! case-insensitively, both places named), a `see-also` to an unknown id and an
//! unknown reference inside a definition. Book-wide, [`Glossary::check_refs`]
//! resolves every reference in chapters, script lines and checklist items
//! (an unknown key is an error with a did-you-mean), finds the mentions that
//! auto-linking turns into references, and warns about terms nothing uses and
//! about a glossary that no `{{#glossary}}` page shows.
//!
//! The reader gets a link to the term's entry with its definition in an
//! accessible tooltip rendered next to it (shown on hover, focus and tap);
//! other renderers get the reference's text and a markdown definition list.

mod autolink;
mod check;
mod parse;
mod render;
#[cfg(test)]
mod tests;

use crate::config::{AutoLink, Config};
use crate::diagnostics::{Diagnostics, SourceId};
use crate::directive::{BookCx, Directive, Edit, Facts};
use crate::markdown::TermRef;
use crate::pages::Page;
use crate::render::{Format, Fragment, RenderCx, Template, TermRenderer};
use aho_corasick::AhoCorasick;
use foldhash::{HashMap, HashMapExt};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Templates this module renders with: the glossary page and one reference.
const TEMPLATES: &[Template] = &[
    ("glossary", include_str!("../../templates/glossary.hbs")),
    (
        "glossary-term",
        include_str!("../../templates/glossary-term.hbs"),
    ),
];

/// The fields an entry may have.
const FIELDS: [&str; 5] = ["term", "abbr", "aliases", "definition", "see-also"];

/// A string from `glossary.toml` and the bytes it was written at.
#[derive(Debug, Clone, Default)]
struct Text {
    value: String,
    span: Range<usize>,
}

/// One entry of the glossary.
#[derive(Debug, Default)]
struct Entry {
    /// The table's key; its span is the key's.
    id: Text,
    /// The `[id]` header (or the inline table).
    header: Range<usize>,
    term: Text,
    abbr: Option<Text>,
    aliases: Vec<Text>,
    definition: Text,
    see_also: Vec<Text>,
    /// `{{#term}}` references in the definition: where in the definition,
    /// and the reference with its spans in `glossary.toml`.
    refs: Vec<(Range<usize>, TermRef)>,
}

impl Entry {
    /// What a reference shows by default: the abbr, else the term.
    fn short(&self) -> &str {
        self.abbr.as_ref().map_or(&self.term.value, |a| &a.value)
    }

    /// Every name a reference or a mention may use, with what kind it is.
    fn names(&self) -> impl Iterator<Item = (&'static str, &Text)> {
        std::iter::once(("term", &self.term))
            .chain(self.abbr.iter().map(|a| ("abbr", a)))
            .chain(self.aliases.iter().map(|a| ("alias", a)))
            .filter(|(_, t)| !t.value.is_empty())
    }
}

/// The book's glossary, and every reference to it.
#[derive(Debug)]
pub(crate) struct Glossary {
    /// The file, relative to the src dir.
    path: PathBuf,
    /// Whether plain mentions become references.
    auto_link: AutoLink,
    /// Sorted case-insensitively by term, as the glossary page lists them.
    entries: Vec<Entry>,
    /// Id → entry.
    ids: HashMap<String, usize>,
    /// Lowercased term, abbr or alias → entry.
    names: HashMap<String, usize>,
    /// The file, when it exists.
    file: Option<SourceId>,
    /// What [`Glossary::open`] read, until [`Glossary::read`] checks it.
    opened: Option<Result<String, crate::data_file::DataFileError>>,
    /// Where the file is expected, as the author sees it.
    display: PathBuf,
    /// The file is not valid TOML: references cannot be checked reliably.
    malformed: bool,
    /// Finds mentions of every name in one pass over a text.
    matcher: Option<Matcher>,
    /// Every `{{#term}}` of the chapters' own text, in book order.
    refs: Vec<TermRef>,
    /// The chapter and range of `{{#glossary}}`.
    page: Option<(usize, Range<usize>)>,
    /// Who uses what, once validated.
    usage: Usage,
    /// Each entry of the definitions block, rendered once per page depth
    /// (relative links differ by depth): the book's depths, sorted, and a
    /// cell per entry and depth, so pages rendered at once never wait on
    /// each other's tooltips.
    tip_depths: Vec<usize>,
    tips: Vec<OnceLock<String>>,
}

/// The auto-link automaton, built once per book.
#[derive(Debug)]
struct Matcher {
    automaton: AhoCorasick,
    /// Per pattern: the entry and the name as written.
    patterns: Vec<(usize, String)>,
    /// How many entries have a pattern.
    entries: usize,
    /// One past the highest entry with a pattern.
    slots: usize,
}

/// Which chapters use which terms, and the mentions auto-linking turns into
/// references: the result of [`Glossary::check_refs`].
#[derive(Debug, Default)]
pub(crate) struct Usage {
    /// Output path of the `{{#glossary}}` chapter.
    glossary_html: Option<String>,
    /// Index of the `{{#glossary}}` chapter.
    glossary_page: Option<usize>,
    /// Per entry: the chapters that use it, each with the byte offset of
    /// the term's first use there, sorted by chapter (see [`Usage::finish`]).
    used_in: Vec<Vec<(usize, usize)>>,
    /// Mentions linked automatically, in book order. Each is a reference by
    /// id whose shown text is the mention as written.
    auto: Vec<TermRef>,
}

impl Usage {
    /// Where `entry` is first used in chapter `page`.
    pub(crate) fn first_use(&self, entry: usize, page: usize) -> Option<usize> {
        let uses = self.used_in.get(entry)?;
        let at = uses.binary_search_by_key(&page, |(p, _)| *p).ok()?;
        Some(uses[at].1)
    }

    /// The chapters that use `entry`, in book order.
    pub(crate) fn pages(&self, entry: usize) -> impl Iterator<Item = usize> + '_ {
        self.used_in[entry].iter().map(|(page, _)| *page)
    }

    /// The mentions auto-linking turns into references in chapter `page`.
    pub(crate) fn auto_links(&self, page: usize) -> impl Iterator<Item = &TermRef> {
        let start = self.auto.partition_point(|r| r.page < Some(page));
        self.auto[start..]
            .iter()
            .take_while(move |r| r.page == Some(page))
    }
}

/// Reads and checks the glossary file. A missing file is an empty glossary
/// (an error only once something uses it, see [`Glossary::check_refs`]).
impl Glossary {
    /// An empty glossary, to be read from the file `config` names.
    pub(crate) fn new(config: &Config) -> Self {
        Glossary {
            path: config.glossary_path(),
            auto_link: config.auto_link,
            entries: Vec::new(),
            ids: HashMap::new(),
            names: HashMap::new(),
            file: None,
            opened: None,
            display: PathBuf::new(),
            malformed: false,
            matcher: None,
            refs: Vec::new(),
            page: None,
            usage: Usage::default(),
            tip_depths: Vec::new(),
            tips: Vec::new(),
        }
    }
}

impl Directive for Glossary {
    fn inline_names(&self) -> &'static [&'static str] {
        &["term", "glossary"]
    }

    fn templates(&self) -> &'static [Template] {
        TEMPLATES
    }

    /// Reads `glossary.toml` and registers it; [`Glossary::read`] checks it.
    fn open_files(&mut self, root: &Path, src_display: &Path, diags: &mut Diagnostics) {
        self.display = src_display.join(&self.path);
        let path = self.display.clone();
        self.open(root, &path, diags);
    }

    fn read_files(&mut self, diags: &mut Diagnostics) {
        self.read(diags);
    }

    /// Collects the chapters' `{{#term}}`s and the `{{#glossary}}` page
    /// (`glossary.toml` was read beside the chapters' loading).
    fn collect(&mut self, book: &BookCx, _facts: &mut Facts, diags: &mut Diagnostics) {
        for page in book.pages {
            let terms = page.scan.inline.iter().filter(|d| d.name == "term");
            for d in terms.filter(|d| !d.in_code() && !d.escaped) {
                self.refs
                    .push(TermRef::parse(d, page.source, Some(page.index)));
            }
        }
        self.refs.shrink_to_fit();
        self.page = crate::directive::find_page_directive("glossary", book.pages, diags);
    }

    fn validate(&mut self, book: &BookCx, facts: &Facts, diags: &mut Diagnostics) {
        let refs: Vec<&TermRef> = self.refs.iter().chain(&facts.terms).collect();
        self.usage = self.check_refs(&refs, book.pages, diags);
        self.tip_depths = book.pages.iter().map(Page::depth).collect();
        self.tip_depths.sort_unstable();
        self.tip_depths.dedup();
        let cells = self.entries.len() * self.tip_depths.len();
        self.tips = std::iter::repeat_with(OnceLock::new).take(cells).collect();
    }

    fn book_page(&self) -> Option<usize> {
        self.page.as_ref().map(|(page, _)| *page)
    }

    /// The chapter's references and auto-linked mentions, and the glossary
    /// page where `{{#glossary}}` stands.
    fn render(&self, page: &Page, cx: &RenderCx, edits: &mut Vec<Edit>) {
        let first = self.refs.partition_point(|r| r.page < Some(page.index));
        let refs = self.refs[first..]
            .iter()
            .take_while(|r| r.page == Some(page.index));
        for r in refs.chain(self.usage.auto_links(page.index)) {
            let f = self.fragment(r, cx);
            let out = match cx.format {
                Format::Html => f.html,
                Format::Markdown => f.markdown,
            };
            edits.push(Edit::inline(r.span.range.clone(), out));
        }
        if let Some((_, range)) = self.page.as_ref().filter(|(p, _)| *p == page.index) {
            edits.extend(Edit::block(cx, range.clone(), self.render_page(cx)));
        }
    }

    fn terms(&self) -> Option<&dyn TermRenderer> {
        Some(self)
    }
}

impl TermRenderer for Glossary {
    fn fragment(&self, r: &TermRef, cx: &RenderCx) -> Fragment {
        self.reference(r, cx)
    }

    fn definitions(&self, cx: &RenderCx) -> Option<String> {
        Glossary::definitions(self, cx)
    }
}
