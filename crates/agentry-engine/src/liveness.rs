//! Who this process is, and whether a worker process recorded on this host is still alive:
//! the host name and kernel boot id name the machine and its boot; the process id and the
//! process's start time (`/proc/<pid>/stat`, field 22, in clock ticks after boot) name the
//! process, so a reused pid is not mistaken for it. Linux only: elsewhere `current` is `None`
//! and take-overs wait for lease expiry as before.

use agentry_store::WorkerProcess;
use agentry_store::queue::now_ms;

/// This process as a worker record, or `None` where `/proc` cannot tell.
pub fn current(worker_id: &str) -> Option<WorkerProcess> {
    let pid = std::process::id();
    Some(WorkerProcess {
        worker_id: worker_id.to_string(),
        host: host()?,
        boot_id: boot_id()?,
        pid: i64::from(pid),
        start_ticks: start_ticks(pid)?,
        started_at: now_ms(),
    })
}

/// Whether `other`, recorded on the same host as `me`, is still running. Anything `/proc`
/// cannot confirm counts as alive: a live worker must never lose its runs.
pub fn is_alive(other: &WorkerProcess, me: &WorkerProcess) -> bool {
    if other.host != me.host {
        return true;
    }
    if other.boot_id != me.boot_id {
        // The machine rebooted since: every process of that boot is gone.
        return false;
    }
    let Ok(pid) = u32::try_from(other.pid) else {
        return true;
    };
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The same pid started at another time is another process.
        Ok(stat) => parse_start_ticks(&stat).is_none_or(|ticks| ticks == other.start_ticks),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(_) => true,
    }
}

fn host() -> Option<String> {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname").ok()?;
    Some(name.trim().to_string()).filter(|n| !n.is_empty())
}

fn boot_id() -> Option<String> {
    let id = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
    Some(id.trim().to_string()).filter(|n| !n.is_empty())
}

fn start_ticks(pid: u32) -> Option<i64> {
    parse_start_ticks(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// Field 22 of `/proc/<pid>/stat`. The command name (field 2) is in parentheses and may hold
/// spaces and parentheses itself, so fields are counted after its last `)`.
fn parse_start_ticks(stat: &str) -> Option<i64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    // After the name come field 3 (state) onwards: field 22 is the 20th of them.
    rest.split_whitespace().nth(19)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_ticks_are_read_after_an_odd_command_name() {
        let stat =
            "4242 (a b) (c)) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10";
        assert_eq!(parse_start_ticks(stat), Some(987_654));
        assert_eq!(parse_start_ticks("garbage"), None);
    }

    #[test]
    fn this_process_is_alive_and_a_gone_or_reused_pid_is_not() {
        let Some(me) = current("me") else {
            return; // not Linux: nothing to check
        };
        assert!(is_alive(&me, &me));
        let reused = WorkerProcess {
            start_ticks: me.start_ticks + 1,
            ..me.clone()
        };
        assert!(!is_alive(&reused, &me), "same pid, another start time");
        let gone = WorkerProcess {
            pid: i64::from(u32::MAX - 1),
            ..me.clone()
        };
        assert!(!is_alive(&gone, &me));
        let rebooted = WorkerProcess {
            boot_id: "another boot".into(),
            ..me.clone()
        };
        assert!(!is_alive(&rebooted, &me));
        let elsewhere = WorkerProcess {
            host: "another host".into(),
            pid: i64::from(u32::MAX - 1),
            ..me.clone()
        };
        assert!(is_alive(&elsewhere, &me), "other hosts wait for expiry");
    }
}
