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
    /// The kubeconfig could not be read or used (unreadable, malformed, unknown context, missing credentials).
    #[error("cannot use the kubeconfig{}", .path.as_ref().map(|p| format!(" {}", p.display())).unwrap_or_default())]
    Kubeconfig {
        /// The file, when the problem is in one file.
        path: Option<PathBuf>,
        /// What kube-rs found wrong.
        #[source]
        source: kube::config::KubeconfigError,
    },
    /// No client could be built from the kubeconfig (its certificates, an exec credential plugin, a proxy).
    #[error("cannot use the kubeconfig")]
    Client {
        /// What kube-rs found wrong.
        #[source]
        source: kube::Error,
    },
    /// The kubeconfig's exec credential plugin did not finish in time.
    #[error("cannot use the kubeconfig: the credential plugin did not finish within {seconds}s")]
    CredentialTimeout {
        /// How long it was given.
        seconds: u64,
    },
    /// Nothing answered at the server's address, or the connection broke (refused, reset, closed, timed out).
    #[error("cannot reach the API server at {server}")]
    Unreachable {
        /// The server URL from the kubeconfig.
        server: String,
        /// The transport's error.
        #[source]
        source: kube::Error,
    },
    /// The TLS handshake failed (unknown CA, wrong host name, expired certificate).
    #[error("TLS failure talking to {server}")]
    Tls {
        /// The server URL from the kubeconfig.
        server: String,
        /// The transport's error (a `rustls::Error` is in its chain).
        #[source]
        source: kube::Error,
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
    /// The API server answered with an error status this type has no variant for.
    #[error("the API server refused the request ({} {})", .status.code, .status.reason)]
    Status {
        /// The server's answer.
        #[source]
        status: Box<kube::core::Status>,
    },
    /// Watching an object failed for a reason other than the transport.
    #[error("cannot watch {kind} \"{name}\"")]
    Watch {
        /// The kind watched.
        kind: String,
        /// Its name.
        name: String,
        /// kube-rs's watcher error.
        #[source]
        source: kube::runtime::watcher::Error,
    },
    /// The server ended a watch that should have run until the rollout finished.
    #[error("the watch of {kind} \"{name}\" ended")]
    WatchEnded {
        /// The kind watched.
        kind: String,
        /// Its name.
        name: String,
    },
    /// An object could not be rendered (for a diff).
    #[error("cannot render {name}")]
    Render {
        /// The object's name.
        name: String,
        /// The cause.
        #[source]
        source: crate::render::RenderError,
    },
    /// Any other request error (building the request, reading the answer).
    #[error("the request to the API server failed")]
    Request {
        /// kube-rs's error.
        #[source]
        source: kube::Error,
    },
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
                // Server-side apply's conflict: causes of type `FieldManagerConflict` (apimachinery's
                // `NewApplyConflict`); another 409 (an object that already exists) is not one.
                409 if status.details.as_ref().is_some_and(|d| {
                    d.causes.iter().any(|c| c.reason == "FieldManagerConflict")
                }) =>
                {
                    ClusterError::Conflict {
                        name: name.into(),
                        conflicts: Conflict::from_status(&status),
                    }
                }
                422 => ClusterError::Invalid {
                    name: name.into(),
                    message: status.message,
                },
                _ => ClusterError::Status { status },
            },
            other => match Transport::of(&other) {
                Some(Transport::Tls) => ClusterError::Tls {
                    server: server.into(),
                    source: other,
                },
                Some(Transport::Broken) => ClusterError::Unreachable {
                    server: server.into(),
                    source: other,
                },
                None => ClusterError::Request { source: other },
            },
        }
    }
}

/// What kind of transport failure an error is, told by the types in its chain (never by its words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transport {
    /// A TLS error (`rustls::Error`): the handshake or a certificate failed.
    Tls,
    /// The connection could not be made or broke: refused, reset, closed early, timed out, no route, DNS.
    Broken,
}

impl Transport {
    fn of(error: &(dyn std::error::Error + 'static)) -> Option<Transport> {
        use std::io::ErrorKind;
        let mut found = None;
        for e in chain(error) {
            if e.is::<rustls::Error>() {
                return Some(Transport::Tls);
            }
            // A server that dies mid-request ends the TLS stream without `close_notify`: `UnexpectedEof`.
            if let Some(io) = e.downcast_ref::<std::io::Error>()
                && matches!(
                    io.kind(),
                    ErrorKind::ConnectionRefused
                        | ErrorKind::ConnectionReset
                        | ErrorKind::ConnectionAborted
                        | ErrorKind::NotConnected
                        | ErrorKind::TimedOut
                        | ErrorKind::BrokenPipe
                        | ErrorKind::UnexpectedEof
                        | ErrorKind::HostUnreachable
                        | ErrorKind::NetworkUnreachable
                        | ErrorKind::NetworkDown
                        | ErrorKind::AddrNotAvailable
                )
            {
                found = Some(Transport::Broken);
            }
            if let Some(h) = e.downcast_ref::<hyper::Error>()
                && (h.is_closed() || h.is_incomplete_message() || h.is_canceled() || h.is_timeout())
            {
                found = Some(Transport::Broken);
            }
            // Connecting failed (DNS, TCP); a TLS failure while connecting is found further down the chain.
            if let Some(c) = e.downcast_ref::<hyper_util::client::legacy::Error>()
                && c.is_connect()
            {
                found = Some(Transport::Broken);
            }
        }
        found
    }
}

/// An error and every error under it. `io::Error::source()` skips the error an `io::Error` wraps (tokio-rustls
/// wraps a `rustls::Error` so, sometimes twice): the wrapped error is visited too.
pub(crate) fn chain<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(error), |e| {
        match e
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            // Its source is the io::Error's source.
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        }
    })
}

