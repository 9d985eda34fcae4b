//! The cluster the plan is made for: nodes and the pods bound to them, read from YAML (`kubectl get nodes -o yaml`
//! prints a `List`; a multi-document stream or single objects work too) and indexed once for many DaemonSets.

use k8s_openapi::api::core::v1::{Node, Pod};
use serde::de::DeserializeOwned;

use super::index::{FxMap, LabelIndex};
use super::ownership::{is_bound, is_terminal};
use super::ports::{HostPort, host_ports};
use super::resources::{Amounts, Capacity, pod_requests};
use crate::yaml;

/// Why an inventory could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InventoryError {
    /// Not valid YAML.
    #[error("{}invalid YAML: {message}", line.map(|l| format!("{l}: ")).unwrap_or_default())]
    Syntax {
        /// What the YAML parser said.
        message: String,
        /// 1-based line, when known.
        line: Option<usize>,
    },
    /// A document (or list item) of another kind.
    #[error("document {document}{}: expected {expected}, found kind `{found}`", item.map(|i| format!(", item {i}")).unwrap_or_default())]
    WrongKind {
        /// 1-based document number in the stream.
        document: usize,
        /// 0-based index in the document's `items`, for a list.
        item: Option<usize>,
        /// The kind that was expected (`Node`, `Pod`).
        expected: &'static str,
        /// The kind found.
        found: String,
    },
    /// A document of the right kind whose content does not fit the type.
    #[error("document {document}{}: {message}", item.map(|i| format!(", item {i}")).unwrap_or_default())]
    Invalid {
        /// 1-based document number in the stream.
        document: usize,
        /// 0-based index in the document's `items`, for a list.
        item: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// A node without a name, or with the name of an earlier node.
    #[error("document {document}{}: {message}", item.map(|i| format!(", item {i}")).unwrap_or_default())]
    NodeName {
        /// 1-based document number in the stream.
        document: usize,
        /// 0-based index in the document's `items`, for a list.
        item: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// A node's `status.allocatable` amount that is not a quantity (`cpu: 4 cores`, `pods: lots`).
    #[error(
        "node `{node}`: status.allocatable.{resource}: `{value}` is not a quantity ({message})"
    )]
    Allocatable {
        /// The node's name.
        node: String,
        /// The resource name.
        resource: String,
        /// The value as written.
        value: String,
        /// Why it is not a quantity.
        message: String,
    },
}

