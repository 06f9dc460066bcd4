//! A span-aware YAML (and JSON) loader on serde-saphyr: every key and value keeps its
//! byte span; values that came through an alias or a `<<` merge also keep the anchor
//! site. Budgets bound depth, node count and alias expansion.
//!
//! Scalars follow serde-saphyr's resolution: `true/false` and the YAML 1.1 spellings
//! `yes/no/on/off` are booleans, `0o17` is an integer. Tags such as Compose's
//! `!reset` are not reported by serde-saphyr; the node's value is kept (`!reset null`
//! reads as null).

use crate::source::{SourceFile, Span};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// Resource bounds for one document.
#[derive(Clone, Debug)]
pub struct YamlLimits {
    pub max_depth: usize,
    pub max_nodes: usize,
    pub max_bytes: usize,
}

impl Default for YamlLimits {
    fn default() -> Self {
        YamlLimits {
            max_depth: 128,
            max_nodes: 2_000_000,
            max_bytes: 64 * 1024 * 1024,
        }
    }
}

#[derive(Clone, Debug)]
pub enum YValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<YNode>),
    Map(Vec<(YKey, YNode)>),
}

#[derive(Clone, Debug)]
pub struct YNode {
    pub value: YValue,
    /// Use site, as a byte range of the source.
    pub span: Span,
    /// Anchor site when the node came through an alias or a `<<` merge.
    pub defined: Option<Span>,
    /// Always `None` today (serde-saphyr does not expose tags).
    pub tag: Option<String>,
}

#[derive(Clone, Debug)]
pub struct YKey {
    pub text: String,
    pub span: Span,
    pub defined: Option<Span>,
}

#[derive(Clone, Debug)]
pub struct YamlError {
    pub message: String,
    pub span: Option<Span>,
}

