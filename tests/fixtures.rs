//! Rule fixtures: every `fixtures/<ID>/fail/<case>` reports `<ID>`, no
//! `fixtures/<ID>/pass/<case>` does; the findings (IDs and spans) of every case
//! and of every example stack are snapshotted.

mod common;

use std::fs;
use std::path::PathBuf;

fn cases(kind: &str) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let fx = common::root().join("fixtures");
    for rule in fs::read_dir(&fx).unwrap().flatten() {
        let id = rule.file_name().to_string_lossy().to_string();
        if !id.starts_with("MCP-") {
            continue;
        }
        let dir = rule.path().join(kind);
        let Ok(rd) = fs::read_dir(&dir) else { continue };
        for c in rd.flatten() {
            if c.path().is_dir() {
                out.push((id.clone(), c.path()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_rule_with_fixtures_has_both_kinds() {
    let fx = common::root().join("fixtures");
    for rule in fs::read_dir(&fx).unwrap().flatten() {
        let id = rule.file_name().to_string_lossy().to_string();
        if !id.starts_with("MCP-") {
            continue;
        }
        for kind in ["fail", "pass"] {
            let n = fs::read_dir(rule.path().join(kind))
                .map(|d| d.count())
                .unwrap_or(0);
            assert!(n > 0, "{id} has no {kind} cases");
        }
    }
}

#[test]
fn fail_cases_report_their_rule() {
    let cases = cases("fail");
    assert!(!cases.is_empty());
    let mut missing = Vec::new();
    for (id, dir) in &cases {
        let r = common::scan(dir);
        if !r
            .findings
            .iter()
            .any(|f| &f.rule == id && f.suppressed.is_none())
        {
            missing.push(format!(
                "{id}: {}\n{}",
                dir.display(),
                common::finding_lines(&r, dir)
            ));
        }
    }
    assert!(
        missing.is_empty(),
        "fail cases that did not report their rule:\n{}",
        missing.join("\n")
    );
}

#[test]
fn pass_cases_do_not_report_their_rule() {
    let cases = cases("pass");
    assert!(!cases.is_empty());
    let mut wrong = Vec::new();
    for (id, dir) in &cases {
        let r = common::scan(dir);
        if r.findings
            .iter()
            .any(|f| &f.rule == id && f.suppressed.is_none())
        {
            wrong.push(format!(
                "{id}: {}\n{}",
                dir.display(),
                common::finding_lines(&r, dir)
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "pass cases that reported their rule:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn fixture_findings_snapshot() {
    let mut all = String::new();
    for kind in ["fail", "pass"] {
        for (id, dir) in cases(kind) {
            let r = common::scan(&dir);
            let rel = dir.strip_prefix(common::root().join("fixtures")).unwrap();
            all.push_str(&format!("## {}\n", rel.display()));
            let _ = id;
            all.push_str(&common::finding_lines(&r, &dir));
        }
    }
    insta::assert_snapshot!("fixture_findings", all);
}

#[test]
fn stack_findings_snapshot() {
    let stacks = common::root().join("fixtures/stacks");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&stacks)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 3);
    for d in dirs {
        let r = common::scan(&d);
        let name = d.file_name().unwrap().to_string_lossy().to_string();
        insta::assert_snapshot!(format!("stack_{name}"), common::finding_lines(&r, &d));
    }
}
