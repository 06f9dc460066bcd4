//! MCP client configurations (Claude Desktop / Claude Code / Cursor / Windsurf / Cline
//! `mcpServers`, VS Code `servers` + `inputs`): one entry per configured server, with a
//! parsed `docker run` command line when the server is launched in a container.

use super::compose::{convert_plain, CNode, CVal};
use super::yaml::{self, YamlLimits};
use crate::model::{protect, Val};
use crate::secrets::{self, Placeholders};
use crate::source::{Loc, SourceFile};
use serde::Serialize;
use std::collections::BTreeMap;

/// A value of an argument list, with where it was written.
#[derive(Clone, Debug, Serialize)]
pub struct Arg {
    pub value: String,
    pub loc: Loc,
    /// Credential-shaped strings found in the argument (value redacted).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<&'static str>,
}

/// `docker run` (or `podman run`, `nerdctl run`) options of a client-launched server.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DockerRun {
    pub image: Option<Arg>,
    /// Every option as written, `name` without dashes (`network`, `v`, `e`, …), value if any.
    pub options: Vec<DockerOption>,
    pub privileged: bool,
    pub read_only: bool,
    pub rm: bool,
    pub init: bool,
    pub network: Option<String>,
    pub user: Option<String>,
    pub volumes: Vec<String>,
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
    pub security_opt: Vec<String>,
    pub env: Vec<String>,
    pub memory: Option<String>,
    pub cpus: Option<String>,
    pub pid: Option<String>,
    pub ipc: Option<String>,
    pub publish: Vec<String>,
    /// Arguments after the image (the container command).
    pub command: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DockerOption {
    pub name: String,
    pub value: Option<String>,
    pub loc: Loc,
}

/// One server entry of a client configuration.
#[derive(Clone, Debug, Serialize)]
pub struct ClientServer {
    pub name: String,
    pub loc: Loc,
    pub command: Option<Val>,
    pub args: Vec<Arg>,
    pub env: BTreeMap<String, Val>,
    pub url: Option<Val>,
    /// `stdio`, `http`, `sse`, `streamable-http`… when declared.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub headers: BTreeMap<String, Val>,
    pub disabled: bool,
    /// Tools approved without confirmation (`alwaysAllow`, `autoApprove`, `autoApprove: true`).
    pub auto_approve: Vec<String>,
    pub auto_approve_all: bool,
    pub docker: Option<DockerRun>,
    /// Keys of the entry as written, with locations.
    pub raw: serde_json::Value,
}

/// A parsed client configuration file.
#[derive(Clone, Debug, Serialize)]
pub struct ClientConfig {
    pub file: String,
    /// `mcpServers` (Claude, Cursor, Windsurf, Cline) or `vscode` (`servers` + `inputs`).
    pub dialect: &'static str,
    pub servers: Vec<ClientServer>,
    /// VS Code `inputs` (prompted values), by id.
    pub inputs: BTreeMap<String, serde_json::Value>,
}

/// Does a JSON document look like a client configuration?
pub fn looks_like_client_config(text: &str) -> bool {
    (text.contains("\"mcpServers\"") || text.contains("\"servers\""))
        && (text.contains("\"command\"") || text.contains("\"url\""))
}

fn arg_of(n: &CNode) -> Option<Arg> {
    let t = n.text()?;
    let found = secrets::find_in_text(&t);
    let value = if found.is_empty() {
        // `KEY=value` forms (docker -e) with secret names are redacted too.
        match t.split_once('=') {
            Some((k, v))
                if secrets::classify(k, v)
                    .is_some_and(|i| i.credential || i.kind != "reference") =>
            {
                format!("{k}={}", secrets::redact(v))
            }
            _ => t,
        }
    } else {
        secrets::redact(&t)
    };
    Some(Arg {
        value,
        loc: n.loc.clone(),
        secrets: found,
    })
}

