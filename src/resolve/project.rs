//! Compose projects: which files are merged together (base + override, variants),
//! and the merged service and network maps with their provenance.

use crate::parse::compose::{merge, CKey, CNode, CVal, ComposeFile};
use crate::source::Loc;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

const BASES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];
const OVERRIDES: &[&str] = &[
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
];

/// Files merged into one Compose model, in merge order.
#[derive(Debug, Clone)]
pub struct Project {
    pub dir: PathBuf,
    pub files: Vec<usize>,
    /// `None` for base (+ override); `Some(name)` for `base + docker-compose.<name>.yml`.
    pub variant: Option<String>,
}

/// The `<name>` of `compose.<name>.yaml` / `docker-compose.<name>.yml`.
fn variant_name(file: &str) -> Option<String> {
    let lower = file.to_ascii_lowercase();
    let stem = lower
        .strip_suffix(".yaml")
        .or_else(|| lower.strip_suffix(".yml"))?;
    let rest = stem
        .strip_prefix("docker-compose.")
        .or_else(|| stem.strip_prefix("compose."))?;
    (!rest.is_empty()).then(|| rest.to_string())
}

/// Group Compose files (given by path) into projects; a file in `included` (one that
/// another file's `include:` brings into its project) forms none of its own.
pub fn projects(paths: &[PathBuf], included: &BTreeSet<PathBuf>) -> Vec<Project> {
    let mut by_dir: BTreeMap<PathBuf, Vec<(usize, String)>> = BTreeMap::new();
    for (i, p) in paths.iter().enumerate() {
        if included.contains(p) {
            continue;
        }
        let dir = p.parent().map(Path::to_path_buf).unwrap_or_default();
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        by_dir.entry(dir).or_default().push((i, name));
    }
    let mut out = Vec::new();
    for (dir, files) in by_dir {
        let base = BASES
            .iter()
            .find_map(|b| files.iter().find(|(_, n)| n == b).map(|(i, _)| *i));
        let Some(base) = base else {
            for (i, _) in files {
                out.push(Project {
                    dir: dir.clone(),
                    files: vec![i],
                    variant: None,
                });
            }
            continue;
        };
        let mut default = vec![base];
        for (i, n) in &files {
            if *i == base {
                continue;
            }
            if OVERRIDES.contains(&n.as_str()) {
                default.push(*i);
            } else if BASES.contains(&n.as_str()) {
                // A second base spelling in the same directory: scanned on its own.
                out.push(Project {
                    dir: dir.clone(),
                    files: vec![*i],
                    variant: None,
                });
            } else if let Some(v) = variant_name(n) {
                out.push(Project {
                    dir: dir.clone(),
                    files: vec![base, *i],
                    variant: Some(v),
                });
            } else {
                out.push(Project {
                    dir: dir.clone(),
                    files: vec![*i],
                    variant: None,
                });
            }
        }
        out.push(Project {
            dir,
            files: default,
            variant: None,
        });
    }
    out.sort_by(|a, b| a.files.cmp(&b.files));
    out
}

/// One merged service: its final node and the key that named it in the first file.
#[derive(Debug, Clone)]
pub struct MergedService {
    pub key: CKey,
    pub node: CNode,
    /// The file (index into the project's files) that first defined it.
    pub file: usize,
    /// What a later file removed with `!reset`: the key's dotted path (`healthcheck`,
    /// `deploy.resources.limits.memory`) and where the `!reset` is written.
    pub resets: Vec<(String, Loc)>,
}

/// The `!reset` keys of an override's service node, with their dotted paths.
fn resets_in(node: &CNode, prefix: &str, out: &mut Vec<(String, Loc)>) {
    for (k, v) in node.map() {
        let path = if prefix.is_empty() {
            k.name.clone()
        } else {
            format!("{prefix}.{}", k.name)
        };
        if v.tag.as_deref() == Some("!reset") {
            out.push((path, k.loc.clone()));
        } else {
            resets_in(v, &path, out);
        }
    }
}

