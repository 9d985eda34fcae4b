//! The cluster commands against a real API server: `apply`, `diff`, `rollout history|undo|status` and `plan` reading
//! the live cluster. Every test is `#[ignore]`d: it needs a control plane, named by `DAEMONSET_TEST_KUBECONFIG`:
//!
//! ```sh
//! DAEMONSET_TEST_KUBECONFIG=$(bash harness/up.sh /tmp/plane) \
//!     cargo test -p daemonset-cli --test cli_cluster -- --ignored
//! bash harness/down.sh /tmp/plane
//! ```
//!
//! Each test works in a namespace of its own (created here), so they run in parallel and leave the rest of the
//! cluster alone. No test needs pods to become Ready (no kubelet is assumed), except where said.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use insta_cmd::get_cargo_bin;
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, PostParams};
use tempfile::TempDir;

const ENV: &str = "DAEMONSET_TEST_KUBECONFIG";

/// The seed manifests that are valid (the `.misplaced` one is the validation's example of a mistake).
const SEEDS: [&str; 6] = [
    "log-collector.yaml",
    "nginx-daemonset.yaml",
    "node-specific-daemonset.yaml",
    "resource-limited-daemonset.yaml",
    "rolling-update-daemonset.yaml",
    "tolerate-taints-daemonset.yaml",
];

fn kubeconfig() -> PathBuf {
    match std::env::var_os(ENV) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => panic!("set {ENV} to the kubeconfig of a test control plane (see harness/up.sh)"),
    }
}

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/seeds")
}

/// A namespace of its own for a test (`cli-<test>-<pid>`), created on the cluster.
fn namespace(test: &str) -> String {
    let name = format!("cli-{test}-{}", std::process::id()).replace('_', "-");
    let kubeconfig = kubeconfig();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let config = kube::Config::from_custom_kubeconfig(
            kube::config::Kubeconfig::read_from(&kubeconfig).unwrap(),
            &Default::default(),
        )
        .await
        .unwrap();
        let client = kube::Client::try_from(config).unwrap();
        let api: Api<Namespace> = Api::all(client);
        let mut ns = Namespace::default();
        ns.metadata.name = Some(name.clone());
        match api.create(&PostParams::default(), &ns).await {
            Ok(_) => {}
            Err(kube::Error::Api(status)) if status.code == 409 => {}
            Err(e) => panic!("creating namespace {name}: {e}"),
        }
    });
    name
}

/// `daemonset ARGS --kubeconfig K -n NS` in a scratch directory.
fn daemonset(dir: &TempDir, ns: &str, args: &[&str]) -> Output {
    let out = Command::new(get_cargo_bin("daemonset"))
        .current_dir(dir.path())
        .args(args)
        .arg("--kubeconfig")
        .arg(kubeconfig())
        .args(["-n", ns])
        .output()
        .unwrap();
    eprintln!(
        "$ daemonset {}\n{}{}exit {:?}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        out.status.code()
    );
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A scratch directory with the valid seeds under `seeds/`.
fn scratch() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("seeds")).unwrap();
    for seed in SEEDS {
        fs::copy(seeds().join(seed), dir.path().join("seeds").join(seed)).unwrap();
    }
    dir
}

/// The nginx seed with another image.
fn nginx_with(dir: &TempDir, image: &str) -> String {
    let text = fs::read_to_string(dir.path().join("seeds/nginx-daemonset.yaml")).unwrap();
    assert!(text.contains("image: nginx:1.19"));
    let file = format!("nginx-{}.yaml", image.replace([':', '.'], "-"));
    fs::write(
        dir.path().join(&file),
        text.replace("image: nginx:1.19", &format!("image: {image}")),
    )
    .unwrap();
    file
}

