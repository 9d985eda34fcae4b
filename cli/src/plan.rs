//! `daemonset plan`: where DaemonSets' pods go on an inventory of nodes, and why not on the others.

use std::path::Path;

use daemonset::diagnostic::Diagnostic;
use daemonset::k8s::api::apps::v1::DaemonSet;
use daemonset::k8s::api::core::v1::{Node, Pod};
use daemonset::plan::{self, Inventory, InventoryError};

use crate::cli::{PlanArgs, PlanFormat};
use crate::inputs::{self, Source};
use crate::render;
use crate::report::{self, Outcome};

fn source(path: &Path) -> Source {
    if path.as_os_str() == "-" {
        Source::Stdin
    } else {
        Source::File(path.to_owned())
    }
}

/// Reads an inventory file (nodes or pods) with the library's parser.
fn read_file<T>(
    path: &Path,
    parse: fn(&str) -> Result<Vec<T>, InventoryError>,
) -> Result<Vec<T>, Outcome> {
    let input = inputs::read(&source(path)).map_err(|e| {
        report::error(&e);
        inputs::outcome(&e)
    })?;
    parse(&input.text).map_err(|e| {
        let mut diagnostic = Diagnostic::from(e);
        diagnostic.location.file = Some(input.name);
        report::diagnostic(&diagnostic);
        Outcome::Problems
    })
}

/// The nodes and pods: from the files, or (feature `cluster`, no `--nodes`) from the live cluster.
fn inventory(args: &PlanArgs) -> Result<(Vec<Node>, Vec<Pod>), Outcome> {
    let pods_from_file = |path: &Option<std::path::PathBuf>| match path {
        Some(path) => read_file(path, plan::parse_pods),
        None => Ok(Vec::new()),
    };
    match &args.nodes {
        Some(path) => {
            let nodes = read_file(path, plan::parse_nodes)?;
            Ok((nodes, pods_from_file(&args.pods)?))
        }
        #[cfg(feature = "cluster")]
        None => {
            let pods = match &args.pods {
                Some(_) => Some(pods_from_file(&args.pods)?),
                None => None,
            };
            live::inventory(args, pods)
        }
        #[cfg(not(feature = "cluster"))]
        None => {
            eprintln!("error: --nodes is required (this build has no cluster access)");
            Err(Outcome::Problems)
        }
    }
}

#[cfg(feature = "cluster")]
mod live {
    use daemonset::cluster::ConnectOptions;
    use daemonset::k8s::api::core::v1::{Node, Pod};

    use crate::cli::PlanArgs;
    use crate::cluster;
    use crate::report::Outcome;

    /// Lists the nodes and (unless given) the pods that are not finished, in every namespace.
    pub fn inventory(
        args: &PlanArgs,
        pods: Option<Vec<Pod>>,
    ) -> Result<(Vec<Node>, Vec<Pod>), Outcome> {
        let options = ConnectOptions {
            kubeconfig: args.kubeconfig.clone(),
            context: args.context.clone(),
            namespace: None,
        };
        cluster::within(args.timeout.0, "plan (reading the live cluster)", async {
            let cluster = cluster::connect(&options).await?;
            let nodes = cluster.list_nodes().await.map_err(|e| cluster::fail(&e))?;
            let pods = match pods {
                Some(pods) => pods,
                None => cluster
                    .list_active_pods()
                    .await
                    .map_err(|e| cluster::fail(&e))?,
            };
            eprintln!(
                "note: read {} node{} and {} pod{} from {}",
                nodes.len(),
                if nodes.len() == 1 { "" } else { "s" },
                pods.len(),
                if pods.len() == 1 { "" } else { "s" },
                cluster.server()
            );
            Ok((nodes, pods))
        })
    }
}

fn id(ds: &DaemonSet) -> String {
    format!(
        "{}/{}",
        ds.metadata.namespace.as_deref().unwrap_or("default"),
        ds.metadata.name.as_deref().unwrap_or_default()
    )
}

/// Runs the command.
pub fn run(args: &PlanArgs) -> Outcome {
    let values = match inputs::values(&args.values) {
        Ok(values) => values,
        Err(outcome) => return outcome,
    };
    let paths = match crate::cli::input_paths(&args.files, &args.inputs) {
        Ok(paths) => paths,
        Err(outcome) => return outcome,
    };
    let objects = match render::load_all(&paths, &values) {
        Ok(objects) => objects,
        Err(outcome) => {
            eprintln!("error: nothing was planned: fix the problems above");
            return outcome;
        }
    };
    if objects.is_empty() {
        eprintln!("error: no DaemonSet found in the inputs");
        return Outcome::Problems;
    }
    let (nodes, pods) = match inventory(args) {
        Ok(inventory) => inventory,
        Err(outcome) => return outcome,
    };
    let inventory = Inventory::new(&nodes, &pods);
    let several = objects.len() > 1;

    if let Some(node) = &args.explain {
        if inventory.node(node).is_none() {
            let names: Vec<&str> = nodes
                .iter()
                .map(|n| n.metadata.name.as_deref().unwrap_or_default())
                .collect();
            eprintln!(
                "error: node `{node}` is not in the inventory ({} node{}: {})",
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                if names.len() > 20 {
                    format!("{}, ...", names[..20].join(", "))
                } else {
                    names.join(", ")
                }
            );
            return Outcome::Problems;
        }
        let mut out = String::new();
        for (i, ds) in objects.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            if let Some(text) = plan::explain(&inventory, ds, node) {
                out.push_str(&text);
            }
        }
        return report::print(&out);
    }

    let plans: Vec<_> = objects.iter().map(|ds| inventory.plan(ds)).collect();
    let mut out = String::new();
    match args.format {
        PlanFormat::Table => {
            for (i, (ds, plan)) in objects.iter().zip(&plans).enumerate() {
                if several {
                    if i > 0 {
                        out.push('\n');
                    }
                    out.push_str(&format!("DaemonSet {}:\n", id(ds)));
                }
                out.push_str(&plan::table(plan));
            }
        }
        PlanFormat::Json => {
            let text = if several {
                serde_json::to_string_pretty(&plans)
            } else {
                serde_json::to_string_pretty(&plans[0])
            };
            match text {
                Ok(text) => {
                    out = text;
                    out.push('\n');
                }
                Err(e) => {
                    report::error(&e);
                    return Outcome::IoFailure;
                }
            }
        }
    }
    report::print(&out)
}
