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
/// `MCP_AUDIT_PROFILE`: how many Rego rules and functions the VM profile lists.
const REGO_PROFILE_ROWS: usize = 30;

#[derive(Parser, Debug)]
#[command(
    name = "mcp-audit",
    version,
    about = "Audit containerized MCP server deployments as policy-as-code",
    after_help = "Examples:\n  mcp-audit scan .\n  mcp-audit scan . --format sarif=mcp-audit.sarif --format text\n  mcp-audit scan . --format json | jq .compliance_rate\n  mcp-audit scan Dockerfile compose.yaml     # changed files: context from the repo\n  mcp-audit inspect compose.yaml\n  mcp-audit explain MCP-EC-001\n\nExit codes: 0 clean, 1 findings at or above --fail-on (or score below --min-score), 2 error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan Dockerfiles, Compose files and MCP metadata and report findings.
    #[command(
        after_help = "Examples:\n  mcp-audit scan .\n  mcp-audit scan deploy/ --format sarif=mcp-audit.sarif --format text\n  mcp-audit scan . --format json | jq .compliance_rate\n  mcp-audit scan . --fail-on medium --min-score 80\n  mcp-audit scan . --format spdx=sbom.spdx.json --format cyclonedx=sbom.cdx.json\n  mcp-audit scan . --baseline old.sarif          # only new findings\n  mcp-audit scan . --vulns trivy.json --now 2026-01-31\n  mcp-audit scan Dockerfile compose.yaml         # changed files, context from the repo\n\nExit codes: 0 clean, 1 findings at or above --fail-on (or score below --min-score), 2 error."
    )]
    Scan(ScanArgs),
    /// Print the Rego input document of every unit (what policies match against).
    #[command(
        after_help = "Examples:\n  mcp-audit inspect compose.yaml\n  mcp-audit inspect . | jq '.[] | select(.unit.role == \"hub\") | .effective.user'"
    )]
    Inspect(InspectArgs),
    /// Policy tools.
    #[command(
        after_help = "Examples:\n  mcp-audit policy test\n  mcp-audit policy test my-policies/ --no-embedded"
    )]
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// List the rules (from each policy's METADATA).
    #[command(
        after_help = "Examples:\n  mcp-audit rules\n  mcp-audit rules --format json | jq -r '.[] | select(.severity == \"critical\") | .id'\n  mcp-audit rules --policy my-policies/\n  mcp-audit rules --write-docs docs/rules"
    )]
    Rules {
        /// `text` or `json`.
        #[arg(long, default_value = "text")]
        format: String,
        /// Also load the policies of this directory (repeatable).
        #[arg(long = "policy")]
        policies: Vec<PathBuf>,
        /// Write the rule documentation pages into DIR (e.g. `docs/rules`).
        #[arg(long, value_name = "DIR")]
        write_docs: Option<PathBuf>,
    },
    /// Explain a rule: what it checks, why, how to fix it, and examples.
    #[command(
        after_help = "Examples:\n  mcp-audit explain MCP-EC-001\n  mcp-audit explain MCP-XX-001 --policy my-policies/"
    )]
    Explain {
        /// Rule ID, e.g. MCP-EC-001.
        id: String,
        #[arg(long = "policy")]
        policies: Vec<PathBuf>,
    },
    /// Print a JSON Schema: `mcp-audit schema manifest` (for `mcp-manifest.json`).
    #[command(after_help = "Examples:\n  mcp-audit schema manifest > mcp-manifest.schema.json")]
    Schema {
        /// Which schema: `manifest`.
        name: String,
    },
    /// Print shell completions: `mcp-audit completions bash > /etc/bash_completion.d/mcp-audit`.
    #[command(
        after_help = "Examples:\n  mcp-audit completions bash > /etc/bash_completion.d/mcp-audit\n  mcp-audit completions zsh > \"${fpath[1]}/_mcp-audit\"\n  mcp-audit completions fish > ~/.config/fish/completions/mcp-audit.fish"
    )]
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff) to standard output: `mcp-audit man | man -l -`.
    #[command(
        after_help = "Examples:\n  mcp-audit man | man -l -\n  mcp-audit man > /usr/local/share/man/man1/mcp-audit.1"
    )]
    Man,
    /// Write a commented starter `.mcp-audit.yaml` in the current directory.
    #[command(after_help = "Examples:\n  mcp-audit init\n  mcp-audit init --force")]
    Init {
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
}

