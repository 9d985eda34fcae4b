use std::path::PathBuf;

use super::apply::Conflict;

/// What went wrong talking to the cluster, in terms a user can act on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClusterError {
    /// No kubeconfig file was found.
    #[error("no kubeconfig found (looked at {}); pass --kubeconfig or set KUBECONFIG", .searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    NoKubeconfig {
        /// The places looked at.
        searched: Vec<PathBuf>,
    },
    /// The kubeconfig could not be used (unreadable, malformed, unknown context, missing credentials).
    #[error("cannot use the kubeconfig: {message}")]
    Kubeconfig {
        /// What is wrong with it.
        message: String,
    },
    /// Nothing answered at the server's address.
    #[error("cannot reach the API server at {server}: {message}")]
    Unreachable {
        /// The server URL from the kubeconfig.
        server: String,
        /// The transport's words.
        message: String,
    },
    /// The TLS handshake failed (unknown CA, wrong host name, expired certificate).
    #[error(
        "TLS failure talking to {server}: {message} (check the kubeconfig's certificate-authority)"
    )]
    Tls {
        /// The server URL from the kubeconfig.
        server: String,
        /// The TLS library's words.
        message: String,
    },
    /// The credentials were refused (401).
    #[error("the API server refused the credentials: {message}")]
    Unauthorized {
        /// The server's message.
        message: String,
    },
    /// RBAC does not allow the request (403).
    #[error("forbidden: {message}")]
    Forbidden {
        /// The server's message (names the user, verb and resource).
        message: String,
    },
    /// The object does not exist (404).
    #[error("{kind} \"{name}\" not found in namespace \"{namespace}\"")]
    NotFound {
        /// The kind looked for.
        kind: String,
        /// Its name.
        name: String,
        /// The namespace looked in.
        namespace: String,
    },
    /// The server rejected the object (422) with its field errors.
    #[error("the API server rejected {name}: {message}")]
    Invalid {
        /// The object's name.
        name: String,
        /// The server's message with every field error.
        message: String,
    },
    /// Server-side apply found fields owned by another manager; nothing was changed.
    #[error("apply of {name} conflicts with other field managers (nothing was changed; re-run with --force-conflicts to take the fields over):\n{}", .conflicts.iter().map(|c| format!("  {} is owned by \"{}\"", c.field, c.manager)).collect::<Vec<_>>().join("\n"))]
    Conflict {
        /// The object's name.
        name: String,
        /// Each contested field with its owner.
        conflicts: Vec<Conflict>,
    },
    /// The selector differs from the live object's; the API server would reject the change.
    #[error(
        "spec.selector of DaemonSet \"{name}\" is immutable: live {live}, desired {desired}. The API server would reject this apply. To change it, delete the DaemonSet (`--cascade=orphan` keeps its pods running) and apply again"
    )]
    ImmutableSelector {
        /// The DaemonSet's name.
        name: String,
        /// The live selector, as JSON.
        live: String,
        /// The desired selector, as JSON.
        desired: String,
    },
    /// A rollout undo target does not exist.
    #[error("{0}")]
    Rollback(String),
    /// Waiting ran out of time.
    #[error("timed out after {seconds}s waiting for the rollout of {name}: {status}")]
    Timeout {
        /// The DaemonSet's name.
        name: String,
        /// How long it waited.
        seconds: u64,
        /// The last status seen.
        status: String,
    },
    /// The object was deleted (or deleted and created again) while it was watched.
    #[error(
        "{kind} \"{name}\" in namespace \"{namespace}\" was deleted while its rollout was watched"
    )]
    Deleted {
        /// The kind.
        kind: String,
        /// Its name.
        name: String,
        /// Its namespace.
        namespace: String,
    },
    /// Any other API or transport error.
    #[error("{0}")]
    Other(String),
}

impl ClusterError {
    /// Classifies a kube-rs error for a request about `kind` `name` in `namespace` sent to `server`.
    pub(crate) fn from_kube(
        error: kube::Error,
        server: &str,
        kind: &str,
        name: &str,
        namespace: &str,
    ) -> ClusterError {
        match error {
            kube::Error::Api(status) => match status.code {
                401 => ClusterError::Unauthorized {
                    message: status.message,
                },
                403 => ClusterError::Forbidden {
                    message: status.message,
                },
                404 => ClusterError::NotFound {
                    kind: kind.into(),
                    name: name.into(),
                    namespace: namespace.into(),
                },
                409 if status.message.contains("Apply failed") => ClusterError::Conflict {
                    name: name.into(),
                    conflicts: Conflict::from_status(&status),
                },
                422 => ClusterError::Invalid {
                    name: name.into(),
                    message: status.message,
                },
                _ => ClusterError::Other(format!(
                    "{} ({}): {}",
                    status.reason, status.code, status.message
                )),
            },
            other => {
                let chain = error_chain(&other);
                let lower = chain.to_lowercase();
                // "tls" alone is no sign: a server that dies mid-request closes "without sending TLS close_notify".
                if [
                    "certificate",
                    "handshake",
                    "unknownissuer",
                    "unknown issuer",
                    "badsignature",
                ]
                .iter()
                .any(|w| lower.contains(w))
                {
                    ClusterError::Tls {
                        server: server.into(),
                        message: chain,
                    }
                } else if [
                    "connect",
                    "refused",
                    "dns",
                    "timed out",
                    "reset",
                    "broken pipe",
                    "closed",
                    "eof",
                ]
                .iter()
                .any(|w| lower.contains(w))
                {
                    ClusterError::Unreachable {
                        server: server.into(),
                        message: chain,
                    }
                } else {
                    ClusterError::Other(chain)
                }
            }
        }
    }
}

/// An error and its causes on one line, each said once.
pub(crate) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}
