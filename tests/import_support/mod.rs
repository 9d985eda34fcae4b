//! Shared by `tests/import_roundtrip.rs` and `tests/cluster_import.rs`: the corpus of real DaemonSets, the one
//! generated crate that compiles every Rust and DSL import, and the comparison of objects.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use daemonset::import::{self, Form, Imported};
use daemonset::k8s::api::apps::v1::DaemonSet;
use daemonset::parse::{self, Document};
use serde_json::{Map, Value};

/// The files of `tests/fixtures/real/SOURCES` and their DaemonSet.
pub fn corpus() -> Vec<(String, DaemonSet)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    let sources = std::fs::read_to_string(dir.join("SOURCES")).unwrap();
    sources
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let file = l.split('\t').next().unwrap().to_owned();
            let text = std::fs::read_to_string(dir.join(&file)).unwrap();
            let mut objects: Vec<DaemonSet> = parse::documents(&text)
                .into_iter()
                .filter_map(|d| match d {
                    Document::DaemonSet { object, .. } => Some(*object),
                    _ => None,
                })
                .collect();
            assert_eq!(objects.len(), 1, "{file}: one DaemonSet");
            (file, objects.remove(0))
        })
        .collect()
}

/// The import edge cases of `tests/fixtures/import/` (shapes the corpus does not use), named `import/<file>`.
pub fn edge_cases() -> Vec<(String, DaemonSet)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .flat_map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            parse::documents(&text)
                .into_iter()
                .filter_map(move |d| match d {
                    Document::DaemonSet { object, .. } => Some((format!("import/{name}"), *object)),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A corpus file or edge case imported to the three forms.
pub struct Imports {
    /// Whether it is a file of the corpus of real DaemonSets (else an edge case).
    pub corpus: bool,
    pub file: String,
    pub original: DaemonSet,
    pub rust: Imported,
    pub dsl: Imported,
    pub spec: Imported,
}

/// The corpus, then the edge cases, each imported to the three forms.
pub fn import_all() -> Vec<Imports> {
    let corpus = corpus().into_iter().map(|c| (true, c));
    let edges = edge_cases().into_iter().map(|c| (false, c));
    corpus
        .chain(edges)
        .map(|(corpus, (file, original))| Imports {
            corpus,
            rust: import::import(&original, Form::Rust).unwrap_or_else(|e| panic!("{file}: {e}")),
            dsl: import::import(&original, Form::Dsl).unwrap_or_else(|e| panic!("{file}: {e}")),
            spec: import::import(&original, Form::Spec).unwrap_or_else(|e| panic!("{file}: {e}")),
            file,
            original,
        })
        .collect()
}

fn module_name(file: &str, form: Form) -> String {
    format!(
        "{}_{}",
        file.trim_end_matches(".yaml").replace(['-', '.', '/'], "_"),
        form.as_str()
    )
}

/// What the generated crate printed: per file and form, the built object or the build's error.
pub struct Rendered {
    /// Whether the crate was compiled (its source changed) or up to date.
    pub fresh: bool,
    pub compile_time: Duration,
    pub objects: BTreeMap<(String, &'static str), Result<Value, String>>,
}

/// Writes one crate with every Rust and DSL import (a module each) under `target/import-roundtrip`, builds it once
/// (in this worktree's target dir, so the dependencies already built are reused) and runs it.
pub fn build_generated_crate(imports: &[Imports]) -> Rendered {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let dir = target.join("import-roundtrip");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            r#"[package]
name = "import-roundtrip"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
daemonset = {{ path = {root:?} }}
k8s-openapi = {{ version = "0.29", default-features = false, features = ["std", "v1_34"] }}
serde_json = "1"

[workspace]

# The workspace's profile, so that the dependencies built for its tests are reused.
[profile.dev]
debug = "line-tables-only"

[profile.dev.package."*"]
debug = false
"#
        ),
    )
    .unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let mut main = String::from(
        "//! Generated by tests/import_support: every corpus file imported as builder code and as a DSL block.\n\
         #![allow(dead_code, unused_imports)]\n\n",
    );
    let mut calls = String::new();
    for i in imports {
        for imported in [&i.rust, &i.dsl] {
            let module = module_name(&i.file, imported.form);
            main.push_str(&format!("mod {module} {{\n{}}}\n\n", imported.text));
            calls.push_str(&format!(
                "    out.insert(\"{}/{}\".into(), render({module}::{}()));\n",
                i.file,
                imported.form.as_str(),
                imported.function
            ));
        }
    }
    main.push_str(&format!(
        "fn render(r: Result<daemonset::k8s::api::apps::v1::DaemonSet, daemonset::ValidationErrors>) -> serde_json::Value {{\n    \
             match r {{\n        \
                 Ok(ds) => serde_json::json!({{ \"ok\": ds }}),\n        \
                 Err(e) => serde_json::json!({{ \"err\": e.to_string() }}),\n    \
             }}\n\
         }}\n\n\
         fn main() {{\n    \
             let mut out = serde_json::Map::new();\n{calls}    \
             println!(\"{{}}\", serde_json::Value::Object(out));\n\
         }}\n"
    ));
    // Rewritten only when it changed: an unchanged crate is not compiled again (`compile_time` is then cargo's
    // up-to-date check; `fresh` says which).
    let main_path = dir.join("src/main.rs");
    let fresh = std::fs::read_to_string(&main_path).ok().as_deref() != Some(main.as_str());
    if fresh {
        std::fs::write(&main_path, &main).unwrap();
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let started = Instant::now();
    let build = Command::new(&cargo)
        .args(["build", "--offline", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    let compile_time = started.elapsed();
    assert!(
        build.status.success(),
        "the generated crate ({}) does not compile:\n{}",
        dir.display(),
        String::from_utf8_lossy(&build.stderr)
    );
    let run = Command::new(target.join("debug/import-roundtrip"))
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let printed: Map<String, Value> = serde_json::from_slice(&run.stdout).unwrap();
    let mut objects = BTreeMap::new();
    for (key, v) in printed {
        let (file, form) = key.rsplit_once('/').unwrap();
        let form = if form == "rust" { "rust" } else { "dsl" };
        let result = match v.get("ok") {
            Some(ds) => Ok(ds.clone()),
            None => Err(v["err"].as_str().unwrap_or_default().to_owned()),
        };
        objects.insert((file.to_owned(), form), result);
    }
    Rendered {
        fresh,
        compile_time,
        objects,
    }
}

/// The original as the imports are to reproduce it: without the annotations kubectl and the controller write (the
/// import leaves them out on purpose and says so in its notes).
pub fn original(i: &Imports) -> Value {
    let mut v = serde_json::to_value(&i.original).unwrap();
    if let Some(a) = v["metadata"]
        .get_mut("annotations")
        .and_then(Value::as_object_mut)
    {
        a.remove("kubectl.kubernetes.io/last-applied-configuration");
        a.remove("deprecated.daemonset.template.generation");
        if a.is_empty() {
            v["metadata"].as_object_mut().unwrap().remove("annotations");
        }
    }
    v
}

/// The spec import loaded through the spec loader (template rendering included).
pub fn load_spec(i: &Imports) -> Result<Value, String> {
    daemonset::spec::load(&i.file, &i.spec.text, &daemonset::spec::Values::default())
        .map(|ds| serde_json::to_value(ds).unwrap())
        .map_err(|e| e.to_string())
}

/// The original without the fields the import reports as left out (spec form).
pub fn without(original: &Value, imported: &Imported) -> Value {
    let mut v = original.clone();
    for u in imported.left_out() {
        remove_path(&mut v, &u.path);
    }
    drop_tombstones(&mut v);
    v
}

const TOMBSTONE: &str = "\u{0}removed";

fn segments(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            if i > 0 {
                out.push(rest[..i].to_owned());
            }
            rest = &rest[i..];
            while let Some(end) = rest.find(']') {
                out.push(format!("[{}", &rest[1..end]));
                rest = &rest[end + 1..];
            }
        } else {
            out.push(rest.to_owned());
        }
    }
    out
}

fn remove_path(v: &mut Value, path: &str) {
    // A map key in brackets at the end may contain dots (`requests[nvidia.com/gpu]`): split it off first.
    let (head, key) = match path.rfind('[') {
        Some(i)
            if path.ends_with(']')
                && !path[i + 1..path.len() - 1]
                    .chars()
                    .all(|c| c.is_ascii_digit()) =>
        {
            (&path[..i], Some(path[i + 1..path.len() - 1].to_owned()))
        }
        _ => (path, None),
    };
    let mut segs = segments(head);
    if let Some(k) = key {
        segs.push(format!("{{{k}"));
    }
    remove_at(v, &segs);
}

/// Removes the value at `segs`; an object left empty by the removal goes too (the import reports the fields of a
/// whole untyped object one by one).
fn remove_at(cur: &mut Value, segs: &[String]) -> bool {
    let Some((s, rest)) = segs.split_first() else {
        return false;
    };
    if let Some(index) = s.strip_prefix('[') {
        let i: usize = index.parse().unwrap();
        let Some(item) = cur.get_mut(i) else {
            return false;
        };
        if rest.is_empty() || remove_at(item, rest) {
            *item = Value::String(TOMBSTONE.into());
        }
        false
    } else {
        let key = s.strip_prefix('{').unwrap_or(s);
        let Some(obj) = cur.as_object_mut() else {
            return false;
        };
        let gone = match obj.get_mut(key) {
            None => false,
            Some(_) if rest.is_empty() => true,
            Some(next) => remove_at(next, rest),
        };
        if gone {
            obj.remove(key);
        }
        gone && obj.is_empty()
    }
}

fn drop_tombstones(v: &mut Value) {
    match v {
        Value::Array(items) => {
            items.retain(|i| i.as_str() != Some(TOMBSTONE));
            items.iter_mut().for_each(drop_tombstones);
        }
        Value::Object(m) => m.values_mut().for_each(drop_tombstones),
        _ => {}
    }
}

/// The object as the API server stores it, as far as defaulting goes (`daemonset-rules.md` § E): the defaults
/// filled in, quantities in canonical form, `omitempty` zero values and empty lists and maps gone. Applied to both
/// sides of a comparison, so a difference left is one the server would keep.
pub fn normalize(v: &Value) -> Value {
    let mut v = v.clone();
    let o = v.as_object_mut().unwrap();
    o.remove("status");
    if let Some(meta) = o.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in [
            "creationTimestamp",
            "uid",
            "resourceVersion",
            "generation",
            "managedFields",
            "namespace",
        ] {
            meta.remove(k);
        }
        if let Some(a) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            a.remove("deprecated.daemonset.template.generation");
        }
    }
    let spec = o.get_mut("spec").and_then(Value::as_object_mut).unwrap();
    let strategy = spec
        .entry("updateStrategy")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .unwrap();
    strategy.entry("type").or_insert("RollingUpdate".into());
    if strategy["type"] == "RollingUpdate" {
        let rolling = strategy
            .entry("rollingUpdate")
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .unwrap();
        rolling.entry("maxUnavailable").or_insert(1.into());
        rolling.entry("maxSurge").or_insert(0.into());
    }
    spec.entry("revisionHistoryLimit").or_insert(10.into());
    drop_value(spec, "minReadySeconds", &0.into());
    if let Some(meta) = spec
        .get_mut("template")
        .and_then(|t| t.get_mut("metadata"))
        .and_then(Value::as_object_mut)
    {
        meta.remove("creationTimestamp");
    }
    let pod = spec
        .get_mut("template")
        .and_then(|t| t.get_mut("spec"))
        .and_then(Value::as_object_mut)
        .unwrap();
    pod.entry("dnsPolicy").or_insert("ClusterFirst".into());
    pod.entry("restartPolicy").or_insert("Always".into());
    pod.entry("securityContext")
        .or_insert(Value::Object(Map::new()));
    pod.entry("terminationGracePeriodSeconds")
        .or_insert(30.into());
    pod.entry("schedulerName")
        .or_insert("default-scheduler".into());
    if let Some(name) = pod.get("serviceAccountName").cloned() {
        pod.insert("serviceAccount".into(), name);
    } else if let Some(name) = pod.get("serviceAccount").cloned() {
        pod.insert("serviceAccountName".into(), name);
    }
    for k in ["hostNetwork", "hostPID", "hostIPC"] {
        drop_value(pod, k, &false.into());
    }
    for list in ["containers", "initContainers"] {
        if let Some(Value::Array(cs)) = pod.get_mut(list) {
            cs.iter_mut()
                .filter_map(Value::as_object_mut)
                .for_each(container);
        }
    }
    if let Some(Value::Array(vs)) = pod.get_mut("volumes") {
        vs.iter_mut()
            .filter_map(Value::as_object_mut)
            .for_each(volume);
    }
    canonical_quantities(&mut v);
    field_ref_versions(&mut v);
    drop_empty(&mut v);
    v
}

