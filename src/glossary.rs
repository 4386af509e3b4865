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

use crate::config::AutoLink;
use crate::diagnostics::{Diagnostics, Severity, SourceId, Span, closest};
use crate::markdown::TermRef;
use crate::pages::Page;
use crate::render::{Format, RenderCx, Template, Templates, escape, inline_html};
use aho_corasick::{AhoCorasick, Input, MatchKind};
use mdbook_markdown::MarkdownOptions;
use mdbook_markdown::pulldown_cmark::{Event, Tag};
use serde::Serialize;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

/// Templates this module renders with: the glossary page and one reference.
pub const TEMPLATES: &[Template] = &[
    ("glossary", include_str!("../templates/glossary.hbs")),
    (
        "glossary-term",
        include_str!("../templates/glossary-term.hbs"),
    ),
];

/// Styles for term references and the glossary page.
pub const CSS: &str = include_str!("../assets/glossary.css");

/// Behaviour for term references: tap to show, Escape to dismiss, and
/// tooltips kept inside the viewport.
pub const JS: &str = include_str!("../assets/glossary.js");

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
    /// The tooltip: the definition's first paragraph, as phrasing HTML.
    tip: String,
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

/// The book's glossary.
#[derive(Debug)]
pub struct Glossary {
    /// Sorted case-insensitively by term, as the glossary page lists them.
    entries: Vec<Entry>,
    /// Id → entry.
    ids: HashMap<String, usize>,
    /// Lowercased term, abbr or alias → entry.
    names: HashMap<String, usize>,
    /// The file, when it exists.
    file: Option<SourceId>,
    /// Where the file is expected, as the author sees it.
    display: PathBuf,
    /// The file is not valid TOML: references cannot be checked reliably.
    malformed: bool,
    /// Finds mentions of every name in one pass over a text.
    matcher: Option<Matcher>,
    /// The embedded `glossary-term.hbs` rendered per term and shape (has a
    /// link, has an anchor), with slots for the other values.
    shapes: RefCell<HashMap<(usize, bool, bool), Vec<Piece>>>,
    /// The glossary page's link from the chapter last rendered.
    last_link: RefCell<Option<(usize, String)>>,
}

/// The auto-link automaton, built once per book.
#[derive(Debug)]
struct Matcher {
    automaton: AhoCorasick,
    /// Per pattern: the entry and the name as written.
    patterns: Vec<(usize, String)>,
    /// How many entries have a pattern.
    entries: usize,
}

/// Which chapters use which terms, and the mentions auto-linking turns into
/// references: the result of [`Glossary::check_refs`].
#[derive(Debug, Default)]
pub struct Usage {
    /// Output path of the `{{#glossary}}` chapter.
    glossary_html: Option<String>,
    /// Index of the `{{#glossary}}` chapter.
    glossary_page: Option<usize>,
    /// Per entry: chapter → byte offset of the term's first use there.
    used_in: Vec<BTreeMap<usize, usize>>,
    /// Mentions linked automatically, in book order. Each is a reference by
    /// id whose shown text is the mention as written.
    auto: Vec<TermRef>,
}

impl Usage {
    /// The mentions auto-linking turns into references in chapter `page`.
    pub fn auto_links(&self, page: usize) -> impl Iterator<Item = &TermRef> {
        let start = self.auto.partition_point(|r| r.page < Some(page));
        self.auto[start..]
            .iter()
            .take_while(move |r| r.page == Some(page))
    }
}

/// Reads and checks the glossary file. A missing file is an empty glossary
/// (an error only once something uses it, see [`Glossary::check_refs`]).
pub fn load(
    path: &Path,
    display: &Path,
    options: &MarkdownOptions,
    diags: &mut Diagnostics,
) -> Glossary {
    let mut glossary = Glossary {
        entries: Vec::new(),
        ids: HashMap::new(),
        names: HashMap::new(),
        file: None,
        display: display.to_path_buf(),
        malformed: false,
        matcher: None,
        shapes: RefCell::new(HashMap::new()),
        last_link: RefCell::new(None),
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return glossary,
        Err(e) => {
            let source = diags.add_source(display, String::new());
            diags.file_problem(
                Severity::Error,
                source,
                format!("could not read the glossary: {e}"),
            );
            glossary.file = Some(source);
            glossary.malformed = true;
            return glossary;
        }
    };
    let source = diags.add_source(display, text.clone());
    glossary.file = Some(source);
    let (table, errors) = DeTable::parse_recoverable(&text);
    glossary.malformed = report_toml_errors(&text, source, &errors, diags);

    // In file order. A duplicated `[id]` keeps the later header's span but
    // the first table's fields: the first header is where the entry is.
    let headers = table_headers(&text);
    let mut items: Vec<_> = table
        .get_ref()
        .iter()
        .map(|(key, value)| {
            let first = headers
                .iter()
                .find(|(name, _)| name == key.get_ref().as_ref())
                .map(|(_, r)| r.clone());
            let at = first
                .filter(|f| f.start < key.span().start)
                .unwrap_or(key.span());
            (at, key, value)
        })
        .collect();
    items.sort_by_key(|(at, _, _)| at.start);
    let mut entries: Vec<Entry> = items
        .into_iter()
        .filter_map(|(at, key, value)| parse_entry(key, at, value, source, diags))
        .collect();
    check_names(&entries, source, diags);
    entries.sort_by(|a, b| {
        let key = |e: &Entry| (e.term.value.to_lowercase(), e.id.value.clone());
        key(a).cmp(&key(b))
    });
    glossary.entries = entries;
    // First wins; duplicates were reported above.
    for (i, entry) in glossary.entries.iter().enumerate() {
        glossary.ids.entry(entry.id.value.clone()).or_insert(i);
    }
    for (i, entry) in glossary.entries.iter().enumerate() {
        for (_, name) in entry.names() {
            glossary.names.entry(name.value.to_lowercase()).or_insert(i);
        }
    }
    glossary.check_definitions(&text, source, diags);
    glossary.render_tips(options);
    glossary.matcher = Matcher::build(&glossary.entries);
    glossary
}

/// Reports TOML syntax errors. A second `[id]` table is reported as a
/// duplicate id naming the first; the errors inside it that follow from the
/// duplicate are dropped. Returns whether there were other errors (then the
/// entries read may be incomplete).
fn report_toml_errors(
    text: &str,
    source: SourceId,
    errors: &[toml::de::Error],
    diags: &mut Diagnostics,
) -> bool {
    let mut malformed = false;
    let headers = table_headers(text);
    let mut duplicates: Vec<Range<usize>> = Vec::new();
    for e in errors {
        let range = e.span().unwrap_or(0..0);
        if duplicates.iter().any(|d| d.contains(&range.start)) {
            continue;
        }
        let message = e.message().trim();
        let header = headers.iter().position(|(_, key)| *key == range);
        if let (true, Some(at)) = (message.starts_with("duplicate key"), header) {
            let name = &headers[at].0;
            let first = headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, r)| r.clone());
            let body_end = headers.get(at + 1).map_or(text.len(), |(_, r)| r.start);
            duplicates.push(range.start..body_end);
            let d = diags
                .error(Span::new(source, range), format!("duplicate id `{name}`"))
                .help("each id names one entry; rename one of them or merge the two");
            if let Some(first) = first.filter(|f| *f != headers[at].1) {
                d.note(Span::new(source, first), "first defined here");
            }
            continue;
        }
        // A message about an unterminated string would span lines.
        let line_end = text[range.start.min(text.len())..]
            .find('\n')
            .map_or(text.len(), |i| range.start + i);
        let range = if range.start == line_end {
            range.start..range.start
        } else {
            range.start..range.end.min(line_end).max(range.start + 1)
        };
        diags
            .error(Span::new(source, range), format!("malformed glossary: {}", message.replace('\n', " ")))
            .help("the glossary is TOML: one `[id]` table per term, with `term = \"...\"` and `definition = \"...\"`");
        malformed = true;
    }
    malformed
}

/// The `[name]` table headers of a TOML text: the name and the span of the
/// key between the brackets, in order.
fn table_headers(text: &str) -> Vec<(String, Range<usize>)> {
    let mut headers = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(rest) = trimmed.strip_prefix('[').filter(|r| !r.starts_with('['))
            && let Some(close) = rest.find(']')
        {
            let inner = &rest[..close];
            let name = inner.trim();
            let start = offset + indent + 1 + (inner.len() - inner.trim_start().len());
            let unquoted = name.trim_matches(|c| c == '"' || c == '\'');
            headers.push((unquoted.to_string(), start..start + name.len()));
        }
        offset += line.len();
    }
    headers
}

