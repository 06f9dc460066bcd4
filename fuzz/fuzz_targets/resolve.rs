//! Discovery, parsing and resolution together (stage inheritance, Compose merges and
//! overrides, build targets, inline Dockerfiles, `.env`, client configs) on arbitrary
//! files: never panics. The input is split on `\n@@@@\n` into a Dockerfile, a
//! `compose.yaml`, a `compose.override.yaml`, a `.env` and an `.mcp.json`, written to a
//! temporary directory and resolved into units, whose input documents are built
//! (policies are not evaluated).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcp_audit::config::Config;
use mcp_audit::Settings;

const NAMES: [&str; 5] = [
    "Dockerfile",
    "compose.yaml",
    "compose.override.yaml",
    ".env",
    ".mcp.json",
];

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let mut parts: Vec<&[u8]> = Vec::new();
    let mut rest = data;
    while let Some(i) = rest.windows(6).position(|w| w == b"\n@@@@\n") {
        parts.push(&rest[..i]);
        rest = &rest[i + 6..];
    }
    parts.push(rest);
    for (name, part) in NAMES.iter().zip(parts) {
        if std::fs::write(dir.path().join(name), part).is_err() {
            return;
        }
    }
    let mut s = Settings::new(vec![dir.path().to_path_buf()], Config::default());
    s.env = [("A".to_string(), "x".to_string())].into_iter().collect();
    let r = mcp_audit::resolve_units(&s);
    // Each unit's input document both ways: as JSON (`inspect`, the inventory) and as
    // the Rego value the evaluator takes.
    for u in &r.units {
        let _ = u.document();
        let _ = u.rego_input();
    }
});
