//! The listening socket, sized for a crowd: a thousand clients connecting at once must all be
//! served, not reset. The accept backlog is asked for explicitly (the kernel caps it at
//! `net.core.somaxconn`), and the soft limit on open files is raised to the hard one, since each
//! connection holds a descriptor and the usual soft limit (1024) is below what a busy server
//! holds; axum's accept loop waits and retries when the process still runs out.

use std::io;

use tokio::net::{TcpListener, TcpSocket, lookup_host};

/// Connections the kernel may hold for us before we accept them.
pub const BACKLOG: u32 = 4096;

/// Binds `addr` (`host:port`) with the backlog above, after raising the open-files limit.
pub async fn bind(addr: &str) -> io::Result<TcpListener> {
    raise_open_files_limit();
    let addr = lookup_host(addr)
        .await?
        .next()
        .ok_or_else(|| io::Error::other(format!("{addr} names no address")))?;
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    // A restart can listen again at once while the old connections linger in TIME_WAIT.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// Raises the soft limit on open files to the hard limit; a failure only leaves it as it was.
pub fn raise_open_files_limit() {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current.is_some() && limit.current != limit.maximum {
        let raised = rustix::process::Rlimit {
            current: limit.maximum,
            maximum: limit.maximum,
        };
        if let Err(e) = setrlimit(Resource::Nofile, raised) {
            tracing::debug!(error = %e, "could not raise the open-files limit");
        }
    }
}
