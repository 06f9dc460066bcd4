//! Thin entry point: parse arguments, run, map the result to an exit code.

use clap::Parser;

/// mimalloc: Rego evaluation allocates and frees small values at a high rate, and
/// glibc's allocator contends between the worker threads (about 15 % of a scan).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
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
