//! Resolution: from parsed files to units, each with the Rego input document of its
//! *effective* container (Compose over Dockerfile, overrides over base, the target
//! stage and its ancestry, the manifest beside the Dockerfile).

pub mod context;
pub mod input;
pub mod project;
pub mod shell;
pub mod stage;

use crate::rego_value::SharedDoc;
pub use input::{
    ComposeParts, Deferred, Doc, Effective, EffectiveHealth, EffectiveMemory, EffectiveUser,
    EnvFileView, Field, Input, MetadataParts, Shared, Unit,
};

use crate::config::{match_image, Config};
use crate::model::{parse_memory, Service, Val};
use crate::parse::compose::{loc_json, CNode, CVal, ComposeFile, Var};
use crate::parse::dockerfile::{self, Dockerfile};
use crate::parse::metadata::Metadata;
use crate::source::{Loc, SourceFile};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};
use stage::DockerfileView;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A parsed Dockerfile with its source.
pub struct ParsedDockerfile {
    pub src: Arc<SourceFile>,
    pub df: Dockerfile,
}

/// A Dockerfile found by the walk: what its first reading learned (its parse errors
/// are reported from there), and the parsed file, read and parsed again on first use.
/// Only the Dockerfiles that Compose services, `image_map` or a `server.json` point at
/// are used here; the others become standalone units, read again when evaluated.
/// Holding every parsed file of a large scan until then cost memory, and time that
/// grew faster than the input (parse phase: 64 ms for 6,833 Dockerfiles, 707 ms for
/// four times as many).
pub struct DockerfileEntry {
    pub path: PathBuf,
    pub display: String,
    /// Size of the first reading.
    pub len: u64,
    /// Does the file define a build stage (a `FROM`)?
    pub has_stages: bool,
    /// Did the first reading have parse errors (reported already)?
    pub has_errors: bool,
    parsed: std::sync::OnceLock<Option<ParsedDockerfile>>,
}

impl DockerfileEntry {
    /// The entry of a file just parsed (the parse is dropped: see [`DockerfileEntry`]).
    pub fn new(src: &SourceFile, df: &Dockerfile) -> DockerfileEntry {
        DockerfileEntry {
            path: src.path.clone(),
            display: src.display.to_string(),
            len: src.text.len() as u64,
            has_stages: !df.stages().is_empty(),
            has_errors: !df.errors.is_empty(),
            parsed: std::sync::OnceLock::new(),
        }
    }

    /// A bound on the file's size when it is read again (the file was accepted once).
    pub fn max_len(&self) -> u64 {
        self.len * 4 + 4096
    }

    /// The parsed file; `None` when it cannot be read again (it vanished or turned
    /// into something else since the first reading).
    pub fn parsed(&self) -> Option<&ParsedDockerfile> {
        self.parsed
            .get_or_init(|| {
                let bytes = crate::source::read_bounded(&self.path, self.max_len()).ok()?;
                let src = SourceFile::from_bytes(&self.path, self.display.clone(), &bytes);
                let df = dockerfile::parse(&src);
                Some(ParsedDockerfile {
                    src: Arc::new(src),
                    df,
                })
            })
            .as_ref()
    }
}

/// Everything the parse stage produced.
#[derive(Default)]
pub struct Parsed {
    /// Keyed by path as discovered (and by canonical path, for lookups).
    pub dockerfiles: BTreeMap<PathBuf, DockerfileEntry>,
    pub composes: Vec<(PathBuf, ComposeFile)>,
    pub metadata: Vec<(PathBuf, Arc<Metadata>)>,
    pub clients: Vec<crate::parse::client::ClientConfig>,
    pub workloads: Vec<crate::parse::k8s::Workload>,
    /// Files (or parts of files) that could not be parsed.
    pub file_errors: Vec<FileErrors>,
    /// Which files referenced from scanned files may be read, and how much of them.
    pub fence: ReadFence,
}

/// Bounds on reading files that scanned files point at (`env_file:`, a Compose
/// `build.dockerfile` that was not discovered): only regular files inside the scan
/// roots (after resolving symbolic links), at most `max_file_size` bytes.
#[derive(Clone, Debug)]
pub struct ReadFence {
    /// Canonical directories; empty means no containment check (library callers that
    /// build a `Parsed` by hand).
    pub roots: Vec<PathBuf>,
    pub max_file_size: u64,
}

impl Default for ReadFence {
    fn default() -> Self {
        ReadFence {
            roots: Vec::new(),
            max_file_size: 16 * 1024 * 1024,
        }
    }
}

impl ReadFence {
    /// Read `path` if the fence allows it; the error says why not.
    pub fn read(&self, path: &Path) -> Result<Vec<u8>, String> {
        if !self.roots.is_empty() && !crate::source::within(path, &self.roots) {
            return Err(if path.exists() {
                "is outside the scanned directory (not read)".into()
            } else {
                "does not exist".into()
            });
        }
        crate::source::read_bounded(path, self.max_file_size)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ErrorAt {
    pub message: String,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct FileErrors {
    pub file: String,
    pub format: &'static str,
    pub errors: Vec<ErrorAt>,
}

impl FileErrors {
    /// The parse errors of a Dockerfile, if it has any.
    pub fn of_dockerfile(src: &SourceFile, df: &Dockerfile) -> Option<FileErrors> {
        (!df.errors.is_empty()).then(|| FileErrors {
            file: src.display.to_string(),
            format: "dockerfile",
            errors: df
                .errors
                .iter()
                .map(|e| ErrorAt {
                    message: e.message.clone(),
                    loc: src.loc(e.span),
                })
                .collect(),
        })
    }
}

/// What a unit is, for scoring and reporting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    McpServer,
    Hub,
    SupportingService,
    StandaloneDockerfile,
    MetadataFile,
    /// One server entry of an MCP client configuration.
    ClientEntry,
    K8sWorkload,
    SourceFile,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::McpServer => "mcp-server",
            Role::Hub => "hub",
            Role::SupportingService => "supporting-service",
            Role::StandaloneDockerfile => "standalone-dockerfile",
            Role::MetadataFile => "metadata-file",
            Role::ClientEntry => "client-entry",
            Role::K8sWorkload => "k8s-workload",
            Role::SourceFile => "source-file",
        }
    }
}

const SERVER_IMAGE_PATTERNS: &[&str] = &["mcp/*", "*mcp-server*", "*-mcp", "*-mcp:*", "*-mcp@*"];
const HUB_IMAGE_PATTERNS: &[&str] = &["docker/mcp-gateway*", "*mcp-gateway*", "*mcp-hub*"];

fn lookup_dockerfile<'a>(
    parsed: &'a Parsed,
    extra: &'a BTreeMap<PathBuf, ParsedDockerfile>,
    path: &Path,
) -> Option<&'a ParsedDockerfile> {
    let norm = normalize(path);
    parsed
        .dockerfiles
        .get(&norm)
        .and_then(DockerfileEntry::parsed)
        .or_else(|| extra.get(&norm))
}

/// An absolute, lexically normalised path: the one key every file is known by, so
/// that a Dockerfile found by the walk and the same file named by `build:` or
/// `image_map` are one file.
pub fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        normalize(p)
    } else {
        normalize(
            &std::env::current_dir()
                .map(|d| d.join(p))
                .unwrap_or_else(|_| p.to_path_buf()),
        )
    }
}

pub use crate::source::normalize;

/// How a service found (or did not find) its Dockerfile.
struct Binding {
    path: Option<PathBuf>,
    inline: Option<(Arc<SourceFile>, Dockerfile)>,
    target: Option<String>,
    /// Why no Dockerfile was bound.
    opaque_reason: Option<String>,
    via: &'static str,
}

fn bind(svc: &Service, compose_dir: &Path, config: &Config, compose_file: &str) -> Binding {
    if let Some(b) = &svc.build {
        let target = b.target.as_ref().map(|t| t.value.clone());
        if let Some(inline) = &b.dockerfile_inline {
            let display = format!("{compose_file}:{} (dockerfile_inline)", inline.loc.line);
            let src = Arc::new(SourceFile::new(
                PathBuf::from(&display),
                display,
                Arc::from(inline.value.as_str()),
            ));
            let df = dockerfile::parse(&src);
            return Binding {
                path: None,
                inline: Some((src, df)),
                target,
                opaque_reason: None,
                via: "build.dockerfile_inline",
            };
        }
        let ctx = b
            .context
            .as_ref()
            .map(|c| c.value.clone())
            .unwrap_or_else(|| ".".into());
        if remote_context(&ctx) {
            return Binding {
                path: None,
                inline: None,
                target,
                opaque_reason: Some(format!("build context {ctx:?} is remote")),
                via: "build",
            };
        }
        let df_name = b
            .dockerfile
            .as_ref()
            .map(|d| d.value.clone())
            .unwrap_or_else(|| "Dockerfile".into());
        let ctx_dir = compose_dir.join(&ctx);
        let path = if Path::new(&df_name).is_absolute() {
            PathBuf::from(&df_name)
        } else {
            ctx_dir.join(&df_name)
        };
        return Binding {
            path: Some(absolute(&path)),
            inline: None,
            target,
            opaque_reason: None,
            via: "build",
        };
    }
    if let Some(img) = &svc.image {
        for m in &config.image_map {
            if let Some(name) = match_image(&m.image, &img.value) {
                let rel = m.dockerfile.replace("{name}", &name);
                return Binding {
                    path: Some(absolute(&config.base_dir.join(rel))),
                    inline: None,
                    target: m.target.clone(),
                    opaque_reason: None,
                    via: "image_map",
                };
            }
        }
        return Binding {
            path: None,
            inline: None,
            target: None,
            opaque_reason: Some(format!(
                "image {:?} is not built here and no `image_map` entry maps it to a Dockerfile",
                svc.image_written.as_ref().unwrap_or(&img.value)
            )),
            via: "none",
        };
    }
    Binding {
        path: None,
        inline: None,
        target: None,
        opaque_reason: Some("service has neither `build` nor `image`".into()),
        via: "none",
    }
}

