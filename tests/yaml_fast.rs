//! The fast YAML reader (`src/yaml/fast.rs`, what `check` reads nearly every manifest with) against the
//! parser-based reader it stands in for: on every document it reads, both must give the same tree (kinds,
//! values, the line and column of every node and key); on anything else it must decline and leave the document
//! to the parser. Checked on every YAML file of the repository's fixtures, the kubectl cases of
//! `cluster_yaml_read`, generated documents, and mutations of the real manifests.

#[path = "support/yaml_cases.rs"]
mod yaml_cases;

use std::path::{Path, PathBuf};

use daemonset::__private::yaml_fast_reader_agrees;
use proptest::prelude::*;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The YAML files of the fixtures, examples and the parse fuzz corpus.
fn yaml_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in [
        "tests/fixtures",
        "cli/tests/fixtures",
        "examples",
        "fuzz/corpus/parse",
        "fuzz/regressions/parse",
    ] {
        files(&root.join(dir), &mut out);
    }
    out.retain(|p| {
        let name = p.to_string_lossy();
        name.ends_with(".yaml") || name.ends_with(".yml") || name.contains("fuzz/")
    });
    out.sort();
    out
}

#[test]
fn the_fast_reader_agrees_on_every_fixture() {
    let files = yaml_files();
    assert!(files.len() >= 100, "{} files", files.len());
    let mut read = 0;
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        match yaml_fast_reader_agrees(&text) {
            Ok(n) => read += n,
            Err(e) => panic!("{}: {e}", file.display()),
        }
    }
    assert!(read >= 110, "the fast reader read {read} documents");
}

/// The documents of `tests/fixtures/real` (public projects' manifests, verbatim) are what `check` reads most: the
/// fast reader must read every one of them, not leave them to the parser.
#[test]
fn the_fast_reader_reads_every_real_manifest() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    let mut files = Vec::new();
    self::files(&root, &mut files);
    files.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    assert!(files.len() >= 37);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let text = text.trim_start_matches('\u{feff}');
        let documents = text
            .split("\n---")
            .filter(|d| {
                d.lines()
                    .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            })
            .count();
        let read =
            yaml_fast_reader_agrees(text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert_eq!(read, documents, "{}", file.display());
    }
}

