//! References and the glossary page as the reader gets them.

use super::{Entry, Glossary};
use crate::markdown::{Context, TermRef};
use crate::pages::Page;
use crate::render::{Format, Fragment, RenderCx, escape, inline};
use mdbook_markdown::MarkdownOptions;
use mdbook_markdown::pulldown_cmark::{Event, Tag};
use serde::Serialize;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::ops::Range;

impl Glossary {
    /// A reference (explicit or auto-linked) as a fragment of the page `cx`
    /// renders.
    ///
    /// In running text: a link to the entry on the glossary page (a
    /// focusable span when the book has no glossary page) with the
    /// definition in a tooltip next to it. In a heading, a definition-list
    /// term or link text: just the text (mdBook links those itself). In alt
    /// or title text: the text, as markdown.
    pub(super) fn reference(&self, r: &TermRef, cx: &RenderCx) -> Fragment {
        let entry = self.lookup(&r.key).map(|i| (i, &self.entries[i]));
        let shown = match (&r.shown, entry) {
            (Some(shown), _) => shown.clone(),
            (None, Some((_, e))) => e.short().to_string(),
            (None, None) => r.key.clone(),
        };
        // Markdown is for other renderers, and for attributes (alt text).
        let markdown = if cx.format == Format::Markdown || r.context == Context::Attribute {
            escape::markdown(&shown)
        } else {
            String::new()
        };
        let html = match (entry, r.context) {
            (None, _) | (_, Context::Code | Context::CodeBlock) => inert(&escape::html(&shown)),
            (Some(_), Context::Attribute) => markdown.clone(),
            (Some((index, entry)), Context::Plain) => match self.anchor(index, entry, r, cx) {
                Some(anchor) => format!(
                    "<span id='{anchor}'>{}</span>",
                    inert(&escape::html(&shown))
                ),
                None => inert(&escape::html(&shown)),
            },
            (Some((index, entry)), Context::Text) => {
                self.reference_html(index, entry, r, &shown, cx)
            }
        };
        Fragment {
            range: r.span.range.clone(),
            html,
            plain: shown,
            markdown,
        }
    }

    /// The id of a reference that is the first use of its term in the
    /// chapter: what the glossary's "used in" links to.
    fn anchor(&self, index: usize, entry: &Entry, r: &TermRef, cx: &RenderCx) -> Option<String> {
        let first = self.usage.first_use(index, cx.page.index)?;
        if r.page != Some(cx.page.index) || first != r.span.range.start {
            return None;
        }
        let anchor = ref_anchor(cx.page.index, &entry.id.value);
        cx.claim_id(&anchor).then_some(anchor)
    }

    fn reference_html(
        &self,
        index: usize,
        entry: &Entry,
        r: &TermRef,
        shown: &str,
        cx: &RenderCx,
    ) -> String {
        cx.terms_shown.borrow_mut().push(index);
        let values = RefValues {
            href: self.glossary_link(cx).map(|mut href| {
                href.push_str("#term-");
                href.push_str(&entry.id.value);
                href
            }),
            anchor: self.anchor(index, entry, r, cx),
            shown,
            entry,
        };
        if !cx.templates.is_overridden("glossary-term") {
            return values.html();
        }
        match cx.template("glossary-term", &values.data(&self.tip(index, cx))) {
            Ok(html) => inert(&join_lines(&html)),
            Err(message) => {
                cx.fail(r.span.clone(), message);
                inert(&escape::html(shown))
            }
        }
    }

