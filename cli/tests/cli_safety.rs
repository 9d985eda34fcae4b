//! Hostile and careless input (issue 13): the output directory of `render --out` (links planted in it, concurrent
//! runs, a disk that fills, long and look-alike names, killed runs, FIFOs, pruning with nothing rendered), commands
//! bounded in time against an API server that accepts connections and never answers, and output that cannot be
//! written (a closed pipe, a full disk), which must never panic (exit 101).
//!
//! No test needs a cluster: the silent server is a loopback listener that accepts connections and stays silent.

use std::fs;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use insta_cmd::get_cargo_bin;
use tempfile::TempDir;

fn daemonset(dir: &Path) -> Command {
    let mut cmd = Command::new(get_cargo_bin("daemonset"));
    cmd.current_dir(dir);
    cmd.env("KUBECONFIG", "no-such-dir/kubeconfig");
    cmd.env("HOME", "no-such-home");
    cmd
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Waits for `child` at most `limit`; kills it and panics when it is still running.
fn wait_at_most(mut child: Child, limit: Duration, what: &str) -> (ExitStatus, String, String) {
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            let output = child.wait_with_output().unwrap();
            return (output.status, text(&output.stdout), text(&output.stderr));
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            panic!(
                "{what} still ran after {limit:?}; stderr so far:\n{}",
                text(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn assert_no_panic(status: ExitStatus, stderr: &str) {
    assert_ne!(status.code(), Some(101), "a panic: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), None, "killed by a signal: {stderr}");
    }
}

/// A minimal spec whose name (and namespace, when given) come from the arguments.
fn spec(name: &str, namespace: Option<&str>) -> String {
    let mut text = format!("name: {name}\n");
    if let Some(ns) = namespace {
        text.push_str(&format!("namespace: {ns}\n"));
    }
    text.push_str("selectorLabels: {app: agent}\ncontainers:\n- name: agent\n  image: agent:1.0\n");
    text
}

/// Files in `dir` (names only), sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn manifest_entries(dir: &Path) -> Vec<String> {
    fs::read_to_string(dir.join(".daemonset-manifest"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(str::to_owned)
        .collect()
}

// ---- the output directory ----

#[cfg(target_os = "linux")]
#[test]
fn render_out_never_follows_a_link_planted_at_a_predictable_temporary_name() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.yaml"), spec("a", None)).unwrap();
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    let outside = dir.path().join("outside");
    fs::write(&outside, "precious\n").unwrap();
    // Earlier versions wrote `.a.yaml.tmp-<pid>`: plant a link there for each of the next pids the kernel hands out.
    let last: u32 = fs::read_to_string("/proc/sys/kernel/ns_last_pid")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    for pid in last + 1..last + 400 {
        for file in ["a.yaml", ".daemonset-manifest"] {
            std::os::unix::fs::symlink(&outside, out.join(format!(".{file}.tmp-{pid}"))).unwrap();
        }
    }
    let output = daemonset(dir.path())
        .args(["render", "a.yaml", "--out", "out"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(fs::read_to_string(&outside).unwrap(), "precious\n");
    let written = fs::symlink_metadata(out.join("a.yaml")).unwrap();
    assert!(written.file_type().is_file());
    assert!(
        fs::read_to_string(out.join("a.yaml"))
            .unwrap()
            .contains("name: a\n")
    );
}

#[cfg(unix)]
#[test]
fn render_out_refuses_a_link_at_an_output_name() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.yaml"), spec("a", None)).unwrap();
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    let outside = dir.path().join("outside");
    fs::write(&outside, "precious\n").unwrap();
    fs::write(out.join(".daemonset-manifest"), "a.yaml\n").unwrap();
    std::os::unix::fs::symlink(&outside, out.join("a.yaml")).unwrap();
    for check in [false, true] {
        let mut cmd = daemonset(dir.path());
        cmd.args(["render", "a.yaml", "--out", "out"]);
        if check {
            cmd.arg("--check");
        }
        let output = cmd.output().unwrap();
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains("refusing to use `out/a.yaml`: it is a symbolic link"),
            "{stderr}"
        );
        assert_eq!(fs::read_to_string(&outside).unwrap(), "precious\n");
        assert!(
            fs::symlink_metadata(out.join("a.yaml"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
}

#[test]
fn concurrent_runs_lose_no_manifest_entry() {
    const RUNS: usize = 30;
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("agent.yaml"), spec("agent-{{ n }}", None)).unwrap();
    let children: Vec<Child> = (0..RUNS)
        .map(|n| {
            daemonset(dir.path())
                .args(["render", "agent.yaml", "--out", "out", "--set"])
                .arg(format!("n={n}"))
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let (status, _, stderr) = wait_at_most(child, Duration::from_secs(120), "render --out");
        assert!(status.success(), "{stderr}");
    }
    let out = dir.path().join("out");
    let mut expected: Vec<String> = (0..RUNS).map(|n| format!("agent-{n}.yaml")).collect();
    expected.sort();
    assert_eq!(manifest_entries(&out), expected);
    // And the tool still owns its files: a prune to one object removes the other 29.
    let output = daemonset(dir.path())
        .args([
            "render",
            "agent.yaml",
            "--out",
            "out",
            "--prune",
            "--set",
            "n=0",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(names(&out), [".daemonset-manifest", "agent-0.yaml"]);
}

/// `sh -c 'trap "" XFSZ; ulimit -f BLOCKS; exec daemonset ...'`: writes past the size limit fail with EFBIG, as on
/// a full disk.
#[cfg(target_os = "linux")]
fn daemonset_with_file_size_limit(dir: &Path, blocks: u32) -> Command {
    let mut cmd = Command::new("sh");
    cmd.current_dir(dir)
        .env("KUBECONFIG", "no-such-dir/kubeconfig")
        .env("HOME", "no-such-home")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" \"$@\""
        ))
        .arg(get_cargo_bin("daemonset"));
    cmd
}

#[cfg(target_os = "linux")]
#[test]
fn a_write_that_fails_part_way_says_what_was_written() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.yaml"), spec("a", None)).unwrap();
    // `b` is large (a 100 KB annotation): its write fails under a 64 KB file size limit, after `a` was written.
    let big = format!(
        "{}annotations:\n  note: {}\n",
        spec("b", None),
        "x".repeat(100_000)
    );
    fs::write(dir.path().join("b.yaml"), big).unwrap();
    let output = daemonset_with_file_size_limit(dir.path(), 128)
        .args(["render", "a.yaml", "b.yaml", "--out", "out"])
        .output()
        .unwrap();
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(!stderr.contains("left as it was"), "{stderr}");
    assert_eq!(stdout, "written   out/a.yaml\n");
    assert!(
        stderr.contains("error: out stopped part way: 1 file written and 0 removed"),
        "{stderr}"
    );
    assert!(stderr.contains("File too large"), "{stderr}");
    let out = dir.path().join("out");
    assert_eq!(
        manifest_entries(&out),
        ["a.yaml"],
        "the manifest tells the truth"
    );
    assert_eq!(
        names(&out),
        [".daemonset-manifest", "a.yaml"],
        "no temporary file is left"
    );
}

#[test]
fn a_listed_name_that_is_a_directory_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.yaml"), spec("a", None)).unwrap();
    fs::write(dir.path().join("b.yaml"), spec("b", None)).unwrap();
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::create_dir(out.join("b.yaml")).unwrap();
    fs::write(out.join("b.yaml/keep"), "k").unwrap();
    fs::write(out.join(".daemonset-manifest"), "b.yaml\n").unwrap();
    let output = daemonset(dir.path())
        .args(["render", "a.yaml", "b.yaml", "--out", "out"])
        .output()
        .unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("refusing to use `out/b.yaml`: it is a directory"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: nothing was written: out was left as it was"),
        "{stderr}"
    );
    assert_eq!(names(&out), [".daemonset-manifest", "b.yaml"]);
    assert_eq!(manifest_entries(&out), ["b.yaml"]);
}

#[test]
fn names_of_240_to_253_characters_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = Vec::new();
    for (i, len) in [240, 246, 253].into_iter().enumerate() {
        let name = format!("{}{i}", "a".repeat(len - 1));
        let file = format!("s{i}.yaml");
        fs::write(dir.path().join(&file), spec(&name, Some("kube-system"))).unwrap();
        inputs.push(file);
    }
    let output = daemonset(dir.path())
        .arg("render")
        .args(&inputs)
        .args(["--out", "out"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let out = dir.path().join("out");
    let written = names(&out);
    assert_eq!(written.len(), 4, "{written:?}");
    for name in &written {
        assert!(name.len() <= 255, "{name}");
    }
    // A second run finds every file up to date.
    let output = daemonset(dir.path())
        .arg("render")
        .args(&inputs)
        .args(["--out", "out", "--check"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
}

#[test]
fn a_dotted_name_and_a_namespaced_name_get_files_of_their_own() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("plain.yaml"), spec("c.a.b", None)).unwrap();
    fs::write(dir.path().join("namespaced.yaml"), spec("a.b", Some("c"))).unwrap();
    let output = daemonset(dir.path())
        .args(["render", "plain.yaml", "namespaced.yaml", "--out", "out"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(
        names(&dir.path().join("out")),
        [".daemonset-manifest", "c.a.b.yaml", "c_a.b.yaml"]
    );
}

#[cfg(unix)]
#[test]
fn temporary_files_of_a_killed_run_are_removed_by_the_next() {
    const OBJECTS: usize = 150;
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = Vec::new();
    for i in 0..OBJECTS {
        let file = format!("s{i}.yaml");
        let text = spec(&format!("agent-{i}"), None).replace("agent:1.0", "agent:1.{{ v }}");
        fs::write(dir.path().join(&file), text).unwrap();
        inputs.push(file);
    }
    let out = dir.path().join("out");
    let leftovers = |out: &Path| -> Vec<String> {
        if !out.exists() {
            return Vec::new();
        }
        names(out)
            .into_iter()
            .filter(|n| n.contains("tmp"))
            .collect()
    };
    let mut caught = Vec::new();
    for attempt in 0..30u64 {
        // A new image each time, so that every file is rewritten.
        let mut child = daemonset(dir.path())
            .arg("render")
            .args(&inputs)
            .args(["--out", "out", "--set", &format!("v={attempt}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // SIGKILL as soon as a temporary file is seen (or when the run is over).
        while child.try_wait().unwrap().is_none() && leftovers(&out).is_empty() {
            std::hint::spin_loop();
        }
        let _ = child.kill();
        let _ = child.wait();
        caught = leftovers(&out);
        if !caught.is_empty() {
            break;
        }
    }
    assert!(!caught.is_empty(), "no run was killed while writing");
    let output = daemonset(dir.path())
        .arg("render")
        .args(&inputs)
        .args(["--out", "out", "--set", "v=final"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(
        leftovers(&out),
        Vec::<String>::new(),
        "left by the kill: {caught:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_an_output_file_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.yaml"), spec("a", None)).unwrap();
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    let made = Command::new("mkfifo")
        .arg(out.join("a.yaml"))
        .status()
        .unwrap();
    assert!(made.success());
    fs::write(out.join(".daemonset-manifest"), "a.yaml\n").unwrap();
    for check in [false, true] {
        let mut cmd = daemonset(dir.path());
        cmd.args(["render", "a.yaml", "--out", "out"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if check {
            cmd.arg("--check");
        }
        let (status, _, stderr) = wait_at_most(
            cmd.spawn().unwrap(),
            Duration::from_secs(20),
            "render --out",
        );
        assert_eq!(status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains("refusing to use `out/a.yaml`: it is a FIFO"),
            "{stderr}"
        );
    }
}

#[test]
fn prune_with_nothing_rendered_removes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.yaml"), spec("a", None)).unwrap();
    fs::write(
        dir.path().join("only-a-configmap.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    )
    .unwrap();
    let output = daemonset(dir.path())
        .args(["render", "a.yaml", "--out", "out"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let output = daemonset(dir.path())
        .args(["render", "only-a-configmap.yaml", "--out", "out", "--prune"])
        .output()
        .unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("refusing to prune `out`: nothing was rendered"),
        "{stderr}"
    );
    assert_eq!(
        names(&dir.path().join("out")),
        [".daemonset-manifest", "a.yaml"]
    );
}

// ---- output that cannot be written ----

/// A stream with thousands of problems, so that the output outlives a reader that stops after one line.
fn many_problems(dir: &Path) -> PathBuf {
    let bad = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: bad}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: b}}\n    spec:\n      containers: [{name: c, image: 'c:1'}]\n";
    let path = dir.join("many.yaml");
    fs::write(&path, format!("{bad}---\n").repeat(1000)).unwrap();
    path
}

/// A closed pipe ends the command quietly: no error message, and the exit of a tool ended by SIGPIPE (141), the
/// same for every command.
fn assert_quiet_end(status: ExitStatus, stderr: &str) {
    assert_eq!(status.code(), Some(141), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}

/// Runs the command into a pipe, reads one line and closes the pipe (`... | head -1`).
fn first_line_then_close(mut cmd: Command) -> (ExitStatus, String, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    {
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        reader.read_line(&mut line).unwrap();
    }
    let (status, _, stderr) = wait_at_most(child, Duration::from_secs(60), "the command");
    (status, line, stderr)
}

#[test]
fn check_into_a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let input = many_problems(dir.path());
    let mut cmd = daemonset(dir.path());
    cmd.arg("check").arg(&input);
    let (status, line, stderr) = first_line_then_close(cmd);
    assert!(line.contains("many.yaml:"), "{line}");
    assert_no_panic(status, &stderr);
    assert_quiet_end(status, &stderr);
}

#[test]
fn lint_into_a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let input = many_problems(dir.path());
    let mut cmd = daemonset(dir.path());
    cmd.arg("lint").arg(&input);
    let (status, line, stderr) = first_line_then_close(cmd);
    assert!(!line.is_empty());
    assert_no_panic(status, &stderr);
    assert_quiet_end(status, &stderr);
}

#[test]
fn render_into_a_closed_pipe_exits_like_a_tool_ended_by_sigpipe() {
    let dir = tempfile::tempdir().unwrap();
    let good = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: good}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec:\n      containers: [{name: c, image: 'c:1'}]\n";
    fs::write(
        dir.path().join("many-good.yaml"),
        format!("{good}---\n").repeat(1000),
    )
    .unwrap();
    let mut cmd = daemonset(dir.path());
    cmd.args(["render", "many-good.yaml"]);
    let (status, line, stderr) = first_line_then_close(cmd);
    assert_eq!(line, "---\n");
    assert_no_panic(status, &stderr);
    assert_eq!(status.code(), Some(141), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}

#[cfg(target_os = "linux")]
#[test]
fn output_to_a_full_disk_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let input = many_problems(dir.path());
    fs::write(dir.path().join("a.yaml"), spec("a", None)).unwrap();
    assert!(input.exists());
    for args in [
        vec!["check", "many.yaml"],
        vec!["render", "a.yaml"],
        vec!["lint", "many.yaml"],
    ] {
        let output = daemonset(dir.path())
            .args(&args)
            .stdout(
                fs::OpenOptions::new()
                    .write(true)
                    .open("/dev/full")
                    .unwrap(),
            )
            .output()
            .unwrap();
        let stderr = text(&output.stderr);
        assert_no_panic(output.status, &stderr);
        assert_eq!(output.status.code(), Some(3), "{args:?}: {stderr}");
        assert!(
            stderr.contains("No space left on device"),
            "{args:?}: {stderr}"
        );
    }
}

// ---- values and templates ----

#[test]
fn a_set_key_with_60000_dots_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.yaml"), spec("a", None)).unwrap();
    let key = vec!["k"; 60_001].join(".");
    let output = daemonset(dir.path())
        .args(["render", "a.yaml", "--set"])
        .arg(format!("{key}=v"))
        .output()
        .unwrap();
    let stderr = text(&output.stderr);
    assert_no_panic(output.status, &stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the key has 60001 names; at most 64 are allowed"),
        "{}",
        &stderr[..stderr.len().min(400)]
    );
}

#[test]
fn a_runaway_template_loop_ends_with_an_error_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("loop.yaml"),
        format!(
            "{}{{% for i in range(100000) %}}{{% for j in range(100000) %}}{{% endfor %}}{{% endfor %}}\n",
            spec("a", None)
        ),
    )
    .unwrap();
    let child = daemonset(dir.path())
        .args(["render", "loop.yaml"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (status, _, stderr) = wait_at_most(child, Duration::from_secs(60), "render");
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error: loop.yaml:6:"),
        "the file and line of the loop: {stderr}"
    );
    assert!(stderr.contains("too much work"), "{stderr}");
}

#[test]
fn a_doubling_string_ends_with_an_error_not_an_abort() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("double.yaml"),
        format!(
            "{}{{% set ns = namespace(s='x') %}}\n{{% for i in range(64) %}}{{% set ns.s = ns.s ~ ns.s %}}{{% endfor %}}\n",
            spec("a", None)
        ),
    )
    .unwrap();
    let child = daemonset(dir.path())
        .args(["render", "double.yaml"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (status, _, stderr) = wait_at_most(child, Duration::from_secs(60), "render");
    assert_no_panic(status, &stderr);
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: double.yaml:7:"), "{stderr}");
}

#[test]
fn a_template_rendering_more_than_16_mib_ends_with_an_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("big.yaml"),
        format!(
            "{}# {{% for i in range(17) %}}{{{{ 'x' * 1048576 }}}}{{% endfor %}}\n",
            spec("a", None)
        ),
    )
    .unwrap();
    let output = daemonset(dir.path())
        .args(["render", "big.yaml"])
        .output()
        .unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error: big.yaml:6:")
            && stderr.contains("the rendered text exceeds 16 MiB"),
        "{stderr}"
    );
}

// ---- cluster commands against a server that never answers ----

/// A loopback listener that accepts every connection and never answers; a kubeconfig pointing at it.
struct SilentServer {
    _dir: TempDir,
    kubeconfig: PathBuf,
}

impl SilentServer {
    fn start() -> SilentServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming() {
                held.push(stream);
            }
        });
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        fs::write(
            &kubeconfig,
            format!(
                "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {{server: 'https://127.0.0.1:{port}', insecure-skip-tls-verify: true}}\nusers:\n- name: u\n  user: {{token: t}}\ncontexts:\n- name: x\n  context: {{cluster: c, user: u, namespace: default}}\ncurrent-context: x\n"
            ),
        )
        .unwrap();
        SilentServer {
            _dir: dir,
            kubeconfig,
        }
    }
}

fn seed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/seeds/nginx-daemonset.yaml")
}

#[cfg(unix)]
#[test]
fn a_credential_plugin_that_never_returns_ends_at_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1'}\nusers:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: sleep, args: ['20'], interactiveMode: Never}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n",
    )
    .unwrap();
    let start = Instant::now();
    let child = daemonset(dir.path())
        .args([
            "rollout",
            "status",
            "agent",
            "--timeout",
            "2s",
            "--kubeconfig",
        ])
        .arg(&kubeconfig)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (status, _, stderr) = wait_at_most(child, Duration::from_secs(30), "rollout status");
    let took = start.elapsed();
    assert!(took < Duration::from_secs(6), "took {took:?}: {stderr}");
    assert_eq!(status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("did not finish within --timeout 2s"),
        "{stderr}"
    );
}

/// Runs `args` against the silent server with `--timeout 2s` and checks it ends in about 2 s with exit 5 and a
/// message naming the command.
fn ends_at_the_deadline(args: &[&str], what: &str) -> Output {
    let server = SilentServer::start();
    let dir = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let child = daemonset(dir.path())
        .args(args)
        .args(["--timeout", "2s", "--kubeconfig"])
        .arg(&server.kubeconfig)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (status, stdout, stderr) = wait_at_most(child, Duration::from_secs(30), what);
    let took = start.elapsed();
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(6),
        "{what} took {took:?}: {stderr}"
    );
    assert_eq!(status.code(), Some(5), "{what}: {stderr}");
    assert!(
        stderr.contains(&format!("error: {what} did not finish within --timeout 2s")),
        "{stderr}"
    );
    Output {
        status,
        stdout: stdout.into_bytes(),
        stderr: stderr.into_bytes(),
    }
}

