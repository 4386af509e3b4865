//! Directive attributes: `id="ask-alex" title="The ask" cast="You, Alex"`.
//!
//! Attributes are TOML key/value pairs separated by spaces. Each separating
//! space is turned into a newline (same byte length), and the result parsed as
//! a TOML document into the directive's own typed struct. So values follow
//! TOML's rules, a duplicate or unknown attribute is an error that names it,
//! and every TOML error points at the right column of the fence line.

use crate::diagnostics::{Diagnostics, SourceId, Span};
use crate::markdown::FencedBlock;
use crate::pages::Page;
use serde::de::DeserializeOwned;
use std::ops::Range;

/// A directive's id and where it was written.
#[derive(Debug, Clone)]
pub(crate) struct Id {
    /// The id: an HTML anchor and a storage key.
    pub(crate) name: String,
    /// Where it was written (the fence line when it is missing).
    pub(crate) span: Span,
}

/// Takes the block's `id`, reporting it when missing or not a usable anchor
/// (at its value in `spans`; at the whole attributes when not there).
pub(crate) fn require_id(
    id: Option<String>,
    spans: &Spans,
    page: &Page,
    block: &FencedBlock,
    diags: &mut Diagnostics,
) -> Option<Id> {
    let text = diags.text(page.source);
    let fence_line_end = text[block.range.start..]
        .find('\n')
        .map_or(block.range.end, |i| block.range.start + i);
    let Some(name) = id else {
        diags
            .error(
                page.span(block.range.start..fence_line_end),
                format!("{} block has no `id`", block.kind),
            )
            .help(format!(
                r#"add an id that is unique in the book, e.g. ```{} id="my-{}""#,
                block.kind, block.kind
            ));
        return None;
    };
    // The id's value with its quotes.
    let at = spans
        .of("id")
        .map_or(block.attrs_offset..fence_line_end, |value| {
            value.start - 1..value.end + 1
        });
    let span = page.span(at);
    if !is_valid_id(&name) {
        diags
            .error(span, format!("`{name}` is not a valid id"))
            .help(format!(
                "use lowercase letters, digits and dashes, e.g. `{}`",
                slug(&name)
            ));
        return None;
    }
    Some(Id { name, span })
}

/// Whether `name` is lowercase kebab-case: `[a-z0-9]` words joined by `-`.
pub(crate) fn is_valid_id(name: &str) -> bool {
    !name.is_empty()
        && name.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// A lowercase kebab-case slug of `text` ("Write it down!" becomes `write-it-down`).
pub(crate) fn slug(text: &str) -> String {
    if text.is_ascii() {
        slug_ascii(text)
    } else {
        slug_unicode(text)
    }
}

/// [`slug`] of ASCII text, byte by byte (the common case): a run of other
/// bytes is one dash, written only between two words.
fn slug_ascii(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    let mut gap = false;
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(b'-');
            }
            gap = false;
            out.push(b.to_ascii_lowercase());
        } else {
            gap = true;
        }
    }
    // Only ASCII letters, digits and dashes were written.
    String::from_utf8(out).unwrap_or_default()
}

fn slug_unicode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Where a block's attributes wrote each value, inside its quotes (bytes
/// of the chapter): known when they are `key="value"` pairs (see [`pairs`]).
#[derive(Debug, Default)]
pub(crate) struct Spans<'a>(Vec<(&'a str, Range<usize>)>);

impl Spans<'_> {
    /// Where the value of attribute `key` stands.
    pub(crate) fn of(&self, key: &str) -> Option<Range<usize>> {
        self.0
            .iter()
            .find_map(|(k, value)| (*k == key).then(|| value.clone()))
    }
}

