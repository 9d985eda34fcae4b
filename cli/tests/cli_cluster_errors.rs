//! How the CLI prints a cluster error against a real API server: `error:`, one `caused by:` line per
//! `std::error::Error::source()` (each cause said once), and a hint. `#[ignore]`d: it needs a control plane, named
//! by `DAEMONSET_TEST_KUBECONFIG`:
//!
//! ```sh
//! DAEMONSET_TEST_KUBECONFIG=$(bash harness/up.sh /tmp/plane) \
//!     cargo test -p daemonset-cli --test cli_cluster_errors -- --ignored
//! bash harness/down.sh /tmp/plane
//! ```

use std::path::PathBuf;
use std::process::Command;

use insta_cmd::get_cargo_bin;

const ENV: &str = "DAEMONSET_TEST_KUBECONFIG";

fn kubeconfig() -> PathBuf {
    match std::env::var_os(ENV) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => panic!("set {ENV} to the kubeconfig of a test control plane (see harness/up.sh)"),
    }
}

#[test]
#[ignore = "needs a control plane: DAEMONSET_TEST_KUBECONFIG (see harness/up.sh)"]
fn a_tls_failure_prints_the_rustls_cause_from_the_source_chain() {
    // The plane's kubeconfig with another CA: the server's certificate is signed by an issuer the client does not know.
    let dir = tempfile::tempdir().unwrap();
    let other_ca = dir.path().join("ca.crt");
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=other-ca",
        ])
        .arg("-keyout")
        .arg(dir.path().join("ca.key"))
        .arg("-out")
        .arg(&other_ca)
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let ca = std::fs::read(&other_ca).unwrap();
    let encoded = base64(&ca);
    let original = std::fs::read_to_string(kubeconfig()).unwrap();
    let changed: String = original
        .lines()
        .map(
            |line| match line.split_once("certificate-authority-data:") {
                Some((indent, _)) => format!("{indent}certificate-authority-data: {encoded}\n"),
                None => format!("{line}\n"),
            },
        )
        .collect();
    assert_ne!(changed, original, "the kubeconfig names its CA inline");
    let wrong = dir.path().join("kubeconfig");
    std::fs::write(&wrong, changed).unwrap();

    let output = Command::new(get_cargo_bin("daemonset"))
        .args(["rollout", "status", "agent", "--kubeconfig"])
        .arg(&wrong)
        .env_remove("KUBECONFIG")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        lines[0].starts_with("error: TLS failure talking to https://127.0.0.1:"),
        "{stderr}"
    );
    assert_eq!(
        &lines[1..],
        [
            "  caused by: client error (Connect)",
            "  caused by: invalid peer certificate: UnknownIssuer",
            "  hint: check the kubeconfig's certificate-authority for this server",
        ],
        "{stderr}"
    );
}

/// Standard base64 with padding (the kubeconfig's `*-data` fields).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
