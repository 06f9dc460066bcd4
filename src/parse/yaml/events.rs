//! The YAML loader's fast path: the tree of a plain document built straight from the
//! parser's events, without serde-saphyr's deserializer (about three times faster).
//!
//! "Plain" means one document with no anchor, alias, tag, merge key (`<<`), `%YAML`
//! directive or non-string key, no repeated key, no syntax error and far from the
//! limits. On anything else [`build`] declines (`None`) and the caller loads the file the
//! full way, so every file gets exactly the tree and the errors that serde-saphyr gives:
//! the fast path only ever skips work. A plain scalar that may be a null, a boolean or a
//! number is typed by serde-saphyr itself, read alone with the loader's options (once
//! per distinct text; plain decimal integers and decimals are typed here, as it types
//! them); one that cannot be (it starts with none of a digit, a sign, a dot or `~`, and
//! is not `true`/`false`/`null` in one of their spellings) is a string. Spans follow the
//! same rules as the full path's conversion. `tests::fast_and_full_paths_agree` and
//! `tests::fast_and_full_paths_agree_on_mutated_files` compare the two.

use super::{entries_end, flow_end, options, trim_end, LoadScope, Raw, YKey, YNode, YValue};
use super::{RawNode, YamlLimits};
use crate::source::{SourceFile, Span};
use serde_saphyr::granit_parser::{Event, Options, Parser, ScalarStyle};
use std::collections::{HashMap, HashSet};

/// A mapping or sequence being read.
enum Open {
    Seq {
        start: Span,
        items: Vec<YNode>,
    },
    Map {
        start: Span,
        entries: Vec<(YKey, YNode)>,
        /// The key read, waiting for its value.
        key: Option<YKey>,
        /// The keys so far, once the mapping is large enough for a linear search to cost.
        seen: Option<HashSet<String>>,
    },
}

/// Above this many entries a mapping's keys are checked for repeats through a set.
const LINEAR_KEYS: usize = 16;

/// Is `key` already a key of the mapping being read (`entries`)? Once the mapping is
/// large enough for a linear search to cost, its keys are kept in `seen` (and `key` is
/// added to it).
pub(super) fn repeated_key(
    entries: &[(YKey, YNode)],
    seen: &mut Option<HashSet<String>>,
    key: &str,
) -> bool {
    if entries.len() >= LINEAR_KEYS {
        let seen =
            seen.get_or_insert_with(|| entries.iter().map(|(k, _)| k.text.clone()).collect());
        !seen.insert(key.to_string())
    } else {
        entries.iter().any(|(k, _)| k.text == key)
    }
}

