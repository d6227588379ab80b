//! The library's modules import downwards only: no top-level module of `src/` reaches itself through
//! `crate::` paths. Cycles crept in before (`settle` ↔ `scrubber`, `pack` → `json` → `detect` →
//! `pack`); this keeps them out. Test modules are left out (a test may use anything).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// `crate::name` references in `src` outside its `#[cfg(test)] mod tests` block, including the
/// names inside `use crate::{a, b::c}` groups.
fn references(src: &str) -> BTreeSet<String> {
    let src = match src.find("#[cfg(test)]\nmod tests") {
        Some(i) => &src[..i],
        None => src,
    };
    let mut out = BTreeSet::new();
    let word = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_' || c.is_ascii_digit())
            .collect()
    };
    for (i, _) in src.match_indices("crate::") {
        let rest = &src[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find("};").unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name = word(item.trim());
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name = word(rest);
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

fn collect(dir: &Path, top: Option<&str>, graph: &mut BTreeMap<String, BTreeSet<String>>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read src")
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if path.is_dir() {
            if top.is_none() && name == "bin" {
                continue;
            }
            collect(&path, Some(top.unwrap_or(name)), graph);
            continue;
        }
        let Some(stem) = name.strip_suffix(".rs") else {
            continue;
        };
        if top.is_none() && matches!(stem, "lib" | "build") || stem == "tests" {
            continue;
        }
        let module = top.unwrap_or(stem).to_string();
        let src = std::fs::read_to_string(&path).expect("read a source file");
        graph.entry(module).or_default().extend(references(&src));
    }
}

#[test]
fn top_level_modules_have_no_import_cycles() {
    let mut graph = BTreeMap::new();
    collect(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        None,
        &mut graph,
    );
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    assert!(
        modules.len() >= 15 && modules.contains("settle") && modules.contains("pack"),
        "{modules:?}"
    );
    for (module, deps) in graph.iter_mut() {
        deps.retain(|d| d != module && modules.contains(d));
    }
    // Every module reachable from each module; a module that reaches itself is in a cycle.
    let mut cycles = Vec::new();
    for start in &modules {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<(String, Vec<String>)> = vec![(start.clone(), vec![start.clone()])];
        while let Some((at, path)) = stack.pop() {
            for next in &graph[&at] {
                if next == start {
                    cycles.push(format!("{} -> {start}", path.join(" -> ")));
                } else if seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    assert!(cycles.is_empty(), "import cycles: {cycles:#?}");
    // The test sees real edges (it would pass vacuously on an empty graph).
    assert!(graph["scrubber"].contains("settle") && graph["pack"].contains("detect"));
}
