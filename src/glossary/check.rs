//! Checking the book's references against the glossary: unknown keys,
//! which chapters use which terms, the mentions auto-linking turns into
//! references, and terms nothing uses.

use super::{Entry, Glossary, Usage};
use crate::config::AutoLink;
use crate::diagnostics::{Diagnostics, Severity, SourceId, Span, closest};
use crate::markdown::{Context, TermRef};
use crate::pages::Page;
use foldhash::{HashMap, HashMapExt};
use std::collections::BTreeSet;

/// How many different unknown keys get a did-you-mean (each costs a look
/// at every name of the glossary).
const SUGGESTED_KEYS: usize = 256;

impl Glossary {
    /// The entry `key` names: an id exactly, or a term, abbr or alias
    /// case-insensitively.
    pub(super) fn lookup(&self, key: &str) -> Option<usize> {
        self.ids
            .get(key)
            .or_else(|| self.names.get(&crate::names::fold(key)))
            .copied()
    }

    /// The id of the term `key` names: an id exactly, or a term, abbr or
    /// alias case-insensitively.
    #[cfg(test)]
    pub(super) fn resolve(&self, key: &str) -> Option<&str> {
        self.lookup(key).map(|i| self.entries[i].id.value.as_str())
    }

    /// The closest id, term, abbr or alias to an unknown key.
    pub(super) fn suggest(&self, key: &str) -> Option<&str> {
        let candidates = self
            .entries
            .iter()
            .flat_map(|e| std::iter::once(&e.id).chain(e.names().map(|(_, n)| n)))
            .map(|t| t.value.as_str());
        closest(key, candidates)
    }

    /// Reports an unknown key at `r`'s key.
    /// Returns the entry suggested instead, if any. `cache` remembers the
    /// suggestion for each unknown key: a typo repeated a thousand times is
    /// looked up once, and past [`SUGGESTED_KEYS`] different unknown keys
    /// (a book that lost its glossary, not a typo) none is looked for.
    pub(super) fn unknown(
        &self,
        r: &TermRef,
        cache: &mut HashMap<String, Option<String>>,
        diags: &mut Diagnostics,
    ) -> Option<usize> {
        if r.key.is_empty() {
            diags
                .error(r.key_span.clone(), "`{{#term}}` names no term")
                .help("write the term's id, term, abbr or alias: {{#term rtos}}");
            return None;
        }
        let suggestion = match cache.get(&r.key) {
            Some(found) => found.clone(),
            None if cache.len() >= SUGGESTED_KEYS => None,
            None => {
                let found = self.suggest(&r.key).map(str::to_string);
                cache.insert(r.key.clone(), found.clone());
                found
            }
        };
        let suggestion = suggestion.as_deref();
        let d = diags.error(r.key_span.clone(), format!("unknown term `{}`", r.key));
        match suggestion {
            Some(s) => d.suggest(Some(s)),
            None => d.help(format!(
                "no entry in `{}` has this id, term, abbr or alias: add one, or check the spelling",
                self.display.display()
            )),
        };
        suggestion.and_then(|s| self.lookup(s))
    }

