//! Compose files: YAML tree → interpolated tree with file locations, and the Compose
//! merge of override files. Typed extraction of services happens in `model`.

use super::interpolate::{self, VarOrigin};
use super::yaml::{self, YKey, YNode, YValue, YamlLimits};
use crate::source::{Loc, SourceFile};
use serde::Serialize;
use std::collections::BTreeMap;

/// Where an interpolated variable got its value.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Var {
    pub name: String,
    /// `set`, `default`, `unset` or `required`.
    pub origin: &'static str,
    /// `environment` or `.env:LINE` when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Byte offset of the reference's `$` in the text before interpolation.
    #[serde(skip)]
    pub start: usize,
    /// Byte offset just past the reference in the text before interpolation.
    #[serde(skip)]
    pub end: usize,
}

impl Var {
    pub fn unresolved(&self) -> bool {
        matches!(self.origin, "unset" | "required")
    }
}

/// A node of an interpolated Compose tree.
#[derive(Clone, Debug)]
pub struct CNode {
    pub v: CVal,
    pub loc: Loc,
    /// Anchor site when the node came through an alias or a `<<` merge (boxed: most
    /// nodes have none, and a file can have hundreds of thousands of nodes).
    pub defined: Option<Box<Loc>>,
    /// Variables interpolated into this scalar.
    pub vars: Vec<Var>,
    /// The text before interpolation, when it differed.
    pub raw: Option<String>,
    pub tag: Option<String>,
}

#[derive(Clone, Debug)]
pub enum CVal {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<CNode>),
    Map(Vec<(CKey, CNode)>),
}

#[derive(Clone, Debug)]
pub struct CKey {
    pub name: String,
    pub loc: Loc,
}

impl CNode {
    pub fn get(&self, key: &str) -> Option<&CNode> {
        self.entry(key).map(|(_, v)| v)
    }
    pub fn entry(&self, key: &str) -> Option<(&CKey, &CNode)> {
        match &self.v {
            CVal::Map(m) => m
                .iter()
                .rev()
                .find(|(k, _)| k.name == key)
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }
    pub fn entry_mut(&mut self, key: &str) -> Option<&mut CNode> {
        match &mut self.v {
            CVal::Map(m) => m
                .iter_mut()
                .rev()
                .find(|(k, _)| k.name == key)
                .map(|(_, v)| v),
            _ => None,
        }
    }
    /// An empty mapping written at `loc`.
    pub fn map_at(loc: Loc) -> CNode {
        CNode {
            v: CVal::Map(Vec::new()),
            ..CNode::scalar("", loc)
        }
    }
    /// A plain string scalar written at `loc`.
    pub fn scalar(text: &str, loc: Loc) -> CNode {
        CNode {
            v: CVal::Str(text.to_string()),
            loc,
            defined: None,
            vars: Vec::new(),
            raw: None,
            tag: None,
        }
    }
    pub fn map(&self) -> &[(CKey, CNode)] {
        match &self.v {
            CVal::Map(m) => m,
            _ => &[],
        }
    }
    pub fn seq(&self) -> &[CNode] {
        match &self.v {
            CVal::Seq(s) => s,
            _ => &[],
        }
    }
    pub fn is_null(&self) -> bool {
        matches!(self.v, CVal::Null)
    }
    /// The scalar as Compose reads it into a string field.
    pub fn text(&self) -> Option<String> {
        match &self.v {
            CVal::Str(s) => Some(s.clone()),
            CVal::Bool(b) => Some(b.to_string()),
            CVal::Int(i) => Some(i.to_string()),
            CVal::Float(f) => Some(f.to_string()),
            _ => None,
        }
    }
    /// YAML 1.1/1.2 truthiness as Compose accepts it for booleans.
    pub fn truthy(&self) -> Option<bool> {
        match &self.v {
            CVal::Bool(b) => Some(*b),
            CVal::Str(s) => match s.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "y" | "1" => Some(true),
                "false" | "no" | "off" | "n" | "0" | "" => Some(false),
                _ => None,
            },
            CVal::Int(i) => Some(*i != 0),
            _ => None,
        }
    }
    /// Any variable interpolated into this node (or below it) left unresolved.
    pub fn unresolved_vars(&self) -> Vec<&Var> {
        let mut out = Vec::new();
        self.walk(&mut |n| out.extend(n.vars.iter().filter(|v| v.unresolved())));
        out
    }
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a CNode)) {
        f(self);
        match &self.v {
            CVal::Seq(s) => s.iter().for_each(|n| n.walk(f)),
            CVal::Map(m) => m.iter().for_each(|(_, n)| n.walk(f)),
            _ => {}
        }
    }
    /// A string scalar as the raw views show it: redacted when it was interpolated
    /// from a secret-named variable of the environment.
    pub fn shown_text<'a>(&self, s: &'a str) -> std::borrow::Cow<'a, str> {
        if self
            .vars
            .iter()
            .any(|v| v.origin == "set" && crate::secrets::name_suggests_secret(&v.name))
        {
            std::borrow::Cow::Owned(crate::secrets::redact(s))
        } else {
            std::borrow::Cow::Borrowed(s)
        }
    }

    /// Plain JSON (for `inspect` and the raw service view given to policies),
    /// mappings annotated with `loc` and `key_locs`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.v {
            CVal::Null => J::Null,
            CVal::Bool(b) => J::Bool(*b),
            CVal::Int(i) => J::from(*i),
            CVal::Float(f) => serde_json::Number::from_f64(*f)
                .map(J::Number)
                .unwrap_or(J::Null),
            CVal::Str(s) => J::String(self.shown_text(s).into_owned()),
            CVal::Seq(s) => J::Array(s.iter().map(CNode::to_json).collect()),
            CVal::Map(m) => {
                let mut o = serde_json::Map::new();
                let mut kl = serde_json::Map::new();
                for (k, v) in m {
                    o.insert(k.name.clone(), v.to_json());
                    kl.insert(k.name.clone(), loc_json(&k.loc));
                }
                o.insert("loc".into(), loc_json(&self.loc));
                o.insert("key_locs".into(), J::Object(kl));
                J::Object(o)
            }
        }
    }
}