#[test]
fn the_fast_reader_agrees_on_the_kubectl_cases() {
    let mut read = 0;
    for scalar in yaml_cases::SCALARS {
        let text = format!("{}x: {scalar}\n", yaml_cases::HEAD);
        read += yaml_fast_reader_agrees(&text).unwrap_or_else(|e| panic!("{scalar}: {e}"));
        let text = format!("{}x:\n- {scalar}\n- [{scalar}]\n", yaml_cases::HEAD);
        read += yaml_fast_reader_agrees(&text).unwrap_or_else(|e| panic!("{scalar}: {e}"));
    }
    for (name, text) in yaml_cases::layouts() {
        read += yaml_fast_reader_agrees(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    assert!(read >= 100, "{read}");
}

/// Hand-picked forms at the edges of the subset: each must be read alike or declined.
#[test]
fn the_fast_reader_agrees_on_edge_forms() {
    let cases = [
        "a:\n",
        "a:\nb: 1\n",
        "a:\n  # c\nb:\n",
        "- \n- a\n-\n",
        "a:\n- 1\n- 2\nb: 3\n",
        "a:\n  - 1\n  -\n    - 2\n",
        "- - - a\n    - b\n  - c\n- d\n",
        "- a: 1\n  b:\n  - x\n  c: |\n    t\n",
        "a: |\n  x\n\n  y\n\n\nb: 1\n",
        "a: |+\n  x\n\n\nb: 1\n",
        "a: |-\n  x\n   y\n\n",
        "a: >\n  x\n  y\n\n  z\n   w\n  v\n",
        "a: >-\n  x\n  y\n",
        "a: >+\n  x\n\n",
        "a: |\n   \n  x\n",
        "a: |\n\n  x\n",
        "a: |\n    x\n  y\n",
        "a: |\n",
        "a: |\nb: 1\n",
        "a: |2\n   x\n",
        "a: | # c\n  x\n",
        "a: |\n  x\n  ",
        "a: |\n  x",
        "a: >\n \n  x\n",
        "a: >\n  x\n  \n  y\n",
        "a: >\n  x\n    \n  y\n",
        "- |\n x\n",
        "a:\n  b: |\n   x\n  c: 1\n",
        "a: 'x''y'\nb: \"q\\\"\\t\\u00e9\\x41\\U0001F600\\/\\ \"\n",
        "a: \"\\q\"\n",
        "a: 'x\n  y'\n",
        "a: \"x\n  y\"\n",
        "a: x\n  y\n",
        "a: x # c\n  y\n",
        "a: x #c\nb: y#c\nc: :x\nd: -x\ne: ?x\n",
        "a: x:y\nb: x: y\n",
        "a: [a, b, [c, {d: e}], {}, []]\n",
        "a: {a: 1, b: [x], 'c': \"d\"}\n",
        "a: {\"a\":1}\n",
        "a: {a:1}\n",
        "a: [a: 1]\n",
        "a: [a, ]\n",
        "a: [a\n  , b]\n",
        "a:\n  b: [\n  x,\n  y\n  ]\n",
        "a:\n  b: [\n x\n ]\n",
        "a: [\nx]\n",
        "- [\n  a]\n",
        "- [\na]\n",
        "a: {b: 1,\n  c: 2}\n",
        "a: {b: 1,\nc: 2}\n",
        "a: [a, # c\n  b]\n",
        "a: [a,#c\n  b]\n",
        "a: [\n---\n]\n",
        "a: [\n...\n]\n",
        "a: ['x\n  y', \"p\n\n  q \"]\n",
        "a:\n  b: 'x\n  y'\n",
        "a:\n  b: 'x\n y'\n",
        "a: 'x\ny'\n",
        "a: 'x  \n  \n\n   y'\n",
        "a: \"x\\\n  y\"\n",
        "a: \"x\\t \n  y\"\n",
        "a: \"x\\  \n  y\"\n",
        "a: 'x\n---\n'\n",
        "'a\n b': 1\n",
        "a: {'a\n b': 1}\n",
        "a: 'x\n  y' # c\nb: 1\n",
        "a: 'x\n  y': 1\n",
        "a: {a: }\n",
        "a: [a]x\n",
        "a: [a] # c\n",
        "a: [a]#c\n",
        "a: 'x'y\n",
        "a: 'x' # c\n",
        "'a': 1\n\"b\" : 2\nc : 3\n",
        "a: 1\na: 2\n",
        "1: a\n0x1F: b\nyes: c\n1.5: d\n~: e\n",
        "<<: {a: 1}\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "? a\n: b\n",
        "a:\n\tb: 1\n",
        "a:\tb\n",
        "a: b\t\n",
        "a: b\r\n",
        "\u{feff}a: 1\n",
        "a: é\nb: \"é\" # é\nc: [é, 'é']\nd: |\n  é\n",
        "é: 1\nb: {é: 1}\n",
        "a: 0644\nb: 1_000\nc: .inf\nd: 1e400\ne: 2001-12-14\nf: ~\ng: 9223372036854775808\n",
        "%YAML 1.1\n---\na: 1\n",
        "a: 1\n...\n",
        "a: 1\n--- \nb: 2\n",
        "  a: 1\n  b: 2\n",
        "  a: 1\n b: 2\n",
        "a:\n    b: 1\n  c: 2\n",
        "- a\n - b\n",
        "hello\n",
        "[a, b]\n",
        "{a: 1}\n",
        "# only\n",
        "",
        "a: -\n",
        "a: - b\n",
        "- a: 1\n  - b\n",
        "a: b\n- c\n",
        "a: |\n  x\n b: 1\n",
        "a: |\n  x\n    b: 1\n",
        "- |\n  x\n - b\n",
        "a: @x\n",
        "a: `x\n",
        "a: %x\n",
        "a: \"x\"\"y\"\n",
        "a: ''\nb: \"\"\n",
        "a:  \nb: 1\n",
        "a: # c\n  b: 1\n",
        "-   a\n-   b:   1\n    c: 2\n",
        "a:\n  - b: 1\n    c: 2\n  - d\n",
        "a:\n- b: 1\n  c: 2\n- d\ne: f\n",
        "a: b #\n#\n",
        "a: x\u{85}y\n",
        "a: # c\nb: 1\n",
        "a: {",
        "a: {b: 1,",
        "a: {b: 1, ",
        "a: [",
        "a: [b,",
        "a: 'b",
        "a: \"b\\",
        "a: |",
        "a: >-\n",
        "- ",
        "-",
        "a:",
        "- # c\n- a\n",
        "- # c\n  a: 1\n",
        "-\n  a: 1\n  b: 2\n-\n  - x\n",
        "a:\n  'b'\nc:\n  [x]\nd:\n  |\n   t\n",
        "a: |\n  x\n\tb: 1\n",
        "a: |\n  x\n  \ty\n",
        "a:\n- |\n  x\n- >-\n  y\n",
        "a: \"\\N\\_\\L\\P\\e\\0\"\n",
    ];
    for case in cases {
        if let Err(e) = yaml_fast_reader_agrees(case) {
            panic!("{case:?}: {e}");
        }
    }
}

/// Forms of the subset, each of which the fast reader must read itself (and read alike).
#[test]
fn the_fast_reader_reads_the_forms_of_its_subset() {
    let cases = [
        "a:\n",
        "a:\nb: 1\n",
        "- \n- a\n-\n",
        "a:\n- 1\n- 2\nb: 3\n",
        "- - - a\n    - b\n  - c\n- d\n",
        "- a: 1\n  b:\n  - x\n  c: |\n    t\n",
        "a:\n  b\nc: 1\n",
        "a: |\n  x\n\n  y\n\n\nb: 1\n",
        "a: |+\n  x\n\n\nb: 1\n",
        "a: |-\n  x\n   y\n\n",
        "a: >\n  x\n  y\n\n  z\n   w\n  v\n",
        "a: >-\n  x\n  y\n",
        "a: | # c\n  x\n",
        "a: 'x''y'\nb: \"q\\\"\\t\\u00e9\\x41\\U0001F600\\/\\ \"\n",
        "a: x #c\nb: y#c\nc: :x\nd: -x\ne: ?x\n",
        "a: [a, b, [c, {d: e}], {}, []]\n",
        "a: {a: 1, b: [x], 'c': \"d\"}\n",
        "a:\n  b: [\n    x, # c\n    y\n  ]\n",
        "a: ['x\n  y', \"p\n\n  q \"]\n",
        "'a': 1\n\"b\" : 2\nc : 3\n",
        "1: a\n0x1F: b\nyes: c\n1.5: d\n",
        "a: é\nb: \"é\" # é\nc: [é, 'é']\nd: |\n  é\n",
        "a: 0644\nb: 1_000\nd: 1e400\ne: 2001-12-14\nf: ~\ng: 9223372036854775808\n",
        "  a: 1\n  b: 2\n",
        "[a, b]\n",
        "{a: 1}\n",
        "# head\na: b # c\n\n# d\nc:\n  # e\n  d: 1\n",
    ];
    for case in cases {
        match yaml_fast_reader_agrees(case) {
            Ok(1) => {}
            other => panic!("{case:?}: {other:?}"),
        }
    }
}

/// A generated tree, written as YAML in various styles.
#[derive(Debug, Clone)]
enum Tree {
    /// A scalar as written (plain, quoted or flow).
    Scalar(&'static str),
    /// A block scalar: header and lines (written indented under its key).
    Block(&'static str, Vec<&'static str>),
    Map(Vec<(&'static str, Tree)>),
    Seq(Vec<Tree>),
}

const SCALARS_WRITTEN: &[&str] = &[
    "a",
    "nginx:1.2",
    "0644",
    "yes",
    "No",
    "on",
    "1_000",
    "1.5",
    "-1",
    "+12",
    "0x1F",
    "~",
    "null",
    "2001-12-14",
    "a b",
    "x:y",
    "http://a/b?c=d#e",
    "a#b",
    "'q'",
    "'it''s'",
    "\"d\\n\\x41\"",
    "\"\"",
    "''",
    ".inf",
    "1e3",
    "[]",
    "{}",
    "[a, 1, 'b']",
    "{a: 1, b: [c]}",
    "-x",
    "?x",
    ":x",
    "é",
    "\"é\\u00e9\"",
    "true",
    "9223372036854775808",
    "12:30:00",
    "a: b",
    "&a x",
    "*a",
    "!!str x",
    "|",
    "- x",
    "a  b  ",
    "x # comment",
    "@",
    "`",
    "[a, ]",
];

const KEYS: &[&str] = &[
    "a", "b", "c", "name", "image", "1", "yes", "'q'", "\"k\"", "1.5", "~", "<<", "x y", "é", "-k",
    "a:b",
];

const LINES: &[&str] = &[
    "x",
    "y z",
    "",
    " indented",
    "  more",
    "#not a comment",
    "é",
    "a: b",
    "- c",
    "\tt",
];

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = prop_oneof![
        6 => proptest::sample::select(SCALARS_WRITTEN).prop_map(Tree::Scalar),
        1 => (
            proptest::sample::select(&["|", "|-", "|+", ">", ">-", ">+", "| # c"][..]),
            proptest::collection::vec(proptest::sample::select(LINES), 0..5)
        )
            .prop_map(|(h, l)| Tree::Block(h, l)),
    ];
    leaf.prop_recursive(5, 60, 6, |inner| {
        prop_oneof![
            proptest::collection::vec((proptest::sample::select(KEYS), inner.clone()), 0..6)
                .prop_map(Tree::Map),
            proptest::collection::vec(inner, 0..5).prop_map(Tree::Seq),
        ]
    })
}

/// How a tree is written: indentation step, indentless lists under keys, comments and blank lines.
#[derive(Debug, Clone)]
struct Style {
    step: usize,
    indentless: bool,
    comments: bool,
    blanks: bool,
}

fn write(tree: &Tree, indent: usize, style: &Style, out: &mut String) {
    let pad = " ".repeat(indent);
    match tree {
        Tree::Map(entries) if !entries.is_empty() => {
            for (i, (key, value)) in entries.iter().enumerate() {
                if style.comments && i % 2 == 1 {
                    out.push_str(&format!("{pad}# comment {i}\n"));
                }
                if style.blanks && i % 3 == 2 {
                    out.push('\n');
                }
                out.push_str(&format!("{pad}{key}:"));
                match value {
                    Tree::Map(e) if !e.is_empty() => {
                        out.push('\n');
                        write(value, indent + style.step, style, out);
                    }
                    Tree::Seq(items) if !items.is_empty() => {
                        out.push('\n');
                        let child = if style.indentless {
                            indent
                        } else {
                            indent + style.step
                        };
                        write(value, child, style, out);
                    }
                    _ => {
                        out.push(' ');
                        inline(value, indent + style.step, out);
                    }
                }
            }
        }
        Tree::Seq(items) if !items.is_empty() => {
            for item in items {
                let mut child = String::new();
                match item {
                    Tree::Map(e) if !e.is_empty() => write(item, indent + 2, style, &mut child),
                    Tree::Seq(i) if !i.is_empty() => write(item, indent + 2, style, &mut child),
                    _ => {
                        child.push_str(&" ".repeat(indent + 2));
                        inline(item, indent + style.step, &mut child);
                    }
                }
                // The first line of the item goes on the entry's line.
                out.push_str(&pad);
                out.push_str("- ");
                out.push_str(&child[indent + 2..]);
            }
        }
        _ => inline(tree, indent + style.step, out),
    }
}

/// A node after `key: ` or `- ` (a line ending included); block scalars' lines at `indent`.
fn inline(tree: &Tree, indent: usize, out: &mut String) {
    match tree {
        Tree::Scalar(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Tree::Block(header, lines) => {
            out.push_str(header);
            out.push('\n');
            for line in lines {
                if !line.is_empty() {
                    out.push_str(&" ".repeat(indent));
                }
                out.push_str(line);
                out.push('\n');
            }
        }
        Tree::Map(_) => out.push_str("{}\n"),
        Tree::Seq(_) => out.push_str("[]\n"),
    }
}

fn style() -> impl Strategy<Value = Style> {
    (1usize..5, any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
        |(step, indentless, comments, blanks)| Style {
            step,
            indentless,
            comments,
            blanks,
        },
    )
}

fn real_text(index: usize) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    let mut files = Vec::new();
    self::files(&root, &mut files);
    files.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    files.sort();
    std::fs::read_to_string(&files[index % files.len()]).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_fast_reader_agrees_on_generated_documents(tree in tree(), style in style()) {
        let root = match tree {
            Tree::Map(_) | Tree::Seq(_) => tree,
            other => Tree::Map(vec![("v", other)]),
        };
        let mut text = String::new();
        write(&root, 0, &style, &mut text);
        if let Err(e) = yaml_fast_reader_agrees(&text) {
            panic!("{e}");
        }
    }

    #[test]
    fn the_fast_reader_agrees_on_mutated_manifests(
        file in 0usize..37,
        edits in proptest::collection::vec((any::<proptest::sample::Index>(), 0usize..3, proptest::sample::select(
            &[" ", "\n", "-", ":", "#", "'", "\"", "|", ">", "[", "]", "{", "}", ",", "a", "\t", "\\", "&", "*", "!", "?", "  ", "- ", ": ", "\n  ", "\n- "][..]
        )), 1..4),
    ) {
        let mut text = real_text(file);
        for (at, op, piece) in edits {
            let mut i = at.index(text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            match op {
                0 => text.insert_str(i, piece),
                1 => {
                    let mut j = (i + piece.len()).min(text.len());
                    while !text.is_char_boundary(j) {
                        j += 1;
                    }
                    text.replace_range(i..j, "");
                }
                _ => {
                    let mut j = (i + 1).min(text.len());
                    while !text.is_char_boundary(j) {
                        j += 1;
                    }
                    text.replace_range(i..j, piece);
                }
            }
        }
        if let Err(e) = yaml_fast_reader_agrees(&text) {
            panic!("{e}");
        }
    }
}
