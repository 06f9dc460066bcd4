//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning — the rule list with help,
//! full regions with snippets, provenance as related locations, stable fingerprints,
//! suppressions (superseded findings), and tool notifications for unreadable files.

use super::paths::Paths;
use crate::catalog::{RuleMeta, Severity};
use crate::finding::Finding;
use crate::source::Loc;
use crate::ScanResult;
use serde::Serialize;
use serde_json::{json, Value};
use std::borrow::Cow;
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
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region<'a> {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Text<'a>>,
}

fn region<'a>(loc: &Loc, snippet: Option<Cow<'a, str>>) -> Region<'a> {
    Region {
        start_line: loc.line,
        start_column: loc.col,
        end_line: loc.end_line,
        end_column: loc.end_col.max(if loc.end_line == loc.line {
            loc.col + 1
        } else {
            1
        }),
        snippet: snippet.map(|text| Text { text }),
    }
}

/// `{"text": …}` (messages and snippets).
#[derive(Serialize)]
struct Text<'a> {
    text: Cow<'a, str>,
}

impl<'a> Text<'a> {
    fn of(text: &'a str) -> Self {
        Text {
            text: Cow::Borrowed(text),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation,
    region: Region<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

fn physical<'a>(paths: &Paths, loc: &Loc, snippet: Option<Cow<'a, str>>) -> Physical<'a> {
    Physical {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: paths.uri(&loc.file),
                uri_base_id: "SRCROOT",
            },
            region: region(loc, snippet),
        },
    }
}

/// The document as text.
pub fn render(r: &ScanResult, paths: &Paths) -> String {
    super::to_string(|w| write(r, paths, w))
}

/// Write the document to `w` as it is built: the results a chunk at a time.
pub fn write(r: &ScanResult, paths: &Paths, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let rule_index: HashMap<&str, usize> = r
        .rules
        .iter()
        .enumerate()
        .map(|(i, x)| (x.id.as_str(), i))
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
    // The results are written as they are built, a chunk at a time, where the document
    // has a placeholder: a scan with many findings does not hold their text all at once.
    let doc = Sarif {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: json!({"driver": {
                "name": "mcp-audit",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": r.rules.iter().map(rule_json).collect::<Vec<_>>(),
            }}),
            invocations: json!([{
                "executionSuccessful": r.eval_errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }]),
            original_uri_base_ids: json!({"SRCROOT": {"uri": paths.root_uri()}}),
            column_kind: "unicodeCodePoints",
            results: RESULTS_PLACEHOLDER,
            properties: json!({"compliance_rate": r.project.compliance_rate, "project_score": r.project.project_score}),
        }],
    };
    let text = serde_json::to_vec_pretty(&doc)?;
    // (Found as a key and its value: inside a JSON string its quotes would be escaped.
    // Searched from the end: only `properties` follows it.)
    let placeholder = format!("\"results\": \"{RESULTS_PLACEHOLDER}\"");
    let at = text
        .windows(placeholder.len())
        .rposition(|x| x == placeholder.as_bytes())
        .ok_or_else(|| std::io::Error::other("SARIF results placeholder not found"))?;
    w.write_all(&text[..at + "\"results\": ".len()])?;
    let results = Results {
        findings: &r.findings,
        rule_index: &rule_index,
        paths,
    };
    results.write(w)?;
    w.write_all(&text[at + placeholder.len()..])?;
    w.write_all(b"\n")
}

/// Where the results go in the document's text.
const RESULTS_PLACEHOLDER: &str = "@@mcp-audit results@@";

#[derive(serde::Serialize)]
struct Sarif {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Value,
    invocations: Value,
    original_uri_base_ids: Value,
    column_kind: &'static str,
    /// `RESULTS_PLACEHOLDER`, replaced by the results as they are written.
    results: &'static str,
    properties: Value,
}

/// The results, turned into JSON a chunk at a time as they are written (in parallel
/// within a chunk): only one chunk's JSON values and source texts exist at once.
struct Results<'a> {
    findings: &'a [Finding],
    rule_index: &'a HashMap<&'a str, usize>,
    paths: &'a Paths,
}

/// The indentation of a result (`runs[0].results[i]` in the pretty-printed document),
/// and of the array's closing bracket.
const RESULT_INDENT: &[u8] = b"        ";
const RESULTS_END_INDENT: &[u8] = b"      ";

/// The source texts of the files a chunk's related locations point at (for snippets).
type Sources = HashMap<String, Option<crate::secrets::MaskedText>>;

/// One chunk's results as JSON text.
type Rendered = std::io::Result<Vec<Vec<u8>>>;

/// `serde_json`'s pretty printing (two spaces a level) of a value that sits at the
/// depth of `runs[0].results[i]` in the document.
#[derive(Default)]
struct ResultFormatter {
    /// Levels open inside the result.
    depth: usize,
    /// The innermost open array or object has an entry.
    has_value: bool,
}

