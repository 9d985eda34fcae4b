//! Apply, dry-run, diff, conflicts and the errors a user meets, against a real control plane (see `support`).

mod support;

#[path = "../examples/log-collector.rs"]
mod log_collector;
#[path = "../examples/nginx-daemonset.rs"]
mod nginx_daemonset;
#[path = "../examples/node-specific-daemonset.rs"]
mod node_specific_daemonset;
#[path = "../examples/resource-limited-daemonset.rs"]
mod resource_limited_daemonset;
#[path = "../examples/rolling-update-daemonset.rs"]
mod rolling_update_daemonset;
#[path = "../examples/snippets.rs"]
mod snippets;
#[path = "../examples/tolerate-taints-daemonset.rs"]
mod tolerate_taints_daemonset;

use std::path::PathBuf;

use daemonset::build::{Container, NodeAgent};
use daemonset::cluster::{ApplyOptions, ApplyOutcome, Cluster, ClusterError, ConnectOptions};
use daemonset::k8s::api::apps::v1::DaemonSet as K8sDaemonSet;
use support::{ControlPlane, TestEnv};

fn seeds() -> Vec<K8sDaemonSet> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seeds");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "yaml") && !p.to_string_lossy().contains("misplaced")
        })
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| daemonset::parse::from_yaml(&std::fs::read_to_string(p).unwrap()).unwrap())
        .collect()
}

fn examples() -> Vec<K8sDaemonSet> {
    let mut all = vec![
        log_collector::daemon_set().unwrap(),
        nginx_daemonset::daemon_set().unwrap(),
        node_specific_daemonset::daemon_set().unwrap(),
        resource_limited_daemonset::daemon_set().unwrap(),
        rolling_update_daemonset::daemon_set().unwrap(),
        tolerate_taints_daemonset::daemon_set().unwrap(),
    ];
    all.extend(snippets::daemon_sets().unwrap());
    all
}

fn agent(name: &str, image: &str) -> K8sDaemonSet {
    NodeAgent::builder()
        .name(name)
        .selector_label("app", name)
        .container(Container::builder().name("agent").image(image).build())
        .build()
        .unwrap()
}

#[tokio::test]
#[ignore = "starts a control plane: run scripts/cluster-tests.sh"]
async fn every_seed_and_example_applies_and_a_second_apply_is_a_no_op() {
    let env = TestEnv::new("apply-seeds").await;
    let options = ApplyOptions::default();
    let dry = ApplyOptions {
        dry_run: true,
        ..ApplyOptions::default()
    };
    let mut applied = 0;
    for (i, ds) in seeds().into_iter().chain(examples()).enumerate() {
        // Seeds and examples share names (they are the same manifests): apply each in its own name.
        let mut ds = ds;
        ds.metadata.name = Some(format!("{}-{i}", ds.metadata.name.unwrap()));
        let name = ds.metadata.name.clone().unwrap();
        let dry_run = env
            .cluster
            .apply(&ds, &dry)
            .await
            .unwrap_or_else(|e| panic!("{name}: dry run: {e}"));
        assert_eq!(dry_run.outcome, ApplyOutcome::Created, "{name}");
        let first = env
            .cluster
            .apply(&ds, &options)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(first.outcome, ApplyOutcome::Created, "{name}");
        let second = env.cluster.apply(&ds, &options).await.unwrap();
        assert_eq!(
            second.outcome,
            ApplyOutcome::Unchanged,
            "{name}: second apply changed the object"
        );
        assert_eq!(
            second.object.metadata.generation,
            first.object.metadata.generation
        );
        let dry_again = env.cluster.apply(&ds, &dry).await.unwrap();
        assert_eq!(dry_again.outcome, ApplyOutcome::Unchanged, "{name}");
        applied += 1;
    }
    assert_eq!(applied, 15);
}

