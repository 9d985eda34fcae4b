//! The recorded state a diagnosis reads: DaemonSets, their ControllerRevisions, the nodes, the pods, the events and
//! (when gathered live) the previous logs of crashing containers. Read from YAML as kubectl prints it, so
//! `kubectl get ds,controllerrevisions,pods,events -o yaml` followed by `kubectl get nodes -o yaml` is a state file.

use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet};
use k8s_openapi::api::core::v1::{Event, Node, Pod};
use serde::{Deserialize, Serialize};

use crate::yaml;

/// What the kubelet said about a container's previous log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
#[non_exhaustive]
pub enum LogTail {
    /// The last lines of the previous container's log.
    Lines {
        /// The lines, oldest first.
        lines: Vec<String>,
    },
    /// The API server could not get the log from the kubelet (no kubelet, node unreachable, log rotated away).
    Unavailable {
        /// Why, as the API server said it.
        reason: String,
    },
}

/// The previous log of one container of one pod.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerLog {
    /// The pod's namespace.
    pub namespace: String,
    /// The pod's name.
    pub pod: String,
    /// The container's name.
    pub container: String,
    /// The log or why there is none.
    pub tail: LogTail,
}

/// Everything a diagnosis reads, owned.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// The DaemonSets (with their status).
    pub daemon_sets: Vec<DaemonSet>,
    /// Their ControllerRevisions (the highest revision is the current template).
    pub revisions: Vec<ControllerRevision>,
    /// Every node of the cluster.
    pub nodes: Vec<Node>,
    /// The pods: the DaemonSets' own, and the others bound to the nodes (what they request and their host ports).
    pub pods: Vec<Pod>,
    /// Events of the DaemonSets and of their pods (`FailedCreate`, `FailedScheduling`, `Unhealthy`, ...).
    pub events: Vec<Event>,
    /// Previous logs of crashing containers, when fetched.
    pub logs: Vec<ContainerLog>,
}

/// Why a state file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// Not valid YAML.
    #[error("{}invalid YAML: {message}", line.map(|l| format!("{l}: ")).unwrap_or_default())]
    Syntax {
        /// What the YAML parser said.
        message: String,
        /// 1-based line, when known.
        line: Option<usize>,
    },
    /// An object whose content does not fit its kind.
    #[error("document {document}{}: {kind}: {message}", item.map(|i| format!(", item {i}")).unwrap_or_default())]
    Invalid {
        /// 1-based document number in the stream.
        document: usize,
        /// 0-based index in the document's `items`, for a list.
        item: Option<usize>,
        /// The object's kind.
        kind: String,
        /// What is wrong.
        message: String,
    },
}

impl From<StateError> for crate::diagnostic::Diagnostic {
    /// An error at the line of a YAML error (the document and item of the others are in the message), keeping
    /// the error as its source; the file is the reader's to add.
    fn from(error: StateError) -> Self {
        let syntax = match &error {
            StateError::Syntax { message, line } => Some((*line, message.clone())),
            _ => None,
        };
        crate::diagnostic::Diagnostic::of_yaml_input(
            error,
            syntax
                .as_ref()
                .map(|(line, message)| (*line, message.as_str())),
        )
    }
}

/// The kind of the extra document that carries container logs in a state file.
pub(crate) const LOGS_KIND: &str = "ContainerLogList";

impl State {
    /// Reads a state from YAML: `List`s (any `*List`) and single objects of kinds DaemonSet, ControllerRevision,
    /// Node, Pod and Event, in any order, `---` separated; a `ContainerLogList` (`items: [{namespace, pod,
    /// container, tail}]`) carries logs. Other kinds are skipped, unknown fields ignored.
    ///
    /// ```
    /// let state = daemonset::doctor::State::from_yaml(
    ///     "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Node, metadata: {name: a}}\n",
    /// ).unwrap();
    /// assert_eq!(state.nodes.len(), 1);
    /// ```
    pub fn from_yaml(text: &str) -> Result<State, StateError> {
        let documents = yaml::documents_as_json(text).map_err(|e| StateError::Syntax {
            message: e.message,
            line: e.line,
        })?;
        let mut state = State::default();
        for (i, value) in documents.into_iter().enumerate() {
            let document = i + 1;
            let kind = value
                .get("kind")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
                .to_owned();
            if kind == LOGS_KIND {
                let items = value.get("items").cloned().unwrap_or_default();
                let logs: Vec<ContainerLog> =
                    serde_json::from_value(items).map_err(|e| StateError::Invalid {
                        document,
                        item: None,
                        kind: kind.clone(),
                        message: e.to_string(),
                    })?;
                state.logs.extend(logs);
            } else if kind.ends_with("List") {
                let items = match value.get("items") {
                    Some(serde_json::Value::Array(items)) => items.clone(),
                    _ => Vec::new(),
                };
                for (j, item) in items.into_iter().enumerate() {
                    state.add(item, document, Some(j))?;
                }
            } else {
                state.add(value, document, None)?;
            }
        }
        Ok(state)
    }

    fn add(
        &mut self,
        value: serde_json::Value,
        document: usize,
        item: Option<usize>,
    ) -> Result<(), StateError> {
        let kind = value
            .get("kind")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
            .to_owned();
        let invalid = |e: serde_json::Error| StateError::Invalid {
            document,
            item,
            kind: kind.clone(),
            message: e.to_string(),
        };
        match kind.as_str() {
            "DaemonSet" => self
                .daemon_sets
                .push(serde_json::from_value(value).map_err(invalid)?),
            "ControllerRevision" => self
                .revisions
                .push(serde_json::from_value(value).map_err(invalid)?),
            "Node" => self
                .nodes
                .push(serde_json::from_value(value).map_err(invalid)?),
            "Pod" => self
                .pods
                .push(serde_json::from_value(value).map_err(invalid)?),
            "Event" => self
                .events
                .push(serde_json::from_value(value).map_err(invalid)?),
            _ => {}
        }
        Ok(())
    }

    /// Writes the state as a YAML stream [`State::from_yaml`] reads back: one `List` of every object (with their
    /// `apiVersion` and `kind`), then the logs.
    pub fn to_yaml(&self) -> String {
        fn typed<T: Serialize>(object: &T, api_version: &str, kind: &str) -> serde_json::Value {
            let mut value = serde_json::to_value(object).unwrap_or_default();
            if let Some(map) = value.as_object_mut() {
                map.insert("apiVersion".into(), api_version.into());
                map.insert("kind".into(), kind.into());
            }
            value
        }
        let mut items = Vec::new();
        items.extend(self.nodes.iter().map(|o| typed(o, "v1", "Node")));
        items.extend(
            self.daemon_sets
                .iter()
                .map(|o| typed(o, "apps/v1", "DaemonSet")),
        );
        items.extend(
            self.revisions
                .iter()
                .map(|o| typed(o, "apps/v1", "ControllerRevision")),
        );
        items.extend(self.pods.iter().map(|o| typed(o, "v1", "Pod")));
        items.extend(self.events.iter().map(|o| typed(o, "v1", "Event")));
        let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items});
        let mut out = yaml::to_string(&list).unwrap_or_default();
        if !self.logs.is_empty() {
            let logs =
                serde_json::json!({"apiVersion": "v1", "kind": LOGS_KIND, "items": self.logs});
            out.push_str("---\n");
            out.push_str(&yaml::to_string(&logs).unwrap_or_default());
        }
        out
    }
}
