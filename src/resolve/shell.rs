//! Shell text split into commands of words, the shape the command rules (SC-003,
//! SC-004…) read: computed once here instead of with regexes in every rule.
//!
//! [`calls`] then finds the programs the commands run (the first word, the command a
//! wrapper such as `sudo`, `env` or `exec` runs, the script of `sh -c`, the module of
//! `python -m`), so a rule looks up `npm` among a few calls instead of scanning every
//! word of every command in Rego.
//!
//! This is a rule-reading split, not a shell parser: `&&`, `||`, `;`, `|`, `(`, `)`
//! and newlines end a command; blanks separate words; quotes and backticks around a
//! word are trimmed (so the words of `sh -c "npx pkg"` are `sh -c npx pkg`, which lets
//! the rules see the inner command). Blanks and empty commands are dropped; a word
//! that is only a pair of quotes (`""`, `''`) is an empty argument and is kept, so
//! `adduser --gecos "" app` keeps `app` out of the option's value.

/// Split `script` into commands of words.
pub fn commands(script: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut cmd: Vec<String> = Vec::new();
    let push_word = |word: &str, cmd: &mut Vec<String>| {
        let w = word.trim_matches(|c| matches!(c, '"' | '\'' | '`'));
        if !w.is_empty() || empty_argument(word) {
            cmd.push(w.to_string());
        }
    };
    // Every separator is ASCII, so a word is the slice between two of them.
    let bytes = script.as_bytes();
    let mut word_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let doubled = bytes.get(i + 1) == Some(&bytes[i]);
        let (ends_command, width) = match bytes[i] {
            b' ' | b'\t' | b'\r' => (false, 1),
            b'|' if doubled => (true, 2),
            b'&' if doubled => (true, 2),
            b';' | b'|' | b'(' | b')' | b'\n' => (true, 1),
            _ => {
                i += 1;
                continue;
            }
        };
        push_word(&script[word_start..i], &mut cmd);
        if ends_command && !cmd.is_empty() {
            out.push(std::mem::take(&mut cmd));
        }
        i += width;
        word_start = i;
    }
    push_word(&script[word_start..], &mut cmd);
    if !cmd.is_empty() {
        out.push(cmd);
    }
    out
}

/// `""` or `''`: an empty argument, not a blank.
fn empty_argument(word: &str) -> bool {
    matches!(word, "\"\"" | "''")
}

/// The commands of several scripts (an instruction's text and its heredocs), in order.
pub fn commands_of<'a>(scripts: impl IntoIterator<Item = &'a str>) -> Vec<Vec<String>> {
    scripts.into_iter().flat_map(commands).collect()
}

/// One program run by a command: its base name (`/usr/bin/npm` → `npm`) and the words
/// that follow it in its command.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Call {
    pub program: String,
    pub args: Vec<String>,
}

/// Programs that run another command given after their own options.
/// `(name, options that take a value, positionals before the command)`.
const WRAPPERS: &[(&str, &[&str], usize)] = &[
    (
        "sudo",
        &["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-R"],
        0,
    ),
    ("doas", &["-u", "-C"], 0),
    ("exec", &["-a"], 0),
    ("env", &["-u", "-C", "-S", "--unset", "--chdir"], 0),
    ("nohup", &[], 0),
    ("time", &["-f", "-o"], 0),
    ("command", &[], 0),
    ("builtin", &[], 0),
    ("nice", &["-n"], 0),
    ("ionice", &["-c", "-n", "-p"], 0),
    ("stdbuf", &["-i", "-o", "-e"], 0),
    (
        "xargs",
        &["-I", "-n", "-P", "-L", "-d", "-E", "-s", "-a"],
        0,
    ),
    ("gosu", &[], 1),
    ("su-exec", &[], 1),
    ("chroot", &[], 1),
    ("timeout", &["-s", "-k", "--signal", "--kill-after"], 1),
    ("flock", &["-w", "-E", "--timeout"], 1),
];

/// The program's name: its last path segment, without the `\\` that bypasses an alias
/// (`\\curl`).
fn base_name(w: &str) -> &str {
    let w = w.rfind('/').map_or(w, |i| &w[i + 1..]);
    w.strip_prefix('\\').unwrap_or(w)
}

/// Shell words after which a command starts (`if curl …; then npm i; else …`).
const KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "while", "until", "do", "!", "{",
];

fn is_assignment(w: &str) -> bool {
    match w.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && !name.starts_with(|c: char| c.is_ascii_digit())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        None => false,
    }
}

/// The index of the command a wrapper at `at` runs, if any.
fn wrapped(ws: &[String], at: usize, value_opts: &[&str], positionals: usize) -> Option<usize> {
    let mut i = at + 1;
    let mut skip = positionals;
    while i < ws.len() {
        let w = ws[i].as_str();
        if w == "--" {
            i += 1;
        } else if w.starts_with('-') && w.len() > 1 {
            i += if value_opts.contains(&w) { 2 } else { 1 };
        } else if is_assignment(w) && base_name(&ws[at]) == "env" {
            i += 1;
        } else if skip > 0 {
            skip -= 1;
            i += 1;
        } else {
            return Some(i);
        }
    }
    None
}