pub fn loc_json(l: &Loc) -> serde_json::Value {
    serde_json::to_value(l).unwrap_or(serde_json::Value::Null)
}

/// The variables Compose interpolation may read: the process environment first,
/// then the project `.env` (never `env_file:`).
#[derive(Clone, Debug, Default)]
pub struct InterpEnv {
    pub process: BTreeMap<String, String>,
    /// value and `.env:LINE` provenance
    pub dotenv: BTreeMap<String, (String, String)>,
}

impl InterpEnv {
    pub fn lookup(&self, name: &str) -> Option<(String, String)> {
        if let Some(v) = self.process.get(name) {
            return Some((v.clone(), "environment".into()));
        }
        self.dotenv.get(name).cloned()
    }
}

/// A parsed and interpolated Compose file.
#[derive(Debug)]
pub struct ComposeFile {
    pub display: String,
    pub root: CNode,
    /// Interpolation syntax errors (the value is kept as written), and those of
    /// `include:` and `extends:`.
    pub errors: Vec<(String, Loc)>,
    /// The files its `include:` added (normalised paths), nested ones too.
    pub included: Vec<std::path::PathBuf>,
    /// The other files merged into its services by `include:` and `extends:`.
    pub merged_in: Vec<MergedIn>,
}

/// A file merged into a service of another file by `include:` or `extends: {file: …}`.
#[derive(Debug, Clone)]
pub struct MergedIn {
    pub service: String,
    /// The file, as shown in reports.
    pub file: String,
    /// `include` or `extends`.
    pub via: &'static str,
    /// The entry that names the file (the `include:` entry, the `extends:` `file:`).
    pub at: Loc,
}

/// Default max nesting of `${A:-${B:-…}}` (`limits.interpolation_max_depth`).
pub const MAX_INTERP_DEPTH: usize = 32;

/// Interpolation settings of one file's conversion.
struct Interp<'a> {
    env: &'a InterpEnv,
    max_depth: usize,
    /// Bytes the file's interpolated values may still add up to.
    budget: std::cell::Cell<usize>,
}

/// Load a Compose file: YAML with spans, then per-file interpolation.
pub fn load(
    src: &SourceFile,
    env: &InterpEnv,
    limits: &YamlLimits,
) -> Result<ComposeFile, (String, Option<Loc>)> {
    let root = yaml::load(src, limits).map_err(|e| (e.message, e.span.map(|s| src.loc(s))))?;
    let mut errors = Vec::new();
    // All interpolated values of the file together may be as long as the file limit
    // (plus the file): `$A$A$A…` with a long `A` from `.env` is a bomb.
    let ctx = Interp {
        env,
        max_depth: limits.max_interp_depth,
        budget: std::cell::Cell::new(limits.max_bytes.saturating_add(src.text.len())),
    };
    let root = convert_inner(src, &root, Some(&ctx), &mut errors, 0);
    Ok(ComposeFile {
        display: src.display.to_string(),
        root,
        errors,
        included: Vec::new(),
        merged_in: Vec::new(),
    })
}

