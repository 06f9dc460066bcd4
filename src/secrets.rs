//! Secret detection and redaction. Values that look like credentials (or sit under a
//! secret-looking name) are classified here, and only their redacted form reaches the
//! Rego input and every output.

use serde::Serialize;

/// What is known about a value that may be a secret.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SecretInfo {
    /// `github-token`, `aws-access-key`, `slack-token`, `openai-key`, `private-key`,
    /// `high-entropy`, `placeholder`, `literal` (a secret-named key with a plain value),
    /// `reference` (the value is a variable, file or secret reference, not a secret).
    pub kind: &'static str,
    /// The variable name suggests a secret (`*_TOKEN`, `*_KEY`, `*SECRET*`, `*PASSWORD*`…).
    pub name_suggests: bool,
    /// The value is a placeholder such as `your_vault_token_here` or `changeme`.
    pub placeholder: bool,
    /// The value is a real-looking credential by its shape alone.
    pub credential: bool,
}

/// Names that carry secrets.
pub fn name_suggests_secret(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    if n.ends_with("_FILE")
        || n.ends_with("_PATH")
        || n.ends_with("_URL") && !n.contains("PASSWORD")
        || is_public_key_name(&n)
    {
        return false;
    }
    const PARTS: &[&str] = &[
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "PASSPHRASE",
        "CREDENTIAL",
        "PRIVATE_KEY",
        "API_KEY",
        "APIKEY",
        "ACCESS_KEY",
    ];
    PARTS.iter().any(|p| n.contains(p))
        || n.ends_with("_TOKEN")
        || n == "TOKEN"
        || n.ends_with("_KEY")
        || n.ends_with("_PAT")
        || n.starts_with("TOKEN_")
}

/// `GPG_KEY`, `*_GPG_KEY(S)`, `*_PGP_KEY(S)` (upper case): a key fingerprint, public
/// (the docker-library images set `ENV GPG_KEY A035C8…` for `gpg --recv-keys`).
fn is_public_key_name(n: &str) -> bool {
    ["GPG_KEY", "GPG_KEYS", "PGP_KEY", "PGP_KEYS"]
        .iter()
        .any(|k| {
            n.strip_suffix(k)
                .is_some_and(|rest| rest.is_empty() || rest.ends_with('_'))
        })
}

/// Marks of a stand-in value wherever they appear in it (`your_token_here`,
/// `example-key`, `CHANGEME`).
const PLACEHOLDER_MARKS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "changethis",
    "example",
    "placeholder",
    "dummy",
    "xxx",
    "todo",
    "replace_me",
    "replaceme",
    "your_",
    "your-",
    "insert",
    "redacted",
    "fake",
    "sample",
];

/// Words that are a stand-in only as the whole value: `password` is, but
/// `MyPassword123` and `supersecret` are real (weak) secrets.
const PLACEHOLDER_WORDS: &[&str] = &["password", "secret", "test", "testing", "default"];

/// A stand-in rather than a secret (the Rego helper `placeholder_text` agrees): a mark
/// anywhere, a whole-value word, a `<…>` slot, or only `x`, `*` and `.`.
fn is_placeholder(v: &str) -> bool {
    let l = v.trim().to_ascii_lowercase();
    PLACEHOLDER_MARKS.iter().any(|p| l.contains(p))
        || PLACEHOLDER_WORDS.contains(&l.as_str())
        || l.find('<').is_some_and(|i| l[i..].contains('>'))
        || l.chars().all(|c| c == 'x' || c == '*' || c == '.')
}

/// A team's own stand-in values (`placeholders` in `.mcp-audit.yaml`), on top of the
/// built-in marks: patterns matched against the whole trimmed value, ignoring case,
/// `*` matching any run of characters (`sk-compose-*`, `*-not-a-real-key`).
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(from = "Vec<String>")]
pub struct Placeholders(std::sync::Arc<[String]>);

impl From<Vec<String>> for Placeholders {
    fn from(patterns: Vec<String>) -> Self {
        Placeholders(
            patterns
                .iter()
                .map(|p| p.trim().to_ascii_lowercase())
                .filter(|p| !p.is_empty())
                .collect(),
        )
    }
}

impl Placeholders {
    /// The patterns as one anchored regex over a lowercased, trimmed value (empty when
    /// there are none): what the Rego helper `placeholder_text` matches.
    pub fn regex(&self) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        let alternatives: Vec<String> = self
            .0
            .iter()
            .map(|p| {
                p.split('*')
                    .map(regex::escape)
                    .collect::<Vec<_>>()
                    .join(".*")
            })
            .collect();
        format!("(?s)^(?:{})$", alternatives.join("|"))
    }

    fn matches(&self, v: &str) -> bool {
        if self.0.is_empty() {
            return false;
        }
        let v = v.trim().to_ascii_lowercase();
        self.0.iter().any(|p| crate::config::wildcard_match(p, &v))
    }
}

fn charset_ok(s: &str, extra: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || extra.contains(c))
}

/// A real-looking credential by shape.
fn credential_kind(v: &str) -> Option<&'static str> {
    let v = v.trim();
    for p in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] {
        if let Some(rest) = v.strip_prefix(p) {
            if rest.len() >= 30 && charset_ok(rest, "") {
                return Some("github-token");
            }
        }
    }
    if let Some(rest) = v.strip_prefix("github_pat_") {
        if rest.len() >= 40 && charset_ok(rest, "_") {
            return Some("github-token");
        }
    }
    if (v.starts_with("AKIA") || v.starts_with("ASIA"))
        && v.len() == 20
        && charset_ok(v, "")
        && v[4..]
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return Some("aws-access-key");
    }
    for p in ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"] {
        if let Some(rest) = v.strip_prefix(p) {
            if rest.len() >= 10 && charset_ok(rest, "-") {
                return Some("slack-token");
            }
        }
    }
    if let Some(rest) = v.strip_prefix("sk-") {
        let rest = rest
            .strip_prefix("proj-")
            .or_else(|| rest.strip_prefix("ant-"))
            .unwrap_or(rest);
        if rest.len() >= 20 && charset_ok(rest, "-_") {
            return Some("openai-key");
        }
    }
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return Some("private-key");
    }
    None
}

