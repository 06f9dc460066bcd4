//! Source files, byte spans and the line index that turns a span into line/column.

use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A half-open byte range `[start, end)` into a source file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Loc {
    /// The start of `file` (line 1, column 1, empty): where a whole-file message points.
    pub fn file_start(file: impl Into<Arc<str>>) -> Loc {
        Loc {
            file: file.into(),
            line: 1,
            col: 1,
            end_line: 1,
            end_col: 1,
            start: 0,
            end: 0,
        }
    }
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The smallest span that covers both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A location as shown to users and policies: 1-based lines and columns (columns count
/// Unicode scalar values), end inclusive of the last character's column + 1 (exclusive end).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    /// The file's display path, shared by the locations in one file.
    pub file: Arc<str>,
    pub line: usize,
    pub col: usize,
    pub end_line: usize,
    pub end_col: usize,
    /// Byte offsets, for renderers (not part of the Rego contract, but harmless there).
    pub start: usize,
    pub end: usize,
}

impl Serialize for Loc {
    /// The object `{file, line, col, end_line, end_col, start, end}`; into a Rego input
    /// it goes ready-built (`rego_value::loc_value`).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::rego_value::ready_built(s, || crate::rego_value::loc_value(self), &LocFields(self))
    }
}

/// A location's fields, in their order.
struct LocFields<'a>(&'a Loc);

impl Serialize for LocFields<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let l = self.0;
        let mut st = s.serialize_struct("Loc", 7)?;
        st.serialize_field("file", &l.file)?;
        st.serialize_field("line", &l.line)?;
        st.serialize_field("col", &l.col)?;
        st.serialize_field("end_line", &l.end_line)?;
        st.serialize_field("end_col", &l.end_col)?;
        st.serialize_field("start", &l.start)?;
        st.serialize_field("end", &l.end)?;
        st.end()
    }
}

/// One file read from disk: its display path (relative to the scan root where possible),
/// its text (BOM removed, invalid UTF-8 replaced), and a line index.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Shared with the file's locations.
    pub display: Arc<str>,
    pub text: Arc<str>,
    line_starts: Vec<usize>,
    /// For a file with a line over [`LONG_LINE`] bytes: the characters before each block
    /// of [`CHAR_BLOCK`] bytes, so that a column on a long line (minified JSON) is counted
    /// over at most one block, not from the line's start.
    block_chars: Vec<usize>,
}

/// Size of the blocks of [`SourceFile::block_chars`].
const CHAR_BLOCK: usize = 64;

/// A column on a line up to this long is counted from the line's start; a file with a
/// longer line gets the block table.
const LONG_LINE: usize = 512;

/// Characters in `b`, a run of UTF-8 that may start or end inside a character: its
/// leading bytes (all but continuation bytes `0b10xx_xxxx`).
/// Counted eight bytes at a time: a continuation byte has its top bit set and the
/// next one clear, which `x & !(x << 1)` shows in each byte's top bit; those bits,
/// moved to each byte's lowest, are summed per byte lane and then across the lanes
/// (by one multiplication, which adds them up in the top byte: at most 255 there).
fn leading_bytes(b: &[u8]) -> usize {
    const TOP: u64 = 0x8080_8080_8080_8080;
    const LANES: u64 = 0x0101_0101_0101_0101;
    let (words, rest) = b.as_chunks::<8>();
    let mut continuation = 0;
    // Eight lanes of at most 31 each add up to at most 248.
    for group in words.chunks(31) {
        let mut lanes = 0u64;
        for w in group {
            let x = u64::from_ne_bytes(*w);
            lanes += (x & !(x << 1) & TOP) >> 7;
        }
        continuation += (lanes.wrapping_mul(LANES) >> 56) as usize;
    }
    words.len() * 8 - continuation + rest.iter().filter(|&&c| (c as i8) >= -0x40).count()
}

