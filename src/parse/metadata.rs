//! MCP metadata files: `mcp-manifest.json`, Docker catalog `server.yaml` and official
//! registry `server.json` (camelCase and the older snake_case), read into one shape.

use super::compose::{convert_plain, CNode};
use super::yaml::{self, YamlLimits};
use crate::source::{Loc, SourceFile};
use serde::Serialize;

/// A metadata file, parsed. `doc` keeps the whole tree (with locations) for policies.
#[derive(Clone, Debug, Serialize)]
pub struct Metadata {
    /// `mcp-manifest`, `catalog-server` or `registry-server`.
    pub format: &'static str,
    pub file: String,
    /// Server name as the file declares it (`name`).
    pub name: Option<String>,
    /// Image the metadata refers to (manifest `image`, catalog `image`, OCI package identifier).
    pub images: Vec<String>,
    /// `transport` (`stdio`, `streamable-http`, `sse`) when declared; for a registry
    /// `server.json`, its first OCI package's (else its first package's).
    pub transport: Option<String>,
    /// registry `server.json` schema generation: `camelCase` or `snake_case`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub naming: Option<&'static str>,
    #[serde(skip)]
    pub root: Option<CNode>,
    pub loc: Loc,
    /// Schema violations (manifests: against `mcp-audit schema manifest`).
    pub errors: Vec<crate::schema::SchemaError>,
}

impl Metadata {
    pub fn doc_json(&self) -> serde_json::Value {
        self.root
            .as_ref()
            .map(CNode::to_json)
            .unwrap_or(serde_json::Value::Null)
    }
}

fn text_at(n: &CNode, path: &[&str]) -> Option<String> {
    let mut cur = n;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.text()
}

/// Parse a metadata file of the given format.
pub fn parse(
    src: &SourceFile,
    format: &'static str,
    limits: &YamlLimits,
) -> Result<Metadata, (String, Option<Loc>)> {
    let y = yaml::load(src, limits).map_err(|e| (e.message, e.span.map(|s| src.loc(s))))?;
    let root = convert_plain(src, &y);
    if !matches!(root.v, super::compose::CVal::Map(_)) {
        return Err((
            format!("{format} must be a mapping at the top level"),
            Some(root.loc.clone()),
        ));
    }
    let mut images = Vec::new();
    let mut transport = None;
    let mut oci_transport = None;
    let mut naming = None;
    match format {
        "mcp-manifest" => {
            images.extend(text_at(&root, &["image"]));
            transport = text_at(&root, &["transport"]);
        }
        "catalog-server" => {
            images.extend(text_at(&root, &["image"]));
            transport = text_at(&root, &["type"]);
        }
        _ => {
            for p in root.get("packages").map(CNode::seq).unwrap_or(&[]) {
                let camel = p.get("registryType").is_some();
                let snake = p.get("registry_type").is_some();
                if camel {
                    naming = Some("camelCase");
                } else if snake {
                    naming = Some("snake_case");
                }
                let rtype =
                    text_at(p, &["registryType"]).or_else(|| text_at(p, &["registry_type"]));
                let t = text_at(p, &["transport", "type"]);
                if rtype.as_deref() == Some("oci") {
                    images.extend(text_at(p, &["identifier"]));
                    // The image a Dockerfile beside the file builds: its transport
                    // is the one that tells (the first OCI package's).
                    if oci_transport.is_none() {
                        oci_transport = t.clone();
                    }
                }
                if transport.is_none() {
                    transport = t;
                }
            }
            transport = oci_transport.or(transport);
        }
    }
    let errors = if format == "mcp-manifest" {
        crate::schema::validate_manifest(&root)
    } else {
        Vec::new()
    };
    Ok(Metadata {
        errors,
        format,
        file: src.display.to_string(),
        name: text_at(&root, &["name"]),
        images,
        transport,
        naming,
        loc: root.loc.clone(),
        root: Some(root),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_server_json_both_namings() {
        let camel = SourceFile::from_str(
            "server.json",
            r#"{"name":"io.github.acme/w","version":"1.0.0","packages":[{"registryType":"oci","identifier":"ghcr.io/acme/w:1.0.0","transport":{"type":"stdio"}}]}"#,
        );
        let m = parse(&camel, "registry-server", &YamlLimits::default()).unwrap();
        assert_eq!(m.name.as_deref(), Some("io.github.acme/w"));
        assert_eq!(m.images, vec!["ghcr.io/acme/w:1.0.0"]);
        assert_eq!(m.transport.as_deref(), Some("stdio"));
        // The OCI package's transport, not the npm package's before it.
        let src = SourceFile::from_str(
            "server.json",
            r#"{"name":"io.github.acme/w","packages":[{"registryType":"npm","identifier":"w","transport":{"type":"stdio"}},{"registryType":"oci","identifier":"ghcr.io/acme/w:1.0.0","transport":{"type":"streamable-http","url":"http://localhost:8080/mcp"}}]}"#,
        );
        let m = parse(&src, "registry-server", &YamlLimits::default()).unwrap();
        assert_eq!(m.transport.as_deref(), Some("streamable-http"));
        assert_eq!(m.naming, Some("camelCase"));
        let snake = SourceFile::from_str(
            "server.json",
            r#"{"name":"io.github.a/k","packages":[{"registry_type":"npm","identifier":"k","transport":{"type":"stdio"}}]}"#,
        );
        assert_eq!(
            parse(&snake, "registry-server", &YamlLimits::default())
                .unwrap()
                .naming,
            Some("snake_case")
        );
    }

    #[test]
    fn manifest_and_errors() {
        let m = SourceFile::from_str(
            "mcp-manifest.json",
            "{\"schemaVersion\":\"1\",\"name\":\"github\",\"transport\":\"stdio\"}",
        );
        let m = parse(&m, "mcp-manifest", &YamlLimits::default()).unwrap();
        assert_eq!(m.name.as_deref(), Some("github"));
        let bad = SourceFile::from_str("server.json", "{\"name\": \n");
        let (msg, loc) = parse(&bad, "registry-server", &YamlLimits::default()).unwrap_err();
        assert!(!msg.is_empty());
        assert!(loc.is_some());
    }
}
