//! Compose `extends:`: each service that names another (in its own file or in another
//! file) gets that service's configuration merged under its own, as Compose loads it.
//!
//! - `extends: web` and `extends: {service: web}` name a service of the same file;
//!   `extends: {file: common.yaml, service: web}` one of another file, read relative to
//!   the file that names it, interpolated with the same environment.
//! - Chains are followed (`a` extends `b` extends `c`); a cycle, a file that cannot be
//!   read or a service that is not there is an error at the `extends:` entry, and the
//!   service keeps what it writes itself.
//! - The local service wins by the Compose merge rules ([`compose::merge`]), so a value
//!   inherited keeps the location where it is written (the other file, for `file:`).
//! - Relative paths of a service from a file in another directory (`build`, `env_file`,
//!   bind-mount sources) are rewritten to point at the same files from the extending
//!   file's directory, as `docker compose config` shows them.

use super::compose::{self, CKey, CNode, CVal, ComposeFile, InterpEnv, MergedIn};
use super::yaml::YamlLimits;
use crate::source::{normalize, Loc, SourceFile};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

/// How deep a chain of `extends` may go.
const MAX_DEPTH: usize = 32;

/// Reads a file that an `extends: {file: …}` names (bounded and fenced by the caller).
pub type Reader<'a> = dyn Fn(&Path) -> Result<SourceFile, String> + 'a;

/// Resolve the `extends:` of every service of `file` (read from `path`), in place.
/// Errors are added to `file.errors` at the `extends:` entry they concern.
pub fn apply(
    file: &mut ComposeFile,
    path: &Path,
    env: &InterpEnv,
    limits: &YamlLimits,
    read: &Reader,
) {
    let Some(services) = file.root.get("services") else {
        return;
    };
    if !services
        .map()
        .iter()
        .any(|(_, s)| s.get("extends").is_some())
    {
        return;
    }
    let mut loader = Loader {
        env,
        limits,
        read,
        files: HashMap::new(),
        errors: Vec::new(),
        merged_in: Vec::new(),
    };
    let this = Rc::new(ComposeFile {
        display: file.display.clone(),
        root: file.root.clone(),
        errors: Vec::new(),
        included: Vec::new(),
        merged_in: Vec::new(),
    });
    let path = normalize(path);
    loader.files.insert(path.clone(), Ok(this.clone()));
    let mut resolved: Vec<(String, CNode)> = Vec::new();
    for (k, s) in services.map() {
        if let (Some((ext, _)), false) = (s.entry("extends"), k.name.starts_with("x-")) {
            let mut chain = vec![(path.clone(), k.name.clone(), ext.loc.clone())];
            resolved.push((k.name.clone(), loader.resolve(&this, &path, s, &mut chain)));
        }
    }
    if let Some(CVal::Map(entries)) = file
        .root
        .entry_mut("services")
        .map(|services| &mut services.v)
    {
        for (name, node) in resolved {
            if let Some((_, slot)) = entries.iter_mut().rev().find(|(k, _)| k.name == name) {
                *slot = node;
            }
        }
    }
    file.merged_in.append(&mut loader.merged_in);
    // A file or service that several services reach is one error.
    let mut seen = std::collections::HashSet::new();
    file.errors.extend(
        loader
            .errors
            .into_iter()
            .filter(|(m, l)| seen.insert((m.clone(), l.file.clone(), l.line, l.col))),
    );
}

struct Loader<'a> {
    env: &'a InterpEnv,
    limits: &'a YamlLimits,
    read: &'a Reader<'a>,
    /// Files read so far (by normalised path), or why one could not be.
    files: HashMap<PathBuf, Result<Rc<ComposeFile>, String>>,
    errors: Vec<(String, Loc)>,
    /// The other files each service extends, along its chain.
    merged_in: Vec<MergedIn>,
}

/// What an `extends:` entry names.
struct Target {
    file: Option<(String, Loc)>,
    service: String,
}

