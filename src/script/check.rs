//! Book-wide checks of scripts: outcomes lead to scripts that exist, and
//! every declared placeholder can be and is used.

use super::Scripts;
use crate::config;
use crate::diagnostics::{Diagnostics, Severity, Span, closest};
use foldhash::HashMap;
use std::ops::Range;

impl Scripts {
    /// Book-wide checks: every outcome links to a script that exists; every
    /// declared placeholder has a usable label and is used by some script.
    pub(super) fn check_outcomes(&self, diags: &mut Diagnostics) {
        for outcome in self.list.iter().flat_map(|s| &s.outcomes) {
            if self.by_id.contains_key(&outcome.target) {
                continue;
            }
            let ids = self.list.iter().map(|s| s.id.name.as_str());
            let diag = diags.error(
                outcome.target_span.clone(),
                format!("outcome links to unknown script `{}`", outcome.target),
            );
            match closest(&outcome.target, ids) {
                Some(s) => diag.suggest(Some(s)),
                None => diag.help("an outcome links to the id of a script block in this book"),
            };
        }
    }

    /// Reports declared placeholders that no script can or does use, at their
    /// line in book.toml.
    pub(super) fn check_declared(&self, diags: &mut Diagnostics) {
        let problems: Vec<(&str, Severity)> = self
            .declared
            .keys()
            .filter_map(|label| {
                if !is_placeholder_label(label) {
                    Some((label.as_str(), Severity::Error))
                } else if !self.used.contains(label) {
                    Some((label.as_str(), Severity::Warning))
                } else {
                    None
                }
            })
            .collect();
        if problems.is_empty() {
            return;
        }
        let text = std::fs::read_to_string(self.root.join("book.toml")).unwrap_or_default();
        let spans: HashMap<&str, Range<usize>> = problems
            .iter()
            .filter_map(|(label, _)| {
                Some((*label, config::key_span(&text, &["placeholders", label])?))
            })
            .collect();
        let source = diags.add_source("book.toml", text);
        for (label, severity) in problems {
            let (message, help) = match severity {
                Severity::Error => (
                    format!("placeholder label `{label}` cannot be written in a script"),
                    "a label is non-empty text without brackets or line breaks, e.g. \"Your Name\""
                        .to_string(),
                ),
                Severity::Warning => (
                    format!("placeholder `{label}` is declared but no script uses it"),
                    format!("write `[{label}]` in a script line, or remove the declaration"),
                ),
            };
            let diag = match (spans.get(label), severity) {
                (Some(range), Severity::Error) => {
                    diags.error(Span::new(source, range.clone()), message)
                }
                (Some(range), Severity::Warning) => {
                    diags.warning(Span::new(source, range.clone()), message)
                }
                (None, severity) => diags.file_problem(severity, source, message),
            };
            diag.help(help);
        }
    }
}

/// Whether a declared label can be written as `[Label]` in a script.
pub(super) fn is_placeholder_label(label: &str) -> bool {
    let trimmed = label.trim();
    !trimmed.is_empty()
        && trimmed == label
        && !label.contains(['[', ']', '\n', '\r'])
        && !label.starts_with('^')
}