fn role_of(svc: &Service, view: Option<&DockerfileView>, config: &Config) -> Role {
    let image = svc.image.as_ref().map(|i| i.value.as_str()).unwrap_or("");
    let name_or_image = |pats: &[String]| {
        pats.iter()
            .any(|p| p == &svc.name || (!image.is_empty() && match_image(p, image).is_some()))
    };
    // The container's labels: the service's, then `build.labels`, then the image's
    // Dockerfile `LABEL`s.
    let label = |k: &str| -> Option<&str> {
        svc.labels
            .get(k)
            .or_else(|| svc.build.as_ref().and_then(|b| b.labels.get(k)))
            .map(|v| v.value.as_str())
            .or_else(|| view.and_then(|v| v.labels.get(k)).map(|v| v.value.as_str()))
    };
    if name_or_image(&config.hubs) {
        return Role::Hub;
    }
    for k in &config.label_aliases.role {
        if let Some(v) = label(k) {
            if matches!(v.to_ascii_lowercase().as_str(), "hub" | "gateway") {
                return Role::Hub;
            }
        }
    }
    if !image.is_empty()
        && HUB_IMAGE_PATTERNS
            .iter()
            .any(|p| match_image(p, image).is_some())
    {
        return Role::Hub;
    }
    if name_or_image(&config.servers)
        || config
            .label_aliases
            .server
            .iter()
            .any(|k| label(k).is_some())
        || (!image.is_empty()
            && SERVER_IMAGE_PATTERNS
                .iter()
                .any(|p| match_image(p, image).is_some()))
        || view.is_some_and(|v| v.labels.contains_key("io.modelcontextprotocol.server.name"))
    {
        return Role::McpServer;
    }
    Role::SupportingService
}

fn indeterminate(control: &str, rules: &[&str], reason: String, loc: &Loc) -> Value {
    json!({"control": control, "rules": rules, "reason": reason, "loc": loc_json(loc)})
}

/// The directories whose MCP metadata (`mcp-manifest.json`, registry `server.json`)
/// declares the stdio transport and no other, with the file that says so: a Dockerfile
/// there builds a per-call stdio server (MCP-DF-002 does not apply to it). A
/// `server.json` is read by its OCI package's transport (else its first package's).
fn stdio_declarations(metadata: &[(PathBuf, Arc<Metadata>)]) -> HashMap<&Path, String> {
    let mut by_dir: HashMap<&Path, Option<String>> = HashMap::new();
    for (path, m) in metadata {
        let (Some(dir), Some(t)) = (path.parent(), m.transport.as_deref()) else {
            continue;
        };
        if !matches!(m.format, "mcp-manifest" | "registry-server") {
            continue;
        }
        let stdio = t.eq_ignore_ascii_case("stdio");
        by_dir
            .entry(dir)
            .and_modify(|e| {
                if !stdio {
                    *e = None;
                }
            })
            .or_insert_with(|| stdio.then(|| m.file.clone()));
    }
    by_dir
        .into_iter()
        .filter_map(|(d, f)| Some((d, f?)))
        .collect()
}

/// Whether `allowed_registries` holds an entry, so that MCP-SC-002 applies.
fn registry_allowlist(config: &Config) -> bool {
    config
        .allowed_registries
        .iter()
        .any(|p| !p.trim().is_empty())
}

/// EC-004 entries for the external `FROM` lines of a Dockerfile that do not resolve:
/// MCP-SC-001 is undecided unless the tag is written after the unset variable
/// (`${REGISTRY}/node:22`), MCP-SC-002 (under an allowlist) unless the registry is
/// written before it (`ghcr.io/acme/${NAME}`).
fn unresolved_bases(view: &DockerfileView, allowlist: bool, indet: &mut Vec<Value>) {
    for f in view
        .from
        .iter()
        .filter(|f| f.indeterminate && f.kind == "external")
    {
        let mut rules = Vec::new();
        if !f.pin_fixed {
            rules.push("MCP-SC-001");
        }
        if allowlist && f.registry_head.is_none() {
            rules.push("MCP-SC-002");
        }
        if !rules.is_empty() {
            indet.push(indeterminate(
                "base image",
                &rules,
                format!("`FROM {}` of stage {:?} does not resolve", f.image, f.stage),
                &f.loc,
            ));
        }
    }
}

fn unresolved_names(v: &Val) -> String {
    unset_names(&v.vars)
}

