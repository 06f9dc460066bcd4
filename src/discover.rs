//! Discovery: a parallel, `.gitignore`-aware walk that classifies files by name and,
//! for YAML files with other names, by content.

use ignore::{WalkBuilder, WalkState};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Dockerfile,
    Compose,
    /// `mcp-manifest.json`
    Manifest,
    /// Docker MCP catalog `server.yaml`
    CatalogServer,
    /// Official MCP registry `server.json`
    RegistryServer,
    /// An MCP client configuration (`mcpServers` / VS Code `servers`).
    ClientConfig,
    /// Kubernetes workload manifests.
    Kubernetes,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Dockerfile => "dockerfile",
            FileKind::Compose => "compose",
            FileKind::Manifest => "mcp-manifest",
            FileKind::CatalogServer => "catalog server.yaml",
            FileKind::RegistryServer => "registry server.json",
            FileKind::ClientConfig => "MCP client config",
            FileKind::Kubernetes => "Kubernetes manifest",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Discovered {
    pub path: PathBuf,
    pub kind: FileKind,
}

/// Classify by file name alone. `None` for YAML files that need a look at their content.
pub fn classify_name(name: &str) -> Option<FileKind> {
    let lower = name.to_ascii_lowercase();
    if lower == "dockerfile"
        || lower == "containerfile"
        || (lower.starts_with("dockerfile.") && !lower.ends_with(".dockerignore"))
        || lower.ends_with(".dockerfile")
        || lower.starts_with("containerfile.")
    {
        return Some(FileKind::Dockerfile);
    }
    let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    if yaml && (lower.starts_with("compose") || lower.starts_with("docker-compose")) {
        return Some(FileKind::Compose);
    }
    match lower.as_str() {
        "mcp-manifest.json" => Some(FileKind::Manifest),
        "server.yaml" | "server.yml" => Some(FileKind::CatalogServer),
        "server.json" => Some(FileKind::RegistryServer),
        "claude_desktop_config.json"
        | ".mcp.json"
        | "mcp_config.json"
        | "cline_mcp_settings.json"
        | "mcp_settings.json" => Some(FileKind::ClientConfig),
        _ => None,
    }
}

/// The start of a file (bounded), for classification by content.
fn head(path: &Path) -> Option<String> {
    use std::io::Read;
    let (f, _) = crate::source::open_regular(path).ok()?;
    let mut buf = Vec::new();
    f.take(256 * 1024).read_to_end(&mut buf).ok()?;
    Some(String::from_utf8_lossy(&buf).into_owned())
}

fn is_yaml(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".yml") || lower.ends_with(".yaml")
}

/// A YAML document with a top-level `services:` mapping is a Compose file.
pub fn sniff_compose(path: &Path) -> bool {
    use std::io::Read;
    let Ok((f, _)) = crate::source::open_regular(path) else {
        return false;
    };
    let mut buf = Vec::new();
    // A top-level key is rarely far from the start; bound the read.
    if f.take(256 * 1024).read_to_end(&mut buf).is_err() {
        return false;
    }
    let text = String::from_utf8_lossy(&buf);
    text.lines().any(|l| {
        let l = l.trim_end();
        l == "services:"
            || l.starts_with("services: ")
                && !l["services: ".len()..].trim().is_empty()
                && l.contains('{')
    })
}

fn classify(path: &Path, explicit: bool) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?;
    if let Some(k) = classify_name(name) {
        return Some(k);
    }
    let parent = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or("");
    if name == "mcp.json" && matches!(parent, ".cursor" | ".vscode" | ".roo" | ".kiro") {
        return Some(FileKind::ClientConfig);
    }
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".json") {
        let text = head(path)?;
        return crate::parse::client::looks_like_client_config(&text)
            .then_some(FileKind::ClientConfig);
    }
    if is_yaml(name) || explicit {
        if sniff_compose(path) {
            return Some(FileKind::Compose);
        }
        if head(path).is_some_and(|t| crate::parse::k8s::looks_like_workload(&t)) {
            return Some(FileKind::Kubernetes);
        }
    }
    None
}

