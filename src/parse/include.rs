//! Compose `include:`: other Compose files, each loaded as a model of its own (its own
//! directory, `.env`, includes and `extends:`), whose services, networks, volumes,
//! secrets and configs are added to the including file.
//!
//! - `include: [path]` or `[{path: a | [a, b], project_directory: d, env_file: e | [e,
//!   f]}]`; several paths of one entry merge like `-f a -f b`. The included files are
//!   interpolated with the `.env` of their project directory, or with the entry's
//!   `env_file`s instead (a later file's value wins; one that cannot be read is an error
//!   at the entry), under the including file's environment, whose values win.
//! - The included file's relative paths (`build`, `env_file`, bind sources,
//!   `secrets`/`configs` files) are rebased to the including file's directory, and its
//!   values keep the locations where they are written.
//! - A resource the including file (or an earlier include) already defines is an error
//!   at the include entry, and the first definition stays, as Compose refuses the
//!   conflict. So are a file that cannot be read, a remote file and a cycle.
//! - The files included are listed in [`ComposeFile::included`], so that the scan
//!   treats them as part of the including project, not as projects of their own.

use super::compose::{self, CKey, CNode, CVal, ComposeFile, InterpEnv, MergedIn};
use super::extends::{self, rebase_paths, rebased, relative, remote, Reader};
use super::interpolate;
use super::yaml::YamlLimits;
use crate::source::{normalize, Loc};
use std::path::{Path, PathBuf};

/// How deep includes may nest.
const MAX_DEPTH: usize = 16;

/// The top-level resources an included file brings.
const RESOURCES: &[&str] = &["services", "networks", "volumes", "secrets", "configs"];

/// Add the resources of every file that `file` (read from `path` and interpolated with
/// `env`) includes. `env_for` gives the interpolation environment of a project
/// directory (its `.env`).
pub fn apply(
    file: &mut ComposeFile,
    path: &Path,
    env: &InterpEnv,
    limits: &YamlLimits,
    read: &Reader,
    env_for: &dyn Fn(&Path) -> InterpEnv,
) {
    let mut chain = vec![normalize(path)];
    let loader = Loader {
        limits,
        read,
        env_for,
    };
    apply_inner(file, env, &mut chain, &loader);
}

/// How the included files are read, parsed and interpolated.
struct Loader<'a> {
    limits: &'a YamlLimits,
    read: &'a Reader<'a>,
    env_for: &'a dyn Fn(&Path) -> InterpEnv,
}

/// One `include:` entry: its files (with where each is written) and project directory.
struct Entry {
    paths: Vec<(String, Loc)>,
    project_directory: Option<String>,
    env_files: Vec<(String, Loc)>,
    loc: Loc,
}

/// `apply` on a file interpolated with `env`, included through `chain`.
fn apply_inner(file: &mut ComposeFile, env: &InterpEnv, chain: &mut Vec<PathBuf>, loader: &Loader) {
    let Some(list) = file.root.get("include").cloned() else {
        return;
    };
    let path = chain.last().cloned().unwrap_or_default();
    let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let items: Vec<CNode> = match &list.v {
        CVal::Seq(items) => items.clone(),
        _ => {
            let m = "include: expects a list of files".to_string();
            file.errors.push((m, list.loc.clone()));
            return;
        }
    };
    for item in &items {
        let entry = match entry(item) {
            Ok(e) => e,
            Err(m) => {
                file.errors.push((m, item.loc.clone()));
                continue;
            }
        };
        match load_entry(&entry, &dir, env, chain, loader) {
            Ok(Loaded {
                project_dir,
                model: mut included,
                files,
                shown,
            }) => {
                // Its own errors too (the same error found where the scan reads that
                // file again is reported once).
                file.errors.append(&mut included.errors);
                let nested = std::mem::take(&mut included.merged_in);
                let rel = relative(&dir, &project_dir);
                let added = add_resources(file, included, &rel, &entry.loc);
                file.included.extend(files);
                // Which files each service it added comes from, and what they merged in.
                for service in &added {
                    file.merged_in.extend(shown.iter().map(|f| MergedIn {
                        service: service.clone(),
                        file: f.clone(),
                        via: "include",
                        at: entry.loc.clone(),
                    }));
                }
                let added: std::collections::HashSet<&String> = added.iter().collect();
                file.merged_in
                    .extend(nested.into_iter().filter(|m| added.contains(&m.service)));
            }
            Err((m, loc)) => file.errors.push((m, loc)),
        }
    }
}

