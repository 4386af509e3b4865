//! The script parser: the input is the rest of a ```script fence's info line
//! (after a valid `id` and `cast`) and its body, in a chapter of its own.
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
    let chapter = format!("# Script\n\n```script id=\"fuzz\" cast=\"You, Alex\"{text}\n```\n");
    BOOK.with(|(book, names)| book.check(&[("script.md", &chapter)], names));
});