/// Parses `attrs` (found at byte `offset` of `source`) into `T`, reporting
/// problems, and where each value was written. `T` should be
/// `#[serde(deny_unknown_fields)]`.
pub(crate) fn parse<'a, T: DeserializeOwned>(
    attrs: &'a str,
    offset: usize,
    source: SourceId,
    diags: &mut Diagnostics,
) -> Option<(T, Spans<'a>)> {
    let pairs = pairs(attrs);
    let spans = Spans(
        pairs
            .iter()
            .flatten()
            .map(|(key, value)| (*key, offset + value.start..offset + value.end))
            .collect(),
    );
    // Most attributes are plain quoted strings: read without TOML's parser.
    // Anything it does not take, and any value `T` refuses, goes to TOML,
    // which reports it.
    let plain = pairs.and_then(|pairs| plain_table(attrs, &pairs));
    if let Some(value) = plain.and_then(|t| toml::Value::Table(t).try_into().ok()) {
        return Some((value, spans));
    }
    let document = as_toml_document(attrs);
    match toml::from_str::<T>(&document) {
        Ok(value) => Some((value, spans)),
        Err(e) => {
            let local = e.span().unwrap_or(0..attrs.len());
            let local = crate::diagnostics::one_char_at_least(attrs, local);
            let range = offset + local.start..offset + local.end;
            let message = e.message().trim().replace('\n', " ");
            diags
                .error(
                    Span::new(source, range),
                    format!("invalid directive attributes: {message}"),
                )
                .help(r#"attributes are written key="value", separated by spaces"#);
            None
        }
    }
}

/// The [`pairs`] of `attrs` as a table, read as TOML reads them when no
/// value holds anything TOML would change (a backslash, a control
/// character); `None` otherwise, and for a repeated key.
fn plain_table(attrs: &str, pairs: &[(&str, Range<usize>)]) -> Option<toml::Table> {
    let mut table = toml::Table::new();
    for (key, value) in pairs {
        let value = value.clone();
        let text = &attrs[value];
        if text.contains(|c: char| c == '\\' || (c.is_control() && c != '\t')) {
            return None;
        }
        if table
            .insert(key.to_string(), toml::Value::String(text.to_string()))
            .is_some()
        {
            return None;
        }
    }
    Some(table)
}

/// The `key="value"` (or `key = 'value'`) pairs of `attrs`, separated by
/// spaces: each key, and where its value stands in `attrs` (inside the
/// quotes). `None` for anything else, and when there is no space before
/// the next key (TOML would read it otherwise).
fn pairs(attrs: &str) -> Option<Vec<(&str, Range<usize>)>> {
    let blank = |c: char| c == ' ' || c == '\t';
    let mut pairs = Vec::new();
    let mut rest = attrs.trim_start_matches(blank);
    while !rest.is_empty() {
        let key_len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))?;
        let (key, after_key) = rest.split_at(key_len);
        let value = after_key
            .trim_start_matches(blank)
            .strip_prefix('=')?
            .trim_start_matches(blank);
        let quote = value.chars().next().filter(|q| matches!(q, '"' | '\''))?;
        let len = value[1..].find(quote)?;
        if key.is_empty() {
            return None;
        }
        let start = attrs.len() - value.len() + 1;
        pairs.push((key, start..start + len));
        let after = &value[len + 2..];
        rest = after.trim_start_matches(blank);
        if rest.len() == after.len() && !rest.is_empty() {
            return None;
        }
    }
    Some(pairs)
}

