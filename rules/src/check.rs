//! Cross-field rules, written once over plain data: the validator calls them on any k8s object (with the values
//! read from its fields), spec files on what they read, and the `daemonset!` macro on its literals. Each finding
//! names the field it is about, relative to the object checked and spelled as the API spells it (`effect`,
//! `maxSurge`), so every front end can put it where its user wrote that field: a spec line, a macro token, an
//! object path.

use crate::Quantity;
use crate::model::{ClosedSet, Effect, NodeSelectorOperator, TolerationOperator};
use crate::name;

/// The API server's error types (apimachinery `field.ErrorType`), printed with the server's words: those of the
/// findings here and of the validator's violations (`daemonset::validate::ErrorType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// `Required value`.
    Required,
    /// `Invalid value`.
    Invalid,
    /// `Unsupported value`.
    Unsupported,
    /// `Forbidden`.
    Forbidden,
    /// `Not found`.
    NotFound,
    /// `Duplicate value`: the value must be unique and is not.
    Duplicate,
    /// `Too long`: the value is longer than allowed.
    TooLong,
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The field, relative to the object checked, as the API spells it (`effect`, `values`, `maxSurge`): the
    /// server's path of the error.
    pub field: &'static str,
    /// The field whose value is wrong, where a front end that knows where each field was written points (the
    /// server reports a toleration's bad `value` at `operator`, the macro points at the value).
    pub at: &'static str,
    /// The server's error type.
    pub kind: Kind,
    /// The value as the server prints it (`"x"`, `0`), when the error type shows one.
    pub value: Option<String>,
    /// The server's message.
    pub detail: String,
}

impl Kind {
    /// The server's words for this type.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Required => "Required value",
            Kind::Invalid => "Invalid value",
            Kind::Unsupported => "Unsupported value",
            Kind::Forbidden => "Forbidden",
            Kind::NotFound => "Not found",
            Kind::Duplicate => "Duplicate value",
            Kind::TooLong => "Too long",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Finding {
    /// The server's message without the path: `Invalid value: "x": detail`.
    pub fn message(&self) -> String {
        message(self.kind.as_str(), self.value.as_deref(), &self.detail)
    }

    fn at(mut self, at: &'static str) -> Self {
        self.at = at;
        self
    }

    fn new(
        field: &'static str,
        kind: Kind,
        value: Option<String>,
        detail: impl Into<String>,
    ) -> Self {
        Finding {
            field,
            at: field,
            kind,
            value,
            detail: detail.into(),
        }
    }
}

/// A violation's message as the server prints it after the path: `Invalid value: "x": detail` (the value and the
/// detail when there are).
pub fn message(kind: &str, value: Option<&str>, detail: &str) -> String {
    let mut out = kind.to_owned();
    if let Some(value) = value {
        out.push_str(": ");
        out.push_str(value);
    }
    if !detail.is_empty() {
        out.push_str(": ");
        out.push_str(detail);
    }
    out
}

/// Go's `%q` of a string, as the server prints values.
fn quoted(text: &str) -> String {
    format!("{text:?}")
}

/// A container image: required; surrounding whitespace is refused by the server's pod validation (so the kubelet
/// never gets such a pod) but not in a DaemonSet's template, where the DaemonSet is accepted and its pods then fail
/// to be created. The whitespace finding is therefore a rule beyond the server for templates.
pub fn image(image: &str) -> Option<Finding> {
    if image.is_empty() {
        Some(Finding::new("image", Kind::Required, None, ""))
    } else if image.trim() != image {
        Some(Finding::new(
            "image",
            Kind::Invalid,
            Some(quoted(image)),
            "must not have leading or trailing whitespace",
        ))
    } else {
        None
    }
}

/// A restart policy (spec files' `restartPolicy`, the macro's `sidecar`) on a container that is not an init
/// container: a rule beyond the server, which drops the field of a regular container while the
/// ContainerRestartRules feature is off (1.34), so it would do nothing. `field` is the front end's name of it.
pub fn restart_policy(init_container: bool, field: &str) -> Option<String> {
    (!init_container).then(|| {
        format!(
            "`{field}` is for init containers only: it makes one a sidecar, which keeps running beside the main \
             containers"
        )
    })
}

/// A toleration's fields, as written (`None`: not known, e.g. a Rust expression in the macro; a field that is not
/// known skips the rules that need it).
#[derive(Debug, Clone, Copy, Default)]
pub struct TolerationFields<'a> {
    /// `key` (`Some("")` when absent).
    pub key: Option<&'a str>,
    /// `operator` as written (`Some("")` when absent: the default `Equal`).
    pub operator: Option<&'a str>,
    /// `value` (`Some("")` when absent).
    pub value: Option<&'a str>,
    /// `effect` as written (`Some("")` when absent: every effect).
    pub effect: Option<&'a str>,
    /// Whether `tolerationSeconds` is set.
    pub seconds: bool,
}

