//! The handlebars templates of a book's `theme/handbook/` overrides, over the
//! embedded defaults.

use crate::diagnostics::{Diagnostics, Severity};
use serde::Serialize;
use std::path::Path;
use std::sync::OnceLock;

/// A template a directive module ships: its name and its default source.
pub(crate) type Template = (&'static str, &'static str);

/// The handlebars templates, with the book's overrides applied. The
/// built-in output is plain code, so handlebars is set up (every template
/// compiled) only the first time a template is rendered: in a book that
/// overrides one.
pub(crate) struct Templates {
    defaults: Vec<Template>,
    /// The book's valid overrides: name and source.
    overrides: Vec<(String, String)>,
    registry: OnceLock<handlebars::Handlebars<'static>>,
}

impl Templates {
    /// Takes the embedded `defaults`, then any `NAME.hbs` in `override_dir`
    /// that replaces one of them. A broken override is an error at its own
    /// line; an override that matches no template is a warning (it would
    /// silently do nothing).
    pub(crate) fn new(
        defaults: &[Template],
        override_dir: &Path,
        override_display: &Path,
        diags: &mut Diagnostics,
    ) -> Self {
        let mut templates = Templates {
            defaults: defaults.to_vec(),
            overrides: Vec::new(),
            registry: OnceLock::new(),
        };
        let Ok(entries) = std::fs::read_dir(override_dir) else {
            return templates;
        };
        let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
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
            match handlebars::Template::compile(&text) {
                Ok(_) => templates.overrides.push((name, text)),
                Err(e) => {
                    let message =
                        format!("template override `{name}.hbs` is invalid: {}", e.reason());
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
        }
        templates
    }

    /// Just the embedded `defaults`, no overrides: what a book without a
    /// `theme/handbook/` gets.
    #[cfg(test)]
    pub(crate) fn embedded(defaults: &[Template]) -> Self {
        Templates {
            defaults: defaults.to_vec(),
            overrides: Vec::new(),
            registry: OnceLock::new(),
        }
    }

    /// Whether the book replaces template `name` (from `theme/handbook/`).
    pub(crate) fn is_overridden(&self, name: &str) -> bool {
        self.overrides.iter().any(|(n, _)| n == name)
    }

    /// Whether the book replaces any template.
    pub(crate) fn any_overridden(&self) -> bool {
        !self.overrides.is_empty()
    }

    /// Every template compiled, the overrides over the defaults.
    fn registry(&self) -> &handlebars::Handlebars<'static> {
        self.registry.get_or_init(|| {
            let mut registry = handlebars::Handlebars::new();
            registry.set_strict_mode(true);
            // The handbook's own escaper: the built-in templates written as
            // plain code give the same bytes, and `{{#` stays inert.
            registry.register_escape_fn(super::escape::html);
            let sources = self
                .defaults
                .iter()
                .map(|(name, source)| (*name, *source))
                .chain(self.overrides.iter().map(|(n, s)| (n.as_str(), s.as_str())));
            for (name, source) in sources {
                // Each compiled before (the embedded ones in the tests, the
                // book's in `new`); were one to fail now, rendering it would
                // report it as not found.
                let _ = registry.register_template_string(name, source);
            }
            registry
        })
    }

    /// Renders template `name` with `data`.
    pub(crate) fn render<T: Serialize>(&self, name: &str, data: &T) -> Result<String, String> {
        // Handlebars starts every output with room for 8 KB: a book of many
        // small blocks would hold that much per block.
        self.registry()
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

    /// Handlebars is set up only when a template is rendered: every
    /// embedded one must compile.
    #[test]
    fn every_embedded_template_compiles() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut count = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                handlebars::Template::compile(&text).is_ok(),
                "{}",
                path.display()
            );
            count += 1;
        }
        assert_eq!(count, 6);
    }

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
        // Reported, and not used: the embedded template renders.
        assert!(!templates.is_overridden("t") && !templates.is_overridden("nope"));
        assert_eq!(
            templates
                .render("t", &serde_json::json!({"x": "<b>"}))
                .unwrap(),
            "&lt;b&gt;"
        );
    }
}
