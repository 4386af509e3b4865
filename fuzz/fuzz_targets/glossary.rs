//! The glossary parser: the input is the glossary file (written to the same
//! temporary book each run), used by a `{{#glossary}}` page and a chapter
//! that mentions and references its terms.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdbook_handbook_fuzz::{FuzzBook, glossary_names};
use std::sync::OnceLock;

static BOOK: OnceLock<FuzzBook> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let book = BOOK.get_or_init(|| FuzzBook::new(b""));
    book.set_glossary(data);
    let text = String::from_utf8_lossy(data);
    let names = glossary_names(&text);
    // Reference the first id, mention every name, so references, auto-links
    // and the definitions' rendering all run.
    let first_id = text
        .parse::<toml::Table>()
        .ok()
        .and_then(|t| t.keys().next().cloned());
    let mut usage = String::from("# Use\n\n");
    if let Some(id) = first_id.filter(|id| !id.contains(['}', '|', '\n'])) {
        usage.push_str(&format!("See {{{{#term {id}}}}}.\n\n"));
    }
    for name in &names {
        usage.push_str(&format!("About {name} here.\n\n"));
    }
    let page = "# Glossary\n\n{{#glossary}}\n";
    book.check(&[("use.md", &usage), ("glossary.md", page)], &names);
});
