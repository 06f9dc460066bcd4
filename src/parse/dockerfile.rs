//! An error-tolerant Dockerfile parser with byte spans: parser directives, the escape
//! character, continuations (with comment and empty lines inside), heredocs, JSON and
//! shell forms, flags. A bad instruction is reported and skipped; the rest is kept.

use crate::source::{SourceFile, Span};
use serde::Serialize;

const KNOWN: &[&str] = &[
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
/// Instructions whose arguments may be a JSON array.
const JSON_FORM: &[&str] = &["ADD", "CMD", "COPY", "ENTRYPOINT", "RUN", "SHELL", "VOLUME"];

#[derive(Clone, Debug, Serialize)]
pub struct Dockerfile {
    pub escape: char,
    pub directives: Vec<Directive>,
    pub instructions: Vec<Instruction>,
    pub comments: Vec<Comment>,
    pub errors: Vec<ParseError>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Directive {
    pub name: String,
    pub value: String,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct Word {
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum Arguments {
    None,
    Exec(Vec<Word>),
    Shell(Word),
}

#[derive(Clone, Debug, Serialize)]
pub struct Heredoc {
    pub delimiter: String,
    pub strip_tabs: bool,
    pub quoted: bool,
    pub body: String,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct KeyValue {
    pub key: Word,
    pub value: Option<Word>,
}

/// A piece of the logical line: `len` bytes at `logical` come from `src` in the file.
#[derive(Clone, Copy, Debug, Serialize)]
struct Segment {
    logical: usize,
    src: usize,
    len: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct Instruction {
    pub keyword: String,
    pub keyword_span: Span,
    pub span: Span,
    pub flags: Vec<Flag>,
    pub args: Arguments,
    pub heredocs: Vec<Heredoc>,
    /// The logical line (continuations joined) and its map back to the source.
    #[serde(skip)]
    logical: String,
    #[serde(skip)]
    segments: Vec<Segment>,
    /// Logical offset where the arguments (after flags) start.
    #[serde(skip)]
    args_at: usize,
    #[serde(skip)]
    escape: char,
}

#[derive(Clone, Debug)]
pub struct Stage {
    pub index: usize,
    pub name: Option<Word>,
    pub base: Word,
    pub platform: Option<Flag>,
    pub from: usize,
    pub body: std::ops::Range<usize>,
}

#[derive(Clone, Debug)]
pub struct Healthcheck {
    pub none: bool,
    pub options: Vec<Flag>,
    pub cmd: Arguments,
}

impl Instruction {
    /// Map a logical offset to a source offset.
    fn src_at(&self, logical: usize) -> usize {
        if self.segments.is_empty() {
            return self.keyword_span.end;
        }
        let i = match self.segments.binary_search_by(|s| s.logical.cmp(&logical)) {
            Ok(i) => i,
            Err(0) => 0,
            Err(i) => i - 1,
        };
        let s = self.segments[i];
        s.src + (logical - s.logical).min(s.len)
    }

    /// Source span of a logical range.
    fn map(&self, start: usize, end: usize) -> Span {
        if end <= start {
            let p = self.src_at(start);
            return Span::new(p, p);
        }
        Span::new(self.src_at(start), self.src_at(end - 1) + 1)
    }

    fn word(&self, start: usize, end: usize, text: String) -> Word {
        Word {
            text,
            span: self.map(start, end),
        }
    }

    /// The logical text of the arguments (after flags).
    pub fn args_text(&self) -> &str {
        self.logical.get(self.args_at..).unwrap_or("").trim()
    }

    /// Shell-form words, split on whitespace honouring quotes and the escape character;
    /// quotes removed; each with its source span.
    pub fn words(&self, _src: &SourceFile) -> Vec<Word> {
        self.split_words(self.args_at)
            .into_iter()
            .map(|(w, _)| w)
            .collect()
    }

    /// Words from logical offset `from`, with the raw (quoted) text of each.
    fn split_words(&self, from: usize) -> Vec<(Word, String)> {
        let s = self.logical.as_str();
        let b = s.as_bytes();
        let esc = self.escape;
        let mut out = Vec::new();
        let mut i = from.min(b.len());
        while i < b.len() {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= b.len() {
                break;
            }
            let start = i;
            let mut text = String::new();
            let mut quote: Option<char> = None;
            let mut chars = s[i..].char_indices().peekable();
            let mut end = b.len();
            while let Some((off, c)) = chars.next() {
                let at = i + off;
                match quote {
                    Some(q) if c == q => quote = None,
                    Some('"') if c == esc => {
                        if let Some(&(_, n)) = chars.peek() {
                            text.push(n);
                            chars.next();
                        }
                    }
                    Some(_) => text.push(c),
                    None if c.is_whitespace() => {
                        end = at;
                        break;
                    }
                    None if c == '"' || c == '\'' => quote = Some(c),
                    None if c == esc => {
                        if let Some(&(_, n)) = chars.peek() {
                            text.push(n);
                            chars.next();
                        }
                    }
                    None => text.push(c),
                }
            }
            let raw = s[start..end].to_string();
            out.push((self.word(start, end, text), raw));
            i = end;
        }
        out
    }

    /// `ENV`/`LABEL`/`ARG` pairs: `K=V K2="v 2"`, or the legacy `ENV K V w` form.
    pub fn key_values(&self, _src: &SourceFile) -> Vec<KeyValue> {
        let words = self.split_words(self.args_at);
        let Some((first, first_raw)) = words.first() else {
            return Vec::new();
        };
        let legacy = !first_raw.contains('=')
            && matches!(self.keyword.as_str(), "ENV" | "LABEL")
            && words.len() > 1;
        if legacy {
            // Value: the rest of the line after the key, as written (quotes removed).
            let key = first.clone();
            let rest_start = self.logical[..]
                .find(first_raw.as_str())
                .map(|p| p + first_raw.len())
                .unwrap_or(self.logical.len());
            let rest_start = rest_start.max(self.args_at);
            let rest = self.logical[rest_start..].trim();
            let lead =
                self.logical[rest_start..].len() - self.logical[rest_start..].trim_start().len();
            let vstart = rest_start + lead;
            let value = self.word(vstart, vstart + rest.len(), unquote(rest));
            return vec![KeyValue {
                key,
                value: Some(value),
            }];
        }
        words
            .into_iter()
            .map(|(w, raw)| match raw.find('=') {
                Some(eq) => {
                    let key_text = unquote(&raw[..eq]);
                    let (k_text, v_text) = match w.text.split_once('=') {
                        Some((_, v)) => (key_text, v.to_string()),
                        None => (key_text, String::new()),
                    };
                    let key = Word {
                        text: k_text,
                        span: Span::new(w.span.start, (w.span.start + eq).min(w.span.end)),
                    };
                    let value = Word {
                        text: v_text,
                        span: Span::new((w.span.start + eq + 1).min(w.span.end), w.span.end),
                    };
                    KeyValue {
                        key,
                        value: Some(value),
                    }
                }
                None => KeyValue {
                    key: w,
                    value: None,
                },
            })
            .collect()
    }
}

fn unquote(s: &str) -> String {
    let t = s.trim();
    if t.len() >= 2
        && ((t.starts_with('"') && t.ends_with('"')) || (t.starts_with('\'') && t.ends_with('\'')))
    {
        t[1..t.len() - 1].to_string()
    } else {
        t.to_string()
    }
}

/// Parse `[ "a", "b" ]` at `logical[from..]`: elements with logical ranges, or `None`.
fn json_array(s: &str, from: usize) -> Option<Vec<(usize, usize, String)>> {
    let b = s.as_bytes();
    let mut i = from;
    let skip_ws = |i: &mut usize| {
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    if b.get(i) != Some(&b'[') {
        return None;
    }
    i += 1;
    let mut out = Vec::new();
    skip_ws(&mut i);
    if b.get(i) == Some(&b']') {
        i += 1;
        skip_ws(&mut i);
        return (i == b.len()).then_some(out);
    }
    loop {
        skip_ws(&mut i);
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let start = i;
        i += 1;
        let mut text = String::new();
        loop {
            let c = s[i..].chars().next()?;
            match c {
                '"' => {
                    i += 1;
                    break;
                }
                '\\' => {
                    let n = s[i + 1..].chars().next()?;
                    match n {
                        'n' => text.push('\n'),
                        't' => text.push('\t'),
                        'r' => text.push('\r'),
                        'b' => text.push('\u{8}'),
                        'f' => text.push('\u{c}'),
                        'u' => {
                            let hex = s.get(i + 2..i + 6)?;
                            let cp = u32::from_str_radix(hex, 16).ok()?;
                            text.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                            i += 4;
                        }
                        other => text.push(other),
                    }
                    i += 1 + n.len_utf8();
                }
                c => {
                    text.push(c);
                    i += c.len_utf8();
                }
            }
        }
        out.push((start, i, text));
        skip_ws(&mut i);
        match b.get(i) {
            Some(b',') => i += 1,
            Some(b']') => {
                i += 1;
                skip_ws(&mut i);
                return (i == b.len()).then_some(out);
            }
            _ => return None,
        }
    }
}

/// Physical lines: (start, end without terminator, next line start).
fn lines(text: &str) -> Vec<(usize, usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => {
                let end = if i > start && b[i - 1] == b'\r' {
                    i - 1
                } else {
                    i
                };
                out.push((start, end, i + 1));
                start = i + 1;
            }
            b'\r' if b.get(i + 1) != Some(&b'\n') => {
                out.push((start, i, i + 1));
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < b.len() {
        out.push((start, b.len(), b.len()));
    }
    out
}

fn parse_directive(line: &str) -> Option<(String, String)> {
    let rest = line.trim().strip_prefix('#')?;
    let (name, value) = rest.split_once('=')?;
    let name = name.trim();
    if name.is_empty()
        || !name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
    {
        return None;
    }
    Some((name.to_ascii_lowercase(), value.trim().to_string()))
}

/// Heredoc openers in an instruction's logical text: `<<EOF`, `<<-EOF`, `<<"EOF"`.
fn heredoc_markers(s: &str) -> Vec<(String, bool, bool)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 2 < b.len() {
        if b[i] == b'<' && b[i + 1] == b'<' && (i == 0 || b[i - 1] != b'<') && b[i + 2] != b'<' {
            let mut j = i + 2;
            let strip = b.get(j) == Some(&b'-');
            if strip {
                j += 1;
            }
            let quote = match b.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    j += 1;
                    Some(q)
                }
                _ => None,
            };
            let ws = j;
            while j < b.len()
                && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b'.' || b[j] == b'-')
            {
                j += 1;
            }
            if j > ws {
                let word = s[ws..j].to_string();
                let closed = match quote {
                    Some(q) => b.get(j) == Some(&q),
                    None => true,
                };
                if closed {
                    out.push((word, strip, quote.is_some()));
                    i = j;
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

/// Parse a Dockerfile. Never fails: problems are in `errors`.
pub fn parse(src: &SourceFile) -> Dockerfile {
    let text: &str = &src.text;
    let text_off = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let phys: Vec<(usize, usize, usize)> = lines(&text[text_off..])
        .into_iter()
        .map(|(a, b, c)| (a + text_off, b + text_off, c + text_off))
        .collect();
    let mut df = Dockerfile {
        escape: '\\',
        directives: vec![],
        instructions: vec![],
        comments: vec![],
        errors: vec![],
    };

    // Parser directives: only at the very top.
    let mut li = 0;
    while li < phys.len() {
        let (a, e, _) = phys[li];
        let line = &text[a..e];
        match parse_directive(line) {
            Some((name, value)) if matches!(name.as_str(), "syntax" | "escape" | "check") => {
                if name == "escape" {
                    match value.as_str() {
                        "\\" => df.escape = '\\',
                        "`" => df.escape = '`',
                        other => df.errors.push(ParseError {
                            message: format!("invalid escape character {other:?}: must be \\ or `"),
                            span: Span::new(a, e),
                        }),
                    }
                }
                df.directives.push(Directive {
                    name,
                    value,
                    span: Span::new(a, e),
                });
                li += 1;
            }
            _ => break,
        }
    }
    let esc = df.escape;
    while li < phys.len() {
        let (a, e, _) = phys[li];
        let line = &text[a..e];
        let trimmed = line.trim_start();
        let lead = line.len() - trimmed.len();
        if trimmed.trim().is_empty() {
            li += 1;
            continue;
        }
        if let Some(c) = trimmed.strip_prefix('#') {
            df.comments.push(Comment {
                text: c.trim().to_string(),
                span: Span::new(a + lead, e),
            });
            li += 1;
            continue;
        }
        // An instruction starts here: join continuation lines.
        let start = a + lead;
        let mut logical = String::new();
        let mut segments: Vec<Segment> = Vec::new();
        let mut end;
        let mut cur = (start, e);
        li += 1;
        loop {
            let piece = &text[cur.0..cur.1];
            let t = piece.trim_end();
            let continued = t.ends_with(esc);
            let content = if continued {
                &t[..t.len() - esc.len_utf8()]
            } else {
                piece
            };
            segments.push(Segment {
                logical: logical.len(),
                src: cur.0,
                len: content.len(),
            });
            logical.push_str(content);
            end = cur.1;
            if !continued {
                break;
            }
            // Skip empty and comment lines inside the continuation.
            let mut next = None;
            while li < phys.len() {
                let (na, ne, _) = phys[li];
                let l = &text[na..ne];
                let lt = l.trim_start();
                if lt.trim().is_empty() {
                    li += 1;
                    continue;
                }
                if let Some(c) = lt.strip_prefix('#') {
                    df.comments.push(Comment {
                        text: c.trim().to_string(),
                        span: Span::new(na + (l.len() - lt.len()), ne),
                    });
                    li += 1;
                    continue;
                }
                next = Some((na, ne));
                li += 1;
                break;
            }
            match next {
                Some(n) => cur = n,
                None => break, // continuation at end of file
            }
        }
        // Keyword and the rest.
        let kw_len = logical
            .bytes()
            .take_while(|c| !c.is_ascii_whitespace())
            .count();
        let keyword = logical[..kw_len].to_ascii_uppercase();
        let keyword_span = Span::new(start, start + kw_len.min(segments[0].len));
        let mut inst = Instruction {
            keyword: keyword.clone(),
            keyword_span,
            span: Span::new(start, end),
            flags: vec![],
            args: Arguments::None,
            heredocs: vec![],
            logical,
            segments,
            args_at: kw_len,
            escape: esc,
        };
        // Heredoc bodies follow the instruction line.
        if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") {
            for (delim, strip, quoted) in heredoc_markers(&inst.logical[kw_len..]) {
                let body_start = phys.get(li).map(|p| p.0).unwrap_or(text.len());
                let mut body = String::new();
                let mut closed = false;
                while li < phys.len() {
                    let (na, ne, _) = phys[li];
                    li += 1;
                    let l = &text[na..ne];
                    let cmp = if strip { l.trim_start_matches('\t') } else { l };
                    if cmp == delim {
                        closed = true;
                        inst.span.end = ne;
                        break;
                    }
                    body.push_str(cmp);
                    body.push('\n');
                    inst.span.end = ne;
                }
                if !closed {
                    df.errors.push(ParseError {
                        message: format!("unterminated heredoc: no line `{delim}` closes it"),
                        span: inst.keyword_span,
                    });
                }
                let body_end = inst.span.end.max(body_start);
                inst.heredocs.push(Heredoc {
                    delimiter: delim,
                    strip_tabs: strip,
                    quoted,
                    body,
                    span: Span::new(body_start, body_end),
                });
            }
        }
        if !KNOWN.contains(&keyword.as_str()) {
            df.errors.push(ParseError {
                message: format!("unknown instruction `{}`", &inst.logical[..kw_len]),
                span: keyword_span,
            });
            continue;
        }
        // Flags.
        let mut pos = kw_len;
        let lb = inst.logical.as_bytes();
        if keyword != "ONBUILD" {
            loop {
                while pos < lb.len() && lb[pos].is_ascii_whitespace() {
                    pos += 1;
                }
                if !inst.logical[pos..].starts_with("--") {
                    break;
                }
                let fend = pos
                    + lb[pos..]
                        .iter()
                        .take_while(|c| !c.is_ascii_whitespace())
                        .count();
                let body = &inst.logical[pos + 2..fend];
                let (name, value) = match body.split_once('=') {
                    Some((n, v)) => (n.to_string(), Some(v.to_string())),
                    None => (body.to_string(), None),
                };
                let span = inst.map(pos, fend);
                inst.flags.push(Flag { name, value, span });
                pos = fend;
            }
        }
        while pos < lb.len() && lb[pos].is_ascii_whitespace() {
            pos += 1;
        }
        inst.args_at = pos;
        let rest_end = inst.logical.trim_end().len().max(pos);
        if pos >= rest_end {
            inst.args = Arguments::None;
            if keyword != "HEALTHCHECK" || inst.flags.is_empty() {
                df.errors.push(ParseError {
                    message: format!("{keyword} requires at least one argument"),
                    span: inst.span,
                });
            }
        } else if JSON_FORM.contains(&keyword.as_str()) && lb[pos] == b'[' {
            match json_array(&inst.logical[..rest_end], pos) {
                Some(items) => {
                    inst.args = Arguments::Exec(
                        items
                            .into_iter()
                            .map(|(s, e, t)| inst.word(s, e, t))
                            .collect(),
                    );
                }
                None => {
                    let t = inst.logical[pos..rest_end].to_string();
                    inst.args = Arguments::Shell(inst.word(pos, rest_end, t));
                }
            }
        } else {
            let t = inst.logical[pos..rest_end].to_string();
            inst.args = Arguments::Shell(inst.word(pos, rest_end, t));
        }
        df.instructions.push(inst);
    }
    if !df.instructions.iter().any(|i| i.keyword == "FROM") && !df.instructions.is_empty() {
        let first = df.instructions[0].span;
        df.errors.push(ParseError {
            message: "no FROM instruction: the file defines no build stage".into(),
            span: first,
        });
    }
    df
}

impl Dockerfile {
    /// Build stages, in order.
    pub fn stages(&self) -> Vec<Stage> {
        let froms: Vec<usize> = self
            .instructions
            .iter()
            .enumerate()
            .filter(|(_, i)| i.keyword == "FROM")
            .map(|(n, _)| n)
            .collect();
        let mut out = Vec::new();
        for (si, &fi) in froms.iter().enumerate() {
            let inst = &self.instructions[fi];
            let words = inst.split_words(inst.args_at);
            let Some((base, _)) = words.first() else {
                continue;
            };
            let name = match words.get(1) {
                Some((w, _)) if w.text.eq_ignore_ascii_case("as") => {
                    words.get(2).map(|(w, _)| w.clone())
                }
                _ => None,
            };
            let end = froms
                .get(si + 1)
                .copied()
                .unwrap_or(self.instructions.len());
            out.push(Stage {
                index: out.len(),
                name,
                base: base.clone(),
                platform: inst.flags.iter().find(|f| f.name == "platform").cloned(),
                from: fi,
                body: fi + 1..end,
            });
        }
        out
    }

    /// `ARG` instructions before the first `FROM`.
    pub fn global_args(&self) -> Vec<&Instruction> {
        self.instructions
            .iter()
            .take_while(|i| i.keyword != "FROM")
            .filter(|i| i.keyword == "ARG")
            .collect()
    }
}

/// The parts of a `HEALTHCHECK` instruction.
pub fn healthcheck(inst: &Instruction) -> Option<Healthcheck> {
    if inst.keyword != "HEALTHCHECK" {
        return None;
    }
    let words = inst.split_words(inst.args_at);
    let (first, _) = words.first()?;
    if first.text.eq_ignore_ascii_case("NONE") {
        return Some(Healthcheck {
            none: true,
            options: inst.flags.clone(),
            cmd: Arguments::None,
        });
    }
    if !first.text.eq_ignore_ascii_case("CMD") {
        return Some(Healthcheck {
            none: false,
            options: inst.flags.clone(),
            cmd: Arguments::None,
        });
    }
    let lb = inst.logical.as_bytes();
    let mut pos = inst.args_at + 3;
    while pos < lb.len() && lb[pos].is_ascii_whitespace() {
        pos += 1;
    }
    let end = inst.logical.trim_end().len().max(pos);
    let cmd = if pos >= end {
        Arguments::None
    } else if lb[pos] == b'[' {
        match json_array(&inst.logical[..end], pos) {
            Some(items) => Arguments::Exec(
                items
                    .into_iter()
                    .map(|(s, e, t)| inst.word(s, e, t))
                    .collect(),
            ),
            None => Arguments::Shell(inst.word(pos, end, inst.logical[pos..end].to_string())),
        }
    } else {
        Arguments::Shell(inst.word(pos, end, inst.logical[pos..end].to_string()))
    };
    Some(Healthcheck {
        none: false,
        options: inst.flags.clone(),
        cmd,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> (SourceFile, Dockerfile) {
        let src = SourceFile::from_str("Dockerfile", text);
        let df = parse(&src);
        (src, df)
    }

    fn kws(df: &Dockerfile) -> Vec<&str> {
        df.instructions.iter().map(|i| i.keyword.as_str()).collect()
    }

    fn shell(i: &Instruction) -> &str {
        match &i.args {
            Arguments::Shell(w) => &w.text,
            _ => panic!("not shell form: {:?}", i.args),
        }
    }

    #[test]
    fn directives_and_backtick_escape() {
        let (_, df) = p("# syntax=docker/dockerfile:1\n# escape=`\nFROM mcr.microsoft.com/windows:ltsc2022\nRUN dir `\n  c:\\\n");
        assert_eq!(df.escape, '`');
        assert_eq!(df.directives.len(), 2);
        assert_eq!(kws(&df), vec!["FROM", "RUN"]);
        assert_eq!(
            shell(&df.instructions[1])
                .split_whitespace()
                .collect::<Vec<_>>(),
            vec!["dir", "c:\\"]
        );
        assert!(df.errors.is_empty(), "{:?}", df.errors);
    }

    #[test]
    fn directive_after_content_is_a_comment() {
        let (_, df) = p("FROM a:1\n# escape=`\nRUN x \\\n y\n");
        assert_eq!(df.escape, '\\');
        assert_eq!(df.comments.len(), 1);
        assert_eq!(shell(&df.instructions[1]), "x  y");
    }

    #[test]
    fn continuation_with_comment_and_empty_lines() {
        let (src, df) = p("FROM a:1\nRUN apt-get update && \\\n  # a comment\n\n  apt-get install -y curl\nUSER mcp\n");
        assert_eq!(kws(&df), vec!["FROM", "RUN", "USER"]);
        let run = &df.instructions[1];
        assert!(shell(run).contains("apt-get install"));
        // A word on the continuation line maps to its exact place.
        let w = run
            .words(&src)
            .into_iter()
            .find(|w| w.text == "curl")
            .unwrap();
        let l = src.loc(w.span);
        assert_eq!((l.line, l.col, l.end_col), (5, 22, 26));
        assert_eq!(src.loc(run.span).end_line, 5);
        assert_eq!(df.comments.len(), 1);
    }

    #[test]
    fn crlf_lone_cr_bom_and_empty() {
        let (src, df) = p("FROM a:1\r\nUSER mcp\r\n");
        assert_eq!(kws(&df), vec!["FROM", "USER"]);
        assert_eq!(shell(&df.instructions[1]), "mcp");
        assert_eq!(src.loc(df.instructions[1].span).line, 2);
        let (_, df) = p("FROM a:1\rUSER mcp\r");
        assert_eq!(kws(&df), vec!["FROM", "USER"]);
        let src = SourceFile::from_bytes(
            std::path::Path::new("D"),
            "D".into(),
            b"\xEF\xBB\xBFFROM a:1\n",
        );
        assert_eq!(kws(&parse(&src)), vec!["FROM"]);
        let (_, df) = p("");
        assert!(df.instructions.is_empty() && df.errors.is_empty());
        let (_, df) = p("  \n\t\n");
        assert!(df.instructions.is_empty() && df.errors.is_empty());
    }

    #[test]
    fn trailing_continuation_at_eof() {
        let (_, df) = p("FROM a:1\nRUN echo hi \\");
        assert_eq!(kws(&df), vec!["FROM", "RUN"]);
        assert_eq!(shell(&df.instructions[1]).trim(), "echo hi");
    }

    #[test]
    fn heredocs() {
        let (src, df) = p("FROM a:1\nRUN <<EOT\necho one\necho two\nEOT\nRUN <<-\"X\" bash\n\techo tab\n\tX\nCOPY <<a <<b /dst/\nA\na\nB\nb\nUSER mcp\n");
        assert_eq!(kws(&df), vec!["FROM", "RUN", "RUN", "COPY", "USER"]);
        let h = &df.instructions[1].heredocs[0];
        assert_eq!(h.delimiter, "EOT");
        assert_eq!(h.body, "echo one\necho two\n");
        assert_eq!(src.loc(df.instructions[1].span).end_line, 5);
        let h2 = &df.instructions[2].heredocs[0];
        assert!(h2.strip_tabs && h2.quoted);
        assert_eq!(h2.body, "echo tab\n");
        assert_eq!(df.instructions[3].heredocs.len(), 2);
        assert_eq!(df.instructions[3].heredocs[1].body, "B\n");
        assert!(df.errors.is_empty(), "{:?}", df.errors);
    }

    #[test]
    fn unterminated_heredoc_is_an_error() {
        let (_, df) = p("FROM a:1\nRUN <<EOT\necho\n");
        assert_eq!(df.errors.len(), 1);
        assert!(df.errors[0].message.contains("unterminated heredoc"));
        assert_eq!(df.instructions.len(), 2);
    }

    #[test]
    fn json_and_shell_forms() {
        let (src, df) = p("FROM a:1\nENTRYPOINT []\nCMD [\"node\", \"index.js\"]\nCMD [\"broken\"\nRUN [ \"a\\\"b\" ]\n");
        assert!(matches!(&df.instructions[1].args, Arguments::Exec(v) if v.is_empty()));
        match &df.instructions[2].args {
            Arguments::Exec(v) => {
                assert_eq!(v[1].text, "index.js");
                assert_eq!(src.slice(v[1].span), "\"index.js\"");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&df.instructions[3].args, Arguments::Shell(_)));
        assert!(matches!(&df.instructions[4].args, Arguments::Exec(v) if v[0].text == "a\"b"));
    }

    #[test]
    fn flags() {
        let (src, df) = p(concat!(
            "FROM --platform=${BUILDPLATFORM} golang:1.22 AS build\n",
            "RUN --mount=type=secret,id=x --mount=type=cache,target=/root/.cache go build\n",
            "COPY --from=build --chown=app:app a b\n",
            "COPY --chmod=755 s /s\n",
            "ADD --checksum=sha256:abc https://x/y /y\n",
        ));
        let st = df.stages();
        assert_eq!(st[0].name.as_ref().unwrap().text, "build");
        assert_eq!(st[0].base.text, "golang:1.22");
        assert_eq!(
            st[0].platform.as_ref().unwrap().value.as_deref(),
            Some("${BUILDPLATFORM}")
        );
        let run = &df.instructions[1];
        assert_eq!(run.flags.len(), 2);
        assert_eq!(run.flags[0].name, "mount");
        assert_eq!(
            src.slice(run.flags[1].span),
            "--mount=type=cache,target=/root/.cache"
        );
        assert_eq!(shell(run), "go build");
        assert_eq!(df.instructions[2].flags[0].value.as_deref(), Some("build"));
        assert_eq!(df.instructions[3].flags[0].name, "chmod");
        assert_eq!(df.instructions[4].flags[0].name, "checksum");
    }

    #[test]
    fn stages_and_global_args() {
        let (_, df) = p("ARG BASE=node:20\nFROM ${BASE} AS base\nRUN x\nFROM base as runtime\nCMD [\"n\"]\nFROM scratch\n");
        let st = df.stages();
        assert_eq!(st.len(), 3);
        assert_eq!(st[0].base.text, "${BASE}");
        assert_eq!(st[1].name.as_ref().unwrap().text, "runtime");
        assert_eq!(st[1].body, 4..5);
        assert_eq!(st[2].base.text, "scratch");
        assert_eq!(df.global_args().len(), 1);
    }

    #[test]
    fn user_forms() {
        let (_, df) = p("FROM a:1\nUSER mcp\nUSER 1001:0\nUSER ${UID:-1000}\n");
        let users: Vec<_> = df.instructions[1..].iter().map(shell).collect();
        assert_eq!(users, vec!["mcp", "1001:0", "${UID:-1000}"]);
    }

    #[test]
    fn healthcheck_forms() {
        let (_, df) = p("FROM a:1\nHEALTHCHECK NONE\nHEALTHCHECK --interval=30s --timeout=3s \\\n  CMD curl -f http://x || exit 1\nHEALTHCHECK CMD [\"node\", \"h.js\"]\n");
        let h = healthcheck(&df.instructions[1]).unwrap();
        assert!(h.none);
        let h = healthcheck(&df.instructions[2]).unwrap();
        assert!(!h.none);
        assert_eq!(h.options.len(), 2);
        assert!(matches!(&h.cmd, Arguments::Shell(w) if w.text == "curl -f http://x || exit 1"));
        assert!(
            matches!(healthcheck(&df.instructions[3]).unwrap().cmd, Arguments::Exec(v) if v.len() == 2)
        );
    }

    #[test]
    fn env_label_arg_key_values() {
        let (src, df) = p("FROM a:1\nENV A=1 B=\"two words\"\nENV LEGACY some value here\nLABEL io.modelcontextprotocol.server.name=\"io.github.a/b\" x='y z'\nARG UID\nARG GID=1001\n");
        let kv = df.instructions[1].key_values(&src);
        assert_eq!(kv[1].key.text, "B");
        assert_eq!(kv[1].value.as_ref().unwrap().text, "two words");
        assert_eq!(
            src.slice(kv[1].value.as_ref().unwrap().span),
            "\"two words\""
        );
        let kv = df.instructions[2].key_values(&src);
        assert_eq!(kv[0].key.text, "LEGACY");
        assert_eq!(kv[0].value.as_ref().unwrap().text, "some value here");
        let kv = df.instructions[3].key_values(&src);
        assert_eq!(kv[0].value.as_ref().unwrap().text, "io.github.a/b");
        assert_eq!(kv[1].value.as_ref().unwrap().text, "y z");
        assert!(df.instructions[4].key_values(&src)[0].value.is_none());
        assert_eq!(
            df.instructions[5].key_values(&src)[0]
                .value
                .as_ref()
                .unwrap()
                .text,
            "1001"
        );
    }

    #[test]
    fn unknown_instruction_and_missing_argument() {
        let (src, df) = p("FROM a:1\nFOOBAR x\nUSER mcp\nFROM\n");
        assert_eq!(kws(&df), vec!["FROM", "USER", "FROM"]);
        assert_eq!(df.errors.len(), 2);
        assert_eq!(src.loc(df.errors[0].span).line, 2);
        assert!(df.errors[1].message.contains("FROM requires"));
    }

    #[test]
    fn hostile_shapes_do_not_panic() {
        for t in [
            "\\",
            "RUN \\\n\\\n\\",
            "FROM a\nRUN <<",
            "FROM a\nRUN <<'",
            "FROM a\nCMD [\"\\u12\"]",
            "é\\\né",
            "FROM a\nENV",
            "FROM a\nHEALTHCHECK",
        ] {
            let src = SourceFile::from_str("D", t);
            let df = parse(&src);
            for i in &df.instructions {
                let _ = i.words(&src);
                let _ = i.key_values(&src);
                let _ = healthcheck(i);
                for s in [i.span, i.keyword_span] {
                    assert!(
                        s.end <= t.len()
                            && t.is_char_boundary(s.start)
                            && t.is_char_boundary(s.end),
                        "{t:?}"
                    );
                }
            }
            let _ = df.stages();
        }
    }
}