/// "`${X}` is not set and has no default" for each unresolved variable of `vars`.
fn unset_names(vars: &[Var]) -> String {
    vars.iter()
        .filter(|x| x.unresolved())
        .map(|x| match x.origin {
            "required" => format!("${{{}}} is required at deploy time", x.name),
            _ => format!("${{{}}} is not set and has no default", x.name),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// EC-004 entries for the Compose fields other than user, image, healthcheck and
/// memory (those [`effective`] and the image check decide) whose value an unset
/// variable leaves undecided (the catalog's list: `privileged`, `read_only`, the CPU
/// limit, `security_opt`, `ports`, `volumes`, `mcp.*` labels; and `use_api_socket`):
/// the rules that read them report indeterminate, not pass.
fn unresolved_controls(svc: &Service, indet: &mut Vec<Value>) {
    let mut push = |control: &str, rules: &[&str], vars: &[Var], loc: &Loc| {
        indet.push(indeterminate(control, rules, unset_names(vars), loc));
    };
    if let Some(b) = svc.privileged.as_ref().filter(|b| b.indeterminate) {
        push("privileged", &["MCP-CS-001"], &b.unset, &b.loc);
    }
    if let Some(b) = svc.use_api_socket.as_ref().filter(|b| b.indeterminate) {
        push(
            "use_api_socket",
            &["MCP-CS-002", "MCP-CS-003"],
            &b.unset,
            &b.loc,
        );
    }
    if let Some(b) = svc.read_only.as_ref().filter(|b| b.indeterminate) {
        push("read_only", &["MCP-CS-009"], &b.unset, &b.loc);
    }
    for c in [&svc.cpus_deploy, &svc.cpus, &svc.cpu_quota]
        .into_iter()
        .flatten()
        .filter(|c| c.indeterminate)
    {
        push("CPU limit", &["MCP-CS-005"], &c.vars, &c.loc);
    }
    for o in svc.security_opt.iter().filter(|o| o.indeterminate) {
        push(
            "security_opt",
            &["MCP-CS-006", "MCP-CS-011"],
            &o.vars,
            &o.loc,
        );
    }
    // (An unresolved host or container port still publishes: only the host IP, which
    // says on which interfaces, is undecided.)
    for p in svc.ports.iter().filter(|p| p.host_ip_indeterminate) {
        push(
            "published port",
            &["MCP-CS-013", "MCP-CS-014"],
            &p.unset,
            &p.loc,
        );
    }
    for m in svc.volumes.iter().filter(|m| m.indeterminate) {
        push("volume", &["MCP-CS-002", "MCP-CS-012"], &m.unset, &m.loc);
    }
    // `mcp.*` labels (the service's, or `build.labels` it does not override): the
    // metadata rules that read one leave it undecided.
    let build_labels = svc.build.iter().flat_map(|b| &b.labels);
    for (key, l) in svc
        .labels
        .iter()
        .chain(build_labels.filter(|(k, _)| !svc.labels.contains_key(*k)))
        .filter(|(k, l)| k.starts_with("mcp.") && l.indeterminate)
    {
        let rules: &[&str] = match key.as_str() {
            "mcp.server" => &["MCP-MD-001"],
            "mcp.governance.level" => &["MCP-MD-002"],
            "mcp.governance.audit" => &["MCP-MD-003"],
            "mcp.owner" => &["MCP-MD-005"],
            _ => &[],
        };
        push(&format!("label {key}"), rules, &l.vars, &l.loc);
    }
}

/// The effective user, healthcheck and memory limit of a service.
fn effective(
    svc: &Service,
    view: Option<&DockerfileView>,
    opaque: Option<&str>,
    indet: &mut Vec<Value>,
) -> Effective {
    // --- user
    let user = if let Some(u) = &svc.user {
        let (uid, root) = stage::user_is_root(&u.value);
        if u.indeterminate {
            indet.push(indeterminate(
                "user",
                &["MCP-EC-001"],
                unresolved_names(u),
                &u.loc,
            ));
        }
        let mut from: Vec<Loc> = u.defined.iter().map(|l| (**l).clone()).collect();
        if let Some(v) = view {
            from.push(v.user.loc.clone());
        }
        EffectiveUser::Compose {
            value: u.value.clone(),
            uid,
            root: root && !u.indeterminate,
            indeterminate: u.indeterminate,
            source: "compose",
            loc: u.loc.clone(),
            from,
            overrides: view.map(|v| v.user.value.clone()),
        }
    } else if let Some(v) = view {
        if v.user.indeterminate {
            indet.push(indeterminate(
                "user",
                &["MCP-EC-001"],
                format!(
                    "`USER {}` does not resolve in stage {:?}",
                    v.user.value, v.user.stage
                ),
                &v.user.loc,
            ));
        }
        let source = match v.user.source {
            "USER" => "dockerfile",
            other => other,
        };
        // Provenance: earlier USER lines, then the service that runs the image.
        let mut from = v.user.from.clone();
        from.push(svc.loc.clone());
        EffectiveUser::Dockerfile {
            value: v.user.resolved.clone(),
            uid: v.user.uid.clone(),
            root: v.user.root,
            indeterminate: v.user.indeterminate,
            source,
            stage: v.user.stage.clone(),
            loc: v.user.loc.clone(),
            from,
        }
    } else {
        let reason = opaque.unwrap_or("no Dockerfile").to_string();
        indet.push(indeterminate(
            "user",
            &["MCP-EC-001"],
            format!("the image's USER is unknown: {reason}"),
            &svc.loc,
        ));
        EffectiveUser::Opaque {
            root: false,
            indeterminate: true,
            source: "opaque",
            loc: svc.loc.clone(),
            from: Vec::new(),
        }
    };

    // --- healthcheck
    let health = |present: bool, source: &'static str, loc: &Loc| EffectiveHealth {
        present,
        indeterminate: None,
        source,
        stage: None,
        reason: None,
        loc: loc.clone(),
        from: Vec::new(),
    };
    let off = |source: &'static str, reason: String, loc: &Loc, from: Vec<Loc>| EffectiveHealth {
        reason: Some(reason),
        from,
        ..health(false, source, loc)
    };
    let unknown = |loc: &Loc| EffectiveHealth {
        indeterminate: Some(true),
        ..health(false, "opaque", loc)
    };
    let image_hc = view.map(|v| &v.healthcheck);
    // The image's own check, when there is one, is what a Compose setting turned off.
    let image_present = || {
        image_hc
            .filter(|h| h.present)
            .map(|h| vec![h.loc.clone()])
            .unwrap_or_default()
    };
    let hc = match &svc.healthcheck {
        Some(h) if h.disable.as_ref().is_some_and(|d| d.value) => {
            let d = h.disable.as_ref().map(|d| &d.loc).unwrap_or(&h.loc);
            off(
                "compose",
                "`healthcheck.disable: true` turns the health check off".into(),
                d,
                image_present(),
            )
        }
        Some(h) if h.test_none => {
            let l = h.test.as_ref().map(|t| &t.loc).unwrap_or(&h.loc);
            off(
                "compose",
                "`healthcheck.test: [\"NONE\"]` turns the health check off".into(),
                l,
                image_present(),
            )
        }
        Some(h) if h.test.is_some() => {
            let t = h.test.as_ref().map(|t| &t.loc).unwrap_or(&h.loc);
            health(true, "compose", t)
        }
        Some(h) => match image_hc {
            Some(ih) if ih.present => EffectiveHealth {
                from: vec![h.loc.clone()],
                ..health(true, "dockerfile", &ih.loc)
            },
            Some(ih) => off(
                "compose",
                "the Compose healthcheck sets timings only and the image has no HEALTHCHECK test to inherit".into(),
                &h.loc,
                vec![ih.loc.clone()],
            ),
            None => {
                indet.push(indeterminate(
                    "healthcheck",
                    &["MCP-EC-002"],
                    format!(
                        "timing-only healthcheck on an image whose HEALTHCHECK is unknown: {}",
                        opaque.unwrap_or("")
                    ),
                    &h.loc,
                ));
                unknown(&h.loc)
            }
        },
        None => match image_hc {
            Some(ih) if ih.present => EffectiveHealth {
                stage: Some(ih.stage.clone()),
                ..health(true, "dockerfile", &ih.loc)
            },
            Some(ih) => {
                let reason = if ih.none {
                    format!(
                        "`HEALTHCHECK NONE` in Dockerfile stage {:?} and no Compose healthcheck",
                        ih.stage
                    )
                } else {
                    "neither the Compose service nor its Dockerfile target stage defines a healthcheck".to_string()
                };
                off("none", reason, &svc.loc, vec![ih.loc.clone()])
            }
            None => {
                indet.push(indeterminate(
                    "healthcheck",
                    &["MCP-EC-002"],
                    format!(
                        "the image's HEALTHCHECK is unknown: {}",
                        opaque.unwrap_or("")
                    ),
                    &svc.loc,
                ));
                unknown(&svc.loc)
            }
        },
    };

    // --- memory limit
    let mem = svc.memory_limit_deploy.as_ref().or(svc.mem_limit.as_ref());
    let memory = match mem {
        Some(m) => {
            if m.indeterminate {
                indet.push(indeterminate(
                    "memory limit",
                    &["MCP-CS-004"],
                    unresolved_names(m),
                    &m.loc,
                ));
            }
            let bytes = parse_memory(&m.value);
            EffectiveMemory::Set {
                set: true,
                value: m.value.clone(),
                bytes: bytes.map(|b| b as f64),
                valid: bytes.is_some_and(|b| b > 0),
                indeterminate: m.indeterminate,
                vars: m.vars.clone(),
                loc: m.loc.clone(),
                from: m.defined.iter().map(|l| (**l).clone()).collect(),
            }
        }
        None => EffectiveMemory::Unset {
            set: false,
            reservation_only: svc.memory_reservation.is_some(),
            loc: svc.loc.clone(),
            from: Vec::new(),
        },
    };
    Effective {
        user,
        healthcheck: hc,
        memory_limit: memory,
    }
}

/// One indeterminate entry per place and reason: an opaque image makes both USER and
/// HEALTHCHECK unknown, which is one fact for the reader.
fn merge_same_place(entries: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for e in entries {
        let reason_tail = |v: &Value| {
            v["reason"]
                .as_str()
                .and_then(|r| r.split_once(": ").map(|x| x.1.to_string()))
        };
        let found = out.iter_mut().find(|o| {
            o["loc"] == e["loc"] && reason_tail(o).is_some() && reason_tail(o) == reason_tail(&e)
        });
        match found {
            Some(o) => {
                let control = format!(
                    "{} and {}",
                    o["control"].as_str().unwrap_or(""),
                    e["control"].as_str().unwrap_or("")
                );
                let mut rules: Vec<Value> = o["rules"].as_array().cloned().unwrap_or_default();
                rules.extend(e["rules"].as_array().cloned().unwrap_or_default());
                o["control"] = Value::String(control.clone());
                o["rules"] = Value::Array(rules);
                if let Some(tail) = reason_tail(o) {
                    o["reason"] = Value::String(tail);
                }
            }
            None => out.push(e),
        }
    }
    out
}

/// A `build.args` value with an unset variable is passed as an empty string by Compose:
/// a USER that uses it is not known until deploy time.
fn unresolved_build_args(svc: &Service, v: &mut DockerfileView) {
    let Some(b) = &svc.build else { return };
    for (name, val) in &b.args {
        if val.indeterminate
            && (v.user.value.contains(&format!("${{{name}"))
                || v.user.value.contains(&format!("${name}")))
        {
            v.user.indeterminate = true;
            v.user.root = false;
        }
    }
}

/// Project-wide facts a service rule may need: networks (internal or not), top-level
/// secrets, and which services are hubs.
fn project_info(
    files: &[&ComposeFile],
    services: &[project::MergedService],
    networks: &BTreeMap<String, CNode>,
    compose_dir: &Path,
    completed: &BTreeSet<String>,
    config: &Config,
) -> Value {
    let nets: serde_json::Map<String, Value> = networks
        .iter()
        .map(|(name, n)| {
            let internal = n.get("internal").and_then(CNode::truthy).unwrap_or(false);
            let external = n
                .get("external")
                .is_some_and(|e| e.truthy().unwrap_or(true));
            (
                name.clone(),
                json!({"internal": internal, "external": external, "loc": loc_json(&n.loc)}),
            )
        })
        .collect();
    let mut secrets = serde_json::Map::new();
    for f in files {
        if let Some(sec) = f.root.get("secrets") {
            for (k, v) in sec.map() {
                let file = v.get("file");
                let local = file
                    .and_then(CNode::text)
                    .and_then(|f| secret_file_state(compose_dir, &f));
                secrets.insert(
                    k.name.clone(),
                    json!({"file": file.and_then(CNode::text), "environment": v.get("environment").and_then(CNode::text),
                           "external": v.get("external").and_then(CNode::truthy).unwrap_or(false), "loc": loc_json(&k.loc),
                           "file_loc": file.map(|f| loc_json(&f.loc)), "local": local}),
                );
            }
        }
    }
    // Top-level `configs:` written inline (`content:`), with the credential-shaped
    // strings the content holds (MCP-SE-001 on the services granted them).
    let mut configs = serde_json::Map::new();
    for f in files {
        if let Some(cfg) = f.root.get("configs") {
            for (k, v) in cfg.map() {
                let Some(content) = v.get("content") else {
                    continue;
                };
                let found: Vec<Value> = content
                    .text()
                    .map(|t| crate::secrets::find_in_text(&t))
                    .unwrap_or_default()
                    .into_iter()
                    .map(|kind| json!({"kind": kind, "loc": loc_json(&content.loc)}))
                    .collect();
                configs.insert(
                    k.name.clone(),
                    json!({"loc": loc_json(&k.loc), "content_secrets": found}),
                );
            }
        }
    }
    let mut hubs: Vec<String> = Vec::new();
    // The services that claim each server identity (`mcp.server` or an alias, on the
    // service or in `build.labels`), for MCP-MD-001's duplicate check. A copy that only
    // runs under a profile (`--profile dev`) and a one-shot job of the server (a
    // migration, a seed) share the identity by design.
    let mut claims: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for m in services {
        let svc = Service::from_node(&m.key, &m.node, &config.placeholders);
        if role_of(&svc, None, config) == Role::Hub {
            hubs.push(m.key.name.clone());
        }
        let job = svc
            .labels
            .get("mcp.job")
            .is_some_and(|v| v.value.eq_ignore_ascii_case("true"))
            || one_shot(&svc, completed);
        if job || m.node.get("profiles").is_some() {
            continue;
        }
        let build_labels = svc.build.as_ref().map(|b| &b.labels);
        let identity = config.label_aliases.server.iter().find_map(|k| {
            svc.labels
                .get(k)
                .or_else(|| build_labels.and_then(|l| l.get(k)))
        });
        if let Some(v) = identity.filter(|v| !v.indeterminate && !v.value.trim().is_empty()) {
            claims
                .entry(v.value.trim().to_string())
                .or_default()
                .push(m.key.name.as_str());
        }
    }
    claims.retain(|_, names| names.len() > 1);
    let names: Vec<&str> = services.iter().map(|m| m.key.name.as_str()).collect();
    json!({"networks": nets, "secrets": secrets, "configs": configs, "hubs": hubs, "services": names,
           "server_identities_claimed_twice": claims})
}

/// A job run to completion: another service waits for its success
/// (`service_completed_successfully`) and it is not restarted.
fn one_shot(svc: &Service, completed: &BTreeSet<String>) -> bool {
    completed.contains(&svc.name) && svc.restart.as_ref().is_none_or(|r| r.value == "no")
}

/// Where a secret's `file:` stands in the working tree (MCP-SE-004): `{exists,
/// gitignored}` for a relative path inside the repository (the nearest ancestor of
/// the Compose directory that holds `.git`, else the Compose directory). `None` for
/// an absolute or home path (a file of the deploy host), or one outside the tree.
fn secret_file_state(compose_dir: &Path, file: &str) -> Option<Value> {
    if file.is_empty() || file.starts_with('~') || Path::new(file).is_absolute() {
        return None;
    }
    let path = normalize(&compose_dir.join(file));
    let root = repo_root(compose_dir);
    if !path.starts_with(root) {
        return None;
    }
    Some(json!({"exists": path.is_file(), "gitignored": gitignored(root, &path)}))
}

/// The repository `dir` is in: its nearest ancestor that holds `.git`, else `dir`.
fn repo_root(dir: &Path) -> &Path {
    dir.ancestors()
        .find(|a| a.join(".git").exists())
        .unwrap_or(dir)
}

/// Whether the repository's `.gitignore` files ignore `path`, as git decides: a file
/// under an ignored directory is ignored (git does not look inside it, so no
/// negation re-includes it); otherwise the deepest `.gitignore` with a matching
/// pattern decides.
fn gitignored(root: &Path, path: &Path) -> bool {
    let parents: Vec<&Path> = path
        .ancestors()
        .skip(1)
        .take_while(|a| a.starts_with(root) && *a != root)
        .collect();
    parents
        .iter()
        .rev()
        .any(|dir| ignore_decision(root, dir, true) == Some(true))
        || ignore_decision(root, path, false) == Some(true)
}

/// What the deepest `.gitignore` between `path`'s directory and `root` that has a
/// matching pattern says: `Some(true)` ignored, `Some(false)` re-included (`!…`).
fn ignore_decision(root: &Path, path: &Path, is_dir: bool) -> Option<bool> {
    for dir in path.ancestors().skip(1) {
        let (gi, _) = ignore::gitignore::Gitignore::new(dir.join(".gitignore"));
        let m = gi.matched(path, is_dir);
        if m.is_ignore() {
            return Some(true);
        }
        if m.is_whitelist() {
            return Some(false);
        }
        if dir == root || !dir.starts_with(root) {
            break;
        }
    }
    None
}

/// The settings policies may read.
pub(crate) fn config_json(config: &Config) -> Value {
    json!({"allowed_registries": config.allowed_registries, "high_risk_classes": config.high_risk_classes,
           "require_digest": config.require_digest, "socket_proxies": config.socket_proxies,
           "hub": config.hub, "auto_approve_allowlist": config.auto_approve_allowlist,
           "allowed_capabilities": config.allowed_capabilities,
           "placeholder_pattern": config.placeholders.regex(),
           "allowed_bind_roots": config.allowed_bind_roots, "daemon_log_rotation": config.daemon_log_rotation,
           "manifest_paths": config.manifest_paths})
}

/// An `env_file` read once for every service of its project that loads it.
struct EnvFile {
    display: String,
    read: Result<EnvEntries, String>,
    /// A `.gitignore` of the repository keeps it out (decided once per file).
    gitignored: bool,
}

struct EnvEntries {
    /// The entries, each that a later line of the file sets again marked `overridden`:
    /// one document shared by the services whose later files do not set its keys.
    shared: SharedDoc,
    keys: std::collections::HashSet<String>,
}

/// Read and parse an `env_file` (values classified and redacted as secrets are).
fn read_env_file(
    path: &Path,
    show: &dyn Fn(&Path) -> String,
    fence: &ReadFence,
    placeholders: &crate::secrets::Placeholders,
) -> EnvFile {
    let display = show(path);
    let bytes = match fence.read(path) {
        Ok(b) => b,
        Err(e) => {
            return EnvFile {
                display,
                read: Err(e.to_string()),
                gitignored: false,
            }
        }
    };
    let src = SourceFile::from_bytes(path, display.clone(), &bytes);
    let (entries, _) = crate::parse::interpolate::parse_dotenv(&src.text);
    let mut entries: Vec<Value> = entries
        .into_iter()
        .map(|e| {
            let loc = src.loc(src.line_span(e.line));
            let v = crate::model::protect(
                &e.key,
                Val {
                    value: e.value,
                    loc,
                    vars: vec![],
                    indeterminate: false,
                    defined: None,
                    secret: None,
                    secret_name: None,
                },
                placeholders,
            );
            let secret_name = crate::secrets::secret_name(&e.key);
            json!({"key": e.key, "value": v.value, "secret": v.secret, "secret_name": secret_name,
                   "loc": loc_json(&v.loc)})
        })
        .collect();
    let keys = mark_overridden(&mut entries, &Default::default());
    EnvFile {
        display,
        read: Ok(EnvEntries {
            shared: SharedDoc::new(Value::Array(entries)),
            keys,
        }),
        gitignored: false,
    }
}

/// Mark with `"overridden": true` each entry that a later entry, or a key of `later`
/// (set by a later file), sets again: the last one wins. Done here, in one pass, so
/// that the policies need not compare every entry with every other. Returns the keys.
fn mark_overridden(
    entries: &mut [Value],
    later: &std::collections::HashSet<&str>,
) -> std::collections::HashSet<String> {
    let mut seen = std::collections::HashSet::new();
    for e in entries.iter_mut().rev() {
        let key = e["key"].as_str().unwrap_or_default().to_string();
        if later.contains(key.as_str()) || seen.contains(&key) {
            e["overridden"] = Value::Bool(true);
        }
        seen.insert(key);
    }
    seen
}

/// `env_file:` contents: the container environment they add (never interpolation input).
/// A file whose keys no later file of the service sets again is the shared document.
fn env_files(
    svc: &Service,
    compose_dir: &Path,
    read: &std::collections::HashMap<PathBuf, EnvFile>,
) -> Vec<EnvFileView> {
    let files: Vec<Option<&EnvFile>> = svc
        .env_file
        .iter()
        .map(|f| read.get(&env_file_path(compose_dir, &f.value)))
        .collect();
    let mut out = Vec::new();
    for (i, (f, ef)) in svc.env_file.iter().zip(&files).enumerate() {
        let Some(ef) = ef else { continue };
        let loc = loc_json(&f.loc);
        let p = match &ef.read {
            Ok(p) => p,
            Err(e) => {
                out.push(EnvFileView {
                    file: ef.display.clone(),
                    exists: false,
                    gitignored: false,
                    error: Some(e.clone()),
                    loc,
                    entries: Field::Own(json!([])),
                });
                continue;
            }
        };
        let later: std::collections::HashSet<&str> = files[i + 1..]
            .iter()
            .flatten()
            .filter_map(|l| l.read.as_ref().ok())
            .flat_map(|l| l.keys.iter().map(String::as_str))
            .filter(|k| p.keys.contains(*k))
            .collect();
        let entries = if later.is_empty() {
            Field::Shared(p.shared.clone())
        } else {
            let mut own = p.shared.json().as_array().cloned().unwrap_or_default();
            mark_overridden(&mut own, &later);
            Field::Own(Value::Array(own))
        };
        out.push(EnvFileView {
            file: ef.display.clone(),
            exists: true,
            gitignored: ef.gitignored,
            error: None,
            loc,
            entries,
        });
    }
    out
}

fn env_file_path(compose_dir: &Path, value: &str) -> PathBuf {
    normalize(&compose_dir.join(value))
}

/// Redact secret values in the raw Compose view (`environment`, `build.args`): the
/// JSON-tree form of what `input::RawView` serializes, kept as its test's reference.
#[cfg(test)]
pub(crate) fn redact_raw(mut raw: Value) -> Value {
    fn fix(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    if k == "loc" || k == "key_locs" {
                        continue;
                    }
                    if let Value::String(s) = x {
                        redact_field(k, s);
                    } else {
                        fix(x);
                    }
                }
            }
            Value::Array(a) => {
                for x in a.iter_mut() {
                    if let Value::String(s) = x {
                        redact_item(s);
                    } else {
                        fix(x);
                    }
                }
            }
            _ => {}
        }
    }
    fix(&mut raw);
    raw
}