/// The raw tree serde-saphyr builds, before spans are turned into byte ranges.
enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<String>, Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
                Ok(Raw::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
                Ok(Raw::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
                Ok(i64::try_from(v)
                    .map(Raw::Int)
                    .unwrap_or(Raw::Float(v as f64)))
            }
            fn visit_i128<E>(self, v: i128) -> Result<Raw, E> {
                Ok(i64::try_from(v)
                    .map(Raw::Int)
                    .unwrap_or(Raw::Float(v as f64)))
            }
            fn visit_u128<E>(self, v: u128) -> Result<Raw, E> {
                Ok(i64::try_from(v)
                    .map(Raw::Int)
                    .unwrap_or(Raw::Float(v as f64)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
                Ok(Raw::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
                Ok(Raw::Str(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Raw, E> {
                Ok(Raw::Str(v))
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Raw, E> {
                Ok(Raw::Str(String::from_utf8_lossy(v).into_owned()))
            }
            fn visit_unit<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_none<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Raw, D2::Error> {
                Raw::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Raw, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element::<Spanned<Raw>>()? {
                    v.push(x);
                }
                Ok(Raw::Seq(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Raw, A::Error> {
                let mut v: Vec<(Spanned<String>, Spanned<Raw>)> = Vec::new();
                while let Some((k, x)) = a.next_entry::<Spanned<String>, Spanned<Raw>>()? {
                    v.push((k, x));
                }
                Ok(Raw::Map(v))
            }
        }
        d.deserialize_any(V)
    }
}

fn options(limits: &YamlLimits) -> serde_saphyr::Options {
    serde_saphyr::options! {
        with_snippet: false,
        budget: serde_saphyr::budget! {
            enforce_alias_anchor_ratio: false,
            max_depth: limits.max_depth,
            max_nodes: limits.max_nodes,
        },
    }
}

fn span_of(src: &SourceFile, loc: &serde_saphyr::Location) -> Option<Span> {
    if loc.line() == 0 {
        return None;
    }
    let sp = loc.span();
    match (sp.byte_offset(), sp.byte_len()) {
        (Some(o), Some(l)) => Some(src.clamp(Span::new(o as usize, (o + l) as usize))),
        _ => {
            let start = src.offset_of(loc.line() as usize, loc.column() as usize);
            Some(Span::new(start, start))
        }
    }
}

fn convert(src: &SourceFile, n: Spanned<Raw>) -> YNode {
    let span = span_of(src, &n.referenced).unwrap_or_default();
    let defined = span_of(src, &n.defined).filter(|d| d.start != span.start);
    let (value, end) = match n.value {
        Raw::Null => (YValue::Null, span.end),
        Raw::Bool(b) => (YValue::Bool(b), span.end),
        Raw::Int(i) => (YValue::Int(i), span.end),
        Raw::Float(f) => (YValue::Float(f), span.end),
        Raw::Str(s) => (YValue::Str(s), span.end),
        Raw::Seq(items) => {
            let items: Vec<YNode> = items.into_iter().map(|x| convert(src, x)).collect();
            // Collections have an empty span from serde-saphyr: cover their written items.
            let end = items
                .iter()
                .filter(|x| x.defined.is_none())
                .map(|x| x.span.end)
                .max()
                .unwrap_or(span.end);
            (YValue::Seq(items), end)
        }
        Raw::Map(entries) => {
            let entries: Vec<(YKey, YNode)> = entries
                .into_iter()
                .map(|(k, v)| {
                    let ks = span_of(src, &k.referenced).unwrap_or_default();
                    let kd = span_of(src, &k.defined).filter(|d| d.start != ks.start);
                    (
                        YKey {
                            text: k.value,
                            span: ks,
                            defined: kd,
                        },
                        convert(src, v),
                    )
                })
                .collect();
            let end = entries
                .iter()
                .filter(|(k, _)| k.defined.is_none())
                .map(|(k, v)| k.span.end.max(v.span.end))
                .max()
                .unwrap_or(span.end);
            (YValue::Map(entries), end)
        }
    };
    YNode {
        value,
        span: Span::new(span.start, end.max(span.start)),
        defined,
        tag: None,
    }
}

fn error(src: &SourceFile, e: serde_saphyr::Error) -> YamlError {
    let span = e.location().and_then(|l| {
        if l.line() == 0 {
            None
        } else {
            let o = src.offset_of(l.line() as usize, l.column() as usize);
            Some(Span::new(o, o))
        }
    });
    let mut message = e.to_string();
    // serde-saphyr appends its own "at line X column Y"; the span carries it already.
    if let Some(p) = message.find(" at line ") {
        message.truncate(p);
    }
    YamlError { message, span }
}

fn check_size(src: &SourceFile, limits: &YamlLimits) -> Result<(), YamlError> {
    if src.text.len() > limits.max_bytes {
        return Err(YamlError {
            message: format!("file is larger than {} bytes", limits.max_bytes),
            span: None,
        });
    }
    Ok(())
}

/// Load a single-document YAML or JSON file.
pub fn load(src: &SourceFile, limits: &YamlLimits) -> Result<YNode, YamlError> {
    check_size(src, limits)?;
    if src.text.trim().is_empty() {
        return Ok(YNode {
            value: YValue::Null,
            span: Span::default(),
            defined: None,
            tag: None,
        });
    }
    let raw: Spanned<Raw> = serde_saphyr::from_str_with_options(&src.text, options(limits))
        .map_err(|e| error(src, e))?;
    Ok(convert(src, raw))
}

/// Load every document of a multi-document file (Kubernetes manifests).
pub fn load_all(src: &SourceFile, limits: &YamlLimits) -> Result<Vec<YNode>, YamlError> {
    check_size(src, limits)?;
    let raws: Vec<Spanned<Raw>> =
        serde_saphyr::from_multiple_with_options(&src.text, options(limits))
            .map_err(|e| error(src, e))?;
    Ok(raws.into_iter().map(|r| convert(src, r)).collect())
}

impl YNode {
    pub fn get(&self, key: &str) -> Option<&YNode> {
        self.as_map()?
            .iter()
            .rev()
            .find(|(k, _)| k.text == key)
            .map(|(_, v)| v)
    }
    pub fn key(&self, key: &str) -> Option<&YKey> {
        self.as_map()?
            .iter()
            .rev()
            .find(|(k, _)| k.text == key)
            .map(|(k, _)| k)
    }
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            YValue::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_map(&self) -> Option<&[(YKey, YNode)]> {
        match &self.value {
            YValue::Map(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_seq(&self) -> Option<&[YNode]> {
        match &self.value {
            YValue::Seq(s) => Some(s),
            _ => None,
        }
    }
    /// A scalar as text, the way Compose reads it into a string field.
    pub fn scalar_string(&self) -> Option<String> {
        match &self.value {
            YValue::Str(s) => Some(s.clone()),
            YValue::Bool(b) => Some(b.to_string()),
            YValue::Int(i) => Some(i.to_string()),
            YValue::Float(f) => Some(f.to_string()),
            _ => None,
        }
    }
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            YValue::Null => J::Null,
            YValue::Bool(b) => J::Bool(*b),
            YValue::Int(i) => J::from(*i),
            YValue::Float(f) => serde_json::Number::from_f64(*f)
                .map(J::Number)
                .unwrap_or(J::Null),
            YValue::Str(s) => J::String(s.clone()),
            YValue::Seq(s) => J::Array(s.iter().map(YNode::to_json).collect()),
            YValue::Map(m) => J::Object(
                m.iter()
                    .map(|(k, v)| (k.text.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(text: &str) -> Result<(SourceFile, YNode), YamlError> {
        let src = SourceFile::from_str("t.yaml", text);
        let n = load(&src, &YamlLimits::default())?;
        Ok((src, n))
    }

    #[test]
    fn key_and_value_spans() {
        let (src, n) =
            load_str("services:\n  web:\n    image: 'nginx:1'\n    privileged: yes\n").unwrap();
        let web = n.get("services").unwrap().get("web").unwrap();
        let img = web.get("image").unwrap();
        assert_eq!(src.slice(img.span), "'nginx:1'");
        let k = web.key("privileged").unwrap();
        let l = src.loc(k.span);
        assert_eq!((l.line, l.col, l.end_col), (4, 5, 15));
        assert!(matches!(
            web.get("privileged").unwrap().value,
            YValue::Bool(true)
        ));
        // A mapping covers its written entries.
        assert_eq!(src.loc(web.span).end_line, 4);
    }

    #[test]
    fn merge_keys_keep_use_and_anchor_sites() {
        let text = "x: &c\n  restart: always\n  networks: [a]\ns:\n  <<: *c\n  networks: [b]\nt:\n  <<: [*c]\n";
        let (src, n) = load_str(text).unwrap();
        let s = n.get("s").unwrap();
        let nets: Vec<_> = s
            .get("networks")
            .unwrap()
            .as_seq()
            .unwrap()
            .iter()
            .filter_map(|x| x.as_str())
            .collect();
        assert_eq!(nets, vec!["b"], "a key in the mapping beats the merged one");
        let r = s.get("restart").unwrap();
        assert_eq!(r.as_str(), Some("always"));
        assert_eq!(src.loc(r.span).line, 5, "use site");
        assert_eq!(src.loc(r.defined.unwrap()).line, 2, "anchor site");
        assert!(n.get("t").unwrap().get("restart").is_some());
    }

    #[test]
    fn json_and_multi_document() {
        let (_, n) =
            load_str("{\"name\": \"io.github.a/b\", \"packages\": [{\"registryType\": \"oci\"}]}")
                .unwrap();
        assert_eq!(n.get("name").unwrap().as_str(), Some("io.github.a/b"));
        let src = SourceFile::from_str("k.yaml", "kind: A\n---\nkind: B\n");
        let docs = load_all(&src, &YamlLimits::default()).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].get("kind").unwrap().as_str(), Some("B"));
    }

    #[test]
    fn syntax_error_has_a_location() {
        let e = load_str("services:\n  a:\n    image: x\n   bad: [\n").unwrap_err();
        let src = SourceFile::from_str("t.yaml", "services:\n  a:\n    image: x\n   bad: [\n");
        let l = src.loc(e.span.expect("span"));
        assert!(l.line >= 3, "{l:?} {}", e.message);
    }

    /// Run on a thread with the stack size the scanner's workers use.
    fn with_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new()
            .stack_size(crate::WORKER_STACK)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap()
    }

    #[test]
    fn bombs_and_deep_nesting_are_errors() {
        with_stack(bombs_and_deep_nesting)
    }

    fn bombs_and_deep_nesting() {
        let laughs = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
        assert!(load_str(laughs).is_err());
        assert!(load_str(&"- ".repeat(100_000)).is_err());
        assert!(load_str(&"[".repeat(100_000)).is_err());
        assert!(load_str(&"{a: ".repeat(100_000)).is_err());
    }

    #[test]
    fn empty_document_is_null() {
        assert!(matches!(load_str("").unwrap().1.value, YValue::Null));
        assert!(matches!(
            load_str("# only a comment\n").unwrap().1.value,
            YValue::Null
        ));
    }
}
