//! Compose variable interpolation and `.env` files.
//!
//! [`interpolate`] implements the Compose specification's grammar: `$VAR`, `${VAR}`,
//! `${VAR:-default}` / `${VAR-default}`, `${VAR:?message}` / `${VAR?message}`,
//! `${VAR:+replacement}` / `${VAR+replacement}`, nesting inside defaults, replacements and
//! messages (`${A:-${B:-x}}`), and `$$` for a literal `$`. A `$` that starts none of these
//! (`a $ b`, `^x$`, `$1`) is kept as it is. Names are `[A-Za-z_][A-Za-z0-9_]*`.
//!
//! The interpreter is a single left-to-right scan with an explicit stack of open `${…`
//! (no recursion), so any input, however deeply nested, is handled in bounded native
//! stack; nesting beyond `max_depth` is an error.
//!
//! Compared with Compose (compose-go): a branch that is not taken is parsed (syntax errors
//! in it are errors, as in Compose) but not evaluated, so a `${B:?msg}` inside a default
//! that is not used is not reported as required, and its variables are not recorded;
//! compose-go evaluates defaults eagerly and would fail on it. A required variable that
//! is missing is not an error here: it is recorded with [`VarOrigin::Required`] so the
//! caller can report it with a location.

use std::collections::HashMap;

/// Where a variable's value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarOrigin {
    /// The lookup had a value, and it was used.
    Set,
    /// A modifier decided the value: a default (`:-`, `-`) or a replacement (`:+`, `+`)
    /// was used, or `${V:+x}` / `${V+x}` with `V` unset gave the empty string.
    Default,
    /// No value and no modifier: it became the empty string.
    Unset,
    /// `${V:?msg}` / `${V?msg}` with no (or an empty, for `:?`) value: Compose refuses
    /// to run. The value is the empty string.
    Required,
}

/// One variable reference in the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarUse {
    pub name: String,
    pub origin: VarOrigin,
    /// Byte offset of the `$` in the input.
    pub offset: usize,
    /// Byte length of the whole reference (`$NAME`, or `${…}` up to its closing brace).
    pub len: usize,
    /// The (interpolated) message of an unmet `${V:?message}`; `None` when empty.
    pub message: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interpolated {
    pub value: String,
    /// The references whose branch was taken, in order of their `$`. References inside
    /// a default or replacement that was not used, or inside a `?` message, are not listed.
    pub vars: Vec<VarUse>,
}

impl Interpolated {
    /// Any variable was unset with no default, or required and missing.
    pub fn unresolved(&self) -> bool {
        self.unresolved_span().is_some()
    }

    /// Where (byte offsets in the input) the first unresolved reference starts and the
    /// last one ends.
    pub fn unresolved_span(&self) -> Option<std::ops::Range<usize>> {
        span(
            self.vars
                .iter()
                .filter(|v| matches!(v.origin, VarOrigin::Unset | VarOrigin::Required))
                .map(|v| v.offset..v.offset + v.len),
        )
    }
}

/// From the start of the first of `refs` (in input order) to the furthest end.
pub fn span(
    mut refs: impl Iterator<Item = std::ops::Range<usize>>,
) -> Option<std::ops::Range<usize>> {
    let first = refs.next()?;
    let end = refs.map(|r| r.end).fold(first.end, usize::max);
    Some(first.start..end)
}

/// The input after `end` when it is literal as written: no `$` (another reference)
/// and no brace (of an enclosing `${…}`). Whatever the value of a reference ending at
/// `end`, this text follows it unchanged.
pub fn literal_tail(input: &str, end: usize) -> Option<&str> {
    input.get(end..).filter(|t| !t.contains(['$', '{', '}']))
}

/// The input before `start` when it is literal as written (the mirror of
/// [`literal_tail`]): whatever the value of a reference starting at `start`, this text
/// precedes it unchanged.
pub fn literal_head(input: &str, start: usize) -> Option<&str> {
    input.get(..start).filter(|h| !h.contains(['$', '{', '}']))
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterpError {
    pub message: String,
    /// Byte offset in the input where the problem is.
    pub offset: usize,
}

impl std::fmt::Display for InterpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for InterpError {}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// End of the name starting at `start` (which must be a name start).
fn name_end(b: &[u8], start: usize) -> usize {
    start + b[start..].iter().take_while(|&&c| is_name_char(c)).count()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    /// `:-`: default when unset or empty.
    DefaultIfEmpty,
    /// `-`: default when unset.
    DefaultIfUnset,
    /// `:+`: replacement when set and non-empty.
    AltIfNonEmpty,
    /// `+`: replacement when set.
    AltIfSet,
    /// `:?`: error when unset or empty.
    RequireNonEmpty,
    /// `?`: error when unset.
    RequireSet,
}

impl Op {
    /// Whether the argument (default, replacement, message) is used.
    fn takes_arg(self, value: Option<&str>) -> bool {
        let set = value.is_some();
        let non_empty = value.is_some_and(|v| !v.is_empty());
        match self {
            Op::DefaultIfEmpty | Op::RequireNonEmpty => !non_empty,
            Op::DefaultIfUnset | Op::RequireSet => !set,
            Op::AltIfNonEmpty => non_empty,
            Op::AltIfSet => set,
        }
    }
    fn is_required(self) -> bool {
        matches!(self, Op::RequireNonEmpty | Op::RequireSet)
    }
}

/// An open `${NAME<op>…`, whose argument is being read.
struct Frame {
    /// Offset of its `$`.
    start: usize,
    name: String,
    op: Op,
    value: Option<String>,
    /// The argument is used (so it is evaluated).
    taken: bool,
    /// The enclosing text is evaluated.
    eval: bool,
    /// Variables in the enclosing text are recorded.
    record: bool,
    /// The argument, interpolated (only when evaluated).
    arg: String,
}

impl Frame {
    fn arg_eval(&self) -> bool {
        self.eval && self.taken
    }
    fn arg_record(&self) -> bool {
        self.record && self.taken && !self.op.is_required()
    }
}

struct Interp<'a> {
    input: &'a str,
    lookup: &'a dyn Fn(&str) -> Option<String>,
    max_depth: usize,
    /// Longest result (and longest argument being built) allowed.
    max_len: usize,
    /// Set when a push would have gone over `max_len`.
    overflow: bool,
    out: String,
    stack: Vec<Frame>,
    vars: Vec<VarUse>,
}

