//! The reader's CSS and JavaScript, as installed into a book.
//!
//! The binary embeds one stylesheet and one script, each the concatenation of
//! the directives' files in `assets/`. `install` writes them under the book
//! root at [`CSS`]`.path` and [`JS`]`.path` and registers those paths in
//! book.toml (`additional-css` / `additional-js`); [`status`] tells whether a
//! book's copies are there and current.

use std::path::Path;

/// One installed asset: where it goes under the book root, what it holds,
/// and the `[output.html]` key that loads it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Asset {
    /// Path under the book root, with `/` separators (as book.toml says it).
    pub(crate) path: &'static str,
    /// The file's contents.
    pub(crate) contents: &'static str,
    /// `additional-css` or `additional-js`.
    pub(crate) key: &'static str,
}

/// The stylesheet: glossary, scripts, checklists.
pub(crate) const CSS: Asset = Asset {
    path: "theme/handbook/handbook.css",
    contents: concat!(
        include_str!("../assets/glossary.css"),
        include_str!("../assets/script.css"),
        include_str!("../assets/checklist.css"),
    ),
    key: "additional-css",
};

/// The script: the shared helpers first, then each directive's.
pub(crate) const JS: Asset = Asset {
    path: "theme/handbook/handbook.js",
    contents: concat!(
        include_str!("../assets/handbook.js"),
        include_str!("../assets/glossary.js"),
        include_str!("../assets/script.js"),
        include_str!("../assets/checklist.js"),
    ),
    key: "additional-js",
};

/// Every installed asset.
pub(crate) const ALL: [Asset; 2] = [CSS, JS];

/// The state of a book's copy of an asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// Not there.
    Missing,
    /// There, but not what this binary ships (an older version, or edited).
    Stale,
    /// Byte for byte what this binary ships.
    Current,
}

/// The state of `asset`'s copy in the book at `root`.
pub(crate) fn status(root: &Path, asset: &Asset) -> Status {
    match std::fs::read(root.join(asset.path)) {
        Ok(bytes) if bytes == asset.contents.as_bytes() => Status::Current,
        Ok(_) => Status::Stale,
        Err(_) => Status::Missing,
    }
}

/// Whether every asset of the book at `root` is there and current.
pub(crate) fn all_current(root: &Path) -> bool {
    ALL.iter().all(|a| status(root, a) == Status::Current)
}

/// Whether `[output.html]` loads every asset.
pub(crate) fn all_registered(html: &mdbook_preprocessor::config::HtmlConfig) -> bool {
    let has = |list: &[std::path::PathBuf], asset: &Asset| {
        list.iter().any(|p| p == Path::new(asset.path))
    };
    has(&html.additional_css, &CSS) && has(&html.additional_js, &JS)
}

/// What is wrong with the book's installed assets, for a build that reads
/// them from the book (the `mdbook` CLI): `None` when they are in place.
pub(crate) fn problem(
    root: &Path,
    html: &mdbook_preprocessor::config::HtmlConfig,
) -> Option<String> {
    let state = ALL
        .iter()
        .map(|a| (a, status(root, a)))
        .find(|(_, s)| *s != Status::Current);
    let what = match state {
        Some((asset, Status::Missing)) => format!("`{}` is missing", asset.path),
        Some((asset, _)) => format!("`{}` is not this version's", asset.path),
        None if !all_registered(html) => "book.toml's [output.html] does not load them".to_string(),
        None => return None,
    };
    Some(format!(
        "the reader's CSS/JS are not installed in the book: {what}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_asset_is_the_concatenation_of_its_parts_in_order() {
        let css = std::fs::read_to_string("assets/glossary.css").unwrap()
            + &std::fs::read_to_string("assets/script.css").unwrap()
            + &std::fs::read_to_string("assets/checklist.css").unwrap();
        assert_eq!(CSS.contents, css);
        let js: String = ["handbook", "glossary", "script", "checklist"]
            .iter()
            .map(|n| std::fs::read_to_string(format!("assets/{n}.js")).unwrap())
            .collect();
        assert_eq!(JS.contents, js);
    }

    #[test]
    fn status_tells_missing_stale_and_current() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(status(dir.path(), &CSS), Status::Missing);
        std::fs::create_dir_all(dir.path().join("theme/handbook")).unwrap();
        std::fs::write(dir.path().join(CSS.path), "old").unwrap();
        assert_eq!(status(dir.path(), &CSS), Status::Stale);
        std::fs::write(dir.path().join(CSS.path), CSS.contents).unwrap();
        assert_eq!(status(dir.path(), &CSS), Status::Current);
        assert!(!all_current(dir.path()));
        std::fs::write(dir.path().join(JS.path), JS.contents).unwrap();
        assert!(all_current(dir.path()));
    }
}
