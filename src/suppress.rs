//! Suppressions: inline `# mcp-audit ignore=…` comments, waivers from the config file,
//! and a baseline of known fingerprints. Each marks findings as suppressed (they stay in
//! every output); how each suppression was used is returned for the MCP-AUD rules.

use crate::finding::{Finding, Suppression};
use crate::source::{Loc, SourceFile, Span};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// One inline suppression comment.
#[derive(Clone, Debug, Serialize)]
pub struct Directive {
    pub rules: Vec<String>,
    pub reason: Option<String>,
    /// `ignore-file=`: every finding of these rules in the file.
    pub file_scope: bool,
    /// The 1-based line it applies to (the line itself for a trailing comment, else
    /// the next line that is neither blank nor a comment).
    pub target_line: usize,
    pub loc: Loc,
}

/// `key="quoted value"` or `key=value` in a directive.
fn attr<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let pos = text.find(&format!("{key}="))?;
    let rest = &text[pos + key.len() + 1..];
    if let Some(q) = rest.strip_prefix('"') {
        return Some(q.split('"').next().unwrap_or(""));
    }
    Some(rest.split_whitespace().next().unwrap_or(""))
}

/// Find the inline suppressions of a file (Dockerfile or YAML comments).
pub fn directives(src: &SourceFile) -> Vec<Directive> {
    let text: &str = &src.text;
    if !text.contains("mcp-audit") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let lines = src.line_count();
    for line in 1..=lines {
        let span = src.line_span(line);
        let l = &text[span.start..span.end];
        let Some(hash) = l.find('#') else { continue };
        let comment = &l[hash + 1..];
        let Some(at) = comment.find("mcp-audit ") else {
            continue;
        };
        let body = &comment[at + "mcp-audit ".len()..];
        let (file_scope, list) = if let Some(v) = attr(body, "ignore-file") {
            (true, v)
        } else if let Some(v) = attr(body, "ignore") {
            (false, v)
        } else {
            continue;
        };
        let rules: Vec<String> = list
            .split(',')
            .map(|r| r.trim().to_ascii_uppercase())
            .filter(|r| !r.is_empty())
            .collect();
        let reason = attr(body, "reason")
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string);
        let trailing = !l[..hash].trim().is_empty();
        let target_line = if trailing {
            line
        } else {
            (line + 1..=lines)
                .find(|&n| {
                    let s = src.line_span(n);
                    let t = text[s.start..s.end].trim();
                    !t.is_empty() && !t.starts_with('#')
                })
                .unwrap_or(line)
        };
        out.push(Directive {
            rules,
            reason,
            file_scope,
            target_line,
            loc: src.loc(Span::new(span.start + hash, span.end)),
        });
    }
    out
}

/// A waiver from `.mcp-audit.yaml`, with where it was written.
#[derive(Clone, Debug, Serialize)]
pub struct WaiverAt {
    pub rule: String,
    /// Glob over the finding's (root-relative) path.
    pub path: String,
    pub service: Option<String>,
    pub reason: String,
    /// `YYYY-MM-DD`; the waiver stops working after that day.
    pub expires: Option<String>,
    pub expired: bool,
    pub loc: Loc,
}

/// How a suppression fared, for the MCP-AUD rules.
#[derive(Clone, Debug, Serialize)]
pub struct Usage {
    /// `inline` or `waiver`.
    pub source: &'static str,
    pub rules: Vec<String>,
    pub reason: Option<String>,
    pub file_scope: bool,
    pub used: usize,
    /// Rules of a suppression that names several which matched no finding while the
    /// others did (`ignore=MCP-CS-004,MCP-K8-001` where only CS-004 fires).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unused_rules: Vec<String>,
    pub expired: bool,
    pub expires: Option<String>,
    pub loc: Loc,
}

