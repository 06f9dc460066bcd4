//! `--format spdx`: SPDX 2.3 JSON of the deployment (own serde structs: `spdx-rs` is
//! unmaintained with wrong defaults). Deterministic: same input, same bytes.

use crate::sbom::{Component, Inventory, Kind, Rel};
use crate::ScanResult;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    spdx_version: &'static str,
    data_license: &'static str,
    #[serde(rename = "SPDXID")]
    spdx_id: &'static str,
    name: String,
    document_namespace: String,
    creation_info: CreationInfo,
    packages: Vec<Package>,
    relationships: Vec<Relationship>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreationInfo {
    created: String,
    creators: Vec<String>,
    comment: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Package {
    #[serde(rename = "SPDXID")]
    spdx_id: String,
    name: String,
    version_info: String,
    supplier: String,
    download_location: &'static str,
    files_analyzed: bool,
    license_concluded: &'static str,
    license_declared: &'static str,
    copyright_text: &'static str,
    primary_package_purpose: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    checksums: Vec<Checksum>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    external_refs: Vec<ExternalRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_info: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Checksum {
    algorithm: &'static str,
    checksum_value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef {
    reference_category: &'static str,
    reference_type: &'static str,
    reference_locator: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Relationship {
    spdx_element_id: String,
    relationship_type: &'static str,
    related_spdx_element: String,
}

/// `SPDXRef-` + letters, digits, `.` and `-` only.
fn spdx_id(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("SPDXRef-{}", s.trim_matches('-'))
}

/// A 128-bit FNV-style digest of the document content, as hex.
pub fn content_hash(text: &str) -> String {
    let mut a: u64 = 0xcbf29ce484222325;
    let mut b: u64 = 0x84222325cbf29ce4;
    for byte in text.bytes() {
        a ^= byte as u64;
        a = a.wrapping_mul(0x100000001b3);
        b = b.rotate_left(5) ^ byte as u64;
        b = b.wrapping_mul(0x100000001b3);
    }
    format!("{a:016x}{b:016x}")
}

fn package(c: &Component, id: String) -> Package {
    let purpose = match c.kind {
        Kind::Service => "APPLICATION",
        Kind::Image => "CONTAINER",
        Kind::OsPackage | Kind::Library => "LIBRARY",
    };
    Package {
        spdx_id: id,
        name: c.name.clone(),
        version_info: c.version.clone().unwrap_or_else(|| "NOASSERTION".into()),
        supplier: c
            .supplier
            .as_ref()
            .map(|s| format!("Organization: {s}"))
            .unwrap_or_else(|| "NOASSERTION".into()),
        download_location: "NOASSERTION",
        files_analyzed: false,
        license_concluded: "NOASSERTION",
        license_declared: "NOASSERTION",
        copyright_text: "NOASSERTION",
        primary_package_purpose: purpose,
        checksums: c
            .digest
            .as_ref()
            .and_then(|d| d.strip_prefix("sha256:"))
            .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(|h| {
                vec![Checksum {
                    algorithm: "SHA256",
                    checksum_value: h.to_ascii_lowercase(),
                }]
            })
            .unwrap_or_default(),
        external_refs: c
            .purl
            .iter()
            .map(|p| ExternalRef {
                reference_category: "PACKAGE-MANAGER",
                reference_type: "purl",
                reference_locator: p.clone(),
            })
            .collect(),
        source_info: c.found_in.as_ref().map(|f| format!("found in {f}")),
    }
}

/// SPDX IDs for every component: readable and unique.
pub fn ids(inv: &Inventory) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut used: BTreeMap<String, usize> = BTreeMap::new();
    for c in &inv.components {
        let prefix = match c.kind {
            Kind::Service => "unit",
            Kind::Image => "image",
            Kind::OsPackage => "os",
            Kind::Library => "lib",
        };
        let base = spdx_id(&format!(
            "{prefix}-{}{}",
            c.name,
            c.version
                .as_ref()
                .map(|v| format!("-{v}"))
                .unwrap_or_default()
        ));
        let n = used.entry(base.clone()).or_default();
        *n += 1;
        let id = if *n == 1 { base } else { format!("{base}-{n}") };
        out.insert(c.key.clone(), id);
    }
    out
}

pub fn render(r: &ScanResult, name: &str, created: &str) -> String {
    let inv = &r.inventory;
    let ids = ids(inv);
    let packages: Vec<Package> = inv
        .components
        .iter()
        .map(|c| package(c, ids[&c.key].clone()))
        .collect();
    let rel_type = |r: Rel| match r {
        Rel::Describes => "DESCRIBES",
        Rel::Contains => "CONTAINS",
        Rel::DependsOn => "DEPENDS_ON",
        Rel::BuildDependencyOf => "BUILD_DEPENDENCY_OF",
    };
    let id_of = |k: &str| {
        if k == "DOCUMENT" {
            "SPDXRef-DOCUMENT".to_string()
        } else {
            ids.get(k).cloned().unwrap_or_default()
        }
    };
    let relationships: Vec<Relationship> = inv
        .relations
        .iter()
        .map(|x| Relationship {
            spdx_element_id: id_of(&x.from),
            relationship_type: rel_type(x.rel),
            related_spdx_element: id_of(&x.to),
        })
        .collect();
    // The namespace is derived from the content, so the same input gives the same bytes.
    let body = serde_json::to_string(&(&packages, &relationships)).unwrap_or_default();
    let doc = Document {
        spdx_version: "SPDX-2.3",
        data_license: "CC0-1.0",
        spdx_id: "SPDXRef-DOCUMENT",
        name: format!("mcp-audit deployment SBOM of {name}"),
        document_namespace: format!("https://spdx.org/spdxdocs/mcp-audit/{}-{}", spdx_id(name).trim_start_matches("SPDXRef-"), content_hash(&body)),
        creation_info: CreationInfo {
            created: created.to_string(),
            creators: vec![format!("Tool: mcp-audit-{}", env!("CARGO_PKG_VERSION"))],
            comment: "Inventory of the containerized MCP deployment as declared in its Dockerfiles, Compose files, client configurations and MCP metadata; images are not built or pulled.".into(),
        },
        packages,
        relationships,
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