/// Shannon entropy in bits per character.
fn entropy(s: &str) -> f64 {
    let mut counts = [0usize; 256];
    for b in s.bytes() {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// A yes/no switch (`MYSQL_ALLOW_EMPTY_PASSWORD=yes`, `ALLOW_EMPTY_PASSWORD=no`): under a
/// secret-looking name it is a setting, not a secret (the Rego helper `switch` agrees).
fn is_switch(value: &str) -> bool {
    const SWITCHES: &[&str] = &[
        "yes", "no", "true", "false", "on", "off", "y", "n", "0", "1",
    ];
    SWITCHES.iter().any(|s| value.eq_ignore_ascii_case(s))
}

/// Where a secret lives rather than the secret (the Rego helper `reference_text`
/// agrees): a variable, a secret store (`vault:`, `op://`, an AWS Secrets Manager ARN),
/// or a file path (`/run/secrets/db`, `./.keys/sa.json`: path characters only, no
/// segment over 64 bytes). A URL is not one: under a secret's name it may carry the
/// secret in its path (a webhook URL).
fn is_reference(v: &str) -> bool {
    let store = [
        "/run/secrets/",
        "$",
        "vault:",
        "op://",
        "arn:aws:secretsmanager",
    ]
    .iter()
    .any(|p| v.starts_with(p));
    let path = ["/", "./", "../", "~/"].iter().any(|p| v.starts_with(p))
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/~${}-".contains(c))
        && v.split('/').all(|s| s.len() <= 64);
    store || path
}

/// Classify `value` found under `name` (name may be empty for free text) with the
/// built-in placeholder marks only.
pub fn classify(name: &str, value: &str) -> Option<SecretInfo> {
    classify_with(name, value, &Placeholders::default())
}

/// Classify `value` found under `name`, the team's `placeholders` counting as stand-ins
/// too.
pub fn classify_with(name: &str, value: &str, extra: &Placeholders) -> Option<SecretInfo> {
    let name_suggests = !name.is_empty() && name_suggests_secret(name);
    let v = value.trim();
    if let Some(kind) = credential_kind(v) {
        return Some(SecretInfo {
            kind,
            name_suggests,
            placeholder: false,
            credential: true,
        });
    }
    if !name_suggests {
        return None;
    }
    if v.is_empty() || is_switch(v) {
        return None;
    }
    if is_reference(v) {
        return Some(SecretInfo {
            kind: "reference",
            name_suggests,
            placeholder: false,
            credential: false,
        });
    }
    if is_placeholder(v) || extra.matches(v) {
        return Some(SecretInfo {
            kind: "placeholder",
            name_suggests,
            placeholder: true,
            credential: false,
        });
    }
    let kind = if v.len() >= 16 && entropy(v) >= 3.5 {
        "high-entropy"
    } else {
        "literal"
    };
    Some(SecretInfo {
        kind,
        name_suggests,
        placeholder: false,
        credential: false,
    })
}

/// Find credentials inside free text (commands, RUN lines).
/// Whether [`mask_words`] or [`find_in_text`] could find anything in `text`: it holds
/// the start of a credential shape ([`credential_kind`]: `ghp_`, `AKIA`, `xoxb-`, `sk-`,
/// `-----BEGIN`…) or a part of a secret-suggesting name ([`name_suggests_secret`]:
/// `SECRET`, `PASSW…`, `_KEY`, `TOKEN`…), in any case. Most instructions hold neither,
/// and are then passed over in one search.
pub fn might_hold_secret(text: &str) -> bool {
    static HINTS: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::OnceLock::new();
    const NEEDLES: &[&str] = &[
        // credential_kind's shapes
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "ghr_",
        "github_pat_",
        "akia",
        "asia",
        "xox",
        "sk-",
        "-----begin",
        // name_suggests_secret's parts
        "secret",
        "passw",
        "passphrase",
        "credential",
        "apikey",
        "_key",
        "token",
        "_pat",
    ];
    let hints = HINTS.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(NEEDLES)
            .ok()
    });
    // (The automaton is built from constants; should it ever fail, scan everything.)
    hints.as_ref().is_none_or(|h| h.is_match(text))
}

/// [`mask_words`] and [`find_in_text`] of one text, with one prefilter search.
pub fn mask_and_find(text: &str) -> (String, Vec<&'static str>) {
    if !might_hold_secret(text) {
        return (text.to_string(), Vec::new());
    }
    (mask_words_unfiltered(text), find_in_text_unfiltered(text))
}

pub fn find_in_text(text: &str) -> Vec<&'static str> {
    if !might_hold_secret(text) {
        return Vec::new();
    }
    find_in_text_unfiltered(text)
}

fn find_in_text_unfiltered(text: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    for w in text
        .split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '=' | ',' | ';' | '(' | ')'))
    {
        if let Some(k) = credential_kind(w) {
            if !out.contains(&k) {
                out.push(k);
            }
        }
    }
    if text.contains("-----BEGIN") && text.contains("PRIVATE KEY") && !out.contains(&"private-key")
    {
        out.push("private-key");
    }
    out
}

