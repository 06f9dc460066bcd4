//! `.mcp-audit.yaml`: found upward from the scan root (or given with `--config`);
//! unknown keys are rejected so that typos do not silently disable a setting.

use crate::catalog::Severity;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Largest config file read.
pub const MAX_CONFIG_SIZE: u64 = 4 * 1024 * 1024;

pub const CONFIG_NAMES: &[&str] = &[".mcp-audit.yaml", ".mcp-audit.yml"];

/// Maps a Compose image to the Dockerfile that builds it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageMapEntry {
    /// Pattern: `*` matches any run of characters, `{name}` captures one path segment.
    pub image: String,
    /// Path relative to the config file; may use `{name}`.
    pub dockerfile: String,
    /// Build stage to use (default: the last stage).
    #[serde(default)]
    pub target: Option<String>,
}

/// Annotations that the build pipeline adds to the images of a pattern (`docker buildx
/// build --annotation`): MCP-MD-012 accepts an ownership annotation declared here.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageAnnotations {
    /// Pattern, as in `image_map`: `*` matches any run of characters.
    pub image: String,
    pub annotations: std::collections::BTreeMap<String, String>,
}

impl Config {
    /// The annotations declared for `image` (every matching entry, a later one winning).
    pub fn annotations_of(&self, image: &str) -> std::collections::BTreeMap<String, String> {
        self.image_annotations
            .iter()
            .filter(|a| match_image(&a.image, image).is_some())
            .flat_map(|a| a.annotations.clone())
            .collect()
    }
}

/// A time-limited, justified exception: `{rule, path, service?, reason, expires}`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    pub rule: String,
    /// Glob over the root-relative path of the finding (`**` crosses directories).
    pub path: String,
    #[serde(default)]
    pub service: Option<String>,
    pub reason: String,
    /// `YYYY-MM-DD`: the waiver no longer applies after that day (and is reported).
    #[serde(default)]
    pub expires: Option<String>,
}

/// What one of your own base images provides: the user it runs as and the accounts it
/// creates (MCP-DF-001, MCP-DF-003), for images the scan cannot look into.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaseImage {
    /// Pattern over the base image reference after ARG defaults (`*` matches any run of
    /// characters): `localhost:5000/idp/base-*`.
    pub image: String,
    /// The user the image runs as when no `USER` follows its `FROM` (its own last
    /// `USER`). A non-root user passes MCP-DF-001, as `gcr.io/distroless/*:nonroot` does.
    #[serde(default)]
    pub user: Option<String>,
    /// Accounts the image creates, which a `USER` may name (MCP-DF-003); `user` is one.
    #[serde(default)]
    pub accounts: Vec<String>,
    /// The `HEALTHCHECK` test the image carries (`curl -fsS http://localhost:8080/health`):
    /// a target stage built on it with no HEALTHCHECK of its own inherits it (MCP-DF-002,
    /// and MCP-EC-002 for a Compose service).
    #[serde(default)]
    pub healthcheck: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSetting {
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub severity: Option<Severity>,
}

/// One allowed hub endpoint (MCP-CC-007): a URL prefix, or a launch pattern whose
/// `command` and each of its `args` are anchored regular expressions (the same number
/// of arguments), like Windsurf's admin allowlist.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(untagged)]
pub enum HubEndpoint {
    Url(String),
    Entry(HubEntry),
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HubEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    #[serde(default)]
    pub args: Vec<String>,
}

