//! `--format markdown`: a summary for `$GITHUB_STEP_SUMMARY` — score, per-unit table,
//! top findings.

use super::paths::Paths;
use crate::ScanResult;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn render(r: &ScanResult, paths: &Paths) -> String {
    let p = &r.project;
    let active: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .collect();
    let mut out = format!(
        "## mcp-audit\n\n**Compliance rate {:.1}%** ({} of {} units compliant) · **project score {:.1}** ({}) · {} findings in {} files\n\n",
        p.compliance_rate, p.compliant_units, p.units, p.project_score, p.band, active.len(), r.files_scanned
    );
    let scored: Vec<_> = r
        .units
        .iter()
        .filter_map(|u| u.score.as_ref().map(|s| (u, s)))
        .collect();
    if !scored.is_empty() {
        out.push_str("| Unit | Role | Score | Band | Coverage | Compliant | Top fixes |\n|---|---|---:|---|---:|---|---|\n");
        for (u, s) in scored {
            let fixes: Vec<String> = s
                .failed
                .iter()
                .take(3)
                .map(|l| format!("{} (+{})", l.rule, l.points))
                .collect();
            out.push_str(&format!(
                "| `{}` | {} | {:.1} | {} | {:.1}% | {} | {} |\n",
                cell(&paths.rel(u.id.split('#').next().unwrap_or(&u.id)))
                    + u.id.find('#').map(|i| &u.id[i..]).unwrap_or(""),
                u.role.as_str(),
                s.score,
                s.band,
                s.coverage,
                if s.compliant { "✅" } else { "❌" },
                cell(&fixes.join(", "))
            ));
        }
        out.push('\n');
    }
    if !active.is_empty() {
        let mut top = active.clone();
        top.sort_by_key(|f| std::cmp::Reverse(f.severity));
        out.push_str(
            "### Top findings\n\n| Severity | Rule | Location | Message |\n|---|---|---|---|\n",
        );
        for f in top.iter().take(20) {
            let loc = f
                .location
                .as_ref()
                .map(|l| format!("`{}:{}`", paths.rel(&l.file), l.line))
                .unwrap_or_default();
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                f.severity,
                f.rule,
                loc,
                cell(&f.message)
            ));
        }
        if top.len() > 20 {
            out.push_str(&format!(
                "\n…and {} more (see the SARIF or JSON output).\n",
                top.len() - 20
            ));
        }
    }
    out
}
