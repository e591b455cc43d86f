//! The runner's view of the machine, narrowed before any user code runs: private network and
//! IPC namespaces (a second wall behind the seccomp filter), then a Landlock domain in which
//! only the language runtime's own files exist (nothing at all for JavaScript).
//!
//! The fallback order, decided in docs/security.md: namespaces are best effort (a container
//! may forbid them; the filter already denies sockets), Landlock's file-system rules are
//! required. Without them the runner refuses to run the code rather than run it with a view of
//! the server's database, configuration, logs and other runs' files.

use std::path::{Path, PathBuf};

use landlock::{
    ABI, Access, AccessFs, AccessNet, CompatLevel, Compatible, PathBeneath, PathFd, Ruleset,
    RulesetAttr, RulesetCreatedAttr, RulesetStatus, Scope,
};

/// The newest Landlock ABI this code was written and tested against; older kernels get the
/// subset they support (any ABI restricts reading and listing files).
const NEWEST_ABI: ABI = ABI::V6;

/// What `enter_namespaces` managed to set up, for the refusal message and the tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Namespaces {
    pub network: bool,
    pub ipc: bool,
    /// A user namespace was needed (not root) and made.
    pub user: bool,
}

/// Private network and IPC namespaces: no interface but a down loopback, no shared memory
/// segment or message queue of the host. Unprivileged, they need a user namespace first; root
/// makes them directly and leaves root afterwards. Must run while single threaded.
pub fn enter_namespaces() -> Namespaces {
    use nix::sched::{CloneFlags, unshare};
    let wanted = CloneFlags::CLONE_NEWNET | CloneFlags::CLONE_NEWIPC;
    if rustix::process::geteuid().is_root() {
        return match unshare(wanted) {
            Ok(()) => Namespaces {
                network: true,
                ipc: true,
                user: false,
            },
            Err(_) => Namespaces::default(),
        };
    }
    // Without uid/gid maps the runner is the overflow user inside; outside it keeps its own
    // uid, so no file becomes readable that was not before.
    match unshare(wanted | CloneFlags::CLONE_NEWUSER) {
        Ok(()) => Namespaces {
            network: true,
            ipc: true,
            user: true,
        },
        Err(_) => Namespaces::default(),
    }
}

/// Where a Python runtime's files are: the interpreter (read and execute) and the directories
/// of the dynamic loader, shared libraries and standard library (read and execute).
pub fn python_paths(python: &Path) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    let interpreter = resolve(python);
    if let Ok(exe) = std::fs::canonicalize(&interpreter) {
        // A Python outside the system prefixes (pyenv, /opt) keeps its stdlib beside it.
        if let Some(prefix) = exe.parent().and_then(Path::parent)
            && prefix != Path::new("/usr")
            && prefix != Path::new("/")
        {
            paths.push(prefix.join("lib"));
        }
        paths.push(exe);
    }
    for dir in [
        "/lib",
        "/lib64",
        "/usr/lib",
        "/usr/lib64",
        "/usr/local/lib",
        "/etc/ld.so.cache",
        "/etc/localtime",
        "/usr/share/zoneinfo",
        "/dev/null",
        "/dev/urandom",
    ] {
        paths.push(PathBuf::from(dir));
    }
    paths
}

/// A bare program name as `execvp` with the default search path would find it (the runner's
/// environment is empty).
fn resolve(program: &Path) -> PathBuf {
    if program.components().count() > 1 {
        return program.to_path_buf();
    }
    ["/usr/local/bin", "/usr/bin", "/bin"]
        .iter()
        .map(|dir| Path::new(dir).join(program))
        .find(|p| p.exists())
        .unwrap_or_else(|| program.to_path_buf())
}

/// Enters a Landlock domain where only `readable` (and what lies beneath) can be read,
/// listed or executed; nothing can be written, no TCP port bound or connected (ABI 4), and
/// no signal sent nor abstract socket reached outside the domain (ABI 6). Refuses when the
/// kernel enforces none of the file-system rules.
pub fn enter_landlock(readable: &[PathBuf]) -> Result<(), String> {
    let refuse = |e: &dyn std::fmt::Display| format!("Landlock: {e}");
    let read_exec = AccessFs::from_read(NEWEST_ABI);
    let mut ruleset = Ruleset::default()
        .set_compatibility(CompatLevel::BestEffort)
        .handle_access(AccessFs::from_all(NEWEST_ABI))
        .map_err(|e| refuse(&e))?
        .handle_access(AccessNet::from_all(NEWEST_ABI))
        .map_err(|e| refuse(&e))?
        .scope(Scope::from_all(NEWEST_ABI))
        .map_err(|e| refuse(&e))?
        .create()
        .map_err(|e| refuse(&e))?;
    for path in readable {
        // A path this machine does not have is simply not part of the view.
        let Ok(fd) = PathFd::new(path) else {
            continue;
        };
        let access = if path.is_dir() {
            read_exec
        } else {
            read_exec & AccessFs::from_file(NEWEST_ABI)
        };
        ruleset = ruleset
            .add_rule(PathBeneath::new(fd, access))
            .map_err(|e| refuse(&e))?;
    }
    let status = ruleset.restrict_self().map_err(|e| refuse(&e))?;
    if status.ruleset == RulesetStatus::NotEnforced {
        return Err(
            "this kernel does not enforce Landlock (Linux 5.13 or later with `landlock` in the \
             `lsm=` boot list is needed), so the code would see the server's files; refusing \
             to run it. Use E2B (an E2B_API_KEY) or enable Landlock."
                .into(),
        );
    }
    Ok(())
}