/// Reads one `[id]` table, reporting every problem in it.
fn parse_entry(
    key: &toml::Spanned<toml::de::DeString<'_>>,
    id_span: Range<usize>,
    value: &toml::Spanned<DeValue<'_>>,
    source: SourceId,
    diags: &mut Diagnostics,
) -> Option<Entry> {
    let span = |r: Range<usize>| Span::new(source, r);
    let id = key.get_ref().to_string();
    let header = if id_span == key.span() {
        value.span()
    } else {
        id_span.clone()
    };
    let DeValue::Table(table) = value.get_ref() else {
        diags
            .error(
                span(id_span),
                format!(
                    "`{id}` is not a glossary entry: expected a table, found {}",
                    value.get_ref().type_str()
                ),
            )
            .help(format!(
                "write an entry as a table:\n[{}]\nterm = \"...\"\ndefinition = \"...\"",
                crate::attrs::slug(&id)
            ));
        return None;
    };
    if !crate::attrs::is_valid_id(&id) {
        let slug = crate::attrs::slug(&id);
        diags
            .error(span(id_span.clone()), format!("`{id}` is not a valid id"))
            .help(if slug.is_empty() {
                "ids are lowercase kebab-case: letters, digits and dashes, e.g. `rtos`".to_string()
            } else {
                format!("ids are lowercase kebab-case: letters, digits and dashes, e.g. `{slug}`")
            });
    }
    let mut entry = Entry {
        id: Text {
            value: id.clone(),
            span: id_span,
        },
        header,
        ..Entry::default()
    };
    let (mut has_term, mut has_definition) = (false, false);
    let mut fields: Vec<_> = table.iter().collect();
    fields.sort_by_key(|(k, _)| k.span().start);
    for (field, v) in fields {
        let name = field.get_ref().as_ref();
        match name {
            "term" => {
                has_term = true;
                entry.term = string(v, name, &id, source, diags).unwrap_or_default();
            }
            "definition" => {
                has_definition = true;
                entry.definition = string(v, name, &id, source, diags).unwrap_or_default();
            }
            "abbr" => {
                entry.abbr = string(v, name, &id, source, diags).filter(|t| !t.value.is_empty())
            }
            "aliases" => entry.aliases = strings(v, name, &id, source, diags),
            "see-also" => entry.see_also = strings(v, name, &id, source, diags),
            other => {
                diags
                    .error(
                        span(field.span()),
                        format!("unknown field `{other}` in `{id}`"),
                    )
                    .help(format!(
                        "{}n entry's fields are {}",
                        closest(other, FIELDS)
                            .map_or("a".to_string(), |s| format!("did you mean `{s}`? A")),
                        FIELDS.map(|f| format!("`{f}`")).join(", ")
                    ));
            }
        }
    }
    for (present, field, example) in [
        (has_term, "term", "term = \"Real-Time Operating System\""),
        (
            has_definition,
            "definition",
            "definition = \"An operating system that ...\"",
        ),
    ] {
        if !present {
            diags
                .error(
                    span(entry.header.clone()),
                    format!("`{id}` has no `{field}`"),
                )
                .help(format!("every entry needs a {field}, e.g. `{example}`"));
        }
    }
    Some(entry)
}

/// A string field; reports a wrong type or an empty value.
fn string(
    value: &toml::Spanned<DeValue<'_>>,
    field: &str,
    id: &str,
    source: SourceId,
    diags: &mut Diagnostics,
) -> Option<Text> {
    let DeValue::String(s) = value.get_ref() else {
        diags
            .error(
                Span::new(source, value.span()),
                format!(
                    "`{field}` of `{id}` must be a string, not {}",
                    article(value.get_ref().type_str())
                ),
            )
            .help(format!("write it in quotes: {field} = \"...\""));
        return None;
    };
    let text = Text {
        value: s.trim().to_string(),
        span: value.span(),
    };
    if text.value.is_empty() {
        diags
            .error(
                Span::new(source, value.span()),
                format!("`{field}` of `{id}` is empty"),
            )
            .help(if field == "abbr" {
                "write the abbreviation, or remove the `abbr` line".to_string()
            } else {
                format!("every entry needs a {field}")
            });
    }
    Some(text)
}

/// An array-of-strings field; reports a wrong type and empty strings.
fn strings(
    value: &toml::Spanned<DeValue<'_>>,
    field: &str,
    id: &str,
    source: SourceId,
    diags: &mut Diagnostics,
) -> Vec<Text> {
    let DeValue::Array(items) = value.get_ref() else {
        diags
            .error(
                Span::new(source, value.span()),
                format!(
                    "`{field}` of `{id}` must be an array of strings, not {}",
                    article(value.get_ref().type_str())
                ),
            )
            .help(format!("write it in brackets: {field} = [\"...\"]"));
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items.iter() {
        let DeValue::String(s) = item.get_ref() else {
            diags
                .error(
                    Span::new(source, item.span()),
                    format!(
                        "`{field}` of `{id}` must hold strings, not {}",
                        article(item.get_ref().type_str())
                    ),
                )
                .help("write each one in quotes");
            continue;
        };
        if s.trim().is_empty() {
            diags
                .error(
                    Span::new(source, item.span()),
                    format!("empty string in `{field}` of `{id}`"),
                )
                .help("remove it");
            continue;
        }
        out.push(Text {
            value: s.trim().to_string(),
            span: item.span(),
        });
    }
    out
}

fn article(type_name: &str) -> String {
    if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {type_name}")
    } else {
        format!("a {type_name}")
    }
}

/// Reports every id, term, abbr or alias that names two entries
/// (case-insensitively), in file order, naming the first place; and a name
/// an entry lists twice.
fn check_names(entries: &[Entry], source: SourceId, diags: &mut Diagnostics) {
    let mut seen: HashMap<String, (usize, &'static str, Range<usize>)> = HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        let all = std::iter::once(("id", &entry.id)).chain(entry.names());
        for (kind, name) in all {
            let lower = name.value.to_lowercase();
            match seen.get(&lower) {
                Some((first, first_kind, first_span)) if *first != i => {
                    let first_id = &entries[*first].id.value;
                    diags
                        .error(Span::new(source, name.span.clone()), format!("duplicate {kind} `{}`", name.value))
                        .note(
                            Span::new(source, first_span.clone()),
                            format!("already the {first_kind} of `{first_id}` here"),
                        )
                        .help("ids, terms, abbrs and aliases are compared case-insensitively, and each must name one entry");
                }
                Some((_, first_kind, first_span)) if kind != "id" && *first_kind != "id" => {
                    diags
                        .warning(
                            Span::new(source, name.span.clone()),
                            format!("`{}` is listed twice for `{}`", name.value, entry.id.value),
                        )
                        .note(
                            Span::new(source, first_span.clone()),
                            format!("already its {first_kind} here"),
                        )
                        .help(format!("remove this {kind}"));
                }
                Some(_) => {}
                None => {
                    seen.insert(lower, (i, kind, name.span.clone()));
                }
            }
        }
    }
}

impl Glossary {
    /// The entry `key` names: an id exactly, or a term, abbr or alias
    /// case-insensitively.
    fn lookup(&self, key: &str) -> Option<usize> {
        self.ids
            .get(key)
            .or_else(|| self.names.get(&key.to_lowercase()))
            .copied()
    }

    /// The id of the term `key` names: an id exactly, or a term, abbr or
    /// alias case-insensitively.
    pub fn resolve(&self, key: &str) -> Option<&str> {
        self.lookup(key).map(|i| self.entries[i].id.value.as_str())
    }

    /// The closest id, term, abbr or alias to an unknown key.
    fn suggest(&self, key: &str) -> Option<&str> {
        let candidates = self
            .entries
            .iter()
            .flat_map(|e| std::iter::once(&e.id).chain(e.names().map(|(_, n)| n)))
            .map(|t| t.value.as_str());
        closest(key, candidates)
    }

