//! The generated books. Every chapter uses every directive in a realistic mix:
//! prose with `{{#term}}` references and plain mentions for auto-linking,
//! headings, links, lists, a quote, code spans and code blocks holding
//! directive look-alikes, an escaped reference, a script with placeholders,
//! a direction, a continued line and an outcome, and a nested checklist. The
//! glossary's entry names have a fixed width, so books with 12 or 1,000 terms
//! have chapters of the same length. The preprocessor's input is made as
//! mdBook makes it: the book loaded by mdBook's own library and serialized
//! as `[context, book]`.

use anyhow::{Context, Result, ensure};
use mdbook_driver::MDBook;
use mdbook_preprocessor::PreprocessorContext;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

/// A book on disk and the preprocessor input for it.
pub(crate) struct Generated {
    pub(crate) root: PathBuf,
    /// mdBook's `[context, book]` JSON, also saved as `input.json` in `root`.
    pub(crate) input: Arc<[u8]>,
}

/// Writes a book of `chapters` chapters and a `terms`-term glossary into
/// `root`, installs the handbook's assets when the binary has `install`,
/// and returns the preprocessor input.
pub(crate) fn generate(
    root: &Path,
    chapters: usize,
    terms: usize,
    handbook: &Path,
) -> Result<Generated> {
    write_book(root, chapters, terms, handbook)
        .with_context(|| format!("could not write the book in `{}`", root.display()))?;
    install(handbook, root)?;
    let book = MDBook::load(root).context("mdBook could not load the generated book")?;
    let ctx = PreprocessorContext::new(book.root.clone(), book.config.clone(), "html".into());
    let input = serde_json::to_vec(&(&ctx, &book.book))?;
    std::fs::write(root.join("input.json"), &input)?;
    Ok(Generated {
        root: root.to_path_buf(),
        input: input.into(),
    })
}

fn write_book(root: &Path, chapters: usize, terms: usize, handbook: &Path) -> Result<()> {
    let src = root.join("src");
    std::fs::create_dir_all(&src)?;
    let command = handbook
        .to_str()
        .context("the binary's path is not UTF-8")?;
    std::fs::write(
        root.join("book.toml"),
        BOOK_TOML.replace("%COMMAND%", &format!("{command:?}")),
    )?;
    let mut glossary = String::new();
    for t in 0..terms {
        glossary += &fill(TERM, |key| match key {
            "ID" => Some(format!("wp-{t:04}")),
            "N" => Some(format!("{t:04}")),
            "SEE" => Some(format!("wp-{:04}", (t + 1) % terms)),
            _ => None,
        })?;
    }
    std::fs::write(src.join("glossary.toml"), glossary)?;
    std::fs::write(src.join("glossary.md"), "# Glossary\n\n{{#glossary}}\n")?;
    std::fs::write(
        src.join("checklists.md"),
        "# Checklists\n\n{{#checklists}}\n",
    )?;
    let mut summary = String::from("# Summary\n\n");
    for c in 0..chapters {
        writeln!(summary, "- [Chapter {c}](chapter-{c}.md)")?;
        std::fs::write(
            src.join(format!("chapter-{c}.md")),
            chapter(c, chapters, terms)?,
        )?;
    }
    summary += "- [Glossary](glossary.md)\n- [Checklists](checklists.md)\n";
    std::fs::write(src.join("SUMMARY.md"), summary)?;
    Ok(())
}