/// The hub policy: where client entries must connect (MCP-CC-007).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HubPolicy {
    #[serde(default)]
    pub allowed_endpoints: Vec<HubEndpoint>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub image_map: Vec<ImageMapEntry>,
    /// Annotations the build adds to images, by image pattern (MCP-MD-012).
    #[serde(default)]
    pub image_annotations: Vec<ImageAnnotations>,
    /// Service names or image patterns of the hub / gateway.
    #[serde(default)]
    pub hubs: Vec<String>,
    /// Service names or image patterns that are MCP servers.
    #[serde(default)]
    pub servers: Vec<String>,
    /// Extra label keys read as `mcp.server` / `mcp.role`.
    #[serde(default)]
    pub label_aliases: LabelAliases,
    #[serde(default)]
    pub rules: std::collections::BTreeMap<String, RuleSetting>,
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub policies: Vec<PathBuf>,
    #[serde(default)]
    pub fail_on: Option<Severity>,
    #[serde(default)]
    pub min_score: Option<f64>,
    /// Image registries / prefixes images may come from (MCP-SC-002); empty = not checked.
    #[serde(default)]
    pub allowed_registries: Vec<String>,
    /// Server classes that are high risk (MCP-EC-003).
    #[serde(default = "default_high_risk")]
    pub high_risk_classes: Vec<String>,
    /// Require `@sha256:` digests on every image (MCP-SC-001).
    #[serde(default)]
    pub require_digest: bool,
    /// Capabilities MCP-CS-008 accepts in `cap_add` (`NET_RAW`, `CAP_NET_RAW`).
    #[serde(default)]
    pub allowed_capabilities: Vec<String>,
    /// Values your team uses as stand-ins for secrets, besides the built-in marks
    /// (`changeme`, `your_…`, `<…>`): whole-value patterns, case-insensitive, `*` for
    /// any run. Secret-named keys set to one are "placeholder" secrets (MCP-SE-001
    /// says so; MCP-SE-005 and MCP-CC-001 skip them); a credential shape wins.
    #[serde(default)]
    pub placeholders: crate::secrets::Placeholders,
    /// What your own base images provide (MCP-DF-001, MCP-DF-003).
    #[serde(default)]
    pub base_images: Vec<BaseImage>,
    /// Host directories services may bind read-write besides the project directory
    /// (MCP-CS-012): `/srv/mcp-data`, `~/workspaces`.
    #[serde(default)]
    pub allowed_bind_roots: Vec<String>,
    /// Where a service's `mcp-manifest.json` may also be (MCP-MD-004), after its
    /// Dockerfile's directory and its build context: globs over the scanned paths,
    /// `{name}` standing for the service name.
    #[serde(default = "default_manifest_paths")]
    pub manifest_paths: Vec<String>,
    /// The Docker daemon rotates `json-file` logs (`log-opts.max-size` in
    /// `daemon.json`), so a service without a `logging` block is rotated (MCP-CS-016).
    #[serde(default)]
    pub daemon_log_rotation: bool,
    /// Service names or images of socket proxies allowed to mount the runtime socket.
    #[serde(default)]
    pub socket_proxies: Vec<String>,
    #[serde(default)]
    pub waivers: Vec<Waiver>,
    /// Hub policy for client configurations (MCP-CC-007); empty: the rule is not applicable.
    #[serde(default)]
    pub hub: HubPolicy,
    /// Tools (glob patterns) that client entries may auto-approve (MCP-CC-008).
    #[serde(default)]
    pub auto_approve_allowlist: Vec<String>,
    /// Resource limits for hostile input (file size, YAML budgets, interpolation).
    #[serde(default)]
    pub limits: Limits,
    /// Directory of the config file (paths in it are relative to it).
    #[serde(skip)]
    pub base_dir: PathBuf,
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelAliases {
    #[serde(default = "default_server_labels")]
    pub server: Vec<String>,
    #[serde(default = "default_role_labels")]
    pub role: Vec<String>,
}

impl Default for LabelAliases {
    fn default() -> Self {
        LabelAliases {
            server: default_server_labels(),
            role: default_role_labels(),
        }
    }
}

