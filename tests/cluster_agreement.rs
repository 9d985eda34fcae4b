//! Validation agreement: a generated corpus of DaemonSets (valid bases, edge values that must pass, and one
//! mutation per validation rule), and an upstream corpus built from Kubernetes' own validation test tables
//! (tests/fixtures/upstream), are checked by `daemonset::validate` and by the real API server's dry-run create.
//! Verdict, every field path and every error type (Status cause `reason`) are compared; every disagreement fails
//! the test and the counts are asserted.

mod support;

#[path = "fixtures/upstream/corpus.rs"]
mod corpus;

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
#[path = "../examples/tolerate-taints-daemonset.rs"]
mod tolerate_taints_daemonset;

use corpus::{Answer, Tally};
use daemonset::build::{
    Budget, Container, Cpu, EnvFrom, EnvVar, HostPathType, Memory, NodeAffinity, NodeAgent,
    PodField, Port, Probe, Requirement, Resources, SecurityContext, Term, Toleration,
    UpdateStrategy, Volume, Weight,
};
use daemonset::k8s::api::apps::v1::DaemonSet as K8sDaemonSet;
use kube::api::{Api, PostParams};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use support::TestEnv;

fn rich() -> K8sDaemonSet {
    let config = Volume::config_map("config", "agent-config").items([("agent.yaml", "agent.yaml")]);
    let socket = Volume::host_path("containerd", "/run/containerd/containerd.sock")
        .with_type(HostPathType::Socket);
    let scratch = Volume::empty_dir("scratch");
    NodeAgent::builder()
        .name("node-exporter")
        .label("app.kubernetes.io/name", "node-exporter")
        .annotation("kubernetes.io/change-cause", "initial")
        .selector_label("app.kubernetes.io/name", "node-exporter")
        .pod_label("tier", "monitoring")
        .init_container(
            Container::builder()
                .name("init")
                .image("busybox:1.36")
                .command(["true"])
                .build(),
        )
        .container(
            Container::builder()
                .name("exporter")
                .image("quay.io/prometheus/node-exporter:v1.8.2")
                .args(["--path.rootfs=/host"])
                .port(Port::new(9100).name("metrics"))
                .env(EnvVar::field("NODE_NAME", PodField::NodeName))
                .env(EnvVar::field("POD_TIER", PodField::Label("tier".into())))
                .env(
                    EnvVar::resource("CPU_LIMIT", daemonset::build::ResourceField::LimitsCpu)
                        .divisor("1m"),
                )
                .env(EnvVar::config_map_key("LEVEL", "agent-config", "level").optional())
                .env_from(EnvFrom::secret("agent-secrets").prefix("AGENT_"))
                .resources(
                    Resources::builder()
                        .cpu_request(Cpu::millis(100))
                        .cpu_limit(Cpu::millis(250))
                        .memory_request(Memory::mebibytes(64))
                        .memory_limit(Memory::mebibytes(128))
                        .build(),
                )
                .mount(config.mount("/etc/agent").read_only())
                .mount(socket.mount("/run/containerd/containerd.sock"))
                .mount(scratch.mount("/tmp"))
                .liveness_probe(Probe::http_get("/", 9100).initial_delay_seconds(5))
                .readiness_probe(Probe::tcp_socket(9100))
                .security_context(
                    SecurityContext::builder()
                        .read_only_root_filesystem(true)
                        .drop_capability("ALL")
                        .build(),
                )
                .build(),
        )
        .node_affinity(
            NodeAffinity::new()
                .require(Term::all([Requirement::is_in(
                    "kubernetes.io/os",
                    ["linux"],
                )]))
                .prefer(
                    Weight::of::<10>(),
                    Term::all([Requirement::exists("example.com/fast")]),
                ),
        )
        .toleration(Toleration::everything())
        .update_strategy(UpdateStrategy::max_surge(Budget::Percent(10)))
        .priority_class_name("system-node-critical")
        .min_ready_seconds(5)
        .revision_history_limit(5)
        .build()
        .unwrap()
}

fn bases() -> Vec<(&'static str, K8sDaemonSet)> {
    vec![
        ("log-collector", log_collector::daemon_set().unwrap()),
        ("nginx", nginx_daemonset::daemon_set().unwrap()),
        (
            "node-specific",
            node_specific_daemonset::daemon_set().unwrap(),
        ),
        (
            "resource-limited",
            resource_limited_daemonset::daemon_set().unwrap(),
        ),
        (
            "rolling-update",
            rolling_update_daemonset::daemon_set().unwrap(),
        ),
        (
            "tolerate-taints",
            tolerate_taints_daemonset::daemon_set().unwrap(),
        ),
        ("rich", rich()),
    ]
}

