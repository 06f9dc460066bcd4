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

/// `input.effective` in each of its shapes, with the keys each has, in order (policies
/// and `jq` users read them; the view is built from typed structs that must keep them).
#[test]
fn inspect_shows_each_shape_of_the_effective_view() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("Dockerfile"),
        "FROM alpine:3.19 AS base\nUSER 10001\nHEALTHCHECK CMD true\nFROM base AS none\nHEALTHCHECK NONE\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("compose.yaml"),
        concat!(
            "services:\n",
            "  built:\n    build: {context: ., target: base}\n",
            "  timings:\n    build: {context: ., target: none}\n    user: \"0:0\"\n",
            "    healthcheck: {interval: 30s}\n    mem_limit: 256m\n",
            "  off:\n    image: alpine:3.19\n    healthcheck: {disable: true}\n    deploy: {resources: {limits: {memory: 1g}}}\n",
            "  opaque:\n    image: alpine:3.19\n    deploy: {resources: {reservations: {memory: 64m}}}\n",
            "  test:\n    image: alpine:3.19\n    healthcheck: {test: [\"CMD\", \"true\"]}\n",
            "  hidden:\n    build: {context: ., target: none}\n",
        ),
    )
    .unwrap();
    let out = bin()
        .current_dir(d.path())
        .args(["inspect", "."])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let effective = |name: &str| -> serde_json::Value {
        v.as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit"]["name"] == name)
            .unwrap_or_else(|| panic!("unit {name}"))["effective"]
            .clone()
    };
    let keys =
        |v: &serde_json::Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    let k = |s: &str| -> Vec<String> { s.split(' ').map(String::from).collect() };
    let built = effective("built");
    assert_eq!(keys(&built), k("user healthcheck memory_limit"));
    assert_eq!(
        keys(&built["user"]),
        k("value uid root indeterminate source stage loc from")
    );
    assert_eq!(
        (&built["user"]["uid"], &built["user"]["stage"]),
        (&"10001".into(), &"base".into())
    );
    assert_eq!(
        keys(&built["healthcheck"]),
        k("present source stage loc from")
    );
    assert_eq!(
        keys(&built["memory_limit"]),
        k("set reservation_only loc from")
    );
    let timings = effective("timings");
    assert_eq!(
        keys(&timings["user"]),
        k("value uid root indeterminate source loc from overrides")
    );
    assert_eq!(timings["user"]["root"], true);
    assert_eq!(timings["user"]["overrides"], "10001");
    assert_eq!(
        keys(&timings["healthcheck"]),
        k("present source reason loc from")
    );
    assert_eq!(timings["healthcheck"]["source"], "compose");
    assert_eq!(timings["healthcheck"]["from"].as_array().unwrap().len(), 1);
    assert_eq!(
        keys(&timings["memory_limit"]),
        k("set value bytes valid indeterminate vars loc from")
    );
    assert_eq!(timings["memory_limit"]["bytes"], 268435456.0);
    let off = effective("off");
    assert_eq!(keys(&off["user"]), k("root indeterminate source loc from"));
    assert_eq!(
        keys(&off["healthcheck"]),
        k("present source reason loc from")
    );
    assert_eq!(off["memory_limit"]["value"], "1g");
    let opaque = effective("opaque");
    assert_eq!(
        keys(&opaque["healthcheck"]),
        k("present indeterminate source loc from")
    );
    assert_eq!(opaque["memory_limit"]["reservation_only"], true);
    let test = effective("test");
    assert_eq!(keys(&test["healthcheck"]), k("present source loc from"));
    assert_eq!(test["healthcheck"]["present"], true);
    let hidden = effective("hidden");
    assert_eq!(hidden["healthcheck"]["source"], "none");
    assert!(hidden["healthcheck"]["reason"]
        .as_str()
        .unwrap()
        .contains("HEALTHCHECK NONE"));
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
    // …and in the text output.
    let text = bin()
        .args(["scan", "fixtures/MCP-SC-001/pass", "--no-color", "--policy"])
        .arg(d.path())
        .assert()
        .get_output()
        .stdout
        .clone();
    assert!(
        String::from_utf8(text).unwrap().contains("MCP-XX-001"),
        "custom finding missing from the text output"
    );
}

