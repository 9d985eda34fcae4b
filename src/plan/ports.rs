//! Host ports, as the scheduler's `NodePorts` filter checks them: a port wanted on `0.0.0.0` conflicts with the same
//! protocol and port on any address; a port on a specific address conflicts with that address or `0.0.0.0`.

use k8s_openapi::api::core::v1::PodSpec;

/// A host port a pod occupies (address and protocol sanitized: `0.0.0.0`, `TCP` when empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostPort<'a> {
    /// The host address (`0.0.0.0` for all).
    pub ip: &'a str,
    /// `TCP`, `UDP` or `SCTP`.
    pub protocol: &'a str,
    /// The port number.
    pub port: i32,
}

const ANY: &str = "0.0.0.0";

/// The host ports of a pod's containers (init containers do not count). Under `hostNetwork` a port without
/// `hostPort` gets its `containerPort` (API server defaulting of pods).
pub(crate) fn host_ports(spec: &PodSpec) -> impl Iterator<Item = HostPort<'_>> + '_ {
    let host_network = spec.host_network.unwrap_or(false);
    spec.containers
        .iter()
        .flat_map(|c| c.ports.as_deref().unwrap_or_default())
        .filter_map(move |p| {
            let port = match p.host_port {
                Some(h) if h > 0 => h,
                _ if host_network => p.container_port,
                _ => return None,
            };
            (port > 0).then(|| HostPort {
                ip: p
                    .host_ip
                    .as_deref()
                    .filter(|s| !s.is_empty())
                    .unwrap_or(ANY),
                protocol: p
                    .protocol
                    .as_deref()
                    .filter(|s| !s.is_empty())
                    .unwrap_or("TCP"),
                port,
            })
        })
}

impl HostPort<'_> {
    /// `HostPortInfo.CheckConflict`.
    #[inline]
    pub(crate) fn conflicts(&self, used: &HostPort<'_>) -> bool {
        self.port == used.port
            && self.protocol == used.protocol
            && (self.ip == ANY || used.ip == ANY || self.ip == used.ip)
    }
}

impl std::fmt::Display for HostPort<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.ip == ANY {
            write!(f, "{}/{}", self.port, self.protocol)
        } else {
            write!(f, "{}:{}/{}", self.ip, self.port, self.protocol)
        }
    }
}
