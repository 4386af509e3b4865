//! How names written by authors are compared: glossary keys, terms, abbrs
//! and aliases, cast names and speakers, placeholder labels.
//!
//! Names are compared after Unicode normalisation (NFC), so "Café" typed
//! with a combining accent is the "Café" of the glossary. Two names that
//! differ but look alike (Greek or Cyrillic letters in a Latin name, a
//! zero-width character) are what [`looks_like`] and [`invisible`] find, for
//! a warning.

use std::borrow::Cow;
use unicode_normalization::{IsNormalized, UnicodeNormalization};
use unicode_security::confusable_detection::skeleton;

/// `name` in NFC (most names are so already, and are borrowed as they are).
pub(crate) fn nfc(name: &str) -> Cow<'_, str> {
    if name.is_ascii() || unicode_normalization::is_nfc_quick(name.chars()) == IsNormalized::Yes {
        return Cow::Borrowed(name);
    }
    Cow::Owned(name.nfc().collect())
}

/// The form names are looked up by case-insensitively: NFC, lowercased.
pub(crate) fn fold(name: &str) -> String {
    if name.is_ascii() {
        return name.to_ascii_lowercase();
    }
    nfc(name).to_lowercase()
}

/// What `name` looks like: equal for names a reader cannot tell apart
/// (Unicode's confusable skeleton of the folded name).
pub(crate) fn looks_like(name: &str) -> String {
    skeleton(&fold(name)).collect()
}

/// The first invisible character in `name` (zero-width spaces and joiners,
/// word joiner, byte-order mark), if any.
pub(crate) fn invisible(name: &str) -> Option<char> {
    name.chars()
        .find(|c| matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composed_and_decomposed_are_one_name() {
        assert_eq!(fold("Cafe\u{301}"), fold("Café"));
        assert_eq!(fold("RTOS"), "rtos");
    }

    #[test]
    fn look_alikes_share_a_skeleton_and_invisibles_are_found() {
        // Greek capital alpha and omicron for Latin A and O.
        assert_eq!(looks_like("\u{391}DC"), looks_like("ADC"));
        assert_eq!(looks_like("RT\u{39F}S"), looks_like("RTOS"));
        assert_ne!(looks_like("ADC"), looks_like("DAC"));
        // Within one alphabet too (the glossary only warns across them).
        assert_eq!(looks_like("modem"), looks_like("rnodem"));
        assert_eq!(invisible("RT\u{200B}OS"), Some('\u{200B}'));
        assert_eq!(invisible("RTOS"), None);
    }
}
