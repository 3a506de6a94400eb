//! `docs/architecture.md` describes the layout once; this keeps it true.
//! Read from the source tree, so a folder added, a file renamed or an import
//! between folders changed fails here until the document says so:
//!
//! - every folder and top-level file of `rustok-metrics/src` (and every file
//!   of the macro crate) is named in it, in backticks (`record/`, `lib.rs`);
//! - every path it names in backticks (`record/`, `render/text.rs`,
//!   `tests/ui/`) exists, under the repository, the runtime's `src` or the
//!   macro crate's `src`;
//! - its table of the runtime's folders has a row for each of them, and a
//!   row's "imports" are exactly the folders and files that one imports
//!   through `crate::` paths, each of them in a row above it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

fn document() -> String {
    std::fs::read_to_string(repo_root().join("docs/architecture.md")).unwrap()
}

/// What is written between backticks in `text`.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// A backticked token that names a path: a file ending in `.rs` or a folder
/// ending in `/`, made of path characters only.
fn is_path(token: &str) -> bool {
    (token.ends_with('/') || token.ends_with(".rs"))
        && !token.starts_with('/')
        && token.len() > 1
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./".contains(c))
}

/// The entries of `dir` as the document names them: `name/` or `name.rs`.
fn entries(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?.to_owned();
            if path.is_dir() {
                Some(format!("{name}/"))
            } else {
                name.ends_with(".rs").then_some(name)
            }
        })
        .collect()
}

/// The unit (`record/`, `lib.rs`) a top-level entry stands for, by its
/// module name (`record`, `lib`).
fn unit_of(name: &str, units: &BTreeSet<String>) -> Option<String> {
    [format!("{name}/"), format!("{name}.rs")]
        .into_iter()
        .find(|unit| units.contains(unit))
}

/// The source of `unit`, its tests left out.
fn source_of(src: &Path, unit: &str) -> String {
    let mut files = Vec::new();
    if let Some(folder) = unit.strip_suffix('/') {
        let mut stack = vec![src.join(folder)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|ext| ext == "rs") {
                    files.push(path);
                }
            }
        }
    } else {
        files.push(src.join(unit));
    }
    let mut source = String::new();
    for file in files {
        for line in std::fs::read_to_string(file).unwrap().lines() {
            let line = line.trim();
            if line.starts_with("mod tests") {
                break;
            }
            if !line.starts_with("//") {
                source.push_str(line);
                source.push('\n');
            }
        }
    }
    source
}

/// Per unit, the other units it names through `crate::`: a unit itself
/// (`crate::record::..`), a name the root re-exports (`crate::Format`), or
/// a `#[macro_export]` macro (`crate::__rustok_metrics_declare`). `$crate::`
/// paths expand in the user's crate and do not count.
fn imports(src: &Path, units: &BTreeSet<String>) -> BTreeMap<String, BTreeSet<String>> {
    let sources: BTreeMap<String, String> = units
        .iter()
        .map(|unit| (unit.clone(), source_of(src, unit)))
        .collect();
    let ident = |rest: &str| -> String {
        rest.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    // Names the root re-exports from a unit, and where each macro is defined.
    let mut named: BTreeMap<String, String> = BTreeMap::new();
    for line in sources["lib.rs"].lines() {
        let Some(path) = line.strip_prefix("pub use ") else {
            continue;
        };
        let Some(unit) = unit_of(&ident(path), units) else {
            continue;
        };
        let names = path[ident(path).len()..].trim_start_matches("::");
        for name in names.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if !name.is_empty() {
                named.insert(name.to_owned(), unit.clone());
            }
        }
    }
    for (unit, source) in &sources {
        for (at, _) in source.match_indices("macro_rules! ") {
            named.insert(ident(&source[at + "macro_rules! ".len()..]), unit.clone());
        }
    }
    let mut graph = BTreeMap::new();
    for (unit, source) in &sources {
        let mut used = BTreeSet::new();
        for (at, _) in source.match_indices("crate::") {
            if source[..at].ends_with('$') {
                continue;
            }
            let name = ident(&source[at + "crate::".len()..]);
            if let Some(other) = unit_of(&name, units).or_else(|| named.get(&name).cloned()) {
                used.insert(other);
            }
        }
        if unit == "lib.rs" {
            for line in source.lines() {
                if let Some(path) = line.strip_prefix("pub use ").or(line.strip_prefix("use ")) {
                    used.extend(unit_of(&ident(path), units));
                }
            }
        }
        used.remove(unit);
        graph.insert(unit.clone(), used);
    }
    graph
}

#[test]
fn every_folder_and_file_is_described() {
    let root = repo_root();
    let document = document();
    let named: BTreeSet<&str> = backticked(&document).into_iter().collect();
    let mut missing = Vec::new();
    for dir in ["rustok-metrics/src", "rustok-metrics-macros/src"] {
        for entry in entries(&root.join(dir)) {
            if !named.contains(entry.as_str()) {
                missing.push(format!("{dir}/{entry}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/architecture.md does not name {missing:?}: say, in backticks, what each owns"
    );
}

#[test]
fn every_path_it_names_exists() {
    let root = repo_root();
    let bases = [
        root.clone(),
        root.join("rustok-metrics/src"),
        root.join("rustok-metrics-macros/src"),
    ];
    let document = document();
    let gone: Vec<&str> = backticked(&document)
        .into_iter()
        .filter(|token| is_path(token))
        .filter(|token| {
            !bases.iter().any(|base| {
                let path = base.join(token);
                if token.ends_with('/') {
                    path.is_dir()
                } else {
                    path.is_file()
                }
            })
        })
        .collect();
    assert!(
        gone.is_empty(),
        "docs/architecture.md names paths that do not exist: {gone:?}"
    );
}

#[test]
fn the_folder_table_says_what_each_imports() {
    let src = repo_root().join("rustok-metrics/src");
    let units = entries(&src);
    let actual = imports(&src, &units);
    let mut rows: Vec<(String, BTreeSet<String>)> = Vec::new();
    for line in document().lines() {
        let cells: Vec<&str> = line.trim().trim_matches('|').split('|').collect();
        let [path, _owns, used] = cells[..] else {
            continue;
        };
        let path = path.trim();
        let Some(unit) = path.strip_prefix('`').and_then(|p| p.strip_suffix('`')) else {
            continue;
        };
        if units.contains(unit) {
            let used = backticked(used).into_iter().map(str::to_owned).collect();
            rows.push((unit.to_owned(), used));
        }
    }
    let mut problems = Vec::new();
    let described: BTreeSet<&String> = rows.iter().map(|(unit, _)| unit).collect();
    for unit in units.iter().filter(|unit| !described.contains(unit)) {
        problems.push(format!("`{unit}` has no row in the table"));
    }
    for (at, (unit, used)) in rows.iter().enumerate() {
        let real = &actual[unit];
        if used != real {
            problems.push(format!(
                "`{unit}` imports {real:?}, the table says {used:?}"
            ));
        }
        for other in used {
            if !rows[..at].iter().any(|(above, _)| above == other) {
                problems.push(format!(
                    "`{unit}` imports `{other}`, which is not in a row above it: the arrows must point one way"
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "docs/architecture.md, \"The runtime's folders\":\n{}",
        problems.join("\n")
    );
}
