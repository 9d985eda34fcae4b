//! The cluster test fixture: one real control plane per test binary (etcd, kube-apiserver, kube-controller-manager,
//! kube-scheduler built from the Go module proxy by `harness/build-bins.sh`, started on loopback by `harness/up.sh`),
//! a namespace and a set of labelled fake nodes per test, and a fake kubelet that marks bound pods Ready and
//! completes graceful deletions.
//!
//! The plane is torn down by `harness/up.sh`'s watchdog once this test process is gone (HARNESS_OWNER_PID), so a
//! failing or killed test leaves no process behind. `DAEMONSET_TEST_KUBECONFIG` points the tests at a plane that is
//! already running instead (for quick iteration).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use daemonset::cluster::{Cluster, ConnectOptions};
use daemonset::k8s::api::core::v1::{Namespace, Node, Pod};
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use serde_json::json;

/// A running control plane.
pub struct ControlPlane {
    pub workdir: PathBuf,
    pub kubeconfig: PathBuf,
}

static PLANE: OnceLock<ControlPlane> = OnceLock::new();

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl ControlPlane {
    /// The control plane of this test binary, started on first use.
    pub fn shared() -> &'static ControlPlane {
        PLANE.get_or_init(|| {
            if let Some(kubeconfig) = std::env::var_os("DAEMONSET_TEST_KUBECONFIG") {
                let kubeconfig = PathBuf::from(kubeconfig);
                let workdir = kubeconfig.parent().unwrap().to_path_buf();
                return ControlPlane {
                    workdir,
                    kubeconfig,
                };
            }
            let binary = std::env::current_exe().unwrap();
            let name = binary.file_stem().unwrap().to_string_lossy().into_owned();
            let parent = std::env::temp_dir().join("daemonset-cluster");
            remove_stale_workdirs(&parent);
            let workdir = parent.join(format!("{name}-{}", std::process::id()));
            let output = Command::new("bash")
                .arg(root().join("harness/up.sh"))
                .arg(&workdir)
                .env("HARNESS_OWNER_PID", std::process::id().to_string())
                .output()
                .expect("bash runs harness/up.sh");
            assert!(
                output.status.success(),
                "harness/up.sh failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
            let kubeconfig = PathBuf::from(String::from_utf8(output.stdout).unwrap().trim());
            ControlPlane {
                workdir,
                kubeconfig,
            }
        })
    }

    /// Connects with the admin kubeconfig, in `namespace`.
    pub async fn connect(&self, namespace: &str) -> Cluster {
        Cluster::connect(&ConnectOptions {
            kubeconfig: Some(self.kubeconfig.clone()),
            context: None,
            namespace: Some(namespace.into()),
        })
        .await
        .expect("connect")
    }

    /// The directory of the control plane binaries (kubectl among them).
    pub fn bin_dir(&self) -> PathBuf {
        let env = std::fs::read_to_string(self.workdir.join("env")).unwrap_or_default();
        env.lines()
            .find_map(|l| {
                l.strip_prefix("BIN=")
                    .or_else(|| l.strip_prefix("export BIN="))
            })
            .map(|v| PathBuf::from(v.trim_matches(['"', '\''])))
            .expect("BIN in the harness env file")
    }

    /// Kills kube-apiserver only (SIGKILL, like a crash; etcd and the controllers stay up), keeping its command line
    /// to start it again.
    pub fn stop_apiserver(&self) -> Vec<String> {
        let pid_file = self.workdir.join("apiserver.pid");
        let pid: i32 = std::fs::read_to_string(&pid_file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap();
        let args: Vec<String> = cmdline
            .split(|b| *b == 0)
            .filter(|s| !s.is_empty())
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .collect();
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--"])
            .arg(format!("-{pid}"))
            .status();
        for _ in 0..100 {
            if !Path::new(&format!("/proc/{pid}")).exists() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        args
    }

    /// Starts kube-apiserver again with the command line [`Self::stop_apiserver`] returned and waits until ready.
    // The new kube-apiserver belongs to the plane, not to this process: the harness's down.sh stops it.
    #[allow(clippy::zombie_processes)]
    pub fn start_apiserver(&self, args: &[String]) {
        let log = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(self.workdir.join("apiserver.log"))
            .unwrap();
        let child = Command::new("setsid")
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("setsid kube-apiserver");
        std::fs::write(self.workdir.join("apiserver.pid"), child.id().to_string()).unwrap();
        let port = args
            .iter()
            .find_map(|a| a.strip_prefix("--secure-port="))
            .expect("--secure-port")
            .to_owned();
        let ca = self.workdir.join("pki/ca.crt");
        for _ in 0..600 {
            let ok = Command::new("curl")
                .args(["-fs", "--cacert"])
                .arg(&ca)
                .arg(format!("https://127.0.0.1:{port}/readyz"))
                .stdout(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("kube-apiserver did not come back");
    }
}

/// Removes the workdirs of earlier test processes that are gone (their watchdog already stopped the plane).
fn remove_stale_workdirs(parent: &Path) {
    for entry in std::fs::read_dir(parent).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name.rsplit('-').next().and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid
            && !Path::new(&format!("/proc/{pid}")).exists()
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A test's own namespace and nodes on the shared control plane.
pub struct TestEnv {
    pub plane: &'static ControlPlane,
    pub namespace: String,
    pub cluster: Cluster,
    pub nodes: Vec<String>,
}

impl TestEnv {
    /// Creates namespace `name` (deleting an older one of that name first).
    pub async fn new(name: &str) -> TestEnv {
        let plane = ControlPlane::shared();
        let cluster = plane.connect(name).await;
        let client = cluster.client().clone();
        let namespaces: Api<Namespace> = Api::all(client.clone());
        let ns: Namespace = serde_json::from_value(json!({"metadata": {"name": name}})).unwrap();
        if namespaces
            .create(&PostParams::default(), &ns)
            .await
            .is_err()
        {
            // Left over from an earlier run against a long-lived plane: reuse it.
        }
        wait_for_default_service_account(&client, name).await;
        TestEnv {
            plane,
            namespace: name.into(),
            cluster,
            nodes: Vec::new(),
        }
    }

    /// Creates a Ready fake node with labels (plus `kubernetes.io/hostname` and `daemonset.test/ns=<namespace>`),
    /// taints and allocatable resources.
    pub async fn node(
        &mut self,
        name: &str,
        labels: &[(&str, &str)],
        taints: serde_json::Value,
        allocatable: Option<(&str, &str)>,
    ) {
        let mut all: BTreeMap<String, String> = labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        all.insert("kubernetes.io/hostname".into(), name.into());
        all.insert("kubernetes.io/os".into(), "linux".into());
        all.insert("daemonset.test/ns".into(), self.namespace.clone());
        let (cpu, memory) = allocatable.unwrap_or(("8", "32Gi"));
        let node: Node = serde_json::from_value(json!({
            "metadata": {"name": name, "labels": all},
            "spec": {"taints": taints},
            "status": {
                "capacity": {"cpu": cpu, "memory": memory, "pods": "110"},
                "allocatable": {"cpu": cpu, "memory": memory, "pods": "110"},
                "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "fake"}]
            }
        }))
        .unwrap();
        let nodes: Api<Node> = Api::all(self.cluster.client().clone());
        let _ = nodes
            .delete(name, &DeleteParams::default().grace_period(0))
            .await;
        for _ in 0..50 {
            if nodes.get_opt(name).await.unwrap().is_none() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        nodes
            .create(&PostParams::default(), &node)
            .await
            .expect("create node");
        self.nodes.push(name.into());
    }

    /// Starts the fake kubelet for this namespace's pods.
    pub fn kubelet(&self) -> FakeKubelet {
        FakeKubelet::start(self.cluster.client().clone(), self.namespace.clone())
    }

    /// Pods of this namespace: (pod name, node name, template hash label).
    pub async fn pods(&self) -> Vec<Pod> {
        let pods: Api<Pod> = Api::namespaced(self.cluster.client().clone(), &self.namespace);
        pods.list(&ListParams::default()).await.unwrap().items
    }

    /// Deletes this test's nodes.
    pub async fn cleanup(&self) {
        let nodes: Api<Node> = Api::all(self.cluster.client().clone());
        for n in &self.nodes {
            let _ = nodes.delete(n, &DeleteParams::default()).await;
        }
    }
}

async fn wait_for_default_service_account(client: &kube::Client, namespace: &str) {
    let accounts: Api<daemonset::k8s::api::core::v1::ServiceAccount> =
        Api::namespaced(client.clone(), namespace);
    for _ in 0..300 {
        if accounts.get_opt("default").await.ok().flatten().is_some() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no default ServiceAccount in {namespace}");
}

/// Plays kubelet for one namespace: marks bound pods Running and Ready, and removes pods being deleted.
pub struct FakeKubelet {
    task: tokio::task::JoinHandle<()>,
}

impl FakeKubelet {
    fn start(client: kube::Client, namespace: String) -> FakeKubelet {
        let task = tokio::spawn(async move {
            let pods: Api<Pod> = Api::namespaced(client, &namespace);
            loop {
                if let Ok(list) = pods.list(&ListParams::default()).await {
                    for pod in list.items {
                        let name = pod.metadata.name.clone().unwrap_or_default();
                        let bound = pod
                            .spec
                            .as_ref()
                            .and_then(|s| s.node_name.clone())
                            .is_some();
                        if pod.metadata.deletion_timestamp.is_some() {
                            let _ = pods
                                .delete(&name, &DeleteParams::default().grace_period(0))
                                .await;
                        } else if bound && !is_ready(&pod) {
                            let now = chrono_now();
                            let containers: Vec<_> = pod
                                .spec
                                .iter()
                                .flat_map(|s| s.containers.iter())
                                .map(|c| json!({"name": c.name, "image": c.image, "imageID": "", "ready": true,
                                    "started": true, "restartCount": 0, "state": {"running": {"startedAt": now}}}))
                                .collect();
                            let status = json!({"status": {
                                "phase": "Running", "hostIP": "10.1.0.1", "podIP": "10.244.0.10",
                                "podIPs": [{"ip": "10.244.0.10"}], "startTime": now,
                                "conditions": [
                                    {"type": "PodScheduled", "status": "True", "lastTransitionTime": now},
                                    {"type": "Initialized", "status": "True", "lastTransitionTime": now},
                                    {"type": "ContainersReady", "status": "True", "lastTransitionTime": now},
                                    {"type": "Ready", "status": "True", "lastTransitionTime": now}],
                                "containerStatuses": containers}});
                            let _ = pods
                                .patch_status(
                                    &name,
                                    &PatchParams::default(),
                                    &Patch::Merge(&status),
                                )
                                .await;
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
        FakeKubelet { task }
    }
}

impl Drop for FakeKubelet {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn is_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

fn chrono_now() -> String {
    let output = Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// Waits until `check` returns true, polling every 200 ms, up to `seconds`.
pub async fn eventually<F, Fut>(seconds: u64, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}
