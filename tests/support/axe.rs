//! axe-core, the accessibility engine, run inside the real headless Chromium.
//!
//! `.ci/run` installs the npm package `axe-core` into a cache folder; the
//! tests find `axe.min.js` there (or at `$HANDBOOK_AXE`). Missing, it makes a
//! test skip loudly on a developer machine and fail under `CI=true`.
//!
//! Every violation is kept with its selector and told apart by who made the
//! element: the handbook (it or an ancestor carries a `handbook-`/`hb-` class
//! or id) or not (mdBook's own page, or a book's own template override).
//!
//! Below it, the other ways a reader meets a page, over the same DevTools
//! connection: a phone's viewport and touch, focus, no JavaScript, print to
//! PDF (read back with poppler's `pdftotext`), scaled screenshots.

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
        let found = path.as_ref().and_then(|p| std::fs::read_to_string(p).ok());
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

// ---------------------------------------------------------------------------
// The other ways a reader meets a page: a phone's screen and touch, no
// JavaScript, paper.

/// Emulates a device: a `width`×`height` viewport, and touch input when
/// `touch` (a phone); `None` goes back to the desktop window.
pub fn emulate_device(tab: &Tab<'_>, device: Option<(u32, u32, bool)>) {
    let browser = tab.browser;
    match device {
        Some((width, height, touch)) => {
            browser.command(
                "Emulation.setDeviceMetricsOverride",
                serde_json::json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": touch }),
            );
            browser.command(
                "Emulation.setTouchEmulationEnabled",
                serde_json::json!({ "enabled": touch, "maxTouchPoints": 1 }),
            );
        }
        None => {
            browser.command(
                "Emulation.clearDeviceMetricsOverride",
                serde_json::json!({}),
            );
            browser.command(
                "Emulation.setTouchEmulationEnabled",
                serde_json::json!({ "enabled": false }),
            );
        }
    }
}

/// A finger's tap at `(x, y)` of the viewport.
pub fn tap_at(tab: &Tab<'_>, x: f64, y: f64) {
    for (kind, points) in [
        ("touchStart", serde_json::json!([{ "x": x, "y": y }])),
        ("touchEnd", serde_json::json!([])),
    ] {
        tab.browser.command(
            "Input.dispatchTouchEvent",
            serde_json::json!({ "type": kind, "touchPoints": points }),
        );
    }
}

/// Turns the page's JavaScript off (or back on) for the pages opened next.
pub fn disable_scripts(tab: &Tab<'_>, disabled: bool) {
    tab.browser.command(
        "Emulation.setScriptExecutionDisabled",
        serde_json::json!({ "value": disabled }),
    );
}

/// The open page printed to PDF by Chromium, A4, as a reader would.
pub fn print_to_pdf(tab: &Tab<'_>) -> Vec<u8> {
    use base64::Engine as _;
    let pdf = tab.browser.command(
        "Page.printToPDF",
        serde_json::json!({ "paperWidth": 8.27, "paperHeight": 11.69, "printBackground": false }),
    );
    base64::engine::general_purpose::STANDARD
        .decode(pdf["data"].as_str().expect("PDF data"))
        .expect("base64")
}

/// poppler's `pdftotext`, or `None` after a loud skip message.
pub fn pdftotext() -> Option<PathBuf> {
    let path = PathBuf::from("/usr/bin/pdftotext");
    if path.is_file() {
        return Some(path);
    }
    let message = "pdftotext is not installed (apt-get install -y poppler-utils, as .ci/run does)";
    if in_ci() {
        panic!("CI=true and {message}: this test must run in CI");
    }
    eprintln!("\n!!!!!!!! SKIPPED: {message}; this test did not run !!!!!!!!\n");
    None
}

/// Saves a PNG of the viewport, scaled by `scale` (small files for docs).
pub fn screenshot_scaled(tab: &Tab<'_>, path: &std::path::Path, scale: f64) {
    use base64::Engine as _;
    // The clip is in page coordinates: the viewport is at the scroll offset.
    let view = tab.eval(
        "[window.scrollX, window.scrollY, document.documentElement.clientWidth, window.innerHeight]",
    );
    let shot = tab.browser.command(
        "Page.captureScreenshot",
        serde_json::json!({ "format": "png", "clip": {
            "x": view[0], "y": view[1], "width": view[2], "height": view[3], "scale": scale } }),
    );
    let data = base64::engine::general_purpose::STANDARD
        .decode(shot["data"].as_str().expect("screenshot data"))
        .expect("base64");
    std::fs::write(path, data).expect("write screenshot");
}

/// Makes the page behave as if its window had the system's focus, so that
/// `:focus` and `:focus-within` match what `focus()` and Tab reach (a
/// headless window never has it otherwise).
pub fn emulate_focus(tab: &Tab<'_>) {
    tab.browser.command(
        "Emulation.setFocusEmulationEnabled",
        serde_json::json!({ "enabled": true }),
    );
}

/// Stops pages opened next from opening the print dialog themselves
/// (mdBook's `print.html` does, on load).
pub fn no_print_dialog(tab: &Tab<'_>) {
    tab.browser.command(
        "Page.addScriptToEvaluateOnNewDocument",
        serde_json::json!({ "source": "window.print = () => {};" }),
    );
}
