//! The glossary: `glossary.toml`, `{{#term KEY}}` references and the
//! `{{#glossary}}` page.
//!
//! Validates: the file parses, and every reference names a known term.

use crate::diagnostics::{Diagnostics, Severity, SourceId, closest};
use crate::markdown::TermRef;
use crate::pages::Page;
use crate::render::{Format, RenderCx, Template, escape};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Templates this module renders with.
pub const TEMPLATES: &[Template] = &[("glossary", include_str!("../templates/glossary.hbs"))];

/// Styles for term references and the glossary page.
pub const CSS: &str = include_str!("../assets/glossary.css");

/// Behaviour for term references.
pub const JS: &str = include_str!("../assets/glossary.js");

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Entry {
    term: String,
    abbr: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    definition: String,
    #[serde(default)]
    #[allow(dead_code)]
    see_also: Vec<String>,
}

/// The book's glossary.
#[derive(Debug)]
pub struct Glossary {
    entries: BTreeMap<String, Entry>,
    /// The file, when it exists.
    source: Option<SourceId>,
    /// Where the file is expected, as the author sees it.
    display: PathBuf,
}

/// Reads the glossary file; a missing file is an empty glossary.
pub fn load(path: &Path, display: &Path, diags: &mut Diagnostics) -> Glossary {
    let mut glossary = Glossary {
        entries: BTreeMap::new(),
        source: None,
        display: display.to_path_buf(),
    };
    let Ok(text) = std::fs::read_to_string(path) else {
        return glossary;
    };
    let source = diags.add_source(display, text.clone());
    glossary.source = Some(source);
    match toml::from_str::<BTreeMap<String, Entry>>(&text) {
        Ok(entries) => glossary.entries = entries,
        Err(e) => {
            let range = e.span().unwrap_or(0..0);
            diags.error(
                crate::diagnostics::Span::new(source, range.start..range.end.max(range.start + 1)),
                format!("invalid glossary: {}", e.message().trim()),
            );
        }
    }
    glossary
}

impl Glossary {
    /// The id of the term `key` names: an id exactly, or an abbr, term or
    /// alias case-insensitively.
    pub fn resolve(&self, key: &str) -> Option<&str> {
        if let Some((id, _)) = self.entries.get_key_value(key) {
            return Some(id);
        }
        self.entries.iter().find_map(|(id, e)| {
            let names = std::iter::once(&e.term).chain(&e.abbr).chain(&e.aliases);
            names
                .into_iter()
                .any(|n| n.eq_ignore_ascii_case(key))
                .then_some(id.as_str())
        })
    }

    /// Reports references to unknown terms.
    pub fn check_refs(&self, refs: &[TermRef], diags: &mut Diagnostics) {
        for r in refs {
            if self.source.is_none() {
                diags
                    .error(
                        r.key_span.clone(),
                        format!("unknown term `{}`: the book has no glossary", r.key),
                    )
                    .help(format!(
                        "create `{}` with an entry for this term",
                        self.display.display()
                    ));
            } else if self.resolve(&r.key).is_none() {
                diags
                    .error(r.key_span.clone(), format!("unknown term `{}`", r.key))
                    .suggest(closest(&r.key, self.entries.keys().map(String::as_str)));
            }
        }
        let _ = Severity::Warning;
    }

    /// Renders a valid reference.
    pub fn render_ref(
        &self,
        r: &TermRef,
        from: &Page,
        glossary_page: Option<&Page>,
        format: Format,
    ) -> String {
        let id = self.resolve(&r.key).unwrap_or(&r.key);
        let shown = r.shown.clone().unwrap_or_else(|| {
            self.entries
                .get(id)
                .map(|e| e.abbr.clone().unwrap_or_else(|| e.term.clone()))
                .unwrap_or_default()
        });
        match (format, glossary_page) {
            (Format::Html, Some(g)) => format!(
                "<a class=\"handbook-term\" href=\"{}\">{}</a>",
                escape(&from.link_to(&g.html_path(), Some(&format!("term-{id}")))),
                escape(&shown)
            ),
            (Format::Html, None) => {
                format!("<span class=\"handbook-term\">{}</span>", escape(&shown))
            }
            (Format::Markdown, _) => shown,
        }
    }

    /// Renders `{{#glossary}}`.
    pub fn render_page(&self, cx: &RenderCx) -> Result<String, String> {
        let entries: Vec<_> = self
            .entries
            .iter()
            .map(
                |(id, e)| serde_json::json!({"id": id, "term": e.term, "definition": e.definition}),
            )
            .collect();
        match cx.format {
            Format::Html => cx.template("glossary", &serde_json::json!({ "entries": entries })),
            Format::Markdown => Ok(self
                .entries
                .values()
                .map(|e| format!("{}\n: {}", e.term, e.definition))
                .collect::<Vec<_>>()
                .join("\n\n")),
        }
    }
}
