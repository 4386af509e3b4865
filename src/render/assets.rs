//! The CSS/JS the reader's browser gets.

use crate::directive::Directive;

/// Helpers the directives' JavaScript shares (copying to the clipboard).
const SHARED_JS: &str = include_str!("../../assets/handbook.js");

/// The CSS/JS block for pages with handbook output: every directive's.
pub(crate) fn page_assets(directives: &[Box<dyn Directive>]) -> String {
    let (css, js): (Vec<&str>, Vec<&str>) = directives
        .iter()
        .map(|d| d.assets())
        .map(|a| (a.css, a.js))
        .unzip();
    assets(&css, &js)
}

/// The `<style>` and `<script>` blocks every page with handbook output gets.
/// They are inlined, so they load from the book itself (no CDN) and need no
/// files copied by the author.
/// Comments and indentation are stripped: every page carries these bytes.
/// The directives' JavaScript comes after the shared helpers they use.
pub(crate) fn assets(css: &[&str], js: &[&str]) -> String {
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
}
