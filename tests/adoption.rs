//! Adoption end to end, as a new team would: `init` in a fresh directory and
//! in real `mdbook init` output, `install` and its care for book.toml, the
//! message formats CI reads, the colour rules, a typo in the config, and the
//! glossary kept out of the published site.

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{Outcome, fixture, mdbook_cli, run, run_with_stdin};

/// Every file under `root` (but the build output), with its bytes.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && !e.path().starts_with(root.join("book")))
        .map(|e| {
            let rel = e.path().strip_prefix(root).unwrap().to_path_buf();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn read(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

/// `check ROOT` with warnings denied.
fn check_denying_warnings(root: &Path) -> Outcome {
    run_with_stdin(
        &["check", arg(root)],
        None,
        &[("HANDBOOK_DENY_WARNINGS", "1")],
    )
}

#[test]
fn init_creates_a_working_book_that_checks_clean_with_warnings_denied() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("team-handbook");
    let out = run(&["init", arg(&root)]);
    assert!(out.success, "{}", out.stderr);
    for said in [
        "created book.toml",
        "created src/SUMMARY.md",
        "created src/getting-started.md",
        "created src/glossary.toml",
        "created src/glossary.md",
        "created src/checklists.md",
        "wrote theme/handbook/handbook.css",
        "wrote theme/handbook/handbook.js",
        "registered theme/handbook/handbook.css in book.toml",
    ] {
        assert!(
            out.stdout.contains(said),
            "missing {said:?}:\n{}",
            out.stdout
        );
    }
    let chapter = read(root.join("src/getting-started.md"));
    for directive in ["{{#term ", "```script ", "```checklist "] {
        assert!(chapter.contains(directive), "no {directive}");
    }
    let toml = read(root.join("book.toml"));
    assert!(toml.contains("title = \"team-handbook\""), "{toml}");
    assert!(toml.contains("before = [\"links\"]"), "{toml}");

    let checked = check_denying_warnings(&root);
    assert!(checked.success, "{}", checked.stderr);
    assert!(
        checked.stderr.contains("3 chapters checked, no problems"),
        "{}",
        checked.stderr
    );
    let built = tempfile::tempdir().unwrap();
    mdbook_handbook::build(&root, Some(built.path())).expect("the new book builds");
    assert!(read(built.path().join("getting-started.html")).contains("handbook-script"));

    let before = snapshot(&root);
    let again = run(&["init", arg(&root)]);
    assert!(again.success, "{}", again.stderr);
    assert!(
        again.stdout.starts_with("nothing to do"),
        "{}",
        again.stdout
    );
    assert_eq!(snapshot(&root), before, "a second init changed files");
}

#[test]
fn init_writes_nothing_where_its_files_exist_without_a_book_toml() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/SUMMARY.md"), "mine\n").unwrap();
    let out = run(&["init", arg(dir.path())]);
    assert!(!out.success);
    assert!(
        out.stderr.contains("already has src/SUMMARY.md"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("nothing was written"), "{}", out.stderr);
    assert_eq!(read(dir.path().join("src/SUMMARY.md")), "mine\n");
    assert!(!dir.path().join("book.toml").exists());
}

/// A book made by the real `mdbook init`, or `None` without the CLI.
fn mdbook_init_output() -> Option<(PathBuf, tempfile::TempDir)> {
    let mdbook = mdbook_cli()?;
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(&mdbook)
        .args(["init", "--ignore", "none", "--title", "Team book"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("run mdbook init");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some((mdbook, dir))
}

/// PATH with this crate's binary first, as after `cargo install`.
fn path_with_our_binary() -> std::ffi::OsString {
    let bin = Path::new(env!("CARGO_BIN_EXE_mdbook-handbook"))
        .parent()
        .unwrap()
        .to_path_buf();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&rest))).unwrap()
}

#[test]
fn init_completes_real_mdbook_init_output_and_keeps_every_byte_of_it() {
    let Some((mdbook, dir)) = mdbook_init_output() else {
        return;
    };
    let root = dir.path();
    let original = snapshot(root);
    let out = run(&["init", arg(root)]);
    assert!(out.success, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("added [preprocessor.handbook] to book.toml, with before = [\"links\"]"),
        "{}",
        out.stdout
    );
    let now = snapshot(root);
    for (path, bytes) in &original {
        let after = &now[path];
        assert!(
            after.starts_with(bytes),
            "{} was rewritten, not added to:\n{}",
            path.display(),
            String::from_utf8_lossy(after)
        );
    }
    assert_eq!(
        now[Path::new("src/chapter_1.md")],
        original[Path::new("src/chapter_1.md")]
    );
    for added in ["src/glossary.toml", "src/glossary.md", "src/checklists.md"] {
        assert!(now.contains_key(Path::new(added)), "no {added}");
    }
    let summary = read(root.join("src/SUMMARY.md"));
    assert!(
        summary.ends_with("\n[Glossary](glossary.md)\n[Checklists](checklists.md)\n"),
        "{summary}"
    );

    let checked = check_denying_warnings(root);
    assert!(checked.success, "{}", checked.stderr);
    let built = Command::new(&mdbook)
        .args(["build", "--dest-dir", "out"])
        .current_dir(root)
        .env("PATH", path_with_our_binary())
        .output()
        .expect("run mdbook build");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let glossary = read(root.join("out/glossary.html"));
    assert!(
        glossary.contains("handbook-glossary"),
        "the preprocessor did not run"
    );
    // mdBook names the copies with a content hash: handbook-1a2b3c4d.css.
    assert!(
        glossary.contains("theme/handbook/handbook-"),
        "assets not loaded"
    );
    assert!(
        has_hashed(root, "out/theme/handbook", "handbook-"),
        "assets not copied"
    );

    let before = snapshot(root);
    let again = run(&["init", arg(root)]);
    assert!(
        again.stdout.starts_with("nothing to do"),
        "{}",
        again.stdout
    );
    assert_eq!(snapshot(root), before, "a second init changed files");
}

/// Whether `dir` under `root` holds a file whose name starts with `stem`.
fn has_hashed(root: &Path, dir: &str, stem: &str) -> bool {
    std::fs::read_dir(root.join(dir))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .any(|e| e.file_name().to_string_lossy().starts_with(stem))
        })
        .unwrap_or(false)
}

