//! A span-aware YAML (and JSON) loader on serde-saphyr.
//!
//! Every key and value keeps its byte span in the source; values that came through an
//! alias (`*a`) or a merge key (`<<: *a`) also keep the site where they were written
//! (`defined`). Budgets bound nesting depth, node count, input size and alias expansion,
//! so hostile input (billion laughs, `[[[[…` ×100,000) ends in an error, not a crash.
//!
//! What the loader does, as Compose (go-yaml v3, YAML 1.2 core schema) reads files:
//! - `true`/`false` (any case spelling `True`, `TRUE`) are booleans; the YAML 1.1
//!   spellings `yes/no/on/off/y/n` stay strings (`privileged: yes` is `Str("yes")`), and
//!   quoted scalars are always strings (`"true"` is `Str("true")`, with `quoted` set).
//! - Integers: decimal, `0x1F`, `0o17`, `0b101`, and a leading zero is octal (`0440` is
//!   288, as go-yaml v3 reads it, which matters for Compose file modes). Integers beyond
//!   `i64` become floats. `1e3`, `.inf`, `.nan` are floats.
//! - Merge keys: `<<: *a` and `<<: [*a, *b]` are applied. Keys written in the mapping
//!   itself win over merged ones wherever the `<<` appears; with a list (or with several
//!   `<<` keys) the earlier map wins. Merged entries are listed after the mapping's own
//!   entries; their `span` is the merge use site (the `*a` token) and `defined` the
//!   place in the anchored mapping where they were written.
//! - Duplicate keys in one mapping are an error pointing at the second key (Compose
//!   rejects them too). Keys are read as text, as written (`1.0: x` has key `"1.0"`);
//!   a non-scalar key (`[a]: b`) is an error.
//! - Tags: the resolved tag of each node is kept in `tag` (`!reset`, `!override`, and
//!   core tags in their long form, e.g. `!!str` → `tag:yaml.org,2002:str`). Unknown tags
//!   do not change the value: `!reset []` is an empty sequence, a bare `!reset` is null.
//! - Files with several documents need [`load_all`]; [`load`] rejects them.
//!
//! Limits ([`YamlLimits`]): nesting depth and node count (as written, checked by
//! serde-saphyr's budget, and after alias expansion, checked here), file size, and the
//! nodes copied by aliases and merges (at most 4 per byte of input, at least 65,536),
//! which a cheap pass over the parser's events checks before anything is built, so an
//! alias bomb is refused in microseconds. serde-saphyr's anchor/alias *ratio* check is
//! off: real Compose files use one anchor from hundreds of places.
//!
//! A document in strict JSON (`server.json`, client configs) is read by a JSON scanner
//! (`json.rs`); a plain document (no anchors, aliases, tags, merge keys or non-string
//! keys: most Compose and metadata files) is built straight from the parser's events
//! (`events.rs`), about three times faster than the deserializer; both give the same
//! tree and decline what they do not fully cover. Anything else, errors included, goes
//! through serde-saphyr's deserializer. That full load runs on a short-lived thread
//! with a stack sized for `max_depth` (the deserializer recurses once per level, ~40 KiB
//! per level in debug builds), so deep but valid input cannot overflow the caller's
//! stack, whatever thread it is on; the fast paths do not recurse.

use crate::source::{SourceFile, Span};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, MessageFormatter, Spanned, Tagged};
use std::cell::Cell;
use std::fmt;

mod events;
mod json;

/// Resource bounds for one file.
#[derive(Clone, Debug)]
pub struct YamlLimits {
    /// Maximum nesting of sequences and mappings, both as written and after alias
    /// expansion.
    pub max_depth: usize,
    /// Maximum number of nodes, both as written and in the loaded tree (aliases count
    /// once per use).
    pub max_nodes: usize,
    /// Maximum size of the file's text.
    pub max_bytes: usize,
    /// Maximum number of nodes that aliases and merges may copy (on top of the
    /// proportional budget, see [`ALIAS_NODES_PER_BYTE`]).
    pub max_alias_nodes: usize,
    /// Maximum nesting of Compose interpolation (`${A:-${B:-…}}`).
    pub max_interp_depth: usize,
}

impl Default for YamlLimits {
    fn default() -> Self {
        YamlLimits {
            max_depth: 128,
            max_nodes: 2_000_000,
            max_bytes: 64 * 1024 * 1024,
            max_alias_nodes: 2_000_000,
            max_interp_depth: 32,
        }
    }
}

/// Alias expansion is bounded separately from `max_nodes`: an anchor costs its size at
/// every use, so a small file can stand for an exponentially large tree ("billion
/// laughs"). Nodes copied by aliases and merges may number at most
/// `ALIAS_NODES_PER_BYTE` per byte of input (and at least `MIN_ALIAS_NODES`), so the cost
/// of expansion stays proportional to the size of the file, like the cost of everything
/// else. Real files stay far below: 1,500 services that each merge a 30-node `&defaults`
/// copy 45,000 nodes, from a file of at least 45 KB (a budget of 180,000).
const MIN_ALIAS_NODES: usize = 64 * 1024;
const ALIAS_NODES_PER_BYTE: usize = 4;

fn alias_budget(limits: &YamlLimits, text_len: usize) -> usize {
    text_len
        .saturating_mul(ALIAS_NODES_PER_BYTE)
        .max(MIN_ALIAS_NODES)
        .min(limits.max_nodes)
        .min(limits.max_alias_nodes)
}

