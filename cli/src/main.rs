//! The `daemonset` command: render spec files, check and lint DaemonSet manifests, plan their placement, and (feature
//! `cluster`) apply, diff and follow their rollouts on a cluster.
//!
//! Exit codes: 0 success; 1 the inputs have problems (violations, spec or template errors, denied lint findings,
//! drift found by `render --check`) or the API server rejected them (`diff`: differences found); 2 usage error
//! (`diff`: also the inputs' problems); 3 a file could not be read or written; 4 the cluster could not be used;
//! 5 a cluster command (a rollout, connecting, any request) did not finish within `--timeout`.
//!
//! Output that cannot be written is never a panic: a closed pipe (`| head -1`) ends the command quietly with exit
//! 141, as a tool killed by SIGPIPE shows in a shell; another failure (a full disk) is an error with exit 3.

#[cfg(feature = "cluster")]
mod apply;
mod check;
mod cli;
#[cfg(feature = "cluster")]
mod cluster;
mod config;
#[cfg(feature = "cluster")]
mod diff;
#[cfg(feature = "cluster")]
mod doctor;
mod import;
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

/// The exit code of a command whose output pipe was closed: 128 + SIGPIPE, what a shell shows for a tool killed by
/// the signal (`seq 1000000 | head -1`).
pub const CLOSED_PIPE_EXIT: i32 = 141;

/// `println!` panics when stdout cannot be written (Rust ignores SIGPIPE, so a closed pipe is an error too, and
/// this crate forbids the `unsafe` that restoring the signal would take). This hook turns exactly those panics
/// into a quiet exit (a closed pipe) or an error message and exit 3 (a full disk); any other panic is reported as
/// before.
fn exit_quietly_when_output_fails() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        let stream = ["stdout", "stderr"].into_iter().find_map(|s| {
            Some((
                s,
                message.strip_prefix(&format!("failed printing to {s}: "))?,
            ))
        });
        let Some((stream, cause)) = stream else {
            return default(info);
        };
        // EPIPE is 32 on Linux and the BSDs.
        if cause.ends_with("(os error 32)") {
            std::process::exit(CLOSED_PIPE_EXIT);
        }
        if stream == "stdout" {
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "error: cannot write the output: {cause}");
        }
        std::process::exit(3);
    }));
}

fn main() -> ExitCode {
    exit_quietly_when_output_fails();
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
        #[cfg(feature = "cluster")]
        cli::Command::Doctor(args) => doctor::run(&args),
        cli::Command::Import(args) => import::run(&args),
        cli::Command::Completions(args) => shell::completions(args.shell),
        cli::Command::Man => shell::man(),
    };
    outcome.exit_code()
}
