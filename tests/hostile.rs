//! Hostile input: the scanner never panics, never hangs, never runs out of memory,
//! never reads outside the tree it scans.
//!
//! Every input is generated here into a temporary directory (nothing large is
//! committed). Each case runs the real binary (`--format json`) and checks that:
//! - it finishes within [`WATCHDOG`] (the child is killed otherwise, and the test fails);
//! - it stays within [`MEMORY_LIMIT`] of address space (`prlimit --as`, when `prlimit`
//!   exists; an allocation failure aborts the binary and fails the test);
//! - it exits 0 or 1 (findings), never 2 (internal error) or a signal;
//! - the hostile file is reported as MCP-AUD-001 with a location, where the case says so;
//! - a normal sibling file (`ok/Dockerfile`, no `USER`) is still scanned and reported
//!   (MCP-DF-001);
//! - every reported location lies inside its file, on character boundaries, with its
//!   line/column consistent with its byte offsets.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Wall-clock bound for one scan (debug build, a loaded 2-core machine): generous on
/// purpose; the slowest case (10,000 stages) takes about 11 s.
const WATCHDOG: Duration = Duration::from_secs(60);
/// Address-space bound for one scan (virtual memory, so it includes thread stacks).
const MEMORY_LIMIT: u64 = 1 << 30;

const SIBLING: &str = "FROM python:3.12\nRUN pip install x\n";

struct Run {
    json: Value,
    stdout: String,
    elapsed: Duration,
}

fn prlimit() -> Option<&'static str> {
    ["/usr/bin/prlimit", "/bin/prlimit"]
        .into_iter()
        .find(|p| Path::new(p).exists())
}

/// A fresh case directory with the normal sibling file.
fn case() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let scan = d.path().join("scan");
    std::fs::create_dir_all(scan.join("ok")).unwrap();
    std::fs::write(scan.join("ok/Dockerfile"), SIBLING).unwrap();
    (d, scan)
}

/// Run `mcp-audit ARGS` in `dir` with the watchdog and the memory bound.
fn run_in(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> (std::process::ExitStatus, String) {
    let bin = env!("CARGO_BIN_EXE_mcp-audit");
    let mut cmd = match prlimit() {
        Some(p) => {
            let mut c = Command::new(p);
            c.arg(format!("--as={MEMORY_LIMIT}")).arg(bin);
            c
        }
        None => {
            eprintln!("prlimit not found: the memory bound is not enforced");
            Command::new(bin)
        }
    };
    let out_path = dir.join(format!(
        ".out-{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    let out_file = std::fs::File::create(&out_path).unwrap();
    cmd.args(args)
        .current_dir(dir)
        .env_clear()
        // Thread stacks count against the address-space bound: fix the pool sizes so
        // that the bound does not depend on the machine's core count.
        .env("RAYON_NUM_THREADS", "2")
        .env("MALLOC_ARENA_MAX", "2")
        .stdin(Stdio::null())
        .stdout(out_file)
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > WATCHDOG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("mcp-audit {args:?} did not finish within {WATCHDOG:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut stderr);
    }
    let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
    let _ = std::fs::remove_file(&out_path);
    assert!(
        matches!(status.code(), Some(0 | 1)),
        "mcp-audit {args:?} exited with {status:?}\nstderr: {stderr}"
    );
    (status, stdout)
}

/// Scan `scan` (from its parent directory, as `scan`) to JSON.
fn scan(scan: &Path) -> Run {
    let parent = scan.parent().unwrap();
    let start = Instant::now();
    let (_, stdout) = run_in(
        parent,
        &["scan", "scan", "--format", "json", "--now", "2026-11-24"],
        &[],
    );
    let elapsed = start.elapsed();
    let json: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("invalid JSON ({e}): {}", &stdout[..stdout.len().min(2000)]));
    check_locations(parent, &json);
    Run {
        json,
        stdout,
        elapsed,
    }
}

fn findings(r: &Run) -> &Vec<Value> {
    r.json["findings"].as_array().unwrap()
}

/// Findings of `rule` on `file` (path relative to the scan root).
fn on<'a>(r: &'a Run, rule: &str, file: &str) -> Vec<&'a Value> {
    findings(r)
        .iter()
        .filter(|f| f["rule"] == rule && f["location"]["file"] == file)
        .collect()
}

