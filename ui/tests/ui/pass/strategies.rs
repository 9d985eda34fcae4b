//! Update strategies and budgets: counts, percentages, a zero budget beside the non-zero one, expressions.
//! Under `#![deny(warnings)]`: the expansion gives no warning in the user's crate (the `{ expr }` braces and a
//! closure's parentheses are the grammar's, not `unused_braces`/`unused_parens`).
#![deny(warnings)]

use daemonset::build::Budget;
use daemonset::daemonset;

fn with_surge(
    budget: Budget,
) -> Result<daemonset::k8s::api::apps::v1::DaemonSet, daemonset::ValidationErrors> {
    daemonset! {
        name: "agent",
        selector: { app: "agent" },
        containers: [{ name: "agent", image: "agent:1.0", ports: [8080] }],
        update_strategy: RollingUpdate { max_surge: { budget } },
    }
}

fn main() {
    for ds in [
        daemonset! {
            name: "a", selector: { app: "a" }, containers: [{ name: "a", image: "a:1" }],
            update_strategy: OnDelete,
        },
        daemonset! {
            name: "b", selector: { app: "b" }, containers: [{ name: "b", image: "b:1" }],
            update_strategy: RollingUpdate { max_unavailable: "100%", max_surge: 0 },
        },
        daemonset! {
            name: "c", selector: { app: "c" }, containers: [{ name: "c", image: "c:1" }],
            update_strategy: RollingUpdate { max_unavailable: 0, max_surge: "25%" },
        },
        with_surge(Budget::Count(2)),
    ] {
        ds.unwrap();
    }
}
