use k8s_openapi::api::apps::v1::DaemonSet;

use super::apply::comparable;
use super::{ApplyOptions, Cluster, ClusterError};

/// The difference between the live object and what applying would make of it.
#[derive(Debug, Clone)]
pub struct DaemonSetDiff {
    /// `namespace/name`.
    pub name: String,
    /// A unified diff of the YAML (empty when nothing would change).
    pub unified: String,
}

impl DaemonSetDiff {
    /// Whether applying would change anything.
    pub fn has_changes(&self) -> bool {
        !self.unified.is_empty()
    }
}

impl Cluster {
    /// Compares the live object with the server's dry-run of applying `daemon_set` (so defaults, admission and
    /// other managers' fields are accounted for) and returns a unified diff of the YAML.
    pub async fn diff(
        &self,
        daemon_set: &DaemonSet,
        options: &ApplyOptions,
    ) -> Result<DaemonSetDiff, ClusterError> {
        let (name, namespace, _, live) = self.live(daemon_set).await?;
        let dry = ApplyOptions {
            dry_run: true,
            ..options.clone()
        };
        let desired = self.apply(daemon_set, &dry).await?.object;
        let render = |ds: &DaemonSet| {
            crate::render::to_yaml(&comparable(ds)).map_err(|source| ClusterError::Render {
                name: name.clone(),
                source,
            })
        };
        let live_text = match &live {
            Some(ds) => render(ds)?,
            None => String::new(),
        };
        let mut desired_object = desired;
        if live.is_none() {
            // A dry-run create has no identity yet worth showing.
            desired_object.metadata.uid = None;
            desired_object.metadata.creation_timestamp = None;
        }
        let desired_text = render(&desired_object)?;
        let id = format!("{namespace}/{name}");
        let unified = if live_text == desired_text {
            String::new()
        } else {
            similar::TextDiff::from_lines(&live_text, &desired_text)
                .unified_diff()
                .context_radius(3)
                .header(&format!("live/{id}"), &format!("desired/{id}"))
                .to_string()
        };
        Ok(DaemonSetDiff { name: id, unified })
    }
}
