//! The Rego engine: compiles embedded (and user) policies once, clones per worker,
//! evaluates only the rules of a unit's kind, and runs the policies' `test_*` rules.

use crate::catalog::{self, RuleMeta};
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/policies.rs"));
}

/// One policy source file.
#[derive(Clone, Debug)]
pub struct PolicyFile {
    /// `policies/df/mcp_df_001.rego` for embedded files, the real path for user files.
    pub name: String,
    pub source: String,
}

impl PolicyFile {
    pub fn is_test(&self) -> bool {
        self.name.ends_with("_test.rego")
    }
}

/// The embedded policy files (rules, helpers and their tests).
pub fn embedded_policies() -> Vec<PolicyFile> {
    embedded::EMBEDDED
        .iter()
        .map(|(p, s)| PolicyFile {
            name: format!("policies/{p}"),
            source: (*s).to_string(),
        })
        .collect()
}

/// All `.rego` files under `dir` (or `dir` itself if it is a file), sorted.
pub fn policies_in(dir: &Path) -> Result<Vec<PolicyFile>> {
    let mut paths = Vec::new();
    if dir.is_file() {
        paths.push(dir.to_path_buf());
    } else {
        collect_rego(dir, &mut paths)
            .with_context(|| format!("cannot read policy directory {}", dir.display()))?;
    }
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let source = std::fs::read_to_string(&p)
                .with_context(|| format!("cannot read policy {}", p.display()))?;
            Ok(PolicyFile {
                name: p.display().to_string(),
                source,
            })
        })
        .collect()
}

fn collect_rego(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            collect_rego(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "rego") {
            out.push(p);
        }
    }
    Ok(())
}

/// Compiled policies plus their rule metadata.
#[derive(Clone)]
pub struct PolicySet {
    engine: regorus::Engine,
    rules: Vec<RuleMeta>,
    by_kind: BTreeMap<String, Vec<usize>>,
}

/// A raw result of one rule on one input: the objects its `deny` set contained.
pub struct RuleOutput {
    pub rule: usize,
    /// False when the rule's `applicable` rule is not true for this input.
    pub applicable: bool,
    pub results: Result<Vec<serde_json::Value>, String>,
}

fn new_engine() -> regorus::Engine {
    let mut e = regorus::Engine::new();
    e.set_strict_builtin_errors(false);
    e
}

impl PolicySet {
    /// Compile the embedded policies plus the `.rego` files under `extra` dirs.
    /// Test files are skipped; a rule file without METADATA is a helper library.
    pub fn load(extra: &[PathBuf]) -> Result<PolicySet> {
        let mut files = embedded_policies();
        for d in extra {
            files.extend(policies_in(d)?);
        }
        Self::from_files(files.into_iter().filter(|f| !f.is_test()).collect())
    }

    pub fn from_files(files: Vec<PolicyFile>) -> Result<PolicySet> {
        let mut engine = new_engine();
        let mut rules: Vec<RuleMeta> = Vec::new();
        for f in &files {
            engine
                .add_policy(f.name.clone(), f.source.clone())
                .map_err(|e| anyhow::anyhow!("{e}"))
                .with_context(|| format!("cannot compile policy {}", f.name))?;
            if let Some(meta) =
                catalog::parse_metadata(&f.name, &f.source).map_err(anyhow::Error::msg)?
            {
                if let Some(prev) = rules.iter().find(|r| r.id == meta.id) {
                    bail!(
                        "rule {} is defined twice: {} and {}",
                        meta.id,
                        prev.source,
                        meta.source
                    );
                }
                rules.push(meta);
            }
        }
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        let mut by_kind: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, r) in rules.iter().enumerate() {
            for k in &r.kinds {
                by_kind.entry(k.clone()).or_default().push(i);
            }
        }
        Ok(PolicySet {
            engine,
            rules,
            by_kind,
        })
    }

    pub fn rules(&self) -> &[RuleMeta] {
        &self.rules
    }

    pub fn rule(&self, id: &str) -> Option<&RuleMeta> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// A per-worker engine (cheap: the compiled policy is shared).
    pub fn worker(&self) -> regorus::Engine {
        self.engine.clone()
    }

    /// Indexes of the rules evaluated for an input kind.
    pub fn rules_for(&self, kind: &str) -> &[usize] {
        self.by_kind.get(kind).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Evaluate the rules of `kind` (filtered by `enabled`) on one input document.
    pub fn evaluate(
        &self,
        worker: &mut regorus::Engine,
        kind: &str,
        input: &serde_json::Value,
        enabled: &dyn Fn(&RuleMeta) -> bool,
    ) -> Vec<RuleOutput> {
        let rules = self.rules_for(kind);
        if rules.is_empty() {
            return Vec::new();
        }
        worker.set_input(regorus::Value::from(input.clone()));
        rules
            .iter()
            .copied()
            .filter(|&i| enabled(&self.rules[i]))
            .map(|i| {
                let r = &self.rules[i];
                let applicable = !r.has_applicable
                    || matches!(
                        worker.eval_rule(format!("data.{}.applicable", r.package)),
                        Ok(regorus::Value::Bool(true))
                    );
                if !applicable {
                    return RuleOutput {
                        rule: i,
                        applicable,
                        results: Ok(Vec::new()),
                    };
                }
                let t0 = profiling().then(std::time::Instant::now);
                let results = worker
                    .eval_rule(r.deny_path())
                    .map_err(|e| e.to_string())
                    .and_then(|v| set_items(&v));
                if let Some(t0) = t0 {
                    record(&r.id, t0.elapsed());
                }
                RuleOutput {
                    rule: i,
                    applicable,
                    results,
                }
            })
            .collect()
    }
}