    /// The definitions the page's references show, as a data block the
    /// page's script makes tooltips of: one `<span data-term="ID">` per
    /// term, in a `<script>` element, which mdBook's search does not index
    /// (a definition is found on the glossary page, not in every sentence
    /// that uses its term). `None` when the page references no term, and on
    /// the glossary page (see [`Glossary::shows_every_entry`]).
    pub(super) fn definitions(&self, cx: &RenderCx) -> Option<String> {
        let mut shown = cx.terms_shown.take();
        if cx.format != Format::Html || shown.is_empty() || self.shows_every_entry(cx) {
            return None;
        }
        shown.sort_unstable();
        shown.dedup();
        const OPEN: &str = "<script type='text/html' class='hb-tips'>";
        const CLOSE: &str = "</script>\n\n";
        let page = cx.page.html_path();
        let depths = self.tip_depths.len();
        let depth = self.tip_depths.binary_search(&cx.page.depth()).ok();
        let entries: Vec<Cow<str>> = shown
            .iter()
            .map(|&index| {
                let render = || self.tip_html(index, page, cx.markdown);
                match depth.and_then(|d| self.tips.get(index * depths + d)) {
                    Some(cell) => Cow::Borrowed(cell.get_or_init(render).as_str()),
                    None => Cow::Owned(render()),
                }
            })
            .collect();
        let size = entries.iter().map(|e| e.len()).sum::<usize>();
        let mut out = String::with_capacity(OPEN.len() + size + CLOSE.len());
        out.push_str(OPEN);
        entries.iter().for_each(|e| out.push_str(e));
        out.push_str(CLOSE);
        Some(out)
    }

    /// Whether this page is the glossary page as the built-in template
    /// writes it: every definition is on it already, and the reader's script
    /// makes the page's tooltips from its entries, so no definition ships
    /// twice (an override's markup is its own: its page gets the block).
    fn shows_every_entry(&self, cx: &RenderCx) -> bool {
        self.usage.glossary_page == Some(cx.page.index) && !cx.templates.is_overridden("glossary")
    }

    /// One entry of the [`Glossary::definitions`] block, safe inside it.
    fn tip_html(&self, index: usize, page: &str, options: &MarkdownOptions) -> String {
        let entry = &self.entries[index];
        let mut out = String::from("<span data-term='");
        escape::push_html(&mut out, &entry.id.value);
        out.push_str("'><b>");
        escape::push_html(&mut out, &entry.term.value);
        if let Some(abbr) = &entry.abbr {
            out.push_str(" (");
            escape::push_html(&mut out, &abbr.value);
            out.push(')');
        }
        out.push_str("</b>");
        let tip = self.render_tip(entry, page, options);
        if !tip.is_empty() {
            out.push_str(": ");
            out.push_str(&tip);
        }
        out.push_str("</span>");
        // Nothing can end the block or open a comment across two entries.
        script_data(&out)
    }

    /// The glossary page relative to the page being rendered (empty on the
    /// page itself); `None` when the book has no glossary page.
    fn glossary_link(&self, cx: &RenderCx) -> Option<String> {
        let glossary = self.usage.glossary_html.as_ref()?;
        Some(if self.usage.glossary_page == Some(cx.page.index) {
            String::new()
        } else {
            cx.page.link_to(glossary, None)
        })
    }

    /// An entry's tooltip: its definition's first paragraph, with references
    /// shown as their text and relative links rebased for the page.
    fn tip(&self, index: usize, cx: &RenderCx) -> String {
        self.render_tip(&self.entries[index], cx.page.html_path(), cx.markdown)
    }

    pub(super) fn render_tip(
        &self,
        entry: &Entry,
        page: &str,
        options: &MarkdownOptions,
    ) -> String {
        let def = &entry.definition.value;
        let Some(first) = first_paragraph(def, options) else {
            return String::new();
        };
        let fragments: Vec<Fragment> = entry
            .refs
            .iter()
            .filter(|(local, _)| first.start <= local.start && local.end <= first.end)
            .map(|(local, r)| {
                let shown = r
                    .shown
                    .clone()
                    .unwrap_or_else(|| self.default_shown(&r.key));
                Fragment {
                    range: local.start - first.start..local.end - first.start,
                    html: escape::html(&shown),
                    markdown: escape::markdown(&shown),
                    plain: shown,
                }
            })
            .collect();
        let rebase = |url: &str| crate::paths::rebase(url, page);
        let mut tip = inline::to_html(&def[first.clone()], &fragments, options, Some(&rebase));
        if !def[first.end..].trim().is_empty() {
            tip.push_str(" …");
        }
        tip
    }

    /// The references in an entry's definition, as fragments of it.
    fn definition_refs(&self, entry: &Entry, cx: &RenderCx) -> Vec<Fragment> {
        entry
            .refs
            .iter()
            .map(|(local, r)| Fragment {
                range: local.clone(),
                ..self.reference(r, cx)
            })
            .collect()
    }

