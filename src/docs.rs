//! Rule documentation, single-sourced from METADATA: the `rules` table, `explain`,
//! and the generated `docs/rules/<ID>.md` pages.

use crate::catalog::RuleMeta;
use std::path::Path;

/// `mcp-audit rules` as a text table.
pub fn rules_table(rules: &[RuleMeta]) -> String {
    let title_w = rules
        .iter()
        .map(|r| r.title.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut out = format!(
        "{:<12} {:<8} {:<title_w$} kinds\n",
        "id", "severity", "title"
    );
    for r in rules {
        out.push_str(&format!(
            "{:<12} {:<8} {:<title_w$} {}\n",
            r.id,
            r.severity.as_str(),
            r.title,
            r.kinds.join(", ")
        ));
    }
    out
}

/// One fixture case of a rule.
pub struct Example {
    /// `fail` or `pass`.
    pub kind: String,
    pub name: String,
    /// (file name, text) of the scannable files of the case.
    pub files: Vec<(String, String)>,
}

/// The fixture cases of a rule.
pub fn examples(fixtures: &Path, id: &str) -> Vec<Example> {
    let mut out = Vec::new();
    for kind in ["fail", "pass"] {
        let Ok(rd) = std::fs::read_dir(fixtures.join(id).join(kind)) else {
            continue;
        };
        let mut cases: Vec<_> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        cases.sort();
        for c in cases {
            let mut files: Vec<_> = std::fs::read_dir(&c)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect();
            files.sort();
            let files = files
                .into_iter()
                .filter(|p| {
                    let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                    crate::discover::classify_name(n).is_some()
                        || n.starts_with(".env")
                        || n.ends_with(".yaml")
                        || n.ends_with(".yml")
                })
                .filter_map(|p| {
                    let text = std::fs::read_to_string(&p).ok()?;
                    Some((p.file_name()?.to_string_lossy().to_string(), text))
                })
                .collect();
            let name = c
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            out.push(Example {
                kind: kind.to_string(),
                name,
                files,
            });
        }
    }
    out
}

fn fence_lang(file: &str) -> &'static str {
    if file.ends_with(".yml") || file.ends_with(".yaml") {
        "yaml"
    } else if file.ends_with(".json") {
        "json"
    } else if file.starts_with(".env") {
        "sh"
    } else {
        "dockerfile"
    }
}

/// The markdown page of a rule (also what `explain` prints, with examples inlined).
pub fn rule_page(r: &RuleMeta, fixtures: Option<&Path>) -> String {
    let mut out = format!("# {} · {}\n\n", r.id, r.title);
    out.push_str(&format!(
        "- **Severity**: {}\n- **Evaluated for**: {}\n",
        r.severity.as_str(),
        r.kinds.join(", ")
    ));
    if let Some(by) = &r.superseded_by {
        out.push_str(&format!(
            "- **Superseded by** {by} on a Compose service that runs the image\n"
        ));
    }
    out.push_str(&format!(
        "- **Policy**: `{}` (package `{}`)\n\n",
        r.source, r.package
    ));
    out.push_str(&format!(
        "## What it checks\n\n{}\n\n## How to fix\n\n{}\n",
        r.description, r.remediation
    ));
    if !r.references.is_empty() {
        out.push_str("\n## References\n\n");
        for x in &r.references {
            out.push_str(&format!("- {x}\n"));
        }
    }
    if let Some(fx) = fixtures {
        let ex = examples(fx, &r.id);
        if !ex.is_empty() {
            out.push_str("\n## Examples\n\nFrom the rule's fixtures (`fixtures/");
            out.push_str(&r.id);
            out.push_str("/`): every `fail` case reports the rule, no `pass` case does.\n");
            for kind in ["fail", "pass"] {
                // One example of each kind in full; the other cases by name.
                let cases: Vec<&Example> = ex.iter().filter(|e| e.kind == kind).collect();
                let Some(Example { name, files, .. }) = cases.first() else {
                    continue;
                };
                out.push_str(&format!(
                    "\n### {} — `{}`\n",
                    if kind == "fail" {
                        "Reported"
                    } else {
                        "Not reported"
                    },
                    name
                ));
                for (f, text) in files {
                    out.push_str(&format!(
                        "\n`{f}`:\n\n```{}\n{}\n```\n",
                        fence_lang(f),
                        text.trim_end()
                    ));
                }
                if cases.len() > 1 {
                    let others: Vec<String> =
                        cases[1..].iter().map(|e| format!("`{}`", e.name)).collect();
                    out.push_str(&format!("\nOther {kind} cases: {}.\n", others.join(", ")));
                }
            }
        }
    }
    out
}

/// The generated `docs/rules/` files: (file name, content), including an index.
pub fn generate(rules: &[RuleMeta], fixtures: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = rules
        .iter()
        .map(|r| (format!("{}.md", r.id), rule_page(r, Some(fixtures))))
        .collect();
    let mut index = String::from("# Rules\n\nGenerated from each policy's METADATA by `mcp-audit rules --write-docs docs/rules`; do not edit by hand.\n\n| ID | Severity | Title |\n|---|---|---|\n");
    for r in rules {
        index.push_str(&format!(
            "| [{}]({}.md) | {} | {} |\n",
            r.id,
            r.id,
            r.severity.as_str(),
            r.title.replace('|', "\\|")
        ));
    }
    files.push(("README.md".to_string(), index));
    files
}

/// The README rules table (between `<!-- rules:start -->` and `<!-- rules:end -->`).
pub fn readme_table(rules: &[RuleMeta]) -> String {
    let mut t = String::from("| ID | Severity | Title |\n|---|---|---|\n");
    for r in rules {
        let title = match &r.superseded_by {
            Some(by) => format!("{} (superseded by {by} on a bound service)", r.title),
            None => r.title.to_string(),
        };
        t.push_str(&format!(
            "| [{}](docs/rules/{}.md) | {} | {} |\n",
            r.id,
            r.id,
            r.severity.as_str(),
            title.replace('|', "\\|")
        ));
    }
    t
}

/// Replace the README's generated rules table; `None` when the markers are missing.
pub fn update_readme(readme: &str, rules: &[RuleMeta]) -> Option<String> {
    const START: &str = "<!-- rules:start -->\n";
    const END: &str = "<!-- rules:end -->";
    let a = readme.find(START)? + START.len();
    let b = readme[a..].find(END)? + a;
    Some(format!(
        "{}{}{}",
        &readme[..a],
        readme_table(rules),
        &readme[b..]
    ))
}