/// `ValidateTolerations` (apart from the key's syntax, checked with [`name::qualified_name`]): an empty key needs
/// `Exists`, `tolerationSeconds` needs `NoExecute`, `Exists` takes no value, `Equal`'s value is a label value, and
/// the closed sets of operator and effect.
pub fn toleration(t: TolerationFields<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    if t.key == Some("") && t.operator.is_some_and(|op| op != "Exists") {
        out.push(
            Finding::new(
                "operator",
                Kind::Invalid,
                t.operator.map(quoted),
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
            )
            .at("key"),
        );
    }
    if t.seconds && t.effect.is_some_and(|e| e != Effect::NoExecute.as_str()) {
        out.push(Finding::new(
            "effect",
            Kind::Invalid,
            t.effect.map(quoted),
            "effect must be 'NoExecute' when `tolerationSeconds` is set",
        ));
    }
    match t.operator {
        Some("" | "Equal") => {
            if let Some(value) = t.value {
                let messages = name::label_value(value);
                if !messages.is_empty() {
                    out.push(
                        Finding::new(
                            "operator",
                            Kind::Invalid,
                            Some(quoted(value)),
                            messages.join(";"),
                        )
                        .at("value"),
                    );
                }
            }
        }
        Some("Exists") => {
            if let Some(value) = t.value.filter(|v| !v.is_empty()) {
                out.push(
                    Finding::new(
                        "operator",
                        Kind::Invalid,
                        Some(quoted(value)),
                        "value must be empty when `operator` is 'Exists'",
                    )
                    .at("value"),
                );
            }
        }
        Some(other) => {
            if let Err(err) = TolerationOperator::parse(other) {
                out.push(Finding::new(
                    "operator",
                    Kind::Unsupported,
                    Some(quoted(other)),
                    err.detail(),
                ));
            }
        }
        None => {}
    }
    if let Some(effect) = t.effect.filter(|e| !e.is_empty())
        && let Err(err) = Effect::parse(effect)
    {
        out.push(Finding::new(
            "effect",
            Kind::Unsupported,
            Some(quoted(effect)),
            err.detail(),
        ));
    }
    out
}

/// `ValidateRollingUpdateDaemonSet`'s cross-field rule: exactly one of the budgets is non-zero. The arguments are
/// the budgets' values (`getIntOrPercentValue`: the count, or the percentage).
pub fn rolling_budgets(max_unavailable: i64, max_surge: i64) -> Option<Finding> {
    match (max_unavailable != 0, max_surge != 0) {
        (true, true) => Some(Finding::new(
            "maxSurge",
            Kind::Invalid,
            None,
            "may not be set when maxUnavailable is non-zero",
        )),
        (false, false) => Some(Finding::new(
            "maxUnavailable",
            Kind::Required,
            None,
            "cannot be 0 when maxSurge is 0",
        )),
        _ => None,
    }
}

/// The values a node selector operator takes (`ValidateNodeSelectorRequirement`): `In`/`NotIn` at least one,
/// `Exists`/`DoesNotExist` none, `Gt`/`Lt` exactly one (the server does not check that it is an integer; the
/// builder's types and the front ends that fill them read it as one).
pub fn requirement_values(operator: NodeSelectorOperator, values: &[&str]) -> Option<Finding> {
    use NodeSelectorOperator::{DoesNotExist, Exists, Gt, In, Lt, NotIn};
    match operator {
        In | NotIn if values.is_empty() => Some(Finding::new(
            "values",
            Kind::Required,
            None,
            "must be specified when `operator` is 'In' or 'NotIn'",
        )),
        Exists | DoesNotExist if !values.is_empty() => Some(Finding::new(
            "values",
            Kind::Forbidden,
            None,
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        )),
        Gt | Lt if values.len() != 1 => Some(Finding::new(
            "values",
            Kind::Required,
            None,
            "must be specified single value when `operator` is 'Lt' or 'Gt'",
        )),
        _ => None,
    }
}

/// `IsNotMoreThan100Percent`: a percentage budget above 100%. `percent` is the number before the `%`.
pub fn percent_over_100(percent: i64) -> Option<&'static str> {
    (percent > 100).then_some("must not be greater than 100%")
}

/// The weight of a preferred scheduling term (node or pod affinity): 1 to 100.
pub fn weight(weight: i64) -> Option<Finding> {
    (!(1..=100).contains(&weight)).then(|| {
        Finding::new(
            "weight",
            Kind::Invalid,
            Some(weight.to_string()),
            "must be in the range 1-100",
        )
    })
}