/// The hostile file is reported as MCP-AUD-001, with a location, and a message that
/// contains `what`; the sibling is scanned as usual.
fn assert_reported(r: &Run, file: &str, what: &str) {
    let aud = on(r, "MCP-AUD-001", file);
    assert!(
        aud.iter()
            .any(|f| f["message"].as_str().unwrap().contains(what)),
        "no MCP-AUD-001 on {file} saying {what:?}; findings: {:#}",
        r.json["findings"]
    );
    for f in aud {
        assert!(f["location"]["line"].as_u64().unwrap() >= 1);
    }
    assert_sibling(r);
}

fn assert_sibling(r: &Run) {
    assert!(
        !on(r, "MCP-DF-001", "ok/Dockerfile").is_empty(),
        "the normal sibling file was not scanned: {:#}",
        r.json["findings"]
    );
    assert!(
        r.elapsed < WATCHDOG,
        "took {:?} (bound {WATCHDOG:?})",
        r.elapsed
    );
}

/// Line starts as the scanner counts them (`\n`, `\r\n` and a lone `\r` end a line).
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let b = text.as_bytes();
    let (mut line, mut start) = (1, 0);
    let mut i = 0;
    while i < offset {
        if b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            line += 1;
            start = i + 1;
        }
        i += 1;
    }
    (line, text[start..offset].chars().count() + 1)
}

/// Every location lies inside its file, on character boundaries, and its line/column
/// agree with its byte offsets. `base` is the directory paths are relative to.
pub fn check_locations(base: &Path, json: &Value) {
    let mut texts: std::collections::HashMap<String, Option<String>> = Default::default();
    for f in json["findings"].as_array().unwrap() {
        let locs = std::iter::once(&f["location"])
            .chain(f["related"].as_array().into_iter().flatten())
            .filter(|l| l.is_object());
        for l in locs {
            let file = l["file"].as_str().unwrap().to_string();
            let text = texts
                .entry(file.clone())
                .or_insert_with(|| {
                    let p = base.join("scan").join(&file);
                    let p = if p.is_file() { p } else { base.join(&file) };
                    let b = std::fs::read(p).ok()?;
                    let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&b);
                    Some(String::from_utf8_lossy(b).into_owned())
                })
                .clone();
            let Some(text) = text else { continue };
            let (s, e) = (
                l["start"].as_u64().unwrap() as usize,
                l["end"].as_u64().unwrap() as usize,
            );
            assert!(s <= e && e <= text.len(), "{f:#} outside {file}");
            assert!(
                text.is_char_boundary(s) && text.is_char_boundary(e),
                "{f:#} not on a char boundary"
            );
            let (line, col) = (l["line"].as_u64().unwrap(), l["col"].as_u64().unwrap());
            let (eline, ecol) = (
                l["end_line"].as_u64().unwrap(),
                l["end_col"].as_u64().unwrap(),
            );
            assert_eq!(
                line_col(&text, s),
                (line as usize, col as usize),
                "{f:#} start"
            );
            assert_eq!(
                line_col(&text, e),
                (eline as usize, ecol as usize),
                "{f:#} end"
            );
        }
    }
}

fn write(dir: &Path, name: &str, data: impl AsRef<[u8]>) {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(p, data).unwrap();
}

fn mkfifo(p: &Path) -> bool {
    Command::new("mkfifo")
        .arg(p)
        .status()
        .is_ok_and(|s| s.success())
}

// ----- YAML ------------------------------------------------------------------------