const P: &str = "/spec/template/spec";
const C: &str = "/spec/template/spec/containers/0";

/// Sets a JSON pointer, creating objects on the way (a trailing segment on an array appends... not used).
fn set(doc: &mut Value, pointer: &str, value: Value) {
    let mut current = doc;
    let segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i == segments.len() - 1;
        if let Ok(index) = seg.parse::<usize>()
            && current.is_array()
        {
            let array = current.as_array_mut().unwrap();
            while array.len() <= index {
                array.push(json!({}));
            }
            if last {
                array[index] = value;
                return;
            }
            current = &mut array[index];
        } else {
            if !current.is_object() {
                *current = json!({});
            }
            let map = current.as_object_mut().unwrap();
            if last {
                if value.is_null() {
                    map.remove(seg);
                } else {
                    map.insert(seg.clone(), value);
                }
                return;
            }
            current = map.entry(seg.clone()).or_insert(json!({}));
        }
    }
}

type Mutation = (&'static str, Box<dyn Fn(&mut Value)>);

fn at(pointer: &'static str, value: Value) -> Box<dyn Fn(&mut Value)> {
    Box::new(move |doc| set(doc, pointer, value.clone()))
}

fn at_many(changes: Vec<(&'static str, Value)>) -> Box<dyn Fn(&mut Value)> {
    Box::new(move |doc| {
        for (p, v) in &changes {
            set(doc, p, v.clone());
        }
    })
}

fn pointer(base: &str, rest: &str) -> &'static str {
    Box::leak(format!("{base}{rest}").into_boxed_str())
}

fn mutations() -> Vec<Mutation> {
    let c = |rest: &str| pointer(C, rest);
    let p = |rest: &str| pointer(P, rest);
    vec![
        // --- A: DaemonSet
        (
            "name not a DNS subdomain",
            at("/metadata/name", json!("Bad_Name")),
        ),
        (
            "name too long",
            at("/metadata/name", json!("a".repeat(254))),
        ),
        (
            "label key invalid",
            at("/metadata/labels/bad key!", json!("v")),
        ),
        (
            "label value invalid",
            at("/metadata/labels/app", json!("bad value!")),
        ),
        (
            "annotation key invalid",
            at("/metadata/annotations/bad key!", json!("v")),
        ),
        ("empty selector", at("/spec/selector", json!({}))),
        (
            "selector does not match template",
            at("/spec/selector/matchLabels", json!({"other": "x"})),
        ),
        (
            "selector In without values",
            at(
                "/spec/selector/matchExpressions",
                json!([{"key": "app", "operator": "In"}]),
            ),
        ),
        (
            "selector Exists with values",
            at(
                "/spec/selector/matchExpressions",
                json!([{"key": "app", "operator": "Exists", "values": ["x"]}]),
            ),
        ),
        (
            "restartPolicy OnFailure",
            at(p("/restartPolicy"), json!("OnFailure")),
        ),
        (
            "activeDeadlineSeconds set",
            at(p("/activeDeadlineSeconds"), json!(10)),
        ),
        (
            "minReadySeconds negative",
            at("/spec/minReadySeconds", json!(-1)),
        ),
        (
            "revisionHistoryLimit negative",
            at("/spec/revisionHistoryLimit", json!(-1)),
        ),
        (
            "updateStrategy type unknown",
            at("/spec/updateStrategy", json!({"type": "Blue"})),
        ),
        (
            "both budgets zero",
            at(
                "/spec/updateStrategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0}}),
            ),
        ),
        (
            "maxSurge alone (default maxUnavailable 1)",
            at(
                "/spec/updateStrategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}),
            ),
        ),
        (
            "both budgets non-zero",
            at(
                "/spec/updateStrategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}}),
            ),
        ),
        (
            "percent over 100",
            at(
                "/spec/updateStrategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "150%"}}),
            ),
        ),
        (
            "budget not a percent",
            at(
                "/spec/updateStrategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "abc"}}),
            ),
        ),
        (
            "budget negative",
            at(
                "/spec/updateStrategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": -1}}),
            ),
        ),
        (
            "both budgets 0%",
            at(
                "/spec/updateStrategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "0%", "maxSurge": "0%"}}),
            ),
        ),
        // --- B: containers
        ("no containers", at(p("/containers"), json!([]))),
        ("container name invalid", at(c("/name"), json!("Bad_Name"))),
        ("container name empty", at(c("/name"), json!(""))),
        ("container image missing", at(c("/image"), Value::Null)),
        (
            "container name duplicate",
            Box::new(|doc: &mut Value| {
                let first = doc.pointer(C).unwrap().clone();
                doc.pointer_mut(pointer(P, "/containers"))
                    .unwrap()
                    .as_array_mut()
                    .unwrap()
                    .push(first);
            }),
        ),
        (
            "init container name duplicates a container's",
            Box::new(|doc: &mut Value| {
                let name = doc.pointer(pointer(C, "/name")).unwrap().clone();
                set(
                    doc,
                    pointer(P, "/initContainers"),
                    json!([{"name": name, "image": "busybox"}]),
                );
            }),
        ),
        (
            "containerPort 0",
            at(c("/ports"), json!([{"containerPort": 0}])),
        ),
        (
            "containerPort too large",
            at(c("/ports"), json!([{"containerPort": 70000}])),
        ),
        (
            "hostPort too large",
            at(
                c("/ports"),
                json!([{"containerPort": 80, "hostPort": 70000}]),
            ),
        ),
        (
            "port protocol unknown",
            at(
                c("/ports"),
                json!([{"containerPort": 80, "protocol": "HTTP"}]),
            ),
        ),
        (
            "port name too long",
            at(
                c("/ports"),
                json!([{"containerPort": 80, "name": "this-name-is-too-long"}]),
            ),
        ),
        (
            "port name uppercase",
            at(c("/ports"), json!([{"containerPort": 80, "name": "Http"}])),
        ),
        (
            "port names duplicate",
            at(
                c("/ports"),
                json!([{"containerPort": 80, "name": "a"}, {"containerPort": 81, "name": "a"}]),
            ),
        ),
        (
            "hostPort duplicate",
            at(
                c("/ports"),
                json!([{"containerPort": 80, "hostPort": 80}, {"containerPort": 81, "hostPort": 80}]),
            ),
        ),
        (
            "hostNetwork hostPort differs",
            at_many(vec![
                (pointer(P, "/hostNetwork"), json!(true)),
                (
                    pointer(C, "/ports"),
                    json!([{"containerPort": 80, "hostPort": 81}]),
                ),
            ]),
        ),
        // --- resources
        (
            "cpu limit 100Mb",
            at(c("/resources/limits/cpu"), json!("100Mb")),
        ),
        (
            "memory request 64MB",
            at(c("/resources/requests/memory"), json!("64MB")),
        ),
        (
            "cpu request above limit",
            at(
                c("/resources"),
                json!({"requests": {"cpu": "2"}, "limits": {"cpu": "1"}}),
            ),
        ),
        (
            "memory request above limit",
            at(
                c("/resources"),
                json!({"requests": {"memory": "2Gi"}, "limits": {"memory": "1Gi"}}),
            ),
        ),
        (
            "extended resource fractional",
            at(
                c("/resources"),
                json!({"requests": {"example.com/dev": "1.5"}, "limits": {"example.com/dev": "1.5"}}),
            ),
        ),
        (
            "extended resource without limit",
            at(
                c("/resources"),
                json!({"requests": {"example.com/dev": "1"}}),
            ),
        ),
        (
            "resource name invalid",
            at(c("/resources"), json!({"limits": {"bad name!": "1"}})),
        ),
        (
            "negative cpu",
            at(c("/resources"), json!({"limits": {"cpu": "-1"}})),
        ),
        // --- env
        ("env name empty", at(c("/env"), json!([{"name": ""}]))),
        (
            "env name with =",
            at(c("/env"), json!([{"name": "A=B", "value": "x"}])),
        ),
        (
            "fieldRef status.phase",
            at(
                c("/env"),
                json!([{"name": "X", "valueFrom": {"fieldRef": {"fieldPath": "status.phase"}}}]),
            ),
        ),
        (
            "fieldRef bare metadata.labels",
            at(
                c("/env"),
                json!([{"name": "X", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels"}}}]),
            ),
        ),
        (
            "fieldRef label key invalid",
            at(
                c("/env"),
                json!([{"name": "X", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['Bad Key']"}}}]),
            ),
        ),
        (
            "fieldRef unknown path",
            at(
                c("/env"),
                json!([{"name": "X", "valueFrom": {"fieldRef": {"fieldPath": "spec.nothing"}}}]),
            ),
        ),
        (
            "value and valueFrom",
            at(
                c("/env"),
                json!([{"name": "X", "value": "v", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}]),
            ),
        ),
        (
            "two valueFrom sources",
            at(
                c("/env"),
                json!([{"name": "X", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}, "secretKeyRef": {"name": "s", "key": "k"}}}]),
            ),
        ),
        (
            "valueFrom empty",
            at(c("/env"), json!([{"name": "X", "valueFrom": {}}])),
        ),
        (
            "resourceFieldRef unknown",
            at(
                c("/env"),
                json!([{"name": "X", "valueFrom": {"resourceFieldRef": {"resource": "limits.gpu"}}}]),
            ),
        ),
        (
            "resourceFieldRef bad divisor",
            at(
                c("/env"),
                json!([{"name": "X", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "3m"}}}]),
            ),
        ),
        (
            "configMapKeyRef key invalid",
            at(
                c("/env"),
                json!([{"name": "X", "valueFrom": {"configMapKeyRef": {"name": "cm", "key": "bad/key"}}}]),
            ),
        ),
        (
            "secretKeyRef name invalid",
            at(
                c("/env"),
                json!([{"name": "X", "valueFrom": {"secretKeyRef": {"name": "Bad_Name", "key": "k"}}}]),
            ),
        ),
        (
            "envFrom prefix invalid",
            at(
                c("/envFrom"),
                json!([{"prefix": "A=", "configMapRef": {"name": "cm"}}]),
            ),
        ),
        // --- volumes and mounts
        (
            "volume name invalid",
            at(p("/volumes"), json!([{"name": "Bad_Name", "emptyDir": {}}])),
        ),
        (
            "volume names duplicate",
            at(
                p("/volumes"),
                json!([{"name": "v", "emptyDir": {}}, {"name": "v", "emptyDir": {}}]),
            ),
        ),
        (
            "volume with two sources",
            at(
                p("/volumes"),
                json!([{"name": "v", "emptyDir": {}, "hostPath": {"path": "/x"}}]),
            ),
        ),
        (
            "hostPath path empty",
            at(
                p("/volumes"),
                json!([{"name": "v", "hostPath": {"path": ""}}]),
            ),
        ),
        (
            "hostPath path with ..",
            at(
                p("/volumes"),
                json!([{"name": "v", "hostPath": {"path": "/var/../etc"}}]),
            ),
        ),
        (
            "hostPath type unknown",
            at(
                p("/volumes"),
                json!([{"name": "v", "hostPath": {"path": "/x", "type": "Folder"}}]),
            ),
        ),
        (
            "secret without secretName",
            at(p("/volumes"), json!([{"name": "v", "secret": {}}])),
        ),
        (
            "configMap without name",
            at(
                p("/volumes"),
                json!([{"name": "v", "configMap": {"name": ""}}]),
            ),
        ),
        (
            "configMap defaultMode too large",
            at(
                p("/volumes"),
                json!([{"name": "v", "configMap": {"name": "cm", "defaultMode": 512}}]),
            ),
        ),
        (
            "configMap item path with ..",
            at(
                p("/volumes"),
                json!([{"name": "v", "configMap": {"name": "cm", "items": [{"key": "a", "path": "../x"}]}}]),
            ),
        ),
        (
            "mount of an undeclared volume",
            at(
                c("/volumeMounts"),
                json!([{"name": "missing", "mountPath": "/x"}]),
            ),
        ),
        (
            "mountPath empty",
            at_many(vec![
                (
                    pointer(P, "/volumes"),
                    json!([{"name": "v", "emptyDir": {}}]),
                ),
                (
                    pointer(C, "/volumeMounts"),
                    json!([{"name": "v", "mountPath": ""}]),
                ),
            ]),
        ),
        (
            "mountPath duplicate",
            at_many(vec![
                (
                    pointer(P, "/volumes"),
                    json!([{"name": "v", "emptyDir": {}}, {"name": "w", "emptyDir": {}}]),
                ),
                (
                    pointer(C, "/volumeMounts"),
                    json!([{"name": "v", "mountPath": "/x"}, {"name": "w", "mountPath": "/x"}]),
                ),
            ]),
        ),
        (
            "subPath with ..",
            at_many(vec![
                (
                    pointer(P, "/volumes"),
                    json!([{"name": "v", "emptyDir": {}}]),
                ),
                (
                    pointer(C, "/volumeMounts"),
                    json!([{"name": "v", "mountPath": "/x", "subPath": "../y"}]),
                ),
            ]),
        ),
        (
            "subPath and subPathExpr",
            at_many(vec![
                (
                    pointer(P, "/volumes"),
                    json!([{"name": "v", "emptyDir": {}}]),
                ),
                (
                    pointer(C, "/volumeMounts"),
                    json!([{"name": "v", "mountPath": "/x", "subPath": "y", "subPathExpr": "$(A)"}]),
                ),
            ]),
        ),
        (
            "mountPropagation unknown",
            at_many(vec![
                (
                    pointer(P, "/volumes"),
                    json!([{"name": "v", "emptyDir": {}}]),
                ),
                (
                    pointer(C, "/volumeMounts"),
                    json!([{"name": "v", "mountPath": "/x", "mountPropagation": "Sideways"}]),
                ),
            ]),
        ),
        (
            "Bidirectional without privileged",
            at_many(vec![
                (
                    pointer(P, "/volumes"),
                    json!([{"name": "v", "hostPath": {"path": "/x"}}]),
                ),
                (
                    pointer(C, "/volumeMounts"),
                    json!([{"name": "v", "mountPath": "/x", "mountPropagation": "Bidirectional"}]),
                ),
            ]),
        ),
        (
            "recursiveReadOnly without readOnly",
            at_many(vec![
                (
                    pointer(P, "/volumes"),
                    json!([{"name": "v", "emptyDir": {}}]),
                ),
                (
                    pointer(C, "/volumeMounts"),
                    json!([{"name": "v", "mountPath": "/x", "recursiveReadOnly": "Enabled"}]),
                ),
            ]),
        ),
        // --- tolerations
        (
            "toleration key invalid",
            at(
                p("/tolerations"),
                json!([{"key": "Bad Key!", "operator": "Exists"}]),
            ),
        ),
        (
            "toleration empty key with Equal",
            at(
                p("/tolerations"),
                json!([{"operator": "Equal", "value": "x"}]),
            ),
        ),
        (
            "toleration Exists with value",
            at(
                p("/tolerations"),
                json!([{"key": "k", "operator": "Exists", "value": "v"}]),
            ),
        ),
        (
            "toleration value invalid",
            at(
                p("/tolerations"),
                json!([{"key": "k", "operator": "Equal", "value": "bad value!"}]),
            ),
        ),
        (
            "tolerationSeconds with NoSchedule",
            at(
                p("/tolerations"),
                json!([{"key": "k", "operator": "Exists", "effect": "NoSchedule", "tolerationSeconds": 10}]),
            ),
        ),
        (
            "toleration effect unknown",
            at(
                p("/tolerations"),
                json!([{"key": "k", "operator": "Exists", "effect": "Sometimes"}]),
            ),
        ),
        (
            "toleration operator unknown",
            at(
                p("/tolerations"),
                json!([{"key": "k", "operator": "Contains", "value": "v"}]),
            ),
        ),
        // --- node selection
        (
            "nodeSelector key invalid",
            at(p("/nodeSelector"), json!({"bad key!": "x"})),
        ),
        (
            "nodeSelector value invalid",
            at(p("/nodeSelector"), json!({"k": "bad value!"})),
        ),
        (
            "nodeSelectorTerms empty",
            at(
                p("/affinity"),
                json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": []}}}),
            ),
        ),
        (
            "affinity In without values",
            at(
                p("/affinity"),
                json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "k", "operator": "In"}]}]}}}),
            ),
        ),
        (
            "affinity Exists with values",
            at(
                p("/affinity"),
                json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "k", "operator": "Exists", "values": ["a"]}]}]}}}),
            ),
        ),
        (
            "affinity Gt with two values",
            at(
                p("/affinity"),
                json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "k", "operator": "Gt", "values": ["1", "2"]}]}]}}}),
            ),
        ),
        (
            "affinity Gt negative",
            at(
                p("/affinity"),
                json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "k", "operator": "Gt", "values": ["-5"]}]}]}}}),
            ),
        ),
        (
            "affinity operator unknown",
            at(
                p("/affinity"),
                json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "k", "operator": "Like", "values": ["a"]}]}]}}}),
            ),
        ),
        (
            "matchFields key not metadata.name",
            at(
                p("/affinity"),
                json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchFields": [{"key": "metadata.labels", "operator": "In", "values": ["a"]}]}]}}}),
            ),
        ),
        (
            "preferred weight 0",
            at(
                p("/affinity"),
                json!({"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 0, "preference": {"matchExpressions": [{"key": "k", "operator": "Exists"}]}}]}}),
            ),
        ),
        (
            "preferred weight 101",
            at(
                p("/affinity"),
                json!({"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 101, "preference": {"matchExpressions": [{"key": "k", "operator": "Exists"}]}}]}}),
            ),
        ),
        // --- pod level
        ("dnsPolicy unknown", at(p("/dnsPolicy"), json!("Sometimes"))),
        (
            "dnsPolicy None without nameservers",
            at(p("/dnsPolicy"), json!("None")),
        ),
        (
            "hostPID with shareProcessNamespace",
            at_many(vec![
                (pointer(P, "/hostPID"), json!(true)),
                (pointer(P, "/shareProcessNamespace"), json!(true)),
            ]),
        ),
        (
            "serviceAccountName invalid",
            at(p("/serviceAccountName"), json!("Bad_Name")),
        ),
        (
            "priorityClassName invalid",
            at(p("/priorityClassName"), json!("Bad_Name")),
        ),
        (
            "terminationGracePeriodSeconds negative",
            at(p("/terminationGracePeriodSeconds"), json!(-1)),
        ),
        (
            "probe without handler",
            at(c("/livenessProbe"), json!({"periodSeconds": 5})),
        ),
        (
            "probe with two handlers",
            at(
                c("/livenessProbe"),
                json!({"tcpSocket": {"port": 80}, "exec": {"command": ["true"]}}),
            ),
        ),
        (
            "liveness successThreshold 2",
            at(
                c("/livenessProbe"),
                json!({"tcpSocket": {"port": 80}, "successThreshold": 2}),
            ),
        ),
        (
            "probe port 0",
            at(c("/readinessProbe"), json!({"tcpSocket": {"port": 0}})),
        ),
        (
            "imagePullPolicy unknown",
            at(c("/imagePullPolicy"), json!("Sometimes")),
        ),
        (
            "template label value invalid",
            at("/spec/template/metadata/labels/extra", json!("bad value!")),
        ),
        // --- edge values that must pass
        (
            "OK label value empty",
            at("/metadata/labels/empty", json!("")),
        ),
        (
            "OK maxUnavailable 100%",
            at(
                "/spec/updateStrategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "100%"}}),
            ),
        ),
        (
            "OK maxSurge 10% with maxUnavailable 0",
            at(
                "/spec/updateStrategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "10%", "maxUnavailable": 0}}),
            ),
        ),
        (
            "OK OnDelete with rollingUpdate",
            at(
                "/spec/updateStrategy",
                json!({"type": "OnDelete", "rollingUpdate": {"maxUnavailable": 3}}),
            ),
        ),
        (
            "OK revisionHistoryLimit 0",
            at("/spec/revisionHistoryLimit", json!(0)),
        ),
        (
            "OK env name with dots",
            at(c("/env"), json!([{"name": "my.var-1", "value": "x"}])),
        ),
        (
            "OK fieldRef annotation",
            at(
                c("/env"),
                json!([{"name": "X", "valueFrom": {"fieldRef": {"fieldPath": "metadata.annotations['example.com/a']"}}}]),
            ),
        ),
        (
            "OK hostPath relative",
            at(
                p("/volumes"),
                json!([{"name": "v", "hostPath": {"path": "relative/dir"}}]),
            ),
        ),
        (
            "OK affinity Gt integer",
            at(
                p("/affinity"),
                json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "k", "operator": "Gt", "values": ["42"]}]}]}}}),
            ),
        ),
        (
            "OK cpu 0.5 memory 1e3",
            at(
                c("/resources"),
                json!({"requests": {"cpu": "0.5", "memory": "1e3"}, "limits": {"cpu": "1", "memory": "1Ki"}}),
            ),
        ),
        (
            "OK toleration everything",
            at(p("/tolerations"), json!([{"operator": "Exists"}])),
        ),
        (
            "OK hostNetwork with equal hostPort",
            at_many(vec![
                (pointer(P, "/hostNetwork"), json!(true)),
                (pointer(P, "/dnsPolicy"), json!("ClusterFirstWithHostNet")),
                (
                    pointer(C, "/ports"),
                    json!([{"containerPort": 80, "hostPort": 80}]),
                ),
            ]),
        ),
        (
            "OK only limits",
            at(
                c("/resources"),
                json!({"limits": {"cpu": "1", "memory": "1Gi"}}),
            ),
        ),
        (
            "OK tolerationSeconds with NoExecute",
            at(
                p("/tolerations"),
                json!([{"key": "k", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]),
            ),
        ),
    ]
}

