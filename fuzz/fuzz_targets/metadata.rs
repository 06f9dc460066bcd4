//! MCP metadata (catalog `server.yaml`, registry `server.json`, `mcp-manifest.json`),
//! client configs and Kubernetes manifests on arbitrary bytes: never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcp_audit::parse::{client, k8s, metadata, yaml::YamlLimits};
use mcp_audit::source::{Loc, SourceFile};
use std::path::Path;

fn check(src: &SourceFile, l: &Loc) {
    let t: &str = &src.text;
    assert!(l.start <= l.end && l.end <= t.len(), "{l:?}");
    assert!(
        t.is_char_boundary(l.start) && t.is_char_boundary(l.end),
        "{l:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the parser, so one corpus serves all of them.
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let limits = YamlLimits {
        max_nodes: 200_000,
        ..YamlLimits::default()
    };
    let src = SourceFile::from_bytes(Path::new("f"), "f".into(), rest);
    let _ = client::looks_like_client_config(&src.text);
    let _ = k8s::looks_like_workload(&src.text);
    let err = match which % 5 {
        0 => metadata::parse(&src, "catalog-server", &limits).err(),
        1 => metadata::parse(&src, "registry-server", &limits).err(),
        2 => metadata::parse(&src, "mcp-manifest", &limits).err(),
        3 => client::parse(&src, &limits, &Default::default()).err(),
        _ => k8s::parse(&src, &limits).err(),
    };
    if let Some((_, Some(l))) = err {
        check(&src, &l);
    }
});