impl Interp<'_> {
    fn eval(&self) -> bool {
        self.stack.last().is_none_or(Frame::arg_eval)
    }
    fn record(&self) -> bool {
        self.stack.last().is_none_or(Frame::arg_record)
    }
    fn push_text(&mut self, s: &str) {
        if !self.eval() {
            return;
        }
        let target = match self.stack.last_mut() {
            Some(f) => &mut f.arg,
            None => &mut self.out,
        };
        if target.len().saturating_add(s.len()) > self.max_len {
            self.overflow = true;
            return;
        }
        target.push_str(s);
    }
    fn lookup(&self, name: &str) -> Option<String> {
        if self.eval() {
            (self.lookup)(name)
        } else {
            None
        }
    }
    fn too_long(&self, offset: usize) -> InterpError {
        Self::err(
            format!(
                "the value expands to more than {} bytes (interpolation bomb?)",
                self.max_len
            ),
            offset,
        )
    }
    fn err(message: impl Into<String>, offset: usize) -> InterpError {
        InterpError {
            message: message.into(),
            offset,
        }
    }

    fn run(mut self) -> Result<Interpolated, InterpError> {
        let b = self.input.as_bytes();
        let mut i = 0;
        let mut lit = 0;
        while i < b.len() {
            if self.overflow {
                return Err(self.too_long(i));
            }
            match b[i] {
                b'$' => {
                    self.push_text(&self.input[lit..i]);
                    i = self.dollar(i)?;
                    lit = i;
                }
                b'}' if !self.stack.is_empty() => {
                    self.push_text(&self.input[lit..i]);
                    self.close(i + 1);
                    i += 1;
                    lit = i;
                }
                _ => i += 1,
            }
        }
        if let Some(f) = self.stack.last() {
            return Err(Self::err(
                format!("unterminated `${{{}`: missing `}}`", f.name),
                f.start,
            ));
        }
        self.push_text(&self.input[lit..]);
        if self.overflow {
            return Err(self.too_long(b.len()));
        }
        let mut vars = self.vars;
        vars.sort_by_key(|v| v.offset);
        Ok(Interpolated {
            value: self.out,
            vars,
        })
    }

    /// A reference without modifier (`$NAME`, `${NAME}`) spanning `start..end`, with its
    /// name at `name`.
    fn plain(&mut self, name: std::ops::Range<usize>, start: usize, end: usize) {
        let name = &self.input[name];
        let value = self.lookup(name);
        if self.record() {
            self.vars.push(VarUse {
                name: name.to_string(),
                origin: if value.is_some() {
                    VarOrigin::Set
                } else {
                    VarOrigin::Unset
                },
                offset: start,
                len: end - start,
                message: None,
            });
        }
        self.push_text(value.as_deref().unwrap_or(""));
    }

    /// Handle the `$` at `start`; returns where scanning continues.
    fn dollar(&mut self, start: usize) -> Result<usize, InterpError> {
        let b = self.input.as_bytes();
        match b.get(start + 1) {
            Some(b'$') => {
                self.push_text("$");
                Ok(start + 2)
            }
            Some(b'{') => self.braced(start),
            Some(&c) if is_name_start(c) => {
                let end = name_end(b, start + 1);
                self.plain(start + 1..end, start, end);
                Ok(end)
            }
            _ => {
                self.push_text("$");
                Ok(start + 1)
            }
        }
    }

    /// `${` at `start`: a plain `${NAME}`, or open a frame for `${NAME<op>`.
    fn braced(&mut self, start: usize) -> Result<usize, InterpError> {
        let b = self.input.as_bytes();
        let name_start = start + 2;
        match b.get(name_start) {
            None => return Err(Self::err("unterminated `${`: missing `}`", start)),
            Some(&c) if is_name_start(c) => {}
            Some(_) => {
                return Err(Self::err(
                    "invalid variable name after `${` (expected a letter or `_`)",
                    name_start,
                ))
            }
        }
        let end = name_end(b, name_start);
        let name = &self.input[name_start..end];
        let (op, arg_start) = match (b.get(end), b.get(end + 1)) {
            (Some(b'}'), _) => {
                self.plain(name_start..end, start, end + 1);
                return Ok(end + 1);
            }
            (Some(b':'), Some(b'-')) => (Op::DefaultIfEmpty, end + 2),
            (Some(b':'), Some(b'+')) => (Op::AltIfNonEmpty, end + 2),
            (Some(b':'), Some(b'?')) => (Op::RequireNonEmpty, end + 2),
            (Some(b'-'), _) => (Op::DefaultIfUnset, end + 1),
            (Some(b'+'), _) => (Op::AltIfSet, end + 1),
            (Some(b'?'), _) => (Op::RequireSet, end + 1),
            (Some(b':'), _) => {
                return Err(Self::err(
                    format!("invalid modifier in `${{{name}:`: expected `:-`, `:+` or `:?`"),
                    end,
                ))
            }
            (None, _) => {
                return Err(Self::err(
                    format!("unterminated `${{{name}`: missing `}}`"),
                    start,
                ))
            }
            (Some(_), _) => {
                let c = self.input[end..].chars().next().unwrap_or('?');
                return Err(Self::err(
                    format!("invalid character `{c}` in `${{{name}…}}`"),
                    end,
                ));
            }
        };
        if self.stack.len() >= self.max_depth {
            return Err(Self::err(
                format!("interpolation nested deeper than {} levels", self.max_depth),
                start,
            ));
        }
        let value = self.lookup(name);
        let frame = Frame {
            start,
            name: name.to_string(),
            op,
            taken: op.takes_arg(value.as_deref()),
            value,
            eval: self.eval(),
            record: self.record(),
            arg: String::new(),
        };
        self.stack.push(frame);
        Ok(arg_start)
    }

    /// Close the innermost frame at its `}` (`end` is just past it).
    fn close(&mut self, end: usize) {
        let Some(f) = self.stack.pop() else {
            return;
        };
        let set = f.value.is_some();
        let (text, origin, message) = match f.op {
            _ if f.taken && f.op.is_required() => (
                String::new(),
                VarOrigin::Required,
                Some(f.arg).filter(|m| !m.is_empty()),
            ),
            _ if f.taken => (f.arg, VarOrigin::Default, None),
            Op::AltIfNonEmpty | Op::AltIfSet if !set => (String::new(), VarOrigin::Default, None),
            _ => (f.value.unwrap_or_default(), VarOrigin::Set, None),
        };
        if f.record {
            self.vars.push(VarUse {
                name: f.name,
                origin,
                offset: f.start,
                len: end - f.start,
                message,
            });
        }
        self.push_text(&text);
    }
}