#[test]
fn init_in_an_existing_book_adds_only_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let toml = "# Our book.\n[book]\ntitle   = \"Ours\"   # aligned on purpose\nsrc = \"pages\"\n\n[preprocessor.handbook]\nbefore = [ \"index\" ]  # keep\nauto-link = \"none\"\n";
    std::fs::write(root.join("book.toml"), toml).unwrap();
    std::fs::create_dir(root.join("pages")).unwrap();
    let summary = "# Summary\n\n- [Intro](intro.md)\n- [Words](words.md)";
    std::fs::write(root.join("pages/SUMMARY.md"), summary).unwrap();
    std::fs::write(root.join("pages/intro.md"), "# Intro\n").unwrap();
    // The book's own glossary page, and a hand-written one named glossary.md.
    std::fs::write(root.join("pages/words.md"), "# Words\n\n{{#glossary}}\n").unwrap();
    std::fs::write(root.join("pages/glossary.md"), "# Mine\n").unwrap();

    let out = run(&["init", arg(root)]);
    assert!(out.success, "{}", out.stderr);
    let new_toml = read(root.join("book.toml"));
    assert!(
        new_toml.starts_with("# Our book.\n[book]\ntitle   = \"Ours\"   # aligned on purpose\nsrc = \"pages\"\n\n[preprocessor.handbook]\nbefore = [ \"index\", \"links\" ]  # keep\nauto-link = \"none\"\n"),
        "{new_toml}"
    );
    assert!(
        out.stdout
            .contains("added \"links\" to [preprocessor.handbook] before"),
        "{}",
        out.stdout
    );
    assert_eq!(read(root.join("pages/glossary.md")), "# Mine\n");
    assert!(root.join("pages/glossary.toml").is_file());
    assert!(root.join("pages/checklists.md").is_file());
    assert_eq!(
        read(root.join("pages/SUMMARY.md")),
        format!("{summary}\n\n[Checklists](checklists.md)\n")
    );
    let checked = check_denying_warnings(root);
    // The hand-written glossary.md is not listed in SUMMARY.md: the only
    // problem left is the one the book already had.
    assert!(
        checked.stderr.contains("`glossary.md` is not listed"),
        "{}",
        checked.stderr
    );
    assert!(
        checked.stderr.contains("0 errors, 1 warning"),
        "{}",
        checked.stderr
    );
}