/// Resource limits: what a single scanned file may cost. A file over a limit is
/// reported as MCP-AUD-001 at the place where the limit was hit (never skipped).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Largest file read, in bytes (Dockerfiles, Compose, metadata, client configs,
    /// and files they reference such as `env_file:`).
    pub max_file_size: u64,
    /// Deepest nesting of YAML/JSON sequences and mappings.
    pub yaml_max_depth: usize,
    /// Most YAML/JSON nodes in one file (aliases count once per use).
    pub yaml_max_nodes: usize,
    /// Most nodes that YAML aliases and merge keys may copy in one file; independently
    /// of this, at most 4 per byte of the file (at least 65,536).
    pub yaml_max_alias_nodes: usize,
    /// Deepest nesting of Compose interpolation, `${A:-${B:-…}}`.
    pub interpolation_max_depth: usize,
    /// Longest one rule may take on one unit, in seconds, before it is stopped and
    /// reported as an evaluation error (a runaway custom policy must not hang CI).
    pub rego_eval_seconds: u64,
}

/// The largest values the limits accept (so that a config file cannot ask for an
/// unbounded parser stack or a file of any size).
pub const MAX_LIMITS: Limits = Limits {
    max_file_size: 1 << 30,
    yaml_max_depth: 1_000,
    yaml_max_nodes: 100_000_000,
    yaml_max_alias_nodes: 100_000_000,
    interpolation_max_depth: 10_000,
    rego_eval_seconds: 3_600,
};

impl Default for Limits {
    fn default() -> Self {
        let y = crate::parse::yaml::YamlLimits::default();
        Limits {
            max_file_size: 16 * 1024 * 1024,
            yaml_max_depth: y.max_depth,
            yaml_max_nodes: y.max_nodes,
            yaml_max_alias_nodes: y.max_alias_nodes,
            interpolation_max_depth: y.max_interp_depth,
            rego_eval_seconds: 10,
        }
    }
}

impl Limits {
    /// The YAML loader's limits.
    pub fn yaml(&self) -> crate::parse::yaml::YamlLimits {
        crate::parse::yaml::YamlLimits {
            max_depth: self.yaml_max_depth,
            max_nodes: self.yaml_max_nodes,
            max_bytes: usize::try_from(self.max_file_size).unwrap_or(usize::MAX),
            max_alias_nodes: self.yaml_max_alias_nodes,
            max_interp_depth: self.interpolation_max_depth,
        }
    }

    fn validate(&self) -> Result<()> {
        let m = &MAX_LIMITS;
        let checks: [(&str, u64, u64); 6] = [
            (
                "rego_eval_seconds",
                self.rego_eval_seconds,
                m.rego_eval_seconds,
            ),
            ("max_file_size", self.max_file_size, m.max_file_size),
            (
                "yaml_max_depth",
                self.yaml_max_depth as u64,
                m.yaml_max_depth as u64,
            ),
            (
                "yaml_max_nodes",
                self.yaml_max_nodes as u64,
                m.yaml_max_nodes as u64,
            ),
            (
                "yaml_max_alias_nodes",
                self.yaml_max_alias_nodes as u64,
                m.yaml_max_alias_nodes as u64,
            ),
            (
                "interpolation_max_depth",
                self.interpolation_max_depth as u64,
                m.interpolation_max_depth as u64,
            ),
        ];
        for (name, v, max) in checks {
            if v == 0 || v > max {
                anyhow::bail!("`limits.{name}: {v}` must be between 1 and {max}");
            }
        }
        Ok(())
    }
}

fn default_manifest_paths() -> Vec<String> {
    vec!["**/servers/{name}/mcp-manifest.json".to_string()]
}

