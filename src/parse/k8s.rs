//! Kubernetes workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
//! Pod) from multi-document YAML: every container, init containers included, with the
//! pod- and container-level securityContext merged.

use super::compose::{convert_plain, CNode};
use super::yaml::{self, YamlLimits};
use crate::source::{Loc, SourceFile};
use serde::Serialize;
use serde_json::{json, Value};

pub const WORKLOAD_KINDS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "Pod",
];

/// A YAML file is a Kubernetes manifest if it declares `apiVersion` and a workload `kind`
/// at the top level. Helm templates (`{{ … }}`) are not plain YAML and are skipped.
pub fn looks_like_workload(text: &str) -> bool {
    if text.contains("{{") {
        return false;
    }
    let mut api = false;
    let mut kind = false;
    for l in text.lines() {
        if l.starts_with("apiVersion:") {
            api = true;
        }
        if let Some(k) = l.strip_prefix("kind:") {
            // A YAML comment starts at a `#` after whitespace: `kind: Deployment  # api`.
            let k = k
                .match_indices('#')
                .find(|(i, _)| k[..*i].ends_with([' ', '\t']))
                .map_or(k, |(i, _)| &k[..i]);
            kind |= WORKLOAD_KINDS.contains(&k.trim().trim_matches('"').trim_matches('\''));
        }
    }
    api && kind
}

/// One container of a workload.
#[derive(Clone, Debug, Serialize)]
pub struct Container {
    pub name: String,
    pub init: bool,
    pub image: Option<String>,
    pub loc: Loc,
    pub memory_limit: Option<String>,
    pub cpu_limit: Option<String>,
    /// Effective security settings: container-level over pod-level.
    pub run_as_user: Option<i64>,
    pub run_as_non_root: Option<bool>,
    pub privileged: bool,
    pub allow_privilege_escalation: Option<bool>,
    pub read_only_root_filesystem: bool,
    pub liveness_probe: bool,
    pub readiness_probe: bool,
    pub startup_probe: bool,
    pub raw: Value,
}

/// One workload.
#[derive(Clone, Debug, Serialize)]
pub struct Workload {
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub file: String,
    /// Location of `kind:` (or of the document when absent).
    pub loc: Loc,
    pub host_network: bool,
    pub host_pid: bool,
    pub host_ipc: bool,
    /// hostPath volumes: (name, path).
    pub host_paths: Vec<Value>,
    pub containers: Vec<Container>,
    pub labels: Value,
    pub annotations: Value,
}

fn path<'a>(n: &'a CNode, keys: &[&str]) -> Option<&'a CNode> {
    let mut cur = n;
    for k in keys {
        cur = cur.get(k)?;
    }
    Some(cur)
}

fn int(n: Option<&CNode>) -> Option<i64> {
    n.and_then(|x| x.text()).and_then(|t| t.parse().ok())
}

fn flag(n: Option<&CNode>) -> Option<bool> {
    n.and_then(CNode::truthy)
}

fn container(c: &CNode, init: bool, pod_sc: Option<&CNode>) -> Container {
    let sc = c.get("securityContext");
    let pick_i =
        |k: &str| int(sc.and_then(|s| s.get(k))).or_else(|| int(pod_sc.and_then(|s| s.get(k))));
    let pick_b =
        |k: &str| flag(sc.and_then(|s| s.get(k))).or_else(|| flag(pod_sc.and_then(|s| s.get(k))));
    Container {
        name: c.get("name").and_then(CNode::text).unwrap_or_default(),
        init,
        image: c.get("image").and_then(CNode::text),
        loc: c
            .get("name")
            .map(|n| n.loc.clone())
            .unwrap_or_else(|| c.loc.clone()),
        memory_limit: path(c, &["resources", "limits", "memory"]).and_then(CNode::text),
        cpu_limit: path(c, &["resources", "limits", "cpu"]).and_then(CNode::text),
        run_as_user: pick_i("runAsUser"),
        run_as_non_root: pick_b("runAsNonRoot"),
        privileged: flag(sc.and_then(|s| s.get("privileged"))).unwrap_or(false),
        allow_privilege_escalation: flag(sc.and_then(|s| s.get("allowPrivilegeEscalation"))),
        read_only_root_filesystem: flag(sc.and_then(|s| s.get("readOnlyRootFilesystem")))
            .unwrap_or(false),
        liveness_probe: c.get("livenessProbe").is_some(),
        readiness_probe: c.get("readinessProbe").is_some(),
        startup_probe: c.get("startupProbe").is_some(),
        raw: redact_raw(c.to_json()),
    }
}

