//! Embeds every `.rego` file under `policies/` into the binary, with the VM programs
//! compiled ahead of time from them (`policies/vm-programs.bin`) and the key saying
//! what those programs must have been compiled from (see `src/prebuilt.rs`).
use std::fs;
use std::path::{Path, PathBuf};

/// Every file under `dir` whose name ends in `.ext`, sorted.
fn collect_ext(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_ext(&p, ext, out);
        } else if p.extension().is_some_and(|e| e == ext) {
            out.push(p);
        }
    }
}

/// 64-bit FNV-1a: stable across Rust versions and platforms (unlike `DefaultHasher`).
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// File `f`'s path under `base` and its content, each ended by a NUL.
    fn write_file(&mut self, base: &Path, f: &Path) {
        self.write(relative(base, f).as_bytes());
        self.write(b"\0");
        self.write(&fs::read(f).unwrap());
        self.write(b"\0");
    }
}

/// `f`'s path under `base`, with `/` separators.
fn relative(base: &Path, f: &Path) -> String {
    f.strip_prefix(base)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let policies = root.join("policies");
    println!("cargo:rerun-if-changed=policies");
    let mut files = Vec::new();
    collect_ext(&policies, "rego", &mut files);
    let mut src = String::from("/// (path relative to policies/, source) of every embedded policy.\npub static EMBEDDED: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        src.push_str(&format!(
            "    ({:?}, include_str!({:?})),\n",
            relative(&policies, f),
            f.display().to_string()
        ));
    }
    src.push_str("];\n");

    // The key of the prebuilt programs: the embedded policies (tests left out) and the
    // source of the vendored regorus that compiles them. A program blob written under
    // another key is not used.
    let mut key = Fnv::new();
    key.write(b"mcp-audit vm programs 1\0");
    for f in files
        .iter()
        .filter(|f| !f.to_string_lossy().ends_with("_test.rego"))
    {
        key.write_file(&policies, f);
    }
    let regorus = root.join("vendor/regorus");
    println!("cargo:rerun-if-changed={}", regorus.display());
    let mut compiler = vec![regorus.join("Cargo.toml")];
    collect_ext(&regorus.join("src"), "rs", &mut compiler);
    for f in &compiler {
        key.write_file(&regorus, f);
    }
    src.push_str(&format!(
        "/// What the prebuilt VM programs must have been compiled from.\npub const PROGRAMS_KEY: u64 = {:#018x};\n",
        key.0
    ));
    let blob = policies.join("vm-programs.bin");
    println!("cargo:rerun-if-changed={}", blob.display());
    if blob.is_file() {
        src.push_str(&format!(
            "/// The prebuilt VM programs.\npub static PROGRAMS: &[u8] = include_bytes!({:?});\n",
            blob.display().to_string()
        ));
    } else {
        src.push_str("/// The prebuilt VM programs (none).\npub static PROGRAMS: &[u8] = &[];\n");
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("policies.rs");
    fs::write(out, src).unwrap();
}
