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
    /// Exit 3: a file could not be read or written.
    IoFailure,
}

impl Outcome {
    /// The process exit code.
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Success => ExitCode::SUCCESS,
            Outcome::Problems => ExitCode::from(1),
            Outcome::IoFailure => ExitCode::from(3),
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
