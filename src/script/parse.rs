//! Reading a script block: attributes and cast, then its lines into beats,
//! stage directions, placeholders and outcomes.

use super::{Attrs, Item, Outcome, Script};
use crate::attrs;
use crate::diagnostics::{Diagnostics, Span, closest};
use crate::markdown::ranges::{overlaps_any, within};
use crate::markdown::{self, FencedBlock, TermRef};
use crate::pages::Page;
use mdbook_markdown::MarkdownOptions;
use mdbook_markdown::pulldown_cmark::{Event, Tag, TagEnd};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

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

/// What reading a chapter's scripts finds besides the scripts themselves.
#[derive(Default)]
pub(super) struct Read {
    /// Every `{{#term}}` in their lines, valid or not.
    pub(super) terms: Vec<TermRef>,
    /// Every declared placeholder they use.
    pub(super) used: BTreeSet<String>,
}

/// Reads one block; its `{{#term}}`s and placeholders go to `read`.
/// Returns `None` when it has no usable id (after reporting everything else
/// that is wrong with it).
pub(super) fn block(
    page: &Page,
    block: &FencedBlock,
    declared: &BTreeMap<String, String>,
    read: &mut Read,
    diags: &mut Diagnostics,
) -> Option<Script> {
    let fence_line = fence_line(diags.text(page.source), block);
    let attrs: Option<(Attrs, _)> =
        attrs::parse(&block.attrs, block.attrs_offset, page.source, diags);
    let (id, title, cast) = match attrs {
        Some((a, spans)) => {
            let id = attrs::require_id(a.id, &spans, page, block, diags);
            let cast_at = spans.of("cast");
            let cast = parse_cast(
                a.cast.as_deref(),
                cast_at,
                page,
                block,
                fence_line.clone(),
                diags,
            );
            (id, a.title.filter(|t| !t.trim().is_empty()), cast)
        }
        None => (None, None, None),
    };

    let mut reader = Reader {
        page,
        cast: cast.as_deref(),
        declared,
        diags,
        beats: vec![Vec::new()],
        outcomes: Vec::new(),
        placeholders: BTreeSet::new(),
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
    // A book may hold thousands of scripts: each keeps only what it holds.
    for beat in &mut beats {
        beat.shrink_to_fit();
    }
    beats.shrink_to_fit();

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
    read.terms.extend(terms);
    read.used.extend(placeholders);
    Some(Script {
        id: id?,
        title,
        cast: cast.into_iter().map(|m| m.name).collect(),
        page: page.index,
        range: block.range.clone(),
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
/// `None` when there is no cast to check speakers against. `written_at` is
/// where the attributes wrote its value, when known.
fn parse_cast(
    cast: Option<&str>,
    written_at: Option<Range<usize>>,
    page: &Page,
    block: &FencedBlock,
    fence_line: Range<usize>,
    diags: &mut Diagnostics,
) -> Option<Vec<CastMember>> {
    // The attributes, or the fence line when they are empty (at the end of
    // the file there may be nothing after the kind).
    let attrs_span = if fence_line.end > block.attrs_offset {
        block.attrs_offset..fence_line.end
    } else {
        fence_line.clone()
    };
    let Some(cast) = cast.filter(|c| !c.trim().is_empty()) else {
        diags
            .error(page.span(attrs_span), "script has no `cast`")
            .help(r#"name the speakers, e.g. cast="You, Alex""#);
        return None;
    };
    // Where the value is written (`written_at`), to point at each name; the
    // attributes as a whole when it is written with escapes.
    let text = diags.text(page.source);
    let value_at = written_at
        .filter(|value| text[value.clone()] == *cast)
        .map(|value| value.start);
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
        } else if let Some(first) = members.iter().find(|m| m.name == crate::names::nfc(name)) {
            let first = first.span.clone();
            diags
                .error(span, format!("`{name}` is in the cast twice"))
                .note(first, "first named here");
        } else {
            members.push(CastMember {
                name: crate::names::nfc(name).into_owned(),
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
pub(super) fn split_speaker(line: &str) -> Option<(&str, usize)> {
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
    /// Every placeholder label used.
    placeholders: BTreeSet<String>,
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
        let written = name.len();
        let name = &crate::names::nfc(name);
        if let Some(i) = cast.iter().position(|m| m.name == *name) {
            self.spoke[i] = true;
            return Some(i);
        }
        let suggestion = closest(name, cast.iter().map(|m| m.name.as_str()));
        // A misspelt speaker: the member meant is not also "never speaks".
        if let Some(meant) = suggestion.and_then(|s| cast.iter().position(|m| m.name == s)) {
            self.spoke[meant] = true;
        }
        let diag = self.diags.error(
            self.page.span(offset..offset + written),
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
        let (speaker, joined) = match pending {
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
                (speaker.map(Some), join(segments))
            }
            Some(Pending::Direction { line, segments }) => {
                let (offset, text) = join(segments);
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
                (Some(None), (offset, text))
            }
        };
        let (offset, text) = joined;
        let placeholders = self.placeholders_in(&text, offset);
        let refs = TermRef::find_in(&text, offset, self.page.source, Some(self.page.index));
        self.terms.extend(refs.iter().map(|(_, r)| r.clone()));
        // A line whose speaker is not in the cast is reported; it is not kept.
        if let Some(speaker) = speaker {
            let item = Item {
                speaker,
                text,
                offset,
                placeholders,
                refs,
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
                    self.placeholders.insert(label.clone());
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
fn join(mut segments: Vec<(usize, String)>) -> (usize, String) {
    if segments.len() == 1 {
        return segments.swap_remove(0);
    }
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
pub(super) fn find_placeholders(text: &str) -> Vec<(Range<usize>, String)> {
    if !text.contains('[') {
        return Vec::new();
    }
    if is_one_text_run(text) {
        placeholders_in_text(text, std::slice::from_ref(&(0..text.len())))
    } else {
        placeholders_in_text(text, &parsed_text_runs(text))
    }
}

/// Whether the parser reads all of `text` as text outside links: one line
/// (`\r` ends a line too) with no code, HTML, escape, emphasis or link
/// destination in it. A test holds this way and the parser's equal.
pub(super) fn is_one_text_run(text: &str) -> bool {
    !text.contains("](")
        && !text
            .bytes()
            .any(|b| matches!(b, b'\n' | b'\r' | b'`' | b'<' | b'\\' | b'*' | b'_' | b'~'))
}

/// The runs of `text` the parser reads as text outside links and images.
pub(super) fn parsed_text_runs(text: &str) -> Vec<Range<usize>> {
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
    plain
}

/// The placeholders of `text` whose brackets lie in one of the `plain` runs.
pub(super) fn placeholders_in_text(
    text: &str,
    plain: &[Range<usize>],
) -> Vec<(Range<usize>, String)> {
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
            || !within(plain, &range, |r| r)
            || overlaps_any(&directives, &range)
        {
            continue;
        }
        found.push((range, crate::names::nfc(label).into_owned()));
    }
    found
}
