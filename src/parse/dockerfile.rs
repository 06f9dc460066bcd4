//! An error-tolerant Dockerfile parser that keeps byte spans for everything.
//!
//! The parser follows BuildKit's rules (the reference implementation of the Dockerfile
//! syntax) but never stops at the first problem: every problem becomes a [`ParseError`]
//! beside the tree, a bad instruction is reported and the rest of the file is still read.
//!
//! It works in three layers:
//!
//! 1. **Lexer** — physical lines (`\n`, `\r\n` and lone `\r` endings), parser directives
//!    at the top of the file, comment lines, and *logical lines*: a line ending in the
//!    escape character continues on the next line; empty and comment lines inside a
//!    continuation are skipped. Each logical line keeps an offset map from its joined
//!    text back to source bytes, so any piece of it maps to an exact [`Span`].
//! 2. **Instruction builder** — keyword, leading `--flags`, JSON (exec) or shell form,
//!    heredoc bodies (`<<EOT`, `<<-EOT`, quoted delimiters, several per line), and the
//!    argument checks BuildKit makes (missing arguments, `FROM` arity, `SHELL` form …).
//! 3. **Helpers** on the result — shell-style [`Instruction::words`],
//!    `ENV`/`LABEL`/`ARG` [`Instruction::key_values`], [`Dockerfile::stages`],
//!    [`Dockerfile::global_args`] and [`healthcheck`].
//!
//! Everything is linear in the size of the input and nothing recurses, so a 10 MB line
//! or 100 000 continuation lines are fine. Spans always lie inside the source text and on
//! character boundaries.

use crate::source::{SourceFile, Span};
use serde::Serialize;
use std::borrow::Cow;
use std::ops::Range;

/// Instruction keywords BuildKit knows (upper case).
const KEYWORDS: [&str; 18] = [
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// Instructions whose arguments may be written as a JSON array (exec form).
const JSON_FORM: [&str; 7] = ["ADD", "CMD", "COPY", "ENTRYPOINT", "RUN", "SHELL", "VOLUME"];

/// Instructions that may carry heredocs (also as an `ONBUILD` trigger).
const HEREDOC_FORM: [&str; 3] = ["ADD", "COPY", "RUN"];

/// Parser directives BuildKit recognises; any other `# name=value` line ends the
/// directive section and is an ordinary comment.
const DIRECTIVES: [&str; 3] = ["syntax", "escape", "check"];

/// Message BuildKit uses for a JSON array holding something else than strings.
const NOT_STRING_ARRAY: &str =
    "when using JSON array syntax, arrays must be comprised of strings only";

// ---------------------------------------------------------------------------------------
// The tree
// ---------------------------------------------------------------------------------------

/// A parsed Dockerfile. Parsing never fails: problems are listed in `errors`.
#[derive(Clone, Debug, Serialize)]
pub struct Dockerfile {
    /// The escape (and line-continuation) character: `\` or, by directive, `` ` ``.
    pub escape: char,
    /// Parser directives (`# syntax=`, `# escape=`, `# check=`) from the top of the file.
    pub directives: Vec<Directive>,
    /// Instructions in source order. Lines with an unknown keyword are not included.
    pub instructions: Vec<Instruction>,
    /// Comment lines (outside directives and heredoc bodies), also those inside a
    /// continuation.
    pub comments: Vec<Comment>,
    /// Problems, ordered by position.
    pub errors: Vec<ParseError>,
}

/// A parser directive such as `# syntax=docker/dockerfile:1`.
#[derive(Clone, Debug, Serialize)]
pub struct Directive {
    /// Lower case: `syntax`, `escape` or `check`.
    pub name: String,
    pub value: String,
    /// The directive line from its `#`.
    pub span: Span,
}

/// A comment line.
#[derive(Clone, Debug, Serialize)]
pub struct Comment {
    /// The text after `#`, trimmed.
    pub text: String,
    /// From the `#` to the end of the line.
    pub span: Span,
}

/// A problem found while parsing.
#[derive(Clone, Debug, Serialize)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

/// A leading `--name=value` or `--name` argument of an instruction.
#[derive(Clone, Debug, Serialize)]
pub struct Flag {
    /// Without the leading `--`.
    pub name: String,
    /// Quotes removed; `None` for a bare `--name`.
    pub value: Option<String>,
    /// The flag as written, `--` included.
    pub span: Span,
}

/// A piece of text with the source range it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Word {
    pub text: String,
    pub span: Span,
}

/// The arguments of an instruction (after its flags).
#[derive(Clone, Debug, Serialize)]
pub enum Arguments {
    /// Nothing after the keyword and flags.
    None,
    /// JSON array of strings (exec form); each span covers the quoted string literal.
    Exec(Vec<Word>),
    /// Shell form: the logical text (continuations joined, comment lines removed,
    /// trimmed); the span covers its source range.
    Shell(Word),
}

/// A heredoc attached to `RUN`, `COPY` or `ADD`.
#[derive(Clone, Debug, Serialize)]
pub struct Heredoc {
    /// The delimiter with quotes removed (`EOT` for `<<"EOT"`).
    pub delimiter: String,
    /// `<<-`: leading tabs are stripped from the body lines and from the delimiter line.
    pub strip_tabs: bool,
    /// The delimiter was quoted, so the body is not expanded.
    pub quoted: bool,
    /// The body lines, each ending in `\n` (tabs stripped for `<<-`).
    pub body: String,
    /// The body lines in the source (without the closing delimiter line).
    pub span: Span,
}

/// Key and optional value ranges of `ENV`/`LABEL`/`ARG` pairs, in the argument text.
type KvRanges = Vec<(Range<usize>, Option<Range<usize>>)>;

/// A `KEY=value` pair of `ENV`, `LABEL` or `ARG`.
#[derive(Clone, Debug, Serialize)]
pub struct KeyValue {
    pub key: Word,
    /// `None` for `ARG NAME` (and for malformed `ENV`/`LABEL` pairs).
    pub value: Option<Word>,
}

/// One instruction with its arguments and the map back to the source.
#[derive(Clone, Debug, Serialize)]
pub struct Instruction {
    /// Upper case.
    pub keyword: String,
    pub keyword_span: Span,
    /// The whole instruction: continuation lines and heredoc bodies included.
    pub span: Span,
    pub flags: Vec<Flag>,
    /// The arguments after the flags. Exec form is recognised for `RUN`, `CMD`,
    /// `ENTRYPOINT`, `SHELL`, `VOLUME`, `ADD` and `COPY`; everything else is shell form
    /// (for `HEALTHCHECK` the whole `CMD …`/`NONE` text, see [`healthcheck`]; for
    /// `ONBUILD` the trigger instruction).
    pub args: Arguments,
    pub heredocs: Vec<Heredoc>,
    /// Logical line → source offsets.
    #[serde(skip)]
    map: OffsetMap,
    /// Logical offset where the arguments (after flags) start.
    #[serde(skip)]
    args_at: usize,
    #[serde(skip)]
    escape: u8,
}

/// A build stage: a `FROM` and the instructions up to the next `FROM`.
#[derive(Clone, Debug, Serialize)]
pub struct Stage {
    /// 0-based stage number (what `COPY --from=0` refers to).
    pub index: usize,
    /// The alias after `AS`, as written (compare case-insensitively).
    pub name: Option<Word>,
    /// The image as written, e.g. `${BASE}` or `node:18-alpine`, quotes removed (empty
    /// for a bare `FROM`).
    pub base: Word,
    pub platform: Option<Flag>,
    /// Index of the `FROM` in [`Dockerfile::instructions`].
    pub from: usize,
    /// Indices of the instructions after the `FROM`, up to the next `FROM`.
    pub body: Range<usize>,
}

/// The parts of a `HEALTHCHECK` instruction.
#[derive(Clone, Debug, Serialize)]
pub struct Healthcheck {
    /// `HEALTHCHECK NONE`.
    pub none: bool,
    /// `--interval`, `--timeout`, `--start-period`, `--start-interval`, `--retries`.
    pub options: Vec<Flag>,
    /// The command after `CMD` (exec or shell form); `None` for `HEALTHCHECK NONE`.
    pub cmd: Arguments,
}

// ---------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------

/// Parse a Dockerfile. Never fails and never panics: problems are in `errors`.
pub fn parse(src: &SourceFile) -> Dockerfile {
    parse_str(&src.text)
}

/// Parse Dockerfile text; spans are byte offsets into `text`.
pub fn parse_str(text: &str) -> Dockerfile {
    let skip = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut p = Parser {
        text,
        lines: Lines { text, pos: skip },
        escape: b'\\',
        seen_from: false,
        out: Dockerfile {
            escape: '\\',
            directives: Vec::new(),
            instructions: Vec::new(),
            comments: Vec::new(),
            errors: Vec::new(),
        },
    };
    p.run();
    let mut out = p.out;
    if out.errors.len() > 1 {
        out.errors.sort_by_key(|e| e.span.start);
    }
    out
}

// ---------------------------------------------------------------------------------------
// Lexer: physical lines, directives, comments, logical lines
// ---------------------------------------------------------------------------------------

/// One physical line: `start..end` without its terminator.
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    end: usize,
}

/// Iterator over physical lines; `\n`, `\r\n` and a lone `\r` end a line.
struct Lines<'a> {
    text: &'a str,
    pos: usize,
}

impl Iterator for Lines<'_> {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        let b = self.text.as_bytes();
        let start = self.pos;
        if start >= b.len() {
            return None;
        }
        let end = b[start..]
            .iter()
            .position(|&c| c == b'\n' || c == b'\r')
            .map_or(b.len(), |n| start + n);
        self.pos = match b.get(end) {
            Some(b'\r') if b.get(end + 1) == Some(&b'\n') => end + 2,
            Some(_) => end + 1,
            None => end,
        };
        Some(Line { start, end })
    }
}

/// A piece of a logical line: `len` bytes at logical offset `logical` were copied from
/// source offset `src`.
#[derive(Clone, Copy, Debug)]
struct Segment {
    logical: usize,
    src: usize,
    len: usize,
}

/// Maps offsets of a logical line (continuations joined) back to the source. The first
/// segment is kept inline: most instructions are a single physical line.
#[derive(Clone, Debug)]
struct OffsetMap {
    first: Segment,
    /// Segments of the continuation lines, in order.
    more: Vec<Segment>,
}

impl OffsetMap {
    fn new(first: Segment) -> Self {
        OffsetMap {
            first,
            more: Vec::new(),
        }
    }

    /// Source offset of the logical byte at `at` (clamped to the mapped text).
    fn pos(&self, at: usize) -> usize {
        // The last segment starting at or before `at`.
        let s = match self.more.partition_point(|s| s.logical <= at) {
            0 => self.first,
            i => self.more[i - 1],
        };
        s.src + (at.saturating_sub(s.logical)).min(s.len)
    }

    /// Source span of the logical range `start..end`.
    fn span(&self, start: usize, end: usize) -> Span {
        let a = self.pos(start);
        if end <= start {
            return Span::new(a, a);
        }
        // Map the last byte, not the end: the end of a segment is not the start of the next.
        Span::new(a, (self.pos(end - 1) + 1).max(a))
    }
}

/// A logical line and where it lies in the source.
struct Logical<'a> {
    /// Borrowed from the source when the line has no continuation.
    text: Cow<'a, str>,
    map: OffsetMap,
    /// Source span from the first character to the end of the last content line.
    span: Span,
}

/// ASCII blanks that separate words (line terminators never occur inside a line).
fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | 0x0b | 0x0c)
}

