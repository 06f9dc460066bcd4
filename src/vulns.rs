//! `--vulns FILE`: a vulnerability scanner report (Trivy JSON or Grype JSON), reduced to
//! what the lifecycle rules need (MCP-MD-008: fixable CRITICAL/HIGH older than the patch
//! SLA): `{provided, artifact, scanner, vulnerabilities: [{id, package, installed, fixed,
//! severity, published, target}]}`.

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

/// Read a report, Trivy's (`Results`) or Grype's (`matches`).
pub fn read(text: &str) -> Result<Value> {
    let v: Value = serde_json::from_str(text).context("not JSON")?;
    if v.get("Results").is_some() {
        read_trivy(&v)
    } else if v.get("matches").is_some() {
        read_grype(&v)
    } else {
        bail!(
            "neither a Trivy JSON report (`Results`) nor a Grype JSON report (`matches`): \
             write one with `trivy image --format json` or `grype -o json`"
        )
    }
}

/// `{ArtifactName, Results: [{Target, Vulnerabilities: [...]}]}`.
fn read_trivy(v: &Value) -> Result<Value> {
    let results = v
        .get("Results")
        .and_then(Value::as_array)
        .context("`Results` is not an array: not a Trivy JSON report")?;
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
    Ok(
        json!({"provided": true, "artifact": v.get("ArtifactName"), "scanner": "trivy", "vulnerabilities": vulns}),
    )
}

/// `{source: {type: image, target: {userInput}}, matches: [{vulnerability: {id,
/// severity, fix: {versions, state}}, artifact: {name, version, type}}]}`. Grype gives
/// no publication date: a fixable HIGH one is not judged by age (MCP-MD-008 says so).
fn read_grype(v: &Value) -> Result<Value> {
    let matches = v
        .get("matches")
        .and_then(Value::as_array)
        .context("`matches` is not an array: not a Grype JSON report")?;
    let str_at = |x: &Value, path: &[&str]| {
        path.iter()
            .try_fold(x, |x, k| x.get(k))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    // The image scanned: what was asked for, else its first tag.
    let artifact = str_at(v, &["source", "target", "userInput"]).or_else(|| {
        v.pointer("/source/target/tags/0")
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    let mut vulns = Vec::new();
    for m in matches {
        let fixed = match str_at(m, &["vulnerability", "fix", "state"]).as_deref() {
            Some("not-fixed" | "wont-fix" | "unknown") => None,
            _ => m
                .pointer("/vulnerability/fix/versions/0")
                .and_then(Value::as_str)
                .filter(|f| !f.is_empty())
                .map(str::to_string),
        };
        vulns.push(json!({
            "id": str_at(m, &["vulnerability", "id"]),
            "package": str_at(m, &["artifact", "name"]),
            "installed": str_at(m, &["artifact", "version"]),
            "fixed": fixed,
            "severity": str_at(m, &["vulnerability", "severity"]).map(|s| s.to_ascii_uppercase()),
            "published": null,
            "target": str_at(m, &["artifact", "type"]).unwrap_or_default(),
        }));
    }
    Ok(
        json!({"provided": true, "artifact": artifact, "scanner": "grype", "vulnerabilities": vulns}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_trivy_report() {
        let r = read(r#"{"ArtifactName": "ghcr.io/acme/github-mcp:1.2.0", "Results": [{"Target": "debian 12", "Vulnerabilities": [
            {"VulnerabilityID": "CVE-2025-0001", "PkgName": "openssl", "InstalledVersion": "3.0.1", "FixedVersion": "3.0.15", "Severity": "HIGH", "PublishedDate": "2025-01-10T12:00:00Z"},
            {"VulnerabilityID": "CVE-2025-0002", "PkgName": "zlib", "InstalledVersion": "1.2", "Severity": "LOW"}]}]}"#).unwrap();
        assert_eq!(r["scanner"], "trivy");
        assert_eq!(r["vulnerabilities"].as_array().unwrap().len(), 2);
        assert_eq!(r["vulnerabilities"][0]["published"], "2025-01-10");
        assert!(r["vulnerabilities"][1]["fixed"].is_null());
        assert!(read(r#"{"Results": 3}"#).is_err());
    }

    #[test]
    fn reads_a_grype_report() {
        let r = read(r#"{"matches": [
            {"vulnerability": {"id": "CVE-2025-0001", "severity": "Critical", "fix": {"versions": ["3.0.15"], "state": "fixed"}},
             "artifact": {"name": "openssl", "version": "3.0.1", "type": "deb"}},
            {"vulnerability": {"id": "GHSA-xxxx", "severity": "High", "fix": {"versions": [], "state": "not-fixed"}},
             "artifact": {"name": "left-pad", "version": "1.0.0", "type": "npm"}},
            {"vulnerability": {"id": "CVE-2025-0003", "severity": "High", "fix": {"versions": ["2.0"], "state": "wont-fix"}},
             "artifact": {"name": "zlib", "version": "1.2", "type": "deb"}}],
            "source": {"type": "image", "target": {"userInput": "ghcr.io/acme/github-mcp:1.2.0", "tags": ["ghcr.io/acme/github-mcp:1.2.0"]}}}"#).unwrap();
        assert_eq!(r["scanner"], "grype");
        assert_eq!(r["artifact"], "ghcr.io/acme/github-mcp:1.2.0");
        let v = r["vulnerabilities"].as_array().unwrap();
        assert_eq!(v.len(), 3);
        assert_eq!(
            (
                &v[0]["id"],
                &v[0]["severity"],
                &v[0]["fixed"],
                &v[0]["package"]
            ),
            (
                &json!("CVE-2025-0001"),
                &json!("CRITICAL"),
                &json!("3.0.15"),
                &json!("openssl")
            )
        );
        assert!(v[0]["published"].is_null());
        assert!(v[1]["fixed"].is_null(), "not fixed");
        assert!(v[2]["fixed"].is_null(), "won't be fixed");
    }

    #[test]
    fn other_json_is_refused() {
        let e = read("{}").unwrap_err().to_string();
        assert!(e.contains("neither a Trivy"), "{e}");
        assert!(read("not json").is_err());
        assert!(read(r#"{"matches": {}}"#).is_err());
    }
}
