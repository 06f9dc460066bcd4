//! The typed model of a Compose service: short and long syntaxes normalised to one
//! shape, every value with its location. It serialises into the Rego input.

use crate::parse::compose::{CKey, CNode, CVal, Var};
use crate::secrets::{self, Placeholders, SecretInfo};
use crate::source::Loc;
use serde::Serialize;
use std::collections::BTreeMap;

/// A scalar value with where it was written and how it was interpolated.
#[derive(Clone, Debug, Serialize)]
pub struct Val {
    pub value: String,
    pub loc: Loc,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vars: Vec<Var>,
    /// A variable in it is unset (no default) or required.
    pub indeterminate: bool,
    /// The anchor site, when the value came through `<<: *anchor` or an alias (boxed: a
    /// service holds dozens of optional values, most never set and few from an anchor).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defined: Option<Box<Loc>>,
    /// Set when the value is (or is named like) a secret; `value` is then redacted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<SecretInfo>,
    /// For a value set under a key (`environment`, `build.args`): whether the key names
    /// a secret ([`secrets::secret_name`], what the Rego helper of that name decides),
    /// computed once here instead of by each secrets rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_name: Option<bool>,
}

/// Classify a named value (the team's `placeholders` counting as stand-ins) and
/// redact it when it is a secret.
pub fn protect(name: &str, mut v: Val, placeholders: &Placeholders) -> Val {
    if let Some(info) = secrets::classify_with(name, &v.value, placeholders) {
        if info.credential || info.kind != "reference" {
            v.value = secrets::redact(&v.value);
        }
        v.secret = Some(info);
    }
    v
}

/// A value interpolated from a secret-named variable is itself a secret.
fn from_secret_var(vars: &[Var]) -> bool {
    vars.iter()
        .any(|v| v.origin == "set" && secrets::name_suggests_secret(&v.name))
}