/// The redacted form of a secret value: its first characters when they name the
/// credential type, and its length — never the secret itself.
pub fn redact(value: &str) -> String {
    let n = value.chars().count();
    if n == 0 {
        return String::new();
    }
    let prefix: String = [
        "ghp_",
        "gho_",
        "ghs_",
        "ghu_",
        "ghr_",
        "github_pat_",
        "AKIA",
        "ASIA",
        "xoxb-",
        "xoxp-",
        "sk-proj-",
        "sk-ant-",
        "sk-",
    ]
    .iter()
    .find(|p| value.starts_with(*p))
    .map(|p| p.to_string())
    .unwrap_or_default();
    format!("{prefix}****({n} chars, redacted)")
}

fn mask_range(out: &mut [u8], text: &str, start: usize, end: usize) {
    // Keep the byte length (spans stay valid) and UTF-8 validity: one '*' per byte.
    for (i, _) in text[start..end].char_indices() {
        let at = start + i;
        let len = text[at..].chars().next().map(char::len_utf8).unwrap_or(1);
        for b in &mut out[at..at + len] {
            *b = b'*';
        }
    }
}

/// An instruction's argument text with secret values masked word by word (`*`, length
/// kept): `KEY=value` words whose name or value is secret, the legacy `ENV KEY value`
/// form with a secret name, and credential-shaped words.
pub fn mask_words(text: &str) -> String {
    if !might_hold_secret(text) {
        return text.to_string();
    }
    mask_words_unfiltered(text)
}