    /// The text a reference to `key` shows by default.
    fn default_shown(&self, key: &str) -> String {
        self.lookup(key)
            .map_or_else(|| key.to_string(), |i| self.entries[i].short().to_string())
    }

    /// Renders `{{#glossary}}`: every entry, sorted by term, with a letter
    /// index, definitions, see-also links and "used in" backlinks.
    pub(super) fn render_page(&self, cx: &RenderCx) -> Result<String, String> {
        match cx.format {
            Format::Html => self.render_page_html(cx),
            Format::Markdown => Ok(self.render_page_markdown(cx)),
        }
    }

    fn render_page_html(&self, cx: &RenderCx) -> Result<String, String> {
        let usage = &self.usage;
        let paths: Vec<&str> = cx.pages.iter().map(Page::html_path).collect();
        let here = cx.page.html_path();
        let rebase = |url: &str| crate::paths::rebase(url, here);
        let mut letters: Vec<Letter> = Vec::new();
        for (index, entry) in self.entries.iter().enumerate() {
            let fragments = self.definition_refs(entry, cx);
            let see_also = entry
                .see_also
                .iter()
                .filter_map(|s| self.ids.get(&s.value))
                .map(|i| Link {
                    text: self.entries[*i].term.value.clone(),
                    href: format!("#term-{}", self.entries[*i].id.value),
                })
                .collect();
            // Pre-rendered: a term may be used in a thousand chapters.
            let mut used_in = String::new();
            for (i, p) in usage
                .pages(index)
                .filter_map(|p| cx.pages.get(p))
                .enumerate()
            {
                if i > 0 {
                    used_in.push_str(", ");
                }
                let anchor = ref_anchor(p.index, &entry.id.value);
                let href = cx.page.link_to(paths[p.index], Some(&anchor));
                used_in.push_str("<a href='");
                escape::push_html(&mut used_in, &href);
                used_in.push_str("'>");
                escape::push_html(&mut used_in, &p.name);
                used_in.push_str("</a>");
            }
            let page_entry = PageEntry {
                id: &entry.id.value,
                term: heading(&entry.term.value),
                abbr: entry.abbr.as_ref().map(|a| a.value.as_str()),
                aliases: entry.aliases.iter().map(|a| a.value.as_str()).collect(),
                definition: inline::to_html_blocks(
                    &entry.definition.value,
                    &fragments,
                    cx.markdown,
                    Some(&rebase),
                ),
                see_also,
                used_in,
            };
            let (letter, anchor) = letter_of(&entry.term.value);
            match letters.last_mut() {
                Some(last) if last.letter == letter => last.entries.push(page_entry),
                _ => letters.push(Letter {
                    letter,
                    anchor,
                    entries: vec![page_entry],
                }),
            }
        }
        if cx.templates.is_overridden("glossary") {
            cx.template("glossary", &serde_json::json!({ "letters": letters }))
        } else {
            Ok(page_html(&letters))
        }
    }