/// What one entry writes.
fn entry(item: &CNode) -> Result<Entry, String> {
    let text = |n: &CNode| n.text().filter(|t| !t.trim().is_empty());
    if let Some(p) = text(item) {
        return Ok(Entry {
            paths: vec![(p, item.loc.clone())],
            project_directory: None,
            env_files: Vec::new(),
            loc: item.loc.clone(),
        });
    }
    let bad = || "include: expects a file, or a mapping with `path`".to_string();
    // A file or a list of files.
    let files = |n: &CNode| -> Vec<(String, Loc)> {
        match &n.v {
            CVal::Seq(items) => items
                .iter()
                .filter_map(|n| text(n).map(|t| (t, n.loc.clone())))
                .collect(),
            _ => text(n).map(|t| (t, n.loc.clone())).into_iter().collect(),
        }
    };
    let paths = files(item.get("path").ok_or_else(bad)?);
    if paths.is_empty() {
        return Err(bad());
    }
    Ok(Entry {
        paths,
        project_directory: item.get("project_directory").and_then(text),
        env_files: item.get("env_file").map(files).unwrap_or_default(),
        loc: item.loc.clone(),
    })
}

/// An entry loaded: its project directory, its files merged, every file it read
/// (nested includes too) and its own files as shown in reports.
struct Loaded {
    project_dir: PathBuf,
    model: ComposeFile,
    files: Vec<PathBuf>,
    shown: Vec<String>,
}

/// The entry's files loaded, their includes and `extends:` applied, merged in order:
/// the project directory, the model, and every file it read.
fn load_entry(
    entry: &Entry,
    dir: &Path,
    including: &InterpEnv,
    chain: &mut Vec<PathBuf>,
    loader: &Loader,
) -> Result<Loaded, (String, Loc)> {
    let Loader { limits, read, .. } = *loader;
    let first = normalize(&dir.join(&entry.paths[0].0));
    let project_dir = match &entry.project_directory {
        Some(d) => normalize(&dir.join(d)),
        None => first.parent().unwrap_or(Path::new("")).to_path_buf(),
    };
    let (env, mut env_errors) = entry_env(entry, dir, &project_dir, including, loader);
    let mut merged: Option<ComposeFile> = None;
    let mut files = Vec::new();
    let mut shown = Vec::new();
    for (name, loc) in &entry.paths {
        let fail = |m: String| Err((format!("include: {name}: {m}"), loc.clone()));
        if remote(name) {
            return fail("a remote file, which mcp-audit does not fetch".into());
        }
        let p = normalize(&dir.join(name));
        if chain.contains(&p) {
            return fail("includes itself (a cycle)".into());
        }
        if chain.len() > MAX_DEPTH {
            return fail(format!("includes nest more than {MAX_DEPTH} deep"));
        }
        let src = match read(&p) {
            Ok(s) => s,
            Err(e) => return fail(format!("cannot read it: {e}")),
        };
        let mut f = match compose::load(&src, &env, limits) {
            Ok(f) => f,
            Err((m, at)) => {
                let line = at
                    .map(|l| format!(" (line {})", l.line))
                    .unwrap_or_default();
                return fail(format!("cannot parse it: {m}{line}"));
            }
        };
        chain.push(p.clone());
        apply_inner(&mut f, &env, chain, loader);
        chain.pop();
        extends::apply(&mut f, &p, &env, limits, read);
        super::label_file::apply(&mut f, &p, read);
        files.push(p);
        files.append(&mut f.included);
        shown.push(f.display.clone());
        merged = Some(match merged {
            None => f,
            Some(mut m) => {
                m.root = compose::merge(&m.root, &f.root, "").unwrap_or(m.root);
                m.errors.append(&mut f.errors);
                m.merged_in.append(&mut f.merged_in);
                m
            }
        });
    }
    let mut merged = merged.ok_or_else(|| ("include: no file".to_string(), entry.loc.clone()))?;
    merged.errors.append(&mut env_errors);
    Ok(Loaded {
        project_dir,
        model: merged,
        files,
        shown,
    })
}

