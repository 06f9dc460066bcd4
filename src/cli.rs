//! Command-line interface: clap arguments → settings → a command run → exit code.

use crate::catalog::Severity;
use crate::config::Config;
use crate::engine;
use crate::{report, Settings};
use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;

/// Exit codes.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "mcp-audit",
    version,
    about = "Audit containerized MCP server deployments as policy-as-code"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan Dockerfiles, Compose files and MCP metadata and report findings.
    Scan(ScanArgs),
    /// Print the Rego input document of every unit (what policies match against).
    Inspect(InspectArgs),
    /// Policy tools.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
}

#[derive(clap::Args, Debug)]
pub struct ScanArgs {
    /// Files or directories to scan (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Output format, repeatable: `text`, `json`, optionally `=FILE` (e.g. `json=out.json`).
    #[arg(long = "format", short = 'f', default_value = "text")]
    pub formats: Vec<String>,
    /// Fail (exit 1) on unsuppressed findings at or above this severity.
    #[arg(long, value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
    /// Config file (default: `.mcp-audit.yaml` found upward from the first path).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Extra policy directory (repeatable).
    #[arg(long = "policy")]
    pub policies: Vec<PathBuf>,
    /// Never colour the text output.
    #[arg(long)]
    pub no_color: bool,
}

#[derive(clap::Args, Debug)]
pub struct InspectArgs {
    pub paths: Vec<PathBuf>,
    #[arg(long)]
    pub config: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum PolicyCommand {
    /// Run the `test_*` rules of the embedded policies and of the given directories.
    Test {
        /// Directories (or files) with extra policies and their `_test.rego` files.
        dirs: Vec<PathBuf>,
        /// Skip the embedded policies' own tests.
        #[arg(long)]
        no_embedded: bool,
    },
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

fn settings(paths: Vec<PathBuf>, config: Option<PathBuf>, extra: Vec<PathBuf>) -> Result<Settings> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    };
    for p in &paths {
        if !p.exists() {
            bail!("{}: no such file or directory", p.display());
        }
    }
    let cfg = match config {
        Some(p) => Config::load(&p)?,
        None => Config::discover(&paths[0])?,
    };
    let mut s = Settings::new(paths, cfg);
    s.extra_policies.extend(extra);
    Ok(s)
}

fn write_out(target: Option<&str>, text: &str) -> Result<()> {
    match target {
        Some(path) => std::fs::write(path, text).with_context(|| format!("cannot write {path}")),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(Into::into),
            }
        }
    }
}

fn run_scan(a: ScanArgs) -> Result<i32> {
    let mut outputs = Vec::new();
    for f in &a.formats {
        let (name, path) = match f.split_once('=') {
            Some((n, p)) => (n.to_string(), Some(p.to_string())),
            None => (f.clone(), None),
        };
        if !matches!(name.as_str(), "text" | "json") {
            bail!("unknown format `{name}` (expected text or json)");
        }
        outputs.push((name, path));
    }
    let s = settings(a.paths, a.config, a.policies)?;
    let fail_on = a.fail_on.or(s.config.fail_on).unwrap_or(Severity::High);
    let result = crate::scan(&s)?;
    let color = !a.no_color
        && std::env::var_os("NO_COLOR").is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stdout());
    for (name, path) in &outputs {
        let text = match name.as_str() {
            "json" => report::json::render(&result),
            _ => report::text::render(&result, color && path.is_none()),
        };
        write_out(path.as_deref(), &text)?;
    }
    if !result.eval_errors.is_empty() {
        return Ok(EXIT_ERROR);
    }
    Ok(if result.failing(fail_on) > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

fn run_inspect(a: InspectArgs) -> Result<i32> {
    let s = settings(a.paths, a.config, vec![])?;
    let (units, _, errors) = crate::resolve_units(&s);
    for (p, e) in &errors {
        eprintln!("error: {p}: {e}");
    }
    let docs: Vec<&serde_json::Value> = units.iter().map(|u| &u.input).collect();
    let mut text = serde_json::to_string_pretty(&docs)?;
    text.push('\n');
    write_out(None, &text)?;
    Ok(EXIT_OK)
}

fn run_policy_test(dirs: Vec<PathBuf>, no_embedded: bool) -> Result<i32> {
    let mut files = if no_embedded {
        Vec::new()
    } else {
        engine::embedded_policies()
    };
    for d in &dirs {
        files.extend(engine::policies_in(d)?);
    }
    let outcomes = engine::run_tests(&files)?;
    let mut text = String::new();
    let failed = outcomes.iter().filter(|o| !o.passed).count();
    for o in &outcomes {
        if !o.passed {
            text.push_str(&format!(
                "FAIL {} {}{}\n",
                o.file,
                o.name,
                o.error
                    .as_ref()
                    .map(|e| format!(": {e}"))
                    .unwrap_or_default()
            ));
        }
    }
    text.push_str(&format!(
        "{} passed, {} failed\n",
        outcomes.len() - failed,
        failed
    ));
    write_out(None, &text)?;
    if outcomes.is_empty() {
        eprintln!("error: no test_* rules found");
        return Ok(EXIT_ERROR);
    }
    Ok(if failed > 0 { EXIT_FINDINGS } else { EXIT_OK })
}

/// Run a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Scan(a) => run_scan(a),
        Command::Inspect(a) => run_inspect(a),
        Command::Policy {
            command: PolicyCommand::Test { dirs, no_embedded },
        } => run_policy_test(dirs, no_embedded),
    }
}