/// The server's answer to a dry-run create of `ds`.
async fn server_answer(api: &Api<K8sDaemonSet>, ds: &K8sDaemonSet, name: &str) -> Answer {
    let dry_run = PostParams {
        dry_run: true,
        ..PostParams::default()
    };
    match api.create(&dry_run, ds).await {
        Ok(_) => Answer::Accepted,
        Err(kube::Error::Api(status)) if status.code == 422 || status.code == 400 => {
            let causes: BTreeSet<(String, String)> = status
                .details
                .as_ref()
                .map(|d| {
                    d.causes
                        .iter()
                        .map(|c| (c.field.clone(), c.reason.clone()))
                        .collect()
                })
                .unwrap_or_default();
            if causes.is_empty() {
                // A decoding error (400, e.g. a malformed quantity) names no field.
                Answer::Rejected(BTreeSet::from([(
                    String::new(),
                    corpus::BAD_REQUEST.to_owned(),
                )]))
            } else {
                Answer::Rejected(causes)
            }
        }
        Err(other) => panic!("{name}: unexpected error {other}"),
    }
}

#[tokio::test]
#[ignore = "starts a control plane: run scripts/cluster-tests.sh"]
async fn our_validation_agrees_with_the_api_server_on_a_generated_corpus() {
    let env = TestEnv::new("agreement").await;
    let api: Api<K8sDaemonSet> = Api::namespaced(env.cluster.client().clone(), &env.namespace);
    let mut tally = Tally::default();
    for (base_name, base) in bases() {
        let base_value = serde_json::to_value(&base).unwrap();
        let mut variants: Vec<(&str, Value)> = vec![("base", base_value.clone())];
        for (rule, mutate) in mutations() {
            let mut doc = base_value.clone();
            mutate(&mut doc);
            variants.push((rule, doc));
        }
        for (rule, doc) in variants {
            let name = format!("{base_name} / {rule}");
            let ds: K8sDaemonSet = serde_json::from_value(doc).unwrap();
            let server = server_answer(&api, &ds, &name).await;
            tally.add(&name, &corpus::ours(&ds), &server);
        }
    }
    println!("generated corpus: {}", tally.summary());
    assert_eq!(
        tally.disagreements(),
        Vec::<String>::new(),
        "generated corpus: {}",
        tally.summary()
    );
    assert_eq!(tally.cases, GENERATED_CASES, "{}", tally.summary());
}

