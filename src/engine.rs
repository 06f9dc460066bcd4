//! The Rego engine: loads the policies once (the embedded rules' VM programs prebuilt,
//! user policies compiled), keeps an evaluator per worker, evaluates only the rules of
//! a unit's kind, and runs the policies' `test_*` rules.

use crate::catalog::{self, RuleMeta};
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub(crate) mod embedded {
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
pub struct PolicySet {
    /// The policy files (tests left out).
    files: Vec<PolicyFile>,
    /// The policies parsed for regorus's tree-walking interpreter: at load (user
    /// policies: their errors are reported then), or on the first rule that needs it
    /// when the embedded rules' VM programs are prebuilt (none does today).
    engine: std::sync::OnceLock<Result<regorus::Engine, String>>,
    /// The same policies for regorus's bytecode VM (RVM); `None` runs every rule on the
    /// tree-walking interpreter.
    vm: Option<VmPrograms>,
    /// The per-rule time limit, for both evaluators.
    timer: Option<regorus::utils::limits::ExecutionTimerConfig>,
    rules: Vec<RuleMeta>,
    /// Each rule's entry points (by rule index), written once rather than at each
    /// evaluation.
    paths: Vec<EntryPaths>,
    by_kind: BTreeMap<String, Vec<usize>>,
}

/// Which regorus evaluator runs the rules.
///
/// The bytecode VM (RVM) is the default: about 2× faster than the tree-walking
/// interpreter on our policies. regorus 0.14.1's VM compiler let `x := e` succeed with
/// an undefined `e`; the vendored copy fixes that (vendor/regorus/PATCH.md), and the
/// two evaluators then return the same findings on every fixture and on the corpus
/// (`tests/evaluators.rs`, `scripts/evaluator-diff.sh`). Policies the VM cannot compile
/// (the `with` keyword, for one) run on the interpreter.
/// `MCP_AUDIT_EVALUATOR=interpreter` selects the interpreter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Evaluator {
    /// The bytecode VM, with an instruction budget and the time limit per rule.
    #[default]
    Vm,
    /// The tree-walking interpreter (`MCP_AUDIT_EVALUATOR=interpreter`).
    Interpreter,
}

impl Evaluator {
    /// From `MCP_AUDIT_EVALUATOR` (`vm`, the default, or `interpreter`).
    pub fn from_env() -> Evaluator {
        match std::env::var("MCP_AUDIT_EVALUATOR").as_deref() {
            Ok("interpreter") => Evaluator::Interpreter,
            _ => Evaluator::Vm,
        }
    }
}

/// With the VM: instructions one rule may execute on one input before it is stopped
/// and reported as an evaluation error (besides `limits.rego_eval_seconds`).
pub const MAX_INSTRUCTIONS: usize = 50_000_000;

/// The RVM programs: one per catalog rule (by index), with its `deny` and `applicable`
/// as entry points, read from the prebuilt blob or compiled on the rule's first use (a
/// scan of Dockerfiles loads their 9 rules, not all 80). A VM resets a cache slot for every Rego rule of its
/// program before each run, so a program holds only what one rule reaches (a Compose
/// service rule: tens of slots; all Compose rules in one program: 460).
struct VmPrograms {
    /// The policies compiled for the RVM compiler; `None` when the programs are prebuilt.
    compiled: Option<regorus::CompiledPolicy>,
    /// The embedded rules' programs compiled ahead of time (`crate::prebuilt`).
    prebuilt: Option<crate::prebuilt::Programs<'static>>,
    /// `None` once the rule is known not to compile (e.g. `with`): the interpreter runs it.
    programs: Vec<std::sync::OnceLock<Option<std::sync::Arc<regorus::rvm::program::Program>>>>,
}

/// A per-thread evaluator: a VM per rule with the rule's shared program loaded, and
/// an engine clone for the rules the interpreter runs (each made on first use).
pub struct Worker {
    vms: Vec<Option<Box<regorus::rvm::vm::RegoVM>>>,
    engine: Option<Box<regorus::Engine>>,
}

impl Drop for Worker {
    /// With `MCP_AUDIT_PROFILE`: add what each VM counted to the Rego profile.
    fn drop(&mut self) {
        if !profiling() {
            return;
        }
        let mut p = REGO_PROFILE.lock().unwrap_or_else(|e| e.into_inner());
        for vm in self.vms.iter_mut().flatten() {
            for (rule, evals, instructions) in vm.take_rule_profile() {
                let e = p.entry(rule).or_insert((0, 0));
                e.0 += evals;
                e.1 += instructions;
            }
        }
    }
}

/// The evaluator of one rule, its input set.
enum RuleEval<'a> {
    Vm(&'a mut regorus::rvm::vm::RegoVM),
    Interpreter(&'a mut regorus::Engine),
    /// The interpreter was needed and the policies did not load into it.
    Unavailable(String),
}

impl RuleEval<'_> {
    fn eval(&mut self, path: &str) -> Result<regorus::Value, String> {
        match self {
            RuleEval::Vm(vm) => vm
                .execute_entry_point_by_name(path)
                .map_err(|e| e.to_string()),
            RuleEval::Interpreter(e) => e.eval_rule(path.to_string()).map_err(|e| e.to_string()),
            RuleEval::Unavailable(e) => Err(e.clone()),
        }
    }
}

/// A raw result of one rule on one input: the objects its `deny` set contained.
pub struct RuleOutput {
    pub rule: usize,
    /// False when the rule's `applicable` rule is not true for this input.
    pub applicable: bool,
    pub results: Result<Vec<regorus::Value>, String>,
    /// The rule reported nothing and its `indeterminate` set is not empty: what the input
    /// leaves open decides the rule either way (its verdict is indeterminate).
    pub undecided: bool,
}

