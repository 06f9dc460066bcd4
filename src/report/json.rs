//! `--format json`: the whole result, versioned.

use crate::finding::Finding;
use crate::score::ProjectScore;
use crate::ScanResult;
use crate::{EvalError, UnitSummary};
use serde::Serialize;
use serde_json::{json, Value};

/// Version of the JSON output schema; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// The document; findings and units are borrowed, so they are written without a copy.
#[derive(Serialize)]
struct Doc<'a> {
    schema_version: u32,
    tool: Value,
    /// The seeds' CI gate reads `.compliance_rate` at the top level.
    compliance_rate: f64,
    score: &'a ProjectScore,
    summary: Value,
    findings: &'a [Finding],
    units: &'a [UnitSummary],
    errors: Errors<'a>,
}

#[derive(Serialize)]
struct Errors<'a> {
    evaluation: &'a [EvalError],
    discovery: Vec<Value>,
}

/// Write the document to `w` as it is serialized.
pub fn write(r: &ScanResult, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    use std::io::Write;
    let mut by_sev = serde_json::Map::new();
    for s in ["critical", "high", "medium", "low", "info"] {
        let n = r
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none() && f.severity.as_str() == s)
            .count();
        by_sev.insert(s.into(), n.into());
    }
    let doc = Doc {
        schema_version: SCHEMA_VERSION,
        tool: json!({"name": "mcp-audit", "version": env!("CARGO_PKG_VERSION")}),
        compliance_rate: r.project.compliance_rate,
        score: &r.project,
        summary: json!({
            "compliance_rate": r.project.compliance_rate,
            "project_score": r.project.project_score,
            "files_scanned": r.files_scanned,
            "units": r.units.len(),
            "findings": r.findings.iter().filter(|f| f.suppressed.is_none()).count(),
            "suppressed": r.findings.iter().filter(|f| f.suppressed.is_some()).count(),
            "by_severity": by_sev,
        }),
        findings: &r.findings,
        units: &r.units,
        errors: Errors {
            evaluation: &r.eval_errors,
            discovery: r
                .discovery_errors
                .iter()
                .map(|(p, e)| json!({"path": p, "message": e}))
                .collect(),
        },
    };
    // (Through a buffer of a known type: the printer's many small writes are copies,
    // not calls through `dyn Write`.)
    let mut w = std::io::BufWriter::with_capacity(1 << 16, w);
    serde_json::to_writer_pretty(&mut w, &doc)?;
    w.write_all(b"\n")?;
    w.flush()
}

/// The document as text.
pub fn render(r: &ScanResult) -> String {
    let mut out = Vec::new();
    match write(r, &mut out) {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(e) => format!("{{\"error\": \"{e}\"}}\n"),
    }
}
