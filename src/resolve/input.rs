//! Units and their Rego input documents: built at resolution (clients, workloads,
//! parse errors), or built from their parts when the unit is evaluated and dropped
//! right after (Compose services, standalone Dockerfiles, metadata files), so a scan
//! does not hold every input document at once and the documents are built in parallel.

use super::stage::{self, DockerfileView};
use super::{indeterminate, unresolved_bases, Role};
use crate::model::Service;
use crate::parse::compose::CNode;
use crate::parse::dockerfile;
use crate::rego_value::SharedDoc;
use crate::source::{Loc, SourceFile};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Scan-wide fields (`config`, `scan`, `vulns`), in order: written into every input
/// document, and each converted to a Rego value once for all of them.
#[derive(Clone, Debug, Default)]
pub struct Shared(Arc<Vec<(String, SharedDoc)>>);

impl Shared {
    pub fn new(fields: serde_json::Map<String, Value>) -> Shared {
        Shared(Arc::new(
            fields
                .into_iter()
                .map(|(k, v)| (k, SharedDoc::new(v)))
                .collect(),
        ))
    }

    /// `key` set to `value`, then these fields (their documents shared, not copied).
    pub fn after(&self, key: &str, value: Value) -> Shared {
        let first = (key.to_string(), SharedDoc::new(value));
        Shared(Arc::new(
            std::iter::once(first)
                .chain(self.0.iter().cloned())
                .collect(),
        ))
    }

    fn iter(&self) -> impl Iterator<Item = (&String, &SharedDoc)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl Serialize for Shared {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

/// An input document built at resolution (clients, workloads, parse errors,
/// suppressions): its top-level fields in order, each its own JSON value or a document
/// shared with other inputs.
#[derive(Clone, Debug, Default)]
pub struct Doc(Vec<(String, Field)>);

/// A top-level field of a [`Doc`].
#[derive(Clone, Debug)]
pub enum Field {
    Own(Value),
    Shared(SharedDoc),
}

impl Field {
    fn json(&self) -> &Value {
        match self {
            Field::Own(v) => v,
            Field::Shared(d) => d.json(),
        }
    }
}

impl Serialize for Field {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Own(v) => v.serialize(s),
            Field::Shared(d) => d.serialize(s),
        }
    }
}

impl Serialize for Doc {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

impl Doc {
    /// The document with `key` set (replaced in place, or added at the end).
    pub fn with(mut self, key: &str, field: Field) -> Doc {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = field,
            None => self.0.push((key.to_string(), field)),
        }
        self
    }

    /// A top-level field's JSON.
    fn get(&self, key: &str) -> &Value {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map_or(&Value::Null, |(_, v)| v.json())
    }
}

/// A JSON object's fields as a document's own fields.
impl From<Value> for Doc {
    fn from(v: Value) -> Doc {
        match v {
            Value::Object(m) => Doc(m.into_iter().map(|(k, v)| (k, Field::Own(v))).collect()),
            _ => Doc::default(),
        }
    }
}

/// One thing judged by the policies, with its Rego input document.
#[derive(Clone, Debug)]
pub struct Unit {
    /// Stable id: `file#service[@variant]`, or the file path.
    pub id: String,
    pub name: String,
    /// Rego input kind: `compose_service`, `dockerfile`, `mcp_metadata`, `source_file`.
    pub kind: &'static str,
    pub role: Role,
    pub input: Input,
}

/// A unit's input document, or what it is built from.
#[derive(Clone, Debug)]
pub enum Input {
    /// Built at resolution.
    Doc(Doc),
    /// A Compose service: its resolved parts.
    Compose(Box<ComposeParts>),
    /// A standalone Dockerfile: read and parsed again.
    Standalone(Deferred),
    /// A metadata file: its parsed tree is written into the document when the document
    /// is needed, as JSON or straight as a Rego value.
    Metadata(Box<MetadataParts>),
}

/// What a standalone Dockerfile unit's input is built from: the file is read and
/// parsed again when the unit is evaluated (cheaper than holding every parsed file
/// of a large scan in memory; its parse errors were reported on the first reading).
#[derive(Clone)]
pub struct Deferred {
    pub path: PathBuf,
    pub display: String,
    /// A bound on the file's size when it is read again (the file was accepted once).
    pub max_len: u64,
    pub shared: Shared,
    /// The config's `base_images`, shared by every standalone Dockerfile.
    pub base_images: Arc<[crate::config::BaseImage]>,
    /// Whether `allowed_registries` holds an entry (MCP-SC-002 applies).
    pub registry_allowlist: bool,
    /// The config's `placeholders` (stand-in values of secret-named `ENV`/`ARG`).
    pub placeholders: crate::secrets::Placeholders,
    /// The metadata file beside the Dockerfile that declares the stdio transport only.
    pub stdio: Option<String>,
    /// How files of its build context (its directory) are read.
    pub fence: Arc<super::ReadFence>,
}

