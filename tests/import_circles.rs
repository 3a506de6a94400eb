//! No two files of a folder of the runtime import each other, directly or
//! around a circle, except where the importing line is defended by a
//! comment above it that says `circle`. Read from the source: a new circle
//! fails here, not in a reviewer's head.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Per file of `folder` (by stem), the sibling files it names, leaving out
/// its tests and the imports defended by a comment.
fn imports(folder: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let name = folder.file_name().unwrap().to_str().unwrap().to_owned();
    let files: BTreeMap<String, String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .map(|path| {
            let stem = path.file_stem().unwrap().to_str().unwrap().to_owned();
            (stem, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    let mut graph = BTreeMap::new();
    for (file, source) in files.iter().filter(|(file, _)| *file != "mod") {
        let mut named = BTreeSet::new();
        let mut defended = false;
        for line in source.lines().map(str::trim) {
            if line.starts_with("#[cfg(test)]") {
                break;
            }
            if line.starts_with("//") {
                defended |= line.contains("circle");
                continue;
            }
            for prefix in ["super::".to_owned(), format!("crate::{name}::")] {
                for (at, _) in line.match_indices(&prefix) {
                    let rest = &line[at + prefix.len()..];
                    let sibling: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if sibling != *file && files.contains_key(&sibling) && !defended {
                        named.insert(sibling);
                    }
                }
            }
            defended = false;
        }
        graph.insert(file.clone(), named);
    }
    graph
}

/// A circle in `graph`, if there is one.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|seen| seen == node) {
            return Some(path[at..].to_vec());
        }
        if !done.insert(node.to_owned()) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_folder_of_the_runtime_imports_in_a_circle() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rustok-metrics/src");
    let mut folders = 0;
    for entry in std::fs::read_dir(source).unwrap() {
        let folder = entry.unwrap().path();
        if folder.is_dir() {
            folders += 1;
            let graph = imports(&folder);
            assert_eq!(circle(&graph), None, "{}: {graph:?}", folder.display());
        }
    }
    assert!(folders >= 5, "read {folders} folders");
}

#[test]
fn the_check_finds_a_circle() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec![]),
    ]
    .into_iter()
    .map(|(file, names)| {
        (
            file.to_owned(),
            names.into_iter().map(str::to_owned).collect(),
        )
    })
    .collect();
    assert_eq!(circle(&graph).map(|found| found.len()), Some(3));
}