/// Replaces the first character of each whitespace run that separates two
/// `key = value` pairs with a newline, leaving quoted values untouched.
fn as_toml_document(attrs: &str) -> String {
    let bytes = attrs.as_bytes();
    let mut out = bytes.to_vec();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == b'\\' && q == b'"' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b' ' || b == b'\t' => {
                let run_end = bytes[i..]
                    .iter()
                    .position(|c| *c != b' ' && *c != b'\t')
                    .map_or(bytes.len(), |p| i + p);
                let before = bytes[..i].iter().rev().find(|c| !c.is_ascii_whitespace());
                let after = bytes.get(run_end);
                let separates =
                    before.is_some_and(|c| *c != b'=') && after.is_some_and(|c| *c != b'=');
                if separates {
                    out[i] = b'\n';
                }
                i = run_end;
                continue;
            }
            None => {}
        }
        i += 1;
    }
    String::from_utf8(out).expect("only ASCII bytes were replaced")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    /// `attrs` read without TOML, as [`parse`] first tries.
    fn plain_pairs(attrs: &str) -> Option<toml::Table> {
        pairs(attrs).and_then(|pairs| plain_table(attrs, &pairs))
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Attrs {
        id: Option<String>,
        title: Option<String>,
        cast: Option<String>,
    }

    fn parse_ok(attrs: &str) -> Attrs {
        let mut diags = Diagnostics::new();
        let src = diags.add_source("a.md", attrs);
        let parsed = parse::<Attrs>(attrs, 0, src, &mut diags);
        assert_eq!(diags.error_count(), 0, "{}", diags.render(false));
        parsed.unwrap().0
    }

    fn parse_err(attrs: &str) -> String {
        let mut diags = Diagnostics::new();
        let src = diags.add_source("a.md", attrs);
        assert!(parse::<Attrs>(attrs, 0, src, &mut diags).is_none());
        diags.render(false)
    }

    #[test]
    fn spaces_separate_pairs_but_not_values() {
        let a = parse_ok(r#" id="ask-alex"  title = "The 15-minute ask" cast='You, Alex'"#);
        assert_eq!(a.id.as_deref(), Some("ask-alex"));
        assert_eq!(a.title.as_deref(), Some("The 15-minute ask"));
        assert_eq!(a.cast.as_deref(), Some("You, Alex"));
        let a = parse_ok(r#"title="say \"hi\" now""#);
        assert_eq!(a.title.as_deref(), Some("say \"hi\" now"));
        assert_eq!(
            parse_ok(""),
            Attrs {
                id: None,
                title: None,
                cast: None
            }
        );
    }

    #[test]
    fn ids_are_kebab_case_and_slugs_make_them() {
        assert!(is_valid_id("ask-alex-2"));
        for bad in ["", "Ask", "a b", "a--b", "-a", "a_b"] {
            assert!(!is_valid_id(bad), "{bad}");
        }
        assert_eq!(
            slug("  Write it down: an RTOS question!  "),
            "write-it-down-an-rtos-question"
        );
        assert_eq!(slug("Ça va"), "ça-va");
    }

    proptest::proptest! {
        #[test]
        fn the_ascii_slug_is_the_unicode_slug(text in "[ -~\t\n]{0,40}") {
            proptest::prop_assert_eq!(slug_ascii(&text), slug_unicode(&text));
        }
    }

    /// What TOML alone makes of `attrs`.
    fn by_toml(attrs: &str) -> Result<Attrs, String> {
        toml::from_str::<Attrs>(&as_toml_document(attrs)).map_err(|e| e.to_string())
    }

    proptest::proptest! {
        /// The plain reading never differs from TOML's: what it takes, TOML
        /// reads the same, and what it leaves, TOML still reports.
        #[test]
        fn plain_pairs_read_as_toml_does(
            pairs in proptest::collection::vec(
                ("id|title|cast|colour", "[ \t]?=[ \t]?", "[\"']", r#"[ -~\t\u{e9}\u{7f}]{0,6}"#, "[\"']", "[ \t]{0,2}"),
                0..4,
            )
        ) {
            let attrs: String = pairs
                .iter()
                .map(|(k, eq, open, text, close, gap)| format!("{k}{eq}{open}{text}{close}{gap}"))
                .collect();
            if let Some(value) = plain_pairs(&attrs).and_then(|t| toml::Value::Table(t).try_into::<Attrs>().ok()) {
                proptest::prop_assert_eq!(Ok(value), by_toml(&attrs));
            }
        }
    }

    #[test]
    fn plain_pairs_take_the_common_attributes_and_leave_the_rest() {
        let common = r#" id="talk-1"  title = "Asking about WP0007" cast='You, Alex' "#;
        let table = plain_pairs(common).unwrap();
        assert_eq!(table["title"].as_str(), Some("Asking about WP0007"));
        assert_eq!(table["cast"].as_str(), Some("You, Alex"));
        for left in [
            r#"title="say \"hi\"""#,
            r#"id="a"title="b""#,
            r#"id="a" id="b""#,
            r#"id="unterminated"#,
            r#"id=a"#,
            r#"="a""#,
        ] {
            assert!(plain_pairs(left).is_none(), "{left}");
        }
    }

    #[test]
    fn unknown_duplicate_and_malformed_attributes_are_errors() {
        let out = parse_err(r#"id="a" colour="red""#);
        assert!(out.contains("unknown field `colour`"), "{out}");
        assert!(out.contains("a.md:1:8"), "{out}");
        let out = parse_err(r#"id="a" id="b""#);
        assert!(out.contains("duplicate key"), "{out}");
        let out = parse_err(r#"id="unterminated"#);
        assert!(out.contains("invalid directive attributes"), "{out}");
    }
}