impl std::fmt::Debug for Deferred {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Deferred({})", self.display)
    }
}

/// `input.effective` of a Compose service: what it runs as, its health check and its
/// memory limit once Compose, its Dockerfile's target stage and their defaults are
/// weighed (`resolve::effective`). Typed rather than a JSON tree: every service of a
/// scan holds one until it is evaluated. Fields serialize in this order, the optional
/// ones only where a variant has them.
#[derive(Clone, Debug, Serialize)]
pub struct Effective {
    pub user: EffectiveUser,
    pub healthcheck: EffectiveHealth,
    pub memory_limit: EffectiveMemory,
}

#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum EffectiveUser {
    /// The service's `user:`, over the image's USER (`overrides`).
    Compose {
        value: String,
        uid: String,
        root: bool,
        indeterminate: bool,
        source: &'static str,
        loc: Loc,
        from: Vec<Loc>,
        overrides: Option<String>,
    },
    /// The target stage's USER (or the base image's, or the default).
    Dockerfile {
        value: String,
        uid: String,
        root: bool,
        indeterminate: bool,
        source: &'static str,
        stage: String,
        loc: Loc,
        from: Vec<Loc>,
    },
    /// Unknown: the image is not built here.
    Opaque {
        root: bool,
        indeterminate: bool,
        source: &'static str,
        loc: Loc,
        from: Vec<Loc>,
    },
}

#[derive(Clone, Debug, Serialize)]
pub struct EffectiveHealth {
    pub present: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indeterminate: Option<bool>,
    pub source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub loc: Loc,
    pub from: Vec<Loc>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum EffectiveMemory {
    Set {
        set: bool,
        value: String,
        bytes: Option<f64>,
        valid: bool,
        indeterminate: bool,
        vars: Vec<crate::parse::compose::Var>,
        loc: Loc,
        from: Vec<Loc>,
    },
    Unset {
        set: bool,
        reservation_only: bool,
        loc: Loc,
        from: Vec<Loc>,
    },
}

/// The input document of a Compose service, field by field (the document is this,
/// serialized: `ComposeParts::write`).
#[derive(Clone, Debug)]
pub struct ComposeParts {
    pub kind: &'static str,
    pub unit: Value,
    /// (Boxed from its parse on: a service's model is kilobytes, and it moves from the
    /// project's list into its unit.)
    pub service: Box<Service>,
    pub effective: Effective,
    /// (Boxed: most services of a large project have none, and it is a kilobyte inline.)
    pub dockerfile: Option<Box<DockerfileView>>,
    pub manifest: Option<Value>,
    /// The registry `server.json` beside its Dockerfile or in its build context.
    pub server_json: Option<Value>,
    pub indeterminate: Vec<Value>,
    /// The merged service node, written with its mappings' locations and with values
    /// that look like credentials redacted (`RawView`).
    pub raw: CNode,
    pub project: SharedDoc,
    pub base_service: Option<Box<Service>>,
    pub env_files: Vec<EnvFileView>,
    /// Written as top-level fields.
    pub shared: Shared,
}

impl ComposeParts {
    /// Write the document's fields that `keep` accepts, in the document's order.
    fn write<M: serde::ser::SerializeMap>(
        &self,
        m: &mut M,
        keep: &dyn Fn(&str) -> bool,
    ) -> Result<(), M::Error> {
        macro_rules! fields {
            ($($name:literal => $value:expr),* $(,)?) => {$(
                if keep($name) {
                    m.serialize_entry($name, $value)?;
                }
            )*};
        }
        fields!(
            "kind" => self.kind,
            "unit" => &self.unit,
            "service" => &self.service,
            "effective" => &self.effective,
            "dockerfile" => &self.dockerfile,
            "manifest" => &self.manifest,
            "server_json" => &self.server_json,
            "indeterminate" => &self.indeterminate,
            "raw" => &RawView { node: &self.raw, at: RawPlace::Top },
            "project" => &self.project,
            "base_service" => &self.base_service,
            "env_files" => &self.env_files,
        );
        for (k, v) in self.shared.iter().filter(|(k, _)| keep(k)) {
            m.serialize_entry(k, v)?;
        }
        Ok(())
    }
}

impl Serialize for ComposeParts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ComposeFields {
            parts: self,
            keep: &|_| true,
        }
        .serialize(s)
    }
}