fn new_engine() -> regorus::Engine {
    let mut e = regorus::Engine::new();
    e.set_strict_builtin_errors(false);
    e
}

impl PolicySet {
    /// Compile the embedded policies plus the `.rego` files under `extra` dirs.
    /// Test files are skipped; a rule file without METADATA is a helper library.
    /// The embedded policies alone, on the VM, use their prebuilt programs when this
    /// binary has them (`crate::prebuilt`).
    pub fn load(extra: &[PathBuf]) -> Result<PolicySet> {
        let mut files = embedded_policies();
        for d in extra {
            let user = policies_in(d)?;
            for f in user.iter().filter(|f| !f.is_test()) {
                reject_recursion(f)?;
            }
            files.extend(user);
        }
        let files: Vec<PolicyFile> = files.into_iter().filter(|f| !f.is_test()).collect();
        if extra.is_empty() && Evaluator::from_env() == Evaluator::Vm {
            if let Some(programs) = crate::prebuilt::embedded() {
                return Self::with_prebuilt(files, programs);
            }
        }
        Self::from_files(files)
    }

    /// Stop any one rule evaluation after `limit` (cooperative: checked as the
    /// evaluator works); it is then reported as an evaluation error of that rule.
    pub fn set_time_limit(&mut self, limit: std::time::Duration) {
        self.timer = Some(regorus::utils::limits::ExecutionTimerConfig {
            limit,
            check_interval: std::num::NonZeroU32::new(64).unwrap_or(std::num::NonZeroU32::MIN),
        });
    }

    /// The embedded policies with their prebuilt VM programs and METADATA: the Rego is
    /// parsed only if a rule ever needs the interpreter.
    fn with_prebuilt(
        files: Vec<PolicyFile>,
        mut programs: crate::prebuilt::Programs<'static>,
    ) -> Result<PolicySet> {
        let rules = std::mem::take(&mut programs.rules);
        let vm = VmPrograms {
            compiled: None,
            prebuilt: Some(programs),
            programs: rules.iter().map(|_| std::sync::OnceLock::new()).collect(),
        };
        Ok(PolicySet {
            by_kind: by_kind(&rules),
            paths: entry_paths(&rules),
            files,
            engine: std::sync::OnceLock::new(),
            vm: Some(vm),
            timer: None,
            rules,
        })
    }

