//! The typed builder: write a DaemonSet with types that rule out the common mistakes.
//!
//! One concept per module: [`NodeAgent`] (metadata, selector, pod-level settings), [`Container`], [`Volume`] and
//! [`Mount`], [`EnvVar`], [`Resources`] with typed quantities ([`Cpu`], [`Memory`]), node selection
//! ([`NodeAffinity`], [`Toleration`]) and the [`UpdateStrategy`]. Every type converts into its k8s-openapi
//! counterpart; [`NodeAgentBuilder::build`] returns the validated k8s-openapi `DaemonSet`.

pub(crate) mod container;
mod daemon_set;
mod env;
mod lifecycle;
mod pod_affinity;
mod resources;
mod scheduling;
mod security;
mod update;
mod volume;

pub use container::{
    Container, ContainerBuilder, ImagePullPolicy, Port, Probe, Protocol, SecurityContext,
};
pub use daemon_set::{DnsConfig, DnsPolicy, NodeAgent, NodeAgentBuilder, Os};
pub use env::{EnvFrom, EnvVar, PodField, ResourceField};
pub use lifecycle::{Hook, ResizeResource, ResizeRestart, TerminationMessagePolicy};
pub use pod_affinity::{PodAffinityTerm, PodPlacement};
pub use resources::{Cpu, Memory, Resources};
pub use scheduling::{Effect, NodeAffinity, Requirement, Term, Toleration, Weight};
pub use security::{
    AppArmorProfile, FsGroupChangePolicy, PodSecurityContext, SeLinux, SeccompProfile,
    WindowsOptions,
};
pub use update::{Budget, UpdateStrategy};
pub use volume::{HostPathType, Mount, MountPropagation, Projection, Volume};