/// The fields of a Compose service's document that `keep` accepts.
struct ComposeFields<'a> {
    parts: &'a ComposeParts,
    keep: &'a dyn Fn(&str) -> bool,
}

impl Serialize for ComposeFields<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        self.parts.write(&mut m, self.keep)?;
        m.end()
    }
}

/// One `env_file` of a Compose service: where the service names it, and its entries
/// (shared with the other services that load it, unless a later file of this service
/// overrides some of them).
#[derive(Clone, Debug, Serialize)]
pub struct EnvFileView {
    pub file: String,
    pub exists: bool,
    /// A `.gitignore` of the repository ignores it: the file is not shipped.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub gitignored: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub loc: Value,
    pub entries: Field,
}

/// The input document of a metadata file (`server.json`, `server.yaml`,
/// `mcp-manifest.json`): `kind`, `unit`, `metadata`, then `doc`, its tree with every
/// mapping's `loc` and `key_locs` (as `CNode::to_json` writes it), `oci` when built,
/// and the scan-wide fields.
#[derive(Clone, Debug)]
pub struct MetadataParts {
    pub unit: Value,
    pub metadata: Arc<crate::parse::metadata::Metadata>,
    pub oci: Option<Value>,
    pub extra: Shared,
}

impl Serialize for MetadataParts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("kind", "mcp_metadata")?;
        m.serialize_entry("unit", &self.unit)?;
        m.serialize_entry("metadata", &*self.metadata)?;
        match &self.metadata.root {
            Some(node) => m.serialize_entry(
                "doc",
                &RawView {
                    node,
                    at: RawPlace::Plain,
                },
            )?,
            None => m.serialize_entry("doc", &())?,
        }
        if let Some(oci) = &self.oci {
            m.serialize_entry("oci", oci)?;
        }
        for (k, v) in self.extra.iter() {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// Where a node of the raw service view sits: its redaction depends on it.
#[derive(Clone, Copy)]
enum RawPlace<'a> {
    /// Anywhere in a tree written without redaction (a metadata document).
    Plain,
    Top,
    /// The value of this key of a mapping.
    Field(&'a str),
    /// An item of a list.
    Item,
}

/// A Compose node serialized as `redact_raw(node.to_json())` is, without building
/// that JSON tree first: mappings carry `loc` and `key_locs` after their entries, and
/// string values are redacted by their key (`redact_field`) or as list items
/// (`redact_item`); from `RawPlace::Plain` down, nothing is redacted (a metadata
/// document, as `node.to_json()` is). (Both targets, a JSON value and a Rego value, are
/// maps where a repeated key keeps its first place and its last value, as the JSON tree
/// did.)
struct RawView<'a> {
    node: &'a CNode,
    at: RawPlace<'a>,
}

impl Serialize for RawView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use crate::parse::compose::CVal;
        use serde::ser::SerializeMap;
        match &self.node.v {
            CVal::Null => s.serialize_unit(),
            CVal::Bool(b) => s.serialize_bool(*b),
            // As a JSON number holds it: a non-negative integer is unsigned.
            CVal::Int(i) => match u64::try_from(*i) {
                Ok(u) => s.serialize_u64(u),
                Err(_) => s.serialize_i64(*i),
            },
            CVal::Float(f) if f.is_finite() => s.serialize_f64(*f),
            CVal::Float(_) => s.serialize_unit(),
            CVal::Str(text) => {
                let text = self.node.shown_text(text);
                match self.at {
                    RawPlace::Plain | RawPlace::Top => s.serialize_str(&text),
                    RawPlace::Field(k) => {
                        let mut text = text.into_owned();
                        super::redact_field(k, &mut text);
                        s.serialize_str(&text)
                    }
                    RawPlace::Item => {
                        let mut text = text.into_owned();
                        super::redact_item(&mut text);
                        s.serialize_str(&text)
                    }
                }
            }
            CVal::Seq(items) => s.collect_seq(items.iter().map(|node| RawView {
                node,
                at: match self.at {
                    RawPlace::Plain => RawPlace::Plain,
                    _ => RawPlace::Item,
                },
            })),
            CVal::Map(entries) => {
                let mut m = s.serialize_map(Some(entries.len() + 2))?;
                for (k, node) in entries {
                    m.serialize_entry(
                        &k.name,
                        &RawView {
                            node,
                            at: match self.at {
                                RawPlace::Plain => RawPlace::Plain,
                                _ => RawPlace::Field(&k.name),
                            },
                        },
                    )?;
                }
                m.serialize_entry("loc", &self.node.loc)?;
                m.serialize_entry("key_locs", &KeyLocs(entries))?;
                m.end()
            }
        }
    }
}