impl Loader<'_> {
    /// `service` (of `file`, read from `path`) with what it extends merged under it.
    fn resolve(
        &mut self,
        file: &Rc<ComposeFile>,
        path: &Path,
        service: &CNode,
        chain: &mut Vec<(PathBuf, String, Loc)>,
    ) -> CNode {
        let Some((ext_key, ext)) = service.entry("extends") else {
            return service.clone();
        };
        let local = without(service, "extends");
        let target = match target(ext) {
            Ok(t) => t,
            Err(m) => return self.fail(m, &ext_key.loc, local),
        };
        let dir = path.parent().unwrap_or(Path::new(""));
        let (base_path, base_file) = match &target.file {
            None => (path.to_path_buf(), file.clone()),
            Some((name, loc)) if remote(name) => {
                let m = format!(
                    "extends: {name} is a remote file, which mcp-audit does not fetch: the \
                     service keeps only its own configuration"
                );
                return self.fail(m, loc, local);
            }
            Some((name, loc)) => {
                let p = normalize(&dir.join(name));
                match self.load(&p) {
                    Ok(f) => {
                        self.merged_in.push(MergedIn {
                            service: chain[0].1.clone(),
                            file: f.display.clone(),
                            via: "extends",
                            at: loc.clone(),
                        });
                        (p, f)
                    }
                    Err(e) => {
                        return self.fail(format!("extends: cannot read {name}: {e}"), loc, local)
                    }
                }
            }
        };
        if chain
            .iter()
            .any(|(p, s, _)| *p == base_path && *s == target.service)
        {
            // Reported at the entry of the service being resolved: each service of
            // the cycle has its own.
            let names: Vec<&str> = chain.iter().map(|(_, s, _)| s.as_str()).collect();
            let m = format!(
                "extends: cycle ({} → {}); the service keeps only its own configuration",
                names.join(" → "),
                target.service
            );
            let at = chain[0].2.clone();
            return self.fail(m, &at, local);
        }
        if chain.len() >= MAX_DEPTH {
            let m = format!("extends: a chain of more than {MAX_DEPTH} services");
            return self.fail(m, &ext_key.loc, local);
        }
        let base = base_file
            .root
            .get("services")
            .and_then(|s| s.get(&target.service));
        let Some(base) = base else {
            let m = format!(
                "extends: service {:?} is not defined in {}",
                target.service, base_file.display
            );
            return self.fail(m, &ext_key.loc, local);
        };
        chain.push((
            base_path.clone(),
            target.service.clone(),
            ext_key.loc.clone(),
        ));
        let mut base = self.resolve(&base_file, &base_path, base, chain);
        chain.pop();
        let base_dir = base_path.parent().unwrap_or(Path::new(""));
        if base_dir != dir {
            rebase_paths(&mut base, &relative(dir, base_dir));
        }
        compose::merge(&base, &local, "").unwrap_or(local)
    }

    fn load(&mut self, path: &Path) -> Result<Rc<ComposeFile>, String> {
        if let Some(f) = self.files.get(path) {
            return f.clone();
        }
        let loaded = (self.read)(path).and_then(|src| {
            compose::load(&src, self.env, self.limits)
                .map(Rc::new)
                .map_err(|(m, loc)| match loc {
                    Some(l) => format!("{m} (line {})", l.line),
                    None => m,
                })
        });
        self.files.insert(path.to_path_buf(), loaded.clone());
        loaded
    }

    fn fail(&mut self, message: String, loc: &Loc, local: CNode) -> CNode {
        self.errors.push((message, loc.clone()));
        local
    }
}

/// The service name (and file) of an `extends:` value.
fn target(ext: &CNode) -> Result<Target, String> {
    let text = |n: &CNode| n.text().filter(|t| !t.trim().is_empty());
    if let Some(service) = text(ext) {
        return Ok(Target {
            file: None,
            service,
        });
    }
    let service = ext
        .get("service")
        .and_then(text)
        .ok_or("extends: expects a service name, or a mapping with `service` (and `file`)")?;
    let file = ext
        .get("file")
        .and_then(|f| text(f).map(|t| (t, f.loc.clone())));
    Ok(Target { file, service })
}

/// `node` without its `key` entry.
fn without(node: &CNode, key: &str) -> CNode {
    let mut out = node.clone();
    if let CVal::Map(m) = &mut out.v {
        m.retain(|(k, _)| k.name != key);
    }
    out
}