/// Longest value [`interpolate`] produces: variables may be long (a certificate), but
/// `$A$A$A…` with a long `A` must not make a small file cost gigabytes.
pub const DEFAULT_MAX_LEN: usize = 16 * 1024 * 1024;

/// Interpolate `input`, reading variables through `lookup`. `max_depth` bounds the
/// nesting of `${…}` inside defaults, replacements and messages (at least 1). The
/// result may be at most [`DEFAULT_MAX_LEN`] bytes long.
pub fn interpolate(
    input: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    max_depth: usize,
) -> Result<Interpolated, InterpError> {
    interpolate_bounded(input, lookup, max_depth, DEFAULT_MAX_LEN)
}

/// [`interpolate`] with a bound on the length of the result (an error beyond it).
pub fn interpolate_bounded(
    input: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    max_depth: usize,
    max_len: usize,
) -> Result<Interpolated, InterpError> {
    Interp {
        input,
        lookup,
        max_depth: max_depth.max(1),
        max_len,
        overflow: false,
        out: String::with_capacity(input.len().min(max_len)),
        stack: Vec::new(),
        vars: Vec::new(),
    }
    .run()
}

// ---------------------------------------------------------------------------------------
// .env files

/// One `KEY=VALUE` of a `.env` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DotEnvEntry {
    pub key: String,
    /// The value, unquoted, unescaped and interpolated.
    pub value: String,
    /// 1-based line of the key.
    pub line: usize,
}

/// Nesting allowed in `.env` interpolation.
const DOTENV_DEPTH: usize = 32;

/// Parse a `.env` file as Compose reads it:
/// - `KEY=VALUE` and `KEY: VALUE`, optionally after `export `; spaces around the
///   separator are ignored. Keys are letters, digits, `_`, `.`, `-`, `[`, `]`; a key
///   starting with a digit is reported (Compose ignores it).
/// - Blank lines and `#` comment lines are skipped. On an unquoted value, ` #` starts a
///   comment (`a#b` is kept); trailing whitespace is removed.
/// - `'single quotes'`: literal, may span lines. `"double quotes"`: may span lines;
///   `\n \r \t \a \b \f \v \\ \" \$` and `\0NNN` (octal) escapes, other backslashes kept.
/// - Unquoted and double-quoted values interpolate `$VAR` / `${VAR…}` from the entries
///   above (not from the process environment: that is the caller's business).
/// - `KEY` alone (no `=`) gives no entry: Compose takes it from the environment.
///
/// Entries are in file order; a key set twice appears twice (the later wins). Errors are
/// `(line, message)`; a line in error is skipped, the rest of the file is still read.
pub fn parse_dotenv(text: &str) -> (Vec<DotEnvEntry>, Vec<(usize, String)>) {
    DotEnv::new(text).run()
}

