//! A compiled DaemonSet bound to an inventory's interned labels and taint sets: the per-node check compares integer
//! ids and reads a per-taint-set verdict, with no allocation; reasons are collected only for nodes that fail.

use super::affinity::{ExpressionFailure, Failing, LabelOp, TermFailure};
use super::evaluate::{Compiled, Placement, taints};
use super::index::LabelIndex;
use super::inventory::Inventory;
use super::reason::Reason;
use super::taints::{NO_EXECUTE, NO_SCHEDULE};

/// A label expression on ids.
#[derive(Debug, Clone)]
enum IdOp {
    In(Vec<u32>),
    NotIn(Vec<u32>),
    Exists,
    DoesNotExist,
    Gt(i64),
    Lt(i64),
    Invalid,
}

#[derive(Debug, Clone)]
struct IdExpr {
    /// `None`: no node has the key.
    key: Option<u32>,
    op: IdOp,
}

#[derive(Debug, Clone)]
struct IdTerm {
    labels: Vec<IdExpr>,
    invalid: Option<Failing>,
}

/// What a DaemonSet's tolerations make of one taint set.
#[derive(Debug, Clone, Default)]
struct TaintVerdict {
    fits: bool,
    keeps: bool,
    /// Positions (in the node's taint list) of the untolerated NoSchedule/NoExecute taints.
    untolerated: Vec<u16>,
}

/// A DaemonSet compiled against an inventory.
#[derive(Debug)]
pub(crate) struct Indexed<'c, 'a> {
    pub compiled: &'c Compiled<'a>,
    inventory: &'c Inventory<'a>,
    /// `Some(None)`: pinned to a node the inventory does not have.
    pinned: Option<Option<usize>>,
    selector: Vec<(Option<u32>, Option<u32>)>,
    selector_impossible: bool,
    terms: Option<Vec<IdTerm>>,
    taint_verdicts: Vec<TaintVerdict>,
}

fn ids(index: &LabelIndex<'_>, values: &[String]) -> Vec<u32> {
    values
        .iter()
        .filter_map(|v| index.values.get(v.as_str()).copied())
        .collect()
}

impl<'c, 'a> Indexed<'c, 'a> {
    pub(crate) fn new(compiled: &'c Compiled<'a>, inventory: &'c Inventory<'a>) -> Indexed<'c, 'a> {
        let index = &inventory.labels;
        let selector: Vec<_> = compiled
            .affinity
            .selector
            .iter()
            .map(|(k, v)| (index.keys.get(k).copied(), index.values.get(v).copied()))
            .collect();
        let selector_impossible = selector.iter().any(|(k, v)| k.is_none() || v.is_none());
        let terms = compiled.affinity.terms.as_ref().map(|terms| {
            terms
                .iter()
                .map(|t| IdTerm {
                    labels: t
                        .labels
                        .iter()
                        .map(|e| IdExpr {
                            key: index.keys.get(e.source.key.as_str()).copied(),
                            op: match (e.op, e.invalid.is_some()) {
                                (_, true) | (None, _) => IdOp::Invalid,
                                (Some(LabelOp::In), _) => IdOp::In(ids(
                                    index,
                                    e.source.values.as_deref().unwrap_or_default(),
                                )),
                                (Some(LabelOp::NotIn), _) => IdOp::NotIn(ids(
                                    index,
                                    e.source.values.as_deref().unwrap_or_default(),
                                )),
                                (Some(LabelOp::Exists), _) => IdOp::Exists,
                                (Some(LabelOp::DoesNotExist), _) => IdOp::DoesNotExist,
                                (Some(LabelOp::Gt(n)), _) => IdOp::Gt(n),
                                (Some(LabelOp::Lt(n)), _) => IdOp::Lt(n),
                            },
                        })
                        .collect(),
                    invalid: t.invalid.then(|| {
                        t.labels
                            .iter()
                            .position(|e| e.invalid.is_some())
                            .map(Failing::Label)
                            .or_else(|| {
                                t.fields
                                    .iter()
                                    .position(|e| e.invalid.is_some())
                                    .map(Failing::Field)
                            })
                            .unwrap_or(Failing::Label(0))
                    }),
                })
                .collect()
        });
        let taint_verdicts = index
            .taint_sets
            .iter()
            .map(|set| {
                let mut verdict = TaintVerdict {
                    fits: true,
                    keeps: true,
                    untolerated: Vec::new(),
                };
                for (pos, taint) in set.iter().enumerate() {
                    let no_execute = taint.effect == NO_EXECUTE;
                    if (no_execute || taint.effect == NO_SCHEDULE)
                        && !compiled.tolerations.tolerate(taint)
                    {
                        verdict.fits = false;
                        verdict.keeps &= !no_execute;
                        verdict
                            .untolerated
                            .push(u16::try_from(pos).unwrap_or(u16::MAX));
                    }
                }
                verdict
            })
            .collect();
        Indexed {
            compiled,
            inventory,
            pinned: compiled
                .node_name
                .map(|name| inventory.index.get(name).copied()),
            selector,
            selector_impossible,
            terms,
            taint_verdicts,
        }
    }

