//! Waiting inside a step of a `Call`, where the event loop itself would wait.
//!
//! A call answered whole is pending after its first step: the request is out
//! and the answer not in yet. Going back to the loop then costs two of its
//! iterations and a socket watched and unwatched, as much again as the whole call
//! costs a blocking caller. So when the loop has nothing else to do (no callback
//! ready, no timer due sooner, not stopping), the step waits right here for its
//! socket *or* the loop's own selector, with the GIL released. Anything that
//! would wake the loop (another socket, a thread's `call_soon_threadsafe`, a
//! signal, the runtime's eventfd) ends the wait at once, and the step goes back
//! to the loop as usual; a sequence of calls then costs what blocking calls do.
//!
//! Only asyncio's own selector loops are looked into this way (their selector
//! is a pollable descriptor, and their queues are plain attributes); on other
//! loops (uvloop) every pending step goes back to the loop.

use std::os::fd::RawFd;
use std::time::Duration;

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyList;

use libdocker::foreign_loop::Wait;

/// The longest one wait lasts before the step goes back to the loop.
const LONGEST: Duration = Duration::from_millis(20);

/// The descriptor of `event_loop`'s selector, if it is one of asyncio's own
/// selector loops whose state this module knows how to read.
pub fn selector_of(event_loop: &Bound<'_, PyAny>) -> Option<RawFd> {
    let py = event_loop.py();
    let base = py
        .import("asyncio.selector_events")
        .and_then(|m| m.getattr("BaseSelectorEventLoop"))
        .ok()?;
    if !event_loop.is_instance(&base).ok()? {
        return None;
    }
    let knows = ["_ready", "_scheduled", "_stopping"]
        .iter()
        .all(|a| event_loop.hasattr(*a).unwrap_or(false));
    if !knows {
        return None;
    }
    let fd: RawFd = event_loop
        .getattr("_selector")
        .and_then(|s| s.call_method0("fileno"))
        .and_then(|fd| fd.extract())
        .ok()?;
    (fd >= 0).then_some(fd)
}

/// Waits for `wait`'s socket while the loop is idle; whether it became ready
/// (`false`: the loop has work, or got some, or the wait ran out).
pub fn wait_while_idle(
    event_loop: &Bound<'_, PyAny>,
    selector: RawFd,
    wait: Wait,
) -> PyResult<bool> {
    let py = event_loop.py();
    if event_loop.getattr(intern!(py, "_ready"))?.len()? > 0
        || event_loop.getattr(intern!(py, "_stopping"))?.is_truthy()?
    {
        return Ok(false);
    }
    let mut limit = LONGEST;
    let scheduled = event_loop.getattr(intern!(py, "_scheduled"))?;
    if let Ok(timers) = scheduled.cast::<PyList>() {
        if let Ok(first) = timers.get_item(0) {
            let when: f64 = first.getattr(intern!(py, "_when"))?.extract()?;
            let now: f64 = event_loop.call_method0(intern!(py, "time"))?.extract()?;
            match Duration::try_from_secs_f64(when - now) {
                Ok(left) if !left.is_zero() => limit = limit.min(left),
                _ => return Ok(false),
            }
        }
    }
    let direction = if wait.writable {
        libc::POLLOUT
    } else {
        libc::POLLIN
    };
    let mut fds = [
        libc::pollfd {
            fd: wait.fd,
            events: direction,
            revents: 0,
        },
        libc::pollfd {
            fd: selector,
            events: libc::POLLIN,
            revents: 0,
        },
    ];
    let timeout = libc::timespec {
        tv_sec: limit.as_secs() as libc::time_t,
        tv_nsec: limit.subsec_nanos() as libc::c_long,
    };
    let ready = crate::gil::released(py, || {
        // SAFETY: two live pollfd entries and a live timespec; no signal mask.
        let n = unsafe { libc::ppoll(fds.as_mut_ptr(), 2, &timeout, std::ptr::null()) };
        // Ready, hung up or failed: the next read or write says which.
        n > 0 && fds[0].revents != 0
    });
    Ok(ready)
}
