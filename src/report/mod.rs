//! Output formats. Each renders a finished [`ScanResult`](crate::ScanResult) to a string.

pub mod json;
pub mod text;