impl SourceFile {
    /// Build from raw bytes. A UTF-8 BOM is dropped; invalid UTF-8 is replaced by U+FFFD
    /// so that spans stay on character boundaries of `text`.
    pub fn from_bytes(path: &Path, display: String, bytes: &[u8]) -> SourceFile {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text: Arc<str> = match std::str::from_utf8(bytes) {
            Ok(s) => Arc::from(s),
            Err(_) => Arc::from(String::from_utf8_lossy(bytes).as_ref()),
        };
        Self::new(path.to_path_buf(), display, text)
    }

    pub fn new(path: PathBuf, display: String, text: Arc<str>) -> SourceFile {
        let display: Arc<str> = display.into();
        let b = text.as_bytes();
        let line_starts = line_starts(b);
        // Only a line longer than `LONG_LINE` is ever counted through the blocks.
        let long_line = line_starts
            .iter()
            .zip(line_starts.iter().skip(1).chain([&b.len()]))
            .any(|(start, end)| end - start > LONG_LINE);
        let mut block_chars = Vec::new();
        if long_line {
            let mut before = 0;
            for block in b.chunks(CHAR_BLOCK) {
                block_chars.push(before);
                before += leading_bytes(block);
            }
            // For the end of a text whose length is a whole number of blocks.
            block_chars.push(before);
        }
        SourceFile {
            path,
            display,
            text,
            line_starts,
            block_chars,
        }
    }

    /// Characters before `offset` (a character boundary), counted from the nearest
    /// block start.
    fn chars_before(&self, offset: usize) -> usize {
        let i = offset / CHAR_BLOCK;
        let from = i * CHAR_BLOCK;
        self.block_chars.get(i).copied().unwrap_or(0)
            + leading_bytes(&self.text.as_bytes()[from..offset])
    }

    /// A file made from a string, for tests.
    pub fn from_str(display: &str, text: &str) -> SourceFile {
        Self::new(PathBuf::from(display), display.to_string(), Arc::from(text))
    }

    /// 1-based (line, column) of a byte offset; the column counts characters.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.floor_char(offset.min(self.text.len()));
        let line_idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line_idx];
        let col = if offset - start <= LONG_LINE || self.block_chars.is_empty() {
            self.text[start..offset].chars().count()
        } else {
            self.chars_before(offset) - self.chars_before(start)
        };
        (line_idx + 1, col + 1)
    }

    /// Byte offset of the start of a 1-based line (clamped).
    pub fn line_start(&self, line: usize) -> usize {
        let idx = line.saturating_sub(1).min(self.line_starts.len() - 1);
        self.line_starts[idx]
    }

    /// Byte range of a 1-based line without its line terminator.
    pub fn line_span(&self, line: usize) -> Span {
        let start = self.line_start(line);
        let mut end = if line < self.line_starts.len() {
            self.line_starts[line]
        } else {
            self.text.len()
        };
        let b = self.text.as_bytes();
        while end > start && (b[end - 1] == b'\n' || b[end - 1] == b'\r') {
            end -= 1;
        }
        Span::new(start, end)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset of a 1-based (line, column-in-chars) pair, clamped to the line.
    pub fn offset_of(&self, line: usize, col: usize) -> usize {
        let ls = self.line_span(line.max(1));
        let text = &self.text[ls.start..ls.end];
        match text.char_indices().nth(col.saturating_sub(1)) {
            Some((i, _)) => ls.start + i,
            None => ls.end,
        }
    }

    fn floor_char(&self, mut i: usize) -> usize {
        while i > 0 && !self.text.is_char_boundary(i) {
            i -= 1;
        }
        i
    }

    /// Clamp a span to the text and to character boundaries.
    pub fn clamp(&self, span: Span) -> Span {
        let s = self.floor_char(span.start.min(self.text.len()));
        let e = self.floor_char(span.end.min(self.text.len())).max(s);
        Span::new(s, e)
    }

    pub fn loc(&self, span: Span) -> Loc {
        let span = self.clamp(span);
        let (line, col) = self.line_col(span.start);
        let (end_line, end_col) = self.line_col(span.end);
        Loc {
            file: self.display.clone(),
            line,
            col,
            end_line,
            end_col,
            start: span.start,
            end: span.end,
        }
    }

    pub fn slice(&self, span: Span) -> &str {
        let s = self.clamp(span);
        &self.text[s.start..s.end]
    }
}

