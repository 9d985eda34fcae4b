//! `check`'s work on a 41 MB stream of real, valid DaemonSets, beside kubeconform's on the same file in the same
//! run.
//!
//! The stream cycles through the real DaemonSets of `tests/fixtures/real` (the files its `SOURCES` lists: public
//! projects' manifests, verbatim), each renamed, to about 41 MB. `check`'s work per document is what the CLI does:
//! read it as kubectl would (YAML 1.1, strict field checking, lines kept), validate it with the API server's
//! rules and compute the server's warnings; the stream is read document by document
//! ([`daemonset::parse::for_each_document`]), on every core and on one.
//!
//! kubeconform (v0.7.0, `-strict`, the way its README runs it) is run on the same file when it is found: the
//! `KUBECONFORM` variable, `~/go/bin/kubeconform` or `PATH`. Its schema is written from the API server's OpenAPI v2
//! (`KUBE_OPENAPI_V2`, default: `api/openapi-spec/swagger.json` of the Kubernetes v1.34.12 source in the module
//! cache) as openapi2jsonschema writes it for `-strict`: every definition kept, `additionalProperties: false` on
//! objects, int-or-string and quantities as `oneOf` string/number.
//!
//! Besides criterion's wall times, the bench prints the CPU time of each (user + system, from `getrusage`) over
//! a few runs, and the ratios.

use std::hint::black_box;
use std::io::{BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use daemonset::parse::{Document, for_each_document};

const TARGET_BYTES: usize = 41_000_000;

/// The DaemonSet documents of the real corpus, as `SOURCES` lists its files.
fn real_daemon_sets() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    let sources = std::fs::read_to_string(root.join("SOURCES")).unwrap();
    let mut docs = Vec::new();
    for line in sources.lines().filter(|l| !l.starts_with('#')) {
        let file = line.split('\t').next().unwrap();
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let text = text.trim_start_matches('\u{feff}');
        for doc in text.split("\n---") {
            if doc.contains("kind: DaemonSet") {
                docs.push(format!(
                    "{}\n",
                    doc.trim_start_matches(['-', '\n']).trim_end()
                ));
            }
        }
    }
    docs
}

/// About 41 MB of `---`-separated DaemonSets with distinct names: (text, documents, distinct sources).
fn stream() -> (String, usize, usize) {
    let docs = real_daemon_sets();
    let mut out = String::with_capacity(TARGET_BYTES + 16384);
    let mut n = 0;
    while out.len() < TARGET_BYTES {
        let doc = docs[n % docs.len()].replacen("\n  name: ", &format!("\n  name: n{n}-"), 1);
        out.push_str("---\n");
        out.push_str(&doc);
        n += 1;
    }
    (out, n, docs.len())
}

/// What `daemonset check` does per document: read strictly (done by the stream), validate, compute the server's
/// warnings; gives (DaemonSets, problems, warnings).
fn check_document(document: Document) -> (usize, usize, usize) {
    match document {
        Document::DaemonSet { object, .. } => {
            let problems =
                daemonset::validate(&object).map_or_else(|e| e.violations().len(), |()| 0);
            (1, problems, daemonset::lint::server_warnings(&object).len())
        }
        Document::Invalid { errors, .. } => (0, errors.len(), 0),
        _ => (0, 0, 0),
    }
}

/// `check` of a file on `threads` threads: (DaemonSets, problems, warnings).
fn check(path: &Path, threads: usize) -> (usize, usize, usize) {
    let file = std::fs::File::open(path).unwrap();
    let mut total = (0, 0, 0);
    for_each_document(
        BufReader::with_capacity(1 << 16, file),
        threads,
        check_document,
        |(d, p, w)| {
            total = (total.0 + d, total.1 + p, total.2 + w);
        },
    )
    .expect("the stream reads");
    total
}

fn kubeconform() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("KUBECONFORM") {
        return Some(path.into());
    }
    let home = std::env::var_os("HOME").map(PathBuf::from)?;
    let go = home.join("go/bin/kubeconform");
    if go.exists() {
        return Some(go);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("kubeconform"))
            .find(|p| p.exists())
    })
}

/// openapi2jsonschema's `-strict` form of a definition.
fn strict(node: &serde_json::Value) -> serde_json::Value {
    use serde_json::{Value, json};
    match node {
        Value::Object(map) => {
            if map.get("format").and_then(Value::as_str) == Some("int-or-string") {
                return json!({"oneOf": [{"type": "string"}, {"type": "integer"}]});
            }
            let mut out: serde_json::Map<String, Value> =
                map.iter().map(|(k, v)| (k.clone(), strict(v))).collect();
            if out.get("type").and_then(Value::as_str) == Some("object")
                && out.contains_key("properties")
                && !out.contains_key("additionalProperties")
            {
                out.insert("additionalProperties".into(), Value::Bool(false));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(strict).collect()),
        other => other.clone(),
    }
}

/// Writes `daemonset-apps-v1.json` into `dir` from the API server's OpenAPI v2; false when there is none.
fn write_schema(dir: &Path) -> bool {
    let openapi = std::env::var_os("KUBE_OPENAPI_V2")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| {
                PathBuf::from(h).join(
                    ".cache/daemonset/k8s/gomod/k8s.io/kubernetes@v1.34.12/api/openapi-spec/swagger.json",
                )
            })
        });
    let Some(text) = openapi.and_then(|p| std::fs::read_to_string(p).ok()) else {
        return false;
    };
    let spec: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut definitions = strict(&spec["definitions"]);
    let map = definitions.as_object_mut().unwrap();
    map.insert(
        "io.k8s.apimachinery.pkg.api.resource.Quantity".into(),
        serde_json::json!({"oneOf": [{"type": "string"}, {"type": "number"}]}),
    );
    map.insert(
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString".into(),
        serde_json::json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}),
    );
    let mut schema = map["io.k8s.api.apps.v1.DaemonSet"].clone();
    schema["definitions"] = definitions;
    schema["$schema"] = "http://json-schema.org/schema#".into();
    std::fs::write(
        dir.join("daemonset-apps-v1.json"),
        serde_json::to_vec(&schema).unwrap(),
    )
    .unwrap();
    true
}

