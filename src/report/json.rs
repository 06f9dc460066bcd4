//! `--format json`: the whole result, versioned.

use crate::ScanResult;
use serde_json::json;

/// Version of the JSON output schema; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

pub fn render(r: &ScanResult) -> String {
    let mut by_sev = serde_json::Map::new();
    for s in ["critical", "high", "medium", "low", "info"] {
        let n = r
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none() && f.severity.as_str() == s)
            .count();
        by_sev.insert(s.into(), n.into());
    }
    let doc = json!({
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "mcp-audit", "version": env!("CARGO_PKG_VERSION")},
        // The seeds' CI gate reads `.compliance_rate` at the top level.
        "compliance_rate": r.project.compliance_rate,
        "score": r.project,
        "summary": {
            "compliance_rate": r.project.compliance_rate,
            "project_score": r.project.project_score,
            "files_scanned": r.files_scanned,
            "units": r.units.len(),
            "findings": r.findings.iter().filter(|f| f.suppressed.is_none()).count(),
            "suppressed": r.findings.iter().filter(|f| f.suppressed.is_some()).count(),
            "by_severity": by_sev,
        },
        "findings": r.findings,
        "units": r.units,
        "errors": {
            "evaluation": r.eval_errors,
            "discovery": r.discovery_errors.iter().map(|(p, e)| json!({"path": p, "message": e})).collect::<Vec<_>>(),
        },
    });
    let mut s =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
