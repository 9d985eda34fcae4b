//! The pod's required node affinity: `nodeSelector` (every pair must be a node label) and
//! `requiredDuringSchedulingIgnoredDuringExecution` (terms ORed, expressions within a term ANDed), as
//! `nodeaffinity.GetRequiredNodeAffinity(pod).Match(node)` decides it. Preferred terms are ignored.

use std::collections::BTreeMap;
use std::fmt;

use k8s_openapi::api::core::v1::{Node, NodeSelectorRequirement, NodeSelectorTerm, PodSpec};

use crate::rules::name;

/// The node field that `matchFields` can name (the only one Kubernetes extracts from a node).
pub(crate) const NODE_NAME_FIELD: &str = "metadata.name";

/// A label expression's operator, parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LabelOp {
    In,
    NotIn,
    Exists,
    DoesNotExist,
    Gt(i64),
    Lt(i64),
}

/// One `matchExpressions` entry, compiled. `invalid` holds why `labels.NewRequirement` rejects it: such an
/// expression makes its whole term match nothing.
#[derive(Debug, Clone)]
pub(crate) struct LabelExpr<'a> {
    pub source: &'a NodeSelectorRequirement,
    pub op: Option<LabelOp>,
    pub invalid: Option<String>,
}

/// One `matchFields` entry, compiled (`In`/`NotIn` with exactly one value).
#[derive(Debug, Clone)]
pub(crate) struct FieldExpr<'a> {
    pub source: &'a NodeSelectorRequirement,
    pub negated: bool,
    pub value: &'a str,
    pub invalid: Option<String>,
}

/// One non-empty node selector term.
#[derive(Debug, Clone)]
pub(crate) struct Term<'a> {
    /// Index in `nodeSelectorTerms`.
    pub index: usize,
    pub labels: Vec<LabelExpr<'a>>,
    pub fields: Vec<FieldExpr<'a>>,
    /// Some expression is invalid: the term matches no node.
    pub invalid: bool,
}

/// The required node affinity of a pod spec, compiled once per DaemonSet.
#[derive(Debug, Clone, Default)]
pub(crate) struct RequiredAffinity<'a> {
    /// `nodeSelector` pairs.
    pub selector: Vec<(&'a str, &'a str)>,
    /// `None` without required node affinity; `Some(terms)` keeps only the non-empty terms (an empty term selects
    /// nothing, and a selector with no usable term matches no node).
    pub terms: Option<Vec<Term<'a>>>,
    /// Number of terms written (empty ones included).
    pub written_terms: usize,
}

/// Why an expression does not match a node.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExpressionFailure<'a> {
    /// `matchExpressions` or `matchFields`.
    pub field: &'static str,
    /// Index of the expression in that list.
    pub index: usize,
    /// The expression.
    pub requirement: &'a NodeSelectorRequirement,
    /// The node's label value (or field value) for the key, `None` when the label is absent.
    pub actual: Option<&'a str>,
    /// The expression is invalid (Kubernetes then treats the whole term as matching nothing); see
    /// [`ExpressionFailure::invalid_reason`].
    pub invalid: bool,
}

impl ExpressionFailure<'_> {
    /// Why the expression is invalid, as `labels.NewRequirement` (or the field selector parser) says.
    pub fn invalid_reason(&self) -> Option<String> {
        if self.field == "matchFields" {
            field_expr(self.requirement).invalid
        } else {
            label_expr(self.requirement).invalid
        }
    }
}

impl fmt::Display for ExpressionFailure<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.requirement;
        write!(f, "{} {}", r.key, r.operator)?;
        if let Some(values) = r.values.as_deref().filter(|v| !v.is_empty()) {
            write!(f, " [{}]", values.join(", "))?;
        }
        if let Some(invalid) = self.invalid.then(|| self.invalid_reason()).flatten() {
            return write!(f, " is invalid ({invalid})");
        }
        let what = if self.field == "matchFields" {
            "field"
        } else {
            "label"
        };
        match self.actual {
            Some(actual) => write!(f, ": node {what} is {actual:?}"),
            None => write!(f, ": node has no such {what}"),
        }
    }
}

/// A required node affinity term that does not match, with its first failing expression.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TermFailure<'a> {
    /// Index of the term in `nodeSelectorTerms`.
    pub term: usize,
    /// The first expression of the term that fails.
    pub expression: ExpressionFailure<'a>,
}

impl fmt::Display for TermFailure<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "term {}: {}", self.term, self.expression)
    }
}

/// Go's `strconv.ParseInt(s, 10, 64)`.
pub(crate) fn parse_int64(text: &str) -> Option<i64> {
    // Rust accepts the same language: optional sign, ASCII digits, no spaces or underscores.
    text.parse::<i64>().ok()
}

fn label_expr(source: &NodeSelectorRequirement) -> LabelExpr<'_> {
    let values = source.values.as_deref().unwrap_or_default();
    let mut problems: Vec<String> = Vec::new();
    problems.extend(
        name::qualified_name(&source.key)
            .into_iter()
            .map(|m| format!("key: {m}")),
    );
    let op = match source.operator.as_str() {
        "In" | "NotIn" => {
            if values.is_empty() {
                problems.push("for 'in', 'notin' operators, values set can't be empty".into());
            }
            Some(if source.operator == "In" {
                LabelOp::In
            } else {
                LabelOp::NotIn
            })
        }
        "Exists" | "DoesNotExist" => {
            if !values.is_empty() {
                problems.push("values set must be empty for exists and does not exist".into());
            }
            Some(if source.operator == "Exists" {
                LabelOp::Exists
            } else {
                LabelOp::DoesNotExist
            })
        }
        "Gt" | "Lt" => {
            let number = match values {
                [one] => parse_int64(one),
                _ => {
                    problems.push("for 'Gt', 'Lt' operators, exactly one value is required".into());
                    None
                }
            };
            if values.len() == 1 && number.is_none() {
                problems.push("for 'Gt', 'Lt' operators, the value must be an integer".into());
            }
            let n = number.unwrap_or(0);
            Some(if source.operator == "Gt" {
                LabelOp::Gt(n)
            } else {
                LabelOp::Lt(n)
            })
        }
        other => {
            problems.push(format!(
                "unsupported operator {other:?}: supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\", \"Gt\", \"Lt\""
            ));
            None
        }
    };
    for value in values {
        problems.extend(
            name::label_value(value)
                .into_iter()
                .map(|m| format!("value {value:?}: {m}")),
        );
    }
    LabelExpr {
        source,
        op,
        invalid: (!problems.is_empty()).then(|| problems.join("; ")),
    }
}

