//! Resource limits and privileges the runner drops before user code runs.

use std::path::PathBuf;

use rustix::process::{Resource, Rlimit, setrlimit};

use super::{Args, isolation};

/// `nobody`, the user a runner started as root becomes.
const NOBODY: u32 = 65534;

/// Sets the rlimits, enters private namespaces, leaves root for `nobody`, sets
/// `PR_SET_NO_NEW_PRIVS` and enters a Landlock domain where only `readable` exists.
pub fn confine(args: &Args, readable: &[PathBuf]) -> Result<(), String> {
    let limit = |resource, soft: u64, hard: u64, name: &str| {
        setrlimit(
            resource,
            Rlimit {
                current: Some(soft),
                maximum: Some(hard),
            },
        )
        .map_err(|e| format!("setrlimit {name}: {e}"))
    };
    limit(
        Resource::As,
        args.memory_bytes,
        args.memory_bytes,
        "RLIMIT_AS",
    )?;
    // SIGXCPU at the soft limit, SIGKILL one second later.
    let cpu = args.cpu_seconds.max(1);
    limit(Resource::Cpu, cpu, cpu + 1, "RLIMIT_CPU")?;
    limit(Resource::Nofile, 64, 64, "RLIMIT_NOFILE")?;
    limit(Resource::Fsize, 0, 0, "RLIMIT_FSIZE")?;
    limit(Resource::Core, 0, 0, "RLIMIT_CORE")?;
    // While still root (or able to make a user namespace) and single threaded.
    isolation::enter_namespaces();
    drop_root()?;
    // Counted per user, and ignored for root: a backstop only, the filter denies new processes.
    limit(Resource::Nproc, 256, 256, "RLIMIT_NPROC")?;
    rustix::thread::set_no_new_privs(true).map_err(|e| format!("PR_SET_NO_NEW_PRIVS: {e}"))?;
    isolation::enter_landlock(readable)
}

/// As root, becomes `nobody` with no supplementary groups: other processes' memory, signals
/// and `/proc/<pid>/environ`, and root's files, are then out of reach. The runner is single
/// threaded here, so the per-thread system calls cover the whole process.
fn drop_root() -> Result<(), String> {
    if !rustix::process::geteuid().is_root() {
        return Ok(());
    }
    let gid = rustix::process::Gid::from_raw(NOBODY);
    let uid = rustix::process::Uid::from_raw(NOBODY);
    rustix::thread::set_thread_groups(&[]).map_err(|e| format!("setgroups: {e}"))?;
    rustix::thread::set_thread_res_gid(gid, gid, gid).map_err(|e| format!("setresgid: {e}"))?;
    rustix::thread::set_thread_res_uid(uid, uid, uid).map_err(|e| format!("setresuid: {e}"))?;
    if rustix::process::geteuid().is_root() {
        return Err("still root after setresuid".into());
    }
    Ok(())
}
