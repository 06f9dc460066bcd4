//! Findings: a rule's raw Rego result joined with the rule's metadata and the unit.

use crate::catalog::{RuleMeta, Severity};
use crate::rego_value::field;
use crate::resolve::Unit;
use crate::source::Loc;
use serde::Serialize;

/// Why a finding does not count.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Suppression {
    /// `superseded` (DF rule replaced by its EC rule on a bound service), `inline`
    /// (`# mcp-audit ignore=`), `waiver` (config) or `baseline`.
    pub kind: &'static str,
    pub justification: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub title: std::sync::Arc<str>,
    pub message: String,
    pub location: Option<Loc>,
    /// Provenance: the other places that made the value what it is.
    pub related: Vec<Loc>,
    /// The units that raised it (their ids, shared with every finding of the unit).
    pub units: Vec<std::sync::Arc<str>>,
    pub help: std::sync::Arc<str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Box<serde_json::Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Box<Suppression>>,
    /// Stable identity across runs (see `report::fingerprint`).
    pub fingerprint: String,
    /// The flagged text, secrets masked (what the fingerprint hashes; SARIF quotes it).
    #[serde(skip)]
    pub snippet: Option<String>,
}

/// A location object (`file`, `line`, optional `col`, `end_line`, `end_col`, `start`,
/// `end`), read in one pass over its keys.
fn loc_from(v: &regorus::Value) -> Option<Loc> {
    let regorus::Value::Object(o) = v else {
        return None;
    };
    let mut file = None;
    let mut n: [Option<usize>; 6] = [None; 6];
    for (k, x) in o.iter() {
        let regorus::Value::String(k) = k else {
            continue;
        };
        let i = match k.as_ref() {
            "file" => {
                // (Rego strings are shared: the location keeps the input's.)
                file = x.as_string().ok().cloned();
                continue;
            }
            "line" => 0,
            "col" => 1,
            "end_line" => 2,
            "end_col" => 3,
            "start" => 4,
            "end" => 5,
            _ => continue,
        };
        n[i] = x.as_u64().ok().map(|x| x as usize);
    }
    let [line, col, end_line, end_col, start, end] = n;
    Some(Loc {
        file: file?,
        line: line?,
        col: col.unwrap_or(1),
        end_line: end_line.or(line)?,
        end_col: end_col.or(col).unwrap_or(1),
        start: start.unwrap_or(0),
        end: end.unwrap_or(0),
    })
}

/// Build a finding from one object of a rule's `deny` set, read from the Rego value
/// (only its `evidence` becomes JSON); an error when that evidence cannot be written
/// as JSON.
pub fn from_result(
    rule: &RuleMeta,
    unit: &Unit,
    unit_id: &std::sync::Arc<str>,
    result: &regorus::Value,
) -> Result<Finding, String> {
    let msg = field(result, "msg")
        .and_then(|m| m.as_string().ok())
        .map(|m| m.to_string())
        .unwrap_or_else(|| rule.title.to_string());
    let location = field(result, "loc").and_then(loc_from);
    let mut related: Vec<Loc> = match field(result, "related") {
        Some(regorus::Value::Array(a)) => a.iter().filter_map(loc_from).collect(),
        // (A set is written as an array.)
        Some(regorus::Value::Set(s)) => s.iter().filter_map(loc_from).collect(),
        _ => Vec::new(),
    };
    related.retain(|r| Some(r) != location.as_ref());
    related.dedup();
    let evidence = field(result, "evidence")
        .map(|v| serde_json::to_value(v).map(Box::new))
        .transpose()
        .map_err(|e| e.to_string())?;
    let suppressed = match &rule.superseded_by {
        Some(by) if unit.kind == "compose_service" => Some(Box::new(Suppression {
            kind: "superseded",
            justification: format!(
                "superseded by {by}: the image is judged as run by Compose service {:?}",
                unit.name
            ),
        })),
        _ => None,
    };
    Ok(Finding {
        rule: rule.id.clone(),
        severity: rule.severity,
        title: rule.title.clone(),
        message: msg,
        location,
        related,
        units: vec![unit_id.clone()],
        help: rule.remediation.clone(),
        evidence,
        suppressed,
        fingerprint: String::new(),
        snippet: None,
    })
}

