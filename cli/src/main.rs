//! The `daemonset` command: render spec files, check and lint DaemonSet manifests, plan their placement, and (feature
//! `cluster`) apply, diff and follow their rollouts on a cluster.
//!
//! Exit codes: 0 success; 1 the inputs have problems (violations, spec or template errors, denied lint findings,
//! drift found by `render --check`) or the API server rejected them (`diff`: differences found); 2 usage error
//! (`diff`: also the inputs' problems); 3 a file could not be read or written; 4 the cluster could not be used;
//! 5 a rollout did not finish within `--timeout`.

#[cfg(feature = "cluster")]
mod apply;
mod check;
mod cli;
#[cfg(feature = "cluster")]
mod cluster;
mod config;
#[cfg(feature = "cluster")]
mod diff;
mod inputs;
mod lint;
mod output;
mod plan;
mod render;
mod report;
#[cfg(feature = "cluster")]
mod rollout;
mod shell;

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::parse();
    let outcome = match cli.command {
        cli::Command::Render(args) => render::run(&args),
        cli::Command::Check(args) => check::run(&args),
        cli::Command::Lint(args) => lint::run(&args),
        cli::Command::Plan(args) => plan::run(&args),
        #[cfg(feature = "cluster")]
        cli::Command::Apply(args) => apply::run(&args),
        #[cfg(feature = "cluster")]
        cli::Command::Diff(args) => return diff::run(&args),
        #[cfg(feature = "cluster")]
        cli::Command::Rollout(command) => rollout::run(&command),
        cli::Command::Completions(args) => shell::completions(args.shell),
        cli::Command::Man => shell::man(),
    };
    outcome.exit_code()
}