    /// Reports an unknown key at `r`'s key.
    /// Returns the entry suggested instead, if any.
    fn unknown(&self, r: &TermRef, diags: &mut Diagnostics) -> Option<usize> {
        if r.key.is_empty() {
            diags
                .error(r.key_span.clone(), "`{{#term}}` names no term")
                .help("write the term's id, term, abbr or alias: {{#term rtos}}");
            return None;
        }
        let suggestion = self.suggest(&r.key);
        let d = diags.error(r.key_span.clone(), format!("unknown term `{}`", r.key));
        match suggestion {
            Some(s) => d.suggest(Some(s)),
            None => d.help(format!(
                "no entry in `{}` has this id, term, abbr or alias: add one, or check the spelling",
                self.display.display()
            )),
        };
        suggestion.and_then(|s| self.lookup(s))
    }

    /// Finds and checks the references in every definition and the
    /// `see-also` ids.
    fn check_definitions(&mut self, text: &str, source: SourceId, diags: &mut Diagnostics) {
        let mut in_file_order: Vec<usize> = (0..self.entries.len()).collect();
        in_file_order.sort_by_key(|i| self.entries[*i].header.start);
        for i in in_file_order {
            let entry = &self.entries[i];
            let def = &entry.definition;
            let map = text
                .get(def.span.clone())
                .and_then(string_map)
                .filter(|(value, _)| value.trim() == def.value)
                .map(|(value, map)| {
                    (
                        value,
                        map.into_iter()
                            .map(|m| m + def.span.start)
                            .collect::<Vec<_>>(),
                    )
                });
            let refs: Vec<_> = TermRef::find_in(&def.value, 0, source, None)
                .into_iter()
                .map(|(local, mut r)| {
                    // Point into glossary.toml: exactly when the string's
                    // escapes are understood, else at the whole string.
                    let at = |range: Range<usize>| match &map {
                        Some((value, map)) => {
                            let lead = value.len() - value.trim_start().len();
                            map[range.start + lead]..map[range.end + lead]
                        }
                        None => def.span.clone(),
                    };
                    r.span.range = at(r.span.range.clone());
                    r.key_span.range = at(r.key_span.range.clone());
                    (local, r)
                })
                .collect();
            for (_, r) in &refs {
                if self.lookup(&r.key).is_none() {
                    self.unknown(r, diags);
                }
            }
            for see in &entry.see_also {
                if see.value == entry.id.value {
                    diags
                        .warning(
                            Span::new(source, see.span.clone()),
                            format!("`{}` lists itself in `see-also`", see.value),
                        )
                        .help("remove it");
                } else if !self.ids.contains_key(&see.value) {
                    let by_name = self
                        .lookup(&see.value)
                        .map(|i| self.entries[i].id.value.as_str());
                    let ids = self.entries.iter().map(|e| e.id.value.as_str());
                    let suggestion = by_name.or_else(|| closest(&see.value, ids));
                    diags
                        .error(
                            Span::new(source, see.span.clone()),
                            format!("`see-also` names an unknown id `{}`", see.value),
                        )
                        .suggest(suggestion)
                        .label("`see-also` takes ids of other entries");
                }
            }
            self.entries[i].refs = refs;
        }
    }

    /// Renders each entry's tooltip: its definition's first paragraph, with
    /// references shown as their text (a tooltip holds no links).
    fn render_tips(&mut self, options: &MarkdownOptions) {
        let tips: Vec<String> = self
            .entries
            .iter()
            .map(|entry| {
                let def = &entry.definition.value;
                let Some(first) = first_paragraph(def, options) else {
                    return String::new();
                };
                let fragments = entry
                    .refs
                    .iter()
                    .filter(|(local, _)| first.start <= local.start && local.end <= first.end)
                    .map(|(local, r)| {
                        let shown = r
                            .shown
                            .clone()
                            .unwrap_or_else(|| self.default_shown(&r.key));
                        (
                            local.start - first.start..local.end - first.start,
                            escape(&shown),
                        )
                    })
                    .collect();
                let mut tip = inline_html(&def[first.clone()], fragments, options);
                if !def[first.end..].trim().is_empty() {
                    tip.push_str(" …");
                }
                tip
            })
            .collect();
        for (entry, tip) in self.entries.iter_mut().zip(tips) {
            entry.tip = tip;
        }
    }

    /// The text a reference to `key` shows by default.
    fn default_shown(&self, key: &str) -> String {
        self.lookup(key)
            .map_or_else(|| key.to_string(), |i| self.entries[i].short().to_string())
    }

    /// Checks every reference of the book and records which chapter uses
    /// which term.
    ///
    /// `refs` are the explicit `{{#term}}`s of chapters, script lines and
    /// checklist items; `glossary_page` is the chapter and range of
    /// `{{#glossary}}`. Reports unknown keys (with a did-you-mean), a
    /// reference or `{{#glossary}}` without a glossary file, a glossary no
    /// page shows, and terms nothing uses. With `auto_link = first`, the
    /// first plain mention of each term in a chapter (not on the glossary
    /// page, not after an explicit reference to it) becomes a reference too.
    ///
    /// A term counts as used when a chapter, script line or checklist item
    /// references or auto-links it, or when the definition or `see-also` of
    /// a used term leads to it: removing such a term would break its user.
    pub fn check_refs(
        &self,
        refs: &[TermRef],
        pages: &[Page],
        glossary_page: Option<(usize, Range<usize>)>,
        auto_link: AutoLink,
        diags: &mut Diagnostics,
    ) -> Usage {
        let mut usage = Usage {
            glossary_html: glossary_page
                .as_ref()
                .and_then(|(p, _)| pages.get(*p))
                .map(Page::html_path),
            glossary_page: glossary_page.as_ref().map(|(p, _)| *p),
            used_in: vec![BTreeMap::new(); self.entries.len()],
            auto: Vec::new(),
        };
        // In book order, whoever collected them.
        let mut refs: Vec<&TermRef> = refs.iter().collect();
        refs.sort_by_key(|r| (r.page, r.span.range.start));
        let Some(file) = self.file else {
            let expected = self.display.display();
            if let Some((p, range)) = &glossary_page
                && let Some(page) = pages.get(*p)
            {
                diags
                    .error(page.span(range.clone()), format!("`{{{{#glossary}}}}` shows the glossary, but `{expected}` does not exist"))
                    .help(format!("create `{expected}` with an entry per term: [rtos] term = \"...\" definition = \"...\""));
            }
            for r in refs {
                diags
                    .error(
                        r.key_span.clone(),
                        format!("unknown term `{}`: the book has no glossary", r.key),
                    )
                    .help(format!("create `{expected}` with an entry for this term"));
            }
            return usage;
        };
        let mut first_ref: HashMap<(usize, usize), usize> = HashMap::new();
        // Terms suggested for a misspelt reference: not also reported unused.
        let mut suggested = BTreeSet::new();
        for r in &refs {
            let Some(entry) = self.lookup(&r.key) else {
                if !self.malformed {
                    suggested.extend(self.unknown(r, diags));
                }
                continue;
            };
            if let Some(page) = r.page {
                // Only a reference that is a link (not one in a heading)
                // stops auto-linking later mentions.
                if pages
                    .get(page)
                    .is_some_and(|p| !in_heading_or_link(p, &r.span.range))
                {
                    let at = first_ref.entry((page, entry)).or_insert(r.span.range.start);
                    *at = (*at).min(r.span.range.start);
                }
                if Some(page) != usage.glossary_page {
                    usage.record(entry, page, r.span.range.start);
                }
            }
        }
        if auto_link == AutoLink::First
            && let Some(matcher) = &self.matcher
        {
            let glossary_page = usage.glossary_page;
            for page in pages.iter().filter(|p| Some(p.index) != glossary_page) {
                let found = matcher.mentions(page, diags.text(page.source), |entry| {
                    first_ref.get(&(page.index, entry)).copied()
                });
                for (entry, range) in found {
                    usage.record(entry, page.index, range.start);
                    let shown = diags.text(page.source)[range.clone()].to_string();
                    usage.auto.push(TermRef {
                        key: self.entries[entry].id.value.clone(),
                        shown: Some(shown),
                        span: page.span(range.clone()),
                        key_span: page.span(range),
                        page: Some(page.index),
                    });
                }
            }
        }
        if self.malformed {
            return usage;
        }
        let referenced = usage.used_in.iter().any(|u| !u.is_empty());
        if usage.glossary_page.is_none() && referenced {
            diags
                .file_problem(
                    Severity::Warning,
                    file,
                    "the book has a glossary but no page shows it: term references show their definition, but link nowhere",
                )
                .help("add a chapter holding `{{#glossary}}` to SUMMARY.md");
        }
        self.warn_unused(&usage, &suggested, auto_link, file, diags);
        usage
    }