#[test]
fn install_is_idempotent_and_keeps_comments_and_formatting() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let toml = "[book]\ntitle = \"T\"  # the title\n\n# Reader settings.\n[output.html]\ndefault-theme = \"navy\"\nadditional-css = [\n    \"custom.css\",   # ours\n]\n\n[output.html.print]\nenable = false\n";
    std::fs::write(root.join("book.toml"), toml).unwrap();
    let out = run(&["install", arg(root)]);
    assert!(out.success, "{}", out.stderr);
    let edited = read(root.join("book.toml"));
    assert_eq!(
        edited,
        "[book]\ntitle = \"T\"  # the title\n\n# Reader settings.\n[output.html]\ndefault-theme = \"navy\"\nadditional-css = [\n    \"custom.css\",   # ours\n    \"theme/handbook/handbook.css\",\n]\nadditional-js = [\"theme/handbook/handbook.js\"]\n\n[output.html.print]\nenable = false\n"
    );
    assert_eq!(
        out.stdout,
        "registered theme/handbook/handbook.css in book.toml: [output.html] additional-css\n\
         registered theme/handbook/handbook.js in book.toml: [output.html] additional-js\n\
         wrote theme/handbook/handbook.css (15 KB)\n\
         wrote theme/handbook/handbook.js (27 KB)\n\
         saved book.toml (comments and formatting kept)\n"
            .replace("(15 KB)", &kb(root, "css"))
            .replace("(27 KB)", &kb(root, "js"))
    );
    let css = read(root.join("theme/handbook/handbook.css"));
    assert!(css.starts_with(&read(support::crate_root().join("assets/glossary.css"))));

    let before = snapshot(root);
    let again = run(&["install", arg(root)]);
    assert!(again.success, "{}", again.stderr);
    assert!(
        again.stdout.starts_with("nothing to do"),
        "{}",
        again.stdout
    );
    assert_eq!(snapshot(root), before);

    std::fs::write(root.join("theme/handbook/handbook.js"), "old").unwrap();
    let upgraded = run(&["install", arg(root)]);
    assert!(
        upgraded
            .stdout
            .starts_with("updated theme/handbook/handbook.js"),
        "{}",
        upgraded.stdout
    );
    assert_eq!(snapshot(root), before);
}

/// `(N KB)` as install reports the size of an installed asset.
fn kb(root: &Path, ext: &str) -> String {
    let len = std::fs::metadata(root.join(format!("theme/handbook/handbook.{ext}")))
        .unwrap()
        .len();
    format!("({} KB)", len.div_ceil(1024))
}

