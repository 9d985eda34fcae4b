//! The seed's smaller fragments, each as the pod-template part it sets: a nodeSelector (`disktype: ssd`), a
//! required node affinity (`kubernetes.io/arch In [amd64]`) and a toleration (`special Exists NoSchedule`).
//! `cargo run -q --example snippets` prints each fragment as YAML, the way the seed shows it.

use daemonset::build::{Container, Effect, NodeAffinity, NodeAgent, Requirement, Term, Toleration};
use daemonset::k8s::api::apps::v1::DaemonSet as K8sDaemonSet;
use serde_json::json;

/// The three fragments applied to one small DaemonSet each, in the seed's order.
pub fn daemon_sets() -> Result<Vec<K8sDaemonSet>, daemonset::ValidationErrors> {
    let base = |name: &str| {
        NodeAgent::builder()
            .name(name)
            .selector_label("app", "agent")
            .container(
                Container::builder()
                    .name("agent")
                    .image("agent:1.0")
                    .build(),
            )
    };
    Ok(vec![
        base("ssd-only").node_selector("disktype", "ssd").build()?,
        base("amd64-only")
            .node_affinity(NodeAffinity::new().require(Term::all([Requirement::is_in(
                "kubernetes.io/arch",
                ["amd64"],
            )])))
            .build()?,
        base("special-tolerated")
            .toleration(Toleration::exists("special").effect(Effect::NoSchedule))
            .build()?,
    ])
}

/// The part of a DaemonSet that a seed fragment shows: `spec.template.spec.<field>`.
pub fn fragment(daemon_set: &K8sDaemonSet, field: &str) -> serde_json::Value {
    let full = serde_json::to_value(daemon_set).expect("a DaemonSet serializes");
    json!({ "spec": { "template": { "spec": { field: full["spec"]["template"]["spec"][field] } } } })
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sets = daemon_sets()?;
    for (ds, field) in sets.iter().zip(["nodeSelector", "affinity", "tolerations"]) {
        println!("# {field}");
        print!("{}", daemonset::render::to_yaml(&fragment(ds, field))?);
    }
    Ok(())
}