/// Cases of the generated corpus (7 bases x (1 + mutations)).
const GENERATED_CASES: usize = 847;
/// Cases of the upstream corpus (tests/fixtures/upstream/cases.jsonl).
const UPSTREAM_CASES: usize = 908;

/// The upstream corpus: every case is sent to the live server; its answer must equal the recorded one (so the
/// non-cluster replay in tests/validate_rules.rs stays honest) and ours must equal it. `UPSTREAM_RECORD=1` rewrites
/// the recorded answers from the live server instead of checking them.
#[tokio::test]
#[ignore = "starts a control plane: run scripts/cluster-tests.sh"]
async fn our_validation_agrees_with_the_api_server_on_the_upstream_corpus() {
    let env = TestEnv::new("agreement-upstream").await;
    let api: Api<K8sDaemonSet> = Api::namespaced(env.cluster.client().clone(), &env.namespace);
    let record = std::env::var_os("UPSTREAM_RECORD").is_some();
    let cases = corpus::load();
    let mut tally = Tally::default();
    let mut stale = Vec::new();
    let mut lines = Vec::new();
    for case in &cases {
        let ds = case.typed();
        let server = server_answer(&api, &ds, &case.name()).await;
        if record {
            let mut line = case.line.clone();
            line["expected"] = server.to_json();
            lines.push(serde_json::to_string(&line).unwrap());
        } else if case.expected.as_ref() != Some(&server) {
            stale.push(format!(
                "{}: recorded {}, live {}",
                case.name(),
                case.expected
                    .as_ref()
                    .map_or("nothing".into(), Answer::describe),
                server.describe()
            ));
        }
        tally.add(&case.name(), &corpus::ours(&ds), &server);
    }
    if record {
        std::fs::write(corpus::path(), lines.join("\n") + "\n").unwrap();
    }
    println!("upstream corpus: {}", tally.summary());
    assert_eq!(
        stale,
        Vec::<String>::new(),
        "recorded answers differ from the live server"
    );
    assert_eq!(
        tally.disagreements(),
        Vec::<String>::new(),
        "upstream corpus: {}",
        tally.summary()
    );
    assert_eq!(tally.cases, UPSTREAM_CASES, "{}", tally.summary());
    assert!(tally.cases + GENERATED_CASES >= 1300);
}

