//! The inventory's labels and taints, interned once so that planning a DaemonSet compares integers instead of
//! strings: label keys and values become ids, each node's labels a sorted slice of `(key, value)` ids, and nodes
//! with the same taints share a taint set (a DaemonSet's tolerations are tried once per distinct set, not per node).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use k8s_openapi::api::core::v1::{Node, Taint};

use super::affinity::parse_int64;
use super::evaluate::{labels, taints};

/// The Fx hash (rustc's): fast for short keys, not DoS-resistant, which does not matter for an inventory.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Interned labels and taint sets of every node.
#[derive(Debug, Clone, Default)]
pub(crate) struct LabelIndex<'a> {
    pub keys: FxMap<&'a str, u32>,
    pub values: FxMap<&'a str, u32>,
    pub value_text: Vec<&'a str>,
    /// Each value parsed as Go's `ParseInt(v, 10, 64)`, for `Gt`/`Lt`.
    pub value_int: Vec<Option<i64>>,
    /// Every node's `(key, value)` ids, sorted by key, one after the other.
    pairs: Vec<(u32, u32)>,
    /// Node `i`'s pairs are `pairs[ranges[i]..ranges[i + 1]]`.
    ranges: Vec<u32>,
    /// The distinct taint lists (a representative node's taints).
    pub taint_sets: Vec<&'a [Taint]>,
    /// Node `i`'s taint set.
    pub node_taint_set: Vec<u32>,
}

impl<'a> LabelIndex<'a> {
    pub(crate) fn new(nodes: &'a [Node]) -> LabelIndex<'a> {
        let mut index = LabelIndex {
            ranges: Vec::with_capacity(nodes.len() + 1),
            values: FxMap::with_capacity_and_hasher(nodes.len() * 2, BuildHasherDefault::default()),
            pairs: Vec::with_capacity(nodes.len() * 12),
            node_taint_set: Vec::with_capacity(nodes.len()),
            ..LabelIndex::default()
        };
        index.ranges.push(0);
        let mut sets: FxMap<Vec<(&'a str, &'a str, &'a str)>, u32> = FxMap::default();
        let mut signature = Vec::new();
        for node in nodes {
            let start = index.pairs.len();
            for (k, v) in labels(node) {
                let next = u32::try_from(index.keys.len()).unwrap_or(u32::MAX);
                let key = *index.keys.entry(k.as_str()).or_insert(next);
                let value = index.value(v.as_str());
                index.pairs.push((key, value));
            }
            index.pairs[start..].sort_unstable();
            index
                .ranges
                .push(u32::try_from(index.pairs.len()).unwrap_or(u32::MAX));

            let node_taints = taints(node);
            signature.clear();
            signature.extend(node_taints.iter().map(|t| {
                (
                    t.key.as_str(),
                    t.value.as_deref().unwrap_or(""),
                    t.effect.as_str(),
                )
            }));
            let set = match sets.get(&signature) {
                Some(&set) => set,
                None => {
                    let set = u32::try_from(index.taint_sets.len()).unwrap_or(u32::MAX);
                    index.taint_sets.push(node_taints);
                    sets.insert(signature.clone(), set);
                    set
                }
            };
            index.node_taint_set.push(set);
        }
        index
    }

    fn value(&mut self, text: &'a str) -> u32 {
        let next = u32::try_from(self.value_text.len()).unwrap_or(u32::MAX);
        let id = *self.values.entry(text).or_insert(next);
        if id == next {
            self.value_text.push(text);
            self.value_int.push(parse_int64(text));
        }
        id
    }

    /// Node `node`'s value id for label key `key`.
    #[inline]
    pub(crate) fn label(&self, node: usize, key: u32) -> Option<u32> {
        let pairs = &self.pairs[self.ranges[node] as usize..self.ranges[node + 1] as usize];
        pairs
            .binary_search_by_key(&key, |&(k, _)| k)
            .ok()
            .map(|i| pairs[i].1)
    }
}
