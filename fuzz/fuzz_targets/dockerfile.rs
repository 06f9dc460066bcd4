//! The Dockerfile parser on arbitrary bytes: never panics, every span in the text on a
//! character boundary, line/column consistent with the byte offsets.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcp_audit::parse::dockerfile;
use mcp_audit::source::{SourceFile, Span};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let src = SourceFile::from_bytes(Path::new("Dockerfile"), "Dockerfile".into(), data);
    let df = dockerfile::parse(&src);
    if let Err(e) = dockerfile::check_spans(&src, &df) {
        panic!("{e}");
    }
    let _ = df.stages().len();
    for e in &df.errors {
        let l = src.loc(e.span);
        assert!(l.line >= 1 && l.col >= 1 && (l.line, l.col) <= (l.end_line, l.end_col));
        assert_eq!(src.loc(Span::new(l.start, l.end)), l);
    }
});