    /// Parse and compile `files` now (no prebuilt programs): errors in the Rego or the
    /// METADATA fail the load.
    pub fn from_files(files: Vec<PolicyFile>) -> Result<PolicySet> {
        let mut engine = new_engine();
        // The rules' METADATA is read on the pool while this thread parses the Rego;
        // errors still come in file order (a file's Rego before its METADATA).
        let mut metas = Vec::new();
        let mut rejected = None;
        crate::pool().in_place_scope(|scope| {
            scope.spawn(|_| {
                metas = files
                    .iter()
                    .map(|f| catalog::parse_metadata(&f.name, &f.source))
                    .collect();
            });
            for (i, f) in files.iter().enumerate() {
                if let Err(e) = engine.add_policy(f.name.clone(), f.source.clone()) {
                    rejected = Some((i, e.to_string()));
                    break;
                }
            }
        });
        let rules = rule_list(&files, metas, rejected)?;
        let by_kind = by_kind(&rules);
        // A rule the VM cannot compile (e.g. one using `with`) runs on the interpreter:
        // same findings, only slower.
        let vm = match Evaluator::from_env() {
            Evaluator::Vm if !rules.is_empty() => {
                crate::phase("policies (vm)", || compile_policy(&mut engine, &rules))
                    .map_err(|e| {
                        if profiling() {
                            eprintln!("evaluator: interpreter ({e:#})");
                        }
                    })
                    .ok()
                    .map(|compiled| VmPrograms {
                        compiled: Some(compiled),
                        prebuilt: None,
                        programs: rules.iter().map(|_| std::sync::OnceLock::new()).collect(),
                    })
            }
            _ => None,
        };
        prepare(&mut engine);
        Ok(PolicySet {
            files,
            engine: std::sync::OnceLock::from(Ok(engine)),
            vm,
            timer: None,
            paths: entry_paths(&rules),
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

    /// A per-worker evaluator (cheap: the compiled policies are shared).
    pub fn worker(&self) -> Worker {
        Worker {
            vms: self.rules.iter().map(|_| None).collect(),
            engine: None,
        }
    }

    /// Rule `i`'s VM program, read from the prebuilt ones or compiled, on first use;
    /// `None`: the interpreter runs it.
    fn program(&self, i: usize) -> Option<&std::sync::Arc<regorus::rvm::program::Program>> {
        let vm = self.vm.as_ref()?;
        vm.programs
            .get(i)?
            .get_or_init(|| {
                let rule = &self.rules[i];
                if let Some(p) = vm.prebuilt.as_ref().and_then(|b| b.program(&rule.id)) {
                    return Some(std::sync::Arc::new(p));
                }
                compile_program(vm.compiled.as_ref()?, rule)
                    .map_err(|e| {
                        if profiling() {
                            eprintln!("evaluator: interpreter for {} ({e:#})", rule.id);
                        }
                    })
                    .ok()
            })
            .as_ref()
    }

    /// Compile the VM programs of the rules of `kind` now (they are compiled on first
    /// use anyway; this keeps that out of a unit's measured time).
    pub fn compile_kind(&self, kind: &str) {
        for &i in self.rules_for(kind) {
            self.program(i);
        }
    }

    /// Rule `i`'s evaluator in `worker`: its VM given `input`, or the interpreter
    /// (given `input` once per unit: `interpreter_input` says whether it has it).
    fn rule_eval<'w>(
        &self,
        worker: &'w mut Worker,
        i: usize,
        input: &regorus::Value,
        interpreter_input: &mut bool,
    ) -> RuleEval<'w> {
        match self.program(i) {
            Some(program) => {
                let vm = worker.vms[i].get_or_insert_with(|| {
                    let mut vm = regorus::rvm::vm::RegoVM::new();
                    vm.load_program(program.clone());
                    vm.set_max_instructions(MAX_INSTRUCTIONS);
                    vm.set_strict_builtin_errors(false);
                    vm.set_execution_timer_config(self.timer);
                    vm.set_rule_profiling(profiling());
                    Box::new(vm)
                });
                // (A shared value: the clone is a reference.)
                vm.set_input(input.clone());
                RuleEval::Vm(vm)
            }
            None => {
                let engine = match self.interpreter() {
                    Ok(engine) => engine,
                    Err(e) => return RuleEval::Unavailable(e.to_string()),
                };
                let e = worker.engine.get_or_insert_with(|| {
                    let mut e = Box::new(engine.clone());
                    if let Some(timer) = self.timer {
                        e.set_execution_timer_config(timer);
                    }
                    e
                });
                if !std::mem::replace(interpreter_input, true) {
                    e.set_input(input.clone());
                }
                RuleEval::Interpreter(e)
            }
        }
    }

    /// The policies parsed for the interpreter (now, if they were not).
    fn interpreter(&self) -> Result<&regorus::Engine, &str> {
        self.engine
            .get_or_init(|| {
                let mut engine = new_engine();
                for f in &self.files {
                    engine
                        .add_policy(f.name.clone(), f.source.clone())
                        .map_err(|e| format!("cannot compile policy {}: {e}", f.name))?;
                }
                prepare(&mut engine);
                Ok(engine)
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// Every rule's VM program (compiled now, or read from the prebuilt ones), with the
    /// rule's ID: what `policies/vm-programs.bin` holds. Rules the VM cannot compile are
    /// left out.
    pub fn vm_programs(&self) -> Vec<(String, std::sync::Arc<regorus::rvm::program::Program>)> {
        (0..self.rules.len())
            .filter_map(|i| Some((self.rules[i].id.clone(), self.program(i)?.clone())))
            .collect()
    }

    /// Whether the VM programs come from the prebuilt blob.
    pub fn uses_prebuilt_programs(&self) -> bool {
        self.vm.as_ref().is_some_and(|vm| vm.prebuilt.is_some())
    }

    /// Indexes of the rules evaluated for an input kind.
    pub fn rules_for(&self, kind: &str) -> &[usize] {
        self.by_kind.get(kind).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Evaluate the rules of `kind` (filtered by `enabled`) on one input document.
    pub fn evaluate(
        &self,
        worker: &mut Worker,
        kind: &str,
        input: regorus::Value,
        enabled: &dyn Fn(&RuleMeta) -> bool,
    ) -> Vec<RuleOutput> {
        let rules = self.rules_for(kind);
        if rules.is_empty() {
            return Vec::new();
        }
        let mut interpreter_input = false;
        rules
            .iter()
            .copied()
            .filter(|&i| enabled(&self.rules[i]))
            .map(|i| {
                let r = &self.rules[i];
                let paths = &self.paths[i];
                let mut worker = self.rule_eval(worker, i, &input, &mut interpreter_input);
                let applicable = !r.has_applicable
                    || matches!(
                        worker.eval(&paths.applicable),
                        Ok(regorus::Value::Bool(true))
                    );
                if !applicable {
                    return RuleOutput {
                        rule: i,
                        applicable,
                        results: Ok(Vec::new()),
                        undecided: false,
                    };
                }
                let t0 = profiling().then(std::time::Instant::now);
                let mut results = worker.eval(&paths.deny).and_then(|v| set_items("deny", &v));
                // (Asked only of a rule that found nothing: a failure is decided.)
                let mut undecided = false;
                if r.has_indeterminate && results.as_ref().is_ok_and(Vec::is_empty) {
                    match worker
                        .eval(&paths.indeterminate)
                        .and_then(|v| set_items("indeterminate", &v))
                    {
                        Ok(items) => undecided = !items.is_empty(),
                        Err(e) => results = Err(e),
                    }
                }
                if let Some(t0) = t0 {
                    record(&r.id, t0.elapsed());
                }
                RuleOutput {
                    rule: i,
                    applicable,
                    results,
                    undecided,
                }
            })
            .collect()
    }
}

/// Analyse the modules once, not once per worker clone (a policy added after this
/// would undo it).
fn prepare(engine: &mut regorus::Engine) {
    engine
        .eval_rule("data.mcp_audit.__prepare".to_string())
        .ok();
}

/// The rules of `files` from their METADATA (`metas`, in file order), sorted by ID;
/// `rejected` is the first file whose Rego did not compile, reported in file order
/// with the METADATA errors. Two rules with one ID are an error.
fn rule_list(
    files: &[PolicyFile],
    metas: Vec<Result<Option<RuleMeta>, String>>,
    mut rejected: Option<(usize, String)>,
) -> Result<Vec<RuleMeta>> {
    let mut rules: Vec<RuleMeta> = Vec::new();
    for (i, (f, meta)) in files.iter().zip(metas).enumerate() {
        if let Some((_, e)) = rejected.take_if(|(at, _)| *at == i) {
            return Err(anyhow::anyhow!("{e}"))
                .with_context(|| format!("cannot compile policy {}", f.name));
        }
        if let Some(meta) = meta.map_err(anyhow::Error::msg)? {
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
    Ok(rules)
}

/// A rule's entry points: `data.<package>.deny`, `.applicable` and `.indeterminate`.
struct EntryPaths {
    deny: String,
    applicable: String,
    indeterminate: String,
}

fn entry_paths(rules: &[RuleMeta]) -> Vec<EntryPaths> {
    rules
        .iter()
        .map(|r| EntryPaths {
            deny: r.deny_path(),
            applicable: r.applicable_path(),
            indeterminate: r.indeterminate_path(),
        })
        .collect()
}

/// The indexes of `rules` by input kind.
fn by_kind(rules: &[RuleMeta]) -> BTreeMap<String, Vec<usize>> {
    let mut by_kind: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, r) in rules.iter().enumerate() {
        for k in &r.kinds {
            by_kind.entry(k.clone()).or_default().push(i);
        }
    }
    by_kind
}

/// Compile the policies for the RVM compiler (rules become programs in `compile_program`).
fn compile_policy(
    engine: &mut regorus::Engine,
    rules: &[RuleMeta],
) -> Result<regorus::CompiledPolicy> {
    let first: regorus::Rc<str> = rules[0].deny_path().as_str().into();
    engine
        .compile_with_entrypoint(&first)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("cannot compile the policies for the Rego VM")
}

/// Compile a rule's `deny`, `applicable` and `indeterminate` Rego rules into one RVM program.
fn compile_program(
    compiled: &regorus::CompiledPolicy,
    r: &RuleMeta,
) -> Result<std::sync::Arc<regorus::rvm::program::Program>> {
    let mut entries: Vec<String> = vec![r.deny_path()];
    if r.has_applicable {
        entries.push(r.applicable_path());
    }
    if r.has_indeterminate {
        entries.push(r.indeterminate_path());
    }
    let refs: Vec<&str> = entries.iter().map(String::as_str).collect();
    regorus::languages::rego::compiler::Compiler::compile_from_policy(compiled, &refs)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("cannot compile the policies for the Rego VM")
}

/// Refuse a policy file whose functions call themselves, directly or through each
/// other: regorus evaluates such recursion on the native stack, and a stack overflow
/// would take the whole process down (OPA rejects recursion too). The check reads
/// the source: a function is a line-start `name(args)` head up to the next line-start
/// definition, and its calls are the `name(` words in that text.
fn reject_recursion(f: &PolicyFile) -> Result<()> {
    use std::collections::{BTreeMap, BTreeSet};
    let head = |line: &str| -> Option<String> {
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        (!name.is_empty() && line[name.len()..].starts_with('(')).then_some(name)
    };
    let starts_definition = |line: &str| {
        line.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && !line.starts_with("package ")
            && !line.starts_with("import ")
    };
    // Function name -> (first line, names it calls).
    let mut funcs: BTreeMap<String, (usize, BTreeSet<String>)> = BTreeMap::new();
    let mut current: Option<String> = None;
    for (n, line) in f.source.lines().enumerate() {
        let code = line.split('#').next().unwrap_or("");
        if starts_definition(code) {
            current = head(code);
            if let Some(name) = &current {
                funcs
                    .entry(name.clone())
                    .or_insert((n + 1, BTreeSet::new()));
            }
        }
        let Some(name) = &current else { continue };
        // Calls in the body (after the head's own `name(`).
        let body = if starts_definition(code) {
            code.find([')']).map_or("", |i| &code[i..])
        } else {
            code
        };
        let mut word = String::new();
        for c in body.chars() {
            if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
                word.push(c);
            } else {
                if c == '(' && !word.is_empty() {
                    let callee = word.rsplit('.').next().unwrap_or(&word).to_string();
                    if let Some(e) = funcs.get_mut(name) {
                        e.1.insert(callee);
                    }
                }
                word.clear();
            }
        }
    }
    // A cycle among the file's functions (depth-first search).
    fn visit(
        n: &str,
        funcs: &BTreeMap<String, (usize, BTreeSet<String>)>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == n) {
            let mut cycle = path[i..].to_vec();
            cycle.push(n.to_string());
            return Some(cycle);
        }
        if done.contains(n) {
            return None;
        }
        let (_, calls) = funcs.get(n)?;
        path.push(n.to_string());
        for c in calls.iter().filter(|c| funcs.contains_key(*c)) {
            if let Some(cycle) = visit(c, funcs, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for name in funcs.keys() {
        if let Some(cycle) = visit(name, &funcs, &mut Vec::new(), &mut done) {
            let line = funcs[&cycle[0]].0;
            bail!(
                "{}:{line}: recursive function {} is not allowed (a policy must not recurse: \
                 it could exhaust the stack)",
                f.name,
                cycle.join(" -> ")
            );
        }
    }
    Ok(())
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

static SLOWEST: std::sync::Mutex<(std::time::Duration, String)> =
    std::sync::Mutex::new((std::time::Duration::ZERO, String::new()));

/// Time spent on each file: its parsing, then every unit it is the first file of.
static FILE_TIMES: std::sync::Mutex<BTreeMap<String, std::time::Duration>> =
    std::sync::Mutex::new(BTreeMap::new());

/// Note how long one unit took (input built and every rule evaluated). The time is
/// also counted to the unit's file: the part of its id before `#`.
pub fn record_unit(unit: &str, d: std::time::Duration) {
    let mut s = SLOWEST.lock().unwrap_or_else(|e| e.into_inner());
    if d > s.0 {
        *s = (d, unit.to_string());
    }
    drop(s);
    record_file(unit.split('#').next().unwrap_or(unit), d);
}

/// Count `d` (parsing, or one of its units) to `file`.
pub fn record_file(file: &str, d: std::time::Duration) {
    let mut times = FILE_TIMES.lock().unwrap_or_else(|e| e.into_inner());
    *times.entry(file.to_string()).or_default() += d;
}

/// The unit that took longest, and how long.
pub fn slowest_unit() -> (std::time::Duration, String) {
    SLOWEST.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// The file that took longest (parsing and its units, summed over threads), and how long.
pub fn slowest_file() -> (std::time::Duration, String) {
    let times = FILE_TIMES.lock().unwrap_or_else(|e| e.into_inner());
    times
        .iter()
        .max_by_key(|(_, d)| **d)
        .map(|(f, d)| (*d, f.clone()))
        .unwrap_or_default()
}

/// Per Rego rule or function (its full path), over every VM program: evaluations and
/// VM instructions executed, including the rules it called.
static REGO_PROFILE: std::sync::Mutex<BTreeMap<String, (u64, u64)>> =
    std::sync::Mutex::new(BTreeMap::new());

/// Rego rules and functions by VM instructions, most first: (path, evaluations,
/// instructions). Counted by the VM when profiling; the interpreter counts nothing.
/// A rule's count includes the rules it called, so the counts do not add up.
pub fn rego_profile_report() -> Vec<(String, u64, u64)> {
    let p = REGO_PROFILE.lock().unwrap_or_else(|e| e.into_inner());
    let mut v: Vec<_> = p.iter().map(|(k, (n, i))| (k.clone(), *n, *i)).collect();
    v.sort_by_key(|e| std::cmp::Reverse(e.2));
    v
}

/// Rules by total evaluation time: (rule, total µs, evaluations).
pub fn profile_report() -> Vec<(String, u128, u64)> {
    let p = PROFILE.lock().unwrap_or_else(|e| e.into_inner());
    let mut v: Vec<_> = p.iter().map(|(k, (t, n))| (k.clone(), *t, *n)).collect();
    v.sort_by_key(|e| std::cmp::Reverse(e.1));
    v
}

/// The items of a `deny` or `indeterminate` set (shared values: cloning one is a
/// reference count).
fn set_items(name: &str, v: &regorus::Value) -> Result<Vec<regorus::Value>, String> {
    match v {
        regorus::Value::Undefined => Ok(Vec::new()),
        regorus::Value::Set(s) => Ok(s.iter().cloned().collect()),
        regorus::Value::Array(a) => Ok(a.iter().cloned().collect()),
        other => Err(format!("`{name}` must be a set of objects, found {other}")),
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
///
/// Tests may call `mcp_audit_shell_calls(text)`: the programs mcp-audit finds in a
/// shell text (the `calls` of a RUN instruction, a CMD or a Compose `command`), so a
/// test can write its commands as text; and `mcp_audit_instruction(text)`: the input
/// mcp-audit builds for one Dockerfile instruction (`"ENV A=1"`), without its `stage`,
/// `in_chain` and `loc` context (set to `#0`, true and line 2).
pub fn run_tests(files: &[PolicyFile]) -> Result<Vec<TestOutcome>> {
    let mut engine = new_engine();
    engine
        .add_extension(
            "mcp_audit_shell_calls".to_string(),
            1,
            Box::new(|args: Vec<regorus::Value>| {
                use crate::resolve::shell;
                let text = args[0].as_string()?;
                let calls = shell::calls(&shell::commands(text));
                Ok(regorus::Value::from(serde_json::to_value(calls)?))
            }),
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    engine
        .add_extension(
            "mcp_audit_instruction".to_string(),
            1,
            Box::new(|args: Vec<regorus::Value>| {
                let text = args[0].as_string()?;
                match crate::resolve::stage::instruction_view(text) {
                    Some(v) => Ok(regorus::Value::from(serde_json::to_value(v)?)),
                    None => Ok(regorus::Value::Undefined),
                }
            }),
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
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

    /// With prebuilt programs the Rego is not parsed at load; a rule whose program is
    /// missing from the blob runs on the interpreter (parsed then), with the same
    /// findings as its VM program.
    #[test]
    fn a_rule_missing_from_the_prebuilt_programs_runs_on_the_interpreter() {
        let files: Vec<PolicyFile> = embedded_policies()
            .into_iter()
            .filter(|f| !f.is_test())
            .collect();
        let full = PolicySet::from_files(files.clone()).unwrap();
        let mut programs = full.vm_programs();
        programs.retain(|(id, _)| id != "MCP-CS-006");
        let blob: &'static [u8] = Box::leak(
            crate::prebuilt::write(full.rules(), &programs, 7)
                .unwrap()
                .into_boxed_slice(),
        );
        let partial =
            PolicySet::with_prebuilt(files, crate::prebuilt::read(blob, 7).unwrap()).unwrap();
        assert_eq!(partial.rules(), full.rules());
        assert!(partial.engine.get().is_none(), "parsed only when needed");
        let input = regorus::Value::from_json_str(
            r#"{"unit": {"name": "web", "role": "mcp-server"},
                "service": {"loc": {"file": "compose.yaml", "line": 2}, "security_opt": []},
                "raw": {}}"#,
        )
        .unwrap();
        let run = |set: &PolicySet| -> Vec<serde_json::Value> {
            let mut worker = set.worker();
            let out = set.evaluate(&mut worker, "compose_service", input.clone(), &|r| {
                r.id == "MCP-CS-006"
            });
            assert_eq!(out.len(), 1);
            let results = out.into_iter().next().unwrap().results.unwrap();
            results
                .iter()
                .map(|r| serde_json::to_value(r).unwrap())
                .collect()
        };
        let on_vm = run(&full);
        assert_eq!(on_vm.len(), 1, "{on_vm:?}");
        assert_eq!(run(&partial), on_vm);
        assert!(
            partial.engine.get().is_some_and(|e| e.is_ok()),
            "the interpreter ran it"
        );
    }

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
    fn recursive_user_functions_are_rejected() {
        let file = |src: &str| PolicyFile {
            name: "p.rego".into(),
            source: src.into(),
        };
        let direct = file("package p\nimport rego.v1\n\nf(x) := y if {\n\ty := f(x)\n}\n");
        let e = reject_recursion(&direct).unwrap_err().to_string();
        assert!(e.contains("p.rego:4") && e.contains("f -> f"), "{e}");
        let mutual = file("package p\n\ng(x) := h(x)\n\nh(x) := g(x) # back\n");
        assert!(reject_recursion(&mutual).is_err());
        // Calls of other functions, builtins and same-named rules elsewhere are fine.
        let fine = file(
            "package p\nimport rego.v1\n\nf(x) := count(g(x))\n\ng(x) := [x]\n\n# f(x) := f(x)\ndeny contains r if { r := f(1) }\n",
        );
        reject_recursion(&fine).unwrap();
        // The embedded policies pass the same check.
        for f in embedded_policies().iter().filter(|f| !f.is_test()) {
            reject_recursion(f).unwrap();
        }
    }

    /// A VM with one program for `entries` of the policies loaded in `e`.
    fn vm_for(e: &mut regorus::Engine, entries: &[&str]) -> regorus::rvm::vm::RegoVM {
        let compiled = e.compile_with_entrypoint(&entries[0].into()).unwrap();
        let program =
            regorus::languages::rego::compiler::Compiler::compile_from_policy(&compiled, entries)
                .unwrap();
        let mut vm = regorus::rvm::vm::RegoVM::new();
        vm.load_program(program);
        vm
    }

    /// The vendored VM's rule profile (`MCP_AUDIT_PROFILE`): evaluations per Rego rule
    /// and function, cache hits left out, and instructions including the callees'.
    #[test]
    fn vm_counts_rule_evaluations_and_instructions() {
        let src = "package t\nimport rego.v1\n\
                   words(s) := {w | some w in split(s, \" \")}\n\
                   names := [n | some n in input.names]\n\
                   deny contains w if { some n in names; some w in words(n) }\n\
                   deny contains \"many\" if count(names) > 1\n";
        let mut e = new_engine();
        e.add_policy("t.rego".into(), src.into()).unwrap();
        let mut vm = vm_for(&mut e, &["data.t.deny"]);
        let input = regorus::Value::from_json_str(r#"{"names": ["a b", "c", "d e f"]}"#);
        vm.set_input(input.unwrap());
        // Off by default: nothing is counted.
        vm.execute_entry_point_by_name("data.t.deny").unwrap();
        assert!(vm.take_rule_profile().is_empty());
        vm.set_rule_profiling(true);
        for _ in 0..2 {
            vm.execute_entry_point_by_name("data.t.deny").unwrap();
        }
        let profile: BTreeMap<String, (u64, u64)> = vm
            .take_rule_profile()
            .into_iter()
            .map(|(rule, n, instructions)| (rule, (n, instructions)))
            .collect();
        let names: Vec<&str> = profile.keys().map(String::as_str).collect();
        assert_eq!(names, ["data.t.deny", "data.t.names", "data.t.words"]);
        // Two runs: `deny` and `names` once each per run (the second reference to
        // `names` is a cache hit), `words` once per name.
        assert_eq!(profile["data.t.deny"].0, 2);
        assert_eq!(profile["data.t.names"].0, 2);
        assert_eq!(profile["data.t.words"].0, 6);
        let instructions = |r: &str| profile[r].1;
        assert!(instructions("data.t.words") > 6 && instructions("data.t.names") > 2);
        assert!(
            instructions("data.t.deny")
                > instructions("data.t.words") + instructions("data.t.names"),
            "{profile:?}"
        );
        // Taking the profile starts the counts again.
        assert!(vm.take_rule_profile().is_empty());
    }

    /// `sprintf` copies the text between verbs a run at a time (vendored patch): verbs
    /// at the start and the end, `%%`, widths and multi-byte text around them; and its
    /// widths are bounded ASCII numbers.
    #[test]
    fn sprintf_keeps_the_text_between_verbs() {
        let mut e = new_engine();
        e.add_policy("t.rego".into(), "package t\n".into()).unwrap();
        let cases = [
            (r#"sprintf("%s", ["a"])"#, "a"),
            (r#"sprintf("", [])"#, ""),
            (r#"sprintf("no verbs, é ü", [])"#, "no verbs, é ü"),
            (
                r#"sprintf("%d%%é%s|%q ~ %v", [7, "ß", "x", [1]])"#,
                "7%éß|\"x\" ~ [1]",
            ),
            (
                r#"sprintf("[%5d] [%05d] [%.2f]é", [42, 42, 1.5])"#,
                "[   42] [00042] [1.50]é",
            ),
            (r#"sprintf("100%% ok: %s.", ["fine"])"#, "100% ok: fine."),
        ];
        for (expr, want) in cases {
            let got = e.eval_query(expr.to_string(), false).unwrap();
            let got = &got.result[0].expressions[0].value;
            assert_eq!(got, &regorus::Value::from(want), "{expr}");
        }
        // A width of non-ASCII digits is no width (it panicked), and a width over a
        // million is refused (it overflowed, or padded to gigabytes): errors (undefined
        // outside strict mode), not panics.
        for expr in [
            r#"sprintf("%٣d", [1])"#,
            r#"sprintf("%2000000d", [1])"#,
            r#"sprintf("%.99999999999f", [1.5])"#,
        ] {
            let defined = e
                .eval_query(expr.to_string(), false)
                .is_ok_and(|r| !r.result.is_empty());
            assert!(!defined, "{expr}");
        }
        let wide = e.eval_query(r#"sprintf("%1000000d", [1])"#.to_string(), false);
        let wide = &wide.unwrap().result[0].expressions[0].value;
        assert_eq!(wide.as_string().map(|s| s.len()).ok(), Some(1_000_000));
    }

    /// Builtins that panicked on some arguments from a user policy (vendor/regorus/PATCH.md)
    /// answer as OPA does on both evaluators, and a range too large to allocate is a
    /// resource-limit error (not undefined, which `not` would turn into true).
    #[test]
    fn builtins_that_panicked_answer_as_opa_does() {
        let src = "package t\nimport rego.v1\n\
                   counts := [strings.count(\"aaaa\", \"aa\"), strings.count(\"h\u{e9}llo\", \"\"), \
                   strings.count(\"\", \"\"), strings.count(\"abab\", \"ab\"), strings.count(\"ab\", \"x\")]\n\
                   ranges := [numbers.range_step(0, 10, 3), numbers.range_step(10, 0, 3), \
                   numbers.range(3, 1), numbers.range_step(0, 3, 9223372036854775807)]\n\
                   zero_step if numbers.range_step(1, 10, 0)\n\
                   negative_step if numbers.range_step(1, 10, -1)\n\
                   fractional_step if numbers.range_step(1, 10, 1.5)\n\
                   huge if not numbers.range(0, 9223372036854775807)\n\
                   too_long if not numbers.range_step(1, 20000002, 2)\n";
        let mut e = new_engine();
        e.add_policy("t.rego".into(), src.into()).unwrap();
        let want = |s: &str| regorus::Value::from_json_str(s).unwrap();
        let entries = [
            "data.t.counts",
            "data.t.ranges",
            "data.t.zero_step",
            "data.t.negative_step",
            "data.t.fractional_step",
            "data.t.huge",
            "data.t.too_long",
        ];
        let mut vm = vm_for(&mut e, &entries);
        let expected = [
            Some(want("[2, 6, 1, 2, 0]")),
            Some(want("[[0, 3, 6, 9], [10, 7, 4, 1], [3, 2, 1], [0]]")),
            Some(regorus::Value::Undefined),
            Some(regorus::Value::Undefined),
            Some(regorus::Value::Undefined),
            None,
            None,
        ];
        for (entry, want) in entries.iter().zip(expected) {
            let on_vm = vm.execute_entry_point_by_name(entry);
            let interpreted = e.eval_rule(entry.to_string());
            match want {
                Some(v) => {
                    assert_eq!(on_vm.as_ref().ok(), Some(&v), "{entry} on the VM");
                    assert_eq!(interpreted.as_ref().ok(), Some(&v), "{entry} interpreted");
                }
                None => {
                    let vm_err = on_vm.expect_err(entry).to_string();
                    let err = interpreted.expect_err(entry).to_string();
                    assert!(vm_err.contains("memory limit"), "{entry}: {vm_err}");
                    assert!(err.contains("memory limit"), "{entry}: {err}");
                }
            }
        }
    }

    /// A user policy's builtin calls cannot take the process down: each edge case of
    /// `tests/data/builtin-edge-cases.txt` runs on the interpreter and on the VM without
    /// a panic (its result may be a value, undefined or an error).
    #[test]
    fn builtin_edge_cases_never_panic() {
        let cases = include_str!("../tests/data/builtin-edge-cases.txt");
        let mut ran = 0;
        for (n, expr) in cases.lines().enumerate() {
            if expr.trim().is_empty() || expr.starts_with('#') {
                continue;
            }
            let src = format!("package t\nimport rego.v1\nr := x if {{\n\tx := {expr}\n}}\n");
            let mut e = new_engine();
            if e.add_policy("t.rego".into(), src).is_err() {
                // (Rejected by the parser or the type checker: nothing runs.)
                continue;
            }
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let _ = e.eval_rule("data.t.r".to_string());
                let compiled = e.compile_with_entrypoint(&"data.t.r".into());
                let program = compiled.ok().and_then(|c| {
                    regorus::languages::rego::compiler::Compiler::compile_from_policy(
                        &c,
                        &["data.t.r"],
                    )
                    .ok()
                });
                if let Some(program) = program {
                    let mut vm = regorus::rvm::vm::RegoVM::new();
                    vm.load_program(program);
                    vm.set_max_instructions(MAX_INSTRUCTIONS);
                    let _ = vm.execute_entry_point_by_name("data.t.r");
                }
            }));
            assert!(run.is_ok(), "line {}: `{expr}` panicked", n + 1);
            ran += 1;
        }
        assert!(ran > 300, "only {ran} edge cases ran");
    }

    /// The vendored regorus fix (vendor/regorus/PATCH.md): on the VM, `x := e` with an
    /// undefined `e` fails the body, as on the interpreter and in OPA.
    #[test]
    fn vm_assignment_of_undefined_fails_the_body() {
        let src = "package t\nimport rego.v1\n\
                   a if { m := input.missing }\n\
                   b if { m := input.service.logging.options; not m.x }\n\
                   c := {k: v | some k in [\"x\", \"y\"]; v := input.service[k]}\n";
        let mut e = new_engine();
        e.add_policy("t.rego".into(), src.into()).unwrap();
        let input =
            regorus::Value::from_json_str(r#"{"service": {"x": 1, "logging": null}}"#).unwrap();
        let entries = ["data.t.a", "data.t.b", "data.t.c"];
        let mut vm = vm_for(&mut e, &entries);
        vm.set_input(input.clone());
        e.set_input(input);
        for entry in entries {
            let on_vm = vm.execute_entry_point_by_name(entry).unwrap();
            let interpreted = e.eval_rule(entry.to_string()).unwrap();
            assert_eq!(on_vm, interpreted, "{entry}");
        }
        assert_eq!(
            vm.execute_entry_point_by_name("data.t.a").unwrap(),
            regorus::Value::Undefined
        );
        assert_eq!(
            vm.execute_entry_point_by_name("data.t.c").unwrap(),
            regorus::Value::from_json_str(r#"{"x": 1}"#).unwrap()
        );
    }

    /// The vendored regorus change (vendor/regorus/PATCH.md): a rule reached through
    /// an import alias (`common.ok` after `import data.t.common`) is called directly,
    /// not by building the whole package as a virtual document and indexing it (which
    /// evaluated every rule of the package on each reference).
    #[test]
    fn vm_calls_a_rule_behind_an_import_alias_directly() {
        let common = "package t.common\nimport rego.v1\n\
                      ok if input.x == 1\n\
                      kinds := [\"a\", \"b\"]\n\
                      costly := count([y | some y in numbers.range(1, 1000)])\n";
        let rule = "package t.r\nimport data.t.common\nimport rego.v1\n\
                    a if common.ok\n\
                    b := common.kinds[1]\n\
                    c := common\n";
        let mut e = new_engine();
        e.add_policy("common.rego".into(), common.into()).unwrap();
        e.add_policy("r.rego".into(), rule.into()).unwrap();
        let input = regorus::Value::from_json_str(r#"{"x": 1}"#).unwrap();
        let compiled = e.compile_with_entrypoint(&"data.t.r.a".into()).unwrap();
        let compile = |entries: &[&str]| {
            regorus::languages::rego::compiler::Compiler::compile_from_policy(&compiled, entries)
                .unwrap()
        };
        let package_lookups = |p: &regorus::rvm::program::Program| {
            p.instructions
                .iter()
                .filter(|i| {
                    matches!(
                        i,
                        regorus::rvm::Instruction::VirtualDataDocumentLookup { .. }
                    )
                })
                .count()
        };
        assert_eq!(package_lookups(&compile(&["data.t.r.a", "data.t.r.b"])), 0);
        // The package itself as a value still is one.
        assert_eq!(package_lookups(&compile(&["data.t.r.c"])), 1);
        let mut vm = regorus::rvm::vm::RegoVM::new();
        vm.load_program(compile(&["data.t.r.a", "data.t.r.b", "data.t.r.c"]));
        vm.set_input(input.clone());
        e.set_input(input);
        for entry in ["data.t.r.a", "data.t.r.b", "data.t.r.c"] {
            let on_vm = vm.execute_entry_point_by_name(entry).unwrap();
            assert_eq!(on_vm, e.eval_rule(entry.to_string()).unwrap(), "{entry}");
            assert_ne!(on_vm, regorus::Value::Undefined, "{entry}");
        }
    }

    /// The vendored regorus change (vendor/regorus/PATCH.md): the VM iterates a frozen
    /// object by position. Every loop shape over objects (comprehensions, `some`,
    /// `every`, an early exit, nested loops over one object, an object built by the
    /// rule itself) yields what the interpreter yields, on an input object frozen from
    /// sorted entries, one frozen from unsorted ones, and one parsed from JSON.
    #[test]
    fn vm_iterates_objects_as_the_interpreter_does() {
        let src = "package t\nimport rego.v1\n\
                   keys := [k | some k, _ in input.o]\n\
                   vals := [v | some _, v in input.o]\n\
                   copy := {k: v | some k, v in input.o}\n\
                   pairs := [[a, b] | some a, _ in input.o; some b, _ in input.o; a < b]\n\
                   some_big if { some _, v in input.o; v > 2 }\n\
                   all_pos if { every _, v in input.o { v > 0 } }\n\
                   built := [k | some k, _ in {x: 1 | some x in [\"q\", \"p\", \"r\"]}]\n\
                   empty := [k | some k, _ in input.none]\n";
        let mut e = new_engine();
        e.add_policy("t.rego".into(), src.into()).unwrap();
        let entries = [
            "data.t.keys",
            "data.t.vals",
            "data.t.copy",
            "data.t.pairs",
            "data.t.some_big",
            "data.t.all_pos",
            "data.t.built",
            "data.t.empty",
        ];
        let mut vm = vm_for(&mut e, &entries);
        let entry = |k: &str, v: i64| (regorus::Value::from(k), regorus::Value::from(v));
        let object = |o: regorus::value::Object| {
            let mut input = regorus::value::Object::new();
            input.insert(regorus::Value::from("o"), regorus::Value::from(o));
            input.insert(
                regorus::Value::from("none"),
                regorus::Value::from(regorus::value::Object::new()),
            );
            regorus::Value::from(input)
        };
        let sorted = vec![entry("a", 1), entry("b", 2), entry("c", 3), entry("d", 4)];
        let mut unsorted = sorted.clone();
        unsorted.reverse();
        let inputs = [
            object(regorus::value::Object::from_sorted_entries(sorted)),
            object(regorus::value::Object::from_entries(unsorted)),
            regorus::Value::from_json_str(r#"{"o": {"d": 4, "b": 2, "a": 1, "c": 3}, "none": {}}"#)
                .unwrap(),
        ];
        for input in inputs {
            vm.set_input(input.clone());
            e.set_input(input);
            for entry in entries {
                let on_vm = vm.execute_entry_point_by_name(entry).unwrap();
                assert_eq!(on_vm, e.eval_rule(entry.to_string()).unwrap(), "{entry}");
            }
            assert_eq!(
                vm.execute_entry_point_by_name("data.t.pairs").unwrap(),
                regorus::Value::from_json_str(
                    r#"[["a","b"],["a","c"],["a","d"],["b","c"],["b","d"],["c","d"]]"#
                )
                .unwrap()
            );
            assert_eq!(
                vm.execute_entry_point_by_name("data.t.built").unwrap(),
                regorus::Value::from_json_str(r#"["p","q","r"]"#).unwrap()
            );
        }
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
