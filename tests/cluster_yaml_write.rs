//! `render | kubectl create -f -` reads back the same object: DaemonSets holding strings that YAML 1.1 readers
//! (kubectl's sigs.k8s.io/yaml, go-yaml v2) could take for booleans, numbers, nulls, timestamps, merge keys, or
//! that carry line separators, control characters, indicators and edge spaces, are rendered by
//! `daemonset::render`, piped through the harness's kubectl to a server dry run, and every string the server
//! stores is compared with the original (env values, label keys and values, annotation keys and values, args,
//! command).

mod support;

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

use daemonset::k8s::api::apps::v1::DaemonSet as K8sDaemonSet;
use serde_json::{Value, json};
use support::TestEnv;

/// Every casing of a short word, and four casings of a long one.
fn casings(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() <= 3 {
        (0..1u32 << chars.len())
            .map(|mask| {
                chars
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        if mask & (1 << i) != 0 {
                            c.to_ascii_uppercase()
                        } else {
                            *c
                        }
                    })
                    .collect()
            })
            .collect()
    } else {
        let mut title = word.to_owned();
        title[..1].make_ascii_uppercase();
        let alternating = chars
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i % 2 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    *c
                }
            })
            .collect();
        vec![
            word.to_owned(),
            title,
            word.to_ascii_uppercase(),
            alternating,
        ]
    }
}

/// The adversarial strings, without duplicates.
fn corpus() -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    for word in [
        "y", "yes", "n", "no", "on", "off", "nan", "inf", "true", "false", "null",
    ] {
        all.extend(casings(word));
    }
    for s in [
        "~",
        "<<",
        "=",
        "",
        "1_000",
        "1_000_000",
        "0b1010",
        "0b_1",
        "-0b1",
        "0o17",
        "017",
        "0x1F",
        "0x_1f",
        "1:20",
        "190:20:30.15",
        "-1:20",
        "+1:20",
        "1:20:30",
        "1e3",
        "1E3",
        "1.5e-3",
        "+1",
        "-1",
        "+0.5",
        ".5",
        "1.",
        "6.8523015e+5",
        "685.230_15e+03",
        "685_230.15",
        "-.inf",
        "+.inf",
        ".inf",
        ".Inf",
        ".NaN",
        ".NAN",
        "0",
        "00",
        "-0",
        "3.14",
        "12e03",
        "0.",
        "1__0",
        "_1",
        "2001-12-14",
        "2001-12-14t21:59:43.10-05:00",
        "2001-12-14 21:59:43.10 -5",
        "2001-12-15T02:59:43.1Z",
        "2001-1-2",
        "2001-12-14 21:59:43.10",
        "---",
        "...",
        "--- a",
        "... a",
        "---a",
        "a\n---\nb",
        "a\n...\nb",
        "%YAML 1.1",
        "!!str",
        "!!binary aGk=",
        "&anchor",
        "*alias",
        "<<: *a",
        "? a",
        "- a",
        "a: b",
        "a #b",
        "a#b",
        "[a, b]",
        "{a: b}",
        "\"a\"",
        "'a'",
        "line1\nline2",
        "line1\nline2\n",
        "a\n\n",
        "\n",
        "\n\n",
        "\nlead",
        "  indented\nx",
        "a\n  b\n",
        "trailing \nspace",
        "end space\n ",
        "tab\there\nx",
        "#!/bin/sh\nset -e\necho yes\n",
        " ",
        "  ",
        " a",
        "a ",
        " yes",
        "yes ",
        "a  b",
        "\ta",
        "a\t",
        "KUBERNETES",
        "e\u{301}",
        "\u{e9}\u{2603}\u{1f600}",
        "\u{65e5}\u{672c}",
        "\u{a0}",
        "a\u{a0}",
        "back\\slash",
        "a'b",
        "a\"b",
        "a''b",
    ] {
        all.push(s.to_owned());
    }
    for c in [
        "\u{2028}", "\u{2029}", "\u{85}", "\u{feff}", "\t", "\r", "\r\n", "\u{0}", "\u{7f}",
        "\u{1b}",
    ] {
        all.extend([
            c.to_owned(),
            format!("a{c}"),
            format!("{c}a"),
            format!("a{c}b"),
            format!("a\n{c}"),
        ]);
    }
    for c in [
        "- ", ": ", "? ", "#", " #", "&", "*", "!", "%", "@", "`", "'", "\"", "|", ">", "[", "]",
        "{", "}", ",", "\\",
    ] {
        all.extend([
            c.to_owned(),
            format!("{c}x"),
            format!("x{c}"),
            format!("x{c}y"),
        ]);
    }
    all.extend([
        "yes ".repeat(50),
        "a: b # c ".repeat(20),
        "x".repeat(300),
        format!("{}\u{2028}{}", "y".repeat(100), "n".repeat(100)),
    ]);
    let mut seen = std::collections::BTreeSet::new();
    all.retain(|s| seen.insert(s.clone()));
    all
}

