//! Paths in outputs: relative to the repository root (or the scan root), with `/`.

use std::path::{Path, PathBuf};

/// The root that output paths are relative to.
#[derive(Clone, Debug)]
pub struct Paths {
    root: PathBuf,
}

impl Paths {
    /// The git repository root that contains the first scanned path, or else that path
    /// (its directory when it is a file).
    pub fn for_scan(paths: &[PathBuf]) -> Paths {
        let first = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
        let abs = std::fs::canonicalize(&first).unwrap_or(first);
        // A file, or anything else that is not a directory (a FIFO named on the
        // command line): its directory.
        let start = if !abs.is_dir() {
            abs.parent().map(Path::to_path_buf).unwrap_or_default()
        } else {
            abs
        };
        let root = start
            .ancestors()
            .find(|d| d.join(".git").exists())
            .map(Path::to_path_buf)
            .unwrap_or(start);
        Paths { root }
    }

    pub fn with_root(root: PathBuf) -> Paths {
        Paths { root }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `file` relative to the root, with `/` separators (unchanged when outside the root).
    pub fn rel(&self, file: &str) -> String {
        let p = Path::new(file);
        if p.is_relative() {
            // Already relative to the root (see `display_path`).
            return file.replace('\\', "/");
        }
        let abs = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        let rel = abs
            .strip_prefix(&self.root)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| p.to_path_buf());
        let s = rel.to_string_lossy().replace('\\', "/");
        s.strip_prefix("./").map(str::to_string).unwrap_or(s)
    }

    /// A relative URI reference for `file` (percent-encoding what URIs cannot hold).
    pub fn uri(&self, file: &str) -> String {
        encode(&self.rel(file))
    }

    /// `file:///…/` URI of the root.
    pub fn root_uri(&self) -> String {
        let mut s = self.root.to_string_lossy().replace('\\', "/");
        if !s.starts_with('/') {
            s.insert(0, '/');
        }
        if !s.ends_with('/') {
            s.push('/');
        }
        format!("file://{}", encode(&s))
    }
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b'/'
            | b':'
            | b'@'
            | b'+'
            | b'='
            | b',' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_and_uris() {
        let d = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(d.path()).unwrap();
        std::fs::create_dir_all(root.join("a b")).unwrap();
        std::fs::write(root.join("a b/Dockerfile"), "FROM x\n").unwrap();
        let p = Paths::with_root(root.clone());
        let f = root.join("a b/Dockerfile").to_string_lossy().to_string();
        assert_eq!(p.rel(&f), "a b/Dockerfile");
        assert_eq!(p.uri(&f), "a%20b/Dockerfile");
        assert!(p.root_uri().starts_with("file:///") && p.root_uri().ends_with('/'));
    }
}
