//! Shared test harness: fixture books built in-process, the real binary, the
//! real `mdbook` CLI, and a real headless Chromium driven over the DevTools
//! protocol.
//!
//! Tools that may be missing (Chromium, `mdbook`) make a test skip on a
//! developer machine, and fail under `CI=true`. A skip is said where the
//! user looks: straight to the terminal as it happens (not held back by the
//! test harness's output capture), and again in the closing summary of
//! `cargo test`, which `tests/tools.rs` prints.

#![allow(dead_code, unreachable_pub)]

pub mod axe;

use base64::Engine as _;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The crate's root directory.
pub fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/NAME`.
pub fn fixture(name: &str) -> PathBuf {
    crate_root().join("tests/fixtures").join(name)
}

/// Whether this run is CI's, where every tool must be present.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Skips or fails (in CI) when a tool is missing.
fn missing(tool: &Tool) {
    let message = format!("{} is not installed ({})", tool.name, tool.install);
    if in_ci() {
        panic!("CI=true and {message}: this test must run in CI");
    }
    let test = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    // Written to the stream itself: `eprintln!` would be captured and only
    // shown with `--nocapture`.
    let _ = writeln!(
        std::io::stderr().lock(),
        "SKIPPED {test}: {message}; it reports ok but did not run"
    );
}

/// An external program some tests need.
pub struct Tool {
    /// What it is, for messages.
    pub name: &'static str,
    /// How to install it.
    pub install: &'static str,
    /// Where it is, if installed.
    pub find: fn() -> Option<PathBuf>,
}

/// The `mdbook` 0.5 CLI.
pub const MDBOOK: Tool = Tool {
    name: "the mdbook 0.5 CLI",
    install: "cargo install mdbook --version 0.5.4 --locked",
    find: find_mdbook,
};

/// Debian's Chromium.
pub const CHROMIUM: Tool = Tool {
    name: "Chromium",
    install: "apt-get install -y chromium chromium-driver",
    find: find_chromium,
};

/// A built book in a temporary directory.
pub struct Built {
    /// The output directory.
    pub out: PathBuf,
    _dir: Option<tempfile::TempDir>,
}

impl Built {
    /// A file of the output, as text.
    pub fn page(&self, rel: &str) -> String {
        let path = self.out.join(rel);
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// The inner HTML of a page's `<main>` element, for snapshots.
    pub fn main(&self, rel: &str) -> String {
        let page = self.page(rel);
        let start = page.find("<main>").expect("page has <main>") + "<main>".len();
        let end = page.rfind("</main>").expect("page has </main>");
        page[start..end].trim().to_string()
    }
}

/// Builds a fixture book in-process (HTML renderer) into a temp dir.
pub fn build(name: &str) -> Built {
    let dir = tempfile::tempdir().expect("temp dir");
    build_into(&fixture(name), dir.path());
    Built {
        out: dir.path().to_path_buf(),
        _dir: Some(dir),
    }
}

/// Builds the book at `root` into `out` (which may hold an earlier build).
pub fn build_into(root: &Path, out: &Path) -> Built {
    if let Err(e) = mdbook_handbook::build(root, Some(out)) {
        panic!("building {} failed: {e:#}", root.display());
    }
    Built {
        out: out.to_path_buf(),
        _dir: None,
    }
}

/// Builds a fixture book in-process with mdBook's markdown renderer.
pub fn build_markdown(name: &str) -> Built {
    let root = fixture(name);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config =
        mdbook_driver::config::Config::from_disk(root.join("book.toml")).expect("book.toml");
    config
        .set("output", json!({ "markdown": {} }))
        .expect("set output");
    let mut book = mdbook_driver::MDBook::load_with_config(&root, config).expect("load book");
    book.config.build.build_dir = dir.path().to_path_buf();
    book.with_preprocessor(mdbook_handbook::Handbook);
    if let Err(e) = book.build() {
        panic!("building {} for markdown failed: {e:#}", root.display());
    }
    Built {
        out: dir.path().to_path_buf(),
        _dir: Some(dir),
    }
}

/// What a run of a command produced.
#[derive(Debug)]
pub struct Outcome {
    /// Exit status 0.
    pub success: bool,
    /// Standard output.
    pub stdout: String,
    /// Standard error (plain text: diagnostics are only coloured on a terminal).
    pub stderr: String,
}

/// Runs the real binary with `args`, from the crate root.
pub fn run(args: &[&str]) -> Outcome {
    run_with_stdin(args, None, &[])
}

/// Runs the real binary with `args`, stdin and extra environment variables.
pub fn run_with_stdin(args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Outcome {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mdbook-handbook"));
    cmd.args(args)
        .current_dir(crate_root())
        .env_remove("HANDBOOK_DENY_WARNINGS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run mdbook-handbook");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.unwrap_or_default().to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let output = child.wait_with_output().expect("wait for mdbook-handbook");
    writer.join().expect("stdin writer");
    Outcome {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `mdbook-handbook check tests/fixtures/NAME`.
pub fn check(name: &str) -> Outcome {
    let path = format!("tests/fixtures/{name}");
    run(&["check", &path])
}

/// The `mdbook` CLI (0.5.x), or `None` after a skip message.
pub fn mdbook_cli() -> Option<PathBuf> {
    let found = find_mdbook();
    if found.is_none() {
        missing(&MDBOOK);
    }
    found
}

fn find_mdbook() -> Option<PathBuf> {
    let candidates = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join("mdbook"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .into_iter()
        .chain(std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin/mdbook")));
    for candidate in candidates {
        if !candidate.is_file() {
            continue;
        }
        let version = Command::new(&candidate).arg("--version").output();
        if let Ok(v) = version
            && String::from_utf8_lossy(&v.stdout).contains("v0.5.")
        {
            return Some(candidate);
        }
    }
    None
}

// ---------------------------------------------------------------------------
// A static file server on 127.0.0.1.

struct Server {
    port: u16,
    root: Arc<Mutex<PathBuf>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("addr").port();
        let root = Arc::new(Mutex::new(PathBuf::new()));
        let shared = Arc::clone(&root);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = shared.lock().expect("root").clone();
                std::thread::spawn(move || serve(stream, &root));
            }
        });
        Server { port, root }
    }
}

fn serve(mut stream: TcpStream, root: &Path) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header == "\r\n" || header == "\n" => break,
            Ok(_) => {}
        }
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = target
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .trim_start_matches('/');
    let mut file = root.join(path);
    if file.is_dir() {
        file = file.join("index.html");
    }
    let (status, body, kind) = match std::fs::read(&file) {
        Ok(body) if !path.contains("..") => ("200 OK", body, content_type(&file)),
        _ => ("404 Not Found", b"not found".to_vec(), "text/plain"),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css",
        "js" => "text/javascript",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "json" => "application/json",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

// ---------------------------------------------------------------------------
// Headless Chromium over the DevTools protocol.

/// A headless Chromium with its own profile and one origin (a local server).
pub struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
    server: Server,
    socket: Mutex<Socket>,
}

type Socket = tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>;

/// Debian's Chromium, or `None` after a skip message.
pub fn browser() -> Option<Browser> {
    let Some(exe) = find_chromium() else {
        missing(&CHROMIUM);
        return None;
    };
    Some(Browser::launch(&exe))
}

fn find_chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

impl Browser {
    fn launch(exe: &Path) -> Browser {
        let profile = tempfile::tempdir().expect("profile dir");
        let child = Command::new(exe)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1280,900",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromium");
        let port_file = profile.path().join("DevToolsActivePort");
        let deadline = Instant::now() + Duration::from_secs(30);
        let port = loop {
            if let Ok(text) = std::fs::read_to_string(&port_file)
                && let Some(port) = text
                    .lines()
                    .next()
                    .and_then(|l| l.trim().parse::<u16>().ok())
            {
                break port;
            }
            assert!(
                Instant::now() < deadline,
                "Chromium did not start its DevTools server"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        let targets = http_get(port, "/json/list");
        let targets: Value = serde_json::from_str(&targets).expect("DevTools target list");
        let url = targets
            .as_array()
            .and_then(|list| list.iter().find(|t| t["type"] == "page"))
            .and_then(|t| t["webSocketDebuggerUrl"].as_str())
            .expect("a page target")
            .to_string();
        let (socket, _) = tungstenite::connect(url.as_str()).expect("connect to DevTools");
        let browser = Browser {
            child,
            _profile: profile,
            server: Server::start(),
            socket: Mutex::new(socket),
        };
        browser.command("Page.enable", json!({}));
        browser.command("Runtime.enable", json!({}));
        browser
    }

    /// Serves `built` and opens `page` (e.g. `glossary.html#term-rtos`).
    pub fn open(&self, built: &Built, page: &str) -> Tab<'_> {
        *self.server.root.lock().expect("root") = built.out.clone();
        let tab = Tab { browser: self };
        tab.goto(page);
        tab
    }

    fn command(&self, method: &str, params: Value) -> Value {
        let mut socket = self.socket.lock().expect("socket");
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let message = json!({ "id": id, "method": method, "params": params }).to_string();
        socket
            .send(tungstenite::Message::text(message))
            .expect("send to DevTools");
        loop {
            let reply = socket.read().expect("read from DevTools");
            let tungstenite::Message::Text(text) = reply else {
                continue;
            };
            let value: Value = serde_json::from_str(text.as_str()).expect("DevTools JSON");
            if value["id"].as_u64() == Some(id) {
                if let Some(error) = value.get("error") {
                    panic!("DevTools {method} failed: {error}");
                }
                return value["result"].clone();
            }
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn http_get(port: u16, path: &str) -> String {
    // DevTools keeps connections alive whatever the request says: read the
    // headers, then exactly Content-Length bytes.
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to DevTools HTTP");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    )
    .expect("request");
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader
            .read_line(&mut line)
            .expect("DevTools response header");
        if line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().expect("Content-Length");
        }
    }
    let mut body = vec![0; length];
    reader
        .read_exact(&mut body)
        .expect("DevTools response body");
    String::from_utf8(body).expect("UTF-8 response")
}