    /// Warns about every term no chapter, script or checklist reaches.
    fn warn_unused(
        &self,
        usage: &Usage,
        suggested: &BTreeSet<usize>,
        auto_link: AutoLink,
        file: SourceId,
        diags: &mut Diagnostics,
    ) {
        let mut reached: Vec<bool> = usage
            .used_in
            .iter()
            .enumerate()
            .map(|(i, u)| !u.is_empty() || suggested.contains(&i))
            .collect();
        let mut queue: Vec<usize> = (0..self.entries.len()).filter(|i| reached[*i]).collect();
        while let Some(i) = queue.pop() {
            let entry = &self.entries[i];
            let next = entry
                .refs
                .iter()
                .filter_map(|(_, r)| self.lookup(&r.key))
                .chain(
                    entry
                        .see_also
                        .iter()
                        .filter_map(|s| self.ids.get(&s.value).copied()),
                );
            for n in next {
                if !reached[n] {
                    reached[n] = true;
                    queue.push(n);
                }
            }
        }
        let mut unused: Vec<&Entry> = self
            .entries
            .iter()
            .zip(&reached)
            .filter(|(_, r)| !**r)
            .map(|(e, _)| e)
            .collect();
        unused.sort_by_key(|e| e.id.span.start);
        for entry in unused {
            let id = &entry.id.value;
            let how = match auto_link {
                AutoLink::First => format!(
                    "reference it with `{{{{#term {id}}}}}` or mention \"{}\" in a chapter",
                    entry.term.value
                ),
                AutoLink::None => format!("reference it with `{{{{#term {id}}}}}` in a chapter"),
            };
            diags
                .warning(
                    Span::new(file, entry.id.span.clone()),
                    format!("term `{id}` is never used"),
                )
                .label("no chapter, script or checklist uses it")
                .help(format!("{how}, or remove it from the glossary"));
        }
    }

    /// Renders a reference (explicit or auto-linked) in chapter `from`.
    ///
    /// HTML: a link to the entry on the glossary page (a focusable span when
    /// the book has no glossary page) with the definition in a tooltip next
    /// to it. Inside a heading, link or image it is just the text. Other
    /// renderers get the text.
    pub fn render_ref(
        &self,
        r: &TermRef,
        from: &Page,
        usage: &Usage,
        format: Format,
        templates: &Templates,
    ) -> Result<String, String> {
        let Some(index) = self.lookup(&r.key) else {
            return Ok(r.shown.clone().unwrap_or_else(|| r.key.clone()));
        };
        let entry = &self.entries[index];
        let shown = r.shown.clone().unwrap_or_else(|| entry.short().to_string());
        if format != Format::Html {
            return Ok(shown);
        }
        // The first use of a term in a chapter is what "used in" links to.
        let anchor = (r.page == Some(from.index)
            && usage.used_in.get(index).and_then(|u| u.get(&from.index))
                == Some(&r.span.range.start))
        .then(|| format!("handbook-ref-{}", entry.id.value));
        if r.page == Some(from.index) && in_heading_or_link(from, &r.span.range) {
            return Ok(match anchor {
                Some(anchor) => format!("<span id=\"{anchor}\">{}</span>", inert(&escape(&shown))),
                None => inert(&escape(&shown)),
            });
        }
        let values = RefValues {
            href: self
                .glossary_link(from, usage)
                .map(|base| format!("{base}#term-{}", entry.id.value)),
            anchor,
            tip_id: format!(
                "handbook-tip-{}{}-{}",
                if r.page.is_none() { "d" } else { "" },
                r.span.range.start,
                entry.id.value
            ),
            shown,
        };
        // The embedded template is rendered once per term and shape (with a
        // link or not, with an anchor or not), with the other values as
        // slots that each reference fills in. A book's own template may look
        // at the values, so it is rendered for every reference.
        if templates.is_overridden("glossary-term") {
            return self.render_term_template(entry, &values, templates);
        }
        let shape = (index, values.href.is_some(), values.anchor.is_some());
        if let Some(pieces) = self.shapes.borrow().get(&shape) {
            return Ok(assemble(pieces, &values));
        }
        let slotted = RefValues {
            href: values.href.as_ref().map(|_| SLOT_HREF.to_string()),
            anchor: values.anchor.as_ref().map(|_| SLOT_ANCHOR.to_string()),
            tip_id: SLOT_TIP_ID.to_string(),
            shown: SLOT_SHOWN.to_string(),
        };
        let pieces = pieces_of(&self.render_term_template(entry, &slotted, templates)?);
        let html = assemble(&pieces, &values);
        debug_assert_eq!(
            Ok(&html),
            self.render_term_template(entry, &values, templates)
                .as_ref()
        );
        self.shapes.borrow_mut().insert(shape, pieces);
        Ok(html)
    }

    /// The glossary page relative to chapter `from` (empty on the page
    /// itself), remembered for the chapter being rendered.
    fn glossary_link(&self, from: &Page, usage: &Usage) -> Option<String> {
        let glossary = usage.glossary_html.as_ref()?;
        let mut last = self.last_link.borrow_mut();
        match &*last {
            Some((page, link)) if *page == from.index => Some(link.clone()),
            _ => {
                let link = if usage.glossary_page == Some(from.index) {
                    String::new()
                } else {
                    from.link_to(glossary, None)
                };
                *last = Some((from.index, link.clone()));
                Some(link)
            }
        }
    }

    /// Renders `glossary-term.hbs` for one reference, as one line of HTML
    /// that markdown leaves alone.
    fn render_term_template(
        &self,
        entry: &Entry,
        values: &RefValues,
        templates: &Templates,
    ) -> Result<String, String> {
        let html = templates.render(
            "glossary-term",
            &serde_json::json!({
                "href": values.href,
                "anchor": values.anchor,
                "tip_id": values.tip_id,
                "shown": values.shown,
                "id": entry.id.value,
                "term": entry.term.value,
                "abbr": entry.abbr.as_ref().map(|a| &a.value),
                "tip": entry.tip,
            }),
        )?;
        Ok(inert(&join_lines(&html)))
    }

    /// Renders `{{#glossary}}`: every entry, sorted by term, with a letter
    /// index, definitions, see-also links and "used in" backlinks.
    pub fn render_page(&self, usage: &Usage, cx: &RenderCx) -> Result<String, String> {
        match cx.format {
            Format::Html => self.render_page_html(usage, cx),
            Format::Markdown => Ok(self.render_page_markdown(usage, cx)),
        }
    }