/// Redaction in the raw Compose view of a string under key `k`: a secret value (by its
/// name or shape, not a reference) is redacted.
pub(crate) fn redact_field(k: &str, s: &mut String) {
    if let Some(i) = crate::secrets::classify(k, s) {
        if i.credential || i.kind != "reference" {
            *s = crate::secrets::redact(s);
        }
    }
}

/// Redaction in the raw Compose view of a string in a list: `KEY=value` as
/// [`redact_field`], other text when it holds a credential.
pub(crate) fn redact_item(s: &mut String) {
    if let Some((k, val)) = s.split_once('=') {
        if let Some(i) = crate::secrets::classify(k, val) {
            if i.credential || i.kind != "reference" {
                *s = format!("{k}={}", crate::secrets::redact(val));
            }
        }
    } else if !crate::secrets::find_in_text(s).is_empty() {
        *s = crate::secrets::redact(s);
    }
}

/// The OCI label the MCP Registry checks against the `server.json` name.
const OWNERSHIP_LABEL: &str = "io.modelcontextprotocol.server.name";

/// An image a Compose service builds from a Dockerfile found here.
struct BuiltImage {
    service: String,
    image: String,
    dockerfile: PathBuf,
    target: Option<String>,
    build_args: BTreeMap<String, String>,
    /// `build.labels` as written (map or list form, with key locations).
    labels: Option<Value>,
}

