//! Stable fingerprints for findings: independent of line numbers, so inserting
//! unrelated lines above a finding keeps it; changing the offending text changes it.

use crate::finding::Finding;

/// FNV-1a, 64 bit: small, stable across versions and platforms.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0u8)) {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    h
}

/// The service or unit name, without the file part of its id.
fn unit_names(f: &Finding) -> String {
    let mut names: Vec<&str> = f
        .units
        .iter()
        .map(|u| u.rsplit('#').next().unwrap_or(u))
        .collect();
    names.sort();
    names.dedup();
    names.join(",")
}

/// `mcpAudit/v1` fingerprint of a finding: rule, file (root-relative), unit, and the
/// flagged text with whitespace collapsed.
pub fn of(f: &Finding, snippet: &str, rel_file: &str) -> String {
    let text: String = snippet.split_whitespace().collect::<Vec<_>>().join(" ");
    let units = unit_names(f);
    format!("{:016x}", fnv1a(&[&f.rule, rel_file, &units, &text]))
}
