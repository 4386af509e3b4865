//! `[preprocessor.handbook]` in `book.toml`, as one typed struct.
//!
//! Unknown keys are rejected by name; mdBook's own keys for a preprocessor
//! table (`command`, `renderers`, `optional`, `before`, `after`) are accepted.

use crate::diagnostics::{Diagnostics, Severity, Span};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

/// The preprocessor's name, as in `[preprocessor.handbook]`.
pub const NAME: &str = "handbook";

/// Environment variable that turns warnings into errors.
pub const DENY_WARNINGS_ENV: &str = "HANDBOOK_DENY_WARNINGS";

/// Whether terms are linked automatically where they are mentioned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AutoLink {
    /// The first plain-text mention of each term in a chapter becomes a link.
    #[default]
    First,
    /// Only explicit `{{#term}}` references are links.
    None,
}

/// `[preprocessor.handbook]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct Config {
    /// mdBook's: the command that runs the preprocessor.
    pub command: Option<String>,
    /// mdBook's: renderers the preprocessor runs for.
    pub renderers: Option<Vec<String>>,
    /// mdBook's: whether a missing command is tolerated.
    pub optional: bool,
    /// mdBook's: preprocessors this one runs before.
    pub before: Vec<String>,
    /// mdBook's: preprocessors this one runs after.
    pub after: Vec<String>,
    /// Fail the build on warnings.
    pub deny_warnings: bool,
    /// The glossary file, relative to the book's src dir.
    pub glossary: Option<PathBuf>,
    /// Automatic term linking.
    pub auto_link: AutoLink,
    /// Placeholder labels and their hints: `"Your Name" = "How you sign emails"`.
    pub placeholders: BTreeMap<String, String>,
}

impl Config {
    /// The glossary path relative to the src dir.
    pub fn glossary_path(&self) -> PathBuf {
        self.glossary
            .clone()
            .unwrap_or_else(|| PathBuf::from("glossary.toml"))
    }

    /// The data files the handbook reads, relative to the src dir. They are
    /// sources, not part of the published site.
    pub fn data_files(&self) -> Vec<PathBuf> {
        vec![self.glossary_path()]
    }

    /// Whether warnings fail the build, from book.toml or the environment.
    pub fn warnings_denied(&self) -> bool {
        self.deny_warnings
            || std::env::var(DENY_WARNINGS_ENV).is_ok_and(|v| {
                let v = v.trim().to_ascii_lowercase();
                !(v.is_empty() || v == "0" || v == "false" || v == "no")
            })
    }
}

/// Reads `[preprocessor.handbook]`. A problem is reported at its line in
/// `book.toml` and the defaults are used, so the rest of the book is still
/// checked.
pub fn load(
    mdbook: &mdbook_preprocessor::config::Config,
    root: &Path,
    diags: &mut Diagnostics,
) -> Config {
    let key = format!("preprocessor.{NAME}");
    let error = match mdbook.get::<Config>(&key) {
        Ok(config) => return config.unwrap_or_default(),
        Err(e) => e.root_cause().to_string(),
    };
    let text = std::fs::read_to_string(root.join("book.toml")).unwrap_or_default();
    let range = locate(&text, &error);
    let source = diags.add_source("book.toml", text);
    let message = format!(
        "invalid [{key}]: {}",
        error.lines().next().unwrap_or_default()
    );
    match range {
        Some(range) => diags.error(Span::new(source, range), message),
        None => diags.file_problem(Severity::Error, source, message),
    }
    .help("see the README's configuration reference for the keys [preprocessor.handbook] takes");
    Config::default()
}

/// Finds the key a serde error names (`unknown field `x``) in the handbook's
/// table of `book.toml`.
fn locate(text: &str, error: &str) -> Option<Range<usize>> {
    let key = error.split('`').nth(1)?;
    key_span(text, &[key])
}

/// Where `key` (a path below `[preprocessor.handbook]`, e.g.
/// `["placeholders", "Your Name"]`) is written in `book.toml`'s text.
pub fn key_span(book_toml: &str, key: &[&str]) -> Option<Range<usize>> {
    let root = DeTable::parse(book_toml).ok()?;
    let path: Vec<&str> = ["preprocessor", NAME]
        .into_iter()
        .chain(key.iter().copied())
        .collect();
    let (last, tables) = path.split_last()?;
    let mut table = root.get_ref();
    for name in tables {
        let DeValue::Table(inner) = table.get(*name)?.get_ref() else {
            return None;
        };
        table = inner;
    }
    table.get_key_value(*last).map(|(found, _)| found.span())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_mdbook_keys_and_ours() {
        let config: Config = toml::from_str(
            r#"
            command = "cargo run --"
            before = ["links"]
            renderers = ["html"]
            optional = false
            deny-warnings = true
            auto-link = "none"
            glossary = "terms.toml"
            [placeholders]
            "Your Name" = "How you sign your emails"
            "#,
        )
        .unwrap();
        assert!(config.deny_warnings);
        assert_eq!(config.auto_link, AutoLink::None);
        assert_eq!(config.glossary_path(), PathBuf::from("terms.toml"));
        assert_eq!(config.placeholders["Your Name"], "How you sign your emails");
    }

    #[test]
    fn finds_keys_of_the_handbook_table_in_book_toml() {
        let text = "[book]\ntitle = \"x\"\n\n[preprocessor.handbook]\ncolour = 1\n\n[preprocessor.handbook.placeholders]\n\"Your Name\" = \"hint\"\n";
        let span = key_span(text, &["colour"]).unwrap();
        assert_eq!(&text[span], "colour");
        let span = key_span(text, &["placeholders", "Your Name"]).unwrap();
        assert_eq!(&text[span], "\"Your Name\"");
        assert_eq!(key_span(text, &["placeholders", "Nope"]), None);
        assert_eq!(key_span("not = [toml", &["colour"]), None);
    }

    #[test]
    fn rejects_unknown_keys_by_name() {
        let err = toml::from_str::<Config>("auto-links = \"none\"").unwrap_err();
        assert!(
            err.message().contains("unknown field `auto-links`"),
            "{err}"
        );
        let err = toml::from_str::<Config>("auto-link = \"all\"").unwrap_err();
        assert!(err.message().contains("unknown variant `all`"), "{err}");
    }
}
