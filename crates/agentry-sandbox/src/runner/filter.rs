//! The seccomp filters: an allow-list for the runner (and the Python it becomes), a small
//! deny-list of `execve` that the Python bootstrap installs before it reads the user's code.
//!
//! Not on any list, so failing with `EPERM`: `socket`, `socketpair`, `connect`, `bind`, `fork`,
//! `vfork`, `ptrace`, `process_vm_*`, `mount`, `unshare`, `setuid`… Allowed with conditions:
//! `clone` only with `CLONE_THREAD` (threads), `clone3` answers `ENOSYS` so that libc falls back
//! to `clone`, `open`/`openat` only without write, create, truncate or append flags, `kill` and
//! `tgkill` only to this process, `ioctl` only to read terminal settings, `prctl` only to add a
//! seccomp filter (the Python bootstrap), `prlimit64` only on this process.

use std::collections::BTreeMap;

use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen as Len, SeccompCmpOp as Op,
    SeccompCondition as Cond, SeccompFilter, SeccompRule, TargetArch,
};

type Rules = BTreeMap<i64, Vec<SeccompRule>>;

/// Flags that make an `open` able to change a file.
const WRITE_FLAGS: u64 =
    (libc::O_WRONLY | libc::O_RDWR | libc::O_CREAT | libc::O_TRUNC | libc::O_APPEND) as u64;

fn arch() -> Result<TargetArch, String> {
    TargetArch::try_from(std::env::consts::ARCH).map_err(|e| format!("seccomp: {e:?}"))
}

fn rule(conditions: Vec<Cond>) -> Result<SeccompRule, String> {
    SeccompRule::new(conditions).map_err(|e| format!("seccomp rule: {e}"))
}

fn cond(arg: u8, len: Len, op: Op, value: u64) -> Result<Cond, String> {
    Cond::new(arg, len, op, value).map_err(|e| format!("seccomp condition: {e}"))
}

/// System calls any runner needs once its limits are set: memory, its own pipes, time, exit.
fn base_rules() -> Result<Rules, String> {
    let mut rules = Rules::new();
    let plain = [
        libc::SYS_read,
        libc::SYS_write,
        libc::SYS_readv,
        libc::SYS_writev,
        libc::SYS_pread64,
        libc::SYS_lseek,
        libc::SYS_close,
        libc::SYS_fstat,
        libc::SYS_fcntl,
        libc::SYS_dup,
        libc::SYS_dup3,
        libc::SYS_brk,
        libc::SYS_mmap,
        libc::SYS_munmap,
        libc::SYS_mremap,
        libc::SYS_mprotect,
        libc::SYS_madvise,
        libc::SYS_rt_sigaction,
        libc::SYS_rt_sigprocmask,
        libc::SYS_rt_sigreturn,
        libc::SYS_sigaltstack,
        libc::SYS_futex,
        libc::SYS_set_robust_list,
        libc::SYS_get_robust_list,
        libc::SYS_set_tid_address,
        libc::SYS_rseq,
        libc::SYS_getrandom,
        libc::SYS_gettid,
        libc::SYS_getpid,
        libc::SYS_getppid,
        libc::SYS_getuid,
        libc::SYS_geteuid,
        libc::SYS_getgid,
        libc::SYS_getegid,
        libc::SYS_getresuid,
        libc::SYS_getresgid,
        libc::SYS_getgroups,
        libc::SYS_uname,
        libc::SYS_sysinfo,
        libc::SYS_clock_gettime,
        libc::SYS_clock_getres,
        libc::SYS_gettimeofday,
        libc::SYS_clock_nanosleep,
        libc::SYS_nanosleep,
        libc::SYS_sched_yield,
        libc::SYS_sched_getaffinity,
        libc::SYS_getrusage,
        libc::SYS_times,
        libc::SYS_ppoll,
        libc::SYS_pselect6,
        libc::SYS_exit,
        libc::SYS_exit_group,
        // Answered ENOSYS by `clone3_rules`, so that libc falls back to `clone`.
        libc::SYS_clone3,
    ];
    for nr in plain {
        rules.insert(nr, vec![]);
    }
    #[cfg(target_arch = "x86_64")]
    for nr in [
        libc::SYS_arch_prctl,
        libc::SYS_poll,
        libc::SYS_select,
        libc::SYS_dup2,
    ] {
        rules.insert(nr, vec![]);
    }
    // Threads only: a `clone` without CLONE_THREAD would be a new process.
    let thread = libc::CLONE_THREAD as u64;
    rules.insert(
        libc::SYS_clone,
        vec![rule(vec![cond(
            0,
            Len::Qword,
            Op::MaskedEq(thread),
            thread,
        )?])?],
    );
    // Signals only to this process (its pid survives exec).
    let me = std::process::id() as u64;
    for nr in [libc::SYS_kill, libc::SYS_tgkill] {
        rules.insert(nr, vec![rule(vec![cond(0, Len::Dword, Op::Eq, me)?])?]);
    }
    rules.insert(
        libc::SYS_prlimit64,
        vec![rule(vec![cond(0, Len::Dword, Op::Eq, 0)?])?],
    );
    let mut ioctls = Vec::new();
    for request in [libc::TCGETS, libc::TIOCGWINSZ] {
        ioctls.push(rule(vec![cond(1, Len::Dword, Op::Eq, request as _)?])?);
    }
    rules.insert(libc::SYS_ioctl, ioctls);
    Ok(rules)
}