/// The interpolation environment of an entry's files: the project directory's, with
/// the entry's `env_file`s (relative to the including file) in place of its `.env`,
/// under the including file's own (a value it sets wins, as the local project's
/// environment does in Compose); and an error for each of those files that cannot be
/// read.
fn entry_env(
    entry: &Entry,
    dir: &Path,
    project_dir: &Path,
    including: &InterpEnv,
    loader: &Loader,
) -> (InterpEnv, Vec<(String, Loc)>) {
    let mut env = (loader.env_for)(project_dir);
    let mut errors = Vec::new();
    if !entry.env_files.is_empty() {
        env.dotenv.clear();
    }
    for (name, loc) in &entry.env_files {
        match (loader.read)(&normalize(&dir.join(name))) {
            Ok(src) => {
                let (entries, _) = interpolate::parse_dotenv(&src.text);
                for e in entries {
                    let at = format!("{}:{}", src.display, e.line);
                    env.dotenv.insert(e.key, (e.value, at));
                }
            }
            Err(e) => errors.push((
                format!("include: env_file {name}: cannot read it: {e}"),
                loc.clone(),
            )),
        }
    }
    env.dotenv
        .extend(including.dotenv.iter().map(|(k, v)| (k.clone(), v.clone())));
    (env, errors)
}

/// Add `included`'s resources to `file`, paths rebased by `rel`; a name `file` already
/// has is an error at `at`, and `file`'s definition stays. The names of the services
/// it added.
fn add_resources(
    file: &mut ComposeFile,
    included: ComposeFile,
    rel: &Path,
    at: &Loc,
) -> Vec<String> {
    let mut added = Vec::new();
    let CVal::Map(top) = included.root.v else {
        return added;
    };
    for (key, node) in top {
        if !RESOURCES.contains(&key.name.as_str()) {
            continue;
        }
        let CVal::Map(entries) = node.v else {
            continue;
        };
        if file
            .root
            .get(&key.name)
            .is_none_or(|n| !matches!(n.v, CVal::Map(_)))
        {
            set(&mut file.root, key.clone(), CNode::map_at(key.loc.clone()));
        }
        let Some(CVal::Map(mine)) = file.root.entry_mut(&key.name).map(|n| &mut n.v) else {
            continue;
        };
        for (name, mut value) in entries {
            if name.name.starts_with("x-") {
                continue;
            }
            if mine.iter().any(|(k, _)| k.name == name.name) {
                let kind = key.name.trim_end_matches('s');
                let m = format!(
                    "include: {kind} {:?} of {} is already defined (Compose refuses the \
                     conflict); the first definition is kept",
                    name.name, included.display
                );
                file.errors.push((m, at.clone()));
                continue;
            }
            if !rel.as_os_str().is_empty() {
                match key.name.as_str() {
                    "services" => rebase_paths(&mut value, rel),
                    "secrets" | "configs" => {
                        if let Some(CVal::Str(s)) = value.entry_mut("file").map(|f| &mut f.v) {
                            if let Some(r) = rebased(s, rel) {
                                *s = r;
                            }
                        }
                    }
                    _ => {}
                }
            }
            if key.name == "services" {
                added.push(name.name.clone());
            }
            mine.push((name, value));
        }
    }
    added
}