#[cfg(test)]
mod tests {
    //! Transport failures against real sockets on loopback (no API server is needed to refuse a connection): the
    //! error is classified by the types in its chain, and the chain is kept as typed sources.

    use std::error::Error as _;
    use std::io::{self, Read as _, Write as _};
    use std::net::TcpListener;

    use super::ClusterError;
    use crate::cluster::{Cluster, ConnectOptions};

    /// A kubeconfig for `server` that skips certificate checks (so only the transport can fail).
    fn kubeconfig(dir: &tempfile::TempDir, server: &str) -> ConnectOptions {
        let path = dir.path().join("kubeconfig");
        std::fs::write(
            &path,
            format!(
                "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {server}\n    \
                 insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: x\n  \
                 context:\n    cluster: c\n    user: u\ncurrent-context: x\n"
            ),
        )
        .unwrap();
        ConnectOptions {
            kubeconfig: Some(path),
            ..ConnectOptions::default()
        }
    }

    /// The error of one request to `server`.
    fn request_error(server: &str) -> ClusterError {
        let dir = tempfile::tempdir().unwrap();
        let options = kubeconfig(&dir, server);
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async {
                let cluster = Cluster::connect(&options).await.unwrap();
                cluster.rollout_status("agent").await.unwrap_err()
            })
    }

    /// The first error of type `T` in the chain of `error`, looking into `io::Error`s too.
    fn find<'a, T: std::error::Error + 'static>(
        error: &'a (dyn std::error::Error + 'static),
    ) -> Option<&'a T> {
        super::chain(error).find_map(|e| e.downcast_ref::<T>())
    }

    /// A loopback port where nothing listens.
    fn closed_port() -> u16 {
        TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    /// A loopback server that accepts one connection and hands it to `serve`.
    fn one_shot(serve: impl FnOnce(std::net::TcpStream) + Send + 'static) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            if let Ok((stream, _)) = listener.accept() {
                serve(stream);
            }
        });
        port
    }

    #[test]
    fn a_refused_connection_is_unreachable_with_the_io_error_as_a_typed_source() {
        let port = closed_port();
        let error = request_error(&format!("https://127.0.0.1:{port}"));
        let ClusterError::Unreachable { server, source } = &error else {
            panic!("not Unreachable: {error:?}");
        };
        assert_eq!(server, &format!("https://127.0.0.1:{port}/"));
        assert!(matches!(source, kube::Error::Service(_)), "{source:?}");
        // The kube error is the first source, the OS's refusal is further down, as an `io::Error` with its kind.
        let first = error.source().expect("a source");
        assert!(first.is::<kube::Error>(), "{first:?}");
        let io = find::<io::Error>(&error).expect("an io::Error in the chain");
        assert_eq!(io.kind(), io::ErrorKind::ConnectionRefused);
        assert_eq!(
            error.to_string(),
            format!("cannot reach the API server at https://127.0.0.1:{port}/")
        );
    }

    #[test]
    fn a_connection_closed_during_the_handshake_is_unreachable_not_tls() {
        // The server accepts and closes at once: the TLS handshake meets end-of-file, which is a broken
        // connection (a server that went away), not a certificate problem.
        let port = one_shot(drop);
        let error = request_error(&format!("https://127.0.0.1:{port}"));
        assert!(
            matches!(error, ClusterError::Unreachable { .. }),
            "{error:?}"
        );
        assert!(find::<rustls::Error>(&error).is_none(), "{error:?}");
    }

    #[test]
    fn a_server_that_does_not_speak_tls_is_a_tls_failure_with_the_rustls_error_kept() {
        // Plain HTTP where TLS is expected: rustls rejects the answer as a corrupt TLS record.
        let port = one_shot(|mut stream| {
            let mut buffer = [0; 1024];
            let _ = stream.read(&mut buffer);
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
        });
        let error = request_error(&format!("https://127.0.0.1:{port}"));
        assert!(matches!(error, ClusterError::Tls { .. }), "{error:?}");
        assert!(find::<rustls::Error>(&error).is_some(), "{error:?}");
    }

    #[test]
    fn a_malformed_kubeconfig_keeps_the_path_and_kube_rs_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kubeconfig");
        std::fs::write(&path, "clusters: [not, a, mapping\n").unwrap();
        let options = ConnectOptions {
            kubeconfig: Some(path.clone()),
            ..ConnectOptions::default()
        };
        let error = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(Cluster::connect(&options))
            .unwrap_err();
        let ClusterError::Kubeconfig {
            path: Some(reported),
            ..
        } = &error
        else {
            panic!("not Kubeconfig with a path: {error:?}");
        };
        assert_eq!(reported, &path);
        assert!(
            error
                .source()
                .is_some_and(|s| s.is::<kube::config::KubeconfigError>()),
            "{error:?}"
        );
    }
}