#[test]
#[ignore = "needs a control plane: set DAEMONSET_TEST_KUBECONFIG and run with --ignored"]
fn apply_seeds_dry_run_then_create_then_unchanged() {
    let ns = namespace("apply-seeds");
    let dir = scratch();

    let out = daemonset(&dir, &ns, &["apply", "-f", "seeds", "--dry-run=server"]);
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), SEEDS.len(), "{lines:?}");
    assert!(
        lines
            .iter()
            .all(|l| l.ends_with(" created (server dry run)")),
        "{lines:?}"
    );

    let out = daemonset(&dir, &ns, &["apply", "-f", "seeds"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        [
            "log-collector",
            "nginx-daemonset",
            "node-specific-daemonset",
            "resource-limited-daemonset",
            "rolling-update-daemonset",
            "tolerate-taints-daemonset"
        ]
        .iter()
        .map(|n| format!("daemonset.apps/{n} created\n"))
        .collect::<String>()
    );

    // A second apply is a no-op, and so is a second dry run.
    let out = daemonset(&dir, &ns, &["apply", "-f", "seeds"]);
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), SEEDS.len());
    assert!(lines.iter().all(|l| l.ends_with(" unchanged")), "{lines:?}");
    let out = daemonset(&dir, &ns, &["apply", "-f", "seeds", "--dry-run=server"]);
    assert!(
        stdout(&out)
            .lines()
            .all(|l| l.ends_with(" unchanged (server dry run)")),
        "{}",
        stdout(&out)
    );
}