/// The browser's page.
pub struct Tab<'a> {
    browser: &'a Browser,
}

impl Tab<'_> {
    /// Evaluates a JavaScript expression (awaiting a promise) and returns its
    /// value; an exception fails the test with its message.
    pub fn eval(&self, js: &str) -> Value {
        let result = self.browser.command(
            "Runtime.evaluate",
            json!({ "expression": js, "awaitPromise": true, "returnByValue": true, "userGesture": true }),
        );
        if let Some(details) = result.get("exceptionDetails") {
            let text = details["exception"]["description"]
                .as_str()
                .or_else(|| details["text"].as_str())
                .unwrap_or("exception");
            panic!("JavaScript failed: {text}\n  in: {js}");
        }
        result["result"]["value"].clone()
    }

    /// Opens `page` of the served book and waits until it has loaded.
    pub fn goto(&self, page: &str) {
        let url = format!(
            "http://127.0.0.1:{}/{}",
            self.browser.server.port,
            page.trim_start_matches('/')
        );
        self.eval("window.__handbookOldPage = true");
        self.browser.command("Page.navigate", json!({ "url": url }));
        self.wait_for_new_page();
    }

    /// Reloads the page and waits until it has loaded.
    pub fn reload(&self) {
        self.eval("window.__handbookOldPage = true");
        self.browser
            .command("Page.reload", json!({ "ignoreCache": true }));
        self.wait_for_new_page();
    }

    fn wait_for_new_page(&self) {
        self.wait_for(
            "window.__handbookOldPage === undefined && document.readyState === 'complete'",
        );
    }

    /// Polls a JavaScript condition until it is true (10 s at most).
    pub fn wait_for(&self, condition: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let ok = self.browser.command(
                "Runtime.evaluate",
                json!({ "expression": format!("!!({condition})"), "returnByValue": true }),
            );
            if ok["result"]["value"] == json!(true) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for: {condition}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Presses a key with real key events: "Tab", "Enter", " ", "Escape", a letter...
    pub fn press_key(&self, key: &str) {
        let (code, key_code, text) = match key {
            "Tab" => ("Tab", 9, ""),
            "Enter" => ("Enter", 13, "\r"),
            " " => ("Space", 32, " "),
            "Escape" => ("Escape", 27, ""),
            "ArrowDown" => ("ArrowDown", 40, ""),
            "ArrowUp" => ("ArrowUp", 38, ""),
            k if k.len() == 1 => (
                "",
                k.to_ascii_uppercase().bytes().next().unwrap_or(0) as i64,
                k,
            ),
            other => panic!("press_key does not know {other:?}"),
        };
        let down = if text.is_empty() {
            "rawKeyDown"
        } else {
            "keyDown"
        };
        for kind in [down, "keyUp"] {
            let mut params = json!({
                "type": kind, "key": key, "code": code,
                "windowsVirtualKeyCode": key_code, "nativeVirtualKeyCode": key_code,
            });
            if kind == "keyDown" {
                params["text"] = json!(text);
            }
            self.browser.command("Input.dispatchKeyEvent", params);
        }
    }

    /// Moves the mouse over the centre of the first element matching
    /// `selector` (after scrolling it into view), without clicking.
    pub fn hover(&self, selector: &str) {
        let (x, y) = self.centre_of(selector);
        self.browser.command(
            "Input.dispatchMouseEvent",
            json!({ "type": "mouseMoved", "x": x, "y": y }),
        );
    }

    /// Clicks the centre of the first element matching `selector`, with real
    /// mouse events (after scrolling it into view).
    pub fn click(&self, selector: &str) {
        let (x, y) = self.centre_of(selector);
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            self.browser.command(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
            );
        }
    }

    fn centre_of(&self, selector: &str) -> (f64, f64) {
        let sel = serde_json::to_string(selector).expect("selector");
        let rect = self.eval(&format!(
            "(() => {{ const e = document.querySelector({sel}); if (!e) throw new Error('no element ' + {sel});
               e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect();
               return [r.left + r.width / 2, r.top + r.height / 2]; }})()"
        ));
        (rect[0].as_f64().expect("x"), rect[1].as_f64().expect("y"))
    }

    /// Emulates a CSS media type: `"print"` applies the print styles,
    /// `""` goes back to the screen.
    pub fn emulate_media(&self, media: &str) {
        self.browser
            .command("Emulation.setEmulatedMedia", json!({ "media": media }));
    }

    /// Saves a PNG screenshot of the viewport.
    pub fn screenshot(&self, path: &Path) {
        let shot = self
            .browser
            .command("Page.captureScreenshot", json!({ "format": "png" }));
        let data = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("screenshot data"))
            .expect("base64");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screenshot dir");
        }
        std::fs::write(path, data).expect("write screenshot");
    }
}