/// `MCP_AUDIT_PROFILE=1`: time every rule evaluation and print a table at exit of `scan`.
pub fn profiling() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("MCP_AUDIT_PROFILE").is_some())
}

static PROFILE: std::sync::Mutex<BTreeMap<String, (u128, u64)>> =
    std::sync::Mutex::new(BTreeMap::new());

fn record(rule: &str, d: std::time::Duration) {
    let mut p = PROFILE.lock().unwrap_or_else(|e| e.into_inner());
    let e = p.entry(rule.to_string()).or_insert((0, 0));
    e.0 += d.as_micros();
    e.1 += 1;
}

/// Rules by total evaluation time: (rule, total µs, evaluations).
pub fn profile_report() -> Vec<(String, u128, u64)> {
    let p = PROFILE.lock().unwrap_or_else(|e| e.into_inner());
    let mut v: Vec<_> = p.iter().map(|(k, (t, n))| (k.clone(), *t, *n)).collect();
    v.sort_by_key(|e| std::cmp::Reverse(e.1));
    v
}

fn set_items(v: &regorus::Value) -> Result<Vec<serde_json::Value>, String> {
    match v {
        regorus::Value::Undefined => Ok(Vec::new()),
        regorus::Value::Set(s) => s
            .iter()
            .map(|x| serde_json::to_value(x).map_err(|e| e.to_string()))
            .collect(),
        regorus::Value::Array(a) => a
            .iter()
            .map(|x| serde_json::to_value(x).map_err(|e| e.to_string()))
            .collect(),
        other => Err(format!("`deny` must be a set of objects, found {other}")),
    }
}

/// Outcome of one Rego unit test.
#[derive(Debug)]
pub struct TestOutcome {
    pub file: String,
    pub name: String,
    pub passed: bool,
    pub error: Option<String>,
}

/// The names of `test_*` rules declared at the start of a line in a test file.
fn test_names(src: &str) -> Vec<String> {
    let mut names: Vec<String> = src
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("test_")?;
            let name_len = rest
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                .count();
            Some(format!("test_{}", &rest[..name_len]))
        })
        .collect();
    names.dedup();
    names
}

/// Run every `test_*` rule of the given files (all files are compiled together).
pub fn run_tests(files: &[PolicyFile]) -> Result<Vec<TestOutcome>> {
    let mut engine = new_engine();
    for f in files {
        engine
            .add_policy(f.name.clone(), f.source.clone())
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("cannot compile policy {}", f.name))?;
    }
    let mut out = Vec::new();
    for f in files.iter().filter(|f| f.is_test()) {
        let Some(pkg) = catalog::package_of(&f.source) else {
            continue;
        };
        for name in test_names(&f.source) {
            let r = engine.eval_rule(format!("data.{pkg}.{name}"));
            let (passed, error) = match r {
                Ok(regorus::Value::Bool(true)) => (true, None),
                Ok(regorus::Value::Undefined) => (false, None),
                Ok(v) => (false, Some(format!("evaluated to {v}, not true"))),
                Err(e) => (false, Some(e.to_string())),
            };
            out.push(TestOutcome {
                file: f.name.clone(),
                name,
                passed,
                error,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_policies_compile_and_have_metadata() {
        let set = PolicySet::load(&[]).expect("embedded policies compile");
        let ids: Vec<&str> = set.rules().iter().map(|r| r.id.as_str()).collect();
        for id in [
            "MCP-AUD-001",
            "MCP-CS-001",
            "MCP-CS-004",
            "MCP-DF-001",
            "MCP-DF-002",
            "MCP-EC-001",
            "MCP-EC-002",
            "MCP-SC-001",
        ] {
            assert!(ids.contains(&id), "{id} missing from {ids:?}");
        }
        assert!(set.rules_for("compose_service").len() >= 5);
    }

    #[test]
    fn test_names_found_at_line_start() {
        let n = test_names("test_a if {\n  x\n}\n# test_b\ntest_c if true\n");
        assert_eq!(n, vec!["test_a", "test_c"]);
    }

    #[test]
    fn failing_test_is_reported_as_failed() {
        let files = vec![PolicyFile {
            name: "x_test.rego".into(),
            source:
                "package x_test\nimport rego.v1\ntest_ok if { 1 == 1 }\ntest_bad if { 1 == 2 }\n"
                    .into(),
        }];
        let r = run_tests(&files).unwrap();
        assert_eq!(r.len(), 2);
        assert!(r[0].passed);
        assert!(!r[1].passed);
    }
}