#[test]
fn install_points_at_what_it_cannot_edit_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let toml = "[book]\ntitle = \"T\"\n\n[output.html]\nadditional-css = \"one.css\"\n";
    std::fs::write(dir.path().join("book.toml"), toml).unwrap();
    let out = run(&["install", arg(dir.path())]);
    assert!(!out.success);
    assert!(out.stderr.contains("book.toml:5:18"), "{}", out.stderr);
    assert!(
        out.stderr.contains("must be a list of strings"),
        "{}",
        out.stderr
    );
    assert_eq!(read(dir.path().join("book.toml")), toml);
    assert!(!dir.path().join("theme").exists());

    std::fs::write(dir.path().join("book.toml"), "[book\n").unwrap();
    let out = run(&["install", arg(dir.path())]);
    assert!(!out.success);
    assert!(out.stderr.contains("book.toml:1:"), "{}", out.stderr);
    assert!(out.stderr.contains("not valid TOML"), "{}", out.stderr);

    let empty = tempfile::tempdir().unwrap();
    let out = run(&["install", arg(empty.path())]);
    assert!(!out.success);
    assert!(out.stderr.contains("no book.toml"), "{}", out.stderr);
    assert!(
        out.stderr.contains("mdbook-handbook init"),
        "{}",
        out.stderr
    );
}

/// `check tests/fixtures/script-broken --message-format FORMAT`.
fn check_broken(format: &str, env: &[(&str, &str)]) -> Outcome {
    run_with_stdin(
        &[
            "check",
            "tests/fixtures/script-broken",
            "--message-format",
            format,
        ],
        None,
        env,
    )
}

#[test]
fn json_messages_are_one_object_per_line_and_nothing_else() {
    let out = check_broken("json", &[]);
    assert!(!out.success);
    let objects: Vec<Value> = out
        .stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(objects.len() >= 5, "{}", out.stderr);
    let placeholder = objects
        .iter()
        .find(|o| o["message"] == "undeclared placeholder `[Your Nmae]`")
        .expect("the placeholder error");
    assert_eq!(placeholder["severity"], "error");
    assert_eq!(placeholder["path"], "src/broken.md");
    assert_eq!(
        (placeholder["line"].as_u64(), placeholder["column"].as_u64()),
        (Some(4), Some(13))
    );
    assert_eq!(
        placeholder["end"],
        serde_json::json!({ "line": 4, "column": 24 })
    );
    assert_eq!(placeholder["help"][0], "did you mean `Your Name`?");
    for o in &objects {
        for key in [
            "severity", "message", "path", "line", "column", "end", "help",
        ] {
            assert!(o.get(key).is_some(), "{key} missing in {o}");
        }
    }
}

#[test]
fn github_messages_are_workflow_commands() {
    let out = check_broken("github", &[]);
    assert!(!out.success);
    let commands: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with("::")).collect();
    assert!(commands.len() >= 5, "{}", out.stderr);
    assert!(
        commands.contains(&"::error file=src/broken.md,line=4,col=13,endLine=4,endColumn=23,title=handbook::undeclared placeholder `[Your Nmae]`%0Ahelp: did you mean `Your Name`?%0Ahelp: declare it in book.toml under [preprocessor.handbook.placeholders]: \"Your Nmae\" = \"a hint for the reader\"; write `\\[Your Nmae]` for literal brackets"),
        "{}",
        out.stderr
    );
    assert!(
        commands.iter().any(|c| c.starts_with("::warning file=")),
        "{}",
        out.stderr
    );
    // The only other line is the summary: no repeated "has problems" error.
    let others: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| !l.starts_with("::"))
        .collect();
    assert_eq!(others.len(), 1, "{others:?}");
    assert!(others[0].starts_with("handbook: failed with"), "{others:?}");
}