/// The `key_locs` of a raw mapping: each key's location.
struct KeyLocs<'a>(&'a [(crate::parse::compose::CKey, CNode)]);

impl Serialize for KeyLocs<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, _)| (&k.name, &k.loc)))
    }
}

impl Unit {
    /// The unit's Rego input document, as JSON (`inspect`, the inventory).
    pub fn document(&self) -> std::borrow::Cow<'_, Value> {
        use std::borrow::Cow;
        match &self.input {
            Input::Doc(d) => Cow::Owned(serde_json::to_value(d).unwrap_or(Value::Null)),
            Input::Compose(c) => Cow::Owned(serde_json::to_value(&**c).unwrap_or(Value::Null)),
            Input::Metadata(m) => Cow::Owned(serde_json::to_value(&**m).unwrap_or(Value::Null)),
            Input::Standalone(d) => Cow::Owned(
                standalone_input(d, |doc, _| serde_json::to_value(doc).unwrap_or(Value::Null))
                    .unwrap_or(Value::Null),
            ),
        }
    }

    /// The unit's document with at least the top-level fields `keep` accepts, for a
    /// reader of a few (the inventory): a Compose service's other fields are not built
    /// (its raw view was most of the inventory's time); other documents are whole.
    pub fn document_of(&self, keep: &dyn Fn(&str) -> bool) -> std::borrow::Cow<'_, Value> {
        match &self.input {
            Input::Compose(c) => std::borrow::Cow::Owned(
                serde_json::to_value(ComposeFields { parts: c, keep }).unwrap_or(Value::Null),
            ),
            _ => self.document(),
        }
    }

    /// The unit's Rego input document as the evaluator takes it, and for a standalone
    /// Dockerfile the text it was built from (the unit's findings are located there).
    pub fn rego_input(&self) -> (regorus::Value, Option<Arc<str>>) {
        match &self.input {
            Input::Doc(d) => (crate::rego_value::to_rego(d), None),
            Input::Compose(c) => (crate::rego_value::to_rego(&**c), None),
            Input::Metadata(m) => (crate::rego_value::to_rego(&**m), None),
            Input::Standalone(d) => standalone_input(d, |doc, src| {
                (crate::rego_value::to_rego(doc), Some(src.text.clone()))
            })
            .unwrap_or((regorus::Value::Null, None)),
        }
    }

    /// Give the unit the scan-wide fields (`scan`, `vulns`; `config` is already there):
    /// late-built inputs share `shared`, a built document gets its own copy of `extra`.
    pub fn set_shared(&mut self, shared: &Shared, extra: &Shared) {
        match &mut self.input {
            Input::Doc(d) => {
                for (k, v) in extra.iter() {
                    *d = std::mem::take(d).with(k, Field::Shared(v.clone()));
                }
            }
            Input::Compose(c) => c.shared = shared.clone(),
            Input::Metadata(m) => m.extra = extra.clone(),
            Input::Standalone(d) => d.shared = shared.clone(),
        }
    }

    /// The files the unit is defined in or built from (besides its id's file).
    pub fn files(&self) -> Vec<&str> {
        match &self.input {
            Input::Doc(d) => {
                let mut out: Vec<&str> = d.get("dockerfile")["file"].as_str().into_iter().collect();
                if let Some(fs) = d.get("unit")["files"].as_array() {
                    out.extend(fs.iter().filter_map(Value::as_str));
                }
                out
            }
            Input::Compose(c) => {
                let mut out: Vec<&str> = c.dockerfile.iter().map(|d| d.file.as_str()).collect();
                if let Some(fs) = c.unit["files"].as_array() {
                    out.extend(fs.iter().filter_map(Value::as_str));
                }
                out
            }
            Input::Standalone(_) | Input::Metadata(_) => Vec::new(),
        }
    }
}