#[derive(Clone, Debug, PartialEq)]
pub enum YValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<YNode>),
    Map(Vec<(YKey, YNode)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct YNode {
    pub value: YValue,
    /// Use site, as a byte range of the source: for a scalar its text (quotes
    /// included); for a collection from its first character to its last entry (to the
    /// closing bracket of a flow collection); for a value that came through an alias or
    /// a merge, the `*name` token.
    pub span: Span,
    /// Where the node was written, when it came through an alias or a `<<` merge.
    pub defined: Option<Span>,
    /// The node's resolved tag, if it has one (`!reset`, `!override`,
    /// `tag:yaml.org,2002:str`, …).
    pub tag: Option<String>,
    /// A scalar written in single or double quotes (at its definition site).
    pub quoted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YKey {
    pub text: String,
    /// Use site (the key's text, or the `*name` token of a merge).
    pub span: Span,
    /// Where the key was written, when it came through a `<<` merge or an alias.
    pub defined: Option<Span>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub span: Option<Span>,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for YamlError {}

// ---------------------------------------------------------------------------------------
// Raw tree, as serde-saphyr hands it over (locations not yet turned into byte spans).

type RawNode = Spanned<Tagged<Raw>>;

enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<RawNode>),
    Map(Vec<(Spanned<Option<String>>, RawNode)>),
}

/// Per-thread state of the load in progress: the deserializer recurses once per level of
/// the *expanded* tree, which alias replay can make deeper and larger than the written
/// text that serde-saphyr's budget counts, so the visitor checks both itself.
#[derive(Clone, Copy)]
struct Ctx {
    depth: usize,
    nodes: usize,
    max_depth: usize,
    max_nodes: usize,
}

thread_local! {
    static CTX: Cell<Ctx> = const {
        Cell::new(Ctx { depth: 0, nodes: 0, max_depth: 0, max_nodes: 0 })
    };
}

/// Installs a fresh [`Ctx`] for one load and restores the previous one when dropped.
struct LoadScope(Ctx);

impl LoadScope {
    fn new(limits: &YamlLimits) -> LoadScope {
        let fresh = Ctx {
            depth: 0,
            nodes: 0,
            max_depth: limits.max_depth,
            max_nodes: limits.max_nodes,
        };
        LoadScope(CTX.with(|c| c.replace(fresh)))
    }
}

impl Drop for LoadScope {
    fn drop(&mut self) {
        CTX.with(|c| c.set(self.0));
    }
}

/// Count one node of the loaded tree.
fn count_node<E: de::Error>() -> Result<(), E> {
    CTX.with(|c| {
        let mut ctx = c.get();
        if ctx.nodes >= ctx.max_nodes {
            return Err(E::custom(format_args!(
                "more than {} nodes (after alias expansion)",
                ctx.max_nodes
            )));
        }
        ctx.nodes += 1;
        c.set(ctx);
        Ok(())
    })
}

/// One level of nesting (a sequence or mapping) while it is being deserialized.
struct Level;

impl Level {
    fn enter<E: de::Error>() -> Result<Level, E> {
        CTX.with(|c| {
            let mut ctx = c.get();
            if ctx.depth >= ctx.max_depth {
                return Err(E::custom(format_args!(
                    "nesting deeper than {} levels (after alias expansion)",
                    ctx.max_depth
                )));
            }
            ctx.depth += 1;
            c.set(ctx);
            Ok(Level)
        })
    }
}

impl Drop for Level {
    fn drop(&mut self) {
        CTX.with(|c| {
            let mut ctx = c.get();
            ctx.depth = ctx.depth.saturating_sub(1);
            c.set(ctx);
        });
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        count_node::<D::Error>()?;
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
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
        Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Raw, E> {
        Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Raw, E> {
        Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_owned()))
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
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        d.deserialize_any(RawVisitor)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        d.deserialize_any(RawVisitor)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Raw, A::Error> {
        let _level = Level::enter::<A::Error>()?;
        let mut items = Vec::new();
        while let Some(x) = a.next_element::<RawNode>()? {
            items.push(x);
        }
        Ok(Raw::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Raw, A::Error> {
        let _level = Level::enter::<A::Error>()?;
        let mut entries = Vec::new();
        while let Some(k) = a.next_key::<Spanned<Option<String>>>()? {
            let v = a.next_value::<RawNode>()?;
            entries.push((k, v));
        }
        Ok(Raw::Map(entries))
    }
}

// ---------------------------------------------------------------------------------------
// Options, errors, conversion.

fn options(limits: &YamlLimits, text_len: usize) -> serde_saphyr::Options {
    let nodes = limits.max_nodes;
    // Backstops for serde-saphyr's own alias accounting, which counts events (up to two
    // per node); `check_aliases` has already applied the node budget.
    let replay = alias_budget(limits, text_len)
        .saturating_mul(2)
        .saturating_add(1024);
    serde_saphyr::options! {
        with_snippet: false,
        // With comment events on, more than 32 comment lines in a row at some places
        // (between sequence entries, before a document) are a parse error.
        emit_comments: false,
        strict_booleans: true,
        legacy_octal_numbers: true,
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::PassThrough,
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::Error,
        merge_keys: serde_saphyr::MergeKeyPolicy::Merge,
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: replay,
        },
        budget: serde_saphyr::budget! {
            enforce_alias_anchor_ratio: false,
            max_depth: limits.max_depth,
            max_nodes: nodes,
            // Every node is one or two events; comments and document markers add a few.
            max_events: nodes.saturating_mul(3).saturating_add(1024),
            max_total_scalar_bytes: limits.max_bytes,
            max_documents: 100_000,
            max_recorded_anchor_events: replay.saturating_add(text_len.saturating_mul(2)),
        },
    }
}

/// Count the nodes that aliases (and merges through them) would copy, on the parser's
/// event stream alone, and reject the file at the first alias that goes over the
/// budget: an alias bomb is refused in the time it takes to read it, before any tree is
/// built. Syntax errors are left to the real parse, which reports them better.
fn check_aliases(src: &SourceFile, limits: &YamlLimits) -> Result<(), YamlError> {
    use serde_saphyr::granit_parser::{Event, Parser};
    use std::collections::HashMap;

    // No alias without both an anchor (`&a`) and a reference (`*a`).
    if !(src.text.contains('*') && src.text.contains('&')) {
        return Ok(());
    }
    let budget = alias_budget(limits, src.text.len());
    // Expanded size of each anchored node, by anchor id.
    let mut sizes: HashMap<usize, usize> = HashMap::new();
    // Open collections: (expanded node count before it, its anchor id).
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut total = 0usize;
    let mut copied = 0usize;
    // As the real parse reads it: no comment events (see `options`), same nesting limits.
    let mut opts = serde_saphyr::granit_parser::Options::default();
    opts.emit_comments = false;
    opts.block_nesting_limit = opts
        .block_nesting_limit
        .max(limits.max_depth.saturating_add(1));
    for ev in Parser::new_from_str_with_options(&src.text, opts) {
        let Ok((ev, span)) = ev else {
            return Ok(());
        };
        match ev {
            Event::DocumentStart(..) => sizes.clear(),
            Event::Scalar(_, _, anchor, _) => {
                total = total.saturating_add(1);
                if anchor != 0 {
                    sizes.insert(anchor, 1);
                }
            }
            Event::SequenceStart(_, anchor, _) | Event::MappingStart(_, anchor, _) => {
                if open.len() > limits.max_depth {
                    return Ok(()); // too deep: the real parse reports it
                }
                open.push((total, anchor));
                total = total.saturating_add(1);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((before, anchor)) = open.pop() {
                    if anchor != 0 {
                        sizes.insert(anchor, total - before);
                    }
                }
            }
            Event::Alias(id) => {
                // An alias to an anchor still open (recursive) has no size yet; the
                // deserializer rejects it.
                let size = sizes.get(&id).copied().unwrap_or(1);
                total = total.saturating_add(size);
                copied = copied.saturating_add(size);
                if copied > budget {
                    let at = span
                        .byte_range()
                        .map(|r| src.clamp(Span::new(r.start, r.end)));
                    return Err(YamlError {
                        message: format!(
                            "YAML exceeds the loader's limits: aliases expand to more than \
                             {budget} nodes"
                        ),
                        span: at,
                    });
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// A serde-saphyr location as a byte span of `src` (`None` when unknown).
fn span_of(src: &SourceFile, loc: &Location) -> Option<Span> {
    if loc.line() == 0 {
        return None;
    }
    let sp = loc.span();
    match (sp.byte_offset(), sp.byte_len()) {
        (Some(o), Some(l)) => {
            let start = usize::try_from(o).unwrap_or(usize::MAX);
            let end = start.saturating_add(usize::try_from(l).unwrap_or(0));
            Some(src.clamp(Span::new(start, end)))
        }
        _ => {
            let line = usize::try_from(loc.line()).unwrap_or(usize::MAX);
            let col = usize::try_from(loc.column()).unwrap_or(usize::MAX);
            let o = src.offset_of(line, col);
            Some(Span::new(o, o))
        }
    }
}

fn error(src: &SourceFile, e: &serde_saphyr::Error) -> YamlError {
    // Unwrap snippet/alias wrappers to the original error for the message; the location
    // (of the outer error) is carried by the span.
    let mut inner = e;
    while let serde_saphyr::Error::WithSnippet { error, .. }
    | serde_saphyr::Error::AliasError { error, .. } = inner
    {
        inner = error;
    }
    let message = match inner {
        serde_saphyr::Error::DuplicateMappingKey { key: Some(k), .. } => {
            format!("duplicate key `{k}` in a mapping")
        }
        serde_saphyr::Error::DuplicateMappingKey { key: None, .. } => {
            "duplicate key in a mapping".to_string()
        }
        serde_saphyr::Error::Budget { breach, .. } => {
            format!("YAML exceeds the loader's limits: {}", budget_text(breach))
        }
        other => serde_saphyr::DefaultMessageFormatter
            .format_message(other)
            .into_owned(),
    };
    // The message may quote input; keep it on one line and free of control characters.
    let message: String = message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    YamlError {
        message,
        span: e.location().and_then(|l| span_of(src, &l)),
    }
}

fn budget_text(b: &serde_saphyr::budget::BudgetBreach) -> String {
    use serde_saphyr::budget::BudgetBreach as B;
    match b {
        B::Depth { depth } => format!("nesting depth {depth}"),
        B::Nodes { nodes } => format!("{nodes} nodes"),
        B::Events { events } => format!("{events} parser events"),
        B::Aliases { aliases } => format!("{aliases} aliases"),
        B::Anchors { anchors } => format!("{anchors} anchors"),
        B::Documents { documents } => format!("{documents} documents"),
        B::ScalarBytes { total_scalar_bytes } => format!("{total_scalar_bytes} bytes of scalars"),
        B::MergeKeys { merge_keys } => format!("{merge_keys} merge keys"),
        B::RecordedAnchorEvents {
            recorded_anchor_events,
        } => format!("{recorded_anchor_events} events recorded for anchors"),
        B::RecordedAnchorBytes {
            recorded_anchor_bytes,
        } => format!("{recorded_anchor_bytes} bytes recorded for anchors"),
        other => format!("{other:?}"),
    }
}

/// Shrink a span so it does not end in whitespace (block scalars end with the next
/// line's indentation).
fn trim_end(src: &SourceFile, s: Span) -> Span {
    let b = src.text.as_bytes();
    let mut end = s.end.min(b.len());
    while end > s.start && b[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    Span::new(s.start, end)
}

/// For a flow collection starting at `start` (`[` or `{`), the end just after its
/// closing bracket, looking from `end` (the end of its last entry) over whitespace,
/// commas and comments. Any other end is returned unchanged.
fn flow_end(src: &SourceFile, start: usize, end: usize) -> usize {
    let b = src.text.as_bytes();
    let close = match b.get(start) {
        Some(b'[') => b']',
        Some(b'{') => b'}',
        _ => return end,
    };
    let mut i = end.max(start + 1);
    while let Some(&c) = b.get(i) {
        match c {
            b' ' | b'\t' | b'\r' | b'\n' | b',' => i += 1,
            b'#' => {
                while b.get(i).is_some_and(|&c| c != b'\n' && c != b'\r') {
                    i += 1;
                }
            }
            c if c == close => return i + 1,
            _ => return end,
        }
    }
    end
}

/// The furthest end of the entry spans that lie after `base` (entries that came through
/// an alias may be defined elsewhere in the file), or the end of `base`.
fn entries_end(base: Span, entries: impl Iterator<Item = Span>) -> usize {
    entries
        .filter(|s| s.start >= base.start)
        .map(|s| s.end)
        .fold(base.end, usize::max)
}

struct Converter<'a> {
    src: &'a SourceFile,
}

impl Converter<'_> {
    fn key(&self, k: Spanned<Option<String>>) -> YKey {
        let span = span_of(self.src, &k.referenced).unwrap_or_default();
        let def = span_of(self.src, &k.defined).unwrap_or(span);
        // A null key (`null:`, `~:`, or no key at all) is read as the text written.
        let text = k
            .value
            .unwrap_or_else(|| self.src.slice(def).trim().to_string());
        YKey {
            text,
            span,
            defined: (def != span).then_some(def),
        }
    }

    fn node(&self, n: RawNode) -> YNode {
        let Spanned {
            value: Tagged(raw, tag),
            referenced,
            defined,
        } = n;
        let use_site = span_of(self.src, &referenced).unwrap_or_default();
        let def_site = span_of(self.src, &defined).unwrap_or(use_site);
        let aliased = def_site != use_site;
        // Collections span their entries where they were written: for an aliased one,
        // the anchored text (its entries' `defined`), otherwise the text here.
        let base = if aliased { def_site } else { use_site };
        let written = |span: Span, defined: Option<Span>| {
            if aliased {
                defined.unwrap_or(span)
            } else {
                span
            }
        };
        let (value, entries_end) = match raw {
            Raw::Null => (YValue::Null, None),
            Raw::Bool(b) => (YValue::Bool(b), None),
            Raw::Int(i) => (YValue::Int(i), None),
            Raw::Float(f) => (YValue::Float(f), None),
            Raw::Str(s) => (YValue::Str(s), None),
            Raw::Seq(items) => {
                let items: Vec<YNode> = items.into_iter().map(|x| self.node(x)).collect();
                let end = entries_end(base, items.iter().map(|x| written(x.span, x.defined)));
                (YValue::Seq(items), Some(end))
            }
            Raw::Map(entries) => {
                let entries: Vec<(YKey, YNode)> = entries
                    .into_iter()
                    .map(|(k, v)| (self.key(k), self.node(v)))
                    .collect();
                let spans = entries
                    .iter()
                    .flat_map(|(k, v)| [written(k.span, k.defined), written(v.span, v.defined)]);
                let end = entries_end(base, spans);
                (YValue::Map(entries), Some(end))
            }
        };
        let (span, defined, quoted) = match entries_end {
            Some(end) => {
                let whole = Span::new(base.start, flow_end(self.src, base.start, end));
                if aliased {
                    (use_site, Some(whole), false)
                } else {
                    (whole, None, false)
                }
            }
            None => {
                let def = trim_end(self.src, def_site);
                let quoted = matches!(self.src.text.as_bytes().get(def.start), Some(b'"' | b'\''))
                    && matches!(value, YValue::Str(_));
                if aliased {
                    (use_site, Some(def), quoted)
                } else {
                    (def, None, quoted)
                }
            }
        };
        YNode {
            value,
            span,
            defined,
            tag,
            quoted,
        }
    }
}

fn check_size(src: &SourceFile, limits: &YamlLimits) -> Result<(), YamlError> {
    if src.text.len() > limits.max_bytes {
        return Err(YamlError {
            message: format!(
                "file is {} bytes, larger than the limit of {} bytes",
                src.text.len(),
                limits.max_bytes
            ),
            span: None,
        });
    }
    Ok(())
}

fn null_node() -> YNode {
    YNode {
        value: YValue::Null,
        span: Span::default(),
        defined: None,
        tag: None,
        quoted: false,
    }
}

/// Stack for the parser thread: serde-saphyr's deserializer recurses once per level of
/// nesting, and unoptimised (debug) builds spend about 40 KiB of stack per level.
const PARSER_STACK_BASE: usize = 2 << 20;
const PARSER_STACK_PER_LEVEL: usize = 64 << 10;
const PARSER_STACK_MAX: usize = 1 << 30;

/// Run `f` on a thread whose stack fits `limits.max_depth` levels, so that deep (but
/// within budget) input cannot overflow whatever stack the caller runs on.
fn on_parser_thread<T: Send>(
    limits: &YamlLimits,
    f: impl FnOnce() -> Result<T, YamlError> + Send,
) -> Result<T, YamlError> {
    let stack = limits
        .max_depth
        .saturating_mul(PARSER_STACK_PER_LEVEL)
        .saturating_add(PARSER_STACK_BASE)
        .min(PARSER_STACK_MAX);
    std::thread::scope(|s| {
        match std::thread::Builder::new()
            .name("yaml-parser".into())
            .stack_size(stack)
            .spawn_scoped(s, f)
        {
            Ok(h) => h.join().unwrap_or_else(|_| {
                Err(YamlError {
                    message: "internal error in the YAML parser".into(),
                    span: None,
                })
            }),
            Err(e) => Err(YamlError {
                message: format!("cannot start the YAML parser thread: {e}"),
                span: None,
            }),
        }
    })
}

/// Load a single-document YAML or JSON file. An empty file (or one with only comments,
/// or only `null`) is a null node.
pub fn load(src: &SourceFile, limits: &YamlLimits) -> Result<YNode, YamlError> {
    check_size(src, limits)?;
    if let Some(node) = json::build(src, limits).or_else(|| events::build(src, limits)) {
        return Ok(node);
    }
    load_full(src, limits)
}

/// [`load`] through serde-saphyr's deserializer, for whatever the fast path declines.
fn load_full(src: &SourceFile, limits: &YamlLimits) -> Result<YNode, YamlError> {
    check_aliases(src, limits)?;
    on_parser_thread(limits, || {
        let _scope = LoadScope::new(limits);
        let raw: Option<RawNode> =
            serde_saphyr::from_str_with_options(&src.text, options(limits, src.text.len()))
                .map_err(|e| error(src, &e))?;
        Ok(match raw {
            Some(r) => Converter { src }.node(r),
            None => null_node(),
        })
    })
}

/// Load every document of a multi-document file (Kubernetes manifests). Empty and null
/// documents are skipped.
pub fn load_all(src: &SourceFile, limits: &YamlLimits) -> Result<Vec<YNode>, YamlError> {
    check_size(src, limits)?;
    check_aliases(src, limits)?;
    on_parser_thread(limits, || {
        let _scope = LoadScope::new(limits);
        let raws: Vec<RawNode> =
            serde_saphyr::from_multiple_with_options(&src.text, options(limits, src.text.len()))
                .map_err(|e| error(src, &e))?;
        let c = Converter { src };
        Ok(raws.into_iter().map(|r| c.node(r)).collect())
    })
}

/// Go's rendering of a float (`fmt.Sprint`), close enough for the values in config files.
fn float_text(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        f.to_string()
    }
}

impl YNode {
    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&YNode> {
        self.entry(key).map(|(_, v)| v)
    }
    /// The key itself (for its span).
    pub fn key(&self, key: &str) -> Option<&YKey> {
        self.entry(key).map(|(k, _)| k)
    }
    fn entry(&self, key: &str) -> Option<&(YKey, YNode)> {
        self.as_map()?.iter().find(|(k, _)| k.text == key)
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
    pub fn is_null(&self) -> bool {
        matches!(self.value, YValue::Null)
    }
    /// A scalar as text, the way Compose reads it into a string field: strings as they
    /// are, `true`/`false`, integers in decimal, floats as Go prints them. `None` for
    /// null and collections.
    pub fn scalar_string(&self) -> Option<String> {
        match &self.value {
            YValue::Str(s) => Some(s.clone()),
            YValue::Bool(b) => Some(b.to_string()),
            YValue::Int(i) => Some(i.to_string()),
            YValue::Float(f) => Some(float_text(*f)),
            _ => None,
        }
    }
    /// The source text of a scalar where it was written (quotes included), e.g. to tell
    /// `0440` from `288` or `yes` from `"yes"`. `None` for collections.
    pub fn raw<'s>(&self, src: &'s SourceFile) -> Option<&'s str> {
        match self.value {
            YValue::Seq(_) | YValue::Map(_) => None,
            _ => Some(src.slice(self.defined.unwrap_or(self.span))),
        }
    }
    /// The node as plain JSON (non-finite floats become null).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            YValue::Null => J::Null,
            YValue::Bool(b) => J::Bool(*b),
            YValue::Int(i) => J::from(*i),
            YValue::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
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
    use std::time::{Duration, Instant};

    fn file(text: &str) -> SourceFile {
        SourceFile::from_str("t.yaml", text)
    }

    fn ok(src: &SourceFile) -> YNode {
        match load(src, &YamlLimits::default()) {
            Ok(n) => n,
            Err(e) => panic!("{} at {:?}", e.message, e.span.map(|s| src.loc(s))),
        }
    }

    fn err(text: &str) -> (SourceFile, YamlError) {
        let src = file(text);
        let e = load(&src, &YamlLimits::default()).expect_err("should fail");
        (src, e)
    }

    /// (line, col, end_line, end_col) of a span.
    fn lc(src: &SourceFile, s: Span) -> (usize, usize, usize, usize) {
        let l = src.loc(s);
        (l.line, l.col, l.end_line, l.end_col)
    }

    fn at<'a>(n: &'a YNode, path: &[&str]) -> &'a YNode {
        path.iter().fold(n, |n, k| {
            n.get(k)
                .or_else(|| k.parse::<usize>().ok().and_then(|i| n.as_seq()?.get(i)))
                .unwrap_or_else(|| panic!("no {k}"))
        })
    }

    #[test]
    fn key_and_value_spans_are_exact() {
        let src = file("services:\n  web:\n    image: 'nginx:1'\n    privileged: yes\n    é: ünï # c\n    n: 12\n");
        let n = ok(&src);
        let web = at(&n, &["services", "web"]);
        let img = web.get("image").unwrap();
        assert_eq!(src.slice(img.span), "'nginx:1'");
        assert_eq!(lc(&src, img.span), (3, 12, 3, 21));
        assert!(img.quoted);
        assert_eq!(lc(&src, web.key("privileged").unwrap().span), (4, 5, 4, 15));
        assert_eq!(
            lc(&src, web.get("privileged").unwrap().span),
            (4, 17, 4, 20)
        );
        // Multi-byte characters: spans are bytes, columns are characters.
        let k = web.key("é").unwrap();
        assert_eq!(src.slice(k.span), "é");
        assert_eq!(lc(&src, k.span), (5, 5, 5, 6));
        let v = web.get("é").unwrap();
        assert_eq!(src.slice(v.span), "ünï");
        assert_eq!(lc(&src, v.span), (5, 8, 5, 11));
        assert_eq!(lc(&src, web.get("n").unwrap().span), (6, 8, 6, 10));
        // A block mapping runs from its first key to its last value.
        assert_eq!(lc(&src, web.span), (3, 5, 6, 10));
        assert_eq!(lc(&src, n.span), (1, 1, 6, 10));
        assert!(k.defined.is_none() && v.defined.is_none());
    }

    #[test]
    fn collection_spans() {
        let src = file("e: []\nf: {}\ng: [ [a] , {b: c} , ]   # c\nh:\n  - x\n  -   y\nblk: >-\n  folded\n  text\n\nt: end\n");
        let n = ok(&src);
        assert_eq!(src.slice(n.get("e").unwrap().span), "[]");
        assert_eq!(src.slice(n.get("f").unwrap().span), "{}");
        let g = n.get("g").unwrap();
        assert_eq!(src.slice(g.span), "[ [a] , {b: c} , ]");
        assert_eq!(src.slice(at(&n, &["g", "0"]).span), "[a]");
        assert_eq!(src.slice(at(&n, &["g", "1"]).span), "{b: c}");
        let h = n.get("h").unwrap();
        assert_eq!(src.slice(h.span), "- x\n  -   y");
        assert_eq!(lc(&src, at(&n, &["h", "1"]).span), (6, 7, 6, 8));
        // A block scalar starts at its content and does not cover trailing blank lines.
        let blk = n.get("blk").unwrap();
        assert_eq!(blk.as_str(), Some("folded text"));
        assert_eq!(lc(&src, blk.span), (8, 3, 9, 7));
    }

    #[test]
    fn crlf_line_endings() {
        let src = file("a: 1\r\nb:\r\n  c: x\r\n");
        let n = ok(&src);
        assert_eq!(lc(&src, at(&n, &["b", "c"]).span), (3, 6, 3, 7));
        assert_eq!(
            lc(&src, n.get("b").unwrap().key("c").unwrap().span),
            (3, 3, 3, 4)
        );
    }

    const MERGE: &str = "\
x-common: &common
  restart: always
  image: \"base:1\"
  env: [a, b]
services:
  web:
    <<: *common
    image: mine
  api:
    image: api
    <<: *common
";

    #[test]
    fn merge_values_keep_use_and_anchor_sites() {
        let src = file(MERGE);
        let n = ok(&src);
        let web = at(&n, &["services", "web"]);
        // Keys written in the mapping win over merged ones, before or after `<<`.
        assert_eq!(web.get("image").unwrap().as_str(), Some("mine"));
        assert_eq!(at(&n, &["services", "api", "image"]).as_str(), Some("api"));
        assert!(web.get("<<").is_none());
        // Own entries first, then the merged ones.
        let keys: Vec<&str> = web
            .as_map()
            .unwrap()
            .iter()
            .map(|(k, _)| k.text.as_str())
            .collect();
        assert_eq!(keys, ["image", "restart", "env"]);
        let r = web.get("restart").unwrap();
        assert_eq!(r.as_str(), Some("always"));
        assert_eq!(src.slice(r.span), "*common");
        assert_eq!(
            lc(&src, r.span),
            (7, 9, 7, 16),
            "use site: the merge's alias"
        );
        assert_eq!(lc(&src, r.defined.unwrap()), (2, 12, 2, 18), "anchor site");
        let k = web.key("restart").unwrap();
        assert_eq!(lc(&src, k.span), (7, 9, 7, 16));
        assert_eq!(lc(&src, k.defined.unwrap()), (2, 3, 2, 10));
        let env = web.get("env").unwrap();
        assert_eq!(src.slice(env.defined.unwrap()), "[a, b]");
        assert_eq!(src.slice(at(env, &["1"]).defined.unwrap()), "b");
        assert_eq!(
            at(&n, &["services", "api", "restart"]).as_str(),
            Some("always")
        );
        assert_eq!(lc(&src, at(&n, &["services", "api", "restart"]).span).0, 11);
        // The merged-from value is quoted where it was written.
        let img = at(&n, &["x-common", "image"]);
        assert!(img.quoted);
    }

    #[test]
    fn merge_lists_and_repeated_merges_prefer_the_earlier_map() {
        let src = file(
            "a: &a {x: 1, y: 1}\nb: &b {x: 2, z: 2}\nc:\n  <<: [*a, *b]\n  w: 0\nd:\n  <<: [*b, *a]\ne:\n  <<: *a\n  <<: *b\nf:\n  <<: {x: 5}\n  y: 6\n",
        );
        let n = ok(&src);
        let int = |p: &[&str]| match at(&n, p).value {
            YValue::Int(i) => i,
            ref v => panic!("{v:?}"),
        };
        assert_eq!(
            (
                int(&["c", "x"]),
                int(&["c", "y"]),
                int(&["c", "z"]),
                int(&["c", "w"])
            ),
            (1, 1, 2, 0)
        );
        assert_eq!((int(&["d", "x"]), int(&["d", "y"])), (2, 1));
        assert_eq!((int(&["e", "x"]), int(&["e", "z"])), (1, 2));
        assert_eq!((int(&["f", "x"]), int(&["f", "y"])), (5, 6));
        let z = at(&n, &["c", "z"]);
        assert_eq!(src.slice(z.span), "*b");
        assert_eq!(lc(&src, z.defined.unwrap()), (2, 17, 2, 18));
        // A merge of something else than mappings is an error.
        let (src, e) = err("a: &s x\nb:\n  <<: *s\n");
        assert!(e.message.contains("merge"), "{}", e.message);
        assert!(e.span.is_some(), "{:?}", src.text);
    }

    #[test]
    fn aliases_keep_use_and_anchor_sites() {
        let src = file("a: &s \"x\"\nb: *s\nc: &m\n  k: v\n  l: [1, 2]\nd: *m\n");
        let n = ok(&src);
        let b = n.get("b").unwrap();
        assert_eq!(b.as_str(), Some("x"));
        assert_eq!(lc(&src, b.span), (2, 4, 2, 6));
        assert_eq!(src.slice(b.defined.unwrap()), "\"x\"");
        assert!(b.quoted);
        assert_eq!(b.raw(&src), Some("\"x\""));
        let d = n.get("d").unwrap();
        assert_eq!(src.slice(d.span), "*m");
        assert_eq!(src.slice(d.defined.unwrap()), "k: v\n  l: [1, 2]");
        let l = d.get("l").unwrap();
        assert_eq!(src.slice(l.span), "*m");
        assert_eq!(src.slice(l.defined.unwrap()), "[1, 2]");
        assert_eq!(src.slice(d.key("k").unwrap().defined.unwrap()), "k");
        assert_eq!(d.to_json(), n.get("c").unwrap().to_json());
        // The anchored node itself is not "defined elsewhere".
        assert!(n.get("c").unwrap().defined.is_none());
    }

    #[test]
    fn scalars_follow_the_yaml_1_2_core_schema() {
        let src = file(concat!(
            "b: [true, True, FALSE, yes, no, on, Off, y, n, \"true\", 'yes']\n",
            "i: [12, -3, +1, 0o17, -0o17, 0x1F, 0b101, 0440, 1_000, 99999999999999999999]\n",
            "f: [1e3, 1.5, -.inf, .NaN, 08]\n",
            "z: [~, null, Null, NULL, '', \"\", 2024-01-01]\n",
            "e:\n",
            "privileged: yes\n",
        ));
        let n = ok(&src);
        let vals = |k: &str| -> Vec<YValue> {
            n.get(k)
                .unwrap()
                .as_seq()
                .unwrap()
                .iter()
                .map(|x| x.value.clone())
                .collect()
        };
        use YValue::*;
        let s = |x: &str| Str(x.to_string());
        assert_eq!(
            vals("b"),
            [
                Bool(true),
                Bool(true),
                Bool(false),
                s("yes"),
                s("no"),
                s("on"),
                s("Off"),
                s("y"),
                s("n"),
                s("true"),
                s("yes")
            ]
        );
        assert_eq!(
            vals("i"),
            [
                Int(12),
                Int(-3),
                Int(1),
                Int(15),
                Int(-15),
                Int(31),
                Int(5),
                Int(288),
                Int(1000),
                Float(1e20)
            ]
        );
        let f = vals("f");
        assert_eq!(f[0], Float(1000.0));
        assert_eq!(f[1], Float(1.5));
        assert!(matches!(f[2], Float(x) if x == f64::NEG_INFINITY));
        assert!(matches!(f[3], Float(x) if x.is_nan()));
        assert_eq!(f[4], Float(8.0));
        assert_eq!(
            vals("z"),
            [Null, Null, Null, Null, s(""), s(""), s("2024-01-01")]
        );
        assert_eq!(n.get("e").unwrap().value, Null);
        let p = n.get("privileged").unwrap();
        assert_eq!(p.as_str(), Some("yes"));
        assert!(!p.quoted);
        let q = at(&n, &["b", "9"]);
        assert!(q.quoted);
        assert_eq!(q.raw(&src), Some("\"true\""));
        assert_eq!(at(&n, &["i", "7"]).raw(&src), Some("0440"));
        // Text as Compose reads scalars into strings.
        let text = |p: &[&str]| at(&n, p).scalar_string();
        assert_eq!(text(&["b", "0"]).as_deref(), Some("true"));
        assert_eq!(text(&["i", "3"]).as_deref(), Some("15"));
        assert_eq!(text(&["f", "0"]).as_deref(), Some("1000"));
        assert_eq!(text(&["f", "1"]).as_deref(), Some("1.5"));
        assert_eq!(text(&["f", "2"]).as_deref(), Some("-Inf"));
        assert_eq!(text(&["z", "0"]), None);
        assert_eq!(n.get("b").unwrap().scalar_string(), None);
    }

    #[test]
    fn keys_are_text_as_written() {
        let src = file("1: a\n1.0: b\ntrue: c\n\"q\": d\nnull: e\n0x1F: f\n'<<': g\n");
        let n = ok(&src);
        let keys: Vec<&str> = n
            .as_map()
            .unwrap()
            .iter()
            .map(|(k, _)| k.text.as_str())
            .collect();
        assert_eq!(keys, ["1", "1.0", "true", "q", "null", "0x1F", "<<"]);
        assert_eq!(src.slice(n.key("q").unwrap().span), "\"q\"");
        let (src, e) = err("a: 1\n[x]: 2\n");
        assert_eq!(lc(&src, e.span.unwrap()).0, 2, "{}", e.message);
    }

    #[test]
    fn duplicate_keys_are_errors_with_the_second_location() {
        let (src, e) = err("services:\n  a:\n    image: x\n    image: y\n");
        assert_eq!(e.message, "duplicate key `image` in a mapping");
        assert_eq!(lc(&src, e.span.unwrap()), (4, 5, 4, 10));
        let (_, e) = err("{\"a\": 1, \"a\": 2}");
        assert!(e.message.contains("duplicate"));
        // Keys are compared as written values: these differ.
        ok(&file("a: 1\n\"a \": 2\n"));
    }

    #[test]
    fn tags_are_kept() {
        let src = file("p: !reset []\nq: !override [a]\nr: !reset\ns: !!str 12\nt: &t !reset {a: 1}\nu: *t\nv: !reset null\n");
        let n = ok(&src);
        let tag = |k: &str| n.get(k).unwrap().tag.clone();
        assert_eq!(tag("p").as_deref(), Some("!reset"));
        assert_eq!(n.get("p").unwrap().as_seq().map(<[_]>::len), Some(0));
        assert_eq!(tag("q").as_deref(), Some("!override"));
        assert_eq!(at(&n, &["q", "0"]).as_str(), Some("a"));
        assert_eq!(tag("r").as_deref(), Some("!reset"));
        assert_eq!(n.get("r").unwrap().value, YValue::Null);
        assert_eq!(tag("s").as_deref(), Some("tag:yaml.org,2002:str"));
        assert_eq!(n.get("s").unwrap().as_str(), Some("12"));
        assert_eq!(tag("u").as_deref(), Some("!reset"), "through an alias");
        assert_eq!(n.get("v").unwrap().value, YValue::Null);
        assert_eq!(src.slice(n.get("p").unwrap().span), "[]");
    }

    #[test]
    fn json_files_load() {
        let text = "{\n\t\"name\": \"io.github.acme/weather\",\n\t\"version\": \"1.0.2\",\n\t\"packages\": [\n\t\t{\"registryType\": \"oci\", \"identifier\": \"ghcr.io/acme/weather:1.0.2\",\n\t\t \"transport\": {\"type\": \"stdio\"}, \"environmentVariables\": [{\"name\": \"API_KEY\", \"isSecret\": true, \"default\": null}]}\n\t],\n\t\"n\": -1.5e2, \"esc\": \"a\\u00e9\\n\"\n}\n";
        let src = SourceFile::from_str("server.json", text);
        let n = ok(&src);
        assert_eq!(
            n.get("name").unwrap().as_str(),
            Some("io.github.acme/weather")
        );
        let env = at(&n, &["packages", "0", "environmentVariables", "0"]);
        assert_eq!(env.get("isSecret").unwrap().value, YValue::Bool(true));
        assert_eq!(env.get("default").unwrap().value, YValue::Null);
        assert_eq!(n.get("n").unwrap().value, YValue::Float(-150.0));
        assert_eq!(n.get("esc").unwrap().as_str(), Some("aé\n"));
        let k = n.key("version").unwrap();
        assert_eq!(src.slice(k.span), "\"version\"");
        assert_eq!(lc(&src, k.span), (3, 2, 3, 11));
        let p = at(&n, &["packages", "0"]);
        assert_eq!(lc(&src, p.span).0, 5);
        assert_eq!(lc(&src, p.span).2, 6);
        assert_eq!(src.slice(n.span), text.trim_end());
        let json = n.to_json();
        assert_eq!(json["packages"][0]["transport"]["type"], "stdio");
        assert_eq!(json["esc"], "aé\n");
        // Broken JSON is an error with a location.
        let bad = SourceFile::from_str("server.json", "{\n  \"a\": 1,\n  \"b\": [1, 2\n}\n");
        let e = load(&bad, &YamlLimits::default()).unwrap_err();
        assert!(e.span.is_some(), "{}", e.message);
    }

    #[test]
    fn multi_document_files() {
        let src = file("kind: A\n---\n# empty\n---\nkind: B\nmeta: &m {x: 1}\n---\nkind: C\n...\n");
        let docs = load_all(&src, &YamlLimits::default()).unwrap();
        let kinds: Vec<_> = docs
            .iter()
            .map(|d| d.get("kind").unwrap().as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["A", "B", "C"]);
        assert_eq!(lc(&src, docs[1].get("kind").unwrap().span), (5, 7, 5, 8));
        // An anchor does not reach into the next document.
        let src = file("a: &x 1\n---\nb: *x\n");
        let e = load_all(&src, &YamlLimits::default()).unwrap_err();
        assert_eq!(lc(&src, e.span.unwrap()).0, 3, "{}", e.message);
        // `load` wants exactly one document.
        let (_, e) = err("a: 1\n---\nb: 2\n");
        assert!(!e.message.is_empty());
        assert!(load_all(&file(""), &YamlLimits::default())
            .unwrap()
            .is_empty());
    }

    #[test]
    fn empty_and_null_documents() {
        for t in ["", "# only a comment\n", "---\n", "~\n", "null"] {
            let n = ok(&file(t));
            assert_eq!(n.value, YValue::Null, "{t:?}");
        }
        assert_eq!(ok(&file("just text")).as_str(), Some("just text"));
    }

    #[test]
    fn syntax_errors_have_locations() {
        let cases: &[(&str, (usize, usize))] = &[
            ("a:\n  b: [1, 2\nc: d\n", (3, 2)),
            ("\"unterminated\n", (1, 1)),
            ("a: b: c\n", (1, 5)),
            ("- a\nb: c\n", (2, 1)),
            ("a: *nope\n", (1, 4)),
            ("k: @x\n", (1, 4)),
            ("é: x\n  ü: [\n", (2, 4)),
        ];
        for (text, (line, col)) in cases {
            let (src, e) = err(text);
            let s = e
                .span
                .unwrap_or_else(|| panic!("no span for {text:?}: {}", e.message));
            let l = src.loc(s);
            assert_eq!((l.line, l.col), (*line, *col), "{text:?}: {}", e.message);
            assert!(!e.message.contains(" at line "), "{}", e.message);
        }
    }

    #[test]
    fn messages_have_no_control_characters() {
        let (_, e) = err("\"a\\nb\": 1\n\"a\\nb\": 2\n");
        assert!(e.message.contains("duplicate key"), "{}", e.message);
        assert!(!e.message.chars().any(char::is_control), "{:?}", e.message);
    }

    fn quick(text: &str) -> (SourceFile, YamlError) {
        let t = Instant::now();
        let r = err(text);
        assert!(
            t.elapsed() < Duration::from_secs(1),
            "took {:?}",
            t.elapsed()
        );
        r
    }

    #[test]
    fn alias_bombs_are_refused_quickly() {
        let mut laughs = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for w in names.windows(2) {
            let refs = vec![format!("*{}", w[0]); 9].join(",");
            laughs.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
        }
        let (src, e) = quick(&laughs);
        assert!(e.message.contains("aliases expand"), "{}", e.message);
        assert!(src.slice(e.span.unwrap()).starts_with('*'));
        // Merges count too.
        let mut merges =
            String::from("a: &a {k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7}\n");
        for (i, w) in names.windows(2).enumerate() {
            merges.push_str(&format!(
                "{}: &{} {{<<: [*{p}], m{i}: [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]}}\n",
                w[1],
                w[1],
                p = w[0]
            ));
        }
        let (_, e) = quick(&merges);
        assert!(e.message.contains("aliases expand"), "{}", e.message);
        // One big anchor used many times.
        let mut wide = String::from("x: &x {");
        for i in 0..1000 {
            wide.push_str(&format!("k{i}: v, "));
        }
        wide.push_str("}\nl:\n");
        wide.push_str(&"  - *x\n".repeat(3000));
        let (_, e) = quick(&wide);
        assert!(e.message.contains("aliases expand"), "{}", e.message);
        // Comments before the bomb do not hide it from the alias check.
        let (_, e) = quick(&format!("{}{laughs}", "# c\n".repeat(300)));
        assert!(e.message.contains("aliases expand"), "{}", e.message);
        let (_, e) = quick("a: &a [*a]\n");
        assert!(e.message.contains("recursive"), "{}", e.message);
    }

    #[test]
    fn many_aliases_to_one_anchor_are_fine() {
        let mut s = String::from("x-defaults: &d\n  restart: always\n  logging: {driver: json-file, options: {max-size: 10m}}\nservices:\n");
        for i in 0..1500 {
            s.push_str(&format!(
                "  s{i}:\n    <<: *d\n    image: img{i}\n    labels: *d\n"
            ));
        }
        let src = file(&s);
        let n = ok(&src);
        let svc = at(&n, &["services", "s1499"]);
        assert_eq!(svc.get("restart").unwrap().as_str(), Some("always"));
        assert_eq!(
            at(svc, &["labels", "logging", "driver"]).as_str(),
            Some("json-file")
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep_block: String = (0..3000)
            .map(|i| format!("{}a:\n", " ".repeat(i)))
            .collect();
        for text in [
            "- ".repeat(100_000),
            "[".repeat(100_000),
            "{a: ".repeat(100_000),
            "{".repeat(100_000),
            deep_block,
        ] {
            let (src, e) = quick(&text);
            assert!(e.span.is_some(), "{}", e.message);
            assert!(
                e.message.contains("depth") || e.message.contains("recursion"),
                "{}",
                e.message
            );
            drop(src);
        }
        // Within the limit is fine, even from a thread with a small stack: the parser runs
        // on its own.
        let ok_text = format!("{}x{}", "[".repeat(127), "]".repeat(127));
        let r = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || load(&file(&ok_text), &YamlLimits::default()).map(|n| n.to_json()))
            .unwrap()
            .join()
            .unwrap();
        assert!(r.is_ok());
    }

    #[test]
    fn nesting_up_to_the_limit_loads() {
        // 128 levels of every kind, from a test thread (2 MiB of stack).
        let block_map: String = (0..127)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        let block_map = format!("{block_map}{}v: 1\n", " ".repeat(127));
        let block_seq = format!("{}x\n", "- ".repeat(128));
        let flow_map = format!("{}1{}", "{a: ".repeat(128), "}".repeat(128));
        // Merges and aliases at depth: an anchor 60 deep used 60 deep, merged.
        let inner = format!("{}1{}", "{m: ".repeat(60), "}".repeat(60));
        let merged = format!(
            "a: &a {inner}\nb: {}{{<<: *a, z: 2}}{}\n",
            "[".repeat(60),
            "]".repeat(60)
        );
        for text in [block_map, block_seq, flow_map, merged] {
            let src = file(&text);
            let n = ok(&src);
            assert!(n.to_json() != serde_json::Value::Null);
        }
        let e = load(
            &file(&format!("{}x\n", "- ".repeat(129))),
            &YamlLimits::default(),
        );
        assert!(e.is_err());
    }

    #[test]
    fn nesting_through_aliases_is_bounded() {
        // Each document is 61 levels deep as written; through the aliases it would be
        // far deeper.
        let mut s = format!("a: &a {}x{}\n", "[".repeat(60), "]".repeat(60));
        for i in 0..4 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("b{}", i - 1)
            };
            s.push_str(&format!(
                "b{i}: &b{i} {}*{prev}{}\n",
                "[".repeat(60),
                "]".repeat(60)
            ));
        }
        let (_, e) = quick(&s);
        assert!(
            e.message.contains("depth") || e.message.contains("nesting"),
            "{}",
            e.message
        );
        // The loader's own check, with a budget that serde-saphyr's does not see.
        let src = file("a: &a [[[[1]]]]\nb: [[[[*a]]]]\n");
        let limits = YamlLimits {
            max_depth: 6,
            ..YamlLimits::default()
        };
        let e = load(&src, &limits).unwrap_err();
        assert!(e.message.contains("nest"), "{}", e.message);
        let r = load(
            &src,
            &YamlLimits {
                max_depth: 9,
                ..limits
            },
        );
        assert!(r.is_ok(), "{:?}", r.err());
    }

    #[test]
    fn node_and_size_limits() {
        let src = file("a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n");
        let small = YamlLimits {
            max_nodes: 5,
            ..YamlLimits::default()
        };
        let e = load(&src, &small).unwrap_err();
        assert!(e.message.contains("nodes"), "{}", e.message);
        let tiny = YamlLimits {
            max_bytes: 10,
            ..YamlLimits::default()
        };
        let e = load(&src, &tiny).unwrap_err();
        assert!(e.message.contains("larger than"), "{}", e.message);
        assert!(load_all(&src, &tiny).is_err());
        // Aliases count in the loaded tree.
        let src = file("a: &a [1, 2, 3]\nb: [*a, *a, *a]\n");
        let e = load(
            &src,
            &YamlLimits {
                max_nodes: 12,
                ..YamlLimits::default()
            },
        )
        .unwrap_err();
        assert!(e.message.contains("nodes"), "{}", e.message);
        assert!(load(
            &src,
            &YamlLimits {
                max_nodes: 20,
                ..YamlLimits::default()
            }
        )
        .is_ok());
    }

    #[test]
    fn long_runs_of_comments_are_fine() {
        let text = format!(
            "services:\n  a:\n    image: x\n{}  b:\n    ports:\n{}      - 80\n{}",
            "# c\n".repeat(200),
            "      # c\n".repeat(200),
            "# end\n".repeat(100)
        );
        let n = ok(&file(&text));
        assert_eq!(
            at(&n, &["services", "b", "ports", "0"]).value,
            YValue::Int(80)
        );
        let multi = format!("a: 1\n---\n{}x: &x 1\ny: *x\n", "# c\n".repeat(300));
        assert_eq!(
            load_all(&file(&multi), &YamlLimits::default())
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn accessors() {
        let n = ok(&file("m: {a: 1}\ns: [x]\nt: text\n"));
        assert!(n.get("m").unwrap().as_map().is_some());
        assert!(n.get("m").unwrap().as_seq().is_none());
        assert_eq!(n.get("s").unwrap().as_seq().unwrap().len(), 1);
        assert_eq!(n.get("t").unwrap().as_str(), Some("text"));
        assert!(n.get("nope").is_none() && n.key("nope").is_none());
        assert!(n.get("t").unwrap().get("x").is_none());
        assert!(n.get("m").unwrap().raw(&file("")).is_none());
        assert_eq!(
            n.to_json(),
            serde_json::json!({"m": {"a": 1}, "s": ["x"], "t": "text"})
        );
    }

    /// (path, text) of every YAML and JSON file under `dirs` smaller than `max_len` bytes.
    fn yaml_files(mut dirs: Vec<std::path::PathBuf>, max_len: u64) -> Vec<(String, String)> {
        let mut out = Vec::new();
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                let ext = p.extension().and_then(|x| x.to_str()).unwrap_or("");
                if p.is_dir() {
                    dirs.push(p);
                } else if matches!(ext, "yaml" | "yml" | "json")
                    && e.metadata().is_ok_and(|m| m.len() < max_len)
                {
                    let bytes = std::fs::read(&p).unwrap();
                    out.push((
                        p.display().to_string(),
                        String::from_utf8_lossy(&bytes).into(),
                    ));
                }
            }
        }
        out
    }

    /// The fast path gives the full path's tree wherever it does not decline: on edge
    /// cases, on every YAML and JSON file of the fixtures and, when it is there, of
    /// `../shared/corpus`.
    #[test]
    fn fast_and_full_paths_agree() {
        let limits = YamlLimits::default();
        let mut cases: Vec<(String, String)> = [
            "",
            "# c\n",
            "---\n",
            "~",
            "null\n",
            "plain",
            "'quoted'",
            "a: 1\nb: -2\nc: 0x1F\nd: 0o17\ne: 0440\nf: 1e3\ng: .inf\nh: -.Inf\ni: 1_000\n",
            "j: 99999999999999999999\nk: -99999999999999999999\nl: +1\nm: .5\nn: 1.\no: 08\n",
            "p: true\nq: False\nr: TRUE\ns: yes\nt: no\nu: on\nv: tRue\nw: inf\nx: nan\n",
            "a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: nul\ng: 'null'\nh: \"~\"\n",
            "a: 30s\nb: 256M\nc: 1.2.3\nd: 10:20\ne: -x\nf: .x\ng: +\nh: 1e\ni: 0b101\nj: 0b2\n",
            "a: |\n  lit\n  eral\n\nb: >-\n  fold\n  ed\nc: \"esc\\u00e9\\n\"\nd: 'it''s'\n",
            "list:\n  - a\n  - [b, {c: d}, []]\n  - {}\n  -\n  - - nested\nflow: {a: 1, b: [2, 3], }\n",
            "a:\n  b:\n    c:\n      d: deep   # comment\n  e: f\n",
            "k1: 1\nk2: 2\nk3: 3\nk4: 4\nk5: 5\nk6: 6\nk7: 7\nk8: 8\nk9: 9\nk10: 10\nk11: 11\nk12: 12\nk13: 13\nk14: 14\nk15: 15\nk16: 16\nk17: 17\nk18: 18\nk1: 19\n",
            "a: 1\na: 2\n",
            "a: 1\n'a': 2\n",
            "1: a\n",
            "true: a\n",
            "~: a\n",
            ": a\n",
            "? a\n: b\n",
            "[a]: b\n",
            "<<: {a: 1}\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "%YAML 1.1\n---\na: yes\n",
            "a: 1\n---\nb: 2\n",
            "a: [1, 2\n",
            "a: b: c\n",
            "\"json\": {\"a\": [1, 2.5, true, null, \"x\"], \"b\": {}}\n",
            "a:\r\n  - b\r\n  - c\r\n",
            "é: ünï\n\"ü\": 'é'\n",
            "- 1\n- -1\n- 'x'\n",
            "- 0\n- -0\n- 12\n- -12\n- 007\n- 1.50\n- -0.5\n- 0.0\n- -0.0\n- 00.5\n- 1.\n- .1\n- 1.2e3\n",
            "- 123456789012345678\n- -123456789012345678\n- 1234567890123456789\n- 9223372036854775807\n- 9223372036854775808\n- 1.5.\n- 1..5\n- -\n- --1\n",
            "{\"n\": [1, -2, 3.25, 0, 1e-3, 10000000000000000000000]}",
            // JSON, for the JSON path as well.
            "{}",
            "[]",
            " [ ] \n",
            "{\"a\": {}, \"b\": [], \"c\": [{}, []], \"d\": [[[1]]]}",
            "[1, -0, 0, 0.5, -0.0, 1e5, 1E-5, -1.5e+3, 12345678901234567890, 1.0, 9223372036854775807, 9223372036854775808]",
            "{\"s\": \"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\u0000 \\u20AC \\u001f\"}",
            "{\"a\"\n: 1}",
            "{\"a\" : 1, \"b\"  :2}",
            "{\"<<\": {\"b\": 1}}",
            "{\"a\": 1, \"a\": 2}",
            "[1,]",
            "{\"a\":1,}",
            "\t{\"a\": 1}",
            "{\"a\":\t1}",
            "{\n\t\"a\": 1\n}",
            "{\"a\": \"\\ud83d\\ude00\"}",
            "{\"a\": \"raw\ttab\"}",
            "{\"a\": \"é😀 \u{85} \u{a0}\"}",
            "{\"a\": \"\u{7f}\"}",
            "{\"a\u{2028}b\": \"c\u{2029}d\", \"e\u{85}\": [\"\u{2028}\"]}",
            "{\"a\": \"\u{9f}\"}",
            "{\"a\": \"\u{feff}\"}",
            "{\"a\": tru}",
            "{\"a\": 01}",
            "{\"a\": .5}",
            "{\"a\": +1}",
            "{\"a\": 1.}",
            "{\"a\": 1e}",
            "{\"a\": -}",
            "{\"a\": 1}x",
            "{\"a\": 1} # c",
            "{\"a\": 1}\n---\n",
            "{\"a\": [1, 2]}\n\n",
            "{\r\n  \"a\": [1,\r\n 2]\r\n}\r\n",
            "{\"a\": 1,\r\"b\": 2}",
            "\"string root\"",
            "1",
            "{\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,\"k9\":9,\"k10\":10,\"k11\":11,\"k12\":12,\"k13\":13,\"k14\":14,\"k15\":15,\"k16\":16,\"k17\":17,\"k1\":18}",
            "{\"a\": {\"b\": [true, false, null, \"true\", \"\", \" \"]}, \"\": 0}",
            "{\"a\": \"x # y\", \"b\": \"- z\", \"c\": \"k: v\", \"d\": \"*e &f !g\"}",
        ]
        .iter()
        .map(|t| (format!("{t:?}"), t.to_string()))
        .collect();
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let corpus = root.join("../shared/corpus");
        let mut dirs = vec![root.join("fixtures")];
        if corpus.is_dir() {
            dirs.push(corpus);
        }
        let long_key = format!(
            "{{\"{}\": 1, \"{}\": 2}}",
            "k".repeat(1000),
            "k".repeat(1100)
        );
        cases.push(("long keys".into(), long_key));
        cases.extend(yaml_files(dirs, 512 * 1024));
        let (mut taken, mut json_taken, mut json_files) = (0, 0, 0);
        for (name, text) in &cases {
            let src = file(text);
            let full = load_full(&src, &limits);
            if let Some(fast) = events::build(&src, &limits) {
                taken += 1;
                assert_eq!(Ok(fast), full, "{name}");
            }
            json_files += usize::from(name.ends_with(".json"));
            if let Some(fast) = json::build(&src, &limits) {
                json_taken += usize::from(name.ends_with(".json"));
                assert_eq!(Ok(fast), full, "JSON path: {name}");
            }
        }
        // Most files are plain documents: the fast paths must be taken, not just agree.
        assert!(
            taken * 2 > cases.len(),
            "fast path taken {taken} of {}",
            cases.len()
        );
        assert!(
            json_taken * 10 > json_files * 9,
            "JSON path taken for {json_taken} of {json_files} JSON files"
        );
    }

    /// The JSON path takes strict JSON data (and then agrees with the full path, as
    /// `fast_and_full_paths_agree` checks) and declines what it leaves to the YAML parser.
    #[test]
    fn json_path_takes_plain_json_and_declines_the_rest() {
        let limits = YamlLimits::default();
        let taken = [
            "{}",
            "[]\n",
            "{\"a\": {\"b\": [1, -2.5, 1e3, true, false, null, \"x\"]}, \"\": []}",
            "{\r\n  \"a\": \"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"\r\n}\r\n",
            "{\"é😀\": \"\u{85}\u{a0}\u{2028}\"}",
            "{\"a\" : 1}",
        ];
        for t in taken {
            let src = file(t);
            assert!(json::build(&src, &limits).is_some(), "{t:?} declined");
            assert!(load(&src, &limits).is_ok(), "{t:?}");
        }
        let declined = [
            "",
            "a: 1",
            "\"root\"",
            "1",
            "{\"a\":\t1}",
            "[1,]",
            "{\"a\": 1,}",
            "{\"a\": 1, \"a\": 2}",
            "{\"<<\": {}}",
            "{\"a\": \"\\ud83d\\ude00\"}",
            "{\"a\": \"\\x41\"}",
            "{\"a\": \"raw\ttab\"}",
            "{\"a\": \"\u{7f}\"}",
            "{\"a\"\n: 1}",
            "{\"a\": 01}",
            "{\"a\": .5}",
            "{\"a\": 1} # c",
            "{\"a\": 1}\n---\n",
            "{a: 1}",
            "{\"a\": [1, 2}",
        ];
        for t in declined {
            assert!(json::build(&file(t), &limits).is_none(), "{t:?} taken");
        }
        let long_key = format!("{{\"{}\": 1}}", "k".repeat(1001));
        assert!(json::build(&file(&long_key), &limits).is_none());
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(json::build(&file(&deep), &limits).is_none());
    }

    /// Broken and odd variants of the fixtures' YAML and JSON files (a few characters
    /// deleted, inserted or replaced, from YAML's indicators, quotes, digits and letters
    /// of `true`/`null`), a fixed pseudo-random sequence: wherever the fast path takes
    /// one, it gives the full path's tree (compared as debug text, so that NaN matches).
    #[test]
    fn fast_and_full_paths_agree_on_mutated_files() {
        let limits = YamlLimits::default();
        let fixtures = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let files: Vec<String> = yaml_files(vec![fixtures], 4000)
            .into_iter()
            .map(|(_, text)| text)
            .collect();
        let alphabet: Vec<char> = ": -[]{}'\"#&*!|>\n\t,?~0.1e+xtfnul\\%@`<".chars().collect();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as usize
        };
        let mut taken = 0;
        for round in 0..6 {
            for f in &files {
                let mut chars: Vec<char> = f.chars().collect();
                for _ in 0..=round % 3 {
                    if chars.is_empty() {
                        break;
                    }
                    let i = next() % chars.len();
                    let c = alphabet[next() % alphabet.len()];
                    match next() % 3 {
                        0 => drop(chars.remove(i)),
                        1 => chars.insert(i, c),
                        _ => chars[i] = c,
                    }
                }
                let text: String = chars.into_iter().collect();
                let src = file(&text);
                let fast = [events::build(&src, &limits), json::build(&src, &limits)];
                for fast in fast.into_iter().flatten() {
                    taken += 1;
                    let full = load_full(&src, &limits);
                    assert_eq!(
                        format!("{full:?}"),
                        format!("{:?}", Ok::<_, YamlError>(fast)),
                        "{text}"
                    );
                }
            }
        }
        assert!(taken > 1000, "fast path taken {taken} times");
    }

    #[test]
    fn arbitrary_input_never_panics() {
        // A cheap fuzz: every prefix of a file that uses most of the syntax.
        // And of a JSON file (the JSON path): escapes, numbers, multibyte text.
        let yaml = "%YAML 1.2\n---\na: &a !t {b: [1, \"x\\u00e9\", 'y', |\n  z\n], c: ? d}\n<<: *a\nk: >-\n  f\n\"q\": [*a, {<<: [*a]}]\n...\n";
        let json = "{\"a\": [1, -0.5e+3, true, null, \"\\u00e9\\\"\\\\é😀\"], \"b\": {\"c\": {}}, \"d\": []}\r\n";
        for text in [yaml, json] {
            let mut cut = 0;
            while cut <= text.len() {
                if text.is_char_boundary(cut) {
                    let src = file(&text[..cut]);
                    let _ = load(&src, &YamlLimits::default());
                    let _ = load_all(&src, &YamlLimits::default());
                }
                cut += 1;
            }
        }
        for junk in [
            "\u{0}",
            "\t",
            "a:\t1",
            "- \u{feff}",
            "? ",
            ": ",
            "!",
            "&a",
            "*",
            "[,]",
            "{:}",
            "'",
            "\\",
            "\r\r\r",
        ] {
            let _ = load(&file(junk), &YamlLimits::default());
        }
    }
}