/// Secret values out of a container's raw view: `env: [{name, value}]` entries whose
/// name or value is a secret, and credential-shaped strings anywhere (`args`, `command`).
fn redact_raw(mut v: Value) -> Value {
    fn fix(v: &mut Value) {
        match v {
            Value::Object(m) => {
                let name = m.get("name").and_then(Value::as_str).map(str::to_string);
                for (k, x) in m.iter_mut() {
                    match x {
                        Value::String(s) if k == "value" => {
                            let n = name.as_deref().unwrap_or("");
                            if crate::secrets::classify(n, s)
                                .is_some_and(|i| i.credential || i.kind != "reference")
                            {
                                *s = crate::secrets::redact(s);
                            }
                        }
                        Value::String(s) if !crate::secrets::find_in_text(s).is_empty() => {
                            *s = crate::secrets::redact(s);
                        }
                        other => fix(other),
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(fix),
            Value::String(s) if !crate::secrets::find_in_text(s).is_empty() => {
                *s = crate::secrets::redact(s);
            }
            _ => {}
        }
    }
    fix(&mut v);
    v
}

fn workload(src: &SourceFile, doc: &CNode) -> Option<Workload> {
    let kind = doc.get("kind").and_then(CNode::text)?;
    if !WORKLOAD_KINDS.contains(&kind.as_str()) {
        return None;
    }
    let spec_path: &[&str] = match kind.as_str() {
        "Pod" => &["spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => &["spec", "template", "spec"],
    };
    let pod = path(doc, spec_path);
    let pod_sc = pod.and_then(|p| p.get("securityContext"));
    let mut containers = Vec::new();
    if let Some(p) = pod {
        for c in p.get("initContainers").map(CNode::seq).unwrap_or(&[]) {
            containers.push(container(c, true, pod_sc));
        }
        for c in p.get("containers").map(CNode::seq).unwrap_or(&[]) {
            containers.push(container(c, false, pod_sc));
        }
    }
    let host_paths = pod
        .and_then(|p| p.get("volumes"))
        .map(|v| {
            v.seq()
                .iter()
                .filter_map(|vol| {
                    let hp = path(vol, &["hostPath", "path"])?;
                    Some(json!({"name": vol.get("name").and_then(CNode::text), "path": hp.text(), "loc": hp.loc}))
                })
                .collect()
        })
        .unwrap_or_default();
    let b = |k: &str| pod.and_then(|p| flag(p.get(k))).unwrap_or(false);
    Some(Workload {
        name: path(doc, &["metadata", "name"])
            .and_then(CNode::text)
            .unwrap_or_default(),
        namespace: path(doc, &["metadata", "namespace"]).and_then(CNode::text),
        file: src.display.to_string(),
        loc: doc
            .get("kind")
            .map(|k| k.loc.clone())
            .unwrap_or_else(|| doc.loc.clone()),
        host_network: b("hostNetwork"),
        host_pid: b("hostPID"),
        host_ipc: b("hostIPC"),
        host_paths,
        containers,
        labels: path(doc, &["metadata", "labels"])
            .map(CNode::to_json)
            .unwrap_or(Value::Null),
        annotations: path(doc, &["metadata", "annotations"])
            .map(CNode::to_json)
            .unwrap_or(Value::Null),
        kind,
    })
}

/// Every workload of a (multi-document) manifest.
pub fn parse(
    src: &SourceFile,
    limits: &YamlLimits,
) -> Result<Vec<Workload>, (String, Option<Loc>)> {
    let docs = yaml::load_all(src, limits).map_err(|e| (e.message, e.span.map(|s| src.loc(s))))?;
    Ok(docs
        .iter()
        .map(|d| convert_plain(src, d))
        .filter_map(|d| workload(src, &d))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED0: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: github-mcp\nspec:\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: true\n        runAsUser: 1001\n      initContainers:\n        - name: init\n          image: busybox:1.36\n      containers:\n        - name: server\n          image: mcp/github:1.0\n          resources:\n            limits:\n              memory: 512Mi\n          securityContext:\n            runAsUser: 0\n          livenessProbe:\n            httpGet: {path: /health/liveness, port: 8080}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: x\n";

    #[test]
    fn multi_document_with_merged_security_context() {
        assert!(looks_like_workload(SEED0));
        let src = SourceFile::from_str("deploy.yaml", SEED0);
        let w = parse(&src, &YamlLimits::default()).unwrap();
        assert_eq!(w.len(), 1);
        let d = &w[0];
        assert_eq!(
            (d.kind.as_str(), d.name.as_str()),
            ("Deployment", "github-mcp")
        );
        assert_eq!(d.containers.len(), 2);
        let init = &d.containers[0];
        assert!(init.init);
        assert_eq!(init.run_as_user, Some(1001), "pod-level value inherited");
        assert_eq!(init.memory_limit, None);
        let server = &d.containers[1];
        assert_eq!(server.run_as_user, Some(0), "container level wins");
        assert_eq!(server.run_as_non_root, Some(true));
        assert_eq!(server.memory_limit.as_deref(), Some("512Mi"));
        assert!(server.liveness_probe && !server.readiness_probe);
        assert_eq!(server.loc.line, 15);
    }

    #[test]
    fn helm_templates_are_not_workloads() {
        assert!(!looks_like_workload(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
        ));
        assert!(!looks_like_workload("apiVersion: v1\nkind: ConfigMap\n"));
        assert!(looks_like_workload(
            "apiVersion: apps/v1\nkind: Deployment   # the MCP server\n"
        ));
        assert!(looks_like_workload(
            "apiVersion: v1\nkind: \"Pod\"\t# one-off\n"
        ));
        assert!(!looks_like_workload(
            "apiVersion: v1\nkind: Service # Deployment\n"
        ));
    }
}
