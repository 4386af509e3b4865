//! Script blocks: word-for-word dialogues to rehearse, with a cast, stage
//! directions, fill-in placeholders and links to follow-up scripts.
//!
//! ````text
//! ```script id="ask-alex" title="The 15-minute ask" cast="You, Alex"
//! You: Alex, thank you for making the time, I'm [Your Name].
//! (Alex glances at the clock.)
//! Alex: Sure. What's on your mind?
//!   Take your time.
//!
//! -> [Alex says yes](#alex-says-yes)
//! ```
//! ````
//!
//! A line is `Speaker: text` or `(stage direction)`; an indented line
//! continues the one before; a blank line starts a new beat; `-> [label](#id)`
//! lines at the end link to follow-up scripts. `[Label]` (not a link, not in
//! code, not escaped as `\[`) is a placeholder declared in book.toml's
//! `[preprocessor.handbook.placeholders]`.
//!
//! Validates, each problem at its own place: attributes (`id` required and
//! unique book-wide, `cast` required, no empty or repeated cast name), every
//! speaker is in the cast, no empty line of dialogue, no unclosed direction,
//! no line that is neither dialogue, direction nor continuation, outcome lines
//! only at the end and only to scripts that exist, every placeholder declared.
//! Warns about a cast member who never speaks and a declared placeholder no
//! script uses.

mod check;
mod parse;
mod render;
#[cfg(test)]
mod tests;

use crate::attrs::Id;
use crate::config::Config;
use crate::diagnostics::{Diagnostics, Span};
use crate::directive::{BookCx, Directive, Edit, Facts};
use crate::markdown::TermRef;
use crate::pages::Page;
use crate::render::{RenderCx, Template};
use foldhash::{HashMap, HashMapExt};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The info-string word that opens a script block.
const KIND: &str = "script";

/// The template this module renders with. The controls that need
/// JavaScript (tools, the "your details" form) are built by `script.js`.
const TEMPLATES: &[Template] = &[("script", include_str!("../../templates/script.hbs"))];

/// Speaker styles (colours) before they repeat.
const STYLES: usize = 6;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Attrs {
    id: Option<String>,
    title: Option<String>,
    cast: Option<String>,
}

/// A parsed script block.
#[derive(Debug)]
struct Script {
    /// Its id, unique book-wide: the anchor outcome lines link to.
    id: Id,
    /// Its title, if any.
    title: Option<String>,
    /// The speakers, in `cast` order.
    cast: Vec<String>,
    /// The chapter it is in.
    page: usize,
    /// The whole block in the chapter.
    range: Range<usize>,
    /// Groups of lines separated by blank lines.
    beats: Vec<Vec<Item>>,
    outcomes: Vec<Outcome>,
}

/// A line of dialogue or a stage direction, continuation lines included.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Item {
    /// Index into the cast; `None` for a stage direction.
    speaker: Option<usize>,
    /// The text (a direction keeps its parentheses). Continuation lines are
    /// joined with a newline padded with spaces, so byte `i` of `text` is byte
    /// `offset + i` of the chapter and inline offsets stay exact.
    text: String,
    offset: usize,
    /// Placeholders: range in `text`, label.
    placeholders: Vec<(Range<usize>, String)>,
    /// Its `{{#term}}`s: range in `text`, reference.
    refs: Vec<(Range<usize>, TermRef)>,
}

/// `-> [label](#target)`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    label: String,
    label_offset: usize,
    target: String,
    target_span: Span,
}

/// Every script in the book, with the book's declared placeholders.
#[derive(Debug)]
pub(crate) struct Scripts {
    /// In book order.
    list: Vec<Script>,
    /// Declared placeholders: label → hint.
    declared: BTreeMap<String, String>,
    /// The book's root, where `book.toml` is.
    root: PathBuf,
    /// Every placeholder label used, also by scripts with a broken id.
    used: BTreeSet<String>,
    /// Script id → index in `list`.
    by_id: HashMap<String, usize>,
}

impl Scripts {
    /// No scripts yet; placeholders as `[preprocessor.handbook.placeholders]`
    /// of the `book.toml` at `root` declares them.
    pub(crate) fn new(config: &Config, root: &Path) -> Self {
        Scripts {
            list: Vec::new(),
            // Labels are compared in NFC, as written in chapters.
            declared: config
                .placeholders
                .iter()
                .map(|(label, hint)| (crate::names::nfc(label).into_owned(), hint.clone()))
                .collect(),
            root: root.to_path_buf(),
            used: BTreeSet::new(),
            by_id: HashMap::new(),
        }
    }
}

impl Directive for Scripts {
    fn fenced_kind(&self) -> Option<&'static str> {
        Some(KIND)
    }

    fn templates(&self) -> &'static [Template] {
        TEMPLATES
    }

    fn collect(&mut self, book: &BookCx, facts: &mut Facts, diags: &mut Diagnostics) {
        let declared = &self.declared;
        let read = crate::directive::read_chapters(book.pages, diags, |page, diags| {
            let mut read = parse::Read::default();
            let list: Vec<Script> = page
                .scan
                .fenced
                .iter()
                .filter(|b| b.kind == KIND)
                .filter_map(|block| parse::block(page, block, declared, &mut read, diags))
                .collect();
            (list, read)
        });
        for (list, read) in read {
            facts.terms.extend(read.terms);
            self.used.extend(read.used);
            for script in list {
                facts
                    .ids
                    .push((script.id.name.clone(), script.id.span.clone()));
                self.list.push(script);
            }
        }
        self.list.shrink_to_fit();
    }

    fn validate(&mut self, _book: &BookCx, _facts: &Facts, diags: &mut Diagnostics) {
        for (i, s) in self.list.iter().enumerate() {
            self.by_id.entry(s.id.name.clone()).or_insert(i);
        }
        self.check_outcomes(diags);
        self.check_declared(diags);
        // Which placeholders were used is checked; rendering needs only the
        // declared ones.
        self.used = BTreeSet::new();
    }

    fn render(&self, page: &Page, cx: &RenderCx, edits: &mut Vec<Edit>) {
        let start = self.list.partition_point(|s| s.page < page.index);
        for s in self.list[start..]
            .iter()
            .take_while(|s| s.page == page.index)
        {
            edits.extend(Edit::block(cx, s.range.clone(), self.render(s, cx)));
        }
    }
}
