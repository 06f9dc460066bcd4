//! `--vulns FILE`: a vulnerability scanner report (Trivy JSON), reduced to what the
//! lifecycle rules need (MCP-MD-008: fixable CRITICAL/HIGH older than the patch SLA).

use anyhow::{Context, Result};
use serde_json::{json, Value};

/// Read a Trivy JSON report: `{ArtifactName, Results: [{Target, Vulnerabilities: [...]}]}`.
pub fn read_trivy(text: &str) -> Result<Value> {
    let v: Value = serde_json::from_str(text).context("not JSON")?;
    let results = v
        .get("Results")
        .and_then(Value::as_array)
        .context("no `Results` array: not a Trivy JSON report")?;
    let mut vulns = Vec::new();
    for r in results {
        let target = r.get("Target").and_then(Value::as_str).unwrap_or("");
        for x in r
            .get("Vulnerabilities")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let s = |k: &str| x.get(k).and_then(Value::as_str).map(str::to_string);
            let published = s("PublishedDate").map(|d| d.chars().take(10).collect::<String>());
            vulns.push(json!({
                "id": s("VulnerabilityID"),
                "package": s("PkgName"),
                "installed": s("InstalledVersion"),
                "fixed": s("FixedVersion").filter(|f| !f.is_empty()),
                "severity": s("Severity").map(|v| v.to_ascii_uppercase()),
                "published": published,
                "target": target,
            }));
        }
    }
    Ok(json!({"provided": true, "artifact": v.get("ArtifactName"), "vulnerabilities": vulns}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_trivy_report() {
        let r = read_trivy(r#"{"ArtifactName": "ghcr.io/acme/github-mcp:1.2.0", "Results": [{"Target": "debian 12", "Vulnerabilities": [
            {"VulnerabilityID": "CVE-2025-0001", "PkgName": "openssl", "InstalledVersion": "3.0.1", "FixedVersion": "3.0.15", "Severity": "HIGH", "PublishedDate": "2025-01-10T12:00:00Z"},
            {"VulnerabilityID": "CVE-2025-0002", "PkgName": "zlib", "InstalledVersion": "1.2", "Severity": "LOW"}]}]}"#).unwrap();
        assert_eq!(r["vulnerabilities"].as_array().unwrap().len(), 2);
        assert_eq!(r["vulnerabilities"][0]["published"], "2025-01-10");
        assert!(r["vulnerabilities"][1]["fixed"].is_null());
        assert!(read_trivy("{}").is_err());
    }
}