fn default_high_risk() -> Vec<String> {
    ["shell", "docker", "database", "filesystem", "browser"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn default_server_labels() -> Vec<String> {
    vec!["mcp.server".into(), "com.mcp.type".into()]
}
fn default_role_labels() -> Vec<String> {
    vec!["mcp.role".into(), "com.mcp.role".into()]
}

impl Default for Config {
    fn default() -> Self {
        serde_saphyr::from_str("{}").expect("empty config is valid")
    }
}

impl Config {
    pub fn load(path: &Path) -> Result<Config> {
        // The config may come with the (untrusted) tree being scanned: read it bounded.
        let bytes = crate::source::read_bounded(path, MAX_CONFIG_SIZE)
            .map_err(|e| anyhow::anyhow!(e))
            .with_context(|| format!("cannot read config {}", path.display()))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| anyhow::anyhow!("{}: not valid UTF-8", path.display()))?;
        let mut c: Config = if text.trim().is_empty() {
            Config::default()
        } else {
            serde_saphyr::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        };
        c.base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        c.path = Some(path.to_path_buf());
        c.validate().with_context(|| path.display().to_string())?;
        // A config file can come with the tree being scanned: its `policies:` may only
        // name directories beside it, not code elsewhere on the machine (`--policy`
        // on the command line can).
        let base = std::fs::canonicalize(&c.base_dir).unwrap_or_else(|_| c.base_dir.clone());
        for p in &c.policies {
            let full = std::fs::canonicalize(c.base_dir.join(p))
                .with_context(|| format!("{}: policies entry {}", path.display(), p.display()))?;
            if !full.starts_with(&base) {
                anyhow::bail!(
                    "{}: policies entry {} lies outside the config file's directory; pass it with --policy instead",
                    path.display(),
                    p.display()
                );
            }
        }
        Ok(c)
    }

    /// The config for a scan of `root`: the first config file found in `root` or
    /// one of its ancestors, or the defaults.
    pub fn discover(root: &Path) -> Result<Config> {
        let start = if root.is_file() {
            root.parent().map(Path::to_path_buf).unwrap_or_default()
        } else {
            root.to_path_buf()
        };
        let start = std::fs::canonicalize(&start).unwrap_or(start);
        for dir in start.ancestors() {
            for n in CONFIG_NAMES {
                let p = dir.join(n);
                if p.is_file() {
                    return Config::load(&p);
                }
            }
        }
        Ok(Config {
            base_dir: start,
            ..Config::default()
        })
    }
}

impl Config {
    /// The waivers with their locations in the config file, judged against `today`.
    pub fn waivers_at(
        &self,
        today: &str,
        show: &dyn Fn(&Path) -> String,
    ) -> Vec<crate::suppress::WaiverAt> {
        let mut locs = Vec::new();
        if let Some(p) = &self.path {
            if let Ok(bytes) = crate::source::read_bounded(p, MAX_CONFIG_SIZE) {
                let src = crate::source::SourceFile::from_bytes(p, show(p), &bytes);
                if let Ok(root) =
                    crate::parse::yaml::load(&src, &crate::parse::yaml::YamlLimits::default())
                {
                    if let Some(items) = root.get("waivers").and_then(|w| w.as_seq()) {
                        locs = items.iter().map(|i| src.loc(i.span)).collect();
                    }
                }
            }
        }
        self.waivers
            .iter()
            .enumerate()
            .map(|(i, w)| crate::suppress::WaiverAt {
                rule: w.rule.to_ascii_uppercase(),
                path: w.path.clone(),
                service: w.service.clone(),
                reason: w.reason.clone(),
                expired: w.expires.as_deref().is_some_and(|e| e < today),
                expires: w.expires.clone(),
                loc: locs.get(i).cloned().unwrap_or_else(|| {
                    crate::source::Loc::file_start(
                        self.path.as_deref().map(show).unwrap_or_default(),
                    )
                }),
            })
            .collect()
    }

    /// Check values serde cannot: dates, base images that say nothing.
    pub fn validate(&self) -> Result<()> {
        self.limits.validate()?;
        for b in &self.base_images {
            if b.image.trim().is_empty() {
                anyhow::bail!("`base_images`: an entry has an empty `image` pattern");
            }
            let blank = |v: &Option<String>| v.as_deref().is_none_or(|t| t.trim().is_empty());
            if b.healthcheck
                .as_deref()
                .is_some_and(|t| t.trim().is_empty())
            {
                anyhow::bail!(
                    "`base_images` entry {:?}: `healthcheck` is empty (give the image's HEALTHCHECK test)",
                    b.image
                );
            }
            if blank(&b.user) && b.accounts.is_empty() && blank(&b.healthcheck) {
                anyhow::bail!(
                    "`base_images` entry {:?} gives none of `user`, `accounts` and `healthcheck`",
                    b.image
                );
            }
        }
        for g in &self.manifest_paths {
            if let Err(e) = globset::Glob::new(&g.replace("{name}", "name")) {
                anyhow::bail!("`manifest_paths`: {g:?} is not a glob: {}", e.kind());
            }
        }
        for w in &self.waivers {
            if let Some(e) = &w.expires {
                if !crate::suppress::is_date(e) {
                    anyhow::bail!(
                        "waiver for {}: `expires: {e}` is not a YYYY-MM-DD date",
                        w.rule
                    );
                }
            }
        }
        Ok(())
    }
}

/// `*` matches any run of characters (`/` included); everything else itself.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return pattern == text;
    };
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    for p in middle {
        match rest.find(p) {
            Some(pos) => rest = &rest[pos + p.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// Match an image against a pattern with `*` wildcards and `{name}` captures.
/// Returns the value of `{name}` (empty when the pattern has none).
pub fn match_image(pattern: &str, image: &str) -> Option<String> {
    fn go(p: &str, s: &str, cap: &mut Option<String>) -> bool {
        if let Some(rest) = p.strip_prefix("{name}") {
            let seg_end = s.find(['/', ':', '@']).unwrap_or(s.len());
            for end in (1..=seg_end).rev() {
                if go(rest, &s[end..], cap) {
                    *cap = Some(s[..end].to_string());
                    return true;
                }
            }
            return false;
        }
        if let Some(rest) = p.strip_prefix('*') {
            return (0..=s.len())
                .filter(|&i| s.is_char_boundary(i))
                .any(|i| go(rest, &s[i..], cap));
        }
        match (p.chars().next(), s.chars().next()) {
            (None, None) => true,
            (Some(pc), Some(sc)) if pc == sc => go(&p[pc.len_utf8()..], &s[sc.len_utf8()..], cap),
            _ => false,
        }
    }
    let mut cap = None;
    // Bound the work on hostile patterns/images.
    if pattern.len() > 512 || image.len() > 1024 {
        return None;
    }
    if go(pattern, image, &mut cap) {
        Some(cap.unwrap_or_default())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_patterns() {
        assert_eq!(
            match_image(
                "localhost:5000/idp/{name}:*",
                "localhost:5000/idp/github-mcp:latest"
            )
            .as_deref(),
            Some("github-mcp")
        );
        assert_eq!(
            match_image(
                "localhost:5000/idp/mcp-hub:*",
                "localhost:5000/idp/mcp-hub:2.0"
            )
            .as_deref(),
            Some("")
        );
        assert!(match_image("localhost:5000/idp/{name}:*", "docker.io/x:1").is_none());
        assert!(match_image("mcp/*", "mcp/github").is_some());
        assert!(match_image("*-mcp:*", "localhost:5000/idp/github-mcp:latest").is_some());
    }

    #[test]
    fn unknown_keys_rejected() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join(".mcp-audit.yaml");
        std::fs::write(&p, "image_mapp: []\n").unwrap();
        assert!(Config::load(&p).is_err());
        std::fs::write(&p, "image_map:\n  - image: 'a/{name}:*'\n    dockerfile: 's/{name}/Dockerfile'\nhubs: [mcp-hub]\n").unwrap();
        let c = Config::load(&p).unwrap();
        assert_eq!(c.image_map.len(), 1);
        assert_eq!(c.base_dir, d.path());
    }

    #[test]
    fn base_images_say_something() {
        let load = |yaml: &str| -> Result<Config> {
            let c: Config = serde_saphyr::from_str(yaml)?;
            c.validate()?;
            Ok(c)
        };
        let c = load("base_images:\n  - {image: \"localhost:5000/idp/base-*\", user: mcp}\n  - {image: \"*\", accounts: [svc]}\n").unwrap();
        assert_eq!(c.base_images.len(), 2);
        let e = load("base_images: [{image: \"x/*\"}]\n").unwrap_err();
        assert!(
            e.to_string()
                .contains("none of `user`, `accounts` and `healthcheck`"),
            "{e}"
        );
        assert!(load("base_images: [{image: \" \", user: mcp}]\n").is_err());
        assert!(load("base_images: [{image: x, users: [mcp]}]\n").is_err());
        assert!(load("base_images: [{image: x, healthcheck: \" \"}]\n").is_err());
        let c = load("base_images: [{image: x, healthcheck: \"curl -f http://localhost/\"}]\n");
        assert!(c.is_ok());
        // From a file, the error names it.
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join(".mcp-audit.yaml");
        std::fs::write(&p, "base_images: [{image: \"x/*\"}]\n").unwrap();
        let e = format!("{:#}", Config::load(&p).unwrap_err());
        assert!(e.starts_with(&format!("{}: ", p.display())), "{e}");
    }

    /// `image_annotations`: every entry whose pattern matches the image, a later one
    /// winning; an entry with an unknown key is refused.
    #[test]
    fn image_annotations_by_pattern() {
        let c: Config = serde_saphyr::from_str(
            "image_annotations:\n  - image: 'ghcr.io/acme/*'\n    annotations: {a: one, b: two}\n  - image: 'ghcr.io/acme/weather:*'\n    annotations: {b: three}\n",
        )
        .unwrap();
        let got = c.annotations_of("ghcr.io/acme/weather:1.0");
        assert_eq!(
            got.iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
            [("a", "one"), ("b", "three")]
        );
        assert!(c.annotations_of("docker.io/mcp/fetch:1").is_empty());
        assert!(serde_saphyr::from_str::<Config>(
            "image_annotations:\n  - image: x\n    annotation: {a: b}\n"
        )
        .is_err());
    }

    #[test]
    fn manifest_paths_default_and_are_globs() {
        assert_eq!(
            Config::default().manifest_paths,
            ["**/servers/{name}/mcp-manifest.json"]
        );
        let c: Config = serde_saphyr::from_str("manifest_paths: [\"meta/{a,b/\"]\n").unwrap();
        let e = c.validate().unwrap_err().to_string();
        assert!(
            e.contains("`manifest_paths`: \"meta/{a,b/\" is not a glob"),
            "{e}"
        );
        let c: Config = serde_saphyr::from_str("manifest_paths: []\n").unwrap();
        assert!(c.validate().is_ok());
    }

    #[test]
    fn readme_configuration_example_is_valid() {
        let readme = include_str!("../README.md");
        let section = readme
            .split("### Configuration: `.mcp-audit.yaml`")
            .nth(1)
            .expect("README has the configuration section");
        let yaml = section
            .split("```yaml\n")
            .nth(1)
            .and_then(|b| b.split("```").next())
            .expect("the section has a YAML block");
        let c: Config = serde_saphyr::from_str(yaml).unwrap_or_else(|e| panic!("{e}"));
        c.validate().unwrap();
        assert_eq!(c.base_images[0].user.as_deref(), Some("mcp"));
    }

    #[test]
    fn limits_have_defaults_bounds_and_reject_unknown_keys() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join(".mcp-audit.yaml");
        std::fs::write(&p, "hubs: []\n").unwrap();
        assert_eq!(Config::load(&p).unwrap().limits, Limits::default());
        std::fs::write(&p, "limits:\n  max_file_size: 1024\n  yaml_max_depth: 16\n").unwrap();
        let c = Config::load(&p).unwrap();
        assert_eq!(c.limits.max_file_size, 1024);
        assert_eq!(c.limits.yaml().max_depth, 16);
        assert_eq!(c.limits.yaml().max_bytes, 1024);
        assert_eq!(c.limits.interpolation_max_depth, 32);
        std::fs::write(&p, "limits:\n  yaml_max_dept: 16\n").unwrap();
        assert!(Config::load(&p).is_err());
        std::fs::write(&p, "limits:\n  yaml_max_depth: 100000\n").unwrap();
        let e = format!("{:#}", Config::load(&p).unwrap_err());
        assert!(e.contains("limits.yaml_max_depth"), "{e}");
        std::fs::write(&p, "limits:\n  max_file_size: 0\n").unwrap();
        assert!(Config::load(&p).is_err());
    }
}