/// A label value (and the name part of a qualified name when not empty): at most 63 characters, alphanumeric at
/// both ends, `-`, `_`, `.` inside.
fn is_label_value(s: &str) -> bool {
    let b = s.as_bytes();
    s.is_empty()
        || (b.len() <= 63
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric()
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.')))
}

const PER_OBJECT: usize = 40;

/// One DaemonSet per `PER_OBJECT` strings: each string is an env value, an annotation value, an arg and a command
/// word; strings that are valid label values are label values, and valid names are also label and annotation keys.
fn daemon_sets(strings: &[String]) -> Vec<K8sDaemonSet> {
    strings
        .chunks(PER_OBJECT)
        .enumerate()
        .map(|(chunk, part)| {
            let name = format!("yaml-write-{chunk}");
            let mut labels = BTreeMap::from([("app".to_owned(), name.clone())]);
            let mut annotations = BTreeMap::new();
            let mut env = Vec::new();
            for (i, s) in part.iter().enumerate() {
                let index = chunk * PER_OBJECT + i;
                annotations.insert(format!("yaml.test/v{index}"), s.clone());
                env.push(json!({"name": format!("E_{index}"), "value": s}));
                if is_label_value(s) {
                    labels.insert(format!("yaml.test/v{index}"), s.clone());
                    if !s.is_empty() {
                        labels.insert(s.clone(), format!("k{index}"));
                        annotations.insert(s.clone(), format!("k{index}"));
                    }
                }
            }
            serde_json::from_value(json!({
                "apiVersion": "apps/v1",
                "kind": "DaemonSet",
                "metadata": {"name": name, "labels": labels, "annotations": annotations},
                "spec": {
                    "selector": {"matchLabels": {"app": name}},
                    "template": {
                        "metadata": {"labels": {"app": name}},
                        "spec": {"containers": [{
                            "name": "agent",
                            "image": "registry.example/agent:1.0",
                            "command": part,
                            "args": part,
                            "env": env,
                        }]},
                    },
                },
            }))
            .expect("a DaemonSet")
        })
        .collect()
}

/// Compares one stored object with the one sent; returns the number of strings compared and the differences.
fn compare(sent: &K8sDaemonSet, stored: &Value) -> (usize, Vec<String>) {
    let sent = serde_json::to_value(sent).unwrap();
    let mut compared = 0;
    let mut differences = Vec::new();
    let name = sent["metadata"]["name"].as_str().unwrap();
    for field in ["labels", "annotations"] {
        let want = sent["metadata"][field].as_object().unwrap();
        let got = stored["metadata"][field]
            .as_object()
            .cloned()
            .unwrap_or_default();
        for (key, value) in want {
            compared += 2;
            if got.get(key) != Some(value) {
                differences.push(format!(
                    "{name} {field}[{key:?}]: sent {value}, stored {:?}",
                    got.get(key)
                ));
            }
        }
        // The DaemonSet strategy adds its own annotation.
        let added_by_server = |k: &str| k == "deprecated.daemonset.template.generation";
        for key in got
            .keys()
            .filter(|k| !want.contains_key(*k) && !added_by_server(k))
        {
            differences.push(format!("{name} {field}: stored an extra key {key:?}"));
        }
    }
    let container = |v: &Value| v["spec"]["template"]["spec"]["containers"][0].clone();
    let (want, got) = (container(&sent), container(stored));
    for field in ["command", "args"] {
        let want = want[field].as_array().unwrap();
        compared += want.len();
        if got[field].as_array() != Some(want) {
            differences.push(format!(
                "{name} {field}: sent {}, stored {}",
                Value::from(want.clone()),
                got[field]
            ));
        }
    }
    let want_env = want["env"].as_array().unwrap();
    let got_env = got["env"].as_array().cloned().unwrap_or_default();
    compared += want_env.len();
    if want_env.len() != got_env.len() {
        differences.push(format!("{name}: {} env vars stored", got_env.len()));
    }
    for (w, g) in want_env.iter().zip(&got_env) {
        // The server omits an empty value.
        let stored_value = g.get("value").cloned().unwrap_or(json!(""));
        if w["name"] != g["name"] || w["value"] != stored_value {
            differences.push(format!("{name} env: sent {w}, stored {g}"));
        }
    }
    (compared, differences)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the harness control plane (scripts/cluster-tests.sh --ignored)"]
async fn rendered_yaml_reads_back_through_kubectl_to_the_same_strings() {
    let env = TestEnv::new("yaml-write").await;
    let strings = corpus();
    assert!(
        strings.len() >= 200,
        "the corpus has {} strings",
        strings.len()
    );
    let objects = daemon_sets(&strings);
    let yaml = daemonset::render::to_yaml_stream(&objects).unwrap();

    let kubectl = env.plane.bin_dir().join("kubectl");
    let mut child = Command::new(&kubectl)
        .arg("--kubeconfig")
        .arg(&env.plane.kubeconfig)
        .args(["-n", &env.namespace])
        .args(["create", "--dry-run=server", "-o", "json", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubectl runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(yaml.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "kubectl refused the rendered YAML: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    // kubectl prints one JSON object after the other.
    let items: Vec<Value> = serde_json::Deserializer::from_slice(&output.stdout)
        .into_iter::<Value>()
        .collect::<Result<_, _>>()
        .expect("kubectl prints JSON objects");
    assert_eq!(
        items.len(),
        objects.len(),
        "one stored object per object sent"
    );

    let mut compared = 0;
    let mut differences = Vec::new();
    for (sent, stored) in objects.iter().zip(&items) {
        assert_eq!(
            stored["metadata"]["name"].as_str(),
            sent.metadata.name.as_deref()
        );
        let (n, d) = compare(sent, stored);
        compared += n;
        differences.extend(d);
    }
    assert!(
        differences.is_empty(),
        "{} of {compared} strings differ after render | kubectl:\n{}",
        differences.len(),
        differences.join("\n")
    );
    // Each string is compared as an env value, an annotation, an arg and a command word at least.
    assert!(compared >= 4 * strings.len(), "compared {compared} strings");
    println!(
        "render | kubectl create --dry-run=server: {} adversarial strings in {} DaemonSets, {compared} stored strings \
         equal to the originals",
        strings.len(),
        objects.len()
    );
    env.cleanup().await;
}
