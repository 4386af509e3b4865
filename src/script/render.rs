//! Scripts as the reader gets them: a dialogue with speaker labels and
//! fill-in placeholders (HTML), or bold speaker names (markdown).

use super::{Item, STYLES, Script, Scripts};
use crate::render::{Format, Fragment, RenderCx, escape};
use serde::Serialize;

impl Scripts {
    /// Renders `script` for the chapter it is in.
    pub(super) fn render(&self, script: &Script, cx: &RenderCx) -> Result<String, String> {
        match cx.format {
            Format::Html => self.render_html(script, cx),
            Format::Markdown => Ok(self.render_markdown(script, cx)),
        }
    }

    /// The link from the current chapter to the script `id` (which exists).
    fn link(&self, id: &str, cx: &RenderCx) -> String {
        let page = self
            .by_id
            .get(id)
            .map_or(cx.page, |i| &cx.pages[self.list[*i].page]);
        cx.page.link(page, Some(&anchor(id)), cx.format)
    }

    /// The built-in template as plain code, or the book's override.
    fn render_html(&self, script: &Script, cx: &RenderCx) -> Result<String, String> {
        let view = self.view(script, cx);
        if cx.templates.is_overridden("script") {
            cx.template("script", &view)
        } else {
            Ok(view.html())
        }
    }

    /// What `script.hbs` is given for `script`.
    pub(super) fn view<'a>(&self, script: &'a Script, cx: &RenderCx) -> ScriptView<'a> {
        let beats: Vec<Vec<ItemView>> = script
            .beats
            .iter()
            .map(|beat| {
                beat.iter()
                    .map(|item| {
                        let fragments = self.placeholders(item, Format::Html);
                        ItemView {
                            direction: item.speaker.is_none(),
                            speaker: item.speaker.map_or("", |i| script.cast[i].as_str()),
                            style: item.speaker.unwrap_or(0) % STYLES,
                            html: cx.inline_found(&item.text, &item.refs, fragments),
                        }
                    })
                    .collect()
            })
            .collect();
        ScriptView {
            id: &script.id.name,
            anchor: anchor(&script.id.name),
            title: script.title.as_deref(),
            cast: script
                .cast
                .iter()
                .enumerate()
                .map(|(i, name)| CastView {
                    name,
                    style: i % STYLES,
                })
                .collect(),
            beats,
            outcomes: script
                .outcomes
                .iter()
                .map(|o| OutcomeView {
                    href: self.link(&o.target, cx),
                    label: cx.inline(&o.label, o.label_offset),
                })
                .collect(),
        }
    }

    /// A line's placeholders, as fragments of its text.
    fn placeholders(&self, item: &Item, format: Format) -> Vec<Fragment> {
        item.placeholders
            .iter()
            .map(|(range, label)| self.placeholder(range.clone(), label, format))
            .collect()
    }

    /// A placeholder as the reader gets it: the label in brackets (the page's
    /// script reads the label from there and shows the reader's value in its
    /// place), its hint as the title; for other renderers, the label in
    /// escaped brackets. Only `format`'s own form is written (and the plain
    /// text, for link text).
    fn placeholder(&self, range: std::ops::Range<usize>, label: &str, format: Format) -> Fragment {
        let plain = ["[", label, "]"].concat();
        if format == Format::Markdown {
            return Fragment {
                range,
                html: String::new(),
                markdown: format!("\\[{}\\]", escape::markdown(label)),
                plain,
            };
        }
        let hint = self
            .declared
            .get(label)
            .map(String::as_str)
            .unwrap_or_default();
        let mut html = String::with_capacity(40 + hint.len() + label.len());
        html.push_str("<span class='hb-ph' title='");
        escape::push_html(&mut html, hint);
        html.push_str("'>[");
        escape::push_html(&mut html, label);
        html.push_str("]</span>");
        Fragment {
            range,
            html,
            markdown: String::new(),
            plain,
        }
    }

    /// Plain markdown: a paragraph per beat, a line per item (`**Speaker:**
    /// text`, `*(direction)*`), outcomes as a list of links.
    fn render_markdown(&self, script: &Script, cx: &RenderCx) -> String {
        let mut blocks = Vec::new();
        if let Some(title) = &script.title {
            blocks.push(format!("**{}**", escape::markdown(title)));
        }
        for beat in &script.beats {
            let lines: Vec<String> = beat
                .iter()
                .map(|item| {
                    let fragments = self.placeholders(item, Format::Markdown);
                    let text = cx.inline_found(&item.text, &item.refs, fragments);
                    // A continued line goes on indented by four spaces: it
                    // continues the paragraph, and nothing in it can start a
                    // block of its own (`<script …`, `# …`) at a line start.
                    let text = text
                        .lines()
                        .map(str::trim_start)
                        .collect::<Vec<_>>()
                        .join("\n    ");
                    match item.speaker {
                        Some(i) => format!("**{}:** {text}", escape::markdown(&script.cast[i])),
                        None => format!("*{text}*"),
                    }
                })
                .collect();
            blocks.push(lines.join("\\\n"));
        }
        if !script.outcomes.is_empty() {
            let links: Vec<String> = script
                .outcomes
                .iter()
                .map(|o| {
                    format!(
                        "- [{}]({})",
                        cx.inline(&o.label, o.label_offset),
                        self.link(&o.target, cx)
                    )
                })
                .collect();
            blocks.push(links.join("\n"));
        }
        blocks.join("\n\n")
    }
}