/// Open a file for reading only if it is a regular file, without blocking on a FIFO
/// (non-blocking open, then the type checked on the open descriptor, so a file swapped
/// for a FIFO after the directory walk is refused too).
pub fn open_regular(path: &Path) -> Result<(std::fs::File, std::fs::Metadata), String> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: opening a FIFO for reading must not wait for a writer.
        #[cfg(any(target_os = "linux", target_os = "android"))]
        const O_NONBLOCK: i32 = 0o4000;
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        const O_NONBLOCK: i32 = 0x0004;
        opts.custom_flags(O_NONBLOCK);
    }
    #[cfg(not(unix))]
    {
        // Without non-blocking open, check the type before opening.
        let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
        if !meta.is_file() {
            return Err("not a regular file".into());
        }
    }
    let f = opts.open(path).map_err(|e| e.to_string())?;
    let meta = f.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    Ok((f, meta))
}

/// Read a file from the scanned tree, safely for hostile trees: only a regular file
/// (a FIFO, socket or device named `Dockerfile` is refused without blocking: the file is
/// opened non-blocking and checked on the open descriptor), at most `max` bytes (the
/// read itself is bounded, so a file that grows while it is read cannot exhaust memory).
pub fn read_bounded(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let (f, meta) = open_regular(path)?;
    if meta.len() > max {
        return Err(too_large(meta.len(), max));
    }
    let mut buf = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    f.take(max.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| e.to_string())?;
    if buf.len() as u64 > max {
        return Err(too_large(buf.len() as u64, max));
    }
    Ok(buf)
}

fn too_large(len: u64, max: u64) -> String {
    format!(
        "file is {len} bytes, over the limit of {max} bytes (`limits.max_file_size` in \
         .mcp-audit.yaml)"
    )
}

/// Read a scanned file again for a report (snippets, fingerprints): bounded and
/// non-blocking like every read, BOM removed, invalid UTF-8 replaced (as
/// [`SourceFile::from_bytes`] reads it, so that byte offsets agree).
pub fn read_for_report(path: &Path) -> Option<String> {
    let b = read_bounded(path, 1 << 30).ok()?;
    let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&b);
    Some(String::from_utf8_lossy(b).into_owned())
}

/// The offset of each line's start: 0, and after each `\n`, `\r\n` or lone `\r`.
/// Line breaks are found with `memchr` (a word at a time), not byte by byte: this
/// indexes every file the scan reads.
fn line_starts(b: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(
        memchr::memchr2_iter(b'\n', b'\r', b)
            .filter(|&i| b[i] == b'\n' || b.get(i + 1) != Some(&b'\n'))
            .map(|i| i + 1),
    );
    starts
}

/// The offset of each line's start in `text`: 0 and after each `\n` (the lines of
/// masking and of the text report's windows).
pub fn newline_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect()
}

/// The files `locs` point into (paths relative to `root`), read for a report and masked
/// on the lines the locations touch, each file once and in parallel; `None` for a file
/// that cannot be read.
pub fn read_masked<'a>(
    root: &Path,
    locs: impl Iterator<Item = &'a Loc>,
) -> std::collections::HashMap<String, Option<crate::secrets::MaskedText>> {
    use rayon::prelude::*;
    let mut by_file: std::collections::HashMap<&str, Vec<(usize, usize)>> =
        std::collections::HashMap::new();
    for l in locs {
        by_file.entry(&*l.file).or_default().push((l.start, l.end));
    }
    crate::pool().install(|| {
        by_file
            .into_par_iter()
            .map(|(file, ranges)| {
                let text = read_for_report(&root.join(file))
                    .map(|t| crate::secrets::MaskedText::new(&t, ranges));
                (file.to_string(), text)
            })
            .collect()
    })
}

