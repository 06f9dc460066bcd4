//! The two regorus evaluators (the bytecode VM, default, and the interpreter) return
//! the same findings on every fixture. CI runs the same comparison over the corpus
//! (`scripts/evaluator-diff.sh ../shared/corpus`).

mod common;

use std::collections::BTreeSet;

/// The findings as `rule file:line message`, and the verdicts and score.
fn scan(evaluator: &str, out: &std::path::Path) -> (BTreeSet<String>, serde_json::Value) {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_mcp-audit"))
        .current_dir(common::root())
        .env_clear()
        .env("MCP_AUDIT_EVALUATOR", evaluator)
        .args(["scan", "fixtures", "--now", "2026-01-31", "--format"])
        .arg(format!("json={}", out.display()))
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(
        status.code().is_some_and(|c| c <= 1),
        "{evaluator}: {status}"
    );
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(out).unwrap()).unwrap();
    assert_eq!(
        v["errors"]["evaluation"],
        serde_json::json!([]),
        "{evaluator}"
    );
    let findings = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{} {}",
                f["rule"], f["location"]["file"], f["location"]["line"], f["message"]
            )
        })
        .collect();
    (findings, serde_json::json!([v["units"], v["score"]]))
}

#[test]
fn vm_and_interpreter_agree_on_every_fixture() {
    let dir = tempfile::tempdir().unwrap();
    let (vm, vm_verdicts) = scan("vm", &dir.path().join("vm.json"));
    let (interpreter, verdicts) = scan("interpreter", &dir.path().join("interpreter.json"));
    assert!(vm.len() > 1000, "{} findings", vm.len());
    let only_vm: Vec<_> = vm.difference(&interpreter).collect();
    let only_interpreter: Vec<_> = interpreter.difference(&vm).collect();
    assert!(
        only_vm.is_empty() && only_interpreter.is_empty(),
        "VM only: {only_vm:#?}\ninterpreter only: {only_interpreter:#?}"
    );
    assert!(vm_verdicts == verdicts, "the verdicts or the score differ");
}

/// A custom policy the VM cannot compile (the `with` keyword) still runs: that rule
/// goes to the interpreter, the others stay on the VM.
#[test]
fn policy_the_vm_cannot_compile_runs_on_the_interpreter() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("w.rego"),
        "# METADATA\n# title: With\n# description: Uses `with`.\n# custom:\n#   id: MCP-ZZ-001\n\
         #   severity: LOW\n#   kinds: [dockerfile]\n#   remediation: None.\npackage org.w\n\n\
         import rego.v1\n\nhelper if input.kind == \"dockerfile\"\n\n\
         deny contains {\"msg\": \"with works\", \"loc\": null} if {\n\
         \thelper with input.kind as \"dockerfile\"\n}\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mcp-audit"))
        .current_dir(common::root())
        .env_clear()
        .args([
            "scan",
            "fixtures/MCP-DF-001/fail",
            "--format",
            "json",
            "--policy",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: BTreeSet<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(
        rules.contains("MCP-ZZ-001") && rules.contains("MCP-DF-001"),
        "{rules:?}"
    );
}