#[test]
fn yaml_billion_laughs() {
    let (_d, s) = case();
    let mut y = String::from("services:\n  x:\n    image: a\n");
    y.push_str(
        "x-a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for c in b'b'..=b'j' {
        let p = (c - 1) as char;
        let refs = vec![format!("*{p}"); 9].join(",");
        y.push_str(&format!("x-{}: &{} [{refs}]\n", c as char, c as char));
    }
    write(&s, "compose.yaml", y);
    let r = scan(&s);
    assert_reported(&r, "compose.yaml", "aliases expand");
}

#[test]
fn yaml_alias_chains() {
    // Each anchor wraps the previous one: 5,000 levels deep once expanded.
    let (_d, s) = case();
    let mut y = String::from("x-0: &a0 [z]\n");
    for i in 1..5_000 {
        y.push_str(&format!("x-{i}: &a{i} [*a{}]\n", i - 1));
    }
    y.push_str("services:\n  x:\n    image: a\n    command: *a4999\n");
    write(&s, "compose.yaml", y);
    // Doubling chain: 2^40 nodes from 40 lines.
    let mut y = String::from("x-0: &a0 [z]\n");
    for i in 1..40 {
        y.push_str(&format!("x-{i}: &a{i} [*a{p}, *a{p}]\n", p = i - 1));
    }
    y.push_str("services:\n  x:\n    image: a\n");
    write(&s, "b/compose.yaml", y);
    let r = scan(&s);
    // Quadratic once expanded (12.5 M nodes): the alias budget or the depth stops it.
    assert_reported(&r, "compose.yaml", "YAML exceeds the loader's limits");
    assert_reported(&r, "b/compose.yaml", "aliases expand");
}

#[test]
fn yaml_100k_deep_nesting_flow_and_block() {
    let (_d, s) = case();
    let n = 100_000;
    write(
        &s,
        "a/compose.yaml",
        format!("services: {}{}\n", "[".repeat(n), "]".repeat(n)),
    );
    write(
        &s,
        "b/compose.yaml",
        format!("services: {}b{}\n", "{a: ".repeat(n), "}".repeat(n)),
    );
    // Block sequences: `- - - - … a`.
    write(
        &s,
        "c/compose.yaml",
        format!("services:\n  x:\n    command:\n      {}a\n", "- ".repeat(n)),
    );
    // Block mappings need one more column per level: 3,000 levels with one-space
    // indentation is 4.5 MB.
    let mut y = String::from("services:\n");
    for i in 1..3_000 {
        y.push_str(&" ".repeat(i));
        y.push_str("a:\n");
    }
    write(&s, "d/compose.yaml", y);
    // The same shapes in JSON metadata and a client config.
    write(
        &s,
        "e/server.json",
        format!("{{\"name\": {}1{}}}", "[".repeat(n), "]".repeat(n)),
    );
    write(
        &s,
        "f/.mcp.json",
        format!(
            "{{\"mcpServers\": {}1{}}}",
            "{\"a\": ".repeat(n),
            "}".repeat(n)
        ),
    );
    let r = scan(&s);
    for f in [
        "a/compose.yaml",
        "b/compose.yaml",
        "c/compose.yaml",
        "d/compose.yaml",
    ] {
        assert_reported(&r, f, "");
    }
    assert_reported(&r, "e/server.json", "");
    // A client config that cannot be read as one is reported or skipped, not fatal.
    assert_sibling(&r);
}

#[test]
fn yaml_duplicate_keys() {
    let (_d, s) = case();
    write(
        &s,
        "compose.yaml",
        "services:\n  x:\n    image: a\n    image: b\n",
    );
    let r = scan(&s);
    assert_reported(&r, "compose.yaml", "duplicate key `image`");
    let f = on(&r, "MCP-AUD-001", "compose.yaml")[0];
    assert_eq!(f["location"]["line"], 4);
}

