//! Streams 1,000, then 10,000, then 100,000 built and validated DaemonSets to a sink and prints the process's peak
//! resident memory after each run: a streaming writer that holds one object at a time keeps the peak flat.

use std::io;

use daemonset::build::{Container, NodeAgent, Volume};
use daemonset::render::{Format, StreamWriter};

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_owned)
        })
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

fn main() {
    for n in [1_000usize, 10_000, 100_000] {
        let mut writer = StreamWriter::new(io::sink(), Format::Yaml);
        for i in 0..n {
            let varlog = Volume::host_path("varlog", "/var/log");
            let ds = NodeAgent::builder()
                .name(format!("log-collector-{i}"))
                .selector_label("name", format!("log-collector-{i}"))
                .container(
                    Container::builder()
                        .name("c")
                        .image("fluent/fluentd:v1.14-1")
                        .mount(varlog.mount("/var/log"))
                        .build(),
                )
                .build()
                .expect("valid");
            writer.write(&ds).expect("sink");
        }
        println!(
            "streamed {n:>7} DaemonSets: peak RSS {} KiB",
            peak_rss_kib()
        );
    }
}
