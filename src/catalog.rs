//! Rule metadata: parses each policy's `# METADATA` block into a [`RuleMeta`].

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Rule severity, ordered from least to most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl<'de> Deserialize<'de> for Severity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            other => Err(format!(
                "unknown severity `{other}` (expected critical, high, medium, low or info)"
            )),
        }
    }
}

/// Everything known about a rule, from its METADATA block (read back from the
/// prebuilt programs' blob: `crate::prebuilt`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleMeta {
    pub id: String,
    /// (Shared with every finding of the rule.)
    pub title: std::sync::Arc<str>,
    pub description: String,
    pub severity: Severity,
    /// Input kinds the rule is evaluated for (`dockerfile`, `compose_service`, ...).
    pub kinds: Vec<String>,
    /// When a unit of another kind evaluates this rule, its findings are kept but
    /// superseded by this rule (DF-001 → EC-001 on a bound Compose service).
    pub superseded_by: Option<String>,
    /// (Shared with every finding of the rule.)
    pub remediation: std::sync::Arc<str>,
    pub references: Vec<String>,
    /// Rego package, e.g. `mcp_audit.df.mcp_df_001`.
    pub package: String,
    /// Where the policy came from (`policies/df/mcp_df_001.rego` or a user path).
    pub source: String,
    /// The package defines `applicable`: when it is not true for a unit, the rule is
    /// not applicable there (not scored, not reported).
    pub has_applicable: bool,
    /// The package defines `indeterminate`: a set of what the unit leaves undecided for
    /// the rule (an image whose unset variable may or may not name an allowed registry).
    /// When the rule reports nothing and that set is not empty, its verdict is
    /// indeterminate, not pass.
    #[serde(default)]
    pub has_indeterminate: bool,
}

impl RuleMeta {
    /// The Rego rule evaluated for findings.
    pub fn deny_path(&self) -> String {
        format!("data.{}.deny", self.package)
    }

    pub fn applicable_path(&self) -> String {
        format!("data.{}.applicable", self.package)
    }

