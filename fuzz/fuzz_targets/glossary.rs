//! The glossary parser: the input is the glossary file (written to the same
//! temporary book each run), used by a `{{#glossary}}` page and a chapter
//! that mentions and references its terms.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdbook_handbook_fuzz::{FuzzBook, glossary_names};
thread_local! {
    static BOOK: FuzzBook = FuzzBook::new(b"");
}

fuzz_target!(|data: &[u8]| {
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
    BOOK.with(|book| {
        book.set_glossary(data);
        book.check(&[("use.md", &usage), ("glossary.md", page)], &names);
    });
});