#[test]
fn compose_50_mb() {
    let (_d, s) = case();
    let mut y = String::with_capacity(51 << 20);
    y.push_str("services:\n");
    let mut i = 0;
    while y.len() < 50 << 20 {
        y.push_str(&format!(
            "  s{i}:\n    image: mcp/s{i}:1.0\n    user: root\n"
        ));
        i += 1;
    }
    write(&s, "compose.yaml", &y);
    // Over the default size limit (16 MiB): reported, not skipped.
    let r = scan(&s);
    assert_reported(&r, "compose.yaml", "over the limit of 16777216 bytes");
    // With the size limit raised, the node budget (lowered here) stops it, at the place
    // where it was hit.
    write(
        &s,
        ".mcp-audit.yaml",
        "limits:\n  max_file_size: 67108864\n  yaml_max_nodes: 100000\n",
    );
    let r = scan(&s);
    assert_reported(&r, "compose.yaml", "100001 nodes");
    let f = on(&r, "MCP-AUD-001", "compose.yaml")[0];
    assert!(f["location"]["line"].as_u64().unwrap() > 1000, "{f:#}");
}

// ----- Dockerfiles -------------------------------------------------------------------

#[test]
fn dockerfile_10_mb_single_line() {
    let (_d, s) = case();
    let mut df = String::from("FROM alpine:3.20\nRUN echo ");
    df.push_str(&"x".repeat(10 << 20));
    df.push('\n');
    write(&s, "big/Dockerfile", df);
    let r = scan(&s);
    // Parsed as a normal Dockerfile: no USER.
    assert!(!on(&r, "MCP-DF-001", "big/Dockerfile").is_empty());
    assert_sibling(&r);
}

#[test]
fn dockerfile_10000_stages() {
    let (_d, s) = case();
    let mut df = String::from("FROM alpine:3.20 AS s0\n");
    for i in 1..10_000 {
        df.push_str(&format!("FROM s{} AS s{i}\nRUN true\n", i - 1));
    }
    write(&s, "stages/Dockerfile", df);
    let r = scan(&s);
    assert!(!on(&r, "MCP-DF-001", "stages/Dockerfile").is_empty());
    assert_sibling(&r);
}

#[test]
fn dockerfile_unterminated_heredoc() {
    let (_d, s) = case();
    write(&s, "h/Dockerfile", "FROM alpine:3.20\nRUN <<EOF\necho hi\n");
    let r = scan(&s);
    assert_reported(&r, "h/Dockerfile", "unterminated heredoc");
    let f = on(&r, "MCP-AUD-001", "h/Dockerfile")[0];
    assert_eq!(f["location"]["line"], 2);
}

#[test]
fn binary_file_named_dockerfile() {
    let (_d, s) = case();
    let bytes: Vec<u8> = (0..=255u8).cycle().take(1 << 20).collect();
    write(&s, "bin/Dockerfile", &bytes);
    // Escape sequences in an error message are shown escaped, never raw.
    write(&s, "esc/Dockerfile", "FROM a\n\x1b]0;pwned\x07\x1b[2J\n");
    let r = scan(&s);
    assert_reported(&r, "bin/Dockerfile", "binary content");
    // One finding for the file, not one per line.
    assert_eq!(on(&r, "MCP-AUD-001", "bin/Dockerfile").len(), 1);
    assert_reported(&r, "esc/Dockerfile", "unknown instruction");
    assert!(!r.stdout.contains('\x1b'), "raw escape in the output");
    let (_, text) = run_in(s.parent().unwrap(), &["scan", "scan", "--no-color"], &[]);
    assert!(!text.contains('\x1b'), "raw escape in the text output");
}

