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

    fn render_html(&self, script: &Script, cx: &RenderCx) -> Result<String, String> {
        let beats: Vec<Vec<ItemView>> = script
            .beats
            .iter()
            .map(|beat| {
                beat.iter()
                    .map(|item| {
                        let fragments = self.placeholders(item);
                        ItemView {
                            direction: item.speaker.is_none(),
                            speaker: item.speaker.map_or("", |i| script.cast[i].as_str()),
                            style: item.speaker.unwrap_or(0) % STYLES,
                            html: cx.inline_with(&item.text, item.offset, fragments),
                        }
                    })
                    .collect()
            })
            .collect();
        let view = ScriptView {
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
        };
        cx.template("script", &view)
    }

    /// A line's placeholders, as fragments of its text.
    fn placeholders(&self, item: &Item) -> Vec<Fragment> {
        item.placeholders
            .iter()
            .map(|(range, label)| self.placeholder(range.clone(), label))
            .collect()
    }

    /// A placeholder as the reader gets it: the label in brackets, which the
    /// page's script replaces with the reader's value; for other renderers,
    /// the label in escaped brackets.
    fn placeholder(&self, range: std::ops::Range<usize>, label: &str) -> Fragment {
        let hint = self
            .declared
            .get(label)
            .map(String::as_str)
            .unwrap_or_default();
        Fragment {
            range,
            html: format!(
                "<span class=\"handbook-placeholder\" data-placeholder=\"{label}\" title=\"{hint}\">[{label}]</span>",
                label = escape::html(label),
                hint = escape::html(hint)
            ),
            markdown: format!("\\[{}\\]", escape::markdown(label)),
            plain: format!("[{label}]"),
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
                    let fragments = self.placeholders(item);
                    let text = cx.inline_with(&item.text, item.offset, fragments);
                    let text = text
                        .lines()
                        .map(str::trim_start)
                        .collect::<Vec<_>>()
                        .join("\n");
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

#[derive(Serialize)]
struct ScriptView<'a> {
    id: &'a str,
    anchor: String,
    title: Option<&'a str>,
    cast: Vec<CastView<'a>>,
    beats: Vec<Vec<ItemView<'a>>>,
    outcomes: Vec<OutcomeView>,
}

#[derive(Serialize)]
struct CastView<'a> {
    name: &'a str,
    style: usize,
}

#[derive(Serialize)]
struct ItemView<'a> {
    direction: bool,
    speaker: &'a str,
    style: usize,
    html: String,
}

#[derive(Serialize)]
struct OutcomeView {
    href: String,
    label: String,
}