    /// A definition list: `**Term** (ABBR)` then `: definition`, with the
    /// aliases, see-also and "used in" chapters as more definitions.
    fn render_page_markdown(&self, cx: &RenderCx) -> String {
        let mut out = Vec::with_capacity(self.entries.len());
        for (index, entry) in self.entries.iter().enumerate() {
            let mut item = format!("**{}**", escape::markdown(&heading(&entry.term.value)));
            if let Some(abbr) = &entry.abbr {
                item.push_str(&format!(" ({})", escape::markdown(&abbr.value)));
            }
            let fragments = self.definition_refs(entry, cx);
            let definition = inline::to_markdown(&entry.definition.value, &fragments, cx.markdown);
            item.push_str("\n: ");
            item.push_str(&indent_continuation(definition.trim()));
            let list = |names: Vec<&str>| {
                names
                    .into_iter()
                    .map(escape::markdown)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            if !entry.aliases.is_empty() {
                let aliases = entry.aliases.iter().map(|a| a.value.as_str()).collect();
                item.push_str(&format!("\n: Also called: {}.", list(aliases)));
            }
            let see_also: Vec<_> = entry
                .see_also
                .iter()
                .filter_map(|s| self.ids.get(&s.value))
                .map(|i| self.entries[*i].term.value.as_str())
                .collect();
            if !see_also.is_empty() {
                item.push_str(&format!("\n: See also: {}.", list(see_also)));
            }
            let used_in: Vec<_> = self
                .usage
                .pages(index)
                .filter_map(|p| cx.pages.get(p))
                .map(|p| {
                    let link = cx.page.link(p, None, Format::Markdown);
                    format!("[{}]({link})", escape::markdown(&p.name))
                })
                .collect();
            if !used_in.is_empty() {
                item.push_str(&format!("\n: Used in: {}.", used_in.join(", ")));
            }
            out.push(item);
        }
        out.join("\n\n")
    }
}

/// A link on the glossary page.
#[derive(Serialize)]
pub(super) struct Link {
    pub(super) text: String,
    pub(super) href: String,
}

/// One entry of the glossary page, for `glossary.hbs`.
#[derive(Serialize)]
pub(super) struct PageEntry<'a> {
    pub(super) id: &'a str,
    /// The term as a heading: its first letter capitalised.
    pub(super) term: String,
    pub(super) abbr: Option<&'a str>,
    pub(super) aliases: Vec<&'a str>,
    /// HTML.
    pub(super) definition: String,
    pub(super) see_also: Vec<Link>,
    /// Links to the chapters that use the term, as HTML.
    pub(super) used_in: String,
}

/// The entries under one index letter, for `glossary.hbs`.
#[derive(Serialize)]
pub(super) struct Letter<'a> {
    pub(super) letter: String,
    pub(super) anchor: String,
    pub(super) entries: Vec<PageEntry<'a>>,
}

/// The built-in `glossary.hbs`, as plain code: the same bytes (a test holds
/// them equal).
pub(super) fn page_html(letters: &[Letter]) -> String {
    let e = escape::html;
    let size: usize = letters
        .iter()
        .flat_map(|l| &l.entries)
        .map(|entry| entry.definition.len() + entry.used_in.len() + 400)
        .sum();
    let mut out = String::with_capacity(size + 256);
    out.push_str("<div class='handbook-glossary'>\n");
    if letters.is_empty() {
        out.push_str(
            "<p class='handbook-glossary-empty'>The glossary has no terms yet.</p>\n</div>\n",
        );
        return out;
    }
    out.push_str("<nav class='handbook-glossary-index' aria-label='Glossary index'>\n<ul>\n");
    for l in letters {
        let _ = writeln!(
            out,
            "<li><a href='#{}'>{}</a></li>",
            e(&l.anchor),
            e(&l.letter)
        );
    }
    out.push_str("</ul>\n</nav>\n");
    // A comma-separated list, each item written by `item`.
    fn list<T>(out: &mut String, items: &[T], item: impl Fn(&mut String, &T)) {
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            item(out, x);
        }
    }
    for l in letters {
        let anchor = e(&l.anchor);
        let _ = write!(
            out,
            "<section class='handbook-glossary-section' id='{anchor}' aria-labelledby='{anchor}-letter'>\n\
             <h2 class='handbook-glossary-letter' id='{anchor}-letter'>{}</h2>\n",
            e(&l.letter)
        );
        for entry in &l.entries {
            let _ = write!(
                out,
                "<div class='handbook-glossary-entry'>\n\
                 <h3 class='handbook-glossary-term' id='term-{}'><dfn>{}</dfn>",
                e(entry.id),
                e(&entry.term)
            );
            if let Some(abbr) = entry.abbr {
                let _ = write!(out, " <abbr>{}</abbr>", e(abbr));
            }
            out.push_str("</h3>\n<div class='handbook-glossary-body'>\n<div class='handbook-glossary-definition'>");
            out.push_str(&entry.definition);
            out.push_str("</div>\n");
            if !entry.aliases.is_empty() {
                out.push_str("<p class='handbook-glossary-aliases'>Also called: ");
                list(&mut out, &entry.aliases, |out, a| {
                    let _ = write!(out, "<span>{}</span>", e(a));
                });
                out.push_str("</p>");
            }
            out.push('\n');
            if !entry.see_also.is_empty() {
                out.push_str("<p class='handbook-glossary-see-also'>See also: ");
                list(&mut out, &entry.see_also, |out, link| {
                    let _ = write!(out, "<a href='{}'>{}</a>", e(&link.href), e(&link.text));
                });
                out.push_str("</p>");
            }
            out.push('\n');
            if !entry.used_in.is_empty() {
                out.push_str("<p class='handbook-glossary-used-in'>Used in: ");
                out.push_str(&entry.used_in);
                out.push_str("</p>");
            }
            out.push_str("\n</div>\n</div>\n");
        }
        out.push_str("</section>\n");
    }
    out.push_str("</div>\n");
    out
}

