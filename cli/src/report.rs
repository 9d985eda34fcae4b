//! How outcomes and errors are printed, and the exit codes.

use std::error::Error;
use std::process::ExitCode;

/// The result of a command, ordered by severity: the worst one wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: the inputs have problems.
    Problems,
    /// Exit 2: a usage error clap cannot see (an unknown lint rule id).
    Usage,
    /// Exit 3: a file could not be read or written.
    IoFailure,
    /// Exit 4 (feature `cluster`): the cluster could not be used (kubeconfig, connection, TLS, credentials, RBAC, other API errors).
    #[cfg_attr(not(feature = "cluster"), allow(dead_code))]
    Cluster,
    /// Exit 5: a rollout did not finish in time.
    #[cfg_attr(not(feature = "cluster"), allow(dead_code))]
    Timeout,
}

impl Outcome {
    /// The process exit code.
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Success => ExitCode::SUCCESS,
            Outcome::Problems => ExitCode::from(1),
            Outcome::Usage => ExitCode::from(2),
            Outcome::IoFailure => ExitCode::from(3),
            Outcome::Cluster => ExitCode::from(4),
            Outcome::Timeout => ExitCode::from(5),
        }
    }
}

/// Prints `error: <error>` and one `  caused by: <source>` line per cause.
pub fn error(err: &dyn Error) {
    eprintln!("error: {err}");
    let mut source = err.source();
    while let Some(cause) = source {
        eprintln!("  caused by: {cause}");
        source = cause.source();
    }
}

/// Writes text to stdout; a closed pipe (`| head`) ends the command quietly with the exit of a tool ended by
/// SIGPIPE (the same as every other command, see `main.rs`), another failure is an I/O failure.
pub fn print(text: &str) -> Outcome {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Outcome::Success,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            std::process::exit(crate::CLOSED_PIPE_EXIT)
        }
        Err(e) => {
            error(&e);
            Outcome::IoFailure
        }
    }
}