/// Walk `paths` (files or directories). Explicitly named files are always classified
/// (by content if the name says nothing); directories are walked honouring
/// `.gitignore`, `.ignore` and the `exclude` globs.
pub fn discover(
    paths: &[PathBuf],
    exclude: &[String],
) -> (Vec<Discovered>, Vec<(PathBuf, String)>) {
    let found = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    for root in paths {
        if root.is_file() {
            match classify(root, true) {
                Some(kind) => found
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(Discovered {
                        path: root.clone(),
                        kind,
                    }),
                None => errors.lock().unwrap_or_else(|e| e.into_inner()).push((
                    root.clone(),
                    "not a Dockerfile, Compose file or MCP metadata file".to_string(),
                )),
            }
            continue;
        }
        if !root.exists() {
            errors
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((root.clone(), "no such file or directory".to_string()));
            continue;
        }
        if !root.is_dir() {
            // A FIFO, socket or device given by name: never opened.
            errors.lock().unwrap_or_else(|e| e.into_inner()).push((
                root.clone(),
                "not a regular file or a directory".to_string(),
            ));
            continue;
        }
        let mut wb = WalkBuilder::new(root);
        wb.hidden(false)
            .require_git(false)
            .follow_links(false)
            .filter_entry(|e| e.file_name() != ".git");
        if !exclude.is_empty() {
            let mut ob = ignore::overrides::OverrideBuilder::new(root);
            for g in exclude {
                let _ = ob.add(&format!("!{g}"));
            }
            if let Ok(o) = ob.build() {
                wb.overrides(o);
            }
        }
        wb.build_parallel().run(|| {
            let found = &found;
            let errors = &errors;
            Box::new(move |entry| {
                match entry {
                    Ok(e) => {
                        if e.file_type().is_some_and(|t| t.is_file()) {
                            if let Some(kind) = classify(e.path(), false) {
                                found
                                    .lock()
                                    .unwrap_or_else(|p| p.into_inner())
                                    .push(Discovered {
                                        path: e.path().to_path_buf(),
                                        kind,
                                    });
                            }
                        }
                    }
                    Err(err) => errors
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push((PathBuf::new(), err.to_string())),
                }
                WalkState::Continue
            })
        });
    }
    let mut found = found.into_inner().unwrap_or_else(|e| e.into_inner());
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found.dedup_by(|a, b| a.path == b.path);
    (
        found,
        errors.into_inner().unwrap_or_else(|e| e.into_inner()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for n in [
            "Dockerfile",
            "dockerfile",
            "Dockerfile.prod",
            "api.Dockerfile",
            "Containerfile",
        ] {
            assert_eq!(classify_name(n), Some(FileKind::Dockerfile), "{n}");
        }
        assert_eq!(classify_name("Dockerfile.dockerignore"), None);
        for n in [
            "compose.yaml",
            "compose.override.yml",
            "docker-compose.yml",
            "docker-compose.mcp.yml",
        ] {
            assert_eq!(classify_name(n), Some(FileKind::Compose), "{n}");
        }
        assert_eq!(classify_name("mcp-manifest.json"), Some(FileKind::Manifest));
        assert_eq!(classify_name("server.yaml"), Some(FileKind::CatalogServer));
        assert_eq!(classify_name("server.json"), Some(FileKind::RegistryServer));
        assert_eq!(classify_name("values.yaml"), None);
    }

    #[test]
    fn walk_respects_gitignore_and_sniffs_yaml() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path();
        std::fs::write(p.join(".gitignore"), "ignored/\n").unwrap();
        std::fs::create_dir_all(p.join("ignored")).unwrap();
        std::fs::write(p.join("ignored/Dockerfile"), "FROM a\n").unwrap();
        std::fs::write(p.join("Dockerfile"), "FROM a\n").unwrap();
        std::fs::write(p.join("stack.yml"), "services:\n  a:\n    image: x\n").unwrap();
        std::fs::write(p.join("values.yml"), "replicas: 2\n").unwrap();
        let (found, errors) = discover(&[p.to_path_buf()], &[]);
        assert!(errors.is_empty(), "{errors:?}");
        let names: Vec<_> = found
            .iter()
            .map(|f| {
                (
                    f.path.file_name().unwrap().to_str().unwrap().to_string(),
                    f.kind,
                )
            })
            .collect();
        assert_eq!(
            names,
            vec![
                ("Dockerfile".to_string(), FileKind::Dockerfile),
                ("stack.yml".to_string(), FileKind::Compose)
            ]
        );
    }
}