impl Val {
    pub fn of(n: &CNode) -> Option<Val> {
        let text = n.text()?;
        if from_secret_var(&n.vars) {
            return Some(Val {
                value: secrets::redact(&text),
                loc: n.loc.clone(),
                indeterminate: n.vars.iter().any(Var::unresolved),
                vars: n.vars.clone(),
                defined: n.defined.clone(),
                secret: Some(SecretInfo {
                    kind: "reference",
                    name_suggests: false,
                    placeholder: false,
                    credential: false,
                }),
                secret_name: None,
            });
        }
        Some(Val {
            value: text,
            loc: n.loc.clone(),
            indeterminate: n.vars.iter().any(Var::unresolved),
            vars: n.vars.clone(),
            defined: n.defined.clone(),
            secret: None,
            secret_name: None,
        })
    }
    /// A value at the location of a key (e.g. a list item `K=V` split into key and value).
    fn with(value: String, n: &CNode) -> Val {
        Val {
            value,
            loc: n.loc.clone(),
            indeterminate: n.vars.iter().any(Var::unresolved),
            vars: n.vars.clone(),
            defined: n.defined.clone(),
            secret: None,
            secret_name: None,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct BoolVal {
    pub value: bool,
    pub raw: String,
    pub loc: Loc,
    /// A variable in it is unset (no default) or required: `value` is then undecided.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub indeterminate: bool,
    /// Those variables, for MCP-EC-004's reason.
    #[serde(skip)]
    pub unset: Vec<Var>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Build {
    pub context: Option<Val>,
    pub dockerfile: Option<Val>,
    pub dockerfile_inline: Option<Val>,
    pub target: Option<Val>,
    pub args: BTreeMap<String, Val>,
    /// `build.labels`: labels of the built image, so of its containers (under the
    /// service's own `labels`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, Val>,
    pub loc: Loc,
}

/// A credential-shaped string in a service field.
#[derive(Clone, Debug, Serialize)]
pub struct FieldSecret {
    /// The top-level key it is under (`labels`, `healthcheck`, `build`…).
    pub field: String,
    /// The credential's kind (`github-token`, `aws-access-key`…).
    pub kind: &'static str,
    pub loc: Loc,
}

/// The credential-shaped strings of a service outside `environment`, `build.args`,
/// `command` and `entrypoint` (read by their own rules).
fn field_secrets(n: &CNode) -> Vec<FieldSecret> {
    let mut out = Vec::new();
    for (k, v) in n.map() {
        if matches!(k.name.as_str(), "environment" | "command" | "entrypoint") {
            continue;
        }
        let mut scan = |x: &CNode| {
            if let Some(t) = x.text() {
                for kind in secrets::find_in_text(&t) {
                    out.push(FieldSecret {
                        field: k.name.clone(),
                        kind,
                        loc: x.loc.clone(),
                    });
                }
            }
        };
        if k.name == "build" {
            for (bk, bv) in v.map() {
                if bk.name != "args" {
                    bv.walk(&mut scan);
                }
            }
        } else {
            v.walk(&mut scan);
        }
    }
    out
}

#[derive(Clone, Debug, Serialize)]
pub struct Port {
    pub host_ip: Option<String>,
    pub published: Option<String>,
    pub target: String,
    pub protocol: String,
    pub loc: Loc,
    /// An unresolved variable is in some part of the entry (the part is shown as
    /// written, `${HOST_PORT}`).
    pub indeterminate: bool,
    /// The host IP is undecided: the variable is in it, or, with no host IP written,
    /// in the part before the container port (`"${PORT}:8080"` may be set to
    /// `127.0.0.1:3000`). A port with only the host port or the container port
    /// unresolved is still published, and on the interfaces its host IP says.
    pub host_ip_indeterminate: bool,
    /// The unset or required variables that make it indeterminate.
    #[serde(skip)]
    pub unset: Vec<Var>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Mount {
    /// `bind`, `volume`, `tmpfs`, `image`, `npipe`, `cluster`.
    #[serde(rename = "type")]
    pub kind: String,
    pub source: Option<String>,
    pub target: String,
    pub read_only: bool,
    pub loc: Loc,
    pub indeterminate: bool,
    /// The unset or required variables that make it indeterminate.
    #[serde(skip)]
    pub unset: Vec<Var>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Device {
    pub value: String,
    pub host: String,
    pub loc: Loc,
}

#[derive(Clone, Debug, Serialize)]
pub struct Network {
    pub name: String,
    pub loc: Loc,
}

#[derive(Clone, Debug, Serialize)]
pub struct Logging {
    pub driver: Option<Val>,
    pub options: BTreeMap<String, Val>,
    pub loc: Loc,
}

#[derive(Clone, Debug, Serialize)]
pub struct Healthcheck {
    /// The test as one string (`CMD curl -f …`), when given.
    pub test: Option<Val>,
    pub test_none: bool,
    pub disable: Option<BoolVal>,
    pub loc: Loc,
}

/// A Compose service after merge and interpolation.
#[derive(Clone, Debug, Serialize)]
pub struct Service {
    pub name: String,
    /// Location of the service's key.
    pub loc: Loc,
    pub image: Option<Val>,
    /// The image as written, when a variable in it is unresolved (`value` then holds
    /// the empty string in its place).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_written: Option<String>,
    /// That unresolved variable ends before the tag and digest ([`image_pin_fixed`]):
    /// `registry/${NAME}:latest` is mutable whatever `NAME` holds.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub image_pin_fixed: bool,
    /// The literal text before the first unresolved variable, when it fixes the
    /// registry ([`image_registry_head`]): `ghcr.io/acme/${NAME}:1` is from
    /// `ghcr.io/acme/` whatever `NAME` holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_registry_head: Option<String>,
    pub has_build: bool,
    pub build: Option<Box<Build>>,
    pub user: Option<Val>,
    pub privileged: Option<BoolVal>,
    /// `use_api_socket` (Compose 2.37.1): the container gets the engine's API socket,
    /// read-write, and the user's registry credentials.
    pub use_api_socket: Option<BoolVal>,
    pub read_only: Option<BoolVal>,
    pub cap_add: Vec<Val>,
    pub cap_drop: Vec<Val>,
    pub devices: Vec<Device>,
    pub security_opt: Vec<Val>,
    pub mem_limit: Option<Val>,
    pub memory_limit_deploy: Option<Val>,
    pub memory_reservation: Option<Val>,
    pub cpus: Option<Val>,
    pub cpus_deploy: Option<Val>,
    pub healthcheck: Option<Box<Healthcheck>>,
    pub labels: BTreeMap<String, Val>,
    pub environment: BTreeMap<String, Val>,
    pub env_file: Vec<Val>,
    pub ports: Vec<Port>,
    pub volumes: Vec<Mount>,
    pub networks: Vec<Network>,
    pub network_mode: Option<Val>,
    pub restart: Option<Val>,
    pub command: Option<Val>,
    pub entrypoint: Option<Val>,
    /// The programs `command` / `entrypoint` run ([`crate::resolve::shell::calls`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub command_calls: Vec<crate::resolve::shell::Call>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entrypoint_calls: Vec<crate::resolve::shell::Call>,
    /// Credential-shaped strings found in `command` / `entrypoint`.
    pub command_secrets: Vec<&'static str>,
    /// Credential-shaped strings anywhere else but `environment` and `build.args`
    /// (whose keys the secrets rules read): labels, `healthcheck.test`, …
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub field_secrets: Vec<FieldSecret>,
    pub tmpfs: Vec<Val>,
    pub pids_limit: Option<Val>,
    pub cpu_shares: Option<Val>,
    pub cpu_quota: Option<Val>,
    pub init: Option<BoolVal>,
    pub pid: Option<Val>,
    pub ipc: Option<Val>,
    pub uts: Option<Val>,
    pub userns_mode: Option<Val>,
    pub logging: Option<Box<Logging>>,
    /// Docker secrets granted to the service (`secrets:` short or long syntax).
    pub secrets: Vec<Val>,
    pub container_name: Option<Val>,
    /// Run to completion (`restart: "no"` and another service waits for its success).
    pub one_shot: bool,
}

/// Whether an image reference `written` with an unresolved variable ending at byte
/// `end` still has a fixed tag and digest: the text after the variable is literal and
/// reaches the tag or digest (`/`, `:` or `@`). `registry/${NAME}:latest` (tag
/// `latest`), `${REGISTRY}/app` (no tag), `${IMAGE}@sha256:…` (a digest) are fixed;
/// `app:${TAG}`, `${IMAGE}` and `app-${VARIANT}` are not.
pub fn image_pin_fixed(written: &str, end: usize) -> bool {
    crate::parse::interpolate::literal_tail(written, end)
        .is_some_and(|t| t.contains(['/', ':', '@']))
}

/// Whether the literal text of an image reference `written` before an unresolved
/// variable starting at byte `start` fixes the registry host and the start of the
/// repository path, and that text if so. It must hold a `/`, so the first path
/// component (host or Docker Hub namespace) is complete: `ghcr.io/acme/${NAME}`,
/// `mcp/${NAME}`. Without one, a `:` or `@` written before the variable in a reference
/// with no `/` at all fixes the name (`node:${TAG}`): a tag or digest holds no `/`.
/// `${REGISTRY}/app`, `ghcr.io${PATH}` and `localhost:${PORT}/app` fix nothing.
pub fn image_registry_head(written: &str, start: usize) -> Option<&str> {
    crate::parse::interpolate::literal_head(written, start)
        .filter(|h| h.contains('/') || (h.contains([':', '@']) && !written.contains('/')))
}

/// What the `image:` node's unresolved variables leave decided: as written,
/// [`Service::image_written`], [`Service::image_pin_fixed`] and
/// [`Service::image_registry_head`].
struct ImageWritten {
    written: Option<String>,
    pin_fixed: bool,
    registry_head: Option<String>,
}

fn image_written(n: Option<&CNode>) -> ImageWritten {
    let unresolved = n.and_then(|n| {
        let raw = n.raw.as_deref()?;
        let refs = n.vars.iter().filter(|v| v.unresolved());
        let r = crate::parse::interpolate::span(refs.map(|v| v.start..v.end))?;
        Some((raw, r.start, r.end))
    });
    match unresolved {
        Some((raw, start, end)) => ImageWritten {
            written: Some(raw.to_string()),
            pin_fixed: image_pin_fixed(raw, end),
            registry_head: image_registry_head(raw, start).map(str::to_string),
        },
        None => ImageWritten {
            written: None,
            pin_fixed: false,
            registry_head: None,
        },
    }
}

fn val_at(n: &CNode, path: &[&str]) -> Option<Val> {
    let mut cur = n;
    for p in path {
        cur = cur.get(p)?;
    }
    Val::of(cur)
}

fn bool_at(n: &CNode, key: &str) -> Option<BoolVal> {
    let v = n.get(key)?;
    let unset = unset_vars(v);
    Some(BoolVal {
        value: v.truthy().unwrap_or(false),
        raw: v.text().unwrap_or_default(),
        loc: v.loc.clone(),
        indeterminate: !unset.is_empty(),
        unset,
    })
}

/// The variables under `n` that are unset (no default) or required.
fn unset_vars(n: &CNode) -> Vec<Var> {
    n.unresolved_vars().into_iter().cloned().collect()
}

fn list_vals(n: Option<&CNode>) -> Vec<Val> {
    match n {
        Some(n) => match &n.v {
            CVal::Seq(items) => items.iter().filter_map(Val::of).collect(),
            _ => Val::of(n).into_iter().collect(),
        },
        None => Vec::new(),
    }
}

/// `environment`, `labels`, `build.args`: a list of `K=V` (or bare `K`) or a map.
pub fn key_value_map(n: Option<&CNode>) -> BTreeMap<String, Val> {
    let mut out = BTreeMap::new();
    let Some(n) = n else { return out };
    match &n.v {
        CVal::Seq(items) => {
            for it in items {
                if let Some(t) = it.text() {
                    let (k, v) = match t.split_once('=') {
                        Some((k, v)) => (k.trim().to_string(), v.to_string()),
                        None => (t.trim().to_string(), String::new()),
                    };
                    out.insert(k, Val::with(v, it));
                }
            }
        }
        CVal::Map(entries) => {
            for (k, v) in entries {
                let val = match &v.v {
                    CVal::Null => Val {
                        value: String::new(),
                        loc: k.loc.clone(),
                        vars: vec![],
                        indeterminate: false,
                        defined: None,
                        secret: None,
                        secret_name: None,
                    },
                    _ => Val::of(v).unwrap_or_else(|| Val::with(String::new(), v)),
                };
                out.insert(k.name.clone(), val);
            }
        }
        _ => {}
    }
    out
}

/// Key-value entries classified and redacted, each marked with whether its key names
/// a secret.
fn protect_map(m: BTreeMap<String, Val>, placeholders: &Placeholders) -> BTreeMap<String, Val> {
    m.into_iter()
        .map(|(k, v)| {
            let mut v = protect(&k, v, placeholders);
            v.secret_name = Some(secrets::secret_name(&k));
            (k, v)
        })
        .collect()
}

fn parse_port(text: &str) -> (Option<String>, Option<String>, String, String) {
    let (body, proto) = match text.rsplit_once('/') {
        Some((b, p)) => (b, p.to_string()),
        None => (text, "tcp".to_string()),
    };
    // IPv6 host ip in brackets: [::1]:8080:80
    if let Some(rest) = body.strip_prefix('[') {
        if let Some((ip, after)) = rest.split_once(']') {
            let after = after.trim_start_matches(':');
            let (published, target) = match after.rsplit_once(':') {
                Some((p, t)) => (Some(p.to_string()), t.to_string()),
                None => (None, after.to_string()),
            };
            return (Some(ip.to_string()), published, target, proto);
        }
    }
    let parts: Vec<&str> = body.split(':').collect();
    match parts.as_slice() {
        [t] => (None, None, t.to_string(), proto),
        [p, t] => (None, Some(p.to_string()), t.to_string(), proto),
        [ip, p, t] => (
            Some(ip.to_string()),
            Some(p.to_string()),
            t.to_string(),
            proto,
        ),
        _ => {
            let t = parts.last().copied().unwrap_or("").to_string();
            let p = parts[parts.len().saturating_sub(2)].to_string();
            let ip = parts[..parts.len().saturating_sub(2)].join(":");
            (Some(ip), Some(p), t, proto)
        }
    }
}

fn ports(n: Option<&CNode>) -> Vec<Port> {
    let Some(n) = n else { return Vec::new() };
    n.seq()
        .iter()
        .map(|p| {
            let unset = unset_vars(p);
            let indeterminate = !unset.is_empty();
            if let Some(t) = p.text() {
                let (mut host_ip, mut published, mut target, protocol) = parse_port(&t);
                let mut host_ip_indeterminate = indeterminate;
                if indeterminate {
                    if let Some(w) = p.raw.as_deref().and_then(|raw| written_port(raw, &p.vars)) {
                        // The same parts as the interpolated text (an unresolved
                        // variable interpolates to nothing): the undecided ones are
                        // shown as written.
                        if (w.0.is_some(), w.1.is_some())
                            == (host_ip.is_some(), published.is_some())
                        {
                            host_ip_indeterminate = match (&w.0, &w.1) {
                                (Some(ip), _) => ip.undecided,
                                (None, Some(p)) => p.undecided,
                                (None, None) => w.2.undecided,
                            };
                            let shown = |part: &WrittenPart, value: &mut String| {
                                if part.undecided {
                                    *value = part.text.clone();
                                }
                            };
                            if let (Some(w), Some(v)) = (&w.0, host_ip.as_mut()) {
                                shown(w, v);
                            }
                            if let (Some(w), Some(v)) = (&w.1, published.as_mut()) {
                                shown(w, v);
                            }
                            shown(&w.2, &mut target);
                        }
                    }
                }
                Port {
                    host_ip,
                    published,
                    target,
                    protocol,
                    loc: p.loc.clone(),
                    indeterminate,
                    host_ip_indeterminate,
                    unset,
                }
            } else {
                // Long syntax: each part is its own scalar.
                let part = |key: &str| {
                    p.get(key).map(|n| {
                        if n.vars.iter().any(Var::unresolved) {
                            n.raw.clone().or_else(|| n.text()).unwrap_or_default()
                        } else {
                            n.text().unwrap_or_default()
                        }
                    })
                };
                let host_ip_node = p.get("host_ip");
                Port {
                    host_ip: host_ip_node.and_then(CNode::text).and(part("host_ip")),
                    published: p
                        .get("published")
                        .and_then(CNode::text)
                        .and(part("published")),
                    target: part("target").unwrap_or_default(),
                    protocol: p
                        .get("protocol")
                        .and_then(CNode::text)
                        .unwrap_or_else(|| "tcp".into()),
                    loc: p.loc.clone(),
                    indeterminate,
                    host_ip_indeterminate: host_ip_node
                        .is_some_and(|n| n.vars.iter().any(Var::unresolved)),
                    unset,
                }
            }
        })
        .collect()
}

/// A part of a short-syntax port entry as written, with its variables.
#[derive(Debug, PartialEq)]
struct WrittenPart {
    text: String,
    /// An unresolved variable is in it.
    undecided: bool,
}

/// The host IP, host port and container port of a short-syntax entry as written
/// (`${BIND}:8080:8080`): each variable reference stands in for a character that is no
/// separator while the entry is split, so a default such as `${BIND:-127.0.0.1}` does
/// not split it. `None` when the references cannot be placed in `raw`.
fn written_port(
    raw: &str,
    vars: &[Var],
) -> Option<(Option<WrittenPart>, Option<WrittenPart>, WrittenPart)> {
    // The outermost references (a default may hold another), in order; one is
    // unresolved when any variable inside it is.
    let mut refs: Vec<(usize, usize, bool)> = Vec::new();
    let mut sorted: Vec<&Var> = vars.iter().collect();
    sorted.sort_by_key(|v| (v.start, std::cmp::Reverse(v.end)));
    for v in sorted {
        if v.start >= v.end
            || v.end > raw.len()
            || !raw.is_char_boundary(v.start)
            || !raw.is_char_boundary(v.end)
        {
            return None;
        }
        match refs.last_mut() {
            Some(last) if v.start < last.1 => {
                if v.end > last.1 {
                    return None;
                }
                last.2 |= v.unresolved();
            }
            _ => refs.push((v.start, v.end, v.unresolved())),
        }
    }
    // Reference i stands as the private-use character U+E000 + i.
    let private = |c: char| ('\u{E000}'..='\u{F8FF}').contains(&c);
    if refs.len() > 0x1900 || raw.chars().any(private) {
        return None;
    }
    let mut masked = String::with_capacity(raw.len());
    let mut at = 0;
    for (i, (start, end, _)) in refs.iter().enumerate() {
        masked.push_str(&raw[at..*start]);
        masked.push(char::from_u32(0xE000 + u32::try_from(i).ok()?)?);
        at = *end;
    }
    masked.push_str(&raw[at..]);
    let part = |s: String| {
        let mut text = String::with_capacity(s.len());
        let mut undecided = false;
        for c in s.chars() {
            match (c as u32).checked_sub(0xE000).map(|i| i as usize) {
                Some(i) if private(c) && i < refs.len() => {
                    let (start, end, unresolved) = refs[i];
                    text.push_str(&raw[start..end]);
                    undecided |= unresolved;
                }
                _ => text.push(c),
            }
        }
        WrittenPart { text, undecided }
    };
    let (ip, published, target, _) = parse_port(&masked);
    Some((ip.map(part), published.map(part), part(target)))
}

fn volumes(n: Option<&CNode>) -> Vec<Mount> {
    let Some(n) = n else { return Vec::new() };
    n.seq()
        .iter()
        .map(|v| {
            let unset = unset_vars(v);
            let indeterminate = !unset.is_empty();
            if let Some(t) = v.text() {
                let parts: Vec<&str> = t.split(':').collect();
                // Windows drive letters (C:\x) are not separators.
                let (source, target, mode) = match parts.as_slice() {
                    [t] => (None, t.to_string(), ""),
                    [s, t] => (Some(s.to_string()), t.to_string(), ""),
                    [s, t, m, ..] => (Some(s.to_string()), t.to_string(), *m),
                    [] => (None, String::new(), ""),
                };
                let kind = match &source {
                    None => "volume",
                    Some(s)
                        if s.starts_with('/')
                            || s.starts_with('.')
                            || s.starts_with('~')
                            || s.starts_with('$') =>
                    {
                        "bind"
                    }
                    Some(_) => "volume",
                };
                Mount {
                    kind: kind.into(),
                    source,
                    target,
                    read_only: mode.split(',').any(|m| m == "ro"),
                    loc: v.loc.clone(),
                    indeterminate,
                    unset,
                }
            } else {
                Mount {
                    kind: v
                        .get("type")
                        .and_then(CNode::text)
                        .unwrap_or_else(|| "volume".into()),
                    source: v.get("source").and_then(CNode::text),
                    target: v.get("target").and_then(CNode::text).unwrap_or_default(),
                    read_only: v.get("read_only").and_then(CNode::truthy).unwrap_or(false),
                    loc: v.loc.clone(),
                    indeterminate,
                    unset,
                }
            }
        })
        .collect()
}

fn networks(n: Option<&CNode>) -> Vec<Network> {
    let Some(n) = n else { return Vec::new() };
    match &n.v {
        CVal::Seq(items) => items
            .iter()
            .filter_map(|i| {
                Some(Network {
                    name: i.text()?,
                    loc: i.loc.clone(),
                })
            })
            .collect(),
        CVal::Map(entries) => entries
            .iter()
            .map(|(k, _)| Network {
                name: k.name.clone(),
                loc: k.loc.clone(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The words of a list-form command as one line, with the variables each word
/// interpolated (`["psql", "-c", "… PASSWORD '${DB_PASSWORD}'"]` keeps
/// `DB_PASSWORD`); a word set from a secret-named variable is redacted, as a whole
/// value is in [`Val::of`].
fn seq_words(items: &[CNode], list: &CNode) -> Val {
    let words: Vec<String> = items
        .iter()
        .filter_map(|i| {
            let t = i.text()?;
            Some(if from_secret_var(&i.vars) {
                secrets::redact(&t)
            } else {
                t
            })
        })
        .collect();
    let mut v = Val::with(words.join(" "), list);
    v.vars
        .extend(items.iter().flat_map(|i| i.vars.iter().cloned()));
    v.indeterminate = v.vars.iter().any(Var::unresolved);
    v
}

fn healthcheck(n: Option<&CNode>) -> Option<Healthcheck> {
    let n = n?;
    let test = n.get("test");
    let (test_val, test_none) = match test {
        None => (None, false),
        Some(t) => match &t.v {
            CVal::Seq(items) => {
                let none = items
                    .first()
                    .and_then(CNode::text)
                    .is_some_and(|w| w.eq_ignore_ascii_case("NONE"));
                (Some(seq_words(items, t)), none)
            }
            _ => {
                let v = Val::of(t);
                let none = v
                    .as_ref()
                    .is_some_and(|v| v.value.trim().eq_ignore_ascii_case("NONE"));
                (v, none)
            }
        },
    };
    Some(Healthcheck {
        test: test_val,
        test_none,
        disable: bool_at(n, "disable"),
        loc: n.loc.clone(),
    })
}

fn build(n: Option<&CNode>, placeholders: &Placeholders) -> Option<Build> {
    let n = n?;
    if let Some(ctx) = Val::of(n) {
        return Some(Build {
            loc: ctx.loc.clone(),
            context: Some(ctx),
            dockerfile: None,
            dockerfile_inline: None,
            target: None,
            args: BTreeMap::new(),
            labels: BTreeMap::new(),
        });
    }
    Some(Build {
        context: val_at(n, &["context"]),
        dockerfile: val_at(n, &["dockerfile"]),
        dockerfile_inline: val_at(n, &["dockerfile_inline"]),
        target: val_at(n, &["target"]),
        args: protect_map(key_value_map(n.get("args")), placeholders),
        labels: key_value_map(n.get("labels")),
        loc: n.loc.clone(),
    })
}

/// `command`/`entrypoint`: a string, or a list joined with spaces. Secrets in it are redacted.
fn calls_of(v: &Option<Val>) -> Vec<crate::resolve::shell::Call> {
    use crate::resolve::shell;
    v.as_ref()
        .map(|v| shell::calls(&shell::commands(&v.value)))
        .unwrap_or_default()
}

fn joined(n: Option<&CNode>) -> Option<Val> {
    let c = n?;
    let mut v = match &c.v {
        CVal::Seq(items) => seq_words(items, c),
        _ => Val::of(c)?,
    };
    if !secrets::find_in_text(&v.value).is_empty() {
        v.value = v
            .value
            .split(' ')
            .map(|w| {
                if secrets::find_in_text(w).is_empty() {
                    w.to_string()
                } else {
                    secrets::redact(w)
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
    }
    Some(v)
}

impl Service {
    /// The service at `key`, its secret-named values classified (the team's
    /// `placeholders` counting as stand-ins) and redacted.
    pub fn from_node(key: &CKey, n: &CNode, placeholders: &Placeholders) -> Service {
        let deploy = n.get("deploy");
        let res = deploy.and_then(|d| d.get("resources"));
        let command = joined(n.get("command"));
        let entrypoint = joined(n.get("entrypoint"));
        let devices = n
            .get("devices")
            .map(|d| {
                d.seq()
                    .iter()
                    .filter_map(|i| {
                        let value = i.text().or_else(|| i.get("source").and_then(CNode::text))?;
                        let host = value.split(':').next().unwrap_or("").to_string();
                        Some(Device {
                            value,
                            host,
                            loc: i.loc.clone(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let written = image_written(n.get("image"));
        Service {
            name: key.name.clone(),
            loc: key.loc.clone(),
            image: val_at(n, &["image"]),
            image_written: written.written,
            image_pin_fixed: written.pin_fixed,
            image_registry_head: written.registry_head,
            has_build: n.get("build").is_some_and(|b| !b.is_null()),
            build: build(n.get("build"), placeholders).map(Box::new),
            user: val_at(n, &["user"]),
            privileged: bool_at(n, "privileged"),
            use_api_socket: bool_at(n, "use_api_socket"),
            read_only: bool_at(n, "read_only"),
            cap_add: list_vals(n.get("cap_add")),
            cap_drop: list_vals(n.get("cap_drop")),
            devices,
            security_opt: list_vals(n.get("security_opt")),
            mem_limit: val_at(n, &["mem_limit"]),
            memory_limit_deploy: res.and_then(|r| val_at(r, &["limits", "memory"])),
            memory_reservation: res.and_then(|r| val_at(r, &["reservations", "memory"])),
            cpus: val_at(n, &["cpus"]),
            cpus_deploy: res.and_then(|r| val_at(r, &["limits", "cpus"])),
            healthcheck: healthcheck(n.get("healthcheck")).map(Box::new),
            labels: key_value_map(n.get("labels")),
            environment: protect_map(key_value_map(n.get("environment")), placeholders),
            env_file: match n.get("env_file") {
                Some(e) if matches!(e.v, CVal::Seq(_)) => e
                    .seq()
                    .iter()
                    .filter_map(|i| Val::of(i).or_else(|| i.get("path").and_then(Val::of)))
                    .collect(),
                other => list_vals(other),
            },
            ports: ports(n.get("ports")),
            volumes: volumes(n.get("volumes")),
            networks: networks(n.get("networks")),
            network_mode: val_at(n, &["network_mode"]),
            restart: val_at(n, &["restart"]),
            command: command.clone(),
            entrypoint: entrypoint.clone(),
            command_calls: calls_of(&command),
            entrypoint_calls: calls_of(&entrypoint),
            command_secrets: {
                let mut v = Vec::new();
                for c in [n.get("command"), n.get("entrypoint")]
                    .into_iter()
                    .flatten()
                {
                    let mut text = String::new();
                    c.walk(&mut |x| {
                        if let Some(t) = x.text() {
                            text.push_str(&t);
                            text.push(' ');
                        }
                    });
                    for k in secrets::find_in_text(&text) {
                        if !v.contains(&k) {
                            v.push(k);
                        }
                    }
                }
                v
            },
            field_secrets: field_secrets(n),
            tmpfs: list_vals(n.get("tmpfs")),
            pids_limit: val_at(n, &["pids_limit"])
                .or_else(|| res.and_then(|r| val_at(r, &["limits", "pids"]))),
            cpu_shares: val_at(n, &["cpu_shares"]),
            cpu_quota: val_at(n, &["cpu_quota"]),
            init: bool_at(n, "init"),
            pid: val_at(n, &["pid"]),
            ipc: val_at(n, &["ipc"]),
            uts: val_at(n, &["uts"]),
            userns_mode: val_at(n, &["userns_mode"]),
            logging: n.get("logging").map(|l| {
                Box::new(Logging {
                    driver: val_at(l, &["driver"]),
                    options: key_value_map(l.get("options")),
                    loc: l.loc.clone(),
                })
            }),
            secrets: n
                .get("secrets")
                .map(|s| {
                    s.seq()
                        .iter()
                        .filter_map(|i| Val::of(i).or_else(|| i.get("source").and_then(Val::of)))
                        .collect()
                })
                .unwrap_or_default(),
            container_name: val_at(n, &["container_name"]),
            one_shot: false,
        }
    }
}

/// Docker's reading of a memory size (`512m`, `2g` are binary units); `None` if invalid.
pub fn parse_memory(s: &str) -> Option<i128> {
    let t = s.trim().to_ascii_lowercase();
    if t.is_empty() {
        return None;
    }
    let t = t.strip_suffix('b').unwrap_or(&t);
    let (num, mult): (&str, i128) = match t.chars().last()? {
        'k' => (&t[..t.len() - 1], 1 << 10),
        'm' => (&t[..t.len() - 1], 1 << 20),
        'g' => (&t[..t.len() - 1], 1 << 30),
        't' => (&t[..t.len() - 1], 1 << 40),
        _ => (t, 1),
    };
    let n: f64 = num.trim().parse().ok()?;
    if !n.is_finite() {
        return None;
    }
    Some((n * mult as f64) as i128)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::compose::{load, InterpEnv};
    use crate::parse::yaml::YamlLimits;
    use crate::source::SourceFile;

    fn services(text: &str) -> Vec<Service> {
        let src = SourceFile::from_str("compose.yaml", text);
        let f = load(&src, &InterpEnv::default(), &YamlLimits::default()).unwrap();
        f.root
            .get("services")
            .unwrap()
            .map()
            .iter()
            .map(|(k, v)| Service::from_node(k, v, &Placeholders::default()))
            .collect()
    }

    #[test]
    fn image_written_with_an_unset_variable() {
        let s = services(
            "services:\n  a:\n    image: localhost:5000/idp/${SERVER_NAME}:latest\n  b:\n    image: ${REGISTRY}/app\n  c:\n    image: app:${TAG}\n  d:\n    image: ${IMAGE}\n  e:\n    image: ${REGISTRY:-ghcr.io}/app:1.0\n  f:\n    image: &img ${R}/x@sha256:00\n  g:\n    image: *img\n",
        );
        let got: Vec<(&str, Option<&str>, bool)> = s
            .iter()
            .map(|s| {
                (
                    s.name.as_str(),
                    s.image_written.as_deref(),
                    s.image_pin_fixed,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("a", Some("localhost:5000/idp/${SERVER_NAME}:latest"), true),
                ("b", Some("${REGISTRY}/app"), true),
                ("c", Some("app:${TAG}"), false),
                ("d", Some("${IMAGE}"), false),
                ("e", None, false),
                ("f", Some("${R}/x@sha256:00"), true),
                ("g", Some("${R}/x@sha256:00"), true),
            ]
        );
        assert_eq!(
            s[0].image.as_ref().unwrap().value,
            "localhost:5000/idp/:latest"
        );
        assert!(!image_pin_fixed("app-${VARIANT}", 14));
        let heads: Vec<(&str, Option<&str>)> = s
            .iter()
            .map(|s| (s.name.as_str(), s.image_registry_head.as_deref()))
            .collect();
        assert_eq!(
            heads,
            [
                ("a", Some("localhost:5000/idp/")),
                ("b", None),
                ("c", Some("app:")),
                ("d", None),
                ("e", None),
                ("f", None),
                ("g", None),
            ]
        );
    }

    #[test]
    fn registry_head_of_an_image_with_an_unset_variable() {
        fn head(w: &str) -> Option<&str> {
            image_registry_head(w, w.find('$').unwrap())
        }
        assert_eq!(head("ghcr.io/acme/${NAME}:1"), Some("ghcr.io/acme/"));
        assert_eq!(head("mcp/${NAME}"), Some("mcp/"));
        assert_eq!(head("ghcr.io/${ORG}/app"), Some("ghcr.io/"));
        assert_eq!(head("node:${TAG}"), Some("node:"));
        assert_eq!(head("node@${DIGEST}"), Some("node@"));
        assert_eq!(head("${REGISTRY}/app"), None, "nothing written before");
        assert_eq!(head("ghcr.io${PATH}"), None, "the host may go on");
        assert_eq!(
            head("localhost:${PORT}/app"),
            None,
            "a `:` before a `/` is a port"
        );
        assert_eq!(head("app-${VARIANT}"), None, "the name may go on");
    }

    #[test]
    fn anchors_and_merges_in_environment_and_service() {
        let s = services(
            "x-common: &common\n  restart: unless-stopped\n  networks: [a, b]\nx-vars: &vars\n  LOG: info\n  GOV: \"true\"\nservices:\n  s1:\n    <<: *common\n    networks: [c]\n    environment:\n      <<: *vars\n      GOV: \"false\"\n      TOKEN: x\n",
        );
        let s1 = &s[0];
        assert_eq!(s1.restart.as_ref().unwrap().value, "unless-stopped");
        // A key written in the service replaces the merged one (sequences are not concatenated).
        let nets: Vec<_> = s1.networks.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(nets, vec!["c"]);
        assert_eq!(s1.environment["LOG"].value, "info");
        assert_eq!(s1.environment["GOV"].value, "false");
        // A secret-named value is classified and redacted.
        assert!(s1.environment["TOKEN"].secret.as_ref().unwrap().placeholder);
        assert!(
            !s1.environment["TOKEN"].value.contains('x')
                || s1.environment["TOKEN"].value.contains("redacted")
        );
    }

    #[test]
    fn short_and_long_syntaxes() {
        let s = services(concat!(
            "version: '3.8'\n",
            "services:\n",
            "  a:\n",
            "    image: nginx:1.27\n",
            "    environment: [A=1, B, C=x=y]\n",
            "    labels: {mcp.server: github, mcp.governance.audit: true}\n",
            "    security_opt: [no-new-privileges:true]\n",
            "    ports: [\"127.0.0.1:8080:80\", {target: 80, published: \"8081\", host_ip: 0.0.0.0}]\n",
            "    volumes:\n",
            "      - ./src:/app:ro\n",
            "      - data:/data\n",
            "      - type: bind\n",
            "        source: /var/run/docker.sock\n",
            "        target: /var/run/docker.sock\n",
            "        read_only: true\n",
            "    networks:\n",
            "      front: {}\n",
            "      back:\n",
            "        aliases: [x]\n",
            "    healthcheck:\n",
            "      test: [\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"]\n",
            "    build:\n",
            "      context: ./svc\n",
            "      target: runtime\n",
            "      args: [UID=1001]\n",
            "    deploy:\n",
            "      resources:\n",
            "        limits: {memory: 1g, cpus: '0.5'}\n",
            "        reservations: {memory: 256m}\n",
        ));
        let a = &s[0];
        assert_eq!(a.environment["A"].value, "1");
        assert_eq!(a.environment["B"].value, "");
        assert_eq!(a.environment["C"].value, "x=y");
        assert_eq!(a.labels["mcp.governance.audit"].value, "true");
        assert_eq!(a.security_opt[0].value, "no-new-privileges:true");
        assert_eq!(a.ports[0].host_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(a.ports[1].published.as_deref(), Some("8081"));
        assert_eq!(a.ports[1].target, "80");
        assert!(a.volumes[0].read_only && a.volumes[0].kind == "bind");
        assert_eq!(a.volumes[1].kind, "volume");
        assert_eq!(a.volumes[2].source.as_deref(), Some("/var/run/docker.sock"));
        assert!(a.volumes[2].read_only);
        let nets: Vec<_> = a.networks.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(nets, vec!["front", "back"]);
        assert!(a
            .healthcheck
            .as_ref()
            .unwrap()
            .test
            .as_ref()
            .unwrap()
            .value
            .starts_with("CMD-SHELL curl"));
        let b = a.build.as_ref().unwrap();
        assert_eq!(b.context.as_ref().unwrap().value, "./svc");
        assert_eq!(b.target.as_ref().unwrap().value, "runtime");
        assert_eq!(b.args["UID"].value, "1001");
        assert_eq!(a.memory_limit_deploy.as_ref().unwrap().value, "1g");
        assert_eq!(a.memory_reservation.as_ref().unwrap().value, "256m");
        assert_eq!(a.cpus_deploy.as_ref().unwrap().value, "0.5");
        assert_eq!(a.memory_limit_deploy.as_ref().unwrap().loc.line, 28);
    }

    #[test]
    fn healthcheck_forms_and_build_string() {
        let s = services(
            "services:\n  a:\n    build: .\n    healthcheck: {test: [\"NONE\"]}\n  b:\n    image: x:1\n    healthcheck:\n      disable: true\n  c:\n    image: x:1\n    healthcheck:\n      interval: 30s\n  d:\n    image: x:1\n    healthcheck:\n      test: curl -f http://localhost\n",
        );
        assert!(s[0].has_build);
        assert_eq!(
            s[0].build.as_ref().unwrap().context.as_ref().unwrap().value,
            "."
        );
        assert!(s[0].healthcheck.as_ref().unwrap().test_none);
        assert!(
            s[1].healthcheck
                .as_ref()
                .unwrap()
                .disable
                .as_ref()
                .unwrap()
                .value
        );
        assert!(s[2].healthcheck.as_ref().unwrap().test.is_none());
        assert_eq!(
            s[3].healthcheck
                .as_ref()
                .unwrap()
                .test
                .as_ref()
                .unwrap()
                .value,
            "curl -f http://localhost"
        );
    }

    #[test]
    fn port_forms() {
        assert_eq!(
            parse_port("8501:8080"),
            (None, Some("8501".into()), "8080".into(), "tcp".into())
        );
        assert_eq!(
            parse_port("127.0.0.1:8080:80"),
            (
                Some("127.0.0.1".into()),
                Some("8080".into()),
                "80".into(),
                "tcp".into()
            )
        );
        assert_eq!(
            parse_port("[::1]:8080:80"),
            (
                Some("::1".into()),
                Some("8080".into()),
                "80".into(),
                "tcp".into()
            )
        );
        assert_eq!(
            parse_port("3000-3100:3000"),
            (None, Some("3000-3100".into()), "3000".into(), "tcp".into())
        );
        assert_eq!(parse_port("53:53/udp").3, "udp");
        assert_eq!(parse_port("80").2, "80");
    }

    /// Which part of a port entry an unset variable leaves undecided: the part is
    /// shown as written, and only the host IP (or a part that may carry one) leaves the
    /// interfaces undecided.
    #[test]
    fn ports_with_unset_variables() {
        let s = services(
            "services:\n  a:\n    ports:\n      - ${BIND}:8080:8080\n      - ${HOST_PORT}:8080\n      - 127.0.0.1:${HOST_PORT}:8080\n      - 8081:${TARGET}\n      - ${BIND:-127.0.0.1}:${P:?set P}:80/udp\n      - ${PORTS}\n      - ${A:-${B}}:90\n      - 9000:9000\n      - host_ip: ${BIND}\n        published: \"8082\"\n        target: 8082\n      - published: ${HOST_PORT}\n        target: 8083\n",
        );
        // host IP, host port, container port, protocol, indeterminate, host IP indeterminate
        type Row<'a> = (
            Option<&'a str>,
            Option<&'a str>,
            &'a str,
            &'a str,
            bool,
            bool,
        );
        let got: Vec<Row> = s[0]
            .ports
            .iter()
            .map(|p| {
                (
                    p.host_ip.as_deref(),
                    p.published.as_deref(),
                    p.target.as_str(),
                    p.protocol.as_str(),
                    p.indeterminate,
                    p.host_ip_indeterminate,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (Some("${BIND}"), Some("8080"), "8080", "tcp", true, true),
                (None, Some("${HOST_PORT}"), "8080", "tcp", true, true),
                (
                    Some("127.0.0.1"),
                    Some("${HOST_PORT}"),
                    "8080",
                    "tcp",
                    true,
                    false
                ),
                (None, Some("8081"), "${TARGET}", "tcp", true, false),
                (
                    Some("127.0.0.1"),
                    Some("${P:?set P}"),
                    "80",
                    "udp",
                    true,
                    false
                ),
                (None, None, "${PORTS}", "tcp", true, true),
                (None, Some("${A:-${B}}"), "90", "tcp", true, true),
                (None, Some("9000"), "9000", "tcp", false, false),
                (Some("${BIND}"), Some("8082"), "8082", "tcp", true, true),
                (None, Some("${HOST_PORT}"), "8083", "tcp", true, false),
            ]
        );
    }

    /// Port entries built from the characters that matter to the split (separators,
    /// brackets, references, defaults, multi-byte text) never panic, and a port with
    /// no unresolved variable is never indeterminate.
    #[test]
    fn port_entries_of_any_shape() {
        let pieces = [
            "${A}",
            "${B:-1.2.3.4}",
            "${C:?need ip:port}",
            "$D",
            "${E:-${F}}",
            "$$",
            ":",
            "[",
            "]",
            "::1",
            "/udp",
            "8080",
            "é",
            "-",
            "}",
            "${",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut text = String::from("services:\n  a:\n    ports:\n");
        for _ in 0..400 {
            let mut entry = String::new();
            for _ in 0..(seed % 6 + 1) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                entry.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            text.push_str(&format!("      - '{}'\n", entry.replace('\'', "''")));
        }
        let src = SourceFile::from_str("compose.yaml", &text);
        let f = load(&src, &InterpEnv::default(), &YamlLimits::default()).unwrap();
        let svc = f.root.get("services").unwrap().get("a").unwrap();
        let ports = ports(svc.get("ports"));
        assert_eq!(ports.len(), 400);
        for p in &ports {
            assert!(p.indeterminate || !p.host_ip_indeterminate, "{p:?}");
        }
        // Both kinds of undecided entries were made.
        assert!(ports.iter().any(|p| p.host_ip_indeterminate));
        assert!(ports
            .iter()
            .any(|p| p.indeterminate && !p.host_ip_indeterminate));
    }

    #[test]
    fn memory_sizes() {
        assert_eq!(parse_memory("512m"), Some(512 << 20));
        assert_eq!(parse_memory("2g"), Some(2 << 30));
        assert_eq!(parse_memory("1gb"), Some(1 << 30));
        assert_eq!(parse_memory("0"), Some(0));
        assert_eq!(parse_memory("-1"), Some(-1));
        assert_eq!(parse_memory(""), None);
        assert_eq!(parse_memory("lots"), None);
    }
}
