//! `mcp-audit`: a policy-as-code auditor for containerized MCP server deployments.
//!
//! Data flow, one direction: discover → parse → resolve → evaluate → report.

pub mod catalog;
pub mod cli;
pub mod config;
pub mod discover;
pub mod docs;
pub mod engine;
pub mod finding;
pub mod model;
pub mod parse;
pub mod report;
pub mod resolve;
pub mod score;
pub mod secrets;
pub mod source;

use catalog::Severity;
use config::Config;
use discover::FileKind;
use engine::PolicySet;
use finding::Finding;
use parse::compose::{self, InterpEnv};
use parse::yaml::YamlLimits;
use rayon::prelude::*;
use resolve::{ErrorAt, FileErrors, Parsed, ParsedDockerfile, Unit};
use serde::Serialize;
use source::SourceFile;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Stack size of the parse/evaluate worker threads: deep (but within budget) YAML
/// nesting recurses in the deserializer, and debug builds use large frames.
pub const WORKER_STACK: usize = 64 * 1024 * 1024;

fn pool() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
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
}

impl Settings {
    pub fn new(paths: Vec<PathBuf>, config: Config) -> Settings {
        Settings {
            root: report::paths::Paths::for_scan(&paths).root().to_path_buf(),
            paths,
            extra_policies: config
                .policies
                .iter()
                .map(|p| config.base_dir.join(p))
                .collect(),
            config,
            env: std::env::vars().collect(),
            max_file_size: 16 * 1024 * 1024,
            strict: false,
            include_supporting: false,
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
    /// Present for scored units (MCP servers, hubs; supporting services on request).
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
    Dockerfile(PathBuf, ParsedDockerfile),
    Compose(PathBuf, compose::ComposeFile),
    Metadata(PathBuf, parse::metadata::Metadata),
    Failed(FileErrors),
}

fn read_source(path: &Path, max: u64, root: &Path) -> Result<SourceFile, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > max {
        return Err(format!(
            "file is {} bytes, over the {max}-byte limit",
            meta.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    Ok(SourceFile::from_bytes(
        path,
        display_path(path, root),
        &bytes,
    ))
}

fn dotenv_for(dir: &Path, root: &Path) -> std::collections::BTreeMap<String, (String, String)> {
    let mut out = std::collections::BTreeMap::new();
    let p = dir.join(".env");
    if let Ok(text) = std::fs::read_to_string(&p) {
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

fn parse_one(path: &Path, kind: FileKind, settings: &Settings, limits: &YamlLimits) -> ParseOut {
    let format = kind.as_str();
    let src = match read_source(path, settings.max_file_size, &settings.root) {
        Ok(s) => s,
        Err(e) => {
            let display = display_path(path, &settings.root);
            return ParseOut::Failed(FileErrors {
                file: display.clone(),
                format,
                errors: vec![ErrorAt {
                    message: format!("cannot read file: {e}"),
                    loc: source::Loc {
                        file: display,
                        line: 1,
                        col: 1,
                        end_line: 1,
                        end_col: 1,
                        start: 0,
                        end: 0,
                    },
                }],
            });
        }
    };
    let fail = |src: &SourceFile, message: String, loc: Option<source::Loc>| {
        ParseOut::Failed(FileErrors {
            file: src.display.clone(),
            format,
            errors: vec![ErrorAt {
                message,
                loc: loc.unwrap_or_else(|| src.loc(source::Span::new(0, 0))),
            }],
        })
    };
    match kind {
        FileKind::Dockerfile => {
            let src = Arc::new(src);
            let df = parse::dockerfile::parse(&src);
            ParseOut::Dockerfile(path.to_path_buf(), ParsedDockerfile { src, df })
        }
        FileKind::Compose => {
            let dir = path.parent().unwrap_or(Path::new("."));
            let env = InterpEnv {
                process: settings.env.clone(),
                dotenv: dotenv_for(dir, &settings.root),
            };
            match compose::load(&src, &env, limits) {
                Ok(c) => ParseOut::Compose(path.to_path_buf(), c),
                Err((m, loc)) => fail(&src, m, loc),
            }
        }
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

/// Discover and parse every file; resolve them into units.
pub fn resolve_units(settings: &Settings) -> (Vec<Unit>, usize, Vec<(String, String)>) {
    let (files, discovery_errors) = discover::discover(&settings.paths, &settings.config.exclude);
    let limits = YamlLimits::default();
    let outs: Vec<ParseOut> = pool().install(|| {
        files
            .par_iter()
            .map(|d| parse_one(&d.path, d.kind, settings, &limits))
            .collect()
    });
    let mut parsed = Parsed::default();
    for o in outs {
        match o {
            ParseOut::Dockerfile(p, pd) => {
                if !pd.df.errors.is_empty() {
                    parsed.file_errors.push(FileErrors {
                        file: pd.src.display.clone(),
                        format: "dockerfile",
                        errors: pd
                            .df
                            .errors
                            .iter()
                            .map(|e| ErrorAt {
                                message: e.message.clone(),
                                loc: pd.src.loc(e.span),
                            })
                            .collect(),
                    });
                }
                parsed.dockerfiles.insert(resolve::normalize(&p), pd);
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
                parsed.composes.push((resolve::normalize(&p), c));
            }
            ParseOut::Metadata(p, m) => parsed.metadata.push((resolve::normalize(&p), m)),
            ParseOut::Failed(fe) => parsed.file_errors.push(fe),
        }
    }
    let show = |p: &Path| display_path(p, &settings.root);
    let (mut units, extra_errors) = resolve::units(&parsed, &settings.config, &show);
    for fe in parsed.file_errors.iter().chain(extra_errors.iter()) {
        units.push(resolve::error_unit(fe));
    }
    let errs = discovery_errors
        .into_iter()
        .map(|(p, e)| (display_path(&p, &settings.root), e))
        .collect();
    (units, files.len(), errs)
}

/// Run a whole scan.
pub fn scan(settings: &Settings) -> anyhow::Result<ScanResult> {
    let policies = PolicySet::load(&settings.extra_policies)?;
    let (units, files_scanned, discovery_errors) = resolve_units(settings);
    let opts = EvalOptions {
        strict: settings.strict,
        include_supporting: settings.include_supporting,
    };
    let mut r = evaluate(
        &policies,
        units,
        files_scanned,
        discovery_errors,
        &settings.config,
        opts,
    );
    r.root = settings.root.clone();
    Ok(r)
}

/// How verdicts become scores.
#[derive(Clone, Copy, Debug, Default)]
pub struct EvalOptions {
    pub strict: bool,
    pub include_supporting: bool,
}

/// The governance level a unit declares (label, Dockerfile label or manifest).
fn governance_level(input: &serde_json::Value) -> Option<String> {
    let s = |v: &serde_json::Value| v.as_str().map(str::to_ascii_lowercase);
    s(&input["service"]["labels"]["mcp.governance.level"]["value"])
        .or_else(|| s(&input["dockerfile"]["labels"]["mcp.governance.level"]["value"]))
        .or_else(|| s(&input["manifest"]["doc"]["governance"]["level"]))
        .filter(|l| !l.is_empty())
}

fn indeterminate_rules(input: &serde_json::Value) -> Vec<String> {
    input["indeterminate"]
        .as_array()
        .map(|a| {
            a.iter()
                .flat_map(|i| i["rules"].as_array().cloned().unwrap_or_default())
                .filter_map(|r| r.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Evaluate one unit: findings, a verdict per rule, and its score when it is scored.
fn evaluate_unit(
    policies: &PolicySet,
    w: &mut regorus::Engine,
    unit: &Unit,
    config: &Config,
    opts: EvalOptions,
    enabled: &dyn Fn(&catalog::RuleMeta) -> bool,
) -> (UnitSummary, Vec<Finding>, Vec<EvalError>) {
    let outs = policies.evaluate(w, unit.kind, &unit.input, enabled);
    let mut findings = Vec::new();
    let mut errors = Vec::new();
    let indet = indeterminate_rules(&unit.input);
    let mut verdicts = Vec::new();
    for o in outs {
        let mut rule = policies.rules()[o.rule].clone();
        if let Some(sev) = config.rules.get(&rule.id).and_then(|s| s.severity) {
            rule.severity = sev;
        }
        let superseded = rule.superseded_by.is_some() && unit.kind == "compose_service";
        let mut active = 0;
        match o.results {
            Ok(results) => {
                for r in &results {
                    let f = finding::from_result(&rule, unit, r);
                    if f.suppressed.is_none() {
                        active += 1;
                    }
                    findings.push(f);
                }
            }
            Err(message) => errors.push(EvalError {
                rule: rule.id.clone(),
                unit: unit.id.clone(),
                message,
            }),
        }
        let verdict = if superseded {
            score::Verdict::Superseded
        } else if !o.applicable {
            score::Verdict::NotApplicable
        } else if active > 0 {
            score::Verdict::Fail
        } else if indet.contains(&rule.id) {
            score::Verdict::Indeterminate
        } else {
            score::Verdict::Pass
        };
        verdicts.push(score::RuleVerdict {
            rule: rule.id.clone(),
            severity: rule.severity,
            verdict,
            findings: active,
        });
    }
    let level = governance_level(&unit.input);
    let scored = matches!(unit.role, resolve::Role::McpServer | resolve::Role::Hub)
        || (opts.include_supporting && unit.role == resolve::Role::SupportingService);
    let score = scored.then(|| {
        let gw = score::governance_weight(level.as_deref(), unit.role == resolve::Role::Hub);
        score::unit_score(
            &verdicts,
            score::ScoreOptions {
                strict: opts.strict,
                ..Default::default()
            },
            gw,
        )
    });
    let summary = UnitSummary {
        id: unit.id.clone(),
        name: unit.name.clone(),
        kind: unit.kind,
        role: unit.role,
        governance_level: level,
        verdicts,
        score,
    };
    (summary, findings, errors)
}

/// Evaluate the units in parallel (one engine clone per worker).
pub fn evaluate(
    policies: &PolicySet,
    units: Vec<Unit>,
    files_scanned: usize,
    discovery_errors: Vec<(String, String)>,
    config: &Config,
    opts: EvalOptions,
) -> ScanResult {
    let enabled = |r: &catalog::RuleMeta| {
        config
            .rules
            .get(&r.id)
            .and_then(|s| s.enabled)
            .unwrap_or(true)
    };
    let per_unit: Vec<(UnitSummary, Vec<Finding>, Vec<EvalError>)> = pool().install(|| {
        units
            .par_iter()
            .map_init(
                || policies.worker(),
                |w, unit| evaluate_unit(policies, w, unit, config, opts, &enabled),
            )
            .collect()
    });
    let mut units_out = Vec::new();
    let mut findings = Vec::new();
    let mut eval_errors = Vec::new();
    for (s, f, e) in per_unit {
        units_out.push(s);
        findings.extend(f);
        eval_errors.extend(e);
    }
    units_out.sort_by(|a, b| a.id.cmp(&b.id));
    let scores: Vec<&score::UnitScore> =
        units_out.iter().filter_map(|u| u.score.as_ref()).collect();
    let project = score::project_score(&scores);
    ScanResult {
        project,
        files_scanned,
        findings: finding::dedupe_and_sort(findings),
        units: units_out,
        eval_errors,
        discovery_errors,
        rules: policies.rules().to_vec(),
        root: PathBuf::new(),
    }
}
