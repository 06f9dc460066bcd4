//! `--format text`: miette diagnostics (file:line:col, the source line underlined,
//! rule ID, severity, help), then a summary.

use crate::catalog::Severity;
use crate::finding::Finding;
use crate::source::Loc;
use crate::ScanResult;
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use rayon::prelude::*;
use std::collections::HashMap;
use std::fmt;

/// A few lines of a file around a finding, so rendering cost does not grow with file size.
struct Window {
    name: String,
    text: String,
    /// 0-based line number of the window's first line.
    first_line: usize,
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

struct Diag<'a> {
    f: &'a Finding,
    window: Option<Window>,
    span: Option<SourceSpan>,
    related: Vec<String>,
}

impl fmt::Debug for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&printable(&self.f.message))
    }
}
impl fmt::Display for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&printable(&self.f.message))
    }
}
impl std::error::Error for Diag<'_> {}

impl Diagnostic for Diag<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.f.severity {
            Severity::Critical | Severity::High => miette::Severity::Error,
            Severity::Medium => miette::Severity::Warning,
            Severity::Low | Severity::Info => miette::Severity::Advice,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let mut h = printable(&self.f.help);
        for r in &self.related {
            h.push_str(&format!("\nprovenance: {r}"));
        }
        if self.f.units.len() > 1
            || self
                .f
                .location
                .as_ref()
                .is_some_and(|l| !self.f.units[0].starts_with(&l.file))
        {
            h.push_str(&format!("\nunit: {}", self.f.units.join(", ")));
        }
        Some(Box::new(h))
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.window.as_ref().map(|w| w as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(printable(&self.f.title)),
            span,
        ))))
    }
}

/// A file the findings point into: its text and the offset of each line's start
/// (after each `\n`), indexed once so a window costs nothing per byte of the file.
struct Text {
    text: String,
    starts: Vec<usize>,
}

impl Text {
    fn read(path: &std::path::Path) -> Option<Text> {
        let text = crate::source::read_for_report(path)?;
        let starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        Some(Text { text, starts })
    }
}

fn window_for(files: &HashMap<&str, Option<Text>>, loc: &Loc) -> Option<(Window, SourceSpan)> {
    let file = files.get(loc.file.as_str())?.as_ref()?;
    let (text, starts) = (&file.text, &file.starts);
    if loc.end > text.len()
        || loc.start > loc.end
        || !text.is_char_boundary(loc.start)
        || !text.is_char_boundary(loc.end)
    {
        return None;
    }
    // Lines [line-3, end_line+1] (1-based) around the span.
    let first = loc.line.saturating_sub(3).max(1);
    let last = loc.end_line + 1;
    let w_start = *starts.get(first - 1)?;
    let w_end = starts.get(last).copied().unwrap_or(text.len()).max(loc.end);
    // Masked (secrets) and made printable here, on the window only: the same bytes as
    // masking the whole file, since both work line by line and keep lengths.
    let (ls, le) = crate::secrets::line_bounds(text, w_start, w_end)?;
    let masked = same_length_printable(crate::secrets::mask_source(&text[ls..le]));
    let w_text = masked.get(w_start - ls..w_end - ls)?.to_string();
    // Underline at least one character, and not the newline at the end of a span.
    let mut s = loc.start - w_start;
    let mut e = loc.end - w_start;
    while e > s && matches!(w_text.as_bytes()[e - 1], b'\n' | b'\r') {
        e -= 1;
    }
    if e == s {
        e = (s + 1).min(w_text.len());
        if !w_text.is_char_boundary(e) {
            e = w_text.len();
        }
        s = s.min(e);
    }
    Some((
        Window {
            name: loc.file.clone(),
            text: w_text,
            first_line: first - 1,
        },
        SourceSpan::new(s.into(), e - s),
    ))
}

