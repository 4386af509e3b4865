//! axe-core, the accessibility engine, run inside the real headless Chromium.
//!
//! `.ci/run` installs the npm package `axe-core` into a cache folder; the
//! tests find `axe.min.js` there (or at `$HANDBOOK_AXE`). Missing, it makes a
//! test skip loudly on a developer machine and fail under `CI=true`.
//!
//! Every violation is kept with its selector and told apart by who made the
//! element: the handbook (it or an ancestor carries a `handbook-`/`hb-` class
//! or id) or mdBook's own page.

use super::{Tab, in_ci};
use serde::Deserialize;
use std::path::PathBuf;

/// The rule sets audited: WCAG 2.1 A and AA, and axe's best practices.
pub const TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

/// Where `.ci/run` installs axe-core: `${XDG_CACHE_HOME:-~/.cache}/mdbook-handbook/axe`.
pub fn install_dir() -> Option<PathBuf> {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(cache.join("mdbook-handbook/axe"))
}

/// axe-core's source, ready to inject into pages.
pub struct Axe {
    source: String,
}

/// One element that breaks one rule.
#[derive(Debug, Clone, Deserialize)]
pub struct Violation {
    /// The rule's id, e.g. `color-contrast`.
    pub rule: String,
    /// `minor`, `moderate`, `serious` or `critical`.
    pub impact: String,
    /// What the rule asks for.
    pub help: String,
    /// A CSS selector of the element.
    pub target: String,
    /// The start of the element's HTML.
    pub html: String,
    /// axe's explanation of what is wrong here.
    pub summary: String,
    /// Whether the element is the handbook's markup.
    pub ours: bool,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): {}\n      at {}\n      {}\n      {}",
            self.rule,
            self.impact,
            self.help,
            self.target,
            self.html,
            self.summary.replace('\n', "\n      ")
        )
    }
}

/// Runs axe on the whole document and returns its violations, one entry
/// per element and rule.
const RUN: &str = r#"(async () => {
  const ours = (el) => {
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const names = [e.id, ...e.classList];
      if (names.some((n) => n.startsWith('handbook-') || n.startsWith('hb-'))) return true;
    }
    return false;
  };
  const result = await axe.run(document, {
    runOnly: { type: 'tag', values: TAGS },
    resultTypes: ['violations'],
  });
  return result.violations.flatMap((v) => v.nodes.map((n) => {
    const selector = n.target.map(String).join(' >>> ');
    let el = null;
    try { el = document.querySelector(String(n.target[n.target.length - 1])); } catch (e) { el = null; }
    return {
      rule: v.id,
      impact: v.impact || n.impact || '',
      help: v.help,
      target: selector,
      html: n.html.replace(/\s+/g, ' ').slice(0, 240),
      summary: n.failureSummary || '',
      ours: ours(el),
    };
  }));
})()"#;

impl Axe {
    /// axe-core from its install folder, or `None` after a loud skip message.
    pub fn load() -> Option<Axe> {
        let path = std::env::var_os("HANDBOOK_AXE")
            .map(PathBuf::from)
            .or_else(|| install_dir().map(|d| d.join("node_modules/axe-core/axe.min.js")));
        let found = path
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok());
        if let Some(source) = found {
            return Some(Axe { source });
        }
        let message = format!(
            "axe-core is not installed at {} (npm install --prefix ~/.cache/mdbook-handbook/axe axe-core, as .ci/run does)",
            path.map_or_else(|| "(no HOME)".to_string(), |p| p.display().to_string())
        );
        if in_ci() {
            panic!("CI=true and {message}: this test must run in CI");
        }
        eprintln!("\n!!!!!!!! SKIPPED: {message}; this test did not run !!!!!!!!\n");
        None
    }

    /// The violations on the page open in `tab`, as it is now.
    pub fn audit(&self, tab: &Tab<'_>) -> Vec<Violation> {
        if tab.eval("typeof window.axe") != "object" {
            tab.eval(&format!("{}\n;true", self.source));
        }
        let tags = serde_json::to_string(&TAGS).expect("tags");
        let value = tab.eval(&RUN.replace("TAGS", &tags));
        serde_json::from_value(value).expect("axe's violations")
    }
}