    fn render_page_html(&self, usage: &Usage, cx: &RenderCx) -> Result<String, String> {
        #[derive(Serialize)]
        struct Link {
            text: String,
            href: String,
        }
        #[derive(Serialize)]
        struct PageEntry<'a> {
            id: &'a str,
            term: &'a str,
            abbr: Option<&'a str>,
            aliases: Vec<&'a str>,
            definition: String,
            see_also: Vec<Link>,
            /// Links to the chapters that use the term, as HTML.
            used_in: String,
        }
        #[derive(Serialize)]
        struct Letter<'a> {
            letter: String,
            anchor: String,
            entries: Vec<PageEntry<'a>>,
        }
        let paths: Vec<String> = cx.pages.iter().map(Page::html_path).collect();
        let mut letters: Vec<Letter> = Vec::new();
        for (index, entry) in self.entries.iter().enumerate() {
            let mut fragments = Vec::with_capacity(entry.refs.len());
            for (local, r) in &entry.refs {
                fragments.push((
                    local.clone(),
                    self.render_ref(r, cx.page, usage, cx.format, cx.templates)?,
                ));
            }
            let see_also = entry
                .see_also
                .iter()
                .filter_map(|s| self.ids.get(&s.value))
                .map(|i| Link {
                    text: self.entries[*i].term.value.clone(),
                    href: format!("#term-{}", self.entries[*i].id.value),
                })
                .collect();
            let anchor = format!("handbook-ref-{}", entry.id.value);
            // Pre-rendered: a term may be used in a thousand chapters.
            let mut used_in = String::new();
            for (i, p) in usage.used_in[index]
                .keys()
                .filter_map(|p| cx.pages.get(*p))
                .enumerate()
            {
                if i > 0 {
                    used_in.push_str(", ");
                }
                let href = cx.page.link_to(&paths[p.index], Some(&anchor));
                let _ = write!(
                    used_in,
                    "<a href=\"{}\">{}</a>",
                    escape(&href),
                    escape(&p.name)
                );
            }
            let page_entry = PageEntry {
                id: &entry.id.value,
                term: &entry.term.value,
                abbr: entry.abbr.as_ref().map(|a| a.value.as_str()),
                aliases: entry.aliases.iter().map(|a| a.value.as_str()).collect(),
                definition: inline_html(&entry.definition.value, fragments, cx.markdown),
                see_also,
                used_in,
            };
            let (letter, anchor) = letter_of(&entry.term.value);
            match letters.last_mut() {
                Some(last) if last.letter == letter => last.entries.push(page_entry),
                _ => letters.push(Letter {
                    letter,
                    anchor,
                    entries: vec![page_entry],
                }),
            }
        }
        cx.template("glossary", &serde_json::json!({ "letters": letters }))
    }

    /// A definition list: `**Term** (ABBR)` then `: definition`, with the
    /// aliases, see-also and "used in" chapters as more definitions.
    fn render_page_markdown(&self, usage: &Usage, cx: &RenderCx) -> String {
        let mut out = Vec::with_capacity(self.entries.len());
        for (index, entry) in self.entries.iter().enumerate() {
            let mut item = format!("**{}**", entry.term.value);
            if let Some(abbr) = &entry.abbr {
                item.push_str(&format!(" ({})", abbr.value));
            }
            // Raw HTML is escaped here too (with any reference inside it):
            // a definition's markup never reaches a page as markup.
            let def = &entry.definition.value;
            let html = raw_html_ranges(def, cx.markdown);
            let mut edits: Vec<_> = html
                .iter()
                .map(|r| (r.clone(), escape(&def[r.clone()])))
                .collect();
            for (local, r) in &entry.refs {
                if !html
                    .iter()
                    .any(|h| h.start < local.end && local.start < h.end)
                {
                    let shown = r
                        .shown
                        .clone()
                        .unwrap_or_else(|| self.default_shown(&r.key));
                    edits.push((local.clone(), shown));
                }
            }
            let definition = crate::markdown::splice(def, edits);
            item.push_str("\n: ");
            item.push_str(&indent_continuation(definition.trim()));
            if !entry.aliases.is_empty() {
                let aliases: Vec<_> = entry.aliases.iter().map(|a| a.value.as_str()).collect();
                item.push_str(&format!("\n: Also called: {}.", aliases.join(", ")));
            }
            let see_also: Vec<_> = entry
                .see_also
                .iter()
                .filter_map(|s| self.ids.get(&s.value))
                .map(|i| self.entries[*i].term.value.as_str())
                .collect();
            if !see_also.is_empty() {
                item.push_str(&format!("\n: See also: {}.", see_also.join(", ")));
            }
            let used_in: Vec<_> = usage.used_in[index]
                .keys()
                .filter_map(|p| cx.pages.get(*p))
                .map(|p| format!("[{}]({})", p.name, relative_md(&cx.page.path, &p.path)))
                .collect();
            if !used_in.is_empty() {
                item.push_str(&format!("\n: Used in: {}.", used_in.join(", ")));
            }
            out.push(item);
        }
        out.join("\n\n")
    }
}

impl Usage {
    fn record(&mut self, entry: usize, page: usize, offset: usize) {
        let at = self.used_in[entry].entry(page).or_insert(offset);
        *at = (*at).min(offset);
    }
}

impl Matcher {
    /// One automaton for every term, abbr and alias: leftmost-longest, ASCII
    /// case-insensitive (case is checked per match, see [`case_matches`]).
    fn build(entries: &[Entry]) -> Option<Matcher> {
        let mut seen = BTreeSet::new();
        let patterns: Vec<(usize, String)> = entries
            .iter()
            .enumerate()
            .flat_map(|(i, e)| e.names().map(move |(_, n)| (i, n.value.clone())))
            .filter(|(_, name)| seen.insert(name.clone()))
            .collect();
        if patterns.is_empty() {
            return None;
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(patterns.iter().map(|(_, p)| p))
            .ok()?;
        let entries = patterns
            .iter()
            .map(|(e, _)| *e)
            .collect::<BTreeSet<_>>()
            .len();
        Some(Matcher {
            automaton,
            patterns,
            entries,
        })
    }

    /// The first plain-text mention of each term in a chapter: the entry and
    /// the bytes to link. Mentions are whole words (a plural `s`/`es` is
    /// included), never inside a directive, and never at or after an
    /// explicit reference to the same term (`explicit_at` gives its offset).
    fn mentions(
        &self,
        page: &Page,
        text: &str,
        explicit_at: impl Fn(usize) -> Option<usize>,
    ) -> Vec<(usize, Range<usize>)> {
        let mut linked = vec![false; self.patterns.iter().map(|(e, _)| e + 1).max().unwrap_or(0)];
        let mut found: Vec<(usize, Range<usize>)> = Vec::new();
        // Where directives are (with an escape's backslash), merged into
        // sorted, disjoint ranges.
        let mut directives: Vec<Range<usize>> = Vec::new();
        for d in &page.scan.inline {
            let range = d.range.start.saturating_sub(usize::from(d.escaped))..d.range.end;
            match directives.last_mut() {
                Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
                _ => directives.push(range),
            }
        }
        for run in &page.scan.text {
            let mut at = run.range.start;
            while found.len() < self.entries {
                let input = Input::new(text).span(at..run.range.end);
                let Some(m) = self.automaton.find(input) else {
                    break;
                };
                let (entry, pattern) = &self.patterns[m.pattern().as_usize()];
                if linked[*entry] {
                    at = m.end();
                    continue;
                }
                let end = plural_end(text, m.end(), run.range.end);
                let whole_word =
                    !is_word_char_before(text, m.start()) && !is_word_char_at(text, end);
                if !whole_word || !case_matches(pattern, &text[m.start()..m.end()]) {
                    at = next_char(text, m.start());
                    continue;
                }
                at = end;
                let first_after = directives.partition_point(|d| d.end <= m.start());
                let inside_directive = directives.get(first_after).is_some_and(|d| d.start < end);
                let after_explicit = explicit_at(*entry).is_some_and(|e| e < m.start());
                if inside_directive || after_explicit {
                    continue;
                }
                linked[*entry] = true;
                found.push((*entry, m.start()..end));
            }
        }
        found.sort_by_key(|(_, r)| r.start);
        found
    }
}

/// Whether a match in ASCII-insensitive mode is a real mention. A word of the
/// name that has capitals beyond its first letter (RTOS, FreeRTOS) or is a
/// single capital (C) must be written exactly so; other words in any case
/// (`Real-Time` matches `real-time`). So "RTOS" never links "rtos" or "Rtos".
fn case_matches(pattern: &str, found: &str) -> bool {
    let words = |s| str::split(s, |c: char| !c.is_alphanumeric());
    words(pattern).zip(words(found)).all(|(p, f)| {
        let mut chars = p.chars();
        let first_upper = chars.next().is_some_and(char::is_uppercase);
        let strict =
            chars.clone().any(char::is_uppercase) || (first_upper && p.chars().count() == 1);
        !strict || p == f
    })
}

/// Extends a match over a plural `s` or `es` when that ends the word.
fn plural_end(text: &str, end: usize, limit: usize) -> usize {
    if !text[..end].ends_with(|c: char| c.is_alphabetic()) {
        return end;
    }
    for suffix in ["s", "es"] {
        let after = end + suffix.len();
        if after <= limit && text[end..].starts_with(suffix) && !is_word_char_at(text, after) {
            return after;
        }
    }
    end
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_word_char_before(text: &str, at: usize) -> bool {
    text[..at].chars().next_back().is_some_and(is_word)
}

fn is_word_char_at(text: &str, at: usize) -> bool {
    text[at..].chars().next().is_some_and(is_word)
}

fn next_char(text: &str, at: usize) -> usize {
    at + text[at..].chars().next().map_or(1, char::len_utf8)
}

/// Whether a reference in a chapter stands in a heading, link, image or raw
/// HTML element, where it can only be text (not a link with a tooltip).
fn in_heading_or_link(page: &Page, range: &Range<usize>) -> bool {
    // Only a `{{#term}}` of the chapter's own text can be: the others are
    // rendered by a directive (a script line, a checklist item) as running text.
    let inline = &page.scan.inline;
    let i = inline.partition_point(|d| d.range.start < range.start);
    if inline.get(i).is_none_or(|d| d.range != *range || d.in_code) {
        return false;
    }
    let runs = &page.scan.text;
    let i = runs.partition_point(|r| r.range.end <= range.start);
    runs.get(i).is_none_or(|r| r.range.start > range.start)
}

/// The byte range of a definition's first block, when it is a paragraph.
fn first_paragraph(markdown: &str, options: &MarkdownOptions) -> Option<Range<usize>> {
    let (event, range) = mdbook_markdown::new_cmark_parser(markdown, options)
        .into_offset_iter()
        .next()?;
    matches!(event, Event::Start(Tag::Paragraph)).then(|| {
        let text = &markdown[range.clone()];
        range.start..range.start + text.trim_end().len()
    })
}

/// Where raw HTML is in a piece of markdown.
fn raw_html_ranges(markdown: &str, options: &MarkdownOptions) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for (event, range) in mdbook_markdown::new_cmark_parser(markdown, options).into_offset_iter() {
        if matches!(event, Event::Html(_) | Event::InlineHtml(_)) {
            match ranges.last_mut() {
                Some(last) if last.end >= range.start => last.end = last.end.max(range.end),
                _ => ranges.push(range),
            }
        }
    }
    ranges
}

/// The index letter of a term and its section's anchor: the first letter,
/// capitalised; `#` for a term that starts with anything else.
fn letter_of(term: &str) -> (String, String) {
    match term.chars().next().filter(|c| c.is_alphabetic()) {
        Some(c) => {
            let letter: String = c.to_uppercase().collect();
            let anchor = format!("glossary-{}", letter.to_lowercase());
            (letter, anchor)
        }
        None => ("#".to_string(), "glossary-other".to_string()),
    }
}

/// What differs from one reference to the next of the same term.
struct RefValues {
    href: Option<String>,
    anchor: Option<String>,
    tip_id: String,
    shown: String,
}

// Stand-ins for the per-reference values (private-use characters: nothing
// escapes or produces them).
const SLOT_HREF: char = '\u{E020}';
const SLOT_ANCHOR: char = '\u{E021}';
const SLOT_TIP_ID: char = '\u{E022}';
const SLOT_SHOWN: char = '\u{E023}';

/// A reference's HTML: fixed text, or a slot for one of its values (and
/// whether the slot is inside a tag).
#[derive(Debug)]
enum Piece {
    Text(String),
    Slot(char, bool),
}

/// Cuts rendered HTML at its slots.
fn pieces_of(html: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ => {}
        }
        if matches!(c, SLOT_HREF | SLOT_ANCHOR | SLOT_TIP_ID | SLOT_SHOWN) {
            pieces.push(Piece::Text(std::mem::take(&mut text)));
            pieces.push(Piece::Slot(c, in_tag));
        } else {
            text.push(c);
        }
    }
    pieces.push(Piece::Text(text));
    pieces
}

