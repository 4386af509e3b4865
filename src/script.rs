//! Script blocks: word-for-word dialogues to rehearse, with a cast, stage
//! directions, fill-in placeholders and links to follow-up scripts.
//!
//! ````text
//! ```script id="ask-alex" title="The 15-minute ask" cast="You, Alex"
//! You: Alex, thank you for making the time, I'm [Your Name].
//! (Alex glances at the clock.)
//! Alex: Sure. What's on your mind?
//!   Take your time.
//!
//! -> [Alex says yes](#alex-says-yes)
//! ```
//! ````
//!
//! A line is `Speaker: text` or `(stage direction)`; an indented line
//! continues the one before; a blank line starts a new beat; `-> [label](#id)`
//! lines at the end link to follow-up scripts. `[Label]` (not a link, not in
//! code, not escaped as `\[`) is a placeholder declared in book.toml's
//! `[preprocessor.handbook.placeholders]`.
//!
//! Validates, each problem at its own place: attributes (`id` required and
//! unique book-wide, `cast` required, no empty or repeated cast name), every
//! speaker is in the cast, no empty line of dialogue, no unclosed direction,
//! no line that is neither dialogue, direction nor continuation, outcome lines
//! only at the end and only to scripts that exist, every placeholder declared.
//! Warns about a cast member who never speaks and a declared placeholder no
//! script uses.

use crate::attrs::{self, Id};
use crate::config;
use crate::diagnostics::{Diagnostics, Severity, Span, closest};
use crate::markdown::{self, FencedBlock, TermRef};
use crate::pages::Page;
use crate::render::{Format, RenderCx, Template, escape};
use mdbook_markdown::MarkdownOptions;
use mdbook_markdown::pulldown_cmark::{Event, Tag, TagEnd};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The info-string word that opens a script block.
pub const KIND: &str = "script";

/// The template this module renders with. The controls that need
/// JavaScript (tools, the "your details" form) are built by `script.js`.
pub const TEMPLATES: &[Template] = &[("script", include_str!("../templates/script.hbs"))];

/// Styles for scripts.
pub const CSS: &str = include_str!("../assets/script.css");

/// Behaviour for scripts: builds the details form and the tools (copy as
/// text, rehearsal mode).
pub const JS: &str = include_str!("../assets/script.js");

/// Speaker styles (colours) before they repeat.
const STYLES: usize = 6;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Attrs {
    id: Option<String>,
    title: Option<String>,
    cast: Option<String>,
}

/// A parsed script block.
#[derive(Debug)]
pub struct Script {
    /// Its id, unique book-wide: the anchor outcome lines link to.
    pub id: Id,
    /// Its title, if any.
    pub title: Option<String>,
    /// The speakers, in `cast` order.
    pub cast: Vec<String>,
    /// The chapter it is in.
    pub page: usize,
    /// Its index among the chapter's fenced blocks.
    pub block: usize,
    /// Groups of lines separated by blank lines.
    beats: Vec<Vec<Item>>,
    outcomes: Vec<Outcome>,
}

/// A line of dialogue or a stage direction, continuation lines included.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Item {
    /// Index into the cast; `None` for a stage direction.
    speaker: Option<usize>,
    /// The text (a direction keeps its parentheses). Continuation lines are
    /// joined with a newline padded with spaces, so byte `i` of `text` is byte
    /// `offset + i` of the chapter and inline offsets stay exact.
    text: String,
    offset: usize,
    /// Placeholders: range in `text`, label.
    placeholders: Vec<(Range<usize>, String)>,
}

/// `-> [label](#target)`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    label: String,
    label_offset: usize,
    target: String,
    target_span: Span,
}

/// Every script in the book, with the book's declared placeholders.
#[derive(Debug)]
pub struct Scripts {
    list: Vec<Script>,
    /// Declared placeholders: label → hint.
    declared: BTreeMap<String, String>,
    /// The book's root, where `book.toml` is.
    root: PathBuf,
    /// Every placeholder label used, also by scripts with a broken id.
    used: BTreeSet<String>,
    /// Every `{{#term}}` in lines and outcome labels, also of such scripts.
    terms: Vec<TermRef>,
}

/// Parses every script block in the book. `placeholders` are the declared
/// ones (label → hint); `root` is the book's root, whose `book.toml` declared
/// them.
pub fn collect(
    pages: &[Page],
    placeholders: &BTreeMap<String, String>,
    root: &Path,
    diags: &mut Diagnostics,
) -> Scripts {
    let mut scripts = Scripts {
        list: Vec::new(),
        declared: placeholders.clone(),
        root: root.to_path_buf(),
        used: BTreeSet::new(),
        terms: Vec::new(),
    };
    for page in pages {
        for (block_index, block) in page.scan.fenced.iter().enumerate() {
            if block.kind != KIND {
                continue;
            }
            if let Some(script) = parse(page, block_index, block, &mut scripts, diags) {
                scripts.list.push(script);
            }
        }
    }
    scripts
}

/// A cast member and where the name is written.
struct CastMember {
    name: String,
    span: Span,
}

/// What the line being read turns into once its continuations are in.
enum Pending {
    Line {
        speaker: Option<usize>,
        line: Range<usize>,
        segments: Vec<(usize, String)>,
    },
    Direction {
        line: Range<usize>,
        segments: Vec<(usize, String)>,
    },
    /// A line already reported: its continuations are swallowed quietly.
    Broken,
}

impl Pending {
    fn continue_with(&mut self, offset: usize, text: &str) {
        match self {
            Pending::Line { segments, .. } | Pending::Direction { segments, .. } => {
                segments.push((offset, text.to_string()));
            }
            Pending::Broken => {}
        }
    }
}

