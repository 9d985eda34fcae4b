//! The API server's warnings, from the server itself: each DaemonSet of the warnings fixture is created with a
//! server-side dry run through a raw request (kube's typed API drops response headers), and the `Warning` headers
//! (`299 - "..."`) must be exactly what `daemonset::lint::server_warnings` (and so `daemonset check`) reports: no
//! warning missed, none invented. Order aside: the server iterates Go maps (nodeSelector keys) in random order.

mod support;

use daemonset::k8s::api::apps::v1::DaemonSet;
use daemonset::parse::{self, Document};
use kube::api::PostParams;
use support::TestEnv;

fn fixture() -> Vec<DaemonSet> {
    daemon_sets("tests/fixtures/warnings/warnings.yaml")
}

/// The DaemonSets of a file of the repository.
fn daemon_sets(file: &str) -> Vec<DaemonSet> {
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
        .unwrap();
    parse::documents(&text)
        .into_iter()
        .map(|d| match d {
            Document::DaemonSet { object, .. } => *object,
            other => panic!("not a DaemonSet: {other:?}"),
        })
        .collect()
}

/// The text of a `Warning` header: `299 - "text"`, with `\"` and `\\` escaped inside the quotes.
fn warning_text(header: &str) -> String {
    let quoted = header
        .strip_prefix("299 - \"")
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or_else(|| panic!("not a 299 warning: {header}"));
    let mut out = String::new();
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    out
}

/// The warnings of a dry-run create of `ds` in `namespace`, sorted.
async fn server_warnings(client: &kube::Client, namespace: &str, ds: &DaemonSet) -> Vec<String> {
    let request =
        kube::core::Request::new(format!("/apis/apps/v1/namespaces/{namespace}/daemonsets"))
            .create(
                &PostParams {
                    dry_run: true,
                    ..PostParams::default()
                },
                serde_json::to_vec(ds).unwrap(),
            )
            .unwrap();
    let response = client
        .send(request.map(kube::client::Body::from))
        .await
        .unwrap();
    let status = response.status();
    let mut warnings: Vec<String> = response
        .headers()
        .get_all("warning")
        .iter()
        .map(|v| warning_text(v.to_str().unwrap()))
        .collect();
    if !status.is_success() {
        let body = response.into_body().collect_bytes().await.unwrap();
        panic!(
            "the server rejected {}: {status} {}",
            ds.metadata.name.as_deref().unwrap_or_default(),
            String::from_utf8_lossy(&body)
        );
    }
    warnings.sort();
    warnings
}

#[tokio::test]
#[ignore = "starts a control plane: run scripts/cluster-tests.sh"]
async fn every_warning_of_the_fixture_is_the_servers() {
    let env = TestEnv::new("warnings").await;
    let client = env.cluster.client().clone();
    let mut total = 0;
    for ds in fixture() {
        let name = ds.metadata.name.clone().unwrap();
        let server = server_warnings(&client, &env.namespace, &ds).await;
        let mut ours: Vec<String> = daemonset::lint::server_warnings(&ds)
            .iter()
            .map(ToString::to_string)
            .collect();
        ours.sort();
        // The server drops a warning identical to one it already sent.
        ours.dedup();
        assert_eq!(ours, server, "{name}: ours (left) and the server's (right)");
        total += server.len();
    }
    assert!(total >= 25, "the fixture exercises the warnings: {total}");
    eprintln!("{total} warnings agree with the server's");
}

#[tokio::test]
#[ignore = "starts a control plane: run scripts/cluster-tests.sh"]
async fn the_real_corpus_draws_the_warnings_check_shows() {
    let env = TestEnv::new("warnings-real").await;
    let client = env.cluster.client().clone();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yaml"))
        .collect();
    files.sort();
    let (mut objects, mut total) = (0, 0);
    for file in &files {
        for mut ds in daemon_sets(&format!("tests/fixtures/real/{file}")) {
            // Sent to the test's namespace, whatever the manifest names.
            ds.metadata.namespace = None;
            let server = server_warnings(&client, &env.namespace, &ds).await;
            let mut ours: Vec<String> = daemonset::lint::server_warnings(&ds)
                .iter()
                .map(ToString::to_string)
                .collect();
            ours.sort();
            ours.dedup();
            assert_eq!(ours, server, "{file}: ours (left) and the server's (right)");
            objects += 1;
            total += server.len();
        }
    }
    assert!(objects >= 30, "{objects} DaemonSets");
    eprintln!("{objects} real DaemonSets: {total} warnings, all as the server gives them");
}