/// Docker options that take a value (as a separate argument when not `--opt=value`).
const VALUE_OPTS: &[&str] = &[
    "e",
    "env",
    "env-file",
    "v",
    "volume",
    "mount",
    "network",
    "net",
    "u",
    "user",
    "cap-add",
    "cap-drop",
    "security-opt",
    "name",
    "p",
    "publish",
    "m",
    "memory",
    "cpus",
    "pid",
    "ipc",
    "device",
    "w",
    "workdir",
    "entrypoint",
    "l",
    "label",
    "platform",
    "pull",
    "tmpfs",
    "add-host",
    "hostname",
    "h",
    "uts",
    "userns",
    "memory-swap",
    "pids-limit",
    "ulimit",
    "restart",
    "log-driver",
    "log-opt",
];

/// Where the arguments of `run` start: after the client's global options
/// (`--context prod`, `-H tcp://…`, `--debug`) and the `run` or `container run` words.
fn run_args(args: &[Arg]) -> Option<usize> {
    const VALUED: &[&str] = &[
        "--context",
        "-c",
        "--host",
        "-H",
        "--config",
        "--log-level",
        "-l",
        "--tlscacert",
        "--tlscert",
        "--tlskey",
        "--url",
        "--connection",
        "--identity",
        "--namespace",
        "-n",
        "--address",
        "-a",
    ];
    let mut i = 0;
    while let Some(a) = args.get(i) {
        let w = a.value.as_str();
        if w == "run" {
            return Some(i + 1);
        }
        if w == "container" {
            return (args.get(i + 1)?.value == "run").then_some(i + 2);
        }
        if !w.starts_with('-') {
            return None;
        }
        i += if VALUED.contains(&w) { 2 } else { 1 };
    }
    None
}

/// Parse `docker run …` arguments (`args` after the `run` word).
pub fn docker_run(args: &[Arg]) -> DockerRun {
    let mut d = DockerRun::default();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i].value;
        if a == "--" {
            i += 1;
            break;
        }
        if !a.starts_with('-') || a == "-" {
            break;
        }
        let body = a.trim_start_matches('-');
        let (name, mut value) = match body.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (body.to_string(), None),
        };
        // Combined short flags: -it, -itd.
        if !a.starts_with("--")
            && name.len() > 1
            && value.is_none()
            && !VALUE_OPTS.contains(&name.as_str())
        {
            for c in name.chars() {
                d.options.push(DockerOption {
                    name: c.to_string(),
                    value: None,
                    loc: args[i].loc.clone(),
                });
            }
            i += 1;
            continue;
        }
        if value.is_none() && VALUE_OPTS.contains(&name.as_str()) && i + 1 < args.len() {
            i += 1;
            value = Some(args[i].value.clone());
        }
        let v = value.clone().unwrap_or_default();
        match name.as_str() {
            "privileged" => d.privileged = value.as_deref() != Some("false"),
            "read-only" => d.read_only = value.as_deref() != Some("false"),
            "rm" => d.rm = true,
            "init" => d.init = true,
            "network" | "net" => d.network = Some(v.clone()),
            "u" | "user" => d.user = Some(v.clone()),
            "v" | "volume" | "mount" => d.volumes.push(v.clone()),
            "cap-add" => d.cap_add.push(v.clone()),
            "cap-drop" => d.cap_drop.push(v.clone()),
            "security-opt" => d.security_opt.push(v.clone()),
            "e" | "env" => d.env.push(v.clone()),
            "m" | "memory" => d.memory = Some(v.clone()),
            "cpus" => d.cpus = Some(v.clone()),
            "pid" => d.pid = Some(v.clone()),
            "ipc" => d.ipc = Some(v.clone()),
            "p" | "publish" => d.publish.push(v.clone()),
            _ => {}
        }
        d.options.push(DockerOption {
            name,
            value,
            loc: args[i].loc.clone(),
        });
        i += 1;
    }
    if i < args.len() {
        d.image = Some(args[i].clone());
        d.command = args[i + 1..].iter().map(|a| a.value.clone()).collect();
    }
    d
}

fn string_list(n: Option<&CNode>) -> (Vec<String>, bool) {
    match n {
        Some(n) => match &n.v {
            CVal::Seq(items) => (items.iter().filter_map(CNode::text).collect(), false),
            CVal::Bool(b) => (Vec::new(), *b),
            _ => (Vec::new(), false),
        },
        None => (Vec::new(), false),
    }
}

