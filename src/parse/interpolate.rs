//! Compose variable interpolation (`$V`, `${V}`, `:-`, `-`, `:?`, `?`, `:+`, `+`,
//! nesting, `$$`) and `.env` parsing.

/// Where a variable's value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarOrigin {
    /// The lookup had a value.
    Set,
    /// A default (`:-`, `-`) or alternative (`:+`, `+`) branch decided the value.
    Default,
    /// No value and no default: it became the empty string.
    Unset,
    /// `${V:?msg}` / `${V?msg}` with no value: required at deploy time.
    Required,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarUse {
    pub name: String,
    pub origin: VarOrigin,
    /// Byte offset of the `$` in the input.
    pub offset: usize,
    pub len: usize,
    pub message: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interpolated {
    pub value: String,
    pub vars: Vec<VarUse>,
}

impl Interpolated {
    /// Any variable was unset with no default, or required and missing.
    pub fn unresolved(&self) -> bool {
        self.vars
            .iter()
            .any(|v| matches!(v.origin, VarOrigin::Unset | VarOrigin::Required))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterpError {
    pub message: String,
    pub offset: usize,
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}
fn is_name(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

struct Parser<'a> {
    s: &'a str,
    lookup: &'a dyn Fn(&str) -> Option<String>,
    max_depth: usize,
    vars: Vec<VarUse>,
}

impl Parser<'_> {
    /// Interpolate `s[pos..]` until end of input (depth 0) or an unmatched `}` (nested).
    /// Returns the text and the position after the closing `}` (or the end).
    /// `record` is false inside branches that are not taken.
    fn text(
        &mut self,
        mut pos: usize,
        depth: usize,
        record: bool,
    ) -> Result<(String, usize), InterpError> {
        let b = self.s.as_bytes();
        let mut out = String::new();
        let mut lit_start = pos;
        while pos < b.len() {
            match b[pos] {
                b'}' if depth > 0 => {
                    out.push_str(&self.s[lit_start..pos]);
                    return Ok((out, pos + 1));
                }
                b'$' => {
                    out.push_str(&self.s[lit_start..pos]);
                    let (v, next) = self.dollar(pos, depth, record)?;
                    out.push_str(&v);
                    pos = next;
                    lit_start = pos;
                }
                _ => pos += 1,
            }
        }
        if depth > 0 {
            return Err(InterpError {
                message: "unterminated `${`: missing `}`".into(),
                offset: pos,
            });
        }
        out.push_str(&self.s[lit_start..]);
        Ok((out, pos))
    }

    fn dollar(
        &mut self,
        start: usize,
        depth: usize,
        record: bool,
    ) -> Result<(String, usize), InterpError> {
        let b = self.s.as_bytes();
        let pos = start + 1;
        match b.get(pos) {
            Some(b'$') => Ok(("$".into(), pos + 1)),
            Some(&c) if is_name_start(c) => {
                let end = pos + b[pos..].iter().take_while(|&&c| is_name(c)).count();
                let name = &self.s[pos..end];
                let v = (self.lookup)(name);
                if record {
                    self.vars.push(VarUse {
                        name: name.into(),
                        origin: if v.is_some() {
                            VarOrigin::Set
                        } else {
                            VarOrigin::Unset
                        },
                        offset: start,
                        len: end - start,
                        message: None,
                    });
                }
                Ok((v.unwrap_or_default(), end))
            }
            Some(b'{') => self.braced(start, depth, record),
            _ => Ok(("$".into(), pos)),
        }
    }

    fn braced(
        &mut self,
        start: usize,
        depth: usize,
        record: bool,
    ) -> Result<(String, usize), InterpError> {
        if depth >= self.max_depth {
            return Err(InterpError {
                message: format!("interpolation nested deeper than {} levels", self.max_depth),
                offset: start,
            });
        }
        let b = self.s.as_bytes();
        let name_start = start + 2;
        let name_end = name_start + b[name_start..].iter().take_while(|&&c| is_name(c)).count();
        let name = &self.s[name_start..name_end];
        if name.is_empty() || !is_name_start(name.as_bytes()[0]) {
            return Err(InterpError {
                message: "invalid variable name after `${`".into(),
                offset: start,
            });
        }
        let value = (self.lookup)(name);
        let op_start = name_end;
        let (op, arg_start) = match b.get(op_start) {
            Some(b'}') => ("", op_start),
            Some(b':') => match b.get(op_start + 1) {
                Some(b'-') => (":-", op_start + 2),
                Some(b'?') => (":?", op_start + 2),
                Some(b'+') => (":+", op_start + 2),
                _ => {
                    return Err(InterpError {
                        message: format!("invalid modifier in `${{{name}:…}}`"),
                        offset: op_start,
                    })
                }
            },
            Some(b'-') => ("-", op_start + 1),
            Some(b'?') => ("?", op_start + 1),
            Some(b'+') => ("+", op_start + 1),
            None => {
                return Err(InterpError {
                    message: "unterminated `${`: missing `}`".into(),
                    offset: start,
                })
            }
            Some(_) => {
                return Err(InterpError {
                    message: format!("invalid character in variable name `{name}`"),
                    offset: op_start,
                })
            }
        };
        if op.is_empty() {
            if record {
                self.vars.push(VarUse {
                    name: name.into(),
                    origin: if value.is_some() {
                        VarOrigin::Set
                    } else {
                        VarOrigin::Unset
                    },
                    offset: start,
                    len: op_start + 1 - start,
                    message: None,
                });
            }
            return Ok((value.unwrap_or_default(), op_start + 1));
        }
        let set = value.is_some();
        let non_empty = value.as_deref().is_some_and(|v| !v.is_empty());
        let use_arg = match op {
            ":-" => !non_empty,
            "-" => !set,
            ":+" => non_empty,
            "+" => set,
            ":?" => !non_empty,
            _ => !set, // "?"
        };
        // The argument is parsed either way (to find the closing brace); variables in it
        // are recorded only when that branch is taken.
        let (arg, end) = self.text(arg_start, depth + 1, record && use_arg && !op.contains('?'))?;
        let (result, origin, message) = match op {
            ":-" | "-" if use_arg => (arg, VarOrigin::Default, None),
            ":+" | "+" if use_arg => (arg, VarOrigin::Default, None),
            ":+" | "+" => (String::new(), VarOrigin::Set, None),
            ":?" | "?" if use_arg => (String::new(), VarOrigin::Required, Some(arg)),
            _ => (value.clone().unwrap_or_default(), VarOrigin::Set, None),
        };
        let origin = if matches!(op, ":+" | "+") && !use_arg && !set {
            VarOrigin::Default
        } else {
            origin
        };
        if record {
            self.vars.push(VarUse {
                name: name.into(),
                origin,
                offset: start,
                len: end - start,
                message,
            });
        }
        Ok((result, end))
    }
}

/// Interpolate `input`, reading variables through `lookup`.
pub fn interpolate(
    input: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    max_depth: usize,
) -> Result<Interpolated, InterpError> {
    let mut p = Parser {
        s: input,
        lookup,
        max_depth: max_depth.max(1),
        vars: Vec::new(),
    };
    let (value, _) = p.text(0, 0, true)?;
    let mut vars = p.vars;
    vars.sort_by_key(|v| v.offset);
    Ok(Interpolated { value, vars })
}

/// One `KEY=VALUE` of a `.env` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DotEnvEntry {
    pub key: String,
    pub value: String,
    /// 1-based line.
    pub line: usize,
}

/// Parse a `.env` file as Compose reads it. Values may interpolate earlier entries.
pub fn parse_dotenv(text: &str) -> (Vec<DotEnvEntry>, Vec<(usize, String)>) {
    let mut entries: Vec<DotEnvEntry> = Vec::new();
    let mut errors = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line_no = i + 1;
        let raw = lines[i].trim_start_matches('\u{feff}');
        i += 1;
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let t = t.strip_prefix("export ").map(str::trim_start).unwrap_or(t);
        let (key, rest) = match t.split_once('=') {
            Some((k, v)) => (k.trim(), Some(v.trim_start())),
            None => (t, None),
        };
        if key.is_empty() || !key.bytes().all(|b| is_name(b) || b == b'.' || b == b'-') {
            errors.push((line_no, format!("invalid variable name `{key}`")));
            continue;
        }
        let Some(rest) = rest else {
            // `KEY` alone: no value.
            continue;
        };
        let lookup_entries = entries.clone();
        let lookup = move |n: &str| {
            lookup_entries
                .iter()
                .rev()
                .find(|e| e.key == n)
                .map(|e| e.value.clone())
        };
        let value = if let Some(body) = rest.strip_prefix('\'') {
            // Single quotes: literal, may span lines.
            let mut acc = body.to_string();
            while !acc.contains('\'') && i < lines.len() {
                acc.push('\n');
                acc.push_str(lines[i]);
                i += 1;
            }
            match acc.find('\'') {
                Some(end) => acc[..end].to_string(),
                None => {
                    errors.push((line_no, "unterminated single-quoted value".into()));
                    acc
                }
            }
        } else if let Some(body) = rest.strip_prefix('"') {
            let mut acc = body.to_string();
            let closing = |s: &str| {
                let b = s.as_bytes();
                (0..b.len()).find(|&j| b[j] == b'"' && (j == 0 || b[j - 1] != b'\\'))
            };
            while closing(&acc).is_none() && i < lines.len() {
                acc.push('\n');
                acc.push_str(lines[i]);
                i += 1;
            }
            let inner = match closing(&acc) {
                Some(end) => acc[..end].to_string(),
                None => {
                    errors.push((line_no, "unterminated double-quoted value".into()));
                    acc
                }
            };
            let unescaped = inner
                .replace("\\n", "\n")
                .replace("\\\"", "\"")
                .replace("\\\\", "\\");
            match interpolate(&unescaped, &lookup, 16) {
                Ok(v) => v.value,
                Err(_) => unescaped,
            }
        } else {
            let v = match rest.find(" #") {
                Some(p) => &rest[..p],
                None => rest,
            }
            .trim_end();
            match interpolate(v, &lookup, 16) {
                Ok(x) => x.value,
                Err(_) => v.to_string(),
            }
        };
        entries.push(DotEnvEntry {
            key: key.to_string(),
            value,
            line: line_no,
        });
    }
    (entries, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "SET" => Some("v".into()),
            "EMPTY" => Some(String::new()),
            "B" => Some("b".into()),
            _ => None,
        }
    }

    fn run(s: &str) -> Interpolated {
        interpolate(s, &env, 32).unwrap()
    }

    #[test]
    fn forms() {
        let cases = [
            ("$SET", "v"),
            ("${SET}", "v"),
            ("${NOPE}", ""),
            ("${NOPE:-d}", "d"),
            ("${EMPTY:-d}", "d"),
            ("${EMPTY-d}", ""),
            ("${NOPE-d}", "d"),
            ("${SET:+r}", "r"),
            ("${EMPTY:+r}", ""),
            ("${EMPTY+r}", "r"),
            ("${NOPE+r}", ""),
            ("${NOPE:-${B:-x}}", "b"),
            ("${NOPE:-${C:-x}}", "x"),
            ("$$SET", "$SET"),
            ("a $ b", "a $ b"),
            ("${SET}${SET}", "vv"),
            ("pre-${NOPE:-1g}-post", "pre-1g-post"),
            ("${NOPE:-a:b}", "a:b"),
            ("${NOPE:-}", ""),
        ];
        for (i, o) in cases {
            assert_eq!(run(i).value, o, "{i}");
        }
    }

    #[test]
    fn origins() {
        assert_eq!(run("${SET}").vars[0].origin, VarOrigin::Set);
        assert_eq!(run("${NOPE:-1g}").vars[0].origin, VarOrigin::Default);
        assert!(run("${NOPE}").unresolved());
        assert!(!run("${NOPE:-1g}").unresolved());
        let r = run("${NOPE:?must be set}");
        assert_eq!(r.vars[0].origin, VarOrigin::Required);
        assert_eq!(r.vars[0].message.as_deref(), Some("must be set"));
        assert!(r.unresolved());
        assert!(!run("${SET?x}").unresolved());
        // A variable in a default branch that is not taken is not recorded.
        let r = run("${SET:-${OTHER}}");
        assert_eq!(r.vars.len(), 1);
        assert!(!r.unresolved());
        let r = run("${NOPE:-${OTHER}}");
        assert!(r.unresolved());
        assert_eq!(r.vars[0].offset, 0);
    }

    #[test]
    fn errors_have_offsets() {
        let e = interpolate("ab ${X", &env, 32).unwrap_err();
        assert_eq!(e.offset, 3, "points at the unterminated opening");
        assert_eq!(interpolate("${A:-x", &env, 32).unwrap_err().offset, 6);
        assert!(interpolate("${}", &env, 32).is_err());
        assert!(interpolate("${A B}", &env, 32).is_err());
        assert!(interpolate("${A:x}", &env, 32).is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let mut s = String::new();
        for _ in 0..10_000 {
            s.push_str("${A:-");
        }
        s.push('x');
        for _ in 0..10_000 {
            s.push('}');
        }
        let e = interpolate(&s, &env, 32).unwrap_err();
        assert!(e.message.contains("nested"));
        let mut ok = String::new();
        for _ in 0..10 {
            ok.push_str("${A:-");
        }
        ok.push('x');
        ok.push_str(&"}".repeat(10));
        assert_eq!(interpolate(&ok, &env, 32).unwrap().value, "x");
    }

    #[test]
    fn dotenv() {
        let (e, errs) = parse_dotenv(
            "# comment\nA=1\nexport B=two words # note\nC='lit $A'\nD=\"x\\ny ${A}\"\nE=\nF\nG=${A}-${MISSING:-d}\nbad key=1\n",
        );
        let get = |k: &str| e.iter().find(|x| x.key == k).map(|x| x.value.as_str());
        assert_eq!(get("A"), Some("1"));
        assert_eq!(get("B"), Some("two words"));
        assert_eq!(get("C"), Some("lit $A"));
        assert_eq!(get("D"), Some("x\ny 1"));
        assert_eq!(get("E"), Some(""));
        assert_eq!(get("F"), None);
        assert_eq!(get("G"), Some("1-d"));
        assert_eq!(e.iter().find(|x| x.key == "G").unwrap().line, 8);
        assert_eq!(errs.len(), 1);
    }
}
