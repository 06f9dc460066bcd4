//! Thin entry point: parse arguments, run, map the result to an exit code.

use clap::Parser;

/// mimalloc: Rego evaluation allocates and frees small values at a high rate, and
/// glibc's allocator contends between the worker threads (about 15 % of a scan).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc v3's `mi_option_e` (libmimalloc-sys 0.1.49,
/// pinned in Cargo.toml).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    // Freed memory is kept for reuse instead of being returned to the OS a second later
    // and faulted (zeroed) in again: the scan frees and reallocates at a high rate and
    // lives seconds. Measured on the 6,833 Dockerfiles: system time 0.41 -> 0.17 s, wall
    // -10 %, same peak RSS. An explicit MIMALLOC_PURGE_DELAY is left alone.
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: an option setter taking plain integers, called before any other
        // thread exists.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    }
    let cli = mcp_audit::cli::Cli::parse();
    let code = match mcp_audit::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            mcp_audit::cli::EXIT_ERROR
        }
    };
    std::process::exit(code);
}