/// The tree of `src` if it is a plain document (see the module docs), else `None`.
pub(super) fn build(src: &SourceFile, limits: &YamlLimits) -> Option<YNode> {
    let mut opts = Options::default();
    opts.emit_comments = false;
    // Well inside serde-saphyr's own budgets, so that the full path would not fail on a
    // limit where this one succeeds.
    let max_depth = limits.max_depth.saturating_sub(2);
    let max_nodes = limits.max_nodes / 4;
    let mut typed: HashMap<String, YValue> = HashMap::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<YNode> = None;
    let mut documents = 0usize;
    let mut nodes = 0usize;
    for ev in Parser::new_from_str_with_options(&src.text, opts) {
        let (ev, span) = ev.ok()?;
        let span = {
            let r = span.byte_range()?;
            src.clamp(Span::new(r.start, r.end))
        };
        let node = match ev {
            Event::StreamStart | Event::DocumentEnd => continue,
            Event::StreamEnd => break,
            Event::DocumentStart(_, version) => {
                documents += 1;
                if documents > 1 || version.is_some() {
                    return None;
                }
                continue;
            }
            Event::Scalar(value, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                nodes += 1;
                if let Some(Open::Map {
                    key: key @ None,
                    entries,
                    seen,
                    ..
                }) = stack.last_mut()
                {
                    // A key: text as written; a null, boolean or number key, a merge
                    // key and a repeated key are for the full path.
                    let plain = matches!(style, ScalarStyle::Plain);
                    if (plain && maybe_typed(&value)) || value == "<<" {
                        return None;
                    }
                    if repeated_key(entries, seen, &value) {
                        return None;
                    }
                    *key = Some(YKey {
                        text: value.into_owned(),
                        span,
                        defined: None,
                    });
                    continue;
                }
                let value = match style {
                    ScalarStyle::Plain if maybe_typed(&value) => match typed.get(value.as_ref()) {
                        Some(v) => v.clone(),
                        None => {
                            let v = type_scalar(&value, limits)?;
                            typed.insert(value.into_owned(), v.clone());
                            v
                        }
                    },
                    _ => YValue::Str(value.into_owned()),
                };
                scalar_node(src, value, span)
            }
            Event::SequenceStart(_, anchor, ref tag) | Event::MappingStart(_, anchor, ref tag) => {
                if anchor != 0 || tag.is_some() || is_key_position(&stack) {
                    return None;
                }
                nodes += 1;
                if stack.len() >= max_depth {
                    return None;
                }
                stack.push(if matches!(ev, Event::SequenceStart(..)) {
                    Open::Seq {
                        start: span,
                        items: Vec::new(),
                    }
                } else {
                    Open::Map {
                        start: span,
                        entries: Vec::new(),
                        key: None,
                        seen: None,
                    }
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop()? {
                Open::Seq { start, items } => seq_node(src, start, items),
                Open::Map {
                    start,
                    entries,
                    key: None,
                    ..
                } => map_node(src, start, entries),
                Open::Map { key: Some(_), .. } => return None,
            },
            _ => return None,
        };
        if nodes > max_nodes {
            return None;
        }
        match stack.last_mut() {
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map { entries, key, .. }) => entries.push((key.take()?, node)),
            None if root.is_none() => root = Some(node),
            None => return None,
        }
    }
    if !stack.is_empty() {
        return None;
    }
    // A null document is no node at all to the full path (`Option::None`).
    Some(
        root.filter(|n| n.value != YValue::Null)
            .unwrap_or_else(super::null_node),
    )
}

/// Is the next node a mapping key (a collection there is a complex key)?
fn is_key_position(stack: &[Open]) -> bool {
    matches!(stack.last(), Some(Open::Map { key: None, .. }))
}

/// Could a plain scalar with this text be anything but a string? Nulls (`~`, `null`,
/// the empty scalar), YAML 1.2 booleans, and numbers, which start with a digit, a sign
/// or a dot (`.5`, `.inf`); words such as `inf` or `yes` stay strings.
pub(super) fn maybe_typed(t: &str) -> bool {
    match t.as_bytes().first() {
        None => true,
        Some(b'0'..=b'9' | b'+' | b'-' | b'.' | b'~') => true,
        Some(b'n' | b'N' | b't' | b'T' | b'f' | b'F') => matches!(
            t,
            "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
        ),
        Some(_) => false,
    }
}

/// The value of a plain scalar that may not be a string, as serde-saphyr types it: the
/// text read alone as a document, with the loader's options. `None` (the caller
/// declines) if it does not read back as one scalar; texts that would not (`-`, `---`,
/// `...`, `- x`) are not plain scalars where they stand in a document anyway.
pub(super) fn type_scalar(t: &str, limits: &YamlLimits) -> Option<YValue> {
    if let Some(v) = plain_number(t) {
        return Some(v);
    }
    if t.starts_with("---") || t.starts_with("...") || t.starts_with("- ") || t == "-" {
        return None;
    }
    let _scope = LoadScope::new(limits);
    let raw: Option<RawNode> =
        serde_saphyr::from_str_with_options(t, options(limits, t.len())).ok()?;
    let Some(raw) = raw else {
        return Some(YValue::Null);
    };
    if raw.value.1.is_some() {
        return None;
    }
    Some(match raw.value.0 {
        Raw::Null => YValue::Null,
        Raw::Bool(b) => YValue::Bool(b),
        Raw::Int(i) => YValue::Int(i),
        Raw::Float(f) => YValue::Float(f),
        Raw::Str(s) if s == t => YValue::Str(s),
        Raw::Str(_) | Raw::Seq(_) | Raw::Map(_) => return None,
    })
}

/// The two number shapes of data files, typed here as serde-saphyr types them, without
/// reading them again: decimal integers of up to 18 digits with no leading zero or `+`
/// (`0`, `42`, `-7`), and decimals with digits on both sides of the point and no
/// exponent (`0.5`, `-12.25`), which it reads with Rust's float parser.
fn plain_number(t: &str) -> Option<YValue> {
    let digits = t.strip_prefix('-').unwrap_or(t);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    // `0` alone, or no leading zero; `-0` is left to serde-saphyr.
    let int_ok = all_digits(int)
        && (int == "0" || !int.starts_with('0'))
        && !(int == "0" && frac.is_none() && digits.len() != t.len());
    match frac {
        None if int_ok && int.len() <= 18 => t.parse().ok().map(YValue::Int),
        Some(f) if int_ok && all_digits(f) => t.parse().ok().map(YValue::Float),
        _ => None,
    }
}

/// A scalar where it was written: its span without trailing whitespace (block
/// scalars), `quoted` when it is a string written in quotes.
pub(super) fn scalar_node(src: &SourceFile, value: YValue, span: Span) -> YNode {
    let span = trim_end(src, span);
    let quoted = matches!(src.text.as_bytes().get(span.start), Some(b'"' | b'\''))
        && matches!(value, YValue::Str(_));
    YNode {
        value,
        span,
        defined: None,
        tag: None,
        quoted,
    }
}

/// A sequence read to its end; `start` is its opening token.
pub(super) fn seq_node(src: &SourceFile, start: Span, items: Vec<YNode>) -> YNode {
    let end = entries_end(start, items.iter().map(|x| x.span));
    collection_node(src, YValue::Seq(items), start, end)
}

/// A mapping read to its end; `start` is its opening token.
pub(super) fn map_node(src: &SourceFile, start: Span, entries: Vec<(YKey, YNode)>) -> YNode {
    let spans = entries.iter().flat_map(|(k, v)| [k.span, v.span]);
    let end = entries_end(start, spans);
    collection_node(src, YValue::Map(entries), start, end)
}

/// A collection from its start to its last entry (to its closing bracket in flow style).
fn collection_node(src: &SourceFile, value: YValue, start: Span, end: usize) -> YNode {
    YNode {
        value,
        span: Span::new(start.start, flow_end(src, start.start, end)),
        defined: None,
        tag: None,
        quoted: false,
    }
}
