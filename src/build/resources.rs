//! Typed quantities and the resources of a container (requests and limits).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use k8s_openapi::api::core::v1::ResourceRequirements;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;
use typed_builder::TypedBuilder;

use crate::rules::{Quantity, QuantityError};

macro_rules! typed_quantity {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
        pub struct $name(Quantity);

        impl $name {
            /// Parses a quantity with the API server's grammar; `"64MB"` is an error.
            pub fn parse(text: &str) -> Result<Self, QuantityError> {
                Quantity::parse(text).map($name)
            }

            /// The quantity as Kubernetes writes it.
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }

            /// The parsed value.
            pub fn quantity(&self) -> &Quantity {
                &self.0
            }

            fn from_text(text: String) -> Self {
                $name(Quantity::parse(&text).expect("a quantity this crate formats itself"))
            }
        }

        impl FromStr for $name {
            type Err = QuantityError;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::parse(text)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = QuantityError;
            fn try_from(text: &str) -> Result<Self, Self::Error> {
                Self::parse(text)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<$name> for K8sQuantity {
            fn from(value: $name) -> K8sQuantity {
                K8sQuantity(value.as_str().to_owned())
            }
        }
    };
}

typed_quantity!(
    /// An amount of CPU: `Cpu::millis(250)` is `250m`, `Cpu::cores(2)` is `2`.
    ///
    /// ```
    /// use daemonset::build::Cpu;
    /// assert_eq!(Cpu::millis(250).as_str(), "250m");
    /// assert_eq!(Cpu::millis(2000).as_str(), "2");
    /// assert_eq!(Cpu::parse("0.5").unwrap(), Cpu::millis(500));
    /// assert!(Cpu::parse("1 core").is_err());
    /// ```
    Cpu
);

typed_quantity!(
    /// An amount of memory or storage in bytes: `Memory::mebibytes(64)` is `64Mi`.
    ///
    /// ```
    /// use daemonset::build::Memory;
    /// assert_eq!(Memory::mebibytes(64).as_str(), "64Mi");
    /// assert_eq!(Memory::parse("64Mi").unwrap(), Memory::kibibytes(65536));
    /// let err = Memory::parse("64MB").unwrap_err();
    /// assert!(err.to_string().contains("quantities must match the regular expression"));
    /// ```
    Memory
);

impl Cpu {
    /// Thousandths of a core (`250m`); whole cores are written without suffix.
    pub fn millis(millis: u64) -> Cpu {
        if millis.is_multiple_of(1000) {
            Cpu::from_text((millis / 1000).to_string())
        } else {
            Cpu::from_text(format!("{millis}m"))
        }
    }

    /// Whole cores.
    pub fn cores(cores: u64) -> Cpu {
        Cpu::from_text(cores.to_string())
    }
}

impl Memory {
    /// Bytes.
    pub fn bytes(bytes: u64) -> Memory {
        Memory::from_text(bytes.to_string())
    }

    /// Kibibytes (`Ki`, 1024 bytes).
    pub fn kibibytes(n: u64) -> Memory {
        Memory::from_text(format!("{n}Ki"))
    }

    /// Mebibytes (`Mi`).
    pub fn mebibytes(n: u64) -> Memory {
        Memory::from_text(format!("{n}Mi"))
    }

    /// Gibibytes (`Gi`).
    pub fn gibibytes(n: u64) -> Memory {
        Memory::from_text(format!("{n}Gi"))
    }

    /// Megabytes (`M`, 10^6 bytes), the decimal unit people often mean by "MB".
    pub fn megabytes(n: u64) -> Memory {
        Memory::from_text(format!("{n}M"))
    }
}

/// The requests and limits of a container.
///
/// CPU, memory and ephemeral storage take typed quantities; an extended resource (`nvidia.com/gpu`) is a whole
/// number set as request and limit at once, as the API server requires. Requests above limits are reported by
/// validation when the DaemonSet is built.
///
/// ```
/// use daemonset::build::{Cpu, Memory, Resources};
/// let resources = Resources::builder()
///     .cpu_request(Cpu::millis(250))
///     .memory_request(Memory::mebibytes(64))
///     .cpu_limit(Cpu::millis(500))
///     .memory_limit(Memory::mebibytes(128))
///     .build();
/// # let _ = resources;
/// ```
#[derive(Debug, Clone, Default, PartialEq, TypedBuilder)]
#[builder(field_defaults(default, setter(strip_option(fallback_suffix = "_opt"))))]
pub struct Resources {
    /// CPU request.
    pub cpu_request: Option<Cpu>,
    /// CPU limit.
    pub cpu_limit: Option<Cpu>,
    /// Memory request.
    pub memory_request: Option<Memory>,
    /// Memory limit.
    pub memory_limit: Option<Memory>,
    /// Ephemeral storage request.
    pub ephemeral_storage_request: Option<Memory>,
    /// Ephemeral storage limit.
    pub ephemeral_storage_limit: Option<Memory>,
    /// Extended resources (`vendor.example/device`) with their count, set as request and limit.
    #[builder(via_mutators, mutators(
        /// An extended resource (`nvidia.com/gpu`, `hugepages-2Mi` takes [`Resources::hugepages`]) with a whole
        /// count, set as both request and limit.
        pub fn extended(&mut self, name: impl Into<String>, count: u64) {
            self.extended.insert(name.into(), count.to_string());
        }
        /// Huge pages of a page size (`2Mi`, `1Gi`), request and limit alike.
        pub fn hugepages(&mut self, page_size: &str, amount: Memory) {
            self.extended.insert(format!("hugepages-{page_size}"), amount.as_str().to_owned());
        }
    ))]
    pub extended: BTreeMap<String, String>,
}

impl From<Resources> for ResourceRequirements {
    fn from(r: Resources) -> ResourceRequirements {
        let mut requests = BTreeMap::new();
        let mut limits = BTreeMap::new();
        let put = |map: &mut BTreeMap<String, K8sQuantity>, name: &str, q: Option<&str>| {
            if let Some(q) = q {
                map.insert(name.to_owned(), K8sQuantity(q.to_owned()));
            }
        };
        put(
            &mut requests,
            "cpu",
            r.cpu_request.as_ref().map(Cpu::as_str),
        );
        put(
            &mut requests,
            "memory",
            r.memory_request.as_ref().map(Memory::as_str),
        );
        put(
            &mut requests,
            "ephemeral-storage",
            r.ephemeral_storage_request.as_ref().map(Memory::as_str),
        );
        put(&mut limits, "cpu", r.cpu_limit.as_ref().map(Cpu::as_str));
        put(
            &mut limits,
            "memory",
            r.memory_limit.as_ref().map(Memory::as_str),
        );
        put(
            &mut limits,
            "ephemeral-storage",
            r.ephemeral_storage_limit.as_ref().map(Memory::as_str),
        );
        for (name, amount) in &r.extended {
            put(&mut requests, name, Some(amount));
            put(&mut limits, name, Some(amount));
        }
        ResourceRequirements {
            requests: (!requests.is_empty()).then_some(requests),
            limits: (!limits.is_empty()).then_some(limits),
            ..Default::default()
        }
    }
}
