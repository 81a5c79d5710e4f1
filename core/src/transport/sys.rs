//! The few socket calls made directly rather than through std or tokio: reading
//! into uninitialised memory, sending without SIGPIPE, and asking an idle
//! connection, without waiting, whether the daemon closed it.

use std::io;
use std::mem::MaybeUninit;

/// One `recv` into uninitialised memory (std's `Read` would have it zeroed first,
/// which costs more than the read itself for a small answer).
pub(crate) fn receive(fd: i32, into: &mut [MaybeUninit<u8>]) -> io::Result<usize> {
    // SAFETY: `into` is writable for its whole length; recv writes at most that.
    let n = unsafe { libc::recv(fd, into.as_mut_ptr().cast(), into.len(), 0) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(n as usize)
}

/// One `send` with `MSG_NOSIGNAL`: a daemon that went away is an error, never a
/// SIGPIPE that would kill a C host which did not ignore it.
pub(crate) fn send(fd: i32, bytes: &[u8]) -> io::Result<usize> {
    // SAFETY: `bytes` is readable for its whole length.
    let n = unsafe { libc::send(fd, bytes.as_ptr().cast(), bytes.len(), libc::MSG_NOSIGNAL) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(n as usize)
}

/// Whether the peer closed (or sent something unasked) while a connection was
/// idle: it cannot carry a request that must not be sent twice.
pub(crate) fn is_stale(fd: i32) -> bool {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN | libc::POLLRDHUP,
        revents: 0,
    };
    // SAFETY: one valid pollfd, a zero timeout.
    unsafe { libc::poll(&mut pfd, 1, 0) != 0 }
}