/// Fills the slots with one reference's values, escaped as the template
/// would have.
fn assemble(pieces: &[Piece], values: &RefValues) -> String {
    let mut out = String::with_capacity(
        pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.len(),
                Piece::Slot(..) => 40,
            })
            .sum(),
    );
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Slot(slot, in_tag) => {
                let value = match *slot {
                    SLOT_HREF => values.href.as_deref(),
                    SLOT_ANCHOR => values.anchor.as_deref(),
                    SLOT_TIP_ID => Some(values.tip_id.as_str()),
                    _ => Some(values.shown.as_str()),
                };
                push_escaped_inert(&mut out, value.unwrap_or_default(), *in_tag);
            }
        }
    }
    out
}

/// Lines of a template's output, trimmed and joined: a reference stands in
/// running text, on one line.
fn join_lines(html: &str) -> String {
    html.lines().map(str::trim).collect()
}

/// HTML spliced into a markdown paragraph is still read as markdown between
/// its tags, so characters markdown (or a table, or mdBook's `{{#...}}`)
/// would act on become character references. Newlines become spaces.
fn inert(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 16);
    push_inert(&mut out, html, false);
    out
}

/// [`inert`], appending to `out`, starting inside a tag or not.
fn push_inert(out: &mut String, html: &str, mut in_tag: bool) {
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ => {}
        }
        match c {
            '\n' | '\r' => out.push(' '),
            '|' | '{' | '}' => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            '\\' | '*' | '_' | '`' | '[' | ']' | '~' | '$' | '!' if !in_tag => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            _ => out.push(c),
        }
    }
}

/// `push_inert(out, &escape(text), in_tag)` in one pass: the characters
/// handlebars escapes become its character references.
fn push_escaped_inert(out: &mut String, text: &str, in_tag: bool) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&#x27;"),
            '`' => out.push_str("&#x60;"),
            '=' => out.push_str("&#x3D;"),
            _ => {
                let mut buf = [0; 4];
                push_inert(out, c.encode_utf8(&mut buf), in_tag);
            }
        }
    }
}

/// Indents every line after the first so a multi-paragraph definition stays
/// inside its `: ` item.
fn indent_continuation(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.trim().is_empty() {
                out.push_str("  ");
            }
        }
        out.push_str(line);
    }
    out
}