fn server(name: &str, key_loc: &Loc, n: &CNode, placeholders: &Placeholders) -> ClientServer {
    let args: Vec<Arg> = n
        .get("args")
        .map(|a| a.seq().iter().filter_map(arg_of).collect())
        .unwrap_or_default();
    let command = n.get("command").and_then(Val::of);
    let env: BTreeMap<String, Val> = n
        .get("env")
        .map(|e| {
            e.map()
                .iter()
                .filter_map(|(k, v)| {
                    Some((k.name.clone(), protect(&k.name, Val::of(v)?, placeholders)))
                })
                .collect()
        })
        .unwrap_or_default();
    let headers: BTreeMap<String, Val> = n
        .get("headers")
        .map(|e| {
            e.map()
                .iter()
                .filter_map(|(k, v)| {
                    Some((k.name.clone(), protect(&k.name, Val::of(v)?, placeholders)))
                })
                .collect()
        })
        .unwrap_or_default();
    let (mut auto_approve, mut all) = string_list(n.get("alwaysAllow"));
    let (more, all2) = string_list(n.get("autoApprove"));
    auto_approve.extend(more);
    all |= all2;
    let program = command.as_ref().map(|c| {
        let base = c.value.rsplit(['/', '\\']).next().unwrap_or(&c.value);
        let base = base.to_ascii_lowercase();
        base.strip_suffix(".exe").unwrap_or(&base).to_string()
    });
    let docker = match program.as_deref() {
        Some("docker") | Some("podman") | Some("nerdctl") => {
            run_args(&args).map(|i| docker_run(&args[i..]))
        }
        _ => None,
    };
    let mut raw = n.to_json();
    redact_raw(&mut raw);
    ClientServer {
        name: name.to_string(),
        loc: key_loc.clone(),
        command,
        args,
        env,
        url: n
            .get("url")
            .or_else(|| n.get("serverUrl"))
            .and_then(Val::of),
        kind: n
            .get("type")
            .or_else(|| n.get("transport"))
            .and_then(CNode::text),
        headers,
        disabled: n.get("disabled").and_then(CNode::truthy).unwrap_or(false),
        auto_approve,
        auto_approve_all: all,
        docker,
        raw,
    }
}

/// Redact secret values in the raw view of an entry (`env`, `headers`, `args`).
fn redact_raw(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "loc" || k == "key_locs" {
                    continue;
                }
                match x {
                    serde_json::Value::String(s) => {
                        if secrets::classify(k, s)
                            .is_some_and(|i| i.credential || i.kind != "reference")
                        {
                            *s = secrets::redact(s);
                        }
                    }
                    other => redact_raw(other),
                }
            }
        }
        serde_json::Value::Array(a) => {
            for x in a.iter_mut() {
                match x {
                    serde_json::Value::String(s) if !secrets::find_in_text(s).is_empty() => {
                        *s = secrets::redact(s)
                    }
                    other => redact_raw(other),
                }
            }
        }
        _ => {}
    }
}