impl From<InventoryError> for crate::diagnostic::Diagnostic {
    /// An error at the line of a YAML error (the document and item of the others are in the message), keeping
    /// the error as its source; the file is the reader's to add.
    fn from(error: InventoryError) -> Self {
        let syntax = match &error {
            InventoryError::Syntax { message, line } => Some((*line, message.clone())),
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

/// Parses the objects of a stream with the document number and list item each came from.
fn parse_objects<T: DeserializeOwned>(
    text: &str,
    kind: &'static str,
) -> Result<Vec<T>, InventoryError> {
    Ok(parse_placed(text, kind)?
        .into_iter()
        .map(|(_, _, object)| object)
        .collect())
}

type Placed<T> = (usize, Option<usize>, T);

fn parse_placed<T: DeserializeOwned>(
    text: &str,
    kind: &'static str,
) -> Result<Vec<Placed<T>>, InventoryError> {
    let documents = yaml::documents_as_json(text).map_err(|e| InventoryError::Syntax {
        message: e.message,
        line: e.line,
    })?;
    let list_kind = format!("{kind}List");
    let mut objects = Vec::new();
    for (i, value) in documents.into_iter().enumerate() {
        let document = i + 1;
        if value.is_null() {
            continue;
        }
        let found = value
            .get("kind")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
            .to_owned();
        let one = |value: serde_json::Value, item: Option<usize>| -> Result<T, InventoryError> {
            let found = value
                .get("kind")
                .and_then(serde_json::Value::as_str)
                .unwrap_or(kind);
            if found != kind {
                return Err(InventoryError::WrongKind {
                    document,
                    item,
                    expected: kind,
                    found: found.to_owned(),
                });
            }
            serde_json::from_value(value).map_err(|e| InventoryError::Invalid {
                document,
                item,
                message: e.to_string(),
            })
        };
        if found == "List" || found == list_kind {
            let items = match value.get("items") {
                Some(serde_json::Value::Array(items)) => items.clone(),
                Some(serde_json::Value::Null) | None => Vec::new(),
                Some(_) => {
                    return Err(InventoryError::Invalid {
                        document,
                        item: None,
                        message: "`items` is not a list".into(),
                    });
                }
            };
            for (j, item) in items.into_iter().enumerate() {
                objects.push((document, Some(j), one(item, Some(j))?));
            }
        } else {
            objects.push((document, None, one(value, None)?));
        }
    }
    Ok(objects)
}

/// Reads nodes from YAML: a `List`/`NodeList` (`kubectl get nodes -o yaml`), a `---` stream of them or of single
/// `Node` documents. Unknown fields are ignored (the output of a newer cluster still reads).
///
/// ```
/// let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata: {name: a}\n";
/// let nodes = daemonset::plan::parse_nodes(text).unwrap();
/// assert_eq!(nodes[0].metadata.name.as_deref(), Some("a"));
/// ```
///
/// Every node must have a name of its own, and every `status.allocatable` amount must be a quantity: a malformed
/// one is an error naming the node and the resource, never counted as 0.
pub fn parse_nodes(text: &str) -> Result<Vec<Node>, InventoryError> {
    let placed: Vec<Placed<Node>> = parse_placed(text, "Node")?;
    let mut seen: std::collections::HashMap<&str, (usize, Option<usize>)> =
        std::collections::HashMap::with_capacity(placed.len());
    let at = |document: usize, item: Option<usize>| match item {
        Some(i) => format!("document {document}, item {i}"),
        None => format!("document {document}"),
    };
    for (document, item, node) in &placed {
        let (document, item) = (*document, *item);
        let name = node.metadata.name.as_deref().unwrap_or_default();
        if name.is_empty() {
            return Err(InventoryError::NodeName {
                document,
                item,
                message: "a node without a name (metadata.name)".into(),
            });
        }
        if let Some(&(first_document, first_item)) = seen.get(name) {
            return Err(InventoryError::NodeName {
                document,
                item,
                message: format!(
                    "node `{name}` is listed twice (first at {})",
                    at(first_document, first_item)
                ),
            });
        }
        seen.insert(name, (document, item));
        let allocatable = node.status.as_ref().and_then(|s| s.allocatable.as_ref());
        for (resource, quantity) in allocatable.into_iter().flatten() {
            if let Err(e) = crate::rules::Quantity::parse(&quantity.0) {
                return Err(InventoryError::Allocatable {
                    node: name.to_owned(),
                    resource: resource.clone(),
                    value: quantity.0.clone(),
                    message: e.to_string(),
                });
            }
        }
    }
    Ok(placed.into_iter().map(|(_, _, node)| node).collect())
}

/// Reads pods from YAML, in the same forms as [`parse_nodes`] (`kubectl get pods -A -o yaml`).
pub fn parse_pods(text: &str) -> Result<Vec<Pod>, InventoryError> {
    parse_objects(text, "Pod")
}

/// What is known about one node, computed once: its allocatable, what the pods bound to it request, their host ports.
#[derive(Debug, Clone, Default)]
pub(crate) struct NodeState<'a> {
    pub capacity: Capacity<'a>,
    pub used: Amounts<'a>,
    /// Indices (in the pod list) of the live pods bound to the node.
    pub pods: Vec<usize>,
    pub ports: Vec<(HostPort<'a>, usize)>,
}

/// Nodes and the pods bound to them, indexed once so that many DaemonSets can be planned against them.
///
/// ```
/// use daemonset::plan::Inventory;
/// let nodes = daemonset::plan::parse_nodes("kind: Node\napiVersion: v1\nmetadata: {name: a}\n").unwrap();
/// let inventory = Inventory::new(&nodes, &[]);
/// assert_eq!(inventory.nodes().len(), 1);
/// ```
#[derive(Debug, Clone)]
pub struct Inventory<'a> {
    pub(crate) nodes: &'a [Node],
    pub(crate) pods: &'a [Pod],
    pub(crate) index: FxMap<&'a str, usize>,
    pub(crate) state: Vec<NodeState<'a>>,
    pub(crate) labels: LabelIndex<'a>,
    /// Live pods with a DaemonSet controller reference, by `(namespace, DaemonSet name)`.
    pub(crate) by_controller: FxMap<(&'a str, &'a str), Vec<usize>>,
    /// Live pods without a controller reference, by namespace (a DaemonSet may adopt them).
    pub(crate) orphans: FxMap<&'a str, Vec<usize>>,
}

impl<'a> Inventory<'a> {
    /// Indexes the nodes and the pods (pods not bound to a listed node, or finished, hold nothing).
    pub fn new(nodes: &'a [Node], pods: &'a [Pod]) -> Inventory<'a> {
        let index: FxMap<&str, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.metadata.name.as_deref().unwrap_or(""), i))
            .collect();
        let mut state: Vec<NodeState<'a>> = nodes
            .iter()
            .map(|n| NodeState {
                capacity: Capacity::of(n),
                ..NodeState::default()
            })
            .collect();
        let mut by_controller: FxMap<(&str, &str), Vec<usize>> = FxMap::default();
        let mut orphans: FxMap<&str, Vec<usize>> = FxMap::default();
        for (p, pod) in pods.iter().enumerate() {
            if is_terminal(pod) || pod.metadata.deletion_timestamp.is_some() {
                continue;
            }
            let namespace = pod
                .metadata
                .namespace
                .as_deref()
                .filter(|n| !n.is_empty())
                .unwrap_or("default");
            let refs = pod.metadata.owner_references.as_deref().unwrap_or_default();
            match refs.iter().find(|r| r.controller == Some(true)) {
                Some(r) if r.kind == "DaemonSet" => by_controller
                    .entry((namespace, r.name.as_str()))
                    .or_default()
                    .push(p),
                Some(_) => {}
                None => orphans.entry(namespace).or_default().push(p),
            }
        }
        for (p, pod) in pods.iter().enumerate() {
            if !is_bound(pod) || is_terminal(pod) {
                continue;
            }
            let Some(spec) = pod.spec.as_ref() else {
                continue;
            };
            let Some(&i) = spec.node_name.as_deref().and_then(|n| index.get(n)) else {
                continue;
            };
            let s = &mut state[i];
            s.pods.push(p);
            s.used.add(&pod_requests(spec));
            s.ports.extend(host_ports(spec).map(|port| (port, p)));
        }
        Inventory {
            nodes,
            pods,
            index,
            state,
            labels: LabelIndex::new(nodes),
            by_controller,
            orphans,
        }
    }

    /// The nodes, in the order given.
    pub fn nodes(&self) -> &'a [Node] {
        self.nodes
    }

    /// The pods, in the order given.
    pub fn pods(&self) -> &'a [Pod] {
        self.pods
    }

    /// A node by name.
    pub fn node(&self, name: &str) -> Option<&'a Node> {
        self.index.get(name).map(|&i| &self.nodes[i])
    }
}

