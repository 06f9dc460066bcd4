//! Evaluation: runs the policies of each unit's kind in parallel (one engine clone per
//! worker) and, once suppressions are applied, turns findings into rule verdicts.

use crate::catalog::{RuleMeta, Severity};
use crate::config::Config;
use crate::engine::PolicySet;
use crate::finding::{self, Finding};
use crate::resolve::{Role, Unit};
use crate::score::{self, RuleVerdict, Verdict};
use crate::{EvalError, UnitSummary};
use rayon::prelude::*;

/// How verdicts become scores.
#[derive(Clone, Copy, Debug, Default)]
pub struct EvalOptions {
    pub strict: bool,
    pub include_supporting: bool,
}

/// One rule evaluated on one unit, before suppressions.
#[derive(Clone, Debug)]
pub struct RuleRun {
    pub rule: String,
    pub severity: Severity,
    pub superseded: bool,
    pub applicable: bool,
}

/// A unit with the rules evaluated on it.
#[derive(Clone, Debug)]
pub struct UnitRun {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub role: Role,
    pub governance_level: Option<String>,
    /// Is the unit one the catalog scores (d.1) regardless of `--include-supporting`?
    pub scored_unit: bool,
    /// Rules the unit leaves undecided: named in `input.indeterminate`, or whose
    /// `indeterminate` set was not empty.
    pub indeterminate: Vec<String>,
    pub runs: Vec<RuleRun>,
}

/// The units of catalog c.0 / d.1: MCP servers, hubs, client-config entries, registry
/// `server.json` / catalog `server.yaml` files and Kubernetes workloads. Lifecycle
/// manifests (`mcp-manifest.json`) belong to their server and are not units.
fn scored_unit(unit: &Unit) -> bool {
    match unit.role {
        Role::McpServer | Role::Hub | Role::ClientEntry | Role::K8sWorkload => true,
        Role::MetadataFile => matches!(
            &unit.input,
            crate::resolve::Input::Metadata(m)
                if matches!(m.metadata.format, "registry-server" | "catalog-server")
        ),
        Role::SupportingService | Role::StandaloneDockerfile | Role::SourceFile => false,
    }
}

/// The value at `path` in a Rego value (keys are shared strings: no allocation).
fn at<'a>(v: &'a regorus::Value, path: &[&str]) -> &'a regorus::Value {
    path.iter().fold(v, |v, k| {
        crate::rego_value::field(v, k).unwrap_or(&regorus::Value::Undefined)
    })
}

/// The governance level a unit declares (label, Dockerfile label, manifest, or a
/// Kubernetes workload's label).
fn governance_level(input: &regorus::Value) -> Option<String> {
    const KEY: &str = "mcp.governance.level";
    let s = |v: &regorus::Value| v.as_string().ok().map(|s| s.to_ascii_lowercase());
    let k8s = at(input, &["workload", "labels", KEY]);
    s(at(input, &["service", "labels", KEY, "value"]))
        .or_else(|| s(at(input, &["service", "build", "labels", KEY, "value"])))
        .or_else(|| s(k8s).or_else(|| s(at(k8s, &["value"]))))
        .or_else(|| s(at(input, &["dockerfile", "labels", KEY, "value"])))
        .or_else(|| s(at(input, &["manifest", "doc", "governance", "level"])))
        .filter(|l| !l.is_empty())
}

/// Rules whose control is indeterminate on this unit (from `input.indeterminate[].rules`).
fn indeterminate_rules(input: &regorus::Value) -> Vec<String> {
    let mut rules = Vec::new();
    if let Ok(items) = at(input, &["indeterminate"]).as_array() {
        for item in items {
            if let Ok(ids) = at(item, &["rules"]).as_array() {
                rules.extend(
                    ids.iter()
                        .filter_map(|r| r.as_string().ok())
                        .map(|r| r.to_string()),
                );
            }
        }
    }
    rules
}

fn run_unit(
    policies: &PolicySet,
    w: &mut crate::engine::Worker,
    unit: Unit,
    config: &Config,
    enabled: &dyn Fn(&RuleMeta) -> bool,
) -> (UnitRun, Vec<Finding>, Vec<EvalError>) {
    // The programs of the unit's rules are compiled on first use: not part of its time.
    let t0 = crate::engine::profiling().then(|| {
        policies.compile_kind(unit.kind);
        std::time::Instant::now()
    });
    let mut findings = Vec::new();
    let mut errors = Vec::new();
    let mut runs = Vec::new();
    let unit_id: std::sync::Arc<str> = unit.id.as_str().into();
    let (input, source) = unit.rego_input();
    let governance_level = governance_level(&input);
    let mut indeterminate = indeterminate_rules(&input);
    for o in policies.evaluate(w, unit.kind, input, enabled) {
        let rule = &policies.rules()[o.rule];
        let severity = config
            .rules
            .get(&rule.id)
            .and_then(|s| s.severity)
            .unwrap_or(rule.severity);
        let built = o.results.and_then(|results| {
            results
                .iter()
                .map(|r| finding::from_result(rule, &unit, &unit_id, r))
                .collect::<Result<Vec<Finding>, String>>()
        });
        match built {
            Ok(built) => findings.extend(built.into_iter().map(|mut f| {
                f.severity = severity;
                f
            })),
            Err(message) => errors.push(EvalError {
                rule: rule.id.clone(),
                unit: unit.id.clone(),
                message,
            }),
        }
        if o.undecided && !indeterminate.contains(&rule.id) {
            indeterminate.push(rule.id.clone());
        }
        runs.push(RuleRun {
            superseded: rule.superseded_by.is_some() && unit.kind == "compose_service",
            rule: rule.id.clone(),
            severity,
            applicable: o.applicable,
        });
    }
    // A standalone Dockerfile's text is in hand: its findings' fingerprints are taken
    // here rather than from another reading of the file.
    if let Some(text) = &source {
        let here = |f: &Finding| f.location.as_ref().is_some_and(|l| *l.file == *unit.id);
        let masked = crate::secrets::MaskedText::new(
            text,
            findings
                .iter()
                .filter(|f| here(f))
                .filter_map(|f| f.location.as_ref().map(|l| (l.start, l.end))),
        );
        for f in findings.iter_mut().filter(|f| here(f)) {
            finding::fingerprint(f, Some(&masked));
        }
    }
    if let Some(t0) = t0 {
        crate::engine::record_unit(&unit.id, t0.elapsed());
    }
    // (The unit is done with: its names move into the run.)
    let scored_unit = scored_unit(&unit);
    let run = UnitRun {
        id: unit.id,
        name: unit.name,
        kind: unit.kind,
        role: unit.role,
        governance_level,
        scored_unit,
        indeterminate,
        runs,
    };
    (run, findings, errors)
}