/// The byte range of a definition's first block, when it is a paragraph.
pub(super) fn first_paragraph(markdown: &str, options: &MarkdownOptions) -> Option<Range<usize>> {
    one_line_paragraph(markdown).or_else(|| first_paragraph_parsed(markdown, options))
}

/// A definition of one line that starts with a letter: one paragraph, the
/// whole of it, without a parse (no other block starts so; a test holds
/// this equal to the parser's reading). `None` for anything else.
pub(super) fn one_line_paragraph(markdown: &str) -> Option<Range<usize>> {
    (markdown.starts_with(char::is_alphabetic) && !markdown.contains(['\n', '\r']))
        .then(|| 0..markdown.trim_end().len())
}

/// [`first_paragraph`], as the parser reads it.
pub(super) fn first_paragraph_parsed(
    markdown: &str,
    options: &MarkdownOptions,
) -> Option<Range<usize>> {
    let (event, range) = mdbook_markdown::new_cmark_parser(markdown, options)
        .into_offset_iter()
        .next()?;
    matches!(event, Event::Start(Tag::Paragraph)).then(|| {
        let text = &markdown[range.clone()];
        range.start..range.start + text.trim_end().len()
    })
}

/// What `glossary-term.hbs` is given for one reference.
pub(super) struct RefValues<'a> {
    pub(super) href: Option<String>,
    pub(super) anchor: Option<String>,
    pub(super) shown: &'a str,
    pub(super) entry: &'a Entry,
}

impl RefValues<'_> {
    /// The template's data; `tip` is the entry's tooltip, for an override
    /// that shows it.
    pub(super) fn data(&self, tip: &str) -> serde_json::Value {
        serde_json::json!({
            "href": self.href,
            "anchor": self.anchor,
            "shown": self.shown,
            "id": self.entry.id.value,
            "term": self.entry.term.value,
            "abbr": self.entry.abbr.as_ref().map(|a| &a.value),
            "tip": tip,
        })
    }

    /// The built-in `glossary-term.hbs`, as plain code, written [`inert`]
    /// as it goes: the same bytes as the template's output with its lines
    /// joined, made inert (a test holds them equal).
    pub(super) fn html(&self) -> String {
        let mut out = String::with_capacity(96 + self.shown.len());
        match &self.href {
            Some(href) => {
                out.push_str("<a class='handbook-term' href='");
                push_inert_html(&mut out, href, true);
            }
            None => {
                out.push_str("<span class='handbook-term' tabindex='0' data-term='");
                push_inert_html(&mut out, &self.entry.id.value, true);
            }
        }
        out.push('\'');
        if let Some(anchor) = &self.anchor {
            out.push_str(" id='");
            push_inert_html(&mut out, anchor, true);
            out.push('\'');
        }
        out.push('>');
        push_inert_html(&mut out, self.shown, false);
        out.push_str(if self.href.is_some() {
            "</a>"
        } else {
            "</span>"
        });
        out
    }
}