struct DotEnv<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    entries: Vec<DotEnvEntry>,
    values: HashMap<String, String>,
    errors: Vec<(usize, String)>,
    /// Bytes that interpolated values may still add up to (a `.env` of `B=$A$A`,
    /// `C=$B$B`, … doubles at each line).
    budget: usize,
}

/// Dotenv whitespace within a line (not line breaks).
fn is_blank(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{b}' | '\u{c}' | '\r' | '\u{85}' | '\u{a0}'
    )
}

fn valid_key_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '[' | ']')
}

impl<'a> DotEnv<'a> {
    fn new(text: &'a str) -> Self {
        DotEnv {
            text: text.strip_prefix('\u{feff}').unwrap_or(text),
            pos: 0,
            line: 1,
            entries: Vec::new(),
            values: HashMap::new(),
            errors: Vec::new(),
            budget: DEFAULT_MAX_LEN.saturating_add(text.len()),
        }
    }

    /// End of the current line (the offset of its `\n`, or the end of the text).
    fn eol(&self, from: usize) -> usize {
        self.text[from..]
            .find('\n')
            .map_or(self.text.len(), |i| from + i)
    }

    /// Move to `to`, counting line breaks on the way.
    fn advance(&mut self, to: usize) {
        let to = to.min(self.text.len());
        self.line += self.text[self.pos..to].matches('\n').count();
        self.pos = to;
    }

    fn run(mut self) -> (Vec<DotEnvEntry>, Vec<(usize, String)>) {
        loop {
            // Skip blank space and line breaks.
            let rest = &self.text[self.pos..];
            let skip = rest.len() - rest.trim_start().len();
            self.advance(self.pos + skip);
            if self.pos >= self.text.len() {
                break;
            }
            let eol = self.eol(self.pos);
            if self.text[self.pos..].starts_with('#') {
                self.advance(eol);
                continue;
            }
            self.statement(eol);
        }
        (self.entries, self.errors)
    }

    /// One statement starting at `self.pos` (not blank, not a comment); `eol` ends its
    /// first line.
    fn statement(&mut self, eol: usize) {
        let line = self.line;
        let mut start = self.pos;
        let first = &self.text[start..eol];
        if let Some(rest) = first.strip_prefix("export") {
            if rest.starts_with([' ', '\t']) {
                start = eol - rest.trim_start_matches(is_blank).len();
            }
        }
        let stmt = &self.text[start..eol];
        let Some(sep) = stmt.find(['=', ':']) else {
            // `KEY` alone: inherited from the environment, nothing to record here.
            if let Err(e) = check_key(stmt.trim_matches(is_blank)) {
                self.errors.push((line, e));
            }
            self.advance(eol);
            return;
        };
        let key = stmt[..sep].trim_matches(is_blank);
        if let Err(e) = check_key(key) {
            self.errors.push((line, e));
            self.advance(eol);
            return;
        }
        let value_start = start + sep + 1;
        let value_start = value_start + self.text[value_start..eol].len()
            - self.text[value_start..eol]
                .trim_start_matches(is_blank)
                .len();
        let value = match self.text[value_start..].chars().next() {
            Some(q @ ('\'' | '"')) => match self.quoted(value_start, q, line) {
                Some(v) => v,
                None => return,
            },
            _ => {
                let raw = &self.text[value_start..eol];
                let raw = raw.find(" #").map_or(raw, |i| &raw[..i]);
                let raw = raw.trim_end_matches(|c: char| c.is_whitespace());
                self.advance(eol);
                self.expand(raw, line)
            }
        };
        if key.starts_with(|c: char| c.is_ascii_digit()) {
            self.errors.push((
                line,
                format!("variable name `{key}` starts with a digit: Compose ignores it"),
            ));
            return;
        }
        self.values.insert(key.to_string(), value.clone());
        self.entries.push(DotEnvEntry {
            key: key.to_string(),
            value,
            line,
        });
    }

    /// A quoted value opening at `open` with quote `q`. Moves past its line; `None` (with
    /// an error) when it is not terminated.
    fn quoted(&mut self, open: usize, q: char, line: usize) -> Option<String> {
        let b = self.text.as_bytes();
        let mut i = open + 1;
        let mut close = None;
        while i < b.len() {
            match b[i] {
                b'\\' if q == '"' => i += 2,
                b'\'' if q == '\'' && b[i - 1] != b'\\' => {
                    close = Some(i);
                    break;
                }
                b'"' if q == '"' => {
                    close = Some(i);
                    break;
                }
                _ => i += 1,
            }
        }
        let Some(close) = close else {
            let eol = self.eol(open);
            // The value itself is not quoted back: .env files hold secrets.
            self.errors
                .push((line, format!("unterminated {q}quoted{q} value")));
            self.advance(eol);
            return None;
        };
        let inner = &self.text[open + 1..close];
        let eol = self.eol(close);
        let after = self.text[close + 1..eol].trim_matches(is_blank);
        if !after.is_empty() && !after.starts_with('#') {
            self.errors
                .push((line, "unexpected text after the closing quote".to_string()));
        }
        self.advance(eol);
        Some(if q == '\'' {
            inner.to_string()
        } else {
            self.expand(&unescape(inner), line)
        })
    }