#[cfg(test)]
mod input_checks {
    use super::*;

    fn node(name: &str, allocatable: &str) -> String {
        format!(
            "apiVersion: v1\nkind: Node\nmetadata: {{name: '{name}'}}\nstatus:\n  allocatable: {{{allocatable}}}\n"
        )
    }

    #[test]
    fn malformed_allocatable_is_an_error_naming_the_node_and_the_resource() {
        for (amounts, resource, value) in [
            ("cpu: '4 cores', pods: '110'", "cpu", "4 cores"),
            ("cpu: '4', pods: lots", "pods", "lots"),
            ("cpu: '4', memory: 8 GB", "memory", "8 GB"),
        ] {
            let text = format!("{}---\n{}", node("a", "cpu: '2'"), node("b", amounts));
            let err = parse_nodes(&text).unwrap_err();
            assert!(
                matches!(&err, InventoryError::Allocatable { node, resource: r, value: v, .. }
                    if node == "b" && r == resource && v == value),
                "{err:?}"
            );
            let message = err.to_string();
            assert!(
                message.starts_with(&format!(
                    "node `b`: status.allocatable.{resource}: `{value}` is not a quantity"
                )),
                "{message}"
            );
        }
        assert_eq!(
            parse_nodes(&node("a", "cpu: 3500m, memory: 8Gi, pods: '110'"))
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn duplicate_and_empty_node_names_are_errors() {
        let text = format!(
            "kind: List\napiVersion: v1\nitems:\n- {{kind: Node, apiVersion: v1, metadata: {{name: a}}}}\n- {{kind: Node, apiVersion: v1, metadata: {{name: b}}}}\n---\n{}",
            node("a", "cpu: '1'")
        );
        let err = parse_nodes(&text).unwrap_err();
        assert_eq!(
            err.to_string(),
            "document 2: node `a` is listed twice (first at document 1, item 0)"
        );
        for nameless in [
            "kind: Node\napiVersion: v1\nmetadata: {}\n",
            "kind: Node\napiVersion: v1\nmetadata: {name: ''}\n",
        ] {
            let err = parse_nodes(nameless).unwrap_err();
            assert_eq!(
                err.to_string(),
                "document 1: a node without a name (metadata.name)"
            );
        }
    }
}
