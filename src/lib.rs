//! `mcp-audit`: a policy-as-code auditor for containerized MCP server deployments.
//!
//! Data flow, one direction: discover → parse → resolve → evaluate → report.

pub mod catalog;
pub mod cli;
pub mod config;
pub mod discover;
pub mod docs;
pub mod engine;
pub mod evaluate;
pub mod finding;
pub mod model;
pub mod parse;
pub mod prebuilt;
pub mod rego_value;
pub mod report;
pub mod resolve;
pub mod sbom;
pub mod schema;
pub mod score;
pub mod secrets;
pub mod source;
pub mod suppress;
pub mod vulns;

use catalog::Severity;
use config::Config;
use discover::FileKind;
use engine::PolicySet;
use finding::Finding;
use parse::compose::{self, InterpEnv};
use parse::yaml::YamlLimits;
use rayon::prelude::*;
use resolve::{ErrorAt, FileErrors, Parsed, Unit};
use serde::Serialize;
use source::SourceFile;
use std::path::{Path, PathBuf};

/// Stack size of the parse/evaluate worker threads: deep (but within budget) YAML
/// nesting recurses in the deserializer, and debug builds use large frames.
pub const WORKER_STACK: usize = 64 * 1024 * 1024;

static THREADS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Use `n` worker threads (0: one per core). Takes effect if called before the first
/// scan of the process.
pub fn set_threads(n: usize) {
    THREADS.store(n, std::sync::atomic::Ordering::Relaxed);
}

pub(crate) fn pool() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(THREADS.load(std::sync::atomic::Ordering::Relaxed))
            .stack_size(WORKER_STACK)
            .thread_name(|i| format!("mcp-audit-{i}"))
            .build()
            .expect("thread pool")
    })
}

/// Everything a scan needs, from the command line and the config file.
#[derive(Clone, Debug)]
pub struct Settings {
    pub paths: Vec<PathBuf>,
    pub config: Config,
    pub extra_policies: Vec<PathBuf>,
    /// Process environment used for Compose interpolation.
    pub env: std::collections::BTreeMap<String, String>,
    pub max_file_size: u64,
    /// Indeterminate controls count as failures.
    pub strict: bool,
    /// Score supporting services (Postgres, Prometheus…) too.
    pub include_supporting: bool,
    /// Output paths are relative to this (absolute) directory.
    pub root: PathBuf,
    /// The scan date (`YYYY-MM-DD`) for waiver expiry and lifecycle rules.
    pub today: String,
    /// Fingerprints of known findings (`--baseline`): reported as suppressed.
    pub baseline: Option<std::collections::BTreeSet<String>>,
    /// A vulnerability report (`--vulns`), given to every unit as `input.vulns`.
    pub vulns: Option<serde_json::Value>,
    /// Creation time of SBOMs (RFC 3339, UTC): `--now`, `SOURCE_DATE_EPOCH`, or now.
    pub created: String,
    /// Report only on these files (root-relative): the repository is still scanned for
    /// context (pre-commit passes the changed files).
    pub only_files: Option<std::collections::BTreeSet<String>>,
    /// Build the SBOM inventory (for the `spdx` / `cyclonedx` outputs).
    pub inventory: bool,
}

impl Settings {
    /// The YAML loader's limits (from `limits:` in the config, and `max_file_size`).
    pub fn yaml_limits(&self) -> YamlLimits {
        YamlLimits {
            max_bytes: usize::try_from(self.max_file_size).unwrap_or(usize::MAX),
            ..self.config.limits.yaml()
        }
    }

