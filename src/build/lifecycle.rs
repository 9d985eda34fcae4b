//! Container lifecycle hooks (`preStop`, `postStart`) and how a container ends.

use k8s_openapi::api::core::v1::{
    ExecAction, HTTPGetAction, LifecycleHandler, SleepAction, TCPSocketAction,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// What a lifecycle hook does: run a command, send an HTTP GET, or sleep.
///
/// ```
/// use daemonset::build::Hook;
/// // Let the node's iptables rules drain before the CNI agent stops.
/// let drain = Hook::exec(["/bin/sh", "-c", "sleep 5"]);
/// let pause = Hook::sleep(10);
/// let notify = Hook::http_get("/shutdown", 8080);
/// # let _ = (drain, pause, notify);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Hook(Box<LifecycleHandler>);

impl Hook {
    /// Boxed: a container holds two optional hooks, and the builder moves the container by value.
    fn boxed(handler: LifecycleHandler) -> Hook {
        Hook(Box::new(handler))
    }

    /// A command run in the container.
    pub fn exec<S: Into<String>>(command: impl IntoIterator<Item = S>) -> Hook {
        Hook::boxed(LifecycleHandler {
            exec: Some(ExecAction {
                command: Some(command.into_iter().map(Into::into).collect()),
            }),
            ..Default::default()
        })
    }

    /// An HTTP GET of `path` on `port` of the pod.
    pub fn http_get(path: impl Into<String>, port: u16) -> Hook {
        Hook::boxed(LifecycleHandler {
            http_get: Some(HTTPGetAction {
                path: Some(path.into()),
                port: IntOrString::Int(i32::from(port)),
                ..Default::default()
            }),
            ..Default::default()
        })
    }

    /// A pause of `seconds` (no command needed in the image).
    pub fn sleep(seconds: u32) -> Hook {
        Hook::boxed(LifecycleHandler {
            sleep: Some(SleepAction {
                seconds: i64::from(seconds),
            }),
            ..Default::default()
        })
    }

    /// A TCP connection to `port` (deprecated by Kubernetes for hooks, kept for manifests that use it).
    pub fn tcp_socket(port: u16) -> Hook {
        Hook::boxed(LifecycleHandler {
            tcp_socket: Some(TCPSocketAction {
                port: IntOrString::Int(i32::from(port)),
                host: None,
            }),
            ..Default::default()
        })
    }
}

impl From<Hook> for LifecycleHandler {
    fn from(hook: Hook) -> LifecycleHandler {
        *hook.0
    }
}

pub use daemonset_rules::model::TerminationMessagePolicy;

/// A resource whose in-place resize has a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResizeResource {
    /// `cpu`.
    Cpu,
    /// `memory`.
    Memory,
}

/// What resizing a resource in place does to the container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResizeRestart {
    /// Resized without a restart (the default).
    NotRequired,
    /// The container restarts to apply the new size.
    RestartContainer,
}

impl ResizeResource {
    /// The name the API server uses.
    pub fn as_str(self) -> &'static str {
        match self {
            ResizeResource::Cpu => "cpu",
            ResizeResource::Memory => "memory",
        }
    }
}

impl ResizeRestart {
    /// The name the API server uses.
    pub fn as_str(self) -> &'static str {
        match self {
            ResizeRestart::NotRequired => "NotRequired",
            ResizeRestart::RestartContainer => "RestartContainer",
        }
    }
}
