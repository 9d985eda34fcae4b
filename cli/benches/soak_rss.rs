//! Soak of the streaming commands: writes a stream of SOAK_MB megabytes (default 100) made of the real DaemonSets of
//! `tests/fixtures/real/` (the files listed in its `SOURCES`, repeated, `---` separated), then runs `check`, `lint`
//! and `render` of it (stdout to /dev/null) under `/usr/bin/time -v` and prints, for each, the exit code, the peak
//! resident memory, the wall time, and what the memory aim of issue 13 (under 2× the largest document plus a
//! constant) is measured against: the growth over the same command's peak on one document of the corpus, beside
//! twice the largest document.
//!
//! Run it with `cargo bench -p daemonset-cli --no-default-features --bench soak_rss` (release build of the CLI);
//! `SOAK_MB=20` for a shorter run.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_owned()
}

/// The documents of the corpus, each ending in a newline.
fn corpus() -> Vec<String> {
    let dir = root().join("tests/fixtures/real");
    let sources =
        std::fs::read_to_string(dir.join("SOURCES")).expect("tests/fixtures/real/SOURCES");
    sources
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let file = l.split('\t').next().expect("a file name");
            let mut text = std::fs::read_to_string(dir.join(file)).expect("a corpus file");
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text
        })
        .collect()
}

/// Peak RSS (KiB), wall seconds and exit code of `daemonset ARGS` in `dir`.
fn measure(dir: &Path, args: &[&str]) -> (u64, f64, i32) {
    let start = Instant::now();
    let output = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_daemonset"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("/usr/bin/time runs");
    let wall = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let rss = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak RSS in /usr/bin/time's output:\n{stderr}"));
    let code = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Exit status: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(-1);
    (rss, wall, code)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let megabytes: usize = std::env::var("SOAK_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let docs = corpus();
    let largest = docs.iter().map(String::len).max().expect("documents");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut stream = String::new();
    let mut count = 0usize;
    while stream.len() < megabytes << 20 {
        for doc in &docs {
            stream.push_str("---\n");
            stream.push_str(doc);
            count += 1;
        }
    }
    std::fs::write(dir.path().join("stream.yaml"), &stream).expect("the stream is written");
    std::fs::write(dir.path().join("one.yaml"), &docs[0]).expect("one document is written");
    let input_mib = stream.len() as f64 / f64::from(1 << 20);
    drop(stream);
    println!(
        "stream: {input_mib:.1} MiB, {count} DaemonSets from {} real files; largest document {:.1} KiB",
        docs.len(),
        largest as f64 / 1024.0
    );
    println!(
        "{:<22} {:>5} {:>13} {:>16} {:>11} {:>14} {:>7}",
        "command",
        "exit",
        "peak RSS MiB",
        "one-doc RSS MiB",
        "growth KiB",
        "2x largest KiB",
        "wall s"
    );
    for command in [
        &["check"][..],
        &["lint"][..],
        &["render"][..],
        &["render", "-o", "json"][..],
    ] {
        let with = |file: &'static str| {
            let mut args = vec![command[0], file];
            args.extend_from_slice(&command[1..]);
            args
        };
        let (small, _, _) = measure(dir.path(), &with("one.yaml"));
        let (rss, wall, code) = measure(dir.path(), &with("stream.yaml"));
        println!(
            "{:<22} {code:>5} {:>13.1} {:>16.1} {:>11} {:>14} {wall:>7.1}",
            command.join(" "),
            rss as f64 / 1024.0,
            small as f64 / 1024.0,
            rss as i64 - small as i64,
            2 * (largest as u64).div_ceil(1024),
        );
    }
}
