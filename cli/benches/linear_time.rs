//! The inputs that took quadratic time (issue 13), each timed at two sizes, the second twice the first: linear time
//! shows as a ratio near 2 (a quadratic one near 4). Wall time of one run each, best of three; no assertion.
//!
//! - `check`'s reading of one DaemonSet with N unknown fields (each located, line and column);
//! - one DaemonSet with N violations, read, validated and every violation located;
//! - a quantity of N digits, and `0.<N digits>Ki`;
//! - `lint` of a spec file with N containers, step by step: rendered and built, linted, every finding located with
//!   one index of the rendered text (`spec::SpecLines`), and, for contrast at smaller sizes, with `spec::line_of`
//!   per finding (the way `lint` located them before: the text read again for each).
//!
//! Run it with `cargo bench -p daemonset-cli --no-default-features --bench linear_time`.

use std::time::{Duration, Instant};

use daemonset::lint::{self, Options};
use daemonset::parse::{self, Document};
use daemonset::rules::Quantity;
use daemonset::spec::{self, Values};

const DS: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
";

fn best_of_three(mut run: impl FnMut() -> usize) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut out = 0;
    for _ in 0..3 {
        let start = Instant::now();
        out = std::hint::black_box(run());
        best = best.min(start.elapsed());
    }
    (best, out)
}

fn report(case: &str, sizes: [usize; 2], run: impl Fn(usize) -> usize) {
    let (small, n_small) = best_of_three(|| run(sizes[0]));
    let (large, n_large) = best_of_three(|| run(sizes[1]));
    println!(
        "{case:<58} N={:>7}: {:>9.2} ms ({n_small:>6} found)   N={:>7}: {:>9.2} ms ({n_large:>6} found)   ratio {:.2}",
        sizes[0],
        small.as_secs_f64() * 1e3,
        sizes[1],
        large.as_secs_f64() * 1e3,
        large.as_secs_f64() / small.as_secs_f64()
    );
}

fn unknown_fields(n: usize) -> String {
    let mut text = DS.to_owned();
    for i in 0..n {
        text.push_str(&format!("      unknownField{i:06}: x\n"));
    }
    text.push_str("      containers:\n      - name: agent\n        image: agent:1.0\n");
    text
}

fn violations(n: usize) -> String {
    let mut text = DS.to_owned();
    text.push_str(
        "      containers:\n      - name: agent\n        image: agent:1.0\n        env:\n",
    );
    for i in 0..n {
        text.push_str(&format!("        - name: '{i}=bad'\n          value: x\n"));
    }
    text
}

fn spec_with_containers(n: usize) -> String {
    let mut text = "name: big\nselectorLabels: {app: big}\ncontainers:\n".to_owned();
    for i in 0..n {
        text.push_str(&format!(
            "- name: c{i}\n  image: registry.example/c:latest\n"
        ));
    }
    text
}

/// Reads a stream as `check` does and locates every problem (line and column).
fn read_and_locate(text: &str) -> usize {
    let mut found = 0;
    for document in parse::DocumentStream::new(text.as_bytes()) {
        match document.expect("a stream in memory") {
            Document::Invalid { errors, .. } => {
                found += errors
                    .iter()
                    .filter(|e| e.line().is_some() && e.column().is_some())
                    .count();
            }
            Document::DaemonSet { object, lines, .. } => {
                if let Err(errors) = daemonset::validate(&object) {
                    found += errors
                        .violations()
                        .iter()
                        .filter_map(|v| lines.position_of(v.path.as_str()))
                        .count();
                }
            }
            _ => {}
        }
    }
    found
}

/// What of `lint` of a spec file is timed.
#[derive(Clone, Copy, PartialEq)]
enum Step {
    /// Rendering the template and building the object.
    Build,
    /// Building and linting.
    Lint,
    /// Building, linting, and locating every finding with one index of the text.
    LocateOnce,
    /// Building, linting, and locating every finding with `spec::line_of` (the text read per finding).
    LocateEach,
}

fn lint_spec(text: &str, step: Step) -> usize {
    let rendered = spec::render_template("big.yaml", text, &Values::new()).expect("renders");
    let object = spec::from_str("big.yaml", &rendered).expect("builds");
    if step == Step::Build {
        return object
            .spec
            .map_or(0, |s| s.template.spec.map_or(0, |p| p.containers.len()));
    }
    let findings = lint::lint(&object, &Options::default());
    match step {
        Step::LocateEach => findings
            .iter()
            .filter_map(|f| spec::line_of(&rendered, f.path.as_str()))
            .count(),
        Step::LocateOnce => {
            let lines = spec::SpecLines::of(&rendered);
            findings
                .iter()
                .filter_map(|f| lines.position_of(f.path.as_str()))
                .count()
        }
        _ => findings.len(),
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    report(
        "check: unknown fields, each located",
        [10_000, 20_000],
        |n| read_and_locate(&unknown_fields(n)),
    );
    report(
        "check: violations (env names), each located",
        [10_000, 20_000],
        |n| read_and_locate(&violations(n)),
    );
    report("quantity: N digits", [100_000, 200_000], |n| {
        let text = "9".repeat(n);
        usize::from(Quantity::parse(&text).is_ok())
    });
    report("quantity: 0.<N digits>Ki", [100_000, 200_000], |n| {
        let text = format!("0.{}Ki", "7".repeat(n));
        usize::from(Quantity::parse(&text).is_ok())
    });
    for (case, step, sizes) in [
        (
            "spec file of N containers: render + build",
            Step::Build,
            [1_000, 2_000],
        ),
        ("  + lint", Step::Lint, [1_000, 2_000]),
        (
            "  + locate the findings, one index (SpecLines)",
            Step::LocateOnce,
            [1_000, 2_000],
        ),
        (
            "  + locate the findings, spec::line_of each (before)",
            Step::LocateEach,
            [200, 400],
        ),
    ] {
        report(case, sizes, |n| lint_spec(&spec_with_containers(n), step));
    }
}