/// Merge the `services` (and `networks`) of the project's files, in order.
pub fn merge_project(files: &[&ComposeFile]) -> (Vec<MergedService>, BTreeMap<String, CNode>) {
    // Services in order of first definition (`None`: removed by `!reset`), and where each
    // name is (a file can define thousands: no search through the list per service).
    let mut services: Vec<Option<MergedService>> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut networks: BTreeMap<String, CNode> = BTreeMap::new();
    for (fi, f) in files.iter().enumerate() {
        if let Some(s) = f.root.get("services") {
            for (k, v) in s.map() {
                if k.name.starts_with("x-") {
                    continue;
                }
                match at.get(&k.name).copied() {
                    Some(i) => {
                        let merged = services[i]
                            .as_ref()
                            .and_then(|m| merge(&m.node, v, &k.name));
                        match (merged, &mut services[i]) {
                            (Some(n), Some(m)) => {
                                m.node = n;
                                resets_in(v, "", &mut m.resets);
                            }
                            _ => {
                                services[i] = None;
                                at.remove(&k.name);
                            }
                        }
                    }
                    None => {
                        if v.tag.as_deref() != Some("!reset") {
                            let node = if matches!(v.v, CVal::Null) {
                                CNode {
                                    v: CVal::Map(vec![]),
                                    ..v.clone()
                                }
                            } else {
                                v.clone()
                            };
                            at.insert(k.name.clone(), services.len());
                            services.push(Some(MergedService {
                                key: k.clone(),
                                node,
                                file: fi,
                                resets: Vec::new(),
                            }));
                        }
                    }
                }
            }
        }
        if let Some(n) = f.root.get("networks") {
            for (k, v) in n.map() {
                let merged = match networks.get(&k.name) {
                    Some(prev) => merge(prev, v, &k.name),
                    None => Some(v.clone()),
                };
                match merged {
                    Some(m) => {
                        networks.insert(k.name.clone(), m);
                    }
                    None => {
                        networks.remove(&k.name);
                    }
                }
            }
        }
    }
    (services.into_iter().flatten().collect(), networks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PathBuf {
        PathBuf::from(s)
    }

    #[test]
    fn base_override_and_variants() {
        let files = vec![
            p("a/docker-compose.yml"),
            p("a/docker-compose.override.yml"),
            p("a/docker-compose.prod.yml"),
            p("b/docker-compose.mcp.yml"),
            p("c/stack.yml"),
        ];
        let ps = projects(&files, &BTreeSet::new());
        let shapes: Vec<_> = ps
            .iter()
            .map(|p| (p.files.clone(), p.variant.clone()))
            .collect();
        assert!(shapes.contains(&(vec![0, 1], None)));
        assert!(shapes.contains(&(vec![0, 2], Some("prod".into()))));
        assert!(shapes.contains(&(vec![3], None)));
        assert!(shapes.contains(&(vec![4], None)));
        assert_eq!(ps.len(), 4);
    }

    fn compose(name: &str, text: &str) -> ComposeFile {
        use crate::parse::{compose::InterpEnv, yaml::YamlLimits};
        let src = crate::source::SourceFile::from_str(name, text);
        crate::parse::compose::load(&src, &InterpEnv::default(), &YamlLimits::default()).unwrap()
    }

    /// Services keep the order they were first defined in; an override merges into its
    /// service, `!reset` removes it, and a later file defining it again adds it at the end.
    #[test]
    fn services_merge_in_order_of_definition() {
        let base = compose(
            "compose.yaml",
            "services:\n  a: {image: a:1}\n  b: {image: b:1}\n  c:\n  x-ext: {image: x:1}\n",
        );
        let over = compose(
            "compose.override.yaml",
            "services:\n  b: !reset null\n  a: {user: '10001'}\n  d: {image: d:1}\n",
        );
        let again = compose("compose.prod.yaml", "services:\n  b: {image: b:2}\n");
        let (services, _) = merge_project(&[&base, &over, &again]);
        let shown: Vec<(String, usize, Option<String>, Option<String>)> = services
            .iter()
            .map(|m| {
                let text = |k: &str| m.node.get(k).and_then(CNode::text).map(|t| t.to_string());
                (m.key.name.clone(), m.file, text("image"), text("user"))
            })
            .collect();
        let s = |v: &str| Some(v.to_string());
        assert_eq!(
            shown,
            vec![
                ("a".into(), 0, s("a:1"), s("10001")),
                ("c".into(), 0, None, None),
                ("d".into(), 1, s("d:1"), None),
                ("b".into(), 2, s("b:2"), None),
            ]
        );
        // A service given as null is an empty map, not a null.
        assert!(matches!(services[1].node.v, CVal::Map(ref m) if m.is_empty()));
    }
}