/// The repository of an image reference: no tag, no digest, no `docker.io/` (`library/`).
fn image_repository(image: &str) -> String {
    let no_digest = image.split('@').next().unwrap_or(image);
    let repo = match no_digest.rfind(':') {
        Some(i) if !no_digest[i..].contains('/') => &no_digest[..i],
        _ => no_digest,
    };
    let repo = repo
        .strip_prefix("docker.io/")
        .or_else(|| repo.strip_prefix("index.docker.io/"))
        .unwrap_or(repo);
    repo.strip_prefix("library/")
        .unwrap_or(repo)
        .to_ascii_lowercase()
}

/// The Dockerfile that builds one of `images` (a registry `server.json`'s OCI package,
/// the image a client entry's `docker run` starts), in order: a Compose service here
/// that builds that image (`build:` + `image:` of the same repository), an `image_map`
/// entry, a `Dockerfile` in the directory `beside` (the `server.json`'s). A Dockerfile
/// that a Compose service builds is read with that service's build target, args and
/// `build.labels`. `{identifier, file, via, build: {labels, annotations (declared in
/// `image_annotations`)}, dockerfile: <target-stage view>}`, or `None` when no
/// Dockerfile is known.
fn image_dockerfile(
    images: &[String],
    beside: Option<&Path>,
    parsed: &Parsed,
    extra: &BTreeMap<PathBuf, ParsedDockerfile>,
    built: &[BuiltImage],
    config: &Config,
) -> Option<Value> {
    let no_args = BTreeMap::new();
    for identifier in images {
        let repo = image_repository(identifier);
        // (Dockerfile, target, via, the Compose build of that Dockerfile)
        let mut candidates: Vec<(PathBuf, Option<String>, String, Option<&BuiltImage>)> =
            Vec::new();
        for b in built.iter().filter(|b| image_repository(&b.image) == repo) {
            candidates.push((
                b.dockerfile.clone(),
                b.target.clone(),
                format!("Compose service {:?} builds {}", b.service, b.image),
                Some(b),
            ));
        }
        let built_from = |p: &Path| built.iter().find(|b| b.dockerfile == normalize(p));
        for e in &config.image_map {
            if let Some(name) = match_image(&e.image, identifier) {
                let p = absolute(&config.base_dir.join(e.dockerfile.replace("{name}", &name)));
                let b = built_from(&p);
                candidates.push((p, e.target.clone(), "image_map".into(), b));
            }
        }
        if let Some(dir) = beside.and_then(|p| absolute(p).parent().map(Path::to_path_buf)) {
            let p = dir.join("Dockerfile");
            let b = built_from(&p);
            let target = b.and_then(|b| b.target.clone());
            candidates.push((p, target, "Dockerfile beside server.json".into(), b));
        }
        for (df_path, target, via, b) in candidates {
            let Some(pd) = lookup_dockerfile(parsed, extra, &df_path) else {
                continue;
            };
            let args = b.map(|b| &b.build_args).unwrap_or(&no_args);
            let Ok(mut view) = stage::resolve(
                &pd.src,
                &pd.df,
                target.as_deref(),
                args,
                &config.base_images,
                &config.placeholders,
            ) else {
                continue;
            };
            // Without a declared target, a release stage that carries the ownership label
            // is the published one when the default (last) stage, often a dev stage, has none.
            let mut via = via;
            if target.is_none() && !view.labels.contains_key(OWNERSHIP_LABEL) {
                let labelled = view.stages.iter().rev().find_map(|st| {
                    stage::resolve(
                        &pd.src,
                        &pd.df,
                        Some(&st.name),
                        args,
                        &config.base_images,
                        &config.placeholders,
                    )
                    .ok()
                    .filter(|v| v.labels.contains_key(OWNERSHIP_LABEL))
                    .map(|v| (st.name.clone(), v))
                });
                if let Some((name, v)) = labelled {
                    via = format!(
                        "{via}; stage {name:?} carries the ownership label, the last stage does not"
                    );
                    view = v;
                }
            }
            let labels = b.and_then(|b| b.labels.clone()).unwrap_or(Value::Null);
            let annotations = config.annotations_of(identifier);
            return Some(
                json!({"identifier": identifier, "file": pd.src.display, "via": via,
                               "build": {"labels": labels, "annotations": annotations}, "dockerfile": view}),
            );
        }
    }
    None
}

/// The scanned metadata files by directory and format, and the `mcp-manifest.json`
/// files by path and by the service name a `manifest_paths` glob gives them
/// (`**/servers/{name}/mcp-manifest.json`): built once per scan, so that finding a
/// service's files is a lookup, not a pass over all of them.
#[derive(Default)]
struct MetadataIndex {
    by_dir: HashMap<(PathBuf, &'static str), usize>,
    manifests_by_path: HashMap<PathBuf, usize>,
    manifests_by_name: HashMap<String, usize>,
}

impl MetadataIndex {
    fn new(metadata: &[(PathBuf, Arc<Metadata>)], globs: &[String]) -> MetadataIndex {
        // `{name}` becomes a capture: the glob's regular expression with a token for
        // it, the token then replaced (globset escapes nothing in a run of letters; its
        // expression is byte-oriented). The globs were checked when the config was
        // loaded.
        const TOKEN: &str = "MCPAUDITSERVICENAME";
        let patterns: Vec<regex::bytes::Regex> = globs
            .iter()
            .filter_map(|g| {
                let glob = globset::GlobBuilder::new(&g.replace("{name}", TOKEN))
                    .literal_separator(true)
                    .build()
                    .ok()?;
                regex::bytes::Regex::new(&glob.regex().replacen(TOKEN, "(?P<name>[^/]+)", 1)).ok()
            })
            .collect();
        let mut index = MetadataIndex::default();
        // The first file of a kind in a directory, as the scan lists them.
        for (i, (path, m)) in metadata.iter().enumerate() {
            if let Some(dir) = path.parent() {
                index
                    .by_dir
                    .entry((dir.to_path_buf(), m.format))
                    .or_insert(i);
            }
            if m.format != "mcp-manifest" {
                continue;
            }
            index.manifests_by_path.entry(path.clone()).or_insert(i);
            for re in &patterns {
                if let Some(name) = re.captures(m.file.as_bytes()).and_then(|c| c.name("name")) {
                    let name = String::from_utf8_lossy(name.as_bytes()).into_owned();
                    index.manifests_by_name.entry(name).or_insert(i);
                }
            }
        }
        index
    }
}

/// A service's metadata file of `format` and how it was found: beside its Dockerfile,
/// in its build context; and for an `mcp-manifest.json` (MCP-MD-004's lookup order)
/// then at a `manifest_paths` glob, at the path of its `mcp.manifest` label (relative
/// to the Compose file).
fn find_metadata<'a>(
    ctx: &ProjectContext<'a>,
    svc: &Service,
    dockerfile_dir: Option<&Path>,
    context_dir: Option<&Path>,
    format: &'static str,
) -> Option<(&'a Metadata, &'static str)> {
    let file = |i: &usize| &*ctx.parsed.metadata[*i].1;
    let in_dir = |dir: &Path| ctx.metadata.by_dir.get(&(dir.to_path_buf(), format));
    if let Some(i) = dockerfile_dir.and_then(in_dir) {
        return Some((file(i), "dockerfile-directory"));
    }
    if let Some(i) = context_dir.and_then(in_dir) {
        return Some((file(i), "build-context"));
    }
    if format != "mcp-manifest" {
        return None;
    }
    if let Some(i) = ctx.metadata.manifests_by_name.get(&svc.name) {
        return Some((file(i), "manifest-paths"));
    }
    let path = manifest_label_path(svc, ctx.compose_dir)?;
    if let Some(i) = ctx.metadata.manifests_by_path.get(&path) {
        return Some((file(i), "label"));
    }
    ctx.label_manifests.get(&path).map(|m| (m, "label"))
}

