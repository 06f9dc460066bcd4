//! End-to-end: the binary, its output formats and exit codes.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;

fn bin() -> Command {
    let mut c = Command::cargo_bin("mcp-audit").unwrap();
    c.env_clear().current_dir(common::root());
    c
}

#[test]
fn scan_stack_text_shows_location_rule_and_help() {
    let out = bin()
        .args([
            "scan",
            "fixtures/stacks/001-central-hub",
            "--no-color",
            "--fail-on",
            "medium",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("fixtures/stacks/001-central-hub/mcp-central/docker-compose.yml:"),
        "{text}"
    );
    assert!(text.contains("MCP-SC-001"), "{text}");
    assert!(text.contains("MCP-CS-004"), "{text}");
    assert!(text.contains("findings ("), "{text}");
}

#[test]
fn scan_json_is_valid_and_complete() {
    let out = bin()
        .args([
            "scan",
            "fixtures/stacks/001-central-hub",
            "--format",
            "json",
            "--fail-on",
            "medium",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["schema_version"], 1);
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        assert!(f["rule"].as_str().unwrap().starts_with("MCP-"));
        assert!(f["location"]["line"].as_u64().unwrap() >= 1);
        assert!(f["severity"].is_string());
    }
    assert!(v["units"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["role"] == "hub"));
}

#[test]
fn fail_on_controls_the_exit_code() {
    // The stack has medium findings but, with only them counted from critical up, none.
    bin()
        .args([
            "scan",
            "fixtures/MCP-CS-004/fail",
            "--fail-on",
            "critical",
            "--format",
            "json",
        ])
        .assert()
        .code(0);
    bin()
        .args([
            "scan",
            "fixtures/MCP-CS-004/fail",
            "--fail-on",
            "medium",
            "--format",
            "json",
        ])
        .assert()
        .code(1);
}

#[test]
fn multiple_formats_in_one_run() {
    let d = tempfile::tempdir().unwrap();
    let json = d.path().join("out.json");
    bin()
        .args([
            "scan",
            "fixtures/stacks/004-docgen",
            "--no-color",
            "--format",
            "text",
            "--format",
        ])
        .arg(format!("json={}", json.display()))
        .assert()
        .stdout(predicate::str::contains("findings ("));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    assert!(v["findings"].is_array());
}

#[test]
fn usage_errors_exit_2() {
    bin()
        .args(["scan", "--format", "xml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown format"));
    bin().args(["scan", "--fail-on", "urgent"]).assert().code(2);
    bin()
        .args(["scan", "does/not/exist", "--format", "json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such file"));
}

#[test]
fn inspect_prints_input_documents_with_locations() {
    let out = bin()
        .args(["inspect", "fixtures/stacks/001-central-hub"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let docs = v.as_array().unwrap();
    let github = docs
        .iter()
        .find(|d| d["unit"]["name"] == "github-mcp")
        .expect("github-mcp unit");
    assert_eq!(github["kind"], "compose_service");
    assert!(github["service"]["loc"]["line"].as_u64().is_some());
    assert_eq!(github["effective"]["user"]["source"], "dockerfile");
    assert!(github["effective"]["user"]["loc"]["file"]
        .as_str()
        .unwrap()
        .ends_with("Dockerfile"));
    assert!(github["raw"]["key_locs"]["image"]["line"]
        .as_u64()
        .is_some());
}

#[test]
fn policy_test_runs_embedded_tests() {
    bin()
        .args(["policy", "test"])
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"^\d+ passed, 0 failed\n$").unwrap());
}

#[test]
fn policy_test_fails_on_a_failing_user_test() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("mine_test.rego"),
        "package mine_test\nimport rego.v1\ntest_wrong if { 1 == 2 }\n",
    )
    .unwrap();
    bin()
        .args(["policy", "test", "--no-embedded"])
        .arg(d.path())
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("FAIL").and(predicate::str::contains("0 passed, 1 failed")),
        );
}

#[test]
fn user_policy_is_evaluated_in_scan() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("no_nginx.rego"),
        "# METADATA\n# title: No nginx\n# description: test rule\n# custom:\n#   id: MCP-XX-001\n#   severity: LOW\n#   kinds: [compose_service]\n#   remediation: none\npackage custom.no_nginx\nimport rego.v1\ndeny contains {\"msg\": \"nginx\", \"loc\": input.service.image.loc} if startswith(input.service.image.value, \"nginx\")\n",
    )
    .unwrap();
    let out = bin()
        .args([
            "scan",
            "fixtures/MCP-SC-001/pass",
            "--format",
            "json",
            "--policy",
        ])
        .arg(d.path())
        .assert()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "MCP-XX-001"));
}