    /// Interpolate `template` from the entries above; on an error, report it and keep the
    /// text as written.
    fn expand(&mut self, template: &str, line: usize) -> String {
        if !template.contains('$') {
            return template.to_string();
        }
        let values = &self.values;
        let lookup = |name: &str| values.get(name).cloned();
        match interpolate_bounded(template, &lookup, DOTENV_DEPTH, self.budget) {
            Ok(r) => {
                self.budget -= r.value.len().min(self.budget);
                for v in r.vars.iter().filter(|v| v.origin == VarOrigin::Required) {
                    let msg = match &v.message {
                        Some(m) => format!("required variable {} is missing a value: {m}", v.name),
                        None => format!("required variable {} is missing a value", v.name),
                    };
                    self.errors.push((line, msg));
                }
                r.value
            }
            Err(e) => {
                self.errors
                    .push((line, format!("invalid interpolation: {}", e.message)));
                template.to_string()
            }
        }
    }
}

fn check_key(key: &str) -> Result<(), String> {
    if key.is_empty() {
        return Err("missing variable name".into());
    }
    // The name is not quoted back: a line in error may be a stray secret.
    if key.contains(is_blank) {
        return Err("variable name cannot contain a space".into());
    }
    match key.chars().find(|&c| !valid_key_char(c)) {
        Some(c) => Err(format!(
            "unexpected character `{}` in variable name",
            c.escape_debug()
        )),
        None => Ok(()),
    }
}

