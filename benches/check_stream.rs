//! `check`'s work on a 41 MB stream of real, valid DaemonSets: reading each document as kubectl would (YAML 1.1,
//! strict field checking, one document held at a time) and validating it with the API server's rules. The stream
//! cycles through the DaemonSets of `tests/fixtures/validate` and `tests/fixtures/real` (Elastic's filebeat, an
//! operator-style manifest with anchors and merge keys), each renamed, to about 41 MB.
//!
//! kubeconform's figure on the same stream is recorded in the README beside this bench's (how it was run is written
//! there); it is not run here, as it is a Go program installed separately.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use daemonset::parse::{Document, DocumentStream};

const TARGET_BYTES: usize = 41_000_000;

/// The DaemonSet documents of the fixtures.
fn real_daemon_sets() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<_> = ["validate", "real"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(root.join(dir)).unwrap())
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut docs = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
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

/// About 41 MB of `---`-separated DaemonSets with distinct names, and how many there are.
fn stream() -> (String, usize) {
    let docs = real_daemon_sets();
    let mut out = String::with_capacity(TARGET_BYTES + 8192);
    let mut n = 0;
    while out.len() < TARGET_BYTES {
        let doc = docs[n % docs.len()].replacen("\n  name: ", &format!("\n  name: n{n}-"), 1);
        out.push_str("---\n");
        out.push_str(&doc);
        n += 1;
    }
    (out, n)
}

/// What `daemonset check` does per document: read strictly, validate; returns (DaemonSets, problems).
fn check(stream: &str) -> (usize, usize) {
    let (mut checked, mut problems) = (0, 0);
    for document in DocumentStream::new(stream.as_bytes()) {
        match document.expect("an in-memory stream reads") {
            Document::DaemonSet { object, .. } => {
                checked += 1;
                if let Err(errors) = daemonset::validate(&object) {
                    problems += errors.violations().len();
                }
            }
            Document::Invalid { errors, .. } => problems += errors.len(),
            _ => {}
        }
    }
    (checked, problems)
}

fn bench(c: &mut Criterion) {
    let (stream, n) = stream();
    assert_eq!(
        check(&stream),
        (n, 0),
        "every DaemonSet of the stream is valid"
    );
    let mut group = c.benchmark_group("check_stream");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Bytes(stream.len() as u64));
    group.bench_function(format!("{n} DaemonSets, {} bytes", stream.len()), |b| {
        b.iter(|| black_box(check(black_box(&stream))))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
