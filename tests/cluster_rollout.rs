//! Rollouts on a real control plane with three fake nodes and a fake kubelet: RollingUpdate with maxUnavailable and
//! with maxSurge progresses to completion through `wait_for_rollout` (a watch), history shows both revisions, undo
//! restores the first template; OnDelete reports the pods still on the old revision.

mod support;

use std::time::Duration;

use daemonset::build::{Budget, Container, NodeAgent, UpdateStrategy};
use daemonset::cluster::{ApplyOptions, ClusterError, RolloutState, UndoOutcome};
use daemonset::k8s::api::apps::v1::DaemonSet as K8sDaemonSet;
use daemonset::k8s::api::core::v1::Pod;
use kube::api::{Api, DeleteParams};
use serde_json::json;
use support::{TestEnv, eventually};

const TIMEOUT: Option<Duration> = Some(Duration::from_secs(120));

fn agent(namespace: &str, image: &str, strategy: UpdateStrategy) -> K8sDaemonSet {
    NodeAgent::builder()
        .name("agent")
        .selector_label("app", "agent")
        .node_selector("daemonset.test/ns", namespace)
        .container(Container::builder().name("agent").image(image).build())
        .update_strategy(strategy)
        .termination_grace_period_seconds(0)
        .build()
        .unwrap()
}

async fn three_nodes(namespace: &str) -> TestEnv {
    let mut env = TestEnv::new(namespace).await;
    for i in 0..3 {
        env.node(&format!("{namespace}-node-{i}"), &[], json!([]), None)
            .await;
    }
    env
}

fn images(pods: &[Pod]) -> Vec<String> {
    let mut images: Vec<String> = pods
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .map(|p| {
            p.spec.as_ref().unwrap().containers[0]
                .image
                .clone()
                .unwrap_or_default()
        })
        .collect();
    images.sort();
    images
}

async fn rolling_update_completes_then_undo_restores(namespace: &str, strategy: UpdateStrategy) {
    let env = three_nodes(namespace).await;
    let _kubelet = env.kubelet();
    let options = ApplyOptions::default();
    env.cluster
        .apply(&agent(namespace, "agent:1.0", strategy), &options)
        .await
        .unwrap();
    let first = env
        .cluster
        .wait_for_rollout("agent", TIMEOUT, |_| {})
        .await
        .unwrap();
    assert_eq!(
        (first.state.clone(), first.desired, first.available),
        (RolloutState::Complete, 3, 3),
        "{first:?}"
    );

    env.cluster
        .apply(&agent(namespace, "agent:2.0", strategy), &options)
        .await
        .unwrap();
    let mut seen = Vec::new();
    let done = env
        .cluster
        .wait_for_rollout("agent", TIMEOUT, |s| seen.push(s.message()))
        .await
        .unwrap();
    assert_eq!(done.state, RolloutState::Complete);
    assert_eq!(
        done.message(),
        "daemon set \"agent\" successfully rolled out"
    );
    assert!(
        seen.iter().any(|m| m.contains("new pods have been updated")
            || m.contains("updated pods are available")),
        "no progress was reported: {seen:?}"
    );
    assert!(
        eventually(30, || async {
            images(&env.pods().await) == ["agent:2.0"; 3]
        })
        .await,
        "{:?}",
        images(&env.pods().await)
    );

    let history = env.cluster.rollout_history("agent").await.unwrap();
    assert_eq!(
        history.iter().map(|r| r.revision).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(history[0].images, ["agent:1.0"]);
    assert_eq!(history[1].images, ["agent:2.0"]);

    let err = env
        .cluster
        .rollout_undo("agent", Some(99))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "unable to find specified revision 99 in history"
    );
    assert_eq!(
        env.cluster.rollout_undo("agent", Some(2)).await.unwrap(),
        UndoOutcome::AlreadyMatches { revision: 2 }
    );
    assert_eq!(
        env.cluster.rollout_undo("agent", None).await.unwrap(),
        UndoOutcome::RolledBack { revision: 1 }
    );
    let back = env
        .cluster
        .wait_for_rollout("agent", TIMEOUT, |_| {})
        .await
        .unwrap();
    assert_eq!(back.state, RolloutState::Complete);
    let api: Api<K8sDaemonSet> = Api::namespaced(env.cluster.client().clone(), namespace);
    let live = api.get("agent").await.unwrap();
    let template = &live.spec.unwrap().template;
    assert_eq!(
        template.spec.as_ref().unwrap().containers[0]
            .image
            .as_deref(),
        Some("agent:1.0")
    );
    assert_eq!(
        Some(template.clone()),
        history[0].template(),
        "undo restores the first template exactly"
    );
    assert!(
        eventually(30, || async {
            images(&env.pods().await) == ["agent:1.0"; 3]
        })
        .await
    );
    let after = env.cluster.rollout_history("agent").await.unwrap();
    assert_eq!(
        after.iter().map(|r| r.revision).collect::<Vec<_>>(),
        [2, 3],
        "kubectl renumbers the restored revision"
    );
    env.cleanup().await;
}

