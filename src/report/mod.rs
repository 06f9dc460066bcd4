//! Output formats. Each renders a finished [`ScanResult`](crate::ScanResult) to a string.

pub mod cyclonedx;
pub mod fingerprint;
pub mod github;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod paths;
pub mod sarif;
pub mod spdx;
pub mod text;