#[tokio::test]
#[ignore = "starts a control plane: run scripts/cluster-tests.sh"]
async fn a_conflict_with_another_field_manager_is_reported_and_forcing_takes_over() {
    let env = TestEnv::new("apply-conflict").await;
    let theirs = ApplyOptions {
        field_manager: "helm".into(),
        ..ApplyOptions::default()
    };
    env.cluster
        .apply(&agent("shared", "agent:1.0"), &theirs)
        .await
        .unwrap();
    let err = env
        .cluster
        .apply(&agent("shared", "agent:2.0"), &ApplyOptions::default())
        .await
        .unwrap_err();
    match &err {
        ClusterError::Conflict { name, conflicts } => {
            assert_eq!(name, "shared");
            assert_eq!(conflicts.len(), 1, "{conflicts:?}");
            assert_eq!(conflicts[0].manager, "helm");
            assert_eq!(
                conflicts[0].field,
                ".spec.template.spec.containers[name=\"agent\"].image"
            );
        }
        other => panic!("expected a conflict, got {other}"),
    }
    assert!(err.to_string().contains("is owned by \"helm\""), "{err}");
    let live = env
        .cluster
        .apply(&agent("shared", "agent:1.0"), &theirs)
        .await
        .unwrap();
    assert_eq!(
        live.outcome,
        ApplyOutcome::Unchanged,
        "the refused apply must not have changed anything"
    );
    let forced = ApplyOptions {
        force_conflicts: true,
        ..ApplyOptions::default()
    };
    let taken = env
        .cluster
        .apply(&agent("shared", "agent:2.0"), &forced)
        .await
        .unwrap();
    assert_eq!(taken.outcome, ApplyOutcome::Configured);
}