#[test]
fn invalid_utf8_nul_and_utf16() {
    let (_d, s) = case();
    write(
        &s,
        "u8/Dockerfile",
        b"FROM alpine:3.20\xff\xfe\nUSER \xc3\x28root\n",
    );
    write(
        &s,
        "u8/compose.yaml",
        b"services:\n  x:\n    image: \"\xff\xfe\"\n    privileged: true\n",
    );
    write(
        &s,
        "nul/Dockerfile",
        b"FROM alpine:3.20\x00\nUSER root\x00\n",
    );
    write(
        &s,
        "nul/compose.yaml",
        b"services:\n  x:\x00\n    image: a\n",
    );
    let utf16 = |t: &str| {
        let mut b = vec![0xFF, 0xFE];
        b.extend(t.encode_utf16().flat_map(u16::to_le_bytes));
        b
    };
    write(&s, "u16/Dockerfile", utf16("FROM alpine:3.20\nUSER root\n"));
    write(
        &s,
        "u16/compose.yaml",
        utf16("services:\n  x:\n    image: a\n"),
    );
    let r = scan(&s);
    // Invalid UTF-8 is read with replacement characters; the file is still judged.
    assert!(findings(&r)
        .iter()
        .any(|f| f["location"]["file"] == "u8/compose.yaml"));
    assert_reported(&r, "nul/compose.yaml", "");
    assert_reported(&r, "u16/Dockerfile", "UTF-16");
    assert_reported(&r, "u16/compose.yaml", "UTF-16");
}

#[test]
fn crlf_and_lone_cr() {
    let (_d, s) = case();
    write(&s, "crlf/Dockerfile", "FROM alpine:3.20\r\nUSER root\r\n");
    write(&s, "cr/Dockerfile", "FROM alpine:3.20\rUSER root\r");
    write(
        &s,
        "crlf/compose.yaml",
        "services:\r\n  x:\r\n    image: a:1\r\n    privileged: true\r\n",
    );
    write(
        &s,
        "cr/compose.yaml",
        "services:\r  x:\r    image: a:1\r    privileged: true\r",
    );
    let r = scan(&s);
    for d in ["crlf", "cr"] {
        let f = format!("{d}/Dockerfile");
        let root_user: Vec<_> = findings(&r)
            .iter()
            .filter(|x| x["location"]["file"] == f.as_str() && x["location"]["line"] == 2)
            .collect();
        assert!(!root_user.is_empty(), "{d}: nothing on line 2 (USER root)");
        let c = format!("{d}/compose.yaml");
        assert!(
            findings(&r)
                .iter()
                .any(|x| x["location"]["file"] == c.as_str() && x["location"]["line"] == 4),
            "{d}: nothing on line 4 (privileged)"
        );
    }
    assert_sibling(&r);
}

// ----- Interpolation -------------------------------------------------------------------

#[test]
fn interpolation_bombs() {
    let (_d, s) = case();
    let n = 5_000;
    write(
        &s,
        "a/compose.yaml",
        format!(
            "services:\n  x:\n    image: \"{}x{}\"\n",
            "${A:-".repeat(n),
            "}".repeat(n)
        ),
    );
    write(
        &s,
        "b/compose.yaml",
        format!(
            "services:\n  x:\n    image: \"{}\"\n",
            "${A:-".repeat(100_000)
        ),
    );
    // `.env` doubling at each line: 2^40 × 8 bytes if nothing stopped it.
    let mut env = String::from("V0=abcdefgh\n");
    for i in 1..40 {
        env.push_str(&format!("V{i}=${{V{p}}}${{V{p}}}\n", p = i - 1));
    }
    write(&s, "c/.env", env);
    write(
        &s,
        "c/compose.yaml",
        "services:\n  x:\n    image: \"a:${V39}\"\n",
    );
    // A long variable used many times: 100,000 × 1 MiB.
    write(&s, "d/.env", format!("L={}\n", "y".repeat(1 << 20)));
    write(
        &s,
        "d/compose.yaml",
        format!("services:\n  x:\n    image: \"{}\"\n", "$L".repeat(100_000)),
    );
    let r = scan(&s);
    assert_reported(&r, "a/compose.yaml", "nested deeper than 32 levels");
    assert_reported(&r, "b/compose.yaml", "nested deeper than 32 levels");
    assert_reported(&r, "d/compose.yaml", "expands to more than");
    let f = on(&r, "MCP-AUD-001", "a/compose.yaml")[0];
    assert_eq!(f["location"]["line"], 3);
    assert!(findings(&r)
        .iter()
        .any(|f| f["location"]["file"] == "c/compose.yaml"));
    // The interpolation depth is configurable.
    write(
        &s,
        ".mcp-audit.yaml",
        "limits:\n  interpolation_max_depth: 8\n",
    );
    write(
        &s,
        "a/compose.yaml",
        format!(
            "services:\n  x:\n    image: \"{}x{}\"\n",
            "${A:-".repeat(10),
            "}".repeat(10)
        ),
    );
    let r = scan(&s);
    assert_reported(&r, "a/compose.yaml", "nested deeper than 8 levels");
}