/// `*` matches any run of characters except `/`, `**` any run including `/`.
pub fn glob(pattern: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8], budget: &mut u32) -> bool {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        match p.first() {
            None => t.is_empty(),
            Some(b'*') if p.get(1) == Some(&b'*') => {
                let rest = p[2..].strip_prefix(b"/").unwrap_or(&p[2..]);
                (0..=t.len()).any(|i| {
                    go(rest, &t[i..], budget)
                        || (i > 0 && t[i - 1] == b'/' && go(&p[2..], &t[i..], budget))
                })
            }
            Some(b'*') => (0..=t.len())
                .take_while(|&i| i == 0 || t[i - 1] != b'/')
                .any(|i| go(&p[1..], &t[i..], budget)),
            Some(b'?') => !t.is_empty() && t[0] != b'/' && go(&p[1..], &t[1..], budget),
            Some(c) => t.first() == Some(c) && go(&p[1..], &t[1..], budget),
        }
    }
    let mut budget = 100_000;
    go(pattern.as_bytes(), text.as_bytes(), &mut budget)
}

fn service_of(unit: &str) -> &str {
    let s = unit.rsplit('#').next().unwrap_or(unit);
    s.split('@').next().unwrap_or(s)
}

/// Mark findings suppressed by inline directives and waivers; report how each was used.
/// Findings already suppressed (superseded) are left as they are.
pub fn apply(
    findings: &mut [Finding],
    directives: &[(String, Vec<Directive>)],
    waivers: &[WaiverAt],
) -> Vec<Usage> {
    let mut usage: Vec<Usage> = Vec::new();
    // The findings each directive could apply to, by file and by line, so that a file
    // with a directive per service is not a search of every finding per directive.
    let files: HashMap<&str, usize> = directives
        .iter()
        .enumerate()
        .map(|(i, (file, _))| (file.as_str(), i))
        .collect();
    let mut by_file: Vec<Vec<usize>> = vec![Vec::new(); directives.len()];
    let mut by_line: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
    for (j, f) in findings.iter().enumerate() {
        let Some(l) = f.location.as_ref().filter(|_| f.suppressed.is_none()) else {
            continue;
        };
        if let Some(&fi) = files.get(&*l.file) {
            by_file[fi].push(j);
            by_line.entry((fi, l.line)).or_default().push(j);
        }
    }
    for (file, ds) in directives {
        let fi = files[file.as_str()];
        for d in ds {
            let mut used = 0;
            let mut hit = vec![false; d.rules.len()];
            let candidates = if d.file_scope {
                Some(&by_file[fi])
            } else {
                by_line.get(&(fi, d.target_line))
            };
            for &j in candidates.map(Vec::as_slice).unwrap_or_default() {
                let f = &mut findings[j];
                let mut matched = false;
                for (k, r) in d.rules.iter().enumerate() {
                    if r == &f.rule || r == "ALL" {
                        hit[k] = true;
                        matched = true;
                    }
                }
                if f.suppressed.is_none() && matched {
                    used += 1;
                    f.suppressed = Some(Box::new(Suppression {
                        kind: "inline",
                        justification: d
                            .reason
                            .clone()
                            .unwrap_or_else(|| "(no reason given)".into()),
                    }));
                }
            }
            usage.push(Usage {
                source: "inline",
                rules: d.rules.clone(),
                reason: d.reason.clone(),
                file_scope: d.file_scope,
                used,
                unused_rules: if used > 0 {
                    d.rules
                        .iter()
                        .zip(&hit)
                        .filter(|(_, h)| !**h)
                        .map(|(r, _)| r.clone())
                        .collect()
                } else {
                    Vec::new()
                },
                expired: false,
                expires: None,
                loc: d.loc.clone(),
            });
        }
    }
    // Each finding goes to the first waiver, in the config's order, that covers it. The
    // waivers that could are looked up by rule (and service), so a waiver per service
    // is not a search of every finding per waiver.
    let mut by_rule: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_service: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, w) in waivers.iter().enumerate().filter(|(_, w)| !w.expired) {
        match &w.service {
            None => by_rule.entry(&w.rule).or_default().push(i),
            Some(s) => by_service.entry((&w.rule, s)).or_default().push(i),
        }
    }
    let mut used = vec![0; waivers.len()];
    let mut candidates: Vec<usize> = Vec::new();
    for f in findings.iter_mut().filter(|f| f.suppressed.is_none()) {
        candidates.clear();
        candidates.extend(by_rule.get(f.rule.as_str()).into_iter().flatten());
        for u in &f.units {
            candidates.extend(
                by_service
                    .get(&(f.rule.as_str(), service_of(u)))
                    .into_iter()
                    .flatten(),
            );
        }
        if candidates.is_empty() {
            continue;
        }
        candidates.sort_unstable();
        candidates.dedup();
        let covers = |w: &WaiverAt| {
            f.location.as_ref().is_some_and(|l| glob(&w.path, &l.file))
                || f.units
                    .iter()
                    .any(|u| glob(&w.path, u.split('#').next().unwrap_or(u)))
        };
        if let Some(&i) = candidates.iter().find(|&&i| covers(&waivers[i])) {
            let w = &waivers[i];
            used[i] += 1;
            f.suppressed = Some(Box::new(Suppression {
                kind: "waiver",
                justification: format!(
                    "{}{}",
                    w.reason,
                    w.expires
                        .as_ref()
                        .map(|e| format!(" (waived until {e})"))
                        .unwrap_or_default()
                ),
            }));
        }
    }
    for (w, used) in waivers.iter().zip(used) {
        usage.push(Usage {
            source: "waiver",
            rules: vec![w.rule.clone()],
            reason: Some(w.reason.clone()).filter(|r| !r.trim().is_empty()),
            file_scope: false,
            used,
            unused_rules: Vec::new(),
            expired: w.expired,
            expires: w.expires.clone(),
            loc: w.loc.clone(),
        });
    }
    usage
}