    pub fn indeterminate_path(&self) -> String {
        format!("data.{}.indeterminate", self.package)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    title: String,
    description: String,
    #[serde(default)]
    scope: Option<String>,
    custom: RawCustom,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCustom {
    id: String,
    severity: String,
    kinds: Vec<String>,
    #[serde(default)]
    superseded_by: Option<String>,
    remediation: String,
    #[serde(default)]
    references: Vec<String>,
}

/// The `package` name declared in a Rego source, if any.
pub fn package_of(src: &str) -> Option<String> {
    src.lines().find_map(|l| {
        let l = l.trim();
        let rest = l.strip_prefix("package ")?;
        Some(rest.trim().to_string())
    })
}

/// Parse the first `# METADATA` block of a policy. `Ok(None)` when the file has none
/// (helper libraries and test files); `Err` when the block is present but invalid.
pub fn parse_metadata(source_name: &str, src: &str) -> Result<Option<RuleMeta>, String> {
    let mut lines = src.lines().enumerate();
    let start = loop {
        match lines.next() {
            None => return Ok(None),
            Some((i, l)) if l.trim() == "# METADATA" => break i,
            Some(_) => {}
        }
    };
    let mut yaml = String::new();
    for (_, l) in lines {
        let t = l.trim_start();
        let Some(body) = t.strip_prefix('#') else {
            break;
        };
        yaml.push_str(body.strip_prefix(' ').unwrap_or(body));
        yaml.push('\n');
    }
    let raw: RawMeta = serde_saphyr::from_str(&yaml)
        .map_err(|e| format!("{source_name}:{}: invalid METADATA block: {e}", start + 1))?;
    if let Some(scope) = &raw.scope {
        if scope != "package" {
            return Err(format!(
                "{source_name}: METADATA scope must be `package`, found `{scope}`"
            ));
        }
    }
    let severity = raw
        .custom
        .severity
        .parse()
        .map_err(|e| format!("{source_name}: {e}"))?;
    let package = package_of(src).ok_or_else(|| format!("{source_name}: no package"))?;
    if !is_rule_id(&raw.custom.id) {
        return Err(format!(
            "{source_name}: rule id `{}` is not of the form MCP-XX-NNN",
            raw.custom.id
        ));
    }
    Ok(Some(RuleMeta {
        id: raw.custom.id,
        title: raw.title.trim().into(),
        description: raw.description.trim().to_string(),
        severity,
        kinds: raw.custom.kinds,
        superseded_by: raw.custom.superseded_by,
        remediation: raw.custom.remediation.trim().into(),
        references: raw.custom.references,
        package,
        source: source_name.to_string(),
        has_applicable: defines(src, "applicable"),
        has_indeterminate: defines(src, "indeterminate"),
    }))
}

/// Whether a policy source defines the rule `name` at the start of a line
/// (`applicable if …`, `indeterminate contains …`, `applicable := …`).
fn defines(src: &str, name: &str) -> bool {
    src.lines().any(|l| {
        l.strip_prefix(name)
            .is_some_and(|rest| rest.starts_with(' ') || rest.starts_with('\t'))
    })
}

/// `MCP-<GROUP>-<NNN>`: group of 2–3 capital letters, three digits.
pub fn is_rule_id(id: &str) -> bool {
    let mut parts = id.split('-');
    let (Some("MCP"), Some(group), Some(num), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    (2..=3).contains(&group.len())
        && group
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && num.len() == 3
        && num.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "# METADATA\n# title: Example\n# description: >-\n#   Two\n#   lines.\n# custom:\n#   id: MCP-XX-001\n#   severity: HIGH\n#   kinds: [dockerfile]\n#   remediation: Fix it.\npackage mcp_audit.xx.mcp_xx_001\n";

    #[test]
    fn parses_metadata_block() {
        let m = parse_metadata("x.rego", SRC).unwrap().unwrap();
        assert_eq!(m.id, "MCP-XX-001");
        assert_eq!(m.severity, Severity::High);
        assert_eq!(m.description, "Two lines.");
        assert_eq!(m.package, "mcp_audit.xx.mcp_xx_001");
        assert_eq!(m.deny_path(), "data.mcp_audit.xx.mcp_xx_001.deny");
    }

    #[test]
    fn optional_entry_points_are_rules_defined_at_the_start_of_a_line() {
        let m = parse_metadata("x.rego", SRC).unwrap().unwrap();
        assert!(!m.has_applicable && !m.has_indeterminate);
        let src =
            format!("{SRC}applicable if true\nindeterminate contains {{\"reason\": 1}} if true\n");
        let m = parse_metadata("x.rego", &src).unwrap().unwrap();
        assert!(m.has_applicable && m.has_indeterminate);
        assert_eq!(
            m.indeterminate_path(),
            "data.mcp_audit.xx.mcp_xx_001.indeterminate"
        );
        // A function or a longer name is not the entry point, nor is a reference to it.
        let src = format!(
            "{SRC}indeterminate(x) if x\napplicable_here if true\ndeny contains 1 if {{\n\tindeterminate(1)\n}}\n"
        );
        let m = parse_metadata("x.rego", &src).unwrap().unwrap();
        assert!(!m.has_applicable && !m.has_indeterminate);
    }

    #[test]
    fn rejects_bad_severity_and_unknown_keys() {
        let bad = SRC.replace("HIGH", "URGENT");
        assert!(parse_metadata("x.rego", &bad)
            .unwrap_err()
            .contains("unknown severity"));
        let bad = SRC.replace("# title", "# titel");
        assert!(parse_metadata("x.rego", &bad).is_err());
    }

    #[test]
    fn file_without_metadata_is_not_a_rule() {
        assert!(parse_metadata("lib.rego", "package a\n").unwrap().is_none());
    }

    #[test]
    fn rule_ids() {
        assert!(is_rule_id("MCP-EC-001"));
        assert!(is_rule_id("MCP-AUD-001"));
        assert!(!is_rule_id("MCP-ec-001"));
        assert!(!is_rule_id("DL3002"));
    }
}