/// The file a service's `mcp.manifest` label names (the service's label, else its
/// `build.labels` one), from the Compose file's directory.
fn manifest_label_path(svc: &Service, compose_dir: &Path) -> Option<PathBuf> {
    let label = svc.labels.get("mcp.manifest").or_else(|| {
        svc.build
            .as_ref()
            .and_then(|b| b.labels.get("mcp.manifest"))
    })?;
    Some(absolute(&compose_dir.join(&label.value)))
}

/// The manifests that `mcp.manifest` labels name but the walk did not read as
/// manifests (any file name: `meta/notes.json`), each read and parsed once; one that
/// cannot be parsed is reported at its own location (MCP-AUD-001).
fn label_manifests(
    prepared: &[PreparedProject],
    index: &MetadataIndex,
    parsed: &Parsed,
    config: &Config,
    show: &(dyn Fn(&Path) -> String + Sync),
    errors: &mut Vec<FileErrors>,
) -> BTreeMap<PathBuf, Metadata> {
    let mut out = BTreeMap::new();
    let mut tried: BTreeSet<PathBuf> = BTreeSet::new();
    let limits = config.limits.yaml();
    for pp in prepared {
        for (_, svc, _) in &pp.services {
            let Some(path) = manifest_label_path(svc, &pp.compose_dir) else {
                continue;
            };
            if index.manifests_by_path.contains_key(&path) || !tried.insert(path.clone()) {
                continue;
            }
            // Unreadable (missing, outside the scanned tree): MCP-MD-004 says so.
            let Ok(bytes) = parsed.fence.read(&path) else {
                continue;
            };
            let src = SourceFile::from_bytes(&path, show(&path), &bytes);
            match crate::parse::metadata::parse(&src, "mcp-manifest", &limits) {
                Ok(m) => {
                    out.insert(path, m);
                }
                Err((message, loc)) => errors.push(FileErrors {
                    file: src.display.to_string(),
                    format: "mcp-manifest",
                    errors: vec![ErrorAt {
                        message,
                        loc: loc.unwrap_or_else(|| Loc::file_start(src.display.clone())),
                    }],
                }),
            }
        }
    }
    out
}

/// A build context that is a URL or a Git remote, not a local directory.
fn remote_context(c: &str) -> bool {
    c.contains("://") || c.starts_with("git@")
}

/// A service's local build context: its directory, and that directory as the scan
/// shows paths (from the Compose file's).
fn build_context(ctx: &ProjectContext<'_>, svc: &Service) -> Option<(PathBuf, String)> {
    let c = svc
        .build
        .as_ref()?
        .context
        .as_ref()
        .map_or(".", |c| c.value.as_str());
    if remote_context(c) || c.contains('$') {
        return None;
    }
    let shown = Path::new(ctx.file_names.first()?).parent()?.join(c);
    Some((
        absolute(&ctx.compose_dir.join(c)),
        crate::source::normalize(&shown)
            .to_string_lossy()
            .replace('\\', "/"),
    ))
}

/// What the service loop of [`units`] needs of the project being resolved.
struct ProjectContext<'a> {
    metadata: &'a MetadataIndex,
    label_manifests: &'a BTreeMap<PathBuf, Metadata>,
    env_files: &'a std::collections::HashMap<PathBuf, EnvFile>,
    parsed: &'a Parsed,
    extra: &'a BTreeMap<PathBuf, ParsedDockerfile>,
    read_errors: &'a BTreeMap<PathBuf, String>,
    config: &'a Config,
    file_names: &'a [String],
    compose_dir: &'a Path,
    variant: Option<&'a str>,
    base_services: &'a BTreeMap<String, project::MergedService>,
    merged_in: &'a std::collections::HashMap<String, Vec<Value>>,
    project_json: &'a SharedDoc,
    project_without_services: &'a SharedDoc,
    shared: &'a Shared,
}

/// A Compose service's unit, the Dockerfile it is bound to, and the image it builds.
struct ServiceUnit {
    unit: Unit,
    bound: Option<PathBuf>,
    built: Option<BuiltImage>,
}

/// The unit of one Compose service, bound to its Dockerfile by `b`.
fn service_unit(
    ctx: &ProjectContext<'_>,
    ms: project::MergedService,
    svc: Box<Service>,
    b: Binding,
) -> ServiceUnit {
    let mut bound = None;
    let mut built = None;
    let mut indet = Vec::new();
    let build_args: BTreeMap<String, String> = svc
        .build
        .as_ref()
        .map(|b| {
            b.args
                .iter()
                .map(|(k, v)| (k.clone(), v.value.clone()))
                .collect()
        })
        .unwrap_or_default();
    let mut opaque = b.opaque_reason.clone();
    let mut dockerfile_path: Option<String> = None;
    // The directory of the bound Dockerfile (absolute): its mcp-manifest.json belongs to the service.
    let bound_dir: Option<PathBuf> = b
        .path
        .as_ref()
        .and_then(|p| p.parent().map(Path::to_path_buf));
    // Its local build context (directory, and as the scan shows it), worked out once.
    let context = build_context(ctx, &svc);
    let view: Option<DockerfileView> = {
        let pd: Option<(&SourceFile, &Dockerfile)> = if let Some((src, df)) = &b.inline {
            Some((src, df))
        } else if let Some(p) = &b.path {
            let read_error = ctx
                .read_errors
                .get(p)
                .map(|e| format!("Dockerfile {} (via {}) {e}", p.display(), b.via));
            match lookup_dockerfile(ctx.parsed, ctx.extra, p) {
                Some(pd) => {
                    bound = Some(p.clone());
                    Some((&pd.src, &pd.df))
                }
                None => {
                    opaque = Some(read_error.unwrap_or_else(|| {
                        format!("Dockerfile {} (via {}) does not exist", p.display(), b.via)
                    }));
                    None
                }
            }
        } else {
            None
        };
        match pd {
            Some((src, df)) => {
                dockerfile_path = Some(src.display.to_string());
                match stage::resolve(
                    src,
                    df,
                    b.target.as_deref(),
                    &build_args,
                    &ctx.config.base_images,
                    &ctx.config.placeholders,
                ) {
                    Ok(mut v) => {
                        unresolved_build_args(&svc, &mut v);
                        if let Some((dir, display)) = &context {
                            let read = |p: &Path| ctx.parsed.fence.read(p);
                            let c = context::Context {
                                dir,
                                display,
                                read: &read,
                            };
                            v.copied_secrets =
                                context::copied_secrets(&v, &c, &ctx.config.placeholders);
                        }
                        Some(v)
                    }
                    Err(stage::TargetError::UnknownTarget(t)) => {
                        opaque = Some(format!(
                            "build target {t:?} is not a stage of {}",
                            src.display
                        ));
                        None
                    }
                    Err(stage::TargetError::NoStages) => {
                        opaque = Some(format!("{} has no FROM instruction", src.display));
                        None
                    }
                }
            }
            None => None,
        }
    };
    // Images built here: a registry `server.json` OCI package is linked to them (MCP-MD-012).
    if let (Some(img), Some(p), Some(_)) = (&svc.image, &b.path, &view) {
        built = Some(BuiltImage {
            service: svc.name.clone(),
            image: img.value.clone(),
            dockerfile: normalize(p),
            target: b.target.clone(),
            build_args: build_args.clone(),
            labels: ms
                .node
                .get("build")
                .and_then(|b| b.get("labels"))
                .map(CNode::to_json),
        });
    }
    if let Some(img) = svc.image.as_ref().filter(|i| i.indeterminate) {
        // An unset variable before a written tag (`registry/${NAME}:latest`) leaves
        // MCP-SC-001 decided; one after a written registry (`ghcr.io/acme/${NAME}`)
        // leaves MCP-SC-002 decided (when an allowlist makes it apply).
        let mut rules = Vec::new();
        if !svc.image_pin_fixed {
            rules.push("MCP-SC-001");
        }
        if registry_allowlist(ctx.config) && !svc.has_build && svc.image_registry_head.is_none() {
            rules.push("MCP-SC-002");
        }
        if !rules.is_empty() {
            indet.push(indeterminate(
                "image",
                &rules,
                unresolved_names(img),
                &img.loc,
            ));
        }
    }
    if let Some(v) = &view {
        unresolved_bases(v, registry_allowlist(ctx.config), &mut indet);
    }
    unresolved_controls(&svc, &mut indet);
    let role = role_of(&svc, view.as_ref(), ctx.config);
    let eff = effective(&svc, view.as_ref(), opaque.as_deref(), &mut indet);
    let indet = merge_same_place(indet);
    let context_dir = context.as_ref().map(|(dir, _)| dir.as_path());
    let manifest = find_metadata(ctx, &svc, bound_dir.as_deref(), context_dir, "mcp-manifest")
        .map(|(m, via)| json!({"file": m.file, "name": m.name, "transport": m.transport, "doc": m.doc_json(), "errors": m.errors, "loc": loc_json(&m.loc), "via": via}));
    // The registry `server.json` beside its Dockerfile or in its build context (MCP-MD-011).
    let server_json = find_metadata(ctx, &svc, bound_dir.as_deref(), context_dir, "registry-server")
        .map(|(m, via)| json!({"file": m.file, "name": m.name, "images": m.images, "doc": m.doc_json(), "loc": loc_json(&m.loc), "via": via}));
    let variant_suffix = ctx.variant.map(|v| format!("@{v}")).unwrap_or_default();
    let id = format!("{}#{}{}", ctx.file_names[0], svc.name, variant_suffix);
    let mut unit_json = json!({"id": id, "name": svc.name, "role": role.as_str(), "files": ctx.file_names, "variant": ctx.variant,
                      "dockerfile": dockerfile_path, "binding": b.via, "opaque": opaque});
    // Annotations the build adds to its image, declared in the config (MCP-MD-012).
    if let Some(image) = svc.image.as_ref().filter(|i| !i.indeterminate) {
        let annotations = ctx.config.annotations_of(&image.value);
        if !annotations.is_empty() {
            unit_json["annotations"] = json!(annotations);
        }
    }
    // The other files merged into it by `include:` and `extends:` (MCP-EC-005).
    if let Some(m) = ctx.merged_in.get(svc.name.as_str()) {
        unit_json["merged_in"] = Value::Array(m.clone());
    }
    // What an override removed with `!reset` (MCP-EC-005 points there).
    if !ms.resets.is_empty() {
        let resets: serde_json::Map<String, Value> = ms
            .resets
            .iter()
            .map(|(path, loc)| (path.clone(), loc_json(loc)))
            .collect();
        unit_json["resets"] = Value::Object(resets);
    }
    let base_service = ctx.base_services.get(svc.name.as_str()).map(|b| {
        Box::new(Service::from_node(
            &b.key,
            &b.node,
            &ctx.config.placeholders,
        ))
    });
    let env_files = env_files(&svc, ctx.compose_dir, ctx.env_files);
    let unit = Unit {
        id,
        name: svc.name.clone(),
        kind: "compose_service",
        role,
        input: Input::Compose(Box::new(ComposeParts {
            kind: "compose_service",
            unit: unit_json,
            service: svc,
            effective: eff,
            dockerfile: view.map(Box::new),
            manifest,
            server_json,
            indeterminate: indet,
            raw: ms.node,
            // The names of all services only for hubs (CS-003 reads them): a
            // large project would otherwise cost every unit the whole list.
            project: if role == Role::Hub {
                ctx.project_json.clone()
            } else {
                ctx.project_without_services.clone()
            },
            base_service,
            env_files,
            shared: ctx.shared.clone(),
        })),
    };
    ServiceUnit { unit, bound, built }
}