fn drop_value(o: &mut Map<String, Value>, key: &str, value: &Value) {
    if o.get(key) == Some(value) {
        o.remove(key);
    }
}

fn container(c: &mut Map<String, Value>) {
    let image = c
        .get("image")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let policy = pull_policy(&image);
    c.entry("imagePullPolicy").or_insert(policy.into());
    c.entry("terminationMessagePath")
        .or_insert("/dev/termination-log".into());
    c.entry("terminationMessagePolicy").or_insert("File".into());
    c.entry("resources").or_insert(Value::Object(Map::new()));
    if let Some(Value::Array(ports)) = c.get_mut("ports") {
        for p in ports.iter_mut().filter_map(Value::as_object_mut) {
            p.entry("protocol").or_insert("TCP".into());
            drop_value(p, "hostPort", &0.into());
        }
    }
    if let Some(Value::Array(env)) = c.get_mut("env") {
        for e in env.iter_mut().filter_map(Value::as_object_mut) {
            drop_value(e, "value", &"".into());
            if let Some(f) = e
                .get_mut("valueFrom")
                .and_then(|f| f.get_mut("fieldRef"))
                .and_then(Value::as_object_mut)
            {
                f.entry("apiVersion").or_insert("v1".into());
            }
            if let Some(r) = e
                .get_mut("valueFrom")
                .and_then(|f| f.get_mut("resourceFieldRef"))
                .and_then(Value::as_object_mut)
            {
                r.entry("divisor").or_insert("0".into());
            }
        }
    }
    if let Some(Value::Array(mounts)) = c.get_mut("volumeMounts") {
        for m in mounts.iter_mut().filter_map(Value::as_object_mut) {
            drop_value(m, "readOnly", &false.into());
            drop_value(m, "subPath", &"".into());
        }
    }
    // Lifecycle hooks' HTTP GETs get the same defaults as probes' (`SetDefaults_HTTPGetAction`).
    if let Some(l) = c.get_mut("lifecycle").and_then(Value::as_object_mut) {
        for hook in l.values_mut() {
            if let Some(h) = hook.get_mut("httpGet").and_then(Value::as_object_mut) {
                h.entry("path").or_insert("/".into());
                h.entry("scheme").or_insert("HTTP".into());
            }
        }
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = c.get_mut(probe).and_then(Value::as_object_mut) {
            p.entry("timeoutSeconds").or_insert(1.into());
            p.entry("periodSeconds").or_insert(10.into());
            p.entry("successThreshold").or_insert(1.into());
            p.entry("failureThreshold").or_insert(3.into());
            drop_value(p, "initialDelaySeconds", &0.into());
            if let Some(h) = p.get_mut("httpGet").and_then(Value::as_object_mut) {
                h.entry("path").or_insert("/".into());
                h.entry("scheme").or_insert("HTTP".into());
            }
        }
    }
}