#[derive(clap::Args, Debug)]
pub struct ScanArgs {
    /// Files or directories to scan (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Output format, repeatable: text, json, sarif, github, markdown, junit, spdx,
    /// cyclonedx; optionally
    /// `=FILE` (e.g. `sarif=out.sarif`).
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
    /// Fail (exit 1) when the project score is below N (0–100).
    #[arg(long, value_name = "N")]
    pub min_score: Option<f64>,
    /// Count indeterminate controls (unresolved variables, opaque images) as failures.
    #[arg(long)]
    pub strict: bool,
    /// Also score supporting services (databases, monitoring…).
    #[arg(long)]
    pub include_supporting: bool,
    /// Report only findings that are not in this earlier SARIF or JSON output.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the fingerprints of this run's findings (JSON) for a later `--baseline`.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// A vulnerability report (Trivy or Grype JSON) for the patch-SLA rule.
    #[arg(long, value_name = "FILE")]
    pub vulns: Option<PathBuf>,
    /// Worker threads for parsing and evaluation (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Scan date for waiver expiry and lifecycle rules (default: today), `YYYY-MM-DD`.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub now: Option<String>,
}

fn parse_date(s: &str) -> Result<String, String> {
    if crate::suppress::is_date(s) {
        Ok(s.to_string())
    } else {
        Err(format!("`{s}` is not a YYYY-MM-DD date"))
    }
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
    write_with(target, |w| w.write_all(text.as_bytes()))
}

/// Write a report to a file or stdout as `write` produces it. Whatever path a
/// credential took into the output, it is masked on the way (`secrets::ScrubWriter`).
fn write_with(
    target: Option<&str>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    fn through(
        out: impl Write,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let mut w =
            crate::secrets::ScrubWriter::new(std::io::BufWriter::with_capacity(1 << 16, out));
        write(&mut w)?;
        w.flush()
    }
    match target {
        Some(path) => std::fs::File::create(path)
            .and_then(|f| through(f, write))
            .with_context(|| format!("cannot write {path}")),
        None => match through(std::io::stdout().lock(), write) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other.map_err(Into::into),
        },
    }
}

/// Output formats of `scan`.
pub const FORMATS: &[&str] = &[
    "text",
    "json",
    "sarif",
    "github",
    "markdown",
    "junit",
    "spdx",
    "cyclonedx",
];

