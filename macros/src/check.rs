//! Step 2, check and expand: gives the generic tree its meaning, checks every literal with the shared rules
//! (`daemonset-rules`, the same functions the runtime validation calls) and the cross-field rules, collecting every
//! error with the span of the offending tokens, and produces the builder calls.

use std::collections::BTreeMap;
use std::fmt::Display;

use daemonset_rules::Quantity;
use daemonset_rules::check::{self, Finding, TolerationFields};
use daemonset_rules::field_ref;
use daemonset_rules::model::{
    Budget as BudgetValue, ClosedSet, DnsPolicy, Effect, FsGroupChangePolicy, HostPathType,
    ImagePullPolicy, MountPropagation, NodeSelectorOperator, Protocol, ResourceField,
    TerminationMessagePolicy, TolerationOperator,
};
use daemonset_rules::name;
use daemonset_rules::suggest::did_you_mean;
use daemonset_rules::unique::{Distinct, Names, exactly_one};
use daemonset_rules::volumes::{Field, MountDecl, Storage, VolumeDecl};
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::Lit;

use crate::Ctx;
use crate::tree::{Arg, Entry, Kind, Map, Value};

const TOP_KEYS: &[&str] = &[
    "name",
    "namespace",
    "labels",
    "annotations",
    "selector",
    "pod_labels",
    "pod_annotations",
    "volumes",
    "containers",
    "init_containers",
    "node_selector",
    "node_affinity",
    "tolerations",
    "update_strategy",
    "termination_grace_period_seconds",
    "host_network",
    "host_pid",
    "dns_policy",
    "priority_class_name",
    "service_account_name",
    "image_pull_secrets",
    "min_ready_seconds",
    "revision_history_limit",
    "security_context",
    "automount_service_account_token",
    "share_process_namespace",
    "host_ipc",
    "host_users",
    "runtime_class_name",
    "enable_service_links",
    "scheduler_name",
    "readiness_gates",
    "host_aliases",
    "dns_config",
    "customize",
];

const CONTAINER_KEYS: &[&str] = &[
    "name",
    "image",
    "command",
    "args",
    "working_dir",
    "ports",
    "env",
    "env_from",
    "resources",
    "mounts",
    "liveness_probe",
    "readiness_probe",
    "startup_probe",
    "security_context",
    "image_pull_policy",
    "pre_stop",
    "post_start",
    "termination_message_path",
    "termination_message_policy",
    "sidecar",
    "customize",
];

const PORT_KEYS: &[&str] = &["container_port", "name", "protocol", "host_port", "host_ip"];
const RESOURCES_KEYS: &[&str] = &["requests", "limits", "extended"];
const AMOUNT_KEYS: &[&str] = &["cpu", "memory", "ephemeral_storage"];
const SECURITY_KEYS: &[&str] = &[
    "privileged",
    "allow_privilege_escalation",
    "read_only_root_filesystem",
    "run_as_non_root",
    "run_as_user",
    "run_as_group",
    "capabilities",
    "seccomp_profile",
    "app_armor_profile",
    "se_linux",
    "windows",
];
const POD_SECURITY_KEYS: &[&str] = &[
    "run_as_user",
    "run_as_group",
    "run_as_non_root",
    "fs_group",
    "fs_group_change_policy",
    "supplemental_groups",
    "seccomp_profile",
    "app_armor_profile",
    "se_linux",
    "windows",
    "sysctls",
];
const SE_LINUX_KEYS: &[&str] = &["type", "user", "role", "level"];
const PROFILES: &[&str] = &["RuntimeDefault", "Unconfined", "localhost"];
const WINDOWS: &[&str] = &["host_process", "run_as"];
const HOOKS: &[&str] = &["exec", "http_get", "sleep", "tcp_socket"];
const CAPABILITY_KEYS: &[&str] = &["add", "drop"];
const TOLERATION_KEYS: &[&str] = &["key", "operator", "value", "effect", "toleration_seconds"];
const AFFINITY_KEYS: &[&str] = &["required", "preferred"];
const TERM_KEYS: &[&str] = &["match_expressions", "node_name"];
const PREFERRED_KEYS: &[&str] = &["weight", "preference"];
const REQUIREMENT_KEYS: &[&str] = &["key", "operator", "values"];
const ROLLING_KEYS: &[&str] = &["max_unavailable", "max_surge"];

const VOLUME_SOURCES: &[&str] = &[
    "host_path",
    "config_map",
    "secret",
    "empty_dir",
    "memory_dir",
    "projected",
    "csi",
    "raw",
];
const DNS_CONFIG_KEYS: &[&str] = &["nameservers", "searches", "options"];
const PROJECTIONS: &[&str] = &["config_map", "secret", "service_account_token"];
const ENV_SOURCES: &[&str] = &["field", "resource", "config_map_key", "secret_key"];
const ENV_FROM_SOURCES: &[&str] = &["config_map", "secret"];
const PROBES: &[&str] = &["http_get", "tcp_socket", "exec", "grpc"];
const PROBE_OPTIONS: &[&str] = &[
    "initial_delay_seconds",
    "period_seconds",
    "timeout_seconds",
    "failure_threshold",
    "success_threshold",
    "host",
    "https",
    "headers",
    "service",
];
type Check = fn(&str) -> Vec<String>;

impl Ctx {
    pub(crate) fn error(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.errors.push(syn::Error::new_spanned(tokens, message));
    }

    fn error_at(&mut self, span: Span, message: impl Display) {
        self.errors.push(syn::Error::new(span, message));
    }
}

/// `nodeSelector` -> `node_selector`, so a key written the YAML way finds its DSL spelling.
fn snake_case(word: &str) -> String {
    let mut out = String::new();
    for c in word.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn suggestion<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    did_you_mean(word, candidates.iter().copied())
        .or_else(|| did_you_mean(&snake_case(word), candidates.iter().copied()))
}

fn list(candidates: &[&str]) -> String {
    candidates
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `unknown X `word``, with a suggestion or the list of what is allowed.
fn unknown(ctx: &mut Ctx, tokens: impl ToTokens, what: &str, word: &str, candidates: &[&str]) {
    unknown_in(ctx, tokens, what, word, "", candidates);
}

/// `unknown X `word` in PLACE`, with a suggestion or the list of what is allowed.
fn unknown_in(
    ctx: &mut Ctx,
    tokens: impl ToTokens,
    what: &str,
    word: &str,
    place: &str,
    candidates: &[&str],
) {
    let place = if place.is_empty() {
        String::new()
    } else {
        format!(" in {place}")
    };
    match suggestion(word, candidates) {
        Some(best) => ctx.error(
            tokens,
            format!("unknown {what} `{word}`{place}; did you mean `{best}`?"),
        ),
        None => ctx.error(
            tokens,
            format!(
                "unknown {what} `{word}`{place}; expected one of {}",
                list(candidates)
            ),
        ),
    }
}

/// The entries of a map read as an object with known keys: unknown and duplicate keys are reported.
struct Obj<'a> {
    entries: Vec<&'a Entry>,
    span: Span,
}

impl<'a> Obj<'a> {
    fn new(ctx: &mut Ctx, map: &'a Map, known: &[&str], what: &str) -> Obj<'a> {
        let mut entries: Vec<&'a Entry> = Vec::new();
        let mut keys = Names::new();
        for entry in &map.entries {
            let name = entry.key.name.as_str();
            if !known.contains(&name) {
                unknown_in(ctx, &entry.key.tokens, "key", name, what, known);
            } else if keys.repeats(name).is_some() {
                ctx.error(
                    &entry.key.tokens,
                    format!("duplicate key `{name}` in {what}"),
                );
            } else {
                entries.push(entry);
            }
        }
        Obj {
            entries,
            span: map.span,
        }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.entry(key).map(|e| &e.value)
    }

    fn entry(&self, key: &str) -> Option<&'a Entry> {
        self.entries.iter().copied().find(|e| e.key.name == key)
    }
}

/// Reads a value as an object (a map), or reports what was expected.
fn object<'a>(ctx: &mut Ctx, value: &'a Value, known: &[&str], what: &str) -> Option<Obj<'a>> {
    match &value.kind {
        Kind::Map(map) => Some(Obj::new(ctx, map, known, what)),
        _ => {
            ctx.error(
                &value.tokens,
                format!("expected {what} as `{{ key: value, ... }}`"),
            );
            None
        }
    }
}

fn items<'a>(ctx: &mut Ctx, value: &'a Value, what: &str) -> &'a [Value] {
    match &value.kind {
        Kind::List(items) => items,
        _ => {
            ctx.error(&value.tokens, format!("expected a list of {what}: `[...]`"));
            &[]
        }
    }
}

/// Runs a rule on a literal and reports its messages as one error.
fn rule(ctx: &mut Ctx, tokens: impl ToTokens, what: &str, text: &str, check: Check) -> bool {
    let messages = check(text);
    if messages.is_empty() {
        return true;
    }
    ctx.error(
        tokens,
        format!("invalid {what} {text:?}: {}", messages.join("; ")),
    );
    false
}

/// A string: a literal (checked by `check`) or a Rust expression (checked by `build()`).
fn string(ctx: &mut Ctx, value: &Value, what: &str, check: Option<Check>) -> Option<TokenStream> {
    match &value.kind {
        Kind::Lit(Lit::Str(s)) => match check {
            Some(check) if !rule(ctx, s, what, &s.value(), check) => None,
            _ => Some(s.to_token_stream()),
        },
        Kind::Lit(_) => {
            ctx.error(
                &value.tokens,
                format!("expected {what} as a string literal or a Rust expression"),
            );
            None
        }
        Kind::Map(_) | Kind::List(_) => {
            ctx.error(
                &value.tokens,
                format!("expected {what}: a string literal or a Rust expression"),
            );
            None
        }
        _ => Some(value.expr()),
    }
}