/// `html` made safe as the text of a `<script>` element: nothing in it
/// ends the element or opens a comment there. The text inside the markup is
/// escaped already, so only a tag of its own could; such a `<` is written
/// as `&lt;`, which the page's script reads back as text.
pub(super) fn script_data(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 8);
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let after = &rest.as_bytes()[at + 1..];
        let closes = after
            .get(..7)
            .is_some_and(|tag| tag.eq_ignore_ascii_case(b"/script"));
        out.push_str(if closes || after.starts_with(b"!--") {
            "&lt;"
        } else {
            "<"
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out
}

/// The id of the first reference to term `id` in chapter `page`: unique in
/// the book, as mdBook's print page joins every chapter.
fn ref_anchor(page: usize, id: &str) -> String {
    let mut anchor = String::with_capacity(28 + id.len());
    let _ = write!(anchor, "hb-ref{page}-");
    anchor.push_str(id);
    anchor
}

/// A term as the glossary page's heading for it: the glossary writes terms
/// as they read mid-sentence ("real-time operating system", "mentor"), and
/// the page capitalises the first letter.
fn heading(term: &str) -> String {
    let mut chars = term.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// The index letter of a term and its section's anchor: the first letter,
/// capitalised; `#` for a term that starts with anything else.
pub(super) fn letter_of(term: &str) -> (String, String) {
    match term.chars().next().filter(|c| c.is_alphabetic()) {
        Some(c) => {
            let letter: String = c.to_uppercase().collect();
            let anchor = format!("glossary-{}", letter.to_lowercase());
            (letter, anchor)
        }
        None => ("#".to_string(), "glossary-other".to_string()),
    }
}

/// Lines of a template's output, trimmed and joined: a reference stands in
/// running text, on one line.
fn join_lines(html: &str) -> String {
    html.lines().map(str::trim).collect()
}

/// HTML spliced into a markdown paragraph is still read as markdown between
/// its tags, so characters markdown (or a table, or mdBook's `{{#...}}`)
/// would act on become character references. Newlines become spaces.
pub(super) fn inert(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 16);
    push_inert(&mut out, html, false);
    out
}

/// `text` escaped for HTML and then made [`inert`], inside a tag or not:
/// what `inert` makes of the escaped text in that place. Most ids, links and
/// shown texts hold nothing either acts on, and are copied as they are.
fn push_inert_html(out: &mut String, text: &str, in_tag: bool) {
    let acted_on = |b: u8| escape::HTML_SPECIAL[usize::from(b)] || INERT_ACTS_ON[usize::from(b)];
    if text.bytes().any(acted_on) {
        push_inert(out, &escape::html(text), in_tag);
    } else {
        out.push_str(text);
    }
}

/// The bytes [`push_inert`] acts on, inside a tag or not.
const INERT_ACTS_ON: [bool; 256] = escape::byte_set(b"<>\n\r|{}\\*_`[]~$!");

/// [`inert`], appending to `out`, starting inside a tag or not. Every
/// character it changes is ASCII, so it goes byte by byte and copies the
/// runs between them whole.
fn push_inert(out: &mut String, html: &str, mut in_tag: bool) {
    let bytes = html.as_bytes();
    let mut copied = 0;
    let mut i = 0;
    while let Some(skip) = bytes[i..]
        .iter()
        .position(|&b| INERT_ACTS_ON[usize::from(b)])
    {
        i += skip;
        let replacement = match bytes[i] {
            b'<' => {
                in_tag = true;
                None
            }
            b'>' => {
                in_tag = false;
                None
            }
            b'\n' | b'\r' => Some(" "),
            b'|' => Some("&#124;"),
            b'{' => Some("&#123;"),
            b'}' => Some("&#125;"),
            _ if in_tag => None,
            b'\\' => Some("&#92;"),
            b'*' => Some("&#42;"),
            b'_' => Some("&#95;"),
            b'`' => Some("&#96;"),
            b'[' => Some("&#91;"),
            b']' => Some("&#93;"),
            b'~' => Some("&#126;"),
            b'$' => Some("&#36;"),
            _ => Some("&#33;"), // `!`
        };
        if let Some(replacement) = replacement {
            out.push_str(&html[copied..i]);
            out.push_str(replacement);
            copied = i + 1;
        }
        i += 1;
    }
    out.push_str(&html[copied..]);
}

/// Indents every line after the first so a multi-paragraph definition stays
/// inside its `: ` item.
fn indent_continuation(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.trim().is_empty() {
                out.push_str("  ");
            }
        }
        out.push_str(line);
    }
    out
}