fn skip_blanks(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_blank(b[i]) {
        i += 1;
    }
    i
}

fn skip_non_blanks(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && !is_blank(b[i]) {
        i += 1;
    }
    i
}

/// End of `b[..end]` without trailing blanks, but not before `floor`.
fn trim_blanks_end(b: &[u8], floor: usize, mut end: usize) -> usize {
    while end > floor && is_blank(b[end - 1]) {
        end -= 1;
    }
    end
}

/// Ranges of the blank-separated pieces of `text`.
fn raw_ranges(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let b = text.as_bytes();
    let mut i = skip_blanks(b, 0);
    std::iter::from_fn(move || {
        if i >= b.len() {
            return None;
        }
        let end = skip_non_blanks(b, i);
        let r = i..end;
        i = skip_blanks(b, end);
        Some(r)
    })
}

/// If `line` continues on the next line, the length of its content before the escape
/// character. BuildKit's rule: the escape character is the last non-blank character and
/// is not itself escaped (`\\` at the end is a literal backslash).
fn continuation(line: &[u8], esc: u8) -> Option<usize> {
    let mut e = line.len();
    while e > 0 && matches!(line[e - 1], b' ' | b'\t') {
        e -= 1;
    }
    if e == 0 || line[e - 1] != esc {
        return None;
    }
    let at = e - 1;
    if at > 0 && line[at - 1] == esc {
        return None;
    }
    Some(at)
}

/// `# name = value` at the start of a (left-trimmed) line: BuildKit's directive syntax.
fn directive_syntax(line: &str) -> Option<(&str, &str)> {
    let gap = |c: char| matches!(c, ' ' | '\t' | '\x0c');
    let rest = line.strip_prefix('#')?.trim_start_matches(gap);
    let name_len = rest
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    let name = &rest[..name_len];
    if !name.bytes().next()?.is_ascii_alphabetic() {
        return None;
    }
    let value = rest[name_len..]
        .trim_start_matches(gap)
        .strip_prefix('=')?
        .trim_matches(gap);
    (!value.is_empty()).then_some((name, value))
}

struct Parser<'a> {
    text: &'a str,
    lines: Lines<'a>,
    escape: u8,
    /// A `FROM` was seen (or an instruction before it was already reported).
    seen_from: bool,
    out: Dockerfile,
}

impl<'a> Parser<'a> {
    fn error(&mut self, message: impl Into<String>, span: Span) {
        self.out.errors.push(ParseError {
            message: message.into(),
            span,
        });
    }

    fn comment(&mut self, start: usize, end: usize) {
        let text = self.text[start..end]
            .get(1..)
            .unwrap_or("")
            .trim()
            .to_string();
        self.out.comments.push(Comment {
            text,
            span: Span::new(start, end),
        });
    }

    /// The top level: directives, then comments, blank lines and instructions.
    fn run(&mut self) {
        let text = self.text;
        let mut in_directives = true;
        while let Some(line) = self.lines.next() {
            let b = &text.as_bytes()[..line.end];
            let at = skip_blanks(b, line.start);
            let body = &text[at..line.end];
            if in_directives {
                if let Some((name, value)) = directive_syntax(body) {
                    let name = name.to_ascii_lowercase();
                    if DIRECTIVES.contains(&name.as_str()) {
                        self.directive(name, value, Span::new(at, line.end));
                        continue;
                    }
                }
                in_directives = false;
            }
            if body.is_empty() {
                continue;
            }
            if body.starts_with('#') {
                self.comment(at, line.end);
                continue;
            }
            self.instruction(line, at);
        }
    }

    fn directive(&mut self, name: String, value: &str, span: Span) {
        if self.out.directives.iter().any(|d| d.name == name) {
            self.error(
                format!("only one {name} parser directive can be used"),
                span,
            );
            return;
        }
        if name == "escape" {
            match value {
                "\\" => self.escape = b'\\',
                "`" => self.escape = b'`',
                _ => self.error(
                    format!("invalid escape token '{value}' does not match ` or \\"),
                    span,
                ),
            }
            self.out.escape = char::from(self.escape);
        }
        self.out.directives.push(Directive {
            name,
            value: value.to_string(),
            span,
        });
    }

    /// Join a logical line that starts at `at` on `first`: follow continuations, skip
    /// empty and comment lines inside them (recording the comments).
    fn logical(&mut self, first: Line, at: usize) -> Logical<'a> {
        let text = self.text;
        let piece = &text.as_bytes()[at..first.end];
        let Some(len) = continuation(piece, self.escape) else {
            let seg = Segment {
                logical: 0,
                src: at,
                len: piece.len(),
            };
            return Logical {
                text: Cow::Borrowed(&text[at..first.end]),
                map: OffsetMap::new(seg),
                span: Span::new(at, first.end),
            };
        };
        let mut joined = String::from(&text[at..at + len]);
        let mut map = OffsetMap::new(Segment {
            logical: 0,
            src: at,
            len,
        });
        let mut end = first.end;
        // Each round reads one more content line of the continuation.
        while let Some(line) = self.next_continued_line() {
            let piece = &text.as_bytes()[line.start..line.end];
            let cont = continuation(piece, self.escape);
            let len = cont.unwrap_or(piece.len());
            map.more.push(Segment {
                logical: joined.len(),
                src: line.start,
                len,
            });
            joined.push_str(&text[line.start..line.start + len]);
            end = line.end;
            if cont.is_none() {
                break;
            }
        }
        Logical {
            text: Cow::Owned(joined),
            map,
            span: Span::new(at, end),
        }
    }

    /// The next line of a continuation, skipping empty lines and comment lines (which
    /// are recorded); `None` at the end of the file.
    fn next_continued_line(&mut self) -> Option<Line> {
        let text = self.text;
        loop {
            let l = self.lines.next()?;
            let i = skip_blanks(&text.as_bytes()[..l.end], l.start);
            if i == l.end {
                continue;
            }
            if text.as_bytes()[i] == b'#' {
                self.comment(i, l.end);
                continue;
            }
            return Some(l);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Instruction builder
// ---------------------------------------------------------------------------------------

/// Keyword, flags and argument range of a logical line (or of an `ONBUILD` trigger).
struct Head {
    keyword: Range<usize>,
    /// Raw range, name, value.
    flags: Vec<(Range<usize>, String, Option<String>)>,
    /// The arguments, trimmed (empty range when there are none).
    args: Range<usize>,
}

/// The flags BuildKit accepts on an instruction; any other leading `--word` is an
/// "unknown flag" build error (`CMD --port 8080` does not build).
fn known_flags(keyword: &str) -> &'static [&'static str] {
    match keyword {
        "FROM" => &["platform"],
        "RUN" => &["mount", "network", "security", "device"],
        "COPY" => &["from", "chown", "chmod", "link", "parents", "exclude"],
        "ADD" => &[
            "chown",
            "chmod",
            "link",
            "checksum",
            "keep-git-dir",
            "exclude",
            "unpack",
        ],
        "HEALTHCHECK" => &[
            "interval",
            "timeout",
            "start-period",
            "start-interval",
            "retries",
        ],
        _ => &[],
    }
}

/// Split `s[from..]` into keyword, leading flags and arguments, as BuildKit does.
fn head(s: &str, from: usize) -> Head {
    let b = s.as_bytes();
    let kw_start = skip_blanks(b, from);
    let kw_end = skip_non_blanks(b, kw_start);
    let mut flags = Vec::new();
    let mut pos = skip_blanks(b, kw_end);
    // Flags: words starting with `--`; a lone `--` ends them. BuildKit always uses a
    // backslash as the escape character here.
    let opts = Scan {
        esc: b'\\',
        split: true,
        braces: false,
        last_close: 0,
    };
    while b.get(pos) == Some(&b'-') && b.get(pos + 1) == Some(&b'-') {
        let mut word = String::new();
        let end = scan_word(s, pos, &opts, &mut word);
        let next = skip_blanks(b, end);
        if word == "--" {
            pos = next;
            break;
        }
        let body = word.get(2..).unwrap_or("");
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (body.to_string(), None),
        };
        flags.push((pos..end, name, value));
        pos = next;
    }
    let end = trim_blanks_end(b, pos, b.len());
    Head {
        keyword: kw_start..kw_end,
        flags,
        args: pos..end,
    }
}

/// How a `[`-prefixed argument text reads as JSON.
enum Json {
    /// A JSON array of strings: (start, end, decoded) per string literal.
    Strings(Vec<(usize, usize, String)>),
    /// Valid JSON, but not all elements are strings (an error in BuildKit).
    NotStrings,
    /// Not valid JSON: the text is shell form.
    Invalid,
}

/// Exec or shell form of the (trimmed) argument text `text`, which starts at logical
/// offset `base`; spans are mapped through `map`. The flag is set for a valid JSON array
/// that holds something else than strings (shell form, but an error in BuildKit).
fn arguments(text: &str, base: usize, json_ok: bool, map: &OffsetMap) -> (Arguments, bool) {
    if text.is_empty() {
        return (Arguments::None, false);
    }
    let shell = || {
        Arguments::Shell(Word {
            text: text.to_string(),
            span: map.span(base, base + text.len()),
        })
    };
    if !json_ok || !text.starts_with('[') {
        return (shell(), false);
    }
    match json_array(text) {
        Json::Strings(items) => {
            let words = items
                .into_iter()
                .map(|(a, b, t)| Word {
                    text: t,
                    span: map.span(base + a, base + b),
                })
                .collect();
            (Arguments::Exec(words), false)
        }
        Json::NotStrings => (shell(), true),
        Json::Invalid => (shell(), false),
    }
}

/// A heredoc opener found on an instruction line.
struct Opener {
    name: String,
    strip_tabs: bool,
    quoted: bool,
    /// Logical range of the `<<…` word.
    at: Range<usize>,
}

/// Heredoc openers among the words of `s[from..]`: words matching BuildKit's
/// `^[0-9]*<<-?[^<]+$` (so `<<<` here-strings and `cat<<EOF` are not heredocs).
fn heredoc_openers(s: &str, from: usize) -> Vec<Opener> {
    let mut out = Vec::new();
    let opts = Scan {
        esc: b'\\',
        split: true,
        braces: true,
        last_close: s.rfind('}').unwrap_or(0),
    };
    let b = s.as_bytes();
    let mut i = skip_blanks(b, from);
    let mut scratch = String::new();
    while i < b.len() {
        scratch.clear();
        let end = scan_word(s, i, &opts, &mut scratch);
        let raw = &s[i..end];
        let digits = raw.bytes().take_while(u8::is_ascii_digit).count();
        if let Some(rest) = raw[digits..].strip_prefix("<<") {
            let (strip_tabs, rest) = match rest.strip_prefix('-') {
                Some(r) => (true, r),
                None => (false, rest),
            };
            if !rest.is_empty() && !rest.contains('<') {
                let name = unquote(rest, b'\\');
                if !name.is_empty() {
                    out.push(Opener {
                        name,
                        strip_tabs,
                        quoted: rest.contains(['"', '\'']),
                        at: i..end,
                    });
                }
            }
        }
        i = skip_blanks(b, end.max(i + 1));
    }
    out
}

