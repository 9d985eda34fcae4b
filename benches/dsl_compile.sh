#!/usr/bin/env bash
# Compile-time cost of the `daemonset!` macro: generates two crates with the same 20 DaemonSets, one written in the
# DSL and one with the builder, builds both, then measures the incremental rebuild after touching one of the 20
# files (the edit-compile loop a user lives in). Prints the median of RUNS rebuilds for `cargo build` and
# `cargo check`, then the same for a build of the crate alone from scratch (its dependencies built).
#
#   bash benches/dsl_compile.sh            # RUNS=10, target dir $CARGO_TARGET_DIR or target/, work dir target/dsl-bench
#
# This is a benchmark, not a test: it takes a few minutes and asserts nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS="${RUNS:-10}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
WORK="${WORK:-$TARGET/dsl-bench}"
export CARGO_TARGET_DIR="$TARGET/dsl-bench-target"
N=20

rm -rf "$WORK"
mkdir -p "$WORK"

# One DaemonSet, number $1, in form $2 (dsl|builder).
daemon_set() {
    local i="$1" form="$2"
    local n=$((10#$i))
    local name="agent-$i" port=$((9000 + n)) cpu=$((100 + n)) mem=$((64 + n))
    if [ "$form" = dsl ]; then
        cat <<RS
//! DaemonSet $i.
use daemonset::daemonset;

/// Builds DaemonSet $i.
pub fn daemon_set() -> Result<daemonset::k8s::api::apps::v1::DaemonSet, daemonset::ValidationErrors> {
    daemonset! {
        name: "$name",
        labels: { "app.kubernetes.io/name": "$name" },
        selector: { app: "$name" },
        volumes: { varlog: host_path("/var/log"), config: config_map("$name-config") },
        tolerations: [{ key: "node-role.kubernetes.io/control-plane", operator: Exists, effect: NoSchedule }],
        containers: [{
            name: "agent",
            image: "example.com/agent:1.$i",
            args: ["--port", "$port"],
            ports: [{ container_port: $port, name: "metrics" }],
            env: { NODE_NAME: field(spec.nodeName), LEVEL: "info" },
            resources: {
                requests: { cpu: "${cpu}m", memory: "${mem}Mi" },
                limits: { cpu: "1", memory: "512Mi" },
            },
            mounts: { varlog: ("/var/log", read_only), config: "/etc/agent" },
            readiness_probe: http_get("/healthz", $port, period_seconds: 5),
        }],
        update_strategy: RollingUpdate { max_unavailable: 1 },
        termination_grace_period_seconds: 30,
    }
}
RS
    else
        cat <<RS
//! DaemonSet $i.
use daemonset::build::{
    Budget, Container, Cpu, DaemonSet, Effect, EnvVar, Memory, PodField, Port, Probe, Resources, Toleration,
    UpdateStrategy, Volume,
};

/// Builds DaemonSet $i.
pub fn daemon_set() -> Result<daemonset::k8s::api::apps::v1::DaemonSet, daemonset::ValidationErrors> {
    let varlog = Volume::host_path("varlog", "/var/log");
    let config = Volume::config_map("config", "$name-config");
    DaemonSet::builder()
        .name("$name")
        .label("app.kubernetes.io/name", "$name")
        .selector_label("app", "$name")
        .toleration(Toleration::exists("node-role.kubernetes.io/control-plane").effect(Effect::NoSchedule))
        .container(
            Container::builder()
                .name("agent")
                .image("example.com/agent:1.$i")
                .args(["--port", "$port"])
                .port(Port::new($port).name("metrics"))
                .env(EnvVar::field("NODE_NAME", PodField::NodeName))
                .env(EnvVar::value("LEVEL", "info"))
                .resources(
                    Resources::builder()
                        .cpu_request(Cpu::millis($cpu))
                        .memory_request(Memory::mebibytes($mem))
                        .cpu_limit(Cpu::cores(1))
                        .memory_limit(Memory::mebibytes(512))
                        .build(),
                )
                .mount(varlog.mount("/var/log").read_only())
                .mount(config.mount("/etc/agent"))
                .readiness_probe(Probe::http_get("/healthz", $port).period_seconds(5))
                .build(),
        )
        .volume(varlog)
        .volume(config)
        .update_strategy(UpdateStrategy::max_unavailable(Budget::Count(1)))
        .termination_grace_period_seconds(30)
        .build()
}
RS
    fi
}

for form in dsl builder; do
    dir="$WORK/$form"
    mkdir -p "$dir/src"
    cat > "$dir/Cargo.toml" <<TOML
[package]
name = "bench-$form"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
daemonset = { path = "$ROOT" }
k8s-openapi = { version = "0.29", default-features = false, features = ["std", "v1_34"] }

[workspace]
TOML
    cp "$ROOT/Cargo.lock" "$dir/Cargo.lock"
    {
        echo "//! 20 DaemonSets written with the $form."
        for i in $(seq -w 1 $N); do echo "pub mod ds$i;"; done
        echo "/// All of them."
        echo "pub fn all() -> Vec<Result<daemonset::k8s::api::apps::v1::DaemonSet, daemonset::ValidationErrors>> {"
        echo "    vec![$(for i in $(seq -w 1 $N); do printf 'ds%s::daemon_set(), ' "$i"; done)]"
        echo "}"
    } > "$dir/src/lib.rs"
    for i in $(seq -w 1 $N); do daemon_set "$i" "$form" > "$dir/src/ds$i.rs"; done
done

seconds() { # runs "$@" and prints its wall time in seconds
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f\n", e - s }'
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "warming up (dependencies, first builds)..." >&2
for form in dsl builder; do
    (cd "$WORK/$form" && cargo build -q && cargo check -q)
done

printf '%-8s %-6s %s\n' form cmd "median of $RUNS incremental rebuilds after touching src/ds07.rs (s)"
for cmd in build check; do
    for form in dsl builder; do
        times=()
        for _ in $(seq 1 "$RUNS"); do
            # A real edit (not only the mtime): a different image tag each time.
            sed -i -E "s/agent:1\.07[0-9]*/agent:1.07$RANDOM/" "$WORK/$form/src/ds07.rs"
            times+=("$(cd "$WORK/$form" && seconds cargo "$cmd")")
        done
        printf '%-8s %-6s %s   (runs: %s)\n' "$form" "$cmd" "$(printf '%s\n' "${times[@]}" | median)" "${times[*]}"
    done
done

printf '%-8s %-6s %s\n' form cmd "median of $RUNS builds of the crate alone from scratch, dependencies built (s)"
for cmd in build check; do
    for form in dsl builder; do
        times=()
        for _ in $(seq 1 "$RUNS"); do
            (cd "$WORK/$form" && cargo clean -q -p "bench-$form")
            times+=("$(cd "$WORK/$form" && seconds cargo "$cmd")")
        done
        printf '%-8s %-6s %s   (runs: %s)\n' "$form" "$cmd" "$(printf '%s\n' "${times[@]}" | median)" "${times[*]}"
    done
done
