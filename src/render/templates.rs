//! The handlebars templates of a book's `theme/handbook/` overrides, over the
//! embedded defaults.

use crate::diagnostics::{Diagnostics, Severity};
use serde::Serialize;
use std::path::Path;

/// A template a directive module ships: its name and its default source.
pub(crate) type Template = (&'static str, &'static str);

/// The handlebars templates, with the book's overrides applied.
pub(crate) struct Templates {
    registry: handlebars::Handlebars<'static>,
    /// Templates the book replaces.
    overridden: Vec<String>,
}

impl Templates {
    /// Registers the embedded `defaults`, then any `NAME.hbs` in
    /// `override_dir` that replaces one of them. A broken override is an
    /// error at its own line; an override that matches no template is a
    /// warning (it would silently do nothing).
    pub(crate) fn new(
        defaults: &[Template],
        override_dir: &Path,
        override_display: &Path,
        diags: &mut Diagnostics,
    ) -> Self {
        let mut registry = handlebars::Handlebars::new();
        registry.set_strict_mode(true);
        // The handbook's own escaper: the built-in templates written as
        // plain code give the same bytes, and `{{#` stays inert.
        registry.register_escape_fn(super::escape::html);
        for (name, source) in defaults {
            registry
                .register_template_string(name, source)
                .unwrap_or_else(|e| panic!("embedded template `{name}` is invalid: {e}"));
        }
        let Ok(entries) = std::fs::read_dir(override_dir) else {
            return Templates {
                registry,
                overridden: Vec::new(),
            };
        };
        let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        let mut overridden = Vec::new();
        files.sort();
        for file in files {
            if file.extension().is_none_or(|x| x != "hbs") {
                continue;
            }
            let name = file
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let display = override_display.join(file.file_name().unwrap_or_default());
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let source = diags.add_source(display, text.clone());
            if !defaults.iter().any(|(n, _)| *n == name) {
                let known: Vec<&str> = defaults.iter().map(|(n, _)| *n).collect();
                diags
                    .file_problem(
                        Severity::Warning,
                        source,
                        format!("template override `{name}.hbs` replaces no template"),
                    )
                    .help(format!("the templates are: {}", known.join(", ")));
                continue;
            }
            overridden.push(name.clone());
            if let Err(e) = registry.register_template_string(&name, text) {
                let message = format!("template override `{name}.hbs` is invalid: {}", e.reason());
                match e.pos() {
                    Some((line, col)) => {
                        let offset = offset_of(diags.text(source), line, col);
                        diags.error(
                            crate::diagnostics::Span::new(source, offset..offset + 1),
                            message,
                        );
                    }
                    None => {
                        diags.file_problem(Severity::Error, source, message);
                    }
                }
            }
        }
        Templates {
            registry,
            overridden,
        }
    }

    /// Whether the book replaces template `name` (from `theme/handbook/`).
    pub(crate) fn is_overridden(&self, name: &str) -> bool {
        self.overridden.iter().any(|n| n == name)
    }

    /// Whether the book replaces any template.
    pub(crate) fn any_overridden(&self) -> bool {
        !self.overridden.is_empty()
    }

    /// Renders template `name` with `data`.
    pub(crate) fn render<T: Serialize>(&self, name: &str, data: &T) -> Result<String, String> {
        // Handlebars starts every output with room for 8 KB: a book of many
        // small blocks would hold that much per block.
        self.registry
            .render(name, data)
            .map(|mut out| {
                out.shrink_to_fit();
                out
            })
            .map_err(|e| format!("template `{name}` failed: {e}"))
    }
}

/// Byte offset of a 1-based line and column.
fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let line_text = &text[start.min(text.len())..];
    start
        + line_text
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(0, |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_override_is_an_error_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("t.hbs"), "ok\n{{#if}}\n").unwrap();
        std::fs::write(dir.path().join("nope.hbs"), "x").unwrap();
        let mut diags = Diagnostics::new();
        let templates = Templates::new(
            &[("t", "{{x}}")],
            dir.path(),
            Path::new("theme/handbook"),
            &mut diags,
        );
        let out = diags.render(false);
        assert!(out.contains("theme/handbook/t.hbs:2"), "{out}");
        assert!(out.contains("replaces no template"), "{out}");
        assert!(templates.is_overridden("t") && !templates.is_overridden("nope"));
        assert_eq!(
            templates
                .render("t", &serde_json::json!({"x": "<b>"}))
                .unwrap(),
            "&lt;b&gt;"
        );
    }
}