fn run_scan(a: ScanArgs) -> Result<i32> {
    let mut outputs = Vec::new();
    for f in &a.formats {
        let (name, path) = match f.split_once('=') {
            Some((n, p)) => (n.to_string(), Some(p.to_string())),
            None => (f.clone(), None),
        };
        if !FORMATS.contains(&name.as_str()) {
            bail!(
                "unknown format `{name}` (expected one of {})",
                FORMATS.join(", ")
            );
        }
        outputs.push((name, path));
    }
    let given = a.paths.clone();
    let files_mode = !given.is_empty() && given.iter().all(|p| p.is_file());
    let mut s = settings(a.paths, a.config, a.policies)?;
    if files_mode {
        // Changed files (pre-commit): resolve their context from the repository, report on them.
        let root = s.root.clone();
        s.only_files = Some(
            given
                .iter()
                .map(|p| crate::display_path(p, &root))
                .collect(),
        );
        s.paths = vec![root];
    }
    s.strict = a.strict;
    s.include_supporting = a.include_supporting;
    if let Some(now) = a.now {
        s.created = format!("{now}T00:00:00Z");
        s.today = now;
    } else if let Some(epoch) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.parse::<i64>().ok())
    {
        s.today = crate::suppress::civil_date(epoch.div_euclid(86_400));
        s.created = crate::suppress::timestamp(epoch);
    }
    if let Some(v) = &a.vulns {
        let text =
            std::fs::read_to_string(v).with_context(|| format!("cannot read {}", v.display()))?;
        s.vulns =
            Some(crate::vulns::read(&text).with_context(|| format!("--vulns {}", v.display()))?);
    }
    if let Some(b) = &a.baseline {
        let text = std::fs::read_to_string(b)
            .with_context(|| format!("cannot read baseline {}", b.display()))?;
        s.baseline = Some(
            crate::suppress::read_baseline(&text)
                .map_err(|e| anyhow::anyhow!("baseline {}: {e}", b.display()))?,
        );
    }
    let fail_on = a.fail_on.or(s.config.fail_on).unwrap_or(Severity::High);
    let min_score = a.min_score.or(s.config.min_score);
    if let Some(n) = a.threads {
        crate::set_threads(n);
    }
    s.inventory = outputs.iter().any(|(n, _)| n == "spdx" || n == "cyclonedx");
    let result = crate::scan(&s)?;
    let paths = report::paths::Paths::with_root(s.root.clone());
    let sbom_name = s
        .root
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "deployment".into());
    if let Some(path) = &a.write_baseline {
        write_with(Some(&path.to_string_lossy()), |w| {
            report::json::write(&result, w)
        })?;
    }
    let color = !a.no_color
        && std::env::var_os("NO_COLOR").is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stdout());
    for (name, path) in &outputs {
        // The reports that grow with the findings are written to their target as they
        // are rendered; the others (one entry per rule or per package) are small.
        if matches!(
            name.as_str(),
            "json" | "sarif" | "github" | "junit" | "text"
        ) {
            crate::phase(&format!("report {name}"), || {
                write_with(path.as_deref(), |w| match name.as_str() {
                    "json" => report::json::write(&result, w),
                    "sarif" => report::sarif::write(&result, &paths, w),
                    "github" => report::github::write(&result, &paths, w),
                    "junit" => report::junit::write(&result, w),
                    _ => report::text::write(&result, color && path.is_none(), w),
                })
            })?;
            continue;
        }
        let text = crate::phase(&format!("report {name}"), || match name.as_str() {
            "markdown" => report::markdown::render(&result, &paths),
            "spdx" => report::spdx::render(&result, &sbom_name, &s.created),
            _ => report::cyclonedx::render(&result, &sbom_name, &s.created),
        });
        write_out(path.as_deref(), &text)?;
    }
    if !result.eval_errors.is_empty() {
        return Ok(EXIT_ERROR);
    }
    if engine::profiling() {
        let (d, unit) = engine::slowest_unit();
        eprintln!("slowest unit {:>10.1} ms {unit}", d.as_secs_f64() * 1e3);
        let (d, file) = engine::slowest_file();
        eprintln!("slowest file {:>10.1} ms {file}", d.as_secs_f64() * 1e3);
        for (rule, us, n) in engine::profile_report() {
            eprintln!(
                "{rule:12} {:>10.1} ms {n:>7} evals {:>8.1} µs/eval",
                us as f64 / 1000.0,
                us as f64 / n.max(1) as f64
            );
        }
        let rego = engine::rego_profile_report();
        if !rego.is_empty() {
            eprintln!("Rego rules and functions by VM instructions (their calls included):");
        }
        for (rule, n, instructions) in rego.iter().take(REGO_PROFILE_ROWS) {
            eprintln!(
                "{instructions:>12} instr {n:>8} evals {:>8.0} instr/eval  {rule}",
                *instructions as f64 / (*n).max(1) as f64
            );
        }
    }
    let below = min_score.is_some_and(|m| result.project.project_score < m);
    if below {
        eprintln!(
            "project score {:.1} is below --min-score {:.1}",
            result.project.project_score,
            min_score.unwrap_or_default()
        );
    }
    Ok(if result.failing(fail_on) > 0 || below {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

fn run_inspect(a: InspectArgs) -> Result<i32> {
    let s = settings(a.paths, a.config, vec![])?;
    let resolved = crate::resolve_units(&s);
    let units = resolved.units;
    for (p, e) in &resolved.discovery_errors {
        eprintln!("error: {p}: {e}");
    }
    let docs: Vec<serde_json::Value> = units.iter().map(|u| u.document().into_owned()).collect();
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

/// Where the rule fixtures are, for examples: `./fixtures` or the source tree's.
fn fixtures_dir() -> PathBuf {
    let local = PathBuf::from("fixtures");
    if local.join("stacks").is_dir() {
        return local;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn run_rules(format: &str, policies: Vec<PathBuf>, write_docs: Option<PathBuf>) -> Result<i32> {
    let set = engine::PolicySet::load(&policies)?;
    if let Some(dir) = write_docs {
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        for (name, text) in crate::docs::generate(set.rules(), &fixtures_dir()) {
            std::fs::write(dir.join(&name), text)
                .with_context(|| format!("cannot write {name}"))?;
        }
        // The README's rules table, when run from the source tree.
        if let Ok(readme) = std::fs::read_to_string("README.md") {
            if let Some(new) = crate::docs::update_readme(&readme, set.rules()) {
                std::fs::write("README.md", new).context("cannot write README.md")?;
            }
        }
        return Ok(EXIT_OK);
    }
    let text = match format {
        "json" => format!("{}\n", serde_json::to_string_pretty(set.rules())?),
        "text" => crate::docs::rules_table(set.rules()),
        other => bail!("unknown format `{other}` (expected text or json)"),
    };
    write_out(None, &text)?;
    Ok(EXIT_OK)
}

fn run_explain(id: &str, policies: Vec<PathBuf>) -> Result<i32> {
    let set = engine::PolicySet::load(&policies)?;
    let Some(rule) = set.rules().iter().find(|r| r.id.eq_ignore_ascii_case(id)) else {
        bail!("unknown rule `{id}` (see `mcp-audit rules`)");
    };
    write_out(None, &crate::docs::rule_page(rule, Some(&fixtures_dir())))?;
    Ok(EXIT_OK)
}

/// The starter configuration written by `mcp-audit init`.
pub const STARTER_CONFIG: &str = include_str!("starter-config.yaml");

fn run_init(force: bool) -> Result<i32> {
    let p = PathBuf::from(crate::config::CONFIG_NAMES[0]);
    if p.exists() && !force {
        bail!("{} already exists (use --force to overwrite)", p.display());
    }
    std::fs::write(&p, STARTER_CONFIG).with_context(|| format!("cannot write {}", p.display()))?;
    eprintln!("wrote {}", p.display());
    Ok(EXIT_OK)
}

/// Run a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Rules {
            format,
            policies,
            write_docs,
        } => run_rules(&format, policies, write_docs),
        Command::Explain { id, policies } => run_explain(&id, policies),
        Command::Init { force } => run_init(force),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "mcp-audit", &mut out);
            write_out(None, &String::from_utf8_lossy(&out))?;
            Ok(EXIT_OK)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut out)?;
            write_out(None, &String::from_utf8_lossy(&out))?;
            Ok(EXIT_OK)
        }
        Command::Schema { name } => match name.as_str() {
            "manifest" => {
                write_out(None, crate::schema::MANIFEST_SCHEMA)?;
                Ok(EXIT_OK)
            }
            other => bail!("unknown schema `{other}` (expected `manifest`)"),
        },
        Command::Scan(a) => run_scan(a),
        Command::Inspect(a) => run_inspect(a),
        Command::Policy {
            command: PolicyCommand::Test { dirs, no_embedded },
        } => run_policy_test(dirs, no_embedded),
    }
}