fn pull_policy(image: &str) -> &'static str {
    let (name, digest) = match image.split_once('@') {
        Some((name, _)) => (name, true),
        None => (image, false),
    };
    let last = name.rsplit('/').next().unwrap_or(name);
    match last.rsplit_once(':') {
        Some((_, "latest")) => "Always",
        Some(_) => "IfNotPresent",
        None if digest => "IfNotPresent",
        None => "Always",
    }
}

fn volume(v: &mut Map<String, Value>) {
    if v.len() == 1 {
        v.insert("emptyDir".into(), Value::Object(Map::new()));
    }
    if let Some(h) = v.get_mut("hostPath").and_then(Value::as_object_mut) {
        h.entry("type").or_insert("".into());
    }
    for kind in ["secret", "configMap", "downwardAPI", "projected"] {
        if let Some(s) = v.get_mut(kind).and_then(Value::as_object_mut) {
            s.entry("defaultMode").or_insert(420.into());
        }
    }
    if let Some(Value::Array(sources)) = v.get_mut("projected").and_then(|p| p.get_mut("sources")) {
        for s in sources {
            if let Some(t) = s
                .get_mut("serviceAccountToken")
                .and_then(Value::as_object_mut)
            {
                t.entry("expirationSeconds").or_insert(3600.into());
            }
        }
    }
    if let Some(e) = v.get_mut("emptyDir").and_then(Value::as_object_mut) {
        drop_value(e, "medium", &"".into());
    }
    // `SetDefaults_PersistentVolumeClaimSpec`, also for the claim template of an ephemeral volume, whose metadata the
    // server writes as `{}` when absent.
    if let Some(template) = v
        .get_mut("ephemeral")
        .and_then(|e| e.get_mut("volumeClaimTemplate"))
        .and_then(Value::as_object_mut)
    {
        template
            .entry("metadata")
            .or_insert(Value::Object(Map::new()));
        if let Some(spec) = template.get_mut("spec").and_then(Value::as_object_mut) {
            spec.entry("volumeMode").or_insert("Filesystem".into());
        }
    }
}

