use std::path::PathBuf;

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
    /// Reads the kubeconfig and prepares a client (no request is sent yet).
    pub async fn connect(options: &ConnectOptions) -> Result<Cluster, ClusterError> {
        let kubeconfig = read_kubeconfig(options.kubeconfig.as_ref())?;
        let kube_options = KubeConfigOptions {
            context: options.context.clone(),
            ..Default::default()
        };
        let config = kube::Config::from_custom_kubeconfig(kubeconfig, &kube_options)
            .await
            .map_err(|e| ClusterError::Kubeconfig {
                message: super::error::error_chain(&e),
            })?;
        let server = config.cluster_url.to_string();
        let namespace = options
            .namespace
            .clone()
            .unwrap_or_else(|| config.default_namespace.clone());
        let client = kube::Client::try_from(config).map_err(|e| ClusterError::Kubeconfig {
            message: super::error::error_chain(&e),
        })?;
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
        let config = Kubeconfig::read_from(path).map_err(|e| ClusterError::Kubeconfig {
            message: format!("{}: {}", path.display(), super::error::error_chain(&e)),
        })?;
        merged = Some(match merged {
            None => config,
            Some(m) => m.merge(config).map_err(|e| ClusterError::Kubeconfig {
                message: e.to_string(),
            })?,
        });
    }
    merged.ok_or(ClusterError::NoKubeconfig {
        searched: candidates,
    })
}