// ----- The file system -----------------------------------------------------------------

#[cfg(unix)]
#[test]
fn symlink_loops_are_not_followed() {
    use std::os::unix::fs::symlink;
    let (_d, s) = case();
    std::fs::create_dir_all(s.join("l")).unwrap();
    symlink("b", s.join("l/a")).unwrap();
    symlink("a", s.join("l/b")).unwrap();
    symlink("Dockerfile", s.join("l/Dockerfile")).unwrap_or(());
    symlink("..", s.join("l/up")).unwrap();
    symlink(".", s.join("l/self")).unwrap();
    let r = scan(&s);
    assert_sibling(&r);
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_root_are_not_followed() {
    use std::os::unix::fs::symlink;
    let (d, s) = case();
    let outside = d.path().join("outside");
    write(
        &outside,
        "Dockerfile",
        "FROM evil:1\nLABEL marker=OUTSIDE_MARKER_1\nUSER root\n",
    );
    write(&outside, "leak.env", "LEAK=OUTSIDE_VALUE_7\n");
    write(
        &outside,
        "compose.yaml",
        "services:\n  evil:\n    image: OUTSIDE_MARKER_1\n",
    );
    symlink(outside.join("Dockerfile"), s.join("Dockerfile")).unwrap();
    symlink(&outside, s.join("linked")).unwrap();
    symlink(outside.join("leak.env"), s.join(".env")).unwrap();
    write(
        &s,
        "compose.yaml",
        "services:\n  app:\n    image: app:1\n    labels:\n      leak: \"${LEAK:-none}\"\n    env_file: ../outside/leak.env\n  built:\n    build:\n      context: ../outside\n",
    );
    let r = scan(&s);
    assert_sibling(&r);
    let (_, inspect) = run_in(s.parent().unwrap(), &["inspect", "scan"], &[]);
    for out in [&r.stdout, &inspect] {
        assert!(
            !out.contains("OUTSIDE_MARKER_1"),
            "read a file out of the root"
        );
        assert!(
            !out.contains("OUTSIDE_VALUE_7"),
            "read a file out of the root"
        );
    }
    for f in findings(&r) {
        let file = f["location"]["file"].as_str().unwrap_or("");
        assert!(!file.contains("outside"), "finding out of the root: {f:#}");
    }
    assert!(
        inspect.contains("outside the scanned directory"),
        "the refused reads are not explained"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let (_d, s) = case();
    let p = s.join("locked/Dockerfile");
    write(&s, "locked/Dockerfile", "FROM alpine:3.20\n");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    let r = scan(&s);
    if std::fs::read(&p).is_ok() {
        // Running as root (or with CAP_DAC_OVERRIDE): mode 000 does not stop reads, so
        // the file is scanned normally; the "cannot read" report cannot be checked here.
        eprintln!("unreadable_file: running with permission to read mode-000 files; only checking the scan completes");
        assert_sibling(&r);
    } else {
        assert_reported(&r, "locked/Dockerfile", "cannot read file");
    }
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[cfg(unix)]
#[test]
fn fifos_do_not_block_the_scan() {
    let (_d, s) = case();
    std::fs::create_dir_all(s.join("f")).unwrap();
    if !mkfifo(&s.join("f/Dockerfile")) {
        eprintln!("mkfifo unavailable: skipped");
        return;
    }
    // A FIFO `.env` (read for interpolation) and `env_file:` next to a Compose file.
    assert!(mkfifo(&s.join("f/.env")));
    assert!(mkfifo(&s.join("f/app.env")));
    assert!(mkfifo(&s.join("f/compose.override.yaml")));
    write(
        &s,
        "f/compose.yaml",
        "services:\n  x:\n    image: a:1\n    privileged: true\n    env_file: app.env\n",
    );
    let r = scan(&s);
    assert_sibling(&r);
    assert!(findings(&r)
        .iter()
        .any(|f| f["location"]["file"] == "f/compose.yaml"));
    // A FIFO named on the command line is refused, not opened.
    let (_, out) = run_in(&s, &["scan", "f/Dockerfile", "ok", "--format", "json"], &[]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let errors = &v["errors"]["discovery"];
    assert!(
        errors.to_string().contains("not a regular file"),
        "{errors:#}"
    );
    // Shown relative to the scan root (the directory of the first path).
    assert_eq!(errors[0]["path"], "Dockerfile");
}

// ----- Property: locations are always valid ------------------------------------------

/// A small deterministic PRNG (xorshift64*), so that a failure can be replayed from its
/// seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Real files to mutate: the shared corpus when it is there, else the repository's own
/// fixtures (always there).
fn seed_files() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let roots = [
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
    ];
    for root in roots.iter().filter(|r| r.is_dir()) {
        let mut dirs = vec![root.clone()];
        let mut files = Vec::new();
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let Ok(t) = e.file_type() else { continue };
                let name = e.file_name().to_string_lossy().to_string();
                if t.is_dir() {
                    dirs.push(e.path());
                } else if t.is_file()
                    && mcp_audit::discover::classify_name(&name).is_some()
                    && e.metadata().is_ok_and(|m| m.len() < 32 * 1024)
                {
                    files.push((name, e.path()));
                }
            }
        }
        files.sort();
        for (name, p) in files {
            if let Ok(b) = std::fs::read(p) {
                out.push((name, b));
            }
        }
        if out.len() > 50 {
            break;
        }
    }
    out
}

/// One random mutation of a text file, of the kinds that break offset arithmetic:
/// multi-byte characters, invalid UTF-8, line-end changes, a BOM, truncation.
fn mutate(rng: &mut Rng, b: &mut Vec<u8>) {
    let at = rng.below(b.len() + 1);
    match rng.below(10) {
        0 => b.splice(at..at, "é".bytes()).for_each(drop),
        1 => b.splice(at..at, "😀\u{FFFD}".bytes()).for_each(drop),
        2 => b.splice(at..at, [0xFFu8, 0xC3]).for_each(drop),
        3 => {
            *b = String::from_utf8_lossy(b)
                .replace('\n', "\r\n")
                .into_bytes()
        }
        4 => *b = String::from_utf8_lossy(b).replace('\n', "\r").into_bytes(),
        5 => b.splice(0..0, [0xEFu8, 0xBB, 0xBF]).for_each(drop),
        6 => b.truncate(at),
        7 => b.splice(at..at, *b"\t\\\n").for_each(drop),
        8 => {
            if at < b.len() {
                b[at] ^= 1 << rng.below(8);
            }
        }
        _ => b.splice(at..at, *b"${A:-\xE2\x82\xAC}").for_each(drop),
    }
}

#[test]
fn finding_locations_are_inside_files_on_char_boundaries() {
    let seeds = seed_files();
    assert!(!seeds.is_empty(), "no seed files");
    for round in 0..3u64 {
        let seed = 0x9E37_79B9_7F4A_7C15 ^ round;
        let mut rng = Rng(seed);
        let (_d, s) = case();
        for i in 0..120 {
            let (name, bytes) = &seeds[rng.below(seeds.len())];
            let mut b = bytes.clone();
            for _ in 0..1 + rng.below(4) {
                mutate(&mut rng, &mut b);
            }
            write(&s, &format!("m{i}/{name}"), &b);
        }
        // `scan` checks every location (start, end, line, column) against the file.
        let r = scan(&s);
        assert!(
            findings(&r).len() > 100,
            "round {round} (seed {seed:#x}): too few findings to mean anything"
        );
        assert_sibling(&r);
    }
}

// ----- Safety: nothing executed, no network ------------------------------------------

/// The scanner executes nothing from the scanned tree and opens no socket: under
/// `strace -f` (when it is installed), the only `execve` is the binary's own, and there
/// is no `socket`/`connect` — on a tree full of commands that would do something if run.
#[cfg(target_os = "linux")]
#[test]
fn executes_nothing_and_makes_no_network_call() {
    let Some(strace) = ["/usr/bin/strace", "/bin/strace"]
        .into_iter()
        .find(|p| Path::new(p).exists())
    else {
        eprintln!("strace not found: skipped");
        return;
    };
    let (d, s) = case();
    let marker = d.path().join("executed");
    let m = marker.display();
    write(
        &s,
        "Dockerfile",
        format!("FROM alpine:3.20\nRUN touch {m} && curl http://127.0.0.1:9/x\nHEALTHCHECK CMD touch {m}\n"),
    );
    write(
        &s,
        "compose.yaml",
        format!("services:\n  x:\n    image: a:1\n    build: {{context: ., dockerfile_inline: \"FROM a\\nRUN touch {m}\"}}\n    healthcheck:\n      test: [\"CMD\", \"touch\", \"{m}\"]\n    command: [\"sh\", \"-c\", \"touch {m}\"]\n    env_file: [\"$(touch {m})\"]\n    image: \"${{X:-$(touch {m})}}\"\n"),
    );
    write(
        &s,
        ".mcp.json",
        format!("{{\"mcpServers\": {{\"x\": {{\"command\": \"touch\", \"args\": [\"{m}\"]}}, \"r\": {{\"url\": \"http://127.0.0.1:9/mcp\"}}}}}}"),
    );
    write(
        &s,
        "server.json",
        "{\"name\": \"x\", \"remotes\": [{\"type\": \"sse\", \"url\": \"http://127.0.0.1:9/\"}]}",
    );
    let log = d.path().join("strace.txt");
    let out = Command::new(strace)
        .args([
            "-f",
            "-qq",
            "-e",
            "trace=execve,execveat,socket,connect,sendto",
            "-o",
        ])
        .arg(&log)
        .arg(env!("CARGO_BIN_EXE_mcp-audit"))
        .args(["scan", "scan", "--format", "json"])
        .current_dir(d.path())
        .env_clear()
        // With HOME unset, finding the home directory (for the global gitignore) asks
        // the user database, which glibc may do over the local nscd socket: not a
        // network call, but it would blur the check.
        .env("HOME", d.path())
        .output()
        .unwrap();
    let trace = std::fs::read_to_string(&log).unwrap_or_default();
    if trace.is_empty() {
        eprintln!("strace produced no trace (ptrace not permitted?): skipped");
        return;
    }
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    let execs = trace.lines().filter(|l| l.contains("execve")).count();
    assert_eq!(execs, 1, "something was executed:\n{trace}");
    assert!(
        !trace.contains("socket(") && !trace.contains("connect("),
        "a socket was opened:\n{trace}"
    );
    assert!(!marker.exists(), "a command from the scanned tree ran");
}