/// Evaluate every unit in parallel; each unit is dropped once evaluated.
pub fn run(
    policies: &PolicySet,
    units: Vec<Unit>,
    config: &Config,
) -> (Vec<UnitRun>, Vec<Finding>, Vec<EvalError>) {
    let enabled = |r: &RuleMeta| {
        config
            .rules
            .get(&r.id)
            .and_then(|s| s.enabled)
            .unwrap_or(true)
    };
    let per_unit: Vec<(UnitRun, Vec<Finding>, Vec<EvalError>)> = crate::pool().install(|| {
        units
            .into_par_iter()
            .map_init(
                || policies.worker(),
                |w, unit| run_unit(policies, w, unit, config, &enabled),
            )
            .collect()
    });
    // (Sized first: a list grown by doubling leaves its earlier copies resident, as
    // much again as the findings themselves.)
    let mut runs = Vec::with_capacity(per_unit.len());
    let mut findings = Vec::with_capacity(per_unit.iter().map(|(_, f, _)| f.len()).sum());
    let mut errors = Vec::new();
    for (r, f, e) in per_unit {
        runs.push(r);
        findings.extend(f);
        errors.extend(e);
    }
    (runs, findings, errors)
}

/// Does a finding count against its rule? Superseded, inline-suppressed and waived
/// findings do not; baseline ones still do (a baseline hides, it does not fix).
fn counts(f: &Finding) -> bool {
    f.suppressed.as_ref().is_none_or(|s| s.kind == "baseline")
}

/// Verdicts and scores, from the unit runs and the (suppressed) findings.
pub fn summarize(runs: Vec<UnitRun>, findings: &[Finding], opts: EvalOptions) -> Vec<UnitSummary> {
    // (Looked up once per rule and unit: a fast hash, the keys are the scan's own IDs.)
    let mut failing: std::collections::HashMap<(&str, &str), usize, foldhash::fast::RandomState> =
        Default::default();
    for f in findings.iter().filter(|f| counts(f)) {
        for u in &f.units {
            *failing.entry((&**u, f.rule.as_str())).or_default() += 1;
        }
    }
    let mut out: Vec<UnitSummary> = runs
        .into_iter()
        .map(|mut u| {
            // (The runs are moved into the verdicts: no rule ID is copied.)
            let verdicts: Vec<RuleVerdict> = std::mem::take(&mut u.runs)
                .into_iter()
                .map(|r| {
                    let active = failing
                        .get(&(u.id.as_str(), r.rule.as_str()))
                        .copied()
                        .unwrap_or(0);
                    let verdict = if r.superseded {
                        Verdict::Superseded
                    } else if !r.applicable {
                        Verdict::NotApplicable
                    } else if active > 0 {
                        Verdict::Fail
                    } else if u.indeterminate.contains(&r.rule) {
                        Verdict::Indeterminate
                    } else {
                        Verdict::Pass
                    };
                    RuleVerdict {
                        rule: r.rule,
                        severity: r.severity,
                        verdict,
                        findings: active,
                    }
                })
                .collect();
            let scored =
                u.scored_unit || (opts.include_supporting && u.role == Role::SupportingService);
            // A unit no rule judges (e.g. a client entry before any client rule exists) is not scored.
            let judged = verdicts
                .iter()
                .any(|v| !matches!(v.verdict, Verdict::NotApplicable | Verdict::Superseded));
            let score = (scored && judged).then(|| {
                let gw = match u.role {
                    Role::ClientEntry => score::CLIENT_ENTRY_WEIGHT,
                    _ => {
                        score::governance_weight(u.governance_level.as_deref(), u.role == Role::Hub)
                    }
                };
                score::unit_score(
                    &verdicts,
                    score::ScoreOptions {
                        strict: opts.strict,
                        ..Default::default()
                    },
                    gw,
                )
            });
            UnitSummary {
                id: u.id,
                name: u.name,
                kind: u.kind,
                role: u.role,
                governance_level: u.governance_level,
                verdicts,
                score,
            }
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}
