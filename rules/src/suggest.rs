//! "Did you mean" suggestions for misspelt keys and names.

/// The optimal-string-alignment distance (Levenshtein plus adjacent transpositions), on characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

/// The largest distance still taken for a typo of a word of `len` characters: 1 up to 5 characters, 2 up to 11,
/// then 3.
pub fn max_typo_distance(len: usize) -> usize {
    match len {
        0..=5 => 1,
        6..=11 => 2,
        _ => 3,
    }
}

/// The candidate closest to `word` by edit distance, when it is close enough to be a plausible typo.
///
/// Case differences cost nothing when that is the only difference (`nodeselector` finds `nodeSelector`); otherwise
/// the distance is measured on the lower-cased words and must not exceed [`max_typo_distance`] of the longer word,
/// nor leave fewer than half of the word's characters in place. Ties go to the earliest candidate.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let distance = if candidate.to_lowercase() == lower {
            0
        } else {
            edit_distance(&lower, &candidate.to_lowercase())
        };
        let longest = word.chars().count().max(candidate.chars().count());
        if distance > max_typo_distance(longest) || distance * 2 > longest {
            continue;
        }
        if best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: &[&str] = &[
        "nodeSelector",
        "tolerations",
        "affinity",
        "containers",
        "volumes",
        "hostNetwork",
    ];

    #[test]
    fn distances() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("ab", "ba"), 1, "transposition");
        assert_eq!(edit_distance("tolerations", "toleratoins"), 1);
        assert_eq!(edit_distance("héllo", "hello"), 1, "characters, not bytes");
    }

    #[test]
    fn suggests_close_words() {
        assert_eq!(
            did_you_mean("nodeSelektor", KEYS.iter().copied()),
            Some("nodeSelector")
        );
        assert_eq!(
            did_you_mean("nodeselector", KEYS.iter().copied()),
            Some("nodeSelector")
        );
        assert_eq!(
            did_you_mean("toleration", KEYS.iter().copied()),
            Some("tolerations")
        );
        assert_eq!(
            did_you_mean("volume", KEYS.iter().copied()),
            Some("volumes")
        );
        assert_eq!(
            did_you_mean("afinity", KEYS.iter().copied()),
            Some("affinity")
        );
    }

    #[test]
    fn refuses_far_words() {
        assert_eq!(did_you_mean("image", KEYS.iter().copied()), None);
        assert_eq!(did_you_mean("x", KEYS.iter().copied()), None);
        assert_eq!(did_you_mean("", KEYS.iter().copied()), None);
        assert_eq!(did_you_mean("ab", ["cd"]), None);
        assert_eq!(did_you_mean("nodeSelector", std::iter::empty()), None);
    }

    #[test]
    fn short_words_allow_one_edit() {
        assert_eq!(did_you_mean("cpu", ["cpu", "memory"]), Some("cpu"));
        assert_eq!(did_you_mean("cpus", ["cpu", "memory"]), Some("cpu"));
        assert_eq!(did_you_mean("cp", ["cpu", "memory"]), Some("cpu"));
        assert_eq!(did_you_mean("gpu", ["cpu", "memory"]), Some("cpu"));
        assert_eq!(did_you_mean("memroy", ["cpu", "memory"]), Some("memory"));
        assert_eq!(did_you_mean("mem", ["cpu", "memory"]), None);
    }

    #[test]
    fn ties_go_to_the_first() {
        assert_eq!(did_you_mean("Equa", ["Equal", "Exists"]), Some("Equal"));
        assert_eq!(did_you_mean("bat", ["cat", "hat"]), Some("cat"));
    }
}
