//! `--format github`: GitHub Actions workflow commands (`::error file=…::msg`), which
//! show as annotations on the pull request.

use super::paths::Paths;
use crate::catalog::Severity;
use crate::ScanResult;

/// Escape a workflow-command message (`%`, CR, LF).
fn esc_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a workflow-command property (`,` and `:` too).
fn esc_prop(s: &str) -> String {
    esc_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(r: &ScanResult, paths: &Paths) -> String {
    super::to_string(|w| write(r, paths, w))
}

/// One workflow command per unsuppressed finding, written to `w` as it is made.
pub fn write(r: &ScanResult, paths: &Paths, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    for f in r.findings.iter().filter(|f| f.suppressed.is_none()) {
        let cmd = match f.severity {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low | Severity::Info => "notice",
        };
        let title = esc_prop(&format!("{} {}", f.rule, f.title));
        let msg = esc_data(&format!("{} ({}). Fix: {}", f.message, f.severity, f.help));
        match &f.location {
            Some(l) => writeln!(
                w,
                "::{cmd} file={},line={},col={},endLine={},endColumn={},title={title}::{msg}",
                esc_prop(&paths.rel(&l.file)),
                l.line,
                l.col,
                l.end_line,
                l.end_col,
            )?,
            None => writeln!(w, "::{cmd} title={title}::{msg}")?,
        }
    }
    Ok(())
}