/// Mark findings whose fingerprint is in the baseline.
pub fn apply_baseline(findings: &mut [Finding], known: &BTreeSet<String>) -> usize {
    let mut n = 0;
    for f in findings.iter_mut().filter(|f| f.suppressed.is_none()) {
        if known.contains(&f.fingerprint) {
            f.suppressed = Some(Box::new(Suppression {
                kind: "baseline",
                justification: "present in the baseline".into(),
            }));
            n += 1;
        }
    }
    n
}

/// Fingerprints from a previous run: `--format json` output (`findings[].fingerprint`)
/// or SARIF (`results[].partialFingerprints["mcpAudit/v1"]`).
pub fn read_baseline(text: &str) -> Result<BTreeSet<String>, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let mut out = BTreeSet::new();
    if let Some(runs) = v.get("runs").and_then(|r| r.as_array()) {
        for run in runs {
            for r in run
                .get("results")
                .and_then(|r| r.as_array())
                .into_iter()
                .flatten()
            {
                if let Some(fp) = r
                    .pointer("/partialFingerprints/mcpAudit~1v1")
                    .and_then(|f| f.as_str())
                {
                    out.insert(fp.to_string());
                }
            }
        }
    } else if let Some(fs) = v.get("findings").and_then(|f| f.as_array()) {
        for f in fs {
            if let Some(fp) = f.get("fingerprint").and_then(|x| x.as_str()) {
                out.insert(fp.to_string());
            }
        }
    } else {
        return Err("neither a SARIF log nor mcp-audit JSON output".into());
    }
    Ok(out)
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_date((secs / 86_400) as i64)
}

/// The current time as an RFC 3339 UTC timestamp without fractions.
pub fn timestamp_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    timestamp(secs as i64)
}

/// Seconds since the epoch → `YYYY-MM-DDThh:mm:ssZ`.
pub fn timestamp(secs: i64) -> String {
    let day = secs.div_euclid(86_400);
    let s = secs.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        civil_date(day),
        s / 3600,
        (s % 3600) / 60,
        s % 60
    )
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (Howard Hinnant's algorithm).
pub fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    format!("{:04}-{:02}-{:02}", if m <= 2 { y + 1 } else { y }, m, d)
}

