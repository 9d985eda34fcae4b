//! `daemonset completions SHELL` and `daemonset man`: generated from the command line definition, so they never
//! drift from it.

use crate::cli;
use crate::report::{self, Outcome};

/// Prints the completion script of `shell` for `daemonset` (or `kubectl-daemonset` when run as the plugin).
pub fn completions(shell: clap_complete::Shell) -> Outcome {
    let mut command = cli::command();
    let name = if cli::invoked_as_plugin() {
        cli::PLUGIN_BINARY
    } else {
        "daemonset"
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, name, &mut out);
    report::print(&String::from_utf8_lossy(&out))
}

/// Prints the man page (roff).
pub fn man() -> Outcome {
    let mut out = Vec::new();
    match clap_mangen::Man::new(cli::command()).render(&mut out) {
        Ok(()) => report::print(&String::from_utf8_lossy(&out)),
        Err(e) => {
            report::error(&e);
            Outcome::IoFailure
        }
    }
}
