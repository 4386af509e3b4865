//! The whole pipeline: the input is one chapter's markdown, next to the
//! fixed glossary, checked with the full oracle (see `src/lib.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdbook_handbook_fuzz::{FuzzBook, fixture_glossary, glossary_names};
thread_local! {
    static BOOK: (FuzzBook, Vec<String>) = {
        let glossary = fixture_glossary();
        (FuzzBook::new(glossary.as_bytes()), glossary_names(&glossary))
    };
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    BOOK.with(|(book, names)| book.check(&[("chapter.md", text)], names));
});
