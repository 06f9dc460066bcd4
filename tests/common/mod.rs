//! Helpers shared by the integration tests.
#![allow(dead_code)]

use mcp_audit::config::Config;
use mcp_audit::{ScanResult, Settings};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The scan date of every fixture scan, so that date rules (review overdue, waiver
/// expiry) give the same results on any day.
pub const SCAN_DATE: &str = "2026-11-24";

/// Scan `path` with its own config, an empty process environment (so that the
/// machine running the tests cannot change what interpolation resolves) and a fixed
/// scan date. A `trivy.json` or `grype.json` in `path` is passed as the vulnerability
/// report (`--vulns`).
pub fn scan(path: &Path) -> ScanResult {
    let config = Config::discover(path).expect("config");
    let mut s = Settings::new(vec![path.to_path_buf()], config);
    s.env = BTreeMap::new();
    s.today = SCAN_DATE.to_string();
    for name in ["trivy.json", "grype.json"] {
        let vulns = path.join(name);
        if vulns.is_file() {
            let text = std::fs::read_to_string(&vulns).expect(name);
            s.vulns = Some(mcp_audit::vulns::read(&text).expect(name));
        }
    }
    mcp_audit::scan(&s).expect("scan")
}

/// One line per finding: `RULE file:line:col-end_line:end_col [superseded]`, paths
/// relative to `base`.
pub fn finding_lines(r: &ScanResult, base: &Path) -> String {
    // Paths are shown relative to the scan root (the repository root for fixtures).
    let abs = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
    let rel = abs
        .strip_prefix(&r.root)
        .map(|p| p.to_path_buf())
        .unwrap_or(abs.clone());
    let base = if rel.as_os_str().is_empty() {
        String::new()
    } else {
        format!("{}/", rel.display())
    };
    let mut out = String::new();
    for f in &r.findings {
        let loc = match &f.location {
            Some(l) => format!(
                "{}:{}:{}-{}:{}",
                l.file.strip_prefix(&base).unwrap_or(&l.file),
                l.line,
                l.col,
                l.end_line,
                l.end_col
            ),
            None => "-".into(),
        };
        let sup = if f.suppressed.is_some() {
            " [superseded]"
        } else {
            ""
        };
        out.push_str(&format!("{} {}{} {}\n", f.rule, loc, sup, f.message));
    }
    out
}