/// Set `key` of a mapping node (replacing an entry of that name).
fn set(node: &mut CNode, key: CKey, value: CNode) {
    if let CVal::Map(m) = &mut node.v {
        m.retain(|(k, _)| k.name != key.name);
        m.push((key, value));
    } else if node.is_null() {
        node.v = CVal::Map(vec![(key, value)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files by path; `apply` on the first. Each directory's `.env` sets
    /// `SHARED=<dir>`, and `DIR=<dir>` but the first file's.
    fn run(files: &[(&str, &str)]) -> ComposeFile {
        let texts = super::extends::testing::Files::new(files);
        let read = |p: &Path| texts.read(p);
        let (path, _) = files[0];
        let p = Path::new(path);
        let env_for = |d: &Path| {
            let mut env = InterpEnv::default();
            let v = d.to_string_lossy().to_string();
            env.dotenv
                .insert("SHARED".into(), (v.clone(), ".env:1".into()));
            if d != p.parent().unwrap() {
                env.dotenv.insert("DIR".into(), (v, ".env:2".into()));
            }
            env
        };
        let env = env_for(p.parent().unwrap());
        let mut f = compose::load(&read(p).unwrap(), &env, &YamlLimits::default()).unwrap();
        apply(&mut f, p, &env, &YamlLimits::default(), &read, &env_for);
        f
    }

    fn names(f: &ComposeFile, key: &str) -> Vec<String> {
        f.root
            .get(key)
            .map(|n| n.map().iter().map(|(k, _)| k.name.clone()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn included_resources_join_with_paths_rebased_and_their_own_env() {
        let f = run(&[
            (
                "/r/hub/compose.yaml",
                "include:\n  - ../servers/github/compose.yaml\n  - path: [../servers/fs/compose.yaml, ../servers/fs/compose.override.yaml]\nservices:\n  hub:\n    image: hub:1\n    depends_on: [github-mcp, fs-mcp]\n",
            ),
            (
                "/r/servers/github/compose.yaml",
                "services:\n  github-mcp:\n    build: .\n    environment:\n      FROM: ${DIR}\n      SHARED: ${SHARED}\n    secrets: [gh]\nsecrets:\n  gh:\n    file: ./gh.txt\n",
            ),
            (
                "/r/servers/fs/compose.yaml",
                "services:\n  fs-mcp:\n    extends: fs-base\n    volumes:\n      - ./data:/data:ro\n  fs-base:\n    image: fs:1\n    user: \"10001\"\n",
            ),
            (
                "/r/servers/fs/compose.override.yaml",
                "services:\n  fs-mcp:\n    read_only: true\n",
            ),
        ]);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        assert_eq!(
            names(&f, "services"),
            ["hub", "github-mcp", "fs-mcp", "fs-base"]
        );
        assert_eq!(names(&f, "secrets"), ["gh"]);
        let svc = |n: &str| f.root.get("services").unwrap().get(n).unwrap();
        let gh = svc("github-mcp");
        assert_eq!(
            gh.get("build").unwrap().text().as_deref(),
            Some("../servers/github")
        );
        assert_eq!(
            gh.get("environment")
                .unwrap()
                .get("FROM")
                .unwrap()
                .text()
                .as_deref(),
            Some("/r/servers/github"),
            "interpolated with the included project's .env"
        );
        assert_eq!(
            gh.get("environment")
                .unwrap()
                .get("SHARED")
                .unwrap()
                .text()
                .as_deref(),
            Some("/r/hub"),
            "the including project's .env wins"
        );
        assert_eq!(&*gh.loc.file, "servers/github/compose.yaml");
        let secret = f.root.get("secrets").unwrap().get("gh").unwrap();
        assert_eq!(
            secret.get("file").unwrap().text().as_deref(),
            Some("../servers/github/gh.txt")
        );
        let fs = svc("fs-mcp");
        assert_eq!(
            fs.get("user").unwrap().text().as_deref(),
            Some("10001"),
            "its extends applied"
        );
        assert_eq!(
            fs.get("read_only").unwrap().text().as_deref(),
            Some("true"),
            "both paths merged"
        );
        assert_eq!(
            fs.get("volumes").unwrap().seq()[0].text().as_deref(),
            Some("../servers/fs/data:/data:ro")
        );
        let included: Vec<String> = f
            .included
            .iter()
            .map(|p| p.to_string_lossy().to_string())
            .collect();
        assert_eq!(
            included,
            [
                "/r/servers/github/compose.yaml",
                "/r/servers/fs/compose.yaml",
                "/r/servers/fs/compose.override.yaml"
            ]
        );
        // Each added service with the files of its entry, at the entry.
        let merged: Vec<(&str, &str, &str, usize)> = f
            .merged_in
            .iter()
            .map(|m| (m.service.as_str(), m.file.as_str(), m.via, m.at.line))
            .collect();
        assert_eq!(
            merged,
            [
                ("github-mcp", "servers/github/compose.yaml", "include", 2),
                ("fs-mcp", "servers/fs/compose.yaml", "include", 3),
                ("fs-mcp", "servers/fs/compose.override.yaml", "include", 3),
                ("fs-base", "servers/fs/compose.yaml", "include", 3),
                ("fs-base", "servers/fs/compose.override.yaml", "include", 3),
            ]
        );
    }

    /// An entry's `env_file`s (relative to the including file, a later one winning)
    /// interpolate its files in place of their directory's `.env`.
    #[test]
    fn an_entry_env_file_replaces_the_included_dot_env() {
        let f = run(&[
            (
                "/r/hub/compose.yaml",
                "include:\n  - path: ../servers/gh/compose.yaml\n    env_file: [../env/base.env, ../env/prod.env, ../env/missing.env]\n",
            ),
            (
                "/r/servers/gh/compose.yaml",
                "services:\n  gh-mcp:\n    image: ghcr.io/acme/gh:${TAG}\n    user: ${UID:-0}\n    environment:\n      FROM: ${DIR:-none}\n",
            ),
            ("/r/env/base.env", "TAG=1.0.0\nUID=10001\n"),
            ("/r/env/prod.env", "# prod\nTAG=1.2.3\n"),
        ]);
        let gh = f.root.get("services").unwrap().get("gh-mcp").unwrap();
        let image = gh.get("image").unwrap();
        assert_eq!(image.text().as_deref(), Some("ghcr.io/acme/gh:1.2.3"));
        assert_eq!(image.vars[0].source.as_deref(), Some("env/prod.env:2"));
        assert_eq!(gh.get("user").unwrap().text().as_deref(), Some("10001"));
        let from = gh.get("environment").unwrap().get("FROM").unwrap();
        assert_eq!(
            from.text().as_deref(),
            Some("none"),
            "not the directory's .env"
        );
        let msgs: Vec<(String, usize)> =
            f.errors.iter().map(|(m, l)| (m.clone(), l.line)).collect();
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(
            msgs[0]
                .0
                .starts_with("include: env_file ../env/missing.env: cannot read it")
                && msgs[0].1 == 3,
            "{msgs:?}"
        );
    }

    #[test]
    fn conflicts_missing_files_and_cycles_are_errors_at_the_entry() {
        let f = run(&[
            (
                "/r/compose.yaml",
                "include:\n  - a.yaml\n  - missing.yaml\n  - loop.yaml\n  - oci://registry/app:1\n  - [1]\nservices:\n  web:\n    image: web:1\n",
            ),
            ("/r/a.yaml", "services:\n  web:\n    image: other:1\n  db:\n    image: db:1\n"),
            ("/r/loop.yaml", "include:\n  - compose.yaml\nservices:\n  l:\n    image: l:1\n"),
        ]);
        let msgs: Vec<(String, usize)> =
            f.errors.iter().map(|(m, l)| (m.clone(), l.line)).collect();
        let has = |s: &str, line: usize| msgs.iter().any(|(m, l)| m.contains(s) && *l == line);
        assert!(
            has("service \"web\" of a.yaml is already defined", 2),
            "{msgs:?}"
        );
        assert!(
            has("include: missing.yaml: cannot read it: does not exist", 3),
            "{msgs:?}"
        );
        assert!(has("a remote file", 5), "{msgs:?}");
        assert!(has("expects a file", 6), "{msgs:?}");
        // `loop.yaml` including the file that includes it: its own services still join.
        assert_eq!(names(&f, "services"), ["web", "db", "l"]);
        let web = f.root.get("services").unwrap().get("web").unwrap();
        assert_eq!(web.get("image").unwrap().text().as_deref(), Some("web:1"));
        assert!(
            has("include: compose.yaml: includes itself (a cycle)", 2),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().all(|(m, _)| m.starts_with("include: ")),
            "{msgs:?}"
        );
        assert_eq!(msgs.len(), 5, "{msgs:?}");
    }
}
