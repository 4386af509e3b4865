//! `[preprocessor.handbook]` in `book.toml`, as one typed struct.
//!
//! Unknown keys are rejected by name; mdBook's own keys for a preprocessor
//! table (`command`, `renderers`, `optional`, `before`, `after`) are accepted.

use crate::diagnostics::{Diagnostics, Severity, SourceId, Span, closest};
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

/// The keys `[preprocessor.handbook]` takes, mdBook's and ours.
const KEYS: [&str; 9] = [
    "command",
    "renderers",
    "optional",
    "before",
    "after",
    "deny-warnings",
    "glossary",
    "auto-link",
    "placeholders",
];

/// Reads `[preprocessor.handbook]`. Each bad key (unknown, or of the wrong
/// type) is reported at its line in `book.toml` and left out; every other
/// key keeps its value, so one typo does not turn into a cascade of
/// follow-on problems (e.g. every placeholder "undeclared").
pub fn load(
    mdbook: &mdbook_preprocessor::config::Config,
    root: &Path,
    diags: &mut Diagnostics,
) -> Config {
    let key = format!("preprocessor.{NAME}");
    if let Ok(config) = mdbook.get::<Config>(&key) {
        return config.unwrap_or_default();
    }
    let text = std::fs::read_to_string(root.join("book.toml")).unwrap_or_default();
    let source = diags.add_source("book.toml", text);
    let table = match mdbook.get::<toml::Table>(&key) {
        Ok(table) => table.unwrap_or_default(),
        Err(e) => {
            let message = format!("[{key}] must be a table: {}", e.root_cause());
            diags
                .file_problem(Severity::Error, source, message)
                .help("write it as a table: [preprocessor.handbook]");
            return Config::default();
        }
    };
    let mut kept = toml::Table::new();
    for (name, value) in table {
        let value = if name == "placeholders" {
            keep_valid_placeholders(value, source, diags)
        } else {
            value
        };
        match alone(&name, value.clone()) {
            Ok(_) => {
                kept.insert(name, value);
            }
            Err(error) => report_key(&name, &error, source, diags),
        }
    }
    toml::Value::Table(kept).try_into().unwrap_or_default()
}

/// A config with only `name = value` set.
fn alone(name: &str, value: toml::Value) -> Result<Config, toml::de::Error> {
    toml::Value::Table(toml::Table::from_iter([(name.to_string(), value)])).try_into()
}

/// The placeholders table without its entries that are not strings, each
/// reported where it is written.
fn keep_valid_placeholders(
    value: toml::Value,
    source: SourceId,
    diags: &mut Diagnostics,
) -> toml::Value {
    let toml::Value::Table(entries) = value else {
        return value; // Reported as a whole by the caller.
    };
    let mut kept = toml::Table::new();
    for (label, hint) in entries {
        if hint.is_str() {
            kept.insert(label, hint);
            continue;
        }
        let message = format!(
            "placeholder `{label}` needs a hint in quotes, not a {}",
            hint.type_str()
        );
        let at = key_span(diags.text(source), &["placeholders", &label]);
        match at {
            Some(range) => diags.error(Span::new(source, range), message),
            None => diags.file_problem(Severity::Error, source, message),
        }
        .help(format!(
            "write it as \"{label}\" = \"what the reader should fill in\""
        ));
    }
    toml::Value::Table(kept)
}

/// Reports key `name` of `[preprocessor.handbook]`, which did not deserialize.
fn report_key(name: &str, error: &toml::de::Error, source: SourceId, diags: &mut Diagnostics) {
    let known = KEYS.contains(&name);
    let message = if known {
        format!(
            "invalid [preprocessor.{NAME}]: bad value for `{name}`: {}",
            error.message().lines().next().unwrap_or_default()
        )
    } else {
        format!("invalid [preprocessor.{NAME}]: unknown field `{name}`")
    };
    let at = key_span(diags.text(source), &[name]);
    let diagnostic = match at {
        Some(range) => diags.error(Span::new(source, range), message),
        None => diags.file_problem(Severity::Error, source, message),
    };
    if !known {
        diagnostic
            .suggest(closest(name, KEYS))
            .help(format!("the keys are: {}", KEYS.join(", ")));
    }
    diagnostic.help("see the README's configuration reference; the other keys are still used");
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

    /// Loads `[preprocessor.handbook]` from a book.toml text.
    fn load_from(text: &str) -> (Config, Diagnostics) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("book.toml"), text).unwrap();
        let mdbook: mdbook_preprocessor::config::Config = text.parse().unwrap();
        let mut diags = Diagnostics::new();
        let config = load(&mdbook, dir.path(), &mut diags);
        (config, diags)
    }

    #[test]
    fn a_typo_is_reported_once_and_the_other_keys_still_apply() {
        let (config, diags) = load_from(
            "[preprocessor.handbook]\nauto-links = \"none\"\ndeny-warnings = true\n\n[preprocessor.handbook.placeholders]\n\"Your Name\" = \"hint\"\n",
        );
        let out = diags.render(false);
        assert_eq!(diags.error_count(), 1, "{out}");
        assert!(out.contains("unknown field `auto-links`"), "{out}");
        assert!(out.contains("book.toml:2:1"), "{out}");
        assert!(out.contains("did you mean `auto-link`?"), "{out}");
        assert!(config.deny_warnings);
        assert_eq!(config.placeholders["Your Name"], "hint");
    }

    #[test]
    fn bad_values_are_reported_at_their_key_and_left_out() {
        let (config, diags) = load_from(
            "[preprocessor.handbook]\nauto-link = \"all\"\nglossary = \"terms.toml\"\n[preprocessor.handbook.placeholders]\n\"Your Name\" = 3\n\"Team\" = \"hint\"\n",
        );
        let out = diags.render(false);
        assert_eq!(diags.error_count(), 2, "{out}");
        assert!(out.contains("bad value for `auto-link`"), "{out}");
        assert!(out.contains("unknown variant `all`"), "{out}");
        assert!(
            out.contains("placeholder `Your Name` needs a hint in quotes"),
            "{out}"
        );
        assert!(out.contains("book.toml:5:1"), "{out}");
        assert_eq!(config.auto_link, AutoLink::First);
        assert_eq!(config.glossary_path(), PathBuf::from("terms.toml"));
        assert_eq!(config.placeholders.len(), 1);
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