    #[inline]
    fn expr_matches(&self, node: usize, e: &IdExpr) -> bool {
        let index = &self.inventory.labels;
        let actual = e.key.and_then(|k| index.label(node, k));
        match &e.op {
            IdOp::In(values) => actual.is_some_and(|a| values.contains(&a)),
            IdOp::NotIn(values) => actual.is_none_or(|a| !values.contains(&a)),
            IdOp::Exists => actual.is_some(),
            IdOp::DoesNotExist => actual.is_none(),
            IdOp::Gt(n) => actual
                .and_then(|a| index.value_int[a as usize])
                .is_some_and(|v| v > *n),
            IdOp::Lt(n) => actual
                .and_then(|a| index.value_int[a as usize])
                .is_some_and(|v| v < *n),
            IdOp::Invalid => false,
        }
    }

    /// The first failing expression of term `t` on node `node`.
    #[inline]
    fn term_failure(&self, node: usize, t: usize, term: &IdTerm) -> Option<Failing> {
        if let Some(failing) = term.invalid {
            return Some(failing);
        }
        if let Some(i) = term.labels.iter().position(|e| !self.expr_matches(node, e)) {
            return Some(Failing::Label(i));
        }
        let n = &self.inventory.nodes[node];
        // Kubernetes skips field expressions for a node without a name (its field set is empty).
        if n.metadata
            .name
            .as_deref()
            .is_some_and(|name| !name.is_empty())
        {
            let source = &self.compiled.affinity.terms.as_ref()?[t];
            if let Some(i) = source.fields.iter().position(|e| !e.matches(n)) {
                return Some(Failing::Field(i));
            }
        }
        None
    }

    #[inline]
    fn selector_ok(&self, node: usize) -> bool {
        !self.selector_impossible
            && self
                .selector
                .iter()
                .all(|&(k, v)| k.and_then(|k| self.inventory.labels.label(node, k)) == v)
    }

    /// `NodeShouldRunDaemonPod` for node `node`, without allocation.
    #[inline]
    pub(crate) fn placement(&self, node: usize) -> Placement {
        if self.pinned.is_some_and(|p| p != Some(node)) {
            return Placement::default();
        }
        if !self.selector_ok(node) {
            return Placement::default();
        }
        if let Some(terms) = &self.terms
            && !terms
                .iter()
                .enumerate()
                .any(|(t, term)| self.term_failure(node, t, term).is_none())
        {
            return Placement::default();
        }
        let verdict = &self.taint_verdicts[self.inventory.labels.node_taint_set[node] as usize];
        Placement {
            should_run: verdict.fits,
            should_continue_running: verdict.keeps,
        }
    }

    /// Every reason the controller would not place the pod on node `node` (nothing when it would).
    pub(crate) fn reasons(&self, node: usize, out: &mut Vec<Reason<'a>>) {
        let n: &'a super::Node = &self.inventory.nodes[node];
        let index = &self.inventory.labels;
        if let (Some(pinned), Some(target)) = (self.compiled.node_name, self.pinned)
            && target != Some(node)
        {
            out.push(Reason::NodeNamePinnedElsewhere { pinned });
        }
        for (&(key, wanted), &(k, v)) in self.compiled.affinity.selector.iter().zip(&self.selector)
        {
            let actual = k.and_then(|k| index.label(node, k));
            if v.is_none() || actual != v {
                out.push(Reason::NodeSelectorMismatch {
                    key,
                    wanted,
                    actual: actual.map(|a| index.value_text[a as usize]),
                });
            }
        }
        if let (Some(terms), Some(sources)) = (&self.terms, &self.compiled.affinity.terms) {
            let mut failures = Vec::with_capacity(terms.len());
            for (t, (term, source)) in terms.iter().zip(sources).enumerate() {
                let Some(failing) = self.term_failure(node, t, term) else {
                    failures.clear();
                    break;
                };
                let expression = match failing {
                    Failing::Label(i) => {
                        let e = &source.labels[i];
                        ExpressionFailure {
                            field: "matchExpressions",
                            index: i,
                            requirement: e.source,
                            actual: term.labels[i]
                                .key
                                .and_then(|k| index.label(node, k))
                                .map(|a| index.value_text[a as usize]),
                            invalid: e.invalid.is_some(),
                        }
                    }
                    Failing::Field(i) => {
                        let e = &source.fields[i];
                        ExpressionFailure {
                            field: "matchFields",
                            index: i,
                            requirement: e.source,
                            actual: e.actual(n),
                            invalid: e.invalid.is_some(),
                        }
                    }
                };
                failures.push(TermFailure {
                    term: source.index,
                    expression,
                });
            }
            if failures.len() == terms.len() {
                out.push(Reason::AffinityTermsNotMatched { terms: failures });
            }
        }
        let verdict = &self.taint_verdicts[index.node_taint_set[node] as usize];
        let node_taints = taints(n);
        for &pos in &verdict.untolerated {
            out.push(Reason::UntoleratedTaint {
                taint: &node_taints[usize::from(pos)],
            });
        }
    }
}
