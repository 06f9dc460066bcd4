//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning — the rule list with help,
//! full regions with snippets, provenance as related locations, stable fingerprints,
//! suppressions (superseded findings), and tool notifications for unreadable files.

use super::paths::Paths;
use crate::catalog::{RuleMeta, Severity};
use crate::finding::Finding;
use crate::source::Loc;
use crate::ScanResult;
use serde_json::{json, Value};
use std::collections::HashMap;

pub const INFORMATION_URI: &str = "https://github.com/mcp-audit/mcp-audit";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` (a CVSS-like number).
fn security_severity(s: Severity) -> Option<&'static str> {
    match s {
        Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("3.0"),
        Severity::Info => None,
    }
}

fn rule_json(r: &RuleMeta) -> Value {
    let group = r.id.split('-').nth(1).unwrap_or("").to_ascii_lowercase();
    let mut props = json!({"tags": ["security", "mcp", group], "precision": "high"});
    if let Some(s) = security_severity(r.severity) {
        props["security-severity"] = json!(s);
    }
    let help_md = format!(
        "{}\n\n**Fix:** {}\n\n{}",
        r.description,
        r.remediation,
        r.references
            .iter()
            .map(|x| format!("- {x}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    json!({
        "id": r.id,
        "name": r.title.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
        }).collect::<String>(),
        "shortDescription": {"text": r.title},
        "fullDescription": {"text": r.description},
        "help": {"text": format!("{}\n\nFix: {}", r.description, r.remediation), "markdown": help_md},
        "helpUri": format!("{INFORMATION_URI}/blob/main/docs/rules/{}.md", r.id),
        "defaultConfiguration": {"level": level(r.severity)},
        "properties": props,
    })
}

/// A SARIF region: 1-based lines and columns (Unicode code points, as declared in
/// `columnKind`), end column exclusive, with the snippet text.
fn region(loc: &Loc, snippet: Option<&str>) -> Value {
    let mut r = json!({"startLine": loc.line, "startColumn": loc.col, "endLine": loc.end_line, "endColumn": loc.end_col.max(if loc.end_line == loc.line { loc.col + 1 } else { 1 })});
    if let Some(s) = snippet {
        r["snippet"] = json!({"text": s});
    }
    r
}

fn physical(paths: &Paths, loc: &Loc, snippet: Option<&str>) -> Value {
    json!({"physicalLocation": {
        "artifactLocation": {"uri": paths.uri(&loc.file), "uriBaseId": "SRCROOT"},
        "region": region(loc, snippet),
    }})
}

pub fn render(r: &ScanResult, paths: &Paths) -> String {
    let mut sources: HashMap<String, Option<String>> = HashMap::new();
    let rule_index: HashMap<&str, usize> = r
        .rules
        .iter()
        .enumerate()
        .map(|(i, x)| (x.id.as_str(), i))
        .collect();
    let results: Vec<Value> = r
        .findings
        .iter()
        .map(|f| result_json(f, &rule_index, paths, &mut sources))
        .collect();
    let mut notifications: Vec<Value> = r
        .discovery_errors
        .iter()
        .map(|(p, e)| json!({"level": "error", "message": {"text": format!("{p}: {e}")}}))
        .collect();
    notifications.extend(r.eval_errors.iter().map(|e| {
        json!({"level": "error", "message": {"text": format!("rule {} failed on {}: {}", e.rule, e.unit, e.message)},
               "associatedRule": {"id": e.rule}})
    }));
    // Files that could not be parsed are also results (MCP-AUD-001); list them as notifications too.
    for f in r.findings.iter().filter(|f| f.rule == "MCP-AUD-001") {
        if let Some(l) = &f.location {
            notifications.push(json!({"level": "warning", "message": {"text": f.message}, "locations": [physical(paths, l, None)]}));
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "mcp-audit",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": r.rules.iter().map(rule_json).collect::<Vec<_>>(),
            }},
            "invocations": [{
                "executionSuccessful": r.eval_errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "originalUriBaseIds": {"SRCROOT": {"uri": paths.root_uri()}},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {"compliance_rate": r.project.compliance_rate, "project_score": r.project.project_score},
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

fn snippet(
    sources: &mut HashMap<String, Option<String>>,
    root: &std::path::Path,
    loc: &Loc,
) -> Option<String> {
    let text = sources
        .entry(loc.file.clone())
        .or_insert_with(|| crate::source::read_for_report(&root.join(&loc.file)))
        .as_ref()?;
    crate::secrets::masked_slice(text, loc.start, loc.end).filter(|s| !s.is_empty())
}

fn result_json(
    f: &Finding,
    rule_index: &HashMap<&str, usize>,
    paths: &Paths,
    sources: &mut HashMap<String, Option<String>>,
) -> Value {
    let mut res = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "message": {"text": f.message},
    });
    if let Some(i) = rule_index.get(f.rule.as_str()) {
        res["ruleIndex"] = json!(i);
    }
    if let Some(l) = &f.location {
        let snip = snippet(sources, paths.root(), l);
        res["locations"] = json!([physical(paths, l, snip.as_deref())]);
        res["partialFingerprints"] = json!({"mcpAudit/v1": f.fingerprint});
    }
    if !f.related.is_empty() {
        res["relatedLocations"] = Value::Array(
            f.related
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let mut v = physical(paths, l, snippet(sources, paths.root(), l).as_deref());
                    v["id"] = json!(i + 1);
                    v["message"] = json!({"text": "provenance"});
                    v
                })
                .collect(),
        );
    }
    if let Some(s) = &f.suppressed {
        res["suppressions"] =
            json!([{"kind": "external", "status": "accepted", "justification": s.justification}]);
    }
    let mut props = json!({"severity": f.severity.as_str(), "units": f.units});
    if let Some(e) = &f.evidence {
        props["evidence"] = e.clone();
    }
    res["properties"] = props;
    res
}
