//! Reading `glossary.toml` with spans: every problem in it is reported at its
//! own line and column.

use super::{Entry, FIELDS, Glossary, Matcher, Text};
use crate::data_file::DataFileError;
use crate::diagnostics::{Diagnostics, Severity, SourceId, Span, closest};
use crate::markdown::TermRef;
use foldhash::{HashMap, HashMapExt};
use std::ops::Range;
use std::path::Path;
use toml::de::{DeTable, DeValue};

impl Glossary {
    /// Reads and checks the glossary file at `path`. A missing file is an
    /// empty glossary (an error only once something uses it).
    #[cfg(test)]
    pub(super) fn load(&mut self, root: &Path, path: &Path, diags: &mut Diagnostics) {
        self.open(root, path, diags);
        self.read(diags);
    }

    /// Reads the glossary file at `path` and registers it for diagnostics;
    /// [`Glossary::read`] checks it.
    pub(super) fn open(&mut self, root: &Path, path: &Path, diags: &mut Diagnostics) {
        self.opened = match crate::data_file::read(root, path) {
            Ok(text) => {
                self.file = Some(diags.add_source(&self.display, text.clone()));
                Some(Ok(text))
            }
            Err(DataFileError::Missing { .. }) => None,
            Err(e) => {
                self.file = Some(diags.add_source(&self.display, String::new()));
                Some(Err(e))
            }
        };
    }

    /// Checks the file [`Glossary::open`] read: its TOML, every entry, their
    /// names and definitions; then builds the auto-link automaton. It
    /// registers no file, so it can report into a fork of the diagnostics.
    pub(super) fn read(&mut self, diags: &mut Diagnostics) {
        let (Some(opened), Some(source)) = (self.opened.take(), self.file) else {
            return;
        };
        let text = match opened {
            Ok(text) => text,
            Err(e) => {
                diags
                    .file_problem(
                        Severity::Error,
                        source,
                        format!("could not read the glossary: {e}"),
                    )
                    .help("the glossary is a TOML file inside the book, set by `glossary` in [preprocessor.handbook]");
                self.malformed = true;
                return;
            }
        };
        let (table, errors) = DeTable::parse_recoverable(&text);
        self.malformed = report_toml_errors(&text, source, &errors, diags);

        // In file order. A duplicated `[id]` keeps the later header's span but
        // the first table's fields: the first header is where the entry is.
        let mut first_header: HashMap<&str, Range<usize>> = HashMap::new();
        let headers = table_headers(&text);
        for (name, range) in &headers {
            first_header.entry(name).or_insert_with(|| range.clone());
        }
        let mut items: Vec<_> = table
            .get_ref()
            .iter()
            .map(|(key, value)| {
                let at = first_header
                    .get(key.get_ref().as_ref())
                    .filter(|f| f.start < key.span().start)
                    .cloned()
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
        entries.sort_by_cached_key(|e| (e.term.value.to_lowercase(), e.id.value.clone()));
        self.entries = entries;
        self.ids.reserve(self.entries.len());
        self.names.reserve(3 * self.entries.len());
        // First wins; duplicates were reported above.
        for (i, entry) in self.entries.iter().enumerate() {
            self.ids.entry(entry.id.value.clone()).or_insert(i);
        }
        for (i, entry) in self.entries.iter().enumerate() {
            for (_, name) in entry.names() {
                self.names
                    .entry(crate::names::fold(&name.value))
                    .or_insert(i);
            }
        }
        self.check_definitions(&text, source, diags);
        self.matcher = Matcher::build(&self.entries);
    }
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
    if errors.is_empty() {
        return false;
    }
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
            crate::diagnostics::one_char_at_least(text, range.start..range.end.min(line_end))
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
/// (case-insensitively, after Unicode normalisation), in file order, naming
/// the first place; a name an entry lists twice; and, as warnings, a name
/// that only looks like another (look-alike letters) or holds an invisible
/// character.
fn check_names(entries: &[Entry], source: SourceId, diags: &mut Diagnostics) {
    let mut seen: HashMap<String, (usize, &'static str, Range<usize>)> = HashMap::new();
    // Look-alikes are names in other alphabets: two names written in ASCII
    // alone are never that (and a glossary in ASCII alone has none).
    let mixed = entries
        .iter()
        .flat_map(|e| std::iter::once(&e.id).chain(e.names().map(|(_, n)| n)))
        .any(|n| !n.value.is_ascii());
    let mut looks: HashMap<String, (String, Range<usize>, bool)> = HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        let all = std::iter::once(("id", &entry.id)).chain(entry.names());
        for (kind, name) in all {
            let lower = crate::names::fold(&name.value);
            let span = Span::new(source, name.span.clone());
            if let Some(c) = crate::names::invisible(&name.value) {
                diags
                    .warning(
                        span.clone(),
                        format!(
                            "{kind} `{}` holds an invisible character (U+{:04X})",
                            name.value.escape_debug(),
                            u32::from(c)
                        ),
                    )
                    .help("retype the name: readers cannot type what they cannot see");
            }
            if mixed {
                let ascii = name.value.is_ascii();
                let look = crate::names::looks_like(&name.value);
                match looks.get(&look) {
                    Some((other, at, other_ascii))
                        if *other != lower && !(ascii && *other_ascii) =>
                    {
                        diags
                            .warning(span.clone(), format!("{kind} `{}` looks like `{other}` but is spelt with other letters", name.value))
                            .note(Span::new(source, at.clone()), "the look-alike is here")
                            .help("a reader who types what they see gets the other entry: use one alphabet");
                    }
                    Some(_) => {}
                    None => {
                        looks.insert(look, (lower.clone(), name.span.clone(), ascii));
                    }
                }
            }
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
    /// Finds and checks the references in every definition and the
    /// `see-also` ids.
    fn check_definitions(&mut self, text: &str, source: SourceId, diags: &mut Diagnostics) {
        let mut in_file_order: Vec<usize> = (0..self.entries.len()).collect();
        in_file_order.sort_by_key(|i| self.entries[*i].header.start);
        for i in in_file_order {
            let entry = &self.entries[i];
            let def = &entry.definition;
            let found = TermRef::find_in(&def.value, 0, source, None);
            // Where the string's characters are in the file, for what it references.
            let map = (!found.is_empty())
                .then(|| text.get(def.span.clone()))
                .flatten()
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
            let refs: Vec<_> = found
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
                    self.unknown(r, &mut HashMap::new(), diags);
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
}

/// Decodes a TOML string as written (quotes included) and maps each byte of
/// the value, and its end, to the offset in `raw` it was written at (an escape
/// maps to its backslash). `None` when it is not a string this understands.
pub(super) fn string_map(raw: &str) -> Option<(String, Vec<usize>)> {
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
    // Without escapes the value is the raw text, byte for byte.
    if !basic || !raw[i..end].contains('\\') {
        return Some((raw.get(i..end)?.to_string(), (i..=end).collect()));
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