/// The element id of script `id` (prefixed: a heading of the same words
/// gets the bare slug from mdBook).
fn anchor(id: &str) -> String {
    format!("hb-{id}")
}

/// One script's values: the data of `script.hbs`, and the built-in
/// template written as plain code.
#[derive(Serialize)]
pub(super) struct ScriptView<'a> {
    pub(super) id: &'a str,
    /// The element id, `hb-ID`.
    pub(super) anchor: String,
    pub(super) title: Option<&'a str>,
    pub(super) cast: Vec<CastView<'a>>,
    pub(super) beats: Vec<Vec<ItemView<'a>>>,
    pub(super) outcomes: Vec<OutcomeView>,
}

/// A cast member and the number of their colour (`hb-sN`).
#[derive(Serialize)]
pub(super) struct CastView<'a> {
    pub(super) name: &'a str,
    pub(super) style: usize,
}

/// A line of dialogue, or a stage direction (`speaker` empty).
#[derive(Serialize)]
pub(super) struct ItemView<'a> {
    pub(super) direction: bool,
    pub(super) speaker: &'a str,
    pub(super) style: usize,
    /// The text: rendered, trusted HTML.
    pub(super) html: String,
}

/// A link to a follow-up script.
#[derive(Serialize)]
pub(super) struct OutcomeView {
    pub(super) href: String,
    /// Rendered, trusted HTML.
    pub(super) label: String,
}

impl ScriptView<'_> {
    /// `script.hbs` as plain code: the same bytes (a test holds them equal).
    pub(super) fn html(&self) -> String {
        let e = escape::push_html;
        let items = self.beats.iter().flatten();
        // Enough for the markup around every piece (a speaker escaped at
        // worst), so a long script is written without growing its buffer.
        let mut out = String::with_capacity(
            400 + self.title.map_or(0, |t| 2 * t.len())
                + 32 * self.beats.len()
                + items
                    .map(|i| i.html.len() + 6 * i.speaker.len() + 72)
                    .sum::<usize>()
                + self
                    .outcomes
                    .iter()
                    .map(|o| o.href.len() + o.label.len() + 24)
                    .sum::<usize>(),
        );
        out.push_str("<div class='handbook-script' id='");
        e(&mut out, &self.anchor);
        out.push_str("' data-script='");
        e(&mut out, self.id);
        out.push_str("' role='group' aria-label='Script");
        if let Some(title) = self.title {
            out.push_str(": ");
            e(&mut out, title);
        }
        out.push_str("'>\n");
        if let Some(title) = self.title {
            out.push_str("<p class='handbook-script-title'>");
            e(&mut out, title);
            out.push_str("</p>\n");
        }
        out.push_str("<p class='handbook-script-cast'>Cast: ");
        for (i, member) in self.cast.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            push_style(&mut out, "<span class='hb-s", member.style);
            out.push_str("'>");
            e(&mut out, member.name);
            out.push_str("</span>");
        }
        out.push_str("</p>\n");
        for beat in &self.beats {
            out.push_str("<div class='hb-beat'>\n");
            for item in beat {
                if item.direction {
                    out.push_str("<p class='hb-dir'>");
                    out.push_str(&item.html);
                    out.push_str("</p>\n");
                } else {
                    push_style(&mut out, "<p class='hb-line hb-s", item.style);
                    out.push_str("'><b>");
                    e(&mut out, item.speaker);
                    out.push_str(":</b> <span>");
                    out.push_str(&item.html);
                    out.push_str("</span></p>\n");
                }
            }
            out.push_str("</div>\n");
        }
        if !self.outcomes.is_empty() {
            out.push_str("<div class='hb-outcomes'>\n<p>What happens next?</p>\n<ul>\n");
            for outcome in &self.outcomes {
                out.push_str("<li><a href='");
                e(&mut out, &outcome.href);
                out.push_str("'>");
                out.push_str(&outcome.label);
                out.push_str("</a></li>\n");
            }
            out.push_str("</ul>\n</div>\n");
        }
        out.push_str("</div>\n");
        out
    }
}

/// Appends `start` and the speaker style number `style` (`hb-s` + `0`..`5`).
fn push_style(out: &mut String, start: &str, style: usize) {
    out.push_str(start);
    match u8::try_from(style) {
        Ok(n @ 0..=9) => out.push(char::from(b'0' + n)),
        _ => out.push_str(&style.to_string()),
    }
}