/// A mount must name a declared volume (the server's `Not found` at the mount's `name`). The detail says what was
/// meant: the closest declared name, the declared names, or that none is declared. Spec files and the macro report
/// it before building (the builder mounts volume handles, so it cannot write such a mount).
pub fn mounted_volume(name: &str, declared: &[&str]) -> Option<Finding> {
    if declared.contains(&name) {
        return None;
    }
    let detail = match crate::suggest::did_you_mean(name, declared.iter().copied()) {
        Some(best) => format!("no volume `{name}` is declared; did you mean `{best}`?"),
        None if declared.is_empty() => {
            format!("no volume `{name}` is declared; no volume is declared at all")
        }
        None => format!(
            "no volume `{name}` is declared; declared: {}",
            declared
                .iter()
                .map(|d| format!("`{d}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Some(Finding::new(
        "name",
        Kind::NotFound,
        Some(quoted(name)),
        detail,
    ))
}

/// A request above its limit (for the resources that may be overcommitted: cpu, memory, ephemeral-storage), at
/// `requests` of the container's resources, as `ValidateResourceRequirements` words it.
pub fn request_within_limit(
    resource: &str,
    request: &Quantity,
    limit: &Quantity,
) -> Option<Finding> {
    (request > limit).then(|| {
        Finding::new(
            "requests",
            Kind::Invalid,
            Some(quoted(request.canonical())),
            format!(
                "must be less than or equal to {resource} limit of {}",
                limit.canonical()
            ),
        )
    })
}

/// A port of a container, for [`surge_with_host_port`].
#[derive(Debug, Clone, Copy)]
pub struct PortUse<'a> {
    /// Where the container is: `containers[0]`, `initContainers[1]`.
    pub container: &'a str,
    /// `containerPort` (`None`: not known).
    pub container_port: Option<i64>,
    /// `hostPort`: `Some(0)` or absent when none, `None` when set but not known.
    pub host_port: Option<i64>,
    /// Whether a `hostPort` is written at all.
    pub has_host_port: bool,
}

/// A rule beyond the server: a surge pod lands on the node that still runs the old pod; with a host port (set, or
/// implied by `hostNetwork`) it can never be scheduled ("didn't have free ports"), so a rolling update with
/// `maxSurge > 0` stalls (kubernetes issue 106417). The finding is at `maxSurge`.
pub fn surge_with_host_port(host_network: bool, ports: &[PortUse<'_>]) -> Option<Finding> {
    let with_host_port = |p: &PortUse<'_>| p.has_host_port && p.host_port != Some(0);
    let used = ports.iter().find(|p| with_host_port(p) || host_network)?;
    let (reason, number) = if with_host_port(used) {
        ("hostPort", used.host_port)
    } else {
        ("hostNetwork port", used.container_port)
    };
    let port = number.map_or_else(|| "a port".to_owned(), |n| n.to_string());
    Some(Finding::new(
        "maxSurge",
        Kind::Invalid,
        None,
        format!(
            "a surge pod can never start beside the old one: {} uses {reason} {port}; use maxSurge: 0 with \
             maxUnavailable > 0",
            used.container
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toleration_rules() {
        let base = TolerationFields {
            key: Some("k"),
            operator: Some(""),
            value: Some(""),
            effect: Some(""),
            seconds: false,
        };
        assert!(toleration(base).is_empty());
        let seconds = toleration(TolerationFields {
            seconds: true,
            ..base
        });
        assert_eq!(seconds[0].field, "effect");
        let exists_value = toleration(TolerationFields {
            operator: Some("Exists"),
            value: Some("v"),
            ..base
        });
        assert_eq!(
            exists_value[0].detail,
            "value must be empty when `operator` is 'Exists'"
        );
        let empty_key = toleration(TolerationFields {
            key: Some(""),
            ..base
        });
        assert_eq!(empty_key[0].field, "operator");
        // Unknown fields skip their rules.
        assert!(
            toleration(TolerationFields {
                effect: None,
                seconds: true,
                ..base
            })
            .is_empty()
        );
    }

    #[test]
    fn budgets_and_requirements() {
        assert_eq!(rolling_budgets(0, 1), None);
        assert_eq!(rolling_budgets(1, 1).unwrap().field, "maxSurge");
        assert_eq!(rolling_budgets(0, 0).unwrap().field, "maxUnavailable");
        assert!(requirement_values(NodeSelectorOperator::In, &[]).is_some());
        assert!(requirement_values(NodeSelectorOperator::Exists, &["a"]).is_some());
        assert!(requirement_values(NodeSelectorOperator::Gt, &["1", "2"]).is_some());
        assert_eq!(requirement_values(NodeSelectorOperator::Lt, &["3"]), None);
        assert_eq!(image(" a ").unwrap().kind, Kind::Invalid);
        assert_eq!(restart_policy(true, "sidecar"), None);
        assert!(
            restart_policy(false, "sidecar")
                .unwrap()
                .starts_with("`sidecar` is for init")
        );
        assert_eq!(image("a"), None);
    }
}