/// The input document of a Dockerfile that no Compose service builds.
#[derive(Serialize)]
pub struct StandaloneDoc<'a> {
    kind: &'static str,
    unit: UnitRef<'a>,
    dockerfile: &'a DockerfileView,
    indeterminate: Vec<Value>,
    /// `{"file"}` of the metadata beside the Dockerfile that declares the stdio
    /// transport only: a per-call stdio server, with no health state to check.
    #[serde(skip_serializing_if = "Option::is_none")]
    stdio: Option<StdioDeclared<'a>>,
    /// `config`, `scan`, `vulns`: the fields every input carries.
    #[serde(flatten)]
    shared: &'a Shared,
}

#[derive(Serialize)]
struct StdioDeclared<'a> {
    file: &'a str,
}

#[derive(Serialize)]
struct UnitRef<'a> {
    id: &'a str,
    name: &'a str,
    role: &'static str,
}

/// Build the input of a Dockerfile that no Compose service builds and hand it to
/// `out` (which turns it into JSON or straight into a Rego value). `None` when the
/// file cannot be read again: a file that changed into something else meanwhile (a
/// FIFO, a much larger file) or vanished.
fn standalone_input<R>(
    d: &Deferred,
    out: impl FnOnce(&StandaloneDoc, &SourceFile) -> R,
) -> Option<R> {
    let bytes = crate::source::read_bounded(&d.path, d.max_len).ok()?;
    let src = SourceFile::from_bytes(&d.path, d.display.clone(), &bytes);
    let df = dockerfile::parse(&src);
    let view = stage::resolve(
        &src,
        &df,
        None,
        &BTreeMap::new(),
        &d.base_images,
        &d.placeholders,
    )
    .ok()?;
    // Its build context is its directory.
    let mut view = view;
    if let (Some(dir), Some(shown)) = (d.path.parent(), std::path::Path::new(&d.display).parent()) {
        let read = |p: &std::path::Path| d.fence.read(p);
        let c = super::context::Context {
            dir,
            display: &shown.to_string_lossy(),
            read: &read,
        };
        view.copied_secrets = super::context::copied_secrets(&view, &c, &d.placeholders);
    }
    let mut indet = Vec::new();
    if view.user.indeterminate {
        indet.push(indeterminate(
            "user",
            &["MCP-DF-001"],
            format!(
                "`USER {}` does not resolve in stage {:?}",
                view.user.value, view.user.stage
            ),
            &view.user.loc,
        ));
    }
    unresolved_bases(&view, d.registry_allowlist, &mut indet);
    Some(out(
        &StandaloneDoc {
            kind: "dockerfile",
            unit: UnitRef {
                id: &src.display,
                name: &src.display,
                role: Role::StandaloneDockerfile.as_str(),
            },
            dockerfile: &view,
            indeterminate: indet,
            stdio: d.stdio.as_deref().map(|file| StdioDeclared { file }),
            shared: &d.shared,
        },
        &src,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::compose::{self, InterpEnv};
    use crate::parse::yaml::YamlLimits;

    /// `RawView` gives what the JSON tree gave (`redact_raw(node.to_json())`): the same
    /// JSON text, key order included, and the same Rego value.
    fn assert_same_raw(display: &str, text: &str, env: &InterpEnv) -> usize {
        let src = SourceFile::from_str(display, text);
        let Ok(file) = compose::load(&src, env, &YamlLimits::default()) else {
            return 0;
        };
        let Some(services) = file.root.get("services") else {
            return 0;
        };
        let mut n = 0;
        let same = |view: RawView, tree: Value| {
            assert_eq!(
                serde_json::to_string(&serde_json::to_value(&view).unwrap()).unwrap(),
                serde_json::to_string(&tree).unwrap(),
                "{display}"
            );
            assert_eq!(
                crate::rego_value::to_rego(&view),
                crate::rego_value::to_rego(&tree),
                "{display}"
            );
        };
        for node in services.map().iter().map(|(_, v)| v).chain([&file.root]) {
            let top = RawView {
                node,
                at: RawPlace::Top,
            };
            same(top, super::super::redact_raw(node.to_json()));
            // Unredacted, as metadata documents are written: `node.to_json()`.
            let plain = RawView {
                node,
                at: RawPlace::Plain,
            };
            same(plain, node.to_json());
            n += 1;
        }
        n
    }

    #[test]
    fn raw_view_serializes_the_redacted_json_tree() {
        let mut env = InterpEnv::default();
        env.dotenv.insert(
            "DB_PASSWORD".into(),
            ("s3cr3t-Pa55".into(), ".env:1".into()),
        );
        let crafted = "services:\n  app:\n    image: app:1\n    environment:\n      DB_PASSWORD: hunter2hunter2\n      PASS_FROM_ENV: ${DB_PASSWORD}\n      TOKEN: ghp_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVb\n      REF: /run/secrets/db\n      PORT: 8080\n      RATIO: 0.5\n      NEG: -3\n      EMPTY:\n      ON: true\n    command: [\"--token=ghp_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVb\", \"API_KEY=abcdef123456\", \"plain\"]\n    labels:\n      loc: a label named loc\n      key_locs: another\n    build:\n      args:\n        - NPM_TOKEN=npm_abcdefghijklmnop\n        - VERSION=1.2\n    healthcheck:\n      test: [\"CMD\", \"curl\", \"postgres://u:pw123456@db/x\"]\n";
        assert_eq!(assert_same_raw("compose.yaml", crafted, &env), 2);
        let mut files = 0;
        let walk = ignore::WalkBuilder::new(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        )
        .hidden(false)
        .build();
        for e in walk.flatten() {
            let p = e.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !(name.contains("compose") && (name.ends_with(".yml") || name.ends_with(".yaml"))) {
                continue;
            }
            let text = std::fs::read_to_string(p).unwrap_or_default();
            files += usize::from(assert_same_raw(&p.display().to_string(), &text, &env) > 0);
        }
        assert!(files > 20, "{files} compose fixtures");
    }

    /// A metadata unit's document: `doc` is the file's tree as `Metadata::doc_json`
    /// writes it, after `kind`, `unit` and `metadata` and before `oci` and the scan-wide
    /// fields; its Rego value is that JSON document's.
    #[test]
    fn metadata_parts_write_the_document_of_the_file() {
        use crate::parse::metadata;
        let mut n = 0;
        let walk = ignore::WalkBuilder::new(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        )
        .hidden(false)
        .build();
        for e in walk.flatten() {
            let p = e.path();
            let format = match p.file_name().and_then(|n| n.to_str()) {
                Some("server.json") => "registry-server",
                Some("server.yaml") => "catalog-server",
                Some("mcp-manifest.json") => "mcp-manifest",
                _ => continue,
            };
            let text = std::fs::read_to_string(p).unwrap_or_default();
            let src = SourceFile::from_str(&p.display().to_string(), &text);
            let Ok(m) = metadata::parse(&src, format, &YamlLimits::default()) else {
                continue;
            };
            let mut extra = serde_json::Map::new();
            extra.insert("scan".into(), serde_json::json!({"date": "2026-11-24"}));
            let parts = MetadataParts {
                unit: serde_json::json!({"id": m.file, "name": m.name}),
                oci: Some(serde_json::json!({"image": "x"})),
                metadata: Arc::new(m),
                extra: Shared::new(extra),
            };
            let doc = serde_json::to_value(&parts).unwrap();
            let keys: Vec<&str> = doc
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(keys, ["kind", "unit", "metadata", "doc", "oci", "scan"]);
            assert_eq!(doc["doc"], parts.metadata.doc_json(), "{}", p.display());
            assert_eq!(
                crate::rego_value::to_rego(&parts),
                crate::rego_value::to_rego(&doc),
                "{}",
                p.display()
            );
            n += 1;
        }
        assert!(n > 20, "{n} metadata fixtures");
    }
}
#[cfg(test)]
mod size_tests {
    /// Every unit of a scan is built before any is evaluated, and a Compose file can
    /// define thousands of services: what a unit holds inline is paid per service even
    /// where the service sets nothing (`Option<Val>` is as large as a `Val`). Before the
    /// rarely-set parts were boxed a unit held 15 KB inline (20,000 one-line services:
    /// 912 MB peak RSS, now about 550).
    #[test]
    fn a_compose_unit_holds_little_inline() {
        use std::mem::size_of;
        assert!(
            size_of::<crate::model::Val>() <= 160,
            "Val: {}",
            size_of::<crate::model::Val>()
        );
        assert!(
            size_of::<crate::model::Service>() <= 4096,
            "Service: {}",
            size_of::<crate::model::Service>()
        );
        assert!(
            size_of::<super::ComposeParts>() <= 6144,
            "ComposeParts: {}",
            size_of::<super::ComposeParts>()
        );
        assert!(
            size_of::<crate::parse::compose::CNode>() <= 192,
            "CNode: {}",
            size_of::<crate::parse::compose::CNode>()
        );
    }
}