#[tokio::test]
#[ignore = "starts a control plane: run scripts/cluster-tests.sh"]
async fn a_selector_change_is_refused_before_sending() {
    let env = TestEnv::new("apply-selector").await;
    env.cluster
        .apply(&agent("moving", "agent:1.0"), &ApplyOptions::default())
        .await
        .unwrap();
    let mut changed = agent("moving", "agent:1.0");
    let spec = changed.spec.as_mut().unwrap();
    spec.selector.match_labels = Some([("app".to_owned(), "other".to_owned())].into());
    spec.template.metadata.as_mut().unwrap().labels = spec.selector.match_labels.clone();
    let err = env
        .cluster
        .apply(&changed, &ApplyOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, ClusterError::ImmutableSelector { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("is immutable"), "{err}");
}

#[tokio::test]
#[ignore = "starts a control plane: run scripts/cluster-tests.sh"]
async fn diff_shows_what_applying_would_change() {
    let env = TestEnv::new("diff").await;
    let options = ApplyOptions::default();
    let new = env
        .cluster
        .diff(&agent("differ", "agent:1.0"), &options)
        .await
        .unwrap();
    assert!(new.has_changes());
    assert!(new.unified.contains("+  name: differ"), "{}", new.unified);
    env.cluster
        .apply(&agent("differ", "agent:1.0"), &options)
        .await
        .unwrap();
    let same = env
        .cluster
        .diff(&agent("differ", "agent:1.0"), &options)
        .await
        .unwrap();
    assert!(!same.has_changes(), "{}", same.unified);
    let changed = env
        .cluster
        .diff(&agent("differ", "agent:1.1"), &options)
        .await
        .unwrap();
    assert!(
        changed.unified.contains("-      - image: agent:1.0"),
        "{}",
        changed.unified
    );
    assert!(
        changed.unified.contains("+      - image: agent:1.1"),
        "{}",
        changed.unified
    );
    assert!(
        changed
            .unified
            .starts_with("--- live/diff/differ\n+++ desired/diff/differ\n"),
        "{}",
        changed.unified
    );
    // the diff is a dry run: nothing changed
    let after = env
        .cluster
        .diff(&agent("differ", "agent:1.1"), &options)
        .await
        .unwrap();
    assert!(after.has_changes());
}

#[tokio::test]
#[ignore = "starts a control plane: run scripts/cluster-tests.sh"]
async fn the_server_rejects_what_validation_would_and_says_where() {
    let env = TestEnv::new("apply-invalid").await;
    let mut ds = agent("broken", "agent:1.0");
    ds.spec
        .as_mut()
        .unwrap()
        .template
        .spec
        .as_mut()
        .unwrap()
        .containers[0]
        .name = "Not_A_Label".into();
    let ours = daemonset::validate(&ds).unwrap_err();
    let err = env
        .cluster
        .apply(
            &ds,
            &ApplyOptions {
                dry_run: true,
                ..ApplyOptions::default()
            },
        )
        .await
        .unwrap_err();
    let ClusterError::Invalid { message, .. } = &err else {
        panic!("{err}")
    };
    assert!(
        message.contains(ours.violations()[0].path.as_str()),
        "server: {message}\nours: {ours}"
    );
}

#[tokio::test]
#[ignore = "starts a control plane: run scripts/cluster-tests.sh"]
async fn errors_a_user_meets_are_clear() {
    let plane = ControlPlane::shared();
    let dir = tempdir("errors");

    // no kubeconfig
    let missing = dir.join("nope/kubeconfig");
    let err = Cluster::connect(&ConnectOptions {
        kubeconfig: Some(missing.clone()),
        ..Default::default()
    })
    .await
    .unwrap_err();
    assert!(matches!(err, ClusterError::NoKubeconfig { .. }), "{err}");
    assert!(
        err.to_string().contains(&missing.display().to_string()),
        "{err}"
    );

    let admin = std::fs::read_to_string(&plane.kubeconfig).unwrap();
    let server = admin
        .lines()
        .find_map(|l| l.trim().strip_prefix("server: "))
        .unwrap()
        .trim_matches('"')
        .to_owned();
    let pki = plane.workdir.join("pki");
    let kubeconfig = |name: &str, server: &str, ca: &std::path::Path, user: &str| {
        let text = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {server}\n    \
             certificate-authority: {ca}\nusers:\n- name: u\n  user:\n    client-certificate: {crt}\n    \
             client-key: {key}\ncontexts:\n- name: x\n  context: {{cluster: c, user: u, namespace: default}}\n\
             current-context: x\n",
            ca = ca.display(),
            crt = dir.join(format!("{user}.crt")).display(),
            key = dir.join(format!("{user}.key")).display(),
        );
        write(&dir, name, &text)
    };
    std::fs::copy(pki.join("admin.crt"), dir.join("admin.crt")).unwrap();
    std::fs::copy(pki.join("admin.key"), dir.join("admin.key")).unwrap();
    let ca = pki.join("ca.crt");

    // the hand-written kubeconfig works as admin
    let fine = kubeconfig("fine", &server, &ca, "admin");
    let err = connect(&fine).await.rollout_status("x").await.unwrap_err();
    assert!(matches!(err, ClusterError::NotFound { .. }), "{err}");

    // unreachable: a port nothing listens on
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let unreachable = kubeconfig(
        "unreachable",
        &format!("https://127.0.0.1:{closed}"),
        &ca,
        "admin",
    );
    let err = connect(&unreachable)
        .await
        .rollout_status("x")
        .await
        .unwrap_err();
    assert!(matches!(err, ClusterError::Unreachable { .. }), "{err}");
    assert!(
        err.to_string().starts_with(&format!(
            "cannot reach the API server at https://127.0.0.1:{closed}"
        )),
        "{err}"
    );

    // TLS: a CA that did not sign the server's certificate
    let other_ca = dir.join("other-ca.crt");
    let status = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=other-ca",
        ])
        .arg("-keyout")
        .arg(dir.join("other-ca.key"))
        .arg("-out")
        .arg(&other_ca)
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let tls = kubeconfig("tls", &server, &other_ca, "admin");
    let err = connect(&tls).await.rollout_status("x").await.unwrap_err();
    assert!(matches!(err, ClusterError::Tls { .. }), "{err}");

    // forbidden: a user without any RBAC binding
    let sh = format!(
        "set -e; cd {dir}; openssl req -new -nodes -newkey rsa:2048 -keyout nobody.key -out nobody.csr -subj /CN=nobody 2>/dev/null; \
         openssl x509 -req -in nobody.csr -CA {pki}/ca.crt -CAkey {pki}/ca.key -CAcreateserial -days 1 -out nobody.crt \\
         -extfile <(printf 'basicConstraints=CA:FALSE\\nkeyUsage=digitalSignature,keyEncipherment\\nextendedKeyUsage=clientAuth\\n') 2>/dev/null",
        dir = dir.display(),
        pki = pki.display()
    );
    assert!(
        std::process::Command::new("bash")
            .args(["-c", &sh])
            .status()
            .unwrap()
            .success()
    );
    let nobody = kubeconfig("nobody", &server, &ca, "nobody");
    let err = connect(&nobody)
        .await
        .rollout_status("x")
        .await
        .unwrap_err();
    assert!(matches!(err, ClusterError::Forbidden { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("User \"nobody\" cannot get resource \"daemonsets\""),
        "{err}"
    );

    // not found
    let env = TestEnv::new("errors").await;
    let err = env.cluster.rollout_status("missing").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "daemonset \"missing\" not found in namespace \"errors\""
    );
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("daemonset-test-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

async fn connect(kubeconfig: &std::path::Path) -> Cluster {
    Cluster::connect(&ConnectOptions {
        kubeconfig: Some(kubeconfig.into()),
        namespace: Some("default".into()),
        ..Default::default()
    })
    .await
    .unwrap()
}