/// Reads one block. Returns `None` when it has no usable id (after reporting
/// everything else that is wrong with it).
fn parse(
    page: &Page,
    block_index: usize,
    block: &FencedBlock,
    book: &mut Scripts,
    diags: &mut Diagnostics,
) -> Option<Script> {
    let fence_line = fence_line(diags.text(page.source), block);
    let attrs: Option<Attrs> = attrs::parse(&block.attrs, block.attrs_offset, page.source, diags);
    let (id, title, cast) = match attrs {
        Some(a) => {
            let id = attrs::require_id(a.id, page, block, diags);
            let cast = parse_cast(a.cast.as_deref(), page, block, fence_line.clone(), diags);
            (id, a.title.filter(|t| !t.trim().is_empty()), cast)
        }
        None => (None, None, None),
    };

    let mut reader = Reader {
        page,
        cast: cast.as_deref(),
        declared: &book.declared,
        diags,
        beats: vec![Vec::new()],
        outcomes: Vec::new(),
        placeholders: Vec::new(),
        terms: Vec::new(),
        spoke: vec![false; cast.as_ref().map_or(0, Vec::len)],
    };
    reader.read(&block.lines);
    let Reader {
        mut beats,
        outcomes,
        placeholders,
        terms,
        spoke,
        ..
    } = reader;
    beats.retain(|b| !b.is_empty());

    if block.lines.iter().all(|l| l.text.trim().is_empty()) {
        diags
            .error(page.span(fence_line.clone()), "script has no lines")
            .help("write its lines below the fence: `Speaker: text` or `(stage direction)`");
    }
    let cast = cast.unwrap_or_default();
    for (member, spoke) in cast.iter().zip(&spoke) {
        if !spoke {
            diags
                .warning(
                    member.span.clone(),
                    format!("cast member `{}` never speaks", member.name),
                )
                .help(format!(
                    "give {} a line, or take them out of `cast`",
                    member.name
                ));
        }
    }
    book.terms.extend(terms);
    book.used.extend(placeholders);
    Some(Script {
        id: id?,
        title,
        cast: cast.into_iter().map(|m| m.name).collect(),
        page: page.index,
        block: block_index,
        beats,
        outcomes,
    })
}

/// The opening fence line of `block`, without its line ending.
fn fence_line(text: &str, block: &FencedBlock) -> Range<usize> {
    let rest = &text[block.range.start..block.range.end];
    let len = rest.find('\n').unwrap_or(rest.len());
    block.range.start..block.range.start + rest[..len].trim_end_matches('\r').len()
}