    /// What files referenced from scanned files may be read: regular files inside the
    /// scan root or one of the scanned paths (symbolic links resolved), within the size
    /// limit.
    pub fn read_fence(&self) -> resolve::ReadFence {
        let mut roots: Vec<PathBuf> = Vec::new();
        let dirs = std::iter::once(self.root.clone()).chain(self.paths.iter().map(|p| {
            if p.is_dir() {
                p.clone()
            } else {
                p.parent().map(Path::to_path_buf).unwrap_or_default()
            }
        }));
        for d in dirs {
            let d = if d.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                d
            };
            if let Ok(c) = std::fs::canonicalize(&d) {
                roots.push(c);
            }
        }
        resolve::ReadFence {
            roots,
            max_file_size: self.max_file_size,
        }
    }

    pub fn new(paths: Vec<PathBuf>, config: Config) -> Settings {
        Settings {
            root: report::paths::Paths::for_scan(&paths).root().to_path_buf(),
            paths,
            extra_policies: config
                .policies
                .iter()
                .map(|p| config.base_dir.join(p))
                .collect(),
            max_file_size: config.limits.max_file_size,
            config,
            env: std::env::vars().collect(),
            strict: false,
            include_supporting: false,
            today: suppress::today(),
            baseline: None,
            vulns: None,
            created: suppress::timestamp_now(),
            only_files: None,
            inventory: true,
        }
    }
}

/// A unit and how it fared (for the per-unit table and JSON).
#[derive(Clone, Debug, Serialize)]
pub struct UnitSummary {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub role: resolve::Role,
    /// `mcp.governance.level` of the unit (label or manifest), when known.
    pub governance_level: Option<String>,
    pub verdicts: Vec<score::RuleVerdict>,
    /// Present for scored units (MCP servers, hubs, client-config entries, `server.json` /
    /// `server.yaml` files, Kubernetes workloads; supporting services on request).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<score::UnitScore>,
}

/// A policy that failed to evaluate on a unit.
#[derive(Clone, Debug, Serialize)]
pub struct EvalError {
    pub rule: String,
    pub unit: String,
    pub message: String,
}

/// The result of a scan.
#[derive(Debug, Serialize)]
pub struct ScanResult {
    pub files_scanned: usize,
    pub findings: Vec<Finding>,
    pub units: Vec<UnitSummary>,
    pub project: score::ProjectScore,
    pub eval_errors: Vec<EvalError>,
    /// Paths that could not be walked or named an unknown file type.
    pub discovery_errors: Vec<(String, String)>,
    #[serde(skip)]
    pub rules: Vec<catalog::RuleMeta>,
    /// Paths in findings are relative to this directory.
    #[serde(skip)]
    pub root: PathBuf,
    /// What the deployment is made of (for the SBOM outputs).
    #[serde(skip)]
    pub inventory: sbom::Inventory,
}

impl ScanResult {
    /// Unsuppressed findings at or above `min`.
    pub fn failing(&self, min: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.suppressed.is_none() && f.severity >= min)
            .count()
    }
}