/// Lexically normalise `a/./b/../c` → `a/c` (no file-system access); a relative path
/// keeps its leading `..`s.
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                // `..` over `..` (or over nothing) stays: `../../x` is not `x`.
                let up = matches!(
                    out.components().next_back(),
                    None | Some(std::path::Component::ParentDir)
                );
                if up || !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Whether `path`, with every symbolic link resolved, lies inside one of `roots`
/// (canonical directories). Files referenced *from* scanned files (`.env`, `env_file:`,
/// `build.dockerfile`) are read only when this holds, so that a link or a `../..` path
/// cannot make the scanner read (and report on) files outside the tree it was asked to
/// scan.
pub fn within(path: &Path, roots: &[PathBuf]) -> bool {
    match std::fs::canonicalize(path) {
        Ok(p) => roots.iter().any(|r| p.starts_with(r)),
        Err(_) => false,
    }
}

/// An encoding that is not UTF-8, told by its byte-order mark (Docker and mcp-audit read
/// UTF-8 only).
pub fn foreign_encoding(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x00\x00\xFE\xFF") || bytes.starts_with(b"\xFF\xFE\x00\x00") {
        Some("UTF-32")
    } else if bytes.starts_with(b"\xFE\xFF") || bytes.starts_with(b"\xFF\xFE") {
        Some("UTF-16")
    } else {
        None
    }
}