fn mask_words_unfiltered(text: &str) -> String {
    let mut out = text.as_bytes().to_vec();
    let mut words: Vec<(usize, &str)> = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                words.push((s, &text[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push((s, &text[s..]));
    }
    for (n, &(at, w)) in words.iter().enumerate() {
        if credential_kind(w.trim_matches(['"', '\''])).is_some() {
            mask_range(&mut out, text, at, at + w.len());
            continue;
        }
        if let Some((k, v)) = w.split_once('=') {
            let val = v.trim_matches(['"', '\'']);
            if classify(k, val)
                .is_some_and(|i| i.credential || (i.kind != "reference" && !i.placeholder))
            {
                let off = at + k.len() + 1 + v.find(val).unwrap_or(0);
                mask_range(&mut out, text, off, off + val.len());
            }
        } else if n == 0 && words.len() > 1 && !w.contains('=') && name_suggests_secret(w) {
            // Legacy `ENV KEY value with spaces`.
            let rest = words[1].0;
            let val = text[rest..].trim_end();
            if classify(w, val)
                .is_some_and(|i| i.credential || (i.kind != "reference" && !i.placeholder))
            {
                mask_range(&mut out, text, rest, rest + val.len());
            }
            break;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// Source text with secret values masked (`*`, byte length kept), for every output that
/// shows source lines: `KEY=value` / `KEY: value` pairs whose name or value is secret,
/// and credential-shaped tokens anywhere.
pub fn mask_source(text: &str) -> String {
    let mut out = text.as_bytes().to_vec();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let l = line.trim_end_matches(['\n', '\r']);
        // KEY=value or KEY: value (YAML maps, list items, .env, ENV/ARG/LABEL).
        let body_off = l.len() - l.trim_start_matches([' ', '\t', '-', '"', '\'']).len();
        let body = &l[body_off..];
        let sep = body.find(['=', ':']);
        if let Some(sep) = sep {
            let key = body[..sep].trim().trim_matches(['"', '\'']);
            let key = key.rsplit(' ').next().unwrap_or(key);
            let raw_val = &body[sep + 1..];
            let val = raw_val.trim().trim_matches(['"', '\'']);
            if !key.is_empty()
                && !val.is_empty()
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-')
            {
                if let Some(info) = classify(key, val) {
                    if info.credential || (info.kind != "reference" && !info.placeholder) {
                        if let Some(p) = raw_val.find(val) {
                            let start = line_start + body_off + sep + 1 + p;
                            mask_range(&mut out, text, start, start + val.len());
                        }
                    }
                }
            }
        }
        // Credential-shaped words anywhere on the line.
        let mut pos = 0;
        for w in l.split(|c: char| {
            c.is_whitespace() || matches!(c, '"' | '\'' | '=' | ',' | ';' | '(' | ')' | '[' | ']')
        }) {
            if let Some(i) = l[pos..].find(w) {
                let at = pos + i;
                if !w.is_empty() && credential_kind(w).is_some() {
                    mask_range(&mut out, text, line_start + at, line_start + at + w.len());
                }
                pos = at + w.len();
            }
        }
        line_start += line.len();
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// A file's text with secrets masked as [`mask_source`] masks them, on the lines that a
/// set of ranges touch: each such line is masked once, however many ranges touch it, and
/// no other line is masked (nor may be read). Masking is line by line, so a range reads
/// the same bytes as from the mask of the whole text, without masking a long line (a
/// minified JSON file is one) once per finding on it.
pub struct MaskedText {
    text: String,
    /// The masked runs of whole lines: sorted, disjoint, not adjacent.
    runs: Vec<(usize, usize)>,
}

impl MaskedText {
    /// Masks the lines of `text` that `ranges` touch (ranges not valid in `text` are
    /// ignored).
    pub fn new(text: &str, ranges: impl IntoIterator<Item = (usize, usize)>) -> MaskedText {
        // Line starts, indexed once: a range's lines are found by binary search, not by
        // scanning back to the line's start (the length of the line, for each range).
        let starts = crate::source::newline_starts(text);
        // The start of the line holding `s` and the end of the line holding `e` (after
        // its `\n`).
        let line_bounds = |(s, e): (usize, usize)| {
            let valid =
                s <= e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e);
            valid.then(|| {
                let ls = starts[starts.partition_point(|&x| x <= s) - 1];
                let le = starts
                    .get(starts.partition_point(|&x| x <= e))
                    .copied()
                    .unwrap_or(text.len());
                (ls, le)
            })
        };
        let mut lines: Vec<(usize, usize)> = ranges.into_iter().filter_map(line_bounds).collect();
        lines.sort_unstable();
        let mut runs: Vec<(usize, usize)> = Vec::with_capacity(lines.len());
        for (s, e) in lines {
            match runs.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => runs.push((s, e)),
            }
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for &(s, e) in &runs {
            out.push_str(&text[at..s]);
            out.push_str(&mask_source(&text[s..e]));
            at = e;
        }
        out.push_str(&text[at..]);
        MaskedText { text: out, runs }
    }

    /// `text[start..end]`, masked; `None` unless the range lies on lines [`MaskedText::new`]
    /// masked (so an unmasked byte is never handed out).
    pub fn get(&self, start: usize, end: usize) -> Option<&str> {
        let i = self
            .runs
            .partition_point(|&(s, _)| s <= start)
            .checked_sub(1)?;
        if end > self.runs[i].1 {
            return None;
        }
        self.text.get(start..end)
    }

    /// The nearest char boundary at or below `i` (at most the text's length).
    pub fn floor_char_boundary(&self, i: usize) -> usize {
        let mut i = i.min(self.text.len());
        while !self.text.is_char_boundary(i) {
            i -= 1;
        }
        i
    }
}

/// The last line of defence, applied to every output before it is written: tokens that
/// are credentials by their shape alone (`ghp_…`, `AKIA…`, `xoxb-…`, `sk-…`) and the
/// password of a URL (`scheme://user:PASSWORD@host`) are masked wherever they appear,
/// whatever path they took (a parse error quoting a line, a header, a command). Masks
/// keep the text's structure: a token becomes its type prefix and `*`s, so JSON, XML
/// and SARIF stay valid.
pub fn scrub(text: &str) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    let mut masks: Vec<(usize, usize)> = Vec::new();
    for at in scrub_candidates(text) {
        if b[at..].starts_with(b"://") {
            // scheme://user:password@host
            let auth_start = at + 3;
            let mut j = auth_start;
            while j < b.len()
                && !matches!(
                    b[j],
                    b'/' | b'@' | b' ' | b'"' | b'\'' | b'\n' | b'\r' | b'\t' | b'<' | b'>' | b'\\'
                )
            {
                j += 1;
            }
            if j < b.len() && b[j] == b'@' {
                if let Some(colon) = text[auth_start..j].find(':') {
                    let pw = auth_start + colon + 1;
                    let pw_text = &text[pw..j];
                    if !pw_text.is_empty()
                        && !pw_text.starts_with('$')
                        && !pw_text.chars().all(|c| c == '*')
                    {
                        masks.push((pw, j));
                    }
                }
            }
        } else if is_token_byte(b[at]) && (at == 0 || !is_token_byte(b[at - 1])) {
            // A whole token (a maximal run of token bytes) starts here.
            let end = at + b[at..].iter().take_while(|&&c| is_token_byte(c)).count();
            let token = &text[at..end];
            if token.len() >= 20 && credential_kind(token).is_some() {
                let keep = [
                    "github_pat_",
                    "ghp_",
                    "gho_",
                    "ghu_",
                    "ghs_",
                    "ghr_",
                    "xoxb-",
                    "xoxp-",
                    "xoxa-",
                    "xoxr-",
                    "xoxs-",
                    "sk-proj-",
                    "sk-ant-",
                    "sk-",
                ]
                .iter()
                .find(|p| token.starts_with(*p))
                .map_or(4.min(token.len()), |p| p.len());
                masks.push((at + keep, end));
            }
        }
    }
    if masks.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = text.as_bytes().to_vec();
    for (s, e) in masks {
        mask_range(&mut out, text, s, e);
    }
    std::borrow::Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| text.to_string()))
}

/// A byte of a [`scrub`] token: credentials are runs of these.
fn is_token_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// The byte offsets where [`scrub`] could find something: every `://`, and every
/// start (case as written) of a credential shape [`credential_kind`] accepts in a
/// token. Reports are mostly free of both, so one automaton search replaces a walk
/// over every byte. Masks do not depend on the order of the offsets.
fn scrub_candidates(text: &str) -> Box<dyn Iterator<Item = usize> + '_> {
    static STARTS: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::OnceLock::new();
    const NEEDLES: &[&str] = &[
        "://",
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "ghr_",
        "github_pat_",
        "AKIA",
        "ASIA",
        "xoxb-",
        "xoxp-",
        "xoxa-",
        "xoxr-",
        "xoxs-",
        "sk-",
    ];
    // A leftmost search skips occurrences that overlap an earlier match; none of
    // them matters. Only `://` holds a non-token byte, and no needle starts with `/`
    // or holds `:`; so a needle starting inside an earlier match follows a token
    // byte and starts no token.
    let starts = STARTS.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(NEEDLES)
            .ok()
    });
    match starts {
        Some(ac) => Box::new(ac.find_iter(text).map(|m| m.start())),
        // (The automaton is built from constants; should it ever fail, try every byte.)
        None => Box::new(0..text.len()),
    }
}

/// A writer that applies [`scrub`] to everything written through it, a block of whole
/// lines at a time: credentials never span a line break, so a report can be streamed to
/// its file without being held whole in memory.
pub struct ScrubWriter<W: std::io::Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: std::io::Write> ScrubWriter<W> {
    /// Bytes gathered before the complete lines among them are scrubbed and passed on.
    const BLOCK: usize = 1 << 16;

    pub fn new(inner: W) -> Self {
        ScrubWriter {
            inner,
            pending: Vec::with_capacity(Self::BLOCK),
        }
    }

    /// Scrub and pass on `pending[..end]`.
    fn pass_on(&mut self, end: usize) -> std::io::Result<()> {
        let head = &self.pending[..end];
        match std::str::from_utf8(head) {
            Ok(text) => self.inner.write_all(scrub(text).as_bytes())?,
            // Reports are UTF-8; should a split ever land inside a character, the
            // lossy text is still scrubbed rather than passed on unmasked.
            Err(_) => self
                .inner
                .write_all(scrub(&String::from_utf8_lossy(head)).as_bytes())?,
        }
        self.pending.drain(..end);
        Ok(())
    }
}

