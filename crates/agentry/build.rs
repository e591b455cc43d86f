//! Chooses the web app the binary embeds. When Node and npm are installed and `ui/dist` is
//! missing or older than its sources, builds it (`npm ci` when the modules are missing or
//! stale, then `npm run build`). Without Node, or when that fails, the binary embeds a page
//! that says what is missing and how to build the app; the Rust build never fails for it.
//! `AGENTRY_SKIP_UI_BUILD=1` embeds whatever `ui/dist` holds without building.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

const SOURCES: &[&str] = &[
    "src",
    "index.html",
    "package.json",
    "package-lock.json",
    "vite.config.ts",
    "tsconfig.json",
    "public",
];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let ui = manifest.join("../../ui");
    let dist = ui.join("dist");
    for source in SOURCES {
        println!("cargo:rerun-if-changed={}", ui.join(source).display());
    }
    println!(
        "cargo:rerun-if-changed={}",
        dist.join("index.html").display()
    );
    println!("cargo:rerun-if-env-changed=AGENTRY_SKIP_UI_BUILD");

    let skip = std::env::var_os("AGENTRY_SKIP_UI_BUILD").is_some_and(|v| v != "0");
    let mut missing = None;
    if !skip && ui.join("package.json").exists() && is_stale(&ui, &dist) {
        missing = build(&ui).err();
    }
    let folder = if dist.join("index.html").exists() {
        dist.canonicalize().unwrap_or(dist)
    } else {
        let why = missing.unwrap_or_else(|| "ui/dist was not built".to_string());
        placeholder(&why)
    };
    println!("cargo:rustc-env=AGENTRY_UI_DIST={}", folder.display());
}

/// The newest modification time under `path` (a file or a folder).
fn newest(path: &Path) -> Option<SystemTime> {
    let meta = fs::metadata(path).ok()?;
    if !meta.is_dir() {
        return meta.modified().ok();
    }
    fs::read_dir(path)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| newest(&e.path()))
        .max()
}

fn is_stale(ui: &Path, dist: &Path) -> bool {
    let Some(built) = newest(&dist.join("index.html")) else {
        return true;
    };
    SOURCES
        .iter()
        .filter_map(|s| newest(&ui.join(s)))
        .any(|t| t > built)
}

fn npm(ui: &Path, args: &[&str]) -> Result<(), String> {
    let status = Command::new("npm")
        .args(args)
        .current_dir(ui)
        .status()
        .map_err(|e| {
            format!("npm could not be started ({e}): Node.js 20 and npm are not installed")
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`npm {}` failed in ui/ ({status})", args.join(" ")))
    }
}

fn build(ui: &Path) -> Result<(), String> {
    // npm writes this file on each install: older than the lockfile means stale modules.
    let installed = newest(&ui.join("node_modules/.package-lock.json"));
    let locked = newest(&ui.join("package-lock.json"));
    if installed.is_none() || locked > installed {
        npm(ui, &["ci", "--no-audit", "--no-fund"])?;
    }
    npm(ui, &["run", "build"])
}

/// A one-page app that says why the real one is missing and how to build it.
fn placeholder(why: &str) -> PathBuf {
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("ui-placeholder");
    fs::create_dir_all(&out).expect("OUT_DIR is writable");
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Agentry: the web app is not built</title></head>\
         <body style=\"font-family:system-ui;max-width:40rem;margin:3rem auto;line-height:1.5\">\
         <h1>The web app is not part of this build</h1>\
         <p>This binary was built without the web app: {why}.</p>\
         <p>Install Node.js 20 (or newer) with npm, then build again; the build runs \
         <code>npm ci &amp;&amp; npm run build</code> in <code>ui/</code> itself:</p>\
         <pre>cargo run --release -p agentry -- serve</pre>\
         <p>The API works without it: <a href=\"/api/openapi.json\">/api/openapi.json</a>.</p></body></html>",
        why = why.replace('&', "&amp;").replace('<', "&lt;")
    );
    fs::write(out.join("index.html"), page).expect("OUT_DIR is writable");
    out
}
