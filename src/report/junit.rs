//! `--format junit`: one test case per unit × rule evaluated; failures carry the findings.

use crate::finding::Finding;
use crate::score::Verdict;
use crate::{ScanResult, UnitSummary};
use rayon::prelude::*;
use std::collections::HashMap;

/// `s` as XML attribute or element text: markup characters escaped, and the characters
/// XML 1.0 does not allow (controls other than tab and line breaks, U+FFFE, U+FFFF)
/// left out. Most texts need no change: they are found so by a scan of their bytes
/// and copied whole.
fn xml(s: &str) -> String {
    let plain = |c: char| {
        !matches!(c, '&' | '<' | '>' | '"' | '\u{fffe}' | '\u{ffff}')
            && (c >= ' ' || matches!(c, '\t' | '\n' | '\r'))
    };
    // (0xEF leads U+FFFE and U+FFFF in UTF-8.)
    let special = |b: u8| {
        matches!(b, b'&' | b'<' | b'>' | b'"' | 0xEF)
            || (b < b' ' && !matches!(b, b'\t' | b'\n' | b'\r'))
    };
    if !s.bytes().any(special) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if plain(c) => out.push(c),
            _ => {}
        }
    }
    out
}

pub fn render(r: &ScanResult) -> String {
    super::to_string(|w| write(r, w))
}

/// Whether a verdict's test case is skipped (not a pass, not a failure).
fn skipped(v: Verdict) -> bool {
    !matches!(v, Verdict::Fail | Verdict::Pass)
}

/// Write the report to `w` as it is rendered: a unit's test suite at a time, a chunk
/// of units rendered in parallel (`super::write_chunked`).
pub fn write(r: &ScanResult, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    // The unsuppressed findings of each (unit, rule), in report order: looked up per
    // failing test case rather than searched for among all findings.
    let mut by_case: HashMap<(&str, &str), Vec<&Finding>> = HashMap::new();
    for x in r.findings.iter().filter(|x| x.suppressed.is_none()) {
        for (i, unit) in x.units.iter().enumerate() {
            if !x.units[..i].contains(unit) {
                by_case.entry((unit, &x.rule)).or_default().push(x);
            }
        }
    }
    let verdicts = || r.units.iter().flat_map(|u| &u.verdicts);
    let total = verdicts().count();
    let failures = verdicts().filter(|v| v.verdict == Verdict::Fail).count();
    let skipped_cases = verdicts().filter(|v| skipped(v.verdict)).count();
    write!(
        w,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mcp-audit\" tests=\"{total}\" failures=\"{failures}\" skipped=\"{skipped_cases}\" errors=\"0\">\n"
    )?;
    let suite = |u: &UnitSummary| -> String {
        let mut cases = String::new();
        let (mut t, mut f, mut s) = (0, 0, 0);
        for v in &u.verdicts {
            t += 1;
            let name = xml(&v.rule);
            match v.verdict {
                Verdict::Fail => {
                    f += 1;
                    let body: Vec<String> = by_case
                        .get(&(u.id.as_str(), v.rule.as_str()))
                        .map(Vec::as_slice)
                        .unwrap_or_default()
                        .iter()
                        .map(|x| {
                            let loc = x
                                .location
                                .as_ref()
                                .map(|l| format!("{}:{}:{}", l.file, l.line, l.col))
                                .unwrap_or_default();
                            format!("{loc}: {}", x.message)
                        })
                        .collect();
                    cases.push_str(&format!(
                        "    <testcase classname=\"{}\" name=\"{name}\"><failure type=\"{}\" message=\"{}\">{}</failure></testcase>\n",
                        xml(&u.id),
                        v.severity,
                        xml(body.first().map(String::as_str).unwrap_or("")),
                        xml(&body.join("\n"))
                    ));
                }
                Verdict::Pass => cases.push_str(&format!(
                    "    <testcase classname=\"{}\" name=\"{name}\"/>\n",
                    xml(&u.id)
                )),
                other => {
                    s += 1;
                    let why = match other {
                        Verdict::Indeterminate => "indeterminate",
                        Verdict::Superseded => "superseded",
                        _ => "not applicable",
                    };
                    cases.push_str(&format!("    <testcase classname=\"{}\" name=\"{name}\"><skipped message=\"{why}\"/></testcase>\n", xml(&u.id)));
                }
            }
        }
        format!("  <testsuite name=\"{}\" tests=\"{t}\" failures=\"{f}\" skipped=\"{s}\" errors=\"0\">\n{cases}  </testsuite>\n", xml(&u.id))
    };
    super::write_chunked(
        &r.units,
        |chunk| chunk.par_iter().map(suite).collect::<Vec<String>>(),
        |suites| suites.iter().try_for_each(|s| w.write_all(s.as_bytes())),
    )?;
    w.write_all(b"</testsuites>\n")
}

#[cfg(test)]
mod tests {
    use super::xml;

    #[test]
    fn text_is_escaped_and_what_xml_forbids_is_left_out() {
        assert_eq!(xml("plain text, é 😀"), "plain text, é 😀");
        assert_eq!(
            xml("a & b <c> \"d\" 'e'"),
            "a &amp; b &lt;c&gt; &quot;d&quot; 'e'"
        );
        assert_eq!(
            xml("x\u{1b}[2J\u{0}\ty\r\nz\u{fffe}\u{ffff}\u{fffd}"),
            "x[2J\ty\r\nz\u{fffd}"
        );
        assert_eq!(xml("&amp;"), "&amp;amp;");
        assert_eq!(xml(""), "");
    }
}