/// A valid `YYYY-MM-DD`.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&s[5..7].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u32>().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directive_forms() {
        let src = SourceFile::from_str(
            "compose.yaml",
            "services:\n  # mcp-audit ignore=MCP-CS-004 reason=\"limits set by the orchestrator\"\n\n  web:\n    privileged: true  # mcp-audit ignore=mcp-cs-001,MCP-EC-001\n# mcp-audit ignore-file=MCP-SC-001 reason=pinned-by-renovate\n",
        );
        let d = directives(&src);
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].target_line, 4);
        assert_eq!(
            d[0].reason.as_deref(),
            Some("limits set by the orchestrator")
        );
        assert_eq!(d[1].target_line, 5);
        assert_eq!(d[1].rules, vec!["MCP-CS-001", "MCP-EC-001"]);
        assert!(d[1].reason.is_none());
        assert!(d[2].file_scope);
        assert_eq!(d[2].reason.as_deref(), Some("pinned-by-renovate"));
        assert_eq!(d[0].loc.line, 2);
    }

    /// A finding of `rule` at `file:line`, suppressed as `kind` if given.
    fn finding_at(rule: &str, file: &str, line: usize, kind: Option<&'static str>) -> Finding {
        let mut loc = Loc::file_start(file.to_string());
        loc.line = line;
        loc.end_line = line;
        Finding {
            rule: rule.into(),
            severity: crate::catalog::Severity::Medium,
            title: "t".into(),
            message: "m".into(),
            location: Some(loc),
            related: Vec::new(),
            units: vec![format!("{file}#web").into()],
            help: "h".into(),
            evidence: None,
            suppressed: kind.map(|kind| {
                Box::new(Suppression {
                    kind,
                    justification: String::new(),
                })
            }),
            fingerprint: String::new(),
            snippet: None,
        }
    }

    #[test]
    fn directives_apply_to_their_file_and_line_in_order() {
        let src = SourceFile::from_str(
            "a.yaml",
            concat!(
                "services:\n",
                "  web:  # mcp-audit ignore=MCP-CS-001,MCP-CS-002 reason=first\n",
                "    x: 1  # mcp-audit ignore=ALL reason=all\n",
                "# mcp-audit ignore-file=MCP-CS-003 reason=file\n",
                "  db:  # mcp-audit ignore=MCP-CS-001 reason=second\n",
            ),
        );
        let ds = directives(&src);
        // `web` on line 2 carries two directives' worth: the first one to match wins.
        let extra = Directive {
            reason: Some("later".into()),
            ..ds[0].clone()
        };
        let directives = vec![
            ("a.yaml".to_string(), ds.clone()),
            ("b.yaml".to_string(), vec![extra.clone()]),
            ("a.yaml".to_string(), vec![extra]),
        ];
        let mut findings = vec![
            finding_at("MCP-CS-001", "a.yaml", 2, None),
            finding_at("MCP-CS-002", "a.yaml", 2, Some("superseded")),
            finding_at("MCP-CS-004", "a.yaml", 2, None),
            finding_at("MCP-CS-004", "a.yaml", 3, None),
            finding_at("MCP-CS-003", "a.yaml", 9, None),
            finding_at("MCP-CS-001", "b.yaml", 5, None),
            finding_at("MCP-CS-001", "a.yaml", 5, None),
            finding_at("MCP-CS-002", "a.yaml", 5, None),
        ];
        let usage = apply(&mut findings, &directives, &[]);
        let how: Vec<(&str, &str)> = findings
            .iter()
            .map(|f| {
                f.suppressed
                    .as_ref()
                    .map_or(("-", "-"), |s| (s.kind, s.justification.as_str()))
            })
            .collect();
        assert_eq!(
            how,
            [
                ("inline", "first"),
                ("superseded", ""),
                ("-", "-"),
                ("inline", "all"),
                ("inline", "file"),
                ("-", "-"),
                ("inline", "second"),
                ("-", "-"),
            ]
        );
        let used: Vec<usize> = usage.iter().map(|u| u.used).collect();
        // a.yaml's four directives, then the copy in b.yaml (line 2 there holds nothing)
        // and the copy in a.yaml (whose finding is already suppressed).
        assert_eq!(used, [1, 1, 1, 1, 0, 0]);
    }

    #[test]
    fn globs() {
        assert!(glob(
            "stacks/**/docker-compose.yml",
            "stacks/a/b/docker-compose.yml"
        ));
        assert!(glob("**/Dockerfile", "Dockerfile"));
        assert!(glob("*.yml", "a.yml"));
        assert!(!glob("*.yml", "x/a.yml"));
        assert!(glob("servers/*/Dockerfile", "servers/github/Dockerfile"));
    }

    #[test]
    fn dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_454), "2026-01-01");
        assert!(is_date("2026-01-31"));
        assert!(!is_date("2026-13-01"));
        assert!(!is_date("26-01-01"));
        assert!(today().as_str() > "2024-01-01");
    }

    #[test]
    fn baselines() {
        let json = r#"{"findings": [{"fingerprint": "a"}, {"fingerprint": "b"}]}"#;
        assert_eq!(read_baseline(json).unwrap().len(), 2);
        let sarif = r#"{"runs": [{"results": [{"partialFingerprints": {"mcpAudit/v1": "c"}}]}]}"#;
        assert!(read_baseline(sarif).unwrap().contains("c"));
        assert!(read_baseline("{}").is_err());
    }

    #[test]
    fn each_finding_goes_to_the_first_waiver_that_covers_it() {
        let waiver = |rule: &str, path: &str, service: Option<&str>, reason: &str| WaiverAt {
            rule: rule.into(),
            path: path.into(),
            service: service.map(str::to_string),
            reason: reason.into(),
            expires: None,
            expired: false,
            loc: Loc::file_start(".mcp-audit.yaml"),
        };
        let waivers = vec![
            waiver("MCP-CS-001", "a.yaml", Some("web"), "w0"),
            waiver("MCP-CS-001", "**", None, "w1"),
            waiver("MCP-CS-001", "a.yaml", Some("web"), "w2"),
            waiver("MCP-CS-002", "b.yaml", None, "w3"),
            WaiverAt {
                expired: true,
                ..waiver("MCP-CS-003", "**", None, "w4")
            },
            waiver("MCP-CS-004", "c.yaml", Some("db"), "w5"),
        ];
        let on = |rule: &str, file: &str, service: &str| {
            let mut f = finding_at(rule, file, 1, None);
            f.units = vec![format!("{file}#{service}@prod").into()];
            f
        };
        let mut findings = vec![
            on("MCP-CS-001", "a.yaml", "web"),
            on("MCP-CS-001", "a.yaml", "db"),
            on("MCP-CS-001", "b.yaml", "web"),
            on("MCP-CS-002", "a.yaml", "web"),
            on("MCP-CS-002", "b.yaml", "web"),
            on("MCP-CS-003", "a.yaml", "web"),
            finding_at("MCP-CS-001", "a.yaml", 1, Some("inline")),
            // Raised for two units: the second one's service is the waiver's.
            Finding {
                units: vec!["c.yaml#web".into(), "c.yaml#db".into()],
                ..on("MCP-CS-004", "c.yaml", "web")
            },
        ];
        let usage = apply(&mut findings, &[], &waivers);
        let how: Vec<&str> = findings
            .iter()
            .map(|f| {
                f.suppressed.as_ref().map_or("-", |s| match s.kind {
                    "waiver" => s.justification.as_str(),
                    other => other,
                })
            })
            .collect();
        assert_eq!(how, ["w0", "w1", "w1", "-", "w3", "-", "inline", "w5"]);
        let used: Vec<usize> = usage.iter().map(|u| u.used).collect();
        assert_eq!(used, [1, 2, 0, 1, 0, 1]);
        assert!(usage.iter().all(|u| u.source == "waiver"));
        assert!(usage[4].expired);
    }
}
