//! Tidy checks over the whole workspace, run as ordinary tests: every Rust file opens with a
//! `//!` line saying what it is for, stays reviewable in size, and leaves no debug macros behind.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_rust_file_is_documented_small_and_clean() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    rust_files(&crates, &mut files);
    assert!(files.len() > 20);
    let mut problems = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.display();
        if !text.starts_with("//!") {
            problems.push(format!(
                "{name}: start the file with a `//!` line saying what it is for"
            ));
        }
        let lines = text.lines().count();
        if lines > 800 {
            problems.push(format!("{name}: {lines} lines; split it by what it owns"));
        }
        for macro_name in ["dbg!(", "todo!(", "unimplemented!("] {
            if text.contains(macro_name) && !file.ends_with("tidy.rs") {
                problems.push(format!("{name}: remove {macro_name}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "tidy problems:\n{}",
        problems.join("\n")
    );
}
