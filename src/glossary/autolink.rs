//! Finding plain-text mentions of terms in one pass over a chapter's text
//! runs (one aho-corasick automaton for every name), whole words only, with
//! the case rules of [`case_matches`].

use super::{Entry, Matcher};
use crate::pages::Page;
use aho_corasick::{AhoCorasick, Input, MatchKind};
use foldhash::{HashSet, HashSetExt};
use std::collections::BTreeSet;
use std::ops::Range;

impl Matcher {
    /// One automaton for every term, abbr and alias: leftmost-longest, ASCII
    /// case-insensitive (case is checked per match, see [`case_matches`]).
    pub(super) fn build(entries: &[Entry]) -> Option<Matcher> {
        let mut seen = HashSet::new();
        let patterns: Vec<(usize, String)> = entries
            .iter()
            .enumerate()
            .flat_map(|(i, e)| e.names().map(move |(_, n)| (i, n.value.as_str())))
            .filter(|(_, name)| seen.insert(*name))
            .map(|(i, name)| (i, name.to_string()))
            .collect();
        if patterns.is_empty() {
            return None;
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(patterns.iter().map(|(_, p)| p))
            .ok()?;
        let entries = patterns
            .iter()
            .map(|(e, _)| *e)
            .collect::<BTreeSet<_>>()
            .len();
        let slots = patterns.iter().map(|(e, _)| e + 1).max().unwrap_or(0);
        Some(Matcher {
            automaton,
            patterns,
            entries,
            slots,
        })
    }

    /// The first plain-text mention of each term in a chapter: the entry and
    /// the bytes to link. Mentions are whole words (a plural `s`/`es` is
    /// included), never inside a directive, and never at or after an
    /// explicit reference to the same term (`explicit_at` gives its offset).
    pub(super) fn mentions(
        &self,
        page: &Page,
        text: &str,
        explicit_at: impl Fn(usize) -> Option<usize>,
    ) -> Vec<(usize, Range<usize>)> {
        let mut linked = vec![false; self.slots];
        let mut found: Vec<(usize, Range<usize>)> = Vec::new();
        // Where directives are (with an escape's backslash), merged into
        // sorted, disjoint ranges.
        let mut directives: Vec<Range<usize>> = Vec::new();
        for d in &page.scan.inline {
            let range = d.range.start.saturating_sub(usize::from(d.escaped))..d.range.end;
            match directives.last_mut() {
                Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
                _ => directives.push(range),
            }
        }
        for run in &page.scan.text {
            let mut at = run.range.start;
            while found.len() < self.entries {
                let input = Input::new(text).span(at..run.range.end);
                let Some(m) = self.automaton.find(input) else {
                    break;
                };
                let (entry, pattern) = &self.patterns[m.pattern().as_usize()];
                if linked[*entry] {
                    at = m.end();
                    continue;
                }
                let end = plural_end(text, m.end(), run.range.end);
                let whole_word =
                    !is_word_char_before(text, m.start()) && !is_word_char_at(text, end);
                if !whole_word || !case_matches(pattern, &text[m.start()..m.end()]) {
                    at = next_char(text, m.start());
                    continue;
                }
                at = end;
                let first_after = directives.partition_point(|d| d.end <= m.start());
                let inside_directive = directives.get(first_after).is_some_and(|d| d.start < end);
                let after_explicit = explicit_at(*entry).is_some_and(|e| e < m.start());
                if inside_directive || after_explicit {
                    continue;
                }
                linked[*entry] = true;
                found.push((*entry, m.start()..end));
            }
        }
        found.sort_by_key(|(_, r)| r.start);
        found
    }
}

/// Whether a match in ASCII-insensitive mode is a real mention. A word of the
/// name that has capitals beyond its first letter (RTOS, FreeRTOS) or is a
/// single capital (C) must be written exactly so; other words in any case
/// (`Real-Time` matches `real-time`). So "RTOS" never links "rtos" or "Rtos".
pub(super) fn case_matches(pattern: &str, found: &str) -> bool {
    if pattern == found {
        return true;
    }
    let words = |s| str::split(s, |c: char| !c.is_alphanumeric());
    words(pattern).zip(words(found)).all(|(p, f)| {
        let mut chars = p.chars();
        let first_upper = chars.next().is_some_and(char::is_uppercase);
        let strict =
            chars.clone().any(char::is_uppercase) || (first_upper && p.chars().count() == 1);
        !strict || p == f
    })
}

/// Extends a match over a plural `s` or `es` when that ends the word.
fn plural_end(text: &str, end: usize, limit: usize) -> usize {
    if !text[..end].ends_with(|c: char| c.is_alphabetic()) {
        return end;
    }
    for suffix in ["s", "es"] {
        let after = end + suffix.len();
        if after <= limit && text[end..].starts_with(suffix) && !is_word_char_at(text, after) {
            return after;
        }
    }
    end
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_word_char_before(text: &str, at: usize) -> bool {
    text[..at].chars().next_back().is_some_and(is_word)
}

fn is_word_char_at(text: &str, at: usize) -> bool {
    text[at..].chars().next().is_some_and(is_word)
}

fn next_char(text: &str, at: usize) -> usize {
    at + text[at..].chars().next().map_or(1, char::len_utf8)
}
