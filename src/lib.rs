//! `mcp-audit`: a policy-as-code auditor for containerized MCP server deployments.
//!
//! Data flow, one direction: discover → parse → resolve → evaluate → report.

pub mod catalog;
pub mod cli;
pub mod config;
pub mod discover;
pub mod engine;
pub mod finding;
pub mod model;
pub mod parse;
pub mod report;
pub mod resolve;
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
}

impl Settings {
    pub fn new(paths: Vec<PathBuf>, config: Config) -> Settings {
        Settings {
            paths,
            extra_policies: config
                .policies
                .iter()
                .map(|p| config.base_dir.join(p))
                .collect(),
            config,
            env: std::env::vars().collect(),
            max_file_size: 16 * 1024 * 1024,
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
    pub rules_evaluated: Vec<String>,
    pub failed_rules: Vec<String>,
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
    pub eval_errors: Vec<EvalError>,
    /// Paths that could not be walked or named an unknown file type.
    pub discovery_errors: Vec<(String, String)>,
    #[serde(skip)]
    pub rules: Vec<catalog::RuleMeta>,
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

fn display_path(path: &Path) -> String {
    let s = path.display().to_string();
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// The parse stage's output for one file.
enum ParseOut {
    Dockerfile(PathBuf, ParsedDockerfile),
    Compose(PathBuf, compose::ComposeFile),
    Metadata(PathBuf, parse::metadata::Metadata),
    Failed(FileErrors),
}

fn read_source(path: &Path, max: u64) -> Result<SourceFile, String> {
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
    Ok(SourceFile::from_bytes(path, display_path(path), &bytes))
}

fn dotenv_for(dir: &Path) -> std::collections::BTreeMap<String, (String, String)> {
    let mut out = std::collections::BTreeMap::new();
    let p = dir.join(".env");
    if let Ok(text) = std::fs::read_to_string(&p) {
        let (entries, _errors) = parse::interpolate::parse_dotenv(&text);
        for e in entries {
            out.insert(e.key, (e.value, format!("{}:{}", display_path(&p), e.line)));
        }
    }
    out
}

fn parse_one(path: &Path, kind: FileKind, settings: &Settings, limits: &YamlLimits) -> ParseOut {
    let format = kind.as_str();
    let src = match read_source(path, settings.max_file_size) {
        Ok(s) => s,
        Err(e) => {
            let display = display_path(path);
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
                dotenv: dotenv_for(dir),
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
    let (mut units, extra_errors) = resolve::units(&parsed, &settings.config, &limits);
    for fe in parsed.file_errors.iter().chain(extra_errors.iter()) {
        units.push(resolve::error_unit(fe));
    }
    let errs = discovery_errors
        .into_iter()
        .map(|(p, e)| (display_path(&p), e))
        .collect();
    (units, files.len(), errs)
}

/// Run a whole scan.
pub fn scan(settings: &Settings) -> anyhow::Result<ScanResult> {
    let policies = PolicySet::load(&settings.extra_policies)?;
    let (units, files_scanned, discovery_errors) = resolve_units(settings);
    Ok(evaluate(
        &policies,
        units,
        files_scanned,
        discovery_errors,
        &settings.config,
    ))
}

/// Evaluate the units in parallel (one engine clone per worker).
pub fn evaluate(
    policies: &PolicySet,
    units: Vec<Unit>,
    files_scanned: usize,
    discovery_errors: Vec<(String, String)>,
    config: &Config,
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
                |w, unit| {
                    let outs = policies.evaluate(w, unit.kind, &unit.input, &enabled);
                    let mut findings = Vec::new();
                    let mut errors = Vec::new();
                    let mut evaluated = Vec::new();
                    let mut failed = Vec::new();
                    for o in outs {
                        let mut rule = policies.rules()[o.rule].clone();
                        if let Some(sev) = config.rules.get(&rule.id).and_then(|s| s.severity) {
                            rule.severity = sev;
                        }
                        evaluated.push(rule.id.clone());
                        match o.results {
                            Ok(results) => {
                                for r in &results {
                                    let f = finding::from_result(&rule, unit, r);
                                    if f.suppressed.is_none() && !failed.contains(&rule.id) {
                                        failed.push(rule.id.clone());
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
                    }
                    let summary = UnitSummary {
                        id: unit.id.clone(),
                        name: unit.name.clone(),
                        kind: unit.kind,
                        role: unit.role,
                        rules_evaluated: evaluated,
                        failed_rules: failed,
                    };
                    (summary, findings, errors)
                },
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
    ScanResult {
        files_scanned,
        findings: finding::dedupe_and_sort(findings),
        units: units_out,
        eval_errors,
        discovery_errors,
        rules: policies.rules().to_vec(),
    }
}
