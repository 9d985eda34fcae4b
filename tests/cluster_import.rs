//! `daemonset import` checked by the API server: every file of the corpus of real DaemonSets
//! (`tests/fixtures/real/`, sources in its `SOURCES`) is dry-run created as it is and as each of its three imports
//! renders it (builder code and `daemonset!` block compiled and run in one generated crate, spec file loaded by the
//! spec loader); the objects the server returns, after its defaulting, must be the same (metadata the server sets
//! — uid, creationTimestamp, managedFields, generation, resourceVersion — left aside). For the spec form the
//! original is first stripped of exactly the fields the import reports as left out.

mod import_support;
mod support;

use daemonset::k8s::api::apps::v1::DaemonSet as K8sDaemonSet;
use import_support::{
    build_generated_crate, differences, import_all, load_spec, normalize, without,
};
use kube::api::{Api, PostParams};
use serde_json::Value;
use support::TestEnv;

/// The server's dry-run create of `object` (its namespace cleared to the API's), without the metadata the server
/// sets itself.
async fn dry_run(api: &Api<K8sDaemonSet>, object: &Value, what: &str) -> Value {
    let mut object = object.clone();
    object["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("namespace");
    let ds: K8sDaemonSet = serde_json::from_value(object).unwrap();
    let params = PostParams {
        dry_run: true,
        ..PostParams::default()
    };
    let created = api
        .create(&params, &ds)
        .await
        .unwrap_or_else(|e| panic!("{what}: the server rejects it: {e}"));
    let mut v = serde_json::to_value(created).unwrap();
    let meta = v["metadata"].as_object_mut().unwrap();
    for key in [
        "uid",
        "creationTimestamp",
        "managedFields",
        "generation",
        "resourceVersion",
        "namespace",
    ] {
        meta.remove(key);
    }
    v
}

#[tokio::test]
#[ignore = "starts a control plane: run scripts/cluster-tests.sh"]
async fn imports_are_the_same_object_as_the_original_after_server_defaulting() {
    let env = TestEnv::new("import-roundtrip").await;
    let api: Api<K8sDaemonSet> = Api::namespaced(env.cluster.client().clone(), &env.namespace);
    let imports = import_all();
    assert_eq!(imports.iter().filter(|i| i.corpus).count(), 37);
    let rendered = build_generated_crate(&imports);
    let mut failures = Vec::new();
    let mut same = std::collections::BTreeMap::<&str, usize>::new();
    let mut normalizer_agrees = 0;
    for i in &imports {
        let original = import_support::original(i);
        let server_original = dry_run(&api, &original, &i.file).await;
        // The plain test's model of the server's defaulting (`normalize`), checked against the server.
        let modelled = differences(&normalize(&server_original), &normalize(&original));
        if modelled.is_empty() {
            normalizer_agrees += usize::from(i.corpus);
        } else {
            failures.push(format!(
                "{}: normalize is not the server's defaulting: {}",
                i.file,
                modelled.join("; ")
            ));
        }
        for form in ["rust", "dsl"] {
            let object = rendered.objects[&(i.file.clone(), form)]
                .as_ref()
                .unwrap_or_else(|e| panic!("{} ({form}) does not build: {e}", i.file));
            let server = dry_run(&api, object, &format!("{} ({form})", i.file)).await;
            let d = differences(&server_original, &server);
            if d.is_empty() {
                *same.entry(form).or_default() += usize::from(i.corpus);
                if form == "rust" && i.rust.is_fully_typed() {
                    *same.entry("rust (no escape hatch)").or_default() += usize::from(i.corpus);
                }
                if form == "dsl" && i.dsl.is_fully_typed() {
                    *same.entry("dsl (no escape hatch)").or_default() += usize::from(i.corpus);
                }
            } else {
                failures.push(format!("{} ({form}): {}", i.file, d.join("; ")));
            }
        }
        let spec = load_spec(i).unwrap_or_else(|e| panic!("{} (spec) does not load: {e}", i.file));
        let server_spec = dry_run(&api, &spec, &format!("{} (spec)", i.file)).await;
        let server_stripped = dry_run(
            &api,
            &without(&original, &i.spec),
            &format!("{} stripped", i.file),
        )
        .await;
        let d = differences(&server_stripped, &server_spec);
        if d.is_empty() {
            *same.entry("spec (reported fields left out)").or_default() += usize::from(i.corpus);
            if i.spec.is_fully_typed() {
                *same.entry("spec").or_default() += usize::from(i.corpus);
            }
        } else {
            failures.push(format!("{} (spec): {}", i.file, d.join("; ")));
        }
    }
    println!(
        "server dry-run round trips of the 37 corpus files: {same:?}; the plain test's defaulting model matches the \
         server on {normalizer_agrees} of them; edge cases: {} files, failures listed below",
        imports.len() - 37
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(same["rust"], 37);
    // The builder form needs no `customize` and no raw volume for any corpus file.
    assert_eq!(same["rust (no escape hatch)"], 37);
    assert_eq!(same["dsl"], 37);
    // The DSL form needs none either (15 of 37 before its typed forms of issue 11).
    assert_eq!(same["dsl (no escape hatch)"], 37);
    assert_eq!(same["spec (reported fields left out)"], 37);
    // No corpus file leaves a field out of its spec file.
    assert_eq!(same["spec"], 37);
    assert_eq!(normalizer_agrees, 37);
    env.cleanup().await;
}