/// Reading files (never writing) and everything else CPython needs to start, including the one
/// `execve` of the interpreter and the `prctl` its bootstrap uses to forbid any further one.
fn python_rules() -> Result<Rules, String> {
    let mut rules = base_rules()?;
    let read_only = |flags_arg: u8| -> Result<Vec<SeccompRule>, String> {
        Ok(vec![rule(vec![cond(
            flags_arg,
            Len::Dword,
            Op::MaskedEq(WRITE_FLAGS),
            0,
        )?])?])
    };
    rules.insert(libc::SYS_openat, read_only(2)?);
    #[cfg(target_arch = "x86_64")]
    {
        rules.insert(libc::SYS_open, read_only(1)?);
        for nr in [
            libc::SYS_stat,
            libc::SYS_lstat,
            libc::SYS_access,
            libc::SYS_readlink,
        ] {
            rules.insert(nr, vec![]);
        }
    }
    for nr in [
        libc::SYS_newfstatat,
        libc::SYS_statx,
        libc::SYS_faccessat,
        libc::SYS_faccessat2,
        libc::SYS_readlinkat,
        libc::SYS_getdents64,
        libc::SYS_getcwd,
        libc::SYS_execve,
    ] {
        rules.insert(nr, vec![]);
    }
    rules.insert(
        libc::SYS_prctl,
        vec![rule(vec![cond(
            0,
            Len::Dword,
            Op::Eq,
            libc::PR_SET_SECCOMP as u64,
        )?])?],
    );
    Ok(rules)
}

fn compile(
    rules: Rules,
    mismatch: SeccompAction,
    matched: SeccompAction,
) -> Result<BpfProgram, String> {
    let filter = SeccompFilter::new(rules, mismatch, matched, arch()?)
        .map_err(|e| format!("seccomp filter: {e}"))?;
    filter
        .try_into()
        .map_err(|e: seccompiler::BackendError| format!("seccomp compile: {e}"))
}

fn allow_list(rules: Rules) -> Result<BpfProgram, String> {
    compile(
        rules,
        SeccompAction::Errno(libc::EPERM as u32),
        SeccompAction::Allow,
    )
}

/// `clone3` passes its flags in memory a filter cannot read: refuse it as unknown.
fn clone3_filter() -> Result<BpfProgram, String> {
    let mut rules = Rules::new();
    rules.insert(libc::SYS_clone3, vec![]);
    compile(
        rules,
        SeccompAction::Allow,
        SeccompAction::Errno(libc::ENOSYS as u32),
    )
}

fn install(program: &BpfProgram) -> Result<(), String> {
    seccompiler::apply_filter(program).map_err(|e| format!("seccomp install: {e}"))
}

/// The JavaScript runner's filter: no files at all.
pub fn apply_js() -> Result<(), String> {
    install(&clone3_filter()?)?;
    install(&allow_list(base_rules()?)?)
}

/// The filter the runner installs before it becomes Python.
pub fn apply_python() -> Result<(), String> {
    install(&clone3_filter()?)?;
    install(&allow_list(python_rules()?)?)
}

/// The filter the Python bootstrap installs before reading user code: no more `execve`.
pub fn no_exec_program() -> Result<BpfProgram, String> {
    let mut rules = Rules::new();
    rules.insert(libc::SYS_execve, vec![]);
    rules.insert(libc::SYS_execveat, vec![]);
    compile(
        rules,
        SeccompAction::Allow,
        SeccompAction::Errno(libc::EPERM as u32),
    )
}

/// A program as the bytes of its `struct sock_filter` array, in hex, for the bootstrap.
pub fn to_hex(program: &BpfProgram) -> String {
    let mut hex = String::with_capacity(program.len() * 16);
    for insn in program {
        let mut bytes = Vec::with_capacity(8);
        bytes.extend_from_slice(&insn.code.to_ne_bytes());
        bytes.push(insn.jt);
        bytes.push(insn.jf);
        bytes.extend_from_slice(&insn.k.to_ne_bytes());
        for b in bytes {
            hex.push_str(&format!("{b:02x}"));
        }
    }
    hex
}
