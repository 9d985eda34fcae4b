//! How outcomes and errors are printed, and the exit codes.

use std::error::Error;
use std::process::ExitCode;

use daemonset::diagnostic::{Diagnostic, Location};

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

/// Prints `error: <error>` and one `  caused by: <source>` line per cause (see [`causes`]).
pub fn error(err: &(dyn Error + 'static)) {
    eprint!("{}", with_cause_lines("error", err));
}

/// Prints a diagnostic on stderr the way every command does: `<severity>: file:line:column: path: message`, then
/// one `  caused by: <source>` line per cause (see [`causes`]).
pub fn diagnostic(diagnostic: &Diagnostic) {
    eprint!(
        "{}",
        with_cause_lines(diagnostic.severity.as_str(), diagnostic)
    );
}

/// Prints a failure as a diagnostic: `error: file: what` (or `error: what`), `error` as its cause.
pub fn failure(
    file: Option<&std::path::Path>,
    what: &str,
    error: impl Error + Send + Sync + 'static,
) {
    let location = Location {
        file: file.map(|f| f.display().to_string()),
        ..Location::default()
    };
    diagnostic(&Diagnostic::error(location, what).with_source(error));
}

/// `label: error` and its `caused by:` lines, each ending with a newline.
fn with_cause_lines(label: &str, err: &(dyn Error + 'static)) -> String {
    let mut text = format!("{label}: {err}\n");
    for cause in causes(err) {
        text.push_str(&format!("  caused by: {cause}\n"));
    }
    text
}

/// A diagnostic on one line, `file:line:column: path: message`, with `label: ` before the message when there is
/// one (`DS002 warning`).
pub fn line(diagnostic: &Diagnostic, label: Option<&str>) -> String {
    match label {
        Some(label) => {
            let location = diagnostic.location.to_string();
            if location.is_empty() {
                format!("{label}: {}", diagnostic.message)
            } else {
                format!("{location}: {label}: {}", diagnostic.message)
            }
        }
        None => diagnostic.to_string(),
    }
}

/// A diagnostic's message followed by its causes (see [`causes`]), `: `-separated, for one-line outputs (JSON,
/// SARIF, JUnit).
pub fn with_causes(diagnostic: &Diagnostic) -> String {
    let mut text = diagnostic.message.clone();
    for cause in causes(diagnostic) {
        text.push_str(": ");
        text.push_str(&cause);
    }
    text
}

/// The causes of an error worth a `caused by:` line each, walking [`Error::source`]. Many errors repeat their
/// cause in their own message (`ServiceError: client error (Connect)`); a cause already said by the line above is
/// not said again, and a cause that only wraps its own source (its message contains the source's) gives way to
/// that source, so every cause is said once.
pub fn causes(err: &(dyn Error + 'static)) -> Vec<String> {
    let mut said = err.to_string();
    let mut lines = Vec::new();
    let mut current = err.source();
    while let Some(cause) = current {
        let text = cause.to_string();
        let wraps_its_source = cause
            .source()
            .is_some_and(|inner| text.contains(&inner.to_string()));
        if !text.is_empty() && !said.contains(&text) && !wraps_its_source {
            lines.push(text.clone());
            said = text;
        }
        current = cause.source();
    }
    lines
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

#[cfg(test)]
mod tests {
    use std::error::Error;
    use std::fmt;

    /// An error with a message and an optional source, to build chains.
    #[derive(Debug)]
    struct Link(String, Option<Box<Link>>);

    impl fmt::Display for Link {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(&self.0)
        }
    }

    impl Error for Link {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            self.1.as_deref().map(|l| l as &(dyn Error + 'static))
        }
    }

    fn chain(messages: &[&str]) -> Link {
        messages
            .iter()
            .rev()
            .fold(None, |source, m| {
                Some(Link((*m).into(), source.map(Box::new)))
            })
            .unwrap()
    }

    #[test]
    fn every_cause_comes_from_source_in_order() {
        let error = chain(&["cannot apply", "tcp connect error", "Connection refused"]);
        assert_eq!(
            super::causes(&error),
            ["tcp connect error", "Connection refused"]
        );
    }

    #[test]
    fn a_cause_that_repeats_its_source_gives_way_to_it_and_nothing_is_said_twice() {
        // kube-rs: `ServiceError: client error (Connect)` has the source `client error (Connect)`; a message that
        // ends with its cause (`cannot read x: denied`) is not followed by the cause again.
        let error = chain(&[
            "cannot reach the API server",
            "ServiceError: client error (Connect)",
            "client error (Connect)",
            "Connection refused (os error 111)",
        ]);
        assert_eq!(
            super::causes(&error),
            [
                "client error (Connect)",
                "Connection refused (os error 111)"
            ]
        );
        let error = chain(&["cannot read `x`: denied", "denied"]);
        assert!(super::causes(&error).is_empty());
    }

    #[test]
    fn an_error_without_a_source_has_no_causes() {
        assert!(super::causes(&chain(&["alone"])).is_empty());
    }

    #[test]
    fn a_diagnostic_is_one_line_with_its_label_before_the_message_and_its_causes_after() {
        use daemonset::diagnostic::{Diagnostic, Location};
        let at = Location {
            file: Some("a.yaml".into()),
            line: Some(3),
            column: Some(5),
            path: Some("spec.x".into()),
        };
        let d =
            Diagnostic::error(at.clone(), "broken").with_source(chain(&["denied", "by policy"]));
        assert_eq!(super::line(&d, None), "a.yaml:3:5: spec.x: broken");
        assert_eq!(
            super::line(&d, Some("DS002 warning")),
            "a.yaml:3:5: spec.x: DS002 warning: broken"
        );
        assert_eq!(super::with_causes(&d), "broken: denied: by policy");
        assert_eq!(
            super::with_cause_lines("error", &d),
            "error: a.yaml:3:5: spec.x: broken\n  caused by: denied\n  caused by: by policy\n"
        );
        // A source that says what the line says (a parse error or a violation converted into the diagnostic) is
        // not said again.
        let parse =
            daemonset::parse::from_yaml::<daemonset::k8s::api::apps::v1::DaemonSet>("kind: [\n")
                .unwrap_err();
        let d = Diagnostic::from(parse).at("a.yaml", 9, None);
        assert_eq!(
            super::with_cause_lines("error", &d).lines().count(),
            1,
            "{d}"
        );
    }
}