/// The text with the comments of JSONC (`// …` and `/* … */` outside strings, which
/// VS Code and Claude Code accept in their MCP files) blanked out byte for byte, so
/// every other offset stays where it was; `None` when there is no comment.
fn blank_jsonc_comments(text: &str) -> Option<String> {
    if !text.contains("//") && !text.contains("/*") {
        return None;
    }
    let mut out = text.as_bytes().to_vec();
    let (mut i, mut in_string, mut found) = (0, false, false);
    while i < out.len() {
        let c = out[i];
        if in_string {
            match c {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        let end = match (c, out.get(i + 1)) {
            (b'"', _) => {
                in_string = true;
                i += 1;
                continue;
            }
            (b'/', Some(b'/')) => memchr::memchr(b'\n', &out[i..]).map_or(out.len(), |n| i + n),
            (b'/', Some(b'*')) => {
                memchr::memmem::find(&out[i + 2..], b"*/").map_or(out.len(), |n| i + 2 + n + 2)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        found = true;
        for b in &mut out[i..end] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
        i = end;
    }
    // Only ASCII bytes were written over whole comments, so the text is still UTF-8.
    found.then(|| String::from_utf8(out).unwrap_or_default())
}

/// Parse a client configuration. `Ok(None)` when the JSON is not one after all.
/// Secret-named `env` and `headers` values set to one of the team's `placeholders`
/// are stand-ins.
pub fn parse(
    src: &SourceFile,
    limits: &YamlLimits,
    placeholders: &Placeholders,
) -> Result<Option<ClientConfig>, (String, Option<Loc>)> {
    let uncommented = blank_jsonc_comments(&src.text)
        .map(|t| SourceFile::from_bytes(&src.path, src.display.to_string(), t.as_bytes()));
    let src = uncommented.as_ref().unwrap_or(src);
    let y = yaml::load(src, limits).map_err(|e| (e.message, e.span.map(|s| src.loc(s))))?;
    let root = convert_plain(src, &y);
    let (dialect, servers_node) = if let Some(s) = root.get("mcpServers") {
        ("mcpServers", s)
    } else if let Some(s) = root.get("servers") {
        ("vscode", s)
    } else if let Some(s) = root.get("mcp").and_then(|m| m.get("servers")) {
        // VS Code user settings.json: { "mcp": { "servers": … } }
        ("vscode", s)
    } else {
        return Ok(None);
    };
    let servers: Vec<ClientServer> = servers_node
        .map()
        .iter()
        .map(|(k, v)| server(&k.name, &k.loc, v, placeholders))
        .collect();
    if servers.is_empty() && !matches!(servers_node.v, CVal::Map(_)) {
        return Ok(None);
    }
    let inputs = root
        .get("inputs")
        .or_else(|| root.get("mcp").and_then(|m| m.get("inputs")))
        .map(|i| {
            i.seq()
                .iter()
                .filter_map(|x| Some((x.get("id")?.text()?, x.to_json())))
                .collect()
        })
        .unwrap_or_default();
    Ok(Some(ClientConfig {
        file: src.display.to_string(),
        dialect,
        servers,
        inputs,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(text: &str) -> ClientConfig {
        let src = SourceFile::from_str("claude_desktop_config.json", text);
        parse(&src, &YamlLimits::default(), &Placeholders::default())
            .unwrap()
            .unwrap()
    }

    #[test]
    fn docker_run_after_global_options_and_on_windows() {
        let image = |command: &str, args: &str| {
            let c = cfg(&format!(
                "{{\"mcpServers\": {{\"a\": {{\"command\": {command:?}, \"args\": [{args}]}}}}}}"
            ));
            c.servers[0]
                .docker
                .as_ref()
                .and_then(|d| d.image.as_ref())
                .map(|i| i.value.clone())
        };
        let img = Some("ghcr.io/acme/x:1".to_string());
        assert_eq!(image("docker", r#""run", "-i", "ghcr.io/acme/x:1""#), img);
        assert_eq!(
            image("docker", r#""container", "run", "ghcr.io/acme/x:1""#),
            img
        );
        assert_eq!(
            image(
                "docker",
                r#""--context", "prod", "run", "ghcr.io/acme/x:1""#
            ),
            img
        );
        assert_eq!(
            image(
                "docker",
                r#""-H", "tcp://h:2376", "--debug", "run", "ghcr.io/acme/x:1""#
            ),
            img
        );
        assert_eq!(
            image(
                r"C:\\Program Files\\Docker\\docker.exe",
                r#""run", "ghcr.io/acme/x:1""#
            ),
            img
        );
        assert_eq!(image("Docker.EXE", r#""run", "ghcr.io/acme/x:1""#), img);
        assert_eq!(image("docker", r#""exec", "-i", "c", "run""#), None);
        assert_eq!(image("docker", r#""container", "ls""#), None);
        assert_eq!(image("npx", r#""run", "x""#), None);
    }

    #[test]
    fn jsonc_comments_are_read_as_blanks() {
        let text = "{\n  // the team's hub\n  \"servers\": {\n    /* prod */ \"hub\": {\"url\": \"https://hub.internal/mcp\"},\n    \"gh\": {\"command\": \"npx\", \"args\": [\"-y\", \"a//b\", \"c/*d*/\"]} /* é */\n  }\n}\n";
        let c = cfg(text);
        let names: Vec<&str> = c.servers.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["hub", "gh"]);
        assert_eq!(c.dialect, "vscode");
        let gh = &c.servers[1];
        let args: Vec<&str> = gh.args.iter().map(|a| a.value.as_str()).collect();
        assert_eq!(
            args,
            ["-y", "a//b", "c/*d*/"],
            "text inside strings is kept"
        );
        assert_eq!((c.servers[0].loc.line, gh.loc.line), (4, 5));
        let blanked = blank_jsonc_comments(text).unwrap();
        assert_eq!(blanked.len(), text.len());
        assert_eq!(blanked.lines().count(), text.lines().count());
        assert!(
            blank_jsonc_comments("{\"a\": \"http://x\"}").is_none_or(|t| t.contains("http://x"))
        );
        // An unterminated block comment blanks the rest: the file is then broken JSON.
        let src = SourceFile::from_str(".mcp.json", "{\"mcpServers\": {} /* x\n");
        assert!(parse(&src, &YamlLimits::default(), &Placeholders::default()).is_err());
    }

    #[test]
    fn seed_001_bridge_config() {
        let c = cfg(
            r#"{"mcpServers": {"idp-central": {"command": "docker", "args": ["run", "--rm", "-i", "--network", "host", "-e", "MCP_HUB_URL=http://localhost:3012", "localhost:5000/idp/mcp-bridge:latest"], "env": {"LOG_LEVEL": "info"}}}}"#,
        );
        let s = &c.servers[0];
        assert_eq!(s.name, "idp-central");
        let d = s.docker.as_ref().unwrap();
        assert_eq!(d.network.as_deref(), Some("host"));
        assert!(d.rm);
        assert_eq!(d.env, vec!["MCP_HUB_URL=http://localhost:3012"]);
        assert_eq!(
            d.image.as_ref().unwrap().value,
            "localhost:5000/idp/mcp-bridge:latest"
        );
        assert_eq!(d.image.as_ref().unwrap().loc.line, 1);
        assert!(d.options.iter().any(|o| o.name == "i"));
    }

    #[test]
    fn secrets_are_redacted_and_vscode_dialect() {
        let c = cfg(
            r#"{"servers": {"gh": {"type": "stdio", "command": "npx", "args": ["-y", "@modelcontextprotocol/server-github", "--token", "ghp_0123456789abcdefghijABCDEFGHIJklmnop"], "env": {"GITHUB_TOKEN": "ghp_0123456789abcdefghijABCDEFGHIJklmnop"}}}, "inputs": [{"id": "tok", "type": "promptString", "password": true}]}"#,
        );
        assert_eq!(c.dialect, "vscode");
        let s = &c.servers[0];
        assert!(!serde_json::to_string(s)
            .unwrap()
            .contains("0123456789abcdef"));
        assert_eq!(s.args[3].secrets, vec!["github-token"]);
        assert_eq!(
            s.env["GITHUB_TOKEN"].secret.as_ref().unwrap().kind,
            "github-token"
        );
        assert!(c.inputs.contains_key("tok"));
    }

    #[test]
    fn auto_approve_and_combined_flags() {
        let c = cfg(
            r#"{"mcpServers": {"a": {"command": "docker", "args": ["run", "-it", "--privileged", "-v", "/var/run/docker.sock:/var/run/docker.sock", "img:1", "serve"], "alwaysAllow": ["read", "write"]}, "b": {"url": "http://mcp.example.com/sse", "autoApprove": true}}}"#,
        );
        let a = &c.servers[0];
        assert_eq!(a.auto_approve, vec!["read", "write"]);
        let d = a.docker.as_ref().unwrap();
        assert!(d.privileged);
        assert_eq!(d.volumes, vec!["/var/run/docker.sock:/var/run/docker.sock"]);
        assert_eq!(d.command, vec!["serve"]);
        assert!(c.servers[1].auto_approve_all);
        assert_eq!(
            c.servers[1].url.as_ref().unwrap().value,
            "http://mcp.example.com/sse"
        );
    }

    #[test]
    fn not_a_client_config() {
        let src = SourceFile::from_str("x.json", r#"{"name": "pkg", "scripts": {}}"#);
        assert!(
            parse(&src, &YamlLimits::default(), &Placeholders::default())
                .unwrap()
                .is_none()
        );
    }
}