fn canonical(q: &mut Value) {
    let text = match q {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return,
    };
    if let Ok(parsed) = daemonset::rules::Quantity::parse(&text) {
        *q = Value::String(parsed.canonical().to_owned());
    }
}

/// `fieldRef.apiVersion` defaults to `v1` wherever a fieldRef is (env, downward API volumes and projections).
fn field_ref_versions(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, child) in m.iter_mut() {
                if k == "fieldRef"
                    && let Some(f) = child.as_object_mut()
                {
                    f.entry("apiVersion").or_insert("v1".into());
                }
                field_ref_versions(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(field_ref_versions),
        _ => {}
    }
}

fn canonical_quantities(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, child) in m.iter_mut() {
                match k.as_str() {
                    "requests" | "limits" => {
                        if let Some(amounts) = child.as_object_mut() {
                            amounts.values_mut().for_each(canonical);
                        }
                    }
                    "sizeLimit" | "divisor" => canonical(child),
                    _ => canonical_quantities(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(canonical_quantities),
        _ => {}
    }
}

/// Empty lists and the empty maps the API declares `omitempty` go.
fn drop_empty(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.values_mut().for_each(drop_empty);
            m.retain(|k, child| match child {
                Value::Array(a) => !a.is_empty(),
                Value::Object(o) => {
                    !(o.is_empty()
                        && matches!(
                            k.as_str(),
                            "labels"
                                | "annotations"
                                | "nodeSelector"
                                | "matchLabels"
                                | "requests"
                                | "limits"
                        ))
                }
                Value::Null => false,
                _ => true,
            });
        }
        Value::Array(items) => items.iter_mut().for_each(drop_empty),
        _ => {}
    }
}

/// The paths where two JSON values differ.
pub fn differences(a: &Value, b: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff(a, b, String::new(), &mut out);
    out
}

fn diff(a: &Value, b: &Value, path: String, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match (x.get(k), y.get(k)) {
                    (Some(l), Some(r)) => diff(l, r, p, out),
                    (l, r) => out.push(format!("{p}: {} vs {}", short(l), short(r))),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (l, r)) in x.iter().zip(y).enumerate() {
                diff(l, r, format!("{path}[{i}]"), out);
            }
        }
        _ if a == b => {}
        _ => out.push(format!("{path}: {} vs {}", short(Some(a)), short(Some(b)))),
    }
}

fn short(v: Option<&Value>) -> String {
    match v {
        None => "(absent)".into(),
        Some(v) => {
            let s = v.to_string();
            if s.chars().count() > 120 {
                format!("{}…", s.chars().take(120).collect::<String>())
            } else {
                s
            }
        }
    }
}
