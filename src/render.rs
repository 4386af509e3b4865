//! What directives turn into: the output format, the handlebars templates
//! (embedded in the binary, overridable from the book's `theme/handbook/`),
//! inline markdown rendered safely to HTML, and the CSS/JS the reader gets.

use crate::diagnostics::{Diagnostics, Severity};
use crate::markdown::TermRef;
use crate::pages::Page;
use mdbook_markdown::MarkdownOptions;
use mdbook_markdown::pulldown_cmark::{Event, html};
use serde::Serialize;
use std::ops::Range;
use std::path::Path;

pub use handlebars::html_escape as escape;

/// What the renderer wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// mdBook's `html` renderer: interactive HTML.
    Html,
    /// Any other renderer: plain markdown equivalents.
    Markdown,
}

impl Format {
    /// The format for an mdBook renderer name.
    pub fn for_renderer(renderer: &str) -> Self {
        if renderer == "html" {
            Format::Html
        } else {
            Format::Markdown
        }
    }
}

/// A template a directive module ships: its name and its default source.
pub type Template = (&'static str, &'static str);

/// The handlebars templates, with the book's overrides applied.
pub struct Templates {
    registry: handlebars::Handlebars<'static>,
    /// Templates the book replaces.
    overridden: Vec<String>,
}

impl Templates {
    /// Registers the embedded `defaults`, then any `NAME.hbs` in
    /// `override_dir` that replaces one of them. A broken override is an
    /// error at its own line; an override that matches no template is a
    /// warning (it would silently do nothing).
    pub fn new(
        defaults: &[Template],
        override_dir: &Path,
        override_display: &Path,
        diags: &mut Diagnostics,
    ) -> Self {
        let mut registry = handlebars::Handlebars::new();
        registry.set_strict_mode(true);
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
    pub fn is_overridden(&self, name: &str) -> bool {
        self.overridden.iter().any(|n| n == name)
    }

    /// Renders template `name` with `data`.
    pub fn render<T: Serialize>(&self, name: &str, data: &T) -> Result<String, String> {
        self.registry
            .render(name, data)
            .map_err(|e| format!("template `{name}` failed: {e}"))
    }
}

/// Everything a directive module needs to render into one chapter.
pub struct RenderCx<'a> {
    /// HTML or markdown.
    pub format: Format,
    /// The templates.
    pub templates: &'a Templates,
    /// mdBook's markdown options, for rendering inline markdown.
    pub markdown: &'a MarkdownOptions,
    /// Every chapter, in book order.
    pub pages: &'a [Page],
    /// The chapter being rendered.
    pub page: &'a Page,
    /// Renders a (validated) term reference for `page` in `format`.
    pub term: &'a dyn Fn(&TermRef) -> String,
}

