use std::path::PathBuf;
use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};

use super::ClusterError;

/// How to find the cluster, like kubectl's `--kubeconfig`, `--context` and `--namespace`.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// The kubeconfig file (else `$KUBECONFIG`, else `~/.kube/config`).
    pub kubeconfig: Option<PathBuf>,
    /// The context (else the kubeconfig's current context).
    pub context: Option<String>,
    /// The namespace for objects that name none (else the context's, else `default`).
    pub namespace: Option<String>,
}

/// How long connecting to the API server (TCP and TLS) may take before a request fails.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the API server may stay silent while an answer is awaited before a request fails (watches end and
/// are restarted well within it: see [`WATCH_SECONDS`]).
pub(crate) const READ_TIMEOUT: Duration = Duration::from_secs(60);

/// How long the server keeps one watch open (`timeoutSeconds`) before it is restarted, so that a quiet watch never
/// meets [`READ_TIMEOUT`].
pub(crate) const WATCH_SECONDS: u32 = 45;

/// How long a kubeconfig exec credential plugin may run when connecting.
pub(crate) const CREDENTIAL_TIMEOUT: Duration = Duration::from_secs(60);

/// A connection to one cluster.
#[derive(Clone)]
pub struct Cluster {
    pub(crate) client: kube::Client,
    pub(crate) namespace: String,
    pub(crate) server: String,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster")
            .field("server", &self.server)
            .field("namespace", &self.namespace)
            .finish()
    }
}

impl Cluster {
    /// Reads the kubeconfig and prepares a client (no request is sent yet). Requests fail when connecting takes
    /// longer than 10 s or the server stays silent for 60 s (a watch is restarted every 45 s, well within it); an
    /// exec credential plugin runs on a blocking thread and may take 60 s, so an enclosing `tokio::time::timeout` can
    /// end the wait.
    pub async fn connect(options: &ConnectOptions) -> Result<Cluster, ClusterError> {
        let kubeconfig = read_kubeconfig(options.kubeconfig.as_ref())?;
        let kube_options = KubeConfigOptions {
            context: options.context.clone(),
            ..Default::default()
        };
        let config = kube::Config::from_custom_kubeconfig(kubeconfig, &kube_options)
            .await
            .map_err(|source| ClusterError::Kubeconfig { path: None, source })?;
        let server = config.cluster_url.to_string();
        let namespace = options
            .namespace
            .clone()
            .unwrap_or_else(|| config.default_namespace.clone());
        let mut config = config;
        config.connect_timeout = Some(CONNECT_TIMEOUT);
        config.read_timeout = Some(READ_TIMEOUT);
        // The read timeout counts from each request, not from when a pooled connection went idle.
        config.reset_reader_on_write = true;
        // Building the client runs an exec credential plugin, synchronously: off the async thread, bounded.
        let building = tokio::task::spawn_blocking(move || kube::Client::try_from(config));
        let client = match tokio::time::timeout(CREDENTIAL_TIMEOUT, building).await {
            Ok(Ok(Ok(client))) => client,
            Ok(Ok(Err(source))) => return Err(ClusterError::Client { source }),
            // The blocking task panicked: let the panic go on, as if it had run on this thread.
            Ok(Err(e)) => std::panic::resume_unwind(e.into_panic()),
            Err(_) => {
                return Err(ClusterError::CredentialTimeout {
                    seconds: CREDENTIAL_TIMEOUT.as_secs(),
                });
            }
        };
        Ok(Cluster {
            client,
            namespace,
            server,
        })
    }

    /// The namespace used for objects that name none.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The API server's URL.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// The kube-rs client, for anything this crate does not wrap.
    pub fn client(&self) -> &kube::Client {
        &self.client
    }

    pub(crate) fn error(
        &self,
        error: kube::Error,
        kind: &str,
        name: &str,
        namespace: &str,
    ) -> ClusterError {
        ClusterError::from_kube(error, &self.server, kind, name, namespace)
    }
}

fn read_kubeconfig(explicit: Option<&PathBuf>) -> Result<Kubeconfig, ClusterError> {
    let candidates: Vec<PathBuf> = match explicit {
        Some(path) => vec![path.clone()],
        None => match std::env::var_os("KUBECONFIG") {
            Some(list) if !list.is_empty() => std::env::split_paths(&list).collect(),
            _ => std::env::var_os("HOME")
                .map(|h| PathBuf::from(h).join(".kube/config"))
                .into_iter()
                .collect(),
        },
    };
    let existing: Vec<&PathBuf> = candidates.iter().filter(|p| p.exists()).collect();
    if existing.is_empty() {
        return Err(ClusterError::NoKubeconfig {
            searched: candidates,
        });
    }
    let mut merged: Option<Kubeconfig> = None;
    for path in existing {
        let config = Kubeconfig::read_from(path).map_err(|source| ClusterError::Kubeconfig {
            path: Some(path.clone()),
            source,
        })?;
        merged = Some(match merged {
            None => config,
            Some(m) => m
                .merge(config)
                .map_err(|source| ClusterError::Kubeconfig { path: None, source })?,
        });
    }
    merged.ok_or(ClusterError::NoKubeconfig {
        searched: candidates,
    })
}