/// A Compose project's files merged, its services bound to their Dockerfiles, and the
/// `env_file`s they load read: everything its units need but Dockerfiles read on demand.
struct PreparedProject {
    compose_dir: PathBuf,
    file_names: Vec<String>,
    project_json: SharedDoc,
    project_without_services: SharedDoc,
    /// The services as the first file alone defines them (what an override changed).
    base_services: BTreeMap<String, project::MergedService>,
    services: Vec<(project::MergedService, Box<Service>, Binding)>,
    env_files: std::collections::HashMap<PathBuf, EnvFile>,
    /// By service: the other files `include:` and `extends:` merged into it.
    merged_in: std::collections::HashMap<String, Vec<Value>>,
}

fn prepare_project(
    proj: &project::Project,
    parsed: &Parsed,
    config: &Config,
    show: &(dyn Fn(&Path) -> String + Sync),
) -> PreparedProject {
    let files: Vec<&ComposeFile> = proj.files.iter().map(|&i| &parsed.composes[i].1).collect();
    let first = &parsed.composes[proj.files[0]];
    let compose_dir = first.0.parent().map(Path::to_path_buf).unwrap_or_default();
    let (services, networks) = project::merge_project(&files);
    // A `provider:` service (Compose 2.36: `type: model` for Docker Model Runner) is run
    // by a plugin, not as a container: no container rule applies to it, and it is on
    // no network.
    let services: Vec<project::MergedService> = services
        .into_iter()
        .filter(|s| {
            !s.node
                .get("provider")
                .is_some_and(|p| matches!(p.v, CVal::Map(_)))
        })
        .collect();
    let file_names: Vec<String> = files.iter().map(|f| f.display.clone()).collect();
    // Which services are waited on for successful completion (one-shot jobs).
    let mut completed: BTreeSet<String> = BTreeSet::new();
    for s in &services {
        if let Some(d) = s.node.get("depends_on") {
            for (k, v) in d.map() {
                if v.get("condition").and_then(CNode::text).as_deref()
                    == Some("service_completed_successfully")
                {
                    completed.insert(k.name.clone());
                }
            }
        }
    }
    let project_json = project_info(
        &files,
        &services,
        &networks,
        &compose_dir,
        &completed,
        config,
    );
    let mut project_without_services = project_json.clone();
    if let Some(o) = project_without_services.as_object_mut() {
        o.remove("services");
    }
    let (project_json, project_without_services) = (
        SharedDoc::new(project_json),
        SharedDoc::new(project_without_services),
    );
    let base_services: BTreeMap<String, project::MergedService> = if files.len() > 1 {
        project::merge_project(&files[..1])
            .0
            .into_iter()
            .map(|b| (b.key.name.clone(), b))
            .collect()
    } else {
        BTreeMap::new()
    };
    // Each service bound to its Dockerfile, in parallel (in the pool `units` runs in).
    let services: Vec<(project::MergedService, Box<Service>, Binding)> = services
        .into_par_iter()
        .map(|ms| {
            let mut svc = Box::new(Service::from_node(&ms.key, &ms.node, &config.placeholders));
            svc.one_shot = one_shot(&svc, &completed);
            let b = bind(&svc, &compose_dir, config, &files[ms.file].display);
            (ms, svc, b)
        })
        .collect();
    // Each `env_file` the services load, read once.
    let env_paths: BTreeSet<PathBuf> = services
        .iter()
        .flat_map(|(_, svc, _)| &svc.env_file)
        .map(|f| env_file_path(&compose_dir, &f.value))
        .collect();
    let env_files: std::collections::HashMap<PathBuf, EnvFile> = env_paths
        .into_par_iter()
        .map(|p| {
            let mut f = read_env_file(&p, show, &parsed.fence, &config.placeholders);
            f.gitignored = f.read.is_ok() && gitignored(repo_root(&compose_dir), &p);
            (p, f)
        })
        .collect();
    let mut merged_in: std::collections::HashMap<String, Vec<Value>> = Default::default();
    for m in files.iter().flat_map(|f| &f.merged_in) {
        let entry = json!({"file": m.file, "via": m.via, "loc": loc_json(&m.at)});
        let list = merged_in.entry(m.service.clone()).or_default();
        if !list.contains(&entry) {
            list.push(entry);
        }
    }
    PreparedProject {
        compose_dir,
        file_names,
        project_json,
        project_without_services,
        base_services,
        services,
        env_files,
        merged_in,
    }
}

