//! The YAML loader's JSON path: a document in strict JSON (`server.json`,
//! `mcp-manifest.json`, client configs) read by a JSON scanner, without the YAML
//! parser's tokens and events (several times faster on large files).
//!
//! JSON is YAML in flow style, and this path gives the tree the events path
//! ([`super::events`]) gives: keys and strings as written, `true`/`false`/`null` and
//! numbers typed as serde-saphyr types them (by the same function), the same spans. It
//! declines (`None`, and the caller goes on to the events path) on anything outside
//! the plain shape of JSON data: a root that is not an object or array, a syntax
//! error, trailing text, a tab or other control character outside a string, a raw
//! control or non-printable character inside one, a `\u` surrogate escape, a key
//! followed by a line break before its `:`, a key longer than YAML's 1,024 characters
//! of an implicit key, a repeated or `<<` key, nesting or size near the limits. The
//! tests `fast_and_full_paths_agree*` in the parent module check it against the full
//! path on every JSON file of the fixtures and the corpus, and on mutations of them.

use super::events::{map_node, maybe_typed, repeated_key, scalar_node, seq_node, type_scalar};
use super::{YKey, YNode, YValue, YamlLimits};
use crate::source::{SourceFile, Span};
use std::collections::{HashMap, HashSet};

/// A collection being read.
enum Open {
    Seq {
        start: usize,
        items: Vec<YNode>,
    },
    Map {
        start: usize,
        entries: Vec<(YKey, YNode)>,
        /// The keys so far, once the mapping is large enough for a linear search to cost.
        seen: Option<HashSet<String>>,
    },
}

/// The longest key read here: YAML limits an implicit key to 1,024 characters.
const MAX_KEY_BYTES: usize = 1000;

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scanner<'_> {
    /// Skip spaces and line breaks; `None` on a tab or any other control character.
    fn ws(&mut self) -> Option<()> {
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b' ' | b'\n' | b'\r' => self.i += 1,
                c if c < 0x20 || c == 0x7f => return None,
                _ => break,
            }
        }
        Some(())
    }

    /// Skip spaces only (between a key and its `:`).
    fn spaces(&mut self) {
        while self.b.get(self.i) == Some(&b' ') {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// A string at `"`: its text and span (quotes included).
    fn string(&mut self, text: &str) -> Option<(String, Span)> {
        let start = self.i;
        self.i += 1;
        let mut out = String::new();
        let mut run = self.i;
        loop {
            let c = *self.b.get(self.i)?;
            match c {
                b'"' => {
                    out.push_str(text.get(run..self.i)?);
                    self.i += 1;
                    return Some((out, Span::new(start, self.i)));
                }
                b'\\' => {
                    out.push_str(text.get(run..self.i)?);
                    let e = *self.b.get(self.i + 1)?;
                    self.i += 2;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hex = text.get(self.i..self.i + 4)?;
                            if !hex.bytes().all(|h| h.is_ascii_hexdigit()) {
                                return None;
                            }
                            // A surrogate (half of a UTF-16 pair) is for the YAML parser.
                            out.push(char::from_u32(u32::from_str_radix(hex, 16).ok()?)?);
                            self.i += 4;
                        }
                        _ => return None,
                    }
                    run = self.i;
                }
                c if c < 0x20 || c == 0x7f => return None,
                c if c >= 0x80 => {
                    // Characters YAML does not allow in a stream (C1 controls but
                    // NEL, U+FFFE, U+FFFF) and the byte order mark are for the YAML
                    // parser.
                    let ch = text.get(self.i..)?.chars().next()?;
                    let bad = matches!(ch, '\u{80}'..='\u{84}' | '\u{86}'..='\u{9f}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}');
                    if bad {
                        return None;
                    }
                    self.i += ch.len_utf8();
                }
                _ => self.i += 1,
            }
        }
    }

    /// A number, `true`, `false` or `null` (its text, checked against JSON's grammar).
    fn word(&mut self) -> Option<Span> {
        let start = self.i;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'+' | b'.'))
        {
            self.i += 1;
        }
        let w = &self.b[start..self.i];
        let ok = matches!(w, b"true" | b"false" | b"null") || json_number(w);
        ok.then_some(Span::new(start, self.i))
    }
}