/// Set a finding's snippet and fingerprint from `text`, the source of the file it is
/// located in, masked on its lines (`None` when that file cannot be read: the message
/// is hashed instead).
pub fn fingerprint(f: &mut Finding, text: Option<&crate::secrets::MaskedText>) {
    let Some(loc) = &f.location else {
        f.fingerprint = crate::report::fingerprint::of(f, &f.message, "");
        return;
    };
    // Masked: a fingerprint must not be a hash of a secret.
    f.snippet = text
        .and_then(|t| t.get(loc.start, loc.end))
        .map(str::to_string);
    f.fingerprint =
        crate::report::fingerprint::of(f, f.snippet.as_deref().unwrap_or(&f.message), &loc.file);
}

/// Merge identical findings (same rule, location and message) raised for several units,
/// and sort by file, line, column, rule.
pub fn dedupe_and_sort(mut findings: Vec<Finding>) -> Vec<Finding> {
    fn key(f: &Finding) -> (&Option<Loc>, &String, &String, bool) {
        (&f.location, &f.rule, &f.message, f.suppressed.is_some())
    }
    // The stable order (equal keys keep their order), got by sorting positions and
    // moving each finding once: a stable sort of the findings themselves would take a
    // scratch copy of half of them (77,384 findings: 10 MB).
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_unstable_by(|&a, &b| key(&findings[a]).cmp(&key(&findings[b])).then(a.cmp(&b)));
    permute(&mut findings, order);
    // In place: a second list as long as the first would double the findings' share
    // of the peak memory (140,000 findings: 51 MB).
    findings.dedup_by(|f, last| {
        let same = last.rule == f.rule
            && last.location == f.location
            && last.message == f.message
            && last.suppressed == f.suppressed;
        if same {
            for u in std::mem::take(&mut f.units) {
                if !last.units.contains(&u) {
                    last.units.push(u);
                }
            }
        }
        same
    });
    findings
}

