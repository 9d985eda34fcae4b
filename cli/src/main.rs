//! The `daemonset` command: render spec files, check and lint DaemonSet manifests.
//!
//! Exit codes: 0 success; 1 the inputs have problems (violations, spec or template errors, denied lint findings,
//! drift found by `render --check`); 2 usage error; 3 a file could not be read or written.

mod check;
mod cli;
mod inputs;
mod lint;
mod render;
mod report;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let outcome = match cli.command {
        cli::Command::Render(args) => render::run(&args),
        cli::Command::Check(args) => check::run(&args),
        cli::Command::Lint(args) => lint::run(&args),
    };
    outcome.exit_code()
}
