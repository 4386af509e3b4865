//! Writes the seed corpora `corpus/<target>/` from the main crate's
//! `tests/fixtures/`: every chapter for `chapter`, every glossary file for
//! `glossary`, and the bodies of every script and checklist fence (with
//! their `title`, if any) for `script` and `checklist`.
//! Run from `fuzz/`: `cargo +nightly run --example seed`.

use mdbook_handbook_fuzz::fixtures;
use mdbook_markdown::MarkdownOptions;
use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
use std::path::Path;

fn main() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut written = 0;
    for entry in walk(&fixtures()) {
        let name = entry
            .strip_prefix(fixtures())
            .expect("under fixtures")
            .to_string_lossy()
            .replace('/', "-");
        let Ok(text) = std::fs::read_to_string(&entry) else {
            continue;
        };
        let mut seeds = Vec::new();
        if name.ends_with(".toml") && !name.ends_with("book.toml") {
            seeds.push(("glossary", name.clone(), text.clone()));
        } else if name.ends_with(".md") {
            seeds.push(("chapter", name.clone(), text.clone()));
            for (i, (kind, seed)) in fences(&text).into_iter().enumerate() {
                seeds.push((kind, format!("{name}-{i}"), seed));
            }
        }
        for (target, file, seed) in seeds {
            let dir = corpus.join(target);
            std::fs::create_dir_all(&dir).expect("corpus dir");
            std::fs::write(dir.join(file), seed).expect("seed");
            written += 1;
        }
    }
    println!("wrote {written} seeds under {}", corpus.display());
}

/// Every file under `dir`, recursively.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The script and checklist fences of a chapter as seeds: the rest of the
/// info line (its `title`, if any) and the body.
fn fences(text: &str) -> Vec<(&'static str, String)> {
    let mut seeds = Vec::new();
    let mut current: Option<(&'static str, String)> = None;
    for event in mdbook_markdown::new_cmark_parser(text, &MarkdownOptions::default()) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let kind = match info.split_whitespace().next() {
                    Some("script") => "script",
                    Some("checklist") => "checklist",
                    _ => continue,
                };
                let title = info
                    .find("title=")
                    .map(|at| &info[at..])
                    .and_then(|t| t.get(..t[7..].find('"')? + 8))
                    .map_or(String::new(), |t| format!(" {t}"));
                current = Some((kind, format!("{title}\n")));
            }
            Event::Text(body) => {
                if let Some((_, seed)) = &mut current {
                    seed.push_str(&body);
                }
            }
            Event::End(TagEnd::CodeBlock) => seeds.extend(current.take()),
            _ => {}
        }
    }
    seeds
}
