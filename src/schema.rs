//! The JSON Schema of `mcp-manifest.json` (printed by `mcp-audit schema manifest`) and a
//! validator for the subset of JSON Schema it uses, reporting each bad field at its
//! location in the file.

use crate::parse::compose::{CNode, CVal};
use crate::source::Loc;
use serde::Serialize;
use serde_json::Value;

/// The schema text, as shipped.
pub const MANIFEST_SCHEMA: &str = include_str!("../schemas/mcp-manifest.schema.json");

/// One validation error.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SchemaError {
    /// JSON pointer of the bad field (`/governance/level`).
    pub field: String,
    pub message: String,
    pub loc: Loc,
}

fn type_name(n: &CNode) -> &'static str {
    match &n.v {
        CVal::Null => "null",
        CVal::Bool(_) => "boolean",
        CVal::Int(_) => "integer",
        CVal::Float(_) => "number",
        CVal::Str(_) => "string",
        CVal::Seq(_) => "array",
        CVal::Map(_) => "object",
    }
}

fn type_ok(n: &CNode, t: &str) -> bool {
    let actual = type_name(n);
    actual == t || (t == "number" && actual == "integer")
}

fn json_of(n: &CNode) -> Value {
    match &n.v {
        CVal::Map(_) | CVal::Seq(_) => Value::Null,
        _ => n.to_json(),
    }
}

struct Validator<'a> {
    root: &'a Value,
    errors: Vec<SchemaError>,
}

fn resolve<'s>(root: &'s Value, schema: &'s Value) -> &'s Value {
    match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/"))
    {
        Some(path) => path.split('/').fold(root, |v, k| &v[k]),
        None => schema,
    }
}

impl<'a> Validator<'a> {
    fn err(&mut self, field: &str, message: String, n: &CNode) {
        self.errors.push(SchemaError {
            field: if field.is_empty() {
                "/".into()
            } else {
                field.into()
            },
            message,
            loc: n.loc.clone(),
        });
    }