#[tokio::test]
#[ignore = "starts a control plane: run scripts/cluster-tests.sh"]
async fn rolling_update_with_max_unavailable() {
    rolling_update_completes_then_undo_restores(
        "rollout-unavailable",
        UpdateStrategy::max_unavailable(Budget::Count(1)),
    )
    .await;
}

#[tokio::test]
#[ignore = "starts a control plane: run scripts/cluster-tests.sh"]
async fn rolling_update_with_max_surge() {
    rolling_update_completes_then_undo_restores(
        "rollout-surge",
        UpdateStrategy::max_surge(Budget::Count(1)),
    )
    .await;
}

#[tokio::test]
#[ignore = "starts a control plane: run scripts/cluster-tests.sh"]
async fn on_delete_reports_pods_on_the_old_revision() {
    let namespace = "rollout-ondelete";
    let env = three_nodes(namespace).await;
    let _kubelet = env.kubelet();
    let options = ApplyOptions::default();
    env.cluster
        .apply(
            &agent(namespace, "agent:1.0", UpdateStrategy::OnDelete),
            &options,
        )
        .await
        .unwrap();
    assert!(
        eventually(60, || async {
            env.cluster.rollout_status("agent").await.unwrap().ready == 3
        })
        .await
    );

    env.cluster
        .apply(
            &agent(namespace, "agent:2.0", UpdateStrategy::OnDelete),
            &options,
        )
        .await
        .unwrap();
    let status = env
        .cluster
        .wait_for_rollout("agent", TIMEOUT, |_| {})
        .await
        .unwrap();
    assert_eq!(
        status.state,
        RolloutState::OnDelete { old: 3 },
        "{status:?}"
    );
    assert!(
        status
            .message()
            .contains("0 of 3 pods run the current template, 3 still run an old revision"),
        "{}",
        status.message()
    );

    let pods: Api<Pod> = Api::namespaced(env.cluster.client().clone(), namespace);
    let victim = env.pods().await[0].metadata.name.clone().unwrap();
    pods.delete(&victim, &DeleteParams::default())
        .await
        .unwrap();
    assert!(
        eventually(60, || async {
            env.cluster.rollout_status("agent").await.unwrap().state
                == RolloutState::OnDelete { old: 2 }
        })
        .await,
        "{:?}",
        env.cluster.rollout_status("agent").await
    );
    env.cleanup().await;
}

#[tokio::test]
#[ignore = "starts a control plane: run scripts/cluster-tests.sh"]
async fn waiting_times_out_with_a_status_summary() {
    let namespace = "rollout-timeout";
    let env = three_nodes(namespace).await;
    // no kubelet: pods never become ready
    env.cluster
        .apply(
            &agent(
                namespace,
                "agent:1.0",
                UpdateStrategy::max_unavailable(Budget::Count(1)),
            ),
            &ApplyOptions::default(),
        )
        .await
        .unwrap();
    let err = env
        .cluster
        .wait_for_rollout("agent", Some(Duration::from_secs(3)), |_| {})
        .await
        .unwrap_err();
    assert!(matches!(err, ClusterError::Timeout { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with("timed out after 3s waiting for the rollout of agent: "),
        "{err}"
    );
    env.cleanup().await;
}