impl ResultFormatter {
    fn line_break<W: ?Sized + std::io::Write>(
        &self,
        w: &mut W,
        comma: bool,
    ) -> std::io::Result<()> {
        w.write_all(if comma { b",\n" } else { b"\n" })?;
        w.write_all(RESULT_INDENT)?;
        (0..self.depth).try_for_each(|_| w.write_all(b"  "))
    }

    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line_break(w, false)?;
        }
        w.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for ResultFormatter {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.line_break(w, !first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.line_break(w, !first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

impl Results<'_> {
    /// Render a chunk's results in parallel. A result quotes its finding's snippet;
    /// the texts of the related locations (provenance) are read here.
    fn render(&self, chunk: &[Finding]) -> Rendered {
        use rayon::prelude::*;
        let sources: Sources =
            crate::source::read_masked(self.paths.root(), chunk.iter().flat_map(|f| &f.related));
        chunk
            .par_iter()
            .map(|f| {
                let v = result_json(f, self.rule_index, self.paths, &sources);
                // As the document's pretty printer would write it at its depth.
                let mut text = Vec::new();
                let mut ser =
                    serde_json::Serializer::with_formatter(&mut text, ResultFormatter::default());
                v.serialize(&mut ser)?;
                Ok(text)
            })
            .collect()
    }

    /// The results array, as `serde_json`'s pretty printer writes it at its depth,
    /// chunk by chunk (`super::write_chunked`).
    fn write(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        w.write_all(b"[")?;
        let mut first = true;
        super::write_chunked(
            self.findings,
            |c| self.render(c),
            |texts: Rendered| {
                texts?.iter().try_for_each(|t| {
                    w.write_all(if std::mem::take(&mut first) {
                        b"\n"
                    } else {
                        b",\n"
                    })?;
                    w.write_all(RESULT_INDENT)?;
                    w.write_all(t)
                })
            },
        )?;
        if !first {
            w.write_all(b"\n")?;
            w.write_all(RESULTS_END_INDENT)?;
        }
        w.write_all(b"]")
    }
}

fn snippet(sources: &Sources, loc: &Loc) -> Option<String> {
    let text = sources.get(&*loc.file)?.as_ref()?;
    text.get(loc.start, loc.end)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// One SARIF result. Fields serialize in this order, the optional ones only when
/// present.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    level: &'static str,
    message: Text<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    locations: Option<[Physical<'a>; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    partial_fingerprints: Option<Fingerprints<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Related<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[Suppression<'a>; 1]>,
    properties: Properties<'a>,
}

#[derive(Serialize)]
struct Fingerprints<'a> {
    #[serde(rename = "mcpAudit/v1")]
    v1: &'a str,
}

/// A provenance location.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Related<'a> {
    physical_location: PhysicalLocation<'a>,
    id: usize,
    message: Text<'static>,
}

#[derive(Serialize)]
struct Suppression<'a> {
    kind: &'static str,
    status: &'static str,
    justification: &'a str,
}

#[derive(Serialize)]
struct Properties<'a> {
    severity: &'static str,
    units: &'a [std::sync::Arc<str>],
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<&'a Value>,
}

fn result_json<'a>(
    f: &'a Finding,
    rule_index: &HashMap<&str, usize>,
    paths: &Paths,
    sources: &Sources,
) -> SarifResult<'a> {
    SarifResult {
        rule_id: &f.rule,
        level: level(f.severity),
        message: Text::of(&f.message),
        rule_index: rule_index.get(f.rule.as_str()).copied(),
        locations: f.location.as_ref().map(|l| {
            let snip = f.snippet.as_deref().filter(|s| !s.is_empty());
            [physical(paths, l, snip.map(Cow::Borrowed))]
        }),
        partial_fingerprints: f
            .location
            .as_ref()
            .map(|_| Fingerprints { v1: &f.fingerprint }),
        related_locations: f
            .related
            .iter()
            .enumerate()
            .map(|(i, l)| Related {
                physical_location: physical(paths, l, snippet(sources, l).map(Cow::Owned))
                    .physical_location,
                id: i + 1,
                message: Text::of("provenance"),
            })
            .collect(),
        suppressions: f.suppressed.as_ref().map(|s| {
            [Suppression {
                kind: "external",
                status: "accepted",
                justification: &s.justification,
            }]
        }),
        properties: Properties {
            severity: f.severity.as_str(),
            units: &f.units,
            evidence: f.evidence.as_deref(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A result reads as `serde_json`'s pretty printer writes it inside the document:
    /// every line after the first indented to the results' depth.
    #[test]
    fn results_are_pretty_printed_at_their_depth() {
        let v = json!({
            "ruleId": "MCP-CS-001",
            "empty_list": [],
            "empty_object": {},
            "locations": [{"region": {"startLine": 3, "snippet": {"text": "a\nb \"q\""}}}, 2, null],
            "nested": [[1, [true]], {"k": {"l": []}}],
        });
        let expected = serde_json::to_string_pretty(&v)
            .unwrap()
            .replace('\n', "\n        ");
        let mut text = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut text, ResultFormatter::default());
        v.serialize(&mut ser).unwrap();
        assert_eq!(String::from_utf8(text).unwrap(), expected);
    }
}