/// Targeted cases (tests/fixtures/upstream/targeted.json): one minimal DaemonSet with the edits of each case, for
/// the rule areas added after the upstream corpus showed them missing (overhead, pod-level resources, topology
/// spread, matchLabelKeys, sysctls, seccomp/AppArmor, Windows, volume sources, volumeDevices, DRA, ephemeral
/// containers, probes, env, ports, tolerations, ...). Compared live with the server, whose answers must also still
/// be the recorded ones (`UPSTREAM_RECORD=1` rewrites them).
#[tokio::test]
#[ignore = "starts a control plane: run scripts/cluster-tests.sh"]
async fn our_validation_agrees_with_the_api_server_on_targeted_cases() {
    let env = TestEnv::new("agreement-targeted").await;
    let api: Api<K8sDaemonSet> = Api::namespaced(env.cluster.client().clone(), &env.namespace);
    let record = std::env::var_os("UPSTREAM_RECORD").is_some();
    let mut cases = corpus::targeted();
    let mut tally = Tally::default();
    let mut stale = Vec::new();
    for case in &mut cases {
        let ds = case.daemon_set();
        let server = server_answer(&api, &ds, &case.name).await;
        if record {
            case.expected = Some(server.clone());
        } else if case.expected.as_ref() != Some(&server) {
            stale.push(format!(
                "{}: recorded {}, live {}",
                case.name,
                case.expected
                    .as_ref()
                    .map_or("nothing".into(), Answer::describe),
                server.describe()
            ));
        }
        tally.add(&case.name, &corpus::ours(&ds), &server);
    }
    if record {
        corpus::write_targeted(&cases);
    }
    println!("targeted cases: {}", tally.summary());
    assert_eq!(
        stale,
        Vec::<String>::new(),
        "recorded answers differ from the live server"
    );
    assert_eq!(tally.disagreements(), Vec::<String>::new());
    assert_eq!(tally.cases, 121);
    assert_eq!(tally.accepted_by_both, 13);
}