#[test]
#[ignore = "needs a control plane: set DAEMONSET_TEST_KUBECONFIG and run with --ignored"]
fn diff_exit_codes() {
    let ns = namespace("diff");
    let dir = scratch();

    // Not there yet: everything is new.
    let out = daemonset(&dir, &ns, &["diff", "-f", "seeds/nginx-daemonset.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("+kind: DaemonSet"),
        "{}",
        stdout(&out)
    );

    let out = daemonset(&dir, &ns, &["apply", "-f", "seeds/nginx-daemonset.yaml"]);
    assert_eq!(out.status.code(), Some(0));
    let out = daemonset(&dir, &ns, &["diff", "-f", "seeds/nginx-daemonset.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "");

    let changed = nginx_with(&dir, "nginx:1.27");
    let out = daemonset(&dir, &ns, &["diff", "-f", &changed]);
    assert_eq!(out.status.code(), Some(1));
    let diff = stdout(&out);
    assert!(
        diff.starts_with(&format!(
            "--- live/{ns}/nginx-daemonset\n+++ desired/{ns}/nginx-daemonset\n"
        )),
        "{diff}"
    );
    assert!(diff.contains("\n-      - image: nginx:1.19\n"), "{diff}");
    assert!(diff.contains("\n+      - image: nginx:1.27\n"), "{diff}");

    // The diff changed nothing.
    let out = daemonset(&dir, &ns, &["diff", "-f", "seeds/nginx-daemonset.yaml"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
#[ignore = "needs a control plane: set DAEMONSET_TEST_KUBECONFIG and run with --ignored"]
fn conflict_and_immutable_selector_are_rejected_with_exit_1() {
    let ns = namespace("conflict");
    let dir = scratch();
    let out = daemonset(&dir, &ns, &["apply", "-f", "seeds/nginx-daemonset.yaml"]);
    assert_eq!(out.status.code(), Some(0));

    let changed = nginx_with(&dir, "nginx:1.27");
    let out = daemonset(
        &dir,
        &ns,
        &["apply", "-f", &changed, "--field-manager", "someone-else"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("conflicts with other field managers"), "{err}");
    assert!(
        err.contains(
            r#".spec.template.spec.containers[name="nginx"].image is owned by "daemonset""#
        ),
        "{err}"
    );
    assert_eq!(stdout(&out), "");

    let out = daemonset(
        &dir,
        &ns,
        &[
            "apply",
            "-f",
            &changed,
            "--field-manager",
            "someone-else",
            "--force-conflicts",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "daemonset.apps/nginx-daemonset configured\n");

    let text = fs::read_to_string(dir.path().join("seeds/nginx-daemonset.yaml")).unwrap();
    fs::write(
        dir.path().join("selector.yaml"),
        text.replace(
            "name: nginx-daemonset\n  template",
            "name: nginx-other\n  template",
        )
        .replace(
            "        name: nginx-daemonset\n",
            "        name: nginx-other\n",
        ),
    )
    .unwrap();
    let out = daemonset(&dir, &ns, &["apply", "-f", "selector.yaml"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("is immutable"), "{}", stderr(&out));
}

/// Waits until `rollout history` lists `n` revisions (the controller writes ControllerRevisions on its own time).
fn history_with(dir: &TempDir, ns: &str, name: &str, n: usize) -> String {
    let start = Instant::now();
    loop {
        let out = daemonset(dir, ns, &["rollout", "history", name]);
        assert_eq!(out.status.code(), Some(0));
        let text = stdout(&out);
        if text.lines().count() == n + 2 || start.elapsed() > Duration::from_secs(60) {
            return text;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
}

#[test]
#[ignore = "needs a control plane: set DAEMONSET_TEST_KUBECONFIG and run with --ignored"]
fn rollout_history_and_undo() {
    let ns = namespace("history");
    let dir = scratch();
    let out = daemonset(&dir, &ns, &["apply", "-f", "seeds/nginx-daemonset.yaml"]);
    assert_eq!(out.status.code(), Some(0));
    history_with(&dir, &ns, "nginx-daemonset", 1);
    let changed = nginx_with(&dir, "nginx:1.27");
    let out = daemonset(&dir, &ns, &["apply", "-f", &changed]);
    assert_eq!(stdout(&out), "daemonset.apps/nginx-daemonset configured\n");

    let history = history_with(&dir, &ns, "ds/nginx-daemonset", 2);
    let lines: Vec<&str> = history.lines().collect();
    assert_eq!(lines[0], "daemonset.apps/nginx-daemonset");
    assert!(lines[1].starts_with("REVISION  CHANGE-CAUSE"), "{history}");
    assert!(lines[1].ends_with("IMAGES"), "{history}");
    assert!(
        lines[2].starts_with("1 ") && lines[2].ends_with(" nginx:1.19"),
        "{history}"
    );
    assert!(
        lines[3].starts_with("2 ") && lines[3].ends_with(" nginx:1.27"),
        "{history}"
    );

    let out = daemonset(
        &dir,
        &ns,
        &["rollout", "undo", "nginx-daemonset", "--to-revision", "9"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("revision 9"), "{}", stderr(&out));

    let out = daemonset(
        &dir,
        &ns,
        &["rollout", "undo", "nginx-daemonset", "--to-revision", "2"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "daemonset.apps/nginx-daemonset skipped rollback (current template already matches revision 2)\n"
    );

    let out = daemonset(&dir, &ns, &["rollout", "undo", "nginx-daemonset"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "daemonset.apps/nginx-daemonset rolled back\n");
    // The first template is back (as revision 3).
    let history = history_with(&dir, &ns, "nginx-daemonset", 2);
    assert!(
        history.lines().last().unwrap().ends_with(" nginx:1.19"),
        "{history}"
    );
}

#[test]
#[ignore = "needs a control plane: set DAEMONSET_TEST_KUBECONFIG and run with --ignored"]
fn rollout_status_of_a_missing_daemonset_and_of_one_without_nodes() {
    let ns = namespace("status");
    let dir = scratch();
    let out = daemonset(&dir, &ns, &["rollout", "status", "nowhere"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!("error: daemonset \"nowhere\" not found in namespace \"{ns}\"\n")
    );

    // nodeSelector node-type=special: no node matches, so nothing is to be rolled out and the wait ends at once.
    let out = daemonset(
        &dir,
        &ns,
        &[
            "apply",
            "-f",
            "seeds/node-specific-daemonset.yaml",
            "--wait",
            "--timeout",
            "60s",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).ends_with("daemon set \"node-specific-daemonset\" successfully rolled out\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
#[ignore = "needs a control plane: set DAEMONSET_TEST_KUBECONFIG and run with --ignored"]
fn plan_reads_the_live_cluster() {
    let dir = scratch();
    let out = Command::new(get_cargo_bin("daemonset"))
        .current_dir(dir.path())
        .args([
            "plan",
            "seeds/nginx-daemonset.yaml",
            "-o",
            "json",
            "--kubeconfig",
        ])
        .arg(kubeconfig())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("note: read "), "{}", stderr(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["daemonset"], "nginx-daemonset");
    assert!(plan["nodes"].is_array());
}