    /// Checks every reference of the book and records which chapter uses
    /// which term.
    ///
    /// `refs` are the explicit `{{#term}}`s of chapters, script lines and
    /// checklist items; `glossary_page` is the chapter and range of
    /// `{{#glossary}}`. Reports unknown keys (with a did-you-mean), a
    /// reference or `{{#glossary}}` without a glossary file, a glossary no
    /// page shows, and terms nothing uses. With `auto_link = first`, the
    /// first plain mention of each term in a chapter (not on the glossary
    /// page, not after an explicit reference to it) becomes a reference too.
    ///
    /// A term counts as used when a chapter, script line or checklist item
    /// references or auto-links it, or when the definition or `see-also` of
    /// a used term leads to it: removing such a term would break its user.
    pub(super) fn check_refs(
        &self,
        refs: &[&TermRef],
        pages: &[Page],
        diags: &mut Diagnostics,
    ) -> Usage {
        let glossary_page = self.page.clone();
        let auto_link = self.auto_link;
        let mut usage = Usage {
            glossary_html: glossary_page
                .as_ref()
                .and_then(|(p, _)| pages.get(*p))
                .map(|p| p.html_path().to_string()),
            glossary_page: glossary_page.as_ref().map(|(p, _)| *p),
            used_in: vec![Vec::new(); self.entries.len()],
            auto: Vec::new(),
        };
        // In book order, whoever collected them.
        let mut refs: Vec<&TermRef> = refs.to_vec();
        refs.sort_by_key(|r| (r.page, r.span.range.start));
        let Some(file) = self.file else {
            let expected = self.display.display();
            if let Some((p, range)) = &glossary_page
                && let Some(page) = pages.get(*p)
            {
                diags
                    .error(page.span(range.clone()), format!("`{{{{#glossary}}}}` shows the glossary, but `{expected}` does not exist"))
                    .help(format!("create `{expected}` with an entry per term: [rtos] term = \"...\" definition = \"...\""));
            }
            for r in refs {
                diags
                    .error(
                        r.key_span.clone(),
                        format!("unknown term `{}`: the book has no glossary", r.key),
                    )
                    .help(format!("create `{expected}` with an entry for this term"));
            }
            return usage;
        };
        let mut first_ref: HashMap<(usize, usize), usize> = HashMap::new();
        let mut cache = HashMap::new();
        // Terms suggested for a misspelt reference: not also reported unused.
        let mut suggested = BTreeSet::new();
        for r in &refs {
            let Some(entry) = self.lookup(&r.key) else {
                if !self.malformed {
                    suggested.extend(self.unknown(r, &mut cache, diags));
                }
                continue;
            };
            if let Some(page) = r.page {
                // Only a reference that is a link (not one in a heading)
                // stops auto-linking later mentions.
                if r.context == Context::Text {
                    let at = first_ref.entry((page, entry)).or_insert(r.span.range.start);
                    *at = (*at).min(r.span.range.start);
                }
                if Some(page) != usage.glossary_page {
                    usage.record(entry, page, r.span.range.start);
                }
            }
        }
        if auto_link == AutoLink::First
            && let Some(matcher) = &self.matcher
        {
            let glossary_page = usage.glossary_page;
            let texts: &Diagnostics = diags;
            // Chapters are searched apart (in parallel), then taken in order.
            let found = crate::parallel::map(pages, 32, |page| {
                if Some(page.index) == glossary_page {
                    return Vec::new();
                }
                matcher.mentions(page, texts.text(page.source), |entry| {
                    first_ref.get(&(page.index, entry)).copied()
                })
            });
            for (page, found) in pages.iter().zip(found) {
                for (entry, range) in found {
                    usage.record(entry, page.index, range.start);
                    let shown = diags.text(page.source)[range.clone()].to_string();
                    usage.auto.push(TermRef {
                        key: self.entries[entry].id.value.clone(),
                        shown: Some(shown),
                        span: page.span(range.clone()),
                        key_span: page.span(range),
                        page: Some(page.index),
                        context: Context::Text,
                    });
                }
            }
        }
        usage.finish();
        if self.malformed {
            return usage;
        }
        let referenced = usage.used_in.iter().any(|u| !u.is_empty());
        if usage.glossary_page.is_none() && referenced {
            diags
                .file_problem(
                    Severity::Warning,
                    file,
                    "the book has a glossary but no page shows it: term references show their definition, but link nowhere",
                )
                .help("add a chapter holding `{{#glossary}}` to SUMMARY.md");
        }
        self.warn_unused(&usage, &suggested, auto_link, file, diags);
        usage
    }

    /// Warns about every term no chapter, script or checklist reaches.
    fn warn_unused(
        &self,
        usage: &Usage,
        suggested: &BTreeSet<usize>,
        auto_link: AutoLink,
        file: SourceId,
        diags: &mut Diagnostics,
    ) {
        let mut reached: Vec<bool> = usage
            .used_in
            .iter()
            .enumerate()
            .map(|(i, u)| !u.is_empty() || suggested.contains(&i))
            .collect();
        let mut queue: Vec<usize> = (0..self.entries.len()).filter(|i| reached[*i]).collect();
        while let Some(i) = queue.pop() {
            let entry = &self.entries[i];
            let next = entry
                .refs
                .iter()
                .filter_map(|(_, r)| self.lookup(&r.key))
                .chain(
                    entry
                        .see_also
                        .iter()
                        .filter_map(|s| self.ids.get(&s.value).copied()),
                );
            for n in next {
                if !reached[n] {
                    reached[n] = true;
                    queue.push(n);
                }
            }
        }
        let mut unused: Vec<&Entry> = self
            .entries
            .iter()
            .zip(&reached)
            .filter(|(_, r)| !**r)
            .map(|(e, _)| e)
            .collect();
        unused.sort_by_key(|e| e.id.span.start);
        for entry in unused {
            let id = &entry.id.value;
            let how = match auto_link {
                AutoLink::First => format!(
                    "reference it with `{{{{#term {id}}}}}` or mention \"{}\" in a chapter",
                    entry.term.value
                ),
                AutoLink::None => format!("reference it with `{{{{#term {id}}}}}` in a chapter"),
            };
            diags
                .warning(
                    Span::new(file, entry.id.span.clone()),
                    format!("term `{id}` is never used"),
                )
                .label("no chapter, script or checklist uses it")
                .help(format!("{how}, or remove it from the glossary"));
        }
    }
}

impl Usage {
    /// Notes a use of `entry` at `offset` in chapter `page`; [`Usage::finish`]
    /// keeps the first of each chapter.
    pub(super) fn record(&mut self, entry: usize, page: usize, offset: usize) {
        let uses = &mut self.used_in[entry];
        match uses.last_mut() {
            Some((p, at)) if *p == page => *at = (*at).min(offset),
            _ => uses.push((page, offset)),
        }
    }

    /// Sorts each entry's uses by chapter, one per chapter: its first.
    pub(super) fn finish(&mut self) {
        for uses in &mut self.used_in {
            uses.sort_unstable();
            uses.dedup_by_key(|(page, _)| *page);
        }
    }
}
