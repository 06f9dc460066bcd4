//! The Compose loader (YAML with spans, merge keys, aliases, `extends:`) and interpolation on
//! arbitrary bytes: never panics, every location inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcp_audit::parse::compose::{self, InterpEnv};
use mcp_audit::parse::{interpolate, yaml::YamlLimits};
use mcp_audit::source::{Loc, SourceFile};
use std::collections::BTreeMap;
use std::path::Path;

fn check(src: &SourceFile, l: &Loc) {
    let t: &str = &src.text;
    assert!(l.start <= l.end && l.end <= t.len(), "{l:?}");
    assert!(
        t.is_char_boundary(l.start) && t.is_char_boundary(l.end),
        "{l:?}"
    );
    assert_eq!((l.line, l.col), src.line_col(l.start), "{l:?}");
    assert_eq!((l.end_line, l.end_col), src.line_col(l.end), "{l:?}");
}

fuzz_target!(|data: &[u8]| {
    let src = SourceFile::from_bytes(Path::new("compose.yaml"), "compose.yaml".into(), data);
    let mut process = BTreeMap::new();
    process.insert("A".to_string(), "x".to_string());
    process.insert("EMPTY".to_string(), String::new());
    let mut dotenv = BTreeMap::new();
    dotenv.insert("B".to_string(), ("${A}".to_string(), ".env:1".to_string()));
    let env = InterpEnv { process, dotenv };
    let limits = YamlLimits {
        max_nodes: 200_000,
        ..YamlLimits::default()
    };
    match compose::load(&src, &env, &limits) {
        Ok(mut c) => {
            // Same-file `extends:` chains and cycles (no other file is read).
            let read = |_: &Path| -> Result<SourceFile, String> { Err("not read".into()) };
            mcp_audit::parse::extends::apply(
                &mut c,
                Path::new("compose.yaml"),
                &env,
                &limits,
                &read,
            );
            for (_, l) in &c.errors {
                check(&src, l);
            }
            let mut stack = vec![&c.root];
            while let Some(n) = stack.pop() {
                check(&src, &n.loc);
                if let Some(d) = &n.defined {
                    check(&src, d);
                }
                for (k, v) in n.map() {
                    check(&src, &k.loc);
                    stack.push(v);
                }
                stack.extend(n.seq());
            }
        }
        Err((_, Some(l))) => check(&src, &l),
        Err((_, None)) => {}
    }
    // Interpolation alone, on the whole text, and `.env` parsing.
    let lookup = |n: &str| (n == "A").then(|| "x".to_string());
    if let Ok(i) = interpolate::interpolate(&src.text, &lookup, 64) {
        let _ = i.value.len();
    }
    let _ = interpolate::parse_dotenv(&src.text);
});