/// Reorder `v` so that `v[i]` becomes the element that was at `order[i]` (`order` a
/// permutation of `0..v.len()`), by swaps along each cycle.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    const DONE: usize = usize::MAX;
    for start in 0..v.len() {
        let mut at = start;
        // The element first at `start` travels along the cycle to where it belongs.
        while order[at] != DONE {
            let from = order[at];
            order[at] = DONE;
            if from == start {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scan holds every finding until the reports are written (77,384 on the
    /// Dockerfiles of the corpus four times over): the rarely-set parts are boxed.
    #[test]
    fn a_finding_holds_little_inline() {
        assert!(
            std::mem::size_of::<Finding>() <= 272,
            "Finding: {}",
            std::mem::size_of::<Finding>()
        );
    }

    #[test]
    fn permute_moves_each_element_to_its_place() {
        // Every permutation of five elements, against the obvious copy.
        fn all(n: usize) -> Vec<Vec<usize>> {
            if n == 0 {
                return vec![Vec::new()];
            }
            let mut out = Vec::new();
            for p in all(n - 1) {
                for i in 0..n {
                    let mut q = p.clone();
                    q.insert(i, n - 1);
                    out.push(q);
                }
            }
            out
        }
        let perms = all(5);
        assert_eq!(perms.len(), 120);
        for order in perms {
            let base: Vec<String> = (0..5).map(|i| format!("x{i}")).collect();
            let expected: Vec<String> = order.iter().map(|&i| base[i].clone()).collect();
            let mut v = base.clone();
            permute(&mut v, order.clone());
            assert_eq!(v, expected, "order {order:?}");
        }
    }

    fn finding(rule: &str, line: usize, message: &str, unit: &str, inline: bool) -> Finding {
        let mut loc = Loc::file_start("compose.yaml");
        (loc.line, loc.end_line) = (line, line);
        Finding {
            rule: rule.into(),
            severity: Severity::Medium,
            title: "t".into(),
            message: message.into(),
            location: Some(loc),
            related: Vec::new(),
            units: vec![unit.into()],
            help: "h".into(),
            evidence: None,
            suppressed: inline.then(|| {
                Box::new(Suppression {
                    kind: "inline",
                    justification: String::new(),
                })
            }),
            fingerprint: String::new(),
            snippet: None,
        }
    }

    /// A `deny` item is read from its Rego value as its JSON would read: `related` as
    /// an array or a set, whole-number floats as integers, `col` and `end_*` defaulted,
    /// the related location equal to the finding's own dropped; a non-object item gets
    /// the rule's title and no location.
    #[test]
    fn a_result_is_read_from_its_rego_value() {
        let rule = RuleMeta {
            id: "MCP-X-001".into(),
            title: "Title".into(),
            description: String::new(),
            severity: Severity::High,
            kinds: vec!["compose_service".into()],
            superseded_by: None,
            remediation: "Fix it".into(),
            references: Vec::new(),
            package: "x".into(),
            source: "x.rego".into(),
            has_applicable: false,
            has_indeterminate: false,
        };
        let unit = Unit {
            id: "compose.yaml#web".into(),
            name: "web".into(),
            kind: "compose_service",
            role: crate::resolve::Role::McpServer,
            input: crate::resolve::Input::Doc(crate::resolve::Doc::from(serde_json::json!({}))),
        };
        let value = |json: &str| regorus::Value::from_json_str(json).unwrap();
        let mut result = value(
            r#"{"msg": "m", "loc": {"file": "compose.yaml", "line": 3.0, "start": 10, "end": 12},
                "related": [{"file": "Dockerfile", "line": 2, "col": 5}, {"file": "compose.yaml", "line": 3, "start": 10, "end": 12}],
                "evidence": {"k": [1, "v", null]}}"#,
        );
        let f = from_result(&rule, &unit, &unit.id.as_str().into(), &result).unwrap();
        assert_eq!(f.message, "m");
        let loc = f.location.clone().unwrap();
        assert_eq!(
            (&*loc.file, loc.line, loc.col, loc.end_line, loc.end_col),
            ("compose.yaml", 3, 1, 3, 1)
        );
        assert_eq!((loc.start, loc.end), (10, 12));
        assert_eq!(f.related.len(), 1);
        assert_eq!(
            (
                &*f.related[0].file,
                f.related[0].line,
                f.related[0].col,
                f.related[0].end_col
            ),
            ("Dockerfile", 2, 5, 5)
        );
        assert_eq!(
            f.evidence.as_deref(),
            Some(&serde_json::json!({"k": [1, "v", null]}))
        );
        assert_eq!(
            f.units,
            vec![std::sync::Arc::<str>::from("compose.yaml#web")]
        );
        // The same related locations as a set.
        if let regorus::Value::Object(o) = &mut result {
            let related = o.get(&value(r#""related""#)).cloned().unwrap();
            let set: std::collections::BTreeSet<regorus::Value> =
                related.as_array().unwrap().iter().cloned().collect();
            std::sync::Arc::make_mut(o).insert(value(r#""related""#), regorus::Value::from(set));
        }
        let g = from_result(&rule, &unit, &unit.id.as_str().into(), &result).unwrap();
        assert_eq!(g.related, f.related);
        // A fractional or negative line is no line: no location.
        for bad in ["3.5", "-1", "\"3\""] {
            let r = value(&format!(r#"{{"loc": {{"file": "a", "line": {bad}}}}}"#));
            assert_eq!(
                from_result(&rule, &unit, &unit.id.as_str().into(), &r)
                    .unwrap()
                    .location,
                None,
                "{bad}"
            );
        }
        let plain =
            from_result(&rule, &unit, &unit.id.as_str().into(), &value(r#""text""#)).unwrap();
        assert_eq!(
            (plain.message.as_str(), plain.location, plain.evidence),
            ("Title", None, None)
        );
    }

    /// A finding raised for several units (one Dockerfile built by two services) is
    /// reported once, for all of them, each unit once; a different message, rule or
    /// suppression keeps findings apart; the order is by location, then rule.
    #[test]
    fn identical_findings_merge_their_units() {
        let out = dedupe_and_sort(vec![
            finding("MCP-DF-001", 3, "root", "b", false),
            finding("MCP-DF-002", 1, "x", "a", false),
            finding("MCP-DF-001", 3, "root", "a", false),
            finding("MCP-DF-001", 3, "root", "b", false),
            finding("MCP-DF-001", 3, "root", "c", true),
            finding("MCP-DF-001", 3, "other", "a", false),
            finding("MCP-DF-001", 1, "x", "a", false),
            finding("MCP-DF-001", 3, "root", "c", false),
        ]);
        let shown: Vec<(&str, usize, &str, bool, Vec<&str>)> = out
            .iter()
            .map(|f| {
                (
                    f.rule.as_str(),
                    f.location.as_ref().map_or(0, |l| l.line),
                    f.message.as_str(),
                    f.suppressed.is_some(),
                    f.units.iter().map(|u| &**u).collect(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                ("MCP-DF-001", 1, "x", false, vec!["a"]),
                ("MCP-DF-002", 1, "x", false, vec!["a"]),
                ("MCP-DF-001", 3, "other", false, vec!["a"]),
                ("MCP-DF-001", 3, "root", false, vec!["b", "a", "c"]),
                ("MCP-DF-001", 3, "root", true, vec!["c"]),
            ]
        );
    }
}