#[test]
fn short_and_human_messages_and_the_format_flag_on_build() {
    let short = check_broken("short", &[]);
    assert!(!short.success);
    assert!(
        short.stderr.contains("src/broken.md:4:13: error: undeclared placeholder `[Your Nmae]` (help: did you mean `Your Name`?)"),
        "{}",
        short.stderr
    );
    let human = check_broken("human", &[]);
    assert!(
        human.stderr.contains(" --> src/broken.md:4:13\n"),
        "{}",
        human.stderr
    );

    let dest = tempfile::tempdir().unwrap();
    let built = run(&[
        "build",
        "tests/fixtures/script-broken",
        "--dest-dir",
        arg(&dest.path().join("out")),
        "--message-format",
        "json",
    ]);
    assert!(!built.success);
    for line in built.stderr.lines() {
        serde_json::from_str::<Value>(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
    }

    let bad = run(&["check", ".", "--message-format", "xml"]);
    assert!(!bad.success);
    assert!(
        bad.stderr.contains("human, short, json, github"),
        "{}",
        bad.stderr
    );
}

#[test]
fn the_mdbook_cli_route_takes_the_format_from_the_environment() {
    let input = {
        let book = mdbook_driver::MDBook::load(fixture("script-broken")).unwrap();
        let ctx = mdbook_preprocessor::PreprocessorContext::new(
            book.root.clone(),
            book.config.clone(),
            "html".to_string(),
        );
        serde_json::to_vec(&(ctx, book.book)).unwrap()
    };
    let out = run_with_stdin(&[], Some(&input), &[("HANDBOOK_MESSAGE_FORMAT", "github")]);
    assert!(!out.success);
    assert!(
        out.stderr
            .contains("::error file=src/broken.md,line=4,col=13"),
        "{}",
        out.stderr
    );
}

#[test]
fn colour_only_when_asked_for_or_on_a_terminal() {
    let escape = "\u{1b}[";
    let piped = check_broken("human", &[]);
    assert!(!piped.stderr.contains(escape), "colour in a pipe");
    let forced = check_broken("human", &[("CLICOLOR_FORCE", "1")]);
    assert!(forced.stderr.contains(escape), "CLICOLOR_FORCE ignored");
    let refused = check_broken("human", &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(!refused.stderr.contains(escape), "NO_COLOR ignored");
    let github = check_broken("github", &[("CLICOLOR_FORCE", "1")]);
    assert!(
        !github.stderr.contains(escape),
        "colour in workflow commands"
    );
}

#[test]
fn a_config_typo_is_one_error_not_a_cascade() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for entry in walkdir::WalkDir::new(fixture("script-book")) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(fixture("script-book")).unwrap();
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(root.join(rel)).unwrap();
        } else {
            std::fs::copy(entry.path(), root.join(rel)).unwrap();
        }
    }
    let toml = read(root.join("book.toml"));
    let typo = toml.replacen(
        "[preprocessor.handbook]",
        "[preprocessor.handbook]\nauto-links = \"none\"",
        1,
    );
    std::fs::write(root.join("book.toml"), typo).unwrap();
    let out = run(&["check", arg(root), "--message-format", "short"]);
    assert!(!out.success);
    let errors: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains(": error: "))
        .collect();
    assert_eq!(errors.len(), 1, "{}", out.stderr);
    assert!(
        errors[0].contains("unknown field `auto-links`"),
        "{}",
        out.stderr
    );
    assert!(
        errors[0].contains("did you mean `auto-link`?"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("undeclared placeholder"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_glossary_is_not_published_by_the_in_process_build() {
    let dest = tempfile::tempdir().unwrap();
    let root = fixture("glossary-book");
    mdbook_handbook::build(&root, Some(dest.path())).expect("builds");
    assert!(
        dest.path().join("glossary.html").is_file()
            || has_page_with(dest.path(), "handbook-glossary")
    );
    assert!(
        !dest.path().join("glossary.toml").exists(),
        "the glossary source was published"
    );
    // Other files of the src dir are still copied.
    assert!(dest.path().join("index.html").is_file());
}

/// Whether some page of the site at `out` contains `needle`.
fn has_page_with(out: &Path, needle: &str) -> bool {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .any(|e| read(e.path()).contains(needle))
}

#[test]
fn other_src_files_are_still_published() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("book");
    assert!(run(&["init", arg(&root)]).success);
    std::fs::write(root.join("src/diagram.svg"), "<svg/>").unwrap();
    let dest = dir.path().join("site");
    mdbook_handbook::build(&root, Some(&dest)).expect("builds");
    assert!(dest.join("diagram.svg").is_file());
    assert!(!dest.join("glossary.toml").exists());
}

/// A free port on 127.0.0.1.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Kills a child process when dropped.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits up to `limit` for `path` to contain `needle`.
fn wait_for(path: &Path, needle: &str, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if std::fs::read_to_string(path).is_ok_and(|t| t.contains(needle)) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    false
}

#[test]
fn with_the_mdbook_cli_a_glossary_outside_src_stays_private_and_serve_reloads() {
    let Some(mdbook) = mdbook_cli() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("book");
    assert!(run(&["init", arg(&root)]).success);
    // The README's recipe for the mdBook CLI.
    std::fs::create_dir(root.join("data")).unwrap();
    std::fs::rename(
        root.join("src/glossary.toml"),
        root.join("data/glossary.toml"),
    )
    .unwrap();
    let toml = read(root.join("book.toml"))
        .replacen(
            "[book]",
            "[build]\nextra-watch-dirs = [\"data\"]\n\n[book]",
            1,
        )
        .replacen(
            "before = [\"links\"]",
            "before = [\"links\"]\nglossary = \"../data/glossary.toml\"",
            1,
        );
    std::fs::write(root.join("book.toml"), toml).unwrap();
    let checked = check_denying_warnings(&root);
    assert!(checked.success, "{}", checked.stderr);

    let port = free_port().to_string();
    let serve = Command::new(&mdbook)
        .args(["serve", "--port", &port, "--hostname", "127.0.0.1"])
        .current_dir(&root)
        .env("PATH", path_with_our_binary())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run mdbook serve");
    let _serve = Killed(serve);
    let page = root.join("book/glossary.html");
    assert!(
        wait_for(&page, "handbook-glossary", Duration::from_secs(60)),
        "mdbook serve did not build"
    );
    assert!(
        !root.join("book/glossary.toml").exists(),
        "the glossary was published"
    );

    // The watcher starts after the first build: write until it sees a change.
    let glossary =
        read(root.join("data/glossary.toml")).replace("generated from", "freshly generated from");
    let rebuilt = (0..30).any(|_| {
        std::fs::write(root.join("data/glossary.toml"), &glossary).unwrap();
        wait_for(&page, "freshly generated from", Duration::from_secs(2))
    });
    assert!(
        rebuilt,
        "mdbook serve did not rebuild when the glossary changed"
    );
}

#[test]
fn version_is_the_crates() {
    let out = run(&["--version"]);
    assert!(out.success);
    assert_eq!(
        out.stdout.trim(),
        format!("mdbook-handbook {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn ci_runs_on_every_pull_request_and_publishing_annotates_them() {
    let ci = read(support::crate_root().join(".github/workflows/ci.yml"));
    assert!(ci.contains("pull_request"), "{ci}");
    assert!(ci.contains("bash .ci/run"), "{ci}");
    let publish = read(support::crate_root().join(".github/workflows/publish.yml"));
    assert!(publish.contains("--message-format github"), "{publish}");
}

#[test]
fn errors_outside_the_book_follow_the_message_format_too() {
    let json = run(&[
        "check",
        "tests/fixtures/none-here",
        "--message-format",
        "json",
    ]);
    assert!(!json.success);
    let object: Value = serde_json::from_str(json.stderr.trim()).expect(&json.stderr);
    assert_eq!(object["severity"], "error");
    assert_eq!(object["path"], Value::Null);
    assert!(
        object["message"].as_str().unwrap().contains("no book.toml"),
        "{object}"
    );
    let github = run(&[
        "check",
        "tests/fixtures/none-here",
        "--message-format",
        "github",
    ]);
    assert!(
        github
            .stderr
            .starts_with("::error title=handbook::no book.toml"),
        "{}",
        github.stderr
    );
}