/// A kubeconform run on the stream: its command, ready to spawn.
fn kubeconform_command(binary: &Path, schemas: &Path, stream: &Path) -> Command {
    let mut command = Command::new(binary);
    command
        .arg("-strict")
        .arg("-summary")
        .arg("-schema-location")
        .arg(format!(
            "{}/{{{{ .ResourceKind }}}}{{{{ .KindSuffix }}}}.json",
            schemas.display()
        ))
        .arg(stream)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// CPU time (user + system) of this process and of its waited-for children, from `/proc/self/stat` (in clock
/// ticks of 10 ms, Linux's `USER_HZ`); zero elsewhere.
fn cpu_times() -> (Duration, Duration) {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return (Duration::ZERO, Duration::ZERO);
    };
    // The fields after the command name (which is in parentheses and may hold spaces): utime, stime, cutime and
    // cstime are the 14th to 17th fields of the line.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<u64> = rest
        .split_whitespace()
        .skip(11)
        .take(4)
        .map(|f| f.parse().unwrap())
        .collect();
    let ticks = |t: u64| Duration::from_millis(t * 10);
    (ticks(fields[0] + fields[1]), ticks(fields[2] + fields[3]))
}

fn bench(c: &mut Criterion) {
    let (text, n, distinct) = stream();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stream.yaml");
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let bytes = text.len();
    drop(text);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let found = check(&path, threads);
    assert_eq!(
        (found.0, found.1),
        (n, 0),
        "every DaemonSet of the stream is read and valid"
    );
    assert_eq!(check(&path, 1), found, "one thread finds the same");
    eprintln!(
        "{} server warnings in the stream (deprecated fields of the real manifests)",
        found.2
    );
    let kubeconform = kubeconform().filter(|_| write_schema(dir.path()));
    if let Some(binary) = &kubeconform {
        let output = kubeconform_command(binary, dir.path(), &path)
            .stdout(Stdio::piped())
            .output()
            .unwrap();
        let summary = String::from_utf8_lossy(&output.stdout);
        let last = summary.lines().last().unwrap_or("");
        eprintln!("kubeconform on the stream: {last}");
    } else {
        eprintln!("kubeconform not found (KUBECONFORM, ~/go/bin, PATH) or no OpenAPI v2: not run");
    }
    let label = format!("{n} DaemonSets ({distinct} distinct), {bytes} bytes");

    // CPU time, measured around whole runs (criterion measures wall time only).
    let runs = 3;
    let mut cpu = Vec::new();
    for (name, threads) in [
        ("daemonset, every core", threads),
        ("daemonset, one thread", 1),
    ] {
        let (before, _) = cpu_times();
        let start = Instant::now();
        for _ in 0..runs {
            black_box(check(&path, threads));
        }
        let (after, _) = cpu_times();
        cpu.push((name, (after - before) / runs, start.elapsed() / runs));
    }
    if let Some(binary) = &kubeconform {
        let (_, before) = cpu_times();
        let start = Instant::now();
        for _ in 0..runs {
            let status = kubeconform_command(binary, dir.path(), &path)
                .status()
                .unwrap();
            black_box(status);
        }
        let (_, after) = cpu_times();
        cpu.push((
            "kubeconform",
            (after - before) / runs,
            start.elapsed() / runs,
        ));
    }
    eprintln!("{label}; means of {runs} runs:");
    for (name, cpu_time, wall) in &cpu {
        eprintln!("  {name}: CPU {cpu_time:.2?}, wall {wall:.2?}");
    }
    if let Some((_, k_cpu, k_wall)) = cpu.iter().find(|(name, ..)| *name == "kubeconform") {
        for (name, cpu_time, wall) in &cpu[..2] {
            eprintln!(
                "  kubeconform / {name}: {:.1}x by CPU time, {:.1}x by wall time",
                k_cpu.as_secs_f64() / cpu_time.as_secs_f64(),
                k_wall.as_secs_f64() / wall.as_secs_f64()
            );
        }
    }

    let mut group = c.benchmark_group("check_stream");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Bytes(bytes as u64));
    group.bench_function(format!("daemonset, {threads} threads: {label}"), |b| {
        b.iter(|| black_box(check(&path, threads)))
    });
    group.bench_function(format!("daemonset, 1 thread: {label}"), |b| {
        b.iter(|| black_box(check(&path, 1)))
    });
    if let Some(binary) = &kubeconform {
        group.bench_function(format!("kubeconform -strict: {label}"), |b| {
            b.iter(|| {
                black_box(
                    kubeconform_command(binary, dir.path(), &path)
                        .status()
                        .unwrap(),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