/// The per-unit score table that ends the text output.
fn score_table(r: &ScanResult) -> String {
    let rows: Vec<_> = r
        .units
        .iter()
        .filter_map(|u| u.score.as_ref().map(|s| (u, s)))
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    let name_w = rows
        .iter()
        .map(|(u, _)| u.id.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 60);
    let mut out = format!(
        "{:<name_w$}  {:<18}  {:>6}  {:<5}  {:>8}  {:<9}  top fixes\n",
        "unit", "role", "score", "band", "coverage", "compliant"
    );
    for (u, s) in rows {
        let id: String = if u.id.chars().count() > name_w {
            let skip = u.id.chars().count() - name_w + 1;
            format!("…{}", u.id.chars().skip(skip).collect::<String>())
        } else {
            u.id.clone()
        };
        let fixes: Vec<String> = s
            .failed
            .iter()
            .take(3)
            .map(|l| format!("{} (+{})", l.rule, l.points))
            .collect();
        out.push_str(&format!(
            "{:<name_w$}  {:<18}  {:>6.1}  {:<5}  {:>7.1}%  {:<9}  {}\n",
            id,
            u.role.as_str(),
            s.score,
            s.band,
            s.coverage,
            if s.compliant { "yes" } else { "no" },
            fixes.join(", ")
        ));
    }
    out.push_str(&format!(
        "compliance rate {:.1}% ({} of {} units compliant), project score {:.1} ({})\n",
        r.project.compliance_rate,
        r.project.compliant_units,
        r.project.units,
        r.project.project_score,
        r.project.band
    ));
    out
}

/// Text from scanned files (and messages quoting it) as shown on a terminal: control
/// characters, which could move the cursor, retitle the window or hide lines, are
/// shown escaped (`\u{1b}`). Line breaks and tabs are kept.
pub fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// [`printable`] for source text that byte offsets point into: each control character
/// (other than line breaks and tabs) becomes as many `?` as it has bytes.
fn same_length_printable(s: String) -> String {
    if !s
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return s;
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

fn fmt_loc(l: &Loc) -> String {
    format!("{}:{}:{}", printable(&l.file), l.line, l.col)
}

/// One finding: its location line, then the miette diagnostic.
fn diagnostic(
    handler: &GraphicalReportHandler,
    files: &HashMap<&str, Option<Text>>,
    f: &Finding,
) -> String {
    let mut out = String::new();
    let (window, span) = match f.location.as_ref().and_then(|l| window_for(files, l)) {
        Some((w, s)) => (Some(w), Some(s)),
        None => (None, None),
    };
    if let Some(l) = &f.location {
        out.push_str(&format!(
            "{}: {} [{}] {}\n",
            fmt_loc(l),
            f.severity,
            f.rule,
            printable(&f.title)
        ));
    }
    let d = Diag {
        f,
        window,
        span,
        related: f.related.iter().map(fmt_loc).collect(),
    };
    if handler.render_report(&mut out, &d).is_err() {
        out.push_str(&format!("{} {}\n", f.rule, f.message));
    }
    out.push('\n');
    out
}

/// Render findings (unsuppressed ones) and a summary.
pub fn render(r: &ScanResult, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_context_lines(1);
    let shown: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .collect();
    // Each file findings point into, read once.
    let mut files: HashMap<&str, Option<Text>> = HashMap::new();
    for l in shown.iter().filter_map(|f| f.location.as_ref()) {
        files
            .entry(l.file.as_str())
            .or_insert_with(|| Text::read(&r.root.join(&l.file)));
    }
    // Diagnostics are rendered in parallel (thousands of them on a large file) and
    // written in order.
    let diagnostics: Vec<String> = crate::pool().install(|| {
        shown
            .par_iter()
            .map(|f| diagnostic(&handler, &files, f))
            .collect()
    });
    let mut out = diagnostics.concat();
    for e in &r.eval_errors {
        out.push_str(&format!(
            "error: rule {} failed on {}: {}\n",
            e.rule,
            printable(&e.unit),
            printable(&e.message)
        ));
    }
    for (p, e) in &r.discovery_errors {
        out.push_str(&format!("error: {}: {}\n", printable(p), printable(e)));
    }
    out.push_str(&score_table(r));
    let active = shown;
    let count = |s: Severity| active.iter().filter(|f| f.severity == s).count();
    out.push_str(&format!(
        "{} findings ({} critical, {} high, {} medium, {} low, {} info), {} superseded, in {} units from {} files\n",
        active.len(),
        count(Severity::Critical),
        count(Severity::High),
        count(Severity::Medium),
        count(Severity::Low),
        count(Severity::Info),
        r.findings.len() - active.len(),
        r.units.len(),
        r.files_scanned,
    ));
    out
}

#[cfg(test)]
mod printable_tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("a\x1b[2Jb\n\tc"), "a\\u{1b}[2Jb\n\tc");
        let s = same_length_printable("x\x1b]0;t\x07\u{9b}y\r\n".to_string());
        assert_eq!(s, "x?]0;t???y\r\n");
    }
}