    fn check(&mut self, schema: &'a Value, n: &CNode, field: &str, depth: usize) {
        if depth > 32 {
            return;
        }
        let schema = resolve(self.root, schema);
        if let Some(t) = schema.get("type") {
            let ok = match t {
                Value::String(s) => type_ok(n, s),
                Value::Array(a) => a.iter().filter_map(Value::as_str).any(|s| type_ok(n, s)),
                _ => true,
            };
            if !ok {
                self.err(
                    field,
                    format!(
                        "expected {}, found {}",
                        t.to_string().replace('"', ""),
                        type_name(n)
                    ),
                    n,
                );
                return;
            }
        }
        if let Some(c) = schema.get("const") {
            if &json_of(n) != c {
                self.err(field, format!("must be {c}"), n);
            }
        }
        if let Some(e) = schema.get("enum").and_then(Value::as_array) {
            if !e.contains(&json_of(n)) {
                let allowed: Vec<String> = e.iter().map(|x| x.to_string()).collect();
                self.err(field, format!("must be one of {}", allowed.join(", ")), n);
            }
        }
        if let CVal::Str(s) = &n.v {
            if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
                if (s.chars().count() as u64) < min {
                    self.err(field, "must not be empty".into(), n);
                }
            }
            match schema.get("format").and_then(Value::as_str) {
                Some("date") if !crate::suppress::is_date(s) => {
                    self.err(field, format!("{s:?} is not a YYYY-MM-DD date"), n)
                }
                Some("uri") if !s.contains("://") => {
                    self.err(field, format!("{s:?} is not a URI"), n)
                }
                _ => {}
            }
            if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
                // The only pattern used: `<namespace>/<name>` (reverse-DNS server names).
                if p.contains('/') && s.split('/').count() != 2 {
                    self.err(field, format!("{s:?} must look like <namespace>/<name>"), n);
                }
            }
        }
        let num = match &n.v {
            CVal::Int(i) => Some(*i as f64),
            CVal::Float(f) => Some(*f),
            _ => None,
        };
        if let Some(x) = num {
            if schema
                .get("minimum")
                .and_then(Value::as_f64)
                .is_some_and(|m| x < m)
            {
                self.err(field, format!("must be at least {}", schema["minimum"]), n);
            }
            if schema
                .get("maximum")
                .and_then(Value::as_f64)
                .is_some_and(|m| x > m)
            {
                self.err(field, format!("must be at most {}", schema["maximum"]), n);
            }
        }
        match &n.v {
            CVal::Map(entries) => {
                let props = schema.get("properties").and_then(Value::as_object);
                for req in schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    if !entries.iter().any(|(k, _)| k.name == req) {
                        self.err(field, format!("required field `{req}` is missing"), n);
                    }
                }
                for (k, v) in entries {
                    let f = format!("{field}/{}", k.name.replace('~', "~0").replace('/', "~1"));
                    match props.and_then(|p| p.get(&k.name)) {
                        Some(s) => self.check(s, v, &f, depth + 1),
                        None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                            self.errors.push(SchemaError {
                                field: f,
                                message: format!("unknown field `{}`", k.name),
                                loc: k.loc.clone(),
                            });
                        }
                        None => {}
                    }
                }
            }
            CVal::Seq(items) => {
                if let Some(s) = schema.get("items") {
                    for (i, it) in items.iter().enumerate() {
                        self.check(s, it, &format!("{field}/{i}"), depth + 1);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Validate a manifest tree against the manifest schema.
pub fn validate_manifest(doc: &CNode) -> Vec<SchemaError> {
    let schema: Value = serde_json::from_str(MANIFEST_SCHEMA).unwrap_or(Value::Null);
    let mut v = Validator {
        root: &schema,
        errors: Vec::new(),
    };
    v.check(&schema, doc, "", 0);
    v.errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::compose::convert_plain;
    use crate::parse::yaml::{load, YamlLimits};
    use crate::source::SourceFile;

    fn errors(text: &str) -> Vec<SchemaError> {
        let src = SourceFile::from_str("mcp-manifest.json", text);
        let y = load(&src, &YamlLimits::default()).unwrap();
        validate_manifest(&convert_plain(&src, &y))
    }

    #[test]
    fn schema_is_valid_json() {
        let v: Value = serde_json::from_str(MANIFEST_SCHEMA).unwrap();
        assert_eq!(v["title"], "mcp-manifest.json");
    }

    #[test]
    fn complete_manifest_is_valid() {
        let e = errors(
            r#"{"schemaVersion": "1", "name": "github", "transport": "stdio",
                "governance": {"level": "medium", "audit": true},
                "owner": {"team": "platform", "contact": "infra@acme.example"},
                "review": {"cycle": "quarterly", "lastReviewed": "2025-06-15"},
                "security": {"patchSlaDays": 7},
                "approvals": {"technical": {"by": "infra", "date": "2025-06-10"}, "businessJustification": "PRs"},
                "quality": {"docsUrl": "https://wiki.example/x", "testCoverage": 0.83},
                "lifecycle": {"status": "active", "decommissionTriggers": ["unused-90d"], "lastUsed": "2025-06-14", "sunsetDate": null}}"#,
        );
        assert!(e.is_empty(), "{e:?}");
    }

    #[test]
    fn bad_fields_are_located() {
        let e = errors("{\n  \"schemaVersion\": \"1\",\n  \"governance\": {\"level\": \"extreme\"},\n  \"review\": {\"lastReviewed\": \"15/06/2025\"},\n  \"security\": {\"patchSlaDays\": -1},\n  \"ownr\": {}\n}\n");
        let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "/",
                "/governance/level",
                "/review/lastReviewed",
                "/security/patchSlaDays",
                "/ownr"
            ],
            "{e:?}"
        );
        assert!(e[0].message.contains("`name`"));
        assert_eq!(e[1].loc.line, 3);
        assert_eq!(e[4].loc.line, 6);
    }
}