/// Real DaemonSets from public projects (tests/fixtures/real, the files listed in its SOURCES file): the server
/// accepts every one (dry-run create, namespace cleared to the test's) and so does ours. A file our reader cannot
/// read yet (tests/validate_rules.rs marks those) is read with serde_yaml here, to still ask the server.
#[tokio::test]
#[ignore = "starts a control plane: run scripts/cluster-tests.sh"]
async fn real_daemonsets_are_accepted_by_the_server_and_by_us() {
    let env = TestEnv::new("agreement-real").await;
    let api: Api<K8sDaemonSet> = Api::namespaced(env.cluster.client().clone(), &env.namespace);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    let sources = std::fs::read_to_string(dir.join("SOURCES")).unwrap();
    let mut tally = Tally::default();
    for line in sources
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let name = line.split('\t').next().unwrap();
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let documents = daemonset::parse::documents(&text);
        assert_eq!(documents.len(), 1, "{name}: one document");
        let mut ds = match documents.into_iter().next().unwrap() {
            daemonset::parse::Document::DaemonSet { object, .. } => *object,
            _ => serde_yaml::from_str::<K8sDaemonSet>(&text)
                .unwrap_or_else(|e| panic!("{name}: {e}")),
        };
        ds.metadata.namespace = None;
        let server = server_answer(&api, &ds, name).await;
        assert_eq!(server, Answer::Accepted, "{name}: the server rejects it");
        tally.add(name, &corpus::ours(&ds), &server);
    }
    println!("real corpus: {}", tally.summary());
    assert_eq!(tally.disagreements(), Vec::<String>::new());
    assert_eq!(tally.cases, 37);
    assert_eq!(tally.accepted_by_both, 37);
}