/// A rule's `indeterminate` set makes its verdict indeterminate when it reports nothing
/// (a finding decides it), on both evaluators; an `indeterminate` that is not a set is the
/// rule's evaluation error.
#[test]
fn user_policy_indeterminate_set_makes_the_verdict_indeterminate() {
    let d = tempfile::tempdir().unwrap();
    let pol = d.path().join("pol");
    std::fs::create_dir(&pol).unwrap();
    let rule = |undecided: &str| {
        format!("# METADATA\n# title: No nginx\n# description: test rule\n# custom:\n#   id: MCP-XX-001\n#   severity: HIGH\n#   kinds: [compose_service]\n#   remediation: none\npackage custom.no_nginx\nimport rego.v1\ndeny contains {{\"msg\": \"nginx\", \"loc\": input.service.image.loc}} if startswith(input.service.image.value, \"nginx\")\n{undecided}\n")
    };
    std::fs::write(
        pol.join("no_nginx.rego"),
        rule("indeterminate contains {\"reason\": \"maybe\"} if contains(input.service.image.value, \"maybe\")"),
    )
    .unwrap();
    let service = |name: &str, image: &str| {
        format!("  {name}:\n    image: {image}\n    labels:\n      mcp.server: {name}\n")
    };
    std::fs::write(
        d.path().join("compose.yaml"),
        format!(
            "services:\n{}{}{}",
            service("web", "nginx:1.27"),
            service("open", "ghcr.io/maybe/app:1.0"),
            service("plain", "ghcr.io/acme/app:1.0"),
        ),
    )
    .unwrap();
    let scan = |evaluator: &str| {
        let out = bin()
            .args([
                "scan",
                "compose.yaml",
                "--format",
                "json",
                "--policy",
                "pol",
            ])
            .current_dir(d.path())
            .env("MCP_AUDIT_EVALUATOR", evaluator)
            .assert()
            .get_output()
            .clone();
        (
            out.status.code(),
            serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(),
        )
    };
    for evaluator in ["vm", "interpreter"] {
        let (_, v) = scan(evaluator);
        let verdicts: Vec<(String, String)> = v["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| {
                let verdict = u["verdicts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|r| r["rule"] == "MCP-XX-001")
                    .unwrap();
                (
                    u["name"].as_str().unwrap().to_string(),
                    verdict["verdict"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let want = [
            ("web", "fail"),
            ("open", "indeterminate"),
            ("plain", "pass"),
        ];
        for (name, verdict) in want {
            assert!(
                verdicts.contains(&(name.to_string(), verdict.to_string())),
                "{evaluator}: {verdicts:?}"
            );
        }
    }
    std::fs::write(pol.join("no_nginx.rego"), rule("indeterminate := 1")).unwrap();
    for evaluator in ["vm", "interpreter"] {
        let (code, v) = scan(evaluator);
        assert_eq!(code, Some(2), "{evaluator}");
        let errs = v["errors"]["evaluation"].as_array().unwrap();
        assert!(
            errs.iter().any(|e| e["rule"] == "MCP-XX-001"
                && e["message"]
                    .as_str()
                    .unwrap()
                    .contains("`indeterminate` must be a set of objects")),
            "{evaluator}: {errs:?}"
        );
    }
}

#[test]
fn compliance_rate_and_min_score_gate() {
    let out = bin()
        .args([
            "scan",
            "fixtures/stacks/001-central-hub",
            "--format",
            "json",
            "--fail-on",
            "critical",
        ])
        .assert()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let rate = v["compliance_rate"].as_f64().unwrap();
    assert_eq!(rate, v["summary"]["compliance_rate"].as_f64().unwrap());
    let score = v["summary"]["project_score"].as_f64().unwrap();
    assert!((0.0..=100.0).contains(&score));
    // Every scored unit carries its arithmetic.
    for u in v["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u.get("score").is_some())
    {
        let s = &u["score"];
        let (p, e) = (
            s["passed_weight"].as_f64().unwrap(),
            s["evaluated_weight"].as_f64().unwrap(),
        );
        let expect = if s["capped"].as_bool().unwrap() {
            (100.0 * p / e).min(40.0)
        } else {
            100.0 * p / e
        };
        assert!((s["score"].as_f64().unwrap() - expect).abs() < 0.06, "{s}");
    }
    // compliance_rate = 100 × compliant ÷ scored units.
    let scored: Vec<&serde_json::Value> = v["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u.get("score").is_some())
        .collect();
    let compliant = scored
        .iter()
        .filter(|u| u["score"]["compliant"].as_bool().unwrap())
        .count();
    assert!(
        (rate - 100.0 * compliant as f64 / scored.len() as f64).abs() < 0.06,
        "{rate}"
    );
    // Scored units (catalog d.1): the servers and the hub with the worked example's
    // numbers (d.2), and the seed's Claude client entry with governance weight 1, capped
    // at 40 by its CRITICAL `--network host` (MCP-CC-003).
    let unit = |suffix: &str| {
        scored
            .iter()
            .find(|u| u["id"].as_str().unwrap().ends_with(suffix))
            .unwrap_or_else(|| panic!("no scored unit {suffix}"))["score"]
            .clone()
    };
    assert_eq!(unit("#github-mcp")["score"], 74.3);
    assert_eq!(unit("#filesystem-mcp")["score"], 71.2);
    let client = unit("claude/config.json#idp-central");
    assert_eq!(client["governance_weight"], 1);
    assert_eq!(client["capped"], true);
    assert!(client["failed"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "MCP-CC-003"));
    // `scan PATH --format json --fail-on critical --min-score N`.
    let gate = |path: &str, min: &str| {
        bin()
            .args(["scan", path, "--format", "json", "--fail-on", "critical"])
            .args(["--min-score", min])
            .assert()
    };
    gate("fixtures/stacks/001-central-hub", "100")
        .code(1)
        .stderr(predicate::str::contains("below --min-score"));
    gate("fixtures/stacks/001-central-hub", "0")
        .code(1)
        .stderr(predicate::str::contains("below --min-score").not());
    // Without the client config (whose CRITICAL finding trips `--fail-on critical`), the
    // Compose deployment passes a zero score gate and fails a perfect one.
    gate("fixtures/stacks/001-central-hub/mcp-central", "0").code(0);
    gate("fixtures/stacks/001-central-hub/mcp-central", "100")
        .code(1)
        .stderr(predicate::str::contains("below --min-score"));
}

#[test]
fn text_output_ends_with_a_score_table() {
    let out = bin()
        .args(["scan", "fixtures/stacks/001-central-hub", "--no-color"])
        .assert()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("compliance rate"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.contains("#github-mcp") && l.contains("mcp-server")),
        "{text}"
    );
}

/// A service that passes every rule, but whose memory limit and image are not resolvable.
const HARDENED_BUT_INDETERMINATE: &str = "services:\n  notes-mcp:\n    image: mcp/notes:1.0.0\n    mem_limit: ${MEM}\n    cpus: \"0.5\"\n    read_only: true\n    cap_drop: [ALL]\n    security_opt: [no-new-privileges:true]\n    restart: unless-stopped\n    logging: {driver: local}\n    networks: [internal]\n    labels: {mcp.server: notes}\nnetworks:\n  internal:\n    internal: true\n";

#[test]
fn strict_counts_indeterminate_as_failure() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("compose.yaml"), HARDENED_BUT_INDETERMINATE).unwrap();
    // Lifecycle metadata rules are not the point here.
    let off: String = (1..=14)
        .map(|n| format!("  MCP-MD-{n:03}: {{enabled: false}}\n"))
        .collect();
    std::fs::write(d.path().join(".mcp-audit.yaml"), format!("rules:\n{off}")).unwrap();
    let rate = |strict: bool| {
        let extra: &[&str] = if strict { &["--strict"] } else { &[] };
        json_scan(d.path(), extra)["compliance_rate"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(rate(false), 100.0);
    assert_eq!(rate(true), 0.0);
}

#[test]
fn rules_explain_and_init() {
    bin()
        .args(["rules"])
        .assert()
        .success()
        .stdout(predicate::str::contains("MCP-EC-001"));
    let out = bin()
        .args(["rules", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(v
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == "MCP-SC-001" && r["severity"] == "medium"));
    bin()
        .args(["explain", "MCP-EC-001"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("## How to fix").and(predicate::str::contains("## Examples")),
        );
    bin().args(["explain", "MCP-ZZ-999"]).assert().code(2);
    let d = tempfile::tempdir().unwrap();
    Command::cargo_bin("mcp-audit")
        .unwrap()
        .current_dir(d.path())
        .arg("init")
        .assert()
        .success();
    let written = d.path().join(".mcp-audit.yaml");
    assert!(written.is_file());
    mcp_audit::config::Config::load(&written).expect("starter config is valid");
    Command::cargo_bin("mcp-audit")
        .unwrap()
        .current_dir(d.path())
        .arg("init")
        .assert()
        .code(2);
}

#[test]
fn config_errors_name_the_key_and_policy_errors_the_line() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join(".mcp-audit.yaml"),
        "hubs: [a]\nimage_mapp: []\n",
    )
    .unwrap();
    Command::cargo_bin("mcp-audit")
        .unwrap()
        .current_dir(d.path())
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("image_mapp").and(predicate::str::contains("line 2")));
    std::fs::remove_file(d.path().join(".mcp-audit.yaml")).unwrap();
    std::fs::create_dir(d.path().join("pol")).unwrap();
    std::fs::write(
        d.path().join("pol/bad.rego"),
        "package x\nimport rego.v1\ndeny contains r if {\n  r := \n}\n",
    )
    .unwrap();
    Command::cargo_bin("mcp-audit")
        .unwrap()
        .current_dir(d.path())
        .args(["scan", "pol", "--policy", "pol"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.rego:4"));
}

fn scan_format(dir: &std::path::Path, format: &str) -> String {
    let out = Command::cargo_bin("mcp-audit")
        .unwrap()
        .env_clear()
        .current_dir(dir)
        .args(["scan", ".", "--format", format, "--fail-on", "critical"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

/// The `<testcase>` element of `unit` × `rule` in a JUnit report.
fn junit_case<'a>(junit: &'a str, unit: &str, rule: &str) -> &'a str {
    let head = format!("<testcase classname=\"{unit}\" name=\"{rule}\"");
    let start = junit
        .find(&head)
        .unwrap_or_else(|| panic!("{head}: {junit}"));
    let end = junit[start..]
        .find("</testcase>")
        .map_or(junit.len(), |e| start + e);
    &junit[start..end]
}

#[test]
fn junit_cases_list_the_findings_of_their_unit_and_rule_only() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("compose.yaml"),
        concat!(
            "services:\n",
            "  a-mcp:\n",
            "    image: mcp/a:latest\n",
            "    environment:\n",
            "      API_TOKEN: \"s3cr3tvalue-aaaa\"\n",
            "      DB_PASSWORD: \"hunter2-longer\"\n",
            "  b-mcp:\n",
            "    image: mcp/b:latest  # mcp-audit ignore=MCP-SC-001 reason=\"pinned at deploy\"\n",
            "    environment:\n",
            "      API_TOKEN: \"s3cr3tvalue-bbbb\"\n",
        ),
    )
    .unwrap();
    let out = bin()
        .current_dir(d.path())
        .args(["scan", ".", "--format", "junit"])
        .output()
        .unwrap();
    let junit = String::from_utf8(out.stdout).unwrap();
    // Both of a-mcp's secrets, in file order; none of b-mcp's.
    let a = junit_case(&junit, "compose.yaml#a-mcp", "MCP-SE-001");
    let body = a
        .split_once("<failure")
        .and_then(|(_, f)| f.split_once("\">"))
        .map(|(_, b)| b)
        .unwrap_or_default();
    assert_eq!(
        body.lines()
            .map(|l| l.split(':').take(2).collect::<Vec<_>>().join(":"))
            .collect::<Vec<_>>(),
        ["compose.yaml:5", "compose.yaml:6"],
        "{a}"
    );
    let b = junit_case(&junit, "compose.yaml#b-mcp", "MCP-SE-001");
    assert!(
        b.contains("compose.yaml:10:18") && !b.contains("compose.yaml:5:"),
        "{b}"
    );
    // A suppressed finding is not a failure: b-mcp's `latest` tag passes.
    assert!(junit_case(&junit, "compose.yaml#b-mcp", "MCP-SC-001").ends_with("/>"));
    assert!(junit_case(&junit, "compose.yaml#a-mcp", "MCP-SC-001").contains("<failure"));
}

#[test]
fn every_format_renders_the_findings() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("compose.yaml"),
        "services:\n  web-mcp:\n    image: mcp/web:latest\n    mem_limit: 1g\n",
    )
    .unwrap();
    let gh = scan_format(d.path(), "github");
    assert!(
        gh.contains(
            "::warning file=compose.yaml,line=3,col=12,endLine=3,endColumn=26,title=MCP-SC-001"
        ),
        "{gh}"
    );
    let md = scan_format(d.path(), "markdown");
    assert!(
        md.contains("## mcp-audit") && md.contains("| `compose.yaml#web-mcp` | mcp-server |"),
        "{md}"
    );
    let junit = scan_format(d.path(), "junit");
    assert!(
        junit.starts_with("<?xml") && junit.contains("name=\"MCP-SC-001\"><failure"),
        "{junit}"
    );
    let sarif: serde_json::Value = serde_json::from_str(&scan_format(d.path(), "sarif")).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(sarif["version"], "2.1.0");
    let res = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "MCP-SC-001")
        .unwrap();
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(
        rules[res["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "MCP-SC-001"
    );
    let loc = &res["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "compose.yaml");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "SRCROOT");
    assert_eq!(loc["region"]["startLine"], 3);
    assert_eq!(loc["region"]["snippet"]["text"], "mcp/web:latest");
    assert!(rules
        .iter()
        .all(|r| r["helpUri"].as_str().unwrap().ends_with(".md")
            && r["help"]["markdown"].is_string()));
}

fn fingerprints(dir: &std::path::Path) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(&scan_format(dir, "sarif")).unwrap();
    let mut fps: Vec<(String, String)> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_string(),
                r["partialFingerprints"]["mcpAudit/v1"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    fps.sort();
    fps
}

#[test]
fn fingerprints_survive_inserted_lines_and_change_with_the_value() {
    let d = tempfile::tempdir().unwrap();
    let compose = "services:\n  web-mcp:\n    image: mcp/web:latest\n  db:\n    image: postgres\n";
    std::fs::write(d.path().join("compose.yaml"), compose).unwrap();
    let before = fingerprints(d.path());
    assert!(before.iter().filter(|(r, _)| r == "MCP-SC-001").count() == 2);
    std::fs::write(
        d.path().join("compose.yaml"),
        format!("# a comment\n\n# another\nname: demo\n{compose}"),
    )
    .unwrap();
    assert_eq!(fingerprints(d.path()), before);
    std::fs::write(
        d.path().join("compose.yaml"),
        compose.replace("mcp/web:latest", "mcp/web"),
    )
    .unwrap();
    let after = fingerprints(d.path());
    let sc = |v: &Vec<(String, String)>| {
        v.iter()
            .filter(|(r, _)| r == "MCP-SC-001")
            .map(|x| x.1.clone())
            .collect::<Vec<_>>()
    };
    assert_ne!(sc(&after), sc(&before));
    assert_eq!(
        sc(&after)
            .iter()
            .filter(|f| sc(&before).contains(f))
            .count(),
        1,
        "the untouched finding keeps its fingerprint"
    );
}

fn json_scan(dir: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    json_scan_of(dir, &["."], extra)
}

/// `scan PATHS --format json` run in `dir`.
fn json_scan_of(dir: &std::path::Path, paths: &[&str], extra: &[&str]) -> serde_json::Value {
    let out = Command::cargo_bin("mcp-audit")
        .unwrap()
        .env_clear()
        .current_dir(dir)
        .arg("scan")
        .args(paths)
        .args(["--format", "json", "--fail-on", "critical"])
        .args(extra)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

fn rules_of(v: &serde_json::Value, suppressed: Option<&str>) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["suppressed"]["kind"].as_str() == suppressed)
        .map(|f| format!("{}:{}", f["rule"].as_str().unwrap(), f["location"]["line"]))
        .collect()
}

#[test]
fn inline_suppressions_line_trailing_and_file_level() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("compose.yaml"),
        concat!(
            "# mcp-audit ignore-file=MCP-EC-004 reason=\"images are scanned elsewhere\"\n",
            "services:\n",
            "  # mcp-audit ignore=MCP-CS-004 reason=\"capped by the host\"\n",
            "  web-mcp:\n",
            "    image: mcp/web:latest  # mcp-audit ignore=MCP-SC-001 reason=\"pinned by digest at deploy\"\n",
            "    privileged: true  # mcp-audit ignore=MCP-CS-001\n",
        ),
    )
    .unwrap();
    let v = json_scan(d.path(), &[]);
    let inline = rules_of(&v, Some("inline"));
    for r in [
        "MCP-EC-004:4",
        "MCP-CS-004:4",
        "MCP-SC-001:5",
        "MCP-CS-001:6",
    ] {
        assert!(
            inline.contains(&r.to_string()),
            "{r} not suppressed: {inline:?}"
        );
    }
    // The suppression without a reason still applies, and is reported.
    let active = rules_of(&v, None);
    assert!(active.contains(&"MCP-AUD-002:6".to_string()), "{active:?}");
    for r in [
        "MCP-EC-004:4",
        "MCP-CS-004:4",
        "MCP-SC-001:5",
        "MCP-CS-001:6",
    ] {
        assert!(
            !active.contains(&r.to_string()),
            "{r} still active: {active:?}"
        );
    }
    // Suppressed findings do not count against the score.
    let unit = v["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "web-mcp")
        .unwrap();
    for rule in ["MCP-CS-001", "MCP-CS-004", "MCP-SC-001"] {
        let verdict = unit["verdicts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["rule"] == rule)
            .unwrap();
        assert_eq!(verdict["verdict"], "pass", "{rule}");
    }
}

#[test]
fn waivers_apply_until_they_expire() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("compose.yaml"),
        "services:\n  web-mcp:\n    image: mcp/web:latest\n    mem_limit: 1g\n",
    )
    .unwrap();
    let cfg = |expires: &str| {
        format!("waivers:\n  - rule: MCP-SC-001\n    path: \"*.yaml\"\n    service: web-mcp\n    reason: \"vendor ships latest only\"\n    expires: \"{expires}\"\n")
    };
    std::fs::write(d.path().join(".mcp-audit.yaml"), cfg("2030-01-31")).unwrap();
    let v = json_scan(d.path(), &["--now", "2026-01-01"]);
    assert!(rules_of(&v, Some("waiver")).contains(&"MCP-SC-001:3".to_string()));
    assert!(!rules_of(&v, None)
        .iter()
        .any(|r| r.starts_with("MCP-AUD-004")));
    let v = json_scan(d.path(), &["--now", "2030-02-01"]);
    let active = rules_of(&v, None);
    assert!(active.contains(&"MCP-SC-001:3".to_string()), "{active:?}");
    assert!(active.contains(&"MCP-AUD-004:2".to_string()), "{active:?}");
}

#[test]
fn baseline_reports_only_new_findings() {
    let d = tempfile::tempdir().unwrap();
    let base = d.path().join("base.json");
    std::fs::write(
        d.path().join("compose.yaml"),
        "services:\n  web-mcp:\n    image: mcp/web:latest\n",
    )
    .unwrap();
    json_scan(d.path(), &["--write-baseline", base.to_str().unwrap()]);
    std::fs::write(
        d.path().join("compose.yaml"),
        "# moved down by a comment\nservices:\n  web-mcp:\n    image: mcp/web:latest\n    mem_limit: \"0\"\n",
    )
    .unwrap();
    let v = json_scan(d.path(), &["--baseline", base.to_str().unwrap()]);
    assert_eq!(rules_of(&v, None), vec!["MCP-CS-004:5"]);
    assert!(rules_of(&v, Some("baseline")).contains(&"MCP-SC-001:4".to_string()));
    // A SARIF baseline works the same way.
    let sarif = d.path().join("base.sarif");
    Command::cargo_bin("mcp-audit")
        .unwrap()
        .env_clear()
        .current_dir(d.path())
        .args(["scan", ".", "--fail-on", "critical", "--format"])
        .arg(format!("sarif={}", sarif.display()))
        .assert()
        .success();
    let v = json_scan(d.path(), &["--baseline", sarif.to_str().unwrap()]);
    assert!(rules_of(&v, None).is_empty(), "{:?}", rules_of(&v, None));
}

#[test]
fn client_configs_and_kubernetes_workloads_become_units() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join(".cursor")).unwrap();
    std::fs::write(
        d.path().join(".cursor/mcp.json"),
        r#"{"mcpServers": {"gh": {"command": "docker", "args": ["run", "-i", "--rm", "-e", "GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJklmnop", "ghcr.io/github/github-mcp-server:1.0.0"]}}}"#,
    )
    .unwrap();
    // Detected by content, whatever its name (seed 001 writes ~/.claude/config.json).
    std::fs::write(
        d.path().join("config.json"),
        r#"{"mcpServers": {"local": {"command": "npx", "args": ["-y", "mcp-remote"]}}}"#,
    )
    .unwrap();
    std::fs::write(
        d.path().join("package.json"),
        r#"{"name": "x", "scripts": {"start": "node ."}}"#,
    )
    .unwrap();
    std::fs::write(
        d.path().join("deploy.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: mcp\nspec:\n  template:\n    spec:\n      containers:\n        - name: s\n          image: mcp/s:1\n",
    )
    .unwrap();
    let out = Command::cargo_bin("mcp-audit")
        .unwrap()
        .env_clear()
        .current_dir(d.path())
        .args(["inspect", "."])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        !text.contains("0123456789abcdef"),
        "a secret reached the inspect output"
    );
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let kinds: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["kind"].as_str().unwrap(),
                u["unit"]["name"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(kinds.contains(&("mcp_client", "gh")), "{kinds:?}");
    assert!(kinds.contains(&("mcp_client", "local")), "{kinds:?}");
    assert!(kinds.contains(&("k8s_workload", "mcp")), "{kinds:?}");
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    let gh = v
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"]["name"] == "gh")
        .unwrap();
    assert_eq!(
        gh["server"]["docker"]["image"]["value"],
        "ghcr.io/github/github-mcp-server:1.0.0"
    );
}

#[test]
fn client_entries_registry_files_and_workloads_are_scored_units() {
    // Catalog d.1: client entries (governance weight 1), server.json / server.yaml and
    // Kubernetes workloads (weight by level, unknown 2) are scored; a lifecycle
    // manifest belongs to its server and is not a unit of its own.
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join(".mcp.json"),
        r#"{"mcpServers": {"hub": {"command": "npx", "args": ["-y", "mcp-remote@0.1.29", "https://hub.example.com/mcp"]}}}"#,
    )
    .unwrap();
    std::fs::write(
        d.path().join("deploy.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: mcp\n  labels:\n    mcp.governance.level: high\nspec:\n  template:\n    spec:\n      containers:\n        - name: s\n          image: mcp/s:1\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("server.json"),
        r#"{"$schema": "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json", "name": "io.github.acme/w", "description": "W", "version": "1.0.0", "packages": [{"registryType": "oci", "identifier": "ghcr.io/acme/w:1.0.0", "transport": {"type": "stdio"}}]}"#,
    )
    .unwrap();
    std::fs::write(
        d.path().join("mcp-manifest.json"),
        r#"{"schemaVersion": "1", "name": "w", "transport": "stdio"}"#,
    )
    .unwrap();
    let out = Command::cargo_bin("mcp-audit")
        .unwrap()
        .env_clear()
        .current_dir(d.path())
        .args(["scan", ".", "--format", "json", "--fail-on", "critical"])
        .assert()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let weight = |id: &str| {
        let u = v["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == id)
            .unwrap_or_else(|| panic!("no unit {id}"));
        u["score"]["governance_weight"].as_u64()
    };
    assert_eq!(weight(".mcp.json#hub"), Some(1));
    assert_eq!(weight("deploy.yaml#Deployment/mcp"), Some(3));
    assert_eq!(weight("server.json"), Some(2));
    assert_eq!(weight("mcp-manifest.json"), None);
    let scored = v["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u.get("score").is_some())
        .count();
    assert_eq!(scored, 3);
}

#[test]
fn sbom_is_deterministic_and_records_pinned_os_packages() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("Dockerfile"),
        "FROM debian:12.6-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10 git\nRUN npm install -g @modelcontextprotocol/server-github@2025.4.8\nUSER 1001\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("compose.yaml"),
        "services:\n  gh-mcp:\n    build: .\n    image: acme/gh-mcp:1.2.0\n  cache:\n    image: redis@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
    )
    .unwrap();
    let spdx = || {
        let out = Command::cargo_bin("mcp-audit")
            .unwrap()
            .env_clear()
            .current_dir(d.path())
            .args([
                "scan",
                ".",
                "--format",
                "spdx",
                "--fail-on",
                "critical",
                "--now",
                "2026-01-31",
            ])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    let a = spdx();
    assert_eq!(a, spdx(), "two runs must give identical bytes");
    let v: serde_json::Value = serde_json::from_str(&a).unwrap();
    assert_eq!(v["spdxVersion"], "SPDX-2.3");
    assert_eq!(v["creationInfo"]["created"], "2026-01-31T00:00:00Z");
    assert!(v["creationInfo"]["creators"][0]
        .as_str()
        .unwrap()
        .starts_with("Tool: mcp-audit-"));
    let purls: Vec<String> = v["packages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["externalRefs"].as_array().cloned().unwrap_or_default())
        .map(|r| r["referenceLocator"].as_str().unwrap().to_string())
        .collect();
    assert!(
        purls.contains(&"pkg:deb/debian/curl@7.88.1-10".to_string()),
        "{purls:?}"
    );
    assert!(
        purls.contains(&"pkg:deb/debian/git".to_string()),
        "{purls:?}"
    );
    assert!(
        purls.contains(&"pkg:npm/%40modelcontextprotocol/server-github@2025.4.8".to_string()),
        "{purls:?}"
    );
    let git = v["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "git")
        .unwrap();
    assert_eq!(
        git["versionInfo"], "NOASSERTION",
        "unpinned versions are not invented"
    );
    let redis = v["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "redis")
        .unwrap();
    assert_eq!(redis["checksums"][0]["algorithm"], "SHA256");
    let rels: Vec<&str> = v["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["relationshipType"].as_str().unwrap())
        .collect();
    for t in ["DESCRIBES", "CONTAINS", "DEPENDS_ON"] {
        assert!(rels.contains(&t), "{rels:?}");
    }
    let cdx = Command::cargo_bin("mcp-audit")
        .unwrap()
        .env_clear()
        .current_dir(d.path())
        .args([
            "scan",
            ".",
            "--format",
            "cyclonedx",
            "--fail-on",
            "critical",
            "--now",
            "2026-01-31",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let c: serde_json::Value = serde_json::from_slice(&cdx).unwrap();
    assert_eq!(c["specVersion"], "1.5");
    assert!(c["components"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["purl"] == "pkg:deb/debian/curl@7.88.1-10"));
}

#[test]
fn secret_values_never_reach_any_output() {
    let d = tempfile::tempdir().unwrap();
    let token = "ghp_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVb";
    let password = "Pg4dmin2024xyz";
    // Planted where interpolation reads them: the process environment and `.env`;
    // in an `env_file:`, a URL, a Kubernetes env value, a client config header, a
    // healthcheck command, a build arg, and a stray line that makes a Dockerfile
    // parse error quote it.
    let dotenv_secret = "Kq7vR2mX9pL4tZ8wQ1";
    let env_file_secret = "Hn3bV6cX8zL1kJ5hG2";
    let url_password = "Url5ecretPw99";
    let k8s_password = "K8sPassw0rdValue77";
    let npm_token = "npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
    std::fs::write(
        d.path().join("compose.yaml"),
        format!("services:\n  db-mcp:\n    image: mcp/db:1.0.0\n    env_file: app.env\n    environment:\n      PGPASSWORD: {password}\n      GITHUB_TOKEN: {token}\n      FROM_SHELL: ${{SHELL_SECRET_TOKEN}}\n      FROM_DOTENV: ${{DOTENV_TOKEN}}\n      DB_URL: postgres://admin:{url_password}@db:5432/x\n    labels:\n      mcp.auth.token: \"${{DOTENV_TOKEN}}\"\n    command: [\"serve\", \"--token\", \"{token}\"]\n    healthcheck:\n      test: [\"CMD\", \"curl\", \"-H\", \"Authorization: Bearer {token}\", \"http://x\"]\n    build:\n      context: .\n      args:\n        NPM_TOKEN: {npm_token}\n"),
    )
    .unwrap();
    std::fs::write(
        d.path().join(".env"),
        format!("DOTENV_TOKEN={dotenv_secret}\n"),
    )
    .unwrap();
    std::fs::write(
        d.path().join("app.env"),
        format!("API_TOKEN={env_file_secret}\n"),
    )
    .unwrap();
    std::fs::write(
        d.path().join("Dockerfile"),
        format!("FROM python:3.12.7-slim\nENV API_KEY={password}\nARG NPM_TOKEN={npm_token}\n{token}\nUSER 1001\n"),
    )
    .unwrap();
    std::fs::write(d.path().join(".mcp.json"), format!(r#"{{"mcpServers": {{"gh": {{"command": "npx", "args": ["-y", "x@1.0.0"], "env": {{"GITHUB_TOKEN": "{token}"}}}}, "remote": {{"url": "https://x.example/mcp", "headers": {{"Authorization": "Bearer {token}"}}}}}}}}"#)).unwrap();
    std::fs::create_dir_all(d.path().join("k8s")).unwrap();
    std::fs::write(
        d.path().join("k8s/deploy.yaml"),
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: mcp\nspec:\n  template:\n    spec:\n      containers:\n        - name: s\n          image: mcp/s:1\n          env:\n            - name: DB_PASSWORD\n              value: {k8s_password}\n"),
    )
    .unwrap();
    let shell_secret = "shell-secret-value-4242";
    let secrets = [
        token,
        password,
        shell_secret,
        dotenv_secret,
        env_file_secret,
        url_password,
        k8s_password,
        npm_token,
    ];
    for format in [
        "text",
        "json",
        "sarif",
        "github",
        "markdown",
        "junit",
        "spdx",
        "cyclonedx",
    ] {
        let out = Command::cargo_bin("mcp-audit")
            .unwrap()
            .env_clear()
            .env("SHELL_SECRET_TOKEN", shell_secret)
            .current_dir(d.path())
            .args(["scan", ".", "--no-color", "--format", format])
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // The planted files were all read (the test would pass vacuously otherwise).
        if format == "json" {
            for f in ["compose.yaml", "Dockerfile", ".mcp.json", "k8s/deploy.yaml"] {
                assert!(all.contains(f), "{f} was not scanned");
            }
        }
        for secret in secrets {
            assert!(
                !all.contains(secret),
                "{format} output contains the secret {secret}:\n{all}"
            );
        }
    }
    let out = Command::cargo_bin("mcp-audit")
        .unwrap()
        .env_clear()
        .env("SHELL_SECRET_TOKEN", shell_secret)
        .current_dir(d.path())
        .args(["inspect", "."])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("k8s_workload") && text.contains("mcp_client"));
    for secret in secrets {
        assert!(
            !text.contains(secret),
            "inspect output contains the secret {secret}"
        );
    }
}

#[test]
fn every_subcommand_help_has_examples() {
    for sub in [
        vec!["scan"],
        vec!["inspect"],
        vec!["policy"],
        vec!["rules"],
        vec!["explain"],
        vec!["schema"],
        vec!["completions"],
        vec!["man"],
        vec!["init"],
    ] {
        let mut args = sub.clone();
        args.push("--help");
        let out = bin()
            .args(&args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8_lossy(&out);
        assert!(
            text.contains("Examples:\n  mcp-audit "),
            "`mcp-audit {} --help` shows no examples:\n{text}",
            sub.join(" ")
        );
    }
}

#[test]
fn runaway_and_recursive_custom_policies_are_stopped() {
    let d = tempfile::tempdir().unwrap();
    let src = d.path().join("src");
    let pol = d.path().join("pol");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::create_dir_all(&pol).unwrap();
    std::fs::write(src.join("Dockerfile"), "FROM alpine:3.20\nUSER 1000\n").unwrap();
    std::fs::write(
        src.join(".mcp-audit.yaml"),
        "limits:\n  rego_eval_seconds: 1\n",
    )
    .unwrap();
    let meta = |id: &str| {
        format!("# METADATA\n# title: t\n# description: t\n# custom:\n#   id: {id}\n#   severity: LOW\n#   kinds: [dockerfile]\n#   remediation: r\n")
    };
    // A rule that would run for hours is stopped after the limit and reported (by the
    // time limit, or on the VM by its instruction budget when that comes first, as in a
    // release build); the other rules still run.
    std::fs::write(
        pol.join("slow.rego"),
        format!("{}package acme.slow\n\nimport rego.v1\n\ndeny contains {{\"msg\": \"x\"}} if {{\n\tsome i in numbers.range(1, 100000)\n\tsome j in numbers.range(1, 100000)\n\ti * j == -1\n}}\n", meta("MCP-ZZ-001")),
    )
    .unwrap();
    // Scans with the policies of `pol`: the scan fails (exit code 2) with MCP-ZZ-001's
    // evaluation error, whose message names one of `limits`, and still reports the
    // embedded rules' findings.
    let stopped_by = |limits: &[&str]| {
        let out = bin()
            .args([
                "scan",
                src.to_str().unwrap(),
                "--format",
                "json",
                "--policy",
            ])
            .arg(&pol)
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .code(2)
            .get_output()
            .stdout
            .clone();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let errs = v["errors"]["evaluation"].as_array().unwrap();
        assert!(
            errs.iter().any(|e| e["rule"] == "MCP-ZZ-001"
                && limits
                    .iter()
                    .any(|l| e["message"].as_str().unwrap().contains(l))),
            "{errs:?}"
        );
        assert!(v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "MCP-DF-002"));
    };
    stopped_by(&["time limit", "instruction limit"]);
    // A range too large to allocate (it took the process down) is the rule's evaluation
    // error, even under `not`; the other rules still run.
    std::fs::write(
        pol.join("slow.rego"),
        format!("{}package acme.big\n\nimport rego.v1\n\ndeny contains {{\"msg\": \"x\"}} if {{\n\tnot numbers.range(0, 9223372036854775807)\n}}\n", meta("MCP-ZZ-001")),
    )
    .unwrap();
    stopped_by(&["memory limit"]);
    // A recursive function is refused at load, with its location, before anything runs.
    std::fs::write(
        pol.join("slow.rego"),
        format!("{}package acme.rec\n\nimport rego.v1\n\nf(x) := y if {{\n\ty := f(x)\n}}\n\ndeny contains {{\"msg\": \"x\"}} if f(1)\n", meta("MCP-ZZ-002")),
    )
    .unwrap();
    bin()
        .args(["scan", src.to_str().unwrap(), "--policy"])
        .arg(&pol)
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "slow.rego:13: recursive function f -> f",
        ));
}

#[test]
fn config_policies_must_stay_beside_the_config() {
    let d = tempfile::tempdir().unwrap();
    let repo = d.path().join("repo");
    std::fs::create_dir_all(repo.join("policies")).unwrap();
    std::fs::create_dir_all(d.path().join("elsewhere")).unwrap();
    std::fs::write(repo.join("Dockerfile"), "FROM alpine:3.20\nUSER 1000\n").unwrap();
    std::fs::write(repo.join(".mcp-audit.yaml"), "policies: [../elsewhere]\n").unwrap();
    bin()
        .args(["scan", repo.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "lies outside the config file's directory",
        ));
    std::fs::write(repo.join(".mcp-audit.yaml"), "policies: [policies]\n").unwrap();
    bin()
        .args(["scan", repo.to_str().unwrap()])
        .assert()
        .code(0);
}

/// Pre-commit mode: given changed files, the scan resolves them in their repository
/// (a Compose service built from the changed Dockerfile is judged with it) and reports
/// only the findings located in those files.
#[test]
fn changed_files_are_judged_in_their_repository_context() {
    let d = tempfile::tempdir().unwrap();
    let repo = d.path();
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(repo.join("server")).unwrap();
    std::fs::write(
        repo.join("server/Dockerfile"),
        "FROM node:22\nRUN npm ci\nCMD [\"node\", \"index.js\"]\n",
    )
    .unwrap();
    std::fs::write(
        repo.join("other.Dockerfile"),
        "FROM alpine\nRUN apk add curl\n",
    )
    .unwrap();
    std::fs::write(
        repo.join("compose.yaml"),
        "services:\n  files-mcp:\n    build: ./server\n    image: ghcr.io/acme/files-mcp:1.0.0\n",
    )
    .unwrap();
    let unit_ids = |v: &serde_json::Value| -> Vec<String> {
        v["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["id"].as_str().unwrap().to_string())
            .collect()
    };
    let v = json_scan_of(repo, &["server/Dockerfile"], &[]);
    let files: std::collections::BTreeSet<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["location"]["file"].as_str())
        .collect();
    assert_eq!(files, ["server/Dockerfile"].into_iter().collect(), "{v:#}");
    let units = unit_ids(&v);
    // The service built from the Dockerfile (no longer a standalone unit), not the
    // unrelated Dockerfile.
    assert_eq!(units, ["compose.yaml#files-mcp"], "{v:#}");
    // The whole repository: both.
    let ids = unit_ids(&json_scan_of(repo, &["."], &[]));
    assert!(
        ["other.Dockerfile", "compose.yaml#files-mcp"]
            .iter()
            .all(|id| ids.iter().any(|i| i == id)),
        "{ids:?}"
    );
}

/// `MCP_AUDIT_PROFILE=1` names the slowest unit and the slowest file (its parse plus
/// its units): the numbers the benchmark reports for "no single file takes more than
/// 100 ms".
#[test]
fn profile_names_the_slowest_unit_and_file() {
    let out = bin()
        .env("MCP_AUDIT_PROFILE", "1")
        .args([
            "scan",
            "fixtures/stacks/001-central-hub",
            "--format",
            "json",
        ])
        .assert()
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    let ms_and_name = |prefix: &str| -> (f64, String) {
        let line = err
            .lines()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap_or_else(|| panic!("no `{prefix}` line in {err}"));
        let mut parts = line.split_whitespace();
        let ms: f64 = parts.next().unwrap().parse().unwrap();
        assert_eq!(parts.next(), Some("ms"), "{line}");
        (ms, parts.collect::<Vec<_>>().join(" "))
    };
    let (unit_ms, unit) = ms_and_name("slowest unit");
    let (file_ms, file) = ms_and_name("slowest file");
    assert!(!unit.is_empty(), "{err}");
    // The file is a scanned file, named as findings name it, and it took at least as
    // long as any one unit (a unit's time counts to its file).
    assert!(
        common::root().join(&file).is_file(),
        "{file} is not a file of the scan"
    );
    assert!(file_ms >= unit_ms, "{file_ms} < {unit_ms}\n{err}");
    // Then the Rego rules and functions by VM instructions, most first: each row
    // `<instructions> instr <n> evals <per eval> instr/eval  <rule path>`.
    let rows: Vec<(u64, String)> = err
        .lines()
        .skip_while(|l| !l.starts_with("Rego rules and functions by VM instructions"))
        .skip(1)
        .map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(parts.len(), 7, "{l}");
            assert_eq!(
                (parts[1], parts[3], parts[5]),
                ("instr", "evals", "instr/eval")
            );
            (parts[0].parse().unwrap(), parts[6].to_string())
        })
        .collect();
    assert!(
        rows.iter()
            .any(|(_, r)| r.starts_with("data.mcp_audit.") && r.ends_with(".deny")),
        "{err}"
    );
    assert!(rows.windows(2).all(|w| w[0].0 >= w[1].0), "{err}");
}

#[test]
fn env_file_entries_overridden_later_are_marked_per_service() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("a.env"),
        "API_TOKEN=first-aaaa\nLOG=info\nAPI_TOKEN=second-bbbb\n",
    )
    .unwrap();
    std::fs::write(d.path().join("b.env"), "API_TOKEN=third-cccc\n").unwrap();
    std::fs::write(
        d.path().join("compose.yaml"),
        concat!(
            "services:\n",
            "  both-mcp:\n    image: a/b:1\n    env_file: [a.env, b.env, missing.env]\n",
            "  one-mcp:\n    image: a/b:1\n    env_file: a.env\n",
        ),
    )
    .unwrap();
    let out = bin()
        .current_dir(d.path())
        .args(["inspect", "."])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = |name: &str| {
        let u = v
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit"]["name"] == name)
            .unwrap();
        u["env_files"].as_array().unwrap().clone()
    };
    // Each entry's line, and whether a later line or file sets its key again.
    let marks = |f: &serde_json::Value| -> Vec<(u64, bool)> {
        f["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["loc"]["line"].as_u64().unwrap(), e["overridden"] == true))
            .collect()
    };
    let both = files("both-mcp");
    assert_eq!(marks(&both[0]), [(1, true), (2, false), (3, true)]);
    assert_eq!(marks(&both[1]), [(1, false)]);
    assert_eq!(both[2]["exists"], false);
    assert!(both[2]["error"].is_string() && both[2]["entries"] == serde_json::json!([]));
    assert!(both[0].get("error").is_none());
    // The service that loads a.env alone: only the repeated line within it.
    let one = files("one-mcp");
    assert_eq!(marks(&one[0]), [(1, true), (2, false), (3, false)]);
    assert_eq!(one[0]["loc"]["line"], 7);
    assert_eq!(both[0]["loc"]["line"], 4);
}

/// `environment`, `build.args` and env_file entries carry `secret_name`: whether the
/// key names a secret, decided once in Rust for the secrets rules.
#[test]
fn env_values_record_whether_their_key_names_a_secret() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("app.env"),
        "API_TOKEN=abc\nLOG=info\nTOKEN_TTL=5\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("compose.yaml"),
        concat!(
            "services:\n  app-mcp:\n    image: a/b:1\n    env_file: app.env\n",
            "    environment: {GITHUB_TOKEN: x, LOG_LEVEL: info, PGPASSWORD: y, SSL_KEY_PATH: /k}\n",
            "    build: {context: ., args: [NPM_TOKEN=n, VERSION=1]}\n",
        ),
    )
    .unwrap();
    std::fs::write(d.path().join("Dockerfile"), "FROM alpine:3.19\n").unwrap();
    let out = bin()
        .current_dir(d.path())
        .args(["inspect", "compose.yaml"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let u = &v[0];
    let flags = |m: &serde_json::Value| -> Vec<(String, bool)> {
        m.as_object()
            .unwrap()
            .iter()
            .map(|(k, e)| (k.clone(), e["secret_name"].as_bool().unwrap()))
            .collect()
    };
    let owned = |x: &[(&str, bool)]| -> Vec<(String, bool)> {
        x.iter().map(|(k, b)| (k.to_string(), *b)).collect()
    };
    assert_eq!(
        flags(&u["service"]["environment"]),
        owned(&[
            ("GITHUB_TOKEN", true),
            ("LOG_LEVEL", false),
            ("PGPASSWORD", true),
            ("SSL_KEY_PATH", false)
        ])
    );
    assert_eq!(
        flags(&u["service"]["build"]["args"]),
        owned(&[("NPM_TOKEN", true), ("VERSION", false)])
    );
    let entries: Vec<(String, bool)> = u["env_files"][0]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let k = e["key"].as_str().unwrap().to_string();
            (k, e["secret_name"].as_bool().unwrap())
        })
        .collect();
    assert_eq!(
        entries,
        owned(&[("API_TOKEN", true), ("LOG", false), ("TOKEN_TTL", false)])
    );
}

#[test]
fn a_finding_far_along_a_minified_line_is_shown_as_an_excerpt() {
    // One line; the package MCP-MD-013 flags (no `version`) starts past column 65,535,
    // where miette cannot underline, and a credential sits just before it.
    let d = tempfile::tempdir().unwrap();
    let token = "ghp_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVb";
    let head = format!(
        concat!(
            r#"{{"$schema":"https://static.modelcontextprotocol.io/schemas/2025-09-29/server.schema.json","#,
            r#""name":"io.github.acme/long","description":"{} {}","version":"1.0.0","packages":["#
        ),
        "x".repeat(70_000),
        token
    );
    let json = format!(
        r#"{head}{{"registryType":"oci","identifier":"ghcr.io/acme/long:1.0","transport":{{"type":"stdio"}}}}]}}"#
    );
    std::fs::write(d.path().join("server.json"), &json).unwrap();
    let out = bin()
        .current_dir(d.path())
        .args(["scan", ".", "--no-color"])
        .output()
        .unwrap();
    let (text, err) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{text}{err}");
    // The source line of the finding at `at`, with the snippet header's column checked.
    let source_line = |at: &str| -> String {
        let finding = text
            .split("\n\n")
            .find(|b| b.starts_with(&format!("{at}: medium [MCP-MD-013]")))
            .unwrap_or_else(|| panic!("no MCP-MD-013 finding at {at}:\n{text}"));
        assert!(finding.contains(&format!("╭─[{at}]")), "{finding}");
        let line = finding
            .lines()
            .find(|l| l.trim_start().starts_with("1 │"))
            .unwrap_or_else(|| panic!("no source line:\n{finding}"));
        assert!(line.len() < 1_000, "{line}");
        line.to_string()
    };
    // The package: an excerpt from a little before it to the end of the line, its
    // credential masked.
    let package = source_line(&format!("server.json:1:{}", head.len() + 1));
    assert!(
        package.contains("│ …") && package.ends_with("}]}"),
        "{package}"
    );
    assert!(package.contains(r#"****","version":"1.0.0""#), "{package}");
    assert!(package.contains(r#""registryType":"oci""#), "{package}");
    // The description: from near the line's start, cut where the line goes on.
    let description = source_line(&format!(
        "server.json:1:{}",
        json.find(r#""description""#).unwrap() + 1
    ));
    assert!(description.ends_with('…'), "{description}");
    assert!(!text.contains(token) && !text.contains(&"x".repeat(1_000)));
}

/// `--vulns` reads a Grype JSON report as it reads a Trivy one; a file that is neither
/// is a usage error (exit 2) that names both formats.
#[test]
fn vulns_takes_trivy_or_grype_reports() {
    let dir = common::root().join("fixtures/MCP-MD-008/fail/compose-critical-fix-grype");
    let v = json_scan(&dir, &["--vulns", "grype.json", "--now", "2026-11-24"]);
    let md008: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "MCP-MD-008")
        .collect();
    assert_eq!(md008.len(), 1, "{v}");
    assert!(md008[0]["message"]
        .as_str()
        .unwrap()
        .contains("CVE-2026-45110"));
    let out = bin()
        .args([
            "scan",
            "fixtures/MCP-MD-008/fail/compose-critical-fix-grype",
            "--vulns",
            "fixtures/MCP-MD-008/fail/compose-critical-fix-grype/compose.yaml",
        ])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(err.contains("--vulns") && err.contains("not JSON"), "{err}");
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("sbom.json"), r#"{"spdxVersion": "SPDX-2.3"}"#).unwrap();
    let out = Command::cargo_bin("mcp-audit")
        .unwrap()
        .env_clear()
        .current_dir(d.path())
        .args(["scan", ".", "--vulns", "sbom.json"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(err.contains("neither a Trivy JSON report"), "{err}");
}