/// Whether the start of a file looks binary rather than text: a NUL byte and many
/// control characters (a few stray NULs in a text file are parsed as text).
pub fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if !head.contains(&0) {
        return false;
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    control * 10 > head.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_is_lexical_and_keeps_leading_parents() {
        let n = |p: &str| normalize(Path::new(p)).to_string_lossy().into_owned();
        assert_eq!(n("a/./b/../c"), "a/c");
        assert_eq!(n("../../x/./y"), "../../x/y");
        assert_eq!(n("a/../../b"), "../b");
        assert_eq!(n("/r/app/../commons"), "/r/commons");
        assert_eq!(n("/.."), "/..");
        assert_eq!(n("."), "");
    }

    /// The line index agrees with reading the text byte by byte, on every mix of
    /// `\n`, `\r\n` and lone `\r`, at the start, the end and across long runs.
    #[test]
    fn line_starts_match_a_byte_by_byte_reading() {
        fn by_bytes(b: &[u8]) -> Vec<usize> {
            let mut starts = vec![0];
            for (i, &c) in b.iter().enumerate() {
                if c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n')) {
                    starts.push(i + 1);
                }
            }
            starts
        }
        let mut texts: Vec<String> = [
            "",
            "\n",
            "\r",
            "\r\n",
            "\n\r",
            "\r\r\n\n",
            "a\r",
            "a\rb\r\nc\nd",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Line breaks at every position of texts longer than memchr's word and vector.
        for n in [7, 31, 64, 100] {
            for at in 0..n {
                for brk in ["\n", "\r", "\r\n"] {
                    let mut t = "x".repeat(n);
                    t.insert_str(at, brk);
                    t.push_str(brk);
                    texts.push(t);
                }
            }
        }
        for t in &texts {
            assert_eq!(line_starts(t.as_bytes()), by_bytes(t.as_bytes()), "{t:?}");
        }
        assert_eq!(line_starts(b"a\r\nb\rc\n"), vec![0, 3, 5, 7]);
    }

    #[test]
    fn line_col_counts_chars_and_handles_crlf_and_cr() {
        let f = SourceFile::from_str("x", "ab\r\nçd\re\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(4), (2, 1));
        assert_eq!(f.line_col(6), (2, 2)); // after 'ç' (2 bytes)
        assert_eq!(f.line_col(8), (3, 1));
        assert_eq!(f.line_span(1), Span::new(0, 2));
        assert_eq!(f.line_span(2), Span::new(4, 7));
        assert_eq!(f.offset_of(2, 2), 6);
    }

    /// Columns on a long line (blocks of `block_chars`) match counting from the line's
    /// start, at every offset, with characters of 1 to 4 bytes across block edges.
    #[test]
    fn columns_on_long_lines_are_counted_from_blocks() {
        let unit = "aé€😀,";
        let text = format!("x\n{}\n{}\ny", unit.repeat(700), "z".repeat(3000));
        // The same text cut to whole blocks, ending on a long line.
        let whole = &text[..text.len() / CHAR_BLOCK * CHAR_BLOCK - 1];
        let whole = format!("{whole}z");
        assert_eq!(whole.len() % CHAR_BLOCK, 0);
        let mut checked = 0;
        for text in [text.as_str(), whole.as_str()] {
            let f = SourceFile::from_str("long.json", text);
            assert!(f.block_chars.len() > 4);
            for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
                let (line, col) = f.line_col(offset);
                let start = f.line_start(line);
                assert_eq!(col, text[start..offset].chars().count() + 1, "at {offset}");
                checked += 1;
            }
        }
        assert!(checked > 12000);
    }

    /// Leading bytes counted a word at a time match counting them one by one, on
    /// every run of bytes (any start, any length) of a text with 1- to 4-byte characters.
    #[test]
    fn leading_bytes_are_counted_by_words_as_by_bytes() {
        let text = "aé€😀,".repeat(600);
        let b = text.as_bytes();
        let one_by_one = |b: &[u8]| b.iter().filter(|&&c| (c as i8) >= -0x40).count();
        for start in 0..16 {
            for end in (start..b.len()).step_by(7).chain([b.len()]) {
                assert_eq!(leading_bytes(&b[start..end]), one_by_one(&b[start..end]));
            }
        }
        // Past many groups of words: every byte a continuation byte, or none.
        let all = vec![0x80u8; 8 * 600 + 3];
        assert_eq!(leading_bytes(&all), 0);
        assert_eq!(leading_bytes(&vec![b'a'; 8 * 600 + 3]), 8 * 600 + 3);
    }

    #[test]
    fn bom_is_removed_and_invalid_utf8_replaced() {
        let f = SourceFile::from_bytes(Path::new("d"), "d".into(), b"\xEF\xBB\xBFFROM a\xff\n");
        assert!(f.text.starts_with("FROM a"));
        assert!(f.text.contains('\u{FFFD}'));
        let l = f.loc(Span::new(0, 4));
        assert_eq!((l.line, l.col, l.end_line, l.end_col), (1, 1, 1, 5));
    }

    #[test]
    fn bounded_reads_refuse_fifos_devices_and_large_files() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f");
        std::fs::write(&p, b"0123456789").unwrap();
        assert_eq!(read_bounded(&p, 10).unwrap(), b"0123456789");
        assert!(read_bounded(&p, 9).unwrap_err().contains("over the limit"));
        assert!(read_bounded(d.path(), 100).is_err());
        #[cfg(unix)]
        {
            assert!(read_bounded(Path::new("/dev/zero"), 100).is_err());
            let fifo = d.path().join("Dockerfile");
            let ok = std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                assert_eq!(read_bounded(&fifo, 100).unwrap_err(), "not a regular file");
            }
        }
    }

    #[test]
    fn encodings_and_binary() {
        assert_eq!(foreign_encoding(b"\xFF\xFEF\0R\0"), Some("UTF-16"));
        assert_eq!(foreign_encoding(b"\xEF\xBB\xBFFROM"), None);
        assert!(looks_binary(&[0u8, 1, 2, 3, 4, 5, 6, 7]));
        assert!(!looks_binary(b"FROM a\0\nUSER root\n"));
    }

    #[test]
    fn spans_are_clamped_to_char_boundaries() {
        let f = SourceFile::from_str("x", "é");
        assert_eq!(f.clamp(Span::new(1, 9)), Span::new(0, 2));
    }
}
