use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::{Api, ListParams};

use super::{Cluster, ClusterError};

impl Cluster {
    /// Every Node of the cluster (the inventory placement planning reads).
    pub async fn list_nodes(&self) -> Result<Vec<Node>, ClusterError> {
        Api::<Node>::all(self.client.clone())
            .list(&ListParams::default())
            .await
            .map(|list| list.items)
            .map_err(|e| self.error(e, "nodes", "", ""))
    }

    /// Every pod of every namespace that still holds node resources (not Succeeded or Failed).
    pub async fn list_active_pods(&self) -> Result<Vec<Pod>, ClusterError> {
        Api::<Pod>::all(self.client.clone())
            .list(&ListParams::default().fields("status.phase!=Succeeded,status.phase!=Failed"))
            .await
            .map(|list| list.items)
            .map_err(|e| self.error(e, "pods", "", ""))
    }

    /// The same connection, for objects of another namespace.
    #[must_use]
    pub fn with_namespace(&self, namespace: &str) -> Cluster {
        Cluster {
            namespace: namespace.to_owned(),
            ..self.clone()
        }
    }
}