/// Convert a YAML tree that is not interpolated (metadata files).
pub fn convert_plain(src: &SourceFile, node: &YNode) -> CNode {
    let mut errors = Vec::new();
    convert_inner(src, node, None, &mut errors, 0)
}

fn convert_inner(
    src: &SourceFile,
    node: &YNode,
    env: Option<&Interp>,
    errors: &mut Vec<(String, Loc)>,
    depth: usize,
) -> CNode {
    let loc = src.loc(node.span);
    let defined = node.defined.map(|s| Box::new(src.loc(s)));
    let mut out = CNode {
        v: CVal::Null,
        loc,
        defined,
        vars: Vec::new(),
        raw: None,
        tag: node.tag.clone(),
    };
    // The YAML loader bounds depth; guard anyway so conversion never overflows.
    if depth > 256 {
        return out;
    }
    out.v = match &node.value {
        YValue::Null => CVal::Null,
        YValue::Bool(b) => CVal::Bool(*b),
        YValue::Int(i) => CVal::Int(*i),
        YValue::Float(f) => CVal::Float(*f),
        YValue::Str(s) => match env {
            Some(ctx) if s.contains('$') => {
                let env = ctx.env;
                let lookup = |name: &str| env.lookup(name).map(|(v, _)| v);
                let budget = ctx.budget.get();
                match interpolate::interpolate_bounded(s, &lookup, ctx.max_depth, budget) {
                    Ok(i) => {
                        ctx.budget.set(budget - i.value.len().min(budget));
                        out.vars = i
                            .vars
                            .iter()
                            .map(|u| Var {
                                name: u.name.clone(),
                                origin: match u.origin {
                                    VarOrigin::Set => "set",
                                    VarOrigin::Default => "default",
                                    VarOrigin::Unset => "unset",
                                    VarOrigin::Required => "required",
                                },
                                source: match u.origin {
                                    VarOrigin::Set => env.lookup(&u.name).map(|(_, s)| s),
                                    _ => None,
                                },
                                message: u.message.clone(),
                                start: u.offset,
                                end: u.offset + u.len,
                            })
                            .collect();
                        if &i.value != s {
                            out.raw = Some(s.clone());
                        }
                        CVal::Str(i.value)
                    }
                    Err(e) => {
                        errors.push((
                            format!("invalid interpolation: {}", e.message),
                            out.loc.clone(),
                        ));
                        CVal::Str(s.clone())
                    }
                }
            }
            _ => CVal::Str(s.clone()),
        },
        YValue::Seq(items) => CVal::Seq(
            items
                .iter()
                .map(|n| convert_inner(src, n, env, errors, depth + 1))
                .collect(),
        ),
        YValue::Map(entries) => CVal::Map(
            entries
                .iter()
                .map(|(k, v)| (key(src, k), convert_inner(src, v, env, errors, depth + 1)))
                .collect(),
        ),
    };
    out
}

fn key(src: &SourceFile, k: &YKey) -> CKey {
    CKey {
        name: k.text.clone(),
        loc: src.loc(k.span),
    }
}

/// Keys whose sequences an override replaces instead of appending to.
const REPLACED_SEQUENCES: &[&str] = &["command", "entrypoint", "test", "dns", "dns_search"];
/// Sequences merged by a unique key (the container-side target).
const KEYED_SEQUENCES: &[&str] = &["ports", "volumes", "secrets", "configs", "expose"];

/// Merge `over` into `base` by Compose merge rules: mappings merge recursively,
/// sequences append (except the replaced ones), keyed sequences merge by target,
/// scalars are replaced. `!reset` removes a value; `!override` replaces it whole.
pub fn merge(base: &CNode, over: &CNode, key: &str) -> Option<CNode> {
    if over.tag.as_deref() == Some("!reset") {
        return None;
    }
    if over.tag.as_deref() == Some("!override") {
        return Some(over.clone());
    }
    match (&base.v, &over.v) {
        (CVal::Map(bm), CVal::Map(om)) => {
            let mut out: Vec<(CKey, CNode)> = bm.clone();
            for (ok, ov) in om {
                if let Some(pos) = out.iter().position(|(k, _)| k.name == ok.name) {
                    match merge(&out[pos].1, ov, &ok.name) {
                        Some(m) => out[pos] = (ok.clone(), m),
                        None => {
                            out.remove(pos);
                        }
                    }
                } else if ov.tag.as_deref() != Some("!reset") {
                    out.push((ok.clone(), ov.clone()));
                }
            }
            Some(CNode {
                v: CVal::Map(out),
                ..over.clone()
            })
        }
        (CVal::Seq(bs), CVal::Seq(os)) if !REPLACED_SEQUENCES.contains(&key) => {
            let mut out = bs.clone();
            if KEYED_SEQUENCES.contains(&key) || key == "environment" || key == "labels" {
                for o in os {
                    let ok = seq_key(key, o);
                    match out
                        .iter()
                        .position(|b| ok.is_some() && seq_key(key, b) == ok)
                    {
                        Some(p) => out[p] = o.clone(),
                        None => out.push(o.clone()),
                    }
                }
            } else {
                out.extend(os.iter().cloned());
            }
            Some(CNode {
                v: CVal::Seq(out),
                ..over.clone()
            })
        }
        _ => Some(over.clone()),
    }
}

