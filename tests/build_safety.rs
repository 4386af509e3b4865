//! `mdbook-handbook build` never destroys what it is given.
//!
//! ROOT and `--dest-dir` resolve as documented (DIR relative to ROOT), run
//! from another working directory; a destination that is, contains or lies
//! inside the book's sources is refused however it is spelled (`..`,
//! symlinks, trailing slashes, book.toml's `build-dir`) and the book is left
//! byte for byte as it was; a failed build, ours or mdBook's renderer's,
//! leaves the previous site intact and no staging directory behind.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A copy of the `basic` fixture at `WORK/book`, and WORK.
struct Work {
    dir: tempfile::TempDir,
}

impl Work {
    fn new() -> Work {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(&support::fixture("basic"), &dir.path().join("book"));
        Work { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn book(&self) -> PathBuf {
        self.path().join("book")
    }

    /// Runs the binary with `args` from `WORK/cwd`.
    fn run(&self, cwd: &str, args: &[&str]) -> support::Outcome {
        let cwd = self.path().join(cwd);
        std::fs::create_dir_all(&cwd).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_mdbook-handbook"))
            .args(args)
            .current_dir(&cwd)
            .env_remove("MDBOOK_BUILD__BUILD_DIR")
            .output()
            .expect("run mdbook-handbook");
        support::Outcome {
            success: out.status.success(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Appends `text` to the book's `book.toml`.
    fn configure(&self, text: &str) {
        let path = self.book().join("book.toml");
        let toml = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{toml}\n{text}\n")).unwrap();
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir` (not following symlinks) with its bytes, and
/// every directory and symlink, by path relative to `dir`.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
            let bytes = if e.file_type().is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                format!("{:?}", e.file_type()).into_bytes()
            };
            (rel, bytes)
        })
        .collect()
}

/// Entries of `dir` that a build left behind: staging or set-aside copies.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".handbook-"))
        .collect()
}

#[test]
fn relative_root_and_dest_dir_resolve_once_from_another_directory() {
    for (cwd, root) in [("", "book"), ("elsewhere", "../book"), ("", "./book/")] {
        let work = Work::new();
        let out = work.run(cwd, &["build", root, "--dest-dir", "site"]);
        assert!(out.success, "build {root} from `{cwd}`: {}", out.stderr);
        assert!(work.book().join("site/index.html").is_file());
        assert!(
            !work.book().join("book").exists() && !work.path().join(cwd).join("site").exists(),
            "build {root} from `{cwd}`: DIR was applied twice or against the working directory"
        );
        assert!(leftovers(&work.book()).is_empty());
    }
}

#[test]
fn relative_root_uses_book_toml_build_dir_relative_to_the_root() {
    let work = Work::new();
    work.configure("[build]\nbuild-dir = \"target/site\"");
    let out = work.run("", &["build", "book"]);
    assert!(out.success, "{}", out.stderr);
    assert!(work.book().join("target/site/index.html").is_file());
    assert!(!work.path().join("target").exists());
}

#[test]
fn an_absolute_dest_dir_is_used_as_it_is() {
    let work = Work::new();
    let dest = work.path().join("abs/out");
    let out = work.run("", &["build", "book", "--dest-dir", dest.to_str().unwrap()]);
    assert!(out.success, "{}", out.stderr);
    assert!(dest.join("index.html").is_file());
}

/// Each spelling of a destination in the sources, and what the error names.
const REFUSED: &[(&str, &str)] = &[
    (".", "it is the book's root"),
    ("./", "it is the book's root"),
    ("..", "it contains the book's root"),
    ("../..", "it contains the book's root"),
    ("src", "it is the book's src dir"),
    ("src/", "it is the book's src dir"),
    ("src//out/", "it lies inside the book's src dir"),
    ("site/../src/x", "it lies inside the book's src dir"),
    ("../book/src", "it is the book's src dir"),
    ("theme", "it is the book's theme dir"),
    ("theme/out", "it lies inside the book's theme dir"),
    (".git", "it is the book's .git dir"),
    ("linked-src", "it is the book's src dir"),
    ("linked-src/", "it is the book's src dir"),
    ("linked-root/out/..", "it is the book's root"),
];

#[test]
fn destinations_in_the_sources_are_refused_and_nothing_changes() {
    let work = Work::new();
    let book = work.book();
    std::fs::create_dir(book.join(".git")).unwrap();
    std::fs::write(book.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::os::unix::fs::symlink(book.join("src"), book.join("linked-src")).unwrap();
    std::os::unix::fs::symlink(&book, book.join("linked-root")).unwrap();
    let before = snapshot(work.path());
    for (dest, why) in REFUSED {
        let out = work.run("", &["build", "book", "--dest-dir", dest]);
        assert!(!out.success, "--dest-dir {dest} was accepted");
        assert!(
            out.stderr.contains("refusing to build into") && out.stderr.contains(why),
            "--dest-dir {dest}: {}",
            out.stderr
        );
        assert!(
            out.stderr.contains("--dest-dir") && out.stderr.contains(dest),
            "the error names neither the option nor the path: {}",
            out.stderr
        );
        assert_eq!(
            snapshot(work.path()),
            before,
            "--dest-dir {dest} changed files"
        );
    }
}

#[test]
fn a_build_dir_in_the_sources_is_refused_too() {
    for (build_dir, why) in [
        (".", "it is the book's root"),
        ("..", "it contains the book's root"),
        ("src/html", "it lies inside the book's src dir"),
    ] {
        let work = Work::new();
        work.configure(&format!("[build]\nbuild-dir = \"{build_dir}\""));
        let before = snapshot(work.path());
        let out = work.run("book", &["build"]);
        assert!(!out.success, "build-dir = {build_dir:?} was accepted");
        assert!(
            out.stderr.contains(why) && out.stderr.contains("`build-dir` in book.toml"),
            "build-dir = {build_dir:?}: {}",
            out.stderr
        );
        assert_eq!(snapshot(work.path()), before);
    }
}

#[test]
fn a_configured_theme_dir_is_protected() {
    let work = Work::new();
    work.configure("[output.html]\ntheme = \"looks\"");
    std::fs::create_dir(work.book().join("looks")).unwrap();
    std::fs::write(work.book().join("looks/head.hbs"), "<meta name=x>").unwrap();
    let out = work.run("book", &["build", "--dest-dir", "looks/site"]);
    assert!(!out.success);
    assert!(
        out.stderr.contains("it lies inside the book's theme dir"),
        "{}",
        out.stderr
    );
    assert!(work.book().join("looks/head.hbs").is_file());
}

/// A first good build at `book/site`; returns its snapshot.
fn good_build(work: &Work) -> BTreeMap<PathBuf, Vec<u8>> {
    let out = work.run("book", &["build", "--dest-dir", "site"]);
    assert!(out.success, "{}", out.stderr);
    std::fs::write(work.book().join("site/kept-by-the-reader.txt"), "mine").unwrap();
    snapshot(&work.book().join("site"))
}

#[test]
fn the_previous_build_survives_a_book_with_errors() {
    let work = Work::new();
    let site = good_build(&work);
    let chapter = work.book().join("src/plain.md");
    let text = std::fs::read_to_string(&chapter).unwrap();
    std::fs::write(
        &chapter,
        format!("{text}\n\nSee {{{{#term no-such-term}}}}.\n"),
    )
    .unwrap();

    let out = work.run("book", &["build", "--dest-dir", "site"]);
    assert!(!out.success);
    assert!(out.stderr.contains("no-such-term"), "{}", out.stderr);
    assert_eq!(snapshot(&work.book().join("site")), site);
    assert!(
        leftovers(&work.book()).is_empty(),
        "{:?}",
        leftovers(&work.book())
    );
}

#[test]
fn the_previous_build_survives_a_failing_mdbook_renderer() {
    let work = Work::new();
    let site = good_build(&work);
    // Two renderers: html succeeds into the staging dir, then `false` fails.
    work.configure("[output.html]\n\n[output.broken]\ncommand = \"false\"");
    let out = work.run("book", &["build", "--dest-dir", "site"]);
    assert!(!out.success, "{}", out.stderr);
    assert!(out.stderr.contains("broken"), "{}", out.stderr);
    assert_eq!(snapshot(&work.book().join("site")), site);
    assert!(
        leftovers(&work.book()).is_empty(),
        "{:?}",
        leftovers(&work.book())
    );
}

#[test]
fn the_previous_build_survives_a_broken_theme_template() {
    let work = Work::new();
    let site = good_build(&work);
    std::fs::create_dir(work.book().join("theme")).unwrap();
    std::fs::write(work.book().join("theme/index.hbs"), "{{#if}}unclosed").unwrap();
    let out = work.run("book", &["build", "--dest-dir", "site"]);
    assert!(!out.success, "{}", out.stderr);
    assert_eq!(snapshot(&work.book().join("site")), site);
    assert!(
        leftovers(&work.book()).is_empty(),
        "{:?}",
        leftovers(&work.book())
    );
}

#[test]
fn a_good_build_replaces_the_previous_one_whole() {
    let work = Work::new();
    good_build(&work);
    let out = work.run("book", &["build", "--dest-dir", "site"]);
    assert!(out.success, "{}", out.stderr);
    let site = work.book().join("site");
    assert!(site.join("index.html").is_file());
    assert!(
        !site.join("kept-by-the-reader.txt").exists(),
        "the new site is a fresh directory, not the old one overwritten"
    );
    assert!(
        leftovers(&work.book()).is_empty(),
        "{:?}",
        leftovers(&work.book())
    );
}

#[test]
fn a_symlinked_destination_keeps_its_link() {
    let work = Work::new();
    let real = work.path().join("real-site");
    std::fs::create_dir(&real).unwrap();
    std::os::unix::fs::symlink(&real, work.book().join("site")).unwrap();
    let out = work.run("book", &["build", "--dest-dir", "site"]);
    assert!(out.success, "{}", out.stderr);
    assert!(work.book().join("site").is_symlink());
    assert!(real.join("index.html").is_file());
    assert!(leftovers(work.path()).is_empty());
}

#[test]
fn a_destination_that_is_a_file_is_an_error_and_stays() {
    let work = Work::new();
    std::fs::write(work.book().join("site"), "not a directory").unwrap();
    let out = work.run("book", &["build", "--dest-dir", "site"]);
    assert!(!out.success);
    assert!(out.stderr.contains("is not a directory"), "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(work.book().join("site")).unwrap(),
        "not a directory"
    );
}

#[test]
fn a_missing_root_is_a_clear_error() {
    let work = Work::new();
    let out = work.run("", &["build", "no-such-book"]);
    assert!(!out.success);
    assert!(out.stderr.contains("no-such-book"), "{}", out.stderr);
}
