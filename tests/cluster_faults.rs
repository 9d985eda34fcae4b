//! Faults: the API server stops while a set of DaemonSets is being applied. The error says the server cannot be
//! reached; once it is back, applying the same set again converges with nothing lost or duplicated.

mod support;

use std::time::Duration;

use daemonset::build::{Container, NodeAgent};
use daemonset::cluster::{ApplyOptions, ApplyOutcome, ClusterError};
use daemonset::k8s::api::apps::v1::DaemonSet as K8sDaemonSet;
use kube::api::{Api, ListParams};
use support::TestEnv;

fn set(n: usize) -> Vec<K8sDaemonSet> {
    (0..n)
        .map(|i| {
            NodeAgent::builder()
                .name(format!("agent-{i:03}"))
                .selector_label("app", format!("agent-{i:03}"))
                .container(
                    Container::builder()
                        .name("agent")
                        .image("agent:1.0")
                        .build(),
                )
                .build()
                .unwrap()
        })
        .collect()
}

#[tokio::test]
#[ignore = "starts a control plane: run scripts/cluster-tests.sh"]
async fn apiserver_stopped_mid_apply_gives_a_clear_error_and_a_rerun_converges() {
    let env = TestEnv::new("faults").await;
    let plane = env.plane;
    let daemon_sets = set(1000);
    let options = ApplyOptions::default();

    // Kill the API server once 100 of the 1000 DaemonSets exist: in the middle of the set.
    let watcher = env.cluster.client().clone();
    let stopper = tokio::spawn(async move {
        let api: Api<K8sDaemonSet> = Api::namespaced(watcher, "faults");
        loop {
            let count = api
                .list_metadata(&ListParams::default())
                .await
                .map(|l| l.items.len())
                .unwrap_or(0);
            if count >= 100 {
                return tokio::task::spawn_blocking(move || plane.stop_apiserver())
                    .await
                    .unwrap();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    let (done, error) = match env.cluster.apply_all(&daemon_sets, &options).await {
        Ok(all) => panic!("all {} applied before the server went away", all.len()),
        Err(partial) => partial,
    };
    let args = stopper.await.unwrap();
    assert!(
        !done.is_empty() && done.len() < daemon_sets.len(),
        "stopped after {} of {}",
        done.len(),
        daemon_sets.len()
    );
    assert!(matches!(error, ClusterError::Unreachable { .. }), "{error}");
    assert!(
        error
            .to_string()
            .starts_with("cannot reach the API server at https://127.0.0.1:"),
        "{error}"
    );

    plane.start_apiserver(&args);
    let again = env
        .cluster
        .apply_all(&daemon_sets, &options)
        .await
        .map_err(|(_, e)| e)
        .unwrap();
    assert_eq!(again.len(), daemon_sets.len());
    let unchanged = again
        .iter()
        .filter(|a| a.outcome == ApplyOutcome::Unchanged)
        .count();
    assert!(
        unchanged >= done.len(),
        "{unchanged} unchanged, {} applied before the fault",
        done.len()
    );
    let api: Api<K8sDaemonSet> = Api::namespaced(env.cluster.client().clone(), "faults");
    let mut names: Vec<String> = api
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|d| d.metadata.name.unwrap())
        .collect();
    names.sort();
    let expected: Vec<String> = daemon_sets
        .iter()
        .map(|d| d.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(names, expected, "every DaemonSet exists exactly once");
}
