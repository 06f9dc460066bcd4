//! Compose `label_file:` (Compose 2.32): a service's labels read from files of
//! `KEY=VALUE` lines (the env-file format), relative to the Compose file. A later file's
//! value wins over an earlier one's, and the service's own `labels:` win over both, as
//! Compose merges them. The labels read are added to the service's `labels:`, each at
//! the line of its file, so that every rule reading labels (`mcp.owner`,
//! `mcp.governance.level`, the role labels) sees them. A file that cannot be read is an
//! error at its entry, as Compose refuses to start without it.
//!
//! Applied to each file after its `include:` and `extends:` (whose `label_file` paths
//! are rebased to it), before files are merged: an override file's `labels:` then win
//! over a base file's `label_file`, as they do in Compose. The `label_file` key is
//! removed once read.

use super::compose::{CKey, CNode, CVal, ComposeFile};
use super::extends::Reader;
use crate::source::Loc;
use std::path::Path;

/// Add the labels of every service's `label_file`s to its `labels:` (the service's own
/// labels win). Errors are added to `file.errors` at the entry that names the file.
pub fn apply(file: &mut ComposeFile, path: &Path, read: &Reader) {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut errors = Vec::new();
    if let Some(CVal::Map(services)) = file.root.entry_mut("services").map(|s| &mut s.v) {
        for (_, service) in services.iter_mut() {
            let files = entries(service);
            if files.is_empty() {
                continue;
            }
            let mut read_labels: Vec<(String, String, Loc)> = Vec::new();
            for (name, shown, at) in files {
                if name.trim().is_empty() {
                    errors.push((format!("label_file {shown:?}: the path is empty"), at));
                    continue;
                }
                match read(&dir.join(&name)) {
                    Ok(src) => {
                        let (lines, _) = crate::parse::interpolate::parse_dotenv(&src.text);
                        for e in lines {
                            let loc = src.loc(src.line_span(e.line));
                            read_labels.retain(|(k, _, _)| *k != e.key);
                            read_labels.push((e.key, e.value, loc));
                        }
                    }
                    Err(e) => errors.push((format!("label_file {shown}: cannot read it: {e}"), at)),
                }
            }
            add_labels(service, read_labels);
            // (Read once: a file that includes this one does not read them again.)
            if let CVal::Map(entries) = &mut service.v {
                entries.retain(|(k, _)| k.name != "label_file");
            }
        }
    }
    file.errors.append(&mut errors);
}

/// A service's `label_file` entries (a path or a list of paths): each path, as written
/// (before interpolation), and where.
fn entries(service: &CNode) -> Vec<(String, String, Loc)> {
    let Some(n) = service.get("label_file") else {
        return Vec::new();
    };
    let entry = |i: &CNode| {
        let path = i.text()?;
        let shown = i.raw.clone().unwrap_or_else(|| path.clone());
        Some((path, shown, i.loc.clone()))
    };
    match &n.v {
        CVal::Seq(items) => items.iter().filter_map(entry).collect(),
        _ => entry(n).into_iter().collect(),
    }
}