/// The path that leads from directory `from` to directory `to` (both normalised).
pub(super) fn relative(from: &Path, to: &Path) -> PathBuf {
    let (f, t): (Vec<Component>, Vec<Component>) =
        (from.components().collect(), to.components().collect());
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..f.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c.as_os_str());
    }
    out
}

/// A URL, a Git remote or a `scheme:` resource (`oci:`, `git:`; not a drive letter).
pub(super) fn remote(path: &str) -> bool {
    let scheme = path.split_once(':').is_some_and(|(s, _)| {
        s.len() > 1
            && s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    scheme || path.starts_with("git@") || path.contains(".git#")
}

/// A relative local path (not a URL, a Git remote, `~` or an absolute path) seen from
/// `rel` instead of from its own file's directory.
pub(super) fn rebased(path: &str, rel: &Path) -> Option<String> {
    if remote(path)
        || path.starts_with('~')
        || path.starts_with('$')
        || Path::new(path).is_absolute()
    {
        return None;
    }
    let p = normalize(&rel.join(path));
    let s = p.to_string_lossy().replace('\\', "/");
    Some(if s.is_empty() { ".".into() } else { s })
}

fn rebase_scalar(node: &mut CNode, rel: &Path) {
    if let CVal::Str(s) = &node.v {
        if let Some(r) = rebased(s, rel) {
            node.v = CVal::Str(r);
        }
    }
}

/// Rewrite the relative paths of a service defined in another directory: `build` (its
/// context, which defaults to that directory), `env_file`, `label_file` and bind-mount
/// sources.
pub(super) fn rebase_paths(service: &mut CNode, rel: &Path) {
    let CVal::Map(entries) = &mut service.v else {
        return;
    };
    for (k, v) in entries.iter_mut() {
        match k.name.as_str() {
            "build" => match &mut v.v {
                CVal::Str(_) => rebase_scalar(v, rel),
                CVal::Map(b) => match b.iter_mut().find(|(k, _)| k.name == "context") {
                    Some((_, c)) => rebase_scalar(c, rel),
                    None => {
                        let key = CKey {
                            name: "context".into(),
                            loc: v.loc.clone(),
                        };
                        let mut c = CNode::scalar(".", v.loc.clone());
                        rebase_scalar(&mut c, rel);
                        b.push((key, c));
                    }
                },
                _ => {}
            },
            "env_file" | "label_file" => match &mut v.v {
                CVal::Str(_) => rebase_scalar(v, rel),
                CVal::Seq(items) => {
                    for item in items {
                        match &mut item.v {
                            CVal::Str(_) => rebase_scalar(item, rel),
                            CVal::Map(m) => {
                                if let Some((_, p)) = m.iter_mut().find(|(k, _)| k.name == "path") {
                                    rebase_scalar(p, rel);
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            },
            "volumes" => {
                if let CVal::Seq(items) = &mut v.v {
                    items.iter_mut().for_each(|m| rebase_mount(m, rel));
                }
            }
            _ => {}
        }
    }
}

/// A bind mount's source: `./data:/data[:ro]` (a relative source starts with `.`; any
/// other bare word is a named volume) or the long form's `source` when `type: bind`.
fn rebase_mount(mount: &mut CNode, rel: &Path) {
    match &mut mount.v {
        CVal::Str(s) if s.starts_with('.') => {
            let moved = s
                .split_once(':')
                .and_then(|(source, rest)| Some(format!("{}:{rest}", rebased(source, rel)?)));
            if let Some(m) = moved {
                *s = m;
            }
        }
        CVal::Map(m) => {
            let bind = m
                .iter()
                .any(|(k, v)| k.name == "type" && v.text().as_deref() == Some("bind"));
            if bind {
                if let Some((_, src)) = m.iter_mut().find(|(k, _)| k.name == "source") {
                    rebase_scalar(src, rel);
                }
            }
        }
        _ => {}
    }
}

/// In-memory files for the tests of `extends` and `include`.
#[cfg(test)]
pub(super) mod testing {
    use crate::source::SourceFile;
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    /// Files by absolute path under `/r` (shown relative to it).
    pub struct Files(BTreeMap<PathBuf, String>);

    impl Files {
        pub fn new(files: &[(&str, &str)]) -> Files {
            Files(
                files
                    .iter()
                    .map(|(p, t)| (PathBuf::from(p), t.to_string()))
                    .collect(),
            )
        }
        pub fn read(&self, p: &Path) -> Result<SourceFile, String> {
            let t = self.0.get(p).ok_or("does not exist")?;
            let display = p.strip_prefix("/r").unwrap_or(p).to_string_lossy();
            Ok(SourceFile::from_str(&display, t))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files by path; `apply` on the first, the others read through the reader.
    fn run(files: &[(&str, &str)]) -> ComposeFile {
        let texts = testing::Files::new(files);
        let read = |p: &Path| texts.read(p);
        let (path, _) = files[0];
        let mut f = compose::load(
            &read(Path::new(path)).unwrap(),
            &InterpEnv::default(),
            &YamlLimits::default(),
        )
        .unwrap();
        apply(
            &mut f,
            Path::new(path),
            &InterpEnv::default(),
            &YamlLimits::default(),
            &read,
        );
        f
    }

    fn service<'a>(f: &'a ComposeFile, name: &str) -> &'a CNode {
        f.root.get("services").unwrap().get(name).unwrap()
    }

    fn text(n: &CNode, path: &[&str]) -> Option<String> {
        let mut n = n;
        for k in path {
            n = n.get(k)?;
        }
        n.text()
    }

    #[test]
    fn same_file_chain_local_wins_and_inherited_values_keep_their_place() {
        let f = run(&[(
            "/r/compose.yaml",
            "services:\n  base:\n    image: app:1\n    user: \"10001\"\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n  mid:\n    extends: base\n    read_only: true\n  web:\n    extends:\n      service: mid\n    user: \"10002\"\n",
        )]);
        let web = service(&f, "web");
        assert!(web.get("extends").is_none());
        assert_eq!(text(web, &["image"]).as_deref(), Some("app:1"));
        assert_eq!(text(web, &["user"]).as_deref(), Some("10002"));
        assert_eq!(text(web, &["read_only"]).as_deref(), Some("true"));
        assert_eq!(web.get("healthcheck").unwrap().loc.line, 6);
        assert_eq!(web.loc.line, 11, "the service stays where it is written");
        // The extended service is still a service of its own.
        assert_eq!(
            text(service(&f, "base"), &["user"]).as_deref(),
            Some("10001")
        );
        assert!(f.errors.is_empty(), "{:?}", f.errors);
    }

    #[test]
    fn another_file_is_read_relative_and_its_paths_rebased() {
        let f = run(&[
            (
                "/r/app/compose.yaml",
                "services:\n  web:\n    extends:\n      file: ../commons/compose.yaml\n      service: base\n    environment:\n      A: local\n",
            ),
            (
                "/r/commons/compose.yaml",
                "services:\n  base:\n    build:\n      dockerfile: Dockerfile.mcp\n    env_file:\n      - ./container.env\n      - path: other.env\n    volumes:\n      - ./data:/data:ro\n      - cache:/cache\n      - type: bind\n        source: ./src\n        target: /src\n      - /etc/x:/x\n    environment:\n      A: base\n      B: base\n",
            ),
        ]);
        let web = service(&f, "web");
        assert_eq!(
            text(web, &["build", "context"]).as_deref(),
            Some("../commons")
        );
        assert_eq!(
            text(web, &["build", "dockerfile"]).as_deref(),
            Some("Dockerfile.mcp")
        );
        let env_files: Vec<String> = web
            .get("env_file")
            .unwrap()
            .seq()
            .iter()
            .map(|e| e.text().or_else(|| text(e, &["path"])).unwrap())
            .collect();
        assert_eq!(
            env_files,
            ["../commons/container.env", "../commons/other.env"]
        );
        let vols: Vec<String> = web
            .get("volumes")
            .unwrap()
            .seq()
            .iter()
            .map(|v| v.text().or_else(|| text(v, &["source"])).unwrap())
            .collect();
        assert_eq!(
            vols,
            [
                "../commons/data:/data:ro",
                "cache:/cache",
                "../commons/src",
                "/etc/x:/x"
            ]
        );
        assert_eq!(text(web, &["environment", "A"]).as_deref(), Some("local"));
        let b = web.get("environment").unwrap().get("B").unwrap();
        assert_eq!(
            (b.text().as_deref(), &*b.loc.file),
            (Some("base"), "commons/compose.yaml")
        );
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        // The other file is recorded as merged into `web`, at the `file:` naming it.
        let merged: Vec<(&str, &str, &str, usize)> = f
            .merged_in
            .iter()
            .map(|m| (m.service.as_str(), m.file.as_str(), m.via, m.at.line))
            .collect();
        assert_eq!(merged, [("web", "commons/compose.yaml", "extends", 4)]);
    }

    #[test]
    fn errors_are_reported_at_the_entry_and_the_service_keeps_its_own() {
        let f = run(&[(
            "/r/compose.yaml",
            "services:\n  a:\n    image: a:1\n    extends: b\n  b:\n    extends: a\n  c:\n    image: c:1\n    extends:\n      file: missing.yaml\n      service: x\n  d:\n    extends: nowhere\n    image: d:1\n  e:\n    extends: [1]\n  f:\n    extends: c\n  g:\n    extends: c\n  h:\n    extends:\n      file: https://example.com/c.yaml\n      service: x\n",
        )]);
        let msgs: Vec<(String, usize)> =
            f.errors.iter().map(|(m, l)| (m.clone(), l.line)).collect();
        assert!(
            msgs.iter()
                .any(|(m, l)| m.contains("cycle (a → b → a)") && *l == 4),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|(m, l)| m.contains("cycle (b → a → b)") && *l == 6),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|(m, l)| m.contains("is a remote file") && *l == 23),
            "{msgs:?}"
        );
        assert_eq!(msgs.len(), 6, "one error each: {msgs:?}");
        assert!(
            msgs.iter()
                .any(|(m, l)| m.contains("cannot read missing.yaml: does not exist") && *l == 10),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|(m, l)| m.contains("\"nowhere\" is not defined in compose.yaml") && *l == 13),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|(m, l)| m.contains("expects a service name") && *l == 16),
            "{msgs:?}"
        );
        assert_eq!(text(service(&f, "c"), &["image"]).as_deref(), Some("c:1"));
        assert_eq!(text(service(&f, "d"), &["image"]).as_deref(), Some("d:1"));
        assert!(service(&f, "d").get("extends").is_none());
        // `f` and `g` reach `c`'s missing file: the one error above, and `c`'s image.
        assert_eq!(text(service(&f, "g"), &["image"]).as_deref(), Some("c:1"));
    }

    #[test]
    fn reset_in_the_local_service_removes_an_inherited_value() {
        let f = run(&[(
            "/r/compose.yaml",
            "services:\n  base:\n    image: app:1\n    ports: [\"8080:8080\"]\n  web:\n    extends: base\n    ports: !reset []\n",
        )]);
        assert!(service(&f, "web").get("ports").is_none());
    }

    #[test]
    fn relative_paths_between_directories() {
        assert_eq!(
            relative(Path::new("/r/app"), Path::new("/r/commons")),
            PathBuf::from("../commons")
        );
        assert_eq!(
            relative(Path::new("/r"), Path::new("/r/a/b")),
            PathBuf::from("a/b")
        );
        assert_eq!(
            relative(Path::new("/r/a/b"), Path::new("/r")),
            PathBuf::from("../..")
        );
        assert_eq!(
            rebased("./x/../y", Path::new("../c")).as_deref(),
            Some("../c/y")
        );
        assert_eq!(
            rebased(".", Path::new("../../c")).as_deref(),
            Some("../../c")
        );
        assert_eq!(rebased("https://github.com/a/b.git", Path::new("x")), None);
        assert_eq!(rebased("/abs", Path::new("x")), None);
        assert!(remote("oci://registry/x") && remote("remote:cycle/compose.yaml"));
        assert!(!remote("C:\\x\\compose.yaml") && !remote("./a:b.yaml"));
    }
}