/// Builds every unit from the parsed files.
pub fn units(
    parsed: &Parsed,
    config: &Config,
    show: &(dyn Fn(&Path) -> String + Sync),
) -> (Vec<Unit>, Vec<FileErrors>) {
    let mut out = Vec::new();
    let mut extra_errors = Vec::new();
    let mut bound: BTreeSet<PathBuf> = BTreeSet::new();
    // Dockerfiles referenced but not discovered (e.g. odd names): parsed on demand.
    let mut extra: BTreeMap<PathBuf, ParsedDockerfile> = BTreeMap::new();
    let mut built: Vec<BuiltImage> = Vec::new();

    let paths: Vec<PathBuf> = parsed.composes.iter().map(|(p, _)| p.clone()).collect();
    // A file another one includes is part of that project, not one of its own (unless
    // they include each other: a cycle, reported as an error, keeps both).
    let includes: HashMap<&Path, BTreeSet<PathBuf>> = parsed
        .composes
        .iter()
        .map(|(p, c)| {
            (
                p.as_path(),
                c.included.iter().map(|i| absolute(i)).collect(),
            )
        })
        .collect();
    let included: BTreeSet<PathBuf> = includes
        .iter()
        .flat_map(|(&by, files)| {
            let by_included_by = |f: &PathBuf| {
                includes
                    .get(f.as_path())
                    .is_some_and(|theirs| theirs.contains(by))
            };
            files.iter().filter(move |f| *f != by && !by_included_by(f))
        })
        .cloned()
        .collect();
    let projects = crate::phase("projects", || project::projects(&paths, &included));
    let compose_timer = crate::PhaseTimer::start("compose units");
    // The fields every late-built input carries (the scan adds `scan` and `vulns`).
    let mut shared = serde_json::Map::new();
    shared.insert("config".into(), config_json(config));
    let shared = Shared::new(shared);
    let base_images: std::sync::Arc<[crate::config::BaseImage]> = config.base_images.clone().into();
    // Each project's services merged and bound, in parallel; then the Dockerfiles the
    // walk did not find (odd names) are read and parsed, in project order, into `extra`;
    // then each project's units are built, in parallel (and each service's within it).
    let prepared: Vec<PreparedProject> = crate::pool().install(|| {
        projects
            .par_iter()
            .map(|proj| prepare_project(proj, parsed, config, show))
            .collect()
    });
    // Why a bound Dockerfile could not be read, by project and path.
    let read_errors: Vec<BTreeMap<PathBuf, String>> = prepared
        .iter()
        .map(|pp| {
            let mut read_errors: BTreeMap<PathBuf, String> = BTreeMap::new();
            for p in pp.services.iter().filter_map(|(_, _, b)| b.path.as_deref()) {
                if lookup_dockerfile(parsed, &extra, p).is_some()
                    || read_errors.contains_key(p)
                    || !p.is_file()
                {
                    continue;
                }
                match parsed.fence.read(p) {
                    Err(e) => {
                        read_errors.insert(p.to_path_buf(), e.to_string());
                    }
                    Ok(bytes) => {
                        let src =
                            Arc::new(SourceFile::from_bytes(p, p.display().to_string(), &bytes));
                        let df = dockerfile::parse(&src);
                        extra_errors.extend(FileErrors::of_dockerfile(&src, &df));
                        extra.insert(p.to_path_buf(), ParsedDockerfile { src, df });
                    }
                }
            }
            read_errors
        })
        .collect();
    let metadata = MetadataIndex::new(&parsed.metadata, &config.manifest_paths);
    let label_manifests = label_manifests(
        &prepared,
        &metadata,
        parsed,
        config,
        show,
        &mut extra_errors,
    );
    let per_project: Vec<Vec<ServiceUnit>> = crate::pool().install(|| {
        prepared
            .into_par_iter()
            .zip(projects.par_iter())
            .zip(read_errors.par_iter())
            .map(|((pp, proj), read_errors)| {
                let ctx = ProjectContext {
                    metadata: &metadata,
                    label_manifests: &label_manifests,
                    env_files: &pp.env_files,
                    parsed,
                    extra: &extra,
                    read_errors,
                    config,
                    file_names: &pp.file_names,
                    compose_dir: &pp.compose_dir,
                    variant: proj.variant.as_deref(),
                    base_services: &pp.base_services,
                    merged_in: &pp.merged_in,
                    project_json: &pp.project_json,
                    project_without_services: &pp.project_without_services,
                    shared: &shared,
                };
                pp.services
                    .into_par_iter()
                    .map(|(ms, svc, b)| service_unit(&ctx, ms, svc, b))
                    .collect()
            })
            .collect()
    });
    for su in per_project.into_iter().flatten() {
        bound.extend(su.bound);
        built.extend(su.built);
        out.push(su.unit);
    }

    drop(compose_timer);
    // Standalone Dockerfiles: not bound to any Compose service; their inputs are built
    // when they are evaluated.
    let stdio = stdio_declarations(&parsed.metadata);
    let fence = Arc::new(parsed.fence.clone());
    for (path, e) in &parsed.dockerfiles {
        if bound.contains(path) {
            continue;
        }
        if !e.has_stages {
            if !e.has_errors {
                extra_errors.push(FileErrors {
                    file: e.display.clone(),
                    format: "dockerfile",
                    errors: vec![ErrorAt {
                        message: "no FROM instruction: the file defines no build stage".into(),
                        loc: Loc::file_start(e.display.clone()),
                    }],
                });
            }
            continue;
        }
        let id = e.display.clone();
        out.push(Unit {
            id: id.clone(),
            name: id,
            kind: "dockerfile",
            role: Role::StandaloneDockerfile,
            input: Input::Standalone(Deferred {
                path: e.path.clone(),
                display: e.display.clone(),
                max_len: e.max_len(),
                shared: shared.clone(),
                base_images: base_images.clone(),
                registry_allowlist: registry_allowlist(config),
                placeholders: config.placeholders.clone(),
                stdio: path.parent().and_then(|d| stdio.get(d)).cloned(),
                fence: fence.clone(),
            }),
        });
    }

    let config_doc = SharedDoc::new(config_json(config));
    for c in &parsed.clients {
        // The file's facts (its server names among them), one document for all its entries.
        let names: Vec<&str> = c.servers.iter().map(|x| x.name.as_str()).collect();
        let client = SharedDoc::new(
            json!({"file": c.file, "dialect": c.dialect, "inputs": c.inputs, "servers": names}),
        );
        for s in &c.servers {
            let id = format!("{}#{}", c.file, s.name);
            // The programs the entry runs (`npx -y pkg`, `cmd /c uvx tool`), for SC-003.
            let calls = match &s.command {
                Some(c) if s.docker.is_none() => {
                    let args: Vec<&str> = s.args.iter().map(|a| a.value.as_str()).collect();
                    shell::argv_calls(&c.value, &args)
                }
                _ => Vec::new(),
            };
            // The Dockerfile of the image its `docker run` starts, when one is known
            // here (MCP-CC-004 reads its USER).
            let image = s
                .docker
                .as_ref()
                .and_then(|d| d.image.as_ref())
                .and_then(|i| {
                    let images = [i.value.clone()];
                    image_dockerfile(&images, None, parsed, &extra, &built, config)
                });
            let input = Doc::from(json!({"kind": "mcp_client", "unit": {"id": id, "name": s.name, "role": Role::ClientEntry.as_str()}, "calls": calls, "image": image}))
                .with("client", Field::Shared(client.clone()))
                .with("server", Field::Own(serde_json::to_value(s).unwrap_or(Value::Null)))
                .with("config", Field::Shared(config_doc.clone()));
            out.push(Unit {
                id,
                name: s.name.clone(),
                kind: "mcp_client",
                role: Role::ClientEntry,
                input: Input::Doc(input),
            });
        }
    }
    for w in &parsed.workloads {
        let id = format!("{}#{}/{}", w.file, w.kind, w.name);
        // The Dockerfiles of its containers' images that are known here, by image
        // (MCP-K8-002 reads their USER).
        let images: serde_json::Map<String, Value> = w
            .containers
            .iter()
            .filter_map(|c| c.image.as_ref())
            .filter_map(|i| {
                let images = [i.clone()];
                let d = image_dockerfile(&images, None, parsed, &extra, &built, config)?;
                Some((i.clone(), d))
            })
            .collect();
        // (`config: null` keeps the key's place for the shared document.)
        let input = json!({"kind": "k8s_workload", "unit": {"id": id, "name": w.name, "role": Role::K8sWorkload.as_str()},
                           "workload": w, "images": images, "config": null});
        out.push(Unit {
            id,
            name: w.name.clone(),
            kind: "k8s_workload",
            role: Role::K8sWorkload,
            input: Input::Doc(Doc::from(input).with("config", Field::Shared(config_doc.clone()))),
        });
    }
    for (path, m) in &parsed.metadata {
        let oci = (m.format == "registry-server")
            .then(|| image_dockerfile(&m.images, Some(path), parsed, &extra, &built, config))
            .flatten();
        out.push(Unit {
            id: m.file.clone(),
            name: m.name.clone().unwrap_or_else(|| m.file.clone()),
            kind: "mcp_metadata",
            role: Role::MetadataFile,
            input: Input::Metadata(Box::new(MetadataParts {
                unit: json!({"id": m.file, "name": m.name, "role": Role::MetadataFile.as_str()}),
                metadata: m.clone(),
                oci,
                extra: Shared::default(),
            })),
        });
    }
    (out, extra_errors)
}

/// The `source_file` unit that reports a file's parse errors (MCP-AUD-001).
/// At most this many parse errors are reported per file (a binary or wildly wrong file
/// would otherwise give one per line); the last one says how many more there were.
pub const MAX_ERRORS_PER_FILE: usize = 50;

/// A parse error message as reported: secret-looking words masked, control characters (which could drive a
/// terminal, or break a line-oriented output) are shown escaped, and the length is
/// bounded (a message may quote a 10 MB line).
pub fn clean_message(m: &str) -> String {
    const MAX_CHARS: usize = 300;
    // A message may quote the line in error, and that line may be a stray secret.
    let m = crate::secrets::mask_words(m);
    let mut out = String::new();
    for (i, c) in m.chars().enumerate() {
        if i == MAX_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

pub fn error_unit(fe: &FileErrors) -> Unit {
    let mut errors: Vec<ErrorAt> = fe
        .errors
        .iter()
        .take(MAX_ERRORS_PER_FILE)
        .map(|e| ErrorAt {
            message: clean_message(&e.message),
            loc: e.loc.clone(),
        })
        .collect();
    if fe.errors.len() > MAX_ERRORS_PER_FILE {
        if let Some(last) = errors.last_mut() {
            last.message.push_str(&format!(
                " (and {} more errors in this file, not shown)",
                fe.errors.len() - MAX_ERRORS_PER_FILE
            ));
        }
    }
    Unit {
        id: fe.file.clone(),
        name: fe.file.clone(),
        kind: "source_file",
        role: Role::SourceFile,
        input: Input::Doc(Doc::from(
            json!({"kind": "source_file", "unit": {"id": fe.file, "name": fe.file, "role": Role::SourceFile.as_str()},
                      "file": fe.file, "format": fe.format, "errors": errors}),
        )),
    }
}