#[test]
fn rollout_status_against_a_silent_server_ends_at_the_deadline() {
    ends_at_the_deadline(
        &["rollout", "status", "agent"],
        "rollout status of daemonset.apps/agent",
    );
}

#[test]
fn apply_against_a_silent_server_ends_at_the_deadline() {
    let seed = seed();
    let seed = seed.to_str().unwrap();
    ends_at_the_deadline(&["apply", "-f", seed], "apply");
    ends_at_the_deadline(&["apply", "-f", seed, "--wait"], "apply");
}

#[test]
fn diff_against_a_silent_server_ends_at_the_deadline() {
    let seed = seed();
    ends_at_the_deadline(&["diff", "-f", seed.to_str().unwrap()], "diff");
}

#[test]
fn rollout_history_and_undo_against_a_silent_server_end_at_the_deadline() {
    ends_at_the_deadline(
        &["rollout", "history", "agent"],
        "rollout history of daemonset.apps/agent",
    );
    ends_at_the_deadline(
        &["rollout", "undo", "agent"],
        "rollout undo of daemonset.apps/agent",
    );
}

#[test]
fn plan_from_the_live_cluster_against_a_silent_server_ends_at_the_deadline() {
    let seed = seed();
    ends_at_the_deadline(
        &["plan", seed.to_str().unwrap()],
        "plan (reading the live cluster)",
    );
}

#[test]
fn doctor_against_a_silent_server_ends_at_the_deadline() {
    ends_at_the_deadline(&["doctor", "agent"], "doctor of daemonset.apps/agent");
    ends_at_the_deadline(
        &["doctor", "agent", "--watch"],
        "doctor of daemonset.apps/agent",
    );
    ends_at_the_deadline(&["doctor", "--all", "-A"], "doctor");
}

#[test]
fn the_largest_timeout_is_no_panic() {
    let server = SilentServer::start();
    let dir = tempfile::tempdir().unwrap();
    // The server is silent: the command would wait for ever, so it is stopped after a moment; it must not have
    // panicked by then.
    let mut child = daemonset(dir.path())
        .args([
            "rollout",
            "status",
            "agent",
            "--timeout",
            "18446744073709551615s",
        ])
        .arg("--kubeconfig")
        .arg(&server.kubeconfig)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(2));
    let exited = child.try_wait().unwrap();
    let _ = child.kill();
    let output = child.wait_with_output().unwrap();
    let stderr = text(&output.stderr);
    assert!(exited.is_none(), "it ended: {exited:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