/// How a path is shown in every output: relative to the scan root (the repository
/// root, see [`report::paths::Paths`]) with `/`, or as given when outside it.
pub fn display_path(path: &Path, root: &Path) -> String {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let abs = resolve::normalize(&abs);
    let shown = match abs.strip_prefix(root) {
        Ok(rel) if !root.as_os_str().is_empty() => rel.to_path_buf(),
        _ => path.to_path_buf(),
    };
    let s = shown.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// The parse stage's output for one file.
enum ParseOut {
    /// A Dockerfile's entry (its parse is not kept) and its parse errors.
    Dockerfile(PathBuf, resolve::DockerfileEntry, Option<FileErrors>),
    Compose(PathBuf, compose::ComposeFile),
    Metadata(PathBuf, parse::metadata::Metadata),
    Client(parse::client::ClientConfig),
    Workloads(Vec<parse::k8s::Workload>),
    /// Classified by content, but not one after all.
    Nothing,
    Failed(FileErrors),
}

fn read_source(path: &Path, max: u64, root: &Path) -> Result<SourceFile, String> {
    let bytes = source::read_bounded(path, max)?;
    if let Some(enc) = source::foreign_encoding(&bytes) {
        return Err(format!(
            "the file is {enc} encoded (byte-order mark); Docker and mcp-audit read UTF-8 \
             only: convert it to UTF-8"
        ));
    }
    if source::looks_binary(&bytes) {
        return Err("binary content (NUL and control bytes), not a text file".into());
    }
    Ok(SourceFile::from_bytes(
        path,
        display_path(path, root),
        &bytes,
    ))
}

fn dotenv_for(
    dir: &Path,
    root: &Path,
    fence: &resolve::ReadFence,
) -> std::collections::BTreeMap<String, (String, String)> {
    let mut out = std::collections::BTreeMap::new();
    let p = dir.join(".env");
    // Not `read_to_string`: `.env` may be a FIFO, a device or a link out of the tree.
    if let Ok(bytes) = fence.read(&p) {
        let text = String::from_utf8_lossy(&bytes);
        let (entries, _errors) = parse::interpolate::parse_dotenv(&text);
        for e in entries {
            out.insert(
                e.key,
                (e.value, format!("{}:{}", display_path(&p, root), e.line)),
            );
        }
    }
    out
}

/// Inline suppressions of one file: (display path, directives).
pub type FileDirectives = (String, Vec<suppress::Directive>);

fn parse_one(
    path: &Path,
    kind: FileKind,
    settings: &Settings,
    limits: &YamlLimits,
    fence: &resolve::ReadFence,
) -> (ParseOut, Option<FileDirectives>) {
    let t0 = engine::profiling().then(std::time::Instant::now);
    let src = match read_source(path, settings.max_file_size, &settings.root) {
        Ok(s) => s,
        Err(e) => return (read_failure(path, kind, settings, e), None),
    };
    let display = t0.map(|_| src.display.clone());
    let dirs = suppress::directives(&src);
    let dirs = (!dirs.is_empty()).then(|| (src.display.to_string(), dirs));
    let out = parse_source(path, kind, settings, limits, fence, src);
    if let (Some(t0), Some(display)) = (t0, display) {
        engine::record_file(&display, t0.elapsed());
    }
    (out, dirs)
}

fn read_failure(path: &Path, kind: FileKind, settings: &Settings, e: String) -> ParseOut {
    let display = display_path(path, &settings.root);
    let loc = source::Loc::file_start(display.clone());
    ParseOut::Failed(FileErrors {
        file: display,
        format: kind.as_str(),
        errors: vec![ErrorAt {
            message: format!("cannot read file: {e}"),
            loc,
        }],
    })
}

fn parse_source(
    path: &Path,
    kind: FileKind,
    settings: &Settings,
    limits: &YamlLimits,
    fence: &resolve::ReadFence,
    src: SourceFile,
) -> ParseOut {
    let format = kind.as_str();
    let fail = |src: &SourceFile, message: String, loc: Option<source::Loc>| {
        ParseOut::Failed(FileErrors {
            file: src.display.to_string(),
            format,
            errors: vec![ErrorAt {
                message,
                loc: loc.unwrap_or_else(|| src.loc(source::Span::new(0, 0))),
            }],
        })
    };
    match kind {
        FileKind::Dockerfile => {
            // Only what the first reading tells is kept (see DockerfileEntry).
            let df = parse::dockerfile::parse(&src);
            let errors = FileErrors::of_dockerfile(&src, &df);
            let entry = resolve::DockerfileEntry::new(&src, &df);
            ParseOut::Dockerfile(path.to_path_buf(), entry, errors)
        }
        FileKind::Compose => {
            let dir = path.parent().unwrap_or(Path::new("."));
            let env = InterpEnv {
                process: settings.env.clone(),
                dotenv: dotenv_for(dir, &settings.root, fence),
            };
            match compose::load(&src, &env, limits) {
                Ok(mut c) => {
                    // `include:` and `extends: {file: …}` read other files, bounded and
                    // fenced like every file a scanned file refers to; an included file
                    // is interpolated with its own directory's `.env`.
                    let read = |p: &Path| {
                        let bytes = fence.read(p)?;
                        Ok(SourceFile::from_bytes(
                            p,
                            display_path(p, &settings.root),
                            &bytes,
                        ))
                    };
                    let env_for = |d: &Path| InterpEnv {
                        process: settings.env.clone(),
                        dotenv: dotenv_for(d, &settings.root, fence),
                    };
                    parse::include::apply(&mut c, path, &env, limits, &read, &env_for);
                    parse::extends::apply(&mut c, path, &env, limits, &read);
                    parse::label_file::apply(&mut c, path, &read);
                    ParseOut::Compose(path.to_path_buf(), c)
                }
                Err((m, loc)) => fail(&src, m, loc),
            }
        }
        FileKind::ClientConfig => {
            match parse::client::parse(&src, limits, &settings.config.placeholders) {
                Ok(Some(c)) => ParseOut::Client(c),
                Ok(None) => ParseOut::Nothing,
                Err((m, loc)) => fail(&src, m, loc),
            }
        }
        FileKind::Kubernetes => match parse::k8s::parse(&src, limits) {
            Ok(w) => ParseOut::Workloads(w),
            Err((m, loc)) => fail(&src, m, loc),
        },
        FileKind::Manifest | FileKind::CatalogServer | FileKind::RegistryServer => {
            let f = match kind {
                FileKind::Manifest => "mcp-manifest",
                FileKind::CatalogServer => "catalog-server",
                _ => "registry-server",
            };
            match parse::metadata::parse(&src, f, limits) {
                Ok(m) => ParseOut::Metadata(path.to_path_buf(), m),
                Err((m, loc)) => fail(&src, m, loc),
            }
        }
    }
}

/// What discovery, parsing and resolution produced.
pub struct Resolved {
    pub units: Vec<Unit>,
    pub files_scanned: usize,
    pub discovery_errors: Vec<(String, String)>,
    pub directives: Vec<FileDirectives>,
}

/// Discover and parse every file; resolve them into units.
pub fn resolve_units(settings: &Settings) -> Resolved {
    let (files, discovery_errors) = phase("discover", || {
        discover::discover(&settings.paths, &settings.config.exclude)
    });
    let limits = settings.yaml_limits();
    let fence = settings.read_fence();
    let outs: Vec<(ParseOut, Option<FileDirectives>)> = phase("parse", || {
        pool().install(|| {
            files
                .par_iter()
                .map(|d| parse_one(&d.path, d.kind, settings, &limits, &fence))
                .collect()
        })
    });
    let mut parsed = Parsed {
        fence,
        ..Parsed::default()
    };
    let mut directives = Vec::new();
    for (o, d) in outs {
        directives.extend(d);
        match o {
            ParseOut::Dockerfile(p, entry, errors) => {
                parsed.file_errors.extend(errors);
                parsed.dockerfiles.insert(resolve::absolute(&p), entry);
            }
            ParseOut::Compose(p, c) => {
                if !c.errors.is_empty() {
                    parsed.file_errors.push(FileErrors {
                        file: c.display.clone(),
                        format: "compose",
                        errors: c
                            .errors
                            .iter()
                            .map(|(m, l)| ErrorAt {
                                message: m.clone(),
                                loc: l.clone(),
                            })
                            .collect(),
                    });
                }
                parsed.composes.push((resolve::absolute(&p), c));
            }
            ParseOut::Metadata(p, m) => parsed
                .metadata
                .push((resolve::absolute(&p), std::sync::Arc::new(m))),
            ParseOut::Client(c) => parsed.clients.push(c),
            ParseOut::Workloads(w) => parsed.workloads.extend(w),
            ParseOut::Nothing => {}
            ParseOut::Failed(fe) => parsed.file_errors.push(fe),
        }
    }
    let show = |p: &Path| display_path(p, &settings.root);
    let (mut units, extra_errors) = phase("resolve", || {
        resolve::units(&parsed, &settings.config, &show)
    });
    // Scan-wide facts every unit may read: the scan date and the vulnerability report.
    let vulns = settings
        .vulns
        .clone()
        .unwrap_or_else(|| serde_json::json!({"provided": false, "vulnerabilities": []}));
    let mut fields = serde_json::Map::new();
    fields.insert("scan".into(), serde_json::json!({"date": settings.today}));
    fields.insert("vulns".into(), vulns);
    // Inputs built late carry `config` too; both lists share the same documents.
    let fields = resolve::Shared::new(fields);
    let shared = fields.after("config", resolve::config_json(&settings.config));
    for u in &mut units {
        u.set_shared(&shared, &fields);
    }
    for fe in parsed.file_errors.iter().chain(extra_errors.iter()) {
        units.push(resolve::error_unit(fe));
    }
    let discovery_errors = discovery_errors
        .into_iter()
        .map(|(p, e)| (display_path(&p, &settings.root), e))
        .collect();
    Resolved {
        units,
        files_scanned: files.len(),
        discovery_errors,
        directives,
    }
}

pub use evaluate::EvalOptions;

/// Compute the fingerprint (and snippet) of each finding that has none yet (those of
/// standalone Dockerfiles got theirs when evaluated, from the text in hand).
fn fingerprint_all(findings: &mut [Finding], root: &Path) {
    let texts = source::read_masked(
        root,
        findings
            .iter()
            .filter(|f| f.fingerprint.is_empty())
            .filter_map(|f| f.location.as_ref()),
    );
    pool().install(|| {
        findings
            .par_iter_mut()
            .filter(|f| f.fingerprint.is_empty())
            .for_each(|f| {
                let text = f
                    .location
                    .as_ref()
                    .and_then(|l| texts.get(&*l.file))
                    .and_then(Option::as_ref);
                finding::fingerprint(f, text);
            })
    });
}

/// Units of kind `suppressions`, one per file, for the MCP-AUD rules on suppressions.
fn suppression_units(usage: Vec<suppress::Usage>) -> Vec<Unit> {
    let mut by_file: std::collections::BTreeMap<String, Vec<suppress::Usage>> =
        std::collections::BTreeMap::new();
    for u in usage {
        by_file.entry(u.loc.file.to_string()).or_default().push(u);
    }
    by_file
        .into_iter()
        .map(|(file, list)| Unit {
            id: file.clone(),
            name: file.clone(),
            kind: "suppressions",
            role: resolve::Role::SourceFile,
            input: resolve::Input::Doc(resolve::Doc::from(serde_json::json!({"kind": "suppressions", "unit": {"id": file, "name": file, "role": "source-file"},
                                      "file": file, "suppressions": list}))),
        })
        .collect()
}

/// With `MCP_AUDIT_PROFILE=1`, print how long a phase of the scan took.
pub fn phase<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let _timer = PhaseTimer::start(name);
    f()
}

