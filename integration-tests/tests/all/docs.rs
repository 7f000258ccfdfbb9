//! The README's crate map describes the workspace as `cargo metadata` sees it: every crate, at
//! its path, with the workspace crates it depends on (normal dependencies), and nothing else.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One crate as documented or as built: its path and the workspace crates it depends on.
type CrateMap = BTreeMap<String, (String, BTreeSet<String>)>;

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("integration-tests is a workspace member")
}

/// The crate map table of README.md: rows `| `path` | `crate` | … | depends on |`.
fn documented() -> CrateMap {
    let readme = std::fs::read_to_string(workspace_root().join("README.md")).expect("README.md");
    let section = readme.split("## Crate map").nth(1).expect("README has a `## Crate map` section");
    let mut map = CrateMap::new();
    for row in section.lines().take_while(|l| !l.starts_with("## ")).filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
        let code = |cell: &str| cell.trim_matches('`').to_string();
        let depends_on = cells.last().expect("a row has cells");
        let deps = depends_on
            .split(',')
            .map(|d| d.trim().trim_matches('`'))
            .filter(|d| !d.is_empty() && *d != "—")
            .map(str::to_string)
            .collect();
        map.insert(code(cells[1]), (code(cells[0]), deps));
    }
    map
}

/// The workspace as `cargo metadata --no-deps` reports it.
fn built() -> CrateMap {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = std::process::Command::new(cargo)
        .args(["metadata", "--no-deps", "--format-version", "1", "--offline"])
        .current_dir(workspace_root())
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let packages = metadata["packages"].as_array().expect("packages");
    let names: BTreeSet<&str> = packages.iter().filter_map(|p| p["name"].as_str()).collect();
    let root = format!("{}/", workspace_root().display());
    let mut map = CrateMap::new();
    for package in packages {
        let manifest = package["manifest_path"].as_str().expect("manifest_path");
        let path = manifest.trim_start_matches(&root).trim_end_matches("/Cargo.toml").to_string();
        let deps = package["dependencies"]
            .as_array()
            .expect("dependencies")
            .iter()
            .filter(|d| d["kind"].is_null())
            .filter_map(|d| d["name"].as_str())
            .filter(|d| names.contains(d))
            .map(str::to_string)
            .collect();
        map.insert(package["name"].as_str().expect("name").to_string(), (path, deps));
    }
    map
}

#[test]
fn readme_crate_map_matches_cargo_metadata() {
    let documented = documented();
    let built = built();
    assert!(!documented.is_empty(), "the crate map table was not found");
    for (name, actual) in &built {
        assert_eq!(documented.get(name), Some(actual), "README crate map row of `{name}` (path, depends on)");
    }
    let extra: Vec<&String> = documented.keys().filter(|name| !built.contains_key(*name)).collect();
    assert!(extra.is_empty(), "README lists crates the workspace does not have: {extra:?}");
}