/// The programs the commands run, in order.
pub fn calls(commands: &[Vec<String>]) -> Vec<Call> {
    let mut out = Vec::new();
    for ws in commands {
        let mut starts: Vec<usize> = Vec::new();
        // The first word that is not a `NAME=value` prefix, and what wrappers run.
        let mut next = ws.iter().position(|w| !is_assignment(w));
        while let Some(i) = next {
            if starts.contains(&i) {
                break;
            }
            starts.push(i);
            next = if KEYWORDS.contains(&ws[i].as_str()) {
                (i + 1 < ws.len()).then_some(i + 1)
            } else {
                let program = base_name(&ws[i]);
                WRAPPERS
                    .iter()
                    .find(|(name, _, _)| *name == program)
                    .and_then(|(_, opts, pos)| wrapped(ws, i, opts, *pos))
            };
        }
        // `sh -c "…"` (its words follow `-c`) and `python -m pip …`.
        for (i, w) in ws.iter().enumerate() {
            if (w == "-c" || w == "-m") && i + 1 < ws.len() && i > 0 && !starts.contains(&(i + 1)) {
                let prog = base_name(&ws[i - 1]);
                let shell = matches!(prog, "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "su");
                let python = prog.starts_with("python");
                if (w == "-c" && shell) || (w == "-m" && python) {
                    starts.push(i + 1);
                }
            }
        }
        starts.sort_unstable();
        for i in starts {
            out.push(Call {
                program: base_name(&ws[i]).to_string(),
                args: ws[i + 1..].to_vec(),
            });
        }
    }
    out
}

/// The programs a client configuration entry runs: its `command` and `args` (an argv,
/// not shell text). The command is named by its file name (`C:\\…\\npx.cmd` is
/// `npx`), `cmd /c …` runs the rest, and a script argument (`sh -c "npx -y pkg"`) is
/// split as the rules split `RUN` text.
pub fn argv_calls(command: &str, args: &[&str]) -> Vec<Call> {
    let file = command.rsplit(['/', '\\']).next().unwrap_or(command);
    let file = file.to_ascii_lowercase();
    let program = [".exe", ".cmd", ".bat"]
        .iter()
        .find_map(|x| file.strip_suffix(x))
        .unwrap_or(&file);
    let mut args = args;
    if program == "cmd" {
        while let Some(a) = args.first().filter(|a| a.starts_with('/')) {
            let run = a.eq_ignore_ascii_case("/c") || a.eq_ignore_ascii_case("/k");
            args = &args[1..];
            if run {
                break;
            }
        }
        let Some((first, rest)) = args.split_first() else {
            return Vec::new();
        };
        return argv_calls(first, rest);
    }
    let text = std::iter::once(program)
        .chain(args.iter().copied())
        .collect::<Vec<_>>()
        .join(" ");
    calls(&commands(&text))
}

#[cfg(test)]
mod tests {
    use super::{argv_calls, calls, commands};

    fn programs(s: &str) -> Vec<String> {
        calls(&commands(s))
            .into_iter()
            .map(|c| {
                format!("{} {}", c.program, c.args.join(" "))
                    .trim_end()
                    .to_string()
            })
            .collect()
    }

    /// The reference split, a character at a time: what `commands` did before it
    /// sliced words between separators.
    fn commands_by_char(script: &str) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = Vec::new();
        let mut cmd: Vec<String> = Vec::new();
        let mut word = String::new();
        let flush_word = |word: &mut String, cmd: &mut Vec<String>| {
            let w = word.trim_matches(|c| matches!(c, '"' | '\'' | '`'));
            if !w.is_empty() || word == "\"\"" || word == "''" {
                cmd.push(w.to_string());
            }
            word.clear();
        };
        let flush_cmd = |cmd: &mut Vec<String>, out: &mut Vec<Vec<String>>| {
            if !cmd.is_empty() {
                out.push(std::mem::take(cmd));
            }
        };
        let mut chars = script.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                ' ' | '\t' | '\r' => flush_word(&mut word, &mut cmd),
                ';' | '|' | '(' | ')' | '\n' => {
                    if c == '|' && chars.peek() == Some(&'|') {
                        chars.next();
                    }
                    flush_word(&mut word, &mut cmd);
                    flush_cmd(&mut cmd, &mut out);
                }
                '&' if chars.peek() == Some(&'&') => {
                    chars.next();
                    flush_word(&mut word, &mut cmd);
                    flush_cmd(&mut cmd, &mut out);
                }
                _ => word.push(c),
            }
        }
        flush_word(&mut word, &mut cmd);
        flush_cmd(&mut cmd, &mut out);
        out
    }

    /// Every string of up to 5 characters over separators, quotes, letters and a
    /// multibyte character splits as the reference does.
    #[test]
    fn commands_split_as_the_reference_does() {
        let alphabet = [
            ' ', '\t', '\r', '\n', ';', '|', '&', '(', ')', '"', '\'', '`', 'a', 'é', '=',
        ];
        let mut checked = 0;
        let mut word: Vec<usize> = Vec::new();
        loop {
            let s: String = word.iter().map(|&i| alphabet[i]).collect();
            assert_eq!(commands(&s), commands_by_char(&s), "{s:?}");
            checked += 1;
            // The next string: count in base `alphabet.len()`, growing to 5 characters.
            let mut pos = 0;
            loop {
                if pos == word.len() {
                    word.push(0);
                    break;
                }
                word[pos] += 1;
                if word[pos] < alphabet.len() {
                    break;
                }
                word[pos] = 0;
                pos += 1;
            }
            if word.len() > 5 {
                break;
            }
        }
        assert!(checked > 800_000, "{checked}");
    }

    #[test]
    fn calls_are_programs_in_command_position() {
        assert_eq!(
            programs("cd /app && /usr/local/bin/npm ci --omit=dev; echo npm install x"),
            vec!["cd /app", "npm ci --omit=dev", "echo npm install x"]
        );
        assert_eq!(
            programs("NODE_ENV=production sudo -u node -H npm install -g pkg"),
            vec!["sudo -u node -H npm install -g pkg", "npm install -g pkg"]
        );
        assert_eq!(
            programs("env -u X A=1 exec gosu app uvx tool"),
            vec![
                "env -u X A=1 exec gosu app uvx tool",
                "exec gosu app uvx tool",
                "gosu app uvx tool",
                "uvx tool"
            ]
        );
        assert_eq!(
            programs(r#"python3 -m pip install requests; bash -c "npx -y x""#),
            vec![
                "python3 -m pip install requests",
                "pip install requests",
                "bash -c npx -y x",
                "npx -y x"
            ]
        );
        // `-c` of other programs is an option value, not a command.
        assert_eq!(
            programs("pip install -c constraints.txt x"),
            vec!["pip install -c constraints.txt x"]
        );
        assert!(calls(&commands("A=1 B=2")).is_empty());
        // Shell keywords start commands; `\\curl` bypasses an alias but is curl.
        assert_eq!(
            programs("if [ -z $X ]; then \\curl -sSL x | bash; else npm ci; fi"),
            vec![
                "if [ -z $X ]",
                "[ -z $X ]",
                "then \\curl -sSL x",
                "curl -sSL x",
                "bash",
                "else npm ci",
                "npm ci",
                "fi"
            ]
        );
    }

    #[test]
    fn client_entries_run_their_command_and_the_scripts_it_is_given() {
        let programs = |command: &str, args: &[&str]| -> Vec<String> {
            argv_calls(command, args)
                .into_iter()
                .map(|c| format!("{} {}", c.program, c.args.join(" ")))
                .collect()
        };
        assert_eq!(
            programs("npx", &["-y", "@scope/server@1.2.3"]),
            vec!["npx -y @scope/server@1.2.3"]
        );
        assert_eq!(
            programs(r"C:\Program Files\nodejs\NPX.CMD", &["-y", "pkg"]),
            vec!["npx -y pkg"]
        );
        assert_eq!(
            programs("cmd", &["/s", "/c", "npx", "-y", "pkg"]),
            vec!["npx -y pkg"]
        );
        assert_eq!(
            programs("/bin/sh", &["-c", "cd /srv && uvx mcp-server-fetch"]),
            vec!["sh -c cd /srv", "cd /srv", "uvx mcp-server-fetch"]
        );
        assert!(programs("cmd", &["/c"]).is_empty());
    }

    fn words(s: &str) -> Vec<Vec<&str>> {
        commands(s)
            .iter()
            .map(|c| c.iter().map(|w| leak(w)).collect())
            .collect()
    }

    fn leak(s: &str) -> &'static str {
        Box::leak(s.to_string().into_boxed_str())
    }

    #[test]
    fn separators_end_commands() {
        assert_eq!(
            words("apt-get update && apt-get install -y curl || true; npx a | tee x"),
            vec![
                vec!["apt-get", "update"],
                vec!["apt-get", "install", "-y", "curl"],
                vec!["true"],
                vec!["npx", "a"],
                vec!["tee", "x"],
            ]
        );
        assert_eq!(
            words("(cd /x)\nuvx  pkg==1.0\t--flag"),
            vec![vec!["cd", "/x"], vec!["uvx", "pkg==1.0", "--flag"]]
        );
    }

    #[test]
    fn quotes_are_trimmed_and_blanks_dropped() {
        assert_eq!(
            words(r#"sh -c "npx -y pkg@1.2.3" `` `x`"#),
            vec![vec!["sh", "-c", "npx", "-y", "pkg@1.2.3", "x"]]
        );
        // An empty quoted argument is a word: `--gecos ""` takes it, not the name.
        assert_eq!(
            words(r#"adduser -D --gecos "" app && useradd -c '' bot"#),
            vec![
                vec!["adduser", "-D", "--gecos", "", "app"],
                vec!["useradd", "-c", "", "bot"]
            ]
        );
        assert!(commands(" ;; && \n").is_empty());
        // A lone `&` (background) does not end a command, as before.
        assert_eq!(words("a & b"), vec![vec!["a", "&", "b"]]);
    }
}