/// Prints the time from its start to its drop under `MCP_AUDIT_PROFILE=1` (for a phase
/// that is not one closure).
pub struct PhaseTimer<'a>(Option<(&'a str, std::time::Instant)>);

impl<'a> PhaseTimer<'a> {
    pub fn start(name: &'a str) -> PhaseTimer<'a> {
        PhaseTimer(engine::profiling().then(|| (name, std::time::Instant::now())))
    }
}

impl Drop for PhaseTimer<'_> {
    fn drop(&mut self) {
        if let Some((name, t0)) = self.0 {
            eprintln!(
                "phase {name:<14} {:>10.1} ms{}",
                t0.elapsed().as_secs_f64() * 1e3,
                memory_now()
            );
        }
    }
}

/// The process's resident and peak memory (`/proc/self/status`, Linux) for the
/// profile, e.g. `  rss 70 MiB, peak 152 MiB`; empty where it cannot be read.
fn memory_now() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let mib = |key: &str| {
        let kb = status.lines().find_map(|l| l.strip_prefix(key))?;
        kb.trim()
            .trim_end_matches("kB")
            .trim()
            .parse::<u64>()
            .ok()
            .map(|kb| kb / 1024)
    };
    match (mib("VmRSS:"), mib("VmHWM:")) {
        (Some(rss), Some(peak)) => format!("  rss {rss} MiB, peak {peak} MiB"),
        _ => String::new(),
    }
}