/// Splits `cast="You, Alex"` into members, reporting a missing cast, an empty
/// name, a name that cannot be written as a speaker, and a repeated name.
/// `None` when there is no cast to check speakers against.
fn parse_cast(
    cast: Option<&str>,
    page: &Page,
    block: &FencedBlock,
    fence_line: Range<usize>,
    diags: &mut Diagnostics,
) -> Option<Vec<CastMember>> {
    let attrs_span = block.attrs_offset..fence_line.end.max(block.attrs_offset + 1);
    let Some(cast) = cast.filter(|c| !c.trim().is_empty()) else {
        diags
            .error(page.span(attrs_span), "script has no `cast`")
            .help(r#"name the speakers, e.g. cast="You, Alex""#);
        return None;
    };
    // Where the value is written, to point at each name; the attributes as a
    // whole when it is written with escapes.
    let text = diags.text(page.source);
    let line = &text[block.attrs_offset..fence_line.end];
    let value_at = line
        .find("cast")
        .and_then(|key| line[key..].find(cast).map(|v| block.attrs_offset + key + v));
    let mut members: Vec<CastMember> = Vec::new();
    let mut start = 0;
    for piece in cast.split(',') {
        let lead = piece.len() - piece.trim_start().len();
        let name = piece.trim();
        let range = match value_at {
            Some(at) if name.is_empty() => {
                let comma = at + start + piece.len();
                comma.min(at + cast.len().saturating_sub(1))
                    ..comma.min(at + cast.len().saturating_sub(1)) + 1
            }
            Some(at) => at + start + lead..at + start + lead + name.len(),
            None => attrs_span.clone(),
        };
        start += piece.len() + 1;
        let span = page.span(range);
        if name.is_empty() {
            diags
                .error(span, "empty name in `cast`")
                .help(r#"separate the speakers' names with single commas, e.g. cast="You, Alex""#);
        } else if !is_speaker_name(name) {
            diags
                .error(span, format!("`{name}` cannot be a speaker's name"))
                .help(
                    "a name is at most four words, without `:`, brackets, parentheses or markdown",
                );
        } else if let Some(first) = members.iter().find(|m| m.name == name) {
            let first = first.span.clone();
            diags
                .error(span, format!("`{name}` is in the cast twice"))
                .note(first, "first named here");
        } else {
            members.push(CastMember {
                name: name.to_string(),
                span,
            });
        }
    }
    Some(members)
}

/// Whether `name` can stand before `:` as a speaker: short, and free of the
/// characters that make a line something else (markdown, links, directions).
fn is_speaker_name(name: &str) -> bool {
    !name.is_empty()
        && name.trim() == name
        && name.chars().count() <= 40
        && name.split_whitespace().count() <= 4
        && !name.contains([
            ':', '[', ']', '(', ')', '*', '`', '<', '>', '{', '}', '#', '|', '\\',
        ])
        && !name.starts_with(['-', '+', '!', '~', '_'])
}

/// Splits `Speaker: text` into the speaker's name and where the text starts.
fn split_speaker(line: &str) -> Option<(&str, usize)> {
    let colon = line.find(':')?;
    let after = &line[colon + 1..];
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    let name = line[..colon].trim_end();
    is_speaker_name(name).then_some((name, colon + 1))
}

/// Reads a block's lines into beats and outcomes.
struct Reader<'a, 'd> {
    page: &'a Page,
    /// `None` when the cast is missing: speakers are not checked.
    cast: Option<&'a [CastMember]>,
    declared: &'a BTreeMap<String, String>,
    diags: &'d mut Diagnostics,
    beats: Vec<Vec<Item>>,
    outcomes: Vec<Outcome>,
    placeholders: Vec<String>,
    terms: Vec<TermRef>,
    spoke: Vec<bool>,
}

impl Reader<'_, '_> {
    fn read(&mut self, lines: &[markdown::Line]) {
        let mut pending: Option<Pending> = None;
        let mut in_outcomes = false;
        for line in lines {
            let text = line.text.trim_end();
            let whole = line.offset..line.offset + text.len().max(1);
            if text.trim().is_empty() {
                self.finish(pending.take());
                if !self.beats.last().is_some_and(Vec::is_empty) {
                    self.beats.push(Vec::new());
                }
                continue;
            }
            let body = text.trim_start();
            let indent = text.len() - body.len();
            if in_outcomes && (indent > 0 || !body.starts_with("->")) {
                self.diags
                    .error(self.page.span(whole), "only outcome lines may follow outcome lines")
                    .help("outcome lines (`-> [label](#script-id)`) end the script: move this line above them");
                pending = Some(Pending::Broken);
                continue;
            }
            if indent > 0 {
                match pending.as_mut() {
                    Some(p) => p.continue_with(line.offset + indent, body),
                    None => {
                        self.diags
                            .error(self.page.span(line.offset + indent..whole.end), "indented line continues nothing")
                            .help("an indented line continues the line above it; at the start of a beat, write `Speaker: text` or `(stage direction)`");
                        pending = Some(Pending::Broken);
                    }
                }
                continue;
            }
            self.finish(pending.take());
            if body.starts_with("->") {
                in_outcomes = true;
                self.outcome(body, line.offset, whole);
            } else if body.starts_with('(') {
                pending = Some(Pending::Direction {
                    line: whole,
                    segments: vec![(line.offset, body.to_string())],
                });
            } else if let Some((name, text_at)) = split_speaker(body) {
                let speaker = self.speaker(name, line.offset);
                let rest = &body[text_at..];
                let lead = rest.len() - rest.trim_start().len();
                let mut segments = Vec::new();
                if !rest.trim().is_empty() {
                    segments.push((line.offset + text_at + lead, rest.trim().to_string()));
                }
                pending = Some(Pending::Line {
                    speaker,
                    line: whole,
                    segments,
                });
            } else {
                let cast = self.cast.unwrap_or_default();
                let help = match cast.first() {
                    Some(first) => format!(
                        "write `{}: what they say`, or `(a stage direction)` in parentheses; the cast is {}",
                        first.name,
                        names(cast)
                    ),
                    None => {
                        "write `Speaker: what they say`, or `(a stage direction)` in parentheses"
                            .to_string()
                    }
                };
                self.diags
                    .error(
                        self.page.span(whole),
                        "line is neither dialogue nor a stage direction",
                    )
                    .help(help);
                pending = Some(Pending::Broken);
            }
        }
        self.finish(pending);
    }

    /// The cast index of speaker `name` at `offset`, reporting a stranger.
    fn speaker(&mut self, name: &str, offset: usize) -> Option<usize> {
        let cast = self.cast?;
        if let Some(i) = cast.iter().position(|m| m.name == name) {
            self.spoke[i] = true;
            return Some(i);
        }
        let suggestion = closest(name, cast.iter().map(|m| m.name.as_str()));
        let diag = self.diags.error(
            self.page.span(offset..offset + name.len()),
            format!("`{name}` is not in the cast"),
        );
        match suggestion {
            Some(s) => diag.suggest(Some(s)),
            None => diag.help(format!(
                "the cast is {}; add `{name}` to `cast` if they speak",
                names(cast)
            )),
        };
        None
    }

    /// Turns a finished line (with its continuations) into an item.
    fn finish(&mut self, pending: Option<Pending>) {
        let (speaker, segments) = match pending {
            None | Some(Pending::Broken) => return,
            Some(Pending::Line {
                speaker,
                line,
                segments,
            }) => {
                if segments.is_empty() {
                    self.diags
                        .error(self.page.span(line), "empty line of dialogue")
                        .help("write what they say after the colon, or remove the line");
                    return;
                }
                (speaker.map(Some), segments)
            }
            Some(Pending::Direction { line, segments }) => {
                let (offset, text) = join(&segments);
                if !text.ends_with(')') {
                    self.diags
                        .error(
                            self.page.span(line.start..line.start + 1),
                            "stage direction is never closed",
                        )
                        .label("opened here")
                        .help("end the direction with `)`");
                    return;
                }
                if text[1..text.len() - 1].trim().is_empty() {
                    self.diags
                        .error(
                            self.page.span(offset..offset + text.len()),
                            "empty stage direction",
                        )
                        .help("describe what happens, or remove the line");
                    return;
                }
                (Some(None), segments)
            }
        };
        let (offset, text) = join(&segments);
        let placeholders = self.placeholders_in(&text, offset);
        self.terms.extend(
            TermRef::find_in(&text, offset, self.page.source, Some(self.page.index))
                .into_iter()
                .map(|(_, r)| r),
        );
        // A line whose speaker is not in the cast is reported; it is not kept.
        if let Some(speaker) = speaker {
            let item = Item {
                speaker,
                text,
                offset,
                placeholders,
            };
            self.beats.last_mut().expect("a beat is open").push(item);
        }
    }

    /// Finds and checks the placeholders of an item's text.
    fn placeholders_in(&mut self, text: &str, offset: usize) -> Vec<(Range<usize>, String)> {
        let found = find_placeholders(text);
        for (range, label) in &found {
            if self.declared.contains_key(label) {
                if !self.placeholders.contains(label) {
                    self.placeholders.push(label.clone());
                }
                continue;
            }
            let span = self.page.span(offset + range.start..offset + range.end);
            let suggestion = closest(label, self.declared.keys().map(String::as_str));
            self.diags
                .error(span, format!("undeclared placeholder `[{label}]`"))
                .suggest(suggestion)
                .help(format!(
                    "declare it in book.toml under [preprocessor.handbook.placeholders]: \"{label}\" = \"a hint for the reader\"; write `\\[{label}]` for literal brackets"
                ));
        }
        found
    }

    /// Reads `-> [label](#target)` at `offset`.
    fn outcome(&mut self, text: &str, offset: usize, whole: Range<usize>) {
        match parse_outcome(text) {
            Ok((label, target)) => {
                let label_text = &text[label.clone()];
                self.terms.extend(
                    TermRef::find_in(
                        label_text,
                        offset + label.start,
                        self.page.source,
                        Some(self.page.index),
                    )
                    .into_iter()
                    .map(|(_, r)| r),
                );
                self.outcomes.push(Outcome {
                    label: label_text.to_string(),
                    label_offset: offset + label.start,
                    target: text[target.clone()].to_string(),
                    target_span: self.page.span(offset + target.start..offset + target.end),
                });
            }
            Err(message) => {
                self.diags
                    .error(self.page.span(whole), message)
                    .help("write `-> [what happens](#id-of-the-follow-up-script)`");
            }
        }
    }
}

/// "`You`, `Alex`".
fn names(cast: &[CastMember]) -> String {
    cast.iter()
        .map(|m| format!("`{}`", m.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Joins a line's segments (offset, text) into one text starting at the first
/// segment's offset: each gap becomes a newline padded with spaces to its
/// length in the source, so offsets inside the text stay exact.
fn join(segments: &[(usize, String)]) -> (usize, String) {
    let offset = segments.first().map_or(0, |s| s.0);
    let mut text = String::new();
    for (i, (at, segment)) in segments.iter().enumerate() {
        if i > 0 {
            let gap = at.saturating_sub(offset + text.len()).max(1);
            text.push('\n');
            text.extend(std::iter::repeat_n(' ', gap - 1));
        }
        text.push_str(segment);
    }
    (offset, text)
}

/// Parses `-> [label](#target)`: the label's and the target id's ranges.
fn parse_outcome(text: &str) -> Result<(Range<usize>, Range<usize>), &'static str> {
    let rest = &text[2..];
    let open = 2 + rest.len() - rest.trim_start().len();
    if !text[open..].starts_with('[') {
        return Err("malformed outcome line");
    }
    let close = text[open..]
        .find("](")
        .map(|i| open + i)
        .ok_or("malformed outcome line")?;
    let label = open + 1..close;
    if text[label.clone()].contains(['[', ']']) {
        return Err("malformed outcome line");
    }
    if text[label.clone()].trim().is_empty() {
        return Err("outcome line has no label");
    }
    let target_start = close + 2;
    let end = text[target_start..]
        .find(')')
        .map(|i| target_start + i)
        .ok_or("malformed outcome line")?;
    if !text[end + 1..].trim().is_empty() {
        return Err("outcome line has text after its link");
    }
    let target = &text[target_start..end];
    if !target.starts_with('#') {
        return Err("an outcome links to a script by its id: `(#script-id)`");
    }
    if target.len() == 1 {
        return Err("outcome line has no target script id");
    }
    Ok((label, target_start + 1..end))
}

/// Every `[Label]` in a line's markdown that is a placeholder: in plain text
/// (not in code, a link or a directive), not escaped (`\[`), not followed by
/// `(` or `[`, not preceded by `]` or `!` (reference links, images), not a
/// footnote (`[^x]`). Returns the ranges (brackets included) and labels.
fn find_placeholders(text: &str) -> Vec<(Range<usize>, String)> {
    if !text.contains('[') {
        return Vec::new();
    }
    let mut plain: Vec<Range<usize>> = Vec::new();
    let mut in_link = 0usize;
    // A leading letter keeps the first line a paragraph, as it is rendered
    // (`[Label]: text` alone would be a link reference definition).
    let guarded = format!("x{text}");
    for (event, range) in
        mdbook_markdown::new_cmark_parser(&guarded, &MarkdownOptions::default()).into_offset_iter()
    {
        let range = range.start.saturating_sub(1)..range.end.saturating_sub(1);
        match event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => in_link += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => in_link = in_link.saturating_sub(1),
            Event::Text(_) if in_link == 0 => match plain.last_mut() {
                Some(last) if last.end >= range.start => last.end = last.end.max(range.end),
                _ => plain.push(range),
            },
            _ => {}
        }
    }
    let directives: Vec<Range<usize>> = markdown::find_inline(text, 0)
        .0
        .into_iter()
        .map(|d| d.range)
        .collect();
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    for (open, _) in text.match_indices('[') {
        let Some(len) = text[open + 1..].find([']', '[', '\n']) else {
            continue;
        };
        let close = open + 1 + len;
        if bytes[close] != b']' {
            continue;
        }
        let before = open.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(close + 1);
        let label = text[open + 1..close].trim();
        let range = open..close + 1;
        if matches!(before, Some(b'\\' | b']' | b'!'))
            || matches!(after, Some(b'(' | b'['))
            || label.is_empty()
            || label.starts_with('^')
            || !plain
                .iter()
                .any(|p| p.start <= range.start && range.end <= p.end)
            || directives
                .iter()
                .any(|d| d.start < range.end && range.start < d.end)
        {
            continue;
        }
        found.push((range, label.to_string()));
    }
    found
}

impl Scripts {
    /// The scripts, in book order.
    pub fn iter(&self) -> std::slice::Iter<'_, Script> {
        self.list.iter()
    }

    /// Every `{{#term}}` reference in the scripts, for the glossary to check.
    pub fn terms(&self) -> impl Iterator<Item = &TermRef> {
        self.terms.iter()
    }

    /// Book-wide checks: every outcome links to a script that exists; every
    /// declared placeholder has a usable label and is used by some script.
    pub fn check(&self, diags: &mut Diagnostics) {
        let ids: Vec<&str> = self.list.iter().map(|s| s.id.name.as_str()).collect();
        for outcome in self.list.iter().flat_map(|s| &s.outcomes) {
            if ids.contains(&outcome.target.as_str()) {
                continue;
            }
            let diag = diags.error(
                outcome.target_span.clone(),
                format!("outcome links to unknown script `{}`", outcome.target),
            );
            match closest(&outcome.target, ids.iter().copied()) {
                Some(s) => diag.suggest(Some(s)),
                None => diag.help("an outcome links to the id of a script block in this book"),
            };
        }
        self.check_declared(diags);
    }

    /// Reports declared placeholders that no script can or does use, at their
    /// line in book.toml.
    fn check_declared(&self, diags: &mut Diagnostics) {
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

    /// Renders `script` for the chapter it is in.
    pub fn render(&self, script: &Script, cx: &RenderCx) -> Result<String, String> {
        match cx.format {
            Format::Html => self.render_html(script, cx),
            Format::Markdown => Ok(self.render_markdown(script, cx)),
        }
    }

    /// The link from the current chapter to the script `id` (which exists).
    fn link(&self, id: &str, cx: &RenderCx) -> String {
        let page = self
            .list
            .iter()
            .find(|s| s.id.name == id)
            .map_or(cx.page, |s| &cx.pages[s.page]);
        match cx.format {
            Format::Html => cx.page.link_to(&page.html_path(), Some(id)),
            Format::Markdown if page.index == cx.page.index => format!("#{id}"),
            Format::Markdown => {
                let up = "../".repeat(cx.page.path.components().count().saturating_sub(1));
                let path: Vec<String> = page
                    .path
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                format!("{up}{}#{id}", path.join("/"))
            }
        }
    }

    fn render_html(&self, script: &Script, cx: &RenderCx) -> Result<String, String> {
        let beats: Vec<Vec<ItemView>> = script
            .beats
            .iter()
            .map(|beat| {
                beat.iter()
                    .map(|item| {
                        let fragments = item
                            .placeholders
                            .iter()
                            .map(|(range, label)| (range.clone(), self.placeholder_html(label)))
                            .collect();
                        ItemView {
                            direction: item.speaker.is_none(),
                            speaker: item.speaker.map_or("", |i| script.cast[i].as_str()),
                            style: item.speaker.unwrap_or(0) % STYLES,
                            html: inline_paragraph(cx, &item.text, item.offset, fragments),
                        }
                    })
                    .collect()
            })
            .collect();
        let view = ScriptView {
            id: &script.id.name,
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

    /// A placeholder as the reader gets it: the label in brackets, which the
    /// page's script replaces with the reader's value.
    fn placeholder_html(&self, label: &str) -> String {
        let hint = self
            .declared
            .get(label)
            .map(String::as_str)
            .unwrap_or_default();
        format!(
            "<span class=\"handbook-placeholder\" data-placeholder=\"{label}\" title=\"{hint}\">[{label}]</span>",
            label = escape(label),
            hint = escape(hint)
        )
    }

    /// Plain markdown: a paragraph per beat, a line per item (`**Speaker:**
    /// text`, `*(direction)*`), outcomes as a list of links.
    fn render_markdown(&self, script: &Script, cx: &RenderCx) -> String {
        let mut blocks = Vec::new();
        if let Some(title) = &script.title {
            blocks.push(format!("**{}**", markdown_escape(title)));
        }
        for beat in &script.beats {
            let lines: Vec<String> = beat
                .iter()
                .map(|item| {
                    let fragments = item
                        .placeholders
                        .iter()
                        .map(|(range, label)| {
                            (range.clone(), format!("\\[{}\\]", markdown_escape(label)))
                        })
                        .collect();
                    let text = cx.inline_with(&item.text, item.offset, fragments);
                    let text = text
                        .lines()
                        .map(str::trim_start)
                        .collect::<Vec<_>>()
                        .join("\n");
                    match item.speaker {
                        Some(i) => format!("**{}:** {text}", markdown_escape(&script.cast[i])),
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

/// Renders a line's text as inline HTML even when it starts like a block
/// (`- `, `1. `, `# `, `> `): that first character is escaped, so the line
/// stays one run of text in its speaker's line.
fn inline_paragraph(
    cx: &RenderCx,
    text: &str,
    offset: usize,
    fragments: Vec<(Range<usize>, String)>,
) -> String {
    let Some(at) = block_start(text) else {
        return cx.inline_with(text, offset, fragments);
    };
    let escaped = format!("{}\\{}", &text[..at], &text[at..]);
    let shift = |r: Range<usize>| {
        if r.start >= at {
            r.start + 1..r.end + 1
        } else {
            r
        }
    };
    let fragments = fragments
        .into_iter()
        .map(|(r, html)| (shift(r), html))
        .collect();
    cx.inline_with(&escaped, offset.saturating_sub(1), fragments)
}

/// Where to put a backslash so that `text` does not start a block other than
/// a paragraph: before the punctuation that opens it.
fn block_start(text: &str) -> Option<usize> {
    let first = mdbook_markdown::new_cmark_parser(text, &MarkdownOptions::default()).next();
    if matches!(first, None | Some(Event::Start(Tag::Paragraph))) {
        return None;
    }
    let at = text.bytes().take_while(u8::is_ascii_digit).count();
    text.as_bytes()
        .get(at)
        .is_some_and(u8::is_ascii_punctuation)
        .then_some(at)
}

/// Whether a declared label can be written as `[Label]` in a script.
fn is_placeholder_label(label: &str) -> bool {
    let trimmed = label.trim();
    !trimmed.is_empty()
        && trimmed == label
        && !label.contains(['[', ']', '\n', '\r'])
        && !label.starts_with('^')
}

/// Escapes markdown's inline punctuation in plain text.
fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '{' | '}'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[derive(Serialize)]
struct ScriptView<'a> {
    id: &'a str,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::line_col;
    use crate::render::Templates;

    /// A one-chapter book: its pages and diagnostics.
    fn book(chapter: &str) -> (Vec<Page>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let source = diags.add_source("ch.md", chapter);
        let page = Page {
            index: 0,
            name: "Chapter".into(),
            path: PathBuf::from("ch.md"),
            source,
            scan: markdown::scan(chapter, &MarkdownOptions::default()),
        };
        (vec![page], diags)
    }

    fn declared(labels: &[(&str, &str)]) -> BTreeMap<String, String> {
        labels
            .iter()
            .map(|(l, h)| (l.to_string(), h.to_string()))
            .collect()
    }

    /// Collects and checks `chapter`; every diagnostic as `LINE:COL severity: message [help]`.
    fn run(chapter: &str, labels: &[(&str, &str)]) -> (Scripts, Vec<String>) {
        let (pages, mut diags) = book(chapter);
        let scripts = collect(
            &pages,
            &declared(labels),
            Path::new("/nonexistent"),
            &mut diags,
        );
        scripts.check(&mut diags);
        let found = diags
            .items()
            .iter()
            .map(|d| {
                let at = d
                    .range
                    .as_ref()
                    .map_or((0, 0), |r| line_col(diags.text(d.source), r.start));
                let severity = if d.severity == Severity::Error {
                    "error"
                } else {
                    "warning"
                };
                let help: String = d.help.iter().map(|h| format!(" [{h}]")).collect();
                format!("{}:{} {severity}: {}{help}", at.0, at.1, d.message)
            })
            .collect();
        (scripts, found)
    }

    fn script(body: &str) -> String {
        format!("# T\n\n```script id=\"s\" cast=\"You, Alex\"\n{body}\n```\n")
    }

    /// What a script reads as: `Speaker: text`, `(direction)`, `--` between beats.
    fn shape(script: &Script) -> Vec<String> {
        let mut out = Vec::new();
        for (i, beat) in script.beats.iter().enumerate() {
            if i > 0 {
                out.push("--".to_string());
            }
            for item in beat {
                let text = item.text.split_whitespace().collect::<Vec<_>>().join(" ");
                out.push(match item.speaker {
                    Some(s) => format!("{}: {text}", script.cast[s]),
                    None => text,
                });
            }
        }
        for o in &script.outcomes {
            out.push(format!("-> {} #{}", o.label, o.target));
        }
        out
    }

    #[test]
    fn parses_lines_directions_continuations_and_beats() {
        let cases: &[(&str, &[&str])] = &[
            ("You: Hi.\nAlex: Hello.", &["You: Hi.", "Alex: Hello."]),
            (
                "You: Hi.\n(Alex nods.)\n\n\nAlex: So?",
                &["You: Hi.", "(Alex nods.)", "--", "Alex: So?"],
            ),
            (
                "You: one\n  two\n\tthree\nAlex: ok",
                &["You: one two three", "Alex: ok"],
            ),
            (
                "You:\n  Said on the next line.\nAlex: ok",
                &["You: Said on the next line.", "Alex: ok"],
            ),
            (
                "You: Note: a colon.\nAlex : spaced",
                &["You: Note: a colon.", "Alex: spaced"],
            ),
            (
                "(Alex looks\n  up.)\nYou: hi\nAlex: ok",
                &["(Alex looks up.)", "You: hi", "Alex: ok"],
            ),
            (
                "You: hi\nAlex: yes\n\n-> [Yes](#s)\n-> [*No*](#s)  \n",
                &["You: hi", "Alex: yes", "-> Yes #s", "-> *No* #s"],
            ),
        ];
        for (body, expected) in cases {
            let (scripts, diags) = run(&script(body), &[]);
            assert_eq!(diags, Vec::<String>::new(), "{body}");
            let s = scripts.iter().next().expect("one script");
            assert_eq!(shape(s), *expected, "{body}");
        }
    }

    #[test]
    fn item_text_keeps_chapter_offsets_across_continuations() {
        let chapter = script("You: one {{#term rtos}}\n    two [Your Name]\nAlex: ok");
        let (scripts, diags) = run(&chapter, &[("Your Name", "")]);
        assert!(diags.is_empty(), "{diags:?}");
        let s = scripts.iter().next().unwrap();
        let item = &s.beats[0][0];
        for (i, c) in item.text.char_indices().filter(|(_, c)| !c.is_whitespace()) {
            assert_eq!(
                chapter[item.offset + i..].chars().next(),
                Some(c),
                "byte {i}"
            );
        }
        let (range, label) = &item.placeholders[0];
        assert_eq!(
            &chapter[item.offset + range.start..item.offset + range.end],
            "[Your Name]"
        );
        assert_eq!(label, "Your Name");
        let term = scripts.terms().next().unwrap();
        assert_eq!(&chapter[term.key_span.range.clone()], "rtos");
    }

    #[test]
    fn finds_placeholders_only_in_plain_text() {
        let cases: &[(&str, &[&str])] = &[
            ("Hi [Your Name].", &["Your Name"]),
            ("[A] and **[B]** and <b>[C]</b>", &["A", "B", "C"]),
            (
                "[Your Name]: a reference-definition look-alike",
                &["Your Name"],
            ),
            ("[a link](http://x) [ref][r] [r2][] [full][ref]", &[]),
            ("`[code]` and ``[more]``", &[]),
            ("\\[escaped] ![image] [^note] [ ] []", &[]),
            ("{{#term x|[shown]}} [Y]", &["Y"]),
            ("[outer [inner]]", &["inner"]),
            ("[no close", &[]),
        ];
        for (text, expected) in cases {
            let labels: Vec<String> = find_placeholders(text)
                .into_iter()
                .map(|(_, l)| l)
                .collect();
            assert_eq!(labels, *expected, "{text}");
        }
    }

    #[test]
    fn every_problem_is_reported_at_its_place() {
        let cases: &[(&str, &[&str])] = &[
            (
                "You: hi\nAlx: hm\nAlex: ok",
                &["5:1 error: `Alx` is not in the cast [did you mean `Alex`?]"],
            ),
            (
                "You: hi\nBoss: hm\nAlex: ok",
                &[
                    "5:1 error: `Boss` is not in the cast [the cast is `You`, `Alex`; add `Boss` to `cast` if they speak]",
                ],
            ),
            (
                "You:\nAlex: ok",
                &[
                    "4:1 error: empty line of dialogue [write what they say after the colon, or remove the line]",
                ],
            ),
            (
                "You: hi\nAlex glances at the clock: twice.\nAlex: ok",
                &[
                    "5:1 error: line is neither dialogue nor a stage direction [write `You: what they say`, or `(a stage direction)` in parentheses; the cast is `You`, `Alex`]",
                ],
            ),
            (
                "  starts indented\n  and goes on\nYou: hi\nAlex: ok",
                &[
                    "4:3 error: indented line continues nothing [an indented line continues the line above it; at the start of a beat, write `Speaker: text` or `(stage direction)`]",
                ],
            ),
            (
                "You: hi\n\n  indented after a blank\nAlex: ok",
                &[
                    "6:3 error: indented line continues nothing [an indented line continues the line above it; at the start of a beat, write `Speaker: text` or `(stage direction)`]",
                ],
            ),
            (
                "You: hi\n(Alex looks\n  away.\nAlex: ok",
                &["5:1 error: stage direction is never closed [end the direction with `)`]"],
            ),
            (
                "You: hi\n(  )\nAlex: ok",
                &["5:1 error: empty stage direction [describe what happens, or remove the line]"],
            ),
            (
                "You: hi\nAlex: ok\n-> [Yes](#s)\nYou: more",
                &[
                    "7:1 error: only outcome lines may follow outcome lines [outcome lines (`-> [label](#script-id)`) end the script: move this line above them]",
                ],
            ),
            (
                "You: hi\nAlex: ok\n-> [Yes](#nope)",
                &[
                    "6:11 error: outcome links to unknown script `nope` [an outcome links to the id of a script block in this book]",
                ],
            ),
            (
                "You: hi\nAlex: ok\n-> [Yes](#ss)",
                &["6:11 error: outcome links to unknown script `ss` [did you mean `s`?]"],
            ),
            (
                "You: hi\nAlex: ok\n-> [Yes](other.md#s)",
                &[
                    "6:1 error: an outcome links to a script by its id: `(#script-id)` [write `-> [what happens](#id-of-the-follow-up-script)`]",
                ],
            ),
            (
                "You: hi\nAlex: ok\n-> Yes",
                &[
                    "6:1 error: malformed outcome line [write `-> [what happens](#id-of-the-follow-up-script)`]",
                ],
            ),
            (
                "You: hi\nAlex: ok\n-> [ ](#s)",
                &[
                    "6:1 error: outcome line has no label [write `-> [what happens](#id-of-the-follow-up-script)`]",
                ],
            ),
            (
                "You: hi\nAlex: ok\n-> [Yes](#s) and more",
                &[
                    "6:1 error: outcome line has text after its link [write `-> [what happens](#id-of-the-follow-up-script)`]",
                ],
            ),
            (
                "You: hi [Your Nmae].\nAlex: ok",
                &[
                    "4:9 error: undeclared placeholder `[Your Nmae]` [did you mean `Your Name`?] [declare it in book.toml under [preprocessor.handbook.placeholders]: \"Your Nmae\" = \"a hint for the reader\"; write `\\[Your Nmae]` for literal brackets]",
                ],
            ),
            ("You: hi\nAlex: hm", &[]),
            (
                "You: hi",
                &[
                    "3:29 warning: cast member `Alex` never speaks [give Alex a line, or take them out of `cast`]",
                ],
            ),
            (
                "",
                &[
                    "3:1 error: script has no lines [write its lines below the fence: `Speaker: text` or `(stage direction)`]",
                    "3:24 warning: cast member `You` never speaks [give You a line, or take them out of `cast`]",
                    "3:29 warning: cast member `Alex` never speaks [give Alex a line, or take them out of `cast`]",
                ],
            ),
        ];
        for (body, expected) in cases {
            let (_, diags) = run(&script(body), &[("Your Name", "hint")]);
            let diags: Vec<&str> = diags
                .iter()
                .map(String::as_str)
                .filter(|d| !d.contains("`Your Name` is declared"))
                .collect();
            assert_eq!(diags, *expected, "{body}");
        }
    }

    #[test]
    fn every_problem_of_one_script_is_reported_not_just_the_first() {
        let (scripts, diags) = run(&script("You: [Nope]\nAlx: x\nYu:\n  hanging\n(open"), &[]);
        assert_eq!(
            diags
                .iter()
                .map(|d| d.split(" [").next().unwrap())
                .collect::<Vec<_>>(),
            [
                "4:6 error: undeclared placeholder `[Nope]`",
                "5:1 error: `Alx` is not in the cast",
                "6:1 error: `Yu` is not in the cast",
                "8:1 error: stage direction is never closed",
                "3:29 warning: cast member `Alex` never speaks",
            ]
        );
        assert_eq!(
            scripts.iter().count(),
            1,
            "the script is still known, for id checks"
        );
    }

    #[test]
    fn a_script_without_id_still_counts_its_placeholders_and_terms() {
        let (scripts, diags) = run(
            "```script cast=\"You\"\nYou: [Your Name] {{#term x}}\n```\n",
            &[("Your Name", "")],
        );
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(
            diags[0].starts_with("1:1 error: script block has no `id`"),
            "{diags:?}"
        );
        assert_eq!(scripts.iter().count(), 0);
        assert_eq!(
            scripts.terms().map(|t| t.key.as_str()).collect::<Vec<_>>(),
            ["x"]
        );
    }

    #[test]
    fn attributes_and_cast_are_checked() {
        let cases: &[(&str, &[&str])] = &[
            (r#"id="s""#, &["3:10 error: script has no `cast`"]),
            (
                r#"cast="You""#,
                &[
                    "3:1 error: script block has no `id`",
                    "5:1 error: `Alex` is not in the cast",
                ],
            ),
            (
                r#"id="s" cast="You, , Alex""#,
                &["3:29 error: empty name in `cast`"],
            ),
            (
                r#"id="s" cast="You, Alex,""#,
                &["3:33 error: empty name in `cast`"],
            ),
            (
                r#"id="s" cast="You, Alex, You""#,
                &["3:35 error: `You` is in the cast twice"],
            ),
            (
                r#"id="s" cast="You, [Boss]""#,
                &[
                    "3:29 error: `[Boss]` cannot be a speaker's name",
                    "5:1 error: `Alex` is not in the cast",
                ],
            ),
            (
                r#"id="s" cast="You, Alex" colour="red""#,
                &[
                    "3:35 error: invalid directive attributes: unknown field `colour`, expected one of `id`, `title`, `cast`",
                ],
            ),
        ];
        for (attrs, expected) in cases {
            let chapter = format!("# T\n\n```script {attrs}\nYou: hi\nAlex: hm\n```\n");
            let (_, diags) = run(&chapter, &[]);
            let diags: Vec<&str> = diags
                .iter()
                .map(|d| d.split(" [").next().unwrap())
                .collect();
            assert_eq!(diags, *expected, "{attrs}");
        }
    }

    #[test]
    fn declared_placeholders_are_found_in_book_toml() {
        let toml = "[book]\ntitle = \"x\"\n\n[preprocessor.handbook.placeholders]\n\"Your Name\" = \"how you sign\"\nRole = \"your job\"\n";
        let span = |toml: &str, label: &str| config::key_span(toml, &["placeholders", label]);
        assert_eq!(&toml[span(toml, "Your Name").unwrap()], "\"Your Name\"");
        assert_eq!(&toml[span(toml, "Role").unwrap()], "Role");
        let inline = "[preprocessor.handbook]\nplaceholders = { \"A B\" = \"c\" }\n";
        assert_eq!(&inline[span(inline, "A B").unwrap()], "\"A B\"");
        assert_eq!(span("not toml [", "A B"), None);
        assert!(is_placeholder_label("Your Name"));
        for bad in ["", " x", "a]b", "[a", "^1", "a\nb"] {
            assert!(!is_placeholder_label(bad), "{bad}");
        }
    }

    #[test]
    fn unused_and_unusable_declarations_point_into_book_toml() {
        let dir = tempfile::tempdir().unwrap();
        let toml = "[book]\n[preprocessor.handbook.placeholders]\n\"Your Name\" = \"a\"\n\"Unused\" = \"b\"\n\"Bad]\" = \"c\"\n";
        std::fs::write(dir.path().join("book.toml"), toml).unwrap();
        let (pages, mut diags) = book(&script("You: [Your Name]\nAlex: ok"));
        let labels = declared(&[("Your Name", "a"), ("Unused", "b"), ("Bad]", "c")]);
        let scripts = collect(&pages, &labels, dir.path(), &mut diags);
        scripts.check(&mut diags);
        let out = diags.render(false);
        assert!(
            out.contains("error: placeholder label `Bad]` cannot be written in a script"),
            "{out}"
        );
        assert!(out.contains("book.toml:5:1"), "{out}");
        assert!(
            out.contains("warning: placeholder `Unused` is declared but no script uses it"),
            "{out}"
        );
        assert!(out.contains("book.toml:4:1"), "{out}");
        assert!(!out.contains("`Your Name` is declared"), "{out}");
    }

    #[test]
    fn speaker_names_and_block_starts() {
        assert_eq!(split_speaker("Dr. Lee: hi"), Some(("Dr. Lee", 8)));
        assert_eq!(split_speaker("You:"), Some(("You", 4)));
        for not_speech in [
            "https://x.org",
            "one two three four five: x",
            "[A]: b",
            "**A:** b",
            "(A: b)",
            ": x",
        ] {
            assert_eq!(split_speaker(not_speech), None, "{not_speech}");
        }
        assert_eq!(block_start("- not a list"), Some(0));
        assert_eq!(block_start("3. not a list"), Some(1));
        assert_eq!(block_start("# not a heading"), Some(0));
        assert_eq!(block_start("plain *text*"), None);
        assert_eq!(block_start("3 things"), None);
    }

    /// Renders the chapter's only script.
    fn render_one(chapter: &str, format: Format, labels: &[(&str, &str)]) -> String {
        let mut diags = Diagnostics::new();
        let templates = Templates::new(
            TEMPLATES,
            Path::new("/nonexistent"),
            Path::new("theme/handbook"),
            &mut diags,
        );
        render_with(&templates, chapter, format, labels)
    }

    fn render_with(
        templates: &Templates,
        chapter: &str,
        format: Format,
        labels: &[(&str, &str)],
    ) -> String {
        let (pages, mut diags) = book(chapter);
        let scripts = collect(
            &pages,
            &declared(labels),
            Path::new("/nonexistent"),
            &mut diags,
        );
        let term = |r: &TermRef| format!("<TERM {}>", r.key);
        let cx = RenderCx {
            format,
            templates,
            markdown: &MarkdownOptions::default(),
            pages: &pages,
            page: &pages[0],
            term: &term,
        };
        scripts.render(scripts.iter().next().unwrap(), &cx).unwrap()
    }

    #[test]
    fn markdown_for_other_renderers() {
        let chapter = script(
            "You: Hi *there*, [Your Name].\n  Shall we?\nAlex: Sure {{#term rtos}}.\n(Alex sits.)\n\nYou: - Thanks.\n\n-> [Next](#s)",
        );
        let out = render_one(&chapter, Format::Markdown, &[("Your Name", "")]);
        assert_eq!(
            out,
            "**You:** Hi *there*, \\[Your Name\\].\nShall we?\\\n**Alex:** Sure <TERM rtos>.\\\n*(Alex sits.)*\n\n**You:** - Thanks.\n\n- [Next](#s)"
        );
    }

    #[test]
    fn html_escapes_content_and_keeps_lines_inline() {
        let chapter = "# T\n\n```script id=\"s\" title=\"<b>Ask</b>\" cast=\"You, Al&ex\"\nYou: <script>alert(1)</script> [Your Name]\nAl&ex: - dash\n```\n";
        let out = render_one(chapter, Format::Html, &[("Your Name", "a \"hint\" <here>")]);
        assert!(!out.contains("<script>"), "{out}");
        assert!(!out.contains("<b>"), "{out}");
        assert!(
            out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{out}"
        );
        assert!(out.contains(r#"<span class="handbook-placeholder" data-placeholder="Your Name" title="a &quot;hint&quot; &lt;here&gt;">[Your Name]</span>"#), "{out}");
        assert!(out.contains(r#"data-speaker="Al&amp;ex""#), "{out}");
        assert!(
            out.contains(r#"<span class="handbook-line-text">- dash</span>"#),
            "{out}"
        );
        assert!(!out.contains("<ul>"), "{out}");
    }

    /// Pieces scripts are made of, valid or not, to shake the parser with.
    const PIECES: [&str; 24] = [
        "You:",
        "Alex:",
        " ",
        "  ",
        "\t",
        "(",
        ")",
        "->",
        " [Yes](#s)",
        "[Your Name]",
        "[",
        "]",
        "](",
        "`",
        "\\[",
        "{{#term x}}",
        "é",
        "ü:",
        "\n",
        "\n",
        "\n\n",
        "*",
        "text",
        "#",
    ];

    #[test]
    fn any_text_is_parsed_and_rendered_without_panicking() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut diags = Diagnostics::new();
        let templates = Templates::new(
            TEMPLATES,
            Path::new("/nonexistent"),
            Path::new("x"),
            &mut diags,
        );
        for _ in 0..2000 {
            let len = (next() % 24) as usize;
            let body: String = (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            let chapter = script(&body);
            let (pages, mut diags) = book(&chapter);
            let scripts = collect(
                &pages,
                &declared(&[("Your Name", "")]),
                Path::new("/nonexistent"),
                &mut diags,
            );
            scripts.check(&mut diags);
            for d in diags.items().iter().filter(|d| d.source == pages[0].source) {
                let range = d.range.clone().expect("every problem has a place");
                assert!(
                    range.start < range.end && range.end <= chapter.len(),
                    "{range:?} in {chapter:?}"
                );
                assert!(
                    chapter.is_char_boundary(range.start) && chapter.is_char_boundary(range.end),
                    "{chapter:?}"
                );
            }
            if scripts.iter().next().is_some() {
                render_with(&templates, &chapter, Format::Html, &[("Your Name", "")]);
                render_with(&templates, &chapter, Format::Markdown, &[("Your Name", "")]);
            }
        }
    }
}
