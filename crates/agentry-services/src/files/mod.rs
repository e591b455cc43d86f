//! The local object store for file pins (AutoGPT's `MediaFileType` and `store_media_file`):
//! a directory per user and run under a root (`FileStore`, a `Resources` entry; a folder in
//! the system temp dir when the process configured none). Not a block folder.
//!
//! A file pin holds a `data:<mime>;base64,…` URI, an http(s) URL, or a path relative to the
//! run's folder, as AutoGPT's. Storing turns the first two into a file in that folder (URLs
//! fetched through the SSRF-guarded `OutboundHttp`) and checks the third stays inside it.

pub mod media;

use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use agentry_core::{BlockError, Cx};
use serde::Serialize;

/// Files larger than this are refused (AutoGPT's 100 MB).
pub const MAX_FILE_BYTES: usize = 100 * 1024 * 1024;

/// Where run files live: `{root}/{user_id}/{graph_exec_id}/{name}`.
#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        FileStore { root: root.into() }
    }

    /// The process's store, or one under the system temp dir.
    pub fn from_cx<O: Serialize>(cx: &Cx<'_, O>) -> FileStore {
        static DEFAULT: OnceLock<FileStore> = OnceLock::new();
        match cx.resource::<FileStore>() {
            Ok(store) => store.clone(),
            Err(_) => DEFAULT
                .get_or_init(|| FileStore::new(std::env::temp_dir().join("agentry-files")))
                .clone(),
        }
    }

    /// The folder of one run of one user; ids must be plain (letters, digits, `-`, `_`).
    pub fn run_dir(&self, user_id: &str, graph_exec_id: &str) -> Result<PathBuf, BlockError> {
        let plain = |id: &str| {
            !id.is_empty()
                && id.len() <= 128
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        };
        // A direct block run has no run id: its files share the user's `direct` folder.
        let exec = if graph_exec_id.is_empty() {
            "direct"
        } else {
            graph_exec_id
        };
        // Only block tests run without a user.
        let user_id = if user_id.is_empty() {
            "anonymous"
        } else {
            user_id
        };
        if !plain(user_id) || !plain(exec) {
            return Err(BlockError::System(
                "the run's ids cannot name a file folder".into(),
            ));
        }
        Ok(self.root.join(user_id).join(exec))
    }
}

/// A file name safe to create: AutoGPT's `sanitize_filename` (no separators or control
/// characters, at most 200 characters, never empty or only dots).
pub fn sanitize_filename(name: &str) -> String {
    let mut clean: String = name
        .chars()
        .map(|c| {
            if "<>:\"/\\|?*".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    if clean.chars().count() > 200 {
        let (stem, ext) = match clean.rsplit_once('.') {
            Some((stem, ext)) if ext.chars().count() < 20 => (stem.to_string(), format!(".{ext}")),
            _ => (clean.clone(), String::new()),
        };
        let keep = 200 - ext.chars().count();
        clean = stem.chars().take(keep).collect::<String>() + &ext;
    }
    if clean.trim_matches('.').is_empty() {
        clean = format!("file_{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    }
    clean
}

/// `relative` inside `base`, or an input error when it would leave it (absolute paths, `..`).
pub fn inside(base: &Path, relative: &str) -> Result<PathBuf, BlockError> {
    let refused =
        || BlockError::input("Local file path is outside the temp_base directory. Access denied.");
    let path = Path::new(relative);
    if relative.is_empty()
        || path
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(refused());
    }
    Ok(base.join(path))
}

/// `relative` inside `base` as it is on disk: the lexical check of `inside`, then every
/// symlink on the way resolved and the result required to be a regular file still inside
/// `base`, so that a linked directory or file in a run's folder cannot lead to another run's
/// (or another user's) files. The error does not say whether the target exists.
pub fn existing_inside(base: &Path, relative: &str) -> Result<PathBuf, BlockError> {
    let missing = || BlockError::Input(format!("Local file does not exist: {relative}"));
    let path = inside(base, relative)?;
    let base = std::fs::canonicalize(base).map_err(|_| missing())?;
    let real = std::fs::canonicalize(&path).map_err(|_| missing())?;
    if !real.starts_with(&base) {
        return Err(BlockError::input(
            "Local file path is outside the temp_base directory. Access denied.",
        ));
    }
    match std::fs::metadata(&real) {
        Ok(meta) if meta.is_file() => Ok(real),
        _ => Err(missing()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sanitized_and_paths_stay_inside() {
        assert_eq!(sanitize_filename("a/b:c?.txt"), "a_b_c_.txt");
        assert!(sanitize_filename("..").starts_with("file_"));
        let long = format!("{}.txt", "x".repeat(300));
        let short = sanitize_filename(&long);
        assert_eq!(short.chars().count(), 200);
        assert!(short.ends_with(".txt"));

        let base = Path::new("/data/u/r");
        assert_eq!(inside(base, "f.txt").unwrap(), base.join("f.txt"));
        assert_eq!(inside(base, "d/f.txt").unwrap(), base.join("d/f.txt"));
        for bad in ["../f", "/etc/passwd", "d/../../f", ""] {
            assert!(inside(base, bad).is_err(), "{bad}");
        }
        let store = FileStore::new("/data");
        assert_eq!(
            store.run_dir("u1", "r-1").unwrap(),
            Path::new("/data/u1/r-1")
        );
        assert_eq!(
            store.run_dir("u1", "").unwrap(),
            Path::new("/data/u1/direct")
        );
        assert!(store.run_dir("../x", "r").is_err());
    }

    #[test]
    fn links_inside_a_runs_folder_cannot_lead_outside_it() {
        let root = tempfile::tempdir().unwrap();
        let store = FileStore::new(root.path());
        let mine = store.run_dir("u1", "r1").unwrap();
        let other_run = store.run_dir("u1", "r0").unwrap();
        let other_user = store.run_dir("u2", "r9").unwrap();
        for dir in [&mine, &other_run, &other_user] {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(dir.join("secret.txt"), "s").unwrap();
        }
        std::fs::create_dir(mine.join("sub")).unwrap();
        std::fs::write(mine.join("sub").join("own.txt"), "o").unwrap();
        let link = |target: &Path, name: &str| {
            std::os::unix::fs::symlink(target, mine.join(name)).unwrap();
        };
        link(&other_user, "linkdir");
        link(&other_run, "runlink");
        link(&other_user.join("secret.txt"), "linkfile");
        link(Path::new("/etc"), "etc");
        link(&mine.join("sub"), "sublink");
        link(&mine.join("secret.txt"), "own_link.txt");

        for bad in [
            "linkdir/secret.txt",
            "runlink/secret.txt",
            "linkfile",
            "etc/passwd",
            "linkdir",
            "sub",
        ] {
            let err = existing_inside(&mine, bad).expect_err(bad);
            assert!(!err.to_string().contains("u2"), "{err}");
        }
        // Links that stay inside the folder are followed.
        let real = std::fs::canonicalize(&mine).unwrap();
        assert_eq!(
            existing_inside(&mine, "sublink/own.txt").unwrap(),
            real.join("sub").join("own.txt")
        );
        assert_eq!(
            existing_inside(&mine, "own_link.txt").unwrap(),
            real.join("secret.txt")
        );
        assert_eq!(
            existing_inside(&mine, "secret.txt").unwrap(),
            real.join("secret.txt")
        );
        assert!(store.run_dir("u", "a/b").is_err());
    }
}