/// Run a whole scan: parse → resolve → evaluate → suppress → score.
pub fn scan(settings: &Settings) -> anyhow::Result<ScanResult> {
    // The policies compile on their own thread while the files are parsed.
    let (policies, resolved) = std::thread::scope(|s| {
        let compile = std::thread::Builder::new()
            .stack_size(WORKER_STACK)
            .spawn_scoped(s, || {
                phase("policies", || PolicySet::load(&settings.extra_policies))
            });
        let resolved = phase("parse+resolve", || resolve_units(settings));
        let policies = match compile {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p)),
            Err(_) => PolicySet::load(&settings.extra_policies),
        };
        (policies, resolved)
    });
    let mut policies = policies?;
    policies.set_time_limit(std::time::Duration::from_secs(
        settings.config.limits.rego_eval_seconds,
    ));
    let project = settings
        .root
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "deployment".into());
    let inventory = if settings.inventory {
        phase("inventory", || sbom::inventory(&resolved.units, &project))
    } else {
        sbom::Inventory::default()
    };
    // With `--only-files`: the units defined in or built from the given files, which are
    // scored on all their findings (only the findings located in those files are reported).
    let touching: Option<std::collections::BTreeSet<String>> =
        settings.only_files.as_ref().map(|only| {
            resolved
                .units
                .iter()
                .filter(|u| {
                    let file = u.id.split('#').next().unwrap_or(&u.id);
                    only.contains(file)
                        // (A standalone Dockerfile's id is its file.)
                        || u.files().iter().any(|f| only.contains(*f))
                })
                .map(|u| u.id.clone())
                .collect()
        });
    // Each unit is dropped by the worker that evaluated it: its input is not held to the end.
    let (mut runs, mut findings, mut eval_errors) = phase("evaluate", || {
        evaluate::run(&policies, resolved.units, &settings.config)
    });
    phase("fingerprint", || {
        fingerprint_all(&mut findings, &settings.root)
    });
    let show = |p: &Path| display_path(p, &settings.root);
    let waivers = settings.config.waivers_at(&settings.today, &show);
    let usage = suppress::apply(&mut findings, &resolved.directives, &waivers);
    let aud_units = suppression_units(usage);
    let (aud_runs, mut aud_findings, aud_errors) =
        evaluate::run(&policies, aud_units, &settings.config);
    fingerprint_all(&mut aud_findings, &settings.root);
    runs.extend(aud_runs);
    findings.extend(aud_findings);
    eval_errors.extend(aud_errors);
    if let Some(b) = &settings.baseline {
        suppress::apply_baseline(&mut findings, b);
    }
    let mut findings = phase("dedupe", || finding::dedupe_and_sort(findings));
    if let Some(touching) = &touching {
        runs.retain(|r| touching.contains(&r.id));
    }
    let opts = EvalOptions {
        strict: settings.strict,
        include_supporting: settings.include_supporting,
    };
    let units = phase("summarize", || evaluate::summarize(runs, &findings, opts));
    if let Some(only) = &settings.only_files {
        findings.retain(|f| f.location.as_ref().is_some_and(|l| only.contains(&*l.file)));
    }
    let scores: Vec<&score::UnitScore> = units.iter().filter_map(|u| u.score.as_ref()).collect();
    let project = score::project_score(&scores);
    Ok(ScanResult {
        files_scanned: resolved.files_scanned,
        findings,
        units,
        project,
        eval_errors,
        discovery_errors: resolved.discovery_errors,
        rules: policies.rules().to_vec(),
        root: settings.root.clone(),
        inventory,
    })
}
