//! One escaper per output context. Every string that comes from the book
//! (chapters, `glossary.toml`, `book.toml`) goes through one of these on its
//! way into the output.
//!
//! Besides the usual characters, each escaper also neutralises `{{#`: mdBook's
//! `links` preprocessor runs after this one and would otherwise expand an
//! `{{#include}}` written in directive text.

/// Text in HTML content or a quoted attribute value.
pub(crate) fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    push_html(&mut out, text);
    out
}

/// A table of the bytes in `bytes`, for finding the next one an escaper
/// acts on in one lookup a byte.
pub(crate) const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
}

/// The bytes [`push_html`] escapes.
pub(crate) const HTML_SPECIAL: [bool; 256] = byte_set(b"&<>\"'{");

/// Appends `text`, escaped for HTML content or a quoted attribute value.
pub(crate) fn push_html(out: &mut String, text: &str) {
    let special = |b: &u8| HTML_SPECIAL[usize::from(*b)];
    let mut at = 0;
    while let Some(skip) = text.as_bytes()[at..].iter().position(special) {
        let i = at + skip;
        let entity = match text.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            // Keeps `{{#...}}` from mdBook's `links` preprocessor.
            _ => "&#123;",
        };
        out.push_str(&text[at..i]);
        out.push_str(entity);
        at = i + 1;
    }
    out.push_str(&text[at..]);
}

/// Plain text as markdown that shows exactly that text: every ASCII
/// punctuation character that markdown could read as syntax is
/// backslash-escaped (also `{`, so no `{{#...}}` survives).
pub(crate) fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '#'
                | '|'
                | '{'
                | '}'
                | '('
                | ')'
                | '!'
                | '"'
                | '\''
                | '&'
                | '~'
                | '$'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether a link or image URL is safe to keep: no scheme that runs script
/// (`javascript:`, `vbscript:`) or smuggles a document (`data:`), however it
/// is spelt (case, whitespace and control characters are ignored, as
/// browsers ignore them).
pub(crate) fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .take(16)
        .flat_map(char::to_lowercase)
        .collect();
    let Some(colon) = cleaned.find(':') else {
        return true;
    };
    // A colon after a path, query or fragment starts no scheme.
    if cleaned[..colon].contains(['/', '?', '#']) {
        return true;
    }
    !matches!(&cleaned[..colon], "javascript" | "vbscript" | "data")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_quotes_and_directive_braces() {
        assert_eq!(
            html(r#"<script>"a" & 'b' {{#include x}}"#),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39; &#123;&#123;#include x}}"
        );
        assert_eq!(html("plain"), "plain");
    }

    #[test]
    fn markdown_escape_shows_the_text_literally() {
        assert_eq!(markdown("*a* [b](c)"), r"\*a\* \[b\]\(c\)");
        assert_eq!(markdown("{{#include x}}"), r"\{\{\#include x\}\}");
        assert_eq!(markdown("<img onerror=x>"), r"\<img onerror=x\>");
    }

    #[test]
    fn script_urls_are_unsafe_however_spelt() {
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " java\tscript:alert(1)",
            "java\u{0}script:x",
            "vbscript:x",
            "data:text/html,<script>",
        ] {
            assert!(!is_safe_url(bad), "{bad:?}");
        }
        for good in [
            "https://example.com",
            "glossary.html#rtos",
            "../a.md",
            "#x",
            "a/b:c",
            "mailto:a@b.c",
        ] {
            assert!(is_safe_url(good), "{good:?}");
        }
    }
}
