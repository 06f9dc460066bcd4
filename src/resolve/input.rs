//! Units and their Rego input documents: built at resolution (metadata, clients,
//! workloads, parse errors), or built from their parts when the unit is evaluated and
//! dropped right after (Compose services, standalone Dockerfiles), so a scan does not
//! hold every input document at once and the documents are built in parallel.

use super::stage::{self, DockerfileView};
use super::{indeterminate, Role};
use crate::model::Service;
use crate::parse::compose::CNode;
use crate::parse::dockerfile;
use crate::source::SourceFile;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Fields every input carries (`config`, `scan`, `vulns`), shared by the inputs that
/// are built late.
pub type Shared = Arc<serde_json::Map<String, Value>>;

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
    Doc(Value),
    /// A Compose service: its resolved parts.
    Compose(Box<ComposeParts>),
    /// A standalone Dockerfile: read and parsed again.
    Standalone(Deferred),
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
}

impl std::fmt::Debug for Deferred {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Deferred({})", self.display)
    }
}

/// The input document of a Compose service, field by field (the document is this,
/// serialized).
#[derive(Clone, Debug, Serialize)]
pub struct ComposeParts {
    pub kind: &'static str,
    pub unit: Value,
    pub service: Service,
    pub effective: Value,
    pub dockerfile: Option<DockerfileView>,
    pub manifest: Option<Value>,
    pub indeterminate: Vec<Value>,
    /// The merged service node, written with its mappings' locations and with values
    /// that look like credentials redacted.
    #[serde(serialize_with = "raw_service")]
    pub raw: CNode,
    pub project: Arc<Value>,
    pub base_service: Option<Service>,
    pub env_files: Value,
    #[serde(flatten)]
    pub shared: Shared,
}

fn raw_service<S: serde::Serializer>(node: &CNode, s: S) -> Result<S::Ok, S::Error> {
    super::redact_raw(node.to_json()).serialize(s)
}

impl Unit {
    /// The unit's Rego input document, as JSON (`inspect`, the inventory).
    pub fn document(&self) -> std::borrow::Cow<'_, Value> {
        use std::borrow::Cow;
        match &self.input {
            Input::Doc(v) => Cow::Borrowed(v),
            Input::Compose(c) => Cow::Owned(serde_json::to_value(&**c).unwrap_or(Value::Null)),
            Input::Standalone(d) => Cow::Owned(
                standalone_input(d, |doc, _| serde_json::to_value(doc).unwrap_or(Value::Null))
                    .unwrap_or(Value::Null),
            ),
        }
    }

    /// The unit's Rego input document as the evaluator takes it, and for a standalone
    /// Dockerfile the text it was built from (the unit's findings are located there).
    pub fn rego_input(&self) -> (regorus::Value, Option<Arc<str>>) {
        match &self.input {
            Input::Doc(v) => (crate::rego_value::to_rego(v), None),
            Input::Compose(c) => (crate::rego_value::to_rego(&**c), None),
            Input::Standalone(d) => standalone_input(d, |doc, src| {
                (crate::rego_value::to_rego(doc), Some(src.text.clone()))
            })
            .unwrap_or((regorus::Value::Null, None)),
        }
    }

    /// Give the unit the scan-wide fields (`scan`, `vulns`; `config` is already there):
    /// late-built inputs share `shared`, a built document gets its own copy of `extra`.
    pub fn set_shared(&mut self, shared: &Shared, extra: &serde_json::Map<String, Value>) {
        match &mut self.input {
            Input::Doc(v) => {
                if let Some(o) = v.as_object_mut() {
                    o.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
            Input::Compose(c) => c.shared = shared.clone(),
            Input::Standalone(d) => d.shared = shared.clone(),
        }
    }

    /// The files the unit is defined in or built from (besides its id's file).
    pub fn files(&self) -> Vec<&str> {
        match &self.input {
            Input::Doc(v) => {
                let mut out: Vec<&str> = v["dockerfile"]["file"].as_str().into_iter().collect();
                if let Some(fs) = v["unit"]["files"].as_array() {
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
            Input::Standalone(_) => Vec::new(),
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
    /// `config`, `scan`, `vulns`: the fields every input carries.
    #[serde(flatten)]
    shared: &'a serde_json::Map<String, Value>,
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
    let view = stage::resolve(&src, &df, None, &BTreeMap::new()).ok()?;
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
    for f in view.from.iter().filter(|f| f.indeterminate) {
        indet.push(indeterminate(
            "base image",
            &["MCP-SC-001"],
            format!("`FROM {}` does not resolve", f.image),
            &f.loc,
        ));
    }
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
            shared: &d.shared,
        },
        &src,
    ))
}
