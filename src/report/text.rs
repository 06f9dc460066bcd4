//! `--format text`: miette diagnostics (file:line:col, the source line underlined,
//! rule ID, severity, help), then a summary.

use crate::catalog::Severity;
use crate::finding::Finding;
use crate::secrets::MaskedText;
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
    /// What to add to a column on the window's first line: an excerpt of a long line
    /// starts after the line's start (and with `…`).
    first_col_shift: isize,
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        // miette reads a column (bytes into the line) only without context lines.
        let column = if before == 0 && inner.line() == 0 {
            inner.column().saturating_add_signed(self.first_col_shift)
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
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
                .is_some_and(|l| !self.f.units[0].starts_with(&*l.file))
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

/// A file the findings point into: the offset of each line's start (after each `\n`),
/// indexed once so a window costs nothing per byte of the file, and its text masked on
/// the lines of the findings' windows (each line once).
struct Text {
    masked: MaskedText,
    starts: Vec<usize>,
    len: usize,
}

/// Windows longer than this, or with a line longer than [`LONG_LINE`], show an excerpt
/// of the span's lines instead: a minified file is one line, and a terminal cannot show
/// (nor miette underline, past 65,535 columns) a megabyte per finding.
const MAX_WINDOW: usize = 32 * 1024;
const LONG_LINE: usize = 4096;
/// An excerpt: this much before the span and after it, and at most this much of it.
const EXCERPT_CONTEXT: usize = 60;
const EXCERPT_SPAN: usize = 240;

impl Text {
    fn read(path: &std::path::Path, locs: &[&Loc]) -> Option<Text> {
        Some(Text::new(&crate::source::read_for_report(path)?, locs))
    }

    fn new(text: &str, locs: &[&Loc]) -> Text {
        let starts = crate::source::newline_starts(text);
        let len = text.len();
        let windows: Vec<(usize, usize)> = locs
            .iter()
            .filter_map(|l| window_range(&starts, len, l))
            .map(|(s, e, _)| (s, e))
            .collect();
        Text {
            masked: MaskedText::new(text, windows),
            starts,
            len,
        }
    }

    /// Whether the lines from `start` to `end` are all at most [`LONG_LINE`] long.
    fn short_lines(&self, start: usize, end: usize) -> bool {
        let first = self.starts.partition_point(|&s| s <= start) - 1;
        let mut line_start = self.starts[first];
        for &next in &self.starts[first + 1..] {
            if next - line_start > LONG_LINE {
                return false;
            }
            if next > end {
                return true;
            }
            line_start = next;
        }
        self.len - line_start <= LONG_LINE
    }
}

/// Lines [line-3, end_line+1] (1-based) around the span, as a byte range, and the
/// 1-based number of the first; `None` when `loc` is not a range of the file.
fn window_range(starts: &[usize], len: usize, loc: &Loc) -> Option<(usize, usize, usize)> {
    if loc.end > len || loc.start > loc.end || loc.line == 0 {
        return None;
    }
    let first = loc.line.saturating_sub(3).max(1);
    let w_start = *starts.get(first - 1)?;
    let w_end = starts
        .get(loc.end_line + 1)
        .copied()
        .unwrap_or(len)
        .max(loc.end);
    (w_start <= loc.start).then_some((w_start, w_end, first))
}

fn window_for(files: &HashMap<&str, Option<Text>>, loc: &Loc) -> Option<(Window, SourceSpan)> {
    let file = files.get(&*loc.file)?.as_ref()?;
    let (w_start, w_end, first) = window_range(&file.starts, file.len, loc)?;
    // The span itself must be readable (char boundaries) before a window is cut round it.
    file.masked.get(loc.start, loc.end)?;
    // Masked (secrets) and made printable: the same bytes as masking the whole file.
    let text = |s, e| {
        file.masked
            .get(s, e)
            .map(|t| same_length_printable(t.to_string()))
    };
    let (w_text, span_start, span_end, first_line, first_col_shift) =
        if w_end - w_start <= MAX_WINDOW && file.short_lines(w_start, w_end) {
            let w_text = text(w_start, w_end)?;
            (w_text, loc.start - w_start, loc.end - w_start, first - 1, 0)
        } else {
            // An excerpt: the span (its start, if long) with a little on either side,
            // `…` where a line goes on.
            let line_start = file.starts[file.starts.partition_point(|&s| s <= loc.start) - 1];
            let m = &file.masked;
            let shown_end = m.floor_char_boundary(loc.end.min(loc.start + EXCERPT_SPAN));
            let ex_start =
                m.floor_char_boundary(loc.start.saturating_sub(EXCERPT_CONTEXT).max(line_start));
            let line_end = file
                .starts
                .get(file.starts.partition_point(|&s| s <= shown_end))
                .map_or(file.len, |&n| n - 1);
            let ex_end = m
                .floor_char_boundary((shown_end + EXCERPT_CONTEXT).min(line_end))
                .max(shown_end);
            let before = if ex_start > line_start { "…" } else { "" };
            let after = if ex_end < line_end { "…" } else { "" };
            let w_text = format!("{before}{}{after}", text(ex_start, ex_end)?);
            let at = before.len() + loc.start - ex_start;
            (
                w_text,
                at,
                at + shown_end - loc.start,
                loc.line - 1,
                ex_start as isize - line_start as isize - before.len() as isize,
            )
        };
    // Underline at least one character, and not the newline at the end of a span.
    let (mut s, mut e) = (span_start, span_end);
    while e > s && matches!(w_text.as_bytes()[e - 1], b'\n' | b'\r') {
        e -= 1;
    }
    if e == s {
        e = (s + 1).min(w_text.len());
        while !w_text.is_char_boundary(e) {
            e += 1;
        }
        s = s.min(e);
    }
    Some((
        Window {
            name: loc.file.to_string(),
            text: w_text,
            first_line,
            first_col_shift,
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
    // Most texts have none: found so by a scan of their bytes (U+0080–U+009F start
    // with 0xC2 in UTF-8) and copied whole.
    let suspect = |b: u8| (b < b' ' && !matches!(b, b'\n' | b'\t')) || matches!(b, 0x7F | 0xC2);
    if !s.bytes().any(suspect) {
        return s.to_string();
    }
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

/// The diagnostics' renderer. Long messages and help wrap at spaces only: an image
/// name, a path, a flag or `no-new-privileges:true` stays whole on its line (miette's
/// default breaks at `/` and `-` too, and its Unicode line-break search was two thirds
/// of the report's time).
fn handler(color: bool) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_context_lines(1)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
}

/// Render findings (unsuppressed ones) and a summary.
pub fn render(r: &ScanResult, color: bool) -> String {
    super::to_string(|w| write(r, color, w))
}

/// Write the findings (unsuppressed ones) and a summary to `w` as they are rendered,
/// a chunk at a time (`super::write_chunked`): diagnostics are rendered in parallel
/// (thousands of them on a large file), and only a chunk's files are read at once.
pub fn write(r: &ScanResult, color: bool, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let handler = handler(color);
    let shown: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .collect();
    let render = |chunk: &[&Finding]| -> Vec<String> {
        // Each file the chunk's findings point into, read once (in parallel).
        let mut by_file: HashMap<&str, Vec<&Loc>> = HashMap::new();
        for l in chunk.iter().filter_map(|f| f.location.as_ref()) {
            by_file.entry(&*l.file).or_default().push(l);
        }
        let files: HashMap<&str, Option<Text>> = by_file
            .into_par_iter()
            .map(|(file, locs)| (file, Text::read(&r.root.join(file), &locs)))
            .collect();
        chunk
            .par_iter()
            .map(|f| diagnostic(&handler, &files, f))
            .collect()
    };
    super::write_chunked(&shown, render, |texts| {
        texts.iter().try_for_each(|t| w.write_all(t.as_bytes()))
    })?;
    let mut out = String::new();
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
    w.write_all(out.as_bytes())
}

#[cfg(test)]
mod printable_tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("a\x1b[2Jb\n\tc"), "a\\u{1b}[2Jb\n\tc");
        assert_eq!(printable("plain\n\ttext é"), "plain\n\ttext é");
        assert_eq!(
            printable("del\x7f c1\u{85} nbsp\u{a0}"),
            "del\\u{7f} c1\\u{85} nbsp\u{a0}"
        );
        assert_eq!(printable("cr\r"), "cr\\r");
        let s = same_length_printable("x\x1b]0;t\x07\u{9b}y\r\n".to_string());
        assert_eq!(s, "x?]0;t???y\r\n");
    }
}

#[cfg(test)]
mod window_tests {
    use super::*;

    /// `text[start..end]` located as the parsers locate it (1-based lines, byte columns).
    fn loc(text: &str, start: usize, end: usize) -> Loc {
        let line_col = |at: usize| {
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            (text[..at].matches('\n').count() + 1, at - line_start + 1)
        };
        let ((line, col), (end_line, end_col)) = (line_col(start), line_col(end));
        Loc {
            file: "f".into(),
            line,
            col,
            end_line,
            end_col,
            start,
            end,
        }
    }

    fn finding(location: Loc) -> Finding {
        Finding {
            rule: "MCP-CS-001".into(),
            severity: Severity::High,
            title: "t".into(),
            message: "m".into(),
            location: Some(location),
            related: Vec::new(),
            units: vec!["f#a".into()],
            help: "h".into(),
            evidence: None,
            suppressed: None,
            fingerprint: String::new(),
            snippet: None,
        }
    }

    #[test]
    fn any_span_of_any_text_renders_in_bounded_space() {
        let token = "ghp_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVb";
        let long = "x".repeat(70_000);
        let texts = [
            "services:\n  a:\n    image: x\n".to_string(),
            format!("{{\"d\":\"{long}\",\"é\":\"{token}\",\"e\":\"😀\"}}"),
            format!("a\r\nb: {long}\r\n\r\nc: é😀\x1b[2J {token}\n"),
            "line\n".repeat(10_000),
            String::new(),
        ];
        let handler = handler(false);
        for text in &texts {
            // Char boundaries at the ends and spread over the text, paired both ways.
            let bounds: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            let n = bounds.len();
            let mut picks: Vec<usize> = (0..8)
                .flat_map(|i| [i.min(n - 1), n - 1 - i.min(n - 1), i * n / 8])
                .chain((0..24).map(|i| i * (n - 1) / 23))
                .map(|i| bounds[i])
                .collect();
            picks.sort_unstable();
            picks.dedup();
            let mut locs: Vec<Loc> = Vec::new();
            for (i, &s) in picks.iter().enumerate() {
                for &e in &picks[i..] {
                    locs.push(loc(text, s, e));
                }
            }
            // And locations that do not agree with the text.
            let mut wrong = loc(text, 0, text.len());
            wrong.line = 1_000_000;
            let mut backwards = loc(text, text.len(), text.len());
            backwards.end_line = 0;
            let mut past = loc(text, 0, 0);
            past.end = text.len() + 10;
            let agreeing = locs.len();
            locs.extend([wrong, backwards, past]);
            let refs: Vec<&Loc> = locs.iter().collect();
            let files = HashMap::from([("f", Some(Text::new(text, &refs)))]);
            for (i, l) in locs.iter().enumerate() {
                let out = diagnostic(&handler, &files, &finding(l.clone()));
                let at = format!("f:{}:{}", l.line, l.col);
                assert!(out.starts_with(&at), "{at}: {out}");
                // The snippet's header names the same place (the excerpt of a long line
                // included), when the location agrees with the text and does not start
                // in a CRLF (miette starts the next line at its `\r`).
                let in_crlf = text
                    .get(l.start.saturating_sub(1)..=l.start)
                    .is_some_and(|t| t.contains('\r'));
                assert!(
                    i >= agreeing || in_crlf || out.contains(&format!("╭─[{at}]")),
                    "{at}: {out}"
                );
                assert!(!out.contains(token), "{at}: {out}");
                let bound = if text.len() > 60_000 { 4_000 } else { 200_000 };
                assert!(out.len() < bound, "{at}: {} bytes", out.len());
            }
        }
    }

    #[test]
    fn long_messages_wrap_between_words_only() {
        let text = "services:\n  a:\n    image: x\n";
        let l = loc(text, 12, 13);
        let files = HashMap::from([("f", Some(Text::new(text, &[&l])))]);
        let words = "the base image \"adoptopenjdk/openjdk8:alpine\" runs `/bin/sh -c` as PID 1; add \
                     `security_opt: [\"no-new-privileges:true\"]` and -XX:+HeapDumpOnOutOfMemoryError";
        let mut f = finding(l);
        f.message = [words; 4].join(" ");
        f.help = [words; 4].join(" ").into();
        let out = diagnostic(&handler(false), &files, &f);
        // Each text is longer than the width: it takes more than one line.
        assert!(out.lines().count() > 8, "{out}");
        let rendered: Vec<&str> = out.split_whitespace().collect();
        for word in words.split_whitespace() {
            let n = rendered.iter().filter(|w| **w == word).count();
            assert_eq!(n, 8, "{word} whole in both texts, four times each:\n{out}");
        }
    }
}