/// An integer: a literal within `min..=max` or a Rust expression.
fn integer(
    ctx: &mut Ctx,
    value: &Value,
    what: &str,
    min: i64,
    max: i64,
) -> Option<(TokenStream, Option<i64>)> {
    match &value.kind {
        Kind::Lit(Lit::Int(i)) => match i.base10_parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => {
                Some((quote_spanned!(i.span()=> #n as _), Some(n)))
            }
            _ => {
                ctx.error(
                    i,
                    format!(
                        "invalid {what} {}: {}",
                        i,
                        name::inclusive_range_error(min, max)
                    ),
                );
                None
            }
        },
        Kind::Lit(_) | Kind::Map(_) | Kind::List(_) => {
            ctx.error(
                &value.tokens,
                format!("expected {what}: an integer literal or a Rust expression"),
            );
            None
        }
        _ => Some((value.expr(), None)),
    }
}

fn boolean(ctx: &mut Ctx, value: &Value, what: &str) -> Option<TokenStream> {
    match &value.kind {
        Kind::Lit(Lit::Bool(b)) => Some(b.to_token_stream()),
        Kind::Lit(_) | Kind::Map(_) | Kind::List(_) => {
            ctx.error(
                &value.tokens,
                format!("expected {what}: `true`, `false` or a Rust expression"),
            );
            None
        }
        _ => Some(value.expr()),
    }
}

/// A variant of a closed set written as a bare name (`NoSchedule`), or any other Rust expression of the enum type.
/// The name is read with the shared `ClosedSet::parse`, the function spec files read the same field with.
fn variant<T: ClosedSet + std::fmt::Debug>(
    ctx: &mut Ctx,
    value: &Value,
    what: &str,
    ty: &str,
) -> Option<TokenStream> {
    let ty = format_ident!("{ty}");
    match &value.kind {
        Kind::Ident(ident) => {
            let name = ident.to_string();
            match T::parse(&name) {
                Ok(v) => {
                    let rust = format_ident!("{}", format!("{v:?}"), span = ident.span());
                    Some(quote_spanned!(ident.span()=> ::daemonset::build::#ty::#rust))
                }
                Err(_) => {
                    unknown(ctx, ident, what, &name, T::NAMES);
                    None
                }
            }
        }
        Kind::Expr | Kind::Call(..) | Kind::Tuple(_) | Kind::Struct(..) => Some(value.expr()),
        _ => {
            ctx.error(
                &value.tokens,
                format!("expected {what}: one of {}", list(T::NAMES)),
            );
            None
        }
    }
}

/// A finding of a shared rule (`daemonset_rules::check`), reported at `tokens` with the validator's words.
fn finding(ctx: &mut Ctx, tokens: impl ToTokens, finding: &Finding) {
    ctx.error(tokens, format!("{}: {}", finding.field, finding.message()));
}

/// The variant's name when written as a bare name.
fn variant_name(value: &Value) -> Option<String> {
    match &value.kind {
        Kind::Ident(ident) => Some(ident.to_string()),
        _ => None,
    }
}

/// A list of strings: `["a", "b"]` (items literals or expressions) or one expression of the whole list.
fn strings(ctx: &mut Ctx, value: &Value, what: &str) -> Option<TokenStream> {
    match &value.kind {
        Kind::List(items) => {
            let items: Vec<TokenStream> = items
                .iter()
                .filter_map(|item| string(ctx, item, what, None))
                .map(|t| quote!(::std::string::String::from(#t)))
                .collect();
            Some(quote!(::std::vec![#(#items),*]))
        }
        Kind::Expr | Kind::Ident(_) | Kind::Call(..) => Some(value.expr()),
        _ => {
            ctx.error(
                &value.tokens,
                format!("expected {what}: `[\"...\", ...]` or a Rust expression"),
            );
            None
        }
    }
}

/// A `key: value` map of strings (labels, annotations, node selector); keys must be literal.
fn string_map(
    ctx: &mut Ctx,
    value: &Value,
    what: &str,
    key_check: Check,
    value_check: Option<Check>,
) -> Vec<(TokenStream, TokenStream)> {
    let Kind::Map(map) = &value.kind else {
        ctx.error(
            &value.tokens,
            format!("expected {what}s as `{{ \"key\": \"value\", ... }}`"),
        );
        return Vec::new();
    };
    let mut seen = Names::new();
    let mut out = Vec::new();
    for entry in &map.entries {
        let key = entry.key.name.as_str();
        let mut ok = rule(
            ctx,
            &entry.key.tokens,
            &format!("{what} key"),
            key,
            key_check,
        );
        if seen.repeats(key).is_some() {
            ctx.error(&entry.key.tokens, format!("duplicate {what} key {key:?}"));
            ok = false;
        }
        let v = string(ctx, &entry.value, &format!("{what} value"), value_check);
        if let (true, Some(v)) = (ok, v) {
            out.push((quote_spanned!(entry.key.tokens.clone().into_iter().next().map_or(Span::call_site(), |t| t.span())=> #key), v));
        }
    }
    out
}

fn annotation_key(key: &str) -> Vec<String> {
    name::qualified_name(&key.to_lowercase())
}

fn non_empty(value: &str) -> Vec<String> {
    if value.is_empty() {
        vec!["must not be empty".to_owned()]
    } else {
        Vec::new()
    }
}

/// A quantity literal, parsed with the server's grammar (the same parser `build()` uses).
fn quantity(ctx: &mut Ctx, value: &Value, what: &str) -> Option<(TokenStream, Option<Quantity>)> {
    let text = match &value.kind {
        Kind::Lit(Lit::Str(s)) => s.value(),
        Kind::Lit(Lit::Int(i)) => i.to_string(),
        Kind::Lit(Lit::Float(f)) => f.to_string(),
        Kind::Lit(_) | Kind::Map(_) | Kind::List(_) => {
            ctx.error(
                &value.tokens,
                format!(
                    "expected {what}: a quantity literal (\"250m\", \"64Mi\") or a Rust expression"
                ),
            );
            return None;
        }
        _ => return Some((value.expr(), None)),
    };
    match Quantity::parse(&text) {
        Ok(q) => Some((text.to_token_stream(), Some(q))),
        Err(err) => {
            let hint = quantity_hint(&text);
            ctx.error(
                &value.tokens,
                format!("invalid {what} {text:?}: {err}{hint}"),
            );
            None
        }
    }
}

fn quantity_hint(text: &str) -> String {
    let digits: String = text
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let units = match text[digits.len()..].to_ascii_uppercase().as_str() {
        "KB" | "KIB" => Some(("Ki", "kibibytes", "k", "kilobytes")),
        "MB" | "MIB" => Some(("Mi", "mebibytes", "M", "megabytes")),
        "GB" | "GIB" => Some(("Gi", "gibibytes", "G", "gigabytes")),
        "TB" | "TIB" => Some(("Ti", "tebibytes", "T", "terabytes")),
        _ => None,
    };
    match units {
        Some((bin, bin_name, dec, dec_name)) if !digits.is_empty() => {
            format!(
                "; did you mean \"{digits}{bin}\" ({bin_name}) or \"{digits}{dec}\" ({dec_name})?"
            )
        }
        _ => String::new(),
    }
}

/// The result of the check: the builder expression, or nothing when errors were reported.
pub(crate) fn expand(ctx: &mut Ctx, root: &Map) -> TokenStream {
    let top = Obj::new(ctx, root, TOP_KEYS, "the DaemonSet");
    let mut calls: Vec<TokenStream> = Vec::new();

    match top.get("name") {
        Some(v) => {
            if let Some(t) = string(ctx, v, "DaemonSet name", Some(name::dns1123_subdomain)) {
                calls.push(quote!(.name(#t)));
            }
        }
        None => ctx.error_at(
            root.span,
            "missing required key `name`: the DaemonSet's name",
        ),
    }
    if let Some(v) = top.get("namespace")
        && let Some(t) = string(ctx, v, "namespace", Some(name::dns1123_label))
    {
        calls.push(quote!(.namespace(#t)));
    }
    for (key, method, what, value_check) in [
        ("labels", "label", "label", Some(name::label_value as Check)),
        ("annotations", "annotation", "annotation", None),
        (
            "selector",
            "selector_label",
            "selector label",
            Some(name::label_value as Check),
        ),
        (
            "pod_labels",
            "pod_label",
            "pod label",
            Some(name::label_value as Check),
        ),
        ("pod_annotations", "pod_annotation", "pod annotation", None),
        (
            "node_selector",
            "node_selector",
            "node selector",
            Some(name::label_value as Check),
        ),
    ] {
        let method = format_ident!("{method}");
        let key_check: Check = if what.contains("annotation") {
            annotation_key
        } else {
            name::qualified_name
        };
        match top.get(key) {
            Some(v) => {
                let pairs = string_map(ctx, v, what, key_check, value_check);
                if key == "selector" && pairs.is_empty() && matches!(&v.kind, Kind::Map(m) if m.entries.is_empty()) {
                    ctx.error(&v.tokens, "`selector` needs at least one label: the pods are selected by it");
                }
                calls.extend(pairs.into_iter().map(|(k, v)| quote!(.#method(#k, #v))));
            }
            None if key == "selector" => ctx.error_at(
                root.span,
                "missing required key `selector`: the labels that select the pods (e.g. `selector: { \"app\": \"agent\" }`)",
            ),
            None => {}
        }
    }

    // Volumes first: containers mount them by name.
    let (volume_lets, volumes, volume_model) = match top.get("volumes") {
        Some(v) => volume_decls(ctx, v),
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    let mut mount_model: Vec<Vec<MountDecl<At>>> = Vec::new();

    let mut container_names = Names::new();
    let mut host_ports: Vec<PortUse> = Vec::new();
    let mut container_count = 0;
    let mut kinds = [
        ("containers", "container", "container"),
        ("init_containers", "init_container", "init container"),
    ];
    let position = |key: &str| root.entries.iter().position(|e| e.key.name == key);
    kinds.sort_by_key(|(key, ..)| position(key));
    for (key, method, what) in kinds {
        let method = format_ident!("{method}");
        if let Some(v) = top.get(key) {
            let list = items(ctx, v, &format!("{what}s"));
            if key == "containers" {
                container_count = list.len();
                if list.is_empty() && matches!(v.kind, Kind::List(_)) {
                    ctx.error(&v.tokens, "a DaemonSet needs at least one container");
                }
            }
            for item in list {
                if let Some(c) = container(
                    ctx,
                    item,
                    what,
                    &volumes,
                    &mut container_names,
                    &mut host_ports,
                    &mut mount_model,
                ) {
                    calls.push(quote!(.#method(#c)));
                }
            }
        } else if key == "containers" {
            ctx.error_at(
                root.span,
                "missing required key `containers`: a DaemonSet needs at least one container",
            );
        }
    }
    let _ = container_count;
    // The rules of volumes and mounts, once, on the shared model of that part.
    let storage = Storage {
        volumes: volume_model,
        mounts: mount_model,
    };
    for problem in storage.check() {
        match problem.field {
            Field::VolumeName | Field::VolumeSource => ctx.error(&problem.at.key, problem.message),
            Field::MountVolume => ctx.error(
                &problem.at.key,
                format!("mount of undeclared volume: {}", problem.message),
            ),
            Field::MountPath => ctx.error(
                problem.at.path.as_ref().unwrap_or(&problem.at.key),
                problem.message,
            ),
        }
    }

    for volume in &volumes {
        let ident = &volume.ident;
        calls.push(quote!(.volume(#ident)));
    }

    if let Some(v) = top.get("node_affinity")
        && let Some(t) = node_affinity(ctx, v)
    {
        calls.push(quote!(.node_affinity(#t)));
    }
    if let Some(v) = top.get("tolerations") {
        for item in items(ctx, v, "tolerations") {
            if let Some(t) = toleration(ctx, item) {
                calls.push(quote!(.toleration(#t)));
            }
        }
    }
    let host_network = match top.get("host_network") {
        Some(v) => match &v.kind {
            Kind::Lit(Lit::Bool(b)) => {
                if b.value {
                    calls.push(quote!(.host_network()));
                }
                b.value
            }
            _ => {
                ctx.error(&v.tokens, "expected `host_network: true` or `false` (a literal: the builder's switch takes no value)");
                false
            }
        },
        None => false,
    };
    if let Some(v) = top.get("host_pid") {
        match &v.kind {
            Kind::Lit(Lit::Bool(b)) => {
                if b.value {
                    calls.push(quote!(.host_pid()));
                }
            }
            _ => ctx.error(&v.tokens, "expected `host_pid: true` or `false` (a literal: the builder's switch takes no value)"),
        }
    }
    for key in ["share_process_namespace", "host_ipc"] {
        if let Some(v) = top.get(key) {
            match &v.kind {
                Kind::Lit(Lit::Bool(b)) => {
                    if b.value {
                        let method = format_ident!("{key}");
                        calls.push(quote!(.#method()));
                    }
                }
                _ => ctx.error(&v.tokens, format!("expected `{key}: true` or `false` (a literal: the builder's switch takes no value)")),
            }
        }
    }
    for key in [
        "automount_service_account_token",
        "host_users",
        "enable_service_links",
    ] {
        if let Some(v) = top.get(key)
            && let Some(b) = boolean(ctx, v, key)
        {
            let method = format_ident!("{key}");
            calls.push(quote!(.#method(#b)));
        }
    }
    if let Some(v) = top.get("runtime_class_name")
        && let Some(t) = string(ctx, v, "runtime class name", Some(name::dns1123_subdomain))
    {
        calls.push(quote!(.runtime_class_name(#t)));
    }
    if let Some(v) = top.get("scheduler_name")
        && let Some(t) = string(ctx, v, "scheduler name", Some(non_empty))
    {
        calls.push(quote!(.scheduler_name(#t)));
    }
    if let Some(v) = top.get("readiness_gates") {
        for item in items(ctx, v, "readiness gate condition types") {
            if let Some(t) = string(
                ctx,
                item,
                "readiness gate condition type",
                Some(name::qualified_name),
            ) {
                calls.push(quote!(.readiness_gate(#t)));
            }
        }
    }
    if let Some(v) = top.get("host_aliases") {
        match &v.kind {
            Kind::Map(map) => {
                for entry in &map.entries {
                    let ip = entry.key.name.as_str();
                    if rule(ctx, &entry.key.tokens, "host alias IP", ip, non_empty)
                        && let Some(names) = strings(ctx, &entry.value, "host names")
                    {
                        calls.push(quote!(.host_alias(#ip, #names)));
                    }
                }
            }
            _ => ctx.error(
                &v.tokens,
                "expected host aliases as `{ \"127.0.0.1\": [\"name\", ..], .. }`",
            ),
        }
    }
    if let Some(v) = top.get("dns_config")
        && let Some(o) = object(ctx, v, DNS_CONFIG_KEYS, "a DNS config")
    {
        let mut t = quote!(<::daemonset::build::DnsConfig as ::core::default::Default>::default());
        for (key, method, what) in [
            ("nameservers", "nameserver", "nameserver"),
            ("searches", "search", "search domain"),
        ] {
            if let Some(v) = o.get(key) {
                let method = format_ident!("{method}");
                for item in items(ctx, v, &format!("{what}s")) {
                    if let Some(x) = string(ctx, item, what, Some(non_empty)) {
                        t = quote!(#t.#method(#x));
                    }
                }
            }
        }
        if let Some(v) = o.get("options") {
            for item in items(ctx, v, "DNS options") {
                match &item.kind {
                    Kind::Tuple(args) => {
                        let pos = positional(args);
                        if pos.len() != 2 {
                            ctx.error(
                                &item.tokens,
                                "expected a DNS option `\"name\"` or `(\"name\", \"value\")`",
                            );
                            continue;
                        }
                        if let (Some(n), Some(x)) = (
                            string(ctx, pos[0], "DNS option name", Some(non_empty)),
                            string(ctx, pos[1], "DNS option value", None),
                        ) {
                            t = quote!(#t.option(#n, ::core::option::Option::Some(#x)));
                        }
                    }
                    _ => {
                        if let Some(n) = string(ctx, item, "DNS option name", Some(non_empty)) {
                            t = quote!(#t.option(#n, ::core::option::Option::None));
                        }
                    }
                }
            }
        }
        calls.push(quote!(.dns_config(#t)));
    }
    if let Some(v) = top.get("security_context")
        && let Some(t) = pod_security_context(ctx, v)
    {
        calls.push(quote!(.security_context(#t)));
    }
    if let Some(v) = top.get("update_strategy")
        && let Some(t) = update_strategy(ctx, v, host_network, &host_ports)
    {
        calls.push(quote!(.update_strategy(#t)));
    }
    for (key, what, max) in [
        (
            "termination_grace_period_seconds",
            "terminationGracePeriodSeconds",
            i64::from(u32::MAX),
        ),
        ("min_ready_seconds", "minReadySeconds", i64::from(i32::MAX)),
        (
            "revision_history_limit",
            "revisionHistoryLimit",
            i64::from(i32::MAX),
        ),
    ] {
        if let Some(v) = top.get(key)
            && let Some((t, _)) = integer(ctx, v, what, 0, max)
        {
            let method = format_ident!("{key}");
            calls.push(quote!(.#method(#t)));
        }
    }
    if let Some(v) = top.get("dns_policy")
        && let Some(t) = variant::<DnsPolicy>(ctx, v, "DNS policy", "DnsPolicy")
    {
        calls.push(quote!(.dns_policy(#t)));
    }
    for (key, what) in [
        ("priority_class_name", "priority class name"),
        ("service_account_name", "service account name"),
    ] {
        if let Some(v) = top.get(key)
            && let Some(t) = string(ctx, v, what, Some(name::dns1123_subdomain))
        {
            let method = format_ident!("{key}");
            calls.push(quote!(.#method(#t)));
        }
    }
    if let Some(v) = top.get("image_pull_secrets") {
        for item in items(ctx, v, "secret names") {
            if let Some(t) = string(ctx, item, "image pull secret name", Some(non_empty)) {
                calls.push(quote!(.image_pull_secret(#t)));
            }
        }
    }
    if let Some(v) = top.get("customize") {
        // The closure as written: in argument position it needs no parentheses (they would warn `unused_parens`).
        let t = v.tokens.clone();
        calls.push(quote!(.customize(#t)));
    }
    let _ = top.span;

    quote! {
        {
            #(#volume_lets)*
            ::daemonset::build::NodeAgent::builder() #(#calls)* .build()
        }
    }
}

/// A declared volume: its name and the local variable holding its handle.
struct Volume {
    name: String,
    ident: syn::Ident,
}

/// Where an item of the shared volumes model ([`Storage`]) is written: a volume's or a mount's key, and a mount's
/// path.
struct At {
    key: TokenStream,
    path: Option<TokenStream>,
}

/// The declared volumes: their `let`s, their handles, and their part of the shared model (the repeated names and
/// the mounts of undeclared volumes are reported on it, once every container is read).
fn volume_decls(
    ctx: &mut Ctx,
    value: &Value,
) -> (Vec<TokenStream>, Vec<Volume>, Vec<VolumeDecl<At>>) {
    let mut lets = Vec::new();
    let mut volumes: Vec<Volume> = Vec::new();
    let mut decls = Vec::new();
    let Kind::Map(map) = &value.kind else {
        ctx.error(
            &value.tokens,
            "expected volumes as `{ name: host_path(\"/path\"), ... }`",
        );
        return (lets, volumes, decls);
    };
    for (i, entry) in map.entries.iter().enumerate() {
        let name = entry.key.name.clone();
        let name_ok = rule(
            ctx,
            &entry.key.tokens,
            "volume name",
            &name,
            name::dns1123_label,
        );
        // One call: one source (an unknown one is reported by `volume_source`).
        decls.push(VolumeDecl {
            name: name.clone(),
            sources: vec![("source", true)],
            at: At {
                key: entry.key.tokens.clone(),
                path: None,
            },
        });
        let ident = format_ident!("__daemonset_volume_{}", i, span = Span::mixed_site());
        // The name is declared even when its source has an error, so mounts of it do not cascade.
        let source = volume_source(ctx, &name, &entry.value);
        if let (true, Some(source)) = (name_ok, source) {
            lets.push(quote!(let #ident = #source;));
        }
        volumes.push(Volume { name, ident });
    }
    (lets, volumes, decls)
}

fn positional(args: &[Arg]) -> Vec<&Value> {
    args.iter()
        .filter_map(|a| match a {
            Arg::Pos(v) => Some(v),
            Arg::Named(..) => None,
        })
        .collect()
}

fn named<'a>(
    ctx: &mut Ctx,
    args: &'a [Arg],
    known: &[&str],
    what: &str,
) -> BTreeMap<String, &'a Value> {
    let mut out = BTreeMap::new();
    for arg in args {
        if let Arg::Named(name, value) = arg {
            let key = name.to_string();
            if !known.contains(&key.as_str()) {
                unknown_in(ctx, name, "option", &key, &format!("`{what}(..)`"), known);
            } else if out.insert(key.clone(), value).is_some() {
                ctx.error(name, format!("duplicate option `{key}` of {what}"));
            }
        }
    }
    out
}

/// Checks the number of positional arguments of a call.
fn arity<'a>(
    ctx: &mut Ctx,
    call: &Value,
    args: &'a [Arg],
    min: usize,
    max: usize,
    usage: &str,
) -> Option<Vec<&'a Value>> {
    let pos = positional(args);
    if pos.len() < min || pos.len() > max {
        ctx.error(&call.tokens, format!("expected `{usage}`"));
        return None;
    }
    Some(pos)
}

fn volume_source(ctx: &mut Ctx, volume: &str, value: &Value) -> Option<TokenStream> {
    let Kind::Call(func, args) = &value.kind else {
        ctx.error(
            &value.tokens,
            format!(
                "expected a volume source: {}",
                list(&VOLUME_SOURCES.iter().map(|s| &s[..]).collect::<Vec<_>>())
            ),
        );
        return None;
    };
    let f = func.to_string();
    let mode_items =
        |ctx: &mut Ctx, opts: &BTreeMap<String, &Value>, mut t: TokenStream| -> TokenStream {
            if let Some(v) = opts.get("default_mode")
                && let Some((m, _)) = integer(ctx, v, "defaultMode", 0, 0o777)
            {
                t = quote!(#t.default_mode(#m));
            }
            if let Some(v) = opts.get("items") {
                let pairs = string_map(ctx, v, "item", name::config_map_key, Some(non_empty));
                let pairs = pairs.iter().map(|(k, p)| quote!((#k, #p)));
                t = quote!(#t.items([#(#pairs),*]));
            }
            t
        };
    match f.as_str() {
        "host_path" => {
            let pos = arity(
                ctx,
                value,
                args,
                1,
                2,
                "host_path(\"/path\") or host_path(\"/path\", Socket)",
            )?;
            named(ctx, args, &[], "host_path");
            let path = string(ctx, pos[0], "hostPath path", Some(non_empty))?;
            let mut t = quote!(::daemonset::build::Volume::host_path(#volume, #path));
            if let Some(kind) = pos.get(1) {
                let kind = variant::<HostPathType>(ctx, kind, "hostPath type", "HostPathType")?;
                t = quote!(#t.with_type(#kind));
            }
            Some(t)
        }
        "config_map" | "secret" => {
            let pos = arity(
                ctx,
                value,
                args,
                1,
                2,
                &format!(
                    "{f}(\"name\", default_mode: 0o440, items: {{ \"key\": \"path\" }}) or {f}(\"name\", optional)"
                ),
            )?;
            let optional = match pos.get(1) {
                Some(flag) if variant_name(flag).as_deref() == Some("optional") => true,
                Some(flag) => {
                    ctx.error(&flag.tokens, "expected the flag `optional`");
                    return None;
                }
                None => false,
            };
            let opts = named(ctx, args, &["default_mode", "items"], &f);
            let object = string(
                ctx,
                pos[0],
                &format!(
                    "{} name",
                    if f == "secret" { "Secret" } else { "ConfigMap" }
                ),
                Some(non_empty),
            )?;
            let func = format_ident!("{f}");
            let mut t = quote!(::daemonset::build::Volume::#func(#volume, #object));
            if optional {
                t = quote!(#t.optional());
            }
            Some(mode_items(ctx, &opts, t))
        }
        "empty_dir" => {
            arity(ctx, value, args, 0, 0, "empty_dir()")?;
            named(ctx, args, &[], "empty_dir");
            Some(quote!(::daemonset::build::Volume::empty_dir(#volume)))
        }
        "memory_dir" => {
            let pos = arity(ctx, value, args, 1, 1, "memory_dir(\"64Mi\")")?;
            named(ctx, args, &[], "memory_dir");
            let size = memory(ctx, pos[0], "sizeLimit")?;
            Some(quote!(::daemonset::build::Volume::memory_dir(#volume, #size)))
        }
        "projected" => {
            let pos = arity(
                ctx,
                value,
                args,
                1,
                1,
                "projected([config_map(\"a\"), secret(\"b\"), ...])",
            )?;
            let opts = named(ctx, args, &["default_mode"], "projected");
            let sources: Vec<TokenStream> = items(ctx, pos[0], "projected sources")
                .iter()
                .filter_map(|s| projection(ctx, s))
                .collect();
            Some(mode_items(
                ctx,
                &opts,
                quote!(::daemonset::build::Volume::projected(#volume, [#(#sources),*])),
            ))
        }
        "csi" => {
            let pos = arity(
                ctx,
                value,
                args,
                1,
                1,
                "csi(\"driver.example.com\", attributes: { \"key\": \"value\" })",
            )?;
            let opts = named(ctx, args, &["attributes"], "csi");
            let driver = string(ctx, pos[0], "CSI driver", Some(name::dns1123_subdomain))?;
            let mut t = quote!(::daemonset::build::Volume::csi(#volume, #driver));
            if let Some(v) = opts.get("attributes") {
                for (k, x) in string_map(ctx, v, "CSI volume attribute", non_empty, None) {
                    t = quote!(#t.attribute(#k, #x));
                }
            }
            Some(t)
        }
        "raw" => {
            let pos = arity(ctx, value, args, 1, 1, "raw(k8s_volume)")?;
            let raw = pos[0].expr();
            Some(quote!({
                let mut volume: ::daemonset::k8s::api::core::v1::Volume = #raw;
                volume.name = ::std::string::String::from(#volume);
                ::daemonset::build::Volume::raw(volume)
            }))
        }
        _ => {
            unknown(ctx, func, "volume source", &f, VOLUME_SOURCES);
            None
        }
    }
}

fn projection(ctx: &mut Ctx, value: &Value) -> Option<TokenStream> {
    let Kind::Call(func, args) = &value.kind else {
        return match value.kind {
            Kind::Expr => Some(value.expr()),
            _ => {
                ctx.error(
                    &value.tokens,
                    format!("expected a projected source: {}", list(PROJECTIONS)),
                );
                None
            }
        };
    };
    let f = func.to_string();
    match f.as_str() {
        "config_map" | "secret" => {
            let pos = arity(ctx, value, args, 1, 1, &format!("{f}(\"name\")"))?;
            named(ctx, args, &[], &f);
            let object = string(ctx, pos[0], "name", Some(non_empty))?;
            let func = format_ident!("{f}");
            Some(quote!(::daemonset::build::Projection::#func(#object)))
        }
        "service_account_token" => {
            let pos = arity(
                ctx,
                value,
                args,
                1,
                1,
                "service_account_token(\"path\", audience: \"...\", expiration_seconds: 3600)",
            )?;
            let opts = named(ctx, args, &["audience", "expiration_seconds"], &f);
            let path = string(ctx, pos[0], "token path", Some(non_empty))?;
            let audience = match opts.get("audience") {
                Some(v) => {
                    let a = string(ctx, v, "audience", None)?;
                    quote!(::core::option::Option::Some(::std::string::String::from(#a)))
                }
                None => quote!(::core::option::Option::None),
            };
            let expiration = match opts.get("expiration_seconds") {
                Some(v) => {
                    let (e, _) = integer(ctx, v, "expirationSeconds", 600, i64::from(u32::MAX))?;
                    quote!(::core::option::Option::Some(#e))
                }
                None => quote!(::core::option::Option::None),
            };
            Some(
                quote!(::daemonset::build::Projection::service_account_token(#path, #audience, #expiration)),
            )
        }
        _ => {
            unknown(ctx, func, "projected source", &f, PROJECTIONS);
            None
        }
    }
}

fn memory(ctx: &mut Ctx, value: &Value, what: &str) -> Option<TokenStream> {
    let (t, q) = quantity(ctx, value, what)?;
    Some(match q {
        Some(_) => quote!(::daemonset::build::Memory::parse(#t).expect("checked by daemonset!")),
        None => t,
    })
}

/// A container (or init container) as builder calls.
fn container(
    ctx: &mut Ctx,
    value: &Value,
    what: &str,
    volumes: &[Volume],
    names: &mut Names<'static>,
    host_ports: &mut Vec<PortUse>,
    mount_model: &mut Vec<Vec<MountDecl<At>>>,
) -> Option<TokenStream> {
    if matches!(value.kind, Kind::Expr) {
        return Some(value.expr());
    }
    let c = object(ctx, value, CONTAINER_KEYS, &format!("a {what}"))?;
    let mut calls: Vec<TokenStream> = Vec::new();
    let mut label = String::from("?");
    match c.entry("name") {
        Some(entry) => {
            if let Some(t) = string(
                ctx,
                &entry.value,
                "container name",
                Some(name::dns1123_label),
            ) {
                if let Some(s) = entry.value.lit_str() {
                    label = s.value();
                    if names.repeats(label.clone()).is_some() {
                        ctx.error(s, Distinct::ContainerName.explain(&label));
                    }
                }
                calls.push(quote!(.name(#t)));
            }
        }
        None => ctx.error_at(
            c.span,
            format!("missing required key `name` in this {what}"),
        ),
    }
    match c.get("image") {
        Some(v) => {
            if let Some(t) = string(ctx, v, "image", Some(image)) {
                calls.push(quote!(.image(#t)));
            }
        }
        None => ctx.error_at(
            c.span,
            format!("missing required key `image` in this {what}"),
        ),
    }
    for key in ["command", "args"] {
        if let Some(v) = c.get(key)
            && let Some(t) = strings(ctx, v, key)
        {
            let method = format_ident!("{key}");
            calls.push(quote!(.#method(#t)));
        }
    }
    if let Some(v) = c.get("working_dir")
        && let Some(t) = string(ctx, v, "working directory", None)
    {
        calls.push(quote!(.working_dir(#t)));
    }
    if let Some(v) = c.get("image_pull_policy")
        && let Some(t) = variant::<ImagePullPolicy>(ctx, v, "image pull policy", "ImagePullPolicy")
    {
        calls.push(quote!(.image_pull_policy(#t)));
    }
    if let Some(v) = c.get("ports") {
        let mut port_names = Names::new();
        for item in items(ctx, v, "ports") {
            if let Some(t) = port(ctx, item, &label, &mut port_names, host_ports) {
                calls.push(quote!(.port(#t)));
            }
        }
    }
    if let Some(v) = c.get("env") {
        calls.extend(env(ctx, v).into_iter().map(|t| quote!(.env(#t))));
    }
    if let Some(v) = c.get("env_from") {
        for item in items(ctx, v, "env sources") {
            if let Some(t) = env_from(ctx, item) {
                calls.push(quote!(.env_from(#t)));
            }
        }
    }
    if let Some(v) = c.get("resources")
        && let Some(t) = resources(ctx, v)
    {
        calls.push(quote!(.resources(#t)));
    }
    if let Some(v) = c.get("mounts") {
        let (tokens, model) = mounts(ctx, v, volumes);
        calls.extend(tokens.into_iter().map(|t| quote!(.mount(#t))));
        mount_model.push(model);
    }
    for key in ["liveness_probe", "readiness_probe", "startup_probe"] {
        if let Some(v) = c.get(key)
            && let Some(t) = probe(ctx, v)
        {
            let method = format_ident!("{key}");
            calls.push(quote!(.#method(#t)));
        }
    }
    if let Some(v) = c.get("security_context")
        && let Some(t) = security_context(ctx, v)
    {
        calls.push(quote!(.security_context(#t)));
    }
    for key in ["pre_stop", "post_start"] {
        if let Some(v) = c.get(key)
            && let Some(t) = hook(ctx, v)
        {
            let method = format_ident!("{key}");
            calls.push(quote!(.#method(#t)));
        }
    }
    if let Some(v) = c.get("termination_message_path")
        && let Some(t) = string(ctx, v, "termination message path", Some(non_empty))
    {
        calls.push(quote!(.termination_message_path(#t)));
    }
    if let Some(v) = c.get("termination_message_policy")
        && let Some(t) = variant::<TerminationMessagePolicy>(
            ctx,
            v,
            "termination message policy",
            "TerminationMessagePolicy",
        )
    {
        calls.push(quote!(.termination_message_policy(#t)));
    }
    if let Some(v) = c.get("sidecar") {
        match &v.kind {
            Kind::Lit(Lit::Bool(b)) => match check::restart_policy(what == "init container", "sidecar") {
                Some(message) => ctx.error(&v.tokens, message),
                None if b.value => calls.push(quote!(.sidecar())),
                None => {}
            },
            _ => ctx.error(&v.tokens, "expected `sidecar: true` or `false` (a literal: the builder's switch takes no value)"),
        }
    }
    if let Some(v) = c.get("customize") {
        let t = v.tokens.clone();
        calls.push(quote!(.customize(#t)));
    }
    Some(quote!(::daemonset::build::Container::builder() #(#calls)* .build()))
}

/// The shared image rule (`daemonset_rules::check::image`, which validation runs on every template).
fn image(value: &str) -> Vec<String> {
    check::image(value)
        .map(|f| vec![f.message()])
        .unwrap_or_default()
}

fn port(
    ctx: &mut Ctx,
    value: &Value,
    container: &str,
    names: &mut Names<'static>,
    host_ports: &mut Vec<PortUse>,
) -> Option<TokenStream> {
    let number = |ctx: &mut Ctx, v: &Value, what: &str| integer(ctx, v, what, 1, 65535);
    match &value.kind {
        Kind::Lit(Lit::Int(_)) => {
            let (n, lit) = number(ctx, value, "containerPort")?;
            host_ports.push(PortUse {
                container: format!("container {container:?}"),
                container_port: lit,
                host_port: Some(0),
                has_host_port: false,
            });
            Some(quote!(::daemonset::build::Port::new(#n)))
        }
        Kind::Map(_) => {
            let p = object(ctx, value, PORT_KEYS, "a port")?;
            let Some(v) = p.get("container_port") else {
                ctx.error_at(p.span, "missing required key `container_port` in this port");
                return None;
            };
            let (n, lit) = number(ctx, v, "containerPort")?;
            let mut t = quote!(::daemonset::build::Port::new(#n));
            if let Some(entry) = p.entry("name")
                && let Some(n) = string(ctx, &entry.value, "port name", Some(name::port_name))
            {
                if let Some(s) = entry.value.lit_str()
                    && names.repeats(s.value()).is_some()
                {
                    ctx.error(
                        s,
                        format!(
                            "{} (container {container:?})",
                            Distinct::PortName.explain(&s.value())
                        ),
                    );
                }
                t = quote!(#t.name(#n));
            }
            if let Some(v) = p.get("protocol") {
                let proto = variant::<Protocol>(ctx, v, "protocol", "Protocol");
                if let Some(proto) = proto {
                    t = quote!(#t.protocol(#proto));
                }
            }
            if let Some(v) = p.get("host_port")
                && let Some((h, hl)) = number(ctx, v, "hostPort")
            {
                host_ports.push(PortUse {
                    container: format!("container {container:?}"),
                    container_port: lit,
                    host_port: hl,
                    has_host_port: true,
                });
                t = quote!(#t.host_port(#h));
            }
            if let Some(v) = p.get("host_ip")
                && let Some(ip) = string(ctx, v, "hostIP", None)
            {
                t = quote!(#t.host_ip(#ip));
            }
            // Remember plain container ports too: with hostNetwork they are host ports.
            if p.get("host_port").is_none() {
                host_ports.push(PortUse {
                    container: format!("container {container:?}"),
                    container_port: lit,
                    host_port: Some(0),
                    has_host_port: false,
                });
            }
            Some(t)
        }
        Kind::Expr | Kind::Ident(_) | Kind::Call(..) => Some(value.expr()),
        _ => {
            ctx.error(
                &value.tokens,
                "expected a port: `80` or `{ container_port: 80, name: \"http\", ... }`",
            );
            None
        }
    }
}

fn env(ctx: &mut Ctx, value: &Value) -> Vec<TokenStream> {
    let Kind::Map(map) = &value.kind else {
        ctx.error(
            &value.tokens,
            "expected env as `{ NAME: \"value\", NODE_NAME: field(spec.nodeName), ... }`",
        );
        return Vec::new();
    };
    let mut seen = Names::new();
    let mut out = Vec::new();
    for entry in &map.entries {
        let var = entry.key.name.as_str();
        let mut ok = rule(
            ctx,
            &entry.key.tokens,
            "environment variable name",
            var,
            name::env_var_name,
        );
        if seen.repeats(var).is_some() {
            ctx.error(&entry.key.tokens, Distinct::EnvName.explain(var));
            ok = false;
        }
        if let (Some(t), true) = (env_source(ctx, var, &entry.value), ok) {
            out.push(t);
        }
    }
    out
}

fn env_source(ctx: &mut Ctx, var: &str, value: &Value) -> Option<TokenStream> {
    let Kind::Call(func, args) = &value.kind else {
        let v = string(ctx, value, "environment variable value", None)?;
        return Some(quote!(::daemonset::build::EnvVar::value(#var, #v)));
    };
    let f = func.to_string();
    match f.as_str() {
        "field" => {
            let pos = arity(ctx, value, args, 1, 1, "field(spec.nodeName)")?;
            named(ctx, args, &[], "field");
            let field = pod_field(ctx, pos[0])?;
            Some(quote!(::daemonset::build::EnvVar::field(#var, #field)))
        }
        "resource" => {
            let pos = arity(
                ctx,
                value,
                args,
                1,
                1,
                "resource(limits.cpu, divisor: \"1m\", container: \"name\")",
            )?;
            let opts = named(ctx, args, &["divisor", "container"], "resource");
            let path = match pos[0].lit_str() {
                Some(s) => s.value(),
                None => pos[0].compact_text(),
            };
            let field = match ResourceField::parse(&path) {
                Ok(field) => field,
                Err(err) => {
                    ctx.error(
                        &pos[0].tokens,
                        format!(
                            "unsupported resourceFieldRef resource `{path}`; {}",
                            err.detail()
                        ),
                    );
                    return None;
                }
            };
            let variant = format_ident!("{}", format!("{field:?}"));
            let mut t = quote!(::daemonset::build::EnvVar::resource(#var, ::daemonset::build::ResourceField::#variant));
            if let Some(v) = opts.get("divisor")
                && let Some((d, _)) = quantity(ctx, v, "divisor")
            {
                t = quote!(#t.divisor(#d));
            }
            if let Some(v) = opts.get("container")
                && let Some(c) = string(ctx, v, "container name", Some(name::dns1123_label))
            {
                t = quote!(#t.of_container(#c));
            }
            Some(t)
        }
        "config_map_key" | "secret_key" => {
            let pos = arity(
                ctx,
                value,
                args,
                2,
                3,
                &format!(
                    "{f}(\"object-name\", \"key\") or {f}(\"object-name\", \"key\", optional)"
                ),
            )?;
            named(ctx, args, &[], &f);
            let object = string(ctx, pos[0], "object name", Some(non_empty));
            let key = string(ctx, pos[1], "key", Some(name::config_map_key));
            let optional = match pos.get(2) {
                Some(flag) if variant_name(flag).as_deref() == Some("optional") => true,
                Some(flag) => {
                    ctx.error(&flag.tokens, "expected the flag `optional`");
                    return None;
                }
                None => false,
            };
            let func = format_ident!("{f}");
            let mut t = quote!(::daemonset::build::EnvVar::#func(#var, #object, #key));
            if optional {
                t = quote!(#t.optional());
            }
            Some(t)
        }
        _ if suggestion(&f, ENV_SOURCES).is_some() => {
            unknown(ctx, func, "env source", &f, ENV_SOURCES);
            None
        }
        _ => {
            let v = value.expr();
            Some(quote!(::daemonset::build::EnvVar::value(#var, #v)))
        }
    }
}

/// `field(spec.nodeName)`, `field("metadata.labels['app']")` or `field({ expr })`.
fn pod_field(ctx: &mut Ctx, value: &Value) -> Option<TokenStream> {
    if value.is_braced_expr() {
        return Some(value.expr());
    }
    let path = match value.lit_str() {
        Some(s) => s.value(),
        None => value.compact_text(),
    };
    // The shared reading (the one spec files and `PodField::parse` use), checked now and run by the expansion.
    if let Err(err) = field_ref::env_field(&path) {
        ctx.error(&value.tokens, field_ref::env_field_problem(&path, &err));
        return None;
    }
    Some(quote!(::daemonset::build::PodField::parse(#path).expect("checked by daemonset!")))
}

fn env_from(ctx: &mut Ctx, value: &Value) -> Option<TokenStream> {
    let Kind::Call(func, args) = &value.kind else {
        if matches!(value.kind, Kind::Expr) {
            return Some(value.expr());
        }
        ctx.error(
            &value.tokens,
            "expected `config_map(\"name\")` or `secret(\"name\")`",
        );
        return None;
    };
    let f = func.to_string();
    if !ENV_FROM_SOURCES.contains(&f.as_str()) {
        unknown(ctx, func, "env_from source", &f, ENV_FROM_SOURCES);
        return None;
    }
    let pos = arity(
        ctx,
        value,
        args,
        1,
        2,
        &format!("{f}(\"name\", prefix: \"P_\") or {f}(\"name\", optional)"),
    )?;
    let opts = named(ctx, args, &["prefix"], &f);
    let object = string(ctx, pos[0], "name", Some(non_empty))?;
    let func = format_ident!("{f}");
    let mut t = quote!(::daemonset::build::EnvFrom::#func(#object));
    if let Some(v) = opts.get("prefix")
        && let Some(p) = string(ctx, v, "env prefix", Some(name::env_var_name))
    {
        t = quote!(#t.prefix(#p));
    }
    match pos.get(1) {
        Some(flag) if variant_name(flag).as_deref() == Some("optional") => {
            t = quote!(#t.optional())
        }
        Some(flag) => ctx.error(&flag.tokens, "expected the flag `optional`"),
        None => {}
    }
    Some(t)
}

fn resources(ctx: &mut Ctx, value: &Value) -> Option<TokenStream> {
    if matches!(value.kind, Kind::Expr) {
        return Some(value.expr());
    }
    let r = object(ctx, value, RESOURCES_KEYS, "resources")?;
    let mut calls = Vec::new();
    let mut amounts: BTreeMap<(&str, &str), (Quantity, &Value)> = BTreeMap::new();
    for side in ["requests", "limits"] {
        let Some(v) = r.get(side) else { continue };
        let Some(o) = object(ctx, v, AMOUNT_KEYS, &format!("resource {side}")) else {
            continue;
        };
        for resource in AMOUNT_KEYS {
            let Some(v) = o.get(resource) else { continue };
            let what = format!("{} {}", resource.replace('_', "-"), &side[..side.len() - 1]);
            let Some((t, q)) = quantity(ctx, v, &what) else {
                continue;
            };
            let ty = if *resource == "cpu" {
                quote!(Cpu)
            } else {
                quote!(Memory)
            };
            let t = match q {
                Some(q) => {
                    amounts.insert((resource, side), (q, v));
                    quote!(::daemonset::build::#ty::parse(#t).expect("checked by daemonset!"))
                }
                None => t,
            };
            let method = format_ident!("{}_{}", resource, &side[..side.len() - 1]);
            calls.push(quote!(.#method(#t)));
        }
    }
    for resource in AMOUNT_KEYS {
        if let (Some((request, at)), Some((limit, _))) = (
            amounts.get(&(resource, "requests")),
            amounts.get(&(resource, "limits")),
        ) && let Some(f) =
            check::request_within_limit(&resource.replace('_', "-"), request, limit)
        {
            finding(ctx, &at.tokens, &f);
        }
    }
    if let Some(v) = r.get("extended")
        && let Kind::Map(map) = &v.kind
    {
        for entry in &map.entries {
            let key = &entry.key.name;
            if rule(
                ctx,
                &entry.key.tokens,
                "extended resource name",
                key,
                name::qualified_name,
            ) && let Some((n, _)) =
                integer(ctx, &entry.value, "extended resource count", 0, i64::MAX)
            {
                calls.push(quote!(.extended(#key, #n)));
            }
        }
    } else if let Some(v) = r.get("extended") {
        ctx.error(
            &v.tokens,
            "expected extended resources as `{ \"vendor.example/device\": 1 }`",
        );
    }
    Some(quote!(::daemonset::build::Resources::builder() #(#calls)* .build()))
}

/// The mounts of a container: their builder calls and their part of the shared model (checked in [`expand`]).
fn mounts(
    ctx: &mut Ctx,
    value: &Value,
    volumes: &[Volume],
) -> (Vec<TokenStream>, Vec<MountDecl<At>>) {
    let Kind::Map(map) = &value.kind else {
        ctx.error(
            &value.tokens,
            "expected mounts as `{ volume_name: \"/path\", other: (\"/path\", read_only) }`",
        );
        return (Vec::new(), Vec::new());
    };
    let mut model = Vec::new();
    let mut out = Vec::new();
    for entry in &map.entries {
        let name = entry.key.name.as_str();
        let volume = volumes.iter().find(|v| v.name == name);
        model.push(MountDecl {
            volume: name.to_owned(),
            path: None,
            at: At {
                key: entry.key.tokens.clone(),
                path: None,
            },
        });
        let (path_value, args): (&Value, &[Arg]) = match &entry.value.kind {
            Kind::Tuple(args) => match args.first() {
                Some(Arg::Pos(path)) => (path, &args[1..]),
                _ => {
                    ctx.error(&entry.value.tokens, "expected `(\"/path\", read_only, sub_path: \"dir\", propagation: HostToContainer)`");
                    continue;
                }
            },
            _ => (&entry.value, &[]),
        };
        let path = string(ctx, path_value, "mountPath", Some(non_empty));
        if let Some(m) = model.last_mut() {
            m.path = path_value.lit_str().map(syn::LitStr::value);
            m.at.path = Some(path_value.tokens.clone());
        }
        let mut options = Vec::new();
        for arg in args {
            match arg {
                Arg::Pos(flag) if variant_name(flag).as_deref() == Some("read_only") => options.push(quote!(.read_only())),
                Arg::Pos(flag) => match variant_name(flag) {
                    Some(word) => unknown(ctx, &flag.tokens, "mount flag", &word, &["read_only"]),
                    None => ctx.error(&flag.tokens, "expected a mount option: `read_only`, `sub_path: \"dir\"`, `propagation: HostToContainer`"),
                },
                Arg::Named(opt, v) => match opt.to_string().as_str() {
                    "sub_path" => {
                        if let Some(p) = string(ctx, v, "subPath", None) {
                            options.push(quote!(.sub_path(#p)));
                        }
                    }
                    "propagation" => {
                        if let Some(p) = variant::<MountPropagation>(ctx, v, "mount propagation", "MountPropagation") {
                            options.push(quote!(.propagation(#p)));
                        }
                    }
                    other => unknown(ctx, opt, "mount option", other, &["sub_path", "propagation"]),
                },
            }
        }
        if let (Some(volume), Some(path)) = (volume, path) {
            let ident = &volume.ident;
            out.push(quote!(#ident.mount(#path) #(#options)*));
        }
    }
    (out, model)
}

fn probe(ctx: &mut Ctx, value: &Value) -> Option<TokenStream> {
    let Kind::Call(func, args) = &value.kind else {
        if matches!(value.kind, Kind::Expr | Kind::Ident(_)) {
            return Some(value.expr());
        }
        ctx.error(&value.tokens, format!("expected a probe: {}", list(PROBES)));
        return None;
    };
    let f = func.to_string();
    let port = |ctx: &mut Ctx, v: &Value| integer(ctx, v, "port", 1, 65535).map(|(t, _)| t);
    let mut t = match f.as_str() {
        "http_get" => {
            let pos = arity(
                ctx,
                value,
                args,
                2,
                2,
                "http_get(\"/healthz\", 8080) or http_get(\"/healthz\", \"http\")",
            )?;
            let path = string(ctx, pos[0], "probe path", None)?;
            if let Some(s) = pos[1].lit_str() {
                rule(ctx, s, "port name", &s.value(), name::port_name).then_some(())?;
                quote!(::daemonset::build::Probe::http_get_named(#path, #s))
            } else {
                let p = port(ctx, pos[1])?;
                quote!(::daemonset::build::Probe::http_get(#path, #p))
            }
        }
        "tcp_socket" if pos_str(args).is_some() => {
            arity(
                ctx,
                value,
                args,
                1,
                1,
                "tcp_socket(port) or tcp_socket(\"port-name\")",
            )?;
            let s = pos_str(args)?;
            rule(ctx, s, "port name", &s.value(), name::port_name).then_some(())?;
            quote!(::daemonset::build::Probe::tcp_socket_named(#s))
        }
        "tcp_socket" | "grpc" => {
            let pos = arity(ctx, value, args, 1, 1, &format!("{f}(port)"))?;
            let p = port(ctx, pos[0])?;
            let func = format_ident!("{f}");
            quote!(::daemonset::build::Probe::#func(#p))
        }
        "exec" => {
            let pos = arity(ctx, value, args, 1, 1, "exec([\"cat\", \"/tmp/healthy\"])")?;
            let command = strings(ctx, pos[0], "command")?;
            quote!(::daemonset::build::Probe::exec(#command))
        }
        _ => {
            unknown(ctx, func, "probe", &f, PROBES);
            return None;
        }
    };
    for (opt, v) in named(ctx, args, PROBE_OPTIONS, &f) {
        match (opt.as_str(), f.as_str()) {
            ("host", "http_get" | "tcp_socket") => {
                if let Some(h) = string(ctx, v, "probe host", Some(non_empty)) {
                    t = quote!(#t.host(#h));
                }
                continue;
            }
            ("https", "http_get") => {
                match &v.kind {
                    Kind::Lit(Lit::Bool(b)) => {
                        if b.value {
                            t = quote!(#t.https());
                        }
                    }
                    _ => ctx.error(&v.tokens, "expected `https: true` or `false` (a literal)"),
                }
                continue;
            }
            ("headers", "http_get") => {
                for (k, h) in string_map(ctx, v, "HTTP header", non_empty, None) {
                    t = quote!(#t.header(#k, #h));
                }
                continue;
            }
            ("service", "grpc") => {
                if let Some(g) = string(ctx, v, "gRPC service", None) {
                    t = quote!(#t.grpc_service(#g));
                }
                continue;
            }
            ("host" | "https" | "headers" | "service", _) => {
                let owner = match opt.as_str() {
                    "host" => "`http_get` and `tcp_socket`",
                    "service" => "`grpc`",
                    _ => "`http_get`",
                };
                ctx.error(
                    &v.tokens,
                    format!("the option `{opt}` is for {owner} probes, not `{f}`"),
                );
                continue;
            }
            _ => {}
        }
        let min = if opt == "failure_threshold"
            || opt == "success_threshold"
            || opt == "period_seconds"
        {
            1
        } else {
            0
        };
        if let Some((n, _)) = integer(ctx, v, &opt, min, i64::from(i32::MAX)) {
            let method = format_ident!("{opt}");
            t = quote!(#t.#method(#n));
        }
    }
    Some(t)
}

/// The first positional argument when it is a string literal.
fn pos_str(args: &[Arg]) -> Option<&syn::LitStr> {
    positional(args).first().and_then(|v| v.lit_str())
}

/// A lifecycle hook: `exec([..])`, `http_get(PATH, PORT)`, `sleep(SECONDS)`, `tcp_socket(PORT)`.
fn hook(ctx: &mut Ctx, value: &Value) -> Option<TokenStream> {
    let Kind::Call(func, args) = &value.kind else {
        if matches!(value.kind, Kind::Expr | Kind::Ident(_)) {
            return Some(value.expr());
        }
        ctx.error(
            &value.tokens,
            format!("expected a lifecycle hook: {}", list(HOOKS)),
        );
        return None;
    };
    let f = func.to_string();
    let port = |ctx: &mut Ctx, v: &Value| integer(ctx, v, "port", 1, 65535).map(|(t, _)| t);
    let t = match f.as_str() {
        "exec" => {
            let pos = arity(
                ctx,
                value,
                args,
                1,
                1,
                "exec([\"/bin/sh\", \"-c\", \"...\"])",
            )?;
            let command = strings(ctx, pos[0], "command")?;
            quote!(::daemonset::build::Hook::exec(#command))
        }
        "http_get" => {
            let pos = arity(ctx, value, args, 2, 2, "http_get(\"/shutdown\", 8080)")?;
            let path = string(ctx, pos[0], "hook path", None)?;
            let p = port(ctx, pos[1])?;
            quote!(::daemonset::build::Hook::http_get(#path, #p))
        }
        "sleep" => {
            let pos = arity(ctx, value, args, 1, 1, "sleep(5)")?;
            let (n, _) = integer(ctx, pos[0], "sleep seconds", 1, i64::from(u32::MAX))?;
            quote!(::daemonset::build::Hook::sleep(#n))
        }
        "tcp_socket" => {
            let pos = arity(ctx, value, args, 1, 1, "tcp_socket(8080)")?;
            let p = port(ctx, pos[0])?;
            quote!(::daemonset::build::Hook::tcp_socket(#p))
        }
        _ => {
            unknown(ctx, func, "lifecycle hook", &f, HOOKS);
            return None;
        }
    };
    named(ctx, args, &[], &f);
    Some(t)
}

/// A seccomp or AppArmor profile: `RuntimeDefault`, `Unconfined` or `localhost("path")`.
fn profile(ctx: &mut Ctx, value: &Value, what: &str, ty: &str) -> Option<TokenStream> {
    let ty = format_ident!("{ty}");
    match &value.kind {
        Kind::Ident(ident) if ident == "RuntimeDefault" || ident == "Unconfined" => {
            Some(quote_spanned!(ident.span()=> ::daemonset::build::#ty::#ident))
        }
        Kind::Ident(ident) => {
            unknown(ctx, ident, what, &ident.to_string(), PROFILES);
            None
        }
        Kind::Call(func, args) if func == "localhost" => {
            let pos = arity(ctx, value, args, 1, 1, "localhost(\"profile\")")?;
            named(ctx, args, &[], "localhost");
            let path = string(ctx, pos[0], &format!("{what} path"), Some(non_empty))?;
            Some(quote!(::daemonset::build::#ty::Localhost(::std::string::String::from(#path))))
        }
        Kind::Call(func, _) if suggestion(&func.to_string(), PROFILES).is_some() => {
            unknown(ctx, func, what, &func.to_string(), PROFILES);
            None
        }
        Kind::Expr | Kind::Call(..) => Some(value.expr()),
        _ => {
            ctx.error(
                &value.tokens,
                format!("expected {what}: `RuntimeDefault`, `Unconfined` or `localhost(\"path\")`"),
            );
            None
        }
    }
}

/// The profiles a pod and a container security context share: seccomp, AppArmor, SELinux, Windows.
fn profiles(ctx: &mut Ctx, s: &Obj, calls: &mut Vec<TokenStream>) {
    if let Some(v) = s.get("seccomp_profile")
        && let Some(t) = profile(ctx, v, "seccomp profile", "SeccompProfile")
    {
        calls.push(quote!(.seccomp_profile(#t)));
    }
    if let Some(v) = s.get("app_armor_profile")
        && let Some(t) = profile(ctx, v, "AppArmor profile", "AppArmorProfile")
    {
        calls.push(quote!(.app_armor_profile(#t)));
    }
    if let Some(v) = s.get("se_linux") {
        if matches!(v.kind, Kind::Expr) {
            let t = v.expr();
            calls.push(quote!(.se_linux(#t)));
        } else if let Some(o) = object(ctx, v, SE_LINUX_KEYS, "SELinux options") {
            let mut t = match o
                .get("type")
                .and_then(|v| string(ctx, v, "SELinux type", Some(non_empty)))
            {
                Some(ty) => quote!(::daemonset::build::SeLinux::type_(#ty)),
                None => {
                    quote!(<::daemonset::build::SeLinux as ::core::default::Default>::default())
                }
            };
            for key in ["user", "role", "level"] {
                if let Some(v) = o.get(key)
                    && let Some(x) = string(ctx, v, &format!("SELinux {key}"), Some(non_empty))
                {
                    let method = format_ident!("{key}");
                    t = quote!(#t.#method(#x));
                }
            }
            calls.push(quote!(.se_linux(#t)));
        }
    }
    if let Some(v) = s.get("windows") {
        match &v.kind {
            Kind::Call(func, args) if WINDOWS.contains(&func.to_string().as_str()) => {
                let f = func.to_string();
                let usage = format!("{f}(\"user\", gmsa_credential_spec_name: \"spec\")");
                if let Some(pos) = arity(ctx, v, args, 1, 1, &usage)
                    && let Some(user) = string(ctx, pos[0], "Windows user name", Some(non_empty))
                {
                    let opts = named(ctx, args, &["gmsa_credential_spec_name"], &f);
                    let mut t = quote!(::daemonset::build::WindowsOptions::#func(#user));
                    if let Some(g) = opts.get("gmsa_credential_spec_name")
                        && let Some(g) =
                            string(ctx, g, "GMSA credential spec name", Some(non_empty))
                    {
                        t = quote!(#t.gmsa_credential_spec_name(#g));
                    }
                    calls.push(quote!(.windows(#t)));
                }
            }
            Kind::Call(func, _) | Kind::Ident(func) => {
                unknown(ctx, func, "Windows options", &func.to_string(), WINDOWS);
            }
            Kind::Expr => {
                let t = v.expr();
                calls.push(quote!(.windows(#t)));
            }
            _ => ctx.error(
                &v.tokens,
                "expected Windows options: `host_process(\"user\")` or `run_as(\"user\")`",
            ),
        }
    }
}

/// The pod's security context.
fn pod_security_context(ctx: &mut Ctx, value: &Value) -> Option<TokenStream> {
    if matches!(value.kind, Kind::Expr) {
        return Some(value.expr());
    }
    let s = object(ctx, value, POD_SECURITY_KEYS, "a pod security context")?;
    let mut calls = Vec::new();
    if let Some(v) = s.get("run_as_non_root")
        && let Some(b) = boolean(ctx, v, "run_as_non_root")
    {
        calls.push(quote!(.run_as_non_root(#b)));
    }
    for key in ["run_as_user", "run_as_group", "fs_group"] {
        if let Some(v) = s.get(key)
            && let Some((n, _)) = integer(ctx, v, key, 0, i64::from(i32::MAX))
        {
            let method = format_ident!("{key}");
            calls.push(quote!(.#method(#n)));
        }
    }
    if let Some(v) = s.get("fs_group_change_policy")
        && let Some(t) =
            variant::<FsGroupChangePolicy>(ctx, v, "fsGroup change policy", "FsGroupChangePolicy")
    {
        calls.push(quote!(.fs_group_change_policy(#t)));
    }
    if let Some(v) = s.get("supplemental_groups") {
        for item in items(ctx, v, "group IDs") {
            if let Some((n, _)) = integer(ctx, item, "supplemental group", 0, i64::from(i32::MAX)) {
                calls.push(quote!(.supplemental_group(#n)));
            }
        }
    }
    profiles(ctx, &s, &mut calls);
    if let Some(v) = s.get("sysctls") {
        for (k, x) in string_map(ctx, v, "sysctl", non_empty, None) {
            calls.push(quote!(.sysctl(#k, #x)));
        }
    }
    Some(quote!(::daemonset::build::PodSecurityContext::builder() #(#calls)* .build()))
}

fn security_context(ctx: &mut Ctx, value: &Value) -> Option<TokenStream> {
    if matches!(value.kind, Kind::Expr) {
        return Some(value.expr());
    }
    let s = object(ctx, value, SECURITY_KEYS, "a security context")?;
    let mut calls = Vec::new();
    for key in [
        "privileged",
        "allow_privilege_escalation",
        "read_only_root_filesystem",
        "run_as_non_root",
    ] {
        if let Some(v) = s.get(key)
            && let Some(b) = boolean(ctx, v, key)
        {
            let method = format_ident!("{key}");
            calls.push(quote!(.#method(#b)));
        }
    }
    for key in ["run_as_user", "run_as_group"] {
        if let Some(v) = s.get(key)
            && let Some((n, _)) = integer(ctx, v, key, 0, i64::from(i32::MAX))
        {
            let method = format_ident!("{key}");
            calls.push(quote!(.#method(#n)));
        }
    }
    if let Some(v) = s.get("capabilities")
        && let Some(caps) = object(ctx, v, CAPABILITY_KEYS, "capabilities")
    {
        for (key, method) in [("add", "add_capability"), ("drop", "drop_capability")] {
            if let Some(v) = caps.get(key) {
                let method = format_ident!("{method}");
                for item in items(ctx, v, "capabilities") {
                    if let Some(c) = string(ctx, item, "capability", Some(non_empty)) {
                        calls.push(quote!(.#method(#c)));
                    }
                }
            }
        }
    }
    profiles(ctx, &s, &mut calls);
    Some(quote!(::daemonset::build::SecurityContext::builder() #(#calls)* .build()))
}

fn toleration(ctx: &mut Ctx, value: &Value) -> Option<TokenStream> {
    if matches!(value.kind, Kind::Expr) {
        return Some(value.expr());
    }
    let t = object(ctx, value, TOLERATION_KEYS, "a toleration")?;
    let mut ok = true;
    let operator = match t.get("operator") {
        Some(v) => match variant_name(v) {
            Some(name) => match TolerationOperator::parse(&name) {
                Ok(op) => Some(op),
                Err(_) => {
                    unknown(
                        ctx,
                        &v.tokens,
                        "toleration operator",
                        &name,
                        TolerationOperator::NAMES,
                    );
                    ok = false;
                    None
                }
            },
            None => {
                ctx.error(&v.tokens, "expected the operator `Exists` or `Equal`");
                ok = false;
                None
            }
        },
        None => None,
    };
    let operator_known = ok;
    // What the shared rule sees: a literal's text, "" for a field not written, `None` for a Rust expression.
    let key_entry = t.entry("key");
    let key_text = match key_entry {
        Some(entry) => entry.value.lit_str().map(|s| s.value()),
        None => Some(String::new()),
    };
    let key = match key_entry {
        Some(entry) => {
            let k = string(ctx, &entry.value, "toleration key", None);
            match entry.value.lit_str() {
                Some(s) if s.value().is_empty() => None,
                Some(s) => {
                    ok &= rule(ctx, s, "toleration key", &s.value(), name::qualified_name);
                    k
                }
                None => k,
            }
        }
        None => None,
    };
    let value_entry = t.entry("value");
    let value_text = match value_entry {
        Some(entry) => entry.value.lit_str().map(|s| s.value()),
        None => Some(String::new()),
    };
    let value_tokens = value_entry.and_then(|e| string(ctx, &e.value, "toleration value", None));
    ok &= value_entry.is_none() || value_tokens.is_some();
    let effect = t.get("effect");
    let effect_tokens = effect.and_then(|e| variant::<Effect>(ctx, e, "taint effect", "Effect"));
    ok &= effect.is_none() || effect_tokens.is_some();
    let effect_text = match effect {
        Some(e) => variant_name(e).filter(|n| Effect::parse(n).is_ok()),
        None => Some(String::new()),
    };
    let seconds_entry = t.entry("toleration_seconds");
    let findings = check::toleration(TolerationFields {
        key: key_text.as_deref(),
        operator: operator_known.then(|| operator.map_or("", TolerationOperator::as_str)),
        value: value_text.as_deref(),
        effect: effect_text.as_deref(),
        seconds: seconds_entry.is_some(),
    });
    for f in &findings {
        // Each finding at the token its field was written with, or at what asks for it.
        let at = match f.at {
            "effect" => effect
                .map(|e| e.tokens.clone())
                .or_else(|| seconds_entry.map(|e| e.key.tokens.clone())),
            "value" => value_entry.map(|e| e.value.tokens.clone()),
            "key" => key_entry.map(|e| e.value.tokens.clone()),
            _ => t.entry("operator").map(|e| e.value.tokens.clone()),
        };
        match at {
            Some(at) => finding(ctx, at, f),
            None => ctx.error_at(t.span, format!("{}: {}", f.field, f.message())),
        }
        ok = false;
    }
    let seconds = match seconds_entry {
        Some(entry) => {
            if effect.is_some() && effect_text.is_none() {
                ctx.error(
                    &entry.key.tokens,
                    "`toleration_seconds` needs a literal `effect: NoExecute`",
                );
                ok = false;
            }
            integer(
                ctx,
                &entry.value,
                "tolerationSeconds",
                0,
                i64::from(u32::MAX),
            )
            .map(|(t, _)| t)
        }
        None => None,
    };
    if !ok {
        return None;
    }
    let exists = operator == Some(TolerationOperator::Exists);
    let mut out = match (exists, &key, &value_tokens) {
        (true, Some(k), _) => quote!(::daemonset::build::Toleration::exists(#k)),
        (_, None, _) => quote!(::daemonset::build::Toleration::everything()),
        (false, Some(k), Some(v)) if operator.is_none() => {
            quote!(::daemonset::build::Toleration::key_value(#k, #v))
        }
        (false, Some(k), Some(v)) => quote!(::daemonset::build::Toleration::equal(#k, #v)),
        (false, Some(k), None) => quote!(::daemonset::build::Toleration::key(#k)),
    };
    match (seconds, effect_tokens) {
        (Some(s), _) => out = quote!(#out.evict_after(#s)),
        (None, Some(e)) => out = quote!(#out.effect(#e)),
        (None, None) => {}
    }
    Some(out)
}

fn node_affinity(ctx: &mut Ctx, value: &Value) -> Option<TokenStream> {
    if matches!(value.kind, Kind::Expr) {
        return Some(value.expr());
    }
    let a = object(ctx, value, AFFINITY_KEYS, "node affinity")?;
    let mut t = quote!(::daemonset::build::NodeAffinity::new());
    if let Some(v) = a.get("required") {
        for term in items(ctx, v, "node selector terms") {
            if let Some(term) = node_term(ctx, term) {
                t = quote!(#t.require(#term));
            }
        }
    }
    if let Some(v) = a.get("preferred") {
        for item in items(ctx, v, "preferred terms") {
            let Some(p) = object(ctx, item, PREFERRED_KEYS, "a preferred term") else {
                continue;
            };
            let weight = match p.get("weight") {
                Some(w) => match &w.kind {
                    Kind::Lit(Lit::Int(i)) => {
                        let n = i.base10_parse::<i64>().unwrap_or(i64::MAX);
                        match check::weight(n) {
                            None => {
                                let n = n as i32;
                                Some(
                                    quote_spanned!(i.span()=> ::daemonset::build::Weight::of::<#n>()),
                                )
                            }
                            Some(f) => {
                                finding(ctx, i, &f);
                                None
                            }
                        }
                    }
                    _ => integer(ctx, w, "weight", 1, 100).map(|(t, _)| t),
                },
                None => {
                    ctx.error_at(
                        p.span,
                        "missing required key `weight` (1-100) in this preferred term",
                    );
                    None
                }
            };
            let term = match p.get("preference") {
                Some(term) => node_term(ctx, term),
                None => {
                    ctx.error_at(
                        p.span,
                        "missing required key `preference` in this preferred term",
                    );
                    None
                }
            };
            if let (Some(w), Some(term)) = (weight, term) {
                t = quote!(#t.prefer(#w, #term));
            }
        }
    }
    Some(t)
}

fn node_term(ctx: &mut Ctx, value: &Value) -> Option<TokenStream> {
    if matches!(value.kind, Kind::Expr) {
        return Some(value.expr());
    }
    let term = object(ctx, value, TERM_KEYS, "a node selector term")?;
    let (exprs, node) = (term.get("match_expressions"), term.get("node_name"));
    let options = [
        ("match_expressions", exprs.is_some()),
        ("node_name", node.is_some()),
    ];
    if let Err(message) = exactly_one("a node selector term", &options) {
        // Two: at the second; none: at the term.
        match node.filter(|_| exprs.is_some()) {
            Some(n) => ctx.error(&n.tokens, message),
            None => ctx.error_at(term.span, message),
        }
        return None;
    }
    match (exprs, node) {
        (None, Some(n)) => {
            let n = string(ctx, n, "node name", Some(name::dns1123_subdomain))?;
            Some(quote!(::daemonset::build::Term::node_name(#n)))
        }
        (exprs, _) => {
            let reqs: Vec<TokenStream> = items(ctx, exprs?, "requirements")
                .iter()
                .filter_map(|r| requirement(ctx, r))
                .collect();
            Some(quote!(::daemonset::build::Term::all([#(#reqs),*])))
        }
    }
}

fn requirement(ctx: &mut Ctx, value: &Value) -> Option<TokenStream> {
    if matches!(value.kind, Kind::Expr) {
        return Some(value.expr());
    }
    let r = object(ctx, value, REQUIREMENT_KEYS, "a node selector requirement")?;
    let key = match r.get("key") {
        Some(k) => string(ctx, k, "label key", Some(name::qualified_name)),
        None => {
            ctx.error_at(r.span, "missing required key `key` in this requirement");
            None
        }
    };
    let operators = NodeSelectorOperator::NAMES;
    let Some(op_value) = r.get("operator") else {
        ctx.error_at(
            r.span,
            format!(
                "missing required key `operator` ({}) in this requirement",
                list(operators)
            ),
        );
        return None;
    };
    let Some(op) = variant_name(op_value) else {
        ctx.error(
            &op_value.tokens,
            format!("expected an operator: {}", list(operators)),
        );
        return None;
    };
    let Ok(operator) = NodeSelectorOperator::parse(&op) else {
        unknown(
            ctx,
            &op_value.tokens,
            "node selector operator",
            &op,
            operators,
        );
        return None;
    };
    let values = r.get("values");
    let value_items: Option<&[Value]> = values.and_then(|v| match &v.kind {
        Kind::List(items) => Some(&items[..]),
        _ => None,
    });
    // The shared rule on the number of values, when they are written as a list (or not at all).
    let count_known = match (values, value_items) {
        (None, _) => Some(Vec::new()),
        (Some(_), Some(items)) => Some(items.iter().map(|i| i.compact_text()).collect::<Vec<_>>()),
        (Some(_), None) => None,
    };
    if let Some(texts) = &count_known {
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        if let Some(f) = check::requirement_values(operator, &texts) {
            let at = values.map_or_else(|| op_value.tokens.clone(), |v| v.tokens.clone());
            finding(ctx, at, &f);
            return None;
        }
    }
    match op.as_str() {
        "In" | "NotIn" => {
            let func = format_ident!("{}", if op == "In" { "is_in" } else { "not_in" });
            let func_values =
                format_ident!("{}_values", if op == "In" { "is_in" } else { "not_in" });
            match (values, value_items) {
                // Reported by the shared rule above.
                (None, _) => None,
                (Some(v), None) => {
                    let expr = v.expr();
                    let key = key?;
                    Some(quote!(::daemonset::build::Requirement::#func_values(#key, #expr)))
                }
                (Some(_), Some(list)) => {
                    let mut all_literal = true;
                    let mut checked = Vec::new();
                    for item in list {
                        if item.lit_str().is_none() {
                            all_literal = false;
                        }
                        checked.push(string(ctx, item, "label value", Some(name::label_value)));
                    }
                    let checked: Option<Vec<TokenStream>> = checked.into_iter().collect();
                    let (key, checked) = (key?, checked?);
                    if all_literal {
                        Some(quote!(::daemonset::build::Requirement::#func(#key, [#(#checked),*])))
                    } else {
                        Some(
                            quote!(::daemonset::build::Requirement::#func_values(#key, [#(::std::string::String::from(#checked)),*])),
                        )
                    }
                }
            }
        }
        "Exists" | "DoesNotExist" => {
            if let Some(v) = values {
                ctx.error(&v.tokens, format!("operator `{op}` takes no `values`"));
                return None;
            }
            let func = format_ident!(
                "{}",
                if op == "Exists" {
                    "exists"
                } else {
                    "does_not_exist"
                }
            );
            let key = key?;
            Some(quote!(::daemonset::build::Requirement::#func(#key)))
        }
        _ => {
            let func = format_ident!(
                "{}",
                if op == "Gt" {
                    "greater_than"
                } else {
                    "less_than"
                }
            );
            let single = match (values, value_items) {
                (Some(_), Some([one])) => one,
                (Some(v), _) => {
                    ctx.error(
                        &v.tokens,
                        format!("operator `{op}` needs exactly one integer value: `values: [16]`"),
                    );
                    return None;
                }
                (None, _) => {
                    ctx.error(
                        &op_value.tokens,
                        format!("operator `{op}` needs exactly one integer value: `values: [16]`"),
                    );
                    return None;
                }
            };
            let number = match &single.kind {
                Kind::Lit(Lit::Int(i)) => i
                    .base10_parse::<u64>()
                    .ok()
                    .map(|n| quote_spanned!(i.span()=> #n)),
                Kind::Lit(Lit::Str(s)) => s
                    .value()
                    .parse::<u64>()
                    .ok()
                    .map(|n| quote_spanned!(s.span()=> #n)),
                Kind::Lit(_) | Kind::Map(_) | Kind::List(_) => None,
                _ => Some(single.expr()),
            };
            let Some(number) = number else {
                ctx.error(
                    &single.tokens,
                    format!(
                        "operator `{op}` needs an integer value, found {}",
                        single.compact_text()
                    ),
                );
                return None;
            };
            let key = key?;
            Some(quote!(::daemonset::build::Requirement::#func(#key, #number)))
        }
    }
}

/// A port of a container, remembered for the hostPort/maxSurge check (`check::PortUse` with an owned name).
struct PortUse {
    container: String,
    container_port: Option<i64>,
    host_port: Option<i64>,
    has_host_port: bool,
}

/// A budget of a rolling update: a count or a percentage.
struct Budget {
    tokens: TokenStream,
    /// The value when literal.
    literal: Option<BudgetValue>,
    at: TokenStream,
}

fn budget(ctx: &mut Ctx, value: &Value, what: &str) -> Option<Budget> {
    let at = value.tokens.clone();
    // The shared parse (`daemonset_rules::model::Budget`), the one spec files use.
    let parsed = match &value.kind {
        Kind::Lit(Lit::Int(i)) => i
            .base10_parse::<i64>()
            .map_err(|e| e.to_string())
            .and_then(BudgetValue::count)
            .map_err(|m| (i.to_string(), m)),
        Kind::Lit(Lit::Str(s)) => {
            BudgetValue::parse(&s.value()).map_err(|m| (format!("{:?}", s.value()), m))
        }
        Kind::Lit(_) | Kind::Map(_) | Kind::List(_) => {
            ctx.error(
                &value.tokens,
                format!(
                    "expected {what}: a count (`1`), a percentage (`\"10%\"`) or a Rust expression"
                ),
            );
            return None;
        }
        _ => {
            return Some(Budget {
                tokens: value.expr(),
                literal: None,
                at,
            });
        }
    };
    match parsed {
        Ok(b) => {
            let tokens = match b {
                BudgetValue::Count(n) => quote!(::daemonset::build::Budget::Count(#n)),
                BudgetValue::Percent(p) => quote!(::daemonset::build::Budget::Percent(#p)),
            };
            Some(Budget {
                tokens,
                literal: Some(b),
                at,
            })
        }
        Err((text, message)) => {
            ctx.error(&value.tokens, format!("invalid {what} {text}: {message}"));
            None
        }
    }
}

fn update_strategy(
    ctx: &mut Ctx,
    value: &Value,
    host_network: bool,
    host_ports: &[PortUse],
) -> Option<TokenStream> {
    let usage = "expected `OnDelete` or `RollingUpdate { max_unavailable: 1 }` / `RollingUpdate { max_surge: 1 }`";
    match &value.kind {
        Kind::Ident(i) if i == "OnDelete" => {
            Some(quote!(::daemonset::build::UpdateStrategy::OnDelete))
        }
        Kind::Ident(i) if i == "RollingUpdate" => {
            ctx.error(i, "`RollingUpdate` needs its budget: `RollingUpdate { max_unavailable: 1 }` or `RollingUpdate { max_surge: 1 }`");
            None
        }
        Kind::Ident(i) => {
            unknown(
                ctx,
                i,
                "update strategy",
                &i.to_string(),
                &["OnDelete", "RollingUpdate"],
            );
            None
        }
        Kind::Struct(name, map) if name == "RollingUpdate" => {
            let obj = Obj::new(ctx, map, ROLLING_KEYS, "a rolling update");
            let unavailable = obj
                .get("max_unavailable")
                .map(|v| budget(ctx, v, "maxUnavailable"));
            let surge = obj.get("max_surge").map(|v| budget(ctx, v, "maxSurge"));
            let (unavailable, surge) = match (unavailable, surge) {
                (Some(None), _) | (_, Some(None)) => return None,
                (u, s) => (u.flatten(), s.flatten()),
            };
            if unavailable.is_none() && surge.is_none() {
                ctx.error(
                    name,
                    "`RollingUpdate` needs `max_unavailable` or `max_surge`",
                );
                return None;
            }
            // The shared rule on the literal values (a budget not written is 0 in the builder's vocabulary).
            let value = |b: &Option<Budget>| match b {
                None => Some(0),
                Some(b) => b.literal.map(BudgetValue::value),
            };
            if let (Some(u), Some(s)) = (value(&unavailable), value(&surge))
                && let Some(f) = check::rolling_budgets(u, s)
            {
                let at = match (f.field, &unavailable, &surge) {
                    ("maxUnavailable", Some(u), _) => &u.at,
                    (_, _, Some(s)) => &s.at,
                    (_, Some(u), None) => &u.at,
                    (_, None, None) => unreachable!("one budget is written"),
                };
                finding(ctx, at, &f);
                return None;
            }
            let chosen = match (&unavailable, &surge) {
                (Some(u), None) => ("max_unavailable", u),
                (None, Some(s)) => ("max_surge", s),
                (Some(u), Some(s)) => match (value(&unavailable), value(&surge)) {
                    (Some(0), _) => ("max_surge", s),
                    (_, Some(0)) => ("max_unavailable", u),
                    _ => {
                        ctx.error(&s.at, "give only the non-zero budget (with both, they must be literals so one can be seen to be 0)");
                        return None;
                    }
                },
                (None, None) => return None,
            };
            let ports: Vec<check::PortUse<'_>> = host_ports
                .iter()
                .map(|p| check::PortUse {
                    container: &p.container,
                    container_port: p.container_port,
                    host_port: p.host_port,
                    has_host_port: p.has_host_port,
                })
                .collect();
            if chosen.0 == "max_surge"
                && chosen.1.literal.is_some_and(|b| !b.is_zero())
                && let Some(f) = check::surge_with_host_port(host_network, &ports)
            {
                finding(ctx, &chosen.1.at, &f);
                return None;
            }
            let func = format_ident!("{}", chosen.0);
            let b = &chosen.1.tokens;
            Some(quote!(::daemonset::build::UpdateStrategy::#func(#b)))
        }
        Kind::Expr | Kind::Call(..) => Some(value.expr()),
        _ => {
            ctx.error(&value.tokens, usage);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_spellings_find_their_dsl_keys() {
        assert_eq!(snake_case("nodeSelector"), "node_selector");
        assert_eq!(
            snake_case("terminationGracePeriodSeconds"),
            "termination_grace_period_seconds"
        );
        assert_eq!(
            suggestion("containerPort", PORT_KEYS),
            Some("container_port")
        );
        assert_eq!(
            suggestion("imagePullPolicy", CONTAINER_KEYS),
            Some("image_pull_policy")
        );
        assert_eq!(suggestion("tolerations", TOP_KEYS), Some("tolerations"));
        assert_eq!(suggestion("frobnicate", TOP_KEYS), None);
    }

    #[test]
    fn a_node_selector_term_takes_exactly_one_form() {
        let source = |term: &str| {
            format!(
                "name: \"a\", selector: {{ \"app\": \"a\" }}, containers: [{{ name: \"a\", image: \"a\" }}],\n\
                 node_affinity: {{ required: [{term}] }}"
            )
        };
        let both = crate::check_source(&source("{ match_expressions: [], node_name: \"n\" }"))
            .unwrap_err();
        assert_eq!(
            both,
            [(
                2,
                "a node selector term needs exactly one of `match_expressions`, `node_name`; \
                 `match_expressions` and `node_name` are given"
                    .to_owned()
            )]
        );
        let none = crate::check_source(&source("{}")).unwrap_err();
        assert_eq!(
            none[0].1,
            "a node selector term needs exactly one of `match_expressions`, `node_name`; none is given"
        );
        assert!(crate::check_source(&source("{ node_name: \"n\" }")).is_ok());
    }

    #[test]
    fn byte_units_get_a_hint() {
        assert_eq!(
            quantity_hint("64MB"),
            "; did you mean \"64Mi\" (mebibytes) or \"64M\" (megabytes)?"
        );
        assert_eq!(
            quantity_hint("1.5GB"),
            "; did you mean \"1.5Gi\" (gibibytes) or \"1.5G\" (gigabytes)?"
        );
        assert_eq!(quantity_hint("250 m"), "");
        assert_eq!(quantity_hint("MB"), "");
    }
}