/// Shell escapes of a double-quoted value. The result is an interpolation template: an
/// escaped `\$` becomes `$$`, a literal `$`.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('a') => out.push('\u{7}'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('v') => out.push('\u{b}'),
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('$') => out.push_str("$$"),
            Some('0') => {
                let mut code = 0u32;
                for _ in 0..3 {
                    match chars.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            code = code * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "SET" => Some("v".into()),
            "FOO" => Some("first".into()),
            "EMPTY" => Some(String::new()),
            "B" => Some("b".into()),
            "lower_9" => Some("low".into()),
            "UNI" => Some("é€".into()),
            _ => None,
        }
    }

    fn run(s: &str) -> Interpolated {
        interpolate(s, &env, 32).unwrap_or_else(|e| panic!("{s:?}: {e:?}"))
    }

    fn fail(s: &str) -> InterpError {
        interpolate(s, &env, 32).expect_err(s)
    }

    fn origins(s: &str) -> Vec<(String, VarOrigin)> {
        run(s)
            .vars
            .into_iter()
            .map(|v| (v.name, v.origin))
            .collect()
    }

    #[test]
    fn values() {
        let cases = [
            ("", ""),
            ("plain", "plain"),
            ("$SET", "v"),
            ("${SET}", "v"),
            ("$SET$SET", "vv"),
            ("${SET}${SET}", "vv"),
            ("x$SET-y", "xv-y"),
            ("$FOO-bar", "first-bar"),
            ("$lower_9", "low"),
            ("${UNI}!", "é€!"),
            ("${NOPE}", ""),
            ("$NOPE", ""),
            ("This ${NOPE} var", "This  var"),
            ("This ${EMPTY} var", "This  var"),
            // :- / -
            ("${NOPE:-d}", "d"),
            ("${EMPTY:-d}", "d"),
            ("${SET:-d}", "v"),
            ("${NOPE-d}", "d"),
            ("${EMPTY-d}", ""),
            ("${SET-d}", "v"),
            ("${NOPE:-}", ""),
            ("${NOPE:-a:b}", "a:b"),
            ("${NOPE:-/non:-alphanumeric}", "/non:-alphanumeric"),
            ("${NOPE-myerror?msg}", "myerror?msg"),
            ("${NOPE:-{x}}", "{x}"),
            ("${NOPE:-a}b}", "ab}"),
            ("${NOPE:-é ${UNI}}", "é é€"),
            // :+ / +
            ("${SET:+r}", "r"),
            ("${EMPTY:+r}", ""),
            ("${NOPE:+r}", ""),
            ("${SET+r}", "r"),
            ("${EMPTY+r}", "r"),
            ("${NOPE+r}", ""),
            // :? / ? (satisfied)
            ("${SET:?err}", "v"),
            ("${SET?err}", "v"),
            ("${EMPTY?err}", ""),
            ("${SET?bar-baz}", "v"),
            // unmet: empty value, recorded as required
            ("a${NOPE:?must be set}b", "ab"),
            ("${EMPTY:?x}", ""),
            ("${NOPE?x}", ""),
            // nesting
            ("${NOPE:-${B:-x}}", "b"),
            ("${NOPE:-${C:-x}}", "x"),
            ("${NOPE-$FOO}", "first"),
            ("${NOPE-${FOO} ${FOO}}", "first first"),
            ("${EMPTY+$FOO ${FOO:+second}}", "first second"),
            ("${NOPE:-${EMPTY-${B}}}", ""),
            ("${NOPE:-${NOPE2:-${NOPE3:-deep}}}", "deep"),
            // escapes and lone dollars
            ("$$", "$"),
            ("$$SET", "$SET"),
            ("$${SET}", "${SET}"),
            ("$$$SET", "$v"),
            ("${NOPE:-$$}", "$"),
            ("a $ string", "a $ string"),
            ("^REGEX$", "^REGEX$"),
            ("$}", "$}"),
            ("$", "$"),
            ("$1 $-x $.", "$1 $-x $."),
            ("${NOPE:-x$}", "x$"),
            ("}", "}"),
            ("{}", "{}"),
            ("€$SET€", "€v€"),
        ];
        for (input, want) in cases {
            assert_eq!(run(input).value, want, "{input:?}");
        }
    }

    #[test]
    fn origins_and_offsets() {
        use VarOrigin::*;
        let o = |s: &str| origins(s);
        let v = |n: &str, origin| (n.to_string(), origin);
        assert_eq!(o("${SET}"), [v("SET", Set)]);
        assert_eq!(o("$NOPE"), [v("NOPE", Unset)]);
        assert_eq!(o("${EMPTY}"), [v("EMPTY", Set)]);
        assert_eq!(o("${NOPE:-1g}"), [v("NOPE", Default)]);
        assert_eq!(o("${SET:-1g}"), [v("SET", Set)]);
        assert_eq!(o("${EMPTY-x}"), [v("EMPTY", Set)]);
        assert_eq!(o("${SET:+r}"), [v("SET", Default)]);
        assert_eq!(o("${EMPTY:+r}"), [v("EMPTY", Set)]);
        assert_eq!(o("${NOPE:+r}"), [v("NOPE", Default)]);
        assert_eq!(o("${NOPE+r}"), [v("NOPE", Default)]);
        assert_eq!(o("${SET?x}"), [v("SET", Set)]);
        assert_eq!(o("${EMPTY:?x}"), [v("EMPTY", Required)]);
        assert_eq!(o("${EMPTY?x}"), [v("EMPTY", Set)]);

        let r = run("${NOPE:?must be ${FOO}}");
        assert_eq!(r.vars.len(), 1, "variables of a message are not recorded");
        assert_eq!(r.vars[0].origin, Required);
        assert_eq!(r.vars[0].message.as_deref(), Some("must be first"));
        assert!(r.unresolved());
        assert_eq!(run("${NOPE:?}").vars[0].message, None);
        assert_eq!(run("${NOPE?}").vars[0].origin, Required);

        // Branches not taken record nothing, whatever is in them.
        assert_eq!(o("${SET:-${OTHER}}"), [v("SET", Set)]);
        assert_eq!(o("${SET-${A:?x}}"), [v("SET", Set)]);
        assert_eq!(o("${NOPE:+$OTHER}"), [v("NOPE", Default)]);
        assert!(!run("${SET:-${OTHER}}").unresolved());
        // Taken branches record theirs, outer first.
        assert_eq!(
            o("${NOPE:-${OTHER}}"),
            [v("NOPE", Default), v("OTHER", Unset)]
        );
        assert_eq!(
            o("${SET:+$B-$OTHER}"),
            [v("SET", Default), v("B", Set), v("OTHER", Unset)]
        );
        assert!(run("${NOPE:-${OTHER}}").unresolved());
        assert!(!run("${NOPE:-1g}").unresolved());
        assert!(run("$NOPE").unresolved());
        assert!(!run("$$NOPE").unresolved());
        assert!(run("$$NOPE").vars.is_empty());

        // Offsets and lengths cover the whole reference, in bytes.
        let r = run("é $SET ${NOPE:-${B}} $$X");
        let spans: Vec<(&str, usize, usize)> = r
            .vars
            .iter()
            .map(|v| (v.name.as_str(), v.offset, v.len))
            .collect();
        assert_eq!(spans, [("SET", 3, 4), ("NOPE", 8, 13), ("B", 16, 4)]);
        assert_eq!(&"é $SET ${NOPE:-${B}} $$X"[8..21], "${NOPE:-${B}}");
    }

    #[test]
    fn what_follows_the_last_unresolved_reference() {
        fn tail(s: &str) -> Option<&str> {
            run(s)
                .unresolved_span()
                .and_then(|r| literal_tail(s, r.end))
        }
        assert_eq!(tail("reg/${NOPE}:latest"), Some(":latest"));
        assert_eq!(tail("$NOPE/app"), Some("/app"));
        assert_eq!(tail("${SET}/app"), None, "nothing is unresolved");
        assert_eq!(
            tail("${NOPE}/app:${SET}"),
            None,
            "another reference follows"
        );
        assert_eq!(
            tail("$NOPE/app:1$$"),
            None,
            "an escaped `$` is not literal as written"
        );
        assert_eq!(
            tail("${NOPE:-${OTHER}/x}:1"),
            None,
            "inside a default that was taken"
        );
        assert_eq!(tail("a${EMPTY:?x}b"), Some("b"));
        assert_eq!(tail("app:${NOPE}"), Some(""));
        assert_eq!(run("${NOPE}:1${OTHER}").unresolved_span(), Some(0..17));
    }

    #[test]
    fn what_precedes_the_first_unresolved_reference() {
        fn head(s: &str) -> Option<&str> {
            run(s)
                .unresolved_span()
                .and_then(|r| literal_head(s, r.start))
        }
        assert_eq!(head("reg/${NOPE}:latest"), Some("reg/"));
        assert_eq!(head("a/$NOPE/b/${OTHER}"), Some("a/"), "the first one");
        assert_eq!(head("${NOPE}/app"), Some(""));
        assert_eq!(head("reg/${SET}"), None, "nothing is unresolved");
        assert_eq!(
            head("${SET}/app:${NOPE}"),
            None,
            "another reference precedes"
        );
        assert_eq!(head("${EMPTY:-${NOPE}}/x"), None, "inside a reference");
        assert_eq!(head("$$a/${NOPE}"), None, "an escaped `$` is not literal");
        assert_eq!(run("é/${NOPE}").unresolved_span(), Some(3..10));
    }

    #[test]
    fn errors_have_offsets() {
        let cases: &[(&str, usize)] = &[
            ("ab ${X", 3),
            ("${", 0),
            ("x ${", 2),
            ("${A:-x", 0),
            ("${A:-${B}", 0),
            ("${A:-${B:-x}", 0),
            ("ok ${A:-${B:-x", 8),
            ("${}", 2),
            ("${ }", 2),
            ("${ foo}", 2),
            ("${1A}", 2),
            ("${foo }", 5),
            ("${foo!}", 5),
            ("${A B}", 3),
            ("${A:x}", 3),
            ("${A:}", 3),
            ("${é}", 2),
            ("${SET:-${}}", 9),
            ("${SET:-${A:x}}", 10),
        ];
        for (input, offset) in cases {
            let e = fail(input);
            assert_eq!(e.offset, *offset, "{input:?}: {}", e.message);
            assert!(!e.message.is_empty());
        }
        assert!(fail("${A").message.contains("unterminated"));
        assert!(fail("${A:x}").message.contains("modifier"));
    }

    #[test]
    fn deep_nesting_is_bounded_without_recursion() {
        let deep = |n: usize| format!("{}x{}", "${A:-".repeat(n), "}".repeat(n));
        let e = interpolate(&deep(10_000), &env, 32).unwrap_err();
        assert!(e.message.contains("nested"), "{}", e.message);
        assert_eq!(e.offset, 32 * 5);
        // With a depth budget as large as the input, it succeeds: the scan keeps its own
        // stack, so even a small native stack is enough.
        let r = std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(move || interpolate(&deep(10_000), &env, 1_000_000).map(|r| r.value))
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(r.unwrap(), "x");
        assert_eq!(interpolate(&deep(10), &env, 10).unwrap().value, "x");
        assert!(interpolate(&deep(11), &env, 10).is_err());
        // Unterminated, very deep: an error, not a crash.
        assert!(interpolate(&"${A:-".repeat(100_000), &env, usize::MAX).is_err());
        // A depth of 0 still allows one level.
        assert_eq!(interpolate("${NOPE:-d}", &env, 0).unwrap().value, "d");
    }

    #[test]
    fn lookup_is_not_called_for_skipped_branches() {
        let seen = std::cell::RefCell::new(Vec::new());
        let lookup = |n: &str| {
            seen.borrow_mut().push(n.to_string());
            env(n)
        };
        interpolate("${SET:-${X}$Y} ${NOPE:+$Z}", &lookup, 8).unwrap();
        assert_eq!(*seen.borrow(), ["SET", "NOPE"]);
    }

    fn dotenv(text: &str) -> (Vec<DotEnvEntry>, Vec<(usize, String)>) {
        parse_dotenv(text)
    }

    fn value_of<'a>(entries: &'a [DotEnvEntry], key: &str) -> Option<&'a str> {
        entries
            .iter()
            .rev()
            .find(|e| e.key == key)
            .map(|e| e.value.as_str())
    }

    #[test]
    fn dotenv_values() {
        let text = concat!(
            "\u{feff}# comment\n",
            "A=1\n",
            "  # indented comment\n",
            "\n",
            "export B=two words # note\n",
            "export\tB2=tab\n",
            "exportC=3\n",
            "C='lit $A # not a comment'\n",
            "D=\"x\\ny ${A} \\$A \\\"q\\\" #h\"\n",
            "E=\n",
            "F\n",
            "G=${A}-${MISSING:-d}\n",
            "H=a#b\n",
            "I = spaced \n",
            "J: yaml style\n",
            "K=postgres://u:p@h/db?ssl=true&x=y\n",
            "L=\"multi\nline\"\n",
            "M='multi\nline'\n",
            "N=$$A\n",
            "O=\"\"\n",
            "P=''\n",
            "Q=\"a#b\" # c\n",
            "R=\"Z\\aZ\\tZ\\\\Z\\0123Z\\x07\\ Z\"\n",
            "S='a\\'b'\n",
            "T=a\\tb\n",
            "FOO.BAR-x[0]=dotted\n",
            "U=\"${L}\"\n",
            "A=override\n",
            "V=$A\n",
            "W=end",
        );
        let (e, errs) = dotenv(text);
        assert!(errs.is_empty(), "{errs:?}");
        let get = |k: &str| value_of(&e, k);
        assert_eq!(get("A"), Some("override"));
        assert_eq!(e.iter().find(|x| x.key == "A").unwrap().value, "1");
        assert_eq!(get("B"), Some("two words"));
        assert_eq!(get("B2"), Some("tab"));
        assert_eq!(get("exportC"), Some("3"));
        assert_eq!(get("C"), Some("lit $A # not a comment"));
        assert_eq!(get("D"), Some("x\ny 1 $A \"q\" #h"));
        assert_eq!(get("E"), Some(""));
        assert_eq!(get("F"), None);
        assert_eq!(get("G"), Some("1-d"));
        assert_eq!(get("H"), Some("a#b"));
        assert_eq!(get("I"), Some("spaced"));
        assert_eq!(get("J"), Some("yaml style"));
        assert_eq!(get("K"), Some("postgres://u:p@h/db?ssl=true&x=y"));
        assert_eq!(get("L"), Some("multi\nline"));
        assert_eq!(get("M"), Some("multi\nline"));
        assert_eq!(get("N"), Some("$A"));
        assert_eq!(get("O"), Some(""));
        assert_eq!(get("P"), Some(""));
        assert_eq!(get("Q"), Some("a#b"));
        assert_eq!(get("R"), Some("Z\u{7}Z\tZ\\ZSZ\\x07\\ Z"));
        assert_eq!(get("S"), Some("a\\'b"));
        assert_eq!(get("T"), Some("a\\tb"));
        assert_eq!(get("FOO.BAR-x[0]"), Some("dotted"));
        assert_eq!(get("U"), Some("multi\nline"));
        assert_eq!(get("V"), Some("override"));
        assert_eq!(get("W"), Some("end"));
        let line = |k: &str| e.iter().find(|x| x.key == k).unwrap().line;
        assert_eq!(
            (
                line("A"),
                line("B"),
                line("D"),
                line("L"),
                line("M"),
                line("N")
            ),
            (2, 5, 9, 17, 19, 21)
        );
        assert_eq!(line("W"), 32);
    }

    #[test]
    fn dotenv_errors_skip_the_line_and_go_on() {
        let (e, errs) = dotenv(concat!(
            "bad key=1\n",
            "lol$wut\n",
            "OK=1\n",
            "1ABC=x\n",
            "=nokey\n",
            "X=${A\n",
            "Y=${NOPE:?need it}\n",
            "Q=\"a\" junk\n",
            "Z=\"never closed\n",
            "AFTER=2\n",
        ));
        let lines: Vec<usize> = errs.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [1, 2, 4, 5, 6, 7, 8, 9], "{errs:?}");
        assert!(errs[0].1.contains("space"));
        assert!(errs[1].1.contains('$'));
        assert!(errs[3].1.contains("name"));
        assert!(errs[5]
            .1
            .contains("required variable NOPE is missing a value: need it"));
        assert!(errs[7].1.contains("unterminated"));
        // Values are not echoed back in messages.
        assert!(!errs
            .iter()
            .any(|(_, m)| m.contains("never closed") || m.contains("junk")));
        let get = |k: &str| value_of(&e, k);
        assert_eq!(get("OK"), Some("1"));
        assert_eq!(get("1ABC"), None);
        assert_eq!(
            get("X"),
            Some("${A"),
            "an invalid template is kept as written"
        );
        assert_eq!(get("Y"), Some(""));
        assert_eq!(get("Q"), Some("a"));
        assert_eq!(get("Z"), None);
        // The unterminated quote ends its own line only.
        assert_eq!(get("AFTER"), Some("2"));
    }

    #[test]
    fn dotenv_edge_cases() {
        assert_eq!(dotenv(""), (vec![], vec![]));
        assert_eq!(dotenv("\n\n  \t\n# x\n").0, vec![]);
        let (e, errs) = dotenv("A=1\r\nB=\"2\"\r\nC\r\n");
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(value_of(&e, "A"), Some("1"));
        assert_eq!(value_of(&e, "B"), Some("2"));
        assert_eq!(e.len(), 2);
        // Only earlier entries are visible.
        let (e, _) = dotenv("A=$B\nB=1\n");
        assert_eq!(value_of(&e, "A"), Some(""));
        // Cheap fuzz: no input panics.
        let text = "export A=\"x\\\ny $B\" # c\nB='q\\'\nC=${A:-${B}}\n é=ü\n";
        for cut in 0..=text.len() {
            if text.is_char_boundary(cut) {
                let _ = dotenv(&text[..cut]);
            }
        }
        for junk in [
            "\"",
            "'",
            "=",
            ":",
            "export",
            "export ",
            "A=\"\\",
            "A='",
            "\\",
            "\u{0}=\u{0}",
        ] {
            let _ = dotenv(junk);
        }
    }
}