/// Runs `mdbook-handbook install ROOT` when the binary has that command (the
/// stdin preprocessor then expects the assets installed).
fn install(handbook: &Path, root: &Path) -> Result<()> {
    let help = Command::new(handbook).arg("--help").output()?;
    let has_install = String::from_utf8_lossy(&help.stdout)
        .lines()
        .any(|line| line.trim_start().starts_with("install "));
    if !has_install {
        return Ok(());
    }
    let out = Command::new(handbook).arg("install").arg(root).output()?;
    ensure!(
        out.status.success(),
        "`mdbook-handbook install {}` failed:\n{}",
        root.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

/// Chapter `c` of `chapters`: its terms, sentences and outcome vary with `c`.
fn chapter(c: usize, chapters: usize, terms: usize) -> Result<String> {
    fill(CHAPTER, |key| {
        let digit = |k: &str| k.as_bytes().get(1).map(|d| usize::from(d - b'0'));
        match key {
            "C" => Some(c.to_string()),
            "NEXT" => Some(((c + 1) % chapters).to_string()),
            _ if key.starts_with('S') => {
                digit(key).map(|k| SENTENCES[(c + k) % SENTENCES.len()].into())
            }
            _ if key.starts_with('T') => {
                digit(key).map(|k| format!("{:04}", (c * 7 + k * 131) % terms))
            }
            _ => None,
        }
    })
}

/// `template` with every `%KEY%` replaced by `value(KEY)`.
fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> Result<String> {
    let mut out = String::with_capacity(template.len() * 2);
    let mut parts = template.split('%');
    out += parts.next().unwrap_or_default();
    while let (Some(key), Some(text)) = (parts.next(), parts.next()) {
        out += &value(key).with_context(|| format!("the template has no value for `%{key}%`"))?;
        out += text;
    }
    Ok(out)
}

const BOOK_TOML: &str = r#"[book]
title = "Generated handbook"
src = "src"

[preprocessor.handbook]
command = %COMMAND%
before = ["links"]

[preprocessor.handbook.placeholders]
"Your Name" = "How you sign your emails"
"Team" = "Your team's name"
"Specific Project" = "A project of theirs you know well"
"#;

const TERM: &str = r#"[%ID%]
term = "Widget Protocol %N%"
abbr = "WP%N%"
aliases = ["widget bus %N%"]
definition = "The bus that links *sensor boards* to the main controller; timing follows {{#term %SEE%}}."
see-also = ["%SEE%"]

"#;

const SENTENCES: [&str; 10] = [
    "Before you ask a senior leader for an hour, write down what you want to learn and why it matters to the product you ship.",
    "A good first meeting is short: fifteen minutes, one question, and a next step that costs them nothing.",
    "Bring evidence of your own work, such as a logic analyser trace or a design review you led, so the talk starts from something concrete.",
    "Firmware teams learn fastest when someone who has shipped a product explains the trade-offs they would make again, and the ones they would not.",
    "Keep notes after every conversation; the patterns only show up after the third or fourth meeting.",
    "If the answer is \"not now\", ask when to follow up -- and then follow up on that date, without a reminder from them.",
    "Interrupt latency, stack depth and power budgets are easier to discuss with a scope capture on the table than from memory.",
    "A mentor's time is the scarce part; your preparation is what makes the half hour worth it for both of you.",
    "Say what you already tried, what you measured, and where the numbers stopped making sense.",
    "Most senior engineers remember who helped them early, and many are glad to do the same when the ask is clear.",
];

const CHAPTER: &str = r#"# Chapter %C%: the WP%T0% bring-up

%S0% This chapter follows {{#term wp-%T0%}} from first contact to a working board, and leans on Widget Protocol %T1% where timing matters.

## What to ask about widget bus %T2%

%S1% %S2% A typical session starts with `probe --bus {{#term wp-0000}}` and a scope on the clock line; see [the bring-up notes](https://example.com/notes/%C%.html) for the wiring. *Measure twice*, then write it down.

%S3% Ask how {{#term WP%T3%|the bus}} behaves under load, and why **WP%T4%** was chosen over the widget bus %T2% alternative. To show the syntax in a note, write \{{#term wp-%T0%}}.

- %S4%
- Check that the WP%T1% driver and the widget protocol %T3% stack agree on timing.
- Keep the first meeting to fifteen minutes.

> %S5%

```c
/* {{#term wp-0001}} is not expanded inside code. */
int bus_init(void) { return configure(WP_%T0%, 115200); }
```

## Rehearse the ask

%S6%

```script id="talk-%C%" title="Asking about WP%T0%" cast="You, Alex"
You: Alex, thanks for making time. I'm [Your Name], from [Team].
Alex: Happy to help. What's on your mind?
(Alex glances at the clock.)
You: I've been reading about {{#term wp-%T0%}} and would value
  your view on how [Specific Project] handled it.
Alex: Send me the traces first, then we'll talk.

You: Deal. I'll send them by Friday.
-> [Alex agrees to meet again](#talk-%NEXT%)
```

## Before the meeting

```checklist id="steps-%C%" title="Before the WP%T0% meeting"
- [ ] Read the {{#term wp-%T1%}} notes again
- [x] Book fifteen minutes in Alex's calendar {#book-time}
  - [ ] Add the agenda to the invite
  - [ ] Attach the scope traces
- [ ] Write down one question about widget bus %T2%
```

%S7% %S8%

    $ probe --trace --out trace-%C%.csv

%S9% When in doubt, ask the WP%T4% maintainers.

## Notes from the field

%S2% %S5% %S8% Field teams mention Widget Protocol %T4% and {{#term wp-%T2%}} most often.

%S3% %S6% %S9%

| Signal | What to ask | Where to look |
|---|---|---|
| WP%T1% clock | Does it drift under load? | the scope capture |
| Widget Protocol %T3% reset | Who owns the recovery path? | the driver's state machine |
| `IRQ %C%` | How long may the handler run? | the timing budget |

### Follow-up

%S1% %S4% %S7% Send a short note the same day, with the one thing you will try before the next meeting.

%S0% %S5% Close by thanking them for the time; name the next date if you agreed one.
"#;