fn field_expr(source: &NodeSelectorRequirement) -> FieldExpr<'_> {
    let values = source.values.as_deref().unwrap_or_default();
    let negated = source.operator == "NotIn";
    let invalid = match source.operator.as_str() {
        "In" | "NotIn" if values.len() == 1 => None,
        "In" | "NotIn" => Some("must have one element".to_owned()),
        other => Some(format!(
            "unsupported operator {other:?}: supported values: \"In\", \"NotIn\""
        )),
    };
    FieldExpr {
        source,
        negated,
        value: values.first().map_or("", String::as_str),
        invalid,
    }
}

fn term(index: usize, term: &NodeSelectorTerm) -> Term<'_> {
    let labels: Vec<_> = term
        .match_expressions
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(label_expr)
        .collect();
    let fields: Vec<_> = term
        .match_fields
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(field_expr)
        .collect();
    let invalid =
        labels.iter().any(|e| e.invalid.is_some()) || fields.iter().any(|e| e.invalid.is_some());
    Term {
        index,
        labels,
        fields,
        invalid,
    }
}

impl<'a> RequiredAffinity<'a> {
    pub(crate) fn new(spec: Option<&'a PodSpec>) -> RequiredAffinity<'a> {
        let selector = spec
            .and_then(|s| s.node_selector.as_ref())
            .map(|m| m.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect())
            .unwrap_or_default();
        let required = spec
            .and_then(|s| s.affinity.as_ref())
            .and_then(|a| a.node_affinity.as_ref())
            .and_then(|n| {
                n.required_during_scheduling_ignored_during_execution
                    .as_ref()
            });
        let terms = required.map(|r| {
            r.node_selector_terms
                .iter()
                .enumerate()
                .filter(|(_, t)| {
                    !(t.match_expressions.as_ref().is_none_or(Vec::is_empty)
                        && t.match_fields.as_ref().is_none_or(Vec::is_empty))
                })
                .map(|(i, t)| term(i, t))
                .collect()
        });
        RequiredAffinity {
            selector,
            terms,
            written_terms: required.map_or(0, |r| r.node_selector_terms.len()),
        }
    }
}

impl<'a> LabelExpr<'a> {
    /// Whether the expression matches the labels (`Requirement.Matches`); an invalid expression never does.
    #[inline]
    pub(crate) fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        if self.invalid.is_some() {
            return false;
        }
        let actual = labels.get(self.source.key.as_str());
        let values = || self.source.values.as_deref().unwrap_or_default();
        match self.op {
            Some(LabelOp::In) => actual.is_some_and(|a| values().iter().any(|v| v == a)),
            Some(LabelOp::NotIn) => actual.is_none_or(|a| !values().iter().any(|v| v == a)),
            Some(LabelOp::Exists) => actual.is_some(),
            Some(LabelOp::DoesNotExist) => actual.is_none(),
            Some(LabelOp::Gt(n)) => actual.and_then(|a| parse_int64(a)).is_some_and(|a| a > n),
            Some(LabelOp::Lt(n)) => actual.and_then(|a| parse_int64(a)).is_some_and(|a| a < n),
            None => false,
        }
    }
}

impl FieldExpr<'_> {
    /// The node's value of the field (`""` for anything but `metadata.name`, as `fields.Set.Get` returns).
    pub(crate) fn actual<'n>(&self, node: &'n Node) -> Option<&'n str> {
        (self.source.key == NODE_NAME_FIELD).then(|| node.metadata.name.as_deref().unwrap_or(""))
    }

    #[inline]
    pub(crate) fn matches(&self, node: &Node) -> bool {
        self.invalid.is_none() && ((self.actual(node).unwrap_or("") == self.value) != self.negated)
    }
}

/// Which expression of a term fails first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failing {
    Label(usize),
    Field(usize),
}

impl<'a> Term<'a> {
    /// The first failing expression, `None` when the term matches. An invalid term fails at its first invalid
    /// expression.
    #[inline]
    pub(crate) fn first_failure(
        &self,
        node: &Node,
        labels: &BTreeMap<String, String>,
    ) -> Option<Failing> {
        if self.invalid {
            return Some(
                self.labels
                    .iter()
                    .position(|e| e.invalid.is_some())
                    .map(Failing::Label)
                    .or_else(|| {
                        self.fields
                            .iter()
                            .position(|e| e.invalid.is_some())
                            .map(Failing::Field)
                    })
                    .unwrap_or(Failing::Label(0)),
            );
        }
        if let Some(i) = self.labels.iter().position(|e| !e.matches(labels)) {
            return Some(Failing::Label(i));
        }
        // Kubernetes skips field expressions for a node without a name (its field set is empty).
        if node.metadata.name.as_deref().is_some_and(|n| !n.is_empty())
            && let Some(i) = self.fields.iter().position(|e| !e.matches(node))
        {
            return Some(Failing::Field(i));
        }
        None
    }
}