/// Does `w` follow JSON's number grammar (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`)?
fn json_number(w: &[u8]) -> bool {
    let mut i = usize::from(w.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let s = *i;
        while w.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > s
    };
    let int_start = i;
    if !digits(&mut i) || (w[int_start] == b'0' && i - int_start > 1) {
        return false;
    }
    if w.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(w.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(w.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == w.len()
}

/// The tree of `src` if it is plain JSON (see the module docs), else `None`.
pub(super) fn build(src: &SourceFile, limits: &YamlLimits) -> Option<YNode> {
    let text: &str = &src.text;
    let mut s = Scanner {
        b: text.as_bytes(),
        i: 0,
    };
    // As on the events path: well inside serde-saphyr's own budgets.
    let max_depth = limits.max_depth.saturating_sub(2);
    let max_nodes = limits.max_nodes / 4;
    let mut nodes = 0usize;
    let mut typed: HashMap<&str, YValue> = HashMap::new();
    let mut stack: Vec<Open> = Vec::new();
    s.ws()?;
    if !matches!(s.peek(), Some(b'{' | b'[')) {
        return None;
    }
    loop {
        // At a value: read it (a scalar), or open a collection and go on to its first
        // entry.
        let mut node = match s.peek()? {
            c @ (b'{' | b'[') => {
                nodes += 1;
                if stack.len() >= max_depth || nodes > max_nodes {
                    return None;
                }
                let start = s.i;
                s.i += 1;
                s.ws()?;
                let (open, end) = if c == b'{' {
                    (
                        Open::Map {
                            start,
                            entries: Vec::new(),
                            seen: None,
                        },
                        b'}',
                    )
                } else {
                    (
                        Open::Seq {
                            start,
                            items: Vec::new(),
                        },
                        b']',
                    )
                };
                if s.peek() == Some(end) {
                    // Empty: closed at once.
                    s.i += 1;
                    Some(close(src, open))
                } else {
                    stack.push(open);
                    None
                }
            }
            b'"' => {
                nodes += 1;
                let (value, span) = s.string(text)?;
                Some(scalar_node(src, YValue::Str(value), span))
            }
            _ => {
                nodes += 1;
                let span = s.word()?;
                let w = &text[span.start..span.end];
                debug_assert!(maybe_typed(w));
                let value = match typed.get(w) {
                    Some(v) => v.clone(),
                    None => {
                        let v = type_scalar(w, limits)?;
                        typed.insert(w, v.clone());
                        v
                    }
                };
                Some(scalar_node(src, value, span))
            }
        };
        if nodes > max_nodes {
            return None;
        }
        // After a value (or at the first entry of a collection just opened).
        loop {
            if let Some(n) = node.take() {
                match stack.last_mut() {
                    None => {
                        s.ws()?;
                        return (s.i == s.b.len()).then_some(n);
                    }
                    Some(Open::Seq { items, .. }) => items.push(n),
                    Some(Open::Map { entries, .. }) => entries.last_mut()?.1 = n,
                }
                s.ws()?;
                match (s.peek()?, stack.last()?) {
                    (b',', _) => {
                        s.i += 1;
                        s.ws()?;
                    }
                    (b']', Open::Seq { .. }) | (b'}', Open::Map { .. }) => {
                        s.i += 1;
                        node = Some(close(src, stack.pop()?));
                        continue;
                    }
                    _ => return None,
                }
            }
            // At an entry: a sequence's item, or a mapping's key and its `:`.
            if let Some(Open::Map { entries, seen, .. }) = stack.last_mut() {
                if s.peek()? != b'"' {
                    return None;
                }
                let (key, span) = s.string(text)?;
                if key == "<<" || key.len() > MAX_KEY_BYTES {
                    return None;
                }
                if repeated_key(entries, seen, &key) {
                    return None;
                }
                s.spaces();
                if s.peek()? != b':' {
                    return None;
                }
                s.i += 1;
                s.ws()?;
                // The value is filled in when it has been read.
                entries.push((
                    YKey {
                        text: key,
                        span,
                        defined: None,
                    },
                    super::null_node(),
                ));
            }
            break;
        }
    }
}

/// A collection read to its closing bracket.
fn close(src: &SourceFile, open: Open) -> YNode {
    match open {
        Open::Seq { start, items } => seq_node(src, Span::new(start, start + 1), items),
        Open::Map { start, entries, .. } => map_node(src, Span::new(start, start + 1), entries),
    }
}