/// The identity of an element of a keyed sequence.
fn seq_key(key: &str, n: &CNode) -> Option<String> {
    match key {
        "environment" | "labels" => n
            .text()
            .map(|t| t.split('=').next().unwrap_or("").to_string()),
        "ports" => n
            .text()
            .map(|t| t.rsplit(':').next().unwrap_or("").to_string())
            .or_else(|| n.get("target").and_then(CNode::text)),
        "volumes" => n
            .text()
            .and_then(|t| t.split(':').nth(1).map(str::to_string).or(Some(t)))
            .or_else(|| n.get("target").and_then(CNode::text)),
        _ => n
            .text()
            .or_else(|| n.get("source").and_then(CNode::text))
            .or_else(|| n.get("target").and_then(CNode::text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(text: &str, env: &InterpEnv) -> ComposeFile {
        let src = SourceFile::from_str("compose.yaml", text);
        load(&src, env, &YamlLimits::default()).unwrap()
    }

    #[test]
    fn interpolates_with_provenance_and_keeps_raw() {
        let mut env = InterpEnv::default();
        env.dotenv
            .insert("TAG".into(), ("1.2".into(), ".env:1".into()));
        let f = load_str(
            "services:\n  a:\n    image: \"app:${TAG}\"\n    mem_limit: ${MEM:-1g}\n    user: ${UID}\n",
            &env,
        );
        let a = f.root.get("services").unwrap().get("a").unwrap();
        let image = a.get("image").unwrap();
        assert_eq!(image.text().unwrap(), "app:1.2");
        assert_eq!(image.vars[0].source.as_deref(), Some(".env:1"));
        assert_eq!(image.raw.as_deref(), Some("app:${TAG}"));
        let mem = a.get("mem_limit").unwrap();
        assert_eq!(mem.text().unwrap(), "1g");
        assert_eq!(mem.vars[0].origin, "default");
        let user = a.get("user").unwrap();
        assert!(user.vars[0].unresolved());
        assert_eq!(user.loc.line, 5);
    }

    #[test]
    fn dollar_dollar_is_literal() {
        let f = load_str(
            "services:\n  a:\n    command: echo $$HOME\n",
            &InterpEnv::default(),
        );
        let c = f
            .root
            .get("services")
            .unwrap()
            .get("a")
            .unwrap()
            .get("command")
            .unwrap();
        assert_eq!(c.text().unwrap(), "echo $HOME");
        assert!(c.vars.is_empty());
    }

    #[test]
    fn merge_rules() {
        let env = InterpEnv::default();
        let b = load_str(
            "user: mcp\nports: [\"80:80\"]\ncommand: [a, b]\nenvironment: {A: \"1\", B: \"2\"}\nread_only: true\n",
            &env,
        );
        let o = load_str(
            "user: root\nports: [\"8080:80\", \"443:443\"]\ncommand: [c]\nenvironment: {B: \"3\"}\n",
            &env,
        );
        let m = merge(&b.root, &o.root, "").unwrap();
        assert_eq!(m.get("user").unwrap().text().unwrap(), "root");
        assert_eq!(&*m.get("user").unwrap().loc.file, "compose.yaml");
        let ports: Vec<_> = m
            .get("ports")
            .unwrap()
            .seq()
            .iter()
            .filter_map(CNode::text)
            .collect();
        assert_eq!(ports, vec!["8080:80", "443:443"]);
        assert_eq!(m.get("command").unwrap().seq().len(), 1);
        assert_eq!(
            m.get("environment")
                .unwrap()
                .get("A")
                .unwrap()
                .text()
                .unwrap(),
            "1"
        );
        assert_eq!(
            m.get("environment")
                .unwrap()
                .get("B")
                .unwrap()
                .text()
                .unwrap(),
            "3"
        );
        assert_eq!(m.get("read_only").unwrap().truthy(), Some(true));
    }
}
