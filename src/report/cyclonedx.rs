//! `--format cyclonedx`: CycloneDX 1.5 JSON of the same inventory as the SPDX output.

use super::spdx::content_hash;
use crate::sbom::{Kind, Rel};
use crate::ScanResult;
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub fn render(r: &ScanResult, name: &str, created: &str) -> String {
    let inv = &r.inventory;
    let components: Vec<Value> = inv
        .components
        .iter()
        .map(|c| {
            let t = match c.kind {
                Kind::Service => "application",
                Kind::Image => "container",
                Kind::OsPackage | Kind::Library => "library",
            };
            let mut v = json!({"type": t, "bom-ref": c.key, "name": c.name});
            if let Some(ver) = &c.version {
                v["version"] = json!(ver);
            }
            if let Some(p) = &c.purl {
                v["purl"] = json!(p);
            }
            if let Some(s) = &c.supplier {
                v["supplier"] = json!({"name": s});
            }
            if let Some(h) = c
                .digest
                .as_ref()
                .and_then(|d| d.strip_prefix("sha256:"))
                .filter(|h| h.len() == 64)
            {
                v["hashes"] = json!([{"alg": "SHA-256", "content": h}]);
            }
            if let Some(f) = &c.found_in {
                v["properties"] = json!([{"name": "mcp-audit:found-in", "value": f}]);
            }
            v
        })
        .collect();
    let mut deps: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in &inv.components {
        deps.entry(c.key.as_str()).or_default();
    }
    for x in &inv.relations {
        match x.rel {
            Rel::DependsOn | Rel::Contains => {
                deps.entry(x.from.as_str()).or_default().push(x.to.as_str())
            }
            Rel::BuildDependencyOf => deps.entry(x.to.as_str()).or_default().push(x.from.as_str()),
            Rel::Describes => {}
        }
    }
    let dependencies: Vec<Value> = deps
        .into_iter()
        .map(|(k, mut v)| {
            v.sort();
            v.dedup();
            json!({"ref": k, "dependsOn": v})
        })
        .collect();
    let body = serde_json::to_string(&(&components, &dependencies)).unwrap_or_default();
    let h = content_hash(&body);
    let serial = format!(
        "urn:uuid:{}-{}-4{}-8{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    );
    let doc = json!({
        "$schema": "http://cyclonedx.org/schema/bom-1.5.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "serialNumber": serial,
        "version": 1,
        "metadata": {
            "timestamp": created,
            "tools": {"components": [{"type": "application", "name": "mcp-audit", "version": env!("CARGO_PKG_VERSION")}]},
            "component": {"type": "application", "bom-ref": "deployment", "name": name},
        },
        "components": components,
        "dependencies": dependencies,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
