//! The embedded rules' VM programs and METADATA, compiled ahead of time: a blob in the
//! binary (`policies/vm-programs.bin`), used only when it was written under the key of
//! the policies and the regorus source this binary was built from.
//!
//! Compiling the embedded policies takes most of a small scan (parse ~65 M
//! instructions, compile ~73 M, reading the METADATA ~12 M, of ~190 M for a one-file
//! scan); reading the rules and the programs of a scan's rules from the blob takes a
//! fraction of a millisecond. The blob is written by the
//! `prebuilt_vm_programs_are_up_to_date` test (`MCP_AUDIT_UPDATE_PROGRAMS=1 cargo test
//! --test policies prebuilt`), which fails while the blob is stale; a stale blob is
//! never used: the policies are compiled at start-up instead, as they are for user
//! policies.
//!
//! Layout: `MAGIC`, the key (u64), the rules (`RuleMeta` as JSON), the number of
//! programs (u32), then per rule its ID and its program (`Program::serialize_binary`,
//! sources left out: the VM does not read them); the rules, each ID and each program
//! as a u32 length and the bytes; integers little-endian.

use crate::catalog::RuleMeta;
use regorus::rvm::program::{DeserializationResult, Program};
use std::collections::HashMap;
use std::sync::Arc;

const MAGIC: &[u8; 8] = b"MCPAVM\x00\x02";

/// The rules of a blob and their programs, by rule ID (deserialized on request).
pub struct Programs<'a> {
    /// The rules' METADATA, sorted by ID.
    pub rules: Vec<RuleMeta>,
    by_rule: HashMap<&'a str, &'a [u8]>,
}

/// The embedded blob, if there is one and it was written under this build's key.
pub fn embedded() -> Option<Programs<'static>> {
    read(crate::engine::embedded::PROGRAMS, key())
}

/// This build's key (what the embedded programs must be compiled from).
pub fn key() -> u64 {
    crate::engine::embedded::PROGRAMS_KEY
}

/// A blob's rules and programs; `None` when it is empty, malformed or written under
/// another key.
pub fn read(blob: &[u8], key: u64) -> Option<Programs<'_>> {
    let mut r = Reader(blob);
    if r.take(MAGIC.len())? != MAGIC || r.u64()? != key {
        return None;
    }
    let rules = serde_json::from_slice(r.chunk()?).ok()?;
    let count = r.u32()?;
    let mut by_rule = HashMap::new();
    for _ in 0..count {
        let id = std::str::from_utf8(r.chunk()?).ok()?;
        by_rule.insert(id, r.chunk()?);
    }
    r.0.is_empty().then_some(Programs { rules, by_rule })
}

/// The blob of the embedded rules and their programs under this build's key, compiled
/// now: what `policies/vm-programs.bin` must hold.
pub fn build() -> anyhow::Result<Vec<u8>> {
    let embedded = crate::engine::embedded_policies();
    let set = crate::engine::PolicySet::from_files(
        embedded.into_iter().filter(|f| !f.is_test()).collect(),
    )?;
    write(set.rules(), &set.vm_programs(), key()).map_err(anyhow::Error::msg)
}

/// The blob of `rules` and their `programs` (rule ID, program) under `key`.
pub fn write(
    rules: &[RuleMeta],
    programs: &[(String, Arc<Program>)],
    key: u64,
) -> Result<Vec<u8>, String> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&key.to_le_bytes());
    let json = serde_json::to_vec(rules).map_err(|e| e.to_string())?;
    push_len(&mut out, json.len())?;
    out.extend_from_slice(&json);
    push_len(&mut out, programs.len())?;
    for (id, p) in programs {
        let mut p = Program::clone(p);
        p.sources.clear();
        let bytes = p.serialize_binary()?;
        push_len(&mut out, id.len())?;
        out.extend_from_slice(id.as_bytes());
        push_len(&mut out, bytes.len())?;
        out.extend_from_slice(&bytes);
    }
    Ok(out)
}

impl Programs<'_> {
    /// Rule `id`'s program; `None` when the blob has none for it, or it does not read.
    pub fn program(&self, id: &str) -> Option<Program> {
        match Program::deserialize_binary(self.by_rule.get(id)?) {
            Ok(DeserializationResult::Complete(p)) => Some(p),
            _ => None,
        }
    }

    /// The number of programs.
    pub fn len(&self) -> usize {
        self.by_rule.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_rule.is_empty()
    }
}

fn push_len(out: &mut Vec<u8>, n: usize) -> Result<(), String> {
    let n = u32::try_from(n).map_err(|_| "program blob entry too large".to_string())?;
    out.extend_from_slice(&n.to_le_bytes());
    Ok(())
}

/// A cursor over a blob; every read is bounds-checked.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    /// A u32 length and that many bytes.
    fn chunk(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.u32()?).ok()?;
        self.take(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob() -> (Vec<u8>, Vec<(String, Arc<Program>)>) {
        let set = crate::engine::PolicySet::from_files(
            crate::engine::embedded_policies()
                .into_iter()
                .filter(|f| !f.is_test())
                .collect(),
        )
        .unwrap();
        let programs = set.vm_programs();
        (write(set.rules(), &programs, 42).unwrap(), programs)
    }

    #[test]
    fn a_blob_reads_back_under_its_key_only() {
        let (bytes, programs) = blob();
        assert!(read(&bytes, 43).is_none(), "another key");
        let read_back = read(&bytes, 42).expect("its key");
        assert_eq!(read_back.len(), programs.len());
        let rules = crate::engine::PolicySet::load(&[])
            .unwrap()
            .rules()
            .to_vec();
        assert!(rules.len() > 50);
        assert_eq!(read_back.rules, rules, "the METADATA reads back");
        for (id, p) in &programs {
            let q = read_back
                .program(id)
                .expect("every rule's program reads back");
            assert_eq!(q.instructions.len(), p.instructions.len(), "{id}");
            assert_eq!(q.entry_points, p.entry_points, "{id}");
            assert!(q.sources.is_empty(), "{id}: sources are left out");
        }
        assert!(read_back.program("MCP-NOPE-001").is_none());
    }

    #[test]
    fn a_truncated_or_padded_blob_is_refused() {
        let (bytes, _) = blob();
        for cut in [0, 7, 8, 16, 19, 20, 100, bytes.len() / 2, bytes.len() - 1] {
            assert!(read(&bytes[..cut], 42).is_none(), "cut at {cut}");
        }
        let mut padded = bytes.clone();
        padded.push(0);
        assert!(read(&padded, 42).is_none());
    }
}