impl RenderCx<'_> {
    /// Renders a line of directive text (inline markdown with `{{#term}}`
    /// references) found at byte `base` of the current chapter: safe HTML, or
    /// markdown with each reference replaced by its text.
    pub fn inline(&self, text: &str, base: usize) -> String {
        self.inline_with(text, base, Vec::new())
    }

    /// As [`RenderCx::inline`], with each `(range, output)` in `extra`
    /// replacing that range of `text` with output the caller rendered itself
    /// (trusted HTML, or markdown). `extra` must not overlap `{{#term}}`s.
    pub fn inline_with(
        &self,
        text: &str,
        base: usize,
        extra: Vec<(Range<usize>, String)>,
    ) -> String {
        let refs = TermRef::find_in(text, base, self.page.source, Some(self.page.index));
        let mut fragments: Vec<(Range<usize>, String)> = refs
            .iter()
            .map(|(range, r)| (range.clone(), (self.term)(r)))
            .collect();
        fragments.extend(extra);
        fragments.sort_by_key(|(range, _)| range.start);
        match self.format {
            Format::Html => inline_html(text, fragments, self.markdown),
            Format::Markdown => crate::markdown::splice(text, fragments),
        }
    }

    /// Renders a template; fails only when an override asks for data that
    /// does not exist (templates run in strict mode).
    pub fn template<T: Serialize>(&self, name: &str, data: &T) -> Result<String, String> {
        self.templates.render(name, data)
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

/// Renders one line of inline markdown to HTML. Raw HTML the author wrote is
/// escaped (it never becomes markup); each `(range, html)` in `fragments`
/// replaces that range of `text` with trusted, already-rendered HTML.
pub fn inline_html(
    text: &str,
    fragments: Vec<(Range<usize>, String)>,
    options: &MarkdownOptions,
) -> String {
    const OPEN: char = '\u{E000}';
    const CLOSE: char = '\u{E001}';
    let mut marked = String::with_capacity(text.len());
    let mut at = 0;
    let mut trusted = Vec::with_capacity(fragments.len());
    for (range, html) in fragments {
        marked.push_str(&text[at..range.start]);
        marked.push(OPEN);
        marked.push_str(&trusted.len().to_string());
        marked.push(CLOSE);
        trusted.push(html);
        at = range.end;
    }
    marked.push_str(&text[at..]);

    let events = mdbook_markdown::new_cmark_parser(&marked, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut out = String::with_capacity(marked.len() + 16);
    html::push_html(&mut out, events);
    let mut out = out.trim_end().to_string();
    if out.starts_with("<p>") && out.ends_with("</p>") && out.matches("<p>").count() == 1 {
        out = out["<p>".len()..out.len() - "</p>".len()].to_string();
    }
    if trusted.is_empty() {
        return out;
    }
    let mut result = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(open) = rest.find(OPEN) {
        result.push_str(&rest[..open]);
        let after = &rest[open + OPEN.len_utf8()..];
        let Some(close) = after.find(CLOSE) else {
            rest = after;
            continue;
        };
        if let Some(html) = after[..close]
            .parse::<usize>()
            .ok()
            .and_then(|i| trusted.get(i))
        {
            result.push_str(html);
        }
        rest = &after[close + CLOSE.len_utf8()..];
    }
    result.push_str(rest);
    result
}

/// Helpers the directives' JavaScript shares (copying to the clipboard).
const SHARED_JS: &str = include_str!("../assets/handbook.js");

/// The `<style>` and `<script>` blocks every page with handbook output gets.
/// They are inlined, so they load from the book itself (no CDN) and need no
/// files copied by the author.
/// Comments and indentation are stripped: every page carries these bytes.
/// The directives' JavaScript comes after the shared helpers they use.
pub fn assets(css: &[&str], js: &[&str]) -> String {
    let css: Vec<String> = css.iter().map(|c| compact_css(c)).collect();
    let js: Vec<String> = std::iter::once(&SHARED_JS)
        .chain(js)
        .map(|j| compact_js(j))
        .collect();
    format!(
        "\n\n<style>\n{}\n</style>\n\n<script>\n{}\n</script>\n",
        css.join("\n"),
        js.join("\n")
    )
}

/// CSS without comments, indentation or blank lines.
fn compact_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    out.push_str(rest);
    out.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// JavaScript without indentation, blank lines, or comments that fill whole
/// lines (line breaks stay, so automatic semicolons are unaffected).
fn compact_js(js: &str) -> String {
    let mut out = Vec::new();
    let mut in_comment = false;
    for line in js.lines().map(str::trim) {
        // A comment is dropped only where it is the whole line (or lines).
        let whole_comment =
            line.starts_with("/*") && (line.ends_with("*/") || !line.contains("*/"));
        if in_comment || whole_comment {
            in_comment = !line.contains("*/");
        } else if !line.is_empty() && !line.starts_with("//") {
            out.push(line);
        }
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markdown_renders_without_paragraph() {
        let o = MarkdownOptions::default();
        assert_eq!(
            inline_html("a *b* `c`", vec![], &o),
            "a <em>b</em> <code>c</code>"
        );
    }

    #[test]
    fn raw_html_is_escaped_but_fragments_are_trusted() {
        let o = MarkdownOptions::default();
        let out = inline_html(
            "<script>x</script> see T.",
            vec![(23..24, "<a href=\"#t\">T</a>".into())],
            &o,
        );
        assert_eq!(
            out,
            "&lt;script&gt;x&lt;/script&gt; see <a href=\"#t\">T</a>."
        );
    }

    #[test]
    fn assets_lose_comments_and_indentation_but_not_code() {
        let css = "/* a\n comment */\n.a {\n    content: \"x\"; /* b */\n}\n\n";
        let js = "/* head\n   more */\n(function () {\n    // note\n    var a = 1; // kept\n\n    return a;\n})();\n";
        assert_eq!(compact_css(css), ".a {\ncontent: \"x\";\n}");
        assert_eq!(
            compact_js(js),
            "(function () {\nvar a = 1; // kept\nreturn a;\n})();"
        );
        let out = assets(&[css], &[js]);
        let shared = out
            .find("window.handbookCopyText =")
            .expect("shared helpers");
        assert!(
            shared < out.find("var a = 1").expect("module code"),
            "helpers come first"
        );
        assert!(
            out.starts_with("\n\n<style>\n.a {") && out.ends_with("})();\n</script>\n"),
            "{out}"
        );
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
        assert!(templates.is_overridden("t") && !templates.is_overridden("nope"));
        assert_eq!(
            templates
                .render("t", &serde_json::json!({"x": "<b>"}))
                .unwrap(),
            "&lt;b&gt;"
        );
    }
}
