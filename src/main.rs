//! Thin entry point: parse arguments, run, map the result to an exit code.

use clap::Parser;

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