/// A relative link from one chapter's source file to another's.
fn relative_md(from: &Path, to: &Path) -> String {
    let parts = |p: &Path| {
        p.iter()
            .map(|c| c.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
    };
    let (from, to) = (parts(from), parts(to));
    let from_dir = &from[..from.len().saturating_sub(1)];
    let common = from_dir.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = "../".repeat(from_dir.len() - common);
    out.push_str(&to[common..].join("/"));
    out
}

/// Decodes a TOML string as written (quotes included) and maps each byte of
/// the value, and its end, to the offset in `raw` it was written at (an escape
/// maps to its backslash). `None` when it is not a string this understands.
fn string_map(raw: &str) -> Option<(String, Vec<usize>)> {
    let (delimiter, basic) = [("\"\"\"", true), ("'''", false), ("\"", true), ("'", false)]
        .into_iter()
        .find(|(d, _)| raw.starts_with(d) && raw.len() >= 2 * d.len() && raw.ends_with(d))?;
    let multi = delimiter.len() == 3;
    let end = raw.len() - delimiter.len();
    let mut i = delimiter.len();
    if multi {
        i += if raw[i..].starts_with("\r\n") {
            2
        } else {
            usize::from(raw[i..].starts_with('\n'))
        };
    }
    let mut value = String::new();
    let mut map = Vec::new();
    while i < end {
        let c = raw[i..].chars().next()?;
        if c != '\\' || !basic {
            value.push(c);
            map.extend((0..c.len_utf8()).map(|k| i + k));
            i += c.len_utf8();
            continue;
        }
        let rest = &raw[i + 1..end];
        let escape_char = rest.chars().next()?;
        let (decoded, len) = match escape_char {
            'b' => (Some('\u{8}'), 2),
            't' => (Some('\t'), 2),
            'n' => (Some('\n'), 2),
            'f' => (Some('\u{c}'), 2),
            'r' => (Some('\r'), 2),
            'e' => (Some('\u{1b}'), 2),
            '"' => (Some('"'), 2),
            '\\' => (Some('\\'), 2),
            'x' | 'u' | 'U' => {
                let digits = match escape_char {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex = rest.get(1..1 + digits)?;
                let code = u32::from_str_radix(hex, 16).ok()?;
                (Some(char::from_u32(code)?), 2 + digits)
            }
            ' ' | '\t' | '\r' | '\n' if multi => {
                let skipped = rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n']).len();
                (None, 1 + skipped)
            }
            _ => return None,
        };
        if let Some(d) = decoded {
            value.push(d);
            map.extend(std::iter::repeat_n(i, d.len_utf8()));
        }
        i += len;
    }
    map.push(end);
    Some((value, map))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::scan;

    const GLOSSARY: &str = r#"[rtos]
term = "Real-Time Operating System"
abbr = "RTOS"
aliases = ["real-time OS"]
definition = "An OS with deterministic timing; see {{#term isr}}."
see-also = ["isr"]

[isr]
term = "Interrupt Service Routine"
abbr = "ISR"
definition = """
Runs when an \"interrupt\" fires; keep it short (see {{#term RTOS|the OS}}).

More detail."""

[firmware]
term = "firmware"
definition = "Software in ROM."
"#;

    fn load_text(text: &str) -> (Glossary, Diagnostics) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("glossary.toml");
        std::fs::write(&path, text).unwrap();
        let mut diags = Diagnostics::new();
        let g = load(
            &path,
            Path::new("src/glossary.toml"),
            &MarkdownOptions::default(),
            &mut diags,
        );
        (g, diags)
    }

    fn messages(diags: &Diagnostics) -> Vec<String> {
        diags
            .items()
            .iter()
            .map(|d| {
                let at = d
                    .range
                    .as_ref()
                    .map_or(String::new(), |r| diags.location(d.source, r.start));
                format!("{at}: {}", d.message)
            })
            .collect()
    }

    #[test]
    fn keys_resolve_by_id_exactly_and_names_in_any_case() {
        let (g, diags) = load_text(GLOSSARY);
        assert!(diags.items().is_empty(), "{}", diags.render(false));
        for (key, id) in [
            ("rtos", Some("rtos")),
            ("RTOS", Some("rtos")),
            ("Rtos", Some("rtos")),
            ("real-time operating system", Some("rtos")),
            ("Real-Time OS", Some("rtos")),
            ("isr", Some("isr")),
            ("Interrupt service routine", Some("isr")),
            ("FIRMWARE", Some("firmware")),
            ("rots", None),
            ("", None),
        ] {
            assert_eq!(g.resolve(key), id, "{key}");
        }
    }

    #[test]
    fn suggestions_consider_ids_terms_abbrs_and_aliases() {
        let (g, _) = load_text(GLOSSARY);
        for (key, suggestion) in [
            ("rots", Some("rtos")),
            ("firmwre", Some("firmware")),
            ("real-time O", Some("real-time OS")),
            (
                "Interupt Service Routine",
                Some("Interrupt Service Routine"),
            ),
            ("bootloader", None),
        ] {
            assert_eq!(g.suggest(key), suggestion, "{key}");
        }
    }

    #[test]
    fn entries_are_sorted_by_term_case_insensitively() {
        let (g, _) = load_text(GLOSSARY);
        let terms: Vec<_> = g.entries.iter().map(|e| e.term.value.as_str()).collect();
        assert_eq!(
            terms,
            [
                "firmware",
                "Interrupt Service Routine",
                "Real-Time Operating System"
            ]
        );
        assert_eq!(letter_of("firmware"), ("F".into(), "glossary-f".into()));
        assert_eq!(letter_of("2FA"), ("#".into(), "glossary-other".into()));
        assert_eq!(letter_of("élan"), ("É".into(), "glossary-é".into()));
    }

    #[test]
    fn definition_references_point_into_the_file_through_escapes() {
        let (g, diags) = load_text(&GLOSSARY.replace("{{#term RTOS|", "{{#term RTOX|"));
        let out = messages(&diags);
        // Line 12: `Runs when an \"interrupt\" fires; keep it short (see {{#term RTOX|the OS}}).`
        let line = GLOSSARY.lines().nth(11).unwrap();
        let col = line.find("RTOS|").unwrap() + 1;
        assert_eq!(
            out,
            [format!("src/glossary.toml:12:{col}: unknown term `RTOX`")]
        );
        let isr = &g.entries[g.ids["isr"]];
        assert_eq!(
            isr.tip,
            "Runs when an “interrupt” fires; keep it short (see the OS). …"
        );
    }

    #[test]
    fn string_map_follows_toml_escapes() {
        for raw in [
            r#""plain é""#,
            r#"'lit\eral'"#,
            r#""a\"b\\c\u00e9d\x41\U0001F600e""#,
            "\"\"\"\nmulti \\\n   line\r\nend\"\"\"",
            "'''\r\nraw \\n'''",
        ] {
            let (value, map) = string_map(raw).unwrap();
            let expected: String =
                toml::from_str::<toml::Table>(&format!("v = {raw}")).unwrap()["v"]
                    .as_str()
                    .unwrap()
                    .to_string();
            assert_eq!(value, expected, "{raw}");
            assert_eq!(map.len(), value.len() + 1);
            // Characters map to themselves, or to the backslash of their escape.
            for (i, c) in value.char_indices() {
                let at = raw[map[i]..].chars().next().unwrap();
                assert!(at == c || at == '\\', "{raw} at {i}: {at} for {c}");
            }
        }
        assert!(string_map("123").is_none());
    }

    #[test]
    fn every_problem_in_the_file_is_reported_at_its_place() {
        let text = r#"notatable = 3
[rtos]
term = "Real-Time Operating System"
abbr = "RTOS"
defintion = "x"

[Bad_Id]
term = ""
definition = "ok"
aliases = ["rtos", 3, ""]

[isr]
term = "ISR"
abbr = ""
definition = "Uses {{#term rots}}."
see-also = ["rtos", "isr", "nope", "Real-Time Operating System"]
"#;
        let (_, diags) = load_text(text);
        assert_eq!(
            messages(&diags),
            [
                "src/glossary.toml:1:1: `notatable` is not a glossary entry: expected a table, found integer",
                "src/glossary.toml:5:1: unknown field `defintion` in `rtos`",
                "src/glossary.toml:2:1: `rtos` has no `definition`",
                "src/glossary.toml:7:2: `Bad_Id` is not a valid id",
                "src/glossary.toml:8:8: `term` of `Bad_Id` is empty",
                "src/glossary.toml:10:20: `aliases` of `Bad_Id` must hold strings, not an integer",
                "src/glossary.toml:10:23: empty string in `aliases` of `Bad_Id`",
                "src/glossary.toml:14:8: `abbr` of `isr` is empty",
                "src/glossary.toml:10:12: duplicate alias `rtos`",
                "src/glossary.toml:15:28: unknown term `rots`",
                "src/glossary.toml:16:21: `isr` lists itself in `see-also`",
                "src/glossary.toml:16:28: `see-also` names an unknown id `nope`",
                "src/glossary.toml:16:36: `see-also` names an unknown id `Real-Time Operating System`",
            ]
        );
        let out = diags.render(false);
        assert!(out.contains("did you mean `definition`?"), "{out}");
        assert!(out.contains("e.g. `bad-id`"), "{out}");
        assert!(out.contains("already the id of `rtos` here"), "{out}");
        assert!(out.contains("did you mean `rtos`?"), "{out}");
    }

    #[test]
    fn duplicates_across_entries_name_both_places() {
        let text = "[a]\nterm = \"Alpha\"\nabbr = \"AL\"\ndefinition = \"x\"\n\n[b]\nterm = \"alpha\"\naliases = [\"al\", \"A\", \"Beta\", \"beta\"]\ndefinition = \"y\"\n\n[a]\nterm = \"Again\"\n";
        let (g, diags) = load_text(text);
        assert_eq!(
            messages(&diags),
            [
                "src/glossary.toml:11:2: duplicate id `a`",
                "src/glossary.toml:7:8: duplicate term `alpha`",
                "src/glossary.toml:8:12: duplicate alias `al`",
                "src/glossary.toml:8:18: duplicate alias `A`",
                "src/glossary.toml:8:31: `beta` is listed twice for `b`",
            ]
        );
        let out = diags.render(false);
        assert!(
            out.contains("src/glossary.toml:1:2"),
            "the first `[a]` is named: {out}"
        );
        assert!(out.contains("already the term of `a` here"), "{out}");
        assert_eq!(diags.error_count(), 4);
        // A duplicate id is not a reason to distrust the rest of the file.
        assert!(!g.malformed);
    }

    #[test]
    fn malformed_toml_names_its_line_and_column() {
        let (g, diags) = load_text("[rtos]\nterm = \"x\ndefinition = \"y\"\n");
        let out = messages(&diags);
        assert!(
            out.iter().all(|m| m.contains("malformed glossary")),
            "{out:?}"
        );
        assert!(out[0].starts_with("src/glossary.toml:2:"), "{out:?}");
        assert!(g.malformed);
    }

    fn page_for(text: &str, index: usize) -> (Page, Diagnostics) {
        let mut diags = Diagnostics::new();
        let source = diags.add_source("src/ch.md", text);
        let page = Page {
            index,
            name: "Chapter".into(),
            path: PathBuf::from("ch.md"),
            source,
            scan: scan(text, &MarkdownOptions::default()),
        };
        (page, diags)
    }

    fn auto_linked(text: &str) -> Vec<String> {
        let (g, _) = load_text(GLOSSARY);
        let (page, diags) = page_for(text, 0);
        let refs: Vec<TermRef> = page
            .scan
            .inline
            .iter()
            .filter(|d| d.name == "term" && !d.escaped && !d.in_code)
            .map(|d| TermRef::parse(d, page.source, Some(0)))
            .collect();
        let mut diags = diags;
        let usage = g.check_refs(
            &refs,
            std::slice::from_ref(&page),
            None,
            AutoLink::First,
            &mut diags,
        );
        usage
            .auto_links(0)
            .map(|r| format!("{}={}", r.key, &text[r.span.range.clone()]))
            .collect()
    }

    #[test]
    fn auto_links_only_first_whole_word_mentions_in_running_text() {
        for (text, expected) in [
            ("An RTOS and another RTOS.", vec!["rtos=RTOS"]),
            (
                "RTOSes and ISRs, then RTOS.",
                vec!["rtos=RTOSes", "isr=ISRs"],
            ),
            ("rtos, Rtos and RTOSX are not RTOS", vec!["rtos=RTOS"]),
            (
                "A real-time operating system.",
                vec!["rtos=real-time operating system"],
            ),
            (
                "The Real-time OS and firmware.",
                vec!["rtos=Real-time OS", "firmware=firmware"],
            ),
            ("The real-time os is lowercase.", vec![]),
            ("Firmwares? FIRMWARE!", vec!["firmware=Firmwares"]),
            (
                "# RTOS\n\n[RTOS](x) `RTOS` ![RTOS](i.png) <b>RTOS</b> RTOS",
                vec!["rtos=RTOS"],
            ),
            ("{{#term isr}} then ISR", vec![]),
            ("# About {{#term isr}}\n\nAn ISR.", vec!["isr=ISR"]),
            ("ISR then {{#term isr}}", vec!["isr=ISR"]),
            (
                "{{#term rtos|the RTOS}} \\{{#term RTOS}} {{#include RTOS.md}}",
                vec![],
            ),
            ("RTOS_x xRTOS 2RTOS RTOS's", vec!["rtos=RTOS"]),
            ("```text\nRTOS\n```\n\n    RTOS\n", vec![]),
        ] {
            assert_eq!(auto_linked(text), expected, "{text}");
        }
    }

    #[test]
    fn case_rules_for_names() {
        for (pattern, found, ok) in [
            ("RTOS", "RTOS", true),
            ("RTOS", "rtos", false),
            ("FreeRTOS", "freertos", false),
            ("Real-Time OS", "real-time OS", true),
            ("Real-Time OS", "real-time os", false),
            ("C", "c", false),
            ("firmware", "Firmware", true),
            ("Hz", "hz", true),
        ] {
            assert_eq!(case_matches(pattern, found), ok, "{pattern} vs {found}");
        }
    }

    #[test]
    fn unused_terms_are_those_no_chapter_reaches() {
        let (g, _) = load_text(GLOSSARY);
        // Only isr is referenced; rtos is reached from its definition, firmware is not.
        let (page, mut diags) = page_for("See {{#term isr}}.", 0);
        let d = &page.scan.inline[0];
        let refs = [TermRef::parse(d, page.source, Some(0))];
        let glossary_page = Some((1, 0..0));
        let pages = [page];
        let _ = g.check_refs(&refs, &pages, glossary_page, AutoLink::None, &mut diags);
        let warnings: Vec<_> = diags.items().iter().map(|d| d.message.clone()).collect();
        assert_eq!(warnings, ["term `firmware` is never used"]);
    }

    #[test]
    fn references_without_a_glossary_say_where_it_was_expected() {
        let mut diags = Diagnostics::new();
        let g = load(
            Path::new("/nonexistent/glossary.toml"),
            Path::new("src/glossary.toml"),
            &MarkdownOptions::default(),
            &mut diags,
        );
        let (page, mut diags) = page_for("{{#term rtos}}\n\n{{#glossary}}\n", 0);
        let refs = [TermRef::parse(&page.scan.inline[0], page.source, Some(0))];
        let range = page.scan.inline[1].range.clone();
        let _ = g.check_refs(
            &refs,
            std::slice::from_ref(&page),
            Some((0, range)),
            AutoLink::First,
            &mut diags,
        );
        let out = diags.render(false);
        assert!(
            out.contains(
                "`{{#glossary}}` shows the glossary, but `src/glossary.toml` does not exist"
            ),
            "{out}"
        );
        assert!(
            out.contains("unknown term `rtos`: the book has no glossary"),
            "{out}"
        );
        assert!(out.contains("src/ch.md:1:9"), "{out}");
    }

    /// Renders references to `keys` in one chapter with `template` as the
    /// book's `glossary-term.hbs` (the embedded one when `None`).
    fn render_refs(template: Option<&str>, keys: &[&str]) -> Vec<String> {
        let (g, _) = load_text(GLOSSARY);
        let dir = tempfile::tempdir().unwrap();
        if let Some(template) = template {
            std::fs::write(dir.path().join("glossary-term.hbs"), template).unwrap();
        }
        let mut diags = Diagnostics::new();
        let templates = Templates::new(
            TEMPLATES,
            dir.path(),
            Path::new("theme/handbook"),
            &mut diags,
        );
        assert!(diags.items().is_empty(), "{}", diags.render(false));
        let text: String = keys.iter().map(|k| format!("{{{{#term {k}}}}} ")).collect();
        let (page, _) = page_for(&text, 0);
        let usage = Usage {
            glossary_html: Some("glossary.html".into()),
            used_in: vec![BTreeMap::new(); g.entries.len()],
            ..Usage::default()
        };
        page.scan
            .inline
            .iter()
            .map(|d| {
                let r = TermRef::parse(d, page.source, Some(0));
                g.render_ref(&r, &page, &usage, Format::Html, &templates)
                    .unwrap()
            })
            .collect()
    }

    #[test]
    fn references_fill_a_template_rendered_once_per_shape() {
        let out = render_refs(None, &["rtos", "rtos|the *OS*", "isr"]);
        assert!(
            out[0].contains(r#"href="glossary.html#term-rtos""#),
            "{}",
            out[0]
        );
        assert!(out[0].contains(r#"id="handbook-tip-0-rtos""#), "{}", out[0]);
        assert!(out[0].contains(">RTOS</a>"), "{}", out[0]);
        // The second comes from the slots, with its own values, escaped.
        assert!(
            out[1].contains(r#"id="handbook-tip-15-rtos""#),
            "{}",
            out[1]
        );
        assert!(out[1].contains(">the &#42;OS&#42;</a>"), "{}", out[1]);
        assert_eq!(
            out[0]
                .replace("-0-", "-15-")
                .replace(">RTOS<", ">the &#42;OS&#42;<"),
            out[1]
        );
        assert!(
            out[2].contains("Interrupt Service Routine (ISR)"),
            "{}",
            out[2]
        );
    }

    #[test]
    fn an_override_that_looks_at_the_values_is_rendered_for_each_reference() {
        let template =
            "{{#if (eq shown \"other\")}}<b>{{shown}}</b>{{else}}<i>{{shown}}</i>{{/if}}";
        let out = render_refs(Some(template), &["rtos", "rtos|other"]);
        assert_eq!(out, ["<i>RTOS</i>", "<b>other</b>"]);
    }

    #[test]
    fn escaping_and_inerting_in_one_pass_is_the_same_as_in_two() {
        let text = "a<b>&\"c'`=|{}*_[x]\\~$!\né😀";
        for in_tag in [false, true] {
            let mut one = String::new();
            push_escaped_inert(&mut one, text, in_tag);
            let mut two = String::new();
            push_inert(&mut two, &escape(text), in_tag);
            assert_eq!(one, two);
        }
    }

    #[test]
    fn inert_html_keeps_markdown_away_from_text_only() {
        assert_eq!(
            inert("<a href=\"x_y\">a*b_c|{d}</a>\n"),
            "<a href=\"x_y\">a&#42;b&#95;c&#124;&#123;d&#125;</a> "
        );
    }

    #[test]
    fn relative_markdown_links() {
        assert_eq!(
            relative_md(Path::new("glossary.md"), Path::new("sub/a.md")),
            "sub/a.md"
        );
        assert_eq!(
            relative_md(Path::new("app/glossary.md"), Path::new("README.md")),
            "../README.md"
        );
        assert_eq!(
            relative_md(Path::new("app/glossary.md"), Path::new("app/x.md")),
            "x.md"
        );
    }
}