/// Add `labels` (key, value, where it is written) that the service's `labels:` (a
/// mapping or a `KEY=VALUE` list) does not set.
fn add_labels(service: &mut CNode, labels: Vec<(String, String, Loc)>) {
    if labels.is_empty() {
        return;
    }
    let at = service.loc.clone();
    if service.get("labels").is_none_or(CNode::is_null) {
        if let CVal::Map(entries) = &mut service.v {
            entries.retain(|(k, _)| k.name != "labels");
            entries.push((
                CKey {
                    name: "labels".into(),
                    loc: at.clone(),
                },
                CNode::map_at(at),
            ));
        }
    }
    let Some(own) = service.entry_mut("labels") else {
        return;
    };
    match &mut own.v {
        CVal::Map(entries) => {
            for (key, value, loc) in labels {
                if !entries.iter().any(|(k, _)| k.name == key) {
                    let node = CNode::scalar(&value, loc.clone());
                    entries.push((CKey { name: key, loc }, node));
                }
            }
        }
        CVal::Seq(items) => {
            let set = |i: &CNode, key: &str| {
                i.text()
                    .is_some_and(|t| t.split('=').next().unwrap_or("") == key)
            };
            for (key, value, loc) in labels {
                if !items.iter().any(|i| set(i, &key)) {
                    items.push(CNode::scalar(&format!("{key}={value}"), loc));
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::compose::{self, InterpEnv};
    use crate::source::SourceFile;
    use std::collections::HashMap;

    /// Load `compose.yaml` of `files` and apply its label files (read from `files`).
    fn run(files: &[(&str, &str)]) -> ComposeFile {
        let by_name: HashMap<String, &str> =
            files.iter().map(|(n, t)| (format!("/p/{n}"), *t)).collect();
        let read = |p: &Path| -> Result<SourceFile, String> {
            let key = p.to_string_lossy().replace("/./", "/");
            let text = by_name.get(&key).ok_or("No such file or directory")?;
            Ok(SourceFile::from_bytes(
                p,
                key.trim_start_matches("/p/").to_string(),
                text.as_bytes(),
            ))
        };
        let main = read(Path::new("/p/compose.yaml")).unwrap();
        let mut c = compose::load(&main, &InterpEnv::default(), &Default::default()).unwrap();
        apply(&mut c, Path::new("/p/compose.yaml"), &read);
        c
    }

    fn labels(c: &ComposeFile, service: &str) -> Vec<(String, String, String)> {
        let n = c.root.get("services").unwrap().get(service).unwrap();
        let labels = n.get("labels").unwrap();
        match &labels.v {
            CVal::Map(m) => m
                .iter()
                .map(|(k, v)| {
                    (
                        k.name.clone(),
                        v.text().unwrap(),
                        format!("{}:{}", v.loc.file, v.loc.line),
                    )
                })
                .collect(),
            CVal::Seq(s) => s
                .iter()
                .map(|v| {
                    (
                        String::new(),
                        v.text().unwrap(),
                        format!("{}:{}", v.loc.file, v.loc.line),
                    )
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn label_files_add_under_the_services_own_labels() {
        let c = run(&[
            (
                "compose.yaml",
                "services:\n  gh:\n    image: x\n    label_file: [./base.labels, ./team.labels]\n    labels:\n      mcp.server: gh\n      mcp.owner: platform\n  plain:\n    image: y\n    label_file: ./base.labels\n",
            ),
            ("base.labels", "# governance\nmcp.owner=nobody\nmcp.governance.level=low\n"),
            ("team.labels", "mcp.governance.level=high\n"),
        ]);
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        let gh = c.root.get("services").unwrap().get("gh").unwrap();
        assert!(gh.get("label_file").is_none());
        assert_eq!(
            labels(&c, "gh"),
            [
                ("mcp.server".into(), "gh".into(), "compose.yaml:6".into()),
                (
                    "mcp.owner".into(),
                    "platform".into(),
                    "compose.yaml:7".into()
                ),
                (
                    "mcp.governance.level".into(),
                    "high".into(),
                    "team.labels:1".into()
                ),
            ]
        );
        // With no `labels:` of its own, the file's labels are the service's.
        assert_eq!(
            labels(&c, "plain"),
            [
                ("mcp.owner".into(), "nobody".into(), "base.labels:2".into()),
                (
                    "mcp.governance.level".into(),
                    "low".into(),
                    "base.labels:3".into()
                ),
            ]
        );
    }

    #[test]
    fn list_labels_and_unreadable_files() {
        let c = run(&[
            (
                "compose.yaml",
                "services:\n  gh:\n    image: x\n    label_file:\n      - ./missing.labels\n      - ./base.labels\n      - ${UNSET_LABELS}\n    labels:\n      - mcp.server=gh\n",
            ),
            ("base.labels", "mcp.server=other\nmcp.owner=platform\n"),
        ]);
        assert_eq!(
            labels(&c, "gh"),
            [
                (
                    String::new(),
                    "mcp.server=gh".into(),
                    "compose.yaml:9".into()
                ),
                (
                    String::new(),
                    "mcp.owner=platform".into(),
                    "base.labels:2".into()
                ),
            ]
        );
        let errors: Vec<(String, usize)> =
            c.errors.iter().map(|(m, l)| (m.clone(), l.line)).collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0]
                .0
                .starts_with("label_file ./missing.labels: cannot read it"),
            "{errors:?}"
        );
        assert_eq!(errors[0].1, 5);
        // An unset variable leaves the path empty: said so, with the path as written.
        assert_eq!(
            errors[1],
            (
                "label_file \"${UNSET_LABELS}\": the path is empty".to_string(),
                7
            )
        );
    }
}
