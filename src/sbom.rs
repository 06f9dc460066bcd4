//! The deployment inventory behind the SBOM outputs: units, their images, and the OS and
//! language packages their build and launch commands install — read from the resolved
//! units, without building anything. Format-neutral; `report::spdx` and
//! `report::cyclonedx` render it.

use crate::resolve::{Role, Unit};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// An MCP server, hub, supporting service or client entry.
    Service,
    Image,
    OsPackage,
    Library,
}

#[derive(Clone, Debug, Serialize)]
pub struct Component {
    /// Stable key, unique in the inventory.
    pub key: String,
    pub kind: Kind,
    pub name: String,
    /// `None` when not pinned (rendered as NOASSERTION, never invented).
    pub version: Option<String>,
    pub purl: Option<String>,
    pub supplier: Option<String>,
    /// `sha256:…` when the reference is pinned by digest.
    pub digest: Option<String>,
    /// Where it was found (`file:line`).
    pub found_in: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Rel {
    /// The document describes a top-level component.
    Describes,
    Contains,
    DependsOn,
    /// `from` is needed only to build `to` (a build stage's base image).
    BuildDependencyOf,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Relation {
    pub from: String,
    pub rel: Rel,
    pub to: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Inventory {
    pub components: Vec<Component>,
    pub relations: Vec<Relation>,
}

/// A parsed image reference.
#[derive(Debug, PartialEq)]
pub struct ImageRef {
    pub registry: Option<String>,
    pub path: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

pub fn parse_image(r: &str) -> ImageRef {
    let (rest, digest) = match r.split_once('@') {
        Some((a, d)) => (a, Some(d.to_string())),
        None => (r, None),
    };
    let (registry, path) = match rest.split_once('/') {
        Some((first, p)) if first.contains('.') || first.contains(':') || first == "localhost" => {
            (Some(first.to_string()), p.to_string())
        }
        _ => (None, rest.to_string()),
    };
    let (path, tag) = match path.rsplit_once(':') {
        Some((p, t)) if !t.contains('/') => (p.to_string(), Some(t.to_string())),
        _ => (path, None),
    };
    ImageRef {
        registry,
        path,
        tag,
        digest,
    }
}

fn pct(s: &str) -> String {
    s.replace('%', "%25")
        .replace('@', "%40")
        .replace(':', "%3A")
        .replace(' ', "%20")
}

pub fn docker_purl(i: &ImageRef) -> String {
    let version = i
        .digest
        .clone()
        .or(i.tag.clone())
        .map(|v| format!("@{}", pct(&v)))
        .unwrap_or_default();
    let path = i.path.split('/').map(pct).collect::<Vec<_>>().join("/");
    let q = i
        .registry
        .as_ref()
        .map(|r| format!("?repository_url={}", pct(r)))
        .unwrap_or_default();
    format!("pkg:docker/{path}{version}{q}")
}

fn npm_purl(name: &str, version: Option<&str>) -> String {
    let v = version.map(|v| format!("@{}", pct(v))).unwrap_or_default();
    match name.strip_prefix('@').and_then(|n| n.split_once('/')) {
        Some((scope, n)) => format!("pkg:npm/%40{}/{}{v}", pct(scope), pct(n)),
        None => format!("pkg:npm/{}{v}", pct(name)),
    }
}

fn pypi_purl(name: &str, version: Option<&str>) -> String {
    let v = version.map(|v| format!("@{}", pct(v))).unwrap_or_default();
    format!(
        "pkg:pypi/{}{v}",
        pct(&name.to_ascii_lowercase().replace('_', "-"))
    )
}

/// The distribution a base image is built on, for OS package purls.
pub fn distro(base: &str) -> &'static str {
    let b = base.to_ascii_lowercase();
    if b.contains("alpine") {
        "alpine"
    } else if b.contains("ubuntu") {
        "ubuntu"
    } else if b.contains("fedora")
        || b.contains("rhel")
        || b.contains("ubi")
        || b.contains("centos")
        || b.contains("rocky")
        || b.contains("alma")
    {
        "redhat"
    } else {
        // Official images (node, python, golang…) default to Debian.
        "debian"
    }
}

/// Packages named by an install command: (manager, name, version).
pub fn installs(text: &str) -> Vec<(&'static str, String, Option<String>)> {
    let mut out = Vec::new();
    for cmd in text.split(['&', ';', '|', '\n']) {
        let words: Vec<&str> = cmd.split_whitespace().collect();
        let pos = |w: &str| words.iter().position(|x| *x == w);
        let args_after = |i: usize| {
            words[i + 1..].iter().filter(|w| {
                !w.starts_with('-') && !w.starts_with('$') && !w.contains('*') && **w != "\\"
            })
        };
        if let (Some(a), Some(i)) = (
            words.iter().position(|w| *w == "apt-get" || *w == "apt"),
            pos("install"),
        ) {
            if i > a {
                for w in args_after(i) {
                    let (n, v) = match w.split_once('=') {
                        Some((n, v)) => (n, Some(v.to_string())),
                        None => (*w, None),
                    };
                    out.push(("deb", n.to_string(), v));
                }
            }
        } else if let (Some(a), Some(i)) = (pos("apk"), pos("add")) {
            if i > a {
                for w in args_after(i) {
                    let (n, v) = match w.split_once('=') {
                        Some((n, v)) => (n, Some(v.to_string())),
                        None => (*w, None),
                    };
                    out.push(("apk", n.to_string(), v));
                }
            }
        } else if let (Some(a), Some(i)) = (
            words
                .iter()
                .position(|w| *w == "dnf" || *w == "yum" || *w == "microdnf"),
            pos("install"),
        ) {
            if i > a {
                for w in args_after(i) {
                    out.push(("rpm", w.to_string(), None));
                }
            }
        } else if let (Some(a), Some(i)) = (
            words
                .iter()
                .position(|w| *w == "pip" || *w == "pip3" || *w == "uv"),
            pos("install"),
        ) {
            if i > a {
                for w in args_after(i)
                    .filter(|w| !w.ends_with(".txt") && !w.starts_with('.') && !w.starts_with('/'))
                {
                    let (n, v) = match w.split_once("==") {
                        Some((n, v)) => (n, Some(v.to_string())),
                        None => (w.split(['>', '<', '~', '[']).next().unwrap_or(w), None),
                    };
                    out.push(("pypi", n.trim_matches(['"', '\'']).to_string(), v));
                }
            }
        } else if let (Some(a), Some(i)) = (
            pos("npm"),
            words
                .iter()
                .position(|w| *w == "install" || *w == "i" || *w == "add"),
        ) {
            if i > a {
                for w in args_after(i).filter(|w| !w.starts_with('.') && !w.starts_with('/')) {
                    out.push(("npm", split_npm(w).0, split_npm(w).1));
                }
            }
        }
        for runner in ["npx", "uvx"] {
            if let Some(i) = pos(runner) {
                if let Some(w) = words[i + 1..].iter().find(|w| !w.starts_with('-')) {
                    if runner == "npx" {
                        let (n, v) = split_npm(w);
                        out.push(("npm", n, v));
                    } else {
                        let (n, v) = match w.split_once("==").or_else(|| w.split_once('@')) {
                            Some((n, v)) => (n.to_string(), Some(v.to_string())),
                            None => (w.to_string(), None),
                        };
                        out.push(("pypi", n, v));
                    }
                }
            }
        }
    }
    out.retain(|(_, n, _)| {
        !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || "@/._+-".contains(c))
    });
    out
}

/// `@scope/name@1.2.3` → (`@scope/name`, `1.2.3`).
fn split_npm(w: &str) -> (String, Option<String>) {
    let (scope, rest) = match w.strip_prefix('@') {
        Some(r) => ("@", r),
        None => ("", w),
    };
    match rest.rsplit_once('@') {
        Some((n, v)) if !v.is_empty() && v != "latest" => {
            (format!("{scope}{n}"), Some(v.to_string()))
        }
        Some((n, _)) => (format!("{scope}{n}"), None),
        None => (format!("{scope}{rest}"), None),
    }
}

struct Builder {
    inv: Inventory,
    by_key: BTreeMap<String, usize>,
    /// The relations already recorded (dedup without a linear search).
    seen: std::collections::BTreeSet<Relation>,
}

impl Builder {
    fn add(&mut self, c: Component) -> String {
        let key = c.key.clone();
        if let Some(&i) = self.by_key.get(&key) {
            // Keep the first sighting; fill in a supplier learned later.
            if self.inv.components[i].supplier.is_none() {
                self.inv.components[i].supplier = c.supplier;
            }
        } else {
            self.by_key.insert(key.clone(), self.inv.components.len());
            self.inv.components.push(c);
        }
        key
    }
    fn rel(&mut self, from: &str, rel: Rel, to: &str) {
        let r = Relation {
            from: from.into(),
            rel,
            to: to.into(),
        };
        if self.seen.insert(r.clone()) {
            self.inv.relations.push(r);
        }
    }
    fn image(&mut self, reference: &str, found_in: Option<String>) -> String {
        let i = parse_image(reference);
        let supplier = Some(image_supplier(&i));
        let name = match &i.registry {
            Some(r) => format!("{r}/{}", i.path),
            None => i.path.clone(),
        };
        let version = i.tag.clone().filter(|t| t != "latest").or(i.digest.clone());
        self.add(Component {
            key: format!("image:{reference}"),
            kind: Kind::Image,
            name,
            version,
            purl: Some(docker_purl(&i)),
            supplier,
            digest: i.digest.clone(),
            found_in,
        })
    }
    fn package(
        &mut self,
        owner: &str,
        distro_name: &str,
        (mgr, name, version): (&'static str, String, Option<String>),
        found_in: Option<String>,
    ) {
        let (purl, kind) = match mgr {
            "deb" => (
                format!(
                    "pkg:deb/{distro_name}/{}{}",
                    pct(&name),
                    version
                        .as_ref()
                        .map(|v| format!("@{}", pct(v)))
                        .unwrap_or_default()
                ),
                Kind::OsPackage,
            ),
            "apk" => (
                format!(
                    "pkg:apk/alpine/{}{}",
                    pct(&name),
                    version
                        .as_ref()
                        .map(|v| format!("@{}", pct(v)))
                        .unwrap_or_default()
                ),
                Kind::OsPackage,
            ),
            "rpm" => (
                format!("pkg:rpm/{distro_name}/{}", pct(&name)),
                Kind::OsPackage,
            ),
            "npm" => (npm_purl(&name, version.as_deref()), Kind::Library),
            _ => (pypi_purl(&name, version.as_deref()), Kind::Library),
        };
        let supplier = Some(match mgr {
            "deb" if distro_name == "ubuntu" => "Canonical (Ubuntu)".to_string(),
            "deb" => "Debian Project".to_string(),
            "apk" => "Alpine Linux".to_string(),
            "rpm" => "Red Hat (RPM distribution)".to_string(),
            "npm" => match name.strip_prefix('@').and_then(|n| n.split_once('/')) {
                Some((scope, _)) => format!("{scope} (npm scope)"),
                None => format!("{name} maintainers (npm)"),
            },
            _ => format!("{name} maintainers (PyPI)"),
        });
        let key = self.add(Component {
            key: format!("pkg:{}", purl),
            kind,
            name,
            version,
            purl: Some(purl),
            supplier,
            digest: None,
            found_in,
        });
        self.rel(owner, Rel::Contains, &key);
    }
}

/// Who publishes an image: its registry namespace (`ghcr.io/acme/x` → acme, `prom/x` →
/// prom), or Docker for official library images.
pub fn image_supplier(i: &ImageRef) -> String {
    match i.path.rsplit_once('/') {
        Some((ns, _)) => ns.split('/').next().unwrap_or(ns).to_string(),
        None if i.registry.is_none() => "Docker Official Images".to_string(),
        None => i.registry.clone().unwrap_or_default(),
    }
}

fn loc_str(v: &Value) -> Option<String> {
    Some(format!(
        "{}:{}",
        v.get("file")?.as_str()?,
        v.get("line")?.as_u64()?
    ))
}

fn supplier_of(input: &Value) -> Option<String> {
    let s = |v: &Value| v.as_str().map(str::to_string).filter(|x| !x.is_empty());
    s(&input["manifest"]["doc"]["owner"]["team"])
        .or_else(|| s(&input["service"]["labels"]["mcp.owner"]["value"]))
        .or_else(|| s(&input["service"]["build"]["labels"]["mcp.owner"]["value"]))
        .or_else(|| s(&input["service"]["labels"]["org.opencontainers.image.vendor"]["value"]))
        .or_else(|| s(&input["dockerfile"]["labels"]["org.opencontainers.image.vendor"]["value"]))
        .or_else(|| s(&input["dockerfile"]["labels"]["mcp.owner"]["value"]))
}

/// What a Dockerfile contributes: its base images and installed packages.
fn dockerfile_parts(b: &mut Builder, owner: &str, df: &Value) {
    let chain_base = df["base_image"].as_str().unwrap_or("");
    let dist = distro(chain_base);
    for f in df["from"].as_array().into_iter().flatten() {
        if f["kind"] != "external" || f["indeterminate"] == true {
            continue;
        }
        let Some(r) = f["resolved"].as_str() else {
            continue;
        };
        let img = b.image(r, loc_str(&f["loc"]));
        if f["in_chain"] == true {
            b.rel(owner, Rel::DependsOn, &img);
        } else {
            b.rel(&img, Rel::BuildDependencyOf, owner);
        }
    }
    for i in df["instructions"].as_array().into_iter().flatten() {
        if i["in_chain"] != true
            || !matches!(i["keyword"].as_str(), Some("RUN" | "CMD" | "ENTRYPOINT"))
        {
            continue;
        }
        let mut text = i["text"].as_str().unwrap_or("").to_string();
        for h in i["heredocs"].as_array().into_iter().flatten() {
            text.push('\n');
            text.push_str(h.as_str().unwrap_or(""));
        }
        for p in installs(&text) {
            b.package(owner, dist, p, loc_str(&i["loc"]));
        }
    }
}

/// The top-level fields of a unit's input document that the inventory reads: only
/// these are built for a Compose service (`Unit::document_of`).
const READS: &[&str] = &[
    "kind",
    "service",
    "server",
    "dockerfile",
    "metadata",
    "doc",
    "manifest",
];

/// Build the inventory of a scan's units. `project` supplies locally built services
/// whose owner is not declared (no manifest owner, `mcp.owner` or OCI vendor label).
pub fn inventory(units: &[Unit], project: &str) -> Inventory {
    inventory_from(units, project, |u| u.document_of(&|k| READS.contains(&k)))
}

/// [`inventory`], each unit's input document given by `document`.
fn inventory_from<'u>(
    units: &'u [Unit],
    project: &str,
    document: impl Fn(&'u Unit) -> std::borrow::Cow<'u, Value>,
) -> Inventory {
    let mut b = Builder {
        inv: Inventory::default(),
        by_key: BTreeMap::new(),
        seen: Default::default(),
    };
    for u in units {
        let input = &*document(u);
        let (kind, found) = match u.role {
            Role::McpServer | Role::Hub | Role::SupportingService | Role::ClientEntry => (
                Kind::Service,
                loc_str(&input["service"]["loc"]).or_else(|| loc_str(&input["server"]["loc"])),
            ),
            Role::StandaloneDockerfile => {
                (Kind::Image, loc_str(&input["dockerfile"]["target"]["loc"]))
            }
            Role::MetadataFile if input["metadata"]["format"] == "registry-server" => {
                (Kind::Service, loc_str(&input["metadata"]["loc"]))
            }
            _ => continue,
        };
        let image = input["service"]["image"]["value"].as_str();
        let version = image
            .map(parse_image)
            .and_then(|i| i.tag.filter(|t| t != "latest"))
            .or_else(|| input["doc"]["version"].as_str().map(str::to_string))
            .filter(|v| !v.contains('$'));
        let owner = b.add(Component {
            key: format!("unit:{}", u.id),
            kind,
            name: u.name.clone(),
            version,
            purl: None,
            supplier: supplier_of(input)
                .or_else(|| {
                    image
                        .filter(|_| input["service"]["has_build"] != true)
                        .map(|i| image_supplier(&parse_image(i)))
                })
                .or_else(|| Some(format!("{project} (repository)"))),
            digest: None,
            found_in: found,
        });
        b.rel("DOCUMENT", Rel::Describes, &owner);
        if input["kind"] == "compose_service" {
            if let (Some(img), false) = (image, input["service"]["has_build"] == true) {
                if input["service"]["image"]["indeterminate"] != true {
                    let i = b.image(img, loc_str(&input["service"]["image"]["loc"]));
                    b.rel(&owner, Rel::DependsOn, &i);
                }
            }
            if input["dockerfile"].is_object() {
                dockerfile_parts(&mut b, &owner, &input["dockerfile"]);
            }
            for c in [
                &input["service"]["command"]["value"],
                &input["service"]["entrypoint"]["value"],
            ] {
                for p in installs(c.as_str().unwrap_or("")) {
                    b.package(&owner, "debian", p, None);
                }
            }
        } else if input["kind"] == "dockerfile" {
            dockerfile_parts(&mut b, &owner, &input["dockerfile"]);
        } else if input["kind"] == "mcp_client" {
            let s = &input["server"];
            if let Some(img) = s["docker"]["image"]["value"].as_str() {
                let i = b.image(img, loc_str(&s["docker"]["image"]["loc"]));
                b.rel(&owner, Rel::DependsOn, &i);
            }
            let mut line = s["command"]["value"].as_str().unwrap_or("").to_string();
            for a in s["args"].as_array().into_iter().flatten() {
                line.push(' ');
                line.push_str(a["value"].as_str().unwrap_or(""));
            }
            if s["docker"].is_null() {
                for p in installs(&line) {
                    b.package(&owner, "debian", p, loc_str(&s["loc"]));
                }
            }
        } else if input["kind"] == "mcp_metadata" {
            for p in input["doc"]["packages"].as_array().into_iter().flatten() {
                let t = p["registryType"]
                    .as_str()
                    .or(p["registry_type"].as_str())
                    .unwrap_or("");
                let Some(id) = p["identifier"].as_str() else {
                    continue;
                };
                let v = p["version"]
                    .as_str()
                    .map(str::to_string)
                    .filter(|v| !v.contains('$') && v != "latest");
                match t {
                    "oci" => {
                        let i = b.image(id, loc_str(&p["loc"]));
                        b.rel(&owner, Rel::DependsOn, &i);
                    }
                    "npm" | "pypi" => {
                        let mgr = if t == "npm" { "npm" } else { "pypi" };
                        b.package(
                            &owner,
                            "debian",
                            (mgr, id.to_string(), v),
                            loc_str(&p["loc"]),
                        );
                    }
                    _ => {}
                }
            }
        }
    }
    b.inv.components.sort_by(|a, c| a.key.cmp(&c.key));
    b.inv.relations.sort();
    b.inv
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The inventory reads no field of a unit's document outside `READS`: built from
    /// the whole documents, it is the same.
    #[test]
    fn the_inventory_reads_only_its_fields() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let settings = crate::Settings::new(vec![dir], crate::config::Config::default());
        let units = crate::resolve_units(&settings).units;
        let compose = units
            .iter()
            .filter(|u| u.document()["kind"] == "compose_service")
            .count();
        assert!(compose > 50, "{compose} Compose services");
        let json = |inv: &Inventory| serde_json::to_string(inv).unwrap();
        let whole = inventory_from(&units, "p", |u| u.document());
        assert!(whole.components.len() > 100, "{}", json(&whole));
        assert_eq!(json(&inventory(&units, "p")), json(&whole));
    }

    #[test]
    fn image_refs_and_purls() {
        let i = parse_image("localhost:5000/idp/github-mcp:latest");
        assert_eq!(i.registry.as_deref(), Some("localhost:5000"));
        assert_eq!(i.path, "idp/github-mcp");
        assert_eq!(
            docker_purl(&i),
            "pkg:docker/idp/github-mcp@latest?repository_url=localhost%3A5000"
        );
        let i = parse_image("nginx@sha256:abc");
        assert_eq!(docker_purl(&i), "pkg:docker/nginx@sha256%3Aabc");
        assert_eq!(
            parse_image("node:18-alpine").tag.as_deref(),
            Some("18-alpine")
        );
        assert_eq!(
            npm_purl("@modelcontextprotocol/server-github", Some("1.0.0")),
            "pkg:npm/%40modelcontextprotocol/server-github@1.0.0"
        );
    }

    #[test]
    fn install_commands() {
        let p = installs("apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10 git \\ && rm -rf /var/lib/apt/lists/*");
        assert_eq!(
            p,
            vec![
                ("deb", "curl".to_string(), Some("7.88.1-10".to_string())),
                ("deb", "git".to_string(), None)
            ]
        );
        assert_eq!(
            installs("apk add --no-cache tini=0.19.0-r1"),
            vec![("apk", "tini".to_string(), Some("0.19.0-r1".to_string()))]
        );
        assert_eq!(
            installs("pip install --no-cache-dir -r requirements.txt mcp==1.2.0"),
            vec![("pypi", "mcp".to_string(), Some("1.2.0".to_string()))]
        );
        assert_eq!(
            installs("npx -y @modelcontextprotocol/server-github@2025.4.8"),
            vec![(
                "npm",
                "@modelcontextprotocol/server-github".to_string(),
                Some("2025.4.8".to_string())
            )]
        );
        assert_eq!(
            installs("uvx mcp-server-fetch"),
            vec![("pypi", "mcp-server-fetch".to_string(), None)]
        );
        assert_eq!(distro("python:3.11-slim"), "debian");
        assert_eq!(distro("node:18-alpine"), "alpine");
    }
}