impl<W: std::io::Write> std::io::Write for ScrubWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let before = self.pending.len();
        self.pending.extend_from_slice(buf);
        // Only the new bytes are searched: a long line written in small pieces is not
        // searched again and again.
        if self.pending.len() >= Self::BLOCK {
            if let Some(nl) = buf.iter().rposition(|&b| b == b'\n') {
                self.pass_on(before + nl + 1)?;
            }
        }
        Ok(buf.len())
    }

    /// Passes on everything, including an unfinished last line.
    fn flush(&mut self) -> std::io::Result<()> {
        self.pass_on(self.pending.len())?;
        self.inner.flush()
    }
}

impl<W: std::io::Write> Drop for ScrubWriter<W> {
    /// Like `BufWriter`: what is still held is passed on (errors are lost here; call
    /// `flush` to see them).
    fn drop(&mut self) {
        if !self.pending.is_empty() {
            let _ = self.pass_on(self.pending.len());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_text_reads_as_mask_source_of_the_whole_text() {
        let t =
            "a: 1\nAPI_TOKEN=Hn3bV6cX8zL1kJ5hG2\nb: ghp_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVb x\nc: 2\n";
        let whole = mask_source(t);
        let ranges = [(0, 4), (5, 36), (15, 20), (36, 80), (0, 80), (40, 40)];
        // All at once, and each range alone: the same bytes as the whole text's mask.
        let all = MaskedText::new(t, ranges);
        for (s, e) in ranges {
            let alone = MaskedText::new(t, [(s, e)]);
            assert_eq!(all.get(s, e), whole.get(s..e), "{s}..{e}");
            assert_eq!(alone.get(s, e), whole.get(s..e), "{s}..{e} alone");
        }
        assert!(!all.get(15, 20).unwrap().contains("Hn3b"));
        // Lines no range touched are neither masked nor handed out.
        let first = MaskedText::new(t, [(0, 4)]);
        assert_eq!(first.get(0, 4), Some("a: 1"));
        assert_eq!(first.get(15, 20), None);
        assert_eq!(first.get(0, 20), None);
        // Nor are ranges that are not ranges of the text.
        assert_eq!(all.get(3, 1), None);
        assert_eq!(MaskedText::new(t, [(3, 1), (0, 999)]).get(0, 4), None);
    }

    #[test]
    fn scrub_masks_credentials_and_url_passwords_anywhere() {
        let t = "unknown instruction `ghp_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVb` and \"postgres://admin:Pw99x@db:5432/x\" and ${URL:-http://u:${P}@h} AKIAABCDEFGHIJKLMNOP";
        let s = scrub(t);
        assert!(!s.contains("Zx9Qw8"), "{s}");
        assert!(!s.contains("Pw99x"), "{s}");
        assert!(!s.contains("ABCDEFGHIJKLMNOP"), "{s}");
        assert!(s.contains("ghp_****"), "{s}");
        assert!(s.contains("postgres://admin:*****@db"), "{s}");
        assert!(s.contains("http://u:${P}@h"), "{s}");
        assert_eq!(s.len(), t.len());
        assert!(matches!(
            scrub("nothing here"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    /// `scrub` as it was before its candidate search: a walk over every byte. The
    /// candidate search must mask exactly what it masked.
    fn scrub_every_byte(text: &str) -> String {
        let b = text.as_bytes();
        let mut masks: Vec<(usize, usize)> = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if is_token_byte(b[i]) {
                let start = i;
                while i < b.len() && is_token_byte(b[i]) {
                    i += 1;
                }
                let token = &text[start..i];
                if token.len() >= 20 && credential_kind(token).is_some() {
                    let keep = ["github_pat_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
                        .into_iter()
                        .chain(["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"])
                        .chain(["sk-proj-", "sk-ant-", "sk-"])
                        .find(|p| token.starts_with(p))
                        .map_or(4.min(token.len()), str::len);
                    masks.push((start + keep, i));
                }
            } else if b[i..].starts_with(b"://") {
                let auth = i + 3;
                let end = auth
                    + b[auth..]
                        .iter()
                        .take_while(|c| !b"/@ \"'\n\r\t<>\\".contains(c))
                        .count();
                if b.get(end) == Some(&b'@') {
                    if let Some(colon) = text[auth..end].find(':') {
                        let pw = &text[auth + colon + 1..end];
                        if !pw.is_empty() && !pw.starts_with('$') && !pw.chars().all(|c| c == '*') {
                            masks.push((auth + colon + 1, end));
                        }
                    }
                }
                i = auth;
            } else {
                i += 1;
            }
        }
        let mut out = text.as_bytes().to_vec();
        for (s, e) in masks {
            mask_range(&mut out, text, s, e);
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn scrub_masks_what_a_walk_over_every_byte_masks() {
        let pieces = [
            "ghp_",
            "gho_",
            "github_pat_",
            "AKIA",
            "ASIA",
            "xoxb-",
            "xoxs-",
            "sk-",
            "sk-proj-",
            "sk-ant-",
            "AKIASIA",
            "://",
            "http://",
            "u:",
            ":",
            "@",
            "/",
            "$",
            "*",
            " ",
            "\n",
            "\"",
            "-",
            "_",
            "\u{e9}",
            "x",
            "Zx9Qw8Er7Ty6Ui5Op4",
            "ABCDEFGHIJKLMNOP",
            "0123456789",
            "task-",
        ];
        // A fixed linear congruential sequence: the same 20,000 texts on every run.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize % n
        };
        let mut changed = 0;
        for _ in 0..20_000 {
            let len = 1 + next(12);
            let text: String = (0..len).map(|_| pieces[next(pieces.len())]).collect();
            let expected = scrub_every_byte(&text);
            assert_eq!(scrub(&text), expected.as_str(), "{text:?}");
            changed += usize::from(expected != text);
        }
        // The texts exercise both kinds of mask, not only the unchanged case.
        assert!(changed > 1_000, "{changed}");
    }

    #[test]
    fn scrub_writer_masks_like_scrub_whatever_the_pieces() {
        use std::io::Write;
        let line = "  \"text\": \"token ghp_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVb at postgres://admin:Pw99x@db/x \u{e9}\",\n";
        // Several blocks' worth, and a last line without its line break.
        let text = format!("{}tail AKIAABCDEFGHIJKLMNOP", line.repeat(2000));
        let whole = scrub(&text).into_owned();
        for piece in [1, 7, 4096, 70_000, text.len()] {
            let mut out = Vec::new();
            let mut w = ScrubWriter::new(&mut out);
            for part in text.as_bytes().chunks(piece) {
                w.write_all(part).unwrap();
            }
            w.flush().unwrap();
            drop(w);
            let out = String::from_utf8(out).unwrap();
            assert_eq!(out, whole, "pieces of {piece} bytes");
        }
        assert!(
            !whole.contains("Zx9Qw8") && !whole.contains("Pw99x") && !whole.contains("ABCDEFGHIJ")
        );
    }

    #[test]
    fn the_prefilter_passes_every_text_the_scans_would_change() {
        let shapes = [
            "ghp_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVb",
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS",
            "AKIAABCDEFGHIJKLMNOP",
            "xoxb-1234567890-abcdefghij",
            "sk-proj-abcdefghijklmnopqrstuvwxyz",
            "-----BEGIN RSA PRIVATE KEY-----",
            "DB_PASSWORD=hunter2hunter2",
            "db_passwd=q8Zr2LmW4xP1",
            "MY_SECRET=q8Zr2LmW4xP1",
            "Api_Key=q8Zr2LmW4xP1",
            "GITHUB_TOKEN=q8Zr2LmW4xP1",
            "token=q8Zr2LmW4xP1",
            "TOKEN_GH=q8Zr2LmW4xP1",
            "MY_PAT=q8Zr2LmW4xP1",
            "PASSPHRASE=q8Zr2LmW4xP1",
            "AWS_CREDENTIALS=q8Zr2LmW4xP1",
            "SERVICE_APIKEY=q8Zr2LmW4xP1",
        ];
        let plain = [
            "apt-get update && apt-get install -y curl",
            "npm ci --omit=dev",
            "PATH=/usr/local/bin:$PATH",
            "NODE_ENV=production",
            "[\"node\", \"index.js\"]",
            "",
        ];
        for (i, t) in shapes.iter().chain(&plain).enumerate() {
            for text in [
                t.to_string(),
                format!("RUN echo {t} && true"),
                format!("ENV {t}"),
            ] {
                let changes = mask_words_unfiltered(&text) != text
                    || !find_in_text_unfiltered(&text).is_empty();
                if changes {
                    assert!(might_hold_secret(&text), "{text}");
                }
                if i < shapes.len() && !text.starts_with("RUN echo") {
                    assert!(
                        changes || t.contains("BEGIN"),
                        "a shape the scans miss: {text}"
                    );
                }
            }
        }
        for t in plain {
            assert!(!might_hold_secret(t), "{t}");
        }
    }

    #[test]
    fn credentials_by_shape() {
        assert_eq!(
            classify("X", "ghp_0123456789abcdefghijABCDEFGHIJklmnop")
                .unwrap()
                .kind,
            "github-token"
        );
        assert_eq!(
            classify("", "AKIAIOSFODNN7EXAMPLE").unwrap().kind,
            "aws-access-key"
        );
        assert_eq!(
            classify("", "xoxb-1234567890-abcdefghij").unwrap().kind,
            "slack-token"
        );
        assert_eq!(
            classify("", "sk-proj-abcdefghijklmnopqrstuvwxyz012345")
                .unwrap()
                .kind,
            "openai-key"
        );
        assert_eq!(
            classify("K", "-----BEGIN RSA PRIVATE KEY-----\nabc")
                .unwrap()
                .kind,
            "private-key"
        );
        assert!(classify("LOG_LEVEL", "info").is_none());
    }

    #[test]
    fn the_teams_placeholders_are_stand_ins_but_not_over_a_credential_shape() {
        let team: Placeholders = vec!["acme-ci-*".to_string(), "SK-COMPOSE-*".into()].into();
        let kind = |v: &str| classify_with("API_TOKEN", v, &team).map(|i| (i.kind, i.placeholder));
        assert_eq!(
            kind("ACME-CI-q8Z2m1LxV0pR7tYw3nB9"),
            Some(("placeholder", true))
        );
        assert_eq!(kind("sk-compose-clients"), Some(("placeholder", true)));
        // Only the whole value: a real secret that merely contains the text is one.
        assert_eq!(kind("x-acme-ci-1"), Some(("literal", false)));
        // A credential by its shape stays one, whatever the patterns say.
        assert_eq!(
            kind("sk-compose-abcdefghijklmnopqrstuvwxyz012345").map(|k| k.0),
            Some("openai-key")
        );
        // Without the config, the same value is a literal.
        assert_eq!(
            classify("API_TOKEN", "sk-compose-clients").unwrap().kind,
            "literal"
        );
        assert!(Placeholders::default().regex().is_empty());
    }

    #[test]
    fn names_placeholders_and_references() {
        assert!(name_suggests_secret("GITHUB_TOKEN"));
        assert!(name_suggests_secret("POSTGRES_PASSWORD"));
        assert!(name_suggests_secret("api_key"));
        assert!(!name_suggests_secret("GF_SECURITY_ADMIN_PASSWORD_FILE"));
        assert!(!name_suggests_secret("LOG_LEVEL"));
        assert!(!name_suggests_secret("GPG_KEY"));
        assert!(!name_suggests_secret("WORDPRESS_CLI_GPG_KEY"));
        assert!(name_suggests_secret("GPG_PRIVATE_KEY"));
        assert!(name_suggests_secret("MYGPG_KEY"), "not the `GPG_KEY` word");
        assert!(
            classify("VAULT_TOKEN", "your_vault_token_here")
                .unwrap()
                .placeholder
        );
        assert_eq!(
            classify("DB_PASSWORD", "/run/secrets/db").unwrap().kind,
            "reference"
        );
        assert_eq!(classify("DB_PASSWORD", "hunter2").unwrap().kind, "literal");
        // A yes/no switch under a secret-looking name is a setting.
        assert!(classify("MYSQL_ALLOW_EMPTY_PASSWORD", "yes").is_none());
        assert!(classify("ALLOW_EMPTY_PASSWORD", " No ").is_none());
        assert_eq!(classify("DB_PASSWORD", "nope").unwrap().kind, "literal");
        assert_eq!(
            classify("SIGNING_KEY", "q8Z2m1LxV0pR7tYw3nB9")
                .unwrap()
                .kind,
            "high-entropy"
        );
        assert!(classify("DB_PASSWORD", "").is_none());
    }

    #[test]
    fn redaction_never_contains_the_value() {
        let v = "ghp_0123456789abcdefghijABCDEFGHIJklmnop";
        let r = redact(v);
        assert!(!r.contains("0123456789"));
        assert!(r.starts_with("ghp_****"));
        assert_eq!(redact("hunter2"), "****(7 chars, redacted)");
    }

    #[test]
    fn masking_keeps_length_and_hides_values() {
        let src = "environment:\n  PGPASSWORD: Pg4dmin2024\n  LOG: info\n  - GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJklmnop\nENV API_KEY=\"s3cr3t-value\"\ncmd --token ghp_0123456789abcdefghijABCDEFGHIJklmnop x\nREF: ${DB_PASSWORD}\n";
        let m = mask_source(src);
        assert_eq!(m.len(), src.len());
        for secret in ["Pg4dmin2024", "ghp_0123", "s3cr3t-value"] {
            assert!(!m.contains(secret), "{secret} leaked: {m}");
        }
        assert!(m.contains("LOG: info") && m.contains("${DB_PASSWORD}"));
        let w = mask_words(
            "OPENWEATHER_API_KEY=4f1c2a9e7b3d8c6a0e5f2b1d9c7a3e8f MCP_PORT=8080 TOKEN=${T}",
        );
        assert_eq!(
            w,
            format!(
                "OPENWEATHER_API_KEY={} MCP_PORT=8080 TOKEN=${{T}}",
                "*".repeat(32)
            )
        );
        assert_eq!(mask_words("DB_PASSWORD hunter2 x"), "DB_PASSWORD *********");
    }

    #[test]
    fn text_search() {
        assert_eq!(
            find_in_text(
                "curl -H 'Authorization: token ghp_0123456789abcdefghijABCDEFGHIJklmnop' x"
            ),
            vec!["github-token"]
        );
        assert!(find_in_text("echo hello").is_empty());
    }
}

/// The Rego helper `data.mcp_audit.se.secrets.secret_name` (policies/se/secrets.rego),
/// with the same patterns, computed once per ENV key in Rust instead of by several
/// regexes per rule evaluation. Keep the two in step (a test checks examples).
pub fn secret_name(name: &str) -> bool {
    use regex::Regex;
    use std::sync::OnceLock;
    static RES: OnceLock<[Regex; 6]> = OnceLock::new();
    let [p1, p2, x1, x2, x3, x4] = RES.get_or_init(|| {
        [
            Regex::new(r"(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CLIENT_SECRET|CREDENTIALS?|DSN)($|_)|_PWD($|_)|^PWD_|(^|_)AUTH$").unwrap(),
            Regex::new(r"SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|_TOKEN$|^TOKEN_|_KEY$|_PAT$").unwrap(),
            Regex::new(r"_(FILE|PATH|DIR|ENABLED|ENABLE|MODE|NAME|HEADER|TTL|TIMEOUT|LENGTH)($|_)|_(URL|URI)$").unwrap(),
            Regex::new(r"(PUBLIC|PUBLISHABLE)_?KEY").unwrap(),
            Regex::new(r"(TOKEN|SECRET|PASSWORD|KEY|AUTH)_(EXPIR[A-Z]*|ISSUER|AUDIENCE|ENDPOINT|TYPE|ALGORITHM|ALG|PROVIDER|SCOPES?|PREFIX|ID|LIMIT|SIZE|COUNT|VERSION|METHOD|FORMAT|LEVEL|STRATEGY|ROTATION|REFRESH|STORE|BACKEND|SOURCE|LOCATION|POLICY)($|_)").unwrap(),
            Regex::new(r"(^|_)(GPG|PGP)_KEYS?$").unwrap(),
        ]
    });
    let n = name.to_uppercase();
    (p1.is_match(&n) || p2.is_match(&n)) && ![x1, x2, x3, x4].iter().any(|x| x.is_match(&n))
}

#[cfg(test)]
mod rego_mirror_tests {
    /// The Rust port agrees with the Rego helper it mirrors, name by name.
    #[test]
    fn secret_name_matches_the_rego_helper() {
        let names = [
            "GITHUB_TOKEN",
            "db_password",
            "API_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "DB_PWD",
            "PGPWD_X",
            "SENTRY_DSN",
            "BASIC_AUTH",
            "gh_pat",
            "TOKEN_FILE",
            "PASSWORD_PATH",
            "STRIPE_PUBLISHABLE_KEY",
            "TOKEN_EXPIRY",
            "KEYBOARD",
            "PATH",
            "AUTH_URL",
            "HOME",
            "PRIVATEKEY",
            "SECRET_KEY_BASE",
            "OAUTH_CLIENT_SECRET",
            "SSH_KEY",
            "KEY_ID",
            "mixed-Case_Token",
            "PWD_X",
            "MY_CREDENTIALS",
            "JWT_SECRET_ROTATION",
            "GPG_KEY",
            "WORDPRESS_CLI_GPG_KEY",
            "BITCOIN_PGP_KEY",
            "GPG_PRIVATE_KEY",
            "GPG_PASSPHRASE",
        ];
        assert_rego_agrees("secret_name", &names, super::secret_name);
        assert!(super::secret_name("GITHUB_TOKEN") && !super::secret_name("TOKEN_FILE"));
    }

    /// The placeholder and reference tests agree with the Rego helpers, value by value.
    #[test]
    fn placeholders_and_references_match_the_rego_helpers() {
        let values = [
            "your_vault_token_here",
            "CHANGEME",
            "**ChangeMe**",
            "<your-token>",
            "[your-password]",
            "xxxx",
            "****",
            "...",
            "example-key",
            "password",
            " Password ",
            "secret",
            "test",
            "default",
            "MyPassword123",
            "secrete",
            "supersecret",
            "test-secret",
            "a<b",
            "hunter2",
            "S3cr3tP@ssw0rd",
        ];
        assert_rego_agrees("placeholder_text", &values, super::is_placeholder);
        // The team's own placeholders: whole values, any case, `*` for any run, and
        // regex characters in a pattern are themselves.
        let team: super::Placeholders = vec![
            "acme-ci-*".into(),
            " *-NOT-REAL ".into(),
            "a.b(c)?".into(),
            "".into(),
        ]
        .into();
        let input = serde_json::json!({"config": {"placeholder_pattern": team.regex()}});
        let values = [
            "acme-ci-Xq9Zr2LmV8pT4wYb",
            " ACME-CI-x ",
            "acme-ci-",
            "x-acme-ci-1",
            "token-not-real",
            "token-not-real-2",
            "a.b(c)?",
            "axb(c)?",
            "a.b(c)",
            "hunter2",
            "changeme",
        ];
        let rust = |v: &str| super::is_placeholder(v) || team.matches(v);
        assert_rego_agrees_on("placeholder_text", &values, &rust, &input.to_string());
        let accepted: Vec<&str> = values.iter().copied().filter(|v| rust(v)).collect();
        assert_eq!(
            accepted,
            [
                "acme-ci-Xq9Zr2LmV8pT4wYb",
                " ACME-CI-x ",
                "acme-ci-",
                "token-not-real",
                "a.b(c)?",
                "changeme"
            ]
        );
        let locations = [
            "/run/secrets/db",
            "/run/secrets/db pw",
            "${DB_PASSWORD}",
            "$DB_PASSWORD",
            "vault:secret/data/db#password",
            "op://vault/item/field",
            "arn:aws:secretsmanager:eu-west-1:1:secret:db",
            "/.secrets/client_secret.json",
            "./.keys/sa-3fc7a9bf354f.json",
            "~/.ssh/id_ed25519",
            "/usr/src/app/$GOOGLE_CREDENTIALS",
            "/secrets",
            "/Zx9!kQ#2",
            "/a b",
            "/0123456789012345678901234567890123456789012345678901234567890123",
            "/01234567890123456789012345678901234567890123456789012345678901234",
            "https://hooks.slack.com/services/T000/B000/XXXXXXXX",
            "mysql://root:whalehello@db:3306/mysql",
            "hunter2",
            "S3cr3tP@ssw0rd",
        ];
        assert_rego_agrees("reference_text", &locations, super::is_reference);
        assert!(super::is_reference(
            "/srv/jupyterhub/secrets/jupyterhub.key"
        ));
        assert!(!super::is_reference(
            "https://hooks.slack.com/services/T0/B0/abc"
        ));
        assert!(super::is_placeholder("password") && !super::is_placeholder("MyPassword123"));
        assert!(super::is_placeholder("<token>") && !super::is_placeholder("a<b"));
    }

    /// `secrets.<helper>(x)` in Rego holds for exactly the `items` that `rust` accepts.
    fn assert_rego_agrees(helper: &str, items: &[&str], rust: fn(&str) -> bool) {
        assert_rego_agrees_on(helper, items, &rust, "{}");
    }

    /// The same, with `input` (a JSON object) as the Rego input.
    fn assert_rego_agrees_on(
        helper: &str,
        items: &[&str],
        rust: &dyn Fn(&str) -> bool,
        input: &str,
    ) {
        let quoted = |it: &mut dyn Iterator<Item = &&str>| {
            it.map(|n| format!("{n:?}")).collect::<Vec<_>>().join(",\n")
        };
        let mut files: Vec<crate::engine::PolicyFile> = crate::engine::embedded_policies()
            .into_iter()
            .filter(|f| f.name.ends_with("se/secrets.rego"))
            .collect();
        files.push(crate::engine::PolicyFile {
            name: "t_test.rego".into(),
            source: format!(
                "package t_test\nimport data.mcp_audit.se.secrets\nimport rego.v1\n\
                 test_same if {{ [n | some n in [{}]; secrets.{helper}(n)] == [{}] with input as {input} }}\n",
                quoted(&mut items.iter()),
                quoted(&mut items.iter().filter(|n| rust(n))),
            ),
        });
        let out = crate::engine::run_tests(&files).unwrap();
        assert!(out.len() == 1 && out[0].passed, "{helper}: {out:?}");
    }
}