impl Parser<'_> {
    /// Build the instruction that starts at `at` on `first`.
    fn instruction(&mut self, first: Line, at: usize) {
        let lg = self.logical(first, at);
        let s: &str = &lg.text;
        let h = head(s, 0);
        if h.keyword.is_empty() {
            return; // only continuation characters
        }
        let written = &s[h.keyword.clone()];
        let keyword_span = lg.map.span(h.keyword.start, h.keyword.end);
        let Some(keyword) = KEYWORDS
            .into_iter()
            .find(|k| k.eq_ignore_ascii_case(written))
        else {
            self.error(format!("unknown instruction `{written}`"), keyword_span);
            return;
        };
        let flags = h
            .flags
            .into_iter()
            .map(|(r, name, value)| Flag {
                name,
                value,
                span: lg.map.span(r.start, r.end),
            })
            .collect();
        let json_ok = JSON_FORM.contains(&keyword);
        let (args, not_strings) = arguments(&s[h.args.clone()], h.args.start, json_ok, &lg.map);
        if not_strings {
            self.error(NOT_STRING_ARRAY, lg.map.span(h.args.start, h.args.end));
        }
        // Heredocs: RUN/COPY/ADD in shell form, also as an ONBUILD trigger.
        let heredocs_ok = match keyword {
            "ONBUILD" => {
                let inner = head(s, h.args.start);
                let kw = &s[inner.keyword];
                HEREDOC_FORM.iter().any(|k| k.eq_ignore_ascii_case(kw))
                    && !matches!(json_array(&s[inner.args]), Json::Strings(_))
            }
            k => HEREDOC_FORM.contains(&k) && !matches!(args, Arguments::Exec(_)),
        };
        let openers = if heredocs_ok && s.contains("<<") {
            heredoc_openers(s, h.args.start)
        } else {
            Vec::new()
        };
        let mut inst = Instruction {
            keyword: keyword.to_string(),
            keyword_span,
            span: lg.span,
            flags,
            args,
            heredocs: Vec::new(),
            map: lg.map,
            args_at: h.args.start,
            escape: self.escape,
        };
        for op in openers {
            self.heredoc(&mut inst, op);
        }
        self.check(&inst);
        if keyword == "FROM" {
            self.seen_from = true;
        }
        self.out.instructions.push(inst);
    }

    /// Read the body of one heredoc from the following lines.
    fn heredoc(&mut self, inst: &mut Instruction, op: Opener) {
        let opener_span = inst.map.span(op.at.start, op.at.end);
        let text = self.text;
        let body_start = self.lines.pos.min(text.len());
        let mut body = String::new();
        let mut body_end = body_start;
        let mut closed = false;
        for line in self.lines.by_ref() {
            let raw = &text[line.start..line.end];
            let content = if op.strip_tabs {
                raw.trim_start_matches('\t')
            } else {
                raw
            };
            inst.span.end = line.end;
            if content == op.name {
                closed = true;
                break;
            }
            body.push_str(content);
            body.push('\n');
            body_end = line.end;
        }
        if !closed {
            self.error(
                format!(
                    "unterminated heredoc: no line `{}` closes it before the end of the file",
                    op.name
                ),
                opener_span,
            );
        }
        inst.heredocs.push(Heredoc {
            delimiter: op.name,
            strip_tabs: op.strip_tabs,
            quoted: op.quoted,
            body,
            span: Span::new(body_start, body_end),
        });
    }

    /// The argument checks BuildKit makes when it turns the tree into instructions.
    fn check(&mut self, inst: &Instruction) {
        let kw = inst.keyword.as_str();
        let whole = inst.span;
        let known = known_flags(kw);
        for f in inst
            .flags
            .iter()
            .filter(|f| !known.contains(&f.name.as_str()))
        {
            let accepted = if known.is_empty() {
                format!("{kw} takes no flags")
            } else {
                let names: Vec<String> = known.iter().map(|n| format!("--{n}")).collect();
                format!("{kw} accepts {}", names.join(", "))
            };
            self.error(
                format!(
                    "unknown flag `--{}` on {kw}: Docker refuses to build it ({accepted})",
                    f.name
                ),
                f.span,
            );
        }
        if !self.seen_from && !matches!(kw, "ARG" | "FROM") {
            // Reported once: a file without FROM would otherwise get one per line.
            self.seen_from = true;
            self.error(
                format!("{kw} before the first FROM: no build stage in current context"),
                inst.keyword_span,
            );
        }
        let none = matches!(inst.args, Arguments::None);
        let at_least_one = |p: &mut Self| {
            p.error(format!("{kw} requires at least one argument"), whole);
        };
        match kw {
            "FROM" => {
                let text = inst.args_text();
                let mut words = raw_ranges(text);
                let (first, second, third) = (words.next(), words.next(), words.next());
                let arity_ok = match (&first, &second, &third) {
                    (Some(_), None, _) => true,
                    (Some(_), Some(as_), Some(_)) => {
                        text[as_.clone()].eq_ignore_ascii_case("as") && words.next().is_none()
                    }
                    _ => false,
                };
                if !arity_ok {
                    self.error("FROM requires either one or three arguments", whole);
                } else if let Some(name) = third {
                    let written = &text[name.clone()];
                    let valid = written
                        .bytes()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic())
                        && written
                            .bytes()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'));
                    if !valid {
                        let at = inst.args_at;
                        self.error(
                            format!(
                                "invalid name for build stage: {written:?}, name can't start with a number or contain symbols"
                            ),
                            inst.map_span(at + name.start, at + name.end),
                        );
                    }
                }
            }
            "COPY" | "ADD" => {
                let n = match &inst.args {
                    Arguments::Exec(v) => v.len(),
                    _ => raw_ranges(inst.args_text()).count(),
                };
                if n < 2 {
                    self.error(
                        format!("{kw} requires at least two arguments, but only one was provided. Destination could not be determined"),
                        whole,
                    );
                }
            }
            "ENV" | "LABEL" | "ARG" => {
                if none {
                    at_least_one(self);
                } else if let (_, Some((message, span))) = inst.key_value_ranges() {
                    self.error(message, span);
                }
            }
            "EXPOSE" | "ONBUILD" if none => at_least_one(self),
            "ONBUILD" => {
                let text = inst.args_text();
                let trigger = raw_ranges(text)
                    .next()
                    .map(|r| text[r].to_ascii_uppercase());
                match trigger.as_deref() {
                    Some("ONBUILD") => self.error(
                        "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
                        whole,
                    ),
                    Some(t @ ("FROM" | "MAINTAINER")) => {
                        self.error(format!("{t} isn't allowed as an ONBUILD trigger"), whole)
                    }
                    _ => {}
                }
            }
            "VOLUME" => match &inst.args {
                Arguments::None => at_least_one(self),
                Arguments::Exec(v) if v.is_empty() => at_least_one(self),
                Arguments::Exec(v) => {
                    if let Some(w) = v.iter().find(|w| w.text.trim().is_empty()) {
                        self.error("VOLUME specified can not be an empty string", w.span);
                    }
                }
                Arguments::Shell(_) => {}
            },
            "SHELL" => match &inst.args {
                Arguments::Exec(v) if !v.is_empty() => {}
                Arguments::Shell(_) => {
                    self.error("SHELL requires the arguments to be in JSON form", whole)
                }
                _ => at_least_one(self),
            },
            "USER" | "WORKDIR" | "STOPSIGNAL" | "MAINTAINER" if none => {
                self.error(format!("{kw} requires exactly one argument"), whole);
            }
            "HEALTHCHECK" => self.check_healthcheck(inst),
            _ => {}
        }
    }

    fn check_healthcheck(&mut self, inst: &Instruction) {
        let whole = inst.span;
        let Arguments::Shell(w) = &inst.args else {
            self.error("HEALTHCHECK requires at least one argument", whole);
            return;
        };
        let b = w.text.as_bytes();
        let ty_end = skip_non_blanks(b, 0);
        let ty = &w.text[..ty_end];
        let rest = skip_blanks(b, ty_end);
        if ty.eq_ignore_ascii_case("NONE") {
            if rest < b.len() {
                self.error("HEALTHCHECK NONE takes no arguments", whole);
            }
        } else if ty.eq_ignore_ascii_case("CMD") {
            if rest >= b.len() {
                self.error("Missing command after HEALTHCHECK CMD", whole);
            } else if let Json::NotStrings = json_array(&w.text[rest..]) {
                let start = inst.args_at + rest;
                let end = inst.args_at + b.len();
                self.error(NOT_STRING_ARRAY, inst.map.span(start, end));
            }
        } else {
            self.error(
                format!("Unknown type {ty:?} in HEALTHCHECK (try CMD)"),
                inst.map.span(inst.args_at, inst.args_at + ty_end),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Helpers on the result
// ---------------------------------------------------------------------------------------

impl Instruction {
    /// Source span of the logical range `start..end` of this instruction's line.
    fn map_span(&self, start: usize, end: usize) -> Span {
        self.map.span(start, end)
    }

    /// The shell-form argument text (after flags, continuations joined), or `""`.
    pub fn args_text(&self) -> &str {
        match &self.args {
            Arguments::Shell(w) => &w.text,
            _ => "",
        }
    }

    /// The first flag called `name` (without `--`).
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }

    /// Shell-form arguments split into words the way a shell would: on blanks, honouring
    /// `"double"` and `'single'` quotes, the escape character and `${…}`; quotes and
    /// escapes removed; each with its exact source span (quotes included). Exec-form
    /// arguments are returned as they are.
    ///
    /// `src` is not needed (the instruction keeps its own offset map); it is accepted so
    /// callers hold one signature for all accessors.
    pub fn words(&self, _src: &SourceFile) -> Vec<Word> {
        self.shell_words()
    }

    /// [`Instruction::words`] without the unused argument.
    fn shell_words(&self) -> Vec<Word> {
        match &self.args {
            Arguments::None => Vec::new(),
            Arguments::Exec(v) => v.clone(),
            Arguments::Shell(w) => {
                let opts = Scan {
                    esc: self.escape,
                    split: true,
                    braces: true,
                    last_close: w.text.rfind('}').unwrap_or(0),
                };
                self.split(&w.text, &opts)
            }
        }
    }

    /// Shell-form arguments split on blanks only, as written (no quote processing): how
    /// BuildKit reads `FROM`, `EXPOSE` and shell-form `COPY`/`ADD`.
    pub fn raw_words(&self) -> Vec<Word> {
        let text = self.args_text();
        raw_ranges(text)
            .map(|r| Word {
                text: text[r.clone()].to_string(),
                span: self.map_span(self.args_at + r.start, self.args_at + r.end),
            })
            .collect()
    }

    /// Words of `text` (this instruction's argument text) with spans.
    fn split(&self, text: &str, opts: &Scan) -> Vec<Word> {
        let b = text.as_bytes();
        let mut out = Vec::new();
        let mut i = skip_blanks(b, 0);
        while i < b.len() {
            let mut word = String::new();
            let end = scan_word(text, i, opts, &mut word).max(i + 1);
            out.push(Word {
                text: word,
                span: self.map_span(self.args_at + i, self.args_at + end),
            });
            i = skip_blanks(b, end);
        }
        out
    }

    /// `ENV` / `LABEL` / `ARG` pairs: `K=V K2="v 2"`, the legacy `ENV K rest of line`
    /// form (`ENV`/`LABEL` only), and `ARG NAME` without a value. Quotes and escapes are
    /// removed from keys and values; variables are left as written. Spans cover the key
    /// and the value as written. Other instructions give an empty list.
    pub fn key_values(&self, _src: &SourceFile) -> Vec<KeyValue> {
        let text = self.args_text();
        let word = |r: Range<usize>| Word {
            text: unquote(&text[r.clone()], self.escape),
            span: self.map_span(self.args_at + r.start, self.args_at + r.end),
        };
        self.key_value_ranges()
            .0
            .into_iter()
            .map(|(k, v)| KeyValue {
                key: word(k),
                value: v.map(word),
            })
            .collect()
    }

    /// Ranges (in the argument text) of the keys and values of `ENV`/`LABEL`/`ARG`, and
    /// the first problem BuildKit would report about them.
    fn key_value_ranges(&self) -> (KvRanges, Option<(String, Span)>) {
        let kw = self.keyword.as_str();
        let (Arguments::Shell(w), "ENV" | "LABEL" | "ARG") = (&self.args, kw) else {
            return (Vec::new(), None);
        };
        let text = w.text.as_str();
        let b = text.as_bytes();
        let span = |r: &Range<usize>| self.map_span(self.args_at + r.start, self.args_at + r.end);
        // BuildKit's word boundaries here: quotes and escapes, no `${…}` grouping.
        let opts = Scan {
            esc: self.escape,
            split: true,
            braces: false,
            last_close: 0,
        };
        let mut scratch = String::new();
        let first_end = scan_word(text, 0, &opts, &mut scratch);
        if kw != "ARG" && !text[..first_end].contains('=') {
            // Legacy `ENV KEY value with spaces`: the key is the first blank-delimited
            // token, the value the rest of the line.
            let key = 0..skip_non_blanks(b, 0);
            let value_start = skip_blanks(b, key.end);
            if value_start >= b.len() {
                let err = (format!("{kw} must have two arguments"), self.span);
                return (vec![(key, None)], Some(err));
            }
            return (vec![(key, Some(value_start..b.len()))], None);
        }
        let mut out = Vec::new();
        let mut err = None;
        let mut i = 0;
        while i < b.len() {
            scratch.clear();
            let end = scan_word(text, i, &opts, &mut scratch).max(i + 1);
            let raw = &text[i..end];
            match raw.find('=') {
                Some(eq) => {
                    let key = i..i + eq;
                    let blank = eq == 0
                        || (raw[..eq].contains(['"', '\''])
                            && unquote(&raw[..eq], self.escape).is_empty());
                    if blank && err.is_none() {
                        err = Some((format!("{kw} names can not be blank"), span(&(i..end))));
                    }
                    out.push((key, Some(i + eq + 1..end)));
                }
                None => {
                    if kw != "ARG" && err.is_none() {
                        err = Some((
                            format!("Syntax error - can't find = in {raw:?}. Must be of the form: name=value"),
                            span(&(i..end)),
                        ));
                    }
                    out.push((i..end, None));
                }
            }
            i = skip_blanks(b, end);
        }
        (out, err)
    }
}

impl Dockerfile {
    /// Build stages in order: each `FROM` (a bare `FROM` too, with an empty base) and
    /// the instructions up to the next `FROM`. Base and alias are shell words: quotes
    /// removed (as BuildKit does when it expands them), variables kept.
    pub fn stages(&self) -> Vec<Stage> {
        let froms: Vec<usize> = self
            .instructions
            .iter()
            .enumerate()
            .filter(|(_, i)| i.keyword == "FROM")
            .map(|(n, _)| n)
            .collect();
        froms
            .iter()
            .enumerate()
            .map(|(index, &from)| {
                let inst = &self.instructions[from];
                let words = inst.shell_words();
                let base = words.first().cloned().unwrap_or_else(|| Word {
                    text: String::new(),
                    span: Span::new(inst.keyword_span.end, inst.keyword_span.end),
                });
                let name = match words.as_slice() {
                    [_, as_, name, ..] if as_.text.eq_ignore_ascii_case("as") => Some(name.clone()),
                    _ => None,
                };
                let end = froms
                    .get(index + 1)
                    .copied()
                    .unwrap_or(self.instructions.len());
                Stage {
                    index,
                    name,
                    base,
                    platform: inst.flag("platform").cloned(),
                    from,
                    body: from + 1..end,
                }
            })
            .collect()
    }

    /// `ARG` instructions before the first `FROM` (usable in `FROM` lines).
    pub fn global_args(&self) -> Vec<&Instruction> {
        self.instructions
            .iter()
            .take_while(|i| i.keyword != "FROM")
            .filter(|i| i.keyword == "ARG")
            .collect()
    }
}

/// The parts of a `HEALTHCHECK NONE` or `HEALTHCHECK [options] CMD …` instruction;
/// `None` for other instructions and for malformed ones (no type, unknown type, `CMD`
/// without a command — those are reported as parse errors).
pub fn healthcheck(inst: &Instruction) -> Option<Healthcheck> {
    if inst.keyword != "HEALTHCHECK" {
        return None;
    }
    let Arguments::Shell(w) = &inst.args else {
        return None;
    };
    let b = w.text.as_bytes();
    let ty_end = skip_non_blanks(b, 0);
    let ty = &w.text[..ty_end];
    if ty.eq_ignore_ascii_case("NONE") {
        return Some(Healthcheck {
            none: true,
            options: inst.flags.clone(),
            cmd: Arguments::None,
        });
    }
    if !ty.eq_ignore_ascii_case("CMD") {
        return None;
    }
    let start = skip_blanks(b, ty_end);
    if start >= b.len() {
        return None;
    }
    let (cmd, _) = arguments(&w.text[start..], inst.args_at + start, true, &inst.map);
    Some(Healthcheck {
        none: false,
        options: inst.flags.clone(),
        cmd,
    })
}

// ---------------------------------------------------------------------------------------
// Shell words
// ---------------------------------------------------------------------------------------

/// How to scan a shell word.
struct Scan {
    /// The escape character.
    esc: u8,
    /// Stop at an unquoted blank (otherwise the whole text is one word).
    split: bool,
    /// Keep `${…}` together even if it holds blanks.
    braces: bool,
    /// Offset of the last `}` in the text: a `${` after it is never closed.
    last_close: usize,
}

/// Byte length of the UTF-8 character starting with `lead`.
fn char_len(lead: u8) -> usize {
    match lead {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

/// Scan one word of `s` from `start`; append its text (quotes and escapes removed) to
/// `out` and return where it ends. Unterminated quotes run to the end of the text.
///
/// Escapes: outside quotes the escape character makes the next character literal; in
/// double quotes it does so only before `"`, `$` and itself (otherwise it stays); in
/// single quotes nothing is special.
fn scan_word(s: &str, start: usize, opts: &Scan, out: &mut String) -> usize {
    let b = s.as_bytes();
    let esc = opts.esc;
    let mut i = start;
    let mut run = start; // start of literal text not yet copied to `out`
    let mut quote = 0u8;
    let mut depth = 0usize;
    while i < b.len() {
        let c = b[i];
        match quote {
            0 if opts.split && depth == 0 && is_blank(c) => break,
            0 if c == b'\'' || c == b'"' => {
                out.push_str(&s[run..i]);
                quote = c;
                i += 1;
                run = i;
            }
            0 if c == esc => {
                out.push_str(&s[run..i]);
                i += 1;
                run = i;
                if i < b.len() {
                    i += char_len(b[i]);
                }
            }
            0 if opts.braces
                && c == b'$'
                && b.get(i + 1) == Some(&b'{')
                && i + 1 < opts.last_close =>
            {
                depth += 1;
                i += 2;
            }
            0 => {
                if c == b'}' && depth > 0 {
                    depth -= 1;
                }
                i += 1;
            }
            b'\'' => {
                if c == b'\'' {
                    out.push_str(&s[run..i]);
                    quote = 0;
                    run = i + 1;
                }
                i += 1;
            }
            _ => {
                if c == b'"' {
                    out.push_str(&s[run..i]);
                    quote = 0;
                    i += 1;
                    run = i;
                } else if c == esc {
                    match b.get(i + 1) {
                        Some(&n) if n == b'"' || n == b'$' || n == esc => {
                            out.push_str(&s[run..i]);
                            run = i + 1;
                            i += 2;
                        }
                        None => {
                            out.push_str(&s[run..i]);
                            i += 1;
                            run = i;
                        }
                        Some(_) => i += 1,
                    }
                } else {
                    i += 1;
                }
            }
        }
    }
    let i = i.min(b.len());
    out.push_str(&s[run.min(i)..i]);
    i
}

/// `raw` with quotes and escapes removed, blanks kept (BuildKit's single-word processing).
fn unquote(raw: &str, esc: u8) -> String {
    let opts = Scan {
        esc,
        split: false,
        braces: false,
        last_close: 0,
    };
    let mut out = String::with_capacity(raw.len());
    scan_word(raw, 0, &opts, &mut out);
    out
}

// ---------------------------------------------------------------------------------------
// JSON (exec form)
// ---------------------------------------------------------------------------------------

/// JSON whitespace.
fn json_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// Four hex digits at `b[i..]`.
fn hex4(b: &[u8], i: usize) -> Option<u32> {
    let d = b.get(i..i + 4)?;
    d.iter()
        .try_fold(0u32, |acc, &c| Some(acc * 16 + char::from(c).to_digit(16)?))
}

/// A JSON string literal starting at `b[i] == '"'`: its end and decoded text (`decode`
/// false skips building the text). Lone surrogates become U+FFFD, as in Go.
fn json_string(s: &str, i: usize, decode: bool) -> Option<(usize, String)> {
    let b = s.as_bytes();
    let mut out = String::new();
    let mut i = i + 1;
    let mut run = i;
    loop {
        let c = *b.get(i)?;
        match c {
            b'"' => {
                if decode {
                    out.push_str(&s[run..i]);
                }
                return Some((i + 1, out));
            }
            0..=0x1f => return None,
            b'\\' => {
                if decode {
                    out.push_str(&s[run..i]);
                }
                let e = *b.get(i + 1)?;
                i += 2;
                let ch = match e {
                    b'"' => '"',
                    b'\\' => '\\',
                    b'/' => '/',
                    b'b' => '\u{8}',
                    b'f' => '\u{c}',
                    b'n' => '\n',
                    b'r' => '\r',
                    b't' => '\t',
                    b'u' => {
                        let hi = hex4(b, i)?;
                        i += 4;
                        if (0xd800..0xdc00).contains(&hi)
                            && b.get(i) == Some(&b'\\')
                            && b.get(i + 1) == Some(&b'u')
                        {
                            match hex4(b, i + 2) {
                                Some(lo) if (0xdc00..0xe000).contains(&lo) => {
                                    i += 6;
                                    let cp = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
                                    char::from_u32(cp).unwrap_or('\u{fffd}')
                                }
                                _ => '\u{fffd}',
                            }
                        } else {
                            char::from_u32(hi).unwrap_or('\u{fffd}')
                        }
                    }
                    _ => return None,
                };
                if decode {
                    out.push(ch);
                }
                run = i;
            }
            _ => i += 1,
        }
    }
}

/// A JSON number at `b[i]`: its end.
fn json_number(b: &[u8], mut i: usize) -> Option<usize> {
    let digits = |b: &[u8], mut i: usize| {
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        (i > s).then_some(i)
    };
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i)? {
        b'0' => i += 1,
        b'1'..=b'9' => i = digits(b, i)?,
        _ => return None,
    }
    if b.get(i) == Some(&b'.') {
        i = digits(b, i + 1)?;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        i = digits(b, i)?;
    }
    Some(i)
}

/// Skip one JSON value (any kind) at `b[i]` without recursion: its end.
fn json_value(s: &str, i: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut stack: Vec<u8> = Vec::new();
    let mut i = json_ws(b, i);
    loop {
        // A value starts at `i`.
        match *b.get(i)? {
            b'"' => i = json_string(s, i, false)?.0,
            b'[' => {
                i = json_ws(b, i + 1);
                if b.get(i) == Some(&b']') {
                    i += 1;
                } else {
                    stack.push(b']');
                    continue;
                }
            }
            b'{' => {
                i = json_ws(b, i + 1);
                if b.get(i) == Some(&b'}') {
                    i += 1;
                } else {
                    stack.push(b'}');
                    i = json_member_key(s, i)?;
                    continue;
                }
            }
            b't' if b[i..].starts_with(b"true") => i += 4,
            b'f' if b[i..].starts_with(b"false") => i += 5,
            b'n' if b[i..].starts_with(b"null") => i += 4,
            _ => i = json_number(b, i)?,
        }
        // After a value: close containers or move to the next element.
        loop {
            let Some(&close) = stack.last() else {
                return Some(i);
            };
            i = json_ws(b, i);
            match *b.get(i)? {
                b',' => {
                    i = json_ws(b, i + 1);
                    if close == b'}' {
                        i = json_member_key(s, i)?;
                    }
                    break;
                }
                c if c == close => {
                    stack.pop();
                    i += 1;
                }
                _ => return None,
            }
        }
    }
}

/// `"key" :` of an object member at `b[i]`; returns where its value starts.
fn json_member_key(s: &str, i: usize) -> Option<usize> {
    let b = s.as_bytes();
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let i = json_ws(b, json_string(s, i, false)?.0);
    if b.get(i) != Some(&b':') {
        return None;
    }
    Some(json_ws(b, i + 1))
}

/// Read `s` as a JSON array, as Go's `encoding/json` would: the whole text must be one
/// array (surrounding whitespace allowed).
fn json_array(s: &str) -> Json {
    let b = s.as_bytes();
    let mut i = json_ws(b, 0);
    if b.get(i) != Some(&b'[') {
        return Json::Invalid;
    }
    let mut items = Vec::new();
    let mut strings = true;
    i = json_ws(b, i + 1);
    if b.get(i) == Some(&b']') {
        i += 1;
    } else {
        loop {
            i = json_ws(b, i);
            if b.get(i) == Some(&b'"') {
                let Some((end, text)) = json_string(s, i, strings) else {
                    return Json::Invalid;
                };
                if strings {
                    items.push((i, end, text));
                }
                i = end;
            } else {
                strings = false;
                let Some(end) = json_value(s, i) else {
                    return Json::Invalid;
                };
                i = end;
            }
            i = json_ws(b, i);
            match b.get(i) {
                Some(b',') => i += 1,
                Some(b']') => {
                    i += 1;
                    break;
                }
                _ => return Json::Invalid,
            }
        }
    }
    if json_ws(b, i) != b.len() {
        return Json::Invalid;
    }
    if strings {
        Json::Strings(items)
    } else {
        Json::NotStrings
    }
}

/// Check that every span of a parse result (and of the helpers that derive words,
/// key/values, healthchecks and stages from it) lies in the text on character
/// boundaries. Used by the tests and the fuzz targets.
pub fn check_spans(src: &SourceFile, df: &Dockerfile) -> Result<(), String> {
    let mut bad: Option<String> = None;
    let t: &str = &src.text;
    let mut ok = |s: Span, what: &str| {
        let good = s.start <= s.end
            && s.end <= t.len()
            && t.is_char_boundary(s.start)
            && t.is_char_boundary(s.end);
        if !good && bad.is_none() {
            bad = Some(format!("bad {what} span {s:?} in {:?}", src.display));
        }
    };
    df.directives.iter().for_each(|d| ok(d.span, "directive"));
    df.comments.iter().for_each(|c| ok(c.span, "comment"));
    df.errors.iter().for_each(|e| ok(e.span, "error"));
    for i in &df.instructions {
        ok(i.span, "instruction");
        ok(i.keyword_span, "keyword");
        if !(i.span.start <= i.keyword_span.start && i.keyword_span.end <= i.span.end) {
            ok(Span::new(1, 0), "keyword outside its instruction:");
        }
        i.flags.iter().for_each(|f| ok(f.span, "flag"));
        i.heredocs.iter().for_each(|h| ok(h.span, "heredoc"));
        match &i.args {
            Arguments::None => {}
            Arguments::Exec(v) => v.iter().for_each(|w| ok(w.span, "exec word")),
            Arguments::Shell(w) => ok(w.span, "shell args"),
        }
        i.words(src).iter().for_each(|w| ok(w.span, "word"));
        i.raw_words().iter().for_each(|w| ok(w.span, "raw word"));
        for kv in i.key_values(src) {
            ok(kv.key.span, "key");
            if let Some(v) = kv.value {
                ok(v.span, "value");
            }
        }
        if let Some(h) = healthcheck(i) {
            h.options.iter().for_each(|f| ok(f.span, "option"));
            match h.cmd {
                Arguments::Exec(v) => v.iter().for_each(|w| ok(w.span, "hc word")),
                Arguments::Shell(w) => ok(w.span, "hc cmd"),
                Arguments::None => {}
            }
        }
    }
    for s in df.stages() {
        ok(s.base.span, "stage base");
        if let Some(n) = s.name {
            ok(n.span, "stage name");
        }
        if !(s.body.start <= s.body.end && s.body.end <= df.instructions.len()) {
            ok(Span::new(1, 0), "stage body");
        }
    }
    bad.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> (SourceFile, Dockerfile) {
        let src = SourceFile::from_str("Dockerfile", text);
        let df = parse(&src);
        assert_spans_ok(&src, &df);
        (src, df)
    }

    fn kws(df: &Dockerfile) -> Vec<&str> {
        df.instructions.iter().map(|i| i.keyword.as_str()).collect()
    }

    fn shell(i: &Instruction) -> &str {
        match &i.args {
            Arguments::Shell(w) => &w.text,
            other => panic!("not shell form: {other:?}"),
        }
    }

    fn exec(i: &Instruction) -> Vec<&str> {
        match &i.args {
            Arguments::Exec(v) => v.iter().map(|w| w.text.as_str()).collect(),
            other => panic!("not exec form: {other:?}"),
        }
    }

    fn texts(words: &[Word]) -> Vec<&str> {
        words.iter().map(|w| w.text.as_str()).collect()
    }

    fn messages(df: &Dockerfile) -> Vec<&str> {
        df.errors.iter().map(|e| e.message.as_str()).collect()
    }

    /// (line, col, end_line, end_col) of a span.
    fn lc(src: &SourceFile, s: Span) -> (usize, usize, usize, usize) {
        let l = src.loc(s);
        (l.line, l.col, l.end_line, l.end_col)
    }

    /// Every span of the result (and of the helpers) lies in the text on char boundaries.
    fn assert_spans_ok(src: &SourceFile, df: &Dockerfile) {
        if let Err(e) = check_spans(src, df) {
            panic!("{e}");
        }
    }

    // ----- directives ---------------------------------------------------------------

    #[test]
    fn directives_syntax_escape_and_check() {
        let (src, df) = p(concat!(
            "# syntax=docker/dockerfile:1.7\n",
            "#  ESCAPE = `\n",
            "# check=skip=JSONArgsRecommended\n",
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n",
            "RUN dir `\n",
            "    c:\\windows\n",
            "COPY a\\b c:\\app\\\n",
        ));
        assert_eq!(df.escape, '`');
        let d: Vec<_> = df
            .directives
            .iter()
            .map(|d| (d.name.as_str(), d.value.as_str()))
            .collect();
        assert_eq!(
            d,
            [
                ("syntax", "docker/dockerfile:1.7"),
                ("escape", "`"),
                ("check", "skip=JSONArgsRecommended")
            ]
        );
        assert_eq!(src.slice(df.directives[1].span), "#  ESCAPE = `");
        assert_eq!(kws(&df), ["FROM", "RUN", "COPY"]);
        assert_eq!(shell(&df.instructions[1]), "dir     c:\\windows");
        // With a backtick escape, a trailing backslash is an ordinary character.
        assert_eq!(shell(&df.instructions[2]), "a\\b c:\\app\\");
        let w = df.instructions[1].words(&src);
        assert_eq!(texts(&w), ["dir", "c:\\windows"]);
        assert_eq!(lc(&src, w[1].span), (6, 5, 6, 15));
        assert!(df.comments.is_empty());
        assert!(df.errors.is_empty(), "{:?}", df.errors);
    }

    #[test]
    fn directives_only_at_the_very_top() {
        // After an instruction, a comment, an unknown directive or a blank line, a
        // directive-shaped line is only a comment.
        for text in [
            "FROM a\n# escape=`\nRUN x \\\n y\n",
            "# hello\n# escape=`\nFROM a\nRUN x \\\n y\n",
            "# foo=bar\n# escape=`\nFROM a\nRUN x \\\n y\n",
            "\n# escape=`\nFROM a\nRUN x \\\n y\n",
        ] {
            let (_, df) = p(text);
            assert_eq!(df.escape, '\\', "{text:?}");
            assert!(df.directives.is_empty(), "{text:?}");
            assert!(df.comments.iter().any(|c| c.text == "escape=`"), "{text:?}");
            assert_eq!(shell(&df.instructions[1]), "x  y", "{text:?}");
        }
    }

    #[test]
    fn duplicate_and_invalid_directives_are_errors() {
        let (_, df) = p("# escape=`\n# escape=\\\n# syntax=x\n# syntax=y\nFROM a\n");
        assert_eq!(df.escape, '`');
        assert_eq!(df.directives.len(), 2);
        assert_eq!(
            messages(&df),
            [
                "only one escape parser directive can be used",
                "only one syntax parser directive can be used"
            ]
        );
        let (src, df) = p("# escape=/\nFROM a\n");
        assert_eq!(df.escape, '\\');
        assert_eq!(df.errors.len(), 1);
        assert!(df.errors[0].message.contains("invalid escape token '/'"));
        assert_eq!(lc(&src, df.errors[0].span), (1, 1, 1, 11));
    }

    // ----- line structure -----------------------------------------------------------

    #[test]
    fn continuation_with_comment_and_empty_lines_inside() {
        let (src, df) = p(concat!(
            "FROM debian:12\n",
            "RUN apt-get update && \\\n",
            "  # install curl\n",
            "\n",
            "   \t\n",
            "  apt-get install -y curl \\\n",
            "    # mcp-audit ignore=MCP-DF-010\n",
            "  && rm -rf /var/lib/apt/lists/*\n",
            "USER mcp\n",
        ));
        assert_eq!(kws(&df), ["FROM", "RUN", "USER"]);
        let run = &df.instructions[1];
        assert_eq!(
            shell(run),
            "apt-get update &&   apt-get install -y curl   && rm -rf /var/lib/apt/lists/*"
        );
        assert_eq!(lc(&src, run.span), (2, 1, 8, 33));
        let c: Vec<_> = df.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(c, ["install curl", "mcp-audit ignore=MCP-DF-010"]);
        assert_eq!(lc(&src, df.comments[1].span), (7, 5, 7, 34));
        assert!(df.errors.is_empty(), "{:?}", df.errors);
    }

    #[test]
    fn word_on_a_continuation_line_has_its_exact_span() {
        let (src, df) = p(
            "FROM a:1\nRUN apt-get update \\\n # c\n\n && apt-get install -y \"curl\"  \\\n\tjq\n",
        );
        let run = &df.instructions[1];
        let words = run.words(&src);
        assert_eq!(
            texts(&words),
            ["apt-get", "update", "&&", "apt-get", "install", "-y", "curl", "jq"]
        );
        let curl = &words[6];
        assert_eq!(src.slice(curl.span), "\"curl\"");
        assert_eq!(lc(&src, curl.span), (5, 24, 5, 30));
        assert_eq!(curl.span, Span::new(59, 65));
        let jq = &words[7];
        assert_eq!(lc(&src, jq.span), (6, 2, 6, 4));
        // The shell text's span runs from the first argument to the last.
        let Arguments::Shell(w) = &run.args else {
            panic!()
        };
        assert_eq!(lc(&src, w.span), (2, 5, 6, 4));
        assert_eq!(lc(&src, run.keyword_span), (2, 1, 2, 4));
    }

    #[test]
    fn escaped_escape_at_end_is_not_a_continuation() {
        let (_, df) = p("FROM a\nRUN echo foo\\\\\nRUN echo \\\\ \\\n bar\n");
        assert_eq!(kws(&df), ["FROM", "RUN", "RUN"]);
        assert_eq!(shell(&df.instructions[1]), "echo foo\\\\");
        assert_eq!(shell(&df.instructions[2]), "echo \\\\  bar");
    }

    #[test]
    fn crlf_line_endings() {
        let (src, df) = p("FROM a:1\r\nRUN echo a \\\r\n  b\r\nUSER mcp\r\n");
        assert_eq!(kws(&df), ["FROM", "RUN", "USER"]);
        assert_eq!(shell(&df.instructions[1]), "echo a   b");
        assert_eq!(shell(&df.instructions[2]), "mcp");
        assert_eq!(lc(&src, df.instructions[1].span), (2, 1, 3, 4));
        assert_eq!(src.slice(df.instructions[2].span), "USER mcp");
        assert!(df.errors.is_empty());
    }

    #[test]
    fn lone_cr_line_endings() {
        let (src, df) = p("FROM a:1\rRUN echo a \\\r  b\rUSER mcp\r");
        assert_eq!(kws(&df), ["FROM", "RUN", "USER"]);
        assert_eq!(shell(&df.instructions[1]), "echo a   b");
        assert_eq!(lc(&src, df.instructions[2].span), (4, 1, 4, 9));
    }

    #[test]
    fn utf8_bom() {
        let src = SourceFile::from_bytes(
            std::path::Path::new("Dockerfile"),
            "Dockerfile".into(),
            b"\xEF\xBB\xBF# syntax=docker/dockerfile:1\nFROM a:1\n",
        );
        let df = parse(&src);
        assert_eq!(kws(&df), ["FROM"]);
        assert_eq!(df.directives.len(), 1);
        // A BOM left in the text is skipped too, and spans stay valid.
        let (src, df) = p("\u{feff}# escape=`\nFROM a:1\n");
        assert_eq!(df.escape, '`');
        assert_eq!(src.slice(df.instructions[0].keyword_span), "FROM");
        assert_eq!(df.directives[0].span.start, 3);
    }

    #[test]
    fn empty_and_whitespace_only_files() {
        for text in ["", "\n", "  \n\t\n", "\r\n\r\n", "\u{feff}", "   "] {
            let (_, df) = p(text);
            assert!(
                df.instructions.is_empty() && df.errors.is_empty(),
                "{text:?}"
            );
        }
        let (_, df) = p("# just a comment\n");
        assert_eq!(df.comments.len(), 1);
        assert!(df.instructions.is_empty() && df.errors.is_empty());
    }

    #[test]
    fn trailing_continuation_at_eof() {
        let (src, df) = p("FROM a:1\nRUN echo hi \\");
        assert_eq!(kws(&df), ["FROM", "RUN"]);
        assert_eq!(shell(&df.instructions[1]), "echo hi");
        assert_eq!(src.slice(df.instructions[1].span), "RUN echo hi \\");
        let (_, df) = p("FROM a:1\nRUN echo hi \\\n# trailing comment\n\n");
        assert_eq!(shell(&df.instructions[1]), "echo hi");
        assert_eq!(df.comments.len(), 1);
        // Lines holding only the escape character are joined but form no instruction.
        let (_, df) = p("\\\n\\\n");
        assert!(df.instructions.is_empty() && df.errors.is_empty());
        let (src, df) = p("\\\nFROM a\n");
        assert_eq!(kws(&df), ["FROM"]);
        assert_eq!(lc(&src, df.instructions[0].keyword_span), (2, 1, 2, 5));
    }

    // ----- heredocs -----------------------------------------------------------------

    #[test]
    fn heredoc_basic() {
        let (src, df) = p("FROM a:1\nRUN <<EOT\necho one\necho two\nEOT\nUSER mcp\n");
        assert_eq!(kws(&df), ["FROM", "RUN", "USER"]);
        let run = &df.instructions[1];
        assert_eq!(shell(run), "<<EOT");
        let h = &run.heredocs[0];
        assert_eq!(
            (h.delimiter.as_str(), h.strip_tabs, h.quoted),
            ("EOT", false, false)
        );
        assert_eq!(h.body, "echo one\necho two\n");
        assert_eq!(src.slice(h.span), "echo one\necho two");
        assert_eq!(lc(&src, run.span), (2, 1, 5, 4));
        assert!(df.errors.is_empty());
    }

    #[test]
    fn heredoc_strip_tabs_and_quoted_delimiters() {
        let (_, df) = p(concat!(
            "FROM a:1\n",
            "RUN <<-\"X\" bash\n\techo $HOME\n\t\tX\n",
            "RUN python3 <<'PY'\nprint('hi')\nPY\n",
            "RUN cat <<-EOF > /x\n\t  a\nEOF\n",
            "USER mcp\n",
        ));
        assert_eq!(kws(&df), ["FROM", "RUN", "RUN", "RUN", "USER"]);
        let h = &df.instructions[1].heredocs[0];
        assert_eq!(
            (h.delimiter.as_str(), h.strip_tabs, h.quoted),
            ("X", true, true)
        );
        assert_eq!(h.body, "echo $HOME\n");
        let h = &df.instructions[2].heredocs[0];
        assert_eq!(
            (h.delimiter.as_str(), h.strip_tabs, h.quoted),
            ("PY", false, true)
        );
        assert_eq!(h.body, "print('hi')\n");
        assert_eq!(df.instructions[3].heredocs[0].body, "  a\n");
        assert!(df.errors.is_empty(), "{:?}", df.errors);
    }

    #[test]
    fn two_heredocs_on_one_line() {
        let (src, df) = p("FROM a:1\nCOPY <<a <<b /dst/\nA\na\nB\nb\nUSER mcp\n");
        assert_eq!(kws(&df), ["FROM", "COPY", "USER"]);
        let c = &df.instructions[1];
        assert_eq!(c.heredocs.len(), 2);
        assert_eq!(
            (c.heredocs[0].body.as_str(), c.heredocs[1].body.as_str()),
            ("A\n", "B\n")
        );
        assert_eq!(lc(&src, c.heredocs[1].span), (5, 1, 5, 2));
        assert_eq!(lc(&src, c.span), (2, 1, 6, 2));
        assert!(df.errors.is_empty(), "{:?}", df.errors);
    }

    #[test]
    fn heredoc_with_empty_body_and_crlf() {
        let (src, df) = p("FROM a\r\nRUN <<EOT\r\nEOT\r\nRUN <<E\r\nx\r\nE\r\n");
        assert_eq!(kws(&df), ["FROM", "RUN", "RUN"]);
        assert_eq!(df.instructions[1].heredocs[0].body, "");
        assert!(df.instructions[1].heredocs[0].span.is_empty());
        assert_eq!(df.instructions[2].heredocs[0].body, "x\n");
        assert_eq!(src.slice(df.instructions[2].heredocs[0].span), "x");
    }

    #[test]
    fn unterminated_heredoc() {
        let (src, df) = p("FROM a:1\nRUN cat <<EOT && echo\necho\nUSER root\n");
        assert_eq!(kws(&df), ["FROM", "RUN"]);
        assert_eq!(df.errors.len(), 1);
        assert!(df.errors[0].message.contains("unterminated heredoc"));
        assert_eq!(src.slice(df.errors[0].span), "<<EOT");
        let run = &df.instructions[1];
        assert_eq!(run.heredocs[0].body, "echo\nUSER root\n");
        assert_eq!(run.span.end, src.text.len() - 1);
    }

    #[test]
    fn not_heredocs() {
        let (_, df) = p(concat!(
            "FROM a\n",
            "RUN cat <<<\"here string\"\n",
            "RUN cat<<EOF\n",
            "RUN echo \"<<EOF\"\n",
            "RUN [\"sh\", \"-c\", \"cat <<EOF\"]\n",
            "CMD cat <<EOF\n",
            "USER mcp\n",
        ));
        assert_eq!(
            kws(&df),
            ["FROM", "RUN", "RUN", "RUN", "RUN", "CMD", "USER"]
        );
        assert!(df.instructions.iter().all(|i| i.heredocs.is_empty()));
        assert!(df.errors.is_empty(), "{:?}", df.errors);
    }

    #[test]
    fn heredoc_in_onbuild_and_after_continuation() {
        let (_, df) = p("FROM a\nONBUILD RUN <<EOF\nx\nEOF\nRUN --mount=type=cache,target=/c \\\n  <<EOF bash\ny\nEOF\n");
        assert_eq!(kws(&df), ["FROM", "ONBUILD", "RUN"]);
        assert_eq!(df.instructions[1].heredocs[0].body, "x\n");
        assert_eq!(df.instructions[2].heredocs[0].body, "y\n");
        assert_eq!(df.instructions[2].flags[0].name, "mount");
        assert!(df.errors.is_empty(), "{:?}", df.errors);
    }

    // ----- forms and flags ------------------------------------------------------------

    #[test]
    fn json_and_shell_forms() {
        let (src, df) = p(concat!(
            "FROM a:1\n",
            "ENTRYPOINT []\n",
            "CMD [ \"node\" , \"index.js\" ]\n",
            "CMD [\"broken\"\n",
            "RUN [\"a\\\"b\", \"\\u00e9\\ud83d\\ude00\\n\"]\n",
            "CMD [\"a\",]\n",
            "CMD ['single']\n",
            "VOLUME [\"/data\", \"/logs\"]\n",
            "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n",
            "ENTRYPOINT [\"x\"] trailing\n",
        ));
        let i = &df.instructions;
        assert!(matches!(&i[1].args, Arguments::Exec(v) if v.is_empty()));
        assert_eq!(exec(&i[2]), ["node", "index.js"]);
        let Arguments::Exec(v) = &i[2].args else {
            panic!()
        };
        assert_eq!(src.slice(v[1].span), "\"index.js\"");
        assert_eq!(shell(&i[3]), "[\"broken\"");
        assert_eq!(exec(&i[4]), ["a\"b", "é😀\n"]);
        assert_eq!(shell(&i[5]), "[\"a\",]");
        assert_eq!(shell(&i[6]), "['single']");
        assert_eq!(exec(&i[7]), ["/data", "/logs"]);
        assert_eq!(exec(&i[8]).len(), 4);
        assert_eq!(shell(&i[9]), "[\"x\"] trailing");
        assert!(df.errors.is_empty(), "{:?}", df.errors);
    }

    #[test]
    fn json_array_of_non_strings_is_an_error() {
        let (_, df) = p("FROM a\nCMD [\"a\", 1, {\"k\": [true, null, -1.5e3]}]\nCMD [1, 2\n");
        assert_eq!(
            shell(&df.instructions[1]),
            "[\"a\", 1, {\"k\": [true, null, -1.5e3]}]"
        );
        assert_eq!(messages(&df), [NOT_STRING_ARRAY]);
        assert_eq!(shell(&df.instructions[2]), "[1, 2");
    }

    #[test]
    fn flags_from_run_copy_add() {
        let (src, df) = p(concat!(
            "FROM --platform=${BUILDPLATFORM} golang:1.22 AS build\n",
            "RUN --mount=type=secret,id=x --mount=type=cache,target=/root/.cache go build ./...\n",
            "FROM alpine:3\n",
            "COPY --from=build --chown=app:app a b\n",
            "COPY --chmod=755 --link s /s\n",
            "ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/x.tgz /x\n",
            "RUN --network=none --security=insecure -- --not-a-flag\n",
            "COPY --chown=\"app user\":app x y\n",
        ));
        let st = df.stages();
        assert_eq!(st[0].name.as_ref().map(|w| w.text.as_str()), Some("build"));
        assert_eq!(st[0].base.text, "golang:1.22");
        let plat = st[0].platform.as_ref().unwrap();
        assert_eq!(plat.value.as_deref(), Some("${BUILDPLATFORM}"));
        assert_eq!(src.slice(plat.span), "--platform=${BUILDPLATFORM}");
        let run = &df.instructions[1];
        assert_eq!(run.flags.len(), 2);
        assert_eq!(run.flags[0].value.as_deref(), Some("type=secret,id=x"));
        assert_eq!(
            src.slice(run.flags[1].span),
            "--mount=type=cache,target=/root/.cache"
        );
        assert_eq!(shell(run), "go build ./...");
        let copy = &df.instructions[3];
        assert_eq!(
            copy.flag("from").and_then(|f| f.value.as_deref()),
            Some("build")
        );
        assert_eq!(
            copy.flag("chown").and_then(|f| f.value.as_deref()),
            Some("app:app")
        );
        assert_eq!(texts(&copy.words(&src)), ["a", "b"]);
        let copy = &df.instructions[4];
        assert_eq!(copy.flags[0].value.as_deref(), Some("755"));
        assert_eq!(
            (copy.flags[1].name.as_str(), copy.flags[1].value.as_deref()),
            ("link", None)
        );
        let add = &df.instructions[5];
        assert_eq!(add.flags[0].name, "checksum");
        assert!(add.flags[0]
            .value
            .as_deref()
            .unwrap()
            .starts_with("sha256:2445"));
        let run = &df.instructions[6];
        assert_eq!(run.flags.len(), 2);
        assert_eq!(shell(run), "--not-a-flag");
        let copy = &df.instructions[7];
        assert_eq!(copy.flags[0].value.as_deref(), Some("app user:app"));
        assert_eq!(src.slice(copy.flags[0].span), "--chown=\"app user\":app");
        assert!(df.errors.is_empty(), "{:?}", df.errors);
    }

    #[test]
    fn keywords_are_case_insensitive() {
        let (src, df) = p("from alpine AS Base\nrun echo\nCopy a b\n");
        assert_eq!(kws(&df), ["FROM", "RUN", "COPY"]);
        assert_eq!(src.slice(df.instructions[2].keyword_span), "Copy");
        assert_eq!(df.stages()[0].name.as_ref().unwrap().text, "Base");
    }

    #[test]
    fn words_follow_shell_quoting() {
        let (src, df) = p(concat!(
            "FROM a\n",
            "RUN echo \"a \\\"b\\\" \\n\" 'c \\d' e\\ f ${X:-a b} \"unterminated\n",
            "# escape=`\n",
            "RUN x`\"y `\n",
            "  z\n",
        ));
        let w = df.instructions[1].words(&src);
        assert_eq!(
            texts(&w),
            [
                "echo",
                "a \"b\" \\n",
                "c \\d",
                "e f",
                "${X:-a b}",
                "unterminated"
            ]
        );
        assert_eq!(src.slice(w[1].span), "\"a \\\"b\\\" \\n\"");
        assert_eq!(src.slice(w[4].span), "${X:-a b}");
        // The escape directive is only honoured at the top: `\` stays the escape, the
        // backtick is no continuation, and the open quote runs to the end of the line.
        assert_eq!(df.escape, '\\');
        assert_eq!(texts(&df.instructions[2].words(&src)), ["x`y `"]);
        assert_eq!(messages(&df), ["unknown instruction `z`"]);
    }

    // ----- stages, ARG, USER, HEALTHCHECK, ENV/LABEL ----------------------------------

    #[test]
    fn stages_and_global_args() {
        let (src, df) = p(concat!(
            "ARG BASE=node:20-alpine\n",
            "ARG UID\n",
            "FROM ${BASE} AS base\n",
            "RUN npm ci\n",
            "FROM base AS runtime\n",
            "COPY --from=base /app /app\n",
            "CMD [\"node\", \"server.js\"]\n",
            "FROM scratch\n",
        ));
        let st = df.stages();
        assert_eq!(st.len(), 3);
        assert_eq!(st[0].base.text, "${BASE}");
        assert_eq!(src.slice(st[0].base.span), "${BASE}");
        assert_eq!((st[0].from, st[0].body.clone()), (2, 3..4));
        assert_eq!(st[1].base.text, "base");
        assert_eq!(st[1].name.as_ref().unwrap().text, "runtime");
        assert_eq!(st[1].body, 5..7);
        assert_eq!(
            (st[2].base.text.as_str(), st[2].name.is_none()),
            ("scratch", true)
        );
        assert_eq!(st[2].body, 8..8);
        let ga = df.global_args();
        assert_eq!(ga.len(), 2);
        let kv = ga[0].key_values(&src);
        assert_eq!(kv[0].key.text, "BASE");
        assert_eq!(kv[0].value.as_ref().unwrap().text, "node:20-alpine");
        let kv = ga[1].key_values(&src);
        assert!(kv[0].value.is_none());
        assert!(df.errors.is_empty(), "{:?}", df.errors);
    }

    #[test]
    fn user_forms() {
        let (src, df) = p("FROM a:1\nUSER mcp\nUSER 1001:0\nUSER ${UID:-1000}\nUSER \"app\"\n");
        let users: Vec<_> = df.instructions[1..].iter().map(shell).collect();
        assert_eq!(users, ["mcp", "1001:0", "${UID:-1000}", "\"app\""]);
        assert_eq!(texts(&df.instructions[3].words(&src)), ["${UID:-1000}"]);
        assert_eq!(texts(&df.instructions[4].words(&src)), ["app"]);
        assert!(df.errors.is_empty());
    }

    #[test]
    fn healthcheck_forms() {
        let (src, df) = p(concat!(
            "FROM a:1\n",
            "HEALTHCHECK NONE\n",
            "HEALTHCHECK --interval=30s --timeout=3s \\\n",
            "  CMD curl -f http://x || exit 1\n",
            "HEALTHCHECK --start-period=5s CMD [\"node\", \"h.js\"]\n",
            "healthcheck cmd wget -q -O- http://localhost:8080/health\n",
        ));
        let h = healthcheck(&df.instructions[1]).unwrap();
        assert!(h.none && h.options.is_empty());
        assert!(matches!(h.cmd, Arguments::None));
        let inst = &df.instructions[2];
        let h = healthcheck(inst).unwrap();
        assert!(!h.none);
        let opts: Vec<_> = h
            .options
            .iter()
            .map(|f| (f.name.as_str(), f.value.as_deref()))
            .collect();
        assert_eq!(opts, [("interval", Some("30s")), ("timeout", Some("3s"))]);
        let Arguments::Shell(cmd) = &h.cmd else {
            panic!("{:?}", h.cmd)
        };
        assert_eq!(cmd.text, "curl -f http://x || exit 1");
        assert_eq!(lc(&src, cmd.span), (4, 7, 4, 33));
        assert_eq!(lc(&src, inst.span), (3, 1, 4, 33));
        let h = healthcheck(&df.instructions[3]).unwrap();
        let Arguments::Exec(v) = &h.cmd else { panic!() };
        assert_eq!(texts(v), ["node", "h.js"]);
        assert_eq!(src.slice(v[1].span), "\"h.js\"");
        assert!(healthcheck(&df.instructions[4]).is_some());
        assert!(healthcheck(&df.instructions[0]).is_none());
        assert!(df.errors.is_empty(), "{:?}", df.errors);
    }

    #[test]
    fn healthcheck_errors() {
        let (_, df) =
            p("FROM a\nHEALTHCHECK\nHEALTHCHECK NONE x\nHEALTHCHECK CMD\nHEALTHCHECK CMDX y\n");
        assert_eq!(
            messages(&df),
            [
                "HEALTHCHECK requires at least one argument",
                "HEALTHCHECK NONE takes no arguments",
                "Missing command after HEALTHCHECK CMD",
                "Unknown type \"CMDX\" in HEALTHCHECK (try CMD)",
            ]
        );
        assert_eq!(df.instructions.len(), 5);
        assert!(healthcheck(&df.instructions[1]).is_none());
        assert!(healthcheck(&df.instructions[2]).unwrap().none);
        assert!(healthcheck(&df.instructions[3]).is_none());
    }

    #[test]
    fn unknown_flags_are_errors() {
        let (src, df) = p(concat!(
            "FROM --platform=linux/amd64 a:1\n",
            "RUN --mount=type=cache,target=/c --network=none true\n",
            "COPY --from=b --chown=1:1 --chmod=644 --link --exclude=*.md . /app\n",
            "ADD --checksum=sha256:00 --keep-git-dir=true https://x/y.tgz /y\n",
            "HEALTHCHECK --interval=5s --start-interval=1s --retries=3 CMD true\n",
            "COPY --frm=b a /a\n",
            "CMD --transport stdio\n",
            "ENV --x=1 A=b\n",
        ));
        assert_eq!(
            messages(&df),
            [
                "unknown flag `--frm` on COPY: Docker refuses to build it (COPY accepts --from, --chown, --chmod, --link, --parents, --exclude)",
                "unknown flag `--transport` on CMD: Docker refuses to build it (CMD takes no flags)",
                "unknown flag `--x` on ENV: Docker refuses to build it (ENV takes no flags)",
            ]
        );
        assert_eq!(src.slice(df.errors[1].span), "--transport");
        assert_eq!(df.instructions.len(), 8, "the instructions are still read");
    }

    #[test]
    fn env_both_forms() {
        let (src, df) = p(concat!(
            "FROM a:1\n",
            "ENV A=1 B=\"two words\" C='${lit}' D=a\\ b E=\n",
            "ENV LEGACY some value  here\n",
            "ENV PATH=/app/bin:$PATH \\\n",
            "    NODE_ENV=production\n",
            "ENV QUOTED \"x y\"\n",
        ));
        let kv = df.instructions[1].key_values(&src);
        let pairs: Vec<_> = kv
            .iter()
            .map(|k| (k.key.text.as_str(), k.value.as_ref().unwrap().text.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("A", "1"),
                ("B", "two words"),
                ("C", "${lit}"),
                ("D", "a b"),
                ("E", "")
            ]
        );
        assert_eq!(
            src.slice(kv[1].value.as_ref().unwrap().span),
            "\"two words\""
        );
        assert_eq!(src.slice(kv[1].key.span), "B");
        let kv = df.instructions[2].key_values(&src);
        assert_eq!(kv.len(), 1);
        assert_eq!(kv[0].key.text, "LEGACY");
        assert_eq!(kv[0].value.as_ref().unwrap().text, "some value  here");
        assert_eq!(
            src.slice(kv[0].value.as_ref().unwrap().span),
            "some value  here"
        );
        let kv = df.instructions[3].key_values(&src);
        assert_eq!(kv[1].key.text, "NODE_ENV");
        assert_eq!(lc(&src, kv[1].value.as_ref().unwrap().span), (5, 14, 5, 24));
        let kv = df.instructions[4].key_values(&src);
        assert_eq!(kv[0].value.as_ref().unwrap().text, "x y");
        assert!(df.errors.is_empty(), "{:?}", df.errors);
    }

    #[test]
    fn env_label_arg_errors() {
        let (_, df) = p("FROM a\nENV\nENV ONLY\nENV A=1 B\nLABEL =x\nARG\nARG =1\nARG A B=2\n");
        assert_eq!(
            messages(&df),
            [
                "ENV requires at least one argument",
                "ENV must have two arguments",
                "Syntax error - can't find = in \"B\". Must be of the form: name=value",
                "LABEL names can not be blank",
                "ARG requires at least one argument",
                "ARG names can not be blank",
            ]
        );
        assert_eq!(df.instructions.len(), 8);
    }

    #[test]
    fn label_with_quoted_values() {
        let (src, df) = p(concat!(
            "FROM a\n",
            "LABEL org.opencontainers.image.title=\"My MCP server\" \\\n",
            "      io.modelcontextprotocol.server.name=\"io.github.a/b\" x='y z' \"quoted key\"=v\n",
            "LABEL maintainer \"Jane Doe <jane@example.com>\"\n",
        ));
        let kv = df.instructions[1].key_values(&src);
        let pairs: Vec<_> = kv
            .iter()
            .map(|k| (k.key.text.as_str(), k.value.as_ref().unwrap().text.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("org.opencontainers.image.title", "My MCP server"),
                ("io.modelcontextprotocol.server.name", "io.github.a/b"),
                ("x", "y z"),
                ("quoted key", "v"),
            ]
        );
        assert_eq!(lc(&src, kv[1].key.span), (3, 7, 3, 42));
        let kv = df.instructions[2].key_values(&src);
        assert_eq!(
            kv[0].value.as_ref().unwrap().text,
            "Jane Doe <jane@example.com>"
        );
        assert!(df.errors.is_empty(), "{:?}", df.errors);
    }

    // ----- errors ---------------------------------------------------------------------

    #[test]
    fn unknown_instruction_in_the_middle() {
        let (src, df) = p("FROM a:1\nRUN a \\\n  b\nFOOBAR x \\\n  y\nUSER mcp\nCMD [\"x\"]\n");
        assert_eq!(kws(&df), ["FROM", "RUN", "USER", "CMD"]);
        assert_eq!(messages(&df), ["unknown instruction `FOOBAR`"]);
        assert_eq!(lc(&src, df.errors[0].span), (4, 1, 4, 7));
    }

    #[test]
    fn missing_arguments() {
        let (src, df) = p("FROM\nFROM a b\nFROM a AS 1st\nCOPY onlyone\nUSER\nWORKDIR\nEXPOSE\nVOLUME []\nSHELL /bin/sh -c\nONBUILD FROM x\n");
        assert_eq!(df.instructions.len(), 10);
        assert_eq!(
            messages(&df),
            [
                "FROM requires either one or three arguments",
                "FROM requires either one or three arguments",
                "invalid name for build stage: \"1st\", name can't start with a number or contain symbols",
                "COPY requires at least two arguments, but only one was provided. Destination could not be determined",
                "USER requires exactly one argument",
                "WORKDIR requires exactly one argument",
                "EXPOSE requires at least one argument",
                "VOLUME requires at least one argument",
                "SHELL requires the arguments to be in JSON form",
                "FROM isn't allowed as an ONBUILD trigger",
            ]
        );
        assert_eq!(src.slice(df.errors[0].span), "FROM");
        // A bare FROM still starts a stage (with an empty base), so indices stay right.
        let st = df.stages();
        assert_eq!(st.len(), 3);
        assert_eq!(st[0].base.text, "");
        assert_eq!(st[0].body, 1..1);
    }

    #[test]
    fn instruction_before_from() {
        let (src, df) = p("# comment\nARG V=1\nRUN echo\nUSER x\nFROM a\n");
        assert_eq!(
            messages(&df),
            ["RUN before the first FROM: no build stage in current context"]
        );
        assert_eq!(lc(&src, df.errors[0].span), (3, 1, 3, 4));
        assert_eq!(df.instructions.len(), 4);
    }

    // ----- robustness -----------------------------------------------------------------

    #[test]
    fn hostile_inputs_and_all_their_prefixes() {
        let samples = [
            "\\",
            "`",
            "RUN \\\n\\\n\\",
            "FROM a\nRUN <<",
            "FROM a\nRUN <<'",
            "FROM a\nRUN <<\"EOT\nx\n",
            "FROM a\nRUN <<-EOT <<EOT2 \\\n\t x\n\tEOT\nEOT2",
            "FROM a\nCMD [\"\\u12\"]",
            "FROM a\nCMD [\"\\ud800\\u",
            "FROM a\nCMD [[[[[[{\"a\":[1,2,{}]}]]]]]]",
            "é\\\né",
            "# escape=`\nRUN a``\nRUN `\n",
            "FROM a\nENV",
            "FROM a\nENV \"a=b\" 'c=d",
            "FROM a\nRUN echo \"unterminated \\\n more",
            "FROM a\nRUN ${x ${y} $",
            "FROM a\nHEALTHCHECK --interval= CMD [",
            "FROM --platform\nFROM -- \nRUN --mount=\"a b\nRUN -- --",
            "\u{feff}\r\r\n\n\r",
            "FROM a\nLABEL a=\"é\\\" b='ü\nCOPY <<-é <<ü /\né\nü\n",
            "ONBUILD\nONBUILD RUN\nONBUILD RUN [\"a\"]\nONBUILD ONBUILD x",
        ];
        for s in samples {
            let mut cut: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
            cut.push(s.len());
            for &n in &cut {
                let _ = p(&s[..n]);
            }
        }
    }

    /// A tiny deterministic generator (xorshift) for fuzz-style inputs.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
            xs[(self.next() % xs.len() as u64) as usize]
        }
    }

    #[test]
    fn random_token_soup_never_panics() {
        let tokens = [
            "FROM",
            "RUN",
            "COPY",
            "ADD",
            "ENV",
            "LABEL",
            "ARG",
            "HEALTHCHECK",
            "CMD",
            "NONE",
            "ONBUILD",
            "SHELL",
            "USER",
            "FOO",
            " ",
            " ",
            "\t",
            "\n",
            "\n",
            "\r\n",
            "\r",
            "\\",
            "`",
            "\"",
            "'",
            "<<",
            "<<-",
            "EOT",
            "<<EOT",
            "EOT\n",
            "#",
            "# escape=`\n",
            "[",
            "]",
            ",",
            "\"a\"",
            "{",
            "}",
            "${",
            "$",
            "=",
            "--",
            "--mount=type=cache",
            "-",
            "é",
            "😀",
            "\u{feff}",
            "AS",
            "x",
            "1",
            "\\u00",
            ":",
        ];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let n = (rng.next() % 40) as usize;
            let mut s = String::new();
            for _ in 0..n {
                s.push_str(rng.pick(&tokens));
            }
            let _ = p(&s);
        }
    }

    #[test]
    fn large_inputs_are_linear() {
        // A 10 MB single line.
        let mut big = String::from("FROM a\nRUN echo");
        while big.len() < 10_000_000 {
            big.push_str(" \"word\" ${X:-y} 'z'");
        }
        let t = std::time::Instant::now();
        let df = parse_str(&big);
        assert_eq!(df.instructions.len(), 2);
        assert!(t.elapsed().as_secs() < 20);
        // 100 000 continuation lines, with comments in between.
        let mut many = String::from("FROM a\nENV ");
        for i in 0..100_000 {
            many.push_str(&format!("K{i}=v{i} \\\n"));
            if i % 1000 == 0 {
                many.push_str("# note\n\n");
            }
        }
        many.push_str("  LAST=1\n");
        let src = SourceFile::from_str("D", &many);
        let t = std::time::Instant::now();
        let df = parse(&src);
        let kv = df.instructions[1].key_values(&src);
        assert_eq!(kv.len(), 100_001);
        assert_eq!(src.slice(kv[99_999].key.span), "K99999");
        assert_eq!(df.comments.len(), 100);
        assert!(df.errors.is_empty());
        assert!(t.elapsed().as_secs() < 20);
        // Many unterminated `${` and heredoc-looking words on one line.
        let weird = format!("FROM a\nRUN {}\n", "${ <<".repeat(200_000));
        let df = parse_str(&weird);
        assert_eq!(df.instructions.len(), 2);
    }

    /// Walks the shared corpus (not part of the repository): no panic, valid spans;
    /// prints how many files have parse errors and some examples.
    #[test]
    #[ignore = "needs the shared corpus at /work/shared/corpus"]
    fn corpus_never_panics_and_spans_are_valid() {
        let root = std::path::Path::new("/work/shared/corpus");
        if !root.is_dir() {
            return;
        }
        let mut files = Vec::new();
        let mut dirs = vec![root.to_path_buf()];
        while let Some(d) = dirs.pop() {
            let Ok(rd) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in rd.flatten() {
                let path = e.path();
                let Ok(ft) = e.file_type() else { continue };
                if ft.is_dir() {
                    dirs.push(path);
                } else if ft.is_file() {
                    let name = e.file_name().to_string_lossy().to_string();
                    if name == "Dockerfile"
                        || name == "Containerfile"
                        || name.ends_with(".Dockerfile")
                        || name.starts_with("Dockerfile.")
                    {
                        files.push(path);
                    }
                }
            }
        }
        files.sort();
        let sources: Vec<SourceFile> = files
            .iter()
            .filter_map(|f| {
                let bytes = std::fs::read(f).ok()?;
                Some(SourceFile::from_bytes(f, f.display().to_string(), &bytes))
            })
            .collect();
        let t = std::time::Instant::now();
        let parsed: Vec<Dockerfile> = sources.iter().map(parse).collect();
        let elapsed = t.elapsed();
        let mut with_errors = 0;
        let mut by_message: std::collections::BTreeMap<String, usize> = Default::default();
        let mut examples = Vec::new();
        for (src, df) in sources.iter().zip(&parsed) {
            assert_spans_ok(src, df);
            if !df.errors.is_empty() {
                with_errors += 1;
            }
            for e in &df.errors {
                let key: String = e.message.split(['`', '"']).next().unwrap_or("").to_string();
                *by_message.entry(key).or_default() += 1;
                if examples.len() < 400 {
                    let l = src.loc(e.span);
                    let line = src.slice(src.line_span(l.line));
                    examples.push(format!(
                        "{}:{}:{}: {}\n    | {}",
                        src.display, l.line, l.col, e.message, line
                    ));
                }
            }
        }
        eprintln!(
            "{} files ({} bytes) parsed in {:?} ({:.0} files/s); {} with errors",
            sources.len(),
            sources.iter().map(|s| s.text.len()).sum::<usize>(),
            elapsed,
            sources.len() as f64 / elapsed.as_secs_f64(),
            with_errors
        );
        for (m, n) in &by_message {
            eprintln!("{n:6}  {m}");
        }
        let step = (examples.len() / 40).max(1);
        for e in examples.iter().step_by(step) {
            eprintln!("{e}");
        }
        assert!(!sources.is_empty());
    }
}
