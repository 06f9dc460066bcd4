//! Parsing: one file in, a typed tree with spans out. Errors never abort a file
//! that can be partly understood; they are returned beside the tree.

pub mod client;
pub mod compose;
pub mod dockerfile;
pub mod extends;
pub mod include;
pub mod interpolate;
pub mod k8s;
pub mod label_file;
pub mod metadata;
pub mod yaml;
